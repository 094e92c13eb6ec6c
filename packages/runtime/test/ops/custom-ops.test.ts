/**
 * Every `n.*` operation, on the three evaluators: at least one case where it holds (or gives a value)
 * and one where it does not (or gives `null`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLogic, evaluateReference, type Logic } from "../../src/index.js";
import { compileGeneratedLogic } from "../../src/fast/codegen.js";
import { containsAnyMatcher, CUSTOM_OP_ARITY, opContainsAny } from "../../src/ops/custom.js";
import { Rational } from "../../src/value/rational.js";

const r = (n: number, d = 1) => Rational.small(n, d) as Rational;
const MAX = Number.MAX_SAFE_INTEGER;
const data = {
  s: "社交/直播",
  n: 5,
  fen: 1234560,
  list: ["a", "b"],
  items: [
    { k: "x", n: 2 },
    { k: "y", n: 3 },
  ],
  rec: { a: 1 },
  at: "2022-03-01T23:50:00+08:00",
};

// [op, logic, expected]
const table: Array<[string, Logic, unknown]> = [
  [
    "n.bind",
    { "n.bind": ["$x", [1, 2]] },
    [
      { ...data, $x: 1 },
      { ...data, $x: 2 },
    ],
  ],
  ["n.bind", { "n.bind": ["$x", null] }, []],
  ["n.count", { "n.count": [{ var: "list" }] }, 2],
  ["n.count", { "n.count": [{ var: "s" }] }, null],
  ["n.sum", { "n.sum": [[1, null, 2], "int"] }, 3],
  ["n.sum", { "n.sum": [[MAX, 1], "int"] }, null],
  ["n.sum", { "n.sum": [[MAX, 2, -2], "int"] }, MAX],
  ["n.sum", { "n.sum": [[{ "n.dec": ["1", "10"] }, { "n.dec": ["2", "10"] }], "dec"] }, r(3, 10)],
  ["n.sum", { "n.sum": [[], "dec"] }, r(0)],
  ["n.sum", { "n.sum": [[1, "2"], "int"] }, null],
  ["n.first", { "n.first": [{ var: "list" }] }, "a"],
  ["n.first", { "n.first": [[]] }, null],
  ["n.get", { "n.get": [{ var: "rec" }, "a"] }, 1],
  ["n.get", { "n.get": [{ var: "rec" }, "constructor"] }, null],
  [
    "n.record",
    { "n.record": ["a", 1, "b", { var: "n" }] },
    Object.assign(Object.create(null), { a: 1, b: 5 }),
  ],
  ["n.record", { "n.record": ["a"] }, null],
  ["n.coalesce", { "n.coalesce": [{ var: "missing" }, 7] }, 7],
  ["n.coalesce", { "n.coalesce": [0, 7] }, 0],
  ["n.add", { "n.add": [{ var: "fen" }, 1] }, 1234561],
  ["n.add", { "n.add": [MAX, 1] }, null],
  ["n.add", { "n.add": [null, 1] }, null],
  ["n.sub", { "n.sub": [1, 3] }, -2],
  ["n.sub", { "n.sub": [-MAX, 1] }, null],
  ["n.mul", { "n.mul": [3, -4] }, -12],
  ["n.mul", { "n.mul": [MAX, 2] }, null],
  ["n.neg", { "n.neg": [5] }, -5],
  ["n.neg", { "n.neg": ["5"] }, null],
  ["n.cmp", { "n.cmp": ["<", 1, 2] }, true],
  ["n.cmp", { "n.cmp": ["<=", null, 0] }, false],
  ["n.cmp", { "n.cmp": [">=", { "n.dec": ["1", "3"] }, { "n.dec": ["333", "1000"] }] }, true],
  ["n.cmp", { "n.cmp": ["==", { "n.dec": ["10", "5"] }, 2] }, true],
  ["n.cmp", { "n.cmp": ["<", "\uffff", "𠮷"] }, true],
  ["n.cmp", { "n.cmp": ["<", "1", 2] }, false],
  ["n.cmp", { "n.cmp": ["!=", true, false] }, true],
  ["n.cmp", { "n.cmp": ["<", true, false] }, false],
  ["n.cmp", { "n.cmp": ["~", 1, 2] }, null],
  ["n.dec", { "n.dec": ["125", "1000"] }, r(1, 8)],
  ["n.dec", { "n.dec": ["1", "0"] }, null],
  ["n.todec", { "n.todec": [0.1] }, r(1, 10)],
  ["n.todec", { "n.todec": ["0.1"] }, null],
  ["n.dadd", { "n.dadd": [{ "n.dec": ["1", "10"] }, { "n.dec": ["2", "10"] }] }, r(3, 10)],
  ["n.dadd", { "n.dadd": [0.1, 1] }, null],
  ["n.dsub", { "n.dsub": [0, { "n.dec": ["1", "3"] }] }, r(-1, 3)],
  ["n.dsub", { "n.dsub": [null, 1] }, null],
  ["n.dmul", { "n.dmul": [{ var: "fen" }, { "n.dec": ["1", "10"] }] }, r(123456)],
  ["n.dmul", { "n.dmul": ["2", 2] }, null],
  ["n.ddiv", { "n.ddiv": [1, 3] }, r(1, 3)],
  ["n.ddiv", { "n.ddiv": [1, 0] }, null],
  ["n.dcmp", { "n.dcmp": [{ "n.dec": ["1", "3"] }, { "n.dec": ["1", "2"] }] }, -1],
  ["n.dcmp", { "n.dcmp": [null, 1] }, null],
  ["n.round", { "n.round": [{ "n.dec": ["-5", "2"] }, "half_up"] }, -3],
  ["n.round", { "n.round": [{ "n.dec": ["-5", "2"] }, "half_even"] }, -2],
  ["n.round", { "n.round": [{ "n.dec": ["-5", "2"] }, "floor"] }, -3],
  ["n.round", { "n.round": [{ "n.dec": ["-5", "2"] }, "ceil"] }, -2],
  ["n.round", { "n.round": [{ "n.dec": ["-5", "2"] }, "trunc"] }, -2],
  ["n.round", { "n.round": [1, "nearest"] }, null],
  ["n.mulr", { "n.mulr": [{ var: "fen" }, { "n.dec": ["15", "1000"] }, "half_even"] }, 18518],
  ["n.mulr", { "n.mulr": [-25, { "n.dec": ["1", "10"] }, "half_up"] }, -3],
  ["n.mulr", { "n.mulr": [1.5, { "n.dec": ["1", "10"] }, "floor"] }, null],
  ["n.time", { "n.time": [{ var: "at" }] }, Date.UTC(2022, 2, 1, 15, 50)],
  ["n.time", { "n.time": ["2022-03-01T23:50"] }, null],
  ["n.day", { "n.day": [{ "n.time": [{ var: "at" }] }] }, Date.UTC(2022, 2, 1, -8)],
  ["n.day", { "n.day": ["2022-03-01"] }, null],
  [
    "n.plus_natural_days",
    { "n.plus_natural_days": [{ "n.time": [{ var: "at" }] }, 7] },
    Date.UTC(2022, 2, 9, -8),
  ],
  ["n.plus_natural_days", { "n.plus_natural_days": [null, 7] }, null],
  [
    "n.natural_days_between",
    { "n.natural_days_between": [{ "n.time": [{ var: "at" }] }, { "n.time": ["2022-03-09"] }] },
    8,
  ],
  ["n.natural_days_between", { "n.natural_days_between": [{ var: "at" }, 0] }, null],
  ["n.month", { "n.month": [{ "n.time": [{ var: "at" }] }] }, "2022-03"],
  ["n.month", { "n.month": [null] }, null],
  ["n.prev_month", { "n.prev_month": [{ "n.time": ["2022-01-01"] }] }, "2021-12"],
  ["n.prev_month", { "n.prev_month": ["2022-01"] }, null],
  ["n.len", { "n.len": ["𠮷野家"] }, 3],
  ["n.len", { "n.len": [{ var: "list" }] }, 2],
  ["n.len", { "n.len": [5] }, null],
  ["n.contains", { "n.contains": [{ var: "s" }, "直播"] }, true],
  ["n.contains", { "n.contains": [{ var: "s" }, "视频"] }, false],
  ["n.contains", { "n.contains": [null, "x"] }, null],
  ["n.starts", { "n.starts": [{ var: "s" }, "社交/"] }, true],
  ["n.starts", { "n.starts": [{ var: "s" }, "文娱/"] }, false],
  ["n.ends", { "n.ends": [{ var: "s" }, "直播"] }, true],
  ["n.ends", { "n.ends": [{ var: "s" }, "社交"] }, false],
  ["n.contains_any", { "n.contains_any": ["微信官方投诉", ["官方", "客服"]] }, true],
  ["n.contains_any", { "n.contains_any": ["我的投诉", ["官方", "客服"]] }, false],
  ["n.contains_any", { "n.contains_any": ["x", "x"] }, null],
  ["n.glob", { "n.glob": [{ var: "s" }, ["社交/**", "文娱/视频*"]] }, true],
  ["n.glob", { "n.glob": ["社区/论坛", ["社交/**"]] }, false],
  ["n.glob", { "n.glob": ["社交", ["社交/**"]] }, true], // micromatch: `a/**` matches `a` too
  ["n.glob", { "n.glob": ["文娱/视频号", "文娱/视频*"] }, true],
  ["n.glob", { "n.glob": ["文娱/视频/长", ["文娱/视频*"]] }, false],
  ["n.glob", { "n.glob": ["", ["*"]] }, false],
  ["n.glob", { "n.glob": ["x", [""]] }, null],
  ["n.glob", { "n.glob": [{ var: "s" }, { var: "list" }] }, false],
  ["n.lower", { "n.lower": ["ＡＰＰ Id"] }, "ａｐｐ id"],
  ["n.lower", { "n.lower": [1] }, null],
  ["n.trim", { "n.trim": ["\u3000使用 "] }, "使用"],
  ["n.trim", { "n.trim": [null] }, null],
  ["n.fmt", { "n.fmt": [{ var: "fen" }, "money"] }, "¥12,345.60"],
  ["n.fmt", { "n.fmt": [-5, "money"] }, "-¥0.05"],
  ["n.fmt", { "n.fmt": [99900, "money"] }, "¥999.00"],
  ["n.fmt", { "n.fmt": [100000, "money"] }, "¥1,000.00"],
  ["n.fmt", { "n.fmt": [-123456789, "money"] }, "-¥1,234,567.89"],
  ["n.fmt", { "n.fmt": [12345678901234, "money"] }, "¥123,456,789,012.34"],
  ["n.fmt", { "n.fmt": [{ "n.dec": ["1", "10"] }, "percent"] }, "10%"],
  ["n.fmt", { "n.fmt": [{ "n.dec": ["1", "8"] }, "percent"] }, "12.5%"],
  ["n.fmt", { "n.fmt": [{ "n.dec": ["1", "3"] }, "decimal"] }, "0.333333"],
  ["n.fmt", { "n.fmt": [{ "n.time": ["2022-03-09"] }, "date"] }, "2022-03-09"],
  ["n.fmt", { "n.fmt": [{ "n.time": ["2022-03-09"] }, "datetime"] }, "2022-03-09 00:00 +08:00"],
  ["n.fmt", { "n.fmt": [{ var: "list" }, "list"] }, "a、b"],
  ["n.fmt", { "n.fmt": [604800000, "duration"] }, "7天"],
  ["n.fmt", { "n.fmt": [null, "money"] }, null],
  ["n.fmt", { "n.fmt": ["12", "money"] }, null],
  ["n.fmt", { "n.fmt": [[100, 250, "x"], "list of money"] }, "¥1.00、¥2.50、"],
  ["n.fmt", { "n.fmt": [[[1, 2], [3]], "list of list of integer"] }, "1、2、3"],
  ["n.fmt", { "n.fmt": [7, "integer?"] }, "7"],
  ["n.fmt", { "n.fmt": [7, "list of integer"] }, null],
  ["n.fmt", { "n.fmt": [[true, false], "boolean"] }, null],
  ["n.fmt", { "n.fmt": [[true, "是"], "{a: integer}"] }, "是、是"],
  ["n.fmt", { "n.fmt": [{ var: "fen" }, { var: "s" }] }, "1234560"],
];

describe("custom operations", () => {
  it("the table covers every custom operation", () => {
    expect(new Set(table.map(([op]) => op))).toEqual(new Set(Object.keys(CUSTOM_OP_ARITY)));
  });

  describe.each([
    ["fast path", (logic: Logic) => compileLogic(logic)(data)],
    ["generated code", (logic: Logic) => compileGeneratedLogic(logic)(data)],
    ["reference", (logic: Logic) => evaluateReference(logic, data)],
  ] as const)("%s", (_name, run) => {
    it.each(table.map(([op, logic, want]) => [op, JSON.stringify(logic), logic, want] as const))(
      "%s: %s",
      (_op, _text, logic, want) => {
        expect(run(logic)).toEqual(want);
      },
    );
  });
});

describe("quantifiers over n.bind", () => {
  const cases: Array<[string, Logic, unknown]> = [
    ["any", { some: [{ "n.bind": ["$i", { var: "items" }] }, { "===": [{ var: "$i.k" }, "y"] }] }, true],
    [
      "any (none holds)",
      { some: [{ "n.bind": ["$i", { var: "items" }] }, { "===": [{ var: "$i.k" }, "z"] }] },
      false,
    ],
    [
      "all",
      { none: [{ "n.bind": ["$i", { var: "items" }] }, { "!": [{ ">": [{ var: "$i.n" }, 1] }] }] },
      true,
    ],
    [
      "the outer scope stays visible",
      {
        some: [
          { "n.bind": ["$i", { var: "items" }] },
          { "===": [{ var: "$i.n" }, { "n.count": [{ var: "list" }] }] },
        ],
      },
      true,
    ],
    [
      "count",
      { "n.count": [{ filter: [{ "n.bind": ["$i", { var: "items" }] }, { ">": [{ var: "$i.n" }, 2] }] }] },
      1,
    ],
    ["sum", { "n.sum": [{ map: [{ "n.bind": ["$i", { var: "items" }] }, { var: "$i.n" }] }, "int"] }, 5],
    [
      "find",
      {
        "n.first": [
          {
            map: [
              { filter: [{ "n.bind": ["$i", { var: "items" }] }, { ">": [{ var: "$i.n" }, 2] }] },
              { var: "$i" },
            ],
          },
        ],
      },
      { k: "y", n: 3 },
    ],
    [
      "an outer bound name used in an inner scope",
      {
        some: [
          { "n.bind": ["$i", { var: "items" }] },
          {
            some: [
              { "n.bind": ["$w", { var: "list" }] },
              { "===": [{ cat: [{ var: "$w" }, { var: "$i.k" }] }, "bx"] },
            ],
          },
        ],
      },
      true,
    ],
    [
      "an inner bind shadows an outer one of the same name",
      {
        some: [
          { "n.bind": ["$i", { var: "items" }] },
          { some: [{ "n.bind": ["$i", { var: "list" }] }, { "===": [{ var: "$i" }, "b"] }] },
        ],
      },
      true,
    ],
    [
      "a bare filter gives the scope copies",
      { filter: [{ "n.bind": ["$w", { var: "list" }] }, { "===": [{ var: "$w" }, "b"] }] },
      [{ ...data, $w: "b" }],
    ],
  ];
  it.each(cases)("%s", (_name, logic, want) => {
    expect(compileLogic(logic)(data)).toEqual(want);
    expect(evaluateReference(logic, data)).toEqual(want);
  });
});

describe("the reference evaluator is isolated", () => {
  it("does not register anything into the shared json-logic-js instance", async () => {
    const shared = (await import("json-logic-js")).default as { apply(l: unknown, d?: unknown): unknown };
    evaluateReference({ "n.len": ["ab"] }, null);
    expect(() => shared.apply({ "n.len": ["ab"] })).toThrow(/Unrecognized operation/);
  });

  it("never prints: `log` returns its argument", () => {
    const logged: unknown[] = [];
    const orig = console.log;
    console.log = (...args: unknown[]) => void logged.push(args);
    try {
      expect(evaluateReference({ log: [{ var: "n" }] }, data)).toBe(5);
      expect(compileLogic({ log: [{ var: "n" }] })(data)).toBe(5);
    } finally {
      console.log = orig;
    }
    expect(logged).toEqual([]);
  });
});

describe("`n.contains_any` over a constant list (containsAnyMatcher)", () => {
  // Short texts from a small alphabet (with a surrogate pair and its halves), so words do occur.
  const unit = fc.constantFrom("官", "方", "糖", "a", "b", "\ud842\udfb7", "\ud842", "\udfb7", " ");
  const text = fc.array(unit, { maxLength: 12 }).map((xs) => xs.join(""));
  const word = fc.oneof(
    { weight: 5, arbitrary: fc.array(unit, { minLength: 1, maxLength: 3 }).map((xs) => xs.join("")) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("", null, 7, ["官"]) },
  );

  it("gives exactly what searching word by word gives, for short and long lists", () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 24 }),
        fc.array(text, { minLength: 1, maxLength: 8 }),
        (words, texts) => {
          const m = containsAnyMatcher(words);
          for (const t of texts) expect(m(t)).toBe(opContainsAny(t, words));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("finds a word at the start, in the middle, at the end, and one sharing its first character", () => {
    const words = ["官方", "客服", "糖尿病", "糖", "投诉中心", "a", "bb"];
    const m = containsAnyMatcher(words);
    expect(m("官方客服")).toBe(true);
    expect(m("我的糖")).toBe(true);
    expect(m("xbb")).toBe(true);
    expect(m("微信官")).toBe(false);
    expect(m("")).toBe(false);
    expect(containsAnyMatcher(["", "x", "y", "z", "w"])("anything")).toBe(true);
    expect(containsAnyMatcher([])("x")).toBe(false);
  });

  it("is what both evaluators run for a lexicon, with the reference's answers", () => {
    const words = ["官方", "客服", "投诉", "维权", "举报", "糖"];
    const logic = { "n.contains_any": [{ var: "s" }, words] } as Logic;
    for (const s of ["官方投诉", "我的建议", "糖", "", 5]) {
      const want = evaluateReference(logic, { s });
      expect(compileLogic(logic)({ s })).toBe(want);
    }
  });
});
