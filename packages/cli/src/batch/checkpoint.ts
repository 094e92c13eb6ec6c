/**
 * The checkpoint of a batch run (`<out>.checkpoint.json`): which input lines are done (their
 * output lines are on disk), how many output bytes hold them, and everything a resumed run must
 * match (the input's first bytes, the bundle, the as-of instant, the output form).
 *
 * INVARIANT: a checkpoint only ever claims lines whose output the file system has accepted, and
 * `outputBytes` is exactly the bytes of those lines; so truncating the output to `outputBytes` and
 * deciding every line not in `done` neither loses nor duplicates a decision.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { DecideSettings } from "./line-decider.js";
import type { LineRange } from "./line-ranges.js";
import type { BatchCounts } from "./stats.js";

/** The checkpoint document. */
export interface Checkpoint {
  format: "norma-batch-checkpoint/1";
  /** When it was written (RFC 3339, UTC). */
  writtenAt: string;
  /** The input path as given (`-`: standard input). */
  input: string;
  /** Input bytes covered by `inputSha256`: up to the end of the last done line. */
  inputBytes: number;
  /** SHA-256 (hex) of input bytes `[0, inputBytes)`. */
  inputSha256: string;
  /** The output path. */
  output: string;
  /** Bytes of the output that hold the done lines; anything after is a partial tail to drop. */
  outputBytes: number;
  /** The bundle's content hash. */
  bundle: string;
  /** The as-of instant every line was decided at (epoch ms), and as RFC 3339 for people. */
  asOfMs: number;
  asOf: string;
  explain: boolean;
  evaluator: DecideSettings["evaluator"];
  outputForm: "full" | "compact";
  /** True when output lines are in input order. */
  ordered: boolean;
  /** Number of input lines whose output is written. */
  linesDone: number;
  /** The done lines as sorted half-open ranges of 1-based line numbers; one range `[1, linesDone + 1)` in an ordered run. */
  done: LineRange[];
  /** Counts over the done lines (so a resumed run's summary covers the whole input). */
  counts: BatchCounts;
}

/** The checkpoint path for an output path. */
export function checkpointPathFor(output: string): string {
  return `${output}.checkpoint.json`;
}

/** Writes a checkpoint atomically (temporary file, then rename), so a crash never leaves half a checkpoint. */
export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(checkpoint, null, 2) + "\n");
  renameSync(tmp, path);
}

/** Reads a checkpoint; an error message when there is none or it is not one. */
export function readCheckpoint(path: string): { checkpoint: Checkpoint } | { error: string } {
  if (!existsSync(path)) return { error: `no checkpoint at \`${path}\`` };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return { error: `\`${path}\` is not JSON (${(e as Error).message})` };
  }
  const c = value as Partial<Checkpoint> | null;
  if (
    c === null ||
    typeof c !== "object" ||
    c.format !== "norma-batch-checkpoint/1" ||
    typeof c.inputBytes !== "number" ||
    typeof c.inputSha256 !== "string" ||
    typeof c.outputBytes !== "number" ||
    typeof c.asOfMs !== "number" ||
    typeof c.linesDone !== "number" ||
    !Array.isArray(c.done) ||
    typeof c.counts !== "object"
  ) {
    return { error: `\`${path}\` is not a batch checkpoint (format norma-batch-checkpoint/1)` };
  }
  return { checkpoint: c as Checkpoint };
}

/** Removes a checkpoint and any temporary file left beside it. */
export function removeCheckpoint(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { force: true });
}
