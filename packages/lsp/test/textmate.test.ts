import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEYWORDS } from "@norma/lang";

const REPO = join(import.meta.dirname, "../../..");

describe("the VS Code grammar", () => {
  it("highlights every keyword the lexer reserves, and no other word", () => {
    const grammar = JSON.parse(
      readFileSync(join(REPO, "editors/vscode/syntaxes/norma.tmLanguage.json"), "utf8"),
    ) as {
      repository: { keywords: { patterns: Array<{ match: string }> } };
    };
    const words = grammar.repository.keywords.patterns.flatMap((p) =>
      /\(([^)]*)\)/.exec(p.match)![1]!.split("|"),
    );
    expect(new Set(words)).toEqual(new Set(KEYWORDS.keys()));
  });
});
