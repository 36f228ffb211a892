// Tests for buildLadder: column order and labels, merge-by-ip, self-messages, time ordering and time values, calls.
import { describe, expect, it } from 'vitest';
import { arrowLabel, buildLadder, formatRowTime } from '../../../src/core/ladder';
import { T0, msg, sevenMessageCall, sevenMessageCallInfo } from './fixtures';

describe('buildLadder', () => {
  it('returns an empty model for zero messages', () => {
    const m = buildLadder([]);
    expect(m).toEqual({ columns: [], rows: [], calls: [], streams: [], startSec: 0, startNsec: 0, warnings: [] });
  });

  it('orders columns by first appearance: first source is column 0, then its destination, then newcomers', () => {
    const m = buildLadder([
      msg({ at: 0, src: '10.0.0.9', dst: '10.0.0.2' }),
      msg({ at: 1, src: '10.0.0.2', dst: '10.0.0.7' }),
      msg({ at: 2, src: '10.0.0.5', dst: '10.0.0.9' }),
    ]);
    expect(m.columns.map((c) => c.label)).toEqual([
      '10.0.0.9:5060',
      '10.0.0.2:5060',
      '10.0.0.7:5060',
      '10.0.0.5:5060',
    ]);
    expect(m.columns.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(m.rows.map((r) => [r.fromColumn, r.toColumn])).toEqual([
      [0, 1],
      [1, 2],
      [3, 0],
    ]);
  });

  it('uses the earliest message (not the first in the input) to pick column 0', () => {
    const m = buildLadder([
      msg({ at: 5, src: '10.0.0.1', dst: '10.0.0.2' }),
      msg({ at: 1, src: '10.0.0.3', dst: '10.0.0.1' }),
    ]);
    expect(m.columns[0]!.label).toBe('10.0.0.3:5060');
  });

  it('labels IPv6 endpoints with brackets and merges case variants', () => {
    const m = buildLadder([
      msg({ ipVersion: 6, src: '2001:db8::1', dst: '2001:DB8::2', srcPort: 5060, dstPort: 5062 }),
      msg({ ipVersion: 6, src: '2001:db8::2', dst: '2001:db8::1', srcPort: 5062, dstPort: 5060, at: 1 }),
    ]);
    expect(m.columns.map((c) => c.label)).toEqual(['[2001:db8::1]:5060', '[2001:DB8::2]:5062']);
    expect(m.columns.every((c) => c.ipVersion === 6)).toBe(true);
    expect(m.rows[1]!.fromColumn).toBe(1);
    const byIp = buildLadder([msg({ ipVersion: 6, src: '2001:db8::1', dst: 'fe80::1' })], { columns: 'ip' });
    expect(byIp.columns.map((c) => c.label)).toEqual(['2001:db8::1', 'fe80::1']);
  });

  it('merges ports into one column per IP in ip mode', () => {
    const messages = [
      msg({ src: '10.0.0.1', srcPort: 5060, dst: '10.0.0.2', dstPort: 5060 }),
      msg({ src: '10.0.0.1', srcPort: 40000, dst: '10.0.0.2', dstPort: 5060, at: 1 }),
    ];
    expect(buildLadder(messages).columns).toHaveLength(3);
    const m = buildLadder(messages, { columns: 'ip' });
    expect(m.columns.map((c) => [c.label, c.port, c.key])).toEqual([
      ['10.0.0.1', undefined, '10.0.0.1'],
      ['10.0.0.2', undefined, '10.0.0.2'],
    ]);
    expect(m.rows.map((r) => r.fromColumn)).toEqual([0, 0]);
    // actual ports survive on the rows
    expect(m.rows[1]!.srcPort).toBe(40000);
  });

  it('draws a message to itself with fromColumn === toColumn and handles a single endpoint', () => {
    const m = buildLadder([
      msg({ src: '127.0.0.1', dst: '127.0.0.1', method: 'OPTIONS' }),
      msg({ src: '127.0.0.1', dst: '127.0.0.1', statusCode: 200, at: 0.5 }),
    ]);
    expect(m.columns).toHaveLength(1);
    expect(m.rows.every((r) => r.fromColumn === 0 && r.toColumn === 0)).toBe(true);
  });

  it('sorts by time, keeps input order for equal times, and warns when it had to reorder', () => {
    const a = msg({ id: 10, at: 2 });
    const b = msg({ id: 11, at: 1 });
    const c = msg({ id: 12, at: 1 });
    const d = msg({ id: 13, at: 0.5 });
    const m = buildLadder([a, b, c, d]);
    expect(m.rows.map((r) => r.messageId)).toEqual([13, 11, 12, 10]);
    expect(m.rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(m.warnings.some((w) => w.includes('not in time order'))).toBe(true);
    const inOrder = buildLadder([d, b, c, a]);
    expect(inOrder.warnings).toEqual([]);
    // equal timestamps in input order, reversed input → reversed rows
    expect(buildLadder([c, b]).rows.map((r) => r.messageId)).toEqual([12, 11]);
  });

  it('computes relative and delta seconds exactly (ns-rounded) across second boundaries', () => {
    const m = buildLadder(sevenMessageCall());
    expect(m.startSec).toBe(T0);
    expect(m.startNsec).toBe(0);
    expect(m.rows.map((r) => r.relativeSec)).toEqual([0, 0.012345, 0.250001, 3.5, 3.51, 63.51, 63.6]);
    expect(m.rows.map((r) => r.deltaSec)).toEqual([0, 0.012345, 0.237656, 3.249999, 0.01, 60, 0.09]);
  });

  it('formats time modes', () => {
    const m = buildLadder(sevenMessageCall());
    const r = m.rows[2]!;
    expect(formatRowTime(r, 'absolute')).toBe('22:13:20.250001');
    expect(formatRowTime(r, 'relative')).toBe('0.250001');
    expect(formatRowTime(r, 'delta')).toBe('+0.237656');
    expect(formatRowTime(m.rows[5]!, 'delta')).toBe('+60.000000');
  });

  it('normalises out-of-range nanoseconds and non-finite times', () => {
    const m = buildLadder([
      msg({ id: 1, timeSec: T0, timeNsec: 1_500_000_000 }),
      msg({ id: 2, timeSec: Number.NaN, timeNsec: 0 }),
    ]);
    expect(m.rows[0]!.messageId).toBe(2);
    expect(m.rows[1]!.timeSec).toBe(T0 + 1);
    expect(m.rows[1]!.timeNsec).toBe(500_000_000);
    expect(m.warnings.some((w) => w.includes('non-finite'))).toBe(true);
  });

  it('derives status class, detail and labels', () => {
    const m = buildLadder([
      msg({ method: 'INVITE', hasSdp: true, cseqSeq: 7 }),
      msg({ statusCode: 100, reason: 'Trying', at: 1 }),
      msg({ statusCode: 486, reason: 'Busy Here', at: 2 }),
      msg({ statusCode: 603, reason: 'Decline', at: 3, retransmission: true, hasSdp: true }),
      msg({ statusCode: 799, reason: 'Odd', at: 4 }),
      msg({ kind: 'invalid', label: '', cseqSeq: undefined, cseqMethod: undefined, at: 5 }),
      msg({ method: 'BYE', label: '', at: 6, truncated: true }),
    ]);
    expect(m.rows.map((r) => r.statusClass)).toEqual([0, 1, 4, 6, 0, 0, 0]);
    expect(m.rows[0]!.detail).toBe('CSeq 7 INVITE');
    expect(m.rows[5]!.detail).toBe('');
    expect(m.rows.map(arrowLabel)).toEqual([
      'INVITE (SDP)',
      '100 Trying',
      '486 Busy Here',
      '603 Decline (SDP, retrans)',
      '799 Odd',
      '(invalid)',
      'BYE (truncated)',
    ]);
  });

  it('assigns call colour slots by first arrow and takes Call-IDs from CallInfo', () => {
    const info = sevenMessageCallInfo();
    const m = buildLadder(
      [
        msg({ callIndex: 4, at: 0 }),
        msg({ callIndex: -1, at: 1, method: 'OPTIONS' }),
        msg({ callIndex: 0, at: 2 }),
        msg({ callIndex: 4, at: 3 }),
      ],
      { calls: [info] },
    );
    expect(m.calls).toEqual([
      { callIndex: 4, callId: '', colorIndex: 0 },
      { callIndex: 0, callId: info.callId, colorIndex: 1 },
    ]);
    expect(m.warnings.some((w) => w.includes('not found'))).toBe(true);
    expect(buildLadder([msg({ callIndex: 4 })]).warnings).toEqual([]);
  });

  it('warns about duplicate message ids', () => {
    const m = buildLadder([msg({ id: 3 }), msg({ id: 3, at: 1 })]);
    expect(m.rows).toHaveLength(2);
    expect(m.warnings.some((w) => w.includes('duplicate message id'))).toBe(true);
  });
});
