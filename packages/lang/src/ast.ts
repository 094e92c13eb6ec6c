/**
 * The typed AST of a Norma policy file.
 *
 * INVARIANT: every node has a `kind` (a string literal unique to its interface) and a `span`
 * (half-open UTF-16 offsets into the file text, `start <= end`). Line and column are computed
 * from offsets only when a diagnostic is rendered (see `source-text.ts`).
 *
 * The parser recovers from errors; when a part of a node could not be parsed, the node is still
 * built and the missing child is an `ErrorExpr` (for expressions) or left out (for optional
 * clauses). Consumers that run after parsing (checker, compiler) must skip files whose parse
 * produced errors; the formatter refuses to print them.
 */

/** Half-open offsets `[start, end)` into the source text, in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}

/** A comment `# …` kept for the formatter; `text` excludes the `#` and the line break. */
export interface Comment {
  kind: "Comment";
  span: Span;
  text: string;
}

/** The whole file: one policy header and its declarations. */
export interface PolicyFile {
  kind: "PolicyFile";
  span: Span;
  /** The policy id, dotted (e.g. `filing.review`). */
  id: DottedName;
  /** The human title, e.g. `"报备审核"`. */
  title: StringLit;
  /** The facts schema this policy reads, e.g. `reads facts@1`. */
  schema: SchemaRef;
  declarations: Declaration[];
  /** All comments in the file, in order. The printer re-attaches them to the next declaration or clause. */
  comments: Comment[];
}

export interface SchemaRef {
  kind: "SchemaRef";
  span: Span;
  name: Identifier;
  version: number;
}

export interface Identifier {
  kind: "Identifier";
  span: Span;
  /** The name as written (Unicode letters allowed, NFC as in the file). */
  name: string;
}

/** A dotted name such as `filing.pre_launch`; `parts` are the identifiers between the dots. */
export interface DottedName {
  kind: "DottedName";
  span: Span;
  parts: Identifier[];
  /** `parts` joined by `.`. */
  text: string;
}

export type Declaration = SourceDecl | LexiconDecl | ParamDecl | LetDecl | RuleDecl;

/**
 * `source FIL file "001_….txt" sha256 "…" edited 2022-01-14 "title"` or
 * `source WXDOC url "https://…" retrieved 2026-11-01 "title"`.
 */
export interface SourceDecl {
  kind: "SourceDecl";
  span: Span;
  name: Identifier;
  location:
    | { kind: "file"; file: StringLit; sha256: StringLit; edited: DateLit | null }
    | { kind: "url"; url: StringLit; retrieved: DateLit };
  title: StringLit | null;
}

/** `lexicon vague_purposes from "lexicons/privacy-purposes.yaml"`; the path is relative to the policy file. */
export interface LexiconDecl {
  kind: "LexiconDecl";
  span: Span;
  name: Identifier;
  path: StringLit;
}

/** `param deposit_cap: money` followed by one or more dated versions `= expr from D until D cite …`. */
export interface ParamDecl {
  kind: "ParamDecl";
  span: Span;
  name: Identifier;
  type: TypeExpr;
  versions: ParamVersion[];
}

export interface ParamVersion {
  kind: "ParamVersion";
  span: Span;
  value: Expr;
  effective: Effective | null;
  citations: Citation[];
}

/** `let filing_globs = ["社交/**", …]`: a named expression, inlined where used; must be declared before use. */
export interface LetDecl {
  kind: "LetDecl";
  span: Span;
  name: Identifier;
  type: TypeExpr | null;
  value: Expr;
}

/** `effective from D until D` (either bound may be missing, not both); dates or date-times. */
export interface Effective {
  kind: "Effective";
  span: Span;
  from: DateLit | DateTimeLit | null;
  until: DateLit | DateTimeLit | null;
}

/** `cite FIL:43 "quote"`: `source` names a `source` declaration; `line` is 1-based. */
export interface Citation {
  kind: "Citation";
  span: Span;
  source: Identifier;
  line: number;
  lineSpan: Span;
  quote: StringLit;
}

/** A norm id after `implements`, e.g. `FIL-7`. */
export interface NormRef {
  kind: "NormRef";
  span: Span;
  id: string;
}

export interface RuleDecl {
  kind: "RuleDecl";
  span: Span;
  id: DottedName;
  title: StringLit | null;
  implements: NormRef[];
  citations: Citation[];
  effective: Effective | null;
  when: Expr;
  effect: Effect;
  exceptions: ExceptionClause[];
}

/**
 * `except [name] ["title"] when expr implements … cite … [then effect]`: when the exception's
 * condition holds, the rule's own effect does not apply (default logic); the exception may give
 * an effect of its own instead.
 */
export interface ExceptionClause {
  kind: "ExceptionClause";
  span: Span;
  name: Identifier | null;
  title: StringLit | null;
  when: Expr;
  implements: NormRef[];
  citations: Citation[];
  effect: Effect | null;
}

export type EffectKind = "reject" | "require" | "allow" | "flag" | "advise" | "assess";

/**
 * `reject "code" [message "…{expr}…"]`, likewise require/allow/flag/advise (the string is the action
 * or risk tag), or `assess name = expr [message "…"]`.
 */
export interface Effect {
  kind: "Effect";
  span: Span;
  effect: EffectKind;
  /** The action, tag or finding code; for `assess`, the name of the assessed value. */
  label: StringLit | Identifier;
  /** Only for `assess`. */
  value: Expr | null;
  message: TemplateLit | null;
}

/** A message template: a string literal whose `{expr}` holes are parsed as expressions. */
export interface TemplateLit {
  kind: "TemplateLit";
  span: Span;
  /** Alternating text and holes, in order. `{{` and `}}` in the text stand for literal braces. */
  parts: Array<{ kind: "Text"; span: Span; text: string } | { kind: "Hole"; span: Span; expr: Expr }>;
}

// ---------------------------------------------------------------- types

export type TypeExpr = NamedType | ListType | RecordType | OptionalType;

export type PrimitiveTypeName =
  "boolean" | "integer" | "decimal" | "percent" | "money" | "date" | "datetime" | "duration" | "string";

export interface NamedType {
  kind: "NamedType";
  span: Span;
  name: PrimitiveTypeName;
}
/** `list of T` */
export interface ListType {
  kind: "ListType";
  span: Span;
  element: TypeExpr;
}
/** `{ name: T, … }` */
export interface RecordType {
  kind: "RecordType";
  span: Span;
  fields: Array<{ name: Identifier; type: TypeExpr }>;
}
/** `T?`: the value may be absent. */
export interface OptionalType {
  kind: "OptionalType";
  span: Span;
  inner: TypeExpr;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | BoolLit
  | IntLit
  | DecimalLit
  | PercentLit
  | MoneyLit
  | DateLit
  | DateTimeLit
  | DurationLit
  | StringLit
  | TemplateLit
  | ListLit
  | RecordLit
  | NameRef
  | MemberExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | TestExpr
  | PresenceExpr
  | IfExpr
  | QuantifierExpr
  | ParenExpr
  | ErrorExpr;

export interface BoolLit {
  kind: "BoolLit";
  span: Span;
  value: boolean;
}
/** An integer literal; `_` separators allowed in the text (`20_000`). `value` is a decimal string, exact. */
export interface IntLit {
  kind: "IntLit";
  span: Span;
  value: string;
  /** The spelling as written (`20_000`, `007`) when it differs from `value`; the formatter keeps it. */
  raw?: string;
}
/** `1.25`: `value` is the exact decimal string without separators. */
export interface DecimalLit {
  kind: "DecimalLit";
  span: Span;
  value: string;
  /** The spelling as written when it differs from `value` (`1_000.5`). */
  raw?: string;
}
/** `10%`, `12.5%`: `value` is the number before `%` as an exact decimal string. */
export interface PercentLit {
  kind: "PercentLit";
  span: Span;
  value: string;
  /** The number as written (before `%`) when it differs from `value`. */
  raw?: string;
}
/** `20000 yuan`, `0.01 yuan`, `5 fen`: `fen` is the exact amount in fen (integer string); more than 2 decimals of yuan is a parse error. */
export interface MoneyLit {
  kind: "MoneyLit";
  span: Span;
  fen: string;
  unit: "yuan" | "fen";
  /** The number as written (before the unit, e.g. `20_000`, `1.50`) when it differs from the canonical spelling of `fen` in `unit`. */
  raw?: string;
}
/** `2022-01-14`: a calendar date, read in the policy zone (Asia/Shanghai). */
export interface DateLit {
  kind: "DateLit";
  span: Span;
  value: string;
}
/** `2022-03-01T23:50:00+08:00`; without an offset the zone is Asia/Shanghai (`offset` null). */
export interface DateTimeLit {
  kind: "DateTimeLit";
  span: Span;
  value: string;
  offset: string | null;
}
export type DurationUnit = "natural_days" | "days" | "hours" | "minutes" | "seconds";
/** `7 natural days`, `120 minutes`, `2 hours`, `48 hours`, `3 days` (a day is 24 h; a natural day is a calendar day). */
export interface DurationLit {
  kind: "DurationLit";
  span: Span;
  amount: string;
  unit: DurationUnit;
  /** The number as written when it differs from `amount` (`1_440`). */
  raw?: string;
}
/** A plain string literal; `value` is unescaped. */
export interface StringLit {
  kind: "StringLit";
  span: Span;
  value: string;
}
export interface ListLit {
  kind: "ListLit";
  span: Span;
  items: Expr[];
}
export interface RecordLit {
  kind: "RecordLit";
  span: Span;
  fields: Array<{ name: Identifier; value: Expr }>;
}
/** A bare name: a fact root field, a let, a param, a lexicon, a bound quantifier variable, or `as_of`. */
export interface NameRef {
  kind: "NameRef";
  span: Span;
  name: string;
}
/** `object.field` */
export interface MemberExpr {
  kind: "MemberExpr";
  span: Span;
  object: Expr;
  property: Identifier;
}
/** `min(a, b)`: only builtin functions can be called; the callee is a name. */
export interface CallExpr {
  kind: "CallExpr";
  span: Span;
  callee: Identifier;
  args: Expr[];
}
export interface UnaryExpr {
  kind: "UnaryExpr";
  span: Span;
  op: "not" | "-";
  operand: Expr;
}
export type BinaryOp = "or" | "and" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "??";
export interface BinaryExpr {
  kind: "BinaryExpr";
  span: Span;
  op: BinaryOp;
  left: Expr;
  right: Expr;
}
/**
 * Word operators at comparison level: `x in list`, `x not in list`, `s matches ["社交/**"]` (globs,
 * micromatch semantics), `s contains "x"`, `s contains any of lexicon`, `s starts with "x"`,
 * `s ends with "x"`.
 */
export type TestOp =
  "in" | "not in" | "matches" | "contains" | "contains any of" | "starts with" | "ends with";
export interface TestExpr {
  kind: "TestExpr";
  span: Span;
  op: TestOp;
  left: Expr;
  right: Expr;
}
/** `x is absent` / `x is present` */
export interface PresenceExpr {
  kind: "PresenceExpr";
  span: Span;
  operand: Expr;
  present: boolean;
}
/** `if c then a else b` */
export interface IfExpr {
  kind: "IfExpr";
  span: Span;
  condition: Expr;
  then: Expr;
  else: Expr;
}
export type Quantifier = "any" | "all" | "none" | "count" | "sum" | "find" | "filter" | "map";
/**
 * `any x in list: body` (likewise all, none); `count x in list: cond` (integer); `sum x in list: value`;
 * `find x in list: cond` (the first element where cond holds, or absent); `filter x in list: cond`
 * (the elements where cond holds, in order); `map x in list: value` (the value for each element).
 */
export interface QuantifierExpr {
  kind: "QuantifierExpr";
  span: Span;
  quantifier: Quantifier;
  variable: Identifier;
  collection: Expr;
  body: Expr;
}
/** Parentheses are kept so spans and explanations quote what the author wrote. */
export interface ParenExpr {
  kind: "ParenExpr";
  span: Span;
  inner: Expr;
}
/** Stands where the parser could not read an expression; a diagnostic was reported for it. */
export interface ErrorExpr {
  kind: "ErrorExpr";
  span: Span;
}

/** Every node kind, for visitors. */
export type Node =
  | PolicyFile
  | Declaration
  | Citation
  | NormRef
  | Effective
  | ExceptionClause
  | Effect
  | TypeExpr
  | Expr
  | Identifier
  | DottedName
  | SchemaRef
  | ParamVersion
  | Comment;
