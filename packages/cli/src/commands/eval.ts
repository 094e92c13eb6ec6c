/**
 * `norma eval --facts FILE|- [--policies DIR|BUNDLE] [--as-of DATE] [--format text|json]
 * [--evaluator compiled|fast|reference]`: decides one facts document. Invalid facts exit 2 with every
 * error's JSON pointer; no decision is made from invalid facts.
 */
import { parseFactsJson } from "@norma/facts";
import { renderDecisionText } from "@norma/runtime";
import { loadEngine } from "../policies.js";
import { asOfOption, evaluatorOption, fail, parseCommandArgs, parseFormat, readInput } from "../util.js";

const USAGE = "usage: norma eval --facts FILE|- [--policies DIR|BUNDLE] [--as-of DATE] [--format text|json]";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: {
        facts: { type: "string" },
        policies: { type: "string" },
        "as-of": { type: "string" },
        format: { type: "string" },
        evaluator: { type: "string" },
        sources: { type: "string" },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  const factsPath = v.facts ?? parsed.positionals[0];
  if (!factsPath) {
    fail("which facts? pass `--facts FILE` (or `-` for standard input)", USAGE);
    return 2;
  }
  const format = parseFormat(v.format, ["text", "json"] as const, "text");
  if (!format) {
    fail(`unknown format \`${v.format}\``, "use `text` or `json`");
    return 2;
  }
  const evaluator = evaluatorOption(v.evaluator);
  const asOf = asOfOption(v["as-of"]);
  if (evaluator === null || asOf === null) return 2;
  const input = readInput(factsPath);
  if ("error" in input) {
    fail(input.error);
    return 2;
  }
  const name = factsPath === "-" ? "<stdin>" : factsPath;
  const facts = parseFactsJson(input.text, name);
  if (!facts.ok) {
    for (const e of facts.errors)
      process.stderr.write(`${name}${e.pointer ? ` at ${e.pointer || "/"}` : ""}: error: ${e.message}\n`);
    return 2;
  }
  const engine = loadEngine(v.policies ?? "policies", v.sources ?? null);
  if (!engine) return 1;
  const result = engine.decide(facts.value, { asOf, evaluator });
  if (!result.ok) {
    for (const e of result.errors) {
      process.stderr.write(
        `${name} at ${e.pointer || "/"}: error: ${e.message}${e.actual !== undefined ? ` (found ${JSON.stringify(e.actual)})` : ""}\n`,
      );
    }
    process.stderr.write("error: the facts are invalid, so no decision was made\n");
    return 2;
  }
  process.stdout.write(
    format === "json" ? JSON.stringify(result.decision, null, 2) + "\n" : renderDecisionText(result.decision),
  );
  return 0;
}
