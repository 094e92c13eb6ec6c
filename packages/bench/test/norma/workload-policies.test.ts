import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadBundle } from "@norma/runtime";
import { buildWorkloadBundle } from "../../src/norma/workload-bundle.js";
import { RULE_IDS } from "../../src/workload/facts.js";
import { generateWorkload } from "../../src/workload/generate.js";

const SHARED_BENCH = fileURLToPath(new URL("../../../../../shared/bench/", import.meta.url));

describe("the workload policies", () => {
  it("check against workload@1 with every citation verified against workload.md", () => {
    const sources = existsSync(`${SHARED_BENCH}workload.md`) ? SHARED_BENCH : null;
    expect(sources, "shared/bench/workload.md is where the citations point").not.toBeNull();
    const { bundle, diagnostics } = buildWorkloadBundle(sources);
    expect(diagnostics.map((d) => `${d.file}: ${d.code} ${d.message}`)).toEqual([]);
    const ids = bundle!.rules.map((r) => r.id);
    for (const id of RULE_IDS) expect(ids).toContain(id);
    expect(new Set(bundle!.policies.map((p) => p.schema))).toEqual(new Set(["workload@1"]));
  });

  it("load with a warning under the default facts@1 validator (the bench passes none)", () => {
    const { bundle } = buildWorkloadBundle();
    // The runtime loads the bundle but warns that its policies read another schema than facts@1.
    const loaded = loadBundle(bundle!);
    expect(loaded.diagnostics.map((d) => d.code)).toContain("load/schema");
  });

  it("explain every rule of a decision with explanations, and none on the fast path", () => {
    const { bundle } = buildWorkloadBundle();
    const engine = loadBundle(bundle!, { validateFacts: null }).value!;
    const [doc] = generateWorkload({ count: 1, seed: 5 });
    const fast = engine.decide(doc, { asOf: `${doc!.asOf}T00:00:00+08:00`, explain: false, validate: false });
    const full = engine.decide(doc, { asOf: `${doc!.asOf}T00:00:00+08:00`, explain: true, validate: false });
    expect(fast.ok && full.ok).toBe(true);
    expect(fast.decision!.rules.every((r) => r.because.length === 0)).toBe(true);
    expect(
      full.decision!.rules.filter((r) => r.status !== "not-in-force").every((r) => r.because.length > 0),
    ).toBe(true);
    expect(full.decision!.factsHash).toMatch(/^sha256:/);
    expect(full.decision!.outcomes).toEqual(fast.decision!.outcomes);
  });
});
