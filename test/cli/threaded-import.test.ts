// The CLI's threaded import (front half in a worker thread, FactBatches to the main thread) builds exactly the model
// of the one-thread importCapture with `rtp: false`: every message, call, dialog, transaction and problem, on every
// sample capture and, when ../shared is present, every corpus capture (TCP, WebSocket, SCTP, IPv6 fragments...).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importCapture, memoryByteSource, type CaptureModel } from '../../src/core/index';
import { openFileByteSource } from '../../src/cli/node-byte-source';
import { importCaptureThreaded } from '../../src/cli/threaded-import';

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
