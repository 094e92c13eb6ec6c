import { beforeAll, describe, expect, it } from "vitest";
import { checkAgreement } from "../src/harness/agreement.js";
import type { Implementation } from "../src/harness/implementation.js";
import { createHandwrittenImplementation, createPeerImplementations } from "../src/implementations.js";
import type { Outcome, RuleId, WorkloadFacts } from "../src/workload/facts.js";
import { generateWorkload } from "../src/workload/generate.js";

/** A document on which every rule takes its quietest path; cases change one thing. */
const BASE: WorkloadFacts = {
  appId: "wx0000000000000000",
  asOf: "2026-11-10",
  entity: { type: "enterprise" },
  categories: ["工具/信息查询"],
  ugc: { text: false, image: false, video: false },
  securityApis: [],
  gmvLastMonthFen: 0,
  depositBalanceFen: 0,
  payment: { maxSingleAmountFen: 0 },
  privacyInterfaces: [],
  submission: { firstVersionWithFilingCategory: true, wechatReviewPassedAt: null, filingDecidedAt: null },
  nickname: "附近好店",
  complaintEntry: { label: "投诉与反馈", hasDisclaimer: false },
};

type Patch = {
  [K in keyof WorkloadFacts]?: WorkloadFacts[K] extends object ? Partial<WorkloadFacts[K]> : WorkloadFacts[K];
};

function doc(patch: Patch): WorkloadFacts {
  const out = structuredClone(BASE) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === "object" && !Array.isArray(value) && typeof current === "object"
        ? { ...(current as object), ...value }
        : value;
  }
  return out as unknown as WorkloadFacts;
}

const filing = { categories: ["社交/社区"] };

/** Hand-computed cases: a document, a rule, and that rule's exact outcome. */
const CASES: [string, WorkloadFacts, Omit<Outcome, "rule"> & { rule: RuleId }][] = [
  ["glob 社交/*", doc(filing), { rule: "R01.filing.required", effect: "require" }],
  [
    "glob 文娱/视频*",
    doc({ categories: ["文娱/视频号"] }),
    { rule: "R01.filing.required", effect: "require" },
  ],
  ["glob 文娱/FM*", doc({ categories: ["文娱/FM电台"] }), { rule: "R01.filing.required", effect: "require" }],
  [
    "near miss 社区/论坛",
    doc({ categories: ["社区/论坛"] }),
    { rule: "R01.filing.required", effect: "pass" },
  ],
  [
    "near miss 视频/短视频",
    doc({ categories: ["视频/短视频"] }),
    { rule: "R01.filing.required", effect: "pass" },
  ],
  [
    "near miss 文娱/音频",
    doc({ categories: ["文娱/音频"] }),
    { rule: "R01.filing.required", effect: "pass" },
  ],
  [
    "near miss 社交 without slash",
    doc({ categories: ["社交"] }),
    { rule: "R01.filing.required", effect: "pass" },
  ],
  ["filing not required", doc({}), { rule: "R02.filing.status", effect: "not_applicable" }],
  ["filing pending", doc(filing), { rule: "R02.filing.status", effect: "pending" }],
  [
    "filing decided",
    doc({ ...filing, submission: { filingDecidedAt: "2026-10-01" } }),
    { rule: "R02.filing.status", effect: "pass" },
  ],
  ["text UGC unchecked", doc({ ugc: { text: true } }), { rule: "R03.ugc.text", effect: "reject" }],
  [
    "text UGC checked",
    doc({ ugc: { text: true }, securityApis: ["msgSecCheck"] }),
    { rule: "R03.ugc.text", effect: "pass" },
  ],
  [
    "image UGC with mediaCheckAsync",
    doc({ ugc: { image: true }, securityApis: ["mediaCheckAsync"] }),
    { rule: "R04.ugc.image", effect: "pass" },
  ],
  [
    "image UGC with msgSecCheck only",
    doc({ ugc: { image: true }, securityApis: ["msgSecCheck"] }),
    { rule: "R04.ugc.image", effect: "reject" },
  ],
  [
    "video UGC with imgSecCheck only",
    doc({ ugc: { video: true }, securityApis: ["imgSecCheck"] }),
    { rule: "R05.ugc.video", effect: "reject" },
  ],
  ["no video UGC", doc({}), { rule: "R05.ugc.video", effect: "not_applicable" }],
  [
    "GMV at the cap, balance one below",
    doc({ gmvLastMonthFen: 20_000_000, depositBalanceFen: 1_999_999 }),
    { rule: "R06.deposit", effect: "topup", dueFen: 1 },
  ],
  [
    "GMV one below the cap floors to 1,999,999",
    doc({ gmvLastMonthFen: 19_999_999, depositBalanceFen: 1_999_999 }),
    { rule: "R06.deposit", effect: "pass", dueFen: 0 },
  ],
  [
    "GMV far above the cap",
    doc({ gmvLastMonthFen: 90_000_000, depositBalanceFen: 5 }),
    { rule: "R06.deposit", effect: "topup", dueFen: 1_999_995 },
  ],
  [
    "balance above the requirement",
    doc({ gmvLastMonthFen: 1_000, depositBalanceFen: 500 }),
    { rule: "R06.deposit", effect: "pass", dueFen: 0 },
  ],
  [
    "payment at the limit",
    doc({ payment: { maxSingleAmountFen: 5_000_000 } }),
    { rule: "R07.payment.singleLimit", effect: "pass" },
  ],
  [
    "payment one above the limit",
    doc({ payment: { maxSingleAmountFen: 5_000_001 } }),
    { rule: "R07.payment.singleLimit", effect: "reject" },
  ],
  [
    "purposes: 4 characters pass, 3 and blocklisted and empty fail, in input order",
    doc({
      privacyInterfaces: [
        { api: "getLocation", purpose: "展示门店" },
        { api: "chooseImage", purpose: "定位用" },
        { api: "getUserProfile", purpose: "暂未使用" },
        { api: "startRecord", purpose: "" },
      ],
    }),
    {
      rule: "R08.privacy.purpose",
      effect: "reject",
      rejected: ["chooseImage", "getUserProfile", "startRecord"],
    },
  ],
  [
    "purposes: duplicates fail, both of them; a blocklisted word inside a longer purpose passes",
    doc({
      privacyInterfaces: [
        { api: "getLocation", purpose: "用于展示附近门店列表" },
        { api: "chooseAddress", purpose: "仅用于定位附近门店" },
        { api: "chooseLocation", purpose: "用于展示附近门店列表" },
      ],
    }),
    { rule: "R08.privacy.purpose", effect: "reject", rejected: ["getLocation", "chooseLocation"] },
  ],
  ["no privacy interfaces", doc({}), { rule: "R08.privacy.purpose", effect: "pass", rejected: [] }],
  [
    "review exactly 7 days before",
    doc({ ...filing, submission: { wechatReviewPassedAt: "2026-11-03" } }),
    { rule: "R09.filing.prelaunch", effect: "allow" },
  ],
  [
    "review 6 days before",
    doc({ ...filing, submission: { wechatReviewPassedAt: "2026-11-04" } }),
    { rule: "R09.filing.prelaunch", effect: "deny" },
  ],
  [
    "review 7 days before, across the year end",
    doc({ ...filing, asOf: "2026-01-03", submission: { wechatReviewPassedAt: "2025-12-27" } }),
    { rule: "R09.filing.prelaunch", effect: "allow" },
  ],
  [
    "review 7 days before, across Feb 29",
    doc({ ...filing, asOf: "2028-03-03", submission: { wechatReviewPassedAt: "2028-02-25" } }),
    { rule: "R09.filing.prelaunch", effect: "allow" },
  ],
  ["no review", doc(filing), { rule: "R09.filing.prelaunch", effect: "deny" }],
  [
    "overseas, reviewed long ago",
    doc({
      ...filing,
      entity: { type: "overseas_non_enterprise" },
      submission: { wechatReviewPassedAt: "2026-01-01" },
    }),
    { rule: "R09.filing.prelaunch", effect: "deny" },
  ],
  [
    "not the first version with a filing category",
    doc({ ...filing, submission: { firstVersionWithFilingCategory: false } }),
    { rule: "R09.filing.prelaunch", effect: "not_applicable" },
  ],
  [
    "filing decided",
    doc({ ...filing, submission: { filingDecidedAt: "2026-11-01" } }),
    { rule: "R09.filing.prelaunch", effect: "not_applicable" },
  ],
  [
    "label imitates WeChat",
    doc({ complaintEntry: { label: "微信官方投诉", hasDisclaimer: true } }),
    { rule: "R10.complaint.label", effect: "reject" },
  ],
  [
    "label says official without disclaimer",
    doc({ complaintEntry: { label: "微信 官方投诉入口" } }),
    { rule: "R10.complaint.label", effect: "warn" },
  ],
  [
    "label says official with disclaimer",
    doc({ complaintEntry: { label: "官方客服", hasDisclaimer: true } }),
    { rule: "R10.complaint.label", effect: "pass" },
  ],
  [
    "nickname is a disease",
    doc({ nickname: "新冠肺炎" }),
    { rule: "R11.nickname.disease", effect: "reject" },
  ],
  [
    "nickname contains a disease",
    doc({ nickname: "糖尿病之家" }),
    { rule: "R11.nickname.disease", effect: "pass" },
  ],
  [
    "news category, individual business",
    doc({ categories: ["时政信息/新闻资讯"], entity: { type: "individual_business" } }),
    { rule: "R12.entity.newsCategory", effect: "reject" },
  ],
  [
    "news category, enterprise",
    doc({ categories: ["时政信息/新闻资讯"] }),
    { rule: "R12.entity.newsCategory", effect: "pass" },
  ],
  [
    "near miss 时政信息 without slash",
    doc({ categories: ["时政信息"] }),
    { rule: "R12.entity.newsCategory", effect: "not_applicable" },
  ],
];

const implementations: Implementation[] = [createHandwrittenImplementation()];

beforeAll(async () => {
  const { implementations: peers, skipped } = await createPeerImplementations();
  expect(skipped, "a peer could not be imported here").toEqual([]);
  implementations.push(...peers);
  for (const impl of implementations) await impl.load();
});

describe("every implementation on hand-computed cases", () => {
  const names = [
    "hand-written JS",
    "Norma (compiled, the default)",
    "Norma (closures)",
    "Norma (explanations)",
    "json-logic-js",
    "@marcbachmann/cel-js",
    "@gorules/zen-engine",
    "json-rules-engine",
  ];
  const cases = names.flatMap((name) =>
    CASES.map(([what, d, expected]) => [name, expected.rule, what, d, expected] as const),
  );

  it.each(cases)("%s: %s, %s", async (name, rule, _what, d, expected) => {
    const impl = implementations.find((i) => i.name === name)!;
    const outcomes = await impl.decide(d);
    expect(outcomes).toHaveLength(12);
    expect(outcomes.find((o) => o.rule === rule)).toEqual(expected);
  });
});

describe("agreement of all implementations", () => {
  it("all eight agree on 300 generated documents", async () => {
    expect(implementations.map((i) => i.name)).toHaveLength(8);
    const disagreement = await checkAgreement(implementations, generateWorkload({ count: 300, seed: 300 }));
    expect(disagreement).toBeNull();
  });
});
