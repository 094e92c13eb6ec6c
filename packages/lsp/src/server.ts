/**
 * The Norma language server (LSP over stdio): diagnostics as you type (citations verified when
 * given the sources directory) with quick fixes, hover with types, facts-field descriptions and
 * cited lines, go to definition, find references, rename (with prepare), the outline, completion
 * (facts fields after `.`, names elsewhere), and document formatting. Started by `norma lsp`;
 * editors (the VS Code extension in `editors/vscode`) launch it.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  LSPErrorCodes,
  MarkupKind,
  ProposedFeatures,
  ResponseError,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type Connection,
  type DocumentSymbol,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  analyze,
  codeActionsAt,
  completeAt,
  definitionAt,
  formatDocument,
  hoverAt,
  outlineOf,
  prepareRenameAt,
  referencesAt,
  renameAt,
  type Analysis,
  type CompletionKind,
  type OutlineSymbol,
} from "./analysis.js";

/** Options of {@link startLanguageServer}. */
export interface LanguageServerOptions {
  /** The directory of the cited source documents (`norma lsp --sources DIR`). */
  sourcesDir?: string | null;
}

const SYMBOL_KINDS: Readonly<Record<string, SymbolKind>> = {
  policy: SymbolKind.Module,
  source: SymbolKind.File,
  lexicon: SymbolKind.Array,
  param: SymbolKind.Constant,
  let: SymbolKind.Variable,
  rule: SymbolKind.Function,
  exception: SymbolKind.Event,
};

const COMPLETION_KINDS: Readonly<Record<CompletionKind, CompletionItemKind>> = {
  field: CompletionItemKind.Field,
  let: CompletionItemKind.Variable,
  param: CompletionItemKind.Constant,
  lexicon: CompletionItemKind.Constant,
  bound: CompletionItemKind.Variable,
  as_of: CompletionItemKind.Constant,
  function: CompletionItemKind.Function,
  source: CompletionItemKind.Reference,
};

function documentSymbol(s: OutlineSymbol): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: SYMBOL_KINDS[s.kind] ?? SymbolKind.Object,
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(documentSymbol),
  };
}

/** Starts the server on a connection (stdio by default) and returns it. */
export function startLanguageServer(
  connection: Connection = createConnection(ProposedFeatures.all),
  options: LanguageServerOptions = {},
): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  const pathOf = (uri: string) => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Full,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      documentFormattingProvider: true,
      completionProvider: { triggerCharacters: ["."] },
    },
    serverInfo: { name: "norma", version: "0.1.0" },
  }));

  const refresh = (doc: TextDocument) => {
    let analysis: Analysis;
    try {
      analysis = analyze(pathOf(doc.uri), doc.getText(), { sourcesDir: options.sourcesDir ?? null });
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

  connection.onDefinition((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    const place = analysis ? definitionAt(analysis, params.position) : null;
    if (!place) return null;
    const uri = place.file === analysis!.file ? params.textDocument.uri : pathToFileURL(place.file).href;
    return { uri, range: place.range };
  });

  connection.onReferences((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    const ranges = analysis
      ? referencesAt(analysis, params.position, params.context.includeDeclaration)
      : null;
    return ranges ? ranges.map((range) => ({ uri: params.textDocument.uri, range })) : null;
  });

  connection.onPrepareRename((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    if (!analysis) return null;
    const target = prepareRenameAt(analysis, params.position);
    if ("error" in target) throw new ResponseError(LSPErrorCodes.RequestFailed, target.error);
    return target;
  });

  connection.onRenameRequest((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    if (!analysis) return null;
    const renamed = renameAt(analysis, params.position, params.newName);
    if ("error" in renamed) throw new ResponseError(LSPErrorCodes.RequestFailed, renamed.error);
    return { changes: { [params.textDocument.uri]: renamed.edits } };
  });

  connection.onDocumentSymbol((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    return analysis ? outlineOf(analysis).map(documentSymbol) : [];
  });

  connection.onCodeAction((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    if (!analysis) return [];
    return codeActionsAt(analysis, params.range).map((a) => ({
      title: a.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: params.context.diagnostics.filter(
        (d) => d.code === a.diagnostic.code && d.range.start.line === a.diagnostic.range.start.line,
      ),
      edit: { changes: { [params.textDocument.uri]: a.edits } },
    }));
  });

  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const entries = completeAt(doc.getText(), params.position, analyses.get(params.textDocument.uri));
    return entries.map((c, i) => ({
      label: c.label,
      kind: COMPLETION_KINDS[c.kind],
      detail: c.detail,
      documentation: c.documentation,
      // names: in the order of `completeAt` (the innermost bound variables first), replacing what was typed
      ...(c.range
        ? { sortText: String(i).padStart(4, "0"), textEdit: { range: c.range, newText: c.label } }
        : {}),
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
