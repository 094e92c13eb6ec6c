/**
 * The norm catalogue (`policies/norms.yaml`): the ids that `implements` may name, with the places
 * in the sources where each norm stands. Kept as data so the checker rejects unknown ids and the
 * conformance report can list coverage per norm.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { Diagnostic } from "@norma/lang";

/** One norm: its id, a one-line summary in our words, and its places (`SOURCE:LINE`). */
export interface NormInfo {
  id: string;
  summary: string;
  places: string[];
}

/** Loads the catalogue; problems are diagnostics on the catalogue file. */
export function loadNormCatalogue(file: string): {
  ids: Set<string> | null;
  norms: NormInfo[];
  diagnostics: Diagnostic[];
} {
  const fail = (message: string): { ids: null; norms: NormInfo[]; diagnostics: Diagnostic[] } => ({
    ids: null,
    norms: [],
    diagnostics: [
      { code: "check/norms-invalid", severity: "error", message, span: { start: 0, end: 0 }, file },
    ],
  });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { ids: null, norms: [], diagnostics: [] };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return fail(`the norm catalogue is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const list = (doc as { norms?: unknown } | null)?.norms;
  if (!list || typeof list !== "object" || Array.isArray(list))
    return fail("the norm catalogue needs a `norms` mapping");
  const norms: NormInfo[] = [];
  for (const [id, v] of Object.entries(list as Record<string, unknown>)) {
    const info = (v ?? {}) as { summary?: unknown; places?: unknown };
    norms.push({
      id,
      summary: typeof info.summary === "string" ? info.summary : "",
      places: Array.isArray(info.places) ? info.places.map(String) : [],
    });
  }
  return { ids: new Set(norms.map((n) => n.id)), norms, diagnostics: [] };
}
