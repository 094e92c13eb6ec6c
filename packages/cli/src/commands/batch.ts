/**
 * `norma batch --policies DIR|BUNDLE --in FILE|- [--out FILE|-] [--as-of DATE] [--workers N]
 * [--unordered] [--resume] [--explain] [--compact] [--evaluator compiled|fast|reference]
 * [--summary-json FILE]`: decides NDJSON facts in bulk. One output line per input line (a decision
 * with `line` and `verdict`, or an error record); a summary on standard error; Ctrl-C finishes what
 * is in flight and leaves a checkpoint for `--resume`. See docs/batch.md.
 */
import { availableParallelism } from "node:os";
import { existsSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { checkpointPathFor, readCheckpoint, removeCheckpoint, type Checkpoint } from "../batch/checkpoint.js";
import type { DecideSettings } from "../batch/line-decider.js";
import { isRegularFileTarget, runBatch } from "../batch/run-batch.js";
import { formatSummary, summaryJson } from "../batch/summary.js";
import { loadPoliciesForBatch } from "../batch/load-policies.js";
import { asOfOption, evaluatorOption, fail, parseCommandArgs } from "../util.js";

const USAGE =
  "usage: norma batch --policies DIR|BUNDLE --in FILE|- [--out FILE|-] [--as-of DATE] [--workers N] [--unordered] [--resume]";

/** Runs `norma batch`; exit 0 when every line was handled, 130 when interrupted, 1 on failure, 2 on usage errors. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        policies: { type: "string" },
        sources: { type: "string" },
        in: { type: "string" },
        out: { type: "string" },
        "as-of": { type: "string" },
        workers: { type: "string" },
        unordered: { type: "boolean" },
        resume: { type: "boolean" },
        explain: { type: "boolean" },
        compact: { type: "boolean" },
        evaluator: { type: "string" },
        "batch-lines": { type: "string" },
        "summary-json": { type: "string" },
        "checkpoint-ms": { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (!v.in) {
    fail(
      "which facts? pass `--in FILE` (NDJSON, one document per line) or `--in -` for standard input",
      USAGE,
    );
    return 2;
  }
  if (v.in !== "-" && !existsSync(v.in)) {
    fail(`no such file \`${v.in}\``);
    return 2;
  }
  const output = v.out ?? "-";
  if (output !== "-" && v.in !== "-" && resolve(output) === resolve(v.in)) {
    fail(`\`--out\` is the input file \`${v.in}\``, "write the decisions to another file");
    return 2;
  }
  const workers = v.workers === undefined ? availableParallelism() : Number(v.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) {
    fail(`\`--workers ${v.workers}\` is not a thread count`, "give 0 (decide on the main thread) to 256");
    return 2;
  }
  const batchLines = v["batch-lines"] === undefined ? 256 : Number(v["batch-lines"]);
  if (!Number.isInteger(batchLines) || batchLines < 1) {
    fail(`\`--batch-lines ${v["batch-lines"]}\` is not a positive integer`);
    return 2;
  }
  const evaluator = evaluatorOption(v.evaluator);
  const asOf = asOfOption(v["as-of"]);
  if (evaluator === null || asOf === null) return 2;

  let settings: DecideSettings = {
    asOf,
    explain: v.explain === true,
    evaluator,
    output: v.compact ? "compact" : "full",
  };
  let ordered = v.unordered !== true;

  let resume: Checkpoint | null = null;
  const checkpointPath = output === "-" ? null : checkpointPathFor(output);
  if (v.resume) {
    if (checkpointPath === null || !isRegularFileTarget(output)) {
      fail("`--resume` needs `--out FILE`: only a file output has a checkpoint to resume from");
      return 2;
    }
    const read = readCheckpoint(checkpointPath);
    if ("error" in read) {
      fail(`nothing to resume: ${read.error}`, "run without `--resume` to start from the first line");
      return 2;
    }
    resume = read.checkpoint;
    const conflict = resumeConflict(resume, settings, ordered, v);
    if (conflict) {
      fail(
        `cannot resume: ${conflict}`,
        "rerun with the options of the interrupted run, or without `--resume` to start over",
      );
      return 2;
    }
    settings = {
      asOf: resume.asOfMs,
      explain: resume.explain,
      evaluator: resume.evaluator,
      output: resume.outputForm,
    };
    ordered = resume.ordered;
  }

  const loaded = loadPoliciesForBatch(v.policies ?? "policies", v.sources ?? null);
  if (!loaded) return 1;
  const engine = loaded.engine;
  if (resume) {
    if (resume.bundle !== engine.hash) {
      fail(
        `cannot resume: the policies changed since the checkpoint (bundle \`${resume.bundle}\`, now \`${engine.hash}\`)`,
        "run without `--resume` to decide every line with the current policies",
      );
      return 2;
    }
    const size = existsSync(output) ? statSync(output).size : -1;
    if (size < resume.outputBytes) {
      fail(
        `cannot resume: \`${output}\` is shorter than the ${resume.outputBytes} bytes the checkpoint recorded`,
      );
      return 2;
    }
    // Drop a partial tail: whatever was written after the checkpoint is decided again.
    truncateSync(output, resume.outputBytes);
  } else if (checkpointPath !== null && existsSync(checkpointPath)) {
    removeCheckpoint(checkpointPath);
    process.stderr.write(
      `note: starting over; the checkpoint of an earlier run of \`${output}\` was discarded (\`--resume\` continues it)\n`,
    );
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write("\ninterrupted: finishing the batches in flight (Ctrl-C again to stop at once)\n");
      controller.abort();
    } else {
      process.stderr.write("stopped at once; the last periodic checkpoint still holds\n");
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);

  const asOfText = rfc3339Shanghai(settings.asOf);
  const ctx = { asOf: asOfText, bundle: engine.hash, output };
  try {
    const report = await runBatch({
      input: v.in,
      output,
      bundleText: loaded.bundleText,
      bundleHash: engine.hash,
      settings,
      workers,
      ordered,
      batchLines,
      resume,
      signal: controller.signal,
      progressStream: process.stderr,
      checkpointEveryMs:
        v["checkpoint-ms"] === undefined ? undefined : Math.max(10, Number(v["checkpoint-ms"]) || 2000),
    });
    process.stderr.write(formatSummary(report, ctx));
    if (v["summary-json"])
      writeFileSync(v["summary-json"], JSON.stringify(summaryJson(report, ctx), null, 2) + "\n");
    return report.interrupted ? 130 : 0;
  } catch (e) {
    const err = e as Error & { checkpoint?: string | null; linesDone?: number };
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
    fail(`the batch stopped: ${err.message}`);
    if (err.checkpoint) {
      process.stderr.write(
        `  ${err.linesDone ?? 0} lines are written; checkpoint ${err.checkpoint} (--resume continues)\n`,
      );
    }
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

function resumeConflict(
  c: Checkpoint,
  settings: DecideSettings,
  ordered: boolean,
  v: { "as-of"?: string; explain?: boolean; compact?: boolean; evaluator?: string; unordered?: boolean },
): string | null {
  if (v["as-of"] !== undefined && settings.asOf !== c.asOfMs) {
    return `the checkpoint was decided as of ${rfc3339Shanghai(c.asOfMs)}, not ${rfc3339Shanghai(settings.asOf)}`;
  }
  if (v.explain !== undefined && settings.explain !== c.explain)
    return "`--explain` differs from the interrupted run";
  if (v.compact !== undefined && settings.output !== c.outputForm)
    return "`--compact` differs from the interrupted run";
  if (v.evaluator !== undefined && settings.evaluator !== c.evaluator)
    return "`--evaluator` differs from the interrupted run";
  if (v.unordered !== undefined && ordered !== c.ordered)
    return "`--unordered` differs from the interrupted run";
  return null;
}

function rfc3339Shanghai(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+08:00");
}
