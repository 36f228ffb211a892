// Per-packet view of one RTP stream, as Wireshark's "RTP Stream Analysis": each packet's arrival delta and RFC 3550
// interarrival jitter, sequence problems, and a downsampled series for drawing. The numbers come from RtpStreamState
// fed with the stream's packets again, so they are the ones behind the stream's summary (RtpStreamInfo).
import type { ByteSource } from '../bytes/byte-source';
import { u16be } from '../bytes/cursor';
import { grown } from '../util/typed-array';
import { isComfortNoise } from './codecs';
import { MediaEndpoint } from './media';
import type { MediaStore } from './media-store';
import { RtpStreamState, newStreamInfo, type RtpStreamInfo } from './stream';
import { forEachStreamPacket } from './stream-packets';

/** Row flags (StreamSeriesRows.flags bits). */
export const SERIES_MARKER = 1;
/** tshark's "wrong sequence": the sequence number is not the previous in-sequence one + 1 (gaps, late, duplicates). */
export const SERIES_WRONG_SEQUENCE = 2;
/** Sequence number already received (RFC 3550 A.1, within the last 128). */
export const SERIES_DUPLICATE = 4;
/** Late (reordered) packet: behind the highest sequence number and not a duplicate. */
export const SERIES_OUT_OF_ORDER = 8;
/** RTP timestamp before the first packet's (modulo 2^32): delta and jitter not updated. */
export const SERIES_WRONG_TIMESTAMP = 16;
/** Counted in the summary's min/mean/max delta (RtpStreamInfo): in sequence, no marker, not comfort noise or after it. */
export const SERIES_REGULAR = 32;
/** Also counted in the jitter statistics (regular, and the payload type has a jitter clock rate). */
export const SERIES_JITTER = 64;
/** Comfort noise payload (RFC 3389, PT 13/19). */
export const SERIES_COMFORT_NOISE = 128;

/**
 * One row per packet of the stream, in capture order, as parallel typed arrays of length `count` (a 1-hour 20 ms
 * stream, 180 000 packets, takes about 5.6 MB).
 */
export interface StreamSeriesRows {
  count: number;
  /** Capture frame (1-based record number). */
  frame: Uint32Array;
  /** RTP sequence number. */
  seq: Uint16Array;
  /** Arrival time in seconds from the stream's first packet. */
  offsetSec: Float64Array;
  /**
   * Arrival time (ms) since the previous packet whose RTP timestamp was in sequence (the summary's delta); 0 for the
   * first packet; a packet with a wrong timestamp repeats the previous value.
   */
  deltaMs: Float64Array;
  /** Interarrival jitter J (RFC 3550 §6.4.1, A.8) in ms after this packet. */
  jitterMs: Float64Array;
  /**
   * Sequence numbers this packet skipped over the highest received so far (RFC 3550 A.1; a gap when it arrived, 0
   * otherwise; a later reordered packet may fill it). A step of 3000 or more is a jump, not a gap.
   */
  missing: Uint16Array;
  /** SERIES_* bits. */
  flags: Uint8Array;
}

/** Downsampled series for drawing: at most `maxPoints` buckets of consecutive rows. */
export interface StreamSeriesPoints {
  /** Seconds from the stream start of each bucket's first regular row. */
  offsetSec: number[];
  /** Per bucket: the highest delta (ms) of its regular rows, and the highest jitter (ms) of its jitter rows (0 when none). */
  maxDeltaMs: number[];
  maxJitterMs: number[];
  /** Buckets with missing sequence numbers: seconds from the stream start of the first gap, and the count missing. */
  gapOffsetSec: number[];
  gapMissing: number[];
}

export interface StreamSeries {
  /** RtpStreamInfo.index. */
  streamIndex: number;
  /** Packets found (all, also beyond `maxRows`). */
  packets: number;
  rows: StreamSeriesRows;
  /** More packets than `maxRows`: rows and points stop there (the maxima below still cover every packet). */
  truncated: boolean;
  /** Highest delta (ms) over regular rows and its frame, highest jitter (ms) over jitter rows: RtpStreamInfo.maxDeltaMs / maxDeltaFrame / maxJitterMs. */
  maxDeltaMs: number;
  maxDeltaFrame: number;
  maxJitterMs: number;
  /** Sum of `missing` over all packets. */
  missingPackets: number;
  points: StreamSeriesPoints;
}

export interface StreamSeriesOptions {
  /** Most buckets in `points` (default 1000, at least 2). */
  maxPoints?: number;
  /** Most rows kept (default 2 000 000). */
  maxRows?: number;
  /** Bytes per read from the source. */
  chunkSize?: number;
  isCancelled?: () => boolean;
}

const DEFAULT_MAX_POINTS = 1000;
const DEFAULT_MAX_ROWS = 2_000_000;
/** RFC 3550 A.1: a larger step is a jump (a restart), not loss. */
const MAX_DROPOUT = 3000;

/**
 * Wireshark-like status of a row: `duplicate`, `wrong sequence (out of order)`, `wrong sequence (n lost)`,
 * `wrong sequence`, `wrong timestamp`, `marker`, else `ok` (the first that applies).
 */
export function seriesRowStatus(flags: number, missing: number): string {
  if (flags & SERIES_DUPLICATE) return 'duplicate';
  if (flags & SERIES_OUT_OF_ORDER) return 'wrong sequence (out of order)';
  if (missing > 0) return `wrong sequence (${missing} lost)`;
  if (flags & SERIES_WRONG_SEQUENCE) return 'wrong sequence';
  if (flags & SERIES_WRONG_TIMESTAMP) return 'wrong timestamp';
  if (flags & SERIES_MARKER) return 'marker';
  return 'ok';
}

class RowBuilder implements StreamSeriesRows {
  count = 0;
  frame: Uint32Array;
  seq: Uint16Array;
  offsetSec: Float64Array;
  deltaMs: Float64Array;
  jitterMs: Float64Array;
  missing: Uint16Array;
  flags: Uint8Array;
  constructor(capacity: number) {
    this.frame = new Uint32Array(capacity);
    this.seq = new Uint16Array(capacity);
    this.offsetSec = new Float64Array(capacity);
    this.deltaMs = new Float64Array(capacity);
    this.jitterMs = new Float64Array(capacity);
    this.missing = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
  }
  grow(capacity: number): void {
    this.frame = grown(this.frame, capacity);
    this.seq = grown(this.seq, capacity);
    this.offsetSec = grown(this.offsetSec, capacity);
    this.deltaMs = grown(this.deltaMs, capacity);
    this.jitterMs = grown(this.jitterMs, capacity);
    this.missing = grown(this.missing, capacity);
    this.flags = grown(this.flags, capacity);
  }
  done(): StreamSeriesRows {
    const n = this.count;
    return {
      count: n,
      frame: this.frame.subarray(0, n),
      seq: this.seq.subarray(0, n),
      offsetSec: this.offsetSec.subarray(0, n),
      deltaMs: this.deltaMs.subarray(0, n),
      jitterMs: this.jitterMs.subarray(0, n),
      missing: this.missing.subarray(0, n),
      flags: this.flags.subarray(0, n),
    };
  }
}

/** Later declarations that update the stream's endpoint in place, as MediaRegistry does: frame -> formats. */
function formatUpdates(media: MediaStore, decl: number): { frame: number; decl: number }[] {
  const out: { frame: number; decl: number }[] = [];
  const first = media.get(decl);
  const chain = new Set([decl]);
  for (const d of media.forCall(first.callIndex)) {
    if (d.index <= decl || !chain.has(d.replaces)) continue;
    chain.add(d.index);
    // The registry re-uses the endpoint object only when the same party declares the same address again.
    if (d.active && d.address === first.address && d.port === first.port) out.push({ frame: d.frame, decl: d.index });
  }
  return out;
}

/**
 * The per-packet series of RTP stream `stream` (a CaptureModel.streams entry) of the capture in `source` (one pass,
 * stopping after the stream's last frame), for Wireshark-style "RTP Stream Analysis" tables and jitter graphs.
 *
 * Values: the stream's packets (forEachStreamPacket) are fed to a fresh RtpStreamState set up as the import's analyzer
 * does (the payload formats of `stream.matched.declaration` in `model.media` give each payload type's jitter clock
 * rate, and a later re-declaration of the same address by the same party switches them at its frame; heuristic
 * streams use the RFC 3551 static table), and each row reads the state after its packet: delta and jitter as tshark
 * 4.0 computes them (RFC 3550 §6.4.1 / A.8, see RtpStreamInfo), sequence classification per RFC 3550 A.1. So
 * `maxDeltaMs` / `maxJitterMs` equal the stream's summary, and `packets` its packet count.
 *
 * Bounds: rows are typed arrays (about 31 bytes a packet) up to `maxRows`; points at most `maxPoints`. Never throws on
 * input (an unknown declaration index counts as none; a non-capture gives an empty series). Rejects only when the
 * source's read does.
 */
export async function streamSeries(model: { media: MediaStore }, source: ByteSource, stream: RtpStreamInfo, opts: StreamSeriesOptions = {}): Promise<StreamSeries> {
  const maxPoints = Math.max(2, Math.min(1_000_000, Math.floor(Number.isFinite(opts.maxPoints) ? opts.maxPoints! : DEFAULT_MAX_POINTS)));
  const maxRows = Math.max(1, Math.floor(Number.isFinite(opts.maxRows) ? opts.maxRows! : DEFAULT_MAX_ROWS));
  const media = model.media;
  const decl = stream.matched?.declaration ?? -1;
  const known = Number.isInteger(decl) && decl >= 0 && decl < media.count;
  const endpoint = known ? new MediaEndpoint(stream.callIndex, decl, -1, media.formatsOf(decl)) : undefined;
  const updates = known ? formatUpdates(media, decl) : [];
  let nextUpdate = 0;
  let epoch = 0;

  const info = newStreamInfo(stream.index, stream.callIndex, stream.detection, stream.ipVersion, stream.src, stream.srcPort, stream.dst, stream.dstPort, stream.ssrc, stream.matched, stream.rtcpMux);
  const st = new RtpStreamState(info, endpoint);
  const rows = new RowBuilder(Math.max(16, Math.min(maxRows, Number.isFinite(stream.packets) ? Math.floor(stream.packets) : 0)));
  let packets = 0;
  let truncated = false;
  let maxDeltaMs = 0;
  let maxDeltaFrame = 0;
  let maxJitterMs = 0;
  let missingPackets = 0;
  let startSec = 0;
  let startNsec = 0;
  let prevPt = -1;

  await forEachStreamPacket(
    source,
    [stream],
    (_pos, p, h, payloadEnd) => {
      while (endpoint !== undefined && nextUpdate < updates.length && p.frame > updates[nextUpdate]!.frame) {
        const u = updates[nextUpdate++]!;
        endpoint.declaration = u.decl;
        endpoint.formats = media.formatsOf(u.decl);
        endpoint.version++;
        epoch++;
      }
      const b = p.buf;
      const s = p.payloadStart;
      const pt = b[s + 1]! & 0x7f;
      const marker = b[s + 1]! >= 0x80;
      const seq = u16be(b, s + 2);
      const first = packets === 0;
      const highest = st.highestSequence;
      const errors = st.sequenceErrorCount;
      const dups = st.duplicateCount;
      const late = st.outOfOrderCount;
      const wrongTs = st.wrongTimestampCount;
      st.add(p, h, p.payloadEnd - payloadEnd, epoch);
      if (first) {
        startSec = p.timeSec;
        startNsec = p.timeNsec;
      }
      let flags = marker ? SERIES_MARKER : 0;
      let missing = 0;
      const inSeqTs = st.wrongTimestampCount === wrongTs;
      if (!inSeqTs) flags |= SERIES_WRONG_TIMESTAMP;
      if (st.duplicateCount !== dups) flags |= SERIES_DUPLICATE;
      else if (st.outOfOrderCount !== late) flags |= SERIES_OUT_OF_ORDER;
      if (st.sequenceErrorCount !== errors) flags |= SERIES_WRONG_SEQUENCE;
      // RFC 3550 A.1: a new highest sequence number within MAX_DROPOUT; the numbers it skipped are missing (so far).
      const ahead = (seq - highest) & 0xffff;
      if (!first && !(flags & (SERIES_DUPLICATE | SERIES_OUT_OF_ORDER)) && ahead > 1 && ahead < MAX_DROPOUT) missing = ahead - 1;
      if (isComfortNoise(pt)) flags |= SERIES_COMFORT_NOISE;
      const delta = st.currentDeltaMs;
      const jitter = st.currentJitterMs;
      // The summary's rule for min/mean/max (RtpStreamState.add, as tshark 4.0).
      if (!first && !marker && inSeqTs && !isComfortNoise(prevPt) && !isComfortNoise(pt)) {
        flags |= SERIES_REGULAR;
        if (delta > maxDeltaMs) {
          maxDeltaMs = delta;
          maxDeltaFrame = p.frame;
        }
        if (st.currentClockRate !== 0) {
          flags |= SERIES_JITTER;
          if (jitter > maxJitterMs) maxJitterMs = jitter;
        }
      }
      prevPt = pt;
      packets++;
      missingPackets += missing;
      if (rows.count >= maxRows) {
        truncated = true;
        return;
      }
      if (rows.count === rows.frame.length) rows.grow(Math.min(maxRows, rows.frame.length * 2));
      const i = rows.count++;
      rows.frame[i] = p.frame;
      rows.seq[i] = seq;
      rows.offsetSec[i] = p.timeSec - startSec + (p.timeNsec - startNsec) / 1e9;
      rows.deltaMs[i] = delta;
      rows.jitterMs[i] = jitter;
      rows.missing[i] = missing;
      rows.flags[i] = flags;
    },
    { chunkSize: opts.chunkSize, isCancelled: opts.isCancelled },
  );
  const done = rows.done();
  return { streamIndex: stream.index, packets, rows: done, truncated, maxDeltaMs, maxDeltaFrame, maxJitterMs, missingPackets, points: downsample(done, maxPoints) };
}

/**
 * At most `maxPoints` buckets of consecutive rows (one row per bucket when they fit): per bucket the highest delta of
 * its regular rows and the highest jitter of its jitter rows (buckets without a regular row give no point), and the
 * sequence numbers missing in it (a gap tick at its first gap).
 */
function downsample(rows: StreamSeriesRows, maxPoints: number): StreamSeriesPoints {
  const out: StreamSeriesPoints = { offsetSec: [], maxDeltaMs: [], maxJitterMs: [], gapOffsetSec: [], gapMissing: [] };
  const n = rows.count;
  const buckets = Math.min(n, maxPoints);
  for (let k = 0; k < buckets; k++) {
    const from = Math.floor((k * n) / buckets);
    const to = Math.floor(((k + 1) * n) / buckets);
    let at = -1;
    let d = 0;
    let j = 0;
    let gapAt = -1;
    let missing = 0;
    for (let i = from; i < to; i++) {
      const f = rows.flags[i]!;
      if (f & SERIES_REGULAR) {
        if (at < 0) at = rows.offsetSec[i]!;
        if (rows.deltaMs[i]! > d) d = rows.deltaMs[i]!;
        if (f & SERIES_JITTER && rows.jitterMs[i]! > j) j = rows.jitterMs[i]!;
      }
      const m = rows.missing[i]!;
      if (m > 0) {
        if (gapAt < 0) gapAt = rows.offsetSec[i]!;
        missing += m;
      }
    }
    if (at >= 0) {
      out.offsetSec.push(at);
      out.maxDeltaMs.push(d);
      out.maxJitterMs.push(j);
    }
    if (gapAt >= 0) {
      out.gapOffsetSec.push(gapAt);
      out.gapMissing.push(missing);
    }
  }
  return out;
}
