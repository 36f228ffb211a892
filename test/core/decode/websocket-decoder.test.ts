// websocket: handshake parsing (RFC 6455 §4, RFC 7118) and frame decoding (RFC 6455 §5): masks, lengths,
// fragmentation with control frames in between, compression, limits, gaps, partial messages at close.
import { describe, expect, it } from 'vitest';
import { ProblemCollector } from '../../../src/core/capture/problems';
import type { DeliveryMeta } from '../../../src/core/decode/tcp-stream';
import { parseFrameHeader, parseHttpHandshake, WebSocketDecoder, type WsMessage } from '../../../src/core/decode/websocket';
import { bytes, cat, crlf, rng, sipRequest, text, wsFrame } from './transport-helpers';

const meta = (frame: number, fileOffset = frame * 1000): DeliveryMeta => ({ frame, timeSec: frame, timeNsec: 0, fileOffset });
const KEY = [0x12, 0x34, 0x56, 0x78];

function decoder(opts = {}) {
  const problems = new ProblemCollector();
  const dec = new WebSocketDecoder(problems, opts);
  const out: (WsMessage & { text: string })[] = [];
  const emit = (m: WsMessage) => out.push({ ...m, payload: m.payload.slice(), text: text(m.payload) });
  return { problems, dec, out, emit };
}

describe('parseHttpHandshake', () => {
  it('recognises the RFC 7118 opening handshake and the 101 answer', () => {
    const req = bytes(crlf(`GET / HTTP/1.1
Host: proxy.example.com
Upgrade: websocket
Connection: Upgrade
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
Sec-WebSocket-Protocol: sip
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits
Sec-WebSocket-Version: 13

`));
    expect(parseHttpHandshake(req, 0)).toEqual({
      kind: 'request', status: 0, upgradeWebSocket: true, protocols: ['sip'], extensions: ['permessage-deflate'], headerEnd: req.length,
    });
    const res = bytes(crlf('HTTP/1.1 101 Switching Protocols\nUPGRADE: WebSocket\nConnection: Upgrade\nsec-websocket-protocol: sip\n\n'));
    expect(parseHttpHandshake(res, 0)).toMatchObject({ kind: 'response', status: 101, upgradeWebSocket: true, protocols: ['sip'] });
  });
  it('plain HTTP is not an upgrade; partial sections need more; non-HTTP is undefined', () => {
    expect(parseHttpHandshake(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 0)).toMatchObject({ status: 200, upgradeWebSocket: false });
    expect(parseHttpHandshake(bytes('GET / HTTP/1.1\r\nHost: x\r\n'), 0)).toBe('need-more');
    expect(parseHttpHandshake(bytes('GE'), 0)).toBe('need-more');
    expect(parseHttpHandshake(bytes('INVITE sip:a@b SIP/2.0\r\n\r\n'), 0)).toBeUndefined();
  });
});

describe('parseFrameHeader', () => {
  it('reads 7-, 16- and 64-bit lengths and masks', () => {
    expect(parseFrameHeader(wsFrame({ payload: 'abc' }), 0, 5)).toMatchObject({ fin: true, opcode: 1, headerLen: 2, payloadLen: 3, mask: false });
    expect(parseFrameHeader(wsFrame({ payload: 'x'.repeat(300), mask: KEY }), 0, 400)).toMatchObject({ headerLen: 8, payloadLen: 300, mask: true });
    expect(parseFrameHeader(wsFrame({ payload: 'abc', long: true }), 0, 13)).toMatchObject({ headerLen: 10, payloadLen: 3 });
    expect(parseFrameHeader(Uint8Array.from([0x81, 0xfe, 0x01]), 0, 3)).toBe('need-more');
    expect(parseFrameHeader(Uint8Array.from([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]), 0, 10)).toBeUndefined(); // MSB set
  });
});

describe('WebSocketDecoder', () => {
  it('decodes unmasked (server) frames as views with their file offset, masked (client) frames unmasked', () => {
    const { dec, out, emit } = decoder();
    const a = sipRequest('INVITE');
    dec.push(wsFrame({ payload: a }), meta(7), emit);
    expect(out).toEqual([expect.objectContaining({ text: a, opcode: 1, frame: 7, firstFrame: 7, fileOffset: 7000 + 4, truncated: false })]);
    const b = sipRequest('BYE');
    dec.push(wsFrame({ payload: b, mask: KEY, opcode: 2 }), meta(8), emit);
    expect(out[1]).toMatchObject({ text: b, opcode: 2, fileOffset: -1 });
  });

  it('decodes several frames in one segment and one frame across segments (16- and 64-bit lengths)', () => {
    const { dec, out, emit } = decoder();
    const m1 = sipRequest('OPTIONS', 'x'.repeat(200));
    const m2 = sipRequest('MESSAGE', 'y'.repeat(70000));
    const s = cat(wsFrame({ payload: 'hi' }), wsFrame({ payload: m1, mask: KEY }), wsFrame({ payload: m2 }));
    dec.push(s.subarray(0, 100), meta(1), emit);
    dec.push(s.subarray(100, 30000), meta(2), emit);
    dec.push(s.subarray(30000), meta(3), emit);
    expect(out.map((m) => m.text)).toEqual(['hi', m1, m2]);
    expect(out.map((m) => [m.firstFrame, m.frame])).toEqual([[1, 1], [1, 2], [2, 3]]);
  });

  it('reassembles fragmented messages with ping/pong in between (RFC 6455 §5.4)', () => {
    const { dec, out, emit } = decoder();
    const m = sipRequest('INVITE', 'v=0\r\n');
    const parts = [m.slice(0, 10), m.slice(10, 50), m.slice(50)];
    dec.push(wsFrame({ payload: parts[0]!, fin: false, mask: KEY }), meta(1), emit);
    dec.push(wsFrame({ payload: 'ping!', opcode: 9, mask: KEY }), meta(2), emit);
    dec.push(wsFrame({ payload: parts[1]!, fin: false, opcode: 0, mask: KEY }), meta(3), emit);
    dec.push(wsFrame({ payload: '', opcode: 10, mask: KEY }), meta(4), emit);
    expect(out).toEqual([]);
    dec.push(wsFrame({ payload: parts[2]!, opcode: 0, mask: KEY }), meta(5), emit);
    expect(out).toEqual([expect.objectContaining({ text: m, firstFrame: 1, frame: 5, fileOffset: -1 })]);
    expect(dec.stats).toMatchObject({ messages: 1, pings: 1, pongs: 1 });
  });

  it('reports compressed messages and reserved opcodes, and skips them', () => {
    const { dec, out, emit, problems } = decoder({ deflate: true });
    dec.push(cat(wsFrame({ payload: 'zzz', rsv1: true }), wsFrame({ payload: 'x', opcode: 3 }), wsFrame({ payload: 'ok' })), meta(1), emit);
    expect(out.map((m) => m.text)).toEqual(['ok']);
    expect(problems.count('ws/compressed-message')).toBe(1);
    expect(problems.count('ws/bad-frame')).toBe(1);
  });

  it('skips a message larger than the limit without buffering it', () => {
    const { dec, out, emit, problems } = decoder({ maxMessageBytes: 1000 });
    const big = wsFrame({ payload: 'x'.repeat(5000) });
    dec.push(big.subarray(0, 100), meta(1), emit);
    dec.push(big.subarray(100, 3000), meta(2), emit);
    dec.push(cat(big.subarray(3000), wsFrame({ payload: 'after' })), meta(3), emit);
    expect(out.map((m) => m.text)).toEqual(['after']);
    expect(problems.count('ws/message-too-large')).toBe(1);
  });

  it('after lost bytes inside a frame of known length, resumes at the next frame', () => {
    const { dec, out, emit, problems } = decoder();
    const f1 = wsFrame({ payload: 'a'.repeat(300) });
    dec.push(f1.subarray(0, 50), meta(1), emit);
    dec.gap(100, meta(2));
    dec.push(cat(f1.subarray(150), wsFrame({ payload: 'next' })), meta(3), emit);
    expect(out.map((m) => m.text)).toEqual(['next']);
    expect(problems.count('ws/truncated-message')).toBe(1);
  });

  it('after lost frame boundaries, resynchronises on a segment starting with a plausible frame', () => {
    const { dec, out, emit } = decoder();
    dec.gap(10, meta(1));
    dec.push(bytes('garbage that is not a frame'), meta(2), emit);
    const m = sipRequest('BYE');
    dec.push(wsFrame({ payload: m, mask: KEY }), meta(3), emit);
    expect(out.map((x) => x.text)).toEqual([m]);
  });

  it('emits a partial message as truncated at close', () => {
    const { dec, out, emit } = decoder();
    const m = sipRequest('INVITE', 'x'.repeat(100));
    dec.push(wsFrame({ payload: m.slice(0, 40), fin: false, mask: KEY }), meta(1), emit);
    const f2 = wsFrame({ payload: m.slice(40), opcode: 0, mask: KEY });
    dec.push(f2.subarray(0, 30), meta(2), emit);
    dec.close(emit);
    expect(out).toHaveLength(1);
    expect(out[0]!.truncated).toBe(true);
    const hl = (parseFrameHeader(f2, 0, f2.length) as { headerLen: number }).headerLen;
    expect(out[0]!.text).toBe(m.slice(0, 40 + 30 - hl));
    expect(out[0]!.frame).toBe(2);
  });

  it('never throws on random bytes (fixed seed)', () => {
    const r = rng(4242);
    for (let n = 0; n < 300; n++) {
      const { dec, emit } = decoder({ maxMessageBytes: 5000 });
      for (let k = 0; k < 20; k++) {
        const len = Math.floor(r() * 300);
        const b = Uint8Array.from({ length: len }, () => Math.floor(r() * 256));
        if (r() < 0.3) b.set(wsFrame({ payload: 'INVITE sip:x SIP/2.0\r\n\r\n', fin: r() < 0.5, opcode: Math.floor(r() * 3), mask: r() < 0.5 ? KEY : undefined }).subarray(0, Math.min(len, 40)));
        if (r() < 0.1) dec.gap(Math.floor(r() * 100) + 1, meta(k));
        else dec.push(b, meta(k), emit);
      }
      dec.close(emit);
    }
  });
});
