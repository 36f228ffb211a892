// Columnar store of SDP media declarations (one row per m= line per SIP message with SDP): typed-array pages plus
// interned strings and payload-format lists, so 150 000 SDP bodies cost a few MB and leave nothing for the garbage
// collector to trace. Rows are materialised as plain MediaDeclaration objects on demand (like dialog/message-store.ts).
import { StringTable } from '../util/string-table';
import type { SdpDirection } from '../sdp/types';
import type { PayloadFormat } from './codecs';

/**
 * One m= line of one SDP body, as declared by one SIP message: where its sender wants to receive RTP/RTCP and which
 * payload types it uses. A later SDP of the same party in the same call replaces the declaration for the same m= index
 * (`replaces`), e.g. a re-INVITE putting the call on hold or moving media; the history is kept. A party is identified
 * by the SDP o= line without its version (RFC 3264 §8 keeps it constant across a session's offers and answers), or by
 * the SIP sender address when there is no o= line.
 */
export interface MediaDeclaration {
  /** Index in CaptureModel.media (MediaStore row). */
  index: number;
  /** Index into CaptureModel.calls of the SIP message carrying the SDP (-1 when the message has no Call-ID). */
  callIndex: number;
  /** MessageInfo.id of the SIP message carrying the SDP, and its frame / capture time (epoch seconds + ns). */
  messageId: number;
  frame: number;
  timeSec: number;
  timeNsec: number;
  /**
   * Offer or answer (RFC 3264 §4), inferred per call: the first SDP (or the first after an answer) is an offer, an
   * SDP from the other party while an offer is outstanding is its answer, and an unchanged SDP (same o= version from
   * the same party, e.g. 183 then 200 or a retransmission) keeps the role it had.
   */
  role: 'offer' | 'answer';
  /** 0-based index of the m= line in its SDP. */
  mline: number;
  /** m= media (`audio`, `video`, `image`...) and transport protocol (`RTP/AVP`, `RTP/SAVP`, `udptl`...). */
  media: string;
  proto: string;
  /** Connection address: media-level c=, else session-level c=; '' when neither is present. */
  address: string;
  /** m= port; 0 means the stream is rejected or disabled (RFC 3264 §6, §8.2); -1 when unparsable. */
  port: number;
  /** RTCP address and port: a=rtcp (RFC 3605 §2.1), else the RTP address and port + 1 (RFC 3550 §11); port with rtcp-mux. */
  rtcpAddress: string;
  rtcpPort: number;
  /** a=rtcp-mux (RFC 5761 §5.1.1): RTCP is multiplexed on the RTP port. */
  rtcpMux: boolean;
  /** a=sendrecv/sendonly/recvonly/inactive, media-level else session-level, default sendrecv (RFC 8866 §6.7). */
  direction: SdpDirection;
  /** The m= formats in order with their encoding: a=rtpmap, else the RFC 3551 static table, else encoding ''. */
  payloadTypes: PayloadFormat[];
  /** Index of the declaration this one replaces (same call, same party, same m= index), or -1. */
  replaces: number;
  /**
   * True when the endpoint was registered for RTP matching. False for port 0, the RFC 2543 hold address 0.0.0.0 /
   * `::`, an address that is not a literal IP (FQDN), or a non-RTP protocol (e.g. T.38 `udptl`).
   */
  active: boolean;
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
const F_ANSWER = 1;
const F_MUX = 2;
const F_ACTIVE = 4;
const DIR_SHIFT = 3;

const PAGE_BITS = 12;
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

class Page {
  readonly callIndex = new Int32Array(PAGE_ROWS);
  readonly messageId = new Int32Array(PAGE_ROWS);
  readonly frame = new Uint32Array(PAGE_ROWS);
  readonly timeSec = new Float64Array(PAGE_ROWS);
  readonly timeNsec = new Uint32Array(PAGE_ROWS);
  readonly mline = new Uint16Array(PAGE_ROWS);
  readonly port = new Int32Array(PAGE_ROWS);
  readonly rtcpPort = new Int32Array(PAGE_ROWS);
  readonly flags = new Uint8Array(PAGE_ROWS);
  readonly media = new Uint32Array(PAGE_ROWS);
  readonly proto = new Uint32Array(PAGE_ROWS);
  readonly address = new Uint32Array(PAGE_ROWS);
  readonly rtcpAddress = new Uint32Array(PAGE_ROWS);
  readonly formats = new Uint32Array(PAGE_ROWS);
  readonly replaces = new Int32Array(PAGE_ROWS);
}

/** The values of one row, as MediaStore.add takes them (a reused scratch object is fine). */
export type MediaRow = Omit<MediaDeclaration, 'index'>;


const samePayloadFormat = (a: PayloadFormat, b: PayloadFormat): boolean =>
  a === b || (a.payloadType === b.payloadType && a.encoding === b.encoding && a.clockRate === b.clockRate && a.channels === b.channels);

/** Interns payload-format lists (most SDPs of a capture repeat a handful of m= format lists). */
class FormatLists {
  readonly lists: PayloadFormat[][] = [];
  private readonly byHash = new Map<number, number[]>();
  /** The id of the list equal to `list` (a copy is kept when it is new: callers may reuse `list`). */
  id(list: PayloadFormat[]): number {
    let h = list.length;
    for (const f of list) {
      h = Math.imul(h ^ f.payloadType, 0x01000193) ^ f.clockRate;
      for (let i = 0; i < f.encoding.length; i++) h = Math.imul(h ^ f.encoding.charCodeAt(i), 0x01000193);
    }
    h = (h >>> 2) & 0x3fffffff;
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) {
      for (const id of bucket) {
        const l = this.lists[id]!;
        if (l.length !== list.length) continue;
        let k = 0;
        while (k < l.length && samePayloadFormat(l[k]!, list[k]!)) k++;
        if (k === l.length) return id;
      }
    }
    const id = this.lists.length;
    this.lists.push(list.slice());
    if (bucket !== undefined) bucket.push(id);
    else this.byHash.set(h, [id]);
    return id;
  }
}

/**
 * Every media declaration of a capture, in SDP order (CaptureModel.media). `get(i)` materialises a plain object
 * (a fresh one per call, callers may keep or mutate it); the column getters read single fields without allocating.
 */
export class MediaStore {
  private n = 0;
  private readonly pages: Page[] = [];
  private readonly strings = new StringTable();
  private readonly formatLists = new FormatLists();

  get count(): number {
    return this.n;
  }

  /** Append a row; returns its index. */
  add(r: MediaRow): number {
    const id = this.n++;
    const i = id & ROW_MASK;
    if (i === 0) this.pages.push(new Page());
    const pg = this.pages[id >>> PAGE_BITS]!;
    pg.callIndex[i] = r.callIndex;
    pg.messageId[i] = r.messageId;
    pg.frame[i] = r.frame;
    pg.timeSec[i] = r.timeSec;
    pg.timeNsec[i] = r.timeNsec;
    pg.mline[i] = Math.min(r.mline, 0xffff);
    pg.port[i] = r.port;
    pg.rtcpPort[i] = r.rtcpPort;
    const dir = Math.max(0, DIRECTIONS.indexOf(r.direction));
    pg.flags[i] = (r.role === 'answer' ? F_ANSWER : 0) | (r.rtcpMux ? F_MUX : 0) | (r.active ? F_ACTIVE : 0) | (dir << DIR_SHIFT);
    pg.media[i] = this.strings.id(r.media);
    pg.proto[i] = this.strings.id(r.proto);
    pg.address[i] = this.strings.id(r.address);
    pg.rtcpAddress[i] = r.rtcpAddress === r.address ? pg.address[i]! : this.strings.id(r.rtcpAddress);
    pg.formats[i] = this.formatLists.id(r.payloadTypes);
    pg.replaces[i] = r.replaces;
    return id;
  }

  /** Mark row `id` as registered for RTP matching. */
  setActive(id: number): void {
    this.pages[id >>> PAGE_BITS]!.flags[id & ROW_MASK]! |= F_ACTIVE;
  }

  /** Materialise row `id` (0 <= id < count). */
  get(id: number): MediaDeclaration {
    const pg = this.pages[id >>> PAGE_BITS]!;
    const i = id & ROW_MASK;
    const flags = pg.flags[i]!;
    const s = this.strings;
    return {
      index: id,
      callIndex: pg.callIndex[i]!,
      messageId: pg.messageId[i]!,
      frame: pg.frame[i]!,
      timeSec: pg.timeSec[i]!,
      timeNsec: pg.timeNsec[i]!,
      role: flags & F_ANSWER ? 'answer' : 'offer',
      mline: pg.mline[i]!,
      media: s.get(pg.media[i]!) ?? '',
      proto: s.get(pg.proto[i]!) ?? '',
      address: s.get(pg.address[i]!) ?? '',
      port: pg.port[i]!,
      rtcpAddress: s.get(pg.rtcpAddress[i]!) ?? '',
      rtcpPort: pg.rtcpPort[i]!,
      rtcpMux: (flags & F_MUX) !== 0,
      direction: DIRECTIONS[(flags >> DIR_SHIFT) & 3]!,
      payloadTypes: this.formatLists.lists[pg.formats[i]!]!.slice(),
      replaces: pg.replaces[i]!,
      active: (flags & F_ACTIVE) !== 0,
    };
  }

  /** Every row as plain objects (for export and tests). */
  toArray(): MediaDeclaration[] {
    const out: MediaDeclaration[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.get(i));
    return out;
  }

  /** Declarations of call `callIndex`, in SDP order (a scan of one column). */
  forCall(callIndex: number): MediaDeclaration[] {
    const out: MediaDeclaration[] = [];
    for (let id = 0; id < this.n; id++) if (this.callIndexOf(id) === callIndex) out.push(this.get(id));
    return out;
  }

  /** The interned payload-format list of row `id` (shared: do not mutate). */
  formatsOf(id: number): PayloadFormat[] {
    return this.formatLists.lists[this.pages[id >>> PAGE_BITS]!.formats[id & ROW_MASK]!]!;
  }

  callIndexOf(id: number): number {
    return this.pages[id >>> PAGE_BITS]!.callIndex[id & ROW_MASK]!;
  }

  messageIdOf(id: number): number {
    return this.pages[id >>> PAGE_BITS]!.messageId[id & ROW_MASK]!;
  }

  frameOf(id: number): number {
    return this.pages[id >>> PAGE_BITS]!.frame[id & ROW_MASK]!;
  }

  portOf(id: number): number {
    return this.pages[id >>> PAGE_BITS]!.port[id & ROW_MASK]!;
  }

  addressOf(id: number): string {
    return this.strings.get(this.pages[id >>> PAGE_BITS]!.address[id & ROW_MASK]!) ?? '';
  }

  rtcpMuxOf(id: number): boolean {
    return (this.pages[id >>> PAGE_BITS]!.flags[id & ROW_MASK]! & F_MUX) !== 0;
  }

  /** Approximate retained bytes of the columns, for benchmarks. */
  get retainedBytes(): number {
    return this.pages.length * PAGE_ROWS * (4 * 14 + 8 + 2 + 1);
  }
}
