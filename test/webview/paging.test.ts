// Tests for the webview's PageCache: missing-page claims, in-flight dedupe, stale-while-revalidate, query switches.
import { describe, expect, it } from 'vitest';
import { PageCache } from '../../webview/paging';

describe('PageCache', () => {
  it('claims each missing page once until it is stored or released', () => {
    const c = new PageCache<number>(10);
    c.setKey('q1');
    expect(c.claimMissing(0, 25)).toEqual([0, 1, 2]);
    expect(c.claimMissing(0, 25)).toEqual([]); // in flight
    expect(c.store('q1', 1, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])).toBe(true);
    expect(c.get(13)).toBe(13);
    expect(c.get(3)).toBeUndefined();
    c.release('q1', 0);
    expect(c.claimMissing(0, 25)).toEqual([0]);
    expect(c.hasRange(10, 20)).toBe(true);
    expect(c.hasRange(5, 20)).toBe(false);
  });

  it('drops answers for a previous query', () => {
    const c = new PageCache<string>(2);
    c.setKey('a');
    c.claimMissing(0, 2);
    c.setKey('b');
    expect(c.store('a', 0, ['x', 'y'])).toBe(false);
    expect(c.get(0)).toBeUndefined();
    expect(c.claimMissing(0, 2)).toEqual([0]);
    c.setKey('b'); // same key: keeps state
    expect(c.claimMissing(0, 2)).toEqual([]);
  });

  it('invalidate keeps stale rows visible but asks for them again', () => {
    const c = new PageCache<number>(4);
    c.setKey('k');
    c.claimMissing(0, 4);
    c.store('k', 0, [1, 2, 3, 4]);
    expect(c.claimMissing(0, 4)).toEqual([]);
    c.invalidate();
    expect(c.get(2)).toBe(3); // stale but shown
    expect(c.claimMissing(0, 4)).toEqual([0]);
    c.store('k', 0, [5, 6, 7, 8]);
    expect(c.get(2)).toBe(7);
    expect(c.claimMissing(0, 4)).toEqual([]);
  });
});
