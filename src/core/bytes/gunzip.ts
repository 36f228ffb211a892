// gzip-compressed captures (`capture.pcap.gz`, `capture.pcapng.gz`), which tshark reads as they are: decompressed
// once, in memory, through the runtime's DecompressionStream (RFC 1952), into a ByteSource the import and every later
// message re-read use. Several gzip members one after the other (RFC 1952 §2.2) are read in turn.
import { DEFAULT_CHUNK_BYTES, type ByteSource } from './byte-source';

/** RFC 1952 §2.3.1: ID1 ID2. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** What gunzipSource produced. */
export interface GunzipResult {
  /** The decompressed bytes, as a ByteSource (reads return views; nothing is written anywhere). */
  source: ByteSource;
  /** Why decompression stopped early (corrupt or truncated data, over `maxBytes`); the bytes before are kept. */
  problem: string | undefined;
}

/** A ByteSource over a list of chunks (no copy into one array: no second peak of the whole size). */
function chunkListSource(chunks: Uint8Array[]): ByteSource {
  const starts: number[] = [];
  let size = 0;
  for (const c of chunks) {
    starts.push(size);
    size += c.length;
  }
  const find = (offset: number): number => {
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    size,
    read(offset: number, length: number): Promise<Uint8Array> {
      const start = Math.max(0, Math.min(offset, size));
      const end = Math.max(start, Math.min(start + Math.max(0, length), size));
      if (end === start) return Promise.resolve(new Uint8Array(0));
      let i = find(start);
      const c = chunks[i]!;
      const at = start - starts[i]!;
      // Within one chunk: a view. Across chunks: a copy of the pieces.
      if (at + (end - start) <= c.length) return Promise.resolve(c.subarray(at, at + (end - start)));
      const out = new Uint8Array(end - start);
      let o = 0;
      let from = at;
      while (o < out.length) {
        const piece = chunks[i]!.subarray(from, Math.min(chunks[i]!.length, from + out.length - o));
        out.set(piece, o);
        o += piece.length;
        i++;
        from = 0;
      }
      return Promise.resolve(out);
    },
  };
}

/**
 * Decompress the gzip data of `source` (read in `chunkSize` pieces; several members one after the other are read in
 * turn by the runtime's gunzip). Stops at `maxBytes` of output (default 4 GiB) or at corrupt or truncated data,
 * keeping what came before with `problem` set. Rejects only when `source` fails (I/O error).
 */
export async function gunzipSource(source: ByteSource, opts: { chunkSize?: number; maxBytes?: number } = {}): Promise<GunzipResult> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_BYTES;
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024 * 1024;
  const out: Uint8Array[] = [];
  let total = 0;
  let problem: string | undefined;
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let ioError: unknown;
  let stopped = false;
  const feeding = (async () => {
    try {
      for (let o = 0; o < source.size && !stopped; o += chunkSize) {
        let piece: Uint8Array;
        try {
          piece = await source.read(o, chunkSize);
        } catch (e) {
          ioError = e;
          await writer.abort(e).catch(() => undefined);
          return;
        }
        if (piece.length === 0) break;
        // `read` (not readTransient) results stay valid, so no copy, unless they live in a SharedArrayBuffer (which
        // the stream does not take).
        await writer.write(piece.buffer instanceof ArrayBuffer ? (piece as Uint8Array<ArrayBuffer>) : piece.slice());
      }
      await writer.close();
    } catch {
      // The stream failed (corrupt data) or was cancelled: the reading side reports it.
    }
  })();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value === undefined || value.length === 0) continue;
      if (total + value.length > maxBytes) {
        out.push(value.subarray(0, maxBytes - total));
        total = maxBytes;
        problem = `decompressed capture larger than ${maxBytes} bytes; the rest is not read`;
        stopped = true;
        await reader.cancel().catch(() => undefined);
        break;
      }
      out.push(value);
      total += value.length;
    }
  } catch (e) {
    if (ioError === undefined) {
      problem = `gzip data ends or is corrupt after ${total} decompressed bytes (${e instanceof Error ? e.message : String(e)}); the bytes before are read`;
    }
  }
  await feeding;
  if (ioError !== undefined) throw ioError;
  return { source: chunkListSource(out), problem };
}
