import { describe, expect, it } from "vitest";
import { parseCaseFile, type CaseFileContext } from "../src/index.js";

const context: CaseFileContext = {
  sourceIds: new Set(["FIL", "OPS"]),
  normIds: new Set(["FIL-7", "DEP-6"]),
  hasExample: (name) => name === "clean-app",
};

/** A valid domain case, as YAML lines, indented for a `cases:` list; `extra` lines are appended. */
function domainCase(lines: string[] = []): string {
  return [
    "cases:",
    "  - id: filing.ok",
    "    title: a case",
    '    cite: { at: "FIL:43", quote: "预上线" }',
    "    asOf: 2026-11-21",
    "    base: clean-app",
    "    expect:",
    "      - verdict: allow",
    ...lines,
  ].join("\n");
}

describe("case files that conform", () => {
  it("load a domain case with its locations", () => {
    const f = parseCaseFile(domainCase(), "filing/ok.yaml", context);
    expect(f.errors).toEqual([]);
    expect(f.kind).toBe("domain");
    expect(f.cases).toHaveLength(1);
    const c = f.cases[0]!;
    expect(c).toMatchObject({
      id: "filing.ok",
      kind: "domain",
      base: "clean-app",
      asOf: "2026-11-21",
      norms: null,
    });
    expect(c.location).toMatchObject({ pointer: "/cases/0", line: 2, column: 5 });
    expect(c.expectLocations[0]).toMatchObject({ pointer: "/cases/0/expect/0", line: 8, column: 9 });
  });

  it("treat files under language/ as language cases", () => {
    const text = [
      "feature: arithmetic",
      "cases:",
      "  - id: lang.one",
      "    expr: 1 + 1",
      "    expect:",
      "      - value: 2",
    ].join("\n");
    const f = parseCaseFile(text, "language/arithmetic.yaml", context);
    expect(f.errors).toEqual([]);
    expect(f.cases[0]).toMatchObject({
      kind: "language",
      feature: "arithmetic",
      expr: "1 + 1",
      policies: [],
    });
    // the same text is not a domain file: `feature` is unknown there and cases need a title, cite, asOf
    expect(parseCaseFile(text, "filing/arithmetic.yaml", context).errors.length).toBeGreaterThan(0);
  });
});

/**
 * Malformed case files: each must be refused with the right pointer (and position), never
 * skipped. `at` is [line, column] of where the error is shown.
 */
const malformed: Array<{
  name: string;
  text: string;
  file?: string;
  pointer: string;
  at?: [number, number];
  message: RegExp;
  code?: string;
}> = [
  {
    name: "misspelled assertion key",
    text: domainCase().replace("- verdict: allow", "- verdct: allow"),
    pointer: "/cases/0/expect/0/verdct",
    at: [8, 9],
    message: /unknown field `verdct`/,
  },
  {
    name: "assertion with two keys",
    text: domainCase(["        notFired: filing.pre_launch"]),
    pointer: "/cases/0/expect/0",
    at: [8, 9],
    message: /exactly one key/,
  },
  {
    name: "empty assertion",
    text: domainCase(["      - {}"]),
    pointer: "/cases/0/expect/1",
    at: [9, 9],
    message: /exactly one key/,
  },
  {
    name: "unknown verdict",
    text: domainCase().replace("verdict: allow", "verdict: permit"),
    pointer: "/cases/0/expect/0/verdict",
    at: [8, 18],
    message: /must be one of `reject`, `require`, `flag`, `allow`, `pass`/,
  },
  {
    name: "facts and base together",
    text: domainCase(["    facts: { schemaVersion: 1 }"]).replace(
      "      - verdict: allow\n",
      "      - verdict: allow\n",
    ),
    pointer: "/cases/0",
    message: /not both/,
  },
  {
    name: "neither facts nor base",
    text: domainCase().replace("    base: clean-app\n", ""),
    pointer: "/cases/0",
    message: /needs its facts/,
  },
  {
    name: "patch without base",
    text: domainCase(["    patch: { nickname: x }"]).replace(
      "    base: clean-app\n",
      "    facts: { schemaVersion: 1 }\n",
    ),
    pointer: "/cases/0",
    message: /`patch` applies to a `base`/,
  },
  {
    name: "missing title",
    text: domainCase().replace("    title: a case\n", ""),
    pointer: "/cases/0",
    message: /missing required field `title`/,
  },
  {
    name: "cite without a line",
    text: domainCase().replace('at: "FIL:43"', 'at: "FIL"'),
    pointer: "/cases/0/cite/at",
    at: [4, 17],
    message: /SOURCE:LINE/,
  },
  {
    name: "asOf without an offset",
    text: domainCase().replace("asOf: 2026-11-21", "asOf: 2026-11-21T09:00:00"),
    pointer: "/cases/0/asOf",
    at: [5, 11],
    message: /RFC 3339 date-time with offset/,
  },
  {
    name: "status with an unknown status",
    text: domainCase(["      - status: { rule: filing.pre_launch, is: error }"]),
    pointer: "/cases/0/expect/1/status/is",
    message: /must be one of `fired`, `not-applicable`, `excepted`, `not-in-force`/,
  },
  {
    name: "outcome without a rule",
    text: domainCase(["      - outcome: { effect: allow }"]),
    pointer: "/cases/0/expect/1/outcome",
    message: /missing required field `rule`/,
  },
  {
    name: "invalidFacts that is not a pointer",
    text: domainCase().replace("verdict: allow", "invalidFacts: entity.type"),
    pointer: "/cases/0/expect/0/invalidFacts",
    message: /JSON pointer/,
  },
  {
    name: "unknown top-level key",
    text: "case:\n  - id: x\n",
    pointer: "/case",
    at: [1, 1],
    message: /unknown field `case`.*|unknown field `case`/,
  },
  {
    name: "empty expect",
    text: domainCase().replace("    expect:\n      - verdict: allow", "    expect: []"),
    pointer: "/cases/0/expect",
    message: /needs at least 1 item/,
  },
  {
    name: "unknown source id",
    text: domainCase().replace('at: "FIL:43"', 'at: "XYZ:3"'),
    pointer: "/cases/0/cite/at",
    message: /unknown source `XYZ`/,
    code: "case/unknown-source",
  },
  {
    name: "unknown base example",
    text: domainCase().replace("base: clean-app", "base: no-such-example"),
    pointer: "/cases/0/base",
    at: [6, 11],
    message: /no example `examples\/no-such-example.json`/,
    code: "case/unknown-base",
  },
  {
    name: "unknown norm id",
    text: domainCase(["    norms: [FIL-99]"]),
    pointer: "/cases/0/norms/0",
    message: /`FIL-99` is not in the norm catalogue/,
    code: "case/unknown-norm",
  },
  {
    name: "invalidFacts mixed with other assertions",
    text: domainCase(["      - invalidFacts: /entity/type"]),
    pointer: "/cases/0/expect",
    message: /asserts nothing else/,
  },
  {
    name: "language case with both policy and expr",
    file: "language/x.yaml",
    text: [
      "feature: x",
      "cases:",
      "  - id: lang.x",
      "    expr: 1",
      "    policy: p",
      "    expect:",
      "      - value: 1",
    ].join("\n"),
    pointer: "/cases/0",
    message: /exactly one of `policy`/,
  },
  {
    name: "diagnostic without a column",
    file: "language/x.yaml",
    text: [
      "feature: x",
      "cases:",
      "  - id: lang.x",
      "    expr: 1 +",
      "    expect:",
      "      - diagnostic: { code: parse/unexpected-end, line: 1 }",
    ].join("\n"),
    pointer: "/cases/0/expect/0/diagnostic",
    message: /missing required field `column`/,
  },
  {
    name: "duplicate YAML key",
    text: domainCase().replace("    title: a case\n", "    title: a case\n    title: again\n"),
    pointer: "",
    at: [4, 5],
    message: /not valid YAML/,
    code: "case/yaml",
  },
];

describe("malformed case files are refused with pointers", () => {
  it.each(malformed)("$name", ({ text, file, pointer, at, message, code }) => {
    const f = parseCaseFile(text, file ?? "filing/bad.yaml", context);
    expect(f.cases).toEqual([]);
    const hit = f.errors.find((e) => e.pointer === pointer && message.test(e.message));
    expect(
      hit,
      `errors were: ${JSON.stringify(f.errors.map((e) => [e.pointer, e.message, e.line, e.column]))}`,
    ).toBeDefined();
    expect(hit!.code).toBe(code ?? "case/schema");
    if (at) expect([hit!.line, hit!.column]).toEqual(at);
  });

  it("suggests the key that was meant", () => {
    const f = parseCaseFile(
      domainCase().replace("- verdict: allow", "- notfired: x"),
      "filing/bad.yaml",
      context,
    );
    expect(f.errors[0]?.help).toBe("did you mean `notFired`?");
  });

  it("reports every error of a file in one run, in file order", () => {
    const text = domainCase(["      - verdct: allow", "      - status: { rule: r, is: on }"]).replace(
      'at: "FIL:43"',
      'at: "FIL"',
    );
    const f = parseCaseFile(text, "filing/bad.yaml", context);
    expect(f.errors.map((e) => e.line)).toEqual([4, 9, 10]);
  });
});
