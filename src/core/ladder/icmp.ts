// Which arrows and RTP streams of a ladder were answered by an ICMP/ICMPv6 error (RFC 792, RFC 4443 §3): the SIP
// response a closed NAT pinhole refused (port unreachable), the INVITE a router could not deliver (host unreachable,
// time exceeded), the RTP sent to a private address. Matched on the quoted datagram's addresses and ports, taken from
// the capture model's `icmpQuoted` (errors quoting SIP) and NAT evidence (destination unreachables quoting anything).
import type { IcmpQuotedSip } from '../decode/icmp';
import type { MessageInfo } from '../dialog/types';
import type { IcmpError, IcmpKind } from '../rules/capture/evidence';
import type { RtpStreamInfo } from '../rtp/stream';
import { parseSipMessage } from '../sip/parse-message';
import type { LadderIcmp } from './model';

/** How long after a datagram an ICMP error quoting it still counts as its answer, in seconds. */
export const ICMP_ANSWER_WINDOW_SEC = 5;
/** Tolerance for an error stamped before the datagram it quotes (merged captures of several interfaces), seconds. */
const CLOCK_SKEW_SEC = 0.001;
/** ICMP errors kept per stream (all are counted). */
export const MAX_STREAM_ICMP = 20;

/** The ICMP errors of a ladder's arrows (by MessageInfo.id) and streams (by RtpStreamInfo.index). */
export interface LadderIcmpAnswers {
  messages: Map<number, LadderIcmp[]>;
  streams: Map<number, { icmp: LadderIcmp[]; count: number }>;
}

/**
 * What an ICMP (`ipVersion` 4, RFC 792 and RFC 1812 §5.2.7.1 codes) or ICMPv6 (6, RFC 4443 §3) error message of
 * `type`/`code` says, in words: `port unreachable`, `host unreachable`, `time exceeded`, `packet too big`...
 */
export function icmpErrorText(ipVersion: 4 | 6, type: number, code: number): string {
  if (ipVersion === 4) {
    switch (type) {
      case 3:
        return (
          [
            'net unreachable', 'host unreachable', 'protocol unreachable', 'port unreachable', 'fragmentation needed',
            'source route failed', 'net unknown', 'host unknown', 'source host isolated', 'net prohibited',
            'host prohibited', 'net unreachable for TOS', 'host unreachable for TOS', 'administratively prohibited',
            'host precedence violation', 'precedence cutoff',
          ][code] ?? 'destination unreachable'
        );
      case 4: return 'source quench';
      case 5: return 'redirect';
      case 11: return code === 1 ? 'fragment reassembly time exceeded' : 'time exceeded';
      case 12: return 'parameter problem';
      default: return `error type ${type}`;
    }
  }
  switch (type) {
    case 1:
      return (
        [
          'no route to destination', 'administratively prohibited', 'beyond scope of source address', 'address unreachable',
          'port unreachable', 'source address failed policy', 'reject route to destination',
        ][code] ?? 'destination unreachable'
      );
    case 2: return 'packet too big';
    case 3: return code === 1 ? 'fragment reassembly time exceeded' : 'time exceeded';
    case 4: return 'parameter problem';
    default: return `error type ${type}`;
  }
}

/** IcmpError.kind (NAT evidence: destination unreachables only) in words, as icmpErrorText says it. */
function kindText(kind: IcmpKind): string {
  switch (kind) {
    case 'net-unreachable': return 'net unreachable';
    case 'host-unreachable': return 'host unreachable';
    case 'port-unreachable': return 'port unreachable';
    case 'admin-prohibited': return 'administratively prohibited';
    case 'unreachable': return 'destination unreachable';
  }
}

const key = (src: string, srcPort: number, dst: string, dstPort: number): string => `${src}|${srcPort}|${dst}|${dstPort}`;

const seconds = (sec: number, nsec: number): number => sec + nsec / 1e9;

/** Append `v` to the list of `k` in `map`, creating it. */
function pushTo<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const l = map.get(k);
  if (l === undefined) map.set(k, [v]);
  else l.push(v);
}

/**
 * Match ICMP errors to the UDP `messages` (with their real addresses, as captured) and RTP `streams` of a ladder.
 * A SIP-quoting error (`quoted`) answers the latest message with the quoted addresses, ports and start line sent at
 * most ICMP_ANSWER_WINDOW_SEC before it; a destination unreachable of the NAT evidence (`errors`) quoting a UDP
 * packet answers the stream with the quoted addresses and ports (RTP, or RTCP on both ports + 1) that was running
 * then. Errors that match nothing shown are left out. Never throws.
 */
export function matchIcmpAnswers(
  quoted: readonly IcmpQuotedSip[],
  errors: readonly IcmpError[],
  messages: readonly MessageInfo[],
  streams: readonly RtpStreamInfo[] = [],
): LadderIcmpAnswers {
  const out: LadderIcmpAnswers = { messages: new Map(), streams: new Map() };
  const sipFrames = new Set<number>();
  if (quoted.length > 0 && messages.length > 0) {
    const byTuple = new Map<string, MessageInfo[]>();
    for (const m of messages) if (m.transport === 'UDP') pushTo(byTuple, key(m.src, m.srcPort, m.dst, m.dstPort), m);
    for (const q of quoted) {
      sipFrames.add(q.frame);
      const candidates = byTuple.get(key(q.quotedSrc, q.quotedSrcPort, q.quotedDst, q.quotedDstPort));
      if (candidates === undefined) continue;
      // The quote's start line, read by the parser the export uses for the same (possibly cut) message.
      const quotedMsg = parseSipMessage(q.bytes).message;
      if (quotedMsg.kind === 'invalid') continue;
      const t = seconds(q.timeSec, q.timeNsec);
      let best: MessageInfo | undefined;
      let bestTime = -Infinity;
      for (const m of candidates) {
        const mt = seconds(m.timeSec, m.timeNsec);
        if (mt > t + CLOCK_SKEW_SEC || t - mt > ICMP_ANSWER_WINDOW_SEC || mt < bestTime) continue;
        const same = m.kind === quotedMsg.kind && (quotedMsg.kind === 'response' ? m.statusCode === quotedMsg.statusCode : m.method === quotedMsg.method);
        if (!same) continue;
        best = m;
        bestTime = mt;
      }
      if (best === undefined) continue;
      pushTo(out.messages, best.id, { frame: q.frame, reporter: q.src, error: icmpErrorText(q.ipVersion, q.icmpType, q.icmpCode) });
    }
  }
  if (errors.length > 0 && streams.length > 0) {
    const byTuple = new Map<string, RtpStreamInfo[]>();
    for (const st of streams) {
      pushTo(byTuple, key(st.src, st.srcPort, st.dst, st.dstPort), st);
      if (st.srcPort < 65535 && st.dstPort < 65535) pushTo(byTuple, key(st.src, st.srcPort + 1, st.dst, st.dstPort + 1), st);
    }
    for (const e of errors) {
      if (e.protocol !== 17 || sipFrames.has(e.frame)) continue;
      const candidates = byTuple.get(key(e.src, e.srcPort, e.dst, e.dstPort));
      if (candidates === undefined) continue;
      let best: RtpStreamInfo | undefined;
      for (const st of candidates) {
        const from = seconds(st.startSec, st.startNsec) - CLOCK_SKEW_SEC;
        const to = seconds(st.endSec, st.endNsec) + ICMP_ANSWER_WINDOW_SEC;
        if (e.time < from || e.time > to) continue;
        if (best === undefined || seconds(st.startSec, st.startNsec) > seconds(best.startSec, best.startNsec)) best = st;
      }
      if (best === undefined) continue;
      let entry = out.streams.get(best.index);
      if (entry === undefined) out.streams.set(best.index, (entry = { icmp: [], count: 0 }));
      entry.count++;
      if (entry.icmp.length < MAX_STREAM_ICMP) entry.icmp.push({ frame: e.frame, reporter: e.reporter, error: kindText(e.kind) });
    }
  }
  return out;
}
