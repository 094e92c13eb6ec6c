/**
 * The Norma grammar as a chevrotain CST parser with error recovery.
 *
 * The rules follow `grammar/norma.ebnf` one for one (the railroad diagrams in
 * `grammar/diagrams.html` are generated from this class). Differences from a plain reading of the
 * EBNF, all so that errors come out as specific diagnostics instead of "unexpected token":
 * - `if` and quantifiers are also accepted as a `primary`; the AST builder reports
 *   `parse/needs-parentheses` when one stands as an operand without parentheses.
 * - comparisons and word tests repeat (`testTail*`); the AST builder reports
 *   `parse/chained-comparison` for a second one.
 * - a norm id is accepted as a `primary`; the AST builder reports `parse/norm-id-in-expression`.
 *
 * Guarantee: a rule nested deeper than `MAX_RULE_DEPTH` throws `TooDeepError` (caught by
 * `parsePolicy`), so no input can overflow the stack.
 */
import {
  CstParser,
  type CstNode,
  type IParserErrorMessageProvider,
  type IOrAlt,
  type IToken,
  type ITokenGrammarPath,
  type OrMethodOpts,
  type TokenType,
} from "chevrotain";
import * as T from "./tokens.js";

/** How deep grammar rules may nest before the parser gives up with `parse/too-deep`. */
export const MAX_RULE_DEPTH = 600;

/** Thrown by the parser when rules nest deeper than `MAX_RULE_DEPTH`. */
export class TooDeepError extends Error {
  constructor(readonly token: IToken) {
    super("too deep");
  }
}

/** Thrown by the error message provider once a file has produced too many syntax errors. */
export class TooManyErrorsError extends Error {
  constructor(readonly token: IToken | undefined) {
    super("too many errors");
  }
}

const PRIMITIVE_TYPES = [
  T.BooleanType,
  T.IntegerType,
  T.DecimalType,
  T.PercentType,
  T.MoneyType,
  T.DateType,
  T.DatetimeType,
  T.DurationType,
  T.StringType,
];
const LABEL_EFFECTS = [T.Reject, T.Require, T.Allow, T.Flag, T.Advise];
const QUANTIFIERS = [T.Any, T.All, T.None, T.Count, T.Sum, T.Find, T.Filter, T.MapKw];
const COMPARISONS = [T.EqEq, T.NotEq, T.LtEq, T.GtEq, T.Lt, T.Gt];

/** The chevrotain parser for Norma; produces a CST that `buildPolicy` turns into the AST. */
export class NormaParser extends CstParser {
  private depth = 0;

  /**
   * The alternatives of each `OR`, built on its first run and reused (chevrotain's advice for
   * speed): otherwise every run of a rule allocates a fresh array of closures, which was over
   * half the parse time under tsx, whose esbuild names each `ALT` closure as it is made.
   * The closures read `this` at call time, so reuse cannot change what they do.
   */
  private readonly alts: Record<string, IOrAlt<unknown>[] | OrMethodOpts<unknown> | undefined> = {};

  /**
   * `validateGrammar` runs chevrotain's checks of the grammar itself (ambiguities, left recursion,
   * …), which throw on a faulty grammar; they cost half the parser's construction, so they run in
   * the tests (test/parser-grammar.test.ts), not in every process.
   */
  constructor(
    errorMessageProvider: IParserErrorMessageProvider,
    options: { validateGrammar?: boolean } = {},
  ) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider,
      skipValidations: options.validateGrammar !== true,
    });
    this.performSelfAnalysis();
  }

  private readonly followsCache = new Map<string, TokenType[]>();

  /**
   * Memoizes chevrotain's follow-set walk used by in-rule error recovery: it walks the grammar
   * from the top rule on every mismatched token, which made a file full of errors slow to parse.
   * The result depends only on the grammar path, so caching it cannot change behaviour.
   */
  protected override getNextPossibleTokenTypes(grammarPath: ITokenGrammarPath): TokenType[] {
    const key = `${grammarPath.ruleStack.join(",")}|${grammarPath.occurrenceStack.join(",")}|${grammarPath.lastTok.name}|${grammarPath.lastTokOccurrence}`;
    let follows = this.followsCache.get(key);
    if (!follows) {
      if (this.followsCache.size > 10_000) this.followsCache.clear();
      follows = super.getNextPossibleTokenTypes(grammarPath);
      this.followsCache.set(key, follows);
    }
    return follows;
  }

  /** Prepares the parser for a new token vector. */
  begin(tokens: IToken[]): void {
    this.depth = 0;
    this.input = tokens;
  }

  private rule(name: string, impl: () => void): (idx?: number) => CstNode {
    return this.RULE(name, () => {
      this.depth++;
      try {
        if (this.depth > MAX_RULE_DEPTH) throw new TooDeepError(this.LA(1));
        impl();
      } finally {
        this.depth--;
      }
    });
  }

  // ---------------------------------------------------------------- file and declarations

  readonly policyFile = this.rule("policyFile", () => {
    this.OPTION(() => this.SUBRULE(this.policyHeader));
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  readonly policyHeader = this.rule("policyHeader", () => {
    this.CONSUME(T.Policy);
    this.SUBRULE(this.dottedName);
    this.CONSUME(T.StringToken, { LABEL: "title" });
    this.CONSUME(T.Reads);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.At);
    this.CONSUME(T.IntLiteral);
  });

  readonly declaration = this.rule("declaration", () => {
    this.OR(
      (this.alts.declaration ??= {
        DEF: [
          { ALT: () => this.SUBRULE(this.sourceDecl) },
          { ALT: () => this.SUBRULE(this.lexiconDecl) },
          { ALT: () => this.SUBRULE(this.paramDecl) },
          { ALT: () => this.SUBRULE(this.letDecl) },
          { ALT: () => this.SUBRULE(this.ruleDecl) },
        ],
        ERR_MSG: "a declaration (`rule`, `param`, `let`, `lexicon` or `source`)",
      }),
    );
  });

  readonly sourceDecl = this.rule("sourceDecl", () => {
    this.CONSUME(T.Source);
    this.CONSUME(T.Identifier);
    this.OR(
      (this.alts.sourceDecl ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.File);
              this.CONSUME1(T.StringToken, { LABEL: "fileName" });
              this.CONSUME(T.Sha256);
              this.CONSUME2(T.StringToken, { LABEL: "hash" });
              this.OPTION(() => {
                this.CONSUME(T.Edited);
                this.CONSUME(T.DateLiteral, { LABEL: "editedDate" });
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Url);
              this.CONSUME3(T.StringToken, { LABEL: "url" });
              this.CONSUME(T.Retrieved);
              this.CONSUME2(T.DateLiteral, { LABEL: "retrievedDate" });
            },
          },
        ],
        ERR_MSG: "`file` or `url`",
      }),
    );
    this.OPTION2(() => this.CONSUME4(T.StringToken, { LABEL: "title" }));
  });

  readonly lexiconDecl = this.rule("lexiconDecl", () => {
    this.CONSUME(T.Lexicon);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.From);
    this.CONSUME(T.StringToken);
  });

  readonly paramDecl = this.rule("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
    this.MANY(() => this.SUBRULE(this.paramVersion));
  });

  readonly paramVersion = this.rule("paramVersion", () => {
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.SUBRULE(this.effective));
    this.MANY(() => this.SUBRULE(this.citation));
  });

  readonly letDecl = this.rule("letDecl", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  readonly ruleDecl = this.rule("ruleDecl", () => {
    this.CONSUME(T.Rule);
    this.SUBRULE(this.dottedName);
    this.OPTION(() => this.CONSUME(T.StringToken, { LABEL: "title" }));
    this.MANY(() => {
      this.OR(
        (this.alts.ruleDecl ??= [
          { ALT: () => this.SUBRULE(this.implementsClause) },
          { ALT: () => this.SUBRULE(this.citation) },
          { ALT: () => this.SUBRULE(this.effective) },
        ]),
      );
    });
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Then);
    this.SUBRULE(this.effect);
    this.MANY2(() => this.SUBRULE(this.exceptionClause));
  });

  readonly implementsClause = this.rule("implementsClause", () => {
    this.CONSUME(T.Implements);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.NormId) });
  });

  readonly exceptionClause = this.rule("exceptionClause", () => {
    this.CONSUME(T.Except);
    this.OPTION(() => this.CONSUME(T.Identifier));
    this.OPTION2(() => this.CONSUME(T.StringToken, { LABEL: "title" }));
    this.CONSUME(T.When);
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.OR(
        (this.alts.exceptionClause ??= [
          { ALT: () => this.SUBRULE(this.implementsClause) },
          { ALT: () => this.SUBRULE(this.citation) },
        ]),
      );
    });
    this.OPTION3(() => {
      this.CONSUME(T.Then);
      this.SUBRULE(this.effect);
    });
  });

  readonly effective = this.rule("effective", () => {
    this.CONSUME(T.Effective);
    this.OR(
      (this.alts.effective ??= {
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.From);
              this.SUBRULE(this.instant, { LABEL: "from" });
              this.OPTION(() => {
                this.CONSUME(T.Until);
                this.SUBRULE2(this.instant, { LABEL: "until" });
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME2(T.Until);
              this.SUBRULE3(this.instant, { LABEL: "until" });
            },
          },
        ],
        ERR_MSG: "`from` or `until`",
      }),
    );
  });

  readonly instant = this.rule("instant", () => {
    this.OR(
      (this.alts.instant ??= {
        DEF: [{ ALT: () => this.CONSUME(T.DateLiteral) }, { ALT: () => this.CONSUME(T.DateTimeLiteral) }],
        ERR_MSG: "a date such as `2024-01-01` or a date-time such as `2024-01-01T08:00`",
      }),
    );
  });

  readonly citation = this.rule("citation", () => {
    this.CONSUME(T.Cite);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.CONSUME(T.IntLiteral);
    this.CONSUME(T.StringToken);
  });

  readonly effect = this.rule("effect", () => {
    this.OR(
      (this.alts.effect ??= {
        DEF: [
          {
            ALT: () => {
              this.OR2(
                (this.alts.effect2 ??= LABEL_EFFECTS.map((t) => ({
                  ALT: () => this.CONSUME(t, { LABEL: "verb" }),
                }))),
              );
              this.CONSUME(T.StringToken, { LABEL: "label" });
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Assess, { LABEL: "verb" });
              this.CONSUME(T.Identifier);
              this.CONSUME(T.Equals);
              this.SUBRULE(this.expression);
            },
          },
        ],
        ERR_MSG: "an effect (`reject`, `require`, `allow`, `flag`, `advise` or `assess`)",
      }),
    );
    this.OPTION(() => {
      this.CONSUME(T.Message);
      this.CONSUME2(T.StringToken, { LABEL: "message" });
    });
  });

  readonly dottedName = this.rule("dottedName", () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.AnyName);
    });
  });

  // ---------------------------------------------------------------- types

  readonly typeExpr = this.rule("typeExpr", () => {
    this.OR(
      (this.alts.typeExpr ??= {
        DEF: [
          ...PRIMITIVE_TYPES.map((t) => ({ ALT: () => this.CONSUME(t) })),
          {
            ALT: () => {
              this.CONSUME(T.List);
              this.CONSUME(T.Of);
              this.SUBRULE(this.typeExpr);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.LBrace);
              this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.typeField) });
              this.CONSUME(T.RBrace);
            },
          },
        ],
        ERR_MSG:
          "a type (`boolean`, `integer`, `decimal`, `percent`, `money`, `date`, `datetime`, `duration`, `string`, `list of …` or `{ … }`)",
      }),
    );
    this.OPTION(() => this.CONSUME(T.Question));
  });

  readonly typeField = this.rule("typeField", () => {
    this.CONSUME(T.AnyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeExpr);
  });

  // ---------------------------------------------------------------- expressions

  readonly expression = this.rule("expression", () => {
    this.SUBRULE(this.orExpr);
  });

  readonly quantified = this.rule("quantified", () => {
    this.OR(
      (this.alts.quantified ??= QUANTIFIERS.map((t) => ({
        ALT: () => this.CONSUME(t, { LABEL: "quantifier" }),
      }))),
    );
    this.CONSUME(T.Identifier);
    this.CONSUME(T.In);
    this.SUBRULE(this.orExpr, { LABEL: "collection" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression, { LABEL: "body" });
  });

  readonly conditional = this.rule("conditional", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expression, { LABEL: "condition" });
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expression, { LABEL: "then" });
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expression, { LABEL: "else" });
  });

  readonly orExpr = this.rule("orExpr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  readonly andExpr = this.rule("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  readonly notExpr = this.rule("notExpr", () => {
    this.OR(
      (this.alts.notExpr ??= {
        ERR_MSG: "an expression",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Not);
              this.SUBRULE(this.notExpr);
            },
          },
          { ALT: () => this.SUBRULE(this.testExpr) },
        ],
      }),
    );
  });

  readonly testExpr = this.rule("testExpr", () => {
    this.SUBRULE(this.coalesceExpr);
    this.MANY(() => this.SUBRULE(this.testTail));
  });

  readonly testTail = this.rule("testTail", () => {
    this.OR(
      (this.alts.testTail ??= [
        {
          ALT: () => {
            this.OR2(
              (this.alts.testTail2 ??= COMPARISONS.map((t) => ({
                ALT: () => this.CONSUME(t, { LABEL: "operator" }),
              }))),
            );
            this.SUBRULE(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.In);
            this.SUBRULE2(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Not);
            this.CONSUME2(T.In);
            this.SUBRULE3(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Matches);
            this.SUBRULE4(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Contains);
            this.OPTION(() => {
              this.CONSUME(T.Any);
              this.CONSUME(T.Of);
            });
            this.SUBRULE5(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Starts);
            this.CONSUME(T.With);
            this.SUBRULE6(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Ends);
            this.CONSUME2(T.With);
            this.SUBRULE7(this.coalesceExpr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OR3(
              (this.alts.testTail3 ??= [
                { ALT: () => this.CONSUME(T.Absent) },
                { ALT: () => this.CONSUME(T.Present) },
              ]),
            );
          },
        },
      ]),
    );
  });

  readonly coalesceExpr = this.rule("coalesceExpr", () => {
    this.SUBRULE(this.additiveExpr);
    this.MANY(() => {
      this.CONSUME(T.QuestionQuestion);
      this.SUBRULE2(this.additiveExpr);
    });
  });

  readonly additiveExpr = this.rule("additiveExpr", () => {
    this.SUBRULE(this.multiplicativeExpr);
    this.MANY(() => {
      this.OR(
        (this.alts.additiveExpr ??= [
          { ALT: () => this.CONSUME(T.Plus, { LABEL: "operator" }) },
          { ALT: () => this.CONSUME(T.Minus, { LABEL: "operator" }) },
        ]),
      );
      this.SUBRULE2(this.multiplicativeExpr);
    });
  });

  readonly multiplicativeExpr = this.rule("multiplicativeExpr", () => {
    this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      this.OR(
        (this.alts.multiplicativeExpr ??= [
          { ALT: () => this.CONSUME(T.Star, { LABEL: "operator" }) },
          { ALT: () => this.CONSUME(T.Slash, { LABEL: "operator" }) },
        ]),
      );
      this.SUBRULE2(this.unaryExpr);
    });
  });

  readonly unaryExpr = this.rule("unaryExpr", () => {
    this.OR(
      (this.alts.unaryExpr ??= {
        ERR_MSG: "an expression",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(T.Minus);
              this.SUBRULE(this.unaryExpr);
            },
          },
          { ALT: () => this.SUBRULE(this.postfixExpr) },
        ],
      }),
    );
  });

  readonly postfixExpr = this.rule("postfixExpr", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.AnyName);
    });
  });

  readonly primary = this.rule("primary", () => {
    this.OR(
      (this.alts.primary ??= {
        DEF: [
          { ALT: () => this.SUBRULE(this.numberLiteral) },
          { ALT: () => this.CONSUME(T.PercentLiteral) },
          { ALT: () => this.CONSUME(T.DateTimeLiteral) },
          { ALT: () => this.CONSUME(T.DateLiteral) },
          { ALT: () => this.CONSUME(T.StringToken) },
          { ALT: () => this.CONSUME(T.True) },
          { ALT: () => this.CONSUME(T.False) },
          { ALT: () => this.SUBRULE(this.nameOrCall) },
          { ALT: () => this.SUBRULE(this.parenExpr) },
          { ALT: () => this.SUBRULE(this.listLiteral) },
          { ALT: () => this.SUBRULE(this.recordLiteral) },
          { ALT: () => this.SUBRULE(this.quantified) },
          { ALT: () => this.SUBRULE(this.conditional) },
          { ALT: () => this.CONSUME(T.NormId) },
          { ALT: () => this.CONSUME(T.TooDeep) },
        ],
        ERR_MSG: "an expression",
      }),
    );
  });

  readonly numberLiteral = this.rule("numberLiteral", () => {
    this.OR(
      (this.alts.numberLiteral ??= [
        { ALT: () => this.CONSUME(T.IntLiteral) },
        { ALT: () => this.CONSUME(T.DecimalLiteral) },
      ]),
    );
    this.OPTION(() => this.SUBRULE(this.unit));
  });

  readonly unit = this.rule("unit", () => {
    this.OR(
      (this.alts.unit ??= [
        { ALT: () => this.CONSUME(T.Yuan) },
        { ALT: () => this.CONSUME(T.Fen) },
        {
          ALT: () => {
            this.CONSUME(T.Natural);
            this.OR2(
              (this.alts.unit2 ??= [{ ALT: () => this.CONSUME(T.Days) }, { ALT: () => this.CONSUME(T.Day) }]),
            );
          },
        },
        { ALT: () => this.CONSUME2(T.Days) },
        { ALT: () => this.CONSUME2(T.Day) },
        { ALT: () => this.CONSUME(T.Hours) },
        { ALT: () => this.CONSUME(T.Hour) },
        { ALT: () => this.CONSUME(T.Minutes) },
        { ALT: () => this.CONSUME(T.Minute) },
        { ALT: () => this.CONSUME(T.Seconds) },
        { ALT: () => this.CONSUME(T.Second) },
      ]),
    );
  });

  readonly nameOrCall = this.rule("nameOrCall", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
      this.CONSUME(T.RParen);
    });
  });

  readonly parenExpr = this.rule("parenExpr", () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  readonly listLiteral = this.rule("listLiteral", () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  readonly recordLiteral = this.rule("recordLiteral", () => {
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.recordField);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.recordField);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  readonly recordField = this.rule("recordField", () => {
    this.CONSUME(T.AnyName);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
  });
}

/** Token types the parser treats as starting a declaration (used to stop skipping after errors). */
export const DECLARATION_STARTS: TokenType[] = [T.Policy, T.Source, T.Lexicon, T.Param, T.Let, T.Rule];
