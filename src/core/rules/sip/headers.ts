// Header-section rules (RFC 3261 §7.3, §25.1): field syntax, duplicated single-valued fields, compact names, line ends
// and a body without Content-Type.
import type { SipHeaderField } from '../../sip/types';
import type { Fix, Rule } from '../types';
import type { MessageContext } from '../context';
import { rfcRef } from '../types';
import { headerDef } from '../../sip/parse-message';
import { problemSeverity, r3261 } from '../util';
import { fixExpandCompact, fixLineEndings } from '../fixes';

const HEADER_CODES: ReadonlySet<string> = new Set([
  'sip/header-missing-colon',
  'sip/empty-header-name',
  'sip/bad-header-name',
  'sip/continuation-without-header',
  'sip/nul-byte',
  'sip/control-char',
  'sip/bare-cr',
  'sip/invalid-utf8',
  'sip/missing-empty-line',
  'sip/internal-error',
]);

/** Is the byte at `i` the escaped character of a quoted-pair (`\` + any byte but CR/LF, RFC 3261 §25.1)? */
function inQuotedPair(b: Uint8Array, i: number): boolean {
  let k = i - 1;
  let slashes = 0;
  while (k >= 0 && b[k] === 0x5c) {
    slashes++;
    k--;
  }
  return slashes % 2 === 1;
}

/** Call-ID `word ["@" word]` characters (RFC 3261 §25.1). */
const CALLID_WORD = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+$/;

export const headerSyntaxRule: Rule<MessageContext> = {
  id: 'sip/header-syntax',
  title: 'Malformed header field',
  description:
    'Each header line is "name: value" with a token name; continuation lines start with whitespace; the header section ' +
    'ends with an empty line; NUL and other control bytes only appear escaped inside quoted strings. A receiver that ' +
    'cannot split the header section rejects the message (400) or mis-reads every following header.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.3'), r3261('7.3.1'), r3261('20.8'), r3261('25.1'), rfcRef(4475, '3.1.2.1')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) {
      if (!HEADER_CODES.has(p.code)) continue;
      if ((p.code === 'sip/nul-byte' || p.code === 'sip/control-char') && inQuotedPair(ctx.bytes, p.span.start)) continue;
      if (p.code === 'sip/missing-empty-line') {
        report({
          span: p.span,
          severity: 'warning',
          message: 'The header section does not end with an empty line (CRLF CRLF): over TCP the receiver waits for more bytes; over UDP the message is truncated (RFC 3261 §7)',
        });
        continue;
      }
      report({ span: p.span, message: p.message, severity: problemSeverity(p) });
    }
    for (const h of ctx.msg.headersNamed('warning')) {
      // warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT (RFC 3261 §20.43)
      for (const w of splitTopLevel(h.value)) {
        const m = /^(\S+)\s+(\S+)\s+("(?:[^"\\]|\\.)*")$/.exec(w.trim());
        if (!m) {
          report({ span: h.valueSpan, message: 'Warning must be "<3-digit code> <agent> "<text>"" (RFC 3261 §20.43)' });
        } else if (!/^\d{3}$/.test(m[1] as string)) {
          report({ span: h.valueSpan, message: `Warning code "${m[1]}" is not 3 digits (RFC 3261 §20.43, RFC 4475 §3.1.2.5)` });
        }
      }
    }
    for (const h of ctx.msg.headersNamed('call-id')) {
      const v = h.value.trim();
      if (v === '') {
        report({ span: h.lineSpan, message: 'Empty Call-ID: requests cannot be matched to a call or registration (RFC 3261 §20.8)' });
      } else if (/\s/.test(v)) {
        report({ span: h.valueSpan, message: 'Call-ID contains whitespace (RFC 3261 §25.1 callid = word ["@" word])' });
      } else {
        const parts = v.split('@');
        if (parts.length > 2 || parts.some((w) => !CALLID_WORD.test(w))) {
          report({
            span: h.valueSpan,
            severity: 'warning',
            message: 'Call-ID has characters outside "word [@ word]" (RFC 3261 §25.1); strict parsers reject it',
          });
        }
      }
    }
  },
};

/** Single-valued fields whose duplication makes the message ambiguous for routing or transaction matching. */
const CRITICAL_SINGLE: ReadonlySet<string> = new Set(['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length', 'content-type']);

export const duplicateHeaderRule: Rule<MessageContext> = {
  id: 'sip/duplicate-header',
  title: 'Single-valued header field repeated',
  description:
    'Call-ID, CSeq, From, To, Max-Forwards, Content-Length, Content-Type and other single-valued fields may appear only ' +
    'once. With two values the receiver cannot know which one applies (e.g. how long the body is) and should answer ' +
    '400 Bad Request; proxies may forward either value.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('7.3.1'), r3261('20'), rfcRef(4475, '3.3.8'), rfcRef(4475, '3.3.9')],
  check(ctx, report) {
    const seen = new Map<string, SipHeaderField>();
    for (const h of ctx.msg.headers) {
      const d = headerDef(h);
      if (d === undefined || !d.single) continue;
      const first = seen.get(d.canonical);
      if (first === undefined) {
        seen.set(d.canonical, h);
        continue;
      }
      const critical = CRITICAL_SINGLE.has(d.canonical);
      const differ = first.value.trim() !== h.value.trim();
      let why = `${d.display} is single-valued and appears again`;
      if (d.canonical === 'content-length' && differ) why += ` (${first.value.trim()} and ${h.value.trim()}): the body length is ambiguous`;
      else if (differ) why += ` with a different value ("${first.value.trim()}" / "${h.value.trim()}")`;
      report({
        span: h.lineSpan,
        // A repeated identical value is invalid but harmless for most stacks; differing values make the message ambiguous.
        severity: critical && differ ? 'error' : 'warning',
        message: `${why}; a receiver should answer 400 Bad Request (RFC 3261 §7.3.1, RFC 4475 §3.3.8)`,
      });
    }
  },
};

export const compactFormRule: Rule<MessageContext> = {
  id: 'sip/compact-form',
  title: 'Compact header name',
  description:
    'Compact names (v, f, t, i, m, l, c, k, s, e, ...) are valid and save bytes on UDP, but some tools, filters and ' +
    'people do not recognise them. The quick fix expands them to the full names.',
  defaultSeverity: 'hint',
  scope: 'message',
  refs: [r3261('7.3.3'), r3261('20')],
  check(ctx, report) {
    for (const h of ctx.msg.headers) {
      const d = headerDef(h);
      if (d === undefined || d.compact === undefined || h.name.toLowerCase() !== d.compact) continue;
      const fixes: Fix[] = [];
      const one = fixExpandCompact(ctx, h);
      if (one !== undefined) fixes.push(one);
      const all = fixExpandCompact(ctx);
      if (all !== undefined && all.edits.length > 1) fixes.push(all);
      report({ span: h.nameSpan, message: `"${h.name}" is the compact form of ${d.display} (RFC 3261 §7.3.3)`, fixes });
    }
  },
};

export const lineEndingsRule: Rule<MessageContext> = {
  id: 'sip/line-endings',
  title: 'Line ends are not CRLF',
  description:
    'SIP lines end with CRLF. Bare LF (common in pasted or edited traces) is accepted by lenient stacks but rejected by ' +
    'strict ones, and Content-Length counts the bytes actually sent. The quick fix converts the message to CRLF and ' +
    'updates Content-Length.',
  defaultSeverity: 'info',
  scope: 'message',
  refs: [r3261('7'), r3261('7.5'), r3261('25.1')],
  check(ctx, report) {
    if (ctx.origin.restoredCr) return;
    const le = ctx.msg.lineEnding;
    if (le === 'CRLF' || ctx.msg.kind === 'invalid') return;
    const fix = fixLineEndings(ctx);
    report({
      span: ctx.msg.startLine,
      message:
        le === 'LF'
          ? 'Lines end with bare LF; RFC 3261 §7 requires CRLF and strict parsers reject the message'
          : 'Line ends mix CRLF and bare LF; RFC 3261 §7 requires CRLF',
      fixes: fix !== undefined ? [fix] : undefined,
    });
  },
};

export const missingContentTypeRule: Rule<MessageContext> = {
  id: 'sip/missing-content-type',
  title: 'Body without Content-Type',
  description:
    'A non-empty body must be described by Content-Type. Without it the receiver cannot tell SDP from anything else: ' +
    'it ignores the offer (no media) or answers 415 Unsupported Media Type.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('7.4.1'), r3261('20.15')],
  check(ctx, report) {
    if (ctx.msg.kind === 'invalid' || ctx.msg.header('content-type') !== undefined) return;
    const body = ctx.bodySpan;
    for (let i = body.start; i < body.end; i++) {
      const c = ctx.bytes[i];
      if (c !== 32 && c !== 9 && c !== 13 && c !== 10) {
        report({ span: { start: body.start, end: Math.min(body.end, body.start + 1) }, message: 'The message has a body but no Content-Type (RFC 3261 §20.15)' });
        return;
      }
    }
  },
};

/** Split a list value on commas outside quoted strings. */
function splitTopLevel(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c === '"') q = !q;
    else if (c === '\\' && q && i + 1 < v.length) {
      cur += c + (v[i + 1] as string);
      i++;
      continue;
    }
    if (c === ',' && !q) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.filter((x) => x.trim() !== '');
}

export const HEADER_RULES = [headerSyntaxRule, duplicateHeaderRule, compactFormRule, lineEndingsRule, missingContentTypeRule];
