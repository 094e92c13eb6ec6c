/**
 * Norma in the peer comparison: the twelve workload rules as Norma policies
 * (packages/bench/workload/policies), compiled once in `load()` and decided with @norma/runtime.
 *
 * Three implementations: "Norma (compiled, the default)" and "Norma (closures)" decide with
 * `explain: false` (no explanations, no facts hash), by generated code and by closures;
 * "Norma (explanations)" with `explain: true`, every rule's `because` list and the facts hash, as
 * an auditor would get them. Neither validates the facts (no peer does; the
 * documents come from the generator, which only makes valid ones).
 *
 * Mapping a decision to the workload's outcomes reads, per workload rule, its status in the
 * decision (`fired`, `excepted`, `not-applicable`) and the effect of its outcome:
 * - a rule whose exception is the passing case (R02–R05, R12): fired → its failing effect,
 *   excepted → `pass`, not applicable → `not_applicable`;
 * - R06: the `dueFen` assessed by `R06.deposit`; `topup` when `R06.deposit.topup` fired;
 * - R08: `reject` when it fired; `rejected` = the list of apis assessed by `R08.privacy.rejected`;
 * - R09: `not_applicable`, else `allow` for an allow outcome and `deny` for a reject outcome;
 * - R10: `reject` / `warn` (a flag) / `pass` (no outcome).
 */
import { loadBundle, type Decision, type Engine, type Outcome as NormaOutcome } from "@norma/runtime";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, WorkloadFacts } from "../workload/facts.js";
import { buildWorkloadBundle } from "./workload-bundle.js";

/** The Norma rules the mapping reads, in a fixed order (indexes into the bundle's rule list). */
const NORMA_RULES = [
  "R01.filing.required",
  "R02.filing.status",
  "R03.ugc.text",
  "R04.ugc.image",
  "R05.ugc.video",
  "R06.deposit",
  "R06.deposit.topup",
  "R07.payment.singleLimit",
  "R08.privacy.purpose",
  "R08.privacy.rejected",
  "R09.filing.prelaunch",
  "R10.complaint.label",
  "R11.nickname.disease",
  "R12.entity.newsCategory",
] as const;

type NormaRuleId = (typeof NORMA_RULES)[number];

/** Options of {@link createNormaImplementation}. */
export interface NormaImplementationOptions {
  /** Decide with full explanations (`explain: true`). */
  explain: boolean;
  /** The evaluator: the default generated code (`compiled`) or the closures (`fast`). */
  evaluator: "compiled" | "fast";
}

/** Creates one of the three (see the module comment). */
export function createNormaImplementation(options: NormaImplementationOptions): Implementation {
  let engine: Engine | null = null;
  let position: Record<NormaRuleId, number> | null = null;
  const asOfCache = new Map<string, number>();
  const explain = options.explain;
  const evaluator = options.evaluator;

  // The as-of instant is the document's own day (engines never read the clock): 00:00 +08:00,
  // the bundle zone, so the policies' `asOf` field and the decision's as-of are the same day.
  const asOfOf = (day: string): number => {
    let ms = asOfCache.get(day);
    if (ms === undefined) {
      ms = Date.parse(`${day}T00:00:00+08:00`);
      if (asOfCache.size > 10_000) asOfCache.clear();
      asOfCache.set(day, ms);
    }
    return ms;
  };

  return {
    name: explain
      ? "Norma (explanations)"
      : evaluator === "compiled"
        ? "Norma (compiled, the default)"
        : "Norma (closures)",
    load() {
      const built = buildWorkloadBundle();
      if (!built.bundle) {
        throw new Error(
          `the workload policies do not build: ${built.diagnostics.map((d) => d.message).join("; ")}`,
        );
      }
      const loaded = loadBundle(built.bundle, { validateFacts: null });
      if (!loaded.ok)
        throw new Error(`the workload bundle does not load: ${JSON.stringify(loaded.diagnostics)}`);
      engine = loaded.value;
      // the compiled evaluator's code is generated here, inside the timed load
      if (evaluator === "compiled") engine.prepare();
      const ids = built.bundle.rules.map((r) => r.id);
      const pos = {} as Record<NormaRuleId, number>;
      for (const id of NORMA_RULES) {
        const i = ids.indexOf(id);
        if (i < 0) throw new Error(`the workload bundle has no rule \`${id}\``);
        pos[id] = i;
      }
      position = pos;
    },
    decide(doc: WorkloadFacts): Outcome[] {
      const result = engine!.decide(doc, { asOf: asOfOf(doc.asOf), explain, validate: false, evaluator });
      if (!result.ok) throw new Error(`Norma refused the document: ${JSON.stringify(result.errors)}`);
      return toWorkloadOutcomes(result.decision, position!);
    },
  };
}

/** The status of a rule in a decision; a rule that failed stops the comparison. */
function statusOf(decision: Decision, at: number): string {
  const entry = decision.rules[at]!;
  if (entry.status === "error") throw new Error(`rule \`${entry.rule}\` failed: ${entry.error ?? "?"}`);
  return entry.status;
}

/** R02–R05, R12: fired → the failing effect, excepted → `pass`, not applicable → `not_applicable`. */
function exceptedPass(decision: Decision, at: number, failing: string): string {
  const s = statusOf(decision, at);
  return s === "fired" ? failing : s === "excepted" ? "pass" : "not_applicable";
}

/**
 * Maps a decision of the workload bundle to the twelve workload outcomes (see the module comment).
 * Plain functions and one pass over the outcomes: the mapping is timed with Norma.
 */
export function toWorkloadOutcomes(decision: Decision, position: Record<NormaRuleId, number>): Outcome[] {
  let deposit: NormaOutcome | undefined;
  let rejectedOutcome: NormaOutcome | undefined;
  let prelaunch: NormaOutcome | undefined;
  let label: NormaOutcome | undefined;
  for (const o of decision.outcomes) {
    switch (o.rule) {
      case "R06.deposit":
        deposit = o;
        break;
      case "R08.privacy.rejected":
        rejectedOutcome = o;
        break;
      case "R09.filing.prelaunch":
        prelaunch = o;
        break;
      case "R10.complaint.label":
        label = o;
        break;
    }
  }
  const rejected = (rejectedOutcome?.value ?? []) as string[];
  return [
    {
      rule: "R01.filing.required",
      effect: statusOf(decision, position["R01.filing.required"]) === "fired" ? "require" : "pass",
    },
    { rule: "R02.filing.status", effect: exceptedPass(decision, position["R02.filing.status"], "pending") },
    { rule: "R03.ugc.text", effect: exceptedPass(decision, position["R03.ugc.text"], "reject") },
    { rule: "R04.ugc.image", effect: exceptedPass(decision, position["R04.ugc.image"], "reject") },
    { rule: "R05.ugc.video", effect: exceptedPass(decision, position["R05.ugc.video"], "reject") },
    {
      rule: "R06.deposit",
      effect: statusOf(decision, position["R06.deposit.topup"]) === "fired" ? "topup" : "pass",
      dueFen: deposit!.value as number,
    },
    {
      rule: "R07.payment.singleLimit",
      effect: statusOf(decision, position["R07.payment.singleLimit"]) === "fired" ? "reject" : "pass",
    },
    {
      rule: "R08.privacy.purpose",
      effect: statusOf(decision, position["R08.privacy.purpose"]) === "fired" ? "reject" : "pass",
      rejected,
    },
    {
      rule: "R09.filing.prelaunch",
      effect: prelaunch === undefined ? "not_applicable" : prelaunch.effect === "allow" ? "allow" : "deny",
    },
    {
      rule: "R10.complaint.label",
      effect: label === undefined ? "pass" : label.effect === "reject" ? "reject" : "warn",
    },
    {
      rule: "R11.nickname.disease",
      effect: statusOf(decision, position["R11.nickname.disease"]) === "fired" ? "reject" : "pass",
    },
    {
      rule: "R12.entity.newsCategory",
      effect: exceptedPass(decision, position["R12.entity.newsCategory"], "reject"),
    },
  ];
}
