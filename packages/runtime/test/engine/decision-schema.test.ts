/** Decisions conform to schema/decision.schema.json, in every status and mode. */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadBundle, type Decision } from "../../src/index.js";
import { asOf, bundle, facts } from "../support/gen-ir.js";
import { fixtureBundle, pendingFacts, withHash } from "../support/fixture-bundle.js";

const schema = JSON.parse(
  readFileSync(new URL("../../schema/decision.schema.json", import.meta.url), "utf8"),
) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

function check(d: Decision): void {
  // What a consumer sees is the JSON text.
  const ok = validate(JSON.parse(JSON.stringify(d)));
  if (!ok) expect(validate.errors).toEqual([]);
}

describe("decision.schema.json", () => {
  // The fixture plus a rule that throws on hostile facts (`in` against an object with an `indexOf` field).
  const loaded = loadBundle(
    withHash({
      ...fixtureBundle,
      rules: [
        ...fixtureBundle.rules,
        { ...fixtureBundle.rules[3]!, id: "throws", when: { in: ["x", { var: "categories" }] } },
      ],
    }),
    { validateFacts: null },
  );
  if (!loaded.ok) throw new Error("fixture does not load");

  it("accepts the fixture decisions: fired, excepted (with and without effect), not-applicable, not-in-force, error", () => {
    const variants = [
      pendingFacts,
      {
        ...pendingFacts,
        release: { kind: "update" },
        filing: { ...pendingFacts.filing, filed: ["社交/直播"] },
      },
      { ...pendingFacts, entity: { type: "overseas_non_enterprise" }, categories: ["时政信息/财经"] },
      { ...pendingFacts, categories: { indexOf: 1 } },
    ];
    let statuses = new Set<string>();
    for (const f of variants) {
      for (const explain of [true, false]) {
        const r = loaded.value.decide(f, { asOf: "2022-03-10", explain });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        check(r.decision);
        statuses = new Set([...statuses, ...r.decision.rules.map((x) => x.status)]);
      }
    }
    expect([...statuses].sort()).toEqual(["error", "excepted", "fired", "not-applicable", "not-in-force"]);
  });

  it("rejects a document that breaks it", () => {
    const r = loaded.value.decide(pendingFacts, { asOf: "2022-03-10" });
    if (!r.ok) throw new Error("no decision");
    expect(validate({ ...r.decision, verdict: "deny" })).toBe(false);
    expect(validate({ ...r.decision, rules: [{ ...r.decision.rules[0], status: "excepted" }] })).toBe(false);
  });

  it("accepts generated decisions (property)", () => {
    fc.assert(
      fc.property(bundle, facts, asOf, (b, f, at) => {
        const l = loadBundle(b, { validateFacts: null });
        if (!l.ok) throw new Error("generated bundle does not load");
        const r = l.value.decide(f, { asOf: at, validate: false });
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        check(r.decision);
      }),
      { numRuns: 200 },
    );
  });
});
