// Fuzz tests (fixed seeds): random bytes and mutations of a valid INVITE never make the SIP parser, the
// sub-parsers, the summary or the SDP finder throw, and every span stays inside the input.
import { describe, expect, it } from 'vitest';
import { parseSipMessage, parseFieldValue } from '../../../src/core/sip/parse-message';
import { summarizeSipMessage } from '../../../src/core/sip/summary';
import { parseNameAddrListRange, parseNameAddrRange } from '../../../src/core/sip/name-addr';
import { parseViaListRange } from '../../../src/core/sip/via';
import { parseCSeqRange } from '../../../src/core/sip/cseq';
import { parseUri } from '../../../src/core/sip/uri';
import { parseParams } from '../../../src/core/sip/params';
import type { ParseProblem, Span } from '../../../src/core/sip/types';
import { findSdpBodies, parseSdp } from '../../../src/core/sdp/parse-sdp';
import { enc, prng } from './helpers';

const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:49171 IN IP4 192.0.2.101\r\na=candidate:1 1 UDP 2130706431 192.0.2.101 49170 typ host\r\na=sendrecv\r\n';
const INVITE = enc.encode(
  [
    'INVITE sip:bob@[2001:db8::1]:5060;transport=udp SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport;received=192.0.2.1, SIP/2.0/TCP [2001:db8::2];branch=z9hG4bKx',
    'Max-Forwards: 70',
    'To: "Bob \\"B\\"" <sip:bob@biloxi.example.com>',
    'f: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159\r\n  INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>;expires=60, sip:x@y;q=0.5',
    'Content-Type: multipart/mixed;boundary="b1"',
    '',
    `--b1\r\nContent-Type: application/sdp\r\n\r\n${SDP}\r\n--b1--\r\n`,
  ].join('\r\n'),
);

function checkSpans(problems: readonly ParseProblem[], lo: number, hi: number): void {
  for (const p of problems) inRange(p.span, lo, hi);
}

function inRange(s: Span, lo: number, hi: number): void {
  if (!(s.start >= lo && s.end <= hi && s.end >= s.start)) {
    throw new Error(`span ${JSON.stringify(s)} outside [${lo}, ${hi}]`);
  }
}

/** Parse and exercise everything; throws (test failure) on any exception or out-of-range span. */
function exercise(bytes: Uint8Array, base: number): void {
  const r = parseSipMessage(bytes, { baseOffset: base });
  const m = r.message;
  const hi = base + bytes.length;
  expect(r.problems.some((p) => p.code === 'sip/internal-error')).toBe(false);
  checkSpans(r.problems, base, hi);
  inRange(m.startLine, base, hi);
  inRange(m.body, base, hi);
  for (const h of m.headers) {
    inRange(h.nameSpan, base, hi);
    inRange(h.valueSpan, base, hi);
    inRange(h.lineSpan, base, hi);
    void h.value;
    void h.name;
    void h.canonical;
    const problems: ParseProblem[] = [];
    parseFieldValue(m, h, parseViaListRange, problems);
    parseFieldValue(m, h, parseNameAddrListRange, problems);
    parseFieldValue(m, h, parseNameAddrRange, problems);
    parseFieldValue(m, h, parseCSeqRange, problems);
    checkSpans(problems, base, hi);
  }
  void m.requestUri;
  void m.reason;
  if (m.requestUriSpan !== undefined) {
    inRange(m.requestUriSpan, base, hi);
    const u = parseUri(m.bytes, base, m.requestUriSpan.start - base, m.requestUriSpan.end - base);
    checkSpans(u.problems, base, hi);
  }
  JSON.stringify(summarizeSipMessage(m));
  for (const body of findSdpBodies(m)) {
    inRange(body, base, hi);
    const sdp = parseSdp(body.bytes, body.start);
    expect(sdp.problems.some((p) => p.code === 'sdp/internal-error')).toBe(false);
    checkSpans(sdp.problems, body.start, body.end);
    for (const l of sdp.session.lines) inRange(l.span, body.start, body.end);
  }
}

const SPECIAL = [0, 9, 10, 13, 32, 0x22, 0x25, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x80, 0xc3, 0xe2, 0xf0, 0xff];

describe('fuzz: SIP parser never throws', () => {
  it('the seed INVITE itself is clean', () => {
    const r = parseSipMessage(INVITE);
    expect(r.problems).toEqual([]);
    expect(findSdpBodies(r.message)).toHaveLength(1);
    exercise(INVITE, 0);
  });

  it('random bytes (uniform and SIP-ish alphabets)', () => {
    const rnd = prng(0x5eed);
    const alphabet = enc.encode('SIP/2.0 INVITE sip:@;=,<>"\\[]:\r\n\t Via From To CSeq 0123456789 abc%');
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(rnd() * 300);
      const b = new Uint8Array(len);
      const sipish = n % 2 === 0;
      for (let i = 0; i < len; i++) b[i] = sipish ? (alphabet[Math.floor(rnd() * alphabet.length)] as number) : Math.floor(rnd() * 256);
      exercise(b, n % 3 === 0 ? 1000 : 0);
    }
  });

  it('random mutations of a valid INVITE (flips, inserts, deletes, truncations)', () => {
    const rnd = prng(42);
    for (let n = 0; n < 4000; n++) {
      let b = INVITE.slice();
      const edits = 1 + Math.floor(rnd() * 8);
      for (let k = 0; k < edits; k++) {
        const op = Math.floor(rnd() * 4);
        const at = Math.floor(rnd() * (b.length + 1));
        const v = rnd() < 0.7 ? (SPECIAL[Math.floor(rnd() * SPECIAL.length)] as number) : Math.floor(rnd() * 256);
        if (op === 0 && b.length > 0) b[Math.min(at, b.length - 1)] = v;
        else if (op === 1) b = new Uint8Array([...b.subarray(0, at), v, ...b.subarray(at)]);
        else if (op === 2) b = new Uint8Array([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + 1 + Math.floor(rnd() * 10)))]);
        else b = b.subarray(0, at);
      }
      exercise(b, n % 5 === 0 ? 77 : 0);
    }
  });

  it('string sub-parsers on random text', () => {
    const rnd = prng(99);
    const pieces = ['sip:', 'sips:', 'tel:+1', '@', '[', ']', '::', ':', ';', '=', '?', '&', '"', '\\', '<', '>', ',', ' ', '\r\n ', '%', '%4', 'a', 'host', '5060', 'é', '\u0000'];
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const k = Math.floor(rnd() * 12);
      for (let i = 0; i < k; i++) s += pieces[Math.floor(rnd() * pieces.length)];
      const len = enc.encode(s).length;
      checkSpans(parseUri(s, 5).problems, 5, 5 + len);
      checkSpans(parseParams(s, 5).problems, 5, 5 + len);
    }
  });
});
