/**
 * A small hand-written bundle: FIL pre-launch with an exception, filing required by glob with an
 * exception that quantifies over categories (an outer bound name used inside an inner quantifier),
 * a deposit assessed from two dated parameters, two lexicon rules, a rule no longer in force, and
 * a rule whose exception gives its own effect.
 */
import type { Bundle, IrSpan, Logic } from "../../src/index.js";
import { hashBundle } from "../../src/index.js";

/** Sets `hash` to the content hash of the rest. */
export function withHash(b: Omit<Bundle, "hash"> & { hash?: string }): Bundle {
  const out = { ...b, hash: "" } as Bundle;
  out.hash = hashBundle(out);
  return out;
}

/** A bundle of one flag rule `r0` (policy `p`) with condition `when`, `message` and `lexicons`. */
export function oneRuleBundle(
  when: Logic,
  message: Logic | null = null,
  lexicons: Record<string, string[]> = {},
): Bundle {
  return withHash({
    format: "norma-bundle/1",
    zone: "Asia/Shanghai",
    policies: [{ id: "p", title: "one rule", file: "p.norma", schema: "facts@1", sources: [] }],
    rules: [
      {
        id: "r0",
        title: null,
        policy: "p",
        norms: ["N-0"],
        citations: [{ source: "S", line: 1, quote: "q" }],
        effective: { from: null, until: null },
        when,
        effect: { kind: "flag", label: "l0", value: null, valueType: null, message },
        exceptions: [],
      },
    ],
    params: [],
    lexicons,
    spans: {},
  });
}

const ms = (s: string) => Date.parse(s);
const FILING_GLOBS = ["社交/**", "文娱/视频*", "文娱/FM*", "时政信息/**"];

const involvesFiling: Logic = {
  some: [{ "n.bind": ["$c", { var: "categories" }] }, { "n.glob": [{ var: "$c" }, FILING_GLOBS] }],
};

const allFiledBefore: Logic = {
  none: [
    { "n.bind": ["$c", { var: "categories" }] },
    {
      and: [
        { "n.glob": [{ var: "$c" }, FILING_GLOBS] },
        { none: [{ "n.bind": ["$f", { var: "filing.filed" }] }, { "===": [{ var: "$f" }, { var: "$c" }] }] },
      ],
    },
  ],
};

const depositDue: Logic = {
  max: [
    0,
    {
      "n.sub": [
        {
          min: [
            { "n.mulr": [{ var: "trade.gmvLastMonthFen" }, { var: "$p.deposit_rate" }, "floor"] },
            { var: "$p.deposit_cap" },
          ],
        },
        { var: "trade.depositBalanceFen" },
      ],
    },
  ],
};

const span = (text: string, line: number): IrSpan => ({
  file: "fixture.norma",
  start: 0,
  end: text.length,
  line,
  column: 3,
  text,
});

/** The fixture bundle (hash included). */
export const fixtureBundle: Bundle = withHash({
  format: "norma-bundle/1",
  zone: "Asia/Shanghai",
  policies: [
    { id: "filing", title: "报备审核与预上线", file: "filing.norma", schema: "facts@1", sources: [] },
    { id: "trade", title: "交易保证金", file: "trade.norma", schema: "facts@1", sources: [] },
    { id: "content", title: "内容", file: "content.norma", schema: "facts@1", sources: [] },
  ],
  rules: [
    {
      id: "filing.pre_launch",
      title: "未按期收到结果可预上线",
      policy: "filing",
      norms: ["FIL-7"],
      citations: [
        { source: "FIL", line: 43, quote: "7个自然日审核周期开发者若未收到审核结果,将收到预上线通知" },
      ],
      effective: { from: null, until: null },
      when: {
        and: [
          { "===": [{ var: "filing.status" }, "pending"] },
          {
            "n.cmp": [
              ">=",
              { var: "$asOf" },
              { "n.plus_natural_days": [{ "n.time": [{ var: "filing.notifiedAt" }] }, 7] },
            ],
          },
        ],
      },
      effect: {
        kind: "allow",
        label: "pre_launch",
        value: null,
        valueType: null,
        message: {
          cat: [
            "报备自 ",
            { "n.fmt": [{ "n.time": [{ var: "filing.notifiedAt" }] }, "datetime"] },
            " 起满 7 个自然日未有结果",
          ],
        },
      },
      exceptions: [
        {
          id: "filing.pre_launch#overseas",
          title: "境外非企业主体无预上线",
          when: { "===": [{ var: "entity.type" }, "overseas_non_enterprise"] },
          norms: ["FIL-7"],
          citations: [{ source: "FIL", line: 43, quote: "境外非企业主体小程序无预上线流程" }],
          effect: null,
        },
      ],
    },
    {
      id: "filing.required",
      title: "涉及报备类目需报备审核",
      policy: "filing",
      norms: ["FIL-1", "FIL-3"],
      citations: [{ source: "FIL", line: 25, quote: "审核通过后将自动进入报备审核流程" }],
      effective: { from: null, until: null },
      when: involvesFiling,
      effect: {
        kind: "require",
        label: "filing_review",
        value: null,
        valueType: null,
        message: "需要报备审核",
      },
      exceptions: [
        {
          id: "filing.required#FIL-4",
          title: "更新版本涉及的报备类目均已报备",
          when: { and: [{ "===": [{ var: "release.kind" }, "update"] }, allFiledBefore] },
          norms: ["FIL-4"],
          citations: [{ source: "FIL", line: 27, quote: "无需进入报备审核流程" }],
          effect: null,
        },
      ],
    },
    {
      id: "trade.deposit",
      title: "交易保证金",
      policy: "trade",
      norms: ["DEP-2"],
      citations: [{ source: "OPS", line: 2, quote: "小程序上个完整月的gmv*10%,上限2w" }],
      effective: { from: null, until: null },
      when: { "!==": [{ var: "trade.gmvLastMonthFen" }, null] },
      effect: {
        kind: "assess",
        label: "deposit_due",
        value: depositDue,
        valueType: "money",
        message: { cat: ["应缴保证金 ", { "n.fmt": [depositDue, "money"] }] },
      },
      exceptions: [],
    },
    {
      id: "content.nickname_disease",
      title: "昵称仅为疾病名",
      policy: "content",
      norms: ["NCK-4"],
      citations: [{ source: "OPS", line: 8, quote: "昵称仅为疾病名称" }],
      effective: { from: null, until: null },
      when: { in: [{ var: "nickname" }, { var: "$lex.diseases" }] },
      effect: {
        kind: "reject",
        label: "nickname_disease",
        value: null,
        valueType: null,
        message: { cat: ["昵称「", { var: "nickname" }, "」仅为疾病名"] },
      },
      exceptions: [],
    },
    {
      id: "content.official_entry",
      title: "仿冒官方投诉入口",
      policy: "content",
      norms: ["CMP-1"],
      citations: [{ source: "OPS", line: 3, quote: "微信官方" }],
      effective: { from: null, until: null },
      when: { "n.contains_any": [{ var: "complaint.label" }, { var: "$lex.official_words" }] },
      effect: {
        kind: "reject",
        label: "imitates_official_entry",
        value: null,
        valueType: null,
        message: null,
      },
      exceptions: [],
    },
    {
      id: "content.old_rule",
      title: "已废止的规则",
      policy: "content",
      norms: [],
      citations: [],
      effective: { from: null, until: ms("2020-01-01T00:00:00+08:00") },
      when: true,
      effect: { kind: "flag", label: "old", value: null, valueType: null, message: null },
      exceptions: [],
    },
    {
      id: "filing.news_entity",
      title: "时政信息类目的主体",
      policy: "filing",
      norms: ["FIL-1"],
      citations: [{ source: "FIL", line: 13, quote: "时政信息" }],
      effective: { from: ms("2021-01-01T00:00:00+08:00"), until: null },
      when: {
        and: [
          {
            some: [{ "n.bind": ["$c", { var: "categories" }] }, { "n.starts": [{ var: "$c" }, "时政信息/"] }],
          },
          { "!==": [{ var: "entity.type" }, "enterprise"] },
        ],
      },
      effect: { kind: "flag", label: "news_non_enterprise", value: null, valueType: null, message: null },
      exceptions: [
        {
          id: "filing.news_entity#overseas",
          title: "境外主体不得提供时政信息",
          when: { "===": [{ var: "entity.type" }, "overseas_non_enterprise"] },
          norms: ["FIL-6"],
          citations: [{ source: "FIL", line: 33, quote: "境外非企业主体小程序除外" }],
          effect: {
            kind: "reject",
            label: "news_overseas",
            value: null,
            valueType: null,
            message: "境外非企业主体不得提供时政信息",
          },
        },
      ],
    },
  ],
  params: [
    {
      name: "deposit_rate",
      type: "percent",
      versions: [
        {
          effective: { from: null, until: ms("2024-01-01T00:00:00+08:00") },
          value: { "n.dec": ["10", "100"] },
          citations: [],
        },
        {
          effective: { from: ms("2024-01-01T00:00:00+08:00"), until: null },
          value: { "n.dec": ["5", "100"] },
          citations: [],
        },
      ],
    },
    {
      name: "deposit_cap",
      type: "money",
      versions: [
        {
          effective: { from: null, until: ms("2024-01-01T00:00:00+08:00") },
          value: 2_000_000,
          citations: [],
        },
        {
          effective: { from: ms("2024-01-01T00:00:00+08:00"), until: null },
          value: 5_000_000,
          citations: [],
        },
      ],
    },
  ],
  lexicons: {
    diseases: ["艾滋病", "癌症", "白血病", "糖尿病"],
    official_words: ["微信官方", "官方客服"],
  },
  spans: {
    "/rules/0/when/and/0": span('filing.status == "pending"', 12),
    "/rules/0/when/and/1": span("as_of >= filing.notifiedAt + 7 natural days", 13),
    "/rules/0/exceptions/0/when": span('entity.type == "overseas_non_enterprise"', 16),
    "/rules/1/when/some/1": span("category matches 报备类目", 21),
    "/rules/1/exceptions/0/when/and/0": span('release.kind == "update"', 24),
    "/rules/1/exceptions/0/when/and/1/none/1/and/0": span("c matches 报备类目", 25),
    "/rules/1/exceptions/0/when/and/1/none/1/and/1/none/1": span("f == c", 25),
    "/rules/3/when": span("nickname in diseases", 40),
  },
});

/** A facts document that makes most rules act (a new release, filing pending since 1 March 23:50). */
export const pendingFacts = {
  entity: { type: "enterprise" },
  categories: ["社交/直播", "工具/效率"],
  release: { kind: "new" },
  filing: { status: "pending", notifiedAt: "2022-03-01T23:50:00+08:00", filed: [] as string[] },
  trade: { gmvLastMonthFen: 30_000_000, depositBalanceFen: 0 },
  nickname: "糖尿病",
  complaint: { label: "我的投诉与建议" },
};
