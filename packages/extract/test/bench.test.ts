import { describe, expect, it } from "vitest";
import { runExtractBench } from "../bench/extract-bench.js";

describe("runExtractBench", () => {
  it("extracts a generated project correctly without reading node_modules (small size; timing is for `pnpm bench`)", async () => {
    const r = await runExtractBench({ pages: 40, subpackages: 3, vendoredFiles: 2000, runs: 1 });
    expect(r.runsMs).toHaveLength(1);
    expect(r.filesWritten).toBe(40 * 4 + 3 + 5 + 2000);
    expect(r.medianMs).toBeGreaterThan(0);
  });
});
