// `sipscope stats FILE [--call ID]... [--filter EXPR] [--json]`: SIP message counts by method and status (as tshark's
// `-z sip,stat`), retransmissions, and call figures: calls by state, ASR, ACD, post-dial delay, answer delay.
import { callFigureLines, messageTotalsLine, type CaptureStats } from '../../core/index';
import { tableLines } from '../format/table';

/**
 * Text of `sipscope stats`, line by line (no line ends): the message totals, a table of requests by method and one of
 * responses by status (count and retransmissions), then the call lines. `scope`: what the figures cover, when not
 * the whole capture (`3 of 10 calls`).
 */
export function* statsLines(s: CaptureStats, scope?: string): Generator<string> {
  if (scope) yield `Scope: ${scope}`;
  yield messageTotalsLine(s);
  yield '';
  if (s.methods.length > 0) {
    yield* tableLines(['Request', 'Count', 'Retransmitted'], s.methods.length, (i) => [s.methods[i]!.method, String(s.methods[i]!.count), String(s.methods[i]!.retransmissions)], {
      right: new Set([1, 2]),
    });
    yield '';
  }
  if (s.statuses.length > 0) {
    yield* tableLines(
      ['Response', 'Count', 'Retransmitted'],
      s.statuses.length,
      (i) => {
        const r = s.statuses[i]!;
        return [`${r.code} ${r.reason}`.trim(), String(r.count), String(r.retransmissions)];
      },
      { right: new Set([1, 2]) },
    );
    yield '';
  }
  yield* callFigureLines(s.calls);
}
