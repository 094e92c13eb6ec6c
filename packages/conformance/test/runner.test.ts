/**
 * The runner end to end on the mini fixture suite (its own policies, sources, examples and
 * cases under `test/fixtures/mini/`), with the real compiler and runtime.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  realEngine,
  renderHtml,
  renderText,
  runSuite,
  toJunit,
  type EngineAdapter,
  type RunOptions,
  type SuiteResult,
} from "../src/index.js";

const mini = fileURLToPath(new URL("./fixtures/mini/", import.meta.url));
const options = (dir: string, extra: Partial<RunOptions> = {}): RunOptions => ({
  dir: isAbsolute(dir) ? dir : join(mini, dir),
  policiesDir: join(mini, "policies"),
  examplesDir: join(mini, "examples"),
  sourcesDir: join(mini, "sources"),
  evaluators: ["fast", "reference"],
  ...extra,
});

let passing: SuiteResult;
let failing: SuiteResult;
beforeAll(async () => {
  passing = await runSuite(options("suite"));
  failing = await runSuite(options("failing"));
});

describe("the mini suite that must pass", () => {
  it("passes every case on both evaluators and counts the skip", () => {
    const failed = passing.cases.filter((c) => c.status === "failed");
    expect(failed.map((c) => c.case.id)).toEqual([]);
    expect(passing.counts).toEqual({ passed: 7, failed: 0, skipped: 1, badFiles: 0 });
    expect(passing.ok).toBe(true);
    for (const c of passing.cases.filter((x) => x.status === "passed")) {
      expect(c.runs.map((r) => r.evaluator)).toEqual(["fast", "reference"]);
    }
  });

  it("computes rule coverage both ways and norm coverage with NOT-ENCODED.md", () => {
    const cov = passing.coverage;
    expect(cov.neverFired).toEqual([]);
    expect(cov.neverNotFired).toEqual([]);
    expect(cov.rulesComplete).toBe(true);
    const byId = Object.fromEntries(cov.norms.map((n) => [n.id, n]));
    expect(byId["TST-1"]).toMatchObject({ status: "covered", rules: ["mini.individual_flag"] });
    expect(byId["TST-1"]!.cases).toContain("mini.base");
    expect(byId["TST-4"]).toMatchObject({
      status: "not-encoded",
      rules: [],
      notEncoded: "the source says nothing a rule could check.",
    });
    expect(cov.normsComplete).toBe(true);
    const flag = cov.rules.find((r) => r.rule === "mini.individual_flag")!;
    expect(flag.firedIn).toContain("mini.base");
    expect(flag.notFiredIn).toContain("mini.enterprise-ecommerce");
  });

  it("verifies the citations of policies and cases against the sources", () => {
    expect(passing.citations.verified).toBe(true);
    expect(passing.citations.failures).toEqual([]);
    const fromCases = passing.citations.records.filter((r) => r.from === "case");
    expect(fromCases).toHaveLength(5);
    expect(fromCases.every((r) => r.status === "verified")).toBe(true);
    expect(passing.citations.records.filter((r) => r.from === "policy").map((r) => r.owner)).toEqual([
      "mini.individual_flag",
      "mini.no_ugc_release",
      "mini.no_ugc_release#tools",
      "mini.script_quote",
    ]);
  });

  it("runs one case file, or a language directory on its own, with its assets", async () => {
    const one = await runSuite(options("suite/language/arithmetic.yaml"));
    expect(one.cases.map((c) => [c.case.id, c.case.kind, c.status])).toEqual([
      ["mini.lang.precedence", "language", "passed"],
      ["mini.lang.dangling-plus", "language", "passed"],
      ["mini.lang.policy-form", "language", "passed"],
    ]);
    const dir = await runSuite(options("suite/language"));
    expect(dir.counts).toMatchObject({ passed: 3, failed: 0 });
  });

  it("says plainly when citations were not verified", async () => {
    const r = await runSuite(options("suite", { sourcesDir: null }));
    expect(r.citations.verified).toBe(false);
    expect(r.citations.records.every((c) => c.status === "not-verified")).toBe(true);
    expect(renderText(r, { color: false, requireCoverage: false })).toContain("citations were NOT verified");
    expect(renderHtml(r)).toContain("Citations were NOT verified");
  });
});

describe("the mini suite that must fail", () => {
  it("fails on a wrong verdict and shows a diff of expected vs actual", () => {
    expect(failing.ok).toBe(false);
    expect(failing.counts).toMatchObject({ passed: 0, failed: 1 });
    const text = renderText(failing, { color: false, requireCoverage: false });
    expect(text).toContain("FAIL mini.wrong-verdict");
    expect(text).toContain("expect[0] (line 8) [fast, reference]: wrong verdict");
    expect(text).toMatch(/- verdict: allow\n\s+\+ verdict: flag/);
    expect(text.trimEnd().split("\n").at(-1)).toBe("conformance: 0 passed, 1 failed");
  });

  it("colors the diff only when asked", () => {
    expect(renderText(failing, { color: false, requireCoverage: false })).not.toContain("\u001b[");
    expect(renderText(failing, { color: true, requireCoverage: false })).toContain("\u001b[31m");
  });
});

describe("failures the runner must not let through", () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "norma-conformance-test-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("fails the run on a bad case file instead of skipping it", async () => {
    const r = await runSuite(options("badfile"));
    expect(r.ok).toBe(false);
    expect(r.counts).toMatchObject({ passed: 0, failed: 1, badFiles: 1 });
    expect(r.caseFileErrors).toEqual([
      expect.objectContaining({
        file: "bad.yaml",
        pointer: "/cases/0/expect/0/verdit",
        line: 8,
        column: 9,
        message: "unknown field `verdit`",
      }),
    ]);
    expect(renderText(r, { color: false, requireCoverage: false })).toContain(
      "bad.yaml:8:9 at `/cases/0/expect/0/verdit`: unknown field `verdit`",
    );
  });

  it("refuses assertions on rules the policies do not have, and duplicate ids", async () => {
    const dir = join(work, "unknown-rule");
    mkdirSync(dir, { recursive: true });
    const one = readFileSync(join(mini, "failing/wrong.yaml"), "utf8");
    writeFileSync(
      join(dir, "a.yaml"),
      one.replace("notFired: mini.script_quote", "notFired: mini.no_such_rule"),
    );
    writeFileSync(join(dir, "b.yaml"), one.replace("verdict: allow", "verdict: flag"));
    const r = await runSuite(options(dir));
    expect(r.caseFileErrors.map((e) => [e.file, e.code, e.pointer])).toEqual([
      ["a.yaml", "case/unknown-rule", "/cases/0/expect/1"],
      ["b.yaml", "case/duplicate-id", "/cases/0/id"],
    ]);
    expect(r.ok).toBe(false);
  });

  it("fails a citation whose quote is not on its line", async () => {
    const dir = join(work, "bad-cite");
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(join(mini, "failing/wrong.yaml"), "utf8")
      .replace('at: "DOC:2"', 'at: "DOC:3"')
      .replace("verdict: allow", "verdict: flag");
    writeFileSync(join(dir, "a.yaml"), text);
    const r = await runSuite(options(dir));
    expect(r.counts.failed).toBe(0);
    expect(r.citations.failures).toEqual([
      expect.objectContaining({
        from: "case",
        owner: "mini.wrong-verdict",
        status: "quote-not-found",
        detail: "the quote is not on line 3 of `doc.txt`; it occurs on line 2",
      }),
    ]);
    expect(r.ok).toBe(false);
  });

  it("fails a case cite whose seed file is not the version the policies pin", async () => {
    const sources = join(work, "changed-sources");
    cpSync(join(mini, "sources"), sources, { recursive: true });
    writeFileSync(
      join(sources, "doc.txt"),
      readFileSync(join(sources, "doc.txt"), "utf8") + "an added line\n",
    );
    const r = await runSuite(options("suite", { sourcesDir: sources }));
    const statuses = new Set(r.citations.failures.map((f) => `${f.from}:${f.status}`));
    expect(statuses).toEqual(new Set(["case:source-changed", "policy:source-changed"]));
    expect(r.ok).toBe(false);
    // the cases still ran: a citation problem does not hide them
    expect(r.counts.passed).toBe(7);
  });

  it("reports a disagreement between the evaluators as a failure of its own", async () => {
    const real = realEngine();
    const lying: EngineAdapter = {
      ...real,
      load(bundle) {
        const l = real.load(bundle);
        if (!l.engine) return l;
        const engine = l.engine;
        return {
          problems: [],
          engine: {
            decide(facts, o) {
              const d = engine.decide(facts, o);
              if (!d.ok || o.evaluator !== "fast") return d;
              // the fast path "forgets" an outcome: the verdict stays, the outcomes differ
              return { ok: true, decision: { ...d.decision, outcomes: d.decision.outcomes.slice(1) } };
            },
          },
        };
      },
    };
    try {
      const r = await runSuite(options("suite", { engine: lying }));
      const base = r.cases.find((c) => c.case.id === "mini.base")!;
      expect(base.status).toBe("failed");
      expect(base.problems.map((p) => p.message)).toEqual(["the fast and reference evaluators disagree"]);
      // and the reference evaluator alone still passes the case
      expect(base.runs.find((x) => x.evaluator === "reference")!.failures).toEqual([]);
    } finally {
      real.dispose();
    }
  });
});

describe("reports", () => {
  it("writes well-formed JUnit XML: a testsuite per file, a testcase per case × evaluator", () => {
    const xml = toJunit(failing);
    checkWellFormedXml(xml);
    expect(xml).toContain('<testsuite name="');
    expect(
      xml.match(/<testcase classname="[^"]*wrong\.yaml" name="mini\.wrong-verdict \[(fast|reference)\]">/g),
    ).toHaveLength(2);
    expect(xml).toMatch(/<failure type="assertion" message="wrong verdict">/);
    const passingXml = toJunit(passing);
    checkWellFormedXml(passingXml);
    expect(passingXml).toMatch(/<testsuites name="norma conformance" tests="\d+" failures="0"/);
    expect(passingXml).toContain(
      'name="mini.skipped [fast]"><skipped message="kept to show that skips are reported"/>',
    );
  });

  it("renders an HTML report with every norm, the cited lines, and everything escaped", () => {
    const html = renderHtml(passing);
    for (const n of ["TST-1", "TST-2", "TST-3", "TST-4"]) expect(html).toContain(`id="norm-${n}"`);
    // the quote `<script>alert("x")</script>` from doc.txt line 4, as text
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<span class="ln mono">4</span>');
    expect(html).not.toMatch(/<link|src="http|@import/);
    expect(html).toContain("the source says nothing a rule could check.");
  });
});

/**
 * A small strict XML well-formedness check: tags balance, attributes are quoted, and text holds no
 * raw `<` or unescaped `&`.
 */
function checkWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf("\n") + 1);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body))) {
    pos = token.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    for (const attr of (m[3] ?? "").matchAll(/"([^"]*)"/g))
      expect(attr[1]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(pos, `unparsable XML at: ${body.slice(pos, pos + 80)}`).toBe(body.length);
  expect(stack).toEqual([]);
}
