/**
 * The Norma lexer: text → tokens, comments and lexical diagnostics.
 *
 * Guarantees: never throws; every character of the text is either part of a token, a comment,
 * whitespace, or covered by a `parse/invalid-character` diagnostic. A byte-order mark at the start
 * is skipped.
 */
import { Lexer, type IToken } from "chevrotain";
import type { Comment } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { decodeString, isPlainString } from "./literals.js";
import { Identifier, KEYWORDS, LEXER_TOKENS, StringLiteral, UnterminatedString } from "./tokens.js";

/** What `tokenize` returns. */
export interface LexResult {
  tokens: IToken[];
  comments: Comment[];
  diagnostics: Diagnostic[];
}

let lexer: Lexer | undefined;

function getLexer(): Lexer {
  lexer ??= new Lexer(LEXER_TOKENS, {
    // "full" for `endOffset` (the parser's node locations need it): setting it afterwards on
    // tokens made without one cost twice the lexing itself.
    positionTracking: "full",
    // INVARIANT: every pattern has analyzable first characters (see `identifierStartHint`); a
    // pattern that had none would silently make the lexer try every pattern at every position.
    ensureOptimizations: true,
    skipValidations: true,
  });
  return lexer;
}

/**
 * Splits a policy text into tokens. Keywords come out with their keyword token type; comments
 * are returned separately; bad characters, bad escapes and unterminated strings are diagnostics.
 */
export function tokenize(text: string, file: string): LexResult {
  // INVARIANT: the BOM is replaced by a space of the same length, so offsets stay file offsets.
  const input = text.charCodeAt(0) === 0xfeff ? " " + text.slice(1) : text;
  const result = getLexer().tokenize(input);
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const start = error.offset;
    const end = Math.min(text.length, start + Math.max(1, error.length));
    diagnostics.push(invalidCharacter(text, start, end, file));
  }
  for (const token of result.tokens) {
    if (token.tokenTypeIdx === Identifier.tokenTypeIdx) {
      const kw = KEYWORDS.get(token.image);
      if (kw) {
        token.tokenType = kw;
        token.tokenTypeIdx = kw.tokenTypeIdx!;
      }
    } else if (
      token.tokenTypeIdx === StringLiteral.tokenTypeIdx ||
      token.tokenTypeIdx === UnterminatedString.tokenTypeIdx
    ) {
      if (isPlainString(token.image)) continue;
      for (const p of decodeString(token.image, token.startOffset).problems) {
        const d: Diagnostic = {
          code: p.code,
          severity: "error",
          message: p.message,
          span: { start: p.start, end: p.end },
          file,
        };
        if (p.help) d.help = p.help;
        diagnostics.push(d);
      }
    }
  }
  const comments: Comment[] = (result.groups["comments"] ?? []).map((t) => ({
    kind: "Comment",
    span: { start: t.startOffset, end: t.startOffset + t.image.length },
    text: t.image.slice(1),
  }));
  return { tokens: result.tokens, comments, diagnostics };
}

/** Replacements for characters Chinese keyboards and word processors produce by habit. */
const LOOKALIKES: Record<string, string> = {
  "，": ",",
  "：": ":",
  "（": "(",
  "）": ")",
  "【": "[",
  "】": "]",
  "［": "[",
  "］": "]",
  "｛": "{",
  "｝": "}",
  "＝": "=",
  "＜": "<",
  "＞": ">",
  "＋": "+",
  "－": "-",
  "＊": "*",
  "／": "/",
  "．": ".",
  "？": "?",
  "＠": "@",
  "＃": "#",
  "。": ".",
  "、": ",",
};

function invalidCharacter(text: string, start: number, end: number, file: string): Diagnostic {
  const run = text.slice(start, end);
  const first = String.fromCodePoint(run.codePointAt(0) ?? 0xfffd);
  const shown = [...run].slice(0, 8).map(showChar).join("");
  const plural = [...run].length > 1;
  const message = plural
    ? `unexpected characters \`${shown}\`${[...run].length > 8 ? "…" : ""}`
    : `unexpected character \`${shown}\``;
  const d: Diagnostic = {
    code: "parse/invalid-character",
    severity: "error",
    message,
    span: { start, end },
    file,
  };
  const help = helpFor(run, first);
  if (help) d.help = help;
  return d;
}

function helpFor(run: string, first: string): string | undefined {
  if (first === "“" || first === "”" || first === "„" || first === "＂")
    return 'strings use straight double quotes: `"…"`';
  if (first === "'" || first === "‘" || first === "’") return 'strings use double quotes: `"…"`';
  if (first === "\u3000" || first === "\u00a0" || /\s/u.test(first))
    return "replace it with an ordinary space";
  if (run.startsWith("&&") || first === "&") return "write `and`";
  if (run.startsWith("||") || first === "|") return "write `or`";
  if (first === "!") return "write `not`, or `!=` for inequality";
  if (first === "%") return "a percentage is a number directly followed by `%`, as in `10%`";
  if (first === "\\") return "`\\` may only appear inside a string";
  const math: Record<string, string> = { "≥": ">=", "≤": "<=", "≠": "!=", "×": "*", "÷": "/" };
  if (math[first]) return `write \`${math[first]}\``;
  const twin = LOOKALIKES[first];
  if (twin) return `replace the full-width \`${first}\` with \`${twin}\``;
  return undefined;
}

function showChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xfeff ||
    (cp >= 0x2000 && cp <= 0x200f) ||
    cp === 0x3000 ||
    cp === 0xa0
  )
    return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  if (ch === "`") return "\\`";
  return ch;
}
