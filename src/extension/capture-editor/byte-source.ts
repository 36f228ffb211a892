// ByteSource over a capture opened in VS Code: a read-only Node file handle for file: URIs (random access, nothing
// loaded up front), else one vscode.workspace.fs.readFile (virtual/remote file systems). Never writes.
import { open, type FileHandle } from 'node:fs/promises';
import * as vscode from 'vscode';
import { memoryByteSource, type ByteSource } from '../../core/index';

/** A ByteSource that holds a resource (file handle) until `close()`. */
export interface ClosableByteSource extends ByteSource {
  close(): Promise<void>;
}

/** Open `uri` for reading. Rejects with the file system error when it cannot be opened. */
export async function openCaptureByteSource(uri: vscode.Uri): Promise<ClosableByteSource> {
  if (uri.scheme === 'file') return openFileHandleSource(uri.fsPath);
  const bytes = await vscode.workspace.fs.readFile(uri);
  const mem = memoryByteSource(bytes);
  return { size: mem.size, read: (o, l) => mem.read(o, l), close: async () => undefined };
}

/** Read-only ('r') handle over a local path; `read` returns fresh arrays of at most `length` bytes. */
export async function openFileHandleSource(path: string): Promise<ClosableByteSource> {
  const handle: FileHandle = await open(path, 'r');
  let closed = false;
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    const size = st.size;
    return {
      size,
      async read(offset: number, length: number): Promise<Uint8Array> {
        const n = Math.max(0, Math.min(length, size - offset));
        if (n === 0 || closed) return new Uint8Array(0);
        const buf = new Uint8Array(n);
        let done = 0;
        while (done < n) {
          const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === n ? buf : buf.subarray(0, done);
      },
      async close() {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
