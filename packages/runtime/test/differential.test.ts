/**
 * The fast path, the compiled evaluator (generated code) and the reference evaluator agree
 * (fast-check), and decisions are deterministic.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileLogic,
  evaluateReference,
  loadBundle,
  type Bundle,
  type Decision,
  type Logic,
} from "../src/index.js";
import {
  asOf,
  bundle,
  bundleOf,
  condition,
  decExpr,
  facts,
  intExpr,
  joinCondition,
  sharedBundle,
  strExpr,
} from "./support/gen-ir.js";
import { compileGeneratedLogic } from "../src/fast/codegen.js";
import { STANDARD_OPS } from "../src/engine/check-bundle.js";

const sameEvaluator = (d: Decision) => ({ ...d, engine: { ...d.engine, evaluator: "-" } });
const withoutExplanations = (d: Decision) => ({
  ...sameEvaluator(d),
  factsHash: null,
  spans: null,
  explained: false,
  rules: d.rules.map((r) => {
    const { exception: _x, ...rest } = r;
    return { ...rest, because: [] };
  }),
});

function agree(b: Bundle, f: Record<string, unknown>, at: number): void {
  const loaded = loadBundle(b, { validateFacts: null });
  if (!loaded.ok) throw new Error(`generated bundle does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const e = loaded.value;
  const run = (evaluator: "fast" | "reference" | "compiled", explain: boolean) => {
    const r = e.decide(f, { asOf: at, evaluator, explain, validate: false });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.decision;
  };
  const fast = run("fast", true);
  const ref = run("reference", true);
  expect(sameEvaluator(ref)).toEqual(sameEvaluator(fast));
  const quickFast = run("fast", false);
  const quickRef = run("reference", false);
  expect(sameEvaluator(quickRef)).toEqual(sameEvaluator(quickFast));
  expect(withoutExplanations(quickFast)).toEqual(withoutExplanations(fast));
  // the compiled evaluator gives the fast path's decisions exactly, but for its own name (after
  // deciding other facts first: nothing computed for one decision may leak into the next)
  e.decide({ items: [], a: 0 }, { asOf: at, evaluator: "compiled", explain: false, validate: false });
  const compiledQuick = run("compiled", false);
  expect(compiledQuick.engine.evaluator).toBe("compiled");
  expect(sameEvaluator(compiledQuick)).toEqual(sameEvaluator(quickFast));
  expect(sameEvaluator(run("compiled", true))).toEqual(sameEvaluator(fast));
  // deterministic: the same facts and instant give the same decision
  expect(run("fast", true)).toEqual(fast);
}

describe("differential: fast path ≡ compiled ≡ reference", () => {
  it("on join-shaped quantifiers over lexicons and literals", () => {
    fc.assert(fc.property(bundleOf(joinCondition), facts, asOf, agree), { numRuns: 500 });
  });

  it("on generated bundles, facts and as-of instants (decisions with and without explanations)", () => {
    fc.assert(fc.property(bundle, facts, asOf, agree), { numRuns: 1000 });
  });

  it("on bundles whose rules share subexpressions (computed once per decision by the compiled evaluator)", () => {
    fc.assert(fc.property(sharedBundle, facts, asOf, agree), { numRuns: 500 });
  });

  it("reads the facts in place as the reference reads its copy of them (odd fields, odd objects)", () => {
    const read = (path: string): Logic => ({ "!!": [{ var: path }] }) as Logic;
    const when = fc.constantFrom<Logic>(
      read("toString"),
      read("constructor"),
      read("__proto__"),
      read("hidden"),
      read("$asOf"),
      read("$p.rate"),
      read("a.b.c"),
      { "==": [{ var: "" }, null] } as Logic,
      { missing: ["a", "hidden", "toString"] } as Logic,
      { "!!": [{ var: ["nope", { var: "a" }] }] } as Logic,
      { some: [{ "n.bind": ["$x", { var: "items" }] }, { "==": [{ var: "$x" }, { var: "a" }] }] } as Logic,
      { "n.count": { "n.bind": ["$x", { var: "items" }] } } as Logic,
    );
    const odd = (): Record<string, unknown> => {
      const plain: Record<string, unknown> = { a: { b: { c: 1 } }, items: [1, 2], $asOf: "mine" };
      Object.defineProperty(plain, "hidden", { value: 1, enumerable: false });
      Object.defineProperty(plain, "__proto__", { value: 3, enumerable: true, writable: true });
      return plain;
    };
    const oddFacts = fc.constantFrom<Record<string, unknown>>(
      odd(),
      Object.assign(Object.create({ toString: 5, a: 2 }) as Record<string, unknown>, { items: [] }),
      Object.assign(Object.create(null) as Record<string, unknown>, { constructor: 1, a: 1, items: [1] }),
      {},
    );
    fc.assert(fc.property(bundleOf(when), oddFacts, asOf, agree), { numRuns: 300 });
  });

  // The same expressions evaluated directly, against the facts as data (no bundle scope).
  const sameValue = (logic: Logic, data: unknown) => {
    let a: unknown;
    let b: unknown;
    let aThrew = false;
    let bThrew = false;
    try {
      a = compileLogic(logic)(data);
    } catch {
      aThrew = true;
    }
    try {
      b = evaluateReference(logic, data);
    } catch {
      bThrew = true;
    }
    expect(aThrew).toBe(bThrew);
    if (!isDeepStrictEqual(a, b)) expect(a).toEqual(b);
    let c: unknown;
    let cThrew = false;
    try {
      c = compileGeneratedLogic(logic)(data);
    } catch {
      cThrew = true;
    }
    expect(cThrew).toBe(aThrew);
    if (!isDeepStrictEqual(c, a)) expect(c).toEqual(a);
  };

  it("on generated expressions of every type, evaluated standalone", () => {
    fc.assert(
      fc.property(fc.oneof(condition, intExpr, decExpr, strExpr), facts, (logic, data) =>
        sameValue(logic, data),
      ),
      { numRuns: 1500 },
    );
  });

  // every standard operation, the n.* ops that take arbitrary arguments, and an unknown one
  const OPS = [
    ...STANDARD_OPS,
    "n.bind",
    "n.count",
    "n.first",
    "n.get",
    "n.coalesce",
    "n.len",
    "n.glob",
    "n.sum",
    "nope",
  ];
  const PATHS = ["", "a", "a.b", "x.0", "0", "current", "accumulator", "$x", "length", "a.b.c"];
  const anyLogic = fc.letrec<{ node: Logic }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 4, depthIdentifier: "any" },
      fc.oneof(
        fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Logic>,
        fc.constantFrom(...PATHS).map((p) => ({ var: p })),
        fc
          .tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 0 }))
          .map(([p, d]) => ({ var: [p, d] }) as Logic),
      ),
      fc
        .tuple(fc.constantFrom(...OPS), fc.array(tie("node"), { maxLength: 4 }), fc.boolean())
        .map(([op, args, bare]) => ({ [op]: bare && args.length === 1 ? args[0] : args }) as Logic),
      fc
        .tuple(
          fc.constantFrom("some", "all", "none", "filter", "map"),
          fc.constantFrom("$x", "$y"),
          tie("node"),
          tie("node"),
        )
        .map(([q, n, l, body]) => ({ [q]: [{ "n.bind": [n, l] }, body] }) as Logic),
    ),
  })).node;
  const anyData = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(
      fc.constantFrom("a", "b", "x", "$x", "__proto__", "length"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    ),
  );

  it("on arbitrary JSON Logic over arbitrary data, exceptions included", () => {
    fc.assert(
      fc.property(anyLogic, anyData, (logic, data) => sameValue(logic, data)),
      { numRuns: 3000 },
    );
  });
});
