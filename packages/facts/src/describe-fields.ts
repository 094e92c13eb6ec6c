import { factsSchema, type FactSource, type SchemaNode } from "./schema.js";

/**
 * The Norma type of a fact, as the policy checker sees it. `money` is integer fen; `percent` is a
 * fraction (`0.05` is 5%); `date` is `YYYY-MM-DD`; `datetime` is RFC 3339 with offset; `list` and
 * `record` are described further by `items` and `fields`.
 */
export type FactTypeName =
  | "boolean"
  | "integer"
  | "decimal"
  | "percent"
  | "money"
  | "date"
  | "datetime"
  | "string"
  | "list"
  | "record";

/** The shape of a value: its type and the constraints a checker or a reader may rely on. */
export interface FieldShape {
  /** The JSON type (`integer` for money, counts, minutes). */
  jsonType: "object" | "array" | "string" | "integer" | "number" | "boolean";
  /** The Norma type; see {@link FactTypeName}. */
  type: FactTypeName;
  /** `date-time` or `date` for instants and calendar dates. */
  format?: string;
  /** The `x-unit` annotation: `fen`, `count`, `minutes`, `ratio`, `score`. */
  unit?: string;
  /** The closed set of values, for enums. */
  enum?: ReadonlyArray<string | number>;
  /** The only value allowed (`schemaVersion`). */
  const?: string | number;
  /** The pattern a string must match, and what it means in words. */
  pattern?: string;
  expected?: string;
  minimum?: number;
  maximum?: number;
  /** For lists: the shape of each item. */
  items?: FieldShape;
  /** For records: the names of the fields, in schema order. */
  fields?: readonly string[];
}

/** One field of the facts schema, for the policy checker and the docs generator. */
export interface FieldInfo extends FieldShape {
  /**
   * Property names from the root; `[]` steps into the items of a list
   * (`["submissions", "[]", "kind"]` is the `kind` of every submission).
   */
  path: readonly string[];
  /** The path as people write it: `submissions[].kind`. */
  pathText: string;
  /** What the field means, its unit and where it comes from. */
  description: string;
  /** Where the fact comes from (`x-source`); absent only on records and lists that mix sources. */
  source?: FactSource;
  /**
   * True when the field must be present whenever its parent object is; the checker types a
   * non-required field as `T?` (possibly absent).
   */
  required: boolean;
  /** True when the field is present in every valid document (it and every enclosing record field are required). */
  alwaysPresent: boolean;
}

const ITEMS = "[]";

function resolveRef(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const prefix = "#/$defs/";
  const target = node.$ref.startsWith(prefix)
    ? factsSchema.$defs?.[node.$ref.slice(prefix.length)]
    : undefined;
  if (!target) throw new Error(`facts schema: unresolvable $ref ${node.$ref}`);
  const { $ref: _ref, ...local } = node;
  return { ...resolveRef(target), ...local };
}

function shapeOf(raw: SchemaNode): FieldShape {
  const s = resolveRef(raw);
  const jsonType = s.type ?? (typeof s.const === "number" ? "integer" : "string");
  const shape: FieldShape = { jsonType, type: factType(s, jsonType) };
  if (s.format) shape.format = s.format;
  if (s["x-unit"]) shape.unit = s["x-unit"];
  if (s.enum) shape.enum = s.enum;
  if (s.const !== undefined) shape.const = s.const;
  if (s.pattern) shape.pattern = s.pattern;
  if (s["x-expected"]) shape.expected = s["x-expected"];
  if (s.minimum !== undefined) shape.minimum = s.minimum;
  if (s.maximum !== undefined && s.maximum !== Number.MAX_SAFE_INTEGER) shape.maximum = s.maximum;
  if (jsonType === "array" && s.items) shape.items = shapeOf(s.items);
  if (jsonType === "object") shape.fields = Object.keys(s.properties ?? {});
  return shape;
}

function factType(s: SchemaNode, jsonType: FieldShape["jsonType"]): FactTypeName {
  if (s["x-unit"] === "fen") return "money";
  if (s["x-unit"] === "ratio") return "percent";
  if (s.format === "date-time") return "datetime";
  if (s.format === "date") return "date";
  switch (jsonType) {
    case "object":
      return "record";
    case "array":
      return "list";
    case "number":
      return "decimal";
    default:
      return jsonType;
  }
}

function infoOf(
  raw: SchemaNode,
  path: string[],
  required: boolean,
  alwaysPresent: boolean,
  fallback?: SchemaNode,
): FieldInfo {
  const s = resolveRef(raw);
  const source = s["x-source"] ?? fallback?.["x-source"];
  return {
    ...shapeOf(raw),
    path,
    pathText: pathText(path),
    description: s.description ?? fallback?.description ?? "",
    ...(source ? { source } : {}),
    required,
    alwaysPresent,
  };
}

function pathText(path: readonly string[]): string {
  return path.reduce((text, part) => (part === ITEMS ? `${text}[]` : text ? `${text}.${part}` : part), "");
}

let cached: readonly FieldInfo[] | undefined;

/**
 * Every field of the facts schema, depth first in schema order: records' fields, and the fields of
 * list items under a `[]` path segment. The list and its entries are frozen and shared.
 */
export function describeFields(): readonly FieldInfo[] {
  if (cached) return cached;
  const out: FieldInfo[] = [];
  interface Visit {
    node: SchemaNode;
    path: string[];
    required: boolean;
    alwaysPresent: boolean;
  }
  // Iterative pre-order walk, children pushed in reverse so they pop in schema order.
  const stack: Visit[] = [{ node: factsSchema, path: [], required: true, alwaysPresent: true }];
  while (stack.length > 0) {
    const { node, path, required, alwaysPresent } = stack.pop()!;
    if (path.length > 0 && path[path.length - 1] !== ITEMS) {
      out.push(Object.freeze(infoOf(node, path, required, alwaysPresent)));
    }
    const s = resolveRef(node);
    const children: Visit[] = [];
    if (s.type === "object") {
      const req = new Set(s.required ?? []);
      for (const [name, child] of Object.entries(s.properties ?? {})) {
        const isRequired = req.has(name);
        children.push({
          node: child,
          path: [...path, name],
          required: isRequired,
          alwaysPresent: alwaysPresent && isRequired,
        });
      }
    } else if (s.type === "array" && s.items) {
      children.push({ node: s.items, path: [...path, ITEMS], required: true, alwaysPresent: false });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  cached = Object.freeze(out);
  return cached;
}

/**
 * The field at `path` (property names, `[]` or a decimal index for list items), or `undefined`
 * when the schema has no such field. For a `[]` step the result describes one item of the list.
 */
export function resolveSchemaAt(path: readonly string[]): FieldInfo | undefined {
  let node: SchemaNode = factsSchema;
  let required = true;
  let alwaysPresent = true;
  let parent: SchemaNode | undefined;
  const normalized: string[] = [];
  for (const part of path) {
    const s = resolveRef(node);
    if (s.type === "array" && (part === ITEMS || /^(0|[1-9][0-9]*)$/.test(part))) {
      if (!s.items) return undefined;
      parent = s;
      node = s.items;
      required = true;
      alwaysPresent = false;
      normalized.push(ITEMS);
      continue;
    }
    if (s.type !== "object" || !s.properties || !Object.prototype.hasOwnProperty.call(s.properties, part)) {
      return undefined;
    }
    parent = undefined;
    node = s.properties[part]!;
    required = (s.required ?? []).includes(part);
    alwaysPresent = alwaysPresent && required;
    normalized.push(part);
  }
  return infoOf(node, normalized, required, alwaysPresent, parent);
}
