// ITU-T G.726 decoder (src/core/rtp/g726.ts) bit for bit against spandsp's (baresip's and Wireshark's G.726 codec,
// whose test suite checks the ITU-T test vectors): eight fixtures of our own with the SHA-256 of spandsp's decode
// (test/fixtures/g726/README.md), both RTP packings, a live spandsp round trip when libspandsp and Python 3 are
// installed, and a real baresip call (samples/captures/baresip-call-g726.pcap, G726-32) through extractStreamAudio.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioCodecSupport, g726Variant } from '../../../src/core/rtp/audio';
import { G726Decoder } from '../../../src/core/rtp/g726';
import { hasSpandsp, spandspDecode } from '../../helpers/spandsp';
import { expectBaresipSines, expectStreamsDecodeAs } from './rtp-helpers';

const FIXTURES = join(__dirname, '../../fixtures/g726');
const SAMPLE = join(__dirname, '../../../samples/captures/baresip-call-g726.pcap');
/** SHA-256 of spandsp 0.0.6's decode of each fixture (16-bit little-endian samples), from test/fixtures/make-spandsp-fixtures.py. */
const SPANDSP_SHA256: Record<string, string> = {
  'tone-440hz-16': '4823ef24300de8cc9e56309b5c522571030d3fba50249258ff0c225121d5e092', // 4000 samples
  'tone-440hz-24': '79850c6f2c30f28a436ea3cdab886086d477c1293644c7eadc286a4bd7efaf44', // 4000 samples
  'tone-440hz-32': '91d439bb2c78a0bd392216c789a4e9dcc3fdacba05c37cddf02e7c81e4f21f17', // 4000 samples
  'tone-440hz-40': '9c49e9f116ae03be2ad85205d06d0e69b62613e36a476692b35dfcac7984e547', // 4000 samples
  'pink-noise-16': '8c72efcf967b8c1f152f2f80bcb4902e4d6f8a49d1890d1318e0d65a1df3695c', // 4000 samples
  'pink-noise-24': '1adce521214c7f67b58cbd271c7df94125f1f938d6d59d67862606fb420d64a3', // 4000 samples
  'pink-noise-32': '395e01374d3abb85405526de4e00a7f857bec4b44024a12e68ade322bb4bda80', // 4000 samples
  'pink-noise-40': 'b366061cd732d5ff13e97449c47ba6b25d0eac8bd3aa206de8456d774f8f4e00', // 4000 samples
};

const sha256 = (x: Int16Array): string => createHash('sha256').update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest('hex');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, `${name}.g726`)));

function decodeAll(code: Uint8Array, bits: number, msbFirst = false, packet = 80): Int16Array {
  const d = new G726Decoder(bits, msbFirst);
  const out = new Int16Array(d.samplesIn(code.length));
  let at = 0;
  // RTP-sized pieces whose length is a whole number of code words: the state carries over.
  const step = packet * bits;
  for (let s = 0; s < code.length; s += step) at += d.decode(code, s, Math.min(code.length, s + step), out, at);
  expect(at).toBe(out.length);
  return out;
}

/** The code words of RFC 3551-packed bytes, repacked from the most significant bit (AAL2, ITU-T I.366.2). */
function repackMsbFirst(code: Uint8Array, bits: number): Uint8Array {
  const n = Math.floor((code.length * 8) / bits);
  const out = new Uint8Array(code.length);
  for (let i = 0; i < n; i++) {
    // Code word i: bits [i * bits, (i + 1) * bits) counted from each octet's least significant bit.
    let c = 0;
    for (let k = 0; k < bits; k++) {
      const bit = i * bits + k;
      c |= ((code[bit >> 3]! >> (bit & 7)) & 1) << k;
    }
    // Written from the most significant bit of the octets, its own most significant bit first.
    for (let k = 0; k < bits; k++) {
      const bit = i * bits + k;
      if ((c >> (bits - 1 - k)) & 1) out[bit >> 3]! |= 0x80 >> (bit & 7);
    }
  }
  return out;
}

describe('G.726 decoder (ITU-T G.726, 16/24/32/40 kbit/s)', () => {
  for (const name of Object.keys(SPANDSP_SHA256)) {
    const kbps = Number(name.split('-').at(-1));
    it(`${name}.g726 decodes bit for bit as spandsp's decoder`, () => {
      const out = decodeAll(fixture(name), kbps / 8);
      expect(out.length).toBe(4000);
      expect(sha256(out)).toBe(SPANDSP_SHA256[name]);
    });
  }

  it('AAL2 packing (code words from the most significant bit) gives the same samples', () => {
    for (const kbps of [16, 24, 32, 40]) {
      const code = fixture(`tone-440hz-${kbps}`);
      expect(decodeAll(repackMsbFirst(code, kbps / 8), kbps / 8, true)).toEqual(decodeAll(code, kbps / 8));
    }
  });

  it('decodes whole code words only and never writes past the output', () => {
    const d = new G726Decoder(5);
    const out = new Int16Array(3).fill(7);
    expect(d.samplesIn(3)).toBe(4); // 24 bits: four 5-bit code words, 4 bits left over
    expect(d.decode(Uint8Array.of(1, 2, 3), 0, 3, out, 1)).toBe(2);
    expect(out[0]).toBe(7);
    expect(() => new G726Decoder(6)).toThrow(RangeError);
  });

  it('names: G726-16/24/32/40 (RFC 3551), AAL2-G726-*, and G721 (RFC 1890) are decoded; other rates are not', () => {
    expect(g726Variant('G726-32')).toEqual({ bits: 4, msbFirst: false });
    expect(g726Variant('AAL2-G726-24')).toEqual({ bits: 3, msbFirst: true });
    expect(g726Variant('G721')).toEqual({ bits: 4, msbFirst: false });
    expect(g726Variant('G726-48')).toBeUndefined();
    expect(audioCodecSupport('g726-40', 8000)).toBeUndefined();
    expect(audioCodecSupport('G726-48', 8000)).toMatch(/not decoded.*G726/);
  });

  it.skipIf(!hasSpandsp)('pseudo-random code words at every rate decode as spandsp decodes them (skipped without libspandsp and Python 3)', () => {
    for (const kbps of [16, 24, 32, 40]) {
      // Pseudo-random code words: every code, in every adaptation state the sequence reaches.
      let x = kbps;
      const code = Uint8Array.from({ length: 3000 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 255);
      const ref = spandspDecode('g726', code, kbps);
      expect(ref.length).toBe(Math.floor((3000 * 8) / (kbps / 8)));
      expect(decodeAll(code, kbps / 8)).toEqual(ref);
    }
  });
});

describe('G.726 in a real call (samples/captures/baresip-call-g726.pcap, baresip ↔ baresip, G726-32)', () => {
  const bytes = new Uint8Array(readFileSync(SAMPLE));

  it('decodes both directions at 8 kHz: the caller’s 440 Hz and the callee’s 880 Hz sines, 20 ms per packet', async () => {
    await expectBaresipSines(bytes, 'G726-32', 8000, 160);
  });

  it.skipIf(!hasSpandsp)('each stream’s payloads, decoded by spandsp in one piece, equal the stream’s audio (skipped without libspandsp)', async () => {
    await expectStreamsDecodeAs(bytes, 80, (code) => spandspDecode('g726', code, 32));
  });
});
