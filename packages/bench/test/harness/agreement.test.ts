import { describe, expect, it } from "vitest";
import { checkAgreement, formatDisagreement } from "../../src/harness/agreement.js";
import type { Implementation } from "../../src/harness/implementation.js";
import { createHandwrittenImplementation } from "../../src/implementations.js";
import { createCelImplementation } from "../../src/peers/cel.js";
import type { Outcome, RuleId, WorkloadFacts } from "../../src/workload/facts.js";
import { utcDayNumber } from "../../src/workload/facts.js";
import { generateWorkload } from "../../src/workload/generate.js";
import { decideHandwritten } from "../../src/workload/handwritten.js";

const DOCS = generateWorkload({ count: 300, seed: 11 });
const reference = createHandwrittenImplementation();

const FILING = ["社交/", "文娱/视频", "文娱/FM", "时政信息/"];
const requiresFiling = (d: WorkloadFacts) => d.categories.some((c) => FILING.some((p) => c.startsWith(p)));

/** The hand-written function with one rule replaced by a deliberately broken copy. */
function mutant(
  name: string,
  rule: RuleId,
  broken: (doc: WorkloadFacts) => Omit<Outcome, "rule">,
): Implementation {
  return {
    name,
    load() {},
    decide: (doc) => decideHandwritten(doc).map((o) => (o.rule === rule ? { rule, ...broken(doc) } : o)),
  };
}

/** Off-by-one and near-miss mistakes a rule author could make; each must be caught on 300 documents. */
const MUTANTS: Implementation[] = [
  mutant("R07 with >= instead of >", "R07.payment.singleLimit", (d) => ({
    effect: d.payment.maxSingleAmountFen >= 5_000_000 ? "reject" : "pass",
  })),
  mutant("R06 rounding instead of floor", "R06.deposit", (d) => {
    const dueFen = Math.max(0, Math.min(Math.round(d.gmvLastMonthFen / 10), 2_000_000) - d.depositBalanceFen);
    return { effect: dueFen > 0 ? "topup" : "pass", dueFen };
  }),
  mutant("R06 topup when due is zero", "R06.deposit", (d) => {
    const dueFen = Math.max(0, Math.min(Math.floor(d.gmvLastMonthFen / 10), 2_000_000) - d.depositBalanceFen);
    return {
      effect: dueFen >= 0 && d.depositBalanceFen <= Math.floor(d.gmvLastMonthFen / 10) ? "topup" : "pass",
      dueFen,
    };
  }),
  mutant("R08 with <= 4 characters", "R08.privacy.purpose", (d) => {
    const rejected = d.privacyInterfaces
      .filter(
        (p, i, all) =>
          p.purpose.length <= 4 ||
          ["使用", "定位", "开发", "暂未使用", "不收集"].includes(p.purpose) ||
          all.some((q, j) => j !== i && q.purpose === p.purpose),
      )
      .map((p) => p.api);
    return { effect: rejected.length > 0 ? "reject" : "pass", rejected };
  }),
  mutant("R08 ignoring duplicates", "R08.privacy.purpose", (d) => {
    const rejected = d.privacyInterfaces
      .filter(
        (p) => p.purpose.length < 4 || ["使用", "定位", "开发", "暂未使用", "不收集"].includes(p.purpose),
      )
      .map((p) => p.api);
    return { effect: rejected.length > 0 ? "reject" : "pass", rejected };
  }),
  mutant("R09 with a 6-day window", "R09.filing.prelaunch", (d) => {
    const s = d.submission;
    if (!requiresFiling(d) || !s.firstVersionWithFilingCategory || s.filingDecidedAt !== null) {
      return { effect: "not_applicable" };
    }
    if (d.entity.type === "overseas_non_enterprise") return { effect: "deny" };
    const ok =
      s.wechatReviewPassedAt !== null && utcDayNumber(d.asOf) >= utcDayNumber(s.wechatReviewPassedAt) + 6;
    return { effect: ok ? "allow" : "deny" };
  }),
  mutant("R09 without the overseas exception", "R09.filing.prelaunch", (d) => {
    const s = d.submission;
    if (!requiresFiling(d) || !s.firstVersionWithFilingCategory || s.filingDecidedAt !== null) {
      return { effect: "not_applicable" };
    }
    const ok =
      s.wechatReviewPassedAt !== null && utcDayNumber(d.asOf) >= utcDayNumber(s.wechatReviewPassedAt) + 7;
    return { effect: ok ? "allow" : "deny" };
  }),
  mutant("R01 with the broader glob 文娱/*", "R01.filing.required", (d) => ({
    effect: d.categories.some((c) => ["社交/", "文娱/", "时政信息/"].some((p) => c.startsWith(p)))
      ? "require"
      : "pass",
  })),
  mutant("R10 ignoring the disclaimer", "R10.complaint.label", (d) => ({
    effect: d.complaintEntry.label.includes("微信官方")
      ? "reject"
      : d.complaintEntry.label.includes("官方")
        ? "warn"
        : "pass",
  })),
  mutant("R11 with contains instead of equals", "R11.nickname.disease", (d) => ({
    effect: ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"].some((x) =>
      d.nickname.includes(x),
    )
      ? "reject"
      : "pass",
  })),
];

describe("checkAgreement", () => {
  it("finds no disagreement between the reference and itself", async () => {
    expect(await checkAgreement([reference, createHandwrittenImplementation()], DOCS)).toBeNull();
  });

  it.each(MUTANTS.map((m) => [m.name, m] as const))("catches a broken copy: %s", async (_name, broken) => {
    const d = await checkAgreement([reference, broken], DOCS);
    expect(d).not.toBeNull();
    expect(d!.other.name).toBe(broken.name);
    // The first disagreement is on the mutated rule and nowhere else.
    const ref = d!.reference.outcomes as Outcome[];
    const other = d!.other.outcomes as Outcome[];
    const differing = ref.filter((o, i) => JSON.stringify(o) !== JSON.stringify(other[i])).map((o) => o.rule);
    expect(differing).toHaveLength(1);
    expect(broken.name.startsWith(differing[0]!.slice(0, 3))).toBe(true);
  });

  it("catches a broken copy of a peer's rule text", async () => {
    const cel = createCelImplementation();
    cel.load();
    const brokenCel: Implementation = {
      name: "cel-js with R12 reversed",
      load() {},
      decide: (doc) =>
        (cel.decide(doc) as Outcome[]).map((o) =>
          o.rule === "R12.entity.newsCategory" && o.effect !== "not_applicable"
            ? { ...o, effect: o.effect === "pass" ? "reject" : "pass" }
            : o,
        ),
    };
    expect(await checkAgreement([reference, cel], DOCS)).toBeNull();
    expect((await checkAgreement([reference, brokenCel], DOCS))?.other.name).toBe("cel-js with R12 reversed");
  });

  it("reports a missing rule, an extra field, a throwing and an asynchronous implementation", async () => {
    const missing: Implementation = {
      name: "missing",
      load() {},
      decide: (d) => decideHandwritten(d).slice(1),
    };
    const extra: Implementation = {
      name: "extra",
      load() {},
      decide: (d) => decideHandwritten(d).map((o) => ({ ...o, note: "x" }) as Outcome),
    };
    const throwing: Implementation = {
      name: "throwing",
      load() {},
      decide: () => {
        throw new Error("boom");
      },
    };
    const asyncSame: Implementation = {
      name: "async",
      load() {},
      decide: async (d) => decideHandwritten(d).reverse(),
    };
    expect((await checkAgreement([reference, missing], DOCS))?.index).toBe(0);
    expect((await checkAgreement([reference, extra], DOCS))?.index).toBe(0);
    const thrown = await checkAgreement([reference, throwing], DOCS);
    expect(thrown?.other.outcomes).toEqual([{ error: "boom" }]);
    expect(await checkAgreement([reference, asyncSame], DOCS)).toBeNull();
  });

  it("renders the document and both outcome lists", async () => {
    const d = await checkAgreement([reference, MUTANTS[0]!], DOCS);
    const text = formatDisagreement(d!);
    expect(text).toContain(
      `error: \`${MUTANTS[0]!.name}\` disagrees with \`hand-written JS\` on document ${d!.index}`,
    );
    expect(text).toContain(`"appId": "${d!.doc.appId}"`);
    expect(text).toContain("hand-written JS (reference):");
    expect(text.match(/"rule": "R07\.payment\.singleLimit"/g)).toHaveLength(2);
  });
});
