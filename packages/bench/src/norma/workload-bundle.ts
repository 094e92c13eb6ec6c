/**
 * The workload's Norma policies (packages/bench/workload/policies/*.norma), built into a bundle
 * against the workload's own facts schema (`workload@1`, packages/bench/workload/workload.schema.json).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildBundle, findPolicyFiles } from "@norma/compiler";
import type { Bundle } from "@norma/runtime";

/** The directory of the workload policies. */
export const WORKLOAD_POLICIES_DIR = fileURLToPath(new URL("../../workload/policies/", import.meta.url));

/** The path of the workload facts schema. */
export const WORKLOAD_SCHEMA_PATH = fileURLToPath(
  new URL("../../workload/workload.schema.json", import.meta.url),
);

/** The workload facts schema (JSON Schema draft 2020-12), registered with the checker as `workload@1`. */
export function workloadSchema(): object {
  return JSON.parse(readFileSync(WORKLOAD_SCHEMA_PATH, "utf8")) as object;
}

/**
 * Builds the workload policies; `sourcesDir` (the directory holding workload.md) verifies every
 * citation against the workload text. The bundle is null when the policies have errors.
 */
export function buildWorkloadBundle(sourcesDir: string | null = null): {
  bundle: Bundle | null;
  diagnostics: ReturnType<typeof buildBundle>["diagnostics"];
} {
  const { files } = findPolicyFiles([WORKLOAD_POLICIES_DIR]);
  const { value, diagnostics } = buildBundle(files, {
    root: WORKLOAD_POLICIES_DIR,
    sourcesDir,
    schemas: { "workload@1": workloadSchema() },
  });
  return { bundle: value.bundle, diagnostics };
}
