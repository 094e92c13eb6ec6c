import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  analyze,
  CaseIndex,
  caseCountTitle,
  caseLensesOf,
  caseReferencesAt,
  LineIndex,
  referencesAt,
  renameWithCasesAt,
  scanCaseFile,
  type CaseRuleRef,
  type Range,
  type TextEdit,
} from "../src/index.js";
import { startLspClient } from "./lsp-client.js";
import { applyEdits, at } from "./text-helpers.js";

const REPO = join(import.meta.dirname, "../../..");

/** The range of `needle` on line `line` of `text` (its `nth` occurrence there, 0-based). */
function on(text: string, line: number, needle: string, nth = 0): Range {
  const l = text.split("\n")[line]!;
  let i = -1;
  for (let k = 0; k <= nth; k++) i = l.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle} on line ${line}: ${l}`);
  return { start: { line, character: i }, end: { line, character: i + needle.length } };
}

/** The text a range covers. */
function textAt(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offset(range.start), index.offset(range.end));
}

// ------------------------------------------------------------------ the scanner

const SCANNED = `description: 扫描
cases:
  - id: flow
    expect:
      - verdict: reject
      - outcome: { rule: a.first, effect: reject }
      - notFired: a.second
      - status: { rule: a.third, is: fired }
  - id: "block"
    expect:
      - outcome:
          rule: "a.first"
          label: 标签
          exception: 'a.first#例外'
      - status:
          is: excepted
          rule: 'a.third'
      - outcome: { rule: a.fourth, exception: 例外 }
      - outcome: { label: "𝒳𝒳", rule: a.sixth }
  - id: not-rules
    expect:
      - notFired: [a.first]
      - notFired: 42
      - notFired: null
      - notFired: "two words"
      - notFired: |-
          a.first
      - outcome: { effect: reject }
      - verdict: &nothing a.first
      - notFired: *nothing
  - title: no id
    expect: [{ notFired: a.fifth }]
`;

describe("scanCaseFile: the rule ids a case file names", () => {
  it("flow and block mappings, quoted scalars, an exception's rule, exact ranges without quotes", () => {
    const F = "/w/conformance/x.yaml";
    const ref = (
      ruleId: string,
      caseId: string | null,
      caseIndex: number,
      key: CaseRuleRef["key"],
      range: Range,
      style: "plain" | "quoted" = "plain",
    ): CaseRuleRef => ({ ruleId, caseId, file: F, caseIndex, key, range, style });
    const text = SCANNED;
    expect(scanCaseFile(F, text)).toEqual([
      // `      - outcome: { rule: a.first, …`: columns 25 to 32
      ref("a.first", "flow", 0, "outcome.rule", {
        start: { line: 5, character: 25 },
        end: { line: 5, character: 32 },
      }),
      ref("a.second", "flow", 0, "notFired", on(text, 6, "a.second")),
      ref("a.third", "flow", 0, "status.rule", on(text, 7, "a.third")),
      // `          rule: "a.first"`: inside the quotes
      ref(
        "a.first",
        "block",
        1,
        "outcome.rule",
        { start: { line: 11, character: 17 }, end: { line: 11, character: 24 } },
        "quoted",
      ),
      // `rule#name`: the part before `#`
      ref("a.first", "block", 1, "outcome.exception", on(text, 13, "a.first"), "quoted"),
      ref("a.third", "block", 1, "status.rule", on(text, 16, "a.third"), "quoted"),
      // `exception: 例外` (just a name) names no rule
      ref("a.fourth", "block", 1, "outcome.rule", on(text, 17, "a.fourth")),
      // columns in UTF-16 units, as LSP counts them: `𝒳` is two
      ref("a.sixth", "block", 1, "outcome.rule", {
        start: { line: 18, character: 40 },
        end: { line: 18, character: 47 },
      }),
      // lists, numbers, null, words with spaces, block scalars, aliases and other keys name no rule
      ref("a.fifth", null, 3, "notFired", on(text, 31, "a.fifth")),
    ]);
    for (const r of scanCaseFile(F, text)) expect(textAt(text, r.range)).toBe(r.ruleId);
  });

  it("the same ranges with CRLF line ends", () => {
    const crlf = SCANNED.replaceAll("\n", "\r\n");
    expect(scanCaseFile("x.yaml", crlf)).toHaveLength(9);
    expect(scanCaseFile("x.yaml", crlf)).toEqual(scanCaseFile("x.yaml", SCANNED));
  });

  it("gives nothing for a file that is not valid YAML or not shaped as a case file, and never throws", () => {
    const bad = [
      "cases:\n  - id: a\n    expect: [{ notFired: a.first }\n", // unclosed flow sequence
      "cases:\n  - id: a\n    expect:\n      - notFired: a.first\n        notFired: a.second\n", // duplicate key
      "cases:\n  - id: a\n    expect:\n      - notFired: a.first\n---\ncases: []\n", // two documents
      "cases:\n\t- id: a\n", // a tab as indentation
      '"unterminated',
      "",
      "a.first",
      "- notFired: a.first",
      "cases: 3",
      "cases:\n  - 1\n  - [notFired]\n  - { expect: 2 }\n  - { expect: [3, null, { outcome: 4 }, { status: [] }] }\n",
      "\u0000\u0001",
    ];
    for (const text of bad) expect(scanCaseFile("bad.yaml", text), JSON.stringify(text)).toEqual([]);
  });

  it("titles of the lens", () => {
    expect([0, 1, 2, 31].map(caseCountTitle)).toEqual([
      "no conformance case",
      "1 conformance case",
      "2 conformance cases",
      "31 conformance cases",
    ]);
  });
});

// ------------------------------------------------------------------ a workspace on disk

const POLICY_REL = "policies/complaint/official-entry.norma";
const IMITATES = "complaint.imitates_official_entry";

const ENTRY = `description: 投诉入口
cases:
  - id: cmp-flow
    title: 流式
    cite: { at: "OPS:3", quote: "q" }
    asOf: 2026-11-21
    base: complaint-entry-imitation
    expect:
      - outcome: { rule: complaint.imitates_official_entry, effect: reject }
      - notFired: complaint.own_page_without_notice
  - id: cmp-block
    title: 块
    cite: { at: "OPS:3", quote: "q" }
    asOf: 2026-11-21
    base: complaint-entry-imitation
    expect:
      - outcome:
          rule: "complaint.imitates_official_entry"
          exception: 'complaint.imitates_official_entry#例外'
      - status: { rule: complaint.notice_wording, is: not-applicable }
`;
const OTHER = `cases:
  - id: other-1
    title: 另一个
    cite: { at: "OPS:3", quote: "q" }
    asOf: 2026-11-21
    base: complaint-entry-imitation
    expect:
      - notFired: complaint.imitates_official_entry
      - outcome: { rule: other.rule, effect: flag }
      - notFired: complaint.imitates_official_entry
`;
const EXTRA = `cases:
  - id: extra-1
    expect: [{ status: { rule: complaint.notice_wording, is: fired } }]
`;
const BROKEN = `cases:
  - id: broken
    expect: [{ notFired: complaint.imitates_official_entry }
`;
/** A language case: its rules are those of its own policy text, never the workspace's. */
const LANGUAGE = `feature: rules
cases:
  - id: lang.rule
    policy: "…"
    expect: [{ notFired: complaint.imitates_official_entry }, { notFired: lang.only }]
`;

const FILES: Record<string, string> = {
  "conformance/complaint/entry.yaml": ENTRY,
  "conformance/other/other.yaml": OTHER,
  "conformance/other/extra.yml": EXTRA,
  "conformance/broken.yaml": BROKEN,
  "conformance/language/rules.yaml": LANGUAGE,
  "conformance/complaint/assets/facts.yaml": OTHER.replace("other-1", "asset-1"),
  "conformance/README.md": "notFired: complaint.imitates_official_entry\n",
};

/** A workspace: the complaint policy (with what it reads) and the case files above. */
function makeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), "norma-lsp-cases-"));
  for (const rel of [
    POLICY_REL,
    "policies/norms.yaml",
    "policies/lexicons/official-complaint-markers.yaml",
  ]) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    cpSync(join(REPO, rel), join(root, rel));
  }
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe("the conformance cases of a workspace", () => {
  let root = "";
  let policy = "";
  let text = "";
  beforeEach(() => {
    root = makeWorkspace();
    roots.push(root);
    policy = join(root, POLICY_REL);
    text = readFileSync(policy, "utf8");
  });
  const file = (rel: string) => join(root, rel);
  const idAt = (id: string) => at(text, `rule ${id} `, 5);

  it("reads the decision case files (*.yaml, *.yml), not language cases, assets, bad YAML or other files", () => {
    const index = new CaseIndex([root]);
    expect(index.directories()).toEqual([join(root, "conformance")]);
    const refs = index.refs();
    expect([...new Set(refs.map((r) => r.file))]).toEqual([
      file("conformance/complaint/entry.yaml"),
      file("conformance/other/extra.yml"),
      file("conformance/other/other.yaml"),
    ]);
    expect(refs.map((r) => `${r.caseId} ${r.key} ${r.ruleId}`)).toEqual([
      `cmp-flow outcome.rule ${IMITATES}`,
      "cmp-flow notFired complaint.own_page_without_notice",
      `cmp-block outcome.rule ${IMITATES}`,
      `cmp-block outcome.exception ${IMITATES}`,
      "cmp-block status.rule complaint.notice_wording",
      "extra-1 status.rule complaint.notice_wording",
      `other-1 notFired ${IMITATES}`,
      "other-1 outcome.rule other.rule",
      `other-1 notFired ${IMITATES}`,
    ]);
    expect(index.show(refs[0]!.file)).toBe("conformance/complaint/entry.yaml");
  });

  it("parses a file again only when it changed (mtime, size); a removed file is forgotten", () => {
    const index = new CaseIndex([root]);
    const first = index.refs();
    const again = index.refs();
    expect(again[0]).toBe(first[0]); // the same objects: not parsed again
    const entry = file("conformance/complaint/entry.yaml");
    writeFileSync(entry, ENTRY.replace("complaint.own_page_without_notice", "complaint.notice_wording"));
    utimesSync(entry, new Date(), new Date(Date.now() + 5000));
    const changed = index.refs();
    expect(changed.filter((r) => r.ruleId === "complaint.own_page_without_notice")).toEqual([]);
    rmSync(file("conformance/other"), { recursive: true });
    expect(index.refs().map((r) => r.caseId)).toEqual([
      "cmp-flow",
      "cmp-flow",
      "cmp-block",
      "cmp-block",
      "cmp-block",
    ]);
  });

  it("a workspace without a conformance directory, or no workspace, has no cases", () => {
    const empty = mkdtempSync(join(tmpdir(), "norma-lsp-empty-"));
    roots.push(empty);
    for (const index of [
      new CaseIndex([empty]),
      new CaseIndex([]),
      new CaseIndex([join(empty, "missing")]),
    ]) {
      expect(index.directories()).toEqual([]);
      expect(index.refs()).toEqual([]);
    }
    // a file named `conformance` is not a directory of cases
    writeFileSync(join(empty, "conformance"), "cases: []\n");
    expect(new CaseIndex([empty]).refs()).toEqual([]);
  });

  it("find references of a rule id: its declaration, then where the cases name it", () => {
    const a = analyze(policy, text);
    expect(a.diagnostics).toEqual([]);
    const refs = new CaseIndex([root]).refs();
    const entry = file("conformance/complaint/entry.yaml");
    const other = file("conformance/other/other.yaml");
    const declared = referencesAt(a, idAt(IMITATES));
    expect(declared).toEqual([
      { start: idAt(IMITATES), end: at(text, `rule ${IMITATES} `, 5 + IMITATES.length) },
    ]);
    const places = caseReferencesAt(a, idAt(IMITATES), refs);
    expect(places).toEqual([
      { file: entry, range: on(ENTRY, 8, IMITATES) },
      { file: entry, range: on(ENTRY, 17, IMITATES) },
      { file: entry, range: on(ENTRY, 18, IMITATES) },
      { file: other, range: on(OTHER, 7, IMITATES) },
      { file: other, range: on(OTHER, 9, IMITATES) },
    ]);
    for (const p of places) expect(textAt(readFileSync(p.file, "utf8"), p.range)).toBe(IMITATES);
    // from anywhere on the id, also its end
    expect(caseReferencesAt(a, at(text, `rule ${IMITATES} `, 5 + IMITATES.length), refs)).toEqual(places);
    // not on a rule id: nothing from the cases
    expect(caseReferencesAt(a, at(text, "官方入口名称"), refs)).toEqual([]);
    expect(caseReferencesAt(a, at(text, "rule complaint", 1), refs)).toEqual([]);
    expect(caseReferencesAt(a, at(text, "interface.complaintEntries", 3), refs)).toEqual([]);
  });

  it("renames a rule id in the policy and in every case that names it; the cases still name the rule", () => {
    const a = analyze(policy, text);
    const index = new CaseIndex([root]);
    const before = index.refs().filter((r) => r.ruleId === IMITATES);
    const NEW = "complaint.混淆官方入口";
    const result = renameWithCasesAt(a, idAt(IMITATES), NEW, index.refs());
    if ("error" in result) throw new Error(result.error);
    expect(result.edits).toEqual([{ range: referencesAt(a, idAt(IMITATES))![0], newText: NEW }]);
    expect(result.cases.map((c) => c.file)).toEqual([
      file("conformance/complaint/entry.yaml"),
      file("conformance/other/other.yaml"),
    ]);
    // apply the edits, as the editor does
    const renamed = applyEdits(text, result.edits);
    expect(renamed).toBe(text.replace(`rule ${IMITATES} `, `rule ${NEW} `));
    expect(analyze(policy, renamed).diagnostics).toEqual([]);
    for (const c of result.cases) writeFileSync(c.file, applyEdits(readFileSync(c.file, "utf8"), c.edits));
    expect(readFileSync(file("conformance/complaint/entry.yaml"), "utf8")).toBe(
      ENTRY.replaceAll(IMITATES, NEW),
    );
    expect(readFileSync(file("conformance/other/other.yaml"), "utf8")).toBe(OTHER.replaceAll(IMITATES, NEW));
    // what was not a case file of the workspace is left alone
    for (const rel of ["conformance/broken.yaml", "conformance/language/rules.yaml", "conformance/README.md"])
      expect(readFileSync(file(rel), "utf8")).toBe(FILES[rel]);
    // the same cases, at the same places, now name the renamed rule
    const after = new CaseIndex([root]).refs();
    expect(after.filter((r) => r.ruleId === IMITATES)).toEqual([]);
    const renamedRefs = after.filter((r) => r.ruleId === NEW);
    const where = (r: CaseRuleRef) =>
      `${r.file} ${r.caseId} ${r.key} ${r.range.start.line}:${r.range.start.character}`;
    expect(renamedRefs.map(where)).toEqual(before.map(where));
    // and the rest is as before: the lens counts follow the rule
    expect(caseLensesOf(analyze(policy, renamed), after).map((l) => `${l.ruleId}: ${l.title}`)).toEqual([
      `${NEW}: 3 conformance cases`,
      "complaint.own_page_without_notice: 1 conformance case",
      "complaint.notice_wording: 2 conformance cases",
    ]);
  });

  it("quotes a new id that a plain YAML scalar would read as something else", () => {
    const a = analyze(policy, text);
    const refs = new CaseIndex([root]).refs();
    const result = renameWithCasesAt(a, idAt(IMITATES), "Null", refs);
    if ("error" in result) throw new Error(result.error);
    const entry = result.cases.find((c) => c.file.endsWith("entry.yaml"))!;
    const renamed = applyEdits(ENTRY, entry.edits);
    expect(renamed).toContain('- outcome: { rule: "Null", effect: reject }');
    expect(renamed).toContain('rule: "Null"\n'); // already quoted: the quotes are kept
    expect(renamed).toContain("exception: 'Null#例外'");
    expect(scanCaseFile("e.yaml", renamed).filter((r) => r.ruleId === "Null")).toHaveLength(3);
  });

  it("refuses a new id that the cases already name (another rule's), besides the refusals of before", () => {
    const a = analyze(policy, text);
    const index = new CaseIndex([root]);
    const refusal = (id: string, newName: string) => {
      const r = renameWithCasesAt(a, idAt(id), newName, index.refs(), (f) => index.show(f));
      if (!("error" in r)) throw new Error(`not refused: ${JSON.stringify(r)}`);
      return r.error;
    };
    expect(refusal(IMITATES, "other.rule")).toBe(
      `cannot rename \`${IMITATES}\` to \`other.rule\`: a rule \`other.rule\` is already named by conformance case \`other-1\` (conformance/other/other.yaml:9)`,
    );
    expect(refusal("complaint.own_page_without_notice", IMITATES)).toBe(
      `cannot rename \`complaint.own_page_without_notice\` to \`${IMITATES}\`: a rule \`${IMITATES}\` is already declared on line 13`,
    );
    expect(refusal("complaint.notice_wording", "complaint.own_page_without_notice")).toContain(
      "is already declared on line 24",
    );
    // an id the cases name that no rule has (yet): those cases would silently be about this rule
    writeFileSync(
      file("conformance/other/extra.yml"),
      EXTRA + "  - id: extra-2\n    expect: [{ notFired: gone.rule }, { notFired: gone.rule }]\n",
    );
    expect(refusal(IMITATES, "gone.rule")).toBe(
      `cannot rename \`${IMITATES}\` to \`gone.rule\`: a rule \`gone.rule\` is already named by conformance case \`extra-2\` (conformance/other/extra.yml:5)`,
    );
    // the refusals of before, first
    expect(refusal(IMITATES, "complaint.a b")).toContain("is not a rule id");
    // an id only a language case names (its own policy's) or a broken file names is free
    for (const free of ["lang.only", "complaint.free"]) {
      const ok = renameWithCasesAt(a, idAt(IMITATES), free, index.refs());
      expect("error" in ok ? ok.error : ok.cases.length).toBe(2);
    }
    // the same id: no edit anywhere
    expect(renameWithCasesAt(a, idAt(IMITATES), IMITATES, index.refs())).toEqual({ edits: [], cases: [] });
    // a let is renamed in the file only, whatever the cases say
    const let_ = renameWithCasesAt(a, at(text, "官方入口名称"), "other.rule", index.refs());
    expect("error" in let_ && let_.error).toContain("is not a name");
    const letOk = renameWithCasesAt(a, at(text, "官方入口名称"), "入口名", index.refs());
    expect("error" in letOk ? letOk.error : letOk.cases).toEqual([]);
  });

  it("code lens: the number of distinct cases naming each rule, also when the file does not check", () => {
    const refs = new CaseIndex([root]).refs();
    const lenses = caseLensesOf(analyze(policy, text), refs);
    expect(lenses).toEqual([
      {
        range: referencesAt(analyze(policy, text), idAt(IMITATES))![0],
        ruleId: IMITATES,
        title: "3 conformance cases",
        caseIds: ["cmp-flow", "cmp-block", "other-1"],
      },
      expect.objectContaining({ title: "1 conformance case", caseIds: ["cmp-flow"] }),
      expect.objectContaining({ title: "2 conformance cases", caseIds: ["cmp-block", "extra-1"] }),
    ]);
    expect(caseLensesOf(analyze(policy, text), [])).toEqual(
      lenses.map((l) => ({ ...l, title: "no conformance case", caseIds: [] })),
    );
    const broken = analyze(policy, text + "\nrule (");
    expect(broken.checked).toBeNull();
    expect(caseLensesOf(broken, refs).map((l) => l.title)).toEqual(lenses.map((l) => l.title));
  });
});

describe("the repository's own conformance cases", () => {
  it("every rule reference found reads as its rule id; the lens counts agree with a plain reading of the YAML", () => {
    const refs = new CaseIndex([REPO]).refs();
    expect(refs.length).toBeGreaterThan(500);
    const texts = new Map<string, string>();
    for (const r of refs) {
      if (!texts.has(r.file)) texts.set(r.file, readFileSync(r.file, "utf8"));
      expect(textAt(texts.get(r.file)!, r.range)).toBe(r.ruleId);
    }
    // counted again from the data, as the runner reads it
    const policy = join(REPO, POLICY_REL);
    const a = analyze(policy, readFileSync(policy, "utf8"));
    const named = (c: { expect?: Array<Record<string, { rule?: string } | string>> }, id: string) =>
      (c.expect ?? []).some((x) => {
        const o = x.outcome as { rule?: string } | undefined;
        const s = x.status as { rule?: string } | undefined;
        return o?.rule === id || s?.rule === id || x.notFired === id;
      });
    for (const lens of caseLensesOf(a, refs)) {
      let n = 0;
      for (const f of texts.keys()) {
        const data = parse(texts.get(f)!) as { cases: Array<Parameters<typeof named>[0]> };
        n += data.cases.filter((c) => named(c, lens.ruleId)).length;
      }
      expect(n).toBeGreaterThan(0);
      expect(lens.title).toBe(caseCountTitle(n));
    }
  });
});

describe("rule ids across the cases over stdio", () => {
  it("initializes with a workspace root; code lens, references and rename reach its case files", async () => {
    const root = makeWorkspace();
    roots.push(root);
    const policy = join(root, POLICY_REL);
    const text = readFileSync(policy, "utf8");
    const client = startLspClient(REPO);
    try {
      expect(await client.initialize(pathToFileURL(root).href)).toMatchObject({
        codeLensProvider: { resolveProvider: false },
      });
      const uri = pathToFileURL(policy).href;
      client.send({
        method: "textDocument/didOpen",
        params: { textDocument: { uri, languageId: "norma", version: 1, text } },
      });
      const diag = await client.waitFor((m) => m.method === "textDocument/publishDiagnostics");
      expect(diag.params?.diagnostics).toEqual([]);

      const lens = await client.request(2, "textDocument/codeLens", { textDocument: { uri } });
      expect((lens.result as Array<{ command: { title: string } }>).map((l) => l.command.title)).toEqual([
        "3 conformance cases",
        "1 conformance case",
        "2 conformance cases",
      ]);

      const position = at(text, `rule ${IMITATES}`, 8);
      const entry = pathToFileURL(join(root, "conformance/complaint/entry.yaml")).href;
      const other = pathToFileURL(join(root, "conformance/other/other.yaml")).href;
      const refs = await client.request(3, "textDocument/references", {
        textDocument: { uri },
        position,
        context: { includeDeclaration: true },
      });
      expect((refs.result as Array<{ uri: string }>).map((l) => l.uri)).toEqual([
        uri,
        entry,
        entry,
        entry,
        other,
        other,
      ]);

      const rename = await client.request(4, "textDocument/rename", {
        textDocument: { uri },
        position,
        newName: "complaint.imitation",
      });
      const changes = (rename.result as { changes: Record<string, TextEdit[]> }).changes;
      expect(Object.keys(changes)).toEqual([uri, entry, other]);
      expect(applyEdits(ENTRY, changes[entry]!)).toBe(ENTRY.replaceAll(IMITATES, "complaint.imitation"));
      expect(applyEdits(OTHER, changes[other]!)).toBe(OTHER.replaceAll(IMITATES, "complaint.imitation"));

      const refused = await client.request(5, "textDocument/rename", {
        textDocument: { uri },
        position,
        newName: "other.rule",
      });
      expect(refused.error).toMatchObject({
        code: -32803,
        message: `cannot rename \`${IMITATES}\` to \`other.rule\`: a rule \`other.rule\` is already named by conformance case \`other-1\` (conformance/other/other.yaml:9)`,
      });
    } finally {
      await client.close();
    }
  });
});
