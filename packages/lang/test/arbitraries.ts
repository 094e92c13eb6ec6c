/**
 * fast-check arbitraries for Norma ASTs. They generate only ASTs the parser could produce: names
 * are not keywords, operands weaker than their position are wrapped in `ParenExpr`, literals are
 * in canonical form (with an alternative `raw` spelling now and then), template texts are never
 * empty or adjacent. Spans are all zero: the round-trip property compares ASTs without spans.
 */
import fc from "fast-check";
import { KEYWORDS } from "../src/tokens.js";
import type * as A from "../src/ast.js";

const SPAN: A.Span = { start: 0, end: 0 };

const NAME_PARTS = ["a", "b", "x", "y", "app", "filing", "报备", "类目", "_", "金额", "é", "status", "Z"];

/** A name that is not a keyword. */
export const name: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...NAME_PARTS), fc.constantFrom("", "1", "_2", "s", "值"))
  .map(([a, b]) => a + b)
  .filter((n) => !KEYWORDS.has(n));

/** Any word, keywords included (after `.`, record fields). */
export const anyName: fc.Arbitrary<string> = fc.oneof(name, fc.constantFrom(...KEYWORDS.keys()));

const identifier = (n: fc.Arbitrary<string> = name): fc.Arbitrary<A.Identifier> =>
  n.map((v) => ({ kind: "Identifier", span: SPAN, name: v }));

const dotted: fc.Arbitrary<A.DottedName> = fc
  .tuple(identifier(), fc.array(identifier(anyName), { maxLength: 2 }))
  .map(([first, rest]) => {
    const parts = [first, ...rest];
    return { kind: "DottedName", span: SPAN, parts, text: parts.map((p) => p.name).join(".") };
  });

/** Strings of any Unicode text (no lone surrogates). */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("社交/**", "报备审核", 'a"b', "\\", "{x}", "}}", "\n\t", "\u2028", "\u202e", "#"),
);

const stringLit: fc.Arbitrary<A.StringLit> = text.map((value) => ({ kind: "StringLit", span: SPAN, value }));

const digits = fc.integer({ min: 0, max: 10_000_000 }).map(String);

function separated(d: string): string {
  return d.length > 3 ? d.replace(/\B(?=(\d{3})+(?!\d))/g, "_") : d;
}

/** A spelling of `canonical` with separators or leading zeros, or none. */
function rawFor(canonical: string): fc.Arbitrary<string | undefined> {
  const [whole = "", frac] = canonical.split(".");
  const alternatives = [separated(whole), `0${whole}`]
    .map((w) => (frac === undefined ? w : `${w}.${frac}`))
    .filter((r) => r !== canonical);
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constantFrom(...alternatives));
}

function withRaw<N extends { raw?: string }>(node: N, raw: string | undefined): N {
  if (raw !== undefined) node.raw = raw;
  return node;
}

const intLit = digits.chain((value) =>
  rawFor(value).map((raw) => withRaw<A.IntLit>({ kind: "IntLit", span: SPAN, value }, raw)),
);
const decimalValue = fc.tuple(digits, fc.stringMatching(/^[0-9]{1,4}$/)).map(([w, f]) => `${w}.${f}`);
const decimalLit = decimalValue.chain((value) =>
  rawFor(value).map((raw) => withRaw<A.DecimalLit>({ kind: "DecimalLit", span: SPAN, value }, raw)),
);
const percentLit = fc
  .oneof(digits, decimalValue)
  .chain((value) =>
    rawFor(value).map((raw) => withRaw<A.PercentLit>({ kind: "PercentLit", span: SPAN, value }, raw)),
  );
const moneyLit: fc.Arbitrary<A.MoneyLit> = fc
  .tuple(digits, fc.constantFrom<"yuan" | "fen">("yuan", "fen"), fc.boolean())
  .map(([fen, unit, spelled]) => {
    const node: A.MoneyLit = { kind: "MoneyLit", span: SPAN, fen, unit };
    if (spelled && unit === "yuan" && Number(fen) % 100 === 0 && fen.length > 5)
      node.raw = separated(String(Number(fen) / 100));
    if (spelled && unit === "yuan" && Number(fen) % 10 === 0 && Number(fen) % 100 !== 0)
      node.raw = `${Math.floor(Number(fen) / 100)}.${String(Number(fen) % 100).padStart(2, "0")}`;
    return node;
  });
const durationLit = fc
  .tuple(digits, fc.constantFrom<A.DurationUnit>("natural_days", "days", "hours", "minutes", "seconds"))
  .chain(([amount, unit]) =>
    rawFor(amount).map((raw) =>
      withRaw<A.DurationLit>({ kind: "DurationLit", span: SPAN, amount, unit }, raw),
    ),
  );

const dateValue = fc
  .tuple(
    fc.integer({ min: 1970, max: 2099 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
  )
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
const dateLit: fc.Arbitrary<A.DateLit> = dateValue.map((value) => ({ kind: "DateLit", span: SPAN, value }));
const dateTimeLit: fc.Arbitrary<A.DateTimeLit> = fc
  .tuple(
    dateValue,
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fc.integer({ min: 0, max: 59 })),
    fc.constantFrom(null, "Z", "+08:00", "-05:30"),
  )
  .map(([date, h, m, s, offset]) => {
    const time = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}${s === null ? "" : `:${String(s).padStart(2, "0")}`}`;
    return { kind: "DateTimeLit", span: SPAN, value: `${date}T${time}${offset ?? ""}`, offset };
  });

const literal: fc.Arbitrary<A.Expr> = fc.oneof(
  fc.boolean().map((value): A.BoolLit => ({ kind: "BoolLit", span: SPAN, value })),
  intLit,
  decimalLit,
  percentLit,
  moneyLit,
  durationLit,
  dateLit,
  dateTimeLit,
  stringLit,
  name.map((n): A.NameRef => ({ kind: "NameRef", span: SPAN, name: n })),
);

/** Binding strength, as the printer and parser agree on it. */
export function precedence(e: A.Expr): number {
  switch (e.kind) {
    case "QuantifierExpr":
    case "IfExpr":
      return 0;
    case "BinaryExpr":
      return { or: 1, and: 2, "??": 5, "+": 6, "-": 6, "*": 7, "/": 7 }[e.op as string] ?? 4;
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

function at(min: number, e: A.Expr): A.Expr {
  return precedence(e) < min ? { kind: "ParenExpr", span: SPAN, inner: e } : e;
}

const BINARY: Array<[A.BinaryOp, number, number]> = [
  ["or", 1, 2],
  ["and", 2, 3],
  ["==", 5, 5],
  ["!=", 5, 5],
  ["<", 5, 5],
  ["<=", 5, 5],
  [">", 5, 5],
  [">=", 5, 5],
  ["??", 5, 6],
  ["+", 6, 7],
  ["-", 6, 7],
  ["*", 7, 8],
  ["/", 7, 8],
];
const TESTS: A.TestOp[] = [
  "in",
  "not in",
  "matches",
  "contains",
  "contains any of",
  "starts with",
  "ends with",
];

/** Expressions up to a nesting depth. */
export const expr: fc.Arbitrary<A.Expr> = fc.letrec<{ e: A.Expr }>((tie) => {
  const e = tie("e");
  return {
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      literal,
      fc.tuple(fc.constantFrom(...BINARY), e, e).map(([[op, l, r], left, right]): A.BinaryExpr => ({
        kind: "BinaryExpr",
        span: SPAN,
        op,
        left: at(l, left),
        right: at(r, right),
      })),
      fc.tuple(fc.constantFrom(...TESTS), e, e).map(([op, left, right]): A.TestExpr => ({
        kind: "TestExpr",
        span: SPAN,
        op,
        left: at(5, left),
        right: at(5, right),
      })),
      fc.tuple(e, fc.boolean()).map(([operand, present]): A.PresenceExpr => ({
        kind: "PresenceExpr",
        span: SPAN,
        operand: at(5, operand),
        present,
      })),
      fc.tuple(fc.constantFrom<"not" | "-">("not", "-"), e).map(([op, operand]): A.UnaryExpr => ({
        kind: "UnaryExpr",
        span: SPAN,
        op,
        operand: at(op === "not" ? 3 : 8, operand),
      })),
      fc.tuple(e, identifier(anyName)).map(([object, property]): A.MemberExpr => ({
        kind: "MemberExpr",
        span: SPAN,
        object: at(9, object),
        property,
      })),
      fc
        .tuple(identifier(), fc.array(e, { maxLength: 3 }))
        .map(([callee, args]): A.CallExpr => ({ kind: "CallExpr", span: SPAN, callee, args })),
      fc.array(e, { maxLength: 3 }).map((items): A.ListLit => ({ kind: "ListLit", span: SPAN, items })),
      fc.array(fc.tuple(identifier(anyName), e), { maxLength: 3 }).map((fields): A.RecordLit => ({
        kind: "RecordLit",
        span: SPAN,
        fields: fields.map(([n, value]) => ({ name: n, value })),
      })),
      fc.tuple(e, e, e).map(([condition, then, otherwise]): A.IfExpr => ({
        kind: "IfExpr",
        span: SPAN,
        condition,
        then,
        else: otherwise,
      })),
      fc
        .tuple(
          fc.constantFrom<A.Quantifier>("any", "all", "none", "count", "sum", "find"),
          identifier(),
          e,
          e,
        )
        .map(([quantifier, variable, collection, body]): A.QuantifierExpr => ({
          kind: "QuantifierExpr",
          span: SPAN,
          quantifier,
          variable,
          collection: at(1, collection),
          body,
        })),
      e.map((inner): A.ParenExpr => ({ kind: "ParenExpr", span: SPAN, inner })),
    ),
  };
}).e;

const template: fc.Arbitrary<A.TemplateLit> = fc
  .array(
    fc.oneof(
      text.filter((t) => t.length > 0),
      expr,
    ),
    { maxLength: 4 },
  )
  .map((items) => {
    const parts: A.TemplateLit["parts"] = [];
    for (const item of items) {
      const last = parts[parts.length - 1];
      if (typeof item === "string") {
        if (last?.kind === "Text") last.text += item;
        else parts.push({ kind: "Text", span: SPAN, text: item });
      } else parts.push({ kind: "Hole", span: SPAN, expr: item });
    }
    return { kind: "TemplateLit", span: SPAN, parts };
  });

const typeExpr: fc.Arbitrary<A.TypeExpr> = fc.letrec<{ t: A.TypeExpr; plain: A.TypeExpr }>((tie) => ({
  plain: fc.oneof(
    { depthSize: "small" },
    fc
      .constantFrom<A.PrimitiveTypeName>(
        "boolean",
        "integer",
        "decimal",
        "percent",
        "money",
        "date",
        "datetime",
        "duration",
        "string",
      )
      .map((n): A.NamedType => ({ kind: "NamedType", span: SPAN, name: n })),
    tie("t").map((element): A.ListType => ({ kind: "ListType", span: SPAN, element })),
    fc
      .array(fc.tuple(identifier(anyName), tie("t")), { minLength: 1, maxLength: 3 })
      .map((fields): A.RecordType => ({
        kind: "RecordType",
        span: SPAN,
        fields: fields.map(([n, type]) => ({ name: n, type })),
      })),
  ),
  // `T?` where T is not a list (`list of T?` would read as a list of optional T)
  t: fc.oneof(
    tie("plain"),
    tie("plain")
      .filter((p) => p.kind !== "ListType")
      .map((inner): A.OptionalType => ({ kind: "OptionalType", span: SPAN, inner })),
  ),
})).t;

const instant = fc.oneof(dateLit, dateTimeLit);
const effective: fc.Arbitrary<A.Effective> = fc
  .tuple(fc.option(instant), fc.option(instant))
  .filter(([from, until]) => from !== null || until !== null)
  .map(([from, until]) => ({ kind: "Effective", span: SPAN, from, until }));

const citation: fc.Arbitrary<A.Citation> = fc
  .tuple(identifier(), fc.integer({ min: 1, max: 500 }), stringLit)
  .map(([source, line, quote]) => ({ kind: "Citation", span: SPAN, source, line, lineSpan: SPAN, quote }));

const normRef: fc.Arbitrary<A.NormRef> = fc
  .tuple(fc.constantFrom("FIL", "SEC", "DEP", "INS", "A"), fc.integer({ min: 0, max: 99 }))
  .map(([p, n]) => ({ kind: "NormRef", span: SPAN, id: `${p}-${n}` }));

const effect: fc.Arbitrary<A.Effect> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom<A.EffectKind>("reject", "require", "allow", "flag", "advise"),
      stringLit,
      fc.option(template),
    )
    .map(([kind, label, message]): A.Effect => ({
      kind: "Effect",
      span: SPAN,
      effect: kind,
      label,
      value: null,
      message,
    })),
  fc.tuple(identifier(), expr, fc.option(template)).map(([label, value, message]): A.Effect => ({
    kind: "Effect",
    span: SPAN,
    effect: "assess",
    label,
    value,
    message,
  })),
);

const exception: fc.Arbitrary<A.ExceptionClause> = fc
  .record({
    name: fc.option(identifier()),
    title: fc.option(stringLit),
    when: expr,
    implements: fc.array(normRef, { maxLength: 2 }),
    citations: fc.array(citation, { maxLength: 2 }),
    effect: fc.option(effect),
  })
  .map((r) => ({ kind: "ExceptionClause", span: SPAN, ...r }));

const declaration: fc.Arbitrary<A.Declaration> = fc.oneof(
  fc
    .tuple(identifier(), stringLit, stringLit, fc.option(dateLit), fc.option(stringLit))
    .map(([n, file, sha256, edited, title]): A.SourceDecl => ({
      kind: "SourceDecl",
      span: SPAN,
      name: n,
      location: { kind: "file", file, sha256, edited },
      title,
    })),
  fc
    .tuple(identifier(), stringLit, dateLit, fc.option(stringLit))
    .map(([n, url, retrieved, title]): A.SourceDecl => ({
      kind: "SourceDecl",
      span: SPAN,
      name: n,
      location: { kind: "url", url, retrieved },
      title,
    })),
  fc
    .tuple(identifier(), stringLit)
    .map(([n, path]): A.LexiconDecl => ({ kind: "LexiconDecl", span: SPAN, name: n, path })),
  fc
    .tuple(
      identifier(),
      typeExpr,
      fc.array(
        fc
          .tuple(expr, fc.option(effective), fc.array(citation, { maxLength: 2 }))
          .map(([value, eff, citations]): A.ParamVersion => ({
            kind: "ParamVersion",
            span: SPAN,
            value,
            effective: eff,
            citations,
          })),
        { maxLength: 3 },
      ),
    )
    .map(([n, type, versions]): A.ParamDecl => ({ kind: "ParamDecl", span: SPAN, name: n, type, versions })),
  fc
    .tuple(identifier(), fc.option(typeExpr), expr)
    .map(([n, type, value]): A.LetDecl => ({ kind: "LetDecl", span: SPAN, name: n, type, value })),
  fc
    .record({
      id: dotted,
      title: fc.option(stringLit),
      implements: fc.array(normRef, { maxLength: 3 }),
      citations: fc.array(citation, { maxLength: 3 }),
      effective: fc.option(effective),
      when: expr,
      effect,
      exceptions: fc.array(exception, { maxLength: 2 }),
    })
    .map((r): A.RuleDecl => ({ kind: "RuleDecl", span: SPAN, ...r })),
);

/** Whole policy files (without comments). */
export const policyFile: fc.Arbitrary<A.PolicyFile> = fc
  .record({
    id: dotted,
    title: stringLit,
    schemaName: identifier(),
    version: fc.integer({ min: 0, max: 99 }),
    declarations: fc.array(declaration, { maxLength: 4 }),
  })
  .map(({ id, title, schemaName, version, declarations }) => ({
    kind: "PolicyFile",
    span: SPAN,
    id,
    title,
    schema: { kind: "SchemaRef", span: SPAN, name: schemaName, version },
    declarations,
    comments: [],
  }));
