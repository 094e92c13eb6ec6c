/**
 * The work done on one batch of raw input lines, in a worker thread (or on the main thread with
 * `--workers 0`): decide every line (`norma batch`) or diff every line (`norma diff`).
 */
import { LineDiffer, type DocChange } from "./impact-diff.js";
import { LineDecider, type CheckedLine } from "./line-decider.js";
import type { BatchResult, WorkerInit } from "./protocol.js";
import { emptyCounts } from "./stats.js";

/** Processes one batch: `count` lines, each followed by `\n` in `data`, the first being line `firstLine`. */
export type BatchTask = (
  data: Uint8Array,
  firstLine: number,
  count: number,
) => Omit<BatchResult, "type" | "id">;

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Calls `each` on every line of `data` (without its `\n`).
 * INVARIANT: exactly `count` calls, so no line is ever lost, whatever the bytes hold.
 */
function forEachLine(data: Uint8Array, count: number, each: (text: string, index: number) => void): void {
  const text = decoder.decode(data);
  let start = 0;
  for (let i = 0; i < count; i++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    each(text.slice(start, end), i);
    start = end + 1;
  }
}

/** Loads the bundle(s) named by `init` once and returns the task; throws when one does not load. */
export function createBatchTask(init: WorkerInit): BatchTask {
  if (init.mode === "decide") {
    const loaded = LineDecider.fromBundleText(init.bundleText, init.settings);
    if ("error" in loaded) throw new Error(loaded.error);
    const decider = loaded.decider;
    return (data, firstLine, count) => {
      const counts = emptyCounts();
      // Every line is checked, then every line decided, each in input order: the same output
      // and counts as deciding line by line, with each half's code kept warm over the batch.
      const checked = new Array<CheckedLine>(count);
      forEachLine(data, count, (text, i) => {
        checked[i] = decider.check(text);
      });
      const out = new Array<string>(count);
      for (let i = 0; i < count; i++)
        out[i] = decider.decideChecked(checked[i] as CheckedLine, firstLine + i, counts);
      return { output: out.join("\n") + "\n", counts };
    };
  }
  const loaded = LineDiffer.create(init.base, init.head);
  if ("error" in loaded) throw new Error(loaded.error);
  const differ = loaded.differ;
  return (data, firstLine, count) => {
    const counts = emptyCounts();
    const changes: DocChange[] = [];
    forEachLine(data, count, (text, i) => {
      const change = differ.diffLine(text, firstLine + i, counts);
      if (change) changes.push(change);
    });
    return { output: "", counts, changes };
  };
}
