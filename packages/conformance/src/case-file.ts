/**
 * Loading one case file: YAML (with positions) → schema validation → the checks the schema cannot
 * express (known source ids, known examples, known norm ids, invalid-facts cases that assert
 * nothing else). A file with any error yields no cases: the run fails on it, never skips it.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { validateCaseFileDocument } from "./case-schema.js";
import type { Assertion, Case, CaseFileError, CaseLocation, LoadedCaseFile } from "./types.js";
import { SourceText } from "@norma/lang";
import { offsetOf } from "./yaml-locate.js";

/** What the loader checks names against; `null` skips that check. */
export interface CaseFileContext {
  /** Source ids a case may cite (the `sources:` of `policies/norms.yaml`). */
  sourceIds: ReadonlySet<string> | null;
  /** Norm ids a case may name (the `norms:` of `policies/norms.yaml`). */
  normIds: ReadonlySet<string> | null;
  /** Whether `examples/<name>.json` exists. */
  hasExample: ((name: string) => boolean) | null;
}

/** Whether a case file (by its path relative to the suite) holds language cases: it lies under `language/`. */
export function isLanguageFile(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).slice(0, -1).includes("language");
}

/**
 * Reads and validates one case file. `path` is read from disk; `name` is how the file is shown
 * (relative to the suite directory). Never throws for problems in the file.
 */
export function loadCaseFile(
  path: string,
  name: string,
  context: CaseFileContext,
  kind: "domain" | "language" = isLanguageFile(name) ? "language" : "domain",
): LoadedCaseFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    return {
      file: name,
      kind,
      title: null,
      cases: [],
      errors: [
        {
          file: name,
          pointer: "",
          line: 1,
          column: 1,
          code: "case/unreadable",
          message: `cannot read the file (${code})`,
        },
      ],
    };
  }
  return parseCaseFile(text, name, context, kind);
}

/** Validates case-file text; `name` is the file's display name (by default it also decides domain vs language). */
export function parseCaseFile(
  text: string,
  name: string,
  context: CaseFileContext,
  kind: "domain" | "language" = isLanguageFile(name) ? "language" : "domain",
): LoadedCaseFile {
  const lineCounter = new LineCounter();
  const positions = new SourceText(name, text);
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: CaseFileError[] = [];
  const at = (pointer: string, atKey = false): CaseLocation => ({
    file: name,
    pointer,
    ...positions.position(offsetOf(doc, pointer, atKey)),
  });
  const push = (code: string, pointer: string, message: string, help?: string, atKey = false) => {
    const e: CaseFileError = { ...at(pointer, atKey), code, message };
    if (help) e.help = help;
    errors.push(e);
  };

  if (doc.errors.length) {
    for (const e of doc.errors) {
      const pos = positions.position(e.pos[0]);
      errors.push({
        file: name,
        pointer: "",
        ...pos,
        code: "case/yaml",
        message: `not valid YAML: ${firstLine(e.message)}`,
      });
    }
    return { file: name, kind, title: null, cases: [], errors };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  for (const p of validateCaseFileDocument(data, kind))
    push("case/schema", p.pointer, p.message, p.help, p.atKey);
  if (errors.length) return { file: name, kind, title: null, cases: [], errors: byPosition(errors) };

  const root = data as { feature?: string; description?: string; cases: Array<Record<string, unknown>> };
  const cases: Case[] = [];
  root.cases.forEach((raw, i) => {
    const base = `/cases/${i}`;
    const cite = (raw.cite as { at: string; quote: string } | undefined) ?? null;
    if (cite && context.sourceIds && !context.sourceIds.has(cite.at.split(":")[0]!)) {
      push(
        "case/unknown-source",
        `${base}/cite/at`,
        `unknown source \`${cite.at.split(":")[0]}\``,
        `the sources are ${[...context.sourceIds].map((s) => `\`${s}\``).join(", ")} (policies/norms.yaml)`,
      );
    }
    const baseName = (raw.base as string | undefined) ?? null;
    if (baseName !== null && context.hasExample && !context.hasExample(baseName)) {
      push("case/unknown-base", `${base}/base`, `there is no example \`examples/${baseName}.json\``);
    }
    const norms = (raw.norms as string[] | undefined) ?? null;
    norms?.forEach((n, j) => {
      if (context.normIds && !context.normIds.has(n))
        push("case/unknown-norm", `${base}/norms/${j}`, `\`${n}\` is not in the norm catalogue`);
    });
    const expect = raw.expect as Assertion[];
    const invalid = expect.filter((a) => "invalidFacts" in a).length;
    if (invalid > 0 && invalid < expect.length) {
      push(
        "case/schema",
        `${base}/expect`,
        "a case that expects invalid facts asserts nothing else",
        "the engine decides nothing on invalid facts; move the other assertions to a case of their own",
      );
    }
    const common = {
      id: raw.id as string,
      title: (raw.title as string | undefined) ?? (raw.id as string),
      file: name,
      location: at(base),
      asOf: (raw.asOf as string | undefined) ?? null,
      facts: (raw.facts as Record<string, unknown> | undefined) ?? null,
      base: baseName,
      patch: (raw.patch as Record<string, unknown> | undefined) ?? null,
      expect,
      expectLocations: expect.map((_, j) => at(`${base}/expect/${j}`)),
      skip: (raw.skip as string | undefined) ?? null,
      cite,
    };
    if (kind === "domain") cases.push({ ...common, kind: "domain", cite: cite!, norms });
    else
      cases.push({
        ...common,
        kind: "language",
        feature: root.feature!,
        policies: raw.policies ? (raw.policies as string[]) : raw.policy ? [raw.policy as string] : [],
        expr: (raw.expr as string | undefined) ?? null,
      });
  });
  const title = kind === "language" ? (root.feature ?? null) : (root.description ?? null);
  return { file: name, kind, title, cases: errors.length ? [] : cases, errors: byPosition(errors) };
}

/** Errors in the order a reader meets them in the file. */
function byPosition(errors: CaseFileError[]): CaseFileError[] {
  return [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
