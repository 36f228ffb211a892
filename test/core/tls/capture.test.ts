// A real capture: SIP over TLS (TLS_RSA_WITH_AES_256_CBC_SHA, record version 0x0301) with the RSA key published
// beside it. TCP is extracted here with a tiny ad-hoc pcap / Ethernet / IPv4 / TCP parser (the TCP pipeline is not
// wired to TLS yet); every SIP message of the tshark oracle must appear in the decrypted plaintext, in order per
// direction, emitted at the frame where tshark saw it.
import { describe, expect, it } from 'vitest';
import { readOracleMessages } from '../../helpers/oracle';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { TlsConnection } from '../../../src/core/tls/connection';
import { TlsKeyStore } from '../../../src/core/tls/keys';

const DIR = join(__dirname, '../../../../shared/corpus/captures');
const BASE = join(DIR, 'voipshark_SIP-over-TLS-RTP-Normal_Call_two_parties');
const present = existsSync(BASE + '.pcap') && existsSync(BASE + '.key') && existsSync(BASE + '.oracle.json');

interface Segment {
  frame: number;
  src: string;
  dst: string;
  seq: number;
  syn: boolean;
  payload: Buffer;
}

/** TCP segments of an Ethernet (linktype 1) classic pcap, IPv4 only. */
function tcpSegments(file: Buffer): Segment[] {
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap');
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  if (u32(20) !== 1) throw new Error('not Ethernet');
  const out: Segment[] = [];
  let p = 24;
  for (let frame = 1; p + 16 <= file.length; frame++) {
    const incl = u32(p + 8);
    const d = file.subarray(p + 16, p + 16 + incl);
    p += 16 + incl;
    let l3 = 14;
    let et = d.readUInt16BE(12);
    while (et === 0x8100 && l3 + 4 <= d.length) {
      et = d.readUInt16BE(l3 + 2);
      l3 += 4;
    }
    if (et !== 0x0800) continue;
    const ip = d.subarray(l3);
    if (ip[9] !== 6) continue;
    const ihl = (ip[0]! & 15) * 4;
    const tcp = ip.subarray(ihl, ip.readUInt16BE(2));
    const off = (tcp[12]! >> 4) * 4;
    const addr = (b: Buffer) => [...b].join('.');
    out.push({
      frame,
      src: `${addr(ip.subarray(12, 16))}:${tcp.readUInt16BE(0)}`,
      dst: `${addr(ip.subarray(16, 20))}:${tcp.readUInt16BE(2)}`,
      seq: tcp.readUInt32BE(4),
      syn: (tcp[13]! & 0x02) !== 0,
      payload: Buffer.from(tcp.subarray(off)),
    });
  }
  return out;
}


describe('real capture: voipshark SIP over TLS (TLS_RSA_WITH_AES_256_CBC_SHA)', () => {
  it('decrypts every SIP message of the tshark oracle with the RSA key only', (ctx) => {
    if (!present) return ctx.skip(`${BASE}.{pcap,key,oracle.json} not found (../shared corpus absent)`);
    const segments = tcpSegments(readFileSync(BASE + '.pcap'));
    const keys = TlsKeyStore.from({ rsaKeys: [readFileSync(BASE + '.key', 'utf8')] });
    expect(keys.problems).toEqual([]);
    const oracle = readOracleMessages(BASE + '.oracle.json');
    expect(oracle.length).toBe(40);

    const problems = new ProblemCollector();
    interface Flow {
      conn: TlsConnection;
      dirs: [string, string];
      next: [number | undefined, number | undefined];
      text: [string[], string[]];
      /** Per direction: [start offset in the plaintext, frame] of each emission. */
      emits: [[number, number][], [number, number][]];
      length: [number, number];
    }
    const flows = new Map<string, Flow>();
    for (const s of segments) {
      if (!s.src.endsWith(':5061') && !s.dst.endsWith(':5061')) continue;
      const key = [s.src, s.dst].sort().join(' ');
      let f = flows.get(key);
      if (!f) {
        const flow: Flow = {
          conn: undefined as unknown as TlsConnection,
          dirs: [s.src, s.dst],
          next: [undefined, undefined],
          text: [[], []],
          emits: [[], []],
          length: [0, 0],
        };
        flow.conn = new TlsConnection(keys, problems, `${s.src} -> ${s.dst}`, (dir, plain, meta) => {
          flow.emits[dir].push([flow.length[dir], meta.frame]);
          flow.length[dir] += plain.length;
          flow.text[dir].push(Buffer.from(plain).toString('latin1'));
        });
        flows.set(key, (f = flow));
      }
      const dir: 0 | 1 = s.src === f.dirs[0] ? 0 : 1;
      if (s.syn) {
        f.next[dir] = (s.seq + 1) >>> 0;
        continue;
      }
      if (s.payload.length === 0) continue;
      // In order, no retransmissions: this ad-hoc extraction relies on it.
      expect(s.seq, `frame ${s.frame}: TCP segment out of order or retransmitted`).toBe(f.next[dir]);
      f.next[dir] = (s.seq + s.payload.length) >>> 0;
      f.conn.push(dir, s.payload, { frame: s.frame, timeSec: 0, timeNsec: 0, fileOffset: 0 });
    }
    expect(problems.summaries()).toEqual([]);
    expect(flows.size).toBe(2);

    let checked = 0;
    for (const f of flows.values()) {
      expect(f.conn.decrypting).toBe(true);
      for (const dir of [0, 1] as const) {
        const text = f.text[dir].join('');
        const [src, dst] = dir === 0 ? f.dirs : [f.dirs[1], f.dirs[0]];
        const msgs = oracle.filter((m) => `${m.src}:${m.src_port}` === src && `${m.dst}:${m.dst_port}` === dst);
        let pos = 0;
        for (const m of msgs) {
          const at = text.indexOf(m.start_line + '\r\n', pos);
          expect(at, `"${m.start_line}" (frame ${m.frame}) after offset ${pos}`).toBeGreaterThanOrEqual(pos);
          const end = text.indexOf('\r\n\r\n', at);
          const headers = text.slice(at, end);
          expect(m.call_id, `frame ${m.frame} has a Call-ID in the oracle`).not.toBeNull();
          expect(headers).toMatch(new RegExp(`^(Call-ID|i)\\s*:\\s*${m.call_id!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'mi'));
          // The emission that holds the start line came from the frame tshark reports for the message.
          const emit = f.emits[dir].filter(([o]) => o <= at).pop()!;
          expect(emit[1]).toBe(m.frame);
          pos = at + m.start_line.length;
          checked++;
        }
      }
    }
    expect(checked).toBe(40);
  });
});
