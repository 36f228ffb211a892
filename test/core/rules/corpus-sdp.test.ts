// SDP fixtures from the shared corpus (sdp-transform and Mozilla webrtc-sdp, never copied into the repo): each file's
// expectation is decided here with a one-line reason; valid files lint without errors, invalid ones are flagged.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleSeverity } from '../../../src/core/rules/types';
import { lintDocument } from '../../../src/core/rules/run';
import { severityRank } from '../../../src/core/rules/config';

const CORPUS = '/work/shared/corpus/sdp';
const present = existsSync(join(CORPUS, 'webrtc-sdp'));
if (!present) console.warn(`SDP corpus tests skipped: ${CORPUS} not found (the shared corpus is not part of the repository)`);

type Expect = { clean: string } | { rule: string; severity?: RuleSeverity; reason: string };

/** clean = no error-level finding (warnings/infos allowed) — with the reason it is valid. */
const EXPECT: Record<string, Expect> = {
  // sdp-transform (parser fixtures; several carry real defects)
  'sdp-transform/alac.sdp': { rule: 'sdp/origin', reason: 'iTunes writes IPv6 link-local addresses with addrtype IP4 in o= and c=' },
  'sdp-transform/bfcp.sdp': { clean: 'BFCP (RFC 8856) m=application UDP/BFCP *; only an empty s= (warning)' },
  'sdp-transform/extmap-encrypt.sdp': { clean: 'valid extmap forms; c= after t= is an order warning; empty s= warning' },
  'sdp-transform/hacky.sdp': { clean: 'odd but valid values (ptime 0.125, tcptype so, port 1 placeholders)' },
  'sdp-transform/invalid.sdp': { rule: 'sdp/line-syntax', reason: 'unknown line type f= (and a=rtcp with addrtype IP7)' },
  'sdp-transform/jsep.sdp': { clean: 'a JSEP offer: BUNDLE mids exist, ICE, DTLS, rtcp-mux, bundle-only port 0' },
  'sdp-transform/mediaclk-avbtp.sdp': { clean: 'AES67/AVB: c= before s= is an order warning only' },
  'sdp-transform/mediaclk-ptp-v2.sdp': { clean: 'AES67: c= before s= is an order warning only' },
  'sdp-transform/mediaclk-rtp.sdp': { clean: 'AES67: c= before s= is an order warning only' },
  'sdp-transform/normal.sdp': { clean: 'WebRTC-era offer with host+srflx candidates; c= after t= warning' },
  'sdp-transform/onvif.sdp': { rule: 'sdp/required-lines', reason: 'RTSP/ONVIF description without the t= line RFC 8866 §5.9 requires' },
  'sdp-transform/rtcp-fb.sdp': { clean: 'rtcp-xr at session level and rtcp-fb:* are valid; loopback c= is a NAT warning' },
  'sdp-transform/sctp-dtls-26.sdp': { clean: 'data channel over UDP/DTLS/SCTP with sctp-port' },
  'sdp-transform/ssrc.sdp': { clean: 'Chrome-style offer with ssrc/ssrc-group and rtx' },
  'sdp-transform/st2110-20.sdp': { rule: 'sdp/group', reason: '"a=mid:secondary;" has a stray ";" so a=group:DUP names a mid that does not exist' },
  'sdp-transform/tcp-active.sdp': { rule: 'sdp/required-lines', reason: 'RFC 4145 excerpt without t= line' },
  'sdp-transform/ts-refclk-media.sdp': { clean: 'RFC 7273 ts-refclk at both levels, multicast c= with TTL' },
  // webrtc-sdp (Firefox sdp_unittests cases)
  'webrtc-sdp/02.sdp': { clean: 'minimal video offer with session c=' },
  'webrtc-sdp/04.sdp': { clean: 'c= inside the media description (valid position m i c b k a)' },
  'webrtc-sdp/05.sdp': { clean: 'multicast c= with TTL and address count, no media; ice-lite at session level' },
  'webrtc-sdp/06.sdp': { clean: 'unknown bwtype FOOBAR is ignored (hint); m= port/count 12345/2 is valid' },
  'webrtc-sdp/07.sdp': { clean: '"s= " (one space) is the recommended empty name; b= inside media' },
  'webrtc-sdp/10.sdp': { clean: 'fingerprint with RTP/SAVPF and c=IN IP6 ::1 (loopback: NAT warning only)' },
  'webrtc-sdp/11.sdp': { rule: 'sdp/line-syntax', reason: '";" comment lines are not SDP lines; a=ice-lite inside media is also misplaced' },
  'webrtc-sdp/13.sdp': { clean: 'data channel with session-level ICE/DTLS attributes' },
  'webrtc-sdp/14.sdp': { rule: 'sdp/attribute-level', reason: 'a=candidate at session level (media-level only, RFC 8839 §5.1)' },
  'webrtc-sdp/16.sdp': { rule: 'sdp/attribute-level', reason: 'a=fmtp at session level' },
  'webrtc-sdp/17.sdp': { rule: 'sdp/attribute-level', reason: 'a=ice-mismatch at session level' },
  'webrtc-sdp/18.sdp': { rule: 'sdp/attribute-level', reason: 'a=imageattr at session level' },
  'webrtc-sdp/20.sdp': { rule: 'sdp/attribute-level', reason: 'a=maxptime at session level (media-level only, RFC 8866 §6.5)' },
  'webrtc-sdp/21.sdp': { rule: 'sdp/attribute-level', reason: 'a=mid at session level' },
  'webrtc-sdp/22.sdp': { rule: 'sdp/attribute-level', reason: 'a=msid at session level' },
  'webrtc-sdp/24.sdp': { rule: 'sdp/attribute-level', reason: 'a=remote-candidates at session level' },
  'webrtc-sdp/25.sdp': { rule: 'sdp/attribute-level', reason: 'a=rtcp at session level' },
  'webrtc-sdp/26.sdp': { rule: 'sdp/attribute-level', reason: 'a=rtcp-fb at session level' },
  'webrtc-sdp/28.sdp': { rule: 'sdp/attribute-level', reason: 'a=rtcp-rsize at session level' },
  'webrtc-sdp/29.sdp': { rule: 'sdp/attribute-level', reason: 'a=rtpmap at session level (so PT 120 has no rtpmap either)' },
  'webrtc-sdp/30.sdp': { rule: 'sdp/attribute-level', reason: 'a=sctpmap at session level (and without application name)' },
  'webrtc-sdp/32.sdp': { rule: 'sdp/attribute-level', reason: 'a=ssrc-group at session level' },
  'webrtc-sdp/33.sdp': { rule: 'sdp/attribute-syntax', reason: 'a=imageattr:flob is not imageattr syntax' },
  'webrtc-sdp/34.sdp': { clean: 'video offer with session b=CT and a=sendrecv' },
  'webrtc-sdp/38.sdp': { clean: 'video offer with a=sendonly' },
  'webrtc-sdp/39.sdp': { clean: 'multicast session c= and c=0.0.0.0 in media (hold-style info only)' },
};

function files(): string[] {
  if (!present) return [];
  const out: string[] = [];
  for (const d of ['sdp-transform', 'webrtc-sdp']) for (const f of readdirSync(join(CORPUS, d))) if (f.endsWith('.sdp')) out.push(`${d}/${f}`);
  return out.sort();
}

describe.skipIf(!present)('SDP corpus fixtures', () => {
  for (const f of files()) {
    const e = EXPECT[f];
    const why = e === undefined ? 'no expectation recorded: must at least not crash' : 'clean' in e ? e.clean : e.reason;
    it(`${f}: ${why}`, () => {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, f)));
      const { findings } = lintDocument(bytes, 'sdp');
      if (e === undefined) return;
      const errs = findings.filter((x) => x.severity === 'error');
      if ('clean' in e) {
        expect(errs.map((x) => `${x.ruleId}: ${x.message}`)).toEqual([]);
      } else {
        const mine = findings.filter((x) => x.ruleId === e.rule);
        expect(mine.length, `${e.rule} not reported; got ${findings.map((x) => x.ruleId).join(', ')}`).toBeGreaterThan(0);
        const want = e.severity ?? 'error';
        expect(Math.min(...mine.map((x) => severityRank(x.severity)))).toBe(severityRank(want));
      }
    });
  }

});
