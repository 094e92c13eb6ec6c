/**
 * `norma test` as a user runs it: arguments, output, exit codes, the JUnit and HTML files.
 * Runs the real engine on the mini fixture suite of @norma/conformance.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../src/commands/test.js";
import { captureOutput } from "./support/capture-output.js";

const mini = fileURLToPath(new URL("../../conformance/test/fixtures/mini/", import.meta.url));
const common = ["--policies", join(mini, "policies"), "--examples", join(mini, "examples")];
const out = mkdtempSync(join(tmpdir(), "norma-test-command-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const io = captureOutput();

const lastLine = (s: string) => s.trimEnd().split("\n").at(-1);

describe("norma test", () => {
  it("exits 0 on a passing suite and ends with the summary line", async () => {
    const code = await run([
      join(mini, "suite"),
      ...common,
      "--sources",
      join(mini, "sources"),
      "--require-coverage",
    ]);
    expect(io.stderr).toBe("");
    expect(code).toBe(0);
    expect(lastLine(io.stdout)).toBe("conformance: 7 passed, 0 failed, 1 skipped");
    expect(io.stdout).toContain("citations: 9 of 9 verified");
    expect(io.stdout).toContain("rule coverage: 3 rules; 3 fired in some case, 3 seen not firing — ok");
  });

  it("exits 1 on a wrong verdict, printing the diff", async () => {
    const code = await run([join(mini, "failing"), ...common]);
    expect(code).toBe(1);
    expect(io.stdout).toContain("FAIL mini.wrong-verdict");
    expect(io.stdout).toContain("- verdict: allow");
    expect(io.stdout).toContain("+ verdict: flag");
    expect(io.stdout).toContain("citations were NOT verified");
    expect(lastLine(io.stdout)).toBe("conformance: 0 passed, 1 failed");
  });

  it("exits 1 when coverage is below the thresholds of --require-coverage, and only then", async () => {
    // one passing case: the suite passes, but two rules never fire and one is never seen not firing
    const dir = join(out, "one-case");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "one.yaml"),
      readFileSync(join(mini, "failing/wrong.yaml"), "utf8").replace("verdict: allow", "verdict: flag"),
    );
    expect(await run([dir, ...common])).toBe(0);
    expect(io.stdout).not.toContain("coverage below");
    io.stdout = "";
    expect(await run([dir, ...common, "--require-coverage"])).toBe(1);
    expect(io.stdout).toContain("error: coverage below --require-coverage: 2 rule(s) never fired");
    expect(io.stdout).toContain("error: coverage below --require-coverage: 1 rule(s) never seen not firing");
    expect(io.stdout).toContain("norm(s) neither covered nor listed in NOT-ENCODED.md");
    expect(lastLine(io.stdout)).toBe("conformance: 1 passed, 0 failed");
  });

  it("runs only the chosen evaluator", async () => {
    await run([join(mini, "failing"), ...common, "--evaluator", "fast"]);
    expect(io.stdout).toContain("expect[0] (line 8) [fast]: wrong verdict");
    expect(io.stdout).not.toContain("reference");
  });

  it("writes JUnit XML to io.stdout and the summary line to io.stderr", async () => {
    const code = await run([join(mini, "failing"), ...common, "--format", "junit"]);
    expect(code).toBe(1);
    expect(io.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(io.stdout).toContain('name="mini.wrong-verdict [fast]"');
    expect(io.stderr).toBe("conformance: 0 passed, 1 failed\n");
  });

  it("writes JSON with the coverage shortfalls", async () => {
    await run([join(mini, "failing"), ...common, "--format", "json", "--require-coverage"]);
    const json = JSON.parse(io.stdout) as { summary: { failed: number }; coverageShortfalls: string[] };
    expect(json.summary.failed).toBe(1);
    expect(json.coverageShortfalls).toContain("2 rule(s) never fired");
  });

  it("writes the HTML report", async () => {
    const file = join(out, "report.html");
    expect(
      await run([join(mini, "suite"), ...common, "--sources", join(mini, "sources"), "--report", file]),
    ).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).toContain('id="norm-TST-3"');
  });

  it("fails a bad case file", async () => {
    expect(await run([join(mini, "badfile"), ...common])).toBe(1);
    expect(io.stdout).toContain("bad case files (1)");
    expect(lastLine(io.stdout)).toBe("conformance: 0 passed, 1 failed");
  });

  it("exits 2 on bad usage", async () => {
    expect(await run(["--format", "xml"])).toBe(2);
    expect(io.stderr).toContain("unknown format `xml`");
    expect(await run(["--evaluator", "slow"])).toBe(2);
    expect(await run(["a", "b"])).toBe(2);
    expect(await run(["--nope"])).toBe(2);
  });
});
