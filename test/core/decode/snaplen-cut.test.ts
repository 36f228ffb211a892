// A SIP datagram cut by the capture's snapshot length: every complete header line is read (Call-ID, CSeq, tags, top
// Via) and the message is marked truncated, with the cut reported. tshark 4.0 dissects only the start line of such a
// message ("Packet size limited during capture: SIP truncated"); README lists this among the deliberate differences.
import { expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource } from '../../../src/core/index';
import { ethernetFrame, ipv4Packet, l4Segment, writePcap } from '../../helpers/pcap-writer';

const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
const text =
  `INVITE sip:b@b.example SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-cut;rport\r\nFrom: <sip:a@a.example>;tag=f1\r\n` +
  `To: <sip:b@b.example>\r\nCall-ID: cut-1@a.example\r\nCSeq: 7 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

for (const [what, keep] of [['inside the body', text.indexOf('c=IN')], ['inside the header section', text.indexOf('Content-Type')]] as const) {
  it(`reads the complete header lines of a datagram cut ${what} and marks it truncated`, async () => {
    const frame = ethernetFrame(ipv4Packet('192.0.2.1', '192.0.2.2', 17, l4Segment({ protocol: 'udp', srcPort: 5060, dstPort: 5060, payload: text })));
    const headers = 14 + 20 + 8;
    const data = frame.subarray(0, headers + keep);
    const model = await importCapture(memoryByteSource(writePcap([{ time: 1_700_000_000, data, originalLength: frame.length }], { snaplen: headers + keep })));
    expect(model.messages.count).toBe(1);
    const m = await exportMessage(model, 0);
    expect([m.method, m.call_id, m.cseq_seq, m.cseq_method, m.from_tag, m.via_top?.branch, m.via_top?.rport_present, m.truncated]).toEqual([
      'INVITE', 'cut-1@a.example', 7, 'INVITE', 'f1', 'z9hG4bK-cut', true, true,
    ]);
    expect(model.problems.map((p) => p.code)).toContain('decode/payload-truncated');
  });
}
