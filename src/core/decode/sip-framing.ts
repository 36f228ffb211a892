// SIP framing on bytes: recognise a SIP start line, find the end of the header section, read Content-Length
// as a BYTE count and cut one message out of a stream (TCP/SCTP) or a datagram (UDP/WebSocket) — RFC 3261 §7, §18.3.
//
// Nothing here decodes text or allocates per byte; every function is bounded by the limits below and never throws.
import { C_TOKEN, CHARS } from '../sip/params';

/** Longest start line considered (bytes, line end excluded). Longer lines are "not a start line". */
export const MAX_START_LINE_BYTES = 8192;
/** Largest header section (start line through the empty line) a stream framer waits for before resynchronising. */
export const MAX_HEADER_BYTES = 65536;
/** Largest Content-Length honoured (16 MiB). Larger values are reported and treated as an empty, truncated body. */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/**
 * RFC 3261 §25.1 `token` characters: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~".
 * A 256-entry table so that the very first byte of a UDP payload (0x80 for RTP, 0x00/0x01 for STUN) is rejected
 * with one load and one compare.
 */
export const TOKEN_CHAR: Uint8Array = Uint8Array.from(CHARS, (c) => ((c & C_TOKEN) !== 0 ? 1 : 0));

/** Result of {@link classifySipStart}. */
export const START_NO = 0;
export const START_YES = 1;
/** The bytes so far are a prefix of a start line; more bytes are needed to decide (streams only). */
export const START_MAYBE = 2;
export type StartClass = typeof START_NO | typeof START_YES | typeof START_MAYBE;

// "SIP/2.0"
const SIP_VERSION = [0x53, 0x49, 0x50, 0x2f, 0x32, 0x2e, 0x30];

/**
 * Classify the line at `offset` as a SIP start line (RFC 3261 §7.1 Request-Line, §7.2 Status-Line), the way
 * tshark 4.0 recognises one:
 * - Request-Line `Method SP Request-URI SP SIP/2.0` followed by CR, LF (or the end of a datagram):
 *   Method is any RFC 3261 token (not only known methods), single SP separators, the Request-URI has a `:`
 *   (scheme) and no control characters or spaces. `GET / HTTP/1.1` is rejected (version is not SIP/2.0).
 * - Status-Line `SIP/2.0 SP 3DIGIT SP ...` (any three digits; the reason phrase is not checked).
 *   `HTTP/1.1 200 OK` is rejected.
 * `end` bounds the bytes looked at (default `bytes.length`). With `eof` true the bytes end at `end` for good
 * (a datagram) and the answer is YES or NO; otherwise a consistent but incomplete line gives MAYBE.
 * Reads at most {@link MAX_START_LINE_BYTES} + 1 bytes. Out-of-range offsets give NO (or MAYBE when not eof).
 */
export function classifySipStart(bytes: Uint8Array, offset: number, end: number = bytes.length, eof = false): StartClass {
  if (end > bytes.length) end = bytes.length;
  const more: StartClass = eof ? START_NO : START_MAYBE;
  if (offset < 0) return START_NO;
  if (offset >= end) return more;
  const limit = Math.min(end, offset + MAX_START_LINE_BYTES);
  let i = offset;
  // Status-Line: "SIP/2.0" SP 3DIGIT SP. "SIP/" cannot start a method token ('/' is not a token char).
  if (bytes[i] === 0x53) {
    let k = 0;
    while (k < 7 && i + k < end && bytes[i + k] === SIP_VERSION[k]) k++;
    if (k >= 4) {
      if (k < 7) return i + k >= end ? more : START_NO;
      i += 7;
      if (i >= end) return more;
      if (bytes[i] !== SP) return START_NO;
      i++;
      for (let d = 0; d < 3; d++, i++) {
        if (i >= end) return more;
        const c = bytes[i]!;
        if (c < 0x30 || c > 0x39) return START_NO;
      }
      if (i >= end) return more;
      return bytes[i] === SP ? START_YES : START_NO;
    }
    if (i + k >= end) return more; // "S", "SI", "SIP" at the end: could be either form
  }
  // Request-Line: token SP URI SP "SIP/2.0" (CR / LF / end of datagram)
  while (i < limit && TOKEN_CHAR[bytes[i]!] === 1) i++;
  if (i === offset) return START_NO;
  if (i >= limit) return i >= end ? more : START_NO;
  if (bytes[i] !== SP) return START_NO;
  i++;
  const uriStart = i;
  let colon = false;
  while (i < limit) {
    const c = bytes[i]!;
    if (c === SP) break;
    if (c < 0x21 || c === 0x7f) return START_NO;
    if (c === COLON) colon = true;
    i++;
  }
  if (i >= limit) return i >= end ? more : START_NO;
  if (i === uriStart || !colon) return START_NO;
  i++;
  for (let k = 0; k < 7; k++, i++) {
    if (i >= end) return more;
    if (bytes[i] !== SIP_VERSION[k]) return START_NO;
  }
  if (i >= end) return eof ? START_YES : START_MAYBE;
  const c = bytes[i];
  return c === CR || c === LF ? START_YES : START_NO;
}

/**
 * True when a complete SIP start line (request or status, see {@link classifySipStart}) begins at `offset`.
 * The end of `bytes` counts as a line end. Never throws; bad offsets give false.
 */
export function looksLikeSipStart(bytes: Uint8Array, offset: number): boolean {
  return classifySipStart(bytes, offset, bytes.length, true) === START_YES;
}

/**
 * Index just after the empty line that ends a header section (RFC 3261 §7: CRLF CRLF; LF LF and mixed
 * CRLF/LF accepted), searching the line ends in `[from, end)`. -1 when not (yet) found.
 * `from` may point anywhere before the terminator; the search is linear (native `indexOf` per line).
 */
export function findHeaderEnd(bytes: Uint8Array, from: number, end: number = bytes.length): number {
  if (end > bytes.length) end = bytes.length;
  // A plain loop: header lines are short, and a native indexOf call per line costs more than it saves.
  for (let j = from < 0 ? 0 : from; j < end; j++) {
    if (bytes[j] !== LF) continue;
    const n = j + 1;
    if (n >= end) return -1;
    const c = bytes[n];
    if (c === LF) return n + 1;
    if (c === CR) {
      if (n + 1 >= end) return -1;
      if (bytes[n + 1] === LF) return n + 2;
    }
  }
  return -1;
}

/** Content-Length absent. */
export const CL_MISSING = -1;
/** Content-Length present but not `1*DIGIT` (negative, empty, garbage). */
export const CL_BAD = -2;

/** What {@link parseContentLength} found. `value` is a byte count, CL_MISSING or CL_BAD (may exceed MAX_CONTENT_LENGTH). */
export interface ContentLengthInfo {
  value: number;
  /** More than one Content-Length header with different values (the first one is used). */
  conflicting: boolean;
}

const CONTENT_LENGTH = 'content-length';

/**
 * Find Content-Length (or its compact form `l`, RFC 3261 §7.3.3, §20.14) in the header section
 * `[start, headerEnd)` — `start` is the first byte of the start line — and read it as a byte count.
 * Names are case-insensitive; whitespace before the colon and folded values (RFC 3261 §7.3.1) are accepted.
 * Values with more than 15 digits read as Infinity (callers treat them as too large). Never throws.
 */
export function parseContentLength(bytes: Uint8Array, start: number, headerEnd: number): ContentLengthInfo {
  if (headerEnd > bytes.length) headerEnd = bytes.length;
  let value = CL_MISSING;
  let conflicting = false;
  for (let p = start < 0 ? 0 : start; p + 1 < headerEnd; p++) {
    if (bytes[p] !== LF) continue;
    const v = contentLengthAt(bytes, p + 1, headerEnd);
    if (v === NOT_CONTENT_LENGTH) continue;
    if (value === CL_MISSING) value = v;
    else if (v !== value) conflicting = true;
  }
  return { value, conflicting };
}

const NOT_CONTENT_LENGTH = -3;

/** Value of a Content-Length / `l` header line starting at `ls`, or NOT_CONTENT_LENGTH when the line is another header. */
function contentLengthAt(bytes: Uint8Array, ls: number, end: number): number {
  const c = bytes[ls]! | 0x20;
  let q: number;
  if (c === 0x63 /* c */) {
    if (ls + 14 > end) return NOT_CONTENT_LENGTH;
    // '-' | 0x20 is still '-', so the case fold is harmless for it
    for (let k = 1; k < 14; k++) if ((bytes[ls + k]! | 0x20) !== CONTENT_LENGTH.charCodeAt(k)) return NOT_CONTENT_LENGTH;
    q = ls + 14;
  } else if (c === 0x6c /* l */) {
    q = ls + 1;
  } else {
    return NOT_CONTENT_LENGTH;
  }
  while (q < end && (bytes[q] === SP || bytes[q] === HTAB)) q++;
  if (q >= end || bytes[q] !== COLON) return NOT_CONTENT_LENGTH;
  return readLengthValue(bytes, q + 1, end);
}

/** Scratch output of {@link scanHeaderSection} (module-level so the hot path allocates nothing). */
const scan = { value: CL_MISSING, conflicting: false };

/**
 * One pass over a header section from its start line at `start`: returns the header end (as findHeaderEnd) or -1,
 * and leaves the Content-Length found before it in `scan`.
 */
function scanHeaderSection(bytes: Uint8Array, start: number, end: number): number {
  let value = CL_MISSING;
  let conflicting = false;
  let he = -1;
  // Line ends found with indexOf (native memchr), not a byte loop: this runs on every SIP message of a capture.
  for (let j = bytes.indexOf(LF, start); j >= 0 && j < end; j = bytes.indexOf(LF, j + 1)) {
    const n = j + 1;
    if (n >= end) break;
    const c = bytes[n]!;
    if (c === LF) {
      he = n + 1;
      break;
    }
    if (c === CR) {
      if (n + 1 >= end) break;
      if (bytes[n + 1] === LF) {
        he = n + 2;
        break;
      }
      continue;
    }
    const lc = c | 0x20;
    if (lc === 0x63 || lc === 0x6c) {
      const v = contentLengthAt(bytes, n, end);
      if (v !== NOT_CONTENT_LENGTH) {
        if (value === CL_MISSING) value = v;
        else if (v !== value) conflicting = true;
      }
    }
  }
  scan.value = value;
  scan.conflicting = conflicting;
  return he;
}

/** Read `LWS 1*DIGIT LWS` ending at a line end that is not a fold; CL_BAD when it is anything else. */
function readLengthValue(bytes: Uint8Array, i: number, end: number): number {
  i = skipLws(bytes, i, end);
  let v = 0;
  let digits = 0;
  while (i < end) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) break;
    if (digits < 15) v = v * 10 + (c - 0x30);
    digits++;
    i++;
  }
  if (digits === 0) return CL_BAD;
  i = skipLws(bytes, i, end);
  if (i < end && bytes[i] !== CR && bytes[i] !== LF) return CL_BAD;
  return digits > 15 ? Infinity : v;
}

/** Skip SP/HTAB and line folds (CRLF or LF followed by SP/HTAB), RFC 3261 §7.3.1. */
function skipLws(bytes: Uint8Array, i: number, end: number): number {
  for (;;) {
    while (i < end && (bytes[i] === SP || bytes[i] === HTAB)) i++;
    let j = i;
    if (j < end && bytes[j] === CR) j++;
    if (j < end && bytes[j] === LF && j + 1 < end && (bytes[j + 1] === SP || bytes[j + 1] === HTAB)) {
      i = j + 1;
      continue;
    }
    return i;
  }
}

/** A framing observation for the caller to report (framing functions have no frame numbers or file offsets). */
export interface FramingNote {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** Limits for the framers (defaults: the exported constants). */
export interface FramingLimits {
  maxHeaderBytes?: number;
  maxContentLength?: number;
}

/** One message cut out of a stream or a datagram: `[start, end)`; body is `[headerEnd, end)`. */
export interface FramedMessage {
  kind: 'message';
  start: number;
  /** Index after the empty line ending the header section; `end` when there is none (truncated). */
  headerEnd: number;
  end: number;
  /** Content-Length used for the body (bytes); CL_MISSING / CL_BAD when absent or unusable. */
  contentLength: number;
  /** The message ended (end of datagram / stream) before Content-Length body bytes or the header end arrived. */
  truncated: boolean;
  /** Observations to report (undefined in the common case, so the fast path allocates nothing extra). */
  notes: FramingNote[] | undefined;
}

export type SipStreamFrame =
  | FramedMessage
  /**
   * Not enough bytes yet. `need`: total bytes from `start` the message needs once the header section is known
   * (the caller may wait for that many before calling again), else -1. `scannedTo`: the header-end search
   * may resume there next time (pass it as `resumeFrom`).
   */
  | { kind: 'need-more'; need: number; scannedTo: number }
  /**
   * Bytes at `start` are not SIP: skip `skip` bytes to the next plausible start line (or to the last partial line).
   * `reason` 'junk' (not a start line) or 'headers-too-long' (no header end within the limit; the start line is skipped).
   */
  | { kind: 'garbage'; skip: number; reason: 'junk' | 'headers-too-long' }
  /** CR/LF bytes between messages: RFC 5626 §3.5.1 keep-alive (CRLFCRLF ping, CRLF pong); skip to `end`. */
  | { kind: 'keep-alive'; end: number };

export interface StreamFramingOptions extends FramingLimits {
  /** The bytes end at `end` for good (stream closed / end of capture): incomplete messages come back truncated. */
  eof?: boolean;
  /** Resume the header-end search here (from a previous 'need-more' `scannedTo`). */
  resumeFrom?: number;
}

/**
 * Frame the next SIP message of a stream-oriented transport (RFC 3261 §18.3) starting at `start`, looking at
 * `[start, end)` (default `end` = `buffer.length`).
 * - CR/LF at `start` -> 'keep-alive' (RFC 3261 §7.5 / RFC 5626 §3.5.1: ignored between messages).
 * - A start line -> header end (CRLFCRLF or LFLF) -> Content-Length (bytes) -> 'message' or 'need-more'.
 *   Missing Content-Length: body empty, note `sip/missing-content-length-stream` (info; RFC 3261 §18.3 / §20.14
 *   say it MUST be present on streams). Bad value: body empty, `sip/bad-content-length`. Value above
 *   maxContentLength: body empty, truncated, `sip/content-length-too-large` — the body is never allocated or waited for.
 *   Differing duplicate values: `sip/conflicting-content-length`, the first is used.
 * - Anything else -> 'garbage' with the number of bytes to skip to the next line that could be a start line.
 * - No header end within maxHeaderBytes -> 'garbage' (reason 'headers-too-long') skipping the start line.
 * Never throws; linear in the bytes examined.
 */
export function frameSipStream(buffer: Uint8Array, start: number, end: number = buffer.length, opts: StreamFramingOptions = {}): SipStreamFrame {
  if (end > buffer.length) end = buffer.length;
  const eof = opts.eof === true;
  if (start >= end) return { kind: 'need-more', need: -1, scannedTo: start };
  const c0 = buffer[start];
  if (c0 === CR || c0 === LF) {
    let j = start + 1;
    while (j < end && (buffer[j] === CR || buffer[j] === LF)) j++;
    return { kind: 'keep-alive', end: j };
  }
  const cls = classifySipStart(buffer, start, end, eof);
  if (cls === START_MAYBE) return { kind: 'need-more', need: -1, scannedTo: start };
  if (cls === START_NO) return { kind: 'garbage', skip: skipToCandidate(buffer, start, end, eof), reason: 'junk' };
  const maxHeader = opts.maxHeaderBytes ?? MAX_HEADER_BYTES;
  const from = opts.resumeFrom !== undefined && opts.resumeFrom > start ? opts.resumeFrom : start;
  const limit = Math.min(end, start + maxHeader);
  let headerEnd: number;
  let cl: ContentLengthInfo;
  if (from === start) {
    headerEnd = scanHeaderSection(buffer, start, limit);
    cl = scan;
  } else {
    headerEnd = findHeaderEnd(buffer, from, limit);
    cl = headerEnd >= 0 ? parseContentLength(buffer, start, headerEnd) : scan;
  }
  if (headerEnd < 0) {
    if (end - start >= maxHeader) {
      const lf = buffer.indexOf(LF, start);
      return { kind: 'garbage', skip: (lf < 0 || lf >= end ? end : lf + 1) - start, reason: 'headers-too-long' };
    }
    if (!eof) return { kind: 'need-more', need: -1, scannedTo: Math.max(start, end - 3) };
    return {
      kind: 'message', start, headerEnd: end, end, contentLength: CL_MISSING, truncated: true,
      notes: [{ code: 'sip/unterminated-headers', severity: 'warning', message: 'stream ended inside the header section' }],
    };
  }
  const maxCl = opts.maxContentLength ?? MAX_CONTENT_LENGTH;
  let notes: FramingNote[] | undefined;
  let body = cl.value;
  let truncated = false;
  if (cl.conflicting) (notes ??= []).push(conflictNote(cl.value));
  if (body === CL_MISSING) {
    (notes ??= []).push({ code: 'sip/missing-content-length-stream', severity: 'info', message: 'no Content-Length on a stream transport (RFC 3261 §18.3 requires it); body taken as empty' });
    body = 0;
  } else if (body === CL_BAD) {
    (notes ??= []).push({ code: 'sip/bad-content-length', severity: 'warning', message: 'Content-Length is not a number; body taken as empty' });
    body = 0;
  } else if (body > maxCl) {
    (notes ??= []).push(tooLargeNote(body, maxCl));
    body = 0;
    truncated = true;
  }
  const total = headerEnd + body;
  if (total > end) {
    // Resume the header-end search just before the terminator, so that the next call finds the same header end.
    if (!eof) return { kind: 'need-more', need: total - start, scannedTo: Math.max(start, headerEnd - 4) };
    return { kind: 'message', start, headerEnd, end, contentLength: cl.value, truncated: true, notes };
  }
  return { kind: 'message', start, headerEnd, end: total, contentLength: cl.value, truncated, notes };
}

/**
 * Frame one SIP message of a message-oriented unit (UDP datagram, WebSocket message, SCTP user message)
 * occupying `[start, end)`; the caller has checked the start line. Body per Content-Length:
 * - missing or unusable: the rest of the unit (RFC 3261 §18.3, message-oriented transports);
 * - larger than the unit: `end`, truncated, note `sip/content-length-exceeds-datagram`;
 * - smaller: the message ends there (`end` < unit end; the caller decides what the rest is).
 * No header end: the whole unit, truncated, note `sip/unterminated-headers`. Never throws.
 */
export function frameSipDatagram(bytes: Uint8Array, start: number, end: number = bytes.length, limits: FramingLimits = {}): FramedMessage {
  if (end > bytes.length) end = bytes.length;
  if (start > end) start = end;
  const headerEnd = scanHeaderSection(bytes, start, end);
  if (headerEnd < 0) {
    return {
      kind: 'message', start, headerEnd: end, end, contentLength: CL_MISSING, truncated: true,
      notes: [{ code: 'sip/unterminated-headers', severity: 'warning', message: 'no empty line ends the header section' }],
    };
  }
  const cl = scan;
  let notes: FramingNote[] | undefined;
  if (cl.conflicting) (notes ??= []).push(conflictNote(cl.value));
  const maxCl = limits.maxContentLength ?? MAX_CONTENT_LENGTH;
  const v = cl.value;
  if (v === CL_MISSING) return { kind: 'message', start, headerEnd, end, contentLength: v, truncated: false, notes };
  if (v === CL_BAD) {
    (notes ??= []).push({ code: 'sip/bad-content-length', severity: 'warning', message: 'Content-Length is not a number; body taken to the end of the datagram' });
    return { kind: 'message', start, headerEnd, end, contentLength: v, truncated: false, notes };
  }
  if (v > maxCl) (notes ??= []).push(tooLargeNote(v, maxCl));
  const avail = end - headerEnd;
  if (v > avail) {
    (notes ??= []).push({
      code: 'sip/content-length-exceeds-datagram', severity: 'warning',
      message: `Content-Length ${v === Infinity ? '(huge)' : v} but only ${avail} body bytes in the datagram`,
    });
    return { kind: 'message', start, headerEnd, end, contentLength: v, truncated: true, notes };
  }
  return { kind: 'message', start, headerEnd, end: headerEnd + v, contentLength: v, truncated: false, notes };
}

function conflictNote(first: number): FramingNote {
  return { code: 'sip/conflicting-content-length', severity: 'warning', message: `several Content-Length values; the first (${first < 0 ? 'invalid' : first}) is used` };
}

function tooLargeNote(v: number, max: number): FramingNote {
  return {
    code: 'sip/content-length-too-large', severity: 'warning',
    message: `Content-Length ${v === Infinity ? '(more than 15 digits)' : v} exceeds the ${max}-byte limit; body not read`,
  };
}

/**
 * Bytes to skip from `start` (not a start line) to the next line that is, or may become, a start line.
 * When none is found, everything up to the last line start is skipped (a partial last line is kept only
 * if it could still grow into a start line); with `eof` everything is skipped.
 */
function skipToCandidate(b: Uint8Array, start: number, end: number, eof: boolean): number {
  let k = start;
  for (;;) {
    const lf = b.indexOf(LF, k);
    if (lf < 0 || lf >= end) return end - start;
    const p = lf + 1;
    if (p >= end) return p - start;
    if (classifySipStart(b, p, end, eof) !== START_NO) return p - start;
    k = p;
  }
}

/** True when `[start, end)` holds only CR and LF bytes (a keep-alive unit). Empty ranges are not keep-alives. */
export function isCrlfOnly(bytes: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== CR && c !== LF) return false;
  }
  return true;
}
