// Evidence for capture NAT rules: ICMP/ICMPv6 destination-unreachable errors with the datagram they quote (RFC 792,
// RFC 4443 §3.1) and CRLF / STUN keep-alives (RFC 5626 §3.5.1, §3.5.2). An analysis import collects them on the fly
// (EvidenceCollector fed by the packet decoder and transport assembler); for models imported without them, one extra
// pass over the capture records finds them (scanEvidence), plus - when the import did not analyse RTP - the RTP
// streams of the signalled calls (rtp/analyzer.ts).
import type { ByteSource } from '../../bytes/byte-source';
import type { NetPacket } from '../../decode/types';
import { readCapture } from '../../capture/read-capture';
import { ProblemCollector } from '../../capture/problems';
import { decodeLinkHeader, ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINK_OK, type LinkOut } from '../../decode/link';
import { IP_OK, newIpv4Out, parseIpv4 } from '../../decode/ipv4';
import { newIpv6Out, parseIpv6 } from '../../decode/ipv6';
import { parseIcmpError, type ParsedIcmpError } from '../../decode/icmp';
import { PacketDecoder } from '../../decode/packet-decoder';
import { IPPROTO_UDP } from '../../decode/types';
import { RtpAnalyzer } from '../../rtp/analyzer';
import { formatIp } from '../../util/ip';
import type { CaptureStream } from './facts';

export type IcmpKind = 'net-unreachable' | 'host-unreachable' | 'port-unreachable' | 'admin-prohibited' | 'unreachable';

/** An ICMP destination-unreachable error and the UDP/TCP datagram it quotes (the packet that was dropped). */
export interface IcmpError {
  frame: number;
  time: number;
  kind: IcmpKind;
  /** Who sent the error (a router or the NAT). */
  reporter: string;
  /** Addresses and ports of the quoted (dropped) datagram; ports 0 when not quoted. */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  protocol: number;
}

export type KeepAliveKind = 'crlf' | 'stun' | 'tiny';

/** A NAT keep-alive datagram: CRLF (RFC 5626 §3.5.1), STUN Binding (RFC 5389 §6, RFC 5626 §4.4.2), or a tiny (<= 4 byte) ping. */
export interface KeepAlive {
  frame: number;
  time: number;
  kind: KeepAliveKind;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

/** An SDP to register with the RTP fallback analyser (in capture order). */
export interface SdpToRegister {
  frame: number;
  timeSec: number;
  timeNsec: number;
  callIndex: number;
  messageId: number;
  src: string;
  srcPort: number;
  bytes: Uint8Array;
}

export interface CaptureEvidence {
  /** True when the scan ran (otherwise the lists are empty and say nothing). */
  scanned: boolean;
  icmp: IcmpError[];
  keepAlives: KeepAlive[];
  /** Capture time of the last record (seconds), 0 when not scanned. */
  lastTime: number;
  /** RTP streams found by the fallback analysis, when requested. */
  streams: CaptureStream[] | undefined;
}

export const NO_EVIDENCE: CaptureEvidence = { scanned: false, icmp: [], keepAlives: [], lastTime: 0, streams: undefined };

/** Bounds: a capture full of ICMP or pings must not grow memory without limit. */
const MAX_ICMP = 100_000;
const MAX_KEEPALIVES = 1_000_000;
const STUN_COOKIE = 0x2112a442;

function icmp4Kind(code: number): IcmpKind {
  // RFC 792 (type 3) codes; 9, 10, 13: administratively prohibited (RFC 1812 §5.2.7.1).
  if (code === 0 || code === 6) return 'net-unreachable';
  if (code === 1 || code === 7) return 'host-unreachable';
  if (code === 3) return 'port-unreachable';
  if (code === 9 || code === 10 || code === 13) return 'admin-prohibited';
  return 'unreachable';
}

function icmp6Kind(code: number): IcmpKind {
  // RFC 4443 §3.1 Destination Unreachable codes.
  if (code === 0) return 'net-unreachable';
  if (code === 3) return 'host-unreachable';
  if (code === 4) return 'port-unreachable';
  if (code === 1 || code === 5 || code === 6) return 'admin-prohibited';
  return 'unreachable';
}

function keepAliveKind(d: Uint8Array, s: number, e: number): KeepAliveKind | undefined {
  const n = e - s;
  if (n <= 0) return undefined;
  if (n <= 4) {
    let crlf = true;
    for (let i = s; i < e; i++) if (d[i] !== 0x0d && d[i] !== 0x0a) crlf = false;
    return crlf ? 'crlf' : 'tiny';
  }
  if (n >= 20 && (d[s]! & 0xc0) === 0) {
    const cookie = ((d[s + 4]! << 24) | (d[s + 5]! << 16) | (d[s + 6]! << 8) | d[s + 7]!) >>> 0;
    const len = (d[s + 2]! << 8) | d[s + 3]!;
    if (cookie === STUN_COOKIE && len + 20 <= n) return 'stun';
  }
  return undefined;
}

/**
 * Collects the evidence lists. Fed either by the import (capture/import-capture.ts: the packet decoder hands it ICMP
 * messages, the transport assembler keep-alive datagrams, so no second pass over the capture is needed) or, for models
 * imported without it, by `record` during scanEvidence's own pass. Bounded by MAX_ICMP / MAX_KEEPALIVES.
 */
export class EvidenceCollector {
  readonly icmp: IcmpError[] = [];
  readonly keepAlives: KeepAlive[] = [];
  private readonly link: LinkOut = { etherType: 0, offset: 0 };
  private readonly ip4 = newIpv4Out();
  private readonly ip6 = newIpv6Out();
  /** Capture time of the last record seen (seconds). */
  lastTime = 0;

  constructor(private readonly wantKeepAlives = true) {}

  /** The lists as CaptureEvidence (shared, not copied). */
  evidence(): CaptureEvidence {
    return { scanned: true, icmp: this.icmp, keepAlives: this.keepAlives, lastTime: this.lastTime, streams: undefined };
  }

  /** Scan path: decode just enough of one record (link, IP, ICMP / UDP header) for the evidence lists. */
  record(d: Uint8Array, linkType: number, frame: number, time: number): void {
    this.lastTime = time;
    if (decodeLinkHeader(linkType, d, d.length, this.link) !== LINK_OK) return;
    const off = this.link.offset;
    if (this.link.etherType === ETHERTYPE_IPV4) {
      const h = this.ip4;
      if (parseIpv4(d, off, d.length, h) !== IP_OK || h.fragOffset !== 0) return;
      if (h.protocol === 1) this.onIcmp(4, d, h.payloadStart, h.payloadEnd, d.subarray(h.srcOff, h.srcOff + 4), frame, time);
      else if (h.protocol === IPPROTO_UDP && this.wantKeepAlives && !h.moreFragments) this.udp(d, h.payloadStart, h.payloadEnd, h.srcOff, h.dstOff, 4, frame, time);
    } else if (this.link.etherType === ETHERTYPE_IPV6) {
      const h = this.ip6;
      if (parseIpv6(d, off, d.length, h) !== IP_OK || h.fragment) return;
      if (h.nextHeader === 58) this.onIcmp(6, d, h.payloadStart, h.payloadEnd, d.subarray(h.srcOff, h.srcOff + 16), frame, time);
      else if (h.nextHeader === IPPROTO_UDP && this.wantKeepAlives) this.udp(d, h.payloadStart, h.payloadEnd, h.srcOff, h.dstOff, 16, frame, time);
    }
  }

  /**
   * Import path: a UDP datagram that is not SIP (views valid during the call). Only keep-alive shapes are kept: the
   * first-byte test rejects RTP/RTCP (version 2: 0x80-0xbf) before anything else, so the media path pays one compare.
   */
  keepAliveCandidate(p: NetPacket): void {
    const d = p.buf;
    const s = p.payloadStart;
    const e = p.payloadEnd;
    if (e - s > 4 && (d[s]! & 0xc0) !== 0) return;
    this.datagram(d, s, e, p.srcIp, p.srcPort, p.dstIp, p.dstPort, p.frame, p.timeSec + p.timeNsec / 1e9);
  }

  /** An ICMP (protocol 1) or ICMPv6 (58) message in d[s, e), sent by `reporter` (views valid during the call). */
  onIcmp(ipVersion: 4 | 6, d: Uint8Array, s: number, e: number, reporter: Uint8Array, frame: number, time: number): void {
    if (this.icmp.length >= MAX_ICMP) return;
    const q = parseIcmpError(ipVersion, d, s, e);
    if (q !== undefined) this.onIcmpError(ipVersion, q, reporter, frame, time);
  }

  /**
   * Import path: an ICMP error the importer already parsed (parseIcmpError). Kept when it is a Destination Unreachable
   * (RFC 792 type 3 / RFC 4443 type 1), whose quote names the refused packet.
   */
  onIcmpError(v: 4 | 6, q: ParsedIcmpError, reporter: Uint8Array, frame: number, time: number): void {
    if (this.icmp.length >= MAX_ICMP || q.type !== (v === 4 ? 3 : 1)) return;
    this.icmp.push({
      frame,
      time,
      kind: v === 4 ? icmp4Kind(q.code) : icmp6Kind(q.code),
      reporter: formatIp(reporter),
      src: formatIp(q.src),
      dst: formatIp(q.dst),
      srcPort: Math.max(0, q.srcPort),
      dstPort: Math.max(0, q.dstPort),
      protocol: q.protocol,
    });
  }

  private udp(d: Uint8Array, s: number, e: number, so: number, dO: number, alen: number, frame: number, time: number): void {
    if (s + 8 > e) return;
    const ulen = (d[s + 4]! << 8) | d[s + 5]!;
    const pe = ulen >= 8 && s + ulen <= e ? s + ulen : e;
    this.datagram(d, s + 8, pe, d.subarray(so, so + alen), (d[s]! << 8) | d[s + 1]!, d.subarray(dO, dO + alen), (d[s + 2]! << 8) | d[s + 3]!, frame, time);
  }

  private datagram(d: Uint8Array, s: number, e: number, src: Uint8Array, srcPort: number, dst: Uint8Array, dstPort: number, frame: number, time: number): void {
    if (this.keepAlives.length >= MAX_KEEPALIVES) return;
    const kind = keepAliveKind(d, s, e);
    if (kind === undefined) return;
    this.keepAlives.push({ frame, time, kind, src: formatIp(src), srcPort, dst: formatIp(dst), dstPort });
  }
}

export interface ScanOptions {
  /** Collect keep-alive datagrams (CRLF/STUN). */
  keepAlives: boolean;
  /** Run the RTP analyser over the capture with these SDPs (sorted by frame), for models imported without RTP. */
  rtpSdps?: SdpToRegister[];
  isCancelled?: () => boolean;
}

/** One pass over the capture records collecting ICMP errors, keep-alives and (optionally) RTP streams. Never throws on input. */
export async function scanEvidence(source: ByteSource, opts: ScanOptions): Promise<CaptureEvidence> {
  const sink = new EvidenceCollector(opts.keepAlives);
  const sdps = opts.rtpSdps;
  const problems = new ProblemCollector();
  const analyzer = sdps !== undefined ? new RtpAnalyzer(problems) : undefined;
  const decoder = analyzer !== undefined ? new PacketDecoder(problems) : undefined;
  let next = 0;
  const onPacket = (p: NetPacket): void => {
    if (p.protocol === IPPROTO_UDP) analyzer!.onUdp(p);
  };
  await readCapture(
    source,
    (rec) => {
      const time = rec.timeSec + rec.timeNsec / 1e9;
      try {
        sink.record(rec.data, rec.linkType, rec.frame, time);
        if (decoder !== undefined && sdps !== undefined) {
          while (next < sdps.length && sdps[next]!.frame <= rec.frame) {
            const s = sdps[next++]!;
            analyzer!.onSdp(s.bytes, 0, s.bytes.length, { callIndex: s.callIndex, messageId: s.messageId, frame: s.frame, timeSec: s.timeSec, timeNsec: s.timeNsec, src: s.src, srcPort: s.srcPort });
          }
          decoder.decode(rec, onPacket);
        }
      } catch {
        // Evidence is best effort: a decoder bug on one record must not stop the lint.
      }
    },
    { problems, isCancelled: opts.isCancelled },
  );
  let streams: CaptureStream[] | undefined;
  if (analyzer !== undefined) {
    decoder!.flush();
    analyzer.finish();
    streams = analyzer.streams;
  }
  return { scanned: true, icmp: sink.icmp, keepAlives: sink.keepAlives, lastTime: sink.lastTime, streams };
}
