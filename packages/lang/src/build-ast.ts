/**
 * The CST visitor that builds the typed AST of `ast.ts`, and reports the syntax errors that the
 * grammar accepts on purpose so it can name them precisely (chained comparisons, money finer than
 * a fen, invalid dates, norm ids in expressions, …).
 *
 * Guarantees: never throws on a CST from a recovering parse; missing children become `ErrorExpr`
 * or placeholder nodes with zero-width spans; every span lies inside the text.
 */
import type { CstNode, IToken } from "chevrotain";
import type * as A from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import {
  canonicalDecimal,
  canonicalInteger,
  checkDate,
  checkDateTime,
  decodeString,
  fenToText,
  moneyToFen,
  readDigits,
  stringValue,
  type LiteralProblem,
} from "./literals.js";

type Child = CstNode | IToken;

/**
 * The most operands of one operator chain (`a + b + …`, `a.b.c…`): a longer chain is reported as
 * `parse/too-deep`, because its left-nested tree would be too deep for the phases after parsing.
 */
export const MAX_OPERANDS = 100;

/** Parses the text of one message-template hole (already unescaped) into an expression. */
export type HoleParser = (
  text: string,
  starts: number[],
  ends: number[],
  builder: AstBuilder,
) => A.Expr | null;

function isToken(c: Child | undefined): c is IToken {
  return c !== undefined && (c as IToken).image !== undefined;
}

function isReal(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

const DURATION_UNITS: Record<string, A.DurationUnit> = {
  Days: "days",
  Day: "days",
  Hours: "hours",
  Hour: "hours",
  Minutes: "minutes",
  Minute: "minutes",
  Seconds: "seconds",
  Second: "seconds",
};

const COMPARISON_OPS: Record<string, A.BinaryOp> = {
  EqEq: "==",
  NotEq: "!=",
  Lt: "<",
  LtEq: "<=",
  Gt: ">",
  GtEq: ">=",
};

/** Builds AST nodes from CST nodes, collecting diagnostics. */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  /** The end of the last real token seen: where a missing node is placed. */
  private cursor = 0;

  constructor(
    readonly text: string,
    readonly file: string,
    private readonly parseHole: HoleParser,
  ) {}

  // ---------------------------------------------------------------- helpers

  private report(code: string, span: A.Span, message: string, help?: string): void {
    const d: Diagnostic = { code, severity: "error", message, span: this.clamp(span), file: this.file };
    if (help) d.help = help;
    this.diagnostics.push(d);
  }

  private reportProblem(p: LiteralProblem): void {
    this.report(p.code, { start: p.start, end: p.end }, p.message, p.help);
  }

  private clamp(span: A.Span): A.Span {
    const n = this.text.length;
    const start = Math.max(0, Math.min(n, span.start));
    return { start, end: Math.max(start, Math.min(n, span.end)) };
  }

  private tokenSpan(t: IToken | undefined): A.Span {
    if (!isReal(t)) return { start: this.cursor, end: this.cursor };
    const span = this.clamp({
      start: t.startOffset,
      end: (t.endOffset ?? t.startOffset + t.image.length - 1) + 1,
    });
    this.cursor = Math.max(this.cursor, span.end);
    return span;
  }

  /** The span of a CST node: from its first to its last real token. */
  spanOf(node: CstNode | undefined): A.Span {
    if (!node) return { start: this.cursor, end: this.cursor };
    const loc = node.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset ?? NaN)) {
      const span = this.clamp({ start: loc.startOffset, end: loc.endOffset! + 1 });
      this.cursor = Math.max(this.cursor, span.end);
      return span;
    }
    let start = Infinity;
    let end = -Infinity;
    const visit = (n: CstNode): void => {
      for (const list of Object.values(n.children)) {
        for (const c of list as Child[]) {
          if (isToken(c)) {
            if (isReal(c)) {
              start = Math.min(start, c.startOffset);
              end = Math.max(end, (c.endOffset ?? c.startOffset) + 1);
            }
          } else visit(c);
        }
      }
    };
    visit(node);
    if (start === Infinity) return { start: this.cursor, end: this.cursor };
    const span = this.clamp({ start, end });
    this.cursor = Math.max(this.cursor, span.end);
    return span;
  }

  private join(a: A.Span, b: A.Span): A.Span {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  private tok(node: CstNode | undefined, key: string, index = 0): IToken | undefined {
    const c = node?.children[key]?.[index];
    return isToken(c) ? c : undefined;
  }

  private toks(node: CstNode | undefined, key: string): IToken[] {
    return ((node?.children[key] ?? []) as Child[]).filter(isToken);
  }

  private sub(node: CstNode | undefined, key: string, index = 0): CstNode | undefined {
    const c = node?.children[key]?.[index];
    return c && !isToken(c) ? c : undefined;
  }

  private subs(node: CstNode | undefined, key: string): CstNode[] {
    return ((node?.children[key] ?? []) as Child[]).filter((c): c is CstNode => !isToken(c));
  }

  private identifier(t: IToken | undefined): A.Identifier {
    return { kind: "Identifier", span: this.tokenSpan(t), name: isReal(t) ? t.image : "" };
  }

  private string(t: IToken | undefined): A.StringLit {
    const span = this.tokenSpan(t);
    return { kind: "StringLit", span, value: isReal(t) ? stringValue(t.image) : "" };
  }

  private errorExpr(span?: A.Span): A.ErrorExpr {
    return { kind: "ErrorExpr", span: span ?? { start: this.cursor, end: this.cursor } };
  }

  // ---------------------------------------------------------------- file and declarations

  /** Builds the whole file. */
  policyFile(node: CstNode, comments: A.Comment[]): A.PolicyFile {
    const header = this.sub(node, "policyHeader");
    let id: A.DottedName;
    let title: A.StringLit;
    let schema: A.SchemaRef;
    if (header) {
      id = this.dottedName(this.sub(header, "dottedName"));
      title = this.string(this.tok(header, "title"));
      const name = this.identifier(this.tok(header, "Identifier"));
      const versionToken = this.tok(header, "IntLiteral");
      const version = this.integerValue(versionToken);
      schema = { kind: "SchemaRef", span: this.join(name.span, this.tokenSpan(versionToken)), name, version };
    } else {
      const at = { start: 0, end: 0 };
      id = { kind: "DottedName", span: at, parts: [], text: "" };
      title = { kind: "StringLit", span: at, value: "" };
      schema = { kind: "SchemaRef", span: at, name: { kind: "Identifier", span: at, name: "" }, version: 0 };
    }
    const declarations: A.Declaration[] = [];
    for (const d of this.subs(node, "declaration")) {
      const built = this.declaration(d);
      if (built) declarations.push(built);
    }
    return {
      kind: "PolicyFile",
      span: { start: 0, end: this.text.length },
      id,
      title,
      schema,
      declarations,
      comments,
    };
  }

  private integerValue(t: IToken | undefined): number {
    if (!isReal(t)) return 0;
    const { digits, problem } = readDigits(t.image, t.startOffset);
    if (problem) this.reportProblem(problem);
    const n = Number(digits);
    return Number.isSafeInteger(n) ? n : 0;
  }

  private declaration(node: CstNode): A.Declaration | null {
    const source = this.sub(node, "sourceDecl");
    if (source) return this.sourceDecl(source);
    const lexicon = this.sub(node, "lexiconDecl");
    if (lexicon) return this.lexiconDecl(lexicon);
    const param = this.sub(node, "paramDecl");
    if (param) return this.paramDecl(param);
    const letDecl = this.sub(node, "letDecl");
    if (letDecl) return this.letDecl(letDecl);
    const rule = this.sub(node, "ruleDecl");
    if (rule) return this.ruleDecl(rule);
    return null;
  }

  private sourceDecl(node: CstNode): A.SourceDecl {
    const span = this.spanOf(node);
    const name = this.identifier(this.tok(node, "Identifier"));
    let location: A.SourceDecl["location"];
    if (this.tok(node, "Url")) {
      location = {
        kind: "url",
        url: this.string(this.tok(node, "url")),
        retrieved: this.dateLit(this.tok(node, "retrievedDate")),
      };
    } else {
      const fileName = this.string(this.tok(node, "fileName"));
      const sha256 = this.string(this.tok(node, "hash"));
      const editedToken = this.tok(node, "editedDate");
      location = {
        kind: "file",
        file: fileName,
        sha256,
        edited: editedToken ? this.dateLit(editedToken) : null,
      };
    }
    const titleToken = this.tok(node, "title");
    return { kind: "SourceDecl", span, name, location, title: titleToken ? this.string(titleToken) : null };
  }

  private lexiconDecl(node: CstNode): A.LexiconDecl {
    const span = this.spanOf(node);
    return {
      kind: "LexiconDecl",
      span,
      name: this.identifier(this.tok(node, "Identifier")),
      path: this.string(this.tok(node, "StringToken")),
    };
  }

  private paramDecl(node: CstNode): A.ParamDecl {
    const span = this.spanOf(node);
    const name = this.identifier(this.tok(node, "Identifier"));
    const type = this.typeExpr(this.sub(node, "typeExpr"));
    const versions = this.subs(node, "paramVersion").map((v) => this.paramVersion(v));
    return { kind: "ParamDecl", span, name, type, versions };
  }

  private paramVersion(node: CstNode): A.ParamVersion {
    const span = this.spanOf(node);
    const value = this.expression(this.sub(node, "expression"));
    const eff = this.sub(node, "effective");
    const effective = eff ? this.effective(eff) : null;
    const citations = this.subs(node, "citation").map((c) => this.citation(c));
    return { kind: "ParamVersion", span, value, effective, citations };
  }

  private letDecl(node: CstNode): A.LetDecl {
    const span = this.spanOf(node);
    const name = this.identifier(this.tok(node, "Identifier"));
    const typeNode = this.sub(node, "typeExpr");
    const type = typeNode ? this.typeExpr(typeNode) : null;
    const value = this.expression(this.sub(node, "expression"));
    return { kind: "LetDecl", span, name, type, value };
  }

  private ruleDecl(node: CstNode): A.RuleDecl {
    const span = this.spanOf(node);
    const id = this.dottedName(this.sub(node, "dottedName"));
    const titleToken = this.tok(node, "title");
    const title = titleToken ? this.string(titleToken) : null;
    const implementsList = this.subs(node, "implementsClause").flatMap((c) => this.implementsClause(c));
    const citations = this.subs(node, "citation").map((c) => this.citation(c));
    const effectives = this.subs(node, "effective").map((e) => this.effective(e));
    for (const extra of effectives.slice(1)) {
      this.report(
        "parse/duplicate-effective",
        extra.span,
        "a rule has at most one `effective` clause",
        "merge them into one: `effective from <date> until <date>`",
      );
    }
    const when = this.expression(this.sub(node, "expression"));
    const effect = this.effect(this.sub(node, "effect"));
    const exceptions = this.subs(node, "exceptionClause").map((e) => this.exceptionClause(e));
    return {
      kind: "RuleDecl",
      span,
      id,
      title,
      implements: implementsList,
      citations,
      effective: effectives[0] ?? null,
      when,
      effect,
      exceptions,
    };
  }

  private implementsClause(node: CstNode): A.NormRef[] {
    return this.toks(node, "NormId")
      .filter(isReal)
      .map((t) => ({ kind: "NormRef", span: this.tokenSpan(t), id: t.image }));
  }

  private exceptionClause(node: CstNode): A.ExceptionClause {
    const span = this.spanOf(node);
    const nameToken = this.tok(node, "Identifier");
    const titleToken = this.tok(node, "title");
    const name = isReal(nameToken) ? this.identifier(nameToken) : null;
    const title = titleToken ? this.string(titleToken) : null;
    const when = this.expression(this.sub(node, "expression"));
    const implementsList = this.subs(node, "implementsClause").flatMap((c) => this.implementsClause(c));
    const citations = this.subs(node, "citation").map((c) => this.citation(c));
    const effectNode = this.sub(node, "effect");
    const effect = effectNode ? this.effect(effectNode) : null;
    return {
      kind: "ExceptionClause",
      span,
      name,
      title,
      when,
      implements: implementsList,
      citations,
      effect,
    };
  }

  private effective(node: CstNode): A.Effective {
    const span = this.spanOf(node);
    const fromNode = this.sub(node, "from");
    const untilNode = this.sub(node, "until");
    return {
      kind: "Effective",
      span,
      from: fromNode ? this.instant(fromNode) : null,
      until: untilNode ? this.instant(untilNode) : null,
    };
  }

  private instant(node: CstNode): A.DateLit | A.DateTimeLit {
    const dt = this.tok(node, "DateTimeLiteral");
    if (dt) return this.dateTimeLit(dt);
    return this.dateLit(this.tok(node, "DateLiteral"));
  }

  private citation(node: CstNode): A.Citation {
    const span = this.spanOf(node);
    const source = this.identifier(this.tok(node, "Identifier"));
    const lineToken = this.tok(node, "IntLiteral");
    const lineSpan = this.tokenSpan(lineToken);
    let line = 0;
    if (isReal(lineToken)) {
      const { digits, problem } = readDigits(lineToken.image, lineToken.startOffset);
      if (problem) this.reportProblem(problem);
      line = Number(digits);
      if (!Number.isSafeInteger(line) || line < 1) {
        this.report(
          "parse/invalid-citation-line",
          lineSpan,
          `\`${lineToken.image}\` is not a line number`,
          "lines are counted from 1, as `grep -n` counts them",
        );
        line = 0;
      }
    }
    const quote = this.string(this.tok(node, "StringToken"));
    return { kind: "Citation", span, source, line, lineSpan, quote };
  }

  private effect(node: CstNode | undefined): A.Effect {
    const span = this.spanOf(node);
    const verb = this.tok(node, "verb");
    const effect = (isReal(verb) ? verb.image : "reject") as A.EffectKind;
    let label: A.StringLit | A.Identifier;
    let value: A.Expr | null = null;
    if (effect === "assess") {
      label = this.identifier(this.tok(node, "Identifier"));
      value = this.expression(this.sub(node, "expression"));
    } else {
      label = this.string(this.tok(node, "label"));
    }
    const messageToken = this.tok(node, "message");
    const message = messageToken ? this.template(messageToken) : null;
    return { kind: "Effect", span, effect, label, value, message };
  }

  private dottedName(node: CstNode | undefined): A.DottedName {
    const span = this.spanOf(node);
    const parts = [
      this.identifier(this.tok(node, "Identifier")),
      ...this.toks(node, "AnyName").map((t) => this.identifier(t)),
    ];
    return { kind: "DottedName", span, parts, text: parts.map((p) => p.name).join(".") };
  }

  // ---------------------------------------------------------------- types

  private typeExpr(node: CstNode | undefined): A.TypeExpr {
    const span = this.spanOf(node);
    let type: A.TypeExpr;
    const list = this.tok(node, "List");
    const brace = this.tok(node, "LBrace");
    if (list) {
      type = { kind: "ListType", span, element: this.typeExpr(this.sub(node, "typeExpr")) };
    } else if (brace) {
      const fields = this.subs(node, "typeField").map((f) => ({
        name: this.identifier(this.tok(f, "AnyName")),
        type: this.typeExpr(this.sub(f, "typeExpr")),
      }));
      type = { kind: "RecordType", span, fields };
    } else {
      const names = [
        "Boolean",
        "Integer",
        "Decimal",
        "Percent",
        "Money",
        "Date",
        "Datetime",
        "Duration",
        "String",
      ] as const;
      const found = names.find((n) => this.tok(node, n));
      const name = (found ? found.toLowerCase() : "string") as A.PrimitiveTypeName;
      type = { kind: "NamedType", span, name };
    }
    const question = this.tok(node, "Question");
    if (isReal(question)) {
      let end = question.startOffset;
      while (end > span.start && /\s/.test(this.text[end - 1]!)) end--;
      const inner = { ...type, span: { start: span.start, end } };
      return { kind: "OptionalType", span, inner };
    }
    return type;
  }

  // ---------------------------------------------------------------- expressions

  /** Builds an `expression` CST node (an `ErrorExpr` when missing). */
  expression(node: CstNode | undefined): A.Expr {
    if (!node) return this.errorExpr();
    return this.orExpr(this.sub(node, "orExpr"));
  }

  private fold(
    node: CstNode | undefined,
    operandKey: string,
    operand: (n: CstNode | undefined) => A.Expr,
    op: (t: IToken) => A.BinaryOp,
    operatorKey: string,
  ): A.Expr {
    const operands = this.subs(node, operandKey);
    const operators = this.toks(node, operatorKey);
    if (operands.length > MAX_OPERANDS) return this.tooManyOperands(node, "operands");
    let left = operand(operands[0]);
    for (let i = 1; i < operands.length; i++) {
      const right = operand(operands[i]);
      const operator = operators[i - 1];
      const o = operator ? op(operator) : "and";
      this.checkOperand(left);
      this.checkOperand(right);
      left = { kind: "BinaryExpr", span: this.join(left.span, right.span), op: o, left, right };
    }
    return left;
  }

  /**
   * Reports a chain too long to build as a tree (its depth would overflow the stack of every
   * phase after parsing) and stands an `ErrorExpr` in its place.
   */
  private tooManyOperands(node: CstNode | undefined, what: string): A.ErrorExpr {
    const span = this.spanOf(node);
    this.report(
      "parse/too-deep",
      { start: span.start, end: Math.min(span.end, span.start + 1) },
      `this expression has more than ${MAX_OPERANDS} ${what} in a row`,
      "split it into parts with `let` declarations",
    );
    return this.errorExpr(span);
  }

  /** Reports an `if` or quantifier that stands as an operand without parentheses. */
  private checkOperand(e: A.Expr): void {
    if (e.kind === "QuantifierExpr") {
      this.report(
        "parse/needs-parentheses",
        e.span,
        `\`${e.quantifier} ${e.variable.name} in …\` needs parentheses when it is an operand`,
        `write \`(${e.quantifier} ${e.variable.name} in …: …)\`; unparenthesized, its body runs to the end of the expression`,
      );
    } else if (e.kind === "IfExpr") {
      this.report(
        "parse/needs-parentheses",
        e.span,
        "`if … then … else …` needs parentheses when it is an operand",
        "write `(if … then … else …)`; unparenthesized, its `else` branch runs to the end of the expression",
      );
    }
  }

  private orExpr(node: CstNode | undefined): A.Expr {
    return this.fold(
      node,
      "andExpr",
      (n) => this.andExpr(n),
      () => "or",
      "Or",
    );
  }

  private andExpr(node: CstNode | undefined): A.Expr {
    return this.fold(
      node,
      "notExpr",
      (n) => this.notExpr(n),
      () => "and",
      "And",
    );
  }

  private notExpr(node: CstNode | undefined): A.Expr {
    const not = this.tok(node, "Not");
    if (not) {
      const notSpan = this.tokenSpan(not);
      const operand = this.notExpr(this.sub(node, "notExpr"));
      this.checkOperand(operand);
      return { kind: "UnaryExpr", span: this.join(notSpan, operand.span), op: "not", operand };
    }
    return this.testExpr(this.sub(node, "testExpr"));
  }

  private testExpr(node: CstNode | undefined): A.Expr {
    const tails = this.subs(node, "testTail");
    if (tails.length > MAX_OPERANDS) return this.tooManyOperands(node, "comparisons");
    let left = this.coalesceExpr(this.sub(node, "coalesceExpr"));
    let previous: { op: string; left: A.Expr; right: A.Expr | null } | null = null;
    let reported = false;
    for (const tail of tails) {
      const built = this.testTail(tail, left);
      // a recovered tail already has a syntax error that explains it
      if (previous && !reported && !tail.recoveredNode && !tails[0]!.recoveredNode) {
        reported = true;
        const here = this.spanOf(tail);
        const opText = built.opText;
        const help = this.chainHelp(previous, opText, built.right);
        this.report(
          "parse/chained-comparison",
          { start: here.start, end: here.start + opText.length },
          `comparisons cannot be chained: \`${previous.op}\` is followed by \`${opText}\``,
          help,
        );
      }
      previous = { op: built.opText, left, right: built.right };
      left = built.expr;
    }
    return left;
  }

  private chainHelp(
    previous: { op: string; left: A.Expr; right: A.Expr | null },
    op: string,
    right: A.Expr | null,
  ): string {
    const slice = (e: A.Expr | null): string | null => {
      if (!e || e.kind === "ErrorExpr") return null;
      const s = this.text.slice(e.span.start, e.span.end);
      return s.length > 0 && s.length <= 30 && !/[\r\n]/.test(s) ? s : null;
    };
    const a = slice(previous.left);
    const b = slice(previous.right);
    const c = slice(right);
    const ordering = ["<", "<=", ">", ">="];
    if (a && b && c && ordering.includes(previous.op) && ordering.includes(op))
      return `write \`${a} ${previous.op} ${b} and ${b} ${op} ${c}\``;
    return "put parentheses around the comparison that comes first, or join two comparisons with `and`";
  }

  private testTail(node: CstNode, left: A.Expr): { expr: A.Expr; opText: string; right: A.Expr | null } {
    this.checkOperand(left);
    const operator = this.tok(node, "operator");
    const operands = this.subs(node, "coalesceExpr");
    const is = this.tok(node, "Is");
    if (is) {
      const present = this.tok(node, "Present") !== undefined;
      const end = this.spanOf(node).end;
      return {
        expr: {
          kind: "PresenceExpr",
          span: { start: left.span.start, end: Math.max(left.span.start, end) },
          operand: left,
          present,
        },
        opText: present ? "is present" : "is absent",
        right: null,
      };
    }
    const right = this.coalesceExpr(operands[0]);
    this.checkOperand(right);
    const span = this.join(left.span, right.span);
    if (operator) {
      const op = COMPARISON_OPS[operator.tokenType.name] ?? "==";
      return { expr: { kind: "BinaryExpr", span, op, left, right }, opText: op, right };
    }
    let op: A.TestOp;
    if (this.tok(node, "Not")) op = "not in";
    else if (this.tok(node, "In")) op = "in";
    else if (this.tok(node, "Matches")) op = "matches";
    else if (this.tok(node, "Contains")) op = this.tok(node, "Any") ? "contains any of" : "contains";
    else if (this.tok(node, "Starts")) op = "starts with";
    else op = "ends with";
    return { expr: { kind: "TestExpr", span, op, left, right }, opText: op, right };
  }

  private coalesceExpr(node: CstNode | undefined): A.Expr {
    return this.fold(
      node,
      "additiveExpr",
      (n) => this.additiveExpr(n),
      () => "??",
      "QuestionQuestion",
    );
  }

  private additiveExpr(node: CstNode | undefined): A.Expr {
    return this.fold(
      node,
      "multiplicativeExpr",
      (n) => this.multiplicativeExpr(n),
      (t) => (t.image === "-" ? "-" : "+"),
      "operator",
    );
  }

  private multiplicativeExpr(node: CstNode | undefined): A.Expr {
    return this.fold(
      node,
      "unaryExpr",
      (n) => this.unaryExpr(n),
      (t) => (t.image === "/" ? "/" : "*"),
      "operator",
    );
  }

  private unaryExpr(node: CstNode | undefined): A.Expr {
    const minus = this.tok(node, "Minus");
    if (minus) {
      const minusSpan = this.tokenSpan(minus);
      const operand = this.unaryExpr(this.sub(node, "unaryExpr"));
      this.checkOperand(operand);
      return { kind: "UnaryExpr", span: this.join(minusSpan, operand.span), op: "-", operand };
    }
    return this.postfixExpr(this.sub(node, "postfixExpr"));
  }

  private postfixExpr(node: CstNode | undefined): A.Expr {
    const names = this.toks(node, "AnyName");
    if (names.length > MAX_OPERANDS) return this.tooManyOperands(node, "member accesses");
    let object = this.primary(this.sub(node, "primary"));
    for (const name of names) {
      this.checkOperand(object);
      const property = this.identifier(name);
      object = { kind: "MemberExpr", span: this.join(object.span, property.span), object, property };
    }
    return object;
  }

  private primary(node: CstNode | undefined): A.Expr {
    if (!node) return this.errorExpr();
    const children = node.children;
    const span = (): A.Span => this.spanOf(node);
    if (children["numberLiteral"]) return this.numberLiteral(this.sub(node, "numberLiteral")!);
    const percent = this.tok(node, "PercentLiteral");
    if (percent) return this.percentLit(percent);
    const dateTime = this.tok(node, "DateTimeLiteral");
    if (dateTime) return this.dateTimeLit(dateTime);
    const date = this.tok(node, "DateLiteral");
    if (date) return this.dateLit(date);
    const str = this.tok(node, "StringToken");
    if (str) return this.string(str);
    if (children["True"]) return { kind: "BoolLit", span: span(), value: true };
    if (children["False"]) return { kind: "BoolLit", span: span(), value: false };
    const nameOrCall = this.sub(node, "nameOrCall");
    if (nameOrCall) return this.nameOrCall(nameOrCall);
    const paren = this.sub(node, "parenExpr");
    if (paren) {
      const s = this.spanOf(paren);
      return { kind: "ParenExpr", span: s, inner: this.expression(this.sub(paren, "expression")) };
    }
    const list = this.sub(node, "listLiteral");
    if (list) {
      const s = this.spanOf(list);
      return {
        kind: "ListLit",
        span: s,
        items: this.subs(list, "expression").map((e) => this.expression(e)),
      };
    }
    const record = this.sub(node, "recordLiteral");
    if (record) {
      const s = this.spanOf(record);
      const fields = this.subs(record, "recordField").map((f) => ({
        name: this.identifier(this.tok(f, "AnyName")),
        value: this.expression(this.sub(f, "expression")),
      }));
      return { kind: "RecordLit", span: s, fields };
    }
    const quantified = this.sub(node, "quantified");
    if (quantified) return this.quantified(quantified);
    const conditional = this.sub(node, "conditional");
    if (conditional) {
      const s = this.spanOf(conditional);
      return {
        kind: "IfExpr",
        span: s,
        condition: this.expression(this.sub(conditional, "condition")),
        then: this.expression(this.sub(conditional, "then")),
        else: this.expression(this.sub(conditional, "else")),
      };
    }
    const norm = this.tok(node, "NormId");
    if (norm) {
      const s = this.tokenSpan(norm);
      const [letters, digits] = norm.image.split("-");
      this.report(
        "parse/norm-id-in-expression",
        s,
        `the norm id \`${norm.image}\` cannot be used as a value`,
        `norm ids belong after \`implements\`; to subtract, put spaces around \`-\`: \`${letters} - ${digits}\``,
      );
      return this.errorExpr(s);
    }
    return this.errorExpr(span());
  }

  private nameOrCall(node: CstNode): A.Expr {
    const span = this.spanOf(node);
    const id = this.identifier(this.tok(node, "Identifier"));
    if (this.tok(node, "LParen")) {
      const args = this.subs(node, "expression").map((e) => this.expression(e));
      return { kind: "CallExpr", span, callee: id, args };
    }
    return { kind: "NameRef", span: id.span, name: id.name };
  }

  private quantified(node: CstNode): A.QuantifierExpr {
    const span = this.spanOf(node);
    const q = this.tok(node, "quantifier");
    const quantifier = (isReal(q) ? q.image : "any") as A.Quantifier;
    const variable = this.identifier(this.tok(node, "Identifier"));
    const collection = this.orExpr(this.sub(node, "collection"));
    this.checkOperand(collection);
    const body = this.expression(this.sub(node, "body"));
    return { kind: "QuantifierExpr", span, quantifier, variable, collection, body };
  }

  // ---------------------------------------------------------------- literals

  private numberLiteral(node: CstNode): A.Expr {
    const span = this.spanOf(node);
    const numberToken = this.tok(node, "IntLiteral") ?? this.tok(node, "DecimalLiteral");
    if (!isReal(numberToken)) return this.errorExpr(span);
    const isDecimal = numberToken.tokenType.name === "DecimalLiteral";
    const text = numberToken.image;
    const { digits, problem } = readDigits(text, numberToken.startOffset);
    if (problem) this.reportProblem(problem);
    const unitNode = this.sub(node, "unit");
    if (!unitNode) {
      if (isDecimal) {
        const value = canonicalDecimal(digits);
        return withRaw<A.DecimalLit>({ kind: "DecimalLit", span, value }, text, value);
      }
      const value = canonicalInteger(digits);
      return withRaw<A.IntLit>({ kind: "IntLit", span, value }, text, value);
    }
    const unitChildren = Object.keys(unitNode.children);
    if (unitChildren.includes("Yuan") || unitChildren.includes("Fen")) {
      const unit = unitChildren.includes("Yuan") ? "yuan" : "fen";
      const fen = moneyToFen(digits, unit);
      if (fen === null) {
        this.report(
          "parse/money-precision",
          span,
          unit === "yuan"
            ? `\`${text} yuan\` is finer than a fen: money has at most 2 decimals of yuan`
            : `\`${text} fen\` is not a whole number of fen`,
          unit === "yuan"
            ? "round it to the fen, e.g. `0.01 yuan`"
            : "a fen is the smallest amount; write a whole number",
        );
        return { kind: "MoneyLit", span, fen: "0", unit };
      }
      return withRaw<A.MoneyLit>({ kind: "MoneyLit", span, fen, unit }, text, fenToText(fen, unit));
    }
    const unit: A.DurationUnit = unitChildren.includes("Natural")
      ? "natural_days"
      : (DURATION_UNITS[unitChildren.find((k) => DURATION_UNITS[k]) ?? "Days"] ?? "days");
    if (isDecimal) {
      this.report(
        "parse/invalid-duration",
        span,
        `a duration is a whole number of units, not \`${text}\``,
        unit === "natural_days"
          ? "natural days are counted whole"
          : "use a smaller unit, e.g. `90 minutes` for 1.5 hours",
      );
      return { kind: "DurationLit", span, amount: "0", unit };
    }
    const amount = canonicalInteger(digits);
    return withRaw<A.DurationLit>({ kind: "DurationLit", span, amount, unit }, text, amount);
  }

  private percentLit(t: IToken): A.PercentLit {
    const span = this.tokenSpan(t);
    const text = t.image.slice(0, -1);
    const { digits, problem } = readDigits(text, t.startOffset);
    if (problem) this.reportProblem(problem);
    const value = canonicalDecimal(digits);
    return withRaw<A.PercentLit>({ kind: "PercentLit", span, value }, text, value);
  }

  private dateLit(t: IToken | undefined): A.DateLit {
    const span = this.tokenSpan(t);
    if (!isReal(t)) return { kind: "DateLit", span, value: "" };
    const problem = checkDate(t.image);
    if (problem)
      this.report("parse/invalid-date", span, problem, "dates are written `YYYY-MM-DD`, e.g. `2022-01-14`");
    return { kind: "DateLit", span, value: t.image };
  }

  private dateTimeLit(t: IToken): A.DateTimeLit {
    const span = this.tokenSpan(t);
    const { offset, problem } = checkDateTime(t.image);
    if (problem)
      this.report(
        "parse/invalid-date",
        span,
        problem,
        "date-times are written `YYYY-MM-DDThh:mm[:ss][Z|±hh:mm]`, e.g. `2022-03-01T23:50:00+08:00`",
      );
    return { kind: "DateTimeLit", span, value: t.image, offset };
  }

  // ---------------------------------------------------------------- message templates

  /** Builds a message template from a string token: `{expr}` holes, `{{`/`}}` literal braces. */
  template(t: IToken): A.TemplateLit {
    const span = this.tokenSpan(t);
    if (!isReal(t)) return { kind: "TemplateLit", span, parts: [] };
    const decoded = decodeString(t.image, t.startOffset);
    const { value, starts, ends, escaped } = decoded;
    const parts: A.TemplateLit["parts"] = [];
    let text = "";
    let textStart = -1;
    const flush = (end: number): void => {
      if (text.length > 0) parts.push({ kind: "Text", span: { start: textStart, end }, text });
      text = "";
      textStart = -1;
    };
    const addText = (s: string, i: number): void => {
      if (textStart < 0) textStart = starts[i]!;
      text += s;
    };
    const n = value.length;
    let i = 0;
    while (i < n) {
      const c = value[i]!;
      const literal = escaped[i];
      if (c === "{" && !literal) {
        if (value[i + 1] === "{" && !escaped[i + 1]) {
          addText("{", i);
          i += 2;
          continue;
        }
        const close = findHoleEnd(value, i + 1);
        if (close < 0) {
          this.report(
            "parse/invalid-template",
            { start: starts[i]!, end: ends[n - 1]! },
            "this `{` opens a message hole that is never closed",
            "close the hole with `}`, or write `{{` for a literal brace",
          );
          addText(value.slice(i), i);
          break;
        }
        flush(starts[i]!);
        const holeSpan = { start: starts[i]!, end: ends[close]! };
        const holeText = value.slice(i + 1, close);
        if (holeText.trim() === "") {
          this.report(
            "parse/invalid-template",
            holeSpan,
            "empty `{}` in a message template",
            "put an expression in the hole, such as `{app.name}`, or write `{{}}` for literal braces",
          );
        } else {
          const expr = this.parseHole(
            holeText,
            starts.slice(i + 1, close + 1),
            ends.slice(i + 1, close + 1),
            this,
          );
          if (expr) parts.push({ kind: "Hole", span: holeSpan, expr });
        }
        i = close + 1;
        continue;
      }
      if (c === "}" && !literal) {
        if (value[i + 1] === "}" && !escaped[i + 1]) {
          addText("}", i);
          i += 2;
          continue;
        }
        this.report(
          "parse/invalid-template",
          { start: starts[i]!, end: ends[i]! },
          "unmatched `}` in a message template",
          "write `}}` for a literal brace",
        );
      }
      addText(c, i);
      i++;
    }
    flush(starts[n]!);
    return { kind: "TemplateLit", span, parts };
  }
}

/** The index of the `}` closing the hole whose body starts at `from`, or -1. */
function findHoleEnd(value: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let j = from; j < value.length; j++) {
    const ch = value[j];
    if (inString) {
      if (ch === "\\") j++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}") {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

function withRaw<N extends { raw?: string }>(node: N, text: string, canonical: string): N {
  if (text !== canonical) node.raw = text;
  return node;
}
