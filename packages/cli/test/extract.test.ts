import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateFacts } from "@norma/facts";
import { describe, expect, it } from "vitest";
import { runExtract } from "../src/commands/extract.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../extract/test/fixtures");

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runExtract(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

describe("norma extract", () => {
  it("prints schema-valid facts on stdout with a profile, and exits 0", async () => {
    const dir = join(fixtures, "native-forum");
    const r = await cli([dir, "--profile", join(dir, "profile.yaml")]);
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(validateFacts(facts).ok).toBe(true);
    expect(facts["appId"]).toBe("wx1f2e3d4c5b6a7980");
    expect(r.stderr).toContain(
      "warning[extract/check-never-called]: `imgSecCheck` in cloud function `checkImage` is never called",
    );
    expect(r.stderr).toContain("  --> cloudfunctions/checkImage/index.js:7");
    expect(r.stderr).toMatch(/extracted native mini program at `miniprogram`/);
  });

  it("writes --out and --evidence, and prints nothing on stdout", async () => {
    const out = mkdtempSync(join(tmpdir(), "norma-cli-extract-"));
    const dir = join(fixtures, "taro");
    const r = await cli([
      dir,
      "--profile",
      join(dir, "profile.yaml"),
      "--out",
      join(out, "facts.json"),
      "--evidence",
      join(out, "evidence.json"),
      "--quiet",
    ]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(validateFacts(JSON.parse(readFileSync(join(out, "facts.json"), "utf8"))).ok).toBe(true);
    const side = JSON.parse(readFileSync(join(out, "evidence.json"), "utf8")) as {
      evidence: Array<{ pointer: string; file: string; line: number }>;
      layout: { kind: string };
    };
    expect(side.layout.kind).toBe("taro");
    expect(side.evidence.find((e) => e.pointer === "/privacy/apis/0")).toMatchObject({
      file: "src/pages/index/index.tsx",
      line: 6,
    });
  });

  it("without a profile: prints the facts, exits 1 and says which operator fields are missing", async () => {
    const r = await cli([join(fixtures, "taro"), "--quiet"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ appId: "wx9f8e7d6c5b4a3921" });
    expect(r.stderr).toContain("error: the extracted facts are not schema-valid (5 errors):");
    expect(r.stderr).toContain(
      "help: a package cannot show `nickname`, `entity`, `categories`, `submissions`, `privacy/guideFilled`",
    );
  });

  it.each([
    [["/no/such/dir"], "error[extract/not-a-directory]: `/no/such/dir` does not exist or cannot be read\n"],
    [
      [join(fixtures, "taro"), "--profile", "/no/such/profile.yaml"],
      "error[extract/unreadable-profile]: cannot read the profile `/no/such/profile.yaml`\n",
    ],
    [[], "error: no project directory given\n"],
    [["a", "b"], "error: give exactly one project directory\n"],
  ])("bad input %j exits 2 with a clear message and no stack trace", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unknown option exits 2 with the usage", async () => {
    const r = await cli([join(fixtures, "taro"), "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--bogus'/);
    expect(r.stderr).toContain("usage: norma extract DIR");
  });

  it("an unwritable --out exits 2 naming the file", async () => {
    const dir = join(fixtures, "taro");
    const r = await cli([
      dir,
      "--profile",
      join(dir, "profile.yaml"),
      "--out",
      "/no/such/dir/facts.json",
      "--quiet",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: cannot write `/no/such/dir/facts.json`: ENOENT\n");
  });
});
