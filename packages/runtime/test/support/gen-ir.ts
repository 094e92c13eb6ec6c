/**
 * fast-check generators of well-typed IR for the differential tests: conditions (comparisons over
 * integers, decimals, strings and instants; `and`/`or`/`not`/`if`; quantifiers over `n.bind` whose
 * bound names are reused, so inner binds shadow outer ones and outer names are read inside inner
 * quantifiers; most `n.*` operations), random facts (sometimes hostile), and bundles around them.
 *
 * Trees are generated untyped-by-name: a reference to a bound variable carries no name, and is
 * resolved against the binds that enclose it when the tree is turned into IR, so every tree is
 * well-scoped and still shrinks.
 */
import fc from "fast-check";
import type { Bundle, IrEffectKind, Logic } from "../../src/index.js";
import { withHash } from "./fixture-bundle.js";

type Node = { t: string; [k: string]: unknown };
type Sort = "B" | "I" | "D" | "S" | "T" | "LS" | "LR";

const NAMES = ["$x", "$y"] as const;
const STRINGS = [
  "社交/直播",
  "文娱/视频号",
  "时政信息/财经",
  "工具",
  "Abc",
  "ＡＢＣ",
  " 使用 ",
  "",
  "𠮷野家",
  "糖尿病",
  "微信官方投诉",
  "a.b",
  "b",
];
const PATTERNS = [
  "社交/**",
  "文娱/视频*",
  "*",
  "a?c",
  "[ab]*",
  "{工具,Abc}",
  "!(社交)*",
  "**/直播",
  "!社交/**",
];
const TIMES = [
  "2022-03-01T23:50:00+08:00",
  "2022-03-08T23:59:59+08:00",
  "2022-03-09T00:00:00+08:00",
  "2023-12-31T16:00:00Z",
  "2024-02-29",
  "not a time",
];
const INTS = [0, 1, -1, 7, 10, 2_000_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52];
const MODES = ["floor", "ceil", "trunc", "half_up", "half_even"];
const CMP6 = ["<", "<=", ">", ">=", "==", "!="];

const name = fc.constantFrom(...NAMES);
const int = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(...INTS));
const str = fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 4 }));

const constList = fc.oneof(
  fc.subarray(STRINGS).map((v) => ({ t: "lsconst", v })),
  fc.constant({ t: "lslex" }),
);

const trees = fc.letrec<Record<Sort, Node>>((tie) => {
  const B = tie("B");
  const I = tie("I");
  const D = tie("D");
  const S = tie("S");
  const T = tie("T");
  const LS = tie("LS");
  const LR = tie("LR");
  const opts = { maxDepth: 4, depthIdentifier: "ir" } as const;
  return {
    B: fc.oneof(
      opts,
      fc.oneof(
        fc.boolean().map((v) => ({ t: "bconst", v })),
        fc.constant({ t: "bvar" }),
      ),
      fc.record({
        t: fc.constant("cmpI"),
        op: fc.constantFrom("===", "!==", "<", "<=", ">", ">="),
        a: I,
        b: I,
      }),
      fc.record({ t: fc.constant("ncmp"), op: fc.constantFrom(...CMP6), a: I, b: I }),
      fc.record({ t: fc.constant("ncmp"), op: fc.constantFrom(...CMP6), a: D, b: D }),
      fc.record({ t: fc.constant("ncmp"), op: fc.constantFrom(...CMP6), a: S, b: S }),
      fc.record({ t: fc.constant("ncmp"), op: fc.constantFrom(...CMP6), a: T, b: T }),
      fc.record({ t: fc.constant("dcmp"), op: fc.constantFrom("<", "<=", "==="), a: D, b: D }),
      fc.record({ t: fc.constant("cmpS"), op: fc.constantFrom("===", "!==", "<", ">"), a: S, b: S }),
      fc.record({ t: fc.constant("inL"), a: S, l: LS }),
      fc.record({ t: fc.constant("inConst"), a: S, list: fc.subarray(STRINGS) }),
      fc.record({ t: fc.constant("inLex"), a: S }),
      fc.record({ t: fc.constant("glob"), a: S, pats: fc.subarray(PATTERNS, { minLength: 1 }) }),
      fc.record({
        t: fc.constant("strop"),
        op: fc.constantFrom("n.contains", "n.starts", "n.ends"),
        a: S,
        b: S,
      }),
      fc.record({ t: fc.constant("cany"), a: S, l: LS }),
      fc.record({ t: fc.constant("present"), a: fc.oneof(S, I) }),
      fc.record({ t: fc.constantFrom("and", "or"), xs: fc.array(B, { minLength: 1, maxLength: 3 }) }),
      fc.record({ t: fc.constantFrom("not", "notnot"), x: B }),
      fc.record({ t: fc.constant("ifB"), c: B, a: B, b: B }),
      fc.record({ t: fc.constantFrom("some", "all", "none"), name, l: LR, body: B }),
      fc.record({ t: fc.constantFrom("someS", "allS"), name, l: LS, body: B }),
      // `some w in C1: some g in C2: E == F(w, g) and rest`: the shape the fast path joins
      fc.record({
        t: fc.constant("join"),
        n1: name,
        l1: constList,
        n2: name,
        l2: constList,
        e: S,
        f: fc.constantFrom("cat", "cat2", "lower", "len"),
        swap: fc.boolean(),
        rest: fc.option(B, { nil: null }),
      }),
    ),
    I: fc.oneof(
      opts,
      fc.oneof(
        int.map((v) => ({ t: "iconst", v })),
        fc.constantFrom("a", "b", "money").map((which) => ({ t: "ivar", which })),
        fc.nat().map((i) => ({ t: "ibound", i })),
        fc.constant({ t: "pcap" }),
      ),
      fc.record({ t: fc.constant("iop"), op: fc.constantFrom("n.add", "n.sub", "n.mul"), a: I, b: I }),
      fc.record({ t: fc.constant("ineg"), a: I }),
      fc.record({
        t: fc.constant("istd"),
        op: fc.constantFrom("+", "-", "*", "%", "min", "max"),
        a: I,
        b: I,
      }),
      fc.record({ t: fc.constant("len"), s: fc.oneof(S, LS) }),
      fc.record({ t: fc.constant("count"), name, l: LR, body: B }),
      fc.record({ t: fc.constant("sum"), name, l: LR, body: I }),
      fc.record({ t: fc.constant("round"), d: D, mode: fc.constantFrom(...MODES) }),
      fc.record({ t: fc.constant("mulr"), i: I, d: D, mode: fc.constantFrom(...MODES) }),
      fc.record({ t: fc.constant("days"), a: T, b: T }),
      fc.record({ t: fc.constant("coal"), a: I, b: I }),
      fc.record({ t: fc.constant("if"), c: B, a: I, b: I }),
    ),
    D: fc.oneof(
      opts,
      fc.oneof(
        fc
          .tuple(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(1, 3, 10, 100, 7))
          .map(([n, d]) => ({ t: "dconst", n, d })),
        fc.constant({ t: "prate" }),
      ),
      fc.record({ t: fc.constant("todec"), i: I }),
      fc.record({
        t: fc.constant("dop"),
        op: fc.constantFrom("n.dadd", "n.dsub", "n.dmul", "n.ddiv"),
        a: D,
        b: D,
      }),
      fc.record({ t: fc.constant("sumD"), name, l: LR, body: D }),
    ),
    S: fc.oneof(
      opts,
      fc.oneof(
        str.map((v) => ({ t: "sconst", v })),
        fc.constantFrom("s", "t").map((which) => ({ t: "svar", which })),
        fc.nat().map((i) => ({ t: "sbound", i })),
      ),
      fc.record({ t: fc.constantFrom("n.lower", "n.trim"), s: S }),
      fc.record({ t: fc.constant("cat"), xs: fc.array(fc.oneof(S, I), { minLength: 1, maxLength: 3 }) }),
      fc.record({ t: fc.constantFrom("n.month", "n.prev_month"), x: T }),
      fc.record({ t: fc.constant("fmtI"), type: fc.constantFrom("money", "integer"), x: I }),
      fc.record({ t: fc.constant("fmtD"), type: fc.constantFrom("percent", "decimal"), x: D }),
      fc.record({ t: fc.constant("fmtT"), type: fc.constantFrom("date", "datetime"), x: T }),
      fc.record({ t: fc.constant("find"), name, l: LS, body: B }),
      fc.record({ t: fc.constant("if"), c: B, a: S, b: S }),
      fc.record({ t: fc.constant("coal"), a: S, b: S }),
    ),
    T: fc.oneof(
      opts,
      fc.oneof(
        fc.constant({ t: "tvar" }),
        fc.constantFrom(...TIMES.filter((x) => x !== "not a time")).map((v) => ({ t: "tconst", v })),
        fc.constant({ t: "asof" }),
      ),
      fc.record({ t: fc.constant("pnd"), x: T, n: fc.integer({ min: -2, max: 9 }) }),
      fc.record({ t: fc.constant("day"), x: T }),
    ),
    LS: fc.oneof(
      opts,
      fc.oneof(
        fc.constant({ t: "lsvar" }),
        fc.nat().map((i) => ({ t: "lsbound", i })),
        fc.subarray(STRINGS).map((v) => ({ t: "lsconst", v })),
        fc.constant({ t: "lslex" }),
      ),
      fc.record({ t: fc.constant("lsmap"), name, l: LR }),
      fc.record({ t: fc.constant("merge"), a: LS, b: LS }),
    ),
    LR: fc.oneof(
      opts,
      fc.constant({ t: "items" }),
      fc.record({ t: fc.constant("lrfilter"), name, l: LR, body: B }),
    ),
  };
});

interface Ctx {
  /** Bound names of item records, innermost last. */
  items: readonly string[];
  /** Bound names of strings, innermost last. */
  strs: readonly string[];
}

const TOP: Ctx = { items: [], strs: [] };

function bindIn(ctx: Ctx, n: string, sort: "items" | "strs"): Ctx {
  const items = ctx.items.filter((x) => x !== n);
  const strs = ctx.strs.filter((x) => x !== n);
  return sort === "items" ? { items: [...items, n], strs } : { items, strs: [...strs, n] };
}

/** The `i`-th visible bound name (any depth, so outer names are read inside inner quantifiers). */
const pick = (xs: readonly string[], i: unknown) =>
  xs.length === 0 ? undefined : xs[(i as number) % xs.length];

/** Turns a generated tree into IR, resolving bound references against the enclosing binds. */
export function toLogic(n: Node, ctx: Ctx = TOP): Logic {
  const L = (x: unknown, c: Ctx = ctx) => toLogic(x as Node, c);
  const bind = (nm: unknown, l: unknown): Logic => ({ "n.bind": [nm as string, L(l)] });
  const inItems = (nm: unknown) => bindIn(ctx, nm as string, "items");
  const inStrs = (nm: unknown) => bindIn(ctx, nm as string, "strs");
  switch (n.t) {
    case "bconst":
    case "iconst":
    case "sconst":
      return n.v as Logic;
    case "bvar":
      return { var: "flag" };
    case "cmpI":
    case "cmpS":
      return { [n.op as string]: [L(n.a), L(n.b)] };
    case "ncmp":
      return { "n.cmp": [n.op as string, L(n.a), L(n.b)] };
    case "dcmp":
      return { [n.op as string]: [{ "n.dcmp": [L(n.a), L(n.b)] }, 0] };
    case "inL":
      return { in: [L(n.a), L(n.l)] };
    case "inConst":
      return { in: [L(n.a), n.list as Logic] };
    case "inLex":
      return { in: [L(n.a), { var: "$lex.words" }] };
    case "glob":
      return { "n.glob": [L(n.a), n.pats as Logic] };
    case "strop":
      return { [n.op as string]: [L(n.a), L(n.b)] };
    case "cany":
      return { "n.contains_any": [L(n.a), L(n.l)] };
    case "present":
      return { "!==": [L(n.a), null] };
    case "and":
    case "or":
      return { [n.t]: (n.xs as Node[]).map((x) => L(x)) };
    case "not":
      return { "!": [L(n.x)] };
    case "notnot":
      return { "!!": L(n.x) };
    case "ifB":
    case "if":
      return { if: [L(n.c), L(n.a), L(n.b)] };
    case "some":
      return { some: [bind(n.name, n.l), L(n.body, inItems(n.name))] };
    case "all":
      return { none: [bind(n.name, n.l), { "!": [L(n.body, inItems(n.name))] }] };
    case "none":
      return { none: [bind(n.name, n.l), L(n.body, inItems(n.name))] };
    case "someS":
      return { some: [bind(n.name, n.l), L(n.body, inStrs(n.name))] };
    case "allS":
      return { none: [bind(n.name, n.l), { "!": [L(n.body, inStrs(n.name))] }] };
    case "join": {
      const c1 = inStrs(n.n1);
      const c2 = bindIn(c1, n.n2 as string, "strs");
      const w = { var: n.n1 as string };
      const g = { var: n.n2 as string };
      const F: Logic =
        n.f === "cat"
          ? { cat: [w, g] }
          : n.f === "cat2"
            ? { cat: [g, "/", w] }
            : n.f === "lower"
              ? { "n.lower": [g] }
              : { "n.len": [w] };
      const E = L(n.e);
      const eq: Logic = { "===": n.swap ? [F, E] : [E, F] };
      const body: Logic = n.rest === null ? eq : { and: [eq, L(n.rest, c2)] };
      return { some: [bind(n.n1, n.l1), { some: [{ "n.bind": [n.n2 as string, L(n.l2, c1)] }, body] }] };
    }
    case "ivar":
      return { var: n.which as string };
    case "ibound": {
      const b = pick(ctx.items, n.i);
      return b ? { var: `${b}.n` } : { var: "a" };
    }
    case "pcap":
      return { var: "$p.cap" };
    case "iop":
      return { [n.op as string]: [L(n.a), L(n.b)] };
    case "ineg":
      return { "n.neg": [L(n.a)] };
    case "istd":
      return { [n.op as string]: [L(n.a), L(n.b)] };
    case "len":
      return { "n.len": [L(n.s)] };
    case "count":
      return { "n.count": [{ filter: [bind(n.name, n.l), L(n.body, inItems(n.name))] }] };
    case "sum":
      return { "n.sum": [{ map: [bind(n.name, n.l), L(n.body, inItems(n.name))] }, "int"] };
    case "sumD":
      return { "n.sum": [{ map: [bind(n.name, n.l), L(n.body, inItems(n.name))] }, "dec"] };
    case "round":
      return { "n.round": [L(n.d), n.mode as string] };
    case "mulr":
      return { "n.mulr": [L(n.i), L(n.d), n.mode as string] };
    case "days":
      return { "n.natural_days_between": [L(n.a), L(n.b)] };
    case "coal":
      return { "n.coalesce": [L(n.a), L(n.b)] };
    case "dconst":
      return { "n.dec": [String(n.n), String(n.d)] };
    case "prate":
      return { var: "$p.rate" };
    case "todec":
      return { "n.todec": [L(n.i)] };
    case "dop":
      return { [n.op as string]: [L(n.a), L(n.b)] };
    case "svar":
      return { var: n.which as string };
    case "sbound": {
      const s = pick(ctx.strs, n.i);
      if (s) return { var: s };
      const i = pick(ctx.items, n.i);
      return i ? { var: `${i}.k` } : { var: "s" };
    }
    case "n.lower":
    case "n.trim":
      return { [n.t]: [L(n.s)] };
    case "cat":
      return { cat: (n.xs as Node[]).map((x) => L(x)) };
    case "n.month":
    case "n.prev_month":
      return { [n.t]: [L(n.x)] };
    case "fmtI":
    case "fmtD":
    case "fmtT":
      return { "n.fmt": [L(n.x), n.type as string] };
    case "find":
      return {
        "n.first": [
          { map: [{ filter: [bind(n.name, n.l), L(n.body, inStrs(n.name))] }, { var: n.name as string }] },
        ],
      };
    case "tvar":
      return { "n.time": [{ var: "when" }] };
    case "tconst":
      return { "n.time": [n.v as string] };
    case "asof":
      return { var: "$asOf" };
    case "pnd":
      return { "n.plus_natural_days": [L(n.x), n.n as number] };
    case "day":
      return { "n.day": [L(n.x)] };
    case "lsvar":
      return { var: "tags" };
    case "lsbound": {
      const i = pick(ctx.items, n.i);
      return i ? { var: `${i}.sub` } : { var: "tags" };
    }
    case "lsconst":
      return n.v as Logic;
    case "lslex":
      return { var: "$lex.words" };
    case "lsmap":
      return { map: [bind(n.name, n.l), { var: `${n.name as string}.k` }] };
    case "merge":
      return { merge: [L(n.a), L(n.b)] };
    case "items":
      return { var: "items" };
    case "lrfilter":
      return { filter: [bind(n.name, n.l), L(n.body, inItems(n.name))] };
  }
  throw new Error(`gen-ir: unknown node ${n.t}`);
}

/** Conditions shaped like the equi-joins of the fast path, with a string fact compared to pairs of words. */
export const joinCondition: fc.Arbitrary<Logic> = fc
  .record({
    t: fc.constant("join"),
    n1: name,
    l1: constList,
    n2: name,
    l2: constList,
    e: fc.oneof(
      fc.constant({ t: "svar", which: "s" }),
      fc.record({ t: fc.constant("n.trim"), s: fc.constant({ t: "svar", which: "t" }) }),
    ),
    f: fc.constantFrom("cat", "cat2", "lower", "len"),
    swap: fc.boolean(),
    rest: fc.option(trees.B, { nil: null }),
  })
  .map((n) => toLogic(n));

/** Well-typed conditions. */
export const condition: fc.Arbitrary<Logic> = trees.B.map((n) => toLogic(n));
/** Integer-valued expressions. */
export const intExpr: fc.Arbitrary<Logic> = trees.I.map((n) => toLogic(n));
/** Decimal-valued expressions. */
export const decExpr: fc.Arbitrary<Logic> = trees.D.map((n) => toLogic(n));
/** String-valued expressions. */
export const strExpr: fc.Arbitrary<Logic> = trees.S.map((n) => toLogic(n));

/** A value that is sometimes of the wrong type (hostile facts). */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: arb },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

/** Facts for the generated conditions: well-typed most of the time, with hostile values mixed in. */
export const facts: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    a: sometimes(int),
    b: sometimes(int),
    money: sometimes(
      fc.oneof(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53 - 10),
      ),
    ),
    s: sometimes(str),
    t: sometimes(str),
    flag: sometimes(fc.boolean()),
    when: sometimes(fc.constantFrom(...TIMES)),
    tags: sometimes(fc.array(str, { maxLength: 4 })),
    items: sometimes(
      fc.array(
        fc.record({ k: sometimes(str), n: sometimes(int), sub: sometimes(fc.array(str, { maxLength: 3 })) }),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ["a", "s", "items", "tags"] },
);

/** An as-of instant around the parameter change of `bundleOf`. */
export const asOf: fc.Arbitrary<number> = fc.constantFrom(
  Date.parse("2022-03-08T23:59:59+08:00"),
  Date.parse("2022-03-09T00:00:00+08:00"),
  Date.parse("2023-12-31T23:59:59.999+08:00"),
  Date.parse("2024-01-01T00:00:00+08:00"),
);

const kinds: IrEffectKind[] = ["reject", "require", "allow", "flag", "advise"];

/** A rule with a generated condition (from `when`), value, message and exceptions. */
const ruleOf = (when: fc.Arbitrary<Logic>) =>
  fc.record({
    when,
    kind: fc.constantFrom(...kinds, "assess" as const),
    value: fc.oneof(
      intExpr.map((v) => ({ v, type: "integer" })),
      decExpr.map((v) => ({ v, type: "decimal" })),
      intExpr.map((v) => ({ v, type: "money" })),
    ),
    message: fc.option(strExpr, { nil: null }),
    exceptions: fc.array(
      fc.record({
        when: condition,
        effect: fc.option(fc.record({ kind: fc.constantFrom(...kinds), message: strExpr }), { nil: null }),
      }),
      { maxLength: 2 },
    ),
    window: fc.constantFrom<[number | null, number | null]>(
      [null, null],
      [null, Date.parse("2024-01-01T00:00:00+08:00")],
      [Date.parse("2022-03-09T00:00:00+08:00"), null],
    ),
  });

/** A bundle of 1–3 generated rules (conditions from `when`), two dated parameters and a lexicon. */
export const bundleOf = (when: fc.Arbitrary<Logic>): fc.Arbitrary<Bundle> =>
  fc.array(ruleOf(when), { minLength: 1, maxLength: 3 }).map((rules) =>
    withHash({
      format: "norma-bundle/1",
      zone: "Asia/Shanghai",
      policies: [{ id: "p", title: "generated", file: "p.norma", schema: "facts@1", sources: [] }],
      rules: rules.map((r, i) => ({
        id: `r${i}`,
        title: null,
        policy: "p",
        norms: [`N-${i}`],
        citations: [{ source: "S", line: i + 1, quote: "q" }],
        effective: { from: r.window[0], until: r.window[1] },
        when: r.when,
        effect: {
          kind: r.kind,
          label: `l${i}`,
          value: r.kind === "assess" ? r.value.v : null,
          valueType: r.kind === "assess" ? r.value.type : null,
          message: r.message,
        },
        exceptions: r.exceptions.map((x, j) => ({
          id: `r${i}#${j}`,
          title: null,
          when: x.when,
          norms: [],
          citations: [],
          effect: x.effect
            ? { kind: x.effect.kind, label: `x${j}`, value: null, valueType: null, message: x.effect.message }
            : null,
        })),
      })),
      params: [
        {
          name: "rate",
          type: "percent",
          versions: [
            {
              effective: { from: null, until: Date.parse("2024-01-01T00:00:00+08:00") },
              value: { "n.dec": ["1", "10"] },
              citations: [],
            },
            {
              effective: { from: Date.parse("2024-01-01T00:00:00+08:00"), until: null },
              value: { "n.dec": ["1", "3"] },
              citations: [],
            },
          ],
        },
        {
          name: "cap",
          type: "money",
          versions: [
            {
              effective: { from: null, until: Date.parse("2024-01-01T00:00:00+08:00") },
              value: 2_000_000,
              citations: [],
            },
          ],
        },
      ],
      // More words than `n.contains_any` searches one by one, so its index runs too; two share a
      // first character, one starts with a surrogate pair.
      lexicons: { words: ["糖尿病", "微信官方", "Abc", "b", "糖", "官方", "𠮷野", "视频号"] },
      spans: {},
    }),
  );

/** A bundle of generated rules over any generated condition. */
export const bundle: fc.Arbitrary<Bundle> = bundleOf(condition);

/**
 * A bundle whose rules' conditions are made of the same two generated conditions (alone, negated,
 * combined), so that subexpressions repeat within and across rules: what the compiled evaluator
 * computes once per decision.
 */
export const sharedBundle: fc.Arbitrary<Bundle> = fc
  .tuple(condition, condition)
  .chain(([a, b]) =>
    bundleOf(
      fc.constantFrom<Logic>(
        a,
        b,
        { and: [a, b] } as Logic,
        { or: [b, { "!": [a] }] } as Logic,
        { if: [a, b, { "!": [b] }] } as Logic,
      ),
    ),
  );
