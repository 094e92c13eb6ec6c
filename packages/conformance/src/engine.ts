/**
 * The runner's view of the engine: build policies (from a directory or from inline text), load a
 * bundle, decide facts on a named evaluator. `realEngine` wires these to @norma/compiler and
 * @norma/runtime; tests of the runner's own logic may pass another `EngineAdapter`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBundle, findPolicyFiles, type CheckedPolicy } from "@norma/compiler";
import * as lang from "@norma/lang";
import type { Diagnostic } from "@norma/lang";
import type { Bundle, Decision as RuntimeDecision } from "@norma/runtime";
import * as runtime from "@norma/runtime";
import type { EvaluatorName } from "./types.js";
import { jsonEqual } from "./assertions.js";

/** One outcome of a decision, as the runtime reports it. */
export interface DecisionOutcome {
  rule: string;
  policy: string;
  effect: string;
  label: string;
  value?: unknown;
  message?: string | null;
  norms?: string[];
  citations?: unknown[];
  /** The exception that gave this outcome (`rule#name`), or null. */
  exception?: string | null;
}

/** One rule's status in a decision. */
export interface DecisionRule {
  rule: string;
  status: string;
  because?: unknown;
  /** The exception that applied (status `excepted`). */
  exception?: { id: string } | null;
  /** Why the rule ended in `error`. */
  error?: string;
}

/** The parts of a decision the runner reads. */
export interface Decision {
  verdict: string;
  outcomes: DecisionOutcome[];
  rules: DecisionRule[];
}

/** An error the engine reports on facts it will not decide (at a JSON pointer into the facts). */
export interface FactsProblem {
  pointer: string;
  code: string;
  message: string;
}

/** What deciding returns: a decision, or the reasons the facts were refused. */
export type DecideOutcome = { ok: true; decision: Decision } | { ok: false; errors: FactsProblem[] };

/** A loaded bundle that can decide. */
export interface LoadedEngine {
  decide(facts: unknown, options: { asOf: string; evaluator: EvaluatorName }): DecideOutcome;
}

/** A diagnostic with its position computed, ready to compare and to print. */
export interface PlacedDiagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  column: number;
  /** For inline policies built together, the 1-based position of the diagnostic's file. */
  fileIndex?: number;
  help?: string;
  /** The code frame, as `norma check` prints it. */
  rendered: string;
}

/** A citation written in a policy, with where it stands and whether it verified. */
export interface PolicyCitation {
  policy: string;
  /** The rule, exception (`rule#name`) or parameter (`param name`) that cites. */
  owner: string;
  /** The policy's own name for the source (`FIL`). */
  source: string;
  /** The seed file the source names, or null for a URL source or an undeclared one. */
  sourceFile: string | null;
  /** The URL, for a URL source (`source X url "…" retrieved …`): nothing to verify offline. */
  sourceUrl: string | null;
  line: number;
  quote: string;
  /** Where in the policy text: `policies/filing.norma:12:3`. */
  at: string;
  /** The diagnostics of citation verification on this citation (empty: it verified, if verification ran). */
  problems: PlacedDiagnostic[];
}

/** A source file a policy pins: its name and SHA-256, and whether the file on disk matched. */
export interface PolicyPin {
  policy: string;
  source: string;
  file: string;
  sha256: string;
  /** Diagnostics of the pin check (`check/source-not-found`, `check/source-changed`). */
  problems: PlacedDiagnostic[];
}

/** The result of building the policies directory. */
export interface PoliciesBuild {
  bundle: Bundle | null;
  /** Every diagnostic, citation verification included. */
  diagnostics: PlacedDiagnostic[];
  citations: PolicyCitation[];
  pins: PolicyPin[];
  /** Whether citation verification ran (a sources directory was given). */
  citationsVerified: boolean;
  fileCount: number;
}

/** The result of building the inline policies of a language case. */
export interface InlineBuild {
  bundle: Bundle | null;
  /** Each with the 1-based position of its file among the texts built. */
  diagnostics: PlacedDiagnostic[];
}

/** What the runner needs from the engine. */
export interface EngineAdapter {
  buildPolicies(policiesDir: string, sourcesDir: string | null): PoliciesBuild;
  /**
   * Builds policy texts into one bundle. `assetsDir` holds what they may refer to: `lexicons/…`,
   * `norms.yaml` (the norm ids they may implement) and `sources/` (citations are verified there).
   */
  buildInline(texts: string[], assetsDir: string | null): InlineBuild;
  load(bundle: Bundle): { engine: LoadedEngine | null; problems: string[] };
  /** Releases what the adapter holds (temporary directories). */
  dispose(): void;
}

const CITATION_CODES = new Set([
  "check/source-not-found",
  "check/source-changed",
  "check/line-out-of-range",
  "check/quote-not-found",
]);

/**
 * Where two projections of a decision (`withoutExplanations`) first differ: the member, and both
 * values as JSON; `null` when they are equal.
 */
function firstDifference(explained: Record<string, unknown>, quick: Record<string, unknown>): string | null {
  for (const key of Object.keys(explained)) {
    const a = explained[key];
    const b = quick[key];
    if (jsonEqual(a, b)) continue;
    let at = key;
    let x = a;
    let y = b;
    if (Array.isArray(a) && Array.isArray(b)) {
      const i = a.findIndex((item, j) => !jsonEqual(item, b[j]));
      at = `${key}[${i < 0 ? a.length : i}]`;
      x = a[i < 0 ? a.length : i] ?? null;
      y = b[i < 0 ? a.length : i] ?? null;
    }
    return `\`${at}\` is ${JSON.stringify(x)} with explanations and ${JSON.stringify(y)} without`;
  }
  return null;
}

/** What a decision without explanations must share with the explained one (no `because`, no evidence, no facts hash). */
function withoutExplanations(d: RuntimeDecision): Record<string, unknown> {
  return {
    verdict: d.verdict,
    asOf: d.asOf,
    bundle: d.bundle,
    engine: d.engine,
    outcomes: d.outcomes.map((o) => ({ ...o, evidence: [] })),
    rules: d.rules.map((r) => ({
      rule: r.rule,
      status: r.status,
      exception: r.exception?.id ?? null,
      effective: r.effective ?? null,
      error: r.error ?? null,
    })),
  };
}

/** The real engine: @norma/compiler builds, @norma/runtime decides. */
export function realEngine(): EngineAdapter {
  let scratch: string | null = null;
  let counter = 0;
  const workDirs = new Map<string, string>();
  const scratchDir = () => (scratch ??= mkdtempSync(join(tmpdir(), "norma-conformance-")));
  return {
    buildPolicies(policiesDir, sourcesDir) {
      const root = resolve(policiesDir);
      const { files } = findPolicyFiles([root]);
      const verified = buildBundle(files, { root, sourcesDir });
      let { value } = verified;
      const diagnostics = verified.diagnostics;
      // A citation that does not verify must not hide every case: build again without verification
      // to run the cases; the citation failures still fail the run.
      if (
        !value.bundle &&
        sourcesDir &&
        diagnostics.every((d) => d.severity !== "error" || CITATION_CODES.has(d.code))
      ) {
        value = buildBundle(files, { root, sourcesDir: null }).value;
      }
      const placed = diagnostics.map((d) => place(d, value.sources));
      const citations: PolicyCitation[] = [];
      const pins: PolicyPin[] = [];
      for (const cp of value.checked) collectCitations(cp, diagnostics, value.sources, citations, pins);
      return {
        bundle: value.bundle,
        diagnostics: placed,
        citations,
        pins,
        citationsVerified: verified.value.citationsVerified,
        fileCount: files.length,
      };
    },
    buildInline(texts, assetsDir) {
      // One working directory per assets directory: the assets are copied in once, and the
      // policies are written beside them so that `lexicon x from "lexicons/x.yaml"` resolves.
      const key = assetsDir ?? "";
      let work = workDirs.get(key);
      if (!work) {
        work = join(scratchDir(), `w${workDirs.size}`);
        mkdirSync(work, { recursive: true });
        if (assetsDir) cpSync(assetsDir, work, { recursive: true });
        workDirs.set(key, work);
      }
      const n = ++counter;
      const files = texts.map((text, i) => {
        const file = join(work, `case-${n}-${i + 1}.norma`);
        writeFileSync(file, text);
        return file;
      });
      const normsFile = join(work, "norms.yaml");
      const sourcesDir = join(work, "sources");
      const { value, diagnostics } = buildBundle(files, {
        root: work,
        sourcesDir: existsSync(sourcesDir) ? sourcesDir : null,
        normsFile: existsSync(normsFile) ? normsFile : null,
      });
      return {
        bundle: value.bundle,
        diagnostics: diagnostics.map((d) => ({
          ...place(d, value.sources),
          fileIndex: files.indexOf(resolve(d.file)) + 1 || 1,
        })),
      };
    },
    load(bundle) {
      const loaded = runtime.loadBundle(bundle);
      const problems = loaded.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.code}: ${d.message}`);
      const engine = loaded.value;
      if (!engine || problems.length)
        return { engine: null, problems: problems.length ? problems : ["the bundle did not load"] };
      return {
        engine: {
          decide(facts, { asOf, evaluator }) {
            const r = engine.decide(facts, { asOf, evaluator, explain: true, strict: true });
            if (r.ok && evaluator === "compiled") {
              // The compiled evaluator decides without explanations on its own path (generated
              // status functions, shared entries): every case checks it against the explained decision.
              const quick = engine.decide(facts, { asOf, evaluator, explain: false, strict: true });
              const mismatch = quick.ok
                ? firstDifference(withoutExplanations(r.decision), withoutExplanations(quick.decision))
                : "it refused the facts";
              if (mismatch !== null) {
                return {
                  ok: false,
                  errors: [
                    {
                      pointer: "",
                      code: "engine/quick-mismatch",
                      message: `the compiled evaluator without explanations disagrees with its explained decision: ${mismatch}`,
                    },
                  ],
                };
              }
            }
            if (r.ok) return { ok: true, decision: r.decision };
            return {
              ok: false,
              errors: r.errors.map((e) => ({ pointer: e.pointer, code: e.code, message: e.message })),
            };
          },
        },
        problems: [],
      };
    },
    dispose() {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      scratch = null;
      workDirs.clear();
    },
  };
}

function place(d: Diagnostic, sources: Map<string, lang.SourceText>): PlacedDiagnostic {
  const src = sources.get(d.file) ?? new lang.SourceText(d.file, "");
  const pos = src.position(d.span.start);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: pos.line,
    column: pos.column,
    ...(d.help ? { help: d.help } : {}),
    rendered: lang.renderDiagnostic(d, src, { color: false }),
  };
}

/** Lists a checked policy's citations and pins, each with the verification diagnostics that fall on it. */
function collectCitations(
  cp: CheckedPolicy,
  diagnostics: Diagnostic[],
  sources: Map<string, lang.SourceText>,
  citations: PolicyCitation[],
  pins: PolicyPin[],
): void {
  const src = sources.get(cp.file);
  const on = (span: lang.Span) =>
    diagnostics
      .filter(
        (d) =>
          d.file === cp.file &&
          CITATION_CODES.has(d.code) &&
          d.span.start === span.start &&
          d.span.end === span.end,
      )
      .map((d) => place(d, sources));
  const policy = cp.ast.id.text;
  const files = new Map<string, string>();
  const urls = new Map<string, string>();
  for (const s of cp.sources.values()) {
    if (s.location.kind !== "file") {
      urls.set(s.name.name, `${s.location.url.value} (retrieved ${s.location.retrieved.value})`);
      continue;
    }
    files.set(s.name.name, s.location.file.value);
    pins.push({
      policy,
      source: s.name.name,
      file: s.location.file.value,
      sha256: s.location.sha256.value,
      problems: [...on(s.location.file.span), ...on(s.location.sha256.span)],
    });
  }
  const add = (owner: string, list: lang.Citation[]) => {
    for (const c of list) {
      const pos = src?.position(c.span.start) ?? { line: 0, column: 0 };
      citations.push({
        policy,
        owner,
        source: c.source.name,
        sourceFile: files.get(c.source.name) ?? null,
        sourceUrl: urls.get(c.source.name) ?? null,
        line: c.line,
        quote: c.quote.value,
        at: `${cp.file}:${pos.line}:${pos.column}`,
        problems: [...on(c.quote.span), ...on(c.lineSpan)],
      });
    }
  };
  for (const d of cp.ast.declarations) {
    if (d.kind === "RuleDecl") {
      add(d.id.text, d.citations);
      d.exceptions.forEach((ex, i) => add(`${d.id.text}#${ex.name?.name ?? i}`, ex.citations));
    } else if (d.kind === "ParamDecl") {
      for (const v of d.versions) add(`param ${d.name.name}`, v.citations);
    }
  }
}
