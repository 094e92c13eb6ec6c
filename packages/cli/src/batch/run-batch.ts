/**
 * The batch runner behind `norma batch`: streams NDJSON facts in, decides them on a pool of
 * threads, streams one output line per input line out, and keeps a checkpoint so an interrupted
 * run can resume.
 *
 * Flow: the main thread reads raw bytes and cuts them into batches of whole lines
 * ({@link readLineBatches}); each batch goes to the pool; results come back in any order and are
 * written either in input order (a reorder buffer keyed by batch number) or as they come
 * (`ordered: false`). At most `maxInFlight` batches are between reading and the file system at
 * any time, which is what keeps memory flat however large the input.
 *
 * Guarantees: every input line that is read gets exactly one output line; when `signal` aborts,
 * reading stops, every batch already read is still decided and written, and the checkpoint then
 * covers exactly the lines on disk.
 */
import { createReadStream, statSync } from "node:fs";
import type { Readable } from "node:stream";
import { checkpointPathFor, removeCheckpoint, writeCheckpoint, type Checkpoint } from "./checkpoint.js";
import { createDecisionPool } from "./decision-pool.js";
import type { DecideSettings } from "./line-decider.js";
import { LineRanges } from "./line-ranges.js";
import { NdjsonWriter } from "./ndjson-writer.js";
import { ProgressBar } from "./progress.js";
import type { BatchResult } from "./protocol.js";
import { InputChangedError, readLineBatches, type LineBatch } from "./read-line-batches.js";
import { addCounts, emptyCounts, type BatchCounts } from "./stats.js";

/** Options of {@link runBatch}. */
export interface RunBatchOptions {
  /** Input path, or `-` for standard input. */
  input: string;
  /** Output path, or `-` for standard output. A checkpoint is kept only for a regular file. */
  output: string;
  /** The bundle as JSON text (each worker loads it once). */
  bundleText: string;
  /** The bundle's content hash (recorded in the checkpoint). */
  bundleHash: string;
  settings: DecideSettings;
  /** Worker threads (0: decide on the main thread). */
  workers: number;
  /** Keep input order in the output (default true). */
  ordered: boolean;
  /** Lines per batch sent to a worker. */
  batchLines: number;
  /** The checkpoint of the interrupted run to continue; the caller has truncated the output to its `outputBytes`. */
  resume?: Checkpoint | null;
  /** Aborting stops reading; what was read is finished and written (SIGINT). */
  signal?: AbortSignal;
  /** Where the progress line goes (drawn only when it is a TTY); null: none. */
  progressStream?: NodeJS.WriteStream | null;
  /** Batches between reading and the file system at most (default: 4 per thread, at least 4). */
  maxInFlight?: number;
  /** How often the checkpoint is rewritten while running, in ms (default 2000). */
  checkpointEveryMs?: number;
  /** Called after each batch is on disk (tests use it to interrupt mid-run). */
  onBatchWritten?: (linesDone: number) => void;
}

/** What a batch run did. */
export interface RunBatchReport {
  /** True when the run stopped early (signal); the checkpoint then says where it got to. */
  interrupted: boolean;
  /** Input lines whose output is written, over this run and the runs it resumed. */
  linesDone: number;
  /** Of those, lines decided by this run. */
  linesThisRun: number;
  /** Wall time of this run, ms. */
  elapsedMs: number;
  /** Counts over all done lines (this run and the ones it resumed). */
  counts: BatchCounts;
  /** Threads that decided (0: the main thread). */
  threads: number;
  ordered: boolean;
  /** Peak resident set size of the process (all threads), bytes. */
  peakRssBytes: number;
  /** Resident set size sampled about once a second over the run (at most 120 samples, evenly thinned), bytes. */
  rssSamples: number[];
  /** The checkpoint left behind (interrupted runs), or null (finished, or output not a regular file). */
  checkpoint: string | null;
}

/** Runs a batch; rejects on I/O errors, a worker failure or a changed input (with the checkpoint written first). */
export async function runBatch(options: RunBatchOptions): Promise<RunBatchReport> {
  const started = performance.now();
  const resume = options.resume ?? null;
  const ordered = options.ordered;
  const pool = await createDecisionPool(
    { mode: "decide", bundleText: options.bundleText, settings: options.settings },
    options.workers,
  );
  const maxInFlight = options.maxInFlight ?? Math.max(4, pool.threads * 4);

  const input: Readable =
    options.input === "-" ? process.stdin : createReadStream(options.input, { highWaterMark: 1 << 20 });
  const inputSize = options.input === "-" ? null : safeSize(options.input);
  const checkpointPath = isRegularFileTarget(options.output) ? checkpointPathFor(options.output) : null;
  const writer = new NdjsonWriter({ path: options.output, append: resume !== null });

  const done = LineRanges.of(resume?.done ?? []);
  const counts = resume ? addCounts(emptyCounts(), resume.counts) : emptyCounts();
  const outputBase = resume?.outputBytes ?? 0;
  let inputMark = { bytes: resume?.inputBytes ?? 0, sha256: resume?.inputSha256 ?? "" };
  const progress = options.progressStream
    ? new ProgressBar(options.progressStream, inputSize, done.size(), resume?.inputBytes ?? 0)
    : null;
  let linesThisRun = 0;

  // Counters: submitted → settled (result or failure) → issued (handed to the writer) → flushed.
  let submitted = 0;
  let settled = 0;
  let rejected = 0;
  let issued = 0;
  let flushed = 0;
  let failure: Error | null = null;
  let waiters: (() => void)[] = [];
  const notify = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const fail = (e: Error) => {
    failure ??= e;
    input.destroy();
    notify();
  };

  const checkpointNow = (): Checkpoint => ({
    format: "norma-batch-checkpoint/1",
    writtenAt: new Date().toISOString(),
    input: options.input,
    inputBytes: inputMark.bytes,
    inputSha256: inputMark.sha256,
    output: options.output,
    outputBytes: outputBase + writer.flushedBytes,
    bundle: options.bundleHash,
    asOfMs: options.settings.asOf,
    asOf: new Date(options.settings.asOf).toISOString(),
    explain: options.settings.explain,
    evaluator: options.settings.evaluator,
    outputForm: options.settings.output,
    ordered,
    linesDone: done.size(),
    done: done.toJSON(),
    counts,
  });
  let dirty = false;
  const timer =
    checkpointPath === null
      ? null
      : setInterval(() => {
          if (dirty && failure === null) {
            writeCheckpoint(checkpointPath, checkpointNow());
            dirty = false;
          }
        }, options.checkpointEveryMs ?? 2000);
  timer?.unref();
  // RSS about once a second, thinned to every other sample whenever 120 are held: a flat memory
  // profile shows as a flat list, whatever the run's length.
  let rssSamples: number[] = [];
  let rssEvery = 1;
  let rssTick = 0;
  const rssTimer = setInterval(() => {
    if (rssTick++ % rssEvery !== 0) return;
    rssSamples.push(process.memoryUsage.rss());
    if (rssSamples.length >= 120) {
      rssSamples = rssSamples.filter((_, i) => i % 2 === 0);
      rssEvery *= 2;
    }
  }, 1000);
  rssTimer.unref();

  const write = (batch: LineBatch, result: BatchResult) => {
    issued++;
    void writer
      .write(result.output, (error) => {
        if (error) {
          fail(error);
        } else {
          // INVARIANT: only here, once the file system has the bytes, do lines count as done.
          done.add(batch.firstLine, batch.firstLine + batch.count);
          addCounts(counts, result.counts);
          if (batch.endOffset > inputMark.bytes)
            inputMark = { bytes: batch.endOffset, sha256: batch.sha256AtEnd };
          linesThisRun += batch.count;
          dirty = true;
          progress?.update({ linesDone: done.size(), bytesDone: inputMark.bytes });
          options.onBatchWritten?.(done.size());
        }
        flushed++;
        notify();
      })
      .catch(() => {});
  };

  // The reorder buffer: results waiting for an earlier batch (ordered runs only).
  const waiting = new Map<number, { batch: LineBatch; result: BatchResult }>();
  let nextToWrite = 0;
  const onResult = (id: number, batch: LineBatch, result: BatchResult) => {
    settled++;
    if (failure === null) {
      if (!ordered) write(batch, result);
      else {
        waiting.set(id, { batch, result });
        for (let next = waiting.get(nextToWrite); next !== undefined; next = waiting.get(nextToWrite)) {
          waiting.delete(nextToWrite++);
          write(next.batch, next.result);
        }
      }
    }
    notify();
  };

  const onAbort = () => {
    input.destroy();
    notify();
  };
  options.signal?.addEventListener("abort", onAbort);
  const aborted = () => options.signal?.aborted === true;

  try {
    const batches = readLineBatches(input, {
      batchLines: options.batchLines,
      skip: resume ? done : undefined,
      verify:
        resume && resume.inputBytes > 0
          ? { bytes: resume.inputBytes, sha256: resume.inputSha256 }
          : undefined,
    });
    let id = 0;
    for await (const batch of batches) {
      await until(() => submitted - flushed - rejected < maxInFlight || failure !== null || aborted());
      if (failure !== null || aborted()) break;
      const batchId = id++;
      submitted++;
      pool
        .submit({
          type: "batch",
          id: batchId,
          firstLine: batch.firstLine,
          count: batch.count,
          data: batch.data,
        })
        .then(
          (result) => onResult(batchId, batch, result),
          (e: Error) => {
            settled++;
            rejected++;
            fail(e);
          },
        );
    }
  } catch (e) {
    // Destroying the input on abort ends the read with a premature-close error: not a failure.
    if (e instanceof InputChangedError || !(aborted() || failure !== null)) fail(e as Error);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }

  // Everything read is decided and written before the checkpoint is taken.
  await until(() => settled === submitted && flushed === issued);
  if (timer) clearInterval(timer);
  clearInterval(rssTimer);
  await pool.close();
  try {
    await writer.close();
  } catch (e) {
    failure ??= e as Error;
  }
  const interrupted = aborted() || failure !== null;
  let checkpoint: string | null = null;
  if (checkpointPath !== null) {
    if (interrupted) {
      writeCheckpoint(checkpointPath, checkpointNow());
      checkpoint = checkpointPath;
    } else removeCheckpoint(checkpointPath);
  }
  progress?.clear();
  if (failure !== null) throw Object.assign(failure, { checkpoint, linesDone: done.size() });
  return {
    interrupted,
    linesDone: done.size(),
    linesThisRun,
    elapsedMs: performance.now() - started,
    counts,
    threads: pool.threads,
    ordered,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssSamples,
    checkpoint,
  };
}

function safeSize(path: string): number | null {
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** True when `path` names a regular file or nothing yet (not `-`, not a device such as /dev/null). */
export function isRegularFileTarget(path: string): boolean {
  if (path === "-") return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}
