/**
 * The quick paths give exactly what the slow paths give: the quick parse (`JSON.parse` and a walk)
 * what the full parser gives, `validateFacts` (fail-fast validator first) and
 * `parseAndValidateFacts` (no preflight pass when the text rules its findings out) what the
 * preflight pass and the full validator give, on the examples and on documents mutated in every
 * way the quick paths take a shortcut around.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  factsSchema,
  parseAndValidateFacts,
  parseFactsJson,
  validateFacts,
  validateFactsText,
  type SchemaNode,
} from "../src/index.js";
import { parseFactsJsonFull } from "../src/parse-facts-json.js";
import { MAX_UNITS, MIN_UNITS, quickDate, quickDateTime, quickSchema } from "../src/quick-schema.js";
import { validateFactsFull } from "../src/validate-facts.js";
import { exampleFiles, loadExample } from "./helpers.js";

const EXAMPLES = exampleFiles().map(loadExample);

// ---------------------------------------------------------------- documents

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every place in a value: [pointer tokens, value]. */
function places(value: unknown, path: string[] = [], out: Array<[string[], unknown]> = []) {
  out.push([path, value]);
  if (Array.isArray(value)) value.forEach((v, i) => places(v, [...path, String(i)], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) places(v, [...path, k], out);
  return out;
}

function parentOf(doc: unknown, path: string[]): Record<string, unknown> | unknown[] | null {
  let node = doc as Record<string, unknown>;
  for (const t of path.slice(0, -1)) node = node[t] as Record<string, unknown>;
  return node;
}

function nested(depth: number, leaf: Json, arrays: boolean): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

const LONE = ["\ud800", "\udc00", "x\udbffy", "\ude00\ud83d"];

/** Strings the schema's formats, patterns and lengths care about. */
const edgyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 120 }),
  fc.constantFrom(
    "",
    " ",
    "a",
    "$x",
    "😀".repeat(40),
    "😀".repeat(60),
    "😀".repeat(101),
    "é".repeat(101),
    "a".repeat(100),
    "a".repeat(101),
    "a".repeat(301),
    "2026-11-21",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "2026-11-21T09:00:00+08:00",
    "2026-11-21t09:00:00z",
    "2026-11-21T23:59:60Z",
    "2026-11-21T23:59:60+08:00",
    "2026-11-21T09:00:00.123456789+08:00",
    "2026-11-21 09:00:00+08:00",
    "2026-11-21T09:00:00",
    "2026-11-21T24:00:00+08:00",
    "2026-11-21T09:00:00+24:00",
    "2026-10",
    "2026-00",
    "社交/直播",
    "社交//直播",
    "pages/forum/post",
    "pages/forum post",
    "/a/b",
    "wx43a8c3b7cf3c2563",
    "wx-bad id",
  ),
  fc.constantFrom(...LONE),
);

/** Values that break (or happen to fit) the schema wherever they are put. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  edgyString,
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0, -1, 1.5, 5000000, 5000001, 1e21, -0, 2 ** 53, Number.MAX_VALUE),
  fc.boolean(),
  fc.constant(null),
  // Fresh each time: a mutation may add fields to it.
  fc.constant(0).map((): Json => ({})),
  fc.constant(0).map((): Json => []),
  fc.array(edgyString, { maxLength: 4 }),
  fc.array(fc.constantFrom("text", "image", "text"), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** Field names a document should not have. */
const oddName: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(
    "$x",
    "$",
    "",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "a".repeat(101),
    "😀".repeat(60),
    "appld",
    "nickName",
    "0",
    "12",
  ),
  fc.constantFrom(...LONE),
);

interface Mutation {
  at: number;
  op: "set" | "add" | "delete" | "deep";
  name: string;
  value: Json;
  depth: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("set", "set", "add", "delete", "deep"),
  name: oddName,
  value: wrongValue,
  depth: fc.integer({ min: 55, max: 70 }),
});

/** Applies a mutation to a plain JSON document, in place. */
function mutate(doc: Record<string, unknown>, m: Mutation): void {
  const all = places(doc);
  const [path, value] = all[m.at % all.length]!;
  const parent = path.length === 0 ? null : parentOf(doc, path);
  const last = path[path.length - 1]!;
  switch (m.op) {
    case "set":
      if (parent) (parent as Record<string, unknown>)[last] = m.value;
      break;
    case "add":
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        Object.defineProperty(value, m.name, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      break;
    case "delete":
      if (parent && !Array.isArray(parent)) delete parent[last];
      else if (Array.isArray(parent)) parent.splice(Number(last), 1);
      break;
    case "deep":
      if (parent) (parent as Record<string, unknown>)[last] = nested(m.depth, m.value, m.depth % 2 === 0);
      break;
  }
}

interface TextForm {
  pretty: boolean;
  /** Write every non-ASCII character as a `\u` escape (astral ones as escaped pairs). */
  escape: boolean;
  bom: boolean;
  /** Write the field at this place (an index into the objects' fields) twice. */
  duplicate: number | null;
}

const textForm: fc.Arbitrary<TextForm> = fc.record({
  pretty: fc.boolean(),
  escape: fc.boolean(),
  bom: fc.boolean(),
  duplicate: fc.option(fc.nat(), { freq: 3 }),
});

/** JSON text of a value, with the liberties of `form`. */
function toText(value: unknown, form: TextForm): string {
  let fieldNo = 0;
  const str = (s: string): string => {
    const json = JSON.stringify(s);
    return form.escape
      ? json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
      : json;
  };
  const write = (v: unknown, indent: string): string => {
    const nl = form.pretty ? `\n${indent}  ` : "";
    const end = form.pretty ? `\n${indent}` : "";
    if (typeof v === "string") return str(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return `[${v.map((x) => nl + write(x, indent + "  ")).join(",")}${end}]`;
    }
    if (v !== null && typeof v === "object") {
      const members: string[] = [];
      for (const [k, x] of Object.entries(v)) {
        const member = `${nl}${str(k)}:${form.pretty ? " " : ""}${write(x, indent + "  ")}`;
        members.push(member);
        if (fieldNo++ === form.duplicate) members.push(`${nl}${str(k)}:0`);
      }
      return members.length === 0 ? "{}" : `{${members.join(",")}${end}}`;
    }
    return JSON.stringify(v);
  };
  return (form.bom ? "\ufeff" : "") + write(value, "");
}

// ---------------------------------------------------------------- comparison

/** The same JSON value, down to null prototypes, field order and `-0`. */
function expectSameValue(actual: unknown, expected: unknown, at = ""): void {
  if (expected === null || typeof expected !== "object") {
    expect(Object.is(actual, expected), `value at ${at || "/"}`).toBe(true);
    return;
  }
  expect(typeof actual, at).toBe("object");
  expect(Array.isArray(actual), at).toBe(Array.isArray(expected));
  expect(Object.getPrototypeOf(actual), at).toBe(Object.getPrototypeOf(expected));
  expect(Object.keys(actual as object), at).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected))
    expectSameValue(
      (actual as Record<string, unknown>)[k],
      (expected as Record<string, unknown>)[k],
      `${at}/${k}`,
    );
}

/** The quick and the slow paths agree on `text`. */
function expectSamePaths(text: string): void {
  const slow = parseFactsJsonFull(text);
  const quick = parseFactsJson(text);
  expect(quick.ok).toBe(slow.ok);
  expect(quick.errors).toEqual(slow.errors);
  expectSameValue(quick.value, slow.value);

  const both = parseAndValidateFacts(text);
  expect(both.parsed.ok).toBe(slow.ok);
  expect(both.parsed.errors).toEqual(slow.errors);
  expectSameValue(both.parsed.value, slow.value);
  if (!slow.ok) {
    expect(both.validation).toBeNull();
    return;
  }
  const expected = validateFactsFull(slow.value);
  expect(both.validation).toEqual(expected);
  expect(validateFacts(slow.value)).toEqual(expected);
  expect(parseAndValidateFacts(text, { strict: true }).validation).toEqual(
    validateFactsFull(slow.value, { strict: true }),
  );
}

// ---------------------------------------------------------------- tests

describe("quick paths: the same results as the slow paths", () => {
  it("on every example, in every text form", () => {
    for (const doc of EXAMPLES) {
      for (const pretty of [false, true])
        for (const escape of [false, true])
          for (const bom of [false, true])
            expectSamePaths(toText(doc, { pretty, escape, bom, duplicate: null }));
    }
  });

  it("the examples take the quick paths: valid, and no preflight finding", () => {
    for (const doc of EXAMPLES) {
      const result = parseAndValidateFacts(JSON.stringify(doc));
      expect(result.validation).toEqual({ ok: true, errors: [], warnings: [] });
    }
  });

  it("on mutated documents (wrong types and values, unknown and reserved names, lone surrogates, deep nesting, duplicate fields)", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: EXAMPLES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        textForm,
        (which, mutations, form) => {
          const doc = structuredClone(EXAMPLES[which]!);
          for (const m of mutations) mutate(doc, m);
          expectSamePaths(toText(doc, form));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("validateFacts on in-memory documents (not only what JSON text can hold)", () => {
    const inMemory = fc.oneof(
      wrongValue as fc.Arbitrary<unknown>,
      fc.constantFrom<unknown>(undefined, () => 1, new Date(0), NaN, Infinity, 10n, Symbol("s"), new Map()),
    );
    fc.assert(
      fc.property(
        fc.nat({ max: EXAMPLES.length - 1 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            op: fc.constantFrom("set" as const, "add" as const),
            value: inMemory,
            name: oddName,
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
        (which, edits, strict) => {
          const doc = structuredClone(EXAMPLES[which]!);
          for (const e of edits) mutate(doc, { ...e, value: e.value as Json, depth: 0 });
          expect(validateFacts(doc, { strict })).toEqual(validateFactsFull(doc, { strict }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("on large and odd texts: long lists, many values, escapes, numbers out of range", () => {
    const base = EXAMPLES[0]!;
    const cases = [
      toText({ ...base, categories: Array.from({ length: 10_001 }, (_, i) => `c${i}`) }, plain()),
      toText({ ...base, categories: Array.from({ length: 10_000 }, () => "c") }, plain()),
      JSON.stringify(base).replace('"schemaVersion":1', '"schemaVersion":1e400'),
      JSON.stringify(base).replace('"schemaVersion":1', '"schemaVersion":1.0'),
      JSON.stringify(base).replace('"schemaVersion":1', '"schemaVersion":-0'),
      JSON.stringify(base).replace(/"appId":"[^"]*"/, '"appId":"\\ud83d\\ude00"'),
      JSON.stringify(base).replace(/"appId":"[^"]*"/, '"appId":"\\\\ud800"'),
      JSON.stringify(base).replace(/"appId":"[^"]*"/, '"appId":"\\ud800"'),
      JSON.stringify(base).replace(/"appId":/, '"\\u0061ppId":"x","appId":'),
      JSON.stringify(base).replace(/"appId":/, '"app\\u0049d":'),
      JSON.stringify(nested(63, {}, false)),
      JSON.stringify(nested(64, {}, true)),
      JSON.stringify(nested(65, 1, true)),
      '{"a":1,"a":1}',
      '{"a" :1, "a" : 2}',
      '{"a\\"":1,"a\\"":2}',
      '{"a\\\\":1,"a\\\\":2}',
      '["a", "b"]',
      "[]",
      "1",
      '"x"',
      "null",
      "",
    ];
    for (const text of cases) expectSamePaths(text);
  });

  it("on a document of more values than the preflight pass allows", () => {
    // Compared without the full parser, which would keep the place of each of the 2,000,000 values.
    const text = JSON.stringify({
      ...EXAMPLES[0],
      extra: Array.from({ length: 223 }, () => Array(9000).fill(0)),
    });
    const expected = validateFactsFull(JSON.parse(text));
    expect(expected.errors.map((e) => e.code)).toEqual(["facts/too-large"]);
    expect(parseAndValidateFacts(text).validation).toEqual(expected);
  });

  it("validateFactsText gives the same positions as before", () => {
    const text = toText({ ...EXAMPLES[0], appId: 5, extra: "\ud800" }, { ...plain(), pretty: true });
    const result = validateFactsText(text);
    expect(result.ok).toBe(false);
    for (const e of [...result.errors, ...result.warnings]) {
      const at = parseFactsJsonFull(text).locate(e.pointer);
      if (at) expect([e.line, e.column]).toEqual([at.line, at.column]);
    }
  });
});

function plain(): TextForm {
  return { pretty: false, escape: false, bom: false, duplicate: null };
}

describe("quick formats: the same answer as the formats of the full validator", () => {
  const fullDateTimeShape =
    /^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$/;
  // Stand-ins that only answer for what the quick check leaves to them, to see what it decides alone.
  const neverFull = (): boolean => false;
  const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
  const pad = (n: number) => String(n).padStart(2, "0");
  // Mostly valid parts, often at their bounds, sometimes just outside them or not digits at all.
  const part = (lo: number, hi: number, edges: string[]) =>
    fc.oneof(
      { arbitrary: fc.integer({ min: lo, max: hi }).map(pad), weight: 6 },
      { arbitrary: fc.constantFrom(...edges), weight: 3 },
      { arbitrary: digits(2), weight: 1 },
      { arbitrary: fc.constantFrom("1", "1a", "١٢", "+1"), weight: 1 },
    );
  const year = fc.oneof(digits(4), fc.constantFrom("0000", "1900", "2000", "2024", "2026", "2100", "2400"));
  const sep = (valid: string, others: string[]) =>
    fc.oneof(
      { arbitrary: fc.constant(valid), weight: 8 },
      { arbitrary: fc.constantFrom(...others), weight: 1 },
    );
  const dateText = fc
    .tuple(
      year,
      part(1, 12, ["00", "12", "13"]),
      part(1, 28, ["00", "29", "30", "31", "32"]),
      sep("-", ["/", ""]),
    )
    .map(([y, m, d, s]) => `${y}-${m}${s}${d}`);
  const trailer = sep("", ["x", " ", "0", "\n", "Z"]);
  const offset = fc
    .tuple(
      fc.constantFrom("+", "-"),
      part(0, 23, ["23", "24"]),
      part(0, 59, ["59", "60"]),
      sep(":", ["", "-"]),
    )
    .map(([sign, h, m, s]) => `${sign}${h}${s}${m}`);
  const dateTimeText = fc
    .tuple(
      dateText,
      sep("T", ["t", " ", "x", ""]),
      part(0, 23, ["23", "24"]),
      part(0, 59, ["59", "60"]),
      part(0, 59, ["59", "60", "61"]),
      sep("", [".1", ".123456789", ".1234567890", "."]),
      fc.oneof(
        { arbitrary: offset, weight: 6 },
        { arbitrary: fc.constantFrom("Z", "z", "", "+08", "Z "), weight: 2 },
      ),
      sep(":", ["-", ""]),
      trailer,
    )
    .map(([d, t, h, mi, s, frac, tz, colon, end]) => `${d}${t}${h}${colon}${mi}:${s}${frac}${tz}${end}`);

  it("date-time", async () => {
    const { fullFormats } = await import("ajv-formats/dist/formats.js");
    const f = fullFormats["date-time"] as { validate: (s: string) => boolean } | ((s: string) => boolean);
    const fullDateTime = typeof f === "function" ? f : f.validate;
    const full = (s: string) => fullDateTimeShape.test(s) && fullDateTime(s);
    fc.assert(
      fc.property(fc.oneof(dateTimeText, fc.string()), (s) => {
        expect(quickDateTime(full)(s)).toBe(full(s));
        // What it accepts alone, the full check accepts.
        if (quickDateTime(neverFull)(s)) expect(full(s)).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });

  it("date", async () => {
    const { fullFormats } = await import("ajv-formats/dist/formats.js");
    const f = fullFormats.date as { validate: (s: string) => boolean } | ((s: string) => boolean);
    const full = typeof f === "function" ? f : f.validate;
    fc.assert(
      fc.property(
        fc.oneof(
          dateText,
          fc.tuple(dateText, trailer).map(([d, t]) => d + t),
          fc.string(),
          dateTimeText,
        ),
        (s) => {
          expect(quickDate(full)(s)).toBe(full(s));
          if (quickDate(neverFull)(s)) expect(full(s)).toBe(true);
        },
      ),
      { numRuns: 20000 },
    );
  });
});

describe("quickSchema", () => {
  const accepts = (names: SchemaNode, name: string) => !name.startsWith("$");
  const closed = (properties: Record<string, SchemaNode>): SchemaNode => ({
    type: "object",
    properties,
    additionalProperties: false,
    propertyNames: { type: "string" },
  });

  it("drops every `propertyNames` of the facts schema and counts code units for lengths", () => {
    const text = JSON.stringify(quickSchema(factsSchema, (names, name) => !name.startsWith("$")));
    expect(text).not.toContain('"propertyNames"');
    expect(text).not.toContain('"maxLength"');
    expect(text).not.toContain('"minLength"');
    expect(text).toContain(`"${MAX_UNITS}"`);
    expect(text).toContain(`"${MIN_UNITS}"`);
  });

  it("moves every object schema below the root to `$defs`, referenced from its place", () => {
    const inner = closed({ b: { type: "string" } });
    const schema: SchemaNode = {
      type: "object",
      properties: { a: inner, list: { type: "array", items: inner } },
    };
    const out = quickSchema(schema, accepts);
    expect(out.properties?.a).toEqual({ $ref: "#/$defs/quick-object-0" });
    expect(out.properties?.list?.items).toEqual({ $ref: "#/$defs/quick-object-1" });
    expect(out.$defs?.["quick-object-0"]).toEqual({ ...inner, propertyNames: undefined });
    const facts = quickSchema(factsSchema, accepts);
    for (const sub of Object.values(facts.properties ?? {})) expect(sub.properties).toBeUndefined();
  });

  it("keeps `propertyNames` when a defined name fails it, or the object is open", () => {
    expect(quickSchema(closed({ a: {}, $b: {} }), accepts).propertyNames).toBeDefined();
    expect(quickSchema(closed({ a: {} }), accepts).propertyNames).toBeUndefined();
    const open = { ...closed({ a: {} }), additionalProperties: true };
    expect(quickSchema(open, accepts).propertyNames).toBeDefined();
  });

  it("keeps a `minLength` above 1, and what is under `not`", () => {
    expect(quickSchema({ type: "string", minLength: 2 }, accepts)).toEqual({ type: "string", minLength: 2 });
    expect(quickSchema({ not: { maxLength: 3 } }, accepts)).toEqual({ not: { maxLength: 3 } });
  });

  it("leaves a schema with an unknown keyword, a `$ref` under `not` or an `$id` below the root as it is", () => {
    const unknown = {
      type: "object",
      patternProperties: { x: { maxLength: 1 } },
      maxLength: 3,
    } as SchemaNode;
    expect(quickSchema(unknown, accepts)).toBe(unknown);
    const negatedRef = { $defs: { s: { maxLength: 1 } }, not: { $ref: "#/$defs/s" } } as SchemaNode;
    expect(quickSchema(negatedRef, accepts)).toBe(negatedRef);
    const innerId = {
      type: "object",
      properties: { a: { $id: "x", type: "object", properties: {} } },
    } as SchemaNode;
    expect(quickSchema(innerId, accepts)).toBe(innerId);
  });
});
