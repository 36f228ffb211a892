// sip-framing: start-line recognition (RFC 3261 §7.1/§7.2), matched against what tshark 4.0 accepts.
import { describe, expect, it } from 'vitest';
import {
  classifySipStart,
  looksLikeSipStart,
  MAX_START_LINE_BYTES,
  START_MAYBE,
  START_NO,
  START_YES,
} from '../../../src/core/decode/sip-framing';
import { bytes } from './transport-helpers';

const yes = (s: string): boolean => looksLikeSipStart(bytes(s), 0);

describe('looksLikeSipStart', () => {
  it('accepts requests with any token method and responses with any 3 digits', () => {
    expect(yes('INVITE sip:bob@example.com SIP/2.0\r\n')).toBe(true);
    expect(yes('REGISTER sip:1.1.1.1:5060 SIP/2.0\r\n')).toBe(true);
    expect(yes('FOO sip:a@b SIP/2.0\r\n')).toBe(true); // unknown method: still a request (tshark: "Unknown request")
    expect(yes('invite sip:a@b SIP/2.0\r\n')).toBe(true);
    expect(yes('junkINVITE sip:a@b SIP/2.0\r\n')).toBe(true); // a token is a token
    expect(yes('X-Method.1!%*_+`\'~ tel:+1234 SIP/2.0\n')).toBe(true);
    expect(yes('SIP/2.0 200 OK\r\n')).toBe(true);
    expect(yes('SIP/2.0 099 x\r\n')).toBe(true);
    expect(yes('SIP/2.0 700 x\r\n')).toBe(true);
    expect(yes('SIP/2.0 200 \r\n')).toBe(true); // empty reason phrase
    expect(yes('INVITE sip:a@b SIP/2.0')).toBe(true); // end of datagram counts as line end
  });

  it('rejects HTTP (ndpi_http_on_sip_port) and near misses, as tshark does', () => {
    expect(yes('GET / HTTP/1.1\r\n')).toBe(false);
    expect(yes('HTTP/1.1 200 OK\r\n')).toBe(false);
    expect(yes('POST /sip HTTP/1.0\r\n')).toBe(false);
    expect(yes('INVITE a@b SIP/2.0\r\n')).toBe(false); // no scheme in the URI
    expect(yes('INVITE  sip:a@b SIP/2.0\r\n')).toBe(false); // two spaces
    expect(yes('INVITE sip:a@b sip/2.0\r\n')).toBe(false);
    expect(yes('INVITE sip:a@b SIP/2.0 \r\n')).toBe(false);
    expect(yes('INVITE sip:a@b SIP/3.0\r\n')).toBe(false);
    expect(yes('INVITE sip:a b@c SIP/2.0\r\n')).toBe(false);
    expect(yes('INVITE\tsip:a@b SIP/2.0\r\n')).toBe(false);
    expect(yes(' INVITE sip:a@b SIP/2.0\r\n')).toBe(false);
    expect(yes('\r\nINVITE sip:a@b SIP/2.0\r\n')).toBe(false);
    expect(yes('SIP/2.0 20 OK\r\n')).toBe(false);
    expect(yes('SIP/2.0 2000 OK\r\n')).toBe(false);
    expect(yes('SIP/2.0 abc OK\r\n')).toBe(false);
    expect(yes('SIP/2.0 200\r\n')).toBe(false); // tshark needs the SP after the code
    expect(yes('SIP/2.0  200 OK\r\n')).toBe(false);
    expect(yes('INVITE sip:a\u0000b SIP/2.0\r\n')).toBe(false);
    expect(yes('')).toBe(false);
  });

  it('rejects binary payloads on the first byte (RTP, STUN)', () => {
    expect(looksLikeSipStart(Uint8Array.from([0x80, 0x00, 0x12, 0x34]), 0)).toBe(false);
    expect(looksLikeSipStart(Uint8Array.from([0x00, 0x01, 0x00, 0x00]), 0)).toBe(false);
  });

  it('honours the offset and never throws on bad offsets', () => {
    const b = bytes('xxINVITE sip:a@b SIP/2.0\r\n');
    expect(looksLikeSipStart(b, 2)).toBe(true);
    expect(looksLikeSipStart(b, 1)).toBe(true); // "xINVITE" is a token too
    expect(looksLikeSipStart(b, -1)).toBe(false);
    expect(looksLikeSipStart(b, 1000)).toBe(false);
  });
});

describe('classifySipStart on streams', () => {
  const cls = (s: string, eof = false): number => {
    const b = bytes(s);
    return classifySipStart(b, 0, b.length, eof);
  };
  it('says MAYBE for a consistent prefix and decides once the line is complete', () => {
    for (const p of ['I', 'INV', 'INVITE', 'INVITE ', 'INVITE sip:a@b', 'INVITE sip:a@b SIP/2', 'INVITE sip:a@b SIP/2.0', 'S', 'SIP', 'SIP/2.0 ', 'SIP/2.0 18', 'SIP/2.0 180']) {
      expect(cls(p), p).toBe(START_MAYBE);
      expect(cls(p, true), p).not.toBe(START_MAYBE);
    }
    expect(cls('INVITE sip:a@b SIP/2.0\r')).toBe(START_YES);
    expect(cls('SIP/2.0 180 ')).toBe(START_YES);
    expect(cls('GET / HTTP/1.1')).toBe(START_NO);
    expect(cls('HTTP/1.1 ')).toBe(START_NO);
  });
  it('gives up on over-long lines', () => {
    expect(cls('A'.repeat(MAX_START_LINE_BYTES + 10))).toBe(START_NO);
    expect(cls('INVITE sip:' + 'a'.repeat(MAX_START_LINE_BYTES) + ' SIP/2.0\r\n')).toBe(START_NO);
  });
});
