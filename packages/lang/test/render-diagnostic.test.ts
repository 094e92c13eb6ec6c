/** The code-frame renderer and the JSON form. */
import { describe, expect, test } from "vitest";
import { SourceText, formatDiagnosticsJson, renderDiagnostic, type Diagnostic } from "../src/index.js";

function diag(start: number, end: number, extra: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code: "parse/x",
    severity: "error",
    message: "a message",
    span: { start, end },
    file: "f.norma",
    ...extra,
  };
}

function render(text: string, start: number, end: number, extra: Partial<Diagnostic> = {}): string {
  return renderDiagnostic(diag(start, end, extra), new SourceText("f.norma", text));
}

describe("renderDiagnostic", () => {
  test("location line, frame with carets, help", () => {
    expect(render("let a = 1 < 2 < 3\n", 14, 15, { help: "do this" })).toBe(
      [
        "f.norma:1:15: error[parse/x]: a message",
        "  |",
        "1 | let a = 1 < 2 < 3",
        "  |               ^",
        "  = help: do this",
        "",
      ].join("\n"),
    );
  });

  test("columns count code points; carets under wide characters are two columns each", () => {
    const text = "let 报备类目 = 社交 < 3\n";
    const start = text.indexOf("社交");
    expect(render(text, start, start + 2)).toBe(
      [
        "f.norma:1:12: error[parse/x]: a message",
        "  |",
        "1 | let 报备类目 = 社交 < 3",
        "  |                ^^^^",
        "",
      ].join("\n"),
    );
  });

  test("a character outside the BMP is one column", () => {
    const text = 'let a = "😀" + b\n';
    expect(render(text, text.indexOf("b"), text.indexOf("b") + 1).split("\n")[0]).toBe(
      "f.norma:1:15: error[parse/x]: a message",
    );
  });

  test("a zero-width span at the end of the file gets one caret after the last character", () => {
    const text = "let a = 1 +";
    expect(render(text, 11, 11).split("\n").slice(2, 4)).toEqual(["1 | let a = 1 +", "  |            ^"]);
  });

  test("a multi-line span underlines each line it covers", () => {
    const text = "rule r\n  when a\n    and b\n  then x\n";
    const start = text.indexOf("a\n");
    const end = text.indexOf("b") + 1;
    expect(render(text, start, end).split("\n").slice(1, 6)).toEqual([
      "  |",
      "2 |   when a",
      "  |        ^",
      "3 |     and b",
      "  |     ^^^^^",
    ]);
  });

  test("a long multi-line span shows its first and last lines", () => {
    const text = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n");
    const out = render(text, 0, text.length).split("\n");
    expect(out.filter((l) => /^ ?\d+ \|/.test(l)).map((l) => l.split(" |")[0]!.trim())).toEqual([
      "1",
      "2",
      "3",
      "4",
      "19",
      "20",
    ]);
    expect(out).toContain("...");
  });

  test("tabs are shown as four spaces and the caret follows", () => {
    expect(render("\tlet a = x\n", 9, 10).split("\n").slice(2, 4)).toEqual([
      "1 |     let a = x",
      "  |             ^",
    ]);
  });

  test("control characters are shown as U+FFFD", () => {
    expect(render("a\u0001b\n", 1, 2).split("\n").slice(2, 4)).toEqual(["1 | a\uFFFDb", "  |  ^"]);
  });

  test("a very long line is cut around the span", () => {
    const text = "x".repeat(5000) + "ERR" + "y".repeat(5000);
    const out = render(text, 5000, 5003).split("\n");
    expect(out[2]!.length).toBeLessThan(120);
    expect(out[2]).toContain("ERR");
    expect(out[2]!.startsWith("1 | …")).toBe(true);
    expect(out[3]!.indexOf("^^^")).toBe(out[2]!.indexOf("ERR"));
  });

  test("CRLF and lone CR line breaks", () => {
    expect(render("a\r\nbad\r\n", 3, 6).split("\n").slice(0, 4)).toEqual([
      "f.norma:2:1: error[parse/x]: a message",
      "  |",
      "2 | bad",
      "  | ^^^",
    ]);
    expect(render("a\rbad", 2, 5).split("\n")[0]).toBe("f.norma:2:1: error[parse/x]: a message");
  });

  test("spans outside the text are clamped", () => {
    expect(render("abc", 10, 20).split("\n")[0]).toBe("f.norma:1:4: error[parse/x]: a message");
  });

  test("the gutter widens with the line number", () => {
    const text = "\n".repeat(99) + "bad";
    expect(render(text, 99, 102).split("\n").slice(1, 4)).toEqual(["    |", "100 | bad", "    | ^^^"]);
  });

  test("warnings, related notes and colours", () => {
    const text = "let a = 1\nlet a = 2\n";
    const d = diag(14, 15, {
      severity: "warning",
      related: [{ message: "first declared here", span: { start: 4, end: 5 }, file: "f.norma" }],
    });
    const plain = renderDiagnostic(d, new SourceText("f.norma", text));
    expect(plain).toContain("f.norma:2:5: warning[parse/x]: a message");
    expect(plain).toContain("  = note: first declared here (f.norma:1:5)");
    const colored = renderDiagnostic(d, new SourceText("f.norma", text), { color: true });
    expect(colored).toContain("\x1b[1;33mwarning\x1b[0m");
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
    expect(colored.replace(ansi, "")).toBe(plain);
  });
});

describe("formatDiagnosticsJson", () => {
  test("1-based lines and code-point columns, exclusive end, help or null", () => {
    const text = "policy 报备.x\nlet 类目 = 😀 + 1\n";
    const start = text.indexOf("😀");
    const json = formatDiagnosticsJson(
      [diag(start, start + 2, { help: "h" }), diag(0, 6, { file: "other.norma" })],
      new Map([["f.norma", new SourceText("f.norma", text)]]),
    );
    expect(json).toEqual([
      {
        code: "parse/x",
        severity: "error",
        message: "a message",
        file: "f.norma",
        line: 2,
        column: 10,
        endLine: 2,
        endColumn: 11,
        help: "h",
        fix: null,
      },
      {
        code: "parse/x",
        severity: "error",
        message: "a message",
        file: "other.norma",
        line: 0,
        column: 0,
        endLine: 0,
        endColumn: 0,
        help: null,
        fix: null,
      },
    ]);
  });

  test("a quick fix's edits are placed like the diagnostic", () => {
    const text = "policy 报备.x\nlet 类目 = 😀 + lenght(x)\n";
    const start = text.indexOf("lenght");
    const span = { start, end: start + 6 };
    const [d] = formatDiagnosticsJson(
      [
        {
          ...diag(start, start + 6),
          fix: { title: "change to `length`", edits: [{ span, text: "length" }] },
        },
      ],
      [new SourceText("f.norma", text)],
    );
    expect(d!.fix).toEqual({
      title: "change to `length`",
      edits: [{ line: 2, column: 14, endLine: 2, endColumn: 20, text: "length" }],
    });
  });

  test("accepts a list of sources", () => {
    const [d] = formatDiagnosticsJson([diag(4, 5)], [new SourceText("f.norma", "abc\ndef")]);
    expect([d!.line, d!.column, d!.endLine, d!.endColumn]).toEqual([2, 1, 2, 2]);
  });
});
