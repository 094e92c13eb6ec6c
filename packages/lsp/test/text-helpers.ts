/** Positions and edits in policy text, for the language server's tests. */
import { LineIndex, type TextEdit } from "../src/index.js";

/** The position of the first occurrence of `needle` (plus `delta` characters). */
export function at(text: string, needle: string, delta = 0) {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return new LineIndex(text).position(i + delta);
}

/** `text` with `edits` applied (as an editor applies a quick fix or a rename). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const index = new LineIndex(text);
  let out = text;
  const sorted = [...edits].sort((a, b) => index.offset(b.range.start) - index.offset(a.range.start));
  for (const e of sorted)
    out = out.slice(0, index.offset(e.range.start)) + e.newText + out.slice(index.offset(e.range.end));
  return out;
}
