// Opens a capture file read-only and imports it through the core; turns unreadable input into a clear CLI error.
import { importCapture, type CaptureModel, type ImportOptions } from '../core/index';
import { openFileByteSource, type FileByteSource } from './node-byte-source';

export class InputError extends Error {}

export interface LoadedCapture {
  model: CaptureModel;
  source: FileByteSource;
  close(): Promise<void>;
}

/**
 * Import `path`. Throws InputError (message names the file and the reason) when the file cannot be opened or is
 * not a pcap/pcapng capture; the file is opened with flag 'r' and never written.
 */
export async function loadCapture(path: string, opts: ImportOptions = {}): Promise<LoadedCapture> {
  let source: FileByteSource;
  try {
    source = await openFileByteSource(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new InputError(`${path}: cannot open: ${why}`);
  }
  const model = await importCapture(source, opts);
  if (model.fatal) {
    await source.close();
    throw new InputError(`${path}: ${model.fatal.message}`);
  }
  return { model, source, close: () => source.close() };
}
