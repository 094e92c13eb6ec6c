/**
 * The JSON Logic shared test suite (jwadhams/json-logic `tests.json`, 277 cases; the comment
 * strings are skipped) on the fast path, the compiled evaluator and the reference.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileLogic, evaluateReference, type Logic } from "../src/index.js";
import { compileGeneratedLogic } from "../src/fast/codegen.js";

const SUITE = new URL("../../../../shared/fixtures/jsonlogic/tests.json", import.meta.url);
const entries = JSON.parse(readFileSync(SUITE, "utf8")) as unknown[];
const cases = entries.filter((e): e is [Logic, unknown, unknown] => Array.isArray(e));

describe("JSON Logic shared suite", () => {
  it("has 277 cases and only comment strings besides", () => {
    expect(cases).toHaveLength(277);
    expect(entries.filter((e) => !Array.isArray(e)).every((e) => typeof e === "string")).toBe(true);
  });

  describe.each([
    ["fast path", (logic: Logic, data: unknown) => compileLogic(logic)(data)],
    ["compiled", (logic: Logic, data: unknown) => compileGeneratedLogic(logic)(data)],
    ["reference", (logic: Logic, data: unknown) => evaluateReference(logic, data)],
  ] as const)("%s", (_name, run) => {
    it.each(cases.map((c, i) => [i, JSON.stringify(c[0]), c] as const))(
      "case %i: %s",
      (_i, _text, [logic, data, expected]) => {
        expect(run(logic, data)).toEqual(expected);
      },
    );
  });
});
