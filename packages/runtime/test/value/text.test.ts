import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointLength, compareCodePoints, lowerLatin, trimSpace } from "../../src/value/text.js";

describe("strings by code point", () => {
  it("counts code points", () => {
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("𠮷野家")).toBe(3);
    expect(codePointLength("\ud842")).toBe(1);
    expect(codePointLength("")).toBe(0);
  });

  it("orders by code point, not UTF-16 unit (property)", () => {
    expect(compareCodePoints("\uffff", "𠮷")).toBe(-1);
    expect("\uffff" < "𠮷").toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        const cpa = [...a].map((c) => c.codePointAt(0) as number);
        const cpb = [...b].map((c) => c.codePointAt(0) as number);
        let want = 0;
        for (let i = 0; i < Math.min(cpa.length, cpb.length) && want === 0; i++) {
          want = Math.sign((cpa[i] as number) - (cpb[i] as number));
        }
        if (want === 0) want = Math.sign(cpa.length - cpb.length);
        expect(compareCodePoints(a, b)).toBe(want);
      }),
      { numRuns: 2000 },
    );
  });

  it("lower-cases ASCII and full-width Latin only", () => {
    expect(lowerLatin("WeChat ＡＰＰ")).toBe("wechat ａｐｐ");
    expect(lowerLatin("ΣİÉ")).toBe("ΣİÉ");
    expect(lowerLatin("已是小写")).toBe("已是小写");
  });

  it("trims ECMAScript white space, ideographic space included", () => {
    expect(trimSpace("\u3000 使用\t\n")).toBe("使用");
    expect(trimSpace("a b")).toBe("a b");
  });
});
