import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_FACTS_DEPTH,
  MAX_REPORTED_ERRORS,
  parseFactsJson,
  validateFacts,
  validateFactsText,
} from "../src/index.js";
import { loadExample } from "./helpers.js";

const clean = (): Record<string, unknown> => loadExample("clean-app.json");

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty("polluted");
  expect(Object.prototype).not.toHaveProperty("isAdmin");
  expect(Array.prototype).not.toHaveProperty("polluted");
  expect(typeof Object.prototype.constructor).toBe("function");
}

afterEach(expectNoPollution);

describe("prototype keys", () => {
  // Spliced into the clean example's text at several depths.
  const places: Array<[string, string, string]> = [
    ["root", '"schemaVersion": 1,', ""],
    ["a record", '"name": "赵明"', "/entity"],
    ["a list item", '"kind": "first",', "/submissions/0"],
    ["a nested record", '"status": "passed",', "/submissions/0/codeReview"],
  ];
  const keys: Array<[string, string]> = [
    ["__proto__", '{"polluted": true, "isAdmin": true}'],
    ["constructor", '{"prototype": {"polluted": true}}'],
    ["prototype", '{"polluted": true}'],
  ];

  for (const [where, anchor, pointer] of places) {
    for (const [key, payload] of keys) {
      it(`\`${key}\` in ${where} is an error at its pointer, and pollutes nothing`, () => {
        const base = JSON.stringify(clean(), null, 2);
        expect(base).toContain(anchor);
        const text = base.replace(
          anchor,
          anchor.endsWith(",") ? `${anchor} "${key}": ${payload},` : `${anchor}, "${key}": ${payload}`,
        );
        const result = validateFactsText(text);
        expect(result.ok).toBe(false);
        expect(result.errors).toEqual([
          expect.objectContaining({
            code: "facts/reserved-name",
            pointer: `${pointer}/${key}`,
            message: `field name \`${key}\` is not allowed`,
          }),
        ]);
        expect(result.warnings).toEqual([]);
      });
    }
  }

  it("JSON.parse output (own `__proto__` properties on ordinary objects) is handled the same way", () => {
    const doc = JSON.parse(
      JSON.stringify(clean()).replace('"schemaVersion":1', '"schemaVersion":1,"__proto__":{"polluted":true}'),
    ) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(doc, "__proto__")).toBe(true);
    const result = validateFacts(doc);
    expect(result.errors.map((e) => e.pointer)).toEqual(["/__proto__"]);
  });

  it("a `constructor.prototype` chain as plain data does not reach Object.prototype", () => {
    const result = parseFactsJson('{"constructor": {"prototype": {"polluted": true}}}');
    expect(result.ok).toBe(true);
    const validation = validateFacts(result.value);
    expect(validation.errors.map((e) => e.code)).toContain("facts/reserved-name");
  });
});

describe("size and depth", () => {
  it("a 10 MB string is reported once, shortened", () => {
    const doc = clean();
    doc.nickname = "名".repeat(10 * 1024 * 1024);
    const text = JSON.stringify(doc);
    const started = Date.now();
    const result = validateFactsText(text);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: "facts/length",
        pointer: "/nickname",
        message: "string is longer than 64 characters",
      }),
    ]);
    expect(result.errors[0]!.actual!.length).toBeLessThanOrEqual(61);
    expect(result.errors[0]!.actual!.endsWith("…")).toBe(true);
  });

  it("a 10 MB field name is an error with a short message", () => {
    const name = "k".repeat(10 * 1024 * 1024);
    const result = validateFactsText(`{"${name}": 1}`);
    const error = result.errors.find((e) => e.code === "facts/length");
    expect(error).toMatchObject({ message: "field name is longer than 100 characters" });
    expect(error!.actual!.length).toBeLessThanOrEqual(61);
    for (const e of [...result.errors, ...result.warnings]) expect(e.message.length).toBeLessThan(200);
  });

  it.each([
    ["arrays", (n: number) => "[".repeat(n) + "]".repeat(n)],
    ["objects", (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n)],
  ])("10,000-deep %s text is rejected at the depth limit without recursion", (_, make) => {
    const result = parseFactsJson(make(10_000));
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: "facts/too-deep",
        message: `nesting deeper than ${MAX_FACTS_DEPTH} levels`,
        line: 1,
      }),
    ]);
  });

  it("nesting exactly at the limit parses, one more level does not", () => {
    expect(parseFactsJson("[".repeat(MAX_FACTS_DEPTH) + "]".repeat(MAX_FACTS_DEPTH)).ok).toBe(true);
    expect(parseFactsJson("[".repeat(MAX_FACTS_DEPTH + 1) + "]".repeat(MAX_FACTS_DEPTH + 1)).ok).toBe(false);
  });

  it("a 10,000-deep in-memory document is rejected before schema validation", () => {
    const doc = clean();
    let node: Record<string, unknown> = {};
    doc.entity = node;
    for (let i = 0; i < 10_000; i++) node = node.x = {} as Record<string, unknown>;
    const result = validateFacts(doc);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.objectContaining({ code: "facts/too-deep" })]);
  });

  it("a list with more items than any schema list may hold is refused before schema validation", () => {
    const doc = clean();
    doc.categories = Array.from({ length: 200_000 }, (_, i) => `工具/${i}`);
    const started = Date.now();
    const result = validateFacts(doc);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: "facts/too-large",
        pointer: "/categories",
        expected: "at most 10000 items",
      }),
    ]);
  });

  it("a unique-items list at the preflight limit reports both its size and its duplicate, quickly", () => {
    const doc = clean();
    doc.categories = Array.from({ length: 10_000 }, (_, i) => `工具/${i % 9_999}`);
    const started = Date.now();
    const result = validateFacts(doc);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.errors.map((e) => e.code).sort()).toEqual(["facts/items", "facts/items"]);
  });

  it("a document with thousands of errors reports the first 1000 and counts the rest", () => {
    const doc = clean();
    doc.submissions = Array.from({ length: 5_000 }, () => ({ id: "x" }));
    const result = validateFacts(doc);
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(result.errors.at(-1)).toEqual({
      code: "facts/too-many-errors",
      pointer: "",
      // 7 missing fields per submission, and the list is longer than 1000
      message: `${5_000 * 7 + 1 - MAX_REPORTED_ERRORS} more like these not shown`,
    });
  });

  it("a cyclic in-memory document is rejected, not looped over", () => {
    const doc = clean();
    (doc.entity as Record<string, unknown>).self = doc;
    const result = validateFacts(doc);
    expect(result.errors).toEqual([expect.objectContaining({ code: "facts/too-deep" })]);
  });
});

describe("non-object roots and non-JSON values", () => {
  it.each([
    ["null", null, "found `null`"],
    ["a number", 42, "found a number"],
    ["a string", "facts", "found a string"],
    ["a boolean", true, "found `true` or `false`"],
    ["an array", [], "found a list"],
  ])("%s root", (_, value, found) => {
    const fromValue = validateFacts(value);
    const fromText = validateFactsText(JSON.stringify(value));
    for (const result of [fromValue, fromText]) {
      expect(result.ok).toBe(false);
      expect(result.errors).toEqual([
        expect.objectContaining({
          code: "facts/type",
          pointer: "",
          message: `expected a facts document (an object), ${found}`,
        }),
      ]);
    }
  });

  it.each([
    ["undefined", undefined],
    ["a function", () => 1],
    ["a symbol", Symbol("x")],
    ["a bigint", 10n],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["a Date", new Date(0)],
    ["a Map", new Map()],
  ])("%s inside a document is not JSON", (_, value) => {
    const doc = clean();
    (doc.entity as Record<string, unknown>).name = value;
    const result = validateFacts(doc);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ code: "facts/not-json", pointer: "/entity/name" }),
    ]);
  });

  it("a throwing getter is reported, not thrown", () => {
    const doc = clean();
    Object.defineProperty(doc, "nickname", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(() => validateFacts(doc)).not.toThrow();
    expect(validateFacts(doc).errors).toEqual([expect.objectContaining({ code: "facts/not-json" })]);
  });
});

describe("invalid UTF-16", () => {
  it.each([
    ["a lone high surrogate", '"\\ud800"', "\\ud800", 0],
    ["a lone low surrogate after text", '"ab\\udfff"', "\\udfff", 2],
    ["a reversed pair", '"\\ude00\\ud83d"', "\\ude00", 0],
  ])("%s in a value is an error", (_, literal, unit, index) => {
    const text = JSON.stringify(clean()).replace('"单位换算器"', literal);
    const result = validateFactsText(text);
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: "facts/unicode",
        pointer: "/nickname",
        message: `string contains a lone surrogate \`${unit}\` at index ${index}`,
        expected: "well-formed unicode text (encodable as UTF-8)",
      }),
    ]);
  });

  it("a lone surrogate in a field name is an error", () => {
    const result = validateFactsText('{"\\ud800": 1}');
    expect(result.errors).toContainEqual(
      expect.objectContaining({ code: "facts/unicode", pointer: "/\ud800" }),
    );
  });

  it("raw lone surrogates in the text (not escaped) are caught too", () => {
    const text = JSON.stringify(clean()).replace("单位换算器", "单位\ud800换算器");
    expect(validateFactsText(text).errors).toEqual([
      expect.objectContaining({ code: "facts/unicode", pointer: "/nickname" }),
    ]);
  });

  it("a well-formed astral character is fine", () => {
    const text = JSON.stringify(clean()).replace("单位换算器", "单位换算器😀");
    expect(validateFactsText(text).ok).toBe(true);
  });
});

describe("never throws", () => {
  it.each([
    ["empty", ""],
    ["garbage", "\u0000\u0001\uffff"],
    ["only a BOM", "\uFEFF"],
    ["huge number", "1" + "0".repeat(400)],
    ["deep mixed", '[{"a":'.repeat(5000)],
  ])("%s", (_, text) => {
    expect(() => validateFactsText(text)).not.toThrow();
    expect(validateFactsText(text).ok).toBe(false);
  });
});
