// PacketDecoder: capture record -> link -> IP (tunnels, defragmentation) -> UDP/TCP/SCTP NetPackets, allocation-light.
import type { CaptureRecord } from '../capture/types';
import type { ProblemCollector } from '../capture/problems';
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type NetPacket } from './types';
import {
  decodeEthernet,
  decodeLinkHeader,
  ETHERTYPE_ERSPAN2,
  ETHERTYPE_ERSPAN3,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_PPP,
  ETHERTYPE_TEB,
  isSilentEthertype,
  LINK_OK,
  LINK_TRUNCATED,
  LINK_UNKNOWN_TYPE,
  type LinkOut,
  walkEthertype,
} from './link';
import { IP_BAD, IP_OK, IP_TRUNCATED, newIpv4Out, parseIpv4 } from './ipv4';
import { IP6_ESP, IP6_NO_NEXT, newIpv6Out, parseIpv6, walkIpv6Extensions } from './ipv6';
import { fragmentKey, IpReassembler } from './ip-reassembly';
import { newTunnelOut, parseErspan, parseGre, parsePpp, TUN_BAD, TUN_IGNORE, TUN_OK } from './gre';
import { SctpAssembler, type SctpSink } from './sctp';

export interface PacketDecoderOptions {
  /** Most IP datagrams / SCTP user messages being reassembled at once (default 1024). */
  maxFragmentBuffers?: number;
  /** Most fragment bytes buffered, per reassembler (default 64 MiB). */
  maxFragmentBytes?: number;
  /** Incomplete fragment sets older than this, in capture-time seconds, are dropped (default 30). */
  fragmentTimeoutSec?: number;
  /**
   * Called with every ICMP (IPv4 protocol 1, RFC 792) or ICMPv6 (next header 58, RFC 4443) message, which is otherwise
   * not decoded: `d[s, e)` is the message, `reporter` the sender's and `dst` the receiver's address bytes, at frame /
   * capture time `time` (seconds; also as `timeSec` + `timeNsec`). Views are valid during the call only. Used to
   * collect NAT evidence (destination unreachable) and SIP messages quoted in ICMP errors during the import.
   */
  onIcmp?: (ipVersion: 4 | 6, d: Uint8Array, s: number, e: number, reporter: Uint8Array, frame: number, time: number, dst: Uint8Array, timeSec: number, timeNsec: number) => void;
}

const IPPROTO_ICMP = 1;
const IPPROTO_ICMPV6 = 58;

const MAX_DEPTH = 8; // nested encapsulations (tunnels) before we give up
const IPPROTO_IPIP = 4; // RFC 2003
const IPPROTO_IPV6 = 41; // RFC 4213 §3.5 (6in4)
const IPPROTO_GRE = 47;
const IPPROTO_ESP = 50;
const IPPROTO_AH = 51;
// UDP tunnels tshark decodes by default (its udp.port table), so SIP inside them is SIP to it:
const VXLAN_PORT = 4789; // RFC 7348 §5 (IANA)
const GTPU_PORT = 2152; // 3GPP TS 29.281 §4.4.2: GTP-U, user plane of mobile networks (VoLTE/IMS traces)
const GENEVE_PORT = 6081; // RFC 8926 §3.3
const TZSP_PORT = 37008; // TaZmen Sniffer Protocol (remote capture from routers/APs)
const SIP_PORT = 5060;

/** A UDP port the decoder reads a tunnel on (VXLAN, GTP-U, Geneve, TZSP). */
export function isTunnelPort(port: number): boolean {
  return port === VXLAN_PORT || port === GTPU_PORT || port === GENEVE_PORT || port === TZSP_PORT;
}

/**
 * The tunnel port of a UDP datagram, or 0. tshark tries the lower port's dissector first, then the higher one's: a
 * tunnel port decides when it is the lower one, or when the lower one is not SIP's (5060, where tshark's SIP
 * dissector would take the datagram).
 */
function tunnelPort(sp: number, dp: number): number {
  const lo = sp < dp ? sp : dp;
  const hi = sp < dp ? dp : sp;
  if (isTunnelPort(lo)) return lo;
  if (lo === SIP_PORT) return 0;
  return isTunnelPort(hi) ? hi : 0;
}

/**
 * Decodes capture records into transport packets: link layer (Ethernet/VLAN/QinQ/MPLS/PPPoE, SLL, SLL2,
 * NULL/LOOP, RAW, IPv4, IPv6, PPP, Cisco HDLC, NFLOG, 802.11 and radiotap data frames, PKTAP), IPv4/IPv6 with options
 * and extension headers, IP-in-IP, 6in4, IPv6-in-IPv6, GRE (plain, TEB, PPP, ERSPAN I/II/III), UDP tunnels (VXLAN,
 * GTP-U, Geneve, TZSP), IP defragmentation, UDP, TCP and SCTP (one packet per user message). `decode()` never throws
 * on any input: bad input is counted in the ProblemCollector.
 *
 * IMPORTANT: `emit` receives ONE reused NetPacket object whose `srcIp`/`dstIp`/`payload` are views into reused or
 * capture buffers; everything is valid only during the call. Copy what you keep.
 */
export class PacketDecoder implements SctpSink {
  private readonly ipr: IpReassembler;
  private readonly sctp: SctpAssembler;
  private readonly pkt: DecodedPacket;
  private readonly src4 = new Uint8Array(4);
  private readonly dst4 = new Uint8Array(4);
  private readonly src16 = new Uint8Array(16);
  private readonly dst16 = new Uint8Array(16);
  private readonly link: LinkOut = { etherType: 0, offset: 0 };
  private readonly ip4 = newIpv4Out();
  private readonly ip6 = newIpv6Out();
  private readonly tun = newTunnelOut();
  private emitFn: (p: NetPacket) => void = () => {};
  private frame = 0;
  /** Record of the first byte of what is being decoded: `frame`, or the first fragment's within a reassembled datagram. */
  private firstFrame = 0;
  private timeSec = 0;
  private timeNsec = 0;
  private time = 0;
  /** Absolute file offset of d[0] for the array being decoded, or -1 inside reassembled data. */
  private fileBase = 0;
  /** IP version of the innermost IP header seen so far for the current packet. */
  private ipVersion: 4 | 6 = 4;
  private readonly onIcmp: PacketDecoderOptions['onIcmp'];

  constructor(
    private readonly problems: ProblemCollector,
    opts: PacketDecoderOptions = {},
  ) {
    const limits = {
      maxBuffers: Math.max(1, opts.maxFragmentBuffers ?? 1024),
      maxBytes: Math.max(0, opts.maxFragmentBytes ?? 64 * 1024 * 1024),
      timeoutSec: opts.fragmentTimeoutSec ?? 30,
    };
    this.ipr = new IpReassembler(problems, limits);
    this.sctp = new SctpAssembler(problems, { maxMessages: limits.maxBuffers, maxBytes: limits.maxBytes, timeoutSec: limits.timeoutSec }, this);
    this.pkt = new DecodedPacket(this.src4, this.dst4);
    this.onIcmp = opts.onIcmp;
  }

  /**
   * Decode one capture record, calling `emit` zero or more times (a UDP datagram, a TCP segment with data or
   * SYN/FIN/RST, each complete SCTP user message, each datagram this record's fragment completed).
   */
  decode(rec: CaptureRecord, emit: (p: NetPacket) => void): void {
    this.emitFn = emit;
    this.frame = rec.frame;
    this.firstFrame = rec.frame;
    this.timeSec = rec.timeSec;
    this.timeNsec = rec.timeNsec;
    this.time = rec.timeSec + rec.timeNsec / 1e9;
    if (this.ipr.pending > 0) this.ipr.expire(this.time);
    if (this.sctp.pending > 0) this.sctp.expire(this.time);
    // Zero-copy form when the reader offers it (no view allocated per packet); offsets then index `buf`, and
    // fileBase is the file offset of buf[0] so that fileBase + index stays an absolute file offset.
    const d = rec.buf ?? rec.data;
    const start = rec.buf ? rec.dataStart ?? 0 : 0;
    const end = rec.buf ? rec.dataEnd ?? d.length : d.length;
    this.fileBase = rec.fileOffset - start;
    const st = decodeLinkHeader(rec.linkType, d, end, this.link, start);
    if (st === LINK_OK) {
      this.network(this.link.etherType, d, this.link.offset, end, 0);
    } else if (st === LINK_TRUNCATED) {
      this.truncated('link-layer header', start);
    } else if (st === LINK_UNKNOWN_TYPE) {
      this.problems.report('capture/unknown-link-type', 'warning', `link type ${rec.linkType} is not decoded; record skipped`, rec.frame, rec.fileOffset);
    }
  }

  /** Report datagrams/messages still being reassembled as problems (call at end of capture). */
  flush(): void {
    this.ipr.flush();
    this.sctp.flush();
  }

  private offsetOf(o: number): number | undefined {
    return this.fileBase < 0 ? undefined : this.fileBase + o;
  }

  private truncated(what: string, o: number): void {
    this.problems.report('decode/truncated', 'warning', `${what} cut short by the captured length; packet skipped`, this.frame, this.offsetOf(o));
  }

  private network(etherType: number, d: Uint8Array, off: number, end: number, depth: number): void {
    if (etherType === ETHERTYPE_IPV4) this.ipv4(d, off, end, depth);
    else if (etherType === ETHERTYPE_IPV6) this.ipv6(d, off, end, depth);
    else if (etherType === ETHERTYPE_TEB) this.ethernet(d, off, end, depth + 1);
    else if (!isSilentEthertype(etherType)) {
      this.problems.report(
        'decode/unsupported-ethertype',
        'info',
        `ethertype 0x${etherType.toString(16).padStart(4, '0')} is not decoded`,
        this.frame,
        this.offsetOf(off),
      );
    }
  }

  private ethernet(d: Uint8Array, off: number, end: number, depth: number): void {
    if (depth > MAX_DEPTH) return this.tooDeep(off);
    const st = decodeEthernet(d, off, end, this.link);
    if (st === LINK_OK) this.network(this.link.etherType, d, this.link.offset, end, depth);
    else if (st === LINK_TRUNCATED) this.truncated('inner Ethernet header', off);
  }

  private tooDeep(off: number): void {
    this.problems.report('decode/too-many-encapsulations', 'warning', `more than ${MAX_DEPTH} nested tunnels; packet skipped`, this.frame, this.offsetOf(off));
  }

  private badIp(reason: string, off: number): void {
    this.problems.report('decode/bad-ip-header', 'warning', reason, this.frame, this.offsetOf(off));
  }

  // RFC 791 §3.1 / §3.2
  private ipv4(d: Uint8Array, off: number, end: number, depth: number): void {
    const h = this.ip4;
    const st = parseIpv4(d, off, end, h);
    if (st !== IP_OK) {
      if (st === IP_TRUNCATED) this.truncated('IPv4 header', off);
      else this.badIp(h.reason, off);
      return;
    }
    const proto = h.protocol;
    const ps = h.payloadStart;
    const pe = h.payloadEnd;
    const cut = h.payloadCut;
    const so = h.srcOff;
    const dO = h.dstOff;
    if (h.moreFragments || h.fragOffset !== 0) {
      if (cut) return this.truncated('IPv4 fragment', off);
      const key = fragmentKey(4, d, so, dO, h.id, proto);
      const r = this.ipr.add(key, 4, d, so, dO, proto, h.fragOffset, d.subarray(ps, pe), h.moreFragments, this.frame, this.time);
      if (r) {
        this.src4.set(r.src);
        this.dst4.set(r.dst);
        this.ipVersion = 4;
        const saved = this.fileBase;
        this.fileBase = -1;
        this.firstFrame = r.firstFrame;
        this.transport(r.protocol, r.payload, 0, r.payload.length, depth, false);
        this.firstFrame = this.frame;
        this.fileBase = saved;
      }
      return;
    }
    const s = this.src4;
    const t = this.dst4;
    s[0] = d[so]!;
    s[1] = d[so + 1]!;
    s[2] = d[so + 2]!;
    s[3] = d[so + 3]!;
    t[0] = d[dO]!;
    t[1] = d[dO + 1]!;
    t[2] = d[dO + 2]!;
    t[3] = d[dO + 3]!;
    this.ipVersion = 4;
    this.transport(proto, d, ps, pe, depth, cut);
  }

  // RFC 8200 §3, §4, §4.5
  private ipv6(d: Uint8Array, off: number, end: number, depth: number): void {
    const h = this.ip6;
    const st = parseIpv6(d, off, end, h);
    if (st !== IP_OK) return this.ipv6Status(st, off);
    const so = h.srcOff;
    const dO = h.dstOff;
    const cut = h.payloadCut;
    let nh = h.nextHeader;
    let ps = h.payloadStart;
    const pe = h.payloadEnd;
    if (h.fragment) {
      if (h.fragOffset === 0 && !h.moreFragments) {
        // Atomic fragment (RFC 6946): nothing to reassemble.
        const st2 = walkIpv6Extensions(d, ps, pe, nh, h);
        if (st2 !== IP_OK || h.fragment) return st2 === IP_OK ? this.badIp('nested IPv6 Fragment header', off) : this.ipv6Status(st2, off);
        nh = h.nextHeader;
        ps = h.payloadStart;
      } else {
        if (cut) return this.truncated('IPv6 fragment', off);
        const key = fragmentKey(6, d, so, dO, h.fragId, 0);
        const r = this.ipr.add(key, 6, d, so, dO, nh, h.fragOffset, d.subarray(ps, pe), h.moreFragments, this.frame, this.time);
        if (r) {
          this.src16.set(r.src);
          this.dst16.set(r.dst);
          this.ipVersion = 6;
          const saved = this.fileBase;
          this.fileBase = -1;
          this.firstFrame = r.firstFrame;
          const p = r.payload;
          const st3 = walkIpv6Extensions(p, 0, p.length, r.protocol, h);
          if (st3 !== IP_OK) this.ipv6Status(st3, off);
          else if (h.fragment) this.badIp('nested IPv6 Fragment header', off);
          else this.transport(h.nextHeader, p, h.payloadStart, h.payloadEnd, depth, false);
          this.firstFrame = this.frame;
          this.fileBase = saved;
        }
        return;
      }
    }
    this.src16.set(d.subarray(so, so + 16));
    this.dst16.set(d.subarray(dO, dO + 16));
    this.ipVersion = 6;
    this.transport(nh, d, ps, pe, depth, cut);
  }

  private ipv6Status(st: number, off: number): void {
    if (st === IP_TRUNCATED) this.truncated('IPv6 header chain', off);
    else if (st === IP_BAD) this.badIp(this.ip6.reason, off);
    else if (st === IP6_ESP) this.esp(off);
    // IP6_NO_NEXT: nothing to decode.
  }

  private esp(off: number): void {
    this.problems.report('decode/esp-undecodable', 'info', 'IPsec ESP payload is encrypted; not decoded', this.frame, this.offsetOf(off));
  }

  private transport(proto: number, d: Uint8Array, s: number, e: number, depth: number, cut: boolean): void {
    switch (proto) {
      case IPPROTO_UDP:
        return this.udp(d, s, e, depth, cut);
      case IPPROTO_TCP:
        return this.tcp(d, s, e, cut);
      case IPPROTO_SCTP: {
        const v4 = this.ipVersion === 4;
        this.sctp.packet(d, s, e, v4 ? this.src4 : this.src16, v4 ? this.dst4 : this.dst16, this.fileBase, this.frame, this.time);
        return;
      }
      case IPPROTO_IPIP:
        if (depth >= MAX_DEPTH) return this.tooDeep(s);
        return this.ipv4(d, s, e, depth + 1);
      case IPPROTO_IPV6:
        if (depth >= MAX_DEPTH) return this.tooDeep(s);
        return this.ipv6(d, s, e, depth + 1);
      case IPPROTO_GRE:
        if (depth >= MAX_DEPTH) return this.tooDeep(s);
        return this.gre(d, s, e, depth + 1);
      case IPPROTO_AH: {
        // IPv4 AH (RFC 4302 §2): Next Header(1) Payload Len(1) in 4-byte units minus 2.
        if (s + 8 > e) return this.truncated('IPsec AH header', s);
        const len = (d[s + 1]! + 2) * 4;
        if (s + len > e) return this.truncated('IPsec AH header', s);
        if (depth >= MAX_DEPTH) return this.tooDeep(s);
        return this.transport(d[s]!, d, s + len, e, depth + 1, cut);
      }
      case IPPROTO_ESP:
        return this.esp(s);
      case IPPROTO_ICMP:
      case IPPROTO_ICMPV6:
        // Not signalling, but a NAT's answer to it (port unreachable): handed over only when someone asked.
        if (this.onIcmp !== undefined && (proto === IPPROTO_ICMP) === (this.ipVersion === 4)) {
          const v4 = this.ipVersion === 4;
          this.onIcmp(this.ipVersion, d, s, e, v4 ? this.src4 : this.src16, this.frame, this.time, v4 ? this.dst4 : this.dst16, this.timeSec, this.timeNsec);
        }
        return;
      default:
        return; // IGMP, OSPF, VRRP...: not VoIP signalling
    }
  }

  // RFC 768
  private udp(d: Uint8Array, s: number, e: number, depth: number, cut: boolean): void {
    if (s + 8 > e) return this.truncated('UDP header', s);
    const sp = (d[s]! << 8) | d[s + 1]!;
    const dp = (d[s + 2]! << 8) | d[s + 3]!;
    const ulen = (d[s + 4]! << 8) | d[s + 5]!;
    let pe: number;
    if (ulen === 0) pe = e; // IPv6 jumbogram (RFC 2675 §4) or offload
    else if (ulen < 8) {
      this.problems.report('decode/bad-udp-length', 'warning', `UDP length ${ulen} < 8; packet skipped`, this.frame, this.offsetOf(s));
      return;
    } else if (s + ulen <= e) pe = s + ulen;
    else {
      pe = e;
      if (cut) {
        this.problems.report('decode/payload-truncated', 'warning', `UDP payload cut by the snapshot length (${e - s - 8} of ${ulen - 8} bytes)`, this.frame, this.offsetOf(s));
      } else {
        this.problems.report('decode/bad-udp-length', 'warning', `UDP length ${ulen} exceeds the IP payload (${e - s}); using what is there`, this.frame, this.offsetOf(s));
      }
    }
    const tun = tunnelPort(sp, dp);
    if (tun !== 0 && depth < MAX_DEPTH && this.udpTunnel(tun, d, s + 8, pe, depth)) return;
    const p = this.pkt;
    this.fill(p, IPPROTO_UDP, sp, dp);
    p.setPayload(d, s + 8, pe);
    p.payloadFileOffset = this.fileBase < 0 ? -1 : this.fileBase + s + 8;
    p.tcpSeq = 0;
    p.tcpAck = 0;
    p.tcpFlags = 0;
    p.sctpStream = 0;
    p.sctpPpid = 0;
    this.emitFn(p);
  }

  /**
   * The UDP payload `d[s..e)` on tunnel port `port`: decodes what it carries and returns true, or returns false when
   * the header does not fit the tunnel (then it is plain UDP, as for tshark, whose tunnel dissectors reject it).
   */
  private udpTunnel(port: number, d: Uint8Array, s: number, e: number, depth: number): boolean {
    switch (port) {
      case VXLAN_PORT:
        // RFC 7348 §5: flags byte with only the I bit (and optionally the GBP G bit) set, then Ethernet.
        if (e - s < 8 + 14 || (d[s]! & 0x77) !== 0 || (d[s]! & 0x08) === 0) return false;
        this.ethernet(d, s + 8, e, depth + 1);
        return true;
      case GTPU_PORT: {
        // 3GPP TS 29.281 §5.1: flags (version 1, PT 1, E/S/PN), message type, length, TEID; the optional 4 bytes when
        // E, S or PN is set; extension headers while "next extension header type" is not 0. T-PDU (255) carries an
        // IP packet; the other message types (echo, error indication, end marker) carry none.
        if (e - s < 8 || (d[s]! & 0xf0) !== 0x30) return false;
        if (d[s + 1] !== 0xff) return true;
        const f = d[s]!;
        const end = Math.min(e, s + 8 + ((d[s + 2]! << 8) | d[s + 3]!));
        let o = s + 8;
        if ((f & 0x07) !== 0) {
          if (end - s < 12) {
            this.truncated('GTP-U header', s);
            return true;
          }
          let next = (f & 0x04) !== 0 ? d[s + 11]! : 0;
          o = s + 12;
          while (next !== 0) {
            const len = o < end ? d[o]! * 4 : 0;
            if (len === 0 || o + len > end) {
              this.truncated('GTP-U extension header', o);
              return true;
            }
            next = d[o + len - 1]!;
            o += len;
          }
        }
        const v = o < end ? d[o]! >> 4 : 0;
        if (v === 4) this.ipv4(d, o, end, depth + 1);
        else if (v === 6) this.ipv6(d, o, end, depth + 1);
        return true;
      }
      case GENEVE_PORT: {
        // RFC 8926 §3.4: version 0, options length in 4-byte words, protocol type (an ethertype), VNI; options.
        if (e - s < 8 || d[s]! >> 6 !== 0) return false;
        const o = s + 8 + (d[s]! & 0x3f) * 4;
        if (o > e) {
          this.truncated('Geneve options', s);
          return true;
        }
        this.network((d[s + 2]! << 8) | d[s + 3]!, d, o, e, depth + 1);
        return true;
      }
      case TZSP_PORT: {
        // TZSP: version 1, type (0 received / 1 transmitted packet), encapsulated protocol (1 = Ethernet), then tagged
        // fields (0 padding, 1 end, else type, length, value) before the packet.
        if (e - s < 5 || d[s] !== 1) return false;
        if (d[s + 1]! > 1) return true;
        const encap = (d[s + 2]! << 8) | d[s + 3]!;
        let o = s + 4;
        for (;;) {
          if (o >= e) {
            this.truncated('TZSP tagged fields', s);
            return true;
          }
          const tag = d[o]!;
          if (tag === 1) break;
          o += tag === 0 ? 1 : 2 + (o + 1 < e ? d[o + 1]! : 0);
        }
        if (encap === 1) this.ethernet(d, o + 1, e, depth + 1);
        return true;
      }
      default:
        return false;
    }
  }

  // RFC 9293 §3.1
  private tcp(d: Uint8Array, s: number, e: number, cut: boolean): void {
    if (s + 20 > e) return this.truncated('TCP header', s);
    const doff = (d[s + 12]! >> 4) * 4;
    if (doff < 20) {
      this.problems.report('decode/bad-tcp-header', 'warning', `TCP data offset ${doff} < 20; packet skipped`, this.frame, this.offsetOf(s));
      return;
    }
    if (s + doff > e) return this.truncated('TCP header', s);
    const flags = d[s + 13]!;
    const ps = s + doff;
    if (ps === e && (flags & 0x07) === 0 && !cut) return; // pure ACK / window update: nothing for a stream layer
    if (cut) {
      this.problems.report('decode/payload-truncated', 'warning', `TCP segment cut by the snapshot length (${e - ps} bytes kept)`, this.frame, this.offsetOf(s));
    }
    const p = this.pkt;
    this.fill(p, IPPROTO_TCP, (d[s]! << 8) | d[s + 1]!, (d[s + 2]! << 8) | d[s + 3]!);
    p.setPayload(d, ps, e);
    p.payloadFileOffset = this.fileBase < 0 ? -1 : this.fileBase + ps;
    p.tcpSeq = ((d[s + 4]! << 24) | (d[s + 5]! << 16) | (d[s + 6]! << 8) | d[s + 7]!) >>> 0;
    p.tcpAck = ((d[s + 8]! << 24) | (d[s + 9]! << 16) | (d[s + 10]! << 8) | d[s + 11]!) >>> 0;
    p.tcpFlags = flags;
    p.sctpStream = 0;
    p.sctpPpid = 0;
    this.emitFn(p);
  }

  /** SctpSink: one complete user message (RFC 4960 §3.3.1 / RFC 8260 §2.1). */
  sctpMessage(srcPort: number, dstPort: number, stream: number, ppid: number, data: Uint8Array, start: number, end: number, fileOffset: number, firstFrame: number): void {
    const p = this.pkt;
    this.fill(p, IPPROTO_SCTP, srcPort, dstPort);
    if (firstFrame < p.firstFrame) p.firstFrame = firstFrame;
    p.setPayload(data, start, end);
    p.payloadFileOffset = fileOffset;
    p.tcpSeq = 0;
    p.tcpAck = 0;
    p.tcpFlags = 0;
    p.sctpStream = stream;
    p.sctpPpid = ppid;
    this.emitFn(p);
  }

  // GRE family: RFC 2784/2890, ERSPAN, PPP.
  private gre(d: Uint8Array, s: number, e: number, depth: number): void {
    const t = this.tun;
    let st = parseGre(d, s, e, t);
    if (st !== TUN_OK) return this.tunnelStatus(st, 'GRE header', s);
    const et = t.etherType;
    const o = t.offset;
    if (et === ETHERTYPE_ERSPAN2 || et === ETHERTYPE_ERSPAN3) {
      st = parseErspan(et === ETHERTYPE_ERSPAN3 ? 3 : t.hasSeq ? 2 : 1, d, o, e, t);
      if (st !== TUN_OK) return this.tunnelStatus(st, 'ERSPAN header', o);
      return this.network(t.etherType, d, t.offset, e, depth);
    }
    if (et === ETHERTYPE_PPP) {
      st = parsePpp(d, o, e, t);
      if (st !== TUN_OK) return this.tunnelStatus(st, 'PPP header', o);
      return this.network(t.etherType, d, t.offset, e, depth);
    }
    // Any other protocol type is an ethertype (IPv4, IPv6, TEB, VLAN, MPLS...).
    const ls = walkEthertype(et, d, o, e, this.link);
    if (ls === LINK_OK) this.network(this.link.etherType, d, this.link.offset, e, depth);
    else if (ls === LINK_TRUNCATED) this.truncated('GRE payload header', o);
  }

  private tunnelStatus(st: number, what: string, off: number): void {
    if (st === TUN_IGNORE) return;
    if (st === TUN_BAD) {
      this.problems.report('decode/unsupported-tunnel', 'info', this.tun.reason, this.frame, this.offsetOf(off));
      return;
    }
    this.truncated(what, off);
  }

  private fill(p: DecodedPacket, protocol: number, sp: number, dp: number): void {
    p.frame = this.frame;
    p.firstFrame = this.firstFrame;
    p.timeSec = this.timeSec;
    p.timeNsec = this.timeNsec;
    const v4 = this.ipVersion === 4;
    p.ipVersion = this.ipVersion;
    p.srcIp = v4 ? this.src4 : this.src16;
    p.dstIp = v4 ? this.dst4 : this.dst16;
    p.protocol = protocol;
    p.srcPort = sp;
    p.dstPort = dp;
  }
}

/** The one NetPacket object a decoder reuses; `payload` is a view created on first access (see NetPacket). */
class DecodedPacket implements NetPacket {
  frame = 0;
  firstFrame = 0;
  timeSec = 0;
  timeNsec = 0;
  ipVersion: 4 | 6 = 4;
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  protocol = 0;
  srcPort = 0;
  dstPort = 0;
  buf: Uint8Array;
  payloadStart = 0;
  payloadEnd = 0;
  payloadFileOffset = -1;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  sctpStream = 0;
  sctpPpid = 0;
  private view: Uint8Array | undefined;

  constructor(src: Uint8Array, dst: Uint8Array) {
    this.srcIp = src;
    this.dstIp = dst;
    this.buf = src;
  }

  get payload(): Uint8Array {
    return (this.view ??= this.buf.subarray(this.payloadStart, this.payloadEnd));
  }

  setPayload(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.payloadStart = start;
    this.payloadEnd = end;
    this.view = undefined;
  }
}
