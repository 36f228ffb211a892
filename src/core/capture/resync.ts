// Resynchronisation after damage mid-file, shared by the pcap and pcapng readers: a forward scan for the first
// offset where the reader recognises plausible records again.
import type { ReadContext } from './read-capture';

/**
 * The first file offset q >= `from` for which `accept(b, q - base, base)` holds, scanning `ctx.cursor` byte by byte;
 * -1 when there is none before the end of the file, or the import is cancelled (then `ctx.cancelled` is set).
 * `head`: bytes a candidate needs at the least (a record or block header); `margin`: bytes `accept` may read from a
 * candidate on (the candidate and what follows it), so every candidate it sees has them in `b` unless the file ends
 * first. The window is read in whole chunks of at least four margins, so candidates are checked synchronously and
 * only a window change waits.
 */
export async function scanForward(
  ctx: ReadContext,
  from: number,
  head: number,
  margin: number,
  accept: (b: Uint8Array, at: number, base: number) => boolean,
): Promise<number> {
  const cur = ctx.cursor;
  const size = cur.size;
  let q = from;
  while (q + head <= size) {
    const want = Math.min(size - q, Math.max(cur.chunkSize, 4 * margin));
    if (!(q >= cur.base && q + want <= cur.base + cur.buf.length) && !(await cur.fill(q, want))) return -1;
    if (ctx.isCancelled?.()) return ((ctx.cancelled = true), -1);
    ctx.progress(q);
    const b = cur.buf;
    const base = cur.base;
    const n = b.length;
    // Candidates with their margin in the window (all the rest when the window reaches the end of the file).
    const last = base + n === size ? n - head : n - margin;
    let at = q - base;
    for (; at <= last; at++) if (accept(b, at, base)) return base + at;
    if (base + n === size) return -1;
    q = base + at;
  }
  return -1;
}
