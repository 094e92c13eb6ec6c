/**
 * The checker: resolves every name and field path of a parsed policy against the facts schema and
 * the policy's own declarations, computes the type of every expression, and reports what would
 * otherwise be a silent `false` in production.
 *
 * Guarantees on its output: when `checkPolicy` reports no error, every `Expr` of the policy has an
 * entry in `types`, every `NameRef` an entry in `names`, and the compiler can translate the policy
 * without further checks.
 */
import type * as A from "@norma/lang";
import { quoteString, type Diagnostic, type DiagnosticFix } from "@norma/lang";
import {
  T,
  isNumeric,
  isRational,
  isTime,
  joinTypes,
  optional,
  required,
  sameType,
  showType,
  type Type,
} from "./types.js";
import { suggest } from "./suggest.js";

/** What a bare name refers to. */
export type Binding =
  | { kind: "fact"; path: string }
  | { kind: "bound"; name: string }
  | { kind: "let"; decl: A.LetDecl }
  | { kind: "param"; decl: A.ParamDecl }
  | { kind: "lexicon"; decl: A.LexiconDecl }
  | { kind: "as_of" };

/** A lexicon, loaded by the caller (the bundle builder) before checking. */
export interface LoadedLexicon {
  words: string[];
  /** Diagnostics from loading (missing file, bad YAML); reported at the declaration. */
  problems: Array<{ code: string; message: string; help?: string }>;
}

export interface CheckContext {
  file: string;
  /** The type of the facts document root, from the schema the policy names. */
  factsType: Type;
  /** Known schema names and versions, e.g. `facts@1`. */
  schemas: ReadonlySet<string>;
  /** The policy text, so diagnostics can quote expressions. */
  text: string;
  /** The catalogue of norm ids (FIL-3, …); null to skip the check. */
  norms: ReadonlySet<string> | null;
  /** Loads a lexicon declared as `lexicon name from "path"` (path relative to the policy file). */
  loadLexicon(path: string): LoadedLexicon;
}

/** The checker's annotations, consumed by the compiler. */
export interface CheckedPolicy {
  ast: A.PolicyFile;
  file: string;
  types: Map<A.Expr, Type>;
  names: Map<A.NameRef, Binding>;
  lexicons: Map<string, { decl: A.LexiconDecl; words: string[] }>;
  params: Map<string, { decl: A.ParamDecl; type: Type }>;
  lets: Map<string, { decl: A.LetDecl; type: Type }>;
  sources: Map<string, A.SourceDecl>;
}

/**
 * The builtin functions, with their signatures as `grammar/reference.md` writes them and a line
 * of documentation (the language server's completion and hover show them).
 */
export const BUILTIN_FUNCTIONS: ReadonlyArray<{ name: string; signature: string; doc: string }> = [
  {
    name: "min",
    signature: "min(a, b, …)",
    doc: "The least of numbers, money, times or durations of one kind.",
  },
  {
    name: "max",
    signature: "max(a, b, …)",
    doc: "The greatest of numbers, money, times or durations of one kind.",
  },
  {
    name: "clamp",
    signature: "clamp(x, lo, hi)",
    doc: "`x` bounded to `[lo, hi]` (three values of one kind).",
  },
  {
    name: "length",
    signature: "length(x)",
    doc: "The characters (code points) of a string, or the items of a list.",
  },
  {
    name: "floor",
    signature: "floor(x)",
    doc: "A decimal, a percent or money × a rate rounded down: an integer, or money in whole fen.",
  },
  {
    name: "ceil",
    signature: "ceil(x)",
    doc: "A decimal, a percent or money × a rate rounded up: an integer, or money in whole fen.",
  },
  {
    name: "round",
    signature: "round(x)",
    doc: "A decimal, a percent or money × a rate rounded half up (away from zero): an integer, or money in whole fen.",
  },
  {
    name: "trunc",
    signature: "trunc(x)",
    doc: "A decimal, a percent or money × a rate rounded toward zero: an integer, or money in whole fen.",
  },
  { name: "lower", signature: "lower(s)", doc: "The string lower-cased (ASCII and full-width Latin)." },
  { name: "trim", signature: "trim(s)", doc: "The string without its leading and trailing blanks." },
  {
    name: "date_of",
    signature: "date_of(t)",
    doc: "The calendar date of a date or date-time (00:00 Asia/Shanghai).",
  },
  { name: "month", signature: "month(t)", doc: "`YYYY-MM` of the month of a date or date-time." },
  {
    name: "prev_month",
    signature: "prev_month(t)",
    doc: "`YYYY-MM` of the month before that of a date or date-time (the last full month).",
  },
  {
    name: "natural_days_between",
    signature: "natural_days_between(a, b)",
    doc: "The calendar days from `a`'s day to `b`'s day (dates or date-times).",
  },
  { name: "abs", signature: "abs(x)", doc: "The absolute value of a number or money." },
];

/** The builtin functions' names. */
const BUILTINS: readonly string[] = BUILTIN_FUNCTIONS.map((f) => f.name);

interface Env {
  bound: ReadonlyMap<string, Type>;
  /** Field paths known to be present here (narrowed by `is present` / `is absent`). */
  present: ReadonlySet<string>;
}

const ROUNDING_FUNCTIONS = new Set(["floor", "ceil", "round", "trunc"]);

/** Checks one parsed policy file; see the module comment for what it guarantees. */
export function checkPolicy(
  ast: A.PolicyFile,
  ctx: CheckContext,
): { value: CheckedPolicy; diagnostics: Diagnostic[] } {
  return new Checker(ast, ctx).run();
}

class Checker {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly out: CheckedPolicy;
  private readonly used = new Set<string>();
  private readonly usedSources = new Set<string>();
  private roundingDepth = 0;

  constructor(
    private readonly ast: A.PolicyFile,
    private readonly ctx: CheckContext,
  ) {
    this.out = {
      ast,
      file: ctx.file,
      types: new Map(),
      names: new Map(),
      lexicons: new Map(),
      params: new Map(),
      lets: new Map(),
      sources: new Map(),
    };
  }

  run(): { value: CheckedPolicy; diagnostics: Diagnostic[] } {
    const schema = `${this.ast.schema.name.name}@${this.ast.schema.version}`;
    if (!this.ctx.schemas.has(schema)) {
      this.error("check/unknown-schema", this.ast.schema.span, `unknown facts schema \`${schema}\``, {
        help: `known schemas: ${[...this.ctx.schemas].map((s) => `\`${s}\``).join(", ")}`,
      });
    }
    const declared = new Map<string, Exclude<A.Declaration, A.RuleDecl>>();
    const ruleIds = new Map<string, A.RuleDecl>();
    for (const decl of this.ast.declarations) {
      if (decl.kind === "RuleDecl") {
        const prev = ruleIds.get(decl.id.text);
        if (prev) this.duplicate(decl.id.span, `rule \`${decl.id.text}\``, prev.id.span);
        else ruleIds.set(decl.id.text, decl);
        this.checkRule(decl);
        continue;
      }
      const name = decl.name.name;
      const prev = declared.get(name);
      if (prev) {
        this.duplicate(decl.name.span, `\`${name}\``, prev.name.span);
        continue;
      }
      if (decl.kind !== "SourceDecl" && this.factField(name)) {
        this.error("check/shadowed-field", decl.name.span, `\`${name}\` is also a field of the facts`, {
          help: `rename it; policies read the field \`${name}\` by that name`,
        });
      }
      declared.set(name, decl);
      switch (decl.kind) {
        case "SourceDecl":
          this.out.sources.set(name, decl);
          this.checkSource(decl);
          break;
        case "LexiconDecl":
          this.checkLexicon(decl);
          break;
        case "ParamDecl":
          this.checkParam(decl);
          break;
        case "LetDecl": {
          const t = this.expr(decl.value, this.rootEnv());
          if (decl.type) {
            const want = this.typeOf(decl.type);
            if (!this.assignable(t, want)) this.mismatch(decl.value.span, want, t);
            this.out.lets.set(name, { decl, type: want });
          } else this.out.lets.set(name, { decl, type: t });
          break;
        }
      }
    }
    for (const [name, decl] of declared) {
      if (decl.kind === "SourceDecl") {
        if (!this.usedSources.has(name)) this.unused(decl.name.span, `source \`${name}\` is never cited`);
      } else if (!this.used.has(name)) {
        this.unused(decl.name.span, `\`${name}\` is declared but never used`);
      }
    }
    return { value: this.out, diagnostics: this.diagnostics };
  }

  // ------------------------------------------------------------ declarations

  private checkSource(decl: A.SourceDecl): void {
    if (decl.location.kind === "file") {
      if (!/^[0-9a-f]{64}$/.test(decl.location.sha256.value)) {
        this.error(
          "check/invalid-sha256",
          decl.location.sha256.span,
          "a source's sha256 must be 64 lowercase hex digits",
          {
            help: "compute it with `sha256sum FILE`",
          },
        );
      }
    } else if (!/^https?:\/\/\S+$/.test(decl.location.url.value)) {
      this.error(
        "check/invalid-url",
        decl.location.url.span,
        `\`${decl.location.url.value}\` is not an http(s) URL`,
      );
    }
  }

  private checkLexicon(decl: A.LexiconDecl): void {
    const loaded = this.ctx.loadLexicon(decl.path.value);
    for (const p of loaded.problems)
      this.error(p.code, decl.path.span, p.message, p.help ? { help: p.help } : {});
    this.out.lexicons.set(decl.name.name, { decl, words: loaded.words });
  }

  private checkParam(decl: A.ParamDecl): void {
    const type = this.typeOf(decl.type);
    this.out.params.set(decl.name.name, { decl, type });
    if (decl.versions.length === 0) {
      this.error(
        "check/param-without-value",
        decl.name.span,
        `parameter \`${decl.name.name}\` has no value`,
        {
          help: "add a version: `= VALUE effective from DATE`",
        },
      );
      return;
    }
    const windows: Array<{ from: string | null; until: string | null; v: A.ParamVersion }> = [];
    for (const v of decl.versions) {
      const t = this.expr(v.value, this.rootEnv());
      if (!this.assignable(t, type)) this.mismatch(v.value.span, type, t);
      for (const c of v.citations) this.checkCitation(c);
      windows.push({
        from: boundOf(v.effective?.from ?? null),
        until: boundOf(v.effective?.until ?? null),
        v,
      });
      if (v.effective) this.checkEffective(v.effective);
    }
    windows.sort((a, b) => cmpBound(a.from, b.from, -1));
    for (let i = 1; i < windows.length; i++) {
      const prev = windows[i - 1]!;
      const cur = windows[i]!;
      const c = cmpBound(prev.until, cur.from, 1);
      if (prev.until === null || c > 0) {
        this.error(
          "check/param-overlap",
          cur.v.span,
          `versions of \`${decl.name.name}\` overlap${prev.until === null ? "" : ` before ${prev.until}`}`,
          { help: `end the earlier version with \`effective until ${cur.from ?? "DATE"}\`` },
        );
      } else if (c < 0) {
        this.error(
          "check/param-gap",
          cur.v.span,
          `no version of \`${decl.name.name}\` is in force from ${prev.until} until ${cur.from}`,
          { help: `start this version at \`${prev.until}\` or end the earlier one at \`${cur.from}\`` },
        );
      }
    }
  }

  private checkEffective(e: A.Effective): void {
    const from = boundOf(e.from);
    const until = boundOf(e.until);
    if (from !== null && until !== null && cmpBound(from, until, 0) >= 0) {
      this.error("check/empty-effective-range", e.span, `the range from ${from} until ${until} is empty`, {
        help: "`until` is exclusive and must come after `from`",
      });
    }
  }

  private checkCitation(c: A.Citation): void {
    const name = c.source.name;
    this.usedSources.add(name);
    if (!this.ast.declarations.some((d) => d.kind === "SourceDecl" && d.name.name === name)) {
      const s = suggest(
        name,
        this.ast.declarations
          .filter((d): d is A.SourceDecl => d.kind === "SourceDecl")
          .map((d) => d.name.name),
      );
      this.error(
        "check/unknown-source",
        c.source.span,
        `citation of undeclared source \`${name}\``,
        s ? didYouMean(s, c.source.span) : { help: `declare it: \`source ${name} file "…" sha256 "…"\`` },
      );
    }
    if (c.line < 1) this.error("check/invalid-line", c.lineSpan, "line numbers start at 1");
    if (c.quote.value.trim() === "") {
      this.error("check/empty-quote", c.quote.span, "a citation needs a non-empty quote", {
        help: "quote the words of that line that require the rule",
      });
    }
  }

  private checkNorms(refs: A.NormRef[]): void {
    for (const n of refs) {
      if (this.ctx.norms && !this.ctx.norms.has(n.id)) {
        const s = suggest(n.id, this.ctx.norms);
        this.error(
          "check/unknown-norm",
          n.span,
          `\`${n.id}\` is not in the norm catalogue`,
          s ? didYouMean(s, n.span) : {},
        );
      }
    }
  }

  private checkRule(rule: A.RuleDecl): void {
    if (rule.citations.length === 0) {
      this.error("check/missing-citation", rule.id.span, `rule \`${rule.id.text}\` cites no source`, {
        help: 'add `cite SOURCE:LINE "quote"` with the words that require it',
      });
    }
    if (rule.implements.length === 0) {
      this.error("check/missing-norm", rule.id.span, `rule \`${rule.id.text}\` implements no norm`, {
        help: "add `implements ID` with the norm id from the catalogue (e.g. `FIL-7`)",
      });
    }
    this.checkNorms(rule.implements);
    for (const c of rule.citations) this.checkCitation(c);
    if (rule.effective) this.checkEffective(rule.effective);
    const env = this.rootEnv();
    const cond = this.expr(rule.when, env);
    this.expectBoolean(rule.when, cond);
    this.checkNeverHolds(rule.when, cond);
    const fired = this.narrow(env, rule.when, true);
    this.checkEffect(rule.effect, fired);
    const names = new Set<string>();
    for (const ex of rule.exceptions) {
      if (ex.name) {
        if (names.has(ex.name.name))
          this.error(
            "check/duplicate",
            ex.name.span,
            `exception \`${ex.name.name}\` is declared twice in this rule`,
          );
        names.add(ex.name.name);
      }
      this.checkNorms(ex.implements);
      for (const c of ex.citations) this.checkCitation(c);
      if (ex.citations.length === 0) {
        this.error("check/missing-citation", ex.span, "an exception must cite the source that grants it", {
          help: 'add `cite SOURCE:LINE "quote"` after its condition',
        });
      }
      const t = this.expr(ex.when, fired);
      this.expectBoolean(ex.when, t);
      this.checkNeverHolds(ex.when, t);
      if (ex.effect) this.checkEffect(ex.effect, this.narrow(fired, ex.when, true));
    }
  }

  private checkEffect(effect: A.Effect, env: Env): void {
    if (effect.effect === "assess") {
      if (effect.value) {
        const t = this.expr(effect.value, env);
        if (t.kind === "fractional-money") this.needsRounding(effect.value.span);
        else if (t.optional) this.maybeAbsent(effect.value, t);
        else if (
          !isNumeric(t) &&
          t.kind !== "boolean" &&
          t.kind !== "string" &&
          t.kind !== "error" &&
          t.kind !== "list" &&
          !isTime(t)
        ) {
          this.error(
            "check/type-mismatch",
            effect.value.span,
            `an assessed value must be a number, money, a date, a string or a list, found ${showType(t)}`,
          );
        }
      }
    } else if (effect.label.kind === "StringLit" && effect.label.value.trim() === "") {
      this.error(
        "check/empty-label",
        effect.label.span,
        `\`${effect.effect}\` needs a non-empty action or tag`,
      );
    }
    if (effect.message) this.template(effect.message, env);
  }

  private template(t: A.TemplateLit, env: Env): void {
    for (const part of t.parts) {
      if (part.kind !== "Hole") continue;
      const ty = this.expr(part.expr, env);
      if (ty.kind === "fractional-money") this.needsRounding(part.expr.span);
      if (ty.kind === "lexicon" || ty.kind === "natural-days") {
        this.error("check/type-mismatch", part.expr.span, `a ${showType(ty)} cannot be shown in a message`);
      }
    }
  }

  private checkNeverHolds(e: A.Expr, t: Type): void {
    const inner = unparen(e);
    if (t.kind === "boolean" && inner.kind === "BoolLit" && !inner.value) {
      this.warning("check/never-holds", e.span, "this condition can never hold", {
        help: "remove the rule or fix the condition",
      });
      return;
    }
    // `x == "a" and x == "b"` with two different literals
    const conjuncts = flattenAnd(inner);
    const eq = new Map<string, string>();
    for (const c of conjuncts) {
      const u = unparen(c);
      if (u.kind !== "BinaryExpr" || u.op !== "==") continue;
      const path = pathOf(u.left);
      const lit = unparen(u.right);
      if (!path || lit.kind !== "StringLit") continue;
      const prev = eq.get(path);
      if (prev !== undefined && prev !== lit.value) {
        this.warning(
          "check/never-holds",
          e.span,
          `\`${path}\` cannot equal both \`${prev}\` and \`${lit.value}\``,
          {
            help: "did you mean `or`?",
          },
        );
        return;
      }
      eq.set(path, lit.value);
    }
  }

  // ------------------------------------------------------------ expressions

  private rootEnv(): Env {
    return { bound: new Map(), present: new Set() };
  }

  private expr(e: A.Expr, env: Env): Type {
    const t = this.exprInner(e, env);
    this.out.types.set(e, t);
    return t;
  }

  private exprInner(e: A.Expr, env: Env): Type {
    switch (e.kind) {
      case "BoolLit":
        return T.boolean;
      case "IntLit":
        if (!Number.isSafeInteger(Number(e.value))) {
          this.error(
            "check/number-too-large",
            e.span,
            `\`${e.value}\` is larger than the largest exact integer (2^53 - 1)`,
          );
        }
        return T.integer;
      case "DecimalLit":
        return T.decimal;
      case "PercentLit":
        return T.percent;
      case "MoneyLit":
        if (!Number.isSafeInteger(Number(e.fen)))
          this.error("check/number-too-large", e.span, "this amount is too large to be exact");
        return T.money;
      case "DateLit":
        return T.date;
      case "DateTimeLit":
        return T.datetime;
      case "DurationLit":
        return e.unit === "natural_days" ? T.naturalDays : T.duration;
      case "StringLit":
        return T.string;
      case "TemplateLit":
        this.template(e, env);
        return T.string;
      case "ListLit":
        return this.listLit(e, env);
      case "RecordLit": {
        const fields = new Map<string, Type>();
        for (const f of e.fields) {
          if (fields.has(f.name.name))
            this.error("check/duplicate", f.name.span, `field \`${f.name.name}\` is given twice`);
          fields.set(f.name.name, this.expr(f.value, env));
        }
        return { kind: "record", fields };
      }
      case "NameRef":
        return this.name(e, env);
      case "MemberExpr":
        return this.member(e, env);
      case "CallExpr":
        return this.call(e, env);
      case "UnaryExpr": {
        const t = this.expr(e.operand, env);
        if (e.op === "not") {
          this.expectBoolean(e.operand, t);
          return T.boolean;
        }
        if (t.kind === "error") return t;
        if (t.optional) return this.maybeAbsent(e.operand, t);
        if (!isNumeric(t) && t.kind !== "duration") {
          this.error("check/type-mismatch", e.span, `cannot negate ${showType(t)}`);
          return T.error;
        }
        return t;
      }
      case "BinaryExpr":
        return this.binary(e, env);
      case "TestExpr":
        return this.test(e, env);
      case "PresenceExpr": {
        const t = this.expr(e.operand, env);
        if (t.kind !== "error" && !t.optional) {
          this.warning(
            "check/never-absent",
            e.span,
            `\`${this.src(e.operand)}\` is always present, so this is always ${e.present}`,
            {
              help: "the facts schema requires this field",
            },
          );
        }
        return T.boolean;
      }
      case "IfExpr": {
        const c = this.expr(e.condition, env);
        this.expectBoolean(e.condition, c);
        const a = this.expr(e.then, this.narrow(env, e.condition, true));
        const b = this.expr(e.else, this.narrow(env, e.condition, false));
        const j = joinTypes(a, b);
        if (!j) {
          this.error(
            "check/type-mismatch",
            e.else.span,
            `the branches of \`if\` differ: ${showType(a)} and ${showType(b)}`,
          );
          return T.error;
        }
        return j;
      }
      case "QuantifierExpr":
        return this.quantifier(e, env);
      case "ParenExpr":
        return this.expr(e.inner, env);
      case "ErrorExpr":
        return T.error;
    }
  }

  private listLit(e: A.ListLit, env: Env): Type {
    let element: Type | null = null;
    for (const item of e.items) {
      const t = this.expr(item, env);
      if (element === null) element = t;
      else {
        const j = joinTypes(element, t);
        if (!j) {
          this.error(
            "check/type-mismatch",
            item.span,
            `list items must have one type: ${showType(element)} and ${showType(t)}`,
          );
          return T.error;
        }
        element = j;
      }
    }
    return T.list(element ?? T.error);
  }

  private factField(name: string): Type | undefined {
    const root = this.ctx.factsType;
    return root.kind === "record" ? root.fields.get(name) : undefined;
  }

  private name(e: A.NameRef, env: Env): Type {
    const n = e.name;
    const bound = env.bound.get(n);
    if (bound) {
      this.out.names.set(e, { kind: "bound", name: n });
      return env.present.has(n) ? required(bound) : bound;
    }
    const letDecl = this.out.lets.get(n);
    if (letDecl) {
      this.used.add(n);
      this.out.names.set(e, { kind: "let", decl: letDecl.decl });
      return env.present.has(n) ? required(letDecl.type) : letDecl.type;
    }
    const param = this.out.params.get(n);
    if (param) {
      this.used.add(n);
      this.out.names.set(e, { kind: "param", decl: param.decl });
      return env.present.has(n) ? required(param.type) : param.type;
    }
    const lex = this.out.lexicons.get(n);
    if (lex) {
      this.used.add(n);
      this.out.names.set(e, { kind: "lexicon", decl: lex.decl });
      return T.lexicon;
    }
    if (n === "as_of") {
      this.out.names.set(e, { kind: "as_of" });
      return T.datetime;
    }
    const field = this.factField(n);
    if (field) {
      this.out.names.set(e, { kind: "fact", path: n });
      return env.present.has(n) ? required(field) : field;
    }
    // declared later in the file?
    const later = this.ast.declarations.find(
      (d) => d.kind !== "RuleDecl" && d.kind !== "SourceDecl" && d.name.name === n,
    );
    if (later) {
      this.error("check/used-before-declared", e.span, `\`${n}\` is used before it is declared`, {
        help: "move its declaration above this use (declarations cannot refer to later ones, so they can never be circular)",
      });
      return T.error;
    }
    const root = this.ctx.factsType;
    const candidates = [
      ...env.bound.keys(),
      ...this.out.lets.keys(),
      ...this.out.params.keys(),
      ...this.out.lexicons.keys(),
      "as_of",
      ...(root.kind === "record" ? root.fields.keys() : []),
    ];
    const s = suggest(n, candidates);
    this.error(
      "check/unknown-field",
      e.span,
      `unknown name \`${n}\``,
      s
        ? didYouMean(s, e.span)
        : { help: "names are facts fields, `let`s, `param`s, lexicons, bound variables or `as_of`" },
    );
    return T.error;
  }

  private member(e: A.MemberExpr, env: Env): Type {
    const obj = this.expr(e.object, env);
    if (obj.kind === "error") return obj;
    const prop = e.property.name;
    if (obj.kind !== "record") {
      this.error("check/not-a-record", e.property.span, `${showType(obj)} has no field \`${prop}\``, {
        help: obj.kind === "list" ? "use a quantifier, e.g. `any x in list: x." + prop + " …`" : undefined,
      });
      return T.error;
    }
    const field = obj.fields.get(prop);
    if (!field) {
      const s = suggest(prop, obj.fields.keys());
      const base = pathOf(e.object);
      this.error(
        "check/unknown-field",
        e.property.span,
        `\`${base ?? this.src(e.object)}\` has no field \`${prop}\``,
        s
          ? didYouMean(s, e.property.span)
          : { help: `its fields are ${[...obj.fields.keys()].map((k) => `\`${k}\``).join(", ")}` },
      );
      return T.error;
    }
    const path = pathOf(e);
    let t = obj.optional ? optional(field) : field;
    if (path && env.present.has(path)) t = required(t);
    return t;
  }

  private call(e: A.CallExpr, env: Env): Type {
    const name = e.callee.name;
    if (!BUILTINS.includes(name)) {
      const s = suggest(name, BUILTINS);
      this.error(
        "check/unknown-function",
        e.callee.span,
        `unknown function \`${name}\``,
        s
          ? didYouMean(s, e.callee.span)
          : { help: `the functions are ${BUILTINS.map((b) => `\`${b}\``).join(", ")}` },
      );
      for (const a of e.args) this.expr(a, env);
      return T.error;
    }
    const rounding = ROUNDING_FUNCTIONS.has(name);
    if (rounding) this.roundingDepth++;
    const args = e.args.map((a) => this.expr(a, env));
    if (rounding) this.roundingDepth--;
    const arity = (min: number, max = min): boolean => {
      if (args.length < min || args.length > max) {
        this.error(
          "check/arity",
          e.span,
          `\`${name}\` takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, found ${args.length}`,
        );
        return false;
      }
      return true;
    };
    if (args.some((a) => a.kind === "error")) return T.error;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.optional) return this.maybeAbsent(e.args[i]!, a);
    }
    switch (name) {
      case "min":
      case "max":
      case "clamp": {
        if (name === "clamp" ? !arity(3) : !arity(2, 16)) return T.error;
        let t: Type = args[0]!;
        for (let i = 1; i < args.length; i++) {
          const j = joinTypes(t, args[i]!);
          if (!j || !(isNumeric(j) || isTime(j) || j.kind === "duration")) {
            this.error(
              "check/type-mismatch",
              e.args[i]!.span,
              `\`${name}\` needs arguments of one numeric type: ${showType(t)} and ${showType(args[i]!)}`,
            );
            return T.error;
          }
          t = j;
        }
        if (!(isNumeric(t) || isTime(t) || t.kind === "duration")) {
          this.error(
            "check/type-mismatch",
            e.span,
            `\`${name}\` needs numbers, money or times, found ${showType(t)}`,
          );
          return T.error;
        }
        return required(t);
      }
      case "abs":
        if (!arity(1)) return T.error;
        if (!isNumeric(args[0]!)) return this.wrongArg(e, 0, "a number or money");
        return args[0]!;
      case "length":
        if (!arity(1)) return T.error;
        if (args[0]!.kind !== "string" && args[0]!.kind !== "list")
          return this.wrongArg(e, 0, "a string or a list");
        return T.integer;
      case "floor":
      case "ceil":
      case "round":
      case "trunc": {
        if (!arity(1)) return T.error;
        const a = args[0]!;
        if (a.kind === "fractional-money") return T.money;
        if (isRational(a) || a.kind === "integer") return T.integer;
        if (a.kind === "money") {
          this.warning(
            "check/needless-rounding",
            e.span,
            "money is already in whole fen; rounding it does nothing",
          );
          return T.money;
        }
        return this.wrongArg(e, 0, "a decimal, a percent or a money product");
      }
      case "lower":
      case "trim":
        if (!arity(1)) return T.error;
        if (args[0]!.kind !== "string") return this.wrongArg(e, 0, "a string");
        return T.string;
      case "date_of":
        if (!arity(1)) return T.error;
        if (!isTime(args[0]!)) return this.wrongArg(e, 0, "a date or date-time");
        return T.date;
      case "month":
      case "prev_month":
        if (!arity(1)) return T.error;
        if (!isTime(args[0]!)) return this.wrongArg(e, 0, "a date or date-time");
        return T.string;
      case "natural_days_between":
        if (!arity(2)) return T.error;
        if (!isTime(args[0]!)) return this.wrongArg(e, 0, "a date or date-time");
        if (!isTime(args[1]!)) return this.wrongArg(e, 1, "a date or date-time");
        return T.integer;
    }
    return T.error;
  }

  private wrongArg(e: A.CallExpr, i: number, want: string): Type {
    const got = this.out.types.get(e.args[i]!);
    this.error(
      "check/type-mismatch",
      e.args[i]!.span,
      `\`${e.callee.name}\` expects ${want}, found ${got ? showType(got) : "something else"}`,
    );
    return T.error;
  }

  private binary(e: A.BinaryExpr, env: Env): Type {
    if (e.op === "and" || e.op === "or") {
      const l = this.expr(e.left, env);
      this.expectBoolean(e.left, l);
      const r = this.expr(e.right, this.narrow(env, e.left, e.op === "and"));
      this.expectBoolean(e.right, r);
      return T.boolean;
    }
    const l = this.expr(e.left, env);
    const r = this.expr(e.right, env);
    if (l.kind === "error" || r.kind === "error")
      return e.op === "??" ? T.error : isComparison(e.op) ? T.boolean : T.error;
    if (e.op === "??") {
      if (!l.optional) {
        this.warning(
          "check/never-absent",
          e.left.span,
          `\`${this.src(e.left)}\` is always present, so \`??\` never applies`,
        );
      }
      const j = joinTypes(required(l), r);
      if (!j) {
        this.error(
          "check/type-mismatch",
          e.right.span,
          `the default must be ${showType(required(l))}, found ${showType(r)}`,
        );
        return T.error;
      }
      return r.optional ? j : required(j);
    }
    if (e.op === "==" || e.op === "!=") {
      // absent is never equal to a value: `x == "a"` is false when `x` is absent, so optional is fine here
      const a = required(l);
      const b = required(r);
      if (!this.comparable(a, b, true)) {
        this.error("check/type-mismatch", e.span, `cannot compare ${showType(l)} with ${showType(r)}`, {
          help: hintFor(a, b),
        });
      } else this.checkEnumLiteral(e.left, a, e.right);
      return T.boolean;
    }
    if (isComparison(e.op)) {
      if (l.optional) return (this.maybeAbsent(e.left, l), T.boolean);
      if (r.optional) return (this.maybeAbsent(e.right, r), T.boolean);
      if (l.kind === "fractional-money") return (this.needsRounding(e.left.span), T.boolean);
      if (r.kind === "fractional-money") return (this.needsRounding(e.right.span), T.boolean);
      if (!this.comparable(l, r, false)) {
        this.error("check/type-mismatch", e.span, `cannot compare ${showType(l)} with ${showType(r)}`, {
          help: hintFor(l, r),
        });
      }
      return T.boolean;
    }
    // arithmetic
    if (l.optional) return this.maybeAbsent(e.left, l);
    if (r.optional) return this.maybeAbsent(e.right, r);
    const t = arithmetic(e.op, l, r);
    if (!t) {
      this.error(
        "check/type-mismatch",
        e.span,
        `cannot apply \`${e.op}\` to ${showType(l)} and ${showType(r)}`,
        { help: hintFor(l, r) },
      );
      return T.error;
    }
    if (t.kind === "fractional-money" && this.roundingDepth === 0) {
      this.needsRounding(e.span);
      return T.error;
    }
    return t;
  }

  private comparable(a: Type, b: Type, equality: boolean): boolean {
    if (a.kind === "absent" || b.kind === "absent") return equality;
    if ((isRational(a) || a.kind === "integer") && (isRational(b) || b.kind === "integer")) return true;
    if (isTime(a) && isTime(b)) return true;
    if (a.kind === "money" && b.kind === "money") return true;
    if (a.kind === "duration" && b.kind === "duration") return true;
    if (a.kind === "string" && b.kind === "string") return true;
    if (a.kind === "boolean" && b.kind === "boolean") return equality;
    return false;
  }

  private checkEnumLiteral(left: A.Expr, lt: Type, right: A.Expr): void {
    const lit = unparen(right);
    if (lt.kind !== "string" || !lt.enum || lit.kind !== "StringLit") return;
    if (lt.enum.includes(lit.value)) return;
    const s = suggest(lit.value, lt.enum);
    this.error(
      "check/unknown-enum-value",
      lit.span,
      `\`${this.src(left)}\` is never \`${lit.value}\``,
      s
        ? didYouMean(s, lit.span, quoteString(s))
        : { help: `its values are ${lt.enum.map((v) => `\`${v}\``).join(", ")}` },
    );
  }

  private test(e: A.TestExpr, env: Env): Type {
    const l = this.expr(e.left, env);
    const r = this.expr(e.right, env);
    if (l.kind === "error" || r.kind === "error") return T.boolean;
    if (l.optional) return (this.maybeAbsent(e.left, l), T.boolean);
    if (r.optional) return (this.maybeAbsent(e.right, r), T.boolean);
    switch (e.op) {
      case "in":
      case "not in": {
        if (r.kind === "lexicon") {
          if (l.kind !== "string")
            this.error(
              "check/type-mismatch",
              e.left.span,
              `only strings can be looked up in a lexicon, found ${showType(l)}`,
            );
          return T.boolean;
        }
        if (r.kind !== "list") {
          this.error(
            "check/type-mismatch",
            e.right.span,
            `\`${e.op}\` needs a list or a lexicon on the right, found ${showType(r)}`,
          );
          return T.boolean;
        }
        if (!this.comparable(l, r.element, true) && r.element.kind !== "error") {
          this.error(
            "check/type-mismatch",
            e.span,
            `a ${showType(l)} is never in a list of ${showType(r.element)}`,
          );
        } else if (unparen(e.right).kind === "ListLit") {
          for (const item of (unparen(e.right) as A.ListLit).items) this.checkEnumLiteral(e.left, l, item);
        }
        return T.boolean;
      }
      case "matches": {
        if (l.kind !== "string")
          this.error(
            "check/type-mismatch",
            e.left.span,
            `only strings can match glob patterns, found ${showType(l)}`,
          );
        if (
          !(r.kind === "list" && (r.element.kind === "string" || r.element.kind === "error")) &&
          !(r.kind === "string")
        ) {
          this.error(
            "check/type-mismatch",
            e.right.span,
            `\`matches\` needs a glob pattern or a list of them, found ${showType(r)}`,
          );
        } else if (!this.constantStrings(e.right)) {
          this.error(
            "check/non-constant-pattern",
            e.right.span,
            "glob patterns must be written in the policy (literals or a `let` of literals)",
            {
              help: "patterns are compiled once when the policy loads",
            },
          );
        }
        return T.boolean;
      }
      case "contains": {
        if (l.kind === "list") {
          if (!this.comparable(l.element, r, true) && l.element.kind !== "error") {
            this.error(
              "check/type-mismatch",
              e.span,
              `a list of ${showType(l.element)} never contains a ${showType(r)}`,
            );
          }
          return T.boolean;
        }
        if (l.kind !== "string" || r.kind !== "string") {
          this.error(
            "check/type-mismatch",
            e.span,
            `\`contains\` needs two strings or a list and an item, found ${showType(l)} and ${showType(r)}`,
            {
              help:
                r.kind === "lexicon"
                  ? "write `contains any of` to look for any word of a lexicon"
                  : undefined,
            },
          );
        }
        return T.boolean;
      }
      case "contains any of": {
        if (l.kind !== "string")
          this.error(
            "check/type-mismatch",
            e.left.span,
            `\`contains any of\` needs a string on the left, found ${showType(l)}`,
          );
        if (!(
          r.kind === "lexicon" ||
          (r.kind === "list" && (r.element.kind === "string" || r.element.kind === "error"))
        )) {
          this.error(
            "check/type-mismatch",
            e.right.span,
            `\`contains any of\` needs a lexicon or a list of strings, found ${showType(r)}`,
          );
        }
        return T.boolean;
      }
      case "starts with":
      case "ends with":
        if (l.kind !== "string" || r.kind !== "string") {
          this.error(
            "check/type-mismatch",
            e.span,
            `\`${e.op}\` needs two strings, found ${showType(l)} and ${showType(r)}`,
          );
        }
        return T.boolean;
    }
  }

  /** Whether an expression is a string literal, a list of them, or a let/paren around one. */
  private constantStrings(e: A.Expr): boolean {
    const u = unparen(e);
    if (u.kind === "StringLit") return true;
    if (u.kind === "ListLit") return u.items.every((i) => unparen(i).kind === "StringLit");
    if (u.kind === "NameRef") {
      const b = this.out.names.get(u);
      return b?.kind === "let" && this.constantStrings(b.decl.value);
    }
    return false;
  }

  private quantifier(e: A.QuantifierExpr, env: Env): Type {
    const c = this.expr(e.collection, env);
    const v = e.variable.name;
    if (
      env.bound.has(v) ||
      this.out.lets.has(v) ||
      this.out.params.has(v) ||
      this.out.lexicons.has(v) ||
      this.factField(v) ||
      v === "as_of"
    ) {
      this.error("check/shadowed-name", e.variable.span, `\`${v}\` already names something here`, {
        help: "choose another name for the bound variable",
      });
    }
    let element: Type = T.error;
    if (c.kind === "list") element = c.element;
    else if (c.kind === "lexicon")
      element = T.string; // a lexicon is a list of words (`$lex.<name>`, docs/ir.md)
    else if (c.kind !== "error") {
      if (c.optional && c.kind !== "absent") this.maybeAbsent(e.collection, c);
      else
        this.error(
          "check/type-mismatch",
          e.collection.span,
          `\`${e.quantifier}\` ranges over a list, found ${showType(c)}`,
        );
    }
    if (c.kind === "list" && c.optional) {
      this.maybeAbsent(e.collection, c);
    }
    const bound = new Map(env.bound);
    bound.set(v, element);
    const inner: Env = { bound, present: env.present };
    const b = this.expr(e.body, inner);
    switch (e.quantifier) {
      case "any":
      case "all":
      case "none":
        this.expectBoolean(e.body, b);
        return T.boolean;
      case "count":
        this.expectBoolean(e.body, b);
        return T.integer;
      case "find":
        this.expectBoolean(e.body, b);
        return optional(element);
      case "filter":
        this.expectBoolean(e.body, b);
        return T.list(element);
      case "map":
        if (b.kind === "fractional-money") {
          this.needsRounding(e.body.span);
          return T.error;
        }
        if (b.kind === "lexicon" || b.kind === "natural-days") {
          this.error("check/type-mismatch", e.body.span, `\`map\` cannot collect ${showType(b)}`);
          return T.error;
        }
        return T.list(b);
      case "sum":
        if (b.kind === "error") return b;
        if (b.optional) return this.maybeAbsent(e.body, b);
        if (b.kind === "fractional-money") {
          this.needsRounding(e.body.span);
          return T.error;
        }
        if (!isNumeric(b)) {
          this.error(
            "check/type-mismatch",
            e.body.span,
            `\`sum\` adds numbers or money, found ${showType(b)}`,
          );
          return T.error;
        }
        return b;
    }
  }

  // ------------------------------------------------------------ narrowing

  /** The environment in which `cond` is known to be `value`. */
  private narrow(env: Env, cond: A.Expr, value: boolean): Env {
    const add = new Set<string>();
    collectPresence(cond, value, add);
    if (add.size === 0) return env;
    return { bound: env.bound, present: new Set([...env.present, ...add]) };
  }

  // ------------------------------------------------------------ types of declarations

  private typeOf(t: A.TypeExpr): Type {
    switch (t.kind) {
      case "NamedType":
        return { kind: t.name };
      case "ListType":
        return T.list(this.typeOf(t.element));
      case "RecordType":
        return { kind: "record", fields: new Map(t.fields.map((f) => [f.name.name, this.typeOf(f.type)])) };
      case "OptionalType":
        return optional(this.typeOf(t.inner));
    }
  }

  private assignable(from: Type, to: Type): boolean {
    if (from.kind === "error" || to.kind === "error") return true;
    if (from.optional && !to.optional) return false;
    if (from.kind === "absent") return !!to.optional;
    if (from.kind === "integer" && isRational(to)) return true;
    if (from.kind === "date" && to.kind === "datetime") return true;
    if (from.kind === "list" && to.kind === "list")
      return from.element.kind === "error" || this.assignable(from.element, to.element);
    if (from.kind === "record" && to.kind === "record") {
      for (const [k, v] of to.fields) {
        const f = from.fields.get(k);
        if (!f ? !v.optional : !this.assignable(f, v)) return false;
      }
      return true;
    }
    return sameType(from, to);
  }

  // ------------------------------------------------------------ reporting

  /** The policy text of an expression, shortened, for messages. */
  private src(e: A.Expr): string {
    const p = pathOf(e);
    if (p) return p;
    const s = this.ctx.text.slice(e.span.start, e.span.end);
    return s.length > 40 ? s.slice(0, 37) + "…" : s || "this value";
  }

  private expectBoolean(e: A.Expr, t: Type): void {
    if (t.kind === "error") return;
    if (t.kind !== "boolean") {
      this.error("check/type-mismatch", e.span, `expected a condition (boolean), found ${showType(t)}`);
    } else if (t.optional) this.maybeAbsent(e, t);
  }

  /** Reports a possibly absent value used where a value is needed; returns `error` so nothing cascades. */
  private maybeAbsent(e: A.Expr, _t: Type): Type {
    const text = this.src(e);
    this.error("check/maybe-absent", e.span, `\`${text}\` may be absent here`, {
      help: `guard it with \`${text} is present and …\` or give a default: \`${text} ?? …\``,
    });
    return T.error;
  }

  private needsRounding(span: A.Span): void {
    this.error("check/needs-rounding", span, "money times a rate may leave a fraction of a fen", {
      help: "say how to round it: `floor(…)`, `ceil(…)`, `round(…)` (half up) or `trunc(…)`",
    });
  }

  private mismatch(span: A.Span, want: Type, got: Type): void {
    this.error("check/type-mismatch", span, `expected ${showType(want)}, found ${showType(got)}`, {
      help: hintFor(want, got),
    });
  }

  private duplicate(span: A.Span, what: string, prev: A.Span): void {
    this.diagnostics.push({
      code: "check/duplicate",
      severity: "error",
      message: `${what} is declared twice`,
      span,
      file: this.ctx.file,
      related: [{ message: "first declared here", span: prev, file: this.ctx.file }],
    });
  }

  private unused(span: A.Span, message: string): void {
    this.warning("check/unused", span, message, { help: "remove it, or use it" });
  }

  private error(code: string, span: A.Span, message: string, extra: DiagnosticExtra = {}): void {
    this.report("error", code, span, message, extra);
  }

  private warning(code: string, span: A.Span, message: string, extra: DiagnosticExtra = {}): void {
    this.report("warning", code, span, message, extra);
  }

  private report(
    severity: Diagnostic["severity"],
    code: string,
    span: A.Span,
    message: string,
    extra: DiagnosticExtra,
  ): void {
    const d: Diagnostic = { code, severity, message, span, file: this.ctx.file };
    if (extra.help) d.help = extra.help;
    if (extra.fix) d.fix = extra.fix;
    this.diagnostics.push(d);
  }
}

// ------------------------------------------------------------ helpers

/** What a diagnostic may carry besides its code, place and message. */
interface DiagnosticExtra {
  help?: string | undefined;
  fix?: DiagnosticFix | undefined;
}

/**
 * The "did you mean" of a misspelt name at `span`: the help text, and the fix that writes
 * `text` (the suggestion as the policy spells it) there.
 */
function didYouMean(suggestion: string, span: A.Span, text = suggestion): DiagnosticExtra {
  return {
    help: `did you mean \`${suggestion}\`?`,
    fix: { title: `change to \`${suggestion}\``, edits: [{ span, text }] },
  };
}

function isComparison(op: A.BinaryOp): boolean {
  return op === "==" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=";
}

/** The type of `l op r` for arithmetic operators, or null when it is not defined. */
function arithmetic(op: A.BinaryOp, l: Type, r: Type): Type | null {
  const num = (t: Type) => t.kind === "integer" || isRational(t);
  switch (op) {
    case "+":
    case "-":
      if (l.kind === "integer" && r.kind === "integer") return T.integer;
      if (num(l) && num(r)) return isRational(l) && l.kind === r.kind ? l : T.decimal;
      if (l.kind === "money" && r.kind === "money") return T.money;
      if (isTime(l) && (r.kind === "duration" || (op === "+" && r.kind === "natural-days")))
        return T.datetime;
      if (op === "+" && l.kind === "duration" && isTime(r)) return T.datetime;
      if (op === "-" && isTime(l) && isTime(r)) return T.duration;
      if (l.kind === "duration" && r.kind === "duration") return T.duration;
      if (op === "+" && l.kind === "string" && r.kind === "string") return T.string;
      return null;
    case "*":
      if (l.kind === "integer" && r.kind === "integer") return T.integer;
      if (num(l) && num(r)) return T.decimal;
      if ((l.kind === "money" && r.kind === "integer") || (l.kind === "integer" && r.kind === "money"))
        return T.money;
      if ((l.kind === "money" && isRational(r)) || (isRational(l) && r.kind === "money"))
        return T.fractionalMoney;
      if ((l.kind === "duration" && r.kind === "integer") || (l.kind === "integer" && r.kind === "duration"))
        return T.duration;
      return null;
    case "/":
      if (num(l) && num(r)) return T.decimal;
      if (l.kind === "money" && num(r)) return T.fractionalMoney;
      if (l.kind === "money" && r.kind === "money") return T.decimal;
      return null;
    default:
      return null;
  }
}

function hintFor(a: Type, b: Type): string | undefined {
  const kinds = new Set([a.kind, b.kind]);
  if (kinds.has("money") && kinds.has("integer"))
    return "write amounts with a unit: `50_000 yuan` or `5 fen`";
  if (kinds.has("money") && (kinds.has("decimal") || kinds.has("percent")))
    return "multiply money by a rate and round it: `floor(amount * 10%)`";
  if (kinds.has("natural-days"))
    return "natural days can only be added to a date or date-time: `notice + 7 natural days`";
  if ((kinds.has("date") || kinds.has("datetime")) && kinds.has("string"))
    return "write dates without quotes: `2022-01-14`";
  return undefined;
}

function unparen(e: A.Expr): A.Expr {
  let u = e;
  while (u.kind === "ParenExpr") u = u.inner;
  return u;
}

function flattenAnd(e: A.Expr): A.Expr[] {
  const u = unparen(e);
  if (u.kind === "BinaryExpr" && u.op === "and") return [...flattenAnd(u.left), ...flattenAnd(u.right)];
  return [u];
}

/** `a.b.c` for a chain of names, or null. */
export function pathOf(e: A.Expr): string | null {
  const u = unparen(e);
  if (u.kind === "NameRef") return u.name;
  if (u.kind === "MemberExpr") {
    const base = pathOf(u.object);
    return base === null ? null : `${base}.${u.property.name}`;
  }
  return null;
}

/** Adds the paths that are present when `cond` evaluates to `value`. */
function collectPresence(cond: A.Expr, value: boolean, out: Set<string>): void {
  const u = unparen(cond);
  if (u.kind === "PresenceExpr") {
    const p = pathOf(u.operand);
    if (p && u.present === value) out.add(p);
    return;
  }
  if (u.kind === "UnaryExpr" && u.op === "not") return collectPresence(u.operand, !value, out);
  if (u.kind === "BinaryExpr" && ((u.op === "and" && value) || (u.op === "or" && !value))) {
    collectPresence(u.left, value, out);
    collectPresence(u.right, value, out);
  }
}

function boundOf(d: A.DateLit | A.DateTimeLit | null): string | null {
  if (!d) return null;
  return d.kind === "DateLit" ? `${d.value}T00:00:00+08:00` : d.value;
}

/** Compares two bounds by instant; `null` stands for -∞ when `nullSign` is -1 and +∞ when 1. */
function cmpBound(a: string | null, b: string | null, nullSign: number): number {
  if (a === null && b === null) return 0;
  if (a === null) return nullSign;
  if (b === null) return -nullSign;
  const x = Date.parse(a.length === 16 ? `${a}:00+08:00` : /[zZ]|[+-]\d\d:\d\d$/.test(a) ? a : `${a}+08:00`);
  const y = Date.parse(b.length === 16 ? `${b}:00+08:00` : /[zZ]|[+-]\d\d:\d\d$/.test(b) ? b : `${b}+08:00`);
  return x < y ? -1 : x > y ? 1 : 0;
}
