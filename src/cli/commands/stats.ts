// `sipscope stats FILE [--call ID]... [--filter EXPR] [--json]`: SIP message counts by method and status (as tshark's
// `-z sip,stat`), retransmissions, and call figures: calls by state, ASR, ACD, post-dial delay, answer delay.
import type { CaptureStats, DurationStats } from '../../core/index';
import { tableLines } from '../format/table';

/** Seconds with millisecond precision below 10 s, else tenths: `0.262 s`, `25.4 s`. */
function seconds(sec: number): string {
  return sec < 10 ? `${sec.toFixed(3)} s` : `${sec.toFixed(1)} s`;
}

function durationLine(name: string, d: DurationStats, what: string): string {
  if (d.count === 0) return `${name}: - (no ${what})`;
  return `${name}: mean ${seconds(d.meanSec)}, min ${seconds(d.minSec)}, max ${seconds(d.maxSec)} (${d.count} ${what})`;
}

/**
 * Text of `sipscope stats`, line by line (no line ends): the message totals, a table of requests by method and one of
 * responses by status (count and retransmissions), then the call lines. `scope`: what the figures cover, when not
 * the whole capture (`3 of 10 calls`).
 */
export function* statsLines(s: CaptureStats, scope?: string): Generator<string> {
  if (scope) yield `Scope: ${scope}`;
  yield `SIP messages: ${s.messages} (${s.requests} requests, ${s.responses} responses${s.invalid ? `, ${s.invalid} invalid` : ''}), ${s.retransmissions} retransmissions`;
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
  const c = s.calls;
  const states = Object.entries(c.byState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`);
  yield `Calls: ${c.total} (${c.invite} INVITE)${states.length ? `: ${states.join(', ')}` : ''}`;
  yield c.invite > 0 ? `ASR: ${c.asrPercent.toFixed(1)}% (${c.answered} of ${c.invite} INVITE calls answered)` : 'ASR: - (no INVITE calls)';
  yield durationLine('ACD', c.acd, 'answered calls with a duration');
  yield durationLine('PDD (INVITE to 180/183)', c.pdd, 'calls that rang');
  yield durationLine('Answer delay (INVITE to 2xx)', c.answerDelay, 'answered calls');
}
