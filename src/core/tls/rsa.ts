// RSA private keys for TLS_RSA key exchange: PEM (RFC 7468) → DER (X.690) → PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2),
// directly or wrapped in PKCS#8 PrivateKeyInfo (RFC 5208 §5); RSADP with the Chinese Remainder Theorem
// (RFC 8017 §5.1.2) and RSAES-PKCS1-v1_5 unpadding (RFC 8017 §7.2.2), in BigInt.
import { fromBase64 } from './bytes';

/** An RSA private key (RFC 8017 §3.2, both representations). All numbers positive. */
export interface RsaPrivateKey {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dP: bigint;
  dQ: bigint;
  qInv: bigint;
  /** Modulus length in bytes (k in RFC 8017). */
  size: number;
  /** CRT parameters are consistent (p*q = n); otherwise m = c^d mod n is used. */
  crt: boolean;
}

/** One PEM block's outcome: a key, or a problem (code 'tls/key-unsupported' or 'tls/key-invalid'). */
export type PemKeyResult = { key: RsaPrivateKey } | { code: string; message: string };

/** DER element: tag byte, and the content bytes [start, end) in the parsed buffer. */
interface DerElement {
  tag: number;
  start: number;
  end: number;
}

/** Read one DER TLV at `at` (definite lengths up to 4 length bytes); undefined when malformed or out of `limit`. */
function readDer(b: Uint8Array, at: number, limit: number): DerElement | undefined {
  if (at + 2 > limit) return undefined;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const nb = len & 0x7f;
    if (nb === 0 || nb > 4 || p + nb > limit) return undefined;
    len = 0;
    for (let i = 0; i < nb; i++) len = len * 256 + b[p + i]!;
    p += nb;
  }
  if (p + len > limit) return undefined;
  return { tag, start: p, end: p + len };
}

/** Children of a constructed element (stops at the first malformed one). */
function derChildren(b: Uint8Array, el: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let p = el.start;
  while (p < el.end) {
    const c = readDer(b, p, el.end);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

function derInt(b: Uint8Array, el: DerElement | undefined): bigint | undefined {
  if (!el || el.tag !== 0x02 || el.end <= el.start) return undefined;
  if (b[el.start]! & 0x80) return undefined; // negative: never valid in an RSA key
  let v = 0n;
  for (let i = el.start; i < el.end; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Parse a PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2) from DER content `[start, end)` of `der`. */
export function parsePkcs1(der: Uint8Array, start = 0, end = der.length): RsaPrivateKey | undefined {
  const seq = readDer(der, start, end);
  if (!seq || seq.tag !== 0x30) return undefined;
  const f = derChildren(der, seq);
  const vals: bigint[] = [];
  for (let i = 0; i < 9; i++) {
    const v = derInt(der, f[i]);
    if (v === undefined) return undefined;
    vals.push(v);
  }
  const [, n, e, d, p, q, dP, dQ, qInv] = vals as [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  if (n < 3n || d === 0n) return undefined;
  const crt = p > 1n && q > 1n && p * q === n && dP > 0n && dQ > 0n && qInv > 0n;
  return { n, e, d, p, q, dP, dQ, qInv, size: Math.ceil(bitLength(n) / 8), crt };
}

/** DER of OID 1.2.840.113549.1.1.1 (rsaEncryption, RFC 8017 §A.1) without tag/length. */
const RSA_ENCRYPTION = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/** Dotted form of a DER OID body, for messages. */
function oidString(b: Uint8Array, el: DerElement): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = el.start; i < el.end; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Parse a PKCS#8 PrivateKeyInfo (RFC 5208 §5) holding an rsaEncryption key. */
export function parsePkcs8(der: Uint8Array): PemKeyResult {
  const seq = readDer(der, 0, der.length);
  if (!seq || seq.tag !== 0x30) return { code: 'tls/key-invalid', message: 'PKCS#8 key: not a DER SEQUENCE' };
  const f = derChildren(der, seq);
  const alg = f[1];
  const priv = f[2];
  if (!alg || alg.tag !== 0x30 || !priv || priv.tag !== 0x04) return { code: 'tls/key-invalid', message: 'PKCS#8 key: malformed PrivateKeyInfo' };
  const oid = derChildren(der, alg)[0];
  if (!oid || oid.tag !== 0x06) return { code: 'tls/key-invalid', message: 'PKCS#8 key: no algorithm OID' };
  const isRsa = oid.end - oid.start === RSA_ENCRYPTION.length && RSA_ENCRYPTION.every((x, i) => der[oid.start + i] === x);
  if (!isRsa) return { code: 'tls/key-unsupported', message: `PKCS#8 key with algorithm ${oidString(der, oid)} is not an RSA (rsaEncryption) key; only RSA keys decrypt TLS_RSA key exchange` };
  const key = parsePkcs1(der, priv.start, priv.end);
  return key ? { key } : { code: 'tls/key-invalid', message: 'PKCS#8 RSA key: malformed RSAPrivateKey' };
}

/**
 * All PEM blocks (RFC 7468) in `text` that hold private keys. `RSA PRIVATE KEY` (PKCS#1) and `PRIVATE KEY` (PKCS#8)
 * give keys; encrypted keys (`ENCRYPTED PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`) and other key types give
 * 'tls/key-unsupported'; bad base64/DER gives 'tls/key-invalid'. Certificates and other non-key blocks are skipped.
 * Never throws.
 */
export function parsePemKeys(text: string): PemKeyResult[] {
  const out: PemKeyResult[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const label = m[1]!;
    const body = m[2]!;
    if (!/PRIVATE KEY$/.test(label)) continue;
    if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,\s*ENCRYPTED/i.test(body)) {
      out.push({ code: 'tls/key-unsupported', message: `${label}: encrypted private keys are not supported (decrypt it first, e.g. openssl pkey -in key.pem -out plain.pem)` });
      continue;
    }
    if (label !== 'RSA PRIVATE KEY' && label !== 'PRIVATE KEY') {
      out.push({ code: 'tls/key-unsupported', message: `${label}: only RSA private keys decrypt TLS_RSA key exchange` });
      continue;
    }
    // RFC 1421 headers ("Name: value" lines) may precede the base64 in legacy PEM.
    const b64 = body.split(/\r?\n/).filter((l) => !/^[A-Za-z-]+:/.test(l.trim())).join('');
    const der = fromBase64(b64);
    if (!der || der.length === 0) {
      out.push({ code: 'tls/key-invalid', message: `${label}: invalid base64` });
      continue;
    }
    if (label === 'RSA PRIVATE KEY') {
      const key = parsePkcs1(der);
      out.push(key ? { key } : { code: 'tls/key-invalid', message: 'RSA PRIVATE KEY: malformed PKCS#1 RSAPrivateKey' });
    } else {
      out.push(parsePkcs8(der));
    }
  }
  return out;
}

/** base^exp mod m by left-to-right square-and-multiply (exp >= 0, m > 1). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  base %= m;
  if (base < 0n) base += m;
  const bits = exp.toString(2);
  for (let i = 0; i < bits.length; i++) {
    result = (result * result) % m;
    if (bits.charCodeAt(i) === 49) result = (result * base) % m;
  }
  return result;
}

/** RSADP (RFC 8017 §5.1.2): m = c^d mod n, via CRT when the key has consistent CRT parameters. */
export function rsaDecryptPrimitive(key: RsaPrivateKey, c: bigint): bigint {
  if (!key.crt) return modPow(c, key.d, key.n);
  const m1 = modPow(c, key.dP, key.p);
  const m2 = modPow(c, key.dQ, key.q);
  let h = ((m1 - m2) * key.qInv) % key.p;
  if (h < 0n) h += key.p;
  return m2 + h * key.q;
}

/**
 * RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2): the message inside `ciphertext`, or undefined when the ciphertext
 * length is not the modulus length, c >= n, or the padding (00 02 PS(>= 8 non-zero) 00 M) is wrong.
 */
export function rsaPkcs1Decrypt(key: RsaPrivateKey, ciphertext: Uint8Array): Uint8Array | undefined {
  if (ciphertext.length !== key.size) return undefined;
  let c = 0n;
  for (let i = 0; i < ciphertext.length; i++) c = (c << 8n) | BigInt(ciphertext[i]!);
  if (c >= key.n) return undefined;
  let m = rsaDecryptPrimitive(key, c);
  const em = new Uint8Array(key.size);
  for (let i = key.size - 1; i >= 0 && m > 0n; i--) {
    em[i] = Number(m & 0xffn);
    m >>= 8n;
  }
  if (em[0] !== 0 || em[1] !== 2) return undefined;
  let sep = 2;
  while (sep < em.length && em[sep] !== 0) sep++;
  if (sep >= em.length || sep - 2 < 8) return undefined;
  return em.slice(sep + 1);
}
