// What TlsConnection reports when it cannot decrypt: wrong or missing keys, corrupted records, garbage, gaps,
// captures that start mid-connection, unsupported suites; and that no input makes it throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants } from 'node:crypto';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { TlsConnection } from '../../../src/core/tls/connection';
import { TlsKeyStore } from '../../../src/core/tls/keys';
import { feed, OTHER_KEY, rng, sipConversation, sipMessage, SERVER_KEY, TlsLab, type Session, type Step, type WireEvent } from './tls-harness';

const LABEL = '10.0.0.1:40000 -> 10.0.0.2:5061';

let lab12: TlsLab;
let lab13: TlsLab;
const sessions = new Map<string, Session>();
beforeAll(async () => {
  lab12 = await TlsLab.start({ maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256' });
  lab13 = await TlsLab.start({ minVersion: 'TLSv1.3' });
  for (const [name, ciphers, secureOptions] of [
    ['rsa-cbc-etm', 'AES256-SHA', 0],
    ['rsa-cbc-mte', 'AES256-SHA', constants.SSL_OP_NO_ENCRYPT_THEN_MAC],
    ['rsa-gcm', 'AES128-GCM-SHA256', 0],
    ['ecdhe-gcm', 'ECDHE-RSA-AES128-GCM-SHA256', 0],
  ] as const) {
    sessions.set(name, await lab12.connect({ maxVersion: 'TLSv1.2', ciphers, secureOptions }, sipConversation()));
  }
  sessions.set('tls13', await lab13.connect({}, sipConversation()));
});
afterAll(async () => {
  await lab12?.close();
  await lab13?.close();
});

const S = (name: string) => sessions.get(name)!;
const messageOf = (p: ProblemCollector, code: string) => p.summaries().find((s) => s.code === code)?.examples[0]?.message ?? '';

/** Stream offset (in direction `dir`) of the `n`-th record with outer content type `type`. */
function recordOffset(events: WireEvent[], dir: 0 | 1, type: number, n = 0): number {
  const s = Buffer.concat(events.filter((e) => e.dir === dir).map((e) => e.bytes));
  for (let p = 0, k = 0; p + 5 <= s.length; p += 5 + s.readUInt16BE(p + 3)) if (s[p] === type && k++ === n) return p;
  throw new Error('record not found');
}

/** The events from stream offset cut[dir] on in each direction (a capture that starts there). */
function cutBefore(events: WireEvent[], cut: [number, number]): WireEvent[] {
  const off: [number, number] = [0, 0];
  const out: WireEvent[] = [];
  for (const e of events) {
    const start = Math.max(0, cut[e.dir] - off[e.dir]);
    if (start < e.bytes.length) out.push({ dir: e.dir, bytes: e.bytes.subarray(start) });
    off[e.dir] += e.bytes.length;
  }
  return out;
}

describe('missing or wrong keys', () => {
  it('wrong RSA key: tls/encrypted-stream (no RSA key decrypts the pre-master secret), dead', () => {
    const r = feed(S('rsa-cbc-etm').events, TlsKeyStore.from({ rsaKeys: [OTHER_KEY] }), { label: LABEL });
    expect(r.problems.summaries().map((s) => [s.code, s.severity, s.count])).toEqual([['tls/encrypted-stream', 'info', 1]]);
    expect(messageOf(r.problems, 'tls/encrypted-stream')).toBe(
      `TLS ${LABEL}: no RSA key decrypts the pre-master secret (TLS_RSA_WITH_AES_256_CBC_SHA), so SIP inside cannot be decoded`,
    );
    expect(r.conn.dead).toBe(true);
    expect(r.conn.decrypting).toBe(false);
    expect(r.plain[0].length + r.plain[1].length).toBe(0);
  });

  it('ECDHE with only an RSA key: needs a key log', () => {
    const r = feed(S('ecdhe-gcm').events, TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }));
    expect(messageOf(r.problems, 'tls/encrypted-stream')).toMatch(/ECDHE key exchange needs a key log \(no key-log entry for client random [0-9a-f]{16}\.\.\.\)/);
    expect(r.conn.dead).toBe(true);
  });

  it('a key log for other sessions names the client random', () => {
    const r = feed(S('rsa-gcm').events, TlsKeyStore.from({ keyLogs: [S('ecdhe-gcm').keylog] }));
    expect(messageOf(r.problems, 'tls/encrypted-stream')).toMatch(/no key-log entry for client random [0-9a-f]{16}\.\.\. and no RSA private key/);
  });

  it('reports the first frame that needed the key', () => {
    const r = feed(S('rsa-gcm').events, TlsKeyStore.from({ rsaKeys: [OTHER_KEY] }));
    const frame = r.problems.summaries()[0]!.examples[0]!.frame!;
    expect(frame).toBeGreaterThan(1);
  });
});

describe('corrupted records', () => {
  for (const name of ['rsa-cbc-etm', 'rsa-cbc-mte', 'rsa-gcm', 'tls13']) {
    it(`one flipped ciphertext byte → tls/decrypt-failed, that direction stops (${name})`, () => {
      const s = S(name);
      const keys = () => TlsKeyStore.from(name === 'tls13' ? { keyLogs: [s.keylog] } : { rsaKeys: [SERVER_KEY] });
      // The client's 3rd application_data record (past the handshake in every version).
      const target = recordOffset(s.events, 0, 23, 2) + 5 + 30;
      const r = feed(s.events, keys(), {
        mutate: (dir, at, piece) => {
          if (dir === 0 && target >= at && target < at + piece.length) piece[target - at]! ^= 0x40;
        },
      });
      expect(r.problems.summaries().map((x) => [x.code, x.severity, x.count])).toEqual([['tls/decrypt-failed', 'warning', 1]]);
      expect(messageOf(r.problems, 'tls/decrypt-failed')).toMatch(/client-to-server/);
      // The other direction still decrypts completely; this one up to the bad record.
      expect(r.plain[1].equals(s.sent[1])).toBe(true);
      expect(r.plain[0].length).toBeLessThan(s.sent[0].length);
      expect(s.sent[0].subarray(0, r.plain[0].length).equals(r.plain[0])).toBe(true);
      expect(r.conn.dead).toBe(false);
    });
  }
});

describe('garbage, gaps and partial captures', () => {
  /** Insert `bytes` into direction 0 just before its `n`-th application_data record. */
  function inject(events: WireEvent[], bytes: Buffer): WireEvent[] {
    const at = recordOffset(events, 0, 23, 1);
    const out: WireEvent[] = [];
    let off = 0;
    let done = false;
    for (const e of events) {
      if (e.dir === 0 && !done && off + e.bytes.length > at) {
        out.push({ dir: 0, bytes: e.bytes.subarray(0, at - off) }, { dir: 0, bytes }, { dir: 0, bytes: e.bytes.subarray(at - off) });
        done = true;
      } else out.push(e);
      if (e.dir === 0) off += e.bytes.length;
    }
    return out;
  }

  for (const [what, bytes] of [
    ['length over 2^14 + 2048', Buffer.from([23, 3, 3, 0x48, 0x01])],
    ['version 4.x', Buffer.from([23, 4, 3, 0, 20, ...new Array(20).fill(0)])],
    ['content type 99', Buffer.from([99, 3, 3, 0, 1, 0])],
  ] as const) {
    it(`garbage record (${what}) → tls/bad-record, that direction stops`, () => {
      const s = S('rsa-gcm');
      const r = feed(inject(s.events, Buffer.from(bytes)), TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }));
      expect(r.problems.summaries().map((x) => [x.code, x.severity, x.count])).toEqual([['tls/bad-record', 'warning', 1]]);
      expect(r.plain[1].equals(s.sent[1])).toBe(true);
      expect(r.plain[0].length).toBeGreaterThan(0);
      expect(r.plain[0].length).toBeLessThan(s.sent[0].length);
    });
  }

  it('gap → tls/gap once; the direction stops; the other goes on', () => {
    const s = S('rsa-cbc-mte');
    const problems = new ProblemCollector();
    const got: [Buffer[], Buffer[]] = [[], []];
    const conn = new TlsConnection(TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }), problems, LABEL, (dir, p) => got[dir].push(Buffer.from(p)));
    const gapAt = recordOffset(s.events, 0, 23, 1);
    let off = 0;
    let frame = 0;
    for (const e of s.events) {
      frame++;
      const meta = { frame, timeSec: 0, timeNsec: 0, fileOffset: 0 };
      if (e.dir === 0 && off <= gapAt && off + e.bytes.length > gapAt) {
        conn.push(0, e.bytes.subarray(0, gapAt - off + 10), meta);
        conn.gap(0, 1234, meta);
        conn.gap(0, -1, meta);
        conn.push(0, e.bytes.subarray(gapAt - off + 10), meta);
      } else conn.push(e.dir, e.bytes, meta);
      if (e.dir === 0) off += e.bytes.length;
    }
    expect(problems.summaries().map((x) => [x.code, x.severity, x.count])).toEqual([['tls/gap', 'warning', 1]]);
    expect(problems.summaries()[0]!.examples[0]!.message).toBe(
      `TLS ${LABEL}: 1234 bytes lost in the client-to-server direction; its TLS records cannot be decrypted after the gap`,
    );
    expect(Buffer.concat(got[1]).equals(s.sent[1])).toBe(true);
    expect(Buffer.concat(got[0]).length).toBeLessThan(s.sent[0].length);
    expect(conn.dead).toBe(false);
    conn.gap(1, 5, { frame, timeSec: 0, timeNsec: 0, fileOffset: 0 });
    expect(conn.dead).toBe(true);
    expect(problems.count('tls/gap')).toBe(1);
  });

  it('a capture that starts mid-connection → tls/encrypted-stream, not bad-record', () => {
    const s = S('rsa-gcm');
    // Drop everything up to the middle of the client's 2nd application_data record (and the server's handshake).
    const cut: [number, number] = [recordOffset(s.events, 0, 23, 1) + 7, recordOffset(s.events, 1, 23, 1) + 3];
    const r = feed(cutBefore(s.events, cut), TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }));
    expect(r.problems.summaries().map((x) => [x.code, x.count])).toEqual([['tls/encrypted-stream', 1]]);
    expect(messageOf(r.problems, 'tls/encrypted-stream')).toMatch(/starts after the TLS handshake/);
    expect(r.conn.dead).toBe(true);
  });

  it('a capture that starts on a record boundary after the handshake → tls/encrypted-stream', () => {
    const s = S('rsa-gcm');
    const cut: [number, number] = [recordOffset(s.events, 0, 23, 1), recordOffset(s.events, 1, 23, 1)];
    const r = feed(cutBefore(s.events, cut), TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }));
    expect(r.problems.summaries().map((x) => [x.code, x.count])).toEqual([['tls/encrypted-stream', 1]]);
    expect(messageOf(r.problems, 'tls/encrypted-stream')).toMatch(/handshake is not in the capture/);
    expect(r.conn.dead).toBe(true);
  });

  it('an unsupported cipher suite → tls/unsupported-cipher-suite naming it', () => {
    const problems = new ProblemCollector();
    const conn = new TlsConnection(TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }), problems, LABEL, () => {});
    const hs = (type: number, body: number[]) => [type, 0, body.length >> 8, body.length & 255, ...body];
    const rec = (type: number, body: number[]) => new Uint8Array([type, 3, 3, body.length >> 8, body.length & 255, ...body]);
    const random = new Array(32).fill(7);
    const meta = { frame: 1, timeSec: 0, timeNsec: 0, fileOffset: 0 };
    conn.push(0, rec(22, hs(1, [3, 3, ...random, 0, 0, 2, 0, 0x0a, 1, 0])), meta);
    conn.push(1, rec(22, hs(2, [3, 3, ...random, 0, 0, 0x0a, 0])), { ...meta, frame: 2 });
    expect(problems.summaries().map((x) => [x.code, x.severity])).toEqual([['tls/unsupported-cipher-suite', 'info']]);
    expect(problems.summaries()[0]!.examples[0]).toMatchObject({ frame: 2, message: expect.stringContaining('0x000a TLS_RSA_WITH_3DES_EDE_CBC_SHA') });
    expect(conn.dead).toBe(true);
  });
});

describe('robustness', () => {
  it('never throws on mutated, truncated or random input', async () => {
    const steps: Step[] = [
      { from: 'client', writes: [sipMessage('OPTIONS sips:bob@example.com SIP/2.0', 'fuzz', '1 OPTIONS')] },
      { from: 'server', writes: [sipMessage('SIP/2.0 200 OK', 'fuzz', '1 OPTIONS')] },
    ];
    const small = [
      await lab12.connect({ maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA' }, steps),
      await lab12.connect({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC }, steps),
      await lab13.connect({}, steps),
    ];
    const rand = rng(42);
    for (let iter = 0; iter < 150; iter++) {
      const s = small[iter % small.length]!;
      const keys = TlsKeyStore.from({ rsaKeys: [SERVER_KEY], keyLogs: [s.keylog] });
      const total = s.events.reduce((n, e) => n + e.bytes.length, 0);
      const flips = new Set<number>();
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) flips.add(Math.floor(rand() * total));
      let seen = 0;
      const events: WireEvent[] = [];
      for (const e of s.events) {
        const b = Buffer.from(e.bytes);
        for (const f of flips) if (f >= seen && f < seen + b.length) b[f - seen] = Math.floor(rand() * 256);
        seen += b.length;
        events.push({ dir: e.dir, bytes: iter % 5 === 4 ? b.subarray(0, Math.floor(rand() * b.length)) : b });
      }
      const r = feed(events, keys, { seed: iter, maxChunk: 1 + Math.floor(rand() * 600) });
      // The safety net (an exception inside the decoder turned into a problem) never fires.
      expect(r.problems.summaries().flatMap((x) => x.examples.map((e) => e.message)).join('\n')).not.toMatch(/undecodable TLS data/);
    }
    for (let iter = 0; iter < 100; iter++) {
      const garbage: WireEvent[] = [];
      for (let k = 0; k < 6; k++) {
        const b = Buffer.alloc(1 + Math.floor(rand() * 300));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
        // Often a plausible header so that deeper layers get random bytes too.
        if (rand() < 0.7 && b.length >= 5) {
          b[0] = 20 + Math.floor(rand() * 5);
          b[1] = 3;
          b[3] = 0;
          b[4] = Math.floor(rand() * (b.length - 5 + 1));
        }
        garbage.push({ dir: (k & 1) as 0 | 1, bytes: b });
      }
      const r = feed(garbage, TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }), { seed: iter });
      expect(r.problems.summaries().flatMap((x) => x.examples.map((e) => e.message)).join('\n')).not.toMatch(/undecodable TLS data/);
    }
  });

  it('an exception thrown by emit reaches the caller', () => {
    const s = S('rsa-gcm');
    const conn = new TlsConnection(TlsKeyStore.from({ rsaKeys: [SERVER_KEY] }), new ProblemCollector(), LABEL, () => {
      throw new Error('sink failed');
    });
    expect(() => {
      for (const e of s.events) conn.push(e.dir, e.bytes, { frame: 1, timeSec: 0, timeNsec: 0, fileOffset: 0 });
    }).toThrow('sink failed');
  });
});
