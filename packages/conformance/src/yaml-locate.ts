/**
 * From a JSON pointer into a parsed YAML document to a line and column in its text, so every
 * problem with a case file can be shown both ways: `cases/3/expect/0` and `file.yaml:42:9`.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import { parsePointer } from "@norma/facts";

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
