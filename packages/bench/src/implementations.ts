/**
 * The registry of implementations the peer comparison runs, in table order. Peers are
 * imported lazily so that one that cannot load here (a native binary missing for this
 * platform) is reported as skipped, with the reason, instead of stopping the bench.
 */
import type { Implementation } from "./harness/implementation.js";
import type { Outcome, WorkloadFacts } from "./workload/facts.js";
import { decideHandwritten } from "./workload/handwritten.js";

/** The hand-written JavaScript function: the baseline of every ratio. */
export function createHandwrittenImplementation(): Implementation {
  return {
    name: "hand-written JS",
    load() {},
    decide: (doc: WorkloadFacts): Outcome[] => decideHandwritten(doc),
  };
}

/** An implementation that could not be created here, and why. */
export interface SkippedImplementation {
  name: string;
  reason: string;
}

type Factory = { name: string; create: () => Promise<Implementation> };

/**
 * The implementations compared with the hand-written baseline, in table order: Norma's three
 * (packages/bench/workload/policies/*.norma, compiled in `load()`, decided by @norma/runtime with
 * the default compiled evaluator, with the closures, and with explanations), then the peers. Each maps its result to the twelve `Outcome`s
 * and must pass the agreement check.
 */
const PEER_FACTORIES: Factory[] = [
  {
    name: "Norma (compiled, the default)",
    create: async () =>
      (await import("./norma/implementation.js")).createNormaImplementation({
        explain: false,
        evaluator: "compiled",
      }),
  },
  {
    name: "Norma (closures)",
    create: async () =>
      (await import("./norma/implementation.js")).createNormaImplementation({
        explain: false,
        evaluator: "fast",
      }),
  },
  {
    name: "Norma (explanations)",
    create: async () =>
      (await import("./norma/implementation.js")).createNormaImplementation({
        explain: true,
        evaluator: "compiled",
      }),
  },
  {
    name: "json-logic-js",
    create: async () => (await import("./peers/jsonlogic.js")).createJsonLogicImplementation(),
  },
  {
    name: "@marcbachmann/cel-js",
    create: async () => (await import("./peers/cel.js")).createCelImplementation(),
  },
  {
    name: "@gorules/zen-engine",
    create: async () => (await import("./peers/zen.js")).createZenImplementation(),
  },
  {
    name: "json-rules-engine",
    create: async () => (await import("./peers/json-rules-engine.js")).createJsonRulesEngineImplementation(),
  },
];

/** Creates every peer implementation that can be imported here; the others come back as skipped. */
export async function createPeerImplementations(): Promise<{
  implementations: Implementation[];
  skipped: SkippedImplementation[];
}> {
  const implementations: Implementation[] = [];
  const skipped: SkippedImplementation[] = [];
  for (const factory of PEER_FACTORIES) {
    try {
      implementations.push(await factory.create());
    } catch (error) {
      skipped.push({ name: factory.name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { implementations, skipped };
}
