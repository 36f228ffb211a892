// sip-framing: header end, Content-Length (bytes, compact, folded, bad, huge) and the stream / datagram framers.
import { describe, expect, it } from 'vitest';
import {
  CL_BAD,
  CL_MISSING,
  findHeaderEnd,
  frameSipDatagram,
  frameSipStream,
  MAX_CONTENT_LENGTH,
  parseContentLength,
  type SipStreamFrame,
} from '../../../src/core/decode/sip-framing';
import { bytes, crlf, rng, sipRequest, sipResponse } from './transport-helpers';

function cl(headers: string): number {
  const b = bytes(headers);
  return parseContentLength(b, 0, findHeaderEnd(b, 0)).value;
}

describe('findHeaderEnd', () => {
  it('finds CRLFCRLF, LFLF and mixed terminators', () => {
    expect(findHeaderEnd(bytes('A b:c SIP/2.0\r\nX: 1\r\n\r\nbody'), 0)).toBe(23);
    expect(findHeaderEnd(bytes('A b:c SIP/2.0\nX: 1\n\nbody'), 0)).toBe(20);
    expect(findHeaderEnd(bytes('A b:c SIP/2.0\r\nX: 1\n\r\nbody'), 0)).toBe(22);
    expect(findHeaderEnd(bytes('A b:c SIP/2.0\r\nX: 1\r\n\r'), 0)).toBe(-1);
    expect(findHeaderEnd(bytes('A b:c SIP/2.0\r\nX: 1\r\n'), 0)).toBe(-1);
  });
});

describe('parseContentLength', () => {
  it('reads Content-Length and the compact form l, case-insensitively, with odd whitespace and folding', () => {
    expect(cl('A b:c SIP/2.0\r\nContent-Length: 12\r\n\r\n')).toBe(12);
    expect(cl('A b:c SIP/2.0\r\ncontent-length:12\r\n\r\n')).toBe(12);
    expect(cl('A b:c SIP/2.0\r\nCONTENT-LENGTH \t: 7 \r\n\r\n')).toBe(7);
    expect(cl('A b:c SIP/2.0\r\nl: 5\r\n\r\n')).toBe(5);
    expect(cl('A b:c SIP/2.0\r\nL : 5\r\n\r\n')).toBe(5);
    expect(cl('A b:c SIP/2.0\r\nContent-Length:\r\n   42\r\n\r\n')).toBe(42); // RFC 3261 §7.3.1 folding
    expect(cl('A b:c SIP/2.0\nl: 3\n\n')).toBe(3);
  });
  it('does not confuse other headers', () => {
    expect(cl('A b:c SIP/2.0\r\nLine: 5\r\nContent-Length-X: 9\r\nX: l: 4\r\n\r\n')).toBe(CL_MISSING);
    expect(cl('A b:c SIP/2.0\r\nX-Note: folded\r\n l: 4\r\n\r\n')).toBe(CL_MISSING); // a continuation line, not a header
  });
  it('flags negative, empty and garbage values, and very long digit strings', () => {
    expect(cl('A b:c SIP/2.0\r\nContent-Length: -1\r\n\r\n')).toBe(CL_BAD);
    expect(cl('A b:c SIP/2.0\r\nContent-Length: bad\r\n\r\n')).toBe(CL_BAD);
    expect(cl('A b:c SIP/2.0\r\nContent-Length: \r\n\r\n')).toBe(CL_BAD);
    expect(cl('A b:c SIP/2.0\r\nContent-Length: 12abc\r\n\r\n')).toBe(CL_BAD);
    expect(cl('A b:c SIP/2.0\r\nContent-Length: 99999999999999999999999\r\n\r\n')).toBe(Infinity);
  });
  it('reports conflicting duplicates and keeps the first', () => {
    const b = bytes('A b:c SIP/2.0\r\nContent-Length: 4\r\nl: 5\r\n\r\n');
    expect(parseContentLength(b, 0, findHeaderEnd(b, 0))).toEqual({ value: 4, conflicting: true });
  });
});

function frames(s: string | Uint8Array, eof = false): SipStreamFrame[] {
  const b = typeof s === 'string' ? bytes(s) : s;
  const out: SipStreamFrame[] = [];
  let i = 0;
  while (i < b.length) {
    const r = frameSipStream(b, i, b.length, { eof });
    out.push(r);
    if (r.kind === 'need-more') break;
    i = r.kind === 'message' || r.kind === 'keep-alive' ? r.end : i + r.skip;
  }
  return out;
}

describe('frameSipStream', () => {
  it('frames several messages in one buffer', () => {
    const a = sipRequest('INVITE', 'v=0\r\n');
    const b = sipResponse(200, 'OK');
    const r = frames(a + b);
    expect(r.map((x) => x.kind)).toEqual(['message', 'message']);
    expect(r[0]).toMatchObject({ kind: 'message', start: 0, end: bytes(a).length, contentLength: 5, truncated: false });
    expect(r[1]).toMatchObject({ kind: 'message', end: bytes(a + b).length });
  });

  it('counts Content-Length in BYTES (multibyte UTF-8 body)', () => {
    const body = 'héllo wörld — ✓ 😀\r\n';
    expect(bytes(body).length).toBeGreaterThan(body.length);
    const m = sipRequest('MESSAGE', body, 'Content-Type: text/plain;charset=utf-8\r\n');
    const next = sipRequest('BYE');
    const r = frames(m + next);
    expect(r.map((x) => x.kind)).toEqual(['message', 'message']);
    expect((r[0] as { end: number }).end).toBe(bytes(m).length);
  });

  it('uses the compact form l:', () => {
    const m = crlf('MESSAGE sip:a@b SIP/2.0\nl: 3\n\n') + 'abc';
    expect(frames(m + sipRequest('BYE')).map((x) => x.kind)).toEqual(['message', 'message']);
  });

  it('asks for more until the body is complete, with the needed total', () => {
    const m = bytes(sipRequest('INVITE', 'x'.repeat(100)));
    const r = frameSipStream(m, 0, m.length - 10);
    expect(r).toMatchObject({ kind: 'need-more', need: m.length });
    // resuming the header search from scannedTo finds the same header end
    const r2 = frameSipStream(m, 0, m.length, { resumeFrom: (r as { scannedTo: number }).scannedTo });
    expect(r2).toMatchObject({ kind: 'message', end: m.length });
    expect(frameSipStream(m, 0, 20)).toMatchObject({ kind: 'need-more', need: -1 });
    expect(frameSipStream(m, 0, 3)).toMatchObject({ kind: 'need-more', need: -1 });
  });

  it('skips CRLF keep-alives (RFC 5626 §3.5.1) between messages', () => {
    const r = frames('\r\n\r\n' + sipRequest('OPTIONS') + '\r\n' + sipRequest('BYE') + '\n');
    expect(r.map((x) => x.kind)).toEqual(['keep-alive', 'message', 'keep-alive', 'message', 'keep-alive']);
  });

  it('treats a huge Content-Length as an empty, truncated body without allocating or waiting', () => {
    const m = crlf(`INVITE sip:a@b SIP/2.0\nContent-Length: ${MAX_CONTENT_LENGTH + 1}\n\n`) + 'abc';
    const r = frameSipStream(bytes(m), 0);
    expect(r).toMatchObject({ kind: 'message', truncated: true, contentLength: MAX_CONTENT_LENGTH + 1 });
    expect((r as { notes: { code: string }[] }).notes.map((n) => n.code)).toEqual(['sip/content-length-too-large']);
    const r2 = frameSipStream(bytes(crlf('INVITE sip:a@b SIP/2.0\nContent-Length: 99999999999999999999\n\n')), 0);
    expect(r2).toMatchObject({ kind: 'message', truncated: true });
  });

  it('treats a bad or missing Content-Length as an empty body, with a note', () => {
    const bad = frameSipStream(bytes(crlf('INVITE sip:a@b SIP/2.0\nContent-Length: -5\n\n') + 'zz'), 0);
    expect(bad).toMatchObject({ kind: 'message', contentLength: CL_BAD, truncated: false });
    expect((bad as { notes: { code: string }[] }).notes[0]!.code).toBe('sip/bad-content-length');
    const missing = frameSipStream(bytes(crlf('INVITE sip:a@b SIP/2.0\nCall-ID: x\n\n')), 0);
    expect((missing as { notes: { code: string; severity: string }[] }).notes[0]).toMatchObject({ code: 'sip/missing-content-length-stream', severity: 'info' });
  });

  it('skips garbage to the next plausible start line', () => {
    const r = frames('garbage line\r\nmore junk\r\n' + sipRequest('INVITE'));
    expect(r[0]).toEqual({ kind: 'garbage', skip: 25, reason: 'junk' });
    expect(r[1]!.kind).toBe('message');
    // HTTP is garbage too
    expect(frames('GET / HTTP/1.1\r\nHost: x\r\n\r\n')[0]!.kind).toBe('garbage');
    // a partial line that may still become a start line is kept
    expect(frames('junk\r\nINVI')).toEqual([{ kind: 'garbage', skip: 6, reason: 'junk' }, { kind: 'need-more', need: -1, scannedTo: 6 }]);
  });

  it('gives up on a header section longer than the limit', () => {
    const m = bytes('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(100));
    expect(frameSipStream(m, 0, m.length, { maxHeaderBytes: 200 })).toEqual({ kind: 'garbage', skip: 24, reason: 'headers-too-long' });
  });

  it('returns truncated messages at eof', () => {
    const m = bytes(sipRequest('INVITE', 'x'.repeat(50)));
    expect(frameSipStream(m, 0, m.length - 5, { eof: true })).toMatchObject({ kind: 'message', end: m.length - 5, truncated: true });
    expect(frameSipStream(m, 0, 60, { eof: true })).toMatchObject({ kind: 'message', end: 60, truncated: true });
    // an incomplete start line at eof is not a message
    expect(frameSipStream(m, 0, 30, { eof: true })).toMatchObject({ kind: 'garbage', skip: 30 });
  });

  it('never throws and always makes progress on random bytes (fixed seed)', () => {
    const r = rng(12345);
    const pieces = ['INVITE sip:a@b SIP/2.0\r\n', 'Content-Length: 5\r\n', 'l: 999999999\r\n', '\r\n', '\n', 'SIP/2.0 200 OK\r\n', 'x', 'GET / HTTP/1.1\r\n'];
    for (let n = 0; n < 2000; n++) {
      const parts: Uint8Array[] = [];
      const k = Math.floor(r() * 12);
      for (let j = 0; j < k; j++) {
        if (r() < 0.5) parts.push(bytes(pieces[Math.floor(r() * pieces.length)]!));
        else parts.push(Uint8Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256)));
      }
      const b = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
      let o = 0;
      for (const p of parts) {
        b.set(p, o);
        o += p.length;
      }
      for (const eof of [false, true]) {
        let i = 0;
        let steps = 0;
        while (i < b.length && steps++ < 10_000) {
          const f = frameSipStream(b, i, b.length, { eof });
          if (f.kind === 'need-more') break;
          const next = f.kind === 'garbage' ? i + f.skip : f.end;
          expect(next).toBeGreaterThan(i);
          expect(next).toBeLessThanOrEqual(b.length);
          i = next;
        }
        frameSipDatagram(b, 0, b.length);
      }
    }
  });
});

describe('frameSipDatagram', () => {
  const dg = (s: string) => frameSipDatagram(bytes(s), 0);
  it('ends the message at Content-Length when the datagram holds more', () => {
    const m = sipRequest('INVITE', 'hello');
    const r = dg(m + 'trailing');
    expect(r).toMatchObject({ end: bytes(m).length, truncated: false, contentLength: 5 });
  });
  it('marks truncated when Content-Length exceeds the datagram', () => {
    const r = dg(crlf('INVITE sip:a@b SIP/2.0\nContent-Length: 100\n\n') + 'hello');
    expect(r.truncated).toBe(true);
    expect(r.notes!.map((n) => n.code)).toEqual(['sip/content-length-exceeds-datagram']);
  });
  it('takes the rest of the datagram when Content-Length is missing or bad (RFC 3261 §18.3)', () => {
    const s = crlf('INVITE sip:a@b SIP/2.0\nCall-ID: x\n\n') + 'body';
    expect(dg(s)).toMatchObject({ end: bytes(s).length, contentLength: CL_MISSING, truncated: false, notes: undefined });
    const t = crlf('INVITE sip:a@b SIP/2.0\nContent-Length: bad\n\n');
    expect(dg(t).notes![0]!.code).toBe('sip/bad-content-length');
  });
  it('keeps an unterminated header section whole, truncated', () => {
    expect(dg('INVITE sip:a@b SIP/2.0')).toMatchObject({ end: 22, truncated: true });
  });
});
