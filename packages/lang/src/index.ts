/**
 * `@norma/lang`: the front end of the Norma policy language — tokens, lexer, parser, AST,
 * diagnostics and their renderer, and the formatter.
 */
export type * from "./ast.js";
export * from "./diagnostics.js";
export { SourceText } from "./source-text.js";
export { quoteString } from "./literals.js";
export { tokenize, type LexResult } from "./lexer.js";
export { parsePolicy, MAX_BRACKET_DEPTH } from "./parse-policy.js";
export {
  renderDiagnostic,
  formatDiagnosticsJson,
  type RenderOptions,
  type DiagnosticJson,
} from "./render-diagnostic.js";
export { printPolicy, formatText, PRINT_WIDTH } from "./print-policy.js";
export { PARSE_DIAGNOSTIC_CODES, type ParseDiagnosticCode } from "./parse-codes.js";
export { KEYWORDS } from "./tokens.js";
