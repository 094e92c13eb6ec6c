// The VS Code client: starts `norma lsp` (the language server in packages/lsp) for *.norma files.
// Install its one dependency with `npm install` in this folder, then load the folder as an extension.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("norma").get("server.command");
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = { command, args, transport: TransportKind.stdio, options: { cwd, shell: process.platform === "win32" } };
  client = new LanguageClient("norma", "Norma", { run, debug: run }, { documentSelector: [{ language: "norma" }] });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
