/**
 * grammar/ stays true: the railroad diagrams are regenerated from the parser and must match the
 * committed file; every `norma` example in reference.md parses cleanly and is formatted; the EBNF
 * names every parser rule.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { formatText, parsePolicy } from "../src/index.js";
import { DIAGRAMS_PATH, generateDiagramsHtml, serializedGrammar } from "../src/generate-grammar.js";
import { SyntaxMessages } from "../src/parse-errors.js";
import { NormaParser } from "../src/parser.js";
import { REPO } from "./helpers.js";

const HEADER = 'policy reference.example "示例" reads facts@1';

describe("the parser's grammar", () => {
  // Processes skip these checks at start-up (they cost half the parser's construction).
  test("passes chevrotain's grammar validations (ambiguities, left recursion, …)", () => {
    expect(() => new NormaParser(new SyntaxMessages(), { validateGrammar: true })).not.toThrow();
  });
});

describe("grammar/diagrams.html", () => {
  test("is up to date with the parser (regenerate: pnpm --filter @norma/lang generate:grammar)", () => {
    expect(readFileSync(DIAGRAMS_PATH, "utf8")).toBe(generateDiagramsHtml());
  });
});

describe("grammar/reference.md", () => {
  const reference = readFileSync(join(REPO, "grammar", "reference.md"), "utf8");
  const blocks = [...reference.matchAll(/^```norma\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

  test("has examples", () => {
    expect(blocks.length).toBeGreaterThan(20);
  });

  test.each(
    blocks.map((b, i) => [i + 1, b.split("\n").find((l) => l && !l.startsWith("#")) ?? "", b] as const),
  )("example %i (%s) parses cleanly and is formatted", (_i, _first, block) => {
    const text = block.startsWith("policy") || block.startsWith("#") ? block : `${HEADER}\n\n${block}`;
    const parsed = parsePolicy(text, "reference.md");
    expect(parsed.diagnostics).toEqual([]);
    expect(formatText(text, "reference.md").value).toBe(text);
  });
});

describe("grammar/norma.ebnf", () => {
  const ebnf = readFileSync(join(REPO, "grammar", "norma.ebnf"), "utf8").replace(/\(\*[\s\S]*?\*\)/g, "");
  const defined = new Set([...ebnf.matchAll(/^([a-zA-Z]+)\s*=/gm)].map((m) => m[1]!));
  const rules = serializedGrammar().map((r) => (r as unknown as { name: string }).name);

  test("defines every parser rule", () => {
    expect(rules.filter((r) => !defined.has(r))).toEqual([]);
  });

  test("defines nothing beyond the parser's rules and the lexical grammar", () => {
    const lexical = [
      "comment",
      "word",
      "identifier",
      "string",
      "escape",
      "integer",
      "decimal",
      "percent",
      "date",
      "datetime",
      "normid",
      "keyword",
      "anyName",
      "template",
    ];
    expect([...defined].filter((d) => !rules.includes(d) && !lexical.includes(d))).toEqual([]);
  });
});
