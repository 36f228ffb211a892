// The webview's persisted view state (VS Code getState/setState): survives hiding the tab without
// retainContextWhenHidden. Parsing is defensive: a state from an older build must never break the page.
import type { CallSort, LadderColumnsOption, LadderTimeOption } from '../src/protocol/webview';
import { CALL_SORT_KEYS, LADDER_COLUMN_OPTIONS } from '../src/protocol/webview';

export interface ViewState {
  v: 1;
  filter: string;
  sort: CallSort;
  /** Selected calls (CallInfo.index). */
  selected: number[];
  /** Focused position in the (sorted, filtered) call list. */
  focus: number;
  listScrollTop: number;
  columns: LadderColumnsOption;
  time: LadderTimeOption;
  zoom: number;
  ladderScrollTop: number;
  ladderScrollLeft: number;
  /** Message shown in the detail pane. */
  messageId: number | undefined;
}

/** The state of a freshly opened editor. */
export function defaultViewState(defaults: { columns?: LadderColumnsOption; time?: LadderTimeOption } = {}): ViewState {
  return {
    v: 1,
    filter: '',
    sort: { key: 'index', descending: false },
    selected: [],
    focus: 0,
    listScrollTop: 0,
    columns: defaults.columns ?? 'endpoint',
    time: defaults.time ?? 'relative',
    zoom: 1,
    ladderScrollTop: 0,
    ladderScrollLeft: 0,
    messageId: undefined,
  };
}

const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

/** Validate a stored state field by field, falling back to `base` for anything missing or malformed. */
export function parseViewState(raw: unknown, base: ViewState): ViewState {
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return base;
  const r = raw as Record<string, unknown>;
  const sort = r.sort as Partial<CallSort> | undefined;
  return {
    v: 1,
    filter: typeof r.filter === 'string' ? r.filter : base.filter,
    sort:
      sort && CALL_SORT_KEYS.includes(sort.key as CallSort['key'])
        ? { key: sort.key as CallSort['key'], descending: sort.descending === true }
        : base.sort,
    selected: Array.isArray(r.selected) ? r.selected.filter((x): x is number => Number.isInteger(x) && x >= 0).slice(0, 1000) : base.selected,
    focus: Math.max(0, Math.floor(num(r.focus, base.focus))),
    listScrollTop: Math.max(0, num(r.listScrollTop, base.listScrollTop)),
    columns: LADDER_COLUMN_OPTIONS.includes(r.columns as LadderColumnsOption) ? (r.columns as LadderColumnsOption) : base.columns,
    time: r.time === 'absolute' || r.time === 'relative' || r.time === 'delta' ? r.time : base.time,
    zoom: num(r.zoom, base.zoom),
    ladderScrollTop: Math.max(0, num(r.ladderScrollTop, base.ladderScrollTop)),
    ladderScrollLeft: Math.max(0, num(r.ladderScrollLeft, base.ladderScrollLeft)),
    messageId: Number.isInteger(r.messageId) ? (r.messageId as number) : undefined,
  };
}
