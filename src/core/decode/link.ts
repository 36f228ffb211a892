// Link layer: LINKTYPE_* headers (Ethernet, Linux SLL/SLL2, BSD NULL/LOOP, RAW) and the Ethernet-family shims
// (802.1Q/802.1ad VLAN tags, LLC/SNAP, MPLS, PPPoE) down to an ethertype + offset, without allocating.

// libpcap LINKTYPE_* values (https://www.tcpdump.org/linktypes.html).
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_PPP = 9; // PPP in HDLC-like framing (RFC 1662), address/control optional
export const LINKTYPE_PPP_HDLC = 50; // PPP in HDLC-like framing, address/control always present
export const LINKTYPE_C_HDLC = 104; // Cisco HDLC: address, control, then an ethertype
export const LINKTYPE_RAW_LEGACY_12 = 12; // DLT_RAW on most BSDs/Linux, written into some pcaps as-is
export const LINKTYPE_RAW_LEGACY_14 = 14; // DLT_RAW on OpenBSD
export const LINKTYPE_RAW = 101;
export const LINKTYPE_IEEE802_11 = 105; // 802.11 frames (Wi-Fi), no radio header
export const LINKTYPE_IEEE802_11_RADIOTAP = 127; // radiotap header, then an 802.11 frame
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_NFLOG = 239; // Linux netfilter NFLOG: TLVs, the packet in NFULA_PAYLOAD
export const LINKTYPE_PKTAP = 258; // Apple PKTAP (macOS `tcpdump -i pktap` / `-k`): header, then a frame of its own DLT
export const LINKTYPE_LINUX_SLL2 = 276;

// Ethertypes (IEEE 802 numbers; RFC 7042 appendix B).
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100; // IEEE 802.1Q
export const ETHERTYPE_QINQ = 0x88a8; // IEEE 802.1ad
export const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ
export const ETHERTYPE_QINQ_OLD2 = 0x9200;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MC = 0x8848;
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_TEB = 0x6558; // transparent Ethernet bridging (GRE, RFC 1701)
export const ETHERTYPE_PPP = 0x880b; // PPP in GRE (RFC 2637)
export const ETHERTYPE_ERSPAN2 = 0x88be;
export const ETHERTYPE_ERSPAN3 = 0x22eb;

/**
 * Non-IP ethertypes a VoIP capture is full of; dropped silently (not problems): ARP, RARP, LLDP, 802.1X, slow
 * protocols (LACP), PTP, loopback, CFM, MACsec, IPX, Wake-on-LAN, HomePlug, IEEE 1905, Realtek, MRP/MVRP/MMRP,
 * AVTP/SRP, local experimental.
 */
const SILENT_ETHERTYPES = new Set([
  0x0806, 0x8035, 0x88cc, 0x888e, 0x8809, 0x88f7, 0x9000, 0x8902, 0x88e5, 0x8137, 0x0842, 0x88e1, 0x893a, 0x8899,
  0x88e3, 0x88f5, 0x88f6, 0x22f0, 0x22ea, 0x88b5, 0x88b6, 0x88b7, 0x8808, 0x88a4, 0x8892,
  0x88ab, 0x891d, 0x8874, 0x88ca, 0x9003, 0x8863,
]);

/** True when an ethertype we do not decode is routine non-IP traffic rather than something worth counting. */
export function isSilentEthertype(etherType: number): boolean {
  return etherType < 0x0600 || SILENT_ETHERTYPES.has(etherType);
}

/** Mutable result of the link-layer walkers (reused; no allocation per packet). */
export interface LinkOut {
  /** Ethertype of what starts at `offset` (ETHERTYPE_IPV4/IPV6/TEB/...); 0 when nothing to decode. */
  etherType: number;
  offset: number;
}

/** Link walker status codes. */
export const LINK_OK = 0;
/** Header cut short by the capture length. */
export const LINK_TRUNCATED = 1;
/** Link type not decoded. */
export const LINK_UNKNOWN_TYPE = 2;
/** Decoded fine but carries nothing IP (ARP, LLC, netlink...): ignore silently. */
export const LINK_IGNORE = 3;

function ipByVersion(d: Uint8Array, off: number, end: number, out: LinkOut): number {
  if (off >= end) return LINK_TRUNCATED;
  const v = d[off]! >> 4;
  out.offset = off;
  if (v === 4) out.etherType = ETHERTYPE_IPV4;
  else if (v === 6) out.etherType = ETHERTYPE_IPV6;
  else return LINK_IGNORE;
  return LINK_OK;
}

/** BSD address families that mean IPv6 (NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30); AF_INET is 2 everywhere. */
function afToEthertype(af: number): number {
  if (af === 2) return ETHERTYPE_IPV4;
  if (af === 24 || af === 28 || af === 30) return ETHERTYPE_IPV6;
  return 0;
}

/**
 * Strip the link-layer header of a record with libpcap link type `linkType`; `d[0..end)` is the record.
 * On LINK_OK, `out` holds the ethertype and offset of the payload (VLAN/MPLS/PPPoE already removed by
 * `walkEthertype`). Returns a LINK_* status.
 */
export function decodeLinkHeader(linkType: number, d: Uint8Array, end: number, out: LinkOut, start = 0): number {
  const o = start;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(d, o, end, out);
    case LINKTYPE_LINUX_SLL: {
      // Linux cooked v1 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html): packet type(2) ARPHRD(2)
      // address length(2) address(8) protocol(2).
      if (end - o < 16) return LINK_TRUNCATED;
      const hatype = (d[o + 2]! << 8) | d[o + 3]!;
      const proto = (d[o + 14]! << 8) | d[o + 15]!;
      return sllPayload(hatype, proto, d, o + 16, end, out);
    }
    case LINKTYPE_LINUX_SLL2: {
      // Linux cooked v2: protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1) addr len(1) addr(8).
      if (end - o < 20) return LINK_TRUNCATED;
      const proto = (d[o]! << 8) | d[o + 1]!;
      const hatype = (d[o + 8]! << 8) | d[o + 9]!;
      return sllPayload(hatype, proto, d, o + 20, end, out);
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      // 4-byte address family: host byte order of the capturing machine for NULL, network order for LOOP; in
      // practice both appear, so take whichever reading is a small number.
      if (end - o < 4) return LINK_TRUNCATED;
      let af = linkType === LINKTYPE_LOOP ? ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0 : (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
      if (af > 0xffff) af = ((af & 0xff) << 24 | (af & 0xff00) << 8 | (af >>> 8) & 0xff00 | af >>> 24) >>> 0;
      const et = afToEthertype(af);
      if (et === 0) return LINK_IGNORE;
      out.etherType = et;
      out.offset = o + 4;
      return LINK_OK;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_LEGACY_12:
    case LINKTYPE_RAW_LEGACY_14:
      return ipByVersion(d, o, end, out);
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC:
      return decodePpp(d, o, end, out);
    case LINKTYPE_C_HDLC:
      // Cisco HDLC: address (0x0f unicast / 0x8f broadcast), control (0), protocol (an ethertype; SLARP 0x8035).
      if (end - o < 4) return LINK_TRUNCATED;
      return walkEthertype((d[o + 2]! << 8) | d[o + 3]!, d, o + 4, end, out);
    case LINKTYPE_NFLOG:
      return decodeNflog(d, o, end, out);
    case LINKTYPE_IEEE802_11:
      return decodeDot11(d, o, end, out);
    case LINKTYPE_IEEE802_11_RADIOTAP: {
      // Radiotap (https://www.radiotap.org): version(1) pad(1) length(2, little-endian) present(4)...: skip it whole.
      if (end - o < 8) return LINK_TRUNCATED;
      const len = d[o + 2]! | (d[o + 3]! << 8);
      if (len < 8 || o + len > end) return LINK_TRUNCATED;
      return decodeDot11(d, o + len, end, out);
    }
    case LINKTYPE_PKTAP: {
      // PKTAP header (https://www.tcpdump.org/linktypes/LINKTYPE_PKTAP.html): length(4) next type(4) DLT(4)... in
      // little-endian; the frame after `length` bytes has that DLT (Ethernet, or NULL/RAW for utun interfaces).
      if (end - o < 12) return LINK_TRUNCATED;
      const len = (d[o]! | (d[o + 1]! << 8) | (d[o + 2]! << 16) | (d[o + 3]! << 24)) >>> 0;
      const dlt = (d[o + 8]! | (d[o + 9]! << 8) | (d[o + 10]! << 16) | (d[o + 11]! << 24)) >>> 0;
      if (len < 12 || o + len > end) return LINK_TRUNCATED;
      if (dlt === LINKTYPE_PKTAP) return LINK_IGNORE;
      return decodeLinkHeader(dlt, d, end, out, o + len);
    }
    case LINKTYPE_IPV4:
      if (end - o < 1) return LINK_TRUNCATED;
      out.etherType = ETHERTYPE_IPV4;
      out.offset = o;
      return LINK_OK;
    case LINKTYPE_IPV6:
      if (end - o < 1) return LINK_TRUNCATED;
      out.etherType = ETHERTYPE_IPV6;
      out.offset = o;
      return LINK_OK;
    default:
      return LINK_UNKNOWN_TYPE;
  }
}

// ARPHRD_* (linux/if_arp.h) values whose SLL "protocol" field is not an ethertype.
const ARPHRD_NETLINK = 824;
const ARPHRD_IPGRE = 778;
const ARPHRD_IEEE80211_RADIOTAP = 803;

function sllPayload(hatype: number, proto: number, d: Uint8Array, off: number, end: number, out: LinkOut): number {
  if (hatype === ARPHRD_NETLINK || hatype === ARPHRD_IEEE80211_RADIOTAP) return LINK_IGNORE;
  if (hatype === ARPHRD_IPGRE && proto === ETHERTYPE_TEB) return decodeEthernet(d, off, end, out);
  // Protocol values < 0x0600 are Linux pseudo-types (802.3, 802.2 LLC, CAN...): nothing IP.
  if (proto < 0x0600) return LINK_IGNORE;
  return walkEthertype(proto, d, off, end, out);
}

/** Ethernet II / 802.3 frame at `d[off..end)`, then VLAN/MPLS/PPPoE shims. IEEE 802.3 §3.1; no FCS expected. */
export function decodeEthernet(d: Uint8Array, off: number, end: number, out: LinkOut): number {
  if (off + 14 > end) return LINK_TRUNCATED;
  const type = (d[off + 12]! << 8) | d[off + 13]!;
  if (type <= 1500) {
    // IEEE 802.3 length field: LLC follows. Only SNAP (AA AA 03 + OUI 000000) carries an ethertype (RFC 1042).
    const o = off + 14;
    if (o + 8 <= end && d[o] === 0xaa && d[o + 1] === 0xaa && d[o + 2] === 0x03 && d[o + 3] === 0 && d[o + 4] === 0 && d[o + 5] === 0) {
      return walkEthertype((d[o + 6]! << 8) | d[o + 7]!, d, o + 8, end, out);
    }
    return LINK_IGNORE; // STP, CDP, NetBIOS...
  }
  return walkEthertype(type, d, off + 14, end, out);
}

/**
 * Remove 802.1Q/802.1ad tags (IEEE 802.1Q §9.6, 4 bytes each; any depth up to 8), MPLS label stacks (RFC 3032,
 * payload guessed from the first nibble after the bottom-of-stack label: IPv4, IPv6, or 0 for a pseudowire control
 * word and an Ethernet frame) and PPPoE session headers
 * (RFC 2516 §4 + PPP protocol). Sets `out` to the resulting ethertype/offset; returns a LINK_* status.
 */
export function walkEthertype(etherType: number, d: Uint8Array, off: number, end: number, out: LinkOut): number {
  let et = etherType;
  let o = off;
  for (let guard = 0; guard < 16; guard++) {
    if (et === ETHERTYPE_VLAN || et === ETHERTYPE_QINQ || et === ETHERTYPE_QINQ_OLD || et === ETHERTYPE_QINQ_OLD2) {
      if (o + 4 > end) return LINK_TRUNCATED;
      et = (d[o + 2]! << 8) | d[o + 3]!;
      o += 4;
      continue;
    }
    if (et === ETHERTYPE_MPLS || et === ETHERTYPE_MPLS_MC) {
      for (let i = 0; ; i++) {
        if (o + 4 > end) return LINK_TRUNCATED;
        const bos = d[o + 2]! & 1;
        o += 4;
        if (bos) break;
        if (i > 16) return LINK_IGNORE;
      }
      if (o < end && d[o]! >> 4 === 0) {
        // First nibble 0: a pseudowire control word (RFC 4385 §3), then the emulated Ethernet frame (RFC 4448), as
        // tshark decodes it by default.
        if (o + 4 + 14 > end) return LINK_TRUNCATED;
        out.etherType = ETHERTYPE_TEB;
        out.offset = o + 4;
        return LINK_OK;
      }
      return ipByVersion(d, o, end, out);
    }
    if (et === ETHERTYPE_PPPOE_SESSION) {
      // RFC 2516 §4: ver/type(1) code(1) session(2) length(2), then the PPP protocol field (RFC 1661 §2).
      if (o + 8 > end) return LINK_TRUNCATED;
      const proto = (d[o + 6]! << 8) | d[o + 7]!;
      o += 8;
      et = pppToEthertype(proto);
      if (et === 0) return LINK_IGNORE;
      continue;
    }
    out.etherType = et;
    out.offset = o;
    return LINK_OK;
  }
  return LINK_IGNORE;
}

/**
 * A PPP frame (RFC 1661 §2) at `d[off..end)`: optional address/control bytes FF 03 (RFC 1662 §3.1), then a 1-byte
 * (compressed, odd) or 2-byte protocol field. IPv4/IPv6 set `out`; anything else (LCP, IPCP...) is LINK_IGNORE.
 */
export function decodePpp(d: Uint8Array, off: number, end: number, out: LinkOut): number {
  let o = off;
  if (o + 2 <= end && d[o] === 0xff && d[o + 1] === 0x03) o += 2;
  if (o >= end) return LINK_TRUNCATED;
  let proto: number;
  if (d[o]! & 1) {
    proto = d[o]!;
    o += 1;
  } else {
    if (o + 2 > end) return LINK_TRUNCATED;
    proto = (d[o]! << 8) | d[o + 1]!;
    o += 2;
  }
  const et = pppToEthertype(proto);
  if (et === 0) return LINK_IGNORE;
  out.etherType = et;
  out.offset = o;
  return LINK_OK;
}

/**
 * An IEEE 802.11 frame (IEEE 802.11-2020 §9.2.3) at `d[off..end)`: data frames only (type 2, not the "null" subtypes
 * without a body, not protected: encrypted bodies cannot be read); MAC header of 24 bytes, + 6 for the fourth address
 * (to-DS and from-DS), + 2 for QoS control (QoS subtypes), + 4 for HT control (QoS with the +HTC/Order bit); then an
 * LLC/SNAP header (AA AA 03, OUI, ethertype; RFC 1042) in front of the packet.
 */
function decodeDot11(d: Uint8Array, off: number, end: number, out: LinkOut): number {
  if (end - off < 24) return LINK_TRUNCATED;
  const fc0 = d[off]!;
  const fc1 = d[off + 1]!;
  const type = (fc0 >> 2) & 3;
  const subtype = fc0 >> 4;
  if (type !== 2 || (subtype & 0x4) !== 0 || (fc1 & 0x40) !== 0) return LINK_IGNORE; // not data, no body, or protected
  let o = off + 24;
  if ((fc1 & 0x03) === 0x03) o += 6;
  if ((subtype & 0x8) !== 0) {
    o += 2;
    if ((fc1 & 0x80) !== 0) o += 4;
  }
  if (o + 8 > end) return LINK_TRUNCATED;
  if (d[o] !== 0xaa || d[o + 1] !== 0xaa || d[o + 2] !== 0x03) return LINK_IGNORE;
  return walkEthertype((d[o + 6]! << 8) | d[o + 7]!, d, o + 8, end, out);
}

/** NFLOG TLV type carrying the packet (linux/netfilter/nfnetlink_log.h NFULA_PAYLOAD). */
const NFULA_PAYLOAD = 9;

/**
 * LINKTYPE_NFLOG (https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): family(1) version(1) resource id(2), then
 * TLVs of length(2) type(2) value, each padded to 4 bytes, length and type in the capturing host's byte order (read
 * little-endian unless that gives an impossible length). The packet is the NFULA_PAYLOAD value (an IP packet).
 */
function decodeNflog(d: Uint8Array, off: number, end: number, out: LinkOut): number {
  let o = off + 4;
  if (o > end) return LINK_TRUNCATED;
  while (o + 4 <= end) {
    let len = d[o]! | (d[o + 1]! << 8);
    let type = d[o + 2]! | (d[o + 3]! << 8);
    if (len < 4 || o + len > end) {
      const be = (d[o]! << 8) | d[o + 1]!;
      if (be < 4 || o + be > end) return LINK_TRUNCATED;
      len = be;
      type = (d[o + 2]! << 8) | d[o + 3]!;
    }
    if ((type & 0x7fff) === NFULA_PAYLOAD) return ipByVersion(d, o + 4, o + len, out);
    o += (len + 3) & ~3;
  }
  return LINK_IGNORE; // no payload TLV (a log entry without the packet)
}

/** PPP protocol number (RFC 1661 §2; IPv4 0x0021 RFC 1332, IPv6 0x0057 RFC 5072) to ethertype, 0 if not IP. */
export function pppToEthertype(proto: number): number {
  if (proto === 0x0021) return ETHERTYPE_IPV4;
  if (proto === 0x0057) return ETHERTYPE_IPV6;
  return 0;
}
