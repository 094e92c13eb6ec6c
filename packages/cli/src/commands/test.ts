/**
 * `norma test [dir] [--policies DIR] [--examples DIR] [--sources DIR] [--format text|json|junit]
 * [--report FILE.html] [--evaluator compiled|fast|reference|all] [--require-coverage]`: runs the
 * conformance suite (default `conformance`) on every evaluator.
 *
 * Exit 0 when every case passed on every evaluator; 1 on any failure, any bad case file, any
 * policy error, any citation that does not verify (with `--sources`), or coverage below 100%
 * (with `--require-coverage`); 2 for bad usage.
 */
import { existsSync, writeFileSync } from "node:fs";
import {
  renderHtml,
  renderText,
  runSuite,
  summaryLine,
  toJsonReport,
  toJunit,
  type EvaluatorName,
  type SuiteResult,
} from "@norma/conformance";
import { fail, parseCommandArgs, parseFormat } from "../util.js";

const USAGE =
  "usage: norma test [dir] [--policies DIR] [--examples DIR] [--sources DIR] [--format text|json|junit] [--report FILE.html] [--evaluator compiled|fast|reference|all] [--require-coverage]";

/** Why coverage is below the thresholds of `--require-coverage` (empty: it is not). */
export function coverageShortfalls(result: SuiteResult): string[] {
  const out: string[] = [];
  const cov = result.coverage;
  if (cov.neverFired.length) out.push(`${cov.neverFired.length} rule(s) never fired`);
  if (cov.neverNotFired.length) out.push(`${cov.neverNotFired.length} rule(s) never seen not firing`);
  const gaps = cov.norms.filter((n) => n.status === "no-cases" || n.status === "no-rules");
  if (gaps.length) out.push(`${gaps.length} norm(s) neither covered nor listed in NOT-ENCODED.md`);
  return out;
}

/** Runs the command; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        policies: { type: "string" },
        examples: { type: "string" },
        sources: { type: "string" },
        format: { type: "string" },
        report: { type: "string" },
        evaluator: { type: "string" },
        "require-coverage": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (parsed.positionals.length > 1) {
    fail(`expected at most one suite directory, found ${parsed.positionals.length}`, USAGE);
    return 2;
  }
  const format = parseFormat(v.format, ["text", "json", "junit"] as const, "text");
  if (!format) {
    fail(`unknown format \`${v.format}\``, "use `text`, `json` or `junit`");
    return 2;
  }
  const evaluatorChoice = parseFormat(v.evaluator, ["compiled", "fast", "reference", "all"] as const, "all");
  if (!evaluatorChoice) {
    fail(`unknown evaluator \`${v.evaluator}\``, "use `compiled`, `fast`, `reference` or `all`");
    return 2;
  }
  const evaluators: EvaluatorName[] =
    evaluatorChoice === "all" ? ["compiled", "fast", "reference"] : [evaluatorChoice];
  const requireCoverage = !!v["require-coverage"];

  const dir = parsed.positionals[0] ?? "conformance";
  for (const [what, path] of [
    ["suite", dir],
    ["policies directory", v.policies ?? "policies"],
  ] as const) {
    if (!existsSync(path)) {
      fail(`no such ${what} \`${path}\``, USAGE);
      return 2;
    }
  }
  const result = await runSuite({
    dir,
    policiesDir: v.policies ?? "policies",
    examplesDir: v.examples ?? "examples",
    sourcesDir: v.sources ?? null,
    evaluators,
  });

  const shortfalls = requireCoverage ? coverageShortfalls(result) : [];
  const color = format === "text" && !!process.stdout.isTTY && !process.env.NO_COLOR;
  if (format === "text") {
    let text = renderText(result, { color, requireCoverage });
    if (shortfalls.length) {
      const lines = text.trimEnd().split("\n");
      const last = lines.pop()!;
      text =
        [...lines, ...shortfalls.map((s) => `error: coverage below --require-coverage: ${s}`), last].join(
          "\n",
        ) + "\n";
    }
    process.stdout.write(text);
  } else {
    process.stdout.write(
      format === "json"
        ? JSON.stringify({ ...(toJsonReport(result) as object), coverageShortfalls: shortfalls }, null, 2) +
            "\n"
        : toJunit(result),
    );
    // The summary line still goes somewhere a person (or CI log) sees it.
    process.stderr.write(summaryLine(result) + "\n");
  }
  if (v.report) {
    try {
      writeFileSync(v.report, renderHtml(result));
    } catch (e) {
      fail(`cannot write the report \`${v.report}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return 1;
    }
  }
  return result.ok && shortfalls.length === 0 ? 0 : 1;
}
