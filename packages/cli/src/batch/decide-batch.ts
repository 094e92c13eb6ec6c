/**
 * Decides one batch of raw input lines: the work a worker thread does per message (and the main
 * thread with `--workers 0`).
 */
import type { LineDecider } from "./line-decider.js";
import { emptyCounts, type BatchCounts } from "./stats.js";

const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Splits `data` (lines each ending in `\n`) and decides every line; returns the output text (one
 * line per input line, each ending in `\n`) and the counts.
 *
 * INVARIANT: the output has exactly `count` lines; a line the decoder or the decider cannot handle
 * still gets its error record, so no line is ever lost.
 */
export function decideBatch(
  decider: LineDecider,
  data: Uint8Array,
  firstLine: number,
  count: number,
): { output: string; counts: BatchCounts } {
  const counts = emptyCounts();
  const text = decoder.decode(data);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    out.push(decider.decideLine(text.slice(start, end), firstLine + i, counts));
    start = end + 1;
  }
  return { output: out.join("\n") + "\n", counts };
}
