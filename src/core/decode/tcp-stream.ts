// Per-direction TCP reassembly (RFC 9293 §3.4 sequence space, uint32 wraparound): in-order delivery, retransmission
// and overlap trimming, bounded out-of-order holding, gap skipping, FIN/RST close, idle eviction by capture time.
// Also DeliveryBuffer: delivered-but-unconsumed bytes that remember which record delivered each byte.
import type { ProblemCollector } from '../capture/problems';
import type { NetPacket } from './types';
import { formatIp } from '../util/ip';
import { equalBytes, toHex } from '../util/bytes';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** Signed distance `a - b` in the 32-bit sequence space (RFC 9293 §3.4: comparisons are modulo 2^32). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Who delivered a run of bytes: the record, its capture time and where the bytes sit in the file (-1: not contiguous there). */
export interface DeliveryMeta {
  frame: number;
  timeSec: number;
  timeNsec: number;
  /** Absolute file offset of the first byte of the run, or -1. */
  fileOffset: number;
}

/** Where delivered bytes came from, by index into the bytes being framed. */
export interface DeliverySource {
  /** The delivery that brought byte `i`. */
  metaAt(i: number): DeliveryMeta;
  /** File offset of byte `i` when `[i, j)` is one contiguous run of file bytes, else -1. */
  fileOffsetOf(i: number, j: number): number;
  /** Call `cb` for each piece of `[from, to)` delivered by one delivery (meta.fileOffset is that of the piece's first byte). */
  slices(from: number, to: number, cb: (a: number, b: number, meta: DeliveryMeta) => void): void;
}

/** A DeliverySource for bytes straight from one delivery (the no-copy fast path). Reusable: `set` per chunk. */
export class SingleDelivery implements DeliverySource {
  private m: DeliveryMeta = { frame: 0, timeSec: 0, timeNsec: 0, fileOffset: -1 };
  set(m: DeliveryMeta): this {
    this.m = m;
    return this;
  }
  metaAt(_i: number): DeliveryMeta {
    return this.m;
  }
  fileOffsetOf(i: number, _j: number): number {
    return this.m.fileOffset >= 0 ? this.m.fileOffset + i : -1;
  }
  slices(from: number, to: number, cb: (a: number, b: number, meta: DeliveryMeta) => void): void {
    if (to > from) cb(from, to, this.m.fileOffset >= 0 ? { ...this.m, fileOffset: this.m.fileOffset + from } : this.m);
  }
}

/** A shared byte budget (held out-of-order segments + partially framed messages of every stream). */
export interface ByteBudget {
  used: number;
  readonly limit: number;
}

interface Run extends DeliveryMeta {
  /** Absolute stream position (bytes appended since creation) of the run's first byte. */
  pos: number;
}

/**
 * Bytes delivered in order but not yet consumed by a framer, with the record that delivered each byte.
 * Positions passed to the accessors are relative to the current first unconsumed byte.
 * Memory: the data array is at most ~2x the bytes held (grows by doubling, compacts on append); runs are one
 * small object per delivering record still (partly) held. The shared {@link ByteBudget} is charged per byte held.
 */
export class DeliveryBuffer implements DeliverySource {
  private data: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** Absolute position of data[start]. */
  private base = 0;
  private runs: Run[] = [];
  private runHead = 0;

  constructor(private readonly budget?: ByteBudget) {}

  get length(): number {
    return this.end - this.start;
  }

  /** The unconsumed bytes. A view: invalid after the next append/consume/clear. */
  bytes(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }

  /**
   * Copy `chunk` in, delivered by `meta` (its `fileOffset` is that of chunk[0]). Returns false (and appends
   * nothing) when the shared budget would be exceeded.
   */
  append(chunk: Uint8Array, meta: DeliveryMeta): boolean {
    const n = chunk.length;
    if (n === 0) return true;
    if (this.budget && this.budget.used + n > this.budget.limit) return false;
    const len = this.end - this.start;
    if (this.end + n > this.data.length) {
      if (len + n <= this.data.length && this.start > 0) {
        this.data.copyWithin(0, this.start, this.end);
      } else {
        let cap = Math.max(256, this.data.length * 2);
        while (cap < len + n) cap *= 2;
        const next = new Uint8Array(cap);
        next.set(this.data.subarray(this.start, this.end), 0);
        this.data = next;
      }
      this.start = 0;
      this.end = len;
    }
    this.data.set(chunk, this.end);
    const pos = this.base + len;
    this.runs.push({ pos, frame: meta.frame, timeSec: meta.timeSec, timeNsec: meta.timeNsec, fileOffset: meta.fileOffset });
    this.end += n;
    if (this.budget) this.budget.used += n;
    return true;
  }

  /** Drop the first `n` bytes (clamped to the length). */
  consume(n: number): void {
    const len = this.end - this.start;
    if (n > len) n = len;
    if (n <= 0) return;
    this.start += n;
    this.base += n;
    if (this.budget) this.budget.used -= n;
    if (this.start === this.end) {
      this.start = this.end = 0;
      this.runs.length = 0;
      this.runHead = 0;
      if (this.data.length > 65536) this.data = new Uint8Array(0); // give big buffers back
      return;
    }
    const runs = this.runs;
    while (this.runHead + 1 < runs.length && runs[this.runHead + 1]!.pos <= this.base) this.runHead++;
    if (this.runHead > 32 && this.runHead * 2 > runs.length) {
      runs.splice(0, this.runHead);
      this.runHead = 0;
    }
  }

  /** Drop everything. */
  clear(): void {
    this.consume(this.end - this.start);
  }

  /** The delivery that brought byte `i` (relative; clamped into range). Only valid while the buffer is non-empty. */
  metaAt(i: number): DeliveryMeta {
    return this.runs[this.runIndex(i)]!;
  }

  /** File offset of byte `i` when the bytes `[i, j)` came from one run with a known file offset, else -1. */
  fileOffsetOf(i: number, j: number): number {
    const r = this.runIndex(i);
    const run = this.runs[r]!;
    if (run.fileOffset < 0) return -1;
    const next = this.runs[r + 1];
    if (next && next.pos < this.base + j) return -1;
    return run.fileOffset + (this.base + i - run.pos);
  }

  slices(from: number, to: number, cb: (a: number, b: number, meta: DeliveryMeta) => void): void {
    const len = this.end - this.start;
    if (to > len) to = len;
    if (from < 0) from = 0;
    let r = from < to ? this.runIndex(from) : this.runs.length;
    let a = from;
    while (a < to && r < this.runs.length) {
      const run = this.runs[r]!;
      const next = this.runs[r + 1];
      const runEnd = next ? next.pos - this.base : len;
      const b = Math.min(to, runEnd);
      if (b > a) {
        const fo = run.fileOffset >= 0 ? run.fileOffset + (this.base + a - run.pos) : -1;
        cb(a, b, { frame: run.frame, timeSec: run.timeSec, timeNsec: run.timeNsec, fileOffset: fo });
      }
      a = b;
      r++;
    }
  }

  private runIndex(i: number): number {
    const abs = this.base + Math.max(0, Math.min(i, this.end - this.start - 1));
    const runs = this.runs;
    let lo = this.runHead;
    let hi = runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid]!.pos <= abs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

export type TcpCloseReason = 'fin' | 'rst' | 'evicted' | 'reused' | 'flush';

/** Callbacks from the reassembler to the consumer of a direction's byte stream. */
export interface TcpStreamEvents<U> {
  /** In-order bytes. `bytes` is a view that is valid only during the call. */
  onData(stream: TcpStream<U>, bytes: Uint8Array, meta: DeliveryMeta): void;
  /** `lost` bytes (> 0) will never be delivered: the next onData byte follows the hole. */
  onGap(stream: TcpStream<U>, lost: number, meta: DeliveryMeta): void;
  /** No more data will come for this direction (until a new connection reuses the 4-tuple). */
  onClose(stream: TcpStream<U>, reason: TcpCloseReason): void;
}

interface HeldSegment {
  seq: number;
  bytes: Uint8Array;
  meta: DeliveryMeta;
}

/** One direction of a TCP connection. `user` is the consumer's state; set `ignore` to stop deliveries. */
export class TcpStream<U> {
  user: U | undefined = undefined;
  /** Consumer says: never deliver data again (e.g. TLS, not SIP). Sequence tracking continues cheaply. */
  ignore = false;
  /** Next expected sequence number (uint32), -1 until the first SYN or data segment. */
  nextSeq = -1;
  synSeen = false;
  /** Sequence number just after the last byte when FIN seen, else -1. */
  finSeq = -1;
  closed = false;
  /** Highest ACK number seen from the other direction, -1 until one is seen. */
  peerAck = -1;
  held: HeldSegment[] = [];
  heldBytes = 0;
  /** Capture time (s) when the oldest still-held segment was queued. */
  heldSince = 0;
  /** Last capture time (s) a packet was seen on this direction. */
  lastSeen = 0;
  /** Capture time (s) of the last move to the end of the LRU order. */
  lastMoved = 0;
  /** Total bytes delivered to the consumer. */
  delivered = 0;
  reverse: TcpStream<U> | undefined = undefined;

  constructor(
    readonly key: string,
    readonly ipVersion: 4 | 6,
    /** Copies of the address bytes (4 or 16). */
    readonly srcIp: Uint8Array,
    readonly dstIp: Uint8Array,
    readonly srcPort: number,
    readonly dstPort: number,
  ) {}
}

export interface TcpReassemblerOptions {
  /** Most directions tracked at once (closed ones included); the least recently used is evicted beyond. Default 20000. */
  maxStreams?: number;
  /** Out-of-order bytes held per direction before the gap is skipped. Default 4 MiB. */
  maxHeldBytesPerStream?: number;
  /** Out-of-order segments held per direction before the gap is skipped. Default 2048. */
  maxHeldSegmentsPerStream?: number;
  /** Budget shared by every held segment (and whatever else the caller charges to it). Default 64 MiB. */
  budget?: ByteBudget;
  /** A hole older than this (capture seconds) is skipped. Default 3 s. */
  gapTimeoutSec?: number;
  /** Directions silent for this long (capture seconds) are closed and forgotten. Default 900 s. */
  idleTimeoutSec?: number;
  /** A segment this far (bytes) beyond the expected sequence is not held but taken as a jump (resync). Default 64 MiB. */
  maxSeqJump?: number;
}

/**
 * TCP reassembly for every direction seen (streams keyed by src ip/port -> dst ip/port).
 * - The first SYN (ISN+1) or, without one, the first data segment defines the initial sequence number.
 * - In-order data is delivered as a view of the packet payload (no copy); retransmitted bytes are dropped and
 *   partial overlaps trimmed, so no byte is delivered twice.
 * - Out-of-order segments are copied and held (bounds: per direction bytes/segments, shared budget). The hole is
 *   skipped — problem `tcp/gap`, consumer `onGap` — when the other side's ACK already covers it (capture loss),
 *   when a bound is hit, when it is older than gapTimeoutSec, on FIN/RST of a stalled direction, and at flush.
 *   Bytes released because a segment filled the hole count as delivered by that (filling) record, as tshark
 *   reports reassembly at the completing frame; bytes released by a skip keep their own record.
 * - FIN (once every byte before it is delivered) and RST close a direction; it stays as a closed tombstone so
 *   late retransmissions are not taken for new data, until a SYN starts a new connection or it idles out.
 * - Directions idle for idleTimeoutSec, or beyond maxStreams (LRU), are closed ('evicted') and forgotten.
 * Never throws on packet contents.
 */
export class TcpReassembler<U> {
  private readonly streams = new Map<string, TcpStream<U>>();
  private readonly withHeld = new Set<TcpStream<U>>();
  /** The direction of the previous packet (only while it is in `streams`). */
  private last: TcpStream<U> | undefined = undefined;
  private readonly maxStreams: number;
  private readonly maxHeldPerStream: number;
  private readonly maxHeldSegments: number;
  private readonly gapTimeout: number;
  private readonly idleTimeout: number;
  private readonly maxJump: number;
  readonly budget: ByteBudget;
  /** Monotonic capture clock (s): the latest time seen. */
  private now = 0;
  private nextGapSweep = 0;
  private nextIdleSweep = 0;
  /** Counters for diagnostics and tests. */
  readonly stats = { retransmittedSegments: 0, trimmedOverlaps: 0, heldSegments: 0, gaps: 0, evicted: 0 };

  constructor(
    private readonly problems: ProblemCollector,
    private readonly events: TcpStreamEvents<U>,
    opts: TcpReassemblerOptions = {},
  ) {
    this.maxStreams = Math.max(2, opts.maxStreams ?? 20000);
    this.maxHeldPerStream = opts.maxHeldBytesPerStream ?? 4 * 1024 * 1024;
    this.maxHeldSegments = opts.maxHeldSegmentsPerStream ?? 2048;
    this.budget = opts.budget ?? { used: 0, limit: 64 * 1024 * 1024 };
    this.gapTimeout = opts.gapTimeoutSec ?? 3;
    this.idleTimeout = opts.idleTimeoutSec ?? 900;
    this.maxJump = opts.maxSeqJump ?? 64 * 1024 * 1024;
  }

  /** Directions currently tracked (closed tombstones included). */
  get streamCount(): number {
    return this.streams.size;
  }

  /** The direction for a 4-tuple, if tracked (tests, diagnostics). */
  stream(key: string): TcpStream<U> | undefined {
    return this.streams.get(key);
  }

  /**
   * Advance the capture clock (seconds) without a TCP packet, so that hole timeouts and idle eviction also
   * progress while only other traffic (UDP, RTP) is seen. Cheap: one compare unless a sweep is due.
   */
  advance(timeSec: number): void {
    if (timeSec > this.now) this.now = timeSec;
    if (this.now >= this.nextGapSweep && this.streams.size > 0) this.sweep();
  }

  /** Feed one TCP packet (`p.protocol` must be TCP). */
  push(p: NetPacket): void {
    const t = p.timeSec + p.timeNsec / 1e9;
    if (t > this.now) this.now = t;
    if (this.now >= this.nextGapSweep) this.sweep();

    const flags = p.tcpFlags;
    // One-entry cache: consecutive segments of one direction (bulk transfers) skip building the key string.
    let s = this.last;
    let key: string;
    if (s && s.srcPort === p.srcPort && s.dstPort === p.dstPort && equalBytes(s.srcIp, p.srcIp) && equalBytes(s.dstIp, p.dstIp)) {
      key = s.key;
    } else {
      key = streamKey(p.srcIp, p.srcPort, p.dstIp, p.dstPort);
      s = this.streams.get(key);
    }
    if (!s) {
      if (p.payload.length === 0 && (flags & (SYN | FIN)) === 0) {
        // A pure ACK/RST for an unknown direction: it still tells the reverse direction what the peer received.
        if (flags & ACK) {
          const r = this.streams.get(streamKey(p.dstIp, p.dstPort, p.srcIp, p.srcPort));
          if (r) this.peerAcked(r, p.tcpAck);
        }
        return;
      }
      s = this.create(key, p);
    } else if (this.now - s.lastMoved >= 1) {
      // Approximate LRU order: move to the end at most once per capture second.
      this.streams.delete(key);
      this.streams.set(key, s);
      s.lastMoved = this.now;
    }
    s.lastSeen = this.now;
    this.last = s;
    if (flags & ACK && s.reverse) this.peerAcked(s.reverse, p.tcpAck);

    let seq = p.tcpSeq >>> 0;
    if (flags & SYN) {
      if (s.nextSeq >= 0 && (s.closed || seqDiff((seq + 1) >>> 0, s.nextSeq) !== 0)) this.reset(s);
      if (s.nextSeq < 0) {
        s.nextSeq = (seq + 1) >>> 0;
        s.synSeen = true;
      }
      seq = (seq + 1) >>> 0; // data in a SYN (TCP Fast Open) follows the ISN
    }
    if (s.closed) return;
    const len = p.payload.length;
    if (len > 0) this.data(s, seq, p);
    if (s.closed) return;
    if (flags & FIN) {
      s.finSeq = (seq + len) >>> 0;
      this.checkFin(s);
    }
    if (flags & RST && !s.closed) {
      if (s.held.length > 0) this.skipGap(s, 'the connection was reset');
      this.close(s, 'rst');
    }
  }

  /** End of capture: skip every remaining hole, close every open direction ('flush'), forget all state. */
  flush(): void {
    for (const s of [...this.withHeld]) this.skipGap(s, 'end of capture');
    for (const s of this.streams.values()) if (!s.closed) this.close(s, 'flush');
    this.streams.clear();
    this.withHeld.clear();
    this.last = undefined;
  }

  private create(key: string, p: NetPacket): TcpStream<U> {
    if (this.streams.size >= this.maxStreams) {
      const oldest = this.streams.values().next().value;
      if (oldest) this.evict(oldest, 'stream limit reached');
    }
    const s = new TcpStream<U>(key, p.ipVersion, p.srcIp.slice(), p.dstIp.slice(), p.srcPort, p.dstPort);
    s.lastMoved = this.now;
    const r = this.streams.get(streamKey(p.dstIp, p.dstPort, p.srcIp, p.srcPort));
    if (r) {
      s.reverse = r;
      r.reverse = s;
    }
    this.streams.set(key, s);
    return s;
  }

  private data(s: TcpStream<U>, seq: number, p: NetPacket): void {
    const payload = p.payload;
    const len = payload.length;
    if (s.nextSeq < 0) s.nextSeq = seq;
    const rel = seqDiff(seq, s.nextSeq);
    const meta: DeliveryMeta = { frame: p.frame, timeSec: p.timeSec, timeNsec: p.timeNsec, fileOffset: p.payloadFileOffset };
    if (rel > 0) {
      if (s.ignore) {
        s.nextSeq = (seq + len) >>> 0; // nobody listens: no need to hold anything
        return;
      }
      if (rel > this.maxJump) {
        // Too far ahead to be reordering: a resync (e.g. port reuse without a captured SYN, or massive loss).
        this.gap(s, rel, meta, `sequence jumped ${rel} bytes ahead`);
        s.nextSeq = seq;
        this.deliver(s, payload, meta);
        return;
      }
      this.hold(s, seq, payload, meta);
      return;
    }
    if (rel + len <= 0) {
      this.stats.retransmittedSegments++;
      return;
    }
    let bytes = payload;
    if (rel < 0) {
      this.stats.trimmedOverlaps++;
      bytes = payload.subarray(-rel);
      if (meta.fileOffset >= 0) meta.fileOffset -= rel;
    }
    this.deliver(s, bytes, meta);
    if (s.held.length > 0 && !s.closed) this.drain(s, meta);
    else if (s.finSeq >= 0) this.checkFin(s);
  }

  private deliver(s: TcpStream<U>, bytes: Uint8Array, meta: DeliveryMeta): void {
    s.nextSeq = (s.nextSeq + bytes.length) >>> 0;
    s.delivered += bytes.length;
    if (!s.ignore) this.events.onData(s, bytes, meta);
  }

  private hold(s: TcpStream<U>, seq: number, payload: Uint8Array, meta: DeliveryMeta): void {
    const held = s.held;
    // Sorted by sequence; an exact duplicate of a held segment (same start, not longer) is dropped.
    let i = held.length;
    while (i > 0 && seqDiff(held[i - 1]!.seq, seq) > 0) i--;
    const prev = held[i - 1];
    if (prev && prev.seq === seq && prev.bytes.length >= payload.length) {
      this.stats.retransmittedSegments++;
      return;
    }
    if (held.length === 0) {
      s.heldSince = this.now;
      this.withHeld.add(s);
    }
    held.splice(i, 0, { seq, bytes: payload.slice(), meta });
    s.heldBytes += payload.length;
    this.budget.used += payload.length;
    this.stats.heldSegments++;
    if (s.peerAck >= 0 && seqDiff(s.peerAck, held[0]!.seq) >= 0) {
      this.skipGap(s, 'the receiver acknowledged bytes that were not captured');
    } else if (s.heldBytes > this.maxHeldPerStream || held.length > this.maxHeldSegments) {
      this.skipGap(s, 'out-of-order buffer limit reached');
    } else if (this.budget.used > this.budget.limit) {
      this.skipGap(s, 'global buffer limit reached');
      if (this.budget.used > this.budget.limit) for (const o of [...this.withHeld]) this.skipGap(o, 'global buffer limit reached');
    }
  }

  /** Release held segments that are now contiguous (trimming overlaps). `filler`: the record that filled the hole. */
  private drain(s: TcpStream<U>, filler: DeliveryMeta | undefined): void {
    const held = s.held;
    let k = 0;
    while (k < held.length && !s.closed) {
      const h = held[k]!;
      const rel = seqDiff(h.seq, s.nextSeq);
      if (rel > 0) break;
      k++;
      s.heldBytes -= h.bytes.length;
      this.budget.used -= h.bytes.length;
      if (rel + h.bytes.length <= 0) {
        this.stats.retransmittedSegments++;
        continue;
      }
      const off = -rel;
      const meta: DeliveryMeta = filler
        ? { frame: filler.frame, timeSec: filler.timeSec, timeNsec: filler.timeNsec, fileOffset: h.meta.fileOffset >= 0 ? h.meta.fileOffset + off : -1 }
        : { ...h.meta, fileOffset: h.meta.fileOffset >= 0 ? h.meta.fileOffset + off : -1 };
      if (off > 0) this.stats.trimmedOverlaps++;
      this.deliver(s, off > 0 ? h.bytes.subarray(off) : h.bytes, meta);
    }
    if (k > 0) held.splice(0, k);
    if (held.length === 0) {
      this.withHeld.delete(s);
      s.heldBytes = 0;
      if (s.finSeq >= 0 && !s.closed) this.checkFin(s);
    } else {
      s.heldSince = this.now;
    }
  }

  /** Give up on the hole before the first held segment and deliver from there. */
  private skipGap(s: TcpStream<U>, why: string): void {
    const first = s.held[0];
    if (!first || s.closed) return;
    const lost = seqDiff(first.seq, s.nextSeq);
    if (lost > 0) {
      this.gap(s, lost, first.meta, why);
      s.nextSeq = first.seq;
    }
    this.drain(s, undefined);
  }

  private gap(s: TcpStream<U>, lost: number, meta: DeliveryMeta, why: string): void {
    this.stats.gaps++;
    if (!s.ignore) {
      this.problems.report('tcp/gap', 'warning', `${lost} bytes missing in TCP stream ${describe(s)} (${why}); resynchronising`, meta.frame, meta.fileOffset >= 0 ? meta.fileOffset : undefined);
      this.events.onGap(s, lost, meta);
    }
  }

  private peerAcked(s: TcpStream<U>, ack: number): void {
    ack >>>= 0;
    if (s.peerAck < 0 || seqDiff(ack, s.peerAck) > 0) s.peerAck = ack;
    const first = s.held[0];
    if (first && s.nextSeq >= 0 && seqDiff(ack, first.seq) >= 0 && !s.closed) {
      this.skipGap(s, 'the receiver acknowledged bytes that were not captured');
    }
  }

  /** Close on FIN once every byte before it was delivered (a hole before it waits for ACK/timeout/flush). */
  private checkFin(s: TcpStream<U>): void {
    if (s.finSeq < 0 || s.closed || s.nextSeq < 0) return;
    if (s.held.length === 0 && seqDiff(s.finSeq, s.nextSeq) <= 0) this.close(s, 'fin');
  }

  private close(s: TcpStream<U>, reason: TcpCloseReason): void {
    if (s.closed) return;
    s.closed = true;
    this.dropHeld(s);
    this.events.onClose(s, reason);
  }

  private dropHeld(s: TcpStream<U>): void {
    if (s.held.length > 0) {
      this.budget.used -= s.heldBytes;
      s.held = [];
      s.heldBytes = 0;
      this.withHeld.delete(s);
    }
  }

  /** A SYN on a known direction with a different ISN: a new connection reuses the 4-tuple. */
  private reset(s: TcpStream<U>): void {
    if (!s.closed) {
      if (s.held.length > 0) this.skipGap(s, 'connection reused');
      this.close(s, 'reused');
    }
    this.dropHeld(s);
    s.closed = false;
    s.ignore = false;
    s.user = undefined;
    s.nextSeq = -1;
    s.finSeq = -1;
    s.peerAck = -1;
    s.synSeen = false;
    s.delivered = 0;
  }

  private evict(s: TcpStream<U>, why: string): void {
    this.stats.evicted++;
    if (!s.closed) {
      if (s.held.length > 0) this.skipGap(s, why);
      this.close(s, 'evicted');
    }
    this.dropHeld(s);
    this.streams.delete(s.key);
    if (this.last === s) this.last = undefined;
    if (s.reverse) {
      s.reverse.reverse = undefined;
      s.reverse = undefined;
    }
  }

  /** Time-driven work, at most once per capture second: stale holes, then (every 60 s) idle directions. */
  private sweep(): void {
    this.nextGapSweep = this.now + 1;
    for (const s of [...this.withHeld]) {
      if (this.now - s.heldSince >= this.gapTimeout) this.skipGap(s, `hole not filled within ${this.gapTimeout} s`);
    }
    if (this.now < this.nextIdleSweep) return;
    this.nextIdleSweep = this.now + 60;
    const cutoff = this.now - this.idleTimeout;
    for (const s of this.streams.values()) {
      if (s.lastMoved >= cutoff) break; // map order ~ lastMoved order
      if (s.lastSeen < cutoff) this.evict(s, 'idle');
    }
  }
}

/** Map key for one direction: source address/port -> destination address/port. */
export function streamKey(srcIp: Uint8Array, srcPort: number, dstIp: Uint8Array, dstPort: number): string {
  return `${ipKey(srcIp)}:${srcPort}>${ipKey(dstIp)}:${dstPort}`;
}

function ipKey(b: Uint8Array): string {
  if (b.length === 4) return String(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
  return toHex(b);
}

function describe(s: TcpStream<unknown>): string {
  return `${formatIp(s.srcIp)}:${s.srcPort} -> ${formatIp(s.dstIp)}:${s.dstPort}`;
}
