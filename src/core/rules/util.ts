// Small helpers shared by rule files: RFC references, turning parser problems into findings, header lookups.
import type { ParseProblem } from '../text/span';
import type { Report, RuleRef, RuleSeverity } from './types';
import { rfcRef } from './types';

/** RFC 3261 section reference. */
export const r3261 = (section: string): RuleRef => rfcRef(3261, section);
/** RFC 8866 (SDP) section reference. */
export const r8866 = (section: string): RuleRef => rfcRef(8866, section);

/** A parser problem's severity as a rule severity. */
export function problemSeverity(p: ParseProblem): RuleSeverity {
  return p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warning' : 'info';
}

/** Report every problem accepted by `accept`, keeping its span, message and severity. */
export function reportProblems(problems: readonly ParseProblem[], report: Report, accept: (p: ParseProblem) => boolean, prefix = ''): void {
  for (const p of problems) {
    if (!accept(p)) continue;
    report({ span: p.span, message: prefix + p.message, severity: problemSeverity(p) });
  }
}

/** URI problems (RFC 3261 §19.1, RFC 3966) as opposed to problems of the surrounding header syntax. */
export function isUriProblem(p: ParseProblem): boolean {
  return p.code.startsWith('sip/uri-') || p.code.startsWith('sip/tel-');
}

/** IPv6 reference problems (RFC 5118), handled by sip/ipv6-reference. */
export function isIpv6Problem(p: ParseProblem): boolean {
  return p.code === 'sip/uri-bad-ipv6' || (p.code === 'sip/via-bad-host' && /IPv6/.test(p.message));
}

export { REGISTERED_METHODS } from '../sip/methods';

/** Methods that can create a dialog (RFC 3261 §12.1, RFC 6665 §4.1, RFC 3515). */
export const DIALOG_CREATING: ReadonlySet<string> = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);

/**
 * Requests that are only ever sent inside a dialog, so their To carries the peer's tag (RFC 3261 §12.2.1.1).
 * NOTIFY is left out: unsolicited NOTIFYs (e.g. message-summary without a subscription) are common in practice.
 */
export const IN_DIALOG_ONLY: ReadonlySet<string> = new Set(['BYE', 'ACK', 'PRACK', 'UPDATE', 'INFO']);

/** Response codes registered with IANA (RFC 3261 §21 and extensions). */
export const REGISTERED_STATUS: ReadonlySet<number> = new Set([
  100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 412, 413, 414, 415,
  416, 417, 420, 421, 422, 423, 424, 425, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488,
  489, 491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606, 607, 608,
]);

/** Line-end sequence used by a message (`\r\n` unless its header section uses bare LF). */
export function eolOf(lineEnding: 'CRLF' | 'LF' | 'mixed'): string {
  return lineEnding === 'LF' ? '\n' : '\r\n';
}
