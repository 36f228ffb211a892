// SIP message parser (RFC 3261 §7, §25.1): start line, header fields with byte spans, folding, compact forms and
// body, by one byte scan with no regexes; header values are decoded lazily. Never throws on input.
import type { ParseProblem, SipHeaderField, SipMessage, SipMessageKind, SipParseResult, Span } from './types';
import { decodeLowerAscii, decodeUtf8, findInvalidUtf8 } from '../text/decode';
import { canonicalHeaderName, lookupHeader, lookupHeaderBytes, type SipHeaderDef } from './header-table';
import { C_TOKEN, CHARS } from './params';
import { methodString, parseContentLength } from './cseq';

const F_FOLDED = 1;
const F_HIGH = 2;

/** A header field; spans are computed on access and values decoded (and cached) on first access. */
class ParsedHeaderField implements SipHeaderField {
  /** Definition from the header table, undefined for unknown headers. */
  readonly def: SipHeaderDef | undefined;
  private readonly b: Uint8Array;
  private readonly base: number;
  private readonly ns: number;
  private readonly ne: number;
  private readonly vs: number;
  private readonly ve: number;
  private readonly le: number;
  private readonly flags: number;
  private cachedName: string | undefined;
  private cachedValue: string | undefined;
  private cachedCanonical: string | undefined;
  private cachedValueSpan: Span | undefined;

  constructor(b: Uint8Array, base: number, ns: number, ne: number, vs: number, ve: number, le: number, flags: number, def: SipHeaderDef | undefined) {
    this.b = b;
    this.base = base;
    this.ns = ns;
    this.ne = ne;
    this.vs = vs;
    this.ve = ve;
    this.le = le;
    this.flags = flags;
    this.def = def;
    this.cachedName = undefined;
    this.cachedValue = undefined;
    this.cachedCanonical = def === undefined ? undefined : def.canonical;
    this.cachedValueSpan = undefined;
  }

  get name(): string {
    let n = this.cachedName;
    if (n === undefined) {
      const d = this.def;
      // Reuse the table's strings when the name is written in the conventional spelling or compact form.
      if (d !== undefined && sameAscii(this.b, this.ns, this.ne, d.display)) n = d.display;
      else n = decodeUtf8(this.b, this.ns, this.ne);
      this.cachedName = n;
    }
    return n;
  }

  get canonical(): string {
    let c = this.cachedCanonical;
    if (c === undefined) {
      c = decodeLowerAscii(this.b, this.ns, this.ne);
      this.cachedCanonical = c;
    }
    return c;
  }

  get nameSpan(): Span {
    return { start: this.base + this.ns, end: this.base + this.ne };
  }

  get valueSpan(): Span {
    // Cached: sub-parsers and summaries read it repeatedly. Spans are immutable, so sharing is safe.
    return (this.cachedValueSpan ??= { start: this.base + this.vs, end: this.base + this.ve });
  }

  get lineSpan(): Span {
    return { start: this.base + this.ns, end: this.base + this.le };
  }

  get value(): string {
    let v = this.cachedValue;
    if (v === undefined) {
      v = decodeUtf8(this.b, this.vs, this.ve);
      // RFC 3261 §7.3.1: a line fold ([WSP] CRLF 1*WSP) is equivalent to one SP.
      if ((this.flags & F_FOLDED) !== 0) v = v.replace(/[ \t]*\r?\n[ \t]*/g, ' ');
      this.cachedValue = v;
    }
    return v;
  }

  /** True when the value spans several lines (RFC 3261 §7.3.1 folding). */
  get folded(): boolean {
    return (this.flags & F_FOLDED) !== 0;
  }

  toJSON(): object {
    return { name: this.name, canonical: this.canonical, value: this.value, nameSpan: this.nameSpan, valueSpan: this.valueSpan, lineSpan: this.lineSpan };
  }
}

function sameAscii(b: Uint8Array, s: number, e: number, text: string): boolean {
  if (e - s !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[s + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Cache from the argument of header()/headersNamed() to its table definition (or null for unknown names). */
const lookupCache = new Map<string, SipHeaderDef | null>();

function defForName(name: string): SipHeaderDef | null {
  let d = lookupCache.get(name);
  if (d === undefined) {
    d = lookupHeader(name.trim()) ?? null;
    if (lookupCache.size < 4096) lookupCache.set(name, d);
  }
  return d;
}

class ParsedSipMessage implements SipMessage {
  readonly bytes: Uint8Array;
  readonly baseOffset: number;
  readonly kind: SipMessageKind;
  readonly startLine: Span;
  readonly method: string | undefined;
  readonly requestUriSpan: Span | undefined;
  readonly statusCode: number | undefined;
  readonly version: string;
  readonly headers: readonly SipHeaderField[];
  readonly bodyStart: number;
  readonly body: Span;
  readonly lineEnding: 'CRLF' | 'LF' | 'mixed';
  private readonly reasonStart: number;
  private readonly reasonEnd: number;
  private cachedRequestUri: string | undefined;
  private cachedReason: string | undefined;

  constructor(
    bytes: Uint8Array,
    base: number,
    sl: StartLineResult,
    headers: ParsedHeaderField[],
    bodyStart: number,
    lineEnding: 'CRLF' | 'LF' | 'mixed',
  ) {
    this.bytes = bytes;
    this.baseOffset = base;
    this.kind = sl.kind;
    this.startLine = { start: base + sl.start, end: base + sl.end };
    this.method = sl.method;
    this.requestUriSpan = sl.uriStart >= 0 ? { start: base + sl.uriStart, end: base + sl.uriEnd } : undefined;
    this.statusCode = sl.statusCode;
    this.version = sl.version;
    this.headers = headers;
    this.bodyStart = base + bodyStart;
    this.body = { start: base + bodyStart, end: base + bytes.length };
    this.lineEnding = lineEnding;
    this.reasonStart = sl.reasonStart;
    this.reasonEnd = sl.reasonEnd;
    this.cachedRequestUri = undefined;
    this.cachedReason = undefined;
  }

  get requestUri(): string | undefined {
    if (this.requestUriSpan === undefined) return undefined;
    return (this.cachedRequestUri ??= decodeUtf8(this.bytes, this.requestUriSpan.start - this.baseOffset, this.requestUriSpan.end - this.baseOffset));
  }

  get reason(): string | undefined {
    if (this.reasonStart < 0) return undefined;
    return (this.cachedReason ??= decodeUtf8(this.bytes, this.reasonStart, this.reasonEnd));
  }

  header(name: string): SipHeaderField | undefined {
    const hs = this.headers as ParsedHeaderField[];
    const d = defForName(name);
    if (d !== null) {
      for (let i = 0; i < hs.length; i++) if ((hs[i] as ParsedHeaderField).def === d) return hs[i];
      return undefined;
    }
    const c = canonicalHeaderName(name);
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i] as ParsedHeaderField;
      if (h.def === undefined && h.canonical === c) return h;
    }
    return undefined;
  }

  headersNamed(name: string): SipHeaderField[] {
    const hs = this.headers as ParsedHeaderField[];
    const out: SipHeaderField[] = [];
    const d = defForName(name);
    if (d !== null) {
      for (let i = 0; i < hs.length; i++) if ((hs[i] as ParsedHeaderField).def === d) out.push(hs[i] as ParsedHeaderField);
      return out;
    }
    const c = canonicalHeaderName(name);
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i] as ParsedHeaderField;
      if (h.def === undefined && h.canonical === c) out.push(h);
    }
    return out;
  }

  toJSON(): object {
    return {
      kind: this.kind,
      baseOffset: this.baseOffset,
      startLine: this.startLine,
      method: this.method,
      requestUri: this.requestUri,
      requestUriSpan: this.requestUriSpan,
      statusCode: this.statusCode,
      reason: this.reason,
      version: this.version,
      headers: this.headers,
      bodyStart: this.bodyStart,
      body: this.body,
      lineEnding: this.lineEnding,
    };
  }
}

interface StartLineResult {
  kind: SipMessageKind;
  start: number;
  end: number;
  method: string | undefined;
  uriStart: number;
  uriEnd: number;
  statusCode: number | undefined;
  reasonStart: number;
  reasonEnd: number;
  version: string;
}

const SIP_2_0 = 'SIP/2.0';

function prob(problems: ParseProblem[], code: string, severity: ParseProblem['severity'], message: string, start: number, end: number): void {
  problems.push({ code, severity, message, span: { start, end: end < start ? start : end } });
}

/** Is `b[s, e)` a SIP-Version (`"SIP" "/" 1*DIGIT "." 1*DIGIT`, case-insensitive per RFC 3261 §7.1)? */
function isSipVersion(b: Uint8Array, s: number, e: number): boolean {
  if (e - s < 7) return false;
  if (((b[s] as number) | 0x20) !== 0x73 || ((b[s + 1] as number) | 0x20) !== 0x69 || ((b[s + 2] as number) | 0x20) !== 0x70 || b[s + 3] !== 0x2f) {
    return false;
  }
  let i = s + 4;
  const d0 = i;
  while (i < e && (b[i] as number) >= 48 && (b[i] as number) <= 57) i++;
  if (i === d0 || i >= e || b[i] !== 0x2e) return false;
  i++;
  const d1 = i;
  while (i < e && (b[i] as number) >= 48 && (b[i] as number) <= 57) i++;
  return i > d1 && i === e;
}

function versionString(b: Uint8Array, s: number, e: number): string {
  return sameAscii(b, s, e, SIP_2_0) ? SIP_2_0 : decodeUtf8(b, s, e);
}

function isSp(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

/**
 * Parse the start line `b[s, e)` (without line end). RFC 3261 §7.1 Request-Line = Method SP Request-URI SP
 * SIP-Version; §7.2 Status-Line = SIP-Version SP Status-Code SP Reason-Phrase. Single SPs only, no LWS (§7.1), but
 * we recover from extra whitespace and report it.
 */
function parseStartLine(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): StartLineResult {
  const r: StartLineResult = {
    kind: 'invalid',
    start: s,
    end: e,
    method: undefined,
    uriStart: -1,
    uriEnd: -1,
    statusCode: undefined,
    reasonStart: -1,
    reasonEnd: -1,
    version: '',
  };
  const bad = (why: string, from = s, to = e): StartLineResult => {
    prob(problems, 'sip/bad-start-line', 'error', `Not a SIP start line: ${why}`, base + from, base + to);
    return r;
  };
  if (s >= e) return bad('the start line is empty');
  if (isSp(b[s])) return bad('the start line begins with whitespace (RFC 3261 §7.1)');

  // Status-Line? It begins with SIP-Version.
  if (e - s >= 4 && ((b[s] as number) | 0x20) === 0x73 && ((b[s + 1] as number) | 0x20) === 0x69 && ((b[s + 2] as number) | 0x20) === 0x70 && b[s + 3] === 0x2f) {
    let i = s;
    while (i < e && !isSp(b[i])) i++;
    const vEnd = i;
    if (!isSipVersion(b, s, vEnd)) return bad('malformed SIP-Version (expected "SIP/2.0")', s, vEnd);
    r.version = versionString(b, s, vEnd);
    if (vEnd >= e) return bad('Status-Line has no Status-Code (RFC 3261 §7.2)');
    let j = vEnd;
    while (j < e && isSp(b[j])) j++;
    if (j - vEnd !== 1 || b[vEnd] !== 32) {
      prob(problems, 'sip/start-line-whitespace', 'error', 'Status-Line elements must be separated by a single SP (RFC 3261 §7.2)', base + vEnd, base + j);
    }
    const cs = j;
    while (j < e && (b[j] as number) >= 48 && (b[j] as number) <= 57) j++;
    if (j - cs !== 3 || (j < e && !isSp(b[j]))) {
      let k = cs;
      while (k < e && !isSp(b[k])) k++;
      return bad('Status-Code must be exactly 3 digits (RFC 3261 §7.2)', cs, k);
    }
    const code = ((b[cs] as number) - 48) * 100 + ((b[cs + 1] as number) - 48) * 10 + ((b[cs + 2] as number) - 48);
    r.kind = 'response';
    r.statusCode = code;
    if (code < 100 || code > 699) {
      prob(problems, 'sip/bad-status-code', 'error', `Status-Code ${code} is outside 100-699 (RFC 3261 §21)`, base + cs, base + j);
    }
    if (j >= e) {
      prob(problems, 'sip/missing-reason-phrase', 'warning', 'Status-Line needs a SP after the Status-Code, even with an empty Reason-Phrase (RFC 3261 §7.2)', base + cs, base + j);
      r.reasonStart = j;
      r.reasonEnd = j;
    } else {
      let k = j + 1;
      if (b[j] !== 32 || (k < e && isSp(b[k]))) {
        while (k < e && isSp(b[k])) k++;
        prob(problems, 'sip/start-line-whitespace', 'error', 'Status-Code and Reason-Phrase must be separated by a single SP (RFC 3261 §7.2)', base + j, base + k);
      }
      r.reasonStart = k;
      r.reasonEnd = e;
    }
    if (r.version !== SIP_2_0 && r.version.toUpperCase() !== SIP_2_0) {
      // RFC 3261 §7.1: SIP-Version is case-insensitive, so "sip/2.0" is accepted silently.
      prob(problems, 'sip/unsupported-version', 'warning', `SIP-Version "${r.version}" is not SIP/2.0 (RFC 3261 §7.1)`, base + s, base + vEnd);
    }
    return r;
  }

  // Request-Line
  let i = s;
  while (i < e && ((CHARS[b[i] as number] as number) & C_TOKEN) !== 0) i++;
  const mEnd = i;
  if (mEnd === s) return bad('it does not begin with a method token or SIP-Version (RFC 3261 §7.1)', s, s + 1);
  if (mEnd < e && !isSp(b[mEnd])) {
    let k = mEnd;
    while (k < e && !isSp(b[k])) k++;
    if (b[mEnd] === 0x2f) return bad(`"${decodeUtf8(b, s, k)}" is not a SIP method or SIP-Version (another protocol?)`, s, k);
    return bad('the method is not a token (RFC 3261 §25.1 Method)', s, k);
  }
  if (mEnd >= e) return bad('Request-Line has only a method, no Request-URI and SIP-Version (RFC 3261 §7.1)');

  // Fast path: Method SP Request-URI SP SIP/2.0 with single SPs.
  if (b[mEnd] === 32 && mEnd + 1 < e && !isSp(b[mEnd + 1])) {
    let j = mEnd + 1;
    while (j < e && !isSp(b[j])) j++;
    const uEnd = j;
    if (uEnd < e && b[uEnd] === 32 && uEnd + 8 === e && sameAscii(b, uEnd + 1, e, SIP_2_0)) {
      r.kind = 'request';
      r.method = methodString(b, s, mEnd);
      r.uriStart = mEnd + 1;
      r.uriEnd = uEnd;
      r.version = SIP_2_0;
      checkRequestUri(b, mEnd + 1, uEnd, base, problems);
      return r;
    }
  }

  // Slow path: split the rest into whitespace-separated elements and report the irregularities.
  const tokens: number[] = [];
  let j = mEnd;
  while (j < e) {
    while (j < e && isSp(b[j])) j++;
    if (j >= e) break;
    const ts = j;
    while (j < e && !isSp(b[j])) j++;
    tokens.push(ts, j);
  }
  const count = tokens.length / 2;
  if (count === 0) return bad('Request-Line has no Request-URI and SIP-Version (RFC 3261 §7.1)');
  const lastS = tokens[tokens.length - 2] as number;
  const lastE = tokens[tokens.length - 1] as number;
  if (!isSipVersion(b, lastS, lastE)) {
    if (count === 1) return bad('Request-Line has no SIP-Version (RFC 3261 §7.1)', lastE, e);
    return bad(`Request-Line ends with "${decodeUtf8(b, lastS, lastE)}", not a SIP-Version like SIP/2.0 (RFC 3261 §7.1)`, lastS, lastE);
  }
  if (count === 1) return bad('Request-Line has no Request-URI (RFC 3261 §7.1)', mEnd, lastS);
  r.kind = 'request';
  r.method = methodString(b, s, mEnd);
  r.version = versionString(b, lastS, lastE);
  r.uriStart = tokens[0] as number;
  r.uriEnd = tokens[tokens.length - 3] as number;
  // Whitespace irregularities: separators other than one SP, and anything after the SIP-Version (RFC 4475 §3.1.2.9, §3.1.2.10).
  let prev = mEnd;
  for (let k = 0; k < tokens.length; k += 2) {
    const ts = tokens[k] as number;
    if (ts - prev !== 1 || b[prev] !== 32) {
      prob(problems, 'sip/start-line-whitespace', 'error', 'Request-Line elements must be separated by a single SP (RFC 3261 §7.1)', base + prev, base + ts);
    }
    prev = tokens[k + 1] as number;
  }
  if (lastE < e) {
    prob(problems, 'sip/start-line-whitespace', 'error', 'Whitespace after the SIP-Version at the end of the Request-Line (RFC 3261 §7.1)', base + lastE, base + e);
  }
  if (count > 2) {
    prob(problems, 'sip/bad-request-uri', 'error', 'Request-URI contains whitespace (RFC 3261 §7.1: no LWS in the Request-Line)', base + r.uriStart, base + r.uriEnd);
  } else {
    checkRequestUri(b, r.uriStart, r.uriEnd, base, problems);
  }
  if (r.version !== SIP_2_0 && r.version.toUpperCase() !== SIP_2_0) {
    prob(problems, 'sip/unsupported-version', 'warning', `SIP-Version "${r.version}" is not SIP/2.0 (RFC 3261 §7.1)`, base + lastS, base + lastE);
  }
  return r;
}

function checkRequestUri(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): void {
  // RFC 3261 §7.1 / RFC 4475 §3.1.2.7: the Request-URI is never enclosed in "<>".
  if (b[s] === 0x3c || b[e - 1] === 0x3e) {
    prob(problems, 'sip/bad-request-uri', 'error', 'Request-URI must not be enclosed in "<>" (RFC 3261 §7.1)', base + s, base + e);
  }
}

/**
 * Parse one SIP message from `bytes` (RFC 3261 §7). Never throws.
 *
 * - `opts.baseOffset` (default 0) is added to every span/offset, so spans can be document or capture offsets when
 *   `bytes` is a slice; `message.baseOffset` records it. Spans are BYTE offsets (see text/line-index.ts for UTF-16).
 * - CRLFs before the start line are skipped (§7.5, `sip/leading-crlf` info).
 * - Header lines end with CRLF or a bare LF (mixed allowed); continuation lines starting with SP/HTAB are folded into
 *   the previous field (§7.3.1); whitespace before ":" is accepted (§25.1 HCOLON). Headers end at the first empty
 *   line; the body is everything after it (Content-Length is not applied here, see parseContentLength()).
 * - Compact names are expanded in `canonical`; `header()`/`headersNamed()` accept full or compact names in any case.
 * - Values are decoded lazily (UTF-8, folds replaced by one SP), so parsing allocates no value strings.
 *
 * Problems (code, severity): `sip/empty-message` error, `sip/leading-crlf` info, `sip/bad-start-line` error (message
 * gives the precise reason; kind is then 'invalid'), `sip/start-line-whitespace` error, `sip/bad-request-uri` error,
 * `sip/bad-status-code` error, `sip/missing-reason-phrase` warning, `sip/unsupported-version` warning,
 * `sip/header-missing-colon` error, `sip/empty-header-name` error, `sip/bad-header-name` error,
 * `sip/continuation-without-header` error, `sip/nul-byte` error, `sip/control-char` warning, `sip/bare-cr` warning,
 * `sip/invalid-utf8` warning, `sip/missing-empty-line` error, `sip/internal-error` error (a bug; never expected).
 * The bytes are kept by reference (no copy): do not mutate them while the message is in use.
 */
export function parseSipMessage(bytes: Uint8Array, opts?: { baseOffset?: number }): SipParseResult {
  const bo = opts?.baseOffset;
  const base = typeof bo === 'number' && Number.isFinite(bo) ? Math.trunc(bo) : 0;
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
  try {
    return parseImpl(b, base);
  } catch (err) {
    // Only a bug can get here; keep the promise of never throwing on input and say what happened.
    const problems: ParseProblem[] = [];
    prob(problems, 'sip/internal-error', 'error', `Internal parser error: ${String(err)}`, base, base + b.length);
    const sl: StartLineResult = { kind: 'invalid', start: 0, end: 0, method: undefined, uriStart: -1, uriEnd: -1, statusCode: undefined, reasonStart: -1, reasonEnd: -1, version: '' };
    return { message: new ParsedSipMessage(b, base, sl, [], b.length, 'CRLF'), problems };
  }
}

function parseImpl(b: Uint8Array, base: number): SipParseResult {
  const n = b.length;
  const problems: ParseProblem[] = [];
  let pos = 0;
  // RFC 3261 §7.5: ignore CRLFs (keep-alives) before the start line.
  while (pos < n && (b[pos] === 13 || b[pos] === 10)) pos++;
  if (pos >= n) {
    prob(problems, 'sip/empty-message', 'error', n === 0 ? 'Empty message' : 'Message contains only line breaks', base, base + n);
    const sl: StartLineResult = { kind: 'invalid', start: n, end: n, method: undefined, uriStart: -1, uriEnd: -1, statusCode: undefined, reasonStart: -1, reasonEnd: -1, version: '' };
    return { message: new ParsedSipMessage(b, base, sl, [], n, 'CRLF'), problems };
  }
  if (pos > 0) prob(problems, 'sip/leading-crlf', 'info', 'Line breaks before the start line are ignored (RFC 3261 §7.5)', base, base + pos);

  let sawCRLF = false;
  let sawLF = false;

  // ---- start line ----
  let lf = b.indexOf(10, pos);
  if (lf < 0) lf = n;
  let slEnd = lf;
  if (lf < n) {
    if (lf > pos && b[lf - 1] === 13) {
      slEnd = lf - 1;
      sawCRLF = true;
    } else sawLF = true;
  }
  checkLineBytes(b, pos, slEnd, base, problems);
  const sl = parseStartLine(b, pos, slEnd, base, problems);
  pos = lf < n ? lf + 1 : n;

  // ---- header fields ----
  const headers: ParsedHeaderField[] = [];
  let sawEmpty = false;
  while (pos < n) {
    const c0 = b[pos] as number;
    if (c0 === 10) {
      sawLF = true;
      pos++;
      sawEmpty = true;
      break;
    }
    if (c0 === 13 && pos + 1 < n && b[pos + 1] === 10) {
      sawCRLF = true;
      pos += 2;
      sawEmpty = true;
      break;
    }
    if (c0 === 32 || c0 === 9) {
      // Continuation lines are consumed with their field below, so this one has no field to continue.
      const e = lineEndOf(b, pos, n);
      prob(problems, 'sip/continuation-without-header', 'error', 'Line starts with whitespace but there is no header field to continue (RFC 3261 §7.3.1)', base + pos, base + e.contentEnd);
      if (e.next > e.contentEnd) {
        if (e.contentEnd < e.next - 1) sawCRLF = true;
        else sawLF = true;
      }
      pos = e.next;
      continue;
    }

    // field-name = token, then HCOLON = *( SP / HTAB ) ":" SWS (RFC 3261 §25.1)
    const ns = pos;
    let i = pos;
    while (i < n && ((CHARS[b[i] as number] as number) & C_TOKEN) !== 0) i++;
    let ne = i;
    while (i < n && (b[i] === 32 || b[i] === 9)) i++;
    if (i >= n || b[i] !== 58) {
      // No colon right after the name: find out whether the line has a colon at all.
      let k = i;
      while (k < n && b[k] !== 10 && b[k] !== 58) k++;
      if (k >= n || b[k] === 10) {
        const e = lineEndOf(b, pos, n);
        prob(problems, 'sip/header-missing-colon', 'error', 'Header line has no ":" (RFC 3261 §7.3)', base + pos, base + e.contentEnd);
        checkLineBytes(b, pos, e.contentEnd, base, problems);
        if (e.next > e.contentEnd) {
          if (e.contentEnd < e.next - 1) sawCRLF = true;
          else sawLF = true;
        }
        pos = e.next;
        continue;
      }
      // A colon exists but the name has non-token characters: keep the field (so it can be linted) and report.
      ne = k;
      while (ne > ns && (b[ne - 1] === 32 || b[ne - 1] === 9)) ne--;
      prob(problems, 'sip/bad-header-name', 'error', 'Header name contains characters that are not allowed in a token (RFC 3261 §25.1)', base + ns, base + ne);
      i = k;
    } else if (ne === ns) {
      prob(problems, 'sip/empty-header-name', 'error', 'Header line starts with ":" (empty header name)', base + ns, base + i + 1);
    }
    i++; // past ':'

    // SWS after the colon, possibly across a fold ("Contact:\r\n  <sip:...>").
    for (;;) {
      if (i >= n) break;
      const c = b[i] as number;
      if (c === 32 || c === 9) {
        i++;
      } else if (c === 13 && i + 2 < n && b[i + 1] === 10 && (b[i + 2] === 32 || b[i + 2] === 9)) {
        sawCRLF = true;
        i += 3;
      } else if (c === 10 && i + 1 < n && (b[i + 1] === 32 || b[i + 1] === 9)) {
        sawLF = true;
        i += 2;
      } else break;
    }
    const vs = i;
    let flags = 0;
    let le = n;
    // Scan the value up to the end of its (possibly folded) line. The hot loop: printable bytes only do two compares.
    for (; i < n; i++) {
      const c = b[i] as number;
      if (c >= 0x20) {
        if (c >= 0x80) flags |= F_HIGH;
        continue;
      }
      if (c === 10) {
        const cr = i > vs && b[i - 1] === 13;
        if (cr) sawCRLF = true;
        else sawLF = true;
        if (i + 1 < n && (b[i + 1] === 32 || b[i + 1] === 9)) {
          flags |= F_FOLDED;
          continue;
        }
        le = cr ? i - 1 : i;
        break;
      }
      if (c === 9) continue;
      if (c === 13) {
        if (i + 1 < n && b[i + 1] === 10) continue;
        prob(problems, 'sip/bare-cr', 'warning', 'CR not followed by LF inside a header line', base + i, base + i + 1);
        continue;
      }
      if (c === 0) prob(problems, 'sip/nul-byte', 'error', 'NUL byte in the header section', base + i, base + i + 1);
      else prob(problems, 'sip/control-char', 'warning', `Control character 0x${c.toString(16).padStart(2, '0')} in a header value`, base + i, base + i + 1);
    }
    if (i >= n) {
      le = n;
      // A final CR without LF at the end of the input is not part of the value.
      if (le > vs && b[le - 1] === 13) le--;
    }
    const next = i < n ? i + 1 : n;
    // Value ends at its last non-whitespace byte (folds and trailing SP/HTAB/CR excluded).
    let ve = le;
    while (ve > vs) {
      const c = b[ve - 1] as number;
      if (c === 32 || c === 9 || c === 13 || c === 10) ve--;
      else break;
    }
    if ((flags & F_HIGH) !== 0) {
      const bad = findInvalidUtf8(b, vs, ve);
      if (bad >= 0) prob(problems, 'sip/invalid-utf8', 'warning', 'Header value is not valid UTF-8 (RFC 3261 §7.3: UTF-8 text)', base + bad, base + ve);
    }
    const def = ne > ns ? lookupHeaderBytes(b, ns, ne) : undefined;
    headers.push(new ParsedHeaderField(b, base, ns, ne, vs, ve, le, flags, def));
    pos = next;
  }

  if (!sawEmpty) {
    prob(problems, 'sip/missing-empty-line', 'error', 'Header section is not terminated by an empty line (truncated message?) (RFC 3261 §7)', base + n, base + n);
  }
  const lineEnding = sawCRLF ? (sawLF ? 'mixed' : 'CRLF') : sawLF ? 'LF' : 'CRLF';
  const bodyStart = sawEmpty ? pos : n;
  return { message: new ParsedSipMessage(b, base, sl, headers, bodyStart, lineEnding), problems };
}

/** End of the physical line starting at `pos`: contentEnd excludes CR LF / LF; next is the next line's start. */
function lineEndOf(b: Uint8Array, pos: number, n: number): { contentEnd: number; next: number } {
  let lf = b.indexOf(10, pos);
  if (lf < 0) lf = n;
  const contentEnd = lf < n && lf > pos && b[lf - 1] === 13 ? lf - 1 : lf;
  return { contentEnd, next: lf < n ? lf + 1 : n };
}

/** NUL, control and non-UTF-8 checks for a line that is not scanned by the header loop (start line, bad lines). */
function checkLineBytes(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): void {
  let high = false;
  for (let i = s; i < e; i++) {
    const c = b[i] as number;
    if (c >= 0x20) {
      if (c >= 0x80) high = true;
      continue;
    }
    if (c === 9) continue;
    if (c === 0) prob(problems, 'sip/nul-byte', 'error', 'NUL byte in the header section', base + i, base + i + 1);
    else if (c === 13) prob(problems, 'sip/bare-cr', 'warning', 'CR not followed by LF', base + i, base + i + 1);
    else prob(problems, 'sip/control-char', 'warning', `Control character 0x${c.toString(16).padStart(2, '0')}`, base + i, base + i + 1);
  }
  if (high) {
    const bad = findInvalidUtf8(b, s, e);
    if (bad >= 0) prob(problems, 'sip/invalid-utf8', 'warning', 'Line is not valid UTF-8 (RFC 3261 §7)', base + bad, base + e);
  }
}

/** Decode the bytes of `span` (in `msg`'s coordinates, i.e. including baseOffset) as UTF-8. */
export function spanText(msg: SipMessage, span: Span): string {
  return decodeUtf8(msg.bytes, span.start - msg.baseOffset, span.end - msg.baseOffset);
}

/**
 * Run a range sub-parser (parseViaListRange, parseNameAddrListRange, parseCSeqRange, ...) on a header field's raw
 * value bytes, with spans in the message's coordinates. Folded values are fine: the sub-parsers treat CR/LF as LWS.
 */
export function parseFieldValue<T>(
  msg: SipMessage,
  field: SipHeaderField,
  parser: (b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]) => T,
  problems: ParseProblem[] = [],
): T {
  const base = msg.baseOffset;
  return parser(msg.bytes, field.valueSpan.start - base, field.valueSpan.end - base, base, problems);
}

/** The header table definition of a parsed field (undefined for unknown headers or foreign SipHeaderField objects). */
export function headerDef(field: SipHeaderField): SipHeaderDef | undefined {
  return field instanceof ParsedHeaderField ? field.def : lookupHeader(field.canonical);
}

/**
 * The body as delimited by the declared Content-Length (RFC 3261 §18.3, §20.14) when that header is valid and fits
 * in the available bytes; otherwise `msg.body` (everything after the empty line). Extra bytes after a valid
 * Content-Length (a UDP datagram with trailing octets, RFC 4475 §3.1.1.8) are thus excluded.
 */
export function bodySpan(msg: SipMessage): Span {
  const h = msg.header('content-length');
  if (h === undefined) return msg.body;
  const base = msg.baseOffset;
  const r = parseContentLength(msg.bytes, base, h.valueSpan.start - base, h.valueSpan.end - base);
  const len = r.value?.value;
  if (len === undefined || msg.body.start + len > msg.body.end) return msg.body;
  return { start: msg.body.start, end: msg.body.start + len };
}
