import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parsePointer } from "../src/index.js";

/** The repository's `examples/` directory. */
export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

/** File names of the example facts documents. */
export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

/** An example document, freshly parsed (plain objects, safe to mutate). */
export function loadExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(EXAMPLES_DIR + name, "utf8")) as Record<string, unknown>;
}

/** Sets (or with `undefined`, deletes) the value at a JSON pointer, creating nothing on the way. */
export function setAt(doc: unknown, pointer: string, value: unknown): void {
  const tokens = parsePointer(pointer);
  const last = tokens.pop()!;
  let node = doc as Record<string, unknown>;
  for (const t of tokens) node = node[t] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
