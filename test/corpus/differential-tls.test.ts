// Differential test against tshark on SIP over TLS: real TLS sessions between a Node TLS client and server on
// loopback (TLS 1.2 with RSA and ECDHE key exchange, CBC / GCM / ChaCha20-Poly1305; TLS 1.3 with each of its
// suites; a resumed session), their bytes written into a capture as TCP segments cut at random points. tshark
// decrypts with the same secrets (RSA private key, key log file, or a pcapng Decryption Secrets Block) and every SIP
// message it dissects must agree with SIPScope's: frame, addresses, ports, method/status, Call-ID, CSeq, tags,
// top-Via branch/received/rport, and transport TLS. Skips (with a message) when tshark is not installed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource, type ExportedMessage, type ImportOptions } from '../../src/core/index';
import { ethernetFrame, ipv4Packet, l4Segment, writePcap, writePcapng, type RawRecord } from '../helpers/pcap-writer';
import { ourRows, tshark, tsharkRows } from '../helpers/tshark-rows';
import { rng, SERVER_KEY as KEY, sipConversation, TlsLab, type Session } from '../core/tls/tls-harness';

const MESSAGES = 9; // sipConversation(): INVITE, 100, 180, MESSAGE, 200, 200, ACK, BYE, 200

/** The session as a capture: TCP handshake, each written chunk cut into segments at random points, FIN. */
function toRecords(seed: number, s: Session): RawRecord[] {
  const next = rng(seed);
  const rand = (n: number) => Math.floor(next() * n);
  const c = { ip: '10.0.0.1', port: 40000 + rand(20000) };
  const sv = { ip: '192.0.2.5', port: 5061 };
  let seqC = 1000 + rand(100000);
  let seqS = 50000 + rand(100000);
  let t = 1_700_000_000 + seed;
  const records: RawRecord[] = [];
  const seg = (fromClient: boolean, flags: number, payload: Uint8Array) => {
    const [a, b] = fromClient ? [c, sv] : [sv, c];
    const seq = fromClient ? seqC : seqS;
    const ack = fromClient ? seqS : seqC;
    t += 0.0005 + rand(1000) / 1e5;
    records.push({ time: t, data: ethernetFrame(ipv4Packet(a.ip, b.ip, 6, l4Segment({ protocol: 'tcp', srcPort: a.port, dstPort: b.port, seq, ack, flags, payload }))) });
    if (fromClient) seqC += payload.length;
    else seqS += payload.length;
  };
  seg(true, 0x02, new Uint8Array(0));
  seqC++;
  seg(false, 0x12, new Uint8Array(0));
  seqS++;
  seg(true, 0x10, new Uint8Array(0));
  for (const ev of s.events) {
    const bytes = new Uint8Array(ev.bytes);
    let off = 0;
    while (off < bytes.length) {
      const n = Math.min(bytes.length - off, rand(2) === 0 ? 1 + rand(300) : 300 + rand(1160));
      seg(ev.dir === 0, 0x18, bytes.subarray(off, off + n));
      off += n;
    }
  }
  seg(true, 0x11, new Uint8Array(0));
  seg(false, 0x11, new Uint8Array(0));
  return records;
}

async function ours(bytes: Uint8Array, tls: ImportOptions['tls']): Promise<ExportedMessage[]> {
  const model = await importCapture(memoryByteSource(bytes), { chunkSize: 4096, tls });
  const out: ExportedMessage[] = [];
  for (let id = 0; id < model.messages.count; id++) out.push(await exportMessage(model, id));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'sipscope-tls-'));
const keyFile = join(dir, 'server.key');
writeFileSync(keyFile, KEY);

/**
 * Write the capture, decode it with tshark (`extra` options name the secrets) and with SIPScope (`tls`), and compare
 * message by message. `expected`: how many SIP messages the session carried.
 */
async function compare(name: string, bytes: Uint8Array, extra: string[], tls: ImportOptions['tls'], expected: number): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const theirs = tsharkRows(file, extra);
  expect(theirs.length, `tshark decrypted every SIP message of ${file}`).toBe(expected);
  const msgs = await ours(bytes, tls);
  expect(msgs.every((m) => m.transport === 'TLS'), 'transport TLS').toBe(true);
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
      const bytes = writePcap(toRecords(seed, s));
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
    const bytes = writePcapng(toRecords(seed, s), [{ linkType: 1 }], { tlsKeyLog: s.keylog });
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
      const records = [...toRecords(seed, first), ...toRecords(seed + 1, second)];
      records.forEach((r, i) => (r.time = 1_700_000_000 + i * 0.001));
      await compare(`tls-${seed}-resumed.pcap`, writePcap(records), ['-o', `uat:rsa_keys:"${keyFile}",""`], { rsaKeys: [KEY] }, 2 * MESSAGES);
    } finally {
      await lab.close();
    }
  }, 30_000);

  it('without secrets: no SIP messages, one tls/encrypted-stream finding per connection', async () => {
    const seed = 203;
    const s = await record(seed, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    const model = await importCapture(memoryByteSource(writePcap(toRecords(seed, s))), {});
    expect(model.messages.count).toBe(0);
    expect(model.problems.find((p) => p.code === 'tls/encrypted-stream')?.count).toBe(1);
  }, 30_000);
});

if (!tshark) {
  describe('SIP over TLS agrees with tshark', () => {
    it.skip('skipped: tshark is not installed (apt-get install tshark)', () => {});
  });
}
