/** `@norma/lsp`: the Norma language server and the analyses behind it. */
export {
  analyze,
  completeAt,
  formatDocument,
  hoverAt,
  LineIndex,
  type Analysis,
  type EditorDiagnostic,
  type Position,
  type Range,
} from "./analysis.js";
export { startLanguageServer } from "./server.js";
