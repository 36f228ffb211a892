// SDP parser (RFC 8866): our own line scan keeps byte spans and line numbers; sdp-transform parses the field grammar
// of rtpmap / rtcp / candidate lines. Also finds application/sdp bodies in SIP messages, inside multipart (RFC 2046).
import { parse as sdpTransformParse } from 'sdp-transform';
import type { ParseProblem, Span } from '../text/span';
import type { SipMessage } from '../sip/types';
import type {
  SdpAttribute,
  SdpCandidate,
  SdpConnection,
  SdpDirection,
  SdpLine,
  SdpMedia,
  SdpOrigin,
  SdpRtpMap,
  SdpSession,
} from './types';
import { decodeUtf8, encodeUtf8, indexOfIgnoreCase } from '../text/decode';
import { parseMediaType } from '../sip/params';
import { bodySpan } from '../sip/parse-message';

/** Mutable media section while scanning. */
interface MediaBuilder {
  media: string;
  port: number;
  portCount: number | undefined;
  proto: string;
  formats: string[];
  line: SdpLine;
  portSpan: Span;
  connection: SdpConnection | undefined;
  attributes: SdpAttribute[];
  rtpmaps: SdpRtpMap[];
  rtcp: { port: number; address: string | undefined } | undefined;
  rtcpMux: boolean;
  direction: SdpDirection | undefined;
  candidates: SdpCandidate[];
  mid: string | undefined;
  lines: SdpLine[];
}

function prob(problems: ParseProblem[], code: string, severity: ParseProblem['severity'], message: string, start: number, end: number): void {
  problems.push({ code, severity, message, span: { start, end: end < start ? start : end } });
}

/** Whitespace-separated fields of `b[s, e)` as [start, end] pairs (SP or HTAB runs separate). */
function fields(b: Uint8Array, s: number, e: number): number[] {
  const out: number[] = [];
  let i = s;
  while (i < e) {
    while (i < e && (b[i] === 32 || b[i] === 9)) i++;
    if (i >= e) break;
    const fs = i;
    while (i < e && b[i] !== 32 && b[i] !== 9) i++;
    out.push(fs, i);
  }
  return out;
}

function digitsOnly(b: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function numberOf(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + ((b[i] as number) - 48);
  return v;
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/**
 * Parse an SDP body (RFC 8866). `input` is the body bytes (a string is UTF-8 encoded first); `baseOffset` is the
 * absolute byte offset of input[0], so every span is `baseOffset + byte index` (e.g. offsets in the SIP message).
 * Lines end with CRLF, LF or a lone CR. Never throws; it returns a session with everything that could be read:
 * - `session.lines`: every line in order (`type` '' for a line without an `x=` prefix), each with its 0-based index;
 * - session-level fields/attributes (before the first m=) and one SdpMedia per m= line with the lines up to the next.
 * Problems (structural damage only; RFC 8866 semantics are left to lint rules):
 * `sdp/bad-line` error (no `x=` prefix: missing "=", or "=" not right after a one-character type),
 * `sdp/empty-line` warning (empty line before the end), `sdp/bad-media-line` error (m= with fewer than 3 fields),
 * `sdp/bad-port` error (m= port not a number or > 65535; the port is then -1), `sdp/bad-connection-line` error,
 * `sdp/bad-origin-line` error, `sdp/bad-rtpmap` / `sdp/bad-rtcp` / `sdp/bad-candidate` warning (attribute value
 * unparsable; the attribute is still listed), `sdp/internal-error` (a bug; never expected).
 */
export function parseSdp(input: Uint8Array | string, baseOffset = 0): { session: SdpSession; problems: ParseProblem[] } {
  const base = Number.isFinite(baseOffset) ? Math.trunc(baseOffset) : 0;
  const b = typeof input === 'string' ? encodeUtf8(input) : input instanceof Uint8Array ? input : new Uint8Array(0);
  try {
    return parseSdpImpl(b, base);
  } catch (err) {
    const problems: ParseProblem[] = [];
    prob(problems, 'sdp/internal-error', 'error', `Internal SDP parser error: ${String(err)}`, base, base + b.length);
    return {
      session: { lines: [], version: undefined, origin: undefined, sessionName: undefined, connection: undefined, attributes: [], direction: undefined, media: [] },
      problems,
    };
  }
}

function parseSdpImpl(b: Uint8Array, base: number): { session: SdpSession; problems: ParseProblem[] } {
  const n = b.length;
  const problems: ParseProblem[] = [];
  const lines: SdpLine[] = [];
  const sessionAttrs: SdpAttribute[] = [];
  const media: MediaBuilder[] = [];
  let version: string | undefined;
  let origin: SdpOrigin | undefined;
  let sessionName: string | undefined;
  let sessionConnection: SdpConnection | undefined;
  let sessionDirection: SdpDirection | undefined;
  let cur: MediaBuilder | undefined;

  // Index of the end of the last non-blank byte: trailing blank lines are not reported.
  let lastContent = n;
  while (lastContent > 0) {
    const c = b[lastContent - 1] as number;
    if (c === 13 || c === 10 || c === 32 || c === 9) lastContent--;
    else break;
  }

  let pos = 0;
  let index = 0;
  while (pos < lastContent) {
    // Line end: CRLF, LF or lone CR.
    let i = pos;
    while (i < n && b[i] !== 10 && b[i] !== 13) i++;
    const s = pos;
    const e = i;
    pos = i < n ? (b[i] === 13 && i + 1 < n && b[i + 1] === 10 ? i + 2 : i + 1) : n;

    if (e === s) {
      const line: SdpLine = { type: '', value: '', span: { start: base + s, end: base + e }, valueSpan: { start: base + s, end: base + e }, index };
      prob(problems, 'sdp/empty-line', 'warning', 'Empty line inside the session description (RFC 8866 §5)', base + s, base + e);
      lines.push(line);
      if (cur !== undefined) cur.lines.push(line);
      index++;
      continue;
    }

    const t = b[s] as number;
    let line: SdpLine;
    if (e - s >= 2 && b[s + 1] === 0x3d && t > 0x20 && t < 0x7f && t !== 0x3d) {
      line = {
        type: String.fromCharCode(t),
        value: decodeUtf8(b, s + 2, e),
        span: { start: base + s, end: base + e },
        valueSpan: { start: base + s + 2, end: base + e },
        index,
      };
    } else {
      let eq = -1;
      for (let k = s; k < e; k++) {
        if (b[k] === 0x3d) {
          eq = k;
          break;
        }
      }
      const why = eq < 0 ? 'line has no "="' : '"=" must directly follow a single-character type';
      prob(problems, 'sdp/bad-line', 'error', `Not an SDP line: ${why} (RFC 8866 §5: <type>=<value>)`, base + s, base + e);
      line = { type: '', value: decodeUtf8(b, s, e), span: { start: base + s, end: base + e }, valueSpan: { start: base + s, end: base + e }, index };
    }
    index++;
    lines.push(line);

    const type = line.type;
    if (type === 'm') {
      cur = parseMediaLine(b, s + 2, e, base, line, problems);
      media.push(cur);
      continue;
    }
    if (cur !== undefined) cur.lines.push(line);
    switch (type) {
      case 'v':
        if (cur === undefined && version === undefined) version = line.value;
        break;
      case 'o':
        if (cur === undefined && origin === undefined) origin = parseOrigin(b, s + 2, e, base, line, problems);
        break;
      case 's':
        if (cur === undefined && sessionName === undefined) sessionName = line.value;
        break;
      case 'c': {
        const c = parseConnection(b, s + 2, e, base, line, problems);
        if (c !== undefined) {
          if (cur === undefined) sessionConnection ??= c;
          else cur.connection ??= c;
        }
        break;
      }
      case 'a': {
        const attr = attributeOf(line);
        if (cur === undefined) {
          sessionAttrs.push(attr);
          if (attr.value === undefined && DIRECTIONS.has(attr.name)) sessionDirection ??= attr.name as SdpDirection;
        } else {
          cur.attributes.push(attr);
          mediaAttribute(cur, attr, problems);
        }
        break;
      }
      default:
        break;
    }
  }

  const mediaOut: SdpMedia[] = media.map((m) => ({
    media: m.media,
    port: m.port,
    portCount: m.portCount,
    proto: m.proto,
    formats: m.formats,
    line: m.line,
    portSpan: m.portSpan,
    connection: m.connection,
    attributes: m.attributes,
    rtpmaps: m.rtpmaps,
    rtcp: m.rtcp,
    rtcpMux: m.rtcpMux,
    direction: m.direction ?? sessionDirection,
    candidates: m.candidates,
    mid: m.mid,
    lines: m.lines,
  }));
  return {
    session: {
      lines,
      version,
      origin,
      sessionName,
      connection: sessionConnection,
      attributes: sessionAttrs,
      direction: sessionDirection,
      media: mediaOut,
    },
    problems,
  };
}

/** `a=<name>[:<value>]` (RFC 8866 §5.13). */
function attributeOf(line: SdpLine): SdpAttribute {
  const v = line.value;
  const colon = v.indexOf(':');
  if (colon < 0) return { name: v, value: undefined, line };
  return { name: v.slice(0, colon), value: v.slice(colon + 1), line };
}

/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14) */
function parseMediaLine(b: Uint8Array, s: number, e: number, base: number, line: SdpLine, problems: ParseProblem[]): MediaBuilder {
  const f = fields(b, s, e);
  const m: MediaBuilder = {
    media: '',
    port: -1,
    portCount: undefined,
    proto: '',
    formats: [],
    line,
    portSpan: { start: base + e, end: base + e },
    connection: undefined,
    attributes: [],
    rtpmaps: [],
    rtcp: undefined,
    rtcpMux: false,
    direction: undefined,
    candidates: [],
    mid: undefined,
    lines: [line],
  };
  if (f.length >= 2) m.media = decodeUtf8(b, f[0] as number, f[1] as number);
  if (f.length >= 4) {
    const ps = f[2] as number;
    const pe = f[3] as number;
    let slash = pe;
    for (let k = ps; k < pe; k++) {
      if (b[k] === 0x2f) {
        slash = k;
        break;
      }
    }
    m.portSpan = { start: base + ps, end: base + slash };
    if (digitsOnly(b, ps, slash) && slash - ps <= 5 && numberOf(b, ps, slash) <= 65535) {
      m.port = numberOf(b, ps, slash);
    } else {
      prob(problems, 'sdp/bad-port', 'error', 'm= port is not a number in 0-65535 (RFC 8866 §5.14)', base + ps, base + slash);
    }
    if (slash < pe) {
      if (digitsOnly(b, slash + 1, pe)) m.portCount = numberOf(b, slash + 1, pe);
      else prob(problems, 'sdp/bad-port', 'error', 'm= number of ports is not a number (RFC 8866 §5.14)', base + slash + 1, base + pe);
    }
  }
  if (f.length >= 6) m.proto = decodeUtf8(b, f[4] as number, f[5] as number);
  for (let k = 6; k + 1 < f.length; k += 2) m.formats.push(decodeUtf8(b, f[k] as number, f[k + 1] as number));
  if (f.length < 6) {
    prob(problems, 'sdp/bad-media-line', 'error', 'm= line needs "<media> <port> <proto> <fmt> ..." (RFC 8866 §5.14)', line.span.start, line.span.end);
  }
  return m;
}

/** c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7); the address loses its /ttl and /count suffixes. */
function parseConnection(b: Uint8Array, s: number, e: number, base: number, line: SdpLine, problems: ParseProblem[]): SdpConnection | undefined {
  const f = fields(b, s, e);
  if (f.length < 6) {
    prob(problems, 'sdp/bad-connection-line', 'error', 'c= line needs "<nettype> <addrtype> <connection-address>" (RFC 8866 §5.7)', line.span.start, line.span.end);
    return undefined;
  }
  const as = f[4] as number;
  const ae = f[5] as number;
  let slash = ae;
  for (let k = as; k < ae; k++) {
    if (b[k] === 0x2f) {
      slash = k;
      break;
    }
  }
  return {
    netType: decodeUtf8(b, f[0] as number, f[1] as number),
    addrType: decodeUtf8(b, f[2] as number, f[3] as number),
    address: decodeUtf8(b, as, slash),
    line,
    addressSpan: { start: base + as, end: base + slash },
  };
}

/** o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2) */
function parseOrigin(b: Uint8Array, s: number, e: number, base: number, line: SdpLine, problems: ParseProblem[]): SdpOrigin | undefined {
  const f = fields(b, s, e);
  if (f.length < 12) {
    prob(problems, 'sdp/bad-origin-line', 'error', 'o= line needs 6 fields: <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2)', line.span.start, line.span.end);
    return undefined;
  }
  const str = (k: number): string => decodeUtf8(b, f[2 * k] as number, f[2 * k + 1] as number);
  return {
    username: str(0),
    sessionId: str(1),
    sessionVersion: str(2),
    netType: str(3),
    addrType: str(4),
    address: str(5),
    line,
    addressSpan: { start: base + (f[10] as number), end: base + (f[11] as number) },
  };
}

/** Media-level attributes the model exposes: rtpmap, rtcp (RFC 3605), rtcp-mux (RFC 5761), candidate (RFC 8839), mid, direction. */
function mediaAttribute(m: MediaBuilder, attr: SdpAttribute, problems: ParseProblem[]): void {
  const name = attr.name;
  const value = attr.value;
  if (value === undefined) {
    if (DIRECTIONS.has(name)) m.direction ??= name as SdpDirection;
    else if (name === 'rtcp-mux') m.rtcpMux = true;
    return;
  }
  switch (name) {
    case 'rtpmap': {
      const r = rtpmapOf(value);
      if (r === null) {
        prob(problems, 'sdp/bad-rtpmap', 'warning', 'a=rtpmap needs "<payload type> <encoding name>/<clock rate>[/<channels>]" (RFC 8866 §6.6)', attr.line.span.start, attr.line.span.end);
        return;
      }
      m.rtpmaps.push(r);
      return;
    }
    case 'rtcp': {
      const r = transform(`a=rtcp:${value}`).rtcp;
      if (r === undefined || typeof r.port !== 'number') {
        prob(problems, 'sdp/bad-rtcp', 'warning', 'a=rtcp needs "<port> [<nettype> <addrtype> <address>]" (RFC 3605 §2.1)', attr.line.span.start, attr.line.span.end);
        return;
      }
      m.rtcp ??= { port: r.port, address: typeof r.address === 'string' ? r.address : undefined };
      return;
    }
    case 'candidate': {
      const c = transform(`a=candidate:${value}`).candidates?.[0];
      if (
        c === undefined ||
        typeof c.component !== 'number' ||
        typeof c.priority !== 'number' ||
        typeof c.port !== 'number' ||
        typeof c.ip !== 'string' ||
        typeof c.type !== 'string'
      ) {
        prob(problems, 'sdp/bad-candidate', 'warning', 'a=candidate is not "<foundation> <component> <transport> <priority> <address> <port> typ <type> ..." (RFC 8839 §5.1)', attr.line.span.start, attr.line.span.end);
        return;
      }
      m.candidates.push({
        foundation: String(c.foundation),
        component: c.component,
        transport: String(c.transport),
        priority: c.priority,
        address: c.ip,
        port: c.port,
        type: c.type,
        relatedAddress: typeof c.raddr === 'string' ? c.raddr : undefined,
        relatedPort: typeof c.rport === 'number' ? c.rport : undefined,
        line: attr.line,
      });
      return;
    }
    case 'mid':
      m.mid ??= value;
      return;
    default:
      return;
  }
}

/** rtpmap values repeat across a capture ("0 PCMU/8000"): cache sdp-transform's verdict per value text. */
const rtpmapCache = new Map<string, SdpRtpMap | null>();

/** a=rtpmap value (RFC 8866 §6.6) via sdp-transform's grammar, or null when it does not parse. Results are frozen. */
function rtpmapOf(value: string): SdpRtpMap | null {
  const hit = rtpmapCache.get(value);
  if (hit !== undefined) return hit;
  const r = transform(`a=rtpmap:${value}`).rtp?.[0];
  const payload = r?.payload;
  const rate = r?.rate;
  const codec = r?.codec;
  let out: SdpRtpMap | null = null;
  if (r !== undefined && typeof payload === 'number' && typeof rate === 'number' && typeof codec === 'string' && codec !== '') {
    const enc = r.encoding;
    const channels = typeof enc === 'number' ? enc : typeof enc === 'string' && /^\d+$/.test(enc) ? Number(enc) : undefined;
    out = Object.freeze({ payloadType: payload, encoding: codec, clockRate: rate, channels });
  }
  if (rtpmapCache.size >= 2048) rtpmapCache.clear();
  rtpmapCache.set(value, out);
  return out;
}

/** The parts of sdp-transform's output we read, typed loosely: its values are numbers or strings by content. */
interface TransformOutput {
  rtp?: { payload?: unknown; codec?: unknown; rate?: unknown; encoding?: unknown }[];
  rtcp?: { port?: unknown; address?: unknown };
  candidates?: {
    foundation?: unknown;
    component?: unknown;
    transport?: unknown;
    priority?: unknown;
    ip?: unknown;
    port?: unknown;
    type?: unknown;
    raddr?: unknown;
    rport?: unknown;
  }[];
}

/** sdp-transform's grammar applied to one synthetic line (positions stay ours; it never throws on strings). */
function transform(line: string): TransformOutput {
  return sdpTransformParse(line) as unknown as TransformOutput;
}

// ---- SDP bodies inside SIP messages ----

/**
 * An SDP body found in a SIP message: a byte Span in the message's coordinates (`start`/`end` include
 * msg.baseOffset) plus `bytes`, the view `msg.bytes.subarray(start - baseOffset, end - baseOffset)`.
 */
export interface SdpBody extends Span {
  readonly bytes: Uint8Array;
}

const MAX_MULTIPART_DEPTH = 4;

/**
 * application/sdp bodies of `msg`: the body itself when Content-Type is application/sdp, or every application/sdp
 * part of a multipart body (RFC 2046 §5.1.1 boundaries, nested multiparts up to 4 levels; parts without
 * Content-Type are text/plain and skipped). The body is delimited by a valid Content-Length when present
 * (bodySpan()). Bodies that are empty or only whitespace are skipped. Pass each to `parseSdp(body.bytes,
 * body.start)` to get spans in the message's coordinates. Returns [] when there is no SDP; never throws.
 */
export function findSdpBodies(msg: SipMessage): SdpBody[] {
  const out: SdpBody[] = [];
  try {
    const ct = msg.header('content-type');
    if (ct === undefined) return out;
    const span = bodySpan(msg);
    const base = msg.baseOffset;
    collect(msg.bytes, span.start - base, span.end - base, base, ct.value, out, 0);
  } catch {
    // Defensive: a body finder must never break a caller; an internal error simply yields fewer bodies.
  }
  return out;
}

function collect(b: Uint8Array, s: number, e: number, base: number, contentType: string, out: SdpBody[], depth: number): void {
  const mt = parseMediaType(contentType);
  if (mt.type === 'application/sdp') {
    if (hasContent(b, s, e)) out.push({ start: base + s, end: base + e, bytes: b.subarray(s, e) });
    return;
  }
  if (!mt.type.startsWith('multipart/') || depth >= MAX_MULTIPART_DEPTH) return;
  const boundary = mt.params.get('boundary');
  if (boundary === undefined || boundary === '') return;
  for (const part of multipartParts(b, s, e, boundary)) {
    const h = partHeaders(b, part.start, part.end);
    collect(b, h.bodyStart, part.end, base, h.contentType ?? 'text/plain', out, depth + 1);
  }
}

function hasContent(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return true;
  }
  return false;
}

/**
 * Parts of a multipart body `b[s, e)` (RFC 2046 §5.1.1): a delimiter is "--boundary" at the start of a line; the line
 * break before it belongs to the delimiter; "--boundary--" closes. Returns each part's [start, end) byte range.
 */
function multipartParts(b: Uint8Array, s: number, e: number, boundary: string): Span[] {
  const delim = encodeUtf8(`--${boundary}`);
  const parts: Span[] = [];
  let partStart = -1;
  let i = s;
  while (i < e) {
    // Only consider delimiters at the start of a line.
    if (i === s || b[i - 1] === 10) {
      if (matches(b, i, e, delim)) {
        if (partStart >= 0) {
          let pe = i;
          if (pe > partStart && b[pe - 1] === 10) pe--;
          if (pe > partStart && b[pe - 1] === 13) pe--;
          parts.push({ start: partStart, end: pe });
        }
        let j = i + delim.length;
        const close = j + 1 < e && b[j] === 0x2d && b[j + 1] === 0x2d;
        if (close) return parts;
        while (j < e && b[j] !== 10) j++;
        partStart = j < e ? j + 1 : e;
        i = partStart;
        continue;
      }
    }
    i++;
  }
  // No close delimiter (truncated body): keep the last part up to the end.
  if (partStart >= 0 && partStart < e) parts.push({ start: partStart, end: e });
  return parts;
}

function matches(b: Uint8Array, i: number, e: number, pat: Uint8Array): boolean {
  if (i + pat.length > e) return false;
  for (let k = 0; k < pat.length; k++) if (b[i + k] !== pat[k]) return false;
  return true;
}

/** Headers of a MIME part: its Content-Type (if any) and where its content starts (after the empty line). */
function partHeaders(b: Uint8Array, s: number, e: number): { contentType: string | undefined; bodyStart: number } {
  let contentType: string | undefined;
  let i = s;
  while (i < e) {
    let j = i;
    while (j < e && b[j] !== 10) j++;
    let le = j;
    if (le > i && b[le - 1] === 13) le--;
    if (le === i) return { contentType, bodyStart: j < e ? j + 1 : e };
    // Folded continuation lines of part headers are rare in SIP; each line is read on its own.
    if (contentType === undefined && indexOfIgnoreCase(b, 'content-type', i, le) === i) {
      let k = i + 12;
      while (k < le && (b[k] === 32 || b[k] === 9)) k++;
      if (k < le && b[k] === 0x3a) contentType = decodeUtf8(b, k + 1, le).trim();
    }
    i = j + 1;
  }
  // No empty line: the part has no headers, only content (RFC 2046 allows a part to start with an empty line only).
  return { contentType, bodyStart: contentType === undefined ? s : e };
}
