// Tests for the host-side call list queries: filter syntax, sorting (stable, descending), paging and caching.
import { describe, expect, it } from 'vitest';
import type { CallInfo } from '../../../src/core/index';
import { compileFilter } from '../../../src/core/index';
import { CallQuery, MAX_CALLS_PAGE, orderCalls } from '../../../src/extension/capture-editor/call-query';

function call(i: number, p: Partial<CallInfo> = {}): CallInfo {
  return {
    index: i,
    callId: `call-${i}@host`,
    method: 'INVITE',
    state: 'completed',
    fromUri: `sip:${1000 + i}@example.com`,
    toUri: `sip:${2000 + (i % 10)}@example.net`,
    fromDisplay: undefined,
    toDisplay: undefined,
    startSec: 1_700_000_000 + ((i * 7919) % 1000),
    startNsec: 0,
    endSec: 0,
    endNsec: 0,
    durationSec: i % 3 === 0 ? undefined : i,
    ringDelaySec: undefined,
    answerDelaySec: undefined,
    finalStatus: i % 5 === 0 ? 486 : 200,
    messageIds: new Array(i % 9).fill(0),
    dialogIndexes: [],
    transactionIndexes: [],
    retransmissions: 0,
    ...p,
  };
}

const calls = Array.from({ length: 50 }, (_, i) =>
  call(i, i === 7 ? { method: 'REGISTER', state: 'rejected', finalStatus: 403, fromDisplay: 'Alice Smith' } : {}),
);

describe('compileFilter', () => {
  const pick = (f: string): number[] => calls.filter(compileFilter(f) ?? (() => true)).map((c) => c.index);

  it('is undefined for empty text', () => {
    expect(compileFilter('   ')).toBeUndefined();
  });
  it('matches any field by substring, case-insensitively; all terms must match', () => {
    expect(pick('register')).toEqual([7]);
    expect(pick('alice')).toEqual([7]);
    expect(pick('"alice smith"')).toEqual([7]);
    expect(pick('1010')).toEqual([10]);
    expect(pick('2003 486')).toEqual([]); // 2003 -> i%10==3; 486 -> i%5==0: disjoint
    expect(pick('2005 486').length).toBe(5);
  });
  it('supports field prefixes, status classes and negation', () => {
    expect(pick('method:register')).toEqual([7]);
    expect(pick('state:rejected')).toEqual([7]);
    expect(pick('status:4').length).toBe(11); // ten 486 + one 403
    expect(pick('status:40')).toEqual([7]);
    expect(pick('callid:call-49@')).toEqual([49]);
    expect(pick('-status:2').length).toBe(11);
    expect(pick('from:1049')).toEqual([49]);
    expect(pick('to:2009').length).toBe(5);
  });
  it('treats an unknown prefix such as sip: as part of the value', () => {
    expect(pick('sip:1042')).toEqual([42]);
  });
});

describe('orderCalls / CallQuery', () => {
  it('returns undefined (identity) for the default order', () => {
    expect(orderCalls(calls, { key: 'index', descending: false }, '')).toBeUndefined();
  });
  it('sorts by a key, stable on ties, and reverses for descending', () => {
    const o = [...orderCalls(calls, { key: 'status', descending: false }, '')!];
    const statuses = o.map((i) => calls[i]!.finalStatus);
    expect(statuses).toEqual([...statuses].sort((a, b) => a! - b!));
    const ties = o.filter((i) => calls[i]!.finalStatus === 200);
    expect(ties).toEqual([...ties].sort((a, b) => a - b));
    const d = [...orderCalls(calls, { key: 'status', descending: true }, '')!];
    expect(d).toEqual([...o].reverse());
  });
  it('pages over the filtered, sorted list and reports totals', () => {
    const q = new CallQuery(() => calls);
    const p = q.page({ from: 2, count: 3, sort: { key: 'messages', descending: true }, filter: 'status:2' }, 1);
    expect(p.total).toBe(39);
    expect(p.unfiltered).toBe(50);
    expect(p.from).toBe(2);
    expect(p.rows).toHaveLength(3);
    expect(p.rows.map((r) => r.messageCount)).toEqual([...p.rows.map((r) => r.messageCount)].sort((a, b) => b - a));
    expect(p.generation).toBe(1);
    // Out of range and oversized requests are clamped.
    expect(q.page({ from: 1e9, count: 5, sort: { key: 'index', descending: false }, filter: '' }, 1).rows).toEqual([]);
    expect(q.page({ from: 0, count: 1e9, sort: { key: 'index', descending: false }, filter: '' }, 1).rows.length).toBe(Math.min(50, MAX_CALLS_PAGE));
  });
  it('sees calls added later (new generation)', () => {
    const live = calls.slice(0, 10);
    const q = new CallQuery(() => live);
    expect(q.page({ from: 0, count: 100, sort: { key: 'start', descending: false }, filter: '' }, 1).total).toBe(10);
    live.push(...calls.slice(10, 20));
    expect(q.page({ from: 0, count: 100, sort: { key: 'start', descending: false }, filter: '' }, 2).total).toBe(20);
  });
  it('sorts 100 000 calls fast enough for interactive use', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => call(i));
    const q = new CallQuery(() => many);
    const t = performance.now();
    const p = q.page({ from: 50_000, count: 100, sort: { key: 'from', descending: true }, filter: '' }, 1);
    expect(p.rows).toHaveLength(100);
    // Not a benchmark: a generous bound that still catches accidental quadratic behaviour.
    expect(performance.now() - t).toBeLessThan(5000);
  });
});
