// ByteSource: the core's only input port. Adapters (Node fs in src/cli, vscode.workspace.fs in src/extension)
// implement it; the core reads captures in chunks through it and never holds a whole file.

/**
 * Random-access, read-only byte input.
 * - `size`: total length in bytes.
 * - `read(offset, length)`: resolves to at most `length` bytes starting at `offset` (fewer only at end of input;
 *   an empty array at or past the end). Rejects only on I/O failure. Implementations must never write.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional, for sequential scans: like `read`, but the result may be a view into a buffer the source reuses, so it
   * is only valid until the next-but-one `readTransient` call. Lets a 10 GB import run on two chunk buffers.
   */
  readTransient?(offset: number, length: number): Promise<Uint8Array>;
}

/** Bytes per read when a capture is scanned in chunks (readCapture, gunzipSource, the CLI's import worker): 4 MiB. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** A ByteSource over bytes already in memory (tests, pasted text, small files). Reads return subarray views. */
export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset: number, length: number): Promise<Uint8Array> {
      const start = Math.max(0, Math.min(offset, bytes.length));
      const end = Math.max(start, Math.min(start + Math.max(0, length), bytes.length));
      return Promise.resolve(bytes.subarray(start, end));
    },
  };
}
