/**
 * The `n.*` operations of the IR (`docs/ir.md`, "Custom operations"), as plain functions over
 * evaluated arguments.
 *
 * `referenceOps` is what the reference evaluator registers into json-logic-js: every function is
 * the straightforward reading of the spec (BigInt arithmetic, `micromatch.isMatch`). The fast path
 * (`fast/compile.ts`) reuses the functions that have nothing to specialize and replaces the others
 * with specialized versions; the differential test holds them to the same results.
 *
 * INVARIANT: no function here throws on data; a wrong operand gives `null`.
 */
import micromatch from "micromatch";
import {
  addBig,
  cmpBig,
  decFromParts,
  divBig,
  isRational,
  isRoundingMode,
  mulBig,
  mulRoundBig,
  numberToRational,
  Rational,
  roundBig,
  subBig,
  toRational,
  ZERO,
} from "../value/rational.js";
import { compareCodePoints, codePointLength, lowerLatin, trimSpace } from "../value/text.js";
import {
  dayStart,
  monthOf,
  naturalDaysBetween,
  parseTime,
  plusNaturalDays,
  prevMonthOf,
  type Zone,
} from "../value/time.js";
import { formatValue } from "./format.js";

/** An operation as json-logic-js calls it: `this` is the current data, arguments are evaluated. */
export type OpFn = (this: unknown, ...args: unknown[]) => unknown;

/** Each custom operation's argument count: `[min, max]`. */
export const CUSTOM_OP_ARITY: Readonly<Record<string, readonly [number, number]>> = {
  "n.bind": [2, 2],
  "n.count": [1, 1],
  "n.sum": [2, 2],
  "n.first": [1, 1],
  "n.get": [2, 2],
  "n.record": [0, Number.MAX_SAFE_INTEGER],
  "n.coalesce": [2, 2],
  "n.add": [2, 2],
  "n.sub": [2, 2],
  "n.mul": [2, 2],
  "n.neg": [1, 1],
  "n.cmp": [3, 3],
  "n.dec": [2, 2],
  "n.todec": [1, 1],
  "n.dadd": [2, 2],
  "n.dsub": [2, 2],
  "n.dmul": [2, 2],
  "n.ddiv": [2, 2],
  "n.dcmp": [2, 2],
  "n.round": [2, 2],
  "n.mulr": [3, 3],
  "n.time": [1, 1],
  "n.day": [1, 1],
  "n.plus_natural_days": [2, 2],
  "n.natural_days_between": [2, 2],
  "n.month": [1, 1],
  "n.prev_month": [1, 1],
  "n.len": [1, 1],
  "n.contains": [2, 2],
  "n.starts": [2, 2],
  "n.ends": [2, 2],
  "n.contains_any": [2, 2],
  "n.glob": [2, 2],
  "n.lower": [1, 1],
  "n.trim": [1, 1],
  "n.fmt": [2, 2],
};

/** True when `op` is one of the custom operations. */
export function isCustomOp(op: string): boolean {
  return Object.prototype.hasOwnProperty.call(CUSTOM_OP_ARITY, op);
}

/** The comparison operators of `n.cmp`. */
export const CMP_OPERATORS: readonly string[] = ["<", "<=", ">", ">=", "==", "!="];

/** Glob options shared by both evaluators: POSIX paths on every platform. */
export const GLOB_OPTIONS: micromatch.Options = { windows: false };

// ---------------------------------------------------------------------------------------------
// Helpers shared by both evaluators.

/** A null-prototype copy of `scope` plus `{[name]: value}`: one element of `n.bind`'s result. */
export function bindScope(scope: unknown, name: string, value: unknown): Record<string, unknown> {
  const copy = Object.assign(Object.create(null) as Record<string, unknown>, scope);
  copy[name] = value;
  return copy;
}

/** `n.count`: the length of a list; `null` otherwise. */
export function opCount(list: unknown): number | null {
  return Array.isArray(list) ? list.length : null;
}

/** `n.first`: the first element of a list, or `null`. */
export function opFirst(list: unknown): unknown {
  return Array.isArray(list) && list.length > 0 ? (list[0] ?? null) : null;
}

/** `n.get`: `record[key]` when it is an own property of an object; `null` otherwise. */
export function opGet(record: unknown, key: unknown): unknown {
  if (record === null || typeof record !== "object") return null;
  if (typeof key !== "string" && typeof key !== "number") return null;
  return Object.prototype.hasOwnProperty.call(record, key)
    ? ((record as Record<string, unknown>)[key] ?? null)
    : null;
}

/**
 * `n.record(k1, v1, k2, v2, …)`: a record (null-prototype object) with those fields; `null` when a
 * key is not a string or the arguments do not pair up.
 */
export function opRecord(...args: unknown[]): Record<string, unknown> | null {
  if (args.length % 2 !== 0) return null;
  const out = Object.create(null) as Record<string, unknown>;
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i];
    if (typeof k !== "string") return null;
    out[k] = args[i + 1] ?? null;
  }
  return out;
}

/** `n.coalesce`: `a` unless it is `null`, else `b`. */
export function opCoalesce(a: unknown, b: unknown): unknown {
  return a === null || a === undefined ? (b ?? null) : a;
}

/** `n.add`: exact sum of two safe integers, or `null` (an operand not a safe integer, or overflow). */
export function opAdd(a: unknown, b: unknown): number | null {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
  const s = (a as number) + (b as number);
  return Number.isSafeInteger(s) ? s + 0 : null;
}

/** `n.sub`: exact difference of two safe integers, or `null`. */
export function opSub(a: unknown, b: unknown): number | null {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
  const s = (a as number) - (b as number);
  return Number.isSafeInteger(s) ? s + 0 : null;
}

/** `n.mul`: exact product of two safe integers, or `null`. */
export function opMul(a: unknown, b: unknown): number | null {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
  const p = (a as number) * (b as number);
  return Number.isSafeInteger(p) ? p + 0 : null;
}

/** `n.neg`: the negation of a safe integer, or `null`. */
export function opNeg(a: unknown): number | null {
  return Number.isSafeInteger(a) ? -(a as number) + 0 : null;
}

/** The verdict of comparison `op` given an order -1, 0 or 1. */
export function cmpHolds(op: unknown, order: -1 | 0 | 1): boolean {
  switch (op) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "==":
      return order === 0;
    case "!=":
      return order !== 0;
    default:
      return false;
  }
}

/**
 * The order of two comparable values (numbers, rationals, strings by code point; booleans for
 * `==`/`!=` only), or `null` when they are not comparable (`null`, NaN, different kinds).
 * `cmpRat` compares two rationals (BigInt in the reference, fast arithmetic in the fast path).
 */
export function orderOf(
  a: unknown,
  b: unknown,
  cmpRat: (x: Rational, y: Rational) => -1 | 0 | 1,
): -1 | 0 | 1 | null {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === "number" && tb === "number") {
    const x = a as number;
    const y = b as number;
    if (Number.isNaN(x) || Number.isNaN(y)) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === "string" && tb === "string") return compareCodePoints(a as string, b as string);
  if ((ta === "number" || isRational(a)) && (tb === "number" || isRational(b))) {
    const x = numberToRational(a);
    const y = numberToRational(b);
    return x === null || y === null ? null : cmpRat(x, y);
  }
  return null;
}

/** `n.cmp(op, a, b)` given a rational comparison; see `orderOf`. */
export function opCmp(
  op: unknown,
  a: unknown,
  b: unknown,
  cmpRat: (x: Rational, y: Rational) => -1 | 0 | 1,
): boolean | null {
  if (typeof op !== "string" || !CMP_OPERATORS.includes(op)) return null;
  if (typeof a === "boolean" && typeof b === "boolean") {
    return op === "==" ? a === b : op === "!=" ? a !== b : false;
  }
  const order = orderOf(a, b, cmpRat);
  return order === null ? false : cmpHolds(op, order);
}

/** `n.len`: code points of a string, length of a list, else `null`. */
export function opLen(x: unknown): number | null {
  if (typeof x === "string") return codePointLength(x);
  return Array.isArray(x) ? x.length : null;
}

/** `n.contains`: substring test. */
export function opContains(s: unknown, part: unknown): boolean | null {
  return typeof s === "string" && typeof part === "string" ? s.includes(part) : null;
}

/** `n.starts`: prefix test. */
export function opStarts(s: unknown, part: unknown): boolean | null {
  return typeof s === "string" && typeof part === "string" ? s.startsWith(part) : null;
}

/** `n.ends`: suffix test. */
export function opEnds(s: unknown, part: unknown): boolean | null {
  return typeof s === "string" && typeof part === "string" ? s.endsWith(part) : null;
}

/** `n.contains_any`: true when some string of `words` occurs in `s` (other items are ignored). */
export function opContainsAny(s: unknown, words: unknown): boolean | null {
  if (typeof s !== "string" || !Array.isArray(words)) return null;
  for (const w of words) {
    if (typeof w === "string" && s.includes(w)) return true;
  }
  return false;
}

/** Word lists this short are searched word by word (`includes`); longer ones by {@link containsAnyMatcher}'s index. */
const FEW_WORDS = 4;

/**
 * `n.contains_any` for a constant list of words, made once: a test of a string giving exactly
 * `opContainsAny(s, words)`. A long list is indexed by each word's first UTF-16 code unit, so a
 * string is scanned once (a lookup per position, `startsWith` on the few words that begin there)
 * instead of searched once per word: a nickname against 55 words is about one tenth of the work.
 * Found at some position is the same as `includes`: both match code units at any index.
 */
export function containsAnyMatcher(words: readonly unknown[]): (s: string) => boolean {
  const list = [...new Set(words.filter((w): w is string => typeof w === "string"))];
  if (list.includes("")) return () => true;
  if (list.length <= FEW_WORDS) {
    return (s) => {
      for (let i = 0; i < list.length; i++) if (s.includes(list[i] as string)) return true;
      return false;
    };
  }
  const byFirst = new Map<number, string[]>();
  // A bit per (first code unit mod 1024): most positions are passed over without a map lookup.
  const maybe = new Uint8Array(1024);
  let shortest = Infinity;
  for (const w of list) {
    const c = w.charCodeAt(0);
    maybe[c & 1023] = 1;
    const same = byFirst.get(c);
    if (same === undefined) byFirst.set(c, [w]);
    else same.push(w);
    if (w.length < shortest) shortest = w.length;
  }
  return (s) => {
    for (let i = 0, last = s.length - shortest; i <= last; i++) {
      const c = s.charCodeAt(i);
      if (maybe[c & 1023] === 0) continue;
      const candidates = byFirst.get(c);
      if (candidates === undefined) continue;
      for (let j = 0; j < candidates.length; j++) if (s.startsWith(candidates[j] as string, i)) return true;
    }
    return false;
  };
}

/** `n.lower`: see `lowerLatin`. */
export function opLower(s: unknown): string | null {
  return typeof s === "string" ? lowerLatin(s) : null;
}

/** `n.trim`: see `trimSpace`. */
export function opTrim(s: unknown): string | null {
  return typeof s === "string" ? trimSpace(s) : null;
}

/**
 * The glob patterns of `n.glob` as a list of non-empty strings (a single string is a list of one),
 * or `null` when `patterns` is anything else.
 */
export function globPatterns(patterns: unknown): string[] | null {
  const list = typeof patterns === "string" ? [patterns] : patterns;
  if (!Array.isArray(list)) return null;
  for (const p of list) {
    if (typeof p !== "string" || p === "") return null;
  }
  return list as string[];
}

/** `n.sum(list, "int")` through BigInt: the exact sum of safe integers, `null` items skipped. */
export function sumIntBig(list: unknown): number | null {
  if (!Array.isArray(list)) return null;
  let s = 0n;
  for (const x of list) {
    if (x === null || x === undefined) continue;
    if (!Number.isSafeInteger(x)) return null;
    s += BigInt(x as number);
  }
  return s <= BigInt(Number.MAX_SAFE_INTEGER) && s >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) + 0 : null;
}

/** `n.sum(list, "dec")` through BigInt: the exact rational sum of rationals and safe integers. */
export function sumDecBig(list: unknown): Rational | null {
  if (!Array.isArray(list)) return null;
  let s: Rational = ZERO;
  for (const x of list) {
    if (x === null || x === undefined) continue;
    const r = toRational(x);
    if (r === null) return null;
    s = addBig(s, r);
  }
  return s;
}

function decBinary(f: (a: Rational, b: Rational) => Rational | null): OpFn {
  return function (a: unknown, b: unknown) {
    const x = toRational(a);
    const y = toRational(b);
    return x === null || y === null ? null : f(x, y);
  };
}

/**
 * The reference implementations of every custom operation for a bundle in `zone`, keyed by op
 * name, ready for `json-logic-js`'s `add_operation`.
 */
export function referenceOps(zone: Zone): Record<string, OpFn> {
  return {
    "n.bind": function (this: unknown, name: unknown, list: unknown) {
      if (typeof name !== "string") return null;
      if (!Array.isArray(list)) return [];
      return list.map((e: unknown) => bindScope(this, name, e));
    },
    "n.count": opCount,
    "n.sum": (list: unknown, kind: unknown) =>
      kind === "int" ? sumIntBig(list) : kind === "dec" ? sumDecBig(list) : null,
    "n.first": opFirst,
    "n.get": opGet,
    "n.record": opRecord,
    "n.coalesce": opCoalesce,
    "n.add": opAdd,
    "n.sub": opSub,
    "n.mul": opMul,
    "n.neg": opNeg,
    "n.cmp": (op: unknown, a: unknown, b: unknown) => opCmp(op, a, b, cmpBig),
    "n.dec": decFromParts,
    "n.todec": numberToRational,
    "n.dadd": decBinary(addBig),
    "n.dsub": decBinary(subBig),
    "n.dmul": decBinary(mulBig),
    "n.ddiv": decBinary(divBig),
    "n.dcmp": (a: unknown, b: unknown) => {
      const x = toRational(a);
      const y = toRational(b);
      return x === null || y === null ? null : cmpBig(x, y);
    },
    "n.round": (x: unknown, mode: unknown) => {
      if (!isRoundingMode(mode)) return null;
      const r = toRational(x);
      return r === null ? null : roundBig(r.bn, r.bd, mode);
    },
    "n.mulr": (i: unknown, x: unknown, mode: unknown) => {
      if (!isRoundingMode(mode) || !Number.isSafeInteger(i)) return null;
      const r = toRational(x);
      return r === null ? null : mulRoundBig(i as number, r, mode);
    },
    "n.time": (s: unknown) => parseTime(s, zone),
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
      return micromatch.isMatch(s, list, GLOB_OPTIONS);
    },
    "n.lower": opLower,
    "n.trim": opTrim,
    "n.fmt": (value: unknown, type: unknown) => formatValue(value, type, zone),
  };
}
