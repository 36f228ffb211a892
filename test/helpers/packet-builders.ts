// Test helper: link headers (SLL, SLL2, NULL/LOOP, VLAN/QinQ, Cisco HDLC, NFLOG), tunnels (GRE, ERSPAN II/III, PPP,
// GTP-U, Geneve, TZSP), IPv6
// extension headers, IP fragments, SCTP packets and a flexible pcapng writer (sections, byte orders, if_tsresol,
// if_tsoffset, EPB/SPB/OPB) for the capture reader and packet decoder tests.
import { concatBytes } from '../../src/core/util/bytes';
import { ipv6Bytes } from './pcap-writer';

export const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** Concatenate a (possibly long) list of byte arrays (core/util/bytes.ts concatBytes). */
export const concatList = concatBytes;

const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

export const ipv4Of = (a: string): Uint8Array => Uint8Array.from(a.split('.').map(Number));
export { ipv6Bytes };

const MACS = [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];

/** Ethernet II header + payload with an explicit ethertype. */
export function ether(etherType: number, payload: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([...MACS, ...u16(etherType)]), payload);
}

/** Ethernet with a stack of VLAN tags: tags = [[tpid, vid], ...] outermost first. */
export function etherVlan(tags: [number, number][], etherType: number, payload: Uint8Array): Uint8Array {
  // MACs, TPID1, TCI1, TPID2, TCI2, ..., ethertype.
  const hdr: number[] = [...MACS];
  tags.forEach(([tpid, vid], i) => {
    if (i === 0) hdr.push(...u16(tpid));
    hdr.push(...u16(vid & 0x0fff));
    hdr.push(...u16(i + 1 < tags.length ? tags[i + 1]![0] : etherType));
  });
  return concat(Uint8Array.from(hdr), payload);
}

const ethertypeOf = (ip: Uint8Array): number => (ip[0]! >> 4 === 6 ? 0x86dd : 0x0800);

/** Linux cooked v1 (LINKTYPE_LINUX_SLL, 113). */
export function sll(ip: Uint8Array, protocol = ethertypeOf(ip)): Uint8Array {
  return concat(Uint8Array.from([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...u16(protocol)]), ip);
}

/** Linux cooked v2 (LINKTYPE_LINUX_SLL2, 276). */
export function sll2(ip: Uint8Array, protocol = ethertypeOf(ip)): Uint8Array {
  return concat(Uint8Array.from([...u16(protocol), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]), ip);
}

/** BSD loopback header (NULL = 0 host order, LOOP = 108 network order); `littleEndian` picks the AF byte order. */
export function nullHeader(af: number, ip: Uint8Array, littleEndian: boolean): Uint8Array {
  const h = littleEndian ? [af & 0xff, (af >> 8) & 0xff, 0, 0] : u32(af);
  return concat(Uint8Array.from(h), ip);
}

/** GRE header (RFC 2784/2890) with optional checksum, key, sequence. */
export function gre(protocol: number, payload: Uint8Array, opts: { checksum?: boolean; key?: number; seq?: number } = {}): Uint8Array {
  let flags = 0;
  const extra: number[] = [];
  if (opts.checksum) {
    flags |= 0x8000;
    extra.push(0, 0, 0, 0);
  }
  if (opts.key !== undefined) {
    flags |= 0x2000;
    extra.push(...u32(opts.key));
  }
  if (opts.seq !== undefined) {
    flags |= 0x1000;
    extra.push(...u32(opts.seq));
  }
  return concat(Uint8Array.from([...u16(flags), ...u16(protocol), ...extra]), payload);
}

/** ERSPAN type II header (8 bytes) + frame. */
export function erspan2(frame: Uint8Array, session = 1): Uint8Array {
  return concat(Uint8Array.from([0x10, 0x00, 0x00 | ((session >> 8) & 3), session & 0xff, 0, 0, 0, 0]), frame);
}

/** ERSPAN type III header (12 bytes, + 8-byte platform subheader when `platform`) + frame; ft 0 = Ethernet, 2 = IP. */
export function erspan3(frame: Uint8Array, opts: { platform?: boolean; ft?: number } = {}): Uint8Array {
  const w = ((opts.ft ?? 0) << 10) | (opts.platform ? 1 : 0);
  const h = [0x20, 0x00, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44, 0, 0, ...u16(w)];
  if (opts.platform) h.push(0x08, 0, 0, 0, 0, 0, 0, 0);
  return concat(Uint8Array.from(h), frame);
}

/** PPP frame (address/control FF 03 unless `compressed`) with protocol 0x0021/0x0057. */
export function ppp(ip: Uint8Array, compressed = false): Uint8Array {
  const proto = ethertypeOf(ip) === 0x0800 ? 0x21 : 0x57;
  return compressed ? concat(Uint8Array.from([proto]), ip) : concat(Uint8Array.from([0xff, 0x03, 0x00, proto]), ip);
}

/** Cisco HDLC (LINKTYPE_C_HDLC, 104): address 0x0f, control 0, ethertype. */
export function cHdlc(ip: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([0x0f, 0x00, ...u16(ethertypeOf(ip))]), ip);
}

/**
 * LINKTYPE_NFLOG (239): family, version, resource id, then TLVs (length and type in the capturing host's order:
 * little-endian unless `bigEndian`): NFULA_PACKET_HDR (1), NFULA_PREFIX (10), NFULA_PAYLOAD (9) with the packet.
 */
export function nflog(ip: Uint8Array, bigEndian = false): Uint8Array {
  const tlv = (type: number, value: Uint8Array): Uint8Array => {
    const len = 4 + value.length;
    const h = bigEndian ? [...u16(len), ...u16(type)] : [len & 0xff, len >> 8, type & 0xff, type >> 8];
    return concat(Uint8Array.from(h), value, new Uint8Array((4 - (len % 4)) % 4));
  };
  const family = ethertypeOf(ip) === 0x0800 ? 2 : 10;
  return concat(Uint8Array.from([family, 0, 0, 0]), tlv(1, Uint8Array.from([8, 0, 3, 0])), tlv(10, Uint8Array.from([0x6c, 0x6f, 0x67, 0])), tlv(9, ip));
}

/**
 * GTPv1-U header (3GPP TS 29.281 §5.1) around `payload`: message type 255 (T-PDU) unless `type`; `seq` sets S and the
 * optional 4 bytes; `ext` adds one 4-byte PDU session container extension header (E flag).
 */
export function gtpu(payload: Uint8Array, opts: { seq?: number; ext?: boolean; type?: number } = {}): Uint8Array {
  const optional = opts.seq !== undefined || opts.ext === true;
  const flags = 0x30 | (opts.ext ? 0x04 : 0) | (opts.seq !== undefined ? 0x02 : 0);
  const extra = optional ? [...u16(opts.seq ?? 0), 0, opts.ext ? 0x85 : 0] : [];
  const exts = opts.ext ? [1, 0x10, 0x01, 0x00] : [];
  const len = extra.length + exts.length + payload.length;
  return concat(Uint8Array.from([flags, opts.type ?? 0xff, ...u16(len), ...u32(0x1234), ...extra, ...exts]), payload);
}

/** Geneve header (RFC 8926 §3.4) with `optionWords` 4-byte words of options, protocol type `protocol`. */
export function geneve(protocol: number, payload: Uint8Array, optionWords = 0): Uint8Array {
  const opts = new Uint8Array(optionWords * 4);
  return concat(Uint8Array.from([optionWords & 0x3f, 0, ...u16(protocol), 0, 0x12, 0x34, 0]), opts, payload);
}

/** TZSP header: version 1, type 0 (received), encapsulation 1 (Ethernet), a padding tag and END, then the frame. */
export function tzsp(frame: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([1, 0, 0, 1, 0, 1]), frame);
}

/**
 * An IEEE 802.11 data frame (LINKTYPE_IEEE802_11, 105) carrying `ip` behind LLC/SNAP: `qos` (QoS data subtype, +2
 * bytes), `wds` (to-DS and from-DS: a fourth address), `protectedBody` (the Protected Frame bit: not readable).
 */
export function dot11(ip: Uint8Array, opts: { qos?: boolean; wds?: boolean; protectedBody?: boolean } = {}): Uint8Array {
  const fc0 = opts.qos ? 0x88 : 0x08;
  const fc1 = (opts.wds ? 0x03 : 0x01) | (opts.protectedBody ? 0x40 : 0);
  const addrs = [0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 2, 0, 0, 0, 0, 1];
  const hdr = [fc0, fc1, 0, 0, ...addrs, 0x10, 0, ...(opts.wds ? [2, 0, 0, 0, 0, 2] : []), ...(opts.qos ? [0, 0] : [])];
  return concat(Uint8Array.from([...hdr, 0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(ethertypeOf(ip))]), ip);
}

/** A minimal radiotap header (LINKTYPE_IEEE802_11_RADIOTAP, 127: version 0, length 8, no fields) + an 802.11 frame. */
export function radiotap(frame: Uint8Array): Uint8Array {
  return concat(Uint8Array.from([0, 0, 8, 0, 0, 0, 0, 0]), frame);
}

/** Apple PKTAP header (LINKTYPE_PKTAP, 258: 108 bytes, little-endian) in front of a frame of link type `dlt`. */
export function pktap(frame: Uint8Array, dlt = 1): Uint8Array {
  const h = new Uint8Array(108);
  const v = new DataView(h.buffer);
  v.setUint32(0, 108, true);
  v.setUint32(4, 1, true);
  v.setUint32(8, dlt, true);
  h.set([0x65, 0x6e, 0x30], 12); // "en0"
  return concat(h, frame);
}

/** PPTP enhanced GRE (version 1) around a PPP frame. */
export function greV1(pppFrame: Uint8Array, seq?: number): Uint8Array {
  const flags = 0x2000 | (seq !== undefined ? 0x1000 : 0) | 1;
  return concat(Uint8Array.from([...u16(flags), ...u16(0x880b), ...u16(pppFrame.length), 0, 7, ...(seq !== undefined ? u32(seq) : [])]), pppFrame);
}

/** IPv4 header with options (`options` length must be a multiple of 4). */
export function ipv4WithOptions(src: string, dst: string, proto: number, payload: Uint8Array, options: Uint8Array): Uint8Array {
  const hl = 20 + options.length;
  const b = new Uint8Array(hl + payload.length);
  b[0] = 0x40 | (hl / 4);
  b.set(u16(b.length), 2);
  b[8] = 64;
  b[9] = proto;
  b.set(ipv4Of(src), 12);
  b.set(ipv4Of(dst), 16);
  b.set(options, 20);
  b.set(payload, hl);
  return b;
}

/** Generic IPv6 extension header (hop-by-hop 0, routing 43, destination options 60): `(len+1)*8` bytes. */
export function ext6(next: number, bodyLen8: number): Uint8Array {
  const b = new Uint8Array((bodyLen8 + 1) * 8);
  b[0] = next;
  b[1] = bodyLen8;
  b[2] = 1; // PadN option type in options headers / routing type in routing headers; contents are not checked
  b[3] = bodyLen8 * 8 + 2;
  return b;
}

/** IPsec AH header (RFC 4302): `(len+2)*4` bytes with a 12-byte ICV. */
export function ah(next: number): Uint8Array {
  const b = new Uint8Array(24);
  b[0] = next;
  b[1] = 24 / 4 - 2;
  return b;
}

/** IPv6 packet with a raw `nextHeader` and already-built extension chain + upper layer in `rest`. */
export function ipv6Raw(src: string, dst: string, nextHeader: number, rest: Uint8Array): Uint8Array {
  const b = new Uint8Array(40 + rest.length);
  b[0] = 0x60;
  b.set(u16(rest.length), 4);
  b[6] = nextHeader;
  b[7] = 64;
  b.set(ipv6Bytes(src), 8);
  b.set(ipv6Bytes(dst), 24);
  b.set(rest, 40);
  return b;
}

/** Split an L4 datagram into IPv4 fragments of at most `size` data bytes (multiple of 8). */
export function ipv4Fragments(src: string, dst: string, proto: number, l4: Uint8Array, size: number, id = 0x1234): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < l4.length; off += size) {
    const chunk = l4.subarray(off, Math.min(l4.length, off + size));
    const more = off + size < l4.length;
    const b = new Uint8Array(20 + chunk.length);
    b[0] = 0x45;
    b.set(u16(b.length), 2);
    b.set(u16(id), 4);
    b.set(u16((more ? 0x2000 : 0) | (off / 8)), 6);
    b[8] = 64;
    b[9] = proto;
    b.set(ipv4Of(src), 12);
    b.set(ipv4Of(dst), 16);
    b.set(chunk, 20);
    out.push(b);
  }
  return out;
}

/** Raw IPv4 fragment with explicit offset (bytes, multiple of 8) and MF flag. */
export function ipv4Fragment(src: string, dst: string, proto: number, data: Uint8Array, offset: number, more: boolean, id = 0x1234): Uint8Array {
  const b = new Uint8Array(20 + data.length);
  b[0] = 0x45;
  b.set(u16(b.length), 2);
  b.set(u16(id), 4);
  b.set(u16((more ? 0x2000 : 0) | (offset / 8)), 6);
  b[8] = 64;
  b[9] = proto;
  b.set(ipv4Of(src), 12);
  b.set(ipv4Of(dst), 16);
  b.set(data, 20);
  return b;
}

/** Split an upper-layer payload into IPv6 fragments (Fragment header, RFC 8200 §4.5), optional dest-opts before it. */
export function ipv6Fragments(src: string, dst: string, nextHeader: number, l4: Uint8Array, size: number, id = 0xabcdef01): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < l4.length; off += size) {
    const chunk = l4.subarray(off, Math.min(l4.length, off + size));
    const more = off + size < l4.length;
    const fh = Uint8Array.from([nextHeader, 0, ...u16(off | (more ? 1 : 0)), ...u32(id)]);
    out.push(ipv6Raw(src, dst, 44, concat(fh, chunk)));
  }
  return out;
}

/** SCTP chunk with 4-byte padding. */
export function sctpChunk(type: number, flags: number, value: Uint8Array): Uint8Array {
  const len = 4 + value.length;
  const b = new Uint8Array((len + 3) & ~3);
  b[0] = type;
  b[1] = flags;
  b.set(u16(len), 2);
  b.set(value, 4);
  return b;
}

/** SCTP DATA chunk (RFC 4960 §3.3.1): flags U=4 B=2 E=1. */
export function sctpData(tsn: number, stream: number, ssn: number, ppid: number, data: Uint8Array, flags = 3): Uint8Array {
  return sctpChunk(0, flags, concat(Uint8Array.from([...u32(tsn), ...u16(stream), ...u16(ssn), ...u32(ppid)]), data));
}

/** SCTP I-DATA chunk (RFC 8260 §2.1): B fragment carries the PPID, others the FSN. */
export function sctpIData(tsn: number, stream: number, mid: number, ppidOrFsn: number, data: Uint8Array, flags = 3): Uint8Array {
  return sctpChunk(64, flags, concat(Uint8Array.from([...u32(tsn), ...u16(stream), 0, 0, ...u32(mid), ...u32(ppidOrFsn)]), data));
}

/** SCTP packet: common header + chunks. */
export function sctpPacket(sp: number, dp: number, chunks: Uint8Array[], vtag = 0x01020304): Uint8Array {
  return concat(Uint8Array.from([...u16(sp), ...u16(dp), ...u32(vtag), 0, 0, 0, 0]), ...chunks);
}

// ---------------------------------------------------------------------------------------------------------------
// pcapng writer with sections, byte orders and options (pcapng draft §4).

export interface NgPacket {
  kind?: 'epb' | 'spb' | 'opb';
  interfaceId?: number;
  /** Raw 64-bit timestamp in the interface's units. */
  ts?: bigint;
  data: Uint8Array;
  originalLength?: number;
}

export interface NgInterface {
  linkType: number;
  snaplen?: number;
  tsresol?: number;
  tsoffset?: bigint;
  name?: string;
}

export interface NgSection {
  littleEndian: boolean;
  interfaces: NgInterface[];
  packets: NgPacket[];
  /** Extra unknown blocks to sprinkle before the packets (type numbers). */
  otherBlocks?: number[];
}

const pad4 = (n: number) => (n + 3) & ~3;

export function writePcapngSections(sections: NgSection[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const sec of sections) {
    const le = sec.littleEndian;
    const block = (type: number, body: Uint8Array) => {
      const len = 12 + pad4(body.length);
      const b = new Uint8Array(len);
      const v = new DataView(b.buffer);
      v.setUint32(0, type, le);
      v.setUint32(4, len, le);
      b.set(body, 8);
      v.setUint32(len - 4, len, le);
      parts.push(b);
    };
    const opts = (list: [number, Uint8Array][]): Uint8Array => {
      if (list.length === 0) return new Uint8Array(0);
      const chunks: Uint8Array[] = [];
      for (const [code, val] of list) {
        const o = new Uint8Array(4 + pad4(val.length));
        const v = new DataView(o.buffer);
        v.setUint16(0, code, le);
        v.setUint16(2, val.length, le);
        o.set(val, 4);
        chunks.push(o);
      }
      chunks.push(new Uint8Array(4));
      return concat(...chunks);
    };
    const shb = new Uint8Array(16);
    const sv = new DataView(shb.buffer);
    sv.setUint32(0, 0x1a2b3c4d, le);
    sv.setUint16(4, 1, le);
    sv.setBigInt64(8, -1n, le);
    block(0x0a0d0d0a, shb);
    for (const itf of sec.interfaces) {
      const b = new Uint8Array(8);
      const v = new DataView(b.buffer);
      v.setUint16(0, itf.linkType, le);
      v.setUint32(4, itf.snaplen ?? 262144, le);
      const list: [number, Uint8Array][] = [];
      if (itf.name) list.push([2, new TextEncoder().encode(itf.name)]);
      if (itf.tsresol !== undefined) list.push([9, Uint8Array.of(itf.tsresol)]);
      if (itf.tsoffset !== undefined) {
        const o = new Uint8Array(8);
        new DataView(o.buffer).setBigInt64(0, itf.tsoffset, le);
        list.push([14, o]);
      }
      block(1, concat(b, opts(list)));
    }
    for (const t of sec.otherBlocks ?? []) block(t, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    for (const p of sec.packets) {
      const ts = p.ts ?? 0n;
      const hi = Number(ts >> 32n);
      const lo = Number(ts & 0xffffffffn);
      if (p.kind === 'spb') {
        const body = new Uint8Array(4 + pad4(p.data.length));
        new DataView(body.buffer).setUint32(0, p.originalLength ?? p.data.length, le);
        body.set(p.data, 4);
        block(3, body);
      } else if (p.kind === 'opb') {
        const body = new Uint8Array(20 + pad4(p.data.length));
        const v = new DataView(body.buffer);
        v.setUint16(0, p.interfaceId ?? 0, le);
        v.setUint32(4, hi, le);
        v.setUint32(8, lo, le);
        v.setUint32(12, p.data.length, le);
        v.setUint32(16, p.originalLength ?? p.data.length, le);
        body.set(p.data, 20);
        block(2, body);
      } else {
        const body = new Uint8Array(20 + pad4(p.data.length));
        const v = new DataView(body.buffer);
        v.setUint32(0, p.interfaceId ?? 0, le);
        v.setUint32(4, hi, le);
        v.setUint32(8, lo, le);
        v.setUint32(12, p.data.length, le);
        v.setUint32(16, p.originalLength ?? p.data.length, le);
        body.set(p.data, 20);
        block(6, body);
      }
    }
  }
  return concatList(parts);
}

/**
 * ICMP (RFC 792) or ICMPv6 (RFC 4443) error message quoting `quoted` (the invoking IP packet), cut to `max` bytes
 * of it (RFC 792 asks for the IP header + 8 bytes; Linux quotes up to 548, RFC 4443 up to the minimum MTU). Checksum
 * left zero, as for the other builders.
 */
export function icmpError(v6: boolean, type: number, code: number, quoted: Uint8Array, max = v6 ? 1232 : 548): Uint8Array {
  const q = quoted.subarray(0, Math.min(quoted.length, max));
  const b = new Uint8Array(8 + q.length);
  b[0] = type;
  b[1] = code;
  b.set(q, 8);
  return b;
}
