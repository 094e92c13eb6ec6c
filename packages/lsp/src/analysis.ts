/**
 * What the language server knows about one open policy file: diagnostics (the same passes as
 * `norma check`, on the unsaved text), hover (the type of an expression and, for facts fields,
 * the schema's description), completion of field names, and formatting.
 *
 * Everything here is a pure function of the file's path and text (plus the files around it:
 * `norms.yaml`, lexicons), so it is tested without an editor.
 */
import { dirname, resolve } from "node:path";
import {
  buildBundle,
  findPoliciesRoot,
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

export interface EditorDiagnostic {
  range: Range;
  severity: "error" | "warning";
  code: string;
  message: string;
}

export interface Analysis {
  diagnostics: EditorDiagnostic[];
  checked: CheckedPolicy | null;
  text: string;
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
  offset(p: Position): number {
    const start = this.starts[Math.max(0, Math.min(p.line, this.starts.length - 1))]!;
    return Math.min(this.text.length, start + Math.max(0, p.character));
  }
}

/** Parses and checks one policy text as `norma check` would, without touching the file on disk. */
export function analyze(path: string, text: string): Analysis {
  const file = resolve(path);
  const root = findPoliciesRoot([dirname(file)]);
  const { value, diagnostics } = buildBundle([file], { root, overrides: new Map([[file, text]]) });
  const index = new LineIndex(text);
  const own = value.checked[0] ?? null;
  const shown = own?.file ?? [...value.sources.keys()][0];
  return {
    text,
    checked: own,
    diagnostics: diagnostics
      .filter((d) => d.file === shown || resolve(d.file) === file)
      .map((d) => ({
        range: {
          start: index.position(d.span.start),
          end: index.position(Math.max(d.span.end, d.span.start + 1)),
        },
        severity: d.severity,
        code: d.code,
        message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
      })),
  };
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
    const range = { start: index.position(node.span.start), end: index.position(node.span.end) };
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
  return null;
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
