// Byte-array helpers shared across the core.

/** One new array holding `parts` in order (always a fresh copy, even of a single part). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte-wise equality of `a` and `b` (same length, same bytes). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex of `b` (two characters per byte). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 §4 base64 of `b` with padding (for data: URLs); the text is built in 48 KiB pieces. */
export function toBase64(b: Uint8Array): string {
  const parts: string[] = [];
  const A = B64_ALPHABET;
  for (let start = 0; start < b.length; start += 49152) {
    const end = Math.min(b.length, start + 49152);
    let out = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
      out += A[n >> 18]! + A[(n >> 12) & 63]! + A[(n >> 6) & 63]! + A[n & 63]!;
    }
    if (i < end) {
      const n = (b[i]! << 16) | (i + 1 < end ? b[i + 1]! << 8 : 0);
      out += A[n >> 18]! + A[(n >> 12) & 63]! + (i + 1 < end ? A[(n >> 6) & 63]! : '=') + '=';
    }
    parts.push(out);
  }
  return parts.join('');
}
