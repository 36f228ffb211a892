// Corpus agreement: readCapture -> PacketDecoder -> TransportAssembler over every corpus capture, compared with the
// tshark 4.0.17 oracle on (frame, src, src_port, dst, dst_port, transport, start line). TLS is excluded (no keys here).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oraclePathOf, readOracleMessages } from '../../helpers/oracle';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { readCapture } from '../../../src/core/capture/read-capture';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { PacketDecoder } from '../../../src/core/decode/packet-decoder';
import { TransportAssembler } from '../../../src/core/decode/transport-assembler';
import type { SipPayload } from '../../../src/core/decode/types';

const CORPUS = '/work/shared/corpus/captures';
const present = existsSync(CORPUS);


type Row = [number, string, number, string, number, string, string];

function startLine(bytes: Uint8Array): string {
  let e = 0;
  while (e < bytes.length && bytes[e] !== 0x0d && bytes[e] !== 0x0a) e++;
  return new TextDecoder().decode(bytes.subarray(0, e));
}

async function run(path: string): Promise<{ rows: Row[]; problems: ProblemCollector; badOffsets: number; withOffset: number }> {
  const problems = new ProblemCollector();
  const decoder = new PacketDecoder(problems);
  const assembler = new TransportAssembler(problems);
  const file = new Uint8Array(readFileSync(path));
  const rows: Row[] = [];
  let badOffsets = 0;
  let withOffset = 0;
  const onSip = (m: SipPayload): void => {
    rows.push([m.frame, m.src, m.srcPort, m.dst, m.dstPort, m.transport, startLine(m.bytes)]);
    if (m.fileOffset >= 0) {
      // Invariant: a message with a file offset can be re-read byte for byte from the file.
      withOffset++;
      const again = file.subarray(m.fileOffset, m.fileOffset + m.bytes.length);
      if (again.length !== m.bytes.length || again.some((b, i) => b !== m.bytes[i])) badOffsets++;
    }
  };
  await readCapture(memoryByteSource(file), (rec) => decoder.decode(rec, (p) => assembler.push(p, onSip)), { problems });
  decoder.flush();
  assembler.flush(onSip);
  return { rows, problems, badOffsets, withOffset };
}

const captures = present
  ? readdirSync(CORPUS)
      .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
      .filter((f) => !f.includes('SIP-over-TLS')) // encrypted: tshark needed the RSA key to see SIP
      .sort()
  : [];

describe.skipIf(!present)(`transport layer vs tshark oracles (${CORPUS})`, () => {
  it.each(captures)('%s', async (file) => {
    const oracleMessages = readOracleMessages(oraclePathOf(join(CORPUS, file)));
    const expected: Row[] = oracleMessages.map((m) => [m.frame, m.src, m.src_port, m.dst, m.dst_port, m.transport, m.start_line]);
    const { rows, badOffsets } = await run(join(CORPUS, file));
    expect(badOffsets).toBe(0);
    const key = (r: Row): string => JSON.stringify(r);
    const sort = (a: Row, b: Row): number => a[0] - b[0] || key(a).localeCompare(key(b));
    expect(rows.slice().sort(sort).map(key)).toEqual(expected.slice().sort(sort).map(key));
  });
});

if (!present) {
  describe('transport corpus', () => {
    it.skip(`skipped: corpus not found at ${CORPUS}`, () => {});
  });
}
