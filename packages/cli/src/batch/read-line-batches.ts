/**
 * Reads NDJSON input as batches of whole lines, without decoding it: the main thread only looks
 * for `\n` bytes, so it can feed several workers. Memory holds one read chunk plus the batch
 * being filled.
 */
import { createHash, type Hash } from "node:crypto";
import type { Readable } from "node:stream";
import type { LineRanges } from "./line-ranges.js";

/** One batch of consecutive input lines. */
export interface LineBatch {
  /** 1-based number of the first line. */
  firstLine: number;
  count: number;
  /** The lines' bytes, each followed by `\n` (a last line without one gets one); an own buffer, safe to transfer. */
  data: Uint8Array;
  /** Byte offset in the input just after the batch's last line (its `\n`, when it has one). */
  endOffset: number;
  /** SHA-256 (hex) of the input bytes `[0, endOffset)`. */
  sha256AtEnd: string;
}

/** Options of {@link readLineBatches}. */
export interface ReadLineBatchesOptions {
  /** Most lines per batch. */
  batchLines: number;
  /** A batch is cut once it holds this many bytes, even with fewer lines. */
  batchBytes?: number;
  /** Lines already done (a resumed run): not read into batches; a batch never spans one. */
  skip?: LineRanges;
  /** Check that input bytes `[0, bytes)` hash to `sha256` (a resumed run: the input is the one the checkpoint saw). */
  verify?: { bytes: number; sha256: string };
  /** Receives the number of bytes read so far, after each chunk. */
  onBytesRead?: (bytes: number) => void;
}

/** Thrown when a resumed run's input does not start with the bytes the checkpoint saw. */
export class InputChangedError extends Error {}

interface Slice {
  buf: Buffer;
  start: number;
  end: number;
}

/**
 * Yields the input as {@link LineBatch}es, in input order.
 *
 * INVARIANT: every line of the input that is not in `skip` is in exactly one batch; line numbers
 * count every `\n`-terminated line, plus a last line without `\n` when it is not empty.
 */
export async function* readLineBatches(
  input: Readable,
  options: ReadLineBatchesOptions,
): AsyncGenerator<LineBatch> {
  const batchBytes = options.batchBytes ?? 4 << 20;
  const hash: Hash = createHash("sha256");
  let hashed = 0; // input bytes [0, hashed) are in `hash`
  let base = 0; // absolute offset of carry[0]
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let bytesRead = 0;
  let verified = options.verify === undefined;

  let slices: Slice[] = [];
  let sliceBytes = 0;
  let first = 0;
  let count = 0;

  const hashTo = (buf: Buffer, bufBase: number, offset: number) => {
    if (offset > hashed) {
      hash.update(buf.subarray(hashed - bufBase, offset - bufBase));
      hashed = offset;
    }
  };
  const checkVerify = () => {
    if (verified || options.verify === undefined || hashed < options.verify.bytes) return;
    // A line that ends past the recorded offset means the lines moved: the input changed too.
    if (hashed !== options.verify.bytes || hash.copy().digest("hex") !== options.verify.sha256) {
      throw new InputChangedError("the input does not start with the lines the checkpoint recorded");
    }
    verified = true;
  };
  // The chunk being cut into lines: input bytes [hashed, its end) are in it, not yet in `hash`.
  let current: Buffer = carry;
  const cut = (endOffset: number): LineBatch | null => {
    if (count === 0) return null;
    hashTo(current, base, endOffset);
    const data = new Uint8Array(sliceBytes);
    let at = 0;
    for (const s of slices) {
      data.set(s.buf.subarray(s.start, s.end), at);
      at += s.end - s.start;
    }
    const batch: LineBatch = {
      firstLine: first,
      count,
      data,
      endOffset,
      sha256AtEnd: hash.copy().digest("hex"),
    };
    slices = [];
    sliceBytes = 0;
    count = 0;
    return batch;
  };

  for await (const chunk of input) {
    const piece = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    bytesRead += piece.length;
    const buf = carry.length === 0 ? piece : Buffer.concat([carry, piece]);
    current = buf;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      lineNo++;
      const lineEnd = base + nl + 1;
      const skipped = options.skip?.has(lineNo) === true;
      if (skipped) {
        // Cut before hashing this line, so the batch's hash ends where the batch does.
        const batch = cut(base + start);
        if (batch) yield batch;
      }
      // Hashed line by line only until the checkpoint's bytes are verified; after that, as each
      // batch is cut and at the end of each chunk (far fewer calls, the same bytes in order).
      if (!verified) {
        hashTo(buf, base, lineEnd);
        checkVerify();
      }
      if (!skipped) {
        if (count === 0) first = lineNo;
        slices.push({ buf, start, end: nl + 1 });
        sliceBytes += nl + 1 - start;
        count++;
        if (count >= options.batchLines || sliceBytes >= batchBytes) {
          const batch = cut(lineEnd);
          if (batch) yield batch;
        }
      }
      start = nl + 1;
    }
    // Lines already in `slices` keep a reference to `buf`; the rest (a partial line) is carried over.
    hashTo(buf, base, base + start);
    carry = buf.subarray(start);
    base += start;
    current = carry;
    options.onBytesRead?.(bytesRead);
  }

  if (carry.length > 0) {
    lineNo++;
    hashTo(carry, base, base + carry.length);
    checkVerify();
    if (!options.skip?.has(lineNo)) {
      if (count === 0) first = lineNo;
      slices.push({ buf: Buffer.concat([carry, Buffer.from("\n")]), start: 0, end: carry.length + 1 });
      sliceBytes += carry.length + 1;
      count++;
    }
  }
  if (!verified) throw new InputChangedError("the input is shorter than when the checkpoint was written");
  const last = cut(base + carry.length);
  if (last) yield last;
}
