// Diagnostics for sip/sdp documents: lint findings (per message, through the incremental cache) published as LSP
// Diagnostics with code = rule id, codeDescription = RFC URL, data = byte-span fixes + document version.
import { Disposable, type Diagnostic } from 'vscode-languageserver';
import type { LintSettings } from '../../core/index';
import type { DocumentSnapshot, DocumentStore } from '../analysis';
import type { ServerContext } from '../context';
import { findingToDiagnostic } from '../convert';

/**
 * Diagnostics of one snapshot. Pure apart from the store's caches: unchanged messages reuse their findings, so after
 * one keystroke only the edited message is linted. Also returns how many messages were linted (for tests/bench).
 */
export function computeDiagnostics(store: DocumentStore, snap: DocumentSnapshot, settings: LintSettings): { diagnostics: Diagnostic[]; linted: number } {
  const { findings, linted } = store.lint(snap, settings);
  const diagnostics = new Array<Diagnostic>(findings.length);
  for (let i = 0; i < findings.length; i++) diagnostics[i] = findingToDiagnostic(snap.lines, findings[i]!, snap.version);
  return { diagnostics, linted };
}

export function registerDiagnostics(ctx: ServerContext): Disposable {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Version last published per document: TextDocuments fires onDidChangeContent on open too; lint it once. */
  const published = new Map<string, number>();
  const { connection, documents } = ctx;

  const cancel = (uri: string): void => {
    const t = timers.get(uri);
    if (t !== undefined) clearTimeout(t);
    timers.delete(uri);
  };

  const publish = (uri: string): void => {
    cancel(uri);
    const doc = documents.get(uri);
    const snap = ctx.snapshot(uri);
    if (doc === undefined || snap === undefined) return;
    published.set(uri, snap.version);
    if (!ctx.settings.enable) {
      void connection.sendDiagnostics({ uri, version: snap.version, diagnostics: [] });
      return;
    }
    let diagnostics: Diagnostic[];
    try {
      diagnostics = computeDiagnostics(ctx.store(uri), snap, ctx.settings.lint).diagnostics;
    } catch (err) {
      // A rule bug must not kill the server: log it and publish nothing for this version.
      connection.console.error(`sipscope: lint failed for ${uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      diagnostics = [];
    }
    void connection.sendDiagnostics({ uri, version: snap.version, diagnostics });
  };

  const schedule = (uri: string): void => {
    cancel(uri);
    const delay = ctx.settings.debounceMs;
    if (delay <= 0) {
      publish(uri);
      return;
    }
    timers.set(uri, setTimeout(() => publish(uri), delay));
  };

  const subs: Disposable[] = [
    documents.onDidOpen((e) => publish(e.document.uri)),
    documents.onDidChangeContent((e) => {
      if (ctx.settings.run === 'onType' && published.get(e.document.uri) !== e.document.version) schedule(e.document.uri);
    }),
    documents.onDidSave((e) => {
      if (ctx.settings.run === 'onSave') publish(e.document.uri);
    }),
    documents.onDidClose((e) => {
      cancel(e.document.uri);
      published.delete(e.document.uri);
      ctx.forget(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }),
    ctx.onSettingsChanged(() => {
      for (const d of documents.all()) publish(d.uri);
    }),
    Disposable.create(() => published.clear()),
  ];
  return Disposable.create(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    for (const s of subs) s.dispose();
  });
}
