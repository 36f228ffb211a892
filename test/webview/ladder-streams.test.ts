// Tests for RTP streams on the webview ladder: columns widen for stream labels only when asked (the webview and the
// SVG export ask, with STREAM_LABEL_SCALE), and stream labels take distinct rows when their column spans overlap.
import { describe, expect, it } from 'vitest';
import { layoutLadder, rowAtY, rowSpan, rowTop, streamLabelSlots, visibleRows, type LadderModel } from '../../src/core/index';
import { layoutPagedLadder } from '../../src/core/ladder/page';
import type { LadderStreamView } from '../../src/protocol/webview';

const column = (index: number, ip: string) => ({ index, key: `${ip}|5060`, label: `${ip}:5060`, ip, port: 5060, ipVersion: 4 as const });

function stream(streamIndex: number, fromColumn: number, toColumn: number, startRow = 0, endRow = 5, label = 'RTP PCMA 236 pkts, 0 lost'): LadderStreamView {
  return { streamIndex, fromColumn, toColumn, startRow, endRow, label, severity: undefined, ruleIds: [] };
}

describe('ladder streams', () => {
  it('widens the columns a long stream label spans, only with streamLabelScale', () => {
    const label = 'RTP a-very-long-codec-name/48000/2 123456 pkts, 98765 lost';
    const model: LadderModel = {
      columns: [column(0, '10.0.0.1'), column(1, '10.0.0.2')],
      rows: [],
      calls: [],
      streams: [stream(0, 0, 1, 0, 0, label)],
      startSec: 0,
      startNsec: 0,
      warnings: [],
    };
    const plain = layoutLadder(model);
    const scaled = layoutLadder(model, { streamLabelScale: 0.8 });
    expect(plain.columnX[1]! - plain.columnX[0]!).toBe(140);
    // `→ ` + label at 0.8 × 7.2 px per character, plus padding on both sides.
    expect(scaled.columnX[1]! - scaled.columnX[0]!).toBeCloseTo((label.length + 2) * 7.2 * 0.8 + 32, 5);
    const paged = layoutPagedLadder({ columns: model.columns, widthRows: [], rowCount: 10, streams: model.streams }, { streamLabelScale: 0.8 });
    expect(paged.columnX).toEqual(scaled.columnX);
    expect(layoutPagedLadder({ columns: model.columns, widthRows: [], rowCount: 10 }, { streamLabelScale: 0.8 }).columnX).toEqual(plain.columnX);
  });

  it('puts labels of streams with overlapping spans on different lines of their first row', () => {
    const slots = streamLabelSlots([stream(0, 0, 4, 9, 10), stream(1, 2, 3, 9, 10), stream(2, 4, 5, 9, 10), stream(3, 3, 2, 9, 12), stream(4, 0, 1, 12, 9)]);
    expect(slots).toEqual([
      { row: 9, line: 0 },
      { row: 9, line: 1 }, // inside 0..4
      { row: 9, line: 0 }, // 4..5 only touches 0..4
      { row: 9, line: 2 }, // same pair as stream 1, lines 0 and 1 taken
      { row: 9, line: 1 }, // its first row is 9 (endRow before startRow); line 0 taken by 0..4
    ]);
  });

  it('makes rows holding stream labels taller, in the paged layout too', () => {
    const model: LadderModel = {
      columns: [column(0, '10.0.0.1'), column(1, '10.0.0.2')],
      rows: [],
      calls: [],
      streams: [stream(0, 0, 1, 3, 8), stream(1, 1, 0, 3, 8), stream(2, 0, 1, 20, 30)],
      startSec: 0,
      startNsec: 0,
      warnings: [],
    };
    const line = 12 * 0.8 * 1.3;
    const paged = layoutPagedLadder({ columns: model.columns, widthRows: [], rowCount: 40, streams: model.streams }, { streamLabelScale: 0.8 });
    expect(paged.streamLineHeight).toBeCloseTo(line, 9);
    expect(rowTop(paged, 3)).toBe(48 + 3 * 28);
    expect(rowTop(paged, 4)).toBeCloseTo(48 + 4 * 28 + 2 * line, 9);
    expect(rowTop(paged, 21)).toBeCloseTo(48 + 21 * 28 + 3 * line, 9);
    expect(paged.height).toBe(Math.ceil(48 + 40 * 28 + 3 * line + 16));
    // Without streamLabelScale the rows stay uniform.
    const plain = layoutPagedLadder({ columns: model.columns, widthRows: [], rowCount: 40, streams: model.streams });
    expect(rowTop(plain, 21)).toBe(48 + 21 * 28);
    // Scrolled to the top of row 21, that row is the first visible one.
    expect(visibleRows(paged, rowTop(paged, 21), 100, 0)[0]).toBe(21);
    expect(visibleRows(paged, rowTop(paged, 21) - 1, 100, 0)[0]).toBe(20);
  });

  it('finds the rows in view and under a point with tall rows (brute force)', () => {
    const streams = Array.from({ length: 60 }, (_, k) => stream(k, k % 3, (k % 3) + 1, (k * 37) % 500, ((k * 37) % 500) + 4));
    const l = layoutPagedLadder({ columns: [column(0, '10.0.0.1'), column(1, '10.0.0.2'), column(2, '10.0.0.3'), column(3, '10.0.0.4')], widthRows: [], rowCount: 500, streams }, { streamLabelScale: 0.8, zoom: 1.5 });
    expect(l.tallRows.length).toBeGreaterThan(10);
    for (let i = 0; i < 500; i++) {
      expect(rowSpan(l, i)).toBeGreaterThanOrEqual(l.rowHeight);
      expect(rowAtY(l, rowTop(l, i))).toBe(i);
      expect(rowAtY(l, rowTop(l, i) + rowSpan(l, i) - 0.01)).toBe(i);
    }
    expect(rowAtY(l, rowTop(l, 500))).toBe(-1);
    const wrong: string[] = [];
    for (let k = 0; k < 300; k++) {
      const scrollTop = (k * 7919) % l.height;
      const vh = 50 + ((k * 31) % 900);
      const [first, last] = visibleRows(l, scrollTop, vh, 0);
      for (let i = 0; i < 500; i++) {
        const intersects = rowTop(l, i) < scrollTop + vh && rowTop(l, i) + rowSpan(l, i) > scrollTop;
        if (intersects !== (i >= first && i < last)) wrong.push(`row ${i} at ${scrollTop}/${vh}: [${first}, ${last})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
