import { describe, expect, it } from "vitest";
import { validateFacts, validateFactsText, type FactError } from "../src/index.js";
import { loadExample, setAt } from "./helpers.js";

/** The clean example with one change: `[pointer, value]` (value `undefined` deletes). */
function mutated(...changes: Array<[string, unknown]>): Record<string, unknown> {
  const doc = loadExample("clean-app.json");
  for (const [pointer, value] of changes) setAt(doc, pointer, value);
  return doc;
}

interface InvalidCase {
  name: string;
  changes: Array<[string, unknown]>;
  error: Partial<FactError>;
}

const invalid: InvalidCase[] = [
  {
    name: "wrong schema version",
    changes: [["/schemaVersion", 2]],
    error: { code: "facts/const", pointer: "/schemaVersion", expected: "`1`", actual: "2" },
  },
  {
    name: "missing required top-level field",
    changes: [["/appId", undefined]],
    error: { code: "facts/missing-field", pointer: "/appId", message: "missing required field `appId`" },
  },
  {
    name: "missing required nested field",
    changes: [["/entity/type", undefined]],
    error: {
      code: "facts/missing-field",
      pointer: "/entity/type",
      expected: expect.stringContaining("`overseas_non_enterprise`") as string,
    },
  },
  {
    name: "entity type outside the enum",
    changes: [["/entity/type", "company"]],
    error: {
      code: "facts/enum",
      pointer: "/entity/type",
      message: '`"company"` is not an allowed value',
      actual: '"company"',
    },
  },
  {
    name: "money as a string",
    changes: [
      [
        "/trade",
        { gmvByMonth: [{ month: "2026-10", gmv: "12.50" }], disputes: [], advanceCompensations: [] },
      ],
    ],
    error: {
      code: "facts/type",
      pointer: "/trade/gmvByMonth/0/gmv",
      expected: "money: an integer number of fen",
      actual: '"12.50"',
    },
  },
  {
    name: "money in yuan with decimals",
    changes: [
      ["/trade", { gmvByMonth: [{ month: "2026-10", gmv: 1234.5 }], disputes: [], advanceCompensations: [] }],
    ],
    error: {
      code: "facts/type",
      pointer: "/trade/gmvByMonth/0/gmv",
      message: "expected money: an integer number of fen, found a number",
      actual: "1234.5",
    },
  },
  {
    name: "negative money",
    changes: [
      ["/trade", { gmvByMonth: [{ month: "2026-10", gmv: -100 }], disputes: [], advanceCompensations: [] }],
    ],
    error: {
      code: "facts/range",
      pointer: "/trade/gmvByMonth/0/gmv",
      expected: "at least 0 fen",
      actual: "-100",
    },
  },
  {
    name: "month not YYYY-MM",
    changes: [
      ["/trade", { gmvByMonth: [{ month: "2026-13", gmv: 100 }], disputes: [], advanceCompensations: [] }],
    ],
    error: {
      code: "facts/pattern",
      pointer: "/trade/gmvByMonth/0/month",
      expected: "a month `YYYY-MM`, e.g. `2026-10`",
      actual: '"2026-13"',
    },
  },
  {
    name: "date-time without offset",
    changes: [["/observedAt", "2026-11-21T09:00:00"]],
    error: {
      code: "facts/format",
      pointer: "/observedAt",
      actual: '"2026-11-21T09:00:00"',
      expected: expect.stringContaining("RFC 3339") as string,
    },
  },
  {
    name: "date-time with a space separator",
    changes: [["/submissions/0/submittedAt", "2026-03-01 10:00:00+08:00"]],
    error: { code: "facts/format", pointer: "/submissions/0/submittedAt" },
  },
  {
    name: "impossible calendar date-time",
    changes: [["/submissions/0/codeReview/decidedAt", "2026-02-30T09:00:00+08:00"]],
    error: { code: "facts/format", pointer: "/submissions/0/codeReview/decidedAt" },
  },
  {
    name: "boolean given as a string",
    changes: [["/submissions/1/withdrawn", "false"]],
    error: {
      code: "facts/type",
      pointer: "/submissions/1/withdrawn",
      message: "expected `true` or `false`, found a string",
      actual: '"false"',
    },
  },
  {
    name: "list given as a string",
    changes: [["/categories", "工具/计算器"]],
    error: {
      code: "facts/type",
      pointer: "/categories",
      message:
        "expected a list of category path such as `社交/直播` (names joined by `/`, no spaces), found a string",
    },
  },
  {
    name: "duplicate category",
    changes: [["/categories", ["工具/计算器", "工具/计算器"]]],
    error: { code: "facts/items", pointer: "/categories", message: "items 0 and 1 are equal" },
  },
  {
    name: "category path with spaces",
    changes: [["/categories", ["工具 / 计算器"]]],
    error: { code: "facts/pattern", pointer: "/categories/0", actual: '"工具 / 计算器"' },
  },
  {
    name: "security scene outside 1–4",
    changes: [
      [
        "/moderation/securityChecks",
        [{ api: "msgSecCheck", version: 2, medium: "text", scene: 5, guards: [], reachedFromUserFlow: true }],
      ],
    ],
    error: {
      code: "facts/enum",
      pointer: "/moderation/securityChecks/0/scene",
      expected: "one of `1`, `2`, `3`, `4`",
      actual: "5",
    },
  },
  {
    name: "sample rate given in percent",
    changes: [["/moderation/passSampleRate", 5]],
    error: {
      code: "facts/range",
      pointer: "/moderation/passSampleRate",
      message: "`5` is above the maximum `1`",
      expected: "at most 1",
    },
  },
  {
    name: "empty nickname",
    changes: [["/nickname", ""]],
    error: { code: "facts/length", pointer: "/nickname", message: "string is empty", actual: '""' },
  },
  {
    name: "over-long nickname, value shortened",
    changes: [["/nickname", "长".repeat(500)]],
    error: {
      code: "facts/length",
      pointer: "/nickname",
      expected: "at most 64 characters",
      actual: `"${"长".repeat(58)}…`,
    },
  },
  {
    name: "media list that must not be empty",
    changes: [["/ugc/surfaces", [{ place: "comment", media: [], visibleToOthers: true }]]],
    error: { code: "facts/items", pointer: "/ugc/surfaces/0/media", message: "list has fewer than 1 item" },
  },
  {
    name: "field name reserved for the engine",
    changes: [["/entity/$asOf", 0]],
    error: {
      code: "facts/reserved-name",
      pointer: "/entity/$asOf",
      message: "field name `$asOf` is reserved: names starting with `$` belong to the engine",
    },
  },
  {
    name: "field name that is a prototype key",
    changes: [["/privacy/constructor", {}]],
    error: {
      code: "facts/reserved-name",
      pointer: "/privacy/constructor",
      message: "field name `constructor` is not allowed",
    },
  },
  {
    name: "root is an array",
    changes: [],
    error: {
      code: "facts/type",
      pointer: "",
      message: "expected a facts document (an object), found a list",
    },
  },
];

describe("validateFacts: invalid documents", () => {
  it.each(invalid)("$name", ({ name, changes, error }) => {
    const doc = name === "root is an array" ? [mutated()] : mutated(...changes);
    const result = validateFacts(doc);
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(expect.objectContaining(error));
    // Each error carries a pointer into the document and a message in the house style.
    for (const e of result.errors) {
      expect(e.message).toMatch(/^[^A-Z].*[^.]$/s);
      expect(e.pointer === "" || e.pointer.startsWith("/")).toBe(true);
      if (e.actual !== undefined) expect([...e.actual].length).toBeLessThanOrEqual(61);
    }
  });

  it("reports every error of a document in one run", () => {
    const result = validateFacts(
      mutated(
        ["/schemaVersion", 2],
        ["/appId", undefined],
        ["/entity/type", "company"],
        ["/observedAt", "yesterday"],
      ),
    );
    expect(result.errors.map((e) => e.pointer).sort()).toEqual([
      "/appId",
      "/entity/type",
      "/observedAt",
      "/schemaVersion",
    ]);
  });

  it("accepts a valid document with no errors or warnings", () => {
    expect(validateFacts(mutated())).toEqual({ ok: true, errors: [], warnings: [] });
  });
});

describe("validateFacts: unknown fields", () => {
  const doc = mutated(["/appID", "wx2e6a0c4b8d1f3579"], ["/entity/regoin", "上海"]);

  it("are warnings by default, with a did-you-mean", () => {
    const result = validateFacts(doc);
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: "facts/unknown-field",
        pointer: "/appID",
        message: "unknown field `appID`",
        help: "did you mean `appId`?",
        actual: '"wx2e6a0c4b8d1f3579"',
      }),
      expect.objectContaining({
        code: "facts/unknown-field",
        pointer: "/entity/regoin",
        help: "did you mean `region`?",
      }),
    ]);
  });

  it("are errors with strict", () => {
    const result = validateFacts(doc, { strict: true });
    expect(result.ok).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.errors.map((e) => [e.code, e.pointer])).toEqual([
      ["facts/unknown-field", "/appID"],
      ["facts/unknown-field", "/entity/regoin"],
    ]);
  });

  it("never downgrade a reserved name to a warning", () => {
    const result = validateFacts(mutated(["/$p", {}]));
    expect(result.ok).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.errors.map((e) => e.code)).toEqual(["facts/reserved-name"]);
  });

  it("are not validated further, so a bad value under an unknown field is only the unknown field", () => {
    const result = validateFacts(mutated(["/extra", { gmv: "x" }]));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.pointer)).toEqual(["/extra"]);
  });
});

describe("validateFactsText", () => {
  it("locates errors by line and column, sorted by position", () => {
    const text = JSON.stringify(mutated(["/nickname", ""], ["/schemaVersion", "1"]), null, 2);
    const result = validateFactsText(text, { file: "x.json" });
    expect(result.errors.map((e) => [e.pointer, e.line, e.column])).toEqual([
      ["/schemaVersion", 2, 3],
      ["/nickname", 5, 3],
    ]);
  });

  it("locates a missing field at its parent object", () => {
    const text = '{\n  "schemaVersion": 1,\n  "entity": {\n    "name": "x"\n  }\n}';
    const result = validateFactsText(text);
    expect(result.errors).toContainEqual(
      expect.objectContaining({ pointer: "/entity/type", line: 3, column: 3 }),
    );
  });

  it("returns syntax errors without validating", () => {
    const result = validateFactsText('{"schemaVersion": 1,}');
    expect(result.ok).toBe(false);
    expect(result.value).toBeUndefined();
    expect(result.errors).toEqual([expect.objectContaining({ code: "facts/syntax", line: 1, column: 21 })]);
  });
});
