// Append-only lists of ids per owner (the message ids, dialog indexes and transaction indexes of each call), as
// typed-array columns: one singly linked list per owner through a `next` column indexed by item. A 100k-call capture
// then keeps three columns instead of 300k JS arrays, which the garbage collector would copy and promote while the
// import runs. Arrays are built only when asked for (CallInfo.messageIds...), and cached.
import { grown, INITIAL_COLUMN_LENGTH as INITIAL } from '../util/typed-array';

export class IdLists {
  /** Per owner: first and last item, -1 when empty; item count. */
  private head = new Int32Array(INITIAL);
  private tail = new Int32Array(INITIAL);
  private size = new Int32Array(INITIAL);
  /** Per item: the next item of its owner's list, -1 at the end (items are ids 0, 1, 2... each added once). */
  private next = new Int32Array(INITIAL);
  private owners = 0;
  /** Arrays handed out by array(), per owner (sparse); valid while their length is the owner's count. */
  private readonly cache: (number[] | undefined)[] = [];

  /** Make room for owner `owner` (owners are added in order 0, 1, 2...): its list starts empty. */
  addOwner(owner: number): void {
    if (owner >= this.head.length) {
      const n = Math.max(owner + 1, this.head.length * 2);
      this.head = grown(this.head, n);
      this.tail = grown(this.tail, n);
      this.size = grown(this.size, n);
    }
    this.head[owner] = -1;
    this.tail[owner] = -1;
    this.size[owner] = 0;
    if (owner >= this.owners) this.owners = owner + 1;
  }

  /** Append item `item` (a non-negative id not added before) to `owner`'s list. */
  push(owner: number, item: number): void {
    if (item >= this.next.length) this.next = grown(this.next, Math.max(item + 1, this.next.length * 2));
    this.next[item] = -1;
    const t = this.tail[owner]!;
    if (t < 0) this.head[owner] = item;
    else this.next[t] = item;
    this.tail[owner] = item;
    this.size[owner] = this.size[owner]! + 1;
  }

  /** Number of items of `owner` (0 for an unknown owner). */
  count(owner: number): number {
    return owner >= 0 && owner < this.owners ? this.size[owner]! : 0;
  }

  /** First item of `owner`, -1 when none; walk on with after(). */
  first(owner: number): number {
    return owner >= 0 && owner < this.owners ? this.head[owner]! : -1;
  }

  /** The item after `item` in its owner's list, -1 at the end. */
  after(item: number): number {
    return this.next[item]!;
  }

  /**
   * `owner`'s items in the order added, as an array shared by every caller until the list grows (do not modify it;
   * an unknown owner gives an empty array).
   */
  array(owner: number): readonly number[] {
    const n = this.count(owner);
    const cached = this.cache[owner];
    if (cached !== undefined && cached.length === n) return cached;
    const out: number[] = [];
    for (let i = this.first(owner); i >= 0 && out.length < n; i = this.next[i]!) out.push(i);
    if (owner >= 0 && owner < this.owners) this.cache[owner] = out;
    return out;
  }
}
