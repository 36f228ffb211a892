// Compact `l:` (RFC 3261 §7.3.3) frames a SIP body over TCP exactly like Content-Length. tshark 4.0.17 does not
// reassemble by `l:` (it reports the INVITE at the first segment with a cut body and loses the next message); this
// pins our behaviour, and is why test/corpus/differential-tshark.test.ts uses the full name over TCP.
import { expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource } from '../../../src/core/index';
import { ethernetFrame, ipv4Packet, l4Segment, writePcap } from '../../helpers/pcap-writer';

const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

for (const header of ['Content-Length', 'l', 'L', 'content-length']) {
  it(`"${header}:" over TCP with the body split across segments: INVITE completes at the second segment, OPTIONS follows`, async () => {
    const text =
      `INVITE sip:b@b.example SIP/2.0\r\nVia: SIP/2.0/TCP a.example;branch=z9hG4bK1\r\nFrom: <sip:a@a.example>;tag=1\r\nTo: <sip:b@b.example>\r\n` +
      `Call-ID: x1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n${header}: ${body.length}\r\n\r\n${body}` +
      `OPTIONS sip:b@b.example SIP/2.0\r\nVia: SIP/2.0/TCP a.example;branch=z9hG4bK2\r\nFrom: <sip:a@a.example>;tag=1\r\nTo: <sip:b@b.example>\r\n` +
      `Call-ID: x2\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const bytes = new TextEncoder().encode(text);
    const cut = text.indexOf('c=IN');
    let seq = 1000;
    const records = [bytes.subarray(0, cut), bytes.subarray(cut)].map((payload, i) => {
      const r = { time: 1_700_000_000 + i / 10, data: ethernetFrame(ipv4Packet('192.0.2.1', '192.0.2.2', 6, l4Segment({ protocol: 'tcp', srcPort: 40000, dstPort: 5060, seq, flags: 0x18, payload }))) };
      seq += payload.length;
      return r;
    });
    const model = await importCapture(memoryByteSource(writePcap(records)));
    const msgs = [await exportMessage(model, 0), await exportMessage(model, 1)];
    expect(msgs.map((m) => [m.frame, m.first_frame, m.method, m.has_sdp, m.truncated])).toEqual([
      [2, 1, 'INVITE', true, false],
      [2, 2, 'OPTIONS', false, false],
    ]);
    expect(msgs[0]!.sdp?.media[0]?.port).toBe(4000);
  });
}
