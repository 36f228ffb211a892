// GSM 06.10 full-rate decoder (src/core/rtp/gsm.ts) bit for bit against spandsp's (the GSM codec of Wireshark's RTP
// player): two fixtures of our own with the SHA-256 of spandsp's decode (test/fixtures/gsm/README.md), random frames
// through a live spandsp when libspandsp and Python 3 are installed, and a real baresip call
// (samples/captures/baresip-call-gsm.pcap, payload type 3) through extractStreamAudio.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioCodecSupport } from '../../../src/core/rtp/audio';
import { GSM_FRAME_BYTES, GsmDecoder } from '../../../src/core/rtp/gsm';
import { hasSpandsp, spandspDecode } from '../../helpers/spandsp';
import { expectBaresipSines, expectStreamsDecodeAs } from './rtp-helpers';

const FIXTURES = join(__dirname, '../../fixtures/gsm');
const SAMPLE = join(__dirname, '../../../samples/captures/baresip-call-gsm.pcap');
/** SHA-256 of spandsp 0.0.6's decode of each fixture (16-bit little-endian samples), from test/fixtures/make-spandsp-fixtures.py. */
const SPANDSP_SHA256: Record<string, string> = {
  'tone-440hz': '4c88fd0c99136f98e9505592e04cd449b9a9a54e7082644f2b2b26104ffc3d28', // 4000 samples
  'pink-noise': '6651786894952a59b039044e2ace1eaf4079cddc90621c59797334ba1d58a2ee', // 4000 samples
};

const sha256 = (x: Int16Array): string => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');

/** Decode `code` one RTP packet (`frames` frames) at a time: the state carries over. */
function decodeAll(code: Uint8Array, frames = 1): Int16Array {
  const d = new GsmDecoder();
  const out = new Int16Array(GsmDecoder.samplesIn(code.length));
  let at = 0;
  for (let s = 0; s < code.length; s += frames * GSM_FRAME_BYTES) at += d.decode(code, s, Math.min(code.length, s + frames * GSM_FRAME_BYTES), out, at);
  expect(at).toBe(out.length);
  return out;
}

/** `n` frames of random parameters behind the 0xD signature (seeded). */
function randomFrames(n: number, seed: number): Uint8Array {
  let x = seed;
  const next = (): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const out = new Uint8Array(n * GSM_FRAME_BYTES);
  for (let f = 0; f < n; f++) {
    out[f * GSM_FRAME_BYTES] = 0xd0 | (next() & 15);
    for (let k = 1; k < GSM_FRAME_BYTES; k++) out[f * GSM_FRAME_BYTES + k] = next();
  }
  return out;
}

describe('GSM 06.10 full-rate decoder', () => {
  for (const name of Object.keys(SPANDSP_SHA256)) {
    it(`${name}.gsm decodes bit for bit as spandsp's decoder`, () => {
      const code = new Uint8Array(readFileSync(join(FIXTURES, `${name}.gsm`)));
      const out = decodeAll(code);
      expect(out.length).toBe(4000);
      expect(sha256(out)).toBe(SPANDSP_SHA256[name]);
      // Two frames per packet: the same samples.
      expect(sha256(decodeAll(code, 2))).toBe(SPANDSP_SHA256[name]);
    });
  }

  it('a frame without the 0xD signature is silence and leaves the state alone; a partial frame is ignored', () => {
    const code = new Uint8Array(readFileSync(join(FIXTURES, 'tone-440hz.gsm')));
    const ref = decodeAll(code);
    const d = new GsmDecoder();
    const out = new Int16Array(3 * 160).fill(7);
    expect(d.decode(code, 0, GSM_FRAME_BYTES, out, 0)).toBe(160);
    const bad = code.slice(GSM_FRAME_BYTES, 2 * GSM_FRAME_BYTES);
    bad[0] = 0x20 | (bad[0]! & 15);
    expect(d.decode(bad, 0, GSM_FRAME_BYTES, out, 160)).toBe(160);
    expect(out.subarray(160, 320).every((v) => v === 0)).toBe(true);
    // The next good frame decodes as frame 2 of the stream would after frame 1 only: compare with a fresh decode
    // of frames 1 and 3.
    const skip = new GsmDecoder();
    const expected = new Int16Array(320);
    skip.decode(code, 0, GSM_FRAME_BYTES, expected, 0);
    skip.decode(code, 2 * GSM_FRAME_BYTES, 3 * GSM_FRAME_BYTES, expected, 160);
    expect(d.decode(code, 2 * GSM_FRAME_BYTES, 3 * GSM_FRAME_BYTES + 10, out, 320)).toBe(160); // 10 bytes of a 4th frame: ignored
    expect(out.subarray(320)).toEqual(expected.subarray(160));
    expect(out.subarray(0, 160)).toEqual(ref.subarray(0, 160));
    expect(GsmDecoder.samplesIn(65)).toBe(160);
  });

  it('GSM is a decoded codec', () => {
    expect(audioCodecSupport('GSM', 8000)).toBeUndefined();
    expect(audioCodecSupport('GSM-EFR', 8000)).toMatch(/not decoded.*GSM/);
  });

  it.skipIf(!hasSpandsp)('200 random frames decode as spandsp decodes them (skipped without libspandsp and Python 3)', () => {
    for (const seed of [1, 2]) {
      const code = randomFrames(200, seed);
      const ref = spandspDecode('gsm', code);
      expect(ref.length).toBe(200 * 160);
      expect(decodeAll(code)).toEqual(ref);
    }
  });
});

describe('GSM in a real call (samples/captures/baresip-call-gsm.pcap, baresip ↔ baresip, payload type 3)', () => {
  const bytes = new Uint8Array(readFileSync(SAMPLE));

  it('decodes both directions at 8 kHz: the caller’s 440 Hz and the callee’s 880 Hz sines, 20 ms per packet', async () => {
    await expectBaresipSines(bytes, 'GSM', 8000, 160);
  });

  it.skipIf(!hasSpandsp)('each stream’s payloads, decoded by spandsp in one piece, equal the stream’s audio (skipped without libspandsp)', async () => {
    await expectStreamsDecodeAs(bytes, GSM_FRAME_BYTES, (code) => spandspDecode('gsm', code));
  });
});
