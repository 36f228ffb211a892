// NAT rules on SDP (declared media addresses): private c= / a=rtcp / o= addresses (RFC 8866 §5.7, RFC 3605) and ICE
// candidate sets with only private host candidates (RFC 8445 §5.1.1). Private host candidates are normal in ICE.
import type { SdpMedia } from '../../sdp/types';
import type { Rule } from '../types';
import type { SdpContext } from '../context';
import { classifyHost, describeClass, isNonPublic } from '../context';
import { rfcRef } from '../types';
import { r8866 } from '../util';
import { fieldsOf } from '../sdp/fields';
import { encodeUtf8 } from '../../text/decode';

function hasPublicCandidate(m: SdpMedia): boolean {
  return m.candidates.some((c) => c.type === 'srflx' || c.type === 'relay' || c.type === 'prflx');
}

export const privateSdpRule: Rule<SdpContext> = {
  id: 'nat/private-sdp',
  title: 'Private address in SDP',
  description:
    'The c= address (and a=rtcp address) is where the peer sends RTP/RTCP. A private, CGNAT, link-local, loopback or ' +
    'ULA address there is unreachable from outside the NAT: one-way or no audio, unless an SBC/media relay rewrites ' +
    'the SDP or ICE finds a working candidate pair. The o= address is only an identifier (reported as a hint).',
  defaultSeverity: 'warning',
  scope: 'sdp',
  refs: [r8866('5.7'), r8866('5.2'), rfcRef(3605, '2.1'), rfcRef(3264, '5')],
  check(ctx, report) {
    const media = ctx.session.media;
    const ice = media.some((m) => m.candidates.length > 0);
    const iceWithPublic = media.some(hasPublicCandidate);
    for (const l of ctx.session.lines) {
      if (l.type !== 'c' && l.type !== 'o') continue;
      const f = fieldsOf(l);
      const addrF = l.type === 'c' ? f[2] : f[5];
      if (addrF === undefined) continue;
      const addr = addrF.text.split('/')[0] as string;
      const c = classifyHost(addr, ctx.settings);
      if (!isNonPublic(c.cls) || c.trusted) continue;
      if (l.type === 'o') {
        if (c.cls === 'loopback') continue; // conventional placeholder (JSEP uses 127.0.0.1)
        report({ span: addrF, severity: 'hint', message: `o= address ${addr} is ${describeClass(c.cls)}; o= only identifies the session, media does not go there (RFC 8866 §5.2)` });
        continue;
      }
      const span = { start: addrF.start, end: addrF.start + encodeUtf8(addr).length };
      if (ice) {
        report({
          span,
          severity: 'info',
          message: iceWithPublic
            ? `c= ${addr} is ${describeClass(c.cls)}; ICE candidates (srflx/relay) provide reachable addresses, so only non-ICE peers would send media here (RFC 8839 §4.2.1)`
            : `c= ${addr} is ${describeClass(c.cls)} and there is no srflx/relay candidate: peers outside this network cannot reach it (RFC 8445 §5.1.1)`,
        });
        continue;
      }
      report({
        span,
        message: `c= ${addr} is ${describeClass(c.cls)}: the peer sends RTP there and it cannot arrive through NAT — one-way or no audio unless an SBC rewrites the SDP (RFC 8866 §5.7)`,
      });
    }
    for (const m of media) {
      for (const a of m.attributes) {
        if (a.name !== 'rtcp' || a.value === undefined) continue;
        const mm = /^\d+ IN IP[46] (\S+)$/.exec(a.value);
        if (!mm) continue;
        const addr = mm[1] as string;
        const c = classifyHost(addr, ctx.settings);
        if (!isNonPublic(c.cls) || c.trusted) continue;
        report({
          span: a.line.span,
          severity: m.candidates.length > 0 ? 'info' : undefined,
          message: `a=rtcp address ${addr} is ${describeClass(c.cls)}: RTCP reports sent there are lost, so quality statistics are missing and some devices hang up on RTCP timeout (RFC 3605 §2.1)`,
        });
      }
    }
  },
};

export const iceCandidatesRule: Rule<SdpContext> = {
  id: 'nat/ice-candidates',
  title: 'Only private ICE host candidates',
  description:
    'Host candidates with private addresses are normal in ICE and are not a problem by themselves: what lets a peer ' +
    'outside the network connect are server-reflexive (STUN) and relay (TURN) candidates. A media section whose ' +
    'candidates are all private host candidates (or mDNS .local names) can only connect inside the same network, so ' +
    'ICE fails with remote peers (no media). Configure a STUN/TURN server.',
  defaultSeverity: 'warning',
  scope: 'sdp',
  refs: [rfcRef(8445, '5.1.1'), rfcRef(8445, '2.1'), rfcRef(8839, '5.1')],
  check(ctx, report) {
    for (const m of ctx.session.media) {
      if (m.candidates.length === 0 || hasPublicCandidate(m)) continue;
      let allPrivate = true;
      for (const cand of m.candidates) {
        let c = classifyHost(cand.address, ctx.settings);
        if (c.cls === 'domain' && /\.local\.?$/i.test(c.address)) c = { ...c, cls: 'private' };
        if (!isNonPublic(c.cls) || c.trusted) {
          allPrivate = false;
          break;
        }
      }
      if (!allPrivate) continue;
      report({
        span: (m.candidates[0] as { line: { span: { start: number; end: number } } }).line.span,
        message: `m=${m.media} has only private host candidates and no srflx/relay candidate: a peer outside this network cannot reach it and ICE fails (RFC 8445 §5.1.1); configure STUN/TURN`,
      });
    }
  },
};

export const NAT_MEDIA_RULES = [privateSdpRule, iceCandidatesRule];
