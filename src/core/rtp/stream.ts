// One RTP stream's statistics (RFC 3550): header validation (§5.1, A.1), extended sequence numbers, loss, duplicates
// and reordering (A.1, A.3), interarrival jitter (§6.4.1, A.8) computed as tshark 4.0 does, RFC 4733 events.
// Fixed-size state per stream, nothing stored per packet; updating a known stream allocates nothing (except when a
// new payload type or RFC 4733 event shows up).
import { dtmfChar, isComfortNoise, isTelephoneEvent, jitterClockRate, payloadName, unsignalledFormat, type PayloadFormat } from './codecs';
import type { MediaEndpoint } from './media';

/** The SDP declaration a stream matched. */
export interface RtpStreamMatch {
  /**
   * Which packet address matched the declared endpoint: `destination` (the receiver declared it; tried first), or
   * `source` (the sender declared it and sends from its receive port, symmetric RTP, while the destination is
   * undeclared: typically the receiver is behind NAT and the packet goes to its public mapping).
   */
  side: 'source' | 'destination';
  /** Index into CaptureModel.media of the declaration current when the stream started. */
  declaration: number;
  /** The declared address and port (may differ from the observed source/destination behind NAT). */
  address: string;
  port: number;
  /** SIP message (MessageInfo.id) and frame whose SDP declared it. */
  messageId: number;
  frame: number;
}

/** What RTCP (RFC 3550 §6.4) said about a stream, from SR sender info and RR/SR report blocks for its SSRC. */
export interface RtpStreamRtcp {
  /** Sender reports sent by this stream's SSRC, and the packet / octet counts of the last one. */
  senderReports: number;
  senderPacketCount: number;
  senderOctetCount: number;
  /** Report blocks about this SSRC (from the receiver's SR/RR). */
  reportBlocks: number;
  /** Fraction lost (0..1) of the last block and the highest seen. */
  fractionLost: number;
  maxFractionLost: number;
  /** Cumulative packets lost as the receiver last reported it (can be negative with duplicates). */
  cumulativeLost: number;
  /** Receiver-reported interarrival jitter, last and highest, in ms (timestamp units / stream clock rate); 0 if the clock rate is unknown. */
  jitterMs: number;
  maxJitterMs: number;
}

/**
 * One RTP stream = packets with the same (source IP, source port, destination IP, destination port, SSRC).
 * Plain data (JSON-ready); units are in field names: `Ms` milliseconds, `Sec`/`Nsec` capture epoch time.
 * Delta and jitter follow tshark 4.0's `-z rtp,streams` (ui/tap-rtp-analysis.c) so values can be compared:
 * - jitter J is RFC 3550 §6.4.1 / A.8, J += (|D| - J) / 16, with D the difference of relative transit times of this
 *   packet and the previous in-timestamp-sequence packet, converted to ms with the payload type's RTP clock rate;
 * - packets with no usable clock rate (RFC 4733 telephone-event, undeclared dynamic types) do not update J;
 * - min/mean/max delta and jitter only take "regular" packets: not the first, no marker bit, not comfort noise
 *   (PT 13/19) or the packet right after one, and an RTP timestamp not before the first packet's (mod 2^32);
 * - mean delta/jitter use tshark's running formula mean = (mean * (n - 1) + x) / n, n = packets before this one.
 * Loss follows RFC 3550 A.1/A.3: expected = extended highest sequence - first + 1 (a jump of more than 3000 that
 * the next packet confirms restarts the count, A.1); lost = expected - packets (negative with duplicates, as tshark).
 *
 * Deliberate differences from tshark 4.0.17 (none shows on the corpus and sample captures, see
 * test/core/rtp/tshark.test.ts): tshark counts expected up to the LAST packet's sequence number, not the highest;
 * it treats every packet after an RTP timestamp wrap (2^32) as out of sequence, here timestamps are compared mod
 * 2^32 (RFC 3550 §5.1); it divides the clock rate by 1000 in integers (44100 Hz -> 44) where this is exact; it gives
 * no clock rate to non-static payload types below 96, here an rtpmap is honoured; and an SDP m= line of a non-RTP
 * protocol (T.38 `udptl`) re-types the address for tshark, while here only RTP profiles are registered.
 */
export interface RtpStreamInfo {
  /** Index in CaptureModel.streams. */
  index: number;
  /** Index into CaptureModel.calls (from the matched SDP), or -1 for unsignalled (heuristic) streams. */
  callIndex: number;
  /** `sdp`: an endpoint declared in SDP matched; `heuristic`: unsignalled, found by header plausibility and sequence continuity. */
  detection: 'sdp' | 'heuristic';
  ipVersion: 4 | 6;
  /** Observed addresses (tshark text form) and ports. */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Synchronization source (uint32). */
  ssrc: number;
  matched: RtpStreamMatch | undefined;
  /** Payload types in the order first seen, and their names (rtpmap/static encoding, else `PT<n>`). */
  payloadTypes: number[];
  codecs: string[];
  /** Main codec: the first payload type seen that is not comfort noise or telephone-event ('' if none). */
  codec: string;
  /** RTP clock rate of the main codec in Hz (0 when unknown). */
  clockRate: number;
  /** Frames (1-based record numbers) and capture times of the first and last packet. */
  firstFrame: number;
  lastFrame: number;
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;
  /** Seconds from the first to the last packet. */
  durationSec: number;
  /** RTP packets received (valid headers, duplicates included). */
  packets: number;
  /** RFC 3550 A.3 expected packet count and lost = expected - packets; lostPercent = lost * 100 / expected. */
  expected: number;
  lost: number;
  lostPercent: number;
  /** Packets whose sequence number was already received (within the last 128), and late (reordered) packets. */
  duplicates: number;
  outOfOrder: number;
  /** Packets whose sequence number was not previous + 1 (tshark's "wrong sequence" count: gaps, late, duplicates). */
  sequenceErrors: number;
  /** Sequence jumps of more than 3000 confirmed by the next packet (RFC 3550 A.1 re-synchronisation). */
  sequenceJumps: number;
  /** Packets with an RTP timestamp before the first packet's (modulo 2^32): excluded from delta/jitter. */
  wrongTimestamps: number;
  /** Packets with the marker bit set. */
  markers: number;
  /** RTP payload bytes (headers, CSRCs, extensions and padding excluded). */
  payloadBytes: number;
  /** Arrival time between consecutive in-sequence packets, ms; maxDeltaFrame = frame of the max. 0 when undefined. */
  minDeltaMs: number;
  meanDeltaMs: number;
  maxDeltaMs: number;
  maxDeltaFrame: number;
  /** Interarrival jitter (RFC 3550 §6.4.1) in ms: at the last packet, and min/mean/max over regular packets. */
  jitterMs: number;
  minJitterMs: number;
  meanJitterMs: number;
  maxJitterMs: number;
  /** tshark's "Problems?" column: a sequence error or a wrong timestamp was seen. */
  problem: boolean;
  /** RFC 4733 telephone events: number of distinct events (by RTP timestamp) and their digits in order (max 64). */
  events: { count: number; digits: string };
  /** The matched declaration asked for rtcp-mux (RFC 5761). */
  rtcpMux: boolean;
  /** RTCP reports about or from this SSRC (same call), undefined when none was seen. */
  rtcp: RtpStreamRtcp | undefined;
}

/** RFC 3550 A.1 constants. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 65536;
/** Duplicate detection window (sequence numbers behind the highest); >= MAX_MISORDER. */
const WINDOW = 128;
const MAX_DIGITS = 64;

/**
 * RTP header length (RFC 3550 §5.1: 12 + 4 * CSRC count + extension) of the packet in `b[s, e)`, or -1 when the packet
 * is not valid RTP (A.1): version not 2, too short for its CSRCs/extension, payload type 72-76 (would be RTCP
 * SR/RR with the marker bit, RFC 5761 §4), or a padding count of 0 or beyond the payload. `checkPadding` false skips
 * that last check: in SRTP (RFC 3711 §3.1) the padding is inside the encrypted part and the last byte is the
 * authentication tag's.
 */
export function rtpHeaderLength(b: Uint8Array, s: number, e: number, checkPadding = true): number {
  const n = e - s;
  if (n < 12) return -1;
  const b0 = b[s]!;
  if ((b0 & 0xc0) !== 0x80) return -1;
  const pt = b[s + 1]! & 0x7f;
  if (pt >= 72 && pt <= 76) return -1;
  let h = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (n < h + 4) return -1;
    h += 4 + ((b[s + h + 2]! << 8) | b[s + h + 3]!) * 4;
  }
  if (n < h) return -1;
  if (checkPadding && rtpPayloadEnd(b, s, h, e) < 0) return -1;
  return h;
}

/**
 * End of the RTP payload of the packet b[s, e) whose header is `h` bytes: `e` less the padding when the P bit is set
 * (RFC 3550 §5.1: the last byte counts the padding bytes, itself included), or -1 when that count is 0 or reaches
 * into the header.
 */
export function rtpPayloadEnd(b: Uint8Array, s: number, h: number, e: number): number {
  if ((b[s]! & 0x20) === 0) return e;
  const pad = b[e - 1]!;
  return pad === 0 || h + pad > e - s ? -1 : e - pad;
}

/** The fields of a decoded packet (decode/types.ts NetPacket) that RTP analysis reads. */
export interface RtpPacketView {
  frame: number;
  timeSec: number;
  timeNsec: number;
  buf: Uint8Array;
  payloadStart: number;
  payloadEnd: number;
}

// Per-stream numeric state: one Float64Array record per stream (contiguous, unboxed), fields in the order the
// per-packet path touches them so a packet of a known stream reads few cache lines (captures interleave thousands of
// streams, so the state of the next packet's stream is rarely in cache).
const PACKETS = 0;
const CACHE_PT = 1;
const CACHE_EPOCH = 2;
const CACHE_CLOCK = 3;
const CACHE_EVENT = 4;
const LAST_FRAME = 5;
const END_SEC = 6;
const END_NSEC = 7;
const PAYLOAD_BYTES = 8;
const MARKERS = 9;
const BASE_SEC = 10;
const MAX_SEQ = 11;
const CYCLES = 12;
const W0 = 13; // W0..W3: 128-bit window of received sequence numbers (duplicate detection)
const FIRST_TS = 17;
const WRONG_TS = 18;
const TS_SEQ = 19;
const SEQ_ERRORS = 20;
const PREV_PT = 21;
const LAST_T = 22;
const LAST_NOM = 23;
const JITTER = 24;
const DELTA = 25;
const MAX_DELTA = 26;
const MIN_DELTA = 27;
const MEAN_DELTA = 28;
const MAX_DELTA_FRAME = 29;
const MAX_JITTER = 30;
const MIN_JITTER = 31;
const MEAN_JITTER = 32;
const DUPLICATES = 33;
const OUT_OF_ORDER = 34;
const BASE_EXT = 35;
const BAD_SEQ = 36;
const EXPECTED_ACC = 37;
const JUMPS = 38;
const FIRST_FRAME = 39;
const START_SEC = 40;
const START_NSEC = 41;
const EVENT_COUNT = 42;
const EVENT_TS = 43;
const NF = 44;

/** Streams whose numeric state shares one slab (see stateArea). */
const SLAB_STREAMS = 1024;
let slab = new Float64Array(0);
let slabUsed = 0;

/**
 * NF zeroed numbers for one stream's state, cut from a shared slab: one small ArrayBuffer per stream cost ~120 ms
 * to allocate and track for the 70 000 streams of the bench capture. A slab lives as long as any of its streams.
 */
function stateArea(): Float64Array {
  if (slabUsed + NF > slab.length) {
    slab = new Float64Array(SLAB_STREAMS * NF);
    slabUsed = 0;
  }
  const area = slab.subarray(slabUsed, slabUsed + NF);
  slabUsed += NF;
  return area;
}

/** Mutable per-stream state; `info` is the plain-data view, refreshed by `flush()`. */
export class RtpStreamState {
  readonly info: RtpStreamInfo;
  /** Declared endpoint whose payload formats name this stream's payload types (undefined: static table only). */
  endpoint: MediaEndpoint | undefined;
  dirty = true;
  private readonly f = stateArea();
  /** Payload types in the order first seen. */
  private readonly pts: number[] = [];
  /** pts.length and endpoint version at the last flush (names are recomputed only when they change). */
  private flushedPts = -1;
  private flushedVersion = -1;
  /** RFC 4733 event digits. */
  private digits = '';

  constructor(info: RtpStreamInfo, endpoint: MediaEndpoint | undefined) {
    this.info = info;
    this.endpoint = endpoint;
    const f = this.f;
    f[CACHE_PT] = -1;
    f[CACHE_EPOCH] = -1;
    f[PREV_PT] = -1;
    f[MIN_DELTA] = Infinity;
    f[MIN_JITTER] = Infinity;
    f[BAD_SEQ] = -1;
  }

  /** Packets counted so far. */
  get packets(): number {
    return this.f[PACKETS]!;
  }

  // Read-only views of the state after the latest `add`, for per-packet series (stream-series.ts): a caller compares
  // the counters before and after an add to classify that packet. Nothing here is written by the hot path.

  /** Arrival delta (ms) of the latest packet whose RTP timestamp was in sequence, to the one before it; 0 at first. */
  get currentDeltaMs(): number {
    return this.f[DELTA]!;
  }

  /** Interarrival jitter J (RFC 3550 §6.4.1, A.8) in ms after the latest packet. */
  get currentJitterMs(): number {
    return this.f[JITTER]!;
  }

  /** Jitter clock rate (Hz) of the latest packet's payload type, 0 when it has none (J is not updated then). */
  get currentClockRate(): number {
    return this.f[CACHE_CLOCK]!;
  }

  /** Highest sequence number received so far (RFC 3550 A.1 max_seq, 16 bits; before a jump is confirmed, the old one). */
  get highestSequence(): number {
    return this.f[MAX_SEQ]!;
  }

  /** Running counts (RtpStreamInfo.sequenceErrors, duplicates, outOfOrder, wrongTimestamps without a flush). */
  get sequenceErrorCount(): number {
    return this.f[SEQ_ERRORS]!;
  }

  get duplicateCount(): number {
    return this.f[DUPLICATES]!;
  }

  get outOfOrderCount(): number {
    return this.f[OUT_OF_ORDER]!;
  }

  get wrongTimestampCount(): number {
    return this.f[WRONG_TS]!;
  }

  /**
   * Add one RTP packet: the UDP payload of `p` (views valid during the call), whose header length `h` was checked with
   * rtpHeaderLength and whose padding is `pad` bytes. `epoch` is the media registry's epoch (it changes when any
   * declaration updates payload formats in place): the payload-type cache is refreshed when it moves. Takes the packet
   * rather than its fields so capture times and 32-bit timestamps stay unboxed: no allocation per packet.
   */
  add(p: RtpPacketView, h: number, pad: number, epoch: number): void {
    const f = this.f;
    const b = p.buf;
    const s = p.payloadStart;
    const b1 = b[s + 1]!;
    const seq = (b[s + 2]! << 8) | b[s + 3]!;
    const ts = ((b[s + 4]! << 24) | (b[s + 5]! << 16) | (b[s + 6]! << 8) | b[s + 7]!) >>> 0;
    const frame = p.frame;
    const timeSec = p.timeSec;
    const timeNsec = p.timeNsec;
    const pt = b1 & 0x7f;
    const marker = b1 >= 0x80;
    if (pt !== f[CACHE_PT] || epoch !== f[CACHE_EPOCH]) this.lookupPt(pt, epoch);
    this.dirty = true;
    f[LAST_FRAME] = frame;
    f[END_SEC] = timeSec;
    f[END_NSEC] = timeNsec;
    f[PAYLOAD_BYTES] = f[PAYLOAD_BYTES]! + p.payloadEnd - pad - (s + h);
    if (marker) f[MARKERS] = f[MARKERS]! + 1;
    if (f[CACHE_EVENT] !== 0) this.event(b, s + h, p.payloadEnd - pad, ts);
    const n = f[PACKETS]!;
    if (n === 0) {
      this.first(seq, ts, pt, frame, timeSec, timeNsec);
      return;
    }
    const tMs = (timeSec - f[BASE_SEC]!) * 1000 + timeNsec / 1e6;
    this.sequence(seq);

    // tshark 4.0 rtppacket_analyse: timestamp sequence relative to the first packet (RFC 3550 §5.1: mod 2^32).
    const d = (ts - f[FIRST_TS]!) >>> 0;
    const inSeq = d < 0x80000000;
    if (!inSeq) f[WRONG_TS] = f[WRONG_TS]! + 1;
    const sn = f[TS_SEQ]!;
    if (inSeq && sn + 1 === seq) f[TS_SEQ] = seq;
    else if (inSeq && sn === 65535 && seq === 0) f[TS_SEQ] = seq;
    else if (inSeq && (sn + 1 < seq || ((sn - seq) >>> 0) > 0xff00)) {
      f[TS_SEQ] = seq;
      f[SEQ_ERRORS] = f[SEQ_ERRORS]! + 1;
    } else if (sn + 1 > seq) f[SEQ_ERRORS] = f[SEQ_ERRORS]! + 1;

    const prevPt = f[PREV_PT]!;
    const followCn = isComfortNoise(prevPt);
    if (pt !== prevPt) this.notePt(pt);
    f[PREV_PT] = pt;
    const clock = f[CACHE_CLOCK]!;
    let cj = 0;
    if (inSeq) {
      if (clock !== 0) {
        // RFC 3550 A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si), here in ms; J += (|D| - J) / 16.
        const nominal = (d * 1000) / clock;
        const diff = Math.abs(tMs - (f[LAST_T]! + (nominal - f[LAST_NOM]!)));
        cj = (15 * f[JITTER]! + diff) / 16;
        f[JITTER] = cj;
        f[LAST_NOM] = nominal;
      }
      f[DELTA] = tMs - f[LAST_T]!;
    }
    if (!marker && inSeq && !followCn && !isComfortNoise(pt)) {
      const delta = f[DELTA]!;
      if (delta > f[MAX_DELTA]!) {
        f[MAX_DELTA] = delta;
        f[MAX_DELTA_FRAME] = frame;
      }
      if (delta < f[MIN_DELTA]!) f[MIN_DELTA] = delta;
      f[MEAN_DELTA] = (f[MEAN_DELTA]! * (n - 1) + delta) / n;
      if (clock !== 0) {
        const j = f[JITTER]!;
        if (j > f[MAX_JITTER]!) f[MAX_JITTER] = j;
        f[MEAN_JITTER] = (f[MEAN_JITTER]! * (n - 1) + cj) / n;
        if (j < f[MIN_JITTER]!) f[MIN_JITTER] = j;
      }
    }
    if (inSeq) f[LAST_T] = tMs;
    f[PACKETS] = n + 1;
  }

  private first(seq: number, ts: number, pt: number, frame: number, timeSec: number, timeNsec: number): void {
    const f = this.f;
    f[PACKETS] = 1;
    f[MAX_SEQ] = seq;
    f[BASE_EXT] = seq;
    this.setBit(seq);
    f[TS_SEQ] = seq;
    f[BASE_SEC] = timeSec;
    f[FIRST_TS] = ts;
    f[LAST_T] = timeNsec / 1e6;
    f[LAST_NOM] = 0;
    f[FIRST_FRAME] = frame;
    f[START_SEC] = timeSec;
    f[START_NSEC] = timeNsec;
    this.notePt(pt);
    f[PREV_PT] = pt;
  }

  /** RFC 3550 A.1 update_seq, without probation (a passive observer counts every packet). */
  private sequence(seq: number): void {
    const f = this.f;
    const maxSeq = f[MAX_SEQ]!;
    const udelta = (seq - maxSeq) & 0xffff;
    if (udelta === 0) {
      f[DUPLICATES] = f[DUPLICATES]! + 1;
      return;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < maxSeq) f[CYCLES] = f[CYCLES]! + SEQ_MOD;
      const ext = f[CYCLES]! + seq;
      if (udelta >= WINDOW) f[W0] = f[W0 + 1] = f[W0 + 2] = f[W0 + 3] = 0;
      else for (let k = 1; k < udelta; k++) this.clearBit(ext - k);
      this.setBit(ext);
      f[MAX_SEQ] = seq;
      return;
    }
    if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // Large jump: the source restarted (or many packets were lost). Accept it when the next packet follows it.
      if (seq === f[BAD_SEQ]) {
        f[JUMPS] = f[JUMPS]! + 1;
        f[EXPECTED_ACC] = f[EXPECTED_ACC]! + f[CYCLES]! + maxSeq - f[BASE_EXT]! + 1;
        f[CYCLES] = 0;
        f[MAX_SEQ] = seq;
        f[BASE_EXT] = seq - 1; // the packet that started the jump
        f[W0] = f[W0 + 1] = f[W0 + 2] = f[W0 + 3] = 0;
        this.setBit(seq - 1);
        this.setBit(seq);
        f[BAD_SEQ] = -1;
      } else {
        f[BAD_SEQ] = (seq + 1) & 0xffff;
      }
      return;
    }
    // Behind the highest: duplicate or late (reordered) packet.
    const back = SEQ_MOD - udelta;
    const ext = f[CYCLES]! + maxSeq - back;
    if (back < WINDOW) {
      if (this.getBit(ext)) {
        f[DUPLICATES] = f[DUPLICATES]! + 1;
        return;
      }
      this.setBit(ext);
    }
    f[OUT_OF_ORDER] = f[OUT_OF_ORDER]! + 1;
    if (ext < f[BASE_EXT]!) f[BASE_EXT] = ext;
  }

  private getBit(ext: number): boolean {
    const i = ext & (WINDOW - 1);
    return (this.f[W0 + (i >> 5)]! & (1 << (i & 31))) !== 0;
  }

  private setBit(ext: number): void {
    const i = ext & (WINDOW - 1);
    const w = W0 + (i >> 5);
    this.f[w] = this.f[w]! | (1 << (i & 31));
  }

  private clearBit(ext: number): void {
    const i = ext & (WINDOW - 1);
    const w = W0 + (i >> 5);
    this.f[w] = this.f[w]! & ~(1 << (i & 31));
  }

  private lookupPt(pt: number, epoch: number): void {
    const f = this.f;
    const ep = this.endpoint;
    f[CACHE_PT] = pt;
    f[CACHE_EPOCH] = epoch;
    if (ep !== undefined) {
      f[CACHE_CLOCK] = ep.clockOf(pt);
      const fmt = ep.formatOf(pt);
      f[CACHE_EVENT] = fmt !== undefined && isTelephoneEvent(fmt.encoding) ? 1 : 0;
    } else {
      const fmt = unsignalledFormat(pt);
      f[CACHE_CLOCK] = jitterClockRate(fmt);
      f[CACHE_EVENT] = fmt !== undefined && isTelephoneEvent(fmt.encoding) ? 1 : 0;
    }
  }

  private notePt(pt: number): void {
    if (!this.pts.includes(pt)) this.pts.push(pt);
  }

  /** RFC 4733 §2.3: event (8 bits), E/R/volume, duration; all packets of one event share its RTP timestamp (§2.5.1). */
  private event(b: Uint8Array, ps: number, pe: number, ts: number): void {
    const f = this.f;
    if (pe - ps < 4) return;
    if (f[EVENT_COUNT]! > 0 && ts === f[EVENT_TS]) return;
    f[EVENT_COUNT] = f[EVENT_COUNT]! + 1;
    f[EVENT_TS] = ts;
    if (this.digits.length < MAX_DIGITS) this.digits += dtmfChar(b[ps]!);
  }

  /** Expected packets so far (RFC 3550 A.3, summed over A.1 re-synchronisations). */
  get expected(): number {
    const f = this.f;
    return f[PACKETS] === 0 ? 0 : f[EXPECTED_ACC]! + f[CYCLES]! + f[MAX_SEQ]! - f[BASE_EXT]! + 1;
  }

  /** Copy the statistics into `info` (called by the analyzer on progress and at the end). */
  flush(): void {
    this.dirty = false;
    const f = this.f;
    const s = this.info;
    const ep = this.endpoint;
    const version = ep !== undefined ? ep.version : 0;
    if (this.flushedPts !== this.pts.length || this.flushedVersion !== version) {
      this.flushedPts = this.pts.length;
      this.flushedVersion = version;
      const names: string[] = [];
      let codec = '';
      let clockRate = 0;
      for (const pt of this.pts) {
        const fmt: PayloadFormat | undefined = ep !== undefined ? ep.formatOf(pt) : unsignalledFormat(pt);
        const name = payloadName(pt, fmt);
        names.push(name);
        if (codec === '' && !isComfortNoise(pt) && !(fmt !== undefined && isTelephoneEvent(fmt.encoding))) {
          codec = name;
          clockRate = ep !== undefined ? ep.clockOf(pt) : (fmt?.clockRate ?? 0);
        }
      }
      s.payloadTypes = this.pts.slice();
      s.codecs = names;
      s.codec = codec;
      s.clockRate = clockRate;
    }
    const packets = f[PACKETS]!;
    s.firstFrame = int(f[FIRST_FRAME]!);
    s.lastFrame = int(f[LAST_FRAME]!);
    s.startSec = f[START_SEC]!;
    s.startNsec = int(f[START_NSEC]!);
    s.endSec = f[END_SEC]!;
    s.endNsec = int(f[END_NSEC]!);
    s.durationSec = Math.round((s.endSec - s.startSec) * 1e9 + (s.endNsec - s.startNsec)) / 1e9;
    s.packets = int(packets);
    const expected = this.expected;
    s.expected = int(expected);
    s.lost = int(expected - packets);
    s.lostPercent = expected > 0 ? (s.lost * 100) / expected : 0;
    s.duplicates = int(f[DUPLICATES]!);
    s.outOfOrder = int(f[OUT_OF_ORDER]!);
    s.sequenceErrors = int(f[SEQ_ERRORS]!);
    s.sequenceJumps = int(f[JUMPS]!);
    s.wrongTimestamps = int(f[WRONG_TS]!);
    s.markers = int(f[MARKERS]!);
    s.payloadBytes = f[PAYLOAD_BYTES]!;
    s.minDeltaMs = f[MIN_DELTA] === Infinity ? 0 : f[MIN_DELTA]!;
    s.meanDeltaMs = f[MEAN_DELTA]!;
    s.maxDeltaMs = f[MAX_DELTA]!;
    s.maxDeltaFrame = int(f[MAX_DELTA_FRAME]!);
    s.jitterMs = f[JITTER]!;
    s.minJitterMs = f[MIN_JITTER] === Infinity ? 0 : f[MIN_JITTER]!;
    s.meanJitterMs = f[MEAN_JITTER]!;
    s.maxJitterMs = f[MAX_JITTER]!;
    s.problem = f[SEQ_ERRORS]! > 0 || f[WRONG_TS]! > 0;
    const events = int(f[EVENT_COUNT]!);
    if (s.events.count !== events || s.events.digits !== this.digits) s.events = { count: events, digits: this.digits };
  }
}

/**
 * A count or frame number read from the Float64Array state as a small integer (V8 Smi) when it is one. Storing the
 * double read from the typed array into the info object's integer fields would change their representation to double
 * and migrate every RtpStreamInfo object of the capture (measured: +0.3 s and +48 MB on 70 000 streams).
 */
function int(x: number): number {
  return x >= -0x40000000 && x < 0x40000000 ? x | 0 : x;
}

/** A fresh RtpStreamInfo with identity fields set and statistics zeroed. */
export function newStreamInfo(
  index: number,
  callIndex: number,
  detection: 'sdp' | 'heuristic',
  ipVersion: 4 | 6,
  src: string,
  srcPort: number,
  dst: string,
  dstPort: number,
  ssrc: number,
  matched: RtpStreamMatch | undefined,
  rtcpMux: boolean,
): RtpStreamInfo {
  // Fields that can hold non-small-integer numbers (fractions, epoch seconds, SSRCs >= 2^30, byte counts) start as
  // -0, a heap number, so V8 gives them a double representation up front: otherwise the first flush() after
  // thousands of streams were created generalises the shape and migrates every object (measured: 10x slower).
  const D = -0;
  const info: RtpStreamInfo = {
    index, callIndex, detection, ipVersion, src, srcPort, dst, dstPort, ssrc: D, matched,
    payloadTypes: [], codecs: [], codec: '', clockRate: 0,
    firstFrame: 0, lastFrame: 0, startSec: D, startNsec: 0, endSec: D, endNsec: 0, durationSec: D,
    packets: 0, expected: 0, lost: 0, lostPercent: D, duplicates: 0, outOfOrder: 0, sequenceErrors: 0, sequenceJumps: 0,
    wrongTimestamps: 0, markers: 0, payloadBytes: D,
    minDeltaMs: D, meanDeltaMs: D, maxDeltaMs: D, maxDeltaFrame: 0,
    jitterMs: D, minJitterMs: D, meanJitterMs: D, maxJitterMs: D,
    problem: false, events: { count: 0, digits: '' }, rtcpMux, rtcp: undefined,
  };
  info.ssrc = ssrc;
  return info;
}
