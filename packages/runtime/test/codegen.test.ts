/**
 * The compiled evaluator's invariant: no policy text, fact or bundle string ever reaches the
 * generated source (every constant goes through `K`), checked at generation by `checkSource`.
 * Here: code injection tried through every kind of constant a bundle or the facts can hold.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateReference, loadBundle, type Bundle, type Logic } from "../src/index.js";
import {
  checkSource,
  compileGeneratedLogic,
  generatedSource,
  generateEvaluators,
  generateProgram,
} from "../src/fast/codegen.js";
import { compileTree, RootScope, type CompileContext } from "../src/fast/compile.js";
import { SHANGHAI } from "../src/value/time.js";
import { oneRuleBundle, withHash } from "./support/fixture-bundle.js";

const g = globalThis as { __pwned?: unknown };

/** Strings that would run code if they were ever pasted into JavaScript source. */
const PAYLOADS = [
  "]; process.exit(1); //",
  '"); globalThis.__pwned = 1; ("',
  "'); globalThis.__pwned = 1; ('",
  "`; globalThis.__pwned = 1; `",
  "${globalThis.__pwned = 1}",
  "*/ globalThis.__pwned = 1; /*",
  "\n globalThis.__pwned = 1; //",
  "\u2028globalThis.__pwned = 1;",
  '\\"); globalThis.__pwned = 1; //',
  "k0",
  "K[0]",
  "d.facts",
  "e.up.v",
  "constructor",
  "__proto__",
  "toString",
];

const NUMBERS = [1e308, -0, 0.1, 2 ** 53 + 2, -1.5e-300, 123456789];

const bundleWith = (when: Logic, message: Logic, lexicons: Record<string, string[]>): Bundle =>
  oneRuleBundle(when, message, lexicons);

function factPath(p: string): string {
  return p.startsWith("$") ? `x${p}` : p;
}

/** Conditions and messages that carry `p` as a string constant, a property name, a pattern, a bind. */
function usesOf(p: string): Logic[] {
  // A bound name starts with `$` and holds no `.` (a path separator).
  const bn = `$${p.replaceAll(".", "_")}`;
  // A fact path does not start with `$` (those are reserved names).
  const fp = factPath(p);
  return [
    { "==": [{ var: "s" }, p] },
    { "===": [p, { var: ["nope", p] }] },
    { in: [{ var: "s" }, ["x", p, "y"]] },
    { in: [p, { var: "s" }] },
    { "!!": [{ var: fp }] },
    { "!!": [{ var: `a.${p}` }] },
    { "!!": [{ var: `${fp}.${p}` }] },
    { "n.glob": [{ var: "s" }, [p]] },
    { "n.contains": [{ var: "s" }, p] },
    { some: [{ "n.bind": [bn, { var: "items" }] }, { "==": [{ var: bn }, p] }] },
    { all: [{ "n.bind": [bn, { var: "items" }] }, { "!=": [{ var: `${bn}.${p}` }, p] }] },
    { some: [{ var: "items" }, { "==": [{ var: "" }, p] }] },
    { "n.cmp": ["==", { var: fp }, p] },
    { cat: [p, { var: fp }, p] },
  ] as Logic[];
}

afterEach(() => {
  delete g.__pwned;
});

function expectClean(src: string): void {
  expect(() => checkSource(src)).not.toThrow();
  expect(src).not.toMatch(/["'`\\/]/);
}

/** `p` with every character but `.` replaced: the same paths, the same shape, harmless text. */
const benign = (p: string) => p.replace(/[^.]/g, "x");

describe("compiled evaluator: nothing from a bundle or the facts reaches the generated source", () => {
  it("keeps policy strings, property names, patterns, bind names and lexicon words out", () => {
    for (const p of PAYLOADS) {
      const when = { or: usesOf(p) } as Logic;
      const message = { cat: [p, { var: factPath(p) }, { var: "$lex.words" }] } as Logic;
      const lexicons = { words: [p, "b"] };
      const b = bundleWith(
        { or: [when, { in: [{ var: "s" }, { var: "$lex.words" }] }] } as Logic,
        message,
        lexicons,
      );
      const loaded = loadBundle(b, { validateFacts: null });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
      const facts: Record<string, unknown> = {
        s: p,
        items: [p, "z"],
        a: { [p]: 1 },
        [factPath(p)]: { [p]: p },
      };
      for (const evaluator of ["fast", "compiled"] as const) {
        const r = loaded.value.decide(facts, { asOf: 0, explain: false, validate: false, evaluator });
        expect(r.ok).toBe(true);
      }
      const fast = loaded.value.decide(facts, { asOf: 0, explain: false, validate: false });
      const compiled = loaded.value.decide(facts, {
        asOf: 0,
        explain: false,
        validate: false,
        evaluator: "compiled",
      });
      expect(compiled.ok && compiled.decision.engine.evaluator).toBe("compiled");
      const named = (r: typeof fast) =>
        r.ok ? { ...r, decision: { ...r.decision, engine: { ...r.decision.engine, evaluator: "-" } } } : r;
      expect(named(compiled)).toEqual(named(fast));
      expect(g.__pwned).toBeUndefined();

      // The source itself: every constant is `K[<n>]`; no payload text appears in it.
      const ctx: CompileContext = {
        zone: SHANGHAI,
        lexicons,
        rootScope: true,
        globCache: new Map(),
        timeCache: new Map(),
      };
      const trees = [...usesOf(p), message].map((l) => compileTree(l, "", ctx));
      const { src, K } = generatedSource(trees, ctx);
      expectClean(src);
      expect(K).toContain(p);
      // The source depends on the shape of the logic only, never on the text of its constants.
      const shaped = (q: string) =>
        generatedSource(
          usesOf(q)
            .filter((l) => !(typeof l === "object" && l !== null && "n.glob" in l))
            .map((l) => compileTree(l, "", ctx)),
          ctx,
        ).src;
      expect(shaped(p)).toBe(shaped(benign(p)));
      // The whole-bundle program (rule statuses, shared subexpressions) is just as clean.
      const program = generateProgram(
        [{ when: trees[0]!, exceptions: trees.slice(1, -1) }],
        [trees[trees.length - 1]!],
        ctx,
      );
      expectClean(program.src);
    }
  });

  it("keeps numbers out: every number constant goes through K too", () => {
    for (const x of NUMBERS) {
      const logic = { "==": [{ var: "n" }, x] } as Logic;
      const ctx: CompileContext = {
        zone: SHANGHAI,
        lexicons: {},
        rootScope: false,
        globCache: new Map(),
        timeCache: new Map(),
      };
      const { src, K } = generatedSource([compileTree(logic, "", ctx)], ctx);
      expectClean(src);
      expect(src).toBe(generatedSource([compileTree({ "==": [{ var: "n" }, 7] }, "", ctx)], ctx).src);
      expect(K.some((k) => Object.is(k, x))).toBe(true);
      expect(compileGeneratedLogic(logic)({ n: x })).toBe(true);
      expect(compileGeneratedLogic(logic)({ n: 1 })).toBe(x === 1);
    }
  });

  it("evaluates injected text as data (standalone logic over injected data)", () => {
    for (const p of PAYLOADS) {
      for (const logic of usesOf(p)) {
        const data = { s: p, items: [p], a: { [p]: 1 }, [p]: p };
        expect(() => compileGeneratedLogic(logic)(data)).not.toThrow();
      }
    }
    expect(g.__pwned).toBeUndefined();
  });

  it("checkSource rejects quotes, comments, escapes and identifiers outside the templates", () => {
    expect(() => checkSource("function f0(d,e){return k0(d,e);}")).not.toThrow();
    expect(() =>
      checkSource(
        "const k0=K[0],k12=K[12];\nfunction f3(d,e){let t0;for(let i=0;i<12;i++)o.push(t0);return d.c[3];}",
      ),
    ).not.toThrow();
    for (const bad of [
      'return "x";',
      "return 'x';",
      "return `x`;",
      "return 1; // x",
      "return 1 /* x */;",
      "return k0[\\u0030];",
      "return process;",
      "return globalThis;",
      "return eval;",
      "return Function;",
      "return constructor;",
      "return k0.constructor;",
      "return k0$;",
      "return 1e3-1;",
      "return 0x1f;",
      "return k0x;",
      "return kk0;",
      "return constant;",
      "return _;",
      "let t0;return t0n;",
    ])
      expect(() => checkSource(bad), bad).toThrow();
  });
});

/** A fresh root-scope compile context without lexicons. */
function rootContext(): CompileContext {
  return { zone: SHANGHAI, lexicons: {}, rootScope: true, globCache: new Map(), timeCache: new Map() };
}

describe("compiled evaluator: subexpressions shared between rules", () => {
  const anyA = { some: [{ "n.bind": ["$x", { var: "items" }] }, { "==": [{ var: "$x" }, "a"] }] } as Logic;
  const rule = (i: number, when: Logic, exceptions: Logic[] = []) => ({
    id: `r${i}`,
    title: null,
    policy: "p",
    norms: [`N-${i}`],
    citations: [{ source: "S", line: i + 1, quote: "q" }],
    effective: { from: null, until: null },
    when,
    effect: { kind: "flag" as const, label: `l${i}`, value: null, valueType: null, message: null },
    exceptions: exceptions.map((x, j) => ({
      id: `r${i}#${j}`,
      title: null,
      when: x,
      norms: [],
      citations: [],
      effect: null,
    })),
  });
  const shared = withHash({
    format: "norma-bundle/1",
    zone: "Asia/Shanghai",
    policies: [{ id: "p", title: "shared", file: "p.norma", schema: "facts@1", sources: [] }],
    rules: [
      rule(0, anyA),
      rule(1, { and: [{ var: "flag" }, anyA] } as Logic, [{ "!": [anyA] } as Logic]),
      rule(2, { "!": [anyA] } as Logic),
    ],
    params: [],
    lexicons: {},
    spans: {},
  });

  /** Facts whose `items` field counts how often it is read. */
  const counting = (items: unknown) => {
    const facts = { flag: true } as Record<string, unknown>;
    const reads = { n: 0 };
    Object.defineProperty(facts, "items", {
      enumerable: true,
      get() {
        reads.n++;
        return items;
      },
    });
    return { facts, reads };
  };

  it("computes a condition used by three rules once per decision, and reads the field once", () => {
    const loaded = loadBundle(shared, { validateFacts: null });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const engine = loaded.value;
    for (const items of [["b", "a"], ["b"], null]) {
      const fast = counting(items);
      const compiled = counting(items);
      const viaFast = engine.decide(fast.facts, {
        asOf: 0,
        explain: false,
        validate: false,
        evaluator: "fast",
      });
      const viaCompiled = engine.decide(compiled.facts, {
        asOf: 0,
        explain: false,
        validate: false,
        evaluator: "compiled",
      });
      expect(compiled.reads.n).toBe(1);
      expect(fast.reads.n).toBeGreaterThan(1);
      const named = (r: typeof viaFast) =>
        r.ok ? { ...r.decision, engine: { ...r.decision.engine, evaluator: "-" } } : r;
      expect(named(viaCompiled)).toEqual(named(viaFast));
      // the next decision starts from an empty cache
      const again = counting(items === null ? ["a"] : null);
      const next = engine.decide(again.facts, {
        asOf: 0,
        explain: false,
        validate: false,
        evaluator: "compiled",
      });
      const nextFast = engine.decide(counting(items === null ? ["a"] : null).facts, {
        asOf: 0,
        explain: false,
        validate: false,
        evaluator: "fast",
      });
      expect(named(next)).toEqual(named(nextFast));
    }
  });

  it("gives the shared subexpressions slots, and none to subexpressions reading a bound name", () => {
    const ctx = rootContext();
    const tree = (l: Logic) => compileTree(l, "", ctx);
    // `$x == "a"` occurs twice but reads the bound `$x`: not shared; `anyA` and `items` are.
    const program = generateProgram(
      [
        { when: tree(anyA), exceptions: [] },
        { when: tree({ "!": [anyA] } as Logic), exceptions: [] },
      ],
      [],
      ctx,
    );
    expect(program.slots).toBe(2);
    const alone = generateProgram([{ when: tree(anyA), exceptions: [] }], [], ctx);
    expect(alone.slots).toBe(0);
  });

  it("shares subexpressions exactly when their logic has the same JSON text, however compiled", () => {
    const ctx = rootContext();
    const slots = (...whens: unknown[]) =>
      generateProgram(
        whens.map((w) => ({ when: compileTree(w, "", ctx), exceptions: [] })),
        [],
        ctx,
      ).slots;
    const sum = (one: unknown) => ({ ">": [{ "+": [{ var: "a" }, one] }, 2] });
    // Compiled apart, equal JSON: `>`, `+` and the field `a` each get a slot.
    expect(slots(sum(1), { "!": [sum(1)] })).toBe(3);
    // A constant deep inside differs (1 vs "1"): only the field `a` is shared.
    expect(slots(sum(1), { "!": [sum("1")] })).toBe(1);
    // `{"!": x}` and `{"!": [x]}` are different texts: only the field `b` is shared ...
    expect(slots({ "!": { var: "b" } }, { "!!": [{ "!": [{ var: "b" }] }] })).toBe(1);
    // ... while the same form twice is.
    expect(slots({ "!": { var: "b" } }, { "!!": [{ "!": { var: "b" } }] })).toBe(2);
    // A quantifier over the elements and one over a bound name have the same list and body
    // nodes but different texts (and meanings: `x` of an element vs the element named `x`).
    const body = { "==": [{ var: "x" }, 1] };
    expect(
      slots(
        { some: [{ var: "items" }, body] },
        { "!": [{ some: [{ "n.bind": ["x", { var: "items" }] }, body] }] },
      ),
    ).toBe(1);
  });
});

describe("compiled evaluator: plain reads of the facts' fields", () => {
  const ctx = (): CompileContext => ({
    zone: SHANGHAI,
    lexicons: {},
    rootScope: true,
    globCache: new Map(),
    timeCache: new Map(),
  });
  const bundle = bundleWith({ "!!": [{ var: "items" }] } as Logic, null as unknown as Logic, {});
  const statusOf = (facts: object, evaluator: "compiled" | "fast" | "reference"): string => {
    const loaded = loadBundle(bundle, { validateFacts: null });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const r = loaded.value.decide(facts, { asOf: 0, explain: false, validate: false, evaluator });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.decision.rules[0]!.status;
  };
  const proto = Object.prototype as Record<string, unknown>;
  afterEach(() => {
    delete proto.items;
  });

  it("are allowed only for null or Object.prototype facts whose prototype holds none of the names read", () => {
    const tree = (l: Logic, c: CompileContext) => compileTree(l, "", c);
    const c = ctx();
    const program = generateProgram([{ when: tree({ var: "items" } as Logic, c), exceptions: [] }], [], c);
    expect(program.plain({ items: 1 })).toBe(true);
    expect(program.plain(Object.create(null) as object)).toBe(true);
    expect(program.plain(Object.create({ items: 1 }) as object)).toBe(false);
    expect(program.plain(new Date())).toBe(false);
    proto.items = [1];
    expect(program.plain({})).toBe(false);
    expect(program.plain(Object.create(null) as object)).toBe(true);
    delete proto.items;
    expect(program.plain({})).toBe(true);
    const c2 = ctx();
    const reading = generateProgram(
      [{ when: tree({ var: "toString" } as Logic, c2), exceptions: [] }],
      [],
      c2,
    );
    expect(reading.plain({})).toBe(false);
  });

  it("never see an inherited field, even after Object.prototype is polluted between decisions", () => {
    for (let round = 0; round < 3; round++) {
      for (const evaluator of ["compiled", "fast", "reference"] as const) {
        expect(statusOf({ items: [1] }, evaluator)).toBe("fired");
        expect(statusOf({}, evaluator)).toBe("not-applicable");
        proto.items = [1];
        expect(statusOf({}, evaluator)).toBe("not-applicable");
        expect(statusOf(Object.create({ items: [1] }) as object, evaluator)).toBe("not-applicable");
        expect(statusOf({ items: [1] }, evaluator)).toBe("fired");
        delete proto.items;
      }
    }
  });

  it("read own fields whether enumerable or not, as every evaluator does", () => {
    const hidden = {};
    Object.defineProperty(hidden, "items", { value: [1], enumerable: false });
    expect(statusOf(hidden, "compiled")).toBe("fired");
    expect(statusOf(hidden, "fast")).toBe("fired");
    expect(statusOf(hidden, "reference")).toBe("fired");
  });
});

describe("compiled evaluator: quantifiers over constant lists", () => {
  const tree = (l: unknown) => compileTree(l, "", rootContext());
  const delegated = (l: unknown) => {
    const t = tree(l);
    return generatedSource([t], rootContext()).K.includes(t.fn);
  };

  it("looks an equi-join's key up in its index, and generates a loop for any other", () => {
    const join = { some: [{ "n.bind": ["$n", ["a", "b"]] }, { "===": [{ var: "$n" }, { var: "s" }] }] };
    const plan = tree(join).quant?.join;
    expect(plan?.empty).toBe(false);
    expect(delegated(join)).toBe(false);
    const joined = tree(join);
    expect(generatedSource([joined], rootContext()).K).toContain(joined.quant?.join?.test);
    // The body starts with a quantifier, not `E === F`: no index; the generated loop runs it.
    const loop = {
      some: [
        { "n.bind": ["$n", ["a", "b"]] },
        {
          and: [
            { some: [{ "n.bind": ["$p", { var: "items" }] }, { "==": [{ var: "$p" }, { var: "$n" }] }] },
            { "!": [{ in: [{ var: "$n" }, { var: "tags" }] }] },
          ],
        },
      ],
    };
    expect(tree(loop).quant?.join).toBeUndefined();
    expect(delegated(loop)).toBe(false);
    const run = (l: unknown, facts: object) => {
      const t = tree(l);
      const f = generateEvaluators([t], rootContext())[0]!;
      return [f(new RootScope(facts, 0, {}, {}), null), t.fn(new RootScope(facts, 0, {}, {}), null)];
    };
    expect(run(loop, { items: ["b"], tags: ["a"] })).toEqual([true, true]);
    expect(run(loop, { items: ["b"], tags: ["b"] })).toEqual([false, false]);
    expect(run(join, { s: "b" })).toEqual([true, true]);
    expect(run(join, { s: "c" })).toEqual([false, false]);
    // No combinations: false, without evaluating the key (the field is never read).
    const empty = { some: [{ "n.bind": ["$n", []] }, { "===": [{ var: "$n" }, { var: "s" }] }] };
    expect(tree(empty).quant?.join?.empty).toBe(true);
    let reads = 0;
    const watched = Object.defineProperty({}, "s", { enumerable: true, get: () => (reads++, "b") });
    expect(run(empty, watched)).toEqual([false, false]);
    expect(run(join, watched)).toEqual([true, true]);
    expect(reads).toBe(2);
  });
});

describe("standard operations over constants", () => {
  const tree = (l: unknown) => compileTree(l, "", rootContext());

  it("are computed once, at load, to the value a decision would compute", () => {
    const folded: Array<[unknown, unknown]> = [
      [{ cat: ["社交", "/", "直播"] }, "社交/直播"],
      [{ cat: ["only one message"] }, "only one message"],
      [{ "<": [1, 2, 3] }, true],
      [{ "+": [1, "2"] }, 3],
      [{ in: ["b", ["a", "b"]] }, true],
      [{ merge: [[1], [2, [3]]] }, [1, 2, [3]]],
    ];
    for (const [logic, value] of folded) {
      const t = tree(logic);
      expect(t.isConst).toBe(true);
      expect(t.value).toEqual(value);
      expect(evaluateReference(logic as Logic, {})).toEqual(value);
    }
    // A folded list is shared by every decision: frozen.
    expect(Object.isFrozen(tree({ merge: [[1], [2]] }).value)).toBe(true);
  });

  it("are not computed at load when they read anything", () => {
    for (const logic of [{ cat: ["a", { var: "x" }] }, { "<": [1, { var: "n" }] }, { missing: ["a"] }]) {
      expect(tree(logic).isConst).toBe(false);
    }
  });
});

describe("compiled evaluator: equality with a prefixed concatenation", () => {
  const values = fc.oneof(
    fc.constantFrom("getLocation", "wx.getLocation", "wx.", "", "wx.wx.", "x.getLocation", "wx.getLocatio"),
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.constantFrom(null, true, false, 1.5),
    fc.constant(undefined),
  );

  it("compares `x == prefix + y` in place, with the value and evaluation order of the concatenation", () => {
    const right: Logic = { "===": [{ var: "x" }, { cat: ["wx.", { var: "y" }] }] };
    const left: Logic = { "===": [{ cat: ["wx.", { var: "y" }] }, { var: "x" }] };
    const { src } = generatedSource([compileTree(right, "", rootContext())], rootContext());
    expect(src).not.toContain("+"); // no string is built
    const generated = [compileGeneratedLogic(right), compileGeneratedLogic(left)];
    fc.assert(
      fc.property(values, values, (x, y) => {
        const data = { x, y };
        for (const [i, logic] of [right, left].entries()) {
          const want = evaluateReference(logic, data);
          expect(generated[i]!(data), JSON.stringify({ logic, data })).toBe(want);
        }
      }),
      { numRuns: 2000 },
    );
    // a matching pair, in both forms
    expect(generated[0]!({ x: "wx.getLocation", y: "getLocation" })).toBe(true);
    expect(generated[1]!({ x: "wx.getLocation", y: "getLocation" })).toBe(true);
  });
});

describe("compiled evaluator: comparisons of numbers in place", () => {
  const values = fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.constantFrom(0, -0, Number.NaN, 1.5, 2 ** 53, "3", "a", "", null, true, false, undefined),
    fc.string({ maxLength: 3 }),
  );
  const ops = ["<", "<=", ">", ">=", "==", "!="] as const;

  it("gives what the reference gives for every operator, with a variable or a constant operand", () => {
    const forms = ops.flatMap((op): Logic[] => [
      { "n.cmp": [op, { var: "a" }, { var: "b" }] },
      { "n.cmp": [op, { var: "a" }, 2] },
      { "n.cmp": [op, 2, { var: "b" }] },
      { "n.cmp": [op, 2, 3] },
    ]);
    const generated = forms.map((logic) => compileGeneratedLogic(logic));
    for (const logic of forms.slice(0, 2)) {
      // the numeric case compiles in place: no call of the helper unless an operand is not a number
      const { src } = generatedSource([compileTree(logic, "", rootContext())], rootContext());
      expect(src).toContain("typeof");
    }
    fc.assert(
      fc.property(values, values, (a, b) => {
        const data = { a, b };
        for (const [i, logic] of forms.entries()) {
          const want = evaluateReference(logic, data);
          expect(generated[i]!(data), JSON.stringify({ logic, a: String(a), b: String(b) })).toBe(want);
        }
      }),
      { numRuns: 3000 },
    );
    // NaN is not comparable: every operator is false, `!=` included
    for (const [i, logic] of forms.entries())
      if (i % 4 === 0) expect(generated[i]!({ a: Number.NaN, b: 1 }), JSON.stringify(logic)).toBe(false);
  });
});

describe("compiled evaluator: min and max of a few operands", () => {
  it("call Math.min / Math.max directly and give the reference's value", () => {
    const values = fc.oneof(fc.integer(), fc.constantFrom(null, "2", "x", true, 1.5, Number.NaN, -0));
    const forms: Logic[] = [
      { min: [{ var: "a" }, { var: "b" }] },
      { max: [{ var: "a" }, 3, { var: "b" }] },
      { min: [{ var: "a" }] },
    ];
    const generated = forms.map((logic) => compileGeneratedLogic(logic));
    const { src } = generatedSource([compileTree(forms[0]!, "", rootContext())], rootContext());
    expect(src).not.toContain("(["); // no array of the operands
    fc.assert(
      fc.property(values, values, (a, b) => {
        for (const [i, logic] of forms.entries()) {
          expect(Object.is(generated[i]!({ a, b }), evaluateReference(logic, { a, b }))).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
