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
import { formatIp } from '../util/ip';
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
 * Re-read `source` and write the selected records as a new capture: classic pcap when they share one link type
 * (nanosecond magic when the source has sub-microsecond timestamps), pcapng (one IDB per source interface used)
 * otherwise, or always with `opts.pcapng`. Rejects only when the source cannot be read; a source that is not a
 * capture gives 0 packets.
 */
export async function writeSelectedPackets(
  source: ByteSource,
  selection: PacketSelection,
  opts: { chunkSize?: number; pcapng?: boolean } = {},
): Promise<WrittenCapture> {
  const keptByFrame = new Map<number, KeptRecord>();
  const flows = [...selection.flows].sort((p, q) => p.firstFrame - q.firstFrame);
  // Flows whose frame range holds the current record (records come in frame order): a sweep over the sorted flows,
  // so a record costs the flows open at its frame, not all of them.
  let open: FlowRange[] = [];
  let nextFlow = 0;
  const openAt = (frame: number): FlowRange[] => {
    while (nextFlow < flows.length && flows[nextFlow]!.firstFrame <= frame) open.push(flows[nextFlow++]!);
    if (open.some((f) => f.lastFrame < frame)) open = open.filter((f) => f.lastFrame >= frame);
    return open;
  };
  const decoder = new PacketDecoder(new ProblemCollector());
  const peek: HeaderPeek = { link: { etherType: 0, offset: 0 }, ip4: newIpv4Out(), ip6: newIpv6Out() };
  // IP fragments: a reassembled datagram is indexed under the record that completed it, so the other fragments
  // (usually earlier) are kept too. Recent fragments are buffered (bounded) and pulled in by key.
  const recentFragments: { key: string; rec: KeptRecord; time: number }[] = [];
  const wantedFragments = new Set<string>();
  const copy = (rec: CaptureRecord): KeptRecord => ({
    frame: rec.frame,
    timeSec: rec.timeSec,
    timeNsec: rec.timeNsec,
    linkType: rec.linkType,
    interfaceId: rec.interfaceId,
    data: rec.data.slice(),
    originalLength: rec.originalLength,
  });
  const result = await readCapture(
    source,
    (rec) => {
      let keep = selection.frames.has(rec.frame);
      const active = keep ? [] : openAt(rec.frame);
      // Addresses are only formatted for records that may be kept (or are fragments): cheap on big captures.
      const h = peekHeaders(rec, peek, keep || active.length > 0);
      if (active.length > 0) keep = recordInFlows(rec, h, active, decoder);
      const fragKey = h?.fragmentKey;
      if (fragKey !== undefined) {
        if (!keep && wantedFragments.has(fragKey)) keep = true;
        if (keep && !wantedFragments.has(fragKey)) {
          wantedFragments.add(fragKey);
          for (const f of recentFragments) if (f.key === fragKey && !keptByFrame.has(f.rec.frame)) keptByFrame.set(f.rec.frame, f.rec);
        }
        if (!keep) {
          const now = rec.timeSec + rec.timeNsec / 1e9;
          recentFragments.push({ key: fragKey, rec: copy(rec), time: now });
          while (recentFragments.length > MAX_BUFFERED_FRAGMENTS || (recentFragments[0] && now - recentFragments[0].time > FRAGMENT_WINDOW_SEC)) {
            recentFragments.shift();
          }
        }
      }
      if (keep) keptByFrame.set(rec.frame, copy(rec));
    },
    { chunkSize: opts.chunkSize },
  );
  const kept = [...keptByFrame.values()].sort((a, b) => a.frame - b.frame);
  const linkTypes = [...new Set(kept.map((r) => r.linkType))];
  const nanosecond = result.interfaces.some((i) => i.tsUnitsPerSecond > 1e6);
  const frames = kept.map((r) => r.frame);
  if (linkTypes.length <= 1 && opts.pcapng !== true) {
    const used = result.interfaces.filter((i) => kept.some((r) => r.interfaceId === i.id));
    const snaplen = kept.reduce((m, r) => Math.max(m, r.data.length), used.reduce((m, i) => Math.max(m, i.snapLength), 0));
    return {
      bytes: writePcap(kept, { linkType: linkTypes[0] ?? result.interfaces[0]?.linkType ?? 1, snaplen: snaplen || 262144, nanosecond }),
      format: 'pcap',
      packets: kept.length,
      frames,
      linkTypes,
    };
  }
  return { bytes: writePcapng(kept, result.interfaces), format: 'pcapng', packets: kept.length, frames, linkTypes };
}

/**
 * True when `rec` belongs to one of the flows. The outer link/IP(/TCP) headers are read directly, so segments
 * without payload (pure ACKs, which the packet decoder does not emit) and IP fragments are found; tunnelled
 * packets fall back to the full decoder.
 */
function recordInFlows(rec: CaptureRecord, h: PeekedHeaders | undefined, flows: FlowRange[], decoder: PacketDecoder): boolean {
  if (h !== undefined) {
    const hit = flows.some((f) => {
      const fwd = sameIp(h.src, f.a) && sameIp(h.dst, f.b);
      const rev = sameIp(h.src, f.b) && sameIp(h.dst, f.a);
      if (!fwd && !rev) return false;
      if (f.protocol === 'ip') return true;
      if (h.protocol !== protocolNumber(f) || h.srcPort < 0) return false;
      return fwd ? h.srcPort === f.aPort && h.dstPort === f.bPort : h.srcPort === f.bPort && h.dstPort === f.aPort;
    });
    if (hit) return true;
    // Plain TCP, or UDP outside a tunnel: the outer headers said it all.
    if (h.protocol === IPPROTO_TCP || (h.protocol === IPPROTO_UDP && !isTunnelPort(h.srcPort) && !isTunnelPort(h.dstPort))) return false;
  }
  // Tunnelled packets (GRE, VXLAN, IP-in-IP...): the inner TCP segment or UDP datagram, from the full decoder.
  if (!flows.some((f) => f.protocol !== 'ip')) return false;
  let hit = false;
  decoder.decode(rec, (p: NetPacket) => {
    if (hit || (p.protocol !== IPPROTO_TCP && p.protocol !== IPPROTO_UDP)) return;
    const src = formatIp(p.srcIp);
    const dst = formatIp(p.dstIp);
    hit = flows.some(
      (f) =>
        f.protocol !== 'ip' &&
        protocolNumber(f) === p.protocol &&
        ((sameIp(src, f.a) && p.srcPort === f.aPort && sameIp(dst, f.b) && p.dstPort === f.bPort) ||
          (sameIp(src, f.b) && p.srcPort === f.bPort && sameIp(dst, f.a) && p.dstPort === f.aPort)),
    );
  });
  return hit;
}

/** IP protocol number of a TCP or UDP flow. */
function protocolNumber(f: FlowRange): number {
  return f.protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
}

/** Reused parser outputs. */
interface HeaderPeek {
  link: LinkOut;
  ip4: Ipv4Out;
  ip6: Ipv6Out;
}

interface PeekedHeaders {
  src: string;
  dst: string;
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** Set on IP fragments: identifies the datagram (RFC 791 §3.2: source, destination, protocol, identification). */
  fragmentKey: string | undefined;
}

/**
 * Outer IP addresses, protocol and (first fragment / unfragmented TCP or UDP only) ports of a record, or undefined
 * when it is not IP (or, unless `wanted`, not a fragment: then nobody needs its addresses). Ports are -1 when not
 * available.
 */
function peekHeaders(rec: CaptureRecord, p: HeaderPeek, wanted: boolean): PeekedHeaders | undefined {
  const d = rec.data;
  if (decodeLinkHeader(rec.linkType, d, d.length, p.link) !== LINK_OK) return undefined;
  let src: string;
  let dst: string;
  let protocol: number;
  let l4 = -1;
  let l4End = 0;
  let fragmentKey: string | undefined;
  if (p.link.etherType === ETHERTYPE_IPV4) {
    if (parseIpv4(d, p.link.offset, d.length, p.ip4) !== IP_OK) return undefined;
    if (!wanted && !p.ip4.moreFragments && p.ip4.fragOffset === 0) return undefined;
    src = formatIp(d.subarray(p.ip4.srcOff, p.ip4.srcOff + 4));
    dst = formatIp(d.subarray(p.ip4.dstOff, p.ip4.dstOff + 4));
    protocol = p.ip4.protocol;
    if (p.ip4.moreFragments || p.ip4.fragOffset > 0) fragmentKey = `4|${src}|${dst}|${protocol}|${p.ip4.id}`;
    if (p.ip4.fragOffset === 0) {
      l4 = p.ip4.payloadStart;
      l4End = p.ip4.payloadEnd;
    }
  } else if (p.link.etherType === ETHERTYPE_IPV6) {
    if (parseIpv6(d, p.link.offset, d.length, p.ip6) !== IP_OK) return undefined;
    if (!wanted && !p.ip6.fragment) return undefined;
    src = formatIp(d.subarray(p.ip6.srcOff, p.ip6.srcOff + 16));
    dst = formatIp(d.subarray(p.ip6.dstOff, p.ip6.dstOff + 16));
    protocol = p.ip6.nextHeader;
    // RFC 8200 §4.5: fragments of one packet share source, destination and Identification.
    if (p.ip6.fragment) fragmentKey = `6|${src}|${dst}|${p.ip6.fragId}`;
    if (!p.ip6.fragment || p.ip6.fragOffset === 0) {
      l4 = p.ip6.payloadStart;
      l4End = p.ip6.payloadEnd;
    }
  } else return undefined;
  let srcPort = -1;
  let dstPort = -1;
  if (l4 >= 0 && l4 + 4 <= l4End) {
    srcPort = (d[l4]! << 8) | d[l4 + 1]!;
    dstPort = (d[l4 + 2]! << 8) | d[l4 + 3]!;
  }
  return { src, dst, protocol, srcPort, dstPort, fragmentKey };
}

function sameIp(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

// -------------------------------------------------------------------------------------------------------------
// Writers (little-endian, as libpcap writes on x86)

/**
 * Classic pcap (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html): 24-byte file header with magic
 * 0xA1B2C3D4 (µs) or 0xA1B23C4D (ns), then one 16-byte record header per record.
 */
export function writePcap(records: readonly KeptRecord[], opts: { linkType: number; snaplen: number; nanosecond: boolean }): Uint8Array {
  const total = 24 + records.reduce((n, r) => n + 16 + r.data.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, opts.snaplen >>> 0, true);
  v.setUint32(20, opts.linkType >>> 0, true);
  let o = 24;
  for (const r of records) {
    v.setUint32(o, r.timeSec >>> 0, true);
    v.setUint32(o + 4, opts.nanosecond ? r.timeNsec : Math.floor(r.timeNsec / 1000), true);
    v.setUint32(o + 8, r.data.length, true);
    v.setUint32(o + 12, Math.max(r.originalLength, r.data.length) >>> 0, true);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return out;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * pcapng (RFC 9568 draft-ietf-opsawg-pcapng): a Section Header Block, one Interface Description Block per source
 * interface used (same link type, snaplen and name; if_tsresol = 9, i.e. nanoseconds), then Enhanced Packet Blocks.
 */
export function writePcapng(records: readonly KeptRecord[], interfaces: readonly CaptureInterface[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array): void => {
    const len = 12 + pad4(body.length);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    blocks.push(b);
  };
  // SHB: byte-order magic, version 1.0, section length unknown (-1).
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setInt32(8, -1, true);
  sv.setInt32(12, -1, true);
  block(0x0a0d0d0a, shb);

  // One IDB per (source interface id, link type) pair actually used, in order of first use.
  const idbIndex = new Map<string, number>();
  for (const r of records) {
    const key = `${r.interfaceId}|${r.linkType}`;
    if (idbIndex.has(key)) continue;
    idbIndex.set(key, idbIndex.size);
    const itf = interfaces.find((i) => i.id === r.interfaceId && i.linkType === r.linkType);
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
    block(1, body);
  }
  for (const r of records) {
    const body = new Uint8Array(20 + pad4(r.data.length));
    const v = new DataView(body.buffer);
    const ts = BigInt(Math.floor(r.timeSec)) * 1_000_000_000n + BigInt(Math.floor(r.timeNsec));
    v.setUint32(0, idbIndex.get(`${r.interfaceId}|${r.linkType}`)!, true);
    v.setUint32(4, Number((ts >> 32n) & 0xffffffffn), true);
    v.setUint32(8, Number(ts & 0xffffffffn), true);
    v.setUint32(12, r.data.length, true);
    v.setUint32(16, Math.max(r.originalLength, r.data.length) >>> 0, true);
    body.set(r.data, 20);
    block(6, body);
  }
  return concatBytes(blocks);
}
