import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle } from "@norma/compiler";
import { formatText } from "@norma/lang";

const REPO = join(import.meta.dirname, "../../..");

describe("the README's tour", () => {
  it("is a policy that checks without a diagnostic, verifies its quotes and is formatted", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const start = readme.indexOf("```\n", readme.indexOf("## A 30-second tour")) + 4;
    const text = readme.slice(start, readme.indexOf("```", start));
    expect(text).toContain("rule filing.pre_launch");
    const dir = mkdtempSync(join(tmpdir(), "norma-readme-"));
    copyFileSync(join(REPO, "policies/norms.yaml"), join(dir, "norms.yaml"));
    writeFileSync(join(dir, "tour.norma"), text);
    const built = buildBundle([join(dir, "tour.norma")], {
      root: dir,
      sourcesDir: join(REPO, "../shared/seeds"),
    });
    expect(built.diagnostics).toEqual([]);
    expect(formatText(text, "tour.norma").value).toBe(text);
  });
});
