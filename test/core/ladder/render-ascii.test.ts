// Tests for the text ladder: golden output, time modes, markers, alignment under squeezing and hostile text.
import { describe, expect, it } from 'vitest';
import type { LadderModel } from '../../../src/core/ladder';
import { buildLadder, renderLadderAscii } from '../../../src/core/ladder';
import { msg, sevenMessageCall } from './fixtures';

/** Lifeline positions read from the header rule line (`┬` / `+`). */
function lifelines(text: string, tee = '┬'): number[] {
  const rule = [...text.split('\n')[1]!];
  return rule.flatMap((ch, i) => (ch === tee ? [i] : []));
}

/** Every arrow line keeps every lifeline it does not draw over at the same position. */
function expectAligned(model: LadderModel, text: string, life = '│', tee = '┬', self = '├'): void {
  const xs = lifelines(text, tee);
  expect(xs).toHaveLength(model.columns.length);
  const lines = text.split('\n').slice(2, 2 + model.rows.length);
  lines.forEach((line, r) => {
    const cells = [...line];
    const row = model.rows[r]!;
    const a = Math.min(row.fromColumn, row.toColumn);
    const b = Math.max(row.fromColumn, row.toColumn);
    xs.forEach((x, c) => {
      const ch = cells[x];
      if (c < a || c > b) expect(ch, `row ${r} col ${c}: ${line}`).toBe(life);
      else if (c === a || c === b) expect([life, self], `row ${r} col ${c}: ${line}`).toContain(ch);
    });
  });
}

describe('renderLadderAscii', () => {
  const model = buildLadder(sevenMessageCall());

  it('renders the 7-message call (golden)', async () => {
    const text = renderLadderAscii(model);
    await expect(text).toMatchFileSnapshot('../../golden/ladder/seven-message-call.txt');
    expectAligned(model, text);
  });

  it('renders relative and delta times', async () => {
    const rel = renderLadderAscii(model, { time: 'relative' });
    const delta = renderLadderAscii(model, { time: 'delta' });
    expect(rel.split('\n')[0]).toMatch(/^relative\s/);
    expect(rel.split('\n')[2]).toMatch(/^0\.000000\s+│/);
    expect(rel.split('\n')[8]).toMatch(/^63\.600000\s+│/);
    expect(delta.split('\n')[4]).toMatch(/^\+0\.237656\s+│/);
    expect(delta.split('\n')[7]).toMatch(/^\+60\.000000\s+│/);
    const none = renderLadderAscii(model, { time: 'none' });
    expect(none.split('\n')[2]).toMatch(/^\s+│─+INVITE \(SDP\)─+>│$/);
  });

  it('draws direction, SDP and retransmission markers', () => {
    const m = buildLadder([
      msg({ src: '10.0.0.1', dst: '10.0.0.2', hasSdp: true }),
      msg({ src: '10.0.0.1', dst: '10.0.0.2', retransmission: true, at: 0.5 }),
      msg({ src: '10.0.0.2', dst: '10.0.0.1', statusCode: 200, at: 1 }),
    ]);
    const lines = renderLadderAscii(m, { time: 'none' }).split('\n');
    expect(lines[2]).toMatch(/│─+INVITE \(SDP\)─+>│/);
    expect(lines[3]).toMatch(/│╌+INVITE \(retrans\)╌+>│/);
    expect(lines[4]).toMatch(/│<─+200 OK─+│/);
  });

  it('crosses intermediate lifelines and draws self-messages, staying aligned', () => {
    const m = buildLadder([
      msg({ src: '10.0.0.1', dst: '10.0.0.2' }),
      msg({ src: '10.0.0.2', dst: '10.0.0.3', at: 1 }),
      msg({ src: '10.0.0.3', dst: '10.0.0.1', statusCode: 486, reason: 'Busy Here', at: 2 }),
      msg({ src: '10.0.0.2', dst: '10.0.0.2', method: 'OPTIONS', at: 3 }),
      msg({ src: '10.0.0.3', dst: '10.0.0.3', method: 'OPTIONS', at: 4 }),
    ]);
    const text = renderLadderAscii(m, { time: 'relative' });
    expectAligned(m, text);
    const lines = text.split('\n');
    expect(lines[4]).toContain('<');
    expect(lines[4]).toContain('486 Busy Here');
    expect(lines[5]).toMatch(/├──┐ OPTIONS\s+│$/);
    expect(lines[6]).toMatch(/├──┐ OPTIONS$/);
  });

  it('squeezes to the requested width by truncating labels, never misaligning', () => {
    const m = buildLadder([
      msg({ src: '192.168.100.100', dst: '192.168.100.101', label: 'INVITE sip:someone-with-a-long-name@example.com' }),
      msg({ src: '192.168.100.101', dst: '192.168.100.102', at: 1 }),
      msg({ src: '192.168.100.102', dst: '192.168.100.100', statusCode: 503, reason: 'Service Unavailable', at: 2 }),
    ]);
    const natural = renderLadderAscii(m);
    const naturalWidth = Math.max(...natural.split('\n').map((l) => [...l].length));
    expect(naturalWidth).toBeGreaterThan(80);
    for (const width of [80, 60, 50]) {
      const text = renderLadderAscii(m, { width });
      for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(width);
      expectAligned(m, text);
      expect(text).toContain('…');
    }
    // narrower than possible: wider than asked but still aligned
    const tiny = renderLadderAscii(m, { width: 10 });
    expectAligned(m, tiny);
  });

  it('replaces control, wide and combining characters so one character is one cell', () => {
    const m = buildLadder([
      msg({ src: '10.0.0.1', dst: '10.0.0.2', label: '180 電話\u0301\u0000\nRinging 😀' }),
      msg({ src: '10.0.0.2', dst: '10.0.0.1', label: 'Ça sonne Ω', at: 1 }),
    ]);
    const text = renderLadderAscii(m, { time: 'none' });
    expect(text).toContain('180 ???? Ringing ?');
    expect(text).toContain('Ça sonne Ω');
    expect(text.split('\n')).toHaveLength(2 + 2 + 1); // no embedded newline leaked
    expectAligned(m, text);
  });

  it('uses only 7-bit characters in ascii charset', () => {
    const m = buildLadder([
      ...sevenMessageCall(),
      msg({ id: 9, src: '192.168.1.10', dst: '192.168.1.10', method: 'OPTIONS', label: 'Ça', at: 100 }),
    ]);
    const text = renderLadderAscii(m, { charset: 'ascii', width: 40 });
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expectAligned(m, text, '|', '+', '+');
    expect(text).toContain('|-');
  });

  it('handles zero messages and a single endpoint', () => {
    expect(renderLadderAscii(buildLadder([]))).toBe('(no messages)\n');
    const one = buildLadder([msg({ src: '::1', dst: '::1', ipVersion: 6, method: 'OPTIONS' })]);
    const text = renderLadderAscii(one, { time: 'none' });
    expect(text.split('\n')[0]!.trim()).toBe('[::1]:5060');
    expect(text).toMatch(/├──┐ OPTIONS\n$/);
  });
});

describe('a ladder of 150 000 rows', () => {
  it('renders every row (column widths are not found by spreading the rows into Math.max)', () => {
    const base = sevenMessageCall();
    const messages = Array.from({ length: 150_000 }, (_, i) => ({ ...base[i % base.length]!, id: i, frame: i + 1 }));
    const model = buildLadder(messages);
    const text = renderLadderAscii(model, { time: 'relative' });
    expect(text.split('\n').filter((l) => /[─-]>|<[─-]/.test(l))).toHaveLength(150_000);
  });
});

