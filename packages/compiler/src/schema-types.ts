/**
 * Reads Norma types out of the facts JSON Schema, so the checker can resolve every field path a
 * policy names.
 *
 * Mapping: `boolean` → boolean; `integer` → integer, or money when `x-unit` is `fen`; `number` →
 * decimal; `string` with `format: date-time` → datetime, `format: date` → date, otherwise string
 * (with its `enum`); `array` → list; `object` → record. A property not in `required` (or whose type
 * admits `null`) is optional. Local `$ref`s (`#/$defs/…`) are followed.
 */
import { T, optional, type Type } from "./types.js";

type JsonSchema = { [key: string]: unknown };

/** A schema field with its description, for hovers and "did you mean". */
export interface FieldType {
  type: Type;
  description: string | null;
}

/** Converts JSON Schemas into Norma types, memoizing `$ref` targets. */
export class SchemaTypes {
  private readonly cache = new Map<object, Type>();
  private readonly descriptions = new WeakMap<Type, Map<string, string>>();

  constructor(private readonly root: JsonSchema) {}

  /** The type of the whole facts document (a record). */
  rootType(): Type {
    return this.toType(this.root);
  }

  /** Per-field descriptions of a record type produced by this converter. */
  fieldDescriptions(record: Type): ReadonlyMap<string, string> | undefined {
    return this.descriptions.get(record);
  }

  private resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let i = 0; i < 32 && typeof s.$ref === "string"; i++) {
      const ref = s.$ref as string;
      if (!ref.startsWith("#/")) break;
      let target: unknown = this.root;
      for (const part of ref.slice(2).split("/")) {
        const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
        target = target && typeof target === "object" ? (target as JsonSchema)[key] : undefined;
      }
      if (!target || typeof target !== "object") break;
      s = {
        ...(target as JsonSchema),
        ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")),
      };
    }
    return s;
  }

  private toType(input: JsonSchema): Type {
    const cached = this.cache.get(input);
    if (cached) return cached;
    const schema = this.resolve(input);
    let nullable = false;
    let types: string[] = [];
    if (Array.isArray(schema.type)) types = schema.type.filter((t): t is string => typeof t === "string");
    else if (typeof schema.type === "string") types = [schema.type];
    const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
    if (types.length === 0 && Array.isArray(alternatives)) {
      const nonNull = alternatives.filter((a) => this.resolve(a).type !== "null");
      nullable = nonNull.length < alternatives.length;
      const first = nonNull[0];
      const t = first ? this.toType(first) : T.error;
      const result = nullable ? optional(t) : t;
      this.cache.set(input, result);
      return result;
    }
    if (types.includes("null")) {
      nullable = true;
      types = types.filter((t) => t !== "null");
    }
    if (types.length === 0 && Array.isArray(schema.enum)) types = ["string"];
    if (types.length === 0 && schema.const !== undefined) types = [typeof schema.const];
    let t: Type;
    switch (types[0]) {
      case "boolean":
        t = T.boolean;
        break;
      case "integer":
        t = schema["x-unit"] === "fen" ? T.money : T.integer;
        break;
      case "number":
        t = schema["x-unit"] === "fen" ? T.money : T.decimal;
        break;
      case "string": {
        if (schema.format === "date-time") t = T.datetime;
        else if (schema.format === "date") t = T.date;
        else if (Array.isArray(schema.enum)) {
          t = { kind: "string", enum: schema.enum.filter((e): e is string => typeof e === "string") };
        } else if (typeof schema.const === "string") t = { kind: "string", enum: [schema.const] };
        else t = T.string;
        break;
      }
      case "array": {
        const items = schema.items;
        const placeholder: Type = { kind: "list", element: T.error };
        this.cache.set(input, placeholder);
        t = T.list(items && typeof items === "object" ? this.toType(items as JsonSchema) : T.error);
        break;
      }
      case "object": {
        const fields = new Map<string, Type>();
        const record: Type = { kind: "record", fields };
        this.cache.set(input, record);
        const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
        const req = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
        const descriptions = new Map<string, string>();
        for (const [name, sub] of Object.entries(props)) {
          if (!sub || typeof sub !== "object") continue;
          const ft = this.toType(sub);
          fields.set(name, req.has(name) ? ft : optional(ft));
          const d = this.resolve(sub).description;
          if (typeof d === "string") descriptions.set(name, d);
        }
        this.descriptions.set(record, descriptions);
        t = record;
        break;
      }
      default:
        t = T.error;
    }
    const result = nullable ? optional(t) : t;
    if (result !== t && t.kind === "record") this.descriptions.set(result, this.descriptions.get(t)!);
    this.cache.set(input, result);
    return result;
  }
}
