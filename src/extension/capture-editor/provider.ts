// CustomReadonlyEditorProvider for *.pcap/*.pcapng/*.cap (viewType `sipscope.capture`): one CaptureDocument per file
// (the host owns the parsed capture), any number of webview panels on it, each with its own messenger.
import * as vscode from 'vscode';
import type { MessengerError } from '../../protocol/messenger';
import type { CommandRequest, CommandResult, LadderColumnsOption, LadderTimeOption, ViewDefaults, WebviewToHost } from '../../protocol/webview';
import { unreachable } from '../../protocol/assert';
import type { CaptureCommands } from './commands';
import { CaptureDocument } from './document';
import { makeNonce, renderWebviewHtml } from './html';
import { connectHostMessenger, type HostMessenger } from './messenger';
import type { CaptureStatusBar } from './status-bar';

/** What one webview panel has selected (pushed by the webview), for palette commands. */
export interface PanelSelection {
  callIndexes: number[];
  messageId: number | undefined;
  columns: LadderColumnsOption;
}

interface PanelEntry {
  panel: vscode.WebviewPanel;
  document: CaptureDocument;
  messenger: HostMessenger;
  selection: PanelSelection;
}

export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument> {
  static readonly viewType = 'sipscope.capture';
  private readonly panels = new Set<PanelEntry>();
  private active: PanelEntry | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly commands: CaptureCommands,
    private readonly statusBar: CaptureStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The panel the user is looking at, if it is a capture editor. */
  get activePanel(): { document: CaptureDocument; selection: PanelSelection; messenger: HostMessenger } | undefined {
    return this.active;
  }

  openCustomDocument(uri: vscode.Uri): CaptureDocument {
    return new CaptureDocument(uri, this.log);
  }

  resolveCustomEditor(document: CaptureDocument, panel: vscode.WebviewPanel): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const webview = panel.webview;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] };
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });

    const entry = {} as PanelEntry;
    const { messenger, disposable } = connectHostMessenger(
      webview,
      { ...document.session.handlers(), runCommand: (req) => this.runCommand(document, req) },
      (event) => this.onWebviewEvent(entry, event),
      (err: MessengerError) => this.log.warn(`webview channel: ${err.code}: ${err.message}`),
    );
    Object.assign(entry, { panel, document, messenger, selection: { callIndexes: [], messageId: undefined, columns: 'endpoint' } });
    this.panels.add(entry);

    const subs: vscode.Disposable[] = [
      disposable,
      document.onDidUpdate((summary) => {
        messenger.notify({ type: 'captureUpdate', summary });
        if (this.active === entry) this.statusBar.show(summary);
      }),
      panel.onDidChangeViewState(() => this.setActive(entry, panel.active)),
    ];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      this.panels.delete(entry);
      if (this.active === entry) this.setActive(entry, false);
    });
    this.setActive(entry, panel.active);
  }

  /** Run a command for the active panel's selection (palette). */
  async runForActive(make: (sel: PanelSelection) => CommandRequest | undefined): Promise<void> {
    const a = this.active;
    if (!a) {
      void vscode.window.showInformationMessage('Open a capture (.pcap, .pcapng, .cap) in the SIPScope capture editor first.');
      return;
    }
    const req = make(a.selection);
    if (!req) {
      void vscode.window.showInformationMessage('Select a call (or an arrow of the ladder) first.');
      return;
    }
    const res = await this.runCommand(a.document, req);
    if (res.message) void vscode.window.setStatusBarMessage(res.message, 5000);
  }

  /** Send a view command (zoom...) to the active panel. */
  viewCommand(command: 'zoomIn' | 'zoomOut' | 'zoomReset' | 'focusFilter'): void {
    this.active?.messenger.notify({ type: 'viewCommand', command });
  }

  private async runCommand(document: CaptureDocument, req: CommandRequest): Promise<CommandResult> {
    try {
      return await this.commands.run(document, req);
    } catch (e) {
      const message = (e as Error).message;
      this.log.error(`${req.command}: ${message}`);
      void vscode.window.showErrorMessage(`SIPScope: ${message}`);
      return { done: false, message };
    }
  }

  private onWebviewEvent(entry: PanelEntry, event: WebviewToHost): void {
    switch (event.type) {
      case 'ready':
        entry.messenger.notify({ type: 'init', fileName: entry.document.session.fileName, defaults: viewDefaults(), summary: entry.document.session.summary() });
        return;
      case 'selection':
        entry.selection = { callIndexes: event.callIndexes, messageId: event.messageId, columns: event.columns };
        return;
      case 'log':
        if (event.level === 'error') this.log.error(`webview: ${event.message}`);
        else this.log.info(`webview: ${event.message}`);
        return;
      default:
        unreachable(event, 'webview event');
    }
  }

  private setActive(entry: PanelEntry, active: boolean): void {
    if (active) this.active = entry;
    else if (this.active === entry) this.active = undefined;
    void vscode.commands.executeCommand('setContext', 'sipscope.captureEditorActive', this.active !== undefined);
    this.statusBar.show(this.active?.document.session.summary());
  }
}

/** sipscope.ladder.* settings. */
function viewDefaults(): ViewDefaults {
  const cfg = vscode.workspace.getConfiguration('sipscope.ladder');
  const columns = cfg.get<LadderColumnsOption>('columns', 'endpoint');
  const time = cfg.get<LadderTimeOption>('time', 'relative');
  return {
    columns: columns === 'ip' || columns === 'host' ? columns : 'endpoint',
    time: time === 'absolute' || time === 'delta' ? time : 'relative',
  };
}
