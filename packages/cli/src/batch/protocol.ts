/**
 * Messages between the batch's main thread and its worker threads.
 *
 * The main thread sends raw bytes of whole input lines (transferred, not copied), so it never
 * decodes or parses a document; the worker decodes, decides and sends back the output text of the
 * whole batch with its counts.
 */
import type { BatchCounts } from "./stats.js";
import type { DecideSettings } from "./line-decider.js";

/** What a worker gets at start-up: the bundle (loaded once per worker) and the settings. */
export interface WorkerInit {
  bundleText: string;
  settings: DecideSettings;
}

/** A batch of consecutive input lines: `count` lines starting at line `firstLine` (1-based), as bytes. */
export interface BatchRequest {
  type: "batch";
  id: number;
  firstLine: number;
  count: number;
  /** The lines' UTF-8 bytes, each line followed by `\n` (the last one too). */
  data: Uint8Array;
}

/** The worker's answer: one output line per input line, in input order, each ending in `\n`. */
export interface BatchResult {
  type: "result";
  id: number;
  output: string;
  counts: BatchCounts;
}

/** Messages a worker sends. */
export type WorkerMessage = { type: "ready" } | BatchResult | { type: "fatal"; message: string };
