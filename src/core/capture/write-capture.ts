// "Save call as pcap" / `sipscope extract`: pick the capture records that carried a call's SIP messages (plus the
// other segments of their TCP connections in between) and its RTP/RTCP by re-reading the source capture, and write
// them as a new classic pcap (one link type) or pcapng (several link types). Returns bytes; the caller writes them
// to a NEW file, never the source.
import type { ByteSource } from '../bytes/byte-source';
import { decodeLinkHeader, ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINK_OK, type LinkOut } from '../decode/link';
import { IP_OK, newIpv4Out, parseIpv4, type Ipv4Out } from '../decode/ipv4';
import { newIpv6Out, parseIpv6, type Ipv6Out } from '../decode/ipv6';
import { isTunnelPort, PacketDecoder } from '../decode/packet-decoder';
import { IPPROTO_TCP, IPPROTO_UDP, type NetPacket } from '../decode/types';
import type { MessageInfo } from '../dialog/types';
import type { RtpStreamInfo } from '../rtp/stream';
import { encodeUtf8 } from '../text/decode';
import { formatIp, parseIp } from '../util/ip';
import { ProblemCollector } from './problems';
import { readCapture } from './read-capture';
import type { CaptureInterface, CaptureRecord } from './types';
import { concatBytes } from '../util/bytes';

/** Frames between a message's first and last record that belong to the same flow. */
export interface FlowRange {
  firstFrame: number;
  lastFrame: number;
  /** `tcp` / `udp`: records of this TCP connection or UDP flow (4-tuple, both directions); `ip`: records between
   *  these two IP addresses (any protocol: catches the IP fragments of a reassembled UDP datagram). */
  protocol: 'tcp' | 'udp' | 'ip';
  a: string;
  aPort: number;
  b: string;
  bPort: number;
}

/** Most IP fragments remembered while looking for the rest of a kept datagram, and for how long (capture time). */
const MAX_BUFFERED_FRAGMENTS = 4096;
const FRAGMENT_WINDOW_SEC = 30;

/** Which records of a capture make up a set of messages. */
export interface PacketSelection {
  /** 1-based frame numbers always kept (the records that completed or started a message). */
  frames: Set<number>;
  flows: FlowRange[];
}

/**
 * The records carrying `messages` and `streams`: each message's `frame` and `firstFrame`; for TCP-based transports
 * (TCP, TLS, WS, WSS) every record of that connection between the two, for TLS and WebSocket every record of the
 * connection from the start of the capture (its handshake: other messages on the same connection come along); for
 * other messages spanning several records (reassembled IP fragments, fragmented SCTP user messages) every record
 * between the same two IP addresses in that range. Each RTP stream adds its
 * UDP flow (both directions) from its first to its last packet, and, unless it is rtcp-mux (RFC 5761), the RTCP
 * flow on the next ports up (RFC 3550 §11) until the last message of its call, where RTCP ends with the BYE.
 */
export function selectPackets(messages: readonly MessageInfo[], streams: readonly RtpStreamInfo[] = []): PacketSelection {
  const frames = new Set<number>();
  const flows: FlowRange[] = [];
  const lastFrameOfCall = new Map<number, number>();
  for (const m of messages) {
    frames.add(m.frame);
    frames.add(m.firstFrame);
    const lo = Math.min(m.firstFrame, m.frame);
    const hi = Math.max(m.firstFrame, m.frame);
    if (hi > (lastFrameOfCall.get(m.callIndex) ?? 0)) lastFrameOfCall.set(m.callIndex, hi);
    const tcp = m.transport === 'TCP' || m.transport === 'TLS' || m.transport === 'WS' || m.transport === 'WSS';
    // TLS and WebSocket need their connection from its start: the handshake is what a reader decrypts with (and
    // TLS record sequence numbers count from it), and the HTTP Upgrade is what makes the bytes WebSocket frames.
    const fromStart = m.transport === 'TLS' || m.transport === 'WS' || m.transport === 'WSS';
    if (lo < hi || fromStart) {
      flows.push({ firstFrame: fromStart ? 1 : lo, lastFrame: hi, protocol: tcp ? 'tcp' : 'ip', a: m.src, aPort: m.srcPort, b: m.dst, bPort: m.dstPort });
    }
  }
  for (const st of streams) {
    flows.push({ firstFrame: st.firstFrame, lastFrame: st.lastFrame, protocol: 'udp', a: st.src, aPort: st.srcPort, b: st.dst, bPort: st.dstPort });
    if (!st.rtcpMux && st.srcPort < 65535 && st.dstPort < 65535) {
      const last = Math.max(st.lastFrame, lastFrameOfCall.get(st.callIndex) ?? 0);
      flows.push({ firstFrame: st.firstFrame, lastFrame: last, protocol: 'udp', a: st.src, aPort: st.srcPort + 1, b: st.dst, bPort: st.dstPort + 1 });
    }
  }
  return { frames, flows };
}

/** The fields of a capture record the writers read (CaptureRecord and KeptRecord have them). */
export type RecordFields = Pick<CaptureRecord, 'frame' | 'timeSec' | 'timeNsec' | 'linkType' | 'interfaceId' | 'data' | 'originalLength'>;

/** A record kept for writing (owned copy of the bytes). */
export interface KeptRecord {
  frame: number;
  timeSec: number;
  timeNsec: number;
  linkType: number;
  interfaceId: number;
  data: Uint8Array;
  originalLength: number;
}

export interface WrittenCapture {
  bytes: Uint8Array;
  format: 'pcap' | 'pcapng';
  /** Records written, and their original frame numbers in file order. */
  packets: number;
  frames: number[];
  linkTypes: number[];
}

/**
 * Re-read `source` and write the selected records as a new capture in memory: classic pcap when they share one link
 * type (nanosecond magic when the source has sub-microsecond timestamps), pcapng (one IDB per source interface used)
 * otherwise, or always with `opts.pcapng`. Rejects only when the source cannot be read; a source that is not a
 * capture gives 0 packets. For big selections see streamSelectedPackets, which holds a few chunks' worth.
 */
export async function writeSelectedPackets(
  source: ByteSource,
  selection: PacketSelection,
  opts: { chunkSize?: number; pcapng?: boolean } = {},
): Promise<WrittenCapture> {
  const keptByFrame = new Map<number, KeptRecord>();
  const selector = new RecordSelector(selection, (r, owned) => {
    if (!keptByFrame.has(r.frame)) keptByFrame.set(r.frame, owned ? (r as KeptRecord) : copyRecord(r));
  });
  const result = await readCapture(source, (rec) => selector.onRecord(rec), { chunkSize: opts.chunkSize });
  const kept = [...keptByFrame.values()].sort((a, b) => a.frame - b.frame);
  const linkTypes = [...new Set(kept.map((r) => r.linkType))];
  const frames = kept.map((r) => r.frame);
  const format = linkTypes.length <= 1 && opts.pcapng !== true ? 'pcap' : 'pcapng';
  const used = result.interfaces.filter((i) => kept.some((r) => r.interfaceId === i.id));
  const encoder = new CaptureEncoder(format, result.interfaces, {
    linkType: linkTypes[0] ?? result.interfaces[0]?.linkType ?? 1,
    snaplen: kept.reduce((m, r) => Math.max(m, r.data.length), used.reduce((m, i) => Math.max(m, i.snapLength), 0)),
  });
  const out = new OutputBuffers();
  out.add(encoder.header());
  for (const r of kept) encoder.encode(r, out);
  return { bytes: concatBytes(out.take()), format, packets: kept.length, frames, linkTypes };
}

/** Result of streamSelectedPackets. */
export interface StreamedCapture {
  format: 'pcap' | 'pcapng';
  /** Records written and bytes written (header included). */
  packets: number;
  bytes: number;
  /** Link types of the records written, in order of first use. */
  linkTypes: number[];
}

/** Most kept records held back (in frame order) while an earlier IP fragment may still be pulled in. */
const MAX_HELD_RECORDS = 65536;

/**
 * streamSelectedPackets: a classic pcap was asked for, but the selected records use several link types (a pcap file
 * header has one). `linkTypes`: the first record's and the one that did not fit.
 */
export class LinkTypeMismatchError extends Error {
  constructor(readonly linkTypes: [number, number]) {
    super(`the packets come from interfaces with different link types (${linkTypes.join(', ')}); a classic pcap has one`);
  }
}

/**
 * Re-read `source` and hand the selected records to `write` as a capture in `opts.format`, in frame order, a read
 * chunk at a time: the next chunk is read only when `write` has taken the previous one's records (back-pressure),
 * so memory stays at a few chunks whatever the selection. `interfaces`: the source's (CaptureModel.interfaces), for
 * the pcap header (largest snaplen, nanosecond magic when a source interface has sub-microsecond timestamps) and the
 * pcapng IDBs. Records are encoded straight into 1 MiB output buffers, except those held back (copied) while an
 * earlier IP fragment they belong with could still be pulled in (at most MAX_HELD_RECORDS; past that a late
 * fragment is written after newer records). Rejects with LinkTypeMismatchError (format 'pcap', records of a second
 * link type; what was written so far stays written), or when the source or `write` fails.
 */
export async function streamSelectedPackets(
  source: ByteSource,
  selection: PacketSelection,
  opts: { format: 'pcap' | 'pcapng'; interfaces: readonly CaptureInterface[]; write: (bytes: Uint8Array) => Promise<void> | void; chunkSize?: number },
): Promise<StreamedCapture> {
  const snaplen = opts.interfaces.reduce((m, i) => Math.max(m, i.snapLength), 0);
  const linkTypes: number[] = [];
  let encoder: CaptureEncoder | undefined;
  let mismatch: LinkTypeMismatchError | undefined;
  let packets = 0;
  let bytes = 0;
  const out = new OutputBuffers();
  let held: KeptRecord[] = [];
  let lastFrame = 0;
  /** Encode one record (in frame order) into the output buffers. */
  const put = (r: RecordFields): void => {
    if (mismatch !== undefined || r.frame === lastFrame) return; // stopped, or the same record pulled in twice
    if (encoder === undefined) {
      encoder = new CaptureEncoder(opts.format, opts.interfaces, { linkType: r.linkType, snaplen });
      out.add(encoder.header());
    }
    if (!linkTypes.includes(r.linkType)) {
      if (opts.format === 'pcap' && linkTypes.length > 0) {
        mismatch = new LinkTypeMismatchError([linkTypes[0]!, r.linkType]);
        return;
      }
      linkTypes.push(r.linkType);
    }
    encoder.encode(r, out);
    lastFrame = r.frame;
    packets++;
  };
  /** Encode the held records that no earlier fragment can still join (all of them at the end). */
  const release = (all: boolean): void => {
    if (held.length === 0) return;
    held.sort((a, b) => a.frame - b.frame);
    const limit = all || held.length > MAX_HELD_RECORDS ? Infinity : selector.oldestPullableFrame();
    let n = 0;
    while (n < held.length && held[n]!.frame < limit) put(held[n++]!);
    held = n === held.length ? [] : held.slice(n);
  };
  const selector: RecordSelector = new RecordSelector(selection, (r, owned) => {
    // In frame order with nothing held and no earlier fragment pending: straight to the output, no copy.
    if (held.length === 0 && r.frame > lastFrame && r.frame < selector.oldestPullableFrame()) put(r);
    else held.push(owned ? (r as KeptRecord) : copyRecord(r));
  });
  const drain = async (): Promise<void> => {
    release(false);
    for (const chunk of out.take()) {
      bytes += chunk.length;
      await opts.write(chunk);
    }
    if (mismatch !== undefined) throw mismatch;
  };
  // Back-pressure: each read of the source first writes what the previous chunks kept.
  const paced: ByteSource = { size: source.size, read: async (o, n) => (await drain(), source.read(o, n)) };
  const transient = source.readTransient?.bind(source);
  if (transient) paced.readTransient = async (o, n) => (await drain(), transient(o, n));
  await readCapture(paced, (rec) => selector.onRecord(rec), { chunkSize: opts.chunkSize });
  release(true);
  if (encoder === undefined) {
    encoder = new CaptureEncoder(opts.format, opts.interfaces, { linkType: opts.interfaces[0]?.linkType ?? 1, snaplen });
    out.add(encoder.header());
  }
  await drain();
  return { format: opts.format, packets, bytes, linkTypes };
}

/** Output bytes gathered in 1 MiB buffers between two writes (a record larger than that gets a buffer of its own). */
class OutputBuffers {
  private static readonly SIZE = 1 << 20;
  private done: Uint8Array[] = [];
  private cur = new Uint8Array(OutputBuffers.SIZE);
  private view = new DataView(this.cur.buffer);
  private used = 0;
  private readonly room = { buf: this.cur, view: this.view, at: 0 };

  /**
   * Room for `n` bytes: the buffer, a DataView over all of it, and the offset to write them at (advance with
   * `commit`). The returned object is reused: read it before the next call.
   */
  reserve(n: number): { buf: Uint8Array; view: DataView; at: number } {
    if (this.used + n > this.cur.length) {
      if (this.used > 0) this.done.push(this.cur.subarray(0, this.used));
      this.cur = new Uint8Array(Math.max(OutputBuffers.SIZE, n));
      this.view = new DataView(this.cur.buffer);
      this.used = 0;
    }
    this.room.buf = this.cur;
    this.room.view = this.view;
    this.room.at = this.used;
    return this.room;
  }

  commit(n: number): void {
    this.used += n;
  }

  add(bytes: Uint8Array): void {
    const { buf, at } = this.reserve(bytes.length);
    buf.set(bytes, at);
    this.commit(bytes.length);
  }

  /** The bytes gathered since the last take (the current buffer starts afresh). */
  take(): Uint8Array[] {
    if (this.used > 0) {
      this.done.push(this.cur.subarray(0, this.used));
      this.cur = new Uint8Array(OutputBuffers.SIZE);
      this.view = new DataView(this.cur.buffer);
      this.used = 0;
    }
    const out = this.done;
    this.done = [];
    return out;
  }
}

/**
 * The record filter of writeSelectedPackets / streamSelectedPackets: feed it every record in frame order
 * (`onRecord`); it calls `keep` with each selected record: the current one (`owned` false: its bytes are valid only
 * during the call), or an earlier IP fragment of a datagram found later (`owned` true: a KeptRecord copy; these
 * come after newer records, so `keep` sees frames out of order then). A record may be kept only once.
 */
class RecordSelector {
  private readonly flows: CompiledFlow[];
  private open: CompiledFlow[] = [];
  private nextFlow = 0;
  private readonly decoder = new PacketDecoder(new ProblemCollector());
  private readonly peek: HeaderPeek = { link: { etherType: 0, offset: 0 }, ip4: newIpv4Out(), ip6: newIpv6Out() };
  // IP fragments: a reassembled datagram is indexed under the record that completed it, so the other fragments
  // (usually earlier) are kept too. Recent fragments are buffered (bounded) and pulled in by key.
  private readonly recentFragments: { key: string; rec: KeptRecord; time: number }[] = [];
  private readonly wantedFragments = new Set<string>();

  constructor(
    private readonly selection: PacketSelection,
    private readonly keep: (r: RecordFields, owned: boolean) => void,
  ) {
    this.flows = [...selection.flows].sort((p, q) => p.firstFrame - q.firstFrame).map(compileFlow);
  }

  /** Smallest frame `keep` may still be called with for an earlier record (a buffered fragment), Infinity if none. */
  oldestPullableFrame(): number {
    return this.recentFragments[0]?.rec.frame ?? Infinity;
  }

  onRecord(rec: CaptureRecord): void {
    let keep = this.selection.frames.has(rec.frame);
    const active = keep ? [] : this.openAt(rec.frame);
    // Addresses are only formatted for records that may be kept (or are fragments): cheap on big captures.
    const h = peekHeaders(rec, this.peek, active.length > 0);
    if (active.length > 0) keep = recordInFlows(rec, h, active, this.decoder);
    const fragKey = h?.fragmentKey;
    if (fragKey !== undefined) {
      const recent = this.recentFragments;
      if (!keep && this.wantedFragments.has(fragKey)) keep = true;
      if (keep && !this.wantedFragments.has(fragKey)) {
        this.wantedFragments.add(fragKey);
        for (let i = 0; i < recent.length; i++) {
          if (recent[i]!.key !== fragKey) continue;
          this.keep(recent[i]!.rec, true);
          recent.splice(i--, 1);
        }
      }
      if (!keep) {
        const now = rec.timeSec + rec.timeNsec / 1e9;
        recent.push({ key: fragKey, rec: copyRecord(rec), time: now });
        while (recent.length > MAX_BUFFERED_FRAGMENTS || (recent[0] && now - recent[0].time > FRAGMENT_WINDOW_SEC)) recent.shift();
      }
    }
    if (keep) this.keep(rec, false);
  }

  /**
   * Flows whose frame range holds `frame` (records come in frame order): a sweep over the sorted flows, so a record
   * costs the flows open at its frame, not all of them.
   */
  private openAt(frame: number): CompiledFlow[] {
    const flows = this.flows;
    while (this.nextFlow < flows.length && flows[this.nextFlow]!.firstFrame <= frame) this.open.push(flows[this.nextFlow++]!);
    if (this.open.some((f) => f.lastFrame < frame)) this.open = this.open.filter((f) => f.lastFrame >= frame);
    return this.open;
  }
}

function copyRecord(rec: RecordFields): KeptRecord {
  return {
    frame: rec.frame,
    timeSec: rec.timeSec,
    timeNsec: rec.timeNsec,
    linkType: rec.linkType,
    interfaceId: rec.interfaceId,
    data: rec.data.slice(),
    originalLength: rec.originalLength,
  };
}

/** A FlowRange with its addresses as bytes (undefined when the text is not an IP address: matches nothing). */
interface CompiledFlow extends FlowRange {
  aIp: Uint8Array | undefined;
  bIp: Uint8Array | undefined;
  /** IP protocol number (TCP, UDP), -1 for `ip` flows. */
  proto: number;
}

function compileFlow(f: FlowRange): CompiledFlow {
  return { ...f, aIp: parseIp(f.a), bIp: parseIp(f.b), proto: f.protocol === 'tcp' ? IPPROTO_TCP : f.protocol === 'udp' ? IPPROTO_UDP : -1 };
}

/** d[at, at + ip.length) equals `ip` (and the address there has ip's length `len`). */
function ipAt(d: Uint8Array, at: number, len: number, ip: Uint8Array | undefined): boolean {
  if (ip === undefined || ip.length !== len) return false;
  for (let i = 0; i < len; i++) if (d[at + i] !== ip[i]) return false;
  return true;
}

/** True when the packet from src:sp to dst:dp (addresses at d[srcAt] / d[dstAt], `len` bytes) is on flow `f`. */
function onFlow(f: CompiledFlow, d: Uint8Array, srcAt: number, dstAt: number, len: number, proto: number, sp: number, dp: number): boolean {
  const fwd = ipAt(d, srcAt, len, f.aIp) && ipAt(d, dstAt, len, f.bIp);
  const rev = !fwd && ipAt(d, srcAt, len, f.bIp) && ipAt(d, dstAt, len, f.aIp);
  if (!fwd && !rev) return false;
  if (f.proto < 0) return true;
  if (proto !== f.proto || sp < 0) return false;
  return fwd ? sp === f.aPort && dp === f.bPort : sp === f.bPort && dp === f.aPort;
}

/**
 * True when `rec` belongs to one of the flows. The outer link/IP(/TCP) headers are read directly, so segments
 * without payload (pure ACKs, which the packet decoder does not emit) and IP fragments are found; tunnelled
 * packets fall back to the full decoder. Addresses are compared as bytes: nothing is allocated per record.
 */
function recordInFlows(rec: CaptureRecord, h: PeekedHeaders | undefined, flows: CompiledFlow[], decoder: PacketDecoder): boolean {
  if (h !== undefined) {
    for (const f of flows) if (onFlow(f, rec.data, h.srcAt, h.dstAt, h.addrLen, h.protocol, h.srcPort, h.dstPort)) return true;
    // Plain TCP, or UDP outside a tunnel: the outer headers said it all.
    if (h.protocol === IPPROTO_TCP || (h.protocol === IPPROTO_UDP && !isTunnelPort(h.srcPort) && !isTunnelPort(h.dstPort))) return false;
  }
  // Tunnelled packets (GRE, VXLAN, IP-in-IP...): the inner TCP segment or UDP datagram, from the full decoder.
  if (!flows.some((f) => f.proto >= 0)) return false;
  let hit = false;
  decoder.decode(rec, (p: NetPacket) => {
    if (hit || (p.protocol !== IPPROTO_TCP && p.protocol !== IPPROTO_UDP) || p.srcIp.length !== p.dstIp.length) return;
    const both = new Uint8Array(p.srcIp.length * 2);
    both.set(p.srcIp, 0);
    both.set(p.dstIp, p.srcIp.length);
    hit = flows.some((f) => f.proto >= 0 && onFlow(f, both, 0, p.srcIp.length, p.srcIp.length, p.protocol, p.srcPort, p.dstPort));
  });
  return hit;
}

/** Reused parser outputs. */
interface HeaderPeek {
  link: LinkOut;
  ip4: Ipv4Out;
  ip6: Ipv6Out;
}

interface PeekedHeaders {
  /** Offsets of the outer source and destination addresses in the record's data, and their length (4 or 16). */
  srcAt: number;
  dstAt: number;
  addrLen: number;
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** Set on IP fragments: identifies the datagram (RFC 791 §3.2: source, destination, protocol, identification). */
  fragmentKey: string | undefined;
}

const peeked: PeekedHeaders = { srcAt: 0, dstAt: 0, addrLen: 0, protocol: 0, srcPort: -1, dstPort: -1, fragmentKey: undefined };

/**
 * Outer IP addresses (as offsets), protocol and (first fragment / unfragmented TCP or UDP only) ports of a record, or
 * undefined when it is not IP (or, unless `wanted`, not a fragment: then nobody needs its headers). Ports are -1
 * when not available. The result is one reused object: read it before the next call.
 */
function peekHeaders(rec: CaptureRecord, p: HeaderPeek, wanted: boolean): PeekedHeaders | undefined {
  const d = rec.data;
  if (decodeLinkHeader(rec.linkType, d, d.length, p.link) !== LINK_OK) return undefined;
  const out = peeked;
  let l4 = -1;
  let l4End = 0;
  out.fragmentKey = undefined;
  if (p.link.etherType === ETHERTYPE_IPV4) {
    if (parseIpv4(d, p.link.offset, d.length, p.ip4) !== IP_OK) return undefined;
    const fragment = p.ip4.moreFragments || p.ip4.fragOffset > 0;
    if (!wanted && !fragment) return undefined;
    out.srcAt = p.ip4.srcOff;
    out.dstAt = p.ip4.dstOff;
    out.addrLen = 4;
    out.protocol = p.ip4.protocol;
    if (fragment) out.fragmentKey = `4|${formatIp(d.subarray(out.srcAt, out.srcAt + 4))}|${formatIp(d.subarray(out.dstAt, out.dstAt + 4))}|${out.protocol}|${p.ip4.id}`;
    if (p.ip4.fragOffset === 0) {
      l4 = p.ip4.payloadStart;
      l4End = p.ip4.payloadEnd;
    }
  } else if (p.link.etherType === ETHERTYPE_IPV6) {
    if (parseIpv6(d, p.link.offset, d.length, p.ip6) !== IP_OK) return undefined;
    if (!wanted && !p.ip6.fragment) return undefined;
    out.srcAt = p.ip6.srcOff;
    out.dstAt = p.ip6.dstOff;
    out.addrLen = 16;
    out.protocol = p.ip6.nextHeader;
    // RFC 8200 §4.5: fragments of one packet share source, destination and Identification.
    if (p.ip6.fragment) out.fragmentKey = `6|${formatIp(d.subarray(out.srcAt, out.srcAt + 16))}|${formatIp(d.subarray(out.dstAt, out.dstAt + 16))}|${p.ip6.fragId}`;
    if (!p.ip6.fragment || p.ip6.fragOffset === 0) {
      l4 = p.ip6.payloadStart;
      l4End = p.ip6.payloadEnd;
    }
  } else return undefined;
  out.srcPort = -1;
  out.dstPort = -1;
  if (l4 >= 0 && l4 + 4 <= l4End) {
    out.srcPort = (d[l4]! << 8) | d[l4 + 1]!;
    out.dstPort = (d[l4 + 2]! << 8) | d[l4 + 3]!;
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// Writers (little-endian, as libpcap writes on x86)

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * Encodes a capture a record at a time: `header()` once, then `encode(r, out)` per record in file order.
 * - `pcap` (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): 24-byte file header with magic
 *   0xA1B2C3D4 (µs) or 0xA1B23C4D (ns: when a source interface has sub-microsecond timestamps), `opts.linkType` and
 *   `opts.snaplen` (262144 when 0), then a 16-byte record header per record.
 * - `pcapng` (RFC 9568 draft-ietf-opsawg-pcapng): a Section Header Block, then per record an Enhanced Packet Block,
 *   preceded by an Interface Description Block the first time its (source interface, link type) is used (same link
 *   type, snaplen and name as in `interfaces`; if_tsresol = 9, i.e. nanoseconds), so interface ids count from 0 in
 *   order of first use.
 */
export class CaptureEncoder {
  private readonly nanosecond: boolean;
  private readonly idbIndex = new Map<string, number>();

  constructor(
    readonly format: 'pcap' | 'pcapng',
    private readonly interfaces: readonly CaptureInterface[],
    private readonly opts: { linkType: number; snaplen: number },
  ) {
    this.nanosecond = interfaces.some((i) => i.tsUnitsPerSecond > 1e6);
  }

  header(): Uint8Array {
    if (this.format === 'pcap') {
      const out = new Uint8Array(24);
      const v = new DataView(out.buffer);
      v.setUint32(0, this.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, true);
      v.setUint16(4, 2, true);
      v.setUint16(6, 4, true);
      v.setUint32(16, (this.opts.snaplen || 262144) >>> 0, true);
      v.setUint32(20, this.opts.linkType >>> 0, true);
      return out;
    }
    // SHB: byte-order magic, version 1.0, section length unknown (-1).
    const shb = new Uint8Array(16);
    const sv = new DataView(shb.buffer);
    sv.setUint32(0, 0x1a2b3c4d, true);
    sv.setUint16(4, 1, true);
    sv.setUint16(6, 0, true);
    sv.setInt32(8, -1, true);
    sv.setInt32(12, -1, true);
    return block(0x0a0d0d0a, shb);
  }

  /** Append record `r` (pcapng: its interface's IDB first, on the interface's first record) to `out`. */
  encode(r: RecordFields, out: OutputBuffers): void {
    const n = r.data.length;
    if (this.format === 'pcap') {
      const { buf, view, at } = out.reserve(16 + n);
      view.setUint32(at, r.timeSec >>> 0, true);
      view.setUint32(at + 4, this.nanosecond ? r.timeNsec : Math.floor(r.timeNsec / 1000), true);
      view.setUint32(at + 8, n, true);
      view.setUint32(at + 12, Math.max(r.originalLength, n) >>> 0, true);
      buf.set(r.data, at + 16);
      out.commit(16 + n);
      return;
    }
    const key = `${r.interfaceId}|${r.linkType}`;
    let id = this.idbIndex.get(key);
    if (id === undefined) {
      id = this.idbIndex.size;
      this.idbIndex.set(key, id);
      out.add(this.idb(r));
    }
    // EPB: type, total length, interface id, timestamp (high, low 32 bits; ns units), captured and original lengths,
    // data padded to 4 bytes, total length again.
    const len = 32 + pad4(n);
    const ts = nanosecondHalves(r.timeSec, r.timeNsec);
    const { buf, view, at } = out.reserve(len);
    view.setUint32(at, 6, true);
    view.setUint32(at + 4, len, true);
    view.setUint32(at + 8, id, true);
    view.setUint32(at + 12, ts.high, true);
    view.setUint32(at + 16, ts.low, true);
    view.setUint32(at + 20, n, true);
    view.setUint32(at + 24, Math.max(r.originalLength, n) >>> 0, true);
    buf.set(r.data, at + 28);
    buf.fill(0, at + 28 + n, at + len - 4);
    view.setUint32(at + len - 4, len, true);
    out.commit(len);
  }

  private idb(r: RecordFields): Uint8Array {
    const itf = this.interfaces.find((i) => i.id === r.interfaceId && i.linkType === r.linkType);
    const name = itf?.name !== undefined ? encodeUtf8(itf.name) : undefined;
    const optLen = 8 /* if_tsresol */ + (name ? 4 + pad4(name.length) : 0) + 4 /* opt_endofopt */;
    const body = new Uint8Array(8 + optLen);
    const v = new DataView(body.buffer);
    v.setUint16(0, r.linkType, true);
    v.setUint32(4, itf?.snapLength ?? 0, true);
    let o = 8;
    v.setUint16(o, 9, true); // if_tsresol
    v.setUint16(o + 2, 1, true);
    body[o + 4] = 9; // 10^-9 s
    o += 8;
    if (name) {
      v.setUint16(o, 2, true); // if_name
      v.setUint16(o + 2, name.length, true);
      body.set(name, o + 4);
      o += 4 + pad4(name.length);
    }
    // opt_endofopt: zero code and length (already zero).
    return block(1, body);
  }
}

const halves = { high: 0, low: 0 };

/**
 * High and low 32 bits of `sec` * 10^9 + `nsec` (a 64-bit count of nanoseconds; the object is reused). Exact for
 * 0 <= sec < 2^32 without BigInt: 10^9 = 1953125 * 2^9 and sec * 1953125 < 2^53; later times go through BigInt.
 */
function nanosecondHalves(sec: number, nsec: number): { high: number; low: number } {
  if (sec >= 0 && sec < 4294967296) {
    const p = Math.floor(sec) * 1953125;
    const pHigh = Math.floor(p / 8388608); // 2^23: p * 2^9 = pHigh * 2^32 + pLow * 2^9
    const low = (p - pHigh * 8388608) * 512 + Math.floor(nsec);
    halves.high = pHigh + Math.floor(low / 4294967296);
    halves.low = low % 4294967296;
    return halves;
  }
  const ts = BigInt(Math.floor(sec)) * 1_000_000_000n + BigInt(Math.floor(nsec));
  halves.high = Number((ts >> 32n) & 0xffffffffn);
  halves.low = Number(ts & 0xffffffffn);
  return halves;
}

/** A pcapng block: type, total length, body padded to 4 bytes, total length again. */
function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + pad4(body.length);
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, len, true);
  b.set(body, 8);
  v.setUint32(len - 4, len, true);
  return b;
}
