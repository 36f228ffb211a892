// Pure ladder layout shared by the SVG renderer and the webview: column x positions, row y positions, arrow and
// self-loop geometry, label anchors, total size, zoom and row virtualisation. No DOM: text widths are estimated
// from character counts (labels are drawn in a monospace font so the estimate holds).
//
// UNITS: every length in this file is in CSS pixels. Options are given at zoom 1; a LadderLayout holds values
// already multiplied by its zoom factor, so a renderer can use them as-is.
import type { LadderModel, LadderRow, LadderStream } from './model';
import { arrowLabel } from './model';

/** Layout tunables, in CSS px at zoom 1. */
export interface LadderGeometryOptions {
  /** Scale factor applied to every length (clamped to [0.25, 4], see {@link clampZoom}). Default 1. */
  zoom?: number;
  /** Height of one arrow row. Default 28. */
  rowHeight?: number;
  /** Height of the column header band above the first row. Default 48. */
  headerHeight?: number;
  /** Blank space below the last row. Default 16. */
  footerHeight?: number;
  /** Width reserved at the left for the time text (0 hides it). Default 128. */
  timeColumnWidth?: number;
  /** Outer margin left and right. Default 16. */
  margin?: number;
  /** Minimum distance between two adjacent lifelines. Default 140. */
  minColumnSpacing?: number;
  /** Label font size. Default 12. */
  fontSize?: number;
  /** Estimated advance of one character at fontSize (monospace ~0.6em). Default 7.2. */
  charWidth?: number;
  /** Horizontal padding added around estimated text widths. Default 16. */
  labelPadding?: number;
  /** How far a self-message loop extends right of its lifeline. Default 28. */
  selfLoopWidth?: number;
  /**
   * Font scale of RTP stream labels (`→ RTP PCMA 236 pkts, 0 lost`) relative to arrow labels: when > 0, columns are
   * spaced so those labels fit between the lifelines a stream spans, like arrow labels. Default 0: streams are not
   * considered (the label may overflow its lifelines).
   */
  streamLabelScale?: number;
}

/**
 * Font scale at which the renderers (SVG export, capture editor) draw RTP stream labels; pass it as
 * `streamLabelScale` so that the columns make room for them.
 */
export const STREAM_LABEL_SCALE = 0.8;

const DEFAULTS: Required<Omit<LadderGeometryOptions, 'zoom'>> = {
  rowHeight: 28,
  headerHeight: 48,
  footerHeight: 16,
  timeColumnWidth: 128,
  margin: 16,
  minColumnSpacing: 140,
  fontSize: 12,
  charWidth: 7.2,
  labelPadding: 16,
  selfLoopWidth: 28,
  streamLabelScale: 0,
};

/** Result of {@link layoutLadder}. All lengths in CSS px, already scaled by `zoom`. */
export interface LadderLayout {
  zoom: number;
  rowCount: number;
  rowHeight: number;
  headerHeight: number;
  footerHeight: number;
  timeColumnWidth: number;
  margin: number;
  fontSize: number;
  charWidth: number;
  labelPadding: number;
  selfLoopWidth: number;
  /** Lifeline x of each column (index = column index), strictly increasing. */
  columnX: number[];
  /** Estimated width of each column's header label box. */
  headerWidth: number[];
  /**
   * Height of one RTP stream label line (0 when stream labels are not laid out: `streamLabelScale` 0). A row holding
   * stream labels (see {@link streamLabelSlots}) is taller by its number of label lines times this.
   */
  streamLineHeight: number;
  /** Rows taller than rowHeight (they hold stream labels), ascending row indexes. */
  tallRows: number[];
  /** Extra height of tallRows[0..j] together (CSS px), for each j: row tops are found by binary search. */
  tallExtraEnd: number[];
  /** Total drawing size. */
  width: number;
  height: number;
}

/** Where an RTP stream's label is drawn: below the arrow shaft of row `row`, on label line `line` (0 = first). */
export interface StreamLabelSlot {
  row: number;
  line: number;
}

/** Geometry of one arrow (CSS px). The shaft runs from (x1, y) to (x2, y); for a self-message see `path`. */
export interface ArrowGeometry {
  direction: 'right' | 'left' | 'self';
  /** Sender and receiver lifeline x (equal for a self-message). */
  x1: number;
  x2: number;
  /** y of the shaft (for a self-message: y of the outgoing leg). */
  y: number;
  /** SVG path data of the shaft: a straight line, or for a self-message a loop `M x,y H x+w V y2 H x`. */
  path: string;
  /** Label anchor point (text baseline) and text-anchor. */
  labelX: number;
  labelY: number;
  labelAnchor: 'middle' | 'start';
  /** Rectangle covering the row's arrow and label, for pointer hit-testing. */
  hit: { x: number; y: number; width: number; height: number };
}

/** Clamp a zoom factor to [0.25, 4]; non-finite or non-positive values give 1. */
export function clampZoom(zoom: number | undefined): number {
  if (zoom === undefined || !Number.isFinite(zoom) || zoom <= 0) return 1;
  return Math.min(4, Math.max(0.25, zoom));
}

/** Estimated rendered width (CSS px) of `text` at the given per-character advance: code points × charWidth. */
export function estimateTextWidth(text: string, charWidth: number): number {
  let n = 0;
  for (const _ of text) n++;
  return n * charWidth;
}

/**
 * Lay out a ladder. Column spacing grows so that every header label and every arrow label fits between the
 * lifelines it spans (arrows across several columns spread the extra room evenly over the gaps they cross);
 * self-message labels get room to the right of their lifeline. O(columns + rows).
 */
export function layoutLadder(model: LadderModel, opts: LadderGeometryOptions = {}): LadderLayout {
  const zoom = clampZoom(opts.zoom);
  const o = { ...DEFAULTS, ...definedOnly(opts) };
  const n = model.columns.length;

  // Work at zoom 1, scale once at the end.
  const headerWidth = model.columns.map((c) => estimateTextWidth(c.label, o.charWidth) + o.labelPadding);
  const gaps: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    gaps.push(Math.max(o.minColumnSpacing, (headerWidth[i]! + headerWidth[i + 1]!) / 2 + o.labelPadding));
  }

  let rightExtra = n > 0 ? headerWidth[n - 1]! / 2 : 0;
  const spanning = new Map<number, number>(); // key a*n+b -> required width
  for (const row of model.rows) {
    const text = estimateTextWidth(arrowLabel(row), o.charWidth);
    const a = Math.min(row.fromColumn, row.toColumn);
    const b = Math.max(row.fromColumn, row.toColumn);
    if (a < 0 || b >= n) continue;
    if (a === b) {
      const need = o.selfLoopWidth + o.labelPadding / 2 + text + o.labelPadding;
      if (a + 1 < n) gaps[a] = Math.max(gaps[a]!, need);
      else rightExtra = Math.max(rightExtra, need);
      continue;
    }
    const need = text + 2 * o.labelPadding;
    if (b === a + 1) gaps[a] = Math.max(gaps[a]!, need);
    else {
      const key = a * n + b;
      spanning.set(key, Math.max(spanning.get(key) ?? 0, need));
    }
  }
  if (o.streamLabelScale > 0) {
    for (const st of model.streams) {
      const a = Math.min(st.fromColumn, st.toColumn);
      const b = Math.max(st.fromColumn, st.toColumn);
      if (a < 0 || b >= n || a === b) continue;
      const need = estimateTextWidth(`→ ${st.label}`, o.charWidth) * o.streamLabelScale + 2 * o.labelPadding;
      if (b === a + 1) gaps[a] = Math.max(gaps[a]!, need);
      else {
        const key = a * n + b;
        spanning.set(key, Math.max(spanning.get(key) ?? 0, need));
      }
    }
  }
  // Narrow spans first so wide ones see the already-grown gaps.
  const wide = [...spanning.entries()]
    .map(([key, need]) => ({ a: Math.floor(key / n), b: key % n, need }))
    .sort((p, q) => p.b - p.a - (q.b - q.a) || p.a - q.a);
  for (const { a, b, need } of wide) {
    let have = 0;
    for (let i = a; i < b; i++) have += gaps[i]!;
    if (have < need) {
      const add = (need - have) / (b - a);
      for (let i = a; i < b; i++) gaps[i] = gaps[i]! + add;
    }
  }

  const columnX: number[] = [];
  let x = o.margin + o.timeColumnWidth + (n > 0 ? Math.max(headerWidth[0]! / 2, o.labelPadding) : 0);
  for (let i = 0; i < n; i++) {
    columnX.push(x);
    x += gaps[i] ?? 0;
  }
  const contentRight = n > 0 ? columnX[n - 1]! + rightExtra : o.margin + o.timeColumnWidth;
  const width = contentRight + o.margin;

  // Rows holding stream labels get a line of room per label line (see streamLabelSlots).
  const streamLineHeight = o.streamLabelScale > 0 ? o.fontSize * o.streamLabelScale * STREAM_LINE_SPACING : 0;
  const lines = new Map<number, number>();
  if (streamLineHeight > 0) {
    for (const slot of streamLabelSlots(model.streams)) lines.set(slot.row, Math.max(lines.get(slot.row) ?? 0, slot.line + 1));
  }
  const tallRows = [...lines.keys()].sort((p, q) => p - q);
  const tallExtraEnd: number[] = [];
  let extra = 0;
  for (const r of tallRows) tallExtraEnd.push((extra += lines.get(r)! * streamLineHeight * zoom));

  const z = (v: number): number => v * zoom;
  const scaled: LadderLayout = {
    zoom,
    rowCount: model.rows.length,
    rowHeight: z(o.rowHeight),
    headerHeight: z(o.headerHeight),
    footerHeight: z(o.footerHeight),
    timeColumnWidth: z(o.timeColumnWidth),
    margin: z(o.margin),
    fontSize: z(o.fontSize),
    charWidth: z(o.charWidth),
    labelPadding: z(o.labelPadding),
    selfLoopWidth: z(o.selfLoopWidth),
    columnX: columnX.map(z),
    headerWidth: headerWidth.map(z),
    streamLineHeight: z(streamLineHeight),
    tallRows,
    tallExtraEnd,
    width: Math.ceil(z(width)),
    height: 0,
  };
  scaled.height = ladderHeight(scaled, model.rows.length);
  return scaled;
}

/** Line height of stream labels, in units of their font size. */
const STREAM_LINE_SPACING = 1.3;

/**
 * Label slot of each RTP stream, in the order of `streams`: below the shaft of the stream's first row, on the first
 * label line there not taken by the label of a stream across overlapping columns (both directions of a call usually
 * start at the same row; a stream to an unreachable address often spans the columns of another). layoutLadder makes
 * such rows taller by their label lines, so a label never overlaps the next row's arrow label. O(streams × lines).
 */
export function streamLabelSlots(streams: readonly LadderStream[]): StreamLabelSlot[] {
  const used = new Map<number, [number, number, number][]>(); // row -> [from column, to column, line]
  const out: StreamLabelSlot[] = [];
  for (const st of streams) {
    const a = Math.min(st.fromColumn, st.toColumn);
    const b = Math.max(st.fromColumn, st.toColumn);
    const row = Math.max(0, Math.min(st.startRow, st.endRow));
    let list = used.get(row);
    if (list === undefined) used.set(row, (list = []));
    let line = 0;
    while (list.some(([x, y, l]) => l === line && a < y && x < b)) line++;
    list.push([a, b, line]);
    out.push({ row, line });
  }
  return out;
}

/** Total drawing height for `rowCount` rows: header, rows (tall ones included), footer. */
export function ladderHeight(layout: LadderLayout, rowCount: number): number {
  return Math.ceil(rowTop(layout, rowCount) + layout.footerHeight);
}

/** Extra height (CSS px) of the tall rows before row `i`. O(log tall rows). */
function extraBefore(layout: LadderLayout, i: number): number {
  const rows = layout.tallRows;
  let lo = 0;
  let hi = rows.length; // count of tall rows < i: first index with rows[k] >= i
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? layout.tallExtraEnd[lo - 1]! : 0;
}

/** Top y (CSS px) of row `i`: headerHeight + i × rowHeight + the extra height of the tall rows before it. */
export function rowTop(layout: LadderLayout, i: number): number {
  return layout.headerHeight + i * layout.rowHeight + extraBefore(layout, i);
}

/** Height (CSS px) of row `i`: rowHeight, plus its stream label lines. */
export function rowSpan(layout: LadderLayout, i: number): number {
  return rowTop(layout, i + 1) - rowTop(layout, i);
}

/** Baseline y (CSS px) of a stream label in `slot`: below the shaft of its row, one line per earlier label. */
export function streamLabelBaseline(layout: LadderLayout, slot: StreamLabelSlot): number {
  return arrowY(layout, slot.row) + layout.fontSize * 0.85 + slot.line * layout.streamLineHeight;
}

/** y of the arrow shaft of row `i` (lower part of the row; the label sits above it). */
export function arrowY(layout: LadderLayout, i: number): number {
  return rowTop(layout, i) + layout.rowHeight * 0.7;
}

/** Baseline position of row `i`'s time text, left-aligned in the time column. */
export function timePosition(layout: LadderLayout, i: number): { x: number; y: number } {
  return { x: layout.margin, y: arrowY(layout, i) + layout.fontSize * 0.35 };
}

/** Header label box of column `i` (centred on the lifeline) and its text baseline. */
export function headerBox(
  layout: LadderLayout,
  i: number,
): { x: number; y: number; width: number; height: number; textX: number; textY: number } {
  const cx = layout.columnX[i] ?? 0;
  const width = layout.headerWidth[i] ?? 0;
  const height = layout.fontSize * 2;
  const y = (layout.headerHeight - height) / 2;
  return { x: cx - width / 2, y, width, height, textX: cx, textY: y + height / 2 + layout.fontSize * 0.35 };
}

/** Geometry of the arrow for `row` (which must belong to the model the layout was made from). */
export function arrowGeometry(layout: LadderLayout, row: LadderRow): ArrowGeometry {
  const x1 = layout.columnX[row.fromColumn] ?? 0;
  const x2 = layout.columnX[row.toColumn] ?? 0;
  const top = rowTop(layout, row.index);
  const rh = layout.rowHeight;
  if (row.fromColumn === row.toColumn) {
    const yTop = top + rh * 0.35;
    const yBottom = top + rh * 0.8;
    const xr = x1 + layout.selfLoopWidth;
    const labelX = xr + layout.labelPadding / 2;
    return {
      direction: 'self',
      x1,
      x2,
      y: yTop,
      path: `M${fmt(x1)},${fmt(yTop)} H${fmt(xr)} V${fmt(yBottom)} H${fmt(x1)}`,
      labelX,
      labelY: (yTop + yBottom) / 2 + layout.fontSize * 0.35,
      labelAnchor: 'start',
      hit: {
        x: x1,
        y: top,
        width: labelX - x1 + estimateTextWidth(arrowLabel(row), layout.charWidth),
        height: rh,
      },
    };
  }
  const y = arrowY(layout, row.index);
  return {
    direction: x2 > x1 ? 'right' : 'left',
    x1,
    x2,
    y,
    path: `M${fmt(x1)},${fmt(y)} H${fmt(x2)}`,
    labelX: (x1 + x2) / 2,
    labelY: y - layout.fontSize * 0.45,
    labelAnchor: 'middle',
    hit: { x: Math.min(x1, x2), y: top, width: Math.abs(x2 - x1), height: rh },
  };
}

/** Rectangle of an RTP stream band: between its two lifelines, from the top of startRow to the bottom of endRow. */
export function streamBox(
  layout: LadderLayout,
  stream: LadderStream,
): { x: number; y: number; width: number; height: number } {
  const xa = layout.columnX[stream.fromColumn] ?? 0;
  const xb = layout.columnX[stream.toColumn] ?? 0;
  const first = Math.max(0, Math.min(stream.startRow, stream.endRow));
  const last = Math.max(stream.startRow, stream.endRow);
  const y = rowTop(layout, first);
  return {
    x: Math.min(xa, xb),
    y,
    width: Math.abs(xb - xa),
    height: rowTop(layout, last + 1) - y,
  };
}

/**
 * Rows to render for a scrolled viewport, as a half-open range `[first, last)` of row indexes.
 * `scrollTop` is the scroll offset of the whole drawing (header included) and `viewportHeight` the visible
 * height, both CSS px at the layout's zoom; `overscan` extra rows are added on each side (default 8).
 * Cost is O(log rows), so a 5 000-arrow ladder only ever renders ~viewport/rowHeight + 2 × overscan rows.
 */
export function visibleRows(
  layout: LadderLayout,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): [number, number] {
  const n = layout.rowCount;
  if (n === 0 || layout.rowHeight <= 0) return [0, 0];
  const top = Number.isFinite(scrollTop) ? scrollTop : 0;
  const height = Number.isFinite(viewportHeight) ? Math.max(0, viewportHeight) : 0;
  const extra = Number.isFinite(overscan) ? Math.max(0, Math.floor(overscan)) : 0;
  const firstVisible = rowIndexAt(layout, top);
  const bottom = top + height;
  const below = rowIndexAt(layout, bottom);
  const lastVisible = rowTop(layout, below) < bottom ? below + 1 : below; // exclusive: rows starting above the bottom
  const first = clamp(firstVisible - extra, 0, n);
  const last = clamp(Math.max(lastVisible, firstVisible + 1) + extra, first, n);
  return [first, last];
}

/** Row index under a y position (CSS px, drawing coordinates), or -1 in the header/footer. */
export function rowAtY(layout: LadderLayout, y: number): number {
  if (!Number.isFinite(y) || y < layout.headerHeight || layout.rowHeight <= 0) return -1;
  const i = rowIndexAt(layout, y);
  return i < layout.rowCount ? i : -1;
}

/**
 * The row whose span holds y: the largest i with rowTop(i) <= y (negative above the first row, rowCount or more below
 * the last). Rows are rowHeight tall except the tall rows, so the uniform estimate is corrected by a binary search.
 */
function rowIndexAt(layout: LadderLayout, y: number): number {
  const rh = layout.rowHeight;
  let i = Math.floor((y - layout.headerHeight) / rh);
  if (layout.tallRows.length === 0 || i <= 0) return i;
  // rowTop(i) >= headerHeight + i * rh, so the answer is at most the uniform estimate.
  let lo = 0;
  let hi = i;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (rowTop(layout, mid) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Path of the cross that ends a lost message's shaft (UML: the message did not arrive; here an ICMP error answered
 * it) instead of an arrowhead: two strokes of half-size `r` (px, zoom included) centred `r` before the receiver's
 * lifeline. Not for self-messages.
 */
export function lostCrossPath(g: ArrowGeometry, r: number): string {
  const x = g.direction === 'right' ? g.x2 - r : g.x2 + r;
  return `M${fmt(x - r)},${fmt(g.y - r)} L${fmt(x + r)},${fmt(g.y + r)} M${fmt(x - r)},${fmt(g.y + r)} L${fmt(x + r)},${fmt(g.y - r)}`;
}

/** Format a coordinate with at most 2 decimals, no trailing zeros (keeps SVG output small and stable). */
export function fmt(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function definedOnly(opts: LadderGeometryOptions): Partial<typeof DEFAULTS> {
  const out: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = opts[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}
