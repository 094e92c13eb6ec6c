import { describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describeFields, FACTS_SCHEMA_ID, factsSchema, type SchemaNode } from "../src/index.js";

interface Visit {
  node: SchemaNode;
  where: string;
  isProperty: boolean;
}

// Every schema node under `properties`, `items` and `$defs`, with where it is.
function walk(): Visit[] {
  const out: Visit[] = [];
  const stack: Visit[] = [{ node: factsSchema, where: "#", isProperty: false }];
  while (stack.length > 0) {
    const v = stack.pop()!;
    out.push(v);
    for (const [name, child] of Object.entries(v.node.properties ?? {})) {
      stack.push({ node: child, where: `${v.where}/properties/${name}`, isProperty: true });
    }
    if (v.node.items) stack.push({ node: v.node.items, where: `${v.where}/items`, isProperty: false });
    for (const [name, child] of Object.entries(v.node.$defs ?? {})) {
      stack.push({ node: child, where: `${v.where}/$defs/${name}`, isProperty: false });
    }
  }
  return out;
}

function resolved(node: SchemaNode): SchemaNode {
  return node.$ref ? { ...factsSchema.$defs![node.$ref.replace("#/$defs/", "")]!, ...node } : node;
}

const nodes = walk();
const properties = nodes.filter((v) => v.isProperty);

describe("facts schema", () => {
  it("is draft 2020-12 with a versioned $id and a required schemaVersion const", () => {
    expect(factsSchema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(factsSchema.$id).toBe(FACTS_SCHEMA_ID);
    expect(factsSchema.required).toContain("schemaVersion");
    expect(factsSchema.properties!.schemaVersion!.const).toBe(1);
  });

  it("compiles under ajv strict mode with the annotation keywords registered", () => {
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    ajv.addVocabulary(["x-source", "x-unit", "x-expected"]);
    expect(() => ajv.compile(factsSchema as object)).not.toThrow();
    const bare = new Ajv2020({ strict: true, validateFormats: false });
    expect(() => bare.compile(factsSchema as object)).toThrow(/x-source/);
  });

  it("has a description on every field", () => {
    const missing = properties
      .filter((v) => !v.node.description || v.node.description.length < 10)
      .map((v) => v.where);
    expect(missing).toEqual([]);
  });

  it("names every field in camelCase", () => {
    const bad = properties
      .map((v) => v.where.split("/").pop()!)
      .filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n));
    expect(bad).toEqual([]);
  });

  it("says where every leaf field comes from", () => {
    const leaves = properties.filter((v) => {
      const s = resolved(v.node);
      return s.type !== "object" && !(s.type === "array" && s.items && resolved(s.items).type === "object");
    });
    expect(leaves.length).toBeGreaterThan(150);
    const missing = leaves.filter(
      (v) => !["package", "operator", "platform", "document"].includes(String(v.node["x-source"])),
    );
    expect(missing.map((v) => v.where)).toEqual([]);
  });

  it("closes every object and forbids reserved names in it", () => {
    const objects = nodes.filter((v) => resolved(v.node).type === "object");
    expect(objects.length).toBeGreaterThan(40);
    const open = objects.filter(
      (v) => v.node.additionalProperties !== false || v.node.propertyNames?.$ref !== "#/$defs/fieldName",
    );
    expect(open.map((v) => v.where)).toEqual([]);
  });

  it("keeps money in integer fen, and every money field says so", () => {
    const money = describeFields().filter((f) => f.unit === "fen");
    expect(money.map((f) => f.pathText)).toEqual([
      "trade.gmvByMonth[].gmv",
      "trade.deposit.amountDue",
      "trade.deposit.balance",
      "trade.deposit.paymentAttempts[].amount",
      "trade.disputes[].ruling.compensation",
      "trade.advanceCompensations[].amount",
    ]);
    for (const f of money) {
      expect(f).toMatchObject({ jsonType: "integer", type: "money", minimum: 0 });
      expect(f.description).toMatch(/fen/);
    }
    // Nothing else that looks like an amount escaped the unit.
    const suspicious = describeFields().filter(
      (f) =>
        f.type !== "list" &&
        f.type !== "record" &&
        /amount|balance|gmv|compensation|price|fee/i.test(f.path.at(-1)!) &&
        f.unit !== "fen",
    );
    expect(suspicious.map((f) => f.pathText)).toEqual([]);
  });

  it("uses format date-time for every instant and date for calendar days", () => {
    const instants = describeFields().filter((f) => /At$|^deadline$|^since$|^dueBy$/.test(f.path.at(-1)!));
    expect(instants.length).toBeGreaterThan(30);
    expect(instants.filter((f) => f.format !== "date-time").map((f) => f.pathText)).toEqual([]);
    expect(
      describeFields()
        .filter((f) => f.format === "date")
        .map((f) => f.pathText),
    ).toEqual(["moderation.usage[].day"]);
  });

  it("types the items of every unique list, so uniqueness is checked by hashing", () => {
    const unique = nodes.filter((v) => v.node.uniqueItems);
    expect(unique.length).toBeGreaterThan(10);
    expect(unique.filter((v) => v.node.items?.type === undefined).map((v) => v.where)).toEqual([]);
  });

  it("bounds every string and every list", () => {
    const unboundedStrings = nodes.filter((v) => {
      const s = resolved(v.node);
      return s.type === "string" && s.maxLength === undefined && !s.enum && s.const === undefined;
    });
    expect(unboundedStrings.map((v) => v.where)).toEqual([]);
    const unboundedLists = nodes.filter(
      (v) => resolved(v.node).type === "array" && v.node.maxItems === undefined,
    );
    expect(unboundedLists.map((v) => v.where)).toEqual([]);
    // validateFacts refuses longer lists before the schema runs (MAX_LIST_ITEMS).
    const largest = Math.max(...nodes.map((v) => v.node.maxItems ?? 0));
    expect(largest).toBe(10_000);
  });
});
