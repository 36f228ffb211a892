// RTP stream statistics on synthetic packets: header validation (RFC 3550 §5.1), sequence wrap, loss, duplicates,
// reordering and jumps (A.1/A.3), interarrival jitter computed by hand (§6.4.1, A.8), RFC 4733 events.
import { describe, expect, it } from 'vitest';
import { MediaEndpoint } from '../../../src/core/rtp/media';
import { newStreamInfo, rtpHeaderLength, RtpStreamState, type RtpStreamInfo } from '../../../src/core/rtp/stream';
import { STATIC_PAYLOAD_FORMATS, type PayloadFormat } from '../../../src/core/rtp/codecs';
import { dtmfPayload, rtpBytes, view, type RtpSpec } from './rtp-helpers';

const PCMA = STATIC_PAYLOAD_FORMATS.get(8)!;
const TEL: PayloadFormat = { payloadType: 101, encoding: 'telephone-event', clockRate: 8000, channels: undefined };

function stream(formats: PayloadFormat[] = [PCMA, TEL]): RtpStreamState {
  const info = newStreamInfo(0, 0, 'sdp', 4, '10.0.0.1', 4000, '10.0.0.2', 5000, 0x11223344, undefined, false);
  return new RtpStreamState(info, new MediaEndpoint(0, 0, 1, formats));
}

/** Feed packets (spec + arrival ms) and return the flushed info. */
function run(packets: [RtpSpec, number][], st = stream()): RtpStreamInfo {
  packets.forEach(([r, ms], i) => {
    const bytes = rtpBytes(r);
    const h = rtpHeaderLength(bytes, 0, bytes.length);
    expect(h).toBeGreaterThanOrEqual(12);
    st.add(view(bytes, ms, i + 1), h, r.padding ?? 0, 0);
  });
  st.flush();
  return st.info;
}

/** Regular 20 ms PCMA packets: seq from seq0, ts += 160, arrival exactly every 20 ms. */
const regular = (seqs: number[], ts0 = 1000): [RtpSpec, number][] => seqs.map((seq, i) => [{ seq, ts: ts0 + 160 * i }, 20 * i]);

describe('rtpHeaderLength (RFC 3550 §5.1, A.1 validity checks)', () => {
  it('accepts a plain header, CSRCs, extension and padding', () => {
    const plain = rtpBytes({ seq: 1, ts: 0 });
    expect(rtpHeaderLength(plain, 0, plain.length)).toBe(12);
    const csrc = rtpBytes({ seq: 1, ts: 0, csrc: [1, 2, 3] });
    expect(rtpHeaderLength(csrc, 0, csrc.length)).toBe(24);
    const ext = rtpBytes({ seq: 1, ts: 0, ext: [7, 8] });
    expect(rtpHeaderLength(ext, 0, ext.length)).toBe(12 + 4 + 8);
    const pad = rtpBytes({ seq: 1, ts: 0, padding: 4 });
    expect(rtpHeaderLength(pad, 0, pad.length)).toBe(12);
  });

  it('rejects version != 2, short packets, PT 72-76, bad padding and truncated CSRC/extension', () => {
    const v1 = rtpBytes({ seq: 1, ts: 0 });
    v1[0] = 0x40;
    expect(rtpHeaderLength(v1, 0, v1.length)).toBe(-1);
    expect(rtpHeaderLength(new Uint8Array(11).fill(0x80), 0, 11)).toBe(-1);
    for (const pt of [72, 73, 74, 75, 76]) {
      const b = rtpBytes({ seq: 1, ts: 0, pt });
      expect(rtpHeaderLength(b, 0, b.length)).toBe(-1);
    }
    const zeroPad = rtpBytes({ seq: 1, ts: 0, padding: 2 });
    zeroPad[zeroPad.length - 1] = 0;
    expect(rtpHeaderLength(zeroPad, 0, zeroPad.length)).toBe(-1);
    const hugePad = rtpBytes({ seq: 1, ts: 0, padding: 2 });
    hugePad[hugePad.length - 1] = 250;
    expect(rtpHeaderLength(hugePad, 0, hugePad.length)).toBe(-1);
    const shortCsrc = rtpBytes({ seq: 1, ts: 0, payload: new Uint8Array(0) });
    shortCsrc[0] = 0x8f; // 15 CSRCs announced, none present
    expect(rtpHeaderLength(shortCsrc, 0, shortCsrc.length)).toBe(-1);
    const shortExt = rtpBytes({ seq: 1, ts: 0, ext: [1], payload: new Uint8Array(0) });
    shortExt[15] = 9; // extension length 9 words, 1 present
    expect(rtpHeaderLength(shortExt, 0, shortExt.length)).toBe(-1);
  });
});

describe('sequence numbers, loss, duplicates, reordering (RFC 3550 A.1, A.3)', () => {
  it('counts across the 65535 -> 0 wrap without loss', () => {
    const s = run(regular([65533, 65534, 65535, 0, 1, 2]));
    expect(s.packets).toBe(6);
    expect(s.expected).toBe(6);
    expect(s.lost).toBe(0);
    expect(s.sequenceErrors).toBe(0);
    expect(s.problem).toBe(false);
  });

  it('counts a loss that straddles the wrap', () => {
    const s = run(regular([65534, 65535, 1, 2]));
    expect(s.expected).toBe(5);
    expect(s.lost).toBe(1);
    expect(s.lostPercent).toBeCloseTo(20, 10);
    expect(s.sequenceErrors).toBe(1);
    expect(s.problem).toBe(true);
  });

  it('counts gaps as lost', () => {
    const s = run(regular([10, 11, 14, 15, 20]));
    expect(s.expected).toBe(11);
    expect(s.lost).toBe(6);
    expect(s.sequenceErrors).toBe(2);
  });

  it('counts duplicates (lost goes negative, as tshark prints it)', () => {
    const s = run(regular([1, 2, 2, 3, 2]));
    expect(s.packets).toBe(5);
    expect(s.expected).toBe(3);
    expect(s.duplicates).toBe(2);
    expect(s.lost).toBe(-2);
  });

  it('counts a reordered packet once, as out of order, not lost', () => {
    const s = run(regular([1, 2, 4, 3, 5]));
    expect(s.outOfOrder).toBe(1);
    expect(s.duplicates).toBe(0);
    expect(s.lost).toBe(0);
    // tshark's wrong-sequence count: the jump to 4 and the late 3.
    expect(s.sequenceErrors).toBe(2);
  });

  it('extends the base when the first packet was itself late', () => {
    const s = run(regular([101, 100, 102, 103]));
    expect(s.expected).toBe(4);
    expect(s.lost).toBe(0);
    expect(s.outOfOrder).toBe(1);
  });

  it('re-synchronises after a large jump confirmed by the next packet (A.1 MAX_DROPOUT)', () => {
    const s = run(regular([100, 101, 102, 103, 104, 20000, 20001, 20002, 20003, 20004]));
    expect(s.sequenceJumps).toBe(1);
    expect(s.packets).toBe(10);
    expect(s.expected).toBe(10);
    expect(s.lost).toBe(0);
  });

  it('does not re-synchronise on a single stray sequence number', () => {
    const s = run(regular([100, 101, 40000, 102, 103]));
    expect(s.sequenceJumps).toBe(0);
    expect(s.expected).toBe(4);
    expect(s.lost).toBe(-1);
  });
});

describe('interarrival jitter (RFC 3550 §6.4.1, A.8) and delta, as tshark computes them', () => {
  // PCMA, 8000 Hz, 160 timestamp units (20 ms) per packet. Arrivals (ms): 0, 20, 45, 60, 80.
  // D_i = (R_i - R_{i-1}) - (S_i - S_{i-1}) in ms; J_i = J_{i-1} + (|D_i| - J_{i-1}) / 16.
  //   i=1: D = 20 - 20 = 0            J = 0
  //   i=2: D = 25 - 20 = 5            J = 5/16                    = 0.3125
  //   i=3: D = 15 - 20 = -5           J = 0.3125 + (5 - 0.3125)/16 = 0.60546875
  //   i=4: D = 20 - 20 = 0            J = 0.60546875 * 15/16       = 0.567626953125
  // Max jitter 0.60546875 ms. tshark's mean: m_n = (m_{n-1} * (n - 1) + J) / n with n = 1..4 for packets 2..5:
  //   0, 0.3125/2 = 0.15625, (0.3125 + 0.60546875)/3 = 0.305989583..., (0.91796875 + 0.567626953125)/4 = 0.37139892578125
  // Deltas 20, 25, 15, 20: max 25, min 15, mean 20.
  const arrivals = [0, 20, 45, 60, 80];
  const packets: [RtpSpec, number][] = arrivals.map((ms, i) => [{ seq: 500 + i, ts: 8000 + 160 * i }, ms]);

  it('matches the hand computation', () => {
    const s = run(packets);
    expect(s.jitterMs).toBeCloseTo(0.567626953125, 9);
    expect(s.maxJitterMs).toBeCloseTo(0.60546875, 9);
    expect(s.minJitterMs).toBeCloseTo(0, 9);
    expect(s.meanJitterMs).toBeCloseTo(0.37139892578125, 9);
    expect(s.maxDeltaMs).toBeCloseTo(25, 6);
    expect(s.minDeltaMs).toBeCloseTo(15, 6);
    expect(s.meanDeltaMs).toBeCloseTo(20, 6);
    expect(s.maxDeltaFrame).toBe(3);
    expect(s.clockRate).toBe(8000);
    expect(s.codec).toBe('PCMA');
    expect(s.durationSec).toBeCloseTo(0.08, 9);
  });

  it('in RTP timestamp units the same jitter is J * 8 (RFC 3550 A.8 arithmetic)', () => {
    // A.8 with arrival converted to timestamp units: transit = arrival*8 - ts, d = transit - last transit.
    let jitter = 0;
    let last = 0;
    arrivals.forEach((ms, i) => {
      const transit = ms * 8 - (8000 + 160 * i);
      if (i > 0) jitter += (Math.abs(transit - last) - jitter) / 16;
      last = transit;
    });
    expect(run(packets).jitterMs * 8).toBeCloseTo(jitter, 9);
  });

  it('excludes marker, comfort-noise and post-CN packets from max/mean (tshark regular packets)', () => {
    const s = run([
      [{ seq: 1, ts: 0 }, 0],
      [{ seq: 2, ts: 160 }, 20],
      [{ seq: 3, ts: 320, marker: true }, 140], // talkspurt start: not a regular packet
      [{ seq: 4, ts: 480, pt: 13 }, 160], // CN
      [{ seq: 5, ts: 640 }, 400], // right after CN: not regular either
      [{ seq: 6, ts: 800 }, 420],
    ]);
    expect(s.maxDeltaMs).toBeCloseTo(20, 6);
    expect(s.markers).toBe(1);
    expect(s.payloadTypes).toEqual([8, 13]);
    expect(s.codecs).toEqual(['PCMA', 'CN']);
  });

  it('packets with a timestamp before the first one are flagged and skipped', () => {
    const s = run([
      [{ seq: 1, ts: 100000 }, 0],
      [{ seq: 2, ts: 100160 }, 20],
      [{ seq: 3, ts: 50 }, 40],
      [{ seq: 4, ts: 100480 }, 60],
    ]);
    expect(s.wrongTimestamps).toBe(1);
    expect(s.problem).toBe(true);
  });

  it('follows the RTP timestamp across its 2^32 wrap (RFC 3550 §5.1)', () => {
    const s = run([0, 1, 2, 3].map((i): [RtpSpec, number] => [{ seq: i, ts: (0xffffff00 + 160 * i) >>> 0 }, 20 * i]));
    expect(s.wrongTimestamps).toBe(0);
    expect(s.maxJitterMs).toBeCloseTo(0, 9);
  });

  it('uses the rtpmap clock rate of a dynamic payload type (opus 48 kHz)', () => {
    const opus: PayloadFormat = { payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2 };
    const s = run(
      [0, 20, 45, 60, 80].map((ms, i): [RtpSpec, number] => [{ pt: 111, seq: i, ts: 960 * i }, ms]),
      stream([opus]),
    );
    expect(s.maxJitterMs).toBeCloseTo(0.60546875, 9);
    expect(s.clockRate).toBe(48000);
  });

  it('G722 uses its 8000 Hz RTP clock (RFC 3551 §4.5.2) even when an rtpmap says 16000', () => {
    const g722: PayloadFormat = { payloadType: 9, encoding: 'G722', clockRate: 16000, channels: 1 };
    const s = run(
      [0, 20, 45, 60, 80].map((ms, i): [RtpSpec, number] => [{ pt: 9, seq: i, ts: 160 * i }, ms]),
      stream([g722]),
    );
    expect(s.maxJitterMs).toBeCloseTo(0.60546875, 9);
  });

  it('computes no jitter for an undeclared dynamic payload type', () => {
    const s = run([0, 20, 45].map((ms, i): [RtpSpec, number] => [{ pt: 96, seq: i, ts: 160 * i }, ms]), stream([PCMA]));
    expect(s.maxJitterMs).toBe(0);
    expect(s.maxDeltaMs).toBeCloseTo(25, 6);
    expect(s.codecs).toEqual(['PT96']);
  });
});

describe('RFC 4733 telephone events', () => {
  it('counts events by timestamp and collects the digits; events do not update jitter', () => {
    const ev = (seq: number, ts: number, event: number, end: boolean, ms: number): [RtpSpec, number] => [
      { pt: 101, seq, ts, marker: seq === 3 || seq === 7, payload: dtmfPayload(event, end, 400) },
      ms,
    ];
    const s = run([
      [{ seq: 1, ts: 0 }, 0],
      [{ seq: 2, ts: 160 }, 20],
      ev(3, 320, 5, false, 40),
      ev(4, 320, 5, false, 90),
      ev(5, 320, 5, true, 140),
      ev(6, 320, 5, true, 141), // RFC 4733 §2.5.1.4: the end packet is sent three times
      ev(7, 1600, 11, false, 200),
      ev(8, 1600, 11, true, 250),
      [{ seq: 9, ts: 2400 }, 300],
    ]);
    expect(s.events).toEqual({ count: 2, digits: '5#' });
    expect(s.codecs).toEqual(['PCMA', 'telephone-event']);
    expect(s.codec).toBe('PCMA');
    expect(s.lost).toBe(0);
  });

  it('names non-DTMF events by code (RFC 4734 fax tones)', () => {
    const s = run([[{ pt: 101, seq: 1, ts: 0, payload: dtmfPayload(32, false, 100) }, 0]]);
    expect(s.events.digits).toBe('[32]');
  });
});

describe('bounded state', () => {
  it('keeps no per-packet data: 100 000 packets, same info shape', () => {
    const st = stream();
    for (let i = 0; i < 100000; i++) {
      const b = rtpBytes({ seq: i & 0xffff, ts: (i * 160) >>> 0 });
      st.add(view(b, i * 20, i + 1), 12, 0, 0);
    }
    st.flush();
    expect(st.info.packets).toBe(100000);
    expect(st.info.expected).toBe(100000);
    expect(st.info.lost).toBe(0);
    expect(JSON.stringify(st.info).length).toBeLessThan(2000);
  });
});
