/**
 * Reading literal spellings: string escapes, digit separators, money, dates and date-times.
 *
 * These functions never throw; a malformed spelling comes back with a `problem` that the caller
 * turns into a diagnostic.
 */

/** A problem found in a literal, with absolute offsets into the file. */
export interface LiteralProblem {
  code: string;
  start: number;
  end: number;
  message: string;
  help?: string;
}

/**
 * A decoded string literal: its value, and for every UTF-16 unit of the value the file offsets of
 * the source characters it came from (`starts[i]`..`ends[i]`), so that message-template holes can
 * point back into the file. `escaped[i]` is true when the unit came from an escape sequence.
 */
export interface DecodedString {
  value: string;
  starts: number[];
  ends: number[];
  escaped: boolean[];
  /** True when the closing quote is missing. */
  unterminated: boolean;
  problems: LiteralProblem[];
}

const ESCAPE_HELP = 'the escapes are `\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`; write `\\\\` for a backslash';

/**
 * Decodes the image of a string token (`"…"`, or `"…` when unterminated) that starts at `base`.
 */
export function decodeString(image: string, base: number): DecodedString {
  const out: DecodedString = {
    value: "",
    starts: [],
    ends: [],
    escaped: [],
    unterminated: false,
    problems: [],
  };
  const units: string[] = [];
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedAt(image, image.length - 1);
  const bodyEnd = terminated ? image.length - 1 : image.length;
  out.unterminated = !terminated;
  const push = (s: string, start: number, end: number, escaped: boolean): void => {
    for (let k = 0; k < s.length; k++) {
      units.push(s[k]!);
      out.starts.push(base + start);
      out.ends.push(base + end);
      out.escaped.push(escaped);
    }
  };
  let i = 1;
  while (i < bodyEnd) {
    const c = image[i]!;
    if (c !== "\\") {
      push(c, i, i + 1, false);
      i++;
      continue;
    }
    const next = image[i + 1];
    if (next === undefined || i + 1 >= bodyEnd) {
      out.problems.push({
        code: "parse/invalid-escape",
        start: base + i,
        end: base + i + 1,
        message: "a `\\` at the end of a string escapes nothing",
        help: ESCAPE_HELP,
      });
      i++;
      continue;
    }
    if (next === '"' || next === "\\") {
      push(next, i, i + 2, true);
      i += 2;
    } else if (next === "n") {
      push("\n", i, i + 2, true);
      i += 2;
    } else if (next === "t") {
      push("\t", i, i + 2, true);
      i += 2;
    } else if (next === "u") {
      const m = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(image.slice(i, Math.min(bodyEnd, i + 10)));
      const cp = m ? parseInt(m[1]!, 16) : NaN;
      if (m && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
        push(String.fromCodePoint(cp), i, i + m[0].length, true);
        i += m[0].length;
      } else {
        const len = m ? m[0].length : 2;
        out.problems.push({
          code: "parse/invalid-escape",
          start: base + i,
          end: base + i + len,
          message: m
            ? `\`${image.slice(i, i + len)}\` is not a Unicode scalar value`
            : "`\\u` must be followed by 1 to 6 hex digits in braces",
          help: "write a code point such as `\\u{4E2D}`",
        });
        push(m ? "\uFFFD" : "u", i, i + len, true);
        i += len;
      }
    } else {
      const cp = image.codePointAt(i + 1)!;
      const ch = String.fromCodePoint(cp);
      out.problems.push({
        code: "parse/invalid-escape",
        start: base + i,
        end: base + i + 1 + ch.length,
        message: `unknown escape \`\\${ch}\` in a string`,
        help: ESCAPE_HELP,
      });
      push(ch, i, i + 1 + ch.length, true);
      i += 1 + ch.length;
    }
  }
  out.starts.push(base + bodyEnd);
  out.ends.push(base + bodyEnd);
  out.value = units.join("");
  if (out.unterminated) {
    out.problems.push({
      code: "parse/unterminated-string",
      start: base,
      end: base + image.length,
      message: 'this string has no closing `"`',
      help: 'strings end on the line they start; close it with `"` (write `\\n` for a line break)',
    });
  }
  return out;
}

/** The value of a string token's image (`"…"`, or `"…` when unterminated), without offsets. */
export function stringValue(image: string): string {
  if (!image.includes("\\"))
    return image.length >= 2 && image.endsWith('"') ? image.slice(1, -1) : image.slice(1);
  return decodeString(image, 0).value;
}

/** True when a string token's image is closed and has no escapes (so it has nothing to report). */
export function isPlainString(image: string): boolean {
  return image.length >= 2 && image.endsWith('"') && !image.includes("\\");
}

function isEscapedAt(image: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; k >= 0 && image[k] === "\\"; k--) backslashes++;
  return backslashes % 2 === 1;
}

/** Escapes a string value into the body of a Norma string literal (without the quotes). */
export function escapeString(value: string): string {
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || isBidiControl(cp))
      out += `\\u{${cp.toString(16).toUpperCase()}}`;
    // a lone surrogate cannot be written in UTF-8: it becomes U+FFFD, printed as itself so that a
    // second format gives the same text (idempotence)
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\uFFFD";
    else out += ch;
  }
  return out;
}

function isBidiControl(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f;
}

/** Quotes a string value as a Norma string literal. */
export function quoteString(value: string): string {
  return `"${escapeString(value)}"`;
}

const DIGITS_WITH_SEPARATORS = /^[0-9]+(?:_[0-9]+)*$/;

/**
 * Checks digit separators in a number spelling (`20_000`, `1.25`): `_` only between digits.
 * Returns the spelling without separators, or a problem.
 */
export function readDigits(text: string, start: number): { digits: string; problem: LiteralProblem | null } {
  const parts = text.split(".");
  const ok = parts.every((p) => DIGITS_WITH_SEPARATORS.test(p));
  const digits = text.replace(/_/g, "");
  if (ok) return { digits, problem: null };
  return {
    digits,
    problem: {
      code: "parse/invalid-number",
      start,
      end: start + text.length,
      message: `misplaced \`_\` in the number \`${text}\``,
      help: "`_` may only stand between two digits, as in `20_000`",
    },
  };
}

/** The canonical spelling of an unsigned integer: no separators, no leading zeros. */
export function canonicalInteger(digits: string): string {
  const stripped = digits.replace(/^0+(?=[0-9])/, "");
  return stripped;
}

/** The canonical spelling of an unsigned decimal `I.F`: integer part without leading zeros. */
export function canonicalDecimal(digits: string): string {
  const dot = digits.indexOf(".");
  if (dot < 0) return canonicalInteger(digits);
  return canonicalInteger(digits.slice(0, dot)) + digits.slice(dot);
}

/**
 * The exact amount in fen of a money literal: `digits` (no separators) in `unit`.
 * `null` when the amount is finer than a fen.
 */
export function moneyToFen(digits: string, unit: "yuan" | "fen"): string | null {
  const [whole = "0", frac = ""] = digits.split(".");
  if (unit === "fen") {
    if (frac.replace(/0+$/, "") !== "") return null;
    return BigInt(whole).toString();
  }
  const significant = frac.replace(/0+$/, "");
  if (significant.length > 2) return null;
  return (BigInt(whole) * 100n + BigInt((significant + "00").slice(0, 2))).toString();
}

/** The canonical spelling of an amount in fen as a number in `unit` (`150` fen in yuan → `1.5`). */
export function fenToText(fen: string, unit: "yuan" | "fen"): string {
  if (unit === "fen") return canonicalInteger(fen);
  const n = BigInt(fen);
  const whole = n / 100n;
  const rest = Number(n % 100n);
  if (rest === 0) return whole.toString();
  if (rest % 10 === 0) return `${whole}.${rest / 10}`;
  return `${whole}.${rest.toString().padStart(2, "0")}`;
}

/** True when `y-m-d` is a real calendar date (proleptic Gregorian, year 0001–9999). */
export function isValidDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Checks a date spelling `YYYY-MM-DD`; returns a problem message or null. */
export function checkDate(text: string): string | null {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (m < 1 || m > 12) return `\`${text}\` has no month ${text.slice(5, 7)}`;
  if (!isValidDate(y, m, d)) return `\`${text}\` is not a date: ${monthName(m)} ${y} has no day ${d}`;
  return null;
}

function monthName(m: number): string {
  return (
    [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ][m - 1] ?? "the month"
  );
}

/** Checks a date-time spelling; returns the offset part (or null) and a problem message (or null). */
export function checkDateTime(text: string): { offset: string | null; problem: string | null } {
  const m =
    /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$/.exec(
      text,
    );
  if (!m) return { offset: null, problem: `\`${text}\` is not a date-time` };
  const offset = m[5] ?? null;
  const dateProblem = checkDate(m[1]!);
  if (dateProblem) return { offset, problem: dateProblem };
  const hh = Number(m[2]);
  const mm = Number(m[3]);
  const ss = m[4] === undefined ? 0 : Number(m[4]);
  if (hh > 23 || mm > 59 || ss > 59)
    return { offset, problem: `\`${text}\` has no time ${m[2]}:${m[3]}${m[4] ? ":" + m[4] : ""}` };
  if (offset && offset !== "Z") {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 14 || om > 59) return { offset, problem: `\`${offset}\` is not a UTC offset` };
  }
  return { offset, problem: null };
}
