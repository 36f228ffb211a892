// Open-addressing hash table from four 32-bit words to a non-negative integer: the allocation-free lookup on the RTP
// hot path (IPv4 endpoint and stream keys are built from address bytes and ports, never from formatted strings).

/** Slot layout: 4 key words, the value (-1 = empty), 3 unused: 32 bytes, two slots per 64-byte cache line. */
const STRIDE = 8;
const VAL = 4;
const EMPTY = -1;

function hash4(a: number, b: number, c: number, d: number): number {
  // murmur3-style mixing of each word; good enough for addresses and ports, which are far from random.
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ d, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Map (a, b, c, d) -> value >= 0, keys compared as int32 (pass uint32 or int32, both work). No deletion (entries live
 * as long as the table; `clear()` empties it). Grows by doubling at 50% load. `get` never allocates and reads one
 * cache line per probe (keys and value are stored together).
 */
export class Key4Table {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.slots = Key4Table.empty(cap);
    this.mask = cap - 1;
  }

  private static empty(cap: number): Int32Array {
    const t = new Int32Array(cap * STRIDE);
    for (let i = VAL; i < t.length; i += STRIDE) t[i] = EMPTY;
    return t;
  }

  get size(): number {
    return this.count;
  }

  /** Value for the key, or -1. */
  get(a: number, b: number, c: number, d: number): number {
    const t = this.slots;
    const mask = this.mask;
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i * STRIDE;
      const v = t[k + VAL]!;
      if (v === EMPTY) return -1;
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c && t[k + 3] === d) return v;
      i = (i + 1) & mask;
    }
  }

  /** Insert or overwrite. `value` must be a non-negative int32. */
  set(a: number, b: number, c: number, d: number, value: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.put(a | 0, b | 0, c | 0, d | 0, value | 0);
  }

  clear(): void {
    const t = this.slots;
    for (let i = VAL; i < t.length; i += STRIDE) t[i] = EMPTY;
    this.count = 0;
  }

  private put(a: number, b: number, c: number, d: number, value: number): void {
    const t = this.slots;
    const mask = this.mask;
    let i = hash4(a, b, c, d) & mask;
    for (;;) {
      const k = i * STRIDE;
      if (t[k + VAL] === EMPTY) {
        t[k] = a;
        t[k + 1] = b;
        t[k + 2] = c;
        t[k + 3] = d;
        t[k + VAL] = value;
        this.count++;
        return;
      }
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c && t[k + 3] === d) {
        t[k + VAL] = value;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = Key4Table.empty(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let k = 0; k < old.length; k += STRIDE) {
      const v = old[k + VAL]!;
      if (v !== EMPTY) this.put(old[k]!, old[k + 1]!, old[k + 2]!, old[k + 3]!, v);
    }
  }
}
