// RTP analysis through the import pipeline: SDP-declared endpoints match streams (either side, so NAT works),
// streams land on CaptureModel.streams with their call, RTCP (also rtcp-mux) is attached by SSRC, unsignalled RTP
// only with the heuristic, IPv6, and garbage never throws.
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture, type ImportOptions } from '../../../src/core/capture/import-capture';
import { pcapOf, type FrameSpec } from '../../helpers/pcap-writer';
import { byTime, offerAnswerFrames, reportBlock, rtcpRr, rtcpSr, rtpBytes, rtpFrames, sdpText } from './rtp-helpers';

const T0 = 1_700_000_000;

async function load(frames: FrameSpec[], opts: ImportOptions = {}) {
  return importCapture(memoryByteSource(pcapOf(byTime(frames))), opts);
}

/** Caller 10.0.0.1 (RTP 4000), callee 10.0.0.2 (RTP 5000): INVITE/200/ACK and 50 packets each way. */
function basicCall(extraA: string[] = [], extraB: string[] = []): FrameSpec[] {
  return [
    ...offerAnswerFrames('c1', '10.0.0.1', '10.0.0.2', sdpText({ ip: '10.0.0.1', port: 4000, extra: extraA }), sdpText({ ip: '10.0.0.2', port: 5000, extra: extraB }), T0),
    ...rtpFrames({ src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000, ssrc: 0xa1, count: 50, t0: T0 + 0.2 }),
    ...rtpFrames({ src: '10.0.0.2', srcPort: 5000, dst: '10.0.0.1', dstPort: 4000, ssrc: 0xb2, count: 50, t0: T0 + 0.205 }),
  ];
}

describe('RTP analysis in importCapture', () => {
  it('finds both directions of an answered call and links them to the call', async () => {
    const m = await load(basicCall());
    expect(m.streams.length).toBe(2);
    const [ab, ba] = m.streams;
    expect(ab).toMatchObject({ index: 0, callIndex: 0, detection: 'sdp', src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000, ssrc: 0xa1, packets: 50, lost: 0, codec: 'PCMA', clockRate: 8000 });
    expect(ab!.matched).toMatchObject({ side: 'destination', address: '10.0.0.2', port: 5000, messageId: 1, frame: 2 });
    expect(ba!.matched).toMatchObject({ side: 'destination', address: '10.0.0.1', port: 4000, messageId: 0, frame: 1 });
    expect(ab!.maxDeltaMs).toBeCloseTo(20, 3);
    expect(ab!.maxJitterMs).toBeCloseTo(0, 3);
    expect(m.media.count).toBe(2);
    expect(m.media.get(1)).toMatchObject({ role: 'answer', callIndex: 0, messageId: 1, address: '10.0.0.2', port: 5000 });
    // Plain data: survives JSON.
    expect(JSON.parse(JSON.stringify(m.streams))).toEqual(m.streams);
  });

  it('matches through NAT: observed addresses differ from the SDP on one side', async () => {
    // The callee is behind NAT: its SDP says 192.168.1.20:5000, it sends from 203.0.113.9:40000 (its public mapping)
    // and the caller sends back to that public mapping (symmetric RTP).
    const frames = [
      ...offerAnswerFrames('c1', '10.0.0.1', '203.0.113.9', sdpText({ ip: '10.0.0.1', port: 4000 }), sdpText({ ip: '192.168.1.20', port: 5000 }), T0),
      ...rtpFrames({ src: '203.0.113.9', srcPort: 40000, dst: '10.0.0.1', dstPort: 4000, ssrc: 0xb2, count: 10, t0: T0 + 0.2 }),
      ...rtpFrames({ src: '10.0.0.1', srcPort: 4000, dst: '203.0.113.9', dstPort: 40000, ssrc: 0xa1, count: 10, t0: T0 + 0.21 }),
    ];
    const m = await load(frames);
    expect(m.streams.map((s) => [s.src, s.srcPort, s.callIndex, s.matched?.side, s.matched?.address, s.matched?.port])).toEqual([
      ['203.0.113.9', 40000, 0, 'destination', '10.0.0.1', 4000],
      ['10.0.0.1', 4000, 0, 'source', '10.0.0.1', 4000],
    ]);
  });

  it('ignores RTP before its SDP and RTP on undeclared ports; the heuristic finds unsignalled streams', async () => {
    const stray = rtpFrames({ src: '10.9.9.9', srcPort: 30000, dst: '10.8.8.8', dstPort: 30002, ssrc: 0xcc, count: 20, t0: T0 + 1 });
    const early = rtpFrames({ src: '10.0.0.2', srcPort: 5000, dst: '10.0.0.1', dstPort: 4000, ssrc: 0xee, count: 3, t0: T0 - 1 });
    const frames = [...basicCall(), ...stray, ...early];
    const plain = await load(frames);
    expect(plain.streams.map((s) => s.ssrc)).toEqual([0xa1, 0xb2]);
    const heur = await load(frames, { rtpHeuristic: true });
    const h = heur.streams.filter((s) => s.detection === 'heuristic');
    expect(h.map((s) => [s.ssrc, s.packets, s.callIndex, s.matched])).toEqual([[0xcc, 20, -1, undefined]]);
    // Too few packets in sequence (3 < 5) before the SDP: not a stream.
    expect(heur.streams.some((s) => s.ssrc === 0xee)).toBe(false);
    const off = await load(frames, { rtp: false });
    expect(off.streams).toEqual([]);
    expect(off.media.count).toBe(0);
  });

  it('unsignalled payload type 101 is RFC 4733 telephone-event (as tshark assumes): its DTMF digits are read', async () => {
    // Digit 7 then #, each event's packets sharing one RTP timestamp (RFC 4733 §2.5.1); another dynamic type stays PT102.
    const event = (dtmf: number, i: number, ts: number, pt = 101): FrameSpec => ({
      time: T0 + i * 0.02, src: '10.9.9.9', dst: '10.8.8.8', srcPort: 30000, dstPort: 30002,
      payload: rtpBytes({ pt, seq: 500 + i, ts, ssrc: 0xd7, marker: i === 0, payload: Uint8Array.of(dtmf, 0x0a, 0x00, 0xa0 * (i + 1)) }),
    });
    const frames = [0, 1, 2, 3, 4].map((i) => event(7, i, 8000)).concat([5, 6, 7, 8, 9].map((i) => event(11, i, 9600)));
    const m = await load(frames, { rtpHeuristic: true });
    expect(m.streams.map((s) => [s.codecs, s.codec, s.events, s.packets, s.jitterMs])).toEqual([[['telephone-event'], '', { count: 2, digits: '7#' }, 10, 0]]);
    const other = await load(frames.map((f, i) => ({ ...f, payload: rtpBytes({ pt: 102, seq: 500 + i, ts: 8000, ssrc: 0xd7 }) })), { rtpHeuristic: true });
    expect(other.streams.map((s) => [s.codecs, s.events])).toEqual([[['PT102'], { count: 0, digits: '' }]]);
  });

  it('the heuristic rejects non-RTP noise with a version-2 first byte', async () => {
    let seed = 3;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const noise: FrameSpec[] = Array.from({ length: 200 }, (_, i) => ({
      time: T0 + i * 0.01,
      src: '10.1.1.1',
      dst: '10.2.2.2',
      srcPort: 40000,
      dstPort: 40002,
      payload: Uint8Array.from({ length: 60 }, (_, k) => (k === 0 ? 0x80 : k === 1 ? 8 : rnd())),
    }));
    const m = await load(noise, { rtpHeuristic: true });
    expect(m.streams).toEqual([]);
  });

  it('attaches RTCP SR/RR to streams by SSRC (port + 1) and with rtcp-mux (RFC 5761) on the RTP port', async () => {
    const rtcp = (src: string, sp: number, dst: string, dp: number, bytes: number[], t: number): FrameSpec => ({ time: t, src, dst, srcPort: sp, dstPort: dp, payload: Uint8Array.from(bytes) });
    // Caller: classic RTCP on 4001/5001. Callee's report about the caller's stream: 2 lost, jitter 80 units (10 ms).
    const classic = [
      ...basicCall(),
      rtcp('10.0.0.1', 4001, '10.0.0.2', 5001, rtcpSr(0xa1, 50, 8000), T0 + 1.5),
      rtcp('10.0.0.2', 5001, '10.0.0.1', 4001, rtcpRr(0xb2, [reportBlock(0xa1, 13, 2, 1049, 80)]), T0 + 1.6),
    ];
    const m = await load(classic);
    expect(m.streams[0]!.rtcp).toEqual({ senderReports: 1, senderPacketCount: 50, senderOctetCount: 8000, reportBlocks: 1, fractionLost: 13 / 256, maxFractionLost: 13 / 256, cumulativeLost: 2, jitterMs: 10, maxJitterMs: 10 });
    expect(m.streams[1]!.rtcp).toBeUndefined();
    // rtcp-mux: RTCP on the RTP ports; RTP statistics are not disturbed by it.
    const mux = [
      ...basicCall(['a=rtcp-mux'], ['a=rtcp-mux']),
      rtcp('10.0.0.2', 5000, '10.0.0.1', 4000, rtcpSr(0xb2, 50, 8000, [reportBlock(0xa1, 0, 0, 1049, 16)]), T0 + 1.6),
    ];
    const mm = await load(mux);
    expect(mm.streams.length).toBe(2);
    expect(mm.streams.map((s) => [s.rtcpMux, s.packets, s.lost])).toEqual([
      [true, 50, 0],
      [true, 50, 0],
    ]);
    expect(mm.streams[0]!.rtcp).toMatchObject({ reportBlocks: 1, jitterMs: 2 });
    expect(mm.streams[1]!.rtcp).toMatchObject({ senderReports: 1, reportBlocks: 0 });
  });

  it('analyses IPv6 media', async () => {
    const a = '2001:db8::1';
    const b = '2001:db8::2';
    const frames = [
      ...offerAnswerFrames('c6', a, b, sdpText({ ip: a, port: 4000 }), sdpText({ ip: b, port: 5000 }), T0),
      ...rtpFrames({ src: a, srcPort: 4000, dst: b, dstPort: 5000, ssrc: 0x66, count: 30, t0: T0 + 0.2 }),
    ];
    const m = await load(frames);
    expect(m.streams.map((s) => [s.ipVersion, s.src, s.dst, s.packets, s.callIndex])).toEqual([[6, a, b, 30, 0]]);
  });

  it('separates streams by SSRC on the same 5-tuple and follows a re-INVITE to a new port', async () => {
    const reinvite = sdpText({ ip: '10.0.0.2', port: 6000, version: 2 });
    const frames = [
      ...basicCall(),
      ...rtpFrames({ src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000, ssrc: 0xa2, count: 5, t0: T0 + 2 }),
      { time: T0 + 3, src: '10.0.0.2', dst: '10.0.0.1', srcPort: 5060, dstPort: 5060, payload: reinviteText(reinvite) },
      ...rtpFrames({ src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 6000, ssrc: 0xa3, count: 5, t0: T0 + 3.5 }),
    ];
    const m = await load(frames);
    expect(m.streams.map((s) => [s.ssrc, s.dstPort, s.packets, s.callIndex])).toEqual([
      [0xa1, 5000, 50, 0],
      [0xb2, 4000, 50, 0],
      [0xa2, 5000, 5, 0],
      [0xa3, 6000, 5, 0],
    ]);
    expect(m.streams[3]!.matched?.declaration).toBe(2);
    expect(m.media.get(2)).toMatchObject({ role: 'offer', port: 6000, replaces: 1 });
  });

  it('never throws on garbage UDP payloads and counts only valid RTP', async () => {
    let seed = 11;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const junk: FrameSpec[] = Array.from({ length: 300 }, (_, i) => ({
      time: T0 + 1 + i * 0.001,
      src: i % 2 ? '10.0.0.1' : '10.0.0.2',
      dst: i % 2 ? '10.0.0.2' : '10.0.0.1',
      srcPort: i % 2 ? 4000 : 5001,
      dstPort: i % 2 ? 5000 : 4001,
      payload: Uint8Array.from({ length: rnd() % 40 }, (_, k) => (k === 0 ? 0x80 | (rnd() & 0x3f) : rnd())),
    }));
    await expect(load([...basicCall(), ...junk], { rtpHeuristic: true })).resolves.toBeDefined();
  });

  it('fills streams progressively for onUpdate consumers', async () => {
    const seen: number[] = [];
    const bytes = pcapOf(byTime(basicCall()));
    await importCapture(memoryByteSource(bytes), { chunkSize: 2048, onUpdate: (mm) => seen.push(mm.streams.reduce((n, s) => n + s.packets, 0)) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[seen.length - 1]).toBeLessThanOrEqual(100);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });
});

function reinviteText(sdp: string): string {
  return [
    'INVITE sip:alice@10.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKre1',
    'From: <sip:bob@example.net>;tag=tb',
    'To: <sip:alice@example.com>;tag=fa',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    'Content-Type: application/sdp',
    `Content-Length: ${new TextEncoder().encode(sdp).length}`,
    '',
    sdp,
  ].join('\r\n');
}

