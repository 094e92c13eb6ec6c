import { describe, expect, it } from "vitest";
import { AgreementError } from "../../src/harness/agreement.js";
import { formatBenchReport, formatBenchTable } from "../../src/harness/format-table.js";
import type { Implementation } from "../../src/harness/implementation.js";
import { runPeerBench } from "../../src/harness/run-peer-bench.js";
import { median, percentile } from "../../src/harness/stats.js";
import { createHandwrittenImplementation } from "../../src/implementations.js";
import type { WorkloadFacts } from "../../src/workload/facts.js";
import { generateWorkload } from "../../src/workload/generate.js";
import { decideHandwritten } from "../../src/workload/handwritten.js";

const DOCS = generateWorkload({ count: 60, seed: 9 });
const FAST = { minRoundMs: 5, warmupMs: 5 };

/** The hand-written function made slower by busy work, so its ratio must come out well above 1. */
function slowed(name: string, spins: number): Implementation {
  return {
    name,
    load() {},
    decide(doc: WorkloadFacts) {
      let x = 0;
      for (let i = 0; i < spins; i++) x += Math.sqrt(i + doc.gmvLastMonthFen);
      const outcomes = decideHandwritten(doc);
      return x < 0 ? [] : outcomes;
    },
  };
}

describe("median and percentile", () => {
  it.each([
    [[3], 3, 3],
    [[1, 2, 3, 4], 2.5, 4],
    [[5, 1, 4, 2, 3], 3, 5],
  ])("of %j: median %d, p99 %d", (values, m, p99) => {
    expect(median(values)).toBe(m);
    expect(percentile(values, 99)).toBe(p99);
  });

  it("takes the nearest rank", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(() => median([])).toThrow();
  });
});

describe("runPeerBench", () => {
  it("reports one row per implementation, the baseline first at ratio 1, a slower one above it", async () => {
    const baseline = createHandwrittenImplementation();
    const table = await runPeerBench({
      docs: DOCS,
      rounds: 3,
      implementations: [slowed("slow", 2_000)],
      baseline,
      ...FAST,
    });
    expect(table.rows.map((r) => r.name)).toEqual(["hand-written JS", "slow"]);
    const [base, slow] = table.rows;
    expect(base!.throughputRatio).toBe(1);
    expect(base!.medianLatencyRatio).toBe(1);
    expect(slow!.throughputRatio).toBeGreaterThan(3);
    expect(slow!.medianLatencyRatio).toBeGreaterThan(3);
    for (const row of table.rows) {
      expect(row.docsPerSecond).toBeGreaterThan(0);
      expect(row.p99LatencyUs).toBeGreaterThanOrEqual(row.medianLatencyUs);
      expect(row.loadMs).toBeGreaterThanOrEqual(0);
      expect(row.async).toBe(false);
      expect(row.batchSize).toBeGreaterThanOrEqual(1);
    }
    expect(table.meta).toMatchObject({ docs: 60, agreementDocs: 60, rounds: 3, baseline: "hand-written JS" });
  });

  it("interleaves rounds and re-measures the baseline in every round", async () => {
    const order: string[] = [];
    const tracked = (impl: Implementation): Implementation => ({
      name: impl.name,
      load: () => impl.load(),
      decide(doc) {
        if (order.at(-1) !== impl.name) order.push(impl.name);
        return impl.decide(doc);
      },
    });
    const baseline = tracked(createHandwrittenImplementation());
    await runPeerBench({
      docs: DOCS,
      rounds: 2,
      implementations: [tracked(slowed("b", 10)), tracked(slowed("c", 10))],
      baseline,
      ...FAST,
      warmupMs: 0,
    });
    // Agreement, async detection and warm-up run each in turn; then the two rounds A B C A B C.
    expect(order.slice(-6)).toEqual(["hand-written JS", "b", "c", "hand-written JS", "b", "c"]);
  });

  it("awaits asynchronous implementations and marks them", async () => {
    const asyncImpl: Implementation = {
      name: "async",
      load: async () => {},
      decide: async (d) => decideHandwritten(d),
    };
    const table = await runPeerBench({
      docs: DOCS,
      rounds: 1,
      implementations: [asyncImpl],
      baseline: createHandwrittenImplementation(),
      ...FAST,
    });
    expect(table.rows.find((r) => r.name === "async")?.async).toBe(true);
  });

  it("measures load time and retained heap", async () => {
    let retained: number[] = [];
    const heavy: Implementation = {
      name: "heavy",
      load() {
        const start = performance.now();
        while (performance.now() - start < 20);
        retained = Array.from({ length: 500_000 }, (_, i) => i * 1.5);
      },
      decide: (d) => (retained.length > 0 ? decideHandwritten(d) : []),
    };
    const table = await runPeerBench({
      docs: DOCS,
      rounds: 1,
      implementations: [heavy],
      baseline: createHandwrittenImplementation(),
      ...FAST,
    });
    const row = table.rows.find((r) => r.name === "heavy")!;
    expect(row.loadMs).toBeGreaterThanOrEqual(20);
    expect(row.heapDeltaBytes).toBeGreaterThan(3_000_000); // 500,000 doubles
  });

  it("refuses to time anything when an implementation disagrees", async () => {
    let calls = 0;
    const broken: Implementation = {
      name: "broken",
      load() {},
      decide(d) {
        calls++;
        return decideHandwritten(d).map((o) =>
          o.rule === "R07.payment.singleLimit" ? { ...o, effect: "pass" } : o,
        );
      },
    };
    const run = runPeerBench({
      docs: DOCS,
      rounds: 1,
      implementations: [broken],
      baseline: createHandwrittenImplementation(),
      ...FAST,
    });
    await expect(run).rejects.toBeInstanceOf(AgreementError);
    const error = (await run.catch((e: unknown) => e)) as AgreementError;
    expect(error.disagreement.other.name).toBe("broken");
    // Only the agreement check called it, up to and including the first disagreeing document.
    expect(calls).toBe(error.disagreement.index + 1);
  });

  it("rejects two implementations with one name", async () => {
    await expect(
      runPeerBench({
        docs: DOCS,
        rounds: 1,
        implementations: [slowed("twin", 1), slowed("twin", 1)],
        baseline: createHandwrittenImplementation(),
        ...FAST,
      }),
    ).rejects.toThrow("two implementations are named `twin`");
  });
});

describe("formatBenchTable", () => {
  it("times floors in the same rounds without an agreement check, and marks them", async () => {
    const order: string[] = [];
    const floor: Implementation = {
      name: "part of the work",
      load() {},
      decide(doc: WorkloadFacts) {
        order.push("floor");
        // disagrees with every implementation: a floor is never checked
        return [{ rule: "R01.filing.required", effect: String(doc.gmvLastMonthFen) }];
      },
    };
    const table = await runPeerBench({
      docs: DOCS,
      rounds: 2,
      implementations: [slowed("slow", 200)],
      baseline: createHandwrittenImplementation(),
      floors: [floor],
      ...FAST,
    });
    expect(table.rows.map((r) => [r.name, r.floor])).toEqual([
      ["hand-written JS", false],
      ["slow", false],
      ["part of the work", true],
    ]);
    expect(order.length).toBeGreaterThan(DOCS.length * 2);
    const lines = formatBenchTable(table).split("\n");
    expect(lines[4]).toMatch(/^\| floor: part of the work \| [\d,]+ \| [\d.]+× \|/);
    expect(formatBenchReport(table, { seed: 9, command: "pnpm bench" })).toContain("- floor: not an engine");
    await expect(
      runPeerBench({
        docs: DOCS,
        rounds: 1,
        implementations: [],
        baseline: createHandwrittenImplementation(),
        floors: [{ ...floor, name: "hand-written JS" }],
        ...FAST,
      }),
    ).rejects.toThrow(/two implementations are named/);
  });

  it("renders a markdown row per implementation with ratios", async () => {
    const table = await runPeerBench({
      docs: DOCS,
      rounds: 1,
      implementations: [slowed("slow", 500)],
      baseline: createHandwrittenImplementation(),
      ...FAST,
    });
    const lines = formatBenchTable(table).split("\n");
    expect(lines[0]).toBe(
      "| implementation | docs/s | × hand-written | median µs/doc | × | p99 µs/doc | × | load ms | heap after load |",
    );
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^\| hand-written JS \| [\d,]+ \| 1\.00× \|/);
    expect(lines[3]).toMatch(/^\| slow \| [\d,]+ \| [\d.]+× \|/);
    const report = formatBenchReport(table, { seed: 9, command: "pnpm bench --quick" });
    expect(report).toContain("Run `pnpm bench --quick`");
    expect(report).toContain("(seed 9)");
  });
});
