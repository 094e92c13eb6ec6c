import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractFacts } from "../src/index.js";
import { scanTemplate } from "../src/template-scan.js";

describe("never throws", () => {
  it("scanTemplate on arbitrary markup", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (s, sfc) => {
        expect(Array.isArray(scanTemplate(s, sfc))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("extractFacts on a project of arbitrary page sources: no errors, and every evidence line exists", async () => {
    const base = mkdtempSync(join(tmpdir(), "norma-extract-prop-"));
    let n = 0;
    const markup = fc
      .array(
        fc.constantFrom(
          "<view>",
          "</view>",
          '<button open-type="getPhoneNumber">',
          "<input ",
          'type="nickname"/>',
          "下载APP",
          "{{a<b}}",
          "<textarea/>",
          '"',
          "\n",
        ),
        { maxLength: 30 },
      )
      .map((a) => a.join(""));
    const script = fc
      .array(
        fc.constantFrom(
          "wx.getLocation(",
          "wx.cloud.callFunction({name:'x'})",
          "db.collection('c').add({})",
          "Page({",
          "})",
          "//",
          "/*",
          "'",
          "`${",
          "\n",
          "wx.toString()",
          "{",
          "}",
        ),
        { maxLength: 30 },
      )
      .map((a) => a.join(""));
    await fc.assert(
      fc.asyncProperty(markup, script, fc.string({ maxLength: 50 }), async (wxml, js, json) => {
        const dir = join(base, String(n++));
        mkdirSync(join(dir, "pages/a"), { recursive: true });
        writeFileSync(join(dir, "app.json"), '{ "pages": ["pages/a/a"] }');
        writeFileSync(join(dir, "pages/a/a.wxml"), wxml);
        writeFileSync(join(dir, "pages/a/a.js"), js);
        writeFileSync(join(dir, "pages/a/a.json"), json);
        const r = await extractFacts(dir);
        expect(r.errors).toEqual([]);
        for (const e of r.evidence) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(readFileSync(join(dir, e.file), "utf8").split("\n").length);
        }
      }),
      { numRuns: 40 },
    );
  });
});
