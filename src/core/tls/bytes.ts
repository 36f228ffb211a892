// Small byte helpers for the TLS decoder: hex decoding, base64 (RFC 4648 §4), record sequence numbers.
// Pure: no Buffer, no atob (not in the ES2022 lib the core compiles against).

/** Bytes of a hex string (case-insensitive, even length, nothing else), or undefined when it is not hex. */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64 = (() => {
  const t = new Int16Array(128).fill(-1);
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < a.length; i++) t[a.charCodeAt(i)] = i;
  return t;
})();

/**
 * Decode base64 (RFC 4648 §4 alphabet; whitespace ignored; '=' padding optional but only at the end).
 * Returns undefined on any other character or an impossible length.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  let pad = 0;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 61 /* = */) {
      pad++;
      continue;
    }
    if (pad > 0) return undefined;
    const v = c < 128 ? B64[c]! : -1;
    if (v < 0) return undefined;
    count++;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  if (count % 4 === 1 || pad > 2) return undefined;
  return out.slice(0, n);
}

/** Write a 64-bit sequence number (0 <= seq < 2^53) big-endian into `out` at `at`. */
export function writeSeq(out: Uint8Array, at: number, seq: number): void {
  const hi = Math.floor(seq / 0x100000000);
  const lo = seq >>> 0;
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 0xff;
  out[at + 2] = (hi >>> 8) & 0xff;
  out[at + 3] = hi & 0xff;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
}
