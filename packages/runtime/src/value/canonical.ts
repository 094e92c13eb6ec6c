/**
 * Canonical JSON and content hashes: the bundle hash and the facts hash of a decision.
 *
 * Canonical JSON is RFC 8785 (JCS) for the values JSON can hold: object keys sorted by UTF-16 code
 * units, no white space, strings and numbers exactly as ECMAScript `JSON.stringify` writes them
 * (shortest round-trip numbers; `-0` as `0`). A `Rational` is written as its decimal string.
 * Members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
import { createHash } from "node:crypto";

/** The canonical JSON text of `value` (see the module comment). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join("");
}

function write(value: unknown, out: string[]): void {
  if (value === null || value === undefined || typeof value === "function" || typeof value === "symbol") {
    out.push("null");
    return;
  }
  if (typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      out.push(Number.isFinite(value) ? JSON.stringify(value) : "null");
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "bigint":
      out.push(value.toString());
      return;
    case "object": {
      if (value === null) {
        out.push("null");
        return;
      }
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          write(value[i], out);
        }
        out.push("]");
        return;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      out.push("{");
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
        if (!first) out.push(",");
        first = false;
        out.push(JSON.stringify(k), ":");
        write(v, out);
      }
      out.push("}");
      return;
    }
    default:
      out.push("null");
  }
}

/** `sha256:` followed by the lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
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
