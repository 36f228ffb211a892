// Tests for the pure ladder layout: column spacing, arrow/self-loop geometry, zoom and row virtualisation.
import { describe, expect, it } from 'vitest';
import {
  arrowGeometry,
  arrowLabel,
  buildLadder,
  clampZoom,
  estimateTextWidth,
  layoutLadder,
  rowAtY,
  rowTop,
  visibleRows,
} from '../../../src/core/ladder';
import { msg, sevenMessageCall } from './fixtures';

function bigLadder(n: number) {
  const messages = Array.from({ length: n }, (_, i) =>
    msg({ id: i, at: i * 0.01, src: i % 2 ? '10.0.0.2' : '10.0.0.1', dst: i % 2 ? '10.0.0.1' : '10.0.0.2' }),
  );
  return buildLadder(messages);
}

describe('layoutLadder', () => {
  it('places lifelines left to right with at least the minimum spacing, after the time column', () => {
    const model = buildLadder(sevenMessageCall());
    const l = layoutLadder(model);
    expect(l.columnX).toHaveLength(2);
    expect(l.columnX[0]!).toBeGreaterThanOrEqual(l.margin + l.timeColumnWidth + l.headerWidth[0]! / 2);
    expect(l.columnX[1]! - l.columnX[0]!).toBeGreaterThanOrEqual(140);
    expect(l.height).toBe(48 + 7 * 28 + 16);
    expect(l.width).toBeGreaterThanOrEqual(l.columnX[1]! + l.headerWidth[1]! / 2);
  });

  it('widens a gap to fit a long arrow label, and spreads a spanning label over the gaps it crosses', () => {
    const long = 'X'.repeat(60);
    const model = buildLadder([
      msg({ src: '10.0.0.1', dst: '10.0.0.2', label: long }),
      msg({ src: '10.0.0.2', dst: '10.0.0.3', at: 1 }),
      msg({ src: '10.0.0.3', dst: '10.0.0.4', at: 2 }),
      msg({ src: '10.0.0.1', dst: '10.0.0.4', at: 3, label: 'Y'.repeat(120) }),
    ]);
    const l = layoutLadder(model);
    const x = l.columnX;
    expect(x[1]! - x[0]!).toBeGreaterThanOrEqual(estimateTextWidth(long, 7.2) + 2 * 16);
    expect(x[2]! - x[1]!).toBeGreaterThanOrEqual(140);
    expect(x[3]! - x[0]!).toBeGreaterThanOrEqual(120 * 7.2 + 2 * 16 - 1e-9);
    // the short gaps grew equally to make room for the spanning label
    expect(x[2]! - x[1]!).toBeCloseTo(x[3]! - x[2]!, 6);
    expect(x[2]! - x[1]!).toBeGreaterThan(140);
  });

  it('gives a self-message on the last column room on the right', () => {
    const label = 'OPTIONS'.repeat(6);
    const model = buildLadder([msg({ src: '10.0.0.1', dst: '10.0.0.1', method: 'OPTIONS', label })]);
    const l = layoutLadder(model);
    const g = arrowGeometry(l, model.rows[0]!);
    expect(g.direction).toBe('self');
    expect(g.labelAnchor).toBe('start');
    expect(g.labelX).toBeGreaterThan(g.x1 + l.selfLoopWidth - 1e-9);
    expect(l.width).toBeGreaterThanOrEqual(g.labelX + estimateTextWidth(arrowLabel(model.rows[0]!), l.charWidth));
    // loop leaves and returns to the same lifeline
    expect(g.path).toMatch(new RegExp(`^M${g.x1},[\\d.]+ H[\\d.]+ V[\\d.]+ H${g.x1}$`));
  });

  it('scales every length by the zoom factor', () => {
    const model = buildLadder(sevenMessageCall());
    const a = layoutLadder(model);
    const b = layoutLadder(model, { zoom: 2 });
    expect(b.zoom).toBe(2);
    expect(b.rowHeight).toBe(a.rowHeight * 2);
    expect(b.columnX.map((v) => v / 2)).toEqual(a.columnX);
    expect(b.height).toBe(a.height * 2);
    expect(clampZoom(100)).toBe(4);
    expect(clampZoom(0.01)).toBe(0.25);
    expect(clampZoom(Number.NaN)).toBe(1);
    expect(clampZoom(-1)).toBe(1);
  });

  it('computes arrow geometry: direction, centred label above the shaft', () => {
    const model = buildLadder(sevenMessageCall());
    const l = layoutLadder(model);
    const invite = arrowGeometry(l, model.rows[0]!);
    const trying = arrowGeometry(l, model.rows[1]!);
    expect(invite.direction).toBe('right');
    expect(trying.direction).toBe('left');
    expect(invite.x1).toBe(l.columnX[0]);
    expect(trying.x1).toBe(l.columnX[1]);
    expect(invite.labelX).toBe((l.columnX[0]! + l.columnX[1]!) / 2);
    expect(invite.labelY).toBeLessThan(invite.y);
    expect(invite.y).toBeGreaterThan(rowTop(l, 0));
    expect(invite.y).toBeLessThan(rowTop(l, 1));
    expect(trying.y - invite.y).toBe(l.rowHeight);
  });

  it('handles an empty model', () => {
    const l = layoutLadder(buildLadder([]));
    expect(l.columnX).toEqual([]);
    expect(l.rowCount).toBe(0);
    expect(l.width).toBeGreaterThan(0);
    expect(visibleRows(l, 0, 1000)).toEqual([0, 0]);
  });
});

describe('visibleRows (virtualisation)', () => {
  const model = bigLadder(5000);
  const l = layoutLadder(model);

  it('renders only the rows in the viewport plus overscan for a 5 000-arrow ladder', () => {
    expect(l.rowCount).toBe(5000);
    // top: header (48) + rows 0..19 partially visible in 600 px → [0, 20) + 8 overscan after
    expect(visibleRows(l, 0, 600, 8)).toEqual([0, Math.ceil((600 - 48) / 28) + 8]);
    // somewhere in the middle
    const scroll = 48 + 2500 * 28 + 10; // 10 px into row 2500
    const [first, last] = visibleRows(l, scroll, 560, 5);
    expect(first).toBe(2500 - 5);
    expect(last).toBe(2500 + Math.ceil((10 + 560) / 28) + 5);
    expect(last - first).toBeLessThanOrEqual(560 / 28 + 2 + 10);
    // bottom clamps to the row count
    expect(visibleRows(l, l.height - 300, 300, 8)[1]).toBe(5000);
    // far beyond the end: empty range at the end
    const past = visibleRows(l, l.height + 10_000, 300, 0);
    expect(past[0]).toBe(past[1]);
    expect(past[1]).toBe(5000);
    // negative scroll (overscroll bounce) starts at 0
    expect(visibleRows(l, -200, 300, 0)[0]).toBe(0);
  });

  it('always covers every row intersecting the viewport (brute force over many offsets)', () => {
    for (let k = 0; k < 400; k++) {
      const scrollTop = (k * 7919) % l.height;
      const vh = 100 + ((k * 31) % 900);
      const [first, last] = visibleRows(l, scrollTop, vh, 0);
      for (let i = Math.max(0, first - 3); i < Math.min(5000, last + 3); i++) {
        const top = rowTop(l, i);
        const intersects = top < scrollTop + vh && top + l.rowHeight > scrollTop;
        if (intersects) expect(i >= first && i < last, `row ${i} at ${scrollTop}/${vh}`).toBe(true);
      }
      expect(last - first).toBeLessThanOrEqual(Math.ceil(vh / l.rowHeight) + 1);
    }
  });

  it('respects zoom: twice the zoom shows half the rows', () => {
    const z = layoutLadder(model, { zoom: 2 });
    const [a0, a1] = visibleRows(l, 48 + 28 * 1000, 560, 0);
    const [b0, b1] = visibleRows(z, 2 * (48 + 28 * 1000), 560, 0);
    expect(b0).toBe(a0);
    expect(b1 - b0).toBe((a1 - a0) / 2);
  });

  it('maps y back to a row', () => {
    expect(rowAtY(l, 10)).toBe(-1);
    expect(rowAtY(l, 48)).toBe(0);
    expect(rowAtY(l, 48 + 28 * 4999 + 27)).toBe(4999);
    expect(rowAtY(l, 48 + 28 * 5000)).toBe(-1);
  });
});
