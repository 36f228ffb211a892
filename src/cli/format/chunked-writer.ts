// Output in about-1-MB writes for commands whose output can be tens of MB (export, ladders, call and stream tables):
// pieces are gathered and written as they are produced, so memory stays flat and there is one write per megabyte,
// not one syscall per row. To a stream (stdout: waits for 'drain' when its buffer is full) or to a file opened with
// openOutputFile (each write awaited).
import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { InputError } from '../load';

/** Characters gathered before a write. */
const WRITE_CHUNK = 1 << 20;

export class ChunkedWriter {
  private pending: string[] = [];
  private pendingLength = 0;
  private readonly send: (s: string) => Promise<void>;

  /** Writes to `out`: a stream, or a file handle (see openOutputFile; the caller closes it). */
  constructor(out: Writable | FileHandle) {
    if (isFileHandle(out)) {
      this.send = async (s) => {
        await out.write(s);
      };
    } else {
      this.send = async (s) => {
        if (!out.write(s)) await once(out, 'drain');
      };
    }
  }

  /** Queue `s`; writes when about a megabyte is queued. */
  async write(s: string): Promise<void> {
    this.pending.push(s);
    this.pendingLength += s.length;
    if (this.pendingLength >= WRITE_CHUNK) await this.flush();
  }

  /** Write what is queued. */
  async flush(): Promise<void> {
    if (this.pendingLength === 0) return;
    const s = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    await this.send(s);
  }

  /** Write every piece of `pieces`, then flush. */
  async writeAll(pieces: Iterable<string>): Promise<void> {
    for (const p of pieces) await this.write(p);
    await this.flush();
  }

  /** writeAll for pieces produced asynchronously (a ladder whose message texts are read as it goes). */
  async writeAllAsync(pieces: AsyncIterable<string>): Promise<void> {
    for await (const p of pieces) await this.write(p);
    await this.flush();
  }
}

function isFileHandle(out: Writable | FileHandle): out is FileHandle {
  return typeof (out as FileHandle).writeFile === 'function' && typeof (out as Writable).pipe !== 'function';
}

/**
 * Open `path` for the command's output (created, or truncated when it exists). Throws InputError naming the file and
 * the reason (missing directory, permission denied, a directory) instead of an internal error; the caller closes it.
 */
export async function openOutputFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such directory' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message;
    throw new InputError(`${path}: cannot write: ${why}`);
  }
}

/** Write `pieces` to a new file `path` (see openOutputFile) in about-1-MB writes and close it. */
export async function writeOutputFile(path: string, pieces: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const fh = await openOutputFile(path);
  try {
    const w = new ChunkedWriter(fh);
    if (Symbol.asyncIterator in pieces) await w.writeAllAsync(pieces);
    else await w.writeAll(pieces);
  } finally {
    await fh.close();
  }
}
