/**
 * The compiled evaluator (the default, `evaluator: "compiled"`): the closure trees of a bundle turned
 * into JavaScript source once, and instantiated once with `new Function`.
 *
 * INVARIANT (enforced by {@link checkSource} at generation time, tested by
 * `packages/runtime/test/codegen.test.ts`): no policy text, fact or bundle string ever reaches the
 * generated source. Every constant (strings, numbers, patterns, lexicons, property names, helper
 * functions, fallback closures) is passed in the array `K` and read only as `K[<integer>]`; the
 * source is made only of the fixed templates below, integers, and identifiers generated here. The
 * check rejects any source with a character outside a strict whitelist (no quotes, backslashes,
 * slashes or backticks at all) or with an identifier that is not a template keyword or a generated
 * name (`k<n>`, `f<n>`, `t<n>`).
 *
 * Semantics equal the closure tree's (`compile.ts`), which the differential test checks: every node
 * kind not generated here is delegated to the node's own closure (`fn(d, e)`, passed through `K`),
 * and the environment chain has the same frames (`{name, v, up}`), so delegated closures and
 * generated code can call each other freely.
 */
import {
  compileTree,
  globMatcher,
  opsFor,
  varHead,
  type CNode,
  type CompileContext,
  type Fn,
} from "./compile.js";
import { CMP_OPERATORS, cmpHolds, containsAnyMatcher, globPatterns, opCmp, opCount } from "../ops/custom.js";
import { cmp } from "../value/rational.js";
import { formatterFor } from "../ops/format.js";
import { parseTime, SHANGHAI, type Zone } from "../value/time.js";
import * as std from "./std-ops.js";
import { isLogic } from "./std-ops.js";

interface Scope {
  readonly rootish: boolean;
  readonly bound: readonly string[];
}

const TOP: Scope = { rootish: true, bound: [] };
const ELEMENT: Scope = { rootish: false, bound: [] };

/** The scope of a body inside a bind of `name` in scope `s`. */
function innerScope(s: Scope, name: string): Scope {
  return { rootish: s.rootish, bound: [...s.bound, name] };
}

/** Every character the generated source may contain. */
const SOURCE_CHARS = /^[A-Za-z0-9_ \n(){}[\];,.=!<>?:&|+]*$/;

/** Every identifier the templates use (besides generated `k<n>`, `f<n>`, `t<n>`). */
const TEMPLATE_WORDS = new Set([
  "const",
  "let",
  "function",
  "return",
  "if",
  "for",
  "true",
  "false",
  "null",
  "undefined",
  "d",
  "e",
  "i",
  "xs",
  "name",
  "v",
  "up",
  "asOf",
  "params",
  "lexicons",
  "facts",
  "call",
  "length",
  "has",
  "K",
  "o",
  "fr",
  "push",
  "c",
  "p",
  "in",
  "typeof",
]);

/** The deepest expression generated (and the longest path walked inline); deeper keeps closures. */
const MAX_NESTING = 48;

/**
 * Throws unless `src` is made only of whitelisted characters and of template or generated
 * identifiers (see the module's invariant).
 */
export function checkSource(src: string): void {
  if (!SOURCE_CHARS.test(src)) throw new Error("generated source holds a character outside the whitelist");
  // One scan each: an identifier start that does not begin a template word or a generated name
  // (followed by a non-identifier character), and a digit run running into a letter.
  if (STRAY_IDENTIFIER.test(src) || DIGIT_LETTER.test(src))
    throw new Error("generated source holds an identifier outside the templates");
}

const STRAY_IDENTIFIER = new RegExp(
  `(?<![A-Za-z0-9_])(?!(?:${[...TEMPLATE_WORDS].join("|")}|[kft][0-9]+)(?![A-Za-z0-9_]))[A-Za-z_]`,
);
const DIGIT_LETTER = /[0-9][A-Za-z_]/;

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** 1 when `x`'s prototype is `null`, 2 when it is `Object.prototype`, else 0 (see {@link Program.plain}). */
function prototypeKind(x: object): number {
  const p = Object.getPrototypeOf(x) as unknown;
  return p === null ? 1 : p === Object.prototype ? 2 : 0;
}

function isScalar(x: unknown): boolean {
  return x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean";
}

function isArray(x: unknown): boolean {
  return Array.isArray(x);
}

function isNonEmptyArray(x: unknown): boolean {
  return Array.isArray(x) && x.length > 0;
}

function isString(x: unknown): boolean {
  return typeof x === "string";
}

function strictNe(x: unknown, y: unknown): boolean {
  return x !== y;
}

function looseNe(x: unknown, y: unknown): boolean {
  return !std.looseEq(x, y);
}

function lt2(x: unknown, y: unknown): boolean {
  return std.lt(x, y, undefined);
}

function le2(x: unknown, y: unknown): boolean {
  return std.le(x, y, undefined);
}

/** `n.cmp` with a constant operator, as compile.ts's `fastCmp`. */
function fastCmp(op: unknown): ((a: unknown, b: unknown) => boolean | null) | null {
  if (typeof op !== "string" || !CMP_OPERATORS.includes(op)) return null;
  return (a, b) => {
    if (typeof a === "number" && typeof b === "number") {
      if (a !== a || b !== b) return false;
      return cmpHolds(op, a < b ? -1 : a > b ? 1 : 0);
    }
    return opCmp(op, a, b, cmp);
  };
}

/**
 * `n.cmp` of two numbers, as JavaScript source over the names of two temporaries: what
 * {@link fastCmp} gives for numbers (NaN compares false, also for `!=`; `-0` equals `0`).
 */
const NUMERIC_CMP: Readonly<Record<string, (a: string, b: string) => string>> = {
  "<": (a, b) => `${a}<${b}`,
  "<=": (a, b) => `${a}<=${b}`,
  ">": (a, b) => `${a}>${b}`,
  ">=": (a, b) => `${a}>=${b}`,
  "==": (a, b) => `${a}===${b}`,
  "!=": (a, b) => `(${a}===${a}&&${b}===${b}&&${a}!==${b})`,
};

/**
 * Custom operations generated as a call of their fast implementation (compile.ts's `opsFor`) on
 * the evaluated arguments.
 */
const CALLED_OPS: ReadonlySet<string> = new Set([
  "n.first",
  "n.get",
  "n.record",
  "n.coalesce",
  "n.add",
  "n.sub",
  "n.mul",
  "n.neg",
  "n.len",
  "n.contains",
  "n.starts",
  "n.ends",
  "n.contains_any",
  "n.lower",
  "n.trim",
  "n.day",
  "n.plus_natural_days",
  "n.natural_days_between",
  "n.month",
  "n.prev_month",
  "n.fmt",
  "n.round",
  "n.mulr",
]);

/** Binary standard operations with a helper (both arguments always evaluated first). */
const BINARY_STD: Readonly<Record<string, (x: unknown, y: unknown) => unknown>> = {
  "!==": strictNe,
  "==": std.looseEq,
  "!=": looseNe,
  ">": std.gt,
  ">=": std.ge,
  "<": lt2,
  "<=": le2,
  "%": std.mod,
  "/": std.divide,
  "-": std.minus,
};

/** Standard operations applied to the array of every evaluated argument. */
const ARRAY_STD: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  "+": std.plus,
  "*": std.times,
  min: std.min,
  max: std.max,
  merge: std.merge,
};

/** Standard operations applied to the first three of every evaluated argument. */
const SPREAD_STD: Readonly<Record<string, (x: unknown, y: unknown, z: unknown) => unknown>> = {
  "<": std.lt,
  "<=": std.le,
  substr: std.substr,
  "-": (x, y) => std.minus(x, y),
};

/** `{"cat": [prefix, rest]}` with a constant string prefix and a computed rest, else `null`. */
function prefixedCat(n: CNode): { prefix: string; rest: CNode } | null {
  if (n.op !== "cat" || n.kids.length !== 2) return null;
  const [p, rest] = n.kids as [CNode, CNode];
  if (!p.isConst || typeof p.value !== "string" || rest.isConst) return null;
  return { prefix: p.value, rest };
}

/** One generated function: its temporaries. */
interface FnState {
  temps: number;
}

/**
 * The value of a slot of a decision's shared-subexpression cache (`RootScope.c`) not computed yet.
 * A symbol: no value of the IR is ever one.
 */
export const UNSET: unique symbol = Symbol("unset");

/** What a subtree reads from the scope besides the root: see {@link freeNames}. */
type Free = ReadonlySet<string> | "all" | "impure";

const freeCache = new WeakMap<CNode, Free>();

/**
 * Each node's key as a shared subexpression: `#` and a number, the same for two nodes exactly
 * when their logic has the same JSON text (see {@link exprKey}).
 */
const keyCache = new WeakMap<CNode, string>();

/** Per compile context, the number of each node signature (see {@link exprKey}). */
const signatureIds = new WeakMap<CompileContext, Map<string, number>>();

/**
 * The key of `n` (cached): nodes get the same key exactly when their logic's JSON texts are equal,
 * computed in time linear in the tree instead of serializing every subtree again (which made key
 * computation a fifth of loading the corpus). A node whose logic is `{op: [a, b, …]}` with its
 * kids' logic as the arguments (or `{op: a}` with one kid) has the signature of `op` and the
 * kids' numbers: equal signatures mean equal JSON, by induction. Any other node (constants,
 * operations whose logic holds more than their kids) has its JSON text as signature. Two nodes
 * with equal JSON but different kinds of signature get different keys: a subexpression not
 * shared, never a wrong one.
 */
function exprKey(n: CNode, ctx: CompileContext): string {
  const hit = keyCache.get(n);
  if (hit !== undefined) return hit;
  let ids = signatureIds.get(ctx);
  if (ids === undefined) signatureIds.set(ctx, (ids = new Map()));
  const sig = structuralSignature(n, ctx) ?? `j${JSON.stringify(n.logic)}`;
  let id = ids.get(sig);
  if (id === undefined) ids.set(sig, (id = ids.size));
  const key = `#${id}`;
  keyCache.set(n, key);
  return key;
}

function structuralSignature(n: CNode, ctx: CompileContext): string | null {
  const op = n.op;
  const logic = n.logic;
  if (n.isConst || op === null || !isLogic(logic)) return null;
  const keys = Object.keys(logic);
  if (keys.length !== 1 || keys[0] !== op) return null;
  const args = logic[op];
  const kids = n.kids;
  if (Array.isArray(args)) {
    if (args.length !== kids.length) return null;
    for (let i = 0; i < kids.length; i++) if ((kids[i] as CNode).logic !== args[i]) return null;
    return `a${JSON.stringify(op)}${kids.map((k) => exprKey(k, ctx)).join("")}`;
  }
  if (kids.length !== 1 || (kids[0] as CNode).logic !== args) return null;
  return `s${JSON.stringify(op)}${exprKey(kids[0] as CNode, ctx)}`;
}

function union(a: Free, b: Free): Free {
  if (a === "impure" || b === "impure") return "impure";
  if (a === "all" || b === "all") return "all";
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  return new Set([...a, ...b]);
}

function without(a: Free, name: string): Free {
  if (typeof a === "string" || !a.has(name)) return a;
  const out = new Set(a);
  out.delete(name);
  return out;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The first path segments of the `var`s in `n` not bound inside `n` (names read from the
 * enclosing scope: the root, or an enclosing bind); `"all"` when `n` reads the scope as a whole (a
 * computed or empty `var` path, `missing`, a `filter` over a bind, whose results are scope
 * copies); `"impure"` when evaluating it has an effect (`log`).
 */
function freeNames(n: CNode): Free {
  const hit = freeCache.get(n);
  if (hit !== undefined) return hit;
  let out: Free = NONE;
  const op = n.op;
  const q = n.quant;
  if (n.isConst) out = NONE;
  else if (op === "log") out = "impure";
  else if (op === "var") {
    const head = varHead(n);
    if (head === null) out = "all";
    else {
      out = new Set([head]);
      for (const x of n.kids.slice(1)) out = union(out, freeNames(x));
    }
  } else if (op === "missing" || op === "missing_some" || op === "n.bind") out = "all";
  else if (q !== null) {
    if (q.kind === "reduce" || q.bind === null) {
      // The body runs on the elements (or `{current, accumulator}`), never on the scope.
      out = freeNames(q.list);
      for (const x of n.kids.slice(2)) out = union(out, freeNames(x));
    } else if (q.kind === "filter") out = "all";
    else {
      const fq = q.list.quant;
      if (q.kind === "map" && fq !== null && fq.kind === "filter" && fq.bind === q.bind) {
        // map over filter over a bind (compile.ts's compileMapOfFilter): the filter's copies never escape.
        out = union(freeNames(fq.list), without(union(freeNames(fq.body), freeNames(q.body)), q.bind));
      } else out = union(freeNames(q.list), without(freeNames(q.body), q.bind));
    }
  } else for (const x of n.kids) out = union(out, freeNames(x));
  freeCache.set(n, out);
  return out;
}

/**
 * The key of `n` when its value is the same wherever it is evaluated in one decision: an
 * operation in the root scope that reads no name an enclosing bind binds, and has no effect.
 */
function sharedKeyOf(n: CNode, s: Scope, ctx: CompileContext): string | null {
  if (!ctx.rootScope || !s.rootish || n.op === null || n.op === "var") return null;
  const free = freeNames(n);
  if (free === "impure") return null;
  if (free === "all" ? s.bound.length > 0 : s.bound.some((b) => free.has(b))) return null;
  return exprKey(n, ctx);
}

/** The key of a top-level facts field read in scope `s` (`\0` + its name), or `null`. */
function fieldKeyOf(n: CNode, s: Scope, ctx: CompileContext): string | null {
  if (!ctx.rootScope || !s.rootish) return null;
  const first = varHead(n);
  if (first === null || first === "" || first.startsWith("$") || s.bound.includes(first)) return null;
  return `\0${first}`;
}

/**
 * Counts, over the trees as the generator walks them (same scopes), the occurrences of every
 * shared-subexpression key and top-level field read. It also counts inside subtrees the generator
 * leaves to their closures: a key counted there may get a slot that is used once, which costs a
 * check and never changes a value.
 */
function countShared(n: CNode, s: Scope, ctx: CompileContext, seen: Map<string, number>): void {
  if (n.isConst) return;
  const key = n.op === "var" ? fieldKeyOf(n, s, ctx) : sharedKeyOf(n, s, ctx);
  if (key !== null) seen.set(key, (seen.get(key) ?? 0) + 1);
  const q = n.quant;
  if (q === null) {
    for (const k of n.kids) countShared(k, s, ctx, seen);
    return;
  }
  const fq = q.list.quant;
  if (q.kind === "map" && q.bind !== null && fq !== null && fq.kind === "filter" && fq.bind === q.bind) {
    countShared(fq.list, s, ctx, seen);
    countShared(fq.body, innerScope(s, q.bind), ctx, seen);
    countShared(q.body, innerScope(s, q.bind), ctx, seen);
    return;
  }
  countShared(q.list, s, ctx, seen);
  countShared(q.body, q.bind === null || q.kind === "reduce" ? ELEMENT : innerScope(s, q.bind), ctx, seen);
  for (const k of n.kids.slice(2)) countShared(k, s, ctx, seen);
}

class Generator {
  readonly K: unknown[] = [];
  private readonly byRef = new Map<unknown, number>();
  private readonly decls: string[] = [];
  private fnCount = 0;
  /** The top-level facts fields the generated code reads. */
  readonly fieldNames = new Set<string>();

  /**
   * `shared`: the cache slot of each shared subexpression (by key, see {@link countShared});
   * `null` generates without a cache.
   */
  constructor(
    private readonly ctx: CompileContext,
    private readonly shared: ReadonlyMap<string, number> | null = null,
  ) {}

  /** The generated name of constant `v` in `K`. */
  k(v: unknown): string {
    const shared = typeof v === "function" || (typeof v === "object" && v !== null);
    if (shared) {
      const at = this.byRef.get(v);
      if (at !== undefined) return `k${at}`;
    }
    const i = this.K.push(v) - 1;
    if (shared) this.byRef.set(v, i);
    return `k${i}`;
  }

  private temp(st: FnState): string {
    return `t${st.temps++}`;
  }

  /** Declares `function f<n>(d, e)` returning `body(state)`; gives its name. */
  fn(body: (st: FnState) => string): string {
    const name = `f${this.fnCount++}`;
    const st: FnState = { temps: 0 };
    const ret = body(st);
    const lets =
      st.temps === 0 ? "" : `let ${Array.from({ length: st.temps }, (_, i) => `t${i}`).join(",")};`;
    this.decls.push(`function ${name}(d,e){${lets}${ret}}`);
    return name;
  }

  /** A function evaluating `n` in scope `s`. */
  root(n: CNode, s: Scope): string {
    return this.fn((st) => `return ${this.expr(n, s, st)};`);
  }

  /**
   * A function telling whether a plain read of facts `x` gives its own field for every name in
   * {@link fieldNames}: its prototype is `null`, or `Object.prototype` holding none of those
   * names. Each name is a constant key, so V8 folds the `in` tests while `Object.prototype` keeps
   * its shape (and drops the folding when it changes).
   */
  plainCheck(): string {
    const tests = [...this.fieldNames].map((n) => `&&!(${this.k(n)} in ${this.k(Object.prototype)})`);
    return this.fn(() => `let t0;return (t0=${this.k(prototypeKind)}(d))===1||t0===2${tests.join("")};`);
  }

  source(roots: string[]): string {
    const ks = this.K.map((_, i) => `k${i}=K[${i}]`);
    return `${ks.length ? `const ${ks.join(",")};\n` : ""}${this.decls.join("\n")}\nreturn [${roots.join(",")}];`;
  }

  private delegate(n: CNode): string {
    return `${this.k(n.fn)}(d,e)`;
  }

  private truthy(x: string): string {
    return `${this.k(std.truthy)}(${x})`;
  }

  /** How deep the expression being generated nests (deeper trees keep their closures). */
  private depth = 0;

  expr(n: CNode, s: Scope, st: FnState): string {
    if (n.isConst) return this.k(n.value);
    if (this.depth >= MAX_NESTING) return this.delegate(n);
    const key = sharedKeyOf(n, s, this.ctx);
    this.depth++;
    let out: string;
    try {
      out = this.exprInner(n, s, st);
    } finally {
      this.depth--;
    }
    return key === null ? out : this.cached(key, out, st);
  }

  /**
   * `code` (whose value is the same wherever it is evaluated in one decision, under `key`) computed
   * at most once per decision when `key` has a slot. A throw leaves the slot unset, so the next use
   * throws the same.
   */
  private cached(key: string, code: string, st: FnState): string {
    const slot = this.shared?.get(key);
    if (slot === undefined) return code;
    const t = this.temp(st);
    return `((${t}=d.c[${slot}])!==${this.k(UNSET)}?${t}:(d.c[${slot}]=${code}))`;
  }

  /**
   * A function giving a rule's status in a decision: 0 when `when` does not hold, else 2 + j for
   * the first exception `j` whose condition holds, else 1 (fired). Throws what the trees throw.
   */
  status(when: CNode, exceptions: readonly CNode[]): string {
    return this.fn((st) => {
      let body = `if(!${this.truthy(this.expr(when, TOP, st))})return 0;`;
      exceptions.forEach((x, j) => {
        body += `if(${this.truthy(this.expr(x, TOP, st))})return ${j + 2};`;
      });
      return `${body}return 1;`;
    });
  }

  private exprInner(n: CNode, s: Scope, st: FnState): string {
    const kids = n.kids;
    const op = n.op;
    if (op === null) return `[${kids.map((x) => this.expr(x, s, st)).join(",")}]`;
    switch (op) {
      case "if":
      case "?:":
        return this.ifChain(kids, 0, s, st);
      case "and":
      case "or": {
        if (kids.length === 0) return "undefined";
        const t = this.temp(st);
        let out = this.expr(kids[kids.length - 1] as CNode, s, st);
        for (let i = kids.length - 2; i >= 0; i--) {
          const x = this.expr(kids[i] as CNode, s, st);
          out =
            op === "and"
              ? `((${t}=${x}),${this.truthy(t)}?${out}:${t})`
              : `((${t}=${x}),${this.truthy(t)}?${t}:${out})`;
        }
        return out;
      }
      case "some":
      case "all":
      case "none":
        return this.quantifier(n, s, st);
      case "map":
        return this.mapOfFilter(n, s);
      case "var":
        return this.variable(n, s, st);
      case "===": {
        if (kids.length !== 2) return this.delegate(n);
        const [a, b] = kids as [CNode, CNode];
        // `x === "wx." + name`: compared in place, without building the string (std.eqPrefixed).
        const pb = prefixedCat(b);
        if (pb !== null)
          return `${this.k(std.eqPrefixed)}(${this.expr(a, s, st)},${this.k(pb.prefix)},${this.expr(pb.rest, s, st)})`;
        const pa = prefixedCat(a);
        if (pa !== null) {
          const t = this.temp(st);
          return `((${t}=${this.expr(pa.rest, s, st)}),${this.k(std.eqPrefixed)}(${this.expr(b, s, st)},${this.k(pa.prefix)},${t}))`;
        }
        return `(${this.expr(a, s, st)}===${this.expr(b, s, st)})`;
      }
      case "!":
      case "!!":
        if (kids.length === 1) {
          const x = this.truthy(this.expr(kids[0] as CNode, s, st));
          return op === "!" ? `(!${x})` : x;
        }
        return this.delegate(n);
      case "in": {
        const list = kids[1];
        if (kids.length !== 2 || list === undefined) return this.delegate(n);
        const a = this.expr(kids[0] as CNode, s, st);
        if (list.isConst && Array.isArray(list.value) && list.value.every(isScalar))
          return `${this.k(new Set<unknown>(list.value))}.has(${a})`;
        return `${this.k(std.inOp)}(${a},${this.expr(list, s, st)})`;
      }
      case "n.count": {
        const x = kids[0];
        if (kids.length !== 1 || x === undefined) return this.delegate(n);
        if (x.op === "filter") return this.countOfFilter(n, x, s);
        return `${this.k(opCount)}(${this.expr(x, s, st)})`;
      }
      case "n.glob": {
        const p = kids[1];
        if (kids.length !== 2 || !p?.isConst) return this.delegate(n);
        const list = globPatterns(p.value);
        const m = list === null ? null : globMatcher(list, this.ctx.globCache);
        if (m === null) return this.delegate(n);
        return this.onString(kids[0] as CNode, m, s, st);
      }
      case "cat": {
        // Every operand evaluated first, in order (as `[…].join("")`), then concatenated.
        if (kids.length === 0) return this.k("");
        const set: string[] = [];
        const parts = kids.map((x) => {
          if (x.isConst && typeof x.value === "string") return this.k(x.value);
          const t = this.temp(st);
          set.push(`(${t}=${this.expr(x, s, st)})`);
          return `${this.k(std.catPart)}(${t})`;
        });
        return `(${[...set, parts.join("+")].join(",")})`;
      }
      case "n.contains_any": {
        const w = kids[1];
        if (kids.length !== 2 || !w?.isConst || !Array.isArray(w.value)) break;
        return this.onString(kids[0] as CNode, containsAnyMatcher(w.value), s, st);
      }
      case "n.fmt": {
        const t = kids[1];
        if (kids.length !== 2 || !t?.isConst) break;
        return `${this.k(formatterFor(t.value, this.ctx.zone))}(${this.expr(kids[0] as CNode, s, st)})`;
      }
      case "n.cmp": {
        const o = kids[0];
        if (kids.length !== 3 || !o?.isConst) return this.delegate(n);
        const f = fastCmp(o.value);
        if (f === null) return this.delegate(n);
        // Two numbers are compared in place (the common case), anything else by the helper. A
        // constant number operand is used as is (no temporary, no type test).
        const numeric = NUMERIC_CMP[o.value as string] as (a: string, b: string) => string;
        const num = this.k("number");
        const set: string[] = [];
        const tests: string[] = [];
        const [a, b] = [kids[1] as CNode, kids[2] as CNode].map((x) => {
          if (x.isConst && typeof x.value === "number" && Number.isFinite(x.value)) return this.k(x.value);
          const t = this.temp(st);
          set.push(`(${t}=${this.expr(x, s, st)})`);
          tests.push(`typeof ${t}===${num}`);
          return t;
        }) as [string, string];
        const test = tests.length === 0 ? "true" : tests.join("&&");
        return `(${[...set, `${test}?${numeric(a, b)}:${this.k(f)}(${a},${b})`].join(",")})`;
      }
      case "n.time": {
        if (kids.length !== 1) return this.delegate(n);
        const ctx = this.ctx;
        const zone = ctx.zone;
        const time = (t: unknown): unknown => {
          if (typeof t !== "string") return null;
          let ms = ctx.timeCache.get(t);
          if (ms === undefined) {
            ms = parseTime(t, zone);
            if (ctx.timeCache.size >= 4096) ctx.timeCache.clear();
            ctx.timeCache.set(t, ms);
          }
          return ms;
        };
        return `${this.k(time)}(${this.expr(kids[0] as CNode, s, st)})`;
      }
    }
    if (kids.length === 2 && Object.prototype.hasOwnProperty.call(BINARY_STD, op)) {
      const f = BINARY_STD[op] as (x: unknown, y: unknown) => unknown;
      return `${this.k(f)}(${this.expr(kids[0] as CNode, s, st)},${this.expr(kids[1] as CNode, s, st)})`;
    }
    if ((op === "min" || op === "max") && kids.length > 0 && kids.length <= 4) {
      // `Math.min(...[a, b])` without the array: the same coercions, in the same order.
      const f = op === "min" ? Math.min : Math.max;
      return `${this.k(f)}(${kids.map((x) => this.expr(x, s, st)).join(",")})`;
    }
    if (Object.prototype.hasOwnProperty.call(ARRAY_STD, op)) {
      const f = ARRAY_STD[op] as (args: unknown[]) => unknown;
      return `${this.k(f)}([${kids.map((x) => this.expr(x, s, st)).join(",")}])`;
    }
    if (Object.prototype.hasOwnProperty.call(SPREAD_STD, op)) {
      const f = SPREAD_STD[op] as (x: unknown, y: unknown, z: unknown) => unknown;
      const t = this.temp(st);
      return `((${t}=[${kids.map((x) => this.expr(x, s, st)).join(",")}]),${this.k(f)}(${t}[0],${t}[1],${t}[2]))`;
    }
    if (kids.length >= 1 && kids.length <= 3 && CALLED_OPS.has(op)) {
      const f = opsFor(this.ctx)[op] as (...args: unknown[]) => unknown;
      return `${this.k(f)}(${kids.map((x) => this.expr(x, s, st)).join(",")})`;
    }
    return this.delegate(n);
  }

  /** `test` (made at load) of the value of `x`: `null` unless that is a string. */
  private onString(x: CNode, test: (s: string) => boolean, s: Scope, st: FnState): string {
    const t = this.temp(st);
    return `((${t}=${this.expr(x, s, st)}),${this.k(isString)}(${t})?${this.k(test)}(${t}):null)`;
  }

  private ifChain(kids: readonly CNode[], i: number, s: Scope, st: FnState): string {
    const n = kids.length;
    if (i < n - 1) {
      const c = this.truthy(this.expr(kids[i] as CNode, s, st));
      return `(${c}?${this.expr(kids[i + 1] as CNode, s, st)}:${this.ifChain(kids, i + 2, s, st)})`;
    }
    if (n === i + 1) return this.expr(kids[i] as CNode, s, st);
    return "null";
  }

  /**
   * A call of a new function that evaluates `list` (in scope `s`) into `xs`, then runs `body`;
   * the loops of quantifiers, counts and maps.
   */
  private overList(list: CNode, s: Scope, body: string): string {
    return `${this.fn((lst) => `const xs=${this.expr(list, s, lst)};${body}`)}(d,e)`;
  }

  /** The frame binding `name` to the element `xs[i]` (compile.ts's `{name, v, up}`). */
  private frame(name: string): string {
    return `{name:${this.k(name)},v:xs[i],up:e}`;
  }

  private quantifier(n: CNode, s: Scope, st: FnState): string {
    const q = n.quant;
    if (q === null || n.kids.length !== 2) return this.delegate(n);
    // An equi-join (compile.ts): the key in generated code (so it is shared like any other
    // subexpression), then the index made at load.
    if (q.join !== undefined) {
      if (q.join.empty) return "false";
      return `${this.k(q.join.test)}(${this.expr(q.join.key, s, st)},d,e)`;
    }
    const name = q.bind;
    const body = this.root(q.body, name === null ? ELEMENT : innerScope(s, name));
    const call = name === null ? `${body}(xs[i],null)` : `${body}(d,${this.frame(name)})`;
    const tr = this.k(std.truthy);
    const nonEmpty = this.k(isNonEmptyArray);
    void st;
    switch (q.kind) {
      case "some":
        return this.overList(
          q.list,
          s,
          `if(!${nonEmpty}(xs))return false;for(let i=0;i<xs.length;i++)if(${tr}(${call}))return true;return false;`,
        );
      case "all":
        return this.overList(
          q.list,
          s,
          `if(!${nonEmpty}(xs))return false;for(let i=0;i<xs.length;i++)if(!${tr}(${call}))return false;return true;`,
        );
      default:
        return this.overList(
          q.list,
          s,
          `if(!${nonEmpty}(xs))return true;for(let i=0;i<xs.length;i++)if(${tr}(${call}))return false;return true;`,
        );
    }
  }

  /** `n.count` of `filter` over a bind (compile.ts's count loop); any other filter keeps its closure. */
  private countOfFilter(n: CNode, x: CNode, s: Scope): string {
    const q = x.quant;
    const name = q?.bind ?? null;
    if (q === null || q.kind !== "filter" || name === null) return this.delegate(n);
    const P = this.root(q.body, innerScope(s, name));
    return this.overList(
      q.list,
      s,
      `if(!${this.k(isArray)}(xs))return 0;let o=0;for(let i=0;i<xs.length;i++)if(${this.k(std.truthy)}(${P}(d,${this.frame(name)})))o++;return o;`,
    );
  }

  /**
   * `{"map": [{"filter": [{"n.bind": [name, list]}, P]}, V]}` (compile.ts's compileMapOfFilter); any
   * other `map` keeps its closure.
   */
  private mapOfFilter(n: CNode, s: Scope): string {
    const q = n.quant;
    const name = q?.bind ?? null;
    const fq = q?.list.quant ?? null;
    const raw = isLogic(n.logic) ? n.logic.map : undefined;
    const first = Array.isArray(raw) ? raw[0] : undefined;
    if (
      q === null ||
      name === null ||
      fq === null ||
      fq.kind !== "filter" ||
      fq.bind !== name ||
      !isLogic(first) ||
      Object.keys(first)[0] !== "filter"
    )
      return this.plainMap(n, s);
    const inner = innerScope(s, name);
    const P = this.root(fq.body, inner);
    const V = this.root(q.body, inner);
    return this.overList(
      fq.list,
      s,
      `const o=[];if(!${this.k(isArray)}(xs))return o;for(let i=0;i<xs.length;i++){const fr=${this.frame(name)};if(${this.k(std.truthy)}(${P}(d,fr)))o.push(${V}(d,fr));}return o;`,
    );
  }

  /** `map` over a bind (compile.ts's bind loop); a `map` over the elements keeps its closure. */
  private plainMap(n: CNode, s: Scope): string {
    const q = n.quant;
    const name = q?.bind ?? null;
    if (q === null || name === null || n.kids.length !== 2) return this.delegate(n);
    const V = this.root(q.body, innerScope(s, name));
    return this.overList(
      q.list,
      s,
      `if(!${this.k(isArray)}(xs))return [];const o=[];for(let i=0;i<xs.length;i++)o.push(${V}(d,${this.frame(name)}));return o;`,
    );
  }

  /** `(t = v, then walk segs[from..] from t, giving nf when a step is missing)`. */
  private walk(t: string, segs: readonly string[], from: number, nf: string): string {
    if (from >= segs.length) return t;
    const key = this.k(segs[from]);
    return `(${t}===null||${t}===undefined?${nf}:((${t}=${t}[${key}]),${t}===undefined?${nf}:${this.walk(t, segs, from + 1, nf)}))`;
  }

  private variable(n: CNode, s: Scope, st: FnState): string {
    const kids = n.kids;
    const [pathNode, defNode] = kids;
    if (kids.length > 2 || pathNode === undefined || !pathNode.isConst) return this.delegate(n);
    const a = pathNode.value;
    if (a === undefined || a === "" || a === null) return this.delegate(n);
    let segs: string[];
    try {
      segs = String(a).split(".");
    } catch {
      return this.delegate(n);
    }
    if (segs.length > MAX_NESTING) return this.delegate(n);
    const first = segs[0] as string;
    // The default, evaluated first (as the closures do).
    let nf = "null";
    let pre = "";
    if (defNode !== undefined) {
      nf = this.temp(st);
      pre = `(${nf}=${this.expr(defNode, s, st)}),`;
    }
    const t = this.temp(st);
    const depth = s.bound.lastIndexOf(first);
    if (depth >= 0) {
      const up = s.bound.length - 1 - depth;
      return `(${pre}(${t}=e${".up".repeat(up)}.v),${t}===undefined?${nf}:${this.walk(t, segs, 1, nf)})`;
    }
    if (s.bound.length > 0 && !(s.rootish && this.ctx.rootScope)) return this.delegate(n);
    if (s.rootish && this.ctx.rootScope) {
      // INVARIANT: with `rootScope`, rootish data is the decision's RootScope (see CompileContext).
      let head: string;
      if (first === "$asOf") head = "d.asOf";
      else if (first === "$p") head = "d.params";
      else if (first === "$lex") head = "d.lexicons";
      else {
        const key = this.k(first);
        this.fieldNames.add(first);
        head = this.cached(
          `\0${first}`,
          `(d.p?d.facts[${key}]:${this.k(hasOwnProperty)}.call(d.facts,${key})?d.facts[${key}]:undefined)`,
          st,
        );
      }
      return `(${pre}(${t}=${head}),${t}===undefined?${nf}:${this.walk(t, segs, 1, nf)})`;
    }
    return `(${pre}(${t}=d),${this.walk(t, segs, 0, nf)})`;
  }
}

/**
 * Generates and instantiates (once, with one `new Function`) an evaluator for each of `roots`,
 * compiled trees built with `ctx`. Each evaluator equals its root's `fn`.
 */
export function generateEvaluators(roots: readonly CNode[], ctx: CompileContext): Fn[] {
  const g = new Generator(ctx);
  const scope = ctx.rootScope ? TOP : ELEMENT;
  const names = roots.map((r) => g.root(r, scope));
  const src = g.source(names);
  checkSource(src);
  // INVARIANT: `src` holds only fixed templates, integers and generated identifiers; every constant
  // reaches it through `K` (checkSource above enforces it; packages/runtime/test/codegen.test.ts tries
  // to inject code through strings, property names, numbers, patterns, bind names and lexicon words).
  // eslint-disable-next-line no-new-func -- the INVARIANT above: no bundle or facts text in `src`
  const factory = new Function("K", src) as (K: readonly unknown[]) => Fn[];
  return factory(g.K);
}

/** A rule for {@link generateProgram}: its condition and its exceptions' conditions, in order. */
export interface ProgramRule {
  readonly when: CNode;
  readonly exceptions: readonly CNode[];
}

/** The generated evaluators of a bundle (see {@link generateProgram}). */
export interface Program {
  /**
   * Per rule, its status in a decision: 0 when its condition does not hold, 1 when it fires, 2 + j
   * when exception `j` applies. Called with the decision's RootScope (whose `c` holds `slots`
   * entries, all {@link UNSET}) and `null`; throws what the trees throw.
   */
  readonly status: readonly Fn[];
  /** One evaluator per value root, in order (effect values and messages). */
  readonly values: readonly Fn[];
  /** How many subexpressions are shared between trees: the length of `RootScope.c`. */
  readonly slots: number;
  /**
   * Whether the generated code may read the fields of `facts` with plain property reads
   * (`RootScope.p`): true when its prototype is `null`, or `Object.prototype` holding none of the
   * field names read. Otherwise every read first checks that the field is the facts' own.
   */
  readonly plain: (facts: object) => boolean;
  /** The source, for tests and tools. */
  readonly src: string;
}

/**
 * Generates and instantiates (with one `new Function`) the evaluators of a bundle: a status
 * function per rule and an evaluator per value root, all compiled with `ctx` (which must have
 * `rootScope`). A subexpression that occurs more than once in the root scope (the same condition
 * in three rules, a `let` read by a condition and a value) is computed at most once per decision,
 * in a slot of `RootScope.c` ({@link countShared} finds them first).
 */
export function generateProgram(
  rules: readonly ProgramRule[],
  values: readonly CNode[],
  ctx: CompileContext,
): Program {
  if (!ctx.rootScope) throw new Error("generateProgram needs a root-scope context");
  const counted = new Map<string, number>();
  for (const r of rules) {
    countShared(r.when, TOP, ctx, counted);
    for (const x of r.exceptions) countShared(x, TOP, ctx, counted);
  }
  for (const v of values) countShared(v, TOP, ctx, counted);
  const shared = new Map<string, number>();
  for (const [key, count] of counted) if (count > 1) shared.set(key, shared.size);
  const g = new Generator(ctx, shared);
  const status = rules.map((r) => g.status(r.when, r.exceptions));
  const roots = values.map((v) => g.root(v, TOP));
  const plain = g.plainCheck();
  const src = g.source([`[${status.join(",")}]`, `[${roots.join(",")}]`, plain]);
  checkSource(src);
  // INVARIANT: as in generateEvaluators (checkSource above).
  // eslint-disable-next-line no-new-func -- the INVARIANT of this module: no bundle or facts text in `src`
  const factory = new Function("K", src) as (K: readonly unknown[]) => [Fn[], Fn[], Fn];
  const [statusFns, valueFns, plainFn] = factory(g.K);
  return {
    status: statusFns,
    values: valueFns,
    slots: shared.size,
    plain: (facts) => plainFn(facts, null) === true,
    src,
  };
}

/** The generated source for `roots` (for tests and tools); the same text `generateEvaluators` runs. */
export function generatedSource(roots: readonly CNode[], ctx: CompileContext): { src: string; K: unknown[] } {
  const g = new Generator(ctx);
  const scope = ctx.rootScope ? TOP : ELEMENT;
  const names = roots.map((r) => g.root(r, scope));
  return { src: g.source(names), K: g.K };
}

/**
 * A standalone JSON Logic expression (no bundle: arbitrary data, no lexicons, zone Asia/Shanghai by
 * default) through the compiled evaluator; equals `compileLogic(logic)` (tests and tools).
 */
export function compileGeneratedLogic(logic: unknown, zone: Zone = SHANGHAI): (data: unknown) => unknown {
  const ctx: CompileContext = {
    zone,
    lexicons: {},
    rootScope: false,
    globCache: new Map(),
    timeCache: new Map(),
  };
  const f = generateEvaluators([compileTree(logic, "", ctx)], ctx)[0] as Fn;
  return (data) => f(data, null);
}
