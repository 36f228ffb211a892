// Byte-level helpers for the capture readers and decoders: endian reads on Uint8Array (no DataView allocation per
// packet) and ChunkCursor, a sliding window over a ByteSource that never holds the whole file.
import type { ByteSource } from './byte-source';

/** Big-endian uint16 at `o`. The caller checks bounds (out-of-range bytes read as 0). */
export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
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
      // Straddles the window end: stitch the head we have with just the missing bytes.
      const head = this.buf.subarray(offset - this.base);
      const want = Math.min(end, size) - bufEnd;
      const more = want > 0 ? await this.read(bufEnd, want) : EMPTY;
      const joined = new Uint8Array(head.length + more.length);
      joined.set(head, 0);
      joined.set(more, head.length);
      this.buf = joined;
    } else {
      const want = Math.min(Math.max(this.chunkSize, length), Math.max(0, size - offset));
      this.buf = want > 0 ? await this.read(offset, want) : EMPTY;
    }
    this.base = offset;
    return end <= this.base + this.buf.length;
  }

  private async read(offset: number, length: number): Promise<Uint8Array> {
    this.bytesFetched += length;
    // Safe with readTransient: `fill` copies a straddling head out of the old window before the next read.
    const b = this.source.readTransient ? await this.source.readTransient(offset, length) : await this.source.read(offset, length);
    return b.length > length ? b.subarray(0, length) : b;
  }
}
