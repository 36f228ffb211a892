// SIP messages quoted in ICMP errors, on a recorded NAT lab capture (samples/captures/lab/01b-...-pub.pcap: every
// 200 OK to a REGISTER sent without rport goes to an unmapped NAT port and comes back as ICMP port unreachable).
// tshark 4.0.17 lists the quoted 200 OK as a SIP message of each ICMP frame (5, 8, 11, 14, 19), with the ICMP
// error's addresses and no ports: the export does the same, outside the call model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportIcmpQuoted, exportOrder, importCapture, memoryByteSource } from '../../../src/core/index';

const FILE = join(__dirname, '../../../samples/captures/lab/01b-register-norport-lost-reply-pub.pcap');

describe('SIP quoted in ICMP errors', () => {
  it('is listed at the ICMP frame with the quoted SIP fields, and stays out of calls and transactions', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(FILE))));
    expect(model.messages.count).toBe(10);
    expect(model.calls.length).toBe(1);
    expect(model.icmpQuoted.map((q) => q.frame)).toEqual([5, 8, 11, 14, 19]);
    const q = exportIcmpQuoted(model.icmpQuoted[0]!);
    expect(q).toMatchObject({
      id: -1, frame: 5, src: '203.0.113.2', dst: '192.0.2.10', src_port: null, dst_port: null, transport: null,
      kind: 'response', status_code: 200, call_id: '1-5394@192.168.1.10', cseq_seq: 1, cseq_method: 'REGISTER',
      call_index: -1, transaction_index: -1, dialog_index: -1,
      icmp: { type: 3, code: 3, quoted: { src: '192.0.2.10', src_port: 5060, dst: '203.0.113.2', dst_port: 5060 } },
    });
    expect(q.via_top?.branch).toBe('z9hG4bK-5394-1-0');
    // Export order: by frame, each quote after the messages of earlier frames (frames 3, 4, then the ICMP at 5...).
    const order = [...exportOrder(model)];
    expect(order.length).toBe(15);
    expect(order.slice(0, 4)).toEqual([0, 1, -1, 2]);
  });
});
