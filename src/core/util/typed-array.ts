// Growing typed-array columns (stores, trackers, hash tables): typed arrays have a fixed length, so a column grows by
// copying into a larger array of the same type.

type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A new array of `a`'s type and length `n` (>= a.length) holding a copy of `a`, the rest zero. */
export function grown<T extends Column>(a: T, n: number): T {
  const g = new (a.constructor as new (length: number) => T)(n);
  g.set(a as never);
  return g;
}
