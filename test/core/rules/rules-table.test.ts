// Every rule in RULES has a positive case (it reports, with the expected severity) and a negative case (a clean
// message or SDP on which nothing at all is reported). The table must cover the whole registry.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/core/rules/registry';
import { lintMessageBytes } from '../../../src/core/rules/run';
import { DEFAULT_LINT_SETTINGS, type RuleSeverity } from '../../../src/core/rules/types';
import { enc, invite, ids, lintSdp, lintSip, ok200, SDP_OK, sdp, sip } from './helpers';

/** A JSEP offer (BUNDLE, ICE, DTLS, rtcp-mux) with c=0.0.0.0 / port 9 placeholders: valid, nothing to report. */
export const JSEP = sdp([
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host',
  'a=candidate:2 1 udp 1686052607 198.51.100.44 54321 typ srflx raddr 192.168.1.20 rport 54321',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:EsAw',
  'a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y',
  'a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F',
  'a=setup:actpass',
  'a=mid:1',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
]);

interface Case {
  rule: string;
  /** What the case shows. */
  name: string;
  kind: 'sip' | 'sdp';
  bad: string;
  severity?: RuleSeverity;
  /** Substring expected in the message. */
  says?: string;
}

const I = invite();
const R = ok200();

const CASES: Case[] = [
  { rule: 'sip/start-line', name: 'two spaces between method and URI', kind: 'sip', bad: I.replace('INVITE sip:', 'INVITE  sip:'), says: 'single SP' },
  { rule: 'sip/start-line', name: 'not a start line', kind: 'sip', bad: I.replace(/^INVITE .*\r\n/, 'HELLO there\r\n') },
  { rule: 'sip/sip-version', name: 'SIP/3.0 in the Request-Line', kind: 'sip', bad: I.replace(' SIP/2.0\r\n', ' SIP/3.0\r\n'), says: '505' },
  { rule: 'sip/sip-version', name: 'SIP/3.0 in a Via', kind: 'sip', bad: I.replace('Via: SIP/2.0/UDP', 'Via: SIP/3.0/UDP') },
  { rule: 'sip/status-code', name: '4-digit status code', kind: 'sip', bad: R.replace('SIP/2.0 200 OK', 'SIP/2.0 2000 OK'), says: '3 digits' },
  { rule: 'sip/status-code', name: 'status code below 100', kind: 'sip', bad: R.replace('SIP/2.0 200 OK', 'SIP/2.0 099 Odd') },
  { rule: 'sip/unknown-status-code', name: 'unregistered 299', kind: 'sip', bad: R.replace('SIP/2.0 200 OK', 'SIP/2.0 299 Odd'), severity: 'info', says: 'as 200' },
  { rule: 'sip/unknown-method', name: 'extension method', kind: 'sip', bad: I.replace('INVITE sip:', 'FOO sip:').replace('CSeq: 314159 INVITE', 'CSeq: 314159 FOO'), severity: 'info' },
  { rule: 'sip/unknown-method', name: 'lower-case method', kind: 'sip', bad: I.replace('INVITE sip:', 'invite sip:').replace('CSeq: 314159 INVITE', 'CSeq: 314159 invite'), severity: 'warning', says: 'case-sensitive' },
  { rule: 'sip/request-uri', name: 'Request-URI in <>', kind: 'sip', bad: I.replace('INVITE sip:bob@biloxi.example.com', 'INVITE <sip:bob@biloxi.example.com>') },
  { rule: 'sip/request-uri', name: 'headers in the Request-URI', kind: 'sip', bad: I.replace('INVITE sip:bob@biloxi.example.com', 'INVITE sip:bob@biloxi.example.com?Subject=hi'), says: '?headers' },
  { rule: 'sip/uri-scheme', name: 'mailto Request-URI', kind: 'sip', bad: I.replace('INVITE sip:bob@biloxi.example.com', 'INVITE mailto:bob@biloxi.example.com'), severity: 'warning', says: '416' },
  { rule: 'sip/header-syntax', name: 'line without colon', kind: 'sip', bad: I.replace('Max-Forwards: 70', 'Max-Forwards 70') },
  { rule: 'sip/header-syntax', name: 'Warning code with 4 digits', kind: 'sip', bad: R.replace('Contact:', 'Warning: 1812 overture "In Progress"\r\nContact:'), says: '3 digits' },
  { rule: 'sip/header-syntax', name: 'Call-ID with a space', kind: 'sip', bad: I.replace('Call-ID: a84b4c76e66710@', 'Call-ID: a84b4c76e667 10@') },
  { rule: 'sip/duplicate-header', name: 'two Call-IDs', kind: 'sip', bad: I.replace('CSeq:', 'Call-ID: other@pc33.atlanta.example.com\r\nCSeq:'), says: 'single-valued' },
  { rule: 'sip/compact-form', name: 'v: for Via', kind: 'sip', bad: I.replace('Via:', 'v:'), severity: 'hint' },
  { rule: 'sip/line-endings', name: 'bare LF', kind: 'sip', bad: sip(I.split('\r\n\r\n')[0]!.split('\r\n').map((l) => (l.startsWith('Content-Length') ? 'Content-Length: *' : l)), SDP_OK.replace(/\r\n/g, '\n'), '\n'), severity: 'info' },
  { rule: 'sip/missing-content-type', name: 'SDP body without Content-Type', kind: 'sip', bad: I.replace('Content-Type: application/sdp\r\n', '') },
  { rule: 'sip/name-addr', name: 'unquoted display name with a comma', kind: 'sip', bad: I.replace('From: Alice <', 'From: Alice, Liddell <'), says: 'quoted-string' },
  { rule: 'sip/name-addr', name: 'spaces inside <>', kind: 'sip', bad: I.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: Bob < sip:bob@biloxi.example.com >') },
  { rule: 'sip/uri-syntax', name: 'bad %-escape in Contact', kind: 'sip', bad: I.replace('<sip:alice@203.0.113.5:5060>', '<sip:al%G1ice@203.0.113.5:5060>'), says: 'escape' },
  { rule: 'sip/ipv6-reference', name: 'IPv6 without brackets in the Request-URI', kind: 'sip', bad: I.replace('INVITE sip:bob@biloxi.example.com', 'INVITE sip:bob@2001:db8::10'), says: 'brackets' },
  { rule: 'sip/ipv6-reference', name: 'IPv6 without brackets in Via sent-by', kind: 'sip', bad: I.replace('UDP 203.0.113.5:5060;', 'UDP 2001:db8::9:1;') },
  { rule: 'sip/via', name: 'empty via parameter', kind: 'sip', bad: I.replace(';rport;branch', ';rport;;branch') },
  { rule: 'sip/via', name: 'received that is not an address', kind: 'sip', bad: R.replace('received=203.0.113.5', 'received=example.com') },
  { rule: 'sip/via-branch', name: 'branch without magic cookie', kind: 'sip', bad: I.replace('branch=z9hG4bK776asdhds', 'branch=776asdhds'), severity: 'warning' },
  { rule: 'sip/via-branch', name: 'branch that is only the cookie', kind: 'sip', bad: I.replace('branch=z9hG4bK776asdhds', 'branch=z9hG4bK'), severity: 'error' },
  { rule: 'sip/required-headers', name: 'request without Call-ID', kind: 'sip', bad: I.replace(/Call-ID: .*\r\n/, ''), says: 'Call-ID' },
  { rule: 'sip/required-headers', name: 'response without Via', kind: 'sip', bad: R.replace(/Via: .*\r\n/, '') },
  { rule: 'sip/contact', name: 'INVITE without Contact', kind: 'sip', bad: I.replace(/Contact: .*\r\n/, ''), severity: 'warning' },
  { rule: 'sip/from-tag', name: 'From without tag', kind: 'sip', bad: I.replace(';tag=1928301774', ''), severity: 'warning' },
  { rule: 'sip/to-tag', name: '200 to INVITE without To tag', kind: 'sip', bad: R.replace(';tag=a6c85cf', ''), severity: 'error' },
  { rule: 'sip/to-tag', name: 'BYE without To tag', kind: 'sip', bad: I.replace('INVITE sip:', 'BYE sip:').replace('CSeq: 314159 INVITE', 'CSeq: 314160 BYE'), severity: 'warning', says: '481' },
  { rule: 'sip/cseq', name: 'CSeq number above 2**31', kind: 'sip', bad: I.replace('CSeq: 314159', 'CSeq: 99999999999') },
  { rule: 'sip/cseq-method', name: 'CSeq method differs', kind: 'sip', bad: I.replace('CSeq: 314159 INVITE', 'CSeq: 314159 BYE') },
  { rule: 'sip/cseq-method', name: 'ACK with CSeq INVITE', kind: 'sip', bad: I.replace('INVITE sip:', 'ACK sip:').replace(/;tag=1928301774/, ';tag=1928301774').replace('To: Bob <sip:bob@biloxi.example.com>', 'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf'), says: 'ACK' },
  { rule: 'sip/max-forwards', name: 'Max-Forwards above 255', kind: 'sip', bad: I.replace('Max-Forwards: 70', 'Max-Forwards: 256'), severity: 'error' },
  { rule: 'sip/max-forwards', name: 'no Max-Forwards', kind: 'sip', bad: I.replace('Max-Forwards: 70\r\n', ''), severity: 'warning' },
  {
    rule: 'sip/sdes-key-in-clear',
    name: 'a=crypto inline key in an INVITE over UDP',
    kind: 'sip',
    bad: invite(SDP_OK.replace('m=audio 49170 RTP/AVP 0 96', 'm=audio 49170 RTP/SAVP 0 96') + 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA\r\n'),
    severity: 'warning',
    says: 'sent in clear over UDP',
  },
  { rule: 'sip/expires', name: 'Expires not a number', kind: 'sip', bad: I.replace('Contact:', 'Expires: soon\r\nContact:') },
  { rule: 'sip/date', name: 'Date in PST', kind: 'sip', bad: I.replace('Contact:', 'Date: Sat, 13 Nov 2010 23:29:00 PST\r\nContact:'), says: 'GMT' },
  { rule: 'sip/content-length', name: 'Content-Length too large', kind: 'sip', bad: I.replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) + 10}`), says: 'waits for 10 more bytes' },
  { rule: 'sip/content-length', name: 'Content-Length too small', kind: 'sip', bad: I.replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) - 10}`), says: 'cuts the body' },
  { rule: 'sip/content-length', name: 'no Content-Length over TCP', kind: 'sip', bad: I.replace('SIP/2.0/UDP', 'SIP/2.0/TCP').replace(/Content-Length: .*\r\n/, '') },
  { rule: 'nat/private-via', name: 'private sent-by without rport', kind: 'sip', bad: I.replace('UDP 203.0.113.5:5060;rport;', 'UDP 192.168.1.5:5060;'), severity: 'warning' },
  { rule: 'nat/via-rport', name: 'private sent-by, no rport', kind: 'sip', bad: I.replace('UDP 203.0.113.5:5060;rport;', 'UDP 10.0.0.7:5060;'), severity: 'warning', says: 'RFC 3581' },
  { rule: 'nat/via-rport', name: 'public sent-by, no rport (hint)', kind: 'sip', bad: I.replace(';rport;', ';'), severity: 'hint' },
  { rule: 'nat/response-received', name: 'private sent-by, response without received', kind: 'sip', bad: R.replace('203.0.113.5:5060;rport=5060;received=203.0.113.5;', '10.0.0.7:5060;rport=5060;'), says: '§18.2.1' },
  { rule: 'nat/private-contact', name: 'private Contact in INVITE', kind: 'sip', bad: I.replace('<sip:alice@203.0.113.5:5060>', '<sip:alice@192.168.1.5:5060>'), says: 'BYE' },
  { rule: 'nat/private-contact', name: 'CGNAT Contact in REGISTER', kind: 'sip', bad: I.replace('INVITE sip:bob@biloxi.example.com', 'REGISTER sip:biloxi.example.com').replace('CSeq: 314159 INVITE', 'CSeq: 1 REGISTER').replace('<sip:alice@203.0.113.5:5060>', '<sip:alice@100.100.7.1:5060>'), says: 'incoming calls' },
  { rule: 'nat/private-route', name: 'private Record-Route', kind: 'sip', bad: R.replace('Contact:', 'Record-Route: <sip:10.1.1.1;lr>\r\nContact:') },
  { rule: 'sdp/line-syntax', name: 'space before "="', kind: 'sdp', bad: SDP_OK.replace('m=audio', 'm =audio') },
  { rule: 'sdp/line-syntax', name: 'unknown type letter', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'f=oops') },
  { rule: 'sdp/required-lines', name: 'no s= line', kind: 'sdp', bad: SDP_OK.replace('s=-\r\n', ''), says: 's=' },
  { rule: 'sdp/line-order', name: 't= before c=', kind: 'sdp', bad: SDP_OK.replace('c=IN IP4 203.0.113.5\r\nt=0 0', 't=0 0\r\nc=IN IP4 203.0.113.5'), severity: 'warning' },
  { rule: 'sdp/line-order', name: 'o= inside a media description', kind: 'sdp', bad: SDP_OK + 'o=x 1 1 IN IP4 203.0.113.5\r\n', severity: 'error' },
  { rule: 'sdp/session-name', name: 'empty s=', kind: 'sdp', bad: SDP_OK.replace('s=-', 's='), severity: 'warning' },
  { rule: 'sdp/origin', name: 'IPv6 address with IP4 addrtype', kind: 'sdp', bad: SDP_OK.replace('IN IP4 203.0.113.5\r\ns=', 'IN IP4 2001:db8::1\r\ns='), says: 'IP4' },
  { rule: 'sdp/origin', name: 'non-numeric session version', kind: 'sdp', bad: SDP_OK.replace('2890844526 2890844526', '2890844526 v2') },
  { rule: 'sdp/connection', name: 'no c= anywhere', kind: 'sdp', bad: SDP_OK.replace('c=IN IP4 203.0.113.5\r\n', ''), says: 'no c=' },
  { rule: 'sdp/connection', name: 'IPv4 multicast without TTL', kind: 'sdp', bad: SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP4 233.252.0.1'), says: 'TTL' },
  { rule: 'sdp/media-line', name: 'payload type 300', kind: 'sdp', bad: SDP_OK.replace('RTP/AVP 0 96', 'RTP/AVP 0 96 300') },
  { rule: 'sdp/timing', name: 't= with one value', kind: 'sdp', bad: SDP_OK.replace('t=0 0', 't=0') },
  { rule: 'sdp/bandwidth', name: 'b= not numeric', kind: 'sdp', bad: SDP_OK.replace('t=0 0', 'b=AS:fast\r\nt=0 0') },
  { rule: 'sdp/rtpmap', name: 'dynamic payload type without rtpmap', kind: 'sdp', bad: SDP_OK.replace('a=rtpmap:96 opus/48000/2\r\n', ''), says: '96' },
  { rule: 'sdp/attribute-syntax', name: 'a=setup with an unknown role', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'a=sendrecv\r\na=setup:sometimes') },
  { rule: 'sdp/attribute-syntax', name: 'a=rtcp with IP7', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'a=rtcp:1 IN IP7 X') },
  { rule: 'sdp/attribute-level', name: 'rtpmap before the first m=', kind: 'sdp', bad: SDP_OK.replace('t=0 0\r\n', 't=0 0\r\na=rtpmap:97 iLBC/8000\r\n'), severity: 'error' },
  { rule: 'sdp/attribute-level', name: 'group inside a media description', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'a=sendrecv\r\na=group:LS 1') },
  { rule: 'sdp/duplicate-attribute', name: 'sendrecv and sendonly', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'a=sendrecv\r\na=sendonly'), severity: 'warning' },
  { rule: 'sdp/hold-address', name: 'c=0.0.0.0 outside ICE', kind: 'sdp', bad: SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP4 0.0.0.0'), severity: 'info' },
  { rule: 'sdp/group', name: 'BUNDLE lists a missing mid', kind: 'sdp', bad: JSEP.replace('a=group:BUNDLE 0 1', 'a=group:BUNDLE 0 1 2'), says: 'a=mid:2' },
  { rule: 'sdp/ice-credentials', name: 'video without ice-pwd', kind: 'sdp', bad: JSEP.replace(/a=ice-pwd:.*\r\n/g, '') },
  { rule: 'sdp/dtls-fingerprint', name: 'UDP/TLS/RTP/SAVPF without fingerprint', kind: 'sdp', bad: JSEP.replace(/a=fingerprint:.*\r\n/g, ''), severity: 'error' },
  { rule: 'sdp/rtcp-mux', name: 'JSEP audio without rtcp-mux', kind: 'sdp', bad: JSEP.replace(/a=rtcp-mux\r\n/g, '') },
  { rule: 'nat/private-sdp', name: 'private c=', kind: 'sdp', bad: SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP4 10.0.0.5'), severity: 'warning', says: 'one-way' },
  { rule: 'nat/private-sdp', name: 'private a=rtcp address', kind: 'sdp', bad: SDP_OK.replace('a=sendrecv', 'a=rtcp:49171 IN IP4 172.16.0.9'), severity: 'warning' },
  {
    rule: 'nat/ice-candidates',
    name: 'only private host candidates',
    kind: 'sdp',
    bad: JSEP.replace(/a=candidate:2 .*\r\n/, ''),
    severity: 'warning',
    says: 'srflx/relay',
  },
];

describe('clean baselines report nothing', () => {
  it('a clean INVITE', () => expect(lintSip(I)).toEqual([]));
  it('a clean 200 OK', () => expect(lintSip(R)).toEqual([]));
  it('a clean SDP', () => expect(lintSdp(SDP_OK)).toEqual([]));
  it('a JSEP offer with c=0.0.0.0, port 9 and private host candidates next to srflx', () => expect(lintSdp(JSEP)).toEqual([]));
  it('the same SDP inside the INVITE', () => expect(lintSip(invite(JSEP))).toEqual([]));
});

describe('each rule reports its defect', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.name}`, () => {
      const fs = c.kind === 'sip' ? lintSip(c.bad) : lintSdp(c.bad);
      const mine = fs.filter((f) => f.ruleId === c.rule);
      expect(mine.length, `${c.rule} not reported; got ${ids(fs).join(', ')}`).toBeGreaterThan(0);
      if (c.severity !== undefined) expect(mine.map((f) => f.severity)).toContain(c.severity);
      if (c.says !== undefined) expect(mine.map((f) => f.message).join(' | ')).toContain(c.says);
      for (const f of mine) {
        expect(f.refs.length).toBeGreaterThan(0);
        if (f.span) expect(f.span.end).toBeGreaterThanOrEqual(f.span.start);
      }
    });
  }
});

describe('coverage of the registry', () => {
  it('every rule has at least one positive case here', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    // Capture-scope rules need captures, not text: test/core/rules/capture-rules.test.ts covers each of them.
    const missing = RULES.filter((r) => r.scope !== 'capture').map((r) => r.id).filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });
});

describe('rule details', () => {
  it('sip/sdes-key-in-clear: not over TLS or WSS (top Via), nor for SDP without inline keys', () => {
    const keyed = invite(SDP_OK.replace('m=audio 49170 RTP/AVP 0 96', 'm=audio 49170 RTP/SAVP 0 96') + 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA\r\n');
    const of = (text: string) => lintSip(text).filter((f) => f.ruleId === 'sip/sdes-key-in-clear');
    expect(of(keyed)).toHaveLength(1);
    expect(of(keyed.replace('SIP/2.0/UDP', 'SIP/2.0/TCP'))[0]?.message).toContain('over TCP');
    expect(of(keyed.replace('SIP/2.0/UDP', 'SIP/2.0/TLS'))).toEqual([]);
    expect(of(keyed.replace('SIP/2.0/UDP', 'SIP/2.0/WSS'))).toEqual([]);
    expect(of(invite())).toEqual([]);
    // In a capture, how the message travelled decides: decrypted from TLS whatever its Via says, or in clear although
    // its Via says TLS (the message names both).
    const seen = (text: string, transport: string) => lintMessageBytes(enc.encode(text), DEFAULT_LINT_SETTINGS, { transport }).filter((f) => f.ruleId === 'sip/sdes-key-in-clear');
    expect(seen(keyed, 'TLS')).toEqual([]);
    expect(seen(keyed, 'WSS')).toEqual([]);
    expect(seen(keyed, 'UDP')[0]?.message).toContain('sent in clear over UDP:');
    expect(seen(keyed.replace('SIP/2.0/UDP', 'SIP/2.0/TLS'), 'TCP')[0]?.message).toContain('sent in clear over TCP (its Via says TLS):');
  });


  it('a Content-Length that only matches with CRLF line ends is an info, not an error (pasted LF-only traces)', () => {
    const body = SDP_OK.replace(/\r\n/g, '\n');
    const crlfCount = new TextEncoder().encode(SDP_OK).length;
    const text = sip(invite().split('\r\n\r\n')[0]!.split('\r\n').map((l) => (l.startsWith('Content-Length') ? `Content-Length: ${crlfCount}` : l)), body, '\n');
    const cl = lintSip(text).filter((f) => f.ruleId === 'sip/content-length');
    expect(cl.map((f) => f.severity)).toEqual(['info']);
  });

  it('extra octets after the body that start another message are an info (RFC 4475 §3.1.1.8)', () => {
    const text = invite('').replace('Content-Type: application/sdp\r\n', '') + '\r\n' + invite();
    const cl = lintSip(text).filter((f) => f.ruleId === 'sip/content-length');
    expect(cl.map((f) => f.severity)).toEqual(['info']);
  });

  it('NUL inside a quoted-pair is allowed (RFC 3261 §25.1 quoted-pair)', () => {
    const text = I.replace('To: Bob <', 'To: "B\\\u0000ob" <');
    expect(lintSip(text).filter((f) => f.ruleId === 'sip/header-syntax')).toEqual([]);
    const bare = I.replace('To: Bob <', 'To: "B\u0000ob" <');
    expect(lintSip(bare).filter((f) => f.ruleId === 'sip/header-syntax').length).toBeGreaterThan(0);
  });

  it('received may be an IPv6 address with or without brackets (RFC 5118 §4.5)', () => {
    for (const v of ['[2001:db8::9:255]', '2001:db8::9:255']) {
      const text = R.replace('received=203.0.113.5', `received=${v}`);
      expect(ids(lintSip(text))).toEqual([]);
    }
  });

  it('the RFC 3261 ":::" IPv6 form is only a warning (RFC 5118 §4.10)', () => {
    const text = I.replace('INVITE sip:bob@biloxi.example.com', 'INVITE sip:bob@[2001:db8:::192.0.2.1]');
    const f = lintSip(text).filter((x) => x.ruleId === 'sip/ipv6-reference');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
  });

  it('Contact with SIP Outbound (;ob) behind NAT is an info', () => {
    const text = I.replace('<sip:alice@203.0.113.5:5060>', '<sip:alice@192.168.1.5:5060;ob>');
    expect(lintSip(text).filter((f) => f.ruleId === 'nat/private-contact').map((f) => f.severity)).toEqual(['info']);
  });

  it('a private Via sent-by with rport is only an info (the server answers to the packet source)', () => {
    const text = I.replace('UDP 203.0.113.5:5060;rport;', 'UDP 192.168.1.5:5060;rport;');
    expect(lintSip(text).filter((f) => f.ruleId === 'nat/private-via').map((f) => f.severity)).toEqual(['info']);
  });

  it('rport is not asked for over TCP/TLS (responses use the connection)', () => {
    const text = I.replace('UDP 203.0.113.5:5060;rport;', 'TLS 192.168.1.5:5061;');
    expect(lintSip(text).filter((f) => f.ruleId === 'nat/via-rport')).toEqual([]);
  });

  it('private host candidates next to srflx/relay are not reported; c= private with srflx is only info', () => {
    const s = JSEP.replace('m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0', 'm=audio 54321 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 192.168.1.20');
    const fs = lintSdp(s);
    expect(fs.filter((f) => f.ruleId === 'nat/ice-candidates')).toEqual([]);
    expect(fs.filter((f) => f.ruleId === 'nat/private-sdp').map((f) => f.severity)).toEqual(['info']);
  });

  it('mDNS (.local) host candidates alone count as private', () => {
    const s = JSEP.replace(/a=candidate:2 .*\r\n/, '').replace('192.168.1.20 54321 typ host', '3c0a3bdb-9f4c-4a7e-b2b3-2a1f9c1d0e77.local 54321 typ host');
    expect(lintSdp(s).filter((f) => f.ruleId === 'nat/ice-candidates').length).toBe(1);
  });

  it('o= with a private address is only a hint; o= 127.0.0.1 (JSEP placeholder) nothing', () => {
    const s = SDP_OK.replace('IN IP4 203.0.113.5\r\ns=', 'IN IP4 192.168.0.2\r\ns=');
    expect(lintSdp(s).map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['nat/private-sdp:hint']);
  });

  it('CGNAT (RFC 6598) and IPv6 ULA addresses are reported; documentation ranges are not', () => {
    expect(lintSdp(SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP4 100.96.1.2')).some((f) => f.ruleId === 'nat/private-sdp' && f.message.includes('RFC 6598'))).toBe(true);
    expect(lintSdp(SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP6 fd00::5')).some((f) => f.ruleId === 'nat/private-sdp' && f.message.includes('RFC 4193'))).toBe(true);
    expect(lintSdp(SDP_OK.replace('c=IN IP4 203.0.113.5', 'c=IN IP6 2001:db8::5'))).toEqual([]);
  });

  it('an SDP a=ptime at session level is misplaced like any media-level attribute', () => {
    const s = SDP_OK.replace('t=0 0\r\n', 't=0 0\r\na=ptime:20\r\n');
    expect(lintSdp(s).map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['sdp/attribute-level:error']);
  });

  it('rid, simulcast and extmap ids are checked', () => {
    const bad = ['a=rid:1 sideways', 'a=simulcast:both 1;2', 'a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid'];
    for (const l of bad) expect(lintSdp(SDP_OK.replace('a=sendrecv', 'a=sendrecv\r\n' + l)).map((f) => f.ruleId)).toContain('sdp/attribute-syntax');
    const good = ['a=rid:hi send pt=96', 'a=simulcast:send hi;lo recv r0', 'a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid'];
    for (const l of good) expect(lintSdp(SDP_OK.replace('a=sendrecv', 'a=sendrecv\r\n' + l))).toEqual([]);
  });
});
