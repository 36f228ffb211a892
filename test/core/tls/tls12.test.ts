// TLS 1.0-1.2 decryption on real bytes: a Node TLS server and client over loopback (tls-harness.ts) exchange SIP
// messages; the recorded wire bytes are fed in random chunks to TlsConnection with either the client's key log or
// only the server's RSA private key, and the plaintext must equal what each side sent.
import { afterAll, describe, expect, it } from 'vitest';
import { constants } from 'node:crypto';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { TlsKeyStore } from '../../../src/core/tls/keys';
import { feed, isSubsequence, sipConversation, SERVER_KEY, TlsLab, type FeedResult, type Session, type WireEvent } from './tls-harness';

/** Extension types of the ServerHello (first handshake record of the server stream). */
function serverHelloExtensions(events: WireEvent[]): Set<number> {
  const s = Buffer.concat(events.filter((e) => e.dir === 1).map((e) => e.bytes));
  const hs = s.subarray(5, 5 + s.readUInt16BE(3));
  const body = hs.subarray(4, 4 + hs.readUIntBE(1, 3));
  let p = 2 + 32;
  p += 1 + body[p]!; // session id
  p += 3; // suite, compression
  const out = new Set<number>();
  if (p + 2 > body.length) return out;
  const end = p + 2 + body.readUInt16BE(p);
  p += 2;
  while (p + 4 <= end) {
    out.add(body.readUInt16BE(p));
    p += 4 + body.readUInt16BE(p + 2);
  }
  return out;
}

function expectDecrypted(r: FeedResult, s: Session): void {
  expect(r.problems.summaries()).toEqual([]);
  expect(r.plain[0].equals(s.sent[0])).toBe(true);
  expect(r.plain[1].equals(s.sent[1])).toBe(true);
  expect(r.conn.decrypting).toBe(true);
  expect(r.conn.dead).toBe(false);
  expect(r.fileOffsetsOk).toBe(true);
  for (const dir of [0, 1] as const) {
    // Each emission comes from a distinct application_data record, with the frame whose chunk completed it.
    expect(isSubsequence(r.frames[dir], r.appRecordFrames[dir])).toBe(true);
  }
}

const labs: TlsLab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.close()));
});

async function session(server: TlsOptions, client: ConnectionOptions = {}, sessionCache = false): Promise<{ lab: TlsLab; s: Session }> {
  const lab = await TlsLab.start({ maxVersion: 'TLSv1.2', ...server }, sessionCache);
  labs.push(lab);
  const s = await lab.connect({ maxVersion: 'TLSv1.2', ...client }, sipConversation());
  return { lab, s };
}

const keyLogOnly = (s: Session) => TlsKeyStore.from({ keyLogs: [s.keylog] });
const rsaOnly = () => TlsKeyStore.from({ rsaKeys: [SERVER_KEY] });

describe('TLS 1.2 with a key log', () => {
  const suites: [string, string, Partial<TlsOptions>][] = [
    ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', {}],
    ['ECDHE-RSA-AES256-GCM-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', {}],
    ['ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', {}],
    ['ECDHE-RSA-AES128-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (encrypt-then-MAC)', {}],
    ['ECDHE-RSA-AES256-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (MAC-then-encrypt)', { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }],
    ['DHE-RSA-AES128-GCM-SHA256', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', { dhparam: 'auto' } as Partial<TlsOptions>],
  ];
  for (const [ciphers, name, extra] of suites) {
    it(name, async () => {
      const { s } = await session({ ciphers, ...extra }, { ciphers });
      expect(s.protocol).toBe('TLSv1.2');
      expect(s.cipher).toBe(ciphers);
      const etm = serverHelloExtensions(s.events).has(22);
      expect(etm).toBe(name.includes('encrypt-then-MAC'));
      expectDecrypted(feed(s.events, keyLogOnly(s), { seed: ciphers.length }), s);
    });
  }

  it('decrypts whatever the chunking (1 byte, whole reads) and whichever direction the caller names 0', async () => {
    const { s } = await session({ ciphers: 'ECDHE-RSA-AES128-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, { ciphers: 'ECDHE-RSA-AES128-SHA256' });
    expectDecrypted(feed(s.events, keyLogOnly(s), { maxChunk: 1 }), s);
    expectDecrypted(feed(s.events, keyLogOnly(s), { maxChunk: 1 << 20 }), s);
    expectDecrypted(feed(s.events, keyLogOnly(s), { swap: true, seed: 9 }), s);
  });

  it('the key log wins over an RSA key that does not fit', async () => {
    const { s } = await session({ ciphers: 'AES128-GCM-SHA256' }, { ciphers: 'AES128-GCM-SHA256' });
    const { OTHER_KEY } = await import('./tls-harness');
    expectDecrypted(feed(s.events, TlsKeyStore.from({ keyLogs: [s.keylog], rsaKeys: [OTHER_KEY] })), s);
  });
});

describe('TLS 1.2 with the RSA private key only (TLS_RSA key exchange)', () => {
  const suites: [string, Partial<TlsOptions>, string][] = [
    ['AES256-SHA', {}, 'TLS_RSA_WITH_AES_256_CBC_SHA, encrypt-then-MAC, extended master secret'],
    ['AES256-SHA', { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, 'TLS_RSA_WITH_AES_256_CBC_SHA, MAC-then-encrypt'],
    ['AES128-SHA256', {}, 'TLS_RSA_WITH_AES_128_CBC_SHA256'],
    ['AES128-GCM-SHA256', {}, 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
    ['AES256-GCM-SHA384', {}, 'TLS_RSA_WITH_AES_256_GCM_SHA384 (PRF SHA-384)'],
  ];
  for (const [ciphers, extra, name] of suites) {
    it(name, async () => {
      const { s } = await session({ ciphers, ...extra }, { ciphers });
      expect(s.cipher).toBe(ciphers);
      const ext = serverHelloExtensions(s.events);
      expect(ext.has(23)).toBe(true); // OpenSSL negotiates the extended master secret by default
      expect(ext.has(22)).toBe(ciphers.includes('SHA') && !ciphers.includes('GCM') && !extra.secureOptions);
      expectDecrypted(feed(s.events, rsaOnly(), { seed: 3 }), s);
    });
  }

  it('without the extended master secret (RFC 7627 off)', async (ctx) => {
    // SSL_OP_NO_EXTENDED_MASTER_SECRET is bit 0 in OpenSSL 3.0 (not exported by node:crypto constants).
    const { s } = await session({ ciphers: 'AES256-SHA', secureOptions: 1 }, { ciphers: 'AES256-SHA', secureOptions: 1 });
    if (serverHelloExtensions(s.events).has(23)) ctx.skip(); // this OpenSSL build ignores the option
    expectDecrypted(feed(s.events, rsaOnly()), s);
  });

  it('TLS_RSA_WITH_NULL_SHA256 (MAC only)', async (ctx) => {
    let s: Session;
    try {
      ({ s } = await session({ ciphers: 'NULL-SHA256:@SECLEVEL=0' }, { ciphers: 'NULL-SHA256:@SECLEVEL=0' }));
    } catch (e) {
      return ctx.skip(`OpenSSL refuses NULL-SHA256 here: ${String(e)}`);
    }
    expectDecrypted(feed(s.events, rsaOnly()), s);
  });
});

describe('TLS 1.0 and 1.1', () => {
  const cases: [string, Partial<TlsOptions>, 'rsa' | 'keylog', string][] = [
    ['TLSv1', {}, 'rsa', 'TLS 1.0 TLS_RSA_WITH_AES_128_CBC_SHA (chained IVs), RSA key'],
    ['TLSv1', { secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, 'rsa', 'TLS 1.0 MAC-then-encrypt, RSA key'],
    ['TLSv1.1', {}, 'rsa', 'TLS 1.1 TLS_RSA_WITH_AES_128_CBC_SHA (explicit IVs), RSA key'],
    ['TLSv1', { ciphers: 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0' }, 'keylog', 'TLS 1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, key log'],
  ];
  for (const [version, extra, keys, name] of cases) {
    it(name, async (ctx) => {
      const ciphers = (extra.ciphers as string | undefined) ?? 'AES128-SHA:@SECLEVEL=0';
      const v = version as 'TLSv1' | 'TLSv1.1';
      let s: Session;
      try {
        ({ s } = await session({ minVersion: v, maxVersion: v, ...extra, ciphers }, { minVersion: v, maxVersion: v, ciphers }));
      } catch (e) {
        return ctx.skip(`this OpenSSL build does not negotiate ${version}: ${String(e)}`);
      }
      expect(s.protocol).toBe(version);
      expectDecrypted(feed(s.events, keys === 'rsa' ? rsaOnly() : keyLogOnly(s), { seed: 11 }), s);
    });
  }
});

describe('session resumption (abbreviated handshake)', () => {
  for (const tickets of [true, false]) {
    const how = tickets ? 'session ticket (RFC 5077)' : 'session id';
    const server: TlsOptions = { ciphers: 'AES256-SHA:AES128-GCM-SHA256', ...(tickets ? {} : { secureOptions: constants.SSL_OP_NO_TICKET }) };

    it(`by ${how}, RSA key only: the master secret comes from the earlier connection`, async () => {
      const lab = await TlsLab.start({ maxVersion: 'TLSv1.2', ...server }, !tickets);
      labs.push(lab);
      const client = { maxVersion: 'TLSv1.2' as const, ciphers: 'AES128-GCM-SHA256' };
      const s1 = await lab.connect(client, sipConversation('first'));
      const s2 = await lab.connect({ ...client, session: s1.session }, sipConversation('second'));
      expect(s2.reused).toBe(true);
      const store = rsaOnly();
      expectDecrypted(feed(s1.events, store), s1);
      expectDecrypted(feed(s2.events, store, { seed: 5 }), s2);
      // Without the first connection, the resumed one cannot be decrypted with the RSA key.
      const alone = feed(s2.events, rsaOnly());
      expect(alone.problems.count('tls/encrypted-stream')).toBe(1);
      expect(alone.problems.summaries()[0]!.examples[0]!.message).toMatch(/abbreviated handshake/);
      expect(alone.conn.dead).toBe(true);
      expect(alone.plain[0].length + alone.plain[1].length).toBe(0);
    });

    it(`by ${how}, with a key log`, async () => {
      const lab = await TlsLab.start({ maxVersion: 'TLSv1.2', ...server }, !tickets);
      labs.push(lab);
      const client = { maxVersion: 'TLSv1.2' as const, ciphers: 'AES256-SHA' };
      const s1 = await lab.connect(client, sipConversation('first'));
      const s2 = await lab.connect({ ...client, session: s1.session }, sipConversation('second'));
      expect(s2.reused).toBe(true);
      expectDecrypted(feed(s2.events, TlsKeyStore.from({ keyLogs: [s2.keylog] })), s2);
      // The first connection's key log entry is enough: the second reuses its master secret.
      const store = TlsKeyStore.from({ keyLogs: [s1.keylog] });
      expectDecrypted(feed(s1.events, store), s1);
      expectDecrypted(feed(s2.events, store), s2);
    });
  }
});

describe('renegotiation', () => {
  it('a second handshake under the first one\'s keys (RSA key only, and key log only)', async () => {
    const lab = await TlsLab.start({ maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256' });
    labs.push(lab);
    for (const ciphers of ['AES256-SHA', 'ECDHE-RSA-AES128-GCM-SHA256']) {
      const steps = sipConversation();
      steps[2]!.renegotiate = true;
      const s = await lab.connect({ maxVersion: 'TLSv1.2', ciphers }, steps);
      expect(s.keylog.match(/^CLIENT_RANDOM /gm)?.length).toBe(2);
      if (ciphers === 'AES256-SHA') expectDecrypted(feed(s.events, rsaOnly()), s);
      expectDecrypted(feed(s.events, keyLogOnly(s)), s);
    }
  });
});
