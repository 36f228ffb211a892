// Starts the SIPScope language server (dist/server.js over IPC) for sip/sdp documents and contributes the
// "SIPScope: Show ladder for this trace" command, which renders the server's `sipscope/traceLadder` HTML in a webview.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { MESSAGE_DOCUMENT_SCHEME, SHOW_TRACE_LADDER_COMMAND, TRACE_LADDER_METHOD, type TraceLadderParams, type TraceLadderResult } from '../protocol/lsp';
import { SETTINGS_SECTION } from '../protocol/settings';

const LANGUAGES = ['sip', 'sdp'] as const;

/**
 * Start the language client and register its command. Returns a Disposable (for activate()'s
 * `context.subscriptions.push(...)`) that stops the server and closes ladder panels; disposing twice is harmless.
 */
export function registerLanguageClient(context: vscode.ExtensionContext): vscode.Disposable {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Also the capture editor's read-only message documents (capture-editor/message-documents.ts).
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
      { scheme: MESSAGE_DOCUMENT_SCHEME, language },
    ]),
    // Sends workspace/didChangeConfiguration when `sipscope.*` changes; the server then pulls the section.
    synchronize: { configurationSection: SETTINGS_SECTION },
  };
  const client = new LanguageClient('sipscope', 'SIPScope Language Server', serverOptions, clientOptions);
  const started = client.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(`SIPScope language server failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  });

  const panels = new Map<string, vscode.WebviewPanel>();
  // From the editor title, the command palette or a context menu: (uri?). From the server's per-call code lens:
  // (uri as a string, Call-ID).
  const command = vscode.commands.registerCommand(SHOW_TRACE_LADDER_COMMAND, async (arg?: vscode.Uri | string, callId?: string) => {
    const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (doc === undefined || doc.languageId !== 'sip') {
      void vscode.window.showInformationMessage('SIPScope: open a SIP trace (language "SIP") to show its ladder.');
      return;
    }
    await started;
    // Same column setting as the capture editor's ladder (`host` has no text-trace equivalent: endpoint columns).
    const columns = vscode.workspace.getConfiguration(SETTINGS_SECTION, doc.uri).get<string>('ladder.columns') === 'ip' ? 'ip' : 'endpoint';
    const params: TraceLadderParams = { uri: doc.uri.toString(), columns, callId: typeof callId === 'string' ? callId : undefined };
    const result = await client.sendRequest<TraceLadderResult>(TRACE_LADDER_METHOD, params);
    if (result.messageCount === 0) {
      void vscode.window.showInformationMessage('SIPScope: no SIP messages found in this document.');
      return;
    }
    const key = `${doc.uri.toString()}|${params.callId ?? ''}`;
    let panel = panels.get(key);
    if (panel === undefined) {
      // No script: the core's HTML report is static (inline SVG + CSS :target panels) with its own strict CSP.
      panel = vscode.window.createWebviewPanel('sipscope.traceLadder', result.title, vscode.ViewColumn.Beside, {
        enableScripts: false,
        enableFindWidget: true,
        localResourceRoots: [],
      });
      panels.set(key, panel);
      panel.onDidDispose(() => panels.delete(key));
    } else {
      panel.reveal(vscode.ViewColumn.Beside);
    }
    panel.title = result.title;
    panel.webview.html = result.html;
  });

  let stopped = false;
  return vscode.Disposable.from(command, {
    dispose: () => {
      for (const p of panels.values()) p.dispose();
      panels.clear();
      if (stopped) return;
      stopped = true;
      void client.stop().catch(() => undefined);
    },
  });
}
