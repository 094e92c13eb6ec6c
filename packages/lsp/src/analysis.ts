/**
 * What the language server knows about one open policy file: diagnostics (the same passes as
 * `norma check`, on the unsaved text; citations verified when a sources directory is given) with
 * their quick fixes, hover (the type of an expression and, for facts fields, the schema's
 * description; for a citation, the cited line), go to definition, the outline, completion of field
 * names, and formatting.
 *
 * Everything here is a pure function of the file's path and text (plus the files around it:
 * `norms.yaml`, lexicons), so it is tested without an editor.
 */
import { basename, dirname, join, resolve } from "node:path";
import {
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
function schemaPath(expr: A.Expr, chain: AnyNode[], checked: CheckedPolicy): string[] | null {
  const path = pathOf(expr);
  if (!path) return null;
  const [head, ...rest] = path.split(".");
  for (let i = chain.length - 1; i >= 0; i--) {
    const q = chain[i]!;
    if (q.kind === "QuantifierExpr" && (q as A.QuantifierExpr).variable.name === head) {
      const collection = schemaPath((q as A.QuantifierExpr).collection, chain.slice(0, i), checked);
      return collection ? [...collection, "[]", ...rest] : null;
    }
  }
  const root = checked.ast.declarations.some((d) => d.kind !== "RuleDecl" && d.name.name === head);
  if (root || head === "as_of") return null;
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
    const sp = schemaPath(expr, chain.slice(0, i), checked);
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

/**
 * Facts fields that may follow `path.` just before a position (the file may not parse while the
 * author types, so this reads the text, not the AST). Paths start at the facts root; a list
 * contributes the fields of its items.
 */
export function completeAt(
  text: string,
  position: Position,
): Array<{ label: string; detail: string; documentation: string }> {
  const index = new LineIndex(text);
  const before = text.slice(0, index.offset(position));
  const m = /([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)\.[\p{L}_]*$/u.exec(before);
  if (!m) return [];
  const parts = m[1]!.split(".");
  let info = resolveSchemaAt(parts);
  let base = parts;
  if (info && !info.fields && info.items?.fields) {
    base = [...parts, "[]"];
    info = resolveSchemaAt(base);
  }
  const names = info?.fields ?? info?.items?.fields ?? [];
  return names.map((name) => {
    const f = resolveSchemaAt([...base, name]);
    return {
      label: name,
      detail: f ? f.type + (f.required ? "" : "?") : "",
      documentation: f?.description ?? "",
    };
  });
}

/** A place in a file: the open one, a source document or a lexicon. */
export interface Place {
  /** Absolute path. */
  file: string;
  range: Range;
}

/** The declaration of the quantifier variable `name` visible at the end of `chain`. */
function boundVariable(chain: AnyNode[], name: string): A.Identifier | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    const q = chain[i]!;
    if (q.kind === "QuantifierExpr" && (q as A.QuantifierExpr).variable.name === name)
      return (q as A.QuantifierExpr).variable;
  }
  return null;
}

/** The file of source `id` under the sources directory, when it is a file source. */
function sourceFile(analysis: Analysis, id: string): string | null {
  const decl = analysis.checked?.sources.get(id);
  if (!decl || decl.location.kind !== "file" || analysis.sourcesDir === null) return null;
  return join(analysis.sourcesDir, decl.location.file.value);
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
  const here = (span: A.Span): Place => ({ file: analysis.file, range: index.range(span) });
  const top = (file: string, line = 0): Place => ({
    file,
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
  });
  const chain = nodesAt(checked.ast, index.offset(position));
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i]!;
    if (node.kind === "NameRef") {
      const b = checked.names.get(node as A.NameRef);
      if (!b) return null;
      if (b.kind === "let" || b.kind === "param" || b.kind === "lexicon") return here(b.decl.name.span);
      if (b.kind === "bound") {
        const v = boundVariable(chain.slice(0, i), (node as A.NameRef).name);
        return v ? here(v.span) : null;
      }
      return null;
    }
    if (node.kind === "Citation") {
      const c = node as A.Citation;
      const onId = index.offset(position) <= c.source.span.end;
      const decl = checked.sources.get(c.source.name);
      if (onId && decl) return here(decl.name.span);
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
