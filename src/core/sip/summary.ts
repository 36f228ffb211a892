// SipSummary: the flat per-message facts a call index and the JSON export need (method/status, Call-ID, CSeq,
// From/To, top Via, Contacts, body type), as plain strings and numbers comparable with tshark's fields.
import type { ParseProblem, SipHeaderField, SipMessage, SipMessageKind, SipNameAddr } from './types';
import { parseCSeqRange, parseContentLength, parseMaxForwards } from './cseq';
import { parseNameAddrListRange, parseNameAddrRange } from './name-addr';
import { scanQuotedString } from './params';
import { decodeLowerAscii } from '../text/decode';
import { stripBrackets } from './uri';
import { topVia } from './via';
import { headerDef } from './parse-message';
import { lookupHeader } from './header-table';
import { findSdpBodies } from '../sdp/parse-sdp';

/** Top Via facts (RFC 3261 §20.42, RFC 3581), named after tshark's `sip.Via.*` fields. */
export interface SipViaSummary {
  /** Upper-cased transport (UDP, TCP, TLS, WS, ...). */
  transport: string;
  /** sent-by host; IPv6 without brackets (as tshark's sip.Via.sent-by.address). */
  host: string;
  port: number | undefined;
  branch: string | undefined;
  received: string | undefined;
  rportPresent: boolean;
  rport: number | undefined;
}

/** Per-message summary; every field is plain data (JSON-serialisable). Missing or unparsable facts are undefined. */
export interface SipSummary {
  kind: SipMessageKind;
  /** Request method (requests only). */
  method: string | undefined;
  requestUri: string | undefined;
  /** Status code (responses only). */
  statusCode: number | undefined;
  reason: string | undefined;
  /** Call-ID value, trimmed. */
  callId: string | undefined;
  cseqSeq: number | undefined;
  cseqMethod: string | undefined;
  /** From URI as written (without <> and header params). */
  fromUri: string | undefined;
  fromTag: string | undefined;
  /** From display name (quoted-string unquoted and unescaped). */
  fromDisplay: string | undefined;
  toUri: string | undefined;
  toTag: string | undefined;
  toDisplay: string | undefined;
  /** Number of via-parms over all Via header fields. */
  viaCount: number;
  viaTop: SipViaSummary | undefined;
  /** URI of each Contact element, as written, without <> and header params (`*` for a wildcard Contact). */
  contactUris: string[];
  /** Lower-cased media type without parameters (`application/sdp`). */
  contentType: string | undefined;
  /** Declared Content-Length (undefined when absent or not a number). */
  contentLength: number | undefined;
  /** Content-Type application/sdp with a non-empty body, or an application/sdp part of a multipart body. */
  hasSdp: boolean;
  maxForwards: number | undefined;
  /** User-Agent header value. */
  userAgent: string | undefined;
}

function range<T>(msg: SipMessage, h: SipHeaderField, f: (b: Uint8Array, s: number, e: number, base: number, p: ParseProblem[]) => T): T {
  const base = msg.baseOffset;
  return f(msg.bytes, h.valueSpan.start - base, h.valueSpan.end - base, base, []);
}

/** name-addr without URI validation: the summary needs the URI text, tag and display name only. */
const nameAddrLite = (b: Uint8Array, s: number, e: number, base: number, p: ParseProblem[]): SipNameAddr | undefined =>
  parseNameAddrRange(b, s, e, base, p, false);
const nameAddrListLite = (b: Uint8Array, s: number, e: number, base: number, p: ParseProblem[]): SipNameAddr[] =>
  parseNameAddrListRange(b, s, e, base, p, false);

/** Count via-parms in one Via value: top-level commas (outside quoted strings) separating non-empty elements. */
function countViaParms(b: Uint8Array, s: number, e: number): number {
  let count = 0;
  let inElement = false;
  let i = s;
  while (i < e) {
    const c = b[i] as number;
    if (c === 0x2c) {
      inElement = false;
      i++;
      continue;
    }
    if (c === 0x22) {
      const q = scanQuotedString(b, i, e);
      i = q < 0 ? e : q;
    } else i++;
    if (!inElement && c !== 32 && c !== 9 && c !== 13 && c !== 10) {
      inElement = true;
      count++;
    }
  }
  return count;
}

/**
 * Summarise a parsed message (see SipSummary). Sub-parsers run on the fields needed only; their problems are not
 * returned here (lint rules re-run the sub-parsers to report them). Never throws.
 */
export function summarizeSipMessage(msg: SipMessage): SipSummary {
  const s: SipSummary = {
    kind: msg.kind,
    method: msg.kind === 'request' ? msg.method : undefined,
    requestUri: msg.kind === 'request' ? msg.requestUri : undefined,
    statusCode: msg.kind === 'response' ? msg.statusCode : undefined,
    reason: msg.kind === 'response' ? msg.reason : undefined,
    callId: undefined,
    cseqSeq: undefined,
    cseqMethod: undefined,
    fromUri: undefined,
    fromTag: undefined,
    fromDisplay: undefined,
    toUri: undefined,
    toTag: undefined,
    toDisplay: undefined,
    viaCount: 0,
    viaTop: undefined,
    contactUris: [],
    contentType: undefined,
    contentLength: undefined,
    hasSdp: false,
    maxForwards: undefined,
    userAgent: undefined,
  };
  try {
    fill(msg, s);
  } catch {
    // Defensive: a summary is best effort; fields already filled stay.
  }
  return s;
}

function nameAddrUri(na: SipNameAddr): string | undefined {
  if (na.uri !== undefined) return na.uri.raw;
  return na.uriText === '' ? undefined : na.uriText;
}

const D_CALL_ID = lookupHeader('call-id');
const D_CSEQ = lookupHeader('cseq');
const D_FROM = lookupHeader('from');
const D_TO = lookupHeader('to');
const D_VIA = lookupHeader('via');
const D_CONTACT = lookupHeader('contact');
const D_CONTENT_TYPE = lookupHeader('content-type');
const D_CONTENT_LENGTH = lookupHeader('content-length');
const D_MAX_FORWARDS = lookupHeader('max-forwards');
const D_USER_AGENT = lookupHeader('user-agent');

function fill(msg: SipMessage, s: SipSummary): void {
  const base = msg.baseOffset;
  let viaSeen = false;
  let contentTypeField: SipHeaderField | undefined;
  for (const h of msg.headers) {
    // Dispatch on the header-table definition (object identity), not on strings; unknown headers are skipped.
    const d = headerDef(h);
    if (d === undefined) continue;
    switch (d) {
      case D_CALL_ID:
        s.callId ??= h.value.trim();
        break;
      case D_CSEQ:
        if (s.cseqSeq === undefined) {
          const c = range(msg, h, parseCSeqRange);
          if (c !== undefined) {
            s.cseqSeq = c.seq;
            s.cseqMethod = c.method;
          }
        }
        break;
      case D_FROM:
        if (s.fromUri === undefined) {
          const na = range(msg, h, nameAddrLite);
          if (na !== undefined) {
            s.fromUri = nameAddrUri(na);
            s.fromTag = na.tag;
            s.fromDisplay = na.displayName;
          }
        }
        break;
      case D_TO:
        if (s.toUri === undefined) {
          const na = range(msg, h, nameAddrLite);
          if (na !== undefined) {
            s.toUri = nameAddrUri(na);
            s.toTag = na.tag;
            s.toDisplay = na.displayName;
          }
        }
        break;
      case D_VIA:
        s.viaCount += countViaParms(msg.bytes, h.valueSpan.start - base, h.valueSpan.end - base);
        viaSeen = true;
        break;
      case D_CONTACT:
        for (const na of range(msg, h, nameAddrListLite)) {
          const u = na.star ? '*' : nameAddrUri(na);
          if (u !== undefined) s.contactUris.push(u);
        }
        break;
      case D_CONTENT_TYPE:
        contentTypeField ??= h;
        break;
      case D_CONTENT_LENGTH:
        if (s.contentLength === undefined) s.contentLength = range(msg, h, (b, st, e, bs) => parseContentLength(b, bs, st, e)).value?.value;
        break;
      case D_MAX_FORWARDS:
        if (s.maxForwards === undefined) s.maxForwards = range(msg, h, (b, st, e, bs) => parseMaxForwards(b, bs, st, e)).value?.value;
        break;
      case D_USER_AGENT:
        s.userAgent ??= h.value;
        break;
      default:
        break;
    }
  }
  if (viaSeen) {
    const v = topVia(msg);
    if (v !== undefined) {
      s.viaTop = {
        transport: v.transport,
        host: stripBrackets(v.host),
        port: v.port,
        branch: v.branch,
        received: v.received,
        rportPresent: v.rportPresent,
        rport: v.rport,
      };
    }
  }
  if (contentTypeField !== undefined) {
    const type = mediaTypeOf(msg.bytes, contentTypeField.valueSpan.start - base, contentTypeField.valueSpan.end - base);
    s.contentType = type;
    if (type === 'application/sdp') {
      // Body bounded by a valid Content-Length that fits (as bodySpan() does), else everything after the empty line.
      const cl = s.contentLength;
      const end = cl !== undefined && msg.body.start + cl <= msg.body.end ? msg.body.start + cl : msg.body.end;
      s.hasSdp = hasContent(msg.bytes, msg.body.start - base, end - base);
    } else if (type.startsWith('multipart/')) {
      s.hasSdp = findSdpBodies(msg).length > 0;
    }
  }
}

const APPLICATION_SDP = 'application/sdp';

/** Lower-cased `type/subtype` of a Content-Type value in `b[s, e)`, without parameters and whitespace. */
function mediaTypeOf(b: Uint8Array, s: number, e: number): string {
  let semi = s;
  while (semi < e && b[semi] !== 0x3b) semi++;
  let t0 = s;
  let t1 = semi;
  while (t0 < t1 && (b[t0] === 32 || b[t0] === 9 || b[t0] === 13 || b[t0] === 10)) t0++;
  while (t1 > t0 && (b[t1 - 1] === 32 || b[t1 - 1] === 9 || b[t1 - 1] === 13 || b[t1 - 1] === 10)) t1--;
  if (t1 - t0 === APPLICATION_SDP.length) {
    let k = 0;
    while (k < APPLICATION_SDP.length && ((b[t0 + k] as number) | (k === 11 ? 0 : 0x20)) === APPLICATION_SDP.charCodeAt(k)) k++;
    if (k === APPLICATION_SDP.length) return APPLICATION_SDP;
  }
  // Rare spellings ("Application/SDP", "text / plain"): decode and drop whitespace around "/".
  return decodeLowerAscii(b, t0, t1).replace(/\s*\/\s*/, '/');
}

function hasContent(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return true;
  }
  return false;
}
