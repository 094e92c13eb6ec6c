/**
 * A small Wadler-style document layout engine for the printer: a `Doc` describes text with
 * optional line breaks; `renderDoc` puts each `group` on one line when it fits in the width and
 * breaks all of its `line`s otherwise. Widths are display widths (a Chinese character is 2).
 */
import { displayWidth } from "./char-width.js";

/** A document: text, a sequence, or a layout construct. */
export type Doc = string | Doc[] | Group | Indent | Line | IfBreak;

/** Laid out flat when it fits, otherwise with its lines broken. */
export interface Group {
  kind: "group";
  contents: Doc;
}
/** Its contents' broken lines are indented by two more spaces. */
export interface Indent {
  kind: "indent";
  contents: Doc;
}
/** A space (or nothing, if `soft`) when flat; a line break when broken. */
export interface Line {
  kind: "line";
  soft: boolean;
}
/** `broken` in a broken group, `flat` in a flat one. */
export interface IfBreak {
  kind: "ifBreak";
  broken: Doc;
  flat: Doc;
}

/** A group. */
export const group = (contents: Doc): Group => ({ kind: "group", contents });
/** An indentation. */
export const indent = (contents: Doc): Indent => ({ kind: "indent", contents });
/** A line: a space when flat. */
export const line: Line = { kind: "line", soft: false };
/** A soft line: nothing when flat. */
export const softline: Line = { kind: "line", soft: true };
/** Text depending on whether the enclosing group breaks. */
export const ifBreak = (broken: Doc, flat: Doc = ""): IfBreak => ({ kind: "ifBreak", broken, flat });

/** Joins docs with a separator. */
export function join(separator: Doc, docs: Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) out.push(separator);
    out.push(d);
  });
  return out;
}

type Mode = "flat" | "break";
interface Command {
  indent: number;
  mode: Mode;
  doc: Doc;
}

function fits(next: Command, rest: Command[], width: number): boolean {
  let remaining = width;
  const stack: Command[] = [next];
  let restIndex = rest.length - 1;
  while (remaining >= 0) {
    let cmd = stack.pop();
    if (!cmd) {
      if (restIndex < 0) return true;
      cmd = rest[restIndex--]!;
    }
    const { doc, mode, indent: ind } = cmd;
    if (typeof doc === "string") {
      remaining -= displayWidth(doc);
    } else if (Array.isArray(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) stack.push({ indent: ind, mode, doc: doc[i]! });
    } else if (doc.kind === "group") {
      stack.push({
        indent: ind,
        mode: mode === "break" && cmd !== next ? "break" : "flat",
        doc: doc.contents,
      });
    } else if (doc.kind === "indent") {
      stack.push({ indent: ind + 2, mode, doc: doc.contents });
    } else if (doc.kind === "ifBreak") {
      stack.push({ indent: ind, mode, doc: mode === "break" ? doc.broken : doc.flat });
    } else if (mode === "break") {
      return true;
    } else if (!doc.soft) {
      remaining -= 1;
    }
  }
  return false;
}

/**
 * Lays a document out in `width` columns, starting at column `start` with indentation `base`
 * (in spaces) for broken lines. Returns the lines (the first without indentation).
 */
export function renderDoc(doc: Doc, width: number, base: number, start = base): string[] {
  const lines: string[] = [];
  let current = "";
  let column = start;
  const stack: Command[] = [{ indent: base, mode: "break", doc }];
  while (stack.length > 0) {
    const cmd = stack.pop()!;
    const { doc: d, mode, indent: ind } = cmd;
    if (typeof d === "string") {
      current += d;
      column += displayWidth(d);
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push({ indent: ind, mode, doc: d[i]! });
    } else if (d.kind === "group") {
      const flat: Command = { indent: ind, mode: "flat", doc: d.contents };
      if (mode === "flat" || fits(flat, stack, width - column)) stack.push(flat);
      else stack.push({ indent: ind, mode: "break", doc: d.contents });
    } else if (d.kind === "indent") {
      stack.push({ indent: ind + 2, mode, doc: d.contents });
    } else if (d.kind === "ifBreak") {
      stack.push({ indent: ind, mode, doc: mode === "break" ? d.broken : d.flat });
    } else if (mode === "flat") {
      if (!d.soft) {
        current += " ";
        column += 1;
      }
    } else {
      lines.push(current.trimEnd());
      current = " ".repeat(ind);
      column = ind;
    }
  }
  lines.push(current.trimEnd());
  return lines;
}
