/**
 * Coverage: which rules fired and which were seen not firing, and for each norm of the catalogue,
 * the rules that implement it and the cases that exercise it.
 */
import { readFileSync } from "node:fs";
import type { Bundle } from "@norma/runtime";
import type { Assertion, DomainCase } from "./types.js";

/** One rule's coverage: the cases in which it fired, and those in which it had another status. */
export interface RuleCoverage {
  rule: string;
  policy: string;
  title: string | null;
  norms: string[];
  firedIn: string[];
  notFiredIn: string[];
}

/** One norm's coverage. `status`: covered, explained in NOT-ENCODED.md, or a gap. */
export interface NormCoverage {
  id: string;
  summary: string;
  places: string[];
  /** The source id the norm belongs to (`FIL` for `FIL:43`), from its first place. */
  source: string;
  rules: string[];
  cases: string[];
  /** The reason from NOT-ENCODED.md, when the norm is listed there. */
  notEncoded: string | null;
  status: "covered" | "not-encoded" | "no-cases" | "no-rules";
}

/** The rules and norms that implement nothing yet or are never exercised, and the totals. */
export interface CoverageSummary {
  rules: RuleCoverage[];
  neverFired: string[];
  neverNotFired: string[];
  norms: NormCoverage[];
  /** True when every rule both fired and did not fire in some case. */
  rulesComplete: boolean;
  /** True when every norm is covered (a rule and a case) or explained in NOT-ENCODED.md. */
  normsComplete: boolean;
}

/**
 * Reads NOT-ENCODED.md: a norm counts as explained when a line starts with its id (after list,
 * heading, table and emphasis marks); the rest of that line is the reason. Missing file: none.
 */
export function loadNotEncoded(file: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!file) return out;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return out;
  }
  for (const line of text.split(/\r?\n/)) {
    const m = /^[\s#>*|`_-]*\**`?([A-Z]+-[0-9]+)`?\**(?![\w-])(.*)$/.exec(line);
    if (!m) continue;
    const reason = m[2]!
      .replace(/^[\s:|—–*-]+/, "")
      .replace(/[\s|]+$/, "")
      .trim();
    if (!out.has(m[1]!)) out.set(m[1]!, reason || "(listed without a reason)");
  }
  return out;
}

/** The norms a rule implements, its exceptions' included. */
export function ruleNorms(rule: Bundle["rules"][number]): string[] {
  return [...new Set([...rule.norms, ...rule.exceptions.flatMap((e) => e.norms)])];
}

/** The rule ids a case's assertions name. */
export function rulesNamed(c: { expect: readonly Assertion[] }): string[] {
  const out = new Set<string>();
  for (const a of c.expect) {
    if ("outcome" in a) out.add(a.outcome.rule);
    if ("notFired" in a) out.add(a.notFired);
    if ("status" in a) out.add(a.status.rule);
  }
  return [...out];
}

/** The norms a case exercises: its `norms:`, else the norms of the rules its assertions name. */
export function exercisedNorms(c: DomainCase, bundle: Bundle | null): string[] {
  if (c.norms) return c.norms;
  if (!bundle) return [];
  const named = new Set(rulesNamed(c));
  return [...new Set(bundle.rules.filter((r) => named.has(r.id)).flatMap(ruleNorms))];
}

/** Computes coverage from the statuses each rule had in each (domain) case. */
export function computeCoverage(
  bundle: Bundle | null,
  statuses: Map<string, Map<string, string>>,
  cases: DomainCase[],
  catalogue: Array<{ id: string; summary: string; places: string[] }>,
  notEncoded: Map<string, string>,
): CoverageSummary {
  const rules: RuleCoverage[] = (bundle?.rules ?? []).map((r) => {
    const firedIn: string[] = [];
    const notFiredIn: string[] = [];
    for (const [caseId, byRule] of statuses) {
      const s = byRule.get(r.id);
      if (s === "fired") firedIn.push(caseId);
      else if (s !== undefined && s !== "error") notFiredIn.push(caseId);
    }
    return { rule: r.id, policy: r.policy, title: r.title, norms: ruleNorms(r), firedIn, notFiredIn };
  });
  const exercised = new Map<string, string[]>();
  for (const c of cases) {
    if (c.skip) continue;
    for (const n of exercisedNorms(c, bundle)) exercised.set(n, [...(exercised.get(n) ?? []), c.id]);
  }
  const norms: NormCoverage[] = catalogue.map((n) => {
    const implementing = rules.filter((r) => r.norms.includes(n.id)).map((r) => r.rule);
    const caseIds = exercised.get(n.id) ?? [];
    const reason = notEncoded.get(n.id) ?? null;
    const status: NormCoverage["status"] =
      implementing.length && caseIds.length
        ? "covered"
        : reason !== null
          ? "not-encoded"
          : implementing.length
            ? "no-cases"
            : "no-rules";
    return {
      id: n.id,
      summary: n.summary,
      places: n.places,
      source: n.places[0]?.split(":")[0] ?? n.id.split("-")[0]!,
      rules: implementing,
      cases: caseIds,
      notEncoded: reason,
      status,
    };
  });
  const neverFired = rules.filter((r) => r.firedIn.length === 0).map((r) => r.rule);
  const neverNotFired = rules.filter((r) => r.notFiredIn.length === 0).map((r) => r.rule);
  return {
    rules,
    neverFired,
    neverNotFired,
    norms,
    rulesComplete: neverFired.length === 0 && neverNotFired.length === 0,
    normsComplete: norms.every((n) => n.status === "covered" || n.status === "not-encoded"),
  };
}
