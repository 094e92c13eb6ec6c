/**
 * Glob tests without a regular expression for the common shapes of policy patterns (`社交/*`,
 * `文娱/视频*`, a literal path): a prefix test and a look at the rest, as fast as the hand-written
 * `startsWith` a service would use.
 *
 * INVARIANT: {@link shapeTest} reads the regular expression micromatch made for the pattern, not
 * the pattern, and only accepts sources made of exactly these parts (anything else gives `null` and
 * the caller keeps the regular expression):
 *
 *     ^(?:  L  [(?!\.)(?=.)]  [[^/]*?]  [\/?]  )$      or the same inside ^(?:^(?: … )$)$
 *
 * where `L` is a run of literal characters (a character that is not special in a regular
 * expression, or a backslash and a punctuation character). The test then equals
 * `s === pattern || re.test(s)` (what `micromatch.isMatch` does with one pattern);
 * `packages/runtime/test/glob-shape.test.ts` checks it against the regular expression on generated
 * patterns and strings.
 */

/** What follows the literal prefix. */
interface Tail {
  /** `(?!\.)(?=.)`: the rest is not empty and starts with neither `.` nor a line terminator. */
  dot: boolean;
  /** `[^/]*?`: any run of characters other than `/`. */
  star: boolean;
  /** `\/?`: one `/` may end the string. */
  slash: boolean;
}

const DOT = "(?!\\.)(?=.)";
const STAR = "[^/]*?";
const SLASH = "\\/?";

/** Characters with a meaning in a regular expression (outside a class). */
const SPECIAL = new Set([..."^$\\.*+?()[]{}|/"]);

/** Characters `.` does not match (no `s` flag). */
function isLineTerminator(c: string): boolean {
  return c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029";
}

/** The literal `L` that `body` starts with, and where it ends. */
function literalPrefix(body: string): { literal: string; end: number } {
  let literal = "";
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === "\\") {
      const next = body[i + 1];
      // `\d`, `\w`, `\b`, `\1`, … are classes or references, not literals.
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      literal += next;
      i += 2;
      continue;
    }
    if (SPECIAL.has(c)) break;
    literal += c;
    i++;
  }
  return { literal, end: i };
}

function parseTail(rest: string): Tail | null {
  let at = 0;
  const take = (part: string): boolean => {
    if (rest.startsWith(part, at)) {
      at += part.length;
      return true;
    }
    return false;
  };
  const dot = take(DOT);
  const star = take(STAR);
  const slash = take(SLASH);
  if (at !== rest.length || (dot && !star)) return null;
  return { dot, star, slash };
}

/** Whether `s` from `from` on is what `tail` accepts. */
function restMatches(s: string, from: number, tail: Tail): boolean {
  let end = s.length;
  if (tail.dot) {
    if (from >= end) return false;
    const c = s[from] as string;
    if (c === "." || isLineTerminator(c)) return false;
  }
  if (tail.slash && end > from && s.charCodeAt(end - 1) === 47) end--;
  if (!tail.star) return end === from;
  const slash = s.indexOf("/", from);
  return slash < 0 || slash >= end;
}

/**
 * A test equal to `s === pattern || re.test(s)` for strings `s`, where `re` is micromatch's regular
 * expression for `pattern`, without running `re`; `null` when `re` is not of a shape handled here.
 */
export function shapeTest(pattern: string, re: RegExp): ((s: string) => boolean) | null {
  if (re.flags !== "") return null;
  const src = re.source;
  let body: string;
  if (src.startsWith("^(?:^(?:") && src.endsWith(")$)$")) body = src.slice(8, -4);
  else if (src.startsWith("^(?:") && src.endsWith(")$")) body = src.slice(4, -2);
  else return null;
  const { literal, end } = literalPrefix(body);
  const tail = parseTail(body.slice(end));
  if (tail === null) return null;
  const n = literal.length;
  if (!tail.dot && !tail.star && !tail.slash) return (s) => s === pattern || s === literal;
  return (s) => s === pattern || (s.startsWith(literal) && restMatches(s, n, tail));
}
