import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import { loadBundle } from "@norma/runtime";
import { isExplanationPointer, jsonDifferences, replayBatch, run } from "../src/commands/replay.js";
import { LineDecider, type DecideSettings } from "../src/batch/line-decider.js";
import { emptyCounts } from "../src/batch/stats.js";
import { captureOutput } from "./support/capture-output.js";

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

const out = captureOutput();

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

  it("says whether what was decided differs, or only its explanations (and what can explain that)", async () => {
    const { decision, dir } = storedDecision("news-filing-pending-8-days", "2026-11-21T10:00:00+08:00");
    const replay = async (d: unknown) => {
      const f = join(dir, "d.json");
      writeFileSync(f, JSON.stringify(d));
      out.stdout = "";
      const code = await run([
        "--decision",
        f,
        "--facts",
        example("news-filing-pending-8-days"),
        "--policies",
        POLICIES,
      ]);
      return { code, text: out.stdout };
    };
    expect((await replay(decision)).code).toBe(0);
    const at = decision.rules.findIndex((r) => r.because.length > 0);
    const explained = structuredClone(decision);
    explained.rules[at]!.because[0]!.value = "edited";
    const a = await replay(explained);
    expect(a.code).toBe(1);
    expect(a.text).toContain(
      `the verdict, outcomes and rule statuses are reproduced, but the explanations differ at \`/rules/${at}/because/0/value\`: the engine version and the span table (${decision.spans}) are the ones recorded, so the stored explanations were changed after the decision was made`,
    );
    // a decision stored before decisions recorded their span table: either cause is possible
    const { spans: _s, ...older } = explained;
    expect((await replay(older)).text).toContain(
      `\`/rules/${at}/because/0/value\`: the bundle's span table (outside the bundle hash) or the stored explanations were changed`,
    );
    explained.engine = { ...explained.engine, version: "0.0.9" };
    const b = await replay(explained);
    expect(b.code).toBe(1);
    expect(b.text).toContain(
      "made by norma 0.0.9 and is replayed by norma 0.1.0, which explains differently",
    );
    // what was decided differs: only that is named, whatever the explanations say
    const both = structuredClone(explained);
    both.rules[at]!.status = both.rules[at]!.status === "fired" ? "not-applicable" : "fired";
    const c = await replay(both);
    expect(c.text).toContain(`not reproduced: the decision differs at \`/rules/${at}/status\`\n`);
    // only the engine version differs: reproduced, and said
    const d = await replay({ ...decision, engine: { ...decision.engine, version: "0.0.9" } });
    expect(d.code).toBe(0);
    expect(d.text).toContain("(made by norma 0.0.9, replayed by norma 0.1.0)");
    expect(c.text).not.toContain("explanations differ");
  });

  it("tells a changed span table (same bundle hash) from changed explanations", async () => {
    const name = "news-filing-pending-8-days";
    const { file, decision } = storedDecision(name, "2026-11-21T10:00:00+08:00");
    expect(decision.spans).toMatch(/^sha256:[0-9a-f]{64}$/);
    const replayWith = async (edit: (text: string) => string) => {
      const copy = mkdtempSync(join(tmpdir(), "norma-replay-policies-"));
      cpSync(POLICIES, copy, { recursive: true });
      const review = join(copy, "filing/review.norma");
      writeFileSync(review, edit(readFileSync(review, "utf8")));
      out.stdout = "";
      const code = await run(["--decision", file, "--facts", example(name), "--policies", copy]);
      return { code, text: out.stdout };
    };
    // a comment moves every span of the file: the same IR, the same explanations
    const moved = await replayWith((t) => `# a comment\n${t}`);
    expect(moved.code).toBe(0);
    expect(moved.text).toMatch(
      /^reproduced: .* \(the same explanations from another span table: sha256:[0-9a-f]{64} then, sha256:[0-9a-f]{64} now\)\n$/,
    );
    expect(moved.text).toContain(`${decision.spans} then`);
    // a renamed let: the same IR (lets are written out), so the same bundle hash, but the
    // explanations name the let differently
    const renamed = await replayWith((t) => t.replaceAll("最新提审号", "最近提审号"));
    expect(renamed.code).toBe(1);
    expect(renamed.text).not.toContain("not the bundle the decision was made with");
    expect(renamed.text).toMatch(
      /the verdict, outcomes and rule statuses are reproduced, but the explanations differ at `\/rules\/\d+\/because\/0\/text`, `\/rules\/\d+\/because\/0\/saw\/最新提审号`, `\/rules\/\d+\/because\/0\/saw\/最近提审号`.*: the bundle's span table is not the one they were made with \(sha256:[0-9a-f]{64} then, sha256:[0-9a-f]{64} now\): the policy text changed where the IR did not/,
    );
  });

  describe("a batch's decisions (--decisions)", () => {
    const names = ["clean-app", "misleading-nickname", "news-filing-pending-8-days", "ugc-video-uploads"];
    const dir = mkdtempSync(join(tmpdir(), "norma-replay-batch-"));
    const { files } = findPolicyFiles([POLICIES]);
    const bundle = join(dir, "bundle.json");
    writeFileSync(bundle, JSON.stringify(buildBundle(files, { root: POLICIES }).value.bundle));
    // the input: four documents, then a line that is not JSON, then an invalid document
    const input = join(dir, "in.ndjson");
    const lines = [
      ...names.map((n) => JSON.stringify(JSON.parse(readFileSync(example(n), "utf8")))),
      "{not json",
      JSON.stringify({ appId: 12 }),
    ];
    writeFileSync(input, lines.join("\n") + "\n");
    /** The output `norma batch` writes for the input (the same LineDecider the workers run). */
    const batchOutput = (settings: Partial<DecideSettings>) => {
      const made = LineDecider.fromBundleText(readFileSync(bundle, "utf8"), {
        asOf: Date.parse("2026-11-21T10:00:00+08:00"),
        explain: true,
        evaluator: "compiled",
        output: "full",
        ...settings,
      });
      if ("error" in made) throw new Error(made.error);
      const counts = emptyCounts();
      return lines.map((l, i) => made.decider.decideLine(l, i + 1, counts));
    };
    const replayLines = async (out: string[]) => {
      const file = join(dir, `out-${Math.random().toString(36).slice(2)}.ndjson`);
      writeFileSync(file, out.join("\n") + "\n");
      outText.stdout = "";
      const code = await run(["--decisions", file, "--facts", input, "--policies", bundle]);
      return { code, text: outText.stdout, file };
    };
    const outText = out;

    it("reproduces every line, explained or not, and checks error records are still errors", async () => {
      const explained = await replayLines(batchOutput({}));
      expect(explained.text).toBe(
        "replayed 4 decisions and 2 error records: 6 reproduced, 0 not reproduced\n",
      );
      expect(explained.code).toBe(0);
      const quick = await replayLines(batchOutput({ explain: false }));
      expect(quick.code).toBe(0);
      expect(quick.text).toContain("6 reproduced, 0 not reproduced (4 made with `explain: false`");
    });

    it("names each line that does not stand, and why", async () => {
      const out = batchOutput({});
      const edited = JSON.parse(out[1]!) as { verdict: string };
      edited.verdict = edited.verdict === "reject" ? "pass" : "reject";
      out[1] = JSON.stringify(edited);
      // line 3's decision replayed against line 4's facts: another facts hash
      const third = JSON.parse(out[2]!) as { line: number };
      out[2] = JSON.stringify({ ...third, factsHash: JSON.parse(out[3]!).factsHash });
      // an error record whose line decides fine now
      out[3] = JSON.stringify({ line: 4, error: { kind: "invalid", errors: [] } });
      const r = await replayLines(out);
      expect(r.code).toBe(1);
      expect(r.text).toBe(
        [
          "line 2: not reproduced: the decision differs at `/verdict`",
          `line 3: not reproduced: these are not the facts the decision was made from: ${JSON.parse(batchOutput({})[2]!).factsHash} ≠ ${JSON.parse(out[2]!).factsHash}; the decision differs at \`/factsHash\``,
          "line 4: not reproduced: it was an error record, and the facts on it decide now",
          "replayed 3 decisions and 3 error records: 3 reproduced, 3 not reproduced",
          "",
        ].join("\n"),
      );
    });

    it("replays decisions out of input order (`--unordered`), and every input line needs exactly one", async () => {
      const out = batchOutput({});
      const shuffled = [out[3]!, out[5]!, out[0]!, out[4]!, out[2]!, out[1]!];
      const all = await replayLines(shuffled);
      expect([all.code, all.text]).toEqual([
        0,
        "replayed 4 decisions and 2 error records: 6 reproduced, 0 not reproduced\n",
      ]);
      // line 2 decided twice, lines 3 and 6 not at all (line 3 was read ahead, line 6 never)
      const r = await replayLines([out[1]!, out[3]!, out[0]!, out[1]!, out[4]!]);
      expect(r.code).toBe(1);
      expect(r.text).toBe(
        [
          `line 2: a second decision, at ${"X"}:4`,
          "line 3: no decision in `X`",
          "line 6: no decision in `X`",
          "replayed 3 decisions and 1 error record: 4 reproduced, 0 not reproduced; 2 input lines have no decision; 1 decision line repeats a line already decided",
          "",
        ]
          .join("\n")
          .replaceAll("X", r.file),
      );
    });

    it("refuses decisions too far out of order to replay in step (exit 2, sort them first)", async () => {
      const out = batchOutput({});
      const file = join(dir, "far.ndjson");
      writeFileSync(file, [out[5]!, ...out.slice(0, 5)].join("\n") + "\n");
      const held = lines.slice(0, 5).reduce((n, l) => n + l.length, 0);
      outText.stderr = "";
      expect(await replayBatch(file, input, bundle, held - 1)).toBe(2);
      expect(outText.stderr).toContain("the decision of line 6 comes before the decisions of");
      expect(outText.stderr).toContain("sort the decisions by `line`");
      expect(await replayBatch(file, input, bundle, held)).toBe(0);
    });

    it("replays compact output (`--compact`): verdict and outcomes made again at the recorded as-of", async () => {
      const compact = batchOutput({ output: "compact" });
      const r = await replayLines(compact);
      expect([r.code, r.text]).toEqual([
        0,
        "replayed 4 decisions and 2 error records: 6 reproduced, 0 not reproduced (4 compact decisions record no facts hash, rule statuses or engine: each was checked against the facts line it names, its verdict and outcomes made again)\n",
      ]);
      const edited = compact.map((l) => JSON.parse(l) as Record<string, unknown>);
      edited[0]!.verdict = "reject";
      edited[1]!.bundle = "sha256:0";
      // another day: the verdict and outcomes of line 3 (a review window counted in days) change
      edited[2]!.asOf = "2026-01-01T00:00:00+08:00";
      const bad = await replayLines(edited.map((x) => JSON.stringify(x)));
      expect(bad.code).toBe(1);
      const lines = bad.text.split("\n");
      expect(lines[0]).toBe("line 1: not reproduced: the decision differs at `/verdict`");
      expect(lines[1]).toMatch(
        /^line 2: not reproduced: the policies are not the bundle the decision was made with: sha256:[0-9a-f]{64} ≠ sha256:0$/,
      );
      expect(lines[2]).toBe(
        "line 3: not reproduced: the decision differs at `/verdict`, `/outcomes/1/rule`, `/outcomes/1/effect`, `/outcomes/1/label`, `/outcomes/1/norms/0`",
      );
      expect(lines[3]).toMatch(/^replayed 4 decisions and 2 error records: 3 reproduced, 3 not reproduced/);
    });

    it("refuses lines that are not its output and a facts file too short (exit 2)", async () => {
      const out = batchOutput({});
      const beyond = JSON.stringify({ ...JSON.parse(out[0]!), line: 99 });
      expect((await replayLines([beyond])).code).toBe(2);
      expect((await replayLines(["{not json"])).code).toBe(2);
      expect((await replayLines([JSON.stringify({ verdict: "pass" })])).code).toBe(2);
      expect((await replayLines([JSON.stringify({ line: 1, verdict: "pass" })])).code).toBe(2);
      expect(await run(["--decisions", join(dir, "missing.ndjson"), "--facts", input])).toBe(2);
      expect(await run(["--decisions", input, "--decision", input, "--facts", input])).toBe(2);
    });
  });

  it("tells explanation pointers from decided ones", () => {
    expect(isExplanationPointer("/rules/3/because/0/saw/x")).toBe(true);
    expect(isExplanationPointer("/rules/3/exception/because")).toBe(true);
    expect(isExplanationPointer("/outcomes/0/evidence/1")).toBe(true);
    expect(isExplanationPointer("/rules/3/status")).toBe(false);
    expect(isExplanationPointer("/rules/3/exception/id")).toBe(false);
    expect(isExplanationPointer("/outcomes/0/value")).toBe(false);
    expect(isExplanationPointer("/rules/3/becausex")).toBe(false);
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
