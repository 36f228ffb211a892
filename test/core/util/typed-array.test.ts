// Growing columns and the byte copy the stores use for branch and From/To values.
import { describe, expect, it } from 'vitest';
import { copyBytes, grown } from '../../../src/core/util/typed-array';

describe('copyBytes', () => {
  const from = Uint8Array.from({ length: 100 }, (_, i) => i + 1);
  for (const n of [0, 1, 24, 25, 60]) {
    it(`copies ${n} bytes from an offset to an offset and touches nothing else`, () => {
      const to = new Uint8Array(80);
      copyBytes(from, 7, n, to, 11);
      const expected = new Uint8Array(80);
      for (let i = 0; i < n; i++) expected[11 + i] = 8 + i;
      expect(Array.from(to)).toEqual(Array.from(expected));
    });
  }
});

describe('grown', () => {
  it('keeps the values and the type, zero after them', () => {
    const a = Int32Array.from([5, -6, 7]);
    const g = grown(a, 6);
    expect(g).toBeInstanceOf(Int32Array);
    expect(Array.from(g)).toEqual([5, -6, 7, 0, 0, 0]);
  });
});
