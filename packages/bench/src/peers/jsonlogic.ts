/**
 * The workload in json-logic-js: one JSON Logic rule per workload rule, applied to the facts
 * document as is. Written as a JSON Logic user would, within what the format offers:
 *
 * - "starts with" is `substr(s, 0, len(prefix)) == prefix`; "fewer than 4 characters" is
 *   `substr(s, 3) == ""`; `floor(g / 10)` is `(g - g % 10) / 10` (JSON Logic has no floor).
 * - Dates: JSON Logic has none, so one custom operation, `utcDay`, turns `YYYY-MM-DD` into a
 *   day number (the documented extension mechanism, `add_operation`).
 * - Duplicated purposes: inside `filter`/`map`, JSON Logic sees only the current element, so
 *   R08 is a `reduce` whose accumulator carries `[allPurposes, rejectedApis]`, with one more
 *   custom operation, `countOf(list, value)`.
 * - A rule returns one value; R06 returns `dueFen` and R08 the rejected list, and the glue
 *   derives their effect from it (topup iff > 0, reject iff non-empty).
 */
import jsonLogic, { type RulesLogic } from "json-logic-js";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, RuleId, WorkloadFacts } from "../workload/facts.js";
import { utcDayNumber } from "../workload/facts.js";

type Logic = RulesLogic;

const v = (path: string): Logic => ({ var: path });

const startsWith = (value: Logic, prefix: string): Logic => ({
  "==": [{ substr: [value, 0, prefix.length] }, prefix],
});

const filingRequired: Logic = {
  some: [
    v("categories"),
    {
      or: ["社交/", "文娱/视频", "文娱/FM", "时政信息/"].map((prefix) => startsWith(v(""), prefix)),
    },
  ],
};

const newsCategory: Logic = { some: [v("categories"), startsWith(v(""), "时政信息/")] };

const gmv = v("gmvLastMonthFen");

/** The rule texts, keyed by rule id. R06 yields `dueFen`, R08 the rejected api names; the rest an effect. */
const RULES: Record<RuleId, Logic> = {
  "R01.filing.required": { if: [filingRequired, "require", "pass"] },
  "R02.filing.status": {
    if: [
      { "!": filingRequired },
      "not_applicable",
      { "!==": [v("submission.filingDecidedAt"), null] },
      "pass",
      "pending",
    ],
  },
  "R03.ugc.text": {
    if: [
      { "!": v("ugc.text") },
      "not_applicable",
      { in: ["msgSecCheck", v("securityApis")] },
      "pass",
      "reject",
    ],
  },
  "R04.ugc.image": {
    if: [
      { "!": v("ugc.image") },
      "not_applicable",
      { or: [{ in: ["imgSecCheck", v("securityApis")] }, { in: ["mediaCheckAsync", v("securityApis")] }] },
      "pass",
      "reject",
    ],
  },
  "R05.ugc.video": {
    if: [
      { "!": v("ugc.video") },
      "not_applicable",
      { in: ["mediaCheckAsync", v("securityApis")] },
      "pass",
      "reject",
    ],
  },
  "R06.deposit": {
    max: [
      0,
      {
        "-": [
          { min: [{ "/": [{ "-": [gmv, { "%": [gmv, 10] }] }, 10] }, 2_000_000] },
          v("depositBalanceFen"),
        ],
      },
    ],
  },
  "R07.payment.singleLimit": {
    if: [{ ">": [v("payment.maxSingleAmountFen"), 5_000_000] }, "reject", "pass"],
  },
  "R08.privacy.purpose": {
    reduce: [
      v("privacyInterfaces"),
      [
        v("accumulator.0"),
        {
          merge: [
            v("accumulator.1"),
            {
              if: [
                {
                  or: [
                    { "==": [{ substr: [v("current.purpose"), 3] }, ""] },
                    { in: [v("current.purpose"), ["使用", "定位", "开发", "暂未使用", "不收集"]] },
                    { ">": [{ countOf: [v("accumulator.0"), v("current.purpose")] }, 1] },
                  ],
                },
                v("current.api"),
                [],
              ],
            },
          ],
        },
      ],
      [{ map: [v("privacyInterfaces"), v("purpose")] }, []],
    ],
  } as unknown as Logic,
  "R09.filing.prelaunch": {
    if: [
      {
        "!": {
          and: [
            filingRequired,
            { "===": [v("submission.firstVersionWithFilingCategory"), true] },
            { "===": [v("submission.filingDecidedAt"), null] },
          ],
        },
      },
      "not_applicable",
      { "==": [v("entity.type"), "overseas_non_enterprise"] },
      "deny",
      {
        and: [
          { "!==": [v("submission.wechatReviewPassedAt"), null] },
          {
            ">=": [{ utcDay: [v("asOf")] }, { "+": [{ utcDay: [v("submission.wechatReviewPassedAt")] }, 7] }],
          },
        ],
      },
      "allow",
      "deny",
    ],
  } as unknown as Logic,
  "R10.complaint.label": {
    if: [
      { in: ["微信官方", v("complaintEntry.label")] },
      "reject",
      { and: [{ in: ["官方", v("complaintEntry.label")] }, { "!": v("complaintEntry.hasDisclaimer") }] },
      "warn",
      "pass",
    ],
  },
  "R11.nickname.disease": {
    if: [
      { in: [v("nickname"), ["艾滋病", "癌症", "白血病", "糖尿病", "乙肝", "肺结核", "新冠肺炎"]] },
      "reject",
      "pass",
    ],
  },
  "R12.entity.newsCategory": {
    if: [
      { "!": newsCategory },
      "not_applicable",
      { "==": [v("entity.type"), "enterprise"] },
      "pass",
      "reject",
    ],
  },
};

/** Creates the json-logic-js implementation. */
export function createJsonLogicImplementation(): Implementation {
  let rules: [RuleId, Logic][] = [];
  return {
    name: "json-logic-js",
    load() {
      jsonLogic.add_operation("utcDay", (date: string) => utcDayNumber(date));
      jsonLogic.add_operation("countOf", (list: unknown[], value: unknown) => {
        let n = 0;
        for (const item of list) if (item === value) n++;
        return n;
      });
      // JSON Logic rules are data: "loading" is parsing their JSON text, as a service would.
      rules = Object.entries(JSON.parse(JSON.stringify(RULES)) as Record<RuleId, Logic>) as [RuleId, Logic][];
      for (const [, logic] of rules) {
        if (!jsonLogic.is_logic(logic)) throw new Error("json-logic rule is not logic");
      }
    },
    decide(doc: WorkloadFacts): Outcome[] {
      const outcomes: Outcome[] = [];
      for (const [rule, logic] of rules) {
        const value: unknown = jsonLogic.apply(logic, doc);
        if (rule === "R06.deposit") {
          const dueFen = value as number;
          outcomes.push({ rule, effect: dueFen > 0 ? "topup" : "pass", dueFen });
        } else if (rule === "R08.privacy.purpose") {
          const rejected = (value as [unknown, string[]])[1];
          outcomes.push({ rule, effect: rejected.length > 0 ? "reject" : "pass", rejected });
        } else {
          outcomes.push({ rule, effect: value as string });
        }
      }
      return outcomes;
    },
  };
}
