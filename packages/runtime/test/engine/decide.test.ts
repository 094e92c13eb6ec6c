/** Decisions on the hand-written fixture bundle, asserted in detail. */
import { describe, expect, it } from "vitest";
import {
  loadBundle,
  renderDecisionText,
  type DecideOptions,
  type Decision,
  type Engine,
} from "../../src/index.js";
import { fixtureBundle, pendingFacts } from "../support/fixture-bundle.js";

function engine(): Engine {
  const loaded = loadBundle(fixtureBundle, { validateFacts: null });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  expect(loaded.diagnostics).toEqual([]);
  return loaded.value;
}

const E = engine();

function decide(facts: unknown, options: DecideOptions): Decision {
  const result = E.decide(facts, options);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.decision;
}

const rule = (d: Decision, id: string) => d.rules.find((r) => r.rule === id);
const outcome = (d: Decision, id: string) => d.outcomes.find((o) => o.rule === id);

function withFacts(patch: (f: typeof pendingFacts) => void): typeof pendingFacts {
  const f = structuredClone(pendingFacts);
  patch(f);
  return f;
}

describe("the fixture decision at 2022-03-09T00:00:00+08:00", () => {
  const d = decide(pendingFacts, { asOf: "2022-03-09T00:00:00+08:00" });

  it("carries the verdict, the as-of instant, the hashes and the engine", () => {
    expect(d.verdict).toBe("reject");
    expect(d.asOf).toBe("2022-03-09T00:00:00+08:00");
    expect(d.bundle).toBe(fixtureBundle.hash);
    expect(d.factsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.engine).toEqual({ name: "norma", version: "0.1.0", evaluator: "compiled" });
    expect(d.rules.map((r) => [r.rule, r.status])).toEqual([
      ["filing.pre_launch", "fired"],
      ["filing.required", "fired"],
      ["trade.deposit", "fired"],
      ["content.nickname_disease", "fired"],
      ["content.official_entry", "not-applicable"],
      ["content.old_rule", "not-in-force"],
      ["filing.news_entity", "not-applicable"],
    ]);
  });

  it("renders the pre-launch message with the notice time in +08:00 and cites FIL:43", () => {
    expect(outcome(d, "filing.pre_launch")).toEqual({
      rule: "filing.pre_launch",
      policy: "filing",
      effect: "allow",
      label: "pre_launch",
      value: null,
      evidence: [],
      valueType: null,
      display: null,
      message: "报备自 2022-03-01 23:50 +08:00 起满 7 个自然日未有结果",
      norms: ["FIL-7"],
      citations: [
        { source: "FIL", line: 43, quote: "7个自然日审核周期开发者若未收到审核结果,将收到预上线通知" },
      ],
      exception: null,
    });
    expect(rule(d, "filing.pre_launch")?.because).toEqual([
      {
        node: "/rules/0/when/and/0",
        text: 'filing.status == "pending"',
        value: true,
        saw: { "filing.status": "pending" },
        facts: ["/filing/status"],
      },
      {
        node: "/rules/0/when/and/1",
        text: "as_of >= filing.notifiedAt + 7 natural days",
        value: true,
        saw: { "filing.notifiedAt": "2022-03-01T23:50:00+08:00" },
        facts: ["/filing/notifiedAt"],
      },
    ]);
  });

  it("assesses the deposit exactly, in fen, with a display", () => {
    const o = outcome(d, "trade.deposit");
    expect(o?.value).toBe(2_000_000);
    expect(o?.display).toBe("¥20,000.00");
    expect(o?.message).toBe("应缴保证金 ¥20,000.00");
  });

  it("says which category made filing required, and why a lexicon rule did not apply", () => {
    expect(rule(d, "filing.required")?.because).toEqual([
      {
        node: "/rules/1/when/some/1",
        text: "category matches 报备类目",
        value: true,
        saw: { $c: "社交/直播" },
        facts: ["/categories/0"],
      },
    ]);
    expect(rule(d, "content.official_entry")?.because).toEqual([
      {
        node: "/rules/4/when",
        text: "contains_any(complaint.label, official_words)",
        value: false,
        saw: { "complaint.label": "我的投诉与建议" },
        facts: ["/complaint/label"],
      },
    ]);
    expect(rule(d, "content.old_rule")).toMatchObject({
      status: "not-in-force",
      because: [],
      effective: { from: null, until: "2020-01-01T00:00:00+08:00" },
    });
  });

  it("explains a false `any` with every element", () => {
    expect(rule(d, "filing.news_entity")?.because.map((b) => b.saw)).toEqual([
      { $c: "社交/直播" },
      { $c: "工具/效率" },
    ]);
  });

  it("reads as text a compliance author can follow", async () => {
    await expect(renderDecisionText(d)).toMatchFileSnapshot("./__snapshots__/fixture-decision.txt");
  });
});

describe("natural days at the window's boundary", () => {
  it("one second before 00:00 on 9 March the pre-launch rule does not apply, and says why", () => {
    const d = decide(pendingFacts, { asOf: "2022-03-08T23:59:59+08:00" });
    expect(rule(d, "filing.pre_launch")).toMatchObject({
      status: "not-applicable",
      because: [
        {
          node: "/rules/0/when/and/1",
          value: false,
          saw: { "filing.notifiedAt": "2022-03-01T23:50:00+08:00" },
        },
      ],
    });
    expect(outcome(d, "filing.pre_launch")).toBeUndefined();
  });

  it("after 7×24 h (23:50 on 8 March) the window is still open", () => {
    const d = decide(pendingFacts, { asOf: "2022-03-08T23:50:00+08:00" });
    expect(rule(d, "filing.pre_launch")?.status).toBe("not-applicable");
  });
});

describe("exceptions", () => {
  it("an update whose filing categories were all filed before needs no filing review (FIL-4)", () => {
    const facts = withFacts((f) => {
      f.release.kind = "update";
      f.filing.filed = ["社交/直播"];
    });
    const d = decide(facts, { asOf: "2022-03-09" });
    const r = rule(d, "filing.required");
    expect(r?.status).toBe("excepted");
    expect(r?.exception).toEqual({
      id: "filing.required#FIL-4",
      title: "更新版本涉及的报备类目均已报备",
      norms: ["FIL-4"],
      citations: [{ source: "FIL", line: 27, quote: "无需进入报备审核流程" }],
      because: [
        {
          node: "/rules/1/exceptions/0/when/and/0",
          text: 'release.kind == "update"',
          value: true,
          saw: { "release.kind": "update" },
          facts: ["/release/kind"],
        },
        // the first category is filed: the inner quantifier found it (the false conjunct of "filing and not filed")
        {
          node: "/rules/1/exceptions/0/when/and/1/none/1/and/1/none/1",
          text: "f == c",
          value: true,
          saw: { $f: "社交/直播", $c: "社交/直播" },
          facts: ["/filing/filed/0", "/categories/0"],
        },
        // the second: not a filing category
        {
          node: "/rules/1/exceptions/0/when/and/1/none/1/and/0",
          text: "c matches 报备类目",
          value: false,
          saw: { $c: "工具/效率" },
          facts: ["/categories/1"],
        },
      ],
    });
    expect(outcome(d, "filing.required")).toBeUndefined();
    expect(renderDecisionText(d)).toContain(
      "exception filing.required#FIL-4 “更新版本涉及的报备类目均已报备” applied",
    );
  });

  it("an update adding a filing category that was never filed still needs review", () => {
    const facts = withFacts((f) => {
      f.release.kind = "update";
      f.categories = ["社交/直播", "文娱/视频号"];
      f.filing.filed = ["社交/直播"];
    });
    const d = decide(facts, { asOf: "2022-03-09" });
    expect(rule(d, "filing.required")?.status).toBe("fired");
  });

  it("an overseas non-enterprise entity gets no pre-launch", () => {
    const facts = withFacts((f) => {
      f.entity.type = "overseas_non_enterprise";
    });
    const d = decide(facts, { asOf: "2022-03-10" });
    expect(rule(d, "filing.pre_launch")).toMatchObject({
      status: "excepted",
      exception: { id: "filing.pre_launch#overseas" },
    });
    expect(outcome(d, "filing.pre_launch")).toBeUndefined();
  });

  it("an exception with its own effect gives the outcome, with its norms and citations", () => {
    const facts = withFacts((f) => {
      f.entity.type = "overseas_non_enterprise";
      f.categories = ["时政信息/财经"];
    });
    const d = decide(facts, { asOf: "2022-03-10" });
    expect(outcome(d, "filing.news_entity")).toEqual({
      rule: "filing.news_entity",
      policy: "filing",
      effect: "reject",
      label: "news_overseas",
      value: null,
      evidence: [],
      valueType: null,
      display: null,
      message: "境外非企业主体不得提供时政信息",
      norms: ["FIL-6"],
      citations: [{ source: "FIL", line: 33, quote: "境外非企业主体小程序除外" }],
      exception: "filing.news_entity#overseas",
    });
    expect(rule(d, "filing.news_entity")?.status).toBe("excepted");
  });
});

describe("as-of: parameters and rules take the version in force", () => {
  const facts = withFacts((f) => {
    f.nickname = "小明";
  });

  it("before the change: 10% capped at 20,000 yuan", () => {
    const d = decide(facts, { asOf: "2023-12-31T23:59:59+08:00" });
    expect(outcome(d, "trade.deposit")).toMatchObject({ value: 2_000_000, display: "¥20,000.00" });
    expect(d.verdict).toBe("require");
  });

  it("from the change on: 5% capped at 50,000 yuan", () => {
    const d = decide(facts, { asOf: "2024-01-01T00:00:00+08:00" });
    expect(outcome(d, "trade.deposit")).toMatchObject({ value: 1_500_000, display: "¥15,000.00" });
  });

  it("a rule before its window is not in force", () => {
    const d = decide(facts, { asOf: "2019-12-31" });
    expect(rule(d, "content.old_rule")?.status).toBe("fired");
    expect(rule(d, "filing.news_entity")).toMatchObject({
      status: "not-in-force",
      effective: { from: "2021-01-01T00:00:00+08:00", until: null },
    });
    expect(d.verdict).toBe("require");
  });

  it("exposes the parameters in force", () => {
    expect(String(E.paramsAt(Date.parse("2023-06-01T00:00:00Z")).deposit_rate)).toBe("0.1");
    expect(E.paramsAt(Date.parse("2024-06-01T00:00:00Z")).deposit_cap).toBe(5_000_000);
  });

  it("accepts a Date, epoch milliseconds, a date or an RFC 3339 instant, and refuses anything else", () => {
    const at = Date.parse("2024-01-01T00:00:00+08:00");
    for (const asOf of [new Date(at), at, "2024-01-01", "2023-12-31T16:00:00Z"]) {
      expect(decide(facts, { asOf }).asOf).toBe("2024-01-01T00:00:00+08:00");
    }
    for (const asOf of ["2024-13-01", "yesterday", Number.NaN, 1.5, new Date("x")]) {
      const r = E.decide(facts, { asOf });
      expect(r.ok).toBe(false);
      expect(r.errors[0]?.code).toBe("eval/as-of");
    }
  });
});

describe("evaluators and explanation modes agree", () => {
  const strip = (d: Decision) => ({ ...d, engine: { ...d.engine, evaluator: "-" } });
  for (const asOf of ["2022-03-08T23:59:59+08:00", "2022-03-09", "2024-01-01"]) {
    it(`at ${asOf}`, () => {
      const fast = decide(pendingFacts, { asOf });
      const ref = decide(pendingFacts, { asOf, evaluator: "reference" });
      expect(ref.engine.evaluator).toBe("reference");
      expect(strip(ref)).toEqual(strip(fast));
      const quick = decide(pendingFacts, { asOf, explain: false });
      expect(quick.explained).toBe(false);
      expect(quick.factsHash).toBeNull();
      expect(quick.rules.every((r) => r.because.length === 0)).toBe(true);
      expect(quick.outcomes).toEqual(fast.outcomes);
      expect(quick.rules.map((r) => r.status)).toEqual(fast.rules.map((r) => r.status));
      expect(decide(pendingFacts, { asOf })).toEqual(fast);
    });
  }
});

describe("facts validation", () => {
  it("uses the injected validator and makes no decision from invalid facts", () => {
    const loaded = loadBundle(fixtureBundle, {
      validateFacts: (doc) =>
        (doc as { nickname?: unknown }).nickname === 1
          ? {
              ok: false,
              errors: [
                { code: "facts/type", pointer: "/nickname", message: "expected a string", actual: "1" },
              ],
              warnings: [],
            }
          : {
              ok: true,
              errors: [],
              warnings: [{ code: "facts/unknown-field", pointer: "/x", message: "unknown field `x`" }],
            },
    });
    if (!loaded.ok) throw new Error("load failed");
    const bad = loaded.value.decide({ ...pendingFacts, nickname: 1 });
    expect(bad).toEqual({
      ok: false,
      decision: null,
      warnings: [],
      errors: [{ code: "facts/type", pointer: "/nickname", message: "expected a string", actual: "1" }],
    });
    const good = loaded.value.decide(pendingFacts, { asOf: "2022-03-09" });
    expect(good.ok).toBe(true);
    expect(good.warnings).toEqual([
      { code: "facts/unknown-field", pointer: "/x", message: "unknown field `x`" },
    ]);
    expect(loaded.value.decide({ ...pendingFacts, nickname: 1 }, { validate: false }).ok).toBe(true);
  });

  it("validates against facts@1 by default", () => {
    const loaded = loadBundle(fixtureBundle);
    if (!loaded.ok) throw new Error("load failed");
    const r = loaded.value.decide({ $asOf: 0, appId: 5 });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.pointer)).toContain("/$asOf");
  });

  it("refuses facts that are not an object, whatever the options", () => {
    for (const facts of [null, [], "x", 5]) {
      const r = E.decide(facts, { validate: false });
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual([{ code: "eval/facts", pointer: "", message: "the facts must be an object" }]);
    }
  });
});
