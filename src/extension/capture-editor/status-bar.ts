// Status bar item of the capture editor: calls / messages / problems of the active capture, import progress, and the
// NAT analysis (running, or its findings count).
import * as vscode from 'vscode';
import type { CaptureSummary } from '../../protocol/webview';
import { natStatusText } from './nat-analysis';

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
    const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
    const counts = `${n(summary.calls, 'call')} · ${n(summary.messages, 'message')} · ${n(summary.problems, 'problem')}`;
    const nat = natStatusText(summary.nat);
    this.item.text = `$(call-outgoing) ${counts}${summary.done ? '' : ` · ${pct}%`}${nat.text ? ` · ${nat.text}` : ''}`;
    this.item.tooltip = `${summary.fileName}: ${counts}${summary.cancelled ? ' (import cancelled, partial)' : ''}${summary.fatal ? `\n${summary.fatal}` : ''}${nat.tooltip ? `\n${nat.tooltip}` : ''}`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
