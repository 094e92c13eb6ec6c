/** `norma lsp`: runs the language server over stdio (for editors; see `editors/vscode`). */
import { startLanguageServer } from "@norma/lsp";

export async function run(args: string[]): Promise<number> {
  if (args.length > 0 && !args.every((a) => a === "--stdio")) {
    process.stderr.write("usage: norma lsp [--stdio]\n");
    return 2;
  }
  startLanguageServer();
  return new Promise<number>(() => {
    // runs until the editor closes the connection (the library exits the process then)
  });
}
