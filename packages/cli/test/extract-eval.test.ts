import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import { extractFacts } from "@norma/extract";
import { loadBundle, renderDecisionText, type Engine } from "@norma/runtime";

const REPO = join(import.meta.dirname, "../../..");
const FIXTURE = join(REPO, "packages/extract/test/fixtures/native-forum");

let engine: Engine;
beforeAll(() => {
  const { files } = findPolicyFiles([join(REPO, "policies")]);
  const built = buildBundle(files, { root: join(REPO, "policies") });
  const loaded = loadBundle(built.value.bundle!);
  if (!loaded.ok) throw new Error("the corpus does not load");
  engine = loaded.value;
});

describe("extract, then decide: the decision points at the lines of code", () => {
  it("outcomes carry evidence from the package, and every place exists in the package", async () => {
    const result = await extractFacts(FIXTURE, { profile: join(FIXTURE, "profile.yaml") });
    expect(result.validation.ok).toBe(true);
    const decided = engine.decide(result.facts, { asOf: "2026-11-21" });
    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    const withEvidence = decided.decision.outcomes.filter((o) => o.evidence.length > 0);
    expect(withEvidence.length).toBeGreaterThan(0);
    for (const o of withEvidence) {
      for (const e of o.evidence) {
        // package files are relative to the package; profile entries name the profile as given
        const path = resolve(FIXTURE, result.layout.root ?? ".", e.file);
        const file = existsSync(path) ? path : resolve(FIXTURE, e.file);
        expect(existsSync(file), `${e.file} exists`).toBe(true);
        const lines = readFileSync(file, "utf8").split(/\r?\n/);
        expect(lines.length).toBeGreaterThanOrEqual(e.line);
      }
    }
    expect(renderDecisionText(decided.decision)).toContain("in the source:");
  });

  it("facts an operator declared carry no evidence, and outcomes say so with an empty list", () => {
    const facts = JSON.parse(readFileSync(join(REPO, "examples/ugc-forum-no-security-api.json"), "utf8"));
    const decided = engine.decide(facts, { asOf: "2026-11-21" });
    expect(decided.ok && decided.decision.outcomes.every((o) => o.evidence.length === 0)).toBe(true);
  });
});
