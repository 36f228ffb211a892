// `sipscope audio FILE [--call ID]... [--filter EXPR] [--stream N]... -o OUT.wav [--mono]`: the decoded audio of RTP
// streams (G.711 µ-law/A-law, G.722, G.726, GSM, Opus, L16) as a WAV file, one channel per stream aligned on capture time: the CLI side of the
// capture editor's Play / Save as WAV…, to listen for one-way or garbled audio. The input capture is only read.
import { streamsToWav, type CallInfo, type CaptureModel, type RtpStreamInfo, type StreamsWav } from '../../core/index';
export { audioReport } from './audio-report';
import { withNewOutputFile, writeAllBytes } from '../format/chunked-writer';
import { UsageError } from '../args';
import { InputError } from '../load';
import { selectCalls } from './ladder';

/** Most streams in one WAV file (one channel each; up to an hour of audio per stream is held in memory). */
export const MAX_AUDIO_STREAMS = 64;

export interface AudioSelection {
  /** --call selectors (Call-ID, row number of `sipscope calls`, unique prefix). */
  callIds: readonly string[];
  filter?: (c: CallInfo) => boolean;
  /** --stream numbers: the `#` column of `sipscope rtp` (1-based). */
  streamNumbers: readonly number[];
}

/** Throws UsageError when `sel` selects nothing (checked before the capture is read). */
export function requireAudioSelection(sel: AudioSelection): void {
  if (sel.callIds.length === 0 && !sel.filter && sel.streamNumbers.length === 0) {
    throw new UsageError('audio needs --call (a Call-ID, a row number from `sipscope calls`, or a unique Call-ID prefix), --filter or --stream N');
  }
}

/**
 * The streams to decode: those numbered by `--stream` (in that order), else every stream of the selected calls (in
 * order of first packet). `sel` has passed requireAudioSelection. Throws InputError for a number that is no stream, a
 * selection without streams, or more than MAX_AUDIO_STREAMS.
 */
export function selectAudioStreams(model: CaptureModel, sel: AudioSelection): RtpStreamInfo[] {
  let streams: RtpStreamInfo[];
  if (sel.streamNumbers.length > 0) {
    streams = sel.streamNumbers.map((n) => {
      const st = Number.isInteger(n) ? model.streams[n - 1] : undefined;
      if (!st) throw new InputError(`no RTP stream ${n} (the capture has ${model.streams.length}; see 'sipscope rtp')`);
      return st;
    });
  } else {
    const calls = new Set(selectCalls(model, sel.callIds, sel.filter).map((c) => c.index));
    streams = model.streams.filter((st) => calls.has(st.callIndex));
    if (streams.length === 0) {
      const withMedia = [...new Set(model.streams.filter((st) => st.callIndex >= 0).map((st) => st.callIndex + 1))];
      const hint = withMedia.length === 0 ? 'the capture has none found through SDP' : `calls with RTP: ${withMedia.slice(0, 20).join(', ')}${withMedia.length > 20 ? ', ...' : ''}`;
      throw new InputError(`the selected call${calls.size === 1 ? ' has' : 's have'} no RTP stream (${hint}; see 'sipscope rtp')`);
    }
  }
  if (streams.length > MAX_AUDIO_STREAMS) throw new InputError(`${streams.length} streams selected: at most ${MAX_AUDIO_STREAMS} in one file (use --stream)`);
  return streams;
}

/**
 * Decode `streams` and write them to the new file `out` as a WAV file (`-`: to standard output, e.g. piped into
 * `aplay` or `ffplay -`). InputError when none can be decoded (nothing is written then) or the file cannot be written
 * (a file this call created is removed; one that existed is left).
 */
export async function audioToFile(model: CaptureModel, streams: readonly RtpStreamInfo[], out: string, opts: { mono: boolean }): Promise<StreamsWav> {
  const r = await streamsToWav(model, model.source, streams, { mono: opts.mono });
  if (r.wav.length === 0) {
    const why = r.streams.map((x) => `stream ${x.streamIndex + 1}: ${x.reason ?? 'not decoded'}`).join('; ');
    throw new InputError(`no selected stream could be decoded (${why})`);
  }
  if (out === '-') await new Promise<void>((done, fail) => process.stdout.write(r.wav, (e) => (e ? fail(e) : done())));
  else await withNewOutputFile(out, (fh) => writeAllBytes(fh, r.wav));
  return r;
}
