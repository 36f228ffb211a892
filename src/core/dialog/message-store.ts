// Columnar store of indexed SIP messages: typed-array columns plus interned strings, so a capture with a million
// messages costs tens of MB, not hundreds. Full message text is NOT kept: it is re-read from the capture through
// its ByteSource (file offset + length), except for reassembled messages (TCP/WS/SCTP/IP fragments), kept as bytes.
import type { SipTransport } from '../decode/types';
import type { MessageSighting, SipFacts } from './reconstruct';
import type { MessageInfo } from './types';
import { StringTable } from '../util/string-table';

/** Transports by their code in the store (and in FactBatch flags): see transportCode. */
export const TRANSPORTS: readonly SipTransport[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP'];

/** Index of `t` in TRANSPORTS, 0 (UDP) for anything else (a switch: a keyed lookup per message showed in profiles). */
export function transportCode(t: SipTransport): number {
  switch (t) {
    case 'UDP': return 0;
    case 'TCP': return 1;
    case 'TLS': return 2;
    case 'WS': return 3;
    case 'WSS': return 4;
    case 'SCTP': return 5;
    default: return 0;
  }
}

/**
 * A message's strings as this store's interned ids (addressId, tokenId), for callers that see the same few strings
 * again and again and look each up once (FactBatchReader, per dictionary entry): `src`/`dst` as addressId gives
 * them, `method`/`reason`/`cseqMethod` as tokenId does (0 = absent).
 */
export interface MessageStringIds {
  src: number;
  dst: number;
  method: number;
  reason: number;
  cseqMethod: number;
}
const KIND_REQUEST = 0;
const KIND_RESPONSE = 1;
const KIND_INVALID = 2;

/** Bytes of typed-array columns per message row. */
const BYTES_PER_ROW = 4 + 4 + 4 + 4 + 4 + 4 + 2 + 2 + 1 + 1 + 1 + 4 + 2 + 4 + 4 + 4 + 2 + 4 + 4 + 4 + 8 + 4;

const FLAG_SDP = 1;
const FLAG_RETRANS = 2;
const FLAG_TRUNCATED = 4;
const FLAG_IPV6 = 8;


/** Where a message's bytes can be found again. */
export type MessageBytesLocation = { fileOffset: number; length: number } | { bytes: Uint8Array };

/** Rows per page: columns are allocated a page at a time, so growing never copies and never doubles memory. */
const PAGE_BITS = 16;
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

/** One page of columns (PAGE_ROWS rows). */
class Page {
  readonly frame = new Uint32Array(PAGE_ROWS);
  readonly firstFrame = new Uint32Array(PAGE_ROWS);
  readonly timeSec = new Uint32Array(PAGE_ROWS); // seconds since epoch fit uint32 until 2106
  readonly timeNsec = new Uint32Array(PAGE_ROWS);
  readonly src = new Uint32Array(PAGE_ROWS);
  readonly dst = new Uint32Array(PAGE_ROWS);
  readonly srcPort = new Uint16Array(PAGE_ROWS);
  readonly dstPort = new Uint16Array(PAGE_ROWS);
  readonly transport = new Uint8Array(PAGE_ROWS);
  readonly kind = new Uint8Array(PAGE_ROWS);
  readonly flags = new Uint8Array(PAGE_ROWS);
  readonly method = new Uint32Array(PAGE_ROWS);
  readonly status = new Uint16Array(PAGE_ROWS);
  readonly reason = new Uint32Array(PAGE_ROWS);
  readonly cseqSeq = new Int32Array(PAGE_ROWS); // -1 = absent (RFC 3261 §8.1.1.5: CSeq < 2^31)
  readonly cseqMethod = new Uint32Array(PAGE_ROWS);
  readonly problems = new Uint16Array(PAGE_ROWS);
  readonly callIndex = new Int32Array(PAGE_ROWS);
  readonly txIndex = new Int32Array(PAGE_ROWS);
  readonly dialogIndex = new Int32Array(PAGE_ROWS);
  readonly fileOffset = new Float64Array(PAGE_ROWS); // -1 = bytes kept in memory
  readonly length = new Uint32Array(PAGE_ROWS);
}

export class MessageStore {
  private n = 0;
  private readonly pages: Page[] = [];
  private readonly kept = new Map<number, Uint8Array>();
  private readonly addresses = new StringTable();
  private readonly tokens = new StringTable();

  get count(): number {
    return this.n;
  }

  /** The interned id of address `text` (as srcId/dstId give them), added when new. */
  addressId(text: string): number {
    return this.addresses.id(text);
  }

  /** The interned id of method, CSeq method or reason phrase `text` (0 for undefined), added when new. */
  tokenId(text: string | undefined): number {
    return this.tokens.id(text);
  }

  /**
   * Append a message seen at `seen` with `facts`; returns its id (0-based). Links (call/transaction/dialog) start at
   * -1 and are set with setLinks. Kept bytes in `seen.location` are stored as given (pass a copy). `ids`: the
   * message's strings as ids already (they must be those of seen's and f's strings); else they are looked up.
   */
  add(seen: MessageSighting, f: SipFacts, callIndex: number, ids?: MessageStringIds): number {
    const id = this.n++;
    const i = id & ROW_MASK;
    if (i === 0) this.pages.push(new Page());
    const pg = this.pages[id >>> PAGE_BITS]!;
    pg.frame[i] = seen.frame;
    pg.firstFrame[i] = seen.firstFrame;
    pg.timeSec[i] = seen.timeSec;
    pg.timeNsec[i] = seen.timeNsec;
    pg.src[i] = ids !== undefined ? ids.src : this.addresses.id(seen.src);
    pg.dst[i] = ids !== undefined ? ids.dst : this.addresses.id(seen.dst);
    pg.srcPort[i] = seen.srcPort;
    pg.dstPort[i] = seen.dstPort;
    pg.transport[i] = transportCode(seen.transport);
    pg.kind[i] = f.kind === 'request' ? KIND_REQUEST : f.kind === 'response' ? KIND_RESPONSE : KIND_INVALID;
    pg.flags[i] = (f.hasSdp ? FLAG_SDP : 0) | (seen.truncated ? FLAG_TRUNCATED : 0) | (seen.ipVersion === 6 ? FLAG_IPV6 : 0);
    pg.method[i] = ids !== undefined ? ids.method : this.tokens.id(f.method);
    pg.status[i] = f.statusCode ?? 0;
    pg.reason[i] = ids !== undefined ? ids.reason : this.tokens.id(f.reason);
    pg.cseqSeq[i] = f.cseqSeq ?? -1;
    pg.cseqMethod[i] = ids !== undefined ? ids.cseqMethod : this.tokens.id(f.cseqMethod);
    pg.problems[i] = Math.min(f.problemCount, 0xffff);
    pg.callIndex[i] = callIndex;
    pg.txIndex[i] = -1;
    pg.dialogIndex[i] = -1;
    const loc = seen.location;
    if ('bytes' in loc) {
      pg.fileOffset[i] = -1;
      pg.length[i] = loc.bytes.length;
      this.kept.set(id, loc.bytes);
    } else {
      pg.fileOffset[i] = loc.fileOffset;
      pg.length[i] = loc.length;
    }
    return id;
  }

  private page(id: number): Page {
    return this.pages[id >>> PAGE_BITS]!;
  }

  /** Interned method id of message `id` (0 = none). */
  methodId(id: number): number {
    return this.page(id).method[id & ROW_MASK]!;
  }

  /** Address id of message `id`'s source / destination (same id = same address string). */
  srcId(id: number): number {
    return this.page(id).src[id & ROW_MASK]!;
  }
  dstId(id: number): number {
    return this.page(id).dst[id & ROW_MASK]!;
  }

  /** Port columns of message `id` (no MessageInfo materialised). */
  srcPort(id: number): number {
    return this.page(id).srcPort[id & ROW_MASK]!;
  }
  dstPort(id: number): number {
    return this.page(id).dstPort[id & ROW_MASK]!;
  }

  /** Interned CSeq method id of message `id` (0 = none). */
  cseqMethodId(id: number): number {
    return this.page(id).cseqMethod[id & ROW_MASK]!;
  }

  /** The address text behind an address id (srcId/dstId), '' for none. */
  addressText(addressId: number): string {
    return this.addresses.get(addressId) ?? '';
  }

  /** Number of distinct addresses (ids run from 1 to addressCount - 1). */
  get addressCount(): number {
    return this.addresses.values.length;
  }

  /** The id a method / CSeq method token has in this store, or -1 when no message carries it (no insertion). */
  tokenIdOf(token: string): number {
    return this.tokens.find(token);
  }

  setRetransmission(id: number, on: boolean): void {
    const pg = this.page(id);
    const i = id & ROW_MASK;
    pg.flags[i] = on ? pg.flags[i]! | FLAG_RETRANS : pg.flags[i]! & ~FLAG_RETRANS;
  }

  setLinks(id: number, callIndex: number, transactionIndex: number, dialogIndex: number): void {
    const pg = this.page(id);
    const i = id & ROW_MASK;
    pg.callIndex[i] = callIndex;
    pg.txIndex[i] = transactionIndex;
    pg.dialogIndex[i] = dialogIndex;
  }

  callOf(id: number): number {
    return this.page(id).callIndex[id & ROW_MASK]!;
  }

  /** Materialise message `id` (0 <= id < count) as a plain object. */
  get(id: number): MessageInfo {
    const pg = this.page(id);
    const i = id & ROW_MASK;
    const kindCode = pg.kind[i]!;
    const kind = kindCode === KIND_REQUEST ? 'request' : kindCode === KIND_RESPONSE ? 'response' : 'invalid';
    const flags = pg.flags[i]!;
    const method = this.tokens.get(pg.method[i]!);
    const statusCode = pg.status[i] || undefined;
    const reason = this.tokens.get(pg.reason[i]!);
    const seq = pg.cseqSeq[i]!;
    return {
      id,
      frame: pg.frame[i]!,
      firstFrame: pg.firstFrame[i]!,
      timeSec: pg.timeSec[i]!,
      timeNsec: pg.timeNsec[i]!,
      ipVersion: flags & FLAG_IPV6 ? 6 : 4,
      src: this.addresses.get(pg.src[i]!) ?? '',
      srcPort: pg.srcPort[i]!,
      dst: this.addresses.get(pg.dst[i]!) ?? '',
      dstPort: pg.dstPort[i]!,
      transport: TRANSPORTS[pg.transport[i]!] ?? 'UDP',
      kind,
      method,
      statusCode,
      reason,
      cseqSeq: seq < 0 ? undefined : seq,
      cseqMethod: this.tokens.get(pg.cseqMethod[i]!),
      label: messageLabel(kind, method, statusCode, reason),
      hasSdp: (flags & FLAG_SDP) !== 0,
      retransmission: (flags & FLAG_RETRANS) !== 0,
      truncated: (flags & FLAG_TRUNCATED) !== 0,
      problemCount: pg.problems[i]!,
      callIndex: pg.callIndex[i]!,
      transactionIndex: pg.txIndex[i]!,
      dialogIndex: pg.dialogIndex[i]!,
    };
  }

  /** Where the bytes of message `id` are: a file range to re-read through the capture's ByteSource, or kept bytes. */
  location(id: number): MessageBytesLocation {
    const pg = this.page(id);
    const i = id & ROW_MASK;
    const off = pg.fileOffset[i]!;
    if (off < 0) return { bytes: this.kept.get(id) ?? new Uint8Array(0) };
    return { fileOffset: off, length: pg.length[i]! };
  }

  /** Approximate retained bytes (column pages + kept message bytes), for benchmarks. */
  get retainedBytes(): number {
    let kept = 0;
    for (const b of this.kept.values()) kept += b.length;
    return this.pages.length * PAGE_ROWS * BYTES_PER_ROW + kept;
  }
}

/** Arrow label: the method for requests, `code reason` for responses (`180 Ringing`), `?` for invalid. */
export function messageLabel(kind: MessageInfo['kind'], method?: string, statusCode?: number, reason?: string): string {
  if (kind === 'request') return method ?? '?';
  if (kind === 'response') return reason ? `${statusCode ?? '?'} ${reason}` : String(statusCode ?? '?');
  return '?';
}
