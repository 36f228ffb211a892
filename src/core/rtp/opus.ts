// Opus (RFC 6716) payloads of RTP (RFC 7587) decoded to 16-bit PCM for the audio export: a thin adapter over the
// `opus-decoder` library (libopus compiled to WebAssembly, MIT). A codec library is outside what SIPScope exists for
// and libopus is the reference decoder, so it is used as it is; placing frames on the stream's timeline is audio.ts's.
import { OpusDecoder } from 'opus-decoder';

/**
 * Output sampling rate of decoded Opus, in Hz. Opus codes up to 48 kHz audio (its RTP clock always runs at 48 kHz,
 * RFC 7587 §4.1); libopus decodes at 16 kHz directly (wideband: speech as a call carries it, audio above 8 kHz is
 * left out), which keeps an hour of a stream at about 115 MB, as G.722's.
 */
export const OPUS_SAMPLE_RATE = 16000;

/** RFC 7587 §4.1: the RTP timestamp of Opus counts 48 kHz samples whatever the audio bandwidth. */
export const OPUS_RTP_CLOCK = 48000;

const ignore = (): void => {};

/** One Opus stream's decoder state (frames must be decoded in arrival order; libopus keeps state between them). */
export interface OpusFrameDecoder {
  /**
   * Decode the Opus packet b[s, e) (RFC 6716 §3: TOC byte, then one or more frames) to mono 16-bit samples written
   * at out[at...] (stereo streams are mixed down by libopus), at most `max` of them. Returns the number of samples
   * the packet holds at OPUS_SAMPLE_RATE (some may not fit in `max`), or -1 when libopus rejects the packet.
   */
  decode(b: Uint8Array, s: number, e: number, out: Int16Array, at: number, max: number): number;
  /** Release the decoder's WebAssembly memory. */
  free(): void;
}

/**
 * A decoder for one Opus stream, or, when the runtime cannot instantiate libopus (no WebAssembly), a sentence saying
 * why. Never rejects.
 */
export async function createOpusDecoder(): Promise<OpusFrameDecoder | string> {
  try {
    const d = new OpusDecoder({ sampleRate: OPUS_SAMPLE_RATE, channels: 1 });
    await d.ready;
    return {
      decode(b, s, e, out, at, max) {
        let r;
        // opus-decoder writes every packet libopus rejects to console.error; here the rejection is the return value
        // (audio.ts counts it in skippedPackets), so a damaged stream does not flood the CLI's or the editor's log.
        const con = (globalThis as { console?: { error: (...args: unknown[]) => void } }).console;
        const error = con?.error;
        if (con !== undefined) con.error = ignore;
        try {
          r = d.decodeFrame(b.subarray(s, e));
        } catch {
          return -1;
        } finally {
          if (con !== undefined) con.error = error!;
        }
        if (r.errors.length > 0 || r.channelData.length === 0) return -1;
        const x = r.channelData[0]!;
        const n = Math.min(r.samplesDecoded, x.length);
        const m = Math.max(0, Math.min(n, max));
        for (let i = 0; i < m; i++) {
          // libopus's float -> int16 conversion (FLOAT2INT16): scale by 32768, round, saturate.
          const v = Math.round(x[i]! * 32768);
          out[at + i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        }
        return n;
      },
      free: () => d.free(),
    };
  } catch (e) {
    return `the Opus decoder (libopus, WebAssembly) could not start: ${e instanceof Error ? e.message : String(e)}`;
  }
}
