/** decide() on hostile facts never throws; loadBundle() on malformed bundles gives pointed diagnostics. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadBundle, type Bundle, type LoadDiagnostic } from "../../src/index.js";
import { fixtureBundle, pendingFacts, withHash } from "../support/fixture-bundle.js";

const loaded = loadBundle(fixtureBundle, { validateFacts: null });
if (!loaded.ok) throw new Error("fixture does not load");
const E = loaded.value;
const withValidation = loadBundle(fixtureBundle);
if (!withValidation.ok) throw new Error("fixture does not load");
const V = withValidation.value;

describe("hostile facts", () => {
  const deep = (n: number) => {
    let v: unknown = "bottom";
    for (let i = 0; i < n; i++) v = { categories: [v] };
    return v as Record<string, unknown>;
  };
  const cyclic: Record<string, unknown> = { nickname: "x" };
  cyclic.self = cyclic;

  const hostile: Array<[string, unknown]> = [
    [
      "__proto__ keys",
      JSON.parse(
        '{"__proto__": {"nickname": "糖尿病", "polluted": true}, "categories": {"__proto__": ["社交/直播"]}}',
      ),
    ],
    ["constructor paths", { filing: { status: { constructor: 1 } }, release: "x", categories: "社交/直播" }],
    [
      "wrong types everywhere",
      {
        entity: 5,
        categories: { indexOf: 3 },
        filing: [],
        trade: { gmvLastMonthFen: "1e99" },
        nickname: ["糖尿病"],
      },
    ],
    [
      "huge and fractional numbers",
      {
        trade: { gmvLastMonthFen: 1e308, depositBalanceFen: 0.5 },
        filing: { status: "pending", notifiedAt: 5 },
      },
    ],
    ["deep nesting", deep(50_000)],
    ["a cycle", cyclic],
    [
      "$-keys that try to replace the scope",
      { $p: { deposit_cap: 1 }, $lex: { diseases: ["小明"] }, $asOf: 0, nickname: "小明" },
    ],
    ["empty", {}],
  ];

  it.each(hostile)("%s: decide returns a value and never throws", (_name, facts) => {
    for (const engine of [E, V]) {
      for (const evaluator of ["fast", "reference"] as const) {
        for (const explain of [true, false]) {
          const r = engine.decide(facts, { asOf: "2022-03-09", evaluator, explain });
          expect(r.ok === true || r.errors.length > 0).toBe(true);
          if (r.ok) expect(r.decision.rules).toHaveLength(fixtureBundle.rules.length);
        }
      }
    }
  });

  it("__proto__ in facts does not reach the scope's prototype or any other object", () => {
    const r = E.decide(hostile[0]?.[1], { asOf: "2022-03-09", validate: false });
    if (!r.ok) throw new Error("expected a decision");
    expect(r.decision.rules.find((x) => x.rule === "content.nickname_disease")?.status).toBe(
      "not-applicable",
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("$-keys in facts cannot replace parameters, lexicons or the as-of instant", () => {
    const r = E.decide(hostile[6]?.[1], { asOf: "2022-03-09", validate: false });
    if (!r.ok) throw new Error("expected a decision");
    expect(r.decision.asOf).toBe("2022-03-09T00:00:00+08:00");
    expect(r.decision.rules.find((x) => x.rule === "content.nickname_disease")?.status).toBe(
      "not-applicable",
    );
  });

  it("deep or cyclic facts are refused with a pointer error rather than hashed", () => {
    for (const facts of [deep(50_000), cyclic]) {
      const r = E.decide(facts, { asOf: "2022-03-09", validate: false });
      expect(r).toMatchObject({ ok: false, errors: [{ code: "facts/too-deep", pointer: "" }] });
      expect(V.decide(facts).ok).toBe(false);
    }
  });

  it("a type error inside a rule gives that rule an error status, not an exception", () => {
    // `in` against an object with a non-function `indexOf`: json-logic-js throws; so must the fast path.
    const b = withHash({
      ...fixtureBundle,
      rules: [{ ...fixtureBundle.rules[3]!, when: { in: ["x", { var: "categories" }] } }],
      spans: {},
    });
    const l = loadBundle(b, { validateFacts: null });
    if (!l.ok) throw new Error(JSON.stringify(l.diagnostics));
    for (const evaluator of ["fast", "reference"] as const) {
      const r = l.value.decide({ categories: { indexOf: 3 } }, { evaluator });
      if (!r.ok) throw new Error("expected a decision");
      expect(r.decision.rules[0]).toMatchObject({ status: "error", error: expect.stringMatching(/indexOf/) });
      expect(r.decision.verdict).toBe("pass");
    }
  });

  it("a rule that fails lists the atoms evaluated before the failure, in order", () => {
    const b = withHash({
      ...fixtureBundle,
      rules: [
        {
          ...fixtureBundle.rules[3]!,
          when: {
            and: [
              { "==": [{ var: "nickname" }, "x"] },
              { or: [{ "==": [{ var: "release" }, "y"] }, { in: ["x", { var: "categories" }] }] },
            ],
          },
        },
      ],
      spans: {},
    });
    const l = loadBundle(b, { validateFacts: null });
    if (!l.ok) throw new Error(JSON.stringify(l.diagnostics));
    for (const evaluator of ["fast", "reference"] as const) {
      const r = l.value.decide({ nickname: "x", release: "z", categories: { indexOf: 3 } }, { evaluator });
      if (!r.ok) throw new Error("expected a decision");
      const entry = r.decision.rules[0]!;
      expect(entry.status).toBe("error");
      expect(entry.because.map((x) => [x.saw, x.value])).toEqual([
        [{ nickname: "x" }, true],
        [{ release: "z" }, false],
      ]);
    }
  });

  it("arbitrary JSON facts never make decide throw (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), fc.boolean(), (facts, explain, validate) => {
        const f =
          facts !== null && typeof facts === "object" && !Array.isArray(facts)
            ? { ...pendingFacts, ...facts }
            : facts;
        for (const evaluator of ["fast", "reference"] as const) {
          const r = E.decide(f, { asOf: "2022-03-09", evaluator, explain, validate });
          expect(typeof r.ok).toBe("boolean");
        }
      }),
      { numRuns: 300 },
    );
  });
});

// Tests reach deep into a bundle copy to break one thing at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

describe("malformed bundles", () => {
  const codes = (ds: LoadDiagnostic[]) => ds.map((d) => [d.code, d.pointer]);
  const load = (b: unknown, rehash = true) =>
    loadBundle(
      (rehash && b && typeof b === "object" && !Array.isArray(b) ? withHash(b as Bundle) : b) as Bundle,
      { validateFacts: null },
    );
  const mutate = (f: (b: Loose) => void): Record<string, unknown> => {
    const b = structuredClone(fixtureBundle) as Loose;
    f(b);
    return b;
  };

  const cases: Array<[string, unknown, Array<[string, string]>]> = [
    ["not an object", [], [["load/shape", ""]]],
    ["unknown format", mutate((b) => (b.format = "norma-bundle/9")), [["load/format", "/format"]]],
    ["a zone with daylight saving", mutate((b) => (b.zone = "Europe/Paris")), [["load/zone", "/zone"]]],
    ["rules not a list", mutate((b) => (b.rules = {})), [["load/shape", "/rules"]]],
    [
      "a duplicate rule id",
      mutate((b) => (b.rules[1].id = b.rules[0].id)),
      [["load/duplicate", "/rules/1/id"]],
    ],
    [
      "an unknown operation",
      mutate((b) => (b.rules[0].when.and[0] = { "n.globb": ["x", []] })),
      [["load/unknown-operation", "/rules/0/when/and/0"]],
    ],
    [
      "wrong arity",
      mutate((b) => (b.rules[0].when.and[0] = { "n.len": ["a", "b"] })),
      [["load/arity", "/rules/0/when/and/0"]],
    ],
    [
      "a bad rounding mode",
      mutate((b) => (b.rules[2].effect.value.max[1]["n.sub"][0].min[0]["n.mulr"][2] = "nearest")),
      [
        // the message renders the same expression, so both places are reported
        ["load/argument", "/rules/2/effect/value/max/1/n.sub/0/min/0/n.mulr/2"],
        ["load/argument", "/rules/2/effect/message/cat/1/n.fmt/0/max/1/n.sub/0/min/0/n.mulr/2"],
      ],
    ],
    [
      "an unknown parameter",
      mutate((b) => (b.rules[2].when = { var: "$p.deposit_cpa" })),
      [["load/unknown-param", "/rules/2/when/var"]],
    ],
    [
      "an unknown lexicon",
      mutate((b) => (b.rules[3].when.in[1] = { var: "$lex.disease" })),
      [["load/unknown-lexicon", "/rules/3/when/in/1/var"]],
    ],
    [
      "an unbound name",
      mutate((b) => (b.rules[1].when.some[1] = { "n.glob": [{ var: "$d" }, ["x"]] })),
      [["load/unbound-name", "/rules/1/when/some/1/n.glob/0/var"]],
    ],
    [
      "a reserved bound name",
      mutate((b) => (b.rules[1].when.some[0]["n.bind"][0] = "$p")),
      [
        ["load/bind-name", "/rules/1/when/some/0/n.bind/0"],
        ["load/unbound-name", "/rules/1/when/some/1/n.glob/0/var"],
      ],
    ],
    [
      "an empty glob pattern",
      mutate((b) => (b.rules[1].when.some[1]["n.glob"][1] = ["社交/**", ""])),
      [["load/argument", "/rules/1/when/some/1/n.glob/1/1"]],
    ],
    [
      "overlapping parameter versions",
      mutate((b) => (b.params[0].versions[1].effective.from = Date.parse("2023-01-01"))),
      [["load/param-overlap", "/params/0/versions/1/effective"]],
    ],
    [
      "an empty effective window",
      mutate((b) => (b.rules[0].effective = { from: 10, until: 10 })),
      [["load/effective", "/rules/0/effective"]],
    ],
    [
      "an unknown effect",
      mutate((b) => (b.rules[0].effect.kind = "deny")),
      [["load/shape", "/rules/0/effect/kind"]],
    ],
    [
      "a citation without a line",
      mutate((b) => delete b.rules[0].citations[0].line),
      [["load/shape", "/rules/0/citations/0/line"]],
    ],
    [
      "an empty lexicon word",
      mutate((b) => b.lexicons.diseases.push("")),
      [["load/lexicon", "/lexicons/diseases/4"]],
    ],
    [
      "a bad constant time",
      mutate(
        (b) => (b.rules[0].when.and[1]["n.cmp"][2]["n.plus_natural_days"][0] = { "n.time": ["2022-02-30"] }),
      ),
      [["load/argument", "/rules/0/when/and/1/n.cmp/2/n.plus_natural_days/0/n.time/0"]],
    ],
  ];

  it.each(cases)("%s", (_name, bundle, want) => {
    const r = load(bundle);
    expect(r.ok).toBe(false);
    expect(r.value).toBeNull();
    expect(codes(r.diagnostics.filter((d) => d.severity === "error"))).toEqual(want);
    for (const d of r.diagnostics) expect(d.message).toMatch(/^[^A-Z].*[^.]$/);
  });

  it("says when the content does not match the hash", () => {
    const b = mutate((x) => (x.rules[0].title = "edited"));
    expect(codes(load(b, false).diagnostics)).toEqual([["load/hash", "/hash"]]);
    expect(loadBundle(b as unknown as Bundle, { verifyHash: false, validateFacts: null }).ok).toBe(true);
  });

  it("reports JSON syntax errors, and refuses deep nesting without overflowing the stack", () => {
    expect(codes(loadBundle("{").diagnostics)).toEqual([["load/syntax", ""]]);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect(codes(loadBundle(deep).diagnostics)).toEqual([["load/too-deep", ""]]);
  });

  it("reports every problem of a bundle in one run", () => {
    const b = mutate((x) => {
      x.zone = "Mars/Olympus";
      x.rules[0].when = { "n.nope": [] };
      x.rules[1].citations = "FIL:13";
    });
    expect(codes(load(b).diagnostics)).toEqual([
      ["load/zone", "/zone"],
      ["load/unknown-operation", "/rules/0/when"],
      ["load/shape", "/rules/1/citations"],
    ]);
  });

  it("helps with a misspelt operation", () => {
    const b = mutate((x) => (x.rules[0].when = { "n.glb": ["a", ["b"]] }));
    expect(load(b).diagnostics[0]).toMatchObject({
      message: "unknown operation `n.glb`",
      help: "did you mean `n.glob`?",
    });
  });

  it("never throws on arbitrary JSON (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        const r = loadBundle(v as unknown as Bundle);
        expect(r.ok).toBe(false);
        expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
