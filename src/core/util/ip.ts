// IP address helpers: bytes <-> text exactly as tshark prints them, address classes (RFC 1918/6598/3927/4193...), CIDR tests.

/**
 * Format 4 or 16 address bytes as text.
 * - 4 bytes: dotted quad (`192.0.2.1`).
 * - 16 bytes: RFC 5952 §4 compressed lowercase form, as tshark 4.x / inet_ntop print it: leading zeros dropped,
 *   the longest run (first on ties) of >= 2 zero groups becomes `::`, and the two embedded-IPv4 forms
 *   `::ffff:a.b.c.d` (IPv4-mapped) and `::a.b.c.d` (IPv4-compatible, when group 6 is non-zero) keep a dotted tail.
 * Any other length returns `''` (never throws).
 */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) return '';
  const words: number[] = new Array(8);
  for (let i = 0; i < 8; i++) words[i] = (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!;
  // Longest run of zero words (inet_ntop6 / RFC 5952 §4.2.3: first of equal-length runs; runs of one stay).
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // Embedded IPv4 (same rule as inet_ntop6, which tshark's address_to_str copies).
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      return out;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  let s = text;
  let tail4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (s.indexOf('.', lastColon) >= 0) {
    tail4 = parseIpv4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0'; // placeholder words, replaced below
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const toWords = (part: string): number[] | undefined => {
    if (part === '') return [];
    const ws = part.split(':');
    const res: number[] = [];
    for (const w of ws) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
      res.push(parseInt(w, 16));
    }
    return res;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = toWords(s.slice(0, dbl));
    const tail = toWords(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = toWords(s);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = words[i]! >> 8;
    out[i * 2 + 1] = words[i]! & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/**
 * Parse an IPv4 dotted quad or an IPv6 address (optionally in `[...]`, optionally with a `%zone`, optionally with
 * an embedded dotted IPv4 tail). Returns 4 or 16 bytes, or `undefined` when the text is not an address.
 */
export function parseIp(text: string): Uint8Array | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const pct = s.indexOf('%');
  if (pct >= 0 && s.includes(':')) s = s.slice(0, pct);
  if (s.includes(':')) return parseIpv6(s);
  return parseIpv4(s);
}

/** Address classes used by the NAT rules. */
export type IpClass =
  | 'private' // RFC 1918 (and deprecated IPv6 site-local fec0::/10)
  | 'shared' // RFC 6598 100.64.0.0/10 (carrier-grade NAT)
  | 'loopback' // 127.0.0.0/8, ::1
  | 'link-local' // RFC 3927 169.254.0.0/16, fe80::/10
  | 'ula' // RFC 4193 fc00::/7
  | 'unspecified' // 0.0.0.0/8, ::
  | 'documentation' // RFC 5737, RFC 3849 2001:db8::/32, RFC 9637 3fff::/20
  | 'multicast' // 224.0.0.0/4, 255.255.255.255 (limited broadcast), ff00::/8
  | 'public';

function classifyV4(b: Uint8Array, o: number): IpClass {
  const a = b[o]!;
  const b1 = b[o + 1]!;
  const c = b[o + 2]!;
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && (b1 & 0xf0) === 16) || (a === 192 && b1 === 168)) return 'private';
  if (a === 100 && (b1 & 0xc0) === 64) return 'shared';
  if (a === 127) return 'loopback';
  if (a === 169 && b1 === 254) return 'link-local';
  if ((a === 192 && b1 === 0 && c === 2) || (a === 198 && b1 === 51 && c === 100) || (a === 203 && b1 === 0 && c === 113)) {
    return 'documentation';
  }
  if ((a & 0xf0) === 224) return 'multicast';
  if (a === 255 && b1 === 255 && c === 255 && b[o + 3] === 255) return 'multicast';
  return 'public';
}

/**
 * Classify an address given as bytes (4/16) or text. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is classified by its
 * IPv4 part. Unparseable input returns `undefined`.
 */
export function classifyIp(ip: Uint8Array | string): IpClass | undefined {
  const b = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!b) return undefined;
  if (b.length === 4) return classifyV4(b, 0);
  if (b.length !== 16) return undefined;
  let zero10 = true;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) zero10 = false;
  if (zero10 && b[10] === 0xff && b[11] === 0xff) return classifyV4(b, 12); // RFC 4291 §2.5.5.2
  if (zero10 && b[10] === 0 && b[11] === 0 && b[12] === 0 && b[13] === 0 && b[14] === 0) {
    if (b[15] === 0) return 'unspecified';
    if (b[15] === 1) return 'loopback';
  }
  const b0 = b[0]!;
  const b1 = b[1]!;
  if (b0 === 0xff) return 'multicast';
  if (b0 === 0xfe && (b1 & 0xc0) === 0x80) return 'link-local';
  if (b0 === 0xfe && (b1 & 0xc0) === 0xc0) return 'private';
  if ((b0 & 0xfe) === 0xfc) return 'ula';
  if (b0 === 0x20 && b1 === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'documentation';
  if (b0 === 0x3f && (b1 & 0xf0) === 0xf0) return 'documentation';
  return 'public';
}

/**
 * True when `ip` (bytes or text) lies in `cidr` (`10.0.0.0/8`, `fe80::/10`, or a bare address = host route).
 * An IPv4-mapped IPv6 address matches IPv4 prefixes. Bad input or a family mismatch returns false.
 */
export function ipInCidr(ip: Uint8Array | string, cidr: string): boolean {
  let a = typeof ip === 'string' ? parseIp(ip) : ip;
  const slash = cidr.indexOf('/');
  const net = parseIp(slash >= 0 ? cidr.slice(0, slash) : cidr);
  if (!a || !net) return false;
  let bits = net.length * 8;
  if (slash >= 0) {
    const t = cidr.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(t)) return false;
    bits = Number(t);
    if (bits > net.length * 8) return false;
  }
  if (a.length === 16 && net.length === 4 && classifyMapped(a)) a = a.subarray(12);
  if (a.length !== net.length) return false;
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== net[i]) return false;
  if (bits > 0) {
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((a[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

function classifyMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}
