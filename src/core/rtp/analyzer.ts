// RTP/RTCP analysis during capture import: SDP declarations in, non-SIP UDP datagrams in, RtpStreamInfo out. Streams
// are matched to calls by their SDP-declared endpoints (either address, so NATed sources still match), or found by an
// opt-in heuristic; RTCP (RFC 3550 §6.4, rtcp-mux RFC 5761 §4) is attached to streams by SSRC within the call.
import type { ProblemCollector } from '../capture/problems';
import type { NetPacket } from '../decode/types';
import { formatIp } from '../util/ip';
import { STATIC_PAYLOAD_FORMATS } from './codecs';
import { Key4Table } from './key-table';
import { ipv4Word, ipv6Key, KIND_ANY, KIND_RTP, MediaRegistry, type MediaEndpoint, type SdpSighting } from './media';
import type { MediaStore } from './media-store';
import { parseRtcp, RTCP_RR, RTCP_SR } from './rtcp';
import { newStreamInfo, rtpHeaderLength, RtpStreamState, type RtpStreamInfo } from './stream';

export interface RtpAnalyzerOptions {
  /**
   * Also detect RTP that no SDP announced (default false, as tshark's rtp_udp heuristic): version 2, a static or
   * dynamic payload type, ports >= 1024, and `heuristicPackets` consecutive sequence numbers with the same SSRC.
   */
  heuristic?: boolean;
  /** Consecutive packets needed before an unsignalled flow counts as RTP (default 5). */
  heuristicPackets?: number;
  /** Most streams tracked (default 500 000, about 0.5 GB); further streams are counted in stats.droppedStreams and reported once. */
  maxStreams?: number;
}

/** Counters over all non-SIP UDP datagrams seen. */
export interface RtpAnalyzerStats {
  /** Datagrams counted into a stream. */
  rtpPackets: number;
  /** RTCP compound packets on declared endpoints (or anywhere with the heuristic). */
  rtcpPackets: number;
  /** Version-2 datagrams with a broken RTP header (too short for CSRC/extension, bad padding, PT 72-76). */
  invalidPackets: number;
  /** Valid-looking RTP on no declared endpoint (ignored unless the heuristic is on). */
  unmatchedPackets: number;
  /** Streams not tracked because maxStreams was reached. */
  droppedStreams: number;
}

interface RtcpAccumulator {
  senderReports: number;
  senderPacketCount: number;
  senderOctetCount: number;
  reportBlocks: number;
  fractionLost: number;
  maxFractionLost: number;
  cumulativeLost: number;
  jitterTs: number;
  maxJitterTs: number;
}

interface Candidate {
  state: RtpStreamState;
  lastSeq: number;
  run: number;
  promoted: boolean;
}

const MAX_CANDIDATES = 4096;
const TWO32 = 4294967296;

/**
 * Streaming RTP/RTCP analyser. Call `onSdp` for each SDP body of a SIP message (in capture order) and `onUdp` for
 * each UDP datagram that is not SIP; `streams` fills in as it goes (`refresh()` updates the statistics of changed
 * streams, `finish()` at the end). Never throws on input. Memory is fixed per stream (no per-packet storage).
 *
 * Hot path (a datagram of a known IPv4 stream): version check, header length, one open-addressing lookup on
 * (src ip, dst ip, ports, SSRC) words, and a fixed amount of arithmetic — no strings, no allocation. IPv6 streams
 * are looked up by a string key built per packet.
 */
export class RtpAnalyzer {
  readonly registry = new MediaRegistry();
  /** Media declarations, in SDP order (CaptureModel.media). */
  readonly media: MediaStore = this.registry.media;
  /** Streams in order of their first packet (CaptureModel.streams). */
  readonly streams: RtpStreamInfo[] = [];
  readonly stats: RtpAnalyzerStats = { rtpPackets: 0, rtcpPackets: 0, invalidPackets: 0, unmatchedPackets: 0, droppedStreams: 0 };
  private readonly states: RtpStreamState[] = [];
  private readonly table4 = new Key4Table(4096);
  private readonly table6 = new Map<string, number>();
  private readonly heuristic: boolean;
  private readonly heuristicPackets: number;
  private readonly maxStreams: number;
  private readonly cand4 = new Key4Table(1024);
  private readonly cand6 = new Map<string, number>();
  private cands: Candidate[] = [];
  private readonly rtcp = new Map<number, RtcpAccumulator>();
  private rtcpChanged = false;

  constructor(
    private readonly problems?: ProblemCollector,
    opts: RtpAnalyzerOptions = {},
  ) {
    this.heuristic = opts.heuristic === true;
    this.heuristicPackets = Math.max(2, Math.floor(opts.heuristicPackets ?? 5));
    this.maxStreams = Math.max(1, Math.floor(opts.maxStreams ?? 500_000));
  }

  /** Register the SDP in `bytes[start, end)` carried by a SIP message (see MediaRegistry.addSdp). */
  onSdp(bytes: Uint8Array, start: number, end: number, at: SdpSighting): void {
    this.registry.addSdp(bytes, start, end, at);
  }

  /** One UDP datagram that is not SIP (views valid during the call only). */
  onUdp(p: NetPacket): void {
    const b = p.buf;
    const s = p.payloadStart;
    const e = p.payloadEnd;
    if (e - s < 8) return;
    const b0 = b[s]!;
    if ((b0 & 0xc0) !== 0x80) return; // RTP and RTCP are version 2 (RFC 3550 §5.1, §6.4.1)
    const b1 = b[s + 1]!;
    if (b1 >= 192 && b1 <= 223) {
      this.onRtcp(p, b, s, e); // RFC 5761 §4
      return;
    }
    const h = rtpHeaderLength(b, s, e);
    if (h < 0) {
      this.stats.invalidPackets++;
      return;
    }
    const ssrc = (b[s + 8]! << 24) | (b[s + 9]! << 16) | (b[s + 10]! << 8) | b[s + 11]!;
    let idx: number;
    let key6 = '';
    if (p.ipVersion === 4) {
      const sa = ipv4Word(p.srcIp);
      const da = ipv4Word(p.dstIp);
      const ports = (p.srcPort << 16) | p.dstPort;
      idx = this.table4.get(sa, da, ports, ssrc);
      if (idx < 0) idx = this.newStream(p, ssrc, sa, da, ports, '');
    } else {
      key6 = `${ipv6Key(p.srcIp, p.srcPort)}>${ipv6Key(p.dstIp, p.dstPort)}#${ssrc}`;
      idx = this.table6.get(key6) ?? this.newStream(p, ssrc, 0, 0, 0, key6);
    }
    if (idx < 0) return;
    this.states[idx]!.add(p, h, b0 & 0x20 ? b[e - 1]! : 0, this.registry.epoch);
    this.stats.rtpPackets++;
  }

  /** Update the statistics of streams changed since the last call (and RTCP summaries). */
  refresh(): void {
    for (const st of this.states) if (st.dirty) st.flush();
    if (this.rtcpChanged) this.attachRtcp();
  }

  /** End of capture: final statistics; candidates of the heuristic that never qualified are dropped. */
  finish(): void {
    for (const st of this.states) st.flush();
    this.attachRtcp();
    this.cands = [];
    this.cand4.clear();
    this.cand6.clear();
  }

  // ------------------------------------------------------------------------------------------------ streams

  /**
   * First packet of an unknown flow: match a declared endpoint, else try the heuristic. The destination is tried
   * first: its SDP says how the receiver numbers payload types (RFC 3264 §5.1), and tshark 4.0 resolves the
   * conversation the same way. The source is tried next (the peer behind NAT sends to an undeclared public address).
   */
  private newStream(p: NetPacket, ssrc: number, sa: number, da: number, ports: number, key6: string): number {
    const v4 = p.ipVersion === 4;
    const reg = this.registry;
    const dstEp = v4 ? reg.findV4(da, p.dstPort, KIND_RTP) : reg.findV6(ipv6Key(p.dstIp, p.dstPort), KIND_RTP);
    const srcEp = dstEp !== undefined ? undefined : v4 ? reg.findV4(sa, p.srcPort, KIND_RTP) : reg.findV6(ipv6Key(p.srcIp, p.srcPort), KIND_RTP);
    const ep = dstEp ?? srcEp;
    if (ep === undefined) {
      this.stats.unmatchedPackets++;
      return this.heuristic ? this.candidate(p, ssrc, sa, da, ports, key6) : -1;
    }
    if (this.states.length >= this.maxStreams) return this.drop(p);
    const media = reg.media;
    const d = ep.declaration;
    const info = newStreamInfo(
      this.streams.length, ep.callIndex, 'sdp', p.ipVersion, formatIp(p.srcIp), p.srcPort, formatIp(p.dstIp), p.dstPort, ssrc >>> 0,
      {
        side: ep === dstEp ? 'destination' : 'source',
        declaration: d,
        address: media.addressOf(d),
        port: media.portOf(d),
        messageId: media.messageIdOf(d),
        frame: media.frameOf(d),
      },
      media.rtcpMuxOf(d),
    );
    return this.track(new RtpStreamState(info, ep), sa, da, ports, ssrc, key6);
  }

  private track(st: RtpStreamState, sa: number, da: number, ports: number, ssrc: number, key6: string): number {
    const idx = this.states.length;
    st.info.index = this.streams.length;
    this.states.push(st);
    this.streams.push(st.info);
    if (key6 === '') this.table4.set(sa, da, ports, ssrc, idx);
    else this.table6.set(key6, idx);
    return idx;
  }

  private drop(p: NetPacket): number {
    if (this.stats.droppedStreams++ === 0) {
      this.problems?.report('rtp/stream-limit', 'warning', `more than ${this.maxStreams} RTP streams; further streams are not analysed`, p.frame);
    }
    return -1;
  }

  /**
   * Heuristic detection of unsignalled RTP: the flow becomes a stream once `heuristicPackets` packets in a row
   * carried consecutive sequence numbers; its statistics include those packets. Returns the stream index or -1.
   */
  private candidate(p: NetPacket, ssrc: number, sa: number, da: number, ports: number, key6: string): number {
    const b = p.buf;
    const s = p.payloadStart;
    const pt = b[s + 1]! & 0x7f;
    if (p.srcPort < 1024 || p.dstPort < 1024 || (pt < 96 && !STATIC_PAYLOAD_FORMATS.has(pt))) return -1;
    const seq = (b[s + 2]! << 8) | b[s + 3]!;
    const ci = key6 === '' ? this.cand4.get(sa, da, ports, ssrc) : (this.cand6.get(key6) ?? -1);
    let c = ci >= 0 ? this.cands[ci] : undefined;
    if (c === undefined || c.promoted) {
      if (this.cands.length >= MAX_CANDIDATES) {
        this.cands = [];
        this.cand4.clear();
        this.cand6.clear();
      }
      c = { state: this.heuristicState(p, ssrc), lastSeq: seq, run: 0, promoted: false };
      if (key6 === '') this.cand4.set(sa, da, ports, ssrc, this.cands.length);
      else this.cand6.set(key6, this.cands.length);
      this.cands.push(c);
    } else if (seq === ((c.lastSeq + 1) & 0xffff)) {
      c.run++;
    } else {
      // Not a sequence: start over from this packet.
      c.state = this.heuristicState(p, ssrc);
      c.run = 0;
    }
    c.lastSeq = seq;
    if (c.run + 1 < this.heuristicPackets) {
      // Count the packet into the candidate's statistics; it is not a stream yet.
      const e = p.payloadEnd;
      c.state.add(p, rtpHeaderLength(b, s, e), b[s]! & 0x20 ? b[e - 1]! : 0, this.registry.epoch);
      return -1;
    }
    if (this.states.length >= this.maxStreams) return this.drop(p);
    c.promoted = true;
    this.stats.rtpPackets += c.state.packets; // packets counted while it was a candidate
    return this.track(c.state, sa, da, ports, ssrc, key6);
  }

  private heuristicState(p: NetPacket, ssrc: number): RtpStreamState {
    const info = newStreamInfo(-1, -1, 'heuristic', p.ipVersion, formatIp(p.srcIp), p.srcPort, formatIp(p.dstIp), p.dstPort, ssrc >>> 0, undefined, false);
    return new RtpStreamState(info, undefined);
  }

  // ------------------------------------------------------------------------------------------------ RTCP

  private onRtcp(p: NetPacket, b: Uint8Array, s: number, e: number): void {
    let ep: MediaEndpoint | undefined;
    if (p.ipVersion === 4) {
      ep = this.registry.findV4(ipv4Word(p.dstIp), p.dstPort, KIND_ANY) ?? this.registry.findV4(ipv4Word(p.srcIp), p.srcPort, KIND_ANY);
    } else {
      ep = this.registry.findV6(ipv6Key(p.dstIp, p.dstPort), KIND_ANY) ?? this.registry.findV6(ipv6Key(p.srcIp, p.srcPort), KIND_ANY);
    }
    if (ep === undefined && !this.heuristic) return;
    const r = parseRtcp(b, s, e);
    if (!r.valid || r.packets.length === 0) {
      this.stats.invalidPackets++;
      return;
    }
    this.stats.rtcpPackets++;
    const call = ep?.callIndex ?? -1;
    for (const pk of r.packets) {
      if (pk.type === RTCP_SR && pk.sender !== undefined) {
        const a = this.acc(call, pk.ssrc);
        a.senderReports++;
        a.senderPacketCount = pk.sender.packetCount;
        a.senderOctetCount = pk.sender.octetCount;
      }
      if (pk.type === RTCP_SR || pk.type === RTCP_RR) {
        for (const rb of pk.reports) {
          const a = this.acc(call, rb.ssrc);
          a.reportBlocks++;
          a.fractionLost = rb.fractionLost;
          if (rb.fractionLost > a.maxFractionLost) a.maxFractionLost = rb.fractionLost;
          a.cumulativeLost = rb.cumulativeLost;
          a.jitterTs = rb.jitter;
          if (rb.jitter > a.maxJitterTs) a.maxJitterTs = rb.jitter;
        }
      }
    }
    this.rtcpChanged = true;
  }

  private acc(callIndex: number, ssrc: number): RtcpAccumulator {
    const k = callIndex * TWO32 + (ssrc >>> 0);
    let a = this.rtcp.get(k);
    if (a === undefined) {
      a = { senderReports: 0, senderPacketCount: 0, senderOctetCount: 0, reportBlocks: 0, fractionLost: 0, maxFractionLost: 0, cumulativeLost: 0, jitterTs: 0, maxJitterTs: 0 };
      this.rtcp.set(k, a);
    }
    return a;
  }

  private attachRtcp(): void {
    this.rtcpChanged = false;
    if (this.rtcp.size === 0) return;
    for (const s of this.streams) {
      const a = this.rtcp.get(s.callIndex * TWO32 + s.ssrc);
      if (a === undefined) continue;
      const toMs = s.clockRate > 0 ? 1000 / s.clockRate : 0;
      s.rtcp = {
        senderReports: a.senderReports,
        senderPacketCount: a.senderPacketCount,
        senderOctetCount: a.senderOctetCount,
        reportBlocks: a.reportBlocks,
        fractionLost: a.fractionLost,
        maxFractionLost: a.maxFractionLost,
        cumulativeLost: a.cumulativeLost,
        jitterMs: a.jitterTs * toMs,
        maxJitterMs: a.maxJitterTs * toMs,
      };
    }
  }
}
