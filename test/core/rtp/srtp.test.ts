// SRTP (src/core/rtp/srtp.ts, RFC 3711) keyed by SDES (RFC 4568): the RFC 3711 Appendix B test vectors, a=crypto
// parsing, packets protected here independently (AES-CTR + HMAC-SHA1 written out in the test) and decrypted back
// (wrong key, rollover counter, optional SRTP), and a real baresip call with SRTP media recorded for the project
// (samples/captures/baresip-call-srtp.pcap): both directions decrypt to the 440 Hz / 880 Hz sines sent.
import { ctr } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture } from '../../../src/core/capture/import-capture';
import { sdesKeysOfCall, streamsToWav } from '../../../src/core/rtp/audio-export';
import { deriveSrtpKeys, parseSdesCrypto, sdesKeysInSdp, SrtpStreamDecryptor, type SdesKey } from '../../../src/core/rtp/srtp';
import { pcmaTable } from '../../../src/core/rtp/audio';
import { pcapOf, type FrameSpec } from '../../helpers/pcap-writer';
import { offerAnswerFrames, rms, sdpText, wavChannel, zeroCrossingHz } from './rtp-helpers';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s/g, '').match(/../g)!.map((x) => parseInt(x, 16)));
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();

describe('SRTP key derivation and AES-CM (RFC 3711 Appendix B)', () => {
  it('B.3: session encryption key, salt and authentication key from the master key and salt', () => {
    const k = deriveSrtpKeys({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: hex('E1F97A0D3E018BE0D64FA32C06DE4139'), masterSalt: hex('0EC675AD498AFEEBB6960B3AABE6') });
    expect(toHex(k.encKey)).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(toHex(k.salt)).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(toHex(k.authKey)).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
    expect(k.tagLength).toBe(10);
  });
  it('B.2: the AES-CM keystream the decryptor uses (counter = salt * 2^16 + block)', () => {
    const iv = new Uint8Array(16);
    iv.set(hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'));
    expect(toHex(ctr(hex('2B7E151628AED2A6ABF7158809CF4F3C'), iv).encrypt(new Uint8Array(32)))).toBe('E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB');
  });
});

describe('SDES a=crypto (RFC 4568 §9.1)', () => {
  it('reads the inline key and salt of the AES_CM_128_HMAC_SHA1_80/_32 suites; refuses what it cannot use', () => {
    const k = parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA');
    expect(k).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
    expect(k!.masterKey.length).toBe(16);
    expect(k!.masterSalt.length).toBe(14);
    expect(parseSdesCrypto('2 AES_CM_128_HMAC_SHA1_32 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA|2^20')?.suite).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(parseSdesCrypto('1 AES_256_CM_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA')).toBeUndefined(); // suite
    expect(parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA|2^20|1:4')).toBeUndefined(); // MKI
    expect(parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03Rvx')).toBeUndefined(); // not 30 bytes
    expect(parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5Ho!A')).toBeUndefined(); // base64
    expect(parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA KDR=4')).toBeUndefined();
    const sdp = 'v=0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA\r\na=crypto:3 F8_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA\r\n';
    expect(sdesKeysInSdp(sdp).map((x) => x.suite)).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
  });
});

// ---- an independent SRTP sender (RFC 3711 §3.1, §4.1.1, §4.2), written out here ----

const KEY_A: SdesKey = parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA')!;
const KEY_B: SdesKey = parseSdesCrypto('1 AES_CM_128_HMAC_SHA1_80 inline:gBUX3jFk6jrHO6j71F7bgY12IMOi9jmD73R0CExT')!;

/** The SRTP packet of `payload` (PCMA, PT 8) with `pad` bytes of RTP padding (P bit; inside the encrypted part). */
function protect(key: SdesKey, seq: number, roc: number, payload: Uint8Array, ssrc = 0x11223344, pad = 0): Uint8Array {
  const prf = (label: number, n: number): Uint8Array => {
    const x = new Uint8Array(16);
    x.set(key.masterSalt);
    x[7]! ^= label;
    return ctr(key.masterKey, x).encrypt(new Uint8Array(n));
  };
  if (pad > 0) {
    const padded = new Uint8Array(payload.length + pad);
    padded.set(payload);
    padded[padded.length - 1] = pad;
    payload = padded;
  }
  const header = Uint8Array.of(pad > 0 ? 0xa0 : 0x80, 8, seq >> 8, seq & 255, 0, 0, (seq * 160) >> 8 & 255, (seq * 160) & 255, ssrc >>> 24, (ssrc >>> 16) & 255, (ssrc >>> 8) & 255, ssrc & 255);
  const iv = new Uint8Array(16);
  iv.set(prf(2, 14));
  const index = roc * 65536 + seq;
  for (let i = 0; i < 4; i++) iv[4 + i]! ^= (ssrc >>> (24 - 8 * i)) & 255;
  for (let i = 0; i < 6; i++) iv[8 + i]! ^= Math.floor(index / 2 ** (40 - 8 * i)) & 255;
  const m = new Uint8Array(12 + payload.length);
  m.set(header);
  m.set(ctr(prf(0, 16), iv).encrypt(payload), 12);
  const tag = hmac(sha1, prf(1, 20), Uint8Array.from([...m, roc >>> 24, (roc >>> 16) & 255, (roc >>> 8) & 255, roc & 255])).subarray(0, 10);
  return Uint8Array.from([...m, ...tag]);
}

describe('SrtpStreamDecryptor', () => {
  const payload = (seq: number): Uint8Array => Uint8Array.from({ length: 160 }, (_, i) => (seq * 7 + i) & 255);

  it('finds the sender’s key among the call’s by the tag, decrypts, and follows the rollover counter past seq 65535', () => {
    const d = new SrtpStreamDecryptor([KEY_B, KEY_A]);
    let out: Uint8Array = new Uint8Array(16);
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    for (const [k, seq] of seqs.entries()) {
      const roc = k >= 3 ? 1 : 0;
      const pkt = protect(KEY_A, seq, roc, payload(seq));
      const r = d.decrypt(pkt, 0, 12, pkt.length, out)!;
      expect(r).toBeDefined();
      out = r.out;
      expect(r.end).toBe(12 + 160);
      expect(out.subarray(12, 172)).toEqual(payload(seq));
      expect(out.subarray(0, 12)).toEqual(pkt.subarray(0, 12));
    }
    expect(d).toMatchObject({ keyed: true, decrypted: 6, authFailures: 0 });
    // A late packet from before the wrap (seq 65535, ROC 0) is still recognised.
    const late = protect(KEY_A, 65535, 0, payload(65535));
    expect(d.decrypt(late, 0, 12, late.length, out)).toBeDefined();
  });

  it('a capture that starts after the first sequence wrap: the rollover counter is found (1-3 tried until a packet authenticates)', () => {
    const d = new SrtpStreamDecryptor([KEY_A]);
    let out: Uint8Array = new Uint8Array(0);
    for (const seq of [40000, 40001, 40002]) {
      const pkt = protect(KEY_A, seq, 2, payload(seq));
      const r = d.decrypt(pkt, 0, 12, pkt.length, out)!;
      expect(r, `seq ${seq}`).toBeDefined();
      out = r.out;
      expect(out.subarray(12, 172)).toEqual(payload(seq));
    }
    // Beyond the counters tried: nothing authenticates.
    const far = new SrtpStreamDecryptor([KEY_A]);
    const pkt = protect(KEY_A, 5, 9, payload(5));
    expect(far.decrypt(pkt, 0, 12, pkt.length, new Uint8Array(0))).toBeUndefined();
  });

  it('drops packets no key authenticates (wrong key, tampered payload)', () => {
    const d = new SrtpStreamDecryptor([KEY_B]);
    const pkt = protect(KEY_A, 10, 0, payload(10));
    expect(d.decrypt(pkt, 0, 12, pkt.length, new Uint8Array(0))).toBeUndefined();
    const good = new SrtpStreamDecryptor([KEY_A]);
    pkt[40]! ^= 1;
    expect(good.decrypt(pkt, 0, 12, pkt.length, new Uint8Array(0))).toBeUndefined();
    expect([d.authFailures, good.authFailures, good.keyed]).toEqual([1, 1, false]);
  });

  it('optional (RTP/AVP with SDES offered): plain RTP is passed on as it is', () => {
    const d = new SrtpStreamDecryptor([KEY_A], true);
    const plain = Uint8Array.from([0x80, 8, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4, ...payload(1)]);
    expect(d.decrypt(plain, 0, 12, plain.length, new Uint8Array(0))).toBeUndefined();
    expect([d.plain, d.authFailures]).toEqual([true, 0]);
  });
});

describe('SRTP packets with RTP padding (P bit), in a capture', () => {
  it('are decrypted, their padding removed after decryption; the tag\'s last byte is never read as a padding count', async () => {
    const payload = (seq: number): Uint8Array => Uint8Array.from({ length: 160 }, (_, i) => (seq * 13 + i * 7) & 255);
    const sdpA = sdpText({ ip: '203.0.113.10', port: 4000, proto: 'RTP/SAVP', formats: '8', extra: ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:zdatDBr03RvxtflUj7nn5lUj7dadXOFGCkF5HopA'] });
    const sdpB = sdpText({ ip: '198.51.100.20', port: 5000, proto: 'RTP/SAVP', formats: '8', extra: ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:gBUX3jFk6jrHO6j71F7bgY12IMOi9jmD73R0CExT'] });
    const frames: FrameSpec[] = offerAnswerFrames('padded-srtp', '203.0.113.10', '198.51.100.20', sdpA, sdpB, 1000);
    // 40 packets, every third one padded (1 to 12 bytes); the first and the last plain.
    const seqs = Array.from({ length: 40 }, (_, i) => 100 + i);
    const pads = seqs.map((seq, i) => (i > 0 && i < 39 && i % 3 === 0 ? 1 + (seq % 12) : 0));
    const packets = seqs.map((seq, i) => protect(KEY_A, seq, 0, payload(seq), 0x11223344, pads[i]));
    // What the test is about: padded packets whose tag ends in a byte that, read as a padding count, is 0 or too
    // large (the plain-RTP check would refuse them).
    expect(packets.filter((pkt, i) => pads[i]! > 0 && (pkt[pkt.length - 1] === 0 || pkt[pkt.length - 1]! > pkt.length - 12)).length).toBeGreaterThan(0);
    packets.forEach((pkt, i) => frames.push({ time: 1000.2 + i * 0.02, src: '203.0.113.10', dst: '198.51.100.20', srcPort: 4000, dstPort: 5000, payload: pkt }));
    const model = await importCapture(memoryByteSource(pcapOf(frames)));
    const st = model.streams.find((x) => x.srcPort === 4000)!;
    const r = await streamsToWav(model, model.source, [st]);
    expect(r.streams[0]).toMatchObject({ channel: 1, srtp: { decrypted: 40, authFailures: 0 }, lostPackets: 0 });
    // Every packet's 160 A-law codes, no padding byte among them: the WAV holds exactly the payloads decoded.
    const alaw = pcmaTable();
    const expected = seqs.flatMap((seq) => Array.from(payload(seq), (c) => alaw[c]!));
    const v = new DataView(r.wav.buffer, r.wav.byteOffset + 44);
    expect(Array.from({ length: r.wav.length / 2 - 22 }, (_, k) => v.getInt16(k * 2, true))).toEqual(expected);
  });
});

describe('SRTP in a real call (samples/captures/baresip-call-srtp.pcap, baresip ↔ baresip, SDES)', () => {
  it('decrypts both directions with the keys of the call’s SDP: the caller’s 440 Hz and the callee’s 880 Hz sines', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../../samples/captures/baresip-call-srtp.pcap')));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.map((s) => model.media.get(s.matched!.declaration).proto)).toEqual(['RTP/SAVP', 'RTP/SAVP']);
    expect(await sdesKeysOfCall(model, 0)).toHaveLength(2); // one per party
    const r = await streamsToWav(model, model.source, model.streams);
    expect(r.streams.map((x) => [x.channel, x.srtp])).toEqual([
      [1, { decrypted: model.streams[0]!.packets, authFailures: 0 }],
      [2, { decrypted: model.streams[1]!.packets, authFailures: 0 }],
    ]);
    // The WAV's channels: frequency from zero crossings over one second in the middle.
    for (const [c, st] of model.streams.entries()) {
      const x = wavChannel(r.wav, 2, c, 4000, 12000);
      expect(Math.abs(zeroCrossingHz(x, 8000) - (st.src === '127.0.0.10' ? 440 : 880))).toBeLessThan(3);
      expect(rms(x)).toBeGreaterThan(5000);
    }
  });

  it('without the keys (SDP given no a=crypto), the streams say why they cannot be played', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../../samples/captures/baresip-call-srtp.pcap')));
    // Replace "a=crypto:" by "a=cryptx:" (same length: offsets and Content-Length stay right).
    const text = new TextDecoder('latin1').decode(bytes);
    const masked = Uint8Array.from(text.replaceAll('a=crypto:', 'a=cryptx:'), (ch) => ch.charCodeAt(0));
    const model = await importCapture(memoryByteSource(masked));
    const r = await streamsToWav(model, model.source, model.streams);
    expect(r.wav.length).toBe(0);
    expect(r.streams.map((x) => x.reason)).toEqual([
      "SRTP: no a=crypto key (RFC 4568) in the call's SDP: DTLS-SRTP keys are never in a capture",
      "SRTP: no a=crypto key (RFC 4568) in the call's SDP: DTLS-SRTP keys are never in a capture",
    ]);
  });
});

describe('SIP over TLS + SRTP (samples/captures/tls/baresip-call-tls-srtp.pcap, scripts/record-tls-sample.sh with SRTP=1)', () => {
  const dir = join(__dirname, '../../../samples/captures/tls');
  const bytes = new Uint8Array(readFileSync(join(dir, 'baresip-call-tls-srtp.pcap')));
  it('the SDES keys are inside TLS: with the RSA key beside the capture, the SIP and then the media decrypt', async () => {
    // Without the TLS key no SDP is readable, so no stream is found through SDP (and no key for SRTP).
    expect((await importCapture(memoryByteSource(bytes))).streams).toEqual([]);
    const model = await importCapture(memoryByteSource(bytes), { tls: { rsaKeys: [readFileSync(join(dir, 'baresip-call-tls-srtp.key'), 'utf8')] } });
    expect(model.messages.get(0).transport).toBe('TLS');
    expect(model.streams.map((s) => model.media.get(s.matched!.declaration).proto)).toEqual(['RTP/SAVP', 'RTP/SAVP']);
    const r = await streamsToWav(model, model.source, model.streams);
    expect(r.streams.map((x) => [x.channel, x.srtp?.authFailures, x.srtp?.decrypted])).toEqual(model.streams.map((st, i) => [i + 1, 0, st.packets]));
    for (let c = 0; c < 2; c++) {
      // Both baresips send a 440 Hz sine in this recording.
      expect(Math.abs(zeroCrossingHz(wavChannel(r.wav, 2, c, 8000, 16000), 8000) - 440)).toBeLessThan(3);
    }
  });
});
