/**
 * The workload in json-rules-engine: one engine rule per (workload rule, effect) branch with
 * mutually exclusive conditions, shared conditions for "filing required", "news category"
 * and "pre-launch applies", two custom operators (`startsWith`, `stringContains`, used with
 * the built-in `someFact:` decorator) and, for what the condition language cannot compute,
 * dynamic facts in JavaScript: the deposit due, the rejected purposes, the days since review.
 * The top-level keys of the document are the run's facts; nested values are read by path.
 * Built once at load; `engine.run` per document.
 */
import { Engine, type Almanac, type NestedCondition, type RuleProperties } from "json-rules-engine";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, PrivacyInterface, RuleId, WorkloadFacts } from "../workload/facts.js";
import { utcDayNumber } from "../workload/facts.js";

type Condition = NestedCondition;

const fact = (name: string, operator: string, value: unknown, path?: string): Condition =>
  path === undefined ? { fact: name, operator, value } : { fact: name, operator, value, path };
const ref = (name: string): Condition => ({ condition: name });
const not = (condition: Condition): Condition => ({ not: condition });
const all = (...conditions: Condition[]): Condition => ({ all: conditions });
const any = (...conditions: Condition[]): Condition => ({ any: conditions });

const rule = (id: RuleId, effect: string, conditions: Condition, params: Record<string, unknown> = {}) =>
  ({
    name: `${id}:${effect}`,
    conditions:
      "all" in conditions || "any" in conditions || "not" in conditions ? conditions : all(conditions),
    event: { type: id, params: { effect, ...params } },
  }) as RuleProperties;

const OVERSEAS = "overseas_non_enterprise";
const text = fact("ugc", "equal", true, "$.text");
const image = fact("ugc", "equal", true, "$.image");
const video = fact("ugc", "equal", true, "$.video");
const calls = (api: string) => fact("securityApis", "contains", api);
const misses = (api: string) => fact("securityApis", "doesNotContain", api);
const label = (word: string) => fact("complaintEntry", "stringContains", word, "$.label");

/** The engine rules. */
const RULES: RuleProperties[] = [
  rule("R01.filing.required", "require", ref("filingRequired")),
  rule("R01.filing.required", "pass", not(ref("filingRequired"))),

  rule("R02.filing.status", "not_applicable", not(ref("filingRequired"))),
  rule(
    "R02.filing.status",
    "pass",
    all(ref("filingRequired"), fact("submission", "notEqual", null, "$.filingDecidedAt")),
  ),
  rule(
    "R02.filing.status",
    "pending",
    all(ref("filingRequired"), fact("submission", "equal", null, "$.filingDecidedAt")),
  ),

  rule("R03.ugc.text", "not_applicable", not(text)),
  rule("R03.ugc.text", "pass", all(text, calls("msgSecCheck"))),
  rule("R03.ugc.text", "reject", all(text, misses("msgSecCheck"))),

  rule("R04.ugc.image", "not_applicable", not(image)),
  rule("R04.ugc.image", "pass", all(image, any(calls("imgSecCheck"), calls("mediaCheckAsync")))),
  rule("R04.ugc.image", "reject", all(image, misses("imgSecCheck"), misses("mediaCheckAsync"))),

  rule("R05.ugc.video", "not_applicable", not(video)),
  rule("R05.ugc.video", "pass", all(video, calls("mediaCheckAsync"))),
  rule("R05.ugc.video", "reject", all(video, misses("mediaCheckAsync"))),

  rule("R06.deposit", "topup", fact("depositDueFen", "greaterThan", 0), {
    dueFen: { fact: "depositDueFen" },
  }),
  rule("R06.deposit", "pass", fact("depositDueFen", "lessThanInclusive", 0), {
    dueFen: { fact: "depositDueFen" },
  }),

  rule(
    "R07.payment.singleLimit",
    "reject",
    fact("payment", "greaterThan", 5_000_000, "$.maxSingleAmountFen"),
  ),
  rule(
    "R07.payment.singleLimit",
    "pass",
    fact("payment", "lessThanInclusive", 5_000_000, "$.maxSingleAmountFen"),
  ),

  rule("R08.privacy.purpose", "reject", fact("rejectedPurposeApis", "greaterThan", 0, "$.length"), {
    rejected: { fact: "rejectedPurposeApis" },
  }),
  rule("R08.privacy.purpose", "pass", fact("rejectedPurposeApis", "equal", 0, "$.length"), {
    rejected: { fact: "rejectedPurposeApis" },
  }),

  rule("R09.filing.prelaunch", "not_applicable", not(ref("prelaunchApplies"))),
  rule(
    "R09.filing.prelaunch",
    "deny",
    all(ref("prelaunchApplies"), fact("entity", "equal", OVERSEAS, "$.type")),
  ),
  rule(
    "R09.filing.prelaunch",
    "allow",
    all(
      ref("prelaunchApplies"),
      fact("entity", "notEqual", OVERSEAS, "$.type"),
      fact("daysSinceReview", "greaterThanInclusive", 7),
    ),
  ),
  rule(
    "R09.filing.prelaunch",
    "deny",
    all(
      ref("prelaunchApplies"),
      fact("entity", "notEqual", OVERSEAS, "$.type"),
      not(fact("daysSinceReview", "greaterThanInclusive", 7)),
    ),
  ),

  rule("R10.complaint.label", "reject", label("微信官方")),
  rule(
    "R10.complaint.label",
    "warn",
    all(not(label("微信官方")), label("官方"), fact("complaintEntry", "equal", false, "$.hasDisclaimer")),
  ),
  rule(
    "R10.complaint.label",
    "pass",
    all(
      not(label("微信官方")),
      any(not(label("官方")), fact("complaintEntry", "equal", true, "$.hasDisclaimer")),
    ),
  ),

  rule(
    "R11.nickname.disease",
    "reject",
    fact("nickname", "in", ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"]),
  ),
  rule(
    "R11.nickname.disease",
    "pass",
    fact("nickname", "notIn", ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"]),
  ),

  rule("R12.entity.newsCategory", "not_applicable", not(ref("newsCategory"))),
  rule(
    "R12.entity.newsCategory",
    "pass",
    all(ref("newsCategory"), fact("entity", "equal", "enterprise", "$.type")),
  ),
  rule(
    "R12.entity.newsCategory",
    "reject",
    all(ref("newsCategory"), fact("entity", "notEqual", "enterprise", "$.type")),
  ),
];

/** Creates the json-rules-engine implementation (asynchronous: `engine.run` returns a promise). */
export function createJsonRulesEngineImplementation(): Implementation {
  let engine: Engine | undefined;
  return {
    name: "json-rules-engine",
    load() {
      const e = new Engine([], { allowUndefinedFacts: false, replaceFactsInEventParams: true });
      e.addOperator<string, string>("startsWith", (value, prefix) => value.startsWith(prefix));
      e.addOperator<string, string>("stringContains", (value, word) => value.includes(word));
      e.setCondition("filingRequired", {
        any: ["社交/", "文娱/视频", "文娱/FM", "时政信息/"].map((p) =>
          fact("categories", "someFact:startsWith", p),
        ),
      });
      e.setCondition("newsCategory", { all: [fact("categories", "someFact:startsWith", "时政信息/")] });
      e.setCondition("prelaunchApplies", {
        all: [
          ref("filingRequired"),
          fact("submission", "equal", true, "$.firstVersionWithFilingCategory"),
          fact("submission", "equal", null, "$.filingDecidedAt"),
        ],
      });
      e.addFact("depositDueFen", async (_params, almanac: Almanac) => {
        const gmv = await almanac.factValue<number>("gmvLastMonthFen");
        const balance = await almanac.factValue<number>("depositBalanceFen");
        return Math.max(0, Math.min(Math.floor(gmv / 10), 2_000_000) - balance);
      });
      e.addFact("rejectedPurposeApis", async (_params, almanac: Almanac) => {
        const interfaces = await almanac.factValue<PrivacyInterface[]>("privacyInterfaces");
        const blocklist = ["使用", "定位", "开发", "暂未使用", "不收集"];
        return interfaces
          .filter(
            (p, i) =>
              p.purpose.length < 4 ||
              blocklist.includes(p.purpose) ||
              interfaces.some((q, j) => j !== i && q.purpose === p.purpose),
          )
          .map((p) => p.api);
      });
      e.addFact("daysSinceReview", async (_params, almanac: Almanac) => {
        const submission = await almanac.factValue<WorkloadFacts["submission"]>("submission");
        const asOf = await almanac.factValue<string>("asOf");
        const review = submission.wechatReviewPassedAt;
        return review === null ? null : utcDayNumber(asOf) - utcDayNumber(review);
      });
      for (const r of RULES) e.addRule(r);
      engine = e;
    },
    async decide(doc: WorkloadFacts): Promise<Outcome[]> {
      const { events } = await engine!.run(doc as unknown as Record<string, unknown>);
      return events.map((event) => {
        const { effect, dueFen, rejected } = event.params as {
          effect: string;
          dueFen?: number;
          rejected?: string[];
        };
        const outcome: Outcome = { rule: event.type as RuleId, effect };
        if (dueFen !== undefined) outcome.dueFen = dueFen;
        if (rejected !== undefined) outcome.rejected = rejected;
        return outcome;
      });
    },
  };
}
