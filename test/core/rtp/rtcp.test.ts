// RTCP parsing (RFC 3550 §6.4 SR/RR report blocks, §6.1 compound packets, A.2 checks) and RFC 5761 demultiplexing.
import { describe, expect, it } from 'vitest';
import { looksLikeRtcp, parseRtcp } from '../../../src/core/rtp/rtcp';
import { reportBlock, rtcpRr, rtcpSdes, rtcpSr, rtpBytes } from './rtp-helpers';

describe('parseRtcp', () => {
  it('reads an SR with sender info and a report block, followed by SDES (compound)', () => {
    const b = Uint8Array.from([...rtcpSr(0xaabbccdd, 1346, 215360, [reportBlock(0x11223344, 64, 3, 0x0001_0010, 160)]), ...rtcpSdes(0xaabbccdd, 'alice')]);
    const r = parseRtcp(b, 0, b.length);
    expect(r.valid).toBe(true);
    expect(r.packets.map((p) => p.type)).toEqual([200, 202]);
    const sr = r.packets[0]!;
    expect(sr.ssrc).toBe(0xaabbccdd);
    expect(sr.sender).toMatchObject({ packetCount: 1346, octetCount: 215360, rtpTimestamp: 12345, ntpSec: 0xe0000000 });
    expect(sr.reports).toEqual([{ ssrc: 0x11223344, fractionLost: 0.25, cumulativeLost: 3, highestSeq: 0x10010, jitter: 160, lsr: 0, dlsr: 0 }]);
    expect(r.packets[1]!.ssrc).toBe(0xaabbccdd);
  });

  it('reads an RR with two blocks; cumulative lost is a signed 24-bit number', () => {
    const b = Uint8Array.from(rtcpRr(1, [reportBlock(2, 0, -5, 100, 8), reportBlock(3, 255, 0x7fffff, 200, 0)]));
    const r = parseRtcp(b, 0, b.length);
    expect(r.valid).toBe(true);
    expect(r.packets[0]!.reports.map((x) => [x.ssrc, x.cumulativeLost, x.fractionLost])).toEqual([
      [2, -5, 0],
      [3, 0x7fffff, 255 / 256],
    ]);
  });

  it('flags broken compounds and never throws', () => {
    const good = rtcpRr(1, [reportBlock(2, 0, 0, 0, 0)]);
    const long = Uint8Array.from(good);
    long[3] = 40; // length beyond the datagram
    expect(parseRtcp(long, 0, long.length).valid).toBe(false);
    const v1 = Uint8Array.from(good);
    v1[0] = 0x41;
    expect(parseRtcp(v1, 0, v1.length)).toEqual({ packets: [], valid: false });
    const trailing = Uint8Array.from([...good, 1, 2]);
    expect(parseRtcp(trailing, 0, trailing.length).valid).toBe(false);
    const blocksMissing = Uint8Array.from(good);
    blocksMissing[0] = 0x83; // 3 blocks announced, 1 present
    const r = parseRtcp(blocksMissing, 0, blocksMissing.length);
    expect(r.valid).toBe(false);
    expect(r.packets[0]!.reports.length).toBe(1);
    for (let seed = 1; seed < 300; seed++) {
      const junk = Uint8Array.from({ length: seed % 64 }, (_, i) => (i * 37 + seed * 11) & 0xff);
      if (junk.length > 0) junk[0] = 0x80 | (junk[0]! & 0x3f);
      expect(() => parseRtcp(junk, 0, junk.length)).not.toThrow();
    }
  });

  it('accepts padding in the last packet only (A.2)', () => {
    const rr = rtcpRr(1, []);
    const padded = Uint8Array.from([...rr.slice(0, 4), ...rr.slice(4), 0, 0, 0, 4]);
    padded[0] = 0xa0; // P bit
    padded[3] = 2; // length: 2 words after the header word (SSRC + padding)
    expect(parseRtcp(padded, 0, padded.length).valid).toBe(true);
  });
});

describe('looksLikeRtcp (RFC 5761 §4)', () => {
  it('separates RTCP from RTP on one port by the second octet', () => {
    const sr = Uint8Array.from(rtcpSr(1, 0, 0));
    const rr = Uint8Array.from(rtcpRr(1, []));
    expect(looksLikeRtcp(sr, 0, sr.length)).toBe(true);
    expect(looksLikeRtcp(rr, 0, rr.length)).toBe(true);
    for (const pt of [0, 8, 13, 96, 101, 127]) {
      for (const marker of [false, true]) {
        const rtp = rtpBytes({ seq: 1, ts: 1, pt, marker });
        expect(looksLikeRtcp(rtp, 0, rtp.length)).toBe(false);
      }
    }
  });
});
