// CSeq sub-parser (RFC 3261 §20.16, §8.1.1.5) and the other scalar numeric header values a linter must range-check:
// Content-Length (§20.14), Max-Forwards (§20.22), delta-seconds of Expires / Min-Expires / Retry-After (§20.19, §20.33).
import type { ParseProblem, SipCSeq } from './types';
import { decodeUtf8 } from '../text/decode';
import { C_DIGIT, CHARS, inputRange, mkSpan, problem, scanToken, skipLws, trimLwsEnd, type SubParseResult, type TextInput } from './params';

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE'];

/** Method token as a string, interned for the common methods (case-sensitive, RFC 3261 §7.1). */
export function methodString(b: Uint8Array, s: number, e: number): string {
  const len = e - s;
  for (let k = 0; k < METHODS.length; k++) {
    const m = METHODS[k] as string;
    if (m.length !== len) continue;
    let j = 0;
    while (j < len && b[s + j] === m.charCodeAt(j)) j++;
    if (j === len) return m;
  }
  return decodeUtf8(b, s, e);
}

/** Largest CSeq sequence number: "MUST be expressible as a 32-bit unsigned integer... less than 2**31" (§8.1.1.5). */
export const CSEQ_MAX = 2 ** 31 - 1;

/** Largest `seq` reported: 2**32-1 (a larger number is an error; tshark shows this value for it too). */
const CSEQ_CAP = 0xffffffff;

/**
 * Parse a CSeq value `1*DIGIT LWS Method` (RFC 3261 §20.16; LWS may be folded, e.g. `0009\r\n  INVITE`).
 * `baseOffset` is the absolute byte offset of `input[0]`; `start`/`end` select a byte range.
 * Returns `value: undefined` when the number or the method is missing (`sip/cseq-bad-number`,
 * `sip/cseq-missing-method`); a value with `seq` possibly above the limit (then `sip/cseq-too-large`, RFC 4475
 * §3.1.2.4/§3.1.2.5; `seq` is then capped at 4294967295, the value tshark's 32-bit sip.CSeq.seq takes for any larger
 * number) and `sip/unexpected-text` for trailing garbage.
 */
export function parseCSeq(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipCSeq | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  return { value: parseCSeqRange(b, s, e, baseOffset, problems), problems };
}

/** Range form of parseCSeq (spans `base + index`, problems appended). */
export function parseCSeqRange(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): SipCSeq | undefined {
  const i = skipLws(b, s, e);
  let j = i;
  while (j < e && ((CHARS[b[j] as number] as number) & C_DIGIT) !== 0) j++;
  if (j === i) {
    problems.push(problem('sip/cseq-bad-number', 'error', 'CSeq must start with a sequence number (RFC 3261 §20.16)', base + s, base + trimLwsEnd(b, s, e)));
    return undefined;
  }
  const seq = Math.min(digitsValue(b, i, j), CSEQ_CAP);
  if (seq > CSEQ_MAX) {
    problems.push(
      problem('sip/cseq-too-large', 'error', `CSeq number ${decodeUtf8(b, i, j)} is larger than 2**31-1 (RFC 3261 §8.1.1.5)`, base + i, base + j),
    );
  }
  const m0 = skipLws(b, j, e);
  const m1 = scanToken(b, m0, e);
  if (m1 === m0 || m0 === j) {
    problems.push(
      problem('sip/cseq-missing-method', 'error', 'CSeq must be "<number> <method>" (RFC 3261 §20.16)', base + i, base + trimLwsEnd(b, i, e)),
    );
    return undefined;
  }
  const rest = skipLws(b, m1, e);
  if (rest < e) problems.push(problem('sip/unexpected-text', 'error', 'Unexpected text after the CSeq method', base + rest, base + trimLwsEnd(b, rest, e)));
  return { seq, method: methodString(b, m0, m1), span: mkSpan(base + i, base + m1) };
}

function digitsValue(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let k = s; k < e; k++) v = v * 10 + ((b[k] as number) - 48);
  return v;
}

/** A scalar numeric header value with its span. */
export interface SipNumber {
  /** The number (may be imprecise above 2**53 when the text was overlarge; a problem says so). */
  readonly value: number;
  readonly span: { readonly start: number; readonly end: number };
}

/**
 * Read `1*DIGIT` surrounded by LWS. `what` names the field in messages; `code` prefixes problem codes.
 * Returns undefined for a non-numeric value (`<code>` problem).
 */
function parseUnsignedRange(
  b: Uint8Array,
  s: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  code: string,
  what: string,
  ref: string,
  allowTrailing: boolean,
): SipNumber | undefined {
  const i = skipLws(b, s, e);
  let j = i;
  while (j < e && ((CHARS[b[j] as number] as number) & C_DIGIT) !== 0) j++;
  const te = trimLwsEnd(b, i, e);
  if (j === i || (!allowTrailing && j !== te)) {
    problems.push(problem(code, 'error', `${what} must be a non-negative decimal number (${ref})`, base + i, base + te));
    return undefined;
  }
  return { value: digitsValue(b, i, j), span: mkSpan(base + i, base + j) };
}

/**
 * Content-Length (RFC 3261 §20.14: `1*DIGIT`, a byte count). Returns undefined with `sip/bad-content-length` for a
 * non-numeric or negative value (RFC 4475 §3.1.2.3 "-999"). Comparing it with the body is left to the caller.
 */
export function parseContentLength(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipNumber | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  const value = parseUnsignedRange(b, s, e, baseOffset, problems, 'sip/bad-content-length', 'Content-Length', 'RFC 3261 §20.14', false);
  return { value, problems };
}

/**
 * Max-Forwards (RFC 3261 §20.22: `1*DIGIT`, 0-255 by §8.1.1.6 / RFC 4475 §3.1.2.4). Problems:
 * `sip/bad-max-forwards` (not a number), `sip/max-forwards-too-large` (> 255; the value is still returned).
 */
export function parseMaxForwards(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipNumber | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  const value = parseUnsignedRange(b, s, e, baseOffset, problems, 'sip/bad-max-forwards', 'Max-Forwards', 'RFC 3261 §20.22', false);
  if (value !== undefined && value.value > 255) {
    problems.push(problem('sip/max-forwards-too-large', 'error', `Max-Forwards ${value.value} is above 255 (RFC 3261 §20.22)`, value.span.start, value.span.end));
  }
  return { value, problems };
}

/** Largest delta-seconds value: (2**32)-1 (RFC 3261 §20.19, §20.33). */
export const DELTA_SECONDS_MAX = 2 ** 32 - 1;

/**
 * delta-seconds at the start of Expires, Min-Expires, Retry-After, Session-Expires, Min-SE, or of an `expires`
 * parameter value (`1*DIGIT`; Retry-After / Session-Expires may be followed by comments or params, which are
 * ignored). Problems: `sip/bad-delta-seconds` (not a number), `sip/delta-seconds-too-large` (> 2**32-1,
 * RFC 4475 §3.1.2.4/§3.1.2.5; the approximate value is still returned).
 */
export function parseDeltaSeconds(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipNumber | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  const value = parseUnsignedRange(b, s, e, baseOffset, problems, 'sip/bad-delta-seconds', 'Value', 'RFC 3261 §25.1 delta-seconds', true);
  if (value !== undefined && value.value > DELTA_SECONDS_MAX) {
    problems.push(
      problem('sip/delta-seconds-too-large', 'error', 'Value is larger than 2**32-1 seconds (RFC 3261 §20.19)', value.span.start, value.span.end),
    );
  }
  return { value, problems };
}
