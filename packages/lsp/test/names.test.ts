import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { BUILTIN_FUNCTIONS } from "@norma/compiler";
import {
  analyze,
  completeAt,
  definitionAt,
  LineIndex,
  prepareRenameAt,
  referencesAt,
  renameAt,
  type Range,
  type TextEdit,
} from "../src/index.js";
import { startLspClient } from "./lsp-client.js";
import { applyEdits, at } from "./text-helpers.js";

const REPO = join(import.meta.dirname, "../../..");
const REVIEW = join(REPO, "policies/filing/review.norma");
const REVIEW_TEXT = readFileSync(REVIEW, "utf8");
const PRIVACY = join(REPO, "policies/privacy/guide.norma");
const PRIVACY_TEXT = readFileSync(PRIVACY, "utf8");

/** A small policy (not on disk) for scoping: a let `x` shadowed by a bound `x`, two bound `s`. */
const SCOPING = join(REPO, "policies/filing/scoping.norma");
const SCOPING_TEXT = `policy filing.scoping "作用域" reads facts@1

source S url "https://example.com/norms" retrieved 2026-01-01 "示例"

let x = length(submissions)

rule filing.scoping_a "a"
  implements FIL-3
  cite S:1 "q"
  when x > 0
    and (any x in submissions: x.withdrawn)
    and (any s in submissions: s.withdrawn)
    and (count s in submissions: not s.withdrawn) > x
  then flag "f"
`;

/**
 * The ranges of the whole-word occurrences of `word` (not after a `.`: not a field) inside the
 * first occurrence of `block` (default: the whole text), in order.
 */
function words(text: string, word: string, block = text): Range[] {
  const from = text.indexOf(block);
  if (from < 0) throw new Error(`no ${block}`);
  const index = new LineIndex(text);
  const out: Range[] = [];
  const re = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_.])${word}(?![\\p{L}\\p{M}\\p{N}_])`, "gu");
  for (const m of block.matchAll(re))
    out.push(index.range({ start: from + m.index, end: from + m.index + word.length }));
  return out;
}

/** The edits of a rename that must succeed. */
function edits(result: ReturnType<typeof renameAt>): TextEdit[] {
  if ("error" in result) throw new Error(result.error);
  return result.edits;
}

/** The message of a rename that must be refused. */
function refusal(result: ReturnType<typeof renameAt> | ReturnType<typeof prepareRenameAt>): string {
  if (!("error" in result)) throw new Error(`not refused: ${JSON.stringify(result)}`);
  return result.error;
}

// the resubmission rule's `any t in submissions: …` (the let above has a `t` of its own)
const RESUBMISSION_T = `(any t in submissions:
          t.withdrawn
            and t.submittedAt < s.submittedAt
            and length(t.filingCategories) > 0)`;
const LATEST_LET = `let 最新提审号 = (find s in submissions:
  none t in submissions: t.submittedAt > s.submittedAt).id`;

describe("find references", () => {
  it("of a let used in several rules: its declaration and every use, from any of them", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const all = words(REVIEW_TEXT, "最新提审号");
    expect(all).toHaveLength(7);
    expect(referencesAt(a, all[0]!.start)).toEqual(all);
    // from a use in a later rule, the cursor at the end of the name
    expect(referencesAt(a, all[4]!.end)).toEqual(all);
    expect(referencesAt(a, all[2]!.start, false)).toEqual(all.slice(1));
    // definition and references agree: every reference goes to the declaration
    for (const r of all) expect(definitionAt(a, r.start)).toEqual({ file: REVIEW, range: all[0] });
  });

  it("of a param, inside a message template too", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const all = words(PRIVACY_TEXT, "purpose_min_length");
    expect(all).toHaveLength(3);
    expect(all[2]!.start).toEqual(at(PRIVACY_TEXT, "{purpose_min_length}", 1));
    expect(referencesAt(a, all[2]!.start)).toEqual(all);
  });

  it("of a bound variable: only inside its own quantifier", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const t = words(REVIEW_TEXT, "t", RESUBMISSION_T);
    expect(t).toHaveLength(4);
    for (const r of t) expect(referencesAt(a, r.start)).toEqual(t);
    // the `t` and the `s` of the let are other variables
    const letT = words(REVIEW_TEXT, "t", LATEST_LET);
    expect(letT).toHaveLength(2);
    expect(referencesAt(a, letT[1]!.start)).toEqual(letT);
    const letS = words(REVIEW_TEXT, "s", LATEST_LET);
    expect(referencesAt(a, letS[0]!.start)).toEqual(letS);
    expect(definitionAt(a, letS[1]!.start)?.range).toEqual(letS[0]);
    // the first rule's `any s in submissions`: the binding and its five uses
    const firstRule = REVIEW_TEXT.slice(
      REVIEW_TEXT.indexOf("when any s"),
      REVIEW_TEXT.indexOf("then assess"),
    );
    const s = words(REVIEW_TEXT, "s", firstRule);
    expect(s).toHaveLength(6);
    expect(referencesAt(a, s[3]!.start, false)).toEqual(s.slice(1));
  });

  it("scoping: a let shadowed by a bound variable of its name, and two variables named alike", () => {
    const a = analyze(SCOPING, SCOPING_TEXT);
    // the checker reports the shadowing, and still reads the inner `x` as the bound variable
    expect(a.diagnostics.map((d) => d.code)).toEqual(["check/shadowed-name"]);
    const x = words(SCOPING_TEXT, "x");
    expect(x).toHaveLength(5);
    const [letX, use1, boundX, boundUse, use2] = x;
    expect(referencesAt(a, use1!.start)).toEqual([letX, use1, use2]);
    expect(referencesAt(a, boundUse!.start)).toEqual([boundX, boundUse]);
    expect(definitionAt(a, boundUse!.start)?.range).toEqual(boundX);
    expect(definitionAt(a, use2!.start)?.range).toEqual(letX);
    const s = words(SCOPING_TEXT, "s");
    expect(s).toHaveLength(4);
    expect(referencesAt(a, s[1]!.start)).toEqual(s.slice(0, 2));
    expect(referencesAt(a, s[2]!.start)).toEqual(s.slice(2));
  });

  it("of a let used above its declaration (an error the checker reports), from the use too", () => {
    const text =
      SCOPING_TEXT.replace("let x = length(submissions)\n", "") + "\nlet x = length(submissions)\n";
    const a = analyze(SCOPING, text);
    expect(a.diagnostics.map((d) => d.code)).toContain("check/used-before-declared");
    const x = words(text, "x");
    const [use1, boundX, boundUse, use2, letX] = x;
    expect(referencesAt(a, use1!.start)).toEqual([use1, use2, letX]);
    expect(referencesAt(a, boundUse!.start)).toEqual([boundX, boundUse]);
  });

  it("of lexicons, sources and rule ids", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const vague = words(PRIVACY_TEXT, "vague_purposes");
    expect(vague).toHaveLength(2);
    expect(referencesAt(a, vague[1]!.start)).toEqual(vague);
    const wxloc = words(PRIVACY_TEXT, "WXLOC");
    expect(wxloc).toHaveLength(2);
    expect(referencesAt(a, at(PRIVACY_TEXT, "cite WXLOC:1", 5))).toEqual(wxloc);
    const ops = words(PRIVACY_TEXT, "OPS");
    expect(ops.length).toBeGreaterThan(10);
    expect(referencesAt(a, ops[5]!.start)).toEqual(ops);
    // a rule id is written once, where it is declared
    const id = "privacy.purpose_shared";
    const start = at(PRIVACY_TEXT, `rule ${id}`, 5);
    expect(referencesAt(a, at(PRIVACY_TEXT, id, 8))).toEqual([
      { start, end: { line: start.line, character: start.character + id.length } },
    ]);
  });

  it("none for facts fields, functions, keywords and strings", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    expect(referencesAt(a, at(REVIEW_TEXT, "filing.status", 2))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, "filing.status", 9))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, "s.kind", 3))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, "length(s.", 2))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, "when any s", 1))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, '"first"', 2))).toBeNull();
    expect(referencesAt(a, at(REVIEW_TEXT, "as_of <", 1))).toBeNull();
  });
});

describe("rename", () => {
  it("renames a let at its declaration and every use; the renamed file checks clean", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const all = words(REVIEW_TEXT, "最新提审号");
    expect(prepareRenameAt(a, all[3]!.start)).toEqual({ range: all[3], placeholder: "最新提审号" });
    const e = edits(renameAt(a, all[3]!.start, "最新的提审号"));
    expect(e).toEqual(all.map((range) => ({ range, newText: "最新的提审号" })));
    const renamed = applyEdits(REVIEW_TEXT, e);
    expect(renamed).toBe(REVIEW_TEXT.replaceAll("最新提审号", "最新的提审号"));
    expect(analyze(REVIEW, renamed).diagnostics).toEqual([]);
  });

  it("renames a bound variable only inside its quantifier", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const t = words(REVIEW_TEXT, "t", RESUBMISSION_T);
    expect(prepareRenameAt(a, t[2]!.start)).toEqual({ range: t[2], placeholder: "t" });
    const renamed = applyEdits(REVIEW_TEXT, edits(renameAt(a, t[2]!.start, "earlier")));
    const block = RESUBMISSION_T.replace(/(?<![\w.])t(?!\w)/g, "earlier");
    expect(block).toContain("(any earlier in submissions:\n          earlier.withdrawn");
    expect(renamed).toBe(REVIEW_TEXT.replace(RESUBMISSION_T, block));
    expect(renamed).toContain(LATEST_LET);
    expect(analyze(REVIEW, renamed).diagnostics).toEqual([]);
  });

  it("renames a param used in a message hole, a lexicon, a source and a rule id", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const cases: Array<[string, string]> = [
      ["purpose_min_length", "最短用途字数"],
      ["vague_purposes", "含糊用途"],
      ["WXLOC", "LOCNOTICE"],
    ];
    for (const [from, to] of cases) {
      const renamed = applyEdits(PRIVACY_TEXT, edits(renameAt(a, words(PRIVACY_TEXT, from)[1]!.start, to)));
      expect(renamed).toBe(PRIVACY_TEXT.replace(new RegExp(`(?<![\\w.])${from}(?!\\w)`, "g"), to));
      expect(analyze(PRIVACY, renamed).diagnostics).toEqual([]);
    }
    const id = "privacy.purpose_shared";
    const e = edits(renameAt(a, at(PRIVACY_TEXT, id, 3), "privacy.same_purpose"));
    expect(e).toHaveLength(1);
    const renamed = applyEdits(PRIVACY_TEXT, e);
    expect(renamed).toBe(PRIVACY_TEXT.replace(`rule ${id} `, "rule privacy.same_purpose "));
    expect(analyze(PRIVACY, renamed).diagnostics).toEqual([]);
  });

  it("refuses a new name that is not an identifier of the language", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const use = words(REVIEW_TEXT, "最新提审号")[2]!.start;
    expect(refusal(renameAt(a, use, "a b"))).toBe(
      "cannot rename `最新提审号` to `a b`: `a b` is not a name: a name is a letter or `_` followed by letters, digits or `_`",
    );
    for (const bad of ["", "1st", "x.y", "FIL-3", "最新-提审号", '"x"', "x#"])
      expect(refusal(renameAt(a, use, bad))).toContain("is not a name");
    expect(refusal(renameAt(a, use, "when"))).toBe(
      "cannot rename `最新提审号` to `when`: `when` is a keyword",
    );
    expect(refusal(renameAt(a, use, "days"))).toContain("`days` is a keyword");
    // a rule id is a dotted name
    const rule = at(REVIEW_TEXT, "filing.pre_launch ", 2);
    expect(refusal(renameAt(a, rule, "filing.pre launch"))).toContain("is not a rule id");
    expect(refusal(renameAt(a, rule, "filing."))).toContain("is not a rule id");
    expect(refusal(renameAt(a, rule, "when.x"))).toContain("is not a rule id");
    expect(edits(renameAt(a, rule, "filing.预上线"))).toHaveLength(1);
  });

  it("refuses a name that would collide with another name visible where it is renamed", () => {
    const review = analyze(REVIEW, REVIEW_TEXT);
    const use = words(REVIEW_TEXT, "最新提审号")[1]!.start;
    // `s.id == 最新提审号` lies inside `any s in submissions`
    expect(refusal(renameAt(review, use, "s"))).toBe(
      "cannot rename `最新提审号` to `s`: on line 23, `s` is the variable bound on line 22",
    );
    expect(refusal(renameAt(review, use, "FIL"))).toBe(
      "cannot rename `最新提审号` to `FIL`: `FIL` is already declared on line 10 (a source)",
    );
    expect(refusal(renameAt(review, use, "filing"))).toBe(
      "cannot rename `最新提审号` to `filing`: `filing` is a field of the facts",
    );
    expect(refusal(renameAt(review, use, "as_of"))).toContain("`as_of` is built into the language");
    // a bound variable and the quantifiers around it and inside it
    const privacy = analyze(PRIVACY, PRIVACY_TEXT);
    const q = at(PRIVACY_TEXT, "any q in", 4);
    expect(refusal(renameAt(privacy, q, "p"))).toContain("`p` is the variable bound on line");
    const shared = PRIVACY_TEXT.slice(
      PRIVACY_TEXT.indexOf("rule privacy.purpose_shared"),
      PRIVACY_TEXT.indexOf("rule privacy.purpose_not_used"),
    );
    const p = words(PRIVACY_TEXT, "p", shared)[0]!.start;
    expect(refusal(renameAt(privacy, p, "q"))).toContain("`q` is the variable bound on line");
    expect(refusal(renameAt(privacy, p, "乱填模式"))).toContain("`乱填模式` is already declared on line");
    expect(refusal(renameAt(privacy, p, "privacy"))).toContain("`privacy` is a field of the facts");
    // a param may not take the name of a let, nor of any bound variable
    const param = at(PRIVACY_TEXT, "purpose_min_length");
    expect(refusal(renameAt(privacy, param, "地理位置接口"))).toContain("(a let)");
    expect(refusal(renameAt(privacy, param, "n"))).toContain("`n` is the variable bound on line");
    // a rule id taken by another rule
    const rejected = at(REVIEW_TEXT, "rule filing.rejected ").line + 1;
    expect(refusal(renameAt(review, at(REVIEW_TEXT, "filing.pre_launch ", 2), "filing.rejected"))).toBe(
      `cannot rename \`filing.pre_launch\` to \`filing.rejected\`: a rule \`filing.rejected\` is already declared on line ${rejected}`,
    );
    // the same name is no edit; a name free everywhere is accepted
    expect(renameAt(privacy, p, "p")).toEqual({ edits: [] });
    const ps = words(PRIVACY_TEXT, "p", shared);
    expect(ps).toHaveLength(5);
    expect(edits(renameAt(privacy, p, "api"))).toEqual(ps.map((range) => ({ range, newText: "api" })));
  });

  it("refuses to rename facts fields, functions, keywords and strings", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, "filing.status", 2)))).toBe(
      "`filing` is a field of the facts: its name is the schema's, not the policy's",
    );
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, "filing.status", 9)))).toBe(
      "`status` is a field of the facts: its name is the schema's, not the policy's",
    );
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, "length(s.", 3)))).toBe(
      "`length` is a builtin function",
    );
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, "when any s", 2)))).toBe("`when` is a keyword");
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, '"first"', 2)))).toBe("a string cannot be renamed");
    expect(refusal(prepareRenameAt(a, at(REVIEW_TEXT, "as_of <", 2)))).toBe(
      "`as_of` is built into the language",
    );
    expect(refusal(renameAt(a, at(REVIEW_TEXT, "filing.status", 9), "state"))).toContain(
      "field of the facts",
    );
    // a file that does not parse is not renamed
    const broken = analyze(REVIEW, REVIEW_TEXT + "\nrule (");
    expect(refusal(prepareRenameAt(broken, words(REVIEW_TEXT, "最新提审号")[0]!.start))).toContain(
      "syntax errors",
    );
  });
});

describe("completion after a quantifier's variable and `.`", () => {
  const API_FIELDS = ["api", "infoType", "pages", "purpose", "usedBy"];
  const fields = (text: string, needle: string, delta: number) =>
    completeAt(text, at(text, needle, delta), analyze(PRIVACY, text))
      .map((e) => e.label)
      .sort();

  it("lists the fields of an item of the variable's collection, also inner variables", () => {
    expect(fields(PRIVACY_TEXT, "q.infoType != p.infoType", 2)).toEqual(API_FIELDS);
    expect(fields(PRIVACY_TEXT, "q.infoType != p.infoType", 16)).toEqual(API_FIELDS);
    expect(fields(PRIVACY_TEXT, "q.infoType != p.infoType", 16)).not.toContain("apis");
  });

  it("while the body is being typed (the file does not parse), and for a variable's record fields", () => {
    const typing = PRIVACY_TEXT.replace("q.infoType != p.infoType", "q.");
    expect(fields(typing, "q.\n", 2)).toEqual(API_FIELDS);
    // outside the quantifier `q` is not a variable: no facts field is named `q`
    const outside = `${PRIVACY_TEXT}\nlet x = q.`;
    expect(fields(outside, "let x = q.", 10)).toEqual([]);
  });
});

describe("completion of names", () => {
  /** `label kind detail` of each entry that is not a function or a facts field. */
  const own = (entries: ReturnType<typeof completeAt>) =>
    entries
      .filter((e) => e.kind !== "function" && e.kind !== "field")
      .map((e) => `${e.label} ${e.kind} ${e.detail}`);

  it("lists the variables in scope, the declarations, as_of, the functions and the facts fields, typed", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const pos = at(PRIVACY_TEXT, "p.purpose is absent");
    const entries = completeAt(PRIVACY_TEXT, pos, a);
    expect(own(entries)).toEqual([
      "p bound record",
      expect.stringMatching(/^vague_purposes lexicon lexicon \(\d+ words\)$/),
      expect.stringMatching(/^refused_purposes lexicon lexicon \(\d+ words\)$/),
      "purpose_min_length param integer",
      "乱填模式 let list of string",
      "地理位置接口 let list of string",
      "as_of as_of datetime",
    ]);
    expect(entries.filter((e) => e.kind === "function").map((e) => e.label)).toEqual(
      BUILTIN_FUNCTIONS.map((f) => f.name),
    );
    expect(entries.find((e) => e.label === "length")).toMatchObject({
      kind: "function",
      detail: "length(x)",
    });
    expect(entries.find((e) => e.label === "privacy")).toMatchObject({ kind: "field", detail: "record" });
    expect(entries.find((e) => e.label === "filing")).toMatchObject({ kind: "field", detail: "record?" });
    // each replaces the word at the position
    const word = { start: pos, end: { ...pos, character: pos.character + 1 } };
    expect(new Set(entries.map((e) => JSON.stringify(e.range)))).toEqual(new Set([JSON.stringify(word)]));
  });

  it("offers a bound variable only inside the body of its quantifier", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const labels = (needle: string, delta = 0) =>
      completeAt(PRIVACY_TEXT, at(PRIVACY_TEXT, needle, delta), a).map((e) => e.label);
    // the collection is outside the scope
    expect(labels("privacy.apis: p.purpose is absent")).not.toContain("p");
    // another rule, without a quantifier
    expect(labels("privacy.apis) > 0")).not.toContain("p");
    expect(labels("privacy.apis) > 0")).toContain("privacy");
    // nested: the innermost first
    expect(labels("q.infoType != p.infoType").slice(0, 2)).toEqual(["q", "p"]);
    expect(labels("p.infoType\n")).toContain("q");
    // in a message hole, after the rule's quantifier: the declarations only
    const hole = labels("{purpose_min_length}", 1);
    expect(hole).toContain("purpose_min_length");
    expect(hole).not.toContain("p");
  });

  it("offers the lets declared above, not the one being written", () => {
    const a = analyze(REVIEW, REVIEW_TEXT);
    const inLet = completeAt(REVIEW_TEXT, at(REVIEW_TEXT, "t.submittedAt > s.submittedAt", 16), a);
    expect(own(inLet)).toEqual(["t bound record", "s bound record", "as_of as_of datetime"]);
    const inRule = completeAt(REVIEW_TEXT, at(REVIEW_TEXT, "s.id == 最新提审号", 8), a);
    expect(own(inRule)).toEqual(["s bound record", "最新提审号 let string?", "as_of as_of datetime"]);
  });

  it("completes where the file does not parse yet", () => {
    const text = PRIVACY_TEXT.replace(
      'when any p in privacy.apis: p.usedBy is absent or trim(p.usedBy) == ""',
      "when any p in privacy.apis: ",
    );
    const a = analyze(PRIVACY, text);
    expect(a.checked).toBeNull();
    const pos = at(text, "privacy.apis: \n", 14);
    const entries = completeAt(text, pos, a);
    expect(entries[0]).toMatchObject({ label: "p", kind: "bound", range: { start: pos, end: pos } });
    expect(own(entries)).toContain("purpose_min_length param integer");
  });

  it("offers functions where one is called, sources after `cite`, and no names elsewhere", () => {
    const a = analyze(PRIVACY, PRIVACY_TEXT);
    const labels = (text: string, needle: string, delta = 0) =>
      completeAt(text, at(text, needle, delta), a).map((e) => e.label);
    expect(labels(PRIVACY_TEXT, "trim(p.purpose) ==", 2)).toEqual(BUILTIN_FUNCTIONS.map((f) => f.name));
    expect(labels(PRIVACY_TEXT, "cite OPS:7", 5)).toEqual(["OPS", "WXLOC"]);
    expect(completeAt(PRIVACY_TEXT, at(PRIVACY_TEXT, "cite OPS:7", 5))[0]).toMatchObject({
      kind: "source",
      detail: "003_738ef209ff0a7364.txt",
    });
    // where a name is declared, in strings and comments, after a number, after `.`
    expect(labels(PRIVACY_TEXT, "let 乱填模式", 5)).toEqual([]);
    expect(labels(PRIVACY_TEXT, "any n in", 4)).toEqual([]);
    expect(labels(PRIVACY_TEXT, '"code_review"', 3)).toEqual([]);
    expect(labels(PRIVACY_TEXT, "# 只由数字", 3)).toEqual([]);
    expect(labels(PRIVACY_TEXT, "= 5\n", 3)).toEqual([]);
    const spaced = PRIVACY_TEXT.replace("= 5\n", "= 5 \n");
    expect(labels(spaced, "= 5 \n", 4)).toEqual([]);
    expect(labels(PRIVACY_TEXT, "p.purpose is absent", 4)).not.toContain("p");
  });
});

describe("references, rename and completion over stdio", () => {
  it("answers textDocument/references, prepareRename, rename and completion", async () => {
    const client = startLspClient(REPO);
    try {
      expect(await client.initialize()).toMatchObject({
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ["."] },
      });
      const uri = pathToFileURL(REVIEW).href;
      client.send({
        method: "textDocument/didOpen",
        params: { textDocument: { uri, languageId: "norma", version: 1, text: REVIEW_TEXT } },
      });
      const diag = await client.waitFor((m) => m.method === "textDocument/publishDiagnostics");
      expect(diag.params?.diagnostics).toEqual([]);
      const all = words(REVIEW_TEXT, "最新提审号");
      const doc = { textDocument: { uri }, position: all[2]!.start };

      const refs = await client.request(2, "textDocument/references", {
        ...doc,
        context: { includeDeclaration: false },
      });
      expect(refs.result).toEqual(all.slice(1).map((range) => ({ uri, range })));

      const prepare = await client.request(3, "textDocument/prepareRename", doc);
      expect(prepare.result).toEqual({ range: all[2], placeholder: "最新提审号" });
      const onField = await client.request(4, "textDocument/prepareRename", {
        textDocument: { uri },
        position: at(REVIEW_TEXT, "filing.status", 9),
      });
      expect(onField.error).toMatchObject({
        code: -32803,
        message: "`status` is a field of the facts: its name is the schema's, not the policy's",
      });

      const rename = await client.request(5, "textDocument/rename", { ...doc, newName: "latest" });
      expect(rename.result).toEqual({
        changes: { [uri]: all.map((range) => ({ range, newText: "latest" })) },
      });
      const refused = await client.request(6, "textDocument/rename", { ...doc, newName: "s" });
      expect(refused.error).toMatchObject({
        code: -32803,
        message: "cannot rename `最新提审号` to `s`: on line 23, `s` is the variable bound on line 22",
      });

      const completion = await client.request(7, "textDocument/completion", doc);
      const items = completion.result as Array<{ label: string; kind: number; detail: string }>;
      expect(items.find((i) => i.label === "最新提审号")).toMatchObject({
        kind: 6, // Variable
        detail: "string?",
        textEdit: { range: all[2], newText: "最新提审号" },
      });
      expect(items.find((i) => i.label === "length")).toMatchObject({ kind: 3, detail: "length(x)" }); // Function
    } finally {
      await client.close();
    }
  });
});
