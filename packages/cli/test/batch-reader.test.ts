import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LineRanges } from "../src/batch/line-ranges.js";
import {
  InputChangedError,
  readLineBatches,
  type ReadLineBatchesOptions,
} from "../src/batch/read-line-batches.js";

/** Reads `text` in chunks of `chunk` bytes; returns each batch as [firstLine, lines, endOffset, sha256]. */
async function batches(text: string, options: ReadLineBatchesOptions, chunk = 5) {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const out: { first: number; lines: string[]; end: number; sha: string }[] = [];
  for await (const b of readLineBatches(Readable.from(pieces), options)) {
    const lines = Buffer.from(b.data).toString("utf8").split("\n");
    expect(lines.pop()).toBe(""); // every line of a batch ends in \n
    expect(lines).toHaveLength(b.count);
    out.push({ first: b.firstLine, lines, end: b.endOffset, sha: b.sha256AtEnd });
  }
  return out;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("readLineBatches", () => {
  it("cuts whole lines into batches, numbering every line, across chunk boundaries and multi-byte characters", async () => {
    const text = "一\n二二\n\n四四四四\n五\n";
    const got = await batches(text, { batchLines: 2 }, 3);
    expect(got.map((b) => [b.first, b.lines])).toEqual([
      [1, ["一", "二二"]],
      [3, ["", "四四四四"]],
      [5, ["五"]],
    ]);
    // Each batch knows where it ends in the input and the hash of everything up to there.
    for (const b of got) expect(b.sha).toBe(sha(Buffer.from(text).subarray(0, b.end).toString("utf8")));
    expect(got.at(-1)!.end).toBe(Buffer.byteLength(text));
  });

  it("counts a last line without a newline, and gives it one", async () => {
    const got = await batches("a\nb", { batchLines: 10 });
    expect(got).toEqual([{ first: 1, lines: ["a", "b"], end: 3, sha: sha("a\nb") }]);
    expect(await batches("", { batchLines: 10 })).toEqual([]);
  });

  it("skips done lines without a batch ever spanning one", async () => {
    const text = Array.from({ length: 10 }, (_, i) => `L${i + 1}`).join("\n") + "\n";
    const skip = LineRanges.of([
      [1, 4],
      [6, 7],
    ]);
    const got = await batches(text, { batchLines: 3, skip });
    expect(got.map((b) => [b.first, b.lines])).toEqual([
      [4, ["L4", "L5"]],
      [7, ["L7", "L8", "L9"]],
      [10, ["L10"]],
    ]);
  });

  it("checks a resumed input against the checkpoint's prefix hash", async () => {
    const text = "a\nb\nc\n";
    await expect(
      batches(text, { batchLines: 2, verify: { bytes: 4, sha256: sha("a\nb\n") } }),
    ).resolves.toHaveLength(2);
    await expect(
      batches(text, { batchLines: 2, verify: { bytes: 4, sha256: sha("x\ny\n") } }),
    ).rejects.toBeInstanceOf(InputChangedError);
    // A line that ends past the recorded offset: the lines moved.
    await expect(
      batches("ab\nc\n", { batchLines: 2, verify: { bytes: 2, sha256: sha("ab") } }),
    ).rejects.toBeInstanceOf(InputChangedError);
    await expect(
      batches("a\n", { batchLines: 2, verify: { bytes: 4, sha256: sha("a\nb\n") } }),
    ).rejects.toBeInstanceOf(InputChangedError);
  });
});

describe("readLineBatches: any input, chunking, batch size, skipped lines and verified prefix", () => {
  it("gives every line not skipped once, in order, each batch with the hash of the input up to its end", async () => {
    const lineText = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "一二", "😀", "\r"));
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineText, { maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 4 })), { maxLength: 3 }),
        fc.nat(),
        async (texts, lastNewline, chunk, batchLines, skipped, verifyAt) => {
          const text = texts.join("\n") + (lastNewline && texts.length > 0 ? "\n" : "");
          const all = text === "" ? [] : text.replace(/\n$/, "").split("\n");
          const skip = LineRanges.of(skipped.map(([s, n]) => [s, s + n]));
          // Verify at the end of some line, as a checkpoint records it.
          const ends = [...Buffer.from(text).entries()].filter(([, b]) => b === 10).map(([i]) => i + 1);
          const bytes = ends.length === 0 ? undefined : ends[verifyAt % ends.length]!;
          const verify =
            bytes === undefined
              ? undefined
              : { bytes, sha256: sha(Buffer.from(text).subarray(0, bytes).toString("utf8")) };
          const got = await batches(text, { batchLines, skip, verify }, chunk);
          const lines = got.flatMap((b) => b.lines.map((l, i) => [b.first + i, l] as const));
          expect(lines).toEqual(all.map((l, i) => [i + 1, l] as const).filter(([n]) => !skip.has(n)));
          for (const b of got) {
            expect(b.sha).toBe(sha(Buffer.from(text).subarray(0, b.end).toString("utf8")));
            expect(b.lines.length).toBeLessThanOrEqual(batchLines);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("LineRanges", () => {
  it("merges ranges, answers membership, size and the done prefix", () => {
    const r = new LineRanges();
    expect(r.prefix()).toBe(0);
    r.add(5, 7);
    r.add(1, 3);
    expect(r.prefix()).toBe(2);
    expect(r.has(3)).toBe(false);
    r.add(3, 5);
    expect(r.toJSON()).toEqual([[1, 7]]);
    expect(r.prefix()).toBe(6);
    r.add(10, 12);
    r.add(8, 10);
    expect(r.toJSON()).toEqual([
      [1, 7],
      [8, 12],
    ]);
    expect(r.size()).toBe(10);
    expect([6, 7, 8, 11, 12].map((n) => r.has(n))).toEqual([true, false, true, true, false]);
  });
});
