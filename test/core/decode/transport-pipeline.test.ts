// End to end on written pcaps: readCapture -> PacketDecoder -> TransportAssembler; frames, times and file offsets.
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { readCapture } from '../../../src/core/capture/read-capture';
import { PacketDecoder } from '../../../src/core/decode/packet-decoder';
import { TransportAssembler } from '../../../src/core/decode/transport-assembler';
import type { SipPayload } from '../../../src/core/decode/types';
import { bytesOf, pcapOf, type FrameSpec } from '../../helpers/pcap-writer';
import { sipRequest, sipResponse, text } from './transport-helpers';

async function run(file: Uint8Array) {
  const problems = new ProblemCollector();
  const decoder = new PacketDecoder(problems);
  const asm = new TransportAssembler(problems);
  const out: (SipPayload & { text: string })[] = [];
  const emit = (m: SipPayload): void => {
    out.push({ ...m, bytes: m.bytes.slice(), text: text(m.bytes) });
  };
  await readCapture(memoryByteSource(file), (rec) => decoder.decode(rec, (p) => asm.push(p, emit)), { problems });
  asm.flush(emit);
  return { out, problems };
}

const reread = (file: Uint8Array, m: SipPayload): string => text(file.subarray(m.fileOffset, m.fileOffset + m.bytes.length));

describe('transport pipeline on written pcaps', () => {
  it('UDP and TCP messages keep their frame, time and a file offset that re-reads the same bytes', async () => {
    const inv = sipRequest('INVITE', 'v=0\r\n');
    const trying = sipResponse(100, 'Trying');
    const ok = sipResponse(200, 'OK', 'v=0\r\ns=-\r\n');
    const tcpC = { protocol: 'tcp' as const, src: '192.0.2.10', dst: '192.0.2.20', srcPort: 50000, dstPort: 5060 };
    const tcpS = { protocol: 'tcp' as const, src: '192.0.2.20', dst: '192.0.2.10', srcPort: 5060, dstPort: 50000 };
    const okBytes = bytesOf(ok);
    const frames: FrameSpec[] = [
      { src: '192.0.2.1', dst: '192.0.2.2', payload: inv, time: 1700000000.5 },
      { payload: new Uint8Array([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]) }, // RTP
      { ...tcpC, flags: 0x02, seq: 99, payload: '' },
      { ...tcpS, flags: 0x12, seq: 499, ack: 100, payload: '' },
      { ...tcpC, seq: 100, payload: inv + trying },
      { ...tcpS, seq: 500, payload: okBytes.subarray(0, 40) },
      { ...tcpS, seq: 540, payload: okBytes.subarray(40), time: 1700000003.25 },
    ];
    const file = pcapOf(frames);
    const { out, problems } = await run(file);
    expect(out.map((m) => [m.frame, m.firstFrame, m.transport, m.src, m.srcPort, m.dst, m.dstPort])).toEqual([
      [1, 1, 'UDP', '192.0.2.1', 5060, '192.0.2.2', 5060],
      [5, 5, 'TCP', '192.0.2.10', 50000, '192.0.2.20', 5060],
      [5, 5, 'TCP', '192.0.2.10', 50000, '192.0.2.20', 5060],
      [7, 6, 'TCP', '192.0.2.20', 5060, '192.0.2.10', 50000],
    ]);
    expect(out.map((m) => m.text)).toEqual([inv, inv, trying, ok]);
    expect(out[0]).toMatchObject({ timeSec: 1700000000, timeNsec: 500000000 });
    expect(out[3]).toMatchObject({ timeSec: 1700000003, timeNsec: 250000000, fileOffset: -1 });
    for (const m of out.slice(0, 3)) expect(reread(file, m)).toBe(m.text);
    expect(problems.total).toBe(0);
  });

  it('IPv6 TCP with a message split across segments and a CRLF keep-alive', async () => {
    const a = sipRequest('OPTIONS');
    const b = sipRequest('BYE');
    const c = { protocol: 'tcp' as const, src: '2001:db8::a', dst: '2001:db8::b', srcPort: 5060, dstPort: 5060 };
    const all = bytesOf('\r\n\r\n' + a + b);
    const frames: FrameSpec[] = [
      { ...c, seq: 1, payload: all.subarray(0, 4) },
      { ...c, seq: 5, payload: all.subarray(4, 30) },
      { ...c, seq: 31, payload: all.subarray(30) },
    ];
    const { out } = await run(pcapOf(frames));
    expect(out.map((m) => [m.frame, m.firstFrame, m.src, m.dst, m.text])).toEqual([
      [3, 2, '2001:db8::a', '2001:db8::b', a],
      [3, 3, '2001:db8::a', '2001:db8::b', b],
    ]);
  });
});
