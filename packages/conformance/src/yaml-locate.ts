/**
 * From a JSON pointer into a parsed YAML document to a line and column in its text, so every
 * problem with a case file can be shown both ways: `cases/3/expect/0` and `file.yaml:42:9`.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from "yaml";

/** RFC 6901: escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** RFC 6901: the pointer of a path of tokens (`[]` → `""`). */
export function toPointer(path: ReadonlyArray<string | number>): string {
  return path.map((t) => "/" + escapeToken(t)).join("");
}

/** RFC 6901: the unescaped tokens of a pointer (`""` → `[]`). */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * A text's 1-based line and column (in code points, like policy diagnostics) of UTF-16 offsets.
 */
export class TextPositions {
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** Line and column of an offset (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo]!;
    return { line: lo + 1, column: [...this.text.slice(start, o)].length + 1 };
  }
}

/**
 * The offset in the text of the node a pointer designates, or of its nearest existing ancestor
 * when the pointer names something absent (a missing field is reported at its parent). With
 * `preferKey`, a pointer to a mapping entry gives the offset of the entry's key (unknown fields).
 */
export function offsetOf(doc: Document, pointer: string, preferKey = false): number {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let offset = node?.range?.[0] ?? 0;
  const tokens = parsePointer(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === token);
      if (!pair) break;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      const keyOffset = key?.range?.[0];
      const valueOffset = value?.range?.[0];
      offset = (preferKey ? keyOffset : (valueOffset ?? keyOffset)) ?? offset;
      if (preferKey && i === tokens.length - 1) break;
      node = value;
    } else if (isSeq(node)) {
      const item = node.items[Number(token)] as Node | undefined;
      if (!/^(0|[1-9][0-9]*)$/.test(token) || !item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}
