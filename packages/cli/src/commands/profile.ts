/**
 * `norma profile [FILE…] [--in FILE.ndjson|-] [--policies DIR|BUNDLE] [--as-of DATE]
 * [--evaluator compiled|fast|reference] [--rounds N] [--top N] [--by alone|explained] [--quick]
 * [--format text|json]`:
 * where a decision's time goes, rule by rule, on the given facts documents (`Engine.profile`).
 *
 * Every document is parsed and validated first; any that fails is reported (file:line:col and JSON
 * pointer) and nothing is timed (exit 2). Times are medians over interleaved rounds after V8 has
 * optimized the code, so a profile of the corpus takes a few seconds; `--quick` warms each rule up
 * less and times it for less (rougher rule figures, the whole decision's as usual).
 */
import { parseFactsJson, type ParsedFacts } from "@norma/facts";
import { QUICK_PROFILE, type Profile, type RuleProfile } from "@norma/runtime";
import { loadEngine } from "../policies.js";
import { asOfOption, evaluatorOption, fail, parseCommandArgs, parseFormat, readInput } from "../util.js";

const USAGE =
  "usage: norma profile [FILE…] [--in FILE.ndjson|-] [--policies DIR|BUNDLE] [--as-of DATE] " +
  "[--evaluator compiled|fast|reference] [--rounds N] [--top N] [--by alone|explained] [--quick] [--format text|json]";

/** One facts document and where it came from (for messages). */
interface Input {
  /** The file (`<stdin>` for standard input). */
  file: string;
  /** The 1-based line of the document's first character in its file. */
  line: number;
  parsed: ParsedFacts;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        in: { type: "string" },
        policies: { type: "string" },
        sources: { type: "string" },
        "as-of": { type: "string" },
        evaluator: { type: "string" },
        rounds: { type: "string" },
        top: { type: "string" },
        by: { type: "string" },
        quick: { type: "boolean", default: false },
        format: { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  const format = parseFormat(v.format, ["text", "json"] as const, "text");
  if (!format) {
    fail(`unknown format \`${v.format}\``, "use `text` or `json`");
    return 2;
  }
  const evaluator = evaluatorOption(v.evaluator);
  const asOf = asOfOption(v["as-of"]);
  if (evaluator === null || asOf === null) return 2;
  const rounds = positiveInt(v.rounds, 7, "--rounds");
  const top = positiveInt(v.top, 20, "--top", true);
  if (rounds === null || top === null) return 2;
  const by = parseFormat(v.by, ["alone", "explained"] as const, "alone");
  if (!by) {
    fail(`unknown order \`--by ${v.by}\``, "use `alone` (a decision without explanations) or `explained`");
    return 2;
  }
  if (parsed.positionals.length === 0 && v.in === undefined) {
    fail("which facts? pass facts files or `--in FILE.ndjson`", "e.g. `pnpm norma profile examples/*.json`");
    return 2;
  }

  const inputs: Input[] = [];
  let bad = 0;
  for (const file of parsed.positionals) {
    const text = readInput(file);
    if ("error" in text) {
      fail(text.error);
      return 2;
    }
    const name = file === "-" ? "<stdin>" : file;
    inputs.push({ file: name, line: 1, parsed: parseFactsJson(text.text, name) });
  }
  if (v.in !== undefined) {
    const text = readInput(v.in);
    if ("error" in text) {
      fail(text.error);
      return 2;
    }
    const name = v.in === "-" ? "<stdin>" : v.in;
    text.text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      inputs.push({ file: name, line: i + 1, parsed: parseFactsJson(line, name) });
    });
  }
  for (const input of inputs) {
    for (const e of input.parsed.errors) {
      bad++;
      const line = (e.line ?? 1) + input.line - 1;
      process.stderr.write(`${input.file}:${line}:${e.column ?? 1}: error: ${e.message}\n`);
    }
  }
  if (bad > 0) {
    process.stderr.write("error: facts that do not parse cannot be profiled\n");
    return 2;
  }
  if (inputs.length === 0) {
    fail("no facts documents in the input", "an NDJSON file holds one facts document per line");
    return 2;
  }

  const engine = loadEngine(v.policies ?? "policies", v.sources ?? null);
  if (!engine) return 1;
  const result = engine.profile(
    inputs.map((i) => i.parsed.value),
    { ...(v.quick ? QUICK_PROFILE : {}), asOf, evaluator, rounds },
  );
  if (!result.ok) {
    for (const e of result.errors) {
      const input = inputs[e.document];
      if (input === undefined) {
        process.stderr.write(`error: ${e.message}\n`);
        continue;
      }
      const at = input.parsed.locate(e.pointer);
      const place = `${input.file}:${(at?.line ?? 1) + input.line - 1}:${at?.column ?? 1}`;
      process.stderr.write(`${place}: error: at ${e.pointer || "/"}: ${e.message}\n`);
    }
    process.stderr.write("error: invalid facts cannot be profiled (no decision is made from them)\n");
    return 2;
  }
  const profile = by === "explained" ? byExplained(result.profile) : result.profile;
  process.stdout.write(
    format === "json" ? JSON.stringify(profile, null, 2) + "\n" : renderProfile(profile, top),
  );
  return 0;
}

/** `value` as a positive integer (`0` allowed with `zero`); prints why not and gives null. */
function positiveInt(value: string | undefined, fallback: number, flag: string, zero = false): number | null {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || (n === 0 && !zero)) {
    fail(`\`${flag} ${value}\` is not a ${zero ? "whole number" : "positive whole number"}`);
    return null;
  }
  return n;
}

/** Nanoseconds as people read them: `87 ns`, `4.06 µs`, `68.3 µs`, `1.20 ms`. */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 10_000) return `${(ns / 1_000).toFixed(2)} µs`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(1)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** `p` with its rules the most expensive explained first (ties in the profile's order). */
export function byExplained(p: Profile): Profile {
  return { ...p, rules: [...p.rules].sort((a, b) => b.explainedNs - a.explainedNs) };
}

/** The text form of a profile: the whole decision, then the `top` most expensive rules (0: all). */
export function renderProfile(p: Profile, top: number): string {
  const shown = top === 0 ? p.rules : p.rules.slice(0, top);
  const sum = p.rules.reduce((a, r) => a + r.ns, 0);
  const lines = [
    `profile of ${p.rules.length} rules on ${p.documents} facts document${p.documents === 1 ? "" : "s"}` +
      ` (as of ${p.asOf}, ${p.evaluator} evaluator, median of ${p.rounds} round${p.rounds === 1 ? "" : "s"})`,
    `  a decision without explanations  ${formatNs(p.decisionNs)}`,
    `  a decision with explanations     ${formatNs(p.explainedNs)}`,
    `  making the scope                 ${formatNs(p.scopeNs)} (subtracted from each rule)`,
    `  hashing the facts                ${formatNs(p.hashNs)} (once per decision with explanations)`,
    "",
  ];
  const width = Math.max(4, ...shown.map((r) => r.rule.length));
  const head = ["alone", "own", "share", "explained", "fired", "excepted", "n/a", "other"];
  const widths = [10, 10, 7, 11, 7, 9, 6, 6];
  const row = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join("");
  lines.push(`${"rule".padEnd(width)}${row(head)}`);
  for (const r of shown) lines.push(`${r.rule.padEnd(width)}${row(cells(r))}`);
  if (shown.length < p.rules.length)
    lines.push(`… ${p.rules.length - shown.length} more (\`--top 0\` shows every rule)`);
  lines.push(
    "",
    "Per document: `alone` is the rule by itself (its condition, exceptions and effect, with what it",
    "shares with other rules); `own` is the rule once the shared part is computed. share: of `alone`.",
    "`explained` is the rule alone in a decision with explanations (each deciding condition recorded",
    "with the facts it saw, and the outcome's evidence).",
    `The rules alone add up to ${formatNs(sum)}; a decision computes what rules share once.`,
  );
  return lines.join("\n") + "\n";
}

function cells(r: RuleProfile): string[] {
  const s = r.statuses;
  return [
    formatNs(r.ns),
    formatNs(r.ownNs),
    `${(r.share * 100).toFixed(1)}%`,
    formatNs(r.explainedNs),
    String(s.fired),
    String(s.excepted),
    String(s["not-applicable"]),
    String(s["not-in-force"] + s.error),
  ];
}
