/**
 * The conformance runner: load and validate every case file, build the policies once, run every
 * case on each evaluator, and compute coverage and citation verification.
 *
 * Order matters in three places (marked ORDER below): case files are validated before the
 * policies are built, so a bad case file is reported even when the policies do not build; rule
 * ids in assertions are checked after the build, against the bundle; coverage is computed after
 * all cases ran, from every decision.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadNormCatalogue } from "@norma/compiler";
import type { Bundle } from "@norma/runtime";
import {
  checkDecisionAssertion,
  checkDiagnosticAssertion,
  comparableDecision,
  jsonEqual,
  type AssertionFailure,
} from "./assertions.js";
import { isLanguageFile, loadCaseFile, type CaseFileContext } from "./case-file.js";
import {
  caseCitationRecords,
  isCitationFailure,
  policyCitationRecords,
  type CitationRecord,
} from "./citations.js";
import {
  computeCoverage,
  exercisedNorms,
  loadNotEncoded,
  rulesNamed,
  type CoverageSummary,
} from "./coverage.js";
import {
  realEngine,
  type DecideOutcome,
  type EngineAdapter,
  type LoadedEngine,
  type PlacedDiagnostic,
} from "./engine.js";
import { applyMergePatch } from "./merge-patch.js";
import type {
  Assertion,
  Case,
  CaseFileError,
  DomainCase,
  EvaluatorName,
  LanguageCase,
  LoadedCaseFile,
} from "./types.js";

/** Options of {@link runSuite}. */
export interface RunOptions {
  /** The suite directory (`conformance`), or one case file. */
  dir: string;
  /** The policies directory (`policies`); its `norms.yaml` and `NOT-ENCODED.md` are read too. */
  policiesDir: string;
  /** Where `base:` examples live (`examples`). */
  examplesDir: string;
  /** The seed documents, for citation verification; null: citations are NOT verified. */
  sourcesDir: string | null;
  /** The evaluators every case runs on. */
  evaluators: EvaluatorName[];
  /** The engine to run (default: @norma/compiler + @norma/runtime). */
  engine?: EngineAdapter;
}

/** What one evaluator did with one case. */
export interface EvaluatorRun {
  evaluator: EvaluatorName;
  failures: AssertionFailure[];
}

/** The result of one case. */
export interface CaseResult {
  case: Case;
  status: "passed" | "failed" | "skipped";
  /** Failures per evaluator (an evaluator with no failures passed). */
  runs: EvaluatorRun[];
  /** Failures of the case as a whole: facts that cannot be resolved, a policy that did not build, evaluators that disagree. */
  problems: AssertionFailure[];
  /** The norms the case exercises (domain cases). */
  norms: string[];
  /** The rule ids its assertions name. */
  rules: string[];
  /** The diagnostics of a language case's policy. */
  diagnostics: PlacedDiagnostic[];
}

/** The policies as built for the run. */
export interface PoliciesSummary {
  dir: string;
  built: boolean;
  fileCount: number;
  diagnostics: PlacedDiagnostic[];
  bundle: Bundle | null;
}

/** Everything the reporters need. */
export interface SuiteResult {
  dir: string;
  evaluators: EvaluatorName[];
  sourcesDir: string | null;
  files: LoadedCaseFile[];
  caseFileErrors: CaseFileError[];
  policies: PoliciesSummary;
  cases: CaseResult[];
  coverage: CoverageSummary;
  citations: { verified: boolean; records: CitationRecord[]; failures: CitationRecord[] };
  /** The seed source ids → file names (`policies/norms.yaml` `sources:`). */
  sourceFiles: Map<string, string>;
  counts: { passed: number; failed: number; skipped: number; badFiles: number };
  /** Reasons the run fails beyond failing cases (policy errors, bad case files, citations). */
  problems: string[];
  /** True when nothing failed (coverage thresholds are the caller's to apply). */
  ok: boolean;
}

/** The instant language cases are decided at when they give none. */
export const DEFAULT_LANGUAGE_AS_OF = "2024-06-01T12:00:00+08:00";
/** The id of the rule an `expr:` case is wrapped into. */
export const EXPR_RULE = "conformance.expr";

/**
 * The seed an `expr:` case cites: `<assets>/sources/language.txt`, whose line 1 holds the word
 * `expression` (the wrapper's citation verifies when the assets provide it).
 */
export const EXPR_SOURCE_FILE = "language.txt";

const exprPrelude = (sha256: string) => [
  'policy conformance.expr "expression case" reads facts@1',
  `source LANG file "${EXPR_SOURCE_FILE}" sha256 "${sha256}"`,
  `rule ${EXPR_RULE}`,
  "  implements LANG-1",
  '  cite LANG:1 "expression"',
  "  when true",
  "  then assess result =",
];

/**
 * The synthetic policy an `expr:` case runs as: the expression is the assessed value of one rule,
 * starting at column 1 of the line after this prelude, so diagnostic positions map back by
 * subtracting the prelude's line count.
 */
export function wrapExpression(
  expr: string,
  sourceSha256 = "0".repeat(64),
): { text: string; lineOffset: number } {
  const prelude = exprPrelude(sourceSha256);
  return { text: `${prelude.join("\n")}\n${expr.replace(/\s+$/, "")}\n`, lineOffset: prelude.length };
}

/** Runs the whole suite; see the module comment for the order of the steps. Never throws for problems in the inputs. */
export async function runSuite(options: RunOptions): Promise<SuiteResult> {
  const engine = options.engine ?? realEngine();
  try {
    return run(options, engine);
  } finally {
    if (!options.engine) engine.dispose();
  }
}

function run(options: RunOptions, engine: EngineAdapter): SuiteResult {
  const problems: string[] = [];
  // A single case file runs alone, as part of the suite its directory is.
  const single = existsSync(options.dir) && statSync(options.dir).isFile() ? resolve(options.dir) : null;
  const dir = single ? dirname(single) : resolve(options.dir);
  const policiesDir = resolve(options.policiesDir);
  const examplesDir = resolve(options.examplesDir);
  const normsFile = join(policiesDir, "norms.yaml");
  const catalogue = loadNormCatalogue(normsFile);
  const sourceFiles = loadSourceIds(normsFile);
  if (!existsSync(normsFile)) problems.push(`no norm catalogue at \`${show(normsFile)}\``);
  for (const d of catalogue.diagnostics) problems.push(`${d.code}: ${d.message}`);

  // ORDER: case files first, so their errors are reported whatever happens to the policies.
  const context: CaseFileContext = {
    sourceIds: sourceFiles.size ? new Set(sourceFiles.keys()) : null,
    normIds: catalogue.ids,
    hasExample: (name) => existsSync(join(examplesDir, `${name}.json`)),
  };
  const files: LoadedCaseFile[] = [];
  // `norma test conformance/language` runs language cases too: the suite directory itself may be
  // (or lie under) a `language/` directory.
  const inLanguageSuite = show(dir).split("/").includes("language");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) problems.push(`no suite directory \`${show(dir)}\``);
  else {
    for (const f of single ? [single] : findCaseFiles(dir)) {
      const rel = relative(dir, f).split(sep).join("/");
      files.push(
        loadCaseFile(f, rel, context, inLanguageSuite || isLanguageFile(rel) ? "language" : "domain"),
      );
    }
    if (files.length === 0) problems.push(`no case files (*.yaml) under \`${show(dir)}\``);
  }
  checkDuplicateIds(files);

  const build = engine.buildPolicies(policiesDir, options.sourcesDir);
  const policyErrors = build.diagnostics.filter((d) => d.severity === "error");
  if (build.fileCount === 0) problems.push(`no policies (*.norma) under \`${show(policiesDir)}\``);
  if (policyErrors.length)
    problems.push(`the policies have ${policyErrors.length} error${policyErrors.length === 1 ? "" : "s"}`);
  const bundle = build.bundle;

  // ORDER: rule ids in assertions can only be checked once the bundle exists.
  if (bundle) checkRuleIds(files, new Set(bundle.rules.map((r) => r.id)));

  const caseFileErrors = files.flatMap((f) => f.errors);
  const badFiles = files.filter((f) => f.errors.length > 0).length;
  if (badFiles) problems.push(`${badFiles} case file${badFiles === 1 ? " has" : "s have"} errors`);
  const cases = files.flatMap((f) => (f.errors.length ? [] : f.cases));

  let loaded: LoadedEngine | null = null;
  let loadProblem: string | null = null;
  if (bundle) {
    const l = engine.load(bundle);
    loaded = l.engine;
    if (!loaded) {
      loadProblem = `the bundle did not load: ${l.problems.join("; ")}`;
      problems.push(loadProblem);
    }
  }
  const examples = new Map<string, unknown>();
  const statuses = new Map<string, Map<string, string>>();
  const results: CaseResult[] = [];
  for (const c of cases) {
    if (c.kind === "domain") {
      const r = runDomainCase(
        c,
        loaded,
        loadProblem ?? (bundle ? null : "the policies did not build"),
        options.evaluators,
        examplesDir,
        examples,
        statuses,
        bundle,
      );
      results.push(r);
    } else {
      results.push(
        runLanguageCase(
          c,
          engine,
          options.evaluators,
          examplesDir,
          examples,
          findAssets(dir, c.file, inLanguageSuite),
        ),
      );
    }
  }

  // ORDER: coverage needs every decision.
  const domainCases = cases.filter((c): c is DomainCase => c.kind === "domain");
  const coverage = computeCoverage(
    bundle,
    statuses,
    domainCases,
    catalogue.norms,
    loadNotEncoded(join(policiesDir, "NOT-ENCODED.md")),
  );

  const records = [
    ...policyCitationRecords(build),
    ...caseCitationRecords(cases, sourceFiles, options.sourcesDir, build.pins, show(dir)),
  ];
  const citationFailures = records.filter((r) => isCitationFailure(r.status));
  if (citationFailures.length)
    problems.push(
      `${citationFailures.length} citation${citationFailures.length === 1 ? " does" : "s do"} not verify`,
    );

  const counts = {
    passed: results.filter((r) => r.status === "passed").length,
    failed: results.filter((r) => r.status === "failed").length + badFiles,
    skipped: results.filter((r) => r.status === "skipped").length,
    badFiles,
  };
  return {
    dir: show(dir),
    evaluators: options.evaluators,
    sourcesDir: options.sourcesDir,
    files,
    caseFileErrors,
    policies: {
      dir: show(policiesDir),
      built: !!bundle,
      fileCount: build.fileCount,
      diagnostics: build.diagnostics,
      bundle,
    },
    cases: results,
    coverage,
    citations: { verified: options.sourcesDir !== null, records, failures: citationFailures },
    sourceFiles,
    counts,
    problems,
    ok: problems.length === 0 && counts.failed === 0,
  };
}

// ------------------------------------------------------------ discovery and cross-file checks

/** Every `*.yaml`/`*.yml` under the suite directory, sorted; `assets/` folders hold what language cases refer to, not cases. */
export function findCaseFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== "assets") walk(p);
      } else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The `assets/` directory of a language case: the nearest one beside its file or in a directory
 * above it, up to the suite directory or, when the suite lies inside a `language/` directory
 * (`norma test conformance/language/builtins`), up to that directory. Null: none.
 */
function findAssets(suiteDir: string, caseFile: string, inLanguageSuite: boolean): string | null {
  let d = dirname(join(suiteDir, caseFile));
  for (;;) {
    const candidate = join(d, "assets");
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (basename(d) === "language" || (!inLanguageSuite && resolve(d) === resolve(suiteDir))) return null;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

function checkDuplicateIds(files: LoadedCaseFile[]): void {
  const first = new Map<string, Case>();
  for (const f of files) {
    for (const c of f.cases) {
      const prev = first.get(c.id);
      if (!prev) {
        first.set(c.id, c);
        continue;
      }
      f.errors.push({
        ...c.location,
        pointer: `${c.location.pointer}/id`,
        code: "case/duplicate-id",
        message: `case id \`${c.id}\` is used twice`,
        help: `first used at ${prev.file}:${prev.location.line}:${prev.location.column}`,
      });
    }
  }
}

function checkRuleIds(files: LoadedCaseFile[], known: Set<string>): void {
  for (const f of files) {
    for (const c of f.cases) {
      if (c.kind !== "domain") continue;
      c.expect.forEach((a, i) => {
        const rule =
          "outcome" in a
            ? a.outcome.rule
            : "notFired" in a
              ? a.notFired
              : "status" in a
                ? a.status.rule
                : null;
        if (rule === null || known.has(rule)) return;
        f.errors.push({
          ...c.expectLocations[i]!,
          code: "case/unknown-rule",
          message: `no rule \`${rule}\` in the policies`,
        });
      });
    }
  }
}

function loadSourceIds(normsFile: string): Map<string, string> {
  try {
    const doc = parseYaml(readFileSync(normsFile, "utf8")) as { sources?: Record<string, unknown> } | null;
    return new Map(Object.entries(doc?.sources ?? {}).map(([k, v]) => [k, String(v)]));
  } catch {
    return new Map();
  }
}

// ------------------------------------------------------------ running cases

/**
 * A case's facts: its `facts`, or its `base` example with its `patch` applied; a language case
 * that gives neither decides `<assets>/facts.json` (`fallbackFile`).
 */
function resolveFacts(
  c: Case,
  examplesDir: string,
  cache: Map<string, unknown>,
  fallbackFile: string | null,
): { facts: unknown } | { error: string } {
  if (c.facts) return { facts: c.facts };
  const file = c.base !== null ? join(examplesDir, `${c.base}.json`) : fallbackFile;
  if (file === null) return { error: "the case gives no facts" };
  if (!cache.has(file)) {
    try {
      cache.set(file, JSON.parse(readFileSync(file, "utf8")));
    } catch (e) {
      return {
        error: `cannot read the facts \`${show(file)}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      };
    }
  }
  return { facts: c.patch ? applyMergePatch(cache.get(file), c.patch) : cache.get(file) };
}

/** An `asOf` as the engine takes it: a bare date is 00:00 in Asia/Shanghai. */
export function normalizeAsOf(asOf: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? `${asOf}T00:00:00+08:00` : asOf;
}

function caseProblem(message: string, expected: unknown = null, actual: unknown = null): AssertionFailure {
  return { index: -1, message, expected, actual };
}

/** Runs the decision on every evaluator, checks agreement, and returns the outcomes by evaluator. */
function decideAll(
  engine: LoadedEngine,
  facts: unknown,
  asOf: string,
  evaluators: EvaluatorName[],
): { results: Map<EvaluatorName, DecideOutcome>; disagreement: AssertionFailure | null } {
  const results = new Map<EvaluatorName, DecideOutcome>();
  for (const ev of evaluators) {
    try {
      results.set(ev, engine.decide(facts, { asOf, evaluator: ev }));
    } catch (e) {
      results.set(ev, {
        ok: false,
        errors: [
          {
            pointer: "",
            code: "engine/crash",
            message: `the ${ev} evaluator threw: ${(e as Error).message}`,
          },
        ],
      });
    }
  }
  let disagreement: AssertionFailure | null = null;
  const [a, ...others] = evaluators;
  for (const b of others) {
    if (a === undefined || !results.has(a) || !results.has(b)) continue;
    const x = comparableDecision(results.get(a)!);
    const y = comparableDecision(results.get(b)!);
    if (!jsonEqual(x, y)) {
      disagreement = caseProblem(`the ${a} and ${b} evaluators disagree`, { [a]: x }, { [b]: y });
      break;
    }
  }
  return { results, disagreement };
}

function ruleErrors(result: DecideOutcome): AssertionFailure[] {
  if (!result.ok) return [];
  return result.decision.rules
    .filter((r) => r.status === "error")
    .map((r) =>
      caseProblem(`rule \`${r.rule}\` ended in an evaluation error`, null, {
        rule: r.rule,
        status: r.status,
        because: r.because ?? null,
      }),
    );
}

function finish(
  c: Case,
  runs: EvaluatorRun[],
  problems: AssertionFailure[],
  extra: Partial<CaseResult> = {},
): CaseResult {
  const failed = problems.length > 0 || runs.some((r) => r.failures.length > 0);
  return {
    case: c,
    status: failed ? "failed" : "passed",
    runs,
    problems,
    norms: [],
    rules: [],
    diagnostics: [],
    ...extra,
  };
}

function runDomainCase(
  c: DomainCase,
  engine: LoadedEngine | null,
  whyNoEngine: string | null,
  evaluators: EvaluatorName[],
  examplesDir: string,
  examples: Map<string, unknown>,
  statuses: Map<string, Map<string, string>>,
  bundle: Bundle | null,
): CaseResult {
  const meta = {
    norms: exercisedNorms(c, bundle),
    rules: rulesNamed(c),
  };
  if (c.skip) return { case: c, status: "skipped", runs: [], problems: [], diagnostics: [], ...meta };
  if (!engine) return finish(c, [], [caseProblem(whyNoEngine ?? "no engine")], meta);
  const facts = resolveFacts(c, examplesDir, examples, null);
  if ("error" in facts) return finish(c, [], [caseProblem(facts.error)], meta);
  const { results, disagreement } = decideAll(engine, facts.facts, normalizeAsOf(c.asOf!), evaluators);
  const runs: EvaluatorRun[] = [];
  const problems: AssertionFailure[] = disagreement ? [disagreement] : [];
  for (const [ev, result] of results) {
    const failures = c.expect
      .map((a, i) => checkDecisionAssertion(a, i, result))
      .filter((f): f is AssertionFailure => f !== null);
    failures.push(...ruleErrors(result));
    runs.push({ evaluator: ev, failures });
    if (result.ok) {
      const byRule = statuses.get(c.id) ?? new Map<string, string>();
      for (const r of result.decision.rules) {
        // INVARIANT: `fired` wins over any other status seen for the same rule in the same case.
        if (byRule.get(r.rule) !== "fired") byRule.set(r.rule, r.status);
      }
      statuses.set(c.id, byRule);
    }
  }
  return finish(c, runs, problems, meta);
}

function runLanguageCase(
  c: LanguageCase,
  engine: EngineAdapter,
  evaluators: EvaluatorName[],
  examplesDir: string,
  examples: Map<string, unknown>,
  assets: string | null,
): CaseResult {
  if (c.skip)
    return { case: c, status: "skipped", runs: [], problems: [], norms: [], rules: [], diagnostics: [] };
  const wrapped = c.expr !== null ? wrapExpression(c.expr, exprSourceHash(assets)) : null;
  const built = engine.buildInline(wrapped ? [wrapped.text] : c.policies, assets);
  const diagnostics = built.diagnostics.map((d) => ({ ...d, line: d.line - (wrapped?.lineOffset ?? 0) }));
  const needsDecision = c.expect.some((a) => !isDiagnosticAssertion(a));
  const diagnosticFailures = c.expect
    .map((a, i) => (isDiagnosticAssertion(a) ? checkDiagnosticAssertion(a, i, diagnostics) : null))
    .filter((f): f is AssertionFailure => f !== null);
  const problems: AssertionFailure[] = [];
  let results = new Map<EvaluatorName, DecideOutcome>();
  if (needsDecision) {
    const shown = diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message }));
    const loaded = built.bundle ? engine.load(built.bundle) : null;
    const facts = resolveFacts(c, examplesDir, examples, assets ? join(assets, "facts.json") : null);
    if (!built.bundle) problems.push(caseProblem("the policy did not build", null, { diagnostics: shown }));
    else if (!loaded?.engine)
      problems.push(caseProblem(`the bundle did not load: ${loaded?.problems.join("; ")}`));
    else if ("error" in facts) problems.push(caseProblem(facts.error));
    else {
      const d = decideAll(
        loaded.engine,
        facts.facts,
        normalizeAsOf(c.asOf ?? DEFAULT_LANGUAGE_AS_OF),
        evaluators,
      );
      results = d.results;
      if (d.disagreement) problems.push(d.disagreement);
    }
  }
  const runs: EvaluatorRun[] = evaluators.map((ev) => {
    const result = results.get(ev);
    const failures = [...diagnosticFailures];
    if (result) {
      c.expect.forEach((a, i) => {
        if (isDiagnosticAssertion(a)) return;
        const f =
          "value" in a
            ? checkValue(a.value, i, result, c.expr !== null)
            : checkDecisionAssertion(a, i, result);
        if (f) failures.push(f);
      });
      failures.push(...ruleErrors(result));
    }
    return { evaluator: ev, failures };
  });
  return finish(c, runs, problems, { diagnostics });
}

/** Whether an assertion is about the diagnostics of a language case's policy (not about a decision). */
function isDiagnosticAssertion(a: Assertion): boolean {
  return "diagnostic" in a || "noDiagnostic" in a || "noDiagnostics" in a;
}

/** A `value` assertion: the assessed value of the expression's rule, or of the policy's one `assess` outcome. */
function checkValue(
  expected: unknown,
  index: number,
  result: DecideOutcome,
  isExpr: boolean,
): AssertionFailure | null {
  if (!result.ok) {
    return {
      index,
      message: "the engine refused the facts",
      expected: { value: expected },
      actual: { invalidFacts: result.errors.map((e) => `${e.pointer} (${e.code}: ${e.message})`) },
    };
  }
  const outcomes = result.decision.outcomes.filter((o) =>
    isExpr ? o.rule === EXPR_RULE : o.effect === "assess",
  );
  if (outcomes.length !== 1) {
    return {
      index,
      message: isExpr
        ? "the expression gave no value"
        : `a \`value\` assertion needs exactly one \`assess\` outcome, found ${outcomes.length}`,
      expected: { value: expected },
      actual: {
        outcomes: result.decision.outcomes.map((o) => ({
          rule: o.rule,
          effect: o.effect,
          value: o.value ?? null,
        })),
      },
    };
  }
  const actual = outcomes[0]!.value ?? null;
  return jsonEqual(actual, expected)
    ? null
    : { index, message: "wrong value", expected: { value: expected }, actual: { value: actual } };
}

const hashes = new Map<string, string>();
/** The SHA-256 of `<assets>/sources/language.txt` (zeros when there is none: nothing is verified then). */
function exprSourceHash(assetsDir: string | null): string {
  const file = assetsDir ? join(assetsDir, "sources", EXPR_SOURCE_FILE) : null;
  if (!file || !existsSync(file)) return "0".repeat(64);
  if (!hashes.has(file)) hashes.set(file, createHash("sha256").update(readFileSync(file)).digest("hex"));
  return hashes.get(file)!;
}

function show(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith("..") ? rel.split(sep).join("/") : p;
}
