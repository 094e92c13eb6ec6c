/**
 * `norma check [paths] [--format text|json] [--sources DIR]`: parses and checks policy files,
 * printing every error of every file in one run. Exit 0 without errors, 1 with errors, 2 for bad usage.
 */
import { buildBundle, findPoliciesRoot, findPolicyFiles } from "@norma/compiler";
import { fail, parseCommandArgs, parseFormat, renderDiagnostics, summarize } from "../util.js";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: { format: { type: "string" }, sources: { type: "string" }, root: { type: "string" } },
    },
    "usage: norma check [paths] [--format text|json] [--sources DIR]",
  );
  if (!parsed) return 2;
  const format = parseFormat(parsed.values.format, ["text", "json"] as const, "text");
  if (!format) {
    fail(`unknown format \`${parsed.values.format}\``, "use `text` or `json`");
    return 2;
  }
  const paths = parsed.positionals.length ? parsed.positionals : ["policies"];
  const { files, missing } = findPolicyFiles(paths);
  if (missing.length) {
    fail(`no such file or directory: ${missing.map((m) => `\`${m}\``).join(", ")}`);
    return 2;
  }
  const root = parsed.values.root ?? findPoliciesRoot(paths);
  const { value, diagnostics } = buildBundle(files, { root, sourcesDir: parsed.values.sources ?? null });
  process.stdout.write(renderDiagnostics(diagnostics, value.sources, format));
  if (format === "text") {
    const verified = value.citationsVerified
      ? "citations verified"
      : "citations not verified (pass --sources DIR)";
    process.stdout.write(
      `${diagnostics.length ? "\n" : ""}checked ${summarize(diagnostics, files.length)}; ${verified}\n`,
    );
  }
  return diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}
