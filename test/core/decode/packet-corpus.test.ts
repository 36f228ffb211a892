// readCapture + PacketDecoder over every shared corpus capture (read in place), checked against the tshark 4.0.17
// oracles: each oracle SIP message's frame must be among the emitted packets with the same addresses and ports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oraclePathOf, readOracleMessages } from '../../helpers/oracle';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { readCapture } from '../../../src/core/capture/read-capture';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { PacketDecoder } from '../../../src/core/decode/packet-decoder';
import { formatIp } from '../../../src/core/util/ip';

const CORPUS = '/work/shared/corpus/captures';
const present = existsSync(CORPUS);


const PROTO: Record<string, number> = { UDP: 17, SCTP: 132, TCP: 6, TLS: 6, WS: 6, WSS: 6 };

async function decodeFile(path: string, chunkSize?: number) {
  const bytes = new Uint8Array(readFileSync(path));
  const problems = new ProblemCollector();
  const dec = new PacketDecoder(problems);
  const rows: string[] = [];
  const result = await readCapture(
    memoryByteSource(bytes),
    (r) =>
      dec.decode(r, (p) => {
        rows.push(`${p.frame} ${p.protocol} ${formatIp(p.srcIp)} ${p.srcPort} ${formatIp(p.dstIp)} ${p.dstPort}`);
        if (p.payloadFileOffset >= 0) {
          // A contiguous payload must be re-readable from the file at its offset.
          const again = bytes.subarray(p.payloadFileOffset, p.payloadFileOffset + p.payload.length);
          if (again.length !== p.payload.length || again.some((b, i) => b !== p.payload[i])) throw new Error(`bad payloadFileOffset in frame ${p.frame}`);
        }
      }),
    chunkSize ? { problems, chunkSize } : { problems },
  );
  dec.flush();
  return { result, problems, rows, size: bytes.length };
}

describe.skipIf(!present)('corpus captures (tshark oracle)', () => {
  const files = present ? readdirSync(CORPUS).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort() : [];
  it('has captures to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`${f}: every oracle message's frame is an emitted packet with matching addresses and ports`, async () => {
      const { result, problems, rows, size } = await decodeFile(join(CORPUS, f));
      expect(result.fatal).toBeUndefined();
      expect(result.format).not.toBe('unknown');
      expect(result.bytesRead).toBe(size);
      expect(problems.summaries().filter((s) => s.severity === 'error')).toEqual([]);
      const oraclePath = oraclePathOf(join(CORPUS, f));
      if (!existsSync(oraclePath)) return;
      const oracleMessages = readOracleMessages(oraclePath);
      const emitted = new Set(rows);
      const missing = oracleMessages
        .map((m) => `${m.frame} ${PROTO[m.transport]} ${m.src} ${m.src_port} ${m.dst} ${m.dst_port}`)
        .filter((key) => !emitted.has(key));
      expect(missing).toEqual([]);
      // UDP/SCTP: one emitted packet (datagram / user message) per frame holding at least one SIP message.
      const udpFrames = new Set(oracleMessages.filter((m) => m.transport === 'UDP').map((m) => m.frame));
      const emittedUdpFrames = new Set(rows.filter((r) => r.split(' ')[1] === '17').map((r) => Number(r.split(' ')[0])));
      for (const fr of udpFrames) expect(emittedUdpFrames.has(fr)).toBe(true);
    });
  }
  it('gives identical output with 64-byte and 4 MiB chunks', async () => {
    for (const f of files) {
      const a = await decodeFile(join(CORPUS, f), 64);
      const b = await decodeFile(join(CORPUS, f));
      expect(a.rows).toEqual(b.rows);
      expect(a.result).toEqual(b.result);
    }
  });
});
