// TLS 1.3 decryption (key log only): real Node TLS sessions for the three suites, HelloRetryRequest, client
// certificates and PSK resumption; and synthetic streams (built here with node:crypto) for what Node cannot be made
// to send: KeyUpdate and 0-RTT early data.
import { afterAll, describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { TlsConnection } from '../../../src/core/tls/connection';
import { TlsKeyStore } from '../../../src/core/tls/keys';
import { feed, isSubsequence, sipConversation, SERVER_CERT, SERVER_KEY, TlsLab, type FeedResult, type WireEvent } from './tls-harness';

function expectDecrypted(r: FeedResult, sent: [Buffer, Buffer]): void {
  expect(r.problems.summaries()).toEqual([]);
  expect(r.plain[0].equals(sent[0])).toBe(true);
  expect(r.plain[1].equals(sent[1])).toBe(true);
  expect(r.conn.decrypting).toBe(true);
  expect(r.fileOffsetsOk).toBe(true);
  for (const dir of [0, 1] as const) expect(isSubsequence(r.frames[dir], r.appRecordFrames[dir])).toBe(true);
}

const labs: TlsLab[] = [];
afterAll(async () => {
  await Promise.all(labs.map((l) => l.close()));
});

async function lab(server: TlsOptions = {}): Promise<TlsLab> {
  const l = await TlsLab.start({ minVersion: 'TLSv1.3', ...server });
  labs.push(l);
  return l;
}

describe('TLS 1.3 on real Node sessions', () => {
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(suite, async () => {
      const l = await lab({ ciphers: suite });
      const s = await l.connect({ ciphers: suite }, sipConversation());
      expect(s.protocol).toBe('TLSv1.3');
      expect(s.cipher).toBe(suite);
      expectDecrypted(feed(s.events, TlsKeyStore.from({ keyLogs: [s.keylog] }), { seed: suite.length }), s.sent);
    });
  }

  it('after a HelloRetryRequest (client key share for a group the server does not take)', async () => {
    const l = await lab({ ecdhCurve: 'P-256' });
    const s = await l.connect({ ecdhCurve: 'X25519:P-256' }, sipConversation());
    // Two ClientHellos from the client: the first got a HelloRetryRequest.
    const client = Buffer.concat(s.events.filter((e) => e.dir === 0).map((e) => e.bytes));
    let hellos = 0;
    for (let p = 0; p + 5 <= client.length; p += 5 + client.readUInt16BE(p + 3)) if (client[p] === 22 && client[p + 5] === 1) hellos++;
    expect(hellos).toBe(2);
    expectDecrypted(feed(s.events, TlsKeyStore.from({ keyLogs: [s.keylog] })), s.sent);
  });

  it('with a client certificate (client Certificate / CertificateVerify under the handshake keys)', async () => {
    const l = await lab({ requestCert: true, rejectUnauthorized: false });
    const s = await l.connect({ key: SERVER_KEY, cert: SERVER_CERT }, sipConversation());
    expectDecrypted(feed(s.events, TlsKeyStore.from({ keyLogs: [s.keylog] }), { swap: true }), s.sent);
  });

  it('PSK resumption: each connection decrypts from its own key-log lines', async () => {
    const l = await lab();
    const s1 = await l.connect({}, sipConversation('first'));
    const s2 = await l.connect({ session: s1.session }, sipConversation('second'));
    expect(s2.reused).toBe(true);
    const store = TlsKeyStore.from({ keyLogs: [s1.keylog, s2.keylog] });
    expectDecrypted(feed(s1.events, store), s1.sent);
    expectDecrypted(feed(s2.events, store), s2.sent);
  });

  it('without a key log (RSA key only) it reports tls/encrypted-stream once and dies', async () => {
    const l = await lab();
    const s = await l.connect({}, sipConversation());
    const r = feed(s.events, TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }));
    expect(r.problems.count('tls/encrypted-stream')).toBe(1);
    expect(r.problems.summaries()[0]!.examples[0]!.message).toMatch(/TLS 1\.3 needs a key log \(no SERVER_HANDSHAKE_TRAFFIC_SECRET key-log entry for client random [0-9a-f]{16}\.\.\.\)/);
    expect(r.conn.dead).toBe(true);
    expect(r.conn.decrypting).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// Synthetic TLS 1.3 (TLS_AES_128_GCM_SHA256), encrypted here with node:crypto.

function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from('tls13 ' + label);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 255, full.length]), full, Buffer.from([0])]);
  let t = Buffer.alloc(0);
  const out: Buffer[] = [];
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = createHmac('sha256', secret).update(t).update(info).update(Buffer.from([i])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

class Writer {
  private seq = 0;
  constructor(private secret: Buffer) {}
  record(type: number, content: Buffer, padding = 0): Buffer {
    const key = expandLabel(this.secret, 'key', 16);
    const iv = expandLabel(this.secret, 'iv', 12);
    const nonce = Buffer.from(iv);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= Number((BigInt(this.seq) >> BigInt(8 * (7 - i))) & 255n);
    this.seq++;
    const inner = Buffer.concat([content, Buffer.from([type]), Buffer.alloc(padding)]);
    const header = Buffer.from([23, 3, 3, (inner.length + 16) >> 8, (inner.length + 16) & 255]);
    const c = createCipheriv('aes-128-gcm', key, nonce);
    c.setAAD(header);
    return Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]);
  }
  keyUpdate(): void {
    this.secret = expandLabel(this.secret, 'traffic upd', 32);
    this.seq = 0;
  }
}

const plainRecord = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 1, body.length >> 8, body.length & 255]), body]);
const hs = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);
const ext = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type >> 8, type & 255, data.length >> 8, data.length & 255]), data]);
const vec16 = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);

function synthetic(opts: { earlyData?: boolean; earlyDataAfterServerHello?: boolean }) {
  const random = randomBytes(32);
  const secrets = { chs: randomBytes(32), shs: randomBytes(32), c0: randomBytes(32), s0: randomBytes(32) };
  const hex = (b: Buffer) => b.toString('hex');
  const keylog = [
    `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${hex(random)} ${hex(secrets.chs)}`,
    `SERVER_HANDSHAKE_TRAFFIC_SECRET ${hex(random)} ${hex(secrets.shs)}`,
    `CLIENT_TRAFFIC_SECRET_0 ${hex(random)} ${hex(secrets.c0)}`,
    `SERVER_TRAFFIC_SECRET_0 ${hex(random)} ${hex(secrets.s0)}`,
  ].join('\n');
  const chExt = Buffer.concat([ext(43, Buffer.from([2, 3, 4])), ...(opts.earlyData ? [ext(42, Buffer.alloc(0))] : [])]);
  const ch = hs(1, Buffer.concat([Buffer.from([3, 3]), random, Buffer.from([0]), vec16(Buffer.from([0x13, 0x01])), Buffer.from([1, 0]), vec16(chExt)]));
  const sh = hs(2, Buffer.concat([Buffer.from([3, 3]), randomBytes(32), Buffer.from([0, 0x13, 0x01, 0]), vec16(ext(43, Buffer.from([3, 4])))]));
  const events: WireEvent[] = [];
  const sent: [Buffer[], Buffer[]] = [[], []];
  const c = new Writer(secrets.chs);
  const s = new Writer(secrets.shs);
  events.push({ dir: 0, bytes: plainRecord(22, ch) });
  const early = new Writer(randomBytes(32));
  const earlyRecords = () => ({ dir: 0 as const, bytes: Buffer.concat([plainRecord(20, Buffer.from([1])), early.record(23, Buffer.from('0-RTT request')), early.record(22, hs(5, Buffer.alloc(0)))]) });
  if (opts.earlyData && !opts.earlyDataAfterServerHello) events.push(earlyRecords());
  events.push({ dir: 1, bytes: Buffer.concat([plainRecord(22, sh), plainRecord(20, Buffer.from([1]))]) });
  // Early data may also reach the capture point after the ServerHello.
  if (opts.earlyData && opts.earlyDataAfterServerHello) events.push(earlyRecords());
  // Server: EncryptedExtensions + Finished in one record, then application data.
  events.push({ dir: 1, bytes: s.record(22, Buffer.concat([hs(8, vec16(Buffer.alloc(0))), hs(20, randomBytes(32))]), 7) });
  const s0 = new Writer(secrets.s0);
  const c0 = new Writer(secrets.c0);
  events.push({ dir: 0, bytes: Buffer.concat([plainRecord(20, Buffer.from([1])), c.record(22, hs(20, randomBytes(32)))]) });
  const app = (dir: 0 | 1, w: Writer, text: string, padding = 0) => {
    const b = Buffer.from(text);
    sent[dir].push(b);
    events.push({ dir, bytes: w.record(23, b, padding) });
  };
  events.push({ dir: 1, bytes: s0.record(22, hs(4, randomBytes(40))) }); // NewSessionTicket
  app(0, c0, 'INVITE sips:bob@example.com SIP/2.0\r\n\r\n', 100);
  app(1, s0, 'SIP/2.0 200 OK\r\n\r\n');
  // KeyUpdate from each side (RFC 8446 §4.6.3), then data under the next generation.
  events.push({ dir: 0, bytes: c0.record(22, hs(24, Buffer.from([1]))) });
  c0.keyUpdate();
  app(0, c0, 'ACK sips:bob@example.com SIP/2.0\r\n\r\n');
  events.push({ dir: 1, bytes: s0.record(22, hs(24, Buffer.from([0]))) });
  s0.keyUpdate();
  app(1, s0, 'BYE sips:alice@example.com SIP/2.0\r\n\r\n');
  events.push({ dir: 1, bytes: s0.record(22, hs(24, Buffer.from([0]))) });
  s0.keyUpdate();
  app(1, s0, 'SIP/2.0 200 OK\r\nCSeq: 2 BYE\r\n\r\n');
  events.push({ dir: 1, bytes: s0.record(21, Buffer.from([1, 0])) }); // close_notify
  return { events, keylog, sent: [Buffer.concat(sent[0]), Buffer.concat(sent[1])] as [Buffer, Buffer] };
}

describe('TLS 1.3 synthetic streams', () => {
  it('follows KeyUpdate in both directions, strips padding, ignores tickets and alerts', () => {
    const t = synthetic({});
    for (const maxChunk of [1, 7, 1500]) expectDecrypted(feed(t.events, TlsKeyStore.from({ keyLogs: [t.keylog] }), { maxChunk }), t.sent);
  });

  it('skips 0-RTT early data it has no key for (seen before or after the ServerHello)', () => {
    for (const earlyDataAfterServerHello of [false, true]) {
      const t = synthetic({ earlyData: true, earlyDataAfterServerHello });
      expectDecrypted(feed(t.events, TlsKeyStore.from({ keyLogs: [t.keylog] })), t.sent);
    }
  });

  it('a key log that arrives after the handshake records but before the encrypted ones still works', () => {
    const t = synthetic({});
    const store = TlsKeyStore.from({ keyLogs: ['# nothing yet'] });
    const problems = new ProblemCollector();
    const got: [Buffer[], Buffer[]] = [[], []];
    const conn = new TlsConnection(store, problems, 'a -> b', (dir, p) => got[dir].push(Buffer.from(p)));
    const meta = { frame: 1, timeSec: 0, timeNsec: 0, fileOffset: 0 };
    conn.push(t.events[0]!.dir, t.events[0]!.bytes, meta);
    store.addKeyLog(t.keylog); // e.g. a pcapng Decryption Secrets Block
    for (const ev of t.events.slice(1)) conn.push(ev.dir, ev.bytes, meta);
    expect(problems.total).toBe(0);
    expect(Buffer.concat(got[0]).equals(t.sent[0])).toBe(true);
    expect(Buffer.concat(got[1]).equals(t.sent[1])).toBe(true);
  });

  it('reports a session without its traffic secrets', () => {
    const t = synthetic({});
    const partial = t.keylog
      .split('\n')
      .filter((l) => !l.startsWith('CLIENT_TRAFFIC_SECRET_0'))
      .join('\n');
    const r = feed(t.events, TlsKeyStore.from({ keyLogs: [partial] }));
    expect(r.plain[1].equals(t.sent[1])).toBe(true);
    expect(r.plain[0].length).toBe(0);
    expect(r.problems.count('tls/encrypted-stream')).toBe(1);
    expect(r.problems.summaries()[0]!.examples[0]!.message).toMatch(/no CLIENT_TRAFFIC_SECRET_0 key-log entry/);
    expect(r.conn.dead).toBe(false);
  });
});

