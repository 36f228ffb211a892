// Shared SIP grammar pieces: RFC 3261 §25.1 character classes, LWS / quoted-string scanning, and the generic
// `;name=value` parameter list (generic-param) used by Via, name-addr headers and others, with byte spans.
import type { ParseProblem, SipParam, Span } from './types';
import { decodeUtf8, toBytes, equalsIgnoreCaseString } from '../text/decode';

/** Input of the sub-parsers: a string (UTF-8 encoded first) or bytes (used as-is, no copy). */
export type TextInput = string | Uint8Array;

/** Result shape of every sub-parser: a value (possibly partial) and the problems found, never an exception. */
export interface SubParseResult<T> {
  value: T;
  problems: ParseProblem[];
}

// ---- character classes (RFC 3261 §25.1) ----

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const C_TOKEN = 1;
/** LWS bytes: SP, HTAB, CR, LF (folding is just whitespace to the value sub-parsers). */
export const C_WS = 2;
/** alphanum */
export const C_ALNUM = 4;
/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
export const C_UNRESERVED = 8;
/** HEXDIG */
export const C_HEX = 16;
/** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" (plus unreserved and escapes) */
export const C_USER = 32;
/** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" (plus unreserved and escapes) */
export const C_PARAMCHAR = 64;
/** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" (plus unreserved and escapes) */
export const C_HNV = 128;
/** password chars besides unreserved / escaped: "&" / "=" / "+" / "$" / "," */
export const C_PASSWORD = 256;
/** DIGIT */
export const C_DIGIT = 512;
/** ALPHA */
export const C_ALPHA = 1024;
/** "=" / "&": separators inside the URI headers part (RFC 3261 §25.1 headers = "?" header *( "&" header )) */
export const C_HDRSEP = 2048;

/** Character class flags per byte. */
export const CHARS: Uint16Array = (() => {
  const t = new Uint16Array(256);
  const add = (chars: string, flag: number): void => {
    for (let i = 0; i < chars.length; i++) {
      const c = chars.charCodeAt(i);
      t[c] = (t[c] as number) | flag;
    }
  };
  for (let c = 48; c <= 57; c++) t[c] = C_ALNUM | C_TOKEN | C_UNRESERVED | C_HEX | C_DIGIT;
  for (let c = 65; c <= 90; c++) t[c] = C_ALNUM | C_TOKEN | C_UNRESERVED | C_ALPHA;
  for (let c = 97; c <= 122; c++) t[c] = C_ALNUM | C_TOKEN | C_UNRESERVED | C_ALPHA;
  add('ABCDEFabcdef', C_HEX);
  add("-.!%*_+`'~", C_TOKEN);
  add("-_.!~*'()", C_UNRESERVED);
  add(' \t\r\n', C_WS);
  add('&=+$,;?/', C_USER);
  add('[]/:&+$', C_PARAMCHAR);
  add('[]/?:+$', C_HNV);
  add('&=+$,', C_PASSWORD);
  add('=&', C_HDRSEP);
  return t;
})();

export function isToken(c: number): boolean {
  return ((CHARS[c] as number) & C_TOKEN) !== 0;
}

export function isWs(c: number): boolean {
  return ((CHARS[c] as number) & C_WS) !== 0;
}

/** Index of the first non-LWS byte (SP, HTAB, CR, LF) at or after `i`, bounded by `end`. */
export function skipLws(b: Uint8Array, i: number, end: number): number {
  while (i < end && ((CHARS[b[i] as number] as number) & C_WS) !== 0) i++;
  return i;
}

/** Index just after the last non-LWS byte before `end`, not going below `start`. */
export function trimLwsEnd(b: Uint8Array, start: number, end: number): number {
  while (end > start && ((CHARS[b[end - 1] as number] as number) & C_WS) !== 0) end--;
  return end;
}

/** Index after a run of token bytes starting at `i`. */
export function scanToken(b: Uint8Array, i: number, end: number): number {
  while (i < end && ((CHARS[b[i] as number] as number) & C_TOKEN) !== 0) i++;
  return i;
}

/**
 * `b[i]` must be `"`. Returns the index just after the closing quote of the quoted-string (RFC 3261 §25.1:
 * quoted-pair `\` escapes any byte except CR/LF), or -1 when it is not terminated before `end`.
 */
export function scanQuotedString(b: Uint8Array, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = b[j] as number;
    if (c === 0x22) return j + 1;
    if (c === 0x5c && j + 1 < end) j += 2;
    else j++;
  }
  return -1;
}

/**
 * Content of a quoted-string with quoted-pairs resolved: `"a \"b\""` -> `a "b"`. A value that is not quoted is
 * returned unchanged. An unterminated quote keeps everything after the opening quote.
 */
export function unquote(value: string): string {
  if (value.length === 0 || value.charCodeAt(0) !== 0x22) return value;
  const last = value.length >= 2 && value.charCodeAt(value.length - 1) === 0x22 ? value.length - 1 : value.length;
  if (value.indexOf('\\') < 0) return value.slice(1, last);
  let out = '';
  for (let i = 1; i < last; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < last) {
      out += value[i + 1];
      i++;
    } else out += ch;
  }
  return out;
}

/** Build a ParseProblem (span in absolute byte offsets). */
export function problem(
  code: string,
  severity: ParseProblem['severity'],
  message: string,
  start: number,
  end: number,
): ParseProblem {
  return { code, severity, message, span: { start, end: end < start ? start : end } };
}

/** Absolute span helper. */
export function mkSpan(start: number, end: number): Span {
  return { start, end: end < start ? start : end };
}

/** Normalise a sub-parser's (input, baseOffset, start, end) arguments into bytes and a clamped range. */
export function inputRange(
  input: TextInput,
  start: number | undefined,
  end: number | undefined,
): { b: Uint8Array; s: number; e: number } {
  const b = toBytes(input);
  let s = start === undefined ? 0 : Math.max(0, Math.min(start | 0, b.length));
  let e = end === undefined ? b.length : Math.max(0, Math.min(end | 0, b.length));
  if (e < s) e = s;
  if (s > e) s = e;
  return { b, s, e };
}

/** Stop bytes of an unquoted generic-param value: `;` `,` LWS `"` `<` `>`. */
function isValueStop(c: number): boolean {
  return c === 0x3b || c === 0x2c || c === 0x22 || c === 0x3c || c === 0x3e || ((CHARS[c] as number) & C_WS) !== 0;
}

/**
 * Scan `*( SEMI generic-param )` starting at `i` (RFC 3261 §25.1: SEMI = SWS ";" SWS, EQUAL = SWS "=" SWS,
 * gen-value = token / host / quoted-string). Parameters are appended to `out`, problems to `problems`, spans are
 * `base + index`. Returns the index of the first non-LWS byte that does not start another parameter (or `end`).
 * Values are kept as written (quoted-strings keep their quotes; IPv6 references their brackets).
 * With `firstWithoutSemi`, the first parameter is read without a leading ";" (e.g. Content-Type params given alone).
 */
export function scanGenericParams(
  b: Uint8Array,
  i: number,
  end: number,
  base: number,
  problems: ParseProblem[],
  out: SipParam[],
  firstWithoutSemi = false,
): number {
  let noSemi = firstWithoutSemi;
  for (;;) {
    i = skipLws(b, i, end);
    let semi = i;
    if (noSemi) {
      noSemi = false;
      if (i >= end) return i;
    } else {
      if (i >= end || b[i] !== 0x3b) return i;
      semi = i;
      i = skipLws(b, i + 1, end);
    }
    const nameStart = i;
    i = scanToken(b, i, end);
    if (i === nameStart) {
      const c = i < end ? (b[i] as number) : -1;
      if (c === -1 || c === 0x3b || c === 0x2c) {
        problems.push(problem('sip/empty-param', 'error', 'Empty parameter: ";" not followed by a parameter name (RFC 3261 §25.1 generic-param)', base + semi, base + semi + 1));
        continue;
      }
      // Not a token: report and skip to the next ';' or ',' so one bad parameter does not hide the rest.
      let j = i;
      while (j < end && b[j] !== 0x3b && b[j] !== 0x2c) j++;
      problems.push(problem('sip/bad-param', 'error', 'Parameter name is not a token (RFC 3261 §25.1 generic-param)', base + nameStart, base + trimLwsEnd(b, nameStart, j)));
      i = j;
      continue;
    }
    const nameEnd = i;
    const name = decodeUtf8(b, nameStart, nameEnd);
    let j = skipLws(b, i, end);
    if (j < end && b[j] === 0x3d) {
      j = skipLws(b, j + 1, end);
      const vStart = j;
      if (j < end && b[j] === 0x22) {
        const q = scanQuotedString(b, j, end);
        if (q < 0) {
          problems.push(problem('sip/unterminated-quoted-string', 'error', 'Quoted parameter value has no closing quote', base + j, base + end));
          j = end;
        } else j = q;
      } else {
        if (j < end && b[j] === 0x5b) {
          // IPv6 reference (RFC 5118 §4.5: received=[2001:db8::9:255]); the colons inside must not stop the scan.
          while (j < end && b[j] !== 0x5d && !isValueStop(b[j] as number)) j++;
          if (j < end && b[j] === 0x5d) j++;
        }
        while (j < end && !isValueStop(b[j] as number)) j++;
      }
      if (j === vStart) {
        problems.push(problem('sip/empty-param-value', 'error', `Parameter "${name}" has "=" but no value`, base + nameStart, base + j));
        out.push({ name, value: '', span: mkSpan(base + nameStart, base + j) });
      } else {
        out.push({ name, value: decodeUtf8(b, vStart, j), span: mkSpan(base + nameStart, base + j) });
      }
      i = j;
    } else {
      out.push({ name, value: undefined, span: mkSpan(base + nameStart, base + nameEnd) });
      i = nameEnd;
    }
  }
}

/**
 * Parse a generic parameter list such as `;tag=a;lr;q=0.5` (leading `;` optional: `tag=a;lr` works too).
 * `baseOffset` is the absolute offset of `input[0]`; `start`/`end` select a byte range of the (UTF-8) input.
 * Returns the parameters in order and problems (`sip/empty-param`, `sip/bad-param`, `sip/empty-param-value`,
 * `sip/unterminated-quoted-string`, `sip/unexpected-text`). Never throws.
 */
export function parseParams(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipParam[]> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  const out: SipParam[] = [];
  let i = skipLws(b, s, e);
  // A list without the leading ';' ("tag=a;lr") is scanned as if it had one.
  i = scanGenericParams(b, i, e, baseOffset, problems, out, i < e && b[i] !== 0x3b);
  if (i < e) {
    problems.push(problem('sip/unexpected-text', 'error', 'Unexpected text after the parameters', baseOffset + i, baseOffset + trimLwsEnd(b, i, e)));
  }
  return { value: out, problems };
}

/** First parameter named `name` (case-insensitive, RFC 3261 §7.3.1 parameter names), or undefined. */
export function findParam(params: readonly SipParam[], name: string): SipParam | undefined {
  for (let k = 0; k < params.length; k++) {
    const p = params[k] as SipParam;
    if (equalsIgnoreCaseString(p.name, name)) return p;
  }
  return undefined;
}

/** Value of the first parameter named `name` (case-insensitive); undefined when absent or valueless. */
export function paramValue(params: readonly SipParam[], name: string): string | undefined {
  return findParam(params, name)?.value;
}

/** True when a parameter named `name` (case-insensitive) is present, with or without value. */
export function hasParam(params: readonly SipParam[], name: string): boolean {
  return findParam(params, name) !== undefined;
}

/**
 * Split a Content-Type style value `type/subtype *( ";" parameter )` (RFC 3261 §20.15, RFC 2045 §5.1) into the
 * lower-cased media type without parameters (`application/sdp`) and its parameters (names lower-cased, quoted values
 * unquoted). A value without "/" yields its lower-cased first token as `type`. Never throws.
 */
export function parseMediaType(value: string): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase().replace(/\s*\/\s*/, '/');
  if (semi >= 0) {
    const r = parseParams(value.slice(semi));
    for (const p of r.value) {
      const k = p.name.toLowerCase();
      if (!params.has(k)) params.set(k, p.value === undefined ? '' : unquote(p.value));
    }
  }
  return { type, params };
}

/** How a comma-separated list names its problems (parseCommaList). */
export interface CommaListWords {
  /** The whole value is empty (`sip/empty-header-value`). */
  empty: string;
  /** A "," with nothing after it (`sip/empty-list-element`). */
  trailing: string;
  /** ",," or a leading "," (`sip/empty-list-element`). */
  emptyElement: string;
  /** Text after an element before the next "," (`sip/unexpected-text`). */
  unexpected: string;
}

/**
 * A comma-separated header value list in b[s, e) (RFC 3261 §7.3.1): `element(i)` parses the element starting at i
 * and returns its value (undefined: it reported its own problem) and where it ends; text after an element up to the
 * next separator (`nextComma(j)`, which knows what may hide a comma) is reported and skipped. Problems are appended
 * with spans `base + index`, worded by `words`; at most `max` values are returned. Never throws.
 */
export function parseCommaList<T>(
  b: Uint8Array,
  s: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  element: (i: number) => { value: T | undefined; end: number },
  nextComma: (j: number) => number,
  words: CommaListWords,
  max = Infinity,
): T[] {
  const out: T[] = [];
  let i = skipLws(b, s, e);
  if (i >= e) {
    problems.push(problem('sip/empty-header-value', 'error', words.empty, base + s, base + e));
    return out;
  }
  for (;;) {
    i = skipLws(b, i, e);
    if (i >= e) {
      problems.push(problem('sip/empty-list-element', 'error', words.trailing, base + e, base + e));
      break;
    }
    if (b[i] === 0x2c) {
      problems.push(problem('sip/empty-list-element', 'error', words.emptyElement, base + i, base + i + 1));
      i++;
      continue;
    }
    const r = element(i);
    if (r.value !== undefined) {
      out.push(r.value);
      if (out.length >= max) break;
    }
    let j = skipLws(b, r.end, e);
    if (j >= e) break;
    if (b[j] !== 0x2c) {
      // Junk before the next comma: report it and resynchronise there.
      const k = nextComma(j);
      problems.push(problem('sip/unexpected-text', 'error', words.unexpected, base + j, base + trimLwsEnd(b, j, k)));
      if (k >= e) break;
      j = k;
    }
    i = j + 1;
  }
  return out;
}
