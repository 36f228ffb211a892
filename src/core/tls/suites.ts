// Cipher suites the TLS decoder can decrypt, with their IANA names (TLS Cipher Suites registry) and the parameters
// that drive key derivation and record protection: RFC 5246 §6.3 / App. C (CBC + HMAC), RFC 5288 (AES-GCM),
// RFC 5289 (ECDHE SHA-256/384), RFC 7905 (ChaCha20-Poly1305), RFC 8446 §B.4 (TLS 1.3).

/** Key exchange. 'rsa': the pre-master secret travels RSA-encrypted (an RSA private key can decrypt it). 'tls13': TLS 1.3 (key log only). */
export type KeyExchange = 'rsa' | 'dhe' | 'ecdhe' | 'tls13';
/** Bulk cipher: AES-CBC (MAC-then-encrypt or RFC 7366 encrypt-then-MAC), AEADs, or NULL (MAC only). */
export type BulkCipher = 'aes-cbc' | 'aes-gcm' | 'chacha20-poly1305' | 'null';
/** Hash: the HMAC hash for CBC/NULL suites; the PRF / HKDF hash is 'sha384' for *_SHA384 suites, else 'sha256' (TLS 1.2/1.3). */
export type SuiteHash = 'md5' | 'sha1' | 'sha256' | 'sha384';

export interface CipherSuite {
  id: number;
  /** IANA name, e.g. TLS_RSA_WITH_AES_256_CBC_SHA. */
  name: string;
  kx: KeyExchange;
  cipher: BulkCipher;
  /** Encryption key length in bytes (0 for NULL). */
  keyLen: number;
  /** HMAC hash (CBC/NULL suites), or the hash named by the suite (AEAD suites: PRF/HKDF hash). */
  hash: SuiteHash;
}

const S = (id: number, name: string, kx: KeyExchange, cipher: BulkCipher, keyLen: number, hash: SuiteHash): CipherSuite => ({ id, name, kx, cipher, keyLen, hash });

/** Every suite the decoder supports, by id. */
export const CIPHER_SUITES: ReadonlyMap<number, CipherSuite> = new Map(
  [
    S(0x0001, 'TLS_RSA_WITH_NULL_MD5', 'rsa', 'null', 0, 'md5'),
    S(0x0002, 'TLS_RSA_WITH_NULL_SHA', 'rsa', 'null', 0, 'sha1'),
    S(0x003b, 'TLS_RSA_WITH_NULL_SHA256', 'rsa', 'null', 0, 'sha256'),
    S(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'rsa', 'aes-cbc', 16, 'sha1'),
    S(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'rsa', 'aes-cbc', 32, 'sha1'),
    S(0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'rsa', 'aes-cbc', 16, 'sha256'),
    S(0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'rsa', 'aes-cbc', 32, 'sha256'),
    S(0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'rsa', 'aes-gcm', 16, 'sha256'),
    S(0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'rsa', 'aes-gcm', 32, 'sha384'),
    S(0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'dhe', 'aes-cbc', 16, 'sha1'),
    S(0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'dhe', 'aes-cbc', 32, 'sha1'),
    S(0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'dhe', 'aes-cbc', 16, 'sha256'),
    S(0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'dhe', 'aes-cbc', 32, 'sha256'),
    S(0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'dhe', 'aes-gcm', 16, 'sha256'),
    S(0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'dhe', 'aes-gcm', 32, 'sha384'),
    S(0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'dhe', 'chacha20-poly1305', 32, 'sha256'),
    S(0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ecdhe', 'aes-cbc', 16, 'sha1'),
    S(0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ecdhe', 'aes-cbc', 32, 'sha1'),
    S(0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ecdhe', 'aes-cbc', 16, 'sha256'),
    S(0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ecdhe', 'aes-cbc', 32, 'sha384'),
    S(0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ecdhe', 'aes-gcm', 16, 'sha256'),
    S(0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ecdhe', 'aes-gcm', 32, 'sha384'),
    S(0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ecdhe', 'chacha20-poly1305', 32, 'sha256'),
    S(0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ecdhe', 'aes-cbc', 16, 'sha1'),
    S(0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ecdhe', 'aes-cbc', 32, 'sha1'),
    S(0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ecdhe', 'aes-cbc', 16, 'sha256'),
    S(0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ecdhe', 'aes-cbc', 32, 'sha384'),
    S(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ecdhe', 'aes-gcm', 16, 'sha256'),
    S(0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ecdhe', 'aes-gcm', 32, 'sha384'),
    S(0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ecdhe', 'chacha20-poly1305', 32, 'sha256'),
    S(0x1301, 'TLS_AES_128_GCM_SHA256', 'tls13', 'aes-gcm', 16, 'sha256'),
    S(0x1302, 'TLS_AES_256_GCM_SHA384', 'tls13', 'aes-gcm', 32, 'sha384'),
    S(0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'tls13', 'chacha20-poly1305', 32, 'sha256'),
  ].map((s) => [s.id, s]),
);

/** IANA names of common suites the decoder cannot decrypt (for problem messages only). */
const UNSUPPORTED_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0041, 'TLS_RSA_WITH_CAMELLIA_128_CBC_SHA'],
  [0x0084, 'TLS_RSA_WITH_CAMELLIA_256_CBC_SHA'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM'],
  [0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8'],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
]);

/** "0x0035 TLS_RSA_WITH_AES_256_CBC_SHA" (or just the hex when the name is not known). */
export function describeSuite(id: number): string {
  const hex = '0x' + id.toString(16).padStart(4, '0');
  const name = CIPHER_SUITES.get(id)?.name ?? UNSUPPORTED_NAMES.get(id);
  return name ? `${hex} ${name}` : hex;
}

/** MAC length in bytes of a CBC/NULL suite (RFC 5246 §6.2.3.1), 0 for AEAD suites. */
export function macLength(s: CipherSuite): number {
  if (s.cipher === 'aes-gcm' || s.cipher === 'chacha20-poly1305') return 0;
  return s.hash === 'md5' ? 16 : s.hash === 'sha1' ? 20 : s.hash === 'sha256' ? 32 : 48;
}

/** Fixed IV (implicit nonce part) length from the key block: 4 for GCM (RFC 5288 §3), 12 for ChaCha20 (RFC 7905 §2), 16 for TLS 1.0 CBC. */
export function fixedIvLength(s: CipherSuite, version: number): number {
  if (s.cipher === 'aes-gcm') return 4;
  if (s.cipher === 'chacha20-poly1305') return 12;
  if (s.cipher === 'aes-cbc' && version <= 0x0301) return 16;
  return 0;
}
