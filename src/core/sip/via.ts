// Via sub-parser (RFC 3261 §20.42, §25.1; RFC 3581 rport; RFC 5118 IPv6): sent-protocol with LWS around "/",
// sent-by host[:port], via-params (branch, received, rport, maddr, ttl and any other), lists and all Via fields.
import type { ParseProblem, SipHeaderField, SipMessage, SipParam, SipVia } from './types';
import { decodeUtf8 } from '../text/decode';
import {
  C_DIGIT,
  C_WS,
  CHARS,
  parseCommaList,
  type CommaListWords,
  findParam,
  inputRange,
  mkSpan,
  problem,
  scanGenericParams,
  scanQuotedString,
  scanToken,
  skipLws,
  trimLwsEnd,
  type SubParseResult,
  type TextInput,
} from './params';
import { checkIpv6 } from './uri';

/**
 * Parse one Via header value: `via-parm *(COMMA via-parm)` where
 * `via-parm = sent-protocol LWS sent-by *( SEMI via-params )`, `sent-protocol = name SLASH version SLASH transport`
 * (SLASH = SWS "/" SWS, so `SIP / 2.0 / UDP` is valid) and `sent-by = host [ COLON port ]` (RFC 3261 §25.1).
 * `baseOffset` is the absolute byte offset of `input[0]`; `start`/`end` select a byte range of the input.
 * Returns every via-parm that could be read (bad ones are skipped up to the next comma) and problems:
 * `sip/empty-header-value`, `sip/empty-list-element`, `sip/via-bad-sent-protocol`, `sip/via-missing-sent-by`,
 * `sip/via-bad-host`, `sip/via-bad-port`, `sip/via-bad-rport`, `sip/unexpected-text` and parameter problems.
 * Missing or RFC 2543-style branches are NOT problems here (they are transaction-layer matters for lint rules).
 */
export function parseViaList(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipVia[]> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  return { value: parseViaListRange(b, s, e, baseOffset, problems), problems };
}

/** Range form of parseViaList over message bytes (spans `base + index`, problems appended). */
export function parseViaListRange(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[], max = Infinity): SipVia[] {
  return parseCommaList(b, s, e, base, problems, (i) => parseViaParm(b, i, e, base, problems), (j) => nextComma(b, j, e), VIA_WORDS, max);
}

const VIA_WORDS: CommaListWords = {
  empty: 'Empty Via header value (RFC 3261 §20.42)',
  trailing: 'Trailing "," with no via-parm after it',
  emptyElement: 'Empty via-parm (",," or leading ",")',
  unexpected: 'Unexpected text in Via header',
};

function nextComma(b: Uint8Array, i: number, e: number): number {
  let j = i;
  while (j < e) {
    const c = b[j] as number;
    if (c === 0x2c) return j;
    if (c === 0x22) {
      const q = scanQuotedString(b, j, e);
      j = q < 0 ? e : q;
      continue;
    }
    j++;
  }
  return e;
}

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'TLS-SCTP', 'DTLS'];

function upperToken(b: Uint8Array, s: number, e: number): string {
  for (let k = 0; k < TRANSPORTS.length; k++) {
    const t = TRANSPORTS[k] as string;
    if (t.length !== e - s) continue;
    let j = 0;
    while (j < t.length) {
      let c = b[s + j] as number;
      if (c >= 97 && c <= 122) c -= 32;
      if (c !== t.charCodeAt(j)) break;
      j++;
    }
    if (j === t.length) return t;
  }
  return decodeUtf8(b, s, e).toUpperCase();
}

function parseViaParm(b: Uint8Array, i: number, e: number, base: number, problems: ParseProblem[]): { value: SipVia | undefined; end: number } {
  const start = i;
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport
  const n1 = scanToken(b, i, e);
  let j = skipLws(b, n1, e);
  let ok = n1 > i && j < e && b[j] === 0x2f;
  let v0 = 0;
  let v1 = 0;
  let t0 = 0;
  let t1 = 0;
  if (ok) {
    v0 = skipLws(b, j + 1, e);
    v1 = scanToken(b, v0, e);
    j = skipLws(b, v1, e);
    ok = v1 > v0 && j < e && b[j] === 0x2f;
    if (ok) {
      t0 = skipLws(b, j + 1, e);
      t1 = scanToken(b, t0, e);
      ok = t1 > t0;
    }
  }
  if (!ok) {
    const k = nextComma(b, i, e);
    problems.push(
      problem('sip/via-bad-sent-protocol', 'error', 'Expected sent-protocol "SIP/2.0/<transport>" (RFC 3261 §20.42)', base + i, base + trimLwsEnd(b, i, k)),
    );
    return { value: undefined, end: k };
  }
  const protocol = v1 - v0 === 3 && b[v0] === 0x32 && b[v0 + 1] === 0x2e && b[v0 + 2] === 0x30 && n1 - i === 3 && b[i] === 0x53 && b[i + 1] === 0x49 && b[i + 2] === 0x50
    ? 'SIP/2.0'
    : `${decodeUtf8(b, i, n1)}/${decodeUtf8(b, v0, v1)}`;
  const transport = upperToken(b, t0, t1);

  // LWS sent-by
  j = skipLws(b, t1, e);
  if (j === t1 || j >= e || b[j] === 0x3b || b[j] === 0x2c) {
    problems.push(problem('sip/via-missing-sent-by', 'error', 'Via has no sent-by host after the transport (RFC 3261 §20.42)', base + t1, base + j));
    const params: SipParam[] = [];
    const stop = scanGenericParams(b, j, e, base, problems, params);
    return { value: makeVia(protocol, transport, '', undefined, params, base + start, base + stop, base + j, base + j), end: stop };
  }
  const hostStart = j;
  let hostEnd: number;
  if (b[j] === 0x5b) {
    while (j < e && b[j] !== 0x5d) j++;
    if (j < e) j++;
    hostEnd = j;
    const inner = decodeUtf8(b, hostStart + 1, b[hostEnd - 1] === 0x5d ? hostEnd - 1 : hostEnd);
    const kind = b[hostEnd - 1] === 0x5d ? checkIpv6(inner) : 'bad';
    if (kind !== 'ok') {
      problems.push(
        problem('sip/via-bad-host', kind === 'triple-colon' ? 'warning' : 'error', 'Invalid IPv6 reference in Via sent-by (RFC 5118)', base + hostStart, base + hostEnd),
      );
    }
  } else {
    while (j < e) {
      const c = b[j] as number;
      if (c === 0x3a || c === 0x3b || c === 0x2c || ((CHARS[c] as number) & C_WS) !== 0) break;
      j++;
    }
    hostEnd = j;
    for (let k = hostStart; k < hostEnd; k++) {
      const c = b[k] as number;
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 0x2d || c === 0x2e || c === 0x5f)) {
        problems.push(problem('sip/via-bad-host', 'error', `Character "${String.fromCharCode(c)}" not allowed in Via sent-by host`, base + k, base + k + 1));
        break;
      }
    }
  }
  const host = decodeUtf8(b, hostStart, hostEnd);
  let sentByEnd = hostEnd;
  // COLON = SWS ":" SWS, port = 1*DIGIT
  let port: number | undefined;
  j = skipLws(b, hostEnd, e);
  if (j < e && b[j] === 0x3a) {
    const ps = skipLws(b, j + 1, e);
    let k = ps;
    let v = 0;
    while (k < e && ((CHARS[b[k] as number] as number) & C_DIGIT) !== 0) {
      v = v * 10 + ((b[k] as number) - 48);
      k++;
    }
    if (k === ps) {
      problems.push(problem('sip/via-bad-port', 'error', 'Via sent-by port is not a number (RFC 3261 §25.1)', base + j, base + k));
    } else {
      port = v;
      if (v > 65535) problems.push(problem('sip/via-bad-port', 'error', `Via sent-by port ${v} is out of range (0-65535)`, base + ps, base + k));
    }
    sentByEnd = k;
  }
  const params: SipParam[] = [];
  const stop = scanGenericParams(b, sentByEnd, e, base, problems, params);
  const lastEnd = params.length > 0 ? (params[params.length - 1] as SipParam).span.end - base : sentByEnd;
  const via = makeVia(protocol, transport, host, port, params, base + start, base + lastEnd, base + hostStart, base + sentByEnd);
  if (via.rportPresent) {
    const rp = findParam(params, 'rport') as SipParam;
    if (rp.value !== undefined && via.rport === undefined) {
      problems.push(problem('sip/via-bad-rport', 'error', 'rport value must be a port number (RFC 3581 §3)', rp.span.start, rp.span.end));
    }
  }
  return { value: via, end: stop };
}

function makeVia(
  protocol: string,
  transport: string,
  host: string,
  port: number | undefined,
  params: SipParam[],
  start: number,
  end: number,
  sentByStart: number,
  sentByEnd: number,
): SipVia {
  let branch: string | undefined;
  let received: string | undefined;
  let maddr: string | undefined;
  let rportPresent = false;
  let rport: number | undefined;
  for (let k = 0; k < params.length; k++) {
    const p = params[k] as SipParam;
    const n = p.name.toLowerCase();
    if (n === 'branch') branch ??= p.value;
    else if (n === 'received') received ??= p.value;
    else if (n === 'maddr') maddr ??= p.value;
    else if (n === 'rport' && !rportPresent) {
      rportPresent = true;
      if (p.value !== undefined && /^\d{1,5}$/.test(p.value)) {
        const v = Number(p.value);
        if (v <= 65535) rport = v;
      }
    }
  }
  return { protocol, transport, host, port, params, branch, received, rportPresent, rport, maddr, span: mkSpan(start, end), sentBySpan: mkSpan(sentByStart, sentByEnd) };
}

/** Bytes and base of a header field's value inside its message, for the range parsers. */
function fieldRange(msg: SipMessage, field: SipHeaderField): { s: number; e: number; base: number } {
  const base = msg.baseOffset;
  return { s: field.valueSpan.start - base, e: field.valueSpan.end - base, base };
}

/**
 * All via-parms of all Via header fields of `msg` (compact `v` included), in message order (topmost first),
 * and the problems found. Spans are in the message's coordinates (same as msg.headers).
 */
export function parseVias(msg: SipMessage): SubParseResult<SipVia[]> {
  const problems: ParseProblem[] = [];
  const out: SipVia[] = [];
  for (const h of msg.headersNamed('via')) {
    const r = fieldRange(msg, h);
    const list = parseViaListRange(msg.bytes, r.s, r.e, r.base, problems);
    for (const v of list) out.push(v);
  }
  return { value: out, problems };
}

/** The topmost via-parm of `msg` (first element of the first Via field), or undefined when absent/unparsable. */
export function topVia(msg: SipMessage): SipVia | undefined {
  const h = msg.header('via');
  if (h === undefined) return undefined;
  const r = fieldRange(msg, h);
  return parseViaListRange(msg.bytes, r.s, r.e, r.base, [], 1)[0];
}

/** Every via-parm of `msg` in order (see parseVias for the problems). */
export function allVias(msg: SipMessage): SipVia[] {
  return parseVias(msg).value;
}
