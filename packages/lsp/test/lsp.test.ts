import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  analyze,
  codeActionsAt,
  completeAt,
  definitionAt,
  formatDocument,
  hoverAt,
  LineIndex,
  outlineOf,
} from "../src/index.js";
import { startLspClient } from "./lsp-client.js";
import { applyEdits, at } from "./text-helpers.js";

const REPO = join(import.meta.dirname, "../../..");
const FILE = join(REPO, "policies/filing/review.norma");
const TEXT = readFileSync(FILE, "utf8");
const SEEDS = join(REPO, "../shared/seeds");
const PRIVACY = join(REPO, "policies/privacy/guide.norma");

describe("language server analyses", () => {
  it("a real policy has no diagnostics; a typo gets one at the right place with a did-you-mean", () => {
    expect(analyze(FILE, TEXT).diagnostics).toEqual([]);
    const typo = TEXT.replace("filing.status", "filing.statsu");
    const a = analyze(FILE, typo);
    expect(a.diagnostics[0]).toMatchObject({
      code: "check/unknown-field",
      severity: "error",
      range: { start: at(typo, "statsu") },
    });
    expect(a.diagnostics[0]!.message).toContain("did you mean `status`?");
  });

  it("hover shows the type and the facts schema's description, through quantifier bindings", () => {
    const a = analyze(FILE, TEXT);
    const h = hoverAt(a, at(TEXT, "filing.status", 8));
    expect(h?.markdown).toContain("`filing.status`: `string`");
    expect(h?.markdown.split("\n").length).toBeGreaterThan(2);
    // `s.kind` where `s` is bound by `any s in submissions`: described as `submissions[].kind`
    const hb = hoverAt(a, at(TEXT, "s.kind", 3));
    expect(hb?.markdown).toContain("`s.kind`: `string`");
    expect(hb?.markdown).toMatch(/first/);
  });

  it.each([
    ["facts field", "filing.status", "filing.statsu", "change to `status`"],
    ["function", "length(s.filingCategories)", "lenght(s.filingCategories)", "change to `length`"],
    ["enum value (quoted)", 's.kind == "first"', 's.kind == "frist"', "change to `first`"],
    ["let", "s.id == 最新提审号", "s.id == 最新提审", "change to `最新提审号`"],
    ["source id", "cite FIL:25", "cite FLI:25", "change to `FIL`"],
  ])("offers a quick fix for a misspelt %s, which the check then accepts", (_, right, wrong, title) => {
    const typo = TEXT.replace(right, wrong);
    const a = analyze(FILE, typo);
    expect(a.diagnostics).toHaveLength(1);
    const fixes = codeActionsAt(a, a.diagnostics[0]!.range);
    expect(fixes.map((f) => f.title)).toEqual([title]);
    const fixed = applyEdits(typo, fixes[0]!.edits);
    expect(fixed).toBe(TEXT);
    // nothing is offered away from the diagnostic
    expect(codeActionsAt(a, { start: at(typo, "policy"), end: at(typo, "policy", 3) })).toEqual([]);
  });

  it("goes to the definition of lets, bound variables, sources, cited lines and lexicon files", () => {
    const a = analyze(FILE, TEXT, { sourcesDir: SEEDS });
    const use = TEXT.indexOf("最新提审号", TEXT.indexOf("s.id == 最新提审号"));
    const index = new LineIndex(TEXT);
    expect(definitionAt(a, index.position(use + 2))).toEqual({
      file: FILE,
      range: { start: at(TEXT, "最新提审号"), end: at(TEXT, "最新提审号", 5) },
    });
    // `s` in `s.kind == "first"`: the `s` of the `any s in submissions` around it
    const bound = TEXT.indexOf("any s in submissions");
    expect(definitionAt(a, at(TEXT, 's.kind == "first"'))?.range.start).toEqual(index.position(bound + 4));
    // a citation's source id: the source declaration; its quote: the cited line of the document
    expect(definitionAt(a, at(TEXT, "cite FIL:25", 6))?.range.start).toEqual(at(TEXT, "source FIL", 7));
    expect(definitionAt(a, at(TEXT, "在小程序涉及报备类目的版本首次提审时"))).toEqual({
      file: join(SEEDS, "001_15365efda3bcd81e.txt"),
      range: { start: { line: 24, character: 0 }, end: { line: 24, character: 0 } },
    });
    // without a sources directory the quote goes to the source declaration
    expect(definitionAt(analyze(FILE, TEXT), at(TEXT, "在小程序涉及报备类目的版本首次提审时"))?.file).toBe(
      FILE,
    );
    const privacy = readFileSync(PRIVACY, "utf8");
    const p = analyze(PRIVACY, privacy);
    expect(definitionAt(p, at(privacy, "privacy-vague-purposes.yaml"))?.file).toBe(
      join(REPO, "policies/lexicons/privacy-vague-purposes.yaml"),
    );
    // a lexicon's name where it is used: its declaration
    const used = privacy.indexOf("vague_purposes", privacy.indexOf("rule "));
    expect(definitionAt(p, new LineIndex(privacy).position(used))?.range.start).toEqual(
      at(privacy, "lexicon vague_purposes", 8),
    );
    // a facts field has no definition in the file
    expect(definitionAt(a, at(TEXT, "filing.status", 8))).toBeNull();
  });

  it("hover on a citation shows the cited line, and says whether the quote is on it", () => {
    const a = analyze(FILE, TEXT, { sourcesDir: SEEDS });
    const h = hoverAt(a, at(TEXT, "cite FIL:25", 2));
    expect(h?.markdown).toContain("**FIL:25** (the quote is on this line)");
    expect(h?.markdown).toContain("> ");
    expect(h?.markdown).toContain("在小程序涉及报备类目的版本首次提审时");
    const moved = TEXT.replace("cite FIL:25", "cite FIL:26");
    const b = analyze(FILE, moved, { sourcesDir: SEEDS });
    expect(hoverAt(b, at(moved, "cite FIL:26", 2))?.markdown).toContain(
      "the quote is **not** on this line (it is on line 25)",
    );
    // and the check, given the sources, reports it as you type
    expect(b.diagnostics.map((d) => d.code)).toContain("check/quote-not-found");
    expect(hoverAt(analyze(FILE, TEXT), at(TEXT, "cite FIL:25", 2))).toBeNull();
  });

  it("outlines the policy: its declarations in order, exceptions under their rules", () => {
    const o = outlineOf(analyze(FILE, TEXT));
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ name: "filing.review", kind: "policy" });
    const kids = o[0]!.children;
    expect(kids.map((k) => k.kind).slice(0, 3)).toEqual(["source", "let", "rule"]);
    expect(kids[1]).toMatchObject({ name: "最新提审号", detail: "string?" });
    const withException = kids.find((k) => k.children.length > 0)!;
    expect(withException.children[0]).toMatchObject({ kind: "exception", name: "均已报备" });
    expect(withException.selectionRange.start).toEqual(at(TEXT, withException.name));
    // a file with a syntax error still has an outline of what parsed
    expect(outlineOf(analyze(FILE, TEXT + "\nrule (")).length).toBe(1);
  });

  it("completes facts fields after a dot, also through lists", () => {
    const text = "when entity.";
    expect(completeAt(text, { line: 0, character: text.length }).map((c) => c.label)).toContain("type");
    const list = "when submissions.";
    expect(completeAt(list, { line: 0, character: list.length }).map((c) => c.label)).toContain("codeReview");
    expect(completeAt("when 3 ", { line: 0, character: 7 })).toEqual([]);
  });

  it("formats, and refuses to format text with syntax errors", () => {
    expect(formatDocument(FILE, TEXT)).toBe(TEXT);
    expect(formatDocument(FILE, TEXT + "\nrule (")).toBeNull();
  });
});

describe("norma lsp over stdio", () => {
  it("answers initialize and publishes diagnostics for an opened document", async () => {
    const client = startLspClient(REPO);
    try {
      expect(await client.initialize()).toMatchObject({
        hoverProvider: true,
        definitionProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        documentFormattingProvider: true,
      });
      const uri = pathToFileURL(FILE).href;
      client.send({
        method: "textDocument/didOpen",
        params: {
          textDocument: {
            uri,
            languageId: "norma",
            version: 1,
            text: TEXT.replace("filing.status", "filing.statsu"),
          },
        },
      });
      const diag = await client.waitFor((m) => m.method === "textDocument/publishDiagnostics");
      expect(diag.params?.diagnostics?.map((d) => d.code)).toContain("check/unknown-field");
      const typo = TEXT.replace("filing.status", "filing.statsu");
      const range = { start: at(typo, "statsu"), end: at(typo, "statsu", 6) };
      const action = await client.request(3, "textDocument/codeAction", {
        textDocument: { uri },
        range,
        context: { diagnostics: [] },
      });
      expect(action.result).toEqual([
        expect.objectContaining({
          title: "change to `status`",
          kind: "quickfix",
          edit: { changes: { [uri]: [{ range, newText: "status" }] } },
        }),
      ]);
      const symbols = await client.request(4, "textDocument/documentSymbol", { textDocument: { uri } });
      expect((symbols.result as Array<{ name: string }>).map((s) => s.name)).toEqual(["filing.review"]);
      // no workspace root (`rootUri: null`): no conformance cases, so no code lens
      const lenses = await client.request(5, "textDocument/codeLens", { textDocument: { uri } });
      expect(lenses.result).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
