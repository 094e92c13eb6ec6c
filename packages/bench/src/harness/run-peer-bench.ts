/**
 * The timing harness of the peer comparison: load every implementation once (timed, heap
 * measured), check that all agree, then run interleaved rounds (A B C … A B C …) in which
 * each implementation is timed over batches of documents and the baseline (the hand-written
 * function) is measured again in every round. Every figure in the table is a median over rounds;
 * every ratio is taken within a round, against that round's baseline, before the median.
 */
import os from "node:os";
import type { Outcome, WorkloadFacts } from "../workload/facts.js";
import { AgreementError, checkAgreement } from "./agreement.js";
import { isThenable, type Implementation } from "./implementation.js";
import { settledHeapUsed } from "./gc.js";
import { median, percentile } from "./stats.js";

/** Options of {@link runPeerBench}. */
export interface PeerBenchOptions {
  /** The documents timed in every round; each implementation decides all of them at least once per round. */
  docs: readonly WorkloadFacts[];
  /** Number of interleaved rounds; the table reports medians over them. */
  rounds: number;
  /**
   * The implementations, in the order they run within a round. The baseline is added in front
   * unless an implementation with its name is already in the list.
   */
  implementations: readonly Implementation[];
  /** What ratios are taken against; measured in every round. */
  baseline: Implementation;
  /** Documents of the agreement check (default: `docs`). */
  agreementDocs?: readonly WorkloadFacts[];
  /** Minimum time each implementation is timed per round, in ms (default 200). */
  minRoundMs?: number;
  /** Batches are sized to last at least this long, in ms (default 0.05): far above timer resolution. */
  targetBatchMs?: number;
  /** Untimed warm-up per implementation before the rounds, in ms (default 150). */
  warmupMs?: number;
  /** Receives one line per step (loading, agreement, each round). */
  onProgress?: (line: string) => void;
  /**
   * Parts of the work some implementations must do, timed in the same rounds but not engines:
   * exempt from the agreement check (their `decide` returns anything array-like), reported with
   * `floor: true`. They show what a target cannot go below.
   */
  floors?: readonly Implementation[];
}

/** One row of the table: one implementation, medians over rounds. */
export interface BenchRow {
  name: string;
  /** True when `decide` returns promises (awaited one at a time). */
  async: boolean;
  /** Documents per batch, calibrated once after warm-up. */
  batchSize: number;
  docsPerSecond: number;
  /** Baseline docs/s ÷ this docs/s: how many times slower than the hand-written function. */
  throughputRatio: number;
  /** Median over batches of (batch time ÷ batch size), in µs. */
  medianLatencyUs: number;
  medianLatencyRatio: number;
  /** 99th percentile over batches of (batch time ÷ batch size), in µs. */
  p99LatencyUs: number;
  p99LatencyRatio: number;
  /** Time of the single `load()` call, in ms. */
  loadMs: number;
  /** Used heap after `load()` minus before, both after full GC, in bytes (native memory not counted). */
  heapDeltaBytes: number;
  /** True for a floor (see {@link PeerBenchOptions.floors}), not an implementation of the workload. */
  floor: boolean;
}

/** The result of {@link runPeerBench}: what was run, where, and one row per implementation. */
export interface BenchTable {
  meta: {
    date: string;
    node: string;
    platform: string;
    cpu: string;
    docs: number;
    agreementDocs: number;
    rounds: number;
    minRoundMs: number;
    baseline: string;
    /** Sum of outcome counts over all timed calls: keeps the calls observable to the optimizer. */
    checksum: number;
  };
  rows: BenchRow[];
}

interface Prepared {
  impl: Implementation;
  floor: boolean;
  async: boolean;
  loadMs: number;
  heapDeltaBytes: number;
  batchSize: number;
  cursor: number;
}

interface RoundStats {
  docsPerSecond: number;
  medianLatencyUs: number;
  p99LatencyUs: number;
}

let checksum = 0;

/**
 * Loads, checks and times the implementations. Throws {@link AgreementError} (before any
 * timing) when an implementation disagrees with the baseline on an agreement document.
 */
export async function runPeerBench(options: PeerBenchOptions): Promise<BenchTable> {
  const { docs, rounds, baseline } = options;
  const minRoundMs = options.minRoundMs ?? 200;
  const targetBatchMs = options.targetBatchMs ?? 0.05;
  const warmupMs = options.warmupMs ?? 150;
  const progress = options.onProgress ?? (() => {});
  if (docs.length === 0) throw new Error("runPeerBench needs at least one document");
  if (rounds < 1) throw new Error("runPeerBench needs at least one round");

  const implementations = options.implementations.some((i) => i.name === baseline.name)
    ? [
        options.implementations.find((i) => i.name === baseline.name)!,
        ...options.implementations.filter((i) => i.name !== baseline.name),
      ]
    : [baseline, ...options.implementations];
  const names = new Set<string>();
  for (const impl of implementations) {
    if (names.has(impl.name)) throw new Error(`two implementations are named \`${impl.name}\``);
    names.add(impl.name);
  }

  // Load one at a time, each between full collections, so the heap delta is its own. A no-op
  // load first, discarded, so that the first real one does not pay for the measuring code's own
  // lazy allocations.
  await measureLoad({ name: "(calibration)", load() {}, decide: () => [] });
  const prepared: Prepared[] = [];
  for (const impl of implementations) {
    const { loadMs, heapDeltaBytes } = await measureLoad(impl);
    progress(`loaded ${impl.name} in ${loadMs.toFixed(2)} ms`);
    prepared.push({ impl, floor: false, async: false, loadMs, heapDeltaBytes, batchSize: 1, cursor: 0 });
  }

  // INVARIANT: nothing is timed before every implementation agrees on every agreement document.
  const agreementDocs = options.agreementDocs ?? docs;
  const disagreement = await checkAgreement(implementations, agreementDocs);
  if (disagreement !== null) throw new AgreementError(disagreement);
  progress(`all ${implementations.length} implementations agree on ${agreementDocs.length} documents`);
  for (const impl of options.floors ?? []) {
    if (names.has(impl.name)) throw new Error(`two implementations are named \`${impl.name}\``);
    names.add(impl.name);
    const { loadMs, heapDeltaBytes } = await measureLoad(impl);
    prepared.push({ impl, floor: true, async: false, loadMs, heapDeltaBytes, batchSize: 1, cursor: 0 });
  }

  for (const p of prepared) {
    const first = p.impl.decide(docs[0]!);
    p.async = isThenable(first);
    if (isThenable(first)) await first;
  }

  // Warm up (JIT, inline caches), then size batches from the warm-up rate.
  for (const p of prepared) {
    let done = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < warmupMs) {
      const n = Math.min(docs.length, Math.max(1, done));
      await runBatch(p, docs, n);
      done += n;
      elapsed = performance.now() - start;
    }
    const perDocMs = elapsed / done;
    p.batchSize = Math.min(docs.length, nextPowerOfTwo(Math.ceil(targetBatchMs / perDocMs)));
    p.cursor = 0;
  }

  const perRound: Map<string, RoundStats>[] = [];
  for (let round = 0; round < rounds; round++) {
    const stats = new Map<string, RoundStats>();
    for (const p of prepared) stats.set(p.impl.name, await timeRound(p, docs, minRoundMs));
    perRound.push(stats);
    const base = stats.get(baseline.name)!;
    progress(
      `round ${round + 1}/${rounds}: ` +
        prepared
          .map(
            (p) =>
              `${p.impl.name} ${(base.docsPerSecond / stats.get(p.impl.name)!.docsPerSecond).toFixed(1)}×`,
          )
          .join(", "),
    );
  }

  const rows = prepared.map((p): BenchRow => {
    const name = p.impl.name;
    const own = perRound.map((r) => r.get(name)!);
    const base = perRound.map((r) => r.get(baseline.name)!);
    return {
      name,
      async: p.async,
      batchSize: p.batchSize,
      docsPerSecond: median(own.map((s) => s.docsPerSecond)),
      throughputRatio: median(own.map((s, i) => base[i]!.docsPerSecond / s.docsPerSecond)),
      medianLatencyUs: median(own.map((s) => s.medianLatencyUs)),
      medianLatencyRatio: median(own.map((s, i) => s.medianLatencyUs / base[i]!.medianLatencyUs)),
      p99LatencyUs: median(own.map((s) => s.p99LatencyUs)),
      p99LatencyRatio: median(own.map((s, i) => s.p99LatencyUs / base[i]!.p99LatencyUs)),
      loadMs: p.loadMs,
      heapDeltaBytes: p.heapDeltaBytes,
      floor: p.floor,
    };
  });

  return {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical)`,
      docs: docs.length,
      agreementDocs: agreementDocs.length,
      rounds,
      minRoundMs,
      baseline: baseline.name,
      checksum,
    },
    rows,
  };
}

/** Calls `load()` once; returns its time and the used heap it added (after full collections). */
async function measureLoad(impl: Implementation): Promise<{ loadMs: number; heapDeltaBytes: number }> {
  const before = settledHeapUsed();
  const start = performance.now();
  await impl.load();
  const loadMs = performance.now() - start;
  return { loadMs, heapDeltaBytes: settledHeapUsed() - before };
}

/**
 * Times one implementation for one round: contiguous batches over the documents, from the
 * first, until every document was decided at least once and at least `minRoundMs` passed.
 */
async function timeRound(
  p: Prepared,
  docs: readonly WorkloadFacts[],
  minRoundMs: number,
): Promise<RoundStats> {
  p.cursor = 0;
  const latenciesUs: number[] = [];
  let totalNs = 0;
  let decided = 0;
  while (decided < docs.length || totalNs < minRoundMs * 1e6) {
    const n = Math.min(p.batchSize, docs.length - p.cursor);
    const ns = await runBatch(p, docs, n);
    totalNs += ns;
    decided += n;
    latenciesUs.push(ns / 1e3 / n);
  }
  return {
    docsPerSecond: decided / (totalNs / 1e9),
    medianLatencyUs: median(latenciesUs),
    p99LatencyUs: percentile(latenciesUs, 99),
  };
}

/** Decides `n` documents from the cursor (wrapping around) and returns the elapsed nanoseconds. */
async function runBatch(p: Prepared, docs: readonly WorkloadFacts[], n: number): Promise<number> {
  let cursor = p.cursor;
  let sum = 0;
  const decide = p.impl.decide.bind(p.impl);
  let ns: bigint;
  if (p.async) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      sum += (await decide(docs[cursor]!)).length;
      if (++cursor === docs.length) cursor = 0;
    }
    ns = process.hrtime.bigint() - start;
  } else {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      sum += (decide(docs[cursor]!) as Outcome[]).length;
      if (++cursor === docs.length) cursor = 0;
    }
    ns = process.hrtime.bigint() - start;
  }
  p.cursor = cursor;
  checksum += sum;
  return Number(ns);
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
