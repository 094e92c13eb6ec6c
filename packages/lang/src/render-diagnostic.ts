/**
 * The one renderer of diagnostics, shared by the CLI, the checker and the golden tests: a
 * `file:line:col: error[code]: message` line, a code frame with a caret underline, and the help.
 * Also the JSON form used by `--format json`.
 */
import { charWidth } from "./char-width.js";
import type { Diagnostic } from "./diagnostics.js";
import type { SourceText } from "./source-text.js";

/** Options for `renderDiagnostic`. */
export interface RenderOptions {
  /** Use ANSI colours (default false). */
  color?: boolean;
}

/** The widest part of a source line shown in a frame, in columns; longer lines are cut around the span. */
const MAX_FRAME_WIDTH = 100;
/** The most source lines a multi-line span shows (first and last ones; `...` between). */
const MAX_FRAME_LINES = 6;

interface Style {
  severity(s: string, severity: string): string;
  bold(s: string): string;
  gutter(s: string): string;
  caret(s: string): string;
  help(s: string): string;
}

const PLAIN: Style = {
  severity: (s) => s,
  bold: (s) => s,
  gutter: (s) => s,
  caret: (s) => s,
  help: (s) => s,
};

const ANSI: Style = {
  severity: (s, severity) => `\x1b[1;${severity === "error" ? 31 : 33}m${s}\x1b[0m`,
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
  gutter: (s) => `\x1b[34m${s}\x1b[0m`,
  caret: (s) => `\x1b[1;31m${s}\x1b[0m`,
  help: (s) => `\x1b[36m${s}\x1b[0m`,
};

/** One display cell group of a source line: what to print and how many columns it takes. */
interface Cell {
  offset: number;
  shown: string;
  width: number;
}

function cellsOf(line: string, lineStart: number): Cell[] {
  const cells: Cell[] = [];
  for (let i = 0; i < line.length;) {
    const cp = line.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    let shown = ch;
    let width: number;
    if (ch === "\t") {
      shown = "    ";
      width = 4;
    } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) {
      shown = "\uFFFD";
      width = 1;
    } else {
      width = charWidth(ch);
      if (width === 0) {
        shown = "";
      }
    }
    cells.push({ offset: lineStart + i, shown, width });
    i += ch.length;
  }
  return cells;
}

/**
 * Renders one diagnostic as text: the location line, the code frame with carets under the span
 * (East Asian wide characters get two carets), and `help`/`note` lines. Never throws; a span
 * outside the text is clamped into it.
 */
export function renderDiagnostic(d: Diagnostic, source: SourceText, options: RenderOptions = {}): string {
  const style = options.color ? ANSI : PLAIN;
  const text = source.text;
  const start = clamp(d.span.start, text.length);
  const end = Math.max(start, clamp(d.span.end, text.length));
  const from = source.position(start);
  const to = source.position(end);
  const out: string[] = [];
  out.push(
    `${d.file}:${from.line}:${from.column}: ${style.severity(d.severity, d.severity)}${style.bold(`[${d.code}]: ${d.message}`)}`,
  );

  // The last line of a span that ends just after a line break is the previous line.
  let lastLine = to.line;
  if (lastLine > from.line && to.column === 1) lastLine--;
  let lines = range(from.line, lastLine);
  let elided = false;
  if (lines.length > MAX_FRAME_LINES) {
    lines = [...lines.slice(0, MAX_FRAME_LINES - 2), ...lines.slice(-2)];
    elided = true;
  }
  const gutterWidth = String(lines[lines.length - 1]).length;
  const pad = " ".repeat(gutterWidth);
  out.push(style.gutter(`${pad} |`));
  lines.forEach((line, index) => {
    if (elided && index === MAX_FRAME_LINES - 2) out.push(style.gutter(`${"...".padStart(gutterWidth)}`));
    const lineStart = source.lineStarts[line - 1] ?? text.length;
    const lineText = source.lineText(line);
    const cells = cellsOf(lineText, lineStart);
    const lineEnd = lineStart + lineText.length;
    // on the lines after the first, the underline starts at the first non-blank character
    const indentEnd = lineStart + (lineText.length - lineText.trimStart().length);
    const caretFrom =
      line === from.line ? Math.max(start, lineStart) : Math.max(start, Math.min(indentEnd, end));
    const caretTo = Math.min(end, lineEnd);
    // columns of the caret range
    let col = 0;
    let caretStartCol = -1;
    let caretEndCol = -1;
    for (const c of cells) {
      if (caretStartCol < 0 && c.offset >= caretFrom) caretStartCol = col;
      if (c.offset < caretTo) caretEndCol = col + c.width;
      col += c.width;
    }
    const totalWidth = col;
    if (caretStartCol < 0) caretStartCol = totalWidth;
    if (caretEndCol <= caretStartCol) caretEndCol = caretStartCol + 1;
    // window for long lines
    let windowStart = 0;
    let windowEnd = totalWidth;
    if (totalWidth > MAX_FRAME_WIDTH) {
      windowStart = Math.max(0, Math.min(caretStartCol - 20, totalWidth - MAX_FRAME_WIDTH));
      windowEnd = windowStart + MAX_FRAME_WIDTH;
    }
    let shown = windowStart > 0 ? "…" : "";
    let c0 = 0;
    for (const c of cells) {
      if (c0 >= windowStart && c0 + c.width <= windowEnd) shown += c.shown;
      c0 += c.width;
    }
    if (windowEnd < totalWidth) shown += "…";
    const shift = windowStart > 0 ? 1 - windowStart : 0;
    const caretCol = Math.max(0, caretStartCol + shift);
    const caretLen = Math.max(1, Math.min(caretEndCol, windowEnd + 1) + shift - caretCol);
    out.push(
      `${style.gutter(`${String(line).padStart(gutterWidth)} |`)}${shown.length > 0 ? " " + shown : ""}`,
    );
    out.push(`${style.gutter(`${pad} |`)} ${" ".repeat(caretCol)}${style.caret("^".repeat(caretLen))}`);
  });
  if (d.help) out.push(`${pad} ${style.gutter("=")} ${style.help("help:")} ${d.help}`);
  for (const r of d.related ?? []) {
    const where =
      r.file === d.file
        ? `${r.file}:${source.position(r.span.start).line}:${source.position(r.span.start).column}`
        : r.file;
    out.push(`${pad} ${style.gutter("=")} ${style.help("note:")} ${r.message} (${where})`);
  }
  return out.join("\n") + "\n";
}

/** The JSON form of a diagnostic, as printed by `--format json`. Lines and columns are 1-based; `endColumn` is exclusive. */
export interface DiagnosticJson {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  help: string | null;
  /** The quick fix (see `Diagnostic.fix`), its edits placed like the diagnostic (1-based). */
  fix: {
    title: string;
    edits: Array<{ line: number; column: number; endLine: number; endColumn: number; text: string }>;
  } | null;
}

/**
 * Converts diagnostics to their JSON objects, computing lines and columns from the source of each
 * diagnostic's file. A diagnostic whose file is not among `sources` gets line and column 0.
 */
export function formatDiagnosticsJson(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceText> | Iterable<SourceText>,
): DiagnosticJson[] {
  const byFile = new Map<string, SourceText>();
  if (sources instanceof Map)
    for (const [k, v] of sources as ReadonlyMap<string, SourceText>) byFile.set(k, v);
  else for (const s of sources as Iterable<SourceText>) byFile.set(s.file, s);
  return diagnostics.map((d) => {
    const source = byFile.get(d.file);
    const at = (start: number, end: number) => {
      const from = source ? source.position(start) : { line: 0, column: 0 };
      const to = source ? source.position(Math.max(start, end)) : { line: 0, column: 0 };
      return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
    };
    return {
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.file,
      ...at(d.span.start, d.span.end),
      help: d.help ?? null,
      fix: d.fix
        ? {
            title: d.fix.title,
            edits: d.fix.edits.map((e) => ({ ...at(e.span.start, e.span.end), text: e.text })),
          }
        : null,
    };
  });
}

function clamp(offset: number, length: number): number {
  return Number.isFinite(offset) ? Math.max(0, Math.min(length, offset)) : length;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
