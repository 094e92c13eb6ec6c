/**
 * The records decisions are made of (engine/records.ts) are plain objects with the fields, in the
 * order, of the literals they replace; a decision holds nothing else.
 */
import { describe, expect, it } from "vitest";
import { loadBundle, type Decision } from "../../src/index.js";
import {
  NewAppliedException,
  NewBecause,
  NewDecision,
  NewEvidence,
  NewOutcome,
  NewRuleEntry,
} from "../../src/engine/records.js";
import { fixtureBundle, pendingFacts } from "../support/fixture-bundle.js";

const ENGINE = { name: "norma", version: "0", evaluator: "compiled" } as const;

describe("decision records", () => {
  it("are plain objects whose own fields come in the documented order", () => {
    const cases: Array<[object, string[]]> = [
      [
        new NewDecision("pass", "2026-01-01T00:00:00+08:00", "sha256:x", null, null, ENGINE, false, [], []),
        [
          "format",
          "verdict",
          "asOf",
          "bundle",
          "factsHash",
          "spans",
          "engine",
          "explained",
          "outcomes",
          "rules",
        ],
      ],
      [
        new NewOutcome("R1", "p", "reject", "l", null, null, null, null, [], [], null, []),
        [
          "rule",
          "policy",
          "effect",
          "label",
          "value",
          "valueType",
          "display",
          "message",
          "norms",
          "citations",
          "exception",
          "evidence",
        ],
      ],
      [new NewRuleEntry("R1", "p", null, "fired", []), ["rule", "policy", "title", "status", "because"]],
      [new NewAppliedException("x", null, [], [], []), ["id", "title", "norms", "citations", "because"]],
      [new NewBecause("/rules/0/when", "a", true, {}, []), ["node", "text", "value", "saw", "facts"]],
      [new NewEvidence("/a", "app.js", 3, null), ["pointer", "file", "line", "snippet"]],
    ];
    for (const [record, keys] of cases) {
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
      expect(Object.keys(record)).toEqual(keys);
      expect(JSON.parse(JSON.stringify(record))).toStrictEqual({ ...record });
    }
    const d = new NewDecision("flag", "t", "b", "h", "s", ENGINE, true, [], []);
    expect(d.format).toBe("norma-decision/1");
    expect(d).toStrictEqual({
      format: "norma-decision/1",
      verdict: "flag",
      asOf: "t",
      bundle: "b",
      factsHash: "h",
      spans: "s",
      engine: ENGINE,
      explained: true,
      outcomes: [],
      rules: [],
    });
  });

  it("are all a decision holds: every object in one is plain, with or without explanations", () => {
    const loaded = loadBundle(fixtureBundle, { validateFacts: null });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const nonPlain: string[] = [];
    const walk = (x: unknown, at: string): void => {
      if (x === null || typeof x !== "object") return;
      if (Array.isArray(x)) {
        if (Object.getPrototypeOf(x) !== Array.prototype) nonPlain.push(at);
        x.forEach((v, i) => walk(v, `${at}/${i}`));
        return;
      }
      if (Object.getPrototypeOf(x) !== Object.prototype) nonPlain.push(at);
      for (const [k, v] of Object.entries(x)) walk(v, `${at}/${k}`);
    };
    let objects = 0;
    for (const explain of [false, true]) {
      const r = loaded.value.decide(pendingFacts, { asOf: "2022-03-09", explain });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const decision: Decision = r.decision;
      expect(decision.outcomes.length).toBeGreaterThan(0);
      walk(decision, "");
      objects += decision.rules.length + decision.outcomes.length;
    }
    expect(objects).toBeGreaterThan(0);
    expect(nonPlain).toEqual([]);
  });
});
