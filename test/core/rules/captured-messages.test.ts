// lintCapturedMessages (src/core/rules/run-captured-messages.ts): the message rules on the SIP messages of a capture,
// as lintMessageBytes gives them on the same bytes, without fixes, retransmissions skipped.
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture } from '../../../src/core/capture/import-capture';
import { lintCapturedMessages } from '../../../src/core/rules/run-captured-messages';
import { lintMessageBytes } from '../../../src/core/rules/run';
import { pcapOf } from '../../helpers/pcap-writer';
import { enc, invite } from './helpers';

/** invite() without Max-Forwards (sip/max-forwards offers a fix in a text trace). */
const noMaxForwards = invite().replace('Max-Forwards: 70\r\n', '');

describe('lintCapturedMessages', () => {
  const frames = [
    { time: 1, src: '203.0.113.5', dst: '198.51.100.7', srcPort: 5060, dstPort: 5060, payload: noMaxForwards },
    { time: 1.5, src: '203.0.113.5', dst: '198.51.100.7', srcPort: 5060, dstPort: 5060, payload: noMaxForwards }, // retransmission
    { time: 2, src: '203.0.113.5', dst: '198.51.100.7', srcPort: 5060, dstPort: 5060, payload: invite().replace('a84b4c76e66710', 'other-call') },
  ];

  it('gives the text rules\' findings per message, with its frame and bytes, no fixes; retransmissions and clean messages are left out', async () => {
    const model = await importCapture(memoryByteSource(pcapOf(frames)));
    expect(model.messages.get(1).retransmission).toBe(true);
    const out = [];
    for await (const m of lintCapturedMessages(model)) out.push({ ...m, bytes: m.bytes.slice() });
    expect(out.map((m) => [m.messageId, m.frame])).toEqual([[0, 1]]);
    const text = lintMessageBytes(enc.encode(noMaxForwards));
    expect(text.some((f) => f.ruleId === 'sip/max-forwards' && (f.fixes?.length ?? 0) > 0)).toBe(true);
    expect(out[0]!.bytes).toEqual(enc.encode(noMaxForwards));
    expect(out[0]!.findings).toEqual(text.map(({ fixes: _, ...f }) => f));
  });

  it('lints only the messages asked for, and stops when cancelled', async () => {
    const model = await importCapture(memoryByteSource(pcapOf(frames)));
    const only = [];
    for await (const m of lintCapturedMessages(model, undefined, { messageIds: [2, 1] })) only.push(m.messageId);
    expect(only).toEqual([]); // message 2 is clean, message 1 a retransmission
    let polls = 0;
    const cancelled = [];
    for await (const m of lintCapturedMessages(model, undefined, { isCancelled: () => ++polls > 0 })) cancelled.push(m);
    expect(cancelled).toEqual([]);
  });
});
