/**
 * The Norma formatter: AST (+ comments) → canonical text.
 *
 * Layout: the header, then each declaration separated by one blank line; clauses indented by two
 * spaces (an exception's clauses by four); a rule's clauses in the order implements, cite,
 * effective, when, then, except. Expressions are laid out in `PRINT_WIDTH` columns: a long
 * `and`/`or` chain breaks one operand per line with the operator leading. Literals keep the
 * author's spelling (`20_000`) when the AST records it (`raw`).
 *
 * Comments: each comment is attached to a clause — as a trailing comment when it follows the
 * clause on the clause's last line, otherwise as a leading comment of the next clause (a comment
 * inside a clause moves before that clause). So printing is idempotent and loses no comment.
 *
 * Guarantee: for an AST produced by `parsePolicy` without errors, `parsePolicy(printPolicy(ast))`
 * yields the same AST apart from spans.
 */
import type * as A from "./ast.js";
import { hasErrors, type Result } from "./diagnostics.js";
import { group, ifBreak, indent, join, line, renderDoc, softline, type Doc } from "./doc.js";
import { fenToText, quoteString, escapeString } from "./literals.js";
import { parsePolicy } from "./parse-policy.js";

/** The line width the formatter aims for (display columns; a Chinese character counts 2). */
export const PRINT_WIDTH = 80;

/** One printed line group: a clause at an indentation, with the source span comments attach to. */
interface Clause {
  indent: number;
  doc: Doc;
  span: A.Span;
  /** True for the first clause of a declaration (or the header): a blank line goes before it. */
  opensDeclaration: boolean;
  leading: A.Comment[];
  /** For each leading comment, whether a blank line followed it in the source. */
  blankAfter: boolean[];
  trailing: A.Comment | null;
}

function clause(indentBy: number, doc: Doc, span: A.Span, opensDeclaration = false): Clause {
  return { indent: indentBy, doc, span, opensDeclaration, leading: [], blankAfter: [], trailing: null };
}

/**
 * Prints a policy file in canonical layout with its comments. `comments` are usually
 * `ast.comments`; each is printed exactly once.
 */
export function printPolicy(ast: A.PolicyFile, comments: readonly A.Comment[], sourceText?: string): string {
  const clauses: Clause[] = [];
  clauses.push(
    clause(
      0,
      [
        "policy ",
        dotted(ast.id),
        " ",
        quoteString(ast.title.value),
        " reads ",
        ast.schema.name.name,
        "@",
        String(ast.schema.version),
      ],
      { start: ast.id.span.start, end: Math.max(ast.id.span.start, ast.schema.span.end) },
      true,
    ),
  );
  for (const d of ast.declarations) clauses.push(...declarationClauses(d));
  const trailingFile = attachComments(clauses, comments, sourceText);
  return renderClauses(clauses, trailingFile);
}

// ---------------------------------------------------------------- comments

function attachComments(
  clauses: Clause[],
  comments: readonly A.Comment[],
  text: string | undefined,
): A.Comment[] {
  const ordered = clauses
    .filter((c) => c.span.end >= c.span.start)
    .sort((a, b) => a.span.start - b.span.start);
  const trailingFile: A.Comment[] = [];
  for (const comment of comments) {
    const inside = ordered.find((c) => c.span.start < comment.span.start && comment.span.start < c.span.end);
    if (inside) {
      pushLeading(inside, comment, text);
      continue;
    }
    let before: Clause | undefined;
    for (const c of ordered)
      if (c.span.end <= comment.span.start && (!before || c.span.end >= before.span.end)) before = c;
    if (
      before &&
      text !== undefined &&
      !/[\r\n]/.test(text.slice(before.span.end, comment.span.start)) &&
      !before.trailing
    ) {
      before.trailing = comment;
      continue;
    }
    const after = ordered.find((c) => c.span.start >= comment.span.end);
    if (after) pushLeading(after, comment, text);
    else trailingFile.push(comment);
  }
  return trailingFile;
}

function pushLeading(c: Clause, comment: A.Comment, text: string | undefined): void {
  c.leading.push(comment);
  let blank = false;
  if (text !== undefined && c.opensDeclaration) {
    const rest = text.slice(comment.span.end, comment.span.end + 400);
    blank = /^[ \t]*(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)/.test(rest);
  }
  c.blankAfter.push(blank);
}

function renderClauses(clauses: Clause[], trailingFile: A.Comment[]): string {
  const out: string[] = [];
  clauses.forEach((c, index) => {
    if (c.opensDeclaration && index > 0) out.push("");
    const pad = " ".repeat(c.indent);
    c.leading.forEach((comment, i) => {
      out.push(`${pad}#${comment.text}`);
      if (c.blankAfter[i]) out.push("");
    });
    const lines = renderDoc(c.doc, PRINT_WIDTH, c.indent);
    lines[0] = pad + lines[0];
    if (c.trailing) lines[lines.length - 1] += `  #${c.trailing.text}`;
    out.push(...lines);
  });
  if (trailingFile.length > 0) {
    out.push("");
    for (const comment of trailingFile) out.push(`#${comment.text}`);
  }
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------- declarations

function declarationClauses(d: A.Declaration): Clause[] {
  switch (d.kind) {
    case "SourceDecl":
      return sourceClauses(d);
    case "LexiconDecl":
      return [clause(0, ["lexicon ", d.name.name, " from ", str(d.path)], d.span, true)];
    case "LetDecl":
      return [
        clause(
          0,
          ["let ", d.name.name, d.type ? [": ", typeDoc(d.type)] : "", " = ", expr(d.value, 0)],
          d.span,
          true,
        ),
      ];
    case "ParamDecl":
      return paramClauses(d);
    case "RuleDecl":
      return ruleClauses(d);
  }
}

function sourceClauses(d: A.SourceDecl): Clause[] {
  const loc = d.location;
  const title: Doc[] = d.title ? [str(d.title)] : [];
  if (loc.kind === "file") {
    const details: Doc[] = [
      ["sha256 ", str(loc.sha256)],
      ...(loc.edited ? [["edited ", loc.edited.value]] : []),
      ...title,
    ];
    return [
      clause(
        0,
        ["source ", d.name.name, " file ", str(loc.file)],
        { start: d.span.start, end: loc.file.span.end },
        true,
      ),
      clause(2, group(join(line, details)), { start: loc.sha256.span.start, end: d.span.end }),
    ];
  }
  const details: Doc[] = [["retrieved ", loc.retrieved.value], ...title];
  return [
    clause(
      0,
      ["source ", d.name.name, " url ", str(loc.url)],
      { start: d.span.start, end: loc.url.span.end },
      true,
    ),
    clause(2, group(join(line, details)), { start: loc.retrieved.span.start, end: d.span.end }),
  ];
}

function paramClauses(d: A.ParamDecl): Clause[] {
  const out = [
    clause(
      0,
      ["param ", d.name.name, ": ", typeDoc(d.type)],
      { start: d.span.start, end: d.type.span.end },
      true,
    ),
  ];
  for (const v of d.versions) {
    const head: Doc[] = ["= ", expr(v.value, 0)];
    let end = v.value.span.end;
    if (v.effective) {
      head.push(" ", effectiveDoc(v.effective));
      end = v.effective.span.end;
    }
    if (v.citations.length === 1) {
      // one citation stays on the version's line when it fits
      end = v.citations[0]!.span.end;
      out.push(
        clause(2, group([head, indent([line, citationDoc(v.citations[0]!)])]), { start: v.span.start, end }),
      );
    } else {
      out.push(clause(2, head, { start: v.span.start, end }));
      for (const c of v.citations) out.push(clause(4, citationDoc(c), c.span));
    }
  }
  return out;
}

function ruleClauses(d: A.RuleDecl): Clause[] {
  const headEnd = d.title ? d.title.span.end : d.id.span.end;
  const out = [
    clause(
      0,
      ["rule ", dotted(d.id), d.title ? [" ", str(d.title)] : ""],
      { start: d.span.start, end: headEnd },
      true,
    ),
  ];
  out.push(...qualifierClauses(d.implements, d.citations, d.effective, 2));
  out.push(clause(2, ["when ", expr(d.when, 0)], d.when.span));
  out.push(clause(2, ["then ", effectDoc(d.effect)], d.effect.span));
  for (const e of d.exceptions) {
    const nameEnd = e.title ? e.title.span.end : e.name ? e.name.span.end : e.span.start;
    out.push(
      clause(2, ["except", e.name ? [" ", e.name.name] : "", e.title ? [" ", str(e.title)] : ""], {
        start: e.span.start,
        end: nameEnd,
      }),
    );
    out.push(clause(4, ["when ", expr(e.when, 0)], e.when.span));
    out.push(...qualifierClauses(e.implements, e.citations, null, 4));
    if (e.effect) out.push(clause(4, ["then ", effectDoc(e.effect)], e.effect.span));
  }
  return out;
}

function qualifierClauses(
  norms: A.NormRef[],
  citations: A.Citation[],
  effective: A.Effective | null,
  at: number,
): Clause[] {
  const out: Clause[] = [];
  if (norms.length > 0) {
    out.push(
      clause(at, ["implements ", norms.map((n) => n.id).join(", ")], {
        start: norms[0]!.span.start,
        end: norms[norms.length - 1]!.span.end,
      }),
    );
  }
  for (const c of citations) out.push(clause(at, citationDoc(c), c.span));
  if (effective) out.push(clause(at, effectiveDoc(effective), effective.span));
  return out;
}

function citationDoc(c: A.Citation): Doc {
  return ["cite ", c.source.name, ":", String(c.line), " ", str(c.quote)];
}

function effectiveDoc(e: A.Effective): Doc {
  const parts: Doc[] = ["effective"];
  if (e.from) parts.push(" from ", e.from.value);
  if (e.until) parts.push(" until ", e.until.value);
  return parts;
}

function effectDoc(e: A.Effect): Doc {
  const head: Doc[] =
    e.effect === "assess"
      ? [
          "assess ",
          e.label.kind === "Identifier" ? e.label.name : e.label.value,
          " =",
          group(indent([line, expr(e.value ?? errorExpr(), 0)])),
        ]
      : [e.effect, " ", e.label.kind === "StringLit" ? str(e.label) : quoteString(e.label.name)];
  return e.message ? group([head, indent([line, "message ", template(e.message)])]) : head;
}

function errorExpr(): A.ErrorExpr {
  return { kind: "ErrorExpr", span: { start: 0, end: 0 } };
}

function dotted(d: A.DottedName): string {
  return d.parts.map((p) => p.name).join(".");
}

function str(s: A.StringLit): string {
  return quoteString(s.value);
}

/** Prints a message template: text escaped with `{{`/`}}` for braces, holes as `{expr}`. */
function template(t: A.TemplateLit): string {
  let out = '"';
  for (const part of t.parts) {
    if (part.kind === "Text") {
      // braces are doubled before escaping, so the braces of `\u{…}` escapes stay single
      out += escapeString(part.text.replace(/\{/g, "{{").replace(/\}/g, "}}"));
    } else {
      const printed = renderDoc(expr(part.expr, 0), Infinity, 0).join(" ");
      const body = escapeString(printed);
      out += `{${body.startsWith("{") ? " " : ""}${body}${body.endsWith("}") ? " " : ""}}`;
    }
  }
  return out + '"';
}

// ---------------------------------------------------------------- types

function typeDoc(t: A.TypeExpr): Doc {
  switch (t.kind) {
    case "NamedType":
      return t.name;
    case "ListType":
      return ["list of ", typeDoc(t.element)];
    case "RecordType":
      return group([
        "{",
        indent([
          line,
          join(
            [",", line],
            t.fields.map((f) => [f.name.name, ": ", typeDoc(f.type)]),
          ),
        ]),
        line,
        "}",
      ]);
    case "OptionalType":
      return t.inner.kind === "OptionalType" ? typeDoc(t.inner) : [typeDoc(t.inner), "?"];
  }
}

// ---------------------------------------------------------------- expressions

/** Binding strength: an operand weaker than its position requires is parenthesized. */
function precedence(e: A.Expr): number {
  switch (e.kind) {
    case "QuantifierExpr":
    case "IfExpr":
      return 0;
    case "BinaryExpr":
      return BINARY_PRECEDENCE[e.op];
    case "UnaryExpr":
      return e.op === "not" ? 3 : 8;
    case "TestExpr":
    case "PresenceExpr":
      return 4;
    case "MemberExpr":
      return 9;
    default:
      return 10;
  }
}

const BINARY_PRECEDENCE: Record<A.BinaryOp, number> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "??": 5,
  "+": 6,
  "-": 6,
  "*": 7,
  "/": 7,
};

/** Prints `e` where an operand of at least `min` precedence is expected. */
function expr(e: A.Expr, min: number): Doc {
  const doc = exprDoc(e);
  return precedence(e) < min ? ["(", doc, ")"] : doc;
}

function chainOperands(e: A.Expr, op: "and" | "or"): A.Expr[] {
  if (e.kind === "BinaryExpr" && e.op === op) return [...chainOperands(e.left, op), e.right];
  return [e];
}

function exprDoc(e: A.Expr): Doc {
  switch (e.kind) {
    case "BoolLit":
      return e.value ? "true" : "false";
    case "IntLit":
    case "DecimalLit":
      return e.raw ?? e.value;
    case "PercentLit":
      return `${e.raw ?? e.value}%`;
    case "MoneyLit":
      return `${e.raw ?? fenToText(e.fen, e.unit)} ${e.unit}`;
    case "DateLit":
    case "DateTimeLit":
      return e.value;
    case "DurationLit":
      return `${e.raw ?? e.amount} ${durationUnit(e.unit, (e.raw ?? e.amount).replace(/_/g, "").replace(/^0+(?=\d)/, "") === "1")}`;
    case "StringLit":
      return str(e);
    case "TemplateLit":
      return template(e);
    case "ListLit":
      if (e.items.length === 0) return "[]";
      return group([
        "[",
        indent([
          softline,
          join(
            [",", line],
            e.items.map((i) => expr(i, 0)),
          ),
        ]),
        ifBreak(","),
        softline,
        "]",
      ]);
    case "RecordLit":
      if (e.fields.length === 0) return "{}";
      return group([
        "{",
        indent([
          line,
          join(
            [",", line],
            e.fields.map((f) => [f.name.name, ": ", expr(f.value, 0)]),
          ),
        ]),
        ifBreak(","),
        line,
        "}",
      ]);
    case "NameRef":
      return e.name;
    case "MemberExpr":
      return [expr(e.object, 9), ".", e.property.name];
    case "CallExpr":
      return group([
        e.callee.name,
        "(",
        indent([
          softline,
          join(
            [",", line],
            e.args.map((a) => expr(a, 0)),
          ),
        ]),
        softline,
        ")",
      ]);
    case "UnaryExpr":
      if (e.op === "not") return ["not ", expr(e.operand, 3)];
      return ["-", e.operand.kind === "UnaryExpr" && e.operand.op === "-" ? " " : "", expr(e.operand, 8)];
    case "BinaryExpr": {
      if (e.op === "and" || e.op === "or") {
        const p = BINARY_PRECEDENCE[e.op];
        const operands = chainOperands(e, e.op);
        const [first, ...rest] = operands;
        // operators lead the broken lines (+2); an operand's own breaks go deeper (+4)
        return group([
          indent(indent(expr(first!, p))),
          indent(rest.map((o) => [line, e.op, " ", indent(expr(o, p + 1))])),
        ]);
      }
      const p = BINARY_PRECEDENCE[e.op];
      const leftMin = p === 4 ? 5 : p;
      return [expr(e.left, leftMin), " ", e.op, " ", expr(e.right, p + 1)];
    }
    case "TestExpr":
      return [expr(e.left, 5), " ", e.op, " ", expr(e.right, 5)];
    case "PresenceExpr":
      return [expr(e.operand, 5), e.present ? " is present" : " is absent"];
    case "IfExpr":
      return group([
        "if ",
        expr(e.condition, 0),
        indent([line, "then ", expr(e.then, 0), line, "else ", expr(e.else, 0)]),
      ]);
    case "QuantifierExpr":
      return group([
        e.quantifier,
        " ",
        e.variable.name,
        " in ",
        expr(e.collection, 1),
        ":",
        indent([line, expr(e.body, 0)]),
      ]);
    case "ParenExpr":
      return ["(", expr(e.inner, 0), ")"];
    case "ErrorExpr":
      return "(?)";
  }
}

function durationUnit(unit: A.DurationUnit, one: boolean): string {
  const word = unit === "natural_days" ? "natural day" : unit.slice(0, -1);
  return one ? word : `${word}s`;
}

/**
 * Formats a policy text: parses it and prints it canonically. The value is `null` when the text
 * has syntax errors (they are returned as diagnostics); formatting never changes what a policy
 * means.
 */
export function formatText(text: string, file: string): Result<string | null> {
  const parsed = parsePolicy(text, file);
  if (!parsed.value || hasErrors(parsed.diagnostics)) return { value: null, diagnostics: parsed.diagnostics };
  return { value: printPolicy(parsed.value, parsed.value.comments, text), diagnostics: parsed.diagnostics };
}
