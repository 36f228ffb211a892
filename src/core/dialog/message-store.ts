// Columnar store of indexed SIP messages: typed-array columns plus interned strings, so a capture with a million
// messages costs tens of MB, not hundreds. Full message text is NOT kept: it is re-read from the capture through
// its ByteSource (file offset + length), except for reassembled messages (TCP/WS/SCTP/IP fragments), kept as bytes.
import type { SipTransport } from '../decode/types';
import type { MessageSighting, SipFacts } from './reconstruct';
import type { MessageInfo } from './types';

const TRANSPORTS: readonly SipTransport[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP'];
const KIND_REQUEST = 0;
const KIND_RESPONSE = 1;
const KIND_INVALID = 2;

/** Bytes of typed-array columns per message row. */
const BYTES_PER_ROW = 4 + 4 + 4 + 4 + 4 + 4 + 2 + 2 + 1 + 1 + 1 + 4 + 2 + 4 + 4 + 4 + 2 + 4 + 4 + 4 + 8 + 4;

const FLAG_SDP = 1;
const FLAG_RETRANS = 2;
const FLAG_TRUNCATED = 4;
const FLAG_IPV6 = 8;

/** Interns strings to small integer ids (index 0 = undefined). */
class StringTable {
  private readonly ids = new Map<string, number>();
  readonly values: (string | undefined)[] = [undefined];
  id(s: string | undefined): number {
    if (s === undefined) return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
  get(id: number): string | undefined {
    return this.values[id];
  }
}

type Growable = Uint32Array | Int32Array | Float64Array | Uint16Array | Uint8Array;

function grow<T extends Growable>(a: T, capacity: number): T {
  const Ctor = a.constructor as new (n: number) => T;
  const b = new Ctor(capacity);
  b.set(a.length <= capacity ? a : (a.subarray(0, capacity) as T));
  return b;
}

/** Where a message's bytes can be found again. */
export type MessageBytesLocation = { fileOffset: number; length: number } | { bytes: Uint8Array };


export class MessageStore {
  private cap = 1024;
  private n = 0;
  private frame = new Uint32Array(this.cap);
  private firstFrame = new Uint32Array(this.cap);
  private timeSec = new Uint32Array(this.cap); // seconds since epoch fit uint32 until 2106
  private timeNsec = new Uint32Array(this.cap);
  private src = new Uint32Array(this.cap);
  private dst = new Uint32Array(this.cap);
  private srcPort = new Uint16Array(this.cap);
  private dstPort = new Uint16Array(this.cap);
  private transport = new Uint8Array(this.cap);
  private kind = new Uint8Array(this.cap);
  private flags = new Uint8Array(this.cap);
  private method = new Uint32Array(this.cap);
  private status = new Uint16Array(this.cap);
  private reason = new Uint32Array(this.cap);
  private cseqSeq = new Int32Array(this.cap); // -1 = absent (RFC 3261 §8.1.1.5: CSeq < 2^31)
  private cseqMethod = new Uint32Array(this.cap);
  private problems = new Uint16Array(this.cap);
  private callIndex = new Int32Array(this.cap);
  private txIndex = new Int32Array(this.cap);
  private dialogIndex = new Int32Array(this.cap);
  private fileOffset = new Float64Array(this.cap); // -1 = bytes kept in memory
  private length = new Uint32Array(this.cap);
  private readonly kept = new Map<number, Uint8Array>();
  private readonly addresses = new StringTable();
  private readonly tokens = new StringTable();

  get count(): number {
    return this.n;
  }

  /**
   * Append a message seen at `seen` with `facts`; returns its id (0-based). Links (call/transaction/dialog) start at
   * -1 and are set with setLinks. Kept bytes in `seen.location` are stored as given (pass a copy).
   */
  add(seen: MessageSighting, f: SipFacts, callIndex: number): number {
    if (this.n === this.cap) this.resize(Math.ceil(this.cap * 1.5));
    const i = this.n++;
    this.frame[i] = seen.frame;
    this.firstFrame[i] = seen.firstFrame;
    this.timeSec[i] = seen.timeSec;
    this.timeNsec[i] = seen.timeNsec;
    this.src[i] = this.addresses.id(seen.src);
    this.dst[i] = this.addresses.id(seen.dst);
    this.srcPort[i] = seen.srcPort;
    this.dstPort[i] = seen.dstPort;
    this.transport[i] = Math.max(0, TRANSPORTS.indexOf(seen.transport));
    this.kind[i] = f.kind === 'request' ? KIND_REQUEST : f.kind === 'response' ? KIND_RESPONSE : KIND_INVALID;
    this.flags[i] = (f.hasSdp ? FLAG_SDP : 0) | (seen.truncated ? FLAG_TRUNCATED : 0) | (seen.ipVersion === 6 ? FLAG_IPV6 : 0);
    this.method[i] = this.tokens.id(f.method);
    this.status[i] = f.statusCode ?? 0;
    this.reason[i] = this.tokens.id(f.reason);
    this.cseqSeq[i] = f.cseqSeq ?? -1;
    this.cseqMethod[i] = this.tokens.id(f.cseqMethod);
    this.problems[i] = Math.min(f.problemCount, 0xffff);
    this.callIndex[i] = callIndex;
    this.txIndex[i] = -1;
    this.dialogIndex[i] = -1;
    const loc = seen.location;
    if ('bytes' in loc) {
      this.fileOffset[i] = -1;
      this.length[i] = loc.bytes.length;
      this.kept.set(i, loc.bytes);
    } else {
      this.fileOffset[i] = loc.fileOffset;
      this.length[i] = loc.length;
    }
    return i;
  }

  /** Interned method id of message `id` (0 = none). */
  methodId(id: number): number {
    return this.method[id]!;
  }

  /** Address id of message `id`'s source / destination (same id = same address string). */
  srcId(id: number): number {
    return this.src[id]!;
  }
  dstId(id: number): number {
    return this.dst[id]!;
  }

  setRetransmission(id: number, on: boolean): void {
    this.flags[id] = on ? this.flags[id]! | FLAG_RETRANS : this.flags[id]! & ~FLAG_RETRANS;
  }

  setLinks(id: number, callIndex: number, transactionIndex: number, dialogIndex: number): void {
    this.callIndex[id] = callIndex;
    this.txIndex[id] = transactionIndex;
    this.dialogIndex[id] = dialogIndex;
  }

  callOf(id: number): number {
    return this.callIndex[id]!;
  }

  /** Materialise message `id` (0 <= id < count) as a plain object. */
  get(id: number): MessageInfo {
    const kindCode = this.kind[id]!;
    const kind = kindCode === KIND_REQUEST ? 'request' : kindCode === KIND_RESPONSE ? 'response' : 'invalid';
    const flags = this.flags[id]!;
    const method = this.tokens.get(this.method[id]!);
    const statusCode = this.status[id] || undefined;
    const reason = this.tokens.get(this.reason[id]!);
    const seq = this.cseqSeq[id]!;
    return {
      id,
      frame: this.frame[id]!,
      firstFrame: this.firstFrame[id]!,
      timeSec: this.timeSec[id]!,
      timeNsec: this.timeNsec[id]!,
      ipVersion: flags & FLAG_IPV6 ? 6 : 4,
      src: this.addresses.get(this.src[id]!) ?? '',
      srcPort: this.srcPort[id]!,
      dst: this.addresses.get(this.dst[id]!) ?? '',
      dstPort: this.dstPort[id]!,
      transport: TRANSPORTS[this.transport[id]!] ?? 'UDP',
      kind,
      method,
      statusCode,
      reason,
      cseqSeq: seq < 0 ? undefined : seq,
      cseqMethod: this.tokens.get(this.cseqMethod[id]!),
      label: messageLabel(kind, method, statusCode, reason),
      hasSdp: (flags & FLAG_SDP) !== 0,
      retransmission: (flags & FLAG_RETRANS) !== 0,
      truncated: (flags & FLAG_TRUNCATED) !== 0,
      problemCount: this.problems[id]!,
      callIndex: this.callIndex[id]!,
      transactionIndex: this.txIndex[id]!,
      dialogIndex: this.dialogIndex[id]!,
    };
  }

  /** Where the bytes of message `id` are: a file range to re-read through the capture's ByteSource, or kept bytes. */
  location(id: number): MessageBytesLocation {
    const off = this.fileOffset[id]!;
    if (off < 0) return { bytes: this.kept.get(id) ?? new Uint8Array(0) };
    return { fileOffset: off, length: this.length[id]! };
  }

  /** Approximate retained bytes (typed arrays + kept message bytes), for benchmarks. */
  get retainedBytes(): number {
    let kept = 0;
    for (const b of this.kept.values()) kept += b.length;
    return this.cap * BYTES_PER_ROW + kept;
  }

  /** Release spare capacity (call once the import is complete). */
  trim(): void {
    if (this.cap > this.n + 16) this.resize(Math.max(16, this.n));
  }

  private resize(cap: number): void {
    this.cap = cap;
    this.frame = grow(this.frame, cap);
    this.firstFrame = grow(this.firstFrame, cap);
    this.timeSec = grow(this.timeSec, cap);
    this.timeNsec = grow(this.timeNsec, cap);
    this.src = grow(this.src, cap);
    this.dst = grow(this.dst, cap);
    this.srcPort = grow(this.srcPort, cap);
    this.dstPort = grow(this.dstPort, cap);
    this.transport = grow(this.transport, cap);
    this.kind = grow(this.kind, cap);
    this.flags = grow(this.flags, cap);
    this.method = grow(this.method, cap);
    this.status = grow(this.status, cap);
    this.reason = grow(this.reason, cap);
    this.cseqSeq = grow(this.cseqSeq, cap);
    this.cseqMethod = grow(this.cseqMethod, cap);
    this.problems = grow(this.problems, cap);
    this.callIndex = grow(this.callIndex, cap);
    this.txIndex = grow(this.txIndex, cap);
    this.dialogIndex = grow(this.dialogIndex, cap);
    this.fileOffset = grow(this.fileOffset, cap);
    this.length = grow(this.length, cap);
  }
}

/** Arrow label: the method for requests, `code reason` for responses (`180 Ringing`), `?` for invalid. */
export function messageLabel(kind: MessageInfo['kind'], method?: string, statusCode?: number, reason?: string): string {
  if (kind === 'request') return method ?? '?';
  if (kind === 'response') return reason ? `${statusCode ?? '?'} ${reason}` : String(statusCode ?? '?');
  return '?';
}
