// JSEP / WebRTC rules: a=group mids exist (RFC 5888, RFC 8843 BUNDLE), ICE credentials (RFC 8839), DTLS fingerprint
// (RFC 8842, RFC 5763) and rtcp-mux (RFC 8829, RFC 8843). c=0.0.0.0 and port 9 placeholders are valid here.
import type { SdpMedia } from '../../sdp/types';
import type { Rule } from '../types';
import type { SdpContext } from '../context';
import { isDtlsProto } from '../context';
import { rfcRef } from '../types';
import { isRtpProto } from './fields';

/** A media description that is in use: not rejected (port 0) unless it is bundle-only (RFC 8843 §6). */
function active(m: SdpMedia): boolean {
  return m.port !== 0 || m.attributes.some((a) => a.name === 'bundle-only');
}

export const groupRule: Rule<SdpContext> = {
  id: 'sdp/group',
  title: 'a=group references a missing or repeated mid',
  description:
    'Every identification-tag in a=group (BUNDLE, LS, FID, DUP...) must be the a=mid of an m= section, mids are ' +
    'unique, and an m= section is in at most one BUNDLE group. Otherwise the grouping fails: with BUNDLE the answerer ' +
    'rejects the offer or media is sent on the wrong transport.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [rfcRef(5888, '4'), rfcRef(5888, '5'), rfcRef(8843, '7.2'), rfcRef(8843, '6')],
  check(ctx, report) {
    const mids = new Map<string, SdpMedia>();
    for (const m of ctx.session.media) {
      for (const a of m.attributes) {
        if (a.name !== 'mid' || a.value === undefined) continue;
        if (mids.has(a.value)) report({ span: a.line.span, message: `a=mid:${a.value} is used by two m= sections; mids must be unique (RFC 5888 §4)` });
        else mids.set(a.value, m);
      }
    }
    const bundled = new Map<string, number>();
    for (const a of ctx.session.attributes) {
      if (a.name !== 'group' || a.value === undefined) continue;
      const [semantics, ...tags] = a.value.trim().split(/\s+/);
      const isBundle = (semantics ?? '').toUpperCase() === 'BUNDLE';
      for (const t of tags) {
        if (!mids.has(t)) {
          report({
            span: a.line.span,
            message: `a=group:${semantics} lists "${t}" but no m= section has a=mid:${t} (RFC 5888 §5${isBundle ? ', RFC 8843 §7.2' : ''})`,
          });
        }
        if (isBundle) {
          if (bundled.has(t)) report({ span: a.line.span, message: `mid "${t}" is in two BUNDLE groups (RFC 8843 §7.2)` });
          bundled.set(t, 1);
        }
      }
    }
    for (const m of ctx.session.media) {
      if (!m.attributes.some((a) => a.name === 'bundle-only')) continue;
      if (m.mid === undefined || !bundled.has(m.mid)) {
        report({ span: m.line.span, message: 'a=bundle-only on an m= section that is not in a BUNDLE group: it has port 0 and no transport, so it carries no media (RFC 8843 §6)' });
      }
    }
  },
};

/** ICE is in use when any ICE attribute or candidate appears (RFC 8839 §4). */
function iceInUse(ctx: SdpContext): boolean {
  const names = ['ice-ufrag', 'ice-pwd', 'ice-lite', 'candidate', 'ice-options'];
  if (ctx.session.attributes.some((a) => names.includes(a.name))) return true;
  return ctx.session.media.some((m) => m.attributes.some((a) => names.includes(a.name)));
}

export const iceCredentialsRule: Rule<SdpContext> = {
  id: 'sdp/ice-credentials',
  title: 'ICE ufrag/pwd missing',
  description:
    'When ICE is used, every active m= section needs a=ice-ufrag and a=ice-pwd (at media level or inherited from the ' +
    'session level). Without them connectivity checks cannot be authenticated, the ICE agent fails and no media flows.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [rfcRef(8839, '5.4'), rfcRef(8445, '5.3'), rfcRef(8829, '5.2.1')],
  check(ctx, report) {
    if (!iceInUse(ctx)) return;
    for (const m of ctx.session.media) {
      if (!active(m) || m.attributes.some((a) => a.name === 'bundle-only')) continue;
      const missing = ['ice-ufrag', 'ice-pwd'].filter((n) => ctx.effectiveAttr(m, n) === undefined);
      if (missing.length === 0) continue;
      report({
        span: m.line.span,
        message: `m=${m.media} has no ${missing.map((n) => 'a=' + n).join(' / ')} at media or session level: ICE checks cannot be authenticated, so no media flows (RFC 8839 §5.4)`,
      });
    }
  },
};

export const dtlsFingerprintRule: Rule<SdpContext> = {
  id: 'sdp/dtls-fingerprint',
  title: 'DTLS media without fingerprint or setup',
  description:
    'Media over DTLS (UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP, ...) needs a=fingerprint (media or session level) so the DTLS ' +
    'certificate can be verified, and a=setup to decide who starts the handshake. Browsers reject a description ' +
    'without fingerprint; without setup the handshake may never start (no audio, no data channel).',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [rfcRef(8842, '5'), rfcRef(5763, '5'), rfcRef(8122, '5'), rfcRef(4145, '4')],
  check(ctx, report) {
    for (const m of ctx.session.media) {
      if (!active(m) || !isDtlsProto(m.proto)) continue;
      if (ctx.effectiveAttr(m, 'fingerprint') === undefined) {
        report({ span: m.line.span, message: `m=${m.media} uses ${m.proto} but has no a=fingerprint: the DTLS peer cannot be verified and browsers reject the description (RFC 8842 §5)` });
      }
      if (ctx.effectiveAttr(m, 'setup') === undefined) {
        report({ span: m.line.span, severity: 'warning', message: `m=${m.media} uses ${m.proto} without a=setup: the DTLS client/server role is undefined (RFC 8842 §5.2, RFC 4145 §4)` });
      }
    }
  },
};

export const rtcpMuxRule: Rule<SdpContext> = {
  id: 'sdp/rtcp-mux',
  title: 'WebRTC / BUNDLE media without rtcp-mux',
  description:
    'JSEP endpoints multiplex RTP and RTCP on one port (a=rtcp-mux), and BUNDLE requires it for RTP m= sections. ' +
    'Browsers use rtcpMuxPolicy "require" and reject a description whose RTP media lacks a=rtcp-mux.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [rfcRef(8829, '5.2.1'), rfcRef(8843, '9.1'), rfcRef(5761, '5.1.1')],
  check(ctx, report) {
    const bundled = new Set<string>();
    for (const a of ctx.session.attributes) {
      if (a.name === 'group' && a.value !== undefined && /^BUNDLE\b/i.test(a.value)) for (const t of a.value.trim().split(/\s+/).slice(1)) bundled.add(t);
    }
    for (const m of ctx.session.media) {
      if (!active(m) || !isRtpProto(m.proto) || m.rtcpMux) continue;
      const jsepProto = isDtlsProto(m.proto);
      const inBundle = m.mid !== undefined && bundled.has(m.mid);
      if (!jsepProto && !inBundle) continue;
      report({
        span: m.line.span,
        message: inBundle
          ? `m=${m.media} is in a BUNDLE group but has no a=rtcp-mux: bundled RTP needs RTP/RTCP multiplexing (RFC 8843 §9.1)`
          : `m=${m.media} uses ${m.proto} without a=rtcp-mux: browsers (rtcpMuxPolicy "require") reject it (RFC 8829 §5.2.1)`,
      });
    }
  },
};

export const WEBRTC_RULES = [groupRule, iceCredentialsRule, dtlsFingerprintRule, rtcpMuxRule];
