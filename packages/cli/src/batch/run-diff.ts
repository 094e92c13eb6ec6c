/**
 * The runner behind `norma diff`: streams NDJSON facts through a pool of threads that decide each
 * document under both sides, and adds up the changes. Memory holds the in-flight batches, the
 * counts and a few examples, however large the input.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createDecisionPool } from "./decision-pool.js";
import { DiffAggregate, type DiffSide } from "./impact-diff.js";
import { readLineBatches } from "./read-line-batches.js";

/** Options of {@link runDiff}. */
export interface RunDiffOptions {
  /** Input path, or `-` for standard input. */
  input: string;
  base: DiffSide;
  head: DiffSide;
  /** Worker threads (0: the main thread). */
  workers: number;
  batchLines?: number;
  /** Changed documents kept as examples (the first ones in input order). */
  examples?: number;
}

/** Diffs every line of the input; rejects on I/O errors or a worker failure. */
export async function runDiff(options: RunDiffOptions): Promise<DiffAggregate> {
  const pool = await createDecisionPool(
    { mode: "diff", base: options.base, head: options.head },
    options.workers,
  );
  const aggregate = new DiffAggregate(options.examples ?? 5);
  const input: Readable =
    options.input === "-" ? process.stdin : createReadStream(options.input, { highWaterMark: 1 << 20 });
  const maxInFlight = Math.max(4, pool.threads * 4);
  const inFlight = new Set<Promise<void>>();
  let failure: Error | null = null;
  try {
    let id = 0;
    for await (const batch of readLineBatches(input, { batchLines: options.batchLines ?? 64 })) {
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (failure) break;
      const p: Promise<void> = pool
        .submit({ type: "batch", id: id++, firstLine: batch.firstLine, count: batch.count, data: batch.data })
        .then(
          (r) => aggregate.add(r.counts, r.changes ?? []),
          (e: Error) => {
            failure ??= e;
          },
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }
  if (failure) throw failure;
  return aggregate;
}
