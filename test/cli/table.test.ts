// CLI table formatting: times (UTC, millisecond precision), durations, terminal-safe cells and column layout.
import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime, safeCell, tableLines } from '../../src/cli/format/table';

/** The reference formatting: Date's ISO string. */
function isoTime(sec: number, nsec: number): string {
  const iso = new Date(sec * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(Math.floor(nsec / 1e6)).padStart(3, '0')}`;
}

describe('formatTime', () => {
  it('matches the ISO date and time of Date for any capture time (days, leap years, day boundaries)', () => {
    const cases: [number, number][] = [
      [0, 0], [1, 999_999_999], [86_399, 5_000_000], [86_400, 0], [951_782_400, 42_000_000], // 2000-02-29
      [1_541_964_761, 194_000_000], [1_700_000_000, 1_000_000], [4_294_967_295, 999_999_999],
    ];
    let x = 12345;
    for (let k = 0; k < 2000; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      cases.push([x, (x * 7919) % 1_000_000_000]);
    }
    for (const [sec, nsec] of cases) expect(formatTime(sec, nsec)).toBe(isoTime(sec, nsec));
    expect(formatTime(1_541_964_761, 194_000_000)).toBe('2018-11-11 19:32:41.194');
  });
});

describe('table cells and lines', () => {
  it('replaces control characters, and leaves other cells as they are', () => {
    expect(safeCell('a\u001b[31mb\tc\u0085')).toBe('a?[31mb?c?');
    const plain = 'sip:alice@example.com';
    expect(safeCell(plain)).toBe(plain);
  });

  it('pads columns to the widest cell, right-aligns the asked ones and cuts long cells', () => {
    const rows = [['1', 'INVITE', 'x'.repeat(12)], ['22', 'BYE', 'y']];
    const lines = [...tableLines(['#', 'Method', 'Call-ID'], rows.length, (i) => rows[i]!, { maxWidth: 8, right: new Set([0]) })];
    expect(lines).toEqual([' #  Method  Call-ID', ' 1  INVITE  xxxxxxx…', '22  BYE     y']);
  });

  it('formats durations', () => {
    expect([undefined, 2.64, 59.94, 61, 3725].map(formatDuration)).toEqual(['', '2.6s', '59.9s', '1:01', '1:02:05']);
  });
});
