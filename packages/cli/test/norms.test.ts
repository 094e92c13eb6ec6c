import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normsTable, run, spliceTable } from "../src/commands/norms.js";

const REPO = join(import.meta.dirname, "../../..");

describe("norma norms", () => {
  it("lists every catalogued norm with the rules that implement it", () => {
    const table = normsTable(join(REPO, "policies"))!;
    const catalogue = readFileSync(join(REPO, "policies/norms.yaml"), "utf8");
    const ids = [...catalogue.matchAll(/^ {2}([A-Z]+-\d+):/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(60);
    for (const id of ids) expect(table).toContain(`| ${id} |`);
    expect(table).toContain("`filing.pre_launch`");
    expect(table).not.toContain("**none**");
  });

  it("splices the table into a file, replacing an older one, and --check sees staleness", async () => {
    const table = normsTable(join(REPO, "policies"))!;
    const once = spliceTable("# Title\n", table);
    expect(spliceTable(once, table)).toBe(once);
    const dir = mkdtempSync(join(tmpdir(), "norma-norms-"));
    const file = join(dir, "README.md");
    writeFileSync(file, once.replace("| FIL-7 |", "| FIL-77 |"));
    expect(await run(["--policies", join(REPO, "policies"), "--check", file])).toBe(1);
    writeFileSync(file, once);
    expect(await run(["--policies", join(REPO, "policies"), "--check", file])).toBe(0);
  });

  it("the committed policies/README.md is up to date", async () => {
    expect(
      await run(["--policies", join(REPO, "policies"), "--check", join(REPO, "policies/README.md")]),
    ).toBe(0);
  });
});
