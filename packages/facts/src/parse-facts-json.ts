import {
  escapePointerToken,
  isWellFormed,
  MAX_FACTS_DEPTH,
  MAX_FACTS_TEXT_LENGTH,
  type FactError,
  type FactErrorCode,
} from "./fact-error.js";

/** A place in the facts text: 1-based line and column (UTF-16 code units), and the 0-based offset. */
export interface SourceLocation {
  line: number;
  column: number;
  offset: number;
}

/** The result of {@link parseFactsJson}. */
export interface ParsedFacts {
  /** True when the text is one JSON value and nothing else; `errors` is then empty. */
  ok: boolean;
  /**
   * The parsed value, or `undefined` when `ok` is false. Objects have a `null` prototype, so a
   * `__proto__` field is plain data and can never reach `Object.prototype`.
   */
  value: unknown;
  /** Syntax, size, depth and duplicate-field errors, each with `line` and `column`. */
  errors: FactError[];
  /** The file name given to the parser, if any (for messages). */
  file?: string;
  /**
   * Where the value at a JSON pointer starts; for an object member, where its field name starts.
   * `undefined` for a pointer that names nothing in the text.
   */
  locate(pointer: string): SourceLocation | undefined;
}

/** Options of {@link parseFactsJson}. */
export interface ParseFactsOptions {
  /** Deepest nesting accepted; defaults to {@link MAX_FACTS_DEPTH}. */
  maxDepth?: number;
}

class SyntaxFailure {
  constructor(
    readonly code: FactErrorCode,
    readonly message: string,
    readonly offset: number,
    readonly pointer: string,
  ) {}
}

// Plain string characters: anything but `"`, `\` and the control characters JSON requires escaped.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const STRING_RUN = /[^"\\\u0000-\u001f]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

interface ObjectFrame {
  isArray: false;
  value: Record<string, unknown>;
  pointer: string;
  key: string;
}
interface ArrayFrame {
  isArray: true;
  value: unknown[];
  pointer: string;
}
type Frame = ObjectFrame | ArrayFrame;

/**
 * Parses facts text as strict JSON (RFC 8259), without recursion and without touching a prototype.
 *
 * Guarantees: never throws for any input string; stops at the first syntax error (reported with
 * line and column); rejects nesting deeper than `maxDepth` before building it, and text longer
 * than {@link MAX_FACTS_TEXT_LENGTH}; reports duplicate field names (the last one wins, as with
 * `JSON.parse`). A leading byte-order mark is skipped. Lone surrogates are kept as they are;
 * {@link validateFacts} reports them.
 */
export function parseFactsJson(text: string, file?: string, options: ParseFactsOptions = {}): ParsedFacts {
  return parseFactsText(text, file, options.maxDepth ?? MAX_FACTS_DEPTH).parsed;
}

/**
 * What the quick path saw of the value it parsed, for {@link validateFacts} to skip checking again
 * what the text already establishes. Not part of the package's API.
 */
export interface QuickShape {
  /** The nesting limit the value was parsed with (every object and array is shallower). */
  maxDepth: number;
  /** Every value in the document, the root included (as `validateFacts`'s preflight counts them). */
  values: number;
  /** Items of the longest list. */
  longestList: number;
  /** True when the text has a backslash (an escape). */
  escapes: boolean;
}

/**
 * True when no string and no field name parsed from `text` can hold a lone surrogate: the text is
 * well-formed UTF-16 and has no `\ud…` escape (a parsed string is a slice of the text with its
 * escapes replaced, so a surrogate in it is either in the text or escaped).
 */
export function parsesWellFormed(text: string, shape: QuickShape): boolean {
  return (!shape.escapes || !ESCAPED_SURROGATE.test(text)) && isWellFormed(text);
}

/**
 * {@link parseFactsJson}, plus what the quick path saw of the value (null when the full parser
 * ran). The value it gives is not to be changed before the shape is used.
 */
export function parseFactsText(
  text: string,
  file: string | undefined,
  maxDepth: number,
): { parsed: ParsedFacts; shape: QuickShape | null } {
  // The common case, a well-formed document, takes the quick path; the full parser runs for
  // anything else (to report the errors) and, lazily, to locate pointers.
  if (typeof text === "string" && text.length <= MAX_FACTS_TEXT_LENGTH) {
    const quick = parseQuick(text, maxDepth);
    if (quick !== null) {
      let full: ParsedFacts | undefined;
      const parsed: ParsedFacts = {
        ok: true,
        value: quick.value,
        errors: [],
        ...(file === undefined ? {} : { file }),
        locate: (pointer) => (full ??= parseFull(text, file, maxDepth)).locate(pointer),
      };
      const shape: QuickShape = {
        maxDepth,
        values: quick.walk.values,
        longestList: quick.walk.longestList,
        escapes: quick.escapes,
      };
      return { parsed, shape };
    }
  }
  return { parsed: parseFull(text, file, maxDepth), shape: null };
}

// A `\u` escape of a surrogate (U+D800–U+DFFF); also matches an escaped backslash followed by
// `ud`, which only sends the document to the full check.
const ESCAPED_SURROGATE = /\\u[dD]/;

/** What {@link adopt} counts while it walks a value. */
class Walk {
  /** Field names, duplicates counted once. */
  fields = 0;
  /** Values, the root included. */
  values = 1;
  /** String values (not field names). */
  strings = 0;
  longestList = 0;
  constructor(readonly maxDepth: number) {}
}

/**
 * `JSON.parse`, then the objects given a `null` prototype in place, when that gives exactly what
 * the full parser gives; else null. `JSON.parse` accepts the same grammar as the full parser
 * (RFC 8259; lone surrogates kept) except a leading byte-order mark, which it refuses; it defines
 * every field as an own data property (so `__proto__` is one) in the order the full parser gives.
 * It keeps the last of duplicate fields silently, so the fields are counted in the text and in the
 * value: equal counts mean no duplicates. Text without a backslash has a `"` only at either end of
 * a string, so it holds twice as many as it has field names and string values, and a duplicate
 * field (with its value) would add to those; other text has its field names counted (every
 * string followed by `:`). The walk refuses nesting of `maxDepth` or more and non-finite numbers
 * (`1e400`), which the full parser reports.
 */
function parseQuick(text: string, maxDepth: number): { value: unknown; walk: Walk; escapes: boolean } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const walk = new Walk(maxDepth);
  if (typeof value === "object") {
    if (value !== null) {
      try {
        if (!adopt(value, 0, walk)) return null;
      } catch {
        // Only a stack overflow, for nesting deeper than the stack with a very large `maxDepth`.
        return null;
      }
    }
  } else if (typeof value === "number" && !Number.isFinite(value)) return null;
  else if (typeof value === "string") walk.strings++;
  const escapes = text.indexOf("\\") !== -1;
  if (
    escapes ? walk.fields !== countFieldNames(text) : countQuotes(text) !== 2 * (walk.fields + walk.strings)
  )
    return null;
  return { value, walk, escapes };
}

/**
 * Gives the objects of a freshly parsed object or array a `null` prototype, in place (V8 keeps
 * them in fast mode, unlike objects made by `Object.create(null)`), and counts what {@link Walk}
 * counts. False for nesting at `walk.maxDepth` or deeper, or a non-finite number.
 */
function adopt(v: object, depth: number, walk: Walk): boolean {
  if (depth >= walk.maxDepth) return false;
  if (Array.isArray(v)) {
    const n = v.length;
    walk.values += n;
    if (n > walk.longestList) walk.longestList = n;
    let strings = 0;
    for (let i = 0; i < n; i++) {
      const x: unknown = v[i];
      if (typeof x === "object") {
        if (x !== null && !adopt(x, depth + 1, walk)) return false;
      } else if (typeof x === "string") strings++;
      else if (typeof x === "number" && !Number.isFinite(x)) return false;
    }
    walk.strings += strings;
    return true;
  }
  Object.setPrototypeOf(v, null);
  let fields = 0;
  let strings = 0;
  // With the prototype gone, `for…in` lists exactly the own fields.
  for (const k in v) {
    fields++;
    const x: unknown = (v as Record<string, unknown>)[k];
    if (typeof x === "object") {
      if (x !== null && !adopt(x, depth + 1, walk)) return false;
    } else if (typeof x === "string") strings++;
    else if (typeof x === "number" && !Number.isFinite(x)) return false;
  }
  walk.fields += fields;
  walk.strings += strings;
  walk.values += fields;
  return true;
}

/** The number of `"` in a text. */
function countQuotes(text: string): number {
  let count = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) count++;
  return count;
}

/** The number of field names in JSON text already known to be valid: strings followed by `:`. */
function countFieldNames(text: string): number {
  let count = 0;
  const n = text.length;
  let i = text.indexOf('"');
  while (i !== -1) {
    // Find the closing quote: one not preceded by an odd number of backslashes.
    let end = text.indexOf('"', i + 1);
    for (;;) {
      let backslashes = 0;
      for (let j = end - 1; text.charCodeAt(j) === 0x5c; j--) backslashes++;
      if ((backslashes & 1) === 0) break;
      end = text.indexOf('"', end + 1);
    }
    let k = end + 1;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    }
    if (text.charCodeAt(k) === 0x3a) count++;
    i = text.indexOf('"', k);
  }
  return count;
}

/**
 * {@link parseFactsJson} without its quick path: the full parser on every text. Not part of the
 * package's API; the tests check that the quick path gives exactly what this gives.
 */
export function parseFactsJsonFull(
  text: string,
  file?: string,
  options: ParseFactsOptions = {},
): ParsedFacts {
  return parseFull(text, file, options.maxDepth ?? MAX_FACTS_DEPTH);
}

/** The full parser: every error with its place, and every value's offset for `locate`. */
function parseFull(text: string, file: string | undefined, maxDepth: number): ParsedFacts {
  const offsets = new Map<string, number>();
  const errors: FactError[] = [];
  let lineStarts: number[] | undefined;

  const toLocation = (offset: number): SourceLocation => {
    lineStarts ??= computeLineStarts(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1, offset };
  };
  const locate = (pointer: string): SourceLocation | undefined => {
    const offset = offsets.get(pointer);
    return offset === undefined ? undefined : toLocation(offset);
  };
  const fail = (code: FactErrorCode, message: string, offset: number, pointer: string): ParsedFacts => {
    const at = toLocation(offset);
    errors.push({ code, pointer, message, line: at.line, column: at.column });
    return { ok: false, value: undefined, errors, ...(file === undefined ? {} : { file }), locate };
  };

  if (typeof text !== "string") {
    return fail("facts/syntax", "facts text must be a string", 0, "");
  }
  if (text.length > MAX_FACTS_TEXT_LENGTH) {
    return fail("facts/too-large", `facts text is longer than ${MAX_FACTS_TEXT_LENGTH} characters`, 0, "");
  }
  try {
    const value = parseText(text, maxDepth, offsets, (offset, pointer, key) =>
      errors.push({
        code: "facts/duplicate-field",
        pointer,
        message: `duplicate field \`${key}\``,
        help: "a field may appear once per object; JSON readers disagree on which copy wins",
        ...lineColumn(toLocation(offset)),
      }),
    );
    return {
      ok: errors.length === 0,
      value: errors.length === 0 ? value : undefined,
      errors,
      ...(file === undefined ? {} : { file }),
      locate,
    };
  } catch (error) {
    if (error instanceof SyntaxFailure) return fail(error.code, error.message, error.offset, error.pointer);
    throw error;
  }
}

function lineColumn(at: SourceLocation): { line: number; column: number } {
  return { line: at.line, column: at.column };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return "end of input";
  const cp = text.codePointAt(offset)!;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) {
    return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return cp === 0x60 ? "`` ` ``" : `\`${String.fromCodePoint(cp)}\``;
}

function parseText(
  text: string,
  maxDepth: number,
  offsets: Map<string, number>,
  onDuplicate: (offset: number, pointer: string, key: string) => void,
): unknown {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: Frame[] = [];
  let pointer = "";
  let root: unknown;

  const skipWhitespace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const unexpected = (what: string): SyntaxFailure =>
    new SyntaxFailure(
      "facts/syntax",
      i >= n
        ? `unexpected end of input, expected ${what}`
        : `unexpected ${describeChar(text, i)}, expected ${what}`,
      i,
      pointer,
    );

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let result = "";
    for (;;) {
      STRING_RUN.lastIndex = i;
      STRING_RUN.test(text);
      const end = STRING_RUN.lastIndex;
      if (end > i) result += text.slice(i, end);
      i = end;
      if (i >= n) throw new SyntaxFailure("facts/syntax", "unterminated string", start, pointer);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return result;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        switch (e) {
          case '"':
          case "\\":
          case "/":
            result += e;
            i += 2;
            break;
          case "b":
            result += "\b";
            i += 2;
            break;
          case "f":
            result += "\f";
            i += 2;
            break;
          case "n":
            result += "\n";
            i += 2;
            break;
          case "r":
            result += "\r";
            i += 2;
            break;
          case "t":
            result += "\t";
            i += 2;
            break;
          case "u": {
            const hex = text.slice(i + 2, i + 6);
            if (!HEX4.test(hex)) {
              throw new SyntaxFailure(
                "facts/syntax",
                "invalid `\\u` escape: expected 4 hex digits",
                i,
                pointer,
              );
            }
            result += String.fromCharCode(parseInt(hex, 16));
            i += 6;
            break;
          }
          default:
            throw new SyntaxFailure(
              "facts/syntax",
              e === undefined ? "unterminated string" : `invalid escape \`\\${e}\` in string`,
              i,
              pointer,
            );
        }
        continue;
      }
      throw new SyntaxFailure(
        "facts/syntax",
        `control character ${describeChar(text, i)} must be escaped in a string`,
        i,
        pointer,
      );
    }
  };

  const readScalar = (): unknown => {
    const c = text[i];
    if (c === '"') return readString();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) throw unexpected("a value");
      const value = Number(m[0]);
      if (!Number.isFinite(value)) {
        throw new SyntaxFailure(
          "facts/syntax",
          `number \`${m[0].slice(0, 40)}\` is out of range`,
          i,
          pointer,
        );
      }
      i += m[0].length;
      return value;
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value;
      }
    }
    throw unexpected("a value");
  };

  // Reads a field name and the `:` after it, and points `pointer` at the member's value.
  const readKey = (frame: ObjectFrame): void => {
    pointer = frame.pointer;
    skipWhitespace();
    if (text[i] !== '"') throw unexpected("a field name in double quotes");
    const keyOffset = i;
    const key = readString();
    const memberPointer = `${frame.pointer}/${escapePointerToken(key)}`;
    if (Object.prototype.hasOwnProperty.call(frame.value, key)) onDuplicate(keyOffset, memberPointer, key);
    offsets.set(memberPointer, keyOffset);
    skipWhitespace();
    pointer = memberPointer;
    if (text[i] !== ":") throw unexpected("`:` after the field name");
    i++;
    frame.key = key;
  };

  // INVARIANT: at the top of each iteration `pointer` names the value about to be read.
  for (;;) {
    skipWhitespace();
    if (!offsets.has(pointer)) offsets.set(pointer, i);
    let value: unknown;
    const c = text[i];
    if (c === "{" || c === "[") {
      if (stack.length >= maxDepth) {
        throw new SyntaxFailure("facts/too-deep", `nesting deeper than ${maxDepth} levels`, i, pointer);
      }
      i++;
      skipWhitespace();
      if (c === "{") {
        const frame: ObjectFrame = {
          isArray: false,
          value: Object.create(null) as Record<string, unknown>,
          pointer,
          key: "",
        };
        if (text[i] !== "}") {
          stack.push(frame);
          readKey(frame);
          continue;
        }
        i++;
        value = frame.value;
      } else {
        const frame: ArrayFrame = { isArray: true, value: [], pointer };
        if (text[i] !== "]") {
          stack.push(frame);
          pointer = `${frame.pointer}/0`;
          continue;
        }
        i++;
        value = frame.value;
      }
    } else {
      value = readScalar();
    }

    // Deliver `value` to its container, closing containers that end here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        root = value;
        skipWhitespace();
        if (i < n) {
          pointer = "";
          throw unexpected("end of input after the document");
        }
        return root;
      }
      if (top.isArray) top.value.push(value);
      else top.value[top.key] = value;
      skipWhitespace();
      const sep = text[i];
      if (sep === ",") {
        i++;
        if (top.isArray) pointer = `${top.pointer}/${top.value.length}`;
        else readKey(top);
        break;
      }
      if ((top.isArray && sep === "]") || (!top.isArray && sep === "}")) {
        i++;
        stack.pop();
        value = top.value;
        pointer = top.pointer;
        continue;
      }
      throw unexpected(top.isArray ? "`,` or `]` after an array item" : "`,` or `}` after a field");
    }
  }
}
