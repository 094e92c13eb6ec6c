/**
 * Loading policies for the commands that decide (`eval`, `example`, `batch`, `diff`): from a
 * directory of `.norma` files (built on the fly) or from a bundle file written by `norma build`.
 */
import { readFileSync, statSync } from "node:fs";
import { buildBundle, findPoliciesRoot, findPolicyFiles } from "@norma/compiler";
import { loadBundle, type Bundle, type Engine } from "@norma/runtime";
import { renderDiagnostics } from "./util.js";

/** Builds (or reads) a bundle and loads it into an engine; on failure prints why and returns null. */
export function loadEngine(policies: string, sourcesDir: string | null = null): Engine | null {
  return loadPolicies(policies, sourcesDir)?.engine ?? null;
}

/** Like `loadEngine`, also returning the bundle itself. */
export function loadPolicies(
  policies: string,
  sourcesDir: string | null = null,
): { engine: Engine; bundle: Bundle } | null {
  let bundleText: string | null = null;
  try {
    if (statSync(policies).isFile() && policies.endsWith(".json"))
      bundleText = readFileSync(policies, "utf8");
  } catch {
    process.stderr.write(`error: no such file or directory \`${policies}\`\n`);
    return null;
  }
  if (bundleText === null) {
    const { files, missing } = findPolicyFiles([policies]);
    if (missing.length || files.length === 0) {
      process.stderr.write(`error: no policy files under \`${policies}\`\n`);
      return null;
    }
    const { value, diagnostics } = buildBundle(files, { root: findPoliciesRoot([policies]), sourcesDir });
    if (!value.bundle) {
      process.stderr.write(renderDiagnostics(diagnostics, value.sources, "text"));
      process.stderr.write("error: the policies have errors; run `pnpm norma check` for details\n");
      return null;
    }
    const loaded = loadBundle(value.bundle);
    if (!loaded.ok) {
      process.stderr.write(
        `error: the bundle does not load:\n${JSON.stringify(loaded.diagnostics, null, 2)}\n`,
      );
      return null;
    }
    return { engine: loaded.value, bundle: value.bundle };
  }
  let bundle: Bundle;
  try {
    bundle = JSON.parse(bundleText) as Bundle;
  } catch (e) {
    process.stderr.write(`error: \`${policies}\` is not JSON: ${(e as Error).message}\n`);
    return null;
  }
  const loaded = loadBundle(bundle);
  if (!loaded.ok) {
    process.stderr.write(`error: \`${policies}\` is not a valid bundle:\n`);
    for (const d of loaded.diagnostics) process.stderr.write(`  ${JSON.stringify(d)}\n`);
    return null;
  }
  return { engine: loaded.value, bundle };
}
