import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseFactsJson } from "../src/index.js";

describe("parseFactsJson: syntax errors", () => {
  it.each([
    ["", 1, 1, "unexpected end of input, expected a value"],
    ["   ", 1, 4, "unexpected end of input, expected a value"],
    ['{"a": 1,}', 1, 9, "unexpected `}`, expected a field name in double quotes"],
    ['{"a" 1}', 1, 6, "unexpected `1`, expected `:` after the field name"],
    ['{"a": 1\n  "b": 2}', 2, 3, 'unexpected `"`, expected `,` or `}` after a field'],
    ["[1, 2", 1, 6, "unexpected end of input, expected `,` or `]` after an array item"],
    ["[01]", 1, 3, "unexpected `1`, expected `,` or `]` after an array item"],
    ["{'a': 1}", 1, 2, "unexpected `'`, expected a field name in double quotes"],
    ['{"a": tru}', 1, 7, "unexpected `t`, expected a value"],
    ['{"a": NaN}', 1, 7, "unexpected `N`, expected a value"],
    ['{"a": 1e999}', 1, 7, "number `1e999` is out of range"],
    ['{"a": "x', 1, 7, "unterminated string"],
    ['{"a": "\\x"}', 1, 8, "invalid escape `\\x` in string"],
    ['{"a": "\\u12g4"}', 1, 8, "invalid `\\u` escape: expected 4 hex digits"],
    ['{"a": "line\nbreak"}', 1, 12, "control character U+000A must be escaped in a string"],
    ["{} {}", 1, 4, "unexpected `{`, expected end of input after the document"],
    ["// comment\n{}", 1, 1, "unexpected `/`, expected a value"],
  ])("%j → %i:%i %s", (text, line, column, message) => {
    const result = parseFactsJson(text, "f.json");
    expect(result.ok).toBe(false);
    expect(result.value).toBeUndefined();
    expect(result.errors).toEqual([expect.objectContaining({ code: "facts/syntax", line, column, message })]);
  });

  it("names the value being read when the error happens", () => {
    const result = parseFactsJson('{"trade": {"gmvByMonth": [{"gmv": -}]}}');
    expect(result.errors[0]).toMatchObject({ pointer: "/trade/gmvByMonth/0/gmv" });
  });
});

describe("parseFactsJson: values", () => {
  it("parses what JSON.parse parses, to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const result = parseFactsJson(text);
        expect(result.errors).toEqual([]);
        expect(JSON.stringify(result.value)).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with JSON.parse on whether arbitrary text is JSON, and never throws", () => {
    const jsonish = fc.stringMatching(/^[\s{}[\]",:0-9eE.+\-tfnrualsx\\]{0,30}$/);
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string(), fc.json()), (text) => {
        let native = true;
        try {
          JSON.parse(text);
        } catch {
          native = false;
        }
        // JSON.parse accepts duplicate keys (the last wins); we report them, so compare without them.
        const result = parseFactsJson(text);
        const syntaxOk = !result.errors.some((e) => e.code === "facts/syntax");
        expect(syntaxOk).toBe(native);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives objects a null prototype, so `__proto__` is plain data", () => {
    const result = parseFactsJson(
      '{"__proto__": {"polluted": true}, "a": {"constructor": {"prototype": 1}}}',
    );
    expect(result.ok).toBe(true);
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("reports a duplicate field, with its place, and keeps the last value like JSON.parse", () => {
    const result = parseFactsJson('{\n  "appId": "a",\n  "appId": "b"\n}');
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: "facts/duplicate-field",
        pointer: "/appId",
        line: 3,
        column: 3,
        message: "duplicate field `appId`",
      }),
    ]);
  });

  it("skips a byte-order mark", () => {
    expect(parseFactsJson('\uFEFF{"a": 1}').value).toEqual({ a: 1 });
  });

  it("keeps escaped lone surrogates as they are (validation reports them)", () => {
    const result = parseFactsJson('["\\ud800", "\\udc00x", "\\ud83d\\ude00"]');
    expect(result.value).toEqual(["\ud800", "\udc00x", "😀"]);
  });

  it("locates values and field names by pointer", () => {
    const result = parseFactsJson('{\n  "a/b": [10,\n    {"~k": true}]\n}');
    expect(result.locate("")).toEqual({ line: 1, column: 1, offset: 0 });
    expect(result.locate("/a~1b")).toMatchObject({ line: 2, column: 3 });
    expect(result.locate("/a~1b/1")).toMatchObject({ line: 3, column: 5 });
    expect(result.locate("/a~1b/1/~0k")).toMatchObject({ line: 3, column: 6 });
    expect(result.locate("/nope")).toBeUndefined();
  });
});
