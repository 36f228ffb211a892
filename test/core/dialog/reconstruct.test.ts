// RFC 3261 model through the real pipeline (pcap -> decode -> framing -> facts -> CallModelBuilder): transactions
// (§17.1.3/§17.2.3, ACK/CANCEL cases, RFC 2543 fallback), dialogs (§12, early dialogs, forking), retransmissions
// and call states.
import { describe, expect, it } from 'vitest';
import { dialogMessageIds, importCapture, memoryByteSource, transactionMessageIds, type CaptureModel } from '../../../src/core/index';
import { crlf, pcapOf, type FrameSpec } from '../../helpers/pcap-writer';

const A = { ip: '192.0.2.10', port: 5060 };
const B = { ip: '198.51.100.20', port: 5060 };
type Party = typeof A;

interface Msg {
  from: Party;
  to: Party;
  text: string;
  /** Seconds after the first message. */
  at?: number;
}

/** Builds a capture of the given messages (UDP, one per frame) and imports it. */
async function model(msgs: Msg[]): Promise<CaptureModel> {
  const t0 = 1_700_000_000;
  const frames: FrameSpec[] = msgs.map((m, i) => ({
    time: t0 + (m.at ?? i * 0.01),
    src: m.from.ip,
    srcPort: m.from.port,
    dst: m.to.ip,
    dstPort: m.to.port,
    payload: crlf(m.text.trim() + '\n\n'),
  }));
  return importCapture(memoryByteSource(pcapOf(frames)));
}

function req(method: string, o: { cseq?: number; cseqMethod?: string; branch?: string; fromTag?: string; toTag?: string; callId?: string; via?: string }): string {
  return `${method} sip:bob@b.example SIP/2.0
Via: SIP/2.0/UDP ${o.via ?? 'a.example:5060'}${o.branch !== undefined ? `;branch=${o.branch}` : ''}
From: <sip:alice@a.example>;tag=${o.fromTag ?? 'ft'}
To: <sip:bob@b.example>${o.toTag ? `;tag=${o.toTag}` : ''}
Call-ID: ${o.callId ?? 'c1'}
CSeq: ${o.cseq ?? 1} ${o.cseqMethod ?? method}
Max-Forwards: 70
Content-Length: 0`;
}

function resp(code: number, reason: string, o: { cseq?: number; method?: string; branch?: string; fromTag?: string; toTag?: string; callId?: string; via?: string }): string {
  return `SIP/2.0 ${code} ${reason}
Via: SIP/2.0/UDP ${o.via ?? 'a.example:5060'}${o.branch !== undefined ? `;branch=${o.branch}` : ''}
From: <sip:alice@a.example>;tag=${o.fromTag ?? 'ft'}
To: <sip:bob@b.example>${o.toTag ? `;tag=${o.toTag}` : ''}
Call-ID: ${o.callId ?? 'c1'}
CSeq: ${o.cseq ?? 1} ${o.method ?? 'INVITE'}
Content-Length: 0`;
}

const br = (s: string) => `z9hG4bK${s}`;

describe('transactions (RFC 3261 §17)', () => {
  it('groups a request with its responses by branch + CSeq method and gives each hop its own transaction', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('1') }) },
      { from: B, to: A, text: resp(100, 'Trying', { branch: br('1') }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('1'), toTag: 'tt' }) },
      { from: A, to: B, text: req('ACK', { branch: br('2'), toTag: 'tt' }) },
      { from: A, to: B, text: req('BYE', { branch: br('3'), toTag: 'tt', cseq: 2 }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('3'), toTag: 'tt', cseq: 2, method: 'BYE' }) },
    ]);
    expect(m.transactions.all().map((t) => [t.method, t.messageCount, t.finalStatus])).toEqual([
      ['INVITE', 3, 200],
      ['ACK', 1, undefined], // ACK for a 2xx is a transaction of its own (§13.2.2.4)
      ['BYE', 2, 200],
    ]);
    expect(transactionMessageIds(m, m.transactions.get(0)!)).toEqual([0, 1, 2]);
  });

  it('puts the ACK for a non-2xx final response into the INVITE transaction (§17.1.1.3)', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('x') }) },
      { from: B, to: A, text: resp(486, 'Busy Here', { branch: br('x'), toTag: 'tt' }) },
      { from: A, to: B, text: req('ACK', { branch: br('x'), toTag: 'tt' }) },
    ]);
    expect(m.transactions.count).toBe(1);
    expect(m.transactions.get(0)!).toMatchObject({ method: 'INVITE', messageCount: 3, finalStatus: 486 });
    expect(m.calls[0]!.state).toBe('busy');
  });

  it('keeps CANCEL apart from the INVITE it cancels although they share the branch (§9.1)', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('c') }) },
      { from: B, to: A, text: resp(180, 'Ringing', { branch: br('c'), toTag: 'tt' }) },
      { from: A, to: B, text: req('CANCEL', { branch: br('c') }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('c'), toTag: 'tt', method: 'CANCEL' }) },
      { from: B, to: A, text: resp(487, 'Request Terminated', { branch: br('c'), toTag: 'tt' }) },
      { from: A, to: B, text: req('ACK', { branch: br('c'), toTag: 'tt' }) },
    ]);
    expect(m.transactions.all().map((t) => [t.method, t.messageCount, t.finalStatus])).toEqual([
      ['INVITE', 4, 487],
      ['CANCEL', 2, 200],
    ]);
    expect(m.calls[0]!.state).toBe('cancelled');
  });

  it('matches RFC 2543 requests without the magic cookie by Call-ID, CSeq, From tag and Via (§17.2.3)', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: 'old1' }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: 'old1', toTag: 'tt' }) },
      { from: A, to: B, text: req('OPTIONS', { callId: 'c2', cseq: 5 }) },
      { from: B, to: A, text: resp(200, 'OK', { callId: 'c2', cseq: 5, method: 'OPTIONS', toTag: 'x' }) },
    ]);
    expect(m.transactions.all().map((t) => [t.method, t.messageCount, t.rfc2543])).toEqual([
      ['INVITE', 2, true],
      ['OPTIONS', 2, true],
    ]);
  });

  it('marks retransmissions: same request or same response again in the same direction', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('r') }), at: 0 },
      { from: A, to: B, text: req('INVITE', { branch: br('r') }), at: 0.5 },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('r'), toTag: 'tt' }), at: 1 },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('r'), toTag: 'tt' }), at: 1.5 },
      { from: A, to: B, text: req('ACK', { branch: br('a'), toTag: 'tt' }), at: 1.6 },
    ]);
    expect([0, 1, 2, 3, 4].map((id) => m.messages.get(id).retransmission)).toEqual([false, true, false, true, false]);
    expect(m.calls[0]!.retransmissions).toBe(2);
  });

  it('does not call a forwarded copy (other hop, own Via) a retransmission', async () => {
    const P = { ip: '203.0.113.5', port: 5060 };
    const m = await model([
      { from: A, to: P, text: req('INVITE', { branch: br('h1') }) },
      { from: P, to: B, text: req('INVITE', { branch: br('h2'), via: 'proxy.example' }) },
    ]);
    expect(m.transactions.count).toBe(2);
    expect(m.messages.get(1).retransmission).toBe(false);
    expect(m.calls).toHaveLength(1);
  });

  it('keeps transactions per call: the same branch under two Call-IDs is two transactions, neither a retransmission', async () => {
    const m = await model([
      { from: A, to: B, text: req('OPTIONS', { branch: br('same'), callId: 'k1' }) },
      { from: A, to: B, text: req('OPTIONS', { branch: br('same'), callId: 'k2' }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('same'), method: 'OPTIONS', callId: 'k2', toTag: 't2' }) },
    ]);
    expect(m.transactions.all().map((t) => [t.callIndex, t.messageCount, t.finalStatus])).toEqual([
      [0, 1, undefined],
      [1, 2, 200],
    ]);
    expect([0, 1, 2].map((id) => m.messages.get(id).retransmission)).toEqual([false, false, false]);
  });

  it('matches a REGISTER stream under one Call-ID past PER_CALL_SCAN transactions, with retransmissions and expiry', async () => {
    // 20 refreshes a minute apart: the 9th outgrows the per-call list, and its live transactions (those of the last
    // 300 s) go into the key table; responses after that are found there. Then a retransmitted 200 of the last
    // refresh, and branch r3 used again after about 960 s idle: a new transaction.
    const msgs: Msg[] = [];
    for (let i = 0; i < 20; i++) {
      const o = { branch: br(`r${i}`), cseq: i + 1, callId: 'reg' };
      msgs.push({ from: A, to: B, text: req('REGISTER', o), at: i * 60 });
      msgs.push({ from: B, to: A, text: resp(200, 'OK', { ...o, method: 'REGISTER', toTag: `t${i}` }), at: i * 60 + 0.1 });
    }
    msgs.push({ from: B, to: A, text: resp(200, 'OK', { branch: br('r19'), cseq: 20, method: 'REGISTER', callId: 'reg', toTag: 't19' }), at: 1140.5 });
    msgs.push({ from: A, to: B, text: req('REGISTER', { branch: br('r3'), cseq: 99, callId: 'reg' }), at: 1141 });
    const m = await model(msgs);
    expect(m.calls).toHaveLength(1);
    const txs = m.transactions.all();
    expect(txs).toHaveLength(21);
    expect(txs.slice(0, 19).every((t) => t.messageCount === 2 && t.finalStatus === 200)).toBe(true);
    expect([txs[19]!.branch, txs[19]!.messageCount]).toEqual([br('r19'), 3]);
    expect([txs[20]!.branch, txs[20]!.messageCount, txs[20]!.finalStatus]).toEqual([br('r3'), 1, undefined]);
    expect(transactionMessageIds(m, txs[8]!)).toEqual([16, 17]);
    expect(m.messages.get(40).retransmission).toBe(true);
    expect(m.calls[0]!.retransmissions).toBe(1);
  });

  it('keeps an empty reason phrase as an empty string, next to a request method (the interning caches start out holding \'\')', async () => {
    const m = await model([
      { from: A, to: B, text: req('OPTIONS', { branch: br('e') }) },
      { from: B, to: A, text: resp(200, '', { branch: br('e'), method: 'OPTIONS', toTag: 'te' }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('e2'), method: 'OPTIONS', toTag: 'te', cseq: 2 }) },
    ]);
    expect([0, 1, 2].map((id) => [m.messages.get(id).method, m.messages.get(id).reason, m.messages.get(id).label])).toEqual([
      ['OPTIONS', undefined, 'OPTIONS'],
      [undefined, '', '200'],
      [undefined, 'OK', '200 OK'],
    ]);
  });

  it('forgets a transaction idle past the horizon (300-600 s), but keeps one still in use', async () => {
    // Branch x: used at 0 s, reused after 700 s idle -> a new transaction. Branch y: seen every 200 s for 1000 s
    // (never idle for long) -> one transaction, although it is older than the horizon.
    const other = (at: number, n: number) => ({ from: A, to: B, text: req('OPTIONS', { branch: br(`o${n}`), callId: `o${n}` }), at });
    const y = (at: number, code = 100) => ({ from: B, to: A, text: resp(code, code === 100 ? 'Trying' : 'OK', { branch: br('y'), method: 'MESSAGE', callId: 'cy' }), at });
    const m = await model([
      { from: A, to: B, text: req('MESSAGE', { branch: br('x'), callId: 'cx' }), at: 0 },
      { from: A, to: B, text: req('MESSAGE', { branch: br('y'), callId: 'cy' }), at: 0 },
      other(150, 1), y(200), other(350, 2), y(400), other(550, 3), y(600),
      { from: A, to: B, text: req('MESSAGE', { branch: br('x'), callId: 'cx' }), at: 700 },
      other(750, 4), y(800), other(950, 5), y(1000, 200),
    ]);
    const xs = m.transactions.all().filter((t) => t.branch === br('x'));
    const ys = m.transactions.all().filter((t) => t.branch === br('y'));
    expect(xs).toHaveLength(2);
    expect(ys).toHaveLength(1);
    expect(ys[0]!.messageCount).toBe(6);
    expect(ys[0]!.finalStatus).toBe(200);
  });
});

describe('dialogs (RFC 3261 §12)', () => {
  it('creates an early dialog on 18x with a To tag, confirms it on 2xx, terminates it on BYE', async () => {
    const msgs: Msg[] = [
      { from: A, to: B, text: req('INVITE', { branch: br('1') }) },
      { from: B, to: A, text: resp(180, 'Ringing', { branch: br('1'), toTag: 'tt' }) },
    ];
    let m = await model(msgs);
    expect(m.dialogs.count).toBe(1);
    expect(m.dialogs.get(0)!).toMatchObject({ state: 'early', fromTag: 'ft', toTag: 'tt', method: 'INVITE' });
    msgs.push({ from: B, to: A, text: resp(200, 'OK', { branch: br('1'), toTag: 'tt' }) });
    m = await model(msgs);
    expect(m.dialogs.get(0)!.state).toBe('confirmed');
    // BYE from the callee: tags swap sides, still the same dialog
    msgs.push({ from: B, to: A, text: req('BYE', { branch: br('9'), fromTag: 'tt', toTag: 'ft', cseq: 1, via: 'b.example' }) });
    m = await model(msgs);
    expect(m.dialogs.count).toBe(1);
    expect(m.dialogs.get(0)!.state).toBe('terminated');
    expect(dialogMessageIds(m, m.dialogs.get(0)!)).toEqual([0, 1, 2, 3]); // the INVITE belongs to the dialog it created
  });

  it('sees forking: two To tags under one INVITE are two dialogs of one call (§13.2.2.4)', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('f') }) },
      { from: B, to: A, text: resp(180, 'Ringing', { branch: br('f'), toTag: 'fork1' }) },
      { from: B, to: A, text: resp(180, 'Ringing', { branch: br('f'), toTag: 'fork2' }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('f'), toTag: 'fork2' }) },
    ]);
    expect(m.calls).toHaveLength(1);
    expect(m.dialogs.all().map((d) => [d.toTag, d.state])).toEqual([
      ['fork1', 'early'],
      ['fork2', 'confirmed'],
    ]);
    expect(m.calls[0]!.dialogIndexes).toEqual([0, 1]);
  });

  it('keeps finding dialogs by tags past 16 forks of one call, in both directions (the per-call map)', async () => {
    const forks = Array.from({ length: 20 }, (_, i) => `fork${i}`);
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('many') }) },
      ...forks.map((t) => ({ from: B, to: A, text: resp(180, 'Ringing', { branch: br('many'), toTag: t }) })),
      // A 200 from fork 18 (UAS -> UAC), then in-dialog requests of forks 3 and 12 from the UAS side (tags swapped).
      { from: B, to: A, text: resp(200, 'OK', { branch: br('many'), toTag: 'fork18' }) },
      { from: B, to: A, text: req('INFO', { branch: br('info3'), fromTag: 'fork3', toTag: 'ft', cseq: 7 }) },
      { from: B, to: A, text: req('INFO', { branch: br('info12'), fromTag: 'fork12', toTag: 'ft', cseq: 8 }) },
    ]);
    expect(m.dialogs.count).toBe(20);
    expect(m.calls[0]!.dialogIndexes).toEqual(forks.map((_, i) => i));
    expect(m.calls[0]!.messageIds).toHaveLength(24);
    expect([21, 22, 23].map((id) => m.messages.get(id).dialogIndex)).toEqual([18, 3, 12]);
    expect(m.dialogs.get(18)!.state).toBe('confirmed');
    expect(m.dialogs.all().map((d) => d.messageCount)).toEqual(forks.map((_, i) => (i === 3 || i === 12 || i === 18 ? 2 : 1)));
  });

  it('terminates an early dialog on a non-2xx final response (§12.3)', async () => {
    const m = await model([
      { from: A, to: B, text: req('INVITE', { branch: br('e') }) },
      { from: B, to: A, text: resp(183, 'Session Progress', { branch: br('e'), toTag: 'tt' }) },
      { from: B, to: A, text: resp(603, 'Decline', { branch: br('e'), toTag: 'tt' }) },
    ]);
    expect(m.dialogs.get(0)!.state).toBe('terminated');
    expect(m.calls[0]!.state).toBe('rejected');
  });

  it('recognises a mid-dialog request whose dialog began before the capture', async () => {
    const m = await model([{ from: A, to: B, text: req('BYE', { branch: br('b'), toTag: 'tt', cseq: 3 }) }]);
    expect(m.dialogs.count).toBe(1);
    expect(m.dialogs.get(0)!.state).toBe('terminated');
  });
});

describe('call states', () => {
  const invite = (b: string, extra: Partial<Parameters<typeof req>[1]> = {}) => req('INVITE', { branch: br(b), ...extra });
  const cases: [string, Msg[], string, number | undefined][] = [
    ['setup', [{ from: A, to: B, text: invite('s') }], 'setup', undefined],
    ['ringing', [{ from: A, to: B, text: invite('s') }, { from: B, to: A, text: resp(180, 'Ringing', { branch: br('s'), toTag: 't' }) }], 'ringing', undefined],
    ['answered', [{ from: A, to: B, text: invite('s') }, { from: B, to: A, text: resp(200, 'OK', { branch: br('s'), toTag: 't' }) }], 'answered', 200],
    ['not found', [{ from: A, to: B, text: invite('s') }, { from: B, to: A, text: resp(404, 'Not Found', { branch: br('s'), toTag: 't' }) }], 'rejected', 404],
    ['server error', [{ from: A, to: B, text: invite('s') }, { from: B, to: A, text: resp(503, 'Service Unavailable', { branch: br('s'), toTag: 't' }) }], 'failed', 503],
    ['busy everywhere', [{ from: A, to: B, text: invite('s') }, { from: B, to: A, text: resp(600, 'Busy Everywhere', { branch: br('s'), toTag: 't' }) }], 'busy', 600],
    ['no response for 40 s', [{ from: A, to: B, text: invite('s'), at: 0 }, { from: A, to: B, text: req('OPTIONS', { callId: 'other', branch: br('o') }), at: 40 }], 'failed', undefined],
  ];
  for (const [name, msgs, state, final] of cases) {
    it(`${name} -> ${state}`, async () => {
      const m = await model(msgs);
      expect(m.calls[0]!.state).toBe(state);
      expect(m.calls[0]!.finalStatus).toBe(final);
    });
  }

  it('an auth challenge followed by a successful retry is answered, with delays and duration', async () => {
    const m = await model([
      { from: A, to: B, text: invite('1'), at: 0 },
      { from: B, to: A, text: resp(407, 'Proxy Authentication Required', { branch: br('1'), toTag: 'x' }), at: 0.1 },
      { from: A, to: B, text: req('ACK', { branch: br('1'), toTag: 'x' }), at: 0.2 },
      { from: A, to: B, text: invite('2', { cseq: 2 }), at: 0.3 },
      { from: B, to: A, text: resp(180, 'Ringing', { branch: br('2'), toTag: 'y', cseq: 2 }), at: 1.3 },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('2'), toTag: 'y', cseq: 2 }), at: 3.3 },
      { from: A, to: B, text: req('ACK', { branch: br('3'), toTag: 'y', cseq: 2 }), at: 3.4 },
      { from: A, to: B, text: req('BYE', { branch: br('4'), toTag: 'y', cseq: 3 }), at: 13.3 },
    ]);
    const c = m.calls[0]!;
    expect(c.state).toBe('completed');
    expect(c.finalStatus).toBe(200);
    expect(c.ringDelaySec).toBeCloseTo(1.3, 5);
    expect(c.answerDelaySec).toBeCloseTo(3.3, 5);
    expect(c.durationSec).toBeCloseTo(10, 5);
  });

  it('a REGISTER challenged then accepted is completed; OPTIONS with 404 is rejected', async () => {
    const m = await model([
      { from: A, to: B, text: req('REGISTER', { branch: br('r1'), callId: 'reg' }) },
      { from: B, to: A, text: resp(401, 'Unauthorized', { branch: br('r1'), callId: 'reg', method: 'REGISTER', toTag: 'r' }) },
      { from: A, to: B, text: req('REGISTER', { branch: br('r2'), callId: 'reg', cseq: 2 }) },
      { from: B, to: A, text: resp(200, 'OK', { branch: br('r2'), callId: 'reg', cseq: 2, method: 'REGISTER', toTag: 'r' }) },
      { from: A, to: B, text: req('OPTIONS', { branch: br('o'), callId: 'opt' }) },
      { from: B, to: A, text: resp(404, 'Not Found', { branch: br('o'), callId: 'opt', method: 'OPTIONS', toTag: 'o' }) },
    ]);
    expect(m.calls.map((c) => [c.method, c.state, c.finalStatus])).toEqual([
      ['REGISTER', 'completed', 200],
      ['OPTIONS', 'rejected', 404],
    ]);
  });

  it('takes the call parties from the first message and the method from the first request', async () => {
    const m = await model([
      { from: B, to: A, text: resp(100, 'Trying', { branch: br('1') }) },
      { from: A, to: B, text: req('INVITE', { branch: br('1') }) },
    ]);
    expect(m.calls[0]).toMatchObject({ method: 'INVITE', fromUri: 'sip:alice@a.example', toUri: 'sip:bob@b.example' });
  });
});
