// Capture NAT rules on signalling: declared Via/Contact vs the observed packet source (nat_uac_test 2/16/32/64),
// port translation, responses not returned to the NAT mapping (RFC 3581 §4, RFC 3261 §18.2.2), transactions that
// never complete, missing received (RFC 3261 §18.2.1), NAT bindings left idle (RFC 5626 §3.5) and proxies that
// advertise a private address while reached on a public one.
import type { Report, Rule } from '../types';
import type { CallFacts, LogicalMessage, MessageFacts } from './facts';
import type { CaptureRuleContext, CallAnalysis, Observation, PartyAnalysis, Translation } from './context';
import { framesOf, frameList, label, sightingsOf, who, UDP_BINDING_TIMEOUT_SEC } from './context';
import { defaultSipPort, hostPort, isStreamTransport } from './addresses';
import {
  NAT_UAC_TEST,
  NATHELPER_FIX_CONTACT,
  R3261_CONTACT,
  R3261_INVITE_CLIENT,
  R3261_NON_INVITE_CLIENT,
  R3261_RECEIVED,
  R3261_RECORD_ROUTE,
  R3261_RESPONSES,
  R3581_CLIENT,
  R3581_SERVER,
  R4443_UNREACH,
  R4787_MAPPING,
  R4787_REFRESH,
  R4961,
  R5626_CRLF,
  R5626_STUN,
  R6314,
  R792,
} from './refs';

type CaptureRule = Rule<CaptureRuleContext>;

/** Report a capture finding with its evidence: frames, message ids, call. */
export function reportCall(report: Report, call: CallFacts, msgs: readonly (MessageFacts | undefined)[], message: string, extra: { severity?: 'error' | 'warning' | 'info' | 'hint'; frames?: number[] } = {}): void {
  const frames = [...new Set([...framesOf(msgs, 24), ...(extra.frames ?? [])])].sort((a, b) => a - b);
  const ids = [...new Set(msgs.filter((m) => m !== undefined).map((m) => m!.id))].sort((a, b) => a - b);
  report({ message: flat(message), frames, messageIds: ids, callIndex: call.index, callId: call.callId, severity: extra.severity });
}

/**
 * The string as one flat sequence: template literals build rope (cons) strings of many pieces, and a capture with
 * 100 000 findings would keep millions of rope nodes alive for the garbage collector to trace. Number() reads every
 * character, which makes V8 flatten the rope in place.
 */
export function flat(s: string): string {
  void Number(s);
  return s;
}

function trText(tr: Translation, portChanged: boolean): string {
  if (tr === 'port') return 'port translated';
  if (tr === 'public') return 'a different public address';
  return portChanged ? 'address and port translated' : 'address translated, port kept';
}

/** `arrived from 203.0.113.2:40213 (address and port translated)` / `was seen by the server as ... (..., 200 OK f4: received=...)`. */
function obsText(o: Observation, tr: string): string {
  if (o.how === 'source') return `arrived from ${hostPort(o.ip, o.port)} (${tr})`;
  const v = o.msg.via;
  const parts = [v?.received !== undefined ? `received=${v.received}` : '', v?.rport !== undefined ? `rport=${v.rport}` : ''].filter(Boolean).join(';');
  return `was seen by the server as ${hostPort(o.ip, o.port)} (${tr}; ${label(o.msg)}: ${parts})`;
}

/** Responses to the party's requests that went back to the translated source port (the NAT mapping). */
function repliedToMapping(ctx: CaptureRuleContext, call: CallFacts, p: PartyAnalysis): MessageFacts | undefined {
  for (const q of p.requests) {
    if (q.via === undefined || ctx.translation(q.via.host, q.via.port, q.via.transport, q.src, q.srcPort) === 'none') continue;
    for (const r of ctx.responsesTo(call, q)) if (r.dst === q.src && r.dstPort === q.srcPort) return r;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ via / contact

export const viaSourceRule: CaptureRule = {
  id: 'nat/via-source-mismatch',
  title: 'Via sent-by differs from the packet source',
  description:
    'The top Via sent-by of a request says where the client wants responses; the packet source (or the received/rport ' +
    'a server wrote back) says where it really is. A private sent-by arriving from a public address means the client ' +
    'is behind NAT (nathelper nat_uac_test 2 and 16). With rport (RFC 3581) or a server that forces it, responses go ' +
    'back to the NAT mapping; without, servers answer to the Via address and port (RFC 3261 §18.2.2) and the responses ' +
    'are lost behind the NAT, so requests time out.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R3261_RECEIVED, R3581_SERVER, R3581_CLIENT, NAT_UAC_TEST],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const p of Object.values(a.parties)) {
        const reqObs = p.viaObs.filter((x) => x.what === 'via');
        // Prefer what the capture itself shows (the packet source) over what a server wrote back (received/rport).
        const main =
          reqObs.find((x) => x.obs.how === 'source' && (x.tr === 'nat' || x.tr === 'port')) ??
          reqObs.find((x) => x.tr === 'nat' || x.tr === 'port') ??
          reqObs.find((x) => x.tr === 'public');
        if (main === undefined) continue;
        const o = main.obs;
        const req = main.declMsg;
        const v = req.via!;
        const viaPort = main.declPort;
        const portChanged = o.port !== undefined && !isStreamTransport(v.transport) && o.port !== viaPort;
        const evidence: (MessageFacts | undefined)[] = [...sightingsOf(call, req), o.msg, p.receivedMsg];
        const whoP = who(a, p.role);
        const declared = `Via ${hostPort(v.host, viaPort)}`;
        if (main.tr === 'public') {
          reportCall(
            report,
            call,
            evidence,
            `${whoP}: ${label(req)} declares ${declared} but ${obsText(o, trText(main.tr, portChanged))}: a 1:1 NAT, a multi-homed host or a load balancer; responses follow received/rport, not the Via (RFC 3261 §18.2.1)`,
            { severity: 'info' },
          );
          continue;
        }
        const forcedBy = p.rportForced;
        const toMapping = repliedToMapping(ctx, call, p);
        let tail: string;
        let severity: 'warning' | 'info' = 'info';
        if (v.rportPresent || p.rportRequested) tail = 'It asked for rport, so responses go back to the NAT mapping (RFC 3581 §4).';
        else if (forcedBy !== undefined) {
          tail = `It did not ask for rport, but the server forced it (${label(forcedBy)}: rport=${forcedBy.via?.rport}), so responses reach the NAT mapping; a server that follows only RFC 3261 §18.2.2 would answer to port ${viaPort} and lose them.`;
          evidence.push(forcedBy);
        } else if (toMapping !== undefined) {
          tail = `It did not ask for rport; the server answered to the source port anyway (${label(toMapping)}).`;
          evidence.push(toMapping);
        } else {
          severity = 'warning';
          const to = hostPort(v.received ?? p.natIp ?? o.ip, viaPort);
          tail = `It did not ask for rport (RFC 3581 §3), so servers answer to ${to} (RFC 3261 §18.2.2), which the NAT does not map: responses are lost and the request times out.`;
        }
        reportCall(report, call, evidence, `${whoP} is behind NAT: ${label(req)} declares ${declared} (${ctx.addr.classLabel(v.host)}) but ${obsText(o, trText(main.tr, portChanged))}. ${tail}`, { severity });
      }
    }
  },
};

export const contactSourceRule: CaptureRule = {
  id: 'nat/contact-source-mismatch',
  title: 'Contact differs from the packet source',
  description:
    'Contact is where the peer (or the registrar, for incoming calls) sends later requests. When it names a private ' +
    'address while the UA is seen from a public one (nathelper nat_uac_test 32 and 64), those requests cannot reach ' +
    'the UA unless a NAT-aware proxy rewrote the Contact (fix_nated_contact) or the registrar stored the source ' +
    '(fix_nated_register, RFC 5626 Outbound): otherwise no incoming calls, and calls dropped after ~32 s because the ' +
    'ACK or BYE never arrives.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R3261_CONTACT, NAT_UAC_TEST, NATHELPER_FIX_CONTACT, R6314],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const p of Object.values(a.parties)) {
        // The party's registration binding / dialog targets, each compared with its own message's path.
        let cm: MessageFacts | undefined;
        let found: ReturnType<CaptureRuleContext['contactObservation']>;
        for (const m of [...p.requests, ...p.responses]) {
          if (!isBindingMessage(m)) continue;
          const c0 = m.contacts[0]!;
          const info = ctx.addr.info(c0.host);
          if (info.cls === 'domain' || info.trusted) continue;
          const f = ctx.contactObservation(call, m);
          if (f === undefined) continue;
          if (found === undefined || (found.tr === 'public' && f.tr !== 'public')) {
            cm = m;
            found = f;
          }
          if (found.tr !== 'public') break;
        }
        if (cm === undefined || found === undefined) continue;
        const c = cm.contacts[0]!;
        const cHost = ctx.addr.info(c.host);
        const transport = c.transport ?? cm.transport;
        const cPort = c.port ?? defaultSipPort(transport, c.scheme);
        const whoP = who(a, p.role);
        const evidence: (MessageFacts | undefined)[] = [...sightingsOf(call, cm), found.msg];
        const register = cm.method === 'REGISTER' || cm.cseqMethod === 'REGISTER';
        const decl = `Contact ${hostPort(c.host, cPort)}`;
        const seen = `${whoP} is reached at ${hostPort(found.ip, found.port)}`;
        if (found.tr === 'public') {
          reportCall(report, call, evidence, `${label(cm)} declares ${decl} but ${seen} (another public address): a 1:1 NAT or multi-homed host; requests sent to the Contact take another path than the signalling (RFC 3261 §12.1.1)`, { severity: 'info' });
          continue;
        }
        if (c.outbound) {
          reportCall(report, call, evidence, `${label(cm)} declares ${decl} while ${seen}; the UA uses SIP Outbound (;ob / reg-id), so requests reach it over its registration flow (RFC 5626)`, { severity: 'info' });
          continue;
        }
        const fix = ctx.findContactFix(call, p, found.ip);
        if (fix !== undefined) {
          evidence.push(fix.msg);
          const rcv = fix.msg.contacts.find((x) => x.received !== undefined)?.received;
          const how =
            fix.how === 'registrar'
              ? `the registrar stored the NAT address (${label(fix.msg)}: ${rcv !== undefined ? `received="${rcv}"` : 'Contact rewritten'}, fix_nated_register)`
              : `a proxy rewrote it to ${hostPort(fix.msg.contacts[0]!.host, fix.msg.contacts[0]!.port)} (${label(fix.msg)}, fix_nated_contact)`;
          reportCall(report, call, evidence, `${label(cm)} declares ${decl} (${cHost.unroutable ? 'unreachable from outside' : 'not the NAT mapping'}) but ${seen}; ${how}, so later requests reach the NAT mapping - as long as it stays open`, { severity: 'info' });
          continue;
        }
        const conseq = register
          ? `incoming calls to ${p.name} are sent to ${hostPort(c.host, cPort)} and never arrive`
          : `in-dialog requests from the peer (ACK, BYE, re-INVITE) go to ${hostPort(c.host, cPort)} and are lost: calls drop after ~32 s when the ACK never arrives, or cannot be hung up`;
        // A fix is visible only beyond the first hop: the forwarded request / relayed response, or for REGISTER a
        // registrar 2xx that echoes the NAT address. Many registrars store the source silently (Asterisk
        // force_rport/comedia), so with a NAT-aware server (it filled rport) an unfixed-looking Contact is a hint.
        const nextHopSeen = !register && call.msgs.some((m) => m.kind === cm!.kind && m.cseqSeq === cm!.cseqSeq && m.cseqMethod === cm!.cseqMethod && m.viaCount !== cm!.viaCount);
        const natAware = p.rportForced !== undefined || p.viaObs.some((x) => x.obs.how === 'received' && x.obs.port !== undefined) || repliedToMapping(ctx, call, p) !== undefined;
        if (nextHopSeen) {
          reportCall(report, call, evidence, `${label(cm)} declares ${decl} but ${seen} and the proxy relayed it unchanged: ${conseq} (RFC 3261 §12.1.1)`);
        } else {
          reportCall(
            report,
            call,
            evidence,
            `${label(cm)} declares ${decl} but ${seen}; ${register ? 'the registrar\'s answer does not show that it stored the NAT address' : 'this capture does not show the next hop'}${natAware ? ', though the server handles NAT for responses (rport)' : ''}: unless a server rewrites it (fix_nated_contact / fix_nated_register, or a registrar storing the source), ${conseq} (RFC 3261 §12.1.1)`,
            { severity: natAware ? 'info' : undefined },
          );
        }
      }
    }
  },
};

/** Registration bindings and dialog targets (RFC 3261 §10.3, §12.1.1) - not the Contact of an OPTIONS answer. */
function isBindingMessage(m: MessageFacts): boolean {
  if (m.contacts.length === 0) return false;
  const method = m.kind === 'request' ? m.method : m.cseqMethod;
  if (method === 'REGISTER') return m.kind === 'request';
  return method === 'INVITE' || method === 'SUBSCRIBE' || method === 'REFER';
}

export const symmetricNatRule: CaptureRule = {
  id: 'nat/symmetric-nat',
  title: 'NAT translates ports (symmetric-NAT hint)',
  description:
    'The source port seen outside differs from the port the UA declared (Via/Contact for signalling, SDP m= for ' +
    'RTP): the NAT assigns its own ports, as port-restricted and symmetric (address-and-port-dependent mapping) NATs ' +
    'do. Only the observed ports reach the UA: signalling needs rport (RFC 3581) and media needs symmetric RTP / ' +
    'latching (RFC 4961, RFC 7362); forwarding the declared ports on the NAT cannot work.',
  defaultSeverity: 'info',
  scope: 'capture',
  refs: [R4787_MAPPING, R3581_SERVER, R4961, NAT_UAC_TEST],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const p of Object.values(a.parties)) {
        const parts: string[] = [];
        const evidence: (MessageFacts | undefined)[] = [];
        const frames: number[] = [];
        const transport = (x: { declMsg: MessageFacts }) => x.declMsg.via?.transport ?? x.declMsg.transport;
        const sig = p.viaObs.find((x) => x.obs.port !== undefined && (x.tr === 'nat' || x.tr === 'port') && x.obs.port !== x.declPort && !isStreamTransport(transport(x)));
        if (sig !== undefined) {
          parts.push(`signalling ${sig.declPort} -> ${sig.obs.port} (${label(sig.obs.msg)})`);
          // The response whose rport shows the translated port is evidence too (lab 01: f4, rport=40956 ≠ 5060).
          const shows = p.viaObs.find((x) => x.obs.how === 'received' && x.obs.port !== undefined && x.obs.port !== x.declPort);
          evidence.push(sig.declMsg, sig.obs.msg, shows?.obs.msg);
        }
        for (const f of a.flows) {
          if (f.sender !== p.role || f.senderDecl === undefined) continue;
          const s = f.sightings.find((x) => x.translated && x.stream.srcPort !== f.senderDecl!.port);
          if (s === undefined) continue;
          parts.push(`RTP ${f.senderDecl.port} -> ${s.stream.srcPort} (f${s.stream.firstFrame})`);
          frames.push(s.stream.firstFrame);
          evidence.push(f.senderDecl.msg);
          break;
        }
        if (parts.length === 0) continue;
        reportCall(
          report,
          call,
          evidence,
          `${who(a, p.role)}'s NAT translates ports: ${parts.join(', ')}. The NAT picks its own ports (port-translating, possibly symmetric - address-and-port-dependent mapping, RFC 4787 §4.1): only the observed ports reach ${p.name}, so replies must use rport (RFC 3581) and media must be sent to the observed source (symmetric RTP, RFC 4961); port forwarding of the declared ports cannot work`,
          { frames },
        );
      }
    }
  },
};

// ------------------------------------------------------------------------------------------------ responses

interface Misdirected {
  req: MessageFacts;
  resp: MessageFacts;
  icmpFrames: number[];
  icmpKind: string | undefined;
}

/** Responses of request group `l` sent by the server it reached but not back to any source the request came from. */
function misdirectedResponses(ctx: CaptureRuleContext, call: CallFacts, l: LogicalMessage): Misdirected[] {
  const q0 = l.msgs[0]!;
  if (q0.kind !== 'request' || q0.method === 'ACK' || q0.via === undefined || isStreamTransport(q0.transport)) return [];
  const sources = new Set<string>();
  const servers = new Set<string>();
  for (const q of l.msgs) {
    if (q.sameHost) continue;
    sources.add(`${q.src}|${q.srcPort}`);
    servers.add(`${q.dst}|${q.dstPort}`);
  }
  const out: Misdirected[] = [];
  for (const r of ctx.responsesTo(call, q0)) {
    if (r.sameHost || isStreamTransport(r.transport) || !servers.has(`${r.src}|${r.srcPort}`)) continue;
    if (sources.has(`${r.dst}|${r.dstPort}`)) continue;
    // The request copy this response answers: same address (the NAT's), else the last one before it.
    const req = l.msgs.find((q) => q.src === r.dst && q.time <= r.time) ?? [...l.msgs].reverse().find((q) => q.time <= r.time) ?? q0;
    const icmp = ctx.icmpFor(r.src, r.srcPort, r.dst, r.dstPort).filter((e) => e.time >= r.time - 0.001 && e.time <= r.time + 5);
    out.push({ req, resp: r, icmpFrames: icmp.map((e) => e.frame), icmpKind: icmp[0]?.kind });
  }
  return out;
}

function icmpText(frames: number[], kind: string | undefined): string {
  if (frames.length === 0) return '';
  return ` (ICMP ${(kind ?? 'unreachable').replace('-', ' ')}: ${frameList(frames, 4)})`;
}

export const responseRportRule: CaptureRule = {
  id: 'nat/response-rport-ignored',
  title: 'Response not sent back to the source port although rport was requested',
  description:
    'A client that puts an empty rport in its Via asks the server to send the response to the source IP address and ' +
    'port the request came from (RFC 3581 §4) - the only address a NAT maps back to the client. A response sent ' +
    'anywhere else is dropped by the NAT: the client retransmits and the transaction times out.',
  defaultSeverity: 'error',
  scope: 'capture',
  refs: [R3581_SERVER, R3261_RESPONSES],
  check(ctx, report) {
    for (const call of ctx.calls) {
      for (const l of call.logical) {
        const q0 = l.msgs[0]!;
        if (q0.via?.rportPresent !== true) continue;
        const bad = misdirectedResponses(ctx, call, l);
        if (bad.length === 0) continue;
        const first = bad[0]!;
        const frames = bad.flatMap((b) => b.icmpFrames);
        reportCall(
          report,
          call,
          [first.req, ...bad.map((b) => b.resp)],
          `${label(first.req)} came from ${hostPort(first.req.src, first.req.srcPort)} with rport, but ${label(first.resp)} was sent to ${hostPort(first.resp.dst, first.resp.dstPort)}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}${icmpText(frames, first.icmpKind)}: the NAT only maps the source port back, so the response is lost and the client retransmits until the transaction times out (RFC 3581 §4)`,
          { frames },
        );
      }
    }
  },
};

export const responseViaPortRule: CaptureRule = {
  id: 'nat/response-via-port',
  title: 'Response sent to the Via port instead of the source port',
  description:
    'Without rport, a server sends the response to the received address and the Via sent-by port (RFC 3261 ' +
    '§18.2.2). Behind a port-translating NAT that port is not mapped: the NAT drops the response (often with ICMP ' +
    'port unreachable), the client retransmits and the transaction never completes. Fix: the client adds rport ' +
    '(RFC 3581 §3) or the server forces it (Kamailio force_rport()).',
  defaultSeverity: 'error',
  scope: 'capture',
  refs: [R3261_RESPONSES, R3581_CLIENT, R3581_SERVER, R792, R4443_UNREACH],
  check(ctx, report) {
    for (const call of ctx.calls) {
      for (const l of call.logical) {
        const q0 = l.msgs[0]!;
        const v = q0.via;
        if (v === undefined || v.rportPresent) continue;
        const viaPort = v.port ?? defaultSipPort(v.transport);
        const bad = misdirectedResponses(ctx, call, l).filter((b) => b.resp.dstPort === viaPort && b.req.srcPort !== viaPort);
        if (bad.length === 0) continue;
        const first = bad[0]!;
        const frames = bad.flatMap((b) => b.icmpFrames);
        const retrans = l.msgs.filter((q) => q.time > first.resp.time && q.src === first.req.src);
        reportCall(
          report,
          call,
          [first.req, ...bad.map((b) => b.resp), ...retrans],
          `${label(first.resp)} was sent to ${hostPort(first.resp.dst, first.resp.dstPort)} - the Via port - instead of ${hostPort(first.req.src, first.req.srcPort)} where ${label(first.req)} came from: the client has no rport in its Via and the server did not force it, so the NAT, which maps only ${first.req.srcPort}, drops the response${icmpText(frames, first.icmpKind)}${retrans.length > 0 ? `; the client keeps retransmitting (${frameList(retrans.map((x) => x.frame), 5)}), each answered to the wrong port` : ''} and the transaction never completes (RFC 3261 §18.2.2, RFC 3581 §3)`,
          { frames },
        );
      }
    }
  },
};

export const transactionIncompleteRule: CaptureRule = {
  id: 'nat/transaction-incomplete',
  title: 'Transaction never completed behind NAT',
  description:
    'A client retransmits a request over UDP until it gets a response (RFC 3261 §17.1.1.2, §17.1.2.2). Requests ' +
    'retransmitted after the server already answered, or retransmitted with no answer at all from a client behind ' +
    'NAT, mean the responses never came back through the NAT: the REGISTER, INVITE or BYE fails after 32 s.',
  defaultSeverity: 'error',
  scope: 'capture',
  refs: [R3261_NON_INVITE_CLIENT, R3261_INVITE_CLIENT, R3581_CLIENT, R3261_RESPONSES],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      for (const l of call.logical) {
        const q0 = l.msgs[0]!;
        if (q0.kind !== 'request' || q0.method === 'ACK' || q0.viaCount !== 1 || q0.via === undefined || isStreamTransport(q0.transport)) continue;
        const sends = l.msgs.filter((q) => !q.sameHost);
        if (sends.length < 2) continue;
        const role = ctx.senderRole(call, q0);
        const p = a.parties[role];
        const invite = q0.method === 'INVITE';
        // Responses that stop retransmission: any response for INVITE (§17.1.1.2), a final one otherwise (§17.1.2.2).
        const stops = ctx.responsesTo(call, q0).filter((r) => !r.sameHost && (invite || (r.status ?? 0) >= 200));
        const what = q0.method === 'REGISTER' ? `the registration fails and ${p.name} cannot receive calls` : invite ? 'the call fails' : `the ${q0.method} fails`;
        const timer = invite ? 'RFC 3261 §17.1.1.2, Timer B' : 'RFC 3261 §17.1.2.2, Timer F';
        if (stops.length > 0) {
          const firstStop = stops[0]!;
          // Per vantage: the same source still retransmitting after the response was sent.
          const after = sends.filter((q) => q.time > firstStop.time + 0.05 && sends.some((x) => x.src === q.src && x.srcPort === q.srcPort && x.time <= firstStop.time));
          const vantage = new Map<string, number>();
          for (const q of after) vantage.set(`${q.src}|${q.srcPort}`, (vantage.get(`${q.src}|${q.srcPort}`) ?? 0) + 1);
          if (![...vantage.values()].some((n) => n >= 2)) continue;
          const bad = misdirectedResponses(ctx, call, l);
          const icmp = bad.flatMap((b) => b.icmpFrames);
          const cause = bad.length > 0 ? ` - they were sent to ${hostPort(bad[0]!.resp.dst, bad[0]!.resp.dstPort)}, not to the NAT mapping ${hostPort(bad[0]!.req.src, bad[0]!.req.srcPort)}${icmpText(icmp, bad[0]!.icmpKind)}` : '';
          reportCall(
            report,
            call,
            [q0, ...stops.slice(0, 4), ...after.slice(0, 6)],
            `${who(a, role)} kept retransmitting ${label(q0)} (${frameList(after.map((x) => x.frame), 5)}) after the server answered (${frameList(stops.map((x) => x.frame), 4)}): the responses never reached it${cause}. The transaction never completes (${timer}) and ${what}`,
            { frames: icmp },
          );
          continue;
        }
        // No response at all: blame NAT only with NAT evidence (a private Via without rport towards a public server).
        const perSource = new Map<string, MessageFacts[]>();
        for (const q of sends) {
          const k = `${q.src}|${q.srcPort}`;
          const list = perSource.get(k) ?? [];
          list.push(q);
          perSource.set(k, list);
        }
        const most = [...perSource.values()].sort((x, y) => y.length - x.length)[0]!;
        if (most.length < 3) continue;
        const viaInfo = ctx.addr.info(q0.via.host);
        const natHint = p.behindNat || (viaInfo.unroutable && !q0.via.rportPresent && ctx.addr.info(q0.dst).publicLike);
        if (!natHint) continue;
        const v = q0.via;
        reportCall(
          report,
          call,
          most,
          `${who(a, role)} sent ${label(q0)} ${most.length} times (${frameList(most.map((x) => x.frame), 6)}) and no response came back: the transaction never completed (${timer}) and ${what}. ${p.name} is behind NAT (Via ${hostPort(v.host, v.port ?? defaultSipPort(v.transport))}${v.rportPresent ? '' : ' without rport'}): servers answer to the Via address and port, which the NAT does not map back, so the responses are lost (RFC 3581 §3)`,
        );
      }
    }
  },
};

export const responseReceivedRule: CaptureRule = {
  id: 'nat/response-no-received',
  title: 'Response without received although sent-by differs from the source',
  description:
    'When the Via sent-by of a request differs from the address the packet came from, the server MUST add ' +
    '"received=<source address>" to that Via (RFC 3261 §18.2.1); its response then travels back along the real ' +
    'path. A response without it shows a server that did not record the NAT: its responses (and any proxy relaying ' +
    'them) follow the unreachable sent-by and are lost.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R3261_RECEIVED, R3581_SERVER],
  check(ctx, report) {
    for (const call of ctx.calls) {
      for (const l of call.logical) {
        // A translated source (NAT or 1:1): an internal multi-homed host (private to private) is not a NAT.
        const q = l.msgs.find((m) => {
          if (m.kind !== 'request' || m.sameHost || m.via === undefined) return false;
          const tr = ctx.translation(m.via.host, undefined, 'TCP', m.src, undefined);
          return tr === 'nat' || tr === 'public';
        });
        if (q === undefined || q.method === 'ACK') continue;
        const servers = new Set(l.msgs.map((m) => `${m.dst}|${m.dstPort}`));
        const missing = ctx.responsesTo(call, q).filter((r) => !r.sameHost && servers.has(`${r.src}|${r.srcPort}`) && r.via !== undefined && r.via.received === undefined);
        if (missing.length === 0) continue;
        const r = missing[0]!;
        reportCall(
          report,
          call,
          [q, ...missing.slice(0, 4)],
          `${label(q)} came from ${q.src} but its Via says ${q.via!.host}; ${label(r)} has no received= in that Via, so the server did not record the real source: responses and later requests follow ${q.via!.host} and are lost behind the NAT (RFC 3261 §18.2.1)`,
        );
      }
    }
  },
};

// ------------------------------------------------------------------------------------------------ keep-alive

/** Granted registration time of the 2xx: the Contact's expires for this binding, else Expires, else the request's. */
function grantedExpires(r: MessageFacts, q: MessageFacts): number | undefined {
  const own = q.contacts[0];
  const c = r.contacts.find((x) => own !== undefined && x.host === own.host && (x.port ?? 5060) === (own.port ?? 5060)) ?? (r.contacts.length === 1 ? r.contacts[0] : undefined);
  return c?.expires ?? r.expires ?? own?.expires ?? q.expires;
}

export const registrationKeepAliveRule: CaptureRule = {
  id: 'nat/registration-keepalive',
  title: 'NAT binding idle longer than a UDP binding timeout',
  description:
    'A UA behind NAT is reachable for incoming calls only while its NAT binding stays open. UDP bindings typically ' +
    'expire after 30-60 s of silence (this rule assumes 30 s; RFC 4787 §4.3 asks NATs for at least 2 minutes, which ' +
    'many do not honour). When the registration lasts longer than that and the binding sees no traffic - no CRLF or ' +
    'STUN keep-alive (RFC 5626 §3.5), no OPTIONS ping, no re-REGISTER - incoming calls fail once it expires.',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R4787_REFRESH, R5626_CRLF, R5626_STUN, R6314],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const a = ctx.analysis(call);
      const p = a.parties.caller;
      if (!p.behindNat) continue;
      const done = new Set<string>();
      for (const q of p.requests) {
        if (q.method !== 'REGISTER' || isStreamTransport(q.transport) || done.has(`${q.src}|${q.srcPort}`)) continue;
        const ok = ctx.responsesTo(call, q).find((r) => (r.status ?? 0) >= 200 && (r.status ?? 0) < 300 && r.dst === q.src && r.dstPort === q.srcPort);
        if (ok === undefined) continue;
        const granted = grantedExpires(ok, q);
        if (granted === undefined || granted <= UDP_BINDING_TIMEOUT_SEC) continue;
        done.add(`${q.src}|${q.srcPort}`);
        const until = Math.min(ok.time + granted, ctx.endTime);
        const acts = ctx.activity(q.src, q.srcPort).filter((x) => x.time > ok.time && x.time <= until);
        let gap = 0;
        let from = { time: ok.time, frame: ok.frame };
        let to: { time: number; frame: number } | undefined;
        let prev = from;
        for (const x of [...acts, { time: until, frame: -1 }]) {
          if (x.time - prev.time > gap) {
            gap = x.time - prev.time;
            from = prev;
            to = x.frame < 0 ? undefined : x;
          }
          prev = x;
        }
        if (gap <= UDP_BINDING_TIMEOUT_SEC) continue;
        const keep = ctx.keepAlivesFrom(q.src, q.srcPort);
        const scanNote = ctx.evidence.scanned ? '' : ' (keep-alive datagrams were not scanned)';
        const span = to !== undefined ? `between f${from.frame} and f${to.frame}` : `after f${from.frame}${until >= ctx.endTime ? ' until the end of the capture' : ''}`;
        reportCall(
          report,
          call,
          [q, ok],
          `${p.name} registered for ${granted} s from behind NAT (binding ${hostPort(q.src, q.srcPort)}, ${label(ok)}) but nothing crossed that binding for ${Math.round(gap)} s (${span}): no CRLF/STUN keep-alive${keep.length > 0 ? ' in that time' : ''}, OPTIONS ping or re-REGISTER${scanNote}. UDP NAT bindings commonly expire after 30-60 s (assumed ${UDP_BINDING_TIMEOUT_SEC} s): once it does, incoming calls to ${p.name} fail until the next REGISTER. Send keep-alives (RFC 5626 §3.5), register more often, or have the registrar ping (nathelper)`,
          { frames: [from.frame, ...(to !== undefined ? [to.frame] : [])] },
        );
      }
    }
  },
};

// ------------------------------------------------------------------------------------------------ proxies

export const proxyPrivateAddressRule: CaptureRule = {
  id: 'nat/proxy-private-address',
  title: 'Proxy advertises a private address while reached on a public one',
  description:
    'A proxy behind 1:1 NAT that puts its private address in its own Via or Record-Route while it talks to the ' +
    'outside makes responses (Via) and every later request of the dialog (Record-Route: ACK, BYE, re-INVITE) go to ' +
    'an address nobody outside can reach: calls that cannot be ended or modified. Configure the advertised public ' +
    'address (e.g. Kamailio listen=... advertise, Asterisk external_signaling_address).',
  defaultSeverity: 'warning',
  scope: 'capture',
  refs: [R3261_RECORD_ROUTE, R3261_RESPONSES, R3261_RECEIVED],
  check(ctx, report) {
    for (const call of ctx.calls) {
      const seen = new Set<string>();
      for (const m of call.msgs) {
        if (m.kind !== 'request' || m.viaCount < 2 || m.sameHost || m.via === undefined) continue;
        if (!ctx.addr.info(m.src).publicLike) continue;
        const via = ctx.addr.info(m.via.host);
        const rr = m.recordRoute[0];
        const rrInfo = rr !== undefined ? ctx.addr.info(rr.host) : undefined;
        const bits: string[] = [];
        if (via.unroutable) bits.push(`Via ${hostPort(m.via.host, m.via.port)}`);
        if (rrInfo?.unroutable) bits.push(`Record-Route ${hostPort(rr!.host, rr!.port)}`);
        if (bits.length === 0) continue;
        const key = `${m.src}|${bits.join()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        reportCall(
          report,
          call,
          [m],
          `The proxy sending ${label(m)} from ${m.src} advertises ${bits.join(' and ')} (${ctx.addr.classLabel(via.unroutable ? m.via.host : rr!.host)}): a 1:1 NAT without an advertised address. ${via.unroutable ? 'Responses are sent to its private Via and lost' : ''}${via.unroutable && rrInfo?.unroutable ? '; ' : ''}${rrInfo?.unroutable ? 'in-dialog requests (ACK, BYE, re-INVITE) are routed to the private Record-Route and lost, so calls cannot be ended or modified' : ''} (RFC 3261 §16.6, §18.2.2)`,
        );
      }
    }
  },
};

export const NAT_CAPTURE_SIGNALLING_RULES: CaptureRule[] = [
  viaSourceRule,
  contactSourceRule,
  symmetricNatRule,
  responseRportRule,
  responseViaPortRule,
  transactionIncompleteRule,
  responseReceivedRule,
  registrationKeepAliveRule,
  proxyPrivateAddressRule,
];

export type { CallAnalysis };
