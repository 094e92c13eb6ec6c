/** `@norma/lsp`: the Norma language server and the analyses behind it. */
export {
  analyze,
  codeActionsAt,
  completeAt,
  definitionAt,
  formatDocument,
  hoverAt,
  LineIndex,
  outlineOf,
  type AnalyzeOptions,
  type Analysis,
  type EditorDiagnostic,
  type OutlineSymbol,
  type Place,
  type Position,
  type Range,
  type TextEdit,
} from "./analysis.js";
export { startLanguageServer } from "./server.js";
