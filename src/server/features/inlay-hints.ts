// Inlay hints with the timing of each transaction in a trace whose log prefixes have times (sngrep, ngrep, Kamailio,
// Asterisk...): after a request's start line, when its provisional and final responses came (`180 +1.749 s · 200
// +6.220 s`: post-dial and answer delay at a glance); after a response's, how long after its request; a request seen
// again in the same transaction is marked as a retransmission. Transactions are matched as RFC 3261 §17.1.3 / §17.2.3
// do: the top Via branch and the CSeq (number and method, within the Call-ID).
import { Disposable, InlayHintKind, type InlayHint } from 'vscode-languageserver';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { byteToPosition, positionToByte } from '../convert';
import { lineOfMessage, messageIdentifiers } from './navigation';
import { prefixSeconds } from './trace-ladder';

/** Responses listed after a request at most (the first provisional ones after 100, and the finals). */
const MAX_LISTED = 3;

interface Sighting {
  message: number;
  time: number;
  status: number;
}

/** `+1.749 s` (milliseconds: three decimals, as sngrep shows deltas). */
function delta(sec: number): string {
  return `+${sec.toFixed(3)} s`;
}

/**
 * The timing hints of a `sip` snapshot whose byte offsets lie in [from, to) (all when omitted). Messages without a
 * time, or whose request is not in the trace, get none.
 */
export function timingHints(snap: DocumentSnapshot, from = 0, to = Number.POSITIVE_INFINITY): InlayHint[] {
  const { requests, responses, keyOf } = transactionsOf(snap);
  const out: InlayHint[] = [];
  for (let i = 0; i < snap.messages.length; i++) {
    const key = keyOf[i];
    if (key === undefined) continue;
    const req = requests.get(key);
    if (req === undefined) continue;
    const facts = snap.facts(i);
    const lineEnd = snap.toDocument(i, facts.sip.startLine.end);
    if (lineEnd < from || lineEnd >= to) continue;
    const time = prefixSeconds(snap.messages[i]!.prefix)!;
    let label: string;
    let tooltip: string;
    if (facts.sip.kind === 'response') {
      label = delta(time - req.time);
      tooltip = `${(time - req.time).toFixed(6)} s after the ${req.method} at line ${lineOfMessage(snap, req.message)} (same top Via branch and CSeq)`;
    } else if (req.message !== i) {
      label = `retransmission ${delta(time - req.time)}`;
      tooltip = `The ${req.method} at line ${lineOfMessage(snap, req.message)} again (same top Via branch and CSeq: RFC 3261 §17.1.1.2, §17.1.2.2)`;
    } else {
      // The first provisional response other than 100 (ringing, session progress) and the final responses.
      const rs = responses.get(key) ?? [];
      const listed: Sighting[] = [];
      const provisional = rs.find((r) => r.status > 100 && r.status < 200);
      if (provisional) listed.push(provisional);
      for (const r of rs) if (r.status >= 200 && !listed.some((x) => x.status === r.status)) listed.push(r);
      if (listed.length === 0 && rs.length > 0) listed.push(rs[0]!);
      if (listed.length === 0) continue;
      label = listed
        .slice(0, MAX_LISTED)
        .map((r) => `${r.status} ${delta(r.time - req.time)}`)
        .join(' · ');
      tooltip = 'Responses to this request in the trace (the first provisional one after 100, and the final ones), timed from the request.';
    }
    out.push({ position: byteToPosition(snap.lines, lineEnd), label, kind: InlayHintKind.Parameter, tooltip, paddingLeft: true });
  }
  return out;
}

interface Transactions {
  /** Each transaction's first request, by key (top Via branch + CSeq). */
  requests: Map<string, Sighting & { method: string }>;
  /** Its responses, in trace order. */
  responses: Map<string, Sighting[]>;
  /** Per message: its transaction key, or undefined (no time, no branch or no CSeq). */
  keyOf: (string | undefined)[];
}

/** The transactions of a snapshot with times (memoised on it: hints are asked for again on every scroll). */
function transactionsOf(snap: DocumentSnapshot): Transactions {
  const memo = snap.memo.get('transactions') as Transactions | undefined;
  if (memo !== undefined) return memo;
  const requests = new Map<string, Sighting & { method: string }>();
  const responses = new Map<string, Sighting[]>();
  const keyOf: (string | undefined)[] = [];
  for (let i = 0; i < snap.messages.length; i++) {
    const facts = snap.facts(i);
    const msg = facts.sip;
    const time = prefixSeconds(snap.messages[i]!.prefix);
    let branch: string | undefined;
    let cseq: string | undefined;
    for (const o of messageIdentifiers(facts)) {
      if (o.kind === 'branch' && o.via === 0) branch ??= o.key;
      else if (o.kind === 'cseq') cseq ??= o.key;
    }
    const key = time !== undefined && branch !== undefined && cseq !== undefined ? `${branch}\n${cseq}` : undefined;
    keyOf.push(key);
    if (key === undefined) continue;
    if (msg.kind === 'request' && msg.method !== undefined && !requests.has(key)) requests.set(key, { message: i, time: time!, status: 0, method: msg.method });
    else if (msg.kind === 'response' && msg.statusCode !== undefined) {
      const l = responses.get(key);
      const s = { message: i, time: time!, status: msg.statusCode };
      if (l) l.push(s);
      else responses.set(key, [s]);
    }
  }
  const t: Transactions = { requests, responses, keyOf };
  snap.memo.set('transactions', t);
  return t;
}

export function registerInlayHints(ctx: ServerContext): Disposable {
  return ctx.connection.languages.inlayHint.on((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    if (snap === undefined || snap.language !== 'sip') return [];
    return timingHints(snap, positionToByte(snap.lines, params.range.start), positionToByte(snap.lines, params.range.end) + 1);
  });
}
