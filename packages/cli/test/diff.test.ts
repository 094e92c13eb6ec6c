import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "@norma/compiler";
import { generateFacts, loadStories, type FactsDoc } from "../src/batch/generate-facts.js";
import type { DiffReport } from "../src/batch/impact-diff.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FIL_SHA = "649c3141206613c60496dc4eff5f747ab4ddb7f6537ea0c3117b27f9f22d68bb";
const scratch = mkdtempSync(join(tmpdir(), "norma-diff-"));

const header = `policy test.diff "影响比较" reads facts@1

source FIL file "001_15365efda3bcd81e.txt" sha256 "${FIL_SHA}" edited 2022-01-14
`;
const paymentRule = (limit: string) => `
rule test.single_payment "单笔支付限额"
  implements DEP-6
  cite FIL:43 "7个自然日审核周期"
  when trade is present and trade.deposit is present
    and (any a in trade.deposit.paymentAttempts: a.amount > ${limit})
  then reject "deposit_payment"
`;
const otherRules = `
rule test.overseas "境外非企业主体"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when entity.type == "overseas_non_enterprise"
  then flag "overseas"

rule test.enterprise_from_november "企业主体(11 月起)"
  implements FIL-6
  cite FIL:43 "7个自然日审核周期"
  effective from 2026-11-01
  when entity.type == "enterprise"
  then advise "enterprise"
`;

/** Builds one version of the policies into a bundle file (built once, so the runs all see the same bundle). */
function bundle(name: string, text: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(ROOT, "policies/norms.yaml"), join(dir, "norms.yaml"));
  writeFileSync(join(dir, "p.norma"), text);
  const built = buildBundle([join(dir, "p.norma")], { root: dir });
  expect(built.diagnostics).toEqual([]);
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify(built.value.bundle));
  return path;
}

let base = "";
let head = "";
let docs: FactsDoc[] = [];
const input = join(scratch, "facts.ndjson");

function diff(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "packages/cli/src/main.ts"), "diff", "--in", input, ...args],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  base = bundle("base", header + paymentRule("50_000 yuan") + otherRules);
  head = bundle("head", header + paymentRule("40_000 yuan") + otherRules);
  docs = generateFacts({ stories: loadStories(), seed: 3, count: 600 }).map((g) => g.doc);
  writeFileSync(input, [...docs.map((d) => JSON.stringify(d)), "not json"].join("\n") + "\n");
});

const amounts = (d: FactsDoc): number[] =>
  (
    ((d.trade as FactsDoc | undefined)?.deposit as FactsDoc | undefined)?.paymentAttempts as
      { amount: number }[] | undefined
  )?.map((a) => a.amount) ?? [];

describe("norma diff", () => {
  it("two versions differing in one rule: exactly the documents that rule now catches change", () => {
    const r = diff([
      "--base",
      base,
      "--head",
      head,
      "--as-of",
      "2026-11-21",
      "--format",
      "json",
      "--workers",
      "2",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DiffReport;
    // Lowering the limit from 5,000,000 to 4,000,000 fen catches payments in (4,000,000, 5,000,000] …
    // … on documents that no payment above 5,000,000 fen rejected already.
    const expected = docs
      .map((d, i) => ({ d, line: i + 1 }))
      .filter(({ d }) => amounts(d).some((a) => a > 4_000_000) && !amounts(d).some((a) => a > 5_000_000))
      .map(({ line }) => line);
    expect(expected.length).toBeGreaterThan(5);
    expect(report.total).toBe(docs.length + 1);
    expect(report.decided).toBe(docs.length);
    expect(report.errors).toEqual({ syntax: 1 });
    expect(report.changed).toBe(expected.length);
    expect(Object.keys(report.byRule)).toEqual(["test.single_payment"]);
    expect(report.byRule["test.single_payment"]).toMatchObject({
      documents: expected.length,
      added: expected.length,
      removed: 0,
      changed: 0,
      related: ["DEP-6"],
      examples: expected.slice(0, 3),
    });
    expect(Object.keys(report.byNorm)).toEqual(["DEP-6"]);
    expect(report.examples.map((e) => e.line)).toEqual(expected.slice(0, 5));
    expect(report.examples[0]!.rules).toEqual([
      {
        rule: "test.single_payment",
        kind: "added",
        base: [],
        head: [{ effect: "reject", label: "deposit_payment", value: null, exception: null }],
        norms: ["DEP-6"],
      },
    ]);
    expect(report.examples[0]!.verdict.head).toBe("reject");
  });

  it("the same version twice changes nothing", () => {
    const r = diff([
      "--base",
      base,
      "--head",
      base,
      "--as-of",
      "2026-11-21",
      "--format",
      "json",
      "--workers",
      "1",
    ]);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report).toMatchObject({ changed: 0, byRule: {}, byNorm: {}, examples: [] });
  });

  it("an as-of pair shows what changes when a dated rule takes effect", () => {
    const r = diff([
      "--base",
      base,
      "--as-of-base",
      "2026-10-31",
      "--as-of-head",
      "2026-11-01",
      "--format",
      "json",
      "--workers",
      "0",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DiffReport;
    const enterprises = docs.filter((d) => (d.entity as FactsDoc).type === "enterprise").length;
    expect(enterprises).toBeGreaterThan(0);
    expect(report.changed).toBe(enterprises);
    expect(Object.keys(report.byRule)).toEqual(["test.enterprise_from_november"]);
    expect(report.base.asOf).toBe("2026-10-31T00:00:00+08:00");
    expect(report.head.asOf).toBe("2026-11-01T00:00:00+08:00");
    // advise never changes the verdict (INS-7): outcomes changed, verdicts did not.
    expect(report.verdicts).toEqual({});
  });

  it("prints a readable summary grouped by rule and by norm", () => {
    const r = diff(["--base", base, "--head", head, "--as-of", "2026-11-21", "--workers", "1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^impact of .*head\.json \(head\) against .*base\.json \(base\)/);
    expect(r.stdout).toMatch(/\d+ documents: \d+ changed \(\d+\.\d%\)/);
    expect(r.stdout).toContain("by rule:\n  test.single_payment");
    expect(r.stdout).toContain("by norm:\n  DEP-6");
    expect(r.stdout).toMatch(/test\.single_payment: — → reject deposit_payment/);
  });

  it("refuses incomplete arguments", () => {
    expect(diff(["--base", base]).code).toBe(2);
    expect(
      diff(["--base", base, "--head", head, "--as-of", "2026-11-21", "--as-of-base", "2026-11-01"]).code,
    ).toBe(2);
    expect(diff(["--base", base, "--as-of-base", "2026-11-01"]).code).toBe(2);
  });
});
