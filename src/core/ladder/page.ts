// Pure paging helpers for ladders too long to send or draw at once: the host sends pages of rows plus a few
// representative "width rows", and the webview lays the whole ladder out from those without holding every row.
import type { LadderGeometryOptions, LadderLayout } from './geometry';
import { estimateTextWidth, ladderHeight, layoutLadder } from './geometry';
import type { LadderColumn, LadderModel, LadderRow, LadderStream } from './model';
import { arrowLabel } from './model';

/** Default page size (rows) for ladder page requests. */
export const LADDER_PAGE_SIZE = 256;

/**
 * The rows that decide column spacing in {@link layoutLadder}: for each (unordered) column pair, and for each
 * self-message column, the row with the widest label. At most columns² rows whatever the ladder length, and
 * `layoutLadder` over them gives the same column positions as over all rows.
 */
export function ladderWidthRows(model: LadderModel): LadderRow[] {
  const n = model.columns.length;
  const best = new Map<number, { row: LadderRow; width: number }>();
  for (const row of model.rows) {
    const a = Math.min(row.fromColumn, row.toColumn);
    const b = Math.max(row.fromColumn, row.toColumn);
    if (a < 0 || b >= n) continue;
    const key = a * n + b;
    const width = estimateTextWidth(arrowLabel(row), 1);
    const cur = best.get(key);
    if (cur === undefined || width > cur.width) best.set(key, { row, width });
  }
  return [...best.values()].map((v) => v.row).sort((p, q) => p.index - q.index);
}

/** Rows `[from, from + count)` of a ladder, clamped to its bounds (empty when out of range). */
export function ladderPage(model: LadderModel, from: number, count: number): LadderRow[] {
  const start = clampInt(from, 0, model.rows.length);
  const end = clampInt(start + Math.max(0, Math.floor(count)), start, model.rows.length);
  return model.rows.slice(start, end);
}

/** What the webview knows about a paged ladder: its columns, width rows and total row count. */
export interface PagedLadderShape {
  columns: readonly LadderColumn[];
  widthRows: readonly LadderRow[];
  rowCount: number;
  /** RTP streams of the ladder: their labels widen the columns when `streamLabelScale` is set. */
  streams?: readonly LadderStream[];
}

/**
 * Lay out a ladder known only by its shape: same column positions as `layoutLadder` over the full model (the width
 * rows carry every label that matters), with `rowCount` and `height` for all rows. Row geometry helpers
 * (`rowTop`, `arrowGeometry`, `visibleRows`, `rowAtY`) then work on rows of any page, as they only use `row.index`.
 */
export function layoutPagedLadder(shape: PagedLadderShape, opts: LadderGeometryOptions = {}): LadderLayout {
  const base = layoutLadder(
    { columns: [...shape.columns], rows: [...shape.widthRows], calls: [], streams: [...(shape.streams ?? [])], startSec: 0, startNsec: 0, warnings: [] },
    opts,
  );
  const rowCount = Math.max(0, Math.floor(shape.rowCount));
  // Tall rows (stream labels) come from the streams, which the shape has in full.
  return { ...base, rowCount, height: ladderHeight(base, rowCount) };
}

/** Page numbers (of `pageSize` rows) covering rows `[first, last)`. */
export function pagesForRange(first: number, last: number, pageSize: number): number[] {
  if (!(pageSize > 0) || !(last > first)) return [];
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p * pageSize < last; p++) out.push(p);
  return out;
}

function clampInt(v: number, lo: number, hi: number): number {
  const x = Number.isFinite(v) ? Math.floor(v) : lo;
  return Math.min(hi, Math.max(lo, x));
}
