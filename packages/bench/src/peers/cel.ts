/**
 * The workload in @marcbachmann/cel-js: one CEL program per rule, parsed and type-checked
 * once at load in an environment that declares every top-level fact with its type. JSON
 * numbers arrive as CEL `double`, so integer arithmetic goes through `int(...)`. Dates are
 * CEL timestamps at UTC midnight and the window is `+ duration("168h")` (7 UTC days).
 * R06 and R08 return a map with the effect and the value; the others return the effect.
 */
import { Environment } from "@marcbachmann/cel-js";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, RuleId, WorkloadFacts } from "../workload/facts.js";

/** Shared sub-expressions, spliced into the rule texts (CEL has no named predicates). */
const FILING_REQUIRED =
  'categories.exists(c, c.startsWith("社交/") || c.startsWith("文娱/视频") || c.startsWith("文娱/FM") || c.startsWith("时政信息/"))';
const NEWS_CATEGORY = 'categories.exists(c, c.startsWith("时政信息/"))';

/** The rule texts. */
const RULES: Record<RuleId, string> = {
  "R01.filing.required": `${FILING_REQUIRED} ? "require" : "pass"`,
  "R02.filing.status": `!(${FILING_REQUIRED}) ? "not_applicable" : submission.filingDecidedAt != null ? "pass" : "pending"`,
  "R03.ugc.text": `!ugc.text ? "not_applicable" : "msgSecCheck" in securityApis ? "pass" : "reject"`,
  "R04.ugc.image": `!ugc.image ? "not_applicable" : "imgSecCheck" in securityApis || "mediaCheckAsync" in securityApis ? "pass" : "reject"`,
  "R05.ugc.video": `!ugc.video ? "not_applicable" : "mediaCheckAsync" in securityApis ? "pass" : "reject"`,
  "R06.deposit": `
    cel.bind(required, int(gmvLastMonthFen) / 10 < 2000000 ? int(gmvLastMonthFen) / 10 : 2000000,
      cel.bind(due, required - int(depositBalanceFen) > 0 ? required - int(depositBalanceFen) : 0,
        {"effect": due > 0 ? "topup" : "pass", "dueFen": due}))`,
  "R07.payment.singleLimit": `payment.maxSingleAmountFen > 5000000.0 ? "reject" : "pass"`,
  "R08.privacy.purpose": `
    cel.bind(rejected,
      privacyInterfaces.filter(p,
        size(p.purpose) < 4
        || p.purpose in ["使用", "定位", "开发", "暂未使用", "不收集"]
        || privacyInterfaces.filter(q, q.purpose == p.purpose).size() > 1
      ).map(p, p.api),
      {"effect": size(rejected) > 0 ? "reject" : "pass", "rejected": rejected})`,
  "R09.filing.prelaunch": `
    !(${FILING_REQUIRED} && submission.firstVersionWithFilingCategory == true && submission.filingDecidedAt == null)
      ? "not_applicable"
    : entity.type == "overseas_non_enterprise" ? "deny"
    : submission.wechatReviewPassedAt != null
      && timestamp(asOf + "T00:00:00Z") >= timestamp(submission.wechatReviewPassedAt + "T00:00:00Z") + duration("168h")
      ? "allow"
    : "deny"`,
  "R10.complaint.label": `
    complaintEntry.label.contains("微信官方") ? "reject"
    : complaintEntry.label.contains("官方") && complaintEntry.hasDisclaimer == false ? "warn"
    : "pass"`,
  "R11.nickname.disease": `nickname in ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"] ? "reject" : "pass"`,
  "R12.entity.newsCategory": `!(${NEWS_CATEGORY}) ? "not_applicable" : entity.type == "enterprise" ? "pass" : "reject"`,
};

type Program = (context: WorkloadFacts) => unknown;

/** Creates the @marcbachmann/cel-js implementation. */
export function createCelImplementation(): Implementation {
  let programs: [RuleId, Program][] = [];
  return {
    name: "@marcbachmann/cel-js",
    load() {
      const env = new Environment({ homogeneousAggregateLiterals: false })
        .registerVariable("appId", "string")
        .registerVariable("asOf", "string")
        .registerVariable("entity", "map<string, string>")
        .registerVariable("categories", "list<string>")
        .registerVariable("ugc", "map<string, bool>")
        .registerVariable("securityApis", "list<string>")
        .registerVariable("gmvLastMonthFen", "double")
        .registerVariable("depositBalanceFen", "double")
        .registerVariable("payment", "map<string, double>")
        .registerVariable("privacyInterfaces", "list<map<string, string>>")
        .registerVariable("submission", "map<string, dyn>")
        .registerVariable("nickname", "string")
        .registerVariable("complaintEntry", "map<string, dyn>");
      programs = (Object.entries(RULES) as [RuleId, string][]).map(([rule, text]) => {
        const program = env.parse(text);
        const checked = program.check();
        if (!checked.valid) throw new Error(`${rule}: ${String(checked.error?.message)}`);
        return [rule, program as unknown as Program];
      });
    },
    decide(doc: WorkloadFacts): Outcome[] {
      const outcomes: Outcome[] = [];
      for (const [rule, program] of programs) {
        const value = program(doc);
        if (rule === "R06.deposit") {
          const { effect, dueFen } = value as { effect: string; dueFen: bigint };
          outcomes.push({ rule, effect, dueFen: Number(dueFen) });
        } else if (rule === "R08.privacy.purpose") {
          const { effect, rejected } = value as { effect: string; rejected: string[] };
          outcomes.push({ rule, effect, rejected });
        } else {
          outcomes.push({ rule, effect: value as string });
        }
      }
      return outcomes;
    },
  };
}
