/**
 * The engine bench of issue 4: the whole policy corpus (policies/) deciding one facts document per
 * example (examples/*.json), with the compiled code, the closures and the json-logic-js reference on the same
 * IR, without and with explanations; and the time to load and compile the whole corpus.
 *
 * Each decision is timed on its own (a corpus decision takes tens of microseconds or more, far
 * above the timer's resolution). Variants run interleaved, round after round (A B C … A B C …),
 * so drift in the machine's load affects them alike; figures are over all decisions of all rounds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildBundle, findPoliciesRoot, findPolicyFiles } from "@norma/compiler";
import { loadBundle, type Bundle, type Engine, type Profile, type ProfileOptions } from "@norma/runtime";
import { median, percentile } from "../harness/stats.js";

/** One way of calling `decide`. */
export interface EngineVariant {
  name: string;
  evaluator: "fast" | "reference" | "compiled";
  explain: boolean;
  /** Validate the facts against the schema first (the default of `decide`). */
  validate: boolean;
}

/** The variants in table order; ratios are against the first. */
export const ENGINE_VARIANTS: readonly EngineVariant[] = [
  { name: "compiled (the default)", evaluator: "compiled", explain: false, validate: false },
  { name: "closures (`fast`)", evaluator: "fast", explain: false, validate: false },
  { name: "compiled + explanations", evaluator: "compiled", explain: true, validate: false },
  { name: "compiled + facts validation", evaluator: "compiled", explain: false, validate: true },
  { name: "reference (json-logic-js)", evaluator: "reference", explain: false, validate: false },
  { name: "reference + explanations", evaluator: "reference", explain: true, validate: false },
];

/** Options of {@link runEngineBench}. */
export interface EngineBenchOptions {
  policiesDir: string;
  examplesDir: string;
  /** The as-of instant (epoch ms) every decision is made at. */
  asOf: number;
  /** Interleaved rounds; each decides every example once per variant at least. */
  rounds: number;
  /** Each variant is timed at least this long per round (more passes over the examples), ms. */
  minRoundMs: number;
  /** Times the corpus is built and loaded for the load figures (the first is reported apart). */
  loadRepeats: number;
  /** How to profile the corpus rule by rule on the examples (`Engine.profile`, a few seconds). */
  profile: Omit<ProfileOptions, "asOf">;
  onProgress?: (line: string) => void;
}

/** One variant's figures over all rounds. */
export interface EngineRow {
  variant: EngineVariant;
  decisions: number;
  decisionsPerSecond: number;
  medianUs: number;
  p99Us: number;
  /** The first variant's decisions/s ÷ this one's (how many times slower than the default). */
  slowdown: number;
}

/** One example's median latency per variant. */
export interface ExampleRow {
  example: string;
  /** Median µs per variant, in {@link ENGINE_VARIANTS} order. */
  medianUs: number[];
  verdict: string;
}

/** Load and compile times of the whole corpus. */
export interface LoadFigures {
  files: number;
  rules: number;
  bundleBytes: number;
  /** The first build and load in this process (modules imported, code not yet optimized), ms. */
  firstBuildMs: number;
  firstLoadMs: number;
  /** Medians over the repeats after the first, ms. */
  buildMs: number;
  loadMs: number;
}

/** The result of {@link runEngineBench}. */
export interface EngineBenchResult {
  load: LoadFigures;
  examples: number;
  rounds: number;
  rows: EngineRow[];
  perExample: ExampleRow[];
  /** The rule-by-rule profile of the compiled evaluator on the examples. */
  profile: Profile;
}

function buildCorpus(policiesDir: string): { bundle: Bundle; files: number; buildMs: number } {
  const start = performance.now();
  const { files } = findPolicyFiles([policiesDir]);
  const { value, diagnostics } = buildBundle(files, { root: findPoliciesRoot([policiesDir]) });
  const buildMs = performance.now() - start;
  if (!value.bundle) {
    const errors = diagnostics.filter((d) => d.severity === "error").slice(0, 3);
    throw new Error(
      `the policy corpus does not build: ${errors.map((d) => `${d.file}: ${d.message}`).join("; ")}`,
    );
  }
  return { bundle: value.bundle, files: files.length, buildMs };
}

/** Loads the bundle as a service does: from the text of the file `norma build` writes. */
function loadCorpus(bundleText: string): { engine: Engine; loadMs: number } {
  const start = performance.now();
  const loaded = loadBundle(bundleText);
  // the compiled evaluator's code is generated here, not on the first timed decision
  if (loaded.ok) loaded.value.prepare();
  const loadMs = performance.now() - start;
  if (!loaded.ok)
    throw new Error(`the corpus bundle does not load: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
  return { engine: loaded.value, loadMs };
}

/** Runs the engine bench; throws when the corpus does not build or an example is refused. */
export function runEngineBench(options: EngineBenchOptions): EngineBenchResult {
  const progress = options.onProgress ?? (() => {});
  const first = buildCorpus(options.policiesDir);
  const bundleText = JSON.stringify(first.bundle);
  const firstLoad = loadCorpus(bundleText);
  const builds: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < options.loadRepeats; i++) {
    builds.push(buildCorpus(options.policiesDir).buildMs);
    loads.push(loadCorpus(bundleText).loadMs);
  }
  const load: LoadFigures = {
    files: first.files,
    rules: first.bundle.rules.length,
    bundleBytes: Buffer.byteLength(bundleText),
    firstBuildMs: first.buildMs,
    firstLoadMs: firstLoad.loadMs,
    buildMs: builds.length ? median(builds) : first.buildMs,
    loadMs: loads.length ? median(loads) : firstLoad.loadMs,
  };
  progress(
    `corpus: ${load.files} files, ${load.rules} rules; build ${load.buildMs.toFixed(1)} ms, load ${load.loadMs.toFixed(1)} ms`,
  );

  const engine = firstLoad.engine;
  const names = readdirSync(options.examplesDir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const docs = names.map((f) => JSON.parse(readFileSync(join(options.examplesDir, f), "utf8")) as unknown);
  const verdicts: string[] = [];
  for (const [i, doc] of docs.entries()) {
    const r = engine.decide(doc, { asOf: options.asOf });
    if (!r.ok) throw new Error(`example \`${names[i]}\` is refused: ${JSON.stringify(r.errors.slice(0, 2))}`);
    verdicts.push(r.decision.verdict);
  }

  const variants = ENGINE_VARIANTS;
  // latencies[v][e]: every timed decision of variant v on example e, in µs.
  const latencies = variants.map(() => docs.map((): number[] => []));
  const totals = variants.map(() => ({ ns: 0, n: 0 }));
  let sink = 0;
  const decideOnce = (v: EngineVariant, doc: unknown): number => {
    const start = process.hrtime.bigint();
    const r = engine.decide(doc, {
      asOf: options.asOf,
      evaluator: v.evaluator,
      explain: v.explain,
      validate: v.validate,
    });
    const ns = Number(process.hrtime.bigint() - start);
    sink += r.ok ? r.decision.outcomes.length : -1;
    return ns;
  };
  // Warm-up: every variant on every example, untimed.
  for (const v of variants) for (const doc of docs) decideOnce(v, doc);
  for (let round = 0; round < options.rounds; round++) {
    for (const [vi, v] of variants.entries()) {
      const start = performance.now();
      do {
        for (const [ei, doc] of docs.entries()) {
          const ns = decideOnce(v, doc);
          latencies[vi]![ei]!.push(ns / 1000);
          totals[vi]!.ns += ns;
          totals[vi]!.n++;
        }
      } while (performance.now() - start < options.minRoundMs);
    }
    progress(`engine round ${round + 1}/${options.rounds}`);
  }
  if (sink < 0) throw new Error("a variant refused an example");

  const rows = variants.map((variant, vi): EngineRow => {
    const all = latencies[vi]!.flat();
    const t = totals[vi]!;
    return {
      variant,
      decisions: t.n,
      decisionsPerSecond: t.n / (t.ns / 1e9),
      medianUs: median(all),
      p99Us: percentile(all, 99),
      slowdown: 1,
    };
  });
  for (const row of rows) row.slowdown = rows[0]!.decisionsPerSecond / row.decisionsPerSecond;
  const perExample = names.map((f, ei): ExampleRow => ({
    example: f.replace(/\.json$/, ""),
    medianUs: variants.map((_, vi) => median(latencies[vi]![ei]!)),
    verdict: verdicts[ei]!,
  }));
  const profiled = engine.profile(docs, { ...options.profile, asOf: options.asOf });
  if (!profiled.ok)
    throw new Error(`the profile refused the examples: ${JSON.stringify(profiled.errors.slice(0, 2))}`);
  progress("engine profile: every rule alone and on its own work");
  return { load, examples: docs.length, rounds: options.rounds, rows, perExample, profile: profiled.profile };
}
