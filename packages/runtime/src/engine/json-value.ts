/**
 * Runtime values as JSON values, for decisions: rationals become decimal strings, `undefined` and
 * non-finite numbers `null`, null-prototype scope objects plain objects.
 */
import type { JsonValue } from "../decision.js";
import { isRational } from "../value/rational.js";

const MAX_DEPTH = 64;

/** `value` as a JSON value (see the module comment); nesting beyond 64 levels is cut to `null`. */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value + 0 : null;
    case "object": {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return null;
      if (isRational(value)) return value.toString();
      if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1));
      const out: Record<string, JsonValue> = {};
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        setField(out, k, toJsonValue((value as Record<string, unknown>)[k], depth + 1));
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * Sets field `k` of `out` to `v` as an own field, `__proto__` included (assigning that name would
 * set the prototype instead).
 */
export function setField(out: Record<string, JsonValue>, k: string, v: JsonValue): void {
  if (k === "__proto__")
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}
