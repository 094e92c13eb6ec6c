/**
 * Renders a {@link BenchTable} as markdown, for the terminal and for results/latest.md.
 */
import type { BenchTable } from "./run-peer-bench.js";

/** The markdown table, one row per implementation, in run order. */
export function formatBenchTable(table: BenchTable): string {
  const header =
    "| implementation | docs/s | × hand-written | median µs/doc | × | p99 µs/doc | × | load ms | heap after load |";
  const rule = "|---|--:|--:|--:|--:|--:|--:|--:|--:|";
  const lines = table.rows.map((row) =>
    [
      `${row.floor ? "floor: " : ""}${row.name}${row.async ? " (async)" : ""}`,
      formatInteger(row.docsPerSecond),
      formatRatio(row.throughputRatio),
      formatMicros(row.medianLatencyUs),
      formatRatio(row.medianLatencyRatio),
      formatMicros(row.p99LatencyUs),
      formatRatio(row.p99LatencyRatio),
      row.loadMs.toFixed(2),
      formatBytes(row.heapDeltaBytes),
    ].join(" | "),
  );
  return [header, rule, ...lines.map((l) => `| ${l} |`)].join("\n");
}

/** The table with a heading, the run's conditions and what each column means. */
export function formatBenchReport(table: BenchTable, extra: { seed: number; command: string }): string {
  const m = table.meta;
  const batches = table.rows.map((r) => `${r.name} ${r.batchSize}`).join(", ");
  return [
    "# Peer comparison on the fixed workload",
    "",
    `Run \`${extra.command}\` on ${m.date.slice(0, 10)}: Node ${m.node}, ${m.platform}, ${m.cpu}.`,
    `${m.agreementDocs} generated documents (seed ${extra.seed}) checked for agreement first; ` +
      `${m.docs} of them timed in ${m.rounds} interleaved rounds (≥ ${m.minRoundMs} ms per implementation per round).`,
    "",
    formatBenchTable(table),
    "",
    "- docs/s, latencies and ratios are medians over rounds; each ratio is taken against the hand-written",
    "  function measured in the same round (× = how many times slower, or longer).",
    "- Latency per document comes from batch timings (batch time ÷ batch size; batch sizes: " +
      `${batches}),`,
    "  since the hand-written function runs near the timer's resolution. Async engines are awaited one call at a time.",
    "- load: one `load()` call (parse/compile the 12 rules, build the engine; the library module is already imported).",
    "- heap after load: used JS heap after `load()` minus before, both after full GC; native memory (zen) is not counted.",
    ...(table.rows.some((r) => r.floor)
      ? [
          "- floor: not an engine, a part of the work an implementation above must do, timed in the same rounds: what its",
          "  ratio cannot go below.",
        ]
      : []),
    "",
  ].join("\n");
}

function formatInteger(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function formatRatio(r: number): string {
  return r >= 100 ? `${Math.round(r)}×` : `${r.toFixed(r >= 10 ? 1 : 2)}×`;
}

function formatMicros(us: number): string {
  return us >= 100 ? us.toFixed(0) : us >= 1 ? us.toFixed(2) : us.toFixed(3);
}

function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
