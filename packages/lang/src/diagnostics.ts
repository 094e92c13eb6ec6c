import type { Span } from "./ast.js";

/** How bad a diagnostic is: an `error` stops the file from being compiled; a `warning` does not. */
export type Severity = "error" | "warning";

/**
 * One problem found in a policy, facts or case file.
 *
 * Style (shared by every phase): lowercase message, no final period, user input in backticks,
 * language concepts rather than host types; a separate `help` says the fix when one is known.
 * `code` is stable API (`parse/…`, `check/…`, `eval/…`), documented in `docs/diagnostics.md`.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Where, in `file`. */
  span: Span;
  /** The file the span points into (a path as given to the tool). */
  file: string;
  help?: string;
  /** Other places that explain this one (e.g. the earlier declaration of a duplicate). */
  related?: Array<{ message: string; span: Span; file: string }>;
  /** A change that resolves it, for an editor's quick fix (the "did you mean" name, in place). */
  fix?: DiagnosticFix;
}

/** Replacements of spans of the diagnostic's `file` (non-overlapping), titled for a person. */
export interface DiagnosticFix {
  title: string;
  edits: Array<{ span: Span; text: string }>;
}

/** What every phase returns: a value (possibly partial) and the diagnostics found on the way. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/** Sorts diagnostics by file, then position, then code (stable for snapshots). */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.span.start - b.span.start ||
      a.span.end - b.span.end ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
