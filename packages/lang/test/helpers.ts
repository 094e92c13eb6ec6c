/** Test helpers: span stripping, fixture paths, golden files. */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** The fixtures folder. */
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
/** The repository root. */
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** A deep copy of an AST (or any value) without `span`/`lineSpan` fields, for structural comparison. */
export function stripSpans<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === "span" || key === "lineSpan" ? undefined : v)),
  );
}

/** Every file under `dir` (recursively) whose name ends with `suffix`, sorted. */
export function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/**
 * Asserts `actual` equals the golden file at `path`; with `UPDATE_GOLDENS=1` rewrites the file
 * instead (review the diff before committing).
 */
export function expectGolden(path: string, actual: string): void {
  if (process.env["UPDATE_GOLDENS"] === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual, "utf8");
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden ${path}; run with UPDATE_GOLDENS=1 to create it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
