/**
 * `norma replay --decision FILE --facts FILE [--policies DIR|BUNDLE]`: re-makes a stored decision
 * and says whether it stands. An auditor's check that a decision was made from these facts, by
 * this bundle, at its as-of instant: the bundle hash and the facts hash must match the ones the
 * decision records, and deciding again (same as-of, same evaluator) must give the same document.
 * Exit 0 when it is reproduced, 1 when it is not (with what differs), 2 for bad input.
 *
 * `norma replay --decisions OUT.ndjson --facts IN.ndjson`: the same for every line of a
 * `norma batch` output (in input order or not) against the input line it names, and every input
 * line must have one decision (see {@link replayBatch}).
 */
import { createReadStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { isDeepStrictEqual } from "node:util";
import { parseFactsJson } from "@norma/facts";
import { ENGINE_VERSION, type Decision, type Engine } from "@norma/runtime";
import { compactDecision } from "../batch/line-decider.js";
import { loadEngine } from "../policies.js";
import { fail, parseCommandArgs, readInput } from "../util.js";

const USAGE =
  "usage: norma replay --decision FILE --facts FILE|- [--policies DIR|BUNDLE]\n" +
  "       norma replay --decisions OUT.ndjson --facts IN.ndjson [--policies DIR|BUNDLE]";

/** The JSON pointers at which two JSON values differ (at most `limit`). */
export function jsonDifferences(
  a: unknown,
  b: unknown,
  pointer = "",
  out: string[] = [],
  limit = 20,
): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      jsonDifferences(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        out,
        limit,
      );
    }
    return out;
  }
  out.push(pointer || "/");
  return out;
}

/**
 * Whether a pointer into a decision is inside an explanation (the atoms that decided a rule or its
 * exception, an outcome's evidence) rather than what was decided (verdict, outcomes, statuses).
 */
export function isExplanationPointer(pointer: string): boolean {
  return /^\/rules\/\d+\/(exception\/)?because(\/|$)|^\/outcomes\/\d+\/evidence(\/|$)/.test(pointer);
}

/**
 * What differs between a stored decision and the one made again, said for an auditor; `null` when
 * nothing does but the engine version or the span table (a newer engine, or re-formatted policy
 * text, that decides and explains the same).
 */
export function describeDifferences(stored: Decision, again: Decision): string | null {
  const diff = jsonDifferences(stored, JSON.parse(JSON.stringify(again)), "", [], 1000);
  const listed = (ps: string[]) =>
    ps
      .slice(0, 20)
      .map((p) => `\`${p}\``)
      .join(", ") + (ps.length > 20 ? ` and ${ps.length - 20} more` : "");
  const decided = diff.filter((p) => !isExplanationPointer(p) && p !== "/engine/version" && p !== "/spans");
  if (decided.length > 0) return `the decision differs at ${listed(decided)}`;
  const explanations = diff.filter(isExplanationPointer);
  if (explanations.length === 0) return null;
  // Only the explanations differ: what was decided stands; say what can explain it.
  const made = stored.engine?.version;
  const recordedSpans = (stored as { spans?: unknown }).spans;
  let why: string;
  if (made !== again.engine.version) {
    why = `it was made by norma ${String(made)} and is replayed by norma ${again.engine.version}, which explains differently`;
  } else if (typeof recordedSpans !== "string") {
    // a decision stored before decisions recorded their span table
    why = "the bundle's span table (outside the bundle hash) or the stored explanations were changed";
  } else if (recordedSpans !== again.spans) {
    why = `the bundle's span table is not the one they were made with (${recordedSpans} then, ${String(again.spans)} now): the policy text changed where the IR did not (formatting, comments, order, the names of lets), which the bundle hash leaves out`;
  } else {
    why = `the engine version and the span table (${recordedSpans}) are the ones recorded, so the stored explanations were changed after the decision was made`;
  }
  return `the verdict, outcomes and rule statuses are reproduced, but the explanations differ at ${listed(explanations)}: ${why}`;
}

/**
 * Why a stored decision does not stand against `engine` and these facts (empty: it is
 * reproduced). `facts` is already parsed; the decision is made again at the stored as-of instant
 * with the stored evaluator. Without explanations the decision records no facts hash, so only the
 * decision itself is compared (the caller vouches for the pairing of decision and facts).
 */
export function replayProblems(engine: Engine, stored: Decision, facts: unknown): string[] {
  const problems = otherBundle(engine, stored.bundle);
  const recorded = stored.engine?.evaluator;
  const evaluator = recorded === "reference" || recorded === "compiled" ? recorded : "fast";
  const again = engine.decide(facts, { asOf: stored.asOf, evaluator, explain: stored.explained !== false });
  if (!again.ok) {
    problems.push(`the facts are invalid now: ${listErrors(again.errors)}`);
    return problems;
  }
  if (stored.explained && again.decision.factsHash !== stored.factsHash) {
    problems.push(
      `these are not the facts the decision was made from: ${again.decision.factsHash} ≠ ${stored.factsHash}`,
    );
  }
  const difference = describeDifferences(stored, again.decision);
  if (difference !== null) problems.push(difference);
  return problems;
}

/** A line of `norma batch --compact` output, without its `line` (see `compactDecision`). */
interface CompactDecision {
  verdict: string;
  asOf: string;
  bundle: string;
  outcomes: unknown[];
}

/** Whether `x` (a batch output line without its `line`) is a compact decision. */
function isCompactDecision(x: Record<string, unknown>): x is Record<string, unknown> & CompactDecision {
  return (
    typeof x.verdict === "string" &&
    typeof x.asOf === "string" &&
    typeof x.bundle === "string" &&
    Array.isArray(x.outcomes) &&
    x.format === undefined
  );
}

/**
 * Why a compact decision (`norma batch --compact`: verdict, as-of, bundle hash and outcomes, no
 * facts hash, no rule statuses, no engine) does not stand against `engine` and these facts (empty:
 * it is reproduced): the decision made again at its as-of instant, compacted the same way, must be
 * the stored one.
 */
export function replayCompactProblems(engine: Engine, stored: CompactDecision, facts: unknown): string[] {
  const problems = otherBundle(engine, stored.bundle);
  const again = engine.decide(facts, { asOf: stored.asOf, explain: false });
  if (!again.ok) {
    problems.push(`the facts are invalid now: ${listErrors(again.errors)}`);
    return problems;
  }
  const { line: _line, ...now } = compactDecision(0, again.decision);
  // another bundle is said above
  const diff = jsonDifferences(stored, JSON.parse(JSON.stringify(now))).filter((p) => p !== "/bundle");
  if (diff.length > 0) problems.push(`the decision differs at ${diff.map((p) => `\`${p}\``).join(", ")}`);
  return problems;
}

/** The problem of a decision made with another bundle than the loaded one (none, or one). */
function otherBundle(engine: Engine, bundle: string): string[] {
  return engine.hash === bundle
    ? []
    : [`the policies are not the bundle the decision was made with: ${engine.hash} ≠ ${bundle}`];
}

/** Facts errors on one line: `/pointer message; …`. */
function listErrors(errors: ReadonlyArray<{ pointer: string; message: string }>): string {
  return errors.map((e) => `${e.pointer || "/"} ${e.message}`).join("; ");
}

/** What `norma replay` adds to `reproduced: …` for a stored decision that stands. */
function reproducedNotes(engine: Engine, stored: Decision): string {
  const notes: string[] = [];
  if (stored.engine?.version !== ENGINE_VERSION)
    notes.push(`made by norma ${String(stored.engine?.version)}, replayed by norma ${ENGINE_VERSION}`);
  const recordedSpans = (stored as { spans?: unknown }).spans;
  if (typeof recordedSpans === "string" && recordedSpans !== engine.spansHash)
    notes.push(
      `the same explanations from another span table: ${recordedSpans} then, ${engine.spansHash} now`,
    );
  return notes.length === 0 ? "" : ` (${notes.join("; ")})`;
}

/** Whether `x` is a stored decision document (`norma-decision/1`). */
function isDecision(x: unknown): x is Decision {
  const d = x as Decision | null;
  return !!d && typeof d === "object" && d.format === "norma-decision/1" && typeof d.asOf === "string";
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        decision: { type: "string" },
        decisions: { type: "string" },
        facts: { type: "string" },
        policies: { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if ((!v.decision && !v.decisions) || !v.facts) {
    fail("replay needs the stored decision (or decisions) and the facts they were made from", USAGE);
    return 2;
  }
  if (v.decision && v.decisions) {
    fail("give `--decision` (one decision) or `--decisions` (NDJSON of `norma batch`), not both", USAGE);
    return 2;
  }
  if (v.decisions) return replayBatch(v.decisions, v.facts, v.policies ?? "policies");
  const decisionText = readInput(v.decision!);
  if ("error" in decisionText) return (fail(decisionText.error), 2);
  let stored: unknown;
  try {
    stored = JSON.parse(decisionText.text);
  } catch (e) {
    fail(`\`${v.decision}\` is not JSON: ${(e as Error).message}`);
    return 2;
  }
  if (!isDecision(stored)) {
    fail(`\`${v.decision}\` is not a Norma decision (format \`norma-decision/1\`)`);
    return 2;
  }
  if (!stored.explained) {
    fail(
      "the stored decision was made with `explain: false`, so it records no facts hash to check against",
      "store decisions made with explanations (the default)",
    );
    return 2;
  }
  const factsText = readInput(v.facts);
  if ("error" in factsText) return (fail(factsText.error), 2);
  const facts = parseFactsJson(factsText.text, v.facts);
  if (!facts.ok) {
    for (const e of facts.errors)
      process.stderr.write(`${v.facts} at ${e.pointer || "/"}: error: ${e.message}\n`);
    return 2;
  }
  const engine = loadEngine(v.policies ?? "policies");
  if (!engine) return 1;
  const problems = replayProblems(engine, stored, facts.value);
  if (problems.length === 0) {
    process.stdout.write(
      `reproduced: verdict ${stored.verdict} as of ${stored.asOf}, bundle ${stored.bundle}, facts ${stored.factsHash}${reproducedNotes(engine, stored)}\n`,
    );
    return 0;
  }
  for (const p of problems) process.stdout.write(`not reproduced: ${p}\n`);
  return 1;
}

/** At most this many lines that do not stand are printed one by one (all are counted). */
const MAX_LISTED = 20;

/**
 * The most facts text (in UTF-16 code units) held for lines read ahead of their decision: an
 * `--unordered` batch output is out of order by at most the batches in flight, far below this.
 */
export const MAX_PENDING_CHARS = 64 * 1024 * 1024;

/**
 * `--decisions FILE --facts FILE`: every decision line of a `norma batch` output (full decisions,
 * or compact ones: see {@link replayCompactProblems}; error records are checked to still be errors)
 * against the facts line it names (`line`), both
 * files streamed in step, so memory stays flat. Decisions may come out of input order (`norma batch
 * --unordered`): facts lines read ahead of their decision wait in a buffer of at most
 * {@link MAX_PENDING_CHARS}. Every input line must have exactly one decision line. Exit 0 when every
 * line stands, 1 when one does not (or has no decision, or two), 2 for bad input.
 */
export async function replayBatch(
  decisionsPath: string,
  factsPath: string,
  policies: string,
  maxPendingChars = MAX_PENDING_CHARS,
): Promise<number> {
  const open = (path: string) => {
    if (path !== "-") {
      try {
        if (!statSync(path).isFile()) throw Object.assign(new Error(), { code: "EISDIR" });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        fail(
          code === "ENOENT" ? `no such file \`${path}\`` : `cannot read \`${path}\` (${code ?? String(e)})`,
        );
        return null;
      }
    }
    const stream = path === "-" ? process.stdin : createReadStream(path, { encoding: "utf8" });
    return createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
  };
  if (decisionsPath === "-" && factsPath === "-") {
    fail("only one of `--decisions` and `--facts` can be standard input");
    return 2;
  }
  const decisions = open(decisionsPath);
  const facts = decisions && open(factsPath);
  if (!decisions || !facts) return 2;
  const engine = loadEngine(policies);
  if (!engine) return 1;
  // every line counts once as reproduced or not, whether it holds a decision or an error record
  const counts = {
    decisions: 0,
    errorRecords: 0,
    reproduced: 0,
    notReproduced: 0,
    unexplained: 0,
    compact: 0,
    duplicates: 0,
    missing: 0,
  };
  let factsLine = 0;
  let decisionLine = 0;
  // facts lines read ahead of their decision (out-of-order output), by line number
  const pending = new Map<number, string>();
  let pendingChars = 0;
  let listed = 0;
  const list = (text: string) => {
    if (++listed <= MAX_LISTED) process.stdout.write(`${text}\n`);
  };
  const notStanding = (lineNo: number, why: string) => {
    counts.notReproduced++;
    list(`line ${lineNo}: not reproduced: ${why}`);
  };
  const noDecision = (lineNo: number) => {
    counts.missing++;
    list(`line ${lineNo}: no decision in \`${decisionsPath}\``);
  };
  try {
    for (;;) {
      const next = await decisions.next();
      if (next.done) break;
      decisionLine++;
      const text = next.value.trim();
      if (text === "") continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (e) {
        fail(`${decisionsPath}:${decisionLine}: not JSON: ${(e as Error).message}`);
        return 2;
      }
      const lineNo = (record as { line?: unknown } | null)?.line;
      if (!Number.isSafeInteger(lineNo) || (lineNo as number) < 1) {
        fail(
          `${decisionsPath}:${decisionLine}: not a line of \`norma batch\` output (no \`line\` number)`,
          "give the output of `norma batch` (full decisions, not `--compact`)",
        );
        return 2;
      }
      let factsText: string | null | undefined = null;
      if ((lineNo as number) <= factsLine) {
        factsText = pending.get(lineNo as number);
        if (factsText === undefined) {
          counts.duplicates++;
          list(`line ${String(lineNo)}: a second decision, at ${decisionsPath}:${decisionLine}`);
          continue;
        }
        pending.delete(lineNo as number);
        pendingChars -= factsText.length;
      }
      while (factsLine < (lineNo as number)) {
        const f = await facts.next();
        if (f.done) break;
        factsLine++;
        if (factsLine === lineNo) factsText = f.value;
        else {
          pending.set(factsLine, f.value);
          pendingChars += f.value.length;
          if (pendingChars > maxPendingChars) {
            fail(
              `${decisionsPath}:${decisionLine}: the decision of line ${String(lineNo)} comes before the decisions of ${pending.size} earlier lines: too far out of input order to replay in step`,
              "sort the decisions by `line` first (`norma batch` without `--unordered` writes them in order)",
            );
            return 2;
          }
        }
      }
      if (factsText === null) {
        fail(
          `${factsPath} has ${factsLine} lines, but ${decisionsPath}:${decisionLine} is the decision of line ${String(lineNo)}`,
        );
        return 2;
      }
      const { line: _line, ...rest } = record as Record<string, unknown>;
      const parsedFacts = parseFactsJson(factsText, factsPath);
      if ("error" in rest) {
        // an error record: the line must still be refused
        counts.errorRecords++;
        const now = parsedFacts.ok ? engine.decide(parsedFacts.value, { explain: false }) : { ok: false };
        if (now.ok) notStanding(lineNo as number, "it was an error record, and the facts on it decide now");
        else counts.reproduced++;
        continue;
      }
      const compact = isCompactDecision(rest);
      if (!compact && !isDecision(rest)) {
        fail(
          `${decisionsPath}:${decisionLine}: not a Norma decision (format \`norma-decision/1\`) nor a compact one (\`verdict\`, \`asOf\`, \`bundle\`, \`outcomes\`)`,
          "give the output of `norma batch`",
        );
        return 2;
      }
      counts.decisions++;
      if (!parsedFacts.ok) {
        notStanding(lineNo as number, `its facts do not parse now: ${listErrors(parsedFacts.errors)}`);
        continue;
      }
      if (compact) counts.compact++;
      else if (!(rest as Decision).explained) counts.unexplained++;
      const problems = compact
        ? replayCompactProblems(engine, rest, parsedFacts.value)
        : replayProblems(engine, rest as Decision, parsedFacts.value);
      if (problems.length === 0) counts.reproduced++;
      else notStanding(lineNo as number, problems.join("; "));
    }
    // every input line must have had a decision: those read ahead, then the rest of the facts
    for (const lineNo of [...pending.keys()].sort((a, b) => a - b)) noDecision(lineNo);
    for (;;) {
      const f = await facts.next();
      if (f.done) break;
      noDecision(++factsLine);
    }
  } catch (e) {
    fail(`cannot read the decisions or the facts: ${(e as Error).message}`);
    return 2;
  } finally {
    await decisions.return?.();
    await facts.return?.();
  }
  if (listed > MAX_LISTED)
    process.stdout.write(`… and ${listed - MAX_LISTED} more lines that do not stand\n`);
  process.stdout.write(
    `replayed ${counts.decisions} decision${counts.decisions === 1 ? "" : "s"} and ${counts.errorRecords} error record${counts.errorRecords === 1 ? "" : "s"}: ${counts.reproduced} reproduced, ${counts.notReproduced} not reproduced${
      counts.unexplained > 0
        ? ` (${counts.unexplained} made with \`explain: false\` record no facts hash: each was checked against the facts line it names)`
        : ""
    }${
      counts.compact > 0
        ? ` (${counts.compact} compact decision${counts.compact === 1 ? "" : "s"} record no facts hash, rule statuses or engine: each was checked against the facts line it names, its verdict and outcomes made again)`
        : ""
    }${counts.missing > 0 ? `; ${counts.missing} input line${counts.missing === 1 ? " has" : "s have"} no decision` : ""}${
      counts.duplicates > 0
        ? `; ${counts.duplicates} decision line${counts.duplicates === 1 ? " repeats" : "s repeat"} a line already decided`
        : ""
    }\n`,
  );
  return counts.notReproduced + counts.missing + counts.duplicates === 0 ? 0 : 1;
}
