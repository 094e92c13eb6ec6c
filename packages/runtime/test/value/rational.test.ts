import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  add,
  addBig,
  cmp,
  cmpBig,
  decFromParts,
  div,
  divBig,
  formatRational,
  mul,
  mulBig,
  mulRound,
  mulRoundBig,
  numberToRational,
  parseDecimal,
  Rational,
  round,
  roundBig,
  ROUNDING_MODES,
  sub,
  subBig,
  type RoundingMode,
} from "../../src/value/rational.js";

const r = (n: number | bigint, d: number | bigint = 1) => Rational.big(BigInt(n), BigInt(d)) as Rational;
const MAX = Number.MAX_SAFE_INTEGER;

describe("Rational normal form", () => {
  it("reduces, puts the sign on the numerator, and uses numbers when both parts are safe", () => {
    expect(r(6, -4)).toEqual(r(-3, 2));
    expect(r(6, -4).n).toBe(-3);
    expect(r(6, -4).d).toBe(2);
    expect(r(0, -5).n).toBe(0);
    expect(Object.is(r(0, -5).n, 0)).toBe(true);
    expect(r(BigInt(MAX) + 1n, 1).n).toBe(BigInt(MAX) + 1n);
    expect(r((BigInt(MAX) + 1n) * 2n, 2).n).toBe(BigInt(MAX) + 1n);
    expect(r(BigInt(MAX) * 3n, 3).n).toBe(MAX);
  });

  it("refuses a zero denominator", () => {
    expect(Rational.big(1n, 0n)).toBeNull();
    expect(Rational.small(1, 0)).toBeNull();
  });

  it("prints terminating decimals exactly and others as a fraction", () => {
    expect(String(r(1, 10))).toBe("0.1");
    expect(String(r(-5, 100))).toBe("-0.05");
    expect(String(r(25, 2))).toBe("12.5");
    expect(String(r(3))).toBe("3");
    expect(String(r(1, 3))).toBe("1/3");
    expect(JSON.stringify({ v: r(1, 8) })).toBe('{"v":"0.125"}');
    expect(formatRational(r(1, 8), 2)).toBeNull();
  });
});

describe("parsing", () => {
  it.each([
    ["12.5", r(25, 2)],
    ["-0.05", r(-1, 20)],
    ["1e-7", r(1, 10_000_000)],
    ["1.5e+21", r(1_500_000_000_000_000_000_000n)],
    ["007", r(7)],
  ])("parseDecimal(%s)", (text, want) => {
    expect(parseDecimal(text)).toEqual(want);
  });

  it.each(["", "1.", ".5", "1e", "0x10", "1,5", "NaN", "1e999"])("parseDecimal(%j) is null", (text) => {
    expect(parseDecimal(text)).toBeNull();
  });

  it("reads a JSON number through its shortest decimal form, never its binary value", () => {
    expect(numberToRational(0.1)).toEqual(r(1, 10));
    expect(numberToRational(0.1 + 0.2)).toEqual(r(30000000000000004n, 100000000000000000n));
    expect(numberToRational(Infinity)).toBeNull();
    expect(numberToRational("0.1")).toBeNull();
  });

  it("n.dec takes integer strings or safe integers", () => {
    expect(decFromParts("1", "10")).toEqual(r(1, 10));
    expect(decFromParts(3, "-9")).toEqual(r(-1, 3));
    expect(decFromParts("1", "0")).toBeNull();
    expect(decFromParts("1.5", "10")).toBeNull();
    expect(decFromParts(0.5, 1)).toBeNull();
  });
});

describe("arithmetic", () => {
  it("is exact", () => {
    expect(add(r(1, 10), r(2, 10))).toEqual(r(3, 10));
    expect(sub(r(1, 3), r(1, 2))).toEqual(r(-1, 6));
    expect(mul(r(2, 3), r(3, 4))).toEqual(r(1, 2));
    expect(div(r(1, 3), r(2, 3))).toEqual(r(1, 2));
    expect(div(r(1), r(0))).toBeNull();
    expect(cmp(r(1, 3), r(333, 1000))).toBe(1);
    expect(cmp(r(-1, 3), r(-1, 3))).toBe(0);
  });

  it("crosses into BigInt when a product leaves the safe range and comes back when it fits", () => {
    const big = add(r(MAX), r(MAX));
    expect(big.n).toBe(2n * BigInt(MAX));
    expect(sub(big, r(MAX))).toEqual(r(MAX));
    expect(mul(r(MAX, 7), r(7, MAX))).toEqual(r(1));
    expect(cmp(r(MAX, MAX - 1), r(MAX - 1, MAX - 2))).toBe(-1);
  });

  const rational = fc
    .tuple(
      fc.oneof(
        fc.integer({ min: -1000, max: 1000 }),
        fc.maxSafeInteger(),
        fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      ),
      fc.oneof(
        fc.integer({ min: 1, max: 1000 }),
        fc.maxSafeNat().filter((x) => x > 0),
        fc.bigInt({ min: 1n, max: 2n ** 70n }),
      ),
    )
    .map(([n, d]) => r(n, d));

  it("the fast operations equal the BigInt ones (property)", () => {
    fc.assert(
      fc.property(rational, rational, (a, b) => {
        expect(add(a, b)).toEqual(addBig(a, b));
        expect(sub(a, b)).toEqual(subBig(a, b));
        expect(mul(a, b)).toEqual(mulBig(a, b));
        expect(div(a, b)).toEqual(divBig(a, b));
        expect(cmp(a, b)).toBe(cmpBig(a, b));
        for (const mode of ROUNDING_MODES) expect(round(a, mode)).toBe(roundBig(a.bn, a.bd, mode));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("rounding", () => {
  // value → floor, ceil, trunc, half_up, half_even
  const table: Array<[Rational, [number, number, number, number, number]]> = [
    [r(5, 2), [2, 3, 2, 3, 2]],
    [r(-5, 2), [-3, -2, -2, -3, -2]],
    [r(7, 2), [3, 4, 3, 4, 4]],
    [r(-7, 2), [-4, -3, -3, -4, -4]],
    [r(-13, 10), [-2, -1, -1, -1, -1]],
    [r(-17, 10), [-2, -1, -1, -2, -2]],
    [r(-1, 3), [-1, 0, 0, 0, 0]],
    [r(4), [4, 4, 4, 4, 4]],
  ];
  it.each(table)("round(%s)", (value, want) => {
    ROUNDING_MODES.forEach((mode, i) => {
      const got = round(value, mode);
      expect(got).toBe(want[i]);
      expect(Object.is(got, -0)).toBe(false);
    });
  });

  it("gives null past the safe range", () => {
    expect(round(r(BigInt(MAX) * 4n + 1n, 2), "floor")).toBeNull();
    expect(round(r(BigInt(MAX) * 2n + 1n, 2), "floor")).toBe(MAX);
  });
});

describe("money × percent (n.mulr)", () => {
  const tenPercent = r(1, 10);
  it("is exact near 2^53 where a float product is not", () => {
    const fen = MAX; // 9007199254740991 fen
    expect(mulRound(fen, tenPercent, "floor")).toBe(900719925474099);
    expect(mulRound(fen, tenPercent, "half_up")).toBe(900719925474099);
    expect(mulRound(fen, tenPercent, "ceil")).toBe(900719925474100);
    // Where a float product goes wrong: 9007199254740989 × 10% is 900719925474098.9.
    expect(Math.floor(9007199254740989 * 0.1)).toBe(900719925474099);
    expect(mulRound(9007199254740989, tenPercent, "floor")).toBe(900719925474098);
    expect(mulRound(9007199254740985, r(7, 100), "floor")).toBe(630503947831868);
    expect(mulRound(fen, r(3, 7), "half_even")).toBe(mulRoundBig(fen, r(3, 7), "half_even"));
  });

  it("takes 10% of a large GMV exactly with every mode, negative too", () => {
    for (const mode of ROUNDING_MODES) {
      expect(mulRound(123_456_789_012_345, tenPercent, mode)).toBe(
        mulRoundBig(123_456_789_012_345, tenPercent, mode),
      );
      expect(mulRound(-123_456_789_012_345, tenPercent, mode)).toBe(
        mulRoundBig(-123_456_789_012_345, tenPercent, mode),
      );
    }
    expect(mulRound(-15, tenPercent, "half_up")).toBe(-2);
    expect(mulRound(-15, tenPercent, "half_even")).toBe(-2);
    expect(mulRound(-25, tenPercent, "half_even")).toBe(-2);
    expect(mulRound(-25, tenPercent, "floor")).toBe(-3);
  });

  it("gives null when the result leaves the safe range", () => {
    expect(mulRound(MAX, r(3, 2), "floor")).toBeNull();
    expect(mulRoundBig(MAX, r(3, 2), "floor")).toBeNull();
  });

  it("the fast path equals BigInt (property)", () => {
    const modes = fc.constantFrom<RoundingMode>(...ROUNDING_MODES);
    const fen = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.maxSafeInteger(),
      fc.integer({ min: -MAX, max: MAX }),
    );
    const pct = fc
      .tuple(
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.oneof(
          fc.integer({ min: 1, max: 10_000 }),
          fc.maxSafeNat().filter((x) => x > 0),
        ),
      )
      .map(([n, d]) => r(n, d));
    fc.assert(
      fc.property(fen, pct, modes, (i, p, mode) => {
        expect(mulRound(i, p, mode)).toBe(mulRoundBig(i, p, mode));
      }),
      { numRuns: 3000 },
    );
  });
});
