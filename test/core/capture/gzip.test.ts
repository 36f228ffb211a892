// gzip-compressed captures (.pcap.gz / .pcapng.gz), which tshark reads as they are: importCapture decompresses them
// in memory and gives the same model as the plain file; a cut or corrupt .gz keeps what could be read, with a finding.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportMessage, gunzipSource, importCapture, isGzip, memoryByteSource, type CaptureModel } from '../../../src/core/index';
import { plainCalls } from '../../helpers/plain-calls';

const sample = readFileSync(join(__dirname, '../../../samples/captures/calls-mixed-outcomes.pcap'));

async function messages(m: CaptureModel) {
  const out = [];
  for (let id = 0; id < m.messages.count; id++) out.push(await exportMessage(m, id));
  return out;
}

describe('gzip-compressed captures', () => {
  it('recognises the gzip magic (RFC 1952 §2.3.1)', () => {
    expect(isGzip(gzipSync(Buffer.from('x')))).toBe(true);
    expect(isGzip(sample)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });

  it('imports a .pcap.gz exactly like the plain capture (message bytes re-read from the decompressed data)', async () => {
    const plain = await importCapture(memoryByteSource(sample), { rtp: true });
    const gz = await importCapture(memoryByteSource(gzipSync(sample)), { rtp: true, chunkSize: 4096 });
    expect(gz.fatal).toBeUndefined();
    expect(gz.problems).toEqual(plain.problems);
    expect(plainCalls(gz.calls)).toEqual(plainCalls(plain.calls));
    expect(gz.streams).toEqual(plain.streams);
    expect(await messages(gz)).toEqual(await messages(plain));
  });

  it('reads several gzip members one after the other', async () => {
    const cut = 24 + 3 * 1000;
    const gz = await gunzipSource(memoryByteSource(Buffer.concat([gzipSync(sample.subarray(0, cut)), gzipSync(sample.subarray(cut))])), { chunkSize: 777 });
    expect(gz.problem).toBeUndefined();
    expect(gz.source.size).toBe(sample.length);
    expect(Buffer.from(await gz.source.read(0, sample.length)).equals(sample)).toBe(true);
    // reads across the members' chunks
    expect(Buffer.from(await gz.source.read(cut - 10, 20)).equals(sample.subarray(cut - 10, cut + 10))).toBe(true);
  });

  it('keeps what a cut .gz holds and says so', async () => {
    const whole = gzipSync(sample);
    const m = await importCapture(memoryByteSource(whole.subarray(0, Math.floor(whole.length / 2))));
    expect(m.fatal).toBeUndefined();
    expect(m.messages.count).toBeGreaterThan(0);
    const codes = m.problems.map((p) => p.code);
    expect(codes).toContain('capture/gzip-truncated');
  });

  it('stops at maxBytes of output with a problem, keeping the bytes before', async () => {
    const gz = await gunzipSource(memoryByteSource(gzipSync(sample)), { maxBytes: 1000 });
    expect(gz.source.size).toBe(1000);
    expect(gz.problem).toMatch(/larger than 1000 bytes/);
    expect(Buffer.from(await gz.source.read(0, 1000)).equals(sample.subarray(0, 1000))).toBe(true);
  });

  it('reports gzip garbage as an unreadable capture, not a crash', async () => {
    const m = await importCapture(memoryByteSource(Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
    expect(m.messages.count).toBe(0);
    expect(m.fatal !== undefined || m.problems.some((p) => p.code === 'capture/gzip-truncated')).toBe(true);
  });
});
