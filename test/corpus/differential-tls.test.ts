// Differential test against tshark on SIP over TLS: real TLS sessions between a Node TLS client and server on
// loopback (TLS 1.2 with RSA and ECDHE key exchange, CBC / GCM / ChaCha20-Poly1305; TLS 1.3 with each of its
// suites; a resumed session), their bytes written into a capture as TCP segments cut at random points. tshark
// decrypts with the same secrets (RSA private key, key log file, or a pcapng Decryption Secrets Block) and every SIP
// message it dissects must agree with SIPScope's: frame, addresses, ports, method/status, Call-ID, CSeq, tags,
// top-Via branch/received/rport, and transport TLS. Skips (with a message) when tshark is not installed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource, type ExportedMessage, type ImportOptions } from '../../src/core/index';
import { writePcap, writePcapng } from '../helpers/pcap-writer';
import { ourRows, tshark, tsharkRows } from '../helpers/tshark-rows';
import { SERVER_KEY as KEY, sessionRecords, sipConversation, TlsLab, type Session } from '../core/tls/tls-harness';
import { fileTempDir } from '../helpers/temp-dir';

const MESSAGES = 9; // sipConversation(): INVITE, 100, 180, MESSAGE, 200, 200, ACK, BYE, 200

/** The SIP messages of one write (framed by Content-Length). */
function splitSip(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < b.length) {
    const he = b.indexOf('\r\n\r\n', at);
    const len = Number(/Content-Length: (\d+)/i.exec(b.subarray(at, he).toString('latin1'))?.[1] ?? 0);
    out.push(b.subarray(at, he + 4 + len));
    at = he + 4 + len;
  }
  return out;
}

/** A WebSocket text frame (RFC 6455 §5.2) holding `payload`; client frames are masked. */
function wsText(payload: Uint8Array, masked: boolean): Uint8Array {
  const n = payload.length;
  const len = n < 126 ? [n] : n < 65536 ? [126, n >> 8, n & 0xff] : [127, 0, 0, 0, 0, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const mask = masked ? [0x12, 0x34, 0x56, 0x78] : [];
  const head = Uint8Array.from([0x81, (masked ? 0x80 : 0) | len[0]!, ...len.slice(1), ...mask]);
  const out = new Uint8Array(head.length + n);
  out.set(head);
  for (let i = 0; i < n; i++) out[head.length + i] = masked ? payload[i]! ^ mask[i % 4]! : payload[i]!;
  return out;
}

async function ours(bytes: Uint8Array, tls: ImportOptions['tls']): Promise<ExportedMessage[]> {
  const model = await importCapture(memoryByteSource(bytes), { chunkSize: 4096, tls });
  const out: ExportedMessage[] = [];
  for (let id = 0; id < model.messages.count; id++) out.push(await exportMessage(model, id));
  return out;
}

const dir = fileTempDir('sipscope-tls-');
const keyFile = join(dir, 'server.key');
writeFileSync(keyFile, KEY);

/**
 * Write the capture, decode it with tshark (`extra` options name the secrets) and with SIPScope (`tls`), and compare
 * message by message. `expected`: how many SIP messages the session carried.
 */
async function compare(name: string, bytes: Uint8Array, extra: string[], tls: ImportOptions['tls'], expected: number, transport = 'TLS'): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const theirs = tsharkRows(file, extra);
  expect(theirs.length, `tshark decrypted every SIP message of ${file}`).toBe(expected);
  const msgs = await ours(bytes, tls);
  expect(msgs.map((m) => m.transport)).toEqual(msgs.map(() => transport));
  const a = ourRows(msgs).sort((x, y) => x.frame - y.frame);
  expect(a.length, `message count (capture kept at ${file})`).toBe(theirs.length);
  for (let i = 0; i < theirs.length; i++) expect(a[i], `message ${i}, frame ${theirs[i]!.frame} of ${file}`).toEqual(theirs[i]);
}

interface Case {
  name: string;
  client: ConnectionOptions;
  server?: TlsOptions;
  /** Decrypt with the RSA private key only (no key log). */
  rsaOnly?: boolean;
}

const CASES: Case[] = [
  { name: 'TLS 1.2 RSA AES256-SHA (CBC) with the RSA key', client: { maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA' }, rsaOnly: true },
  { name: 'TLS 1.2 RSA AES128-GCM-SHA256 with the RSA key', client: { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }, rsaOnly: true },
  { name: 'TLS 1.2 RSA AES256-SHA256 (CBC) with the key log', client: { maxVersion: 'TLSv1.2', ciphers: 'AES256-SHA256' } },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256', client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } },
  { name: 'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384', client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' } },
  { name: 'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305', client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' } },
  { name: 'TLS 1.2 ECDHE-RSA-AES128-SHA (CBC)', client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' } },
  { name: 'TLS 1.3 TLS_AES_128_GCM_SHA256', client: { minVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_128_GCM_SHA256' } as ConnectionOptions },
  { name: 'TLS 1.3 TLS_AES_256_GCM_SHA384', client: { minVersion: 'TLSv1.3', ciphersuites: 'TLS_AES_256_GCM_SHA384' } as ConnectionOptions },
  { name: 'TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', client: { minVersion: 'TLSv1.3', ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' } as ConnectionOptions },
];

/** One recorded session with its own server (options `server`), carrying sipConversation(). */
async function record(seed: number, client: ConnectionOptions, server: TlsOptions = {}, sessionCache = false): Promise<Session> {
  const lab = await TlsLab.start(server, sessionCache);
  try {
    return await lab.connect(client, sipConversation(`tls-call-${seed}`));
  } finally {
    await lab.close();
  }
}

describe.skipIf(!tshark)('SIP over TLS agrees with tshark', () => {
  CASES.forEach((c, k) => {
    it(c.name, async () => {
      const seed = 101 + k;
      const s = await record(seed, c.client, c.server);
      const bytes = writePcap(sessionRecords(seed, s));
      if (c.rsaOnly) {
        await compare(`tls-${seed}.pcap`, bytes, ['-o', `uat:rsa_keys:"${keyFile}",""`], { rsaKeys: [KEY] }, MESSAGES);
      } else {
        const log = join(dir, `tls-${seed}.keylog`);
        writeFileSync(log, s.keylog);
        await compare(`tls-${seed}.pcap`, bytes, ['-o', `tls.keylog_file:${log}`], { keyLogs: [s.keylog] }, MESSAGES);
      }
    }, 30_000);
  });

  it('TLS 1.3 with the key log in a pcapng Decryption Secrets Block (no other secrets)', async () => {
    const seed = 201;
    const s = await record(seed, { minVersion: 'TLSv1.3' });
    const bytes = writePcapng(sessionRecords(seed, s), [{ linkType: 1 }], { tlsKeyLog: s.keylog });
    await compare(`tls-${seed}.pcapng`, bytes, [], undefined, MESSAGES);
  }, 30_000);

  it('TLS 1.2 session resumption (abbreviated handshake) decrypted with the RSA key only', async () => {
    const seed = 202;
    const lab = await TlsLab.start({}, true);
    try {
      const opts: ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA256' };
      const first = await lab.connect(opts, sipConversation('tls-call-202'));
      expect(first.session, 'the client got a session to resume').toBeDefined();
      const second = await lab.connect({ ...opts, session: first.session }, sipConversation('tls-call-203'));
      expect(second.reused, 'the second connection resumed the first session').toBe(true);
      const records = [...sessionRecords(seed, first), ...sessionRecords(seed + 1, second)];
      records.forEach((r, i) => (r.time = 1_700_000_000 + i * 0.001));
      await compare(`tls-${seed}-resumed.pcap`, writePcap(records), ['-o', `uat:rsa_keys:"${keyFile}",""`], { rsaKeys: [KEY] }, 2 * MESSAGES);
    } finally {
      await lab.close();
    }
  }, 30_000);

  it('SIP over secure WebSocket (RFC 7118 WSS on 443): TLS 1.3, HTTP upgrade, masked frames', async () => {
    const seed = 204;
    const lab = await TlsLab.start({});
    try {
      const enc = (t: string) => Buffer.from(t, 'latin1');
      const conv = sipConversation('tls-call-204');
      const steps = [
        { from: 'client' as const, writes: [enc('GET / HTTP/1.1\r\nHost: wss.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n')] },
        { from: 'server' as const, writes: [enc('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n')] },
        // One SIP message per WebSocket message (RFC 7118 §5): each write of the conversation split into its messages.
        ...conv.map((st) => ({ from: st.from, writes: st.writes.flatMap((w) => splitSip(w)).map((m) => Buffer.from(wsText(m, st.from === 'client'))) })),
      ];
      const s = await lab.connect({ minVersion: 'TLSv1.3' }, steps);
      const log = join(dir, `tls-${seed}.keylog`);
      writeFileSync(log, s.keylog);
      const bytes = writePcap(sessionRecords(seed, s, 443));
      await compare(`tls-${seed}-wss.pcap`, bytes, ['-o', `tls.keylog_file:${log}`], { keyLogs: [s.keylog] }, MESSAGES, 'WSS');
    } finally {
      await lab.close();
    }
  }, 30_000);

  it('without secrets: no SIP messages, one tls/encrypted-stream finding per connection', async () => {
    const seed = 203;
    const s = await record(seed, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    const model = await importCapture(memoryByteSource(writePcap(sessionRecords(seed, s))), {});
    expect(model.messages.count).toBe(0);
    expect(model.problems.find((p) => p.code === 'tls/encrypted-stream')?.count).toBe(1);
  }, 30_000);
});

if (!tshark) {
  describe('SIP over TLS agrees with tshark', () => {
    it.skip('skipped: tshark is not installed (apt-get install tshark)', () => {});
  });
}
