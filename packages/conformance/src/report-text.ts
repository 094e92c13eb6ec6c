/**
 * The text report of a run, for a terminal or a CI log: each failure with a diff of expected vs
 * actual, bad case files with file:line:col and pointer, policy diagnostics, coverage, citation
 * verification, skipped cases, and the final line `conformance: N passed, M failed[, K skipped]`.
 */
import type { AssertionFailure } from "./assertions.js";
import { palette, renderDiff, toYamlLines, type Palette } from "./diff.js";
import type { CaseResult, SuiteResult } from "./runner.js";

/** Options of {@link renderText}. */
export interface TextOptions {
  /** ANSI colors (only on a TTY; the CLI decides). */
  color: boolean;
  /** Whether `--require-coverage` applies: coverage gaps are then reported as failures. */
  requireCoverage: boolean;
}

/** The last line of every report: `conformance: N passed, M failed` (`, K skipped` when any). */
export function summaryLine(result: SuiteResult): string {
  const { passed, failed, skipped } = result.counts;
  return `conformance: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** Renders the whole run as text (ends with the summary line and a newline). */
export function renderText(result: SuiteResult, options: TextOptions): string {
  const p = palette(options.color);
  const out: string[] = [];

  if (result.caseFileErrors.length) {
    out.push(
      p.bold(`bad case files (${result.counts.badFiles}): the run fails on them, they are not skipped`),
    );
    for (const e of result.caseFileErrors) {
      out.push(
        `  ${p.red("error")} ${result.dir}/${e.file}:${e.line}:${e.column} at \`${e.pointer || "/"}\`: ${e.message} [${e.code}]`,
      );
      if (e.help) out.push(`    help: ${e.help}`);
    }
    out.push("");
  }

  const policyErrors = result.policies.diagnostics.filter((d) => d.severity === "error");
  if (policyErrors.length) {
    out.push(
      p.bold(
        `policies (${result.policies.dir}): ${policyErrors.length} error${policyErrors.length === 1 ? "" : "s"}`,
      ),
    );
    for (const d of policyErrors) out.push(indent(d.rendered, "  "));
    out.push("");
  }

  for (const r of result.cases.filter((c) => c.status === "failed"))
    out.push(renderFailure(r, result, p), "");

  out.push(...renderCoverage(result, options, p), "");
  out.push(...renderCitations(result, p), "");

  const skipped = result.cases.filter((c) => c.status === "skipped");
  if (skipped.length) {
    out.push(p.bold(`skipped (${skipped.length}):`));
    for (const s of skipped)
      out.push(`  ${s.case.id} (${s.case.file}:${s.case.location.line}): ${s.case.skip}`);
    out.push("");
  }
  for (const problem of result.problems) out.push(`${p.red("error")}: ${problem}`);
  out.push(summaryLine(result));
  return out.join("\n") + "\n";
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");
}

/** A case's failures per evaluator, merged when every evaluator failed the same way. */
export function mergeFailures(r: CaseResult): Array<{ f: AssertionFailure; evaluators: string[] }> {
  const merged = new Map<string, { f: AssertionFailure; evaluators: string[] }>();
  for (const run of r.runs) {
    for (const f of run.failures) {
      const key = JSON.stringify([f.index, f.message, f.expected, f.actual]);
      const m = merged.get(key);
      if (m) m.evaluators.push(run.evaluator);
      else merged.set(key, { f, evaluators: [run.evaluator] });
    }
  }
  return [...merged.values()];
}

/** One failed case: header, citation, then each failure (merged across evaluators when identical). */
export function renderFailure(r: CaseResult, result: SuiteResult, p: Palette): string {
  const c = r.case;
  const lines = [
    `${p.red(p.bold("FAIL"))} ${p.bold(c.id)}  ${result.dir}/${c.file}:${c.location.line}:${c.location.column}`,
    `  ${c.title}`,
  ];
  if (c.cite) lines.push(p.dim(`  cite ${c.cite.at} "${c.cite.quote}"`));
  for (const f of r.problems) lines.push(renderOne(f, r, p, null));
  for (const { f, evaluators } of mergeFailures(r)) lines.push(renderOne(f, r, p, evaluators));
  if (r.diagnostics.length && r.case.kind === "language") {
    lines.push(p.dim("  diagnostics of the case's policy:"));
    for (const d of r.diagnostics) lines.push(p.dim(`    ${d.code} at ${d.line}:${d.column}: ${d.message}`));
  }
  return lines.join("\n");
}

function renderOne(f: AssertionFailure, r: CaseResult, p: Palette, evaluators: string[] | null): string {
  const loc = f.index >= 0 ? r.case.expectLocations[f.index] : null;
  const where = f.index >= 0 ? `expect[${f.index}]${loc ? ` (line ${loc.line})` : ""}` : "case";
  const on = evaluators ? ` [${evaluators.join(", ")}]` : "";
  const head = `  ${where}${on}: ${f.message}`;
  if (f.expected === null && f.actual === null) return head;
  if (f.expected === null)
    return `${head}\n${toYamlLines(f.actual)
      .map((l) => p.dim(`    ${l}`))
      .join("\n")}`;
  return `${head}\n${renderDiff(f.expected, f.actual, p)}`;
}

function list(items: string[], max = 20): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

function renderCoverage(result: SuiteResult, options: TextOptions, p: Palette): string[] {
  const cov = result.coverage;
  const out: string[] = [];
  const total = cov.rules.length;
  const fired = total - cov.neverFired.length;
  const notFired = total - cov.neverNotFired.length;
  const mark = (ok: boolean) =>
    ok ? p.green("ok") : options.requireCoverage ? p.red("BELOW THRESHOLD") : "incomplete";
  out.push(
    p.bold(
      `rule coverage: ${total} rules; ${fired} fired in some case, ${notFired} seen not firing — ${mark(cov.rulesComplete)}`,
    ),
  );
  if (cov.neverFired.length) out.push(`  never fired: ${list(cov.neverFired)}`);
  if (cov.neverNotFired.length) out.push(`  never seen not firing: ${list(cov.neverNotFired)}`);
  const by = (s: string) => cov.norms.filter((n) => n.status === s);
  const covered = by("covered").length;
  const notEncoded = by("not-encoded").length;
  out.push(
    p.bold(
      `norm coverage: ${cov.norms.length} norms; ${covered} covered by rules and cases, ${notEncoded} explained in NOT-ENCODED.md — ${mark(cov.normsComplete)}`,
    ),
  );
  const noCases = by("no-cases").map((n) => n.id);
  const noRules = by("no-rules").map((n) => n.id);
  if (noCases.length) out.push(`  implemented but exercised by no case: ${list(noCases, 40)}`);
  if (noRules.length)
    out.push(`  no rule implements them and NOT-ENCODED.md does not list them: ${list(noRules, 40)}`);
  return out;
}

function renderCitations(result: SuiteResult, p: Palette): string[] {
  const recs = result.citations.records;
  const count = (from: string) => recs.filter((r) => r.from === from).length;
  if (!result.citations.verified) {
    return [
      p.bold(
        `citations were NOT verified (${count("policy")} in policies, ${count("case")} in cases): pass --sources DIR to verify them`,
      ),
    ];
  }
  const external = recs.filter((r) => r.status === "external").length;
  const checked = recs.length - external;
  const out = [
    p.bold(
      `citations: ${checked - result.citations.failures.length} of ${checked} verified against ${result.sourcesDir} (${count("policy")} in policies, ${count("case")} in cases)` +
        (external ? `; ${external} cite external pages and cannot be verified against the seeds` : ""),
    ),
  ];
  for (const f of result.citations.failures) {
    out.push(`  ${p.red(f.status)} ${f.from} ${f.owner} at ${f.at}: cite ${f.source}:${f.line} "${f.quote}"`);
    if (f.detail) out.push(`    ${f.detail}`);
  }
  return out;
}
