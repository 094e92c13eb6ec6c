/**
 * The compiler: translates a checked policy into IR (JSON Logic plus the `n.*` operations of
 * `docs/ir.md`) and records, for every IR node it builds, the policy span it came from.
 *
 * Precondition: `checkPolicy` reported no error for this policy (every expression is typed).
 */
import type * as A from "@norma/lang";
import type {
  IrCitation,
  IrEffect,
  IrEffective,
  IrLetRef,
  IrParam,
  IrRule,
  IrSource,
  Logic,
} from "@norma/runtime";
import type { Binding, CheckedPolicy } from "./check.js";
import { isRational, type Type } from "./types.js";
import { dateToMs, dateTimeToMs } from "./time.js";

/** The IR of one policy, plus a map from the IR nodes built to the spans they came from. */
export interface CompiledPolicy {
  id: string;
  title: string;
  file: string;
  schema: string;
  sources: IrSource[];
  rules: IrRule[];
  params: IrParam[];
  lexicons: Record<string, string[]>;
  /** IR node (object identity) → span in `file`. */
  spans: Map<object, A.Span>;
  /**
   * IR node (object identity) → the `let` it is the value of, where a rule uses that name (a
   * `let` is compiled in place at each use): explanations show the name with its value.
   */
  lets: Map<object, IrLetRef>;
}

const MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** Compiles a checked policy; see the module comment for the precondition. */
export function compilePolicy(checked: CheckedPolicy): CompiledPolicy {
  return new Compiler(checked).run();
}

class Compiler {
  private readonly spans = new Map<object, A.Span>();
  private readonly lets = new Map<object, IrLetRef>();

  constructor(private readonly cp: CheckedPolicy) {}

  run(): CompiledPolicy {
    const ast = this.cp.ast;
    const sources: IrSource[] = [];
    for (const s of this.cp.sources.values()) {
      const title = s.title?.value ?? null;
      if (s.location.kind === "file") {
        sources.push({
          id: s.name.name,
          kind: "file",
          file: s.location.file.value,
          sha256: s.location.sha256.value,
          edited: s.location.edited?.value ?? null,
          title,
        });
      } else {
        sources.push({
          id: s.name.name,
          kind: "url",
          url: s.location.url.value,
          retrieved: s.location.retrieved.value,
          title,
        });
      }
    }
    const params: IrParam[] = [];
    for (const { decl, type } of this.cp.params.values()) {
      params.push({
        name: decl.name.name,
        type: typeName(type),
        versions: decl.versions.map((v) => ({
          effective: this.effective(v.effective),
          value: this.expr(v.value, type),
          citations: v.citations.map((c) => this.citation(c)),
        })),
      });
    }
    const lexicons: Record<string, string[]> = {};
    for (const [name, l] of this.cp.lexicons) lexicons[name] = l.words;
    const rules = ast.declarations
      .filter((d): d is A.RuleDecl => d.kind === "RuleDecl")
      .map((r) => this.rule(r));
    return {
      id: ast.id.text,
      title: ast.title.value,
      file: this.cp.file,
      schema: `${ast.schema.name.name}@${ast.schema.version}`,
      sources,
      rules,
      params,
      lexicons,
      spans: this.spans,
      lets: this.lets,
    };
  }

  private rule(r: A.RuleDecl): IrRule {
    return {
      id: r.id.text,
      title: r.title?.value ?? null,
      policy: this.cp.ast.id.text,
      norms: r.implements.map((n) => n.id),
      citations: r.citations.map((c) => this.citation(c)),
      effective: this.effective(r.effective),
      when: this.expr(r.when),
      effect: this.effect(r.effect),
      exceptions: r.exceptions.map((ex, i) => ({
        id: `${r.id.text}#${ex.name?.name ?? i + 1}`,
        title: ex.title?.value ?? null,
        when: this.expr(ex.when),
        norms: ex.implements.map((n) => n.id),
        citations: ex.citations.map((c) => this.citation(c)),
        effect: ex.effect ? this.effect(ex.effect) : null,
      })),
    };
  }

  private effect(e: A.Effect): IrEffect {
    const valueType = e.value ? this.typeOf(e.value) : null;
    return {
      kind: e.effect,
      label: e.label.kind === "StringLit" ? e.label.value : e.label.name,
      value: e.value ? this.expr(e.value) : null,
      valueType: valueType ? typeName(valueType) : null,
      message: e.message ? this.template(e.message) : null,
    };
  }

  private citation(c: A.Citation): IrCitation {
    return { source: c.source.name, line: c.line, quote: c.quote.value };
  }

  private effective(e: A.Effective | null): IrEffective {
    return { from: e?.from ? timeLiteral(e.from) : null, until: e?.until ? timeLiteral(e.until) : null };
  }

  private typeOf(e: A.Expr): Type {
    const t = this.cp.types.get(e);
    if (!t) throw new Error(`compiler: untyped expression at ${e.span.start} (the checker must run first)`);
    return t;
  }

  private mark<L extends Logic>(logic: L, e: { span: A.Span }): L {
    if (logic !== null && typeof logic === "object" && !this.spans.has(logic)) this.spans.set(logic, e.span);
    return logic;
  }

  private template(t: A.TemplateLit): Logic {
    const parts: Logic[] = t.parts.map((p) =>
      p.kind === "Text"
        ? p.text
        : this.mark({ "n.fmt": [this.expr(p.expr), typeName(this.typeOf(p.expr))] }, p),
    );
    return this.mark({ cat: parts }, t);
  }

  /** Compiles an expression; `expected` is the declared type where the context has one (parameter values). */
  private expr(e: A.Expr, expected?: Type): Logic {
    return this.mark(this.exprInner(e, expected), e);
  }

  private exprInner(e: A.Expr, expected?: Type): Logic {
    switch (e.kind) {
      case "BoolLit":
        return e.value;
      case "IntLit":
        return expected && isRational(expected) ? decimalLogic(e.value, 1) : Number(e.value);
      case "DecimalLit":
        return decimalLogic(e.value, 1);
      case "PercentLit":
        return decimalLogic(e.value, 100);
      case "MoneyLit":
        return Number(e.fen);
      case "DateLit":
      case "DateTimeLit":
        return timeLiteral(e);
      case "DurationLit":
        if (e.unit === "natural_days") return Number(e.amount);
        return Number(e.amount) * MS[e.unit];
      case "StringLit":
        return e.value;
      case "TemplateLit":
        return this.template(e);
      case "ListLit": {
        const element = expected?.kind === "list" ? expected.element : undefined;
        return e.items.map((i) => this.expr(i, element));
      }
      case "RecordLit": {
        const fields = expected?.kind === "record" ? expected.fields : undefined;
        const flat: Logic[] = [];
        for (const f of e.fields) flat.push(f.name.name, this.expr(f.value, fields?.get(f.name.name)));
        return { "n.record": flat };
      }
      case "NameRef":
        return this.name(e);
      case "MemberExpr": {
        const path = this.dataPath(e);
        const read: Logic =
          path !== null ? { var: path } : { "n.get": [this.expr(e.object), e.property.name] };
        return this.timeRead(read, this.typeOf(e));
      }
      case "CallExpr":
        return this.call(e);
      case "UnaryExpr":
        if (e.op === "not") return { "!": [this.expr(e.operand)] };
        return isRational(this.typeOf(e.operand))
          ? { "n.dsub": [0, this.expr(e.operand)] }
          : { "n.neg": [this.expr(e.operand)] };
      case "BinaryExpr":
        return this.binary(e);
      case "TestExpr":
        return this.test(e);
      case "PresenceExpr":
        return { [e.present ? "!==" : "==="]: [this.expr(e.operand), null] };
      case "IfExpr":
        return { if: [this.expr(e.condition), this.expr(e.then, expected), this.expr(e.else, expected)] };
      case "QuantifierExpr":
        return this.quantifier(e);
      case "ParenExpr":
        return this.exprInner(e.inner, expected);
      case "ErrorExpr":
        throw new Error("compiler: an ErrorExpr reached the compiler (the parser reported it)");
    }
  }

  /** Wraps a read of stored data in `n.time` when its type is a date or date-time (stored as text). */
  private timeRead(read: Logic, t: Type): Logic {
    return t.kind === "date" || t.kind === "datetime" ? { "n.time": [read] } : read;
  }

  private binding(e: A.NameRef): Binding {
    const b = this.cp.names.get(e);
    if (!b) throw new Error(`compiler: unresolved name \`${e.name}\``);
    return b;
  }

  /** The `var` path of a name chain over facts or a bound variable, or null. */
  private dataPath(e: A.Expr): string | null {
    let u = e;
    while (u.kind === "ParenExpr") u = u.inner;
    if (u.kind === "NameRef") {
      const b = this.binding(u);
      if (b.kind === "fact") return b.path;
      if (b.kind === "bound") return boundVar(b.name);
      return null;
    }
    if (u.kind === "MemberExpr") {
      const base = this.dataPath(u.object);
      return base === null ? null : `${base}.${u.property.name}`;
    }
    return null;
  }

  private name(e: A.NameRef): Logic {
    const b = this.binding(e);
    switch (b.kind) {
      case "fact":
        return this.timeRead({ var: b.path }, this.typeOf(e));
      case "bound":
        return this.timeRead({ var: boundVar(b.name) }, this.typeOf(e));
      case "let": {
        const logic = this.expr(b.decl.value);
        // A `let` of another `let` is the same node: the name used here wins.
        if (logic !== null && typeof logic === "object")
          this.lets.set(logic, { name: b.decl.name.name, type: typeName(this.typeOf(e)) });
        return logic;
      }
      case "param":
        return { var: `$p.${b.decl.name.name}` };
      case "lexicon":
        return { var: `$lex.${b.decl.name.name}` };
      case "as_of":
        return { var: "$asOf" };
    }
  }

  private call(e: A.CallExpr): Logic {
    const args = e.args;
    const ts = args.map((a) => this.typeOf(a));
    const anyRational = ts.some(isRational);
    switch (e.callee.name) {
      case "min":
      case "max": {
        const xs = args.map((a) => this.expr(a));
        if (!anyRational) return { [e.callee.name]: xs };
        const pick = e.callee.name === "min" ? "<=" : ">=";
        return xs.reduce((acc, x) => ({ if: [{ "n.cmp": [pick, acc, x] }, acc, x] }));
      }
      case "clamp": {
        const [x, lo, hi] = args.map((a) => this.expr(a)) as [Logic, Logic, Logic];
        if (!anyRational) return { max: [lo, { min: [x, hi] }] };
        const lower: Logic = { if: [{ "n.cmp": ["<=", x, hi] }, x, hi] };
        return { if: [{ "n.cmp": [">=", lower, lo] }, lower, lo] };
      }
      case "abs": {
        const x = this.expr(args[0]!);
        return isRational(ts[0]!)
          ? { if: [{ "n.cmp": ["<", x, 0] }, { "n.dsub": [0, x] }, x] }
          : { if: [{ "n.cmp": ["<", x, 0] }, { "n.neg": [x] }, x] };
      }
      case "length":
        return { "n.len": [this.expr(args[0]!)] };
      case "floor":
      case "ceil":
      case "round":
      case "trunc": {
        const mode = e.callee.name === "round" ? "half_up" : e.callee.name;
        const arg = args[0]!;
        let inner = arg;
        while (inner.kind === "ParenExpr") inner = inner.inner;
        if (inner.kind === "BinaryExpr" && inner.op === "*") {
          const l = this.typeOf(inner.left);
          const r = this.typeOf(inner.right);
          if ((l.kind === "money" || l.kind === "integer") && isRational(r)) {
            return { "n.mulr": [this.expr(inner.left), this.expr(inner.right), mode] };
          }
          if (isRational(l) && (r.kind === "money" || r.kind === "integer")) {
            return { "n.mulr": [this.expr(inner.right), this.expr(inner.left), mode] };
          }
        }
        if (ts[0]!.kind === "money" || ts[0]!.kind === "integer") return this.expr(arg);
        return { "n.round": [this.expr(arg), mode] };
      }
      case "lower":
      case "trim":
        return { [`n.${e.callee.name}`]: [this.expr(args[0]!)] };
      case "date_of":
        return { "n.day": [this.expr(args[0]!)] };
      case "month":
        return { "n.month": [this.expr(args[0]!)] };
      case "prev_month":
        return { "n.prev_month": [this.expr(args[0]!)] };
      case "natural_days_between":
        return { "n.natural_days_between": [this.expr(args[0]!), this.expr(args[1]!)] };
    }
    throw new Error(`compiler: unknown builtin \`${e.callee.name}\``);
  }

  private binary(e: A.BinaryExpr): Logic {
    const l = this.typeOf(e.left);
    const r = this.typeOf(e.right);
    const rational = isRational(l) || isRational(r);
    switch (e.op) {
      case "and":
      case "or": {
        const items: Logic[] = [];
        const flatten = (x: A.Expr) => {
          let u = x;
          while (u.kind === "ParenExpr") u = u.inner;
          if (u.kind === "BinaryExpr" && u.op === e.op) {
            flatten(u.left);
            flatten(u.right);
          } else items.push(this.expr(x));
        };
        flatten(e);
        return { [e.op]: items };
      }
      case "??":
        return { "n.coalesce": [this.expr(e.left), this.expr(e.right)] };
      case "==":
      case "!=": {
        if (rational && l.kind !== "absent" && r.kind !== "absent") {
          // absent is never equal to a value: `!=` is the negation of `n.cmp`'s `==` (false on null)
          const eq: Logic = { "n.cmp": ["==", this.expr(e.left), this.expr(e.right)] };
          return e.op === "==" ? eq : { "!": [eq] };
        }
        return { [e.op === "==" ? "===" : "!=="]: [this.expr(e.left), this.expr(e.right)] };
      }
      case "<":
      case "<=":
      case ">":
      case ">=":
        // n.cmp is false when an operand is absent (JSON Logic's `<` would read null as 0)
        return { "n.cmp": [e.op, this.expr(e.left), this.expr(e.right)] };
      case "+":
        if (r.kind === "natural-days")
          return { "n.plus_natural_days": [this.expr(e.left), this.expr(e.right)] };
        if (rational) return { "n.dadd": [this.expr(e.left), this.expr(e.right)] };
        if (l.kind === "string") return { cat: [this.expr(e.left), this.expr(e.right)] };
        return { "n.add": [this.expr(e.left), this.expr(e.right)] };
      case "-":
        if (rational) return { "n.dsub": [this.expr(e.left), this.expr(e.right)] };
        return { "n.sub": [this.expr(e.left), this.expr(e.right)] };
      case "*":
        if (rational) return { "n.dmul": [this.expr(e.left), this.expr(e.right)] };
        return { "n.mul": [this.expr(e.left), this.expr(e.right)] };
      case "/":
        return { "n.ddiv": [this.expr(e.left), this.expr(e.right)] };
    }
  }

  private test(e: A.TestExpr): Logic {
    const left = this.expr(e.left);
    switch (e.op) {
      case "in":
        return this.membership(e, left);
      case "not in":
        return { "!": [this.membership(e, left)] };
      case "matches":
        return { "n.glob": [left, this.patterns(e.right)] };
      case "contains":
        if (this.typeOf(e.left).kind === "list") return { in: [this.expr(e.right), left] };
        return { "n.contains": [left, this.expr(e.right)] };
      case "contains any of":
        return { "n.contains_any": [left, this.expr(e.right)] };
      case "starts with":
        return { "n.starts": [left, this.expr(e.right)] };
      case "ends with":
        return { "n.ends": [left, this.expr(e.right)] };
    }
  }

  /**
   * `x in list`: JSON Logic's `in` (strict equality) unless numbers of two representations meet
   * (a decimal or percent against integers), where membership is exact numeric equality.
   */
  private membership(e: A.TestExpr, left: Logic): Logic {
    const l = this.typeOf(e.left);
    const r = this.typeOf(e.right);
    const element = r.kind === "list" ? r.element : null;
    if (!(isRational(l) || (element !== null && isRational(element))))
      return { in: [left, this.expr(e.right)] };
    // `$$in` cannot clash with a policy's bound names (those are `$name` with a letter first)
    return { some: [{ "n.bind": ["$$in", this.expr(e.right)] }, { "n.cmp": ["==", { var: "$$in" }, left] }] };
  }

  /** The literal glob patterns of a `matches` (the checker guarantees they are constant). */
  private patterns(e: A.Expr): string[] {
    let u = e;
    while (u.kind === "ParenExpr") u = u.inner;
    if (u.kind === "StringLit") return [u.value];
    if (u.kind === "ListLit") return u.items.flatMap((i) => this.patterns(i));
    if (u.kind === "NameRef") {
      const b = this.binding(u);
      if (b.kind === "let") return this.patterns(b.decl.value);
    }
    throw new Error("compiler: non-constant glob patterns reached the compiler");
  }

  private quantifier(e: A.QuantifierExpr): Logic {
    const name = boundVar(e.variable.name);
    const bind = { "n.bind": [name, this.expr(e.collection)] };
    const body = this.expr(e.body);
    switch (e.quantifier) {
      case "any":
        return { some: [bind, body] };
      case "all":
        return { none: [bind, { "!": [body] }] };
      case "none":
        return { none: [bind, body] };
      case "count":
        return { "n.count": [{ filter: [bind, body] }] };
      case "sum":
        return { "n.sum": [{ map: [bind, body] }, isRational(this.typeOf(e.body)) ? "dec" : "int"] };
      case "find":
        return { "n.first": [{ map: [{ filter: [bind, body] }, { var: name }] }] };
      case "filter":
        return { map: [{ filter: [bind, body] }, { var: name }] };
      case "map":
        return { map: [bind, body] };
    }
  }
}

/**
 * The scope key of a bound variable: `$` + its name, except that the names the runtime reserves
 * (`$p`, `$lex`, `$asOf`, docs/ir.md) get a second `$` (`any p in …` binds `$$p`); no identifier
 * starts with `$`, so `$$…` can never collide with another variable.
 */
function boundVar(name: string): string {
  return name === "p" || name === "lex" || name === "asOf" ? `$$${name}` : `$${name}`;
}

/** `{"n.dec": [numerator, denominator]}` for a decimal string divided by `scale`. */
function decimalLogic(value: string, scale: number): Logic {
  const [int, frac = ""] = value.split(".");
  const num = BigInt((int ?? "0") + frac);
  const den = 10n ** BigInt(frac.length) * BigInt(scale);
  return { "n.dec": [num.toString(), den.toString()] };
}

function timeLiteral(e: A.DateLit | A.DateTimeLit): number {
  return e.kind === "DateLit" ? dateToMs(e.value) : dateTimeToMs(e.value);
}

/** The name of a type as the runtime's `n.fmt` and decisions know it. */
export function typeName(t: Type): string {
  switch (t.kind) {
    case "list":
      return "list";
    case "record":
      return "record";
    case "fractional-money":
      return "money";
    default:
      return t.kind;
  }
}
