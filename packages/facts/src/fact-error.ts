/**
 * One problem found in a facts document, by the parser or by schema validation.
 *
 * Message style (shared with policy diagnostics): lowercase, no final period, user input in
 * backticks. `code` is stable API; `expected` and `actual` are for people, not for matching.
 */
export interface FactError {
  /** Stable identifier of the kind of problem, e.g. `facts/type`; see {@link FactErrorCode}. */
  code: FactErrorCode;
  /** RFC 6901 JSON pointer to the offending value (`""` is the document root). */
  pointer: string;
  /** What is wrong, one line. */
  message: string;
  /** What the schema wants here, for people (e.g. "money: an integer number of fen"). */
  expected?: string;
  /** The offending value as JSON, shortened to about 60 characters; absent when there is none (a missing field). */
  actual?: string;
  /** A suggested fix when one is known (e.g. "did you mean `appId`?"). */
  help?: string;
  /** 1-based line of the value in the source text, when the document came from text. */
  line?: number;
  /** 1-based column (UTF-16 code units) of the value in the source text, when the document came from text. */
  column?: number;
}

/**
 * The error codes of facts parsing and validation.
 *
 * - `facts/unreadable`: the file cannot be read (missing, a directory, no permission)
 * - `facts/syntax`: the text is not JSON
 * - `facts/too-large`: the text, the document or one list is beyond the size the engine accepts
 * - `facts/too-many-errors`: the last entry when a document has more than 1000 errors (or warnings)
 * - `facts/too-deep`: nesting beyond {@link MAX_FACTS_DEPTH} levels
 * - `facts/duplicate-field`: the same field twice in one object (JSON.parse would silently keep the last)
 * - `facts/not-json`: an in-memory value that JSON cannot represent (function, `undefined`, NaN, a class instance)
 * - `facts/unicode`: a string or field name with a lone UTF-16 surrogate (not encodable as UTF-8), or a file that is not UTF-8
 * - `facts/reserved-name`: a field name starting with `$`, or `__proto__`, `constructor`, `prototype`
 * - `facts/unknown-field`: a field the schema does not define (a warning unless strict)
 * - `facts/missing-field`, `facts/type`, `facts/enum`, `facts/const`, `facts/format`, `facts/pattern`,
 *   `facts/range`, `facts/length`, `facts/items`: the value breaks the schema
 */
export type FactErrorCode =
  | "facts/unreadable"
  | "facts/syntax"
  | "facts/too-large"
  | "facts/too-deep"
  | "facts/too-many-errors"
  | "facts/duplicate-field"
  | "facts/not-json"
  | "facts/unicode"
  | "facts/reserved-name"
  | "facts/unknown-field"
  | "facts/missing-field"
  | "facts/type"
  | "facts/enum"
  | "facts/const"
  | "facts/format"
  | "facts/pattern"
  | "facts/range"
  | "facts/length"
  | "facts/items"
  | "facts/schema";

/** Deepest nesting of objects and arrays a facts document may have; the real schema needs fewer than 10. */
export const MAX_FACTS_DEPTH = 64;

/** Largest facts text (in UTF-16 code units) the parser reads. */
export const MAX_FACTS_TEXT_LENGTH = 64 * 1024 * 1024;

/** Escapes one reference token of a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Splits a JSON pointer into its unescaped reference tokens (`""` → `[]`). */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where `s` has its first lone surrogate, or -1. */
export function loneSurrogateIndex(s: string): number {
  return s.search(LONE_SURROGATE);
}

/** True when `s` has no lone surrogate (is encodable as UTF-8). */
export function isWellFormed(s: string): boolean {
  const native = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(s) : !LONE_SURROGATE.test(s);
}

const PREVIEW_LIMIT = 60;

/**
 * The value as JSON for a message, at most about `limit` characters; longer text ends in `…`.
 *
 * Never serializes more than it shows, so a 10 MB string or a huge array costs no more than a
 * short one; lone surrogates come out escaped (`"\ud800"`), as `JSON.stringify` writes them.
 */
export function previewValue(value: unknown, limit = PREVIEW_LIMIT): string {
  const out = { text: "", full: false };
  writePreview(value, limit, out, 0);
  return out.full ? `${truncateCodePoints(out.text, limit - 1)}…` : out.text;
}

function writePreview(
  value: unknown,
  limit: number,
  out: { text: string; full: boolean },
  depth: number,
): void {
  const room = limit + 1 - out.text.length;
  if (room <= 0) {
    out.full = true;
    return;
  }
  if (typeof value === "string") {
    const head = truncateCodePoints(value, room);
    const json = JSON.stringify(head);
    if (head.length < value.length) {
      out.text += json.slice(0, -1);
      out.full = true;
    } else {
      out.text += json;
    }
  } else if (Array.isArray(value) || (typeof value === "object" && value !== null)) {
    if (depth >= 3) {
      out.text += Array.isArray(value) ? "[…]" : "{…}";
      return;
    }
    const isArray = Array.isArray(value);
    out.text += isArray ? "[" : "{";
    const keys = isArray ? null : Object.keys(value);
    const length = isArray ? value.length : keys!.length;
    for (let i = 0; i < length; i++) {
      if (out.full || out.text.length > limit) {
        out.full = true;
        return;
      }
      if (i > 0) out.text += ",";
      if (isArray) {
        writePreview(value[i], limit, out, depth + 1);
      } else {
        const key = keys![i]!;
        out.text += JSON.stringify(truncateCodePoints(key, 40)) + ":";
        writePreview((value as Record<string, unknown>)[key], limit, out, depth + 1);
      }
    }
    if (!out.full) out.text += isArray ? "]" : "}";
  } else if (typeof value === "number") {
    out.text += String(value);
  } else if (typeof value === "boolean" || value === null) {
    out.text += String(value);
  } else if (value === undefined) {
    out.text += "undefined";
  } else if (typeof value === "bigint") {
    out.text += `${value}n`;
  } else {
    out.text += typeof value;
  }
  if (out.text.length > limit) out.full = true;
}

/** The first `max` UTF-16 code units of `s`, one fewer when that would split a surrogate pair. */
function truncateCodePoints(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end);
}
