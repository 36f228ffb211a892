// URI sub-parser: SIP/SIPS URIs (RFC 3261 §19.1.1, §25.1; IPv6 references per RFC 5118), tel URIs (RFC 3966) and
// other absoluteURIs (kept raw), with byte spans and problems for bad escapes, characters, hosts and ports.
import type { ParseProblem, SipParam, SipUri } from './types';
import { decodeUtf8, encodeUtf8, LOWER } from '../text/decode';
import {
  C_ALNUM,
  C_ALPHA,
  C_DIGIT,
  C_HEX,
  C_HDRSEP,
  C_HNV,
  C_PARAMCHAR,
  C_PASSWORD,
  C_UNRESERVED,
  C_USER,
  C_WS,
  CHARS,
  inputRange,
  mkSpan,
  problem,
  skipLws,
  trimLwsEnd,
  type SubParseResult,
  type TextInput,
} from './params';

/**
 * Parse one URI. `input` is the URI text (a string is UTF-8 encoded first); `baseOffset` is the absolute byte offset
 * of `input[0]`, so every span is `baseOffset + byte index`; `start`/`end` optionally select a byte range of the
 * input (default: all of it). Surrounding LWS is ignored.
 *
 * Returns `value: undefined` (with a `sip/uri-empty` or `sip/uri-missing-scheme` problem) when there is no
 * `scheme:`; otherwise a SipUri, possibly partial, plus problems:
 * `sip/uri-whitespace`, `sip/uri-bad-char`, `sip/uri-bad-escape`, `sip/uri-empty-user`, `sip/uri-missing-host`,
 * `sip/uri-bad-host`, `sip/uri-bad-ipv6` (warning for the RFC 5118 §4.10 three-colon form), `sip/uri-bad-port`,
 * `sip/empty-param`, `sip/tel-bad-number`. User, password, params and headers are kept as written (escapes
 * included); use unescapeUri() to compare them (RFC 3261 §19.1.4).
 */
export function parseUri(input: TextInput, baseOffset = 0, start?: number, end?: number): SubParseResult<SipUri | undefined> {
  const { b, s, e } = inputRange(input, start, end);
  const problems: ParseProblem[] = [];
  const s2 = skipLws(b, s, e);
  const e2 = trimLwsEnd(b, s2, e);
  const value = parseUriRange(b, s2, e2, baseOffset, problems);
  return { value, problems };
}

/**
 * Range form of parseUri for callers that already hold the message bytes: parses `b[s, e)` (no trimming), spans are
 * `base + index`, problems are appended to `problems`. Returns undefined when there is no scheme.
 */
export function parseUriRange(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): SipUri | undefined {
  if (s >= e) {
    problems.push(problem('sip/uri-empty', 'error', 'Empty URI', base + s, base + e));
    return undefined;
  }
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 §25.1)
  let i = s;
  if (((CHARS[b[i] as number] as number) & C_ALPHA) !== 0) {
    i++;
    while (i < e) {
      const c = b[i] as number;
      if (((CHARS[c] as number) & C_ALNUM) !== 0 || c === 0x2b || c === 0x2d || c === 0x2e) i++;
      else break;
    }
  }
  if (i === s || i >= e || b[i] !== 0x3a) {
    problems.push(
      problem('sip/uri-missing-scheme', 'error', 'Not a URI: expected "scheme:" (e.g. "sip:") at the start (RFC 3261 §25.1)', base + s, base + e),
    );
    return undefined;
  }
  const schemeEnd = i;
  const scheme = schemeLower(b, s, schemeEnd);
  const raw = decodeUtf8(b, s, e);
  const span = mkSpan(base + s, base + e);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(b, s, schemeEnd + 1, e, base, problems, scheme, raw);
  if (scheme === 'tel') return parseTelUri(b, schemeEnd + 1, e, base, problems, raw, span);
  // absoluteURI: kept raw; only whitespace is reported (no LWS is allowed inside any URI).
  reportChars(b, schemeEnd + 1, e, base, problems, ANY, 'the URI');
  return {
    scheme,
    user: undefined,
    password: undefined,
    host: '',
    port: undefined,
    params: [],
    headers: undefined,
    raw,
    span,
    hostSpan: mkSpan(base + e, base + e),
  };
}

const KNOWN_SCHEMES = ['sip', 'sips', 'tel'];

function schemeLower(b: Uint8Array, s: number, e: number): string {
  // Interned results for the common schemes (no allocation on the hot path).
  for (let k = 0; k < KNOWN_SCHEMES.length; k++) {
    const name = KNOWN_SCHEMES[k] as string;
    if (name.length !== e - s) continue;
    let j = 0;
    while (j < name.length && LOWER[b[s + j] as number] === name.charCodeAt(j)) j++;
    if (j === name.length) return name;
  }
  let out = '';
  for (let j = s; j < e; j++) out += String.fromCharCode(LOWER[b[j] as number] as number);
  return out;
}

/** `allowMask` value accepting every printable ASCII byte except `<`, `>` and `"` (absoluteURIs). */
const ANY = -1;

/**
 * Report the first byte in `[from, to)` that is neither allowed by `allowMask` (CHARS flags) nor a `%` escape, and
 * every malformed `%` escape (RFC 3261 §25.1 escaped = "%" HEXDIG HEXDIG). Whitespace and control bytes get their
 * own code (`sip/uri-whitespace`). With `allowMask = ANY` only whitespace, controls, `<>"` and non-ASCII are
 * reported and `%` is not checked (its meaning is scheme-specific). Returns true when every byte was fine.
 */
function reportChars(
  b: Uint8Array,
  from: number,
  to: number,
  base: number,
  problems: ParseProblem[],
  allowMask: number,
  what: string,
): boolean {
  let ok = true;
  let reportedChar = false;
  for (let j = from; j < to; j++) {
    const c = b[j] as number;
    const flags = CHARS[c] as number;
    if (c === 0x25 && allowMask !== ANY) {
      if (j + 2 < to && ((CHARS[b[j + 1] as number] as number) & C_HEX) !== 0 && ((CHARS[b[j + 2] as number] as number) & C_HEX) !== 0) {
        j += 2;
        continue;
      }
      problems.push(
        problem('sip/uri-bad-escape', 'error', `Bad escape in ${what}: "%" must be followed by two hex digits (RFC 3261 §25.1 escaped)`, base + j, base + Math.min(to, j + 3)),
      );
      ok = false;
      continue;
    }
    if ((flags & C_WS) !== 0 || c < 0x20 || c === 0x7f) {
      if (!reportedChar) {
        let k = j;
        while (k < to && (((CHARS[b[k] as number] as number) & C_WS) !== 0 || (b[k] as number) < 0x20)) k++;
        problems.push(problem('sip/uri-whitespace', 'error', `Whitespace or control character inside ${what} (not allowed in a URI)`, base + j, base + k));
        reportedChar = true;
      }
      ok = false;
      continue;
    }
    const allowed = allowMask === ANY ? c !== 0x3c && c !== 0x3e && c !== 0x22 && c < 0x80 : (flags & allowMask) !== 0;
    if (!allowed) {
      if (!reportedChar) {
        const shown = c < 0x80 ? String.fromCharCode(c) : `\\x${c.toString(16)}`;
        problems.push(
          problem('sip/uri-bad-char', 'error', `Character "${shown}" not allowed in ${what}; it must be %-escaped (RFC 3261 §25.1)`, base + j, base + j + 1),
        );
        reportedChar = true;
      }
      ok = false;
    }
  }
  return ok;
}

function parseSipUri(
  b: Uint8Array,
  s: number,
  i: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  scheme: string,
  raw: string,
): SipUri {
  // userinfo: the first '@' ends it; '@' cannot appear unescaped anywhere else in a SIP URI (RFC 3261 §25.1).
  let at = -1;
  for (let j = i; j < e; j++) {
    if (b[j] === 0x40) {
      at = j;
      break;
    }
  }
  let user: string | undefined;
  let password: string | undefined;
  let hostStart = i;
  if (at >= 0) {
    let colon = -1;
    for (let j = i; j < at; j++) {
      if (b[j] === 0x3a) {
        colon = j;
        break;
      }
    }
    const userEnd = colon >= 0 ? colon : at;
    if (userEnd === i) {
      problems.push(problem('sip/uri-empty-user', 'error', 'Empty user part before "@" (RFC 3261 §25.1 user = 1*(...))', base + i, base + at + 1));
    }
    reportChars(b, i, userEnd, base, problems, C_UNRESERVED | C_USER, 'the URI user part');
    user = decodeUtf8(b, i, userEnd);
    if (colon >= 0) {
      reportChars(b, colon + 1, at, base, problems, C_UNRESERVED | C_PASSWORD, 'the URI password');
      password = decodeUtf8(b, colon + 1, at);
    }
    hostStart = at + 1;
  }

  // host = hostname / IPv4address / IPv6reference
  let j = hostStart;
  let hostEnd: number;
  if (j < e && b[j] === 0x5b) {
    while (j < e && b[j] !== 0x5d) j++;
    if (j < e) {
      j++;
      hostEnd = j;
      checkIpv6Reference(b, hostStart, hostEnd, base, problems);
    } else {
      hostEnd = e;
      problems.push(problem('sip/uri-bad-host', 'error', 'IPv6 reference without closing "]" (RFC 3261 §25.1, RFC 5118)', base + hostStart, base + e));
    }
  } else {
    while (j < e) {
      const c = b[j] as number;
      if (c === 0x3a || c === 0x3b || c === 0x3f) break;
      j++;
    }
    hostEnd = j;
    if (hostEnd === hostStart) {
      problems.push(problem('sip/uri-missing-host', 'error', 'SIP URI without a host (RFC 3261 §19.1.1)', base + hostStart, base + hostStart));
    } else {
      checkHost(b, hostStart, hostEnd, base, problems);
    }
  }
  const host = decodeUtf8(b, hostStart, hostEnd);
  const hostSpan = mkSpan(base + hostStart, base + hostEnd);
  j = hostEnd;

  // port = 1*DIGIT
  let port: number | undefined;
  if (j < e && b[j] === 0x3a) {
    const ps = j + 1;
    let k = ps;
    let v = 0;
    while (k < e && ((CHARS[b[k] as number] as number) & C_DIGIT) !== 0) {
      v = v * 10 + ((b[k] as number) - 48);
      k++;
    }
    let pe = k;
    while (pe < e && b[pe] !== 0x3b && b[pe] !== 0x3f) pe++;
    if (k === ps || pe !== k) {
      problems.push(problem('sip/uri-bad-port', 'error', 'Port is not a number (RFC 3261 §25.1 port = 1*DIGIT)', base + ps, base + pe));
      if (k > ps) port = v;
    } else if (v > 65535) {
      problems.push(problem('sip/uri-bad-port', 'error', `Port ${v} is out of range (0-65535)`, base + ps, base + pe));
      port = v;
    } else port = v;
    j = pe;
  }

  // uri-parameters = *( ";" uri-parameter ), uri-parameter = pname [ "=" pvalue ] (RFC 3261 §19.1.1, §25.1)
  const params: SipParam[] = [];
  j = scanUriParams(b, j, e, base, problems, params);

  // headers = "?" header *( "&" header ), kept raw (RFC 3261 §19.1.1)
  let headers: string | undefined;
  if (j < e && b[j] === 0x3f) {
    reportChars(b, j + 1, e, base, problems, C_UNRESERVED | C_HNV | C_HDRSEP, 'the URI headers');
    headers = decodeUtf8(b, j + 1, e);
    j = e;
  }
  if (j < e) {
    reportChars(b, j, e, base, problems, 0, 'the SIP URI');
  }
  return { scheme, user, password, host, port, params, headers, raw, span: mkSpan(base + s, base + e), hostSpan };
}


function scanUriParams(b: Uint8Array, j: number, e: number, base: number, problems: ParseProblem[], params: SipParam[]): number {
  while (j < e && b[j] === 0x3b) {
    const ns = j + 1;
    let k = ns;
    while (k < e && b[k] !== 0x3d && b[k] !== 0x3b && b[k] !== 0x3f) k++;
    const nameEnd = k;
    if (nameEnd === ns) {
      problems.push(problem('sip/empty-param', 'error', 'Empty URI parameter (";" not followed by a name)', base + j, base + j + 1));
    } else {
      reportChars(b, ns, nameEnd, base, problems, C_UNRESERVED | C_PARAMCHAR, 'a URI parameter name');
    }
    let value: string | undefined;
    if (k < e && b[k] === 0x3d) {
      const vs = k + 1;
      k = vs;
      while (k < e && b[k] !== 0x3b && b[k] !== 0x3f) k++;
      reportChars(b, vs, k, base, problems, C_UNRESERVED | C_PARAMCHAR, 'a URI parameter value');
      value = decodeUtf8(b, vs, k);
    }
    if (nameEnd > ns) params.push({ name: decodeUtf8(b, ns, nameEnd), value, span: mkSpan(base + ns, base + k) });
    j = k;
  }
  return j;
}

function parseTelUri(
  b: Uint8Array,
  i: number,
  e: number,
  base: number,
  problems: ParseProblem[],
  raw: string,
  span: { start: number; end: number },
): SipUri {
  // RFC 3966 §3: telephone-subscriber = global-number / local-number; par = ;isub / ;ext / ;phone-context / other
  let j = i;
  while (j < e && b[j] !== 0x3b) j++;
  const numEnd = j;
  checkTelNumber(b, i, numEnd, base, problems);
  const params: SipParam[] = [];
  j = scanUriParams(b, j, e, base, problems, params);
  if (j < e) reportChars(b, j, e, base, problems, 0, 'the tel URI');
  return {
    scheme: 'tel',
    user: decodeUtf8(b, i, numEnd),
    password: undefined,
    host: '',
    port: undefined,
    params,
    headers: undefined,
    raw,
    span: { start: span.start, end: span.end },
    hostSpan: mkSpan(base + numEnd, base + numEnd),
  };
}

function checkTelNumber(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): void {
  // global-number-digits = "+" *phonedigit DIGIT *phonedigit; local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
  // visual-separator = "-" / "." / "(" / ")"
  let ok = e > s;
  let digits = 0;
  const global = ok && b[s] === 0x2b;
  for (let j = global ? s + 1 : s; j < e && ok; j++) {
    const c = b[j] as number;
    const f = CHARS[c] as number;
    if ((f & C_DIGIT) !== 0) digits++;
    else if (!global && ((f & C_HEX) !== 0 || c === 0x2a || c === 0x23)) digits++;
    else if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) ok = false;
  }
  if (!ok || digits === 0) {
    problems.push(problem('sip/tel-bad-number', 'error', 'Bad telephone number in tel URI (RFC 3966 §3 telephone-subscriber)', base + s, base + e));
  }
}

function checkHost(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): void {
  // IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
  // hostname = *( domainlabel "." ) toplabel [ "." ]; domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum;
  // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum (RFC 3261 §25.1)
  let allDigitsDots = true;
  for (let j = s; j < e; j++) {
    const c = b[j] as number;
    if (c !== 0x2e && ((CHARS[c] as number) & C_DIGIT) === 0) {
      allDigitsDots = false;
      break;
    }
  }
  if (allDigitsDots) {
    if (!isIpv4Bytes(b, s, e)) {
      problems.push(problem('sip/uri-bad-host', 'error', 'Invalid IPv4 address (RFC 3261 §25.1 IPv4address)', base + s, base + e));
    }
    return;
  }
  let labelStart = s;
  let lastLabelStart = s;
  let underscore = false;
  for (let j = s; j <= e; j++) {
    const c = j < e ? (b[j] as number) : 0x2e;
    if (c === 0x2e) {
      if (j === labelStart) {
        if (j === e && j > s) break; // trailing '.' is allowed
        problems.push(problem('sip/uri-bad-host', 'error', 'Empty label in host name (RFC 3261 §25.1 hostname)', base + s, base + e));
        return;
      }
      if (b[labelStart] === 0x2d || b[j - 1] === 0x2d) {
        problems.push(problem('sip/uri-bad-host', 'error', 'Host name label starts or ends with "-" (RFC 3261 §25.1 domainlabel)', base + s, base + e));
        return;
      }
      lastLabelStart = labelStart;
      labelStart = j + 1;
      continue;
    }
    const f = CHARS[c] as number;
    if ((f & C_ALNUM) !== 0 || c === 0x2d) continue;
    if (c === 0x5f) {
      underscore = true;
      continue;
    }
    problems.push(
      problem(
        'sip/uri-bad-host',
        'error',
        `Character "${c < 0x80 && c >= 0x20 ? String.fromCharCode(c) : '\\x' + c.toString(16)}" not allowed in a host name (RFC 3261 §25.1 hostname)`,
        base + j,
        base + j + 1,
      ),
    );
    return;
  }
  if (underscore) {
    problems.push(problem('sip/uri-bad-host', 'warning', 'Host name contains "_" (not allowed by RFC 3261 §25.1 hostname)', base + s, base + e));
    return;
  }
  if (((CHARS[b[lastLabelStart] as number] as number) & C_ALPHA) === 0) {
    problems.push(
      problem('sip/uri-bad-host', 'error', 'Last label of a host name must start with a letter (RFC 3261 §25.1 toplabel)', base + lastLabelStart, base + e),
    );
  }
}

function checkIpv6Reference(b: Uint8Array, s: number, e: number, base: number, problems: ParseProblem[]): void {
  const text = decodeUtf8(b, s + 1, e - 1);
  const r = checkIpv6(text);
  if (r === 'ok') return;
  if (r === 'triple-colon') {
    problems.push(
      problem(
        'sip/uri-bad-ipv6',
        'warning',
        'IPv6 reference with ":::" (form produced by the RFC 3261 ABNF bug; invalid per RFC 5118 §4.10, accepted liberally)',
        base + s,
        base + e,
      ),
    );
    return;
  }
  problems.push(problem('sip/uri-bad-ipv6', 'error', 'Invalid IPv6 address in IPv6 reference (RFC 5118, RFC 4291 §2.2)', base + s, base + e));
}

function isIpv4Bytes(b: Uint8Array, s: number, e: number): boolean {
  let parts = 0;
  let j = s;
  while (j <= e) {
    let v = 0;
    let n = 0;
    while (j < e && ((CHARS[b[j] as number] as number) & C_DIGIT) !== 0) {
      v = v * 10 + ((b[j] as number) - 48);
      n++;
      j++;
    }
    if (n === 0 || n > 3 || v > 255) return false;
    parts++;
    if (j === e) break;
    if (b[j] !== 0x2e) return false;
    j++;
  }
  return parts === 4;
}

/** True for a dotted-quad IPv4 address (each part 0-255, 1-3 digits). */
export function isIpv4Address(text: string): boolean {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return false;
    b[i] = c;
  }
  return b.length > 0 && isIpv4Bytes(b, 0, b.length);
}

/**
 * Classify an IPv6 address text (without brackets) per RFC 4291 §2.2: 'ok', 'triple-colon' (the ":::" form of
 * RFC 5118 §4.10) or 'bad'. A trailing embedded IPv4 address (`::ffff:192.0.2.1`) is allowed; zone ids are not.
 */
export function checkIpv6(text: string): 'ok' | 'triple-colon' | 'bad' {
  if (text.indexOf(':::') >= 0) return 'triple-colon';
  if (text.length < 2) return 'bad';
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return 'bad';
  const parts: string[] = [];
  if (dbl >= 0) {
    const left = text.slice(0, dbl);
    const right = text.slice(dbl + 2);
    if (left !== '') parts.push(...left.split(':'));
    const rightParts = right === '' ? [] : right.split(':');
    let count = parts.length;
    for (let k = 0; k < rightParts.length; k++) {
      const p = rightParts[k] as string;
      if (k === rightParts.length - 1 && p.indexOf('.') >= 0) {
        if (!isIpv4Address(p)) return 'bad';
        count += 2;
      } else {
        if (!isHexGroup(p)) return 'bad';
        count++;
      }
    }
    for (const p of parts) if (!isHexGroup(p)) return 'bad';
    return count <= 7 ? 'ok' : 'bad';
  }
  const all = text.split(':');
  let count = 0;
  for (let k = 0; k < all.length; k++) {
    const p = all[k] as string;
    if (k === all.length - 1 && p.indexOf('.') >= 0) {
      if (!isIpv4Address(p)) return 'bad';
      count += 2;
    } else {
      if (!isHexGroup(p)) return 'bad';
      count++;
    }
  }
  return count === 8 ? 'ok' : 'bad';
}

function isHexGroup(p: string): boolean {
  if (p.length < 1 || p.length > 4) return false;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c > 0x7f || ((CHARS[c] as number) & C_HEX) === 0) return false;
  }
  return true;
}

/** True for a valid IPv6 address text (no brackets). */
export function isIpv6Address(text: string): boolean {
  return checkIpv6(text) === 'ok';
}

/** `host` without the brackets of an IPv6 reference (`[2001:db8::1]` -> `2001:db8::1`); other hosts unchanged. */
export function stripBrackets(host: string): string {
  return host.length >= 2 && host.charCodeAt(0) === 0x5b && host.charCodeAt(host.length - 1) === 0x5d ? host.slice(1, -1) : host;
}

/**
 * Resolve `%XX` escapes (RFC 3261 §19.1.4 compares URIs after unescaping). Escaped bytes are decoded as UTF-8;
 * malformed escapes are kept literally.
 */
export function unescapeUri(text: string): string {
  if (text.indexOf('%') < 0) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length && isHexChar(text.charCodeAt(i + 1)) && isHexChar(text.charCodeAt(i + 2))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Non-ASCII characters in the text: re-encode as UTF-8 so the whole result decodes consistently.
      const enc = encodeUtf8(text.slice(i, i + (c >= 0xd800 && c <= 0xdbff ? 2 : 1)));
      for (const x of enc) bytes.push(x);
      if (c >= 0xd800 && c <= 0xdbff) i++;
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

function isHexChar(c: number): boolean {
  return c < 0x80 && ((CHARS[c] as number) & C_HEX) !== 0;
}
