/** The parser and AST builder: one table row per construct, precedence, spans, recovery. */
import { describe, expect, test } from "vitest";
import {
  parsePolicy,
  type Declaration,
  type Expr,
  type Node,
  type PolicyFile,
  type Span,
} from "../src/index.js";
import { sexpr, stripSpans } from "./helpers.js";

const HEADER = 'policy t.t "t" reads facts@1\n';

function parseOk(body: string): PolicyFile {
  const result = parsePolicy(HEADER + body, "t.norma");
  expect(result.diagnostics).toEqual([]);
  return result.value!;
}

function expr(text: string): Expr {
  const decl = parseOk(`let x = ${text}\n`).declarations[0]!;
  if (decl.kind !== "LetDecl") throw new Error("expected a let");
  return decl.value;
}

function decl(text: string): Declaration {
  return parseOk(text).declarations[0]!;
}

describe("expressions", () => {
  test.each([
    // literals
    ["true", "true"],
    ["20_000", "int:20000/20_000"],
    ["007", "int:7/007"],
    ["1.50", "dec:1.50"],
    ["12.5%", "pct:12.5"],
    ["20_000 yuan", "money:2000000fen/yuan/20_000"],
    ["0.01 yuan", "money:1fen/yuan"],
    ["1.50 yuan", "money:150fen/yuan/1.50"],
    ["5 fen", "money:5fen/fen"],
    ["7 natural days", "duration:7:natural_days"],
    ["1 natural day", "duration:1:natural_days"],
    ["3 day", "duration:3:days"],
    ["120 minutes", "duration:120:minutes"],
    ["2 hours", "duration:2:hours"],
    ["30 second", "duration:30:seconds"],
    ["2022-01-14", "date:2022-01-14"],
    ["2022-03-01T23:50", "datetime:2022-03-01T23:50@local"],
    ["2022-03-01T23:50:00+08:00", "datetime:2022-03-01T23:50:00+08:00@+08:00"],
    ["2022-03-01T15:50:00Z", "datetime:2022-03-01T15:50:00Z@Z"],
    ['"社交\\n\\t\\"\\\\\\u{1F600}"', JSON.stringify('社交\n\t"\\😀')],
    ["[1, 2,]", "[int:1 int:2]"],
    ["[]", "[]"],
    ['{a: 1, message: "m"}', '{a: int:1, message: "m"}'],
    ["{}", "{}"],
    // names, members, calls
    ["as_of", "as_of"],
    ["app.entity.type", "(. (. app entity) type)"],
    ["x.count.from", "(. (. x count) from)"],
    ["min(a, b)", "(call min a b)"],
    ["now()", "(call now)"],
    ["f(x).y", "(. (call f x) y)"],
    // precedence and associativity
    ["a + b * c", "(+ a (* b c))"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b * c", "(* (/ a b) c)"],
    ["-a.b", "(- (. a b))"],
    ["- -a", "(- (- a))"],
    ["a ?? b ?? c", "(?? (?? a b) c)"],
    ["a + b ?? c", "(?? (+ a b) c)"],
    ["a ?? b == c", "(== (?? a b) c)"],
    ["a == b and c or d", "(or (and (== a b) c) d)"],
    ["a or b and c", "(or a (and b c))"],
    ["not a and b", "(and (not a) b)"],
    ["not a == b", "(not (== a b))"],
    ["not not a", "(not (not a))"],
    ["(a or b) and c", "(and (paren (or a b)) c)"],
    // comparisons and word tests
    ["a != b", "(!= a b)"],
    ["a <= b", "(<= a b)"],
    ["a >= b", "(>= a b)"],
    ["a < b", "(< a b)"],
    ["a > b", "(> a b)"],
    ["x in [1, 2]", "(in x [int:1 int:2])"],
    ["x not in l", "(not in x l)"],
    ['c matches ["社交/**"]', '(matches c ["社交/**"])'],
    ['s contains "x"', '(contains s "x")'],
    ["s contains any of 词表", "(contains any of s 词表)"],
    ['s starts with "a"', '(starts with s "a")'],
    ['s ends with "b"', '(ends with s "b")'],
    ["x is absent", "(absent x)"],
    ["x.y is present", "(present (. x y))"],
    ["a + 1 in l", "(in (+ a int:1) l)"],
    // quantifiers and conditionals
    ["any x in l: x > 1", "(any x l (> x int:1))"],
    ["all x in l: x and y", "(all x l (and x y))"],
    ["none x in a.b: x", "(none x (. a b) x)"],
    ["count x in l: x", "(count x l x)"],
    ["sum x in l: x.amount", "(sum x l (. x amount))"],
    ["find x in l: x.id == 1", "(find x l (== (. x id) int:1))"],
    ["any x in l: any y in x: y", "(any x l (any y x y))"],
    ["(count x in l: x) > 1", "(> (paren (count x l x)) int:1)"],
    ["if a then b else c", "(if a b c)"],
    ["if a then b else if c then d else e", "(if a b (if c d e))"],
    ["if a then b else c + 1", "(if a b (+ c int:1))"],
    ["[any x in l: x, if a then 1 else 2]", "[(any x l x) (if a int:1 int:2)]"],
  ])("%s", (text, expected) => {
    expect(sexpr(expr(text))).toBe(expected);
  });
});

describe("declarations", () => {
  test("policy header", () => {
    const file = parseOk("");
    expect(stripSpans({ id: file.id, title: file.title, schema: file.schema })).toEqual({
      id: {
        kind: "DottedName",
        parts: [
          { kind: "Identifier", name: "t" },
          { kind: "Identifier", name: "t" },
        ],
        text: "t.t",
      },
      title: { kind: "StringLit", value: "t" },
      schema: { kind: "SchemaRef", name: { kind: "Identifier", name: "facts" }, version: 1 },
    });
  });

  test("file source", () => {
    expect(stripSpans(decl('source FIL file "001.txt" sha256 "ab" edited 2022-01-14 "标题"'))).toEqual({
      kind: "SourceDecl",
      name: { kind: "Identifier", name: "FIL" },
      location: {
        kind: "file",
        file: { kind: "StringLit", value: "001.txt" },
        sha256: { kind: "StringLit", value: "ab" },
        edited: { kind: "DateLit", value: "2022-01-14" },
      },
      title: { kind: "StringLit", value: "标题" },
    });
  });

  test("url source without a title", () => {
    expect(stripSpans(decl('source W url "https://x" retrieved 2026-11-01'))).toEqual({
      kind: "SourceDecl",
      name: { kind: "Identifier", name: "W" },
      location: {
        kind: "url",
        url: { kind: "StringLit", value: "https://x" },
        retrieved: { kind: "DateLit", value: "2026-11-01" },
      },
      title: null,
    });
  });

  test("lexicon", () => {
    expect(stripSpans(decl('lexicon 病名 from "lexicons/diseases.yaml"'))).toEqual({
      kind: "LexiconDecl",
      name: { kind: "Identifier", name: "病名" },
      path: { kind: "StringLit", value: "lexicons/diseases.yaml" },
    });
  });

  test("param with dated versions and citations", () => {
    const d = decl(
      'param cap: money\n  = 20_000 yuan effective until 2024-01-01 cite OPS:2 "上限2w"\n  = 5 fen effective from 2024-01-01T00:00+08:00 until 2025-01-01 cite A:1 "a" cite B:2 "b"\n',
    );
    if (d.kind !== "ParamDecl") throw new Error(d.kind);
    expect(d.type.kind).toBe("NamedType");
    expect(
      d.versions.map((v) => [
        sexpr(v.value),
        v.effective?.from?.value ?? null,
        v.effective?.until?.value ?? null,
      ]),
    ).toEqual([
      ["money:2000000fen/yuan/20_000", null, "2024-01-01"],
      ["money:5fen/fen", "2024-01-01T00:00+08:00", "2025-01-01"],
    ]);
    expect(d.versions[1]!.citations.map((c) => `${c.source.name}:${c.line} ${c.quote.value}`)).toEqual([
      "A:1 a",
      "B:2 b",
    ]);
  });

  test("param without versions", () => {
    const d = decl("param p: integer");
    expect(d.kind === "ParamDecl" && d.versions).toEqual([]);
  });

  test("let with a type", () => {
    const d = decl("let l: list of { a: integer?, from: string } = []");
    expect(stripSpans(d.kind === "LetDecl" && d.type)).toEqual({
      kind: "ListType",
      element: {
        kind: "RecordType",
        fields: [
          {
            name: { kind: "Identifier", name: "a" },
            type: { kind: "OptionalType", inner: { kind: "NamedType", name: "integer" } },
          },
          { name: { kind: "Identifier", name: "from" }, type: { kind: "NamedType", name: "string" } },
        ],
      },
    });
  });

  test.each(["boolean", "integer", "decimal", "percent", "money", "date", "datetime", "duration", "string"])(
    "type %s",
    (name) => {
      const d = decl(`let x: ${name} = y`);
      expect(d.kind === "LetDecl" && d.type).toMatchObject({ kind: "NamedType", name });
    },
  );

  test("rule with every clause, in any order", () => {
    const d = decl(
      'rule a.b "标题" cite F:1 "q1" implements FIL-1, FIL-2 effective from 2024-01-01 implements SEC-4 cite F:2 "q2"\n' +
        '  when x then reject "r" message "m {x}"\n' +
        '  except e1 "t1" when y implements FIL-3 cite F:3 "q3" then allow "a"\n' +
        "  except when z\n",
    );
    if (d.kind !== "RuleDecl") throw new Error(d.kind);
    expect(d.id.text).toBe("a.b");
    expect(d.title?.value).toBe("标题");
    expect(d.implements.map((n) => n.id)).toEqual(["FIL-1", "FIL-2", "SEC-4"]);
    expect(d.citations.map((c) => c.line)).toEqual([1, 2]);
    expect(d.effective?.from?.value).toBe("2024-01-01");
    expect(sexpr(d.when)).toBe("x");
    expect([d.effect.effect, d.effect.label.kind === "StringLit" && d.effect.label.value]).toEqual([
      "reject",
      "r",
    ]);
    expect(sexpr(d.effect.message!)).toBe('(template "m " {x})');
    expect(
      d.exceptions.map((e) => [
        e.name?.name ?? null,
        e.title?.value ?? null,
        sexpr(e.when),
        e.implements.length,
        e.citations.length,
        e.effect?.effect ?? null,
      ]),
    ).toEqual([
      ["e1", "t1", "y", 1, 1, "allow"],
      [null, null, "z", 0, 0, null],
    ]);
  });

  test.each(["reject", "require", "allow", "flag", "advise"])("effect %s", (verb) => {
    const d = decl(`rule r when x then ${verb} "label"`);
    expect(d.kind === "RuleDecl" && [d.effect.effect, d.effect.value]).toEqual([verb, null]);
  });

  test("assess effect", () => {
    const d = decl('rule r when x then assess deposit = min(a, 20_000 yuan) message "应缴 {deposit}"');
    if (d.kind !== "RuleDecl") throw new Error(d.kind);
    expect(d.effect.effect).toBe("assess");
    expect(d.effect.label).toMatchObject({ kind: "Identifier", name: "deposit" });
    expect(sexpr(d.effect.value!)).toBe("(call min a money:2000000fen/yuan/20_000)");
  });

  test.each([
    ['"plain"', '(template "plain")'],
    ['""', "(template )"],
    ['"{{literal}} {a}"', '(template "{literal} " {a})'],
    ['"a {b.c ?? \\"无\\"} d"', '(template "a " {(?? (. b c) "无")} " d")'],
    ['"{ {k: 1} }"', "(template {{k: int:1}})"],
    ['"\\u{7B}x\\u{7D}"', '(template "{x}")'],
    ['"{count x in l: x > 1}次"', '(template {(count x l (> x int:1))} "次")'],
  ])("message template %s", (text, expected) => {
    const d = decl(`rule r when x then flag "f" message ${text}`);
    expect(d.kind === "RuleDecl" && sexpr(d.effect.message!)).toBe(expected);
  });
});

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === "object") {
    if ("kind" in node && "span" in node) visit(node as Node);
    for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "lineSpan") walk(v, visit);
  }
}

describe("spans", () => {
  const text =
    HEADER +
    'source FIL file "f.txt" sha256 "h"\n' +
    'let 类目 = ["社交/**"] # c\n' +
    'param p: integer? = 1 cite FIL:2 "引"\n' +
    'rule r.s "标题"\n  implements FIL-7\n  when (a.b + 2) in 类目 and f(x) is absent\n  then allow "ok" message "值 {a.b} 尾"\n  except e when not y\n';

  test("every node's span lies inside its parent's and inside the text", () => {
    const file = parsePolicy(text, "t.norma").value!;
    const check = (node: unknown, parent: Span): void => {
      if (Array.isArray(node)) return node.forEach((n) => check(n, parent));
      if (!node || typeof node !== "object") return;
      let here = parent;
      if ("span" in node) {
        const span = (node as { span: Span }).span;
        expect(span.start).toBeGreaterThanOrEqual(parent.start);
        expect(span.end).toBeLessThanOrEqual(parent.end);
        expect(span.start).toBeLessThanOrEqual(span.end);
        here = span;
      }
      for (const [k, v] of Object.entries(node)) if (k !== "span" && k !== "lineSpan") check(v, here);
    };
    check(file, { start: 0, end: text.length });
  });

  test("spans quote what the author wrote", () => {
    const file = parsePolicy(text, "t.norma").value!;
    const quoted: string[] = [];
    walk(file, (n) => {
      if (
        n.kind === "Identifier" ||
        n.kind === "NormRef" ||
        n.kind === "BinaryExpr" ||
        n.kind === "TestExpr" ||
        n.kind === "PresenceExpr" ||
        n.kind === "Citation"
      )
        quoted.push(text.slice(n.span.start, n.span.end));
    });
    expect(quoted).toEqual([
      "t",
      "t",
      "facts",
      "FIL",
      "类目",
      "p",
      'cite FIL:2 "引"',
      "FIL",
      "r",
      "s",
      "FIL-7",
      "(a.b + 2) in 类目 and f(x) is absent",
      "(a.b + 2) in 类目",
      "a.b + 2",
      "b",
      "f(x) is absent",
      "f",
      "b",
      "e",
    ]);
  });

  test("a message hole's spans point into the string in the file", () => {
    const file = parsePolicy(text, "t.norma").value!;
    const rule = file.declarations[3]!;
    if (rule.kind !== "RuleDecl") throw new Error(rule.kind);
    const parts = rule.effect.message!.parts;
    expect(parts.map((p) => text.slice(p.span.start, p.span.end))).toEqual(["值 ", "{a.b}", " 尾"]);
    const hole = parts[1]!;
    expect(hole.kind === "Hole" && text.slice(hole.expr.span.start, hole.expr.span.end)).toBe("a.b");
  });

  test("OptionalType's inner span excludes the `?`", () => {
    const d = decl("let x: list of string ? = 1");
    if (d.kind !== "LetDecl" || d.type?.kind !== "ListType" || d.type.element.kind !== "OptionalType")
      throw new Error("shape");
    const t = HEADER + "let x: list of string ? = 1";
    expect(t.slice(d.type.element.inner.span.start, d.type.element.inner.span.end)).toBe("string");
  });
});

describe("recovery", () => {
  test("every syntax error in a file is reported in one run, and the rest is still parsed", () => {
    const result = parsePolicy(
      HEADER +
        "rule a when x then reject\n" +
        'rule b cite F:1 when y then allow "b"\n' +
        "let c = (1 + \n" +
        'rule d when z then flag "d"\n',
      "t.norma",
    );
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "parse/unexpected-token expected a string after `reject`, found `rule`",
      "parse/missing-citation-quote expected the quoted words of the cited line after `cite F:1`, found `when`",
      "parse/unexpected-token expected an expression after `+`, found `rule`",
    ]);
    expect(result.value!.declarations.map((d) => d.kind === "RuleDecl" && d.id.text)).toEqual([
      "a",
      "b",
      false,
      "d",
    ]);
  });

  test("missing pieces become ErrorExpr and placeholder nodes", () => {
    const result = parsePolicy(HEADER + "let a = \nlet b = 1\n", "t.norma");
    expect(result.diagnostics).toHaveLength(1);
    const a = result.value!.declarations[0]!;
    expect(a.kind === "LetDecl" && a.value.kind).toBe("ErrorExpr");
  });

  test("an unterminated string does not stop the parse", () => {
    const result = parsePolicy(HEADER + 'let a = "abc\nlet b = 2\n', "t.norma");
    expect(result.diagnostics.map((d) => d.code)).toEqual(["parse/unterminated-string"]);
    expect(result.value!.declarations).toHaveLength(2);
  });

  test("a second `policy` header is an unexpected declaration", () => {
    const result = parsePolicy(HEADER + HEADER + "let a = 1\n", "t.norma");
    expect(result.diagnostics.map((d) => [d.code, d.help])).toEqual([
      ["parse/unexpected-token", "a file declares one policy; move this one to a file of its own"],
    ]);
  });
});
