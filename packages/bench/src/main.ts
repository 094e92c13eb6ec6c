/**
 * `pnpm bench`: the engine bench of issue 4 (the whole policy corpus), then the peer comparison
 * on the fixed workload (shared/bench/workload.md).
 *
 *   pnpm bench [--no-engine] [--no-peers] [--no-extract] [--quick] [--seed N] [--rounds N]
 *              [--batch [--batch-count N] [--batch-workers N]]
 *
 * Engine: load and compile time of policies/, then every example decided with each evaluator and
 * the reference, without and with explanations. `--batch` adds `norma batch` over 1,000,000
 * generated documents on 2 workers (several minutes). Peers: generates 1,000 documents, checks
 * that every implementation agrees on all of them (a disagreement prints the document and both
 * outcome lists and exits 1), times interleaved rounds. Prints the markdown tables and writes them
 * to packages/bench/results/latest.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatBatchReport, formatEngineReport } from "./engine-bench/format-engine-report.js";
import { runBatchBench } from "./engine-bench/run-batch-bench.js";
import { runEngineBench } from "./engine-bench/run-engine-bench.js";
import { runExtractBench } from "@norma/extract/bench";
import { QUICK_PROFILE } from "@norma/runtime";
import { AgreementError, formatDisagreement } from "./harness/agreement.js";
import { formatBenchReport } from "./harness/format-table.js";
import { runPeerBench } from "./harness/run-peer-bench.js";
import { createHandwrittenImplementation, createPeerImplementations } from "./implementations.js";
import { createFactsHashFloor } from "./norma/floors.js";
import { DEFAULT_WORKLOAD_SEED, generateWorkload } from "./workload/generate.js";

const AGREEMENT_DOCS = 1_000;
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const AS_OF_DAY = "2026-11-21";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      peers: { type: "boolean", default: true },
      "no-peers": { type: "boolean", default: false },
      engine: { type: "boolean", default: true },
      "no-engine": { type: "boolean", default: false },
      "no-extract": { type: "boolean", default: false },
      batch: { type: "boolean", default: false },
      "batch-count": { type: "string" },
      "batch-workers": { type: "string" },
      quick: { type: "boolean", default: false },
      seed: { type: "string" },
      rounds: { type: "string" },
    },
    strict: true,
  });
  const runPeers = values.peers && !values["no-peers"];
  const runEngine = values.engine && !values["no-engine"];
  if (!runPeers && !runEngine && !values.batch && values["no-extract"]) {
    process.stdout.write("nothing to run: drop --no-engine, --no-peers or --no-extract, or add --batch\n");
    return 0;
  }
  const quick = values.quick;
  const seed = values.seed === undefined ? DEFAULT_WORKLOAD_SEED : Number(values.seed);
  const rounds = values.rounds === undefined ? (quick ? 3 : 10) : Number(values.rounds);
  if (!Number.isInteger(seed) || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write("error: `--seed` and `--rounds` take integers (rounds ≥ 1)\n");
    return 2;
  }

  // Every section names the command that produced this run, flags included.
  const invocation = ["pnpm bench", ...process.argv.slice(2)].join(" ");
  const sections: string[] = [];
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const machine = `Node ${process.version}, ${process.platform}-${process.arch}, ${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} logical)`;
  const date = new Date().toISOString().slice(0, 10);
  if (runEngine) {
    const engine = runEngineBench({
      policiesDir: `${REPO}policies`,
      examplesDir: `${REPO}examples`,
      asOf: Date.parse(`${AS_OF_DAY}T00:00:00+08:00`),
      rounds: quick ? 1 : Math.min(rounds, 5),
      minRoundMs: quick ? 50 : 300,
      loadRepeats: quick ? 2 : 5,
      profile: quick ? { ...QUICK_PROFILE, rounds: 3 } : {},
      onProgress: progress,
    });
    const report = formatEngineReport(engine, {
      command: invocation,
      date,
      machine,
    });
    process.stdout.write(`\n${report}\n`);
    sections.push(report);
  }
  if (!values["no-extract"]) {
    // issue 7: 350 pages, 9 subpackages, 20,000 vendored files, extracted in under 2 s
    const r = await runExtractBench({ runs: quick ? 2 : 5 });
    const report = [
      `## Extraction (\`norma extract\`) — ${invocation}`,
      "",
      "| package | files written | cold run ms | median ms (warm) | target |",
      "|---|--:|--:|--:|---|",
      `| ${r.pages} pages, ${r.subpackages} subpackages, ${r.vendoredFiles} vendored files | ${r.filesWritten} | ${r.coldMs.toFixed(0)} | ${r.medianMs.toFixed(0)} | < ${r.targetMs} ms: ${r.withinTarget ? "met" : "missed"} |`,
    ].join("\n");
    process.stdout.write(`\n${report}\n`);
    sections.push(report);
  }
  if (values.batch) {
    const count = values["batch-count"] === undefined ? 1_000_000 : Number(values["batch-count"]);
    const workers = values["batch-workers"] === undefined ? 2 : Number(values["batch-workers"]);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(workers) || workers < 1) {
      process.stderr.write("error: `--batch-count` and `--batch-workers` take positive integers\n");
      return 2;
    }
    const batch = await runBatchBench({
      policiesDir: `${REPO}policies`,
      count,
      seed: 1,
      workers,
      asOf: AS_OF_DAY,
      onProgress: progress,
    });
    const report = formatBatchReport(batch, invocation);
    process.stdout.write(`\n${report}\n`);
    sections.push(report);
  }
  if (!runPeers) return writeResults(sections);

  const agreementDocs = generateWorkload({ count: AGREEMENT_DOCS, seed });
  const docs = quick ? agreementDocs.slice(0, 200) : agreementDocs;
  const { implementations, skipped } = await createPeerImplementations();
  for (const s of skipped) process.stderr.write(`warning: skipped \`${s.name}\`: ${s.reason}\n`);

  let table;
  try {
    table = await runPeerBench({
      docs,
      agreementDocs,
      rounds,
      implementations,
      baseline: createHandwrittenImplementation(),
      floors: [createFactsHashFloor()],
      minRoundMs: quick ? 50 : 200,
      warmupMs: quick ? 50 : 150,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof AgreementError) {
      process.stderr.write(`${formatDisagreement(error.disagreement)}\n`);
      return 1;
    }
    throw error;
  }

  let report = formatBenchReport(table, { seed, command: invocation });
  if (skipped.length > 0) {
    report += `\nSkipped here: ${skipped.map((s) => `${s.name} (${s.reason})`).join("; ")}.\n`;
  }
  process.stdout.write(`\n${report}`);
  sections.push(report);
  return writeResults(sections);
}

/** Writes every section of this run, in order, to results/latest.md. */
function writeResults(sections: string[]): number {
  const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}latest.md`, sections.join("\n"));
  process.stderr.write(`wrote ${resultsDir}latest.md\n`);
  return 0;
}

process.exitCode = await main();
