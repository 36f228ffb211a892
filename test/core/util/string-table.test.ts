// StringTable: interned ids for the columnar stores, with a four-entry cache of the last strings looked up.
import { describe, expect, it } from 'vitest';
import { StringTable } from '../../../src/core/util/string-table';

describe('StringTable', () => {
  it('gives undefined id 0 and the empty string an id of its own (the cache marks free entries with it)', () => {
    const t = new StringTable();
    expect(t.id(undefined)).toBe(0);
    const empty = t.id('');
    expect(empty).toBe(1);
    expect(t.get(empty)).toBe('');
    expect(t.id('')).toBe(empty);
    expect(t.find('')).toBe(empty);
  });

  it('keeps one id per text across more strings than the cache holds, equal texts from different objects included', () => {
    const t = new StringTable();
    const texts = ['INVITE', 'ACK', 'BYE', '10.0.0.1', '10.0.0.2', 'OK', 'Ringing'];
    const first = texts.map((s) => t.id(s));
    expect(new Set(first).size).toBe(texts.length);
    for (let round = 0; round < 3; round++) {
      // Built at run time: equal text, another string object.
      expect(texts.map((s) => t.id([...s].join('')))).toEqual(first);
    }
    expect(first.map((id) => t.get(id))).toEqual(texts);
    expect(t.find('CANCEL')).toBe(-1);
  });
});
