// Semantic elements of a SIP message or SDP body, found with the core parsers' byte spans: the input of semantic
// tokens (type + modifiers) and of hover (what the span is: method, status, header, parameter, address, SDP line).
// Offsets are BYTE offsets in the coordinates of the parsed bytes (message-local for SIP, document for .sdp files).
import {
  classifyIp,
  headerDef,
  parseIp,
  parseNameAddrList,
  parseUri,
  parseViaList,
  type SdpSession,
  type SipHeaderDef,
  type SipMessage,
  type SipParam,
  type SipUri,
} from '../core/index';
import type { DocumentSnapshot, MessageFacts } from './analysis';
import type { ParamContext } from './docs/sip-methods';
import { sdpAttributeDoc } from './docs/sdp-attributes';

/** Address class as the core's classifyIp returns it. */
type IpClass = NonNullable<ReturnType<typeof classifyIp>>;

/** Semantic token types (legend order matters: the index is the wire value). Standard LSP types only. */
export const TOKEN_TYPES = [
  'function', // SIP method (start line, CSeq)
  'number', // status code, ports
  'property', // header names, SDP attribute names
  'parameter', // ;name of Via / URI / header parameters
  'namespace', // URI scheme
  'variable', // URI user part
  'type', // host / address
  'keyword', // SDP line type letter
  'string', // reason phrase
  'enumMember', // SDP media type (audio, video...)
] as const;

/** Semantic token modifiers (bit i = TOKEN_MODIFIERS[i]). */
export const TOKEN_MODIFIERS = [
  'declaration', // the method of a request start line
  'defaultLibrary', // a header / attribute known to SIPScope's tables
  'deprecated', // historic header (RFC 2543), obsolete SDP line (k=)
  'compact', // compact header form (RFC 3261 §7.3.3)
  'unknown', // header / attribute not in the tables
  'informational', // 1xx
  'success', // 2xx
  'redirection', // 3xx
  'clientError', // 4xx
  'serverError', // 5xx
  'globalFailure', // 6xx
  'privateAddress', // not globally routable (RFC 1918, RFC 6598, link-local, loopback, ULA...)
  'publicAddress',
] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

const TYPE_INDEX = new Map<string, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const MOD_BIT = new Map<string, number>(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i]));

/** What hover says about an element. */
export type HoverTarget =
  | { kind: 'method'; method: string }
  | { kind: 'status'; code: number }
  | { kind: 'header'; name: string; def: SipHeaderDef | undefined }
  | { kind: 'param'; name: string; value: string | undefined; context: ParamContext }
  | { kind: 'address'; text: string }
  | { kind: 'sdp-line'; type: string }
  | { kind: 'sdp-attr'; name: string; value: string | undefined };

/** One element: a byte span with a semantic token and/or a hover target. */
export interface Element {
  readonly start: number;
  readonly end: number;
  /** Index into TOKEN_TYPES, or -1 for hover-only elements. */
  readonly type: number;
  /** Bit set over TOKEN_MODIFIERS. */
  readonly mods: number;
  readonly hover: HoverTarget | undefined;
}

class Collector {
  readonly out: Element[] = [];
  token(s: number, e: number, type: TokenType, mods: readonly TokenModifier[] = [], hover?: HoverTarget): void {
    if (e <= s) return;
    let bits = 0;
    for (const m of mods) bits |= MOD_BIT.get(m) ?? 0;
    this.out.push({ start: s, end: e, type: TYPE_INDEX.get(type) ?? -1, mods: bits, hover });
  }
  hover(s: number, e: number, hover: HoverTarget): void {
    if (e <= s) return;
    this.out.push({ start: s, end: e, type: -1, mods: 0, hover });
  }
  sorted(): Element[] {
    return this.out.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}

const STATUS_MODS: readonly TokenModifier[] = ['informational', 'success', 'redirection', 'clientError', 'serverError', 'globalFailure'];

/** Headers whose value is a list of name-addr / addr-spec (RFC 3261 §20.10 and extensions). */
const NAME_ADDR_HEADERS: ReadonlySet<string> = new Set([
  'from', 'to', 'contact', 'route', 'record-route', 'reply-to', 'refer-to', 'referred-by', 'path', 'service-route',
  'p-asserted-identity', 'p-preferred-identity', 'p-called-party-id', 'p-associated-uri', 'diversion', 'history-info',
]);

/** Address classes that are not globally routable. */
const NON_PUBLIC: ReadonlySet<IpClass> = new Set(['private', 'shared', 'loopback', 'link-local', 'ula', 'unspecified']);

/** Elements of one parsed message (message-local byte offsets), computed once per message text and memoised. */
export function messageElements(facts: MessageFacts): Element[] {
  const memo = facts.memo.get('elements') as Element[] | undefined;
  if (memo !== undefined) return memo;
  const c = new Collector();
  try {
    sipElements(c, facts.sip);
    for (const sdp of facts.sdp) sdpElements(c, facts.bytes, sdp.session);
  } catch {
    // Elements are decoration: a bug in a sub-parser must not take hover or highlighting down for the document.
  }
  const els = dropOverlaps(c.sorted());
  facts.memo.set('elements', els);
  return els;
}

/** Elements of an SDP document (its own byte offsets), memoised on the snapshot. */
export function sdpDocumentElements(snap: DocumentSnapshot): Element[] {
  const memo = snap.memo.get('elements') as Element[] | undefined;
  if (memo !== undefined) return memo;
  const els = sdpElementsOf(snap.bytes, snap.sdpSession());
  snap.memo.set('elements', els);
  return els;
}

function sdpElementsOf(bytes: Uint8Array, session: SdpSession): Element[] {
  const c = new Collector();
  try {
    sdpElements(c, bytes, session);
  } catch {
    // see messageElements
  }
  return dropOverlaps(c.sorted());
}

/** Semantic tokens may not overlap: keep the first (outermost-first order) token of any overlapping run. */
function dropOverlaps(els: Element[]): Element[] {
  let lastTokenEnd = -1;
  return els.filter((e) => {
    if (e.type < 0) return true;
    if (e.start < lastTokenEnd) return false;
    lastTokenEnd = e.end;
    return true;
  });
}

function sipElements(c: Collector, msg: SipMessage): void {
  const b = msg.bytes;
  const sl = msg.startLine;
  if (msg.kind === 'request' && msg.method !== undefined) {
    c.token(sl.start, sl.start + byteLength(msg.method), 'function', ['declaration'], { kind: 'method', method: msg.method });
    if (msg.requestUriSpan !== undefined) {
      const u = parseUri(b, 0, msg.requestUriSpan.start, msg.requestUriSpan.end).value;
      if (u !== undefined) uriElements(c, b, u);
    }
  } else if (msg.kind === 'response' && msg.statusCode !== undefined) {
    // SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    let i = sl.start;
    while (i < sl.end && b[i] !== 32) i++;
    while (i < sl.end && b[i] === 32) i++;
    const cs = i;
    while (i < sl.end && b[i]! >= 48 && b[i]! <= 57) i++;
    const cls = Math.floor(msg.statusCode / 100);
    const mod = STATUS_MODS[cls - 1];
    c.token(cs, i, 'number', mod ? [mod] : [], { kind: 'status', code: msg.statusCode });
    while (i < sl.end && b[i] === 32) i++;
    c.token(i, sl.end, 'string');
  }

  for (const h of msg.headers) {
    const def = headerDef(h);
    const ns = h.nameSpan;
    const compact = def !== undefined && def.compact !== undefined && ns.end - ns.start === 1;
    const mods: TokenModifier[] = def === undefined ? ['unknown'] : ['defaultLibrary'];
    if (compact) mods.push('compact');
    if (def !== undefined && def.rfc === 2543) mods.push('deprecated');
    c.token(ns.start, ns.end, 'property', mods, { kind: 'header', name: h.name, def });

    const vs = h.valueSpan;
    const canon = h.canonical;
    if (canon === 'via') {
      for (const v of parseViaList(b, 0, vs.start, vs.end).value) {
        const hs = v.sentBySpan.start;
        const he = hs + byteLength(v.host);
        hostToken(c, hs, he, v.host);
        if (b[he] === 0x3a) c.token(he + 1, v.sentBySpan.end, 'number');
        paramElements(c, v.params, 'via');
      }
    } else if (NAME_ADDR_HEADERS.has(canon)) {
      for (const na of parseNameAddrList(b, 0, vs.start, vs.end).value) {
        if (na.uri !== undefined) uriElements(c, b, na.uri);
        paramElements(c, na.params, 'header');
      }
    } else if (canon === 'cseq') {
      // CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16)
      let i = vs.start;
      while (i < vs.end && b[i]! >= 48 && b[i]! <= 57) i++;
      while (i < vs.end && (b[i] === 32 || b[i] === 9)) i++;
      let e = i;
      while (e < vs.end && b[e] !== 32 && b[e] !== 9) e++;
      if (e > i) c.token(i, e, 'function', [], { kind: 'method', method: latin(b, i, e) });
    }
  }
}

function uriElements(c: Collector, b: Uint8Array, u: SipUri): void {
  const s = u.span.start;
  const schemeEnd = s + u.scheme.length;
  c.token(s, schemeEnd, 'namespace');
  const hs = u.hostSpan.start;
  const he = u.hostSpan.end;
  if (u.user !== undefined && hs > schemeEnd + 1) {
    // user[:password]@ : the user part runs from after "scheme:" to the last byte before "@".
    let ue = hs - 1;
    if (b[ue] !== 0x40) ue = hs;
    let colon = schemeEnd + 1;
    while (colon < ue && b[colon] !== 0x3a) colon++;
    c.token(schemeEnd + 1, colon, 'variable');
  }
  if (he > hs) {
    hostToken(c, hs, he, latin(b, hs, he));
    if (b[he] === 0x3a && u.port !== undefined) {
      let pe = he + 1;
      while (pe < u.span.end && b[pe]! >= 48 && b[pe]! <= 57) pe++;
      c.token(he + 1, pe, 'number');
    }
  }
  paramElements(c, u.params, 'uri');
}

function hostToken(c: Collector, s: number, e: number, host: string): void {
  const cls = parseIp(host) !== undefined ? classifyIp(host) : undefined;
  if (cls === undefined) {
    c.token(s, e, 'type');
    return;
  }
  c.token(s, e, 'type', [NON_PUBLIC.has(cls) ? 'privateAddress' : 'publicAddress'], { kind: 'address', text: host });
}

function paramElements(c: Collector, params: readonly SipParam[], context: ParamContext): void {
  for (const p of params) {
    const ne = p.span.start + byteLength(p.name);
    c.token(p.span.start, ne, 'parameter', [], { kind: 'param', name: p.name, value: p.value, context });
    if (p.value !== undefined && p.span.end > ne) {
      // Value after "=" (and optional LWS): an address value (received=, maddr=) gets its own hover.
      const vs = Math.max(ne, p.span.end - byteLength(p.value));
      if (parseIp(p.value) !== undefined) c.hover(vs, p.span.end, { kind: 'address', text: p.value });
      else c.hover(vs, p.span.end, { kind: 'param', name: p.name, value: p.value, context });
    }
  }
}

function sdpElements(c: Collector, b: Uint8Array, session: SdpSession): void {
  for (const line of session.lines) {
    if (line.type === '') continue;
    const s = line.span.start;
    c.token(s, s + 1, 'keyword', line.type === 'k' ? ['deprecated'] : [], { kind: 'sdp-line', type: line.type });
    if (line.type === 'a') {
      const v = line.value;
      const colon = v.indexOf(':');
      const name = colon < 0 ? v : v.slice(0, colon);
      const ns = line.valueSpan.start;
      const ne = ns + byteLength(name);
      const known = sdpAttributeDoc(name) !== undefined;
      c.token(ns, ne, 'property', [known ? 'defaultLibrary' : 'unknown'], { kind: 'sdp-attr', name, value: colon < 0 ? undefined : v.slice(colon + 1) });
      if (name === 'candidate' || name === 'rtcp') addressesInLine(c, b, ne, line.span.end);
    } else if (line.type === 'm') {
      const ms = line.valueSpan.start;
      let me = ms;
      while (me < line.span.end && b[me] !== 32) me++;
      c.token(ms, me, 'enumMember');
    }
  }
  const addrs = [session.origin, session.connection, ...session.media.map((m) => m.connection)];
  for (const a of addrs) {
    if (a !== undefined) hostToken(c, a.addressSpan.start, a.addressSpan.end, a.address);
  }
  for (const m of session.media) c.token(m.portSpan.start, m.portSpan.end, 'number');
}

/** IPv4/IPv6 literals in an attribute value (a=candidate, a=rtcp), as address elements. */
function addressesInLine(c: Collector, b: Uint8Array, s: number, e: number): void {
  let i = s;
  while (i < e) {
    while (i < e && !isAddrChar(b[i]!)) i++;
    const ts = i;
    while (i < e && isAddrChar(b[i]!)) i++;
    if (i > ts && i - ts >= 3) {
      const text = latin(b, ts, i);
      if ((text.includes('.') || text.includes(':')) && parseIp(text) !== undefined) hostToken(c, ts, i, text);
    }
  }
}

function isAddrChar(ch: number): boolean {
  return (ch >= 48 && ch <= 58) || (ch >= 65 && ch <= 70) || (ch >= 97 && ch <= 102) || ch === 46;
}

/** UTF-8 byte length of `s` (spans are byte offsets; parsed values are strings). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x80) n += 1;
    else if (ch < 0x800) n += 2;
    else if (ch >= 0xd800 && ch <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function latin(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

/** The smallest element with a hover target that contains byte offset `offset` (end inclusive), if any. */
export function hoverElementAt(els: readonly Element[], offset: number): Element | undefined {
  let best: Element | undefined;
  for (const e of els) {
    if (e.start > offset) break;
    if (e.hover === undefined || offset > e.end) continue;
    if (best === undefined || e.end - e.start <= best.end - best.start) best = e;
  }
  return best;
}

