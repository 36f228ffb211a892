// `sipscope ladder FILE [--call ID]... [-o OUT.html|.svg|.txt|.mmd|.puml]`: ladder diagram of some or all calls.
import {
  buildLadder,
  htmlMessageSection,
  ladderHtmlPieces,
  ladderSvgPieces,
  matchIcmpAnswers,
  MessageBytesReader,
  renderLadderAscii,
  renderLadderMermaid,
  renderLadderPlantUml,
  decodeMessageText,
  streamsToWav,
  type CaptureModel,
  type CallInfo,
  type MessageInfo,
  type RtpStreamInfo,
} from '../../core/index';
import { InputError } from '../load';
import { audioReport } from './audio-report';

export type LadderFormat = 'html' | 'svg' | 'text' | 'mermaid' | 'plantuml' | 'json';

/** Output format from an explicit --format or the output file extension (default: text to stdout). */
export function ladderFormatFor(out: string | undefined, explicit: string | undefined): LadderFormat {
  const f = (explicit ?? out?.split('.').pop() ?? 'text').toLowerCase();
  const map: Record<string, LadderFormat> = {
    html: 'html', htm: 'html', svg: 'svg', txt: 'text', text: 'text', ascii: 'text',
    mmd: 'mermaid', mermaid: 'mermaid', puml: 'plantuml', plantuml: 'plantuml', json: 'json',
  };
  const r = map[f];
  if (!r) throw new InputError(`unknown ladder format '${f}' (use html, svg, text, mermaid, plantuml or json)`);
  return r;
}

/**
 * Calls selected by Call-ID, or all calls when none is given, then narrowed to those `filter` (compileFilter) accepts.
 * Each selector is tried as: an exact Call-ID; a row number from `sipscope calls` (`3` or `#3`); a unique Call-ID
 * prefix. Throws InputError for a selector that names no call, or when the filter leaves none.
 */
export function selectCalls(model: CaptureModel, ids: readonly string[], filter?: (c: CallInfo) => boolean): CallInfo[] {
  const selected = selectById(model, ids);
  if (!filter) return selected;
  const kept = selected.filter(filter);
  if (kept.length === 0) throw new InputError(`no${ids.length > 0 ? ' selected' : ''} call matches the filter (see 'sipscope calls --filter')`);
  return kept;
}

function selectById(model: CaptureModel, ids: readonly string[]): CallInfo[] {
  if (ids.length === 0) return model.calls;
  return ids.map((id) => {
    const exact = model.calls.find((c) => c.callId === id);
    if (exact) return exact;
    const byNumber = /^#?\d+$/.test(id) ? model.calls[Number(id.replace('#', '')) - 1] : undefined;
    if (byNumber) return byNumber;
    const byPrefix = model.calls.filter((c) => c.callId.startsWith(id));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new InputError(`Call-ID prefix '${id}' matches ${byPrefix.length} calls`);
    throw new InputError(`no call with Call-ID '${id}' (see 'sipscope calls')`);
  });
}

/** Messages of the selected calls in capture order, capped at `max` (returns whether it was cut). */
export function ladderMessages(model: CaptureModel, calls: readonly CallInfo[], max: number): { messages: MessageInfo[]; cut: boolean } {
  const ids = calls.length === model.calls.length ? null : new Set(calls.flatMap((c) => c.messageIds));
  const out: MessageInfo[] = [];
  for (let id = 0; id < model.messages.count; id++) {
    if (ids && !ids.has(id)) continue;
    if (out.length >= max) return { messages: out, cut: true };
    out.push(model.messages.get(id));
  }
  return { messages: out, cut: false };
}

/**
 * The ladder of the selected calls in `opts.format`, as pieces of text in output order (`pieces`: the HTML and SVG
 * documents one piece per arrow and per message section, so a 100 000-arrow ladder never exists as one string).
 * HTML message texts are re-read from the capture while the pieces are consumed, in capture order, one read per
 * 4 MiB window (MessageBytesReader). `cut`: the ladder stops at `opts.max` messages.
 */
export function renderLadder(
  model: CaptureModel,
  opts: {
    title: string;
    callIds: string[];
    filter?: (c: CallInfo) => boolean;
    format: LadderFormat;
    columns: 'endpoint' | 'ip';
    time: 'absolute' | 'relative' | 'delta';
    max: number;
    /** HTML: embed the selected calls' decoded RTP audio (ladderAudio); `onAudio` hears what it holds or why not. */
    audio?: boolean;
    onAudio?: (lines: string[]) => void;
  },
): { pieces: AsyncIterable<string>; cut: boolean; messages: number } {
  const calls = selectCalls(model, opts.callIds, opts.filter);
  const { messages, cut } = ladderMessages(model, calls, opts.max);
  const callSet = new Set(calls.map((c) => c.index));
  const streams = model.streams.filter((s) => callSet.has(s.callIndex));
  const icmp = matchIcmpAnswers(model.icmpQuoted, model.evidence?.icmp ?? [], messages, streams);
  const ladder = buildLadder(messages, { columns: opts.columns, calls, streams, icmp });
  const pieces = async function* (): AsyncGenerator<string> {
    switch (opts.format) {
      case 'text':
        yield renderLadderAscii(ladder, { time: opts.time });
        break;
      case 'svg':
        yield* ladderSvgPieces(ladder, { time: opts.time });
        break;
      case 'mermaid':
        yield renderLadderMermaid(ladder);
        break;
      case 'plantuml':
        yield renderLadderPlantUml(ladder);
        break;
      case 'json':
        yield JSON.stringify(ladder, null, 1);
        break;
      case 'html': {
        const reader = new MessageBytesReader(model);
        const audio = opts.audio ? await ladderAudio(model, streams, opts.onAudio) : undefined;
        for (const p of ladderHtmlPieces(ladder, { title: opts.title, calls, generator: 'sipscope', audio })) {
          yield typeof p === 'string' ? p : htmlMessageSection(p, decodeMessageText(await reader.bytes(p.row.messageId)));
        }
        break;
      }
    }
  };
  return { pieces: pieces(), cut, messages: messages.length };
}

/** Most streams embedded in an HTML ladder (as the capture editor's player: one WAV channel each). */
const LADDER_AUDIO_STREAMS = 16;

/**
 * The selected calls' decoded RTP audio for the HTML report (`ladder --audio`): the WAV of their streams (at most 16,
 * one channel each) and a caption saying what each channel holds, or undefined when none can be decoded. `onAudio`
 * hears the same lines `sipscope audio` prints, or why nothing is embedded.
 */
async function ladderAudio(model: CaptureModel, streams: readonly RtpStreamInfo[], onAudio?: (lines: string[]) => void): Promise<{ wav: Uint8Array; caption: string } | undefined> {
  if (streams.length === 0) {
    onAudio?.(['sipscope: no audio embedded: the selected calls have no RTP stream']);
    return undefined;
  }
  const r = await streamsToWav(model, model.source, streams.slice(0, LADDER_AUDIO_STREAMS));
  if (r.wav.length === 0) {
    onAudio?.([`sipscope: no audio embedded: ${r.streams.map((x) => `stream ${x.streamIndex + 1}: ${x.reason ?? 'not decoded'}`).join('; ')}`]);
    return undefined;
  }
  const lines = audioReport(model, r, 'the HTML report');
  onAudio?.(lines);
  return { wav: r.wav, caption: `${r.durationSec.toFixed(1)} s at ${r.sampleRate} Hz. ${lines.slice(1).map((l) => l.trim()).join('; ')}` };
}
