/** Test helpers: fixture paths, evidence lookups, and the line of a marker in a fixture file. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExtractResult } from "../src/index.js";

/** Absolute path of a fixture. */
export const fixture = (name: string): string =>
  join(dirname(fileURLToPath(import.meta.url)), "fixtures", name);

/** `file:line` of every evidence entry at exactly `pointer`, sorted. */
export function evidenceAt(r: ExtractResult, pointer: string): string[] {
  return r.evidence
    .filter((e) => e.pointer === pointer)
    .map((e) => `${e.file}:${e.line}`)
    .sort();
}

/** `file:line` of the first line of `file` (in fixture `name`) that contains `needle`; throws if none. */
export function lineOf(name: string, file: string, needle: string): string {
  const lines = readFileSync(join(fixture(name), file), "utf8").split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`\`${needle}\` not in ${name}/${file}`);
  return `${file}:${i + 1}`;
}

/** The index of the array item at `path` whose fields match `where`; throws if none. */
export function indexWhere(items: unknown, where: Record<string, unknown>): number {
  if (!Array.isArray(items)) throw new Error("not an array");
  const i = items.findIndex((x) =>
    Object.entries(where).every(
      ([k, v]) => JSON.stringify((x as Record<string, unknown>)[k]) === JSON.stringify(v),
    ),
  );
  if (i < 0) throw new Error(`no item matching ${JSON.stringify(where)} in ${JSON.stringify(items)}`);
  return i;
}
