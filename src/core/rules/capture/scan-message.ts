// Fast path for capture NAT facts: walks the header lines of a well-formed SIP message once, hands only the fields the
// NAT rules need (Via, From, To, Call-ID, Contact, Record-Route, Expires, Content-Length/-Type) to the range
// sub-parsers, and scans an application/sdp body line by line (o=, c=, m=, direction, ICE). Folded lines, multipart
// bodies or a missing header end return false and the caller uses the full parser (test/core/rules/capture-facts.test.ts
// checks both give the same facts).
import type { SdpDirection } from '../../sdp/types';
import type { ContactFact, MessageFacts, SdpFact, SdpMediaFact, UriFact } from './facts';
import type { SipNameAddr, SipUri } from '../../sip/types';
import { decodeUtf8 } from '../../text/decode';
import { normAddr } from './addresses';

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;

const enum H {
  Other,
  Via,
  From,
  To,
  CallId,
  Contact,
  RecordRoute,
  Expires,
  ContentLength,
  ContentType,
}

const lc = (c: number) => c | 0x20;

function eqLower(b: Uint8Array, s: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if (lc(b[s + i]!) !== lower.charCodeAt(i)) return false;
  return true;
}

/** Header kind from its name (full or compact form, RFC 3261 §7.3.3). */
function kind(b: Uint8Array, s: number, e: number): H {
  switch (e - s) {
    case 1:
      switch (lc(b[s]!)) {
        case 0x76: return H.Via; // v
        case 0x66: return H.From; // f
        case 0x74: return H.To; // t
        case 0x69: return H.CallId; // i
        case 0x6d: return H.Contact; // m
        case 0x6c: return H.ContentLength; // l
        case 0x63: return H.ContentType; // c
        default: return H.Other;
      }
    case 2:
      return eqLower(b, s, 'to') ? H.To : H.Other;
    case 3:
      return eqLower(b, s, 'via') ? H.Via : H.Other;
    case 4:
      return eqLower(b, s, 'from') ? H.From : H.Other;
    case 7:
      return eqLower(b, s, 'call-id') ? H.CallId : eqLower(b, s, 'contact') ? H.Contact : eqLower(b, s, 'expires') ? H.Expires : H.Other;
    case 12:
      return eqLower(b, s, 'record-route') ? H.RecordRoute : eqLower(b, s, 'content-type') ? H.ContentType : H.Other;
    case 14:
      return eqLower(b, s, 'content-length') ? H.ContentLength : H.Other;
    default:
      return H.Other;
  }
}

function digits(b: Uint8Array, s: number, e: number): number | undefined {
  if (s >= e || e - s > 10) return undefined;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

function fnvRange(b: Uint8Array, s: number, e: number, h: number): number {
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

export function uriFact(u: SipUri | undefined): UriFact | undefined {
  if (u === undefined || (u.scheme !== 'sip' && u.scheme !== 'sips') || u.host === '') return undefined;
  let t: string | undefined;
  for (const p of u.params) if (p.name.length === 9 && p.name.toLowerCase() === 'transport') t = p.value;
  return { scheme: u.scheme, user: u.user, host: normAddr(u.host), port: u.port, transport: t?.toUpperCase() };
}

function unquote(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

function intOrUndefined(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : undefined;
}

/** A Contact name-addr as facts (skips `*` and non-SIP URIs). */
export function contactFact(na: SipNameAddr): ContactFact | undefined {
  if (na.star) return undefined;
  const u = uriFact(na.uri);
  if (u === undefined) return undefined;
  let expires: string | undefined;
  let received: string | undefined;
  let outbound = false;
  for (const p of na.params) {
    const n = p.name.toLowerCase();
    if (n === 'expires') expires = p.value;
    else if (n === 'received') received = p.value;
    else if (n === 'reg-id') outbound = true;
  }
  if (!outbound && na.uri !== undefined) for (const p of na.uri.params) if (p.name.toLowerCase() === 'ob') outbound = true;
  return { ...u, expires: intOrUndefined(expires), received: unquote(received), outbound };
}

// ------------------------------------------------------------------------------------------------ lean parsers
// Common-form Via and name-addr values parsed straight into the few facts needed, allocating only the result
// strings. Anything outside the common form (quoted Via params, escapes in display names, whitespace inside <...>,
// non-SIP URIs, odd ports) throws Fallback and the message goes to the full parser.

class Fallback extends Error {}
const FALLBACK = new Fallback('fallback');

const TOKEN = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN[c.charCodeAt(0)] = 1;

/**
 * Text of b[s, e) through a small direct-mapped cache keyed by the bytes: hosts, users, transports and parameter
 * values repeat across the messages of a capture, so most lookups return an existing string and allocate nothing
 * (a per-character concatenation allocated one string per character). `lower`/`upper`: ASCII case folded (tokens).
 */
const CACHE_SIZE = 4096;
const cacheKeys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(CACHE_SIZE);
const cacheVals: string[] = new Array<string>(CACHE_SIZE);
const CASE_KEEP = 0;
const CASE_LOWER = 1;
const CASE_UPPER = 2;

function str(b: Uint8Array, s: number, e: number, fold = CASE_KEEP): string {
  const len = e - s;
  if (len > 96) return foldCase(decodeUtf8(b, s, e), fold);
  let h = Math.imul(len + 1, 0x9e3779b1) ^ fold;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const slot = (h ^ (h >>> 15)) & (CACHE_SIZE - 1);
  const k = cacheKeys[slot];
  if (k !== undefined && k.length === len + 1 && k[len] === fold) {
    let i = 0;
    while (i < len && k[i] === b[s + i]) i++;
    if (i === len) return cacheVals[slot]!;
  }
  const v = foldCase(decodeUtf8(b, s, e), fold);
  const key = new Uint8Array(len + 1);
  key.set(b.subarray(s, e));
  key[len] = fold;
  cacheKeys[slot] = key;
  cacheVals[slot] = v;
  return v;
}

function foldCase(v: string, fold: number): string {
  return fold === CASE_LOWER ? v.toLowerCase() : fold === CASE_UPPER ? v.toUpperCase() : v;
}

/** ASCII case-insensitive comparison of b[s, e) with a lowercase literal. */
function isName(b: Uint8Array, s: number, e: number, lower: string): boolean {
  return e - s === lower.length && eqLower(b, s, lower);
}

function skipWs(b: Uint8Array, i: number, e: number): number {
  while (i < e && (b[i] === SP || b[i] === HT)) i++;
  return i;
}

/** Where params() found one parameter: name b[ns, ne), value b[vs, ve) (vs = -1 without '='). */
const par = { ns: 0, ne: 0, vs: -1, ve: -1 };

/**
 * `;name[=value]` parameters from i until `stop` bytes or e; calls on() with each one's byte ranges in `par` (names
 * are compared on bytes, values decoded only when wanted) and returns the end.
 */
function params(b: Uint8Array, i: number, e: number, stopComma: boolean, allowQuoted: boolean, on: () => void): number {
  for (;;) {
    i = skipWs(b, i, e);
    if (i >= e || (stopComma && b[i] === 0x2c)) return i;
    if (b[i] !== 0x3b) throw FALLBACK;
    i = skipWs(b, i + 1, e);
    const ns = i;
    while (i < e && TOKEN[b[i]!] === 1) i++;
    if (i === ns) throw FALLBACK;
    const ne = i;
    i = skipWs(b, i, e);
    let vs = -1;
    if (i < e && b[i] === 0x3d) {
      i = skipWs(b, i + 1, e);
      vs = i;
      if (b[i] === 0x22) {
        if (!allowQuoted) throw FALLBACK;
        i++;
        while (i < e && b[i] !== 0x22) {
          if (b[i] === 0x5c) throw FALLBACK;
          i++;
        }
        if (i >= e) throw FALLBACK;
        i++;
      } else {
        while (i < e && b[i] !== 0x3b && b[i] !== SP && b[i] !== HT && b[i] !== 0x2c) {
          if (b[i] === 0x22) throw FALLBACK;
          i++;
        }
      }
    }
    par.ns = ns;
    par.ne = ne;
    par.vs = vs;
    par.ve = i;
    on();
  }
}

/** The current parameter's value (raw, quotes kept), undefined for a flag. */
function parValue(b: Uint8Array): string | undefined {
  return par.vs < 0 ? undefined : str(b, par.vs, par.ve);
}

interface LeanUri {
  scheme: string;
  user: string | undefined;
  host: string;
  port: number | undefined;
  transport: string | undefined;
  ob: boolean;
}

/** sip:/sips: URI in b[s, e) (RFC 3261 §19.1.1) in its common form. */
function leanUri(b: Uint8Array, s: number, e: number): LeanUri {
  let i = s;
  while (i < e && b[i] !== 0x3a) i++;
  if (i >= e) throw FALLBACK;
  const scheme = str(b, s, i, CASE_LOWER);
  if (scheme !== 'sip' && scheme !== 'sips') throw FALLBACK;
  i++;
  let at = -1;
  for (let j = i; j < e; j++) {
    const c = b[j]!;
    if (c === 0x40) {
      at = j;
      break;
    }
    if (c === 0x25 || c === SP || c === HT || c >= 0x80) throw FALLBACK; // escapes and odd bytes: full parser
  }
  let user: string | undefined;
  if (at >= 0) {
    let ue = i;
    while (ue < at && b[ue] !== 0x3a) ue++;
    if (ue === i) throw FALLBACK;
    user = str(b, i, ue);
    i = at + 1;
  }
  const hs = i;
  if (b[i] === 0x5b) {
    while (i < e && b[i] !== 0x5d) i++;
    if (i >= e) throw FALLBACK;
    i++;
  } else {
    while (i < e && b[i] !== 0x3a && b[i] !== 0x3b && b[i] !== 0x3f) {
      const c = b[i]!;
      if (TOKEN[c] !== 1) throw FALLBACK;
      i++;
    }
  }
  if (i === hs) throw FALLBACK;
  const host = str(b, hs, i);
  let port: number | undefined;
  if (i < e && b[i] === 0x3a) {
    const ps = ++i;
    let v = 0;
    while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) v = v * 10 + (b[i++]! - 0x30);
    if (i === ps || v > 65535 || (i < e && b[i] !== 0x3b && b[i] !== 0x3f)) throw FALLBACK;
    port = v;
  }
  let transport: string | undefined;
  let ob = false;
  while (i < e && b[i] === 0x3b) {
    const ns = ++i;
    while (i < e && TOKEN[b[i]!] === 1) i++;
    if (i === ns) throw FALLBACK;
    const ne = i;
    let vs = -1;
    if (i < e && b[i] === 0x3d) {
      vs = ++i;
      while (i < e && b[i] !== 0x3b && b[i] !== 0x3f) i++;
    }
    if (isName(b, ns, ne, 'transport')) transport ??= vs < 0 ? undefined : str(b, vs, i);
    else if (isName(b, ns, ne, 'ob')) ob = true;
  }
  if (i < e && b[i] !== 0x3f) throw FALLBACK;
  return { scheme, user, host, port, transport: transport?.toUpperCase(), ob };
}

interface LeanNameAddr {
  display: string | undefined;
  uri: LeanUri;
  tag: string | undefined;
  expires: string | undefined;
  received: string | undefined;
  regId: boolean;
  star: boolean;
}

/** One name-addr / addr-spec at b[i..e); returns it and the index after it (at a top-level ',' for lists, or e). */
function leanNameAddr(b: Uint8Array, i: number, e: number, list: boolean): [LeanNameAddr | undefined, number] {
  i = skipWs(b, i, e);
  if (b[i] === 0x2a) {
    const j = skipWs(b, i + 1, e);
    if (j >= e || b[j] === 0x2c) return [undefined, j];
    throw FALLBACK;
  }
  let display: string | undefined;
  let us: number;
  let ue: number;
  let after: number;
  if (b[i] === 0x22) {
    let q = i + 1;
    while (q < e && b[q] !== 0x22) {
      if (b[q] === 0x5c) throw FALLBACK;
      q++;
    }
    if (q >= e) throw FALLBACK;
    display = decodeUtf8(b, i + 1, q);
    i = skipWs(b, q + 1, e);
    if (b[i] !== 0x3c) throw FALLBACK;
  } else if (!(lc(b[i]!) === 0x73 && lc(b[i + 1]!) === 0x69 && lc(b[i + 2]!) === 0x70)) {
    // token display name up to '<'
    let j = i;
    while (j < e && b[j] !== 0x3c) {
      const c = b[j]!;
      if (TOKEN[c] !== 1 && c !== SP && c !== HT) throw FALLBACK;
      j++;
    }
    if (j >= e) throw FALLBACK;
    let de = j;
    while (de > i && (b[de - 1] === SP || b[de - 1] === HT)) de--;
    if (de > i) display = str(b, i, de);
    i = j;
  }
  if (b[i] === 0x3c) {
    us = i + 1;
    let j = us;
    while (j < e && b[j] !== 0x3e) j++;
    if (j >= e) throw FALLBACK;
    ue = j;
    after = j + 1;
  } else {
    us = i;
    let j = i;
    while (j < e && b[j] !== 0x3b && b[j] !== SP && b[j] !== HT && !(list && b[j] === 0x2c)) {
      if (b[j] === 0x3f || b[j] === 0x2c) throw FALLBACK;
      j++;
    }
    ue = j;
    after = j;
  }
  if (us === ue || b[us] === SP || b[ue - 1] === SP) throw FALLBACK;
  const uri = leanUri(b, us, ue);
  const na: LeanNameAddr = { display, uri, tag: undefined, expires: undefined, received: undefined, regId: false, star: false };
  const end = params(b, after, e, list, true, () => {
    const { ns, ne } = par;
    if (isName(b, ns, ne, 'tag')) na.tag ??= parValue(b) ?? '';
    else if (isName(b, ns, ne, 'expires')) na.expires ??= parValue(b);
    else if (isName(b, ns, ne, 'received')) na.received ??= parValue(b);
    else if (isName(b, ns, ne, 'reg-id')) na.regId = true;
  });
  return [na, end];
}

function leanList(b: Uint8Array, s: number, e: number, out: (LeanNameAddr | undefined)[]): void {
  let i = s;
  for (;;) {
    const [na, end] = leanNameAddr(b, i, e, true);
    out.push(na);
    i = skipWs(b, end, e);
    if (i >= e) return;
    if (b[i] !== 0x2c) throw FALLBACK;
    i++;
  }
}

function leanToUriFact(u: LeanUri): UriFact {
  return { scheme: u.scheme, user: u.user, host: normAddr(u.host), port: u.port, transport: u.transport };
}

function leanContact(na: LeanNameAddr): ContactFact {
  const u = na.uri;
  let expires: number | undefined;
  const x = na.expires;
  if (x !== undefined && x.length > 0 && x.length <= 10) {
    let v = 0;
    for (let i = 0; i < x.length; i++) {
      const d = x.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) {
        v = -1;
        break;
      }
      v = v * 10 + d;
    }
    if (v >= 0) expires = v;
  }
  const r = na.received;
  const received = r === undefined ? undefined : r.length >= 2 && r.charCodeAt(0) === 0x22 && r.charCodeAt(r.length - 1) === 0x22 ? r.slice(1, -1) : r;
  return { scheme: u.scheme, user: u.user, host: normAddr(u.host), port: u.port, transport: u.transport, expires, received, outbound: na.regId || u.ob };
}

/** Via value b[s, e): every via-parm (RFC 3261 §20.42, RFC 3581) into f (top one in full, hosts of all). */
function leanVias(f: MessageFacts, b: Uint8Array, s: number, e: number): void {
  let i = s;
  for (;;) {
    i = skipWs(b, i, e);
    // sent-protocol: name / version / transport
    const ps = i;
    let slashes = 0;
    let ts = -1;
    while (i < e && b[i] !== SP && b[i] !== HT) {
      if (b[i] === 0x2f) {
        slashes++;
        if (slashes === 2) ts = i + 1;
      } else if (TOKEN[b[i]!] !== 1) throw FALLBACK;
      i++;
    }
    if (slashes !== 2 || ts >= i || i === ps) throw FALLBACK;
    const transport = str(b, ts, i, CASE_UPPER);
    i = skipWs(b, i, e);
    const hs = i;
    if (b[i] === 0x5b) {
      while (i < e && b[i] !== 0x5d) i++;
      if (i >= e) throw FALLBACK;
      i++;
    } else {
      while (i < e && b[i] !== 0x3a && b[i] !== 0x3b && b[i] !== 0x2c && b[i] !== SP && b[i] !== HT) {
        if (TOKEN[b[i]!] !== 1) throw FALLBACK;
        i++;
      }
    }
    if (i === hs) throw FALLBACK;
    const host = normAddr(str(b, hs, i));
    let port: number | undefined;
    if (i < e && b[i] === 0x3a) {
      const ps2 = ++i;
      let v = 0;
      while (i < e && b[i]! >= 0x30 && b[i]! <= 0x39) v = v * 10 + (b[i++]! - 0x30);
      if (i === ps2 || v > 65535) throw FALLBACK;
      port = v;
    }
    f.viaHosts.push(host);
    const top = f.via === undefined;
    let branch = '';
    let received: string | undefined;
    let rportPresent = false;
    let rport: number | undefined;
    i = params(b, i, e, true, false, () => {
      if (!top) return;
      const { ns, ne } = par;
      if (isName(b, ns, ne, 'branch')) branch = parValue(b) ?? '';
      else if (isName(b, ns, ne, 'received')) received = parValue(b);
      else if (isName(b, ns, ne, 'rport')) {
        rportPresent = true;
        if (par.vs >= 0) {
          // RFC 3581 §3: rport = "rport" [EQUAL 1*DIGIT]
          const n = par.ve - par.vs;
          const v = n >= 1 && n <= 5 ? digits(b, par.vs, par.ve) : undefined;
          if (v === undefined) throw FALLBACK;
          rport = v;
        }
      }
    });
    if (top) f.via = { transport, host, port, branch, received: received !== undefined ? normAddr(received) : undefined, rportPresent, rport };
    i = skipWs(b, i, e);
    if (i >= e) return;
    if (b[i] !== 0x2c) throw FALLBACK;
    i++;
  }
}

/** o=/c=/m=/a= facts of an SDP in b[s, e) (RFC 8866 §5), line by line; `bodyStart` = s. */
export function scanSdpFacts(b: Uint8Array, s: number, e: number): SdpFact {
  const fact: SdpFact = { originUser: '', sessionId: '', version: '', originAddress: '', connections: [], media: [], cutMidLine: false, ice: false };
  let sessAddr = '';
  let sessDir: SdpDirection | undefined;
  let cur: (SdpMediaFact & { own: string | undefined; dir: SdpDirection | undefined }) | undefined;
  const media: (SdpMediaFact & { own: string | undefined; dir: SdpDirection | undefined })[] = [];
  let i = s;
  while (i < e) {
    let le = i;
    while (le < e && b[le] !== LF) le++;
    let ve = le;
    if (ve > i && b[ve - 1] === CR) ve--;
    if (ve - i >= 2 && b[i + 1] === 0x3d) {
      const t = b[i]!;
      if (t === 0x6f || t === 0x63 || t === 0x6d || t === 0x61) {
        const v = decodeUtf8(b, i + 2, ve);
        if (t === 0x6f) {
          const f = v.split(' ');
          fact.originUser = f[0] ?? '';
          fact.sessionId = f[1] ?? '';
          fact.version = f[2] ?? '';
          fact.originAddress = normAddr(f[5]);
        } else if (t === 0x63) {
          const addr = normAddr((v.split(' ')[2] ?? '').split('/')[0]);
          fact.connections.push(addr);
          if (cur === undefined) sessAddr = addr;
          else cur.own = addr;
        } else if (t === 0x6d) {
          const f = v.split(' ');
          const port = Number((f[1] ?? '').split('/')[0]);
          cur = { media: f[0] ?? '', port: Number.isInteger(port) ? port : 0, address: '', direction: 'sendrecv', reachableCandidates: false, own: undefined, dir: undefined };
          media.push(cur);
        } else {
          if (v === 'sendrecv' || v === 'sendonly' || v === 'recvonly' || v === 'inactive') {
            if (cur === undefined) sessDir = v;
            else cur.dir = v;
          } else if (v.startsWith('ice-ufrag:')) fact.ice = true;
          else if (v.startsWith('candidate:')) {
            fact.ice = true;
            const m = / typ (\S+)/.exec(v);
            if (cur !== undefined && m !== null && (m[1] === 'srflx' || m[1] === 'relay' || m[1] === 'prflx')) cur.reachableCandidates = true;
          }
        }
      }
    }
    i = le + 1;
  }
  for (const m of media) {
    fact.media.push({ media: m.media, port: m.port, address: m.own ?? sessAddr, direction: m.dir ?? sessDir ?? 'sendrecv', reachableCandidates: m.reachableCandidates });
  }
  const last = b[e - 1];
  fact.cutMidLine = e > s && last !== LF && last !== CR;
  return fact;
}

/**
 * Fill the declared facts of `f` from `bytes` on the fast path. Returns false (leaving `f` to the full parser) when
 * the message is not simple: folded header lines, no end of the header section, a multipart body.
 */
export function scanMessageFacts(f: MessageFacts, bytes: Uint8Array, hasSdp: boolean, keepSdpBytes: boolean): boolean {
  const b = bytes;
  const n = b.length;
  let i = 0;
  while (i < n && b[i] !== LF) i++; // start line
  i++;
  let bodyStart = -1;
  let viaHash = 0x811c9dc5;
  let contactHash = 0x811c9dc5;
  let sdpType = false;
  let multipart = false;
  const vias: [number, number][] = [];
  let from: [number, number] | undefined;
  let to: [number, number] | undefined;
  const contacts: [number, number][] = [];
  const rrs: [number, number][] = [];
  while (i < n) {
    let le = i;
    while (le < n && b[le] !== LF) le++;
    if (le >= n) return false; // no end of header section
    let ve = le;
    if (ve > i && b[ve - 1] === CR) ve--;
    if (ve === i) {
      bodyStart = le + 1;
      break;
    }
    if (b[i] === SP || b[i] === HT) return false; // folded line
    let c = i;
    while (c < ve && b[c] !== 0x3a) c++;
    if (c >= ve) return false;
    let ne = c;
    while (ne > i && (b[ne - 1] === SP || b[ne - 1] === HT)) ne--;
    let vs = c + 1;
    while (vs < ve && (b[vs] === SP || b[vs] === HT)) vs++;
    while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
    switch (kind(b, i, ne)) {
      case H.Via:
        vias.push([vs, ve]);
        viaHash = fnvRange(b, vs, ve, viaHash);
        break;
      case H.From:
        from ??= [vs, ve];
        break;
      case H.To:
        to ??= [vs, ve];
        break;
      case H.CallId:
        if (f.callId === '') f.callId = decodeUtf8(b, vs, ve);
        break;
      case H.Contact:
        contacts.push([vs, ve]);
        contactHash = fnvRange(b, vs, ve, contactHash);
        break;
      case H.RecordRoute:
        rrs.push([vs, ve]);
        break;
      case H.Expires:
        f.expires ??= digits(b, vs, ve);
        break;
      case H.ContentLength:
        f.contentLength ??= digits(b, vs, ve);
        break;
      case H.ContentType: {
        const ct = decodeUtf8(b, vs, ve).toLowerCase();
        sdpType = ct.startsWith('application/sdp');
        multipart = ct.startsWith('multipart/');
        break;
      }
      default:
        break;
    }
    i = le + 1;
  }
  if (bodyStart < 0) bodyStart = n;
  if (hasSdp && !sdpType) return false; // multipart or unusual: full parser
  void multipart;
  try {
    for (const [s, e] of vias) leanVias(f, b, s, e);
    f.viaCount = f.viaHosts.length;
    f.viaHash = vias.length > 0 ? viaHash : 0;
    f.contactHash = contacts.length > 0 ? contactHash : 0;
    const fromNa = from !== undefined ? leanNameAddr(b, from[0], from[1], false) : undefined;
    const toNa = to !== undefined ? leanNameAddr(b, to[0], to[1], false) : undefined;
    if (fromNa !== undefined && fromNa[1] < from![1]) throw FALLBACK;
    if (toNa !== undefined && toNa[1] < to![1]) throw FALLBACK;
    const fn = fromNa?.[0];
    const tn = toNa?.[0];
    f.fromTag = fn?.tag ?? '';
    f.toTag = tn?.tag ?? '';
    f.fromUser = fn?.uri.user;
    f.toUser = tn?.uri.user;
    f.fromDisplay = fn?.display?.trim() || undefined;
    f.toDisplay = tn?.display?.trim() || undefined;
    const list: (LeanNameAddr | undefined)[] = [];
    for (const [s, e] of contacts) leanList(b, s, e, list);
    for (const na of list) if (na !== undefined) f.contacts.push(leanContact(na));
    list.length = 0;
    for (const [s, e] of rrs) leanList(b, s, e, list);
    for (const na of list) if (na !== undefined) f.recordRoute.push(leanToUriFact(na.uri));
  } catch (err) {
    if (err instanceof Fallback) return false;
    throw err;
  }
  f.callId = f.callId.trim();
  // The framing layer cut the bytes at Content-Length (or at the end of a truncated datagram).
  f.bodyLength = n - bodyStart;
  if (hasSdp && n > bodyStart) {
    f.sdp = scanSdpFacts(b, bodyStart, n);
    if (keepSdpBytes) f.sdp.body = { bytes: b.slice(bodyStart, n), start: 0, end: n - bodyStart };
  }
  return true;
}
