import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatBatchReport } from "../../src/engine-bench/format-engine-report.js";
import { timeParseFloor, type BatchBenchResult } from "../../src/engine-bench/run-batch-bench.js";

describe("the batch report's parse floor", () => {
  it("times JSON.parse over the first complete lines of the input", () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-parse-floor-"));
    try {
      const file = join(dir, "in.ndjson");
      const line = JSON.stringify({ appId: "wx1", categories: ["社交/论坛"], n: 1 });
      writeFileSync(file, `${line}\n${line}\n\n${line}\n${line}`); // the last line has no newline: left out
      const floor = timeParseFloor(file, 10);
      expect(floor.lines).toBe(3);
      expect(floor.usPerLine).toBeGreaterThan(0);
      expect(timeParseFloor(file, 2).lines).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("states the ceiling the floor implies on the batch's workers", () => {
    const b: BatchBenchResult = {
      count: 1000,
      workers: 2,
      inputBytes: 1 << 20,
      outputBytes: 1 << 19,
      genSeconds: null,
      wallSeconds: 1,
      docsPerSecond: 900,
      peakRssBytes: 1 << 26,
      rssSamples: [1 << 25, 1 << 25],
      verdicts: { pass: 1000 },
      errors: 0,
      parseUsPerLine: 8,
      parseLines: 1000,
    };
    const report = formatBatchReport(b, "pnpm bench --batch");
    expect(report).toContain("`JSON.parse` alone takes 8.00 µs per line");
    expect(report).toContain("can exceed 250,000 docs/s on 2 cores");
  });
});
