// jsonPieces: JSON.stringify(value, null, 2)'s exact text in pieces, with LazyJsonArray items made while writing.
import { describe, expect, it } from 'vitest';
import { jsonPieces, jsonPiecesAsync, LazyJsonArray, StreamedJsonArray } from '../../src/cli/format/json-pieces';

/** `value` with every LazyJsonArray replaced by the array of its items (what the pieces must spell). */
function eager(value: unknown): unknown {
  if (value instanceof LazyJsonArray) return Array.from({ length: value.length }, (_, i) => eager(value.item(i)));
  if (Array.isArray(value)) return value.map(eager);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, eager(v)]));
  return value;
}

describe('jsonPieces', () => {
  const cases: [string, unknown][] = [
    ['primitives', [1, -0.5, 'a"b\\n\u2028é😀', true, null, NaN, Infinity]],
    ['empty containers', { a: [], b: {}, c: new LazyJsonArray(0, () => 1), d: [new LazyJsonArray(0, () => 1)] }],
    ['dropped members and nulls in arrays', { u: undefined, f: () => 1, s: Symbol('x'), keep: 1, arr: [undefined, () => 1, 2] }],
    ['lazy items that are undefined', new LazyJsonArray(3, (i) => (i === 1 ? undefined : { i }))],
    ['a Date (toJSON)', { when: new Date(0), list: new LazyJsonArray(2, (i) => new Date(i * 1000)) }],
    [
      'a SARIF-like document with a lazy array deep inside',
      {
        $schema: 'x',
        runs: [{ tool: { driver: { rules: [{ id: 'r', tags: ['a', 'b'] }] } }, results: new LazyJsonArray(5, (i) => ({ ruleId: `r${i}`, locations: [{ region: { startLine: i } }], nested: { deep: [i, [i]] } })) }],
      },
    ],
    ['nested lazies', new LazyJsonArray(3, (i) => ({ i, inner: new LazyJsonArray(i, (j) => [j, { j }]) }))],
  ];
  for (const [name, value] of cases) {
    it(`spells JSON.stringify(value, null, 2): ${name}`, () => {
      expect([...jsonPieces(value)].join('')).toBe(JSON.stringify(eager(value), null, 2));
    });
  }

  it('makes lazy items one at a time, while the pieces are read', () => {
    let made = 0;
    const doc = { findings: new LazyJsonArray(100_000, (i) => (made++, { i, message: `finding ${i}` })) };
    const it = jsonPieces(doc);
    for (let k = 0; k < 10; k++) it.next();
    expect(made).toBeLessThan(5);
    let pieces = 0;
    let longest = 0;
    for (const p of it) {
      pieces++;
      longest = Math.max(longest, p.length);
    }
    expect(made).toBe(100_000);
    expect(pieces).toBeGreaterThan(100_000);
    expect(longest).toBeLessThan(100);
  });

  it('gives nothing for what JSON.stringify drops at the top level', () => {
    expect([...jsonPieces(undefined)]).toEqual([]);
    expect([...jsonPieces(() => 1)]).toEqual([]);
  });

  it('refuses a StreamedJsonArray (its items come asynchronously)', () => {
    expect(() => [...jsonPieces({ a: new StreamedJsonArray(async function* () {}) })]).toThrow(/jsonPiecesAsync/);
  });
});

describe('jsonPiecesAsync', () => {
  /** An async source of `items`, and the plain array it stands for. */
  const streamed = (items: unknown[]) => new StreamedJsonArray(async function* () {
    for (const x of items) {
      await Promise.resolve();
      yield x;
    }
  });
  const cases: [string, unknown, unknown][] = [
    ['an empty stream', { findings: streamed([]), verdicts: [] }, { findings: [], verdicts: [] }],
    ['streamed items, then a lazy array', { findings: streamed([{ a: 1 }, { b: [1, 2] }, 'x']), verdicts: new LazyJsonArray(2, (i) => ({ i })) }, { findings: [{ a: 1 }, { b: [1, 2] }, 'x'], verdicts: [{ i: 0 }, { i: 1 }] }],
    ['undefined items and nesting', [1, { deep: { s: streamed([undefined, null, { t: 'é😀' }]) } }], [1, { deep: { s: [null, null, { t: 'é😀' }] } }]],
    ['a stream at the top', streamed([{ x: 1 }]), [{ x: 1 }]],
  ];
  for (const [name, value, plain] of cases) {
    it(`spells JSON.stringify(value, null, 2): ${name}`, async () => {
      let text = '';
      for await (const p of jsonPiecesAsync(value)) text += p;
      expect(text).toBe(JSON.stringify(plain, null, 2));
    });
  }

  it('asks for the items only when it reaches the array, and writes each as it arrives', async () => {
    const seen: string[] = [];
    const doc = { head: 'h', items: new StreamedJsonArray(async function* () {
      seen.push('start');
      for (let i = 0; i < 3; i++) yield (seen.push(`item ${i}`), i);
    }) };
    const it = jsonPiecesAsync(doc);
    const first = await it.next();
    expect(first.value).toBe('{\n');
    expect(seen).toEqual([]);
    const rest: string[] = [];
    for await (const p of it) rest.push(p);
    expect(seen).toEqual(['start', 'item 0', 'item 1', 'item 2']);
    expect(rest.filter((p) => /^[[,]\n {4}\d$/.test(p))).toHaveLength(3);
  });
});

