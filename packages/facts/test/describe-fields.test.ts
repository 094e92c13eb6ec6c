import { describe, expect, it } from "vitest";
import { describeFields, resolveSchemaAt } from "../src/index.js";

describe("describeFields", () => {
  const fields = describeFields();

  it("lists fields depth first in schema order, with `[]` for list items", () => {
    const paths = fields.map((f) => f.pathText);
    expect(paths.slice(0, 6)).toEqual([
      "schemaVersion",
      "observedAt",
      "appId",
      "nickname",
      "intro",
      "entity",
    ]);
    expect(paths.indexOf("entity.type")).toBe(paths.indexOf("entity") + 1);
    expect(paths).toContain("submissions[].codeReview.status");
    expect(paths).toContain("inspection.ticket.reports[].score");
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("gives the Norma type, unit, source and presence of each field", () => {
    const byPath = new Map(fields.map((f) => [f.pathText, f]));
    expect(byPath.get("trade.deposit.balance")).toMatchObject({
      type: "money",
      jsonType: "integer",
      unit: "fen",
      source: "platform",
      required: true,
      alwaysPresent: false,
    });
    expect(byPath.get("filing.notifiedAt")).toMatchObject({
      type: "datetime",
      format: "date-time",
      required: true,
      alwaysPresent: false,
    });
    expect(byPath.get("entity.type")).toMatchObject({ type: "string", required: true, alwaysPresent: true });
    expect(byPath.get("entity.type")!.enum).toContain("overseas_non_enterprise");
    expect(byPath.get("entity.operatorName")).toMatchObject({ required: false, alwaysPresent: false });
    expect(byPath.get("moderation.passSampleRate")).toMatchObject({
      type: "percent",
      unit: "ratio",
      minimum: 0,
      maximum: 1,
    });
    expect(byPath.get("moderation.usage[].day")).toMatchObject({ type: "date", format: "date" });
    expect(byPath.get("moderation.openidSamples[].minutesSinceLastVisit")).toMatchObject({
      type: "integer",
      unit: "minutes",
    });
    expect(byPath.get("categories")).toMatchObject({
      type: "list",
      items: { type: "string", pattern: expect.any(String) as string },
    });
    expect(byPath.get("submissions")!.items).toMatchObject({
      type: "record",
      fields: expect.arrayContaining(["kind", "codeReview"]) as string[],
    });
    expect(byPath.get("schemaVersion")).toMatchObject({ const: 1, type: "integer", source: "document" });
  });

  it("is frozen and shared", () => {
    expect(describeFields()).toBe(fields);
    expect(Object.isFrozen(fields)).toBe(true);
    expect(Object.isFrozen(fields[0])).toBe(true);
  });
});

describe("resolveSchemaAt", () => {
  it.each([
    [
      ["filing", "status"],
      { pathText: "filing.status", type: "string", required: true, alwaysPresent: false },
    ],
    [["submissions", "[]"], { pathText: "submissions[]", type: "record", required: true }],
    [["submissions", "0", "kind"], { pathText: "submissions[].kind", type: "string" }],
    [["trade", "gmvByMonth", "[]", "gmv"], { type: "money", unit: "fen" }],
    [["categories", "[]"], { type: "string", source: "platform" }],
    [["appId"], { type: "string", required: true, alwaysPresent: true }],
    [[], { type: "record", pathText: "" }],
  ])("%j", (path, expected) => {
    expect(resolveSchemaAt(path)).toMatchObject(expected);
  });

  it.each([
    [["nope"]],
    [["filing", "statu"]],
    [["appId", "x"]],
    [["submissions", "kind"]],
    [["submissions", "-1"]],
    [["__proto__"]],
    [["constructor"]],
  ])("%j names no field", (path) => {
    expect(resolveSchemaAt(path)).toBeUndefined();
  });

  it("agrees with describeFields on every field", () => {
    for (const f of describeFields()) expect(resolveSchemaAt(f.path)).toEqual(f);
  });
});
