// Tests for the paged ladder as the webview uses it: layoutPagedLadder (shape only) lays out exactly like
// layoutLadder over all rows, visibleRows keeps a 5 000-arrow ladder to a few dozen drawn rows and at most two
// pages, and row geometry works on rows of any page.
import { describe, expect, it } from 'vitest';
import {
  arrowGeometry,
  buildLadder,
  layoutLadder,
  rowAtY,
  rowTop,
  visibleRows,
  type LadderModel,
} from '../../src/core/index';
import { LADDER_PAGE_SIZE, ladderPage, ladderWidthRows, layoutPagedLadder, pagesForRange } from '../../src/core/ladder/page';
import { arrowHead } from '../../webview/components/ladder-view';
import { msg, sevenMessageCall } from '../core/ladder/fixtures';

/** A long synthetic dialog: `n` arrows between 5 endpoints, with self-messages, spanning arrows and long labels. */
function longLadder(n: number): LadderModel {
  const hosts = ['10.0.0.1', '10.0.0.2', '192.168.77.200', '2001:db8::17', '10.0.0.5'];
  const messages = [];
  let seed = 7;
  const rnd = (k: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % k);
  for (let i = 0; i < n; i++) {
    const a = rnd(5);
    const b = i % 97 === 0 ? a : rnd(5);
    const response = i % 2 === 1;
    messages.push(
      msg({
        id: i,
        at: i * 0.01,
        src: hosts[a],
        dst: hosts[b],
        ipVersion: hosts[a]!.includes(':') || hosts[b]!.includes(':') ? 6 : 4,
        ...(response ? { statusCode: 180 + (i % 300), reason: i % 500 === 1 ? 'A rather long reason phrase for layout' : 'OK' } : { method: i % 3 ? 'INFO' : 'UPDATE' }),
        hasSdp: i % 7 === 0,
        retransmission: i % 11 === 0,
      }),
    );
  }
  return buildLadder(messages);
}

const shapeOf = (m: LadderModel) => ({ columns: m.columns, widthRows: ladderWidthRows(m), rowCount: m.rows.length });

describe('paged ladder layout', () => {
  for (const [name, model] of [
    ['seven-message call', buildLadder(sevenMessageCall())],
    ['5 000-arrow dialog', longLadder(5000)],
  ] as const) {
    it(`layoutPagedLadder(shape) == layoutLadder(full model) at every zoom: ${name}`, () => {
      for (const zoom of [0.25, 0.5, 1, 1.3, 1.7, 2.5, 4]) {
        const full = layoutLadder(model, { zoom });
        const paged = layoutPagedLadder(shapeOf(model), { zoom });
        expect(paged).toEqual(full);
      }
    });
  }

  it('needs at most columns² width rows however long the ladder is', () => {
    const m = longLadder(5000);
    const w = ladderWidthRows(m);
    expect(w.length).toBeLessThanOrEqual(m.columns.length ** 2);
    expect(w.length).toBeGreaterThan(0);
    // Indexes ascending, each a real row.
    expect(w.map((r) => r.index)).toEqual([...w.map((r) => r.index)].sort((a, b) => a - b));
    for (const r of w) expect(m.rows[r.index]).toBe(r);
  });

  it('ladderPage clamps to the ladder', () => {
    const m = longLadder(600);
    expect(ladderPage(m, 0, LADDER_PAGE_SIZE).map((r) => r.index)).toEqual([...Array(LADDER_PAGE_SIZE).keys()]);
    expect(ladderPage(m, 512, LADDER_PAGE_SIZE)).toHaveLength(88);
    expect(ladderPage(m, 600, 10)).toEqual([]);
    expect(ladderPage(m, -5, 3).map((r) => r.index)).toEqual([0, 1, 2]);
    expect(ladderPage(m, 10, -1)).toEqual([]);
  });

  it('pagesForRange covers half-open ranges', () => {
    expect(pagesForRange(0, 0, 256)).toEqual([]);
    expect(pagesForRange(0, 1, 256)).toEqual([0]);
    expect(pagesForRange(255, 257, 256)).toEqual([0, 1]);
    expect(pagesForRange(256, 512, 256)).toEqual([1]);
    expect(pagesForRange(10, 5, 256)).toEqual([]);
  });
});

describe('virtualised rows of a 5 000-arrow ladder', () => {
  const model = longLadder(5000);
  const shape = shapeOf(model);

  it('draws only a viewport of rows and needs at most two pages per scroll position', () => {
    for (const zoom of [0.5, 1, 2]) {
      const l = layoutPagedLadder(shape, { zoom });
      const viewport = 700;
      const maxRows = Math.ceil(viewport / l.rowHeight) + 2 * 8 + 2;
      for (let top = 0; top <= l.height; top += 997) {
        const [first, last] = visibleRows(l, top, viewport);
        expect(last - first).toBeLessThanOrEqual(maxRows);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(last).toBeLessThanOrEqual(5000);
        expect(pagesForRange(first, last, LADDER_PAGE_SIZE).length).toBeLessThanOrEqual(2);
      }
      // Scrolled to the very bottom: the last row is drawn.
      const [, last] = visibleRows(l, l.height - viewport, viewport);
      expect(last).toBe(5000);
    }
  });

  it('rowAtY inverts rowTop for rows of any page, and hit-tests clicks in the middle of a row', () => {
    const l = layoutPagedLadder(shape, { zoom: 1.5 });
    for (const i of [0, 1, 255, 256, 2500, 4999]) {
      expect(rowAtY(l, rowTop(l, i))).toBe(i);
      expect(rowAtY(l, rowTop(l, i) + l.rowHeight / 2)).toBe(i);
    }
    expect(rowAtY(l, 1)).toBe(-1); // header
    expect(rowAtY(l, rowTop(l, 5000))).toBe(-1); // footer
  });

  it('arrow geometry of a paged row equals the geometry computed from the full model', () => {
    const full = layoutLadder(model, { zoom: 1.25 });
    const paged = layoutPagedLadder(shape, { zoom: 1.25 });
    const page = ladderPage(model, 3 * LADDER_PAGE_SIZE, LADDER_PAGE_SIZE);
    for (const row of page) expect(arrowGeometry(paged, structuredClone(row))).toEqual(arrowGeometry(full, model.rows[row.index]!));
  });

  it('arrowheads point at the receiving lifeline', () => {
    const l = layoutPagedLadder(shape);
    for (const row of model.rows.slice(0, 200)) {
      const g = arrowGeometry(l, row);
      const d = arrowHead(g, l);
      const [tip, back] = [...d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
      if (g.direction === 'self') {
        expect(tip![0]).toBeCloseTo(g.x1, 1);
        expect(back![0]).toBeGreaterThan(tip![0]);
      } else {
        expect(tip![0]).toBeCloseTo(g.x2, 1);
        expect(tip![1]).toBeCloseTo(g.y, 1);
        expect(Math.sign(tip![0] - back![0])).toBe(g.direction === 'right' ? 1 : -1);
      }
    }
  });
});
