// Opens a capture file read-only and imports it through the core; turns unreadable input into a clear CLI error.
import { importCapture, isGzip, memoryByteSource, type ByteSource, type CaptureModel, type ImportOptions } from '../core/index';
import { openFileByteSource, type FileByteSource } from './node-byte-source';
import { importWorkerScript } from './prestart';
import { spoolInput, STDIN_PATH } from './stdin';
import { importCaptureThreaded } from './threaded-import';
import { loadFactScanner } from './wasm';

export class InputError extends Error {}

export interface LoadedCapture {
  model: CaptureModel;
  source: ByteSource;
  close(): Promise<void>;
}

/**
 * Import `path`, or standard input for `-` (spooled to a temporary file first, removed by `close()`; Ctrl+C while
 * reading it goes on with what was read, see spoolInput). Throws
 * InputError (message names the file and the reason) when the file cannot be opened or is not a pcap/pcapng capture;
 * the file is opened with flag 'r' and never written.
 */
export async function loadCapture(path: string, opts: ImportOptions = {}): Promise<LoadedCapture> {
  if (path !== STDIN_PATH) return loadCaptureFile(path, path, opts);
  let spooled;
  try {
    spooled = await spoolInput();
  } catch (e) {
    throw new InputError(`${STDIN_PATH}: ${(e as Error).message}`);
  }
  if (spooled.interrupted) process.stderr.write(`sipscope: interrupted: going on with the ${spooled.bytes} bytes read from standard input\n`);
  try {
    const cap = await loadCaptureFile(spooled.path, STDIN_PATH, opts);
    return { ...cap, close: () => cap.close().finally(() => spooled.remove()) };
  } catch (e) {
    await spooled.remove();
    throw e;
  }
}

/** loadCapture of the file at `path`, named `label` in errors. */
async function loadCaptureFile(path: string, label: string, opts: ImportOptions): Promise<LoadedCapture> {
  let source: FileByteSource;
  try {
    source = await openFileByteSource(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new InputError(`${label}: cannot open: ${why}`);
  }
  // The front half of the import in a worker thread when nothing needs the single-thread path (RTP analysis, NAT
  // evidence, live updates, cancellation); SIPSCOPE_THREADS=0 forces one thread.
  const script = importWorkerScript();
  // A gzip-compressed capture is decompressed in memory by importCapture (the worker reads plain captures only).
  const gzip = isGzip(await source.read(0, 2));
  const threaded =
    script !== undefined && process.env.SIPSCOPE_THREADS !== '0' && !gzip && opts.rtp === false && opts.natEvidence !== true && !opts.onUpdate && !opts.isCancelled;
  let model: CaptureModel;
  try {
    model = threaded ? await importCaptureThreaded(script, path, source, opts) : await importCapture(source, { factScanner: loadFactScanner(), ...opts });
  } catch (e) {
    await source.close();
    throw e;
  }
  if (model.fatal) {
    await source.close();
    throw new InputError(`${label}: ${model.fatal.message}`);
  }
  return { model, source, close: () => source.close() };
}

/**
 * loadCapture of a capture already read into memory (standard input that `lint` had to read whole to see what it
 * is), named `label` in errors: imported in this thread; InputError when it is not a capture.
 */
export async function loadCaptureBytes(bytes: Uint8Array, label: string, opts: ImportOptions = {}): Promise<LoadedCapture> {
  const source = memoryByteSource(bytes);
  const model = await importCapture(source, { factScanner: loadFactScanner(), ...opts });
  if (model.fatal) throw new InputError(`${label}: ${model.fatal.message}`);
  return { model, source, close: async () => {} };
}
