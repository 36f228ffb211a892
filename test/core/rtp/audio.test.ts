// RTP stream audio (src/core/rtp/audio.ts): G.711 tables against Sun's g711.c formulas, L16, WAV bytes read back
// field by field, timeline placement on a synthetic capture (loss, reordering, duplicates, timestamp wrap, CN,
// telephone-event, padding, truncated packets, garbage, re-synchronisation, unsupported codecs), mixing, and real
// captures: the project's sample (PCMA) and the shared corpus (PCMU, skipped with a message when absent).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource, type ByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture, type ImportOptions } from '../../../src/core/capture/import-capture';
import {
  audioCodecSupport,
  decodeL16,
  decodePcma,
  decodePcmu,
  encodeWav,
  extractStreamAudio,
  mixCallAudio,
  pcmaTable,
  pcmuTable,
  resampleLinear,
  type StreamAudio,
} from '../../../src/core/rtp/audio';
import type { RtpStreamInfo } from '../../../src/core/rtp/stream';
import { buildFrame, writePcap, type FrameSpec, type RawRecord } from '../../helpers/pcap-writer';
import { dtmfPayload, offerAnswerFrames, rtpBytes, sdpText, type RtpSpec } from './rtp-helpers';

// ---- independent references: Sun Microsystems g711.c (public domain), written out as published ----

/** g711.c ulaw2linear: complement, bias 0x84, segment shift. */
function sunUlaw2linear(uVal: number): number {
  const u = ~uVal & 0xff;
  let t = ((u & 0x0f) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** g711.c alaw2linear: toggle even bits, segment switch. */
function sunAlaw2linear(aVal: number): number {
  const a = aVal ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  switch (seg) {
    case 0:
      t += 8;
      break;
    case 1:
      t += 0x108;
      break;
    default:
      t += 0x108;
      t <<= seg - 1;
  }
  return a & 0x80 ? t : -t;
}

const rms = (x: ArrayLike<number>, s = 0, e = x.length): number => {
  let sq = 0;
  for (let i = s; i < e; i++) sq += x[i]! * x[i]!;
  return Math.sqrt(sq / Math.max(1, e - s));
};
const zeros = (x: Int16Array): number => x.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);

describe('G.711 (ITU-T G.711) expansion tables', () => {
  it('µ-law: all 256 codes equal Sun g711.c ulaw2linear, and the classic values', () => {
    const t = pcmuTable();
    expect(t.length).toBe(256);
    for (let c = 0; c < 256; c++) expect([c, t[c]]).toEqual([c, sunUlaw2linear(c)]);
    expect([t[0x00], t[0x80], t[0xff], t[0x7f], t[0x01], t[0xfe]]).toEqual([-32124, 32124, 0, 0, -31100, 8]);
  });

  it('A-law: all 256 codes equal Sun g711.c alaw2linear, and the classic values', () => {
    const t = pcmaTable();
    for (let c = 0; c < 256; c++) expect([c, t[c]]).toEqual([c, sunAlaw2linear(c)]);
    expect([t[0xd5], t[0x55], t[0xaa], t[0x2a], t[0x80], t[0x00]]).toEqual([8, -8, 32256, -32256, 5504, -5504]);
    // A-law has no zero code: a zero sample in decoded PCMA is always inserted silence.
    expect(t.includes(0)).toBe(false);
  });

  it('decodes a byte range into an output offset and never writes past the output', () => {
    const b = Uint8Array.of(0x11, 0xff, 0x00, 0x80, 0x22);
    const out = new Int16Array(6).fill(7);
    expect(decodePcmu(b, 1, 4, out, 2)).toBe(3);
    expect([...out]).toEqual([7, 7, 0, -32124, 32124, 7]);
    const small = new Int16Array(2);
    expect(decodePcma(Uint8Array.of(0xd5, 0x55, 0xaa), 0, 3, small, 1)).toBe(1);
    expect([...small]).toEqual([0, 8]);
    expect(decodePcma(b, 3, 2, small, 0)).toBe(0);
  });
});

describe('L16 (RFC 3551 §4.5.11)', () => {
  it('reads big-endian signed samples and averages channels to mono; a partial frame is ignored', () => {
    const mono = Uint8Array.of(0x12, 0x34, 0xff, 0xfe, 0x80, 0x00, 0x7f, 0xff, 0x01);
    const out = new Int16Array(4);
    expect(decodeL16(mono, 0, mono.length, 1, out, 0)).toBe(4);
    expect([...out]).toEqual([0x1234, -2, -32768, 32767]);
    // Stereo frames (L, R): (1000, -3000) -> -1000; (-32768, -32767) -> -32767 (rounded toward zero).
    const st = new Uint8Array(8);
    const v = new DataView(st.buffer);
    v.setInt16(0, 1000);
    v.setInt16(2, -3000);
    v.setInt16(4, -32768);
    v.setInt16(6, -32767);
    const o2 = new Int16Array(3);
    expect(decodeL16(st, 0, 8, 2, o2, 1)).toBe(2);
    expect([...o2]).toEqual([0, -1000, -32767]);
  });
});

describe('encodeWav (RIFF/WAVE PCM 16-bit)', () => {
  it('writes every header field and interleaves little-endian samples, padding a shorter channel', () => {
    const wav = encodeWav([Int16Array.of(1, -2, 0x1234), Int16Array.of(-32768, 32767)], 8000);
    const v = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
    const ascii = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
    expect(wav.length).toBe(44 + 3 * 2 * 2);
    expect(ascii(0)).toBe('RIFF');
    expect(v.getUint32(4, true)).toBe(wav.length - 8);
    expect(ascii(8)).toBe('WAVE');
    expect(ascii(12)).toBe('fmt ');
    expect(v.getUint32(16, true)).toBe(16);
    expect(v.getUint16(20, true)).toBe(1); // PCM
    expect(v.getUint16(22, true)).toBe(2); // channels
    expect(v.getUint32(24, true)).toBe(8000);
    expect(v.getUint32(28, true)).toBe(8000 * 2 * 2); // byte rate
    expect(v.getUint16(32, true)).toBe(4); // block align
    expect(v.getUint16(34, true)).toBe(16);
    expect(ascii(36)).toBe('data');
    expect(v.getUint32(40, true)).toBe(12);
    // Raw bytes: frame 0 = (1, -32768), frame 1 = (-2, 32767), frame 2 = (0x1234, 0 padding).
    expect([...wav.subarray(44)]).toEqual([0x01, 0x00, 0x00, 0x80, 0xfe, 0xff, 0xff, 0x7f, 0x34, 0x12, 0x00, 0x00]);
  });

  it('mono at 44100 Hz; no channel or a bad rate is a caller error', () => {
    const wav = encodeWav([new Int16Array(5)], 44100);
    const v = new DataView(wav.buffer);
    expect([v.getUint16(22, true), v.getUint32(24, true), v.getUint32(28, true), v.getUint16(32, true), v.getUint32(40, true), v.getUint32(4, true)]).toEqual([1, 44100, 88200, 2, 10, 46]);
    expect(() => encodeWav([], 8000)).toThrow(RangeError);
    expect(() => encodeWav([new Int16Array(1)], 0)).toThrow(RangeError);
    expect(() => encodeWav([new Int16Array(1)], 8000.5)).toThrow(RangeError);
  });
});

// ---- synthetic capture ----

const T0 = 1_700_000_000;
const A = { src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000 };
const B = { src: '10.0.0.2', srcPort: 5000, dst: '10.0.0.1', dstPort: 4000 };
/** Stream A's first RTP timestamp: 10 packets before the 2^32 wrap. */
const TS_A = 2 ** 32 - 10 * 160;
const SLOTS = 24;
const codeA = (i: number): number => 0xa0 + i;
/** Arrival of stream A's slot i: 20 ms cadence with 0/4/8 ms of jitter (so arrival-time placement would differ). */
const arrivalA = (i: number): number => T0 + 0.2 + i * 0.02 + (i % 3) * 0.004;

interface Rec extends RawRecord {
  time: number;
}

const udp = (flow: typeof A, time: number, payload: Uint8Array): Rec => ({ time, data: buildFrame({ ...flow, time, payload }) });
const fill = (n: number, code: number): Uint8Array => new Uint8Array(n).fill(code);
const rtpA = (i: number, over: Partial<RtpSpec> = {}): Uint8Array =>
  rtpBytes({ pt: 8, seq: 1000 + i, ts: (TS_A + i * 160) >>> 0, ssrc: 0xa1, marker: i === 0, payload: fill(160, codeA(i)), ...over });

/**
 * A call (SDP `8 13 101` both ways) with stream A (caller -> callee, PCMA, 24 slots of 20 ms) holding every hazard,
 * stream B (callee -> caller, PCMA, 10 packets from 350 ms after A's start), and unsignalled streams found by the
 * heuristic: G.729 (unsupported), L16 stereo (PT 10), and a PCMU stream with a 20 s timestamp jump.
 */
function syntheticCapture(): Uint8Array {
  const recs: Rec[] = [];
  const sdpFrames: FrameSpec[] = offerAnswerFrames('c1', A.src, A.dst, sdpText({ ip: A.src, port: 4000, formats: '8 13 101' }), sdpText({ ip: A.dst, port: 5000, formats: '8 13 101' }), T0);
  for (const f of sdpFrames) recs.push({ time: f.time!, data: buildFrame(f) });

  for (let i = 0; i < SLOTS; i++) {
    const t = arrivalA(i);
    if (i === 5) continue; // lost
    if (i === 8) recs.push(udp(A, arrivalA(9) + 0.001, rtpA(8))); // 8 and 9 swapped
    else if (i === 9) recs.push(udp(A, arrivalA(8), rtpA(9)));
    else if (i === 15) recs.push(udp(A, t, rtpA(15, { pt: 13, payload: Uint8Array.of(0x40) }))); // RFC 3389 CN
    else if (i === 16 || i === 17) {
      // RFC 4733: both packets of one event carry the event's start timestamp; the end packet is sent 3 times (§2.5.1.4).
      for (let k = 0; k < (i === 17 ? 3 : 1); k++) {
        recs.push(udp(A, t + k * 0.001, rtpA(i, { pt: 101, ts: (TS_A + 16 * 160) >>> 0, marker: i === 16, payload: dtmfPayload(5, i === 17, (i - 15) * 160) })));
      }
    } else if (i === 18) {
      // Cut by the snapshot length: the record holds the RTP header and 80 of the 160 payload bytes.
      const full = buildFrame({ ...A, time: t, payload: rtpA(18) });
      recs.push({ time: t, data: full.subarray(0, full.length - 80), originalLength: full.length });
    } else if (i === SLOTS - 1) recs.push(udp(A, t, rtpA(i, { padding: 4 }))); // RFC 3550 §5.1 padding (P bit)
    else recs.push(udp(A, t, rtpA(i)));
    if (i === 12) recs.push(udp(A, t + 0.002, rtpA(12, { payload: fill(160, 0x00) }))); // duplicate, other bytes
    if (i === 6) {
      recs.push(udp(A, t + 0.001, rtpBytes({ pt: 8, seq: 1006, ts: (TS_A + 6 * 160) >>> 0, ssrc: 0xdead, payload: fill(160, 0x00) }))); // other SSRC
      recs.push(udp(A, t + 0.002, Uint8Array.of(0x8f, 8, 0x03, 0xee, 0, 0, 0, 0, 0, 0, 0, 0xa1))); // CC=15 but no CSRC: not RTP
      recs.push(udp(A, t + 0.003, new TextEncoder().encode('hello, not RTP at all'))); // version 1
      recs.push({ time: t + 0.004, data: Uint8Array.from({ length: 60 }, (_, k) => (k * 37 + 11) & 0xff) }); // garbage frame
      // RTCP generic NACK (RFC 4585 §6.2.1) multiplexed on the port (RFC 5761): 16 bytes that also parse as an RTP
      // header with one CSRC, its media source SSRC where RTP's SSRC is. Only the RTCP packet type range excludes it.
      recs.push(udp(A, t + 0.005, Uint8Array.of(0x81, 205, 0, 3, 0, 0, 0, 0xb2, 0, 0, 0, 0xa1, 0x03, 0xed, 0, 0)));
    }
  }
  // Stream A's flow and SSRC before its SDP: not part of the stream (the analyzer starts it at the SDP, firstFrame).
  recs.push(udp(A, T0 - 1, rtpA(0, { seq: 900, ts: 12345, payload: fill(160, 0x00) })));
  for (let j = 0; j < 10; j++) recs.push(udp(B, T0 + 0.55 + j * 0.02, rtpBytes({ pt: 8, seq: 7000 + j, ts: 777 + j * 160, ssrc: 0xb2, payload: fill(160, 0x2a) })));

  const G729 = { src: '10.9.9.9', srcPort: 30000, dst: '10.8.8.8', dstPort: 30002 };
  for (let j = 0; j < 10; j++) recs.push(udp(G729, T0 + 1 + j * 0.02, rtpBytes({ pt: 18, seq: 10 + j, ts: j * 160, ssrc: 0xc3, payload: fill(20, 0x5a) })));

  // L16/44100/2 (static PT 10): 10 ms = 441 frames of (1000 + j, -3000).
  const L16 = { src: '10.9.9.9', srcPort: 30010, dst: '10.8.8.8', dstPort: 30012 };
  for (let j = 0; j < 6; j++) {
    const p = new Uint8Array(441 * 4);
    const v = new DataView(p.buffer);
    for (let k = 0; k < 441; k++) {
      v.setInt16(k * 4, 1000 + j);
      v.setInt16(k * 4 + 2, -3000);
    }
    recs.push(udp(L16, T0 + 1 + j * 0.01, rtpBytes({ pt: 10, seq: 20 + j, ts: 5000 + j * 441, ssrc: 0xd4, payload: p })));
  }

  // PCMU with a +20 s timestamp jump after packet 3, and 100 ms more arrival gap there.
  const JUMP = { src: '10.9.9.9', srcPort: 30020, dst: '10.8.8.8', dstPort: 30022 };
  for (let j = 0; j < 8; j++) {
    const ts = 1000 + j * 160 + (j >= 4 ? 160_000 : 0);
    recs.push(udp(JUMP, T0 + 1 + j * 0.02 + (j >= 4 ? 0.1 : 0), rtpBytes({ pt: 0, seq: 40 + j, ts, ssrc: 0xe5, payload: fill(160, 0x80 + j) })));
  }
  recs.sort((x, y) => x.time - y.time);
  return writePcap(recs);
}

const OPTS: ImportOptions = { rtpHeuristic: true };

async function synthetic() {
  const bytes = syntheticCapture();
  const model = await importCapture(memoryByteSource(bytes), OPTS);
  const bySsrc = (ssrc: number): RtpStreamInfo => {
    const s = model.streams.find((x) => x.ssrc === ssrc);
    if (!s) throw new Error(`no stream ${ssrc.toString(16)}: ${model.streams.map((x) => x.ssrc.toString(16))}`);
    return s;
  };
  return { bytes, model, bySsrc };
}

/** A full RtpStreamInfo for hand-made streams (only the fields audio extraction reads matter). */
function streamInfo(over: Partial<RtpStreamInfo>): RtpStreamInfo {
  return {
    index: 0, callIndex: -1, detection: 'heuristic', ipVersion: 4, src: '10.9.9.9', srcPort: 1, dst: '10.8.8.8', dstPort: 2, ssrc: 1, matched: undefined,
    payloadTypes: [8], codecs: ['PCMA'], codec: 'PCMA', clockRate: 8000, firstFrame: 0, lastFrame: 0, startSec: T0, startNsec: 0, endSec: T0, endNsec: 0,
    durationSec: 0, packets: 0, expected: 0, lost: 0, lostPercent: 0, duplicates: 0, outOfOrder: 0, sequenceErrors: 0, sequenceJumps: 0, wrongTimestamps: 0,
    markers: 0, payloadBytes: 0, minDeltaMs: 0, meanDeltaMs: 0, maxDeltaMs: 0, maxDeltaFrame: 0, jitterMs: 0, minJitterMs: 0, meanJitterMs: 0, maxJitterMs: 0,
    problem: false, events: { count: 0, digits: '' }, rtcpMux: false, rtcp: undefined,
    ...over,
  };
}

describe('extractStreamAudio on a synthetic capture', () => {
  it('places every packet by RTP timestamp: loss, reordering, duplicate, wrap, CN, telephone-event, truncation, padding', async () => {
    const { bytes, bySsrc } = await synthetic();
    const a = bySsrc(0xa1);
    expect(a.codecs).toEqual(['PCMA', 'CN', 'telephone-event']);
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [a]);
    const x = audio!.samples;
    const alaw = (c: number) => sunAlaw2linear(c);
    expect(audio).toMatchObject({ streamIndex: a.index, codec: 'PCMA', sampleRate: 8000, supported: true, truncated: false, resyncs: 0 });
    expect(audio!.reason).toBeUndefined();
    // 24 slots exactly: the padded last packet adds nothing, the wrap (slot 10) and the jitter move nothing.
    expect(x.length).toBe(SLOTS * 160);
    expect(audio!.durationSec).toBeCloseTo(SLOTS * 0.02, 9);
    expect(audio!.startSec).toBeCloseTo(arrivalA(0), 6);
    const silent = new Set([5, 15, 16, 17]);
    for (let i = 0; i < SLOTS; i++) {
      const slot = [...x.subarray(i * 160, (i + 1) * 160)];
      if (silent.has(i)) expect([i, slot]).toEqual([i, new Array(160).fill(0)]);
      else if (i === 18) expect([i, slot]).toEqual([i, [...new Array(80).fill(alaw(codeA(18))), ...new Array(80).fill(0)]]);
      else expect([i, slot]).toEqual([i, new Array(160).fill(alaw(codeA(i)))]);
    }
    expect({
      packets: audio!.packets, lost: audio!.lostPackets, dup: audio!.duplicatePackets, cn: audio!.comfortNoisePackets, ev: audio!.eventPackets, skipped: audio!.skippedPackets,
    }).toEqual({ packets: 20, lost: 1, dup: 1, cn: 1, ev: 4, skipped: 0 }); // 24 slots - lost - CN - 2 events
  });

  it('decodes L16 stereo at its own rate, mixed down to mono', async () => {
    const { bytes, bySsrc } = await synthetic();
    const s = bySsrc(0xd4);
    expect([s.codec, s.clockRate]).toEqual(['L16', 44100]);
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [s]);
    expect(audio!.sampleRate).toBe(44100);
    expect(audio!.samples.length).toBe(6 * 441);
    for (let j = 0; j < 6; j++) expect([j, audio!.samples[j * 441], audio!.samples[j * 441 + 440]]).toEqual([j, Math.trunc((1000 + j - 3000) / 2), Math.trunc((1000 + j - 3000) / 2)]);
    // An SDP saying L16/44100/1 for the payload type (formatOf) reads the same bytes as mono: twice the frames.
    const [asMono] = await extractStreamAudio(memoryByteSource(bytes), [s], { formatOf: () => ({ payloadType: 10, encoding: 'L16', clockRate: 44100, channels: 1 }) });
    expect(asMono!.samples.subarray(0, 2)).toEqual(Int16Array.of(1000, -3000));
  });

  it('audioCodecSupport: G.711 and L16 with a clock rate are decoded, anything else has a reason', () => {
    expect([audioCodecSupport('PCMU', 8000), audioCodecSupport('pcma', 0), audioCodecSupport('L16', 48000)]).toEqual([undefined, undefined, undefined]);
    expect(audioCodecSupport('L16', 0)).toMatch(/clock rate/);
    expect(audioCodecSupport('G729', 8000)).toMatch(/^codec G729 is not decoded/);
    expect(audioCodecSupport('PT96', 0)).toMatch(/PT96/);
    expect(audioCodecSupport('', 0)).toMatch(/no audio payload type/);
  });

  it('an unsupported codec gives no samples, supported: false and a reason; its packets are counted', async () => {
    const { bytes, bySsrc } = await synthetic();
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xc3)]);
    expect(audio).toMatchObject({ codec: 'G729', supported: false, packets: 0, skippedPackets: 10, lostPackets: 0 });
    expect(audio!.samples.length).toBe(0);
    expect(audio!.reason).toMatch(/G729/);
    expect(audio!.startSec).toBeCloseTo(T0 + 1, 6);
  });

  it('a timestamp jump of more than 10 s re-synchronises on the arrival time', async () => {
    const { bytes, bySsrc } = await synthetic();
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xe5)]);
    const u = (c: number) => sunUlaw2linear(c);
    // Packets 0-3 at 0..640; packet 4 arrived 0.18 s after packet 0: sample 1440; 5-7 follow it by timestamp.
    expect(audio!.resyncs).toBe(1);
    expect(audio!.samples.length).toBe(1440 + 4 * 160);
    for (let j = 0; j < 4; j++) expect(audio!.samples[j * 160]).toBe(u(0x80 + j));
    expect([...audio!.samples.subarray(640, 1440)].every((v) => v === 0)).toBe(true);
    for (let j = 4; j < 8; j++) expect(audio!.samples[1440 + (j - 4) * 160 + 159]).toBe(u(0x80 + j));
    // With a 30 s limit the same step is plain silence on the timestamp timeline (capped by maxSeconds).
    const [wide] = await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xe5)], { maxJumpSec: 30, maxSeconds: 25 });
    expect([wide!.resyncs, wide!.samples.length, wide!.truncated]).toEqual([0, 160_000 + 8 * 160, false]);
  });

  it('one pass serves several streams in the order given; mixing aligns them by start time', async () => {
    const { bytes, bySsrc } = await synthetic();
    const [b, a] = await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xb2), bySsrc(0xa1)]);
    expect([b!.codec, b!.samples.length, a!.samples.length]).toEqual(['PCMA', 1600, SLOTS * 160]);
    const mix = mixCallAudio([a!, b!]);
    expect(mix.sampleRate).toBe(8000);
    expect(mix.startSec).toBeCloseTo(a!.startSec, 9);
    const offset = 2800; // B starts 350 ms after A, while A still plays (A: 3840 samples)
    expect(mix.channels.map((c) => c.length)).toEqual([offset + 1600, offset + 1600]);
    expect(mix.channels[0]!.subarray(0, SLOTS * 160)).toEqual(a!.samples);
    expect([...mix.channels[0]!.subarray(SLOTS * 160)].every((v) => v === 0)).toBe(true);
    expect([...mix.channels[1]!.subarray(0, offset)].every((v) => v === 0)).toBe(true);
    expect(mix.channels[1]!.subarray(offset)).toEqual(b!.samples);
    const mono = mixCallAudio([a!, b!], { mono: true });
    expect(mono.channels.length).toBe(1);
    expect(mono.channels[0]![offset + 500]).toBe(sunAlaw2linear(codeA(20)) + sunAlaw2linear(0x2a));
    expect(mono.channels[0]!.subarray(SLOTS * 160)).toEqual(b!.samples.subarray(SLOTS * 160 - offset));
    const wav = encodeWav(mix.channels, mix.sampleRate);
    expect(new DataView(wav.buffer).getUint32(40, true)).toBe((offset + 1600) * 4);
  });

  it('caps a stream at maxSeconds (truncated), and tolerates non-captures; rejects only when reading fails', async () => {
    const { bytes, bySsrc } = await synthetic();
    const [capped] = await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xa1)], { maxSeconds: 0.1 });
    expect([capped!.samples.length, capped!.truncated]).toEqual([800, true]);
    expect(capped!.samples.subarray(0, 800)).toEqual((await extractStreamAudio(memoryByteSource(bytes), [bySsrc(0xa1)]))[0]!.samples.subarray(0, 800));

    const info = streamInfo({ src: A.src, srcPort: A.srcPort, dst: A.dst, dstPort: A.dstPort, ssrc: 0xa1, startSec: T0 + 5, startNsec: 500_000_000 });
    const [none] = await extractStreamAudio(memoryByteSource(new TextEncoder().encode('INVITE sip:x SIP/2.0\r\n\r\n')), [info]);
    expect(none).toMatchObject({ packets: 0, lostPackets: 0, supported: true, truncated: false, durationSec: 0 });
    expect(none!.samples.length).toBe(0);
    expect(none!.startSec).toBeCloseTo(T0 + 5.5, 6);
    // A stream whose addresses are not IP addresses matches nothing; no streams at all is fine too.
    const [bad] = await extractStreamAudio(memoryByteSource(bytes), [{ ...info, src: 'not-an-ip' }]);
    expect(bad!.packets).toBe(0);
    expect(await extractStreamAudio(memoryByteSource(bytes), [])).toEqual([]);

    const failing: ByteSource = { size: bytes.length, read: () => Promise.reject(new Error('EIO')) };
    await expect(extractStreamAudio(failing, [info])).rejects.toThrow('EIO');
  });

  it('only frames within the stream\'s firstFrame..lastFrame count; a partly fitting packet is cut at maxSeconds', async () => {
    const flow = { src: '10.7.7.7', srcPort: 6000, dst: '10.6.6.6', dstPort: 6002 };
    const other = { src: '10.5.5.5', srcPort: 7000, dst: '10.4.4.4', dstPort: 7002 };
    const pkt = (j: number) => rtpBytes({ pt: 8, seq: 100 + j, ts: 50_000 + j * 160, ssrc: 0xf6, payload: fill(160, 0x90 + j) });
    // Frames: 1 other, 2-5 flow packets 0-3, 6 other.
    const recs = [udp(other, T0, pkt(0)), ...[0, 1, 2, 3].map((j) => udp(flow, T0 + 0.01 + j * 0.02, pkt(j))), udp(other, T0 + 0.1, pkt(4))];
    const bytes = writePcap(recs);
    const x = streamInfo({ ...flow, ssrc: 0xf6, firstFrame: 3, lastFrame: 4 });
    const y = streamInfo({ ...other, ssrc: 0xf6, firstFrame: 1, lastFrame: 6 });
    const [ax, ay] = await extractStreamAudio(memoryByteSource(bytes), [x, y]);
    expect([ax!.packets, ax!.samples.length, ax!.samples[0], ax!.startSec]).toEqual([2, 320, sunAlaw2linear(0x91), T0 + 0.03]);
    expect([ay!.packets, ay!.resyncs]).toEqual([2, 0]);
    const [cut] = await extractStreamAudio(memoryByteSource(bytes), [{ ...x, firstFrame: 2, lastFrame: 5 }], { maxSeconds: 0.07 });
    expect([cut!.packets, cut!.samples.length, cut!.truncated, cut!.samples[559]]).toEqual([4, 560, true, sunAlaw2linear(0x93)]);
  });

  it('a re-synchronised packet never overwrites audio already placed (timestamps ahead of arrival)', async () => {
    const flow = { src: '10.7.7.7', srcPort: 6000, dst: '10.6.6.6', dstPort: 6002 };
    // Four packets in a 3 ms burst (0..640 by timestamp), then a timestamp 1 min back: by arrival it would be sample
    // ~32, inside the burst's audio; it goes after it instead (640), and the next packet follows it by timestamp.
    const ts = [0, 160, 320, 480, 4_000_000_000, 4_000_000_160].map((v, j) => (j < 4 ? 9_000_000 + v : v));
    const recs = ts.map((v, j) => udp(flow, T0 + (j < 4 ? j * 0.001 : 0.004 + (j - 4) * 0.02), rtpBytes({ pt: 8, seq: 100 + j, ts: v, ssrc: 0xf6, payload: fill(160, 0x90 + j) })));
    const [audio] = await extractStreamAudio(memoryByteSource(writePcap(recs)), [streamInfo({ ...flow, ssrc: 0xf6 })]);
    expect(audio!.resyncs).toBe(1);
    expect([0, 1, 2, 3, 4, 5].map((j) => audio!.samples[j * 160 + 10])).toEqual([0, 1, 2, 3, 4, 5].map((j) => sunAlaw2linear(0x90 + j)));
    expect(audio!.samples.length).toBe(960);
  });

  it('a reordered first packet grows the timeline at the front (startSec moves earlier)', async () => {
    const flow = { src: '10.7.7.7', srcPort: 6000, dst: '10.6.6.6', dstPort: 6002 };
    const pkt = (j: number) => rtpBytes({ pt: 0, seq: 100 + j, ts: 50_000 + j * 160, ssrc: 0xf6, payload: fill(160, 0x90 + j) });
    // Arrival order 1, 0, 2, 3.
    const recs = [udp(flow, T0, pkt(1)), udp(flow, T0 + 0.021, pkt(0)), udp(flow, T0 + 0.04, pkt(2)), udp(flow, T0 + 0.06, pkt(3))];
    const info = streamInfo({ ...flow, ssrc: 0xf6, payloadTypes: [0], codecs: ['PCMU'], codec: 'PCMU' });
    const [audio] = await extractStreamAudio(memoryByteSource(writePcap(recs)), [info]);
    expect(audio!.resyncs).toBe(0);
    expect(audio!.startSec).toBeCloseTo(T0 - 0.02, 6);
    expect([...[0, 1, 2, 3].map((j) => audio!.samples[j * 160 + 80])]).toEqual([0, 1, 2, 3].map((j) => sunUlaw2linear(0x90 + j)));
    expect(audio!.samples.length).toBe(640);
    expect([audio!.packets, audio!.lostPackets, audio!.duplicatePackets]).toEqual([4, 0, 0]);
  });
});

describe('mixCallAudio and resampling', () => {
  const sa = (samples: Int16Array, sampleRate: number, startSec: number): StreamAudio => ({
    streamIndex: 0, codec: 'L16', sampleRate, samples, startSec, durationSec: samples.length / sampleRate, packets: 1, lostPackets: 0, duplicatePackets: 0,
    comfortNoisePackets: 0, eventPackets: 0, skippedPackets: 0, resyncs: 0, supported: true, truncated: false,
  });

  it('resamples linearly to the highest rate and clips the mono sum', () => {
    expect([...resampleLinear(Int16Array.of(0, 100, 200), 8000, 16000)]).toEqual([0, 50, 100, 150, 200, 200]);
    const x = Int16Array.of(1, 2);
    expect(resampleLinear(x, 8000, 8000)).toBe(x);
    const mix = mixCallAudio([sa(Int16Array.of(30000, 30000), 8000, 10), sa(Int16Array.of(30000, -30000, 30000, -30000), 16000, 10)], { mono: true });
    expect(mix.sampleRate).toBe(16000);
    expect([...mix.channels[0]!]).toEqual([32767, 0, 32767, 0]);
    const stereo = mixCallAudio([sa(Int16Array.of(5), 8000, 10.001), sa(new Int16Array(0), 8000, 9)]);
    expect(stereo.startSec).toBe(10.001); // streams without samples do not move the start
    expect(stereo.channels.map((c) => [...c])).toEqual([[5], [0]]);
    expect(stereo.cut).toEqual([false, false]);
  });

  it('bounds the timeline at maxSeconds: a stream with a timestamp years away is left out, not allocated', () => {
    const call = sa(new Int16Array(8000).fill(100), 8000, 1_700_000_000); // 1 s
    const later = sa(Int16Array.of(7, 7), 8000, 1_700_000_000 + 42 * 365 * 86400); // a damaged capture timestamp
    const earlier = sa(Int16Array.of(9), 8000, 3); // 1970
    const mix = mixCallAudio([earlier, call, later]);
    expect(mix.startSec).toBe(1_700_000_000); // the long stream anchors the timeline, not the stray 1970 packet
    expect(mix.channels.map((c) => c.length)).toEqual([8000, 8000, 8000]);
    expect(mix.channels[0]!.every((v) => v === 0) && mix.channels[2]!.every((v) => v === 0)).toBe(true);
    expect(mix.cut).toEqual([true, false, true]);
    // A stream running past the bound is cut there, resampled or not.
    const close = sa(new Int16Array(16000).fill(3), 16000, 1_700_000_000.5); // 1 s at 16 kHz, starting 0.5 s in
    const bounded = mixCallAudio([call, close], { maxSeconds: 1.25 });
    expect(bounded.sampleRate).toBe(16000);
    expect(bounded.channels.map((c) => c.length)).toEqual([20000, 20000]);
    expect(bounded.channels[1]![8000]).toBe(3);
    expect(bounded.channels[1]![19999]).toBe(3);
    expect(bounded.cut).toEqual([false, true]);
    expect(mixCallAudio([call, close], { maxSeconds: 1.25, mono: true }).channels[0]!.length).toBe(20000);
  });
});

// ---- real captures ----

const SAMPLE = join(__dirname, '../../../samples/captures/calls-mixed-outcomes.pcap');

describe('real capture: samples/captures/calls-mixed-outcomes.pcap (SIPp, PCMA, 30 ms packets)', () => {
  it('every stream decodes to its payload on the RTP timeline, audible speech after an idle start', async () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.length).toBe(7);
    const audio = await extractStreamAudio(memoryByteSource(bytes), model.streams);
    for (const [i, s] of model.streams.entries()) {
      const a = audio[i]!;
      const perPacket = s.payloadBytes / s.packets; // PCMA: one byte per sample
      expect([s.index, a.codec, a.sampleRate, a.supported, a.packets, a.lostPackets, a.resyncs, perPacket]).toEqual([s.index, 'PCMA', 8000, true, s.packets, 0, 0, 240]);
      expect(a.startSec).toBeCloseTo(s.startSec + s.startNsec / 1e9, 6);
      // SIPp's clip: ~0.6 s of A-law idle (0xD5 = +8), then speech.
      expect(rms(a.samples, 0, 800)).toBeLessThanOrEqual(8);
      expect(rms(a.samples)).toBeGreaterThan(500);
      let loudest = 0;
      for (let k = 0; k + 800 <= a.samples.length; k += 800) loudest = Math.max(loudest, rms(a.samples, k, k + 800));
      expect(loudest).toBeGreaterThan(2000);
      if (s.packets === 67) {
        // No gap: A-law never decodes to 0, so no zero sample; duration = arrival span + one packet.
        expect(a.samples.length).toBe(s.packets * 240);
        expect(zeros(a.samples)).toBe(0);
        expect(Math.abs(a.durationSec - (s.durationSec + 0.03))).toBeLessThan(0.02);
      } else {
        // B0B00005: 33 early-media packets, then the answered clip, whose first timestamp is 1200 (not 240) after the
        // last early one (tshark: seq 50032 ts 9607680, seq 50033 ts 9608880): 960 samples of silence between them.
        expect([s.ssrc, s.packets]).toEqual([0xb0b00005, 100]);
        expect(a.samples.length).toBe(100 * 240 + 960);
        expect(zeros(a.samples)).toBe(960);
        expect([...a.samples.subarray(33 * 240, 33 * 240 + 960)].every((v) => v === 0)).toBe(true);
      }
    }
    // Call 1 as a stereo WAV, caller -> callee left: both clips start within a sample of each other.
    const call1 = model.streams.filter((s) => s.callIndex === 0).sort((x, y) => Number(y.src === '127.0.0.10') - Number(x.src === '127.0.0.10'));
    const mix = mixCallAudio(call1.map((s) => audio[s.index]!));
    expect(mix.channels.length).toBe(2);
    expect(Math.abs(mix.channels[0]!.length - 16080)).toBeLessThanOrEqual(2);
    expect(encodeWav(mix.channels, 8000).length).toBe(44 + mix.channels[0]!.length * 4);
  });
});

const CORPUS = '/work/shared/corpus/captures';
const VOIPSHARK = join(CORPUS, 'voipshark_SIP-RTP-Normal_Call_two_parties.pcap');

describe.skipIf(!existsSync(VOIPSHARK))(`real capture: corpus voipshark_SIP-RTP-Normal_Call_two_parties.pcap (PCMU; skipped when ${VOIPSHARK} is absent)`, () => {
  it('the four PCMU streams decode to one sample per payload byte, as long as their arrival span + one packet', async () => {
    const bytes = new Uint8Array(readFileSync(VOIPSHARK));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.length).toBe(4);
    const audio = await extractStreamAudio(memoryByteSource(bytes), model.streams);
    for (const [i, s] of model.streams.entries()) {
      const a = audio[i]!;
      expect([a.codec, a.sampleRate, a.supported, a.packets, a.lostPackets, a.resyncs, a.duplicatePackets]).toEqual(['PCMU', 8000, true, s.packets, 0, 0, 0]);
      expect(s.payloadBytes / s.packets).toBe(160);
      expect(a.samples.length).toBe(s.payloadBytes);
      expect(Math.abs(a.durationSec - (s.durationSec + 0.02))).toBeLessThan(0.02);
      expect(rms(a.samples)).toBeGreaterThan(500);
    }
  });
});
