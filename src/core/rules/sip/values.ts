// Scalar header values: CSeq (RFC 3261 §8.1.1.5, §20.16), Max-Forwards (§8.1.1.6, §20.22), Expires and other
// delta-seconds (§20.19, §20.33, §10.2.1.1), Date (§20.17) and Content-Length against the body (§18.3, §20.14).
import type { Fix, Rule } from '../types';
import type { MessageContext } from '../context';
import { rfcRef } from '../types';
import { problemSeverity, r3261 } from '../util';
import { parseDeltaSeconds, parseMaxForwards } from '../../sip/cseq';
import { isStartLine } from '../../trace/start-line';
import { fixContentLength, fixInsertMaxForwards } from '../fixes';
import { encodeUtf8 } from '../../text/decode';

export const cseqRule: Rule<MessageContext> = {
  id: 'sip/cseq',
  title: 'Malformed CSeq',
  description:
    'CSeq is "<sequence number> <method>" with a number below 2**31. A CSeq that cannot be read or is too large ' +
    'makes transaction matching and in-dialog ordering impossible; the request is answered 400 Bad Request.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('8.1.1.5'), r3261('20.16'), rfcRef(4475, '3.1.2.4'), rfcRef(4475, '3.1.2.5')],
  check(ctx, report) {
    const c = ctx.cseq;
    if (c === undefined) return;
    for (const p of c.problems) report({ span: p.span, message: `CSeq: ${p.message}`, severity: problemSeverity(p) });
  },
};

export const cseqMethodRule: Rule<MessageContext> = {
  id: 'sip/cseq-method',
  title: 'CSeq method does not match the request',
  description:
    'The CSeq method equals the request method: ACK carries "<INVITE number> ACK" and CANCEL "<INVITE number> CANCEL". ' +
    'With a mismatch the server cannot match the transaction: it answers 400, keeps retransmitting its final ' +
    'response (ACK not recognised) or does not cancel the call.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('8.1.1.5'), r3261('9.1'), r3261('17.1.1.3'), rfcRef(4475, '3.1.2.17'), rfcRef(4475, '3.1.2.18')],
  check(ctx, report) {
    const c = ctx.cseq?.value;
    if (c === undefined) return;
    const msg = ctx.msg;
    if (msg.kind === 'response') {
      if (c.method === 'ACK') report({ span: c.span, message: 'A response with CSeq method ACK: ACK is never answered (RFC 3261 §17.1.1.3)' });
      return;
    }
    if (msg.kind !== 'request' || msg.method === undefined || c.method === msg.method) return;
    let message: string;
    if (msg.method === 'ACK') {
      message = `ACK with CSeq method ${c.method}: an ACK repeats the INVITE's CSeq number with method ACK, otherwise the UAS does not match it and keeps retransmitting its response (RFC 3261 §17.1.1.3, §13.2.2.4)`;
    } else if (msg.method === 'CANCEL') {
      message = `CANCEL with CSeq method ${c.method}: a CANCEL carries the INVITE's CSeq number with method CANCEL, otherwise the call is not cancelled (RFC 3261 §9.1)`;
    } else {
      message = `CSeq method "${c.method}" does not match the request method "${msg.method}": the UAS answers 400 Bad Request (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17)`;
    }
    report({ span: c.span, message });
  },
};

export const maxForwardsRule: Rule<MessageContext> = {
  id: 'sip/max-forwards',
  title: 'Max-Forwards missing or out of range',
  description:
    'Requests carry Max-Forwards (normally 70, at most 255) so that routing loops end. A value that is not a number ' +
    'or above 255 is rejected with 400; a missing one is tolerated by proxies (they add 70) but is a UAC bug; 0 makes ' +
    'the next proxy answer 483 Too Many Hops.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('8.1.1.6'), r3261('16.3'), r3261('20.22'), rfcRef(4475, '3.1.2.4'), rfcRef(4475, '3.3.11')],
  check(ctx, report) {
    const msg = ctx.msg;
    if (msg.kind !== 'request') return;
    const fields = msg.headersNamed('max-forwards');
    if (fields.length === 0) {
      const fix = fixInsertMaxForwards(ctx);
      report({
        span: msg.startLine,
        severity: 'warning',
        message: 'Request without Max-Forwards: nothing stops a routing loop (proxies add 70, RFC 3261 §8.1.1.6 requires the UAC to send it)',
        fixes: fix !== undefined ? [fix] : undefined,
      });
      return;
    }
    for (const h of fields) {
      const r = parseMaxForwards(ctx.bytes, 0, h.valueSpan.start, h.valueSpan.end);
      for (const p of r.problems) report({ span: p.span, message: p.message, severity: problemSeverity(p) });
      if (r.value !== undefined && r.value.value === 0) {
        report({
          span: r.value.span,
          severity: 'info',
          message: 'Max-Forwards: 0 — any proxy answers 483 Too Many Hops; only the element addressed directly can answer (RFC 3261 §16.3)',
        });
      }
    }
  },
};

const DELTA_FIELDS: ReadonlySet<string> = new Set(['expires', 'min-expires', 'retry-after', 'session-expires', 'min-se']);

export const expiresRule: Rule<MessageContext> = {
  id: 'sip/expires',
  title: 'Expires or other delta-seconds value invalid',
  description:
    'Expires, Min-Expires, Retry-After, Session-Expires, Min-SE and the Contact "expires" parameter are decimal ' +
    'seconds up to 2**32-1. Other values are rejected (400) or misread, so a registration or session ends at the ' +
    'wrong time.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('10.2.1.1'), r3261('20.19'), r3261('20.33'), rfcRef(4028, '4'), rfcRef(4475, '3.1.2.4'), rfcRef(4475, '3.1.2.5')],
  check(ctx, report) {
    for (const h of ctx.msg.headers) {
      if (!DELTA_FIELDS.has(h.canonical)) continue;
      const value = h.value.trim();
      if ((h.canonical === 'expires' || h.canonical === 'min-expires') && /^[A-Za-z]{3},/.test(value)) {
        report({ span: h.valueSpan, severity: 'warning', message: `${h.name} as a date is RFC 2543 syntax; RFC 3261 §20.19 allows only delta-seconds` });
        continue;
      }
      const r = parseDeltaSeconds(ctx.bytes, 0, h.valueSpan.start, h.valueSpan.end);
      for (const p of r.problems) report({ span: p.span, message: `${h.name}: ${p.message}`, severity: problemSeverity(p) });
      if (r.value !== undefined && (h.canonical === 'expires' || h.canonical === 'min-expires') && !/^\d+$/.test(value)) {
        report({ span: h.valueSpan, message: `${h.name} must be only delta-seconds (RFC 3261 §20.19)` });
      }
    }
    for (const f of ctx.nameAddrs('contact')) {
      for (const na of f.values) {
        const p = na.params.find((x) => x.name.toLowerCase() === 'expires');
        if (p === undefined || p.value === undefined) continue;
        const valueStart = p.span.end - encodeUtf8(p.value).length;
        const r = parseDeltaSeconds(p.value, valueStart);
        for (const q of r.problems) report({ span: q.span, message: `Contact expires: ${q.message}`, severity: problemSeverity(q) });
      }
    }
  },
};

const RFC1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;

export const dateRule: Rule<MessageContext> = {
  id: 'sip/date',
  title: 'Date not in RFC 1123 GMT format',
  description:
    'Date is "Wkd, DD Mon YYYY HH:MM:SS GMT" and always in GMT. Other time zones or formats are invalid; devices that ' +
    'set their clock from the registrar\'s Date (many phones do) get a wrong time.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('20.17'), rfcRef(1123, '5.2.14'), rfcRef(4475, '3.1.2.12')],
  check(ctx, report) {
    for (const h of ctx.msg.headersNamed('date')) {
      const v = h.value.trim();
      const m = RFC1123.exec(v);
      if (m && Number(m[5]) < 24 && Number(m[6]) < 60 && Number(m[7]) < 61 && Number(m[2]) >= 1 && Number(m[2]) <= 31) continue;
      const zone = /\b([A-Z]{3,4}|[+-]\d{4})$/.exec(v)?.[1];
      report({
        span: h.valueSpan,
        message:
          zone !== undefined && zone.toUpperCase() !== 'GMT'
            ? `Date time zone "${zone}" is not GMT: SIP dates are always GMT (RFC 3261 §20.17, RFC 4475 §3.1.2.12)`
            : 'Date is not an RFC 1123 date "Wkd, DD Mon YYYY HH:MM:SS GMT" (RFC 3261 §20.17)',
      });
    }
  },
};

/** Body length when each bare LF is counted as CRLF (what the sender counted before the CRs were lost). */
function crlfLength(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) n += b[i] === 10 && (i === s || b[i - 1] !== 13) ? 2 : 1;
  return n;
}

const STREAM = new Set(['TCP', 'TLS', 'SCTP', 'TLS-SCTP']);

export const contentLengthRule: Rule<MessageContext> = {
  id: 'sip/content-length',
  title: 'Content-Length wrong or missing',
  description:
    'Content-Length is the body size in bytes. If it is larger than the body, a UDP receiver answers 400 Bad Request ' +
    'and a TCP receiver waits for bytes that never come (the connection stalls); if smaller, the receiver cuts the ' +
    'body (SDP lines lost: no media or wrong codecs) and over TCP reads the rest as the next message. It is mandatory ' +
    'over TCP/TLS/SCTP. The quick fix sets the real byte count.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('18.3'), r3261('20.14'), rfcRef(4475, '3.1.1.8'), rfcRef(4475, '3.1.2.2'), rfcRef(4475, '3.1.2.3')],
  check(ctx, report) {
    const msg = ctx.msg;
    if (msg.kind === 'invalid') return;
    const cl = ctx.contentLength;
    if (cl === undefined) {
      const t = ctx.transport;
      if (STREAM.has(t)) {
        report({ span: msg.startLine, message: `No Content-Length over ${t}: it is mandatory on stream transports, the receiver cannot tell where the message ends (RFC 3261 §18.3, §20.14)` });
      }
      return;
    }
    for (const p of cl.problems) report({ span: p.span, message: p.message, severity: problemSeverity(p) });
    const declared = cl.value;
    if (declared === undefined) return;
    if (ctx.parseProblems.some((p) => p.code === 'sip/missing-empty-line')) return;
    const b = ctx.bytes;
    const body = msg.body;
    const actual = body.end - body.start;
    if (declared === actual) return;
    const fixes = (): Fix[] | undefined => {
      const f = fixContentLength(ctx, actual);
      return f !== undefined ? [f] : undefined;
    };
    if (declared > actual) {
      if (crlfLength(b, body.start, body.end) === declared) {
        report({
          span: cl.field.valueSpan,
          severity: 'info',
          message: `Content-Length ${declared} matches the body only if each bare LF is CRLF (the trace lost its CRs?); as written the body has ${actual} bytes (RFC 3261 §20.14)`,
        });
        return;
      }
      report({
        span: cl.field.valueSpan,
        message: `Content-Length is ${declared} but the body has ${actual} bytes: over UDP the receiver answers 400 Bad Request, over TCP it waits for ${declared - actual} more bytes and the connection stalls (RFC 3261 §18.3)`,
        fixes: fixes(),
      });
      return;
    }
    // declared < actual: what follows the declared body?
    let q = body.start + declared;
    let ws = true;
    for (let i = q; i < body.end; i++) {
      const c = b[i];
      if (c !== 32 && c !== 9 && c !== 13 && c !== 10) {
        ws = false;
        break;
      }
    }
    if (ws) return;
    while (q < body.end && (b[q] === 13 || b[q] === 10)) q++;
    let lineEnd = q;
    while (lineEnd < body.end && b[lineEnd] !== 10 && b[lineEnd] !== 13) lineEnd++;
    if (isStartLine(b, q, lineEnd)) {
      report({
        span: cl.field.valueSpan,
        severity: 'info',
        message: `${actual - declared} bytes after the ${declared}-byte body are extra octets (another message?); a UDP receiver ignores them (RFC 3261 §18.3, RFC 4475 §3.1.1.8)`,
      });
      return;
    }
    report({
      span: cl.field.valueSpan,
      message: `Content-Length is ${declared} but the body has ${actual} bytes: the receiver cuts the body after ${declared} bytes (the rest of the SDP is lost) and over TCP parses the remainder as a new message (RFC 3261 §18.3)`,
      fixes: fixes(),
    });
  },
};

export const VALUE_RULES = [cseqRule, cseqMethodRule, maxForwardsRule, expiresRule, dateRule, contentLengthRule];
