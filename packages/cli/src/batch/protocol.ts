/**
 * Messages between the main thread of `norma batch` / `norma diff` and their worker threads.
 *
 * The main thread sends raw bytes of whole input lines (transferred, not copied), so it never
 * decodes or parses a document; the worker decodes, decides and sends back the output text of the
 * whole batch (batch) or its changed documents (diff), with its counts.
 */
import type { BatchCounts } from "./stats.js";
import type { DiffSide, DocChange } from "./impact-diff.js";
import type { DecideSettings } from "./line-decider.js";

/**
 * What a worker gets at start-up: what to do with each line, and the bundle(s) to do it with
 * (each loaded once per worker).
 */
export type WorkerInit =
  | { mode: "decide"; bundleText: string; settings: DecideSettings }
  | { mode: "diff"; base: DiffSide; head: DiffSide };

/** A batch of consecutive input lines: `count` lines starting at line `firstLine` (1-based), as bytes. */
export interface BatchRequest {
  type: "batch";
  id: number;
  firstLine: number;
  count: number;
  /** The lines' UTF-8 bytes, each line followed by `\n` (the last one too). */
  data: Uint8Array;
}

/** The worker's answer to one batch. */
export interface BatchResult {
  type: "result";
  id: number;
  /** `decide`: one output line per input line, in input order, each ending in `\n`; `diff`: empty. */
  output: string;
  counts: BatchCounts;
  /** `diff`: the documents of the batch whose decision changed, in input order. */
  changes?: DocChange[];
}

/** Messages a worker sends. */
export type WorkerMessage = { type: "ready" } | BatchResult | { type: "fatal"; message: string };
