// Read-only documents holding SIP messages of opened captures (Open as text, Compare with previous hop): a virtual
// scheme, so closing them asks nothing (untitled documents would be "unsaved") and nothing can be saved anywhere by
// mistake; their `.sip` names give them the SIP language, and the language server checks them (client.ts selector).
import * as vscode from 'vscode';
import { MESSAGE_DOCUMENT_SCHEME } from '../../protocol/lsp';

/** Message texts held for documents at most (the oldest is dropped first: its document then says so). */
const MAX_HELD = 500;

export class MessageDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 0;

  /** A URI whose document shows `text`, named `<capture> frame <frame> <label>.sip`. */
  uri(captureName: string, frame: number, label: string, text: string): vscode.Uri {
    const key = String(++this.next);
    this.texts.set(key, text);
    if (this.texts.size > MAX_HELD) this.texts.delete(this.texts.keys().next().value!);
    const name = `${captureName} frame ${frame} ${label}`.replace(/[\\/:*?"<>|#%]/g, '_');
    return vscode.Uri.from({ scheme: MESSAGE_DOCUMENT_SCHEME, path: `/${name}.sip`, query: key });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '(this message is no longer held: open it again from its capture)';
  }
}

/** Open the message document at `uri` as a SIP document (its `.sip` name normally does it already). */
export async function openMessageDocument(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return doc.languageId === 'sip' ? doc : vscode.languages.setTextDocumentLanguage(doc, 'sip');
}
