// Record protection, read side: one decryptor per direction and key generation, holding its sequence number.
// TLS 1.0-1.2 GenericBlockCipher with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2, RFC 2246 §6.2.3.2 with chained
// IVs, RFC 4346 §6.2.3.2 explicit IVs) or encrypt-then-MAC (RFC 7366 §3); NULL cipher with HMAC (RFC 5246
// §6.2.3.1); GenericAEADCipher with AES-GCM (RFC 5288 §3) and ChaCha20-Poly1305 (RFC 7905 §2); TLS 1.3
// TLSCiphertext / TLSInnerPlaintext (RFC 8446 §5.2-5.3).
import { cbc, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hmac } from '@noble/hashes/hmac.js';
import { equalBytes } from '../util/bytes';
import { writeSeq } from './bytes';
import { hashFn, hkdfExpandLabel } from './prf';
import { macLength, type CipherSuite } from './suites';

/** A decrypted record: its (inner, for TLS 1.3) content type and plaintext. */
export interface DecryptedRecord {
  type: number;
  /** Owned bytes (never a view of the caller's input). */
  plaintext: Uint8Array;
}

/** Outcome of decrypting one record: the record, or why it failed (MAC / tag / padding). */
export type DecryptResult = DecryptedRecord | { error: string };

/** Read state of one direction. */
export interface RecordDecryptor {
  /**
   * Decrypt one record. `header` is its 5-byte header (type, version, length), `body` its `length` bytes. The
   * sequence number advances on success only. Never throws.
   */
  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult;
}

const TAG = 16;
const BLOCK = 16;

/** seq_num(8) + type(1) + version(2) + length(2): the MAC / AEAD additional data prefix (RFC 5246 §6.2.3.1, §6.2.3.3). */
function pseudoHeader(seq: number, header: Uint8Array, length: number): Uint8Array {
  const h = new Uint8Array(13);
  writeSeq(h, 0, seq);
  h[8] = header[0]!;
  h[9] = header[1]!;
  h[10] = header[2]!;
  h[11] = length >> 8;
  h[12] = length & 0xff;
  return h;
}

/** `iv` XOR the sequence number left-padded to the IV length (RFC 7905 §2, RFC 8446 §5.3). */
function xorNonce(iv: Uint8Array, seq: number): Uint8Array {
  const n = iv.slice();
  const s = new Uint8Array(8);
  writeSeq(s, 0, seq);
  for (let i = 0; i < 8; i++) n[n.length - 8 + i] = n[n.length - 8 + i]! ^ s[i]!;
  return n;
}

/** Parameters of a TLS 1.0-1.2 direction, from the key block (RFC 5246 §6.3). */
export interface Tls12Keys {
  suite: CipherSuite;
  /** Negotiated version: 0x0301, 0x0302 or 0x0303. */
  version: number;
  /** RFC 7366 encrypt-then-MAC negotiated (CBC suites only). */
  encryptThenMac: boolean;
  macKey: Uint8Array;
  key: Uint8Array;
  /** TLS 1.0 CBC initial IV, GCM 4-byte salt or ChaCha20 12-byte IV; empty otherwise. */
  iv: Uint8Array;
}

/** The read decryptor for one direction of a TLS 1.0-1.2 connection, sequence number 0 (just after ChangeCipherSpec). */
export function tls12Decryptor(k: Tls12Keys): RecordDecryptor {
  switch (k.suite.cipher) {
    case 'aes-gcm':
      return new Tls12Gcm(k.key, k.iv);
    case 'chacha20-poly1305':
      return new Tls12ChaCha(k.key, k.iv);
    default:
      return new Tls12Mac(k);
  }
}

/** CBC (MAC-then-encrypt or encrypt-then-MAC) and NULL suites. */
class Tls12Mac implements RecordDecryptor {
  private seq = 0;
  private readonly macLen: number;
  private readonly explicitIv: boolean;
  /** TLS 1.0 chained IV: the last ciphertext block of the previous record (RFC 2246 §6.2.3.2). */
  private chainIv: Uint8Array;

  constructor(private readonly k: Tls12Keys) {
    this.macLen = macLength(k.suite);
    this.explicitIv = k.version >= 0x0302;
    this.chainIv = k.iv;
  }

  private mac(header: Uint8Array, length: number, parts: Uint8Array[]): Uint8Array {
    const h = hmac.create(hashFn(this.k.suite.hash), this.k.macKey).update(pseudoHeader(this.seq, header, length));
    for (const p of parts) h.update(p);
    return h.digest();
  }

  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
    try {
      return this.decryptInner(header, body);
    } catch {
      return { error: 'record decryption failed' };
    }
  }

  private decryptInner(header: Uint8Array, body: Uint8Array): DecryptResult {
    const macLen = this.macLen;
    if (this.k.suite.cipher === 'null') {
      if (body.length < macLen) return { error: 'record shorter than its MAC' };
      const content = body.subarray(0, body.length - macLen);
      if (!equalBytes(this.mac(header, content.length, [content]), body.subarray(content.length))) return { error: 'bad record MAC' };
      this.seq++;
      return { type: header[0]!, plaintext: content.slice() };
    }
    let cipherText: Uint8Array;
    let iv: Uint8Array;
    if (this.k.encryptThenMac) {
      // RFC 7366 §3: MAC(seq + type + version + length(IV + ciphertext) + IV + ciphertext), then decrypt.
      if (body.length < macLen + BLOCK * (this.explicitIv ? 2 : 1)) return { error: 'record too short' };
      const protectedPart = body.subarray(0, body.length - macLen);
      if (!equalBytes(this.mac(header, protectedPart.length, [protectedPart]), body.subarray(protectedPart.length))) return { error: 'bad record MAC' };
      iv = this.explicitIv ? protectedPart.subarray(0, BLOCK) : this.chainIv;
      cipherText = this.explicitIv ? protectedPart.subarray(BLOCK) : protectedPart;
    } else {
      iv = this.explicitIv ? body.subarray(0, BLOCK) : this.chainIv;
      cipherText = this.explicitIv ? body.subarray(BLOCK) : body;
    }
    if (cipherText.length === 0 || cipherText.length % BLOCK !== 0) return { error: 'ciphertext is not a whole number of blocks' };
    const nextChain = cipherText.slice(cipherText.length - BLOCK);
    const plain = cbc(this.k.key, iv, { disablePadding: true }).decrypt(cipherText);
    // GenericBlockCipher padding: padding_length + 1 bytes, all equal to padding_length (RFC 5246 §6.2.3.2).
    const padLen = plain[plain.length - 1]!;
    const tail = padLen + 1 + (this.k.encryptThenMac ? 0 : macLen);
    if (tail > plain.length) return { error: 'bad padding' };
    for (let i = plain.length - 1 - padLen; i < plain.length - 1; i++) if (plain[i] !== padLen) return { error: 'bad padding' };
    const content = plain.subarray(0, plain.length - tail);
    if (!this.k.encryptThenMac) {
      const mac = plain.subarray(content.length, content.length + macLen);
      if (!equalBytes(this.mac(header, content.length, [content]), mac)) return { error: 'bad record MAC' };
    }
    this.chainIv = nextChain;
    this.seq++;
    return { type: header[0]!, plaintext: content };
  }
}

/** AES-GCM, TLS 1.2: nonce = salt(4) + explicit nonce(8) from the record (RFC 5288 §3). */
class Tls12Gcm implements RecordDecryptor {
  private seq = 0;
  constructor(
    private readonly key: Uint8Array,
    private readonly salt: Uint8Array,
  ) {}
  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
    if (body.length < 8 + TAG) return { error: 'record too short' };
    const nonce = new Uint8Array(12);
    nonce.set(this.salt, 0);
    nonce.set(body.subarray(0, 8), 4);
    const aad = pseudoHeader(this.seq, header, body.length - 8 - TAG);
    try {
      const plaintext = gcm(this.key, nonce, aad).decrypt(body.subarray(8));
      this.seq++;
      return { type: header[0]!, plaintext };
    } catch {
      return { error: 'AEAD tag check failed' };
    }
  }
}

/** ChaCha20-Poly1305, TLS 1.2: nonce = IV XOR seq (RFC 7905 §2). */
class Tls12ChaCha implements RecordDecryptor {
  private seq = 0;
  constructor(
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {}
  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
    if (body.length < TAG) return { error: 'record too short' };
    const aad = pseudoHeader(this.seq, header, body.length - TAG);
    try {
      const plaintext = chacha20poly1305(this.key, xorNonce(this.iv, this.seq), aad).decrypt(body);
      this.seq++;
      return { type: header[0]!, plaintext };
    } catch {
      return { error: 'AEAD tag check failed' };
    }
  }
}

/**
 * TLS 1.3 read state from a traffic secret: key = HKDF-Expand-Label(secret, "key", "", key_length), iv =
 * HKDF-Expand-Label(secret, "iv", "", 12) (RFC 8446 §7.3); nonce = iv XOR seq; additional data = the record header
 * (§5.2); the inner content type is the last non-zero byte of TLSInnerPlaintext (§5.4).
 */
export class Tls13Decryptor implements RecordDecryptor {
  private seq = 0;
  private readonly key: Uint8Array;
  private readonly iv: Uint8Array;

  constructor(
    private readonly suite: CipherSuite,
    /** The traffic secret of this generation. */
    readonly secret: Uint8Array,
  ) {
    this.key = hkdfExpandLabel(suite.hash, secret, 'key', new Uint8Array(0), suite.keyLen);
    this.iv = hkdfExpandLabel(suite.hash, secret, 'iv', new Uint8Array(0), 12);
  }

  /** The next generation after a KeyUpdate: secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2). */
  next(): Tls13Decryptor {
    return new Tls13Decryptor(this.suite, hkdfExpandLabel(this.suite.hash, this.secret, 'traffic upd', new Uint8Array(0), this.secret.length));
  }

  decrypt(header: Uint8Array, body: Uint8Array): DecryptResult {
    if (body.length < TAG) return { error: 'record too short' };
    let inner: Uint8Array;
    try {
      const nonce = xorNonce(this.iv, this.seq);
      inner = this.suite.cipher === 'aes-gcm' ? gcm(this.key, nonce, header).decrypt(body) : chacha20poly1305(this.key, nonce, header).decrypt(body);
    } catch {
      return { error: 'AEAD tag check failed' };
    }
    let end = inner.length;
    while (end > 0 && inner[end - 1] === 0) end--;
    if (end === 0) return { error: 'TLSInnerPlaintext without content type' };
    this.seq++;
    return { type: inner[end - 1]!, plaintext: inner.subarray(0, end - 1) };
  }
}
