/**
 * The conformance case model: what a case file holds once it is loaded and validated, and what the
 * runner reports about it. The YAML format is specified in `docs/conformance.md` and enforced by
 * `schema/case-file.schema.json`; these types mirror that schema.
 */
import type { DecideOptions } from "@norma/runtime";

/** The decision verdicts, strongest first (`pass`: no effect). */
export const VERDICTS = ["reject", "require", "flag", "allow", "pass"] as const;
/** A decision's verdict. */
export type Verdict = (typeof VERDICTS)[number];

/** The rule statuses a case may assert (`error` is never expected: it is always a failure). */
export const RULE_STATUSES = ["fired", "not-applicable", "excepted", "not-in-force"] as const;
/** A rule's status in a decision, as cases may assert it. */
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** The evaluators of the runtime; every case runs on each selected one. */
export type EvaluatorName = NonNullable<DecideOptions["evaluator"]>;

/** Where a thing stands in a case file: 1-based line and column (code points) plus its JSON pointer. */
export interface CaseLocation {
  file: string;
  /** RFC 6901 pointer into the case file's document (`/cases/3/expect/0`). */
  pointer: string;
  line: number;
  column: number;
}

/** A citation in a case: `at` is `SOURCE:LINE` (source ids from `policies/norms.yaml`). */
export interface CaseCitation {
  at: string;
  quote: string;
}

/** An expected outcome: the rule's outcome must be present, with these fields when given. */
export interface OutcomeExpectation {
  rule: string;
  effect?: string;
  label?: string;
  value?: unknown;
  /** The rendered message, exactly. */
  message?: string;
  /** The exception that gave the outcome (`rule#name` or `name`); `null`: the rule's own conclusion. */
  exception?: string | null;
}

/** One assertion of a case: exactly one key, as in CEL's conformance files. */
export type Assertion =
  | { verdict: Verdict }
  | { outcome: OutcomeExpectation }
  | { notFired: string }
  | { status: { rule: string; is: RuleStatus } }
  | { invalidFacts: string }
  | { value: unknown }
  | { diagnostic: { code: string; line: number; column: number; file?: number } }
  | { noDiagnostic: string }
  | { noDiagnostics: true };

/** The kind of an assertion: its one key. */
export type AssertionKind =
  "verdict" | "outcome" | "notFired" | "status" | "invalidFacts" | "value" | "diagnostic" | "noDiagnostics";

/** What every case has, domain or language. */
interface CaseBase {
  id: string;
  title: string;
  /** The file the case came from, relative to the suite directory (`/`-separated). */
  file: string;
  /** Where the case starts in its file. */
  location: CaseLocation;
  asOf: string | null;
  /** The whole facts document, when the case gives one. */
  facts: Record<string, unknown> | null;
  /** The example the facts start from (`examples/<base>.json`), when the case names one. */
  base: string | null;
  /** An RFC 7386 merge patch applied to the base. */
  patch: Record<string, unknown> | null;
  expect: Assertion[];
  /** Where each assertion stands, index for index with `expect`. */
  expectLocations: CaseLocation[];
  /** The reason the case is skipped, or null. */
  skip: string | null;
  cite: CaseCitation | null;
}

/** A decision case from `conformance/<domain>/*.yaml`. */
export interface DomainCase extends CaseBase {
  kind: "domain";
  cite: CaseCitation;
  /** The norms the case says it exercises (null: derived from the rules its assertions name). */
  norms: string[] | null;
}

/** A language case from `conformance/language/*.yaml`: an inline policy or one expression. */
export interface LanguageCase extends CaseBase {
  kind: "language";
  /** The feature of its file (`feature:`). */
  feature: string;
  /** The policy texts (one for `policy:`, several for `policies:`); empty for `expr:`. */
  policies: string[];
  expr: string | null;
}

/** Any case. */
export type Case = DomainCase | LanguageCase;

/** A problem with a case file: it fails the run (a bad case file is never skipped). */
export interface CaseFileError extends CaseLocation {
  /** `case/yaml`, `case/schema`, `case/duplicate-id`, `case/unknown-source`, `case/unknown-base`, `case/unknown-rule`, `case/unknown-norm`, `case/unreadable`. */
  code: string;
  message: string;
  help?: string;
}

/** A loaded case file: its cases (only when the file had no error) and its errors. */
export interface LoadedCaseFile {
  file: string;
  kind: "domain" | "language";
  /** `feature:` of a language file; `description:` of a domain file. */
  title: string | null;
  cases: Case[];
  errors: CaseFileError[];
}
