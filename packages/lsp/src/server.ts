/**
 * The Norma language server (LSP over stdio): diagnostics as you type, hover with types and
 * facts-field descriptions, completion of facts fields after `.`, and document formatting.
 * Started by `norma lsp`; editors (the VS Code extension in `editors/vscode`) launch it.
 */
import { fileURLToPath } from "node:url";
import {
  CompletionItemKind,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Connection,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { analyze, completeAt, formatDocument, hoverAt, type Analysis } from "./analysis.js";

/** Starts the server on a connection (stdio by default) and returns it. */
export function startLanguageServer(
  connection: Connection = createConnection(ProposedFeatures.all),
): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const pathOf = (uri: string) => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Full,
      hoverProvider: true,
      documentFormattingProvider: true,
      completionProvider: { triggerCharacters: ["."] },
    },
    serverInfo: { name: "norma", version: "0.1.0" },
  }));

  const refresh = (doc: TextDocument) => {
    let analysis: Analysis;
    try {
      analysis = analyze(pathOf(doc.uri), doc.getText());
    } catch (e) {
      connection.console.error(`norma: internal error while checking ${doc.uri}: ${(e as Error).message}`);
      return;
    }
    analyses.set(doc.uri, analysis);
    void connection.sendDiagnostics({
      uri: doc.uri,
      diagnostics: analysis.diagnostics.map((d) => ({
        range: d.range,
        severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: d.code,
        source: "norma",
        message: d.message,
      })),
    });
  };

  documents.onDidOpen((e) => refresh(e.document));
  documents.onDidChangeContent((e) => refresh(e.document));
  documents.onDidClose((e) => {
    analyses.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    const hover = analysis ? hoverAt(analysis, params.position) : null;
    return hover
      ? { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: hover.range }
      : null;
  });

  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    return completeAt(doc.getText(), params.position).map((c) => ({
      label: c.label,
      kind: CompletionItemKind.Field,
      detail: c.detail,
      documentation: c.documentation,
    }));
  });

  connection.onDocumentFormatting((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const formatted = formatDocument(pathOf(doc.uri), doc.getText());
    if (formatted === null || formatted === doc.getText()) return [];
    return [
      {
        range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) },
        newText: formatted,
      },
    ];
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}
