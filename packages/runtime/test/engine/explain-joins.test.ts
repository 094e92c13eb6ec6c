/**
 * Explaining a `some` over constant lists that compiles to an equi-join: the fast path's explainer
 * asks the join's index which element decides instead of trying each element. Its explanations must
 * be exactly the reference's, whose explainer tries every element in order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadBundle, type Bundle, type Decision, type Logic } from "../../src/index.js";
import { oneRuleBundle } from "../support/fixture-bundle.js";

const PLACES = ["a", "ab", "x", "ab", "y"];
const WORDS = ["bc", "c", "z", "yz"];

/** `some w in places: some g in words: nickname == w + g and scope != g`. */
const WHEN: Logic = {
  some: [
    { "n.bind": ["$w", { var: "$lex.places" }] },
    {
      some: [
        { "n.bind": ["$g", { var: "$lex.words" }] },
        {
          and: [
            { "===": [{ var: "nickname" }, { cat: [{ var: "$w" }, { var: "$g" }] }] },
            { "!==": [{ var: "scope" }, { var: "$g" }] },
          ],
        },
      ],
    },
  ],
} as Logic;

const bundle: Bundle = oneRuleBundle(WHEN, null, { places: PLACES, words: WORDS });

const loaded = loadBundle(bundle, { validateFacts: null });
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
const E = loaded.value;

function explained(facts: object, evaluator: "compiled" | "fast" | "reference"): Decision {
  const r = E.decide(facts, { asOf: "2026-11-22", evaluator, validate: false });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { ...r.decision, engine: { ...r.decision.engine, evaluator: "compiled" } };
}

describe("explaining an equi-join", () => {
  it("names the element the reference names, for every nickname and scope", () => {
    const nicknames = fc.oneof(
      fc.constantFrom(...PLACES.flatMap((w) => WORDS.map((g) => w + g)), "abc", "ayz", ""),
      fc.string({ maxLength: 4 }),
    );
    const scopes = fc.oneof(fc.constantFrom("", "bc", "c", "bc c", "yz", "z"), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(nicknames, scopes, (nickname, scope) => {
        const ref = explained({ nickname, scope }, "reference");
        expect(explained({ nickname, scope }, "compiled")).toEqual(ref);
        expect(explained({ nickname, scope }, "fast")).toEqual(ref);
      }),
      { numRuns: 400 },
    );
  });

  it("skips a combination whose rest fails and explains the first that holds", () => {
    // "abc" is "a" + "bc" (the first combination; fails: the scope is "bc") and "ab" + "c"
    const d = explained({ nickname: "abc", scope: "bc" }, "compiled");
    const r = d.rules[0]!;
    expect(r.status).toBe("fired");
    const saw = r.because.map((b) => b.saw);
    expect(saw).toContainEqual({ nickname: "abc", $w: "ab", $g: "c" });
    expect(r.because.every((b) => b.saw.$w !== "a")).toBe(true);
    expect(d).toEqual(explained({ nickname: "abc", scope: "bc" }, "reference"));
  });
});
