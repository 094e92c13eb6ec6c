/**
 * `norma extract DIR [--profile profile.yaml] [--out facts.json] [--evidence evidence.json]`:
 * reads a mini-program project and writes the facts its package proves, merged with the
 * operator's profile.
 *
 * Output: the facts document (JSON) on stdout, or in `--out`. The evidence (for each fact, the
 * file and line that prove it), the warnings and the layout go to `--evidence` as JSON; the facts
 * schema has no place for them. Warnings are also printed on stderr.
 *
 * Exit codes: 0 when the facts are schema-valid; 1 when they were extracted but are not
 * schema-valid (typically operator fields such as `nickname` or `entity` that no package shows:
 * pass them with `--profile`); 2 for a bad DIR, an unreadable profile, an unwritable output or
 * wrong arguments.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { extractFacts, type ExtractResult } from "@norma/extract";

const USAGE =
  "usage: norma extract DIR [--profile profile.yaml] [--out facts.json] [--evidence evidence.json] [--quiet]";

/** Where the command writes; the real process by default, replaceable in tests. */
export interface ExtractIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs `norma extract` with `args` (after the command name); resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  return runExtract(args, { stdout: process.stdout, stderr: process.stderr });
}

/** {@link run} with explicit output streams. */
export async function runExtract(args: string[], io: ExtractIo): Promise<number> {
  let dir: string;
  let values: { profile?: string; out?: string; evidence?: string; quiet: boolean };
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: "string" },
        out: { type: "string", short: "o" },
        evidence: { type: "string" },
        quiet: { type: "boolean", short: "q", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (parsed.values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (parsed.positionals.length !== 1) {
      io.stderr.write(
        `error: ${parsed.positionals.length === 0 ? "no project directory given" : "give exactly one project directory"}\n  ${USAGE}\n`,
      );
      return 2;
    }
    dir = parsed.positionals[0] as string;
    values = parsed.values as typeof values;
  } catch (error) {
    const m = (error as Error).message;
    io.stderr.write(`error: ${m.charAt(0).toLowerCase()}${m.slice(1).replace(/\.$/, "")}\n  ${USAGE}\n`);
    return 2;
  }

  let result: ExtractResult;
  try {
    result = await extractFacts(dir, values.profile !== undefined ? { profile: values.profile } : {});
  } catch (error) {
    // extractFacts never throws for input; this is a bug, reported without a stack trace.
    io.stderr.write(
      `internal error: this is a bug in norma, not in your input: ${(error as Error).message}\n`,
    );
    return 70;
  }
  if (result.errors.length > 0) {
    for (const e of result.errors) io.stderr.write(`error[${e.code}]: ${e.message}\n`);
    return 2;
  }
  if (!values.quiet) {
    for (const w of result.warnings) {
      io.stderr.write(`warning[${w.code}]: ${w.message}\n`);
      for (const p of w.places)
        io.stderr.write(`  --> ${p.file}:${p.line}${p.column !== undefined ? `:${p.column}` : ""}\n`);
    }
  }

  const factsText = `${JSON.stringify(result.facts, null, 2)}\n`;
  const writes: Array<[string, string]> = [];
  if (values.out !== undefined) writes.push([values.out, factsText]);
  if (values.evidence !== undefined) {
    const side = {
      evidence: result.evidence,
      warnings: result.warnings,
      layout: result.layout,
      unmapped: result.unmapped,
      stats: result.stats,
    };
    writes.push([values.evidence, `${JSON.stringify(side, null, 2)}\n`]);
  }
  for (const [file, text] of writes) {
    try {
      await writeFile(file, text, "utf8");
    } catch (error) {
      io.stderr.write(
        `error: cannot write \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`,
      );
      return 2;
    }
  }
  if (values.out === undefined) io.stdout.write(factsText);

  if (!result.validation.ok) {
    io.stderr.write(
      `error: the extracted facts are not schema-valid (${result.validation.errors.length} error${result.validation.errors.length === 1 ? "" : "s"}):\n`,
    );
    for (const e of result.validation.errors.slice(0, 20))
      io.stderr.write(`  ${e.pointer || "/"}: ${e.message}\n`);
    const missing = result.validation.errors
      .filter((e) => e.code === "facts/missing-field")
      .map((e) => `\`${e.pointer.slice(1)}\``);
    if (missing.length > 0)
      io.stderr.write(
        `  help: a package cannot show ${missing.join(", ")}; declare them in a profile and pass \`--profile profile.yaml\`\n`,
      );
    return 1;
  }
  if (!values.quiet)
    io.stderr.write(
      `extracted ${result.layout.kind} mini program at \`${result.layout.root}\`: ${result.evidence.length} evidence entries, ${result.warnings.length} warnings, ${result.stats.ms} ms\n`,
    );
  return 0;
}
