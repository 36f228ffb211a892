// Growing typed-array columns (stores, trackers, hash tables): typed arrays have a fixed length, so a column grows by
// copying into a larger array of the same type.

/**
 * Initial length of growing columns: small on purpose. Growing then happens many times in a capture's first few
 * hundred messages, while the code still runs unoptimised and records type feedback; with a large start (1024+),
 * the first growth came after the hot functions were optimised (V8 TurboFan) and deoptimised them for lack of
 * feedback on that path, followed by a recompile of each large function (one per column kind).
 */
export const INITIAL_COLUMN_LENGTH = 16;

type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A new array of `a`'s type and length `n` (>= a.length) holding a copy of `a`, the rest zero. */
export function grown<T extends Column>(a: T, n: number): T {
  const g = new (a.constructor as new (length: number) => T)(n);
  g.set(a as never);
  return g;
}

/**
 * Copy `n` bytes from `from[s, s + n)` to `to[at, at + n)` (the caller makes room). Short runs byte by byte: a
 * subarray view costs an allocation, which outweighs a few bytes; longer runs through set(), a memcpy. 24 bytes is
 * about where callgrind counted fewer instructions with set() (branches and From/To values are mostly longer).
 */
export function copyBytes(from: Uint8Array, s: number, n: number, to: Uint8Array, at: number): void {
  if (n > 24) to.set(from.subarray(s, s + n), at);
  else for (let i = 0; i < n; i++) to[at + i] = from[s + i]!;
}
