// Opus (RFC 7587) RTP streams through extractStreamAudio (libopus via src/core/rtp/opus.ts): a real baresip call
// (samples/captures/baresip-call-opus.pcap: opus/48000/2, caller 440 Hz, callee 880 Hz), the same call with one packet
// removed (silence in its place, the timeline keeps its length) and with one packet libopus must reject.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture } from '../../../src/core/capture/import-capture';
import { audioCodecSupport, extractStreamAudio, type StreamAudio } from '../../../src/core/rtp/audio';
import { createOpusDecoder, OPUS_SAMPLE_RATE } from '../../../src/core/rtp/opus';
import { expectBaresipSines, rms, zeroCrossingHz } from './rtp-helpers';

const SAMPLE = join(__dirname, '../../../samples/captures/baresip-call-opus.pcap');
/** Zero-crossing frequency (Hz) of one second of `a` from sample `at`. */
const hz = (a: StreamAudio, at: number): number => zeroCrossingHz(a.samples.subarray(at, at + a.sampleRate), a.sampleRate);

/** The records of a classic little-endian pcap: [start, end) of each (16-byte header included). */
function records(b: Uint8Array): [number, number][] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: [number, number][] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const end = o + 16 + v.getUint32(o + 8, true);
    out.push([o, end]);
    o = end;
  }
  return out;
}

/**
 * The sample's RTP packets (Ethernet + IPv4 + UDP, no IP options: payload at 42 of the frame) from `srcPort`, as
 * [record start, record end, RTP sequence number].
 */
function rtpRecords(b: Uint8Array, srcPort: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const [s, e] of records(b)) {
    const f = s + 16;
    if (b[f + 23] !== 17 || ((b[f + 34]! << 8) | b[f + 35]!) !== srcPort || (b[f + 42]! & 0xc0) !== 0x80) continue;
    out.push([s, e, (b[f + 44]! << 8) | b[f + 45]!]);
  }
  return out;
}

describe('Opus in a real call (samples/captures/baresip-call-opus.pcap, baresip ↔ baresip)', () => {
  const bytes = new Uint8Array(readFileSync(SAMPLE));

  it('is a supported codec, decoded at 16 kHz', () => {
    expect(audioCodecSupport('opus', 48000)).toBeUndefined();
    expect(audioCodecSupport('OPUS', 48000)).toBeUndefined();
    expect(audioCodecSupport('G729', 8000)).toMatch(/not decoded.*opus/);
    expect(OPUS_SAMPLE_RATE).toBe(16000);
  });

  it('decodes both directions: the caller’s 440 Hz and the callee’s 880 Hz sines, 20 ms per packet', async () => {
    // 20 ms packets (960 ticks of the 48 kHz RTP clock, RFC 7587 §4.1) = 320 samples at 16 kHz, no gap.
    await expectBaresipSines(bytes, 'opus', 16000, 320);
    // ausine's level (about -3 dBFS peak): a quiet or clipped decode would fail here.
    const model = await importCapture(memoryByteSource(bytes));
    for (const a of await extractStreamAudio(memoryByteSource(bytes), model.streams)) {
      expect(rms(a.samples.subarray(16000, 32000))).toBeGreaterThan(8000);
      expect(rms(a.samples.subarray(16000, 32000))).toBeLessThan(16000);
    }
  });

  it('leaves a lost packet as 20 ms of silence and decodes the packets after it', async () => {
    const rtp = rtpRecords(bytes, 16000);
    expect(rtp.length).toBeGreaterThan(100);
    const [s, e, seq] = rtp[60]!;
    const cut = new Uint8Array(bytes.length - (e - s));
    cut.set(bytes.subarray(0, s));
    cut.set(bytes.subarray(e), s);
    const model = await importCapture(memoryByteSource(cut));
    const st = model.streams.find((x) => x.srcPort === 16000)!;
    const [a] = await extractStreamAudio(memoryByteSource(cut), [st]);
    expect(a).toMatchObject({ supported: true, lostPackets: 1, packets: rtp.length - 1 });
    expect(a!.samples.length).toBe(rtp.length * 320);
    // The first packet of the stream is its sequence number - 60: the lost one starts at 60 * 320.
    expect(rtp[0]![2]).toBe((seq - 60) & 0xffff);
    expect(a!.samples.subarray(60 * 320, 61 * 320).every((v) => v === 0)).toBe(true);
    expect(rms(a!.samples.subarray(59 * 320, 60 * 320))).toBeGreaterThan(5000);
    expect(rms(a!.samples.subarray(62 * 320, 80 * 320))).toBeGreaterThan(5000);
  });

  it('skips a packet libopus rejects (code 3 with no frames, RFC 6716 §3.2.5) and keeps the rest', async () => {
    const rtp = rtpRecords(bytes, 17000);
    const bad = bytes.slice();
    const [s] = rtp[30]!;
    const payload = s + 16 + 42 + 12; // record header, Ethernet/IPv4/UDP, 12-byte RTP header (no CSRC, no extension)
    expect(bad[s + 16 + 42]! & 0x3f).toBe(0); // no CSRC count, no extension, no padding
    bad[payload] = (bad[payload]! & 0xfc) | 3;
    bad[payload + 1] = 0;
    const model = await importCapture(memoryByteSource(bad));
    const st = model.streams.find((x) => x.srcPort === 17000)!;
    const [a] = await extractStreamAudio(memoryByteSource(bad), [st]);
    expect(a).toMatchObject({ supported: true, skippedPackets: 1, packets: rtp.length - 1, lostPackets: 0 });
    expect(a!.samples.subarray(30 * 320, 31 * 320).every((v) => v === 0)).toBe(true);
    expect(Math.abs(hz(a!, 16000) - 880)).toBeLessThan(3);
  });

  it('decodes an Opus packet to its length at 16 kHz and reports a rejected one as -1', async () => {
    const d = await createOpusDecoder();
    if (typeof d === 'string') throw new Error(d);
    try {
      const out = new Int16Array(2000);
      // TOC 0xf8: CELT fullband 20 ms, mono, one frame; no frame bytes = a DTX/lost frame, still 20 ms long.
      expect(d.decode(Uint8Array.of(0xf8), 0, 1, out, 0, out.length)).toBe(320);
      // TOC code 3 (arbitrary frame count) with a count of 0: invalid.
      expect(d.decode(Uint8Array.of(0xfb, 0x00), 0, 2, out, 0, out.length)).toBe(-1);
      // `max` bounds the samples written, the return value still says how many the packet holds.
      out.fill(7);
      expect(d.decode(Uint8Array.of(0xf8), 0, 1, out, 100, 10)).toBe(320);
      expect(out[99]).toBe(7);
      expect(out[110]).toBe(7);
    } finally {
      d.free();
    }
  });
});
