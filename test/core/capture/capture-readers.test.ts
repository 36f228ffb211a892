import { describe, expect, it } from 'vitest';
import { memoryByteSource, type ByteSource } from '../../../src/core/bytes/byte-source';
import { readCapture, type ReadCaptureOptions } from '../../../src/core/capture/read-capture';
import { detectCaptureFormat } from '../../../src/core/capture/detect';
import { ProblemCollector } from '../../../src/core/capture/problems';
import type { CaptureRecord } from '../../../src/core/capture/types';
import { buildFrame, writePcap, writePcapng } from '../../helpers/pcap-writer';
import { concat, writePcapngSections } from '../../helpers/packet-builders';

interface Rec {
  frame: number;
  timeSec: number;
  timeNsec: number;
  linkType: number;
  interfaceId: number;
  data: number[];
  originalLength: number;
  fileOffset: number;
}

async function readAll(bytes: Uint8Array, opts: ReadCaptureOptions = {}) {
  const recs: Rec[] = [];
  const problems = opts.problems ?? new ProblemCollector();
  const result = await readCapture(
    memoryByteSource(bytes),
    // The contract fields only: buf/dataStart/dataEnd (the zero-copy form) legitimately depend on the chunk size.
    (r: CaptureRecord) =>
      recs.push({ frame: r.frame, timeSec: r.timeSec, timeNsec: r.timeNsec, linkType: r.linkType, interfaceId: r.interfaceId, data: [...r.data], originalLength: r.originalLength, fileOffset: r.fileOffset }),
    { ...opts, problems },
  );
  return { recs, result, problems };
}

const frames = (n: number, size = 100) =>
  Array.from({ length: n }, (_, i) => {
    const d = new Uint8Array(size + (i % 7));
    for (let k = 0; k < d.length; k++) d[k] = (i * 31 + k) & 0xff;
    return d;
  });

describe('detect', () => {
  it('recognises pcap magics in both byte orders and pcapng', () => {
    expect(detectCaptureFormat(Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1]))).toMatchObject({ format: 'pcap', littleEndian: true, nanosecond: false });
    expect(detectCaptureFormat(Uint8Array.from([0xa1, 0xb2, 0xc3, 0xd4]))).toMatchObject({ format: 'pcap', littleEndian: false, nanosecond: false });
    expect(detectCaptureFormat(Uint8Array.from([0x4d, 0x3c, 0xb2, 0xa1]))).toMatchObject({ format: 'pcap', littleEndian: true, nanosecond: true });
    expect(detectCaptureFormat(Uint8Array.from([0xa1, 0xb2, 0x3c, 0x4d]))).toMatchObject({ format: 'pcap', littleEndian: false, nanosecond: true });
    expect(detectCaptureFormat(Uint8Array.from([0x34, 0xcd, 0xb2, 0xa1]))).toMatchObject({ format: 'pcap', modified: true });
    expect(detectCaptureFormat(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]))).toEqual({ format: 'pcapng', littleEndian: true });
    expect(detectCaptureFormat(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0x1a, 0x2b, 0x3c, 0x4d]))).toEqual({ format: 'pcapng', littleEndian: false });
  });
});

describe('not a capture', () => {
  const cases: [string, Uint8Array, string, RegExp][] = [
    ['empty', new Uint8Array(0), 'capture/empty-file', /empty/],
    ['html', new TextEncoder().encode('\n  <!DOCTYPE html><html><body>404</body></html>'), 'capture/not-a-capture', /HTML/],
    ['xml', new TextEncoder().encode('<?xml version="1.0"?><a/>'), 'capture/not-a-capture', /HTML\/XML/],
    ['gzip', Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'capture/not-a-capture', /gzip/],
    ['zip', Uint8Array.from([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]), 'capture/not-a-capture', /zip/],
    ['text', new TextEncoder().encode('INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n'), 'capture/not-a-capture', /text/],
    ['short', Uint8Array.from([0xd4, 0xc3]), 'capture/not-a-capture', /too short/],
  ];
  for (const [name, bytes, code, msg] of cases) {
    it(`reports ${name} as fatal, format unknown, no records`, async () => {
      const { recs, result, problems } = await readAll(bytes);
      expect(result.format).toBe('unknown');
      expect(result.records).toBe(0);
      expect(recs).toHaveLength(0);
      expect(result.fatal?.code).toBe(code);
      expect(result.fatal?.message).toMatch(msg);
      expect(problems.count(code)).toBe(1);
    });
  }
  it('handles random binary without throwing', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 50; i++) {
      const b = Uint8Array.from({ length: 1 + (i * 37) % 400 }, rnd);
      const { result } = await readAll(b, { chunkSize: 64 });
      expect(result.records).toBeGreaterThanOrEqual(0);
    }
    const b = Uint8Array.from({ length: 300 }, rnd);
    b[0] = 0x80; // not text
    const { result } = await readAll(b);
    expect(result.fatal?.message).toMatch(/binary data/);
  });
  it('handles a pcap header followed by random garbage without hanging', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 200; i++) {
      const head = writePcap([]);
      const b = concat(head, Uint8Array.from({ length: (i * 53) % 700 }, rnd));
      const { result } = await readAll(b, { chunkSize: 64 + (i % 5) * 17 });
      expect(result.format).toBe('pcap');
    }
  });
  it('handles a pcapng SHB followed by random garbage without hanging', async () => {
    let seed = 9;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const shb = writePcapng([]).subarray(0, 28);
    for (let i = 0; i < 200; i++) {
      const b = concat(shb, Uint8Array.from({ length: (i * 53) % 700 }, rnd));
      const { result } = await readAll(b, { chunkSize: 64 });
      expect(result.format).toBe('pcapng');
    }
  });
});

describe('pcap', () => {
  const data = frames(5);
  const times = [1_700_000_000.000001, 1_700_000_000.5, 1_700_000_001.25, 1_700_000_002, 1_700_000_003.999999];
  for (const bigEndian of [false, true]) {
    for (const nanosecond of [false, true]) {
      it(`reads ${bigEndian ? 'BE' : 'LE'} ${nanosecond ? 'ns' : 'µs'} records`, async () => {
        const bytes = writePcap(data.map((d, i) => ({ data: d, time: times[i]!, originalLength: d.length + i })), { bigEndian, nanosecond, linkType: 113 });
        const { recs, result, problems } = await readAll(bytes);
        expect(result).toMatchObject({ format: 'pcap', records: 5, bytesRead: bytes.length, cancelled: false });
        expect(result.fatal).toBeUndefined();
        expect(problems.total).toBe(0);
        expect(result.interfaces).toEqual([{ id: 0, linkType: 113, snapLength: 262144, tsUnitsPerSecond: nanosecond ? 1e9 : 1e6, tsOffsetSec: 0 }]);
        expect(recs.map((r) => r.frame)).toEqual([1, 2, 3, 4, 5]);
        expect(recs.map((r) => r.data)).toEqual(data.map((d) => [...d]));
        expect(recs.map((r) => r.originalLength)).toEqual(data.map((d, i) => d.length + i));
        // The writer derives the fraction from a float, so compute what it wrote the same way.
        const frac = (t: number) => (nanosecond ? Math.round((t - Math.floor(t)) * 1e9) : Math.round((t - Math.floor(t)) * 1e6) * 1000);
        expect(recs.map((r) => [r.timeSec, r.timeNsec])).toEqual(times.map((t) => [Math.floor(t), frac(t)]));
        expect(recs[1]!.timeNsec).toBe(500_000_000);
        // fileOffset points at the data in the file
        for (const r of recs) expect([...bytes.subarray(r.fileOffset, r.fileOffset + r.data.length)]).toEqual(r.data);
        expect(recs.every((r) => r.linkType === 113 && r.interfaceId === 0)).toBe(true);
      });
    }
  }

  it('is nanosecond exact for ns pcaps', async () => {
    const bytes = writePcap([{ data: new Uint8Array(20) }]);
    const v = new DataView(bytes.buffer);
    v.setUint32(0, 0xa1b23c4d, true);
    v.setUint32(24, 1_700_000_123, true);
    v.setUint32(28, 987_654_321, true);
    const { recs } = await readAll(bytes);
    expect([recs[0]!.timeSec, recs[0]!.timeNsec]).toEqual([1_700_000_123, 987_654_321]);
  });

  it('masks the FCS bits of the link type field', async () => {
    const bytes = writePcap([{ data: new Uint8Array(20) }], { linkType: 1 | 0x04000000 | (2 << 28) });
    const { recs, result } = await readAll(bytes);
    expect(result.interfaces[0]!.linkType).toBe(1);
    expect(recs[0]!.linkType).toBe(1);
  });

  it('reads modified pcap (24-byte record headers)', async () => {
    const d = frames(2, 40);
    const out: Uint8Array[] = [];
    const hdr = writePcap([]);
    new DataView(hdr.buffer).setUint32(0, 0xa1b2cd34, true);
    out.push(hdr);
    for (const x of d) {
      const h = new Uint8Array(24);
      const v = new DataView(h.buffer);
      v.setUint32(0, 1_700_000_000, true);
      v.setUint32(8, x.length, true);
      v.setUint32(12, x.length, true);
      out.push(h, x);
    }
    const { recs, problems } = await readAll(concat(...out));
    expect(problems.total).toBe(0);
    expect(recs.map((r) => r.data)).toEqual(d.map((x) => [...x]));
  });

  it('keeps everything before a truncated last record', async () => {
    const full = writePcap(frames(4).map((data) => ({ data })));
    for (const cut of [5, 16, 40]) {
      const bytes = full.subarray(0, full.length - cut);
      for (const chunkSize of [64, 4 * 1024 * 1024]) {
        const { recs, result, problems } = await readAll(bytes, { chunkSize });
        expect(result.records).toBe(3);
        expect(recs).toHaveLength(3);
        expect(result.fatal).toBeUndefined();
        expect(problems.count('capture/truncated-record')).toBe(1);
        const ex = problems.summaries()[0]!.examples[0]!;
        expect(ex.frame).toBe(4);
        expect(ex.offset).toBe(24 + recs.reduce((n, r) => n + 16 + r.data.length, 0));
      }
    }
    // cut inside the record header
    const bytes = full.subarray(0, 24 + 16 + 100 + 8);
    const { result, problems } = await readAll(bytes);
    expect(result.records).toBe(1);
    expect(problems.count('capture/truncated-record')).toBe(1);
  });

  it('skips a record with an absurd length and reads on from the next plausible record', async () => {
    const d = frames(3);
    const bytes = writePcap(d.map((data) => ({ data })));
    const v = new DataView(bytes.buffer);
    const second = 24 + 16 + 100;
    v.setUint32(second + 8, 0x7fffffff, true);
    for (const chunkSize of [64, 100, 4096]) {
      const { recs, result, problems } = await readAll(bytes, { chunkSize });
      expect(result.fatal).toBeUndefined();
      expect(recs.map((r) => r.data)).toEqual([[...d[0]!], [...d[2]!]]);
      expect(recs.map((r) => r.frame)).toEqual([1, 2]);
      const p = problems.summaries().find((x) => x.code === 'capture/bad-record-length');
      expect(p?.severity).toBe('error');
      expect(p?.examples[0]?.message).toContain(`${16 + 101} damaged bytes skipped, reading resumed at file offset ${second + 16 + 101}`);
    }
  });

  it('skips garbage between records that reads as an absurd record header, whatever its length', async () => {
    const d = frames(4);
    const clean = writePcap(d.map((data) => ({ data })));
    const cut = 24 + 16 + 100 + 16 + 101;
    for (const n of [16, 37, 300]) {
      const garbage = new Uint8Array(n).fill(0xff);
      const bytes = concat(clean.subarray(0, cut), garbage, clean.subarray(cut));
      const { recs, result, problems } = await readAll(bytes, { chunkSize: 128 });
      expect(result.fatal).toBeUndefined();
      expect(recs.map((r) => r.data.length)).toEqual(d.map((x) => x.length));
      expect(problems.count('capture/bad-record-length')).toBe(1);
      expect(recs[2]!.fileOffset).toBe(cut + n + 16);
    }
  });

  it('skips damaged bytes spanning many read windows', async () => {
    const d = frames(4);
    const clean = writePcap(d.map((data) => ({ data })), { snaplen: 256 });
    const cut = 24 + 16 + 100 + 16 + 101;
    // 0xff garbage never reads as a plausible header; the resync reads it in windows of max(chunk, 2 headers + snaplen).
    const bytes = concat(clean.subarray(0, cut), new Uint8Array(200_000).fill(0xff), clean.subarray(cut));
    for (const chunkSize of [4096, 65536]) {
      const { recs, result, problems } = await readAll(bytes, { chunkSize });
      expect(result.fatal).toBeUndefined();
      expect(recs.map((r) => r.data.length)).toEqual(d.map((x) => x.length));
      expect(problems.summaries().find((x) => x.code === 'capture/bad-record-length')?.examples[0]?.message).toContain('200000 damaged bytes skipped');
    }
  });

  it('keeps the records before damage that nothing plausible follows, without failing the file', async () => {
    const bytes = writePcap(frames(3).map((data) => ({ data })));
    const second = 24 + 16 + 100;
    new DataView(bytes.buffer).setUint32(second + 8, 0x7fffffff, true);
    const { recs, result, problems } = await readAll(bytes.subarray(0, second + 40));
    expect(result.fatal).toBeUndefined();
    expect(recs.length).toBe(1);
    expect(problems.summaries().find((x) => x.code === 'capture/bad-record-length')?.examples[0]?.message).toContain('no valid record follows, reading stops');
  });

  it('warns on records above a small snaplen but keeps them', async () => {
    const bytes = writePcap(frames(2).map((data) => ({ data })), { snaplen: 64 });
    const { result, problems } = await readAll(bytes);
    expect(result.records).toBe(2);
    expect(problems.count('capture/record-exceeds-snaplen')).toBe(2);
  });

  it('gives the same records for any chunk size (records spanning chunks, records bigger than a chunk)', async () => {
    const d = [...frames(30, 50), new Uint8Array(5000).fill(7), ...frames(30, 1500)];
    const bytes = writePcap(d.map((data) => ({ data })));
    const ref = await readAll(bytes);
    for (const chunkSize of [64, 65, 100, 333, 1024, 4096]) {
      const got = await readAll(bytes, { chunkSize });
      expect(got.recs).toEqual(ref.recs);
      expect(got.result).toEqual(ref.result);
    }
  });

  it('reports progress and honours cancellation', async () => {
    const bytes = writePcap(frames(200, 500).map((data) => ({ data })));
    const seen: number[] = [];
    const { result } = await readAll(bytes, { chunkSize: 4096, onProgress: (done, total) => { seen.push(done); expect(total).toBe(bytes.length); } });
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen.length).toBeGreaterThan(5);
    expect(result.records).toBe(200);
    let polls = 0;
    const cancelled = await readAll(bytes, { chunkSize: 4096, isCancelled: () => ++polls > 3 });
    expect(cancelled.result.cancelled).toBe(true);
    expect(cancelled.result.records).toBeGreaterThan(0);
    expect(cancelled.result.records).toBeLessThan(200);
  });

  it('reads through a ByteSource that returns fresh arrays and never reads the whole file at once', async () => {
    const bytes = writePcap(frames(100, 300).map((data) => ({ data })));
    let maxRead = 0;
    const src: ByteSource = {
      size: bytes.length,
      read: async (o, l) => {
        maxRead = Math.max(maxRead, l);
        return bytes.slice(o, o + l);
      },
    };
    const recs: number[][] = [];
    const res = await readCapture(src, (r) => recs.push([...r.data]), { chunkSize: 1000 });
    expect(res.records).toBe(100);
    expect(maxRead).toBeLessThanOrEqual(1000);
    expect(recs[99]).toEqual([...frames(100, 300)[99]!]);
  });
});

describe('pcapng', () => {
  it('reads the simple writer output (EPB, µs)', async () => {
    const d = frames(3);
    const bytes = writePcapng(d.map((data, i) => ({ data, time: 1_700_000_000 + i * 0.25 })));
    const { recs, result, problems } = await readAll(bytes);
    expect(problems.total).toBe(0);
    expect(result).toMatchObject({ format: 'pcapng', records: 3, bytesRead: bytes.length });
    expect(recs.map((r) => [r.frame, r.timeSec, r.timeNsec])).toEqual([
      [1, 1_700_000_000, 0],
      [2, 1_700_000_000, 250_000_000],
      [3, 1_700_000_000, 500_000_000],
    ]);
    for (const r of recs) expect([...bytes.subarray(r.fileOffset, r.fileOffset + r.data.length)]).toEqual(r.data);
  });

  const sections = () =>
    writePcapngSections([
      {
        littleEndian: true,
        interfaces: [
          { linkType: 1, name: 'eth0' }, // default µs
          { linkType: 113, tsresol: 9, snaplen: 65535 }, // ns
        ],
        otherBlocks: [4, 5, 0xbad, 0x40000bad],
        packets: [
          { interfaceId: 0, ts: 1_700_000_000_123_456n, data: Uint8Array.of(1, 2, 3) },
          { interfaceId: 1, ts: 1_700_000_000_987_654_321n, data: Uint8Array.of(4, 5, 6, 7, 8) },
          { kind: 'spb', data: Uint8Array.of(9, 9, 9, 9, 9), originalLength: 5 },
        ],
      },
      {
        littleEndian: false,
        interfaces: [
          { linkType: 101, tsresol: 0x80 | 10, tsoffset: 100n }, // 1/1024 s units, +100 s
          { linkType: 229, tsresol: 3 }, // ms
          { linkType: 276, tsresol: 12 }, // ps
        ],
        packets: [
          { interfaceId: 0, ts: 1_700_000_000n * 1024n + 512n, data: Uint8Array.of(0x45, 0) },
          { interfaceId: 1, ts: 1_700_000_000_001n, data: Uint8Array.of(0x60) },
          { kind: 'opb', interfaceId: 2, ts: 12_345_678_901_234_567n, data: Uint8Array.of(1, 1) }, // ps: 2^64 ps is only ~213 days
        ],
      },
    ]);

  it('reads multiple sections with their own byte order, per-IDB if_tsresol/if_tsoffset and mixed link types', async () => {
    const bytes = sections();
    const { recs, result, problems } = await readAll(bytes);
    expect(problems.summaries()).toEqual([]);
    expect(result.format).toBe('pcapng');
    expect(result.records).toBe(6);
    expect(result.interfaces).toEqual([
      { id: 0, linkType: 1, snapLength: 262144, tsUnitsPerSecond: 1e6, tsOffsetSec: 0, name: 'eth0' },
      { id: 1, linkType: 113, snapLength: 65535, tsUnitsPerSecond: 1e9, tsOffsetSec: 0 },
      { id: 2, linkType: 101, snapLength: 262144, tsUnitsPerSecond: 1024, tsOffsetSec: 100 },
      { id: 3, linkType: 229, snapLength: 262144, tsUnitsPerSecond: 1000, tsOffsetSec: 0 },
      { id: 4, linkType: 276, snapLength: 262144, tsUnitsPerSecond: 1e12, tsOffsetSec: 0 },
    ]);
    expect(recs.map((r) => [r.frame, r.interfaceId, r.linkType, r.timeSec, r.timeNsec, r.data.length])).toEqual([
      [1, 0, 1, 1_700_000_000, 123_456_000, 3],
      [2, 1, 113, 1_700_000_000, 987_654_321, 5],
      [3, 0, 1, 0, 0, 5],
      [4, 2, 101, 1_700_000_100, 500_000_000, 2],
      [5, 3, 229, 1_700_000_000, 1_000_000, 1],
      [6, 4, 276, 12_345, 678_901_234, 2],
    ]);
  });

  it('gives the same records for any chunk size', async () => {
    const bytes = sections();
    const ref = await readAll(bytes);
    for (const chunkSize of [64, 77, 128, 1000]) {
      const got = await readAll(bytes, { chunkSize });
      expect(got.recs).toEqual(ref.recs);
      expect(got.result).toEqual(ref.result);
    }
  });

  it('limits SPB captured length by the block and the IDB snaplen', async () => {
    const bytes = writePcapngSections([
      { littleEndian: true, interfaces: [{ linkType: 1, snaplen: 4 }], packets: [{ kind: 'spb', data: Uint8Array.of(1, 2, 3, 4, 5, 6), originalLength: 1500 }] },
    ]);
    const { recs } = await readAll(bytes);
    expect(recs[0]!.data).toEqual([1, 2, 3, 4]);
    expect(recs[0]!.originalLength).toBe(1500);
    const bytes2 = writePcapngSections([
      { littleEndian: true, interfaces: [{ linkType: 1, snaplen: 0 }], packets: [{ kind: 'spb', data: Uint8Array.of(1, 2, 3, 4, 5, 6), originalLength: 1500 }] },
    ]);
    const r2 = await readAll(bytes2);
    expect(r2.recs[0]!.data).toEqual([1, 2, 3, 4, 5, 6, 0, 0]); // block length - 16 (padding included, as the draft says)
  });

  it('converts huge nanosecond timestamps exactly', async () => {
    const samples = [0n, 1n, 999_999_999n, 1_000_000_000n, 1_700_000_000_999_999_999n, 18_446_744_073_709_551_615n];
    const bytes = writePcapngSections([
      { littleEndian: true, interfaces: [{ linkType: 1, tsresol: 9 }], packets: samples.map((ts) => ({ ts, data: Uint8Array.of(0) })) },
    ]);
    const { recs } = await readAll(bytes);
    expect(recs.map((r) => [r.timeSec, r.timeNsec])).toEqual(samples.map((t) => [Number(t / 1_000_000_000n), Number(t % 1_000_000_000n)]));
  });

  it('converts binary and fine decimal resolutions exactly', async () => {
    for (const [resol, units] of [[0x80 | 20, 1n << 20n], [0x80 | 32, 1n << 32n], [0x80 | 40, 1n << 40n], [15, 10n ** 15n], [6, 10n ** 6n], [0x80 | 0, 1n]] as const) {
      const samples = [123n, (units * 1_700_000_000n + units / 3n) % (1n << 64n), (1n << 63n) + 12345n];
      const bytes = writePcapngSections([{ littleEndian: false, interfaces: [{ linkType: 1, tsresol: resol }], packets: samples.map((ts) => ({ ts, data: Uint8Array.of(0) })) }]);
      const { recs } = await readAll(bytes);
      expect(recs.map((r) => [r.timeSec, r.timeNsec])).toEqual(samples.map((t) => [Number(t / units), Number(((t % units) * 1_000_000_000n) / units)]));
    }
  });

  it('keeps records before a truncated last block', async () => {
    const full = writePcapng(frames(3).map((data) => ({ data })));
    const bytes = full.subarray(0, full.length - 10);
    for (const chunkSize of [64, 1 << 20]) {
      const { result, problems } = await readAll(bytes, { chunkSize });
      expect(result.records).toBe(2);
      expect(problems.count('capture/truncated-record')).toBe(1);
      expect(result.fatal).toBeUndefined();
    }
  });

  it('skips a block with a corrupt length and reads on from the next plausible block', async () => {
    const d = frames(3);
    const bytes = writePcapng(d.map((data) => ({ data })));
    // second EPB: SHB(28) + IDB(20) + EPB1
    const epb1 = 28 + 20;
    const len1 = new DataView(bytes.buffer).getUint32(epb1 + 4, true);
    new DataView(bytes.buffer).setUint32(epb1 + len1 + 4, 7, true);
    const { recs, result, problems } = await readAll(bytes);
    expect(result.fatal).toBeUndefined();
    expect(recs.map((r) => r.data)).toEqual([[...d[0]!], [...d[2]!]]);
    expect(problems.count('capture/bad-block-length')).toBe(1);
    expect(problems.summaries().find((x) => x.code === 'capture/bad-block-length')?.severity).toBe('error');
  });

  it('skips damaged bytes spanning several resynchronisation windows (pcapng)', async () => {
    const d = frames(3);
    const clean = writePcapng(d.map((data) => ({ data })));
    const epb1 = 28 + 20;
    const cut = epb1 + new DataView(clean.buffer).getUint32(epb1 + 4, true);
    const { recs, result, problems } = await readAll(concat(clean.subarray(0, cut), new Uint8Array(1_300_001).fill(0xee), clean.subarray(cut)), { chunkSize: 4096 });
    expect(result.fatal).toBeUndefined();
    expect(recs.map((r) => r.data)).toEqual(d.map((x) => [...x]));
    expect(problems.summaries().find((x) => x.code === 'capture/bad-block-length')?.examples[0]?.message).toContain('1300001 damaged bytes skipped');
  });

  it('skips garbage between blocks, also when it breaks the 4-byte alignment', async () => {
    const d = frames(4);
    const clean = writePcapng(d.map((data) => ({ data })));
    const v = new DataView(clean.buffer);
    const epb1 = 28 + 20;
    const cut = epb1 + v.getUint32(epb1 + 4, true);
    for (const n of [3, 8, 45]) {
      const garbage = Uint8Array.from({ length: n }, (_, i) => (i * 53 + 17) & 0xff);
      const { recs, result, problems } = await readAll(concat(clean.subarray(0, cut), garbage, clean.subarray(cut)), { chunkSize: 96 });
      expect(result.fatal).toBeUndefined();
      expect(recs.map((r) => r.data)).toEqual(d.map((x) => [...x]));
      expect(problems.count('capture/bad-block-length')).toBe(1);
    }
  });

  it('refuses an unsupported section version and a pcap cut inside its file header', async () => {
    const ng = writePcapng([{ data: Uint8Array.of(1) }]);
    new DataView(ng.buffer).setUint16(12, 2, true);
    const a = await readAll(ng);
    expect([a.result.format, a.result.records, a.result.fatal?.code]).toEqual(['pcapng', 0, 'capture/unsupported-version']);
    const b = await readAll(writePcap([]).subarray(0, 20));
    expect([b.result.format, b.result.records, b.result.fatal?.code]).toEqual(['pcap', 0, 'capture/truncated-header']);
  });

  it('skips packets naming an undefined interface', async () => {
    const bytes = writePcapng([{ data: Uint8Array.of(1), interfaceId: 3 }, { data: Uint8Array.of(2) }]);
    const { recs, problems } = await readAll(bytes);
    expect(recs.map((r) => [r.frame, r.data])).toEqual([[1, [2]]]);
    expect(problems.count('capture/unknown-interface')).toBe(1);
  });
});

describe('real frames', () => {
  it('round-trips Ethernet frames through pcap and pcapng identically', async () => {
    const fs = [buildFrame({ payload: 'hello' }), buildFrame({ src: '2001:db8::1', dst: '2001:db8::2', payload: 'x', protocol: 'tcp' })];
    const a = await readAll(writePcap(fs.map((data) => ({ data }))));
    const b = await readAll(writePcapng(fs.map((data) => ({ data }))));
    expect(a.recs.map((r) => r.data)).toEqual(b.recs.map((r) => r.data));
  });
});
