/**
 * `norma validate-facts FILE… [--strict] [--format text|json]`: checks facts files against the
 * facts schema and prints every error with its file, line, column and JSON pointer, what was
 * expected and the offending value. `-` reads standard input.
 *
 * Exit codes: 0 when every file is valid (warnings allowed), 2 when any file is invalid or
 * unreadable, or the arguments are wrong.
 */
import { readFile, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { MAX_FACTS_TEXT_LENGTH, validateFactsText, type FactError } from "@norma/facts";

const USAGE =
  "usage: norma validate-facts FILE… [--strict] [--format text|json]   (`-` reads standard input)";

/** Where the command writes and reads; the real process by default, replaceable in tests. */
export interface ValidateFactsIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** All of standard input as bytes. */
  readStdin(): Promise<Uint8Array>;
}

/** The outcome for one file, as printed by `--format json`. */
export interface FileReport {
  file: string;
  ok: boolean;
  errors: FactError[];
  warnings: FactError[];
}

/** Runs `norma validate-facts` with `args` (after the command name); resolves to the exit code. */
export async function run(args: string[]): Promise<number> {
  return runValidateFacts(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  });
}

/** {@link run} with explicit input and output streams. */
export async function runValidateFacts(args: string[], io: ValidateFactsIo): Promise<number> {
  let options: { strict: boolean; format: "text" | "json"; files: string[] };
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        strict: { type: "boolean", default: false },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.format !== "text" && values.format !== "json") {
      io.stderr.write(
        `error: unknown format \`${values.format}\`\n  help: use \`--format text\` or \`--format json\`\n`,
      );
      return 2;
    }
    if (positionals.length === 0) {
      io.stderr.write(`error: no facts file given\n  ${USAGE}\n`);
      return 2;
    }
    options = { strict: values.strict, format: values.format, files: positionals };
  } catch (error) {
    io.stderr.write(`error: ${lowerFirst((error as Error).message)}\n  ${USAGE}\n`);
    return 2;
  }

  let stdinText: Promise<ReadResult> | undefined;
  const reports: FileReport[] = [];
  for (const file of options.files) {
    const name = file === "-" ? "<stdin>" : file;
    const input =
      file === "-" ? await (stdinText ??= io.readStdin().then(decode, readFailure)) : await readFacts(file);
    if ("error" in input) {
      reports.push({ file: name, ok: false, errors: [input.error], warnings: [] });
      continue;
    }
    const result = validateFactsText(input.text, { file: name, strict: options.strict });
    reports.push({ file: name, ok: result.ok, errors: result.errors, warnings: result.warnings });
  }

  const ok = reports.every((r) => r.ok);
  io.stdout.write(
    options.format === "json" ? `${JSON.stringify({ ok, files: reports }, null, 2)}\n` : renderText(reports),
  );
  return ok ? 0 : 2;
}

type ReadResult = { text: string } | { error: FactError };

async function readFacts(path: string): Promise<ReadResult> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return readError(`\`${path}\` is a directory, not a facts file`);
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    if (info.size > MAX_FACTS_TEXT_LENGTH * 3) {
      return {
        error: {
          code: "facts/too-large",
          pointer: "",
          message: `file is larger than ${MAX_FACTS_TEXT_LENGTH * 3} bytes`,
        },
      };
    }
    return decode(await readFile(path));
  } catch (error) {
    return readFailure(error);
  }
}

function readFailure(error: unknown): ReadResult {
  const code = (error as NodeJS.ErrnoException).code;
  return readError(code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? String(error)})`);
}

function readError(message: string): ReadResult {
  return { error: { code: "facts/unreadable", pointer: "", message } };
}

function decode(bytes: Uint8Array): ReadResult {
  try {
    // `fatal` refuses malformed UTF-8 instead of replacing it; a byte-order mark is dropped.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { error: { code: "facts/unicode", pointer: "", message: "the file is not valid UTF-8" } };
  }
}

function renderText(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    for (const e of report.errors) lines.push(...renderOne(report.file, "error", e));
    for (const w of report.warnings) lines.push(...renderOne(report.file, "warning", w));
    const counts = [plural(report.errors.length, "error"), plural(report.warnings.length, "warning")].join(
      ", ",
    );
    lines.push(`${report.file}: ${report.ok ? "valid" : "invalid"} (${counts})`);
  }
  if (reports.length > 1) {
    const invalid = reports.filter((r) => !r.ok).length;
    lines.push(
      invalid === 0
        ? `all ${reports.length} files are valid`
        : `${invalid} of ${reports.length} files are invalid`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function renderOne(file: string, severity: "error" | "warning", e: FactError): string[] {
  const where = e.line === undefined ? file : `${file}:${e.line}:${e.column ?? 1}`;
  // A pointer holds field names verbatim; a hostile 10 MB name must not become a 10 MB line.
  const at =
    e.pointer === ""
      ? "the document root"
      : e.pointer.length > 200
        ? `${e.pointer.slice(0, 199)}…`
        : e.pointer;
  const out = [`${where}: ${severity}[${e.code}] at ${at}: ${e.message}`];
  if (e.expected !== undefined) out.push(`  expected: ${e.expected}`);
  if (e.actual !== undefined) out.push(`  found:    ${e.actual}`);
  if (e.help !== undefined) out.push(`  help: ${e.help}`);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, "");
}
