/**
 * `pnpm bench`: the peer comparison on the fixed workload (shared/bench/workload.md).
 *
 *   pnpm bench [--peers | --no-peers] [--quick] [--seed N] [--rounds N]
 *
 * Generates 1,000 documents, checks that every implementation agrees on all of them (a
 * disagreement prints the document and both outcome lists and exits 1), times interleaved
 * rounds, prints the markdown table and writes it to packages/bench/results/latest.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { AgreementError, formatDisagreement } from "./harness/agreement.js";
import { formatBenchReport } from "./harness/format-table.js";
import { runPeerBench } from "./harness/run-peer-bench.js";
import { createHandwrittenImplementation, createPeerImplementations } from "./implementations.js";
import { DEFAULT_WORKLOAD_SEED, generateWorkload } from "./workload/generate.js";

const AGREEMENT_DOCS = 1_000;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      peers: { type: "boolean", default: true },
      "no-peers": { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      seed: { type: "string" },
      rounds: { type: "string" },
    },
    strict: true,
  });
  if (values["no-peers"] || !values.peers) {
    process.stdout.write("nothing to run: the peer comparison is the only bench so far (drop --no-peers)\n");
    return 0;
  }
  const quick = values.quick;
  const seed = values.seed === undefined ? DEFAULT_WORKLOAD_SEED : Number(values.seed);
  const rounds = values.rounds === undefined ? (quick ? 3 : 10) : Number(values.rounds);
  if (!Number.isInteger(seed) || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write("error: `--seed` and `--rounds` take integers (rounds ≥ 1)\n");
    return 2;
  }

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

  const command = `pnpm bench${quick ? " --quick" : ""}${values.seed === undefined ? "" : ` --seed ${seed}`}`;
  let report = formatBenchReport(table, { seed, command });
  if (skipped.length > 0) {
    report += `\nSkipped here: ${skipped.map((s) => `${s.name} (${s.reason})`).join("; ")}.\n`;
  }
  process.stdout.write(`\n${report}`);
  const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}latest.md`, report);
  process.stderr.write(`wrote ${resultsDir}latest.md\n`);
  return 0;
}

process.exitCode = await main();
