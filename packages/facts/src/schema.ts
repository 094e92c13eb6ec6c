import { readFileSync } from "node:fs";

/** The `$id` of the facts schema this package implements. */
export const FACTS_SCHEMA_ID = "https://norma.dev/schemas/facts/1";

/** The version a facts document states in `schemaVersion` and a policy names in `reads facts@1`. */
export const FACTS_SCHEMA_VERSION = 1;

/**
 * A node of the facts schema: the subset of JSON Schema 2020-12 it uses, plus the annotations
 * `x-source` (where a fact comes from), `x-unit` (its unit) and `x-expected` (a phrase for messages).
 */
export interface SchemaNode {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  "x-source"?: FactSource;
  "x-unit"?: string;
  "x-expected"?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  enum?: Array<string | number>;
  const?: string | number;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  not?: SchemaNode;
  $defs?: Record<string, SchemaNode>;
  [annotation: string]: unknown;
}

/**
 * Where a fact comes from: `package` (read from the mini-program source package), `operator`
 * (declared by the operator), `platform` (a platform record), `document` (about the facts document
 * itself: its schema version and when it was collected).
 */
export type FactSource = "package" | "operator" | "platform" | "document";

/**
 * The facts schema (JSON Schema draft 2020-12, `$id` {@link FACTS_SCHEMA_ID}) as a JSON object.
 *
 * Read once from `schema/facts.schema.json`, the source of truth. Frozen: callers must not modify it.
 */
export const factsSchema: Readonly<SchemaNode> = deepFreeze(
  JSON.parse(readFileSync(new URL("../schema/facts.schema.json", import.meta.url), "utf8")) as SchemaNode,
);

function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return value;
}
