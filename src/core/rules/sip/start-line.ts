// Start-line rules (RFC 3261 §7.1 Request-Line, §7.2 Status-Line): syntax, SIP-Version, status codes and methods.
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { problemSeverity, r3261, REGISTERED_METHODS, REGISTERED_STATUS } from '../util';
import { rfcRef } from '../types';
import { encodeUtf8 } from '../../text/decode';

const START_LINE_CODES: ReadonlySet<string> = new Set(['sip/bad-start-line', 'sip/start-line-whitespace', 'sip/missing-reason-phrase', 'sip/empty-message']);

/** Status-Line whose code is digits but not exactly three (`SIP/2.0 4294967301 ...`, RFC 4475 §3.1.2.19). */
function oddStatusCode(ctx: MessageContext): { text: string; start: number; end: number } | undefined {
  const sl = ctx.msg.startLine;
  const line = ctx.text(sl);
  const m = /^SIP\/\d+\.\d+[ \t]+(\d+)(?=[ \t]|$)/i.exec(line);
  if (!m || (m[1] as string).length === 3) return undefined;
  const start = sl.start + line.indexOf(m[1] as string, m[0].length - (m[1] as string).length);
  return { text: m[1] as string, start, end: start + (m[1] as string).length };
}

export const startLineRule: Rule<MessageContext> = {
  id: 'sip/start-line',
  title: 'Malformed start line',
  description:
    'The Request-Line must be "Method SP Request-URI SP SIP-Version" and the Status-Line "SIP-Version SP Status-Code SP ' +
    'Reason-Phrase", with single spaces and nothing after the version. A proxy or UAS that cannot read the start line ' +
    'drops the message or answers 400 Bad Request, so the call or registration never starts.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.1'), r3261('7.2'), r3261('25.1'), rfcRef(4475, '3.1.2.9')],
  check(ctx, report) {
    const odd = oddStatusCode(ctx);
    for (const p of ctx.parseProblems) {
      if (!START_LINE_CODES.has(p.code)) continue;
      if (odd !== undefined && p.code === 'sip/bad-start-line') continue; // sip/status-code names it
      report({ span: p.span, message: p.message, severity: problemSeverity(p) });
    }
  },
};

export const sipVersionRule: Rule<MessageContext> = {
  id: 'sip/sip-version',
  title: 'SIP version other than SIP/2.0',
  description:
    'Every SIP/2.0 element expects "SIP/2.0" in the start line and in each Via sent-protocol. A message with another ' +
    'version is answered 505 Version Not Supported (or dropped), so the request fails.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.1'), r3261('8.2.2'), r3261('21.5.7'), rfcRef(4475, '3.1.2.16')],
  check(ctx, report) {
    const msg = ctx.msg;
    if (msg.kind !== 'invalid' && msg.version.toUpperCase() !== 'SIP/2.0') {
      const line = ctx.text(msg.startLine);
      const i = line.toUpperCase().indexOf(msg.version.toUpperCase());
      const span = i >= 0 ? { start: msg.startLine.start + i, end: msg.startLine.start + i + msg.version.length } : msg.startLine;
      report({
        span,
        message: `SIP-Version "${msg.version}" is not SIP/2.0: the receiver answers 505 Version Not Supported (RFC 3261 §21.5.7)`,
      });
    }
    for (const f of ctx.viaFields) {
      for (const v of f.vias) {
        if (v.protocol.replace(/\s+/g, '').toUpperCase() !== 'SIP/2.0') {
          report({
            span: { start: v.span.start, end: v.sentBySpan.start > v.span.start ? v.sentBySpan.start : v.span.end },
            message: `Via sent-protocol "${v.protocol}/${v.transport}" is not SIP/2.0/<transport> (RFC 3261 §20.42)`,
          });
        }
      }
    }
  },
};

export const statusCodeRule: Rule<MessageContext> = {
  id: 'sip/status-code',
  title: 'Status code out of range',
  description:
    'A Status-Code is exactly three digits from 100 to 699. A response with another code cannot be matched to a ' +
    'response class, so the client transaction cannot complete and the request times out.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.2'), r3261('21'), rfcRef(4475, '3.1.2.19')],
  check(ctx, report) {
    const odd = oddStatusCode(ctx);
    if (odd !== undefined) {
      report({
        span: { start: odd.start, end: odd.end },
        message: `Status-Code "${odd.text}" is not 3 digits (RFC 3261 §7.2: Status-Code = 3DIGIT, 100-699)`,
      });
      return;
    }
    for (const p of ctx.parseProblems) if (p.code === 'sip/bad-status-code') report({ span: p.span, message: p.message });
  },
};

export const unknownStatusCodeRule: Rule<MessageContext> = {
  id: 'sip/unknown-status-code',
  title: 'Unregistered status code',
  description:
    'The status code is in range but not registered with IANA. Receivers that do not know it treat it as the x00 ' +
    'code of its class (e.g. 499 as 400), which may not be what the sender meant.',
  defaultSeverity: 'info',
  scope: 'message',
  refs: [r3261('8.1.3.2'), r3261('21'), { title: 'IANA SIP Response Codes', url: 'https://www.iana.org/assignments/sip-parameters/sip-parameters.xhtml#sip-parameters-7' }],
  check(ctx, report) {
    const c = ctx.msg.statusCode;
    if (ctx.msg.kind !== 'response' || c === undefined || c < 100 || c > 699 || REGISTERED_STATUS.has(c)) return;
    const cls = Math.floor(c / 100) * 100;
    report({
      span: ctx.msg.startLine,
      message: `Status code ${c} is not registered; a receiver that does not know it treats it as ${cls} (RFC 3261 §8.1.3.2)`,
    });
  },
};

export const unknownMethodRule: Rule<MessageContext> = {
  id: 'sip/unknown-method',
  title: 'Unregistered method',
  description:
    'The request method is not one of the registered SIP methods (method names are case-sensitive). A UAS that does ' +
    'not implement it answers 405 Method Not Allowed or 501 Not Implemented.',
  defaultSeverity: 'info',
  scope: 'message',
  refs: [r3261('7.1'), r3261('8.2.1'), r3261('27.4')],
  check(ctx, report) {
    const m = ctx.msg.method;
    if (ctx.msg.kind !== 'request' || m === undefined || REGISTERED_METHODS.has(m)) return;
    const upper = m.toUpperCase();
    const span = { start: ctx.msg.startLine.start, end: ctx.msg.startLine.start + encodeUtf8(m).length };
    if (REGISTERED_METHODS.has(upper)) {
      report({ span, severity: 'warning', message: `Method "${m}" is not ${upper}: method names are case-sensitive, so a UAS answers 405/501 (RFC 3261 §7.1)` });
    } else {
      report({ span, message: `"${m}" is not a registered SIP method; a UAS that does not support it answers 405 Method Not Allowed (RFC 3261 §8.2.1)` });
    }
  },
};

export const START_LINE_RULES = [startLineRule, sipVersionRule, statusCodeRule, unknownStatusCodeRule, unknownMethodRule];
