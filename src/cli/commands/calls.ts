// `sipscope calls FILE [--summary] [--json]`: the call list of a capture (one row per Call-ID).
import type { CaptureModel, CallInfo } from '../../core/index';
import { formatDuration, formatTime, tableLines } from '../format/table';

/** The totals line used by scripts and benchmarks: `N calls, M messages, P problems`. */
export function summaryLine(model: CaptureModel): string {
  return `${model.calls.length} calls, ${model.messages.count} messages, ${model.problemCount} problems`;
}

/** Short party name for tables: display name, else the URI without scheme and parameters. */
export function party(uri: string, display: string | undefined): string {
  if (display) return display;
  const noBrackets = uri.replace(/^<|>$/g, '');
  return noBrackets.replace(/^(sips?|tel):/i, '').replace(/[;?].*$/, '');
}

/** The table cells of call `c`. */
function callRow(c: CallInfo): string[] {
  return [
    String(c.index + 1),
    formatTime(c.startSec, c.startNsec),
    c.method,
    party(c.fromUri, c.fromDisplay),
    party(c.toUri, c.toDisplay),
    c.state,
    c.finalStatus !== undefined ? String(c.finalStatus) : '',
    String(c.messageIds.length),
    formatDuration(c.durationSec),
    c.callId,
  ];
}


export const CALL_HEADER = ['#', 'Start (UTC)', 'Method', 'From', 'To', 'State', 'Final', 'Msgs', 'Duration', 'Call-ID'];

/**
 * Text output of `calls`, line by line (no line ends): the call table, the totals line and the capture problems; with
 * `summary` only the totals line. The table is never held whole (100 000 calls are 15 MB of text). With `filter`
 * (compileFilter) the table has the matching calls only, under their row numbers in the whole capture, and a line
 * `K of N calls match the filter` comes before the totals line (which stays the capture's).
 */
export function* callsOutput(model: CaptureModel, opts: { summary: boolean; filter?: (c: CallInfo) => boolean }): Generator<string> {
  const filter = opts.filter;
  const shown = filter ? model.calls.filter(filter) : model.calls;
  const matchLine = `${shown.length} of ${model.calls.length} calls match the filter`;
  if (opts.summary) {
    if (filter) yield matchLine;
    yield summaryLine(model);
    return;
  }
  yield* tableLines(CALL_HEADER, shown.length, (i) => callRow(shown[i]!), { maxWidth: 60 });
  yield '';
  if (filter) yield matchLine;
  yield summaryLine(model);
  for (const p of model.problems) {
    const where = p.examples.map((e) => (e.frame !== undefined ? `frame ${e.frame}` : e.offset !== undefined ? `offset ${e.offset}` : '')).filter(Boolean);
    yield `  ${p.severity} ${p.code} x${p.count}: ${p.examples[0]?.message ?? ''}${where.length ? ` (${where.join(', ')}${p.count > where.length ? ', ...' : ''})` : ''}`;
  }
}
