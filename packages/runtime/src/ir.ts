/**
 * The portable IR: what `norma build` writes and what the runtime evaluates.
 *
 * Conditions and values are JSON Logic wherever JSON Logic has the operation; the extensions are
 * custom operations whose names start with `n.` (documented one by one in `docs/ir.md`). Any JSON
 * Logic implementation with those operations registered can run a bundle.
 *
 * INVARIANT: a bundle is plain JSON (no functions, no undefined, no NaN); evaluating it terminates
 * (no recursion; the only iteration is over finite lists from the facts or from literals).
 */

/** A JSON Logic expression (a literal, an array of expressions, or `{op: args}`). */
export type Logic = null | boolean | number | string | Logic[] | { [op: string]: Logic };

/** One citation: `quote` occurs verbatim on 1-based `line` of the source named `source`. */
export interface IrCitation {
  source: string;
  line: number;
  quote: string;
}

/** A source declared by a policy: a pinned file or an external document. */
export type IrSource =
  | { id: string; kind: "file"; file: string; sha256: string; edited: string | null; title: string | null }
  | { id: string; kind: "url"; url: string; retrieved: string; title: string | null };

/** A half-open validity interval in epoch milliseconds; `null` is unbounded. */
export interface IrEffective {
  from: number | null;
  until: number | null;
}

/** The kinds of conclusion a rule can draw (their order of strength is in `docs/ir.md`, "Rules"). */
export type IrEffectKind = "reject" | "require" | "allow" | "flag" | "advise" | "assess";

/**
 * What a rule (or an exception) concludes. `message` is a JSON Logic expression that yields the
 * rendered string (usually `{"cat": [...]}`); `value` is the assessed value for `assess`.
 */
export interface IrEffect {
  kind: IrEffectKind;
  /** The action (require/allow), risk tag (flag), finding (advise, reject) or the assessed value's name (assess). */
  label: string;
  value: Logic | null;
  /** The static type of `value` (`money`, `integer`, …), so decisions can render it. */
  valueType: string | null;
  message: Logic | null;
}

/** An exception of a rule: when its `when` holds (and the rule's does), it replaces the rule's conclusion. */
export interface IrException {
  /** `<rule id>#<name>` or `<rule id>#<index>` when unnamed. */
  id: string;
  title: string | null;
  when: Logic;
  norms: string[];
  citations: IrCitation[];
  /** The effect the exception gives instead, or null when it only cancels the rule. */
  effect: IrEffect | null;
}

/** One compiled rule: in force during `effective`, it concludes `effect` when `when` holds, unless an exception applies. */
export interface IrRule {
  /** Unique in the bundle. */
  id: string;
  title: string | null;
  policy: string;
  norms: string[];
  citations: IrCitation[];
  effective: IrEffective;
  when: Logic;
  effect: IrEffect;
  exceptions: IrException[];
}

/** A parameter with dated versions; at most one version is in force at any instant. */
export interface IrParam {
  name: string;
  type: string;
  versions: Array<{ effective: IrEffective; value: Logic; citations: IrCitation[] }>;
}

/** One compiled policy (rules point to it by `id`). */
export interface IrPolicy {
  id: string;
  title: string;
  /** The file the policy was compiled from (relative to the policies root). */
  file: string;
  schema: string;
  sources: IrSource[];
}

/** Maps an IR node to the policy text it came from. Keys are JSON pointers into the bundle (`/rules/3/when/and/1`). */
export interface IrSpan {
  file: string;
  start: number;
  end: number;
  line: number;
  column: number;
  /** The source text of the node, for explanations (`release.kind == "update"`). */
  text: string;
  /**
   * Set when the node is the value of a policy `let`, compiled in place where a rule uses the
   * name: an explanation shows the name with its value rather than the facts it reads.
   */
  let?: IrLetRef;
}

/** A policy `let` by name, with its type (an IR type name, as `IrParam.type`). */
export interface IrLetRef {
  name: string;
  type: string;
}

/** Everything a runtime needs: compiled rules, params, lexicons, and the span side table. */
export interface Bundle {
  format: "norma-bundle/1";
  /** `sha256:` + hex of the canonical JSON of everything but `hash` and `spans`. */
  hash: string;
  /** The IANA zone for natural days and zone-less dates (always `Asia/Shanghai` for now, fixed +08:00). */
  zone: string;
  policies: IrPolicy[];
  rules: IrRule[];
  params: IrParam[];
  /** Lexicon name → words (NFC, deduplicated). */
  lexicons: Record<string, string[]>;
  spans: Record<string, IrSpan>;
}
