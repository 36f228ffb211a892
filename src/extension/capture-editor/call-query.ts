// Host-side call list queries: filter, sort and page CaptureModel.calls (100k+) for the webview's virtual list.
// Pure (no vscode import): the sorted index is cached per (generation, sort, filter) so scrolling is O(page).
import { compileFilter, type CallInfo } from '../../core/index';
import type { CallRow, CallSort, CallSortKey, CallsPage, GetCallsParams } from '../../protocol/webview';
import { unreachable } from '../../protocol/assert';

/** Most rows one getCalls request returns. */
export const MAX_CALLS_PAGE = 1000;

/** The list row for a call. */
export function callRow(c: CallInfo): CallRow {
  return {
    index: c.index,
    callId: c.callId,
    method: c.method,
    state: c.state,
    fromUri: c.fromUri,
    toUri: c.toUri,
    fromDisplay: c.fromDisplay,
    toDisplay: c.toDisplay,
    startSec: c.startSec,
    startNsec: c.startNsec,
    durationSec: c.durationSec,
    finalStatus: c.finalStatus,
    messageCount: c.messageIds.length,
    retransmissions: c.retransmissions,
  };
}

/** A sort key value for a call: numbers sort numerically, strings by code unit order (lower-cased). */
function sortValue(c: CallInfo, key: CallSortKey): number | string {
  switch (key) {
    case 'index':
      return c.index;
    case 'start':
      return c.startSec + c.startNsec / 1e9;
    case 'method':
      return c.method.toLowerCase();
    case 'from':
      return (c.fromDisplay ?? c.fromUri).toLowerCase();
    case 'to':
      return (c.toDisplay ?? c.toUri).toLowerCase();
    case 'state':
      return c.state;
    case 'status':
      return c.finalStatus ?? -1;
    case 'messages':
      return c.messageIds.length;
    case 'duration':
      return c.durationSec ?? -1;
    case 'callId':
      return c.callId;
    default:
      return unreachable(key, 'sort key');
  }
}

/**
 * Positions -> call indexes for a sort and filter: filtered, then sorted stably (ties by call index), descending
 * when asked. Returns undefined for "all calls in index order" so the common case allocates nothing.
 */
export function orderCalls(calls: readonly CallInfo[], sort: CallSort, filter: string): Int32Array | undefined {
  const pred = compileFilter(filter);
  if (pred === undefined && sort.key === 'index' && !sort.descending) return undefined;
  const picked: number[] = [];
  for (let i = 0; i < calls.length; i++) if (pred === undefined || pred(calls[i]!)) picked.push(i);
  if (sort.key !== 'index') {
    const values: (number | string)[] = new Array(calls.length);
    for (const i of picked) values[i] = sortValue(calls[i]!, sort.key);
    picked.sort((a, b) => {
      const va = values[a]!;
      const vb = values[b]!;
      return va < vb ? -1 : va > vb ? 1 : a - b;
    });
  }
  if (sort.descending) picked.reverse();
  return Int32Array.from(picked);
}

/** Answers getCalls over a live list of calls, caching the last ordering. */
export class CallQuery {
  private cacheKey = '';
  private order: Int32Array | undefined;

  constructor(private readonly calls: () => readonly CallInfo[]) {}

  /** One page of the sorted, filtered call list at model generation `generation`. */
  page(p: GetCallsParams, generation: number): CallsPage {
    const calls = this.calls();
    const key = `${generation}|${calls.length}|${p.sort.key}|${p.sort.descending ? 1 : 0}|${p.filter}`;
    if (key !== this.cacheKey) {
      this.order = orderCalls(calls, p.sort, p.filter);
      this.cacheKey = key;
    }
    const order = this.order;
    const total = order === undefined ? calls.length : order.length;
    const from = Math.max(0, Math.min(total, Math.floor(Number.isFinite(p.from) ? p.from : 0)));
    const count = Math.max(0, Math.min(MAX_CALLS_PAGE, Math.floor(Number.isFinite(p.count) ? p.count : 0)));
    const end = Math.min(total, from + count);
    const rows: CallRow[] = [];
    for (let pos = from; pos < end; pos++) {
      const c = calls[order === undefined ? pos : order[pos]!];
      if (c !== undefined) rows.push(callRow(c));
    }
    return { from, rows, total, unfiltered: calls.length, generation };
  }
}
