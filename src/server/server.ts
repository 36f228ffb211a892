// SIPScope language server entry point (dist/server.js; stdio, IPC or socket from argv): wires the features for
// `sip` and `sdp` documents and keeps settings in sync with the client (workspace/configuration, pulled on change).
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Disposable,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerContext } from './context';
import { registerCodeActions, FIX_ALL_KIND } from './features/code-actions';
import { registerCodeLens } from './features/code-lens';
import { COMPLETION_TRIGGERS, registerCompletion } from './features/completion';
import { registerDiagnostics } from './features/diagnostics';
import { registerHover } from './features/hover';
import { registerInlayHints } from './features/inlay-hints';
import { registerNavigation } from './features/navigation';
import { registerOutline } from './features/outline';
import { registerSemanticTokens, SEMANTIC_TOKENS_LEGEND } from './features/semantic-tokens';
import { registerTraceLadder } from './features/trace-ladder';
import { normalizeSettings, SETTINGS_SECTION } from '../protocol/settings';
import { CodeActionKind } from 'vscode-languageserver';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ctx = new ServerContext(connection, documents);
const features: Disposable[] = [];

connection.onInitialize((params): InitializeResult => {
  ctx.capabilities = params.capabilities;
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  if (init?.settings !== undefined) ctx.setSettings(normalizeSettings(init.settings));
  features.push(
    registerDiagnostics(ctx),
    registerCodeActions(ctx),
    registerSemanticTokens(ctx),
    registerHover(ctx),
    registerCompletion(ctx),
    registerOutline(ctx),
    registerTraceLadder(ctx),
    registerNavigation(ctx),
    registerInlayHints(ctx),
    registerCodeLens(ctx),
  );
  return {
    capabilities: {
      // save notifications drive `sipscope.lint.run: onSave`.
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
      hoverProvider: true,
      completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false },
      documentSymbolProvider: { label: 'SIP messages' },
      foldingRangeProvider: true,
      documentHighlightProvider: true,
      referencesProvider: true,
      definitionProvider: true,
      renameProvider: { prepareProvider: true },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'sipscope-language-server', version: '0.1.0' },
  };
});

/** Pull the `sipscope` section (when the client supports workspace/configuration) and apply it. */
async function pullSettings(): Promise<void> {
  if (!ctx.capabilities.workspace?.configuration) return;
  try {
    const raw: unknown = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION });
    ctx.setSettings(normalizeSettings(raw));
  } catch (err) {
    connection.console.warn(`sipscope: could not read settings: ${String(err)}`);
  }
}

connection.onInitialized(() => {
  if (ctx.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
  }
  void pullSettings();
});

connection.onDidChangeConfiguration((change) => {
  if (ctx.capabilities.workspace?.configuration) {
    void pullSettings();
    return;
  }
  // Push model (clients without workspace/configuration): the section comes with the notification.
  const settings = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
  ctx.setSettings(normalizeSettings(settings));
});

connection.onShutdown(() => {
  for (const f of features.splice(0)) f.dispose();
});

documents.listen(connection);
connection.listen();
