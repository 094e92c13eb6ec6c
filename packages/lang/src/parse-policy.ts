/**
 * `parsePolicy`: policy text → AST and syntax diagnostics, in one run over the whole file.
 *
 * The steps, in order:
 * 1. `tokenize` (bad characters, bad escapes and unterminated strings become diagnostics);
 * 2. the depth guard replaces brackets nested deeper than `MAX_BRACKET_DEPTH` by one `TooDeep`
 *    token (it must run before parsing: chevrotain recurses once per nesting level);
 * 3. the recovering chevrotain parser builds a CST (syntax errors reworded by `SyntaxMessages`);
 * 4. `AstBuilder` turns the CST into the AST and reports the errors the grammar accepts on
 *    purpose to name them (message-template holes are lexed and parsed here, recursively).
 */
import {
  EOF,
  createTokenInstance,
  tokenMatcher,
  type CstNode,
  type IRecognitionException,
  type IToken,
} from "chevrotain";
import type { Expr, PolicyFile, Span } from "./ast.js";
import { AstBuilder } from "./build-ast.js";
import { sortDiagnostics, type Diagnostic, type Result } from "./diagnostics.js";
import { tokenize } from "./lexer.js";
import { MAX_SYNTAX_ERRORS, SyntaxMessages, readSyntaxError } from "./parse-errors.js";
import { DECLARATION_STARTS, NormaParser, TooDeepError, TooManyErrorsError } from "./parser.js";
import * as T from "./tokens.js";

/** How deeply `(`, `[` and `{` may nest in one expression. */
export const MAX_BRACKET_DEPTH = 32;

/** The most diagnostics of one kind (lexical, syntactic) reported for one file. */
const MAX_LEXICAL_ERRORS = 50;

let shared: { parser: NormaParser; messages: SyntaxMessages } | undefined;

/** The one parser instance (building a chevrotain parser is costly; parsing resets it). */
export function getParser(): { parser: NormaParser; messages: SyntaxMessages } {
  if (!shared) {
    const messages = new SyntaxMessages();
    shared = { parser: new NormaParser(messages), messages };
  }
  return shared;
}

/**
 * Parses a policy file.
 *
 * Never throws, whatever the input. Returns the AST (possibly partial: see `ast.ts`) and every
 * syntax diagnostic, sorted by position, each with a span inside `text`. The value is `null` only
 * when the file could not be parsed at all (nesting beyond the parser's limits, or more syntax
 * errors than are worth reporting).
 */
export function parsePolicy(text: string, file: string): Result<PolicyFile | null> {
  // chevrotain recovers from syntax errors by throwing and catching exceptions; without stack
  // traces they are cheap (a file full of errors parses several times faster)
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parseUnsafe(text, file);
  } catch (error) {
    // INVARIANT: the guards above make a stack overflow unreachable; should one happen anyway,
    // it is reported (not thrown) so that one file cannot stop a run over many. Any other
    // exception is a bug in the parser and propagates.
    if (!(error instanceof RangeError)) {
      // a bug: parse again with stack traces on, so the error that escapes says where
      Error.stackTraceLimit = stackTraceLimit;
      parseUnsafe(text, file);
      throw error;
    }
    return {
      value: null,
      diagnostics: [
        {
          code: "parse/too-deep",
          severity: "error",
          message: "the file is nested too deeply to parse",
          span: { start: 0, end: 0 },
          file,
          help: "split deeply nested expressions with `let` declarations",
        },
      ],
    };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function parseUnsafe(text: string, file: string): Result<PolicyFile | null> {
  const lexed = tokenize(text, file);
  const diagnostics: Diagnostic[] = capped(lexed.diagnostics, MAX_LEXICAL_ERRORS, file, "characters");
  const tokens = guardDepth(lexed.tokens, text, file, diagnostics);
  const { parser, messages } = getParser();
  messages.reset(tokens);
  parser.begin(tokens);
  let cst: CstNode | undefined;
  let aborted = false;
  let stoppedAt: IToken | undefined;
  try {
    cst = parser.policyFile();
  } catch (error) {
    if (error instanceof TooDeepError) {
      aborted = true;
      diagnostics.push(tooDeep(error.token, text, file));
    } else if (error instanceof TooManyErrorsError) {
      aborted = true;
      stoppedAt = error.token;
      diagnostics.push({
        code: "parse/too-many-errors",
        severity: "error",
        message: `stopped after ${MAX_SYNTAX_ERRORS} syntax errors`,
        span: tokenSpan(stoppedAt, tokens, text),
        file,
        help: "fix the first errors and run again; later ones often follow from them",
      });
    } else throw error;
  }
  const syntax = syntaxDiagnostics(
    parser.errors.filter((e) => !(aborted && e.name === "NotAllInputParsedException")),
    tokens,
    text,
    file,
    lexed.diagnostics,
  );
  if (aborted || !cst) return { value: null, diagnostics: sortDiagnostics([...diagnostics, ...syntax]) };

  const builder = new AstBuilder(text, file, (holeText, starts, ends, b) =>
    parseHole(holeText, starts, ends, b, text, file, diagnostics),
  );
  const header = cst.children["policyHeader"];
  if (!header) {
    const first = tokens[0];
    const firstDecl = tokens.find((t) => DECLARATION_STARTS.includes(t.tokenType));
    const span: Span = first ? { start: first.startOffset, end: first.endOffset! + 1 } : { start: 0, end: 0 };
    diagnostics.push({
      code: "parse/missing-header",
      severity: "error",
      message:
        span.end > span.start
          ? `expected the policy header, found \`${text.slice(span.start, Math.min(span.end, span.start + 24))}\``
          : "expected the policy header at the start of the file",
      span,
      file,
      help: 'a policy file starts with `policy <id> "<title>" reads <schema>@<version>`, e.g. `policy filing.review "报备审核" reads facts@1`',
    });
    // the header diagnostic says it all; the parser's complaints about the same words repeat it
    const until = firstDecl ? firstDecl.startOffset : text.length;
    for (let i = syntax.length - 1; i >= 0; i--) if (syntax[i]!.span.start < until) syntax.splice(i, 1);
  }
  const value = builder.policyFile(cst, lexed.comments);
  const built = capped(
    sortDiagnostics(builder.diagnostics),
    MAX_LEXICAL_ERRORS,
    file,
    "literals and expressions",
  );
  return { value, diagnostics: sortDiagnostics([...diagnostics, ...syntax, ...built]) };
}

function tokenSpan(token: IToken | undefined, tokens: IToken[], text: string): Span {
  if (token && Number.isFinite(token.startOffset))
    return { start: token.startOffset, end: token.endOffset! + 1 };
  const last = tokens[tokens.length - 1];
  const end = last ? last.endOffset! + 1 : text.length;
  return { start: end, end };
}

function capped(list: Diagnostic[], max: number, file: string, what: string): Diagnostic[] {
  if (list.length <= max) return [...list];
  const kept = list.slice(0, max);
  kept.push({
    code: "parse/too-many-errors",
    severity: "error",
    message: `stopped reporting bad ${what} after ${max}`,
    span: list[max]!.span,
    file,
    help: "fix the first ones and run again",
  });
  return kept;
}

function tooDeep(token: IToken | undefined, text: string, file: string): Diagnostic {
  const start = token && Number.isFinite(token.startOffset) ? token.startOffset : text.length;
  const end = token && Number.isFinite(token.endOffset ?? NaN) ? token.endOffset! + 1 : start;
  return {
    code: "parse/too-deep",
    severity: "error",
    message: "this expression is nested too deeply",
    span: { start, end },
    file,
    help: "split it into parts with `let` declarations",
  };
}

const OPEN = 1;
const CLOSE = 2;
const DECLARATION = 3;
/** Token kinds for the depth guard, by `tokenTypeIdx`. */
const GUARD_KIND = (() => {
  const kinds = new Uint8Array(Math.max(...T.ALL_TOKENS.map((t) => t.tokenTypeIdx!)) + 1);
  for (const t of [T.LParen, T.LBracket, T.LBrace]) kinds[t.tokenTypeIdx!] = OPEN;
  for (const t of [T.RParen, T.RBracket, T.RBrace]) kinds[t.tokenTypeIdx!] = CLOSE;
  for (const t of DECLARATION_STARTS) kinds[t.tokenTypeIdx!] = DECLARATION;
  return kinds;
})();

/**
 * Replaces every bracket nested deeper than `MAX_BRACKET_DEPTH`, with everything up to its match,
 * by one `TooDeep` token, reporting `parse/too-deep` once per replaced region. A declaration
 * keyword resets the depth, so an unclosed bracket cannot swallow the rest of the file.
 */
function guardDepth(tokens: IToken[], text: string, file: string, diagnostics: Diagnostic[]): IToken[] {
  const kind = (t: IToken): number => GUARD_KIND[t.tokenTypeIdx] ?? 0;
  let depth = 0;
  let deep = false;
  for (const t of tokens) {
    const k = kind(t);
    if (k === OPEN) {
      if (++depth > MAX_BRACKET_DEPTH) {
        deep = true;
        break;
      }
    } else if (k === CLOSE) depth = Math.max(0, depth - 1);
    else if (k === DECLARATION) depth = 0;
  }
  if (!deep) return tokens;
  const out: IToken[] = [];
  depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const k = kind(t);
    if (k === DECLARATION) depth = 0;
    if (k === OPEN && depth + 1 > MAX_BRACKET_DEPTH) {
      let inner = 0;
      let j = i;
      for (; j < tokens.length; j++) {
        const kj = kind(tokens[j]!);
        if (kj === OPEN) inner++;
        else if (kj === CLOSE) {
          inner--;
          if (inner === 0) break;
        } else if (kj === DECLARATION) {
          j--;
          break;
        }
      }
      const last = tokens[Math.min(j, tokens.length - 1)]!;
      diagnostics.push(tooDeep(t, text, file));
      const image = text.slice(t.startOffset, last.endOffset! + 1);
      out.push(createTokenInstance(T.TooDeep, image, t.startOffset, last.endOffset!, NaN, NaN, NaN, NaN));
      i = j;
      continue;
    }
    if (k === OPEN) depth++;
    else if (k === CLOSE) depth = Math.max(0, depth - 1);
    out.push(t);
  }
  return out;
}

/**
 * Turns chevrotain's recognition errors into diagnostics: one per position, none right after a
 * bad character (the lexical diagnostic already explains it).
 */
function syntaxDiagnostics(
  errors: IRecognitionException[],
  tokens: IToken[],
  text: string,
  file: string,
  lexical: Diagnostic[],
): Diagnostic[] {
  const lastReal = tokens[tokens.length - 1];
  const eofOffset = lastReal ? lastReal.endOffset! + 1 : text.length;
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const info = readSyntaxError(e.message);
    const token = e.token;
    const atEnd = !token || tokenMatcher(token, EOF) || !Number.isFinite(token.startOffset);
    const span: Span = atEnd
      ? { start: eofOffset, end: eofOffset }
      : { start: token.startOffset, end: (token.endOffset ?? token.startOffset) + 1 };
    if (seen.has(span.start)) continue;
    seen.add(span.start);
    if (followsLexicalError(span.start, text, lexical)) continue;
    if (atEnd && lexical.some((d) => d.code === "parse/invalid-character" && d.span.start >= eofOffset))
      continue;
    const d: Diagnostic = { code: info.code, severity: "error", message: info.message, span, file };
    if (info.help) d.help = info.help;
    out.push(d);
  }
  return out;
}

function followsLexicalError(offset: number, text: string, lexical: Diagnostic[]): boolean {
  return lexical.some(
    (d) =>
      d.code === "parse/invalid-character" &&
      d.span.end <= offset &&
      /^[ \t\r\n]*$/.test(text.slice(d.span.end, offset)),
  );
}

/**
 * Lexes and parses the unescaped text of a message-template hole; token offsets are mapped back
 * into the file through `starts`/`ends` (one entry per UTF-16 unit of `holeText`, plus one).
 */
function parseHole(
  holeText: string,
  starts: number[],
  ends: number[],
  builder: AstBuilder,
  text: string,
  file: string,
  diagnostics: Diagnostic[],
): Expr | null {
  const lexed = tokenize(holeText, file);
  const mapStart = (o: number): number => starts[Math.max(0, Math.min(o, starts.length - 1))]!;
  const mapEnd = (o: number): number => ends[Math.max(0, Math.min(o, ends.length - 1))]!;
  const mapSpan = (s: Span): Span => ({
    start: mapStart(s.start),
    end: Math.max(mapStart(s.start), mapEnd(s.end - 1)),
  });
  for (const d of lexed.diagnostics) diagnostics.push({ ...d, span: clampSpan(mapSpan(d.span), text) });
  for (const c of lexed.comments) {
    diagnostics.push({
      code: "parse/invalid-template",
      severity: "error",
      message: "a comment cannot stand inside a message hole",
      span: clampSpan(mapSpan(c.span), text),
      file,
      help: "write `#` outside the braces, or `\\u{23}` for a literal `#`",
    });
  }
  const tokens = lexed.tokens.map((t) => {
    const start = mapStart(t.startOffset);
    const end = Math.max(start, mapEnd(t.endOffset!) - 1);
    return { ...t, startOffset: start, endOffset: end };
  });
  const guarded = guardDepth(tokens, text, file, diagnostics);
  const { parser, messages } = getParser();
  messages.reset(guarded);
  parser.begin(guarded);
  let cst: CstNode | undefined;
  try {
    cst = parser.expression();
  } catch (error) {
    if (error instanceof TooDeepError) {
      diagnostics.push(tooDeep(error.token, text, file));
      return null;
    }
    if (error instanceof TooManyErrorsError) return null;
    throw error;
  }
  const holeEnd = starts[starts.length - 1]!;
  const errors = syntaxDiagnostics(parser.errors, guarded, text, file, []).map((d) =>
    d.span.start === (guarded[guarded.length - 1]?.endOffset ?? -2) + 1 || guarded.length === 0
      ? {
          ...d,
          span: { start: holeEnd, end: holeEnd },
          message: d.message.replace("the end of the file", "the end of the hole"),
        }
      : d,
  );
  diagnostics.push(...errors);
  return builder.expression(cst);
}

function clampSpan(span: Span, text: string): Span {
  const start = Math.max(0, Math.min(text.length, span.start));
  return { start, end: Math.max(start, Math.min(text.length, span.end)) };
}
