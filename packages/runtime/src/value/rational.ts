/**
 * Exact rationals (the runtime value of Norma's `decimal` and `percent`) and the rounding modes.
 *
 * A `Rational` is normalized: the denominator is positive, numerator and denominator are coprime,
 * and both are plain numbers when both are safe integers (bigints otherwise). So two equal
 * rationals are structurally equal, whichever evaluator computed them.
 *
 * Two families of operations live here. The `*Big` functions always go through BigInt: they are the
 * reference's arithmetic, obviously right. The others try safe-integer arithmetic first and fall
 * back to BigInt only when an intermediate product would leave the safe range: the fast path's
 * arithmetic. The differential test checks that both agree.
 */

/** One of the rounding modes of `n.round` and `n.mulr`. `half_up` rounds ties away from zero. */
export type RoundingMode = "floor" | "ceil" | "trunc" | "half_up" | "half_even";

/** The rounding modes, in the order the IR documents them. */
export const ROUNDING_MODES: readonly RoundingMode[] = ["floor", "ceil", "trunc", "half_up", "half_even"];

/** True when `value` names a rounding mode. */
export function isRoundingMode(value: unknown): value is RoundingMode {
  return (
    value === "floor" || value === "ceil" || value === "trunc" || value === "half_up" || value === "half_even"
  );
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

function isSafeBig(x: bigint): boolean {
  return x <= MAX_SAFE && x >= MIN_SAFE;
}

function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = absBig(a);
  b = absBig(b);
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function gcdNum(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * An exact rational number. Immutable.
 *
 * INVARIANT: `d > 0`, `gcd(|n|, d) = 1`, and `n`, `d` are both numbers (safe integers, never `-0`)
 * exactly when both fit; otherwise both are bigints.
 */
export class Rational {
  /** The numerator (sign carrier). */
  readonly n: number | bigint;
  /** The denominator, always positive. */
  readonly d: number | bigint;

  private constructor(n: number | bigint, d: number | bigint) {
    this.n = n;
    this.d = d;
  }

  /** The rational of a safe integer (caller guarantees `Number.isSafeInteger(i)`). */
  static int(i: number): Rational {
    return new Rational(i + 0, 1);
  }

  /** The rational `n / d` from safe integers; `null` when `d` is 0. */
  static small(n: number, d: number): Rational | null {
    if (d === 0) return null;
    if (d < 0) {
      n = -n;
      d = -d;
    }
    const g = gcdNum(n, d);
    return g === 1 ? new Rational(n + 0, d) : new Rational(n / g + 0, d / g);
  }

  /** The rational `n / d` from bigints, normalized; `null` when `d` is 0. */
  static big(n: bigint, d: bigint): Rational | null {
    if (d === 0n) return null;
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcdBig(n, d);
    if (g !== 1n) {
      n /= g;
      d /= g;
    }
    return isSafeBig(n) && isSafeBig(d) ? new Rational(Number(n) + 0, Number(d)) : new Rational(n, d);
  }

  /** True when numerator and denominator are plain numbers. */
  get isSmall(): boolean {
    return typeof this.n === "number";
  }

  /** Numerator as a bigint. */
  get bn(): bigint {
    return BigInt(this.n);
  }

  /** Denominator as a bigint. */
  get bd(): bigint {
    return BigInt(this.d);
  }

  /** The sign: -1, 0 or 1. */
  get sign(): -1 | 0 | 1 {
    const n = this.n;
    return n > 0 ? 1 : n < 0 ? -1 : 0;
  }

  /**
   * The decimal form when the expansion terminates (`12.5`, `-0.05`, `3`), else `n/d` (`1/3`).
   * This is what `cat` shows and what JSON output carries.
   */
  toString(): string {
    return formatRational(this, Infinity) ?? `${this.n.toString()}/${this.d.toString()}`;
  }

  /** JSON form: the same string as `toString` (a rational never becomes a binary float). */
  toJSON(): string {
    return this.toString();
  }
}

/** True when `value` is a `Rational`. */
export function isRational(value: unknown): value is Rational {
  return value instanceof Rational;
}

/** Zero, shared. */
export const ZERO = Rational.int(0);

/**
 * The decimal digits of `r` if it terminates within `maxDecimals` places (trailing zeros removed),
 * else `null`.
 */
export function formatRational(r: Rational, maxDecimals: number): string | null {
  let d = r.bd;
  // A fraction terminates iff the denominator has only the prime factors 2 and 5.
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return null;
  const places = Math.max(twos, fives);
  if (places > maxDecimals) return null;
  const n = r.bn;
  const scaled = (absBig(n) * 10n ** BigInt(places)) / r.bd;
  return digitsWithPoint(n < 0n, scaled, places);
}

/** `digits / 10^places` as a decimal string, trailing zeros of the fraction removed. */
export function digitsWithPoint(negative: boolean, digits: bigint, places: number): string {
  let s = digits.toString();
  if (places > 0) {
    s = s.padStart(places + 1, "0");
    let int = s.slice(0, s.length - places);
    const frac = s.slice(s.length - places).replace(/0+$/, "");
    if (int === "") int = "0";
    s = frac === "" ? int : `${int}.${frac}`;
  }
  return negative && digits !== 0n ? `-${s}` : s;
}

/** A safe integer or a rational as a rational; anything else `null`. */
export function toRational(x: unknown): Rational | null {
  if (typeof x === "number") return Number.isSafeInteger(x) ? Rational.int(x) : null;
  return x instanceof Rational ? x : null;
}

const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The exact rational a decimal literal denotes (`12.5`, `-1e-7`, `3`), or `null` when `text` is not
 * one. Exponents beyond ±400 are refused (no JSON number needs more).
 */
export function parseDecimal(text: string): Rational | null {
  const m = DECIMAL_RE.exec(text);
  if (!m) return null;
  const exp = (m[4] === undefined ? 0 : Number(m[4])) - (m[3]?.length ?? 0);
  if (Math.abs(exp) > 400) return null;
  let n = BigInt((m[2] ?? "0") + (m[3] ?? ""));
  if (m[1] === "-") n = -n;
  return exp >= 0 ? Rational.big(n * 10n ** BigInt(exp), 1n) : Rational.big(n, 10n ** BigInt(-exp));
}

/**
 * `n.todec`: a safe integer, a finite JSON number (read through its shortest decimal form) or a
 * rational, as a rational; anything else `null`.
 */
export function numberToRational(x: unknown): Rational | null {
  if (typeof x === "number") {
    if (Number.isSafeInteger(x)) return Rational.int(x);
    if (!Number.isFinite(x)) return null;
    return parseDecimal(String(x));
  }
  return x instanceof Rational ? x : null;
}

const INT_STRING_RE = /^-?\d+$/;

/** `n.dec`: the rational `num / den` of two integer strings (or safe integers); `null` otherwise. */
export function decFromParts(num: unknown, den: unknown): Rational | null {
  const a = intPart(num);
  const b = intPart(den);
  if (a === null || b === null) return null;
  return Rational.big(a, b);
}

function intPart(x: unknown): bigint | null {
  if (typeof x === "string") return INT_STRING_RE.test(x) && x.length <= 400 ? BigInt(x) : null;
  if (typeof x === "number") return Number.isSafeInteger(x) ? BigInt(x) : null;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reference arithmetic: always BigInt.

/** Exact sum through BigInt (reference). */
export function addBig(a: Rational, b: Rational): Rational {
  return Rational.big(a.bn * b.bd + b.bn * a.bd, a.bd * b.bd) as Rational;
}

/** Exact difference through BigInt (reference). */
export function subBig(a: Rational, b: Rational): Rational {
  return Rational.big(a.bn * b.bd - b.bn * a.bd, a.bd * b.bd) as Rational;
}

/** Exact product through BigInt (reference). */
export function mulBig(a: Rational, b: Rational): Rational {
  return Rational.big(a.bn * b.bn, a.bd * b.bd) as Rational;
}

/** Exact quotient through BigInt (reference); `null` when `b` is zero. */
export function divBig(a: Rational, b: Rational): Rational | null {
  return Rational.big(a.bn * b.bd, a.bd * b.bn);
}

/** -1, 0 or 1 through BigInt (reference). */
export function cmpBig(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.bn * b.bd;
  const r = b.bn * a.bd;
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * `round(n / d, mode)` for bigints with `d > 0` (reference); `null` when the result is not a safe
 * integer.
 */
export function roundBig(n: bigint, d: bigint, mode: RoundingMode): number | null {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r = a % d;
  q = bumpBig(q, r, d, neg, mode);
  const out = neg ? -q : q;
  return isSafeBig(out) ? Number(out) + 0 : null;
}

function bumpBig(q: bigint, r: bigint, d: bigint, neg: boolean, mode: RoundingMode): bigint {
  if (r === 0n) return q;
  switch (mode) {
    case "trunc":
      return q;
    case "floor":
      return neg ? q + 1n : q;
    case "ceil":
      return neg ? q : q + 1n;
    case "half_up":
      return 2n * r >= d ? q + 1n : q;
    case "half_even": {
      const twice = 2n * r;
      if (twice > d) return q + 1n;
      if (twice < d) return q;
      return q % 2n === 0n ? q : q + 1n;
    }
  }
}

/** `round(i × r, mode)` through BigInt (reference); `null` when the result is not a safe integer. */
export function mulRoundBig(i: number, r: Rational, mode: RoundingMode): number | null {
  return roundBig(BigInt(i) * r.bn, r.bd, mode);
}

// ---------------------------------------------------------------------------------------------
// Fast arithmetic: safe integers first, BigInt only when a product would leave the safe range.
// INVARIANT: every function below returns exactly what its `*Big` counterpart returns.

/** Exact sum. */
export function add(a: Rational, b: Rational): Rational {
  if (typeof a.n === "number" && typeof b.n === "number") {
    const ad = a.d as number;
    const bd = b.d as number;
    if (ad === 1 && bd === 1) {
      const s = a.n + b.n;
      if (Number.isSafeInteger(s)) return Rational.int(s);
    } else {
      const x = a.n * bd;
      const y = b.n * ad;
      const s = x + y;
      const d = ad * bd;
      if (
        Number.isSafeInteger(x) &&
        Number.isSafeInteger(y) &&
        Number.isSafeInteger(s) &&
        Number.isSafeInteger(d)
      ) {
        return Rational.small(s, d) as Rational;
      }
    }
  }
  return addBig(a, b);
}

/** Exact difference. */
export function sub(a: Rational, b: Rational): Rational {
  if (typeof a.n === "number" && typeof b.n === "number") {
    const ad = a.d as number;
    const bd = b.d as number;
    const x = a.n * bd;
    const y = b.n * ad;
    const s = x - y;
    const d = ad * bd;
    if (
      Number.isSafeInteger(x) &&
      Number.isSafeInteger(y) &&
      Number.isSafeInteger(s) &&
      Number.isSafeInteger(d)
    ) {
      return ad === 1 && bd === 1 ? Rational.int(s) : (Rational.small(s, d) as Rational);
    }
  }
  return subBig(a, b);
}

/** Exact product. */
export function mul(a: Rational, b: Rational): Rational {
  if (typeof a.n === "number" && typeof b.n === "number") {
    const n = a.n * b.n;
    const d = (a.d as number) * (b.d as number);
    if (Number.isSafeInteger(n) && Number.isSafeInteger(d)) return Rational.small(n, d) as Rational;
  }
  return mulBig(a, b);
}

/** Exact quotient; `null` when `b` is zero. */
export function div(a: Rational, b: Rational): Rational | null {
  if (b.n === 0 || b.n === 0n) return null;
  if (typeof a.n === "number" && typeof b.n === "number") {
    const n = a.n * (b.d as number);
    const d = (a.d as number) * b.n;
    if (Number.isSafeInteger(n) && Number.isSafeInteger(d)) return Rational.small(n, d);
  }
  return divBig(a, b);
}

/** -1, 0 or 1. */
export function cmp(a: Rational, b: Rational): -1 | 0 | 1 {
  if (typeof a.n === "number" && typeof b.n === "number") {
    const l = a.n * (b.d as number);
    const r = b.n * (a.d as number);
    if (Number.isSafeInteger(l) && Number.isSafeInteger(r)) return l < r ? -1 : l > r ? 1 : 0;
  }
  return cmpBig(a, b);
}

/**
 * Applies `mode` to a non-negative quotient `q` with remainder `r` (0 <= r < d) of a value whose
 * sign is `neg`, and returns the signed result, or `null` past the safe range. Numbers only; the
 * caller guarantees `q`, `r`, `d` are safe integers.
 */
function finishNum(q: number, r: number, d: number, neg: boolean, mode: RoundingMode): number | null {
  if (r !== 0) {
    switch (mode) {
      case "trunc":
        break;
      case "floor":
        if (neg) q += 1;
        break;
      case "ceil":
        if (!neg) q += 1;
        break;
      case "half_up":
        // r < d <= MAX_SAFE, so comparing r with d - r avoids the 2r overflow.
        if (r >= d - r) q += 1;
        break;
      case "half_even":
        if (r > d - r || (r === d - r && q % 2 === 1)) q += 1;
        break;
    }
  }
  if (!Number.isSafeInteger(q)) return null;
  return neg ? -q + 0 : q;
}

/** `round(r, mode)` as a safe integer, or `null` past the safe range. */
export function round(r: Rational, mode: RoundingMode): number | null {
  if (typeof r.n === "number") {
    const d = r.d as number;
    if (d === 1) return r.n;
    const neg = r.n < 0;
    const a = neg ? -r.n : r.n;
    const rem = a % d;
    return finishNum((a - rem) / d, rem, d, neg, mode);
  }
  return roundBig(r.n, r.d as bigint, mode);
}

/**
 * `round(i × r, mode)` for a safe integer `i` (fen) and a rational `r` (a percent), exact, or `null`
 * past the safe range. When `i × r.n` leaves the safe range but `r.n × r.d` does not, the product
 * is split as `i = qa·d + ra` so that `i·n/d = qa·n + ra·n/d` with every term safe: exact integer
 * correction with no BigInt.
 */
export function mulRound(i: number, r: Rational, mode: RoundingMode): number | null {
  if (typeof r.n === "number") {
    const d = r.d as number;
    const neg = i < 0 !== r.n < 0 && i !== 0 && r.n !== 0;
    const a = Math.abs(i);
    const n = Math.abs(r.n);
    const p = a * n;
    if (Number.isSafeInteger(p)) {
      const rem = p % d;
      return finishNum((p - rem) / d, rem, d, neg, mode);
    }
    if (Number.isSafeInteger(n * d)) {
      const ra = a % d;
      const qa = (a - ra) / d;
      const t = ra * n;
      const tr = t % d;
      const tq = (t - tr) / d;
      const hi = qa * n;
      const q = hi + tq;
      if (!Number.isSafeInteger(hi) || !Number.isSafeInteger(q)) return null;
      return finishNum(q, tr, d, neg, mode);
    }
  }
  return mulRoundBig(i, r, mode);
}
