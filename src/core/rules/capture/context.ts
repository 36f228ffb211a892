// CaptureRuleContext: what capture-scope NAT rules read - per-message facts (declared addresses), RTP streams and
// evidence (observed addresses, ICMP errors, keep-alives) - plus the shared per-call analysis: which party sent what,
// which addresses its NAT translated, what the servers did about it (rport/received, Contact fix) and each media flow.
import type { LintSettings } from '../types';
import type { CallFacts, CaptureFacts, CaptureModelLike, CaptureStream, ContactFact, MessageFacts, SdpFact, SdpMediaFact } from './facts';
import type { CaptureEvidence, IcmpError, KeepAlive } from './evidence';
import { AddressBook, defaultSipPort, hostPort, isSameHost, isStreamTransport, normAddr } from './addresses';

export type Role = 'caller' | 'callee';

export const other = (r: Role): Role => (r === 'caller' ? 'callee' : 'caller');

/** Where an address of a party was observed, compared with what it declared. */
export interface Observation {
  ip: string;
  port: number | undefined;
  /** `source`: packet source of the party's own message; `received`: what a server wrote into received/rport. */
  how: 'source' | 'received';
  msg: MessageFacts;
}

/** An observation compared with the declaration of the same message. */
export interface PartyObservation {
  obs: Observation;
  tr: Translation;
  /** What was declared: the request's Via sent-by (`via`) or the response's Contact (`contact`). */
  what: 'via' | 'contact';
  declHost: string;
  declPort: number;
  /** The message that declared it (the request, for received/rport observations). */
  declMsg: MessageFacts;
}

/** How an observed address relates to a declared one. */
export type Translation =
  | 'none' //   same address (and port, for datagrams)
  | 'nat' //    declared unroutable (private...), observed routable: the classic NAT
  | 'port' //   same IP, other port: a NAT translated the port of an address the client knew (STUN, port forward)
  | 'public' // two different routable addresses: 1:1 NAT, multi-homed host or load balancer
  | 'inner'; // two different unroutable addresses: inner NAT or multi-homed host (not reported)

export interface PartyAnalysis {
  role: Role;
  name: string;
  /** The party's own requests (one Via: sent by the UA itself), every sighting, frame order. */
  requests: MessageFacts[];
  /** Responses the party sent itself (UAS side), every sighting. */
  responses: MessageFacts[];
  /** First own request with a Via (declared sent-by). */
  viaMsg: MessageFacts | undefined;
  /** First own message with a Contact, and that Contact. */
  contactMsg: MessageFacts | undefined;
  contact: ContactFact | undefined;
  /**
   * Observations that differ from what the observed message itself declared: its Via sent-by (a request's source,
   * or the received/rport of its responses) or its Contact (a UAS response's source). Message-local on purpose: one
   * Call-ID may carry several legs (B2BUA), so a declaration is only ever compared with its own message's path.
   */
  viaObs: PartyObservation[];
  /** The NAT's public address and port as observed (first 'nat'/'port' translation). */
  natIp: string | undefined;
  natPort: number | undefined;
  natObs: Observation | undefined;
  behindNat: boolean;
  portTranslated: boolean;
  /** The client asked for rport (RFC 3581 §3) in its requests. */
  rportRequested: boolean;
  /** A server answered with rport=<port> although the client did not ask (force_rport). */
  rportForced: MessageFacts | undefined;
  /** First response that carries received/rport showing the NAT mapping. */
  receivedMsg: MessageFacts | undefined;
  /** A server rewrote the Contact to the NAT address (forwarded request, relayed response, or registrar note). */
  contactFixed: { msg: MessageFacts; how: 'forwarded' | 'relayed' | 'registrar' } | undefined;
  /** SDPs the party wrote, grouped by identity (every sighting). */
  sdps: SdpGroup[];
}

/** One session description (o= identity + version + c=) and every message that carried it. */
export interface SdpGroup {
  role: Role;
  sdp: SdpFact;
  msgs: MessageFacts[];
  /** Carried in a request (offer, or answer in ACK/PRACK) or in a response. */
  inRequest: boolean;
}

/** One RTP stream seen at one point of capture, with its sender / receiver resolved. */
export interface FlowSighting {
  stream: CaptureStream;
  /** ICMP errors quoting this stream (RTP or its RTCP port + 1). */
  icmp: IcmpError[];
  /** Sent to an address that cannot be reached: ICMP error, or a routable source sending to an unroutable destination. */
  unreachable: boolean;
  /** The source differs from the sender's declared SDP endpoint. */
  translated: boolean;
}

/** All sightings of one media direction (same SSRC, same sender) in a call. */
export interface MediaFlow {
  ssrc: number;
  sender: Role;
  receiver: Role;
  /** The sender's and the receiver's declared media endpoints (SDP c=/m=) and the SDP messages. */
  senderDecl: { address: string; port: number; msg: MessageFacts | undefined } | undefined;
  receiverDecl: { address: string; port: number; msg: MessageFacts | undefined } | undefined;
  sightings: FlowSighting[];
  packets: number;
  firstFrame: number;
}

export interface CallAnalysis {
  call: CallFacts;
  parties: Record<Role, PartyAnalysis>;
  flows: MediaFlow[];
  /** INVITE answered with SDP from both sides (media expected). */
  answered: boolean;
}

/** Requests whose Contact becomes the remote target of a dialog (RFC 3261 §12.1, RFC 6665, RFC 3515). */
const DIALOG_METHODS: ReadonlySet<string> = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/** Binding timeout assumed for UDP NAT mappings (seconds). RFC 4787 REQ-5 asks for >= 120 s, but many CPE and
 * Linux conntrack (30 s for unreplied UDP) expire much sooner; 30 s is the conservative end of the usual 30-60 s. */
export const UDP_BINDING_TIMEOUT_SEC = 30;

/** Frames of messages, unique and sorted, at most `max` (first ones). */
export function framesOf(msgs: readonly (MessageFacts | undefined)[], max = 12): number[] {
  const s = new Set<number>();
  for (const m of msgs) if (m !== undefined) s.add(m.frame);
  return [...s].sort((a, b) => a - b).slice(0, max);
}

/** `f3, f4, f9` */
export function frameList(frames: readonly number[], max = 6): string {
  const f = [...new Set(frames)].sort((a, b) => a - b);
  const head = f.slice(0, max).map((x) => `f${x}`);
  return f.length > max ? `${head.join(', ')}, ... (${f.length} frames)` : head.join(', ');
}

/** Short label of a message for finding text: `REGISTER f3`, `200 OK f4`. */
export function label(m: MessageFacts): string {
  if (m.kind === 'request') return `${m.method ?? '?'} f${m.frame}`;
  // Long custom reason phrases ("trying -- your call is important to us") shortened to their first word.
  const reason = m.reason === undefined ? '' : m.reason.length <= 24 ? ` ${m.reason}` : ` ${m.reason.split(/\s/)[0]}`;
  return `${m.status ?? '?'}${reason}${m.cseqMethod ? ` (${m.cseqMethod})` : ''} f${m.frame}`;
}

/** Per call: the sightings of the logical message of each message (built on first use; see sightingsOf). */
const logicalIndex = new WeakMap<CallFacts, Map<MessageFacts, MessageFacts[]>>();

/**
 * Every sighting of the logical message that `m` belongs to (pre/post NAT copies, retransmissions): its group in
 * `call.logical`, or [m] when it is in none. A per-call index: searching the groups for each message was quadratic
 * in the messages of a call.
 */
export function sightingsOf(call: CallFacts, m: MessageFacts): MessageFacts[] {
  let index = logicalIndex.get(call);
  if (index === undefined) {
    index = new Map();
    for (const l of call.logical) for (const x of l.msgs) if (!index.has(x)) index.set(x, l.msgs);
    logicalIndex.set(call, index);
  }
  return index.get(m) ?? [m];
}

/**
 * Capture-wide indexes shared by every batch of calls: RTP streams by call, ICMP errors by quoted destination, and
 * the activity of each ip:port over the whole capture (SIP messages from the model's columns, keep-alives), built
 * lazily. The per-message facts themselves are loaded a batch of calls at a time.
 */
export class CaptureIndexes {
  /** Capture end (seconds): last message, stream packet or record seen. */
  readonly endTime: number;
  private activityIndex: Map<string, { time: number; frame: number }[]> | undefined;
  private icmpIndex: Map<string, IcmpError[]> | undefined;
  private streamIndex: Map<number, CaptureStream[]> | undefined;

  constructor(
    readonly streams: readonly CaptureStream[],
    readonly evidence: CaptureEvidence,
    lastMessageTime: number,
    /** Every SIP message of the capture (for binding activity); facts-only contexts pass their own messages. */
    private readonly allMessages: () => Iterable<{ src: string; srcPort: number; dst: string; dstPort: number; time: number; frame: number }>,
  ) {
    let end = Math.max(lastMessageTime, evidence.lastTime);
    for (const s of streams) end = Math.max(end, s.endSec + s.endNsec / 1e9);
    this.endTime = end;
  }

  /** Indexes over a model: messages from its store (columns, no re-read). */
  static forModel(model: CaptureModelLike, streams: readonly CaptureStream[], evidence: CaptureEvidence, lastMessageTime: number): CaptureIndexes {
    return new CaptureIndexes(streams, evidence, lastMessageTime, function* () {
      for (let id = 0; id < model.messages.count; id++) {
        const m = model.messages.get(id);
        yield { src: m.src, srcPort: m.srcPort, dst: m.dst, dstPort: m.dstPort, time: m.timeSec + m.timeNsec / 1e9, frame: m.frame };
      }
    });
  }

  streamsOf(callIndex: number): readonly CaptureStream[] {
    if (this.streamIndex === undefined) {
      this.streamIndex = new Map();
      for (const s of this.streams) {
        if (s.callIndex < 0) continue;
        let l = this.streamIndex.get(s.callIndex);
        if (l === undefined) this.streamIndex.set(s.callIndex, (l = []));
        l.push(s);
      }
    }
    return this.streamIndex.get(callIndex) ?? [];
  }

  /** ICMP errors quoting a datagram from src:srcPort to dst:dstPort (port 0 = any). */
  icmpFor(src: string, srcPort: number, dst: string, dstPort: number): IcmpError[] {
    if (this.evidence.icmp.length === 0) return [];
    if (this.icmpIndex === undefined) {
      this.icmpIndex = new Map();
      for (const e of this.evidence.icmp) {
        const k = `${e.dst}|${e.dstPort}`;
        let l = this.icmpIndex.get(k);
        if (l === undefined) this.icmpIndex.set(k, (l = []));
        l.push(e);
      }
    }
    const l = this.icmpIndex.get(`${dst}|${dstPort}`) ?? [];
    return l.filter((e) => e.src === src && (srcPort === 0 || e.srcPort === 0 || e.srcPort === srcPort));
  }

  /**
   * Moments (capture seconds and frame, sorted) at which anything was exchanged with endpoint ip:port: SIP messages
   * from or to it (any call) and keep-alive datagrams from or to it. Used to find how long a NAT binding stayed idle.
   */
  activity(ip: string, port: number): { time: number; frame: number }[] {
    if (this.activityIndex === undefined) {
      const idx = new Map<string, { time: number; frame: number }[]>();
      const add = (k: string, time: number, frame: number) => {
        let l = idx.get(k);
        if (l === undefined) idx.set(k, (l = []));
        l.push({ time, frame });
      };
      for (const m of this.allMessages()) {
        add(`${m.src}|${m.srcPort}`, m.time, m.frame);
        add(`${m.dst}|${m.dstPort}`, m.time, m.frame);
      }
      for (const k of this.evidence.keepAlives) {
        add(`${k.src}|${k.srcPort}`, k.time, k.frame);
        add(`${k.dst}|${k.dstPort}`, k.time, k.frame);
      }
      for (const l of idx.values()) l.sort((a, b) => a.time - b.time);
      this.activityIndex = idx;
    }
    return this.activityIndex.get(`${normAddr(ip)}|${port}`) ?? [];
  }
}

/** Everything capture rules read: one batch of calls' facts plus the capture-wide indexes. */
export class CaptureRuleContext {
  readonly addr: AddressBook;
  private readonly analyses = new Map<number, CallAnalysis>();

  constructor(
    readonly settings: LintSettings,
    readonly facts: CaptureFacts,
    readonly indexes: CaptureIndexes,
    addr?: AddressBook,
  ) {
    this.addr = addr ?? new AddressBook(settings);
  }

  /** A context over `facts` alone (tests, small inputs): indexes built from those messages. */
  static standalone(settings: LintSettings, facts: CaptureFacts, streams: readonly CaptureStream[], evidence: CaptureEvidence): CaptureRuleContext {
    let last = 0;
    for (const m of facts.byId.values()) last = Math.max(last, m.time);
    return new CaptureRuleContext(settings, facts, new CaptureIndexes(streams, evidence, last, () => facts.byId.values()));
  }

  get calls(): readonly CallFacts[] {
    return this.facts.calls;
  }

  get streams(): readonly CaptureStream[] {
    return this.indexes.streams;
  }

  get evidence(): CaptureEvidence {
    return this.indexes.evidence;
  }

  get endTime(): number {
    return this.indexes.endTime;
  }

  /** Who sent message `m`: requests come from the From party, responses from the To party (RFC 3261 §8.1.1.3). */
  senderRole(call: CallFacts, m: MessageFacts): Role {
    const fromCaller = call.callerTags.has(m.fromTag);
    return m.kind === 'request' ? (fromCaller ? 'caller' : 'callee') : fromCaller ? 'callee' : 'caller';
  }

  partyName(call: CallFacts, r: Role): string {
    return r === 'caller' ? call.callerName : call.calleeName;
  }

  /** Analysis of one call (memoised). */
  analysis(call: CallFacts): CallAnalysis {
    let a = this.analyses.get(call.index);
    if (a === undefined) {
      a = this.analyse(call);
      this.analyses.set(call.index, a);
    }
    return a;
  }

  icmpFor(src: string, srcPort: number, dst: string, dstPort: number): IcmpError[] {
    return this.indexes.icmpFor(src, srcPort, dst, dstPort);
  }

  activity(ip: string, port: number): { time: number; frame: number }[] {
    return this.indexes.activity(ip, port);
  }

  /** Keep-alive datagrams sent from ip:port. */
  keepAlivesFrom(ip: string, port: number): KeepAlive[] {
    return this.evidence.keepAlives.filter((k) => k.src === ip && k.srcPort === port);
  }

  /** Compare a declared host:port with an observed one. */
  translation(declHost: string, declPort: number | undefined, transport: string, obsIp: string, obsPort: number | undefined): Translation {
    const d = this.addr.info(declHost);
    const o = this.addr.info(obsIp);
    const checkPort = !isStreamTransport(transport) && obsPort !== undefined;
    const portDiff = checkPort && (declPort ?? defaultSipPort(transport)) !== obsPort;
    if (d.cls === 'domain' || d.cls === 'none') return portDiff ? 'port' : 'none';
    if (d.address === o.address) return portDiff ? 'port' : 'none';
    if (d.trusted) return 'none';
    if (d.unroutable && o.publicLike) return 'nat';
    if (d.publicLike && o.publicLike) return 'public';
    return 'inner';
  }

  // ------------------------------------------------------------------------------------------------ analysis

  /**
   * UA-originated response to a dialog-creating request (its Contact is the dialog target, RFC 3261 §12.1.1): sent by
   * the UAS itself, not relayed by a proxy. Relayed responses come from a Record-Route or Via host.
   */
  private uasOriginated(m: MessageFacts): boolean {
    if (m.kind !== 'response' || m.sameHost || !DIALOG_METHODS.has(m.cseqMethod ?? '')) return false;
    const rr = new Set(m.recordRoute.map((u) => u.host));
    if (m.viaCount >= 2) return !rr.has(m.src) && !m.viaHosts.includes(m.src);
    // One Via and no Record-Route: direct UA-to-UA, or a non-record-routing proxy. Only the unmistakable case counts:
    // an unroutable Contact arriving from a routable source.
    const c = m.contacts[0];
    return rr.size === 0 && c !== undefined && this.addr.info(c.host).unroutable && this.addr.info(m.src).publicLike;
  }

  private analyse(call: CallFacts): CallAnalysis {
    const parties: Record<Role, PartyAnalysis> = { caller: this.emptyParty(call, 'caller'), callee: this.emptyParty(call, 'callee') };
    for (const m of call.msgs) {
      if (m.sameHost) continue;
      const r = this.senderRole(call, m);
      if (m.kind === 'request' && m.viaCount === 1) parties[r].requests.push(m);
      else if (this.uasOriginated(m)) parties[r].responses.push(m);
    }
    for (const r of ['caller', 'callee'] as const) this.analyseParty(call, parties[r]);
    this.collectSdps(call, parties);
    const flows = this.buildFlows(call, parties);
    const answered = call.msgs.some((m) => m.kind === 'response' && m.cseqMethod === 'INVITE' && m.status !== undefined && m.status >= 200 && m.status < 300);
    return { call, parties, flows, answered };
  }

  private emptyParty(call: CallFacts, role: Role): PartyAnalysis {
    return {
      role,
      name: this.partyName(call, role),
      requests: [],
      responses: [],
      viaMsg: undefined,
      contactMsg: undefined,
      contact: undefined,
      viaObs: [],
      natIp: undefined,
      natPort: undefined,
      natObs: undefined,
      behindNat: false,
      portTranslated: false,
      rportRequested: false,
      rportForced: undefined,
      receivedMsg: undefined,
      contactFixed: undefined,
      sdps: [],
    };
  }

  /** Per call: its responses by transaction index, in frame order (built on first use; see responsesTo). */
  private readonly responsesByTx = new WeakMap<CallFacts, Map<number, MessageFacts[]>>();

  /**
   * Responses to request sighting q: same transaction, same top branch and Via count; in frame order. Looked up in a
   * per-call index by transaction: a scan of the call's messages per request made a call with many transactions (a
   * Call-ID reused for every OPTIONS or REGISTER refresh) quadratic.
   */
  responsesTo(call: CallFacts, q: MessageFacts): MessageFacts[] {
    let byTx = this.responsesByTx.get(call);
    if (byTx === undefined) {
      byTx = new Map();
      for (const r of call.msgs) {
        if (r.kind !== 'response') continue;
        const list = byTx.get(r.txIndex);
        if (list === undefined) byTx.set(r.txIndex, [r]);
        else list.push(r);
      }
      this.responsesByTx.set(call, byTx);
    }
    const b = q.via?.branch ?? '';
    return (byTx.get(q.txIndex) ?? []).filter((r) => (r.via?.branch ?? '') === b && r.viaCount === q.viaCount && r.cseqSeq === q.cseqSeq);
  }

  private analyseParty(call: CallFacts, p: PartyAnalysis): void {
    p.viaMsg = p.requests.find((m) => m.via !== undefined);
    // Contacts that matter: a registration binding or a dialog target (not OPTIONS/MESSAGE answers).
    const binding = (m: MessageFacts) => m.contacts.length > 0 && (m.method === 'REGISTER' || DIALOG_METHODS.has(m.kind === 'request' ? (m.method ?? '') : (m.cseqMethod ?? '')));
    const withContact = p.requests.find(binding) ?? p.responses.find(binding);
    p.contactMsg = withContact;
    p.contact = withContact?.contacts[0];
    p.rportRequested = p.requests.some((m) => m.via?.rportPresent === true);
    const consider = (obs: Observation, declHost: string, declPort: number | undefined, transport: string, what: 'via' | 'contact', declMsg: MessageFacts) => {
      const tr = this.translation(declHost, declPort, transport, obs.ip, obs.port);
      if (tr === 'none' || tr === 'inner') return;
      p.viaObs.push({ obs, tr, what, declHost, declPort: declPort ?? defaultSipPort(transport), declMsg });
      if ((tr === 'nat' || tr === 'port') && p.natObs === undefined) {
        p.natObs = obs;
        p.natIp = normAddr(obs.ip);
        p.natPort = obs.port;
      }
      if (tr === 'nat') p.behindNat = true;
      if (tr === 'port' || (tr === 'nat' && obs.port !== undefined && !isStreamTransport(transport) && obs.port !== (declPort ?? defaultSipPort(transport)))) {
        p.portTranslated = true;
        p.behindNat = true;
      }
    };
    for (const q of p.requests) {
      const v = q.via;
      if (v === undefined || q.method === 'ACK') continue;
      consider({ ip: q.src, port: q.srcPort, how: 'source', msg: q }, v.host, v.port, v.transport, 'via', q);
      for (const r of this.responsesTo(call, q)) {
        const rv = r.via;
        if (rv === undefined) continue;
        if (!v.rportPresent && rv.rport !== undefined && p.rportForced === undefined) p.rportForced = r;
        if (rv.received !== undefined || rv.rport !== undefined) {
          const showsNat = (rv.received !== undefined && rv.received !== v.host) || (rv.rport !== undefined && rv.rport !== (v.port ?? defaultSipPort(v.transport)));
          if (showsNat && p.receivedMsg === undefined) p.receivedMsg = r;
          // received= alone says nothing about the port: compare the address only.
          consider({ ip: rv.received ?? v.host, port: rv.rport, how: 'received', msg: r }, v.host, v.port, v.transport, 'via', q);
        }
      }
    }
    // A UAS behind NAT: its responses come from an address other than its Contact.
    for (const r of p.responses) {
      const c = r.contacts[0];
      if (c === undefined) continue;
      consider({ ip: r.src, port: r.srcPort, how: 'source', msg: r }, c.host, c.port, c.transport ?? r.transport, 'contact', r);
    }
    if (p.natIp !== undefined) p.contactFixed = this.findContactFix(call, p, p.natIp);
  }

  /**
   * Where the message `m` (with a Contact) was seen to come from, when that differs from its Contact: its own
   * sightings' sources, else (requests) the received/rport a server wrote into its responses.
   */
  contactObservation(call: CallFacts, m: MessageFacts): { tr: Translation; ip: string; port: number | undefined; msg: MessageFacts } | undefined {
    const c = m.contacts[0];
    if (c === undefined) return undefined;
    const transport = c.transport ?? m.transport;
    let weak: { tr: Translation; ip: string; port: number | undefined; msg: MessageFacts } | undefined;
    const look = (ip: string, port: number | undefined, msg: MessageFacts) => {
      const tr = this.translation(c.host, c.port, transport, ip, port);
      if (tr === 'nat' || tr === 'port') return { tr, ip, port, msg };
      if (tr === 'public' && weak === undefined) weak = { tr, ip, port, msg };
      return undefined;
    };
    const group = sightingsOf(call, m);
    for (const x of group) {
      if (x.sameHost) continue;
      const hit = look(x.src, x.srcPort, x);
      if (hit !== undefined) return hit;
    }
    if (m.kind === 'request') {
      for (const r of this.responsesTo(call, m)) {
        const rv = r.via;
        if (rv === undefined || (rv.received === undefined && rv.rport === undefined)) continue;
        const hit = look(rv.received ?? m.via?.host ?? m.src, rv.rport, r);
        if (hit !== undefined) return hit;
      }
    }
    return weak;
  }

  /** Did a server rewrite this party's Contact to its NAT address `nat` (nathelper fix_nated_contact / fix_nated_register)? */
  findContactFix(call: CallFacts, p: PartyAnalysis, nat: string): PartyAnalysis['contactFixed'] {
    const own = new Set([...p.requests, ...p.responses]);
    const senderOk = (m: MessageFacts) => this.senderRole(call, m) === p.role;
    for (const m of call.msgs) {
      if (own.has(m) || !senderOk(m)) continue;
      const c = m.contacts[0];
      if (c === undefined) continue;
      if (c.host === nat && (m.kind === 'request' ? m.viaCount >= 2 : true)) return { msg: m, how: m.kind === 'request' ? 'forwarded' : 'relayed' };
    }
    // Registrar: the 2xx to REGISTER lists the binding with received= (RFC 5626 §6 style) or the NAT address.
    for (const q of p.requests) {
      if (q.method !== 'REGISTER') continue;
      for (const r of this.responsesTo(call, q)) {
        if (r.status === undefined || r.status < 200 || r.status >= 300) continue;
        if (r.contacts.some((c) => c.received !== undefined || c.host === nat)) return { msg: r, how: 'registrar' };
      }
    }
    return undefined;
  }

  private collectSdps(call: CallFacts, parties: Record<Role, PartyAnalysis>): void {
    const groups = new Map<string, SdpGroup>();
    for (const m of call.msgs) {
      if (m.sdp === undefined) continue;
      const role = this.senderRole(call, m);
      const s = m.sdp;
      const k = `${role}|${s.originUser}|${s.sessionId}|${s.version}|${s.connections.join(',')}|${s.media.map((x) => `${x.media}:${x.port}:${x.direction}`).join(',')}`;
      let g = groups.get(k);
      if (g === undefined) {
        g = { role, sdp: s, msgs: [], inRequest: m.kind === 'request' };
        groups.set(k, g);
        parties[role].sdps.push(g);
      }
      g.msgs.push(m);
    }
  }

  /** The latest SDP `role` wrote at or before `frame` (else its first). */
  sdpOf(p: PartyAnalysis, frame: number): SdpGroup | undefined {
    let best: SdpGroup | undefined;
    for (const g of p.sdps) {
      const f = g.msgs[0]!.frame;
      if (f <= frame && (best === undefined || f > best.msgs[0]!.frame)) best = g;
    }
    return best ?? p.sdps[0];
  }

  private buildFlows(call: CallFacts, parties: Record<Role, PartyAnalysis>): MediaFlow[] {
    const flows = new Map<string, MediaFlow>();
    for (const s of this.indexes.streamsOf(call.index)) {
      if (s.matched === undefined) continue;
      const declMsg = this.facts.byId.get(s.matched.messageId);
      if (declMsg === undefined) continue;
      const owner = this.senderRole(call, declMsg);
      const sender = s.matched.side === 'source' ? owner : other(owner);
      const receiver = other(sender);
      const key = `${s.ssrc}|${sender}`;
      let f = flows.get(key);
      if (f === undefined) {
        const ownerDecl = { address: normAddr(s.matched.address), port: s.matched.port, msg: declMsg };
        const ownerMedia = declMsg.sdp?.media.findIndex((m) => m.port === s.matched!.port) ?? -1;
        const otherP = parties[other(owner)];
        const otherSdp = this.sdpOf(otherP, s.firstFrame);
        const om: SdpMediaFact | undefined = otherSdp?.sdp.media[ownerMedia >= 0 ? ownerMedia : 0];
        const otherDecl = om !== undefined ? { address: om.address, port: om.port, msg: otherSdp!.msgs[0] } : undefined;
        f = {
          ssrc: s.ssrc,
          sender,
          receiver,
          senderDecl: sender === owner ? ownerDecl : otherDecl,
          receiverDecl: sender === owner ? otherDecl : ownerDecl,
          sightings: [],
          packets: 0,
          firstFrame: s.firstFrame,
        };
        flows.set(key, f);
      }
      const sd = f.senderDecl;
      // Translated: the source is not what the SDP declares, as seen after the sender's NAT (a client that declares
      // its public address, seen on its LAN before the NAT, is not a mismatch: translation() calls that 'inner').
      const tr = sd === undefined || isSameHost(s.src, s.dst) ? 'none' : this.translation(sd.address, sd.port, 'UDP', s.src, s.srcPort);
      f.sightings.push({ stream: s, icmp: [], unreachable: false, translated: tr === 'nat' || tr === 'port' || tr === 'public' });
      f.packets = Math.max(f.packets, s.packets);
      f.firstFrame = Math.min(f.firstFrame, s.firstFrame);
    }
    const list = [...flows.values()].sort((a, b) => a.firstFrame - b.firstFrame);
    // Is the capture point outside a party's NAT? Its own RTP or signalling is seen already translated.
    const outside = (r: Role): boolean =>
      list.some((f) => f.sender === r && f.sightings.some((x) => x.translated && this.addr.info(x.stream.src).publicLike)) ||
      (parties[r].natObs?.how === 'source' && parties[r].behindNat);
    for (const f of list) {
      const rd = f.receiverDecl;
      const latchedCopy = f.sightings.some((x) => this.addr.info(x.stream.dst).publicLike);
      for (const x of f.sightings) {
        const s = x.stream;
        if (isSameHost(s.src, s.dst)) continue;
        // The RTP port's errors, and RTCP's (next port, RFC 3550 §11; a NAT may map its source port anywhere).
        // A port unreachable after the media stopped is the far end closing its socket at hang-up, not a lost path:
        // only errors while the stream still flows (or routing errors) count.
        const end = s.endSec + s.endNsec / 1e9;
        x.icmp = [...this.icmpFor(s.src, s.srcPort, s.dst, s.dstPort), ...this.icmpFor(s.src, 0, s.dst, s.dstPort + 1)]
          .filter((e) => e.kind !== 'port-unreachable' || e.time < end - 1)
          .sort((p, q) => p.frame - q.frame);
        const dst = this.addr.info(s.dst);
        if (dst.trusted) continue;
        // RTP from a routable source to the receiver's own unroutable SDP address, captured outside the receiver's NAT
        // and never seen going to a routable address instead: it is on the Internet and goes nowhere. (Seen inside the
        // receiver's LAN the same tuple is an arriving, de-NATed packet.)
        const toPrivateSdp = dst.unroutable && this.addr.info(s.src).publicLike && rd !== undefined && rd.address === dst.address && outside(f.receiver) && !latchedCopy;
        x.unreachable = x.icmp.length > 0 || toPrivateSdp;
      }
    }
    return list;
  }
}

/** Party label for messages: `alice (caller)` in calls, the user name otherwise (REGISTER, OPTIONS...). */
export function who(a: CallAnalysis, r: Role): string {
  const n = a.parties[r].name;
  return a.call.method === 'INVITE' ? `${n} (${r})` : n;
}

export { hostPort };
