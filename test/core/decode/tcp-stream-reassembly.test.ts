// tcp-stream: per-direction reassembly (RFC 9293 sequence space), holes, closes, eviction, and DeliveryBuffer.
import { describe, expect, it } from 'vitest';
import { ProblemCollector } from '../../../src/core/capture/problems';
import {
  DeliveryBuffer,
  seqDiff,
  TcpReassembler,
  type DeliveryMeta,
  type TcpCloseReason,
  type TcpReassemblerOptions,
  type TcpStream,
} from '../../../src/core/decode/tcp-stream';
import { ACK, FIN, pkt, PSH, RST, SYN, text, type PacketSpec } from './transport-helpers';

interface Log {
  data: { key: string; text: string; frame: number; fileOffset: number }[];
  gaps: { key: string; lost: number; frame: number }[];
  closes: { key: string; reason: TcpCloseReason }[];
}

function setup(opts: TcpReassemblerOptions = {}) {
  const problems = new ProblemCollector();
  const log: Log = { data: [], gaps: [], closes: [] };
  const r = new TcpReassembler<unknown>(
    problems,
    {
      onData: (s: TcpStream<unknown>, b: Uint8Array, m: DeliveryMeta) => log.data.push({ key: s.key, text: text(b), frame: m.frame, fileOffset: m.fileOffset }),
      onGap: (s, lost, m) => log.gaps.push({ key: s.key, lost, frame: m.frame }),
      onClose: (s, reason) => log.closes.push({ key: s.key, reason }),
    },
    opts,
  );
  const push = (spec: PacketSpec): void => r.push(pkt(spec));
  const joined = (): string => log.data.map((d) => d.text).join('');
  return { r, log, problems, push, joined };
}

describe('seqDiff', () => {
  it('compares modulo 2^32', () => {
    expect(seqDiff(5, 0xfffffffb)).toBe(10);
    expect(seqDiff(0xfffffffb, 5)).toBe(-10);
    expect(seqDiff(100, 100)).toBe(0);
  });
});

describe('TcpReassembler', () => {
  it('delivers in-order data as views with the packet file offset; SYN defines the ISN', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 999 });
    t.push({ frame: 2, seq: 1000, payload: 'hello ', fileOffset: 500 });
    t.push({ frame: 3, seq: 1006, payload: 'world', fileOffset: 700 });
    expect(t.log.data).toEqual([
      { key: expect.any(String), text: 'hello ', frame: 2, fileOffset: 500 },
      { key: expect.any(String), text: 'world', frame: 3, fileOffset: 700 },
    ]);
  });

  it('without a SYN, the first data segment defines the initial sequence number', () => {
    const t = setup();
    t.push({ frame: 1, seq: 123456, payload: 'abc' });
    t.push({ frame: 2, seq: 123459, payload: 'def' });
    expect(t.joined()).toBe('abcdef');
  });

  it('drops retransmissions and trims partial overlaps (no byte delivered twice)', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0 });
    t.push({ frame: 2, seq: 1, payload: 'abcdef', fileOffset: 100 });
    t.push({ frame: 3, seq: 1, payload: 'abcdef' }); // full retransmission
    t.push({ frame: 4, seq: 4, payload: 'defGHI', fileOffset: 300 }); // overlap 3 bytes
    t.push({ frame: 5, seq: 2, payload: 'b' }); // old byte
    expect(t.joined()).toBe('abcdefGHI');
    expect(t.log.data[1]).toMatchObject({ text: 'GHI', frame: 4, fileOffset: 303 });
    expect(t.r.stats.retransmittedSegments).toBe(2);
    expect(t.r.stats.trimmedOverlaps).toBe(1);
    expect(t.problems.total).toBe(0);
  });

  it('holds out-of-order segments and releases them when the hole fills, at the filling frame', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0 });
    t.push({ frame: 2, seq: 11, payload: 'KLMNO', fileOffset: 200 });
    t.push({ frame: 3, seq: 6, payload: 'FGHIJ', fileOffset: 300 });
    expect(t.log.data).toEqual([]);
    t.push({ frame: 4, seq: 1, payload: 'ABCDE', fileOffset: 400 });
    expect(t.joined()).toBe('ABCDEFGHIJKLMNO');
    // held bytes keep their own file offsets; the record that completed them is the filler (frame 4)
    expect(t.log.data.map((d) => [d.frame, d.fileOffset])).toEqual([[4, 400], [4, 300], [4, 200]]);
    expect(t.problems.total).toBe(0);
  });

  it('trims overlapping held segments when draining', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0 });
    t.push({ frame: 2, seq: 4, payload: 'DEFGH' });
    t.push({ frame: 3, seq: 6, payload: 'FGHIJ' });
    t.push({ frame: 4, seq: 6, payload: 'FGH' }); // duplicate start, shorter: dropped
    t.push({ frame: 5, seq: 1, payload: 'ABCDE' });
    expect(t.joined()).toBe('ABCDEFGHIJ');
  });

  it('handles sequence number wraparound', () => {
    const t = setup();
    const isn = 0xfffffff0;
    t.push({ frame: 1, flags: SYN, seq: isn });
    t.push({ frame: 2, seq: isn + 1, payload: 'x'.repeat(10) });
    t.push({ frame: 3, seq: (isn + 21) >>> 0, payload: 'z'.repeat(10) }); // out of order, past the wrap
    t.push({ frame: 4, seq: (isn + 11) >>> 0, payload: 'y'.repeat(10) }); // crosses 2^32
    t.push({ frame: 5, seq: (isn + 11) >>> 0, payload: 'y'.repeat(10) }); // retransmission past the wrap
    expect(t.joined()).toBe('x'.repeat(10) + 'y'.repeat(10) + 'z'.repeat(10));
  });

  it('skips a hole the receiver already acknowledged (capture loss), reporting tcp/gap', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0, sport: 1, dport: 2 });
    t.push({ frame: 2, flags: SYN | ACK, seq: 5000, ack: 1, src: '10.0.0.2', dst: '10.0.0.1', sport: 2, dport: 1 });
    t.push({ frame: 3, seq: 1, payload: 'AAAA', sport: 1, dport: 2 });
    t.push({ frame: 4, seq: 9, payload: 'CCCC', sport: 1, dport: 2 }); // 'BBBB' (5..8) never captured
    expect(t.joined()).toBe('AAAA');
    t.push({ frame: 5, flags: ACK, seq: 5001, ack: 13, src: '10.0.0.2', dst: '10.0.0.1', sport: 2, dport: 1 });
    expect(t.joined()).toBe('AAAACCCC');
    expect(t.log.gaps).toEqual([{ key: expect.any(String), lost: 4, frame: 4 }]);
    expect(t.log.data[1]!.frame).toBe(4); // released by a skip: keeps its own record
    expect(t.problems.count('tcp/gap')).toBe(1);
  });

  it('skips a hole when a segment arrives that the peer already acknowledged past', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: 'AAAA', sport: 1, dport: 2 });
    t.push({ frame: 2, flags: ACK, seq: 77, ack: 13, src: '10.0.0.2', dst: '10.0.0.1', sport: 2, dport: 1 });
    t.push({ frame: 3, seq: 9, payload: 'CCCC', sport: 1, dport: 2 });
    expect(t.joined()).toBe('AAAACCCC');
    expect(t.log.gaps.map((g) => g.lost)).toEqual([4]);
  });

  it('skips a hole that is not filled within the timeout (capture time)', () => {
    const t = setup({ gapTimeoutSec: 2 });
    t.push({ frame: 1, seq: 1, payload: 'AAAA', time: 10 });
    t.push({ frame: 2, seq: 9, payload: 'CCCC', time: 10.5 });
    t.push({ frame: 3, seq: 13, payload: 'DDDD', time: 11 });
    expect(t.joined()).toBe('AAAA');
    t.push({ frame: 4, proto: 'tcp', sport: 9, dport: 9, seq: 1, payload: 'other stream', time: 13 });
    expect(t.joined()).toBe('AAAACCCCDDDDother stream');
    expect(t.log.gaps.map((g) => [g.lost, g.frame])).toEqual([[4, 2]]);
  });

  it('skips the hole when the per-stream out-of-order limit is reached', () => {
    const t = setup({ maxHeldBytesPerStream: 10 });
    t.push({ frame: 1, seq: 1, payload: 'A' });
    t.push({ frame: 2, seq: 10, payload: 'xxxxxx' });
    t.push({ frame: 3, seq: 16, payload: 'yyyyyy' });
    expect(t.joined()).toBe('Axxxxxxyyyyyy');
    expect(t.problems.count('tcp/gap')).toBe(1);
  });

  it('respects the shared budget', () => {
    const budget = { used: 0, limit: 8 };
    const t = setup({ budget });
    t.push({ frame: 1, seq: 1, payload: 'A', sport: 1 });
    t.push({ frame: 2, seq: 1, payload: 'B', sport: 2 });
    t.push({ frame: 3, seq: 10, payload: 'aaaaa', sport: 1 });
    t.push({ frame: 4, seq: 10, payload: 'bbbbb', sport: 2 });
    expect(budget.used).toBeLessThanOrEqual(budget.limit);
    expect(t.problems.count('tcp/gap')).toBeGreaterThanOrEqual(1);
  });

  it('takes a huge forward jump as a resync, not something to hold', () => {
    const t = setup({ maxSeqJump: 1000 });
    t.push({ frame: 1, seq: 1, payload: 'A' });
    t.push({ frame: 2, seq: 100000, payload: 'B' });
    expect(t.joined()).toBe('AB');
    expect(t.log.gaps[0]!.lost).toBe(99998);
  });

  it('closes on FIN once all data is delivered, and ignores later retransmissions', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0 });
    t.push({ frame: 2, seq: 6, payload: 'world', flags: FIN | ACK }); // FIN arrives before the data before it
    expect(t.log.closes).toEqual([]);
    t.push({ frame: 3, seq: 1, payload: 'hello' });
    expect(t.log.closes.map((c) => c.reason)).toEqual(['fin']);
    t.push({ frame: 4, seq: 1, payload: 'hello' });
    t.push({ frame: 5, seq: 11, payload: 'late' });
    expect(t.joined()).toBe('helloworld');
  });

  it('closes on RST and starts afresh on a new SYN (4-tuple reuse)', () => {
    const t = setup();
    t.push({ frame: 1, flags: SYN, seq: 0 });
    t.push({ frame: 2, seq: 1, payload: 'one' });
    t.push({ frame: 3, seq: 4, flags: RST });
    t.push({ frame: 4, seq: 4, payload: 'ignored' });
    t.push({ frame: 5, flags: SYN, seq: 777 });
    t.push({ frame: 6, seq: 778, payload: 'two' });
    expect(t.joined()).toBe('onetwo');
    expect(t.log.closes.map((c) => c.reason)).toEqual(['rst']);
  });

  it('evicts the least recently used direction beyond maxStreams, and idle ones by capture time', () => {
    const t = setup({ maxStreams: 2, idleTimeoutSec: 100 });
    t.push({ frame: 1, sport: 1, seq: 1, payload: 'a', time: 1 });
    t.push({ frame: 2, sport: 2, seq: 1, payload: 'b', time: 2 });
    t.push({ frame: 3, sport: 3, seq: 1, payload: 'c', time: 3 });
    expect(t.r.streamCount).toBe(2);
    expect(t.log.closes.map((c) => c.reason)).toEqual(['evicted']);
    // 400 s later both tracked directions are idle: evicted before the packet is processed (which starts afresh)
    t.push({ frame: 4, sport: 3, seq: 2, payload: 'd', time: 500 });
    expect(t.r.streamCount).toBe(1);
    expect(t.r.stats.evicted).toBe(3);
    expect(t.joined()).toBe('abcd');
  });

  it('flush skips holes, closes everything and forgets state', () => {
    const t = setup();
    t.push({ frame: 1, seq: 1, payload: 'A' });
    t.push({ frame: 2, seq: 5, payload: 'E' });
    t.r.flush();
    expect(t.joined()).toBe('AE');
    expect(t.log.closes.map((c) => c.reason)).toEqual(['flush']);
    expect(t.r.streamCount).toBe(0);
  });

  it('stops delivering when the consumer sets ignore, without holding anything', () => {
    const problems = new ProblemCollector();
    let n = 0;
    const r = new TcpReassembler<unknown>(problems, {
      onData: (s) => {
        n++;
        s.ignore = true;
      },
      onGap: () => {},
      onClose: () => {},
    });
    r.push(pkt({ frame: 1, seq: 1, payload: 'xx' }));
    r.push(pkt({ frame: 2, seq: 100, payload: 'yy' }));
    r.push(pkt({ frame: 3, seq: 3, payload: 'zz' }));
    expect(n).toBe(1);
    expect(r.budget.used).toBe(0);
  });

  it('never throws on random segments (fixed seed) and keeps the budget balanced', async () => {
    const { rng } = await import('./transport-helpers');
    const rand = rng(777);
    const t = setup({ maxHeldBytesPerStream: 200 });
    for (let i = 1; i <= 3000; i++) {
      const flags = [PSH | ACK, SYN, FIN | ACK, RST, ACK, SYN | ACK][Math.floor(rand() * 6)]!;
      t.push({
        frame: i, sport: 1 + Math.floor(rand() * 3), dport: 5060, seq: Math.floor(rand() * 400), ack: Math.floor(rand() * 400),
        flags, payload: 'x'.repeat(Math.floor(rand() * 40)), time: i / 10,
      });
    }
    t.r.flush();
    expect(t.r.budget.used).toBe(0);
  });
});

describe('DeliveryBuffer', () => {
  const m = (frame: number, fileOffset = frame * 100): DeliveryMeta => ({ frame, timeSec: frame, timeNsec: 0, fileOffset });
  it('remembers which delivery brought each byte and where contiguous runs sit in the file', () => {
    const b = new DeliveryBuffer();
    b.append(new TextEncoder().encode('abc'), m(1));
    b.append(new TextEncoder().encode('defg'), m(2));
    b.append(new TextEncoder().encode('h'), m(3, -1));
    expect(text(b.bytes())).toBe('abcdefgh');
    expect([0, 2, 3, 6, 7].map((i) => b.metaAt(i).frame)).toEqual([1, 1, 2, 2, 3]);
    expect(b.fileOffsetOf(0, 3)).toBe(100);
    expect(b.fileOffsetOf(1, 3)).toBe(101);
    expect(b.fileOffsetOf(2, 4)).toBe(-1); // spans two deliveries
    expect(b.fileOffsetOf(4, 7)).toBe(201);
    expect(b.fileOffsetOf(7, 8)).toBe(-1);
    b.consume(4);
    expect(text(b.bytes())).toBe('efgh');
    expect(b.metaAt(0).frame).toBe(2);
    expect(b.fileOffsetOf(0, 3)).toBe(201);
    const pieces: [number, number, number, number][] = [];
    b.slices(0, 4, (a, e, mm) => pieces.push([a, e, mm.frame, mm.fileOffset]));
    expect(pieces).toEqual([[0, 3, 2, 201], [3, 4, 3, -1]]);
  });

  it('charges and refunds the shared budget, refusing appends beyond it', () => {
    const budget = { used: 0, limit: 10 };
    const b = new DeliveryBuffer(budget);
    expect(b.append(new Uint8Array(6), m(1))).toBe(true);
    expect(b.append(new Uint8Array(6), m(2))).toBe(false);
    expect(budget.used).toBe(6);
    b.consume(2);
    expect(budget.used).toBe(4);
    b.clear();
    expect(budget.used).toBe(0);
    expect(b.length).toBe(0);
  });

  it('grows and compacts across many appends and consumes', () => {
    const b = new DeliveryBuffer();
    let expected = '';
    for (let i = 0; i < 500; i++) {
      const s = `<${i}>`;
      b.append(new TextEncoder().encode(s), m(i));
      expected += s;
      if (i % 3 === 0) {
        b.consume(4);
        expected = expected.slice(4);
      }
    }
    expect(text(b.bytes())).toBe(expected);
    expect(b.metaAt(b.length - 1).frame).toBe(499);
  });
});
