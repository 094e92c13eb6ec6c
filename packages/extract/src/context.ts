/**
 * The state of one extraction run: the project directory, a cache of file texts and their lines,
 * and the warnings collected so far.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExtractWarning, Place, WarningCode } from "./types.js";

const MAX_SNIPPET = 160;

/** Largest file read, in bytes; larger ones are skipped with a warning. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** One extraction run. */
export class ExtractContext {
  readonly warnings: ExtractWarning[] = [];
  private readonly texts = new Map<string, string | undefined>();
  private readonly lines = new Map<string, string[]>();

  constructor(readonly dir: string) {}

  /** The text of a project-relative file, or `undefined` (with a warning) if it cannot be read. */
  text(rel: string): string | undefined {
    if (this.texts.has(rel)) return this.texts.get(rel);
    let text: string | undefined;
    try {
      text = readFileSync(join(this.dir, rel), "utf8");
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "error";
      this.warn("extract/unreadable-file", `cannot read \`${rel}\` (${code})`, [{ file: rel, line: 1 }]);
    }
    this.texts.set(rel, text);
    return text;
  }

  /** A place in a file; the snippet is the trimmed source line. */
  place(rel: string, line: number, column?: number): Place {
    let ls = this.lines.get(rel);
    if (!ls) {
      ls = (this.text(rel) ?? "").split(/\r?\n/);
      this.lines.set(rel, ls);
    }
    let snippet = (ls[line - 1] ?? "").trim();
    if (snippet.length > MAX_SNIPPET) {
      // Long (minified) lines: keep the part around the column.
      const c = Math.max(
        0,
        (column ?? 1) - 1 - (ls[line - 1] ?? "").length + (ls[line - 1] ?? "").trimStart().length,
      );
      const from = Math.max(0, Math.min(c - 40, snippet.length - MAX_SNIPPET));
      snippet = snippet.slice(from, from + MAX_SNIPPET);
    }
    const p: Place = { file: rel, line, snippet };
    if (column !== undefined) p.column = column;
    return p;
  }

  /** Records a warning. */
  warn(code: WarningCode, message: string, places: ExtractWarning["places"] = []): void {
    this.warnings.push({ code, message, places });
  }
}
