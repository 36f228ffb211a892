// Capture NAT rules on media: private SDP c= carried over public signalling (nat_uac_test 8), observed RTP source
// vs SDP, RTP sent to unreachable addresses (with ICMP evidence), one-way / no audio per call (who cannot hear whom,
// and why), media relays rewriting c=, and symmetric-RTP latching (RFC 4961, RFC 7362).
import type { Rule } from '../types';
import type { MessageFacts } from './facts';
import type { CaptureRuleContext, CallAnalysis, MediaFlow, PartyAnalysis, Role, SdpGroup } from './context';
import { frameList, label, other, who } from './context';
import { hostPort, sameLocalNetwork } from './addresses';
import { reportCall } from './signalling';
import { NAT_UAC_TEST, R3264_OFFER, R4443_UNREACH, R4961, R7362, R792, R8866_C } from './refs';

type CaptureRule = Rule<CaptureRuleContext>;

const hex = (ssrc: number) => `0x${(ssrc >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

/** Unreachable c= addresses of the active media of an SDP (port 0 and the RFC 2543 hold address 0.0.0.0 skipped). */
function unroutableMedia(ctx: CaptureRuleContext, g: SdpGroup): { address: string; port: number; media: string }[] {
  const out: { address: string; port: number; media: string }[] = [];
  for (const m of g.sdp.media) {
    if (m.port === 0 || m.address === '') continue;
    if (ctx.addr.info(m.address).unroutable) out.push({ address: m.address, port: m.port, media: m.media });
  }
  return out;
}

/** A flow from `from` to `to` whose destination is the observed (translated) source of to's own RTP: latching. */
function latchingFlow(a: CallAnalysis, to: Role): { flow: MediaFlow; frame: number; dst: string } | undefined {
  for (const back of a.flows) {
    if (back.sender !== to) continue;
    for (const s of back.sightings) {
      if (!s.translated) continue;
      for (const f of a.flows) {
        if (f.sender !== other(to)) continue;
        const hit = f.sightings.find((x) => x.stream.dst === s.stream.src && x.stream.dstPort === s.stream.srcPort);
        if (hit !== undefined) return { flow: f, frame: hit.stream.firstFrame, dst: hostPort(hit.stream.dst, hit.stream.dstPort) };
      }
    }
  }
  return undefined;
}

function sdpWord(g: SdpGroup): string {
  return g.inRequest ? 'offer' : 'answer';
}

export const sdpPrivatePublicRule: CaptureRule = {
  id: 'nat/sdp-private-public-source',
  title: 'Private SDP address carried over public signalling',
  description:
    'An SDP whose c= is a private (or CGNAT, ULA...) address travelling over the public Internet (nathelper ' +
    'nat_uac_test 8, seen from a public source) tells the peer to send RTP to an address it cannot reach: the author ' +
    'hears nothing unless a media relay rewrites the SDP, the peer latches onto the observed RTP source (symmetric ' +
    'RTP, RFC 4961 / RFC 7362), or ICE provides a reachable candidate. NAT-fixing the signalling alone (Contact, ' +
    'rport) does not fix media.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R8866_C, R3264_OFFER, R4961, R7362, NAT_UAC_TEST],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const p of Object.values(a.parties)) {
        for (const g of p.sdps) {
          const bad = unroutableMedia(ctx, g);
          if (bad.length === 0) continue;
          const seen = g.msgs.filter((m) => !m.sameHost);
          const pub = seen.find((m) => ctx.addr.info(m.src).publicLike) ?? seen.find((m) => ctx.addr.info(m.dst).publicLike);
          if (pub === undefined) continue;
          const first = bad[0]!;
          const peer = a.parties[other(p.role)];
          const peerSdp = ctx.sdpOf(peer, g.msgs[0]!.frame);
          // Reachable ICE candidates help only when the peer does ICE too (its SDP has ICE attributes, RFC 8839);
          // without an answer yet, give ICE the benefit of the doubt.
          const iceNote = g.sdp.media.some((m) => m.reachableCandidates) ? (peerSdp === undefined || peerSdp.sdp.ice ? undefined : `; its srflx/relay ICE candidates do not help: ${peer.name}'s SDP has no ICE, so ICE is not used and c= applies`) : '';
          if (iceNote === undefined) continue;
          const peerAddr = peerSdp?.sdp.media.find((m) => m.port !== 0)?.address;
          const sameLan = peerAddr !== undefined && ctx.addr.info(peerAddr).unroutable && sameLocalNetwork(peerAddr, first.address);
          const latch = latchingFlow(a, p.role);
          const path = ctx.addr.info(pub.src).publicLike ? `while the signalling comes from public ${pub.src} (${label(pub)})` : `while it is sent to public ${pub.dst} (${label(pub)})`;
          const relayed = g.msgs.find((m) => m !== g.msgs[0] && (m.kind === 'request' ? m.viaCount > g.msgs[0]!.viaCount : m.viaCount < g.msgs[0]!.viaCount));
          const fixed = p.contactFixed !== undefined && relayed !== undefined ? `; a proxy fixed ${p.name}'s Contact (${label(p.contactFixed.msg)}) but relayed this SDP unchanged (${label(relayed)}): signalling NAT traversal without a media relay` : relayed !== undefined ? `; relayed unchanged (${label(relayed)})` : '';
          const base = `${who(a, p.role)}'s SDP ${sdpWord(g)} (${label(g.msgs[0]!)}) gives c=${first.address} m=${first.media} ${first.port} (${ctx.addr.classLabel(first.address)}) ${path}`;
          if (sameLan) {
            reportCall(report, call, g.msgs, `${base}; ${peer.name}'s SDP is in the same private network (${peerAddr}), so media works only if both are on that LAN (RFC 8866 §5.7)`, { severity: 'info' });
            continue;
          }
          if (latch !== undefined) {
            reportCall(report, call, [...g.msgs], `${base}; ${peer.name} ignores it and latches onto ${p.name}'s observed RTP source ${latch.dst} (f${latch.frame}, symmetric RTP, RFC 4961 / RFC 7362), so media still flows${fixed}`, {
              severity: 'info',
              frames: [latch.frame],
            });
            continue;
          }
          reportCall(
            report,
            call,
            g.msgs,
            `${base}${iceNote}: ${peer.name} will send RTP to ${hostPort(first.address, first.port)}, which is unreachable from the Internet, so ${p.name} will not hear ${peer.name} - unless a media relay rewrites the SDP or ${peer.name} latches onto ${p.name}'s observed RTP source (symmetric RTP, RFC 4961)${fixed}`,
          );
        }
      }
    }
  },
};

export const rtpSourceRule: CaptureRule = {
  id: 'nat/rtp-source-mismatch',
  title: 'RTP source differs from the SDP address',
  description:
    'The RTP a party sends arrives from another address or port than the one its SDP declares (c=/m=): its NAT ' +
    'translated the media flow. A peer that sends to the SDP address instead of the observed source (symmetric RTP, ' +
    'RFC 4961; latching, RFC 7362; comedia) is not heard by that party: one-way audio.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R4961, R7362, R8866_C],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const f of a.flows) {
        const s = f.sightings.find((x) => x.translated);
        const d = f.senderDecl;
        if (s === undefined || d === undefined) continue;
        const pre = f.sightings.find((x) => !x.translated && x.stream.src === d.address && x.stream.srcPort === d.port);
        const sender = a.parties[f.sender].name;
        const receiver = a.parties[f.receiver].name;
        const latch = latchingFlow(a, f.sender);
        const what =
          s.stream.src !== d.address && s.stream.srcPort !== d.port ? 'its NAT translated address and port' : s.stream.src !== d.address ? 'its NAT translated the address' : 'its NAT translated the port';
        const tail =
          latch !== undefined
            ? `${receiver} latches onto the observed source (f${latch.frame}), so its media reaches ${sender}`
            : `${receiver} must send to the observed source (symmetric RTP, RFC 4961; comedia / latching, RFC 7362) - sending to the SDP address, ${sender} does not hear ${receiver}`;
        reportCall(
          report,
          call,
          [d.msg],
          `${who(a, f.sender)}'s RTP (SSRC ${hex(f.ssrc)}) comes from ${hostPort(s.stream.src, s.stream.srcPort)} (f${s.stream.firstFrame}) but its SDP (${d.msg !== undefined ? label(d.msg) : 'SDP'}) says ${hostPort(d.address, d.port)}${pre !== undefined ? ` (seen before NAT at f${pre.stream.firstFrame})` : ''}: ${what}. ${tail}`,
          { severity: latch !== undefined ? 'info' : undefined, frames: [s.stream.firstFrame, ...(pre !== undefined ? [pre.stream.firstFrame] : []), ...(latch !== undefined ? [latch.frame] : [])] },
        );
      }
    }
  },
};

export const rtpUnreachableRule: CaptureRule = {
  id: 'nat/rtp-unreachable',
  title: 'RTP sent to an unreachable address',
  description:
    'RTP sent to a private / ULA / CGNAT address from the public side (or bounced with ICMP destination unreachable, ' +
    'RFC 792 / RFC 4443 §3.1) never reaches the other party: it hears nothing. The destination is the peer\'s SDP ' +
    'address, written behind NAT without STUN, ICE or a media relay fixing it.',
  defaultSeverity: 'error',
  scope: 'capture',
  refs: [R8866_C, R792, R4443_UNREACH, R4961],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const f of a.flows) {
        const bad = f.sightings.filter((x) => x.unreachable);
        if (bad.length === 0) continue;
        const s = bad[0]!.stream;
        const icmp = bad.flatMap((x) => x.icmp);
        const d = f.receiverDecl;
        const reason =
          icmp.length > 0
            ? `ICMP ${icmp[0]!.kind.replace('-', ' ')} from ${icmp[0]!.reporter} (${frameList(icmp.map((e) => e.frame), 4)})`
            : `a ${ctx.addr.classLabel(s.dst)} address is not routed on the Internet`;
        const sender = a.parties[f.sender].name;
        const receiver = a.parties[f.receiver].name;
        reportCall(
          report,
          call,
          [d?.msg],
          `${who(a, f.sender)}'s RTP (SSRC ${hex(f.ssrc)}, ${s.packets} packets from f${s.firstFrame}) is sent from ${hostPort(s.src, s.srcPort)} to ${hostPort(s.dst, s.dstPort)}${d !== undefined && d.msg !== undefined && d.address === s.dst ? ` - ${receiver}'s SDP address (${label(d.msg)})` : ''} - ${reason}: it never reaches ${receiver}, who cannot hear ${sender}`,
          { frames: [s.firstFrame, ...icmp.map((e) => e.frame).slice(0, 8)] },
        );
      }
    }
  },
};

type DirStatus = { kind: 'ok' | 'unreachable' | 'missing' | 'not-expected'; flows: MediaFlow[] };

function sendsTo(g: SdpGroup | undefined, send: boolean): boolean {
  const m = g?.sdp.media.find((x) => x.port !== 0);
  if (m === undefined) return false;
  return send ? m.direction === 'sendrecv' || m.direction === 'sendonly' : m.direction === 'sendrecv' || m.direction === 'recvonly';
}

/** How media from `from` to its peer fared in this call. */
function direction(a: CallAnalysis, from: Role): DirStatus {
  const to = other(from);
  const flows = a.flows.filter((f) => f.sender === from);
  if (flows.length > 0) {
    if (flows.every((f) => f.sightings.some((s) => s.unreachable))) return { kind: 'unreachable', flows };
    return { kind: 'ok', flows };
  }
  // Expected per the first offer/answer (later hold re-INVITEs legitimately stop a direction).
  const fs = a.parties[from].sdps[0];
  const ts = a.parties[to].sdps[0];
  if (!sendsTo(fs, true) || !sendsTo(ts, false)) return { kind: 'not-expected', flows };
  // Only when the capture shows RTP of this call at all (the other direction), absence means loss.
  if (!a.flows.some((f) => f.sender === to)) return { kind: 'not-expected', flows };
  return { kind: 'missing', flows };
}

/** Why media towards party `to` cannot arrive (its SDP, its NAT), for messages. */
function causeTowards(ctx: CaptureRuleContext, to: PartyAnalysis): { text: string; msgs: (MessageFacts | undefined)[] } | undefined {
  const g = to.sdps[0];
  const m = g?.sdp.media.find((x) => x.port !== 0);
  if (g === undefined || m === undefined) return undefined;
  const info = ctx.addr.info(m.address);
  if (!info.unroutable && !to.behindNat) return undefined;
  const bits = [`${to.name}'s SDP c=${m.address} is ${ctx.addr.classLabel(m.address)}`];
  if (to.behindNat && to.natIp !== undefined) bits.push(`${to.name} is behind NAT (${to.natIp})`);
  return { text: bits.join(' and '), msgs: g.msgs.slice(0, 2) };
}

export const oneWayAudioRule: CaptureRule = {
  id: 'nat/one-way-audio',
  title: 'One-way or no audio caused by NAT',
  description:
    'Per answered call: for each direction, whether the RTP that should flow reaches the other party. RTP sent to ' +
    'an unreachable (private) SDP address, bounced by ICMP, or never seen while the other direction flows, means ' +
    'one party cannot hear the other - the classic NAT symptom of private SDP without a media relay or symmetric RTP.',
  defaultSeverity: 'error',
  scope: 'capture',
  refs: [R8866_C, R4961, R7362, R792],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      if (!a.answered || call.method !== 'INVITE') continue;
      const dirs: Record<Role, DirStatus> = { caller: direction(a, 'caller'), callee: direction(a, 'callee') };
      const texts: string[] = [];
      const msgs: (MessageFacts | undefined)[] = [];
      const frames: number[] = [];
      const bad: Role[] = [];
      for (const from of ['caller', 'callee'] as const) {
        const d = dirs[from];
        const to = other(from);
        const S = a.parties[from].name;
        const R = a.parties[to].name;
        if (d.kind === 'unreachable') {
          const f = d.flows[0]!;
          const s = f.sightings.find((x) => x.unreachable)!;
          const icmp = d.flows.flatMap((x) => x.sightings.flatMap((y) => y.icmp));
          const cause = causeTowards(ctx, a.parties[to]);
          texts.push(
            `${R} cannot hear ${S}: RTP from ${S} goes to ${hostPort(s.stream.dst, s.stream.dstPort)} and never arrives${icmp.length > 0 ? ` (ICMP ${icmp[0]!.kind.replace('-', ' ')}: ${frameList(icmp.map((e) => e.frame), 3)})` : ''}${cause !== undefined ? ` - ${cause.text}` : ''}`,
          );
          frames.push(s.stream.firstFrame, ...icmp.map((e) => e.frame).slice(0, 4));
          msgs.push(...(cause?.msgs ?? []));
          bad.push(from);
        } else if (d.kind === 'missing') {
          const cause = causeTowards(ctx, a.parties[to]);
          if (cause === undefined) continue; // not a NAT symptom (muted phone, media server...)
          texts.push(`${R} cannot hear ${S}: no RTP from ${S} reached ${R} while ${R}'s RTP flows - ${cause.text}`);
          msgs.push(...cause.msgs);
          bad.push(from);
        }
      }
      if (bad.length === 0) continue;
      for (const f of a.flows) frames.push(f.firstFrame);
      let head: string;
      if (bad.length === 2) head = 'No audio either way';
      else {
        const okFrom = other(bad[0]!);
        const okFlow = dirs[okFrom].flows[0];
        const okNote =
          okFlow !== undefined
            ? `; ${a.parties[okFrom].name}'s RTP does reach ${a.parties[other(okFrom)].name}${okFlow.sightings.some((s) => s.translated) ? ` from the NAT-translated ${hostPort(okFlow.sightings.find((s) => s.translated)!.stream.src, okFlow.sightings.find((s) => s.translated)!.stream.srcPort)}, so symmetric RTP (latching) at ${a.parties[bad[0]!].name} would fix the other direction` : ''}`
            : '';
        texts.push(okNote.slice(2));
        head = `One-way audio (${a.parties[other(bad[0]!)].name} hears nothing)`;
      }
      reportCall(report, call, msgs, `${head}: ${texts.filter(Boolean).join('; ')}`, { frames });
    }
  },
};

export const mediaRelayRule: CaptureRule = {
  id: 'nat/media-relay',
  title: 'Media relay or SDP rewrite detected',
  description:
    'The same session description (same o= session and version) appears with another c= address further along ' +
    'the path: a proxy or SBC rewrote it - to the NAT\'s public address (nathelper fix_nated_sdp, or a SIP ALG), or ' +
    'to a media relay (RTP proxy) that is neither party. Informational: it explains where RTP goes.',
  defaultSeverity: 'info',
  scope: 'capture',
  refs: [R7362, R8866_C, R3264_OFFER],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const p of Object.values(a.parties)) {
        const byId = new Map<string, SdpGroup[]>();
        for (const g of p.sdps) {
          if (g.sdp.sessionId === '') continue;
          const k = `${g.sdp.originUser}|${g.sdp.sessionId}|${g.sdp.version}`;
          byId.set(k, [...(byId.get(k) ?? []), g]);
        }
        for (const gs of byId.values()) {
          if (gs.length < 2) continue;
          const orig = gs[0]!;
          const from = orig.sdp.media.find((m) => m.port !== 0)?.address ?? '';
          for (const g of gs.slice(1)) {
            const to = g.sdp.media.find((m) => m.port !== 0)?.address ?? '';
            if (to === '' || to === from) continue;
            const known = new Set<string>([from, p.natIp ?? '', ...p.requests.map((m) => m.src), ...(p.viaMsg?.via ? [p.viaMsg.via.host] : [])]);
            const relayStreams = a.flows.flatMap((f) => f.sightings).filter((s) => s.stream.src === to || s.stream.dst === to);
            const what =
              to === p.natIp
                ? `rewritten to ${p.name}'s NAT address ${to} by a proxy (fix_nated_sdp) or the NAT's SIP ALG`
                : known.has(to)
                  ? `rewritten to ${to}`
                  : `rewritten to ${to}, an address that is neither party: a media relay (RTP proxy / SBC) anchors the media${relayStreams.length > 0 ? ` and RTP flows through it (f${relayStreams[0]!.stream.firstFrame})` : ''}`;
            reportCall(report, call, [orig.msgs[0], g.msgs[0]], `${who(a, p.role)}'s SDP ${sdpWord(orig)} says c=${from} (${label(orig.msgs[0]!)}) but the same session version arrives with c=${to} (${label(g.msgs[0]!)}): ${what}`, {
              frames: relayStreams.slice(0, 2).map((s) => s.stream.firstFrame),
            });
          }
        }
      }
    }
  },
};

export const rtpLatchingRule: CaptureRule = {
  id: 'nat/rtp-latching',
  title: 'Symmetric RTP latching observed',
  description:
    'A party (often an SBC or media server) sends its RTP to the address and port the other party\'s RTP comes ' +
    'from, not to that party\'s SDP address: symmetric RTP / latching (RFC 4961, RFC 7362). This is what makes media ' +
    'work through a NAT that translated the SDP-declared address. Informational.',
  defaultSeverity: 'info',
  scope: 'capture',
  refs: [R4961, R7362],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const to of ['caller', 'callee'] as const) {
        const l = latchingFlow(a, to);
        if (l === undefined) continue;
        const decl = l.flow.receiverDecl;
        reportCall(
          report,
          call,
          [decl?.msg],
          `${who(a, other(to))} sends RTP to ${a.parties[to].name}'s observed source ${l.dst} (f${l.frame}) instead of the SDP address${decl !== undefined ? ` ${hostPort(decl.address, decl.port)}` : ''}: symmetric RTP / latching (RFC 4961, RFC 7362), which lets media reach ${a.parties[to].name} through its NAT`,
          { frames: [l.frame] },
        );
      }
    }
  },
};

export const NAT_CAPTURE_MEDIA_RULES: CaptureRule[] = [sdpPrivatePublicRule, rtpSourceRule, rtpUnreachableRule, oneWayAudioRule, mediaRelayRule, rtpLatchingRule];
