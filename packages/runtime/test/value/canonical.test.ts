import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  hashBundle,
  nestingDepth,
  nestsDeeperThan,
  sha256,
} from "../../src/value/canonical.js";
import { Rational } from "../../src/value/rational.js";

describe("canonical JSON", () => {
  it("sorts keys by UTF-16 units, drops white space, writes numbers as JSON.stringify does", () => {
    expect(canonicalJson({ b: [1, { d: 1e21, c: -0 }], a: "x", é: true, Z: null })).toBe(
      '{"Z":null,"a":"x","b":[1,{"c":0,"d":1e+21}],"é":true}',
    );
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, NaN])).toBe("[null,null]");
    expect(canonicalJson(Rational.small(1, 8))).toBe('"0.125"');
  });

  it("equals JSON.stringify of a key-sorted copy (property: escapes, lone surrogates, odd keys)", () => {
    const sortedCopy = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sortedCopy);
      if (v === null || typeof v !== "object") return v;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sortedCopy((v as Record<string, unknown>)[k]);
      return out;
    };
    const text = fc.string({
      unit: fc.constantFrom("a", "é", '"', "\\", "\n", "\u0001", "\ud800", "\udc00", "😀", "报"),
    });
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value")),
        fc.dictionary(text, tie("value")),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(JSON.stringify(sortedCopy(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it("hashes with a sha256: prefix", () => {
    for (const t of ["", "报备", "\ud800", "x".repeat(10_000)])
      expect(sha256(t)).toBe(`sha256:${createHash("sha256").update(t, "utf8").digest("hex")}`);
    expect(sha256("")).toBe("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("leaves hash and spans out of the bundle hash", () => {
    const body = { format: "norma-bundle/1", rules: [] };
    expect(hashBundle({ ...body, hash: "x", spans: { "/a": 1 } })).toBe(hashBundle(body));
    expect(hashBundle({ ...body, zone: "UTC" })).not.toBe(hashBundle(body));
  });
});

describe("nestingDepth", () => {
  it("measures without recursion, cycles included", () => {
    expect(nestingDepth(1)).toBe(0);
    expect(nestingDepth([])).toBe(1);
    expect(nestingDepth({ a: [{ b: [] }] })).toBe(4);
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestingDepth(deep)).toBe(100_001);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    expect(nestingDepth(cyclic)).toBe(Infinity);
    const shared = { x: 1 };
    expect(nestingDepth({ a: shared, b: [shared] })).toBe(3);
  });
});

describe("nestsDeeperThan", () => {
  it("answers nestingDepth(value) > limit: trees, cycles, shared objects, over and under budget", () => {
    let chain: unknown = [];
    const chains: unknown[] = [1, chain];
    for (let i = 0; i < 130; i++) chains.push((chain = i % 2 ? [chain] : { k: chain }));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    let dag: unknown = [];
    for (let i = 0; i < 60; i++) dag = [dag, dag];
    const values = [...chains, cyclic, dag, { a: [{ b: [] }] }];
    for (const v of values) {
      for (const limit of [0, 1, 3, 59, 60, 61, 127, 128, 129]) {
        for (const budget of [1, 1000]) {
          expect(nestsDeeperThan(v, limit, budget)).toBe(nestingDepth(v) > limit);
        }
      }
    }
  });
});
