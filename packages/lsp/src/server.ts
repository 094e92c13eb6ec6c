/**
 * The Norma language server (LSP over stdio): diagnostics as you type (citations verified when
 * given the sources directory) with quick fixes, hover with types, facts-field descriptions and
 * cited lines, go to definition, find references, rename (with prepare), the outline, completion
 * (facts fields after `.`, names elsewhere), and document formatting. For rule ids, find references
 * and rename also reach the conformance cases of the workspace (`<root>/conformance`, the root from
 * `initialize`), and a code lens above each rule counts the cases that name it. Started by
 * `norma lsp`; editors (the VS Code extension in `editors/vscode`) launch it.
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
  ruleIdAt,
  type Analysis,
  type CompletionKind,
  type OutlineSymbol,
} from "./analysis.js";
import { CaseIndex, caseLensesOf, caseReferencesAt, renameWithCasesAt } from "./cases.js";

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

  // the conformance cases of the workspace folders (none before `initialize`, or without a root)
  let cases = new CaseIndex([]);
  const caseRefs = () => {
    try {
      return cases.refs();
    } catch (e) {
      connection.console.error(`norma: cannot read the conformance cases: ${(e as Error).message}`);
      return [];
    }
  };

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders ?? [];
    const uris = folders.length > 0 ? folders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : [];
    const roots = uris.filter((u) => u.startsWith("file:")).map((u) => fileURLToPath(u));
    if (roots.length === 0 && params.rootPath) roots.push(params.rootPath);
    cases = new CaseIndex(roots);
    return {
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
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: "norma", version: "0.1.0" },
    };
  });

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
    if (!ranges) return null;
    const here = ranges.map((range) => ({ uri: params.textDocument.uri, range }));
    // a rule id: also where the conformance cases name it
    const isRule = ruleIdAt(analysis!, params.position) !== null;
    const elsewhere = isRule ? caseReferencesAt(analysis!, params.position, caseRefs()) : [];
    return [...here, ...elsewhere.map((p) => ({ uri: pathToFileURL(p.file).href, range: p.range }))];
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
    const refs = ruleIdAt(analysis, params.position) !== null ? caseRefs() : [];
    const renamed = renameWithCasesAt(analysis, params.position, params.newName, refs, (f) => cases.show(f));
    if ("error" in renamed) throw new ResponseError(LSPErrorCodes.RequestFailed, renamed.error);
    const changes = { [params.textDocument.uri]: renamed.edits };
    for (const c of renamed.cases) changes[pathToFileURL(c.file).href] = c.edits;
    return { changes };
  });

  connection.onCodeLens((params) => {
    const analysis = analyses.get(params.textDocument.uri);
    // without conformance cases in the workspace, no lens at all
    if (!analysis || cases.directories().length === 0) return [];
    return caseLensesOf(analysis, caseRefs()).map((l) => ({
      range: l.range,
      // a title only: nothing to run (an empty command is shown as text)
      command: { title: l.title, command: "" },
    }));
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
