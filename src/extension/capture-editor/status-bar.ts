// Status bar item of the capture editor: calls / messages / problems of the active capture (and import progress).
import * as vscode from 'vscode';
import type { CaptureSummary } from '../../protocol/webview';

/** Shows the active capture's counts; hidden when no capture editor is active. */
export class CaptureStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sipscope.capture.status', vscode.StatusBarAlignment.Left, 100);

  constructor() {
    this.item.name = 'SIPScope capture';
  }

  /** Show `summary` (undefined hides the item). */
  show(summary: CaptureSummary | undefined): void {
    if (!summary) {
      this.item.hide();
      return;
    }
    const pct = summary.size > 0 ? Math.floor((100 * summary.bytesRead) / summary.size) : 100;
    const counts = `${summary.calls} calls · ${summary.messages} messages · ${summary.problems} problems`;
    this.item.text = `$(call-outgoing) ${counts}${summary.done ? '' : ` · ${pct}%`}`;
    this.item.tooltip = `${summary.fileName}: ${counts}${summary.cancelled ? ' (import cancelled, partial)' : ''}${summary.fatal ? `\n${summary.fatal}` : ''}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
