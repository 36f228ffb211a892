// SDP corpus (sdp-transform fixtures, Mozilla webrtc-sdp cases) parses without throwing and agrees with
// sdp-transform on what both read; fuzzed SDP never makes parseSdp throw and spans stay inside the input.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as sdpTransformParse } from 'sdp-transform';
import { parseSdp } from '../../../src/core/sdp/parse-sdp';

const CORPUS = '/work/shared/corpus/sdp';
const haveCorpus = existsSync(CORPUS);
if (!haveCorpus) console.warn(`[sdp corpus tests] skipped: ${CORPUS} is absent`);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!haveCorpus)('SDP corpus', () => {
  const files: string[] = [];
  if (haveCorpus) for (const dir of readdirSync(CORPUS)) for (const f of readdirSync(join(CORPUS, dir))) if (f.endsWith('.sdp')) files.push(`${dir}/${f}`);

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const f of files) {
    it(`${f}: parses without throwing; media, ports and rtpmaps agree with sdp-transform`, () => {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, f)));
      const r = parseSdp(bytes, 7);
      expect(r.problems.filter((p) => p.code === 'sdp/internal-error')).toEqual([]);
      for (const l of r.session.lines) {
        expect(l.span.start).toBeGreaterThanOrEqual(7);
        expect(l.span.end).toBeLessThanOrEqual(7 + bytes.length);
      }
      const ref = sdpTransformParse(new TextDecoder().decode(bytes));
      expect(r.session.media.length).toBe(ref.media.length);
      r.session.media.forEach((m, k) => {
        const rm = ref.media[k]!;
        // sdp-transform's m= regex fails on "port/count" (webrtc-sdp 06); compare only what it could read.
        if (typeof rm.type !== 'string') return;
        if (m.port >= 0 && typeof rm.port === 'number') expect(m.port).toBe(rm.port);
        expect(m.media).toBe(rm.type);
        expect(m.rtpmaps.map((x) => x.payloadType)).toEqual((rm.rtp ?? []).filter((x) => typeof x.rate === 'number').map((x) => x.payload));
      });
      if (ref.origin !== undefined && r.session.origin !== undefined) expect(r.session.origin.address).toBe(ref.origin.address);
    });
  }

  it('sdp-transform/invalid.sdp and webrtc-sdp/11.sdp report their damage', () => {
    const inv = parseSdp(new Uint8Array(readFileSync(join(CORPUS, 'sdp-transform/invalid.sdp'))));
    expect(inv.session.lines.map((l) => l.type)).toEqual(['v', 'o', 's', 't', 'm', 'c', 'a', 'a', 'a', 'f']);
    const w11 = parseSdp(new Uint8Array(readFileSync(join(CORPUS, 'webrtc-sdp/11.sdp'))));
    expect(w11.problems.map((p) => p.code)).toContain('sdp/bad-line');
  });
});

describe('SDP fuzz', () => {
  const seed = 'v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 224.2.1.1/127/3\r\nt=0 0\r\na=sendrecv\r\nm=audio 49170/2 RTP/AVP 0 97\r\na=rtpmap:97 opus/48000/2\r\na=rtcp:49171 IN IP6 ::1\r\na=candidate:1 1 UDP 2130706431 10.0.0.7 49170 typ srflx raddr 1.2.3.4 rport 5\r\na=mid:0\r\na=rtcp-mux\r\nm=video 0 RTP/SAVPF 96\r\n';
  const special = [0, 10, 13, 32, 0x2f, 0x3a, 0x3d, 0x61, 0x63, 0x6d, 0x6f, 0x80, 0xff];

  it('random bytes and mutations never throw; spans stay in range', () => {
    const rnd = prng(2024);
    const base = new TextEncoder().encode(seed);
    for (let n = 0; n < 3000; n++) {
      let b: Uint8Array;
      if (n % 3 === 0) {
        b = new Uint8Array(Math.floor(rnd() * 200));
        for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      } else {
        b = base.slice();
        const edits = 1 + Math.floor(rnd() * 6);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(rnd() * b.length);
          const v = special[Math.floor(rnd() * special.length)] as number;
          const op = Math.floor(rnd() * 3);
          if (op === 0) b[at] = v;
          else if (op === 1) b = new Uint8Array([...b.subarray(0, at), v, ...b.subarray(at)]);
          else b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + 1 + Math.floor(rnd() * 8))]);
        }
      }
      const r = parseSdp(b, 3);
      expect(r.problems.some((p) => p.code === 'sdp/internal-error')).toBe(false);
      for (const p of r.problems) {
        expect(p.span.start >= 3 && p.span.end <= 3 + b.length).toBe(true);
      }
      for (const m of r.session.media) {
        expect(m.portSpan.start >= 3 && m.portSpan.end <= 3 + b.length).toBe(true);
      }
    }
  });
});
