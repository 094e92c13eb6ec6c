/**
 * Loading a bundle into an engine, and deciding.
 *
 * `loadBundle` does every piece of work that does not depend on the facts or the as-of instant:
 * it checks the bundle, compiles every condition, value and message template to closures, computes
 * every parameter version's value with both evaluators, and lays the parameters out on a timeline
 * (so a decision finds the versions in force with one binary search). A decision then only builds
 * the root scope (no copy of the facts), runs the closures, and (with `explain`) records why.
 */
import { validateFacts as defaultValidateFacts } from "@norma/facts";
import type {
  Because,
  DecideError,
  DecideResult,
  Decision,
  Outcome,
  RuleExplanation,
  Verdict,
  EvidenceRef,
} from "../decision.js";
import type { Bundle, IrEffect, IrException, IrRule } from "../ir.js";
import { generateProgram, UNSET, type Program } from "../fast/codegen.js";
import {
  compileTree,
  materialize,
  RootScope,
  type CNode,
  type CompileContext,
  type Fn,
} from "../fast/compile.js";
import { truthy } from "../fast/std-ops.js";
import { formatterFor } from "../ops/format.js";
import { referenceJsonLogic, type JsonLogicInstance } from "../reference/json-logic.js";
import {
  canonicalJson,
  factsHash,
  hashBundle,
  hashSpans,
  nestsDeeperThan,
  treeDepthExceeds,
} from "../value/canonical.js";
import { formatRfc3339, parseTime, resolveZone, type Zone } from "../value/time.js";
import { checkBundle, MAX_BUNDLE_DEPTH, type LoadDiagnostic } from "./check-bundle.js";
import { Explainer } from "./explain.js";
import { profileDecisions, type ProfileOptions, type ProfileResult, type RuleRunner } from "./profile.js";
import { toJsonValue } from "./json-value.js";
import { NewAppliedException, NewDecision, NewEvidence, NewOutcome, NewRuleEntry } from "./records.js";
import { ENGINE_VERSION } from "../version.js";

/** A facts problem as a facts validator reports it. */
export interface FactsProblem {
  code: string;
  pointer: string;
  message: string;
  expected?: string;
  actual?: string;
  help?: string;
}

/** Validates a facts document; `@norma/facts`'s `validateFacts` is one. */
export type FactsValidator = (
  doc: unknown,
  options: { strict?: boolean },
) => { ok: boolean; errors: FactsProblem[]; warnings: FactsProblem[] };

/** Options of `loadBundle`. */
export interface LoadOptions {
  /**
   * Validates facts before each decision (unless the decision asks `validate: false`). Default:
   * `validateFacts` from `@norma/facts` (the `facts@1` schema); `null` turns validation off.
   */
  validateFacts?: FactsValidator | null;
  /** Check that the bundle's content matches its `hash` (default true). */
  verifyHash?: boolean;
}

/** The evaluators, the default first (see `DecideOptions.evaluator`). */
export const EVALUATORS = ["compiled", "fast", "reference"] as const;

/** Options of `Engine.decide`. */
export interface DecideOptions {
  /** The as-of instant: a `Date`, epoch milliseconds, or RFC 3339 / `YYYY-MM-DD` text. Default: now. */
  asOf?: Date | string | number;
  /** Record why each rule decided as it did, and hash the facts (default true). */
  explain?: boolean;
  /**
   * Which evaluator runs the rules (default `compiled`). All give the same decision.
   *
   * - `compiled`: the closure trees turned into JavaScript source once per engine, on the first
   *   decision (`fast/codegen.ts`): a status function per rule, and every subexpression that
   *   several rules (or a condition and a value) share computed once per decision. No bundle or
   *   facts text ever reaches the source. Explanations (`explain`) walk the closure trees; the
   *   effects' values come from the generated code.
   * - `fast`: the IR compiled to closures at load.
   * - `reference`: json-logic-js plus the `n.*` operations, on a copy of the scope.
   */
  evaluator?: (typeof EVALUATORS)[number];
  /** Validate the facts first (default true). No decision is ever made from facts that fail. */
  validate?: boolean;
  /** Treat fields the schema does not define as errors, not warnings (default false). */
  strict?: boolean;
}

/** The result of `loadBundle`: an engine, or the diagnostics that prevented one. Never thrown. */
export type LoadResult =
  | { ok: true; value: Engine; diagnostics: LoadDiagnostic[] }
  | { ok: false; value: null; diagnostics: LoadDiagnostic[] };

/** A loaded bundle, ready to decide. Immutable; `decide` may be called any number of times. */
export interface Engine {
  /** The bundle's content hash. */
  readonly hash: string;
  /**
   * The hash of the bundle's span table (`hashSpans`), which explained decisions record as
   * `spans`; computed on first use.
   */
  readonly spansHash: string;
  /** The bundle zone (fixed offset). */
  readonly zone: Zone;
  /** Decides one facts document. Synchronous; never throws: invalid facts give `{ok: false, errors}`. */
  decide(facts: unknown, options?: DecideOptions): DecideResult;
  /** The value of every parameter in force at `asOf` (epoch ms), by name (`null`: none in force). */
  paramsAt(asOf: number): Readonly<Record<string, unknown>>;
  /**
   * Times every rule alone, and whole decisions with and without explanations, on `docs`
   * (`engine/profile.ts`): which rules a decision's time goes to. Every document is validated
   * and decided first; a document that fails gives errors, not a profile. Never throws.
   */
  profile(docs: readonly unknown[], options?: ProfileOptions): ProfileResult;
  /**
   * Generates the compiled evaluator's code now instead of on the first decision that needs it
   * (a service calls it at start-up, so no request pays for it). Idempotent.
   */
  prepare(): void;
}

interface CompiledEffect {
  ir: IrEffect;
  value: CNode | null;
  message: CNode | null;
  /** The value as an outcome's `display` shows it (`formatValue` with the effect's value type). */
  display: (value: unknown) => string | null;
}

/** A rule's or an exception's norm ids and citations, copied and frozen at load, shared by decisions. */
interface Sources {
  norms: string[];
  citations: IrRule["citations"];
}

interface CompiledException {
  ir: IrException;
  when: CNode;
  effect: CompiledEffect | null;
  sources: Sources;
}

interface CompiledRule {
  ir: IrRule;
  from: number;
  until: number;
  /** The rule's `effective` window as a decision reports it when the rule is not in force. */
  effective: NonNullable<RuleExplanation["effective"]>;
  when: CNode;
  effect: CompiledEffect;
  exceptions: CompiledException[];
  sources: Sources;
}

/**
 * One way a rule can act in a decision: fire (branch 0) or have exception `j` apply (branch 1 + j).
 * What a decision without explanations hands out for it is made once, at load, and shared.
 */
interface Branch {
  /** The rule's entry in `rules` (frozen; its `because` lists are empty). */
  entry: RuleExplanation;
  effect: CompiledEffect | null;
  sources: Sources;
  /** The exception's id (`null` for branch 0). */
  exception: string | null;
  /** The outcome, when the effect has no value and no message (frozen), else `null`. */
  constant: Outcome | null;
  /** The effect's strength in the verdict order (0 without an effect). */
  strength: number;
}

/** A rule's shared entries for decisions without explanations. */
interface LeanRule {
  notInForce: RuleExplanation;
  notApplicable: RuleExplanation;
  branches: Branch[];
}

/** One rule as a decision without explanations runs it, with one kind of evaluator. */
interface Step extends RuleRunner {
  rule: CompiledRule;
  lean: LeanRule;
}

/**
 * One evaluator (generated code, closures or the reference) in the shape a decision runs it: a
 * step per rule. Made once per engine.
 */
interface RuleRunners {
  /** The decision's `engine` record (frozen, shared). */
  engine: Decision["engine"];
  /** True for the reference: it reads the scope as one object and its own parameter values. */
  reference: boolean;
  steps: readonly Step[];
  /** The decision's shared-subexpression cache as it starts (`RootScope.c`; copied per decision). */
  slots: readonly unknown[];
  /** Whether the facts may be read with plain property reads (`RootScope.p`; generated code only). */
  plain: (facts: object) => boolean;
}

const NEVER_PLAIN = (): boolean => false;

/** Parameters on a timeline: segment `i` covers `[starts[i], starts[i + 1])`. */
interface ParamTimeline {
  starts: number[];
  fast: Array<Readonly<Record<string, unknown>>>;
  reference: Array<Readonly<Record<string, unknown>>>;
}

const EFFECT_STRENGTH: Record<string, number> = { reject: 4, require: 3, flag: 2, allow: 1 };
const VERDICT_BY_STRENGTH: Verdict[] = ["pass", "allow", "flag", "require", "reject"];

/** The most as-of texts an engine remembers (see `BundleEngine.formatAsOf`). */
const AS_OF_CACHE_SIZE = 1024;

/** The deepest facts document decided without validation (validation has its own limit). */
const MAX_FACTS_DEPTH = 128;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The `because` of every rule of a decision made without explanations (never written to). */
const NO_BECAUSE: Because[] = Object.freeze([]) as unknown as Because[];
const NO_EVIDENCE: EvidenceRef[] = Object.freeze([]) as unknown as EvidenceRef[];

function sourcesOf(x: { norms: readonly string[]; citations: IrRule["citations"] }): Sources {
  return deepFreeze({ norms: [...x.norms], citations: x.citations.map((c) => ({ ...c })) });
}

function nullProto(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const o = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of entries) o[k] = v;
  return o;
}

/**
 * Loads a bundle (an object, or its JSON text) into an engine. Never throws: a malformed bundle
 * gives `{ok: false, diagnostics}` with a JSON pointer on every diagnostic.
 */
export function loadBundle(bundle: Bundle | string, options: LoadOptions = {}): LoadResult {
  try {
    return loadInner(bundle, options);
  } catch (e) {
    return fail([
      {
        code: "load/internal",
        severity: "error",
        message: `internal error while loading: ${(e as Error)?.message ?? String(e)}`,
        pointer: "",
        help: "this is a bug in the runtime, not in the bundle",
      },
    ]);
  }
}

function fail(diagnostics: LoadDiagnostic[]): LoadResult {
  return { ok: false, value: null, diagnostics };
}

function loadInner(input: Bundle | string, options: LoadOptions): LoadResult {
  let copy: unknown;
  try {
    copy = JSON.parse(typeof input === "string" ? input : JSON.stringify(input));
  } catch (e) {
    const msg = (e as Error).message;
    if (e instanceof RangeError) {
      return fail([
        { code: "load/too-deep", severity: "error", message: "the bundle nests too deeply", pointer: "" },
      ]);
    }
    return fail([
      typeof input === "string"
        ? { code: "load/syntax", severity: "error", message: `the bundle is not JSON: ${msg}`, pointer: "" }
        : {
            code: "load/shape",
            severity: "error",
            message: `the bundle is not JSON data: ${msg}`,
            pointer: "",
          },
    ]);
  }
  if (treeDepthExceeds(copy, MAX_BUNDLE_DEPTH)) {
    return fail([
      {
        code: "load/too-deep",
        severity: "error",
        message: `the bundle nests deeper than ${MAX_BUNDLE_DEPTH} levels`,
        pointer: "",
      },
    ]);
  }
  const diagnostics = checkBundle(copy);
  const b = copy as Bundle;
  if (!diagnostics.some((d) => d.severity === "error") && options.verifyHash !== false) {
    const actual = hashBundle(b);
    if (actual !== b.hash) {
      diagnostics.push({
        code: "load/hash",
        severity: "error",
        message: `the bundle's content does not match its hash \`${b.hash}\` (content hashes to \`${actual}\`)`,
        pointer: "/hash",
        help: "rebuild it with `pnpm norma build`; a bundle edited by hand needs its hash recomputed",
      });
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return fail(diagnostics);
  // INVARIANT: `b` is a private copy that nothing outside the engine can reach, and decisions only
  // ever hold copies of its values (toJsonValue, or frozen copies made at load and shared by all
  // decisions: norms, citations, effective windows), so it needs no freezing.
  const engine = new BundleEngine(b, options, diagnostics);
  if (diagnostics.some((d) => d.severity === "error")) return fail(diagnostics);
  return { ok: true, value: engine, diagnostics };
}

/** The engine behind `loadBundle`. */
class BundleEngine implements Engine {
  readonly hash: string;
  readonly zone: Zone;
  private readonly ctx: CompileContext;
  private readonly rules: CompiledRule[];
  private readonly params: ParamTimeline;
  private readonly lexicons: Readonly<Record<string, readonly string[]>>;
  private readonly jl: JsonLogicInstance;
  private readonly validator: FactsValidator | null;
  private readonly fastExplainer: Explainer;
  private readonly referenceExplainer: Explainer;
  /**
   * `formatRfc3339` of recent as-of instants: a service or a batch decides many documents at the
   * same instant, so each is formatted once. Cleared when full.
   */
  private readonly asOfText = new Map<number, string>();
  /** The last instant formatted and its text: a batch decides every document at one instant. */
  private lastAsOf = Number.NaN;
  private lastAsOfText = "";
  /** Per rule, what decisions without explanations share. */
  private readonly lean: LeanRule[];
  /** The closures and the reference as rule runners (made at load). */
  private readonly closureRunners: RuleRunners;
  private readonly referenceRunners: RuleRunners;
  /** The generated code as rule runners (generated on first use). */
  private generated: RuleRunners | null = null;
  /** The bundle's span table, and its hash once computed (see {@link spansHash}). */
  private readonly spans: Bundle["spans"];
  private spansHashText: string | null = null;

  constructor(b: Bundle, options: LoadOptions, diagnostics: LoadDiagnostic[]) {
    this.hash = b.hash;
    this.zone = resolveZone(b.zone) as Zone;
    this.validator =
      options.validateFacts === undefined ? (defaultValidateFacts as FactsValidator) : options.validateFacts;
    this.lexicons = Object.freeze(nullProto(Object.entries(b.lexicons))) as Readonly<
      Record<string, readonly string[]>
    >;
    this.ctx = {
      zone: this.zone,
      lexicons: this.lexicons,
      rootScope: true,
      globCache: new Map(),
      timeCache: new Map(),
    };
    this.jl = referenceJsonLogic(this.zone);
    const spans = b.spans ?? {};
    this.spans = spans;
    this.fastExplainer = new Explainer(spans, this.zone, (n, d, e) => n.fn(d, e), true);
    this.referenceExplainer = new Explainer(spans, this.zone, (n, d, e) =>
      this.jl.apply(n.logic, materialize(d, e)),
    );
    this.params = this.buildParams(b, diagnostics);
    this.rules = b.rules.map((r, i) => this.compileRule(r, `/rules/${i}`));
    this.lean = this.rules.map((r) => this.leanRule(r));
    const jl = this.jl;
    this.closureRunners = this.runners("fast", (n) => n.fn, 0);
    this.referenceRunners = this.runners("reference", (n) => (d) => jl.apply(n.logic, d), 0);
    if (options.validateFacts === undefined) {
      b.policies.forEach((p, i) => {
        if (p.schema !== "facts@1") {
          diagnostics.push({
            code: "load/schema",
            severity: "warning",
            message: `policy \`${p.id}\` reads \`${p.schema}\`, but facts are validated against \`facts@1\``,
            pointer: `/policies/${i}/schema`,
            help: "pass a `validateFacts` option for another schema",
          });
        }
      });
    }
  }

  private compileEffect(e: IrEffect, ptr: string): CompiledEffect {
    return {
      ir: e,
      value: e.value === null ? null : compileTree(e.value, `${ptr}/value`, this.ctx),
      message: e.message === null ? null : compileTree(e.message, `${ptr}/message`, this.ctx),
      display: formatterFor(e.valueType ?? "", this.zone),
    };
  }

  private compileRule(r: IrRule, ptr: string): CompiledRule {
    return {
      ir: r,
      from: r.effective.from ?? -Infinity,
      until: r.effective.until ?? Infinity,
      effective: Object.freeze({
        from: r.effective.from === null ? null : formatRfc3339(r.effective.from, this.zone),
        until: r.effective.until === null ? null : formatRfc3339(r.effective.until, this.zone),
      }),
      sources: sourcesOf(r),
      when: compileTree(r.when, `${ptr}/when`, this.ctx),
      effect: this.compileEffect(r.effect, `${ptr}/effect`),
      exceptions: r.exceptions.map((x, j) => ({
        ir: x,
        when: compileTree(x.when, `${ptr}/exceptions/${j}/when`, this.ctx),
        effect: x.effect === null ? null : this.compileEffect(x.effect, `${ptr}/exceptions/${j}/effect`),
        sources: sourcesOf(x),
      })),
    };
  }

  /** Evaluates every parameter version with both evaluators and lays them out on a timeline. */
  private buildParams(b: Bundle, diagnostics: LoadDiagnostic[]): ParamTimeline {
    const empty = nullProto([
      ["$asOf", null],
      ["$p", Object.freeze(nullProto([]))],
      ["$lex", this.lexicons],
    ]);
    const versions = b.params.map((p, i) =>
      p.versions.map((v, j) => {
        const ptr = `/params/${i}/versions/${j}/value`;
        let fast: unknown = null;
        let reference: unknown = null;
        try {
          fast = compileTree(v.value, ptr, { ...this.ctx, rootScope: false }).fn(empty, null);
          reference = this.jl.apply(v.value, empty);
        } catch (e) {
          diagnostics.push({
            code: "load/param-value",
            severity: "error",
            message: `the value of parameter \`${p.name}\` cannot be computed: ${(e as Error).message}`,
            pointer: ptr,
          });
        }
        if (canonicalJson(fast) !== canonicalJson(reference)) {
          diagnostics.push({
            code: "load/param-value",
            severity: "error",
            message: `the evaluators disagree on the value of parameter \`${p.name}\``,
            pointer: ptr,
            help: "this is a bug in the runtime, not in the bundle",
          });
        }
        deepFreeze(fast);
        deepFreeze(reference);
        return {
          from: v.effective.from ?? -Infinity,
          until: v.effective.until ?? Infinity,
          fast,
          reference,
        };
      }),
    );
    const bounds = new Set<number>([-Infinity]);
    for (const vs of versions)
      for (const v of vs) for (const x of [v.from, v.until]) if (Number.isFinite(x)) bounds.add(x);
    const starts = [...bounds].sort((x, y) => x - y);
    const fast: Array<Readonly<Record<string, unknown>>> = [];
    const reference: Array<Readonly<Record<string, unknown>>> = [];
    for (const t of starts) {
      const f = nullProto([]);
      const r = nullProto([]);
      b.params.forEach((p, i) => {
        const v = (versions[i] ?? []).find((x) => x.from <= t && t < x.until);
        f[p.name] = v ? v.fast : null;
        r[p.name] = v ? v.reference : null;
      });
      fast.push(Object.freeze(f));
      reference.push(Object.freeze(r));
    }
    return { starts, fast, reference };
  }

  /** The shared entries and constant outcomes of a rule (see {@link LeanRule}). */
  private leanRule(r: CompiledRule): LeanRule {
    const ir = r.ir;
    const entryOf = (status: RuleExplanation["status"]) =>
      new NewRuleEntry(ir.id, ir.policy, ir.title, status, NO_BECAUSE);
    const branch = (
      status: RuleExplanation["status"],
      effect: CompiledEffect | null,
      sources: Sources,
      x: CompiledException | null,
    ): Branch => {
      const entry = entryOf(status);
      if (x !== null) {
        const s = x.sources;
        entry.exception = new NewAppliedException(x.ir.id, x.ir.title, s.norms, s.citations, NO_BECAUSE);
      }
      const exception = x === null ? null : x.ir.id;
      const constant =
        effect !== null && effect.value === null && effect.message === null
          ? Object.freeze(this.makeOutcome(ir, effect, sources, exception, null, null))
          : null;
      const strength = effect === null ? 0 : (EFFECT_STRENGTH[effect.ir.kind] ?? 0);
      return { entry: Object.freeze(entry), effect, sources, exception, constant, strength };
    };
    const notInForce = entryOf("not-in-force");
    notInForce.effective = r.effective;
    return {
      notInForce: Object.freeze(notInForce),
      notApplicable: Object.freeze(entryOf("not-applicable")),
      branches: [
        branch("fired", r.effect, r.sources, null),
        ...r.exceptions.map((x) => branch("excepted", x.effect, x.sources, x)),
      ],
    };
  }

  /** The generated code as rule runners: generated and instantiated once, on first use. */
  private generatedRunners(): RuleRunners {
    if (this.generated === null) {
      const roots: CNode[] = [];
      for (const r of this.lean)
        for (const b of r.branches) {
          if (b.effect?.value) roots.push(b.effect.value);
          if (b.effect?.message) roots.push(b.effect.message);
        }
      const program: Program = generateProgram(
        this.rules.map((r) => ({ when: r.when, exceptions: r.exceptions.map((x) => x.when) })),
        roots,
        this.ctx,
      );
      const generated = new Map<CNode, Fn>(roots.map((n, i) => [n, program.values[i] as Fn]));
      this.generated = this.runners(
        "compiled",
        (n) => generated.get(n) as Fn,
        program.slots,
        program.status,
        program.plain,
      );
    }
    return this.generated;
  }

  /**
   * The rule runners of one evaluator: `fnOf` gives each tree's evaluator; the rules' status
   * functions are `status`, or made from the conditions' evaluators.
   */
  private runners(
    evaluator: Decision["engine"]["evaluator"],
    fnOf: (n: CNode) => Fn,
    slots: number,
    status: readonly Fn[] | null = null,
    plain: (facts: object) => boolean = NEVER_PLAIN,
  ): RuleRunners {
    const effectFn = (n: CNode | null | undefined): Fn | null => (n ? fnOf(n) : null);
    return {
      engine: Object.freeze({ name: "norma", version: ENGINE_VERSION, evaluator }),
      reference: evaluator === "reference",
      slots: new Array<unknown>(slots).fill(UNSET),
      plain,
      steps: this.rules.map((r, i): Step => {
        const lean = this.lean[i] as LeanRule;
        return {
          rule: r,
          lean,
          from: r.from,
          until: r.until,
          status:
            status === null
              ? statusFn(
                  fnOf(r.when),
                  r.exceptions.map((x) => fnOf(x.when)),
                )
              : (status[i] as Fn),
          value: lean.branches.map((b) => effectFn(b.effect?.value)),
          message: lean.branches.map((b) => effectFn(b.effect?.message)),
        };
      }),
    };
  }

  /** The runners of `evaluator` (default: the generated code). */
  private runnersFor(evaluator: DecideOptions["evaluator"]): RuleRunners {
    if (evaluator === "fast") return this.closureRunners;
    if (evaluator === "reference") return this.referenceRunners;
    return this.generatedRunners();
  }

  /**
   * Evaluates the value and message of branch `b` of a step (`null` when it has none); a throw
   * stops there and is reported as the error of the rule.
   */
  private effectOf(
    step: Step,
    b: number,
    branch: Branch,
    effect: CompiledEffect,
    scope: unknown,
  ): { outcome: Outcome; error: string | null } {
    const valueFn = step.value[b] as Fn | null;
    const messageFn = step.message[b] as Fn | null;
    let value: unknown = null;
    let message: unknown = null;
    let error: string | null = null;
    try {
      if (valueFn !== null) value = valueFn(scope, null);
      if (messageFn !== null) message = messageFn(scope, null);
    } catch (e) {
      error = errorMessage(e);
    }
    const outcome = this.makeOutcome(step.rule.ir, effect, branch.sources, branch.exception, value, message);
    return { outcome, error };
  }

  private segment(asOf: number): number {
    const s = this.params.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] as number) <= asOf) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Hashed on first use: a service that never explains never pays for it. */
  get spansHash(): string {
    if (this.spansHashText === null) this.spansHashText = hashSpans(this.spans);
    return this.spansHashText;
  }

  prepare(): void {
    this.generatedRunners();
  }

  paramsAt(asOf: number): Readonly<Record<string, unknown>> {
    return this.params.fast[this.segment(asOf)] as Readonly<Record<string, unknown>>;
  }

  decide(facts: unknown, options: DecideOptions = {}): DecideResult {
    try {
      return this.decideInner(facts, options);
    } catch (e) {
      return refuse([internalError(e)]);
    }
  }

  profile(docs: readonly unknown[], options: ProfileOptions = {}): ProfileResult {
    try {
      const asOf = this.resolveAsOf(options.asOf);
      if (typeof asOf !== "number") return { ok: false, errors: [{ document: -1, ...asOf }] };
      const evaluator = options.evaluator ?? "compiled";
      const runners = this.runnersFor(evaluator);
      const params = this.paramsFor(runners, asOf);
      const base: DecideOptions = { asOf, evaluator, validate: false };
      const lean: DecideOptions = { ...base, explain: false };
      const explained: DecideOptions = { ...base, explain: true };
      const explainer = runners.reference ? this.referenceExplainer : this.fastExplainer;
      const scratchRules = new Array<RuleExplanation>(this.rules.length);
      const scratchOutcomes: Outcome[] = [];
      return profileDecisions(
        {
          bundle: this.hash,
          asOf,
          asOfText: this.formatAsOf(asOf),
          evaluator,
          rules: runners.steps.map((s) => ({ ...s, id: s.rule.ir.id, policy: s.rule.ir.policy })),
          scope: (facts) => this.scopeOf(facts, asOf, params, runners),
          decide: (facts, explain) => this.decide(facts, explain ? explained : lean),
          explain: (ri, facts, scope) => {
            explainer.begin();
            this.explainRule(ri, facts, asOf, scope, runners, explainer, scratchRules, scratchOutcomes);
            scratchOutcomes.length = 0;
          },
          hash: factsHash,
          check: (facts) => this.decide(facts, { ...lean, validate: options.validate !== false }),
        },
        docs,
        options,
      );
    } catch (e) {
      return { ok: false, errors: [{ document: -1, ...internalError(e) }] };
    }
  }

  /** The parameters in force at `asOf`, as `runners` read them. */
  private paramsFor(runners: RuleRunners, asOf: number): unknown {
    return (runners.reference ? this.params.reference : this.params.fast)[this.segment(asOf)];
  }

  /**
   * A decision's scope, nothing computed yet: the fast paths read the facts in place; the
   * reference gets the scope as one object.
   */
  private scopeOf(facts: object, asOf: number, params: unknown, runners: RuleRunners): unknown {
    const root = new RootScope(
      facts,
      asOf,
      params,
      this.lexicons,
      runners.slots.length === 0 ? undefined : runners.slots.slice(),
      runners.plain(facts),
    );
    return runners.reference ? root.materialized() : root;
  }

  private resolveAsOf(asOf: DecideOptions["asOf"]): number | DecideError {
    if (asOf === undefined) return Date.now();
    let t: number | null = null;
    if (asOf instanceof Date) t = asOf.getTime();
    else if (typeof asOf === "number") t = asOf;
    else if (typeof asOf === "string") t = parseTime(asOf, this.zone);
    if (t === null || !Number.isSafeInteger(t)) {
      return {
        code: "eval/as-of",
        pointer: "",
        message: `the as-of instant ${typeof asOf === "string" ? `\`${asOf}\`` : String(asOf)} is not a date or an instant`,
        help: "give epoch milliseconds, a `Date`, `YYYY-MM-DD` or an RFC 3339 date-time with offset",
      };
    }
    return t;
  }

  private decideInner(facts: unknown, options: DecideOptions): DecideResult {
    const explain = options.explain !== false;
    const asOf = this.resolveAsOf(options.asOf);
    if (typeof asOf !== "number") return refuse([asOf]);
    if (facts === null || typeof facts !== "object" || Array.isArray(facts)) {
      return refuse([{ code: "eval/facts", pointer: "", message: "the facts must be an object" }]);
    }
    let warnings: DecideError[] = [];
    if (options.validate !== false && this.validator !== null) {
      const v = this.validator(facts, { strict: options.strict === true });
      if (!v.ok) return refuse(v.errors.map(toDecideError), v.warnings.map(toDecideError));
      warnings = v.warnings.map(toDecideError);
    } else if (explain && nestsDeeperThan(facts, MAX_FACTS_DEPTH)) {
      return refuse([
        {
          code: "facts/too-deep",
          pointer: "",
          message: `the facts nest deeper than ${MAX_FACTS_DEPTH} levels`,
        },
      ]);
    }
    const runners = this.runnersFor(options.evaluator);
    const scope = this.scopeOf(facts, asOf, this.paramsFor(runners, asOf), runners);
    const decided = explain
      ? this.decideExplained(facts, asOf, scope, runners)
      : this.decideLean(asOf, scope, runners);
    const decision: Decision = new NewDecision(
      VERDICT_BY_STRENGTH[decided.strength] as Verdict,
      this.formatAsOf(asOf),
      this.hash,
      explain ? factsHash(facts) : null,
      explain ? this.spansHash : null,
      runners.engine,
      explain,
      decided.outcomes,
      decided.rules,
    );
    return { ok: true, decision, warnings, errors: NO_ERRORS };
  }

  /**
   * The rules of a decision without explanations: a status per rule, then the entries and
   * constant outcomes made at load (shared, frozen); only outcomes with a value or a message, and
   * errors, are made per decision.
   */
  private decideLean(asOf: number, scope: unknown, runners: RuleRunners): Decided {
    const steps = runners.steps;
    const n = steps.length;
    const rules = new Array<RuleExplanation>(n);
    const outcomes = new Array<Outcome>();
    let strength = 0;
    for (let ri = 0; ri < n; ri++) {
      const step = steps[ri] as Step;
      const lean = step.lean;
      if (!(step.from <= asOf && asOf < step.until)) {
        rules[ri] = lean.notInForce;
        continue;
      }
      let code: number;
      try {
        code = step.status(scope, null) as number;
      } catch (e) {
        rules[ri] = { ...lean.notApplicable, status: "error", error: errorMessage(e) };
        continue;
      }
      if (code === 0) {
        rules[ri] = lean.notApplicable;
        continue;
      }
      const branch = lean.branches[code - 1] as Branch;
      let entry = branch.entry;
      const effect = branch.effect;
      if (effect !== null) {
        let outcome = branch.constant;
        if (outcome === null) {
          const made = this.effectOf(step, code - 1, branch, effect, scope);
          outcome = made.outcome;
          if (made.error !== null) entry = { ...entry, error: made.error };
        }
        outcomes.push(outcome);
        if (branch.strength > strength) strength = branch.strength;
      }
      rules[ri] = entry;
    }
    return { strength, outcomes, rules };
  }

  /**
   * The rules of a decision with explanations: every condition is explained by walking its tree
   * (the closures', or the reference's); the effects' values come from the runners.
   */
  private decideExplained(facts: object, asOf: number, scope: unknown, runners: RuleRunners): Decided {
    const explainer = runners.reference ? this.referenceExplainer : this.fastExplainer;
    explainer.begin();
    const outcomes = new Array<Outcome>();
    const rules = new Array<RuleExplanation>(this.rules.length);
    let strength = 0;
    for (let ri = 0; ri < this.rules.length; ri++) {
      const s = this.explainRule(ri, facts, asOf, scope, runners, explainer, rules, outcomes);
      if (s > strength) strength = s;
    }
    return { strength, outcomes, rules };
  }

  /**
   * Rule `ri` of a decision with explanations: its entry goes to `rules[ri]` and its outcome, if it
   * acts, to `outcomes`; returns the strength of its effect (0: none).
   */
  private explainRule(
    ri: number,
    facts: object,
    asOf: number,
    scope: unknown,
    runners: RuleRunners,
    explainer: Explainer,
    rules: RuleExplanation[],
    outcomes: Outcome[],
  ): number {
    const r = this.rules[ri] as CompiledRule;
    const ir = r.ir;
    const entry = new NewRuleEntry(ir.id, ir.policy, ir.title, "not-applicable", new Array<Because>());
    rules[ri] = entry;
    if (!(r.from <= asOf && asOf < r.until)) {
      entry.status = "not-in-force";
      entry.effective = r.effective;
      return 0;
    }
    let applied: CompiledException | null = null;
    let b = 0;
    let appliedBecause: Because[] = NO_BECAUSE;
    try {
      if (!truthy(explainer.walk(r.when, scope, null, entry.because))) return 0;
      for (let xi = 0; xi < r.exceptions.length; xi++) {
        const x = r.exceptions[xi] as CompiledException;
        const because = new Array<Because>();
        if (truthy(explainer.walk(x.when, scope, null, because))) {
          applied = x;
          b = xi + 1;
          appliedBecause = because;
          break;
        }
      }
    } catch (e) {
      entry.status = "error";
      entry.error = errorMessage(e);
      return 0;
    }
    if (applied !== null) {
      entry.status = "excepted";
      entry.exception = new NewAppliedException(
        applied.ir.id,
        applied.ir.title,
        applied.sources.norms,
        applied.sources.citations,
        appliedBecause,
      );
    } else entry.status = "fired";
    const step = runners.steps[ri] as Step;
    const branch = step.lean.branches[b] as Branch;
    const effect = branch.effect;
    if (effect === null) return 0;
    const { outcome, error } = this.effectOf(step, b, branch, effect, scope);
    if (error !== null) entry.error = error;
    outcome.evidence = evidenceFor(facts, [...entry.because, ...appliedBecause]);
    outcomes.push(outcome);
    return branch.strength;
  }

  /** The decision's `asOf` text, formatted once per instant. */
  private formatAsOf(asOf: number): string {
    if (asOf === this.lastAsOf) return this.lastAsOfText;
    let text = this.asOfText.get(asOf);
    if (text === undefined) {
      text = formatRfc3339(asOf, this.zone);
      if (this.asOfText.size >= AS_OF_CACHE_SIZE) this.asOfText.clear();
      this.asOfText.set(asOf, text);
    }
    this.lastAsOf = asOf;
    this.lastAsOfText = text;
    return text;
  }

  /** An outcome of `effect`, whose value and message (`null`: none) are computed. */
  private makeOutcome(
    rule: IrRule,
    effect: CompiledEffect,
    sources: Sources,
    exception: string | null,
    value: unknown,
    message: unknown,
  ): Outcome {
    const valueType = effect.ir.valueType;
    return new NewOutcome(
      rule.id,
      rule.policy,
      effect.ir.kind,
      effect.ir.label,
      toJsonValue(value),
      valueType,
      effect.display(value),
      message === null || message === undefined
        ? null
        : typeof message === "string"
          ? message
          : stringOf(message),
      sources.norms,
      sources.citations,
      exception,
      NO_EVIDENCE,
    );
  }
}

/** A rule's status function (see {@link Step}) from its condition's and exceptions' evaluators. */
function statusFn(when: Fn, exceptions: readonly Fn[]): Fn {
  return (d) => {
    if (!truthy(when(d, null))) return 0;
    for (let j = 0; j < exceptions.length; j++) if (truthy((exceptions[j] as Fn)(d, null))) return j + 2;
    return 1;
  };
}

/** What a decision's rule loop gives. */
interface Decided {
  strength: number;
  outcomes: Outcome[];
  rules: RuleExplanation[];
}

const NO_ERRORS = Object.freeze([]) as unknown as [];

/** At most this many evidence places per outcome. */
const MAX_EVIDENCE = 8;

/**
 * The facts' `evidence` entries (from `norma extract`) for the facts pointers an outcome's atoms
 * read: an entry at one of them, inside one, or enclosing one.
 */
function evidenceFor(facts: object, because: readonly Because[]): EvidenceRef[] {
  const list = (facts as { evidence?: unknown }).evidence;
  if (!Array.isArray(list) || list.length === 0) return new Array<EvidenceRef>();
  const read = new Set<string>();
  for (const b of because) for (const p of b.facts) read.add(p);
  if (read.size === 0) return new Array<EvidenceRef>();
  const out = new Array<EvidenceRef>();
  for (const item of list) {
    if (out.length >= MAX_EVIDENCE) break;
    if (item === null || typeof item !== "object") continue;
    const { pointer, file, line, snippet } = item as Record<string, unknown>;
    if (typeof pointer !== "string" || typeof file !== "string" || typeof line !== "number") continue;
    let hit = false;
    for (const p of read) {
      if (p === pointer || p.startsWith(pointer + "/") || pointer.startsWith(p + "/")) {
        hit = true;
        break;
      }
    }
    if (hit) out.push(new NewEvidence(pointer, file, line, typeof snippet === "string" ? snippet : null));
  }
  return out;
}

function stringOf(v: unknown): string {
  try {
    return String(v);
  } catch {
    return JSON.stringify(toJsonValue(v));
  }
}

/** An exception that escaped the runtime, as the error a caller gets instead. */
function internalError(e: unknown): DecideError {
  return {
    code: "eval/internal",
    pointer: "",
    message: `internal error: ${(e as Error)?.message ?? String(e)}`,
    help: "this is a bug in the runtime, not in the facts",
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function toDecideError(p: FactsProblem): DecideError {
  const out: DecideError = { code: p.code, pointer: p.pointer, message: p.message };
  if (p.expected !== undefined) out.expected = p.expected;
  if (p.actual !== undefined) out.actual = p.actual;
  if (p.help !== undefined) out.help = p.help;
  return out;
}

function refuse(errors: DecideError[], warnings: DecideError[] = []): DecideResult {
  return { ok: false, decision: null, errors, warnings };
}
