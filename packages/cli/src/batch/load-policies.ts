/**
 * Loading the policies a batch or a diff decides with, keeping the bundle text as well as the
 * engine: worker threads each load the same text, and a diff reports both bundles' hashes.
 */
import { readFileSync, statSync } from "node:fs";
import { buildBundle, findPoliciesRoot, findPolicyFiles } from "@norma/compiler";
import { loadBundle, type Engine } from "@norma/runtime";
import { renderDiagnostics } from "../util.js";

/** A loaded bundle: the engine (main thread) and the JSON text it was loaded from. */
export interface LoadedPolicies {
  engine: Engine;
  bundleText: string;
}

/**
 * Builds a directory of `.norma` files (or reads a bundle `.json` written by `norma build`) and
 * loads it; on failure prints why on standard error and returns null.
 */
export function loadPoliciesForBatch(
  policies: string,
  sourcesDir: string | null = null,
): LoadedPolicies | null {
  let bundleText: string;
  let isBundleFile: boolean;
  try {
    isBundleFile = statSync(policies).isFile() && policies.endsWith(".json");
  } catch {
    process.stderr.write(`error: no such file or directory \`${policies}\`\n`);
    return null;
  }
  if (isBundleFile) {
    bundleText = readFileSync(policies, "utf8");
  } else {
    const { files, missing } = findPolicyFiles([policies]);
    if (missing.length > 0 || files.length === 0) {
      process.stderr.write(`error: no policy files under \`${policies}\`\n`);
      return null;
    }
    const { value, diagnostics } = buildBundle(files, { root: findPoliciesRoot([policies]), sourcesDir });
    if (!value.bundle) {
      process.stderr.write(renderDiagnostics(diagnostics, value.sources, "text"));
      process.stderr.write(
        `error: the policies under \`${policies}\` have errors; run \`pnpm norma check\` for details\n`,
      );
      return null;
    }
    bundleText = JSON.stringify(value.bundle);
  }
  const loaded = loadBundle(bundleText);
  if (!loaded.ok) {
    process.stderr.write(`error: the bundle from \`${policies}\` does not load:\n`);
    for (const d of loaded.diagnostics) process.stderr.write(`  ${JSON.stringify(d)}\n`);
    return null;
  }
  return { engine: loaded.value, bundleText };
}
