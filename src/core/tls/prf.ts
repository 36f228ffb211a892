// Key derivation: the TLS 1.0/1.1 PRF (RFC 2246 §5, RFC 4346 §5: P_MD5 XOR P_SHA-1), the TLS 1.2 PRF
// (RFC 5246 §5: P_SHA256, or P_SHA384 for *_SHA384 suites), the master secret (RFC 5246 §8.1, RFC 7627 §4
// extended master secret), the key block (RFC 5246 §6.3) and TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { expand } from '@noble/hashes/hkdf.js';
import { concatBytes } from '../util/bytes';
import { encodeUtf8 } from '../text/decode';
import type { SuiteHash } from './suites';

/** A noble hash function (callable, with `create()`), as taken by hmac/hkdf. */
export type HashFn = typeof sha256 | typeof sha384 | typeof sha1 | typeof md5;

/** The hash function for a suite hash name. */
export function hashFn(h: SuiteHash): HashFn {
  return h === 'md5' ? md5 : h === 'sha1' ? sha1 : h === 'sha256' ? sha256 : sha384;
}

/** P_hash(secret, seed) truncated to `len` bytes (RFC 5246 §5). */
function pHash(hash: HashFn, secret: Uint8Array, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let a = seed;
  let o = 0;
  while (o < len) {
    a = hmac(hash, secret, a);
    const block = hmac.create(hash, secret).update(a).update(seed).digest();
    const n = Math.min(block.length, len - o);
    out.set(block.subarray(0, n), o);
    o += n;
  }
  return out;
}

/**
 * PRF(secret, label, seed) → `len` bytes. `version` is the negotiated protocol version (0x0301 TLS 1.0, 0x0302
 * TLS 1.1, 0x0303 TLS 1.2). TLS 1.0/1.1: P_MD5(S1) XOR P_SHA-1(S2) over the two (overlapping when odd) halves of
 * the secret (RFC 2246 §5). TLS 1.2: P_<prfHash> (RFC 5246 §5).
 */
export function prf(version: number, prfHash: SuiteHash, secret: Uint8Array, label: string, seed: Uint8Array, len: number): Uint8Array {
  const labelSeed = concatBytes([encodeUtf8(label), seed]);
  if (version >= 0x0303) return pHash(hashFn(prfHash), secret, labelSeed, len);
  const half = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, half);
  const s2 = secret.subarray(secret.length - half);
  const a = pHash(md5, s1, labelSeed, len);
  const b = pHash(sha1, s2, labelSeed, len);
  for (let i = 0; i < len; i++) a[i] = a[i]! ^ b[i]!;
  return a;
}

/** The PRF hash of a TLS 1.2 suite: SHA-384 for *_SHA384 suites, SHA-256 otherwise (RFC 5246 §5, RFC 5289 §3). */
export function prfHashOf(suiteHash: SuiteHash): SuiteHash {
  return suiteHash === 'sha384' ? 'sha384' : 'sha256';
}

/**
 * master_secret (48 bytes) from the pre-master secret: PRF(pms, "master secret", client_random + server_random)
 * (RFC 5246 §8.1), or with the extended master secret PRF(pms, "extended master secret", session_hash) (RFC 7627 §4).
 */
export function masterSecret(
  version: number,
  prfHash: SuiteHash,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sessionHash: Uint8Array | undefined,
): Uint8Array {
  if (sessionHash) return prf(version, prfHash, preMaster, 'extended master secret', sessionHash, 48);
  return prf(version, prfHash, preMaster, 'master secret', concatBytes([clientRandom, serverRandom]), 48);
}

/** key_block = PRF(master_secret, "key expansion", server_random + client_random) (RFC 5246 §6.3). */
export function keyBlock(version: number, prfHash: SuiteHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, len: number): Uint8Array {
  return prf(version, prfHash, master, 'key expansion', concatBytes([serverRandom, clientRandom]), len);
}

/** HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix (RFC 8446 §7.1). */
export function hkdfExpandLabel(hash: SuiteHash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = encodeUtf8('tls13 ' + label);
  const info = new Uint8Array(2 + 1 + full.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = full.length;
  info.set(full, 3);
  info[3 + full.length] = context.length;
  info.set(context, 4 + full.length);
  return expand(hashFn(hash), secret, info, length);
}
