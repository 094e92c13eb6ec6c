/**
 * `norma build [paths] [--out FILE] [--sources DIR]`: checks and compiles policies into a bundle
 * (JSON), the only artifact a service needs besides the runtime package.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildBundle, findPoliciesRoot, findPolicyFiles } from "@norma/compiler";
import { fail, parseCommandArgs, renderDiagnostics, summarize } from "../util.js";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      options: { out: { type: "string" }, sources: { type: "string" } },
    },
    "usage: norma build [paths] [--out FILE] [--sources DIR]",
  );
  if (!parsed) return 2;
  const paths = parsed.positionals.length ? parsed.positionals : ["policies"];
  const { files, missing } = findPolicyFiles(paths);
  if (missing.length) {
    fail(`no such file or directory: ${missing.map((m) => `\`${m}\``).join(", ")}`);
    return 2;
  }
  const { value, diagnostics } = buildBundle(files, {
    root: findPoliciesRoot(paths),
    sourcesDir: parsed.values.sources ?? null,
  });
  if (diagnostics.length) process.stderr.write(renderDiagnostics(diagnostics, value.sources, "text"));
  if (!value.bundle) {
    process.stderr.write(`build failed: ${summarize(diagnostics, files.length)}\n`);
    return 1;
  }
  const out = parsed.values.out ?? "out/bundle.json";
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(value.bundle) + "\n");
  } catch (e) {
    fail(`cannot write \`${out}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return 2;
  }
  const b = value.bundle;
  process.stdout.write(
    `wrote ${out}: ${b.policies.length} policies, ${b.rules.length} rules, ${b.params.length} params, ${Object.keys(b.lexicons).length} lexicons\nbundle ${b.hash}\n`,
  );
  return 0;
}
