import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeFields } from "../src/index.js";
import { FACTS_REFERENCE_PATH, renderFactsReference } from "../src/generate-docs.js";

describe("docs/facts-schema.md", () => {
  it("is up to date with the schema (run `pnpm --filter @norma/facts gen:docs`)", () => {
    expect(readFileSync(FACTS_REFERENCE_PATH, "utf8")).toBe(renderFactsReference());
  });

  it("has one row per field, with type, unit, source and required", () => {
    const doc = renderFactsReference();
    for (const f of describeFields()) expect(doc).toContain(`| \`${f.pathText}\` |`);
    expect(doc).toContain("| `trade.deposit.balance` | money | fen | platform | yes |");
    expect(doc).toContain("| `entity.operatorName` | string |  | platform | no |");
  });
});
