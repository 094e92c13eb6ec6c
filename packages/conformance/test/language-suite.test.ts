/**
 * The language conformance suite is complete: every diagnostic code documented in
 * docs/diagnostics.md and every builtin in grammar/reference.md has its own case file under
 * conformance/language/, with a case where it holds and one where it does not. A new code or
 * builtin without cases fails here.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCaseFile, type Assertion, type LanguageCase } from "../src/index.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const context = { sourceIds: null, normIds: null, hasExample: null };

/** The language cases of one file (the file must load without errors). */
function casesOf(path: string): LanguageCase[] {
  const loaded = parseCaseFile(readFileSync(repo(path), "utf8"), path, context, "language");
  expect(loaded.errors, path).toEqual([]);
  return loaded.cases as LanguageCase[];
}

const reportsCode = (a: Assertion, code: string) => "diagnostic" in a && a.diagnostic.code === code;

/** Codes no case can trigger (each is a skipped case whose reason says why). */
const UNREACHABLE = new Set(["check/invalid-line", "check/norms-invalid", "check/unreadable-file"]);

const documentedCodes = [
  ...new Set(
    [
      ...readFileSync(repo("docs/diagnostics.md"), "utf8").matchAll(/\b((?:parse|check)\/[a-z][a-z0-9-]*)/g),
    ].map((m) => m[1]!),
  ),
].sort();

const reference = readFileSync(repo("grammar/reference.md"), "utf8");
const builtinSection = reference.slice(
  reference.indexOf("## Builtin functions"),
  reference.indexOf("## Operators"),
);
const builtinsInTable = [...new Set([...builtinSection.matchAll(/`([a-z_]+)\(/g)].map((m) => m[1]!))].sort();

describe("every documented diagnostic code has language cases", () => {
  it("finds the codes", () => {
    expect(documentedCodes.length).toBeGreaterThan(50);
    expect(documentedCodes).toContain("parse/too-deep");
    expect(documentedCodes).toContain("check/lexicon-conflict");
  });

  it.each(documentedCodes)("%s", (code) => {
    const path = `conformance/language/diagnostics/${code.replace("/", "-")}.yaml`;
    expect(existsSync(repo(path)), `${path} is missing`).toBe(true);
    const cases = casesOf(path);
    if (UNREACHABLE.has(code)) {
      expect(cases.every((c) => c.skip !== null && c.skip.length > 20)).toBe(true);
      return;
    }
    const run = cases.filter((c) => c.skip === null);
    expect(
      run.some((c) => c.expect.some((a) => reportsCode(a, code))),
      "a case where it is reported",
    ).toBe(true);
    expect(
      run.some((c) => !c.expect.some((a) => reportsCode(a, code))),
      "a case where it is not",
    ).toBe(true);
  });
});

describe("every builtin has language cases", () => {
  it("finds the builtins", () => {
    expect(builtinsInTable.length).toBeGreaterThanOrEqual(15);
    expect(builtinsInTable).toEqual(
      expect.arrayContaining(["min", "max", "clamp", "natural_days_between", "prev_month"]),
    );
  });

  it.each(builtinsInTable)("%s", (name) => {
    const path = `conformance/language/builtins/${name.replace(/_/g, "-")}.yaml`;
    expect(existsSync(repo(path)), `${path} is missing`).toBe(true);
    const cases = casesOf(path).filter((c) => c.skip === null);
    const calls = (c: LanguageCase) => [c.expr ?? "", ...c.policies].some((t) => t.includes(`${name}(`));
    expect(
      cases.some((c) => calls(c) && c.expect.some((a) => "value" in a)),
      "a case with a value",
    ).toBe(true);
    expect(
      cases.some((c) => calls(c) && c.expect.some((a) => "diagnostic" in a)),
      "a case it refuses",
    ).toBe(true);
  });
});
