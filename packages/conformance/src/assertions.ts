/**
 * Checking one assertion against what an evaluator produced. Each check returns null when the
 * assertion holds, or a failure with the expected and actual values a reader needs to see why.
 */
import type { Decision, DecideOutcome, DecisionOutcome, PlacedDiagnostic } from "./engine.js";
import type { Assertion, OutcomeExpectation } from "./types.js";

/** Why an assertion did not hold: a one-line message plus the expected and actual values (JSON). */
export interface AssertionFailure {
  /** Index of the assertion in the case's `expect` (-1: a failure of the case as a whole). */
  index: number;
  message: string;
  expected: unknown;
  actual: unknown;
}

/** The kind (single key) of an assertion. */
export function assertionKind(a: Assertion): string {
  return Object.keys(a)[0]!;
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b as object, k) &&
        jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** Whether an outcome's exception is the expected one (`rule#name`, or just `name`; null: none). */
function exceptionMatches(o: DecisionOutcome, expected: string | null): boolean {
  const actual = o.exception ?? null;
  if (expected === null) return actual === null;
  return actual === expected || actual === `${o.rule}#${expected}`;
}

/** An outcome as cases write it: only the fields a case can assert. */
export function outcomeView(o: DecisionOutcome): OutcomeExpectation {
  const v: OutcomeExpectation = { rule: o.rule, effect: o.effect, label: o.label };
  if (o.value !== undefined && o.value !== null) v.value = o.value;
  if (o.message !== undefined && o.message !== null) v.message = o.message;
  v.exception = o.exception ?? null;
  return v;
}

function outcomeMatches(o: DecisionOutcome, e: OutcomeExpectation): boolean {
  if (o.rule !== e.rule) return false;
  if (e.effect !== undefined && o.effect !== e.effect) return false;
  if (e.label !== undefined && o.label !== e.label) return false;
  if (e.value !== undefined && !jsonEqual(o.value ?? null, e.value)) return false;
  if (e.message !== undefined && o.message !== e.message) return false;
  if (e.exception !== undefined && !exceptionMatches(o, e.exception)) return false;
  return true;
}

function statusOf(d: Decision, rule: string): string {
  return d.rules.find((r) => r.rule === rule)?.status ?? "(not in the decision)";
}

/**
 * Checks a decision assertion (`verdict`, `outcome`, `notFired`, `status`, `invalidFacts`) against
 * an evaluator's result. `value` is checked by the caller, which knows which outcome holds it.
 */
export function checkDecisionAssertion(
  a: Assertion,
  index: number,
  result: DecideOutcome,
): AssertionFailure | null {
  if ("invalidFacts" in a) {
    if (!result.ok) {
      if (result.errors.some((e) => e.pointer === a.invalidFacts)) return null;
      return {
        index,
        message: `the facts were refused, but not at \`${a.invalidFacts}\``,
        expected: { invalidFacts: a.invalidFacts },
        actual: { invalidFacts: result.errors.map((e) => `${e.pointer} (${e.code}: ${e.message})`) },
      };
    }
    return {
      index,
      message: `the facts were accepted, but must be refused at \`${a.invalidFacts}\``,
      expected: { invalidFacts: a.invalidFacts },
      actual: { verdict: result.decision.verdict },
    };
  }
  if (!result.ok) {
    return {
      index,
      message: "the engine refused the facts",
      expected: a,
      actual: { invalidFacts: result.errors.map((e) => `${e.pointer} (${e.code}: ${e.message})`) },
    };
  }
  const d = result.decision;
  if ("verdict" in a) {
    return d.verdict === a.verdict
      ? null
      : { index, message: "wrong verdict", expected: { verdict: a.verdict }, actual: { verdict: d.verdict } };
  }
  if ("outcome" in a) {
    const e = a.outcome;
    if (d.outcomes.some((o) => outcomeMatches(o, e))) return null;
    const same = d.outcomes.filter((o) => o.rule === e.rule).map(outcomeView);
    return {
      index,
      message: same.length
        ? `rule \`${e.rule}\` gave a different outcome`
        : `no outcome from rule \`${e.rule}\` (its status: ${statusOf(d, e.rule)})`,
      expected: { outcome: e },
      actual: same.length === 1 ? { outcome: same[0] } : { outcomes: same, status: statusOf(d, e.rule) },
    };
  }
  if ("notFired" in a) {
    const status = statusOf(d, a.notFired);
    const outs = d.outcomes.filter((o) => o.rule === a.notFired).map(outcomeView);
    if (status !== "fired" && outs.length === 0) return null;
    return {
      index,
      message: `rule \`${a.notFired}\` fired`,
      expected: { notFired: a.notFired },
      actual: { status, outcomes: outs },
    };
  }
  if ("status" in a) {
    const status = statusOf(d, a.status.rule);
    return status === a.status.is
      ? null
      : {
          index,
          message: `rule \`${a.status.rule}\` has another status`,
          expected: { status: a.status },
          actual: { status: { rule: a.status.rule, is: status } },
        };
  }
  return {
    index,
    message: `\`${assertionKind(a)}\` cannot be checked against a decision`,
    expected: a,
    actual: null,
  };
}

/** Checks a diagnostic assertion (`diagnostic`, `noDiagnostics`) against a build's diagnostics. */
export function checkDiagnosticAssertion(
  a: Assertion,
  index: number,
  diagnostics: PlacedDiagnostic[],
): AssertionFailure | null {
  const several = diagnostics.some((d) => (d.fileIndex ?? 1) > 1);
  const shown = diagnostics.map((d) => ({
    code: d.code,
    line: d.line,
    column: d.column,
    ...(several ? { file: d.fileIndex ?? 1 } : {}),
  }));
  if ("noDiagnostics" in a) {
    return diagnostics.length === 0
      ? null
      : {
          index,
          message: "the policy has diagnostics",
          expected: { noDiagnostics: true },
          actual: { diagnostics: shown },
        };
  }
  if ("noDiagnostic" in a) {
    const found = shown.filter((d) => d.code === a.noDiagnostic);
    return found.length === 0
      ? null
      : {
          index,
          message: `\`${a.noDiagnostic}\` is reported`,
          expected: { noDiagnostic: a.noDiagnostic },
          actual: { diagnostics: found },
        };
  }
  if ("diagnostic" in a) {
    const e = a.diagnostic;
    const file = e.file ?? 1;
    if (
      diagnostics.some(
        (d) => d.code === e.code && d.line === e.line && d.column === e.column && (d.fileIndex ?? 1) === file,
      )
    )
      return null;
    const sameCode = shown.filter((d) => d.code === e.code);
    return {
      index,
      message: sameCode.length ? `\`${e.code}\` is reported elsewhere` : `no \`${e.code}\``,
      expected: { diagnostic: e },
      actual: { diagnostics: shown },
    };
  }
  return {
    index,
    message: `\`${assertionKind(a)}\` is not a diagnostic assertion`,
    expected: a,
    actual: null,
  };
}

/**
 * The parts of a decision both evaluators must agree on: the verdict, the outcomes (sorted) and
 * each rule's status. Explanations may differ in shape, so they are left out.
 */
export function comparableDecision(result: DecideOutcome): unknown {
  if (!result.ok) return { refused: result.errors.map((e) => `${e.pointer} ${e.code}`).sort() };
  const d = result.decision;
  const outcomes = d.outcomes
    .map((o) => ({ ...outcomeView(o), message: o.message ?? null }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const rules = [...d.rules]
    .map((r) => ({ rule: r.rule, status: r.status, exception: r.exception?.id ?? null }))
    .sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { verdict: d.verdict, outcomes, rules };
}
