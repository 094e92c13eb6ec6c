#!/usr/bin/env node
/**
 * The `norma` command line: `pnpm norma <command> [args]`.
 *
 * Each command lives in `commands/<name>.ts` and exports `run(args: string[]): Promise<number>`
 * (the exit code). Commands never throw for the user's mistakes; an exception that escapes is an
 * engine bug and is reported as such (exit 70), never as a bare stack trace.
 */
import type { CommandModule } from "./command.js";

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  check: {
    summary: "check policies (syntax, names, types, citations)",
    load: () => import("./commands/check.js"),
  },
  fmt: { summary: "format policy files (--check to only report)", load: () => import("./commands/fmt.js") },
  "validate-facts": {
    summary: "validate facts files against the schema",
    load: () => import("./commands/validate-facts.js"),
  },
  build: { summary: "compile policies into a bundle", load: () => import("./commands/build.js") },
  eval: { summary: "decide one facts document", load: () => import("./commands/eval.js") },
  replay: {
    summary: "re-make stored decisions (one, or a batch output) and check they stand",
    load: () => import("./commands/replay.js"),
  },
  test: { summary: "run the conformance suite", load: () => import("./commands/test.js") },
  extract: {
    summary: "extract facts from a mini-program source package",
    load: () => import("./commands/extract.js"),
  },
  batch: { summary: "decide NDJSON facts in bulk", load: () => import("./commands/batch.js") },
  profile: {
    summary: "time each rule on facts documents (where a decision's time goes)",
    load: () => import("./commands/profile.js"),
  },
  diff: { summary: "impact of a policy change on a set of facts", load: () => import("./commands/diff.js") },
  gen: { summary: "generate realistic facts documents", load: () => import("./commands/gen.js") },
  serve: {
    summary: "serve decisions over HTTP (POST /v1/decide)",
    load: () => import("./commands/serve.js"),
  },
  norms: {
    summary: "the norm → rules → files table (policies/README.md)",
    load: () => import("./commands/norms.js"),
  },
  lsp: {
    summary: "run the language server over stdio (editor support)",
    load: () => import("./commands/lsp.js"),
  },
  example: {
    summary: "check the bundled policies and decide a sample mini program",
    load: () => import("./commands/example.js"),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    "usage: norma <command> [options]",
    "",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`error: unknown command \`${name}\`\n\n${usage()}\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `internal error: this is a bug in norma, not in your input\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
