// IdLists: per-owner append-only id lists in typed-array columns (the message ids, dialogs and transactions of calls).
import { describe, expect, it } from 'vitest';
import { IdLists } from '../../../src/core/dialog/id-lists';

describe('IdLists', () => {
  it('keeps each owner\'s items in the order added, interleaved across owners', () => {
    const l = new IdLists();
    l.addOwner(0);
    l.addOwner(1);
    l.addOwner(2);
    [0, 1, 0, 2, 1, 0].forEach((owner, item) => l.push(owner, item));
    expect(l.array(0)).toEqual([0, 2, 5]);
    expect(l.array(1)).toEqual([1, 4]);
    expect(l.array(2)).toEqual([3]);
    expect([l.count(0), l.count(1), l.count(2)]).toEqual([3, 2, 1]);
    const walked: number[] = [];
    for (let i = l.first(0); i >= 0; i = l.after(i)) walked.push(i);
    expect(walked).toEqual([0, 2, 5]);
  });

  it('gives an empty list for an owner without items and for unknown owners', () => {
    const l = new IdLists();
    l.addOwner(0);
    expect(l.array(0)).toEqual([]);
    expect(l.first(0)).toBe(-1);
    expect(l.array(7)).toEqual([]);
    expect(l.count(-1)).toBe(0);
  });

  it('shares an array until the list grows, then builds one with the new items', () => {
    const l = new IdLists();
    l.addOwner(0);
    l.push(0, 10);
    const a = l.array(0);
    expect(l.array(0)).toBe(a);
    l.push(0, 11);
    const b = l.array(0);
    expect(b).not.toBe(a);
    expect(b).toEqual([10, 11]);
    expect(a).toEqual([10]);
  });

  it('grows past its initial columns (5000 owners, 50 000 items)', () => {
    const l = new IdLists();
    for (let o = 0; o < 5000; o++) l.addOwner(o);
    for (let i = 0; i < 50_000; i++) l.push((i * 7) % 5000, i);
    expect(l.count(3)).toBe(10);
    expect(l.array(3)).toEqual([1429, 6429, 11429, 16429, 21429, 26429, 31429, 36429, 41429, 46429]);
    expect(l.array(4999).every((x, k, a) => k === 0 || x > a[k - 1]!)).toBe(true);
  });
});
