/**
 * The decision document: what `Engine.decide` returns and what auditors replay. Its JSON shape is
 * stable API, described by `schema/decision.schema.json` and `docs/decision.md`.
 */
import type { IrCitation, IrEffectKind } from "./ir.js";

/** A JSON value (what every field of a decision holds once serialized). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The overall verdict: the strongest effect present, `pass` when none acts. */
export type Verdict = "reject" | "require" | "flag" | "allow" | "pass";

/** The verdicts from strongest to weakest (`advise` and `assess` never change the verdict). */
export const VERDICT_ORDER: readonly Verdict[] = ["reject", "require", "flag", "allow", "pass"];

/**
 * What happened to one rule.
 * - `fired`: in force, its condition held, no exception applied: its effect is an outcome.
 * - `excepted`: its condition held but an exception applied (the exception's effect, if any, is the outcome).
 * - `not-applicable`: in force, its condition did not hold.
 * - `not-in-force`: the as-of instant is outside its effective window.
 * - `error`: its condition could not be evaluated (see `error`); no outcome.
 */
export type RuleStatus = "fired" | "excepted" | "not-applicable" | "not-in-force" | "error";

/**
 * One atom of an explanation: a condition node that decided, its value, and the fact values it read.
 * For a false `and` only the first false conjunct decides; for a true `and`, all conjuncts;
 * `or` dually; `not` passes its operand's atoms on; a quantifier gives the atoms of the deciding
 * element (or of every element when all of them decided), with the bound variable in `saw`.
 */
export interface Because {
  /** JSON pointer of the node in the bundle (`/rules/3/when/and/0`). */
  node: string;
  /** The policy text of the node (from the bundle's span table), else a rendering of the IR. */
  text: string;
  /** The node's value. */
  value: JsonValue;
  /**
   * Fact paths the node read and their values (`{"release.kind": "update"}`); bound variables as
   * `$c`; parameters as `$p.name`; a policy `let` the node uses (marked in the span table) as its
   * name with its value (`{"最新提审号": "sub-2"}`, dates as RFC 3339), not the facts it reads.
   */
  saw: Record<string, JsonValue>;
  /**
   * JSON pointers into the facts the node read (`/submissions/2/kind`), those a `let` read
   * included; a bound element is followed to its index.
   */
  facts: string[];
}

/** Where in a mini program's source a fact read by the rule was found (`evidence` in the facts, from `norma extract`). */
export interface EvidenceRef {
  pointer: string;
  file: string;
  line: number;
  snippet: string | null;
}

/** One conclusion of the decision: a rule (or one of its exceptions) that acted. */
export interface Outcome {
  /** The rule id. */
  rule: string;
  /** The id of the policy that holds the rule. */
  policy: string;
  /** The effect kind. */
  effect: IrEffectKind;
  /** The action (require/allow), risk tag (flag), finding (reject/advise) or assessed value's name (assess). */
  label: string;
  /** The assessed value (`assess` only, else `null`); money is integer fen, decimals and percents are decimal strings. */
  value: JsonValue;
  /** The static type of `value` (`money`, `integer`, …), or `null`. */
  valueType: string | null;
  /** `value` as people read it (`¥12,345.60`), or `null`. */
  display: string | null;
  /** The rendered message, or `null` when the effect has none. */
  message: string | null;
  /** Norm ids the outcome implements. */
  norms: string[];
  /** The source sentences that require it. */
  citations: IrCitation[];
  /** The exception id when the outcome is an exception's effect, else `null`. */
  exception: string | null;
  /**
   * The places in the mini program's source that prove the facts this outcome was decided on:
   * the facts' `evidence` entries whose pointer is one the rule read, inside one, or around one.
   * Empty without explanations or without evidence in the facts.
   */
  evidence: EvidenceRef[];
}

/** An exception that applied to a rule. */
export interface AppliedException {
  id: string;
  title: string | null;
  norms: string[];
  citations: IrCitation[];
  /** Why its condition held. */
  because: Because[];
}

/** The explanation of one rule of the bundle. */
export interface RuleExplanation {
  rule: string;
  policy: string;
  title: string | null;
  status: RuleStatus;
  /**
   * Why the rule's condition held or did not (empty for `not-in-force`, and when the decision was
   * made with `explain: false`).
   */
  because: Because[];
  /** Set when `status` is `excepted`. */
  exception?: AppliedException;
  /** Set when `status` is `not-in-force`: the rule's window, RFC 3339 (`null`: unbounded). */
  effective?: { from: string | null; until: string | null };
  /** Set when `status` is `error` (or when the effect's message or value could not be computed). */
  error?: string;
}

/** The engine that made a decision. */
export interface EngineInfo {
  name: "norma";
  version: string;
  evaluator: "fast" | "reference" | "compiled";
}

/**
 * The decision for one facts document at one as-of instant.
 *
 * Plain JSON data. Parts that are the same in every decision are shared and frozen rather than
 * copied each time: the `norms` and `citations` of outcomes and applied exceptions, a rule's
 * `effective` window, and (without explanations) the empty `because` lists. Copy a decision
 * (`structuredClone`) before editing it.
 */
export interface Decision {
  format: "norma-decision/1";
  verdict: Verdict;
  /** The as-of instant, RFC 3339 in the bundle zone (`2022-03-09T00:00:00+08:00`). */
  asOf: string;
  /** The bundle's content hash. */
  bundle: string;
  /** `sha256:` of the canonical JSON of the facts, or `null` when made with `explain: false`. */
  factsHash: string | null;
  /**
   * `sha256:` of the bundle's span table the explanations were made with (their policy text and
   * `let` names come from it, and the bundle hash leaves it out), or `null` when made with
   * `explain: false`. Decisions stored before the field existed lack it.
   */
  spans: string | null;
  engine: EngineInfo;
  /** False when made with `explain: false`: `because` lists are empty and `factsHash` is null. */
  explained: boolean;
  /** Every rule or exception that acted, in bundle order. */
  outcomes: Outcome[];
  /** One entry per rule of the bundle, in bundle order. */
  rules: RuleExplanation[];
}

/** A problem that stopped a decision: invalid facts, or an unusable as-of. */
export interface DecideError {
  /** Stable code: `facts/…` from facts validation, `eval/as-of`, `eval/facts`, `eval/internal`. */
  code: string;
  /** JSON pointer into the facts (`""`: the document, or not about the facts). */
  pointer: string;
  message: string;
  expected?: string;
  actual?: string;
  help?: string;
}

/** What `Engine.decide` returns: a decision, or the errors that prevented one. Never thrown. */
export type DecideResult =
  | { ok: true; decision: Decision; warnings: DecideError[]; errors: [] }
  | { ok: false; decision: null; warnings: DecideError[]; errors: DecideError[] };
