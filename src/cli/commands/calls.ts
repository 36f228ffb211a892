// `sipscope calls FILE [--summary] [--filter EXPR] [--json]`: the call list of a capture (one row per Call-ID).
import { exportCall, type CaptureModel, type CallInfo } from '../../core/index';
import { jsonPieces, LazyJsonArray } from '../format/json-pieces';
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

/** `sipscope calls --json`: schema name and version of the document. */
export const CALLS_JSON_SCHEMA = 'sipscope-calls';
export const CALLS_JSON_SCHEMA_VERSION = 1;

/**
 * JSON output of `calls`, in pieces (JSON.stringify(doc, null, 2)'s text, the calls made one at a time): `schema`,
 * `schema_version`, `summary` {calls, messages, problems, and `matched` with a filter}, `calls` (the export's call
 * objects, README "export" schema; only the matching ones with `filter`; left out with `summary`) and `problems`.
 */
export function callsJson(model: CaptureModel, opts: { summary: boolean; filter?: (c: CallInfo) => boolean }): Generator<string> {
  const shown = opts.filter ? model.calls.filter(opts.filter) : model.calls;
  const summary = {
    calls: model.calls.length,
    messages: model.messages.count,
    problems: model.problemCount,
    ...(opts.filter ? { matched: shown.length } : {}),
  };
  return jsonPieces({
    schema: CALLS_JSON_SCHEMA,
    schema_version: CALLS_JSON_SCHEMA_VERSION,
    summary,
    ...(opts.summary ? {} : { calls: new LazyJsonArray(shown.length, (i) => exportCall(shown[i]!)) }),
    problems: model.problems,
  });
}
