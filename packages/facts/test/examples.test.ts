import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeFields, validateFactsText } from "../src/index.js";
import { EXAMPLES_DIR, exampleFiles, loadExample } from "./helpers.js";

const files = exampleFiles();

// Calendar days from `a`'s day to `b`'s day in Asia/Shanghai (UTC+8, no DST), like `n.natural_days_between`.
function naturalDaysBetween(a: string, b: string): number {
  const day = (s: string) => Math.floor((Date.parse(s) + 8 * 3_600_000) / 86_400_000);
  return day(b) - day(a);
}
const AS_OF = "2026-11-21T00:00:00+08:00";

describe("examples", () => {
  it("has at least the 12 stories the issue asks for", () => {
    expect(files).toEqual(
      expect.arrayContaining([
        "ugc-forum-no-security-api.json",
        "ugc-check-defined-never-called.json",
        "news-filing-pending-8-days.json",
        "overseas-news-filing-pending-8-days.json",
        "update-adds-filing-category.json",
        "ecommerce-deposit-over-single-payment-limit.json",
        "privacy-guide-vague-purposes.json",
        "complaint-entry-imitation.json",
        "forced-follow-ordering.json",
        "misleading-nickname.json",
        "superapp-inspection-ai-reports.json",
        "clean-app.json",
      ]),
    );
  });

  it.each(files)("%s is valid, strictly, with no warnings", (file) => {
    const result = validateFactsText(readFileSync(EXAMPLES_DIR + file, "utf8"), { file, strict: true });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it("are each listed once in examples/README.md, and the README lists nothing else", () => {
    const readme = readFileSync(`${EXAMPLES_DIR}README.md`, "utf8");
    const listed = [...readme.matchAll(/^\| \[([^\]]+\.json)\]\(\1\) \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(files);
  });

  it("exercise nearly every field of the schema", () => {
    const seen = new Set<string>();
    const stack: Array<[unknown, string]> = files.map((f) => [loadExample(f), ""]);
    while (stack.length > 0) {
      const [value, path] = stack.pop()!;
      if (Array.isArray(value)) for (const item of value) stack.push([item, `${path}[]`]);
      else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
          const p = path ? `${path}.${k}` : k;
          seen.add(p);
          stack.push([v, p]);
        }
      }
    }
    const unused = describeFields()
      .map((f) => f.pathText)
      .filter((p) => !seen.has(p));
    // Rarely set timestamps; everything else must appear in some story.
    expect(unused).toEqual([
      "filing.takenDownAt",
      "trade.disputes[].ruling.executedAt",
      "trade.advanceCompensations[].repaidAt",
      "enforcement.notices[].rectifiedAt",
    ]);
  });

  it("all observe at 2026-11-21 09:00 +08:00", () => {
    for (const f of files) expect(loadExample(f).observedAt).toBe("2026-11-21T09:00:00+08:00");
  });
});

describe("example stories, as of 2026-11-21", () => {
  it("the news filing notice is 8 natural days old, for both entities, with no pre-launch notice yet", () => {
    for (const f of ["news-filing-pending-8-days.json", "overseas-news-filing-pending-8-days.json"]) {
      const filing = loadExample(f).filing as { notifiedAt: string; status: string; preLaunch?: unknown };
      expect(naturalDaysBetween(filing.notifiedAt, AS_OF)).toBe(8);
      expect(filing.status).toBe("pending");
      expect(filing.preLaunch).toBeUndefined();
    }
    expect((loadExample("overseas-news-filing-pending-8-days.json").entity as { type: string }).type).toBe(
      "overseas_non_enterprise",
    );
    expect((loadExample("news-filing-pending-8-days.json").entity as { type: string }).type).toBe(
      "enterprise",
    );
  });

  it("the update involves a filing category that was not filed before", () => {
    const subs = loadExample("update-adds-filing-category.json").submissions as Array<{
      kind: string;
      filingCategories: string[];
      filedCategoriesBefore: string[];
    }>;
    const update = subs.at(-1)!;
    expect(update.kind).toBe("update");
    expect(update.filingCategories.filter((c) => !update.filedCategoriesBefore.includes(c))).toEqual([
      "社交/社区论坛",
    ]);
  });

  it("the deposit due is above the 50,000-yuan single-payment limit", () => {
    const trade = loadExample("ecommerce-deposit-over-single-payment-limit.json").trade as {
      deposit: { amountDue: number; paymentAttempts: Array<{ amount: number; outcome: string }> };
    };
    expect(trade.deposit.amountDue).toBeGreaterThan(50_000 * 100);
    expect(trade.deposit.paymentAttempts.map((a) => a.outcome)).toContain("over_single_limit");
  });

  it("the forum calls no content-security API, and the notes app's calls are never reached", () => {
    const none = loadExample("ugc-forum-no-security-api.json").moderation as { securityChecks: unknown[] };
    expect(none.securityChecks).toEqual([]);
    const dead = loadExample("ugc-check-defined-never-called.json").moderation as {
      securityChecks: Array<{ reachedFromUserFlow: boolean }>;
    };
    expect(dead.securityChecks.length).toBeGreaterThan(0);
    expect(dead.securityChecks.every((c) => !c.reachedFromUserFlow)).toBe(true);
  });
});
