/**
 * Profiling a bundle on facts documents (`Engine.profile`, `norma profile`): where a decision's time
 * goes, rule by rule, for the author who wants to know which rule to rewrite.
 *
 * A rule is timed alone: for each document, a fresh scope (nothing computed yet), the rule's status
 * and, when it acts, its effect's value and message, exactly what a decision without explanations
 * runs for it. A subexpression several rules share (a `let` read by five rules) is therefore charged
 * to each of them in full: the time is what the rule costs by itself, and the sum over the rules can
 * exceed the whole decision, which computes shared work once. The cost of making the scope is
 * measured in the same rounds and subtracted. Each rule is also timed on its own work only
 * (`ownNs`): run again in a scope where every rule has already run, so what it shares is computed.
 * And each rule is timed explained alone (`explainedNs`): what a decision with explanations runs for
 * it (its condition and exceptions walked, every atom that decided recorded with the facts it saw,
 * its effect and evidence), in a fresh scope; next to it, hashing the facts (`hashNs`), which an
 * explained decision does once.
 *
 * Measurements are interleaved (every rule once per round, then the next round) and reported as the
 * median over the rounds, each measurement repeated until it lasts long enough for the clock.
 * Timing only runs the engine's own evaluators on data: nothing here changes a decision.
 */
import type { DecideError, DecideResult, RuleStatus } from "../decision.js";
import type { Fn } from "../fast/compile.js";
import type { DecideOptions } from "./engine.js";

type Evaluator = NonNullable<DecideOptions["evaluator"]>;

/** Options of `Engine.profile`. */
export interface ProfileOptions {
  /** The as-of instant of every decision, as in `decide` (default: now). */
  asOf?: Date | string | number;
  /** The evaluator to time (default `compiled`). */
  evaluator?: Evaluator;
  /** Measurement rounds; the median is reported (default 7, at least 1). */
  rounds?: number;
  /**
   * Nanoseconds each measurement of a rule should last at least (default 2,000,000: 2 ms); a
   * whole decision's, five times as long.
   */
  minNs?: number;
  /**
   * Documents each rule runs on alone before it is timed (default 50,000; see `calibrate`).
   * Lower only to get a rough profile fast.
   */
  warmUpDocs?: number;
  /**
   * Documents a whole decision runs on before it is timed (default 50,000, or 3 s). Below
   * ≈ 40,000 a corpus decision is not yet optimized and reads several times slower than it runs.
   */
  decisionWarmUpDocs?: number;
  /** Validate each document first (default true): no document that fails is timed. */
  validate?: boolean;
}

/**
 * A rough profile in about half the time: each rule warmed up and timed for less (its figures
 * rougher). Whole decisions keep their full warm-up: cut short, they read several times too slow.
 */
export const QUICK_PROFILE: Readonly<ProfileOptions> = Object.freeze({ warmUpDocs: 2_000, minNs: 500_000 });

/** One rule in a profile. */
export interface RuleProfile {
  rule: string;
  policy: string;
  /** Median nanoseconds per document of the rule alone (see the module comment). */
  ns: number;
  /**
   * Median nanoseconds per document of the rule's own work: the rule run again in a scope where
   * every rule has run once, so what it shares with others (a `let` five rules read) is already
   * computed. At most `ns`; `ns - ownNs` is what sharing would save it in a decision.
   */
  ownNs: number;
  /**
   * Median nanoseconds per document of the rule alone in a decision with explanations: `ns`'s work
   * with every deciding atom recorded (its text, value and the facts it saw) and the outcome's
   * evidence. What an auditor's decision spends on this rule, before sharing.
   */
  explainedNs: number;
  /** `ns` as a fraction of the sum of every rule's `ns`. */
  share: number;
  /** How many documents gave each status (from one decision per document). */
  statuses: Record<RuleStatus, number>;
}

/** What `Engine.profile` measures. */
export interface Profile {
  format: "norma-profile/1";
  /** The bundle hash. */
  bundle: string;
  /** The as-of instant (RFC 3339). */
  asOf: string;
  evaluator: Evaluator;
  documents: number;
  rounds: number;
  /** Median nanoseconds per document of a whole decision without explanations (validation not included). */
  decisionNs: number;
  /** The same with explanations (`explain: true`, which also hashes the facts). */
  explainedNs: number;
  /** Median nanoseconds per document of making the scope (subtracted from every rule's time). */
  scopeNs: number;
  /** Median nanoseconds per document of hashing the facts, which `explainedNs` includes once. */
  hashNs: number;
  /** Every rule, the most expensive first (ties in bundle order). */
  rules: RuleProfile[];
}

/** A document that could not be profiled: its index in the input and why. */
export interface ProfileError extends DecideError {
  document: number;
}

/** What `Engine.profile` returns. Never thrown. */
export type ProfileResult = { ok: true; profile: Profile } | { ok: false; errors: ProfileError[] };

/**
 * What runs one rule in a decision without explanations (a decision's step, and what the
 * profiler times).
 */
export interface RuleRunner {
  from: number;
  until: number;
  /** The rule's status: 0 not applicable, 1 fired, 2 + j exception `j` applied. Throws as the trees do. */
  status: Fn;
  /** Per branch (fired, then each exception), the effect's value and message evaluators. */
  value: ReadonlyArray<Fn | null>;
  message: ReadonlyArray<Fn | null>;
}

/** One rule as the profiler runs it. */
export interface ProfiledRule extends RuleRunner {
  id: string;
  policy: string;
}

/** What the engine hands the profiler for one evaluator and one as-of instant. */
export interface ProfileTarget {
  bundle: string;
  asOf: number;
  asOfText: string;
  evaluator: Evaluator;
  rules: readonly ProfiledRule[];
  /** A fresh scope for `facts` (nothing computed yet), as a decision makes it. */
  scope(facts: object): unknown;
  decide(facts: object, explain: boolean): DecideResult;
  /** Runs rule `index` (of `rules`) in `scope` as a decision with explanations does. */
  explain(index: number, facts: object, scope: unknown): void;
  /** Hashes `facts` as a decision with explanations does. */
  hash(facts: object): unknown;
  /** `facts` validated (unless the options say not to) and decided once, without explanations. */
  check(facts: unknown): DecideResult;
}

const STATUSES: readonly RuleStatus[] = ["fired", "excepted", "not-applicable", "not-in-force", "error"];

/** Profiles `target` on `docs` (validated and decided first; see {@link ProfileOptions}). */
export function profileDecisions(
  target: ProfileTarget,
  docs: readonly unknown[],
  options: ProfileOptions,
): ProfileResult {
  const rounds = Math.max(1, Math.floor(options.rounds ?? 7));
  const minNs = Math.max(0, options.minNs ?? 2_000_000);
  const warmUpDocs = Math.max(0, options.warmUpDocs ?? 50_000);
  const decisionWarmUpDocs = Math.max(0, options.decisionWarmUpDocs ?? 50_000);
  const errors: ProfileError[] = [];
  const counts = target.rules.map(() => zeroCounts());
  const facts: object[] = [];
  docs.forEach((doc, i) => {
    const r = target.check(doc);
    if (!r.ok) {
      for (const e of r.errors) errors.push({ document: i, ...e });
      return;
    }
    facts.push(doc as object);
    r.decision.rules.forEach((entry, ri) => {
      const c = counts[ri];
      if (c !== undefined) c[entry.status]++;
    });
  });
  if (errors.length > 0) return { ok: false, errors };
  if (facts.length === 0)
    return {
      ok: false,
      errors: [
        { document: -1, code: "profile/empty", pointer: "", message: "no facts documents to profile" },
      ],
    };

  const asOf = target.asOf;
  const scopeOnly = (): void => {
    for (let i = 0; i < facts.length; i++) _sink = target.scope(facts[i] as object);
  };
  // Scopes in which every rule has run once: what the rules share is computed (in a slot of the
  // scope), so running a rule there again costs only what is its own.
  const filled = facts.map((f) => {
    const scope = target.scope(f);
    for (const r of target.rules) if (r.from <= asOf && asOf < r.until) runRule(r, scope);
    return scope;
  });
  const alone = (r: ProfiledRule) => (): void => {
    const inForce = r.from <= asOf && asOf < r.until;
    for (let i = 0; i < facts.length; i++) {
      const scope = target.scope(facts[i] as object);
      if (inForce) runRule(r, scope);
    }
  };
  const own = (r: ProfiledRule) => (): void => {
    if (!(r.from <= asOf && asOf < r.until)) return;
    for (let i = 0; i < filled.length; i++) runRule(r, filled[i]);
  };
  const explainAlone = (ri: number) => (): void => {
    for (let i = 0; i < facts.length; i++) {
      const f = facts[i] as object;
      target.explain(ri, f, target.scope(f));
    }
  };
  const hashOnly = (): void => {
    for (let i = 0; i < facts.length; i++) _sink = target.hash(facts[i] as object);
  };
  const decide = (explain: boolean) => (): void => {
    for (let i = 0; i < facts.length; i++) _sink = target.decide(facts[i] as object, explain);
  };

  // Three groups, one after the other, each interleaved within itself: the whole decision
  // without explanations, with them, then the rules. Measured together, a short measurement
  // following explained decisions was slowed by their garbage (a lean decision by up to 1.8x).
  const timed = (runs: Array<() => void>, atLeast: number, warm: number): number[] => {
    const m = runs.map((run) => ({
      run,
      reps: calibrate(run, atLeast, facts.length, warm),
      samples: [] as number[],
    }));
    for (let round = 0; round < rounds; round++)
      for (const x of m) {
        x.samples.push(timePass(x.run, x.reps) / (x.reps * facts.length));
      }
    return m.map((x) => median(x.samples));
  };
  const decisionNs = DECISION_FACTOR * minNs;
  const [lean] = timed([decide(false)], decisionNs, decisionWarmUpDocs) as [number];
  const [explained] = timed([decide(true)], decisionNs, decisionWarmUpDocs) as [number];
  const n = target.rules.length;
  const [scopeNs, hashNs, ...ruleTimes] = timed(
    [
      scopeOnly,
      hashOnly,
      ...target.rules.map(alone),
      ...target.rules.map(own),
      ...target.rules.map((_, ri) => explainAlone(ri)),
    ],
    minNs,
    warmUpDocs,
  ) as [number, number, ...number[]];
  const ns = ruleTimes.slice(0, n).map((t) => Math.max(0, t - scopeNs));
  const ownNs = ruleTimes.slice(n, 2 * n);
  const explainedNs = ruleTimes.slice(2 * n).map((t) => Math.max(0, t - scopeNs));
  const total = ns.reduce((a, b) => a + b, 0);
  const rules: RuleProfile[] = target.rules.map((r, i) => ({
    rule: r.id,
    policy: r.policy,
    ns: round1(ns[i] as number),
    ownNs: round1(Math.min(ownNs[i] as number, ns[i] as number)),
    explainedNs: round1(explainedNs[i] as number),
    share: total > 0 ? (ns[i] as number) / total : 0,
    statuses: counts[i] as Record<RuleStatus, number>,
  }));
  rules.sort((a, b) => b.ns - a.ns);
  _sink = null;
  return {
    ok: true,
    profile: {
      format: "norma-profile/1",
      bundle: target.bundle,
      asOf: target.asOfText,
      evaluator: target.evaluator,
      documents: facts.length,
      rounds,
      decisionNs: round1(lean as number),
      explainedNs: round1(explained as number),
      scopeNs: round1(scopeNs),
      hashNs: round1(hashNs),
      rules,
    },
  };
}

/**
 * Runs `r` in `scope` as a decision without explanations does: its status, then, when it acts, its
 * effect's value and message. A throw is the rule's error (counted in its statuses).
 */
function runRule(r: ProfiledRule, scope: unknown): void {
  try {
    const code = r.status(scope, null) as number;
    if (code > 0) {
      const v = r.value[code - 1];
      const m = r.message[code - 1];
      if (v !== null && v !== undefined) _sink = v(scope, null);
      if (m !== null && m !== undefined) _sink = m(scope, null);
    }
  } catch (e) {
    _sink = e;
  }
}

/** How much longer a measurement of whole decisions lasts than one of a rule. */
const DECISION_FACTOR = 5;

/** Where timed work leaves its results, so the work is not optimized away. */
let _sink: unknown = null;

function zeroCounts(): Record<RuleStatus, number> {
  const out = {} as Record<RuleStatus, number>;
  for (const s of STATUSES) out[s] = 0;
  return out;
}

/** Nanoseconds `reps` runs of `run` take. */
function timePass(run: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  return (performance.now() - t0) * 1e6;
}

/**
 * How many runs of `run` (each on `docs` documents) last at least `minNs`. It is first run on
 * `warmUpDocs` documents (or for 3 s, if that comes first): V8 optimizes a decision in stages, and
 * the corpus's reaches its speed only after ≈ 40,000 decisions; timed cold it is 5x slower.
 */
function calibrate(run: () => void, minNs: number, docs: number, warmUpDocs: number): number {
  const start = performance.now();
  for (let done = 0; done < warmUpDocs && performance.now() - start < MAX_WARM_UP_MS; done += docs) run();
  let reps = 1;
  for (;;) {
    const t = timePass(run, reps);
    if (t >= minNs || reps >= 1 << 24) return reps;
    reps = t <= 0 ? reps * 16 : Math.min(reps * 16, Math.ceil((reps * minNs * 1.2) / t));
  }
}

/** The longest a measured function is run before it is timed (see {@link calibrate}). */
const MAX_WARM_UP_MS = 3000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
