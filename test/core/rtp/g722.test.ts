// ITU-T G.722 decoder (src/core/rtp/g722.ts) bit for bit against FFmpeg's: two fixtures with the SHA-256 of FFmpeg's
// decode (test/fixtures/g722/README.md), a fresh FFmpeg round trip when ffmpeg is installed, and G.722 RTP streams
// (PT 9: 16 kHz samples on an 8000 Hz RTP clock, RFC 3551 §4.5.2) through extractStreamAudio, with a lost packet.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture } from '../../../src/core/capture/import-capture';
import { audioCodecSupport, extractStreamAudio } from '../../../src/core/rtp/audio';
import { G722Decoder } from '../../../src/core/rtp/g722';
import { buildFrame, writePcap, type RawRecord } from '../../helpers/pcap-writer';
import { offerAnswerFrames, rms, rtpBytes, sdpText, zeroCrossingHz } from './rtp-helpers';
import { testTempDir } from '../../helpers/temp-dir';

const FIXTURES = join(__dirname, '../../fixtures/g722');
/** SHA-256 of FFmpeg 5.1's decode of each fixture (s16le). */
const FFMPEG_SHA256: Record<string, string> = {
  'tone-440hz': '9bfe5f839109473493adf2a1847b00895bec802ab832a0df9651ee071c71ee29',
  'pink-noise': '39fc68b2916f8de730bed57e30eebfb7372c52780485f7c6a0c11e54a2b92c92',
};

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, `${name}.g722`)));
const sha256 = (x: Int16Array): string => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');

/** Decode `code` in RTP-sized pieces of `packet` bytes (the state carries over). */
function decodeAll(code: Uint8Array, packet = 160): Int16Array {
  const out = new Int16Array(code.length * 2);
  const d = new G722Decoder();
  for (let i = 0; i < code.length; i += packet) expect(d.decode(code, i, Math.min(code.length, i + packet), out, i * 2)).toBe(2 * (Math.min(code.length, i + packet) - i));
  return out;
}


describe('G.722 decoder', () => {
  for (const name of Object.keys(FFMPEG_SHA256)) {
    it(`${name}: bit-exact with FFmpeg's decoder (8000 samples at 16 kHz), whatever the piece size`, () => {
      const code = fixture(name);
      expect(code.length).toBe(4000);
      const pcm = decodeAll(code);
      expect(sha256(pcm)).toBe(FFMPEG_SHA256[name]);
      expect(rms(pcm)).toBeGreaterThan(1000); // a real signal, not silence
      expect(decodeAll(code, 37)).toEqual(pcm); // state carries over any split
    });
  }

  it('never writes past the output; the state still advances over every byte', () => {
    const code = fixture('pink-noise');
    const full = decodeAll(code);
    const d = new G722Decoder();
    const short = new Int16Array(101);
    expect(d.decode(code, 0, 100, short, 0)).toBe(101); // 200 samples decoded, 101 fit
    expect(short.subarray(0, 101)).toEqual(full.subarray(0, 101));
    const rest = new Int16Array(200);
    d.decode(code, 100, 200, rest, 0);
    expect(rest).toEqual(full.subarray(200, 400));
  });

  const ffmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
  if (!ffmpeg) console.warn('[g722] ffmpeg not installed: the live FFmpeg round trip is skipped (the fixtures still check bit-exactness)');
  it.skipIf(!ffmpeg)('a fresh FFmpeg encode of a chirp at full scale decodes to exactly what FFmpeg decodes', () => {
    const dir = testTempDir('sipscope-g722-');
    const g = join(dir, 'chirp.g722');
    const raw = join(dir, 'chirp.raw');
    const run = (args: string[]): void => expect(spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]).status).toBe(0);
    run(['-f', 'lavfi', '-i', 'aevalsrc=0.99*sin(2*PI*(100+3000*t)*t):d=1:s=16000', '-ac', '1', '-acodec', 'g722', '-f', 'g722', g]);
    run(['-f', 'g722', '-i', g, '-f', 's16le', '-acodec', 'pcm_s16le', raw]);
    const ref = readFileSync(raw);
    const pcm = decodeAll(new Uint8Array(readFileSync(g)));
    expect(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).equals(ref)).toBe(true);
  });
});

describe('G.722 RTP streams (PT 9)', () => {
  const T0 = 1_700_000_000;
  const A = { src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000 };

  /** A call whose caller sends the fixture as 25 packets of 20 ms (160 bytes, RTP timestamp +160), minus `lost`. */
  function capture(lost: number[] = []): Uint8Array {
    const code = fixture('tone-440hz');
    const recs: (RawRecord & { time: number })[] = [];
    for (const f of offerAnswerFrames('g722', A.src, A.dst, sdpText({ ip: A.src, port: 4000, formats: '9 101' }), sdpText({ ip: A.dst, port: 5000, formats: '9 101' }), T0)) {
      recs.push({ time: f.time!, data: buildFrame(f) });
    }
    for (let i = 0; i < 25; i++) {
      if (lost.includes(i)) continue;
      const time = T0 + 0.5 + i * 0.02;
      const payload = rtpBytes({ pt: 9, seq: 100 + i, ts: 8000 + i * 160, ssrc: 0x722, payload: code.subarray(i * 160, (i + 1) * 160) });
      recs.push({ time, data: buildFrame({ ...A, time, payload }) });
    }
    return writePcap(recs);
  }

  it('is decoded at 16 kHz, two samples per byte, placed on the 8000 Hz RTP clock', async () => {
    expect(audioCodecSupport('G722', 8000)).toBeUndefined();
    const bytes = capture();
    const model = await importCapture(memoryByteSource(bytes));
    const st = model.streams.find((s) => s.ssrc === 0x722)!;
    expect(st.codec).toBe('G722');
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [st]);
    expect(audio).toMatchObject({ supported: true, sampleRate: 16000, packets: 25, lostPackets: 0 });
    expect(audio!.durationSec).toBeCloseTo(0.5, 9);
    expect(sha256(audio!.samples)).toBe(FFMPEG_SHA256['tone-440hz']);
  });

  it('a lost packet is 20 ms of silence (320 samples) at its place; decoding goes on with the next packet', async () => {
    const bytes = capture([10]);
    const model = await importCapture(memoryByteSource(bytes));
    const st = model.streams.find((s) => s.ssrc === 0x722)!;
    const [audio] = await extractStreamAudio(memoryByteSource(bytes), [st]);
    expect(audio).toMatchObject({ packets: 24, lostPackets: 1 });
    const full = decodeAll(fixture('tone-440hz'));
    expect(audio!.samples.length).toBe(8000);
    expect(audio!.samples.subarray(0, 3200)).toEqual(full.subarray(0, 3200));
    expect(audio!.samples.subarray(3200, 3520).every((v) => v === 0)).toBe(true);
    // The ADPCM state missed a packet: the next ones are decoded (a real signal), not left silent.
    expect(rms(audio!.samples.subarray(3520))).toBeGreaterThan(1000);
  });
});

describe('G.722 in a real call (samples/captures/baresip-call-g722.pcap, baresip ↔ baresip)', () => {
  it('decodes both directions at 16 kHz: the caller’s 440 Hz and the callee’s 880 Hz sines', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../../samples/captures/baresip-call-g722.pcap')));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.map((s) => s.codec)).toEqual(['G722', 'G722']);
    const audio = await extractStreamAudio(memoryByteSource(bytes), model.streams);
    for (const [i, a] of audio.entries()) {
      const st = model.streams[i]!;
      expect(a).toMatchObject({ supported: true, sampleRate: 16000, packets: st.packets, lostPackets: 0 });
      expect(a.samples.length).toBe(st.packets * 320); // 20 ms packets, no gap
      // Frequency from zero crossings over one second in the middle of the call.
      const x = a.samples.subarray(16000, 32000);
      const hz = st.src === '127.0.0.10' ? 440 : 880;
      expect(Math.abs(zeroCrossingHz(x, 16000) - hz)).toBeLessThan(3);
      expect(rms(x)).toBeGreaterThan(5000);
    }
  });
});
