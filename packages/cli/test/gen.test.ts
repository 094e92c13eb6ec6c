import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validateFacts } from "@norma/facts";
import {
  FACTS_BOUNDARIES,
  formatShanghai,
  generateFacts,
  loadStories,
  parseGenAsOf,
  type FactsDoc,
} from "../src/batch/generate-facts.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const stories = loadStories();
const AS_OF = "2026-11-21T09:30:00+08:00";
const docs = generateFacts({ stories, seed: 7, count: 1500, asOf: parseGenAsOf(AS_OF)! });

const get = (doc: FactsDoc, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc);
const list = (doc: FactsDoc, path: string): Record<string, unknown>[] =>
  (get(doc, path) as Record<string, unknown>[] | undefined) ?? [];
const someDoc = (pred: (doc: FactsDoc) => boolean) => docs.some((g) => pred(g.doc));

describe("the facts generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const again = generateFacts({ stories, seed: 7, count: 1500, asOf: parseGenAsOf(AS_OF)! });
    expect(again).toEqual(docs);
    const other = generateFacts({ stories, seed: 8, count: 50, asOf: parseGenAsOf(AS_OF)! });
    expect(other.map((g) => g.doc)).not.toEqual(docs.slice(0, 50).map((g) => g.doc));
  });

  it("makes only documents that are valid against the facts schema", () => {
    const more = generateFacts({ stories, seed: 99, count: 1500 });
    const invalid = [...docs, ...more]
      .map((g) => ({ g, v: validateFacts(g.doc) }))
      .filter(({ v }) => !v.ok)
      .map(({ g, v }) => ({ story: g.story, boundaries: g.boundaries, errors: v.errors.slice(0, 3) }));
    expect(invalid).toEqual([]);
  });

  it("starts from every story and mixes sections of others into about half the documents", () => {
    expect(new Set(docs.map((g) => g.story))).toEqual(new Set(stories.map((s) => s.name)));
    const mixed = docs.filter((g) => g.mixedFrom.length > 0).length;
    expect(mixed).toBeGreaterThan(docs.length * 0.4);
    expect(mixed).toBeLessThan(docs.length * 0.9);
    for (const b of FACTS_BOUNDARIES) expect(docs.some((g) => g.boundaries.includes(b.name))).toBe(true);
  });

  it("puts filing notices 1 s either side of the 7-natural-day edge and of 7 × 24 h", () => {
    const notices = new Set(docs.map((g) => get(g.doc, "filing.notifiedAt")));
    // As of 2026-11-21 09:30 +08:00: the natural-day edge is 00:00 on the 14th, 7 × 24 h is 09:30 on the 14th.
    for (const t of ["2026-11-13T23:59:59", "2026-11-14T00:00:00", "2026-11-14T00:00:01"]) {
      expect(notices).toContain(`${t}+08:00`);
    }
    for (const t of ["2026-11-14T09:29:59", "2026-11-14T09:30:00", "2026-11-14T09:30:01"]) {
      expect(notices).toContain(`${t}+08:00`);
    }
    expect(
      someDoc(
        (d) => get(d, "filing.status") === "pending" && get(d, "entity.type") === "overseas_non_enterprise",
      ),
    ).toBe(true);
  });

  it("covers the numeric edges: openid minutes, single payments, the deposit cap", () => {
    for (const m of [119, 120, 121]) {
      expect(
        someDoc((d) => list(d, "moderation.openidSamples").some((s) => s.minutesSinceLastVisit === m)),
      ).toBe(true);
      expect(
        someDoc((d) => list(d, "riskControl.openidSamples").some((s) => s.minutesSinceLastVisit === m)),
      ).toBe(true);
    }
    for (const amount of [4_999_999, 5_000_000, 5_000_001]) {
      expect(someDoc((d) => list(d, "trade.deposit.paymentAttempts").some((a) => a.amount === amount))).toBe(
        true,
      );
    }
    for (const gmv of [19_999_999, 20_000_000, 20_000_001]) {
      expect(
        someDoc((d) => list(d, "trade.gmvByMonth").some((m) => m.month === "2026-10" && m.gmv === gmv)),
      ).toBe(true);
    }
    expect(someDoc((d) => get(d, "trade.deposit.dueBy") === AS_OF)).toBe(true);
  });

  it("covers the text edges: disease nicknames, official-looking complaint entries, purposes, categories", () => {
    expect(someDoc((d) => d.nickname === "糖尿病")).toBe(true);
    expect(someDoc((d) => d.nickname === "糖尿病之家")).toBe(true);
    expect(
      someDoc((d) =>
        list(d, "interface.complaintEntries").some(
          (e) => e.label === "反馈与投诉" && e.icon === "official_like",
        ),
      ),
    ).toBe(true);
    expect(
      someDoc((d) => list(d, "interface.complaintEntries").some((e) => e.label === " 反馈与投诉 ")),
    ).toBe(true);
    expect(
      someDoc((d) => {
        const purposes = list(d, "privacy.apis").map((a) => a.purpose);
        return purposes.some((p, i) => p !== undefined && purposes.indexOf(p) !== i);
      }),
    ).toBe(true);
    expect(someDoc((d) => (d.categories as string[]).includes("社交"))).toBe(true);
    expect(someDoc((d) => (d.categories as string[]).includes("文娱/音频"))).toBe(true);
  });

  it("moves the stories to the as-of day, keeping every interval", () => {
    const story = stories.find((s) => s.name === "news-filing-pending-8-days")!;
    const shifted = generateFacts({
      stories: [story],
      seed: 1,
      count: 1,
      asOf: parseGenAsOf("2027-03-05")!,
      mixRate: 0,
      boundaryRate: 0,
    })[0]!.doc;
    const days = 104; // 2026-11-21 → 2027-03-05
    const expected = formatShanghai(
      Date.parse(get(story.doc, "filing.notifiedAt") as string) + days * 86_400_000,
    );
    expect(get(shifted, "filing.notifiedAt")).toBe(expected);
    expect(expected).toBe("2027-02-25T10:05:00+08:00");
    expect({ ...shifted, appId: null }).toEqual({
      ...JSON.parse(JSON.stringify(story.doc, (_k, v: unknown) => shiftText(v, days))),
      appId: null,
    });
  });
});

function shiftText(v: unknown, days: number): unknown {
  return typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/.test(v)
    ? formatShanghai(Date.parse(v) + days * 86_400_000)
    : v;
}

describe("norma gen", () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "packages/cli/src/main.ts"), "gen", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  it("writes the same NDJSON for the same seed, to standard output or a file", () => {
    const a = run(["--count", "25", "--seed", "5"]);
    expect(a.status).toBe(0);
    const lines = a.stdout.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(25);
    for (const line of lines) expect(validateFacts(JSON.parse(line)).ok).toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), "norma-gen-")), "facts.ndjson");
    const b = run(["--count", "25", "--seed", "5", "--out", out]);
    expect(b.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(a.stdout);
    expect(run(["--count", "25", "--seed", "6"]).stdout).not.toBe(a.stdout);
  });

  it("refuses a missing count and a bad as-of", () => {
    expect(run([]).status).toBe(2);
    const r = run(["--count", "3", "--as-of", "tomorrow"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("`tomorrow` is not a date");
  });
});
