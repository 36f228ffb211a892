// Import fast path: extracts the SipFacts of a well-formed SIP message straight from its bytes (start line, Call-ID,
// CSeq, From/To tags, top Via branch and sent-by, SDP presence) without building header objects. Anything unusual
// (line folding, odd quoting, multipart bodies, malformed fields) returns undefined and the caller falls back to the
// full parser (parse-message.ts + summary.ts), which gives the same facts: test/core/sip/fast-facts.test.ts checks
// that on every corpus and sample message.
import type { CallParties, PartyRanges, SipFacts } from '../dialog/reconstruct';
import { MAX_START_LINE_BYTES, TOKEN_CHAR } from '../decode/sip-framing';
import { decodeLowerAscii, decodeUtf8 } from '../text/decode';
import { nameAddrParty } from './name-addr';

const SP = 0x20;
const HT = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** RFC 3261 §25.1 token characters (one table for the framing layer and this fast path). */
const TOKEN = TOKEN_CHAR;

/**
 * Small cache of short ASCII strings (methods, reason phrases, hosts) keyed by their bytes, to avoid re-decoding.
 * (The WebAssembly scanner keeps a table of its own with the same hash: wasm/fact-scanner.ts internId.)
 */
const INTERN_SIZE = 4096;
const internKeys: (Uint8Array | undefined)[] = new Array(INTERN_SIZE);
const internVals: string[] = new Array(INTERN_SIZE);

/** The text of b[s, e) (UTF-8; `lower`: ASCII-lowercased), from the cache when it holds these bytes. */
function intern(b: Uint8Array, s: number, e: number, lower: boolean): string {
  const len = e - s;
  if (len > 64) return lower ? decodeLowerAscii(b, s, e) : decodeUtf8(b, s, e);
  // The lowercasing is in the seed: the same bytes interned both ways differ by 7 * 31^len (odd) in the hash, so they
  // never share a slot and a slot's value is always for its own lowercasing.
  let h = len * 31 + (lower ? 7 : 0);
  for (let i = s; i < e; i++) h = (Math.imul(h, 31) + (b[i] as number)) | 0;
  const slot = (h >>> 0) & (INTERN_SIZE - 1);
  const k = internKeys[slot];
  if (k !== undefined && k.length === len) {
    let i = 0;
    while (i < len && k[i] === b[s + i]) i++;
    if (i === len) return internVals[slot]!;
  }
  const v = lower ? decodeLowerAscii(b, s, e) : decodeUtf8(b, s, e);
  internKeys[slot] = b.slice(s, e);
  internVals[slot] = v;
  return v;
}

const enum Hdr {
  Other,
  CallId,
  CSeq,
  From,
  To,
  Via,
  ContentType,
  ContentLength,
}

const lc = (c: number) => c | 0x20;

function eqLower(b: Uint8Array, s: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) if (lc(b[s + i] as number) !== lower.charCodeAt(i)) return false;
  return true;
}

/** Which header a name is (full or compact form, RFC 3261 §7.3.3), by length first. */
function headerKind(b: Uint8Array, s: number, e: number): Hdr {
  switch (e - s) {
    case 1:
      switch (lc(b[s] as number)) {
        case 0x69: return Hdr.CallId; // i
        case 0x66: return Hdr.From; // f
        case 0x74: return Hdr.To; // t
        case 0x76: return Hdr.Via; // v
        case 0x63: return Hdr.ContentType; // c
        case 0x6c: return Hdr.ContentLength; // l
        default: return Hdr.Other;
      }
    case 2:
      return eqLower(b, s, 'to') ? Hdr.To : Hdr.Other;
    case 3:
      return eqLower(b, s, 'via') ? Hdr.Via : Hdr.Other;
    case 4:
      return eqLower(b, s, 'from') ? Hdr.From : eqLower(b, s, 'cseq') ? Hdr.CSeq : Hdr.Other;
    case 7:
      return eqLower(b, s, 'call-id') ? Hdr.CallId : Hdr.Other;
    case 12:
      return eqLower(b, s, 'content-type') ? Hdr.ContentType : Hdr.Other;
    case 14:
      return eqLower(b, s, 'content-length') ? Hdr.ContentLength : Hdr.Other;
    default:
      return Hdr.Other;
  }
}

/** Parse unsigned decimal digits in [s, e); -1 when empty, not all digits or longer than 10 digits. */
function digits(b: Uint8Array, s: number, e: number): number {
  if (s >= e || e - s > 10) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = (b[i] as number) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Results of param()/addrTag(): the value ends here (the return value is where it starts). */
let valueEnd = 0;
const ABSENT = -1;
const NOT_SIMPLE = -2;

/**
 * Header parameters `;name[=value]...` in [s, e): returns where the value of `want` (lowercase name) starts, with
 * its end in `valueEnd` (an empty range for a flag), ABSENT, or NOT_SIMPLE when the parameter list is not simple
 * (quotes, stray characters).
 */
function param(b: Uint8Array, s: number, e: number, want: string): number {
  let i = s;
  let found = ABSENT;
  let foundEnd = 0;
  while (i < e) {
    while (i < e && (b[i] === SP || b[i] === HT)) i++;
    if (i >= e) break;
    if (b[i] !== 0x3b) return NOT_SIMPLE;
    i++;
    while (i < e && (b[i] === SP || b[i] === HT)) i++;
    const ns = i;
    while (i < e && TOKEN[b[i] as number]) i++;
    const ne = i;
    if (ne === ns) return NOT_SIMPLE;
    while (i < e && (b[i] === SP || b[i] === HT)) i++;
    let vs = i;
    let ve = i;
    if (i < e && b[i] === 0x3d) {
      i++;
      while (i < e && (b[i] === SP || b[i] === HT)) i++;
      vs = i;
      if (b[i] === 0x22) return NOT_SIMPLE; // quoted parameter value: let the full parser unquote it
      while (i < e && b[i] !== 0x3b && b[i] !== SP && b[i] !== HT && b[i] !== 0x2c) i++;
      ve = i;
      if (b[i] === 0x2c) return NOT_SIMPLE;
    }
    if (found === ABSENT && ne - ns === want.length && eqLower(b, ns, want)) {
      found = vs;
      foundEnd = ve;
    }
  }
  valueEnd = foundEnd;
  return found;
}

/**
 * From/To value [s, e): where its tag parameter (RFC 3261 §19.3) starts (end in `valueEnd`), ABSENT, or
 * NOT_SIMPLE when the value is not simple.
 */
function addrTag(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let paramsFrom = -1;
  // name-addr: optional display name (token words or a quoted string without escapes), then <URI>
  if (b[i] === 0x22) {
    i++;
    while (i < e && b[i] !== 0x22) {
      if (b[i] === 0x5c) return NOT_SIMPLE;
      i++;
    }
    if (i >= e) return NOT_SIMPLE;
    i++;
  }
  let lt = -1;
  for (let j = i; j < e; j++) {
    const c = b[j] as number;
    if (c === 0x3c) {
      lt = j;
      break;
    }
    if (c === 0x22 || c === 0x2c) return NOT_SIMPLE;
    if (c === 0x3b && lt < 0) {
      // addr-spec followed by header params: the URI ends at the first ';' (RFC 3261 §20.10)
      paramsFrom = j;
      break;
    }
  }
  if (lt >= 0) {
    const gt = b.indexOf(0x3e, lt);
    if (gt < 0 || gt >= e) return NOT_SIMPLE;
    paramsFrom = gt + 1;
  } else if (paramsFrom < 0) {
    paramsFrom = e;
  }
  return param(b, paramsFrom, e, 'tag');
}

/**
 * The call parties from the From and To header values at [fs, fe) and [ts, te) of `b` (-1: header absent), filled
 * into `into` when given (else a new object).
 */
export function partiesFromRanges(b: Uint8Array, fs: number, fe: number, ts: number, te: number, into?: CallParties): CallParties {
  // parseNameAddrRange's display name and URI text (withUri = false), without reading the parameters.
  const out = into ?? { fromUri: undefined, toUri: undefined, fromDisplay: undefined, toDisplay: undefined };
  let p = fs >= 0 ? nameAddrParty(b, fs, fe) : undefined;
  out.fromUri = p?.uriText;
  out.fromDisplay = p?.displayName;
  p = ts >= 0 ? nameAddrParty(b, ts, te) : undefined;
  out.toUri = p?.uriText;
  out.toDisplay = p?.displayName;
  return out;
}

/** The text of b[s, e), or undefined when s < 0 (absent) or the range is empty (a flag parameter, no value). */
function optionalText(b: Uint8Array, s: number, e: number): string | undefined {
  return s >= 0 && e > s ? decodeUtf8(b, s, e) : undefined;
}

/**
 * SipFacts of the fast path: plain fields, plus byte ranges of the Call-ID, the top Via branch and the From/To tags
 * (decoded on first read, so a consumer that works on bytes, like FactBatchWriter, never builds those strings) and
 * of the From/To values for parties(). No closures.
 */
export class FastFacts implements SipFacts {
  kind: 'request' | 'response' = 'request';
  method: string | undefined = undefined;
  statusCode: number | undefined = undefined;
  reason: string | undefined = undefined;
  cseqSeq: number | undefined = undefined;
  cseqMethod: string | undefined = undefined;
  viaSentBy: string | undefined = undefined;
  hasSdp = false;
  problemCount = 0;
  bytes: Uint8Array;
  /** Call-ID value in `bytes` (-1: absent; never empty). */
  callIdStart = -1;
  callIdEnd = -1;
  /**
   * When the scanner computed them (WebAssembly): the Call-ID's FNV-1a hash (util/byte-key-table.ts hashBytes) in
   * `callIdHash`, and `callIdAscii` 1 (all bytes < 0x80) or 0; -1 when not computed.
   */
  callIdHash = 0;
  callIdAscii = -1;
  /** Top Via branch, From tag and To tag values in `bytes` (-1: absent; an empty range reads as undefined). */
  branchStart = -1;
  branchEnd = -1;
  fromTagStart = -1;
  fromTagEnd = -1;
  toTagStart = -1;
  toTagEnd = -1;
  /**
   * Bytes of the scanned message: from the scan's start to `messageEnd` (datagram scans) or to the scan's end. The
   * message's own size even when `bytes` is larger (a datagram is scanned where it lies in a capture chunk).
   */
  messageLength = 0;
  /** scanSipDatagram: where the message ends in `bytes` (else -1). */
  messageEnd = -1;
  /**
   * Where a staging scanner (fast-facts-wasm.ts ArenaStage) put this message's branch, From tag and To tag bytes,
   * those present and not empty, one after another (-1: not staged); `stagedNonAscii`: bit 0/1/2 set when the
   * branch/From tag/To tag has a byte >= 0x80.
   */
  staged = -1;
  stagedNonAscii = 0;
  /** From / To header values in `bytes` (-1 when absent), for parties(). */
  fromStart = -1;
  fromEnd = -1;
  toStart = -1;
  toEnd = -1;
  /** Texts of the Call-ID, branch and tag ranges, decoded on first read (index 0 Call-ID, 1 branch, 2/3 From/To tag). */
  private texts: (string | undefined)[] | undefined = undefined;
  private decoded = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  /** Back to the state of `new FastFacts(bytes)`, for a scan that reuses this instance. */
  reset(bytes: Uint8Array): void {
    this.kind = 'request';
    this.method = undefined;
    this.statusCode = undefined;
    this.reason = undefined;
    this.cseqSeq = undefined;
    this.cseqMethod = undefined;
    this.viaSentBy = undefined;
    this.hasSdp = false;
    this.problemCount = 0;
    this.bytes = bytes;
    this.callIdStart = this.callIdEnd = -1;
    this.callIdAscii = -1;
    this.branchStart = this.branchEnd = -1;
    this.fromTagStart = this.fromTagEnd = -1;
    this.toTagStart = this.toTagEnd = -1;
    this.messageLength = 0;
    this.messageEnd = -1;
    this.staged = -1;
    this.fromStart = this.fromEnd = -1;
    this.toStart = this.toEnd = -1;
    this.decoded = 0;
  }
  private text(k: 0 | 1 | 2 | 3, s: number, e: number): string | undefined {
    const texts = (this.texts ??= [undefined, undefined, undefined, undefined]);
    if ((this.decoded & (1 << k)) === 0) {
      this.decoded |= 1 << k;
      texts[k] = optionalText(this.bytes, s, e);
    }
    return texts[k];
  }
  get callId(): string | undefined {
    return this.text(0, this.callIdStart, this.callIdEnd);
  }
  /** The caller knows the Call-ID's text (the same string object a known call keeps): no decoding on read. */
  knownCallId(text: string): void {
    const texts = (this.texts ??= [undefined, undefined, undefined, undefined]);
    texts[0] = text;
    this.decoded |= 1;
  }
  get viaBranch(): string | undefined {
    return this.text(1, this.branchStart, this.branchEnd);
  }
  get fromTag(): string | undefined {
    return this.text(2, this.fromTagStart, this.fromTagEnd);
  }
  get toTag(): string | undefined {
    return this.text(3, this.toTagStart, this.toTagEnd);
  }
  /** From/To through the name-addr parser: runs once per call, while `bytes` is still valid. */
  parties(): CallParties {
    return partiesFromRanges(this.bytes, this.fromStart, this.fromEnd, this.toStart, this.toEnd);
  }
  /** The From/To values as bytes (these facts themselves): the builder parses them when a party is first read. */
  partyRanges(): PartyRanges {
    return this;
  }
}

/**
 * Facts of the SIP message in `b` (one complete message: start line to end of body), or undefined when the message
 * is not simple enough for the fast path (then use factsFromMessage(parseSipMessage(b).message, n)).
 * Never throws. `problemCount` is 0: the fast path only accepts structurally clean messages.
 */
export function scanSipFacts(b: Uint8Array, start = 0, end = b.length): FastFacts | undefined {
  return scan(b, start, end, -1);
}

/**
 * Frame and scan in one pass the SIP message at `start` of a datagram (UDP payload or SCTP user message) ending at
 * `end`: the facts, with `messageEnd` set where frameSipDatagram would end the message (RFC 3261 §18.3: at
 * Content-Length, or at the end of the datagram without one). undefined whenever frameSipDatagram would report
 * anything (no empty line, several Content-Length headers, one larger than `maxContentLength` or than the datagram)
 * or the fast path declines: then frame with frameSipDatagram and scan the message as usual. `into`: an instance to
 * fill (reset first) instead of a new one, for callers that consume each result before the next scan.
 */
export function scanSipDatagram(b: Uint8Array, start: number, end: number, maxContentLength: number, into?: FastFacts): FastFacts | undefined {
  return scan(b, start, end, maxContentLength, into);
}

/** The scanner; `maxContentLength` >= 0: datagram mode (see scanSipDatagram). */
function scan(b: Uint8Array, s: number, n: number, maxContentLength: number, into?: FastFacts): FastFacts | undefined {
  const datagram = maxContentLength >= 0;
  let lf = s;
  while (lf < n && b[lf] !== LF) lf++;
  if (lf >= n) return undefined;
  let le = lf > s && b[lf - 1] === CR ? lf - 1 : lf;
  let out: FastFacts;
  if (into === undefined) out = new FastFacts(b);
  else {
    out = into;
    out.reset(b);
  }
  // RFC 3261 §7.1 Request-Line / §7.2 Status-Line
  if (le - s >= 12 && b[s] === 0x53 && b[s + 1] === 0x49 && b[s + 2] === 0x50 && b[s + 3] === 0x2f && b[s + 4] === 0x32 && b[s + 5] === 0x2e && b[s + 6] === 0x30 && b[s + 7] === SP) {
    out.kind = 'response';
    const code = digits(b, s + 8, s + 11);
    if (code < 100 || code > 699) return undefined;
    out.statusCode = code;
    if (le - s > 11) {
      if (b[s + 11] !== SP) return undefined;
      out.reason = le - s > 12 ? intern(b, s + 12, le, false) : '';
    } else out.reason = '';
  } else {
    let i = s;
    while (i < le && TOKEN[b[i] as number]) i++;
    if (i === s || b[i] !== SP) return undefined;
    out.method = intern(b, s, i, false);
    // The Request-URI as classifySipStart (decode/sip-framing.ts) wants it: a scheme colon, no control characters,
    // ending before MAX_START_LINE_BYTES. So every message this scan accepts starts with a line that
    // classifySipStart accepts (the UDP path relies on it to skip that check).
    const uriStart = i + 1;
    let j = uriStart;
    let colon = false;
    for (; j < le; j++) {
      const c = b[j] as number;
      if (c === SP) break;
      if (c < 0x21 || c === 0x7f) return undefined;
      if (c === 0x3a) colon = true;
    }
    if (j === uriStart || !colon || j - s >= MAX_START_LINE_BYTES || le - j !== 8) return undefined;
    if (!(b[j + 1] === 0x53 && b[j + 2] === 0x49 && b[j + 3] === 0x50 && b[j + 4] === 0x2f && b[j + 5] === 0x32 && b[j + 6] === 0x2e && b[j + 7] === 0x30)) return undefined;
  }

  let viaSeen = false;
  let sdpType = false;
  let typeSeen = false;
  let contentLength = -1;
  let lengthSeen = false;

  let i = lf + 1;
  let bodyStart = -1;
  while (i < n) {
    // One pass over the line: the name up to the colon, then the value up to LF (inline loops: faster here than
    // Uint8Array.prototype.indexOf, a call per line).
    const c0 = b[i] as number;
    let colon = i;
    let c = c0;
    while (c !== 0x3a && c !== LF && ++colon < n) c = b[colon] as number;
    if (colon >= n) return undefined; // no empty line: truncated header section
    if (c === LF) {
      // The empty line ends the header section (RFC 3261 §7); any other line needs a colon.
      if (colon === i || (colon === i + 1 && c0 === CR)) {
        bodyStart = colon + 1;
        break;
      }
      return undefined;
    }
    if (c0 === SP || c0 === HT) return undefined; // folded line (RFC 3261 §7.3.1)
    lf = colon + 1;
    while (lf < n && b[lf] !== LF) lf++;
    if (lf >= n) return undefined;
    le = b[lf - 1] === CR ? lf - 1 : lf;
    let ne = colon;
    while (ne > i && (b[ne - 1] === SP || b[ne - 1] === HT)) ne--;
    const kindOf = headerKind(b, i, ne);
    if (kindOf !== Hdr.Other) {
      let vs = colon + 1;
      while (vs < le && (b[vs] === SP || b[vs] === HT)) vs++;
      let ve = le;
      while (ve > vs && (b[ve - 1] === SP || b[ve - 1] === HT)) ve--;
      switch (kindOf) {
        case Hdr.CallId:
          if (out.callIdStart < 0) {
            if (ve === vs) return undefined;
            out.callIdStart = vs;
            out.callIdEnd = ve;
          }
          break;
        case Hdr.CSeq:
          if (out.cseqSeq === undefined) {
            // RFC 3261 §20.16: CSeq = 1*DIGIT LWS Method
            let d = vs;
            while (d < ve && b[d]! >= 0x30 && b[d]! <= 0x39) d++;
            const seq = digits(b, vs, d);
            if (seq < 0 || seq > 0x7fffffff) return undefined;
            let m = d;
            while (m < ve && (b[m] === SP || b[m] === HT)) m++;
            if (m === d || m === ve) return undefined;
            let me = m;
            while (me < ve && TOKEN[b[me] as number]) me++;
            if (me !== ve) return undefined;
            out.cseqSeq = seq;
            out.cseqMethod = intern(b, m, me, false);
          }
          break;
        case Hdr.From:
          if (out.fromStart < 0) {
            const tag = addrTag(b, vs, ve);
            if (tag === NOT_SIMPLE) return undefined;
            out.fromTagStart = tag;
            out.fromTagEnd = valueEnd;
            out.fromStart = vs;
            out.fromEnd = ve;
          }
          break;
        case Hdr.To:
          if (out.toStart < 0) {
            const tag = addrTag(b, vs, ve);
            if (tag === NOT_SIMPLE) return undefined;
            out.toTagStart = tag;
            out.toTagEnd = valueEnd;
            out.toStart = vs;
            out.toEnd = ve;
          }
          break;
        case Hdr.Via:
          if (!viaSeen) {
            viaSeen = true;
            // RFC 3261 §20.42: SIP / 2.0 / transport LWS sent-by *( SEMI via-params ), first via-parm only
            if (ve - vs < 9 || !eqLower(b, vs, 'sip/2.0/')) return undefined;
            let k = vs + 8;
            while (k < ve && TOKEN[b[k] as number]) k++;
            if (k === vs + 8 || (b[k] !== SP && b[k] !== HT)) return undefined;
            while (k < ve && (b[k] === SP || b[k] === HT)) k++;
            let hs = k;
            let he: number;
            if (b[k] === 0x5b) {
              const rb = b.indexOf(0x5d, k);
              if (rb < 0 || rb >= ve) return undefined;
              hs = k + 1;
              he = rb;
              k = rb + 1;
            } else {
              while (k < ve && (TOKEN[b[k] as number] || b[k] === 0x2e) && b[k] !== 0x3a) k++;
              he = k;
            }
            if (he === hs) return undefined;
            let port = -1;
            if (b[k] === 0x3a) {
              const ps = ++k;
              while (k < ve && b[k]! >= 0x30 && b[k]! <= 0x39) k++;
              port = digits(b, ps, k);
              if (port < 0 || port > 65535) return undefined;
            }
            let pe = k;
            while (pe < ve && b[pe] !== 0x2c) pe++;
            const br = param(b, k, pe, 'branch');
            if (br === NOT_SIMPLE) return undefined;
            out.branchStart = br;
            out.branchEnd = valueEnd;
            // sent-by as the full parser renders it: lowercase host without brackets, ':' and the port number.
            // Plain `host:port` bytes (no brackets, no leading zero) are interned as they are.
            if (b[hs - 1] !== 0x5b && port >= 0 && b[he + 1] !== 0x30) out.viaSentBy = intern(b, hs, k, true);
            else {
              const host = intern(b, hs, he, true);
              out.viaSentBy = port >= 0 ? `${host}:${port}` : host;
            }
          }
          break;
        case Hdr.ContentType:
          if (!typeSeen) {
            typeSeen = true;
            let te = vs;
            while (te < ve && b[te] !== 0x3b) te++;
            while (te > vs && (b[te - 1] === SP || b[te - 1] === HT)) te--;
            if (te - vs === 15 && eqLower(b, vs, 'application/sdp')) sdpType = true;
            else if (te - vs >= 10 && eqLower(b, vs, 'multipart/')) return undefined;
            else {
              for (let q = vs; q < te; q++) if (b[q] === SP || b[q] === HT) return undefined; // "text / plain"
            }
          }
          break;
        case Hdr.ContentLength:
          if (!lengthSeen) {
            lengthSeen = true;
            contentLength = digits(b, vs, ve);
            if (contentLength < 0) return undefined;
          } else if (datagram) return undefined; // framing compares every Content-Length: leave it to frameSipDatagram
          break;
      }
    }
    i = lf + 1;
  }
  if (bodyStart < 0) return undefined;
  if (datagram) {
    if (contentLength > maxContentLength || bodyStart + contentLength > n) return undefined; // framing reports these
    n = contentLength >= 0 ? bodyStart + contentLength : n;
    out.messageEnd = n;
  }
  out.messageLength = n - s;
  if (sdpType) {
    // bodySpan semantics: Content-Length when valid and within the bytes, else everything after the empty line
    const end = contentLength >= 0 && bodyStart + contentLength <= n ? bodyStart + contentLength : n;
    for (let q = bodyStart; q < end; q++) {
      const c = b[q] as number;
      if (c !== SP && c !== HT && c !== CR && c !== LF) {
        out.hasSdp = true;
        break;
      }
    }
  }
  return out;
}
