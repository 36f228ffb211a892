// ByteSource over a file on disk (Node fs), opened read-only: the CLI never writes to a capture.
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../core/index';

/** A ByteSource reading a file through one read-only handle. Call `close()` when done. */
export interface FileByteSource extends ByteSource {
  close(): Promise<void>;
}

/**
 * Open `path` read-only ('r'). Rejects with the fs error (ENOENT, EISDIR, EACCES...) when it cannot be opened.
 * `read(offset, length)` returns a fresh Uint8Array (a Buffer) of at most `length` bytes.
 * `transient`: two buffers for readTransient to use in turn (a read longer than one gets a buffer of its own), e.g.
 * halves of WasmFactScanner.arena, so that messages are scanned where they were read.
 */
export async function openFileByteSource(path: string, opts: { transient?: [Uint8Array, Uint8Array] } = {}): Promise<FileByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const st = await handle.stat();
  if (st.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  }
  const size = st.size;
  const readInto = async (buf: Uint8Array, offset: number, n: number): Promise<Uint8Array> => {
    let done = 0;
    while (done < n) {
      const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    // A plain Uint8Array view, not a Buffer: subarrays of Buffers are Buffers (FastBuffer), noticeably costlier
    // when the core takes a view per capture record.
    return new Uint8Array(buf.buffer, buf.byteOffset, done);
  };
  // Two chunk buffers used in turn by readTransient (the ByteSource contract: valid until the next-but-one call).
  const transient: (Uint8Array | undefined)[] = opts.transient ? [...opts.transient] : [undefined, undefined];
  let turn = 0;
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const n = Math.max(0, Math.min(length, size - offset));
      if (n === 0) return new Uint8Array(0);
      return readInto(Buffer.allocUnsafe(n), offset, n);
    },
    async readTransient(offset: number, length: number): Promise<Uint8Array> {
      const n = Math.max(0, Math.min(length, size - offset));
      if (n === 0) return new Uint8Array(0);
      turn ^= 1;
      let buf = transient[turn];
      if (!buf || buf.length < n) {
        // Given buffers stay in use for later reads; this longer one gets a buffer of its own.
        buf = Buffer.allocUnsafe(Math.max(n, buf?.length ?? 0));
        if (!opts.transient) transient[turn] = buf;
      }
      return readInto(buf, offset, n);
    },
    close: () => handle.close(),
  };
}
