/**
 * Chevrotain's syntax errors reworded into Norma diagnostics.
 *
 * `SyntaxMessages` is the parser's `IParserErrorMessageProvider`. Chevrotain only carries a
 * message string from the provider to the error, so the provider encodes the code, message and
 * help as JSON and `readSyntaxError` decodes them.
 */
import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { TooManyErrorsError } from "./parser.js";
import * as T from "./tokens.js";

/** The most syntax errors reported for one file; the rest are summarised by `parse/too-many-errors`. */
export const MAX_SYNTAX_ERRORS = 50;

/** The code, message and help of one syntax error, as the provider encoded it. */
export interface SyntaxErrorInfo {
  code: string;
  message: string;
  help?: string;
}

const DESCRIPTIONS = new Map<TokenType, string>([
  [T.Identifier, "a name"],
  [T.AnyName, "a name"],
  [T.StringToken, "a string"],
  [T.IntLiteral, "a whole number"],
  [T.NormId, "a norm id such as `FIL-7`"],
  [T.DateLiteral, "a date such as `2022-01-14`"],
  [T.DateTimeLiteral, "a date-time such as `2022-03-01T23:50`"],
  [EOF, "the end of the file"],
]);

/** Describes a token type as an expectation: "`when`", "a name", "a string". */
export function describeExpected(type: TokenType): string {
  return DESCRIPTIONS.get(type) ?? (typeof type.LABEL === "string" ? type.LABEL : `\`${type.name}\``);
}

/** Describes an actual token: "`then`", "the end of the file", `"报备…"`. */
export function describeActual(token: IToken): string {
  if (tokenMatcher(token, EOF) || Number.isNaN(token.startOffset)) return "the end of the file";
  if (tokenMatcher(token, T.TooDeep)) return "a too deeply nested expression";
  const image = token.image;
  const chars = [...image];
  const shown = chars.length > 24 ? chars.slice(0, 23).join("") + "…" : image;
  return `\`${shown.replace(/`/g, "\\`")}\``;
}

function list(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  const shown = unique.slice(0, 6);
  const more = unique.length > 6 ? ", …" : "";
  return `${shown.slice(0, -1).join(", ")}${more} or ${shown[shown.length - 1]}`;
}

const CLAUSE_KEYWORDS = new Set<TokenType>([
  T.Rule,
  T.Implements,
  T.Cite,
  T.Effective,
  T.When,
  T.Then,
  T.Except,
]);

/** The parser's error message provider; `tokens` must be set to the token vector being parsed. */
export class SyntaxMessages implements IParserErrorMessageProvider {
  tokens: IToken[] = [];
  count = 0;

  /** Prepares for parsing `tokens`. */
  reset(tokens: IToken[]): void {
    this.tokens = tokens;
    this.count = 0;
  }

  private encode(info: SyntaxErrorInfo, at: IToken | undefined): string {
    this.count++;
    if (this.count > MAX_SYNTAX_ERRORS) throw new TooManyErrorsError(at);
    return JSON.stringify(info);
  }

  /** Where the parser was, for "expected X <context>, found Y". */
  private context(ruleName: string, previous: IToken | undefined): string {
    if (!previous || Number.isNaN(previous.startOffset) || tokenMatcher(previous, EOF)) return "";
    if (ruleName === "ruleDecl" || ruleName === "exceptionClause") {
      const owner = ruleName === "ruleDecl" ? "the rule's" : "the exception's";
      const index = this.indexOf(previous);
      for (let i = index; i >= 0; i--) {
        const t = this.tokens[i]!;
        if (!CLAUSE_KEYWORDS.has(t.tokenType)) continue;
        if (t.tokenType === T.Rule)
          return tokenMatcher(previous, T.StringToken) ? ` after ${owner} title` : ` after ${owner} id`;
        if (t.tokenType === T.Except) {
          if (tokenMatcher(previous, T.StringToken)) return ` after ${owner} title`;
          return tokenMatcher(previous, T.Identifier) ? ` after ${owner} name` : " after `except`";
        }
        if (t.tokenType === T.Implements) return ` after ${owner} norm ids`;
        if (t.tokenType === T.Cite) return ` after ${owner} citations`;
        if (t.tokenType === T.Effective) return ` after ${owner} effective dates`;
        if (t.tokenType === T.When) return ` after ${owner} condition`;
        if (t.tokenType === T.Then) return ` after ${owner} effect`;
      }
    }
    return ` after ${describeActual(previous)}`;
  }

  private citationContext(previous: IToken | undefined): string {
    if (!previous || !Number.isFinite(previous.startOffset)) return "";
    const index = this.indexOf(previous);
    const parts: string[] = [];
    for (let i = index; i >= 0 && index - i < 4; i--) {
      const t = this.tokens[i]!;
      parts.unshift(t.image);
      if (t.tokenType === T.Cite) return ` after \`cite ${parts.slice(1).join("")}\``;
    }
    return ` after ${describeActual(previous)}`;
  }

  private indexOf(token: IToken): number {
    let lo = 0;
    let hi = this.tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.tokens[mid]!.startOffset;
      if (s === token.startOffset) return mid;
      if (s < token.startOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  buildMismatchTokenMessage(options: {
    expected: TokenType;
    actual: IToken;
    previous: IToken;
    ruleName: string;
  }): string {
    const { expected, actual, previous, ruleName } = options;
    const found = describeActual(actual);
    if (ruleName === "policyFile" && expected === EOF) {
      return this.encode(
        {
          code: "parse/unexpected-token",
          message: `expected a declaration (\`rule\`, \`param\`, \`let\`, \`lexicon\` or \`source\`), found ${found}`,
          ...(tokenMatcher(actual, T.Policy)
            ? { help: "a file declares one policy; move this one to a file of its own" }
            : {}),
        },
        actual,
      );
    }
    if (ruleName === "citation" && expected === T.StringToken) {
      return this.encode(
        {
          code: "parse/missing-citation-quote",
          message: `expected the quoted words of the cited line${this.citationContext(previous)}, found ${found}`,
          help: 'a citation quotes its source line verbatim: `cite FIL:43 "…"`',
        },
        actual,
      );
    }
    const info: SyntaxErrorInfo = {
      code: codeFor(actual),
      message: `expected ${describeExpected(expected)}${this.context(ruleName, previous)}, found ${found}`,
    };
    const help = helpFor([expected], actual, ruleName);
    if (help) info.help = help;
    return this.encode(info, actual);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    return this.encode(
      {
        code: "parse/unexpected-token",
        message: `unexpected ${describeActual(options.firstRedundant)} after the end of the ${
          options.ruleName === "policyFile" ? "policy" : "expression"
        }`,
      },
      options.firstRedundant,
    );
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const actual = options.actual[0]!;
    const firsts = options.expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]!)).filter(Boolean);
    const expected = options.customUserDescription ?? list(firsts.map(describeExpected));
    const info: SyntaxErrorInfo = {
      code: codeFor(actual),
      message: `expected ${expected}${this.context(options.ruleName, options.previous)}, found ${describeActual(actual)}`,
    };
    const help = helpFor(firsts, actual, options.ruleName);
    if (help) info.help = help;
    return this.encode(info, actual);
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const actual = options.actual[0]!;
    const firsts = options.expectedIterationPaths.map((path) => path[0]!).filter(Boolean);
    const expected = options.customUserDescription ?? list(firsts.map(describeExpected));
    const info: SyntaxErrorInfo = {
      code: codeFor(actual),
      message: `expected ${expected}${this.context(options.ruleName, options.previous)}, found ${describeActual(actual)}`,
    };
    const help = helpFor(firsts, actual, options.ruleName);
    if (help) info.help = help;
    return this.encode(info, actual);
  }
}

function codeFor(actual: IToken): string {
  if (tokenMatcher(actual, EOF) || Number.isNaN(actual.startOffset)) return "parse/unexpected-end";
  return "parse/unexpected-token";
}

function helpFor(expected: TokenType[], actual: IToken, ruleName: string): string | undefined {
  const wantsName = expected.length > 0 && expected.every((t) => t === T.Identifier || t === T.AnyName);
  if (wantsName && T.KEYWORDS.get(actual.image) === actual.tokenType) {
    return `\`${actual.image}\` is a reserved word; choose another name, such as \`${actual.image}_\``;
  }
  if (expected.includes(T.NormId) && tokenMatcher(actual, T.Identifier)) {
    return "a norm id is upper-case letters, `-` and a number, such as `FIL-7`";
  }
  if (ruleName === "policyHeader" && expected.includes(T.Reads)) {
    return 'the header names the facts schema it reads: `policy filing.review "报备审核" reads facts@1`';
  }
  if (tokenMatcher(actual, T.Not) && expected.includes(T.Absent)) {
    return "write `is present` rather than `is not absent`, and `is absent` rather than `is not present`";
  }
  if (tokenMatcher(actual, T.Equals) && expected.some((t) => t === T.EqEq || t === T.Then)) {
    return "write `==` to compare";
  }
  if (ruleName === "ruleDecl" && expected.includes(T.When) && tokenMatcher(actual, T.Then)) {
    return "a rule states its condition before its effect: `when <condition> then <effect>`";
  }
  return undefined;
}

/** Decodes what the provider encoded into an error message (or a generic fallback). */
export function readSyntaxError(message: string): SyntaxErrorInfo {
  try {
    const info = JSON.parse(message) as SyntaxErrorInfo;
    if (typeof info.code === "string" && typeof info.message === "string") return info;
  } catch {
    // fall through: a message chevrotain built itself
  }
  return { code: "parse/unexpected-token", message: message.split("\n")[0]!.toLowerCase() };
}
