// GRE (RFC 2784 / RFC 2890 / RFC 1701 routing; PPTP enhanced GRE RFC 2637 §4.1), ERSPAN type I/II/III headers
// (draft-foschiano-erspan) and PPP-in-GRE framing: each reduced to "inner ethertype at offset".
import { decodePpp, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_TEB, LINK_OK, LINK_TRUNCATED } from './link';

/** Mutable result of the tunnel header parsers. */
export interface TunnelOut {
  /** GRE: the Protocol Type (an ethertype). ERSPAN/PPP: the inner ethertype (TEB = an Ethernet frame follows). */
  etherType: number;
  /** Offset of the inner header. */
  offset: number;
  /** GRE: Sequence Number present (S bit). ERSPAN type I is "0x88be without a sequence number". */
  hasSeq: boolean;
  reason: string;
}

/** A fresh TunnelOut to reuse. */
export function newTunnelOut(): TunnelOut {
  return { etherType: 0, offset: 0, hasSeq: false, reason: '' };
}

export const TUN_OK = 0;
export const TUN_TRUNCATED = 1;
/** Malformed or unsupported header (reason set). */
export const TUN_BAD = 2;
/** Not IP-bearing (PPP control protocols etc.): ignore silently. */
export const TUN_IGNORE = 3;

/**
 * Parse the GRE header at `d[off]` up to `end`. Version 0: C/R/K/S flags (RFC 2784 §2.1, RFC 2890 §2, RFC 1701
 * §2.1 incl. the routing SRE list); version 1: PPTP enhanced GRE (RFC 2637 §4.1, K and optional S/A fields).
 */
export function parseGre(d: Uint8Array, off: number, end: number, out: TunnelOut): number {
  if (off + 4 > end) return TUN_TRUNCATED;
  const flags = (d[off]! << 8) | d[off + 1]!;
  const version = flags & 7;
  out.etherType = (d[off + 2]! << 8) | d[off + 3]!;
  out.hasSeq = (flags & 0x1000) !== 0;
  let o = off + 4;
  if (version === 0) {
    const c = flags & 0x8000;
    const r = flags & 0x4000;
    if (c || r) o += 4; // checksum + offset (RFC 1701) / reserved1 (RFC 2784)
    if (flags & 0x2000) o += 4; // key (RFC 2890 §2.1)
    if (flags & 0x1000) o += 4; // sequence number (RFC 2890 §2.2)
    if (r) {
      // RFC 1701 §2.1: Source Route Entries until one with address family 0 and length 0.
      for (let guard = 0; ; guard++) {
        if (o + 4 > end) return TUN_TRUNCATED;
        const af = (d[o]! << 8) | d[o + 1]!;
        const len = d[o + 3]!;
        o += 4 + len;
        if (af === 0 && len === 0) break;
        if (guard > 64) {
          out.reason = 'GRE routing list does not end';
          return TUN_BAD;
        }
      }
    }
  } else if (version === 1) {
    // RFC 2637 §4.1: flags(2) protocol(2) payload length(2) call id(2) [sequence(4)] [ack(4) if A bit 0x0080].
    o += 4;
    if (flags & 0x1000) o += 4;
    if (flags & 0x0080) o += 4;
  } else {
    out.reason = `GRE version ${version} is not supported`;
    return TUN_BAD;
  }
  if (o > end) return TUN_TRUNCATED;
  out.offset = o;
  return TUN_OK;
}

/**
 * ERSPAN header after GRE (draft-foschiano-erspan §4.1 type II: 8 bytes; §4.2 type III: 12 bytes plus an 8-byte
 * platform-specific subheader when the O bit is set, frame type FT 0 = Ethernet, 2 = IP). `type` 1 means no
 * ERSPAN header at all (type I: GRE 0x88be without a sequence number). Sets `out.etherType` to TEB (Ethernet
 * follows) or IPv4/IPv6.
 */
export function parseErspan(type: 1 | 2 | 3, d: Uint8Array, off: number, end: number, out: TunnelOut): number {
  let o = off;
  out.etherType = ETHERTYPE_TEB;
  if (type === 2) {
    if (o + 8 > end) return TUN_TRUNCATED;
    o += 8;
  } else if (type === 3) {
    if (o + 12 > end) return TUN_TRUNCATED;
    const w = (d[o + 10]! << 8) | d[o + 11]!;
    const ft = (w >> 10) & 0x1f;
    o += 12;
    if (w & 1) {
      if (o + 8 > end) return TUN_TRUNCATED;
      o += 8;
    }
    if (ft === 2) {
      if (o >= end) return TUN_TRUNCATED;
      const v = d[o]! >> 4;
      if (v === 4) out.etherType = ETHERTYPE_IPV4;
      else if (v === 6) out.etherType = ETHERTYPE_IPV6;
      else return TUN_IGNORE;
    } else if (ft !== 0) {
      out.reason = `ERSPAN III frame type ${ft} is not supported`;
      return TUN_BAD;
    }
  }
  out.offset = o;
  return TUN_OK;
}

/**
 * PPP frame inside GRE (RFC 2637; RFC 1661 §2): optional address/control bytes FF 03 (RFC 1662 §3.1), then a 1-byte
 * (protocol field compression, odd first byte) or 2-byte protocol. IPv4/IPv6 only; control protocols are ignored.
 */
export function parsePpp(d: Uint8Array, off: number, end: number, out: TunnelOut): number {
  const st = decodePpp(d, off, end, out);
  return st === LINK_OK ? TUN_OK : st === LINK_TRUNCATED ? TUN_TRUNCATED : TUN_IGNORE;
}
