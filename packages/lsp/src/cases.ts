/**
 * Rule ids across the conformance cases of the workspace: where the decision cases of
 * `<root>/conformance` name a rule (docs/conformance.md), so that find references, rename and the
 * code lens above each `rule` see them. Only reading YAML: no case is run.
 *
 * A case names a rule in its `expect` list, in exactly these places (the schema,
 * `packages/conformance/schema/case-file.schema.json`, and the runner's `checkRuleIds`):
 * `outcome: { rule: ID }`, `notFired: ID` and `status: { rule: ID }`; and `outcome: { exception:
 * ID#name }`, whose part before `#` is the rule's id (the runner compares it with the exception's
 * full id, so it breaks when the rule is renamed).
 *
 * {@link scanCaseFile} is a pure function of a file's path and text; {@link CaseIndex} reads the
 * files on demand (cached by path, mtime and size).
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { findCaseFiles, isLanguageFile } from "@norma/conformance";
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, Scalar, type Node } from "yaml";
import {
  outlineOf,
  renameAt,
  ruleIdAt,
  type Analysis,
  type Position,
  type Range,
  type TextEdit,
} from "./analysis.js";

/** Where a case file names a rule. */
export type CaseRuleKey = "outcome.rule" | "notFired" | "status.rule" | "outcome.exception";

/** One place a conformance case names a rule. */
export interface CaseRuleRef {
  /** The rule id named there. */
  ruleId: string;
  /** The case's `id` (null when it has none, or not a string). */
  caseId: string | null;
  /** The case file, as given to {@link scanCaseFile}. */
  file: string;
  /** The case's position in the file's `cases` list (a case is `file` and `caseIndex`). */
  caseIndex: number;
  /** The key whose value names the rule. */
  key: CaseRuleKey;
  /**
   * The rule id's text in the file, quotes excluded (for `exception`, the part before `#`): a
   * rename replaces exactly this range.
   */
  range: Range;
  /** How the scalar is written: a plain scalar may need quotes for some new ids (`Null`). */
  style: "plain" | "quoted";
}

/** The 0-based LSP position of a 1-based `LineCounter` position (columns count UTF-16 units, as LSP's). */
function lspPosition(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

/** The value of a mapping's key `name` (a node), or undefined. */
function entry(map: unknown, name: string): unknown {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === name);
  return pair?.value ?? undefined;
}

/**
 * Every place the decision cases of one case file name a rule, in text order. The text is parsed
 * with positions (never matched with patterns); a file that is not valid YAML gives nothing, and
 * so do values that are not strings (numbers, lists, aliases, block scalars) or that contain
 * whitespace (not a rule id). Which files are case files is the caller's business
 * ({@link CaseIndex}: those of the runner, language cases excluded).
 */
export function scanCaseFile(path: string, text: string): CaseRuleRef[] {
  const lines = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  } catch {
    return [];
  }
  if (doc.errors.length > 0) return [];
  const cases = entry(doc.contents, "cases");
  if (!isSeq(cases)) return [];
  const out: CaseRuleRef[] = [];
  cases.items.forEach((item, caseIndex) => {
    const id = entry(item, "id");
    const caseId = isScalar(id) && typeof id.value === "string" ? id.value : null;
    const expect = entry(item, "expect");
    if (!isSeq(expect)) return;
    const add = (node: unknown, key: CaseRuleKey) => {
      const ref = ruleRef(node, key, text, lines);
      if (ref) out.push({ ...ref, caseId, file: path, caseIndex, key });
    };
    for (const assertion of expect.items) {
      add(entry(entry(assertion, "outcome"), "rule"), "outcome.rule");
      add(entry(entry(assertion, "outcome"), "exception"), "outcome.exception");
      add(entry(assertion, "notFired"), "notFired");
      add(entry(entry(assertion, "status"), "rule"), "status.rule");
    }
  });
  return out.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

/** The rule id a scalar names and its range, or null (see {@link scanCaseFile}). */
function ruleRef(
  node: unknown,
  key: CaseRuleKey,
  text: string,
  lines: LineCounter,
): Pick<CaseRuleRef, "ruleId" | "range" | "style"> | null {
  if (!isScalar(node) || typeof node.value !== "string" || !node.range) return null;
  const n = node as Scalar<string> & { range: NonNullable<Node["range"]> };
  const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE;
  if (!quoted && n.type !== Scalar.PLAIN) return null;
  // the text between the quotes, or the plain scalar's
  const start = n.range[0] + (quoted ? 1 : 0);
  const end = n.range[1] - (quoted ? 1 : 0);
  const source = text.slice(start, end);
  let ruleId = n.value;
  let length = end - start;
  if (key === "outcome.exception") {
    // `rule#name`: the rule's id is written before the `#` (just `name` names no rule)
    const hash = ruleId.indexOf("#");
    if (hash < 0) return null;
    ruleId = ruleId.slice(0, hash);
    if (!source.startsWith(`${ruleId}#`)) return null;
    length = ruleId.length;
  } else if (!quoted && source !== ruleId) return null;
  if (ruleId === "" || /\s/u.test(ruleId)) return null;
  return {
    ruleId,
    range: { start: lspPosition(lines, start), end: lspPosition(lines, start + length) },
    style: quoted ? "quoted" : "plain",
  };
}

/**
 * The decision case files under a conformance directory, as the runner finds them, sorted:
 * language cases name the rules of their own inline policies, not the workspace's. None when the
 * directory cannot be read.
 */
function caseFiles(dir: string): string[] {
  try {
    return findCaseFiles(dir).filter((f) => !isLanguageFile(relative(dir, f)));
  } catch {
    return [];
  }
}

/**
 * The rule references of the conformance cases of one or more workspace roots
 * (`<root>/conformance`), read from disk when asked; each file is parsed again only when its mtime
 * or size changed.
 */
export class CaseIndex {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; refs: CaseRuleRef[] }>();

  /** `roots`: the workspace folders (absolute). */
  constructor(readonly roots: readonly string[]) {}

  /** The conformance directories that exist. */
  directories(): string[] {
    return this.roots
      .map((r) => join(r, "conformance"))
      .filter((d) => {
        try {
          return statSync(d).isDirectory();
        } catch {
          return false;
        }
      });
  }

  /** Every rule reference of every decision case file, by file path, then in text order. */
  refs(): CaseRuleRef[] {
    const out: CaseRuleRef[] = [];
    const seen = new Set<string>();
    for (const dir of this.directories()) {
      for (const file of caseFiles(dir)) {
        if (seen.has(file)) continue;
        seen.add(file);
        out.push(...this.fileRefs(file));
      }
    }
    for (const file of this.cache.keys()) if (!seen.has(file)) this.cache.delete(file);
    return out;
  }

  private fileRefs(file: string): CaseRuleRef[] {
    try {
      const { mtimeMs, size } = statSync(file);
      const cached = this.cache.get(file);
      if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.refs;
      const refs = scanCaseFile(file, readFileSync(file, "utf8"));
      this.cache.set(file, { mtimeMs, size, refs });
      return refs;
    } catch {
      this.cache.delete(file);
      return [];
    }
  }

  /** How a case file is shown in messages: relative to its workspace root (`conformance/…`). */
  show(file: string): string {
    for (const root of this.roots) {
      const r = relative(root, file);
      if (r !== "" && !r.startsWith("..") && !isAbsolute(r)) return r.split(sep).join("/");
    }
    return file;
  }
}

/** A place in a case file. */
export interface CasePlace {
  /** The case file (as scanned: absolute from a {@link CaseIndex}). */
  file: string;
  range: Range;
}

/**
 * The places the conformance cases name the rule whose id is at a position (its declaration), in
 * the order of `cases`; empty when the position is not on a rule id.
 */
export function caseReferencesAt(
  analysis: Analysis,
  position: Position,
  cases: readonly CaseRuleRef[],
): CasePlace[] {
  const id = ruleIdAt(analysis, position);
  if (id === null) return [];
  return cases.filter((c) => c.ruleId === id).map((c) => ({ file: c.file, range: c.range }));
}

/** The edits of one case file. */
export interface CaseFileEdits {
  file: string;
  edits: TextEdit[];
}

/** Whether `id`, written as a plain YAML scalar, reads back as that very string (`Null`, `True` do not). */
function plainIsString(id: string): boolean {
  try {
    return parse(id) === id;
  } catch {
    return false;
  }
}

/**
 * A rename across the policy file and the conformance cases: {@link renameAt} (with all its
 * refusals), and for a rule id also the edits of every case file that names it (`cases`, in file
 * order). Refused too when the new id is already named by a case: that case is about another rule
 * (or one that does not exist), and the rename would silently make it about this one. `show`
 * gives a case file's name in messages.
 */
export function renameWithCasesAt(
  analysis: Analysis,
  position: Position,
  newName: string,
  cases: readonly CaseRuleRef[],
  show: (file: string) => string = (f) => f,
): { edits: TextEdit[]; cases: CaseFileEdits[] } | { error: string } {
  const renamed = renameAt(analysis, position, newName);
  if ("error" in renamed) return renamed;
  const id = ruleIdAt(analysis, position);
  if (id === null || id === newName) return { edits: renamed.edits, cases: [] };
  const taken = cases.filter((c) => c.ruleId === newName);
  if (taken.length > 0) {
    const first = taken[0]!;
    const named = first.caseId === null ? "a conformance case" : `conformance case \`${first.caseId}\``;
    const others = new Set(taken.map((c) => `${c.file}#${c.caseIndex}`)).size - 1;
    return {
      error:
        `cannot rename \`${id}\` to \`${newName}\`: a rule \`${newName}\` is already named by ${named} ` +
        `(${show(first.file)}:${first.range.start.line + 1})` +
        (others > 0 ? ` and ${others} other case${others === 1 ? "" : "s"}` : ""),
    };
  }
  const quote = !plainIsString(newName);
  const byFile = new Map<string, TextEdit[]>();
  for (const c of cases) {
    if (c.ruleId !== id) continue;
    const newText =
      quote && c.style === "plain" && c.key !== "outcome.exception" ? JSON.stringify(newName) : newName;
    const list = byFile.get(c.file) ?? [];
    list.push({ range: c.range, newText });
    byFile.set(c.file, list);
  }
  return { edits: renamed.edits, cases: [...byFile].map(([file, edits]) => ({ file, edits })) };
}

/** A code lens above a `rule`: how many conformance cases name it. */
export interface CaseLens {
  /** The rule's id (where the lens stands). */
  range: Range;
  ruleId: string;
  /** `3 conformance cases`, `1 conformance case`, `no conformance case`. */
  title: string;
  /** The ids of those cases (a case without an id is left out). */
  caseIds: string[];
}

/** The title of a lens for `n` cases. */
export function caseCountTitle(n: number): string {
  return n === 0 ? "no conformance case" : `${n} conformance case${n === 1 ? "" : "s"}`;
}

/**
 * A lens for each rule the file declares (also when the file does not check: the rules that parsed
 * with an id): the number of distinct cases whose expectations name it.
 */
export function caseLensesOf(analysis: Analysis, cases: readonly CaseRuleRef[]): CaseLens[] {
  const byRule = new Map<string, Map<string, string | null>>();
  for (const c of cases) {
    const m = byRule.get(c.ruleId) ?? new Map<string, string | null>();
    m.set(`${c.file}\0${c.caseIndex}`, c.caseId);
    byRule.set(c.ruleId, m);
  }
  const rules = outlineOf(analysis)[0]?.children.filter((s) => s.kind === "rule" && s.name !== "") ?? [];
  return rules.map((r) => {
    const named = byRule.get(r.name) ?? new Map<string, string | null>();
    return {
      range: r.selectionRange,
      ruleId: r.name,
      title: caseCountTitle(named.size),
      caseIds: [...named.values()].filter((id): id is string => id !== null),
    };
  });
}
