// ICMP and ICMPv6 error messages and the packet they quote (RFC 792, RFC 4443 §2.4 (c), §3): NAT evidence (a port
// unreachable answering a SIP response) and the SIP message a quote carries, which tshark dissects as SIP too.
import { classifySipStart, START_YES } from './sip-framing';

/** An ICMP/ICMPv6 error and the start of the packet it quotes. Addresses are views into the message bytes. */
export interface ParsedIcmpError {
  /** ICMP type and code (RFC 792 / RFC 4443 numbering of the message's own version). */
  type: number;
  code: number;
  /** The quoted packet's IP version, addresses and transport protocol (17 UDP, 6 TCP, ...). */
  quotedVersion: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
  protocol: number;
  /** Quoted UDP/TCP ports (-1 when fewer than 4 bytes of the transport header are quoted or it is neither). */
  srcPort: number;
  dstPort: number;
  /** Where the quoted transport header starts in the message bytes; the quote ends at the message end. */
  l4: number;
}

/** ICMP (v4) error types that quote the invoking packet: unreachable, source quench, redirect, time exceeded, parameter problem. */
const ERRORS_V4 = new Set([3, 4, 5, 11, 12]);
/** ICMPv6 error types (RFC 4443 §3): destination unreachable, packet too big, time exceeded, parameter problem. */
const ERRORS_V6 = new Set([1, 2, 3, 4]);

/**
 * Parse the ICMP (`ipVersion` 4) or ICMPv6 (6) message `d[s, e)`: undefined unless it is an error message quoting an
 * IP packet of the same version with at least its whole IP header. The quoted header's lengths describe the original
 * packet, not the quote, so the quote is read up to `e`. Never throws.
 */
export function parseIcmpError(ipVersion: 4 | 6, d: Uint8Array, s: number, e: number): ParsedIcmpError | undefined {
  if (s + 8 > e || !(ipVersion === 4 ? ERRORS_V4 : ERRORS_V6).has(d[s]!)) return undefined;
  const io = s + 8;
  let l4: number;
  let protocol: number;
  let src: Uint8Array;
  let dst: Uint8Array;
  if (ipVersion === 4) {
    if (io + 20 > e || d[io]! >> 4 !== 4) return undefined;
    const ihl = (d[io]! & 0x0f) * 4;
    if (ihl < 20 || io + ihl > e) return undefined;
    protocol = d[io + 9]!;
    src = d.subarray(io + 12, io + 16);
    dst = d.subarray(io + 16, io + 20);
    l4 = io + ihl;
  } else {
    if (io + 40 > e || d[io]! >> 4 !== 6) return undefined;
    protocol = d[io + 6]!;
    src = d.subarray(io + 8, io + 24);
    dst = d.subarray(io + 24, io + 40);
    l4 = io + 40;
  }
  const ports = l4 + 4 <= e && (protocol === 17 || protocol === 6);
  return {
    type: d[s]!,
    code: d[s + 1]!,
    quotedVersion: ipVersion,
    src,
    dst,
    protocol,
    srcPort: ports ? (d[l4]! << 8) | d[l4 + 1]! : -1,
    dstPort: ports ? (d[l4 + 2]! << 8) | d[l4 + 3]! : -1,
    l4,
  };
}

/**
 * Where the SIP message in a quoted UDP datagram starts (its bytes run to `e`, the quote's end, and may be cut), or -1
 * when the quote is not UDP or its payload does not begin with a SIP start line.
 */
export function quotedSipStart(q: ParsedIcmpError, d: Uint8Array, e: number): number {
  if (q.protocol !== 17) return -1;
  const ps = q.l4 + 8;
  if (ps >= e) return -1;
  return classifySipStart(d, ps, e, true) === START_YES ? ps : -1;
}

/** A SIP message quoted in an ICMP error (plain data: crosses a worker boundary by structured clone). */
export interface IcmpQuotedSip {
  /** Capture record (1-based) and time of the ICMP error. */
  frame: number;
  timeSec: number;
  timeNsec: number;
  ipVersion: 4 | 6;
  /** The ICMP error's own sender (e.g. the NAT or host that refused the datagram) and receiver. */
  src: string;
  dst: string;
  icmpType: number;
  icmpCode: number;
  /** The quoted datagram: where the SIP message was going when it was refused. */
  quotedSrc: string;
  quotedSrcPort: number;
  quotedDst: string;
  quotedDstPort: number;
  /** The quoted SIP bytes (a copy), cut where the quote ends. */
  bytes: Uint8Array;
}

/** Most ICMP-quoted SIP messages kept per capture (a flood of port unreachables is counted, not stored). */
export const MAX_ICMP_QUOTED = 10_000;
