/**
 * The reference evaluator: json-logic-js with the custom operations registered.
 *
 * json-logic-js keeps its operations in one module-level table, so registering ours into the shared
 * instance would leak them to every other user of the package in the process (and theirs to us).
 * Each zone gets a private instance instead: the CommonJS module is loaded a second time with the
 * require cache entry set aside, then the cache is restored. No code is evaluated from strings.
 *
 * Registration is idempotent: one instance per zone offset, registered once, reused.
 */
import { createRequire } from "node:module";
import type { Logic } from "../ir.js";
import { referenceOps } from "../ops/custom.js";
import type { Zone } from "../value/time.js";

/** The subset of the json-logic-js API the runtime uses. */
export interface JsonLogicInstance {
  apply(logic: unknown, data?: unknown): unknown;
  add_operation(name: string, code: (...args: unknown[]) => unknown): void;
  truthy(value: unknown): boolean;
  is_logic(value: unknown): boolean;
}

const require = createRequire(import.meta.url);

/** Loads a fresh, private copy of json-logic-js (not shared with other importers). */
function loadPrivateJsonLogic(): JsonLogicInstance {
  const id = require.resolve("json-logic-js");
  const saved = require.cache[id];
  delete require.cache[id];
  try {
    return require(id) as JsonLogicInstance;
  } finally {
    if (saved) require.cache[id] = saved;
    else delete require.cache[id];
  }
}

const instances = new Map<number, JsonLogicInstance>();

/**
 * The json-logic-js instance for `zone`, with every `n.*` operation registered and `log` made a
 * no-op that returns its argument (the runtime never prints).
 */
export function referenceJsonLogic(zone: Zone): JsonLogicInstance {
  let jl = instances.get(zone.offset);
  if (jl) return jl;
  jl = loadPrivateJsonLogic();
  for (const [name, fn] of Object.entries(referenceOps(zone))) {
    jl.add_operation(name, fn as (...args: unknown[]) => unknown);
  }
  jl.add_operation("log", (a: unknown) => a);
  instances.set(zone.offset, jl);
  return jl;
}

/**
 * Evaluates `logic` against `data` with the reference evaluator. Throws what json-logic-js throws
 * (an unknown operation, or a standard operation applied to data it cannot handle); callers that
 * must not throw catch it.
 */
export function applyReference(logic: Logic, data: unknown, zone: Zone): unknown {
  return referenceJsonLogic(zone).apply(logic, data);
}
