// The ladder (call flow) as SVG, virtualised by rows: the host sends pages of rows plus the ladder's shape, the
// pure core geometry lays it out (any zoom), and only the rows in view are drawn — with the RTP stream bands that
// cross them and NAT finding markers on arrows and streams. Sticky column headers and a sticky time column keep wide
// and long ladders readable while scrolling both ways.
import {
  arrowGeometry,
  clampZoom,
  estimateTextWidth,
  headerBox,
  lostCrossPath,
  rowAtY,
  rowSpan,
  rowTop,
  STREAM_LABEL_SCALE,
  streamBox,
  streamLabelBaseline,
  streamLabelSlots,
  visibleRows,
  type ArrowGeometry,
  type LadderLayout,
  type StreamLabelSlot,
} from '../../src/core/ladder/geometry';
import { arrowFlagsText, arrowLabel, formatRowTime, icmpAnswerText, icmpNote, isLostArrow, type LadderRow } from '../../src/core/ladder/model';
import { LADDER_PAGE_SIZE, layoutPagedLadder } from '../../src/core/ladder/page';
import type {
  GetLadderParams,
  LadderColumnsOption,
  LadderPage,
  LadderRowOf,
  LadderRowOfParams,
  LadderStreamView,
  LadderTimeOption,
  RowMarker,
} from '../../src/protocol/webview';
import { clear, h, s, setText } from '../dom';
import { PageCache } from '../paging';
import { severityMarker } from '../severity';

const OVERSCAN = 8;
/** Number of call colours defined in the stylesheet (`.c0` … `.c7`). */
const CALL_COLOURS = 8;

export interface LadderViewOptions {
  fetch(params: GetLadderParams): Promise<LadderPage>;
  /** Where a message is in a ladder (to reveal an evidence frame whose page is not loaded). */
  locate(params: LadderRowOfParams): Promise<LadderRowOf>;
  /** The user picked an arrow (undefined: selection cleared). */
  onSelectMessage(messageId: number | undefined): void;
  /** The user picked an RTP stream band. */
  onSelectStream(streamIndex: number): void;
  /** Zoom/scroll/time changed: persist the view state. */
  onChange(): void;
  onError(message: string): void;
}

export interface LadderViewState {
  columns: LadderColumnsOption;
  time: LadderTimeOption;
  zoom: number;
  scrollTop: number;
  scrollLeft: number;
  messageId: number | undefined;
}

type Shape = Pick<LadderPage, 'key' | 'rowCount' | 'columns' | 'calls' | 'widthRows' | 'warnings' | 'streams'>;

/** Ladder widget. */
export class LadderView {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly head: SVGSVGElement;
  private readonly body: HTMLElement;
  private readonly times: HTMLElement;
  private readonly rowsSvg: SVGSVGElement;
  private readonly note: HTMLElement;
  private readonly cache = new PageCache<LadderRow>(LADDER_PAGE_SIZE);
  private callIndexes: number[] = [];
  private columns: LadderColumnsOption;
  private time: LadderTimeOption;
  private zoom: number;
  private shape: Shape | undefined;
  private layout: LadderLayout | undefined;
  private selectedMessage: number | undefined;
  /** Row index of the selected message when known. */
  private selectedRow = -1;
  /** Identity of the current ladder request set (calls + columns); stale answers are dropped. */
  private ladderId = '';
  private frame = 0;
  private drawnKey = '';
  private pendingScroll: { top: number; left: number } | undefined;
  private colourByCall = new Map<number, number>();
  /** Finding markers of the loaded rows' messages (for the current shape key). */
  private markers = new Map<number, RowMarker>();
  /** Where each stream's label goes, by stream index (core streamLabelSlots, once per shape, as the SVG export). */
  private labelSlots = new Map<number, StreamLabelSlot>();
  private selectedStream: number | undefined;
  /** Bumped by every reveal request, so a late answer does not move a newer selection. */
  private revealSeq = 0;

  constructor(
    private readonly opts: LadderViewOptions,
    initial: LadderViewState,
  ) {
    this.columns = initial.columns;
    this.time = initial.time;
    this.zoom = clampZoom(initial.zoom);
    this.selectedMessage = initial.messageId;
    this.pendingScroll = { top: initial.scrollTop, left: initial.scrollLeft };

    this.head = s('svg', { class: 'ladder-head', 'aria-hidden': 'true' });
    this.times = h('div', { class: 'ladder-times', 'aria-hidden': 'true' });
    this.rowsSvg = s('svg', { class: 'ladder-rows', role: 'list', 'aria-label': 'Messages' });
    this.body = h('div', { class: 'ladder-body' }, this.times, this.rowsSvg);
    this.note = h('div', { class: 'ladder-note' }, 'Select one or more calls to see their ladder.');
    this.scroller = h('div', { class: 'ladder-scroll', tabindex: 0, 'aria-label': 'Ladder diagram' }, this.head, this.body);
    this.element = h('section', { class: 'ladder', 'data-state': 'empty' }, this.note, this.scroller);

    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey) return;
        e.preventDefault();
        this.setZoom(this.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
      },
      { passive: false },
    );
    this.body.addEventListener('click', (e) => this.onClick(e));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  get state(): LadderViewState {
    return {
      columns: this.columns,
      time: this.time,
      zoom: this.zoom,
      scrollTop: this.pendingScroll?.top ?? this.scroller.scrollTop,
      scrollLeft: this.pendingScroll?.left ?? this.scroller.scrollLeft,
      messageId: this.selectedMessage,
    };
  }

  /** Rows in the current ladder (0 before it loads). */
  get rowCount(): number {
    return this.shape?.rowCount ?? 0;
  }

  get zoomLevel(): number {
    return this.zoom;
  }

  /** Show the ladder of these calls (keeps scroll when restoring, resets it when the calls change). */
  show(callIndexes: number[], opts: { keepScroll?: boolean } = {}): void {
    const sorted = [...callIndexes].sort((a, b) => a - b);
    const same = sorted.join(',') === this.callIndexes.join(',');
    this.callIndexes = sorted;
    if (!same && !opts.keepScroll) {
      this.pendingScroll = { top: 0, left: 0 };
      this.selectedMessage = undefined;
      this.selectedRow = -1;
      this.selectedStream = undefined;
    }
    this.reload();
  }

  setColumns(columns: LadderColumnsOption): void {
    if (columns === this.columns) return;
    this.columns = columns;
    this.reload();
    this.opts.onChange();
  }

  setTime(time: LadderTimeOption): void {
    if (time === this.time) return;
    this.time = time;
    this.drawnKey = '';
    this.schedule();
    this.opts.onChange();
  }

  /** Zoom around the centre of the view. */
  setZoom(zoom: number): void {
    const z = clampZoom(Math.round(zoom * 100) / 100);
    if (z === this.zoom) return;
    const ratio = z / this.zoom;
    const cx = this.scroller.scrollLeft + this.scroller.clientWidth / 2;
    const cy = this.scroller.scrollTop + this.scroller.clientHeight / 2;
    this.zoom = z;
    this.relayout();
    this.scroller.scrollLeft = cx * ratio - this.scroller.clientWidth / 2;
    this.scroller.scrollTop = cy * ratio - this.scroller.clientHeight / 2;
    this.opts.onChange();
  }

  /** Import progressed: the selected calls may have more messages now. */
  refresh(): void {
    if (this.callIndexes.length === 0) return;
    this.cache.invalidate();
    this.schedule();
  }

  focus(): void {
    this.scroller.focus();
  }

  /** CaptureModel.streams indexes of the RTP streams on the current ladder (the selected calls'), in drawing order. */
  get streamIndexes(): number[] {
    return (this.shape?.streams ?? []).map((st) => st.streamIndex).filter((i) => i >= 0);
  }

  /** Stream on the current ladder, if loaded. */
  stream(streamIndex: number): LadderStreamView | undefined {
    return this.shape?.streams.find((st) => st.streamIndex === streamIndex);
  }

  /**
   * Select the arrow of `messageId` (an evidence frame): ask the host for its row, scroll it into the middle of the
   * view and highlight it once its page is drawn. Resolves false when the message is not on this ladder.
   */
  async revealMessage(messageId: number): Promise<boolean> {
    const seq = ++this.revealSeq;
    const ladderId = this.ladderId;
    const res = await this.opts.locate({ callIndexes: this.callIndexes, columns: this.columns, messageId });
    if (seq !== this.revealSeq || ladderId !== this.ladderId || res.row < 0) return false;
    this.selectedMessage = messageId;
    this.selectedRow = res.row;
    this.selectedStream = undefined;
    this.scrollToRow(res.row);
    this.drawnKey = '';
    this.schedule();
    this.opts.onSelectMessage(messageId);
    this.opts.onChange();
    return true;
  }

  /** Select a stream band (from an evidence chip or a click): scroll to its label and highlight it. */
  selectStream(streamIndex: number, scroll = true): boolean {
    const st = this.stream(streamIndex);
    if (!st) return false;
    this.revealSeq++;
    this.selectedStream = streamIndex;
    this.selectedMessage = undefined;
    this.selectedRow = -1;
    if (scroll) this.scrollToRow(this.labelSlots.get(streamIndex)?.row ?? st.startRow, st);
    this.drawnKey = '';
    this.schedule();
    this.opts.onSelectStream(streamIndex);
    this.opts.onChange();
    return true;
  }

  /** Scroll so that row `i` is in the middle of the view (and, for a stream, its band horizontally in view). */
  private scrollToRow(i: number, st?: LadderStreamView): void {
    const l = this.layout;
    if (!l) {
      // Not laid out yet (the ladder is loading): scroll when it is.
      const z = this.zoom;
      this.pendingScroll = { top: Math.max(0, (48 + 28 * i) * z - this.scroller.clientHeight / 2), left: this.pendingScroll?.left ?? 0 };
      return;
    }
    const viewTop = this.scroller.scrollTop + l.headerHeight;
    const viewBottom = this.scroller.scrollTop + this.scroller.clientHeight;
    const y = rowTop(l, i);
    if (y < viewTop || y + l.rowHeight > viewBottom) this.scroller.scrollTop = Math.max(0, y - l.headerHeight / 2 - this.scroller.clientHeight / 2);
    if (st) {
      const b = streamBox(l, st);
      const left = this.scroller.scrollLeft + l.timeColumnWidth + l.margin;
      const right = this.scroller.scrollLeft + this.scroller.clientWidth;
      if (b.x < left || b.x + b.width > right) this.scroller.scrollLeft = Math.max(0, b.x - l.timeColumnWidth - l.margin * 2);
    }
  }

  private reload(): void {
    this.ladderId = `${this.callIndexes.join(',')}|${this.columns}`;
    this.cache.setKey(`pending:${this.ladderId}`);
    this.shape = undefined;
    this.layout = undefined;
    this.drawnKey = '';
    if (this.callIndexes.length === 0) {
      this.element.dataset.state = 'empty';
      setText(this.note, 'Select one or more calls to see their ladder.');
      this.draw();
      return;
    }
    this.element.dataset.state = 'loading';
    setText(this.note, 'Loading ladder…');
    const wantTop = this.pendingScroll?.top ?? 0;
    // First request: the page around the restored scroll position (page 0 for a new ladder).
    const firstRow = Math.max(0, Math.floor(wantTop / (28 * this.zoom)) - OVERSCAN);
    this.fetchPage(Math.floor(firstRow / LADDER_PAGE_SIZE));
  }

  private fetchPage(page: number): void {
    const id = this.ladderId;
    const key = this.cache.key;
    this.opts
      .fetch({ callIndexes: this.callIndexes, from: page * LADDER_PAGE_SIZE, count: LADDER_PAGE_SIZE, columns: this.columns })
      .then((res) => {
        if (id !== this.ladderId) return; // another ladder was asked for meanwhile
        if (this.shape === undefined || res.key !== this.shape.key) {
          // The ladder only grows (import running): an answer about a smaller ladder is stale.
          if (this.shape !== undefined && res.rowCount < this.shape.rowCount) {
            this.cache.release(key, page);
            return;
          }
          this.adopt(res);
        }
        if (this.cache.store(this.cache.key, page, res.rows)) {
          for (const m of res.markers) this.markers.set(m.messageId, m);
        }
        this.schedule();
      })
      .catch((err: unknown) => {
        this.cache.release(key, page);
        if (id === this.ladderId) this.opts.onError(`Could not load the ladder: ${(err as Error).message}`);
      });
  }

  /** A page with a new ladder key: take its shape (columns, size) and drop rows of the old shape. */
  private adopt(res: LadderPage): void {
    this.shape = { key: res.key, rowCount: res.rowCount, columns: res.columns, calls: res.calls, widthRows: res.widthRows, warnings: res.warnings, streams: res.streams };
    this.cache.setKey(res.key);
    this.markers.clear();
    this.colourByCall = new Map(res.calls.map((c) => [c.callIndex, c.colorIndex]));
    const slots = streamLabelSlots(res.streams);
    this.labelSlots = new Map(res.streams.map((st, k) => [st.streamIndex, slots[k]!]));
    this.element.dataset.streams = String(res.streams.length);
    this.element.dataset.nat = res.nat;
    this.element.dataset.state = res.rowCount === 0 ? 'empty' : 'ready';
    if (res.rowCount === 0) setText(this.note, 'These calls have no messages.');
    this.relayout();
  }

  private relayout(): void {
    if (!this.shape) return;
    this.layout = layoutPagedLadder(this.shape, { zoom: this.zoom, streamLabelScale: STREAM_LABEL_SCALE });
    const l = this.layout;
    this.head.setAttribute('width', String(l.width));
    this.head.setAttribute('height', String(l.headerHeight));
    this.head.setAttribute('viewBox', `0 0 ${l.width} ${l.headerHeight}`);
    this.body.style.width = `${l.width}px`;
    this.body.style.height = `${Math.max(0, l.height - l.headerHeight)}px`;
    this.times.style.width = `${l.timeColumnWidth + l.margin}px`;
    this.element.style.setProperty('--ladder-font-size', `${l.fontSize}px`);
    this.drawHead();
    this.drawnKey = '';
    if (this.pendingScroll) {
      this.scroller.scrollTop = this.pendingScroll.top;
      this.scroller.scrollLeft = this.pendingScroll.left;
      this.pendingScroll = undefined;
    }
    this.schedule();
  }

  private drawHead(): void {
    const l = this.layout;
    clear(this.head);
    if (!l || !this.shape) return;
    this.head.appendChild(s('rect', { class: 'head-bg', x: 0, y: 0, width: l.width, height: l.headerHeight }));
    this.head.appendChild(s('text', { class: 'time-title', x: l.margin, y: l.headerHeight / 2 + l.fontSize * 0.35, 'font-size': l.fontSize }, `Time (${this.time})`));
    for (const col of this.shape.columns) {
      const b = headerBox(l, col.index);
      const g = s('g', { class: 'col-head', 'data-column': col.index });
      g.appendChild(s('title', {}, col.label));
      g.appendChild(s('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 3 }));
      g.appendChild(s('text', { x: b.textX, y: b.textY, 'text-anchor': 'middle', 'font-size': l.fontSize }, col.label));
      g.appendChild(s('line', { class: 'lifeline', x1: b.textX, x2: b.textX, y1: b.y + b.height, y2: l.headerHeight }));
      this.head.appendChild(g);
    }
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draw the rows in view (only when the range, zoom, time mode or loaded data changed). */
  private draw(): void {
    const l = this.layout;
    if (!l || !this.shape || this.shape.rowCount === 0) {
      clear(this.rowsSvg);
      clear(this.times);
      this.drawnKey = '';
      return;
    }
    const [first, last] = visibleRows(l, this.scroller.scrollTop, this.scroller.clientHeight, OVERSCAN);
    for (const page of this.cache.claimMissing(first, last)) this.fetchPage(page);
    // Prefetch half a page beyond each end so steady scrolling rarely draws missing rows.
    const ahead = LADDER_PAGE_SIZE / 2;
    for (const page of this.cache.claimMissing(Math.max(0, first - ahead), Math.min(this.shape.rowCount, last + ahead))) this.fetchPage(page);
    let loaded = 0;
    for (let i = first; i < last; i++) if (this.cache.get(i)) loaded++;
    const key = `${this.cache.key}|${first}|${last}|${loaded}|${l.zoom}|${this.time}|${this.selectedMessage}|${this.selectedStream}|${this.markers.size}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;

    const top = rowTop(l, first);
    const height = Math.max(1, rowTop(l, last) - top);
    const svg = this.rowsSvg;
    svg.setAttribute('width', String(l.width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', `0 ${top} ${l.width} ${height}`);
    svg.style.transform = `translateY(${top - l.headerHeight}px)`;
    svg.setAttribute('font-size', String(l.fontSize));
    clear(svg);
    clear(this.times);

    const lifelines = s('g', { class: 'lifelines' });
    for (const x of l.columnX) lifelines.appendChild(s('line', { class: 'lifeline', x1: x, x2: x, y1: top, y2: top + height }));
    svg.appendChild(lifelines);
    const streams = this.streamLayers(l, first, last);
    svg.appendChild(streams.bands);

    const multiCall = this.shape.calls.length > 1;
    const frag = document.createDocumentFragment();
    const timeFrag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const row = this.cache.get(i);
      if (!row) continue;
      if (row.messageId === this.selectedMessage) this.selectedRow = i;
      frag.appendChild(this.arrow(l, row, multiCall));
      const t = h('div', { class: 'time' }, formatRowTime(row, this.time));
      t.style.transform = `translateY(${rowTop(l, i) - l.headerHeight}px)`;
      t.style.height = `${l.rowHeight}px`;
      t.style.lineHeight = `${l.rowHeight}px`;
      if (row.messageId === this.selectedMessage) t.classList.add('selected');
      timeFrag.appendChild(t);
    }
    svg.appendChild(frag);
    // Stream labels above the arrows, so they can be clicked (arrow rows take clicks anywhere else).
    svg.appendChild(streams.labels);
    this.times.appendChild(timeFrag);
    this.element.dataset.rendered = String(loaded);
  }

  private arrow(l: LadderLayout, row: LadderRow, multiCall: boolean): SVGGElement {
    const g: ArrowGeometry = arrowGeometry(l, row);
    const classes = ['arrow', `s${row.statusClass}`, row.kind];
    if (multiCall) classes.push(`c${(this.colourByCall.get(row.callIndex) ?? 0) % CALL_COLOURS}`);
    if (row.retransmission) classes.push('retrans');
    if (row.truncated) classes.push('truncated');
    const selected = row.messageId === this.selectedMessage;
    if (selected) classes.push('selected');
    const el = s('g', {
      class: classes.join(' '),
      role: 'listitem',
      'data-row': row.index,
      'data-message': row.messageId,
      'aria-label': `${row.src}:${row.srcPort} to ${row.dst}:${row.dstPort} ${arrowLabel(row)}`,
    });
    const top = rowTop(l, row.index);
    el.appendChild(s('rect', { class: 'band', x: 0, y: top, width: l.width, height: rowSpan(l, row.index) }));
    el.appendChild(s('path', { class: 'shaft', d: g.path }));
    const icmp = row.icmp ?? [];
    if (isLostArrow(row) && g.direction !== 'self') {
      // A lost message (UML): the datagram was answered by an ICMP error, so the shaft ends in a cross.
      el.classList.add('lost');
      const cross = s('path', { class: 'lost-x', d: lostCrossPath(g, 4 * l.zoom) });
      cross.appendChild(s('title', {}, icmp.map((x) => `ICMP ${icmpAnswerText(x)}`).join('\n')));
      el.appendChild(cross);
    } else el.appendChild(s('path', { class: 'head', d: arrowHead(g, l) }));
    const label = s('text', { class: 'label', x: g.labelX, y: g.labelY, 'text-anchor': g.labelAnchor });
    label.appendChild(document.createTextNode(row.label));
    const flags = arrowFlagsText(row);
    if (flags !== '') label.appendChild(s('tspan', { class: row.hasSdp ? 'flag sdp' : 'flag' }, flags));
    if (isLostArrow(row)) label.appendChild(s('tspan', { class: 'icmp-note' }, icmpNote(icmp, icmp.length)));
    el.appendChild(label);
    const marker = this.markers.get(row.messageId);
    if (marker) {
      // After the label's end (monospace: the estimate holds), vertically centred on the text.
      const w = estimateTextWidth(arrowLabel(row), l.charWidth);
      const end = g.labelAnchor === 'middle' ? g.labelX + w / 2 : g.labelX + w;
      const r = 4.5 * l.zoom;
      el.classList.add('has-finding', `finding-${marker.severity}`);
      el.setAttribute('aria-label', `${el.getAttribute('aria-label') ?? ''}, NAT ${marker.severity}: ${marker.ruleIds.join(', ')}`);
      el.appendChild(severityMarker(marker.severity, end + r + 4 * l.zoom, g.labelY - l.fontSize * 0.35, r, `NAT ${marker.severity}: ${marker.ruleIds.join(', ')}`));
    }
    return el;
  }

  /**
   * The stream bands crossing rows [first, last) — a translucent band with double edges, under the arrows — and their
   * labels (with the finding marker), above the arrows.
   */
  private streamLayers(l: LadderLayout, first: number, last: number): { bands: SVGGElement; labels: SVGGElement } {
    const layer = s('g', { class: 'streams' });
    const labels = s('g', { class: 'stream-labels' });
    const streams = this.shape?.streams ?? [];
    const top = rowTop(l, first);
    const bottom = rowTop(l, last);
    const gap = 1.5 * l.zoom;
    for (const st of streams) {
      if (st.endRow < first || st.startRow >= last) continue;
      const b = streamBox(l, st);
      if (b.width <= 0) continue;
      const y0 = Math.max(b.y, top);
      const y1 = Math.min(b.y + b.height, bottom);
      const arrow = st.toColumn > st.fromColumn ? '→ ' : st.toColumn < st.fromColumn ? '← ' : '';
      const classes: string[] = [];
      if (st.severity) classes.push(`finding-${st.severity}`);
      if (st.streamIndex === this.selectedStream) classes.push('selected');
      const g = s('g', { class: ['stream', ...classes].join(' '), 'data-stream': st.streamIndex });
      g.appendChild(s('title', {}, `${arrow}${st.label}${st.ruleIds.length ? `\nNAT: ${st.ruleIds.join(', ')}` : ''}`));
      g.appendChild(s('rect', { class: 'band', x: b.x, y: y0, width: b.width, height: Math.max(0, y1 - y0) }));
      // Double line at the band's first and last edge, when they are in the drawn range.
      for (const [y, dir] of [
        [b.y, 1],
        [b.y + b.height, -1],
      ] as const) {
        if (y < top || y > bottom) continue;
        g.appendChild(s('line', { class: 'edge', x1: b.x, x2: b.x + b.width, y1: y + dir * gap, y2: y + dir * gap }));
        g.appendChild(s('line', { class: 'edge', x1: b.x, x2: b.x + b.width, y1: y + dir * gap * 3, y2: y + dir * gap * 3 }));
      }
      const slot = this.labelSlots.get(st.streamIndex) ?? { row: st.startRow, line: 0 };
      if (slot.row >= first && slot.row < last) {
        const text = `${arrow}${st.label}`;
        const fs = l.fontSize * STREAM_LABEL_SCALE;
        const w = estimateTextWidth(text, l.charWidth * STREAM_LABEL_SCALE);
        const cx = b.x + b.width / 2;
        // Below the shaft of its row, on its own line (the layout makes the row taller for it).
        const baseline = streamLabelBaseline(l, slot);
        const marker = st.severity ? 10 * l.zoom : 0;
        const pill = s('g', {
          class: ['stream-label', ...classes].join(' '),
          'data-stream': st.streamIndex,
          role: 'button',
          'aria-label': `RTP stream ${arrow}${st.label}${st.severity ? `, NAT ${st.severity}: ${st.ruleIds.join(', ')}` : ''}`,
        });
        pill.appendChild(s('title', {}, `${arrow}${st.label}${st.ruleIds.length ? `\nNAT: ${st.ruleIds.join(', ')}` : ''}\nClick for the stream's statistics`));
        pill.appendChild(s('rect', { class: 'pill', x: cx - w / 2 - 4 * l.zoom - marker, y: baseline - fs * 0.85, width: w + 8 * l.zoom + marker, height: fs * 1.1, rx: 3 * l.zoom }));
        pill.appendChild(s('text', { x: cx, y: baseline, 'text-anchor': 'middle', 'font-size': fs }, text));
        if (st.severity) pill.appendChild(severityMarker(st.severity, cx - w / 2 - marker / 2 - 1 * l.zoom, baseline - fs * 0.33, 3.6 * l.zoom, `NAT ${st.severity}: ${st.ruleIds.join(', ')}`));
        labels.appendChild(pill);
      }
      layer.appendChild(g);
    }
    return { bands: layer, labels };
  }

  private onClick(e: MouseEvent): void {
    const l = this.layout;
    if (!l) return;
    const band = (e.target as Element | null)?.closest?.('.stream-label[data-stream]');
    if (band) {
      this.scroller.focus({ preventScroll: true });
      this.selectStream(Number(band.getAttribute('data-stream')), false);
      return;
    }
    const rect = this.body.getBoundingClientRect();
    const i = rowAtY(l, e.clientY - rect.top + l.headerHeight);
    if (i < 0) return;
    this.scroller.focus({ preventScroll: true });
    this.selectRow(i);
  }

  private selectRow(i: number): void {
    const row = this.cache.get(i);
    if (!row) return;
    this.revealSeq++;
    this.selectedRow = i;
    this.selectedMessage = row.messageId;
    this.selectedStream = undefined;
    this.drawnKey = '';
    this.schedule();
    this.opts.onSelectMessage(row.messageId);
    this.opts.onChange();
  }

  private onKey(e: KeyboardEvent): void {
    const l = this.layout;
    if (!l || !this.shape) return;
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = this.selectedRow + 1;
        break;
      case 'ArrowUp':
        next = this.selectedRow < 0 ? 0 : this.selectedRow - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.shape.rowCount - 1;
        break;
      case '+':
      case '=':
        this.setZoom(this.zoom * 1.25);
        e.preventDefault();
        return;
      case '-':
        this.setZoom(this.zoom / 1.25);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    next = Math.max(0, Math.min(this.shape.rowCount - 1, next));
    const y = rowTop(l, next);
    const viewTop = this.scroller.scrollTop + l.headerHeight;
    const viewBottom = this.scroller.scrollTop + this.scroller.clientHeight;
    if (y < viewTop) this.scroller.scrollTop = y - l.headerHeight;
    else if (y + l.rowHeight > viewBottom) this.scroller.scrollTop = y + l.rowHeight - this.scroller.clientHeight;
    if (this.cache.get(next)) this.selectRow(next);
    else {
      // Not loaded yet: select once its page arrives.
      const page = Math.floor(next / LADDER_PAGE_SIZE);
      for (const p of this.cache.claimMissing(next, next + 1)) this.fetchPage(p);
      const wait = (): void => {
        if (this.cache.get(next)) this.selectRow(next);
        else if (Math.floor(next / LADDER_PAGE_SIZE) === page) requestAnimationFrame(wait);
      };
      requestAnimationFrame(wait);
    }
  }
}

/** Triangle at the receiving end of an arrow (self-messages: pointing left at the return leg's end). */
export function arrowHead(g: ArrowGeometry, l: LadderLayout): string {
  const len = 8 * l.zoom;
  const half = 3.5 * l.zoom;
  let x: number;
  let y: number;
  let dir: number;
  if (g.direction === 'self') {
    x = g.x1;
    y = g.y + l.rowHeight * 0.45; // yBottom of the loop (see arrowGeometry)
    dir = -1;
  } else {
    x = g.x2;
    y = g.y;
    dir = g.direction === 'right' ? 1 : -1;
  }
  const r = (v: number): string => String(Math.round(v * 100) / 100);
  return `M${r(x)},${r(y)} L${r(x - dir * len)},${r(y - half)} L${r(x - dir * len)},${r(y + half)} Z`;
}
