// Unit tests for text/decode.ts (UTF-8 decoding, validation, case-insensitive compares) and text/line-index.ts.
import { describe, expect, it } from 'vitest';
import {
  decodeLowerAscii,
  decodeUtf8,
  equalsAscii,
  equalsIgnoreCase,
  equalsIgnoreCaseString,
  findInvalidUtf8,
  indexOfIgnoreCase,
  isAscii,
  isValidUtf8,
  startsWithIgnoreCase,
} from '../../../src/core/text/decode';
import { LineIndex } from '../../../src/core/text/line-index';
import { enc, prng } from './helpers';
import { parseSipMessage } from '../../../src/core/sip/parse-message';

describe('decode', () => {
  it('decodes ASCII (short and long runs) and UTF-8', () => {
    const long = 'x'.repeat(5000);
    for (const s of ['', 'a', 'INVITE', 'sip:alice@atlanta.example.com;transport=tcp', long, 'Grüße', '日本語', '🎉 ok']) {
      const b = enc.encode(s);
      expect(decodeUtf8(b)).toBe(s);
      expect(decodeUtf8(b, 0, b.length)).toBe(s);
    }
    const b = enc.encode('abcdef');
    expect(decodeUtf8(b, 2, 4)).toBe('cd');
    expect(decodeUtf8(b, -5, 100)).toBe('abcdef');
    expect(decodeUtf8(b, 4, 2)).toBe('');
  });

  it('never decodes as latin1: invalid bytes become U+FFFD', () => {
    expect(decodeUtf8(new Uint8Array([0x63, 0x61, 0x66, 0xe9]))).toBe('caf\uFFFD');
    expect(decodeUtf8(new Uint8Array(50).fill(0xe9))).toBe('\uFFFD'.repeat(50));
  });

  it('validates UTF-8 (overlongs, surrogates, truncation)', () => {
    expect(isValidUtf8(enc.encode('héllo 🎉'))).toBe(true);
    expect(findInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80]))).toBe(1); // overlong
    expect(findInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(findInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(findInvalidUtf8(new Uint8Array([0x41, 0xe2, 0x82]))).toBe(1); // truncated
    expect(findInvalidUtf8(new Uint8Array([0x80]))).toBe(0); // lone continuation
    expect(isAscii(enc.encode('abc'))).toBe(true);
    expect(isAscii(enc.encode('é'))).toBe(false);
  });

  it('case-insensitive byte comparisons', () => {
    const b = enc.encode('Content-Type: x');
    expect(equalsIgnoreCase(b, 0, 12, 'content-type')).toBe(true);
    expect(equalsIgnoreCase(b, 0, 11, 'content-type')).toBe(false);
    expect(startsWithIgnoreCase(b, 0, b.length, 'content')).toBe(true);
    expect(indexOfIgnoreCase(b, 'type')).toBe(8);
    expect(indexOfIgnoreCase(b, 'nope')).toBe(-1);
    expect(equalsAscii(b, 0, 7, 'Content')).toBe(true);
    expect(equalsAscii(b, 0, 7, 'content')).toBe(false);
    expect(decodeLowerAscii(b, 0, 12)).toBe('content-type');
    expect(equalsIgnoreCaseString('Via', 'VIA')).toBe(true);
    expect(equalsIgnoreCaseString('Via', 'Vib')).toBe(false);
  });
});

describe('LineIndex', () => {
  const docs = [
    'INVITE sip:a@b SIP/2.0\r\nVia: x\r\n\r\nbody',
    'line1\nline2\rline3\r\nline4',
    'héllo\r\nwörld 🎉 end\n\n',
    '',
    '\r\n\r\n',
    '🎉\r🎉\n🎉\r\n',
  ];

  it('computes lines for CRLF, LF and lone CR, from bytes and from strings alike', () => {
    const li = LineIndex.fromString('a\r\nb\nc\rd');
    expect(li.lineCount).toBe(4);
    expect([0, 1, 2, 3].map((l) => li.lineStartUtf16(l))).toEqual([0, 3, 5, 7]);
    expect([0, 1, 2, 3].map((l) => li.lineEndUtf16(l))).toEqual([1, 4, 6, 8]);
    const lb = LineIndex.fromBytes(enc.encode('a\r\nb\nc\rd'));
    expect([0, 1, 2, 3].map((l) => lb.lineStartByte(l))).toEqual([0, 3, 5, 7]);
    expect([0, 1, 2, 3].map((l) => lb.lineEndByte(l))).toEqual([1, 4, 6, 8]);
    expect(LineIndex.fromString('x\n').lineCount).toBe(2);
    expect(LineIndex.fromString('').lineCount).toBe(1);
  });

  it('maps byte offsets <-> UTF-16 offsets <-> positions with non-ASCII text', () => {
    const s = 'héllo\r\nwörld 🎉 end';
    for (const li of [LineIndex.fromString(s), LineIndex.fromBytes(enc.encode(s))]) {
      expect(li.byteLength).toBe(enc.encode(s).length);
      expect(li.utf16Length).toBe(s.length);
      // "🎉" starts at UTF-16 index 7 + 6 = 13; its bytes start at 8 + 7 + 7 = ...
      const u = s.indexOf('🎉');
      const bOff = enc.encode(s.slice(0, u)).length;
      expect(li.utf16ToByte(u)).toBe(bOff);
      expect(li.byteToUtf16(bOff)).toBe(u);
      expect(li.positionAtByte(bOff)).toEqual({ line: 1, character: u - 7 });
      expect(li.byteAtPosition({ line: 1, character: u - 7 })).toBe(bOff);
      // After the emoji (4 bytes, 2 units).
      expect(li.byteToUtf16(bOff + 4)).toBe(u + 2);
      // Inside a multi-byte character floors to its start; inside a surrogate pair too.
      expect(li.byteToUtf16(bOff + 2)).toBe(u);
      expect(li.utf16ToByte(u + 1)).toBe(bOff);
      expect(li.positionAtByte(2)).toEqual({ line: 0, character: 1 }); // inside "é"
    }
  });

  it('clamps out-of-range offsets and positions like LSP', () => {
    const li = LineIndex.fromString('ab\r\ncd');
    expect(li.positionAtByte(-5)).toEqual({ line: 0, character: 0 });
    expect(li.positionAtByte(999)).toEqual({ line: 1, character: 2 });
    expect(li.byteAtPosition({ line: 0, character: 99 })).toBe(2);
    expect(li.byteAtPosition({ line: 9, character: 0 })).toBe(6);
    expect(li.utf16AtPosition({ line: -1, character: 0 })).toBe(0);
    expect(li.rangeOfSpan({ start: 1, end: 5 })).toEqual({ start: { line: 0, character: 1 }, end: { line: 1, character: 1 } });
    expect(li.spanOfRange({ start: { line: 0, character: 1 }, end: { line: 1, character: 1 } })).toEqual({ start: 1, end: 5 });
  });

  it('agrees with TextEncoder/TextDecoder on random documents (bytes and string forms)', () => {
    const rnd = prng(7);
    const alphabet = ['a', 'Z', ' ', '\r', '\n', '\r\n', 'é', '€', '🎉', '日', ':'];
    for (let round = 0; round < 200; round++) {
      let s = '';
      const len = Math.floor(rnd() * 40);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const bytes = enc.encode(s);
      const fromS = LineIndex.fromString(s);
      const fromB = LineIndex.fromBytes(bytes);
      for (let u = 0; u <= s.length; u++) {
        const code = s.charCodeAt(u - 1);
        if (u > 0 && code >= 0xd800 && code <= 0xdbff) continue; // inside a surrogate pair
        const b = enc.encode(s.slice(0, u)).length;
        expect(fromS.utf16ToByte(u)).toBe(b);
        expect(fromB.utf16ToByte(u)).toBe(b);
        expect(fromS.byteToUtf16(b)).toBe(u);
        expect(fromB.byteToUtf16(b)).toBe(u);
        const before = s.slice(0, u);
        const line = before.split(/\r\n|\r|\n/).length - 1;
        const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
        const pos = { line, character: u - (lastBreak + 1) };
        // Offsets between CR and LF belong to the line before; our split above counts "\r" alone then, skip those.
        if (!(before.endsWith('\r') && s[u] === '\n')) {
          expect(fromS.positionAtUtf16(u)).toEqual(pos);
          expect(fromB.positionAtByte(b)).toEqual(pos);
        }
      }
    }
  });

  it('handles invalid UTF-8 in byte documents like TextDecoder does', () => {
    const bytes = new Uint8Array([0x61, 0xe2, 0x82, 0x0a, 0xff, 0x62, 0xf0, 0x9f, 0x8e, 0x89]);
    const decoded = new TextDecoder().decode(bytes);
    const li = LineIndex.fromBytes(bytes);
    expect(li.utf16Length).toBe(decoded.length);
    expect(li.lineCount).toBe(2);
    expect(li.byteToUtf16(bytes.length)).toBe(decoded.length);
    expect(li.positionAtByte(5)).toEqual({ line: 1, character: 1 });
  });

  for (const d of docs) {
    it(`round-trips every offset of ${JSON.stringify(d)}`, () => {
      const li = LineIndex.fromBytes(enc.encode(d));
      for (let b = 0; b <= li.byteLength; b++) {
        const u = li.byteToUtf16(b);
        expect(li.utf16ToByte(u)).toBeLessThanOrEqual(b);
        const p = li.positionAtByte(b);
        expect(p.line).toBe(li.lineAtByte(b));
      }
    });
  }

  it('maps spans of a message parsed from a slice of a document to LSP positions', () => {
    const doc = 'Trace from Zoë’s phone 🎉\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nSubject: héllo\r\nCall-ID: x1\r\n\r\n';
    const bytes = enc.encode(doc);
    const li = LineIndex.fromString(doc);
    const start = li.utf16ToByte(doc.indexOf('OPTIONS'));
    const m = parseSipMessage(bytes.subarray(start), { baseOffset: start }).message;
    const callId = m.header('call-id')!;
    expect(li.rangeOfSpan(callId.valueSpan)).toEqual({ start: { line: 4, character: 9 }, end: { line: 4, character: 11 } });
    const subj = m.header('subject')!;
    const r = li.rangeOfSpan(subj.valueSpan);
    expect(r).toEqual({ start: { line: 3, character: 9 }, end: { line: 3, character: 14 } });
    expect(doc.slice(li.byteToUtf16(subj.valueSpan.start), li.byteToUtf16(subj.valueSpan.end))).toBe('héllo');
  });
});
