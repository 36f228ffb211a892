// Capture NAT rule for SIP ALG fingerprints: the same message seen before and after a NAT with different bytes
// (which headers were rewritten), addresses rewritten in some places and not others (Via/Contact public, SDP still
// private), and a Content-Length no longer matching a rewritten body (RFC 4787 §7, RFC 3261 §18.3).
import type { Rule } from '../types';
import type { MessageFacts } from './facts';
import type { CaptureRuleContext } from './context';
import { label, who } from './context';
import { hostPort } from './addresses';
import { reportCall } from './signalling';
import { R3261_CL, R4787_ALG, R6314 } from './refs';

type CaptureRule = Rule<CaptureRuleContext>;

/** Two sightings of one message at different points (other addresses) within this many seconds. */
const PAIR_WINDOW_SEC = 2;

function changes(x: MessageFacts, y: MessageFacts): string[] {
  const out: string[] = [];
  const via = (m: MessageFacts) => (m.via !== undefined ? hostPort(m.via.host, m.via.port) + (m.via.received !== undefined ? `;received=${m.via.received}` : '') + (m.via.rport !== undefined ? `;rport=${m.via.rport}` : '') : '(none)');
  const contact = (m: MessageFacts) => (m.contacts[0] !== undefined ? hostPort(m.contacts[0].host, m.contacts[0].port) : '(none)');
  if (x.viaHash !== y.viaHash) out.push(via(x) !== via(y) ? `Via ${via(x)} -> ${via(y)}` : 'Via rewritten');
  if (x.contactHash !== y.contactHash) out.push(contact(x) !== contact(y) ? `Contact ${contact(x)} -> ${contact(y)}` : 'Contact rewritten');
  const cx = x.sdp?.connections.join(',') ?? '';
  const cy = y.sdp?.connections.join(',') ?? '';
  if (cx !== cy) out.push(`SDP c= ${cx || '(none)'} -> ${cy || '(none)'}`);
  const px = x.sdp?.media.map((m) => m.port).join(',') ?? '';
  const py = y.sdp?.media.map((m) => m.port).join(',') ?? '';
  if (px !== py) out.push(`SDP m= port ${px} -> ${py}`);
  if (x.contentLength !== y.contentLength) out.push(`Content-Length ${x.contentLength ?? '(none)'} -> ${y.contentLength ?? '(none)'}`);
  return out;
}

/** Content-Length that does not match the body of a datagram: body shorter than declared, or cut inside an SDP line. */
function brokenLength(m: MessageFacts): boolean {
  if (m.transport !== 'UDP' || m.sdp === undefined) return false;
  return m.truncated || m.sdp.cutMidLine;
}

export const sipAlgRule: CaptureRule = {
  id: 'nat/sip-alg',
  title: 'SIP ALG fingerprint',
  description:
    'A SIP ALG in a NAT rewrites addresses inside SIP messages, usually partially: the same message seen before and ' +
    'after the NAT differs in Via/Contact/SDP, some addresses carry the public address while others stay private, or ' +
    'the Content-Length no longer matches the rewritten body. Half-rewritten messages break NAT handling on the ' +
    'server (it sees no NAT, or the wrong one) and cause one-way audio, failed re-INVITEs and 400 responses; ' +
    'RFC 4787 §7 recommends that ALGs affecting UDP be off by default - disable "SIP ALG" on the router.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R4787_ALG, R6314, R3261_CL],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      // (1) The same message seen at two points with different bytes.
      let pairDone = false;
      for (const l of call.logical) {
        if (pairDone || l.msgs.length < 2) continue;
        for (let i = 0; i < l.msgs.length && !pairDone; i++) {
          for (let j = i + 1; j < l.msgs.length && !pairDone; j++) {
            const x = l.msgs[i]!;
            const y = l.msgs[j]!;
            if (Math.abs(y.time - x.time) > PAIR_WINDOW_SEC) continue;
            if (x.src === y.src && x.srcPort === y.srcPort && x.dst === y.dst && x.dstPort === y.dstPort) continue;
            if (x.digest === y.digest && x.length === y.length) continue;
            const ch = changes(x, y);
            if (ch.length === 0) continue;
            pairDone = true;
            const cl = brokenLength(x) !== brokenLength(y) ? '; the Content-Length no longer matches the rewritten body' : '';
            reportCall(
              report,
              call,
              [x, y],
              `${label(x)} (from ${hostPort(x.src, x.srcPort)}) and the same message after the NAT, ${label(y)} (from ${hostPort(y.src, y.srcPort)}), differ: ${ch.join('; ')}${cl}. Something on the path (a SIP ALG) rewrites SIP; a partial rewrite hides the NAT from the server and breaks media and in-dialog requests - disable the router's SIP ALG (RFC 4787 §7)`,
            );
          }
        }
      }
      // (2) One message, some addresses rewritten to the public source and others still private.
      for (const p of Object.values(a.parties)) {
        const msgs = [...p.requests, ...p.responses];
        const m = msgs.find((x) => {
          if (!ctx.addr.info(x.src).publicLike) return false;
          const addrs = [x.kind === 'request' ? x.via?.host : undefined, x.contacts[0]?.host, ...(x.sdp?.media.filter((mm) => mm.port !== 0).map((mm) => mm.address) ?? [])].filter((h): h is string => h !== undefined && h !== '');
          return addrs.some((h) => h === x.src) && addrs.some((h) => ctx.addr.info(h).unroutable);
        });
        if (m === undefined) continue;
        const rewritten: string[] = [];
        const kept: string[] = [];
        const put = (what: string, h: string | undefined) => {
          if (h === undefined || h === '') return;
          if (h === m.src) rewritten.push(`${what} ${h}`);
          else if (ctx.addr.info(h).unroutable) kept.push(`${what} ${h}`);
        };
        if (m.kind === 'request') put('Via', m.via?.host);
        put('Contact', m.contacts[0]?.host);
        for (const mm of m.sdp?.media ?? []) if (mm.port !== 0) put('SDP c=', mm.address);
        reportCall(
          report,
          call,
          [m],
          `${who(a, p.role)}'s ${label(m)} from ${m.src} carries the public source address in ${[...new Set(rewritten)].join(', ')} but still ${[...new Set(kept)].join(', ')}: a SIP ALG (or a half-configured STUN/external address) rewrote some addresses and not others; the private ones are unreachable (RFC 4787 §7, RFC 6314)`,
        );
      }
      // (3) Content-Length broken on a datagram from a translated source.
      for (const p of Object.values(a.parties)) {
        if (!p.behindNat) continue;
        // Only with a sign of rewriting in the same message (some address equals the public source): a Content-Length
        // error alone is a UA bug (sip/content-length), not an ALG.
        const rewrote = (x: MessageFacts) => x.via?.host === x.src || x.contacts.some((c) => c.host === x.src) || (x.sdp?.media.some((mm) => mm.address === x.src) ?? false);
        const m = [...p.requests, ...p.responses].find((x) => brokenLength(x) && ctx.addr.info(x.src).publicLike && rewrote(x));
        if (m === undefined) continue;
        reportCall(
          report,
          call,
          [m],
          `${label(m)} from ${p.name}'s NAT (${m.src}) declares Content-Length ${m.contentLength ?? '?'} but carries a body of another length${m.sdp?.cutMidLine === true ? ' (the SDP ends inside a line)' : ''}: typical of an ALG that rewrote addresses of another length without fixing Content-Length; the receiver truncates the SDP or rejects the message with 400 (RFC 3261 §18.3)`,
        );
      }
    }
  },
};

export const NAT_CAPTURE_ALG_RULES: CaptureRule[] = [sipAlgRule];
