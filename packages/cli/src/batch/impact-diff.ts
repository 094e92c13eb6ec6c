/**
 * The impact diff behind `norma diff`: each facts document decided by two bundles (or by one
 * bundle at two as-of instants), and what changed, grouped by rule and by norm id.
 *
 * A document's decision *changed* when its verdict differs, or when the outcomes differ as a
 * multiset of `{rule, effect, label, value, exception}` (messages, citations and explanations are
 * not compared: rewording a message is not a change of decision).
 */
import { parseAndValidateFacts } from "@norma/facts";
import type { Decision, Engine, Outcome } from "@norma/runtime";
import { KnownValidation } from "./known-validation.js";
import { bump, sortedEntries, type BatchCounts } from "./stats.js";

/** One side of a diff: a bundle and the as-of instant it decides at. */
export interface DiffSide {
  bundleText: string;
  asOf: number;
}

/** What an outcome is reduced to for comparison. */
export interface OutcomeKey {
  effect: string;
  label: string;
  value: unknown;
  exception: string | null;
}

/** How one rule's outcomes changed on one document. */
export interface RuleChange {
  rule: string;
  /** `added`: only the head has outcomes of this rule; `removed`: only the base; `changed`: both, different. */
  kind: "added" | "removed" | "changed";
  base: OutcomeKey[];
  head: OutcomeKey[];
  /** Norm ids of the outcomes on either side. */
  norms: string[];
}

/** One document whose decision changed. */
export interface DocChange {
  line: number;
  appId: string | null;
  verdict: { base: string; head: string };
  rules: RuleChange[];
}

/**
 * Decides lines under both sides and reports the ones whose decision changed. Both engines are
 * loaded with one {@link KnownValidation}, so each document is validated once for both.
 */
export class LineDiffer {
  private constructor(
    private readonly base: Engine,
    private readonly head: Engine,
    private readonly baseAsOf: number,
    private readonly headAsOf: number,
    private readonly known: KnownValidation,
  ) {}

  /** Loads both bundles; an error message when one does not load. */
  static create(base: DiffSide, head: DiffSide): { differ: LineDiffer } | { error: string } {
    const known = new KnownValidation();
    const b = known.load(base.bundleText);
    if (!b.ok) return { error: `the base bundle does not load: ${JSON.stringify(b.diagnostics)}` };
    const h = known.load(head.bundleText);
    if (!h.ok) return { error: `the head bundle does not load: ${JSON.stringify(h.diagnostics)}` };
    return { differ: new LineDiffer(b.value, h.value, base.asOf, head.asOf, known) };
  }

  /**
   * The change on line `lineNo`, or null when the decision is the same (or the line cannot be
   * decided: counted in `counts` as an error of its kind).
   */
  diffLine(text: string, lineNo: number, counts: BatchCounts): DocChange | null {
    const body = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (body.trim() === "") return this.error(counts, "syntax", "facts/syntax");
    const { parsed, validation } = parseAndValidateFacts(body);
    if (!parsed.ok || validation === null) {
      return this.error(counts, "syntax", parsed.errors[0]?.code ?? "facts/syntax");
    }
    const [b, h] = this.known.with(parsed.value, validation, () => [
      this.base.decide(parsed.value, { asOf: this.baseAsOf, explain: false }),
      this.head.decide(parsed.value, { asOf: this.headAsOf, explain: false }),
    ]);
    if (!b.ok || !h.ok) {
      const errors = (b.ok ? h.errors : b.errors) ?? [];
      const kind = errors.some((e) => e.code.startsWith("facts/")) ? "invalid" : "eval";
      return this.error(counts, kind, errors[0]?.code ?? "eval/internal");
    }
    counts.decided++;
    const change = compareDecisions(b.decision, h.decision);
    if (change === null) return null;
    const appId = (parsed.value as { appId?: unknown }).appId;
    return { line: lineNo, appId: typeof appId === "string" ? appId : null, ...change };
  }

  private error(counts: BatchCounts, kind: string, code: string): null {
    counts.failed++;
    bump(counts.errorKinds, kind);
    bump(counts.errorCodes, code);
    return null;
  }
}

function keyOf(o: Outcome): OutcomeKey {
  return { effect: o.effect, label: o.label, value: o.value, exception: o.exception };
}

/** The changed part of two decisions of the same document, or null when they agree. */
export function compareDecisions(base: Decision, head: Decision): Omit<DocChange, "line" | "appId"> | null {
  const group = (d: Decision) => {
    const byRule = new Map<string, { keys: string[]; outcomes: Outcome[] }>();
    for (const o of d.outcomes) {
      const entry = byRule.get(o.rule) ?? { keys: [], outcomes: [] };
      entry.keys.push(JSON.stringify(keyOf(o)));
      entry.outcomes.push(o);
      byRule.set(o.rule, entry);
    }
    return byRule;
  };
  const b = group(base);
  const h = group(head);
  const rules: RuleChange[] = [];
  // Rules in base order, then rules only the head has, in head order: stable across runs.
  const ids = [...new Set([...b.keys(), ...h.keys()])];
  for (const rule of ids) {
    const bo = b.get(rule);
    const ho = h.get(rule);
    const same =
      bo &&
      ho &&
      bo.keys.length === ho.keys.length &&
      [...bo.keys].sort().join("\n") === [...ho.keys].sort().join("\n");
    if (same) continue;
    const outcomes = [...(bo?.outcomes ?? []), ...(ho?.outcomes ?? [])];
    rules.push({
      rule,
      kind: bo === undefined ? "added" : ho === undefined ? "removed" : "changed",
      base: (bo?.outcomes ?? []).map(keyOf),
      head: (ho?.outcomes ?? []).map(keyOf),
      norms: [...new Set(outcomes.flatMap((o) => o.norms))].sort(),
    });
  }
  if (rules.length === 0 && base.verdict === head.verdict) return null;
  return { verdict: { base: base.verdict, head: head.verdict }, rules };
}

/** Per-rule or per-norm totals of a diff. */
export interface DiffGroup {
  /** Documents where this rule (or a rule implementing this norm) changed. */
  documents: number;
  added: number;
  removed: number;
  changed: number;
  /** Rules involved (per-norm groups) or norms involved (per-rule groups), sorted. */
  related: string[];
  /** The first few changed documents' line numbers, in input order. */
  examples: number[];
}

/** The diff report (`norma diff --format json`). */
export interface DiffReport {
  format: "norma-diff/1";
  base: { policies: string; bundle: string; asOf: string };
  head: { policies: string; bundle: string; asOf: string };
  input: string;
  /** Documents (input lines) read. */
  total: number;
  /** Documents decided under both sides. */
  decided: number;
  /** Documents whose decision changed. */
  changed: number;
  /** Lines not decided, per error kind (`syntax`, `invalid`, `eval`). */
  errors: Record<string, number>;
  /** Verdict transitions (`pass → reject`) and their document counts. */
  verdicts: Record<string, number>;
  byRule: Record<string, DiffGroup>;
  byNorm: Record<string, DiffGroup>;
  /** The first changed documents in input order, with what changed. */
  examples: DocChange[];
}

/**
 * Adds up document changes as they come (in any order); keeps only counts and the examples with
 * the smallest line numbers, so memory does not grow with the input.
 */
export class DiffAggregate {
  total = 0;
  decided = 0;
  changed = 0;
  readonly errors: Record<string, number> = {};
  readonly verdicts: Record<string, number> = {};
  private readonly byRule = new Map<string, DiffGroup & { relatedSet: Set<string> }>();
  private readonly byNorm = new Map<string, DiffGroup & { relatedSet: Set<string> }>();
  private examples: DocChange[] = [];

  constructor(
    private readonly maxExamples = 5,
    private readonly maxGroupExamples = 3,
  ) {}

  /** Adds one batch: its counts and its changed documents. */
  add(counts: BatchCounts, changes: readonly DocChange[]): void {
    this.total += counts.decided + counts.failed;
    this.decided += counts.decided;
    for (const [k, v] of Object.entries(counts.errorKinds)) bump(this.errors, k, v);
    for (const c of changes) this.addChange(c);
  }

  private addChange(c: DocChange): void {
    this.changed++;
    if (c.verdict.base !== c.verdict.head) bump(this.verdicts, `${c.verdict.base} → ${c.verdict.head}`);
    const touched = new Map<string, Set<string>>(); // norm → rules, counted once per document
    for (const r of c.rules) {
      const g = this.group(this.byRule, r.rule);
      g.documents++;
      g[r.kind]++;
      for (const n of r.norms) {
        g.relatedSet.add(n);
        (touched.get(n) ?? touched.set(n, new Set()).get(n)!).add(r.rule);
      }
      addExample(g.examples, c.line, this.maxGroupExamples);
    }
    for (const [norm, rules] of touched) {
      const g = this.group(this.byNorm, norm);
      g.documents++;
      for (const r of c.rules) if (rules.has(r.rule)) g[r.kind]++;
      for (const r of rules) g.relatedSet.add(r);
      addExample(g.examples, c.line, this.maxGroupExamples);
    }
    if (this.examples.length < this.maxExamples || c.line < this.examples[this.examples.length - 1]!.line) {
      this.examples.push(c);
      this.examples.sort((a, b) => a.line - b.line);
      this.examples = this.examples.slice(0, this.maxExamples);
    }
  }

  private group(map: Map<string, DiffGroup & { relatedSet: Set<string> }>, key: string) {
    let g = map.get(key);
    if (!g) {
      g = {
        documents: 0,
        added: 0,
        removed: 0,
        changed: 0,
        related: [],
        examples: [],
        relatedSet: new Set(),
      };
      map.set(key, g);
    }
    return g;
  }

  /** The report; counts and groups sorted by number (most first), then by name. */
  report(meta: Pick<DiffReport, "base" | "head" | "input">): DiffReport {
    const groups = (map: Map<string, DiffGroup & { relatedSet: Set<string> }>) =>
      Object.fromEntries(
        [...map.entries()]
          .sort((a, b) => b[1].documents - a[1].documents || (a[0] < b[0] ? -1 : 1))
          .map(([k, { relatedSet, ...g }]) => [k, { ...g, related: [...relatedSet].sort() }]),
      );
    return {
      format: "norma-diff/1",
      ...meta,
      total: this.total,
      decided: this.decided,
      changed: this.changed,
      // Counts too are listed by number, then by name: batches are added in the order workers finish.
      errors: Object.fromEntries(sortedEntries(this.errors)),
      verdicts: Object.fromEntries(sortedEntries(this.verdicts)),
      byRule: groups(this.byRule),
      byNorm: groups(this.byNorm),
      examples: this.examples,
    };
  }
}

function addExample(list: number[], line: number, max: number): void {
  if (list.length >= max && line > list[list.length - 1]!) return;
  list.push(line);
  list.sort((a, b) => a - b);
  list.length = Math.min(list.length, max);
}

const n = (x: number) => x.toLocaleString("en-US");

function describeOutcomes(keys: OutcomeKey[]): string {
  if (keys.length === 0) return "—";
  return keys
    .map(
      (k) =>
        `${k.effect} ${k.label}${k.value === null ? "" : ` = ${JSON.stringify(k.value)}`}${k.exception ? ` (${k.exception})` : ""}`,
    )
    .join("; ");
}

/** The readable form of a diff report. */
export function formatDiffText(r: DiffReport): string {
  const out: string[] = [];
  const same = r.base.policies === r.head.policies && r.base.bundle === r.head.bundle;
  out.push(
    same
      ? `impact of the as-of date on ${r.input}: ${r.base.policies} as of ${r.base.asOf} → as of ${r.head.asOf}`
      : `impact of ${r.head.policies} (head) against ${r.base.policies} (base) on ${r.input}` +
          (r.base.asOf === r.head.asOf
            ? `, as of ${r.base.asOf}`
            : `, base as of ${r.base.asOf}, head as of ${r.head.asOf}`),
  );
  const pct = r.decided > 0 ? ` (${((r.changed / r.decided) * 100).toFixed(1)}%)` : "";
  const errors = Object.entries(r.errors)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(", ");
  out.push(
    `  ${n(r.total)} documents: ${n(r.changed)} changed${pct}, ${n(r.decided - r.changed)} unchanged` +
      (errors ? `, not decided: ${errors}` : ""),
  );
  if (r.changed === 0) {
    out.push("  no decision changes");
    return out.join("\n") + "\n";
  }
  const verdicts = Object.entries(r.verdicts).sort((a, b) => b[1] - a[1]);
  if (verdicts.length > 0) out.push(`  verdicts: ${verdicts.map(([k, v]) => `${k} ${n(v)}`).join(", ")}`);
  const section = (title: string, groups: Record<string, DiffGroup>, relatedName: string) => {
    out.push("", title);
    const width = Math.max(...Object.keys(groups).map((k) => k.length));
    for (const [key, g] of Object.entries(groups)) {
      const kinds = [
        g.added ? `${n(g.added)} now fire` : "",
        g.removed ? `${n(g.removed)} no longer fire` : "",
        g.changed ? `${n(g.changed)} fire differently` : "",
      ].filter(Boolean);
      out.push(
        `  ${key.padEnd(width)}  ${n(g.documents).padStart(8)} documents  (${kinds.join(", ")})  ${relatedName} ${g.related.join(", ") || "—"}  e.g. line ${g.examples.join(", ")}`,
      );
    }
  };
  section("by rule:", r.byRule, "norms");
  section("by norm:", r.byNorm, "rules");
  out.push("", "examples:");
  for (const e of r.examples) {
    out.push(
      `  line ${e.line}${e.appId ? ` (${e.appId})` : ""}: verdict ${e.verdict.base}${e.verdict.base === e.verdict.head ? " (unchanged)" : ` → ${e.verdict.head}`}`,
    );
    for (const c of e.rules)
      out.push(`    ${c.rule}: ${describeOutcomes(c.base)} → ${describeOutcomes(c.head)}`);
  }
  return out.join("\n") + "\n";
}
