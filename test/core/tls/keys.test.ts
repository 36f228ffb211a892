// TlsKeyStore: PEM parsing (PKCS#1, PKCS#8, several blocks, unsupported and broken keys), RSA PKCS#1 v1.5
// pre-master decryption against node:crypto, NSS key log parsing, the session cache; plus the pure helpers.
import { describe, expect, it } from 'vitest';
import { constants, createHmac, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { SESSION_CACHE_LIMIT, TlsKeyStore } from '../../../src/core/tls/keys';
import { fromBase64, fromHex } from '../../../src/core/tls/bytes';
import { toHex } from '../../../src/core/util/bytes';
import { parsePemKeys } from '../../../src/core/tls/rsa';
import { hkdfExpandLabel, prf } from '../../../src/core/tls/prf';
import { describeSuite } from '../../../src/core/tls/suites';
import { OTHER_KEY, SERVER_CERT, SERVER_KEY } from './tls-harness';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

function encryptPreMaster(pms: Buffer, publicKey = rsa.publicKey): Uint8Array {
  return new Uint8Array(publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, pms));
}

describe('RSA private keys', () => {
  it('parses PKCS#1 and PKCS#8 PEM and decrypts a PKCS#1 v1.5 pre-master secret', () => {
    for (const pem of [pkcs1, pkcs8]) {
      const store = new TlsKeyStore();
      expect(store.addRsaKeys(pem)).toBe(1);
      expect(store.problems).toEqual([]);
      expect(store.empty).toBe(false);
      const pms = randomBytes(48);
      pms[0] = 3;
      pms[1] = 3;
      expect(Buffer.from(store.decryptPreMaster(encryptPreMaster(pms))!)).toEqual(pms);
    }
  });

  it('rejects a message that is not 48 bytes, and a key that does not match', () => {
    const store = TlsKeyStore.from({ rsaKeys: [pkcs8] });
    expect(store.decryptPreMaster(encryptPreMaster(randomBytes(47)))).toBeUndefined();
    const other = TlsKeyStore.from({ rsaKeys: [OTHER_KEY] });
    expect(other.decryptPreMaster(encryptPreMaster(randomBytes(48)))).toBeUndefined();
    expect(other.decryptPreMaster(new Uint8Array(10))).toBeUndefined();
  });

  it('takes several PEM blocks in one text (certificates skipped) and tries each key', () => {
    const store = new TlsKeyStore();
    expect(store.addRsaKeys(`${SERVER_CERT}\n${OTHER_KEY}\nsome text\n${pkcs1.replace(/\n/g, '\r\n')}${SERVER_KEY}`)).toBe(3);
    expect(store.problems).toEqual([]);
    expect(store.rsaKeyCount).toBe(3);
    const pms = randomBytes(48);
    expect(Buffer.from(store.decryptPreMaster(encryptPreMaster(pms))!)).toEqual(pms);
  });

  it('reports encrypted, non-RSA, broken and missing keys without throwing', () => {
    const enc1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    const enc8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }) as string;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ec8 = ec.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = ec.export({ type: 'sec1', format: 'pem' }) as string;
    const store = new TlsKeyStore();
    expect(store.addRsaKeys(enc1)).toBe(0);
    expect(store.addRsaKeys(enc8)).toBe(0);
    expect(store.addRsaKeys(ec8)).toBe(0);
    expect(store.addRsaKeys(sec1)).toBe(0);
    expect(store.addRsaKeys('-----BEGIN PRIVATE KEY-----\n!!!notbase64\n-----END PRIVATE KEY-----\n')).toBe(0);
    expect(store.addRsaKeys('-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----\n')).toBe(0);
    expect(store.addRsaKeys('hello')).toBe(0);
    expect(store.addRsaKeys(SERVER_CERT)).toBe(0);
    expect(store.problems.map((p) => p.code)).toEqual([
      'tls/key-unsupported',
      'tls/key-unsupported',
      'tls/key-unsupported',
      'tls/key-unsupported',
      'tls/key-invalid',
      'tls/key-invalid',
      'tls/key-none',
      'tls/key-none',
    ]);
    expect(store.problems[0]!.message).toMatch(/encrypted/);
    expect(store.problems[2]!.message).toMatch(/1\.2\.840\.10045\.2\.1/);
    expect(store.empty).toBe(true);
  });

  it('survives truncated and bit-flipped DER', () => {
    const body = pkcs8.split('\n').slice(1, -2).join('');
    const der = fromBase64(body)!;
    for (let i = 0; i < 300; i++) {
      const d = Buffer.from(der.slice(0, (i * 37) % der.length));
      const j = (i * 13) % Math.max(1, d.length);
      if (d.length > 0) d[j] = d[j]! ^ (1 << (i % 8));
      const pem = `-----BEGIN PRIVATE KEY-----\n${d.toString('base64')}\n-----END PRIVATE KEY-----\n`;
      expect(() => parsePemKeys(pem)).not.toThrow();
    }
  });
});

describe('NSS key log', () => {
  const cr = 'A1'.repeat(32);
  it('parses the five labels, ignores others and comments, reports junk lines', () => {
    const store = new TlsKeyStore();
    const used = store.addKeyLog(
      [
        '# SSL/TLS secrets log file, generated by NSS',
        `CLIENT_RANDOM ${cr} ${'0b'.repeat(48)}`,
        `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr.toLowerCase()} ${'01'.repeat(32)}`,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr} ${'02'.repeat(48)}`,
        `CLIENT_TRAFFIC_SECRET_0 ${cr} ${'03'.repeat(32)}`,
        `SERVER_TRAFFIC_SECRET_0 ${cr} ${'04'.repeat(32)}\r`,
        `EXPORTER_SECRET ${cr} ${'05'.repeat(32)}`,
        `RSA 0011223344556677 ${'06'.repeat(48)}`,
        '',
        'garbage',
        `CLIENT_RANDOM ${cr.slice(2)} ${'0b'.repeat(48)}`,
        `CLIENT_RANDOM ${cr} ${'0b'.repeat(47)}`,
        `CLIENT_RANDOM ${cr} zz${'0b'.repeat(47)}`,
        `CLIENT_TRAFFIC_SECRET_0 ${cr} ${'03'.repeat(20)}`,
        `bad-label ${cr} 00`,
        `CLIENT_RANDOM ${cr} ${'0b'.repeat(48)} extra`,
      ].join('\n'),
    );
    expect(used).toBe(5);
    expect(store.keyLogSize).toBe(1);
    expect(store.empty).toBe(false);
    const random = fromHex(cr)!;
    expect(toHex(store.keyLogSecret(random, 'CLIENT_RANDOM')!)).toBe('0b'.repeat(48));
    expect(toHex(store.keyLogSecret(random, 'SERVER_HANDSHAKE_TRAFFIC_SECRET')!)).toBe('02'.repeat(48));
    expect(toHex(store.keyLogSecret(random, 'SERVER_TRAFFIC_SECRET_0')!)).toBe('04'.repeat(32));
    expect(store.keyLogSecret(new Uint8Array(32), 'CLIENT_RANDOM')).toBeUndefined();
    const codes = store.problems.map((p) => p.code);
    expect(codes.every((c) => c === 'tls/keylog-line')).toBe(true);
    // 7 junk lines: 5 individually, then one summary.
    expect(codes.length).toBe(6);
    expect(store.problems[0]!.message).toMatch(/line 10/);
    expect(store.problems[5]!.message).toMatch(/2 more/);
  });

  it('accumulates across calls (e.g. several pcapng Decryption Secrets Blocks)', () => {
    const store = TlsKeyStore.from({ keyLogs: [`CLIENT_RANDOM ${cr} ${'0b'.repeat(48)}`] });
    expect(store.addKeyLog(`CLIENT_RANDOM ${'b2'.repeat(32)} ${'0c'.repeat(48)}\n`)).toBe(1);
    expect(store.keyLogSize).toBe(2);
    expect(TlsKeyStore.from(undefined).empty).toBe(true);
    expect(TlsKeyStore.from({ keyLogs: ['# only a comment\n'] }).empty).toBe(true);
  });
});

describe('session cache', () => {
  it('remembers by session id and ticket, bounded', () => {
    const store = new TlsKeyStore();
    const ms = new Uint8Array(48).fill(7);
    store.rememberSession('id', new Uint8Array([1, 2, 3]), ms);
    store.rememberSession('ticket', new Uint8Array([1, 2, 3]), new Uint8Array(48).fill(8));
    expect(store.recallSession('id', new Uint8Array([1, 2, 3]))![0]).toBe(7);
    expect(store.recallSession('ticket', new Uint8Array([1, 2, 3]))![0]).toBe(8);
    expect(store.recallSession('id', new Uint8Array(0))).toBeUndefined();
    for (let i = 0; i < SESSION_CACHE_LIMIT + 10; i++) store.rememberSession('id', new Uint8Array([9, i >> 8, i & 255]), ms);
    expect(store.recallSession('id', new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(store.recallSession('id', new Uint8Array([9, 0, 0]))).toBeUndefined();
    const last = SESSION_CACHE_LIMIT + 9;
    expect(store.recallSession('id', new Uint8Array([9, last >> 8, last & 255]))).toBeDefined();
    // Still an empty store for callers: the cache is not user key material.
    expect(store.empty).toBe(true);
  });
});

describe('helpers', () => {
  it('base64 decodes like Buffer and rejects junk', () => {
    for (let n = 0; n < 40; n++) {
      const b = randomBytes(n);
      expect(Buffer.from(fromBase64(b.toString('base64'))!)).toEqual(b);
      expect(Buffer.from(fromBase64(b.toString('base64').replace(/=+$/, ''))!)).toEqual(b);
    }
    expect(fromBase64('ab$c')).toBeUndefined();
    expect(fromBase64('abcde')).toBeUndefined();
    expect(fromBase64('ab=c')).toBeUndefined();
  });

  it('TLS 1.2 PRF is P_SHA256 / P_SHA384 (checked against node:crypto HMAC)', () => {
    const secret = randomBytes(48);
    const seed = randomBytes(64);
    for (const [h, name] of [['sha256', 'sha256'], ['sha384', 'sha384']] as const) {
      const labelSeed = Buffer.concat([Buffer.from('key expansion'), seed]);
      let a: Buffer = labelSeed;
      const out: Buffer[] = [];
      while (Buffer.concat(out).length < 100) {
        a = createHmac(name, secret).update(a).digest();
        out.push(createHmac(name, secret).update(a).update(labelSeed).digest());
      }
      expect(Buffer.from(prf(0x0303, h, secret, 'key expansion', seed, 100))).toEqual(Buffer.concat(out).subarray(0, 100));
    }
  });

  it('HKDF-Expand-Label matches RFC 8448 (simple 1-RTT handshake, server handshake key and iv)', () => {
    // RFC 8448 §3: server_handshake_traffic_secret → key / iv.
    const secret = fromHex('b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38')!;
    expect(toHex(hkdfExpandLabel('sha256', secret, 'key', new Uint8Array(0), 16))).toBe('3fce516009c21727d0f2e4e86ee403bc');
    expect(toHex(hkdfExpandLabel('sha256', secret, 'iv', new Uint8Array(0), 12))).toBe('5d313eb2671276ee13000b30');
  });

  it('names suites', () => {
    expect(describeSuite(0x0035)).toBe('0x0035 TLS_RSA_WITH_AES_256_CBC_SHA');
    expect(describeSuite(0x000a)).toBe('0x000a TLS_RSA_WITH_3DES_EDE_CBC_SHA');
    expect(describeSuite(0xabcd)).toBe('0xabcd');
  });
});
