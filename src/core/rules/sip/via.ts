// Via rules: via-parm syntax (RFC 3261 §20.42, §25.1, RFC 3581) and the branch magic cookie (§8.1.1.7, §17.2.3).
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { rfcRef } from '../types';
import { isIpv6Problem, problemSeverity, r3261 } from '../util';
import { ipv6ParamProblem, viaUnbracketedIpv6 } from './uri';
import { parseIp } from '../../util/ip';

/** RFC 3261 §8.1.1.7: branch IDs of RFC 3261 transactions start with this cookie. */
export const BRANCH_COOKIE = 'z9hG4bK';

export const viaRule: Rule<MessageContext> = {
  id: 'sip/via',
  title: 'Malformed Via',
  description:
    'Each via-parm is "SIP/2.0/<transport> <host>[:<port>]" followed by ";name=value" parameters; "received" holds an ' +
    'IP address and "rport" a port. A Via that does not parse stops responses from being routed back: the client ' +
    'never sees the answer and retransmits until it times out.',
  defaultSeverity: 'error',
  scope: 'message',
  refs: [r3261('18.2.1'), r3261('20.42'), r3261('25.1'), rfcRef(3581, '3'), rfcRef(4475, '3.1.2.1')],
  check(ctx, report) {
    for (const f of ctx.viaFields) {
      const limit = f.field.valueSpan.end;
      const v6 = f.vias.map((v) => viaUnbracketedIpv6(ctx, v.sentBySpan.start, limit)).filter((s) => s !== undefined);
      for (const p of f.problems) {
        if (isIpv6Problem(p)) continue;
        if (p.code === 'sip/via-bad-port' && v6.some((s) => p.span.start >= s.start && p.span.start <= s.end)) continue;
        report({ span: p.span, message: `Via: ${p.message}`, severity: problemSeverity(p) });
      }
      for (const v of f.vias) {
        const rec = v.params.find((p) => p.name.toLowerCase() === 'received');
        if (rec !== undefined) {
          const val = rec.value ?? '';
          const bare = val.startsWith('[') && val.endsWith(']') ? val.slice(1, -1) : val;
          if (parseIp(bare) === undefined && ipv6ParamProblem(val) === undefined) {
            report({
              span: rec.span,
              message: `Via received="${val}" is not an IP address (RFC 3261 §20.42 via-received = IPv4address / IPv6address): responses cannot be routed by it`,
            });
          }
        }
      }
    }
  },
};

export const viaBranchRule: Rule<MessageContext> = {
  id: 'sip/via-branch',
  title: 'Top Via branch missing or without magic cookie',
  description:
    'The top Via of a request carries a branch that is unique per transaction and starts with "z9hG4bK". Without it, ' +
    'elements fall back to RFC 2543 transaction matching, which mismatches CANCELs, ACKs and retransmissions; a branch ' +
    'that is only the cookie identifies no transaction at all and may be rejected with 400.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.1.1.7'), r3261('17.2.3'), r3261('20.42'), rfcRef(4475, '3.2.1')],
  check(ctx, report) {
    if (ctx.msg.kind === 'invalid') return;
    const v = ctx.topVia;
    if (v === undefined) return;
    const b = v.params.find((p) => p.name.toLowerCase() === 'branch');
    if (b === undefined || b.value === undefined || b.value === '') {
      report({
        span: v.span,
        message: 'The top Via has no branch parameter: transactions are matched the RFC 2543 way, which breaks CANCEL/ACK matching (RFC 3261 §8.1.1.7)',
      });
      return;
    }
    if (b.value === BRANCH_COOKIE) {
      report({
        span: b.span,
        severity: 'error',
        message: 'The branch is only the magic cookie "z9hG4bK" and identifies no transaction; a server should reject it with 400 (RFC 4475 §3.2.1)',
      });
      return;
    }
    if (!b.value.startsWith(BRANCH_COOKIE)) {
      report({
        span: b.span,
        message: `branch "${b.value}" does not start with the magic cookie "z9hG4bK": peers treat the sender as RFC 2543 and match transactions the old way (RFC 3261 §8.1.1.7)`,
      });
    }
  },
};

export const VIA_RULES = [viaRule, viaBranchRule];
