// Bytes -> string helpers for the pure core: ASCII fast path, strict WHATWG UTF-8 fallback, UTF-8 validation and
// case-insensitive ASCII byte comparison. Never decodes as latin1: non-ASCII bytes always go through UTF-8.

/** Non-fatal UTF-8 decoder: invalid sequences become U+FFFD (WHATWG "maximal subpart" replacement). */
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * Runs up to this length are decoded by String.fromCharCode over a reused array when they are ASCII; longer runs go
 * straight to TextDecoder, whose fixed cost (~85 ns on Node 20) beats the JS loop beyond about this length.
 */
const SHORT_RUN = 96;

/** Scratch code arrays for String.fromCharCode.apply, one per length (no allocation per decoded string). */
const codesByLength: number[][] = [];

/**
 * ASCII lower-case table: LOWER[b] is `b` with A-Z mapped to a-z; every other byte maps to itself.
 * Used for case-insensitive comparisons of header names, schemes, parameter names (RFC 3261 §7.3.1: field names
 * are case-insensitive).
 */
export const LOWER: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) t[i] = i >= 65 && i <= 90 ? i + 32 : i;
  return t;
})();

function clampRange(bytes: Uint8Array, start: number, end: number): [number, number] {
  const n = bytes.length;
  let s = start | 0;
  let e = end | 0;
  if (s < 0) s = 0;
  if (e > n) e = n;
  if (e < s) e = s;
  return [s, e];
}

/** True when every byte in `[start, end)` is < 0x80. Out-of-range bounds are clamped. */
export function isAscii(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  const [s, e] = clampRange(bytes, start, end);
  for (let i = s; i < e; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/**
 * Decode `bytes[start, end)` as UTF-8 and return a JS string.
 * Fast path: ASCII runs of up to 96 bytes are built with String.fromCharCode (TextDecoder has a high fixed cost for
 * short strings); longer runs, and any run with a byte >= 0x80, go through TextDecoder('utf-8') (non-fatal: invalid
 * sequences become U+FFFD). Never decodes as latin1. Out-of-range bounds are clamped; an empty range gives ''.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // Inline clamping: this is the hottest helper of the parsers, so no tuple allocation here.
  const n = bytes.length;
  const s = start > 0 ? (start < n ? start : n) : 0; // NaN -> 0
  let e = end < n ? end : n; // NaN -> n
  if (!(e >= s)) e = s;
  const len = e - s;
  if (len === 0) return '';
  if (len > SHORT_RUN) return utf8Decoder.decode(bytes.subarray(s, e));
  let codes = codesByLength[len];
  if (codes === undefined) codes = codesByLength[len] = new Array<number>(len).fill(0);
  for (let i = 0; i < len; i++) {
    const c = bytes[s + i] as number;
    if (c >= 0x80) return utf8Decoder.decode(bytes.subarray(s, e));
    codes[i] = c;
  }
  return String.fromCharCode.apply(null, codes);
}

/**
 * Decode `bytes[start, end)` expected to be ASCII (tokens, numbers, URIs). Same as decodeUtf8: if a byte >= 0x80
 * shows up anyway, the run goes through the UTF-8 decoder, never through latin1.
 */
export function decodeAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return decodeUtf8(bytes, start, end);
}

/** Lower-cased (ASCII A-Z only) decoding of `bytes[start, end)`; non-ASCII runs are UTF-8 decoded then lowercased. */
export function decodeLowerAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const [s, e] = clampRange(bytes, start, end);
  let out = '';
  for (let i = s; i < e; i++) {
    const c = bytes[i] as number;
    if (c >= 0x80) return utf8Decoder.decode(bytes.subarray(s, e)).toLowerCase();
    out += String.fromCharCode(LOWER[c] as number);
  }
  return out;
}

/** Encode a JS string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** `input` as bytes: strings are UTF-8 encoded, byte arrays returned as-is (no copy). */
export function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? utf8Encoder.encode(input) : input;
}

/**
 * Length in bytes of the UTF-8 sequence starting at `i` if it is well formed (1..4), or the NEGATED number of bytes
 * that form one maximal ill-formed subpart (-1..-3) that a WHATWG decoder replaces by one U+FFFD.
 * `end` bounds the sequence. Requires `start <= i < end`.
 */
export function utf8SequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 1;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
  } else return -1;
  let k = 1;
  for (; k <= need; k++) {
    if (i + k >= end) return -k;
    const c = bytes[i + k] as number;
    if (c < lo || c > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

/**
 * Offset of the first byte of the first ill-formed UTF-8 sequence in `[start, end)`, or -1 when the range is
 * valid UTF-8 (RFC 3629). Overlong forms, surrogates and code points above U+10FFFF are ill-formed.
 */
export function findInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const [s, e] = clampRange(bytes, start, end);
  let i = s;
  while (i < e) {
    if ((bytes[i] as number) < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceLength(bytes, i, e);
    if (len < 0) return i;
    i += len;
  }
  return -1;
}

/** True when `[start, end)` is well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return findInvalidUtf8(bytes, start, end) < 0;
}

/**
 * Case-insensitive (ASCII) comparison of `bytes[start, end)` with `lower`, which MUST be lower-case ASCII.
 * No allocation. Returns false when lengths differ.
 */
export function equalsIgnoreCase(bytes: Uint8Array, start: number, end: number, lower: string): boolean {
  const len = end - start;
  if (len !== lower.length || start < 0 || end > bytes.length) return false;
  for (let i = 0; i < len; i++) {
    if (LOWER[bytes[start + i] as number] !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Case-insensitive (ASCII) prefix test: does `bytes[start, end)` start with `lowerPrefix` (lower-case ASCII)? */
export function startsWithIgnoreCase(bytes: Uint8Array, start: number, end: number, lowerPrefix: string): boolean {
  const len = lowerPrefix.length;
  if (end - start < len || start < 0 || start + len > bytes.length) return false;
  for (let i = 0; i < len; i++) {
    if (LOWER[bytes[start + i] as number] !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Case-sensitive comparison of `bytes[start, end)` with an ASCII string. No allocation. */
export function equalsAscii(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  const len = end - start;
  if (len !== text.length || start < 0 || end > bytes.length) return false;
  for (let i = 0; i < len; i++) {
    if (bytes[start + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Offset of the first case-insensitive occurrence of `lowerNeedle` (lower-case ASCII, non-empty) in
 * `bytes[start, end)`, or -1.
 */
export function indexOfIgnoreCase(bytes: Uint8Array, lowerNeedle: string, start = 0, end = bytes.length): number {
  const [s, e] = clampRange(bytes, start, end);
  const m = lowerNeedle.length;
  if (m === 0) return s;
  const first = lowerNeedle.charCodeAt(0);
  for (let i = s; i + m <= e; i++) {
    if (LOWER[bytes[i] as number] !== first) continue;
    let k = 1;
    while (k < m && LOWER[bytes[i + k] as number] === lowerNeedle.charCodeAt(k)) k++;
    if (k === m) return i;
  }
  return -1;
}

/** Case-insensitive comparison of two JS strings restricted to ASCII case folding (no locale rules). */
export function equalsIgnoreCaseString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}
