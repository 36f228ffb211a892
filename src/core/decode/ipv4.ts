// IPv4 header parsing (RFC 791 §3.1): version, IHL with options, total length (trims Ethernet padding), fragments.

/** Parse status shared by the IP parsers. */
export const IP_OK = 0;
/** Header cut short by the captured length. */
export const IP_TRUNCATED = 1;
/** Not a valid header (version, IHL, lengths). */
export const IP_BAD = 2;

/** Mutable result of parseIpv4 (reused; offsets index the same array that was parsed). */
export interface Ipv4Out {
  /** Offsets of the 4-byte source/destination addresses. */
  srcOff: number;
  dstOff: number;
  /** Upper-layer protocol number (RFC 791 "Protocol"). */
  protocol: number;
  /** Payload `[payloadStart, payloadEnd)`: after the header (IHL*4), up to the total length or the captured end. */
  payloadStart: number;
  payloadEnd: number;
  /** True when the captured bytes end before the total length says (snaplen cut or bogus length). */
  payloadCut: boolean;
  /** Identification field. */
  id: number;
  /** Fragment offset in BYTES (field * 8). */
  fragOffset: number;
  /** MF flag. */
  moreFragments: boolean;
  /** Problem text for IP_BAD. */
  reason: string;
}

/** A fresh Ipv4Out to reuse across calls. */
export function newIpv4Out(): Ipv4Out {
  return { srcOff: 0, dstOff: 0, protocol: 0, payloadStart: 0, payloadEnd: 0, payloadCut: false, id: 0, fragOffset: 0, moreFragments: false, reason: '' };
}

/**
 * Parse the IPv4 header at `d[off]`, with `end` the end of captured bytes. Returns IP_OK / IP_TRUNCATED / IP_BAD
 * and fills `out`. A total length of 0 (TCP segmentation offload captures) is taken as "to the end of the capture".
 * The header checksum is not verified (captures from the sending host carry offloaded, unfilled checksums).
 */
export function parseIpv4(d: Uint8Array, off: number, end: number, out: Ipv4Out): number {
  if (off + 20 > end) return IP_TRUNCATED;
  const vihl = d[off]!;
  if (vihl >> 4 !== 4) {
    out.reason = `IP version ${vihl >> 4} in an IPv4 packet`;
    return IP_BAD;
  }
  const hl = (vihl & 0x0f) * 4;
  if (hl < 20) {
    out.reason = `IPv4 header length ${hl} < 20`;
    return IP_BAD;
  }
  if (off + hl > end) return IP_TRUNCATED;
  const total = (d[off + 2]! << 8) | d[off + 3]!;
  let pend: number;
  out.payloadCut = false;
  if (total === 0) pend = end;
  else if (total < hl) {
    out.reason = `IPv4 total length ${total} is smaller than its header (${hl})`;
    return IP_BAD;
  } else if (off + total > end) {
    pend = end;
    out.payloadCut = true;
  } else pend = off + total;
  const ff = (d[off + 6]! << 8) | d[off + 7]!;
  out.id = (d[off + 4]! << 8) | d[off + 5]!;
  out.moreFragments = (ff & 0x2000) !== 0;
  out.fragOffset = (ff & 0x1fff) * 8;
  out.protocol = d[off + 9]!;
  out.srcOff = off + 12;
  out.dstOff = off + 16;
  out.payloadStart = off + hl;
  out.payloadEnd = pend;
  return IP_OK;
}
