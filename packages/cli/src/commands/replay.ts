/**
 * `norma replay --decision FILE --facts FILE [--policies DIR|BUNDLE]`: re-makes a stored decision
 * and says whether it stands. An auditor's check that a decision was made from these facts, by
 * this bundle, at its as-of instant: the bundle hash and the facts hash must match the ones the
 * decision records, and deciding again (same as-of, same evaluator) must give the same document.
 * Exit 0 when it is reproduced, 1 when it is not (with what differs), 2 for bad input.
 */
import { isDeepStrictEqual } from "node:util";
import { parseFactsJson } from "@norma/facts";
import { ENGINE_VERSION, type Decision } from "@norma/runtime";
import { loadEngine } from "../policies.js";
import { fail, parseCommandArgs, readInput } from "../util.js";

const USAGE = "usage: norma replay --decision FILE --facts FILE|- [--policies DIR|BUNDLE]";

/** The JSON pointers at which two JSON values differ (at most `limit`). */
export function jsonDifferences(
  a: unknown,
  b: unknown,
  pointer = "",
  out: string[] = [],
  limit = 20,
): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      jsonDifferences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        out,
        limit,
      );
    }
    return out;
  }
  out.push(pointer || "/");
  return out;
}

/**
 * Whether a pointer into a decision is inside an explanation (the atoms that decided a rule or its
 * exception, an outcome's evidence) rather than what was decided (verdict, outcomes, statuses).
 */
export function isExplanationPointer(pointer: string): boolean {
  return /^\/rules\/\d+\/(exception\/)?because(\/|$)|^\/outcomes\/\d+\/evidence(\/|$)/.test(pointer);
}

/**
 * What differs between a stored decision and the one made again, said for an auditor; `null` when
 * nothing does but the engine version or the span table (a newer engine, or re-formatted policy
 * text, that decides and explains the same).
 */
export function describeDifferences(stored: Decision, again: Decision): string | null {
  const diff = jsonDifferences(stored, JSON.parse(JSON.stringify(again)), "", [], 1000);
  const listed = (ps: string[]) =>
    ps
      .slice(0, 20)
      .map((p) => `\`${p}\``)
      .join(", ") + (ps.length > 20 ? ` and ${ps.length - 20} more` : "");
  const decided = diff.filter((p) => !isExplanationPointer(p) && p !== "/engine/version" && p !== "/spans");
  if (decided.length > 0) return `the decision differs at ${listed(decided)}`;
  const explanations = diff.filter(isExplanationPointer);
  if (explanations.length === 0) return null;
  // Only the explanations differ: what was decided stands; say what can explain it.
  const made = stored.engine?.version;
  const recordedSpans = (stored as { spans?: unknown }).spans;
  let why: string;
  if (made !== again.engine.version) {
    why = `it was made by norma ${String(made)} and is replayed by norma ${again.engine.version}, which explains differently`;
  } else if (typeof recordedSpans !== "string") {
    // a decision stored before decisions recorded their span table
    why = "the bundle's span table (outside the bundle hash) or the stored explanations were changed";
  } else if (recordedSpans !== again.spans) {
    why = `the bundle's span table is not the one they were made with (${recordedSpans} then, ${String(again.spans)} now): the policy text changed where the IR did not (formatting, comments, order, the names of lets), which the bundle hash leaves out`;
  } else {
    why = `the engine version and the span table (${recordedSpans}) are the ones recorded, so the stored explanations were changed after the decision was made`;
  }
  return `the verdict, outcomes and rule statuses are reproduced, but the explanations differ at ${listed(explanations)}: ${why}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: { decision: { type: "string" }, facts: { type: "string" }, policies: { type: "string" } },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (!v.decision || !v.facts) {
    fail("replay needs the stored decision and the facts it was made from", USAGE);
    return 2;
  }
  const decisionText = readInput(v.decision);
  if ("error" in decisionText) return (fail(decisionText.error), 2);
  let stored: Decision;
  try {
    stored = JSON.parse(decisionText.text) as Decision;
  } catch (e) {
    fail(`\`${v.decision}\` is not JSON: ${(e as Error).message}`);
    return 2;
  }
  if (
    !stored ||
    typeof stored !== "object" ||
    stored.format !== "norma-decision/1" ||
    typeof stored.asOf !== "string"
  ) {
    fail(`\`${v.decision}\` is not a Norma decision (format \`norma-decision/1\`)`);
    return 2;
  }
  if (!stored.explained) {
    fail(
      "the stored decision was made with `explain: false`, so it records no facts hash to check against",
      "store decisions made with explanations (the default)",
    );
    return 2;
  }
  const factsText = readInput(v.facts);
  if ("error" in factsText) return (fail(factsText.error), 2);
  const facts = parseFactsJson(factsText.text, v.facts);
  if (!facts.ok) {
    for (const e of facts.errors)
      process.stderr.write(`${v.facts} at ${e.pointer || "/"}: error: ${e.message}\n`);
    return 2;
  }
  const engine = loadEngine(v.policies ?? "policies");
  if (!engine) return 1;
  const problems: string[] = [];
  if (engine.hash !== stored.bundle) {
    problems.push(
      `the policies are not the bundle the decision was made with: ${engine.hash} ≠ ${stored.bundle}`,
    );
  }
  const recorded = stored.engine?.evaluator;
  const evaluator = recorded === "reference" || recorded === "compiled" ? recorded : "fast";
  const again = engine.decide(facts.value, { asOf: stored.asOf, evaluator });
  if (!again.ok) {
    problems.push(
      `the facts are invalid now: ${again.errors.map((e) => `${e.pointer || "/"} ${e.message}`).join("; ")}`,
    );
  } else {
    if (again.decision.factsHash !== stored.factsHash) {
      problems.push(
        `these are not the facts the decision was made from: ${again.decision.factsHash} ≠ ${stored.factsHash}`,
      );
    }
    const difference = describeDifferences(stored, again.decision);
    if (difference !== null) problems.push(difference);
  }
  if (problems.length === 0) {
    const notes: string[] = [];
    if (stored.engine?.version !== ENGINE_VERSION)
      notes.push(`made by norma ${String(stored.engine?.version)}, replayed by norma ${ENGINE_VERSION}`);
    const recordedSpans = (stored as { spans?: unknown }).spans;
    if (typeof recordedSpans === "string" && recordedSpans !== engine.spansHash)
      notes.push(
        `the same explanations from another span table: ${recordedSpans} then, ${engine.spansHash} now`,
      );
    process.stdout.write(
      `reproduced: verdict ${stored.verdict} as of ${stored.asOf}, bundle ${stored.bundle}, facts ${stored.factsHash}${
        notes.length === 0 ? "" : ` (${notes.join("; ")})`
      }\n`,
    );
    return 0;
  }
  for (const p of problems) process.stdout.write(`not reproduced: ${p}\n`);
  return 1;
}
