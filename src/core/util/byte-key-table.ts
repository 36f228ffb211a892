// Open-addressing hash table keyed by byte strings (FNV-1a, linear probing), for hot lookups where building a JS
// string per probe would cost more than the lookup: the import front keys calls by their Call-ID bytes.
import { grown } from './typed-array';

const EMPTY = -1;

/** Maps byte strings to non-negative integers. Keys are copied in; lookups allocate nothing. */
export class ByteKeyTable {
  /** Per slot: index into the entry arrays, or EMPTY. */
  private slots: Int32Array;
  /** Per slot: the key's hash (compared before the bytes). */
  private hashes: Int32Array;
  private mask: number;
  /** Per entry: key start and length in `keys`, and the value. */
  private keyStart = new Int32Array(1024);
  private keyLength = new Int32Array(1024);
  private values = new Int32Array(1024);
  private keys = new Uint8Array(65536);
  private keysUsed = 0;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    let n = 16;
    while (n < initialSlots) n <<= 1;
    this.slots = new Int32Array(n).fill(EMPTY);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
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
    const len = e - s;
    const keys = this.keys;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const entry = this.slots[i]!;
      if (entry === EMPTY) return -1;
      if (this.hashes[i] === h && this.keyLength[entry] === len) {
        const k = this.keyStart[entry]!;
        let j = 0;
        while (j < len && keys[k + j] === b[s + j]) j++;
        if (j === len) return this.values[entry]!;
      }
    }
  }

  /** Store `value` (>= 0) for b[s, e), which must not be in the table yet. */
  add(b: Uint8Array, s: number, e: number, value: number): void {
    this.addHashed(b, s, e, hashBytes(b, s, e), value);
  }

  /** The key of entry `entry` (entries are numbered from 0 in the order added): a view, valid until the next add. */
  keyAt(entry: number): Uint8Array {
    const s = this.keyStart[entry]!;
    return this.keys.subarray(s, s + this.keyLength[entry]!);
  }

  /** add() with the key's hashBytes() already computed. */
  addHashed(b: Uint8Array, s: number, e: number, h: number, value: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const entry = this.count++;
    if (entry === this.values.length) {
      this.keyStart = grown(this.keyStart, this.keyStart.length * 2);
      this.keyLength = grown(this.keyLength, this.keyLength.length * 2);
      this.values = grown(this.values, this.values.length * 2);
    }
    const len = e - s;
    if (this.keysUsed + len > this.keys.length) this.keys = grown(this.keys, Math.max(this.keys.length * 2, this.keysUsed + len));
    // Keys are short (branches, tags, Call-IDs): a loop, not set(b.subarray()), which allocates a view per key.
    const keys = this.keys;
    for (let i = s, j = this.keysUsed; i < e; i++, j++) keys[j] = b[i]!;
    this.keyStart[entry] = this.keysUsed;
    this.keyLength[entry] = len;
    this.values[entry] = value;
    this.keysUsed += len;
    this.insert(entry, h);
  }

  private insert(entry: number, h: number): void {
    let i = h & this.mask;
    while (this.slots[i] !== EMPTY) i = (i + 1) & this.mask;
    this.slots[i] = entry;
    this.hashes[i] = h;
  }

  private grow(): void {
    const n = this.slots.length * 2;
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(n).fill(EMPTY);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const entry = oldSlots[i]!;
      if (entry !== EMPTY) this.insert(entry, oldHashes[i]!);
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

