// Per-call NAT verdict: one line saying who is behind NAT, what the servers fixed (rport, Contact), what failed in
// signalling, and which media direction never arrived and why - built from the call analysis and its findings.
import type { CallVerdict, Finding } from '../types';
import type { CallFacts } from './facts';
import type { CaptureRuleContext, CallAnalysis, PartyAnalysis, Role } from './context';
import { other } from './context';
import { flat } from './signalling';

function roleWord(a: CallAnalysis, r: Role): string {
  if (a.call.method === 'INVITE') return r;
  return r === 'caller' ? `${a.parties.caller.name}` : `${a.parties.callee.name}`;
}

function partySummary(ctx: CaptureRuleContext, a: CallAnalysis, p: PartyAnalysis): string | undefined {
  if (!p.behindNat) return undefined;
  const bits = [`${roleWord(a, p.role)} behind NAT${p.natIp !== undefined ? ` (${p.natIp}${p.portTranslated ? ', ports translated' : ''})` : ''}`];
  if (p.viaMsg !== undefined) {
    if (p.rportRequested) bits.push('rport');
    else bits.push(p.rportForced !== undefined ? 'no rport, proxy forced rport' : 'no rport');
  }
  if (p.contactFixed !== undefined) bits.push(p.contactFixed.how === 'registrar' ? 'registrar stored the NAT address' : 'proxy fixed Contact');
  else if (p.contact !== undefined && ctx.addr.info(p.contact.host).unroutable) bits.push('private Contact not fixed');
  return bits.join(', ');
}

/** Why media towards `to` fails, in verdict words: `SDP c= 192.168.1.10 is private`. */
function mediaCause(ctx: CaptureRuleContext, a: CallAnalysis, to: Role): string {
  const m = a.parties[to].sdps[0]?.sdp.media.find((x) => x.port !== 0);
  if (m === undefined) return 'unreachable';
  const cls = ctx.addr.classLabel(m.address).split(',')[0]!;
  return `SDP c= ${m.address} is ${cls}`;
}

/** Build the verdict of one call from its analysis and findings; undefined when there is nothing to say. */
export function callVerdict(ctx: CaptureRuleContext, call: CallFacts, findings: readonly Finding[]): CallVerdict | undefined {
  const a = ctx.analysis(call);
  const has = (id: string) => findings.some((f) => f.ruleId === id);
  const parts: string[] = [];
  for (const r of ['caller', 'callee'] as const) {
    const s = partySummary(ctx, a, a.parties[r]);
    if (s !== undefined) parts.push(s);
  }
  if (has('nat/response-via-port')) parts.push('replies sent to the Via port were lost');
  if (has('nat/response-rport-ignored')) parts.push('replies ignored rport and were lost');
  if (has('nat/transaction-incomplete')) parts.push(`${call.method} never completed`);
  if (has('nat/proxy-private-address')) parts.push('proxy advertises a private address');
  if (has('nat/sip-alg')) parts.push('SIP ALG rewrote messages');
  if (has('nat/registration-keepalive')) parts.push('NAT binding left idle longer than a UDP timeout');
  const oneWay = findings.find((f) => f.ruleId === 'nat/one-way-audio');
  if (oneWay !== undefined) {
    for (const from of ['caller', 'callee'] as const) {
      const to = other(from);
      const flows = a.flows.filter((f) => f.sender === from);
      const unreachable = flows.length > 0 && flows.every((f) => f.sightings.some((s) => s.unreachable));
      const missing = flows.length === 0 && oneWay.message.includes(`cannot hear ${a.parties[from].name}`);
      if (unreachable || missing) parts.push(`RTP from ${roleWord(a, from)} never reached ${roleWord(a, to)}: ${mediaCause(ctx, a, to)}`);
    }
  } else if (has('nat/sdp-private-public-source') && findings.some((f) => f.ruleId === 'nat/sdp-private-public-source' && f.severity !== 'info')) {
    parts.push('private SDP over public signalling (no media relay)');
  }
  if (has('nat/rtp-latching')) parts.push('media latched (symmetric RTP)');
  if (has('nat/media-relay')) parts.push('SDP rewritten by a proxy / media relay');
  if (parts.length === 0) {
    if (findings.length === 0) return undefined;
    parts.push(findings[0]!.message.split(':')[0]!);
  }
  const frames = [...new Set(findings.flatMap((f) => f.frames ?? []))].sort((x, y) => x - y);
  return { callIndex: call.index, callId: call.callId, summary: flat(parts.join('; ')), findings: [...findings], frames };
}
