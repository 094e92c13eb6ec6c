/**
 * The batch part of the engine bench (`pnpm bench --batch`): `norma gen` writes N generated facts
 * documents (kept in the temporary directory and reused by later runs), then `norma batch` decides
 * them with the whole corpus on a given number of worker threads, exactly as a user would run it.
 * The figures come from the batch's own summary (`--summary-json`): documents per second over the
 * run, peak RSS of the process (all threads) and RSS sampled over the run.
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = join(ROOT, "packages/cli/src/main.ts");

/** Options of {@link runBatchBench}. */
export interface BatchBenchOptions {
  policiesDir: string;
  count: number;
  seed: number;
  workers: number;
  /** The as-of date the documents are generated for and decided at (`YYYY-MM-DD`). */
  asOf: string;
  onProgress?: (line: string) => void;
}

/** What the batch run measured. */
export interface BatchBenchResult {
  count: number;
  workers: number;
  /** Input size, bytes. */
  inputBytes: number;
  /** Output size (compact decisions), bytes. */
  outputBytes: number;
  /** Seconds `norma gen` took (null when the file was reused). */
  genSeconds: number | null;
  /** Wall time of the `norma batch` process, start-up included, s. */
  wallSeconds: number;
  /** The batch's own rate: lines ÷ its run time (after loading the bundle), docs/s. */
  docsPerSecond: number;
  peakRssBytes: number;
  /** RSS over the run (about 1 s apart, thinned evenly), bytes. */
  rssSamples: number[];
  verdicts: Record<string, number>;
  errors: number;
  /**
   * `JSON.parse` alone on the first lines of the input, one thread, µs per line (median of 3
   * passes): any batch of these documents in Node parses each line at least once.
   */
  parseUsPerLine: number;
  /** How many lines that median is over. */
  parseLines: number;
}

/** Times `JSON.parse` of the first `max` lines of `file` (see {@link BatchBenchResult.parseUsPerLine}). */
export function timeParseFloor(file: string, max: number): { usPerLine: number; lines: number } {
  const fd = openSync(file, "r");
  let text: string;
  try {
    const buf = Buffer.alloc(Math.min(statSync(file).size, 64 * 1024 * 1024));
    const n = readSync(fd, buf, 0, buf.length, 0);
    text = buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
  const lines = text.split("\n");
  lines.pop(); // the last may be cut off
  const sample = lines.filter((l) => l !== "").slice(0, max);
  if (sample.length === 0) return { usPerLine: 0, lines: 0 };
  const passes: number[] = [];
  let keep = 0;
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint();
    for (const line of sample) keep += (JSON.parse(line) as object) === null ? 0 : 1;
    passes.push(Number(process.hrtime.bigint() - start) / 1e3 / sample.length);
  }
  if (keep < 0) throw new Error("unreachable");
  passes.sort((a, b) => a - b);
  return { usPerLine: passes[1] as number, lines: sample.length };
}

function cli(args: string[], progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      if (err.length > 64 * 1024) err = err.slice(-32 * 1024);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else {
        progress(err.trim());
        reject(new Error(`norma ${args[0]} exited with ${code}`));
      }
    });
  });
}

/** Generates (or reuses) the input and runs the batch; the output is deleted afterwards. */
export async function runBatchBench(options: BatchBenchOptions): Promise<BatchBenchResult> {
  const progress = options.onProgress ?? (() => {});
  const input = join(
    tmpdir(),
    `norma-bench-facts-${options.count}-seed${options.seed}-${options.asOf}.ndjson`,
  );
  const done = `${input}.done`;
  let genSeconds: number | null = null;
  if (!existsSync(done)) {
    progress(`generating ${options.count.toLocaleString("en-US")} documents into ${input} …`);
    const start = performance.now();
    await cli(
      [
        "gen",
        "--count",
        String(options.count),
        "--seed",
        String(options.seed),
        "--as-of",
        options.asOf,
        "--out",
        input,
      ],
      progress,
    );
    genSeconds = (performance.now() - start) / 1000;
    writeFileSync(done, "");
  } else progress(`reusing ${input}`);

  const dir = mkdtempSync(join(tmpdir(), "norma-bench-batch-"));
  const out = join(dir, "decisions.ndjson");
  const summaryPath = join(dir, "summary.json");
  progress(`norma batch on ${options.workers} workers …`);
  const start = performance.now();
  await cli(
    [
      "batch",
      "--policies",
      options.policiesDir,
      "--in",
      input,
      "--out",
      out,
      "--workers",
      String(options.workers),
      "--compact",
      "--as-of",
      options.asOf,
      "--summary-json",
      summaryPath,
    ],
    progress,
  );
  const wallSeconds = (performance.now() - start) / 1000;
  const summary = JSON.parse(readFileSync(summaryPath, "utf8")) as {
    linesDone: number;
    docsPerSecond: number;
    peakRssBytes: number;
    rssSamples: number[];
    counts: { verdicts: Record<string, number>; failed: number };
  };
  const floor = timeParseFloor(input, 20_000);
  const result: BatchBenchResult = {
    count: summary.linesDone,
    workers: options.workers,
    inputBytes: statSync(input).size,
    outputBytes: statSync(out).size,
    genSeconds,
    wallSeconds,
    docsPerSecond: summary.docsPerSecond,
    peakRssBytes: summary.peakRssBytes,
    rssSamples: summary.rssSamples,
    verdicts: summary.counts.verdicts,
    errors: summary.counts.failed,
    parseUsPerLine: floor.usPerLine,
    parseLines: floor.lines,
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}
