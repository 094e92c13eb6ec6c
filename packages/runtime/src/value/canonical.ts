/**
 * Canonical JSON and content hashes: the bundle hash and the facts hash of a decision.
 *
 * Canonical JSON is RFC 8785 (JCS) for the values JSON can hold: object keys sorted by UTF-16 code
 * units, no white space, strings and numbers exactly as ECMAScript `JSON.stringify` writes them
 * (shortest round-trip numbers; `-0` as `0`). A `Rational` is written as its decimal string.
 * Members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
import { createHash, hash as oneShotHash } from "node:crypto";

/** The canonical JSON text of `value` (see the module comment). */
export function canonicalJson(value: unknown): string {
  return write(value);
}

/** Characters `JSON.stringify` escapes in a string: a string without them is written as is. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function write(value: unknown): string {
  switch (typeof value) {
    case "string":
      return str(value);
    case "number":
      // For finite numbers String() is JSON.stringify (shortest round trip, -0 as 0).
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "object": {
      if (value === null) return "null";
      if (typeof (value as { toJSON?: unknown }).toJSON === "function")
        return write((value as { toJSON(): unknown }).toJSON());
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + write(value[i]);
        return out + "]";
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = 1; i < keys.length; i++) {
        if ((keys[i - 1] as string) > (keys[i] as string)) {
          keys.sort();
          break;
        }
      }
      let out = "{";
      let first = true;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        const v = obj[k];
        if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
        out += (first ? "" : ",") + str(k) + ":" + write(v);
        first = false;
      }
      return out + "}";
    }
    default:
      return "null";
  }
}

/** `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256(text: string): string {
  // `crypto.hash` (one call, no Hash object) where this Node has it (20.12+), else createHash.
  const hex =
    typeof oneShotHash === "function"
      ? oneShotHash("sha256", text, "hex")
      : createHash("sha256").update(text, "utf8").digest("hex");
  return `sha256:${hex}`;
}

/** The facts hash a decision with explanations carries: `sha256:` of the facts' canonical JSON. */
export function factsHash(facts: unknown): string {
  return sha256(canonicalJson(facts));
}

/**
 * The hash of a bundle's span table (`sha256:` of its canonical JSON; an absent table is `{}`): what
 * an explained decision records as `spans`, since the bundle hash leaves the spans out and they
 * give the explanations their policy text and `let` names.
 */
export function hashSpans(spans: unknown): string {
  return sha256(canonicalJson(spans ?? {}));
}

/**
 * The content hash of a bundle: `sha256:` of the canonical JSON of the bundle without its `hash`
 * and `spans` members (so re-ordering spans or renaming files in them never changes the hash).
 */
export function hashBundle(bundle: object): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bundle)) {
    if (k !== "hash" && k !== "spans") rest[k] = v;
  }
  return sha256(canonicalJson(rest));
}

/**
 * True when a tree of JSON data (as `JSON.parse` builds it: no shared or cyclic objects) nests
 * deeper than `limit`. Iterative, allocation-light; use `nestingDepth` for values of unknown origin.
 */
export function treeDepthExceeds(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop() as number;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        stack.push(v[i]);
        depths.push(depth + 1);
      }
    } else {
      for (const k in v) {
        stack.push((v as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * `nestingDepth(value) > limit`, without its bookkeeping for the common case: a walk of the value
 * as a tree (own enumerable members, as `nestingDepth` reads them) that answers as soon as an
 * object sits `limit` levels down, and hands over to `nestingDepth` once it has visited `budget`
 * objects, since shared objects could make a tree walk exponential (and a cycle endless).
 */
export function nestsDeeperThan(value: unknown, limit: number, budget = 100_000): boolean {
  if (value === null || typeof value !== "object") return limit < 0;
  const stack: object[] = [value];
  const depths: number[] = [0];
  let visited = 0;
  while (stack.length > 0) {
    const obj = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth >= limit) return true;
    if (++visited > budget) return nestingDepth(value) > limit;
    const children = Array.isArray(obj) ? obj : Object.values(obj);
    for (let i = 0; i < children.length; i++) {
      const c: unknown = children[i];
      if (c !== null && typeof c === "object") {
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * The nesting depth of a JSON-like value (a scalar is 0, `[]` is 1), computed without recursion in
 * time linear in the number of distinct objects. A cyclic value gives `Infinity`.
 */
export function nestingDepth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const height = new Map<object, number>();
  const onPath = new Set<object>();
  // Post-order walk: an object is entered (children pushed), then exited (height computed).
  const stack: Array<{ obj: object; exit: boolean }> = [{ obj: value, exit: false }];
  while (stack.length > 0) {
    const frame = stack.pop() as { obj: object; exit: boolean };
    const obj = frame.obj;
    const children = Array.isArray(obj) ? obj : Object.values(obj);
    if (frame.exit) {
      onPath.delete(obj);
      let h = 0;
      for (const c of children) {
        if (c !== null && typeof c === "object") h = Math.max(h, height.get(c) ?? 0);
      }
      height.set(obj, h + 1);
      continue;
    }
    if (height.has(obj)) continue;
    if (onPath.has(obj)) return Infinity;
    onPath.add(obj);
    stack.push({ obj, exit: true });
    for (const c of children) {
      if (c === null || typeof c !== "object") continue;
      if (onPath.has(c)) return Infinity;
      if (!height.has(c)) stack.push({ obj: c, exit: false });
    }
  }
  return height.get(value) ?? 0;
}
