// Open-addressing hash table keyed by byte strings (FNV-1a, linear probing), for hot lookups where building a JS
// string per probe would cost more than the lookup: the import front keys calls by their Call-ID bytes.
import { copyBytes, grown, INITIAL_COLUMN_LENGTH as INITIAL } from './typed-array';

const EMPTY = -1;
/** Entries of the recent-key cache (a power of two). */
const RECENT = 1024;

/**
 * Maps byte strings to non-negative integers. Keys are copied in; lookups allocate nothing. A lookup touches one
 * slot pair (entry, hash), one entry triple (key start, key length, value) and the key bytes: interleaved columns,
 * so that a miss in a large table costs three cache lines, not five.
 */
export class ByteKeyTable {
  /** Per slot s: [2s] the entry (EMPTY: free slot), [2s + 1] its key's hash (compared before the bytes). */
  private slots: Int32Array;
  private mask: number;
  /** Per entry e: [3e] key start in `keys`, [3e + 1] key length, [3e + 2] value. */
  private entries = new Int32Array(3 * INITIAL);
  private keys = new Uint8Array(16 * INITIAL);
  private keysUsed = 0;
  private count = 0;
  /**
   * Recent keys: per cache line r = hash & (RECENT - 1), [2r] a hash and [2r + 1] the entry found or added for it
   * last (-1: none). SIP keys come in bursts (the messages of one call, one transaction, one dialog are close in a
   * capture), and this 8 KiB cache answers them without touching `slots`, which in a table of 100 000 calls is
   * megabytes: one cache miss saved per lookup. Entries are never removed, so a cached entry stays valid.
   */
  private readonly recent = new Int32Array(2 * RECENT).fill(EMPTY);

  constructor(initialSlots = 2 * INITIAL) {
    let n = 16;
    while (n < initialSlots) n <<= 1;
    this.slots = ByteKeyTable.emptySlots(n);
    this.mask = n - 1;
  }

  private static emptySlots(n: number): Int32Array {
    const t = new Int32Array(2 * n);
    for (let i = 0; i < t.length; i += 2) t[i] = EMPTY;
    return t;
  }

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** The value stored for b[s, e), or -1. */
  get(b: Uint8Array, s: number, e: number): number {
    return this.getHashed(b, s, e, hashBytes(b, s, e));
  }

  /** get() with the key's hashBytes() already computed (callers that hash while checking the bytes). */
  getHashed(b: Uint8Array, s: number, e: number, h: number): number {
    const recent = this.recent;
    const r = 2 * (h & (RECENT - 1));
    let entry = recent[r + 1]!;
    if (entry !== EMPTY && recent[r] === h && this.keyIs(entry, b, s, e)) return this.entries[3 * entry + 2]!;
    const slots = this.slots;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      entry = slots[2 * i]!;
      if (entry === EMPTY) return -1;
      if (slots[2 * i + 1] === h && this.keyIs(entry, b, s, e)) {
        recent[r] = h;
        recent[r + 1] = entry;
        return this.entries[3 * entry + 2]!;
      }
    }
  }

  /** The key of entry `entry` (numbered from 0 in the order added) is b[s, e), byte for byte. */
  keyIs(entry: number, b: Uint8Array, s: number, e: number): boolean {
    const entries = this.entries;
    const len = e - s;
    if (entries[3 * entry + 1] !== len) return false;
    const keys = this.keys;
    const k = entries[3 * entry]!;
    let j = 0;
    while (j < len && keys[k + j] === b[s + j]) j++;
    return j === len;
  }

  /** Store `value` (>= 0) for b[s, e), which must not be in the table yet. */
  add(b: Uint8Array, s: number, e: number, value: number): void {
    this.addHashed(b, s, e, hashBytes(b, s, e), value);
  }

  /** The key of entry `entry` (entries are numbered from 0 in the order added): a view, valid until the next add. */
  keyAt(entry: number): Uint8Array {
    const s = this.entries[3 * entry]!;
    return this.keys.subarray(s, s + this.entries[3 * entry + 1]!);
  }

  /** add() with the key's hashBytes() already computed. */
  addHashed(b: Uint8Array, s: number, e: number, h: number, value: number): void {
    if ((this.count + 1) * 4 > this.slots.length) this.grow();
    const entry = this.count++;
    if (3 * entry === this.entries.length) this.entries = grown(this.entries, this.entries.length * 2);
    const len = e - s;
    if (this.keysUsed + len > this.keys.length) this.keys = grown(this.keys, Math.max(this.keys.length * 2, this.keysUsed + len));
    copyBytes(b, s, len, this.keys, this.keysUsed);
    const entries = this.entries;
    entries[3 * entry] = this.keysUsed;
    entries[3 * entry + 1] = len;
    entries[3 * entry + 2] = value;
    this.keysUsed += len;
    this.insert(entry, h);
    const r = 2 * (h & (RECENT - 1));
    this.recent[r] = h;
    this.recent[r + 1] = entry;
  }

  private insert(entry: number, h: number): void {
    const slots = this.slots;
    let i = h & this.mask;
    while (slots[2 * i] !== EMPTY) i = (i + 1) & this.mask;
    slots[2 * i] = entry;
    slots[2 * i + 1] = h;
  }

  /** Twice the slots (the table stays at most half full). */
  private grow(): void {
    const old = this.slots;
    const n = old.length; // slots after growing: twice the old count
    this.slots = ByteKeyTable.emptySlots(n);
    this.mask = n - 1;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i]!;
      if (entry !== EMPTY) this.insert(entry, old[i + 1]!);
    }
  }
}

/** FNV-1a parameters (hashBytes), for callers that fold the hash into their own pass over the bytes. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of b[s, e). */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h;
}

