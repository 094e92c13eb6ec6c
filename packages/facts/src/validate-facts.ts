import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import {
  escapePointerToken,
  isWellFormed,
  loneSurrogateIndex,
  MAX_FACTS_DEPTH,
  previewValue,
  type FactError,
  type FactErrorCode,
} from "./fact-error.js";
import { parseFactsText, parsesWellFormed, type ParsedFacts } from "./parse-facts-json.js";
import { addQuickKeywords, quickDate, quickDateTime, quickSchema } from "./quick-schema.js";
import { factsSchema, type SchemaNode } from "./schema.js";

/** Options of {@link validateFacts}. */
export interface ValidateFactsOptions {
  /** Report fields the schema does not define as errors instead of warnings. */
  strict?: boolean;
}

/** The result of {@link validateFacts}. */
export interface FactsValidation {
  /** True when there are no errors (warnings allowed). No decision may be made from a document with `ok` false. */
  ok: boolean;
  /** Every error found, preflight errors first, then schema errors in schema order. */
  errors: FactError[];
  /** Problems that do not stop evaluation: fields the schema does not define (unless `strict`). */
  warnings: FactError[];
}

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv2020, options: { formats: string[]; keywords: boolean }) => void;

const RFC3339_SHAPE =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$/;

function formatFunction(name: string): (s: string) => boolean {
  const format = fullFormats[name as keyof typeof fullFormats] as
    { validate: (s: string) => boolean } | ((s: string) => boolean);
  return typeof format === "function" ? format : format.validate;
}
const fullDateTime = formatFunction("date-time");
const fullDate = formatFunction("date");

// RFC 3339 with the `T` separator and an offset: the runtime's `n.time` reads exactly this.
const dateTime = (s: string) => RFC3339_SHAPE.test(s) && fullDateTime(s);

const VOCABULARY = ["x-source", "x-unit", "x-expected"];

/**
 * The ajv instance of the full validator: collects every error (with the data, for the
 * messages), reading own properties only.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    ownProperties: true,
    verbose: true,
    messages: true,
  });
  addFormats(ajv, { formats: ["date"], keywords: false });
  ajv.addFormat("date-time", { type: "string", validate: dateTime });
  ajv.addVocabulary(VOCABULARY);
  return ajv;
}

/**
 * The ajv instance of the fail-fast validator, for the schema of `quickSchema`: it stops at the
 * first error, reads properties plainly (see `quickApplies`), and checks the formats as the full
 * validator does, the common shapes first.
 */
function newQuickAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: false,
    strict: true,
    ownProperties: false,
    verbose: false,
    messages: false,
  });
  ajv.addFormat("date", { type: "string", validate: quickDate(fullDate) });
  ajv.addFormat("date-time", { type: "string", validate: quickDateTime(dateTime) });
  ajv.addVocabulary(VOCABULARY);
  addQuickKeywords(ajv);
  return ajv;
}

// INVARIANT: compiled once per process; `validateFacts` only runs the compiled functions. `quick`
// accepts only documents `compiled` accepts when `quickApplies()` (see `quick-schema.ts`; and
// `allErrors` changes what is reported, never validity; see `quickApplies` for own properties),
// so a document `quick` accepts has no schema errors or warnings, and `compiled` only runs on the
// others (finding nothing in the few valid documents `quick` refuses).
const compiled = newAjv().compile(factsSchema as object);
let quickCompiled: ReturnType<Ajv2020["compile"]> | null = null;

/** The fail-fast validator, compiled on first use. */
function quick(): ReturnType<Ajv2020["compile"]> {
  if (quickCompiled === null) {
    // Whether a `propertyNames` schema accepts a name, by the full validator's rules.
    const namesAjv = newAjv();
    const nameCheckers = new Map<string, ReturnType<Ajv2020["compile"]>>();
    const acceptsName = (names: SchemaNode, name: string): boolean => {
      const key = JSON.stringify(names);
      let check = nameCheckers.get(key);
      if (check === undefined) {
        check = namesAjv.compile({ $defs: factsSchema.$defs ?? {}, ...names });
        nameCheckers.set(key, check);
      }
      return check(name) === true;
    };
    quickCompiled = newQuickAjv().compile(quickSchema(factsSchema, acceptsName));
  }
  return quickCompiled;
}

/** Every field name the schema's `properties` and `required` mention. */
function schemaFieldNames(node: unknown, out: Set<string>): Set<string> {
  if (node !== null && typeof node === "object") {
    const n = node as { properties?: unknown; required?: unknown };
    if (n.properties !== null && typeof n.properties === "object")
      for (const k of Object.keys(n.properties)) out.add(k);
    if (Array.isArray(n.required)) for (const k of n.required) if (typeof k === "string") out.add(k);
    for (const v of Object.values(node)) schemaFieldNames(v, out);
  }
  return out;
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const SCHEMA_CLEAR_OF_PROTOTYPE = ![...schemaFieldNames(factsSchema, new Set())].some((k) =>
  PROTOTYPE_NAMES.includes(k),
);

/**
 * Whether `quick`, which reads `data.field` where the full validator reads own fields only, must
 * agree with it. Preflight admits only objects whose prototype is `null` or `Object.prototype`, so
 * the two differ only on a name `Object.prototype` holds: none of the schema's field names is one
 * (checked once), and `Object.prototype` still has only its own names (checked per call, so an
 * added — polluted — property sends every document to the full validator).
 */
function quickApplies(): boolean {
  if (!SCHEMA_CLEAR_OF_PROTOTYPE) return false;
  const names = Object.getOwnPropertyNames(Object.prototype);
  if (names.length !== PROTOTYPE_NAMES.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== PROTOTYPE_NAMES[i]) return false;
  return Object.getOwnPropertySymbols(Object.prototype).length === 0;
}

const MAX_NODES = 2_000_000;

// INVARIANT: at least the largest `maxItems` in the schema, so a list refused here is refused by the schema too.
const MAX_LIST_ITEMS = 10_000;

/** Most errors (and, separately, warnings) one document reports; the rest are counted in a last entry. */
export const MAX_REPORTED_ERRORS = 1000;

/**
 * Validates a facts document (already parsed, e.g. by {@link parseFactsJson}) against the facts schema.
 *
 * Never throws for any input. Before the schema runs, an iterative pass rejects what the schema
 * validator could choke on or that JSON cannot hold: nesting deeper than {@link MAX_FACTS_DEPTH}
 * (including cycles), more than 2,000,000 values, functions, `undefined`, non-finite numbers, class
 * instances; it also reports strings with lone surrogates. Fields the schema does not define are
 * warnings, errors with `strict`. Field names starting with `$` (reserved for the engine) and
 * `__proto__`, `constructor`, `prototype` are always errors.
 */
export function validateFacts(doc: unknown, options: ValidateFactsOptions = {}): FactsValidation {
  return validateAfter(preflight(doc), doc, options);
}

/**
 * {@link validateFacts} without its quick paths: the preflight pass and the full validator on
 * every document. Not part of the package's API; the tests check that `validateFacts` and
 * {@link parseAndValidateFacts} give exactly what this gives.
 */
export function validateFactsFull(doc: unknown, options: ValidateFactsOptions = {}): FactsValidation {
  return validateAfter(preflight(doc), doc, options, false);
}

/** The result of {@link parseAndValidateFacts}. */
export interface ParsedAndValidatedFacts {
  /** The parse of the text. */
  parsed: ParsedFacts;
  /** `validateFacts(parsed.value)`; null when the text does not parse (`parsed.ok` false). */
  validation: FactsValidation | null;
}

/**
 * {@link parseFactsJson}, then {@link validateFacts} on the value when it parses: the same
 * results, with less work. A value parsed from text holds JSON values only, without cycles and
 * within the nesting limit, so the preflight pass is skipped when the parse also saw that no list
 * is too long, the document is not too large and no string can hold a lone surrogate.
 */
export function parseAndValidateFacts(
  text: string,
  options: ValidateFactsOptions & { file?: string } = {},
): ParsedAndValidatedFacts {
  const { parsed, shape } = parseFactsText(text, options.file, MAX_FACTS_DEPTH);
  if (!parsed.ok) return { parsed, validation: null };
  const pre =
    shape !== null &&
    shape.maxDepth <= MAX_FACTS_DEPTH &&
    shape.values <= MAX_NODES &&
    shape.longestList <= MAX_LIST_ITEMS &&
    parsesWellFormed(text, shape)
      ? CLEAN
      : preflight(parsed.value);
  return { parsed, validation: validateAfter(pre, parsed.value, options) };
}

/** What {@link preflight} gives for a document with nothing wrong. */
const CLEAN: Preflight = Object.freeze({
  errors: Object.freeze([]) as unknown as FactError[],
  blocking: false,
});

function validateAfter(
  pre: Preflight,
  doc: unknown,
  options: ValidateFactsOptions,
  tryQuick = true,
): FactsValidation {
  const errors: FactError[] = [...pre.errors];
  const warnings: FactError[] = [];
  if (!pre.blocking && !(tryQuick && quickApplies() && quick()(doc))) {
    compiled(doc);
    const mapped = mapAjvErrors(compiled.errors ?? []);
    for (const e of mapped) {
      if (e.code === "facts/unknown-field" && !options.strict) warnings.push(e);
      else errors.push(e);
    }
  }
  return { ok: errors.length === 0, errors: capped(errors), warnings: capped(warnings) };
}

function capped(list: FactError[]): FactError[] {
  if (list.length <= MAX_REPORTED_ERRORS) return list;
  const rest = list.length - MAX_REPORTED_ERRORS;
  return [
    ...list.slice(0, MAX_REPORTED_ERRORS),
    { code: "facts/too-many-errors", pointer: "", message: `${rest} more like these not shown` },
  ];
}

/** The result of {@link validateFactsText}: validation plus the parse, for locating values. */
export interface FactsTextValidation extends FactsValidation {
  /** The parsed document; `undefined` when the text is not JSON. */
  value: unknown;
  /** The parse, to locate other pointers in the text. */
  parsed: ParsedFacts;
}

/**
 * Parses facts text and validates it: every error and warning carries `line` and `column`, and
 * both lists are sorted by position in the text. Never throws for any input string.
 */
export function validateFactsText(
  text: string,
  options: ValidateFactsOptions & { file?: string } = {},
): FactsTextValidation {
  const { parsed, validation: result } = parseAndValidateFacts(text, options);
  if (result === null) {
    return { ok: false, errors: parsed.errors, warnings: [], value: undefined, parsed };
  }
  const place = (e: FactError): FactError => {
    const at = locateNearest(parsed, e.pointer);
    return at ? { ...e, line: at.line, column: at.column } : e;
  };
  const byPosition = (a: FactError, b: FactError): number =>
    (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  return {
    ok: result.ok,
    errors: result.errors.map(place).sort(byPosition),
    warnings: result.warnings.map(place).sort(byPosition),
    value: parsed.value,
    parsed,
  };
}

// A missing field has no place in the text; its parent object does.
function locateNearest(parsed: ParsedFacts, pointer: string): ReturnType<ParsedFacts["locate"]> {
  let p = pointer;
  for (;;) {
    const at = parsed.locate(p);
    if (at || p === "") return at;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}

// ---------------------------------------------------------------- preflight

interface Preflight {
  errors: FactError[];
  /** True when the schema validator must not run (depth, size, non-JSON values). */
  blocking: boolean;
}

function unicodeError(pointer: string, s: string, what: string): FactError {
  const index = loneSurrogateIndex(s);
  const unit = s.charCodeAt(index).toString(16).padStart(4, "0");
  return {
    code: "facts/unicode",
    pointer,
    message: `${what} contains a lone surrogate \`\\u${unit}\` at index ${index}`,
    expected: "well-formed unicode text (encodable as UTF-8)",
    actual: previewValue(s),
  };
}

/** A value waiting in `preflight`'s stack; its pointer is only built when it has a problem. */
interface Pending {
  value: unknown;
  parent: Pending | null;
  /** The field name or index under `parent` (unescaped); unused at the root. */
  token: string;
  depth: number;
}

function pointerOf(p: Pending): string {
  const tokens: string[] = [];
  for (let q: Pending | null = p; q !== null && q.parent !== null; q = q.parent) tokens.push(q.token);
  let out = "";
  for (let i = tokens.length - 1; i >= 0; i--) out += `/${escapePointerToken(tokens[i]!)}`;
  return out;
}

function preflight(doc: unknown): Preflight {
  const errors: FactError[] = [];
  let blocking = false;
  let nodes = 0;
  const stack: Pending[] = [{ value: doc, parent: null, token: "", depth: 0 }];
  try {
    while (stack.length > 0) {
      const entry = stack.pop()!;
      const { value, depth } = entry;
      if (++nodes > MAX_NODES) {
        errors.push({
          code: "facts/too-large",
          pointer: "",
          message: `document has more than ${MAX_NODES} values`,
        });
        return { errors, blocking: true };
      }
      if (typeof value === "string") {
        if (!isWellFormed(value)) errors.push(unicodeError(pointerOf(entry), value, "string"));
        continue;
      }
      if (typeof value === "number") {
        if (!Number.isFinite(value)) {
          errors.push(notJson(pointerOf(entry), `\`${value}\` is not a JSON number`, value));
          blocking = true;
        }
        continue;
      }
      if (typeof value === "boolean" || value === null) continue;
      if (typeof value !== "object") {
        errors.push(notJson(pointerOf(entry), `a ${typeof value} is not a JSON value`, value));
        blocking = true;
        continue;
      }
      if (depth >= MAX_FACTS_DEPTH) {
        errors.push({
          code: "facts/too-deep",
          pointer: pointerOf(entry),
          message: `nesting deeper than ${MAX_FACTS_DEPTH} levels`,
          help: "the facts schema nests fewer than 10 levels; a deeper document is malformed or hostile",
        });
        return { errors, blocking: true };
      }
      if (Array.isArray(value)) {
        if (value.length > MAX_LIST_ITEMS) {
          errors.push({
            code: "facts/too-large",
            pointer: pointerOf(entry),
            message: `list has ${value.length} items, more than any list of the schema may hold`,
            expected: `at most ${MAX_LIST_ITEMS} items`,
          });
          return { errors, blocking: true };
        }
        for (let i = value.length - 1; i >= 0; i--) {
          stack.push({ value: value[i], parent: entry, token: String(i), depth: depth + 1 });
        }
        continue;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        errors.push(notJson(pointerOf(entry), "only plain objects are JSON objects", value));
        blocking = true;
        continue;
      }
      const keys = Object.keys(value);
      for (let k = keys.length - 1; k >= 0; k--) {
        const key = keys[k]!;
        const child: Pending = {
          value: (value as Record<string, unknown>)[key],
          parent: entry,
          token: key,
          depth: depth + 1,
        };
        if (!isWellFormed(key)) errors.push(unicodeError(pointerOf(child), key, "field name"));
        stack.push(child);
      }
    }
  } catch {
    // Only reachable for in-memory values with throwing getters or proxies.
    errors.push({
      code: "facts/not-json",
      pointer: "",
      message: "the document could not be read as JSON data",
    });
    blocking = true;
  }
  return { errors, blocking };
}

function notJson(pointer: string, message: string, value: unknown): FactError {
  return { code: "facts/not-json", pointer, message, expected: "a JSON value", actual: previewValue(value) };
}

// ---------------------------------------------------------------- ajv errors → FactError

const DESCRIBE_TYPE: Record<string, string> = {
  object: "an object",
  array: "a list",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "`true` or `false`",
  null: "`null`",
};

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function describeActualType(value: unknown): string {
  const t = jsonTypeOf(value);
  return t === "integer" || t === "number" ? "a number" : (DESCRIBE_TYPE[t] ?? t);
}

function resolveRef(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.$ref?.startsWith("#/$defs/")) return node;
  const target = factsSchema.$defs?.[node.$ref.slice("#/$defs/".length)];
  return target ? { ...target, ...node } : node;
}

/** A phrase for what a schema node accepts, for `expected`. */
export function describeExpected(node: SchemaNode | undefined): string {
  const s = resolveRef(node);
  if (!s) return "a value";
  if (s["x-expected"]) return s["x-expected"];
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum)
    return `one of ${s.enum.map((v) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``).join(", ")}`;
  if (s.format === "date-time") return "an RFC 3339 date-time with offset";
  if (s.format === "date") return "a calendar date `YYYY-MM-DD`";
  if (s["x-unit"] === "fen") return "money: an integer number of fen";
  if (s.type === "integer" && s["x-unit"]) return `an integer (${s["x-unit"]})`;
  if (s.type === "array" && s.items) return `a list of ${stripArticle(describeExpected(s.items))}`;
  return (s.type && DESCRIBE_TYPE[s.type]) ?? "a value";
}

function stripArticle(phrase: string): string {
  return phrase.replace(/^(a|an) /, "");
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = norm(c) === norm(name) ? 0 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8 || a.length > 64 || b.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const MAX_NAME_LENGTH = resolveRef(factsSchema.$defs?.fieldName)?.maxLength ?? 100;

function reservedNameError(parentPointer: string, name: string): FactError {
  const pointer = `${parentPointer}/${escapePointerToken(name)}`;
  if (name.length > MAX_NAME_LENGTH) {
    return {
      code: "facts/length",
      pointer,
      message: `field name is longer than ${MAX_NAME_LENGTH} characters`,
      expected: `a field name of at most ${MAX_NAME_LENGTH} characters`,
      actual: previewValue(name),
    };
  }
  if (name === "") {
    return {
      code: "facts/reserved-name",
      pointer,
      message: "empty field name",
      expected: "a field name",
      actual: '""',
    };
  }
  if (name.startsWith("$")) {
    return {
      code: "facts/reserved-name",
      pointer,
      message: `field name \`${name}\` is reserved: names starting with \`$\` belong to the engine`,
      expected: "a field name not starting with `$`",
      actual: previewValue(name),
    };
  }
  return {
    code: "facts/reserved-name",
    pointer,
    message: `field name \`${name}\` is not allowed`,
    expected: "a field name other than `__proto__`, `constructor`, `prototype`",
    actual: previewValue(name),
  };
}

function mapAjvErrors(raw: readonly ErrorObject[]): FactError[] {
  const out: FactError[] = [];
  const reserved = new Set<string>();
  for (const e of raw) {
    if (e.keyword === "propertyNames") {
      const name = String((e.params as { propertyName: string }).propertyName);
      const err = reservedNameError(e.instancePath, name);
      reserved.add(err.pointer);
      out.push(err);
    }
  }
  // One type error per value (a `$ref` and its site may both state the type); other kinds by message.
  const keyOf = (e: FactError) =>
    `${e.pointer}\u0000${e.code}\u0000${e.code === "facts/type" ? "" : e.message}`;
  const seen = new Set<string>(out.map(keyOf));
  for (const e of raw) {
    // Errors of the name schema itself are reported once, by their `propertyNames` error.
    if (e.keyword === "propertyNames" || e.propertyName !== undefined) continue;
    const mapped = mapOne(e);
    if (mapped.code === "facts/unknown-field" && reserved.has(mapped.pointer)) continue;
    const key = keyOf(mapped);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(mapped);
  }
  return out;
}

function mapOne(e: ErrorObject): FactError {
  const schema = e.parentSchema as SchemaNode | undefined;
  const pointer = e.instancePath;
  const actual = previewValue(e.data);
  const params = e.params as Record<string, unknown>;
  const fail = (code: FactErrorCode, message: string, expected?: string): FactError => ({
    code,
    pointer,
    message,
    ...(expected === undefined ? {} : { expected }),
    actual,
  });
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      const known = Object.keys(schema?.properties ?? {});
      const suggestion = closest(name, known);
      const value = (e.data as Record<string, unknown>)[name];
      return {
        code: "facts/unknown-field",
        pointer: `${pointer}/${escapePointerToken(name)}`,
        message: `unknown field \`${name}\``,
        expected:
          known.length === 0
            ? "no fields"
            : known.length <= 8
              ? `one of the fields ${known.map((k) => `\`${k}\``).join(", ")}`
              : `a field the schema defines at \`${pointer || "/"}\``,
        actual: previewValue(value),
        ...(suggestion ? { help: `did you mean \`${suggestion}\`?` } : {}),
      };
    }
    case "required": {
      const name = String(params.missingProperty);
      const field = schema?.properties?.[name];
      return {
        code: "facts/missing-field",
        pointer: `${pointer}/${escapePointerToken(name)}`,
        message: `missing required field \`${name}\``,
        expected: describeExpected(field),
      };
    }
    case "type":
      if (pointer === "") {
        return fail(
          "facts/type",
          `expected a facts document (an object), found ${describeActualType(e.data)}`,
          "a JSON object",
        );
      }
      return fail(
        "facts/type",
        `expected ${describeExpected(schema)}, found ${describeActualType(e.data)}`,
        describeExpected(schema),
      );
    case "const":
      return fail(
        "facts/const",
        `expected \`${JSON.stringify(params.allowedValue)}\`, found \`${actual}\``,
        describeExpected(schema),
      );
    case "enum":
      return fail("facts/enum", `\`${actual}\` is not an allowed value`, describeExpected(schema));
    case "format":
      return fail(
        "facts/format",
        `\`${actual}\` is not ${describeExpected(schema)}`,
        describeExpected(schema),
      );
    case "pattern": {
      const expected = schema?.["x-expected"] ?? `a string matching \`${String(params.pattern)}\``;
      return fail("facts/pattern", `\`${actual}\` is not ${expected}`, expected);
    }
    case "minimum":
    case "maximum": {
      const bound = String(params.limit);
      const unit =
        schema?.["x-unit"] === "fen" || schema?.["x-unit"] === "minutes" ? ` ${schema["x-unit"]}` : "";
      const below = e.keyword === "minimum";
      return fail(
        "facts/range",
        `\`${actual}\` is ${below ? "below the minimum" : "above the maximum"} \`${bound}\`${unit}`,
        `${below ? "at least" : "at most"} ${bound}${unit}`,
      );
    }
    case "minLength":
    case "maxLength": {
      const limit = Number(params.limit);
      const short = e.keyword === "minLength";
      return fail(
        "facts/length",
        short
          ? limit === 1
            ? "string is empty"
            : `string is shorter than ${limit} characters`
          : `string is longer than ${limit} characters`,
        short ? `at least ${limit} character${limit === 1 ? "" : "s"}` : `at most ${limit} characters`,
      );
    }
    case "minItems":
    case "maxItems": {
      const limit = Number(params.limit);
      const few = e.keyword === "minItems";
      return fail(
        "facts/items",
        few
          ? `list has fewer than ${limit} item${limit === 1 ? "" : "s"}`
          : `list has more than ${limit} items`,
        few ? `at least ${limit} item${limit === 1 ? "" : "s"}` : `at most ${limit} items`,
      );
    }
    case "uniqueItems":
      return fail(
        "facts/items",
        `items ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))} are equal`,
        "a list without duplicates",
      );
    default:
      return fail("facts/schema", (e.message ?? `fails \`${e.keyword}\``).replace(/\.$/, ""));
  }
}
