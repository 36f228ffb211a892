// `sipscope/traceLadder`: turns a text trace into the same call model as a capture (CallModelBuilder fed with
// factsFromMessage + a sighting built from the log prefix, or from Via / Request-URI when there is none) and renders
// the core's self-contained HTML ladder.
import { Disposable, ResponseError, ErrorCodes } from 'vscode-languageserver';
import {
  buildLadder,
  CallModelBuilder,
  decodeUtf8,
  factsFromMessage,
  parseUri,
  renderLadderHtml,
  summarizeSipMessage,
  type MessageSighting,
  type SipTransport,
  type TracePrefix,
} from '../../core/index';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { TRACE_LADDER_METHOD, type TraceLadderParams, type TraceLadderResult } from '../../protocol/lsp';

const TRANSPORTS: ReadonlySet<string> = new Set(['UDP', 'TCP', 'TLS', 'WS', 'WSS', 'SCTP']);

/**
 * Most messages a trace's ladder draws, as `sipscope ladder` by default: 60 000 messages (a 34 MB trace) made a
 * 99 MB page in 2.4 s and 1 GB of server memory, too big for a webview to show.
 */
export const MAX_TRACE_LADDER_MESSAGES = 20_000;

/** Placeholder endpoints when the trace says nothing about addresses. */
const SIDE_A = 'A';
const SIDE_B = 'B';
/** The logging host, for prefixes that name only the peer (Asterisk "Received ... from UDP:1.2.3.4:5060"). */
const THIS_HOST = 'this-host';

interface Endpoint {
  host: string;
  port: number;
}

/** `host[:port]` of a sent-by or URI host; the default port is 5060 (5061 for TLS/sips, RFC 3261 §19.1.2). */
function endpoint(host: string, port: number | undefined, tls: boolean): Endpoint {
  return { host: host.replace(/^\[|\]$/g, ''), port: port ?? (tls ? 5061 : 5060) };
}

/** Seconds of day from a time-only stamp such as `10:00:00.123456` (sngrep/ngrep without date), else undefined. */
function secondsOfDay(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/**
 * When a message was logged, from its log prefix: seconds since the epoch when the stamp has a date, else seconds of
 * the day (a trace's prefixes are all one or the other); undefined without a time.
 */
export function prefixSeconds(p: TracePrefix | undefined): number | undefined {
  const t = p?.epochSec ?? secondsOfDay(p?.time);
  return t !== undefined && Number.isFinite(t) ? t : undefined;
}

/** Build the ladder of a sip snapshot (of the call `callId` only, when given). */
export function buildTraceLadder(snap: DocumentSnapshot, columns: 'endpoint' | 'ip' = 'endpoint', title?: string, callId?: string): TraceLadderResult {
  const builder = new CallModelBuilder();
  const byBranch = new Map<string, { src: Endpoint; dst: Endpoint }>();
  let inferred = false;
  let lastTime = 0;
  const texts = new Map<number, string>();
  /** SIP messages past MAX_TRACE_LADDER_MESSAGES: counted, not modelled. */
  let notDrawn = 0;

  for (let i = 0; i < snap.messages.length; i++) {
    const m = snap.messages[i]!;
    const f = snap.facts(i);
    const msg = f.sip;
    if (msg.kind === 'invalid') continue;
    if (builder.messages.count >= MAX_TRACE_LADDER_MESSAGES) {
      notDrawn++;
      continue;
    }
    const facts = factsFromMessage(msg, f.problems.length);
    const summary = summarizeSipMessage(msg);
    const p = m.prefix;
    const via = summary.viaTop;
    const transport = (p?.transport?.toUpperCase() ?? via?.transport ?? 'UDP') as string;
    const tls = transport === 'TLS' || transport === 'WSS';

    let src: Endpoint | undefined = p?.src !== undefined ? endpoint(p.src, p.srcPort, tls) : undefined;
    let dst: Endpoint | undefined = p?.dst !== undefined ? endpoint(p.dst, p.dstPort, tls) : undefined;
    if (src !== undefined && dst === undefined) dst = { host: THIS_HOST, port: 0 };
    if (dst !== undefined && src === undefined) src = { host: THIS_HOST, port: 0 };
    const key = `${via?.branch ?? ''}|${facts.cseqSeq ?? ''}|${facts.cseqMethod ?? ''}|${facts.callId ?? ''}`;
    if (src === undefined || dst === undefined) {
      inferred = true;
      if (msg.kind === 'request') {
        src = via !== undefined ? endpoint(via.host, via.port, tls) : { host: SIDE_A, port: 5060 };
        const ru = msg.requestUri !== undefined ? parseUri(msg.requestUri).value : undefined;
        dst = ru !== undefined && ru.host !== '' ? endpoint(ru.host, ru.port, ru.scheme === 'sips' || tls) : { host: SIDE_B, port: 5060 };
      } else {
        const req = byBranch.get(key);
        if (req !== undefined) {
          src = req.dst;
          dst = req.src;
        } else {
          src = { host: SIDE_B, port: 5060 };
          dst = via !== undefined ? endpoint(via.received ?? via.host, via.rport ?? via.port, tls) : { host: SIDE_A, port: 5060 };
        }
      }
    }
    if (msg.kind === 'request' && !byBranch.has(key)) byBranch.set(key, { src, dst });

    let t = prefixSeconds(p);
    if (t === undefined) t = lastTime;
    lastTime = t;
    const sec = Math.floor(t);
    const sighting: MessageSighting = {
      frame: i + 1,
      firstFrame: i + 1,
      timeSec: sec,
      timeNsec: Math.round((t - sec) * 1e9),
      ipVersion: src.host.includes(':') || dst.host.includes(':') ? 6 : 4,
      src: src.host,
      srcPort: src.port,
      dst: dst.host,
      dstPort: dst.port,
      transport: (TRANSPORTS.has(transport) ? transport : 'UDP') as SipTransport,
      truncated: false,
      location: { bytes: f.bytes },
    };
    const id = builder.add(sighting, facts);
    texts.set(id, decodeUtf8(f.bytes));
  }
  builder.finish();

  const name = (title ?? snap.uri.replace(/^.*\//, '')) + (callId !== undefined ? ` (Call-ID ${callId})` : '');
  const drawn = builder.messages.count;
  const all = drawn + notDrawn;
  const messages = [];
  for (let id = 0; id < drawn; id++) {
    const m = builder.message(id);
    if (callId === undefined || builder.calls[m.callIndex]?.callId === callId) messages.push(m);
  }
  if (messages.length === 0) {
    return { title: `Ladder: ${name}`, html: '', messageCount: 0, callCount: 0, endpointCount: 0, inferredEndpoints: inferred };
  }
  const ladder = buildLadder(messages, { columns, calls: builder.calls });
  if (drawn < all) ladder.warnings.push(`only the first ${drawn} of the trace's ${all} SIP messages are drawn (a ladder of more is too big to view)`);
  const html = renderLadderHtml(ladder, {
    title: `Ladder: ${name}`,
    calls: builder.calls,
    messageText: (id) => texts.get(id),
    generator: 'SIPScope',
    time: messages.some((m) => m.timeSec !== 0 || m.timeNsec !== 0) ? 'relative' : 'none',
  });
  return {
    title: `Ladder: ${name}`,
    html,
    messageCount: messages.length,
    callCount: ladder.calls.length,
    endpointCount: ladder.columns.length,
    inferredEndpoints: inferred,
  };
}

export function registerTraceLadder(ctx: ServerContext): Disposable {
  return ctx.connection.onRequest(TRACE_LADDER_METHOD, (params: TraceLadderParams): TraceLadderResult => {
    const snap = ctx.snapshot(params.uri);
    if (snap === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `document not open as sip: ${params.uri}`);
    if (snap.language !== 'sip') throw new ResponseError(ErrorCodes.InvalidParams, 'the ladder needs a SIP trace (language sip)');
    return buildTraceLadder(snap, params.columns ?? 'endpoint', decodeURIComponent(params.uri.replace(/^.*\//, '')), params.callId);
  });
}
