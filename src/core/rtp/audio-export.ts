// Decoded RTP audio as one WAV file, shared by `sipscope audio` and the capture editor's Play / Save as WAV: which
// streams can be played, and some streams' audio aligned on capture time, one WAV channel each.
import type { ByteSource } from '../bytes/byte-source';
import { loadMessageBytes, type CaptureModel } from '../capture/import-capture';
import { findSdpBodies } from '../sdp/parse-sdp';
import { parseSipMessage } from '../sip/parse-message';
import { decodeUtf8 } from '../text/decode';
import { isSrtpProfile } from './audio-channels';
import { audioCodecSupport, encodeWav, extractStreamAudio, mixCallAudio, type ExtractAudioOptions } from './audio';
import type { PayloadFormat } from './codecs';
import { sdesKeysInSdp, SrtpStreamDecryptor, type SdesKey } from './srtp';
import type { RtpStreamInfo } from './stream';

/** Whether a stream's audio can be decoded (its main codec), and why not. */
export interface AudioSupport {
  playable: boolean;
  /** Why not (`codec G729 is not decoded ...`); undefined when playable. */
  reason: string | undefined;
}

/** Can `st`'s main codec be decoded (G.711 µ-law/A-law, G.722, G.726, GSM, Opus, L16)? Decided from the stream info alone (no capture read). */
export function audioSupport(st: Pick<RtpStreamInfo, 'codec' | 'clockRate'>): AudioSupport {
  const reason = audioCodecSupport(st.codec, st.clockRate);
  return { playable: reason === undefined, reason };
}

/**
 * The streams of call `callIndex` (CaptureModel.streams indexes) whose audio can be decoded, in order of their first
 * packet (the order of CaptureModel.streams). Empty for a call without any (or callIndex < 0: heuristic streams).
 */
export function playableCallStreams(streams: readonly RtpStreamInfo[], callIndex: number): number[] {
  if (callIndex < 0) return [];
  return streams.filter((st) => st.callIndex === callIndex && audioSupport(st).playable).map((st) => st.index);
}

/** One stream of a StreamsWav: which channel holds it, or why none does. */
export interface StreamsWavEntry {
  streamIndex: number;
  codec: string;
  /** 1-based WAV channel; 0 = not in the file (see `reason`). With `mono` every decoded stream is in channel 1. */
  channel: number;
  reason: string | undefined;
  /** Packets decoded onto the timeline, and those missing by sequence number (RFC 3550 A.3): silence in the file. */
  packets: number;
  lostPackets: number;
  /**
   * The per-stream length cap (`maxSeconds`) cut this stream's audio, or the call's timeline cap (mixCallAudio's
   * `maxSeconds`, two hours) left part or all of it out.
   */
  truncated: boolean;
  /** SRTP streams: decrypted with an SDES key of the call (`decrypted` packets), or why not (`reason`). */
  srtp: { decrypted: number; authFailures: number } | undefined;
}

/** Audio of some streams as a WAV file (streamsToWav). */
export interface StreamsWav {
  /** RIFF/WAVE, PCM 16-bit little-endian, one channel per decoded stream in the order asked; empty when none decoded. */
  wav: Uint8Array;
  /** Hz (0 when nothing was decoded). */
  sampleRate: number;
  channels: number;
  /** Seconds of audio in `wav`. */
  durationSec: number;
  /** Capture time (epoch seconds, fractional) of the first sample. */
  startSec: number;
  /** One entry per stream asked for, in that order. */
  streams: StreamsWavEntry[];
}

export interface StreamsWavOptions extends Pick<ExtractAudioOptions, 'maxSeconds' | 'chunkSize' | 'isCancelled'> {
  /** One channel with every stream summed (clipped) instead of one channel per stream. */
  mono?: boolean;
}

/**
 * The SDES master keys (RFC 4568 a=crypto, suites srtp.ts decrypts) in the SDP bodies of call `callIndex`'s messages,
 * read again from the capture; empty for a call without any.
 */
export async function sdesKeysOfCall(model: CaptureModel, callIndex: number): Promise<SdesKey[]> {
  const call = model.calls[callIndex];
  if (!call) return [];
  const keys: SdesKey[] = [];
  for (const id of call.messageIds) {
    if (!model.messages.get(id).hasSdp) continue;
    const { message } = parseSipMessage(await loadMessageBytes(model, id));
    for (const body of findSdpBodies(message)) sdesKeysInSdp(decodeUtf8(body.bytes), keys);
  }
  return keys;
}

/**
 * SRTP decryptors for the streams that need one (RFC 3711): streams whose matched SDP has a secure profile
 * (`RTP/SAVP`, `RTP/SAVPF`, `UDP/TLS/RTP/SAVP(F)`), and, as optional ones, RTP/AVP streams of calls whose SDP offers
 * SDES keys (best-effort SRTP: plain when no key authenticates the first packet). The keys are every a=crypto key of
 * the stream's call; the one that authenticates the packets is the sender's.
 */
async function srtpDecryptors(model: CaptureModel, streams: readonly RtpStreamInfo[]): Promise<Map<RtpStreamInfo, SrtpStreamDecryptor>> {
  const out = new Map<RtpStreamInfo, SrtpStreamDecryptor>();
  const keysOfCall = new Map<number, SdesKey[]>();
  for (const st of streams) {
    if (st.callIndex < 0) continue;
    let keys = keysOfCall.get(st.callIndex);
    if (keys === undefined) keysOfCall.set(st.callIndex, (keys = await sdesKeysOfCall(model, st.callIndex)));
    const secure = st.matched !== undefined && isSrtpProfile(model.media.get(st.matched.declaration).proto);
    if (secure || keys.length > 0) out.set(st, new SrtpStreamDecryptor(keys, !secure));
  }
  return out;
}

/**
 * Decode `streams` (RtpStreamInfo of `model`, read again from `source`: one pass over the capture) and lay them out as
 * one WAV file aligned on capture time (extractStreamAudio, mixCallAudio, encodeWav): packets lost are silence, and
 * streams at different rates are resampled to the highest. L16 channel counts come from the SDP the stream matched;
 * SRTP streams are decrypted with the SDES keys of their call's SDP (srtpDecryptors). Rejects only when the source
 * cannot be read; streams that cannot be decoded get channel 0 and a reason.
 */
export async function streamsToWav(model: CaptureModel, source: ByteSource, streams: readonly RtpStreamInfo[], opts: StreamsWavOptions = {}): Promise<StreamsWav> {
  const formatOf = (st: RtpStreamInfo, pt: number): PayloadFormat | undefined =>
    st.matched ? model.media.formatsOf(st.matched.declaration).find((f) => f.payloadType === pt) : undefined;
  const decryptors = await srtpDecryptors(model, streams);
  const audio = await extractStreamAudio(source, streams, {
    maxSeconds: opts.maxSeconds,
    chunkSize: opts.chunkSize,
    isCancelled: opts.isCancelled,
    formatOf,
    srtp: (st) => decryptors.get(st),
  });
  const decoded = audio.filter((a) => a.supported && a.samples.length > 0);
  let channel = 0;
  const entries = audio.map((a): StreamsWavEntry => {
    const inFile = a.supported && a.samples.length > 0;
    if (inFile) channel = opts.mono === true ? 1 : channel + 1;
    return {
      streamIndex: a.streamIndex,
      codec: a.codec,
      channel: inFile ? channel : 0,
      reason: inFile ? undefined : (a.reason ?? 'no packet of the stream was found in the capture'),
      packets: a.packets,
      lostPackets: a.lostPackets,
      truncated: a.truncated,
      srtp: a.srtp,
    };
  });
  if (decoded.length === 0) return { wav: new Uint8Array(0), sampleRate: 0, channels: 0, durationSec: 0, startSec: 0, streams: entries };
  const mixed = mixCallAudio(decoded, { mono: opts.mono });
  decoded.forEach((a, k) => {
    if (mixed.cut[k]) entries[audio.indexOf(a)]!.truncated = true;
  });
  const length = mixed.channels[0]?.length ?? 0;
  return {
    wav: encodeWav(mixed.channels, mixed.sampleRate),
    sampleRate: mixed.sampleRate,
    channels: mixed.channels.length,
    durationSec: length / mixed.sampleRate,
    startSec: mixed.startSec,
    streams: entries,
  };
}
