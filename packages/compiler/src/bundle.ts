/**
 * Builds a bundle from policy files: parse → check → compile → link, as a declared list of
 * passes. Each pass runs over all files so that one run reports every error of every file.
 *
 * 1. parse: every file; a file with syntax errors goes no further (its AST has holes).
 * 2. check: names and types against the facts schema, per file; lexicons load here because
 *    `contains any of` needs to know a lexicon exists.
 * 3. link: across files — unique policy ids, unique rule ids, one meaning per lexicon name.
 * 4. verify (optional, with a sources directory): quotes occur on their lines, files match their
 *    pinned SHA-256. Placed after check so that only declared sources are looked up.
 * 5. compile and assemble: IR, the span side table, the content hash. Runs only without errors.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import * as lang from "@norma/lang";
import type { Diagnostic, PolicyFile } from "@norma/lang";
import type { Bundle, IrSpan, Logic } from "@norma/runtime";
import { factsSchema } from "@norma/facts";
import { checkPolicy, type CheckedPolicy, type LoadedLexicon } from "./check.js";
import { compilePolicy, type CompiledPolicy } from "./compile.js";
import { SchemaTypes } from "./schema-types.js";
import { loadNormCatalogue } from "./norms.js";
import { verifyPolicyCitations } from "./citations.js";

export interface BuildOptions {
  /** Where the policies live; file names in the bundle are relative to it. */
  root: string;
  /** Verify citations against the source files in this directory (null: not verified). */
  sourcesDir?: string | null;
  /** The norm catalogue (YAML); default `<root>/norms.yaml` when it exists. */
  normsFile?: string | null;
  /** Texts to use instead of reading files (an editor's unsaved buffers), by path as given. */
  overrides?: ReadonlyMap<string, string>;
  /**
   * Further facts schemas a policy may read (`reads name@version`), as JSON Schemas keyed by
   * `name@version` (the bench's `workload@1`); `facts@1` is always known.
   */
  schemas?: Readonly<Record<string, object>>;
}

/** The result of a build: the bundle (null when there were errors) and what the passes saw. */
export interface BuildOutput {
  bundle: Bundle | null;
  /** Every file read, for rendering diagnostics. */
  sources: Map<string, lang.SourceText>;
  checked: CheckedPolicy[];
  /** Whether citations were verified against source files. */
  citationsVerified: boolean;
}

const SCHEMAS = new Set(["facts@1"]);

/**
 * The policies root for some paths: the nearest directory at or above the first path that holds
 * `norms.yaml`, else the first path's directory.
 */
export function findPoliciesRoot(paths: string[]): string {
  const first = resolve(paths[0] ?? "policies");
  let dir = existsSync(first) && statSync(first).isDirectory() ? first : dirname(first);
  for (let i = 0; i < 32; i++) {
    if (existsSync(join(dir, "norms.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return existsSync(first) && statSync(first).isDirectory() ? first : dirname(first);
}

/** Finds `*.norma` files under the given paths (files or directories), sorted. */
export function findPolicyFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(p);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        const child = join(p, name);
        if (name.endsWith(".norma") || statSync(child).isDirectory()) walk(child);
      }
    } else files.push(p);
  };
  for (const p of paths) walk(p);
  return { files: [...new Set(files)].sort(), missing };
}

/** Runs all passes over the given policy files; never throws for problems in the files. */
export function buildBundle(
  files: string[],
  options: BuildOptions,
): { value: BuildOutput; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, lang.SourceText>();
  const root = resolve(options.root);
  const display = (f: string) => {
    const rel = relative(process.cwd(), f);
    return rel.startsWith("..") ? f : rel || f;
  };
  const schemaTypes = new SchemaTypes(factsSchema as Record<string, unknown>);
  const factsType = schemaTypes.rootType();
  const extraSchemas = options.schemas ?? {};
  const knownSchemas = new Set([...SCHEMAS, ...Object.keys(extraSchemas)]);
  const extraTypes = new Map<string, ReturnType<SchemaTypes["rootType"]>>();
  const typeOfSchema = (name: string) => {
    const schema = extraSchemas[name];
    if (schema === undefined) return factsType;
    if (!extraTypes.has(name))
      extraTypes.set(name, new SchemaTypes(schema as Record<string, unknown>).rootType());
    return extraTypes.get(name)!;
  };
  const normsFile = options.normsFile === undefined ? join(root, "norms.yaml") : options.normsFile;
  const norms = normsFile ? loadNormCatalogue(normsFile) : { ids: null, diagnostics: [] };
  diagnostics.push(...norms.diagnostics);

  // pass 1 + 2: parse and check each file
  const checked: CheckedPolicy[] = [];
  const texts = new Map<string, string>();
  for (const file of files) {
    const name = display(file);
    let text: string;
    try {
      text = options.overrides?.get(file) ?? readFileSync(file, "utf8");
    } catch (e) {
      diagnostics.push(
        fileError(name, `cannot read \`${name}\`: ${(e as NodeJS.ErrnoException).code ?? "error"}`),
      );
      continue;
    }
    texts.set(name, text);
    sources.set(name, new lang.SourceText(name, text));
    const parsed = lang.parsePolicy(text, name);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.value || lang.hasErrors(parsed.diagnostics)) continue;
    const ast: PolicyFile = parsed.value;
    const result = checkPolicy(ast, {
      file: name,
      text,
      factsType: typeOfSchema(`${ast.schema.name.name}@${ast.schema.version}`),
      schemas: knownSchemas,
      norms: norms.ids,
      loadLexicon: (path) => loadLexicon(resolve(dirname(file), path)),
    });
    diagnostics.push(...result.diagnostics);
    checked.push(result.value);
  }

  // pass 3: link across files
  const policyIds = new Map<string, CheckedPolicy>();
  const ruleIds = new Map<string, { cp: CheckedPolicy; span: lang.Span }>();
  const lexiconFiles = new Map<string, { cp: CheckedPolicy; path: string }>();
  for (const cp of checked) {
    const prev = policyIds.get(cp.ast.id.text);
    if (prev)
      diagnostics.push(
        duplicateAcross(cp, cp.ast.id.span, `policy \`${cp.ast.id.text}\``, prev, prev.ast.id.span),
      );
    else policyIds.set(cp.ast.id.text, cp);
    for (const d of cp.ast.declarations) {
      if (d.kind !== "RuleDecl") continue;
      const p = ruleIds.get(d.id.text);
      if (p && p.cp !== cp)
        diagnostics.push(duplicateAcross(cp, d.id.span, `rule \`${d.id.text}\``, p.cp, p.span));
      else if (!p) ruleIds.set(d.id.text, { cp, span: d.id.span });
    }
    for (const [name, l] of cp.lexicons) {
      const abs = resolve(dirname(resolve(cp.file)), l.decl.path.value);
      const prev = lexiconFiles.get(name);
      if (prev && prev.path !== abs) {
        diagnostics.push({
          code: "check/lexicon-conflict",
          severity: "error",
          message: `lexicon \`${name}\` names two different files`,
          span: l.decl.path.span,
          file: cp.file,
          help: "give the lexicons different names, or point both at the same file",
          related: [
            {
              message: "the other one",
              span: prev.cp.lexicons.get(name)!.decl.path.span,
              file: prev.cp.file,
            },
          ],
        });
      } else lexiconFiles.set(name, { cp, path: abs });
    }
  }

  // pass 4: verify citations
  const citationsVerified = !!options.sourcesDir;
  if (options.sourcesDir) {
    for (const cp of checked) diagnostics.push(...verifyPolicyCitations(cp, options.sourcesDir));
  }

  const sorted = lang.sortDiagnostics(diagnostics);
  if (lang.hasErrors(sorted) || checked.length === 0) {
    return { value: { bundle: null, sources, checked, citationsVerified }, diagnostics: sorted };
  }

  // pass 5: compile and assemble
  const compiled = checked.map((cp) => compilePolicy(cp));
  const bundle = assemble(compiled, sources, root);
  return { value: { bundle, sources, checked, citationsVerified }, diagnostics: sorted };
}

function assemble(compiled: CompiledPolicy[], sources: Map<string, lang.SourceText>, root: string): Bundle {
  const body = {
    format: "norma-bundle/1" as const,
    zone: "Asia/Shanghai",
    policies: compiled.map((c) => ({
      id: c.id,
      title: c.title,
      file: relative(root, resolve(c.file)).split(sep).join("/"),
      schema: c.schema,
      sources: c.sources,
    })),
    rules: compiled.flatMap((c) => c.rules),
    params: compiled.flatMap((c) => c.params),
    lexicons: Object.assign({}, ...compiled.map((c) => c.lexicons)) as Record<string, string[]>,
  };
  const hash = "sha256:" + createHash("sha256").update(canonicalJson(body)).digest("hex");
  const spans: Record<string, IrSpan> = {};
  const record = (c: CompiledPolicy, logic: Logic, pointer: string) => {
    const src = sources.get(c.file);
    walkLogic(logic, pointer, (node, ptr) => {
      const span = c.spans.get(node);
      if (!span || !src) return;
      const pos = src.position(span.start);
      const entry: IrSpan = {
        file: c.file,
        start: span.start,
        end: span.end,
        line: pos.line,
        column: pos.column,
        text: src.text.slice(span.start, span.end),
      };
      const let_ = c.lets.get(node);
      if (let_ !== undefined) entry.let = let_;
      spans[ptr] = entry;
    });
  };
  let ruleIndex = 0;
  let paramIndex = 0;
  for (const c of compiled) {
    for (const r of c.rules) {
      const base = `/rules/${ruleIndex++}`;
      record(c, r.when, `${base}/when`);
      if (r.effect.value !== null) record(c, r.effect.value, `${base}/effect/value`);
      if (r.effect.message !== null) record(c, r.effect.message, `${base}/effect/message`);
      r.exceptions.forEach((ex, i) => {
        record(c, ex.when, `${base}/exceptions/${i}/when`);
        if (ex.effect?.value) record(c, ex.effect.value, `${base}/exceptions/${i}/effect/value`);
        if (ex.effect?.message) record(c, ex.effect.message, `${base}/exceptions/${i}/effect/message`);
      });
    }
    for (const p of c.params) {
      const base = `/params/${paramIndex++}`;
      p.versions.forEach((v, i) => record(c, v.value, `${base}/versions/${i}/value`));
    }
  }
  return { ...body, hash, spans };
}

/** Visits every object node of a Logic tree with its JSON pointer. */
function walkLogic(logic: Logic, pointer: string, visit: (node: object, pointer: string) => void): void {
  if (logic === null || typeof logic !== "object") return;
  visit(logic, pointer);
  if (Array.isArray(logic)) {
    logic.forEach((item, i) => walkLogic(item, `${pointer}/${i}`, visit));
    return;
  }
  for (const [op, args] of Object.entries(logic)) {
    const key = `${pointer}/${op.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    walkLogic(args, key, visit);
  }
}

/** JSON with object keys sorted and no whitespace: the input of every content hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

/** Loads a lexicon YAML file: `{purpose, source, words: [...]}`; problems are values, not exceptions. */
export function loadLexicon(path: string): LoadedLexicon {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {
      words: [],
      problems: [
        {
          code: "check/lexicon-not-found",
          message: `no lexicon file at \`${path}\``,
          help: "the path is relative to the policy file",
        },
      ],
    };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return {
      words: [],
      problems: [
        {
          code: "check/lexicon-invalid",
          message: `the lexicon is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
        },
      ],
    };
  }
  const problems: LoadedLexicon["problems"] = [];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    return {
      words: [],
      problems: [
        {
          code: "check/lexicon-invalid",
          message: "a lexicon is a mapping with `purpose`, `source` and `words`",
        },
      ],
    };
  }
  const d = doc as Record<string, unknown>;
  if (typeof d.purpose !== "string" || d.purpose.trim() === "") {
    problems.push({
      code: "check/lexicon-invalid",
      message: "the lexicon has no `purpose`",
      help: "say what the words are for",
    });
  }
  if (typeof d.source !== "string" || d.source.trim() === "") {
    problems.push({
      code: "check/lexicon-invalid",
      message: "the lexicon has no `source`",
      help: "say where its words come from",
    });
  }
  if (
    !Array.isArray(d.words) ||
    d.words.length === 0 ||
    !d.words.every((w) => typeof w === "string" && w.length > 0)
  ) {
    problems.push({
      code: "check/lexicon-invalid",
      message: "`words` must be a non-empty list of non-empty strings",
    });
    return { words: [], problems };
  }
  const words = [...new Set((d.words as string[]).map((w) => w.normalize("NFC")))];
  return { words, problems };
}

function fileError(file: string, message: string): Diagnostic {
  return { code: "check/unreadable-file", severity: "error", message, span: { start: 0, end: 0 }, file };
}

function duplicateAcross(
  cp: CheckedPolicy,
  span: lang.Span,
  what: string,
  prev: CheckedPolicy,
  prevSpan: lang.Span,
): Diagnostic {
  return {
    code: "check/duplicate",
    severity: "error",
    message: `${what} is declared twice`,
    span,
    file: cp.file,
    related: [{ message: "first declared here", span: prevSpan, file: prev.file }],
  };
}
