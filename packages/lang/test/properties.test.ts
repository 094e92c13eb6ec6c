/**
 * fast-check properties:
 * (a) parse(print(ast)) ≡ ast, spans aside: over generated ASTs and over every policy file;
 * (b) parsePolicy never throws and keeps every span inside the text, over random and mutated
 *     policy texts (mutations of the real policies and the fixtures).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parsePolicy, printPolicy, formatText, type Node, type Span } from "../src/index.js";
import { policyFile } from "./arbitraries.js";
import { FIXTURES, REPO, filesUnder, stripSpans } from "./helpers.js";

const POLICY_FILES = [
  ...filesUnder(join(REPO, "policies"), ".norma"),
  ...filesUnder(FIXTURES, ".norma").filter((p) => !p.includes("/diagnostics/")),
];
const CORPUS = POLICY_FILES.map((p) => readFileSync(p, "utf8"));
const BAD_CORPUS = filesUnder(join(FIXTURES, "diagnostics"), ".norma").map((p) => readFileSync(p, "utf8"));

describe("parse(print(ast)) equals ast, spans aside", () => {
  test("over generated ASTs", () => {
    fc.assert(
      fc.property(policyFile, (ast) => {
        const printed = printPolicy(ast, []);
        const reparsed = parsePolicy(printed, "generated.norma");
        expect(reparsed.diagnostics, printed).toEqual([]);
        expect(stripSpans(reparsed.value)).toEqual(stripSpans(ast));
      }),
      { numRuns: 400 },
    );
  });

  test.each(POLICY_FILES.map((p) => [p.slice(REPO.length), p]))("over %s", (_name, path) => {
    const text = readFileSync(path, "utf8");
    const ast = parsePolicy(text, path).value!;
    const printed = printPolicy(ast, ast.comments, text);
    const reparsed = parsePolicy(printed, path);
    expect(reparsed.diagnostics).toEqual([]);
    expect(stripSpans({ ...reparsed.value!, comments: [] })).toEqual(stripSpans({ ...ast, comments: [] }));
    expect(reparsed.value!.comments.map((c) => c.text)).toEqual(ast.comments.map((c) => c.text));
  });
});

/**
 * Asserts the parser's guarantees on one input: no throw, every span inside the text, codes and
 * messages in the house style. (Plain checks rather than `expect`: this runs 10,000 times.)
 */
function checkParse(text: string): void {
  const result = parsePolicy(text, "fuzz.norma");
  for (const d of result.diagnostics) {
    const ok =
      d.span.start >= 0 &&
      d.span.start <= d.span.end &&
      d.span.end <= text.length &&
      /^parse\/[a-z-]+$/.test(d.code) &&
      !/^[A-Z]|\.$|\n/.test(d.message);
    if (!ok) throw new Error(`bad diagnostic ${JSON.stringify(d)} for a text of length ${text.length}`);
  }
  if (result.value) checkSpans(result.value, text.length);
  if (result.diagnostics.length === 0) {
    // a clean parse can be formatted, and formatting is idempotent
    const once = formatText(text, "fuzz.norma").value!;
    if (formatText(once, "fuzz.norma").value !== once)
      throw new Error(`formatting is not idempotent on ${JSON.stringify(text)}`);
  }
}

function checkSpans(node: unknown, length: number): void {
  if (Array.isArray(node)) return node.forEach((n) => checkSpans(n, length));
  if (!node || typeof node !== "object") return;
  if ("span" in node) {
    const span = (node as { span: Span }).span;
    if (!(span.start >= 0 && span.start <= span.end && span.end <= length))
      throw new Error(`span ${JSON.stringify(span)} of ${(node as Node).kind} outside [0, ${length}]`);
  }
  for (const [k, v] of Object.entries(node)) if (k !== "span") checkSpans(v, length);
}

const TOKENS = [
  "policy",
  "rule",
  "when",
  "then",
  "except",
  "cite",
  "implements",
  "effective",
  "from",
  "until",
  "let",
  "param",
  "source",
  "lexicon",
  "message",
  "reject",
  "allow",
  "assess",
  "any",
  "all",
  "count",
  "in",
  "not",
  "and",
  "or",
  "if",
  "else",
  "is",
  "absent",
  "contains",
  "of",
  "matches",
  "yuan",
  "fen",
  "natural",
  "days",
  "list",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  ".",
  "=",
  "==",
  "<",
  ">=",
  "??",
  "+",
  "-",
  "*",
  "/",
  "?",
  "@",
  "#",
  '"',
  '"{x}"',
  '"a\\q"',
  "FIL-7",
  "20_000",
  "1.5",
  "10%",
  "2022-02-30",
  "2022-01-14T08:00+08:00",
  "报备",
  "x",
  "a.b",
  "\n",
  "\r\n",
  "\uFEFF",
  "“",
  "＋",
  "\u0000",
  "\\",
];

/** Random edits of a real policy text. */
const mutated: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...CORPUS, ...BAD_CORPUS),
    fc.array(
      fc.tuple(
        fc.constantFrom("delete", "insert", "duplicate", "token", "bytes", "nest", "truncate"),
        fc.nat(),
        fc.nat({ max: 200 }),
        fc.constantFrom(...TOKENS),
        fc.string({ unit: "binary", maxLength: 8 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.nat(),
  )
  .map(([base, edits, window]) => {
    // a window of the file keeps each case small (and quick); every file is a source of windows
    const start = window % Math.max(1, base.length - 800);
    let text = base.length > 800 ? base.slice(start, start + 800) : base;
    for (const [kind, at, len, token, bytes] of edits) {
      const i = at % (text.length + 1);
      switch (kind) {
        case "delete":
          text = text.slice(0, i) + text.slice(i + len);
          break;
        case "insert":
          text = text.slice(0, i) + base.slice(at % base.length, (at % base.length) + len) + text.slice(i);
          break;
        case "duplicate":
          text = text.slice(0, i + len) + text.slice(i, i + len) + text.slice(i + len);
          break;
        case "token":
          text = text.slice(0, i) + ` ${token} ` + text.slice(i);
          break;
        case "bytes":
          text = text.slice(0, i) + bytes + text.slice(i);
          break;
        case "nest":
          text = text.slice(0, i) + "(".repeat(len % 60) + text.slice(i);
          break;
        case "truncate":
          text = text.slice(0, i);
          break;
      }
    }
    return text;
  });

/** Token soup: a header and random tokens. */
const soup: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 60 })
  .map((tokens) => `policy f.z "z" reads facts@1\n${tokens.join(" ")}`);

describe("parsePolicy never throws and keeps spans inside the text", () => {
  test("over 10,000 random and mutated policy texts", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 6, arbitrary: mutated },
          { weight: 2, arbitrary: soup },
          { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
        ),
        checkParse,
      ),
      {
        numRuns: 10_000,
      },
    );
  });

  test.each([
    ["an empty file", ""],
    ["only a BOM", "\uFEFF"],
    ["binary bytes", String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ["lone surrogates", 'policy a.b "\uD800" reads facts@1\nlet x = "\uDC00"\n\uD83D'],
    ["a 1 MB line", `policy a.b "t" reads facts@1\nlet x = ${"a + ".repeat(250_000)}1\n`],
    ["a 1 MB string", `policy a.b "t" reads facts@1\nlet x = "${"字".repeat(1_000_000)}`],
    ["a 1 MB comment", `# ${"x".repeat(1_000_000)}\npolicy a.b "t" reads facts@1\n`],
    [
      "10,000 nested parentheses",
      `policy a.b "t" reads facts@1\nlet x = ${"(".repeat(10_000)}1${")".repeat(10_000)}\n`,
    ],
    [
      "10,000 unclosed parentheses",
      `policy a.b "t" reads facts@1\nlet x = ${"(".repeat(10_000)}\nlet y = 1\n`,
    ],
    ["10,000 nested lists", `policy a.b "t" reads facts@1\nlet x = ${"[".repeat(10_000)}`],
    [
      "10,000 nested holes",
      `policy a.b "t" reads facts@1\nrule r when x then flag "f" message "${"{(".repeat(5_000)}"\n`,
    ],
    ["10,000 minus signs", `policy a.b "t" reads facts@1\nlet x = ${"-".repeat(10_000)}1\n`],
    ["10,000 nots", `policy a.b "t" reads facts@1\nlet x = ${"not ".repeat(10_000)}a\n`],
    ["10,000 ifs", `policy a.b "t" reads facts@1\nlet x = ${"if a then ".repeat(10_000)}`],
    ["10,000 quantifiers", `policy a.b "t" reads facts@1\nlet x = ${"any x in l: ".repeat(10_000)}x\n`],
    ["10,000 list types", `policy a.b "t" reads facts@1\nparam p: ${"list of ".repeat(10_000)}integer\n`],
    ["10,000 member accesses", `policy a.b "t" reads facts@1\nlet x = a${".b".repeat(10_000)}\n`],
    ["10,000 errors", `policy a.b "t" reads facts@1\n${"let = ) ".repeat(10_000)}`],
    ["CRLF and lone CR", 'policy a.b "t" reads facts@1\r\nlet x = 1\rlet y = "a\r'],
    ["an unterminated string at the end", 'policy a.b "t" reads facts@1\nlet x = "abc\\'],
  ])("%s", (_name, text) => {
    const started = performance.now();
    checkParse(text);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("nesting beyond the limits is reported as parse/too-deep", () => {
    for (const text of [
      `policy a.b "t" reads facts@1\nlet x = ${"(".repeat(10_000)}1${")".repeat(10_000)}\n`,
      `policy a.b "t" reads facts@1\nlet x = ${"-".repeat(10_000)}1\n`,
      `policy a.b "t" reads facts@1\nparam p: ${"list of ".repeat(10_000)}integer\n`,
    ]) {
      expect(parsePolicy(text, "deep.norma").diagnostics.map((d) => d.code)).toContain("parse/too-deep");
    }
  });
});
