/**
 * The token types of Norma, as chevrotain token types.
 *
 * Keywords are reserved English words; the lexer reads every word as an `Identifier` and then
 * retypes the reserved ones through `KEYWORDS` (one map lookup instead of one regular expression
 * per keyword). Every keyword and `Identifier` belong to the `AnyName` category, which the parser
 * accepts where any word may stand (after `.` in a member access, a dotted id or a record field).
 *
 * Naming: each keyword constant is the token type of the word it is named after (`When` is
 * `when`; type names get a `Type` suffix: `DateType` is `date`); each punctuation constant is
 * the token type of its label (`EqEq` is `==`).
 */
import { createToken, Lexer, type CustomPatternMatcherFunc, type TokenType } from "chevrotain";

/**
 * A custom matcher for a sticky Unicode regular expression (chevrotain drops the `u` flag of plain
 * regular-expression patterns).
 */
function sticky(re: RegExp): CustomPatternMatcherFunc {
  return (text, offset) => {
    re.lastIndex = offset;
    return re.exec(text);
  };
}

/**
 * Characters an identifier may start with, as chevrotain's first-character hint: ASCII letters,
 * `_`, Latin-1, and one character of every block of 255 code units above (chevrotain buckets
 * characters above 255 that way), so non-ASCII letters and surrogate pairs are covered. The hint
 * only narrows which patterns the lexer tries; the pattern itself decides.
 */
function identifierStartHint(): number[] {
  const codes: number[] = [];
  for (let c = 0x41; c <= 0x5a; c++) codes.push(c, c + 0x20);
  codes.push(0x5f);
  for (let c = 0x80; c <= 0xff; c++) codes.push(c);
  for (let c = 0x100; c <= 0xffff; c += 255) codes.push(c);
  codes.push(0xffff);
  return codes;
}

/** Every word: identifiers and keywords (used after `.` and for record field names). */
export const AnyName = createToken({ name: "AnyName", pattern: Lexer.NA });

/** A Unicode identifier: a letter or `_`, then letters, marks, digits or `_`. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: sticky(/[\p{L}_][\p{L}\p{M}\p{N}_]*/uy),
  start_chars_hint: identifierStartHint(),
  line_breaks: false,
  categories: [AnyName],
});

/** The keyword token types by spelling. */
export const KEYWORDS = new Map<string, TokenType>();

function keyword(word: string): TokenType {
  const name = word.charAt(0).toUpperCase() + word.slice(1);
  const type = createToken({ name, pattern: Lexer.NA, categories: [AnyName], label: `\`${word}\`` });
  KEYWORDS.set(word, type);
  return type;
}

// ------------------------------------------------------------------ declarations
export const Policy = keyword("policy");
export const Reads = keyword("reads");
export const Source = keyword("source");
export const File = keyword("file");
export const Sha256 = keyword("sha256");
export const Edited = keyword("edited");
export const Url = keyword("url");
export const Retrieved = keyword("retrieved");
export const Lexicon = keyword("lexicon");
export const From = keyword("from");
export const Param = keyword("param");
export const Let = keyword("let");
export const Rule = keyword("rule");
export const Implements = keyword("implements");
export const Cite = keyword("cite");
export const Effective = keyword("effective");
export const Until = keyword("until");
export const When = keyword("when");
export const Then = keyword("then");
export const Except = keyword("except");
export const Message = keyword("message");

// ------------------------------------------------------------------ effects
export const Reject = keyword("reject");
export const Require = keyword("require");
export const Allow = keyword("allow");
export const Flag = keyword("flag");
export const Advise = keyword("advise");
export const Assess = keyword("assess");

// ------------------------------------------------------------------ types
export const BooleanType = keyword("boolean");
export const IntegerType = keyword("integer");
export const DecimalType = keyword("decimal");
export const PercentType = keyword("percent");
export const MoneyType = keyword("money");
export const DateType = keyword("date");
export const DatetimeType = keyword("datetime");
export const DurationType = keyword("duration");
export const StringType = keyword("string");
export const List = keyword("list");
export const Of = keyword("of");

// ------------------------------------------------------------------ expressions
export const Any = keyword("any");
export const All = keyword("all");
export const None = keyword("none");
export const Count = keyword("count");
export const Sum = keyword("sum");
export const Find = keyword("find");
export const Filter = keyword("filter");
export const MapKw = keyword("map");
export const In = keyword("in");
export const If = keyword("if");
export const Else = keyword("else");
export const Or = keyword("or");
export const And = keyword("and");
export const Not = keyword("not");
export const Matches = keyword("matches");
export const Contains = keyword("contains");
export const Starts = keyword("starts");
export const With = keyword("with");
export const Ends = keyword("ends");
export const Is = keyword("is");
export const Absent = keyword("absent");
export const Present = keyword("present");
export const True = keyword("true");
export const False = keyword("false");

// ------------------------------------------------------------------ units
export const Yuan = keyword("yuan");
export const Fen = keyword("fen");
export const Natural = keyword("natural");
export const Day = keyword("day");
export const Days = keyword("days");
export const Hour = keyword("hour");
export const Hours = keyword("hours");
export const Minute = keyword("minute");
export const Minutes = keyword("minutes");
export const Second = keyword("second");
export const Seconds = keyword("seconds");

// ------------------------------------------------------------------ literals
/** Any string token: a closed one, or one cut off by the end of the line (reported, then read as a string). */
export const StringToken = createToken({ name: "StringToken", pattern: Lexer.NA, label: "a string" });
/** A closed string literal, escapes included (decoded and checked by `decodeString`). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: [StringToken],
  label: "a string",
});
/** A string cut off by the end of its line (`parse/unterminated-string`). */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringToken],
  label: "a string",
});

/** `2022-03-01T23:50`, `2022-03-01T23:50:00+08:00`, `…Z` (validated by the AST builder). */
export const DateTimeLiteral = createToken({
  name: "DateTimeLiteral",
  pattern:
    /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?/,
  label: "a date-time",
});
/** `2022-01-14` (validated by the AST builder). */
export const DateLiteral = createToken({
  name: "DateLiteral",
  pattern: /[0-9]{4}-[0-9]{2}-[0-9]{2}/,
  label: "a date",
});
/** `10%`, `12.5%`. */
export const PercentLiteral = createToken({
  name: "PercentLiteral",
  pattern: /[0-9][0-9_]*(?:\.[0-9][0-9_]*)?%/,
  label: "a percentage",
});
/** `1.25`. */
export const DecimalLiteral = createToken({
  name: "DecimalLiteral",
  pattern: /[0-9][0-9_]*\.[0-9][0-9_]*/,
  label: "a number",
});
/** `123`, `20_000` (separators validated by the AST builder). */
export const IntLiteral = createToken({
  name: "IntLiteral",
  pattern: /[0-9][0-9_]*/,
  label: "a whole number",
});
/** A norm id such as `FIL-7`: upper-case letters, `-`, digits. */
export const NormId = createToken({
  name: "NormId",
  pattern: sticky(/[A-Z]+-[0-9]+(?![\p{L}\p{M}\p{N}_])/uy),
  start_chars_hint: [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
  line_breaks: false,
  label: "a norm id such as `FIL-7`",
});

// ------------------------------------------------------------------ punctuation
export const EqEq = createToken({ name: "EqEq", pattern: "==", label: "`==`" });
export const NotEq = createToken({ name: "NotEq", pattern: "!=", label: "`!=`" });
export const LtEq = createToken({ name: "LtEq", pattern: "<=", label: "`<=`" });
export const GtEq = createToken({ name: "GtEq", pattern: ">=", label: "`>=`" });
export const Lt = createToken({ name: "Lt", pattern: "<", label: "`<`" });
export const Gt = createToken({ name: "Gt", pattern: ">", label: "`>`" });
export const QuestionQuestion = createToken({ name: "QuestionQuestion", pattern: "??", label: "`??`" });
export const Question = createToken({ name: "Question", pattern: "?", label: "`?`" });
export const Equals = createToken({ name: "Equals", pattern: "=", label: "`=`" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "`(`" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "`)`" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "`[`" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "`]`" });
export const LBrace = createToken({ name: "LBrace", pattern: "{", label: "`{`" });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: "`}`" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "`,`" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "`:`" });
export const Dot = createToken({ name: "Dot", pattern: ".", label: "`.`" });
export const At = createToken({ name: "At", pattern: "@", label: "`@`" });
export const Plus = createToken({ name: "Plus", pattern: "+", label: "`+`" });
export const Minus = createToken({ name: "Minus", pattern: "-", label: "`-`" });
export const Star = createToken({ name: "Star", pattern: "*", label: "`*`" });
export const Slash = createToken({ name: "Slash", pattern: "/", label: "`/`" });

// ------------------------------------------------------------------ trivia
/** `#` to the end of the line, trailing blanks excluded; kept in the `comments` group for the formatter. */
export const CommentToken = createToken({
  name: "CommentToken",
  pattern: /#(?:[^\r\n]*[^\s])?/,
  group: "comments",
});
/** Spaces, tabs and line breaks (CR, LF, CRLF); skipped. */
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/**
 * Stands for a region the parser will not descend into because it is nested too deeply
 * (`parse/too-deep`); never produced by the lexer, inserted by the depth guard.
 */
export const TooDeep = createToken({ name: "TooDeep", pattern: Lexer.NA, label: "an expression" });

/** The lexer's patterns in matching order (first match wins). */
export const LEXER_TOKENS: TokenType[] = [
  WhiteSpace,
  CommentToken,
  DateTimeLiteral,
  DateLiteral,
  PercentLiteral,
  DecimalLiteral,
  IntLiteral,
  NormId,
  Identifier,
  StringLiteral,
  UnterminatedString,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  QuestionQuestion,
  Question,
  Equals,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
  At,
  Plus,
  Minus,
  Star,
  Slash,
];

/** Every token type the parser knows (the lexer's, the keywords and the categories). */
export const ALL_TOKENS: TokenType[] = [...LEXER_TOKENS, ...KEYWORDS.values(), AnyName, StringToken, TooDeep];
