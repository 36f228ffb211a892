// RTP streams on the ladder (build.ts columns/rows, ASCII line, SVG band labels) and in the JSON export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { importCapture, type CaptureModel } from '../../../src/core/capture/import-capture';
import { exportStream } from '../../../src/core/export/export-json';
import { buildLadder } from '../../../src/core/ladder/build';
import { renderLadderAscii } from '../../../src/core/ladder/render-ascii';
import { renderLadderSvg } from '../../../src/core/ladder/render-svg';
import { streamsOfCall } from '../../../src/core/rtp/queries';

const sample = join(__dirname, '../../../samples/captures/calls-mixed-outcomes.pcap');

async function model(): Promise<CaptureModel> {
  return importCapture(memoryByteSource(new Uint8Array(readFileSync(sample))));
}

function ladderOf(m: CaptureModel, callIndex: number, columns: 'endpoint' | 'ip' = 'endpoint') {
  const call = m.calls[callIndex]!;
  return buildLadder(
    call.messageIds.map((id) => m.messages.get(id)),
    { calls: m.calls, streams: streamsOfCall(m.streams, callIndex), columns },
  );
}

describe('streams on the ladder', () => {
  it('maps media endpoints to the SIP columns of the same host and spans the rows around the media', async () => {
    const m = await model();
    // Call 5 ("early"): rows INVITE, 100, 183 (SDP) [early media], 200 (SDP), ACK [media], BYE, 200.
    const l = ladderOf(m, 4);
    expect(l.columns.map((c) => c.label)).toEqual(['127.0.0.10:5060', '127.0.0.20:5070']);
    expect(l.streams).toEqual([
      { fromColumn: 1, toColumn: 0, startRow: 2, endRow: 5, label: 'RTP PCMA 100 pkts, 0 lost', streamIndex: 2, callIndex: 4 },
      { fromColumn: 0, toColumn: 1, startRow: 4, endRow: 5, label: 'RTP PCMA 67 pkts, 0 lost', streamIndex: 3, callIndex: 4 },
    ]);
    expect(ladderOf(m, 4, 'ip').streams.map((s) => [s.fromColumn, s.toColumn])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // Without streams in the options nothing changes (existing goldens stay valid).
    const call = m.calls[4]!;
    expect(buildLadder(call.messageIds.map((id) => m.messages.get(id)), { calls: m.calls }).streams).toEqual([]);
  });

  it('adds a column when no SIP column has the media host', async () => {
    const m = await model();
    const s = { ...m.streams[0]!, src: '192.0.2.99', srcPort: 7000 };
    const call = m.calls[0]!;
    const l = buildLadder(call.messageIds.map((id) => m.messages.get(id)), { streams: [s] });
    expect(l.columns.map((c) => c.label)).toEqual(['127.0.0.10:5060', '127.0.0.20:5070', '192.0.2.99:7000']);
    expect(l.streams[0]).toMatchObject({ fromColumn: 2, toColumn: 1 });
  });

  it('draws an ASCII line per stream after its start row', async () => {
    const m = await model();
    const text = renderLadderAscii(ladderOf(m, 4), { time: 'none', charset: 'ascii' });
    const lines = text.split('\n');
    const i183 = lines.findIndex((l) => l.includes('183 Session Progress'));
    expect(lines[i183 + 1]).toMatch(/^\s*\|<=+RTP PCMA 100 pkts, 0 lost=+\|$/);
    const iAck = lines.findIndex((l) => l.includes('ACK'));
    expect(lines[iAck + 1]).toMatch(/^\s*\|=+RTP PCMA 67 pkts, 0 lost=+>\|$/);
    const unicode = renderLadderAscii(ladderOf(m, 4), { time: 'relative' });
    expect(unicode).toContain('═RTP PCMA 100 pkts, 0 lost═');
  });

  it('places SVG band labels below their start row without overlapping each other, with a direction arrow', async () => {
    const m = await model();
    const svg = renderLadderSvg(ladderOf(m, 4));
    const texts = [...svg.matchAll(/<g class="stream" data-stream="(\d+)"><title>([^<]*)<\/title><rect[^>]*\/><text class="stream-label" x="[^"]+" y="([^"]+)"[^>]*>([^<]*)<\/text>/g)].map((x) => [x[1], x[2], Number(x[3]), x[4]]);
    expect(texts.map((t) => [t[0], t[1], t[3]])).toEqual([
      ['2', '← RTP PCMA 100 pkts, 0 lost', '← RTP PCMA 100 pkts, 0 lost'],
      ['3', '→ RTP PCMA 67 pkts, 0 lost', '→ RTP PCMA 67 pkts, 0 lost'],
    ]);
    // Different start rows: each label under its own start row.
    expect(texts[1]![2]).toBeGreaterThan(texts[0]![2] as number);
    // Call 1: both directions start after the ACK; the second label goes on the next line of that (taller) row.
    const svg1 = renderLadderSvg(ladderOf(m, 0));
    const ys = [...svg1.matchAll(/<text class="stream-label" x="[^"]+" y="([^"]+)"/g)].map((x) => Number(x[1]));
    expect(ys.length).toBe(2);
    expect(ys[1]! - ys[0]!).toBeCloseTo(12 * 0.8 * 1.3, 6);
    // The row after it starts below both labels: its arrow label (baseline 0.45 font sizes above its shaft, at 0.7
    // of the row) clears the second stream label by more than a font size.
    const shafts = [...svg1.matchAll(/<path class="shaft" d="M[\d.]+,([\d.]+) H/g)].map((x) => Number(x[1]));
    const next = shafts.find((y) => y > ys[1]!);
    expect(next).toBeDefined();
    expect(next! - 12 * 0.45 - 12 - ys[1]!).toBeGreaterThan(0);
  });
});

describe('exportStream', () => {
  it('exports every statistic with snake_case names and ms rounded to the microsecond', async () => {
    const m = await model();
    const e = exportStream(m.streams[2]!);
    expect(e).toMatchObject({
      index: 2, call_index: 4, detection: 'sdp', ip_version: 4, src: '127.0.0.20', src_port: 17000, dst: '127.0.0.10', dst_port: 16000,
      ssrc: 0xb0b00005, ssrc_hex: '0xB0B00005', payload_types: [8], codecs: ['PCMA'], codec: 'PCMA', clock_rate: 8000,
      packets: 100, expected: 100, lost: 0, lost_percent: 0, duplicates: 0, out_of_order: 0, sequence_errors: 0, sequence_jumps: 0,
      wrong_timestamps: 0, min_delta_ms: 0.007, mean_delta_ms: 30.007, max_delta_ms: 60.668, min_jitter_ms: 0.009, mean_jitter_ms: 4.293,
      max_jitter_ms: 12.575, problem: false, events: { count: 0, digits: '' }, rtcp_mux: false, rtcp: null,
    });
    expect(e.matched).toEqual({ side: 'destination', address: '127.0.0.10', port: 16000, declaration: 5, message_id: 21, frame: 156 });
    expect(e.start_epoch).toMatch(/^\d+\.\d{9}$/);
    expect(Object.keys(e).length).toBe(43);
  });
});
