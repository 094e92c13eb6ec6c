/**
 * The fast path: an IR `Logic` tree compiled once into JavaScript closures.
 *
 * No code is generated from strings: every closure below is written here, and compiling only picks
 * and wires them. The result must equal the reference evaluator (json-logic-js plus the `n.*`
 * operations) on every input, including json-logic-js's coercions and the cases where it throws.
 *
 * Specializations (each one checked by the differential test):
 * - `var` with a constant path: the path is split once; a `$lex.<name>` path in the root scope is a
 *   constant (lexicons do not change between decisions).
 * - `in` against a constant list of scalars (a literal or a lexicon): a `Set`.
 * - `n.glob` with constant patterns: each pattern compiled once to a `RegExp` with
 *   `micromatch.makeRe`, matched as `micromatch.isMatch` does (empty input never matches; input equal
 *   to the pattern always does).
 * - `n.mulr`, `n.d*`, `n.round`, `n.sum`, `n.cmp`: safe-integer arithmetic with exact correction,
 *   BigInt only when a product leaves the safe range.
 * - Quantifiers over `{"n.bind": [name, list]}`: the reference copies the whole scope for each
 *   element; here the body runs against the unchanged scope plus an environment chain (`Env`), one
 *   small frame per element, and a bound name's depth in the chain is resolved at compile time.
 *   `n.count`/`map` over `filter` of a bind never build the copies either.
 * - Pure `n.*` operations over constants are folded at compile time.
 */
import micromatch from "micromatch";
import { shapeTest } from "./glob-shape.js";
import {
  bindScope,
  CMP_OPERATORS,
  cmpHolds,
  containsAnyMatcher,
  CUSTOM_OP_ARITY,
  globPatterns,
  GLOB_OPTIONS,
  opAdd,
  opCmp,
  opCoalesce,
  opContains,
  opContainsAny,
  opCount,
  opEnds,
  opFirst,
  opGet,
  opLen,
  opLower,
  opMul,
  opNeg,
  opRecord,
  opStarts,
  opSub,
  opTrim,
  sumIntBig,
  type OpFn,
} from "../ops/custom.js";
import { formatterFor, formatValue } from "../ops/format.js";
import {
  add,
  cmp,
  decFromParts,
  div,
  isRoundingMode,
  mul,
  mulRound,
  numberToRational,
  round,
  sub,
  toRational,
  ZERO,
  type Rational,
} from "../value/rational.js";
import {
  dayStart,
  monthOf,
  naturalDaysBetween,
  parseTime,
  plusNaturalDays,
  prevMonthOf,
  type Zone,
} from "../value/time.js";
import * as std from "./std-ops.js";
import { isLogic, truthy } from "./std-ops.js";

/** One bound variable: the innermost frame first, `up` towards the outermost. */
export interface Frame {
  readonly name: string;
  readonly v: unknown;
  readonly up: Env;
}

/** The bound variables in scope (`null`: none). */
export type Env = Frame | null;

/** A compiled node: evaluates against the current data and environment. */
export type Fn = (data: unknown, env: Env) => unknown;

/** What a quantifier node iterates, for explanations. */
export interface Quant {
  kind: "some" | "all" | "none" | "filter" | "map" | "reduce";
  /** The bound name when the list is `{"n.bind": [name, list]}` (the body then sees the outer scope). */
  bind: string | null;
  /** The list expression (for a bind, the bind's list argument). */
  list: CNode;
  body: CNode;
  /** Set when the `some` is an equi-join over constant lists (`compileJoin`), not a loop. */
  join?: JoinPlan;
}

/**
 * An equi-join (`compileJoin`): the value of the `some` is `empty ? false : test(key(d, e), d, e)`.
 * `key` reads none of the joined names (it is evaluated in the `some`'s own scope); `test` looks
 * the key up in the index made at load and runs the rest of the body on the matches.
 */
export interface JoinPlan {
  key: CNode;
  test: (key: unknown, d: unknown, e: Env) => boolean;
  /** No combinations: false without evaluating `key`. */
  empty: boolean;
  /**
   * The index in the outer list of the first element on which the `some` holds (-1: none, or not
   * found by value), from the index: what explaining the `some` needs without trying each element.
   */
  firstElement: (d: unknown, e: Env) => number;
}

/** A compiled IR node. Built once at load; read by decisions and explanations. */
export interface CNode {
  /** The IR node itself. */
  readonly logic: unknown;
  /** JSON pointer of the node in the bundle (`/rules/0/when/and/1`). */
  readonly ptr: string;
  /** The operator, or `null` for a literal or an array. */
  readonly op: string | null;
  /** The closure. */
  readonly fn: Fn;
  /** The argument nodes, in order (for a quantifier: list, body, and reduce's initial value). */
  readonly kids: readonly CNode[];
  /** Set on `some`/`all`/`none`/`filter`/`map`/`reduce`. */
  readonly quant: Quant | null;
  /** True when the node always gives `value`. */
  readonly isConst: boolean;
  readonly value: unknown;
  /** What the explainer keeps about this node as an atom (its own type; computed on first use). */
  atom: unknown;
}

/** What compiling needs to know about the bundle. */
export interface CompileContext {
  zone: Zone;
  /** Lexicon name → words. */
  lexicons: Readonly<Record<string, readonly string[]>>;
  /**
   * True when the data at the top of every tree is a decision's {@link RootScope} (whose `$lex` is
   * exactly `lexicons`), so lexicon paths can be folded to constants and top-level reads go straight
   * to the facts. False for arbitrary data (the JSON Logic suite, data-supplied logic).
   */
  rootScope: boolean;
  /** Compiled glob patterns, shared by a bundle (`null`: micromatch cannot compile it). */
  globCache: Map<string, RegExp | null>;
  /** `n.time` results by text (a pure function of the text and the zone). */
  timeCache: Map<string, number | null>;
}

interface Scope {
  /** The data is the root scope (top level, or inside binds over it). */
  readonly rootish: boolean;
  /** Names bound by enclosing binds, outermost first (the runtime env has one frame per name). */
  readonly bound: readonly string[];
}

const TOP: Scope = { rootish: true, bound: [] };
const ELEMENT: Scope = { rootish: false, bound: [] };

/** Escapes one JSON-pointer reference token. */
export function escapePointer(token: string): string {
  if (token.indexOf("~") < 0 && token.indexOf("/") < 0) return token;
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Compiles `logic` (whose JSON pointer in the bundle is `ptr`) into a node tree. Never throws: an
 * unknown operation compiles to a closure that throws when reached, as json-logic-js does.
 */
export function compileTree(logic: unknown, ptr: string, ctx: CompileContext): CNode {
  return compileNode(logic, ptr, ctx, ctx.rootScope ? TOP : ELEMENT);
}

/**
 * Compiles a standalone JSON Logic expression (no bundle) and returns its evaluator. Used for the
 * JSON Logic shared suite and by tools; `lexicons` default to none and `zone` to Asia/Shanghai.
 */
export function compileStandalone(logic: unknown, ctx: CompileContext): (data: unknown) => unknown {
  const node = compileNode(logic, "", { ...ctx, rootScope: false }, ELEMENT);
  return (data) => node.fn(data, null);
}

function node(
  logic: unknown,
  ptr: string,
  op: string | null,
  fn: Fn,
  kids: readonly CNode[],
  quant: Quant | null = null,
): CNode {
  return { logic, ptr, op, fn, kids, quant, isConst: false, value: undefined, atom: null };
}

function constNode(
  logic: unknown,
  ptr: string,
  value: unknown,
  op: string | null = null,
  kids: CNode[] = [],
): CNode {
  return { logic, ptr, op, fn: () => value, kids, quant: null, isConst: true, value, atom: null };
}

// ---------------------------------------------------------------------------------------------
// Scope access.

const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
const hasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * `copy[key]` where `copy` is what the reference's `n.bind` builds from `data`
 * (`Object.assign(Object.create(null), data, …)`): own enumerable properties only.
 */
function ownEnum(data: unknown, key: string): unknown {
  if (data === null || data === undefined) return undefined;
  if (data instanceof RootScope) return data.get(key);
  return propertyIsEnumerable.call(data, key) ? (data as Record<string, unknown>)[key] : undefined;
}

/** The cache of a decision without shared subexpressions (never written to). */
const NO_SLOTS: unknown[] = [];

/**
 * The data at the top of a decision's trees when compiled with `rootScope`: the facts, read in
 * place (no copy per decision), and the reserved names `$asOf`, `$p` and `$lex`.
 *
 * Every read gives what the reference evaluator reads from its scope, {@link materialized}: a
 * null-prototype object holding the facts' own fields (string keys, enumerable or not; never an
 * inherited one), then the three reserved names (which win over facts fields of the same name).
 * Code that needs that object as a value (an empty `var` path, `n.bind`, `missing`) asks for it; it
 * is built once per decision.
 */
export class RootScope {
  private copy: Record<string, unknown> | null = null;

  constructor(
    /** The facts document (an object, not an array). */
    readonly facts: object,
    /** `$asOf`: the as-of instant, epoch ms. */
    readonly asOf: number,
    /** `$p`: the parameters in force. */
    readonly params: unknown,
    /** `$lex`: the lexicons. */
    readonly lexicons: unknown,
    /**
     * The decision's cache of shared subexpressions (generated code only, `fast/codegen.ts`): one
     * slot per subexpression, `UNSET` until computed.
     */
    readonly c: unknown[] = NO_SLOTS,
    /**
     * True when a plain property read of the facts gives exactly their own field for every name
     * the generated code reads (see `Program.plain` in `fast/codegen.ts`): it then skips the
     * own-property check.
     */
    readonly p: boolean = false,
  ) {}

  /** `scope[key]` on the materialized scope (`undefined` when absent). */
  get(key: string): unknown {
    switch (key) {
      case "$asOf":
        return this.asOf;
      case "$p":
        return this.params;
      case "$lex":
        return this.lexicons;
    }
    return hasOwnProperty.call(this.facts, key) ? (this.facts as Record<string, unknown>)[key] : undefined;
  }

  /** The scope as an object: what the reference evaluator gets (built on first use). */
  materialized(): Record<string, unknown> {
    if (this.copy === null) {
      const scope = Object.create(null) as Record<string, unknown>;
      const facts = this.facts as Record<string, unknown>;
      for (const k of Object.getOwnPropertyNames(facts)) scope[k] = facts[k];
      scope.$asOf = this.asOf;
      scope.$p = this.params;
      scope.$lex = this.lexicons;
      this.copy = scope;
    }
    return this.copy;
  }
}

/** A reader of one top-level name of a {@link RootScope}, chosen at compile time. */
function rootReader(name: string): (r: RootScope) => unknown {
  switch (name) {
    case "$asOf":
      return (r) => r.asOf;
    case "$p":
      return (r) => r.params;
    case "$lex":
      return (r) => r.lexicons;
  }
  return (r) => (hasOwnProperty.call(r.facts, name) ? (r.facts as Record<string, unknown>)[name] : undefined);
}

function findFrame(env: Env, name: string): Frame | null {
  for (let f = env; f !== null; f = f.up) if (f.name === name) return f;
  return null;
}

/** The scope the reference would see: `data` copied with every bound variable (outermost first). */
export function materialize(data: unknown, env: Env): unknown {
  if (data instanceof RootScope) data = data.materialized();
  if (env === null) return data;
  const frames: Frame[] = [];
  for (let f: Env = env; f !== null; f = f.up) frames.push(f);
  let scope: unknown = data;
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i] as Frame;
    scope = bindScope(scope, f.name, f.v);
  }
  return scope;
}

const segmentCache = new Map<string, string[]>();

/** `path.split(".")`, remembered (paths come from bundles, so there are few of them). */
function segmentsOf(path: string): string[] {
  let segs = segmentCache.get(path);
  if (segs === undefined) {
    segs = path.split(".");
    if (segmentCache.size < 10_000) segmentCache.set(path, segs);
  }
  return segs;
}

/** json-logic-js's `var` against `data` extended by `env`. */
export function varLookup(data: unknown, env: Env, a: unknown, b: unknown): unknown {
  const notFound = b === undefined ? null : b;
  if (a === undefined || a === "" || a === null) return materialize(data, env);
  return lookupSegments(data, env, typeof a === "string" ? segmentsOf(a) : String(a).split("."), notFound);
}

/** {@link varLookup} of a non-empty path already split at its dots. */
export function lookupSegments(data: unknown, env: Env, segs: readonly string[], notFound: unknown): unknown {
  let cur: unknown = data;
  let i = 0;
  if (env === null && data instanceof RootScope) {
    cur = data.get(segs[0] as string);
    if (cur === undefined) return notFound;
    i = 1;
  } else if (env !== null) {
    const key = segs[0] as string;
    const f = findFrame(env, key);
    cur = f !== null ? f.v : ownEnum(data, key);
    if (cur === undefined) return notFound;
    i = 1;
  }
  for (; i < segs.length; i++) {
    if (cur === null || cur === undefined) return notFound;
    cur = (cur as Record<string, unknown>)[segs[i] as string];
    if (cur === undefined) return notFound;
  }
  return cur;
}

function walkSegments(cur: unknown, segs: readonly string[], from: number, notFound: unknown): unknown {
  for (let i = from; i < segs.length; i++) {
    if (cur === null || cur === undefined) return notFound;
    cur = (cur as Record<string, unknown>)[segs[i] as string];
    if (cur === undefined) return notFound;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// The compiler.

function compileNode(logic: unknown, ptr: string, ctx: CompileContext, s: Scope): CNode {
  if (Array.isArray(logic)) {
    const kids = logic.map((l, i) => compileNode(l, `${ptr}/${i}`, ctx, s));
    if (kids.every((k) => k.isConst))
      return constNode(logic, ptr, Object.freeze(kids.map((k) => k.value)), null, kids);
    const fns = kids.map((k) => k.fn);
    return node(logic, ptr, null, (d, e) => fns.map((f) => f(d, e)), kids);
  }
  if (!isLogic(logic)) return constNode(logic, ptr, logic);
  const op = Object.keys(logic)[0] as string;
  const raw = logic[op];
  const args: unknown[] = Array.isArray(raw) ? raw : [raw];
  const opPtr = `${ptr}/${escapePointer(op)}`;
  const argPtr = Array.isArray(raw) ? (i: number) => `${opPtr}/${i}` : () => opPtr;
  switch (op) {
    case "if":
    case "?:":
      return compileIf(logic, ptr, op, args, argPtr, ctx, s);
    case "and":
    case "or":
      return compileAndOr(logic, ptr, op, args, argPtr, ctx, s);
    case "some":
    case "all":
    case "none":
    case "filter":
    case "map":
    case "reduce":
      return compileQuantifier(logic, ptr, op, args, argPtr, ctx, s);
  }
  const kids = args.map((a, i) => compileNode(a, argPtr(i), ctx, s));
  if (op === "var") return compileVar(logic, ptr, kids, ctx, s);
  if (Object.prototype.hasOwnProperty.call(CUSTOM_OP_ARITY, op))
    return compileCustom(logic, ptr, op, kids, ctx);
  return compileStd(logic, ptr, op, kids, ctx);
}

function compileIf(
  logic: unknown,
  ptr: string,
  op: string,
  args: unknown[],
  argPtr: (i: number) => string,
  ctx: CompileContext,
  s: Scope,
): CNode {
  const kids = args.map((a, i) => compileNode(a, argPtr(i), ctx, s));
  const fns = kids.map((k) => k.fn);
  const n = fns.length;
  if (n === 3) {
    const [c, t, f] = fns as [Fn, Fn, Fn];
    return node(logic, ptr, op, (d, e) => (truthy(c(d, e)) ? t(d, e) : f(d, e)), kids);
  }
  return node(
    logic,
    ptr,
    op,
    (d, e) => {
      let i = 0;
      for (; i < n - 1; i += 2) {
        if (truthy((fns[i] as Fn)(d, e))) return (fns[i + 1] as Fn)(d, e);
      }
      if (n === i + 1) return (fns[i] as Fn)(d, e);
      return null;
    },
    kids,
  );
}

function compileAndOr(
  logic: unknown,
  ptr: string,
  op: string,
  args: unknown[],
  argPtr: (i: number) => string,
  ctx: CompileContext,
  s: Scope,
): CNode {
  const kids = args.map((a, i) => compileNode(a, argPtr(i), ctx, s));
  const fns = kids.map((k) => k.fn);
  if (op === "and") {
    if (fns.length === 2) {
      const [a, b] = fns as [Fn, Fn];
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const x = a(d, e);
          return truthy(x) ? b(d, e) : x;
        },
        kids,
      );
    }
    return node(
      logic,
      ptr,
      op,
      (d, e) => {
        let cur: unknown;
        for (const f of fns) {
          cur = f(d, e);
          if (!truthy(cur)) return cur;
        }
        return cur;
      },
      kids,
    );
  }
  if (fns.length === 2) {
    const [a, b] = fns as [Fn, Fn];
    return node(
      logic,
      ptr,
      op,
      (d, e) => {
        const x = a(d, e);
        return truthy(x) ? x : b(d, e);
      },
      kids,
    );
  }
  return node(
    logic,
    ptr,
    op,
    (d, e) => {
      let cur: unknown;
      for (const f of fns) {
        cur = f(d, e);
        if (truthy(cur)) return cur;
      }
      return cur;
    },
    kids,
  );
}

/** `{"n.bind": [name, list]}` with a constant name: the name and the list expression. */
function asBind(logic: unknown): { name: string; list: unknown } | null {
  if (!isLogic(logic)) return null;
  const v = logic["n.bind"];
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string") return null;
  return { name: v[0], list: v[1] };
}

const UNDEFINED_LOGIC = undefined;

function compileQuantifier(
  logic: unknown,
  ptr: string,
  op: string,
  args: unknown[],
  argPtr: (i: number) => string,
  ctx: CompileContext,
  s: Scope,
): CNode {
  const kind = op as Quant["kind"];
  const bind = kind === "reduce" ? null : asBind(args[0]);
  if (bind === null) {
    const list = compileNode(args[0], argPtr(0), ctx, s);
    const body =
      args.length > 1
        ? compileNode(args[1], argPtr(1), ctx, ELEMENT)
        : constNode(UNDEFINED_LOGIC, argPtr(1), undefined);
    const kids = [list, body];
    const quant: Quant = { kind, bind: null, list, body };
    const L = list.fn;
    const B = body.fn;
    switch (kind) {
      case "some":
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            if (!Array.isArray(xs) || !xs.length) return false;
            for (let i = 0; i < xs.length; i++) if (truthy(B(xs[i], null))) return true;
            return false;
          },
          kids,
          quant,
        );
      case "all":
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            if (!Array.isArray(xs) || !xs.length) return false;
            for (let i = 0; i < xs.length; i++) if (!truthy(B(xs[i], null))) return false;
            return true;
          },
          kids,
          quant,
        );
      case "none":
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            if (!Array.isArray(xs) || !xs.length) return true;
            for (let i = 0; i < xs.length; i++) if (truthy(B(xs[i], null))) return false;
            return true;
          },
          kids,
          quant,
        );
      case "filter":
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            if (!Array.isArray(xs)) return [];
            return xs.filter((x) => truthy(B(x, null)));
          },
          kids,
          quant,
        );
      case "map": {
        const inner = asFilterOfBind(args[0]);
        if (inner !== null)
          return compileMapOfFilter(logic, ptr, op, list, args[1], argPtr(1), inner.name, ctx, s);
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            if (!Array.isArray(xs)) return [];
            return xs.map((x) => B(x, null));
          },
          kids,
          quant,
        );
      }
      case "reduce": {
        const initial = args[2] !== undefined ? compileNode(args[2], argPtr(2), ctx, s) : null;
        if (initial) kids.push(initial);
        const I = initial ? initial.fn : null;
        return node(
          logic,
          ptr,
          op,
          (d, e) => {
            const xs = L(d, e);
            const init = I ? I(d, e) : null;
            if (!Array.isArray(xs)) return init;
            return xs.reduce(
              (accumulator: unknown, current: unknown) => B({ current, accumulator }, null),
              init,
            );
          },
          kids,
          quant,
        );
      }
    }
  }
  const name = bind.name;
  const list = compileNode(bind.list, `${argPtr(0)}/n.bind/1`, ctx, s);
  const inner: Scope = { rootish: s.rootish, bound: [...s.bound, name] };
  const body =
    args.length > 1
      ? compileNode(args[1], argPtr(1), ctx, inner)
      : constNode(UNDEFINED_LOGIC, argPtr(1), undefined);
  const kids = [list, body];
  const quant: Quant = { kind, bind: name, list, body };
  if (kind === "some") {
    const join = compileJoin(name, list, body);
    if (join !== null) return node(logic, ptr, op, join.fn, kids, { ...quant, join: join.plan });
  }
  const L = list.fn;
  const B = body.fn;
  switch (kind) {
    case "some":
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const xs = L(d, e);
          if (!Array.isArray(xs) || !xs.length) return false;
          for (let i = 0; i < xs.length; i++) if (truthy(B(d, { name, v: xs[i], up: e }))) return true;
          return false;
        },
        kids,
        quant,
      );
    case "all":
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const xs = L(d, e);
          if (!Array.isArray(xs) || !xs.length) return false;
          for (let i = 0; i < xs.length; i++) if (!truthy(B(d, { name, v: xs[i], up: e }))) return false;
          return true;
        },
        kids,
        quant,
      );
    case "none":
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const xs = L(d, e);
          if (!Array.isArray(xs) || !xs.length) return true;
          for (let i = 0; i < xs.length; i++) if (truthy(B(d, { name, v: xs[i], up: e }))) return false;
          return true;
        },
        kids,
        quant,
      );
    case "filter":
      // The reference returns the matching scope copies; only a bare filter needs them built.
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const xs = L(d, e);
          const out: unknown[] = [];
          if (!Array.isArray(xs)) return out;
          let base: unknown = undefined;
          for (let i = 0; i < xs.length; i++) {
            if (truthy(B(d, { name, v: xs[i], up: e }))) {
              if (base === undefined) base = materialize(d, e);
              out.push(bindScope(base, name, xs[i]));
            }
          }
          return out;
        },
        kids,
        quant,
      );
    default:
      // "map" (reduce never takes this path).
      return node(
        logic,
        ptr,
        op,
        (d, e) => {
          const xs = L(d, e);
          if (!Array.isArray(xs)) return [];
          const out = new Array<unknown>(xs.length);
          for (let i = 0; i < xs.length; i++) out[i] = B(d, { name, v: xs[i], up: e });
          return out;
        },
        kids,
        quant,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Equi-joins: `some` over constant lists whose body tests `E === F(bound names)` first.

/** The largest product of constant lists a join index is built for. */
const MAX_JOIN = 200_000;

const SCOPE_READERS = new Set([
  "missing",
  "missing_some",
  "n.bind",
  "some",
  "all",
  "none",
  "filter",
  "map",
  "reduce",
]);

/**
 * The names read by the `var` nodes of `n` (first path segment), or `null` when `n` may read the
 * scope in a way not visible from constant paths (a computed or empty `var` path, `missing`,
 * `n.bind`, a quantifier).
 */
function namesRead(n: CNode, out: Set<string>): Set<string> | null {
  if (n.op === "var") {
    const head = varHead(n);
    if (head === null) return null;
    out.add(head);
    for (const x of n.kids.slice(1)) if (namesRead(x, out) === null) return null;
    return out;
  }
  if (n.op !== null && SCOPE_READERS.has(n.op)) return null;
  for (const x of n.kids) if (namesRead(x, out) === null) return null;
  return out;
}

/**
 * The first path segment of a `var` node (a `var` op) whose path is a constant, non-empty string or
 * number (the name it reads from the scope); `null` for a computed or empty path (it may read the
 * scope as a whole).
 */
export function varHead(n: CNode): string | null {
  const k = n.kids[0];
  if (
    n.kids.length > 2 ||
    !k ||
    !k.isConst ||
    (typeof k.value !== "string" && typeof k.value !== "number") ||
    k.value === ""
  )
    return null;
  return String(k.value).split(".")[0] as string;
}

function isJoinKey(v: unknown): boolean {
  return v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && v === v);
}

/**
 * `some x1 in C1: some x2 in C2: … (E === F and rest…)` where the lists are constants, `F` reads only
 * the bound names and `E` none of them: the reference tries every combination; here every `F` is
 * computed once at load into an index from value to combinations (in iteration order), and a
 * decision evaluates `E` once and tries `rest` on the matching combinations only, in the same
 * order. Same value, same errors: `F` never throws (checked at load, else no join), `E` is pure, and
 * `rest` runs on exactly the combinations where the reference's `and` would reach it.
 */
function compileJoin(name: string, list: CNode, body: CNode): { fn: Fn; plan: JoinPlan } | null {
  if (!list.isConst || !Array.isArray(list.value)) return null;
  const names = [name];
  const lists: unknown[][] = [list.value as unknown[]];
  let fin = body;
  while (
    fin.op === "some" &&
    fin.quant?.bind != null &&
    fin.quant.list.isConst &&
    Array.isArray(fin.quant.list.value)
  ) {
    names.push(fin.quant.bind);
    lists.push(fin.quant.list.value as unknown[]);
    fin = fin.quant.body;
  }
  let eq: CNode;
  let rest: CNode[];
  if (fin.op === "===" && fin.kids.length === 2) {
    eq = fin;
    rest = [];
  } else if (fin.op === "and" && fin.kids[0]?.op === "===" && fin.kids[0].kids.length === 2) {
    eq = fin.kids[0];
    rest = fin.kids.slice(1);
  } else return null;
  const chain = new Set(names);
  const onlyChain = (n: CNode) => {
    const r = namesRead(n, new Set());
    return r !== null && [...r].every((x) => chain.has(x));
  };
  const noChain = (n: CNode) => {
    const r = namesRead(n, new Set());
    return r !== null && ![...r].some((x) => chain.has(x));
  };
  const [a, b] = eq.kids as [CNode, CNode];
  let F: CNode;
  let E: CNode;
  if (onlyChain(b) && noChain(a)) [F, E] = [b, a];
  else if (onlyChain(a) && noChain(b)) [F, E] = [a, b];
  else return null;
  let total = 1;
  for (const l of lists) total *= l.length;
  if (total > MAX_JOIN) return null;
  // Build the index: every combination in the reference's iteration order (outer list outermost).
  const combos: unknown[][] = [];
  const index = new Map<unknown, number[]>();
  const values = new Array<unknown>(names.length);
  const envOf = (outer: Env, vs: readonly unknown[]): Env => {
    let env = outer;
    for (let i = 0; i < names.length; i++) env = { name: names[i] as string, v: vs[i], up: env };
    return env;
  };
  let failed = false;
  const visit = (depth: number) => {
    if (failed) return;
    if (depth === names.length) {
      let v: unknown;
      try {
        v = F.fn(undefined, envOf(null, values));
      } catch {
        failed = true;
        return;
      }
      if (!isJoinKey(v)) return;
      const at = combos.push([...values]) - 1;
      const hits = index.get(v);
      if (hits) hits.push(at);
      else index.set(v, [at]);
      return;
    }
    for (const x of lists[depth] as unknown[]) {
      values[depth] = x;
      visit(depth + 1);
    }
  };
  visit(0);
  if (failed) return null;
  const none = new Array<unknown>(names.length).fill(undefined);
  const restFns = rest.map((r) => r.fn);
  /** The first combination (index into `combos`) with key `v` on which `rest` holds, else -1. */
  const firstHit = (v: unknown, d: unknown, e: Env): number => {
    if (!isJoinKey(v)) return -1;
    const hits = index.get(v);
    if (hits === undefined) return -1;
    if (restFns.length === 0) return hits[0] as number;
    for (const h of hits) {
      const env = envOf(e, combos[h] as unknown[]);
      let ok = true;
      for (const r of restFns) {
        if (!truthy(r(d, env))) {
          ok = false;
          break;
        }
      }
      if (ok) return h;
    }
    return -1;
  };
  const test = (v: unknown, d: unknown, e: Env): boolean => firstHit(v, d, e) >= 0;
  const empty = total === 0;
  const key = E.fn;
  const outerList = lists[0] as unknown[];
  return {
    // E reads none of the joined names, but its closures were compiled inside them: they run in
    // an environment of that shape.
    fn: (d, e) => (empty ? false : test(key(d, envOf(e, none)), d, e)),
    plan: {
      key: E,
      test,
      empty,
      firstElement: (d, e) => {
        if (empty) return -1;
        const h = firstHit(key(d, envOf(e, none)), d, e);
        // The body's value depends on the element's value only, so the first element equal to the
        // matching combination's is the first that holds.
        return h < 0 ? -1 : outerList.indexOf((combos[h] as unknown[])[0]);
      },
    },
  };
}

/** `{"filter": [{"n.bind": [name, list]}, P]}`: the bound name. */
function asFilterOfBind(logic: unknown): { name: string } | null {
  if (!isLogic(logic)) return null;
  const v = logic["filter"];
  if (!Array.isArray(v) || v.length < 1) return null;
  const b = asBind(v[0]);
  return b === null ? null : { name: b.name };
}

/**
 * `{"map": [{"filter": [bind, P]}, V]}` (how `find` compiles): the reference maps `V` over the
 * matching scope copies; here `V` runs against the outer scope with the element bound.
 */
function compileMapOfFilter(
  logic: unknown,
  ptr: string,
  op: string,
  filter: CNode,
  valueLogic: unknown,
  valuePtr: string,
  name: string,
  ctx: CompileContext,
  s: Scope,
): CNode {
  const fq = filter.quant as Quant;
  const body = compileNode(valueLogic, valuePtr, ctx, { rootish: s.rootish, bound: [...s.bound, name] });
  const L = fq.list.fn;
  const P = fq.body.fn;
  const V = body.fn;
  const quant: Quant = { kind: "map", bind: name, list: filter, body };
  return node(
    logic,
    ptr,
    op,
    (d, e) => {
      const xs = L(d, e);
      const out: unknown[] = [];
      if (!Array.isArray(xs)) return out;
      for (let i = 0; i < xs.length; i++) {
        const f: Frame = { name, v: xs[i], up: e };
        if (truthy(P(d, f))) out.push(V(d, f));
      }
      return out;
    },
    [filter, body],
    quant,
  );
}

function compileVar(logic: unknown, ptr: string, kids: CNode[], ctx: CompileContext, s: Scope): CNode {
  const words = lexiconConstant(kids, ctx, s);
  if (words !== undefined) return constNode(logic, ptr, words, "var", kids);
  return node(logic, ptr, "var", varFn(kids, ctx, s), kids);
}

/** The words of `{"var": "$lex.<name>"}` read from the root scope (a constant), else `undefined`. */
function lexiconConstant(kids: CNode[], ctx: CompileContext, s: Scope): readonly string[] | undefined {
  const path = kids[0];
  if (kids.length !== 1 || !path?.isConst || typeof path.value !== "string") return undefined;
  if (!s.rootish || !ctx.rootScope || s.bound.includes("$lex")) return undefined;
  const segs = path.value.split(".");
  if (segs.length !== 2 || segs[0] !== "$lex") return undefined;
  const name = segs[1] as string;
  return Object.prototype.hasOwnProperty.call(ctx.lexicons, name) ? ctx.lexicons[name] : undefined;
}

function varFn(kids: CNode[], ctx: CompileContext, s: Scope): Fn {
  const [pathNode, defNode] = kids;
  if (kids.length > 2 || (pathNode !== undefined && !pathNode.isConst)) {
    const all = evalAll(kids.map((k) => k.fn));
    return (d, e) => {
      const vals = all(d, e);
      return varLookup(d, e, vals[0], vals[1]);
    };
  }
  const a = pathNode?.value;
  const D: Fn | null = defNode === undefined ? null : defNode.fn;
  if (a === undefined || a === "" || a === null) {
    return (d, e) => {
      if (D) D(d, e);
      return materialize(d, e);
    };
  }
  let segs: string[];
  try {
    segs = String(a).split(".");
  } catch {
    const all = evalAll(kids.map((k) => k.fn));
    return (d, e) => {
      const vals = all(d, e);
      return varLookup(d, e, vals[0], vals[1]);
    };
  }
  const first = segs[0] as string;
  const depth = s.bound.lastIndexOf(first);
  if (depth >= 0) {
    const up = s.bound.length - 1 - depth;
    return (d, e) => {
      const nf = D === null ? null : D(d, e);
      let f = e as Frame;
      for (let i = 0; i < up; i++) f = f.up as Frame;
      const v = f.v;
      if (v === undefined) return nf;
      return segs.length === 1 ? v : walkSegments(v, segs, 1, nf);
    };
  }
  if (s.bound.length > 0 && !(s.rootish && ctx.rootScope)) {
    // Inside a bind over non-root data: the reference reads a copy holding own enumerable properties.
    return (d, e) => {
      const nf = D === null ? null : D(d, e);
      const v = ownEnum(d, first);
      if (v === undefined) return nf;
      return segs.length === 1 ? v : walkSegments(v, segs, 1, nf);
    };
  }
  if (s.rootish && ctx.rootScope) {
    // INVARIANT: with `rootScope`, rootish data is the decision's RootScope (see CompileContext).
    const head = rootReader(first);
    if (D === null && segs.length === 1) {
      return (d) => {
        const v = head(d as RootScope);
        return v === undefined ? null : v;
      };
    }
    if (D === null && segs.length === 2) {
      const second = segs[1] as string;
      return (d) => {
        const v = head(d as RootScope);
        if (v === null || v === undefined) return null;
        const w = (v as Record<string, unknown>)[second];
        return w === undefined ? null : w;
      };
    }
    return (d, e) => {
      const nf = D === null ? null : D(d, e);
      const v = head(d as RootScope);
      return v === undefined ? nf : walkSegments(v, segs, 1, nf);
    };
  }
  if (D === null && segs.length === 1) {
    return (d) => {
      if (d === null || d === undefined) return null;
      const v = (d as Record<string, unknown>)[first];
      return v === undefined ? null : v;
    };
  }
  if (D === null && segs.length === 2) {
    const second = segs[1] as string;
    return (d) => {
      if (d === null || d === undefined) return null;
      const v = (d as Record<string, unknown>)[first];
      if (v === null || v === undefined) return null;
      const w = (v as Record<string, unknown>)[second];
      return w === undefined ? null : w;
    };
  }
  return (d, e) => walkSegments(d, segs, 0, D === null ? null : D(d, e));
}

// ---------------------------------------------------------------------------------------------
// Data-supplied logic (`missing` keys are evaluated as logic by json-logic-js).

function evalDataLogic(x: unknown, d: unknown, e: Env, ctx: CompileContext): unknown {
  if (!Array.isArray(x) && !isLogic(x)) return x;
  return compileNode(x, "", { ...ctx, rootScope: false }, ELEMENT).fn(materialize(d, e), null);
}

function missingOp(d: unknown, e: Env, vals: unknown[], ctx: CompileContext): unknown[] {
  const keys = Array.isArray(vals[0]) ? (vals[0] as unknown[]) : vals;
  const out: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const parts = Array.isArray(key) ? (key as unknown[]) : [key];
    const ev = parts.map((p) => evalDataLogic(p, d, e, ctx));
    const value = varLookup(d, e, ev[0], ev[1]);
    if (value === null || value === "") out.push(key);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Standard operations.

/** A closure evaluating every argument, in order, into a fresh array (json-logic-js's `values.map`). */
function evalAll(fns: readonly Fn[]): (d: unknown, e: Env) => unknown[] {
  const n = fns.length;
  return (d, e) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = (fns[i] as Fn)(d, e);
    return out;
  };
}

/** A closure applying `f` to the first two evaluated arguments (all arguments are evaluated). */
function binaryOf(fns: readonly Fn[], f: (x: unknown, y: unknown) => unknown): Fn {
  if (fns.length === 2) {
    const [x, y] = fns as [Fn, Fn];
    return (d, e) => f(x(d, e), y(d, e));
  }
  const all = evalAll(fns);
  return (d, e) => {
    const v = all(d, e);
    return f(v[0], v[1]);
  };
}

/** A closure applying `f` to the array of evaluated arguments. */
function variadicOf(fns: readonly Fn[], f: (args: unknown[]) => unknown): Fn {
  const all = evalAll(fns);
  return (d, e) => f(all(d, e));
}

function strictEq(x: unknown, y: unknown): boolean {
  return x === y;
}

function strictNe(x: unknown, y: unknown): boolean {
  return x !== y;
}

function looseNe(x: unknown, y: unknown): boolean {
  return !std.looseEq(x, y);
}

function stdFn(op: string, fns: Fn[], kids: CNode[], ctx: CompileContext): Fn {
  const n = fns.length;
  const a = fns[0] as Fn;
  const b = fns[1] as Fn;
  switch (op) {
    case "===":
      return binaryOf(fns, strictEq);
    case "!==":
      return binaryOf(fns, strictNe);
    case "==":
      return binaryOf(fns, std.looseEq);
    case "!=":
      return binaryOf(fns, looseNe);
    case ">":
      return binaryOf(fns, std.gt);
    case ">=":
      return binaryOf(fns, std.ge);
    case "%":
      return binaryOf(fns, std.mod);
    case "/":
      return binaryOf(fns, std.divide);
    case "<":
    case "<=": {
      const f = op === "<" ? std.lt : std.le;
      if (n === 2) return (d, e) => f(a(d, e), b(d, e), undefined);
      return variadicOf(fns, (v) => f(v[0], v[1], v[2]));
    }
    case "!":
      if (n === 1) return (d, e) => !truthy(a(d, e));
      return variadicOf(fns, (v) => !truthy(v[0]));
    case "!!":
      if (n === 1) return (d, e) => truthy(a(d, e));
      return variadicOf(fns, (v) => truthy(v[0]));
    case "log":
      return variadicOf(fns, (v) => v[0]);
    case "in": {
      const list = kids[1];
      if (n === 2 && list?.isConst && Array.isArray(list.value) && list.value.every(isScalar)) {
        const set = new Set<unknown>(list.value);
        return (d, e) => set.has(a(d, e));
      }
      return binaryOf(fns, std.inOp);
    }
    case "cat":
      if (n === 2) return (d, e) => std.catPair(a(d, e), b(d, e));
      return variadicOf(fns, std.cat);
    case "substr":
      return variadicOf(fns, (v) => std.substr(v[0], v[1], v[2]));
    case "+":
      return variadicOf(fns, std.plus);
    case "*":
      return variadicOf(fns, std.times);
    case "-":
      return variadicOf(fns, (v) => std.minus(v[0], v[1]));
    case "min":
      return variadicOf(fns, std.min);
    case "max":
      return variadicOf(fns, std.max);
    case "merge":
      return variadicOf(fns, std.merge);
    case "missing": {
      const all = evalAll(fns);
      return (d, e) => missingOp(d, e, all(d, e), ctx);
    }
    case "missing_some": {
      const all = evalAll(fns);
      return (d, e) => {
        const v = all(d, e);
        const need = v[0];
        const options = v[1];
        const opts = Array.isArray(options) ? (options as unknown[]) : [options];
        const areMissing = missingOp(
          d,
          e,
          opts.map((o) => evalDataLogic(o, d, e, ctx)),
          ctx,
        );
        return (options as { length: number }).length - areMissing.length >= (need as number)
          ? []
          : areMissing;
      };
    }
    default: {
      const all = evalAll(fns);
      return (d, e) => {
        all(d, e);
        throw new Error(`Unrecognized operation ${op}`);
      };
    }
  }
}

/**
 * Standard operations that read nothing but their operands: over constant operands they are
 * computed once, at load (a message that is one string, `"a" + "b"`, `1 < 2`). Not those reading
 * the scope or looping over a list.
 */
const FOLDED_STD: ReadonlySet<string> = new Set(
  std.STANDARD_OPS.filter(
    (op) =>
      !["var", "missing", "missing_some", "filter", "map", "reduce", "all", "none", "some"].includes(op),
  ),
);

function compileStd(logic: unknown, ptr: string, op: string, kids: CNode[], ctx: CompileContext): CNode {
  const fn = stdFn(
    op,
    kids.map((k) => k.fn),
    kids,
    ctx,
  );
  if (FOLDED_STD.has(op) && kids.every((k) => k.isConst)) {
    try {
      return constNode(logic, ptr, isFrozenSafe(fn(undefined, null)), op, kids);
    } catch {
      // It fails on every decision; left to fail there, where the error is reported.
    }
  }
  return node(logic, ptr, op, fn, kids);
}

function isScalar(x: unknown): boolean {
  return x === null || typeof x === "string" || typeof x === "number" || typeof x === "boolean";
}

// ---------------------------------------------------------------------------------------------
// Custom operations.

function makeRe(pattern: string, cache: Map<string, RegExp | null>): RegExp | null {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = micromatch.makeRe(pattern, GLOB_OPTIONS);
    } catch {
      re = null;
    }
    if (cache.size < 10_000) cache.set(pattern, re);
  }
  return re;
}

/**
 * A matcher equal to `micromatch.isMatch(s, patterns)`, or `null` when a pattern cannot be compiled
 * (the operation then gives `null`, as in the reference).
 */
export function globMatcher(
  patterns: readonly string[],
  cache: Map<string, RegExp | null>,
): ((s: string) => boolean) | null {
  const tests: Array<(s: string) => boolean> = [];
  const regexps: Array<{ pattern: string; re: RegExp }> = [];
  for (const p of patterns) {
    const re = makeRe(p, cache);
    if (re === null) return null;
    // A prefix test where the pattern's shape allows one (glob-shape.ts), else the regular expression.
    const shaped = shapeTest(p, re);
    if (shaped !== null) tests.push(shaped);
    else regexps.push({ pattern: p, re });
  }
  const combined = regexps.length > 1 ? alternation(regexps.map((x) => x.re)) : null;
  if (combined !== null) {
    const literal = new Set(regexps.map((x) => x.pattern));
    tests.push((s) => literal.has(s) || combined.test(s));
  } else for (const { pattern, re } of regexps) tests.push((s) => s === pattern || re.test(s));
  if (tests.length === 1) {
    const test = tests[0] as (s: string) => boolean;
    return (s) => s !== "" && test(s);
  }
  return (s) => {
    if (s === "") return false;
    for (let i = 0; i < tests.length; i++) if ((tests[i] as (s: string) => boolean)(s)) return true;
    return false;
  };
}

/**
 * One regular expression that matches a string exactly when one of `res` does (`(?:a)|(?:b)|…`),
 * so a list of patterns is one scan instead of one per pattern; `null` when that is not sure to
 * hold: different flags, a stateful flag (`g`, `y`), or a back reference (its group numbers would
 * shift) or named group.
 */
function alternation(res: readonly RegExp[]): RegExp | null {
  const flags = (res[0] as RegExp).flags;
  if (flags.includes("g") || flags.includes("y")) return null;
  for (const re of res) if (re.flags !== flags || /\\[1-9k]|\(\?<(?![=!])/.test(re.source)) return null;
  try {
    return new RegExp(res.map((re) => `(?:${re.source})`).join("|"), flags);
  } catch {
    return null;
  }
}

/** Fast `n.sum(list, "int")`: numbers while safe, BigInt from the first unsafe partial sum. */
function sumIntFast(list: unknown): number | null {
  if (!Array.isArray(list)) return null;
  let s = 0;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x === null || x === undefined) continue;
    if (!Number.isSafeInteger(x)) return null;
    const t = s + (x as number);
    if (!Number.isSafeInteger(t)) return sumIntBig(list);
    s = t;
  }
  return s + 0;
}

function sumDecFast(list: unknown): Rational | null {
  if (!Array.isArray(list)) return null;
  let s: Rational = ZERO;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (x === null || x === undefined) continue;
    const r = toRational(x);
    if (r === null) return null;
    s = add(s, r);
  }
  return s;
}

function decBinaryFast(f: (a: Rational, b: Rational) => Rational | null) {
  return (a: unknown, b: unknown) => {
    const x = toRational(a);
    const y = toRational(b);
    return x === null || y === null ? null : f(x, y);
  };
}

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

/** The fast implementation of every pure custom operation (not `n.bind`) for `zone`. */
function fastOps(zone: Zone, ctx: CompileContext): Record<string, OpFn> {
  return {
    "n.count": opCount,
    "n.sum": (list: unknown, kind: unknown) =>
      kind === "int" ? sumIntFast(list) : kind === "dec" ? sumDecFast(list) : null,
    "n.first": opFirst,
    "n.get": opGet,
    "n.record": opRecord,
    "n.coalesce": opCoalesce,
    "n.add": opAdd,
    "n.sub": opSub,
    "n.mul": opMul,
    "n.neg": opNeg,
    "n.cmp": (op: unknown, a: unknown, b: unknown) => {
      const f = fastCmp(op);
      return f === null ? null : f(a, b);
    },
    "n.dec": decFromParts,
    "n.todec": numberToRational,
    "n.dadd": decBinaryFast(add),
    "n.dsub": decBinaryFast(sub),
    "n.dmul": decBinaryFast(mul),
    "n.ddiv": decBinaryFast(div),
    "n.dcmp": (a: unknown, b: unknown) => {
      const x = toRational(a);
      const y = toRational(b);
      return x === null || y === null ? null : cmp(x, y);
    },
    "n.round": (x: unknown, mode: unknown) => {
      if (!isRoundingMode(mode)) return null;
      const r = toRational(x);
      return r === null ? null : round(r, mode);
    },
    "n.mulr": (i: unknown, x: unknown, mode: unknown) => {
      if (!isRoundingMode(mode) || !Number.isSafeInteger(i)) return null;
      const r = toRational(x);
      return r === null ? null : mulRound(i as number, r, mode);
    },
    "n.time": (t: unknown) => {
      // Facts repeat the same few date strings across rules and decisions.
      if (typeof t !== "string") return null;
      let ms = ctx.timeCache.get(t);
      if (ms === undefined) {
        ms = parseTime(t, zone);
        if (ctx.timeCache.size >= 4096) ctx.timeCache.clear();
        ctx.timeCache.set(t, ms);
      }
      return ms;
    },
    "n.day": (t: unknown) => dayStart(t, zone),
    "n.plus_natural_days": (t: unknown, n: unknown) => plusNaturalDays(t, n, zone),
    "n.natural_days_between": (a: unknown, b: unknown) => naturalDaysBetween(a, b, zone),
    "n.month": (t: unknown) => monthOf(t, zone),
    "n.prev_month": (t: unknown) => prevMonthOf(t, zone),
    "n.len": opLen,
    "n.contains": opContains,
    "n.starts": opStarts,
    "n.ends": opEnds,
    "n.contains_any": opContainsAny,
    "n.glob": (s: unknown, patterns: unknown) => {
      const list = globPatterns(patterns);
      if (typeof s !== "string" || list === null) return null;
      const m = globMatcher(list, ctx.globCache);
      return m === null ? null : m(s);
    },
    "n.lower": opLower,
    "n.trim": opTrim,
    "n.fmt": (value: unknown, type: unknown) => formatValue(value, type, zone),
  };
}

const fastOpsCache = new WeakMap<CompileContext, Record<string, OpFn>>();

/** The fast implementations of the custom operations for `ctx` (made once per context). */
export function opsFor(ctx: CompileContext): Record<string, OpFn> {
  let ops = fastOpsCache.get(ctx);
  if (!ops) {
    ops = fastOps(ctx.zone, ctx);
    fastOpsCache.set(ctx, ops);
  }
  return ops;
}

function compileCustom(logic: unknown, ptr: string, op: string, kids: CNode[], ctx: CompileContext): CNode {
  if (op !== "n.bind" && kids.every((k) => k.isConst)) {
    // Pure operations over constants are computed once.
    const impl = opsFor(ctx)[op] as OpFn;
    const value = impl(...kids.map((k) => k.value));
    return constNode(logic, ptr, isFrozenSafe(value), op, kids);
  }
  return node(logic, ptr, op, customFn(op, kids, ctx), kids);
}

/** A test made at load applied to what `a` gives: `null` unless that is a string. */
function onString(a: Fn, test: (s: string) => boolean): Fn {
  return (d, e) => {
    const x = a(d, e);
    return typeof x === "string" ? test(x) : null;
  };
}

function customFn(op: string, kids: CNode[], ctx: CompileContext): Fn {
  const fns = kids.map((k) => k.fn);
  const n = fns.length;
  if (op === "n.bind") {
    return (d, e) => {
      const v = new Array<unknown>(n);
      for (let i = 0; i < n; i++) v[i] = (fns[i] as Fn)(d, e);
      const name = v[0];
      const list = v[1];
      if (typeof name !== "string") return null;
      if (!Array.isArray(list)) return [];
      const base = materialize(d, e);
      return list.map((x: unknown) => bindScope(base, name, x));
    };
  }
  const impl = opsFor(ctx)[op] as OpFn;
  const a = fns[0] as Fn;
  const b = fns[1] as Fn;
  const c = fns[2] as Fn;
  const k1 = kids[1];
  const k2 = kids[2];
  switch (op) {
    case "n.count": {
      const f = kids[0];
      if (n === 1 && f?.quant?.kind === "filter" && f.quant.bind !== null) {
        const name = f.quant.bind;
        const L = f.quant.list.fn;
        const P = f.quant.body.fn;
        return (d, e) => {
          const xs = L(d, e);
          if (!Array.isArray(xs)) return 0;
          let count = 0;
          for (let i = 0; i < xs.length; i++) if (truthy(P(d, { name, v: xs[i], up: e }))) count++;
          return count;
        };
      }
      break;
    }
    case "n.glob": {
      if (n === 2 && k1?.isConst) {
        const list = globPatterns(k1.value);
        const m = list === null ? null : globMatcher(list, ctx.globCache);
        if (m === null) return (d, e) => (a(d, e), null);
        return onString(a, m);
      }
      break;
    }
    case "n.contains_any":
      if (n === 2 && k1?.isConst && Array.isArray(k1.value)) return onString(a, containsAnyMatcher(k1.value));
      break;
    case "n.cmp": {
      const k0 = kids[0];
      if (n === 3 && k0?.isConst) {
        const f = fastCmp(k0.value);
        if (f === null) return (d, e) => (b(d, e), c(d, e), null);
        return (d, e) => f(b(d, e), c(d, e));
      }
      break;
    }
    case "n.fmt":
      if (n === 2 && k1?.isConst) {
        const render = formatterFor(k1.value, ctx.zone);
        return (d, e) => render(a(d, e));
      }
      break;
    case "n.round":
    case "n.sum":
      if (n === 2 && k1?.isConst) {
        const second = k1.value;
        return (d, e) => impl(a(d, e), second);
      }
      break;
    case "n.mulr":
      if (n === 3 && k2?.isConst) {
        const mode = k2.value;
        if (!isRoundingMode(mode)) return (d, e) => (a(d, e), b(d, e), null);
        return (d, e) => {
          const i = a(d, e);
          const x = b(d, e);
          if (!Number.isSafeInteger(i)) return null;
          const r = toRational(x);
          return r === null ? null : mulRound(i as number, r, mode);
        };
      }
      break;
  }
  if (n === 1) return (d, e) => impl(a(d, e));
  if (n === 2) return (d, e) => impl(a(d, e), b(d, e));
  if (n === 3) return (d, e) => impl(a(d, e), b(d, e), c(d, e));
  return (d, e) => impl(...fns.map((f) => f(d, e)));
}

/** Constants handed out by many decisions are frozen, so a caller cannot change them for the next. */
function isFrozenSafe<T>(value: T): T {
  if (value !== null && typeof value === "object") Object.freeze(value);
  return value;
}
