import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runValidateFacts, type FileReport } from "../src/commands/validate-facts.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const EXAMPLES = join(ROOT, "examples");
const CLEAN = join(EXAMPLES, "clean-app.json");
const scratch = mkdtempSync(join(tmpdir(), "norma-validate-facts-"));

function writeScratch(name: string, content: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

function cleanWith(change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(readFileSync(CLEAN, "utf8")) as Record<string, unknown>;
  change(doc);
  return JSON.stringify(doc, null, 2);
}

/** Runs the command with captured output; `stdin` is what `-` reads. */
async function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runValidateFacts(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: async () => new TextEncoder().encode(stdin),
  });
  return { code, stdout, stderr };
}

const badMoney = writeScratch(
  "bad-money.json",
  cleanWith((d) => {
    d.trade = { gmvByMonth: [{ month: "2026-10", gmv: "12.50" }], disputes: [], advanceCompensations: [] };
    delete d.appId;
  }),
);
// 1-based line of the first occurrence of `needle` in a file.
function lineOf(path: string, needle: string): number {
  const text = readFileSync(path, "utf8");
  return text.slice(0, text.indexOf(needle)).split("\n").length;
}
const gmvLine = lineOf(badMoney, '"gmv"');

const extraField = writeScratch(
  "extra-field.json",
  cleanWith((d) => {
    d.appID = "wx1";
  }),
);

describe("norma validate-facts", () => {
  it("exits 0 on every example and says each is valid", async () => {
    const files = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(EXAMPLES, f));
    const { code, stdout } = await cli(files);
    expect(code).toBe(0);
    expect(stdout).toContain(`${CLEAN}: valid (0 errors, 0 warnings)`);
    expect(stdout).toContain(`all ${files.length} files are valid`);
  });

  it("exits 2 on invalid facts and prints each error with file:line:col, pointer, expected and value", async () => {
    const { code, stdout } = await cli([badMoney]);
    expect(code).toBe(2);
    expect(stdout).toBe(
      [
        `${badMoney}:1:1: error[facts/missing-field] at /appId: missing required field \`appId\``,
        "  expected: an AppID of letters, digits, `_` and `-`",
        `${badMoney}:${gmvLine}:9: error[facts/type] at /trade/gmvByMonth/0/gmv: expected money: an integer number of fen, found a string`,
        "  expected: money: an integer number of fen",
        '  found:    "12.50"',
        `${badMoney}: invalid (2 errors, 0 warnings)`,
        "",
      ].join("\n"),
    );
  });

  it("exits 2 when any one of several files is invalid", async () => {
    const { code, stdout } = await cli([CLEAN, badMoney]);
    expect(code).toBe(2);
    expect(stdout).toContain("1 of 2 files are invalid");
  });

  it("warns about unknown fields (exit 0) and fails on them with --strict (exit 2)", async () => {
    const lenient = await cli([extraField]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("warning[facts/unknown-field] at /appID: unknown field `appID`");
    expect(lenient.stdout).toContain("  help: did you mean `appId`?");
    expect(lenient.stdout).toContain(`${extraField}: valid (0 errors, 1 warning)`);
    const strict = await cli([extraField, "--strict"]);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toContain("error[facts/unknown-field] at /appID");
  });

  it("prints JSON with --format json", async () => {
    const { code, stdout } = await cli(["--format", "json", CLEAN, badMoney]);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { ok: boolean; files: FileReport[] };
    expect(report.ok).toBe(false);
    expect(report.files.map((f) => [f.file, f.ok])).toEqual([
      [CLEAN, true],
      [badMoney, false],
    ]);
    expect(report.files[1]!.errors[1]).toEqual({
      code: "facts/type",
      pointer: "/trade/gmvByMonth/0/gmv",
      message: "expected money: an integer number of fen, found a string",
      expected: "money: an integer number of fen",
      actual: '"12.50"',
      line: gmvLine,
      column: 9,
    });
  });

  it("reads standard input for `-`", async () => {
    const ok = await cli(["-"], readFileSync(CLEAN, "utf8"));
    expect(ok).toMatchObject({ code: 0, stdout: "<stdin>: valid (0 errors, 0 warnings)\n" });
    const bad = await cli(["-"], '{"schemaVersion": 1,');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(
      "<stdin>:1:21: error[facts/syntax] at the document root: unexpected end of input, expected a field name in double quotes",
    );
  });

  it("reports hostile input cleanly", async () => {
    const proto = writeScratch("proto.json", '{"__proto__": {"polluted": true}, "schemaVersion": 1}');
    const deep = writeScratch("deep.json", "[".repeat(10_000) + "]".repeat(10_000));
    const huge = writeScratch(
      "huge.json",
      cleanWith((d) => (d.nickname = "x".repeat(10 * 1024 * 1024))),
    );
    const longName = writeScratch("long-name.json", `{"${"k".repeat(10 * 1024 * 1024)}": 1}`);
    const { code, stdout } = await cli([proto, deep, huge, longName]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${proto}:1:2: error[facts/reserved-name] at /__proto__: field name \`__proto__\` is not allowed`,
    );
    expect(stdout).toContain(
      `${deep}:1:65: error[facts/too-deep] at /0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nesting deeper than 64 levels`,
    );
    expect(stdout).toContain("error[facts/length] at /nickname: string is longer than 64 characters");
    expect(stdout).toContain(
      `${longName}:1:2: error[facts/length] at /${"k".repeat(198)}…: field name is longer than 100 characters`,
    );
    expect(stdout.length).toBeLessThan(20_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports files that are missing, directories, or not UTF-8", async () => {
    const latin1 = writeScratch("latin1.json", Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]));
    const { code, stdout } = await cli([join(scratch, "nope.json"), scratch, latin1]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${join(scratch, "nope.json")}: error[facts/unreadable] at the document root: no such file`,
    );
    expect(stdout).toContain(
      `error[facts/unreadable] at the document root: \`${scratch}\` is a directory, not a facts file`,
    );
    expect(stdout).toContain(
      `${latin1}: error[facts/unicode] at the document root: the file is not valid UTF-8`,
    );
  });

  it.each([
    [[], "error: no facts file given"],
    [["--format", "yaml", "x.json"], "error: unknown format `yaml`"],
    [["--bogus", "x.json"], "error: unknown option '--bogus'"],
  ])("exits 2 on bad arguments %j", async (args, message) => {
    const { code, stderr, stdout } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });

  it("runs through the `norma` entry point with the right exit codes", () => {
    const run = (...args: string[]) =>
      spawnSync("pnpm", ["exec", "tsx", "packages/cli/src/main.ts", "validate-facts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const ok = run("examples/clean-app.json");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe("examples/clean-app.json: valid (0 errors, 0 warnings)\n");
    const bad = run(badMoney, "--format", "json");
    expect(bad.status).toBe(2);
    expect((JSON.parse(bad.stdout) as { ok: boolean }).ok).toBe(false);
  });
});
