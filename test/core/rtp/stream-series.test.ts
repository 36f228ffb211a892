// Per-packet RTP stream series (src/core/rtp/stream-series.ts): maxima and counts equal the import's summary on real
// captures (project sample, shared corpus when present), row flags on a synthetic capture (loss, duplicate,
// reordering, marker, wrong timestamp, dynamic payload type clock from SDP, heuristic stream), jitter against an
// independent RFC 3550 A.8 computation, downsampling bounds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture, type CaptureModel } from '../../../src/core/capture/import-capture';
import type { RtpStreamInfo } from '../../../src/core/rtp/stream';
import {
  SERIES_DUPLICATE,
  SERIES_JITTER,
  SERIES_MARKER,
  SERIES_OUT_OF_ORDER,
  SERIES_REGULAR,
  SERIES_WRONG_SEQUENCE,
  SERIES_WRONG_TIMESTAMP,
  seriesRowStatus,
  streamSeries,
  type StreamSeries,
} from '../../../src/core/rtp/stream-series';
import { buildFrame, writePcap, type FrameSpec, type RawRecord } from '../../helpers/pcap-writer';
import { offerAnswerFrames, rtpBytes, sdpText } from './rtp-helpers';

/** The series agrees with the stream summary computed at import. */
function expectSummary(s: RtpStreamInfo, series: StreamSeries): void {
  const label = `stream ${s.index} ${s.ssrc.toString(16)}`;
  expect([label, series.packets, series.rows.count, series.truncated]).toEqual([label, s.packets, s.packets, false]);
  expect([label, series.rows.frame[0], series.rows.frame[series.rows.count - 1]]).toEqual([label, s.firstFrame, s.lastFrame]);
  expect(Math.abs(series.maxDeltaMs - s.maxDeltaMs), label).toBeLessThan(1e-9);
  expect(Math.abs(series.maxJitterMs - s.maxJitterMs), label).toBeLessThan(1e-9);
  expect(series.maxDeltaFrame, label).toBe(s.maxDeltaFrame);
  // The last row's jitter is the summary's current jitter; the row max over regular rows is the summary max.
  expect(Math.abs(series.rows.jitterMs[series.rows.count - 1]! - s.jitterMs), label).toBeLessThan(1e-9);
  let errors = 0;
  let dups = 0;
  for (let i = 0; i < series.rows.count; i++) {
    if (series.rows.flags[i]! & SERIES_WRONG_SEQUENCE) errors++;
    if (series.rows.flags[i]! & SERIES_DUPLICATE) dups++;
  }
  expect([label, errors, dups]).toEqual([label, s.sequenceErrors, s.duplicates]);
}

const SAMPLE = join(__dirname, '../../../samples/captures/calls-mixed-outcomes.pcap');

describe('streamSeries on samples/captures/calls-mixed-outcomes.pcap (7 PCMA streams)', () => {
  it('every stream: max delta / max jitter / packets / first frame equal the summary; points within maxPoints', async () => {
    const bytes = new Uint8Array(readFileSync(SAMPLE));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.length).toBe(7);
    for (const s of model.streams) {
      expect(s.maxDeltaMs).toBeGreaterThan(0);
      expect(s.maxJitterMs).toBeGreaterThan(0);
      const series = await streamSeries(model, memoryByteSource(bytes), s);
      expectSummary(s, series);
      // Fewer packets than points: one point per regular row, and the drawn maximum is the summary's.
      const regular = series.rows.flags.reduce((n, f) => n + (f & SERIES_REGULAR ? 1 : 0), 0);
      expect(series.points.offsetSec.length).toBe(regular);
      expect(Math.max(...series.points.maxDeltaMs)).toBe(series.maxDeltaMs);
      expect(Math.max(...series.points.maxJitterMs)).toBe(series.maxJitterMs);
      const small = await streamSeries(model, memoryByteSource(bytes), s, { maxPoints: 7 });
      expect(small.points.offsetSec.length).toBeLessThanOrEqual(7);
      expect(small.points.offsetSec.length).toBeGreaterThan(0);
      expect(Math.max(...small.points.maxDeltaMs)).toBe(series.maxDeltaMs);
      expect(Math.max(...small.points.maxJitterMs)).toBe(series.maxJitterMs);
      expect([...small.points.offsetSec]).toEqual([...small.points.offsetSec].sort((a, b) => a - b));
    }
  });
});

const CORPUS = '/work/shared/corpus/captures';
const VOIPSHARK = join(CORPUS, 'voipshark_SIP-RTP-Normal_Call_two_parties.pcap');

describe.skipIf(!existsSync(VOIPSHARK))(`streamSeries on corpus voipshark_SIP-RTP-Normal_Call_two_parties.pcap (skipped when ${VOIPSHARK} is absent)`, () => {
  it('every stream: maxima, packets and frames equal the summary', async () => {
    const bytes = new Uint8Array(readFileSync(VOIPSHARK));
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.streams.length).toBe(4);
    for (const s of model.streams) expectSummary(s, await streamSeries(model, memoryByteSource(bytes), s));
  });
});

// ---- synthetic capture ----

const T0 = 1_700_000_000;
const A = { src: '10.0.0.1', srcPort: 4000, dst: '10.0.0.2', dstPort: 5000 };
const B = { src: '10.0.0.2', srcPort: 5000, dst: '10.0.0.1', dstPort: 4000 };
const H = { src: '10.9.9.9', srcPort: 30000, dst: '10.8.8.8', dstPort: 30002 };
/** Arrival of A's slot i (20 ms cadence, 0/3/6 ms late). */
const arrivalA = (i: number): number => T0 + 0.2 + i * 0.02 + (i % 3) * 0.003;
/** Arrival of B's packet j: irregular, for the jitter reference. */
const ARRIVAL_B_MS = [0, 21, 39, 62, 80, 97, 125, 140, 161, 180, 203, 219];

interface Rec extends RawRecord {
  time: number;
}
const udp = (flow: typeof A, time: number, payload: Uint8Array): Rec => ({ time, data: buildFrame({ ...flow, time, payload }) });

/**
 * A call: A (caller -> callee, PCMA) loses seq 1005, swaps 1008/1009, duplicates 1012, has a marker at 1014 and a
 * timestamp before the first at 1016; B (callee -> caller) uses dynamic PT 96 = PCMU/8000 declared in the caller's
 * SDP only (its jitter needs that clock rate); an unsignalled PCMU stream found by the heuristic.
 */
function syntheticCapture(): Uint8Array {
  const recs: Rec[] = [];
  const sdpA = sdpText({ ip: A.src, port: 4000, formats: '8 96', extra: ['a=rtpmap:96 PCMU/8000'] });
  const frames: FrameSpec[] = offerAnswerFrames('c1', A.src, A.dst, sdpA, sdpText({ ip: A.dst, port: 5000, formats: '8' }), T0);
  for (const f of frames) recs.push({ time: f.time!, data: buildFrame(f) });
  const rtpA = (i: number, over: { ts?: number; marker?: boolean } = {}): Uint8Array =>
    rtpBytes({ pt: 8, seq: 1000 + i, ts: over.ts ?? 8000 + i * 160, ssrc: 0xa1, marker: over.marker ?? i === 0 });
  for (let i = 0; i < 20; i++) {
    if (i === 5) continue;
    if (i === 8) recs.push(udp(A, arrivalA(9) + 0.001, rtpA(8)));
    else if (i === 9) recs.push(udp(A, arrivalA(8), rtpA(9)));
    else if (i === 14) recs.push(udp(A, arrivalA(i), rtpA(i, { marker: true })));
    else if (i === 16) recs.push(udp(A, arrivalA(i), rtpA(i, { ts: 100 })));
    else recs.push(udp(A, arrivalA(i), rtpA(i)));
    if (i === 12) recs.push(udp(A, arrivalA(i) + 0.002, rtpA(i)));
  }
  ARRIVAL_B_MS.forEach((ms, j) => recs.push(udp(B, T0 + 0.5 + ms / 1000, rtpBytes({ pt: 96, seq: 500 + j, ts: 90_000 + j * 160, ssrc: 0xb2 }))));
  for (let j = 0; j < 10; j++) recs.push(udp(H, T0 + 1 + j * 0.02 + (j === 4 ? 0.007 : 0), rtpBytes({ pt: 0, seq: 10 + j, ts: j * 160, ssrc: 0xc3 })));
  recs.sort((x, y) => x.time - y.time);
  return writePcap(recs);
}

async function synthetic(): Promise<{ bytes: Uint8Array; model: CaptureModel; bySsrc: (ssrc: number) => RtpStreamInfo }> {
  const bytes = syntheticCapture();
  const model = await importCapture(memoryByteSource(bytes), { rtpHeuristic: true });
  const bySsrc = (ssrc: number): RtpStreamInfo => {
    const s = model.streams.find((x) => x.ssrc === ssrc);
    if (!s) throw new Error(`no stream ${ssrc.toString(16)}`);
    return s;
  };
  return { bytes, model, bySsrc };
}

describe('streamSeries on a synthetic capture', () => {
  it('flags loss, reordering, duplicate, marker and a wrong timestamp; the summary still matches', async () => {
    const { bytes, model, bySsrc } = await synthetic();
    const a = bySsrc(0xa1);
    expect([a.detection, a.lost, a.duplicates, a.outOfOrder, a.wrongTimestamps]).toEqual(['sdp', 0, 1, 1, 1]); // lost = expected - packets: the duplicate offsets the loss
    const series = await streamSeries(model, memoryByteSource(bytes), a);
    expectSummary(a, series);
    const r = series.rows;
    const table = Array.from({ length: r.count }, (_, i) => `${r.seq[i]} ${seriesRowStatus(r.flags[i]!, r.missing[i]!)}`);
    expect(table).toEqual([
      '1000 marker',
      '1001 ok',
      '1002 ok',
      '1003 ok',
      '1004 ok',
      '1006 wrong sequence (1 lost)',
      '1007 ok',
      '1009 wrong sequence (1 lost)',
      '1008 wrong sequence (out of order)',
      '1010 ok',
      '1011 ok',
      '1012 ok',
      '1012 duplicate',
      '1013 ok',
      '1014 marker',
      '1015 ok',
      '1016 wrong timestamp',
      '1017 wrong sequence', // tshark's count: 1016 did not advance its timestamp sequence; nothing is missing
      '1018 ok',
      '1019 ok',
    ]);
    const at = (seq: number, nth = 0): number => {
      let k = -1;
      for (let i = 0; i < r.count; i++) if (r.seq[i] === seq && ++k === nth) return i;
      throw new Error(`no row ${seq}`);
    };
    expect(r.flags[at(1008)]! & SERIES_OUT_OF_ORDER).toBe(SERIES_OUT_OF_ORDER);
    expect(r.flags[at(1012, 1)]! & SERIES_DUPLICATE).toBe(SERIES_DUPLICATE);
    expect(r.flags[at(1014)]! & (SERIES_MARKER | SERIES_REGULAR)).toBe(SERIES_MARKER); // a marker is not counted
    expect(r.flags[at(1016)]! & (SERIES_WRONG_TIMESTAMP | SERIES_REGULAR)).toBe(SERIES_WRONG_TIMESTAMP);
    expect([r.missing[at(1006)], r.missing[at(1009)], series.missingPackets]).toEqual([1, 1, 2]);
    // Delta = arrival difference to the previous in-timestamp-sequence packet (ms); first row 0, offsets from the start.
    expect([r.deltaMs[0], r.offsetSec[0]]).toEqual([0, 0]);
    expect(r.deltaMs[at(1007)]).toBeCloseTo((arrivalA(7) - arrivalA(6)) * 1000, 2);
    expect(r.deltaMs[at(1006)]).toBeCloseTo((arrivalA(6) - arrivalA(4)) * 1000, 2);
    expect(r.offsetSec[at(1019)]).toBeCloseTo(arrivalA(19) - arrivalA(0), 5);
    // The wrong timestamp packet leaves delta and jitter as they were.
    expect([r.deltaMs[at(1016)], r.jitterMs[at(1016)]]).toEqual([r.deltaMs[at(1015)], r.jitterMs[at(1015)]]);
    // Two points, two gaps at most.
    const two = await streamSeries(model, memoryByteSource(bytes), a, { maxPoints: 2 });
    expect(two.points.offsetSec.length).toBe(2);
    expect(two.points.gapMissing.reduce((x, y) => x + y, 0)).toBe(2);
    expect(Math.max(...two.points.maxDeltaMs)).toBe(series.maxDeltaMs);
  });

  it('jitter of a dynamic payload type uses the SDP clock rate and equals RFC 3550 A.8 computed independently', async () => {
    const { bytes, model, bySsrc } = await synthetic();
    const b = bySsrc(0xb2);
    expect([b.detection, b.codec, b.clockRate]).toEqual(['sdp', 'PCMU', 8000]);
    const series = await streamSeries(model, memoryByteSource(bytes), b);
    expectSummary(b, series);
    // RFC 3550 A.8: D = (Rj - Ri) - (Sj - Si) in ms (timestamps at 8000 Hz), J += (|D| - J) / 16.
    let j = 0;
    const ref = [0];
    for (let k = 1; k < ARRIVAL_B_MS.length; k++) {
      const d = ARRIVAL_B_MS[k]! - ARRIVAL_B_MS[k - 1]! - 160 / 8;
      j += (Math.abs(d) - j) / 16;
      ref.push(j);
    }
    expect(Array.from(series.rows.jitterMs).map((x) => x.toFixed(9))).toEqual(ref.map((x) => x.toFixed(9)));
    expect(series.maxJitterMs).toBeGreaterThan(1);
    expect(series.rows.flags.every((f, i) => i === 0 || (f & SERIES_JITTER) !== 0)).toBe(true);
  });

  it('a heuristic stream (no SDP) uses the static table; bad input gives an empty series', async () => {
    const { bytes, model, bySsrc } = await synthetic();
    const h = bySsrc(0xc3);
    expect([h.detection, h.matched]).toEqual(['heuristic', undefined]);
    const series = await streamSeries(model, memoryByteSource(bytes), h);
    expectSummary(h, series);
    expect(series.maxDeltaMs).toBeCloseTo(27, 2);
    // Unknown declaration index, unparsable addresses, a non-capture: no throw.
    const bogus = { ...h, matched: { side: 'destination' as const, declaration: 999, address: '', port: 0, messageId: 0, frame: 0 } };
    expect((await streamSeries(model, memoryByteSource(bytes), bogus)).packets).toBe(h.packets);
    expect((await streamSeries(model, memoryByteSource(bytes), { ...h, src: 'nope' })).packets).toBe(0);
    const empty = await streamSeries(model, memoryByteSource(new Uint8Array(100)), h);
    expect([empty.packets, empty.rows.count, empty.points.offsetSec.length, empty.maxDeltaMs]).toEqual([0, 0, 0, 0]);
    await expect(streamSeries(model, { size: 1000, read: () => Promise.reject(new Error('disk gone')) }, h)).rejects.toThrow('disk gone');
  });
});
