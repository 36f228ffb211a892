// Unit tests for parseSdp (RFC 8866 model with byte spans) and findSdpBodies (application/sdp, multipart RFC 2046).
import { describe, expect, it } from 'vitest';
import { findSdpBodies, parseSdp } from '../../../src/core/sdp/parse-sdp';
import { parseSipMessage } from '../../../src/core/sip/parse-message';

const enc = new TextEncoder();
const dec = new TextDecoder();
const codes = (ps: readonly { code: string }[]): string[] => ps.map((p) => p.code);

const OFFER = [
  'v=0',
  'o=alice 2890844526 2890844527 IN IP4 192.0.2.101',
  's=Call',
  'c=IN IP4 192.0.2.101',
  't=0 0',
  'a=sendonly',
  'a=group:BUNDLE a1 v1',
  'm=audio 49170 RTP/AVP 0 8 97 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:97 opus/48000/2',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtcp:49171 IN IP4 198.51.100.1',
  'a=mid:a1',
  'a=candidate:842163049 1 udp 1677729535 203.0.113.7 49170 typ srflx raddr 10.0.0.7 rport 49170 generation 0',
  'a=candidate:1 1 UDP 2130706431 10.0.0.7 49170 typ host',
  'm=video 51372/2 RTP/AVP 31',
  'c=IN IP6 2001:db8::1',
  'a=recvonly',
  'a=rtcp-mux',
  'a=mid:v1',
  '',
].join('\r\n');

describe('parseSdp', () => {
  it('builds the session model with spans and line numbers', () => {
    const { session: s, problems } = parseSdp(OFFER, 1000);
    expect(problems).toEqual([]);
    expect(s.lines).toHaveLength(22);
    expect(s.lines.map((l) => l.index)).toEqual([...Array(22).keys()]);
    expect(s.lines[1]).toMatchObject({ type: 'o', value: 'alice 2890844526 2890844527 IN IP4 192.0.2.101' });
    expect(s.version).toBe('0');
    expect(s.sessionName).toBe('Call');
    expect(s.origin).toMatchObject({ username: 'alice', sessionId: '2890844526', sessionVersion: '2890844527', netType: 'IN', addrType: 'IP4', address: '192.0.2.101' });
    expect(s.connection).toMatchObject({ netType: 'IN', addrType: 'IP4', address: '192.0.2.101' });
    expect(s.direction).toBe('sendonly');
    expect(s.attributes.map((a) => [a.name, a.value])).toEqual([['sendonly', undefined], ['group', 'BUNDLE a1 v1']]);
    expect(s.media).toHaveLength(2);
    const [a, v] = s.media;
    expect(a).toMatchObject({ media: 'audio', port: 49170, portCount: undefined, proto: 'RTP/AVP', formats: ['0', '8', '97', '101'], mid: 'a1', rtcpMux: false, direction: 'sendonly', connection: undefined });
    expect(a!.rtpmaps).toEqual([
      { payloadType: 0, encoding: 'PCMU', clockRate: 8000, channels: undefined },
      { payloadType: 8, encoding: 'PCMA', clockRate: 8000, channels: undefined },
      { payloadType: 97, encoding: 'opus', clockRate: 48000, channels: 2 },
      { payloadType: 101, encoding: 'telephone-event', clockRate: 8000, channels: undefined },
    ]);
    expect(a!.rtcp).toEqual({ port: 49171, address: '198.51.100.1' });
    expect(a!.candidates.map((c) => [c.foundation, c.component, c.transport, c.priority, c.address, c.port, c.type, c.relatedAddress, c.relatedPort])).toEqual([
      ['842163049', 1, 'udp', 1677729535, '203.0.113.7', 49170, 'srflx', '10.0.0.7', 49170],
      ['1', 1, 'UDP', 2130706431, '10.0.0.7', 49170, 'host', undefined, undefined],
    ]);
    expect(a!.lines.map((l) => l.type)).toEqual(['m', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a']);
    expect(v).toMatchObject({ media: 'video', port: 51372, portCount: 2, formats: ['31'], direction: 'recvonly', rtcpMux: true, mid: 'v1' });
    expect(v!.connection).toMatchObject({ addrType: 'IP6', address: '2001:db8::1' });
    // Spans are byte offsets + base.
    const b = enc.encode(OFFER);
    const sub = (sp: { start: number; end: number }): string => dec.decode(b.subarray(sp.start - 1000, sp.end - 1000));
    expect(sub(s.origin!.addressSpan)).toBe('192.0.2.101');
    expect(sub(a!.portSpan)).toBe('49170');
    expect(sub(v!.portSpan)).toBe('51372');
    expect(sub(v!.connection!.addressSpan)).toBe('2001:db8::1');
    expect(sub(a!.line.span)).toBe('m=audio 49170 RTP/AVP 0 8 97 101');
    expect(sub(a!.line.valueSpan)).toBe('audio 49170 RTP/AVP 0 8 97 101');
  });

  it('accepts LF and lone-CR line ends and strips multicast suffixes from c=', () => {
    const { session, problems } = parseSdp('v=0\no=- 1 1 IN IP4 h\rs=-\nc=IN IP4 224.2.1.1/127/3\nt=0 0\nm=audio 5004 RTP/AVP 0\n');
    expect(problems).toEqual([]);
    expect(session.lines.map((l) => l.type)).toEqual(['v', 'o', 's', 'c', 't', 'm']);
    expect(session.connection!.address).toBe('224.2.1.1');
  });

  it('reports structural damage only', () => {
    const r = parseSdp('v=0\r\nm =video 3227 RTP/AVP 31\r\nnonsense\r\n\r\nm=audio x RTP/AVP 0\r\nm=audio 70000 RTP/AVP 0\r\nm=audio\r\nc=IN IP4\r\no=a b\r\na=rtpmap:31 LPC\r\na=rtcp:x\r\na=candidate:garbage\r\n\r\n\r\n');
    expect(codes(r.problems)).toEqual([
      'sdp/bad-line', 'sdp/bad-line', 'sdp/empty-line', 'sdp/bad-port', 'sdp/bad-port', 'sdp/bad-media-line', 'sdp/bad-connection-line',
      'sdp/bad-rtpmap', 'sdp/bad-rtcp', 'sdp/bad-candidate',
    ]);
    // o= is only interpreted at session level (a misplaced o= is a lint matter); a broken session-level one is reported.
    expect(codes(parseSdp('v=0\r\no=a b\r\n').problems)).toEqual(['sdp/bad-origin-line']);
    expect(r.session.lines[1]).toMatchObject({ type: '', value: 'm =video 3227 RTP/AVP 31' });
    expect(r.session.media.map((m) => [m.media, m.port])).toEqual([['audio', -1], ['audio', -1], ['audio', -1]]);
    // The bad attribute lines are still listed.
    expect(r.session.media[2]!.attributes.map((a) => a.name)).toEqual(['rtpmap', 'rtcp', 'candidate']);
    // Lines after an m= belong to it, including broken ones.
    expect(r.session.media[2]!.lines.map((l) => l.type)).toEqual(['m', 'c', 'o', 'a', 'a', 'a']);
  });

  it('never throws on odd input', () => {
    for (const t of ['', '\r\n', '=', 'x', 'm=', 'a=', 'a=rtpmap:', 'a=candidate:', 'c=IN IP4 /', 'm=audio 0/ RTP/AVP', '\u0000=\u0000']) {
      expect(() => parseSdp(t)).not.toThrow();
    }
    expect(parseSdp('').session.lines).toEqual([]);
  });
});

describe('findSdpBodies', () => {
  const msg = (headers: string[], body: string): Uint8Array => enc.encode(['INVITE sip:a@b SIP/2.0', ...headers, '', body].join('\r\n'));

  it('finds a plain application/sdp body, bounded by Content-Length', () => {
    const sdp = 'v=0\r\ns=-\r\n';
    const b = msg(['Content-Type: application/sdp', `Content-Length: ${sdp.length}`], sdp + 'TRAILING');
    const m = parseSipMessage(b, { baseOffset: 500 }).message;
    const bodies = findSdpBodies(m);
    expect(bodies).toHaveLength(1);
    expect(dec.decode(bodies[0]!.bytes)).toBe(sdp);
    expect(bodies[0]!.start).toBe(500 + b.length - sdp.length - 8);
    const parsed = parseSdp(bodies[0]!.bytes, bodies[0]!.start);
    expect(parsed.session.lines[1]!.span.start).toBe(bodies[0]!.start + 5);
  });

  it('finds SDP parts in multipart/mixed (RFC 2046), nested multipart/alternative, quoted boundary', () => {
    const inner = ['--inner', 'Content-Type: text/plain', '', 'hello', '--inner', 'Content-Type: application/sdp', '', 'v=0', 's=inner', '--inner--'].join('\r\n');
    const body = [
      'preamble to ignore',
      '--outer:1',
      'Content-Type: application/sdp',
      'Content-Disposition: session',
      '',
      'v=0',
      's=first',
      '--outer:1',
      'Content-Type: application/isup;version=itu-t92+',
      '',
      'binary',
      '--outer:1',
      'content-type: multipart/alternative; boundary=inner',
      '',
      inner,
      '--outer:1--',
      'epilogue',
    ].join('\r\n');
    const m = parseSipMessage(msg(['Content-Type: multipart/mixed;boundary="outer:1"'], body)).message;
    const bodies = findSdpBodies(m);
    expect(bodies.map((x) => dec.decode(x.bytes))).toEqual(['v=0\r\ns=first', 'v=0\r\ns=inner']);
    for (const x of bodies) expect(dec.decode(m.bytes.subarray(x.start, x.end))).toBe(dec.decode(x.bytes));
  });

  it('handles LF-only multipart and a missing close delimiter', () => {
    const body = '--b\nContent-Type: application/sdp\n\nv=0\ns=x\n';
    const m = parseSipMessage(enc.encode(`INVITE sip:a@b SIP/2.0\nContent-Type: multipart/mixed; boundary=b\n\n${body}`)).message;
    expect(findSdpBodies(m).map((x) => dec.decode(x.bytes))).toEqual(['v=0\ns=x\n']);
  });

  it('returns [] without Content-Type, for other types, empty bodies or missing boundary', () => {
    const none = (h: string[], body: string): number => findSdpBodies(parseSipMessage(msg(h, body)).message).length;
    expect(none([], 'v=0')).toBe(0);
    expect(none(['Content-Type: text/plain'], 'v=0')).toBe(0);
    expect(none(['Content-Type: application/sdp'], '  \r\n')).toBe(0);
    expect(none(['Content-Type: multipart/mixed'], '--x\r\n\r\nv=0\r\n--x--')).toBe(0);
    expect(none(['c: Application/SDP;charset=utf-8'], 'v=0')).toBe(1);
  });
});
