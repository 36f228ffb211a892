// SCTP (RFC 4960 §3): common header, chunk walk with 4-byte padding, DATA (§3.3.1) and I-DATA (RFC 8260 §2.1)
// user messages, fragmented ones (B/E flags) reassembled per association, stream and SSN/MID, with bounds.
import type { ProblemCollector } from '../capture/problems';

/**
 * Receives each complete SCTP user message. `data` is a view (valid during the call); fileOffset -1 if joined;
 * `firstFrame`: the record of its first fragment (the current record when it came whole).
 */
export interface SctpSink {
  sctpMessage(srcPort: number, dstPort: number, stream: number, ppid: number, data: Uint8Array, start: number, end: number, fileOffset: number, firstFrame: number): void;
}

/** Bounds on buffered fragmented user messages. */
export interface SctpLimits {
  maxMessages: number;
  maxBytes: number;
  timeoutSec: number;
}

interface MessageSet {
  key: string;
  /** Fragments by TSN (DATA) or FSN (I-DATA). */
  frags: Map<number, Uint8Array>;
  /** TSN/FSN of the B and E fragments, -1 until seen. */
  first: number;
  last: number;
  ppid: number;
  stream: number;
  srcPort: number;
  dstPort: number;
  bytes: number;
  firstFrame: number;
  firstTime: number;
}

const CHUNK_DATA = 0;
const CHUNK_IDATA = 64;
const MAX_FRAGMENTS = 4096;

/**
 * Walks SCTP packets and hands complete user messages to a sink. Problem codes: `decode/truncated` (packet or
 * chunk cut), `decode/bad-sctp-chunk`, `decode/sctp-message-incomplete` (timeout / flush),
 * `decode/sctp-fragments-evicted` (bounds).
 */
export class SctpAssembler {
  private readonly sets = new Map<string, MessageSet>();
  private totalBytes = 0;

  constructor(
    private readonly problems: ProblemCollector,
    private readonly limits: SctpLimits,
    private readonly sink: SctpSink,
  ) {}

  /** Fragmented messages in progress. */
  get pending(): number {
    return this.sets.size;
  }

  /**
   * Decode the SCTP packet `d[off..end)`. `src`/`dst` are the IP addresses (used only to key fragments),
   * `fileBase` the absolute file offset of `d[0]` or -1, `time` capture seconds. Returns false when the packet
   * was too short for the common header (nothing delivered).
   */
  packet(d: Uint8Array, off: number, end: number, src: Uint8Array, dst: Uint8Array, fileBase: number, frame: number, time: number): boolean {
    // RFC 4960 §3.1: source port(2) destination port(2) verification tag(4) checksum(4).
    if (off + 12 > end) {
      this.problems.report('decode/truncated', 'warning', 'SCTP common header cut short', frame);
      return false;
    }
    const sp = (d[off]! << 8) | d[off + 1]!;
    const dp = (d[off + 2]! << 8) | d[off + 3]!;
    let o = off + 12;
    while (o + 4 <= end) {
      const type = d[o]!;
      const flags = d[o + 1]!;
      const len = (d[o + 2]! << 8) | d[o + 3]!;
      if (len < 4) {
        this.problems.report('decode/bad-sctp-chunk', 'warning', `SCTP chunk of type ${type} with length ${len} < 4`, frame);
        return true;
      }
      if (o + len > end) {
        this.problems.report('decode/truncated', 'warning', `SCTP chunk of type ${type} cut short (${end - o} of ${len} bytes)`, frame);
        return true;
      }
      if (type === CHUNK_DATA || type === CHUNK_IDATA) {
        const hl = type === CHUNK_DATA ? 16 : 20;
        if (len < hl) {
          this.problems.report('decode/bad-sctp-chunk', 'warning', `SCTP ${type === CHUNK_DATA ? 'DATA' : 'I-DATA'} chunk too short (${len} bytes)`, frame);
        } else {
          const tsn = ((d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!) >>> 0;
          const stream = (d[o + 8]! << 8) | d[o + 9]!;
          const ds = o + hl;
          const de = o + len;
          const b = (flags & 2) !== 0;
          const e = (flags & 1) !== 0;
          const unordered = (flags & 4) !== 0;
          // DATA: SSN(2) PPID(4) at +10/+12. I-DATA: reserved(2) MID(4) PPID-or-FSN(4) at +10/+12/+16.
          const ppidOrFsn = ((d[o + hl - 4]! << 24) | (d[o + hl - 3]! << 16) | (d[o + hl - 2]! << 8) | d[o + hl - 1]!) >>> 0;
          if (b && e) {
            this.sink.sctpMessage(sp, dp, stream, ppidOrFsn, d, ds, de, fileBase < 0 ? -1 : fileBase + ds, frame);
          } else {
            let key: string;
            let seq: number;
            if (type === CHUNK_DATA) {
              const ssn = (d[o + 10]! << 8) | d[o + 11]!;
              key = assocKey(src, dst, sp, dp) + String.fromCharCode(0, stream, unordered ? 1 : 0, unordered ? 0 : ssn);
              seq = tsn;
            } else {
              const mid = ((d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!) >>> 0;
              key = assocKey(src, dst, sp, dp) + String.fromCharCode(1, stream, unordered ? 1 : 0, mid >>> 16, mid & 0xffff);
              seq = b ? 0 : ppidOrFsn; // RFC 8260 §2.1: the B fragment carries the PPID and has FSN 0
            }
            this.fragment(key, seq, b, e, b ? ppidOrFsn : -1, stream, sp, dp, d.subarray(ds, de), frame, time);
          }
        }
      }
      o += (len + 3) & ~3; // RFC 4960 §3.2: chunks are padded to 4 bytes
    }
    return true;
  }

  /** Drop fragmented messages older than the timeout at capture time `now` (seconds). */
  expire(now: number): void {
    for (const s of this.sets.values()) {
      if (now - s.firstTime <= this.limits.timeoutSec) break;
      this.problems.report('decode/sctp-message-incomplete', 'warning', `fragmented SCTP user message (stream ${s.stream}) never completed; dropped`, s.firstFrame);
      this.drop(s);
    }
  }

  /** Report every message still in progress and forget them (end of capture). */
  flush(): void {
    for (const s of this.sets.values()) {
      this.problems.report('decode/sctp-message-incomplete', 'warning', `fragmented SCTP user message (stream ${s.stream}) incomplete at end of capture`, s.firstFrame);
    }
    this.sets.clear();
    this.totalBytes = 0;
  }

  private fragment(
    key: string, seq: number, b: boolean, e: boolean, ppid: number, stream: number, sp: number, dp: number,
    data: Uint8Array, frame: number, time: number,
  ): void {
    let s = this.sets.get(key);
    if (!s) {
      while (this.sets.size > 0 && this.sets.size >= this.limits.maxMessages) this.evictOldest();
      s = { key, frags: new Map(), first: -1, last: -1, ppid: 0, stream, srcPort: sp, dstPort: dp, bytes: 0, firstFrame: frame, firstTime: time };
      this.sets.set(key, s);
    }
    if (s.frags.has(seq)) return; // retransmitted fragment: first copy wins
    if (s.frags.size >= MAX_FRAGMENTS) {
      this.problems.report('decode/sctp-fragments-evicted', 'warning', `SCTP user message with more than ${MAX_FRAGMENTS} fragments; dropped`, s.firstFrame);
      this.drop(s);
      return;
    }
    s.frags.set(seq, data.slice());
    s.bytes += data.length;
    this.totalBytes += data.length;
    if (b) {
      s.first = seq;
      s.ppid = ppid;
    }
    if (e) s.last = seq;
    if (s.first >= 0 && s.last >= 0) {
      const count = ((s.last - s.first) >>> 0) + 1;
      if (count <= s.frags.size) {
        let size = 0;
        for (let i = 0; i < count; i++) {
          const f = s.frags.get((s.first + i) >>> 0);
          if (!f) {
            size = -1;
            break;
          }
          size += f.length;
        }
        if (size >= 0) {
          const out = new Uint8Array(size);
          let o = 0;
          for (let i = 0; i < count; i++) {
            const f = s.frags.get((s.first + i) >>> 0)!;
            out.set(f, o);
            o += f.length;
          }
          this.drop(s);
          this.sink.sctpMessage(s.srcPort, s.dstPort, s.stream, s.ppid, out, 0, out.length, -1, s.firstFrame);
          return;
        }
      }
    }
    while (this.totalBytes > this.limits.maxBytes && this.sets.size > 0) this.evictOldest();
  }

  private evictOldest(): void {
    for (const s of this.sets.values()) {
      this.problems.report('decode/sctp-fragments-evicted', 'warning', `SCTP reassembly buffer full: dropped an incomplete user message (stream ${s.stream})`, s.firstFrame);
      this.drop(s);
      return;
    }
  }

  private drop(s: MessageSet): void {
    if (this.sets.get(s.key) === s) this.sets.delete(s.key);
    this.totalBytes -= s.bytes;
    s.bytes = 0;
  }
}

/** Direction + association key from addresses and ports (fragment path only). */
function assocKey(src: Uint8Array, dst: Uint8Array, sp: number, dp: number): string {
  let k = '';
  for (let i = 0; i < src.length; i += 2) k += String.fromCharCode((src[i]! << 8) | src[i + 1]!);
  k += '|';
  for (let i = 0; i < dst.length; i += 2) k += String.fromCharCode((dst[i]! << 8) | dst[i + 1]!);
  return k + String.fromCharCode(sp, dp);
}
