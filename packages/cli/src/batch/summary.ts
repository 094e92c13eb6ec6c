/**
 * The end-of-run summary of `norma batch`, for people (standard error) and as JSON
 * (`--summary-json`).
 */
import type { RunBatchReport } from "./run-batch.js";
import { sortedEntries } from "./stats.js";

/** Facts about the run the report itself does not hold. */
export interface SummaryContext {
  asOf: string;
  bundle: string;
  output: string;
}

/** The summary as JSON: the report plus the rates, for machines (the bench reads it). */
export function summaryJson(report: RunBatchReport, ctx: SummaryContext): Record<string, unknown> {
  return {
    format: "norma-batch-summary/1",
    ...ctx,
    interrupted: report.interrupted,
    linesDone: report.linesDone,
    linesThisRun: report.linesThisRun,
    elapsedMs: Math.round(report.elapsedMs),
    docsPerSecond: rate(report),
    threads: report.threads,
    ordered: report.ordered,
    peakRssBytes: report.peakRssBytes,
    rssSamples: report.rssSamples,
    checkpoint: report.checkpoint,
    counts: report.counts,
  };
}

function rate(report: RunBatchReport): number {
  return report.elapsedMs > 0 ? Math.round(report.linesThisRun / (report.elapsedMs / 1000)) : 0;
}

const n = (x: number) => x.toLocaleString("en-US");

/** The readable summary (several lines, each ending in `\n`). */
export function formatSummary(report: RunBatchReport, ctx: SummaryContext): string {
  const c = report.counts;
  const lines: string[] = [];
  const threads =
    report.threads === 0 ? "main thread" : `${report.threads} worker${report.threads === 1 ? "" : "s"}`;
  const order = report.ordered
    ? "output in input order"
    : 'output NOT in input order (--unordered): match lines by their "line" field';
  lines.push(
    `${report.interrupted ? "interrupted" : "done"}: ${n(report.linesDone)} lines → ${n(c.decided)} decisions, ` +
      `${n(c.failed)} error records` +
      (report.linesThisRun !== report.linesDone ? ` (${n(report.linesThisRun)} this run)` : ""),
  );
  lines.push(
    `  ${(report.elapsedMs / 1000).toFixed(2)} s, ${n(rate(report))} docs/s, ${threads}, ${order}; ` +
      `peak RSS ${(report.peakRssBytes / 1024 / 1024).toFixed(1)} MiB`,
  );
  lines.push(`  as of ${ctx.asOf}, bundle ${ctx.bundle}`);
  const verdicts = sortedEntries(c.verdicts);
  lines.push(`  verdicts: ${verdicts.length ? verdicts.map(([k, v]) => `${k} ${n(v)}`).join(", ") : "none"}`);
  if (c.failed > 0) {
    lines.push(
      `  errors by kind: ${sortedEntries(c.errorKinds)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(", ")}; by code: ${sortedEntries(c.errorCodes)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(", ")}`,
    );
  }
  const rules = sortedEntries(c.rules);
  if (rules.length > 0) {
    const width = Math.max(...rules.map(([k]) => k.length));
    lines.push("  outcomes per rule:");
    for (const [rule, count] of rules) lines.push(`    ${rule.padEnd(width)}  ${n(count).padStart(10)}`);
  }
  if (report.interrupted) {
    lines.push(
      report.checkpoint
        ? `  checkpoint: ${report.checkpoint}; run the same command with --resume to continue`
        : `  the output is not a file, so there is no checkpoint: ${n(report.linesDone)} lines were written to ${ctx.output}`,
    );
  }
  return lines.join("\n") + "\n";
}
