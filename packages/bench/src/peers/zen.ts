/**
 * The workload in @gorules/zen-engine: one JDM decision graph, created once at load. An
 * expression node computes ten rules in ZEN expressions (later keys read earlier ones through
 * `$`), and a first-hit decision table decides R10, as a GoRules author would model a label
 * check. The input is the facts document as is.
 *
 * Trap worked around: ZEN's `len()` counts UTF-8 bytes, not characters (`len("使用定位")` is
 * 12), so "fewer than 4 characters" is `not matches(purpose, "(?s)^.{4}")`: the regex `.`
 * matches one Unicode scalar value, which equals one UTF-16 unit on BMP-only text.
 * Dates: `d("YYYY-MM-DD")` is UTC midnight; the window is `.add("7d")`.
 */
import { ZenEngine, type ZenDecision } from "@gorules/zen-engine";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, RuleId, WorkloadFacts } from "../workload/facts.js";

/** Expression-node rows: output key and ZEN expression, in evaluation order. */
const EXPRESSIONS: [string, string][] = [
  [
    "filingRequired",
    'some(categories, startsWith(#, "社交/") or startsWith(#, "文娱/视频") or startsWith(#, "文娱/FM") or startsWith(#, "时政信息/"))',
  ],
  ["newsCategory", 'some(categories, startsWith(#, "时政信息/"))'],
  ["R01", '$.filingRequired ? "require" : "pass"'],
  [
    "R02",
    'not $.filingRequired ? "not_applicable" : submission.filingDecidedAt != null ? "pass" : "pending"',
  ],
  ["R03", 'not ugc.text ? "not_applicable" : "msgSecCheck" in securityApis ? "pass" : "reject"'],
  [
    "R04",
    'not ugc.image ? "not_applicable" : "imgSecCheck" in securityApis or "mediaCheckAsync" in securityApis ? "pass" : "reject"',
  ],
  ["R05", 'not ugc.video ? "not_applicable" : "mediaCheckAsync" in securityApis ? "pass" : "reject"'],
  ["R06dueFen", "max([0, min([floor(gmvLastMonthFen / 10), 2000000]) - depositBalanceFen])"],
  ["R06", '$.R06dueFen > 0 ? "topup" : "pass"'],
  ["R07", 'payment.maxSingleAmountFen > 5000000 ? "reject" : "pass"'],
  [
    "R08rejected",
    'map(filter(privacyInterfaces as p, not matches(p.purpose, "(?s)^.{4}") or p.purpose in ["使用", "定位", "开发", "暂未使用", "不收集"] or count(privacyInterfaces, #.purpose == p.purpose) > 1), #.api)',
  ],
  ["R08", 'len($.R08rejected) > 0 ? "reject" : "pass"'],
  [
    "R09",
    'not ($.filingRequired and submission.firstVersionWithFilingCategory == true and submission.filingDecidedAt == null) ? "not_applicable"' +
      ' : entity.type == "overseas_non_enterprise" ? "deny"' +
      ' : submission.wechatReviewPassedAt != null and d(asOf).isSameOrAfter(d(submission.wechatReviewPassedAt).add("7d")) ? "allow"' +
      ' : "deny"',
  ],
  [
    "R11",
    'nickname in ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"] ? "reject" : "pass"',
  ],
  ["R12", 'not $.newsCategory ? "not_applicable" : entity.type == "enterprise" ? "pass" : "reject"'],
];

/** The R10 decision table (first hit): label cell, disclaimer cell, effect. */
const R10_TABLE: [string, string, string][] = [
  ['contains($, "微信官方")', "", '"reject"'],
  ['contains($, "官方")', "false", '"warn"'],
  ["", "", '"pass"'],
];

/** The JDM graph: input → (expression node, R10 table) → output. */
export function buildZenGraph(): object {
  const position = { x: 0, y: 0 };
  return {
    nodes: [
      { id: "input", type: "inputNode", name: "facts", position },
      {
        id: "rules",
        type: "expressionNode",
        name: "rules",
        position,
        content: { expressions: EXPRESSIONS.map(([key, value], i) => ({ id: `e${i}`, key, value })) },
      },
      {
        id: "complaint",
        type: "decisionTableNode",
        name: "R10 complaint label",
        position,
        content: {
          hitPolicy: "first",
          inputs: [
            { id: "label", name: "label", field: "complaintEntry.label" },
            { id: "disclaimer", name: "hasDisclaimer", field: "complaintEntry.hasDisclaimer" },
          ],
          outputs: [{ id: "effect", name: "effect", field: "R10" }],
          rules: R10_TABLE.map(([labelCell, disclaimerCell, effect], i) => ({
            _id: `r${i}`,
            label: labelCell,
            disclaimer: disclaimerCell,
            effect,
          })),
        },
      },
      { id: "output", type: "outputNode", name: "outcomes", position },
    ],
    edges: [
      { id: "a", sourceId: "input", targetId: "rules", type: "edge" },
      { id: "b", sourceId: "input", targetId: "complaint", type: "edge" },
      { id: "c", sourceId: "rules", targetId: "output", type: "edge" },
      { id: "d", sourceId: "complaint", targetId: "output", type: "edge" },
    ],
  };
}

const SHORT_IDS: [string, RuleId][] = [
  ["R01", "R01.filing.required"],
  ["R02", "R02.filing.status"],
  ["R03", "R03.ugc.text"],
  ["R04", "R04.ugc.image"],
  ["R05", "R05.ugc.video"],
  ["R07", "R07.payment.singleLimit"],
  ["R09", "R09.filing.prelaunch"],
  ["R10", "R10.complaint.label"],
  ["R11", "R11.nickname.disease"],
  ["R12", "R12.entity.newsCategory"],
];

/** Creates the @gorules/zen-engine implementation (asynchronous: `decision.evaluate` returns a promise). */
export function createZenImplementation(): Implementation {
  let decision: ZenDecision | undefined;
  return {
    name: "@gorules/zen-engine",
    load() {
      const engine = new ZenEngine();
      decision = engine.createDecision(buildZenGraph());
      decision.validate();
    },
    async decide(doc: WorkloadFacts): Promise<Outcome[]> {
      const { result } = await decision!.evaluate(doc);
      const r = result as Record<string, unknown>;
      const outcomes: Outcome[] = SHORT_IDS.map(([short, rule]) => ({ rule, effect: r[short] as string }));
      outcomes.push({ rule: "R06.deposit", effect: r.R06 as string, dueFen: r.R06dueFen as number });
      outcomes.push({
        rule: "R08.privacy.purpose",
        effect: r.R08 as string,
        rejected: r.R08rejected as string[],
      });
      return outcomes;
    },
  };
}
