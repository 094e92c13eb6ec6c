/**
 * Buffered, backpressure-aware writing of NDJSON to a file or standard output.
 */
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";

/** Where output goes: standard output (`-`), or a file (truncated, or appended to). */
export interface OutputTarget {
  path: string;
  /** Append instead of truncating (resume). */
  append?: boolean;
}

/**
 * A writer that groups small writes into chunks of about `chunkBytes` and waits for the stream
 * to drain when it is behind, so memory stays bounded however much is written.
 *
 * INVARIANT: data reaches the stream in the order `write` was called; `flushed` counts only
 * what the stream reported as handed to the file descriptor.
 */
export class NdjsonWriter {
  private readonly stream: Writable;
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Bytes the stream has confirmed written (callback fired). */
  flushedBytes = 0;
  private failure: Error | null = null;
  private draining: Promise<void> | null = null;

  constructor(
    target: OutputTarget | Writable,
    private readonly chunkBytes = 1 << 20,
  ) {
    if (isWritable(target)) this.stream = target;
    else
      this.stream =
        target.path === "-"
          ? process.stdout
          : createWriteStream(target.path, { flags: target.append ? "a" : "w" });
    this.stream.on("error", (e: Error) => {
      this.failure = e;
    });
  }

  /** The first error the stream reported, if any. */
  get error(): Error | null {
    return this.failure;
  }

  /**
   * Queues text (one or more complete lines); `onFlushed` runs once all of it has been written
   * (with the error, if the stream failed). Resolves when the caller may write more (the stream is
   * not behind).
   */
  async write(text: string, onFlushed?: (error: Error | null) => void): Promise<void> {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (onFlushed) {
      await this.flush(onFlushed);
      return;
    }
    if (this.pendingBytes >= this.chunkBytes) await this.flush();
  }

  /** Hands the queued text to the stream; waits for `drain` if the stream is behind. */
  async flush(onFlushed?: (error: Error | null) => void): Promise<void> {
    if (this.failure) {
      onFlushed?.(this.failure);
      throw this.failure;
    }
    if (this.pending.length === 0) {
      onFlushed?.(null);
      return;
    }
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingBytes = 0;
    const bytes = Buffer.byteLength(chunk);
    const ok = this.stream.write(chunk, (err) => {
      if (err) {
        this.failure = err;
        onFlushed?.(err);
        return;
      }
      this.flushedBytes += bytes;
      onFlushed?.(null);
    });
    if (!ok && !this.failure) await this.drained();
  }

  /**
   * Resolves at the stream's next `drain` (or error). Writers waiting at the same time share one
   * wait, so the stream never holds more than one pair of listeners.
   */
  private drained(): Promise<void> {
    this.draining ??= new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off("drain", done);
        this.stream.off("error", done);
        this.draining = null;
        resolve();
      };
      this.stream.once("drain", done);
      this.stream.once("error", done);
    });
    return this.draining;
  }

  /** Flushes and closes the stream (standard output is left open); resolves once everything is written. */
  async close(): Promise<void> {
    await this.flush();
    if (this.stream === process.stdout) {
      await new Promise<void>((resolve) => this.stream.write("", () => resolve()));
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }
}

function isWritable(target: OutputTarget | Writable): target is Writable {
  return typeof (target as Writable).write === "function";
}
