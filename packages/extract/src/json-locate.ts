/**
 * A small JSON reader that remembers where each value stands, so a fact read from app.json can
 * cite its line.
 *
 * Tolerates what mini-program config files carry in the wild: `//` and `/* *\/` comments, trailing
 * commas and a byte-order mark. It never throws: malformed input gives `value: undefined` and an
 * `error` with the 1-based line and column.
 */

/** A 1-based line and column. */
export interface LineColumn {
  line: number;
  column: number;
}

/** What `parseJsonLocated` returns. */
export interface LocatedJson {
  value: unknown;
  /** JSON pointer → where it stands: the key of an object member, the start of an array item. */
  positions: Map<string, LineColumn>;
  error?: { message: string } & LineColumn;
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Returns a function from string offset to 1-based line and column. */
export function lineLocator(text: string): (offset: number) => LineColumn {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  };
}

/** Parses JSON (with comments and trailing commas) and records the position of every value. */
export function parseJsonLocated(text: string): LocatedJson {
  const locate = lineLocator(text);
  const positions = new Map<string, LineColumn>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const MAX_DEPTH = 256;

  const skip = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
      else if (c === "/" && text[i + 1] === "/") {
        while (i < text.length && text[i] !== "\n") i++;
      } else if (c === "/" && text[i + 1] === "*") {
        const end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length : end + 2;
      } else break;
    }
  };

  const parseString = (): string => {
    const start = i;
    i++;
    let out = "";
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError("invalid unicode escape", i);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        const map: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        const m = e === undefined ? undefined : map[e];
        if (m === undefined) throw new JsonSyntaxError("invalid escape in string", i);
        out += m;
        i += 2;
        continue;
      }
      if (c === "\n") throw new JsonSyntaxError("unterminated string", start);
      out += c;
      i++;
    }
    throw new JsonSyntaxError("unterminated string", start);
  };

  const parseValue = (pointer: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nesting too deep", i);
    skip();
    const c = text[i];
    if (c === "{") {
      i++;
      // INVARIANT: a null-prototype object, so keys such as `__proto__` stay plain data.
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      skip();
      while (text[i] !== "}") {
        if (text[i] !== '"') throw new JsonSyntaxError("expected a property name", i);
        const keyAt = i;
        const key = parseString();
        skip();
        if (text[i] !== ":") throw new JsonSyntaxError("expected `:`", i);
        i++;
        const child = `${pointer}/${escapePointer(key)}`;
        positions.set(child, locate(keyAt));
        obj[key] = parseValue(child, depth + 1);
        skip();
        if (text[i] === ",") {
          i++;
          skip();
        } else if (text[i] !== "}") throw new JsonSyntaxError("expected `,` or `}`", i);
      }
      i++;
      return obj;
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      skip();
      while (text[i] !== "]") {
        skip();
        const child = `${pointer}/${arr.length}`;
        positions.set(child, locate(i));
        arr.push(parseValue(child, depth + 1));
        skip();
        if (text[i] === ",") {
          i++;
          skip();
        } else if (text[i] !== "]") throw new JsonSyntaxError("expected `,` or `]`", i);
      }
      i++;
      return arr;
    }
    if (c === '"') return parseString();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m)
      throw new JsonSyntaxError(i >= text.length ? "unexpected end of input" : "unexpected character", i);
    i += m[0].length;
    return m[0] === "true" ? true : m[0] === "false" ? false : m[0] === "null" ? null : Number(m[0]);
  };

  try {
    positions.set("", locate(i));
    const value = parseValue("", 0);
    skip();
    if (i < text.length) throw new JsonSyntaxError("unexpected text after the value", i);
    return { value, positions };
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      return {
        value: undefined,
        positions,
        error: { message: e.message, ...locate(Math.min(e.offset, text.length)) },
      };
    }
    throw e;
  }
}
