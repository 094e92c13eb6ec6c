/**
 * Floors of the peer comparison (see `PeerBenchOptions.floors`): parts of the work a Norma
 * implementation must do, timed in the same rounds as the engines, to show what a ratio cannot go
 * below.
 */
import { factsHash } from "@norma/runtime";
import type { Implementation } from "../harness/implementation.js";
import type { Outcome, WorkloadFacts } from "../workload/facts.js";

/**
 * The facts hash of a decision with explanations: the SHA-256 of the document's canonical JSON,
 * exactly what `decide(…, {explain: true})` computes for `factsHash` (nothing else).
 */
export function createFactsHashFloor(): Implementation {
  return {
    name: "facts hash of an explained decision (canonical JSON + SHA-256)",
    load() {},
    decide(doc: WorkloadFacts): Outcome[] {
      // a pseudo-outcome carrying the hash: the harness observes every call's result
      return [{ rule: "R01.filing.required", effect: factsHash(doc) }];
    },
  };
}
