/**
 * The progress line of `norma batch` on a terminal: lines done, rate, and (for a file input)
 * percentage and ETA from bytes read. Drawn on standard error at most 10 times a second; draws
 * nothing when standard error is not a terminal.
 */

/** What the progress line shows; updated by the batch runner. */
export interface ProgressState {
  linesDone: number;
  /** Input bytes up to the end of the last line whose output is written (what the bar and ETA follow). */
  bytesDone: number;
}

/** A progress line redrawn in place (`\r`) on a TTY stream. */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  private readonly started = performance.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    /** Input size in bytes when known (a file), for the percentage and ETA. */
    private readonly totalBytes: number | null,
    /** Lines already done before this run (resume): not counted in the rate. */
    private readonly linesBefore = 0,
    /** Input bytes already done before this run (resume): not counted in the ETA's rate. */
    private readonly bytesBefore = 0,
  ) {}

  /** True when the stream is a terminal (otherwise nothing is ever drawn). */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** Redraws if enough time has passed (or `force`). */
  update(state: ProgressState, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? (state.linesDone - this.linesBefore) / seconds : 0;
    const parts = [
      `${state.linesDone.toLocaleString("en-US")} lines`,
      `${Math.round(rate).toLocaleString("en-US")} docs/s`,
    ];
    if (this.totalBytes !== null && this.totalBytes > 0) {
      const fraction = Math.min(1, state.bytesDone / this.totalBytes);
      const width = 20;
      const filled = Math.round(fraction * width);
      const bytesRate = seconds > 0 ? (state.bytesDone - this.bytesBefore) / seconds : 0;
      const eta = bytesRate > 0 ? (this.totalBytes - state.bytesDone) / bytesRate : NaN;
      parts.unshift(`[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(1)}%`);
      parts.push(`ETA ${formatDuration(eta)}`);
    }
    const columns = this.stream.columns || 100; // 0 when the terminal reports no size
    this.stream.write(`\r${parts.join(" · ").slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line, so the summary starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
    this.drawn = false;
  }
}

/** `1h02m`, `3m05s`, `12s`, or `?` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}
