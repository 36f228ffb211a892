// ByteKeyTable: byte-string keys to integers, through growth, hash collisions and keys that share prefixes.
import { describe, expect, it } from 'vitest';
import { ByteKeyTable } from '../../../src/core/util/byte-key-table';

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
});
