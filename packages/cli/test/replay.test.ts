import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import { loadBundle } from "@norma/runtime";
import { jsonDifferences, run } from "../src/commands/replay.js";

const REPO = join(import.meta.dirname, "../../..");
const POLICIES = join(REPO, "policies");
const example = (name: string) => join(REPO, "examples", `${name}.json`);

function storedDecision(name: string, asOf: string, evaluator: "fast" | "reference" = "fast") {
  const { files } = findPolicyFiles([POLICIES]);
  const engine = loadBundle(buildBundle(files, { root: POLICIES }).value.bundle!);
  if (!engine.ok) throw new Error("no engine");
  const facts = JSON.parse(readFileSync(example(name), "utf8"));
  const r = engine.value.decide(facts, { asOf, evaluator });
  if (!r.ok) throw new Error("invalid");
  const dir = mkdtempSync(join(tmpdir(), "norma-replay-"));
  const file = join(dir, "decision.json");
  writeFileSync(file, JSON.stringify(r.decision));
  return { file, decision: r.decision, dir };
}

describe("norma replay", () => {
  it("reproduces a stored decision from its facts and bundle, at its as-of instant", async () => {
    const { file } = storedDecision("news-filing-pending-8-days", "2026-11-21T10:00:00+08:00");
    expect(
      await run([
        "--decision",
        file,
        "--facts",
        example("news-filing-pending-8-days"),
        "--policies",
        POLICIES,
      ]),
    ).toBe(0);
  });

  it("also for the reference evaluator", async () => {
    const { file } = storedDecision("clean-app", "2026-11-21", "reference");
    expect(await run(["--decision", file, "--facts", example("clean-app"), "--policies", POLICIES])).toBe(0);
  });

  it("refuses other facts, and an edited decision", async () => {
    const { file, decision, dir } = storedDecision("clean-app", "2026-11-21");
    expect(
      await run(["--decision", file, "--facts", example("misleading-nickname"), "--policies", POLICIES]),
    ).toBe(1);
    const edited = join(dir, "edited.json");
    writeFileSync(edited, JSON.stringify({ ...decision, verdict: "reject" }));
    expect(await run(["--decision", edited, "--facts", example("clean-app"), "--policies", POLICIES])).toBe(
      1,
    );
  });

  it("bad input exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-replay-"));
    writeFileSync(join(dir, "x.json"), "{}");
    expect(await run(["--decision", join(dir, "x.json"), "--facts", example("clean-app")])).toBe(2);
    expect(await run(["--facts", example("clean-app")])).toBe(2);
    expect(await run(["--decision", join(dir, "missing.json"), "--facts", example("clean-app")])).toBe(2);
  });

  it("names the JSON pointers that differ", () => {
    expect(jsonDifferences({ a: 1, b: [1, 2], c: { d: "x" } }, { a: 1, b: [1, 3], c: { d: "y" } })).toEqual([
      "/b/1",
      "/c/d",
    ]);
    expect(jsonDifferences([1], [1])).toEqual([]);
  });
});
