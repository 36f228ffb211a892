// Extension entry point: activate() is a list of register*(context) calls, each returning a Disposable.
import type * as vscode from 'vscode';
import { registerCaptureEditor } from './capture-editor';
import { registerLanguageClient } from './client';

/** Called by VS Code on the first activation event (a capture opened, a SIPScope command run...). */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    registerCaptureEditor(context),
    registerLanguageClient(context),
  );
}

export function deactivate(): void {
  // Everything registered is disposed through context.subscriptions.
}
