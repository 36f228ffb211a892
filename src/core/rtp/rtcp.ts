// RTCP compound packet parsing (RFC 3550 §6.4 SR/RR with report blocks, §6.1 compound packets, A.2 validity
// checks) and RFC 5761 §4 RTP/RTCP demultiplexing on one port. Never throws; works on a byte range of a capture buffer.

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** One reception report block (RFC 3550 §6.4.1): what a receiver says about one source (SSRC). */
export interface RtcpReportBlock {
  /** SSRC of the source this block reports on. */
  ssrc: number;
  /** Fraction of packets lost since the previous report, 0..1 (the 8-bit fixed-point field / 256). */
  fractionLost: number;
  /** Cumulative number of packets lost (signed 24-bit: duplicates can make it negative). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | highest seq), uint32. */
  highestSeq: number;
  /** Interarrival jitter in RTP timestamp units (divide by the clock rate for seconds). */
  jitter: number;
  /** Last SR timestamp (middle 32 bits of NTP) and delay since last SR (1/65536 s units). */
  lsr: number;
  dlsr: number;
}

/** Sender info of an SR (RFC 3550 §6.4.1). */
export interface RtcpSenderInfo {
  /** NTP timestamp, seconds since 1900 and fraction (1/2^32 s). */
  ntpSec: number;
  ntpFrac: number;
  /** RTP timestamp corresponding to the NTP time (RTP timestamp units). */
  rtpTimestamp: number;
  /** Sender's packet and octet (payload bytes) counts since it started sending. */
  packetCount: number;
  octetCount: number;
}

/** One RTCP packet of a compound packet. */
export interface RtcpPacketInfo {
  /** Packet type: 200 SR, 201 RR, 202 SDES, 203 BYE, 204 APP, 205 RTPFB, 206 PSFB, 207 XR... */
  type: number;
  /** SSRC of the sender (SR/RR/APP/feedback), or the first SSRC/CSRC item (SDES/BYE), 0 when absent. */
  ssrc: number;
  sender: RtcpSenderInfo | undefined;
  /** Report blocks of an SR/RR ([] for other types). */
  reports: RtcpReportBlock[];
}

export interface RtcpParseResult {
  packets: RtcpPacketInfo[];
  /**
   * RFC 3550 A.2 checks passed: every packet has version 2, lengths add up to the datagram, padding only in the last
   * packet. The first packet is not required to be SR/RR (RFC 5506 reduced-size RTCP allows any type).
   */
  valid: boolean;
}

const u32 = (b: Uint8Array, i: number): number => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;

/**
 * RFC 5761 §4: on a port carrying both RTP and RTCP, a packet whose second octet is 192-223 (payload type 64-95 with
 * the marker bit, i.e. RTCP packet types 192-223 such as SR 200 / RR 201) is RTCP; RTP payload types never use
 * 64-95. Also requires version 2 in the first octet.
 */
export function looksLikeRtcp(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 8) return false;
  const b1 = b[start + 1]!;
  return (b[start]! & 0xc0) === 0x80 && b1 >= 192 && b1 <= 223;
}

/** Parse an RTCP compound packet in `b[start, end)`. Never throws; returns what could be read. */
export function parseRtcp(b: Uint8Array, start: number, end: number): RtcpParseResult {
  const packets: RtcpPacketInfo[] = [];
  let valid = true;
  let i = start;
  if (end > b.length) end = b.length;
  while (i + 4 <= end) {
    const v = b[i]!;
    if ((v & 0xc0) !== 0x80) {
      valid = false;
      break;
    }
    const padding = (v & 0x20) !== 0;
    const count = v & 0x1f;
    const type = b[i + 1]!;
    const len = (((b[i + 2]! << 8) | b[i + 3]!) + 1) * 4; // RFC 3550 §6.4.1 length: 32-bit words minus one
    const pe = i + len;
    if (pe > end) {
      valid = false;
      break;
    }
    if (padding && pe !== end) valid = false; // A.2: padding only in the last packet of a compound
    const info: RtcpPacketInfo = { type, ssrc: len >= 8 ? u32(b, i + 4) : 0, sender: undefined, reports: [] };
    let blocks = i + 8;
    if (type === RTCP_SR) {
      if (len < 28) valid = false;
      else {
        info.sender = {
          ntpSec: u32(b, i + 8),
          ntpFrac: u32(b, i + 12),
          rtpTimestamp: u32(b, i + 16),
          packetCount: u32(b, i + 20),
          octetCount: u32(b, i + 24),
        };
      }
      blocks = i + 28;
    }
    if (type === RTCP_SR || type === RTCP_RR) {
      for (let k = 0; k < count; k++) {
        const o = blocks + k * 24;
        if (o + 24 > pe) {
          valid = false;
          break;
        }
        let cum = (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!;
        if (cum & 0x800000) cum -= 0x1000000; // signed 24-bit (RFC 3550 §6.4.1)
        info.reports.push({
          ssrc: u32(b, o),
          fractionLost: b[o + 4]! / 256,
          cumulativeLost: cum,
          highestSeq: u32(b, o + 8),
          jitter: u32(b, o + 12),
          lsr: u32(b, o + 16),
          dlsr: u32(b, o + 20),
        });
      }
    }
    packets.push(info);
    i = pe;
  }
  if (i !== end) valid = false;
  return { packets, valid };
}
