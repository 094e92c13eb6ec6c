/**
 * @norma/conformance: the conformance-suite runner. Loads YAML case files (validated against
 * `schema/case-file.schema.json`), runs every case on both evaluators, and reports failures with
 * diffs, rule and norm coverage, and citation verification as text, JSON, JUnit XML or HTML.
 */
export {
  runSuite,
  findCaseFiles,
  normalizeAsOf,
  wrapExpression,
  DEFAULT_LANGUAGE_AS_OF,
  EXPR_RULE,
} from "./runner.js";
export type { RunOptions, SuiteResult, CaseResult, EvaluatorRun, PoliciesSummary } from "./runner.js";
export { loadCaseFile, parseCaseFile, isLanguageFile, type CaseFileContext } from "./case-file.js";
export { validateCaseFileDocument, caseFileSchema, type SchemaProblem } from "./case-schema.js";
export { applyMergePatch } from "./merge-patch.js";
export {
  computeCoverage,
  loadNotEncoded,
  exercisedNorms,
  type CoverageSummary,
  type NormCoverage,
  type RuleCoverage,
} from "./coverage.js";
export {
  caseCitationRecords,
  policyCitationRecords,
  isCitationFailure,
  type CitationRecord,
  type CitationStatus,
} from "./citations.js";
export { realEngine } from "./engine.js";
export type {
  EngineAdapter,
  LoadedEngine,
  Decision,
  DecideOutcome,
  PlacedDiagnostic,
  PoliciesBuild,
  InlineBuild,
} from "./engine.js";
export type { AssertionFailure } from "./assertions.js";
export { diffValues, diffLines, renderDiff, palette, type DiffLine, type Palette } from "./diff.js";
export { renderText, summaryLine, type TextOptions } from "./report-text.js";
export { toJsonReport, toJunit, escapeXml } from "./report-machine.js";
export { renderHtml, esc as escapeHtml } from "./report-html.js";
export * from "./types.js";
