/**
 * The standard JSON Logic operations with exactly json-logic-js 2.0.5's semantics (coercions,
 * argument handling, even the exceptions it throws), for the fast path. Each function is the
 * json-logic-js operation body written out in TypeScript; casts to `number` only silence the type
 * checker, the JavaScript operators still coerce exactly as in json-logic-js.
 */

/** JSON Logic truthiness: like JavaScript, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value) && value.length === 0) return false;
  return !!value;
}

/** True when `logic` is an operation: a non-array object with exactly one own enumerable key. */
export function isLogic(logic: unknown): logic is Record<string, unknown> {
  return (
    typeof logic === "object" && logic !== null && !Array.isArray(logic) && Object.keys(logic).length === 1
  );
}

type N = number;

/** `==`: JavaScript loose equality. */
export function looseEq(a: unknown, b: unknown): boolean {
  return a == b;
}

/** `<` with an optional third operand (`a < b < c`). */
export function lt(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as N) < (b as N) : (a as N) < (b as N) && (b as N) < (c as N);
}

/** `<=` with an optional third operand. */
export function le(a: unknown, b: unknown, c: unknown): boolean {
  return c === undefined ? (a as N) <= (b as N) : (a as N) <= (b as N) && (b as N) <= (c as N);
}

/** `>`. */
export function gt(a: unknown, b: unknown): boolean {
  return (a as N) > (b as N);
}

/** `>=`. */
export function ge(a: unknown, b: unknown): boolean {
  return (a as N) >= (b as N);
}

/** `%`. */
export function mod(a: unknown, b: unknown): number {
  return (a as N) % (b as N);
}

/** `/`. */
export function divide(a: unknown, b: unknown): number {
  return (a as N) / (b as N);
}

/** `-`: negation with one operand, difference with two. */
export function minus(a: unknown, b: unknown): number {
  return b === undefined ? -(a as N) : (a as N) - (b as N);
}

/** `+`: `parseFloat` of every operand, summed from 0. */
export function plus(args: unknown[]): number {
  let acc: unknown = 0;
  for (const x of args) acc = parseFloat(acc as string) + parseFloat(x as string);
  return acc as number;
}

/** `*`: `parseFloat` products via `reduce` without a seed (one operand comes back as is; none throws). */
export function times(args: unknown[]): unknown {
  return args.reduce((a, b) => parseFloat(a as string) * parseFloat(b as string));
}

/** `min`: `Math.min` (no operand: `Infinity`). */
export function min(args: unknown[]): number {
  return Math.min(...(args as N[]));
}

/** `max`: `Math.max` (no operand: `-Infinity`). */
export function max(args: unknown[]): number {
  return Math.max(...(args as N[]));
}

/** `merge`: concatenation, flattening one level. */
export function merge(args: unknown[]): unknown[] {
  return args.reduce((a: unknown[], b) => a.concat(b), []);
}

/** One operand of `cat` as `[x].join("")` writes it: `null` and `undefined` are empty. */
export function catPart(x: unknown): string {
  return x === null || x === undefined ? "" : String(x);
}

/** `cat` of two operands (see {@link catPart}). */
export function catPair(x: unknown, y: unknown): string {
  return catPart(x) + catPart(y);
}

/**
 * `x === prefix + catPart(y)`, without building the string when `y` is one: the same length, the
 * prefix at the start and `y` at the end.
 */
export function eqPrefixed(x: unknown, prefix: string, y: unknown): boolean {
  if (typeof y !== "string") return x === prefix + catPart(y);
  return (
    typeof x === "string" && x.length === prefix.length + y.length && x.startsWith(prefix) && x.endsWith(y)
  );
}

/** `cat`: operands joined by `Array.prototype.join` (so `null` is empty). */
export function cat(args: unknown[]): string {
  return args.join("");
}

/** `substr` with PHP-style negative length. */
export function substr(source: unknown, start: unknown, end: unknown): string {
  if ((end as N) < 0) {
    const temp = String(source).substr(start as N);
    return temp.substr(0, temp.length + (end as N));
  }
  return String(source).substr(start as N, end as N);
}

/** `in`: `b.indexOf(a) !== -1` for anything with an `indexOf` (arrays and strings). */
export function inOp(a: unknown, b: unknown): boolean {
  if (!b || typeof (b as { indexOf?: unknown }).indexOf === "undefined") return false;
  return (b as { indexOf(x: unknown): number }).indexOf(a) !== -1;
}

/** The standard JSON Logic operations json-logic-js 2.0.5 implements. */
export const STANDARD_OPS: readonly string[] = [
  "==",
  "===",
  "!=",
  "!==",
  ">",
  ">=",
  "<",
  "<=",
  "!!",
  "!",
  "%",
  "log",
  "in",
  "cat",
  "substr",
  "+",
  "*",
  "-",
  "/",
  "min",
  "max",
  "merge",
  "var",
  "missing",
  "missing_some",
  "if",
  "?:",
  "and",
  "or",
  "filter",
  "map",
  "reduce",
  "all",
  "none",
  "some",
];
