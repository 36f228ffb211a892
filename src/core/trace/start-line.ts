// Recognises SIP start lines (RFC 3261 §7.1 Request-Line, §7.2 Status-Line) in raw lines and inside log lines, leniently
// enough for the torture cases (extra SP, trailing SP, other SIP versions, overlong status codes). Byte offsets only.
import { C_TOKEN, CHARS } from '../sip/params';
import { SIP_METHODS } from '../sip/methods';

/** Methods registered for SIP (RFC 3261 §27.4 and extensions); used to find a method glued to log garbage. */
export const KNOWN_METHODS: readonly string[] = SIP_METHODS.map((d) => d.method);

function isSpTab(c: number | undefined): boolean {
  return c === 32 || c === 9;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function isToken(c: number | undefined): boolean {
  return c !== undefined && ((CHARS[c] as number) & C_TOKEN) !== 0;
}

/** Does `b[i, e)` start with `SIP/<digits>.<digits>` (case-insensitive "SIP")? Returns the index after it, or -1. */
function sipVersionAt(b: Uint8Array, i: number, e: number): number {
  if (e - i < 7) return -1;
  if (((b[i] as number) | 0x20) !== 0x73 || ((b[i + 1] as number) | 0x20) !== 0x69 || ((b[i + 2] as number) | 0x20) !== 0x70 || b[i + 3] !== 0x2f) {
    return -1;
  }
  let j = i + 4;
  const d0 = j;
  while (j < e && isDigit(b[j])) j++;
  if (j === d0 || b[j] !== 0x2e) return -1;
  j++;
  const d1 = j;
  while (j < e && isDigit(b[j])) j++;
  return j === d1 ? -1 : j;
}

/** Status-Line at `s` (the line is `b[s, e)` without its line end): `SIP/x.y SP digits [SP reason]`. */
export function isStatusLineAt(b: Uint8Array, s: number, e: number): boolean {
  let j = sipVersionAt(b, s, e);
  if (j < 0 || !isSpTab(b[j])) return false;
  while (j < e && isSpTab(b[j])) j++;
  const d = j;
  while (j < e && isDigit(b[j])) j++;
  return j > d && (j === e || isSpTab(b[j]) || b[j] === 13);
}

/**
 * Index where a Request-Line that ends the line `b[s, e)` begins, or -1. The line must end with `SIP/x.y` (trailing
 * SP/HTAB/CR allowed), preceded by whitespace, a Request-URI containing ":", whitespace and a method token. With
 * `anchored` the method must start at `s`; otherwise the method is found right before the URI (a known method glued
 * to log garbage such as `buf=INVITE` or `E..@.INVITE` is cut out).
 */
function requestLineStart(b: Uint8Array, s: number, e: number, anchored: boolean): number {
  let te = e;
  while (te > s && (isSpTab(b[te - 1]) || b[te - 1] === 13)) te--;
  // Walk back over "SIP/d.d".
  let j = te;
  while (j > s && isDigit(b[j - 1])) j--;
  if (j === te || b[j - 1] !== 0x2e) return -1;
  j--;
  const minor = j;
  while (j > s && isDigit(b[j - 1])) j--;
  if (j === minor || b[j - 1] !== 0x2f) return -1;
  j -= 4;
  if (j < s || sipVersionAt(b, j, te) !== te) return -1;
  const versionStart = j;
  if (!isSpTab(b[versionStart - 1])) return -1;
  if (anchored) {
    let i = s;
    while (i < versionStart && isToken(b[i])) i++;
    if (i === s || !isSpTab(b[i])) return -1;
    while (i < versionStart && isSpTab(b[i])) i++;
    // The Request-URI (possibly broken by whitespace) must contain a scheme colon.
    for (let k = i; k < versionStart; k++) if (b[k] === 0x3a) return s;
    return -1;
  }
  // Unanchored: the URI is the last non-space run before the version; the method the token run before it.
  let u = versionStart;
  while (u > s && isSpTab(b[u - 1])) u--;
  const uriEnd = u;
  while (u > s && !isSpTab(b[u - 1])) u--;
  const uriStart = u;
  if (uriStart === uriEnd) return -1;
  let hasColon = false;
  for (let k = uriStart; k < uriEnd; k++) {
    if (b[k] === 0x3a) {
      hasColon = true;
      break;
    }
  }
  if (!hasColon) return -1;
  let m = uriStart;
  while (m > s && isSpTab(b[m - 1])) m--;
  const methodEnd = m;
  if (methodEnd === uriStart) return -1;
  while (m > s && isToken(b[m - 1])) m--;
  if (m === methodEnd) return -1;
  // Prefer a known method that ends the token run (log garbage may be glued in front of it).
  for (let k = 0; k < KNOWN_METHODS.length; k++) {
    const name = KNOWN_METHODS[k] as string;
    const ms = methodEnd - name.length;
    if (ms < m) continue;
    let ok = true;
    for (let q = 0; q < name.length; q++) {
      if (b[ms + q] !== name.charCodeAt(q)) {
        ok = false;
        break;
      }
    }
    if (ok) return ms;
  }
  // Unknown method: start at its first letter (drop leading dots and digits of binary garbage).
  while (m < methodEnd && !((((b[m] as number) | 0x20) >= 0x61 && ((b[m] as number) | 0x20) <= 0x7a))) m++;
  return m < methodEnd ? m : -1;
}

/** True when the line `b[s, e)` (no line end) is a SIP start line beginning at column 0. */
export function isStartLine(b: Uint8Array, s: number, e: number): boolean {
  if (s >= e) return false;
  const c = b[s] as number;
  if ((c | 0x20) === 0x73 && isStatusLineAt(b, s, e)) return true;
  return requestLineStart(b, s, e, true) === s;
}

/**
 * Offset where a SIP start line begins inside the line `b[s, e)` (after a log prefix), or -1. A Status-Line may start
 * anywhere (`SIP/2.0 200 OK`); a Request-Line must end the line.
 */
export function findStartLine(b: Uint8Array, s: number, e: number): number {
  // Not isStartLine() first: log garbage made of token characters ("..2....INVITE") would pass as part of the method.
  let best = requestLineStart(b, s, e, false);
  // Status-Line: the first "SIP/" followed by version, SP and digits.
  for (let i = s; i + 7 <= e; i++) {
    if (best >= 0 && i >= best) break;
    if (b[i] === 0x53 && b[i + 1] === 0x49 && b[i + 2] === 0x50 && b[i + 3] === 0x2f && isStatusLineAt(b, i, e)) {
      best = i;
      break;
    }
  }
  return best;
}
