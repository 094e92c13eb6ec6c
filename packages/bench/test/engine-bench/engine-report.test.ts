import { describe, expect, it } from "vitest";
import type { Profile, RuleProfile } from "@norma/runtime";
import { formatEngineReport } from "../../src/engine-bench/format-engine-report.js";
import type { EngineBenchResult } from "../../src/engine-bench/run-engine-bench.js";

const rule = (i: number): RuleProfile => ({
  rule: `r.${String(i).padStart(2, "0")}`,
  policy: "p",
  ns: 120 - i * 10,
  ownNs: 12 - i,
  share: (120 - i * 10) / 780,
  explainedNs: 1000 + i * 100,
  statuses: { fired: i, excepted: 0, "not-applicable": 24 - i, "not-in-force": 0, error: 0 },
});

function result(profile: Profile): EngineBenchResult {
  return {
    load: {
      files: 1,
      rules: 12,
      bundleBytes: 1000,
      firstBuildMs: 10,
      firstLoadMs: 5,
      buildMs: 8,
      loadMs: 4,
    },
    examples: 24,
    rounds: 1,
    rows: [],
    perExample: [],
    profile,
  };
}

const extra = { command: "pnpm bench", date: "2026-11-22", machine: "test" };

describe("the engine report's profile section", () => {
  it("lists the ten most expensive rules with what the profile measured", () => {
    const profile: Profile = {
      format: "norma-profile/1",
      bundle: "sha256:x",
      asOf: "2026-11-21T00:00:00+08:00",
      evaluator: "compiled",
      documents: 24,
      rounds: 7,
      decisionNs: 4012,
      explainedNs: 68_300,
      scopeNs: 40,
      hashNs: 15_000,
      rules: Array.from({ length: 12 }, (_, i) => rule(i)),
    };
    const report = formatEngineReport(result(profile), extra);
    const rows = report.split("\n").filter((l) => l.startsWith("| r."));
    expect(rows).toHaveLength(10);
    expect(rows[0]).toBe("| r.00 | 120 | 12 | 15.4% | 1000 | 0 | 0 | 24 |");
    expect(rows[9]).toBe("| r.09 | 30 | 3 | 3.8% | 1900 | 9 | 0 | 15 |");
    expect(report).toContain("The 12 rules alone add up to 780 ns per document");
    expect(report).toContain("a decision (4.0 µs in the same profile, 68.3 µs with explanations)");
    // 1000 + 1100 + … + 2100; the costliest explained are the last in the profile's order
    expect(report).toContain(
      "the 12 add up to 18,600 ns, and hashing the facts, once per explained decision, takes 15,000 ns",
    );
    expect(report).toContain("The most expensive explained: r.11 (2100 ns), r.10 (2000 ns), r.09 (1900 ns).");
  });
});
