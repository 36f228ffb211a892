// A capture read from standard input (`sipscope calls -`, e.g. `tcpdump -w - | sipscope calls -`): the import re-reads
// message bytes after the first pass, so standard input is spooled to a private temporary file first (a pipe cannot
// be read twice, and holding a large capture in memory would cost its size in RSS). Ctrl+C while it is being read
// ends the capture: the command goes on with what was received (a cut last record is a finding, as for a file).
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The FILE argument that means standard input. */
export const STDIN_PATH = '-';

export interface SpooledInput {
  /** The temporary file holding what was read (mode 0600, in a directory of its own under os.tmpdir()). */
  path: string;
  /** Bytes read. */
  bytes: number;
  /** Reading stopped at SIGINT (Ctrl+C) rather than at the end of the input. */
  interrupted: boolean;
  /** Delete the file and its directory (also done at process exit if never called). */
  remove(): Promise<void>;
}

/** How long reading goes on after SIGINT for the writer's last bytes (Ctrl+C reaches `tcpdump -w -` too: it flushes). */
export const SIGINT_GRACE_MS = 1000;

/**
 * Copy `input` (default: standard input) to a new temporary file until it ends. On SIGINT, reading goes on until the
 * input ends or for SIGINT_GRACE_MS at most (a second SIGINT: at once), then the file keeps what came. Rejects with an
 * Error naming the reason when `input` is a terminal (nothing was piped in) or cannot be read, or the file cannot be
 * written; the temporary directory is gone then.
 */
export async function spoolInput(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<SpooledInput> {
  if (input.isTTY) throw new Error('standard input is a terminal: pipe a capture into it (for example: tcpdump -w - | sipscope calls -)');
  let interrupted = false;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const out = { stream: undefined as ReturnType<typeof createWriteStream> | undefined };
  const stop = (): void => {
    clearTimeout(grace);
    if (out.stream && !out.stream.writableEnded) {
      input.unpipe(out.stream);
      out.stream.end();
    }
  };
  // Installed before the directory exists: whoever sees the directory may interrupt.
  const onSigint = (): void => {
    if (interrupted) return stop();
    interrupted = true;
    grace = setTimeout(stop, SIGINT_GRACE_MS);
  };
  process.on('SIGINT', onSigint);
  const dir = await mkdtemp(join(tmpdir(), 'sipscope-stdin-'));
  const atExit = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', atExit);
  const remove = async (): Promise<void> => {
    process.removeListener('exit', atExit);
    await rm(dir, { recursive: true, force: true });
  };
  const path = join(dir, 'capture');
  const stream = createWriteStream(path, { mode: 0o600 });
  out.stream = stream;
  try {
    await new Promise<void>((resolve, reject) => {
      input.once('error', reject);
      stream.once('error', reject);
      stream.once('finish', resolve);
      input.pipe(stream);
    });
  } catch (e) {
    await remove();
    throw new Error(`cannot read standard input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    clearTimeout(grace);
    process.removeListener('SIGINT', onSigint);
  }
  return { path, bytes: stream.bytesWritten, interrupted, remove };
}
