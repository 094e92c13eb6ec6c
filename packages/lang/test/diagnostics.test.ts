/**
 * Every parse diagnostic code: a golden code frame (fixtures/diagnostics/<code>.norma → .txt), a
 * table case where it holds (with exact line/column range) and one where it does not, and its
 * section in docs/diagnostics.md.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  PARSE_DIAGNOSTIC_CODES,
  SourceText,
  formatDiagnosticsJson,
  parsePolicy,
  renderDiagnostic,
} from "../src/index.js";
import { FIXTURES, REPO, expectGolden, filesUnder } from "./helpers.js";

const CODES = Object.keys(PARSE_DIAGNOSTIC_CODES);
const HEADER = 'policy t.t "t" reads facts@1\n';

describe("golden code frames", () => {
  test.each(CODES)("%s", (code) => {
    const path = join(FIXTURES, "diagnostics", `${code}.norma`);
    const text = readFileSync(path, "utf8");
    const file = `${code}.norma`;
    const result = parsePolicy(text, file);
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
    const source = new SourceText(file, text);
    const rendered = result.diagnostics.map((d) => renderDiagnostic(d, source)).join("");
    expectGolden(path.replace(/\.norma$/, ".txt"), rendered);
  });

  test("every fixture is for a known code", () => {
    const fixtures = filesUnder(join(FIXTURES, "diagnostics"), ".norma").map((p) =>
      p.slice(join(FIXTURES, "diagnostics").length + 1, -".norma".length),
    );
    expect(fixtures.sort()).toEqual([...CODES].sort());
  });
});

describe("docs/diagnostics.md", () => {
  const docs = readFileSync(join(REPO, "docs", "diagnostics.md"), "utf8");
  const documented = [...docs.matchAll(/^## (parse\/[a-z-]+)\s*$/gm)].map((m) => m[1]);
  test("documents every parse code exactly once, and no other", () => {
    expect([...documented].sort()).toEqual([...CODES].sort());
  });
});

interface Case {
  code: string;
  /** Declarations after a standard header (line 1), unless `whole` is set. */
  bad: string;
  /** [line, column, endLine, endColumn] of the diagnostic with `code` (columns 1-based; end exclusive). */
  at: [number, number, number, number];
  good: string;
  whole?: boolean;
}

const CASES: Case[] = [
  { code: "parse/invalid-character", bad: "let a = 1 ＋ 2", at: [2, 11, 2, 12], good: "let a = 1 + 2" },
  { code: "parse/invalid-character", bad: "let a = x && y", at: [2, 11, 2, 13], good: "let a = x and y" },
  { code: "parse/unterminated-string", bad: 'let a = "abc', at: [2, 9, 2, 13], good: 'let a = "abc"' },
  { code: "parse/invalid-escape", bad: 'let a = "a\\qb"', at: [2, 11, 2, 13], good: 'let a = "a\\\\qb"' },
  {
    code: "parse/invalid-escape",
    bad: 'let a = "\\u{D800}"',
    at: [2, 10, 2, 18],
    good: 'let a = "\\u{4E2D}"',
  },
  { code: "parse/invalid-number", bad: "let a = 1__000", at: [2, 9, 2, 15], good: "let a = 1_000" },
  { code: "parse/invalid-number", bad: "let a = 10_%", at: [2, 9, 2, 12], good: "let a = 10%" },
  { code: "parse/invalid-date", bad: "let a = 2023-02-29", at: [2, 9, 2, 19], good: "let a = 2024-02-29" },
  {
    code: "parse/invalid-date",
    bad: "let a = 2023-02-01T24:00",
    at: [2, 9, 2, 25],
    good: "let a = 2023-02-01T23:59",
  },
  { code: "parse/money-precision", bad: "let a = 0.001 yuan", at: [2, 9, 2, 19], good: "let a = 0.010 yuan" },
  { code: "parse/money-precision", bad: "let a = 1.5 fen", at: [2, 9, 2, 16], good: "let a = 15 fen" },
  { code: "parse/invalid-duration", bad: "let a = 1.5 hours", at: [2, 9, 2, 18], good: "let a = 90 minutes" },
  {
    code: "parse/unexpected-token",
    bad: 'rule r cite A:1 "q" then allow "x"',
    at: [2, 21, 2, 25],
    good: 'rule r cite A:1 "q" when x then allow "x"',
  },
  { code: "parse/unexpected-token", bad: "let count = 3", at: [2, 5, 2, 10], good: "let count_ = 3" },
  { code: "parse/unexpected-end", bad: "let a = 1 +", at: [2, 12, 2, 12], good: "let a = 1 + 2" },
  {
    code: "parse/missing-header",
    bad: "let a = 1",
    at: [1, 1, 1, 4],
    good: HEADER + "let a = 1",
    whole: true,
  },
  {
    code: "parse/missing-citation-quote",
    bad: 'rule r cite A:1 when x then allow "x"',
    at: [2, 17, 2, 21],
    good: 'rule r cite A:1 "q" when x then allow "x"',
  },
  {
    code: "parse/invalid-citation-line",
    bad: 'rule r cite A:0 "q" when x then allow "x"',
    at: [2, 15, 2, 16],
    good: 'rule r cite A:1 "q" when x then allow "x"',
  },
  {
    code: "parse/duplicate-effective",
    bad: 'rule r effective from 2024-01-01 effective until 2025-01-01 when x then allow "x"',
    at: [2, 34, 2, 60],
    good: 'rule r effective from 2024-01-01 until 2025-01-01 when x then allow "x"',
  },
  {
    code: "parse/chained-comparison",
    bad: "let a = 1 < x < 3",
    at: [2, 15, 2, 16],
    good: "let a = 1 < x and x < 3",
  },
  {
    code: "parse/chained-comparison",
    bad: "let a = x in l == true",
    at: [2, 16, 2, 18],
    good: "let a = (x in l) == true",
  },
  { code: "parse/norm-id-in-expression", bad: "let a = FIL-7", at: [2, 9, 2, 14], good: "let a = FIL - 7" },
  {
    code: "parse/needs-parentheses",
    bad: "let a = b and any x in l: x",
    at: [2, 15, 2, 28],
    good: "let a = b and (any x in l: x)",
  },
  {
    code: "parse/needs-parentheses",
    bad: "let a = 1 + if b then 1 else 2",
    at: [2, 13, 2, 31],
    good: "let a = 1 + (if b then 1 else 2)",
  },
  {
    code: "parse/invalid-template",
    bad: 'rule r when x then allow "x" message "a } b"',
    at: [2, 41, 2, 42],
    good: 'rule r when x then allow "x" message "a }} b"',
  },
  {
    code: "parse/invalid-template",
    bad: 'rule r when x then allow "x" message "a {} b"',
    at: [2, 41, 2, 43],
    good: 'rule r when x then allow "x" message "a {{}} b"',
  },
  {
    code: "parse/too-deep",
    bad: `let a = ${"[".repeat(33)}${"]".repeat(33)}`,
    at: [2, 41, 2, 42],
    good: `let a = ${"[".repeat(32)}${"]".repeat(32)}`,
  },
  {
    code: "parse/too-many-errors",
    bad: "let a = )\n".repeat(51),
    at: [52, 9, 52, 10],
    good: "let a = 1\n".repeat(51),
  },
];

describe("each code holds where it should, and not where it should not", () => {
  test.each(CASES.map((c) => [c.code, c] as const))("%s", (code, c) => {
    const badText = c.whole ? c.bad : HEADER + c.bad;
    const bad = parsePolicy(badText, "bad.norma");
    const json = formatDiagnosticsJson(bad.diagnostics, [new SourceText("bad.norma", badText)]);
    const hit = json.find((d) => d.code === code);
    expect(hit, JSON.stringify(json)).toBeDefined();
    expect([hit!.line, hit!.column, hit!.endLine, hit!.endColumn]).toEqual(c.at);
    expect(hit!.message).toMatch(/^[^A-Z].*[^.]$/);
    const goodText = c.whole ? c.good : HEADER + c.good;
    const good = parsePolicy(goodText, "good.norma");
    expect(good.diagnostics).toEqual([]);
  });

  test("the table covers every code", () => {
    expect(new Set(CASES.map((c) => c.code))).toEqual(new Set(CODES));
  });
});
