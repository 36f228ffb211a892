// Output in about-1-MB writes for commands whose output can be tens of MB (export, call and stream tables): pieces
// are gathered and written as they are produced, so memory stays flat and there is one write per megabyte, not one
// syscall per row. Waits for 'drain' when the stream's buffer is full.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Characters gathered before a write. */
const WRITE_CHUNK = 1 << 20;

export class ChunkedWriter {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly out: Writable) {}

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
    if (!this.out.write(s)) await once(this.out, 'drain');
  }

  /** Write every piece of `pieces`, then flush. */
  async writeAll(pieces: Iterable<string>): Promise<void> {
    for (const p of pieces) await this.write(p);
    await this.flush();
  }
}
