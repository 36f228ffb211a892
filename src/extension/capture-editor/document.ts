// One opened capture file: starts the streaming import (progress notification with percent and Cancel), keeps the
// read-only ByteSource open for message re-reads and the NAT analysis, and publishes model updates while the call
// list fills in and when the NAT findings arrive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { gatherTlsSecrets, importCapture, MAX_SECRETS_FILE_BYTES, tlsSidecarPaths, WasmFactScanner, type ImportOptions, type LintSettings, type TlsSecretsCandidate } from '../../core/index';
import { SETTINGS_SECTION } from '../../protocol/settings';
import type { CaptureSummary } from '../../protocol/webview';
import { openCaptureByteSource, type ClosableByteSource } from './byte-source';
import { captureLintSettings } from './nat-analysis';
import { CaptureSession, IMPORT_CHUNK_BYTES } from './session';

/** NAT lint settings from `sipscope.nat.*`, `sipscope.rules.*` and `sipscope.sipPorts`. */
export function readLintSettings(): LintSettings {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return captureLintSettings({ rules: cfg.get('rules'), nat: cfg.get('nat'), sipPorts: cfg.get('sipPorts') });
}

/**
 * TLS secrets for the capture at `uri`: `sipscope.tls.keyFiles` / `keyLogFiles` (a missing file is logged) and the
 * secrets files beside the capture (tlsSidecarPaths). Returns undefined when there are none.
 */
export async function readTlsSecrets(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<ImportOptions['tls']> {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, uri);
  // Relative paths: from the capture's workspace folder (else the capture's folder).
  const base = vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.joinPath(uri, '..');
  const resolve = (p: string): vscode.Uri => (/^([a-zA-Z]:[\\/]|[\\/])/.test(p) ? vscode.Uri.file(p) : vscode.Uri.joinPath(base, p));
  const targets = new Map<string, vscode.Uri>();
  const at = (target: vscode.Uri, kind: TlsSecretsCandidate['kind'], named: boolean): TlsSecretsCandidate => {
    targets.set(target.toString(), target);
    return { path: target.fsPath || target.toString(), id: target.toString(), kind, named };
  };
  const candidates = [
    ...(cfg.get<string[]>('tls.keyFiles') ?? []).map((p) => at(resolve(p), 'rsa-key', true)),
    ...(cfg.get<string[]>('tls.keyLogFiles') ?? []).map((p) => at(resolve(p), 'keylog', true)),
    ...tlsSidecarPaths(uri.path).map((s) => at(uri.with({ path: s.path }), s.kind, false)),
  ];
  const decoder = new TextDecoder();
  const r = await gatherTlsSecrets(candidates, async (c) => {
    const target = targets.get(c.id!)!;
    try {
      if (!c.named && (await vscode.workspace.fs.stat(target)).size > MAX_SECRETS_FILE_BYTES) return undefined;
      return decoder.decode(await vscode.workspace.fs.readFile(target));
    } catch (e) {
      if (c.named) log.warn(`cannot read TLS secrets file ${c.path}: ${(e as Error).message}`);
      return undefined;
    }
  });
  for (const p of r?.used ?? []) log.info(`TLS secrets from ${p}`);
  return r?.input;
}

/** Least time between two update events while importing (the first and the last are never delayed). */
const UPDATE_INTERVAL_MS = 100;

/**
 * The WebAssembly fact scanner shipped next to this bundle (dist/fact-scanner.wasm), or undefined (running from
 * sources). The CLI has its own loader (src/cli/wasm.ts), which this layer may not import.
 */
function loadFactScanner(): WasmFactScanner | undefined {
  try {
    return WasmFactScanner.create(readFileSync(join(__dirname, 'fact-scanner.wasm')));
  } catch {
    return undefined;
  }
}

/** The custom document of the capture editor. */
export class CaptureDocument implements vscode.CustomDocument {
  readonly session: CaptureSession;
  /** Resolves when the import ended (finished, cancelled or failed); never rejects. */
  readonly imported: Promise<void>;
  private readonly updates = new vscode.EventEmitter<CaptureSummary>();
  /** Fires with the new summary after import updates (throttled) and at the end. */
  readonly onDidUpdate = this.updates.event;
  private source: ClosableByteSource | undefined;
  private cancelled = false;
  private disposed = false;
  private lastFire = 0;
  private trailing: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly uri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.session = new CaptureSession(fileNameOf(uri), undefined, {
      lintSettings: readLintSettings(),
      openExternal: (url) => vscode.env.openExternal(vscode.Uri.parse(url, true)),
    });
    const stopListening = this.session.onDidChange(() => {
      const nat = this.session.summary().nat;
      if (nat.state === 'done') this.log.info(`${this.session.fileName}: NAT analysis: ${nat.findings} findings in ${nat.calls} calls`);
      else if (nat.state === 'failed') this.log.warn(`${this.session.fileName}: ${nat.note ?? 'NAT analysis failed'}`);
      this.fire(true);
    });
    this.subscriptions.push(
      new vscode.Disposable(stopListening),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.nat`) || e.affectsConfiguration(`${SETTINGS_SECTION}.rules`) || e.affectsConfiguration(`${SETTINGS_SECTION}.sipPorts`)) {
          this.session.setLintSettings(readLintSettings());
        }
      }),
    );
    this.imported = this.run();
  }

  /** The open source (undefined before it is opened or when opening failed). */
  get byteSource(): ClosableByteSource | undefined {
    return this.source;
  }

  /** Stop the import at the next chunk; the partial model stays usable. */
  cancel(): void {
    this.cancelled = true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cancelled = true;
    clearTimeout(this.trailing);
    for (const s of this.subscriptions) s.dispose();
    this.session.dispose();
    this.updates.dispose();
    // Close only after the importer and the (cancelled) NAT analysis stopped reading.
    void this.imported
      .then(() => this.session.analysisIdle)
      .then(() => this.source?.close())
      .catch(() => undefined);
  }

  private async run(): Promise<void> {
    const name = this.session.fileName;
    const started = Date.now();
    try {
      this.source = await openCaptureByteSource(this.uri);
    } catch (e) {
      this.session.fail(`Cannot open ${name}: ${(e as Error).message}`);
      this.fire(true);
      return;
    }
    const source = this.source;
    const tls = await readTlsSecrets(this.uri, this.log);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SIPScope: reading ${name}`, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => this.cancel());
        let reported = 0;
        try {
          const model = await importCapture(source, {
            chunkSize: IMPORT_CHUNK_BYTES,
            tls,
            factScanner: loadFactScanner(),
            isCancelled: () => this.cancelled,
            onProgress: (done, total) => {
              const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
              if (pct > reported) {
                progress.report({ increment: pct - reported, message: `${pct}%` });
                reported = pct;
              }
            },
            onUpdate: (m) => {
              this.session.update(m, false);
              this.fire(false);
            },
          });
          this.session.update(model, true);
          this.log.info(
            `${name}: ${model.calls.length} calls, ${model.messages.count} messages, ${model.problemCount} problems in ${Date.now() - started} ms${model.cancelled ? ' (cancelled)' : ''}`,
          );
        } catch (e) {
          this.session.fail(`Cannot read ${name}: ${(e as Error).message}`);
          this.log.error(`${name}: ${(e as Error).message}`);
        } finally {
          sub.dispose();
        }
        this.fire(true);
      },
    );
  }

  /** Publish the summary; intermediate updates are coalesced to one per UPDATE_INTERVAL_MS. */
  private fire(final: boolean): void {
    if (this.disposed) return;
    const now = Date.now();
    clearTimeout(this.trailing);
    this.trailing = undefined;
    if (final || this.lastFire === 0 || now - this.lastFire >= UPDATE_INTERVAL_MS) {
      this.lastFire = now;
      this.updates.fire(this.session.summary());
      return;
    }
    this.trailing = setTimeout(() => this.fire(false), UPDATE_INTERVAL_MS - (now - this.lastFire));
  }
}

/** Last path segment of a URI. */
export function fileNameOf(uri: vscode.Uri): string {
  const p = uri.path;
  return p.slice(p.lastIndexOf('/') + 1) || p;
}
