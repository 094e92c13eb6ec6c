/**
 * The agreement check: every implementation must return the same outcomes as the reference
 * on every document before anything is timed.
 */
import type { WorkloadFacts } from "../workload/facts.js";
import { canonicalizeOutcomes } from "../workload/facts.js";
import type { Implementation } from "./implementation.js";

/** The first document on which an implementation disagrees with the reference. */
export interface Disagreement {
  /** Position of the document in the checked list. */
  index: number;
  doc: WorkloadFacts;
  reference: { name: string; outcomes: unknown[] };
  other: { name: string; outcomes: unknown[] };
}

/** Thrown by the bench when the agreement check fails; carries the first disagreement. */
export class AgreementError extends Error {
  readonly disagreement: Disagreement;
  constructor(disagreement: Disagreement) {
    super(
      `\`${disagreement.other.name}\` disagrees with \`${disagreement.reference.name}\` on document ${disagreement.index}`,
    );
    this.name = "AgreementError";
    this.disagreement = disagreement;
  }
}

/**
 * Runs every implementation (already loaded) on every document and compares its outcomes,
 * sorted by rule id, with those of `implementations[0]`, the reference. Returns the first
 * disagreement in document order, or null when all agree. An implementation that throws
 * disagrees; its outcomes are reported as `[{ error }]`.
 */
export async function checkAgreement(
  implementations: readonly Implementation[],
  docs: readonly WorkloadFacts[],
): Promise<Disagreement | null> {
  const [reference, ...others] = implementations;
  if (reference === undefined) return null;
  for (let index = 0; index < docs.length; index++) {
    const doc = docs[index]!;
    const expected = await decideSafely(reference, doc);
    const expectedKey = canonicalizeOutcomes(expected);
    for (const other of others) {
      const actual = await decideSafely(other, doc);
      if (canonicalizeOutcomes(actual) !== expectedKey) {
        return {
          index,
          doc,
          reference: { name: reference.name, outcomes: sortByRule(expected) },
          other: { name: other.name, outcomes: sortByRule(actual) },
        };
      }
    }
  }
  return null;
}

/** Renders a disagreement for a terminal: the document, then both outcome lists. */
export function formatDisagreement(d: Disagreement): string {
  const show = (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v), 2);
  return [
    `error: \`${d.other.name}\` disagrees with \`${d.reference.name}\` on document ${d.index}`,
    "",
    "document:",
    show(d.doc),
    "",
    `${d.reference.name} (reference):`,
    show(d.reference.outcomes),
    "",
    `${d.other.name}:`,
    show(d.other.outcomes),
  ].join("\n");
}

async function decideSafely(impl: Implementation, doc: WorkloadFacts): Promise<unknown[]> {
  try {
    const outcomes: unknown = await impl.decide(doc);
    return Array.isArray(outcomes) ? outcomes : [{ notAList: outcomes }];
  } catch (error) {
    return [{ error: error instanceof Error ? error.message : String(error) }];
  }
}

function sortByRule(outcomes: unknown[]): unknown[] {
  return [...outcomes].sort((a, b) =>
    String((a as { rule?: unknown }).rule).localeCompare(String((b as { rule?: unknown }).rule)),
  );
}
