/**
 * `norma fmt [--check] [paths…]`: formats policy files in place (default path `policies/`, searched
 * recursively for `*.norma`).
 *
 * Exit codes: 0 when every file is formatted (or was rewritten); 1 when a file has syntax errors
 * (printed as code frames on stderr), or, with `--check`, when a file is not formatted (its path is
 * printed on stdout; nothing is written); 2 for a usage error or a path that cannot be read.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SourceText, formatText, renderDiagnostic } from "@norma/lang";

const USAGE = `usage: norma fmt [--check] [paths…]

Formats *.norma files in place (default: policies/).

  --check   write nothing; list the files that are not formatted and exit 1 if there are any`;

/** Runs `norma fmt` with its arguments; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let check: boolean;
  let paths: string[];
  try {
    const parsed = parseArgs({
      args,
      options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    check = parsed.values.check ?? false;
    paths = parsed.positionals.length > 0 ? parsed.positionals : ["policies/"];
  } catch (error) {
    process.stderr.write(`error: ${usageError(error)}\n\n${USAGE}\n`);
    return 2;
  }

  const color = Boolean(process.stderr.isTTY) && !process.env["NO_COLOR"];
  let unreadable = false;
  const files: string[] = [];
  for (const path of paths) {
    const found = await collect(path);
    if (found === null) {
      process.stderr.write(`error: cannot read \`${path}\`: no such file or directory\n`);
      unreadable = true;
    } else files.push(...found);
  }

  let syntaxErrors = 0;
  const unformatted: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      process.stderr.write(
        `error: cannot read \`${file}\`: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}\n`,
      );
      unreadable = true;
      continue;
    }
    const result = formatText(text, file);
    if (result.value === null) {
      syntaxErrors++;
      const source = new SourceText(file, text);
      for (const d of result.diagnostics) process.stderr.write(renderDiagnostic(d, source, { color }));
      continue;
    }
    if (result.value === text) continue;
    unformatted.push(file);
    if (check) process.stdout.write(`${file}\n`);
    else {
      await writeFile(file, result.value, "utf8");
      process.stdout.write(`formatted ${file}\n`);
    }
  }

  if (syntaxErrors > 0) {
    process.stderr.write(
      `${syntaxErrors} file${syntaxErrors === 1 ? "" : "s"} not formatted because of syntax errors\n`,
    );
  }
  if (check && unformatted.length > 0) {
    process.stderr.write(
      `${unformatted.length} file${unformatted.length === 1 ? " is" : "s are"} not formatted; run \`norma fmt\` to format ${
        unformatted.length === 1 ? "it" : "them"
      }\n`,
    );
  }
  if (unreadable) return 2;
  if (syntaxErrors > 0 || (check && unformatted.length > 0)) return 1;
  return 0;
}

/** node:util's argument error, in our message style: "unknown option `--x`". */
function usageError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(/\.\s/)[0]!.replace(/'([^']*)'/g, "`$1`");
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** The `*.norma` files under `path` (or `path` itself when it is a file), sorted; null if missing. */
async function collect(path: string): Promise<string[] | null> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  const out: string[] = [];
  const entries = await readdir(path, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...((await collect(child)) ?? []));
    else if (entry.isFile() && entry.name.endsWith(".norma")) out.push(child);
  }
  return out;
}
