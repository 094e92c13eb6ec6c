/**
 * The formatter: goldens X.norma → X.norma.formatted, idempotence, meaning and comments kept, on
 * the goldens, the sample policies and every policy in the repository.
 */
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatText, parsePolicy, printPolicy } from "../src/index.js";
import { FIXTURES, REPO, expectGolden, filesUnder, stripSpans } from "./helpers.js";

const GOLDENS = filesUnder(join(FIXTURES, "fmt"), ".norma");
const POLICIES = [
  ...filesUnder(join(FIXTURES, "policies"), ".norma"),
  ...filesUnder(join(REPO, "policies"), ".norma"),
];

function formatted(text: string, file: string): string {
  const result = formatText(text, file);
  expect(result.diagnostics).toEqual([]);
  expect(result.value).not.toBeNull();
  return result.value!;
}

function commentTexts(text: string, file: string): string[] {
  return parsePolicy(text, file).value!.comments.map((c) => c.text);
}

describe("formatter goldens", () => {
  test.each(GOLDENS.map((p) => [basename(p), p]))("%s", (_name, path) => {
    const text = readFileSync(path, "utf8");
    const out = formatted(text, path);
    expectGolden(`${path}.formatted`, out);
  });
});

describe.each([
  ["golden inputs", GOLDENS],
  ["policies", POLICIES],
])("formatting %s", (_kind, files) => {
  test.each(files.map((p) => [p.slice(REPO.length), p]))("%s", (_name, path) => {
    const text = readFileSync(path, "utf8");
    const once = formatted(text, path);
    expect(formatted(once, path)).toBe(once);
    expect(stripSpans({ ...parsePolicy(once, path).value!, comments: [] })).toEqual(
      stripSpans({ ...parsePolicy(text, path).value!, comments: [] }),
    );
    expect(commentTexts(once, path)).toEqual(commentTexts(text, path));
  });
});

describe("formatText", () => {
  test("refuses a file with syntax errors and returns them", () => {
    const result = formatText('policy a.b "t" reads facts@1\nlet x = 1 < 2 < 3\n', "bad.norma");
    expect(result.value).toBeNull();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["parse/chained-comparison"]);
  });

  test("normalizes CRLF, a BOM and trailing blanks", () => {
    expect(formatted('\uFEFFpolicy a.b "t" reads facts@1   \r\n\r\n\r\nlet x = 1\r\n', "f.norma")).toBe(
      'policy a.b "t" reads facts@1\n\nlet x = 1\n',
    );
  });

  test("breaks a long and-chain one operand per line, operators leading", () => {
    const text = `policy a.b "t" reads facts@1\nlet x = ${Array.from({ length: 8 }, (_, i) => `condition_${i}`).join(" and ")}\n`;
    expect(formatted(text, "f.norma")).toBe(
      'policy a.b "t" reads facts@1\n\nlet x = condition_0\n' +
        Array.from({ length: 7 }, (_, i) => `  and condition_${i + 1}\n`).join(""),
    );
  });

  test("counts a Chinese character as two columns when deciding to break", () => {
    // `let x = ` is 8 columns, 25 × 甲 50, ` and ` 5: 5 × 乙 (10) fits in 80, 10 × 乙 (20) does not
    const short = `policy a.b "t" reads facts@1\nlet x = ${"甲".repeat(25)} and ${"乙".repeat(5)}\n`;
    expect(formatted(short, "f.norma")).toBe(short.replace("\n", "\n\n"));
    const long = `policy a.b "t" reads facts@1\nlet x = ${"甲".repeat(25)} and ${"乙".repeat(10)}\n`;
    expect(formatted(long, "f.norma")).toBe(long.replace("\n", "\n\n").replace(" and ", "\n  and "));
  });
});

describe("printPolicy", () => {
  test("without the source text, a trailing comment leads the next clause", () => {
    const text = 'policy a.b "t" reads facts@1\nlet x = 1 # one\nlet y = 2\n';
    const ast = parsePolicy(text, "f.norma").value!;
    expect(printPolicy(ast, ast.comments)).toBe(
      'policy a.b "t" reads facts@1\n\nlet x = 1\n\n# one\nlet y = 2\n',
    );
    expect(printPolicy(ast, ast.comments, text)).toBe(
      'policy a.b "t" reads facts@1\n\nlet x = 1  # one\n\nlet y = 2\n',
    );
  });

  test("adds the parentheses a synthesized AST needs", () => {
    const ast = parsePolicy('policy a.b "t" reads facts@1\nlet x = a\n', "f.norma").value!;
    const span = { start: 0, end: 0 };
    const name = (n: string) => ({ kind: "NameRef" as const, span, name: n });
    const decl = ast.declarations[0]!;
    if (decl.kind !== "LetDecl") throw new Error("expected a let");
    decl.value = {
      kind: "BinaryExpr",
      span,
      op: "*",
      left: { kind: "BinaryExpr", span, op: "+", left: name("a"), right: name("b") },
      right: {
        kind: "UnaryExpr",
        span,
        op: "-",
        operand: { kind: "UnaryExpr", span, op: "-", operand: name("c") },
      },
    };
    expect(printPolicy(ast, [])).toContain("let x = (a + b) * - -c\n");
  });
});
