// The CLI's threaded import (front half in a worker thread, FactBatches to the main thread) builds exactly the model
// of the one-thread importCapture with `rtp: false`: every message, call, dialog, transaction and problem, on every
// sample capture and, when ../shared is present, every corpus capture (TCP, WebSocket, SCTP, IPv6 fragments...).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Transferable, Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCapture, memoryByteSource, type CaptureModel } from '../../src/core/index';
import { openFileByteSource } from '../../src/cli/node-byte-source';
import { importCaptureThreaded } from '../../src/cli/threaded-import';
import { prestartImportWorker, speculativeRequest, takePrestartedWorker } from '../../src/cli/prestart';

const root = join(__dirname, '../..');
const script = join(root, 'dist/import-worker.js');
const samples = join(root, 'samples/captures');
const CORPUS = join(root, '../shared/corpus/captures');

const isCapture = (f: string) => /\.(pcap|pcapng|cap)$/.test(f);
const files = [
  ...readdirSync(samples).filter(isCapture).map((f) => join(samples, f)),
  ...readdirSync(join(samples, 'lab')).filter(isCapture).map((f) => join(samples, 'lab', f)),
  ...(existsSync(CORPUS) ? readdirSync(CORPUS).filter(isCapture).map((f) => join(CORPUS, f)) : []),
];
if (!existsSync(CORPUS)) console.warn(`threaded-import: ${CORPUS} absent, comparing on samples/ only`);

beforeAll(() => {
  if (!existsSync(script)) execFileSync(process.execPath, [join(root, 'esbuild.mjs'), 'importWorker'], { cwd: root });
});

/** Everything the model says, as plain data (message rows materialised). */
function snapshot(m: CaptureModel) {
  return {
    format: m.format,
    records: m.records,
    interfaces: m.interfaces,
    fatal: m.fatal,
    bytesRead: m.bytesRead,
    problems: m.problems,
    problemCount: m.problemCount,
    messages: Array.from({ length: m.messages.count }, (_, i) => m.messages.get(i)),
    calls: m.calls,
    dialogs: m.dialogs.all(),
    transactions: m.transactions.all(),
  };
}

describe('threaded import equals importCapture', () => {
  it('has captures to compare', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    it(relative(root, file), async () => {
      const one = await importCapture(memoryByteSource(readFileSync(file)), { rtp: false });
      const source = await openFileByteSource(file);
      try {
        const two = await importCaptureThreaded(script, file, source, { chunkSize: 8192 });
        expect(two.messages.count).toBe(one.messages.count);
        expect(snapshot(two)).toEqual(snapshot(one));
      } finally {
        await source.close();
      }
    });
  }
  it('takes the worker the launcher started early (its request comes as a message), with the same model', async () => {
    const file = join(samples, 'calls-mixed-outcomes.pcap');
    const one = await importCapture(memoryByteSource(readFileSync(file)), { rtp: false });
    prestartImportWorker(['ladder', file], join(root, 'dist'));
    expect(takePrestartedWorker(script, { path: file })).toBeUndefined(); // only `calls` imports in a worker
    // TLS secrets named: the request cannot be told before the CLI reads them, so the worker waits for it.
    prestartImportWorker(['calls', file, '--tls-keylog', 'keys.log'], join(root, 'dist'));
    // The early worker, watched: the import must send it the request (not start a worker of its own).
    const early = (globalThis as unknown as Record<symbol, { worker: Worker }>)[Symbol.for('sipscope.prestartedImportWorker')]!.worker;
    const sent: unknown[] = [];
    const post = early.postMessage.bind(early);
    early.postMessage = (m: unknown, t?: readonly Transferable[]) => (sent.push(m), post(m, t));
    const source = await openFileByteSource(file);
    try {
      const two = await importCaptureThreaded(script, file, source, { chunkSize: 8192 });
      expect(snapshot(two)).toEqual(snapshot(one));
      expect(sent[0]).toEqual({ type: 'start', request: { path: file, chunkSize: 8192, tls: undefined } });
      // Taken by that import: nothing is left for a second one.
      expect(takePrestartedWorker(script, { path: file })).toBeUndefined();
    } finally {
      await source.close();
    }
  });
  it('starts importing at once when the command line tells the request; the import takes what it posted meanwhile', async () => {
    const file = join(samples, 'calls-mixed-outcomes.pcap');
    const one = await importCapture(memoryByteSource(readFileSync(file)), { rtp: false });
    prestartImportWorker(['calls', '--summary', file], join(root, 'dist'));
    const slot = (globalThis as unknown as Record<symbol, { worker: Worker; early: unknown[] }>)[Symbol.for('sipscope.prestartedImportWorker')]!;
    const early = slot.worker;
    const sent: unknown[] = [];
    const post = early.postMessage.bind(early);
    early.postMessage = (m: unknown, t?: readonly Transferable[]) => (sent.push(m), post(m, t));
    // Before anyone takes it, the worker has imported the whole capture (its messages are kept).
    for (let i = 0; i < 200 && !slot.early.some((m) => (m as { type: string }).type === 'end'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(slot.early.map((m) => (m as { type: string }).type)).toContain('batch');
    const source = await openFileByteSource(file);
    try {
      const two = await importCaptureThreaded(script, file, source);
      expect(snapshot(two)).toEqual(snapshot(one));
      // No request sent: only acknowledgements of the kept batches.
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((m) => (m as { type: string }).type === 'ack')).toBe(true);
    } finally {
      await source.close();
    }
  });
  it('ends an early worker started for another request than the import makes, and imports with its own', async () => {
    const file = join(samples, 'calls-mixed-outcomes.pcap');
    const one = await importCapture(memoryByteSource(readFileSync(file)), { rtp: false });
    prestartImportWorker(['calls', file], join(root, 'dist'));
    const early = (globalThis as unknown as Record<symbol, { worker: Worker }>)[Symbol.for('sipscope.prestartedImportWorker')]!.worker;
    const ended = new Promise((r) => early.once('exit', r));
    const source = await openFileByteSource(file);
    try {
      const two = await importCaptureThreaded(script, file, source, { chunkSize: 8192 }); // not the guessed request
      expect(snapshot(two)).toEqual(snapshot(one));
      await ended;
    } finally {
      await source.close();
    }
  });
  it('guesses the request only from a command line that names one capture and nothing that changes the import', () => {
    const env = {};
    expect(speculativeRequest(['a.pcap'], env)).toEqual({ path: 'a.pcap' });
    expect(speculativeRequest(['--summary', 'a.pcap', '--json', '--filter', 'state:busy', '--filter=-from:x'], env)).toEqual({ path: 'a.pcap' });
    expect(speculativeRequest(['--filter', 'a.pcap'], env)).toBeUndefined(); // a.pcap is the filter's value
    expect(speculativeRequest(['a.pcap', '--filter'], env)).toBeUndefined();
    expect(speculativeRequest(['-'], env)).toBeUndefined(); // standard input is spooled first
    expect(speculativeRequest(['a.pcap', 'b.pcap'], env)).toBeUndefined();
    expect(speculativeRequest([], env)).toBeUndefined();
    expect(speculativeRequest(['a.pcap', '--tls-keylog', 'k.log'], env)).toBeUndefined();
    expect(speculativeRequest(['a.pcap', '--tls-key=k.pem'], env)).toBeUndefined();
    expect(speculativeRequest(['a.pcap', '--help'], env)).toBeUndefined();
    expect(speculativeRequest(['a.pcap', '--bogus'], env)).toBeUndefined();
    expect(speculativeRequest(['a.pcap'], { SSLKEYLOGFILE: '/tmp/keys.log' })).toBeUndefined();
  });
  it('does not hand out an early worker that has already failed, nor one for another script', async () => {
    const req = { path: 'a.pcap' };
    prestartImportWorker(['calls'], join(root, 'test/fixtures')); // no import-worker.js there: nothing started
    expect(takePrestartedWorker(join(root, 'test/fixtures/import-worker.js'), req)).toBeUndefined();
    prestartImportWorker(['calls'], join(root, 'dist'));
    expect(takePrestartedWorker(join(root, 'dist/other-worker.js'), req)).toBeUndefined();
    prestartImportWorker(['calls'], join(root, 'dist'));
    const early = takePrestartedWorker(script, req)!;
    expect(early).toBeDefined();
    expect(early.early).toBeUndefined(); // started without a request: the import sends it
    await early.worker.terminate();
    prestartImportWorker(['calls'], join(root, 'dist'));
    // A worker that ended before anyone took it is not handed out: the import starts its own.
    const g = globalThis as unknown as Record<symbol, { worker: { terminate(): Promise<number> } } | undefined>;
    await g[Symbol.for('sipscope.prestartedImportWorker')]!.worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(takePrestartedWorker(script, req)).toBeUndefined();
  });
  it('rejects with the file named when the worker cannot read the capture', async () => {
    const file = join(samples, 'calls-mixed-outcomes.pcap');
    const source = await openFileByteSource(file);
    try {
      await expect(importCaptureThreaded(script, join(samples, 'no-such-file.pcap'), source)).rejects.toThrow(/no-such-file\.pcap/);
    } finally {
      await source.close();
    }
  });
});
