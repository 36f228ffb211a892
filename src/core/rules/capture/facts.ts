// Per-message facts for capture NAT rules: the declared addresses of each SIP message (top Via, Contact,
// Record-Route, SDP c=/m=) next to where it was observed (packet source/destination), re-read from the capture in
// batched reads and parsed once; messages grouped per call and per logical message (the same message seen twice).
import type { ByteSource } from '../../bytes/byte-source';
import type { CallInfo, MessageInfo } from '../../dialog/types';
import { MessageStore, type MessageBytesLocation } from '../../dialog/message-store';
import type { SipMessage, SipNameAddr } from '../../sip/types';
import type { SdpDirection } from '../../sdp/types';
import { parseFieldValue, parseSipMessage } from '../../sip/parse-message';
import { parseViaListRange } from '../../sip/via';
import { parseNameAddrListRange, parseNameAddrRange } from '../../sip/name-addr';
import { findSdpBodies, parseSdp } from '../../sdp/parse-sdp';
import { isLoopbackText, isSameHost, normAddr } from './addresses';
import type { CaptureEvidence } from './evidence';
import { contactFact, scanMessageFacts, uriFact } from './scan-message';

function digitsOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : undefined;
}

/** The RTP stream shape the media rules read (rtp/stream.ts RtpStreamInfo satisfies it). */
export interface CaptureStream {
  index: number;
  callIndex: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  ssrc: number;
  matched: { side: 'source' | 'destination'; address: string; port: number; messageId: number; frame: number } | undefined;
  packets: number;
  firstFrame: number;
  lastFrame: number;
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
}

/** What the capture rules need from a CaptureModel (capture/import-capture.ts), plus RTP streams once imported. */
export interface CaptureModelLike {
  records: number;
  messages: { readonly count: number; get(id: number): MessageInfo; location(id: number): MessageBytesLocation };
  calls: readonly CallInfo[];
  source: ByteSource;
  /** RTP streams (rtp/analyzer.ts), when the import analysed RTP. */
  streams?: readonly CaptureStream[];
  /** ICMP errors and keep-alives collected by the import (ImportOptions.natEvidence); else lintCapture scans for them. */
  evidence?: CaptureEvidence;
}

export interface ViaFact {
  transport: string;
  /** sent-by host, canonical (no brackets). */
  host: string;
  port: number | undefined;
  branch: string;
  received: string | undefined;
  rportPresent: boolean;
  rport: number | undefined;
}

export interface UriFact {
  scheme: string;
  user: string | undefined;
  /** Canonical host (no brackets). */
  host: string;
  port: number | undefined;
  /** `transport=` URI parameter, uppercased. */
  transport: string | undefined;
}

export interface ContactFact extends UriFact {
  /** `expires=` header parameter (seconds). */
  expires: number | undefined;
  /** `received=` header parameter (nathelper fix_nated_register / RFC 5626-style registrar note), unquoted. */
  received: string | undefined;
  /** SIP Outbound (RFC 5626): `;ob` URI parameter or `reg-id`. */
  outbound: boolean;
}

export interface SdpMediaFact {
  media: string;
  port: number;
  /** Effective connection address (media c=, else session c=), canonical; '' when none. */
  address: string;
  direction: SdpDirection;
  /** ICE candidates of type srflx/relay/prflx (RFC 8445): the SDP carries reachable alternatives. */
  reachableCandidates: boolean;
}

export interface SdpFact {
  /** o= username and sess-id (RFC 8866 §5.2: constant for the session) and sess-version. */
  originUser: string;
  sessionId: string;
  version: string;
  originAddress: string;
  /** Every c= address (session and media level), canonical, in order. */
  connections: string[];
  media: SdpMediaFact[];
  /** The body ends inside a line: Content-Length cut the SDP (rewritten body of another length). */
  cutMidLine: boolean;
  /** ICE attributes present (ice-ufrag or candidates, RFC 8839): ICE runs only if the peer's SDP has them too. */
  ice: boolean;
  /** SDP body bytes (only kept when the RTP fallback needs to register them). */
  body?: { bytes: Uint8Array; start: number; end: number };
}

/** One SIP message as seen at one point of capture: observed addresses plus the declared ones. */
export interface MessageFacts {
  id: number;
  frame: number;
  /** Capture time in seconds (float). */
  time: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  transport: string;
  kind: 'request' | 'response' | 'invalid';
  method: string | undefined;
  status: number | undefined;
  /** Reason phrase of a response. */
  reason: string | undefined;
  cseqSeq: number | undefined;
  cseqMethod: string | undefined;
  callIndex: number;
  txIndex: number;
  retransmission: boolean;
  truncated: boolean;
  /** Loopback on both ends or src == dst: no NAT can sit on this path. */
  sameHost: boolean;
  callId: string;
  fromTag: string;
  toTag: string;
  fromUser: string | undefined;
  toUser: string | undefined;
  fromDisplay: string | undefined;
  toDisplay: string | undefined;
  via: ViaFact | undefined;
  viaCount: number;
  /** sent-by host of every Via, canonical, top first. */
  viaHosts: string[];
  contacts: ContactFact[];
  /** Record-Route entries in order (topmost first). */
  recordRoute: UriFact[];
  /** Expires header (seconds). */
  expires: number | undefined;
  contentLength: number | undefined;
  bodyLength: number;
  sdp: SdpFact | undefined;
  /**
   * FNV-1a of the message bytes (0 when not computed: only messages that may be seen more than once in their call
   * need it) and their length: the same message seen twice with other bytes was rewritten.
   */
  digest: number;
  length: number;
  /** FNV-1a of the raw Via / Contact header values: compared between two sightings (an ALG rewrites some, not others). */
  viaHash: number;
  contactHash: number;
}

/** The same SIP message (Call-ID, CSeq, method or status, top branch, Via count) at every point it was seen. */
export interface LogicalMessage {
  /** Sightings in frame order (pre/post NAT copies, retransmissions). */
  msgs: MessageFacts[];
}

export interface CallFacts {
  index: number;
  callId: string;
  info: CallInfo;
  /** Messages of the call in frame order. */
  msgs: MessageFacts[];
  logical: LogicalMessage[];
  /** From tag of the call's first request: the caller / registering client. */
  callerTag: string;
  /**
   * From tags of every initial request (no To tag) in the call: the caller side of each leg. A B2BUA that keeps the
   * Call-ID across its legs starts its outgoing leg with its own tag, and is the caller of that leg.
   */
  callerTags: ReadonlySet<string>;
  callerName: string;
  calleeName: string;
  /** Method of the first request (INVITE, REGISTER, OPTIONS...). */
  method: string;
}

export interface CaptureFacts {
  /** Facts by message id, for the messages of the loaded calls. */
  byId: ReadonlyMap<number, MessageFacts>;
  /** The loaded calls (at least one message not on a same-host path). */
  calls: CallFacts[];
}

export interface LoadFactsOptions {
  /** Indexes of the calls to load (default: every call that is not same-host only). */
  calls?: readonly number[];
  /** Keep SDP body bytes (for the RTP fallback analysis). */
  keepSdpBytes?: boolean;
  /** Bytes per batched read (default 4 MiB). */
  windowBytes?: number;
}

/** Which calls the NAT rules look at, from the model's columns only (no message is re-read). */
export interface CallPartition {
  /** Indexes of calls with at least one message not on a same-host path, in call order. */
  relevant: number[];
  /** Calls whose every message stays on one host (loopback): not NAT, skipped. */
  sameHostCalls: number;
  /** Capture time of the last message (seconds). */
  lastTime: number;
  /** Some relevant call contains a REGISTER (keep-alive evidence is worth collecting). */
  registers: boolean;
  /** Messages of the relevant calls. */
  messages: number;
}

/** Split the calls into same-host (skipped) and relevant ones. Reads only the message store's columns. */
export function partitionCalls(model: CaptureModelLike): CallPartition {
  if (model.messages instanceof MessageStore) return partitionByColumns(model, model.messages);
  const out: CallPartition = { relevant: [], sameHostCalls: 0, lastTime: 0, registers: false, messages: 0 };
  for (const call of model.calls) {
    const end = call.endSec + call.endNsec / 1e9;
    if (end > out.lastTime) out.lastTime = end;
    let relevant = false;
    let register = false;
    for (const id of call.messageIds) {
      const info = model.messages.get(id);
      if (!relevant && !isSameHost(info.src, info.dst)) relevant = true;
      if (info.method === 'REGISTER' || info.cseqMethod === 'REGISTER') register = true;
      if (relevant && register) break;
    }
    if (!relevant) {
      out.sameHostCalls++;
      continue;
    }
    out.relevant.push(call.index);
    out.messages += call.messageIds.length;
    if (register) out.registers = true;
  }
  return out;
}

/**
 * partitionCalls on a MessageStore: address and method ids straight from the columns, so no MessageInfo object (and
 * no label string) is built per message - on a capture of only same-host calls this is all the NAT lint does.
 */
function partitionByColumns(model: CaptureModelLike, store: MessageStore): CallPartition {
  const out: CallPartition = { relevant: [], sameHostCalls: 0, lastTime: 0, registers: false, messages: 0 };
  // Loopback flag per address id (1 = loopback, 2 = not), filled on first use.
  const loop = new Uint8Array(store.addressCount);
  const isLoop = (a: number): boolean => {
    let v = loop[a]!;
    if (v === 0) loop[a] = v = isLoopbackText(store.addressText(a)) ? 1 : 2;
    return v === 1;
  };
  const register = store.tokenIdOf('REGISTER');
  for (const call of model.calls) {
    const end = call.endSec + call.endNsec / 1e9;
    if (end > out.lastTime) out.lastTime = end;
    let relevant = false;
    let hasRegister = false;
    for (const id of call.messageIds) {
      if (!relevant) {
        const s = store.srcId(id);
        const d = store.dstId(id);
        // isSameHost(src, dst): the same address text has the same id.
        if (s !== d && !(isLoop(s) && isLoop(d))) relevant = true;
      }
      if (register >= 0 && (store.methodId(id) === register || store.cseqMethodId(id) === register)) hasRegister = true;
      if (relevant && hasRegister) break;
    }
    if (!relevant) {
      out.sameHostCalls++;
      continue;
    }
    out.relevant.push(call.index);
    out.messages += call.messageIds.length;
    if (hasRegister) out.registers = true;
  }
  return out;
}

function fnv1a(b: Uint8Array, start = 0, end = b.length, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** Hash of the raw values of header fields (no string decoding). */
function valueHash(msg: SipMessage, fields: readonly { valueSpan: { start: number; end: number } }[]): number {
  if (fields.length === 0) return 0;
  let h = 0x811c9dc5;
  for (const f of fields) h = fnv1a(msg.bytes, f.valueSpan.start - msg.baseOffset, f.valueSpan.end - msg.baseOffset, h);
  return h;
}

function nameAddrs(msg: SipMessage, canonical: string): SipNameAddr[] {
  const out: SipNameAddr[] = [];
  for (const f of msg.headersNamed(canonical)) for (const v of parseFieldValue(msg, f, parseNameAddrListRange, [])) out.push(v);
  return out;
}

function oneNameAddr(msg: SipMessage, canonical: string): SipNameAddr | undefined {
  const f = msg.header(canonical);
  return f === undefined ? undefined : parseFieldValue(msg, f, (b, s, e, base, p) => parseNameAddrRange(b, s, e, base, p, true), []);
}

function sdpFact(msg: SipMessage, keepBytes: boolean): SdpFact | undefined {
  const body = findSdpBodies(msg)[0];
  if (body === undefined) return undefined;
  const { session } = parseSdp(body.bytes, body.start);
  const sessAddr = normAddr(session.connection?.address);
  const connections: string[] = [];
  if (session.connection !== undefined) connections.push(sessAddr);
  const media: SdpMediaFact[] = session.media.map((m) => {
    if (m.connection !== undefined) connections.push(normAddr(m.connection.address));
    return {
      media: m.media,
      port: m.port,
      address: m.connection !== undefined ? normAddr(m.connection.address) : sessAddr,
      direction: m.direction ?? session.direction ?? 'sendrecv',
      reachableCandidates: m.candidates.some((c) => c.type === 'srflx' || c.type === 'relay' || c.type === 'prflx'),
    };
  });
  const last = body.bytes[body.bytes.length - 1];
  const fact: SdpFact = {
    originUser: session.origin?.username ?? '',
    sessionId: session.origin?.sessionId ?? '',
    version: session.origin?.sessionVersion ?? '',
    originAddress: normAddr(session.origin?.address),
    connections,
    media,
    cutMidLine: body.bytes.length > 0 && last !== 0x0a && last !== 0x0d,
    ice:
      session.attributes.some((a) => a.name === 'ice-ufrag') ||
      session.media.some((m) => m.candidates.length > 0 || m.attributes.some((a) => a.name === 'ice-ufrag')),
  };
  if (keepBytes) fact.body = { bytes: msg.bytes.slice(body.start - msg.baseOffset, body.end - msg.baseOffset), start: 0, end: body.end - body.start };
  return fact;
}

/**
 * Parse one message's bytes into facts: the fast line scan (scan-message.ts) when the message is simple, else the
 * full parser. Never throws (a parser bug leaves the declared facts empty).
 */
export function messageFacts(info: MessageInfo, bytes: Uint8Array, keepSdpBytes = false, withDigest = true): MessageFacts {
  const fast = baseFacts(info, bytes, withDigest);
  try {
    if (scanMessageFacts(fast, bytes, info.hasSdp, keepSdpBytes)) return fast;
  } catch {
    // fall through to the full parser
  }
  return fullMessageFacts(info, bytes, keepSdpBytes, withDigest);
}

/** Observed facts of `info` with empty declared facts (`digest` 0 unless asked for: it reads every byte). */
function baseFacts(info: MessageInfo, bytes: Uint8Array, withDigest: boolean): MessageFacts {
  return {
    id: info.id,
    frame: info.frame,
    time: info.timeSec + info.timeNsec / 1e9,
    src: info.src,
    srcPort: info.srcPort,
    dst: info.dst,
    dstPort: info.dstPort,
    transport: info.transport,
    kind: info.kind,
    method: info.method,
    status: info.statusCode,
    reason: info.reason,
    cseqSeq: info.cseqSeq,
    cseqMethod: info.cseqMethod,
    callIndex: info.callIndex,
    txIndex: info.transactionIndex,
    retransmission: info.retransmission,
    truncated: info.truncated,
    sameHost: isSameHost(info.src, info.dst),
    callId: '',
    fromTag: '',
    toTag: '',
    fromUser: undefined,
    toUser: undefined,
    fromDisplay: undefined,
    toDisplay: undefined,
    via: undefined,
    viaCount: 0,
    viaHosts: [],
    contacts: [],
    recordRoute: [],
    expires: undefined,
    contentLength: undefined,
    bodyLength: 0,
    sdp: undefined,
    digest: withDigest ? fnv1a(bytes) : 0,
    length: bytes.length,
    viaHash: 0,
    contactHash: 0,
  };
}

/** The full-parser path of messageFacts (parse-message.ts + header sub-parsers + parse-sdp.ts). Exported for tests. */
export function fullMessageFacts(info: MessageInfo, bytes: Uint8Array, keepSdpBytes = false, withDigest = true): MessageFacts {
  const f = baseFacts(info, bytes, withDigest);
  try {
    const { message: msg } = parseSipMessage(bytes);
    f.callId = msg.header('call-id')?.value.trim() ?? '';
    const from = oneNameAddr(msg, 'from');
    const to = oneNameAddr(msg, 'to');
    f.fromTag = from?.tag ?? '';
    f.toTag = to?.tag ?? '';
    f.fromUser = from?.uri?.user;
    f.toUser = to?.uri?.user;
    f.fromDisplay = from?.displayName?.trim() || undefined;
    f.toDisplay = to?.displayName?.trim() || undefined;
    const viaFields = msg.headersNamed('via');
    f.viaHash = valueHash(msg, viaFields);
    for (const field of viaFields) {
      for (const v of parseFieldValue(msg, field, parseViaListRange, [])) {
        const host = normAddr(v.host);
        f.viaHosts.push(host);
        if (f.via === undefined) {
          f.via = {
            transport: v.transport,
            host,
            port: v.port,
            branch: v.branch ?? '',
            received: v.received !== undefined ? normAddr(v.received) : undefined,
            rportPresent: v.rportPresent,
            rport: v.rport,
          };
        }
      }
    }
    f.viaCount = f.viaHosts.length;
    f.contactHash = valueHash(msg, msg.headersNamed('contact'));
    for (const na of nameAddrs(msg, 'contact')) {
      const c = contactFact(na);
      if (c !== undefined) f.contacts.push(c);
    }
    for (const na of nameAddrs(msg, 'record-route')) {
      const u = uriFact(na.uri);
      if (u !== undefined) f.recordRoute.push(u);
    }
    f.expires = digitsOf(msg.header('expires')?.value);
    f.contentLength = digitsOf(msg.header('content-length')?.value);
    f.bodyLength = msg.body.end - msg.body.start;
    if (info.hasSdp) f.sdp = sdpFact(msg, keepSdpBytes);
  } catch {
    // Defensive: the parsers never throw on input; keep what was extracted.
  }
  return f;
}

/**
 * The same logical message (seen before and after a NAT, or retransmitted): same transaction (Call-ID, CSeq and
 * branch matched by the model, RFC 3261 §17), same request method or response status and To tag (forked responses
 * differ), same hop (top branch and Via count). Each proxy hop is another logical message.
 */
export function sameLogical(a: MessageFacts, b: MessageFacts): boolean {
  return (
    a.txIndex === b.txIndex &&
    a.kind === b.kind &&
    a.method === b.method &&
    a.status === b.status &&
    a.viaCount === b.viaCount &&
    a.cseqSeq === b.cseqSeq &&
    (a.via?.branch ?? '') === (b.via?.branch ?? '') &&
    (a.kind !== 'response' || a.toTag === b.toTag)
  );
}

/** Name of a party for messages: display name, else URI user, else a fallback. */
function partyName(display: string | undefined, user: string | undefined, fallback: string): string {
  const d = display?.replace(/\\(.)/g, '$1').replace(/"/g, '').trim();
  return d !== undefined && d !== '' ? d : user !== undefined && user !== '' ? user : fallback;
}

/**
 * Load the facts of every message of the given calls (default: every call that is not same-host only), reading
 * message bytes in batched windows (one read per few MB, in file order) rather than one read per message. Callers
 * with big captures load a few thousand calls at a time so parsed facts never pile up. Rejects only when the
 * ByteSource read fails.
 */
export async function loadCaptureFacts(model: CaptureModelLike, opts: LoadFactsOptions = {}): Promise<CaptureFacts> {
  const byId = new Map<number, MessageFacts>();
  const callIdx = opts.calls ?? partitionCalls(model).relevant;
  const infos = new Map<number, MessageInfo>();
  const located: { id: number; off: number; len: number }[] = [];
  const keep = opts.keepSdpBytes === true;
  const digestIds = new Set<number>();
  const seen = new Map<number, number>();
  for (const ci of callIdx) {
    const call = model.calls[ci];
    if (call === undefined) continue;
    seen.clear();
    for (const id of call.messageIds) {
      const info = model.messages.get(id);
      // A second message of the same transaction, kind and method/status may be the same message seen again
      // (another vantage point, a retransmission): only those need the byte digest.
      // Numeric key (collisions only cost an extra digest): transaction, then status code or method.
      const what = info.statusCode ?? 1000 + (info.method === undefined ? 0 : info.method.length * 31 + info.method.charCodeAt(0));
      const k = info.transactionIndex * 4096 + what;
      const prev = seen.get(k);
      if (prev !== undefined) {
        digestIds.add(prev);
        digestIds.add(id);
      } else seen.set(k, id);
      infos.set(id, info);
    }
  }
  for (const [id, info] of infos) {
    const loc = model.messages.location(id);
    if ('bytes' in loc) byId.set(id, messageFacts(info, loc.bytes, keep, digestIds.has(id)));
    else located.push({ id, off: loc.fileOffset, len: loc.length });
  }
  // Batched reads in file order; kept (reassembled) messages need no read.
  const windowBytes = Math.max(64 * 1024, opts.windowBytes ?? 4 * 1024 * 1024);
  located.sort((a, b) => a.off - b.off);
  const read = model.source.readTransient?.bind(model.source) ?? model.source.read.bind(model.source);
  let i = 0;
  while (i < located.length) {
    const start = located[i]!.off;
    let end = start + located[i]!.len;
    let j = i + 1;
    while (j < located.length && located[j]!.off + located[j]!.len - start <= windowBytes) {
      end = Math.max(end, located[j]!.off + located[j]!.len);
      j++;
    }
    const buf = await read(start, end - start);
    for (let k = i; k < j; k++) {
      const l = located[k]!;
      const s = l.off - start;
      const bytes = s + l.len <= buf.length ? buf.subarray(s, s + l.len) : buf.subarray(Math.min(s, buf.length));
      byId.set(l.id, messageFacts(infos.get(l.id)!, bytes, keep, digestIds.has(l.id)));
    }
    i = j;
  }
  const calls: CallFacts[] = [];
  for (const ci of callIdx) {
    const call = model.calls[ci];
    if (call === undefined) continue;
    const msgs: MessageFacts[] = [];
    for (const id of call.messageIds) {
      const m = byId.get(id);
      if (m !== undefined) msgs.push(m);
    }
    if (msgs.length === 0) continue;
    msgs.sort((a, b) => a.frame - b.frame || a.id - b.id);
    // Group by transaction (a number), then compare the few distinguishing fields: no key string per message.
    const logical: LogicalMessage[] = [];
    const byTx = new Map<number, LogicalMessage[]>();
    for (const m of msgs) {
      let groups = byTx.get(m.txIndex);
      if (groups === undefined) byTx.set(m.txIndex, (groups = []));
      let lm: LogicalMessage | undefined;
      for (const g of groups) {
        if (sameLogical(g.msgs[0]!, m)) {
          lm = g;
          break;
        }
      }
      if (lm === undefined) {
        lm = { msgs: [] };
        groups.push(lm);
        logical.push(lm);
      }
      lm.msgs.push(m);
    }
    const firstReq = msgs.find((m) => m.kind === 'request' && m.method !== 'ACK' && m.method !== 'CANCEL') ?? msgs[0]!;
    calls.push({
      index: call.index,
      callId: call.callId,
      info: call,
      msgs,
      logical,
      callerTag: firstReq.fromTag,
      callerTags: new Set(msgs.filter((m) => m.kind === 'request' && m.toTag === '' && m.method !== 'ACK' && m.method !== 'CANCEL').map((m) => m.fromTag).concat(firstReq.fromTag)),
      callerName: partyName(firstReq.fromDisplay, firstReq.fromUser, 'caller'),
      calleeName: partyName(firstReq.toDisplay, firstReq.toUser, 'callee'),
      method: call.method,
    });
  }
  return { byId, calls };
}
