// Standalone SVG rendering of a ladder (CLI `--format svg`, and inlined by render-html.ts): column headers,
// lifelines, arrows with arrowhead markers coloured by status class, labels, time column. Every capture string is
// escaped with escape.ts; the output contains no script and no external references.
import { escapeXml } from './escape';
import type { LadderGeometryOptions, LadderLayout } from './geometry';
import { arrowGeometry, fmt, headerBox, layoutLadder, lostCrossPath, rowSpan, rowTop, STREAM_LABEL_SCALE, streamBox, streamLabelBaseline, streamLabelSlots, timePosition } from './geometry';
import type { LadderModel, LadderRow, LadderTimeMode } from './model';
import { arrowFlagsText, arrowLabel, formatClock, formatRowTime, icmpAnswerText, icmpNote, isLostArrow } from './model';

export type LadderTheme = 'light' | 'dark' | 'auto';

export interface SvgLadderOptions {
  /** Time text at the left of each arrow; 'none' hides it. Default 'relative'. */
  time?: LadderTimeMode | 'none';
  /** Colours: fixed light/dark, or `auto` (light, dark under `prefers-color-scheme: dark`). Default 'light'. */
  theme?: LadderTheme;
  /** When it returns a string, the arrow is wrapped in `<a href=...>` (the value is escaped, not validated). */
  linkHref?: (row: LadderRow) => string | undefined;
  /** When it returns a string, it becomes the `id` of the arrow's outer element (fragment target). */
  rowId?: (row: LadderRow) => string | undefined;
  /** Layout tunables (CSS px) and zoom. */
  geometry?: LadderGeometryOptions;
  /** Emit `<?xml ...?>` first (default true). Set false when inlining the SVG into HTML. */
  xmlDeclaration?: boolean;
  /** Prefix of the ids this SVG defines (arrowhead markers), so several ladders can share one page. Default 'sipscope-'. */
  idPrefix?: string;
  /** Accessible title (`<title>` of the document). Default 'SIP call flow'. */
  title?: string;
}

interface Palette {
  bg: string;
  fg: string;
  muted: string;
  lifeline: string;
  headerFill: string;
  headerStroke: string;
  status: readonly [string, string, string, string, string, string, string]; // index = status class (0 = request)
  invalid: string;
  stream: string;
}

const LIGHT: Palette = {
  bg: '#ffffff',
  fg: '#1f2328',
  muted: '#59636e',
  lifeline: '#8c959f',
  headerFill: '#f6f8fa',
  headerStroke: '#d0d7de',
  status: ['#1f2328', '#5a6f9e', '#1a7f37', '#9a6700', '#bc4c00', '#cf222e', '#a40e26'],
  invalid: '#8250df',
  stream: '#0969da',
};

const DARK: Palette = {
  bg: '#0d1117',
  fg: '#e6edf3',
  muted: '#9198a1',
  lifeline: '#6e7681',
  headerFill: '#161b22',
  headerStroke: '#3d444d',
  status: ['#e6edf3', '#8fa3d1', '#3fb950', '#d29922', '#f0883e', '#f85149', '#ff7b72'],
  invalid: '#bc8cff',
  stream: '#4493f8',
};

/** Colours of call stripes (LadderCall.colorIndex modulo 8); mid-tones readable on both themes. */
export const CALL_COLORS: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#9c755f',
];

/** Class on the root `<svg>`; CSS rules are scoped under it. */
export const LADDER_SVG_CLASS = 'sipscope-ladder';

/**
 * Render `model` as a standalone SVG document string (`xmlns`, `viewBox`, `width`/`height` in CSS px).
 * Each arrow is a `<g class="arrow ..." data-message-id="N" data-row="i" data-frame="F">`, wrapped in
 * `<a href>` when `linkHref` returns a value. Retransmissions are dashed; SDP bodies get a dot at the sender.
 */
export function renderLadderSvg(model: LadderModel, opts: SvgLadderOptions = {}): string {
  return joinPieces(ladderSvgPieces(model, opts));
}

/** The pieces of a string iterable joined (one join, no intermediate concatenations). */
export function joinPieces(pieces: Iterable<string>): string {
  const out: string[] = [];
  for (const p of pieces) out.push(p);
  return out.join('');
}

/**
 * renderLadderSvg's document as pieces (lines with their line feed, one per arrow), in order: a writer can stream
 * them, so a ladder of 100 000 arrows never exists as one string. Their concatenation is renderLadderSvg's result.
 */
export function* ladderSvgPieces(model: LadderModel, opts: SvgLadderOptions = {}): Generator<string> {
  // Stream labels are drawn at STREAM_LABEL_SCALE: the columns make room for them unless the caller says otherwise.
  const layout = layoutLadder(model, { streamLabelScale: STREAM_LABEL_SCALE, ...opts.geometry });
  const theme = opts.theme ?? 'light';
  const timeMode = opts.time ?? 'relative';
  const prefix = sanitiseId(opts.idPrefix ?? 'sipscope-');
  const w = layout.width;
  const h = layout.height;

  if (opts.xmlDeclaration !== false) yield nl('<?xml version="1.0" encoding="UTF-8"?>');
  yield nl(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `class="${LADDER_SVG_CLASS} theme-${theme}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
      `role="img" aria-label="${escapeXml(opts.title ?? 'SIP call flow')}">`,
  );
  yield nl(`<title>${escapeXml(opts.title ?? 'SIP call flow')}</title>`);
  yield nl(`<style>${svgCss(theme, layout)}</style>`);

  // Arrowheads: one marker per status class (marker contents do not inherit the referencing element's colour).
  const mw = fmt(9 * layout.zoom);
  yield nl('<defs>');
  for (let s = 0; s <= 7; s++) {
    yield nl(
      `<marker id="${prefix}head-${s}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="${mw}" markerHeight="${mw}" ` +
        `markerUnits="userSpaceOnUse" orient="auto"><path class="head s${s}" d="M0,0 L10,5 L0,10 z"/></marker>`,
    );
  }
  yield nl('</defs>');
  yield nl(`<rect class="bg" x="0" y="0" width="${w}" height="${h}"/>`);

  if (model.streams.length > 0) {
    yield nl('<g class="streams">');
    // The label goes below the shaft of the stream's first row, in a smaller font, on its own line (the layout makes
    // that row taller: see streamLabelSlots). An arrow in front gives the direction; <title> repeats it.
    const slots = streamLabelSlots(model.streams);
    for (let k = 0; k < model.streams.length; k++) {
      const s = model.streams[k]!;
      const b = streamBox(layout, s);
      const arrow = s.toColumn > s.fromColumn ? '→ ' : s.toColumn < s.fromColumn ? '← ' : '';
      const data = s.streamIndex !== undefined ? ` data-stream="${s.streamIndex}"` : '';
      const text = escapeXml(arrow + s.label);
      yield nl(
        `<g class="stream"${data}><title>${text}</title><rect x="${fmt(b.x)}" y="${fmt(b.y)}" width="${fmt(b.width)}" height="${fmt(b.height)}"/>` +
          `<text class="stream-label" x="${fmt(b.x + b.width / 2)}" y="${fmt(streamLabelBaseline(layout, slots[k]!))}" text-anchor="middle">${text}</text></g>`,
      );
    }
    yield nl('</g>');
  }

  yield nl('<g class="columns">');
  const lifeTop = layout.headerHeight - layout.fontSize * 0.5;
  const lifeBottom = h - layout.footerHeight / 2;
  for (let i = 0; i < model.columns.length; i++) {
    const col = model.columns[i]!;
    const x = fmt(layout.columnX[i]!);
    const b = headerBox(layout, i);
    yield nl(
      `<g class="column" data-column="${i}">` +
        `<line class="lifeline" x1="${x}" y1="${fmt(lifeTop)}" x2="${x}" y2="${fmt(lifeBottom)}"/>` +
        `<rect class="header-box" x="${fmt(b.x)}" y="${fmt(b.y)}" width="${fmt(b.width)}" height="${fmt(b.height)}" rx="${fmt(3 * layout.zoom)}"/>` +
        `<text class="header" x="${fmt(b.textX)}" y="${fmt(b.textY)}" text-anchor="middle">${escapeXml(col.label)}</text></g>`,
    );
  }
  yield nl('</g>');

  if (timeMode !== 'none' && layout.timeColumnWidth > 0) {
    const label = timeMode === 'absolute' ? 'time (UTC)' : timeMode;
    yield nl(
      `<text class="time-header" x="${fmt(layout.margin)}" y="${fmt(layout.headerHeight / 2 + layout.fontSize * 0.35)}">${escapeXml(label)}</text>`,
    );
  }

  const colorOf = new Map<number, number>();
  for (const c of model.calls) colorOf.set(c.callIndex, c.colorIndex);

  yield nl('<g class="rows">');
  for (const row of model.rows) yield nl(renderRow(row, layout, opts, timeMode, prefix, colorOf.get(row.callIndex)));
  yield nl('</g>');

  if (model.rows.length === 0) {
    yield nl(
      `<text class="empty" x="${fmt(w / 2)}" y="${fmt(layout.headerHeight + layout.fontSize)}" text-anchor="middle">(no messages)</text>`,
    );
  }
  yield '</svg>\n';
}

/** A line of the document with its line feed. */
const nl = (line: string): string => line + '\n';

function renderRow(
  row: LadderRow,
  layout: LadderLayout,
  opts: SvgLadderOptions,
  timeMode: LadderTimeMode | 'none',
  prefix: string,
  colorIndex: number | undefined,
): string {
  const g = arrowGeometry(layout, row);
  const cls = ['arrow', `s${row.kind === 'invalid' ? 7 : row.statusClass}`, row.kind === 'response' ? 'resp' : 'req'];
  if (row.kind === 'invalid') cls.push('invalid');
  if (row.retransmission) cls.push('retrans');
  if (row.hasSdp) cls.push('sdp');
  if (g.direction === 'self') cls.push('self');
  const marker = `url(#${prefix}head-${row.kind === 'invalid' ? 7 : row.statusClass})`;

  const icmp = row.icmp ?? [];
  const lost = isLostArrow(row) && g.direction !== 'self';
  if (isLostArrow(row)) cls.push('lost');
  const tooltip = [
    row.detail,
    `${endpoint(row.src, row.srcPort)} → ${endpoint(row.dst, row.dstPort)}`,
    `${row.transport}, frame ${row.frame}, ${formatClock(row.timeSec, row.timeNsec)} UTC`,
    ...icmp.map((x) => `ICMP ${icmpAnswerText(x)}`),
  ]
    .filter((t) => t !== '')
    .join('\n');

  const parts: string[] = [];
  parts.push(
    `<g class="${cls.join(' ')}" data-message-id="${row.messageId}" data-row="${row.index}" data-frame="${row.frame}">`,
  );
  parts.push(`<title>${escapeXml(`${arrowLabel(row)}\n${tooltip}`)}</title>`);
  parts.push(
    `<rect class="hit" x="${fmt(g.hit.x)}" y="${fmt(g.hit.y)}" width="${fmt(g.hit.width)}" height="${fmt(g.hit.height)}"/>`,
  );
  if (colorIndex !== undefined) {
    parts.push(
      `<rect class="call c${colorIndex % CALL_COLORS.length}" x="${fmt(layout.margin / 4)}" y="${fmt(rowTop(layout, row.index) + 2 * layout.zoom)}" ` +
        `width="${fmt(3 * layout.zoom)}" height="${fmt(rowSpan(layout, row.index) - 4 * layout.zoom)}"/>`,
    );
  }
  if (timeMode !== 'none' && layout.timeColumnWidth > 0) {
    const t = timePosition(layout, row.index);
    parts.push(`<text class="time" x="${fmt(t.x)}" y="${fmt(t.y)}">${escapeXml(formatRowTime(row, timeMode))}</text>`);
  }
  const dash = row.retransmission ? ` stroke-dasharray="${fmt(5 * layout.zoom)} ${fmt(3 * layout.zoom)}"` : '';
  parts.push(`<path class="shaft" d="${g.path}"${dash}${lost ? '' : ` marker-end="${marker}"`}/>`);
  // A lost message (UML): the shaft ends in a cross instead of a head.
  if (lost) parts.push(`<path class="lost-x" d="${lostCrossPath(g, 4.5 * layout.zoom)}"/>`);
  if (row.hasSdp) {
    const cy = g.y;
    const cx = g.direction === 'left' ? g.x1 - 5 * layout.zoom : g.x1 + 5 * layout.zoom;
    parts.push(`<circle class="sdp-dot" cx="${fmt(cx)}" cy="${fmt(cy)}" r="${fmt(3 * layout.zoom)}"/>`);
  }
  parts.push(
    `<text class="label" x="${fmt(g.labelX)}" y="${fmt(g.labelY)}" text-anchor="${g.labelAnchor}">${escapeXml(row.label + arrowFlagsText(row))}` +
      (isLostArrow(row) ? `<tspan class="icmp-note">${escapeXml(icmpNote(icmp, icmp.length))}</tspan>` : '') +
      `</text>`,
  );
  parts.push('</g>');

  let body = parts.join('');
  const href = opts.linkHref?.(row);
  const id = opts.rowId?.(row);
  const idAttr = id !== undefined ? ` id="${escapeXml(id)}"` : '';
  if (href !== undefined) {
    const e = escapeXml(href);
    body = `<a${idAttr} href="${e}" xlink:href="${e}">${body}</a>`;
  } else if (id !== undefined) {
    body = `<g${idAttr}>${body}</g>`;
  }
  return body;
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Ids must be XML names: keep [A-Za-z0-9_-], replace the rest. */
function sanitiseId(prefix: string): string {
  const p = prefix.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(p) ? p : `_${p}`;
}

/** Theme CSS, scoped under the root class so an inlined SVG does not restyle its host page. */
function svgCss(theme: LadderTheme, layout: LadderLayout): string {
  const font = `font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:${fmt(layout.fontSize)}px;`;
  const base =
    `.${LADDER_SVG_CLASS}{${font}}` +
    `.${LADDER_SVG_CLASS} .lifeline{stroke-width:1;stroke-dasharray:2 3}` +
    `.${LADDER_SVG_CLASS} .header-box{stroke-width:1}` +
    `.${LADDER_SVG_CLASS} .shaft{fill:none;stroke-width:${fmt(1.4 * layout.zoom)}}` +
    `.${LADDER_SVG_CLASS} .hit{fill:transparent;stroke:none}` +
    `.${LADDER_SVG_CLASS} .label{paint-order:stroke;stroke-width:${fmt(3 * layout.zoom)}px;stroke-linejoin:round}` +
    `.${LADDER_SVG_CLASS} .retrans .label{font-style:italic}` +
    `.${LADDER_SVG_CLASS} .time,.${LADDER_SVG_CLASS} .time-header{font-size:${fmt(layout.fontSize * 0.92)}px}` +
    `.${LADDER_SVG_CLASS} .stream rect{fill-opacity:0.12}` +
    `.${LADDER_SVG_CLASS} .stream-label{font-size:${fmt(layout.fontSize * STREAM_LABEL_SCALE)}px}` +
    `.${LADDER_SVG_CLASS} a .arrow:hover .label{text-decoration:underline}` +
    CALL_COLORS.map((c, i) => `.${LADDER_SVG_CLASS} .call.c${i}{fill:${c}}`).join('');
  const scoped = (p: Palette, sel: string): string => {
    const s = `.${LADDER_SVG_CLASS}${sel}`;
    const rules = [
      `${s} .bg{fill:${p.bg}}`,
      `${s} text{fill:${p.fg}}`,
      `${s} .label{stroke:${p.bg}}`,
      `${s} .time,${s} .time-header,${s} .empty{fill:${p.muted}}`,
      `${s} .lifeline{stroke:${p.lifeline}}`,
      `${s} .header-box{fill:${p.headerFill};stroke:${p.headerStroke}}`,
      `${s} .stream rect{fill:${p.stream}}`,
      `${s} .sdp-dot{fill:${p.status[2]}}`,
      `${s} .lost-x{fill:none;stroke:${p.status[5]};stroke-width:${fmt(1.6 * layout.zoom)}}`,
      `${s} .label .icmp-note{fill:${p.status[5]}}`,
    ];
    p.status.forEach((color, i) => {
      rules.push(`${s} .s${i} .shaft{stroke:${color}}`, `${s} .head.s${i}{fill:${color}}`, `${s} .s${i} .label{fill:${color}}`);
    });
    rules.push(`${s} .s7 .shaft{stroke:${p.invalid}}`, `${s} .head.s7{fill:${p.invalid}}`, `${s} .s7 .label{fill:${p.invalid}}`);
    return rules.join('');
  };
  if (theme === 'light') return base + scoped(LIGHT, '.theme-light');
  if (theme === 'dark') return base + scoped(DARK, '.theme-dark');
  return base + scoped(LIGHT, '.theme-auto') + `@media (prefers-color-scheme:dark){${scoped(DARK, '.theme-auto')}}`;
}
