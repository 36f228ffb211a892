// RTP stream audio ("listen to a call", as Wireshark's RTP Player / "Save audio"): G.711, G.722, G.726, GSM, L16 and Opus payloads decoded to
// 16-bit PCM and placed on each stream's timeline by RTP timestamp (lost packets leave silence), one call's streams
// aligned by capture time, and RIFF/WAVE bytes. One pass over the capture; never throws on input.
import type { ByteSource } from '../bytes/byte-source';
import { u16be, u32be } from '../bytes/cursor';
import type { NetPacket } from '../decode/types';
import { isComfortNoise, isTelephoneEvent, STATIC_PAYLOAD_FORMATS, type PayloadFormat } from './codecs';
import { rtpPayloadEnd, type RtpStreamInfo } from './stream';
import { G722Decoder } from './g722';
import { G726Decoder } from './g726';
import { GsmDecoder } from './gsm';
import { createOpusDecoder, OPUS_RTP_CLOCK, OPUS_SAMPLE_RATE } from './opus';
import type { SrtpStreamDecryptor } from './srtp';
import { forEachStreamPacket } from './stream-packets';

// ---- ITU-T G.711 ----

/**
 * µ-law expansion table (ITU-T G.711 §3, Table 2a), index = code byte, value = linear sample scaled to 16 bits.
 * Codes are transmitted inverted; the 14-bit magnitude of segment `exp` and step `mant` is ((2·mant + 33) << exp) - 33
 * (0..8031), times 4 for 16 bits, as Sun's g711.c ulaw2linear: 0x00 -> -32124, 0x80 -> 32124, 0xFF and 0x7F -> 0.
 */
const ULAW = buildUlawTable();

/**
 * A-law expansion table (ITU-T G.711 §3, Table 1a): even bits inverted (XOR 0x55), sign bit set = positive; the 13-bit
 * magnitude is 2·mant + 1 in segment 0, else (2·mant + 33) << (exp - 1), times 8 for 16 bits, as Sun's g711.c
 * alaw2linear: 0xD5 -> 8, 0x55 -> -8, 0xAA -> 32256, 0x2A -> -32256.
 */
const ALAW = buildAlawTable();

function buildUlawTable(): Int16Array {
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const exp = (u >> 4) & 7;
    const mant = u & 0x0f;
    const mag = ((((mant << 1) + 33) << exp) - 33) * 4;
    t[code] = u & 0x80 ? -mag : mag;
  }
  return t;
}

function buildAlawTable(): Int16Array {
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const a = code ^ 0x55;
    const exp = (a >> 4) & 7;
    const mant = a & 0x0f;
    const mag = (exp === 0 ? (mant << 1) + 1 : ((mant << 1) + 33) << (exp - 1)) * 8;
    t[code] = a & 0x80 ? mag : -mag;
  }
  return t;
}

/** The 256-entry G.711 µ-law -> 16-bit linear table (a copy; index = code byte). */
export function pcmuTable(): Int16Array {
  return ULAW.slice();
}

/** The 256-entry G.711 A-law -> 16-bit linear table (a copy; index = code byte). */
export function pcmaTable(): Int16Array {
  return ALAW.slice();
}

function expand(table: Int16Array, b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
  const n = Math.max(0, Math.min(e, b.length) - s, 0);
  const m = Math.max(0, Math.min(n, out.length - at));
  for (let i = 0; i < m; i++) out[at + i] = table[b[s + i]!]!;
  return m;
}

/**
 * Decode G.711 µ-law (RFC 3551 §4.5.14 PCMU: one byte per sample, 8000 Hz) bytes `b[s, e)` into 16-bit samples at
 * `out[at...]`. Returns the number of samples written: e - s, fewer when `out` has no room for all (never throws).
 */
export function decodePcmu(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
  return expand(ULAW, b, s, e, out, at);
}

/** Decode G.711 A-law (RFC 3551 §4.5.14 PCMA) bytes `b[s, e)` into `out[at...]`, as decodePcmu. */
export function decodePcma(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
  return expand(ALAW, b, s, e, out, at);
}

/**
 * Decode L16 (RFC 3551 §4.5.11: 16-bit signed big-endian samples, `channels` interleaved per sampling instant) bytes
 * `b[s, e)` into mono samples at `out[at...]`: each frame's channels are averaged (rounded toward zero). A trailing
 * partial frame is ignored. Returns the number of frames written (fewer when `out` has no room; never throws).
 */
export function decodeL16(b: Uint8Array, s: number, e: number, channels: number, out: Int16Array, at: number): number {
  const ch = Math.max(1, Math.floor(channels));
  const frameBytes = 2 * ch;
  const frames = Math.max(0, Math.floor((Math.min(e, b.length) - s) / frameBytes));
  const m = Math.max(0, Math.min(frames, out.length - at));
  let o = s;
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let c = 0; c < ch; c++, o += 2) sum += ((b[o]! << 24) | (b[o + 1]! << 16)) >> 16;
    out[at + i] = ch === 1 ? sum : Math.trunc(sum / ch);
  }
  return m;
}

// ---- stream audio ----

/**
 * Why the audio of a stream whose main codec is `codec` (RtpStreamInfo.codec, an rtpmap / RFC 3551 encoding name,
 * case-insensitive) with RTP clock rate `clockRate` Hz cannot be decoded here, or undefined when it can: PCMU and
 * PCMA (ITU-T G.711), G722 (ITU-T G.722, 64 kbit/s), G726-16/24/32/40 and AAL2-G726-* (ITU-T G.726, RFC 3551
 * §4.5.4; G721 = G726-32), GSM (GSM 06.10 full rate, RFC 3551 §4.5.8) and OPUS (RFC 7587, by libopus) always, L16
 * (RFC 3551 §4.5.11) with a known clock rate. Everything else (G.729, iLBC, AMR, `PT96`...) and streams with no audio
 * payload type ('') give a reason sentence.
 */
export function audioCodecSupport(codec: string, clockRate: number): string | undefined {
  const upper = codec.toUpperCase();
  if (upper === 'PCMU' || upper === 'PCMA' || upper === 'G722' || upper === 'OPUS' || upper === 'GSM' || g726Variant(upper) !== undefined) return undefined;
  if (upper === 'L16') return Number.isFinite(clockRate) && clockRate > 0 ? undefined : `codec ${codec} has no known clock rate`;
  if (codec === '') return 'the stream carries no audio payload type (only comfort noise or telephone-event)';
  return `codec ${codec} is not decoded (supported: PCMU, PCMA, G722, G726, GSM, L16, opus)`;
}

/**
 * G.726 bits per sample and packing of an RTP encoding name (uppercase): RFC 3551 §4.5.4 `G726-16/24/32/40` (code
 * words from the least significant bit of each octet), `AAL2-G726-*` (ITU-T I.366.2: from the most significant bit),
 * and `G721`, RFC 1890's name for G726-32 (static payload type 2). undefined for any other name.
 */
export function g726Variant(upper: string): { bits: number; msbFirst: boolean } | undefined {
  if (upper === 'G721') return { bits: 4, msbFirst: false };
  const m = /^(AAL2-)?G726-(16|24|32|40)$/.exec(upper);
  return m ? { bits: Number(m[2]) / 8, msbFirst: m[1] !== undefined } : undefined;
}

/** Decoded audio of one RTP stream (a plain object; `samples` is a typed array). */
export interface StreamAudio {
  /** RtpStreamInfo.index of the stream. */
  streamIndex: number;
  /** The stream's main codec (RtpStreamInfo.codec; '' when it carried no audio payload type). */
  codec: string;
  /** Output sampling rate in Hz: 8000 for G.711, 16000 for G.722 and Opus, the rtpmap rate for L16; the RTP clock rate for unsupported codecs. */
  sampleRate: number;
  /** Mono 16-bit PCM at `sampleRate`; sample 0 is at `startSec`. Empty when unsupported or no packet was placed. */
  samples: Int16Array;
  /**
   * Capture time (epoch seconds, fractional) of sample 0: the arrival of the stream's first packet, moved earlier when
   * a reordered packet with an earlier RTP timestamp arrives later (see extractStreamAudio). For a stream with no
   * packet found: the RtpStreamInfo start time.
   */
  startSec: number;
  /** samples.length / sampleRate, seconds. */
  durationSec: number;
  /** Packets of the main codec decoded onto the timeline (duplicates counted once). */
  packets: number;
  /**
   * RFC 3550 A.3: expected (extended highest - first sequence number + 1, all payload types, a confirmed jump of more
   * than 3000 starting a new count as in A.1) minus distinct packets received; never negative (unlike
   * RtpStreamInfo.lost, duplicates do not offset losses).
   */
  lostPackets: number;
  /** Packets whose sequence number was already received (RFC 4733 event retransmissions excepted): not written again. */
  duplicatePackets: number;
  /** Comfort noise packets (RFC 3389, PT 13/19 or `CN`): silence for their time. */
  comfortNoisePackets: number;
  /** RFC 4733 telephone-event packets, end-of-event retransmissions included: ignored (audio around them covers the time). */
  eventPackets: number;
  /** Packets not decoded: other audio payload types than the main codec (silence, the timeline does not move), unsupported codecs, beyond the cap. */
  skippedPackets: number;
  /** Timestamp jumps treated as re-synchronisation (placed by arrival time instead). */
  resyncs: number;
  /** False when the codec cannot be decoded here (G.729, GSM, Opus, G.722...): see `reason`. */
  supported: boolean;
  /** Why `supported` is false (codec name, or no audio payload type); absent when supported. */
  reason?: string;
  /** The `maxSeconds` cap was reached: audio after it is missing. */
  truncated: boolean;
  /** SRTP streams (ExtractAudioOptions.srtp): packets decrypted, and packets no key authenticated (in skippedPackets). */
  srtp?: { decrypted: number; authFailures: number };
}

export interface ExtractAudioOptions {
  /** Most seconds of audio per stream (default 3600): later samples are dropped and `truncated` is set. */
  maxSeconds?: number;
  /** An RTP timestamp step larger than this many seconds (either way) is a re-synchronisation (default 10). */
  maxJumpSec?: number;
  /**
   * Payload format of a stream's payload type as its SDP declared it (e.g. from CaptureModel.media): used for the L16
   * channel count (a=rtpmap `L16/<rate>/<channels>`), which RtpStreamInfo does not carry. Default: the RFC 3551 static
   * table (PT 10 stereo, PT 11 mono), else mono.
   */
  formatOf?: (stream: RtpStreamInfo, payloadType: number) => PayloadFormat | undefined;
  /** Bytes per read from the source (readCapture's chunkSize). */
  chunkSize?: number;
  /** Polled between chunks: true stops reading; streams hold what was read so far. */
  isCancelled?: () => boolean;
  /**
   * SRTP (RFC 3711): the decryptor of a stream whose payloads are encrypted (from the call's SDES keys, srtp.ts), or
   * undefined for plain RTP. Packets no key authenticates are skipped; a stream no key authenticates gives
   * `supported: false` (an `optional` decryptor, for RTP/AVP streams of a call offering SDES, passes them on as plain).
   */
  srtp?: (stream: RtpStreamInfo) => SrtpStreamDecryptor | undefined;
}

/** Payload type roles within a stream. */
const PT_OTHER = 0;
const PT_MAIN = 1;
const PT_CN = 2;
const PT_EVENT = 3;

/**
 * How a stream's main codec turns RTP payloads into samples: its output rate, the output samples per RTP timestamp
 * unit, and the decoding (stateful decoders are fed in arrival order, each packet then placed by its timestamp).
 */
interface PayloadDecoder {
  /** Output sampling rate in Hz. */
  readonly sampleRate: number;
  /** Output samples per RTP timestamp unit. */
  readonly ratio: number;
  /**
   * Decode the payload b[s, e) into `out` from `at` (never past out.length); returns the samples written, or -1 when
   * the decoder rejects the payload (the packet is skipped). StreamTrack decodes into `scratch`, which has room for
   * any payload's samples.
   */
  decode(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number;
  /** Release what the decoder holds outside the JS heap (libopus's memory). */
  free?(): void;
}

/**
 * Where each payload is decoded before it is placed: the most samples one UDP payload (< 64 KiB) can hold, 4 per
 * byte (G.726 at 16 kbit/s); an Opus packet holds at most 120 ms (RFC 6716 §3.2.5).
 */
const scratch = new Int16Array(4 * 65536);

/**
 * The decoder of `codec` (uppercase encoding name) at RTP clock rate `clock` with `channels` (L16), or undefined for
 * a codec decoded asynchronously (Opus: opusPayloadDecoder) or not at all. RFC 3551: G.711 (§4.5.14), G.726
 * (§4.5.4) and GSM (§4.5.8) are 8000 Hz; G.722 is 16 kHz on an 8000 Hz RTP clock (§4.5.2), whatever an rtpmap says;
 * L16's clock rate is its sampling rate (§4.5.11).
 */
function payloadDecoder(upper: string, clock: number, channels: number): PayloadDecoder | undefined {
  // Each decoder below returns the samples it wrote.
  if (upper === 'PCMU') return { sampleRate: 8000, ratio: 1, decode: decodePcmu };
  if (upper === 'PCMA') return { sampleRate: 8000, ratio: 1, decode: decodePcma };
  if (upper === 'G722') {
    const g722 = new G722Decoder();
    return { sampleRate: 16000, ratio: 2, decode: (b, s, e, out, at) => g722.decode(b, s, e, out, at) };
  }
  if (upper === 'GSM') {
    const gsm = new GsmDecoder();
    return { sampleRate: 8000, ratio: 1, decode: (b, s, e, out, at) => gsm.decode(b, s, e, out, at) };
  }
  const g726 = g726Variant(upper);
  if (g726 !== undefined) {
    const d = new G726Decoder(g726.bits, g726.msbFirst);
    return { sampleRate: 8000, ratio: 1, decode: (b, s, e, out, at) => d.decode(b, s, e, out, at) };
  }
  if (upper === 'L16' && Number.isFinite(clock) && clock > 0) {
    return { sampleRate: clock, ratio: 1, decode: (b, s, e, out, at) => decodeL16(b, s, e, channels, out, at) };
  }
  return undefined;
}

/**
 * An Opus stream's decoder (RFC 7587: one Opus packet per RTP payload, 2.5 to 120 ms, its length known only once
 * decoded; the RTP clock is 48 kHz whatever the audio bandwidth, §4.1), or a sentence saying why there is none.
 */
async function opusPayloadDecoder(): Promise<PayloadDecoder | string> {
  const d = await createOpusDecoder();
  if (typeof d === 'string') return d;
  return {
    sampleRate: OPUS_SAMPLE_RATE,
    ratio: OPUS_SAMPLE_RATE / OPUS_RTP_CLOCK,
    decode: (b, s, e, out, at) => d.decode(b, s, e, out, at, out.length - at),
    free: () => d.free(),
  };
}

/** RFC 3550 A.1 limits for the sequence number bookkeeping (loss and duplicates). */
const MAX_DROPOUT = 3000;
const WINDOW_BITS = 1024;
/** A packet up to this many seconds before sample 0 (reordered first packets) grows the timeline at the front. */
const MAX_EARLY_SEC = 1;
/** Most seconds allocated up front (the stream's arrival span + 1 s, when shorter); buffers double beyond it. */
const INITIAL_CAPACITY_SEC = 600;

/** Per-stream extraction state. */
class StreamTrack {
  readonly roles = new Uint8Array(128);
  /** The main codec's decoder (undefined: not decoded here; for Opus until extractStreamAudio sets it). */
  decoder: PayloadDecoder | undefined;
  /** The main codec is Opus: its decoder is made asynchronously (setDecoder). */
  readonly opus: boolean;
  sampleRate: number;
  /** Output samples per RTP timestamp unit. */
  ratio = 1;
  maxSamples: number;
  maxJump: number;
  maxEarly: number;
  supported = true;
  reason: string | undefined;

  buf = new Int16Array(0);
  end = 0;
  started = false;
  startSec = 0;
  refTs = 0;
  refPos = 0;

  seqStarted = false;
  baseExt = 0;
  maxExt = 0;
  expectedAcc = 0;
  received = 0;
  badSeq = -1;
  readonly window = new Uint32Array(WINDOW_BITS / 32);

  packets = 0;
  duplicates = 0;
  cn = 0;
  events = 0;
  skipped = 0;
  resyncs = 0;
  truncated = false;

  constructor(
    readonly info: RtpStreamInfo,
    opts: ExtractAudioOptions,
  ) {
    const codec = info.codec;
    const upper = codec.toUpperCase();
    let mainFormat: PayloadFormat | undefined;
    for (let i = 0; i < info.payloadTypes.length; i++) {
      const pt = info.payloadTypes[i]!;
      if (pt < 0 || pt > 127) continue;
      const name = info.codecs[i] ?? STATIC_PAYLOAD_FORMATS.get(pt)?.encoding ?? '';
      if (isComfortNoise(pt) || name.toUpperCase() === 'CN') this.roles[pt] = PT_CN;
      else if (isTelephoneEvent(name)) this.roles[pt] = PT_EVENT;
      else if (codec !== '' && name.toUpperCase() === upper) {
        this.roles[pt] = PT_MAIN;
        mainFormat ??= opts.formatOf?.(info, pt) ?? STATIC_PAYLOAD_FORMATS.get(pt);
      }
    }
    // Payload types the stream info does not list (should not happen): static CN is still comfort noise.
    for (const pt of [13, 19]) if (!info.payloadTypes.includes(pt)) this.roles[pt] = PT_CN;

    const clock = info.clockRate > 0 ? info.clockRate : (mainFormat?.clockRate ?? 0);
    this.reason = audioCodecSupport(codec, clock);
    this.supported = this.reason === undefined;
    this.opus = this.supported && upper === 'OPUS';
    const channels = Math.max(1, Math.floor(mainFormat?.channels ?? 1));
    this.decoder = this.supported ? payloadDecoder(upper, clock, channels) : undefined;
    // Opus's rate and ratio are known before its decoder exists; an unsupported codec keeps its RTP clock rate.
    this.sampleRate = this.opus ? OPUS_SAMPLE_RATE : (this.decoder?.sampleRate ?? (Number.isFinite(clock) && clock > 0 ? clock : 0));
    this.ratio = this.opus ? OPUS_SAMPLE_RATE / OPUS_RTP_CLOCK : (this.decoder?.ratio ?? 1);
    const rate = this.sampleRate;
    this.maxSamples = Math.max(0, Math.floor((opts.maxSeconds ?? 3600) * rate));
    this.maxJump = Math.max(1, (opts.maxJumpSec ?? 10) * rate);
    this.maxEarly = MAX_EARLY_SEC * rate;
  }

  /** The Opus decoder once made, or why there is none (the stream then says so, every packet skipped). */
  setDecoder(d: PayloadDecoder | string): void {
    if (typeof d !== 'string') this.decoder = d;
    else {
      this.supported = false;
      this.reason = d;
    }
  }

  /** RFC 3550 A.1-style sequence bookkeeping; returns false for a duplicate. */
  private sequence(seq: number): boolean {
    const w = this.window;
    if (!this.seqStarted) {
      this.seqStarted = true;
      this.baseExt = this.maxExt = seq + 65536;
      this.mark(this.maxExt);
      this.received++;
      return true;
    }
    const delta = (((seq - this.maxExt) & 0xffff) << 16) >> 16; // signed 16-bit step from the highest
    if (delta > 0 && delta <= MAX_DROPOUT) {
      const from = this.maxExt;
      this.maxExt += delta;
      if (delta >= WINDOW_BITS) w.fill(0);
      else for (let x = from + 1; x <= this.maxExt; x++) w[(x & (WINDOW_BITS - 1)) >>> 5]! &= ~(1 << (x & 31));
      this.mark(this.maxExt);
      this.received++;
      this.badSeq = -1;
      return true;
    }
    if (delta <= 0 && delta > -WINDOW_BITS) {
      const x = this.maxExt + delta;
      if (this.marked(x)) return false;
      this.mark(x);
      this.received++;
      this.badSeq = -1;
      return true;
    }
    // A large jump: a restart when the next packet confirms it (RFC 3550 A.1), else a stray packet.
    if (seq === this.badSeq) {
      this.expectedAcc += this.maxExt - this.baseExt + 1;
      this.baseExt = seq + 65536 - 1;
      this.maxExt = seq + 65536;
      w.fill(0);
      this.mark(this.baseExt);
      this.mark(this.maxExt);
      this.badSeq = -1;
    } else this.badSeq = (seq + 1) & 0xffff;
    this.received++;
    return true;
  }

  private mark(x: number): void {
    this.window[(x & (WINDOW_BITS - 1)) >>> 5]! |= 1 << (x & 31);
  }

  private marked(x: number): boolean {
    return (this.window[(x & (WINDOW_BITS - 1)) >>> 5]! & (1 << (x & 31))) !== 0;
  }

  lost(): number {
    if (!this.seqStarted) return 0;
    return Math.max(0, this.expectedAcc + this.maxExt - this.baseExt + 1 - this.received);
  }

  /** One RTP packet of this stream: header at b[s], payload b[ps, pe). */
  add(p: NetPacket, b: Uint8Array, s: number, ps: number, pe: number): void {
    const seq = u16be(b, s + 2);
    const role = this.roles[b[s + 1]! & 0x7f]!;
    const fresh = this.sequence(seq);
    if (role === PT_EVENT) {
      // RFC 4733 §2.5.1.4: the end packet of an event is sent three times with one sequence number.
      this.events++;
      return;
    }
    if (!fresh) {
      this.duplicates++;
      return;
    }
    if (!this.supported) {
      if (role === PT_CN) this.cn++;
      else this.skipped++;
      if (!this.started) this.begin(p, b, s);
      return;
    }
    if (role === PT_OTHER) {
      this.skipped++;
      return;
    }
    const ts = u32be(b, s + 4);
    const t = p.timeSec + p.timeNsec / 1e9;
    let pos: number;
    let newer = true;
    if (!this.started) {
      this.begin(p, b, s);
      pos = 0;
    } else {
      // RFC 3550 §5.1: timestamps compare modulo 2^32; the signed 32-bit difference to the newest packet handles wrap.
      const d = Math.round(((ts - this.refTs) | 0) * this.ratio);
      pos = this.refPos + d;
      newer = d >= 0;
      if (d > this.maxJump || d < -this.maxJump || pos < -this.maxEarly) {
        pos = this.resync(t);
        newer = true;
      } else if (pos < 0) {
        this.growFront(-pos);
        pos = 0;
      }
    }
    if (role === PT_CN) {
      // RFC 3389: noise until the next packet; here silence, which the timeline already holds. Its time counts.
      this.cn++;
      if (pos > this.end) {
        const end = Math.min(pos, this.maxSamples);
        this.reserve(end);
        this.end = end;
      }
      if (newer) this.setRef(ts, pos);
      return;
    }
    if (pos >= this.maxSamples) {
      this.truncated = true;
      this.skipped++;
      return;
    }
    // Decoded into a scratch buffer first (a payload's length in samples may be known only once decoded: Opus),
    // then copied onto the timeline, cut at maxSamples.
    const n = this.decoder!.decode(b, ps, pe, scratch, 0);
    if (n < 0) {
      this.skipped++;
      return;
    }
    let room = Math.min(n, scratch.length);
    if (pos + room > this.maxSamples) {
      this.truncated = true;
      room = this.maxSamples - pos;
    }
    this.reserve(pos + room);
    this.buf.set(scratch.subarray(0, room), pos);
    if (pos + room > this.end) this.end = pos + room;
    this.packets++;
    if (newer) this.setRef(ts, pos);
  }

  private begin(p: NetPacket, b: Uint8Array, s: number): void {
    this.started = true;
    this.startSec = p.timeSec + p.timeNsec / 1e9;
    this.refTs = u32be(b, s + 4);
    this.refPos = 0;
  }

  private setRef(ts: number, pos: number): void {
    this.refTs = ts;
    this.refPos = pos;
  }

  /** A timestamp jump: place the packet by its arrival time (never over audio already placed). */
  private resync(t: number): number {
    this.resyncs++;
    const byArrival = Math.round((t - this.startSec) * this.sampleRate);
    return Math.max(byArrival, this.end);
  }

  /** A packet `k` samples before sample 0: move everything later by k (startSec earlier). */
  private growFront(k: number): void {
    const end = Math.min(this.end + k, this.maxSamples);
    if (end < this.end + k) this.truncated = true;
    this.reserve(end);
    this.buf.copyWithin(k, 0, end - k);
    this.buf.fill(0, 0, Math.min(k, end));
    this.end = end;
    this.refPos += k;
    this.startSec -= k / this.sampleRate;
  }

  /** Room for `n` samples (geometric growth, capped at maxSamples). */
  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    // First allocation: the stream's arrival span plus a second (so a typical stream is allocated once), at most
    // INITIAL_CAPACITY_SEC; then doubling.
    const first = Math.ceil(Math.min(INITIAL_CAPACITY_SEC, Math.max(0, this.info.durationSec) + 1) * this.sampleRate);
    let cap = Math.max(this.buf.length * 2, first, n);
    cap = Math.min(cap, Math.max(n, this.maxSamples));
    const next = new Int16Array(cap);
    next.set(this.buf.subarray(0, this.end));
    this.buf = next;
  }

  result(): StreamAudio {
    const info = this.info;
    const samples = this.end === this.buf.length ? this.buf : this.buf.slice(0, this.end);
    const out: StreamAudio = {
      streamIndex: info.index,
      codec: info.codec,
      sampleRate: this.sampleRate,
      samples,
      startSec: this.started ? this.startSec : info.startSec + info.startNsec / 1e9,
      durationSec: this.sampleRate > 0 ? samples.length / this.sampleRate : 0,
      packets: this.packets,
      lostPackets: this.lost(),
      duplicatePackets: this.duplicates,
      comfortNoisePackets: this.cn,
      eventPackets: this.events,
      skippedPackets: this.skipped,
      resyncs: this.resyncs,
      supported: this.supported,
      truncated: this.truncated,
    };
    if (this.reason !== undefined) out.reason = this.reason;
    return out;
  }
}

/**
 * Decode the audio of RTP `streams` (CaptureModel.streams entries, e.g. one call's) in ONE pass over the capture in
 * `source`, one StreamAudio per stream in the order given.
 *
 * A packet belongs to a stream (forEachStreamPacket, stream-packets.ts) when it is UDP with the stream's addresses, ports and SSRC, a valid RTP header
 * (RFC 3550 §5.1, `rtpHeaderLength`; a second byte of 192-223 is RTCP, RFC 5761 §4) and a frame within the stream's
 * firstFrame..lastFrame (reading stops after the last one; IP fragments before a stream's first frame are not
 * reassembled). The payload excludes CSRCs, the header
 * extension and padding (RFC 3550 §5.1 P bit: the last byte counts the padding); a packet cut by the snapshot length
 * contributes the samples captured.
 *
 * Timeline: sample 0 is the first packet; each packet lands at (its RTP timestamp - the newest earlier packet's)
 * converted to samples, relative to that packet's position (RFC 3550 §5.1, modulo 2^32, so timestamps wrap). So lost
 * packets leave silence, reordered packets land in place, duplicates (same sequence number, RFC 3550 A.1) are written
 * once (the first copy). A packet up to 1 s before sample 0 grows the timeline at the front (`startSec` moves
 * earlier). Re-synchronisation: a step of more than `maxJumpSec` (default 10 s of audio) either way, or further before
 * sample 0, places the packet by its arrival time relative to `startSec` instead (never over audio already placed),
 * and later packets continue from there (`resyncs` counts these).
 *
 * Payload types (the stream's `payloadTypes`/`codecs`, else the RFC 3551 static table): the main `codec` is decoded
 * when it is PCMU/PCMA (ITU-T G.711, 8000 Hz), G722 (16 kHz), G.726 (8000 Hz, g726.ts), GSM (06.10 full rate, 8000 Hz, gsm.ts), opus (RFC 7587, libopus, mixed down to mono at 16 kHz:
 * opus.ts) or L16 (RFC 3551 §4.5.11, mixed down to mono, the clock rate as sampling rate, channels from
 * `opts.formatOf`); comfort noise (RFC 3389) is silence up to its timestamp; RFC 4733 telephone-event is ignored; other audio
 * payload types are skipped (silence) and counted. Other main codecs give `supported: false` with a reason and no
 * samples (their packets are still counted). The marker bit needs no handling.
 *
 * Bounds: at most `maxSeconds` (default 3600) of audio per stream, buffers grow geometrically. Never throws on input:
 * bad packets are skipped, a non-capture gives streams without packets. Rejects only when the source's read does.
 */
export async function extractStreamAudio(source: ByteSource, streams: readonly RtpStreamInfo[], opts: ExtractAudioOptions = {}): Promise<StreamAudio[]> {
  const tracks = streams.map((s) => new StreamTrack(s, opts));
  for (const t of tracks) if (t.opus) t.setDecoder(await opusPayloadDecoder());
  try {
    return await extractTracks(source, streams, tracks, opts);
  } finally {
    for (const t of tracks) t.decoder?.free?.();
  }
}

async function extractTracks(source: ByteSource, streams: readonly RtpStreamInfo[], tracks: StreamTrack[], opts: ExtractAudioOptions): Promise<StreamAudio[]> {
  const decryptors = streams.map((s) => opts.srtp?.(s));
  let clear: Uint8Array = new Uint8Array(2048);
  // A plain RTP packet of a stream that might have been SRTP: its padding, checked and removed here.
  const plain = (pos: number, p: NetPacket, h: number): void => {
    const s = p.payloadStart;
    const pe = rtpPayloadEnd(p.buf, s, h, p.payloadEnd);
    if (pe >= 0) tracks[pos]!.add(p, p.buf, s, s + h, pe);
  };
  await forEachStreamPacket(
    source,
    streams,
    (pos, p, h, pe) => {
      const s = p.payloadStart;
      const d = decryptors[pos];
      if (d === undefined) {
        tracks[pos]!.add(p, p.buf, s, s + h, pe);
        return;
      }
      if (d.plain) {
        plain(pos, p, h);
        return;
      }
      // SRTP: the tag ends the UDP payload; padding (RFC 3550 §5.1) is inside the encrypted part.
      const r = d.decrypt(p.buf, s, h, p.payloadEnd, clear);
      if (r === undefined) {
        if (d.plain) plain(pos, p, h);
        return;
      }
      clear = r.out;
      const end = rtpPayloadEnd(clear, 0, h, r.end);
      if (end >= 0) tracks[pos]!.add(p, clear, 0, h, end);
    },
    { chunkSize: opts.chunkSize, isCancelled: opts.isCancelled, encrypted: (pos) => decryptors[pos] !== undefined },
  );
  return tracks.map((t, i) => {
    const r = t.result();
    const d = decryptors[i];
    if (d === undefined || d.plain) return r;
    r.srtp = { decrypted: d.decrypted, authFailures: d.authFailures };
    r.skippedPackets += d.authFailures;
    if (d.keyed || !r.supported) return r;
    const why = d.keyCount === 0 ? 'no a=crypto key (RFC 4568) in the call\'s SDP: DTLS-SRTP keys are never in a capture' : `none of the call's ${d.keyCount} a=crypto keys authenticates its packets`;
    return { ...r, supported: false, reason: `SRTP: ${why}`, samples: new Int16Array(0), durationSec: 0 };
  });
}

// ---- mixing ----

/** One call's streams on one timeline. */
export interface MixedAudio {
  /** Hz, common to all channels. */
  sampleRate: number;
  /** One Int16Array per input stream in the given order (or one when `mono`), all the same length. */
  channels: Int16Array[];
  /** Capture time (epoch seconds) of sample 0: the earliest stream start. */
  startSec: number;
  /** Per input stream: true when samples of it fell beyond `maxSeconds` of the timeline and were left out. */
  cut: boolean[];
}

export interface MixOptions {
  /** Sum all streams into one channel (clipped to 16 bits) instead of one channel per stream. */
  mono?: boolean;
  /** Output rate in Hz (default: the highest rate among streams with samples, 8000 when none). */
  sampleRate?: number;
  /**
   * Longest timeline in seconds (default 7200: two one-hour streams one after the other). The timeline starts at the
   * earliest stream start no more than this before the longest stream's; a stream starting outside it (a damaged
   * capture timestamp, a stream from another day) is left out, and one running past its end is cut, rather than
   * allocating the gap: see `cut`.
   */
  maxSeconds?: number;
}

/** MixOptions.maxSeconds's default. */
const MAX_MIX_SECONDS = 7200;

/**
 * Resample mono 16-bit PCM from `from` Hz to `to` Hz by linear interpolation (no filtering: fine for listening to
 * speech, not for measurements). Returns `x` itself when the rates are equal; length round(x.length * to / from).
 */
export function resampleLinear(x: Int16Array, from: number, to: number): Int16Array {
  if (from === to || x.length === 0 || !(from > 0) || !(to > 0)) return x;
  const n = Math.max(1, Math.round((x.length * to) / from));
  const out = new Int16Array(n);
  const step = from / to;
  const last = x.length - 1;
  for (let i = 0; i < n; i++) {
    const pos = i * step;
    const k = Math.min(Math.floor(pos), last);
    const f = pos - k;
    const a = x[k]!;
    const b = x[k < last ? k + 1 : last]!;
    out[i] = Math.round(a + (b - a) * f);
  }
  return out;
}

/**
 * Align `streams` (one call's StreamAudio, e.g. caller->callee first) on one timeline by their `startSec`, at a common
 * rate (linear resampling when rates differ; none when they are all equal). Default: one channel per stream in the
 * order given (a stereo WAV of two streams = left first), streams without samples as silent channels; `mono` sums
 * them with clipping. Channels are padded with silence to the same length, at most `maxSeconds` long (`cut` says which
 * streams lost samples to that bound).
 */
export function mixCallAudio(streams: readonly StreamAudio[], opts: MixOptions = {}): MixedAudio {
  const audible = streams.filter((s) => s.samples.length > 0 && s.sampleRate > 0);
  const rate = opts.sampleRate ?? (audible.length > 0 ? Math.max(...audible.map((s) => s.sampleRate)) : 8000);
  const from = audible.length > 0 ? audible : streams;
  const maxSeconds = opts.maxSeconds ?? MAX_MIX_SECONDS;
  // Sample 0: the earliest start among streams starting at most maxSeconds before the longest stream's (one stream
  // with a damaged timestamp years earlier must not push the others off the timeline).
  const longest = from.reduce<StreamAudio | undefined>((m, s) => (m === undefined || s.samples.length / s.sampleRate > m.samples.length / m.sampleRate ? s : m), undefined);
  const near = from.filter((s) => longest === undefined || s.startSec >= longest.startSec - maxSeconds);
  const startSec = near.length > 0 ? Math.min(...near.map((s) => s.startSec)) : 0;
  const limit = Math.max(0, Math.floor(maxSeconds * rate));
  const cut = streams.map(() => false);
  const placed = streams.map((s, i) => {
    if (s.samples.length === 0 || !(s.sampleRate > 0)) return { offset: 0, x: new Int16Array(0) };
    const offset = Math.round((s.startSec - startSec) * rate);
    if (!(offset >= 0 && offset < limit)) {
      cut[i] = true;
      return { offset: 0, x: new Int16Array(0) };
    }
    // Only the part that fits is resampled (linear resampling of a prefix gives the prefix of the whole).
    const room = limit - offset;
    const fits = Math.ceil((room * s.sampleRate) / rate) + 1;
    let x = resampleLinear(s.samples.length > fits ? s.samples.subarray(0, fits) : s.samples, s.sampleRate, rate);
    if (x.length > room) {
      x = x.subarray(0, room);
      cut[i] = true;
    }
    return { offset, x };
  });
  const length = placed.reduce((m, p) => Math.max(m, p.x.length > 0 ? p.offset + p.x.length : 0), 0);
  if (opts.mono === true) {
    const sum = new Int32Array(length);
    for (const p of placed) for (let i = 0; i < p.x.length; i++) sum[p.offset + i]! += p.x[i]!;
    const out = new Int16Array(length);
    for (let i = 0; i < length; i++) {
      const v = sum[i]!;
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return { sampleRate: rate, channels: [out], startSec, cut };
  }
  const channels = placed.map((p) => {
    const ch = new Int16Array(length);
    ch.set(p.x, p.offset);
    return ch;
  });
  return { sampleRate: rate, channels, startSec, cut };
}

// ---- WAV ----

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * RIFF/WAVE bytes (WAVE_FORMAT_PCM = 1, 16-bit little-endian signed samples, channels interleaved): a 44-byte header
 * (RIFF size = 36 + data bytes, 16-byte fmt chunk, byte rate = rate * channels * 2, block align = channels * 2, data
 * size) and the frames. Shorter channels are padded with silence to the longest. Throws RangeError only for a caller
 * error: no channel, more than 65535, a sample rate that is not a positive integer below 2^32, or more than 4 GiB.
 */
export function encodeWav(channels: readonly Int16Array[], sampleRate: number): Uint8Array<ArrayBuffer> {
  const nch = channels.length;
  if (nch < 1 || nch > 0xffff) throw new RangeError(`WAV needs 1..65535 channels, got ${nch}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) throw new RangeError(`bad WAV sample rate ${sampleRate}`);
  const frames = channels.reduce((m, c) => Math.max(m, c.length), 0);
  const dataBytes = frames * nch * 2;
  if (36 + dataBytes > 0xffffffff) throw new RangeError(`WAV data too large (${dataBytes} bytes)`);
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // WAVE_FORMAT_PCM
  v.setUint16(22, nch, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * nch * 2, true);
  v.setUint16(32, nch * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  if (LITTLE_ENDIAN_HOST) {
    const pcm = new Int16Array(out.buffer, 44, frames * nch);
    for (let c = 0; c < nch; c++) {
      const x = channels[c]!;
      for (let i = 0, o = c; i < x.length; i++, o += nch) pcm[o] = x[i]!;
    }
  } else {
    for (let c = 0; c < nch; c++) {
      const x = channels[c]!;
      for (let i = 0; i < x.length; i++) v.setInt16(44 + (i * nch + c) * 2, x[i]!, true);
    }
  }
  return out;
}
