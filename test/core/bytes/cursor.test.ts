// ChunkCursor: the sliding window with stitching and read-ahead, against a source that reuses two transient buffers
// exactly as the Node file adapter does (a result is valid only until the next-but-one readTransient call).
import { describe, expect, it } from 'vitest';
import { ChunkCursor } from '../../../src/core/bytes/cursor';
import type { ByteSource } from '../../../src/core/index';

/** A source over `data` whose readTransient results live in two reused buffers; counts reads and overlapping reads. */
function transientSource(data: Uint8Array, delayMs = 0) {
  const bufs = [new Uint8Array(0), new Uint8Array(0)];
  let turn = 0;
  const stats = { reads: 0, running: 0, maxRunning: 0 };
  const src: ByteSource = {
    size: data.length,
    read: async (o, n) => data.slice(o, Math.min(data.length, o + n)),
    async readTransient(o, n) {
      stats.reads++;
      stats.running++;
      stats.maxRunning = Math.max(stats.maxRunning, stats.running);
      turn ^= 1;
      if (bufs[turn]!.length < n) bufs[turn] = new Uint8Array(n);
      const b = bufs[turn]!;
      await new Promise((r) => setTimeout(r, delayMs));
      const m = Math.max(0, Math.min(n, data.length - o));
      b.set(data.subarray(o, o + m), 0);
      stats.running--;
      return b.subarray(0, m);
    },
  };
  return { src, stats };
}

function pattern(n: number): Uint8Array {
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) d[i] = (i * 131 + (i >>> 8)) & 0xff;
  return d;
}

describe('ChunkCursor read-ahead', () => {
  it('serves every range with the right bytes while reading ahead (records straddling chunk ends)', async () => {
    const data = pattern(200_000);
    const { src, stats } = transientSource(data, 1);
    const c = new ChunkCursor(src, 4096);
    // Records of varying size, parsed the way the pcap reader does: header, then body, sequentially.
    let off = 0;
    let k = 0;
    while (off < data.length) {
      const len = Math.min(data.length - off, 16 + ((k * 7919) % 3000));
      if (!(off >= c.base && off + 16 <= c.base + c.buf.length)) expect(await c.fill(off, Math.min(16, len))).toBe(true);
      const ok = await c.fill(off, len);
      expect(ok).toBe(true);
      const got = c.buf.subarray(off - c.base, off - c.base + len);
      expect(got).toEqual(data.subarray(off, off + len));
      off += len;
      k++;
    }
    await c.settle();
    // Reads never overlap, so no transient buffer is written while still in use.
    expect(stats.maxRunning).toBe(1);
    // Every byte is read once: windows and stitches are served from the chunks read ahead, none is read again.
    expect(c.bytesFetched).toBe(data.length);
    expect(stats.reads).toBe(Math.ceil(data.length / 4096));
  });

  it('handles jumps, structures larger than a chunk (stitched past the read-ahead into a reused buffer) and the end of the source', async () => {
    const data = pattern(50_000);
    const { src, stats } = transientSource(data);
    const c = new ChunkCursor(src, 1024);
    for (const [o, n] of [[0, 5000], [5500, 100], [6400, 3000], [9000, 100], [9900, 300], [10_000, 5000], [14_000, 4000], [2000, 50], [49_990, 10], [49_995, 20]] as const) {
      const ok = await c.fill(o, n);
      const have = Math.min(n, data.length - o);
      expect(ok).toBe(have === n);
      expect(c.buf.subarray(o - c.base, o - c.base + have)).toEqual(data.subarray(o, o + have));
    }
    await c.settle();
    expect(stats.maxRunning).toBe(1);
  });
});
