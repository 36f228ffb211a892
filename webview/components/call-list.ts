// Virtualised, sortable call list: only the rows in view (plus overscan) exist in the DOM, pages of rows come from
// the host (which sorts and filters 100k+ calls), selection is by CallInfo.index and survives re-sorting.
import { formatClock } from '../../src/core/ladder/model';
import type { CallRow, CallSort, CallSortKey, CallsPage, GetCallsParams } from '../../src/protocol/webview';
import { unreachable } from '../../src/protocol/assert';
import { h, setText } from '../dom';
import { PageCache } from '../paging';

/** Row height in CSS px (fixed: positions are computed, never measured). */
export const CALL_ROW_HEIGHT = 22;
const PAGE_SIZE = 200;
const OVERSCAN = 10;
/** Most calls a shift-range selection may add. */
const MAX_RANGE = 500;

interface ColumnDef {
  key: CallSortKey;
  title: string;
  cls: string;
  text: (r: CallRow) => string;
}

const party = (display: string | undefined, uri: string): string => (display ? `${display} <${uri}>` : uri);

const COLUMNS: readonly ColumnDef[] = [
  { key: 'index', title: '#', cls: 'num', text: (r) => String(r.index + 1) },
  { key: 'start', title: 'Start (UTC)', cls: 'time', text: (r) => formatClock(r.startSec, r.startNsec).slice(0, 12) },
  { key: 'method', title: 'Method', cls: 'method', text: (r) => r.method },
  { key: 'from', title: 'From', cls: 'from', text: (r) => party(r.fromDisplay, r.fromUri) },
  { key: 'to', title: 'To', cls: 'to', text: (r) => party(r.toDisplay, r.toUri) },
  { key: 'state', title: 'State', cls: 'state', text: (r) => r.state },
  { key: 'status', title: 'Status', cls: 'num', text: (r) => (r.finalStatus === undefined ? '' : String(r.finalStatus)) },
  { key: 'messages', title: 'Msgs', cls: 'num', text: (r) => String(r.messageCount) },
  { key: 'duration', title: 'Duration', cls: 'num', text: (r) => (r.durationSec === undefined ? '' : `${r.durationSec.toFixed(1)} s`) },
  { key: 'callId', title: 'Call-ID', cls: 'callid', text: (r) => r.callId },
];

export interface CallListOptions {
  fetch(params: GetCallsParams): Promise<CallsPage>;
  /** The set of selected calls changed (by the user). */
  onSelect(callIndexes: number[]): void;
  /** Scroll/focus/sort changed: persist the view state. */
  onChange(): void;
  /** A request failed. */
  onError(message: string): void;
}

export interface CallListState {
  filter: string;
  sort: CallSort;
  selected: number[];
  focus: number;
  scrollTop: number;
}

/** The call list widget. `element` is inserted by the caller. */
export class CallList {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly headCells = new Map<CallSortKey, HTMLElement>();
  private readonly pool: HTMLElement[] = [];
  private readonly cache = new PageCache<CallRow>(PAGE_SIZE);
  private filter: string;
  private sort: CallSort;
  private total = 0;
  private known = false;
  private readonly selected = new Set<number>();
  private focusPos: number;
  private anchorPos: number;
  private frame = 0;
  private pendingScrollTop: number | undefined;
  private emptyText = 'Reading capture…';

  constructor(
    private readonly opts: CallListOptions,
    initial: CallListState,
  ) {
    this.filter = initial.filter;
    this.sort = initial.sort;
    for (const i of initial.selected) this.selected.add(i);
    this.focusPos = initial.focus;
    this.anchorPos = initial.focus;
    this.pendingScrollTop = initial.scrollTop;

    const head = h('div', { class: 'calls-head', role: 'row' });
    for (const c of COLUMNS) {
      const cell = h('div', { class: `cell ${c.cls}`, role: 'columnheader', tabindex: -1, 'data-sort': c.key, title: `Sort by ${c.title}` }, c.title);
      cell.addEventListener('click', () => this.toggleSort(c.key));
      this.headCells.set(c.key, cell);
      head.appendChild(cell);
    }
    this.spacer = h('div', { class: 'calls-spacer' });
    this.empty = h('div', { class: 'calls-empty' });
    this.scroller = h(
      'div',
      { class: 'calls-scroll', tabindex: 0, role: 'listbox', 'aria-multiselectable': 'true', 'aria-label': 'Calls' },
      head,
      this.spacer,
      this.empty,
    );
    this.element = h('section', { class: 'calls', 'data-state': 'loading' }, this.scroller);
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.scroller.addEventListener('keydown', (e) => void this.onKey(e));
    this.spacer.addEventListener('click', (e) => void this.onClick(e));
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.cache.setKey(this.queryKey());
    this.updateHead();
  }

  /** Current state for persistence. */
  get state(): CallListState {
    return {
      filter: this.filter,
      sort: this.sort,
      selected: [...this.selected],
      focus: this.focusPos,
      scrollTop: this.pendingScrollTop ?? this.scroller.scrollTop,
    };
  }

  get selection(): number[] {
    return [...this.selected];
  }

  /** Rows matching the filter (as last reported by the host). */
  get rowCount(): number {
    return this.total;
  }

  focus(): void {
    this.scroller.focus();
  }

  /** New filter text (from the filter box). */
  setFilter(filter: string): void {
    if (filter === this.filter) return;
    this.filter = filter;
    this.requery();
  }

  /** The host's model changed (import progress): refetch what is visible, keep showing stale rows meanwhile. */
  refresh(): void {
    this.cache.invalidate();
    this.schedule();
  }

  /** Text shown when the list is empty (import running, no calls...). */
  setEmptyText(text: string): void {
    this.emptyText = text;
    this.schedule();
  }

  /** Select exactly these calls (restoring state); does not notify. */
  setSelection(callIndexes: number[]): void {
    this.selected.clear();
    for (const i of callIndexes) this.selected.add(i);
    this.schedule();
  }

  private queryKey(): string {
    return `${this.sort.key}|${this.sort.descending ? 'd' : 'a'}|${this.filter}`;
  }

  private requery(): void {
    this.cache.setKey(this.queryKey());
    this.known = false;
    this.focusPos = 0;
    this.anchorPos = 0;
    this.scroller.scrollTop = 0;
    this.updateHead();
    this.opts.onChange();
    this.schedule();
  }

  private toggleSort(key: CallSortKey): void {
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: false };
    this.requery();
  }

  private updateHead(): void {
    for (const [key, cell] of this.headCells) {
      const active = this.sort.key === key;
      cell.classList.toggle('sorted', active);
      cell.setAttribute('aria-sort', active ? (this.sort.descending ? 'descending' : 'ascending') : 'none');
      cell.dataset.dir = active ? (this.sort.descending ? '▼' : '▲') : '';
    }
  }

  /** Render on the next animation frame (coalesces scroll events). */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private visibleRange(): [number, number] {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight;
    const first = Math.max(0, Math.floor(top / CALL_ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.known ? this.total : PAGE_SIZE, Math.ceil((top + height) / CALL_ROW_HEIGHT) + OVERSCAN);
    return [first, Math.max(first, last)];
  }

  private render(): void {
    this.spacer.style.height = `${this.total * CALL_ROW_HEIGHT}px`;
    if (this.pendingScrollTop !== undefined && this.known) {
      this.scroller.scrollTop = this.pendingScrollTop;
      this.pendingScrollTop = undefined;
    }
    const [first, last] = this.visibleRange();
    this.load(first, Math.max(last, first + 1));
    // Prefetch half a page beyond each end so steady scrolling rarely shows placeholders.
    if (this.known) this.load(Math.max(0, first - PAGE_SIZE / 2), Math.min(this.total, last + PAGE_SIZE / 2));
    const n = this.known ? last - first : 0;
    while (this.pool.length < n) {
      const row = h('div', { class: 'call-row', role: 'option' });
      for (const c of COLUMNS) row.appendChild(h('div', { class: `cell ${c.cls}` }));
      this.pool.push(row);
      this.spacer.appendChild(row);
    }
    // Position p always uses pool[p % N]: when scrolling, only the rows that come into view get new content.
    const N = this.pool.length;
    const used = new Uint8Array(N);
    const hasFocus = document.activeElement === this.scroller;
    for (let pos = first; pos < first + n; pos++) {
      const slot = pos % N;
      used[slot] = 1;
      const el = this.pool[slot]!;
      const row = this.cache.get(pos);
      const key = row ? `${pos}|${row.index}|${row.state}|${row.finalStatus}|${row.messageCount}|${row.durationSec}` : `${pos}|`;
      if (el.dataset.key !== key) {
        el.dataset.key = key;
        el.dataset.pos = String(pos);
        el.style.transform = `translateY(${pos * CALL_ROW_HEIGHT}px)`;
        const cells = el.children;
        if (row) {
          el.dataset.call = String(row.index);
          el.classList.remove('placeholder');
          for (let c = 0; c < COLUMNS.length; c++) setText(cells[c]!, COLUMNS[c]!.text(row));
          (cells[5] as HTMLElement).dataset.state = row.state;
        } else {
          delete el.dataset.call;
          el.classList.add('placeholder');
          for (let c = 0; c < COLUMNS.length; c++) setText(cells[c]!, c === 0 ? String(pos + 1) : '');
        }
      }
      if (el.hidden) el.hidden = false;
      const sel = row !== undefined && this.selected.has(row.index);
      el.classList.toggle('selected', sel);
      el.setAttribute('aria-selected', sel ? 'true' : 'false');
      el.classList.toggle('focused', pos === this.focusPos);
      el.classList.toggle('focus-visible', pos === this.focusPos && hasFocus);
    }
    for (let slot = 0; slot < N; slot++) if (!used[slot] && !this.pool[slot]!.hidden) this.pool[slot]!.hidden = true;
    const state = !this.known ? 'loading' : this.total === 0 ? 'empty' : 'ready';
    this.element.dataset.state = state;
    this.empty.hidden = state !== 'empty' && !(state === 'loading' && this.total === 0);
    setText(this.empty, this.filter && this.known ? 'No call matches the filter.' : this.emptyText);
  }

  /** Ask the host for missing pages of [first, last). */
  private load(first: number, last: number): void {
    const key = this.cache.key;
    for (const page of this.cache.claimMissing(first, last)) {
      this.opts
        .fetch({ from: page * PAGE_SIZE, count: PAGE_SIZE, sort: this.sort, filter: this.filter })
        .then((res) => {
          if (!this.cache.store(key, page, res.rows)) return;
          this.total = res.total;
          this.known = true;
          this.schedule();
        })
        .catch((err: unknown) => {
          this.cache.release(key, page);
          this.opts.onError(`Could not load calls: ${(err as Error).message}`);
        });
    }
  }

  /** Call indexes at positions [a, b] (inclusive, any order), fetching pages not loaded yet. */
  private async indexesBetween(a: number, b: number): Promise<number[]> {
    const lo = Math.max(0, Math.min(a, b));
    const hi = Math.min(this.total - 1, Math.max(a, b), lo + MAX_RANGE - 1);
    const key = this.cache.key;
    if (!this.cache.hasRange(lo, hi + 1)) {
      const pages: number[] = [];
      for (let p = Math.floor(lo / PAGE_SIZE); p * PAGE_SIZE <= hi; p++) pages.push(p);
      await Promise.all(
        pages.map(async (p) => {
          const res = await this.opts.fetch({ from: p * PAGE_SIZE, count: PAGE_SIZE, sort: this.sort, filter: this.filter });
          this.cache.store(key, p, res.rows);
        }),
      );
    }
    const out: number[] = [];
    for (let pos = lo; pos <= hi; pos++) {
      const r = this.cache.get(pos);
      if (r) out.push(r.index);
    }
    return out;
  }

  private async onClick(e: MouseEvent): Promise<void> {
    const rowEl = (e.target as Element).closest<HTMLElement>('.call-row');
    if (!rowEl || rowEl.dataset.pos === undefined) return;
    const pos = Number(rowEl.dataset.pos);
    this.scroller.focus({ preventScroll: true });
    await this.selectAt(pos, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey });
  }

  /** Move focus to `pos` and update the selection (plain: only it; toggle: flip it; range: anchor..pos). */
  private async selectAt(pos: number, how: { toggle?: boolean; range?: boolean; keepSelection?: boolean }): Promise<void> {
    if (this.total === 0) return;
    pos = Math.max(0, Math.min(this.total - 1, pos));
    this.focusPos = pos;
    this.ensureVisible(pos);
    if (how.keepSelection) {
      this.schedule();
      this.opts.onChange();
      return;
    }
    if (how.range) {
      const ids = await this.indexesBetween(this.anchorPos, pos);
      this.selected.clear();
      for (const i of ids) this.selected.add(i);
    } else {
      const [id] = await this.indexesBetween(pos, pos);
      if (id === undefined) return;
      if (how.toggle) {
        if (this.selected.has(id)) this.selected.delete(id);
        else this.selected.add(id);
      } else {
        this.selected.clear();
        this.selected.add(id);
      }
      this.anchorPos = pos;
    }
    this.schedule();
    this.opts.onSelect(this.selection);
    this.opts.onChange();
  }

  private ensureVisible(pos: number): void {
    const top = pos * CALL_ROW_HEIGHT;
    const head = (this.scroller.firstElementChild as HTMLElement | null)?.offsetHeight ?? 0;
    const viewTop = this.scroller.scrollTop;
    const viewBottom = viewTop + this.scroller.clientHeight - head;
    if (top < viewTop) this.scroller.scrollTop = top;
    else if (top + CALL_ROW_HEIGHT > viewBottom) this.scroller.scrollTop = top + CALL_ROW_HEIGHT - (this.scroller.clientHeight - head);
  }

  private async onKey(e: KeyboardEvent): Promise<void> {
    const pageRows = Math.max(1, Math.floor(this.scroller.clientHeight / CALL_ROW_HEIGHT) - 1);
    const ctrl = e.ctrlKey || e.metaKey;
    let target: number;
    switch (e.key) {
      case 'ArrowDown':
        target = this.focusPos + 1;
        break;
      case 'ArrowUp':
        target = this.focusPos - 1;
        break;
      case 'PageDown':
        target = this.focusPos + pageRows;
        break;
      case 'PageUp':
        target = this.focusPos - pageRows;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = this.total - 1;
        break;
      case ' ':
      case 'Enter':
        e.preventDefault();
        await this.selectAt(this.focusPos, { toggle: ctrl || e.key === ' ' });
        return;
      case 'a':
      case 'A':
        // Ctrl+A / Cmd+A: every listed call (the filter applies), up to MAX_RANGE, e.g. to save them as one pcap.
        if (!ctrl || e.shiftKey || e.altKey) return;
        e.preventDefault();
        this.anchorPos = 0;
        await this.selectAt(this.total - 1, { range: true });
        return;
      default:
        return;
    }
    e.preventDefault();
    await this.selectAt(target, { range: e.shiftKey, keepSelection: ctrl && !e.shiftKey });
  }
}

/** Column definitions (exported for tests and for the header layout in CSS). */
export function callColumnTitles(): string[] {
  return COLUMNS.map((c) => c.title);
}

/** Text of a cell, as the list renders it (exported for tests). */
export function callCellText(key: CallSortKey, row: CallRow): string {
  const c = COLUMNS.find((x) => x.key === key);
  if (!c) return unreachable(key as never, 'column');
  return c.text(row);
}
