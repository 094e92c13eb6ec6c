/**
 * The stable codes of the diagnostics the parser reports, with a one-line summary each. Every
 * code is documented in `docs/diagnostics.md` and has a golden test in
 * `test/fixtures/diagnostics/<code>.norma`; tests check all three agree.
 */
export const PARSE_DIAGNOSTIC_CODES = {
  "parse/invalid-character": "a character that cannot start any token",
  "parse/unterminated-string": "a string without its closing quote on the same line",
  "parse/invalid-escape": "an unknown or malformed escape sequence in a string",
  "parse/invalid-number": "a misplaced `_` digit separator",
  "parse/invalid-date": "a date or date-time that does not exist",
  "parse/money-precision": "a money amount finer than a fen",
  "parse/invalid-duration": "a duration that is not a whole number of units",
  "parse/unexpected-token": "a token the grammar does not allow where it stands",
  "parse/unexpected-end": "the file (or a message hole) ends in the middle of a construct",
  "parse/missing-header": "the file does not start with the `policy` header",
  "parse/missing-citation-quote": "a citation without its quoted words",
  "parse/invalid-citation-line": "a citation line number below 1",
  "parse/duplicate-effective": "a rule with two `effective` clauses",
  "parse/chained-comparison": "comparisons written as a chain (`a < b < c`)",
  "parse/norm-id-in-expression": "a norm id (`FIL-7`) used as a value",
  "parse/needs-parentheses": "a quantifier or `if` used as an operand without parentheses",
  "parse/invalid-template": "unbalanced braces, an empty hole or a comment in a message template",
  "parse/too-deep": "nesting beyond the parser's limits",
  "parse/too-many-errors": "reporting stopped after too many errors in one file",
} as const;

/** A parser diagnostic code. */
export type ParseDiagnosticCode = keyof typeof PARSE_DIAGNOSTIC_CODES;
