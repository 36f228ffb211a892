// URI and address rules: Request-URI (RFC 3261 §7.1, §19.1.1), URIs and name-addr syntax in From/To/Contact/Route...
// (§20.10, §25.1, RFC 4475 §3.1.2.x), URI schemes (§8.2.2.1) and IPv6 references (RFC 5118, RFC 5954).
import type { ParseProblem, Span } from '../../sip/types';
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { rfcRef } from '../types';
import { isIpv6Problem, isUriProblem, problemSeverity, r3261 } from '../util';
import { encodeUtf8 } from '../../text/decode';
import { checkIpv6 } from '../../sip/uri';

/** Byte length of an ASCII/UTF-8 string slice (URIs are mostly ASCII). */
function blen(s: string): number {
  return encodeUtf8(s).length;
}

/**
 * Span of an IPv6 address written without brackets as the host of a SIP/SIPS URI (`sip:2001:db8::10`), which the
 * grammar cannot read (RFC 3261 §25.1 host = ... / IPv6reference; RFC 5118 §4.2). `uriStart` is the URI's offset.
 */
export function unbracketedIpv6InUri(raw: string, uriStart: number): Span | undefined {
  const m = /^sips?:(?:[^@]*@)?/i.exec(raw);
  if (!m) return undefined;
  const hs = m[0].length;
  if (raw[hs] === '[') return undefined;
  let he = hs;
  while (he < raw.length && raw[he] !== ';' && raw[he] !== '?' && raw[he] !== '>') he++;
  const host = raw.slice(hs, he);
  if ((host.match(/:/g) ?? []).length < 2 || !/^[0-9A-Fa-f:.]+$/.test(host)) return undefined;
  const start = uriStart + blen(raw.slice(0, hs));
  return { start, end: start + blen(host) };
}

function within(s: Span, outer: Span | undefined): boolean {
  return outer !== undefined && s.start >= outer.start && s.end <= outer.end + 8;
}

/** The Request-URI's unbracketed IPv6 host span, if any. */
function ruriIpv6(ctx: MessageContext): Span | undefined {
  const s = ctx.msg.requestUriSpan;
  if (s === undefined) return undefined;
  return unbracketedIpv6InUri(ctx.text(s), s.start);
}

export const requestUriRule: Rule<MessageContext> = {
  id: 'sip/request-uri',
  title: 'Malformed Request-URI',
  description:
    'The Request-URI is a bare URI (never in "<>", no spaces) and may not carry a "?headers" component or a method ' +
    'parameter. A proxy that cannot parse it answers 400 Bad Request or routes the request to the wrong place.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.1'), r3261('19.1.1'), r3261('25.1'), rfcRef(4475, '3.1.2.7'), rfcRef(4475, '3.1.2.8'), rfcRef(4475, '3.1.2.11')],
  check(ctx, report) {
    if (ctx.msg.kind !== 'request') return;
    let startLineBroken = false;
    for (const p of ctx.parseProblems) {
      if (p.code === 'sip/bad-request-uri') {
        startLineBroken = true;
        report({ span: p.span, message: p.message });
      }
    }
    const r = ctx.requestUri;
    if (startLineBroken || r === undefined) return;
    const v6 = ruriIpv6(ctx);
    for (const p of r.problems) {
      if (isIpv6Problem(p) || within(p.span, v6)) continue;
      report({ span: p.span, message: `Request-URI: ${p.message}`, severity: problemSeverity(p) });
    }
    const uri = r.uri;
    if (uri === undefined || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) return;
    if (uri.headers !== undefined) {
      const q = uri.raw.indexOf('?');
      const start = uri.span.start + (q >= 0 ? blen(uri.raw.slice(0, q)) : 0);
      report({
        span: { start, end: uri.span.end },
        message:
          'The Request-URI has a "?headers" component, which RFC 3261 §19.1.1 (Table 1) does not allow there; it belongs in a ' +
          'Contact or Refer-To URI. A UAS should answer 400 Bad Request (RFC 4475 §3.1.2.11)',
      });
    }
    const method = uri.params.find((p) => p.name.toLowerCase() === 'method');
    if (method !== undefined) {
      report({ span: method.span, severity: 'warning', message: 'The "method" URI parameter is not allowed in a Request-URI (RFC 3261 §19.1.1, Table 1)' });
    }
  },
};

export const uriSchemeRule: Rule<MessageContext> = {
  id: 'sip/uri-scheme',
  title: 'Unsupported URI scheme',
  description:
    'SIP elements handle sip, sips and tel URIs. A Request-URI with another scheme is answered 416 Unsupported URI ' +
    'Scheme, and a REGISTER whose To is not a SIP/SIPS address-of-record is rejected by the registrar.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.2.2.1'), r3261('10.2'), r3261('19.1'), rfcRef(4475, '3.3.3'), rfcRef(4475, '3.3.4')],
  check(ctx, report) {
    const uri = ctx.requestUri?.uri;
    if (uri !== undefined && uri.scheme !== 'sip' && uri.scheme !== 'sips' && uri.scheme !== 'tel') {
      report({
        span: uri.span,
        message: `Request-URI scheme "${uri.scheme}:" is not sip, sips or tel: most elements answer 416 Unsupported URI Scheme (RFC 3261 §8.2.2.1)`,
      });
    }
    if (ctx.msg.kind === 'request' && ctx.msg.method === 'REGISTER') {
      for (const name of ['to', 'from']) {
        const na = ctx.nameAddrs(name)[0]?.values[0];
        const u = na?.uri;
        if (u !== undefined && u.scheme !== 'sip' && u.scheme !== 'sips') {
          report({
            span: u.span,
            message: `REGISTER ${name === 'to' ? 'To' : 'From'} URI "${u.scheme}:" is not a SIP/SIPS address-of-record: the registrar rejects the registration (RFC 3261 §10.2)`,
          });
        }
      }
    }
  },
};

/** Spans of name-addr URIs whose host is an unbracketed IPv6 address (reported by sip/ipv6-reference). */
function nameAddrIpv6Spans(ctx: MessageContext): Span[] {
  const out: Span[] = [];
  for (const f of ctx.nameAddrFields) {
    for (const na of f.values) {
      const u = na.uri;
      if (u === undefined) continue;
      const s = unbracketedIpv6InUri(u.raw, u.span.start);
      if (s !== undefined) out.push({ start: u.span.start, end: u.span.end });
    }
  }
  return out;
}

export const uriSyntaxRule: Rule<MessageContext> = {
  id: 'sip/uri-syntax',
  title: 'Malformed URI in a header',
  description:
    'URIs in From, To, Contact, Route, Record-Route and similar headers must follow the SIP URI grammar: characters ' +
    'outside the allowed sets are %-escaped, escapes are "%" and two hex digits, hosts and ports are well formed. A ' +
    'URI that does not parse makes the receiver reject the message or lose the address (e.g. the Contact for the dialog).',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('19.1.1'), r3261('19.1.2'), r3261('25.1'), rfcRef(4475, '3.1.1.3'), rfcRef(4475, '3.1.1.5')],
  check(ctx, report) {
    const v6 = nameAddrIpv6Spans(ctx);
    for (const f of ctx.nameAddrFields) {
      for (const p of f.problems) {
        if (!isUriProblem(p) || isIpv6Problem(p) || v6.some((s) => within(p.span, s))) continue;
        report({ span: p.span, message: `${f.field.name}: ${p.message}`, severity: problemSeverity(p) });
      }
    }
  },
};

export const nameAddrRule: Rule<MessageContext> = {
  id: 'sip/name-addr',
  title: 'Malformed address (name-addr / addr-spec)',
  description:
    'From, To, Contact, Route and Record-Route values are "display-name <URI>;params" or a bare URI. Display names ' +
    'with non-token characters must be quoted, quotes must be closed, no spaces may appear inside "<" ">", and a bare ' +
    'URI containing "," "?" or ";" parameters must be put in "<>". Otherwise the receiver mis-reads the address and ' +
    'its tag, breaking dialog matching, or rejects the message with 400.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('20.10'), r3261('25.1'), rfcRef(4475, '3.1.2.6'), rfcRef(4475, '3.1.2.13'), rfcRef(4475, '3.1.2.14'), rfcRef(4475, '3.1.2.15')],
  check(ctx, report) {
    for (const f of ctx.nameAddrFields) {
      for (const p of f.problems) {
        if (isUriProblem(p) || isIpv6Problem(p)) continue;
        report({ span: p.span, message: `${f.field.name}: ${p.message}`, severity: problemSeverity(p) });
      }
    }
  },
};

/** Check one `received` / `maddr` style address value: IPv4, IPv6 or bracketed IPv6 (RFC 5118 §4.5). */
export function ipv6ParamProblem(value: string): string | undefined {
  const v = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  // Only values that look like IPv6 (hex groups and colons, maybe a dotted tail); "1.2.3.4:5060" is sip/via's case.
  if (/^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$/.test(v) && !/^\d+\.\d+\.\d+\.\d+:/.test(v)) {
    const k = checkIpv6(v);
    if (k === 'bad') return `"${value}" is not a valid IPv6 address (RFC 4291 §2.2)`;
  }
  return undefined;
}

export const ipv6ReferenceRule: Rule<MessageContext> = {
  id: 'sip/ipv6-reference',
  title: 'IPv6 address syntax',
  description:
    'An IPv6 address used as a host in a SIP URI or a Via sent-by must be an IPv6 reference in brackets ' +
    '("[2001:db8::1]"), otherwise its colons are read as a port separator. The "received" parameter may carry the ' +
    'address with or without brackets. Elements answer 400 Bad Request to an unbracketed address or send to a wrong ' +
    'host/port; the ":::" form produced by the old RFC 3261 grammar is accepted by lenient parsers only.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [rfcRef(5118, '4.2'), rfcRef(5118, '4.5'), rfcRef(5118, '4.10'), r3261('25.1'), rfcRef(5954, '4.1')],
  check(ctx, report) {
    const rs = ctx.msg.requestUriSpan;
    const rv6 = ruriIpv6(ctx);
    if (rv6 !== undefined) {
      report({ span: rv6, message: `Request-URI host "${ctx.text(rv6)}" is an IPv6 address without brackets; write sip:[${ctx.text(rv6)}] (RFC 5118 §4.2)` });
    }
    const uriProblems: ParseProblem[] = [...(rs !== undefined ? (ctx.requestUri?.problems ?? []) : [])];
    for (const f of ctx.nameAddrFields) {
      for (const na of f.values) {
        const u = na.uri;
        if (u === undefined) continue;
        const s = unbracketedIpv6InUri(u.raw, u.span.start);
        if (s !== undefined) {
          report({ span: s, message: `${f.field.name} URI host "${ctx.text(s)}" is an IPv6 address without brackets; write [${ctx.text(s)}] (RFC 5118 §4.2, RFC 3261 §25.1)` });
        }
      }
      uriProblems.push(...f.problems);
    }
    for (const p of uriProblems) if (isIpv6Problem(p)) report({ span: p.span, message: p.message, severity: problemSeverity(p) });
    for (const f of ctx.viaFields) {
      for (const p of f.problems) if (isIpv6Problem(p)) report({ span: p.span, message: p.message, severity: problemSeverity(p) });
      for (const v of f.vias) {
        const sb = viaUnbracketedIpv6(ctx, v.sentBySpan.start, f.field.valueSpan.end);
        if (sb !== undefined) {
          report({ span: sb, message: `Via sent-by "${ctx.text(sb)}" is an IPv6 address without brackets; write [address]:port (RFC 5118 §4.5, RFC 3261 §25.1)` });
        }
        for (const p of v.params) {
          const n = p.name.toLowerCase();
          if ((n === 'received' || n === 'maddr') && p.value !== undefined) {
            const why = ipv6ParamProblem(p.value);
            if (why !== undefined) report({ span: p.span, message: `Via ${n}: ${why} (RFC 5118 §4.5)` });
          }
        }
      }
    }
  },
};

/** If the Via sent-by at `start` is an unbracketed IPv6 address, its span. */
export function viaUnbracketedIpv6(ctx: MessageContext, start: number, limit: number): Span | undefined {
  const b = ctx.bytes;
  if (b[start] === 0x5b) return undefined;
  let e = start;
  let colons = 0;
  while (e < limit) {
    const c = b[e] as number;
    if (c === 0x3b || c === 0x2c || c === 32 || c === 9 || c === 13 || c === 10) break;
    if (c === 0x3a) colons++;
    else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 0x2e)) return undefined;
    e++;
  }
  return colons >= 2 ? { start, end: e } : undefined;
}

export const URI_RULES = [requestUriRule, uriSchemeRule, uriSyntaxRule, nameAddrRule, ipv6ReferenceRule];
