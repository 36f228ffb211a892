// IPv6 header and extension-header chain (RFC 8200 §3, §4; AH RFC 4302 §2): finds the upper-layer header or a
// Fragment header; ESP (RFC 4303) is reported as undecodable.
import { IP_BAD, IP_OK, IP_TRUNCATED } from './ipv4';

/** ESP reached: the rest is encrypted. */
export const IP6_ESP = 3;
/** "No Next Header" (59): nothing follows. */
export const IP6_NO_NEXT = 4;

/** Mutable result of parseIpv6 / walkIpv6Extensions (reused). */
export interface Ipv6Out {
  srcOff: number;
  dstOff: number;
  /** Upper-layer protocol (or, when `fragment`, the Fragment header's Next Header). */
  nextHeader: number;
  /** Upper-layer data (or the fragment's data after the Fragment header) `[payloadStart, payloadEnd)`. */
  payloadStart: number;
  payloadEnd: number;
  /** True when the captured bytes end before the payload length says. */
  payloadCut: boolean;
  /** A Fragment header (RFC 8200 §4.5) was found; the fields below describe it. */
  fragment: boolean;
  /** Fragment offset in BYTES. */
  fragOffset: number;
  moreFragments: boolean;
  fragId: number;
  reason: string;
}

/** A fresh Ipv6Out to reuse. */
export function newIpv6Out(): Ipv6Out {
  return {
    srcOff: 0, dstOff: 0, nextHeader: 0, payloadStart: 0, payloadEnd: 0, payloadCut: false,
    fragment: false, fragOffset: 0, moreFragments: false, fragId: 0, reason: '',
  };
}

/**
 * Parse the IPv6 fixed header at `d[off]` (RFC 8200 §3) and walk its extension headers. `end` = end of captured
 * bytes. Returns IP_OK (upper layer or Fragment header found), IP_TRUNCATED, IP_BAD, IP6_ESP or IP6_NO_NEXT.
 * A payload length of 0 (jumbogram, RFC 2675, or offload) is taken as "to the end of the capture".
 */
export function parseIpv6(d: Uint8Array, off: number, end: number, out: Ipv6Out): number {
  if (off + 40 > end) return IP_TRUNCATED;
  if (d[off]! >> 4 !== 6) {
    out.reason = `IP version ${d[off]! >> 4} in an IPv6 packet`;
    return IP_BAD;
  }
  const plen = (d[off + 4]! << 8) | d[off + 5]!;
  let pend = off + 40 + plen;
  out.payloadCut = false;
  if (plen === 0) pend = end;
  else if (pend > end) {
    pend = end;
    out.payloadCut = true;
  }
  out.srcOff = off + 8;
  out.dstOff = off + 24;
  return walkIpv6Extensions(d, off + 40, pend, d[off + 6]!, out);
}

/**
 * Walk extension headers starting at `d[off]` whose type is `nextHeader`, up to `end` (the payload end).
 * Hop-by-Hop (0), Routing (43), Destination Options (60), Mobility (135), HIP (139), Shim6 (140) and the
 * experimental 253/254 use the generic `(len+1)*8` length (RFC 8200 §4.3–4.6, RFC 6564); AH (51) uses
 * `(len+2)*4` (RFC 4302 §2.2). Stops at the first upper-layer header or at a Fragment header (44), setting
 * `out.fragment`. Also used on reassembled fragment data (which starts with the Fragment header's Next Header).
 */
export function walkIpv6Extensions(d: Uint8Array, off: number, end: number, nextHeader: number, out: Ipv6Out): number {
  let nh = nextHeader;
  let o = off;
  out.fragment = false;
  for (let guard = 0; guard < 32; guard++) {
    switch (nh) {
      case 0:
      case 43:
      case 60:
      case 135:
      case 139:
      case 140:
      case 253:
      case 254: {
        if (o + 8 > end) return IP_TRUNCATED;
        const len = (d[o + 1]! + 1) * 8;
        nh = d[o]!;
        o += len;
        if (o > end) return IP_TRUNCATED;
        continue;
      }
      case 51: {
        if (o + 8 > end) return IP_TRUNCATED;
        const len = (d[o + 1]! + 2) * 4;
        nh = d[o]!;
        o += len;
        if (o > end) return IP_TRUNCATED;
        continue;
      }
      case 44: {
        // RFC 8200 §4.5: Next Header(1) Reserved(1) Fragment Offset(13 bits)+Res(2)+M(1) Identification(4).
        if (o + 8 > end) return IP_TRUNCATED;
        out.fragment = true;
        out.nextHeader = d[o]!;
        const ofl = (d[o + 2]! << 8) | d[o + 3]!;
        out.fragOffset = ofl & 0xfff8;
        out.moreFragments = (ofl & 1) !== 0;
        out.fragId = ((d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!) >>> 0;
        out.payloadStart = o + 8;
        out.payloadEnd = end;
        return IP_OK;
      }
      case 50:
        return IP6_ESP;
      case 59:
        return IP6_NO_NEXT;
      default:
        out.nextHeader = nh;
        out.payloadStart = o;
        out.payloadEnd = end;
        return IP_OK;
    }
  }
  out.reason = 'more than 32 IPv6 extension headers';
  return IP_BAD;
}
