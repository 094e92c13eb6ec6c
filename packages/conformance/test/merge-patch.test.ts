import { describe, expect, it } from "vitest";
import { applyMergePatch } from "../src/index.js";

/** RFC 7386, Appendix A: every example, original → patch → result. */
const rfc7386: Array<[unknown, unknown, unknown]> = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: "b" }, { a: null }, {}],
  [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [
    ["a", "b"],
    ["c", "d"],
    ["c", "d"],
  ],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, null, null],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b", c: null }, { a: "b" }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe("applyMergePatch (RFC 7386)", () => {
  it.each(rfc7386)("%j + %j", (original, patch, result) => {
    expect(applyMergePatch(original, patch)).toEqual(result);
  });

  it("modifies neither input", () => {
    const original = { entity: { type: "individual", name: "赵明" }, list: [1, 2] };
    const patch = { entity: { type: "enterprise" }, list: [3] };
    const before = JSON.stringify([original, patch]);
    const out = applyMergePatch(original, patch) as { entity: object; list: number[] };
    expect(JSON.stringify([original, patch])).toBe(before);
    expect(out).toEqual({ entity: { type: "enterprise", name: "赵明" }, list: [3] });
    out.list.push(4);
    expect(original.list).toEqual([1, 2]);
  });

  it("keeps `__proto__` as a plain key instead of changing the prototype", () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const out = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
