// Capture format detection from the first bytes (magic numbers), with a plain-words guess for non-captures.

/** What the first bytes of a file say. */
export type DetectedFormat =
  | {
      format: 'pcap';
      /** Byte order of the file header and record headers. */
      littleEndian: boolean;
      /** true for the 0xa1b23c4d nanosecond magic. */
      nanosecond: boolean;
      /** true for Alexey Kuznetsov's "modified pcap" (0xa1b2cd34): 24-byte record headers. */
      modified: boolean;
    }
  | { format: 'pcapng'; littleEndian: boolean }
  | {
      format: 'unknown';
      /** Human-readable guess: "an HTML/XML document", "a gzip-compressed file", "an empty file", ... */
      looksLike: string;
      /** Problem code to report: `capture/empty-file` or `capture/not-a-capture`. */
      code: string;
    };

// libpcap file magic (pcap-savefile(5); draft-ietf-opsawg-pcap §4).
const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAP_MODIFIED = 0xa1b2cd34;
// pcapng draft §4.1: SHB block type (a byte palindrome) and byte-order magic.
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

const swap32 = (v: number): number =>
  (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function startsWith(b: Uint8Array, sig: number[]): boolean {
  if (b.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[i] !== sig[i]) return false;
  return true;
}

const asciiSig = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Other file types people open by mistake, by leading bytes. */
const OTHER_SIGNATURES: { sig: number[]; what: string }[] = [
  { sig: [0x1f, 0x8b], what: 'a gzip-compressed file (decompress it first, e.g. gunzip)' },
  { sig: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive (extract the capture from it first)' },
  { sig: [0x50, 0x4b, 0x05, 0x06], what: 'an empty zip archive' },
  { sig: [0x42, 0x5a, 0x68], what: 'a bzip2-compressed file (decompress it first)' },
  { sig: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file (decompress it first)' },
  { sig: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file (decompress it first)' },
  { sig: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { sig: asciiSig('%PDF'), what: 'a PDF document' },
  { sig: asciiSig('snoop\0\0\0'), what: 'a Solaris snoop capture (convert it to pcap with editcap)' },
  { sig: asciiSig('GMBU'), what: 'a Microsoft Network Monitor capture (convert it to pcapng with editcap)' },
  { sig: asciiSig('XCP\0'), what: 'an NetXRay/Sniffer capture (convert it with editcap)' },
  { sig: [0x0a, 0x0d, 0x0d, 0x0a], what: 'a pcapng file with a damaged byte-order magic' },
];

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  if (n === 0) return false;
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return false;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0x80) printable++;
  }
  return printable === n;
}

/**
 * Identify a capture from its first bytes (at least 4; 16 or more gives better "looks like" guesses; the pcapng
 * check needs 12). Never throws; anything unrecognised returns `format: 'unknown'` with a guess.
 */
export function detectCaptureFormat(head: Uint8Array): DetectedFormat {
  if (head.length === 0) return { format: 'unknown', looksLike: 'an empty file', code: 'capture/empty-file' };
  if (head.length >= 4) {
    const m = be32(head, 0);
    if (m === PCAP_US || m === PCAP_NS || m === PCAP_MODIFIED) {
      return { format: 'pcap', littleEndian: false, nanosecond: m === PCAP_NS, modified: m === PCAP_MODIFIED };
    }
    const s = swap32(m);
    if (s === PCAP_US || s === PCAP_NS || s === PCAP_MODIFIED) {
      return { format: 'pcap', littleEndian: true, nanosecond: s === PCAP_NS, modified: s === PCAP_MODIFIED };
    }
    if (m === PCAPNG_SHB && head.length >= 12) {
      const bom = be32(head, 8);
      if (bom === PCAPNG_BOM) return { format: 'pcapng', littleEndian: false };
      if (swap32(bom) === PCAPNG_BOM) return { format: 'pcapng', littleEndian: true };
    }
  }
  for (const { sig, what } of OTHER_SIGNATURES) {
    if (startsWith(head, sig)) return { format: 'unknown', looksLike: what, code: 'capture/not-a-capture' };
  }
  // Skip a UTF-8 BOM and leading whitespace before looking at the first character of a text file.
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  const first = head[i];
  if (first === 0x3c /* < */) {
    return { format: 'unknown', looksLike: 'an HTML/XML document (a web page saved instead of the file?)', code: 'capture/not-a-capture' };
  }
  if (head.length < 4) return { format: 'unknown', looksLike: `a ${head.length}-byte file, too short for a capture`, code: 'capture/not-a-capture' };
  if (looksLikeText(head)) {
    const what = first === 0x7b || first === 0x5b ? 'JSON text' : 'a text file (open SIP logs as text instead)';
    return { format: 'unknown', looksLike: what, code: 'capture/not-a-capture' };
  }
  return { format: 'unknown', looksLike: 'binary data with no known capture magic number', code: 'capture/not-a-capture' };
}
