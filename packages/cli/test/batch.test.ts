import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { buildBundle } from "@norma/compiler";
import { generateFacts, loadStories } from "../src/batch/generate-facts.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const FIL_SHA = "649c3141206613c60496dc4eff5f747ab4ddb7f6537ea0c3117b27f9f22d68bb";
const scratch = mkdtempSync(join(tmpdir(), "norma-batch-"));

/** Three small rules over the facts schema: enough to give every verdict on generated documents. */
const POLICY = `policy test.batch "批处理测试" reads facts@1

source FIL file "001_15365efda3bcd81e.txt" sha256 "${FIL_SHA}" edited 2022-01-14

rule test.pre_launch "满 7 个自然日:预上线"
  implements FIL-7
  cite FIL:43 "7个自然日审核周期开发者若未收到审核结果,将收到预上线通知,则开发者可进行版本发布"
  when filing is present and filing.status == "pending" and as_of >= filing.notifiedAt + 7 natural days
  then allow "pre_launch"

rule test.overseas "境外非企业主体"
  implements FIL-7
  cite FIL:43 "境外非企业主体小程序无预上线流程"
  when entity.type == "overseas_non_enterprise"
  then flag "overseas"

rule test.filing_rejected "未通过报备"
  implements FIL-8
  cite FIL:45 "预上线的小程序若存在违规或未允许内容,未通过报备审核,将以站内信的形式通知开发者"
  when filing is present and filing.status == "rejected"
  then reject "filing_rejected"
`;

const policyDir = join(scratch, "policies");
// Built once: every run in this file decides with the same bundle, whatever else changes meanwhile.
const policies = join(scratch, "bundle.json");
const input = join(scratch, "in.ndjson");
let lines: string[] = [];
let reference = "";

/** Runs the CLI to completion. */
function cli(args: string[], stdin?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    input: stdin,
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting for it. */
function start(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin!.on("error", () => {}); // the batch closes its input when interrupted
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Polls until `check` holds (no time limit of its own: the test timeout bounds it). */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

function linesOf(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").slice(0, -1);
}

const baseArgs = (out: string, extra: string[] = []) => [
  "batch",
  "--policies",
  policies,
  "--in",
  input,
  "--out",
  out,
  "--as-of",
  "2026-11-21",
  "--batch-lines",
  "4",
  ...extra,
];

beforeAll(() => {
  mkdirSync(policyDir, { recursive: true });
  copyFileSync(join(ROOT, "policies/norms.yaml"), join(policyDir, "norms.yaml"));
  writeFileSync(join(policyDir, "test.norma"), POLICY);
  const built = buildBundle([join(policyDir, "test.norma")], { root: policyDir });
  expect(built.diagnostics).toEqual([]);
  writeFileSync(policies, JSON.stringify(built.value.bundle));
  const docs = generateFacts({ stories: loadStories(), seed: 42, count: 400 }).map((g) =>
    JSON.stringify(g.doc),
  );
  // Bad lines among good ones: not JSON, valid JSON but not facts, an empty line, a CRLF line.
  lines = [
    ...docs.slice(0, 100),
    "{not json",
    '{"schemaVersion": 1}',
    "",
    `${docs[0]}\r`,
    ...docs.slice(100),
  ];
  writeFileSync(input, lines.join("\n") + "\n");
  const r = cli(baseArgs(join(scratch, "reference.ndjson"), ["--workers", "2"]));
  expect(r.stderr).toContain("done:");
  expect(r.code).toBe(0);
  reference = readFileSync(join(scratch, "reference.ndjson"), "utf8");
});

describe("norma batch", () => {
  it("writes one line per input line, at the same position, with `line` and `verdict` or an error record", () => {
    const out = reference
      .split("\n")
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    out.forEach((o, i) => expect(o.line).toBe(i + 1));
    expect(out[100]).toMatchObject({
      line: 101,
      error: { kind: "syntax", errors: [{ code: "facts/syntax" }] },
    });
    const invalid = out[101] as { error: { kind: string; errors: { code: string; pointer: string }[] } };
    expect(invalid.error.kind).toBe("invalid");
    expect(invalid.error.errors).toContainEqual(
      expect.objectContaining({ code: "facts/missing-field", pointer: "/appId" }),
    );
    expect(out[102]).toMatchObject({ line: 103, error: { kind: "syntax" } });
    // The CRLF line decides like the same document without `\r`.
    const { line: _a, ...first } = out[0]!;
    const { line: _b, ...crlf } = out[103]!;
    expect(crlf).toEqual(first);
    const verdicts = new Set(out.filter((o) => "verdict" in o).map((o) => o.verdict));
    expect(verdicts).toEqual(new Set(["pass", "allow", "flag", "reject"]));
  });

  it("gives the same bytes on the main thread, on one worker and on two", () => {
    for (const workers of ["0", "1"]) {
      const out = join(scratch, `workers-${workers}.ndjson`);
      expect(cli(baseArgs(out, ["--workers", workers])).code).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(reference);
    }
  });

  it("reads standard input and writes standard output", () => {
    const r = cli(
      ["batch", "--policies", policies, "--in", "-", "--as-of", "2026-11-21", "--workers", "1"],
      lines.join("\n") + "\n",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(reference);
    expect(r.stderr).not.toContain("\r"); // no progress bar when standard error is not a terminal
  });

  it("--unordered writes the same lines, and says so in the summary", () => {
    const out = join(scratch, "unordered.ndjson");
    const r = cli(baseArgs(out, ["--workers", "2", "--unordered"]));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("NOT in input order");
    const byLine = (text: string) =>
      text
        .split("\n")
        .slice(0, -1)
        .sort((a, b) => (JSON.parse(a) as { line: number }).line - (JSON.parse(b) as { line: number }).line);
    expect(byLine(readFileSync(out, "utf8"))).toEqual(byLine(reference));
  });

  it("summarizes verdicts, rules and error kinds", () => {
    const summary = join(scratch, "summary.json");
    const r = cli(baseArgs(join(scratch, "s.ndjson"), ["--workers", "1", "--summary-json", summary]));
    expect(r.stderr).toMatch(/verdicts: .*reject \d+/);
    expect(r.stderr).toContain("test.overseas");
    const s = JSON.parse(readFileSync(summary, "utf8")) as {
      linesDone: number;
      counts: Record<string, Record<string, number>>;
    };
    expect(s.linesDone).toBe(lines.length);
    expect(s.counts.errorKinds).toEqual({ syntax: 2, invalid: 1 });
    const refLines = reference
      .split("\n")
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { verdict?: string });
    expect(s.counts.verdicts!.reject).toBe(refLines.filter((l) => l.verdict === "reject").length);
  });

  it("interrupted with SIGINT, finishes what is in flight, and --resume loses and duplicates nothing", async () => {
    const out = join(scratch, "interrupted.ndjson");
    // Standard input is fed half the lines and held open, so the run is certainly mid-way when interrupted.
    const child = start([
      "batch",
      "--policies",
      policies,
      "--in",
      "-",
      "--out",
      out,
      "--as-of",
      "2026-11-21",
      "--workers",
      "2",
      "--batch-lines",
      "4",
    ]);
    const exited = exitOf(child);
    child.stdin!.write(lines.slice(0, 200).join("\n") + "\n");
    await waitUntil(() => existsSync(out) && readFileSync(out, "utf8").includes("\n"));
    child.kill("SIGINT");
    expect((await exited).code).toBe(130);
    const checkpoint = JSON.parse(readFileSync(`${out}.checkpoint.json`, "utf8")) as {
      linesDone: number;
      done: number[][];
    };
    expect(checkpoint.linesDone).toBeGreaterThan(0);
    expect(checkpoint.linesDone).toBeLessThanOrEqual(200);
    expect(checkpoint.done).toEqual([[1, checkpoint.linesDone + 1]]);
    expect(linesOf(out)).toEqual(reference.split("\n").slice(0, checkpoint.linesDone));

    const resumed = cli([
      "batch",
      "--policies",
      policies,
      "--in",
      input,
      "--out",
      out,
      "--resume",
      "--workers",
      "2",
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`(${lines.length - checkpoint.linesDone} this run)`);
    expect(readFileSync(out, "utf8")).toBe(reference);
    expect(existsSync(`${out}.checkpoint.json`)).toBe(false);
  });

  it("killed outright, resumes from the last periodic checkpoint and drops the partial tail", async () => {
    const out = join(scratch, "killed.ndjson");
    const child = start([
      "batch",
      "--policies",
      policies,
      "--in",
      "-",
      "--out",
      out,
      "--as-of",
      "2026-11-21",
      "--workers",
      "1",
      "--batch-lines",
      "4",
      "--checkpoint-ms",
      "20",
    ]);
    const exited = exitOf(child);
    child.stdin!.write(lines.slice(0, 200).join("\n") + "\n");
    const cp = `${out}.checkpoint.json`;
    await waitUntil(
      () => existsSync(cp) && (JSON.parse(readFileSync(cp, "utf8")) as { linesDone: number }).linesDone > 0,
    );
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");
    appendFileSync(out, '{"line": 9999, "verdict": "pa'); // a write cut short
    const resumed = cli([
      "batch",
      "--policies",
      policies,
      "--in",
      input,
      "--out",
      out,
      "--resume",
      "--workers",
      "2",
    ]);
    expect(resumed.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(reference);
  });

  it("--unordered, killed outright, resumes the lines it had not written (done lines may have holes)", async () => {
    const out = join(scratch, "unordered-killed.ndjson");
    const child = start([
      ...baseArgs(out, ["--workers", "2", "--unordered", "--checkpoint-ms", "20"]).map((a) =>
        a === input ? "-" : a,
      ),
    ]);
    const exited = exitOf(child);
    child.stdin!.write(lines.slice(0, 200).join("\n") + "\n");
    const cp = `${out}.checkpoint.json`;
    await waitUntil(
      () => existsSync(cp) && (JSON.parse(readFileSync(cp, "utf8")) as { linesDone: number }).linesDone > 0,
    );
    child.kill("SIGKILL");
    await exited;
    const resumed = cli([
      "batch",
      "--policies",
      policies,
      "--in",
      input,
      "--out",
      out,
      "--resume",
      "--workers",
      "2",
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("NOT in input order");
    const byLine = (text: string) =>
      text
        .split("\n")
        .slice(0, -1)
        .sort((a, b) => (JSON.parse(a) as { line: number }).line - (JSON.parse(b) as { line: number }).line);
    expect(byLine(readFileSync(out, "utf8"))).toEqual(byLine(reference));
  });

  it("--resume refuses a different as-of, other policies, a changed input and a missing checkpoint", () => {
    const out = join(scratch, "refuse.ndjson");
    const other = join(scratch, "other.ndjson");
    writeFileSync(other, ["{}", ...lines.slice(1)].join("\n") + "\n");
    const head = lines.slice(0, 10).join("\n") + "\n";
    const outHead = reference.split("\n").slice(0, 10).join("\n") + "\n";
    const bundle = (JSON.parse(reference.split("\n")[0]!) as { bundle: string }).bundle;
    const checkpoint = {
      format: "norma-batch-checkpoint/1",
      writtenAt: "2026-11-21T00:00:00Z",
      input,
      inputBytes: Buffer.byteLength(head),
      inputSha256: createHash("sha256").update(head).digest("hex"),
      output: out,
      outputBytes: Buffer.byteLength(outHead),
      bundle,
      asOfMs: Date.parse("2026-11-21T00:00:00+08:00"),
      asOf: "2026-11-20T16:00:00.000Z",
      explain: false,
      evaluator: "compiled",
      outputForm: "full",
      ordered: true,
      linesDone: 10,
      done: [[1, 11]],
      counts: { decided: 10, failed: 0, verdicts: {}, rules: {}, errorKinds: {}, errorCodes: {} },
    };
    const cp = `${out}.checkpoint.json`;
    writeFileSync(out, outHead);
    const resume = (extra: string[], inPath = input) =>
      cli([
        "batch",
        "--policies",
        policies,
        "--in",
        inPath,
        "--out",
        out,
        "--resume",
        "--workers",
        "1",
        ...extra,
      ]);

    writeFileSync(cp, JSON.stringify({ ...checkpoint, bundle: "sha256:other" }));
    const otherPolicies = resume([]);
    expect(otherPolicies.code).toBe(2);
    expect(otherPolicies.stderr).toContain("the policies changed since the checkpoint");

    writeFileSync(cp, JSON.stringify(checkpoint));
    const asOf = resume(["--as-of", "2026-11-22"]);
    expect(asOf.code).toBe(2);
    expect(asOf.stderr).toContain(
      "cannot resume: the checkpoint was decided as of 2026-11-21T00:00:00+08:00",
    );

    const changed = resume([], other);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("the input does not start with the lines the checkpoint recorded");
    expect(readFileSync(out, "utf8")).toBe(outHead);

    const missing = cli([
      "batch",
      "--policies",
      policies,
      "--in",
      input,
      "--out",
      join(scratch, "none.ndjson"),
      "--resume",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nothing to resume");

    // The same checkpoint with the right input continues where it says.
    expect(resume([]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(reference);
  });
});
