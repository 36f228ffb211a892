// TransportAssembler: NetPackets -> SipPayloads over UDP, TCP (reassembly, framing, gaps), WebSocket, SCTP, TLS.
import { describe, expect, it } from 'vitest';
import { ProblemCollector } from '../../../src/core/capture/problems';
import { TransportAssembler, type TransportAssemblerOptions } from '../../../src/core/decode/transport-assembler';
import type { SipPayload } from '../../../src/core/decode/types';
import { ACK, bytes, cat, collector, crlf, FIN, pkt, rng, RST, sipRequest, sipResponse, SYN, wsFrame, type PacketSpec } from './transport-helpers';

function setup(opts: TransportAssemblerOptions = {}) {
  const problems = new ProblemCollector();
  const asm = new TransportAssembler(problems, opts);
  const { out, emit } = collector();
  const push = (spec: PacketSpec): void => asm.push(pkt(spec), emit);
  const flush = (): void => asm.flush(emit);
  const codes = (): string[] => problems.summaries().map((s) => s.code).sort();
  return { problems, asm, out, emit, push, flush, codes };
}

/** Split `s` into TCP segments at the given byte offsets, as PacketSpecs from `frame` on. */
function segments(s: string | Uint8Array, cuts: number[], first: { frame: number; seq: number } & Partial<PacketSpec>): PacketSpec[] {
  const b = bytes(s);
  const bounds = [0, ...cuts, b.length];
  const out: PacketSpec[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    out.push({ ...first, frame: first.frame + i, seq: (first.seq + bounds[i]!) >>> 0, payload: b.subarray(bounds[i]!, bounds[i + 1]!), fileOffset: (first.frame + i) * 1000 });
  }
  return out;
}

describe('UDP', () => {
  it('emits a datagram that starts with a start line, as a view of the payload (no copy)', () => {
    const problems = new ProblemCollector();
    const asm = new TransportAssembler(problems);
    const m = sipRequest('INVITE', 'v=0\r\n');
    const p = pkt({ frame: 3, proto: 'udp', payload: m, src: '192.0.2.1', dst: '192.0.2.2', sport: 5060, dport: 5070, fileOffset: 1234, time: 1700000000.25 });
    const got: SipPayload[] = [];
    asm.push(p, (x) => {
      expect(x.bytes.buffer).toBe(p.payload.buffer);
      got.push({ ...x });
    });
    expect(got).toEqual([
      expect.objectContaining({
        frame: 3, firstFrame: 3, timeSec: 1700000000, timeNsec: 250000000, ipVersion: 4, src: '192.0.2.1', dst: '192.0.2.2',
        srcPort: 5060, dstPort: 5070, transport: 'UDP', fileOffset: 1234, truncated: false,
      }),
    ]);
    expect(got[0]!.bytes.length).toBe(bytes(m).length);
    expect(problems.total).toBe(0);
  });

  it('rejects RTP, STUN, DNS-like and HTTP datagrams silently', () => {
    const t = setup();
    t.push({ frame: 1, proto: 'udp', payload: Uint8Array.from([0x80, 0x08, 0x12, 0x34, 0, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9, 9]) });
    t.push({ frame: 2, proto: 'udp', payload: Uint8Array.from([0x90, 0x60, 0, 1]) });
    t.push({ frame: 3, proto: 'udp', payload: Uint8Array.from([0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42]) });
    t.push({ frame: 4, proto: 'udp', payload: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' });
    t.push({ frame: 5, proto: 'udp', payload: 'HTTP/1.1 200 OK\r\n\r\n' });
    t.push({ frame: 6, proto: 'udp', payload: '' });
    expect(t.out).toEqual([]);
    expect(t.problems.total).toBe(0);
  });

  it('counts CRLF keep-alive datagrams; CR/LF before a start line is not decoded (as tshark) unless asked', () => {
    const t = setup();
    t.push({ frame: 1, proto: 'udp', payload: '\r\n\r\n' });
    t.push({ frame: 2, proto: 'udp', payload: '\r\n' });
    t.push({ frame: 3, proto: 'udp', payload: '\r\n' + sipRequest('OPTIONS') });
    expect(t.out).toEqual([]);
    expect(t.asm.stats.keepAlives).toBe(2);
    expect(t.codes()).toEqual(['sip/leading-crlf-datagram']);
    const s = setup({ udpLeadingCrlf: 'skip' });
    s.push({ frame: 3, proto: 'udp', payload: '\r\n' + sipRequest('OPTIONS'), fileOffset: 100 });
    expect(s.out).toHaveLength(1);
    expect(s.out[0]!.fileOffset).toBe(102);
    expect(s.out[0]!.text.startsWith('OPTIONS')).toBe(true);
  });

  it('cuts at Content-Length, marks truncated when it exceeds the datagram, decodes only the first message', () => {
    const t = setup();
    t.push({ frame: 1, proto: 'udp', payload: crlf('MESSAGE sip:a@b SIP/2.0\nContent-Length: 100\n\n') + 'short' });
    const two = sipRequest('INVITE', 'abc') + sipRequest('BYE');
    t.push({ frame: 2, proto: 'udp', payload: two });
    t.push({ frame: 3, proto: 'udp', payload: sipRequest('INVITE', 'abc') + '\r\n\r\n' });
    expect(t.out.map((m) => [m.frame, m.truncated, m.text.split(' ')[0]])).toEqual([[1, true, 'MESSAGE'], [2, false, 'INVITE'], [3, false, 'INVITE']]);
    expect(t.out[1]!.text).toBe(sipRequest('INVITE', 'abc'));
    expect(t.codes()).toEqual(['sip/content-length-exceeds-datagram', 'sip/datagram-trailing-bytes']);
  });

  it('hands scanUnit a datagram where it lies in the packet buffer; its payload is one reused object when asked', () => {
    // The datagram at bytes 40.. of a larger buffer, as a decoded packet's payload lies in its capture chunk.
    const m = bytes(sipRequest('OPTIONS') + '\r\n');
    const buf = new Uint8Array(40 + m.length + 10);
    buf.set(m, 40);
    const at = (frame: number): ReturnType<typeof pkt> => {
      const p = pkt({ frame, proto: 'udp', payload: '', fileOffset: 5000 });
      return Object.assign(p, { buf, payloadStart: 40, payloadEnd: 40 + m.length, payloadFileOffset: 5000, payload: buf.subarray(40, 40 + m.length) });
    };
    const end = 40 + m.length - 2; // the message without the trailing CR/LF
    const calls: [Uint8Array, number, number][] = [];
    for (const reuse of [false, true]) {
      calls.length = 0;
      const problems = new ProblemCollector();
      const asm = new TransportAssembler(problems, {
        reuseUnitPayloads: reuse,
        scanUnit: (b, s, e) => (calls.push([b, s, e]), { messageEnd: end }),
      });
      const seen: SipPayload[] = [];
      const texts: string[] = [];
      for (const f of [1, 2]) asm.push(at(f), (x) => (seen.push(x), texts.push(new TextDecoder().decode(x.bytes))));
      expect(calls).toEqual([[buf, 40, 40 + m.length], [buf, 40, 40 + m.length]]);
      expect(texts).toEqual([sipRequest('OPTIONS'), sipRequest('OPTIONS')]);
      expect(seen[0]!.bytes.buffer).toBe(buf.buffer); // a view, not a copy
      expect(seen.map((x) => [x.frame, x.fileOffset, x.transport, x.truncated, x.prescan])).toEqual([[2, 5000, 'UDP', false, { messageEnd: end }], [2, 5000, 'UDP', false, { messageEnd: end }]].map((r, i) => (reuse ? r : [i + 1, ...r.slice(1)])));
      expect(seen[0] === seen[1]).toBe(reuse);
      expect(asm.stats.udpMessages).toBe(2);
      expect(problems.total).toBe(0); // CR/LF after the message is not reported
    }
  });

  it('formats IPv6 addresses as tshark does (RFC 5952)', () => {
    const t = setup();
    t.push({ frame: 1, proto: 'udp', payload: sipResponse(200, 'OK'), src: '2001:db8:0:0:0:0:0:1', dst: 'fd17::10:0:0:2' });
    expect(t.out[0]).toMatchObject({ ipVersion: 6, src: '2001:db8::1', dst: 'fd17::10:0:0:2' });
  });
});

describe('TCP', () => {
  it('emits several messages completed by one segment at that frame, as views with file offsets', () => {
    const t = setup();
    const a = sipRequest('INVITE', 'v=0\r\n');
    const b = sipResponse(100, 'Trying');
    t.push({ frame: 5, seq: 1000, payload: a + b, fileOffset: 5000 });
    expect(t.out.map((m) => [m.frame, m.firstFrame, m.transport, m.fileOffset, m.truncated])).toEqual([
      [5, 5, 'TCP', 5000, false],
      [5, 5, 'TCP', 5000 + bytes(a).length, false],
    ]);
    expect(t.out.map((m) => m.text)).toEqual([a, b]);
    expect(t.problems.total).toBe(0);
    // no copy: the emitted bytes view the segment payload
    const asm = new TransportAssembler(new ProblemCollector());
    const p = pkt({ frame: 1, seq: 1, payload: a + b });
    let views = 0;
    asm.push(p, (m) => {
      if (m.bytes.buffer === p.payload.buffer) views++;
    });
    expect(views).toBe(2);
  });

  it('reassembles one message across many segments: frame = last byte, firstFrame = first byte, fileOffset -1', () => {
    const t = setup();
    const m = sipRequest('INVITE', 'x'.repeat(5000));
    for (const s of segments(m, [7, 100, 101, 2000, 4000], { frame: 10, seq: 1 })) t.push(s);
    expect(t.out).toHaveLength(1);
    expect(t.out[0]).toMatchObject({ frame: 15, firstFrame: 10, fileOffset: -1, truncated: false, text: m });
    expect(t.out[0]!.timeSec).toBe(0); // frame 15 at 0.15 s
    expect(t.out[0]!.timeNsec).toBe(150000000);
  });

  it('a message that ends inside a segment, followed by the start of the next one', () => {
    const t = setup();
    const a = sipRequest('INVITE', 'z'.repeat(10));
    const b = sipRequest('BYE', 'w'.repeat(10));
    const la = bytes(a).length;
    for (const s of segments(a + b, [50, la + 30], { frame: 1, seq: 1 })) t.push(s);
    expect(t.out.map((m) => [m.frame, m.firstFrame])).toEqual([[2, 1], [3, 2]]);
  });

  it('handles out-of-order segments, retransmissions and overlaps without duplicating messages', () => {
    const t = setup();
    const m = sipRequest('MESSAGE', 'q'.repeat(300));
    const segs = segments(m, [100, 200, 300], { frame: 2, seq: 5001 });
    t.push({ frame: 1, flags: SYN, seq: 5000 });
    t.push(segs[2]!); // out of order
    t.push(segs[0]!);
    t.push(segs[0]!); // retransmission
    t.push({ ...segs[1]!, seq: 5001 + 50, payload: bytes(m).subarray(50, 200) }); // overlaps 50 bytes, fills the hole
    t.push(segs[3]!);
    t.push(segs[3]!);
    expect(t.out.map((m2) => m2.text)).toEqual([m]);
    expect(t.out[0]!.frame).toBe(5);
    expect(t.problems.total).toBe(0);
  });

  it('handles TCP sequence wraparound', () => {
    const t = setup();
    const m = sipRequest('INVITE', 'r'.repeat(30)) + sipResponse(200, 'OK');
    for (const s of segments(m, [50, 120], { frame: 1, seq: 0xffffffff - 60 })) t.push(s);
    expect(t.out.map((x) => x.text.split('\r\n')[0])).toEqual(['INVITE sip:bob@example.com SIP/2.0', 'SIP/2.0 200 OK']);
  });

  it('after a hole inside a body of known length, emits the truncated message and resumes exactly at the next one', () => {
    const t = setup({ gapTimeoutSec: 1 });
    const a = sipRequest('INVITE', 'x'.repeat(400));
    const b = sipRequest('BYE');
    const la = bytes(a).length;
    const all = bytes(a + b);
    t.push({ frame: 1, seq: 1, payload: all.subarray(0, 200), time: 1 });
    // bytes 200..300 never captured
    t.push({ frame: 2, seq: 301, payload: all.subarray(300), time: 1.1 });
    t.push({ frame: 3, proto: 'udp', payload: 'x', time: 5 }); // time passes: the hole is given up
    expect(t.out.map((m) => [m.frame, m.truncated, m.text.split(' ')[0]])).toEqual([[1, true, 'INVITE'], [2, false, 'BYE']]);
    expect(t.out[1]!.text).toBe(b);
    expect(t.out[0]!.bytes.length).toBe(200);
    expect(t.codes()).toEqual(['sip/truncated-message', 'tcp/gap']);
    expect(la).toBeGreaterThan(300);
  });

  it('after a hole at an unknown position, resynchronises on the next start line without junk reports', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: sipRequest('INVITE') });
    t.push({ frame: 2, seq: 1 + bytes(sipRequest('INVITE')).length + 999, payload: 'tail of a lost body\r\n' + sipRequest('ACK') });
    t.flush();
    expect(t.out.map((m) => m.text.split(' ')[0])).toEqual(['INVITE', 'ACK']);
    expect(t.codes()).toEqual(['tcp/gap']);
  });

  it('skips CRLF keep-alives between messages and counts them', () => {
    const t = setup();
    const s = '\r\n\r\n' + sipRequest('OPTIONS') + '\r\n' + sipRequest('BYE') + '\r\n\r\n';
    for (const seg of segments(s, [2, 4, 50, 4 + bytes(sipRequest('OPTIONS')).length + 1], { frame: 1, seq: 1 })) t.push(seg);
    expect(t.out.map((m) => m.text.split(' ')[0])).toEqual(['OPTIONS', 'BYE']);
    expect(t.asm.stats.keepAlives).toBeGreaterThanOrEqual(3);
    expect(t.problems.total).toBe(0);
  });

  it('counts Content-Length in bytes with a multibyte UTF-8 body split inside a character', () => {
    const t = setup();
    const body = 'Grüße — 日本語 😀';
    const m = sipRequest('MESSAGE', body, 'Content-Type: text/plain;charset=UTF-8\r\n');
    const n = bytes(m).length;
    for (const s of segments(m + sipRequest('BYE'), [n - 3, n + 5], { frame: 1, seq: 1 })) t.push(s);
    expect(t.out.map((x) => x.text)).toEqual([m, sipRequest('BYE')]);
    expect(t.out[0]!.frame).toBe(2);
  });

  it('uses compact l: and reports a missing Content-Length (info) taking an empty body', () => {
    const t = setup();
    const a = crlf('MESSAGE sip:a@b SIP/2.0\nl: 3\n\n') + 'abc';
    const b = crlf('INFO sip:a@b SIP/2.0\nCall-ID: x\n\n');
    t.push({ frame: 1, seq: 1, payload: a + b + sipRequest('BYE') });
    expect(t.out.map((x) => x.text)).toEqual([a, b, sipRequest('BYE')]);
    expect(t.problems.summaries().map((s) => [s.code, s.severity])).toEqual([['sip/missing-content-length-stream', 'info']]);
  });

  it('treats a huge Content-Length as an empty truncated body and recovers at the next message', () => {
    const t = setup();
    const a = crlf('INVITE sip:a@b SIP/2.0\nContent-Length: 4000000000\n\n');
    t.push({ frame: 1, seq: 1, payload: a + 'some body\r\n' + sipRequest('BYE') });
    expect(t.out.map((x) => [x.truncated, x.text.split(' ')[0]])).toEqual([[true, 'INVITE'], [false, 'BYE']]);
    expect(t.codes()).toEqual(['sip/content-length-too-large', 'sip/stream-junk']);
  });

  it('reports junk inside a SIP stream and resynchronises on the next start line', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: sipRequest('INVITE') });
    t.push({ frame: 2, seq: 1 + bytes(sipRequest('INVITE')).length, payload: 'garbage\r\nmore garbage\r\n' + sipRequest('ACK') });
    expect(t.out.map((m) => m.text.split(' ')[0])).toEqual(['INVITE', 'ACK']);
    expect(t.codes()).toEqual(['sip/stream-junk']);
    expect(t.problems.summaries()[0]!.examples[0]!.frame).toBe(2);
  });

  it('finds SIP after a mid-message capture start on a SIP port (info), and at segment starts on any port', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: 'a=rtpmap:0 PCMU/8000\r\n' + sipRequest('BYE'), dport: 5060 });
    expect(t.out.map((m) => m.text.split(' ')[0])).toEqual(['BYE']);
    expect(t.codes()).toEqual(['tcp/mid-stream-start']);
    const u = setup();
    u.push({ frame: 1, seq: 1, payload: sipRequest('OPTIONS'), sport: 31000, dport: 7777 });
    expect(u.out).toHaveLength(1);
  });

  it('rejects HTTP on port 5060 (ndpi_http_on_sip_port): no SIP messages, no SIP problems', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0, sport: 5060, dport: 8888 });
    t.push({ frame: 2, seq: 1, sport: 5060, dport: 8888, payload: 'GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: x\r\n\r\n' });
    t.push({ frame: 3, seq: 1, sport: 8888, dport: 5060, src: '10.0.0.2', dst: '10.0.0.1', payload: 'HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n<html>hello</html>\r\n' });
    t.flush();
    expect(t.out).toEqual([]);
    expect(t.problems.total).toBe(0);
  });

  it('marks a TLS connection encrypted once and ignores it', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, dport: 5061, payload: Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x10, 1, 2, 3]) });
    t.push({ frame: 2, seq: 1, sport: 5061, dport: 40000, src: '10.0.0.2', dst: '10.0.0.1', payload: Uint8Array.from([0x16, 0x03, 0x03, 0x00, 0x10]) });
    t.push({ frame: 3, seq: 9, dport: 5061, payload: Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x10]) });
    expect(t.out).toEqual([]);
    expect(t.problems.count('tls/encrypted-stream')).toBe(1);
    expect(t.asm.stats.tlsStreams).toBe(1);
  });

  it('flush emits a partial message as truncated; FIN closes and emits too', () => {
    const t = setup();
    const m = sipRequest('INVITE', 'x'.repeat(100));
    const a = bytes(m).length - 80; // inside the body
    const b = bytes(m).length - 70;
    t.push({ frame: 1, seq: 1, payload: bytes(m).subarray(0, a) });
    t.push({ frame: 2, seq: 1, sport: 41000, payload: bytes(m).subarray(0, b) });
    t.push({ frame: 3, seq: 1 + b, sport: 41000, flags: FIN | ACK });
    expect(t.out.map((x) => [x.frame, x.truncated, x.bytes.length])).toEqual([[2, true, b]]);
    t.flush();
    expect(t.out.map((x) => [x.frame, x.truncated, x.bytes.length])).toEqual([[2, true, b], [1, true, a]]);
    expect(t.problems.count('sip/truncated-message')).toBe(2);
    // cut inside the header section: reported as unterminated headers
    const u = setup();
    u.push({ frame: 1, seq: 1, payload: bytes(m).subarray(0, 60) });
    u.flush();
    expect(u.out.map((x) => [x.truncated, x.bytes.length])).toEqual([[true, 60]]);
    expect(u.codes()).toEqual(['sip/unterminated-headers']);
  });

  it('an incomplete start line at the end is dropped, not emitted', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: sipRequest('INVITE') + 'INVI' });
    t.push({ frame: 2, seq: 0, flags: RST });
    t.flush();
    expect(t.out).toHaveLength(1);
  });
});

describe('WebSocket (RFC 7118)', () => {
  const KEY = [0xa1, 0xb2, 0xc3, 0xd4];
  const C = { src: '10.243.17.55', dst: '10.243.0.157', sport: 43380, dport: 8080 };
  const S = { src: '10.243.0.157', dst: '10.243.17.55', sport: 8080, dport: 43380 };
  const upgrade = crlf('GET / HTTP/1.1\nHost: proxy\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Key: x\nSec-WebSocket-Protocol: sip\nSec-WebSocket-Version: 13\n\n');
  const accept = crlf('HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Protocol: sip\n\n');

  it('decodes masked client and unmasked server frames after the handshake, with fragmentation and pings', () => {
    const t = setup();
    const inv = sipRequest('INVITE', 'v=0\r\n');
    const ok = sipResponse(200, 'OK');
    let cseq = 1;
    let sseq = 1;
    const c = (frame: number, payload: Uint8Array | string) => {
      const b = bytes(payload);
      t.push({ ...C, frame, seq: cseq, payload: b });
      cseq += b.length;
    };
    const s = (frame: number, payload: Uint8Array | string) => {
      const b = bytes(payload);
      t.push({ ...S, frame, seq: sseq, payload: b, fileOffset: frame * 1000 });
      sseq += b.length;
    };
    c(1, upgrade);
    s(2, accept);
    const f1 = wsFrame({ payload: inv.slice(0, 30), fin: false, mask: KEY });
    const ping = wsFrame({ payload: 'p', opcode: 9, mask: KEY });
    const f2 = wsFrame({ payload: inv.slice(30), opcode: 0, mask: KEY });
    const clientBytes = cat(f1, ping, f2);
    c(3, clientBytes.subarray(0, 40));
    c(4, clientBytes.subarray(40));
    s(5, wsFrame({ payload: ok }));
    c(6, wsFrame({ payload: '\r\n\r\n', mask: KEY })); // keep-alive message
    c(7, wsFrame({ payload: 'hello, not SIP', mask: KEY }));
    expect(t.out.map((m) => [m.frame, m.firstFrame, m.transport, m.src, m.srcPort, m.text])).toEqual([
      [4, 3, 'WS', '10.243.17.55', 43380, inv],
      [5, 5, 'WS', '10.243.0.157', 8080, ok],
    ]);
    expect(t.out[1]!.fileOffset).toBe(5000 + 4); // unmasked single frame: 16-bit length header
    expect(t.out[0]!.fileOffset).toBe(-1);
    expect(t.asm.stats).toMatchObject({ wsMessages: 2, webSocketStreams: 2, keepAlives: 1 });
    expect(t.codes()).toEqual(['ws/non-sip-message']);
  });

  it('handshake and first frame in one segment', () => {
    const t = setup();
    const m = sipRequest('REGISTER');
    t.push({ ...C, frame: 1, seq: 1, payload: cat(bytes(upgrade), wsFrame({ payload: m, mask: KEY })) });
    expect(t.out.map((x) => [x.transport, x.text])).toEqual([['WS', m]]);
  });
});

describe('SCTP', () => {
  it('frames the user message like a bounded stream (transport SCTP)', () => {
    const t = setup();
    const a = sipRequest('INVITE', 'v=0\r\n');
    const b = sipResponse(100, 'Trying');
    t.push({ frame: 2, proto: 'sctp', payload: a, sport: 57098, dport: 5060, fileOffset: 300 });
    t.push({ frame: 3, proto: 'sctp', payload: '\r\n' + b + a });
    t.push({ frame: 4, proto: 'sctp', payload: Uint8Array.from([1, 0, 1, 0, 0, 0, 0, 20]) }); // Diameter/M3UA-like: ignored
    expect(t.out.map((m) => [m.frame, m.transport, m.fileOffset, m.text])).toEqual([
      [2, 'SCTP', 300, a],
      [3, 'SCTP', 3002, b],
      [3, 'SCTP', 3002 + bytes(b).length, a],
    ]);
    expect(t.problems.total).toBe(0);
  });
});

describe('robustness', () => {
  it('never throws on random packets of every kind (fixed seed), and releases every buffer at flush', () => {
    const r = rng(20240521);
    const t = setup({ maxBufferedBytes: 200_000, maxStreams: 50 });
    const pieces = [
      sipRequest('INVITE', 'v=0\r\n'), sipResponse(180, 'Ringing'), '\r\n\r\n', 'GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n',
      'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n\r\n', 'Content-Length: 99999999\r\n\r\n', 'l: 5\r\n\r\n',
    ];
    for (let i = 1; i <= 6000; i++) {
      const parts: Uint8Array[] = [];
      const k = Math.floor(r() * 4);
      for (let j = 0; j < k; j++) {
        if (r() < 0.5) parts.push(bytes(pieces[Math.floor(r() * pieces.length)]!));
        else if (r() < 0.3) parts.push(wsFrame({ payload: sipRequest('BYE'), fin: r() < 0.7, opcode: Math.floor(r() * 11), mask: r() < 0.5 ? [1, 2, 3, 4] : undefined }));
        else parts.push(Uint8Array.from({ length: Math.floor(r() * 60) }, () => Math.floor(r() * 256)));
      }
      const payload = cat(...parts);
      const proto = (['udp', 'tcp', 'tcp', 'tcp', 'sctp'] as const)[Math.floor(r() * 5)]!;
      const cut = Math.floor(r() * (payload.length + 1));
      t.push({
        frame: i, proto, sport: 5060 + Math.floor(r() * 4), dport: 5060, src: r() < 0.5 ? '10.0.0.1' : '2001:db8::1', dst: '10.0.0.2',
        seq: Math.floor(r() * 3000), ack: Math.floor(r() * 3000), flags: [0x18, 0x10, SYN, FIN | ACK, RST][Math.floor(r() * 5)]!,
        payload: r() < 0.2 ? payload.subarray(cut) : payload, time: i / 50,
      });
    }
    t.flush();
    expect((t.asm as unknown as { budget: { used: number } }).budget.used).toBe(0);
    expect(t.asm.tcpStreamCount).toBe(0);
    for (const m of t.out) expect(m.bytes.length).toBeGreaterThan(0);
  });
});
