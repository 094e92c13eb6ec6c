/**
 * Renders the engine bench (issue 4) as markdown, for the terminal and for results/latest.md.
 */
import type { Profile } from "@norma/runtime";
import type { BatchBenchResult } from "./run-batch-bench.js";
import { ENGINE_VARIANTS, type EngineBenchResult } from "./run-engine-bench.js";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const us = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
const ratio = (r: number) => (r >= 100 ? `${Math.round(r)}×` : `${r.toFixed(r >= 10 ? 1 : 2)}×`);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

/** The engine section: load/compile, the variants, and the per-example medians. */
export function formatEngineReport(
  r: EngineBenchResult,
  extra: { command: string; date: string; machine: string },
): string {
  const l = r.load;
  const lines = [
    "# Engine bench: the whole policy corpus",
    "",
    `Run \`${extra.command}\` on ${extra.date}: ${extra.machine}.`,
    `The corpus (policies/: ${l.files} files, ${l.rules} rules, bundle ${int(l.bundleBytes)} bytes) decides one facts document per example ` +
      `(examples/*.json: ${r.examples}), as of 2026-11-21, ${r.rounds} interleaved rounds; every decision timed on its own.`,
    "",
    "| load and compile the whole corpus | first in process | median of repeats | target |",
    "|---|--:|--:|--:|",
    `| build: parse, check, compile (ms) | ${l.firstBuildMs.toFixed(1)} | ${l.buildMs.toFixed(1)} | |`,
    `| load the bundle file's text: parse, check, compile closures, generate code (ms) | ${l.firstLoadMs.toFixed(1)} | ${l.loadMs.toFixed(1)} | |`,
    `| total (ms) | ${(l.firstBuildMs + l.firstLoadMs).toFixed(1)} | ${(l.buildMs + l.loadMs).toFixed(1)} | < 100 |`,
    "",
    "| variant (one thread) | decisions/s | median µs | p99 µs | × compiled |",
    "|---|--:|--:|--:|--:|",
    ...r.rows.map(
      (row) =>
        `| ${row.variant.name} | ${int(row.decisionsPerSecond)} | ${us(row.medianUs)} | ${us(row.p99Us)} | ${ratio(row.slowdown)} |`,
    ),
    "",
    "- compiled, closures and reference: the same IR, the same decisions (the differential tests check it); the",
    "  reference is json-logic-js with the `n.*` operations. Targets: the fast path ≥ 20× faster than the reference;",
    "  explanations must not make it slow. Facts validation is off except in its own row (the check `decide` does first).",
    "",
    ...profileSection(r.profile),
    `| example (median µs) | ${ENGINE_VARIANTS.map((v) => v.name).join(" | ")} | verdict |`,
    `|---|${ENGINE_VARIANTS.map(() => "--:").join("|")}|---|`,
    ...r.perExample.map((e) => `| ${e.example} | ${e.medianUs.map(us).join(" | ")} | ${e.verdict} |`),
    "",
  ];
  return lines.join("\n");
}

/** The corpus's ten most expensive rules, each timed alone (`norma profile`). */
function profileSection(p: Profile): string[] {
  const sum = p.rules.reduce((a, x) => a + x.ns, 0);
  const explainedSum = p.rules.reduce((a, x) => a + x.explainedNs, 0);
  const byExplained = [...p.rules].sort((a, b) => b.explainedNs - a.explainedNs).slice(0, 3);
  return [
    `Where a decision's time goes (\`Engine.profile\`, what \`pnpm norma profile examples/*.json\` prints): each rule timed alone ` +
      `on the ${p.documents} examples, its condition, exceptions and effect with what it shares with other rules, after V8 ` +
      `optimized it, and its own work only (run again once every rule has run, so what it shares is computed); medians of ${p.rounds} rounds. The ${p.rules.length} rules alone add up to ${int(sum)} ns per document; a ` +
      `decision (${us(p.decisionNs / 1000)} µs in the same profile, ${us(p.explainedNs / 1000)} µs with explanations) computes shared work once.`,
    "",
    "| rule (the ten most expensive) | ns/doc alone | ns/doc own | share | ns/doc explained | fired | excepted | not applicable |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
    ...p.rules
      .slice(0, 10)
      .map(
        (x) =>
          `| ${x.rule} | ${x.ns.toFixed(0)} | ${x.ownNs.toFixed(0)} | ${(x.share * 100).toFixed(1)}% | ${x.explainedNs.toFixed(0)} | ${x.statuses.fired} | ${x.statuses.excepted} | ${x.statuses["not-applicable"]} |`,
      ),
    "",
    `With explanations, each rule is timed alone in the same way (\`ns/doc explained\`: every deciding condition recorded ` +
      `with the facts it saw, and the outcome's evidence); the ${p.rules.length} add up to ${int(explainedSum)} ns, and ` +
      `hashing the facts, once per explained decision, takes ${int(p.hashNs)} ns. The most expensive explained: ` +
      `${byExplained.map((x) => `${x.rule} (${x.explainedNs.toFixed(0)} ns)`).join(", ")}.`,
    "",
  ];
}

/** The batch section (`--batch`). */
/** Documents per second the parse floor allows on the batch's workers (one core each). */
function parseCeiling(b: BatchBenchResult): number {
  return b.parseUsPerLine > 0 ? (b.workers * 1e6) / b.parseUsPerLine : 0;
}

export function formatBatchReport(b: BatchBenchResult, command: string): string {
  const samples = b.rssSamples;
  // Skip the first tenth (start-up, bundle loading in the workers) when judging flatness.
  const steady = samples.slice(Math.floor(samples.length / 10));
  const lo = steady.length ? Math.min(...steady) : 0;
  const hi = steady.length ? Math.max(...steady) : 0;
  const verdicts = Object.entries(b.verdicts)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(", ");
  return [
    "## Batch: generated documents through `norma batch`",
    "",
    `\`${command}\`: \`norma gen\` wrote ${int(b.count)} documents (${mib(b.inputBytes)})` +
      (b.genSeconds === null ? " (reused)" : ` in ${b.genSeconds.toFixed(0)} s`) +
      `; \`norma batch --workers ${b.workers} --compact\` decided them with the whole corpus.`,
    "",
    "| documents | workers | docs/s | wall s | peak RSS | RSS over the run (after start-up) | target |",
    "|--:|--:|--:|--:|--:|--:|--:|",
    `| ${int(b.count)} | ${b.workers} | ${int(b.docsPerSecond)} | ${b.wallSeconds.toFixed(0)} | ${mib(b.peakRssBytes)} | ${mib(lo)} – ${mib(hi)} (${steady.length} samples) | > 300,000 docs/s, flat |`,
    "",
    `Verdicts: ${verdicts}; error records: ${int(b.errors)}. Output ${mib(b.outputBytes)} of compact decisions.`,
    "",
    `Floor: \`JSON.parse\` alone takes ${b.parseUsPerLine.toFixed(2)} µs per line on one thread (first ${int(b.parseLines)} lines, ` +
      `median of 3 passes), so no batch of these documents in Node can exceed ` +
      `${int(parseCeiling(b))} docs/s on ${b.workers} cores even if deciding, validating, reading and writing cost nothing.`,
    "",
  ].join("\n");
}
