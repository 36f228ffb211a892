// The recorded SIP-over-TLS sample (samples/captures/tls/baresip-call-tls.pcap, scripts/record-tls-sample.sh): two
// baresip 1.0.0 on loopback, TLS 1.2 TLS_RSA_WITH_AES_256_CBC_SHA, the callee's RSA key published beside the capture.
// With the key every SIP message decrypts exactly as tshark dissects it (`tshark -r … -o 'uat:rsa_keys:"….key",""'
// -Y sip`: 6 messages, checked field by field when the sample was recorded); without it nothing decodes and the TLS
// stream is reported. The sample is part of the repository: this test never skips.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource } from '../../../src/core/index';

const DIR = join(__dirname, '../../../samples/captures/tls');
const PCAP = new Uint8Array(readFileSync(join(DIR, 'baresip-call-tls.pcap')));
const KEY = readFileSync(join(DIR, 'baresip-call-tls.key'), 'utf8');

const CALL_ID = '72be9cafa490b3ce';
const FROM_TAG = '77a361c22043cad6';
const TO_TAG = '679319ef16b6449b';
const ALICE = { addr: '127.0.0.10', port: 51226 }; // TLS client (ephemeral port)
const BOB = { addr: '127.0.0.20', port: 5061 }; // TLS server

/** tshark's view of the decrypted SIP: frame, direction, request method or status, CSeq (tags: all but the INVITE have the To tag). */
const EXPECTED: { frame: number; fromAlice: boolean; method: string | null; status: number | null; cseq: [number, string] }[] = [
  { frame: 10, fromAlice: true, method: 'INVITE', status: null, cseq: [60505, 'INVITE'] },
  { frame: 11, fromAlice: false, method: null, status: 180, cseq: [60505, 'INVITE'] },
  { frame: 17, fromAlice: false, method: null, status: 200, cseq: [60505, 'INVITE'] },
  { frame: 20, fromAlice: true, method: 'ACK', status: null, cseq: [60505, 'ACK'] },
  { frame: 427, fromAlice: true, method: 'BYE', status: null, cseq: [60506, 'BYE'] },
  { frame: 429, fromAlice: false, method: null, status: 200, cseq: [60506, 'BYE'] },
];

describe('samples/captures/tls/baresip-call-tls.pcap', () => {
  it('decrypts with the RSA key beside it: the 6 SIP messages tshark shows, over TLS, one completed call', async () => {
    const model = await importCapture(memoryByteSource(PCAP), { tls: { rsaKeys: [KEY] } });
    expect(model.fatal).toBeUndefined();
    expect(model.records).toBe(436);
    expect(model.problems).toEqual([]);
    const msgs = [];
    for (let id = 0; id < model.messages.count; id++) msgs.push(await exportMessage(model, id));
    expect(
      msgs.map((m) => ({
        frame: m.frame,
        src: `${m.src}:${m.src_port}`,
        dst: `${m.dst}:${m.dst_port}`,
        transport: m.transport,
        method: m.kind === 'request' ? m.method : null,
        status: m.status_code,
        callId: m.call_id,
        cseq: [m.cseq_seq, m.cseq_method],
        tags: [m.from_tag, m.to_tag],
        retransmission: m.retransmission,
      })),
    ).toEqual(
      EXPECTED.map((e) => {
        const [from, to] = e.fromAlice ? [ALICE, BOB] : [BOB, ALICE];
        return {
          frame: e.frame,
          src: `${from.addr}:${from.port}`,
          dst: `${to.addr}:${to.port}`,
          transport: 'TLS',
          method: e.method,
          status: e.status,
          callId: CALL_ID,
          cseq: e.cseq,
          tags: [FROM_TAG, e.frame === 10 ? null : TO_TAG],
          retransmission: false,
        };
      }),
    );
    // SDP inside the encrypted INVITE and 200: plain RTP/AVP, PCMA + telephone-event.
    expect(msgs[0]!.sdp?.media).toEqual([{ media: 'audio', port: 16000, proto: 'RTP/AVP', formats: ['8', '101'], connection_address: '127.0.0.10', direction: 'sendrecv' }]);
    expect(msgs[2]!.sdp?.media).toEqual([{ media: 'audio', port: 17000, proto: 'RTP/AVP', formats: ['8', '101'], connection_address: '127.0.0.20', direction: 'sendrecv' }]);

    expect(model.calls).toHaveLength(1);
    const call = model.calls[0]!;
    expect(call).toMatchObject({ callId: CALL_ID, method: 'INVITE', state: 'completed', finalStatus: 200, fromUri: 'sip:alice@127.0.0.10', toUri: 'sip:bob@127.0.0.20;transport=tls' });
    expect(call.messageIds).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('finds the two RTP streams the decrypted SDP announces (as tshark -z rtp,streams)', async () => {
    const model = await importCapture(memoryByteSource(PCAP), { tls: { rsaKeys: [KEY] } });
    const streams = model.streams.map((s) => ({ call: s.callIndex, src: `${s.src}:${s.srcPort}`, dst: `${s.dst}:${s.dstPort}`, ssrc: s.ssrc, codec: s.codec, packets: s.packets, lost: s.lost, first: s.firstFrame, last: s.lastFrame }));
    expect(streams).toEqual([
      { call: 0, src: '127.0.0.20:17000', dst: '127.0.0.10:16000', ssrc: 0x1734d8ec, codec: 'PCMA', packets: 205, lost: 0, first: 13, last: 426 },
      { call: 0, src: '127.0.0.10:16000', dst: '127.0.0.20:17000', ssrc: 0x3ea3ac9e, codec: 'PCMA', packets: 203, lost: 0, first: 21, last: 425 },
    ]);
  });

  it('without the key: no SIP message, and the TLS stream is reported as encrypted', async () => {
    const model = await importCapture(memoryByteSource(PCAP));
    expect(model.fatal).toBeUndefined();
    expect(model.messages.count).toBe(0);
    expect(model.calls).toHaveLength(0);
    const problem = model.problems.find((p) => p.code === 'tls/encrypted-stream');
    expect(problem, JSON.stringify(model.problems)).toBeDefined();
    expect(problem!.count).toBe(1);
    expect(problem!.examples[0]!.frame).toBe(4); // the Client Hello
  });
});
