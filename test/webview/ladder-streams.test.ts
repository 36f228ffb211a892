// Tests for RTP streams on the webview ladder: columns widen for stream labels only when asked (the webview and the
// SVG export ask, with STREAM_LABEL_SCALE), and stream labels take distinct rows when their column spans overlap.
import { describe, expect, it } from 'vitest';
import { layoutLadder, type LadderModel } from '../../src/core/index';
import { layoutPagedLadder } from '../../src/core/ladder/page';
import type { LadderStreamView } from '../../src/protocol/webview';
import { streamLabelRows } from '../../webview/components/ladder-view';

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

  it('puts labels of streams with overlapping spans on different rows', () => {
    const rows = streamLabelRows([stream(0, 0, 4, 9, 10), stream(1, 2, 3, 9, 10), stream(2, 4, 5, 9, 10), stream(3, 3, 2, 9, 12), stream(4, 0, 1, 9, 9)]);
    expect(rows.get(0)).toBe(9);
    expect(rows.get(1)).toBe(10); // inside 0..4
    expect(rows.get(2)).toBe(9); // 4..5 only touches 0..4
    expect(rows.get(3)).toBe(11); // same pair as stream 1, both rows taken
    expect(rows.get(4)).toBe(9); // cannot move past its last row
  });
});
