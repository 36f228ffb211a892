// Expected media endpoints from SDP offers/answers (RFC 3264): per m= line the receive address and port (c=/m=),
// the RTCP port (RFC 3605 a=rtcp, else port + 1 per RFC 3550 §11, or the RTP port with RFC 5761 rtcp-mux), payload
// type -> codec (a=rtpmap, else the RFC 3551 static table) and direction; registered for RTP matching by address bytes.
import type { SdpDirection } from '../sdp/types';
import { parseIp } from '../util/ip';
import { decodeUtf8 } from '../text/decode';
import { Key4Table } from './key-table';
import { jitterClockRate, STATIC_PAYLOAD_FORMATS, type PayloadFormat } from './codecs';
import { MediaStore, type MediaRow } from './media-store';

export type { MediaDeclaration } from './media-store';

/** Where an SDP was seen: the SIP message that carried it. */
export interface SdpSighting {
  callIndex: number;
  messageId: number;
  frame: number;
  timeSec: number;
  timeNsec: number;
  /** Source address and port of the SIP message (party fallback when the SDP has no o= line). */
  src: string;
  srcPort: number;
}

// ---------------------------------------------------------------------------------------------------------- keys

/** The 32-bit word of 4 IPv4 address bytes (as an int32), the first word of IPv4 endpoint and stream keys. */
export function ipv4Word(ip: Uint8Array): number {
  return (ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** String key of an IPv6 address + port (IPv6 only: IPv4 keys are numeric). */
export function ipv6Key(ip: Uint8Array, port: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[ip[i]!]!;
  return `${s}.${port}`;
}

// ---------------------------------------------------------------------------------------------------------- endpoints

/** Endpoint kinds (bits of a registration): the m= port carries RTP, the RTCP port (or the RTP port with rtcp-mux) RTCP. */
export const KIND_RTP = 1;
export const KIND_RTCP = 2;
export const KIND_ANY = 3;

/**
 * The declaration behind registered receive addresses (its RTP port and its RTCP port share one object). Streams keep
 * a reference: when the same party of the same call re-declares an address, the object is updated in place
 * (`declaration`, `formats`, and `version` bumps) so running streams follow payload type changes.
 */
export class MediaEndpoint {
  version = 0;
  constructor(
    public callIndex: number,
    /** Index of the MediaDeclaration currently behind this endpoint. */
    public declaration: number,
    /** 30-bit key of the declaring party (see MediaDeclaration). */
    public party: number,
    public formats: PayloadFormat[],
  ) {}

  /** The declared format of `pt` (a=rtpmap or static type listed on m=), else the RFC 3551 static format. */
  formatOf(pt: number): PayloadFormat | undefined {
    const f = this.formats;
    for (let i = 0; i < f.length; i++) if (f[i]!.payloadType === pt && f[i]!.encoding !== '') return f[i];
    return STATIC_PAYLOAD_FORMATS.get(pt);
  }

  /**
   * RTP clock rate (Hz) used for jitter, 0 for none (see jitterClockRate). As tshark 4.0 does, a static payload type
   * (RFC 3551 table) always uses its static rate; other types use the declared rtpmap.
   */
  clockOf(pt: number): number {
    const st = STATIC_PAYLOAD_FORMATS.get(pt);
    if (st !== undefined) return jitterClockRate(st);
    return jitterClockRate(this.formatOf(pt));
  }
}

/** Per-call offer/answer state: 10 int32 columns per call (stride), party keys are 30-bit (>= 0), -1 = none. */
const ST_PENDING = 0;
const ST_LAST_PARTY = 1;
const ST_LAST_VERSION = 2;
const ST_LAST_ANSWER = 3;
const ST_P0 = 4; // then FIRST0 = 5, COUNT0 = 6
const ST_P1 = 7; // then FIRST1 = 8, COUNT1 = 9
const ST_STRIDE = 10;

/**
 * Collects the media declarations of every SDP seen (a columnar MediaStore) and registers their addresses for lookup
 * by address bytes: IPv4 in a numeric table (no string per packet), IPv6 by string key. The table value is `endpoint
 * slot * 4 + kind bits`. Old addresses stay registered (as tshark keeps its SDP-set conversations) until another
 * declaration names the same address and port. Per SDP, nothing but table entries and at most one MediaEndpoint per
 * m= line of a new party is retained.
 */
export class MediaRegistry {
  readonly media = new MediaStore();
  /** Bumped whenever an endpoint's payload formats change in place (streams refresh their payload-type cache). */
  epoch = 0;
  /** Endpoint objects by slot. */
  readonly endpoints: MediaEndpoint[] = [];
  private readonly v4 = new Key4Table(1024);
  private readonly v6 = new Map<string, number>();
  /** Offer/answer state, row = call index + 1 (row 0: messages without Call-ID). */
  private state = new Int32Array(64 * ST_STRIDE).fill(-1);
  /** [party, first, count] triples of the third and later parties of a call (forking, B2BUA loops), by row. */
  private readonly moreParties = new Map<number, number[]>();
  /** Endpoint slot of the declaration being registered (its RTP and RTCP addresses share it). */
  private slotOfCurrent = -1;
  /** Every SDP is scanned into this one (addSdp keeps nothing of it: MediaStore interns copies). */
  private readonly scratch = new SdpScratch();
  private readonly row: MediaRow = {
    callIndex: -1, messageId: 0, frame: 0, timeSec: 0, timeNsec: 0, role: 'offer', mline: 0, media: '', proto: '',
    address: '', port: 0, rtcpAddress: '', rtcpPort: 0, rtcpMux: false, direction: 'sendrecv', payloadTypes: [],
    replaces: -1, active: false,
  };

  /** Endpoint registered for IPv4 `ip` (ipv4Word) and `port` with one of the `kind` bits, or undefined. Allocation-free. */
  findV4(ip: number, port: number, kind: number): MediaEndpoint | undefined {
    const v = this.v4.get(ip, port, 0, 0);
    return v < 0 || (v & kind) === 0 ? undefined : this.endpoints[v >> 2];
  }

  /** Endpoint registered for IPv6 (key from ipv6Key) with one of the `kind` bits, or undefined. */
  findV6(key: string, kind: number): MediaEndpoint | undefined {
    const v = this.v6.get(key);
    return v === undefined || (v & kind) === 0 ? undefined : this.endpoints[v >> 2];
  }

  /**
   * Register every m= line of the SDP in `b[start, end)` seen in a SIP message (`at` is not retained). Returns the
   * number of declarations added (one per m= line). Never throws.
   */
  addSdp(b: Uint8Array, start: number, end: number, at: SdpSighting): number {
    let sdp: ScannedSdp;
    try {
      sdp = scanSdpInto(b, start, end, this.scratch);
    } catch {
      return 0; // defensive: a scanner bug must not break the import
    }
    const media = sdp.media;
    if (media.length === 0) return 0;
    const party = sdp.originKey >= 0 ? sdp.originKey : hashString(`${at.src}|${at.srcPort}`);
    const callIndex = at.callIndex;
    const r = this.stateRow(callIndex);
    const answer = this.roleOf(r, party, sdp.versionKey);
    const first = this.media.count;
    this.latestOf(r, party, first, media.length);
    const prevFirst = latestScratch.first;
    const prevCount = latestScratch.count;
    const row = this.row;
    row.callIndex = callIndex;
    row.messageId = at.messageId;
    row.frame = at.frame;
    row.timeSec = at.timeSec;
    row.timeNsec = at.timeNsec;
    row.role = answer ? 'answer' : 'offer';
    for (let mline = 0; mline < media.length; mline++) {
      const m = media[mline]!;
      const address = m.connection ?? sdp.connection ?? '';
      row.mline = mline;
      row.media = m.media;
      row.proto = m.proto;
      row.address = address;
      row.port = m.port;
      row.rtcpAddress = m.rtcpAddress ?? address;
      row.rtcpPort = m.rtcpMux ? m.port : m.rtcpPort >= 0 ? m.rtcpPort : m.port > 0 && m.port < 65535 ? m.port + 1 : 0;
      row.rtcpMux = m.rtcpMux;
      row.direction = m.direction ?? sdp.direction ?? 'sendrecv';
      row.payloadTypes = m.formats;
      row.replaces = prevFirst >= 0 && mline < prevCount ? prevFirst + mline : -1;
      row.active = false;
      const index = this.media.add(row);
      if (this.register(index, row, party)) this.media.setActive(index);
    }
    return media.length;
  }

  /** State row of a call (created with -1s). */
  private stateRow(callIndex: number): number {
    const r = callIndex + 1;
    if ((r + 1) * ST_STRIDE > this.state.length) {
      let n = this.state.length;
      while ((r + 1) * ST_STRIDE > n) n *= 2;
      const bigger = new Int32Array(n).fill(-1);
      bigger.set(this.state);
      this.state = bigger;
    }
    return r;
  }

  /** RFC 3264 role inference (see MediaDeclaration.role); true for an answer. */
  private roleOf(r: number, party: number, version: number): boolean {
    const st = this.state;
    const o = r * ST_STRIDE;
    if (st[o + ST_LAST_PARTY]! < 0) {
      st[o + ST_PENDING] = party;
      st[o + ST_LAST_PARTY] = party;
      st[o + ST_LAST_VERSION] = version;
      st[o + ST_LAST_ANSWER] = 0;
      return false;
    }
    let answer: boolean;
    if (st[o + ST_LAST_PARTY] === party && st[o + ST_LAST_VERSION] === version && version >= 0) answer = st[o + ST_LAST_ANSWER] === 1;
    else if (st[o + ST_PENDING]! >= 0 && st[o + ST_PENDING] !== party) {
      answer = true;
      st[o + ST_PENDING] = -1;
    } else {
      answer = false;
      st[o + ST_PENDING] = party;
    }
    st[o + ST_LAST_PARTY] = party;
    st[o + ST_LAST_VERSION] = version;
    st[o + ST_LAST_ANSWER] = answer ? 1 : 0;
    return answer;
  }

  /** The party's previous SDP in this call into latestScratch (first declaration index, m= count); records the new one. */
  private latestOf(r: number, party: number, first: number, count: number): void {
    const st = this.state;
    const o = r * ST_STRIDE;
    for (let p = ST_P0; p <= ST_P1; p += ST_P1 - ST_P0) {
      // p, p + 1, p + 2 = party, first, count (ST_P0.. and ST_P1.. are laid out the same)
      const cur = st[o + p]!;
      if (cur === party || cur < 0) {
        latestScratch.first = cur === party ? st[o + p + 1]! : -1;
        latestScratch.count = cur === party ? st[o + p + 2]! : 0;
        st[o + p] = party;
        st[o + p + 1] = first;
        st[o + p + 2] = count;
        return;
      }
    }
    let more = this.moreParties.get(r);
    if (more === undefined) {
      more = [];
      this.moreParties.set(r, more);
    }
    for (let k = 0; k < more.length; k += 3) {
      if (more[k] === party) {
        latestScratch.first = more[k + 1]!;
        latestScratch.count = more[k + 2]!;
        more[k + 1] = first;
        more[k + 2] = count;
        return;
      }
    }
    more.push(party, first, count);
    latestScratch.first = -1;
    latestScratch.count = 0;
  }

  /** Register the RTP (and RTCP) address of row `index`; true when the RTP address was registered. */
  private register(index: number, d: MediaRow, party: number): boolean {
    this.slotOfCurrent = -1;
    if (d.port <= 0 || !isRtpProto(d.proto)) return false;
    if (!this.registerAddress(d.address, d.port, index, d, party, d.rtcpMux ? KIND_ANY : KIND_RTP)) return false;
    if (!d.rtcpMux && d.rtcpPort > 0) this.registerAddress(d.rtcpAddress, d.rtcpPort, index, d, party, KIND_RTCP);
    return true;
  }

  /** Register `address:port` (IPv4 parsed without allocating); false when the address is not a usable IP literal. */
  private registerAddress(address: string, port: number, index: number, d: MediaRow, party: number, kind: number): boolean {
    const w = ipv4WordOf(address);
    if (w === w) {
      // not NaN: IPv4
      if (w === 0) return false; // 0.0.0.0: RFC 2543 hold
      const existing = this.v4.get(w, port, 0, 0);
      const v = this.put(existing, index, d, party, kind);
      if (v !== existing) this.v4.set(w, port, 0, 0, v);
      return true;
    }
    const ip = parseIp(address);
    if (ip === undefined || ip.length !== 16 || isUnspecified(ip)) return false;
    const key = ipv6Key(ip, port);
    const existing = this.v6.get(key) ?? -1;
    const v = this.put(existing, index, d, party, kind);
    if (v !== existing) this.v6.set(key, v);
    return true;
  }

  /**
   * The table value for an address now declared by row `index`: the existing endpoint updated in place when the same
   * party of the same call declared it before, else the declaration's own endpoint (created once, shared by its
   * addresses).
   */
  private put(existing: number, index: number, d: MediaRow, party: number, kind: number): number {
    const ep = existing >= 0 ? this.endpoints[existing >> 2] : undefined;
    if (ep !== undefined && ep.callIndex === d.callIndex && ep.party === party) {
      // Same party re-declaring (re-INVITE, UPDATE, repeated answer): update in place so running streams follow.
      if (ep.declaration !== index) {
        ep.declaration = index;
        ep.formats = this.media.formatsOf(index);
        ep.version++;
        this.epoch++;
      }
      this.slotOfCurrent = existing >> 2;
      return (existing & ~3) | kind;
    }
    if (this.slotOfCurrent < 0) {
      this.slotOfCurrent = this.endpoints.length;
      this.endpoints.push(new MediaEndpoint(d.callIndex, index, party, this.media.formatsOf(index)));
    }
    return this.slotOfCurrent * 4 + kind;
  }
}

const latestScratch = { first: -1, count: 0 };

/** RTP profiles (RTP/AVP, RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF...): RFC 8866 §5.14 proto contains "RTP". */
function isRtpProto(proto: string): boolean {
  return proto.indexOf('RTP') >= 0 || proto.indexOf('rtp') >= 0;
}

/** The int32 word of a dotted-quad IPv4 literal, or NaN when `s` is not one (no allocation). */
export function ipv4WordOf(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return NaN;
  let w = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return NaN;
      w = (w << 8) | part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return NaN;
    } else return NaN;
  }
  if (dots !== 3 || digits === 0) return NaN;
  return (w << 8) | part;
}

/** FNV-1a over bytes [s, e) folded into 30 bits (a small integer in V8: no heap number). */
function hashBytes(h: number, b: Uint8Array, s: number, e: number): number {
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
}

function hashString(t: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
  return (h >>> 2) & 0x3fffffff;
}

function isUnspecified(ip: Uint8Array): boolean {
  for (let i = 0; i < ip.length; i++) if (ip[i] !== 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------- SDP scan

/** The media-relevant content of an SDP body (what MediaRegistry needs), read straight from bytes. */
export interface ScannedSdp {
  /** 30-bit key of the o= line without its session version (the party, see MediaDeclaration), -1 without o=. */
  originKey: number;
  /** 30-bit key of the o= session version, -1 without o=. */
  versionKey: number;
  connection: string | undefined;
  direction: SdpDirection | undefined;
  media: ScannedMedia[];
}

export interface ScannedMedia {
  media: string;
  /** -1 when the port is not a number in 0-65535 (such an m= line is never registered). */
  port: number;
  proto: string;
  formats: PayloadFormat[];
  connection: string | undefined;
  rtcpPort: number;
  rtcpAddress: string | undefined;
  rtcpMux: boolean;
  direction: SdpDirection | undefined;
}

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** Small cache of short byte strings -> decoded text / parsed value (SDP fields repeat across a capture). */
class ByteCache<T> {
  private readonly keys: (Uint8Array | undefined)[];
  private readonly vals: T[];
  constructor(private readonly size: number) {
    this.keys = new Array<Uint8Array | undefined>(size);
    this.vals = new Array<T>(size);
  }

  get(b: Uint8Array, s: number, e: number, make: (b: Uint8Array, s: number, e: number) => T): T {
    const len = e - s;
    if (len > 96) return make(b, s, e);
    let h = len;
    for (let i = s; i < e; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
    const slot = (h >>> 0) % this.size;
    const k = this.keys[slot];
    if (k !== undefined && k.length === len) {
      let i = 0;
      while (i < len && k[i] === b[s + i]) i++;
      if (i === len) return this.vals[slot]!;
    }
    const v = make(b, s, e);
    this.keys[slot] = b.slice(s, e);
    this.vals[slot] = v;
    return v;
  }
}

const texts = new ByteCache<string>(4093);
const rtpmaps = new ByteCache<PayloadFormat | null>(1021);
const text = (b: Uint8Array, s: number, e: number): string => texts.get(b, s, e, decodeUtf8);

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function eqAscii(b: Uint8Array, s: number, e: number, lit: string): boolean {
  if (e - s !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) if ((b[s + i]! | 0x20) !== lit.charCodeAt(i)) return false;
  return true;
}

/** Decimal digits in [s, e) as a number, or -1 when empty, not all digits or more than 9 digits. */
function num(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 9) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Start/end pairs of the whitespace-separated fields of [s, e) into `out`; returns the number of fields. */
function splitFields(b: Uint8Array, s: number, e: number, out: number[]): number {
  let n = 0;
  let i = s;
  while (i < e) {
    while (i < e && (b[i] === SP || b[i] === HT)) i++;
    if (i >= e) break;
    const fs = i;
    while (i < e && b[i] !== SP && b[i] !== HT) i++;
    out[n * 2] = fs;
    out[n * 2 + 1] = i;
    n++;
  }
  return n;
}

const fieldBuf: number[] = [];

/** c= address (RFC 8866 §5.7): third field without its /ttl or /count suffix; undefined when malformed. */
function connectionOf(b: Uint8Array, s: number, e: number): string | undefined {
  let i = s;
  for (let field = 0; field < 2; field++) {
    while (i < e && (b[i] === SP || b[i] === HT)) i++;
    if (i === e) return undefined;
    while (i < e && b[i] !== SP && b[i] !== HT) i++;
  }
  while (i < e && (b[i] === SP || b[i] === HT)) i++;
  if (i === e) return undefined;
  const as = i;
  while (i < e && b[i] !== SP && b[i] !== HT && b[i] !== 0x2f) i++;
  return text(b, as, i);
}

/** a=rtpmap value (RFC 8866 §6.6): `<pt> <encoding>/<clock rate>[/<channels>]`, or null. */
function parseRtpmap(b: Uint8Array, s: number, e: number): PayloadFormat | null {
  let i = s;
  while (i < e && b[i]! >= 48 && b[i]! <= 57) i++;
  const pt = num(b, s, i);
  if (pt < 0 || pt > 127 || i >= e || (b[i] !== SP && b[i] !== HT)) return null;
  while (i < e && (b[i] === SP || b[i] === HT)) i++;
  const es = i;
  while (i < e && b[i] !== 0x2f && b[i] !== SP && b[i] !== HT) i++;
  if (i === es || i >= e || b[i] !== 0x2f) return null;
  const encoding = text(b, es, i);
  const rs = ++i;
  while (i < e && b[i] !== 0x2f && b[i] !== SP && b[i] !== HT) i++;
  const rate = num(b, rs, i);
  if (rate <= 0) return null;
  let channels: number | undefined;
  if (i < e && b[i] === 0x2f) {
    const cs = ++i;
    while (i < e && b[i] !== SP && b[i] !== HT) i++;
    const c = num(b, cs, i);
    if (c > 0) channels = c;
  }
  return Object.freeze({ payloadType: pt, encoding, clockRate: rate, channels });
}

interface MediaBuild extends ScannedMedia {
  pts: number[];
  maps: PayloadFormat[];
}

/**
 * A ScannedSdp whose objects and arrays are reused by every scan into it (scanSdpInto): MediaRegistry scans every SDP
 * of a capture into one, so 200 000 SDP bodies allocate nothing but new strings (the bench capture: 163 MB of
 * short-lived objects and arrays before).
 */
export class SdpScratch implements ScannedSdp {
  originKey = -1;
  versionKey = -1;
  connection: string | undefined = undefined;
  direction: SdpDirection | undefined = undefined;
  /** The m= lines of the last scan (length set by the scan; entries are `pool` objects). */
  readonly media: MediaBuild[] = [];
  /** Every MediaBuild made so far, reused in order. */
  private readonly pool: MediaBuild[] = [];

  /** Empty the scratch for a new scan. */
  reset(): void {
    this.originKey = -1;
    this.versionKey = -1;
    this.connection = undefined;
    this.direction = undefined;
    this.media.length = 0;
  }

  /** The next m= line entry, reset to "nothing seen". */
  nextMedia(): MediaBuild {
    const k = this.media.length;
    let m = this.pool[k];
    if (m === undefined) {
      m = {
        media: '', port: -1, proto: '', formats: [], connection: undefined, rtcpPort: -1, rtcpAddress: undefined,
        rtcpMux: false, direction: undefined, pts: [], maps: [],
      };
      this.pool.push(m);
    } else {
      m.media = '';
      m.port = -1;
      m.proto = '';
      m.formats.length = 0;
      m.connection = undefined;
      m.rtcpPort = -1;
      m.rtcpAddress = undefined;
      m.rtcpMux = false;
      m.direction = undefined;
      m.pts.length = 0;
      m.maps.length = 0;
    }
    this.media.push(m);
    return m;
  }
}

/**
 * Scan an SDP body (RFC 8866) in `b[start, end)` for what media matching needs: o=, session and media c=, m= lines,
 * a=rtpmap, a=rtcp, a=rtcp-mux and direction attributes. The same reading as parseSdp (first c=/a=rtcp per scope
 * wins, direction media-level else session-level) without building line objects; test/core/rtp/media.test.ts checks
 * the two agree on the corpus. Lines end with CRLF, LF or a lone CR. Never throws on input. Returns new objects; see
 * scanSdpInto for the allocation-free form.
 */
export function scanSdp(b: Uint8Array, start: number, end: number): ScannedSdp {
  const out = scanSdpInto(b, start, end, new SdpScratch());
  return { originKey: out.originKey, versionKey: out.versionKey, connection: out.connection, direction: out.direction, media: out.media };
}

/**
 * scanSdp into `out` (reset first): the result is `out`, valid until the next scan into it (its media entries and
 * their arrays are reused).
 */
export function scanSdpInto(b: Uint8Array, start: number, end: number, out: SdpScratch): SdpScratch {
  out.reset();
  let cur: MediaBuild | undefined;
  if (end > b.length) end = b.length;
  let pos = start < 0 ? 0 : start;
  while (pos < end) {
    let le = pos;
    while (le < end && b[le] !== LF && b[le] !== CR) le++;
    const s = pos;
    const e = le;
    pos = le < end && b[le] === CR && le + 1 < end && b[le + 1] === LF ? le + 2 : le + 1;
    if (e - s < 2 || b[s + 1] !== 0x3d) continue;
    const t = b[s]!;
    const vs = s + 2;
    if (t === 0x6d /* m */) {
      cur = out.nextMedia();
      scanMediaLine(b, vs, e, cur);
    } else if (t === 0x63 /* c */) {
      const c = connectionOf(b, vs, e);
      if (c !== undefined) {
        if (cur === undefined) out.connection ??= c;
        else cur.connection ??= c;
      }
    } else if (t === 0x61 /* a */) {
      let ne = vs;
      while (ne < e && b[ne] !== 0x3a) ne++;
      if (ne === e) {
        // Property attribute: direction or rtcp-mux.
        for (const d of DIRECTIONS) {
          if (eqAscii(b, vs, e, d)) {
            if (cur === undefined) out.direction ??= d;
            else cur.direction ??= d;
          }
        }
        if (cur !== undefined && eqAscii(b, vs, e, 'rtcp-mux')) cur.rtcpMux = true;
      } else if (cur !== undefined) {
        if (eqAscii(b, vs, ne, 'rtpmap')) {
          const f = rtpmaps.get(b, ne + 1, e, parseRtpmap);
          if (f !== null) cur.maps.push(f);
        } else if (eqAscii(b, vs, ne, 'rtcp') && cur.rtcpPort < 0) {
          // RFC 3605 §2.1: a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
          const f = fieldBuf;
          const n = splitFields(b, ne + 1, e, f);
          const port = n >= 1 ? num(b, f[0]!, f[1]!) : -1;
          if (port >= 0 && port <= 65535) {
            cur.rtcpPort = port;
            if (n >= 4) cur.rtcpAddress = text(b, f[6]!, f[7]!);
          }
        }
      }
    } else if (t === 0x6f /* o */ && cur === undefined && out.originKey < 0) {
      // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2)
      const f = fieldBuf;
      if (splitFields(b, vs, e, f) >= 6) {
        let h = hashBytes(0x811c9dc5 | 0, b, f[0]!, f[3]!);
        h = hashBytes(h ^ 0x20, b, f[6]!, f[11]!);
        out.originKey = (h >>> 2) & 0x3fffffff;
        out.versionKey = (hashBytes(0x811c9dc5 | 0, b, f[4]!, f[5]!) >>> 2) & 0x3fffffff;
      }
    }
  }
  const media = out.media;
  for (let k = 0; k < media.length; k++) {
    const m = media[k]!;
    const formats = m.formats;
    const maps = m.maps;
    for (let i = 0; i < m.pts.length; i++) {
      const pt = m.pts[i]!;
      let f: PayloadFormat | undefined;
      for (let j = 0; j < maps.length; j++) {
        if (maps[j]!.payloadType === pt) {
          f = maps[j];
          break;
        }
      }
      f ??= STATIC_PAYLOAD_FORMATS.get(pt) ?? unknownFormat(pt);
      formats.push(f);
    }
  }
  return out;
}

const unknownFormats: PayloadFormat[] = [];
function unknownFormat(pt: number): PayloadFormat {
  return (unknownFormats[pt] ??= Object.freeze({ payloadType: pt, encoding: '', clockRate: 0, channels: undefined }));
}

/** m=<media> <port>[/<count>] <proto> <fmt> ... (RFC 8866 §5.14) into `m`; non-numeric formats (e.g. `t38`) are skipped. */
function scanMediaLine(b: Uint8Array, s: number, e: number, m: MediaBuild): void {
  const f = fieldBuf;
  const nf = splitFields(b, s, e, f);
  if (nf < 1) return;
  m.media = text(b, f[0]!, f[1]!);
  if (nf < 2) return;
  const ps = f[2]!;
  const pe = f[3]!;
  let slash = pe;
  for (let k = ps; k < pe; k++) {
    if (b[k] === 0x2f) {
      slash = k;
      break;
    }
  }
  const port = slash - ps <= 5 ? num(b, ps, slash) : -1;
  m.port = port >= 0 && port <= 65535 ? port : -1;
  if (nf < 3) return;
  m.proto = text(b, f[4]!, f[5]!);
  for (let k = 3; k < nf; k++) {
    const pt = num(b, f[2 * k]!, f[2 * k + 1]!);
    if (pt >= 0 && pt <= 127) m.pts.push(pt);
  }
}

/**
 * Start of the body of one SIP message (RFC 3261 §7.5: after the empty line ending the header section, CRLF or LF);
 * the body runs to the end of `bytes` (a framed message ends with its body). Returns -1 when there is no empty line.
 */
export function sipBodyStart(bytes: Uint8Array): number {
  const n = bytes.length;
  const first = bytes.indexOf(LF);
  // CRLF messages (the start line ends with CR LF): Horspool-style search for CR LF CR LF, looking at the 4th byte of
  // each window; only a CR or LF there can end the pattern, anything else shifts the window by 4.
  for (let i = first > 0 && bytes[first - 1] === CR ? first + 2 : n; i < n; ) {
    const c = bytes[i]!;
    if (c === LF) {
      if (bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR) return i + 1;
      i += 2; // the LF could be the 2nd byte of the pattern
    } else if (c === CR) i += 1;
    else i += 4;
  }
  // LF-only (or mixed) line ends.
  let j = first;
  while (j >= 0) {
    const k = j + 1;
    if (k < n && bytes[k] === LF) return k + 1;
    if (k + 1 < n && bytes[k] === CR && bytes[k + 1] === LF) return k + 2;
    j = bytes.indexOf(LF, k);
  }
  return -1;
}
