// Pure page cache for the webview's virtual lists (call list and ladder rows): which pages are loaded, in flight or
// stale, so scrolling asks the host only for missing pages and keeps showing stale rows until fresh ones arrive.
import { pagesForRange } from '../src/core/ladder/page';

/** Items of a long remote list, fetched `pageSize` at a time, for one query `key` (sort + filter, ladder id...). */
export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private stale = new Set<number>();
  private inFlight = new Set<number>();
  private queryKey = '';

  constructor(readonly pageSize: number) {}

  get key(): string {
    return this.queryKey;
  }

  /** Switch to another query: everything cached for the previous one is dropped. No-op for the same key. */
  setKey(key: string): void {
    if (key === this.queryKey) return;
    this.queryKey = key;
    this.pages.clear();
    this.stale.clear();
    this.inFlight.clear();
  }

  /** The underlying data changed (import progressed): keep showing what we have, but fetch it again. */
  invalidate(): void {
    for (const p of this.pages.keys()) this.stale.add(p);
    this.inFlight.clear();
  }

  /** Item at `position`, possibly stale; undefined when its page was never loaded. */
  get(position: number): T | undefined {
    const page = this.pages.get(Math.floor(position / this.pageSize));
    return page?.[position % this.pageSize];
  }

  /** Pages covering `[first, last)` that are neither fresh nor in flight; marks them in flight. */
  claimMissing(first: number, last: number): number[] {
    const out: number[] = [];
    for (const p of pagesForRange(first, last, this.pageSize)) {
      if (this.inFlight.has(p)) continue;
      if (this.pages.has(p) && !this.stale.has(p)) continue;
      this.inFlight.add(p);
      out.push(p);
    }
    return out;
  }

  /** Store a page answered for query `key`; ignored (returns false) when the query changed meanwhile. */
  store(key: string, page: number, items: T[]): boolean {
    if (key !== this.queryKey) return false;
    this.pages.set(page, items);
    this.stale.delete(page);
    this.inFlight.delete(page);
    return true;
  }

  /** A request for `page` failed: allow asking again. */
  release(key: string, page: number): void {
    if (key === this.queryKey) this.inFlight.delete(page);
  }

  /** True when every page covering `[first, last)` is loaded (fresh or stale). */
  hasRange(first: number, last: number): boolean {
    return pagesForRange(first, last, this.pageSize).every((p) => this.pages.has(p));
  }
}
