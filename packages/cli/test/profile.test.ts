import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatNs, renderProfile, run } from "../src/commands/profile.js";
import type { Profile } from "@norma/runtime";
import { captureOutput } from "./support/capture-output.js";

const REPO = join(import.meta.dirname, "../../..");
const POLICIES = join(REPO, "policies");
const example = (name: string) => join(REPO, "examples", `${name}.json`);
const EXAMPLES = ["clean-app", "misleading-nickname", "news-filing-pending-8-days"].map(example);
const QUICK = ["--quick", "--rounds", "1", "--as-of", "2026-11-22", "--policies", POLICIES];

const out = captureOutput();

describe("norma profile", () => {
  it("profiles every rule of the policies on facts files (json)", async () => {
    expect(await run([...EXAMPLES, ...QUICK, "--format", "json"]), out.stderr).toBe(0);
    const p = JSON.parse(out.stdout) as Profile;
    expect(p.format).toBe("norma-profile/1");
    expect(p.documents).toBe(3);
    expect(p.rounds).toBe(1);
    expect(p.asOf).toBe("2026-11-22T00:00:00+08:00");
    expect(p.rules.length).toBeGreaterThan(100);
    // the nickname example makes a nickname rule fire; each rule's statuses cover the 3 documents
    expect(p.rules.some((r) => r.rule.startsWith("nickname.") && r.statuses.fired > 0)).toBe(true);
    for (const r of p.rules) {
      expect(Object.values(r.statuses).reduce((a, b) => a + b, 0)).toBe(3);
      expect(Number.isFinite(r.ownNs) && r.ownNs >= 0).toBe(true);
    }
  }, 60_000);

  it("orders the rules by their explained time with --by explained, and refuses an unknown order", async () => {
    expect(await run([...EXAMPLES, ...QUICK, "--by", "explained", "--format", "json"]), out.stderr).toBe(0);
    const p = JSON.parse(out.stdout) as Profile;
    const explained = p.rules.map((r) => r.explainedNs);
    expect(explained).toEqual([...explained].sort((a, b) => b - a));
    expect(p.hashNs).toBeGreaterThan(0);
    out.stdout = "";
    expect(await run([...EXAMPLES, ...QUICK, "--by", "fastest"])).toBe(2);
    expect(out.stderr).toContain("unknown order `--by fastest`");
    expect(out.stdout).toBe("");
  }, 60_000);

  it("reads NDJSON and prints the most expensive rules as text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-profile-"));
    const file = join(dir, "facts.ndjson");
    const lines = EXAMPLES.map((f) => JSON.stringify(JSON.parse(readFileSync(f, "utf8"))));
    writeFileSync(file, `${lines.join("\n")}\n\n`);
    expect(await run(["--in", file, ...QUICK, "--top", "5"]), out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /^profile of \d+ rules on 3 facts documents \(as of 2026-11-22T00:00:00\+08:00/,
    );
    expect(out.stdout).toContain("a decision without explanations");
    const rows = out.stdout.split("\n").filter((l) => / (ns|µs) +\d+\.\d%/.test(l));
    expect(rows).toHaveLength(5);
    expect(out.stdout).toMatch(/… \d+ more \(`--top 0` shows every rule\)/);
  }, 60_000);

  it("names the file, line and column of facts that do not parse or are invalid, and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "norma-profile-"));
    const file = join(dir, "facts.ndjson");
    const good = JSON.stringify(JSON.parse(readFileSync(EXAMPLES[0]!, "utf8")));
    writeFileSync(file, `${good}\n{"entity": }\n`);
    expect(await run(["--in", file, ...QUICK])).toBe(2);
    expect(out.stderr).toContain(`${file}:2:12: error:`);
    expect(out.stdout).toBe("");

    out.stderr = "";
    const invalid = JSON.parse(good) as { nickname: unknown };
    invalid.nickname = 42;
    writeFileSync(file, `${good}\n${JSON.stringify(invalid)}\n`);
    expect(await run(["--in", file, ...QUICK])).toBe(2);
    expect(out.stderr).toMatch(
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:\\d+: error: at /nickname`),
    );
    expect(out.stderr).toContain("invalid facts cannot be profiled");
  });

  it("refuses missing input and bad options with exit 2", async () => {
    expect(await run(["--policies", POLICIES])).toBe(2);
    expect(out.stderr).toContain("which facts?");
    expect(await run([EXAMPLES[0]!, "--rounds", "0"])).toBe(2);
    expect(await run([EXAMPLES[0]!, "--top", "-1"])).toBe(2);
    expect(await run([EXAMPLES[0]!, "--format", "xml"])).toBe(2);
    expect(await run([EXAMPLES[0]!, "--evaluator", "jit"])).toBe(2);
    expect(await run([join(REPO, "no-such.json"), ...QUICK])).toBe(2);
  });
});

describe("the text form", () => {
  it("formats times for people", () => {
    expect([87.4, 4058.8, 68388.2, 1_234_567].map(formatNs)).toEqual([
      "87 ns",
      "4.06 µs",
      "68.4 µs",
      "1.23 ms",
    ]);
  });

  it("shows every rule with --top 0 and sums the rules", () => {
    const rule = (id: string, ns: number) => ({
      rule: id,
      policy: "p",
      ns,
      ownNs: ns / 4,
      share: ns / 300,
      explainedNs: ns * 10,
      statuses: { fired: 1, excepted: 0, "not-applicable": 1, "not-in-force": 0, error: 1 },
    });
    const p: Profile = {
      format: "norma-profile/1",
      bundle: "sha256:x",
      asOf: "2026-11-22T00:00:00+08:00",
      evaluator: "compiled",
      documents: 2,
      rounds: 7,
      decisionNs: 250,
      explainedNs: 4000,
      scopeNs: 40,
      hashNs: 1500,
      rules: [rule("a.slow", 200), rule("b.fast", 100)],
    };
    const text = renderProfile(p, 0);
    expect(text).toContain("a.slow    200 ns     50 ns  66.7%    2.00 µs      1        0     1     1");
    expect(text).toContain("hashing the facts                1.50 µs");
    expect(text).toContain("The rules alone add up to 300 ns");
    expect(renderProfile(p, 1)).toContain("… 1 more");
  });
});
