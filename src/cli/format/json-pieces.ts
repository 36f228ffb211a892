// JSON documents written a piece at a time: `JSON.stringify(doc, null, 2)`'s exact text, with the big arrays
// (LazyJsonArray) made one item at a time while the text is written. A report of hundreds of thousands of findings
// then never exists as one string (V8 strings stop at about 512 M characters) nor as a second array of plain objects.

/** An array whose items are made only while jsonPieces writes them: `item(i)` for i in [0, length). */
export class LazyJsonArray<T = unknown> {
  constructor(
    readonly length: number,
    readonly item: (i: number) => T,
  ) {}
}

const GAP = '  ';

/**
 * The text of `JSON.stringify(value, null, 2)` in pieces, where every LazyJsonArray inside `value` (at any depth)
 * counts as the array of its items. `indent`: the indentation of the line `value` starts on (for nesting). Values
 * without a LazyJsonArray inside are written whole with JSON.stringify, so pieces are items, not tokens. A value
 * JSON.stringify would drop at the top level (undefined, a function) gives no piece.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  if (value instanceof LazyJsonArray) {
    yield* arrayPieces(value.length, (i) => value.item(i), indent);
    return;
  }
  if (!hasLazy(value)) {
    const s = JSON.stringify(value, null, 2);
    if (s !== undefined) yield indent === '' ? s : s.replace(/\n/g, `\n${indent}`);
    return;
  }
  if (Array.isArray(value)) {
    yield* arrayPieces(value.length, (i) => value[i], indent);
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => isSerialisable(o[k]));
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  const inner = indent + GAP;
  yield '{\n';
  for (let k = 0; k < keys.length; k++) {
    yield `${inner}${JSON.stringify(keys[k])}: `;
    yield* jsonPieces(o[keys[k]!], inner);
    yield k + 1 < keys.length ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

function* arrayPieces(n: number, item: (i: number) => unknown, indent: string): Generator<string> {
  if (n === 0) {
    yield '[]';
    return;
  }
  const inner = indent + GAP;
  yield '[\n';
  for (let i = 0; i < n; i++) {
    const v = item(i);
    yield inner;
    // In an array, what JSON.stringify drops in an object is written as null.
    if (isSerialisable(v)) yield* jsonPieces(v, inner);
    else yield 'null';
    yield i + 1 < n ? ',\n' : '\n';
  }
  yield `${indent}]`;
}

/** What JSON.stringify keeps as an object member (not undefined, a function or a symbol). */
function isSerialisable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** Whether a LazyJsonArray is inside `v` (plain arrays and objects without toJSON are searched). */
function hasLazy(v: unknown): boolean {
  if (v instanceof LazyJsonArray) return true;
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (hasLazy(x)) return true;
    return false;
  }
  for (const k of Object.keys(v)) if (hasLazy((v as Record<string, unknown>)[k])) return true;
  return false;
}
