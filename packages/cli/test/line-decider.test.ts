/**
 * The batch's line decider validates each document once, as it parses it, and the engine (loaded
 * with a validator that remembers that result) does not validate it again; a batch checks all its
 * lines before deciding any; the diff's line differ validates once for both engines. They must give exactly the bytes and counts of the
 * plain way: parse, then `engine.decide` with its own validation, one line after the other.
 * Checked here against that plain way, written out, on generated documents (`norma gen`) and on
 * mutated and broken ones.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseFactsJson } from "@norma/facts";
import { loadBundle, type DecideError, type Engine } from "@norma/runtime";
import { createBatchTask } from "../src/batch/batch-task.js";
import { generateFacts, loadStories, type FactsDoc } from "../src/batch/generate-facts.js";
import { compareDecisions, DiffAggregate, LineDiffer, type DocChange } from "../src/batch/impact-diff.js";
import { compactDecision, LineDecider, type DecideSettings } from "../src/batch/line-decider.js";
import { loadPoliciesForBatch } from "../src/batch/load-policies.js";
import { bump, emptyCounts, type BatchCounts } from "../src/batch/stats.js";

const POLICIES = fileURLToPath(new URL("../../../policies", import.meta.url));
const loaded = loadPoliciesForBatch(POLICIES)!;
const AS_OF = Date.parse("2026-11-21T00:00:00+08:00");
const DOCS = generateFacts({ stories: loadStories(), seed: 11, count: 120 }).map((g) => g.doc);

const SETTINGS: DecideSettings[] = [
  { asOf: AS_OF, explain: false, evaluator: "compiled", output: "compact" },
  { asOf: AS_OF, explain: false, evaluator: "compiled", output: "full" },
  { asOf: AS_OF, explain: true, evaluator: "fast", output: "full" },
];

// ---------------------------------------------------------------- the plain way

const SYNTAX_CODES = new Set([
  "facts/syntax",
  "facts/too-large",
  "facts/too-deep",
  "facts/duplicate-field",
  "facts/unicode",
]);

function plainError(e: DecideError): Record<string, unknown> {
  const out: Record<string, unknown> = { code: e.code, pointer: e.pointer, message: e.message };
  if (e.expected !== undefined) out.expected = e.expected;
  if (e.actual !== undefined) out.actual = e.actual;
  if (e.help !== undefined) out.help = e.help;
  return out;
}

function plainErrorLine(
  lineNo: number,
  kind: string,
  errors: Record<string, unknown>[],
  counts: BatchCounts,
) {
  counts.failed++;
  bump(counts.errorKinds, kind);
  for (const e of errors) bump(counts.errorCodes, e.code as string);
  return JSON.stringify({ line: lineNo, error: { kind, errors } });
}

/** A line decided the plain way: the engine validates. */
function plainDecideLine(
  engine: Engine,
  settings: DecideSettings,
  text: string,
  lineNo: number,
  counts: BatchCounts,
): string {
  const body = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (body.trim() === "") {
    return plainErrorLine(
      lineNo,
      "syntax",
      [{ code: "facts/syntax", pointer: "", message: "empty line: no facts document" }],
      counts,
    );
  }
  const parsed = parseFactsJson(body);
  if (!parsed.ok) {
    const errors = parsed.errors.map((e) => {
      const out = plainError(e);
      if (e.column !== undefined) out.column = e.column;
      return out;
    });
    const kind = parsed.errors.every((e) => SYNTAX_CODES.has(e.code)) ? "syntax" : "invalid";
    return plainErrorLine(lineNo, kind, errors, counts);
  }
  const { asOf, explain, evaluator } = settings;
  const result = engine.decide(parsed.value, { asOf, explain, evaluator });
  if (!result.ok) {
    const kind = result.errors.some((e: DecideError) => e.code.startsWith("facts/")) ? "invalid" : "eval";
    return plainErrorLine(lineNo, kind, result.errors.map(plainError), counts);
  }
  const decision = result.decision;
  counts.decided++;
  bump(counts.verdicts, decision.verdict);
  for (const o of decision.outcomes) bump(counts.rules, o.rule);
  if (settings.output === "compact") return JSON.stringify(compactDecision(lineNo, decision));
  return `{"line":${lineNo},${JSON.stringify(decision).slice(1)}`;
}

// ---------------------------------------------------------------- broken lines

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function placesOf(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => placesOf(v, [...path, String(i)], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) placesOf(v, [...path, k], out);
  return out;
}

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.string(),
  fc.constantFrom("", "\ud800", "😀".repeat(101), "2026-02-30", "2026-11-21T09:00:00", "$x", "a".repeat(301)),
  fc.constantFrom(-1, 0, 1.5, 5000001, 1e21, true, null),
  // Fresh each time: a mutation may add fields to it.
  fc.constant(0).map((): Json => ({})),
  fc.constant(0).map((): Json => []),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const oddName = fc.constantFrom(
  "$x",
  "",
  "__proto__",
  "constructor",
  "prototype",
  "nickName",
  "\udc00",
  "a".repeat(101),
);

interface Breakage {
  at: number;
  op: "set" | "add" | "delete" | "deep";
  name: string;
  value: Json;
}

function broken(doc: FactsDoc, changes: Breakage[]): FactsDoc {
  const copy = structuredClone(doc);
  for (const c of changes) {
    const all = placesOf(copy);
    const path = all[c.at % all.length]!;
    let parent: Record<string, unknown> = copy;
    for (const t of path.slice(0, -1)) parent = parent[t] as Record<string, unknown>;
    const last = path[path.length - 1];
    const here = last === undefined ? copy : parent[last];
    if (c.op === "add" && here !== null && typeof here === "object" && !Array.isArray(here)) {
      Object.defineProperty(here, c.name, {
        value: c.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (c.op === "delete" && last !== undefined && !Array.isArray(parent)) {
      delete parent[last];
    } else if (c.op === "deep" && last !== undefined) {
      let v: Json = c.value;
      for (let i = 0; i < 66; i++) v = [v];
      parent[last] = v;
    } else if (c.op === "set" && last !== undefined) {
      parent[last] = c.value;
    }
  }
  return copy;
}

const breakage: fc.Arbitrary<Breakage> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("set", "set", "add", "delete", "deep"),
  name: oddName,
  value: oddValue,
});

/** A line: a generated document, maybe broken, written plainly or with liberties. */
const line: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.nat({ max: DOCS.length - 1 }).map((i) => JSON.stringify(DOCS[i])), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.nat({ max: DOCS.length - 1 }), fc.array(breakage, { minLength: 1, maxLength: 3 }))
      .map(([i, changes]) => JSON.stringify(broken(DOCS[i]!, changes))),
    weight: 6,
  },
  {
    // Text-level liberties: a duplicate field, escapes, a byte-order mark, CRLF, blank or broken text.
    arbitrary: fc
      .tuple(
        fc.nat({ max: DOCS.length - 1 }),
        fc.constantFrom("dup", "escape", "bom", "crlf", "blank", "cut", "surrogate", "spaces"),
      )
      .map(([i, how]) => {
        const text = JSON.stringify(DOCS[i]);
        switch (how) {
          case "dup":
            return text.replace('"appId":', '"appId":"x","appId":');
          case "escape":
            return text.replace(
              /[^\x20-\x7e]/g,
              (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
            );
          case "bom":
            return `\ufeff${text}`;
          case "crlf":
            return `${text}\r`;
          case "blank":
            return "  \t";
          case "cut":
            return text.slice(0, text.length >> 1);
          case "surrogate":
            return text.replace(/"nickname":"/, '"nickname":"\\udfff');
          default:
            return JSON.stringify(DOCS[i], null, 1).replace(/\n/g, " ");
        }
      }),
    weight: 3,
  },
);

// ---------------------------------------------------------------- tests

/** `decider` gives each generated line the bytes and counts of {@link plainDecideLine}. */
function decidesAsPlain(decider: LineDecider, settings: DecideSettings, numRuns: number): void {
  fc.assert(
    fc.property(line, (text) => {
      const counts = emptyCounts();
      const expected = emptyCounts();
      expect(decider.decideLine(text, 7, counts)).toBe(
        plainDecideLine(loaded.engine, settings, text, 7, expected),
      );
      expect(counts).toEqual(expected);
    }),
    { numRuns },
  );
}

describe("LineDecider: the same bytes and counts as validating in the engine", () => {
  for (const settings of SETTINGS) {
    const name = `${settings.evaluator}, ${settings.output}${settings.explain ? ", explained" : ""}`;
    const made = LineDecider.fromBundleText(loaded.bundleText, settings);
    if (!("decider" in made)) throw new Error(made.error);
    const decider = made.decider;

    it(`line by line (${name})`, () => {
      decidesAsPlain(decider, settings, settings.explain ? 60 : 300);
    });
  }

  it("a batch checks every line before deciding any, with the same output and counts", () => {
    const settings = SETTINGS[0]!;
    const task = createBatchTask({ mode: "decide", bundleText: loaded.bundleText, settings });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), fc.nat({ max: 1000 }), (texts, first) => {
        const data = new TextEncoder().encode(texts.map((t) => `${t}\n`).join(""));
        // As the batch reads them: decoded from UTF-8 (a leading byte-order mark dropped).
        const decoded = new TextDecoder().decode(data).split("\n").slice(0, -1);
        const expected = emptyCounts();
        const want = decoded.map((t, i) => plainDecideLine(loaded.engine, settings, t, first + i, expected));
        const got = task(data, first, texts.length);
        expect(got.output).toBe(want.join("\n") + "\n");
        expect(got.counts).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});

/** A line diffed the plain way: each engine validates. */
function plainDiffLine(
  base: Engine,
  head: Engine,
  baseAsOf: number,
  headAsOf: number,
  text: string,
  counts: BatchCounts,
) {
  const error = (kind: string, code: string) => {
    counts.failed++;
    bump(counts.errorKinds, kind);
    bump(counts.errorCodes, code);
    return null;
  };
  const body = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (body.trim() === "") return error("syntax", "facts/syntax");
  const parsed = parseFactsJson(body);
  if (!parsed.ok) return error("syntax", parsed.errors[0]?.code ?? "facts/syntax");
  const b = base.decide(parsed.value, { asOf: baseAsOf, explain: false });
  const h = head.decide(parsed.value, { asOf: headAsOf, explain: false });
  if (!b.ok || !h.ok) {
    const errors = (b.ok ? h.errors : b.errors) ?? [];
    const kind = errors.some((e) => e.code.startsWith("facts/")) ? "invalid" : "eval";
    return error(kind, errors[0]?.code ?? "eval/internal");
  }
  counts.decided++;
  const change = compareDecisions(b.decision, h.decision);
  if (change === null) return null;
  const appId = (parsed.value as { appId?: unknown }).appId;
  return { line: 3, appId: typeof appId === "string" ? appId : null, ...change };
}

describe("loading", () => {
  it("a bundle that does not load gives the diagnostics of a plain load", () => {
    const broken = JSON.stringify({ ...(JSON.parse(loaded.bundleText) as object), rules: "nope" });
    const made = LineDecider.fromBundleText(broken, SETTINGS[0]!);
    expect(made).toEqual({
      error: `the bundle does not load: ${JSON.stringify(loadBundle(broken).diagnostics)}`,
    });
    const diff = LineDiffer.create(
      { bundleText: broken, asOf: AS_OF },
      { bundleText: loaded.bundleText, asOf: AS_OF },
    );
    expect(diff).toEqual({
      error: `the base bundle does not load: ${JSON.stringify(loadBundle(broken).diagnostics)}`,
    });
  });
});

describe("LineDecider on an engine of its own: validated by the engine", () => {
  it("gives the same bytes and counts", () => {
    const settings = SETTINGS[0]!;
    decidesAsPlain(new LineDecider(loaded.engine, settings), settings, 100);
  });
});

/** 30 days after {@link AS_OF}: the head side of the diffs below. */
const LATER = AS_OF + 30 * 86_400_000;

/** A differ between the loaded bundle as of {@link AS_OF} and as of {@link LATER}. */
function laterDiffer(): LineDiffer {
  const created = LineDiffer.create(
    { bundleText: loaded.bundleText, asOf: AS_OF },
    { bundleText: loaded.bundleText, asOf: LATER },
  );
  if (!("differ" in created)) throw new Error(created.error);
  return created.differ;
}

describe("LineDiffer: the same changes and counts as validating in each engine", () => {
  it("on generated, mutated and broken lines", () => {
    const differ = laterDiffer();
    fc.assert(
      fc.property(line, (text) => {
        const counts = emptyCounts();
        const expected = emptyCounts();
        expect(differ.diffLine(text, 3, counts)).toEqual(
          plainDiffLine(loaded.engine, loaded.engine, AS_OF, LATER, text, expected),
        );
        expect(counts).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe("DiffAggregate", () => {
  it("reports the same, in the same order, whatever order the batches come in", () => {
    const differ = laterDiffer();
    fc.assert(
      fc.property(fc.array(line, { minLength: 4, maxLength: 30 }), fc.nat(), (texts, seed) => {
        // Batches of up to 3 lines, each with its counts and changes.
        const batches: { counts: BatchCounts; changes: DocChange[] }[] = [];
        texts.forEach((t, i) => {
          if (i % 3 === 0) batches.push({ counts: emptyCounts(), changes: [] });
          const b = batches[batches.length - 1]!;
          const change = differ.diffLine(t, i + 1, b.counts);
          if (change) b.changes.push(change);
        });
        const shuffled = [...batches].sort(
          (a, b) => ((batches.indexOf(a) * 7919 + seed) % 13) - ((batches.indexOf(b) * 7919 + seed) % 13),
        );
        const inOrder = new DiffAggregate();
        for (const b of batches) inOrder.add(b.counts, b.changes);
        const anyOrder = new DiffAggregate();
        for (const b of shuffled) anyOrder.add(b.counts, b.changes);
        const meta = { base: null, head: null, input: "-" } as never;
        expect(JSON.stringify(anyOrder.report(meta))).toBe(JSON.stringify(inOrder.report(meta)));
      }),
      { numRuns: 60 },
    );
  });
});
