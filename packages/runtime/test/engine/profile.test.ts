/**
 * `Engine.profile`: what it reports about each rule (statuses, order, shares) and how it refuses
 * bad input. Times are not asserted beyond being measured numbers (speed belongs to the bench).
 */
import { describe, expect, it } from "vitest";
import {
  EVALUATORS,
  loadBundle,
  type Engine,
  type FactsValidator,
  type RuleStatus,
} from "../../src/index.js";
import { profileDecisions, type ProfiledRule, type ProfileTarget } from "../../src/engine/profile.js";
import { fixtureBundle, pendingFacts } from "../support/fixture-bundle.js";

/** Refuses a document whose nickname is a number (a stand-in for the facts schema). */
const validator: FactsValidator = (doc) => {
  const nick = (doc as { nickname?: unknown }).nickname;
  return typeof nick === "number"
    ? {
        ok: false,
        errors: [{ code: "facts/type", pointer: "/nickname", message: "`nickname` must be a string" }],
        warnings: [],
      }
    : { ok: true, errors: [], warnings: [] };
};

function engine(): Engine {
  const loaded = loadBundle(fixtureBundle, { validateFacts: validator });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.value;
}

const E = engine();

const docs = [
  pendingFacts,
  { ...pendingFacts, nickname: "小程序", release: { kind: "update" } },
  { ...pendingFacts, categories: ["工具/效率"], complaint: { label: "微信官方投诉" } },
  { ...pendingFacts, entity: { type: "overseas_non_enterprise" }, categories: ["时政信息/新闻"] },
];

/** A fast, rough profile: the tests check what is reported, not how fast. */
const QUICK = { rounds: 3, minNs: 20_000, warmUpDocs: 50, decisionWarmUpDocs: 50 } as const;

describe("Engine.profile", () => {
  for (const asOf of ["2019-06-01", "2026-11-22"]) {
    for (const evaluator of EVALUATORS) {
      it(`counts each rule's statuses as decide gives them (${evaluator}, as of ${asOf})`, () => {
        const r = E.profile(docs, { ...QUICK, asOf, evaluator });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        const p = r.profile;
        const want = new Map<string, Record<RuleStatus, number>>();
        for (const d of docs) {
          const res = E.decide(d, { asOf, evaluator, explain: false });
          if (!res.ok) throw new Error("refused");
          for (const entry of res.decision.rules) {
            const c = want.get(entry.rule) ?? {
              fired: 0,
              excepted: 0,
              "not-applicable": 0,
              "not-in-force": 0,
              error: 0,
            };
            c[entry.status]++;
            want.set(entry.rule, c);
          }
        }
        expect(p.rules.map((x) => x.rule).sort()).toEqual(fixtureBundle.rules.map((x) => x.id).sort());
        for (const x of p.rules) expect(x.statuses, x.rule).toEqual(want.get(x.rule));
        expect(p.documents).toBe(docs.length);
        expect(p.evaluator).toBe(evaluator);
        expect(p.bundle).toBe(fixtureBundle.hash);
        expect(p.asOf).toBe(`${asOf}T00:00:00+08:00`);
        expect(p.format).toBe("norma-profile/1");
      });
    }
  }

  it("gives measured, non-negative times, the most expensive rule first, shares adding up to 1", () => {
    const r = E.profile(docs, { ...QUICK, asOf: "2026-11-22" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const p = r.profile;
    for (const x of [p.decisionNs, p.explainedNs, p.scopeNs, p.hashNs]) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThan(0);
    }
    for (let i = 0; i < p.rules.length; i++) {
      const x = p.rules[i]!;
      expect(x.ns).toBeGreaterThanOrEqual(0);
      expect(x.explainedNs).toBeGreaterThanOrEqual(0);
      expect(x.share).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(x.ns).toBeLessThanOrEqual(p.rules[i - 1]!.ns);
    }
    const total = p.rules.reduce((a, x) => a + x.share, 0);
    expect(total).toBeCloseTo(1, 6);
    // a rule not in force at the as-of instant does nothing but have its scope made
    const old = p.rules.find((x) => x.rule === "content.old_rule")!;
    expect(old.statuses["not-in-force"]).toBe(docs.length);
  });

  it("refuses invalid documents with their index and pointer, and times nothing", () => {
    const r = E.profile([pendingFacts, { ...pendingFacts, nickname: 7 }, "x"], QUICK);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({ document: 1, code: "facts/type", pointer: "/nickname" }),
      expect.objectContaining({ document: 2, code: "eval/facts", pointer: "" }),
    ]);
  });

  it("refuses an empty input and a bad as-of instant", () => {
    const empty = E.profile([], QUICK);
    expect(empty.ok ? null : empty.errors.map((e) => e.code)).toEqual(["profile/empty"]);
    const bad = E.profile(docs, { ...QUICK, asOf: "yesterday" });
    expect(bad.ok ? null : bad.errors.map((e) => e.code)).toEqual(["eval/as-of"]);
  });

  it("does not change later decisions", () => {
    const before = E.decide(pendingFacts, { asOf: "2026-11-22" });
    E.profile(docs, QUICK);
    expect(E.decide(pendingFacts, { asOf: "2026-11-22" })).toEqual(before);
  });
});

describe("profileDecisions", () => {
  /** Busy for `us` microseconds (a stand-in for a rule whose explanation is expensive). */
  const spin = (us: number) => {
    const until = performance.now() + us / 1000;
    while (performance.now() < until) {
      /* busy */
    }
  };
  const rule = (id: string): ProfiledRule => ({
    id,
    policy: "p",
    from: -Infinity,
    until: Infinity,
    status: () => 0,
    value: [],
    message: [],
  });

  it("charges a rule's explanation to that rule, and hashes every document", () => {
    const explained: Array<[number, object]> = [];
    const hashed: object[] = [];
    const facts = [{ a: 1 }, { a: 2 }];
    const target: ProfileTarget = {
      bundle: "sha256:x",
      asOf: 0,
      asOfText: "1970-01-01T08:00:00+08:00",
      evaluator: "compiled",
      rules: [rule("cheap"), rule("costly")],
      scope: (f) => ({ f }),
      decide: () => ({ ok: false, decision: null, errors: [], warnings: [] }),
      check: () =>
        ({
          ok: true,
          decision: { rules: [{ status: "not-applicable" }, { status: "not-applicable" }] },
          warnings: [],
          errors: [],
        }) as unknown as ReturnType<ProfileTarget["check"]>,
      explain: (ri, f, scope) => {
        expect((scope as { f: object }).f).toBe(f);
        if (explained.length < 8) explained.push([ri, f]);
        if (ri === 1) spin(50);
      },
      hash: (f) => {
        if (hashed.length < 2) hashed.push(f);
        return "h";
      },
    };
    const r = profileDecisions(target, facts, {
      rounds: 1,
      minNs: 10_000,
      warmUpDocs: 0,
      decisionWarmUpDocs: 0,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const byId = new Map(r.profile.rules.map((x) => [x.rule, x]));
    // 50 µs of busy work per document, against none: far apart whatever the machine
    expect(byId.get("costly")!.explainedNs).toBeGreaterThan(byId.get("cheap")!.explainedNs + 20_000);
    expect(explained.slice(0, 2)).toEqual([
      [0, facts[0]],
      [0, facts[1]],
    ]);
    expect(hashed).toEqual(facts);
  });
});
