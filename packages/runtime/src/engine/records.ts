/**
 * Constructors of the objects a decision is made of (the decision, its outcomes, rule entries,
 * explanation atoms, evidence). `new X(...)` gives a plain object: prototype `Object.prototype` and
 * the same own fields, in the same order, as the object literal it replaces.
 *
 * Why not object and array literals: V8 tracks the objects made at each literal (its allocation
 * site), and when most of them survive a young-generation GC it pretenures the site: from then on,
 * for the life of the process, every object made there is allocated in the old generation, where
 * garbage costs full mark-compact GCs. A caller that keeps decisions for a while (a batch
 * endpoint collecting a response, a test or an audit collecting results, a benchmark checking
 * agreement first) flips those sites, and every later decision got ~2x slower (measured: a lean
 * workload decision 0.88 -> 1.69 us, an explained one 11.4 -> 22-26 us, after keeping 1,000
 * decisions; even without keeping any, some runs flipped). Constructor calls and `new Array()` have
 * no allocation site to pretenure, so decisions stay young whatever callers do with them.
 * `packages/runtime/test/records.test.ts` checks that the records are plain and field-for-field the
 * literals' shape.
 */
import type {
  AppliedException,
  Because,
  Decision,
  EngineInfo,
  EvidenceRef,
  JsonValue,
  Outcome,
  RuleExplanation,
  RuleStatus,
  Verdict,
} from "../decision.js";
import type { IrCitation, IrEffectKind } from "../ir.js";

/** The constructor type of a record function: its parameters, and its `this` as the instance. */
type RecordOf<F extends (this: never, ...args: never[]) => void> = new (
  ...args: Parameters<F>
) => ThisParameterType<F>;

function DecisionRecord(
  this: Decision,
  verdict: Verdict,
  asOf: string,
  bundle: string,
  factsHash: string | null,
  spans: string | null,
  engine: EngineInfo,
  explained: boolean,
  outcomes: Outcome[],
  rules: RuleExplanation[],
): void {
  this.format = "norma-decision/1";
  this.verdict = verdict;
  this.asOf = asOf;
  this.bundle = bundle;
  this.factsHash = factsHash;
  this.spans = spans;
  this.engine = engine;
  this.explained = explained;
  this.outcomes = outcomes;
  this.rules = rules;
}
DecisionRecord.prototype = Object.prototype;

/** A decision (see the module comment). */
export const NewDecision = DecisionRecord as unknown as RecordOf<typeof DecisionRecord>;

function OutcomeRecord(
  this: Outcome,
  rule: string,
  policy: string,
  effect: IrEffectKind,
  label: string,
  value: JsonValue,
  valueType: string | null,
  display: string | null,
  message: string | null,
  norms: string[],
  citations: IrCitation[],
  exception: string | null,
  evidence: EvidenceRef[],
): void {
  this.rule = rule;
  this.policy = policy;
  this.effect = effect;
  this.label = label;
  this.value = value;
  this.valueType = valueType;
  this.display = display;
  this.message = message;
  this.norms = norms;
  this.citations = citations;
  this.exception = exception;
  this.evidence = evidence;
}
OutcomeRecord.prototype = Object.prototype;

/** An outcome (see the module comment). */
export const NewOutcome = OutcomeRecord as unknown as RecordOf<typeof OutcomeRecord>;

function RuleEntryRecord(
  this: RuleExplanation,
  rule: string,
  policy: string,
  title: string | null,
  status: RuleStatus,
  because: Because[],
): void {
  this.rule = rule;
  this.policy = policy;
  this.title = title;
  this.status = status;
  this.because = because;
}
RuleEntryRecord.prototype = Object.prototype;

/** A rule's entry in `rules` (`exception`, `effective` and `error` are added when they apply). */
export const NewRuleEntry = RuleEntryRecord as unknown as RecordOf<typeof RuleEntryRecord>;

function AppliedExceptionRecord(
  this: AppliedException,
  id: string,
  title: string | null,
  norms: string[],
  citations: IrCitation[],
  because: Because[],
): void {
  this.id = id;
  this.title = title;
  this.norms = norms;
  this.citations = citations;
  this.because = because;
}
AppliedExceptionRecord.prototype = Object.prototype;

/** The exception that applied to a rule. */
export const NewAppliedException = AppliedExceptionRecord as unknown as RecordOf<
  typeof AppliedExceptionRecord
>;

function BecauseRecord(
  this: Because,
  node: string,
  text: string,
  value: JsonValue,
  saw: Record<string, JsonValue>,
  facts: string[],
): void {
  this.node = node;
  this.text = text;
  this.value = value;
  this.saw = saw;
  this.facts = facts;
}
BecauseRecord.prototype = Object.prototype;

/** An atom of an explanation. */
export const NewBecause = BecauseRecord as unknown as RecordOf<typeof BecauseRecord>;

function EvidenceRecord(
  this: EvidenceRef,
  pointer: string,
  file: string,
  line: number,
  snippet: string | null,
): void {
  this.pointer = pointer;
  this.file = file;
  this.line = line;
  this.snippet = snippet;
}
EvidenceRecord.prototype = Object.prototype;

/** An evidence reference of an outcome. */
export const NewEvidence = EvidenceRecord as unknown as RecordOf<typeof EvidenceRecord>;
