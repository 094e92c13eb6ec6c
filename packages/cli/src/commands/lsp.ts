/** `norma lsp [--stdio] [--sources DIR]`: runs the language server over stdio (for editors; see `editors/vscode`). */
import { startLanguageServer } from "@norma/lsp";
import { parseCommandArgs } from "../util.js";

const USAGE = "usage: norma lsp [--stdio] [--sources DIR]";

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    { args, options: { stdio: { type: "boolean" }, sources: { type: "string" } } },
    USAGE,
  );
  if (!parsed) return 2;
  startLanguageServer(undefined, { sourcesDir: parsed.values.sources ?? null });
  return new Promise<number>(() => {
    // runs until the editor closes the connection (the library exits the process then)
  });
}
