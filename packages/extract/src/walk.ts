/**
 * Walks the project directory once, with `fs`, pruning vendored trees, and classifies each file:
 * which region it belongs to (client, cloud function, other server code), whether it is vendored,
 * and what kind of source it is.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PRUNED_DIRS, isVendoredPath } from "./vendored.js";

/** The kind of a source file, by extension. */
export type SourceKind = "script" | "wxml" | "sfc" | "json" | "server" | "other";

/** Where a file runs. */
export type Region = "client" | "cloud" | "server";

/** One file of the project. */
export interface SourceFile {
  /** Project-relative path with `/` separators. */
  rel: string;
  abs: string;
  kind: SourceKind;
  region: Region;
  vendored: boolean;
  /** The cloud function the file belongs to (first directory under a cloud-function root). */
  cloudFunction?: string;
  size: number;
}

/** Options of `walkProject`. */
export interface WalkOptions {
  /** Client root, project-relative (`.` for the project itself). */
  clientRoot: string;
  /** Cloud-function roots, project-relative. */
  cloudRoots: string[];
  /** Extra directory paths (project-relative) not to walk, such as build output. */
  skipDirs?: string[];
  /** Stop after this many entries (a guard against pathological trees). */
  maxEntries?: number;
}

/** What `walkProject` returns. */
export interface WalkResult {
  files: SourceFile[];
  prunedDirs: number;
  truncated: boolean;
}

const SCRIPT = /\.(?:js|mjs|cjs|ts|mts|cts|jsx|tsx)$/;
const SERVER = /\.(?:py|php|java|go|rb|cs|kt)$/;

/** Classifies a file name. `.d.ts` files are types, not code. */
export function sourceKind(name: string): SourceKind {
  if (name.endsWith(".d.ts")) return "other";
  if (SCRIPT.test(name)) return "script";
  if (name.endsWith(".wxml")) return "wxml";
  if (/\.(?:vue|nvue|wpy)$/.test(name)) return "sfc";
  if (name.endsWith(".json")) return "json";
  if (SERVER.test(name)) return "server";
  return "other";
}

function under(rel: string, root: string): boolean {
  return root === "." || rel === root || rel.startsWith(root + "/");
}

/**
 * Walks `dir` depth-first in a stable (sorted) order. Symbolic links are not followed. Directories
 * in `PRUNED_DIRS` are counted but not entered.
 */
export function walkProject(dir: string, opts: WalkOptions): WalkResult {
  const files: SourceFile[] = [];
  const skip = new Set(opts.skipDirs ?? []);
  const max = opts.maxEntries ?? 200_000;
  let seen = 0;
  let prunedDirs = 0;
  let truncated = false;
  const stack: string[] = [""];
  while (stack.length > 0) {
    const relDir = stack.pop() as string;
    let entries;
    try {
      entries = readdirSync(relDir ? join(dir, relDir) : dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const e of entries) {
      if (++seen > max) {
        truncated = true;
        break;
      }
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (PRUNED_DIRS.has(e.name) || skip.has(rel)) prunedDirs++;
        else stack.push(rel);
        continue;
      }
      if (!e.isFile()) continue;
      const kind = sourceKind(e.name);
      if (kind === "other") continue;
      const abs = join(dir, rel);
      let size: number;
      try {
        size = statSync(abs).size;
      } catch {
        continue;
      }
      const cloudRoot = opts.cloudRoots.find((r) => rel.startsWith(r + "/"));
      let region: Region;
      let cloudFunction: string | undefined;
      if (cloudRoot !== undefined) {
        region = "cloud";
        const restPath = rel.slice(cloudRoot.length + 1);
        cloudFunction = restPath.includes("/") ? restPath.slice(0, restPath.indexOf("/")) : undefined;
      } else region = under(rel, opts.clientRoot) ? "client" : "server";
      const file: SourceFile = { rel, abs, kind, region, vendored: isVendoredPath(rel), size };
      if (cloudFunction !== undefined) file.cloudFunction = cloudFunction;
      files.push(file);
    }
    if (truncated) break;
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, prunedDirs, truncated };
}

/** Reads a UTF-8 file; `undefined` when it cannot be read. */
export function readText(abs: string): string | undefined {
  try {
    return readFileSync(abs, "utf8");
  } catch {
    return undefined;
  }
}
