/**
 * Evaluating standalone JSON Logic (no bundle) with either evaluator: for tools, tests and the JSON
 * Logic shared suite. Bundles go through `loadBundle`.
 */
import type { Logic } from "./ir.js";
import { compileStandalone } from "./fast/compile.js";
import { applyReference } from "./reference/json-logic.js";
import { resolveZone, SHANGHAI, type Zone } from "./value/time.js";

/** Options for standalone evaluation. */
export interface LogicOptions {
  /** The zone of the time operations (default `Asia/Shanghai`); fixed-offset zones only. */
  zone?: string;
  /** Lexicons the logic may read as `$lex.<name>` (only through the data, as for any path). */
  lexicons?: Readonly<Record<string, readonly string[]>>;
}

function zoneOf(options: LogicOptions): Zone {
  if (options.zone === undefined) return SHANGHAI;
  const z = resolveZone(options.zone);
  if (z === null) throw new TypeError(`zone \`${options.zone}\` is not a supported fixed-offset zone`);
  return z;
}

/**
 * Compiles `logic` once with the fast path and returns its evaluator. Throws only for an
 * unsupported `zone`; evaluating throws exactly where json-logic-js would (an unknown operation,
 * a standard operation on data it cannot handle).
 */
export function compileLogic(logic: Logic, options: LogicOptions = {}): (data: unknown) => unknown {
  return compileStandalone(logic, {
    zone: zoneOf(options),
    lexicons: options.lexicons ?? {},
    rootScope: false,
    globCache: new Map(),
    timeCache: new Map(),
  });
}

/** Evaluates `logic` against `data` with the reference evaluator (json-logic-js plus the `n.*` operations). */
export function evaluateReference(logic: Logic, data: unknown, options: LogicOptions = {}): unknown {
  return applyReference(logic, data, zoneOf(options));
}
