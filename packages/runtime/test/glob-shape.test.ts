/**
 * The regex-free glob tests (`fast/glob-shape.ts`) against micromatch's regular expressions: on
 * generated patterns and strings, a shape test gives exactly `s === pattern || re.test(s)`.
 */
import fc from "fast-check";
import micromatch from "micromatch";
import { describe, expect, it } from "vitest";
import { GLOB_OPTIONS } from "../src/ops/custom.js";
import { globMatcher } from "../src/fast/compile.js";
import { shapeTest } from "../src/fast/glob-shape.js";

const PATTERN_PARTS = [
  "a",
  "b",
  "社交",
  "/",
  ".",
  "*",
  "-",
  " ",
  "视频",
  "FM",
  "?",
  "[",
  "]",
  "{a,b}",
  "!",
  "\\",
  "+",
  "(",
  ")",
];
const STRING_PARTS = [
  "a",
  "b",
  "社交",
  "/",
  ".",
  "-",
  " ",
  "视频",
  "FM",
  "\n",
  "\u2028",
  "*",
  "?",
  "\ud83d",
  "[",
  "{a,b}",
];

const pattern = fc.array(fc.constantFrom(...PATTERN_PARTS), { maxLength: 6 }).map((p) => p.join(""));
const text = fc.array(fc.constantFrom(...STRING_PARTS), { maxLength: 8 }).map((p) => p.join(""));

function regexOf(p: string): RegExp | null {
  try {
    return micromatch.makeRe(p, GLOB_OPTIONS);
  } catch {
    return null;
  }
}

describe("glob shape tests", () => {
  it("recognize the patterns of the policies and give micromatch's answers on them", () => {
    const cases: Array<[string, string, boolean]> = [
      ["社交/*", "社交/论坛", true],
      ["社交/*", "社交/", false],
      ["社交/*", "社交/.hidden", false],
      ["社交/*", "社交/论坛/", true],
      ["社交/*", "社交//", true],
      ["社交/*", "社交/a/b", false],
      ["社交/*", "社交/*", true],
      ["文娱/视频*", "文娱/视频", true],
      ["文娱/视频*", "文娱/视频/", true],
      ["文娱/视频*", "文娱/视频直播", true],
      ["文娱/视频*", "文娱/视频/直播", false],
      ["文娱/视频*", "文娱/音频", false],
      ["社交/论坛", "社交/论坛", true],
      ["社交/论坛", "社交/论坛/", false],
      ["a.b*", "a.bc", true],
      ["a.b*", "a.b/", false],
      ["*", ".a", false],
      ["*", "a", true],
    ];
    for (const [p, s, expected] of cases) {
      const re = regexOf(p)!;
      const test = shapeTest(p, re);
      expect(test, p).not.toBeNull();
      expect(test!(s), `${p} on ${JSON.stringify(s)}`).toBe(expected);
      expect(micromatch.isMatch(s, p, GLOB_OPTIONS), `micromatch: ${p} on ${JSON.stringify(s)}`).toBe(
        expected,
      );
    }
  });

  it("equal the regular expression wherever they apply (generated patterns and strings)", () => {
    let shaped = 0;
    let refused = 0;
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 12 }), (p, strings) => {
        const re = regexOf(p);
        if (re === null) return;
        const test = shapeTest(p, re);
        if (test === null) {
          refused++;
          return;
        }
        shaped++;
        for (const s of strings) expect(test(s), `${p} on ${JSON.stringify(s)}`).toBe(s === p || re.test(s));
        // strings built from the pattern's own prefix, where the tails differ
        for (const extra of ["", "/", "x", ".x", "x/", "x/y", "\n", "//"]) {
          const s = p.replace(/[*?[\]{}!\\+()].*$/, "") + extra;
          expect(test(s), `${p} on ${JSON.stringify(s)}`).toBe(s === p || re.test(s));
        }
      }),
      { numRuns: 3000 },
    );
    // both branches ran: shapes recognized, and others left to the regular expression
    expect(shaped).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(100);
  });

  it("as a list matcher with several regular expressions (one alternation), equal micromatch.isMatch", () => {
    // the filing categories of policies/filing/scope.norma: four of them need a regular expression
    const patterns = [
      "社交",
      "社交/**",
      "文娱/*视频*",
      "文娱/*视频*/**",
      "文娱/FM*",
      "文娱/*电台*",
      "时政信息",
      "时政信息/**",
    ];
    expect(patterns.filter((p) => shapeTest(p, regexOf(p)!) === null).length).toBeGreaterThanOrEqual(4);
    const m = globMatcher(patterns, new Map())!;
    const heads = ["社交", "文娱", "时政信息", "工具", "文娱/FM", "文娱/短视频", "文娱/电台"];
    const tails = [
      "",
      "/",
      "/直播",
      "/视频号",
      "/长视频/x",
      "/.x",
      "/a/b",
      "视频",
      "/FM调频",
      "/广播电台/",
      "\n",
    ];
    for (const h of heads)
      for (const t of tails) {
        const cat = h + t;
        expect(m(cat), cat).toBe(micromatch.isMatch(cat, patterns, GLOB_OPTIONS));
      }
    fc.assert(
      fc.property(text, (s) => {
        expect(m(s)).toBe(s !== "" && micromatch.isMatch(s, patterns, GLOB_OPTIONS));
      }),
      { numRuns: 1000 },
    );
  });

  it("as a list matcher, equal micromatch.isMatch on the list", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 6 }), text, (patterns, s) => {
        if (patterns.some((p) => regexOf(p) === null)) return;
        const m = globMatcher(patterns, new Map());
        expect(m).not.toBeNull();
        expect(m!(s)).toBe(s !== "" && micromatch.isMatch(s, patterns, GLOB_OPTIONS));
      }),
      { numRuns: 2000 },
    );
  });
});
