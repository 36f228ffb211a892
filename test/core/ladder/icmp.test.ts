// ICMP errors on the ladder: matchIcmpAnswers (which arrow or stream an ICMP error answered), the lost-message
// rendering in every format, and the real lab captures where a NAT refused SIP responses (01b) and a router RTP (02).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IcmpQuotedSip } from '../../../src/core/decode/icmp';
import { importCapture, memoryByteSource } from '../../../src/core/index';
import {
  arrowLabel,
  buildLadder,
  icmpErrorText,
  icmpNote,
  matchIcmpAnswers,
  renderLadderAscii,
  renderLadderMermaid,
  renderLadderPlantUml,
  renderLadderSvg,
} from '../../../src/core/ladder';
import type { IcmpError } from '../../../src/core/rules/capture/evidence';
import { T0, msg } from './fixtures';

const enc = new TextEncoder();

/** An ICMP error quoting a SIP datagram from `src`:5060 to `dst`:`dstPort`, `at` seconds after T0. */
function quote(p: { frame: number; at: number; start: string; src?: string; dst?: string; dstPort?: number; type?: number; code?: number; reporter?: string }): IcmpQuotedSip {
  const whole = Math.floor(p.at);
  return {
    frame: p.frame,
    timeSec: T0 + whole,
    timeNsec: Math.round((p.at - whole) * 1e9),
    ipVersion: 4,
    src: p.reporter ?? '203.0.113.2',
    dst: p.src ?? '10.0.0.2',
    icmpType: p.type ?? 3,
    icmpCode: p.code ?? 3,
    quotedSrc: p.src ?? '10.0.0.2',
    quotedSrcPort: 5060,
    quotedDst: p.dst ?? '10.0.0.1',
    quotedDstPort: p.dstPort ?? 5060,
    bytes: enc.encode(`${p.start}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-`),
  };
}

describe('icmpErrorText', () => {
  it('names ICMP and ICMPv6 errors by type and code (RFC 792, RFC 1812, RFC 4443)', () => {
    expect(icmpErrorText(4, 3, 3)).toBe('port unreachable');
    expect(icmpErrorText(4, 3, 1)).toBe('host unreachable');
    expect(icmpErrorText(4, 3, 0)).toBe('net unreachable');
    expect(icmpErrorText(4, 3, 13)).toBe('administratively prohibited');
    expect(icmpErrorText(4, 3, 99)).toBe('destination unreachable');
    expect(icmpErrorText(4, 11, 0)).toBe('time exceeded');
    expect(icmpErrorText(4, 12, 0)).toBe('parameter problem');
    expect(icmpErrorText(6, 1, 4)).toBe('port unreachable');
    expect(icmpErrorText(6, 1, 3)).toBe('address unreachable');
    expect(icmpErrorText(6, 1, 0)).toBe('no route to destination');
    expect(icmpErrorText(6, 2, 0)).toBe('packet too big');
    expect(icmpErrorText(6, 3, 0)).toBe('time exceeded');
    expect(icmpErrorText(6, 77, 0)).toBe('error type 77');
  });

  it('summarises a label note: one error, several, several kinds; nothing without errors', () => {
    const a = { frame: 5, reporter: '203.0.113.2', error: 'port unreachable' };
    expect(icmpNote([a], 1)).toBe(' [ICMP port unreachable]');
    expect(icmpNote([a, { ...a, frame: 6 }], 12)).toBe(' [ICMP port unreachable x12]');
    expect(icmpNote([a, { ...a, error: 'time exceeded' }], 2)).toBe(' [ICMP port unreachable, time exceeded x2]');
    expect(icmpNote([], 0)).toBe('');
    expect(icmpNote(undefined, 3)).toBe('');
  });
});

describe('matchIcmpAnswers: SIP messages', () => {
  // A 200 OK from 10.0.0.2 to 10.0.0.1:5060, retransmitted at +0.5 s; an INVITE the other way.
  const invite = msg({ id: 0, at: 0, src: '10.0.0.1', dst: '10.0.0.2', method: 'INVITE' });
  const ok = msg({ id: 1, at: 0.2, src: '10.0.0.2', dst: '10.0.0.1', statusCode: 200 });
  const okAgain = msg({ id: 2, at: 0.7, src: '10.0.0.2', dst: '10.0.0.1', statusCode: 200, retransmission: true });
  const messages = [invite, ok, okAgain];

  it('answers the latest message with the quoted addresses, ports and start line', () => {
    const r = matchIcmpAnswers([quote({ frame: 10, at: 0.201, start: 'SIP/2.0 200 OK' }), quote({ frame: 11, at: 0.7005, start: 'SIP/2.0 200 OK' })], [], messages);
    expect([...r.messages.keys()]).toEqual([1, 2]);
    expect(r.messages.get(1)).toEqual([{ frame: 10, reporter: '203.0.113.2', error: 'port unreachable' }]);
    expect(r.messages.get(2)![0]!.frame).toBe(11);
    expect(r.streams.size).toBe(0);
  });

  it('needs the same start line, the same ports, UDP, and the message sent at most 5 s before', () => {
    const cases: IcmpQuotedSip[] = [
      quote({ frame: 20, at: 0.3, start: 'SIP/2.0 180 Ringing' }), // no 180 on that path
      quote({ frame: 21, at: 0.3, start: 'SIP/2.0 200 OK', dstPort: 5070 }), // other port
      quote({ frame: 22, at: 0.1, start: 'SIP/2.0 200 OK' }), // before any 200 OK
      quote({ frame: 23, at: 6, start: 'SIP/2.0 200 OK' }), // 5.3 s after the last one
      quote({ frame: 24, at: 0.3, start: 'garbage \x01' }),
    ];
    expect(matchIcmpAnswers(cases, [], messages).messages.size).toBe(0);
    const tcp = msg({ id: 9, at: 0, src: '10.0.0.2', dst: '10.0.0.1', statusCode: 200, transport: 'TCP' });
    expect(matchIcmpAnswers([quote({ frame: 25, at: 0.1, start: 'SIP/2.0 200 OK' })], [], [tcp]).messages.size).toBe(0);
  });

  it('matches requests by method, case-sensitively (RFC 3261 §7.1)', () => {
    const q = [quote({ frame: 30, at: 0.01, src: '10.0.0.1', dst: '10.0.0.2', start: 'INVITE sip:bob@example.com SIP/2.0', type: 11, code: 0, reporter: '192.0.2.254' })];
    expect(matchIcmpAnswers(q, [], messages).messages.get(0)).toEqual([{ frame: 30, reporter: '192.0.2.254', error: 'time exceeded' }]);
    const lower = [quote({ frame: 31, at: 0.01, src: '10.0.0.1', dst: '10.0.0.2', start: 'invite sip:bob@example.com SIP/2.0' })];
    expect(matchIcmpAnswers(lower, [], messages).messages.size).toBe(0);
  });

  it('puts the errors on the rows and in the labels; other rows carry no icmp key', () => {
    const answers = matchIcmpAnswers([quote({ frame: 10, at: 0.201, start: 'SIP/2.0 200 OK' })], [], messages);
    const ladder = buildLadder(messages, { icmp: answers });
    expect(ladder.rows.map((r) => 'icmp' in r)).toEqual([false, true, false]);
    expect(arrowLabel(ladder.rows[1]!)).toBe('200 OK [ICMP port unreachable]');
    expect(arrowLabel(ladder.rows[2]!)).toBe('200 OK (retrans)');
  });
});

describe('lost messages in every ladder format', () => {
  const messages = [
    msg({ id: 0, at: 0, src: '10.0.0.1', dst: '10.0.0.2', method: 'REGISTER', cseqMethod: 'REGISTER' }),
    msg({ id: 1, at: 0.1, src: '10.0.0.2', dst: '10.0.0.1', statusCode: 200, cseqMethod: 'REGISTER' }),
  ];
  const q = quote({ frame: 3, at: 0.1002, start: 'SIP/2.0 200 OK', reporter: '10.0.0.1<&>' });
  const ladder = buildLadder(messages, { icmp: matchIcmpAnswers([q], [], messages) });

  it('text: the head is a cross and the label says why', () => {
    const text = renderLadderAscii(ladder, { charset: 'ascii' });
    expect(text).toMatch(/x-+200 OK \[ICMP port unreachable\]-+\|/);
    expect(text).toMatch(/-REGISTER-+>\|/);
    expect(renderLadderAscii(ladder)).toContain('×');
  });

  it('Mermaid and PlantUML: the lost-message arrows', () => {
    expect(renderLadderMermaid(ladder)).toContain('P1--xP0: 200 OK [ICMP port unreachable]');
    expect(renderLadderMermaid(ladder)).toContain('P0->>P1: REGISTER');
    expect(renderLadderPlantUml(ladder)).toContain('P1 -->x P0 : 200 OK [ICMP port unreachable]');
  });

  it('SVG: a cross instead of the arrowhead, the note in its own tspan, the reporter (escaped) in the tooltip', () => {
    const svg = renderLadderSvg(ladder);
    const rows = svg.split('<g class="arrow');
    const reg = rows.find((r) => r.includes('REGISTER'))!;
    const lost = rows.find((r) => r.includes(' lost"'))!;
    expect(reg).toContain('marker-end=');
    expect(reg).not.toContain('lost-x');
    expect(lost).not.toContain('marker-end=');
    expect(lost).toContain('<path class="lost-x"');
    expect(lost).toContain('<tspan class="icmp-note"> [ICMP port unreachable]</tspan>');
    expect(lost).toContain('ICMP port unreachable from 10.0.0.1&lt;&amp;&gt; (frame 3)');
  });
});

describe('ICMP errors on the ladders of real lab captures', () => {
  it('01b: the five 200 OKs sent to the Via port the NAT never opened, each with its port unreachable', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync('samples/captures/lab/01b-register-norport-lost-reply-pub.pcap'))));
    const messages = Array.from({ length: model.messages.count }, (_, i) => model.messages.get(i));
    const answers = matchIcmpAnswers(model.icmpQuoted, model.evidence?.icmp ?? [], messages, model.streams);
    const ladder = buildLadder(messages, { icmp: answers });
    const lost = ladder.rows.filter((r) => r.icmp);
    expect(lost).toHaveLength(5);
    expect(model.icmpQuoted).toHaveLength(5);
    for (const [i, r] of lost.entries()) {
      const q = model.icmpQuoted[i]!;
      expect(r.label).toBe('200 OK');
      expect(r.icmp).toEqual([{ frame: q.frame, reporter: '203.0.113.2', error: 'port unreachable' }]);
      // The error follows the response it quotes, from the address that response went to.
      expect(q.frame).toBe(r.frame + 1);
      expect(`${r.dst}:${r.dstPort}`).toBe(`${q.quotedDst}:${q.quotedDstPort}`);
    }
    expect(ladder.rows.filter((r) => r.method === 'REGISTER').every((r) => r.icmp === undefined)).toBe(true);
  });

  it('02: RTP and RTCP towards private SDP addresses, answered by the router with net unreachables', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync('samples/captures/lab/02-call-private-sdp-pub.pcap'))));
    const call = model.calls.find((c) => c.method === 'INVITE')!;
    const messages = call.messageIds.map((id) => model.messages.get(id));
    const streams = model.streams.filter((s) => s.callIndex === call.index);
    const answers = matchIcmpAnswers(model.icmpQuoted, model.evidence!.icmp, messages, streams);
    expect(answers.messages.size).toBe(0);
    const ladder = buildLadder(messages, { streams, icmp: answers });
    expect(ladder.streams).toHaveLength(2);
    const all = model.evidence!.icmp.filter((e) => e.protocol === 17);
    expect(all).toHaveLength(4);
    for (const st of ladder.streams) {
      const info = model.streams[st.streamIndex!]!;
      expect(st.icmpCount).toBe(2);
      expect(st.label).toMatch(/ \[ICMP net unreachable x2\]$/);
      const quoted = all.filter((e: IcmpError) => st.icmp!.some((x) => x.frame === e.frame));
      expect(quoted).toHaveLength(2);
      for (const e of quoted) {
        expect(e).toMatchObject({ src: info.src, srcPort: info.srcPort, dst: info.dst, kind: 'net-unreachable' });
        expect([info.dstPort, info.dstPort + 1]).toContain(e.dstPort);
      }
    }
  });
});
