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
 */
export async function openFileByteSource(path: string): Promise<FileByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const st = await handle.stat();
  if (st.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
  }
  const size = st.size;
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const n = Math.max(0, Math.min(length, size - offset));
      if (n === 0) return new Uint8Array(0);
      const buf = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close: () => handle.close(),
  };
}
