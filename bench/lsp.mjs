// Language-server benchmark (not a timed test): full lint of a 10 000-message trace and re-lint after one keystroke
// in a 1 000-message document through the incremental per-message cache, in process (the server's own code, bundled
// by esbuild), plus the same keystroke end-to-end over stdio (didChange -> publishDiagnostics) for reference.
// Run: node bench/lsp.mjs [--runs N]   (targets: full lint <= 500 ms, keystroke <= 50 ms)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

// ---- bundle the server's analysis + diagnostics code (no LSP connection) ----
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sipscope-bench-lsp-'));
const bundle = path.join(tmp, 'lsp-bench.mjs');
await esbuild.build({
  stdin: {
    contents: `export { DocumentStore } from './src/server/analysis';
      export { computeDiagnostics } from './src/server/features/diagnostics';
      export { semanticTokens } from './src/server/features/semantic-tokens';
      export { lintDocument } from './src/server/lint-api';
      export { DEFAULT_LINT_SETTINGS } from './src/core/index';`,
    resolveDir: ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundle,
  logLevel: 'warning',
});
const { DocumentStore, computeDiagnostics, semanticTokens, lintDocument, DEFAULT_LINT_SETTINGS } = await import(pathToFileURL(bundle).href);

// ---- a realistic trace: the NATed call of samples/sip/nat-call.sip, repeated with fresh Call-IDs/branches/tags ----
const SAMPLE = fs.readFileSync(path.join(ROOT, 'samples/sip/nat-call.sip'), 'utf8');
const PER_CALL = 7;

/** A trace of about `messages` SIP messages (whole calls of 7 messages), sngrep "save as .txt" style. */
function makeTrace(messages) {
  const calls = Math.ceil(messages / PER_CALL);
  const parts = [];
  for (let c = 0; c < calls; c++) {
    const id = String(c).padStart(6, '0');
    parts.push(
      SAMPLE.replaceAll('3848276298220188511', `38482762982${id}`)
        .replaceAll('z9hG4bK-', `z9hG4bK-${id}-`)
        .replaceAll('as6f1a2b3c', `as${id}`)
        .replaceAll('09:26:', `${String(9 + Math.floor(c / 3600) % 10).padStart(2, '0')}:${String(Math.floor(c / 60) % 60).padStart(2, '0')}:`),
    );
  }
  return parts.join('\r\n');
}

const settings = { ...DEFAULT_LINT_SETTINGS };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
const ms = (x) => `${x.toFixed(1)} ms`;
const now = () => performance.now();

// ---- 1. full lint of a 10 000-message trace (cold cache: split + lint every message + convert to LSP) ----
const big = makeTrace(10_000);
const full = [];
const core = [];
let fullCount = 0;
let fullDiagnostics = 0;
const bigBytes = new TextEncoder().encode(big);
// Interleaved with the core's own lintDocument so both see the same JIT state and machine load.
for (let r = 0; r < RUNS; r++) {
  let t0 = now();
  lintDocument(bigBytes, 'sip', settings);
  core.push(now() - t0);
  const store = new DocumentStore();
  t0 = now();
  const snap = store.snapshot('file:///bench/big.sip', 1, 'sip', big);
  const res = computeDiagnostics(store, snap, settings);
  full.push(now() - t0);
  fullCount = snap.messages.length;
  fullDiagnostics = res.diagnostics.length;
}

// ---- 2. one keystroke in a 1 000-message document (warm cache) ----
const doc = makeTrace(1_000);
const store = new DocumentStore();
let version = 1;
let snap = store.snapshot('file:///bench/doc.sip', version, 'sip', doc);
computeDiagnostics(store, snap, settings);
const keystroke = [];
let linted = 0;
let text = doc;
const userAgent = 'User-Agent: Grandstream GXP2170 1.0.11.23';
const positions = [];
for (let i = text.indexOf(userAgent); i >= 0; i = text.indexOf(userAgent, i + 1)) positions.push(i + userAgent.length);
for (let r = 0; r < Math.max(RUNS * 5, 30); r++) {
  // Type one character at the end of a User-Agent value somewhere in the middle of the document.
  const at = positions[Math.floor(positions.length / 2) + (r % 7)];
  text = `${text.slice(0, at)}x${text.slice(at)}`;
  for (let k = 0; k < positions.length; k++) if (positions[k] >= at) positions[k] += 1;
  const t0 = now();
  snap = store.snapshot('file:///bench/doc.sip', ++version, 'sip', text);
  const res = computeDiagnostics(store, snap, settings);
  keystroke.push(now() - t0);
  linted = res.linted;
}
const tokens = [];
for (let r = 0; r < RUNS; r++) {
  const t0 = now();
  semanticTokens(snap);
  tokens.push(now() - t0);
}

// ---- 3. the same keystroke over stdio (JSON-RPC, full-text didChange, server debounce 0) ----
execFileSync(process.execPath, ['esbuild.mjs', 'server'], { cwd: ROOT, stdio: 'inherit' });
const { StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
const P = await import('vscode-languageserver-protocol/node');
const proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = P.createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const waiting = new Map();
conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => waiting.get(p.version)?.(p));
conn.onRequest(P.ConfigurationRequest.type, (params) => params.items.map(() => ({ lint: { debounceMs: 0 } })));
conn.listen();
await conn.sendRequest(P.InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
await conn.sendNotification(P.InitializedNotification.type, {});
const uri = 'file:///bench/doc.sip';
const published = (v) => new Promise((resolve) => waiting.set(v, resolve));
let v = 1;
let rpcText = doc;
let p = published(v);
await conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sip', version: v, text: rpcText } });
await p;
const rpc = [];
const mid = rpcText.indexOf(userAgent, Math.floor(rpcText.length / 2)) + userAgent.length;
for (let r = 0; r < Math.max(RUNS * 3, 20); r++) {
  v++;
  const line = rpcText.slice(0, mid).split('\r\n').length - 1;
  const character = mid - (rpcText.lastIndexOf('\n', mid - 1) + 1);
  rpcText = `${rpcText.slice(0, mid)}x${rpcText.slice(mid)}`;
  p = published(v);
  const t0 = now();
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: v },
    contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'x' }],
  });
  await p;
  rpc.push(now() - t0);
}
await conn.sendRequest(P.ShutdownRequest.type);
await conn.sendNotification(P.ExitNotification.type);
conn.dispose();
proc.kill();
fs.rmSync(tmp, { recursive: true, force: true });

const ok = (x, limit) => (x <= limit ? 'OK ' : 'SLOW');
console.log(`SIPScope language server benchmark (node ${process.version}, ${os.cpus().length} CPUs, ${RUNS} runs)`);
console.log(`  full lint, ${fullCount} messages (${(big.length / 1e6).toFixed(1)} MB), cold cache -> ${fullDiagnostics} diagnostics:`);
console.log(`    [${ok(median(full), 500)}] median ${ms(median(full))}, max ${ms(max(full))}   (target <= 500 ms; core lintDocument alone: median ${ms(median(core))})`);
console.log(`  one keystroke in a 1000-message document (${(doc.length / 1e6).toFixed(2)} MB), warm cache, ${linted} message re-linted:`);
console.log(`    [${ok(median(keystroke), 50)}] median ${ms(median(keystroke))}, max ${ms(max(keystroke))}   (target <= 50 ms; re-split + lint + LSP conversion)`);
console.log(`    over stdio (didChange -> publishDiagnostics): median ${ms(median(rpc))}, max ${ms(max(rpc))}`);
console.log(`  semantic tokens, 1000-message document (warm parse cache): median ${ms(median(tokens))}`);
