// ByteKeyTable: byte-string keys to integers, through growth, hash collisions and keys that share prefixes.
import { describe, expect, it } from 'vitest';
import { ByteKeyTable, hashBytes } from '../../../src/core/util/byte-key-table';

const enc = new TextEncoder();

describe('ByteKeyTable', () => {
  it('finds every key it was given, and no other, across many resizes', () => {
    const t = new ByteKeyTable(16);
    const keys = Array.from({ length: 20_000 }, (_, i) => `call-${i}@host-${i % 7}.example`);
    keys.forEach((k, i) => {
      const b = enc.encode(`xx${k}yy`);
      expect(t.get(b, 2, b.length - 2)).toBe(-1);
      t.add(b, 2, b.length - 2, i);
    });
    expect(t.size).toBe(keys.length);
    keys.forEach((k, i) => {
      const b = enc.encode(k);
      expect(t.get(b, 0, b.length)).toBe(i);
    });
    for (const miss of ['call-20000@host-0.example', 'call-1@host-1.exampl', 'call-1@host-1.examplex', '']) {
      const b = enc.encode(miss);
      expect(t.get(b, 0, b.length)).toBe(-1);
    }
  });

  it('tells apart keys that are prefixes of each other and the empty key', () => {
    const t = new ByteKeyTable();
    const a = enc.encode('abcabc');
    t.add(a, 0, 3, 1); // "abc"
    t.add(a, 0, 6, 2); // "abcabc"
    t.add(a, 0, 0, 3); // ""
    expect(t.get(a, 3, 6)).toBe(1);
    expect(t.get(a, 0, 6)).toBe(2);
    expect(t.get(a, 2, 2)).toBe(3);
    expect(t.get(a, 0, 2)).toBe(-1);
  });

  it('answers from its recent-key cache only for the same bytes: full-hash collisions, shared cache lines, lengths', () => {
    const t = new ByteKeyTable(16);
    const key = (k: string) => enc.encode(k);
    // FNV-1a collision (same 32-bit hash, different keys): the cache line holds one, the other must not match it.
    const [a, b] = [key('call-0012789'), key('call-0249192')]; // same length too
    expect(hashBytes(a, 0, a.length)).toBe(hashBytes(b, 0, b.length));
    t.add(a, 0, a.length, 7);
    expect(t.get(b, 0, b.length)).toBe(-1);
    t.add(b, 0, b.length, 8);
    for (let i = 0; i < 3; i++) {
      expect(t.get(a, 0, a.length)).toBe(7);
      expect(t.get(b, 0, b.length)).toBe(8);
    }
    // Keys that share a cache line (hash & 1023), looked up alternately, and a prefix of a key with the same line.
    const line = (k: Uint8Array) => hashBytes(k, 0, k.length) & 1023;
    const byLine = new Map<number, string[]>();
    for (let i = 0; i < 5000; i++) {
      const k = `tag-${i}`;
      byLine.set(line(key(k)), [...(byLine.get(line(key(k))) ?? []), k]);
    }
    const shared = [...byLine.values()].find((ks) => ks.length >= 3)!;
    shared.forEach((k, i) => t.add(key(k), 0, k.length, 100 + i));
    for (let round = 0; round < 3; round++) shared.forEach((k, i) => expect(t.get(key(k), 0, k.length)).toBe(100 + i));
    expect(t.get(key(`${shared[0]}x`), 0, shared[0]!.length + 1)).toBe(-1);
    expect(t.get(key(shared[0]!), 0, shared[0]!.length - 1)).toBe(-1);
  });
});
