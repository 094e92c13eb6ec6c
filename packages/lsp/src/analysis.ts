/**
 * What the language server knows about one open policy file: diagnostics (the same passes as
 * `norma check`, on the unsaved text; citations verified when a sources directory is given) with
 * their quick fixes, hover (the type of an expression and, for facts fields, the schema's
 * description; for a citation, the cited line), go to definition, find references and rename (one
 * resolver of the file's own names: lets, params, lexicons, sources, rules, bound variables),
 * the outline, completion (facts fields after `.`, names elsewhere), and formatting.
 *
 * Everything here is a pure function of the file's path and text (plus the files around it:
 * `norms.yaml`, lexicons), so it is tested without an editor.
 */
import { basename, dirname, join, resolve } from "node:path";
import {
  BUILTIN_FUNCTIONS,
  buildBundle,
  checkQuote,
  findPoliciesRoot,
  readSource,
  pathOf,
  showType,
  type CheckedPolicy,
  type Type,
} from "@norma/compiler";
import { resolveSchemaAt } from "@norma/facts";
import * as lang from "@norma/lang";
import type * as A from "@norma/lang";

/** A position as LSP counts it: 0-based line, UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of a range of the open file. */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface EditorDiagnostic {
  range: Range;
  severity: "error" | "warning";
  code: string;
  message: string;
  /** The quick fix the checker proposes (a "did you mean" applied). */
  fix?: { title: string; edits: TextEdit[] };
}

export interface Analysis {
  diagnostics: EditorDiagnostic[];
  checked: CheckedPolicy | null;
  text: string;
  /** The file, absolute. */
  file: string;
  /** The directory of the cited source documents, when the server was given one. */
  sourcesDir: string | null;
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** The directory of the source documents citations point into (`norma check --sources`). */
  sourcesDir?: string | null;
}

/** Converts between offsets and LSP positions for one text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }
  /** The range of a span of the text. */
  range(span: { start: number; end: number }): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
  offset(p: Position): number {
    const start = this.starts[Math.max(0, Math.min(p.line, this.starts.length - 1))]!;
    return Math.min(this.text.length, start + Math.max(0, p.character));
  }
}

/** Parses and checks one policy text as `norma check` would, without touching the file on disk. */
export function analyze(path: string, text: string, options: AnalyzeOptions = {}): Analysis {
  const file = resolve(path);
  const root = findPoliciesRoot([dirname(file)]);
  const sourcesDir = options.sourcesDir ? resolve(options.sourcesDir) : null;
  const { value, diagnostics } = buildBundle([file], {
    root,
    overrides: new Map([[file, text]]),
    sourcesDir,
  });
  const index = new LineIndex(text);
  const own = value.checked[0] ?? null;
  const shown = own?.file ?? [...value.sources.keys()][0];
  return {
    text,
    file,
    sourcesDir,
    checked: own,
    diagnostics: diagnostics
      .filter((d) => d.file === shown || resolve(d.file) === file)
      .map((d) => {
        const out: EditorDiagnostic = {
          range: index.range({ start: d.span.start, end: Math.max(d.span.end, d.span.start + 1) }),
          severity: d.severity,
          code: d.code,
          message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
        };
        if (d.fix) {
          out.fix = {
            title: d.fix.title,
            edits: d.fix.edits.map((e) => ({ range: index.range(e.span), newText: e.text })),
          };
        }
        return out;
      }),
  };
}

/** True when two ranges share a position (an empty range touching another counts). */
function overlaps(a: Range, b: Range): boolean {
  const before = (x: Position, y: Position) =>
    x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** The quick fixes for the diagnostics that touch `range` (what the editor's light bulb offers). */
export function codeActionsAt(
  analysis: Analysis,
  range: Range,
): Array<{ title: string; edits: TextEdit[]; diagnostic: EditorDiagnostic }> {
  return analysis.diagnostics
    .filter((d) => d.fix !== undefined && overlaps(d.range, range))
    .map((d) => ({ title: d.fix!.title, edits: d.fix!.edits, diagnostic: d }));
}

/** The formatted text, or null when the file has syntax errors. */
export function formatDocument(path: string, text: string): string | null {
  return lang.formatText(text, path).value;
}

type AnyNode = { kind: string; span: A.Span };

/** The chain of AST nodes that contain `offset`, outermost first. */
function nodesAt(root: A.PolicyFile, offset: number): AnyNode[] {
  const chain: AnyNode[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = value as Partial<AnyNode> & Record<string, unknown>;
    if (typeof node.kind === "string" && node.span) {
      if (offset < node.span.start || offset > node.span.end) return;
      chain.push(node as AnyNode);
    }
    for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "comments") visit(v);
  };
  visit(root);
  return chain;
}

/** The schema path (`submissions[].kind` as parts) of a fact path, following quantifier bindings. */
function schemaPath(expr: A.Expr, names: Resolution): string[] | null {
  const path = pathOf(expr);
  if (!path) return null;
  const [head, ...rest] = path.split(".");
  let root: A.Expr = expr;
  while (root.kind === "MemberExpr") root = root.object;
  const occurrence = root.kind === "NameRef" ? names.byRef.get(root) : undefined;
  if (occurrence) {
    // a let, param or lexicon is not a facts path; a bound variable stands for an item of its collection
    if (occurrence.symbol.kind !== "bound") return null;
    const q = occurrence.symbol.decl as A.QuantifierExpr;
    const collection = schemaPath(q.collection, names);
    return collection ? [...collection, "[]", ...rest] : null;
  }
  if (head === "as_of") return null;
  return [head!, ...rest];
}

/** Hover text (Markdown) at a position, or null. */
export function hoverAt(analysis: Analysis, position: Position): { markdown: string; range: Range } | null {
  const checked = analysis.checked;
  if (!checked) return null;
  const index = new LineIndex(analysis.text);
  const offset = index.offset(position);
  const chain = nodesAt(checked.ast, offset);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    if (node.kind !== "NameRef" && node.kind !== "MemberExpr" && node.kind !== "CallExpr") continue;
    const expr = node as A.Expr;
    const type: Type | undefined = checked.types.get(expr);
    const range = index.range(node.span);
    const code = analysis.text.slice(node.span.start, node.span.end);
    const lines = [`\`${code}\`: \`${type ? showType(type) : "?"}\``];
    const sp = schemaPath(expr, resolveNames(checked));
    if (sp) {
      const info = resolveSchemaAt(sp);
      if (info) {
        lines.push("", info.description);
        const meta = [
          info.unit ? `unit: ${info.unit}` : null,
          info.source ? `source: ${info.source}` : null,
          info.required ? null : "may be absent",
        ];
        const shown = meta.filter((m): m is string => m !== null);
        if (shown.length) lines.push("", shown.join(" · "));
      }
    }
    return { markdown: lines.join("\n"), range };
  }
  return citationHover(analysis, chain, index);
}

/** What {@link completeAt} proposes. */
export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** The type where it is known (for a function, its signature). */
  detail: string;
  documentation: string;
  /** For a name: the word at the position (what was typed, and its rest), which the label replaces. */
  range?: Range;
}

/**
 * `field` (a facts field), `let`, `param`, `lexicon`, `bound` (a quantifier's variable), `as_of`,
 * `function` (a builtin) or `source` (after `cite`).
 */
export type CompletionKind =
  "field" | "let" | "param" | "lexicon" | "bound" | "as_of" | "function" | "source";

/** The completion of a facts field `name` under the schema path `base`. */
function fieldEntry(base: readonly string[], name: string, range?: Range): CompletionEntry {
  const f = resolveSchemaAt([...base, name]);
  const entry: CompletionEntry = {
    label: name,
    kind: "field",
    detail: f ? f.type + (f.required ? "" : "?") : "",
    documentation: f?.description ?? "",
  };
  if (range) entry.range = range;
  return entry;
}

/**
 * Completion at a position. After `path.`: the facts fields that may follow (read from the text,
 * since the file may not parse while the author types; paths start at the facts root, a list
 * contributes the fields of its items). Where a name may stand: the bound variables of the
 * quantifiers around the position, the lets, params and lexicons declared above, `as_of`, the
 * builtin functions and the facts root fields (types from `analysis`, when it is of this text);
 * where a function is called, the functions; after `cite`, the sources. The client filters by
 * what was typed.
 */
export function completeAt(text: string, position: Position, analysis?: Analysis | null): CompletionEntry[] {
  const index = new LineIndex(text);
  const offset = index.offset(position);
  const before = text.slice(0, offset);
  const m = /([\p{L}_][\p{L}\p{M}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{M}\p{N}_]*)*)\.[\p{L}\p{M}\p{N}_]*$/u.exec(
    before,
  );
  if (!m) {
    const own = analysis && analysis.text === text ? analysis : null;
    return completeNames(text, offset, index, own, analysis?.file ?? "<completion>");
  }
  const written = m[1]!.split(".");
  // `s.` where `s` is a quantifier's variable: the fields of an item of its collection
  const parts = boundItemPath(text, m.index, written, analysis?.file ?? "<completion>") ?? written;
  let info = resolveSchemaAt(parts);
  let base = parts;
  if (info && !info.fields && info.items?.fields) {
    base = [...parts, "[]"];
    info = resolveSchemaAt(base);
  }
  const names = info?.fields ?? info?.items?.fields ?? [];
  return names.map((name) => fieldEntry(base, name));
}

/**
 * The facts path (`submissions.[].kind`) that `written` (`s.kind`, starting at `start` in `text`)
 * stands for when its head is the variable of a quantifier whose body holds it (the innermost of
 * that name); null when it is not one. The text is parsed with a placeholder after the dot.
 */
function boundItemPath(text: string, start: number, written: string[], file: string): string[] | null {
  const end = start + written.join(".").length + 1;
  const ast = lang.parsePolicy(text.slice(0, end) + PLACEHOLDER + text.slice(end), file).value;
  const chain = ast ? chainToName(ast, start) : null;
  if (!chain) return null;
  const collectionPath = (depth: number, name: string): string[] | null => {
    for (let i = depth - 1; i >= 0; i--) {
      const q = chain[i] as A.QuantifierExpr;
      if (q.kind !== "QuantifierExpr" || chain[i + 1] !== q.body || q.variable.name !== name) continue;
      const path = pathOf(q.collection)?.split(".");
      if (!path) return null;
      // a collection read through an outer variable (`any d in s.documents: d.`)
      const outer = collectionPath(i, path[0]!);
      return [...(outer ?? path.slice(0, 1)), ...path.slice(1), "[]"];
    }
    return null;
  };
  const item = collectionPath(chain.length - 1, written[0]!);
  return item === null ? null : [...item, ...written.slice(1)];
}

/** A name parsed in place of an empty completion position, to learn what the parser reads there. */
const PLACEHOLDER = "__norma_completion__";
const NAME_CHAR = /^[\p{L}\p{M}\p{N}_]$/u;

/** The character (a whole surrogate pair) that ends at `i`, or "". */
function charBefore(text: string, i: number): string {
  if (i <= 0) return "";
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text.charAt(i - 1);
}

/** The character (a whole surrogate pair) that starts at `i`, or "". */
function charAt(text: string, i: number): string {
  return i < text.length ? String.fromCodePoint(text.codePointAt(i)!) : "";
}

/** The chain of nodes from the root down to the name (`NameRef` or `Identifier`) that starts at `start`. */
function chainToName(root: A.PolicyFile, start: number): AnyNode[] | null {
  const chain: AnyNode[] = [];
  const visit = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(visit);
    if (!value || typeof value !== "object") return false;
    const node = value as Partial<AnyNode> & Record<string, unknown>;
    const isNode = typeof node.kind === "string" && node.span !== undefined;
    if (isNode) {
      if (start < node.span!.start || start > node.span!.end) return false;
      chain.push(node as AnyNode);
      if (
        (node.kind === "NameRef" || node.kind === "Identifier") &&
        node.span!.start === start &&
        node.span!.end > start
      )
        return true;
    }
    for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "comments" && visit(v)) return true;
    if (isNode) chain.pop();
    return false;
  };
  return visit(root) ? chain : null;
}

/** The first lines of a declaration, for a completion's documentation. */
function declarationText(text: string, span: A.Span): string {
  const lines = text.slice(span.start, span.end).split("\n");
  return lines.slice(0, 3).join("\n") + (lines.length > 3 ? "\n…" : "");
}

/** The type of the items a quantifier ranges over, when the checker computed its collection's. */
function elementType(q: A.QuantifierExpr, checked: CheckedPolicy | null): string | null {
  if (!checked) return null;
  let found: A.QuantifierExpr | null = null;
  for (const o of resolveNames(checked).occurrences) {
    const d = o.symbol.decl;
    if (o.declaration && d?.kind === "QuantifierExpr" && o.span.start === q.variable.span.start) found = d;
  }
  const t = found ? checked.types.get(found.collection) : undefined;
  if (t?.kind === "list") return showType(t.element);
  if (t?.kind === "lexicon") return "string";
  return null;
}

/** Completion of a name (see {@link completeAt}); `analysis` is of this very text, or null. */
function completeNames(
  text: string,
  offset: number,
  index: LineIndex,
  analysis: Analysis | null,
  file: string,
): CompletionEntry[] {
  let start = offset;
  for (let ch = charBefore(text, start); ch && NAME_CHAR.test(ch); ch = charBefore(text, start))
    start -= ch.length;
  let end = offset;
  for (let ch = charAt(text, end); ch && NAME_CHAR.test(ch); ch = charAt(text, end)) end += ch.length;
  const word = text.slice(start, end);
  // after `.` a field follows (see `completeAt`); a word starting with a digit is a number
  if (text[start - 1] === "." || (word !== "" && !/^[\p{L}_]/u.test(word))) return [];
  const probe = word === "" ? text.slice(0, offset) + PLACEHOLDER + text.slice(offset) : text;
  const ast = lang.parsePolicy(probe, file).value;
  const chain = ast ? chainToName(ast, start) : null;
  if (!ast || !chain) return [];
  const node = chain[chain.length - 1]!;
  const parent = chain[chain.length - 2];
  const range = index.range({ start, end });
  const checked = analysis?.checked ?? null;
  if (parent?.kind === "CallExpr" && (parent as A.CallExpr).callee === node) return functionEntries(range);
  if (parent?.kind === "Citation" && (parent as A.Citation).source === node) {
    return ast.declarations
      .filter((d): d is A.SourceDecl => d.kind === "SourceDecl")
      .map((d) => ({
        label: d.name.name,
        kind: "source",
        detail: d.location.kind === "file" ? d.location.file.value : d.location.url.value,
        documentation: d.title?.value ?? "",
        range,
      }));
  }
  if (node.kind !== "NameRef") return [];
  const entries: CompletionEntry[] = [];
  const seen = new Set<string>();
  const add = (e: CompletionEntry) => {
    if (seen.has(e.label) || e.label === PLACEHOLDER) return;
    seen.add(e.label);
    entries.push(e);
  };
  // the variables of the quantifiers whose body holds the position, innermost first
  for (let i = chain.length - 2; i >= 0; i--) {
    const q = chain[i] as A.QuantifierExpr;
    if (q.kind !== "QuantifierExpr" || chain[i + 1] !== q.body) continue;
    add({
      label: q.variable.name,
      kind: "bound",
      detail: elementType(q, checked) ?? `bound by \`${q.quantifier}\``,
      documentation: probe.slice(q.span.start, q.collection.span.end),
      range,
    });
  }
  // the declarations above the one written here (a name is used after its declaration)
  for (const d of ast.declarations) {
    if (d === chain[1]) break;
    const doc = declarationText(probe, d.span);
    const typeText = (t: A.TypeExpr | null) => (t ? probe.slice(t.span.start, t.span.end) : "");
    if (d.kind === "LetDecl") {
      const t = checked?.lets.get(d.name.name)?.type;
      const detail = t ? showType(t) : typeText(d.type);
      add({ label: d.name.name, kind: "let", detail, documentation: doc, range });
    } else if (d.kind === "ParamDecl") {
      const t = checked?.params.get(d.name.name)?.type;
      const detail = t ? showType(t) : typeText(d.type);
      add({ label: d.name.name, kind: "param", detail, documentation: doc, range });
    } else if (d.kind === "LexiconDecl") {
      const words = checked?.lexicons.get(d.name.name)?.words.length;
      const detail = words === undefined ? "lexicon" : `lexicon (${words} words)`;
      add({ label: d.name.name, kind: "lexicon", detail, documentation: doc, range });
    }
  }
  add({
    label: "as_of",
    kind: "as_of",
    detail: "datetime",
    documentation: "The instant the decision is made for.",
    range,
  });
  entries.push(...functionEntries(range));
  if (`${ast.schema.name.name}@${ast.schema.version}` === "facts@1") {
    for (const name of resolveSchemaAt([])?.fields ?? []) add(fieldEntry([], name, range));
  }
  return entries;
}

function functionEntries(range: Range): CompletionEntry[] {
  return BUILTIN_FUNCTIONS.map((f) => ({
    label: f.name,
    kind: "function",
    detail: f.signature,
    documentation: f.doc,
    range,
  }));
}

/** A place in a file: the open one, a source document or a lexicon. */
export interface Place {
  /** Absolute path. */
  file: string;
  range: Range;
}

/** The file of source `id` under the sources directory, when it is a file source. */
function sourceFile(analysis: Analysis, id: string): string | null {
  const decl = analysis.checked?.sources.get(id);
  if (!decl || decl.location.kind !== "file" || analysis.sourcesDir === null) return null;
  return join(analysis.sourcesDir, decl.location.file.value);
}

// ---------------------------------------------------------------- the file's own names

/**
 * A name the file declares and refers to: a `let`, `param`, lexicon or source (one namespace), a
 * rule id, or the variable a quantifier binds (in its body only).
 */
interface NameSymbol {
  kind: "let" | "param" | "lexicon" | "source" | "rule" | "bound";
  name: string;
  /** What declares it (for a bound variable, its quantifier); null for a source cited but not declared. */
  decl: A.LetDecl | A.ParamDecl | A.LexiconDecl | A.SourceDecl | A.RuleDecl | A.QuantifierExpr | null;
  /** The declared name; null when undeclared. */
  nameSpan: A.Span | null;
}

/** One place a symbol's name is written. */
interface Occurrence {
  span: A.Span;
  symbol: NameSymbol;
  /** Whether this is where the symbol is declared. */
  declaration: boolean;
  /** The bound variables visible here, by name (the innermost binding of each). */
  scope: ReadonlyMap<string, NameSymbol>;
}

/** Every occurrence of the file's own names, in text order. */
interface Resolution {
  occurrences: Occurrence[];
  byRef: Map<A.NameRef, Occurrence>;
}

const resolutions = new WeakMap<CheckedPolicy, Resolution>();

/**
 * Resolves every name of a checked file, as the checker does: a bare name is the variable of the
 * innermost quantifier whose body holds it, else what the checker bound it to (a let, param or
 * lexicon; facts fields and `as_of` are not the file's own). A name the checker left unbound (used
 * before its declaration, or in a declaration it skipped) goes to the declaration of that name.
 * Definition, references, rename and hover all read this one resolution.
 */
function resolveNames(checked: CheckedPolicy): Resolution {
  const cached = resolutions.get(checked);
  if (cached) return cached;
  const symbols = new Map<object, NameSymbol>();
  const undeclared = new Map<string, NameSymbol>();
  const symbolOf = (decl: NonNullable<NameSymbol["decl"]>): NameSymbol => {
    let s = symbols.get(decl);
    if (!s) {
      const name =
        decl.kind === "QuantifierExpr" ? decl.variable : decl.kind === "RuleDecl" ? decl.id : decl.name;
      const kind = (
        {
          LetDecl: "let",
          ParamDecl: "param",
          LexiconDecl: "lexicon",
          SourceDecl: "source",
          RuleDecl: "rule",
          QuantifierExpr: "bound",
        } as const
      )[decl.kind];
      s = { kind, name: name.kind === "DottedName" ? name.text : name.name, decl, nameSpan: name.span };
      symbols.set(decl, s);
    }
    return s;
  };
  const byName = new Map<string, NameSymbol>();
  for (const d of checked.ast.declarations) {
    if (d.kind !== "RuleDecl" && d.kind !== "SourceDecl" && !byName.has(d.name.name))
      byName.set(d.name.name, symbolOf(d));
  }
  const occurrences: Occurrence[] = [];
  const byRef = new Map<A.NameRef, Occurrence>();
  const none: ReadonlyMap<string, NameSymbol> = new Map();
  const add = (
    span: A.Span,
    symbol: NameSymbol,
    declaration: boolean,
    scope: ReadonlyMap<string, NameSymbol>,
  ) => {
    const o = { span, symbol, declaration, scope };
    occurrences.push(o);
    return o;
  };
  const visitChildren = (
    node: Record<string, unknown>,
    scope: ReadonlyMap<string, NameSymbol>,
    skip: string,
  ) => {
    for (const [k, v] of Object.entries(node))
      if (k !== "span" && k !== "comments" && k !== skip) visit(v, scope);
  };
  const visit = (value: unknown, scope: ReadonlyMap<string, NameSymbol>): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, scope);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = value as A.Node;
    switch (node.kind) {
      case "LetDecl":
      case "ParamDecl":
      case "LexiconDecl":
      case "SourceDecl":
        add(node.name.span, symbolOf(node), true, none);
        visitChildren(node as unknown as Record<string, unknown>, none, "name");
        return;
      case "RuleDecl":
        add(node.id.span, symbolOf(node), true, none);
        visitChildren(node as unknown as Record<string, unknown>, none, "id");
        return;
      case "QuantifierExpr": {
        visit(node.collection, scope);
        const v = symbolOf(node);
        add(node.variable.span, v, true, scope);
        visit(node.body, new Map(scope).set(v.name, v));
        return;
      }
      case "NameRef": {
        const b = checked.names.get(node);
        let s = scope.get(node.name) ?? null;
        if (!s && (b?.kind === "let" || b?.kind === "param" || b?.kind === "lexicon")) s = symbolOf(b.decl);
        if (!s && !b) s = byName.get(node.name) ?? null;
        if (s) byRef.set(node, add(node.span, s, false, scope));
        return;
      }
      case "Citation": {
        const name = node.source.name;
        const decl = checked.sources.get(name);
        let s = decl ? symbolOf(decl) : undeclared.get(name);
        if (!s) undeclared.set(name, (s = { kind: "source", name, decl: null, nameSpan: null }));
        add(node.source.span, s, false, scope);
        return;
      }
      case "Identifier":
      case "DottedName":
      case "Comment":
        return;
    }
    visitChildren(value as Record<string, unknown>, scope, "");
  };
  visit(checked.ast, none);
  occurrences.sort((a, b) => a.span.start - b.span.start);
  const out = { occurrences, byRef };
  resolutions.set(checked, out);
  return out;
}

/** The occurrence of one of the file's names at `offset` (one that ends there counts). */
function occurrenceAt(names: Resolution, offset: number): Occurrence | null {
  let touching: Occurrence | null = null;
  for (const o of names.occurrences) {
    if (o.span.start <= offset && offset < o.span.end) return o;
    if (o.span.end === offset) touching = o;
  }
  return touching;
}

/**
 * Every place the name at a position is written — a `let`, `param`, lexicon, source, rule id or
 * bound variable (only within its quantifier) — in text order, its declaration included unless
 * `includeDeclaration` is false. Null when the position is on none of the file's own names (a facts
 * field, a function, a keyword, a string).
 */
export function referencesAt(
  analysis: Analysis,
  position: Position,
  includeDeclaration = true,
): Range[] | null {
  const checked = analysis.checked;
  if (!checked) return null;
  const index = new LineIndex(analysis.text);
  const names = resolveNames(checked);
  const at = occurrenceAt(names, index.offset(position));
  if (!at) return null;
  return names.occurrences
    .filter((o) => o.symbol === at.symbol && (includeDeclaration || !o.declaration))
    .map((o) => index.range(o.span));
}

/**
 * The id of the rule whose id is written at a position (a rule id is written once, where it is
 * declared), or null. What the conformance cases are searched for (`cases.ts`).
 */
export function ruleIdAt(analysis: Analysis, position: Position): string | null {
  const checked = analysis.checked;
  if (!checked) return null;
  const at = occurrenceAt(resolveNames(checked), new LineIndex(analysis.text).offset(position));
  return at?.symbol.kind === "rule" ? at.symbol.name : null;
}

/**
 * Where the name or reference at a position is defined: a `let`, `param` or lexicon name → its
 * declaration; a quantifier variable → where the quantifier binds it; a citation's source id →
 * the `source` declaration; anywhere else in a citation → the cited line of the source document
 * (with a sources directory); a lexicon's path → the lexicon file. Null elsewhere.
 */
export function definitionAt(analysis: Analysis, position: Position): Place | null {
  const checked = analysis.checked;
  if (!checked) return null;
  const index = new LineIndex(analysis.text);
  const offset = index.offset(position);
  const here = (span: A.Span): Place => ({ file: analysis.file, range: index.range(span) });
  const top = (file: string, line = 0): Place => ({
    file,
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
  });
  const at = occurrenceAt(resolveNames(checked), offset);
  if (at && !at.declaration) return at.symbol.nameSpan ? here(at.symbol.nameSpan) : null;
  // a declared name is its own definition, except a source's or lexicon's: its file (below)
  if (at && at.symbol.kind !== "source" && at.symbol.kind !== "lexicon") return here(at.span);
  const chain = nodesAt(checked.ast, offset);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    if (node.kind === "NameRef") return null;
    if (node.kind === "Citation") {
      const c = node as A.Citation;
      const decl = checked.sources.get(c.source.name);
      if (offset <= c.source.span.end && decl) return here(decl.name.span);
      const file = sourceFile(analysis, c.source.name);
      return file ? top(file, Math.max(0, c.line - 1)) : decl ? here(decl.name.span) : null;
    }
    if (node.kind === "SourceDecl") {
      const file = sourceFile(analysis, (node as A.SourceDecl).name.name);
      return file ? top(file) : null;
    }
    if (node.kind === "LexiconDecl") {
      return top(resolve(dirname(analysis.file), (node as A.LexiconDecl).path.value));
    }
  }
  return null;
}

// ---------------------------------------------------------------- rename

/** Why the position is not on a name that can be renamed. */
function notRenameable(checked: CheckedPolicy, text: string, offset: number): string {
  const field = (name: string) =>
    `\`${name}\` is a field of the facts: its name is the schema's, not the policy's`;
  const chain = nodesAt(checked.ast, offset);
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    const inSpan = (s: A.Span) => s.start <= offset && offset <= s.end;
    if (node.kind === "NameRef") {
      const name = (node as A.NameRef).name;
      const b = checked.names.get(node as A.NameRef);
      if (b?.kind === "fact") return field(name);
      if (b?.kind === "as_of") return "`as_of` is built into the language";
      return `\`${name}\` is not declared in this file`;
    }
    if (node.kind === "MemberExpr" && inSpan((node as A.MemberExpr).property.span))
      return field((node as A.MemberExpr).property.name);
    if (node.kind === "CallExpr" && inSpan((node as A.CallExpr).callee.span))
      return `\`${(node as A.CallExpr).callee.name}\` is a builtin function`;
    if (node.kind === "StringLit" || node.kind === "TemplateLit") return "a string cannot be renamed";
  }
  const word = /[\p{L}\p{M}\p{N}_]+$/u.exec(text.slice(0, offset))?.[0] ?? "";
  const whole = word + (/^[\p{L}\p{M}\p{N}_]+/u.exec(text.slice(offset))?.[0] ?? "");
  if (lang.KEYWORDS.has(whole)) return `\`${whole}\` is a keyword`;
  return "there is no name to rename here";
}

/** Why `name` cannot be written where an identifier stands (null when it can). */
function identifierProblem(name: string): string | null {
  const { tokens, diagnostics } = lang.tokenize(name, "<new name>");
  if (diagnostics.length === 0 && tokens.length === 1 && tokens[0]!.image === name) {
    if (tokens[0]!.tokenType.name === "Identifier") return null;
    if (lang.KEYWORDS.has(name)) return `\`${name}\` is a keyword`;
  }
  return `\`${name}\` is not a name: a name is a letter or \`_\` followed by letters, digits or \`_\``;
}

/** Why `name` cannot be a rule id (a dotted name, as `filing.pre_launch`; null when it can). */
function ruleIdProblem(name: string): string | null {
  const { tokens, diagnostics } = lang.tokenize(name, "<new name>");
  const ok =
    diagnostics.length === 0 &&
    tokens.length % 2 === 1 &&
    tokens.map((t) => t.image).join("") === name &&
    tokens.every((t, i) =>
      i === 0
        ? t.tokenType.name === "Identifier"
        : i % 2 === 1
          ? t.tokenType.name === "Dot"
          : t.tokenType.name === "Identifier" || lang.KEYWORDS.has(t.image),
    );
  return ok ? null : `\`${name}\` is not a rule id: names joined by \`.\`, as \`filing.pre_launch\``;
}

/** The symbol at a position and its occurrences, or why there is none. */
function renameTarget(
  analysis: Analysis,
  position: Position,
): { at: Occurrence; occurrences: Occurrence[]; names: Resolution; index: LineIndex } | { error: string } {
  const checked = analysis.checked;
  if (!checked) return { error: "the file has syntax errors: fix them before renaming" };
  const index = new LineIndex(analysis.text);
  const offset = index.offset(position);
  const names = resolveNames(checked);
  const at = occurrenceAt(names, offset);
  if (!at) return { error: notRenameable(checked, analysis.text, offset) };
  return { at, occurrences: names.occurrences.filter((o) => o.symbol === at.symbol), names, index };
}

/** The range of the name a rename at a position would change, and its text; or why none can be. */
export function prepareRenameAt(
  analysis: Analysis,
  position: Position,
): { range: Range; placeholder: string } | { error: string } {
  const t = renameTarget(analysis, position);
  if ("error" in t) return t;
  return { range: t.index.range(t.at.span), placeholder: t.at.symbol.name };
}

/**
 * Why renaming `symbol` to `name` would change what a name of the file means (null when it would
 * not): the lets, params, lexicons and sources share one namespace; a let, param or lexicon may not
 * take the name of a facts field, of `as_of` or of a bound variable; a bound variable may not take
 * one of those either, nor that of a quantifier around or inside its own; and no renamed place may
 * lie where a bound variable of that name is visible.
 */
function renameConflict(
  symbol: NameSymbol,
  name: string,
  occurrences: readonly Occurrence[],
  names: Resolution,
  checked: CheckedPolicy,
  index: LineIndex,
): string | null {
  const line = (span: A.Span) => index.position(span.start).line + 1;
  if (symbol.kind === "rule") {
    const other = checked.ast.declarations.find((d) => d.kind === "RuleDecl" && d.id.text === name);
    return other ? `a rule \`${name}\` is already declared on line ${line(other.span)}` : null;
  }
  for (const d of checked.ast.declarations) {
    if (d.kind === "RuleDecl" || d === symbol.decl || d.name.name !== name) continue;
    if (symbol.kind === "bound" && d.kind === "SourceDecl") continue;
    const what = { SourceDecl: "a source", LexiconDecl: "a lexicon", ParamDecl: "a param", LetDecl: "a let" }[
      d.kind
    ];
    return `\`${name}\` is already declared on line ${line(d.name.span)} (${what})`;
  }
  if (symbol.kind === "source") return null;
  if (name === "as_of") return "`as_of` is built into the language";
  const facts = `${checked.ast.schema.name.name}@${checked.ast.schema.version}` === "facts@1";
  if (facts && resolveSchemaAt([])?.fields?.includes(name)) return `\`${name}\` is a field of the facts`;
  for (const o of occurrences) {
    const b = o.scope.get(name);
    if (b && b !== symbol)
      return `on line ${line(o.span)}, \`${name}\` is the variable bound on line ${line(b.nameSpan!)}`;
  }
  const body = symbol.kind === "bound" ? (symbol.decl as A.QuantifierExpr).body.span : null;
  for (const o of names.occurrences) {
    if (!o.declaration || o.symbol.kind !== "bound" || o.symbol.name !== name || o.symbol === symbol)
      continue;
    if (body === null)
      return `\`${name}\` is the variable bound on line ${line(o.span)}: a ${symbol.kind} cannot share its name`;
    if (o.span.start >= body.start && o.span.end <= body.end)
      return `\`${name}\` is the variable bound on line ${line(o.span)}, inside this quantifier`;
  }
  return null;
}

/**
 * The edits renaming the name at a position (every occurrence, in this file), or why it cannot be
 * renamed: not a name of the file (a facts field, a function, a keyword, a string), a new name that
 * is not an identifier (a dotted name for a rule), or one that would change what a name means (see
 * `renameConflict`). The renamed text is checked again: a rename that would add a diagnostic is
 * refused too.
 */
export function renameAt(
  analysis: Analysis,
  position: Position,
  newName: string,
): { edits: TextEdit[] } | { error: string } {
  const t = renameTarget(analysis, position);
  if ("error" in t) return t;
  const { at, occurrences, names, index } = t;
  const symbol = at.symbol;
  const checked = analysis.checked!;
  if (newName === symbol.name) return { edits: [] };
  const problem =
    (symbol.kind === "rule" ? ruleIdProblem(newName) : identifierProblem(newName)) ??
    renameConflict(symbol, newName, occurrences, names, checked, index);
  if (problem) return { error: `cannot rename \`${symbol.name}\` to \`${newName}\`: ${problem}` };
  const edits = occurrences.map((o) => ({ range: index.range(o.span), newText: newName }));
  // the renamed file must check as before, with the same name at the same places
  let text = "";
  let from = 0;
  const moved: A.Span[] = [];
  for (const o of occurrences) {
    text += analysis.text.slice(from, o.span.start);
    moved.push({ start: text.length, end: text.length + newName.length });
    text += newName;
    from = o.span.end;
  }
  text += analysis.text.slice(from);
  const after = analyze(analysis.file, text, { sourcesDir: analysis.sourcesDir });
  const counts = new Map<string, number>();
  for (const d of analysis.diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  for (const d of after.diagnostics) {
    const n = counts.get(d.code) ?? 0;
    if (n === 0) return { error: `cannot rename \`${symbol.name}\` to \`${newName}\`: ${d.message}` };
    counts.set(d.code, n - 1);
  }
  const renamed = after.checked ? resolveNames(after.checked) : null;
  const first = renamed?.occurrences.find((o) => o.span.start === moved[0]!.start);
  const same =
    first !== undefined &&
    renamed!.occurrences
      .filter((o) => o.symbol === first.symbol)
      .map((o) => `${o.span.start}-${o.span.end}`)
      .join() === moved.map((s) => `${s.start}-${s.end}`).join();
  if (!same)
    return { error: `cannot rename \`${symbol.name}\` to \`${newName}\`: it would change what names mean` };
  return { edits };
}

/** The text of a cited line for a hover (around the quote when it is long), and whether the quote is on it. */
function citedLineMarkdown(analysis: Analysis, c: A.Citation): string | null {
  const file = sourceFile(analysis, c.source.name);
  if (file === null) return null;
  const head = `**${c.source.name}:${c.line}**`;
  const source = readSource(dirname(file), basename(file));
  if (source === null) return `${head}: the source document \`${file}\` cannot be read`;
  const check = checkQuote(source, c.line, c.quote.value);
  const line = source.lines[c.line - 1];
  if (line === undefined || c.line < 1) return `${head}: the source document has no line ${c.line}`;
  const at = line.indexOf(c.quote.value);
  const WINDOW = 160;
  let shown = line;
  if (line.length > 2 * WINDOW + c.quote.value.length) {
    const from = Math.max(0, (at < 0 ? 0 : at) - WINDOW);
    const to = Math.min(line.length, (at < 0 ? 0 : at + c.quote.value.length) + WINDOW);
    shown = `${from > 0 ? "…" : ""}${line.slice(from, to)}${to < line.length ? "…" : ""}`;
  }
  const found = check.ok
    ? "the quote is on this line"
    : `the quote is **not** on this line${check.foundOnLine === null ? "" : ` (it is on line ${check.foundOnLine})`}`;
  return `${head} (${found})\n\n> ${shown}`;
}

/** Hover of a citation: the cited line of the source document (with a sources directory). */
function citationHover(
  analysis: Analysis,
  chain: AnyNode[],
  index: LineIndex,
): { markdown: string; range: Range } | null {
  const c = [...chain].reverse().find((n) => n.kind === "Citation") as A.Citation | undefined;
  if (!c) return null;
  const markdown = citedLineMarkdown(analysis, c);
  return markdown === null ? null : { markdown, range: index.range(c.span) };
}

/** One entry of the outline. */
export interface OutlineSymbol {
  name: string;
  /** `policy`, `source`, `lexicon`, `param`, `let`, `rule`, `exception`. */
  kind: string;
  detail: string;
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}

/** The outline of the file: the policy, then its declarations in order, exceptions under their rules. */
export function outlineOf(analysis: Analysis): OutlineSymbol[] {
  const ast = analysis.checked?.ast ?? lang.parsePolicy(analysis.text, analysis.file).value;
  if (!ast) return [];
  const index = new LineIndex(analysis.text);
  const sym = (
    name: string,
    kind: string,
    detail: string,
    span: A.Span,
    sel: A.Span,
    children: OutlineSymbol[] = [],
  ) => ({
    name,
    kind,
    detail,
    range: index.range(span),
    selectionRange: index.range(sel),
    children,
  });
  const children = ast.declarations.map((d): OutlineSymbol => {
    switch (d.kind) {
      case "SourceDecl":
        return sym(
          d.name.name,
          "source",
          d.location.kind === "file" ? d.location.file.value : d.location.url.value,
          d.span,
          d.name.span,
        );
      case "LexiconDecl":
        return sym(d.name.name, "lexicon", d.path.value, d.span, d.name.span);
      case "ParamDecl":
        return sym(d.name.name, "param", `${d.versions.length} version(s)`, d.span, d.name.span);
      case "LetDecl": {
        const t = analysis.checked?.lets.get(d.name.name)?.type;
        return sym(d.name.name, "let", t ? showType(t) : "", d.span, d.name.span);
      }
      case "RuleDecl":
        return sym(
          d.id.text,
          "rule",
          [d.effect.effect, d.title?.value].filter(Boolean).join(" · "),
          d.span,
          d.id.span,
          d.exceptions.map((x, i) =>
            sym(
              x.name?.name ?? String(i + 1),
              "exception",
              x.title?.value ?? "",
              x.span,
              x.name?.span ?? x.span,
            ),
          ),
        );
    }
  });
  return [sym(ast.id.text, "policy", ast.title.value, ast.span, ast.id.span, children)];
}
