// Registers the capture editor: the custom editor provider, its palette commands, status bar item and log channel.
import * as vscode from 'vscode';
import { CaptureCommands } from './commands';
import { MESSAGE_DOCUMENT_SCHEME } from '../../protocol/lsp';
import { MessageDocuments } from './message-documents';
import { CaptureEditorProvider } from './provider';
import { CaptureStatusBar } from './status-bar';

/** Command ids contributed in package.json. */
export const CAPTURE_COMMANDS = {
  openMessageAsText: 'sipscope.capture.openMessageAsText',
  exportLadder: 'sipscope.capture.exportLadder',
  saveCallAsPcap: 'sipscope.capture.saveCallAsPcap',
  saveCallAudio: 'sipscope.capture.saveCallAudio',
  copyTsharkFilter: 'sipscope.capture.copyTsharkFilter',
  zoomIn: 'sipscope.ladder.zoomIn',
  zoomOut: 'sipscope.ladder.zoomOut',
  zoomReset: 'sipscope.ladder.zoomReset',
} as const;

/** Register everything the capture editor needs; disposing the result unregisters it all. */
export function registerCaptureEditor(context: vscode.ExtensionContext): vscode.Disposable {
  const log = vscode.window.createOutputChannel('SIPScope Capture', { log: true });
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '');
  const statusBar = new CaptureStatusBar();
  const docs = new MessageDocuments();
  const provider = new CaptureEditorProvider(context.extensionUri, new CaptureCommands(log, `SIPScope ${version}`, docs), statusBar, log);
  const cmd = vscode.commands.registerCommand;
  return vscode.Disposable.from(
    log,
    statusBar,
    vscode.workspace.registerTextDocumentContentProvider(MESSAGE_DOCUMENT_SCHEME, docs),
    vscode.window.registerCustomEditorProvider(CaptureEditorProvider.viewType, provider, {
      // The webview restores its own state (getState/setState); no retainContextWhenHidden.
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    cmd(CAPTURE_COMMANDS.openMessageAsText, () =>
      provider.runForActive((s) => (s.messageId === undefined ? undefined : { command: 'openMessageAsText', messageId: s.messageId })),
    ),
    cmd(CAPTURE_COMMANDS.exportLadder, () =>
      provider.runForActive((s) => (s.callIndexes.length ? { command: 'exportLadder', callIndexes: s.callIndexes, columns: s.columns } : undefined)),
    ),
    cmd(CAPTURE_COMMANDS.saveCallAsPcap, () =>
      provider.runForActive((s) => (s.callIndexes.length ? { command: 'saveCallAsPcap', callIndexes: s.callIndexes } : undefined)),
    ),
    cmd(CAPTURE_COMMANDS.saveCallAudio, () =>
      provider.runForActive((s) => (s.callIndexes.length ? { command: 'saveCallAudio', callIndexes: s.callIndexes } : undefined)),
    ),
    cmd(CAPTURE_COMMANDS.copyTsharkFilter, () =>
      provider.runForActive((s) => (s.callIndexes.length ? { command: 'copyTsharkFilter', callIndexes: s.callIndexes } : undefined)),
    ),
    cmd(CAPTURE_COMMANDS.zoomIn, () => provider.viewCommand('zoomIn')),
    cmd(CAPTURE_COMMANDS.zoomOut, () => provider.viewCommand('zoomOut')),
    cmd(CAPTURE_COMMANDS.zoomReset, () => provider.viewCommand('zoomReset')),
  );
}
