// Mandatory headers and dialog identification: required fields (RFC 3261 §8.1.1, §8.2.6.2, §20), Contact for dialogs
// (§8.1.1.8, §12.1), From tag (§8.1.1.3) and To tag (§8.2.6.2, §12.2.1.1).
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { DIALOG_CREATING, IN_DIALOG_ONLY, r3261 } from '../util';

const REQUIRED_REQUEST = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['via', 'Via'],
] as const;
const REQUIRED_RESPONSE = [
  ['via', 'Via'],
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
] as const;

export const requiredHeadersRule: Rule<MessageContext> = {
  id: 'sip/required-headers',
  title: 'Mandatory header field missing',
  description:
    'Every request needs To, From, CSeq, Call-ID, Max-Forwards and Via; every response copies Via, From, To, Call-ID ' +
    'and CSeq from its request. Without them transactions and dialogs cannot be matched: a UAS answers 400 Bad ' +
    'Request and a response without them is dropped by the client (Max-Forwards is checked by sip/max-forwards).',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('8.1.1'), r3261('8.2.6.2'), r3261('20'), { rfc: 4475, section: '3.3.1', url: 'https://www.rfc-editor.org/rfc/rfc4475#section-3.3.1' }],
  check(ctx, report) {
    const msg = ctx.msg;
    if (msg.kind === 'invalid') return;
    const list = msg.kind === 'request' ? REQUIRED_REQUEST : REQUIRED_RESPONSE;
    const missing = list.filter(([c]) => msg.header(c) === undefined).map(([, d]) => d);
    if (missing.length === 0) return;
    const what = msg.kind === 'request' ? 'request' : 'response';
    const conseq =
      msg.kind === 'request'
        ? 'the request cannot be matched to a transaction or dialog; a UAS answers 400 Bad Request (RFC 3261 §8.1.1, §8.2.2)'
        : 'the client cannot match the response to its transaction and drops it (RFC 3261 §8.2.6.2, §17.1.3)';
    report({
      span: msg.startLine,
      message: `The ${what} has no ${missing.join(', ')} header field${missing.length > 1 ? 's' : ''}: ${conseq}`,
    });
  },
};

export const contactRule: Rule<MessageContext> = {
  id: 'sip/contact',
  title: 'Contact missing or wrong for a dialog',
  description:
    'A request that can establish a dialog (INVITE, SUBSCRIBE, REFER) and its 2xx answer must carry exactly one SIP ' +
    'URI in Contact: it is the remote target for every later request of the dialog (ACK, BYE, re-INVITE). Without it ' +
    'the peer cannot reach this side, so the call cannot be ended or modified. "Contact: *" is only valid in a ' +
    'REGISTER with Expires: 0.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.1.1.8'), r3261('10.2.2'), r3261('12.1.1'), r3261('13.3.1.4')],
  check(ctx, report) {
    const msg = ctx.msg;
    if (msg.kind === 'invalid') return;
    const method = ctx.method;
    const contacts = ctx.nameAddrs('contact');
    const values = contacts.flatMap((f) => f.values);
    for (const f of contacts) {
      for (const v of f.values) {
        if (!v.star) continue;
        const expires = msg.header('expires')?.value.trim();
        if (msg.kind !== 'request' || msg.method !== 'REGISTER' || expires !== '0' || values.length > 1) {
          report({ span: v.span, severity: 'error', message: '"Contact: *" is only allowed alone in a REGISTER with Expires: 0 (remove all bindings, RFC 3261 §10.2.2)' });
        }
      }
    }
    if (method === undefined || !DIALOG_CREATING.has(method) || method === 'NOTIFY') return;
    // Requests of these methods are dialog-creating or target refreshes (RFC 3261 §12.2.1.1); so are their 2xx answers.
    const creates = msg.kind === 'request' ? true : msg.statusCode !== undefined && msg.statusCode >= 200 && msg.statusCode < 300;
    if (!creates) return;
    if (values.length === 0) {
      report({
        span: msg.startLine,
        message:
          msg.kind === 'request'
            ? `${method} without Contact: the callee has no remote target for ACK, BYE or re-INVITE, so the dialog cannot be used (RFC 3261 §8.1.1.8)`
            : `2xx to ${method} without Contact: the caller cannot send ACK and BYE to the callee (RFC 3261 §12.1.1, §13.3.1.4)`,
      });
    } else if (values.length > 1) {
      report({
        span: values[1]?.span ?? msg.startLine,
        message: `A dialog-creating ${msg.kind} must carry exactly one Contact URI, this one has ${values.length} (RFC 3261 §8.1.1.8)`,
      });
    }
  },
};

export const fromTagRule: Rule<MessageContext> = {
  id: 'sip/from-tag',
  title: 'Request From without tag',
  description:
    'A UAC adds a random tag to From in every request outside a dialog and keeps it inside. The From tag is half of ' +
    'the dialog identifier: without it the answer cannot be tied to this caller, which RFC 2543 peers tolerate but ' +
    'RFC 3261 dialog matching does not.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.1.1.3'), r3261('12.1.1'), r3261('19.3')],
  check(ctx, report) {
    if (ctx.msg.kind !== 'request') return;
    const f = ctx.nameAddrs('from')[0];
    const v = f?.values[0];
    if (f === undefined || v === undefined || v.tag !== undefined) return;
    report({ span: f.field.lineSpan, message: 'From has no tag: the dialog cannot be identified (RFC 3261 §8.1.1.3 requires a tag in every request)' });
  },
};

export const toTagRule: Rule<MessageContext> = {
  id: 'sip/to-tag',
  title: 'To tag missing',
  description:
    'Every response except 100 Trying carries a To tag chosen by the UAS, and requests that only exist inside a dialog ' +
    '(BYE, ACK, PRACK, UPDATE, INFO) carry the peer\'s tag in To. Without it the dialog cannot be matched: a ' +
    '2xx without To tag cannot be acknowledged reliably and an in-dialog request is answered 481 Call/Transaction ' +
    'Does Not Exist.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.2.6.2'), r3261('12.1.1'), r3261('12.2.1.1'), r3261('12.2.2')],
  check(ctx, report) {
    const msg = ctx.msg;
    const t = ctx.nameAddrs('to')[0];
    const v = t?.values[0];
    if (t === undefined || v === undefined || v.tag !== undefined) return;
    if (msg.kind === 'response') {
      const code = msg.statusCode ?? 0;
      if (code === 100 || code < 100) return;
      const method = ctx.method ?? '';
      const dialogResponse = code < 300 && DIALOG_CREATING.has(method);
      report({
        span: t.field.lineSpan,
        severity: dialogResponse ? 'error' : 'warning',
        message: dialogResponse
          ? `${code} response to ${method} without To tag: the dialog has no remote tag, so ACK/BYE cannot be matched (RFC 3261 §8.2.6.2, §12.1.1)`
          : `${code} response without To tag: RFC 3261 §8.2.6.2 requires the UAS to add one (only 100 Trying may omit it)`,
      });
    } else if (msg.kind === 'request' && msg.method !== undefined && IN_DIALOG_ONLY.has(msg.method)) {
      report({
        span: t.field.lineSpan,
        message: `${msg.method} is sent inside a dialog but To has no tag: the UAS answers 481 Call/Transaction Does Not Exist (RFC 3261 §12.2.1.1)`,
      });
    }
  },
};

export const DIALOG_RULES = [requiredHeadersRule, contactRule, fromTagRule, toTagRule];
