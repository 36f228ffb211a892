// Output in about-1-MB writes for commands whose output can be tens of MB (export, ladders, call and stream tables):
// pieces are gathered and written as they are produced, so memory stays flat and there is one write per megabyte,
// not one syscall per row. To a stream (stdout: waits for 'drain' when its buffer is full) or to a file opened with
// openOutputFile (each write awaited).
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
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
    if (this.queue(s)) await this.flush();
  }

  /** Add `s` to what is queued; true when a megabyte or more is. */
  private queue(s: string): boolean {
    this.pending.push(s);
    this.pendingLength += s.length;
    return this.pendingLength >= WRITE_CHUNK;
  }

  /** Write what is queued. */
  async flush(): Promise<void> {
    if (this.pendingLength === 0) return;
    const s = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    await this.send(s);
  }

  /** Write every piece of `pieces`, then flush (awaiting only the writes, not each piece). */
  async writeAll(pieces: Iterable<string>): Promise<void> {
    for (const p of pieces) if (this.queue(p)) await this.flush();
    await this.flush();
  }

  /** writeAll for pieces produced asynchronously (a ladder whose message texts are read as it goes, a lint report). */
  async writeAllAsync(pieces: AsyncIterable<string>): Promise<void> {
    for await (const p of pieces) if (this.queue(p)) await this.flush();
    await this.flush();
  }
}

function isFileHandle(out: Writable | FileHandle): out is FileHandle {
  return typeof (out as FileHandle).writeFile === 'function' && typeof (out as Writable).pipe !== 'function';
}

/** Why writing failed, in words ('no space left on device'), from a Node file system error. */
export function writeErrorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EFBIG':
      return 'file too large';
    case 'EIO':
      return 'I/O error';
    default:
      return err.message ?? String(e);
  }
}

/** A failed write (of a file or of stdout): a file system error of the `write` call. Reading the capture never writes. */
export function isWriteError(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.syscall === 'write';
}

/**
 * Open `path` for the command's output (created, or truncated when it exists). Throws InputError naming the file and
 * the reason (missing directory, permission denied, a directory) instead of an internal error; the caller closes it.
 */
export async function openOutputFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (e) {
    throw new InputError(`${path}: cannot write: ${writeErrorReason(e)}`);
  }
}

/**
 * Run `write` on `path` opened with openOutputFile, then close it. A failed write (disk full...) becomes an
 * InputError naming the file and the reason; other errors (reading the capture) pass through.
 */
export async function withOutputFile(path: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  const fh = await openOutputFile(path);
  try {
    await write(fh);
  } catch (e) {
    throw isWriteError(e) ? new InputError(`${path}: cannot write: ${writeErrorReason(e)}`) : e;
  } finally {
    await fh.close();
  }
}

/**
 * withOutputFile for a file that must not be left half-written: when `write` fails, the file is removed if this call
 * created it (a file that existed before is left as it is).
 */
export async function withNewOutputFile(path: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  const existed = existsSync(path);
  try {
    await withOutputFile(path, write);
  } catch (e) {
    if (!existed && existsSync(path)) await rm(path, { force: true });
    throw e;
  }
}

/** Write all of `b` at the file's position (FileHandle.write may write less than asked). */
export async function writeAllBytes(fh: FileHandle, b: Uint8Array): Promise<void> {
  for (let o = 0; o < b.length; ) o += (await fh.write(b, o, b.length - o)).bytesWritten;
}

/** Write `pieces` to a new file `path` (see withOutputFile) in about-1-MB writes and close it. */
export async function writeOutputFile(path: string, pieces: Iterable<string> | AsyncIterable<string>): Promise<void> {
  await withOutputFile(path, async (fh) => {
    const w = new ChunkedWriter(fh);
    if (Symbol.asyncIterator in pieces) await w.writeAllAsync(pieces);
    else await w.writeAll(pieces);
  });
}
