/**
 * Turns one NDJSON input line into one output line: the decision for the facts document on it,
 * or an error record. Shared by the worker threads and the in-thread mode (`--workers 0`), so
 * both write the same bytes.
 *
 * Guarantees: never throws for any input line; every call returns exactly one line (no newline
 * inside: JSON escapes them); the line is a JSON object whose first field is `"line"`.
 */
import { parseAndValidateFacts, parseFactsJson, type ParsedAndValidatedFacts } from "@norma/facts";
import type { DecideError, DecideOptions, Decision, Engine } from "@norma/runtime";
import { KnownValidation } from "./known-validation.js";
import { bump, type BatchCounts } from "./stats.js";

/** What a batch decides with: the same for every line of a run (and recorded in its checkpoint). */
export interface DecideSettings {
  /** The as-of instant, epoch ms. */
  asOf: number;
  /** Record why each rule decided as it did (slower; default false). */
  explain: boolean;
  /** Which evaluator runs the rules. */
  evaluator: NonNullable<DecideOptions["evaluator"]>;
  /**
   * `full`: the decision document as `norma eval --format json` gives it, plus `line`.
   * `compact`: `line`, `verdict`, `asOf`, `bundle` and each outcome's `rule`, `effect`, `label`,
   * `value` and `norms` (no per-rule list, no messages or citations).
   */
  output: "full" | "compact";
}

/**
 * The kind of an error record: `syntax` (the line is not one JSON document), `invalid` (the
 * document breaks the facts schema), `eval` (the engine could not decide; a bug or an unusable as-of).
 */
export type ErrorKind = "syntax" | "invalid" | "eval";

/** One error inside an error record: a JSON pointer into the document and what is wrong there. */
export interface LineError {
  code: string;
  pointer: string;
  message: string;
  expected?: string;
  actual?: string;
  help?: string;
  /** 1-based column in the input line (syntax errors). */
  column?: number;
}

/** An output line for an input line that could not be decided. */
export interface ErrorRecord {
  line: number;
  error: { kind: ErrorKind; errors: LineError[] };
}

const SYNTAX_CODES = new Set([
  "facts/syntax",
  "facts/too-large",
  "facts/too-deep",
  "facts/duplicate-field",
  "facts/unicode",
]);

/** A line's facts parsed and validated ({@link LineDecider.check}); null for an empty line. */
export type CheckedLine = ParsedAndValidatedFacts | null;

/** Decides lines one at a time with one loaded engine. */
export class LineDecider {
  /**
   * `known`: the validator the engine was loaded with, when it is a {@link KnownValidation} (each
   * document is then validated once, as it is checked); null: the engine validates on its own.
   */
  constructor(
    private readonly engine: Engine,
    private readonly settings: DecideSettings,
    private readonly known: KnownValidation | null = null,
  ) {}

  /** Loads a bundle (its JSON text) once; an error message instead when it does not load. */
  static fromBundleText(
    bundleText: string,
    settings: DecideSettings,
  ): { decider: LineDecider } | { error: string } {
    const known = new KnownValidation();
    const loaded = known.load(bundleText);
    if (!loaded.ok) return { error: `the bundle does not load: ${JSON.stringify(loaded.diagnostics)}` };
    if (settings.evaluator === "compiled") loaded.value.prepare();
    return { decider: new LineDecider(loaded.value, settings, known) };
  }

  /** The output line (without its newline) for input line number `lineNo` (1-based); counts it in `counts`. */
  decideLine(text: string, lineNo: number, counts: BatchCounts): string {
    return this.decideChecked(this.check(text), lineNo, counts);
  }

  /**
   * The first half of {@link decideLine}: the line's facts parsed and validated, or null for an
   * empty line. Counts nothing, so a batch can check all its lines before deciding any (each
   * half then runs over many lines in a row, which keeps its code and data in the CPU's caches).
   */
  check(text: string): CheckedLine {
    const body = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (body.trim() === "") return null;
    return this.known !== null
      ? parseAndValidateFacts(body)
      : { parsed: parseFactsJson(body), validation: null };
  }

  /** The second half of {@link decideLine}: the output line for a line {@link check} checked; counts it. */
  decideChecked(checked: CheckedLine, lineNo: number, counts: BatchCounts): string {
    if (checked === null) {
      return this.errorLine(
        lineNo,
        "syntax",
        [{ code: "facts/syntax", pointer: "", message: "empty line: no facts document" }],
        counts,
      );
    }
    const { parsed, validation } = checked;
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => {
        const out = lineError(e);
        if (e.column !== undefined) out.column = e.column;
        return out;
      });
      const kind = parsed.errors.every((e) => SYNTAX_CODES.has(e.code)) ? "syntax" : "invalid";
      return this.errorLine(lineNo, kind, errors, counts);
    }
    const { asOf, explain, evaluator } = this.settings;
    const decide = () => this.engine.decide(parsed.value, { asOf, explain, evaluator });
    const result =
      this.known !== null && validation !== null
        ? this.known.with(parsed.value, validation, decide)
        : decide();
    if (!result.ok) {
      const kind: ErrorKind = result.errors.some((e) => e.code.startsWith("facts/")) ? "invalid" : "eval";
      return this.errorLine(lineNo, kind, result.errors.map(lineError), counts);
    }
    const decision = result.decision;
    counts.decided++;
    bump(counts.verdicts, decision.verdict);
    for (const o of decision.outcomes) bump(counts.rules, o.rule);
    if (this.settings.output === "compact") return JSON.stringify(compactDecision(lineNo, decision));
    // INVARIANT: a decision serializes as an object (`{...}`), so splicing `line` in front is JSON.
    return `{"line":${lineNo},${JSON.stringify(decision).slice(1)}`;
  }

  private errorLine(lineNo: number, kind: ErrorKind, errors: LineError[], counts: BatchCounts): string {
    counts.failed++;
    bump(counts.errorKinds, kind);
    for (const e of errors) bump(counts.errorCodes, e.code);
    const record: ErrorRecord = { line: lineNo, error: { kind, errors } };
    return JSON.stringify(record);
  }
}

function lineError(
  e:
    | DecideError
    | { code: string; pointer: string; message: string; expected?: string; actual?: string; help?: string },
): LineError {
  const out: LineError = { code: e.code, pointer: e.pointer, message: e.message };
  if (e.expected !== undefined) out.expected = e.expected;
  if (e.actual !== undefined) out.actual = e.actual;
  if (e.help !== undefined) out.help = e.help;
  return out;
}

/** The `compact` output form of a decision (see {@link DecideSettings.output}). */
export function compactDecision(lineNo: number, d: Decision): Record<string, unknown> {
  return {
    line: lineNo,
    verdict: d.verdict,
    asOf: d.asOf,
    bundle: d.bundle,
    outcomes: d.outcomes.map((o) => ({
      rule: o.rule,
      effect: o.effect,
      label: o.label,
      value: o.value,
      norms: o.norms,
    })),
  };
}
