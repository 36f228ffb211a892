// JSON documents written a piece at a time: `JSON.stringify(doc, null, 2)`'s exact text, with the big arrays made one
// item at a time while the text is written (LazyJsonArray: length known; StreamedJsonArray: items from an async
// source, jsonPiecesAsync). A report of hundreds of thousands of findings then never exists as one string (V8 strings
// stop at about 512 M characters) nor as a second array of plain objects.

/** An array whose items are made only while jsonPieces writes them: `item(i)` for i in [0, length). */
export class LazyJsonArray<T = unknown> {
  constructor(
    readonly length: number,
    readonly item: (i: number) => T,
  ) {}

  /** Every item, made now (for the plain-object form of a document). */
  toArray(): T[] {
    return Array.from({ length: this.length }, (_, i) => this.item(i));
  }
}

const GAP = '  ';

/**
 * An array whose items come from an async source (a lint that produces findings batch by batch): `items()` is called
 * when jsonPiecesAsync reaches the array, and its items are written as they arrive.
 */
export class StreamedJsonArray<T = unknown> {
  constructor(readonly items: () => AsyncIterable<T>) {}
}

/** Where jsonTemplate's text continues with a StreamedJsonArray's items, written at `indent`. */
interface Hole {
  array: StreamedJsonArray;
  indent: string;
}

/**
 * The text of `JSON.stringify(value, null, 2)` in pieces, where every LazyJsonArray inside `value` (at any depth)
 * counts as the array of its items. `indent`: the indentation of the line `value` starts on (for nesting). Values
 * without a LazyJsonArray inside are written whole with JSON.stringify, so pieces are items, not tokens. A value
 * JSON.stringify would drop at the top level (undefined, a function) gives no piece. Throws on a StreamedJsonArray
 * (see jsonPiecesAsync).
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  for (const p of jsonTemplate(value, indent)) {
    if (typeof p !== 'string') throw new Error('jsonPieces: a StreamedJsonArray needs jsonPiecesAsync');
    yield p;
  }
}

/** jsonPieces for values with StreamedJsonArrays inside (at any depth): the same text, produced as their items arrive. */
export async function* jsonPiecesAsync(value: unknown, indent = ''): AsyncGenerator<string> {
  for (const p of jsonTemplate(value, indent)) {
    if (typeof p === 'string') {
      yield p;
      continue;
    }
    const inner = p.indent + GAP;
    let n = 0;
    for await (const v of p.array.items()) {
      // One piece per item (an async step costs more than joining an item's few pieces).
      let item = (n === 0 ? '[\n' : ',\n') + inner;
      if (isSerialisable(v)) for (const q of jsonPieces(v, inner)) item += q;
      else item += 'null';
      yield item;
      n++;
    }
    yield n === 0 ? '[]' : `\n${p.indent}]`;
  }
}

/** The pieces of `value`'s text, with a Hole where each StreamedJsonArray's items go. */
function* jsonTemplate(value: unknown, indent: string): Generator<string | Hole> {
  if (value instanceof StreamedJsonArray) {
    yield { array: value, indent };
    return;
  }
  if (value instanceof LazyJsonArray) {
    yield* arrayTemplate(value.length, (i) => value.item(i), indent);
    return;
  }
  if (!containsArray(value)) {
    const s = JSON.stringify(value, null, 2);
    if (s !== undefined) yield indent === '' ? s : s.replace(/\n/g, `\n${indent}`);
    return;
  }
  if (Array.isArray(value)) {
    yield* arrayTemplate(value.length, (i) => value[i], indent);
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
    yield* jsonTemplate(o[keys[k]!], inner);
    yield k + 1 < keys.length ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

function* arrayTemplate(n: number, item: (i: number) => unknown, indent: string): Generator<string | Hole> {
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
    if (isSerialisable(v)) yield* jsonTemplate(v, inner);
    else yield 'null';
    yield i + 1 < n ? ',\n' : '\n';
  }
  yield `${indent}]`;
}

/** What JSON.stringify keeps as an object member (not undefined, a function or a symbol). */
function isSerialisable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** Whether a LazyJsonArray or StreamedJsonArray is inside `v` (plain arrays and objects without toJSON are searched). */
function containsArray(v: unknown): boolean {
  if (v instanceof LazyJsonArray || v instanceof StreamedJsonArray) return true;
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) {
    for (const x of v) if (containsArray(x)) return true;
    return false;
  }
  for (const k of Object.keys(v)) if (containsArray((v as Record<string, unknown>)[k])) return true;
  return false;
}
