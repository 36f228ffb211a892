// Tests for the persisted webview state: defaults, round trip, and defensive parsing of old or broken states.
import { describe, expect, it } from 'vitest';
import { defaultViewState, parseViewState } from '../../webview/state';

describe('view state', () => {
  it('round-trips through JSON (what setState stores)', () => {
    const s = { ...defaultViewState({ columns: 'ip', time: 'delta' }), selected: [3, 9], zoom: 1.5, messageId: 42, filter: 'from:alice' };
    expect(parseViewState(JSON.parse(JSON.stringify(s)), defaultViewState())).toEqual(s);
  });

  it('falls back field by field on bad input', () => {
    const base = defaultViewState();
    expect(parseViewState(undefined, base)).toBe(base);
    expect(parseViewState({ v: 2 }, base)).toBe(base);
    const p = parseViewState({ v: 1, sort: { key: 'evil' }, selected: [1, -1, 'x', 2.5, 4], columns: 'nope', zoom: 'big', time: 'delta' }, base);
    expect(p.sort).toEqual(base.sort);
    expect(p.selected).toEqual([1, 4]);
    expect(p.columns).toBe('endpoint');
    expect(p.zoom).toBe(1);
    expect(p.time).toBe('delta');
  });
});
