// Byte-level helpers for the capture readers and decoders: endian reads on Uint8Array (no DataView allocation per
// packet) and ChunkCursor, a sliding window over a ByteSource that never holds the whole file.
import type { ByteSource } from './byte-source';

/** Big-endian uint16 at `o`. The caller checks bounds (out-of-range bytes read as 0). */
export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
/** Big-endian uint24 at `o` (TLS handshake lengths, RFC 8446 §4). The caller checks bounds. */
export function u24be(b: Uint8Array, o: number): number {
  return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
}
/** Little-endian uint16 at `o`. */
export function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}
/** Big-endian uint32 at `o` (0..2^32-1). */
export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
/** Little-endian uint32 at `o` (0..2^32-1). */
export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
/** uint16 in the given byte order. */
export function u16(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? u16le(b, o) : u16be(b, o);
}
/** uint32 in the given byte order. */
export function u32(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? u32le(b, o) : u32be(b, o);
}

const EMPTY = new Uint8Array(0);

/**
 * A window (`buf`, starting at absolute file offset `base`) over a ByteSource, refilled on demand.
 * Parsers scan `buf` synchronously and call `fill()` only when the next structure does not fit, so the hot loop
 * has no await. A structure that straddles the window end is "stitched": its already-read head is copied and only
 * the missing bytes are read, so the big chunks themselves are never copied.
 */
export class ChunkCursor {
  /** Current window. Valid until the next `fill()`. */
  buf: Uint8Array = EMPTY;
  /** Absolute file offset of `buf[0]`. */
  base = 0;
  /** Total bytes requested from the source so far (reads may overlap slightly after stitching). */
  bytesFetched = 0;
  /** The chunk being read ahead of the window (sequential scans), if any. */
  private ahead: { offset: number; bytes: Promise<Uint8Array> } | undefined = undefined;

  constructor(
    private readonly source: ByteSource,
    readonly chunkSize: number,
  ) {}

  /** Size of the underlying source in bytes. */
  get size(): number {
    return this.source.size;
  }

  /**
   * Make `buf` cover the absolute range `[offset, offset + length)`.
   * Resolves true when it does; false when the source ends first (then `buf` starts at `offset` and holds every
   * remaining byte, possibly none). Reads at least `chunkSize` bytes when it has to start a new window.
   */
  async fill(offset: number, length: number): Promise<boolean> {
    const end = offset + length;
    const bufEnd = this.base + this.buf.length;
    if (offset >= this.base && end <= bufEnd) return true;
    const size = this.source.size;
    if (offset >= this.base && offset < bufEnd) {
      // Straddles the window end: stitch the head we have with just the missing bytes. The head is copied first:
      // with a transient source, a read that the read-ahead chunk cannot serve may reuse the window's buffer.
      const head = this.buf.slice(offset - this.base);
      const want = Math.min(end, size) - bufEnd;
      const more = want > 0 ? await this.take(bufEnd, want, want, false) : EMPTY;
      const joined = new Uint8Array(head.length + more.length);
      joined.set(head, 0);
      joined.set(more, head.length);
      this.buf = joined;
    } else {
      const want = Math.min(Math.max(this.chunkSize, length), Math.max(0, size - offset));
      this.buf = want > 0 ? await this.take(offset, Math.min(length, want), want, true) : EMPTY;
    }
    this.base = offset;
    return end <= this.base + this.buf.length;
  }

  /**
   * At least bytes [offset, offset + need), at most [offset, offset + want) (fewer at end of source). Served from the
   * chunk read ahead when it covers the `need`; `window`: the result becomes the new window, so it extends to the end
   * of that chunk, and the next chunk is read ahead while the caller parses this one (I/O overlaps parsing). Else
   * `want` bytes are read.
   */
  private async take(offset: number, need: number, want: number, window: boolean): Promise<Uint8Array> {
    const ahead = this.ahead;
    if (ahead !== undefined) {
      const chunk = await ahead.bytes;
      const at = offset - ahead.offset;
      if (at >= 0 && at + need <= chunk.length) {
        if (!window) return chunk.subarray(at, at + need);
        this.ahead = undefined;
        this.readAhead(ahead.offset + chunk.length);
        return chunk.subarray(at);
      }
      // Not covered (a jump, or a structure larger than a chunk): drop it. It was awaited above, so no read into a
      // transient buffer the next read may reuse is still running.
      this.ahead = undefined;
    }
    const b = await this.read(offset, want);
    if (window) this.readAhead(offset + b.length);
    return b;
  }

  /** Start reading the chunk at `offset` (none past the end of the source). */
  private readAhead(offset: number): void {
    const n = Math.min(this.chunkSize, this.source.size - offset);
    if (n <= 0) return;
    const bytes = this.read(offset, n);
    // A read-ahead nobody uses (import cancelled or stopped early) must not become an unhandled rejection; a used one
    // still rejects where it is awaited.
    bytes.catch(() => undefined);
    this.ahead = { offset, bytes };
  }

  private async read(offset: number, length: number): Promise<Uint8Array> {
    this.bytesFetched += length;
    // Safe with readTransient (valid until the next-but-one call): the window and at most one read-ahead chunk are
    // alive at any time, and `fill` copies a straddling head out of the old window before reading.
    const b = this.source.readTransient ? await this.source.readTransient(offset, length) : await this.source.read(offset, length);
    return b.length > length ? b.subarray(0, length) : b;
  }

  /** Wait for a read-ahead still running and forget it (call before closing the source). */
  async settle(): Promise<void> {
    const a = this.ahead;
    this.ahead = undefined;
    if (a !== undefined) await a.bytes.catch(() => undefined);
  }
}
