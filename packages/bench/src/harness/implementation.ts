/**
 * The pluggable shape of one implementation of the workload, as the harness sees it.
 */
import type { Outcome, WorkloadFacts } from "../workload/facts.js";

/**
 * One implementation of the twelve workload rules.
 *
 * The harness calls `load` exactly once, before anything else, and measures its time and the
 * heap it retains; then it calls `decide` many times. An implementation may return outcomes
 * synchronously or as a promise; the harness detects which on the first call and awaits each
 * call of an asynchronous implementation in sequence (one request at a time, as a service
 * deciding one document per request would).
 */
export interface Implementation {
  /** Shown in the table and in agreement failures; unique within one run. */
  readonly name: string;
  /** Parses, compiles or otherwise prepares the rules. Engines must not read the clock. */
  load(): Promise<void> | void;
  /** One outcome per rule id, in any order (compared sorted by rule id). */
  decide(doc: WorkloadFacts): Outcome[] | Promise<Outcome[]>;
}

/** True when `value` is a promise or another thenable. */
export function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
