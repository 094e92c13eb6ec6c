/**
 * `norma example [--facts FILE] [--as-of DATE]`: the main job on the bundled example — check the
 * policies in `policies/` (citations verified when `../shared/seeds` is there), then decide a sample
 * mini program and print the decision as a compliance author reads it.
 */
import { existsSync } from "node:fs";
import { run as check } from "./check.js";
import { run as evaluate } from "./eval.js";
import { parseCommandArgs } from "../util.js";

const DEFAULT_FACTS = "examples/news-filing-pending-8-days.json";
const DEFAULT_AS_OF = "2026-11-21T10:00:00+08:00";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    { args, options: { facts: { type: "string" }, "as-of": { type: "string" } } },
    "usage: norma example [--facts FILE] [--as-of DATE]",
  );
  if (!parsed) return 2;
  const sources = existsSync("../shared/seeds") ? ["--sources", "../shared/seeds"] : [];
  process.stdout.write("== norma check policies\n");
  const checked = await check(["policies", ...sources]);
  if (checked !== 0) return checked;
  const facts = parsed.values.facts ?? DEFAULT_FACTS;
  const asOf = parsed.values["as-of"] ?? DEFAULT_AS_OF;
  process.stdout.write(`\n== norma eval --facts ${facts} --as-of ${asOf}\n`);
  return evaluate(["--facts", facts, "--as-of", asOf, "--policies", "policies"]);
}
