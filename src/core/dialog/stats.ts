// Capture statistics for `sipscope stats`: SIP messages by request method and response status (what tshark's
// `-z sip,stat` counts), retransmissions, and the call figures a VoIP engineer reports: calls by state, ASR, ACD,
// post-dial delay and answer delay. Pure; one pass over the message store's columns via MessageInfo.
import type { CallInfo, CallState, MessageInfo } from './types';

/** Counts of one request method or one response status code. */
export interface MessageCount {
  /** Messages, retransmissions included. */
  count: number;
  /** Of them, RFC 3261 §17 retransmissions. */
  retransmissions: number;
}

/** Minimum, mean and maximum of some durations in seconds (all 0 when `count` is 0). */
export interface DurationStats {
  count: number;
  minSec: number;
  meanSec: number;
  maxSec: number;
}

export interface CaptureStats {
  /** SIP messages (not counting those quoted in ICMP errors): requests + responses + invalid. */
  messages: number;
  requests: number;
  responses: number;
  /** Messages with neither a request line nor a status line that parsed. */
  invalid: number;
  retransmissions: number;
  /** Requests by method, most frequent first (then by name). */
  methods: ({ method: string } & MessageCount)[];
  /** Responses by status code, ascending; `reason`: the reason phrase first seen with the code. */
  statuses: ({ code: number; reason: string } & MessageCount)[];
  calls: {
    total: number;
    /** Calls by state (every CallState, 0 when none). */
    byState: Record<CallState, number>;
    /** Calls whose first request is an INVITE: the call attempts (seizures) ASR is counted on. */
    invite: number;
    /** INVITE calls that were answered (a 2xx: state answered or completed). */
    answered: number;
    /** Answer-seizure ratio (ITU-T E.411): answered * 100 / invite; 0 without INVITE calls. */
    asrPercent: number;
    /** Average call duration: answer to end (CallInfo.durationSec) of the answered INVITE calls. */
    acd: DurationStats;
    /** Post-dial delay: INVITE to the first 180/183 (CallInfo.ringDelaySec), over the INVITE calls that rang. */
    pdd: DurationStats;
    /** INVITE to the 2xx (CallInfo.answerDelaySec), over the answered INVITE calls. */
    answerDelay: DurationStats;
  };
}

const STATES: readonly CallState[] = ['setup', 'ringing', 'answered', 'completed', 'cancelled', 'busy', 'rejected', 'failed'];

function durations(values: readonly number[]): DurationStats {
  if (values.length === 0) return { count: 0, minSec: 0, meanSec: 0, maxSec: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { count: values.length, minSec: min, meanSec: sum / values.length, maxSec: max };
}

/**
 * Statistics of the messages (`count` of them, `message(id)` for id in [0, count)) and calls of a capture model.
 * With `only`, just those calls (CallInfo.index) and their messages; messages without a call are then left out.
 */
export function captureStats(
  model: { messages: { count: number; get(id: number): MessageInfo }; calls: readonly CallInfo[] },
  only?: ReadonlySet<number>,
): CaptureStats {
  const methods = new Map<string, MessageCount>();
  const statuses = new Map<number, { reason: string } & MessageCount>();
  let requests = 0;
  let responses = 0;
  let invalid = 0;
  let retransmissions = 0;
  let messages = 0;
  const take = (m: MessageInfo): void => {
    messages++;
    const rt = m.retransmission ? 1 : 0;
    retransmissions += rt;
    if (m.kind === 'request' && m.method !== undefined) {
      requests++;
      const c = methods.get(m.method);
      if (c) {
        c.count++;
        c.retransmissions += rt;
      } else methods.set(m.method, { count: 1, retransmissions: rt });
    } else if (m.kind === 'response' && m.statusCode !== undefined) {
      responses++;
      const c = statuses.get(m.statusCode);
      if (c) {
        c.count++;
        c.retransmissions += rt;
      } else statuses.set(m.statusCode, { reason: m.reason ?? '', count: 1, retransmissions: rt });
    } else invalid++;
  };
  const calls = only ? model.calls.filter((c) => only.has(c.index)) : model.calls;
  if (only) for (const c of calls) for (const id of c.messageIds) take(model.messages.get(id));
  else for (let id = 0; id < model.messages.count; id++) take(model.messages.get(id));

  const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<CallState, number>;
  let invite = 0;
  let answered = 0;
  const acd: number[] = [];
  const pdd: number[] = [];
  const answerDelay: number[] = [];
  for (const c of calls) {
    byState[c.state]++;
    if (c.method !== 'INVITE') continue;
    invite++;
    if (c.ringDelaySec !== undefined) pdd.push(c.ringDelaySec);
    if (c.state === 'answered' || c.state === 'completed') {
      answered++;
      if (c.durationSec !== undefined) acd.push(c.durationSec);
      if (c.answerDelaySec !== undefined) answerDelay.push(c.answerDelaySec);
    }
  }
  return {
    messages,
    requests,
    responses,
    invalid,
    retransmissions,
    methods: [...methods].map(([method, c]) => ({ method, ...c })).sort((a, b) => b.count - a.count || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0)),
    statuses: [...statuses].map(([code, c]) => ({ code, ...c })).sort((a, b) => a.code - b.code),
    calls: {
      total: calls.length,
      byState,
      invite,
      answered,
      asrPercent: invite > 0 ? (answered * 100) / invite : 0,
      acd: durations(acd),
      pdd: durations(pdd),
      answerDelay: durations(answerDelay),
    },
  };
}

/** Seconds with millisecond precision below 10 s, else tenths: `0.262 s`, `25.4 s`. */
function seconds(sec: number): string {
  return sec < 10 ? `${sec.toFixed(3)} s` : `${sec.toFixed(1)} s`;
}

function durationLine(name: string, d: DurationStats, what: string): string {
  if (d.count === 0) return `${name}: - (no ${what})`;
  return `${name}: mean ${seconds(d.meanSec)}, min ${seconds(d.minSec)}, max ${seconds(d.maxSec)} (${d.count} ${what})`;
}

/** `SIP messages: 55 (30 requests, 25 responses), 0 retransmissions` (`sipscope stats`, the capture editor). */
export function messageTotalsLine(s: CaptureStats): string {
  return `SIP messages: ${s.messages} (${s.requests} requests, ${s.responses} responses${s.invalid ? `, ${s.invalid} invalid` : ''}), ${s.retransmissions} retransmissions`;
}

/**
 * The call figures of CaptureStats as text lines (`sipscope stats` and the capture editor's statistics): calls by
 * state, ASR (ITU-T E.411), ACD, post-dial delay and answer delay, with what each is counted over.
 */
export function callFigureLines(c: CaptureStats['calls']): string[] {
  const states = Object.entries(c.byState)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`);
  return [
    `Calls: ${c.total} (${c.invite} INVITE)${states.length ? `: ${states.join(', ')}` : ''}`,
    c.invite > 0 ? `ASR: ${c.asrPercent.toFixed(1)}% (${c.answered} of ${c.invite} INVITE calls answered)` : 'ASR: - (no INVITE calls)',
    durationLine('ACD', c.acd, 'answered calls with a duration'),
    durationLine('PDD (INVITE to 180/183)', c.pdd, 'calls that rang'),
    durationLine('Answer delay (INVITE to 2xx)', c.answerDelay, 'answered calls'),
  ];
}
