/** The lexer: one table row per token form, then comments, keywords and bad input. */
import { describe, expect, test } from "vitest";
import { tokenize } from "../src/index.js";

function lex(text: string): string[] {
  return tokenize(text, "t.norma").tokens.map((t) => `${t.tokenType.name} ${t.image}`);
}

describe("tokens", () => {
  test.each([
    ["报备类目", ["Identifier 报备类目"]],
    ["_x1 a_b 类目2 é", ["Identifier _x1", "Identifier a_b", "Identifier 类目2", "Identifier é"]],
    ["when whenever 然后when", ["When when", "Identifier whenever", "Identifier 然后when"]],
    ['"a\\"b" "社交/**" ""', ['StringLiteral "a\\"b"', 'StringLiteral "社交/**"', 'StringLiteral ""']],
    ['"open', ['UnterminatedString "open']],
    ["123 20_000 007", ["IntLiteral 123", "IntLiteral 20_000", "IntLiteral 007"]],
    ["1.25 0.5", ["DecimalLiteral 1.25", "DecimalLiteral 0.5"]],
    ["10% 12.5%", ["PercentLiteral 10%", "PercentLiteral 12.5%"]],
    ["20_000 yuan 5 fen", ["IntLiteral 20_000", "Yuan yuan", "IntLiteral 5", "Fen fen"]],
    ["7 natural days", ["IntLiteral 7", "Natural natural", "Days days"]],
    ["2022-01-14", ["DateLiteral 2022-01-14"]],
    [
      "2022-03-01T23:50:00+08:00 2022-03-01T23:50 2022-03-01T15:50Z",
      [
        "DateTimeLiteral 2022-03-01T23:50:00+08:00",
        "DateTimeLiteral 2022-03-01T23:50",
        "DateTimeLiteral 2022-03-01T15:50Z",
      ],
    ],
    ["FIL-7 SEC-10", ["NormId FIL-7", "NormId SEC-10"]],
    ["FIL-7x", ["Identifier FIL", "Minus -", "IntLiteral 7", "Identifier x"]],
    ["fil-7", ["Identifier fil", "Minus -", "IntLiteral 7"]],
    ["facts@1", ["Identifier facts", "At @", "IntLiteral 1"]],
    [
      "( ) [ ] { } , : . = ? @ + - * / == != < <= > >= ??",
      [
        "LParen (",
        "RParen )",
        "LBracket [",
        "RBracket ]",
        "LBrace {",
        "RBrace }",
        "Comma ,",
        "Colon :",
        "Dot .",
        "Equals =",
        "Question ?",
        "At @",
        "Plus +",
        "Minus -",
        "Star *",
        "Slash /",
        "EqEq ==",
        "NotEq !=",
        "Lt <",
        "LtEq <=",
        "Gt >",
        "GtEq >=",
        "QuestionQuestion ??",
      ],
    ],
    ["a.b.c", ["Identifier a", "Dot .", "Identifier b", "Dot .", "Identifier c"]],
    ["x.message", ["Identifier x", "Dot .", "Message message"]],
  ])("%s", (text, expected) => {
    const result = tokenize(text, "t.norma");
    expect(result.tokens.map((t) => `${t.tokenType.name} ${t.image}`)).toEqual(expected);
    expect(result.diagnostics.filter((d) => d.code === "parse/invalid-character")).toEqual([]);
  });

  test("every token's offsets cover its image", () => {
    const text = 'policy 报备.x "标题" reads facts@1 # c\r\nlet a = 20_000 yuan';
    for (const t of tokenize(text, "t.norma").tokens) {
      expect(text.slice(t.startOffset, t.endOffset! + 1)).toBe(t.image);
    }
  });
});

describe("keywords", () => {
  const words =
    "policy reads source file sha256 edited url retrieved lexicon from param let rule implements cite effective until when then except message reject require allow flag advise assess boolean integer decimal percent money date datetime duration string list of any all none count sum find in if else or and not matches contains starts with ends is absent present true false yuan fen natural day days hour hours minute minutes second seconds";
  test.each(words.split(" "))("`%s` is reserved", (word) => {
    const [token] = tokenize(word, "t.norma").tokens;
    expect(token!.tokenType.name).not.toBe("Identifier");
    expect(token!.tokenType.name.toLowerCase()).toBe(word);
  });
  test("near-keywords are identifiers", () => {
    expect(lex("Rule WHEN policys as_of")).toEqual([
      "Identifier Rule",
      "Identifier WHEN",
      "Identifier policys",
      "Identifier as_of",
    ]);
  });
});

describe("comments", () => {
  test("are kept apart from the tokens, without `#` and trailing blanks", () => {
    const result = tokenize("let a = 1 # 说明  \r\n# second\n#\nlet b = 2", "t.norma");
    expect(result.comments.map((c) => [c.text, c.span.start, c.span.end])).toEqual([
      [" 说明", 10, 14],
      [" second", 18, 26],
      ["", 27, 28],
    ]);
    expect(result.tokens.map((t) => t.image)).toEqual(["let", "a", "=", "1", "let", "b", "=", "2"]);
  });
  test("a `#` inside a string is not a comment", () => {
    expect(tokenize('"a # b"', "t.norma").comments).toEqual([]);
  });
});

describe("bad input", () => {
  test("a byte-order mark at the start is skipped, elsewhere it is a bad character", () => {
    expect(tokenize("\uFEFFlet", "t.norma").diagnostics).toEqual([]);
    expect(tokenize("let\uFEFF", "t.norma").diagnostics.map((d) => d.code)).toEqual([
      "parse/invalid-character",
    ]);
  });
  test.each([
    ["let a = 1 ＋ 2", "unexpected character `＋`", "replace the full-width `＋` with `+`"],
    ["a：b", "unexpected character `：`", "replace the full-width `：` with `:`"],
    ["“x”", "unexpected character `“`", 'strings use straight double quotes: `"…"`'],
    ["'x'", "unexpected character `'`", 'strings use double quotes: `"…"`'],
    ["a && b", "unexpected characters `&&`", "write `and`"],
    ["a || b", "unexpected characters `||`", "write `or`"],
    ["!a", "unexpected character `!`", "write `not`, or `!=` for inequality"],
    ["a\u3000b", "unexpected character `U+3000`", "replace it with an ordinary space"],
    ["a \u0001 b", "unexpected character `U+0001`", undefined],
    ["a ≥ b", "unexpected character `≥`", "write `>=`"],
  ])("%j", (text, message, help) => {
    const [d] = tokenize(text, "t.norma").diagnostics;
    expect(d?.code).toBe("parse/invalid-character");
    expect(d?.message).toBe(message);
    expect(d?.help).toBe(help);
  });
  test("a run of bad characters is one diagnostic, and lexing goes on after it", () => {
    const result = tokenize("a \u0000\u0001\u0002 b", "t.norma");
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.span).toEqual({ start: 2, end: 5 });
    expect(result.tokens.map((t) => t.image)).toEqual(["a", "b"]);
  });
  test.each([
    ['"\\q"', "unknown escape `\\q` in a string"],
    ['"\\u{110000}"', "`\\u{110000}` is not a Unicode scalar value"],
    ['"\\u12"', "`\\u` must be followed by 1 to 6 hex digits in braces"],
    ['"abc\\', "a `\\` at the end of a string escapes nothing"],
  ])("string %s", (text, message) => {
    expect(tokenize(text, "t.norma").diagnostics.map((d) => d.message)).toContain(message);
  });
});
