// What every language-server feature gets: the connection, the open documents, the current settings and the
// per-document analysis (snapshots + caches). Features are `register*(ctx): Disposable` functions wired by server.ts.
import type { ClientCapabilities, Connection, Disposable, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentStore, type DocumentLanguage, type DocumentSnapshot } from './analysis';
import { DEFAULT_SETTINGS, type SipScopeSettings } from '../protocol/settings';
import { getRule } from '../core/index';

export class ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  capabilities: ClientCapabilities = {};
  private current: SipScopeSettings = DEFAULT_SETTINGS;
  private readonly stores = new Map<string, DocumentStore>();
  private readonly settingsListeners = new Set<(s: SipScopeSettings) => void>();

  constructor(connection: Connection, documents: TextDocuments<TextDocument>) {
    this.connection = connection;
    this.documents = documents;
  }

  get settings(): SipScopeSettings {
    return this.current;
  }

  /** Replace the settings and tell listeners (re-lint). The object identity changes, which resets lint caches. */
  setSettings(s: SipScopeSettings): void {
    this.current = withoutDefaultSeverities(s);
    for (const l of this.settingsListeners) l(s);
  }

  onSettingsChanged(listener: (s: SipScopeSettings) => void): Disposable {
    this.settingsListeners.add(listener);
    return { dispose: () => this.settingsListeners.delete(listener) };
  }

  /** Snapshot of the open document `uri` at its current version, or undefined when it is not open / not sip|sdp. */
  snapshot(uri: string): DocumentSnapshot | undefined {
    const doc = this.documents.get(uri);
    if (doc === undefined) return undefined;
    const language = languageOf(doc);
    if (language === undefined) return undefined;
    return this.store(uri).snapshot(uri, doc.version, language, doc.getText());
  }

  /** The cache store of `uri` (created on first use). */
  store(uri: string): DocumentStore {
    let s = this.stores.get(uri);
    if (s === undefined) {
      s = new DocumentStore();
      this.stores.set(uri, s);
    }
    return s;
  }

  /** Drop the caches of a closed document. */
  forget(uri: string): void {
    this.stores.delete(uri);
  }
}

/** `sip` / `sdp` from the document's language id (files opened as plain text are not ours). */
export function languageOf(doc: TextDocument): DocumentLanguage | undefined {
  return doc.languageId === 'sip' || doc.languageId === 'sdp' ? doc.languageId : undefined;
}

/**
 * workspace/configuration returns every `sipscope.rules.<id>` with its package.json default filled in, so an override
 * equal to the rule's default severity is indistinguishable from "not set". Drop those: a rule keeps reporting some
 * findings at their own severity (e.g. a private o= address as a hint while nat/private-sdp defaults to warning).
 */
export function withoutDefaultSeverities(s: SipScopeSettings): SipScopeSettings {
  const severities: SipScopeSettings['lint']['severities'] = {};
  for (const [id, sev] of Object.entries(s.lint.severities)) {
    if (getRule(id)?.defaultSeverity !== sev) severities[id] = sev;
  }
  return { ...s, lint: { ...s.lint, severities } };
}
