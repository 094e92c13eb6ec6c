/**
 * RFC 7386 JSON merge patch: how a case derives its facts from a base example.
 *
 * A patch that is an object merges into the target member by member: `null` removes a member,
 * an object merges recursively, anything else (arrays included) replaces. A patch that is not an
 * object replaces the target. The inputs are never modified.
 */

/** Applies `patch` to `target` (RFC 7386 §2) and returns the result; neither input is modified. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else define(result, key, applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A deep copy of JSON data; own keys only, `__proto__` kept as a plain key. */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) define(out, k, clone(x));
    return out as T;
  }
  return v;
}

/** Sets an own data property, even for `__proto__` (plain assignment would change the prototype). */
function define(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
