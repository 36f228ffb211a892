// NAT rules on SIP signalling (declared addresses): private/CGNAT/link-local/loopback/ULA addresses in Via sent-by,
// Contact and Record-Route/Route/Path, a request without rport (RFC 3581 §3) and a response without received
// (RFC 3261 §18.2.1). Addresses in settings.trustedNetworks are not reported.
import type { SipUri } from '../../sip/types';
import type { Rule } from '../types';
import type { MessageContext } from '../context';
import { classifyHost, describeClass, isNonPublic } from '../context';
import { rfcRef } from '../types';
import { r3261 } from '../util';
import { fixAddRport } from '../fixes';

export const privateViaRule: Rule<MessageContext> = {
  id: 'nat/private-via',
  title: 'Private address in Via sent-by',
  description:
    'The top Via sent-by of a request is where responses go. A private, CGNAT, link-local, loopback or ULA address ' +
    'there means the sender is behind NAT: a server that answers to sent-by (no received/rport handling) sends the ' +
    'responses to an address it cannot reach, the client retransmits and the request times out. With rport the ' +
    'server answers to the packet source instead.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('18.2.2'), rfcRef(3581, '4'), rfcRef(1918, '3'), rfcRef(6598, '7')],
  check(ctx, report) {
    if (ctx.msg.kind !== 'request') return;
    const v = ctx.topVia;
    if (v === undefined) return;
    const c = classifyHost(v.host, ctx.settings);
    if (!isNonPublic(c.cls) || c.trusted) return;
    report({
      span: v.sentBySpan,
      severity: v.rportPresent ? 'info' : undefined,
      message: v.rportPresent
        ? `Via sent-by ${c.address} is ${describeClass(c.cls)}; the sender is behind NAT and relies on rport so responses go to the packet source (RFC 3581 §4)`
        : `Via sent-by ${c.address} is ${describeClass(c.cls)} and there is no rport: responses sent to sent-by cannot reach a NATed sender, so it retransmits and the request times out (RFC 3261 §18.2.2, RFC 3581)`,
    });
  },
};

const DATAGRAM = new Set(['UDP', 'DTLS']);

export const viaRportRule: Rule<MessageContext> = {
  id: 'nat/via-rport',
  title: 'Request without rport',
  description:
    'Over UDP a client behind NAT adds an empty "rport" to its top Via so the server answers to the source IP and ' +
    'port the packet came from (the NAT mapping). Without it responses go to the Via sent-by port and are lost behind ' +
    'NAT. The quick fix adds ";rport".',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [rfcRef(3581, '3'), rfcRef(3581, '4'), r3261('18.2.2')],
  check(ctx, report) {
    if (ctx.msg.kind !== 'request') return;
    const v = ctx.topVia;
    if (v === undefined || v.rportPresent || !DATAGRAM.has(v.transport)) return;
    const c = classifyHost(v.host, ctx.settings);
    const fix = fixAddRport(ctx);
    const fixes = fix !== undefined ? [fix] : undefined;
    const ephemeral = v.port !== undefined && !ctx.settings.sipPorts.includes(v.port);
    if (isNonPublic(c.cls) && !c.trusted) {
      report({
        span: v.span,
        message: `No rport in the top Via although sent-by ${c.address} is ${describeClass(c.cls)}: the server answers to ${c.address}:${v.port ?? 5060} instead of the NAT's public address and port, so responses are lost (RFC 3581 §3)`,
        fixes,
      });
    } else {
      report({
        span: v.span,
        severity: 'hint',
        message: `No rport in the top Via: if this client is behind NAT, responses go to sent-by port ${v.port ?? 5060}${ephemeral ? ' (not a configured SIP port)' : ''} rather than to the NAT mapping (RFC 3581 §3)`,
        fixes,
      });
    }
  },
};

export const responseReceivedRule: Rule<MessageContext> = {
  id: 'nat/response-received',
  title: 'Response Via without received',
  description:
    'A server must add "received=<source IP>" to the top Via when sent-by is a domain name or differs from the ' +
    'packet source, and fill in "rport=<source port>" when the client sent an empty rport. A response whose top Via ' +
    'has a private or domain sent-by but no received shows the server did not record where the request really came ' +
    'from: responses and later requests follow the unreachable address and get lost. (A server inside the same ' +
    'private network sees sent-by = source and rightly adds nothing: list that network in sipscope.nat.trustedNetworks.)',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('18.2.1'), rfcRef(3581, '4')],
  check(ctx, report) {
    if (ctx.msg.kind !== 'response') return;
    const v = ctx.topVia;
    if (v === undefined) return;
    if (v.rportPresent && v.rport === undefined) {
      const p = v.params.find((x) => x.name.toLowerCase() === 'rport');
      report({
        span: p?.span ?? v.span,
        message: 'The response has an empty rport: the server must fill in the source port it received the request from (RFC 3581 §4)',
      });
    }
    if (v.received !== undefined) return;
    const c = classifyHost(v.host, ctx.settings);
    if (c.trusted) return;
    if (isNonPublic(c.cls)) {
      report({
        span: v.sentBySpan,
        message: `The top Via sent-by ${c.address} is ${describeClass(c.cls)} but the response has no received=: the server did not record the real source address, so responses are sent to ${c.address} and lost behind NAT (RFC 3261 §18.2.1)`,
      });
    } else if (c.cls === 'domain') {
      report({
        span: v.sentBySpan,
        message: `The top Via sent-by is the domain name ${c.address} but the response has no received=: RFC 3261 §18.2.1 requires the server to add the packet source address`,
      });
    }
  },
};

/** The URI's host classified, unless it is a tel URI or has no host. */
function uriHost(ctx: MessageContext, u: SipUri | undefined): ReturnType<typeof classifyHost> | undefined {
  if (u === undefined || (u.scheme !== 'sip' && u.scheme !== 'sips') || u.host === '') return undefined;
  const c = classifyHost(u.host, ctx.settings);
  if (c.cls === 'domain' && /\.local\.?$/i.test(c.address)) return { ...c, cls: 'private' };
  return c;
}

export const privateContactRule: Rule<MessageContext> = {
  id: 'nat/private-contact',
  title: 'Private address in Contact',
  description:
    'Contact is where the peer sends later requests: in-dialog ACK, BYE and re-INVITE, or incoming calls to a ' +
    'registered phone. A private/CGNAT/link-local/loopback/ULA address there is unreachable from outside the NAT: ' +
    'calls that cannot be hung up, calls dropped after ~32 s because the ACK never arrives, or no incoming calls at ' +
    'all once the registrar has no NAT handling (RFC 5626 outbound, nathelper).',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('8.1.1.8'), r3261('12.1.1'), r3261('10.3'), rfcRef(5626, '4.2')],
  check(ctx, report) {
    const register = ctx.method === 'REGISTER';
    for (const f of ctx.nameAddrs('contact')) {
      for (const na of f.values) {
        const c = uriHost(ctx, na.uri);
        if (c === undefined || !isNonPublic(c.cls) || c.trusted || na.uri === undefined) continue;
        const outbound = na.uri.params.some((p) => p.name.toLowerCase() === 'ob') || na.params.some((p) => p.name.toLowerCase() === 'reg-id');
        const conseq = register
          ? 'incoming calls to this registration are sent to an address the registrar cannot reach'
          : 'in-dialog requests (ACK, BYE, re-INVITE) are sent to an address the peer cannot reach: one-sided hang-ups, or calls dropped after ~32 s when the ACK is lost';
        report({
          span: na.uri.hostSpan,
          severity: outbound ? 'info' : undefined,
          message: outbound
            ? `Contact host ${c.address} is ${describeClass(c.cls)}; the UA uses SIP Outbound (;ob / reg-id), so the registrar reaches it over the registration flow (RFC 5626)`
            : `Contact host ${c.address} is ${describeClass(c.cls)}: ${conseq} (RFC 3261 §12.1.1) — unless a NAT-aware proxy rewrites it`,
        });
      }
    }
  },
};

export const privateRouteRule: Rule<MessageContext> = {
  id: 'nat/private-route',
  title: 'Private address in Record-Route / Route / Path',
  description:
    'A proxy that Record-Routes (or a Path / Route entry) with a private address makes every later request of the ' +
    'dialog (ACK, BYE, re-INVITE) go to that address; peers outside the private network cannot reach it, so calls ' +
    'cannot be modified or ended. Multi-homed proxies must record the interface facing each side.',
  defaultSeverity: 'warning',
  scope: 'message',
  refs: [r3261('16.6'), r3261('20.30'), r3261('20.34'), rfcRef(3327, '4')],
  check(ctx, report) {
    for (const name of ['record-route', 'route', 'path']) {
      for (const f of ctx.nameAddrs(name)) {
        for (const na of f.values) {
          const c = uriHost(ctx, na.uri);
          if (c === undefined || !isNonPublic(c.cls) || c.trusted || na.uri === undefined) continue;
          report({
            span: na.uri.hostSpan,
            message: `${f.field.name} host ${c.address} is ${describeClass(c.cls)}: later requests of this dialog are routed there and cannot reach it from outside that network (RFC 3261 §16.6)`,
          });
        }
      }
    }
  },
};

export const NAT_SIGNALLING_RULES = [privateViaRule, viaRportRule, responseReceivedRule, privateContactRule, privateRouteRule];
