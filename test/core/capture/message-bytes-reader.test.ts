// MessageBytesReader: the bytes of every message, in capture order and out of it, through a window of the capture
// (one read per window), equal loadMessageBytes; reassembled (kept) messages and messages larger than the window too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture, loadMessageBytes, memoryByteSource, MessageBytesReader, type ByteSource } from '../../../src/core/index';

const samples = join(__dirname, '../../../samples/captures');

/** A memory source that counts reads. */
function counting(bytes: Uint8Array): { source: ByteSource; reads: () => number } {
  const inner = memoryByteSource(bytes);
  let reads = 0;
  return { source: { size: inner.size, read: (o, n) => (reads++, inner.read(o, n)) }, reads: () => reads };
}

describe('MessageBytesReader', () => {
  for (const file of ['calls-mixed-outcomes.pcap', 'call-via-proxy-tcp.pcap']) {
    it(`gives every message's bytes of ${file}, in order and shuffled, with few reads`, async () => {
      const { source, reads } = counting(readFileSync(join(samples, file)));
      const model = await importCapture(source, { rtp: false });
      const n = model.messages.count;
      expect(n).toBeGreaterThan(10);
      const expected = await Promise.all(Array.from({ length: n }, (_, id) => loadMessageBytes(model, id)));
      const before = reads();
      const inOrder = new MessageBytesReader(model, 64 * 1024);
      for (let id = 0; id < n; id++) expect(Buffer.from(await inOrder.bytes(id)).equals(Buffer.from(expected[id]!))).toBe(true);
      // A sample this size fits a few windows: far fewer reads than messages.
      expect(reads() - before).toBeLessThan(Math.max(3, n / 4));
      const small = new MessageBytesReader(model, 256); // most messages are larger than this window: read directly
      const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
      for (const id of order) expect(Buffer.from(await small.bytes(id)).equals(Buffer.from(expected[id]!))).toBe(true);
    });
  }
});
