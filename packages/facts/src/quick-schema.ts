/**
 * The schema and formats of the fail-fast validator (`validateFacts` runs it first on every
 * document, and the full validator only on the documents it refuses).
 *
 * INVARIANT: the quick validator accepts only documents the facts schema accepts. It may refuse
 * a few more (those then get the full validator, which finds nothing and reports nothing), so
 * every change below is checked to give up no refusal:
 *
 * - `propertyNames` is dropped from a closed object (`additionalProperties: false`, no
 *   `patternProperties`) when every name of its `properties` passes it: a field with a name the
 *   names schema refuses is then not one of `properties`, so `additionalProperties` refuses it.
 *   (Each of the 52 objects otherwise runs the field-name schema on every field.)
 * - `maxLength` counts UTF-16 code units (`s.length`) instead of code points: never fewer, so
 *   every string the schema refuses is refused. `minLength` of 0 or 1 does the same, which is then
 *   exact (a string has a code point exactly when it has a code unit); a larger one is kept.
 * - `date` and `date-time` check the common shapes by character codes, and ask the formats of
 *   the full validator for anything else.
 * - Every object schema below the root moves to `$defs` and is referenced from where it was (the
 *   same schema): ajv then compiles one function per object instead of one function for the whole
 *   schema, which V8 found too large to optimize (twice as slow).
 *
 * Every rewritten place is one where refusing more refuses the document more (not under `not`).
 * A schema with a keyword this file does not know is kept as it is.
 */
import { _, type Ajv2020, type KeywordCxt } from "ajv/dist/2020.js";
import type { SchemaNode } from "./schema.js";

/** The keywords {@link quickSchema} knows (a schema with any other one is not changed). */
const KNOWN_KEYWORDS = new Set([
  "$schema",
  "$id",
  "$ref",
  "$defs",
  "$comment",
  "title",
  "description",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "enum",
  "const",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "not",
]);

/** The keywords of the quick schema that count UTF-16 code units. */
export const MAX_UNITS = "x-quick-maxUnits";
export const MIN_UNITS = "x-quick-minUnits";

/** Adds the keywords {@link quickSchema} writes to an ajv instance. */
export function addQuickKeywords(ajv: Ajv2020): void {
  ajv.addKeyword({
    keyword: MAX_UNITS,
    type: "string",
    schemaType: "number",
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.length > ${cxt.schema as number}`),
  });
  ajv.addKeyword({
    keyword: MIN_UNITS,
    type: "string",
    schemaType: "number",
    code: (cxt: KeywordCxt) => cxt.fail(_`${cxt.data}.length < ${cxt.schema as number}`),
  });
}

/**
 * The quick validator's schema (see the file comment), or `schema` itself when it has something
 * this file does not know. `acceptsName(names, name)` tells whether the schema `names` (a
 * `propertyNames` value, resolved against `schema`'s `$defs`) accepts the field name `name`.
 */
export function quickSchema(
  schema: Readonly<SchemaNode>,
  acceptsName: (names: SchemaNode, name: string) => boolean,
): SchemaNode {
  try {
    const context: Context = { acceptsName, hoisted: {}, count: 0 };
    const out = rewrite(schema, context, "root");
    if (context.count > 0) {
      const defs = out.$defs ?? {};
      for (const name of Object.keys(context.hoisted)) if (name in defs) throw new Unknown();
      out.$defs = { ...defs, ...context.hoisted };
    }
    return out;
  } catch (e) {
    if (e instanceof Unknown) return schema;
    throw e;
  }
}

class Unknown {}

interface Context {
  acceptsName: (names: SchemaNode, name: string) => boolean;
  /** Object schemas moved to `$defs`, by their new name. */
  hoisted: Record<string, SchemaNode>;
  count: number;
}

/** Where a schema is: the root, an entry of `$defs`, or below either. */
type Place = "root" | "def" | "sub";

function rewrite(node: SchemaNode, context: Context, place: Place): SchemaNode {
  if (node === null || typeof node !== "object" || Array.isArray(node)) throw new Unknown();
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-")) {
      out[key] = value;
      continue;
    }
    if (!KNOWN_KEYWORDS.has(key)) throw new Unknown();
    switch (key) {
      case "$id":
      case "$schema":
      case "$defs":
        // Below the root, a base URI would change what a moved schema's `$ref` means.
        if (place !== "root") throw new Unknown();
        if (key !== "$defs") {
          out[key] = value;
          break;
        }
      // falls through
      case "properties": {
        const map: Record<string, SchemaNode> = {};
        for (const [name, sub] of Object.entries(value as Record<string, SchemaNode>)) {
          map[name] = rewrite(sub, context, key === "$defs" ? "def" : "sub");
        }
        out[key] = map;
        break;
      }
      case "not":
        // Refusing more inside `not` would accept more: kept as it is, and must not reach a
        // `$defs` entry (those are rewritten).
        if (JSON.stringify(value).includes('"$ref"')) throw new Unknown();
        out.not = value as SchemaNode;
        break;
      case "items":
      case "propertyNames":
        out[key as "items" | "propertyNames"] = rewrite(value as SchemaNode, context, "sub");
        break;
      case "maxLength":
        out[MAX_UNITS] = value;
        break;
      case "minLength":
        if (typeof value === "number" && value <= 1) out[MIN_UNITS] = value;
        else out.minLength = value as number;
        break;
      default:
        out[key] = value;
    }
  }
  const names = node.propertyNames;
  if (
    names !== undefined &&
    node.additionalProperties === false &&
    Object.keys(node.properties ?? {}).every((name) => context.acceptsName(names, name))
  ) {
    delete out.propertyNames;
  }
  if (place === "sub" && out.properties !== undefined) {
    const name = `quick-object-${context.count++}`;
    context.hoisted[name] = out;
    return { $ref: `#/$defs/${name}` };
  }
  return out;
}

// ---------------------------------------------------------------- formats

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** True when `s` starts with `YYYY-MM-DD`, a real day of the proleptic Gregorian calendar. */
function startsWithDay(s: string): boolean {
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (century < 0 || yy < 0 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!);
}

/** The `date` format: `YYYY-MM-DD` checked here, anything else by `full`. */
export function quickDate(full: (s: string) => boolean): (s: string) => boolean {
  return (s) => (s.length === 10 && startsWithDay(s)) || full(s);
}

/**
 * The `date-time` format: `YYYY-MM-DDThh:mm:ss` with `Z` or `±hh:mm` (no fraction, no leap
 * second) checked here, anything else by `full`.
 */
export function quickDateTime(full: (s: string) => boolean): (s: string) => boolean {
  return (s) => {
    const n = s.length;
    if ((n === 20 || n === 25) && startsWithDay(s) && s.charCodeAt(10) === 0x54) {
      const hour = twoDigits(s, 11);
      const minute = twoDigits(s, 14);
      const second = twoDigits(s, 17);
      if (
        s.charCodeAt(13) === 0x3a &&
        s.charCodeAt(16) === 0x3a &&
        hour >= 0 &&
        hour <= 23 &&
        minute >= 0 &&
        minute <= 59 &&
        second >= 0 &&
        second <= 59
      ) {
        if (n === 20) {
          if (s.charCodeAt(19) === 0x5a) return true;
        } else {
          const sign = s.charCodeAt(19);
          const offsetHour = twoDigits(s, 20);
          const offsetMinute = twoDigits(s, 23);
          if (
            (sign === 0x2b || sign === 0x2d) &&
            s.charCodeAt(22) === 0x3a &&
            offsetHour >= 0 &&
            offsetHour <= 23 &&
            offsetMinute >= 0 &&
            offsetMinute <= 59
          ) {
            return true;
          }
        }
      }
    }
    return full(s);
  };
}
