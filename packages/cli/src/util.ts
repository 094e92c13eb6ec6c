/**
 * Shared CLI plumbing: printing diagnostics in one format for every command, and reading inputs.
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import * as lang from "@norma/lang";
import { EVALUATORS } from "@norma/runtime";
import type { Diagnostic } from "@norma/lang";

export type OutputFormat = "text" | "json";

/** Renders diagnostics (code frames, or the JSON array of `norma check --format json`). */
export function renderDiagnostics(
  diagnostics: Diagnostic[],
  sources: Map<string, lang.SourceText>,
  format: OutputFormat,
): string {
  const sorted = lang.sortDiagnostics(diagnostics);
  if (format === "json") return JSON.stringify(lang.formatDiagnosticsJson(sorted, sources), null, 2) + "\n";
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
  return sorted
    .map((d) => {
      const src = sources.get(d.file) ?? new lang.SourceText(d.file, "");
      return lang.renderDiagnostic(d, src, { color }) + "\n";
    })
    .join("\n");
}

/** A one-line summary: `2 errors, 1 warning in 3 files`. */
export function summarize(diagnostics: Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")} in ${plural(files, "file")}`;
}

/** Reads a file, or standard input for `-`. Returns an error message instead of throwing. */
export function readInput(path: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(path === "-" ? 0 : path, "utf8") };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      error:
        code === "ENOENT" ? `no such file \`${path}\`` : `cannot read \`${path}\` (${code ?? String(e)})`,
    };
  }
}

/** Parses a `--format` value; null when it is not one of the allowed ones. */
export function parseFormat<F extends string>(
  value: string | undefined,
  allowed: readonly F[],
  fallback: F,
): F | null {
  if (value === undefined) return fallback;
  return (allowed as readonly string[]).includes(value) ? (value as F) : null;
}

/** Parses an as-of value: a date (`2026-11-21`, read at 00:00 +08:00) or an RFC 3339 date-time. */
export function parseAsOf(value: string | undefined): { ms: number } | { error: string } {
  if (value === undefined) return { ms: Date.now() };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return { ms: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000 };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return { ms };
  }
  return {
    error: `\`${value}\` is not a date (2026-11-21) or an RFC 3339 date-time with offset (2026-11-21T09:00:00+08:00)`,
  };
}

/** Writes an error line in the house style. */
export function fail(message: string, help?: string): void {
  process.stderr.write(`error: ${message}\n${help ? `  help: ${help}\n` : ""}`);
}

/**
 * Parses a command's arguments with node's `parseArgs`; on a mistake (unknown option, missing
 * value) prints it with the usage line and returns null, so the command exits 2.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
  usage: string,
): ReturnType<typeof parseArgs<T>> | null {
  try {
    return parseArgs(config);
  } catch (e) {
    fail((e as Error).message, usage);
    return null;
  }
}

/** `--evaluator`'s value (default `compiled`); prints why not and gives null for an unknown one. */
export function evaluatorOption(value: string | undefined): (typeof EVALUATORS)[number] | null {
  const evaluator = parseFormat(value, EVALUATORS, "compiled");
  if (!evaluator) fail(`unknown evaluator \`${value}\``, "use `compiled`, `fast` or `reference`");
  return evaluator;
}

/** `--as-of`'s value as epoch ms (default now); prints why not and gives null for a bad one. */
export function asOfOption(value: string | undefined): number | null {
  const asOf = parseAsOf(value);
  if ("error" in asOf) {
    fail(asOf.error);
    return null;
  }
  return asOf.ms;
}
