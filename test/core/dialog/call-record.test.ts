// The calls of CallModelBuilder read their message ids, dialogs and transactions from typed-array lists: arrays built
// on first read, shared until the call grows, then rebuilt with the new ids (the capture editor reads calls between
// chunks of an import that is still adding messages).
import { describe, expect, it } from 'vitest';
import { CallModelBuilder, factsFromMessage, parseSipMessage, type MessageSighting } from '../../../src/core/index';

const enc = new TextEncoder();

function add(b: CallModelBuilder, i: number, text: string): void {
  const bytes = enc.encode(text.trim().replace(/\n/g, '\r\n') + '\r\n\r\n');
  const seen: MessageSighting = {
    frame: i + 1, firstFrame: i + 1, timeSec: 1_700_000_000 + i, timeNsec: 0, ipVersion: 4, src: '192.0.2.1', srcPort: 5060,
    dst: '192.0.2.2', dstPort: 5060, transport: 'UDP', truncated: false, location: { bytes },
  };
  const { message, problems } = parseSipMessage(bytes);
  b.add(seen, factsFromMessage(message, problems.length));
}

const msg = (start: string, callId: string, cseq: string, branch: string, toTag = '') => `${start}
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK${branch}
From: <sip:a@example.com>;tag=from-${callId}
To: <sip:b@example.com>${toTag ? `;tag=${toTag}` : ''}
Call-ID: ${callId}
CSeq: ${cseq}
Content-Length: 0`;

describe('CallModelBuilder calls', () => {
  it('give id arrays that follow the call as it grows, and keep earlier arrays as they were', () => {
    const b = new CallModelBuilder();
    add(b, 0, msg('INVITE sip:b@example.com SIP/2.0', 'c1', '1 INVITE', 'i1'));
    add(b, 1, msg('SIP/2.0 180 Ringing', 'c1', '1 INVITE', 'i1', 'to1'));
    b.refresh();
    const c1 = b.calls[0]!;
    const first = c1.messageIds;
    expect(first).toEqual([0, 1]);
    expect(c1.messageIds).toBe(first); // shared while the call does not grow
    expect([c1.dialogIndexes, c1.transactionIndexes]).toEqual([[0], [0]]);
    add(b, 2, msg('OPTIONS sip:b@example.com SIP/2.0', 'c2', '1 OPTIONS', 'o1'));
    add(b, 3, msg('SIP/2.0 200 OK', 'c1', '1 INVITE', 'i1', 'to1'));
    add(b, 4, msg('ACK sip:b@example.com SIP/2.0', 'c1', '1 ACK', 'a1', 'to1'));
    add(b, 5, msg('BYE sip:b@example.com SIP/2.0', 'c1', '2 BYE', 'b1', 'to1'));
    b.finish();
    expect(c1.messageIds).toEqual([0, 1, 3, 4, 5]);
    expect(first).toEqual([0, 1]);
    expect(c1.transactionIndexes).toEqual([0, 2, 3]);
    expect(c1.dialogIndexes).toEqual([0]);
    expect(b.calls[1]!.messageIds).toEqual([2]);
    expect(b.calls[1]!.transactionIndexes).toEqual([1]);
    expect(b.calls[1]!.dialogIndexes).toEqual([]);
    expect(c1.state).toBe('completed');
  });

  it('keep the id lists out of their own properties (deep equality and JSON see the data fields only)', () => {
    const b = new CallModelBuilder();
    add(b, 0, msg('INVITE sip:b@example.com SIP/2.0', 'c1', '1 INVITE', 'i1'));
    b.finish();
    const c = b.calls[0]!;
    expect(Object.keys(c)).not.toContain('messageIds');
    expect(JSON.parse(JSON.stringify(c))).toMatchObject({ index: 0, callId: 'c1', method: 'INVITE', state: 'setup' });
    expect(c.messageIds).toEqual([0]);
  });
});
