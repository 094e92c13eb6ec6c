/**
 * @norma/bench: the peer-comparison workload, its implementations and the timing harness.
 */
export type { Implementation } from "./harness/implementation.js";
export { isThenable } from "./harness/implementation.js";
export {
  AgreementError,
  checkAgreement,
  formatDisagreement,
  type Disagreement,
} from "./harness/agreement.js";
export {
  runPeerBench,
  type BenchRow,
  type BenchTable,
  type PeerBenchOptions,
} from "./harness/run-peer-bench.js";
export { formatBenchReport, formatBenchTable } from "./harness/format-table.js";
export {
  createHandwrittenImplementation,
  createPeerImplementations,
  type SkippedImplementation,
} from "./implementations.js";
export * from "./workload/facts.js";
export { BOUNDARIES, type Boundary } from "./workload/boundaries.js";
export {
  DEFAULT_WORKLOAD_SEED,
  formatUtcDay,
  generateFacts,
  generateWorkload,
  POOLS,
} from "./workload/generate.js";
export { decideHandwritten } from "./workload/handwritten.js";
export { createRng, type Rng } from "./workload/prng.js";
