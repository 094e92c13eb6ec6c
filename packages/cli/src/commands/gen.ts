/**
 * `norma gen --count N --seed S [--out FILE|-] [--as-of DATE] [--examples DIR]`: writes `N`
 * schema-valid facts documents as NDJSON (one document per line), made from the stories of
 * `examples/` and mixtures of them and pushed onto rule boundaries; the same arguments always give
 * the same bytes. See docs/batch.md.
 */
import { existsSync } from "node:fs";
import {
  createFactsGenerator,
  defaultExamplesDir,
  loadStories,
  parseGenAsOf,
  STORY_AS_OF,
} from "../batch/generate-facts.js";
import { NdjsonWriter } from "../batch/ndjson-writer.js";
import { fail, parseCommandArgs } from "../util.js";

const USAGE = "usage: norma gen --count N --seed S [--out FILE|-] [--as-of DATE] [--examples DIR]";

/** Runs `norma gen`; returns the exit code (2 for usage errors). */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        count: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
        "as-of": { type: "string" },
        examples: { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  const count = Number(v.count);
  if (v.count === undefined || !/^\d+$/.test(v.count) || !Number.isSafeInteger(count)) {
    fail(
      v.count === undefined ? "how many documents? pass `--count N`" : `\`${v.count}\` is not a count`,
      USAGE,
    );
    return 2;
  }
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  if (!Number.isSafeInteger(seed)) {
    fail(`\`${v.seed}\` is not an integer seed`, USAGE);
    return 2;
  }
  const asOfText = v["as-of"] ?? STORY_AS_OF;
  const asOf = parseGenAsOf(asOfText);
  if (asOf === null) {
    fail(`\`${asOfText}\` is not a date (2026-11-21) or an RFC 3339 date-time with offset`);
    return 2;
  }
  const examples = v.examples ?? defaultExamplesDir();
  if (!existsSync(examples)) {
    fail(`no examples directory \`${examples}\``, "pass `--examples DIR` with the story documents");
    return 2;
  }
  const stories = loadStories(examples);
  if (stories.length === 0) {
    fail(`no \`*.json\` stories in \`${examples}\``);
    return 2;
  }

  const generator = createFactsGenerator({ stories, seed, asOf });
  const writer = new NdjsonWriter({ path: v.out ?? "-" });
  for (let i = 0; i < count; i++) await writer.write(JSON.stringify(generator.next().doc) + "\n");
  await writer.close();
  if (v.out && v.out !== "-") {
    process.stderr.write(
      `wrote ${count.toLocaleString("en-US")} documents to ${v.out} (seed ${seed}, for as-of ${asOfText})\n`,
    );
  }
  return 0;
}
