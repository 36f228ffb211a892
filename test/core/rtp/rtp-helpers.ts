// Test helper: RTP/RTCP packet bytes, packet views for RtpStreamState, SIP/SDP + RTP frames for importCapture, and
// the checks shared by the audio tests on the baresip sample calls.
import { expect } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture } from '../../../src/core/capture/import-capture';
import { extractStreamAudio } from '../../../src/core/rtp/audio';
import type { RtpPacketView, RtpStreamInfo } from '../../../src/core/rtp/stream';
import { forEachStreamPacket } from '../../../src/core/rtp/stream-packets';
import { crlf, type FrameSpec } from '../../helpers/pcap-writer';

export interface RtpSpec {
  pt?: number;
  seq: number;
  ts: number;
  ssrc?: number;
  marker?: boolean;
  /** Payload bytes (default 160 zero bytes). */
  payload?: Uint8Array;
  csrc?: number[];
  /** Header extension words (RFC 3550 §5.3.1). */
  ext?: number[];
  /** Padding byte count (RFC 3550 §5.1 P bit), including the count byte. */
  padding?: number;
}

const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** RTP packet bytes (RFC 3550 §5.1). */
export function rtpBytes(r: RtpSpec): Uint8Array {
  const csrc = r.csrc ?? [];
  const payload = r.payload ?? new Uint8Array(160);
  const out: number[] = [
    0x80 | (r.padding ? 0x20 : 0) | (r.ext ? 0x10 : 0) | csrc.length,
    (r.marker ? 0x80 : 0) | (r.pt ?? 8),
    (r.seq >> 8) & 0xff,
    r.seq & 0xff,
    ...u32(r.ts >>> 0),
    ...u32((r.ssrc ?? 0x11223344) >>> 0),
  ];
  for (const c of csrc) out.push(...u32(c));
  if (r.ext) {
    out.push(0xbe, 0xde, (r.ext.length >> 8) & 0xff, r.ext.length & 0xff);
    for (const w of r.ext) out.push(...u32(w));
  }
  out.push(...payload);
  if (r.padding) {
    for (let i = 1; i < r.padding; i++) out.push(0);
    out.push(r.padding);
  }
  return Uint8Array.from(out);
}

/** RFC 4733 §2.3 telephone-event payload: event, E bit + volume, duration. */
export function dtmfPayload(event: number, end: boolean, duration: number): Uint8Array {
  return Uint8Array.from([event, (end ? 0x80 : 0) | 10, (duration >> 8) & 0xff, duration & 0xff]);
}

/** A packet view over `bytes` arriving at `ms` milliseconds after t0 (epoch 1 700 000 000). */
export function view(bytes: Uint8Array, ms: number, frame = 1): RtpPacketView {
  const totalNs = Math.round(ms * 1e6);
  return {
    frame,
    timeSec: 1_700_000_000 + Math.floor(totalNs / 1e9),
    timeNsec: totalNs % 1e9,
    buf: bytes,
    payloadStart: 0,
    payloadEnd: bytes.length,
  };
}

/** RTCP report block (RFC 3550 §6.4.1). */
export function reportBlock(ssrc: number, fraction: number, cumulative: number, highest: number, jitter: number): number[] {
  const cum = cumulative < 0 ? cumulative + 0x1000000 : cumulative;
  return [...u32(ssrc), fraction & 0xff, (cum >> 16) & 0xff, (cum >> 8) & 0xff, cum & 0xff, ...u32(highest), ...u32(jitter), ...u32(0), ...u32(0)];
}

/** RTCP SR (PT 200) with sender info and report blocks. */
export function rtcpSr(ssrc: number, packets: number, octets: number, blocks: number[][] = []): number[] {
  const body = [...u32(ssrc), ...u32(0xe0000000), ...u32(0), ...u32(12345), ...u32(packets), ...u32(octets), ...blocks.flat()];
  const words = (body.length + 4) / 4 - 1;
  return [0x80 | blocks.length, 200, (words >> 8) & 0xff, words & 0xff, ...body];
}

/** RTCP RR (PT 201). */
export function rtcpRr(ssrc: number, blocks: number[][]): number[] {
  const body = [...u32(ssrc), ...blocks.flat()];
  const words = (body.length + 4) / 4 - 1;
  return [0x80 | blocks.length, 201, (words >> 8) & 0xff, words & 0xff, ...body];
}

/** RTCP SDES (PT 202) with one CNAME chunk. */
export function rtcpSdes(ssrc: number, cname: string): number[] {
  const item = [1, cname.length, ...[...cname].map((c) => c.charCodeAt(0)), 0];
  while ((item.length + 4) % 4 !== 0) item.push(0);
  const body = [...u32(ssrc), ...item];
  const words = (body.length + 4) / 4 - 1;
  return [0x81, 202, (words >> 8) & 0xff, words & 0xff, ...body];
}

export interface SdpSpec {
  ip: string;
  port: number;
  /** Payload formats on m= (default `8 101`), with rtpmaps for the dynamic ones. */
  formats?: string;
  extra?: string[];
  origin?: string;
  version?: number;
  proto?: string;
}

export function sdpText(s: SdpSpec): string {
  const v6 = s.ip.includes(':');
  const fmts = s.formats ?? '8 101';
  const lines = [
    'v=0',
    s.origin ?? `o=- 4711 ${s.version ?? 1} IN ${v6 ? 'IP6' : 'IP4'} ${s.ip}`,
    's=-',
    `c=IN ${v6 ? 'IP6' : 'IP4'} ${s.ip}`,
    't=0 0',
    `m=audio ${s.port} ${s.proto ?? 'RTP/AVP'} ${fmts}`,
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    ...(s.extra ?? []),
  ];
  return crlf(lines.join('\n') + '\n');
}

export interface Leg {
  ip: string;
  sipPort?: number;
}

/** A SIP request or response with an optional SDP body (UDP). */
export function sipText(opts: {
  start: string;
  callId: string;
  cseq: string;
  fromTag: string;
  toTag?: string;
  branch: string;
  via: string;
  body?: string;
}): string {
  const body = opts.body ?? '';
  const headers = [
    opts.start,
    `Via: SIP/2.0/UDP ${opts.via};branch=z9hG4bK${opts.branch}`,
    `From: <sip:alice@example.com>;tag=${opts.fromTag}`,
    `To: <sip:bob@example.net>${opts.toTag ? `;tag=${opts.toTag}` : ''}`,
    `Call-ID: ${opts.callId}`,
    `CSeq: ${opts.cseq}`,
    `Contact: <sip:x@${opts.via}>`,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${new TextEncoder().encode(body).length}`,
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * INVITE (SDP a) from a to b, 200 OK (SDP b) back, ACK: the signalling of one call. Times start at t0 (epoch s).
 */
export function offerAnswerFrames(callId: string, a: string, b: string, sdpA: string, sdpB: string, t0: number): FrameSpec[] {
  const invite = sipText({ start: `INVITE sip:bob@${b} SIP/2.0`, callId, cseq: '1 INVITE', fromTag: 'fa', branch: `${callId}i`, via: `${a}:5060`, body: sdpA });
  const ok = sipText({ start: 'SIP/2.0 200 OK', callId, cseq: '1 INVITE', fromTag: 'fa', toTag: 'tb', branch: `${callId}i`, via: `${a}:5060`, body: sdpB });
  const ack = sipText({ start: `ACK sip:bob@${b} SIP/2.0`, callId, cseq: '1 ACK', fromTag: 'fa', toTag: 'tb', branch: `${callId}a`, via: `${a}:5060` });
  return [
    { time: t0, src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: invite },
    { time: t0 + 0.1, src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: ok },
    { time: t0 + 0.11, src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: ack },
  ];
}

/** `count` RTP frames of one stream, every `ptimeMs` (20 ms PCMA by default) from `t0` (epoch seconds). */
export function rtpFrames(opts: {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  ssrc: number;
  count: number;
  t0: number;
  seq0?: number;
  ts0?: number;
  ptimeMs?: number;
  pt?: number;
}): FrameSpec[] {
  const ptime = opts.ptimeMs ?? 20;
  const out: FrameSpec[] = [];
  for (let i = 0; i < opts.count; i++) {
    out.push({
      time: opts.t0 + (i * ptime) / 1000,
      src: opts.src,
      dst: opts.dst,
      srcPort: opts.srcPort,
      dstPort: opts.dstPort,
      payload: rtpBytes({ pt: opts.pt ?? 8, seq: ((opts.seq0 ?? 1000) + i) & 0xffff, ts: ((opts.ts0 ?? 160000) + i * ptime * 8) >>> 0, ssrc: opts.ssrc }),
    });
  }
  return out;
}

/** Sort frames by time (stable), as a capture would have them. */
export function byTime(frames: FrameSpec[]): FrameSpec[] {
  return frames.map((f, i) => ({ f, i })).sort((x, y) => (x.f.time ?? 0) - (y.f.time ?? 0) || x.i - y.i).map((x) => x.f);
}

/** Frequency (Hz) of a tone from its zero crossings: `x` holds `rate` samples per second. */
export function zeroCrossingHz(x: Int16Array, rate: number): number {
  let crossings = 0;
  for (let k = 1; k < x.length; k++) if (x[k - 1]! < 0 !== x[k]! < 0) crossings++;
  return ((crossings / 2) * rate) / x.length;
}

/** Root mean square of `x`. */
export function rms(x: Int16Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return Math.sqrt(e / Math.max(1, x.length));
}

/** Samples [from, to) of channel `c` (0-based) of a 16-bit little-endian WAV with `channels` interleaved channels. */
export function wavChannel(wav: Uint8Array, channels: number, c: number, from: number, to: number): Int16Array {
  const v = new DataView(wav.buffer, wav.byteOffset + 44);
  const out = new Int16Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = v.getInt16((i * channels + c) * 2, true);
  return out;
}

/** Power of `x` (sampled at `rate` Hz) at `hz`: one DFT bin, to tell which sine dominates decoded audio. */
export function tonePower(x: Int16Array, rate: number, hz: number): number {
  let re = 0;
  let im = 0;
  for (let n = 0; n < x.length; n++) {
    re += x[n]! * Math.cos((2 * Math.PI * hz * n) / rate);
    im += x[n]! * Math.sin((2 * Math.PI * hz * n) / rate);
  }
  return re * re + im * im;
}

/**
 * A baresip sample call (scripts/record-baresip-call.sh): its two streams decoded by extractStreamAudio, each checked
 * to be complete (`codec`, `rate` Hz, every packet decoded, none lost or skipped, `samplesPerPacket` each) and to
 * carry its party's sine (caller 127.0.0.10: 440 Hz, callee: 880 Hz) well above the other sine and the band between.
 */
export async function expectBaresipSines(bytes: Uint8Array, codec: string, rate: number, samplesPerPacket: number): Promise<void> {
  const model = await importCapture(memoryByteSource(bytes));
  expect(model.streams.map((s) => s.codec)).toEqual([codec, codec]);
  const audio = await extractStreamAudio(memoryByteSource(bytes), model.streams);
  for (const [i, a] of audio.entries()) {
    const st = model.streams[i]!;
    expect(a).toMatchObject({ supported: true, sampleRate: rate, packets: st.packets, lostPackets: 0, skippedPackets: 0 });
    expect(a.samples.length).toBe(st.packets * samplesPerPacket);
    // One second from the first second on; power at the sine compared, as lossy codecs add noise near zero.
    const x = a.samples.subarray(rate, 2 * rate);
    const hz = st.src === '127.0.0.10' ? 440 : 880;
    expect(tonePower(x, rate, hz)).toBeGreaterThan(20 * tonePower(x, rate, hz === 440 ? 880 : 440));
    expect(tonePower(x, rate, hz)).toBeGreaterThan(20 * tonePower(x, rate, 660));
  }
}

/** Each stream's RTP payloads (headers and padding removed) concatenated in capture order, read from `bytes`. */
export async function streamPayloads(bytes: Uint8Array, streams: readonly RtpStreamInfo[]): Promise<Uint8Array[]> {
  const payloads: number[][] = streams.map(() => []);
  await forEachStreamPacket(memoryByteSource(bytes), streams, (pos, p, h, pe) => {
    for (let k = p.payloadStart + h; k < pe; k++) payloads[pos]!.push(p.buf[k]!);
  });
  return payloads.map((x) => Uint8Array.from(x));
}

/**
 * Each stream of the capture `bytes` decodes (extractStreamAudio) to exactly what `reference` makes of the stream's
 * payloads concatenated (a stateful decoder fed the whole stream: what a lossless, in-order stream must give), each
 * packet carrying `bytesPerPacket` payload bytes.
 */
export async function expectStreamsDecodeAs(bytes: Uint8Array, bytesPerPacket: number, reference: (payloads: Uint8Array) => Int16Array): Promise<void> {
  const model = await importCapture(memoryByteSource(bytes));
  const audio = await extractStreamAudio(memoryByteSource(bytes), model.streams);
  const payloads = await streamPayloads(bytes, model.streams);
  for (const [i, a] of audio.entries()) {
    expect(payloads[i]!.length).toBe(model.streams[i]!.packets * bytesPerPacket);
    expect(a.samples).toEqual(reference(payloads[i]!));
  }
}
