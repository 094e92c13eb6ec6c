/**
 * `norma diff --base OLD --head NEW --in FILE|- [--as-of DATE | --as-of-base D1 --as-of-head D2]
 * [--format text|json] [--workers N] [--examples K]`: decides every facts document of an NDJSON
 * file under both policy versions (or one version at two as-of dates: omit `--head`) and reports
 * the documents whose verdict or outcomes changed, grouped by rule and by norm id. See docs/batch.md.
 */
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { formatDiffText } from "../batch/impact-diff.js";
import { loadPoliciesForBatch } from "../batch/load-policies.js";
import { runDiff } from "../batch/run-diff.js";
import { fail, parseAsOf, parseCommandArgs, parseFormat } from "../util.js";

const USAGE =
  "usage: norma diff --base OLD_POLICIES [--head NEW_POLICIES] --in FILE|- [--as-of DATE | --as-of-base D1 --as-of-head D2] [--format text|json]";

/** Runs `norma diff`; exit 0 whether or not decisions changed, 1 when policies do not load, 2 on usage errors. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        base: { type: "string" },
        head: { type: "string" },
        in: { type: "string" },
        "as-of": { type: "string" },
        "as-of-base": { type: "string" },
        "as-of-head": { type: "string" },
        format: { type: "string" },
        workers: { type: "string" },
        examples: { type: "string" },
        sources: { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (!v.base) {
    fail("which policies to compare? pass `--base OLD_POLICIES` (and `--head NEW_POLICIES`)", USAGE);
    return 2;
  }
  if (!v.in) {
    fail("which facts? pass `--in FILE` (NDJSON, one document per line) or `--in -`", USAGE);
    return 2;
  }
  if (v.in !== "-" && !existsSync(v.in)) {
    fail(`no such file \`${v.in}\``);
    return 2;
  }
  if (v["as-of"] !== undefined && (v["as-of-base"] !== undefined || v["as-of-head"] !== undefined)) {
    fail("give either `--as-of` (both sides) or `--as-of-base` and `--as-of-head`, not both", USAGE);
    return 2;
  }
  if ((v["as-of-base"] === undefined) !== (v["as-of-head"] === undefined)) {
    fail("`--as-of-base` and `--as-of-head` go together", USAGE);
    return 2;
  }
  if (v.head === undefined && v["as-of-base"] === undefined) {
    fail(
      "nothing to compare: pass `--head NEW_POLICIES`, or `--as-of-base` and `--as-of-head` for one version at two dates",
      USAGE,
    );
    return 2;
  }
  const format = parseFormat(v.format, ["text", "json"] as const, "text");
  if (!format) {
    fail(`unknown format \`${v.format}\``, "use `text` or `json`");
    return 2;
  }
  const workers = v.workers === undefined ? availableParallelism() : Number(v.workers);
  const examples = v.examples === undefined ? 5 : Number(v.examples);
  if (!Number.isInteger(workers) || workers < 0 || !Number.isInteger(examples) || examples < 0) {
    fail("`--workers` and `--examples` take non-negative integers");
    return 2;
  }
  // One instant for both sides unless a pair is given (so "now" is the same now on both).
  const both = parseAsOf(v["as-of"]);
  const baseAsOf = v["as-of-base"] === undefined ? both : parseAsOf(v["as-of-base"]);
  const headAsOf = v["as-of-head"] === undefined ? both : parseAsOf(v["as-of-head"]);
  for (const a of [baseAsOf, headAsOf]) {
    if ("error" in a) {
      fail(a.error);
      return 2;
    }
  }
  const baseMs = (baseAsOf as { ms: number }).ms;
  const headMs = (headAsOf as { ms: number }).ms;

  const headPath = v.head ?? v.base;
  const base = loadPoliciesForBatch(v.base, v.sources ?? null);
  if (!base) return 1;
  const head = headPath === v.base ? base : loadPoliciesForBatch(headPath, v.sources ?? null);
  if (!head) return 1;

  let aggregate;
  try {
    aggregate = await runDiff({
      input: v.in,
      base: { bundleText: base.bundleText, asOf: baseMs },
      head: { bundleText: head.bundleText, asOf: headMs },
      workers,
      examples,
    });
  } catch (e) {
    fail(`the diff stopped: ${(e as Error).message}`);
    return 1;
  }
  const report = aggregate.report({
    base: { policies: v.base, bundle: base.engine.hash, asOf: rfc3339Shanghai(baseMs) },
    head: { policies: headPath, bundle: head.engine.hash, asOf: rfc3339Shanghai(headMs) },
    input: v.in,
  });
  process.stdout.write(format === "json" ? JSON.stringify(report, null, 2) + "\n" : formatDiffText(report));
  return 0;
}

function rfc3339Shanghai(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+08:00");
}
