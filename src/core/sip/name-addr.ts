// name-addr / addr-spec sub-parser for From, To, Contact, Route, Record-Route, Reply-To, P-Asserted-Identity...
// (RFC 3261 §20.10, §25.1): display names (quoted or token), <URI> or bare addr-spec, header params, lists, `*`.
import type { ParseProblem, SipNameAddr, SipParam, SipUri } from './types';
import { decodeUtf8 } from '../text/decode';
import {
  C_ALNUM,
  C_ALPHA,
  C_TOKEN,
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
  skipLws,
  trimLwsEnd,
  unquote,
  type SubParseResult,
  type TextInput,
} from './params';
import { parseUriRange } from './uri';

/**
 * Parse a single name-addr / addr-spec value with header parameters, as in From, To, Reply-To, Refer-To,
 * Referred-By (`"Bob" <sip:bob@b.example>;tag=1`, `sip:bob@b.example;tag=1`). Commas do NOT split (so an unquoted
 * display name with a comma is reported instead of being cut).
 * `baseOffset` is the absolute byte offset of `input[0]`; `start`/`end` select a byte range of the input.
 * Returns `value: undefined` only for an empty value (`sip/empty-header-value`). Problems: see parseNameAddrList.
 */
export function parseNameAddr(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipNameAddr | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  return { value: parseNameAddrRange(b, s, e, baseOffset, problems), problems };
}

/**
 * Range form of parseNameAddr over message bytes (spans `base + index`, problems appended). With `withUri = false`
 * the URI is not parsed (`uri` stays undefined, `uriText` is set): a faster path for summaries.
 */
export function parseNameAddrRange(
  b: Uint8Array,
  s: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  withUri = true,
): SipNameAddr | undefined {
  const i = skipLws(b, s, e);
  if (i >= e) {
    problems.push(problem('sip/empty-header-value', 'error', 'Empty value: expected a name-addr or addr-spec (RFC 3261 §25.1)', base + s, base + e));
    return undefined;
  }
  const r = parseElement(b, i, e, base, problems, false, withUri);
  let j = skipLws(b, r.end, e);
  if (j < e) {
    problems.push(
      problem(
        b[j] === 0x2c ? 'sip/multiple-values' : 'sip/unexpected-text',
        'error',
        b[j] === 0x2c ? 'More than one value in a single-valued header field' : 'Unexpected text after the address and its parameters',
        base + j,
        base + trimLwsEnd(b, j, e),
      ),
    );
  }
  return r.value;
}

/**
 * Parse a comma-separated list of name-addr / addr-spec elements, as in Contact, Route, Record-Route, Path,
 * P-Asserted-Identity (RFC 3261 §7.3.1, §20.10). Commas inside quoted strings and inside `<...>` do not split.
 * `Contact: *` yields one element with `star: true`. Spans are `baseOffset + byte index`.
 * Never throws; problems:
 * - `sip/empty-header-value`, `sip/empty-list-element` (e.g. `a,,b`),
 * - `sip/display-name-bad-char` (unquoted display name with non-token characters, RFC 4475 §3.1.2.15),
 * - `sip/addr-spec-whitespace` (LWS just inside `<` or `>`, RFC 4475 §3.1.2.14),
 * - `sip/addr-spec-needs-angle-brackets` (bare addr-spec with `?` or `,`, RFC 3261 §20.10, RFC 4475 §3.1.2.13),
 * - `sip/unterminated-angle-bracket`, `sip/unterminated-quoted-string`, `sip/bad-name-addr`, `sip/unexpected-text`,
 * - parameter problems (`sip/empty-param`, ...) and URI problems (`sip/uri-...`).
 */
export function parseNameAddrList(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipNameAddr[]> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  return { value: parseNameAddrListRange(b, s, e, baseOffset, problems), problems };
}

/** Range form of parseNameAddrList over message bytes (spans `base + index`, problems appended; `withUri` as in parseNameAddrRange). */
export function parseNameAddrListRange(
  b: Uint8Array,
  s: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  withUri = true,
): SipNameAddr[] {
  // Commas inside quoted strings and <...> do not separate elements.
  return parseCommaList(b, s, e, base, problems, (i) => parseElement(b, i, e, base, problems, true, withUri), (j) => nextTopLevelComma(b, j, e), NAME_ADDR_WORDS);
}

const NAME_ADDR_WORDS: CommaListWords = {
  empty: 'Empty value: expected a name-addr or addr-spec (RFC 3261 §25.1)',
  trailing: 'Trailing "," with no element after it',
  emptyElement: 'Empty list element (",," or leading ",")',
  unexpected: 'Unexpected text after the address and its parameters',
};

interface ElementResult {
  value: SipNameAddr | undefined;
  end: number;
}

/** Index of the next ',' at or after `i` that is not inside quotes or <...>, or `e`. */
function nextTopLevelComma(b: Uint8Array, i: number, e: number): number {
  let j = i;
  while (j < e) {
    const c = b[j] as number;
    if (c === 0x2c) return j;
    if (c === 0x22) {
      const q = scanQuotedString(b, j, e);
      j = q < 0 ? e : q;
      continue;
    }
    if (c === 0x3c) {
      while (j < e && b[j] !== 0x3e) j++;
    }
    j++;
  }
  return e;
}

/** True when `b[i..]` starts with `scheme ":"` (RFC 3261 §25.1 scheme). */
function looksLikeScheme(b: Uint8Array, i: number, e: number): boolean {
  if (i >= e || ((CHARS[b[i] as number] as number) & C_ALPHA) === 0) return false;
  let j = i + 1;
  while (j < e) {
    const c = b[j] as number;
    if (c === 0x3a) return true;
    if (((CHARS[c] as number) & C_ALNUM) !== 0 || c === 0x2b || c === 0x2d || c === 0x2e) j++;
    else return false;
  }
  return false;
}

/**
 * What parseElement reads before the header parameters: display name, URI range, where the parameters start, and
 * whether the URI was in <>. `failEnd` >= 0: no value (a problem was reported), the element ends there.
 */
interface AddrHead {
  displayName: string | undefined;
  uriStart: number;
  uriEnd: number;
  after: number;
  bracketed: boolean;
  failEnd: number;
}

/** parseAddrHead's result: one object, refilled by every call (callers read it at once). */
const HEAD: AddrHead = { displayName: undefined, uriStart: 0, uriEnd: 0, after: 0, bracketed: false, failEnd: -1 };

function head(displayName: string | undefined, uriStart: number, uriEnd: number, after: number, bracketed: boolean, failEnd: number): AddrHead {
  const h = HEAD;
  h.displayName = displayName;
  h.uriStart = uriStart;
  h.uriEnd = uriEnd;
  h.after = after;
  h.bracketed = bracketed;
  h.failEnd = failEnd;
  return h;
}

const fail = (end: number): AddrHead => head(undefined, 0, 0, 0, false, end);

/**
 * The head of the element at `i` (not `*`): name-addr or addr-spec up to its parameters (RFC 3261 §25.1). Returns
 * the same object on every call.
 */
function parseAddrHead(b: Uint8Array, i: number, e: number, base: number, problems: ParseProblem[], list: boolean): AddrHead {
  let displayName: string | undefined;
  let uriStart: number;
  let uriEnd: number;
  let after: number;
  let bracketed = false;

  if (b[i] === 0x22 || !looksLikeScheme(b, i, e)) {
    // name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
    if (b[i] === 0x22) {
      const q = scanQuotedString(b, i, e);
      if (q < 0) {
        problems.push(problem('sip/unterminated-quoted-string', 'error', 'Display name has no closing quote', base + i, base + e));
        return fail(e);
      }
      displayName = unquote(decodeUtf8(b, i, q));
      i = skipLws(b, q, e);
    } else {
      // display-name = *(token LWS): scan up to '<' (single-valued headers) or '<' / ',' (lists). Stray quotes
      // (e.g. `\"arik\" <sip:...>` seen in the wild) are kept in the name and reported below, like other non-token bytes.
      let j = i;
      while (j < e && b[j] !== 0x3c && !(list && b[j] === 0x2c)) j++;
      const dnEnd = trimLwsEnd(b, i, j);
      if (j >= e || b[j] !== 0x3c) {
        problems.push(
          problem(
            'sip/bad-name-addr',
            'error',
            'Expected a URI ("scheme:...") or a display name followed by <URI> (RFC 3261 §25.1 name-addr / addr-spec)',
            base + i,
            base + (dnEnd > i ? dnEnd : j),
          ),
        );
        return fail(list ? nextTopLevelComma(b, j, e) : e);
      }
      for (let k = i; k < dnEnd; k++) {
        const f = CHARS[b[k] as number] as number;
        if ((f & (C_TOKEN | C_WS)) === 0) {
          problems.push(
            problem(
              'sip/display-name-bad-char',
              'error',
              `Unquoted display name contains "${String.fromCharCode(b[k] as number)}", which is not a token character; it must be a quoted-string (RFC 3261 §25.1 display-name)`,
              base + i,
              base + dnEnd,
            ),
          );
          break;
        }
      }
      if (dnEnd > i) displayName = decodeUtf8(b, i, dnEnd);
      i = j;
    }
    if (i >= e || b[i] !== 0x3c) {
      problems.push(problem('sip/bad-name-addr', 'error', 'Display name must be followed by <URI> (RFC 3261 §25.1 name-addr)', base + i, base + i));
      return fail(list ? nextTopLevelComma(b, i, e) : e);
    }
    bracketed = true;
    let j = i + 1;
    while (j < e && b[j] !== 0x3e) j++;
    if (j >= e) {
      problems.push(problem('sip/unterminated-angle-bracket', 'error', '"<" without matching ">"', base + i, base + e));
      uriStart = i + 1;
      uriEnd = e;
      after = e;
    } else {
      uriStart = i + 1;
      uriEnd = j;
      after = j + 1;
    }
    // LAQUOT = SWS "<" and RAQUOT = ">" SWS: no whitespace inside the brackets (RFC 4475 §3.1.2.14).
    const ts = skipLws(b, uriStart, uriEnd);
    const te = trimLwsEnd(b, ts, uriEnd);
    if (ts !== uriStart || te !== uriEnd) {
      problems.push(
        problem(
          'sip/addr-spec-whitespace',
          'error',
          'Whitespace between "<" / ">" and the URI is not allowed (RFC 3261 §25.1 LAQUOT / RAQUOT)',
          base + uriStart - 1,
          base + Math.min(e, uriEnd + 1),
        ),
      );
      uriStart = ts;
      uriEnd = te;
    }
  } else {
    // Bare addr-spec: ends at ';' (header params, RFC 3261 §20.10), LWS, or ',' in lists.
    let j = i;
    while (j < e) {
      const c = b[j] as number;
      if (c === 0x3b || (list && c === 0x2c) || ((CHARS[c] as number) & C_WS) !== 0) break;
      j++;
    }
    uriStart = i;
    uriEnd = j;
    after = j;
    for (let k = uriStart; k < uriEnd; k++) {
      if (b[k] === 0x3f || b[k] === 0x2c) {
        problems.push(
          problem(
            'sip/addr-spec-needs-angle-brackets',
            'error',
            `A URI containing "${String.fromCharCode(b[k] as number)}" must be enclosed in <> (RFC 3261 §20.10)`,
            base + uriStart,
            base + uriEnd,
          ),
        );
        break;
      }
    }
  }

  return head(displayName, uriStart, uriEnd, after, bracketed, -1);
}

/** parseElement's star form `*` at `i` (Contact, RFC 3261 §20.10): followed by the end, `,` or `;`. */
function isStar(b: Uint8Array, i: number, e: number): boolean {
  if (b[i] !== 0x2a) return false;
  const j = skipLws(b, i + 1, e);
  return j >= e || b[j] === 0x2c || b[j] === 0x3b;
}

/**
 * Display name and URI text of the single name-addr / addr-spec b[s, e) (a From or To value): exactly what
 * parseNameAddrRange(b, s, e, base, [], false) gives in `displayName` and `uriText`, undefined where it gives no
 * value, without reading the header parameters (for call parties on the import's fast path). Never throws.
 */
export function nameAddrParty(b: Uint8Array, s: number, e: number): NameAddrParty | undefined {
  const i = skipLws(b, s, e);
  if (i >= e) return undefined;
  const p = PARTY;
  if (isStar(b, i, e)) {
    p.displayName = undefined;
    p.uriText = '*';
    return p;
  }
  const h = parseAddrHead(b, i, e, 0, UNREAD, false);
  UNREAD.length = 0;
  if (h.failEnd >= 0) return undefined;
  p.displayName = h.displayName;
  p.uriText = decodeUtf8(b, h.uriStart, h.uriEnd);
  return p;
}

/** nameAddrParty's result: one object, refilled by every call (read it before the next). */
export interface NameAddrParty {
  displayName: string | undefined;
  uriText: string;
}
const PARTY: NameAddrParty = { displayName: undefined, uriText: '' };
/** Problems nameAddrParty does not report (emptied after each call). */
const UNREAD: ParseProblem[] = [];

function parseElement(b: Uint8Array, i: number, e: number, base: number, problems: ParseProblem[], list: boolean, withUri: boolean): ElementResult {
  const start = i;
  // Contact: * (RFC 3261 §20.10, only meaningful in REGISTER)
  if (isStar(b, i, e)) {
    const params: SipParam[] = [];
    const end = scanGenericParams(b, i + 1, e, base, problems, params);
    const last = params.length > 0 ? (params[params.length - 1] as SipParam).span.end - base : i + 1;
    return {
      value: { displayName: undefined, uri: undefined, uriText: '*', params, tag: findParam(params, 'tag')?.value, star: true, span: mkSpan(base + start, base + last) },
      end: end > last ? trimLwsEnd(b, last, end) : last,
    };
  }

  const h = parseAddrHead(b, i, e, base, problems, list);
  if (h.failEnd >= 0) return { value: undefined, end: h.failEnd };
  const { displayName, uriStart, uriEnd, after, bracketed } = h;

  const uri: SipUri | undefined = withUri ? parseUriRange(b, uriStart, uriEnd, base, problems) : undefined;
  const uriText = uri !== undefined ? uri.raw : decodeUtf8(b, uriStart, uriEnd);
  const params: SipParam[] = [];
  const stop = scanGenericParams(b, after, e, base, problems, params);
  const lastEnd = params.length > 0 ? (params[params.length - 1] as SipParam).span.end - base : bracketed ? after : uriEnd;
  return {
    value: {
      displayName,
      uri,
      uriText,
      params,
      tag: findParam(params, 'tag')?.value,
      star: false,
      span: mkSpan(base + start, base + lastEnd),
    },
    end: stop > lastEnd ? trimLwsEnd(b, lastEnd, stop) : lastEnd,
  };
}
