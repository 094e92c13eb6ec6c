import { describe, expect, it } from "vitest";
import { BOUNDARIES } from "../../src/workload/boundaries.js";
import { RULE_IDS, utcDayNumber, type WorkloadFacts } from "../../src/workload/facts.js";
import { DEFAULT_WORKLOAD_SEED, formatUtcDay, generateWorkload } from "../../src/workload/generate.js";
import { createRng } from "../../src/workload/prng.js";

const SEEDS = [DEFAULT_WORKLOAD_SEED, 1, 2, 3];

/** Every string anywhere in a value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

describe("createRng", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    for (const x of draw(7)) expect(x >= 0 && x < 1).toBe(true);
  });

  it("draws integers within both inclusive bounds, reaching both", () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(2, 4)));
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });
});

describe("generateWorkload", () => {
  it("is deterministic per seed", () => {
    for (const seed of SEEDS) {
      expect(JSON.stringify(generateWorkload({ count: 1_000, seed }))).toBe(
        JSON.stringify(generateWorkload({ count: 1_000, seed })),
      );
    }
  });

  it("gives different documents for different seeds", () => {
    const a = generateWorkload({ count: 50, seed: 1 });
    const b = generateWorkload({ count: 50, seed: 2 });
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });

  it("makes a shorter workload a prefix of a longer one", () => {
    const long = generateWorkload({ count: 100, seed: 5 });
    expect(generateWorkload({ count: 10, seed: 5 })).toEqual(long.slice(0, 10));
  });

  it("keeps the fixed workload of `pnpm bench` stable (changing it changes every published number)", async () => {
    const docs = generateWorkload({ count: 3, seed: DEFAULT_WORKLOAD_SEED });
    await expect(`${JSON.stringify(docs, null, 2)}\n`).toMatchFileSnapshot(
      "../fixtures/workload-seed-20261110-first-3.json",
    );
  });

  it.each(SEEDS)("makes documents of the specified shape (seed %i)", (seed) => {
    const isDate = (s: string | null) =>
      s === null || (/^\d{4}-\d{2}-\d{2}$/.test(s) && formatUtcDay(utcDayNumber(s)) === s);
    for (const doc of generateWorkload({ count: 1_000, seed })) {
      expect(doc.appId).toMatch(/^wx[0-9a-f]{16}$/);
      expect(isDate(doc.asOf)).toBe(true);
      expect(isDate(doc.submission.wechatReviewPassedAt)).toBe(true);
      expect(isDate(doc.submission.filingDecidedAt)).toBe(true);
      expect(["enterprise", "individual_business", "overseas_non_enterprise"]).toContain(doc.entity.type);
      expect(doc.categories.length).toBeGreaterThanOrEqual(1);
      expect(doc.categories.length).toBeLessThanOrEqual(3);
      expect(new Set(doc.categories).size).toBe(doc.categories.length);
      expect(doc.privacyInterfaces.length).toBeLessThanOrEqual(4);
      for (const n of [doc.gmvLastMonthFen, doc.depositBalanceFen, doc.payment.maxSingleAmountFen]) {
        expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
      }
      for (const api of doc.securityApis) {
        expect(["msgSecCheck", "imgSecCheck", "mediaCheckAsync", "getUserRiskRank"]).toContain(api);
      }
    }
  });

  it.each(SEEDS)("makes only Basic Multilingual Plane strings (seed %i)", (seed) => {
    const all = strings(generateWorkload({ count: 1_000, seed }));
    const astral = all.filter((s) => /[\uD800-\uDFFF]/.test(s));
    expect(astral).toEqual([]);
    // On BMP text, JS length, CEL size() and code point counts agree.
    for (const s of all) expect([...s].length).toBe(s.length);
  });
});

describe("boundary coverage", () => {
  const workloads = new Map<number, WorkloadFacts[]>(
    SEEDS.map((seed) => [seed, generateWorkload({ count: 1_000, seed })]),
  );

  const cases = SEEDS.flatMap((seed) => BOUNDARIES.map((b) => [seed, b.rule, b.name, b] as const));
  it.each(cases)("seed %i reaches %s: %s", (seed, _rule, _name, boundary) => {
    const docs = workloads.get(seed)!;
    const on = docs.filter((d) => boundary.holds(d)).length;
    expect(on, "no document sits on the boundary").toBeGreaterThan(0);
    expect(on, "every document sits on it: the predicate cannot tell").toBeLessThan(docs.length);
  });

  it("covers boundaries of every rule with a boundary worth biasing towards", () => {
    const rules = new Set(BOUNDARIES.map((b) => b.rule));
    for (const r of ["R01", "R06", "R07", "R08", "R09", "R10", "R11", "R12"]) expect(rules).toContain(r);
    expect(RULE_IDS).toHaveLength(12);
  });

  it("reaches every outcome of every rule", async () => {
    const { decideHandwritten } = await import("../../src/workload/handwritten.js");
    const seen = new Set<string>();
    for (const doc of workloads.get(DEFAULT_WORKLOAD_SEED)!) {
      for (const o of decideHandwritten(doc)) seen.add(`${o.rule} ${o.effect}`);
    }
    const expected = {
      "R01.filing.required": ["require", "pass"],
      "R02.filing.status": ["not_applicable", "pass", "pending"],
      "R03.ugc.text": ["not_applicable", "pass", "reject"],
      "R04.ugc.image": ["not_applicable", "pass", "reject"],
      "R05.ugc.video": ["not_applicable", "pass", "reject"],
      "R06.deposit": ["topup", "pass"],
      "R07.payment.singleLimit": ["reject", "pass"],
      "R08.privacy.purpose": ["reject", "pass"],
      "R09.filing.prelaunch": ["not_applicable", "allow", "deny"],
      "R10.complaint.label": ["reject", "warn", "pass"],
      "R11.nickname.disease": ["reject", "pass"],
      "R12.entity.newsCategory": ["not_applicable", "pass", "reject"],
    };
    const missing = Object.entries(expected).flatMap(([rule, effects]) =>
      effects.map((e) => `${rule} ${e}`).filter((k) => !seen.has(k)),
    );
    expect(missing).toEqual([]);
  });
});
