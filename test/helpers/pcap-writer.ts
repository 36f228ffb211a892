// Test helper: builds Ethernet/IPv4/IPv6 + UDP/TCP frames and writes classic pcap or pcapng files from text SIP,
// so unit tests can feed the real capture pipeline with inline messages.
import { concatBytes } from '../../src/core/util/bytes';

export interface FrameSpec {
  /** Seconds since epoch (may be fractional; microsecond precision is kept). */
  time?: number;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  protocol?: 'udp' | 'tcp';
  /** TCP only */
  seq?: number;
  ack?: number;
  flags?: number;
  payload: Uint8Array | string;
}

const enc = new TextEncoder();
export const bytesOf = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);

/** Convert LF line ends of a template literal to CRLF (SIP wire form). */
export const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

function ipv4Bytes(a: string): Uint8Array {
  return Uint8Array.from(a.split('.').map((x) => Number(x)));
}

export function ipv6Bytes(a: string): Uint8Array {
  const out = new Uint8Array(16);
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail !== undefined && tail ? tail.split(':').filter(Boolean) : [];
  const words = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  words.forEach((w, i) => {
    const v = parseInt(w, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

function checksum16(buf: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/** L4 header + payload (UDP or TCP). Checksums are left zero (captures often have offloaded checksums). */
export function l4Segment(spec: FrameSpec): Uint8Array {
  const payload = bytesOf(spec.payload);
  const sp = spec.srcPort ?? 5060;
  const dp = spec.dstPort ?? 5060;
  if ((spec.protocol ?? 'udp') === 'udp') {
    const b = new Uint8Array(8 + payload.length);
    const v = new DataView(b.buffer);
    v.setUint16(0, sp);
    v.setUint16(2, dp);
    v.setUint16(4, b.length);
    b.set(payload, 8);
    return b;
  }
  const b = new Uint8Array(20 + payload.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, sp);
  v.setUint16(2, dp);
  v.setUint32(4, (spec.seq ?? 1) >>> 0);
  v.setUint32(8, (spec.ack ?? 0) >>> 0);
  b[12] = 5 << 4;
  b[13] = spec.flags ?? 0x18; // PSH|ACK
  v.setUint16(14, 65535);
  b.set(payload, 20);
  return b;
}

/** IPv4 packet around an L4 segment. `fragment` lets tests build fragments by hand. */
export function ipv4Packet(
  src: string,
  dst: string,
  proto: number,
  l4: Uint8Array,
  opts: { id?: number; fragOffset8?: number; moreFragments?: boolean; ttl?: number } = {},
): Uint8Array {
  const b = new Uint8Array(20 + l4.length);
  const v = new DataView(b.buffer);
  b[0] = 0x45;
  v.setUint16(2, b.length);
  v.setUint16(4, opts.id ?? 1);
  v.setUint16(6, ((opts.moreFragments ? 1 : 0) << 13) | (opts.fragOffset8 ?? 0));
  b[8] = opts.ttl ?? 64;
  b[9] = proto;
  b.set(ipv4Bytes(src), 12);
  b.set(ipv4Bytes(dst), 16);
  v.setUint16(10, checksum16(b.subarray(0, 20)));
  b.set(l4, 20);
  return b;
}

export function ipv6Packet(src: string, dst: string, nextHeader: number, l4: Uint8Array): Uint8Array {
  const b = new Uint8Array(40 + l4.length);
  const v = new DataView(b.buffer);
  b[0] = 0x60;
  v.setUint16(4, l4.length);
  b[6] = nextHeader;
  b[7] = 64;
  b.set(ipv6Bytes(src), 8);
  b.set(ipv6Bytes(dst), 24);
  b.set(l4, 40);
  return b;
}

/** Ethernet II frame around an IP packet (ethertype from the IP version nibble). */
export function ethernetFrame(ip: Uint8Array): Uint8Array {
  const b = new Uint8Array(14 + ip.length);
  b.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1], 0);
  const et = (ip[0]! >> 4) === 6 ? 0x86dd : 0x0800;
  b[12] = et >> 8;
  b[13] = et & 0xff;
  b.set(ip, 14);
  return b;
}

/** A complete Ethernet frame for a FrameSpec (IPv4 unless an address contains ':'). */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const src = spec.src ?? '192.0.2.1';
  const dst = spec.dst ?? '192.0.2.2';
  const proto = (spec.protocol ?? 'udp') === 'udp' ? 17 : 6;
  const l4 = l4Segment(spec);
  const ip = src.includes(':') ? ipv6Packet(src, dst, proto, l4) : ipv4Packet(src, dst, proto, l4);
  return ethernetFrame(ip);
}

export interface RawRecord {
  time?: number;
  data: Uint8Array;
  originalLength?: number;
}

/** Classic pcap (microsecond magic, little-endian, LINKTYPE_ETHERNET unless given). */
export function writePcap(records: RawRecord[], opts: { linkType?: number; nanosecond?: boolean; bigEndian?: boolean; snaplen?: number } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const total = 24 + records.reduce((n, r) => n + 16 + r.data.length, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, le);
  v.setUint16(4, 2, le);
  v.setUint16(6, 4, le);
  v.setUint32(16, opts.snaplen ?? 262144, le);
  v.setUint32(20, opts.linkType ?? 1, le);
  let o = 24;
  records.forEach((r, i) => {
    const t = r.time ?? 1_700_000_000 + i * 0.01;
    const sec = Math.floor(t);
    const frac = opts.nanosecond ? Math.round((t - sec) * 1e9) : Math.round((t - sec) * 1e6);
    v.setUint32(o, sec, le);
    v.setUint32(o + 4, frac, le);
    v.setUint32(o + 8, r.data.length, le);
    v.setUint32(o + 12, r.originalLength ?? r.data.length, le);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  });
  return out;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * pcapng: one SHB, one IDB per distinct link type used (records may name an interface), EPBs (µs resolution).
 * `tlsKeyLog`: NSS key log text written as a Decryption Secrets Block (type 'TLSK') before the packets.
 */
export function writePcapng(records: (RawRecord & { interfaceId?: number })[], interfaces: { linkType: number; snaplen?: number }[] = [{ linkType: 1 }], opts: { tlsKeyLog?: string } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const len = 12 + pad4(body.length);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    parts.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setBigInt64(8, -1n, true);
  block(0x0a0d0d0a, shb);
  for (const itf of interfaces) {
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setUint16(0, itf.linkType, true);
    v.setUint32(4, itf.snaplen ?? 262144, true);
    block(1, b);
  }
  if (opts.tlsKeyLog !== undefined) {
    const secrets = enc.encode(opts.tlsKeyLog);
    const b = new Uint8Array(8 + secrets.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x544c534b, true);
    v.setUint32(4, secrets.length, true);
    b.set(secrets, 8);
    block(0x0000000a, b);
  }
  records.forEach((r, i) => {
    const t = r.time ?? 1_700_000_000 + i * 0.01;
    const ts = BigInt(Math.floor(t)) * 1_000_000n + BigInt(Math.round((t - Math.floor(t)) * 1e6));
    const body = new Uint8Array(20 + pad4(r.data.length));
    const v = new DataView(body.buffer);
    v.setUint32(0, r.interfaceId ?? 0, true);
    v.setUint32(4, Number(ts >> 32n), true);
    v.setUint32(8, Number(ts & 0xffffffffn), true);
    v.setUint32(12, r.data.length, true);
    v.setUint32(16, r.originalLength ?? r.data.length, true);
    body.set(r.data, 20);
    block(6, body);
  });
  return concatBytes(parts);
}

/** Convenience: a pcap of Ethernet frames built from FrameSpecs. */
export function pcapOf(frames: FrameSpec[]): Uint8Array {
  return writePcap(frames.map((f, i) => ({ time: f.time ?? 1_700_000_000 + i * 0.01, data: buildFrame(f) })));
}
