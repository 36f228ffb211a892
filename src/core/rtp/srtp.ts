// SRTP (RFC 3711) decryption of RTP payloads keyed by SDES (RFC 4568 a=crypto lines in the SDP), so that the audio of
// an SRTP call can be heard when its SIP signalling is in the capture in clear (or decrypted TLS). Suites
// AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32 (RFC 4568 §6.2), key derivation rate 0, no MKI. The key of a
// stream is found by its authentication tag (RFC 3711 §4.2): every key of the call is tried on the first packet.
import { ctr } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { u16be, u32be } from '../bytes/cursor';
import { fromBase64 } from '../tls/bytes';
import { equalBytes } from '../util/bytes';

/** An SDES master key (RFC 4568 §6.1): from an a=crypto line's first `inline:` key parameter. */
export interface SdesKey {
  /** The a=crypto tag. */
  tag: number;
  suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
  /** 16-byte master key and 14-byte master salt. */
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
}

const SUITES = new Set(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);

/**
 * The key of an a=crypto attribute value (`1 AES_CM_128_HMAC_SHA1_80 inline:<base64 key||salt>[|lifetime][|MKI:len]`,
 * RFC 4568 §9.1, §6.2.1), or undefined: another suite, a key that is not 30 bytes of base64, an MKI (not handled),
 * or a session parameter changing the key derivation rate (KDR).
 */
export function parseSdesCrypto(value: string): SdesKey | undefined {
  const m = /^(\d{1,9})\s+(\S+)\s+inline:([^|\s;]+)((?:\|[^|\s;]*)*)(.*)$/.exec(value.trim());
  if (!m || !SUITES.has(m[2]!)) return undefined;
  const parts = (m[4] ?? '').split('|').filter((x) => x !== '');
  if (parts.some((x) => x.includes(':'))) return undefined; // MKI:length
  if (/\bKDR=(?!0\b)/.test(m[5] ?? '')) return undefined;
  const bytes = fromBase64(m[3]!);
  if (!bytes || bytes.length !== 30) return undefined;
  return { tag: Number(m[1]), suite: m[2] as SdesKey['suite'], masterKey: bytes.slice(0, 16), masterSalt: bytes.slice(16) };
}

/**
 * Every usable SDES key in an SDP text (a=crypto lines of any m= section), in order, appended to `into` unless it is
 * already there (same suite, master key and salt): pass one array for all the SDPs of a call. Returns `into`.
 */
export function sdesKeysInSdp(sdp: string, into: SdesKey[] = []): SdesKey[] {
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('a=crypto:')) continue;
    const k = parseSdesCrypto(line.slice('a=crypto:'.length));
    if (k && !into.some((x) => x.suite === k.suite && equalBytes(x.masterKey, k.masterKey) && equalBytes(x.masterSalt, k.masterSalt))) into.push(k);
  }
  return into;
}

/** SRTP session keys (RFC 3711 §4.3.1, KDR 0): encryption key, salt and authentication key of one master key. */
export interface SrtpSessionKeys {
  encKey: Uint8Array;
  salt: Uint8Array;
  authKey: Uint8Array;
  tagLength: number;
}

/** RFC 3711 §4.3.1 with key derivation rate 0: AES-CM of the master key over (label XOR master salt) * 2^16. */
export function deriveSrtpKeys(k: SdesKey): SrtpSessionKeys {
  const prf = (label: number, n: number): Uint8Array => {
    const iv = new Uint8Array(16);
    iv.set(k.masterSalt, 0);
    iv[7]! ^= label; // key_id = label || r (r = 0), aligned to the salt's last 7 bytes
    return ctr(k.masterKey, iv).encrypt(new Uint8Array(n));
  };
  return { encKey: prf(0, 16), authKey: prf(1, 20), salt: prf(2, 14), tagLength: k.suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4 };
}

/**
 * Decrypts one SRTP stream (one SSRC, one direction): the key among `keys` whose tag authenticates the first packet, then
 * that key for the rest, with the rollover counter estimated from sequence numbers (RFC 3711 §3.3.1). The counter
 * starts at 0, as for a capture that holds the call's start; until a packet authenticates, counters 1-3 are tried
 * too (a capture that starts up to about 1 h 27 min into a 50-packet/s stream).
 */
export class SrtpStreamDecryptor {
  private readonly sessions: SrtpSessionKeys[];
  private chosen: SrtpSessionKeys | undefined;
  private roc = 0;
  private highest = -1;
  /** Packets whose tag no key authenticated (dropped). */
  authFailures = 0;
  /** Packets decrypted. */
  decrypted = 0;
  /** An optional decryptor whose first packet no key authenticated: the stream is plain RTP (decrypt passes). */
  plain = false;
  readonly keyCount: number;

  /**
   * `optional`: the stream may be plain RTP (RTP/AVP in a call whose SDP offers SDES keys, "best effort" SRTP): when no
   * key authenticates its first packet, `plain` is set and the stream is left as it is.
   */
  constructor(
    keys: readonly SdesKey[],
    private readonly optional = false,
  ) {
    this.sessions = keys.map(deriveSrtpKeys);
    this.keyCount = keys.length;
  }

  /** A key authenticated the stream. */
  get keyed(): boolean {
    return this.chosen !== undefined;
  }

  /**
   * Authenticate and decrypt the SRTP packet `b[s, e)` whose RTP header is `h` bytes: writes the header and the
   * plaintext payload to `out` (grown as needed; the caller passes the returned buffer back next time) and returns
   * `{ out, end }` (end = header + payload, without the tag), or undefined when no key authenticates it.
   */
  decrypt(b: Uint8Array, s: number, h: number, e: number, out: Uint8Array): { out: Uint8Array; end: number } | undefined {
    const seq = u16be(b, s + 2);
    const ssrc = u32be(b, s + 8);
    // RFC 3711 §3.3.1: the rollover counter this packet most likely belongs to.
    let v = this.roc;
    if (this.highest >= 0) {
      if (this.highest < 32768) v = seq - this.highest > 32768 ? this.roc - 1 : this.roc;
      else v = this.highest - 32768 > seq ? this.roc + 1 : this.roc;
    }
    if (v < 0) return undefined;
    const tries = this.chosen ? [this.chosen] : this.sessions;
    const rocs = this.chosen || this.highest >= 0 ? [v] : [v, v + 1, v + 2, v + 3];
    for (const k of tries) {
      const tagAt = e - k.tagLength;
      if (tagAt < s + h) continue;
      const found = rocs.find((r) => authentic(k, b, s, tagAt, r));
      if (found === undefined) continue;
      v = found;
      this.chosen = k;
      if (this.highest < 0 || v > this.roc || (v === this.roc && seq > this.highest)) {
        this.roc = v;
        this.highest = seq;
      }
      const len = tagAt - s;
      if (out.length < len) out = new Uint8Array(Math.max(len, out.length * 2, 2048));
      out.set(b.subarray(s, s + h), 0);
      // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i = 2^16 * ROC + SEQ.
      const iv = new Uint8Array(16);
      iv.set(k.salt, 0);
      iv[4]! ^= ssrc >>> 24;
      iv[5]! ^= (ssrc >>> 16) & 0xff;
      iv[6]! ^= (ssrc >>> 8) & 0xff;
      iv[7]! ^= ssrc & 0xff;
      iv[8]! ^= (v >>> 24) & 0xff;
      iv[9]! ^= (v >>> 16) & 0xff;
      iv[10]! ^= (v >>> 8) & 0xff;
      iv[11]! ^= v & 0xff;
      iv[12]! ^= seq >>> 8;
      iv[13]! ^= seq & 0xff;
      out.set(ctr(k.encKey, iv).decrypt(b.subarray(s + h, tagAt)), h);
      this.decrypted++;
      return { out, end: len };
    }
    if (this.optional && this.chosen === undefined) this.plain = true;
    else this.authFailures++;
    return undefined;
  }
}

/** RFC 3711 §4.2: the tag at b[tagAt...] equals HMAC-SHA1(k_a, packet up to the tag || ROC), truncated. */
function authentic(k: SrtpSessionKeys, b: Uint8Array, s: number, tagAt: number, roc: number): boolean {
  const mac = hmac.create(sha1, k.authKey);
  mac.update(b.subarray(s, tagAt));
  mac.update(Uint8Array.of(roc >>> 24, (roc >>> 16) & 0xff, (roc >>> 8) & 0xff, roc & 0xff));
  const d = mac.digest();
  let diff = 0;
  for (let i = 0; i < k.tagLength; i++) diff |= d[i]! ^ b[tagAt + i]!;
  return diff === 0;
}
