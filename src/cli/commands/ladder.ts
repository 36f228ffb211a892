// `sipscope ladder FILE [--call ID]... [-o OUT.html|.svg|.txt|.mmd|.puml]`: ladder diagram of some or all calls.
import {
  buildLadder,
  loadMessageBytes,
  matchIcmpAnswers,
  renderLadderAscii,
  renderLadderHtml,
  renderLadderMermaid,
  renderLadderPlantUml,
  renderLadderSvg,
  decodeMessageText,
  type CaptureModel,
  type CallInfo,
  type MessageInfo,
} from '../../core/index';
import { InputError } from '../load';

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
 * Calls selected by Call-ID, or all calls when none is given. Each selector is tried as: an exact Call-ID; a row
 * number from `sipscope calls` (`3` or `#3`); a unique Call-ID prefix.
 */
export function selectCalls(model: CaptureModel, ids: readonly string[]): CallInfo[] {
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

export async function renderLadder(
  model: CaptureModel,
  opts: { title: string; callIds: string[]; format: LadderFormat; columns: 'endpoint' | 'ip'; time: 'absolute' | 'relative' | 'delta'; max: number },
): Promise<{ text: string; cut: boolean; messages: number }> {
  const calls = selectCalls(model, opts.callIds);
  const { messages, cut } = ladderMessages(model, calls, opts.max);
  const callSet = new Set(calls.map((c) => c.index));
  const streams = model.streams.filter((s) => callSet.has(s.callIndex));
  const icmp = matchIcmpAnswers(model.icmpQuoted, model.evidence?.icmp ?? [], messages, streams);
  const ladder = buildLadder(messages, { columns: opts.columns, calls, streams, icmp });
  let text: string;
  switch (opts.format) {
    case 'text':
      text = renderLadderAscii(ladder, { time: opts.time });
      break;
    case 'svg':
      text = renderLadderSvg(ladder, { time: opts.time });
      break;
    case 'mermaid':
      text = renderLadderMermaid(ladder);
      break;
    case 'plantuml':
      text = renderLadderPlantUml(ladder);
      break;
    case 'json':
      text = JSON.stringify(ladder, null, 1);
      break;
    case 'html': {
      const texts = new Map<number, string>();
      for (const m of messages) texts.set(m.id, decodeMessageText(await loadMessageBytes(model, m.id)));
      text = renderLadderHtml(ladder, { title: opts.title, calls, messageText: (id) => texts.get(id), generator: 'sipscope' });
      break;
    }
  }
  return { text, cut, messages: messages.length };
}
