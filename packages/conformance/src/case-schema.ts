/**
 * The case-file JSON Schema (`schema/case-file.schema.json`), compiled once with ajv, and the
 * translation of ajv's errors into messages in the house style (lowercase, user input in
 * backticks, a `help` with the fix when one is known).
 *
 * A subschema may carry `x-message`: when a keyword under it fails, that message replaces ajv's
 * (so `not: {required: [facts, base]}` reads "give `facts` … or `base` …, not both").
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { escapePointerToken, parsePointer } from "@norma/facts";

/** The case-file schema as JSON. */
export const caseFileSchema = JSON.parse(
  readFileSync(new URL("../schema/case-file.schema.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

/** One schema violation: where (a pointer into the case file), what, and whether to point at the key. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  help?: string;
  /** True when the pointer names a key that should not be there (locate the key, not its value). */
  atKey: boolean;
}

let validators: { domain: ValidateFunction; language: ValidateFunction } | null = null;

function compiled(): { domain: ValidateFunction; language: ValidateFunction } {
  if (validators) return validators;
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  ajv.addKeyword({ keyword: "x-message", schemaType: "string" });
  ajv.addSchema(caseFileSchema);
  const id = caseFileSchema.$id as string;
  validators = {
    domain: ajv.getSchema(id)!,
    language: ajv.getSchema(`${id}#/$defs/languageFile`)!,
  };
  return validators;
}

/** Validates a case-file document; an empty list means it conforms to the schema. */
export function validateCaseFileDocument(doc: unknown, kind: "domain" | "language"): SchemaProblem[] {
  const validate = compiled()[kind];
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  // A failed combinator (anyOf, oneOf) also reports why each branch failed; its own error says
  // it better (with its `x-message`), so the branch errors are dropped.
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const isBranchError = (e: ErrorObject) =>
    combinators.some(
      (c) =>
        c !== e && e.instancePath.startsWith(c.instancePath) && e.schemaPath.startsWith(c.schemaPath + "/"),
    );
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    if (isBranchError(e)) continue;
    const p = translate(e);
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function translate(e: ErrorObject): SchemaProblem {
  const owner = (e.parentSchema ?? {}) as Record<string, unknown>;
  const custom = typeof owner["x-message"] === "string" ? owner["x-message"] : undefined;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((owner.properties as Record<string, unknown> | undefined) ?? {});
      const s = suggest(name, allowed);
      return {
        pointer: `${e.instancePath}/${escapePointerToken(String(name))}`,
        message: `unknown field \`${name}\``,
        help: s
          ? `did you mean \`${s}\`?`
          : (custom ?? `the fields here are ${allowed.map((a) => `\`${a}\``).join(", ")}`),
        atKey: true,
      };
    }
    case "required":
      if (custom) return { pointer: e.instancePath, message: custom, atKey: false };
      return {
        pointer: e.instancePath,
        message: `missing required field \`${String(params.missingProperty)}\``,
        atKey: false,
      };
  }
  if (custom) return { pointer: e.instancePath, message: custom, atKey: false };
  const what = describe(e.instancePath);
  switch (e.keyword) {
    case "type":
      return {
        pointer: e.instancePath,
        message: `${what} must be ${article(String(params.type))}`,
        atKey: false,
      };
    case "enum":
      return {
        pointer: e.instancePath,
        message: `${what} must be one of ${(params.allowedValues as unknown[]).map((v) => `\`${String(v)}\``).join(", ")}`,
        atKey: false,
      };
    case "const":
      return {
        pointer: e.instancePath,
        message: `${what} must be \`${JSON.stringify(params.allowedValue)}\``,
        atKey: false,
      };
    case "minItems":
      return {
        pointer: e.instancePath,
        message: `${what} needs at least ${String(params.limit)} item${params.limit === 1 ? "" : "s"}`,
        atKey: false,
      };
    case "uniqueItems":
      return {
        pointer: e.instancePath,
        message: `${what} lists the same item twice (items ${String(params.j)} and ${String(params.i)})`,
        atKey: false,
      };
    case "minLength":
      return { pointer: e.instancePath, message: `${what} must not be empty`, atKey: false };
    case "minimum":
      return {
        pointer: e.instancePath,
        message: `${what} must be at least ${String(params.limit)}`,
        atKey: false,
      };
    default:
      return { pointer: e.instancePath, message: `${what} ${e.message ?? "is invalid"}`, atKey: false };
  }
}

function describe(pointer: string): string {
  const tokens = parsePointer(pointer);
  const last = tokens.at(-1);
  if (last === undefined) return "the file";
  if (/^\d+$/.test(last)) return `item ${last} of \`${tokens.at(-2) ?? ""}\``;
  return `\`${last}\``;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "an integer",
    number: "a number",
    boolean: "`true` or `false`",
    "string,null": "a string or `null`",
    null: "`null`",
  };
  return names[type] ?? `of type ${type}`;
}

/** The closest candidate within edit distance 2 (case-insensitive), or null. */
export function suggest(name: string, candidates: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
