// SDP attribute rules: rtpmap for dynamic payload types (RFC 8866 §6.6, RFC 3551 §6), value syntax of the common
// attributes, the level (session / media) each attribute is defined for, repeated single attributes, and the
// RFC 2543 c=0.0.0.0 hold style (RFC 3264 §8.4).
import type { SdpAttribute, SdpMedia } from '../../sdp/types';
import type { Report, Rule } from '../types';
import type { SdpContext } from '../context';
import { rfcRef } from '../types';
import { r8866 } from '../util';
import { addressProblem, isRtpProto } from './fields';

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

/** Byte span of an attribute's value (after "a=<name>:"). */
function valueSpan(a: SdpAttribute): { start: number; end: number } {
  const start = a.line.valueSpan.start + a.name.length + 1;
  return { start: Math.min(start, a.line.span.end), end: a.line.span.end };
}

export const rtpmapRule: Rule<SdpContext> = {
  id: 'sdp/rtpmap',
  title: 'Dynamic payload type without a=rtpmap',
  description:
    'RTP payload types 96-127 are dynamic: each one listed on an m= line needs an "a=rtpmap:<pt> <encoding>/<clock ' +
    'rate>" in the same media description, otherwise the receiver cannot know the codec and drops that format (no ' +
    'media if it was the only one). rtpmap/fmtp lines for formats that are not on the m= line are ignored.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('6.6'), r8866('5.14'), rfcRef(3551, '6')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) {
      if (p.code === 'sdp/bad-rtpmap') {
        report({ span: p.span, severity: 'warning', message: `${p.message}; the receiver may not recognise the codec` });
      }
    }
    for (const m of ctx.session.media) {
      if (!isRtpProto(m.proto)) continue;
      const mapped = new Map<string, SdpAttribute>();
      for (const a of m.attributes) {
        if (a.name !== 'rtpmap' || a.value === undefined) continue;
        const pt = a.value.split(/\s+/)[0] ?? '';
        if (mapped.has(pt)) report({ span: a.line.span, severity: 'warning', message: `A second a=rtpmap for payload type ${pt} (RFC 8866 §6.6)` });
        else mapped.set(pt, a);
      }
      for (const fmt of m.formats) {
        if (!/^\d+$/.test(fmt)) continue;
        const n = Number(fmt);
        if (mapped.has(fmt)) continue;
        if (n >= 96 && n <= 127) {
          report({
            span: m.line.span,
            message: `Payload type ${n} is dynamic but has no a=rtpmap: the receiver cannot tell which codec it is and drops it (RFC 8866 §6.6, RFC 3551 §6)`,
          });
        } else if (n >= 35 && n <= 95) {
          report({ span: m.line.span, severity: 'warning', message: `Payload type ${n} is unassigned in RFC 3551 and has no a=rtpmap` });
        }
      }
      for (const a of m.attributes) {
        if ((a.name !== 'rtpmap' && a.name !== 'fmtp') || a.value === undefined) continue;
        const pt = a.value.split(/\s+/)[0] ?? '';
        if (pt !== '' && !m.formats.includes(pt)) {
          report({ span: a.line.span, severity: 'warning', message: `a=${a.name} for payload type ${pt}, which is not on the m= line: it is ignored` });
        }
      }
    }
  },
};

type Check = (v: string) => string | undefined;

const noValue: Check = (v) => (v === '' ? undefined : 'takes no value');
const num = (max: number): Check => (v) => (/^\d+$/.test(v) && Number(v) <= max ? undefined : `must be a number up to ${max}`);

/** Value grammar of common attributes; a returned string says what is wrong. */
const SYNTAX: Record<string, Check> = {
  rtcp: (v) => {
    const m = /^(\d{1,5})(?: (\S+) (\S+) (\S+))?$/.exec(v);
    if (!m || Number(m[1]) > 65535) return 'must be "<port> [IN <IP4|IP6> <address>]" (RFC 3605 §2.1)';
    if (m[2] === undefined) return undefined;
    if (m[2] !== 'IN') return `nettype "${m[2]}" is not IN (RFC 3605 §2.1)`;
    if (m[3] !== 'IP4' && m[3] !== 'IP6') return `addrtype "${m[3]}" is not IP4 or IP6 (RFC 3605 §2.1)`;
    const why = addressProblem(m[3] as string, m[4] as string);
    return why !== undefined ? `address ${why}` : undefined;
  },
  mid: (v) => (TOKEN.test(v) ? undefined : 'must be a token (identification-tag, RFC 5888 §4); "' + v + '" contains other characters'),
  group: (v) => (/^[^\s]+( [^\s]+)*$/.test(v) && v.split(' ').every((x) => TOKEN.test(x)) ? undefined : 'must be "<semantics> <mid> ..." (RFC 5888 §5)'),
  'ice-ufrag': (v) => (ICE_CHARS.test(v) && v.length >= 4 && v.length <= 256 ? undefined : 'must be 4-256 ice-chars (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4)'),
  'ice-pwd': (v) => (ICE_CHARS.test(v) && v.length >= 22 && v.length <= 256 ? undefined : 'must be 22-256 ice-chars (ALPHA / DIGIT / "+" / "/", RFC 8839 §5.4)'),
  'ice-options': (v) => (/^\S+( \S+)*$/.test(v) ? undefined : 'must be a space-separated list of option tags (RFC 8839 §5.6)'),
  fingerprint: (v) => {
    const m = /^(\S+) ((?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]{2})$/.exec(v);
    if (!m) return 'must be "<hash-func> <XX:XX:...>" (RFC 8122 §5)';
    const bytes = (m[2] as string).split(':').length;
    const expect: Record<string, number> = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64, md5: 16 };
    const e = expect[(m[1] as string).toLowerCase()];
    return e !== undefined && e !== bytes ? `${m[1]} fingerprint has ${bytes} bytes, ${e} expected (RFC 8122 §5)` : undefined;
  },
  setup: (v) => (/^(active|passive|actpass|holdconn)$/.test(v) ? undefined : 'must be active, passive, actpass or holdconn (RFC 4145 §4)'),
  connection: (v) => (/^(new|existing)$/.test(v) ? undefined : 'must be new or existing (RFC 4145 §5)'),
  sendrecv: noValue,
  sendonly: noValue,
  recvonly: noValue,
  inactive: noValue,
  'rtcp-mux': noValue,
  'rtcp-rsize': noValue,
  'ice-lite': noValue,
  'bundle-only': noValue,
  'end-of-candidates': noValue,
  'ice-mismatch': noValue,
  ptime: (v) => (/^\d+(\.\d+)?$/.test(v) ? undefined : 'must be a packet time in milliseconds (RFC 8866 §6.4)'),
  maxptime: (v) => (/^\d+(\.\d+)?$/.test(v) ? undefined : 'must be a packet time in milliseconds (RFC 8866 §6.5)'),
  fmtp: (v) => (/^\S+ \S/.test(v) ? undefined : 'must be "<format> <parameters>" (RFC 8866 §6.15)'),
  'rtcp-fb': (v) => (/^(\d{1,3}|\*) \S/.test(v) ? undefined : 'must be "<payload type|*> <feedback type>" (RFC 4585 §4.2)'),
  extmap: (v) => {
    const m = /^(\d{1,5})(\/(sendonly|recvonly|sendrecv|inactive))? \S/.exec(v);
    if (!m) return 'must be "<id>[/<direction>] <URI> [<attributes>]" (RFC 8285 §7)';
    const id = Number(m[1]);
    return id === 0 || id > 4351 ? `id ${id} is not a valid extension id (1-14, 16-255, 4096-4351; RFC 8285 §5, §7)` : undefined;
  },
  rid: (v) => (/^[A-Za-z0-9_-]{1,255} (send|recv)( \S+)?$/.test(v) ? undefined : 'must be "<rid-id> send|recv [<restrictions>]" (RFC 8851 §4)'),
  simulcast: (v) => (/^(send|recv) \S+( (send|recv) \S+)?$/.test(v) ? undefined : 'must be "send <rid list> [recv <rid list>]" (RFC 8853 §5.1)'),
  ssrc: (v) => {
    const m = /^(\d{1,10}) \S/.exec(v);
    return m && Number(m[1]) <= 4294967295 ? undefined : 'must be "<ssrc-id> <attribute>[:<value>]" (RFC 5576 §4.1)';
  },
  'ssrc-group': (v) => (/^\S+( \d{1,10})+$/.test(v) ? undefined : 'must be "<semantics> <ssrc-id> ..." (RFC 5576 §4.2)'),
  msid: (v) => (/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,64}( [!#$%&'*+\-.0-9A-Z^_`a-z{|}~]{1,64})?$/.test(v) ? undefined : 'must be "<stream id> [<track id>]", tokens of 1-64 characters (RFC 8830 §2)'),
  imageattr: (v) => (/^(\d{1,3}|\*)\s+(send|recv)\s+\S/.test(v) ? undefined : 'must be "<payload type|*> send|recv <attr-list> ..." (RFC 6236 §3.1)'),
  'sctp-port': num(65535),
  'max-message-size': num(Number.MAX_SAFE_INTEGER),
  sctpmap: (v) => (/^\d{1,5} \S+( \d+)?$/.test(v) ? undefined : 'must be "<port> <application> [<streams>]" (draft-ietf-mmusic-sctp-sdp-05)'),
  crypto: (v) => (/^\d{1,9} \S+ \S+/.test(v) ? undefined : 'must be "<tag> <crypto-suite> <key-params>" (RFC 4568 §9.1)'),
  'remote-candidates': (v) => (/^\d+ \S+ \d+( \d+ \S+ \d+)*$/.test(v) ? undefined : 'must be "<component> <address> <port> ..." (RFC 8839 §5.2)'),
  framerate: (v) => (/^\d+(\.\d+)?$/.test(v) ? undefined : 'must be a frame rate (RFC 8866 §6.8)'),
};

export const attributeSyntaxRule: Rule<SdpContext> = {
  id: 'sdp/attribute-syntax',
  title: 'Malformed attribute value',
  description:
    'Known attributes (rtcp, mid, group, ice-ufrag/ice-pwd, candidate, fingerprint, setup, rtcp-fb, extmap, ssrc, ' +
    'msid, imageattr, crypto...) have a defined value grammar. A value that does not parse is ignored or makes the ' +
    'receiver reject the description, which loses the feature (RTCP address, BUNDLE, ICE, DTLS) or the whole call.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.13'), r8866('6'), rfcRef(8839, '5.1'), rfcRef(8842, '5'), rfcRef(3605, '2.1')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) {
      if (p.code === 'sdp/bad-candidate') report({ span: p.span, message: `${p.message}: the peer ignores this candidate` });
      else if (p.code === 'sdp/bad-rtcp') report({ span: p.span, message: p.message });
    }
    for (const l of ctx.session.lines) {
      if (l.type !== 'a') continue;
      const colon = l.value.indexOf(':');
      const name = colon < 0 ? l.value : l.value.slice(0, colon);
      const value = colon < 0 ? '' : l.value.slice(colon + 1);
      if (name === '' || !TOKEN.test(name)) {
        report({ span: l.span, message: `Attribute name "${name}" is not a token (RFC 8866 §5.13 a=<attribute-name>[:<value>])` });
        continue;
      }
      const check = SYNTAX[name];
      if (check === undefined) continue;
      if (name === 'rtcp' && ctx.parseProblems.some((p) => p.code === 'sdp/bad-rtcp' && p.span.start === l.span.start)) continue;
      const why = check(value);
      if (why !== undefined) {
        report({ span: valueSpan({ name, value, line: l }), message: `a=${name} ${why}` });
      }
    }
  },
};

/** Where each attribute may appear: 's' session only, 'm' media only (IANA "att-field" registry usage levels). */
const LEVEL: Record<string, 's' | 'm'> = {
  group: 's',
  'ice-lite': 's',
  'msid-semantic': 's',
  'ice-pacing': 's',
  tool: 's',
  type: 's',
  cat: 's',
  keywds: 's',
  charset: 's',
  rtpmap: 'm',
  fmtp: 'm',
  ptime: 'm',
  maxptime: 'm',
  rtcp: 'm',
  'rtcp-mux': 'm',
  'rtcp-mux-only': 'm',
  'rtcp-rsize': 'm',
  'rtcp-fb': 'm',
  candidate: 'm',
  'remote-candidates': 'm',
  'ice-mismatch': 'm',
  mid: 'm',
  msid: 'm',
  ssrc: 'm',
  'ssrc-group': 'm',
  rid: 'm',
  simulcast: 'm',
  'sctp-port': 'm',
  'max-message-size': 'm',
  sctpmap: 'm',
  imageattr: 'm',
  crypto: 'm',
  content: 'm',
  label: 'm',
  'bundle-only': 'm',
  framerate: 'm',
  quality: 'm',
  orient: 'm',
  silenceSupp: 'm',
  floorctrl: 'm',
  confid: 'm',
  userid: 'm',
  floorid: 'm',
};

const LEVEL_REF: Record<string, string> = {
  group: 'RFC 5888 §5',
  'ice-lite': 'RFC 8839 §5.3',
  'msid-semantic': 'draft-ietf-mmusic-msid',
  rtpmap: 'RFC 8866 §6.6',
  fmtp: 'RFC 8866 §6.15',
  ptime: 'RFC 8866 §6.4',
  maxptime: 'RFC 8866 §6.5',
  rtcp: 'RFC 3605 §2.1',
  'rtcp-mux': 'RFC 5761 §5.1.1',
  'rtcp-rsize': 'RFC 5506 §5',
  'rtcp-fb': 'RFC 4585 §4.2',
  candidate: 'RFC 8839 §5.1',
  'remote-candidates': 'RFC 8839 §5.2',
  'ice-mismatch': 'RFC 8839 §5.5',
  mid: 'RFC 5888 §4',
  msid: 'RFC 8830 §2',
  ssrc: 'RFC 5576 §4.1',
  'ssrc-group': 'RFC 5576 §4.2',
  imageattr: 'RFC 6236 §3.1',
  sctpmap: 'draft-ietf-mmusic-sctp-sdp',
  'sctp-port': 'RFC 8841 §5.3',
  crypto: 'RFC 4568 §9.1',
  'bundle-only': 'RFC 8843 §6',
};

export const attributeLevelRule: Rule<SdpContext> = {
  id: 'sdp/attribute-level',
  title: 'Attribute at the wrong level',
  description:
    'Each attribute is defined for session level, media level or both. A media-only attribute (rtpmap, fmtp, ' +
    'candidate, mid, rtcp, rtcp-mux, ssrc, ...) before the first m= line, or a session-only one (group, ice-lite) ' +
    'inside a media description, is ignored by lenient receivers and rejected by strict ones (browsers fail ' +
    'setRemoteDescription).',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.13'), { title: 'IANA SDP att-field registry (usage levels)', url: 'https://www.iana.org/assignments/sdp-parameters/sdp-parameters.xhtml#sdp-att-field' }],
  check(ctx, report) {
    const check = (a: SdpAttribute, level: 's' | 'm'): void => {
      const allowed = LEVEL[a.name];
      if (allowed === undefined || allowed === level) return;
      const where = allowed === 'm' ? 'media-level only' : 'session-level only';
      const ref = LEVEL_REF[a.name] ?? 'RFC 8866 §5.13';
      report({
        span: a.line.span,
        message:
          allowed === 'm'
            ? `a=${a.name} is ${where} (${ref}) but appears before the first m= line: receivers ignore it or reject the SDP`
            : `a=${a.name} is ${where} (${ref}) but appears inside m=${(mediaOfAttr(ctx, a) as SdpMedia | undefined)?.media ?? ''}: receivers ignore it or reject the SDP`,
      });
    };
    for (const a of ctx.session.attributes) check(a, 's');
    for (const m of ctx.session.media) for (const a of m.attributes) check(a, 'm');
  },
};

function mediaOfAttr(ctx: SdpContext, a: SdpAttribute): SdpMedia | undefined {
  return ctx.session.media.find((m) => m.attributes.includes(a));
}

const ONCE = new Set(['mid', 'ice-ufrag', 'ice-pwd', 'setup', 'ptime', 'maxptime', 'rtcp', 'ice-lite', 'sctp-port', 'max-message-size', 'connection']);
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function checkDuplicates(attrs: readonly SdpAttribute[], report: Report): void {
  const seen = new Map<string, SdpAttribute>();
  let dir: SdpAttribute | undefined;
  for (const a of attrs) {
    if (DIRECTIONS.has(a.name)) {
      if (dir !== undefined && dir.name !== a.name) {
        report({ span: a.line.span, message: `a=${a.name} after a=${dir.name} at the same level: the direction is ambiguous (RFC 3264 §5.1, RFC 8866 §6.7)` });
      }
      dir ??= a;
      continue;
    }
    if (!ONCE.has(a.name)) continue;
    const first = seen.get(a.name);
    if (first !== undefined && first.value !== a.value) {
      report({ span: a.line.span, message: `a=${a.name} appears twice at the same level with different values; receivers use either one` });
    }
    if (first === undefined) seen.set(a.name, a);
  }
}

export const duplicateAttributeRule: Rule<SdpContext> = {
  id: 'sdp/duplicate-attribute',
  title: 'Conflicting repeated attribute',
  description:
    'Attributes such as mid, ice-ufrag, ice-pwd, setup, ptime and the direction (sendrecv/sendonly/recvonly/inactive) ' +
    'take one value per level. Two different values make the result depend on the receiver: e.g. a call put on hold ' +
    'on one side only, or ICE checks failing with the wrong password.',
  defaultSeverity: 'warning',
  scope: 'sdp',
  refs: [r8866('5.13'), rfcRef(3264, '5.1'), rfcRef(8839, '5.4')],
  check(ctx, report) {
    checkDuplicates(ctx.session.attributes, report);
    for (const m of ctx.session.media) checkDuplicates(m.attributes, report);
  },
};

export const holdAddressRule: Rule<SdpContext> = {
  id: 'sdp/hold-address',
  title: 'c=0.0.0.0 hold (RFC 2543 style)',
  description:
    'Outside ICE/JSEP, "c=IN IP4 0.0.0.0" is the RFC 2543 way of putting a stream on hold. RFC 3264 uses ' +
    'a=sendonly/inactive with a real address instead; some peers stop RTCP or treat the stream as gone, and ' +
    'resuming may fail. (In WebRTC/ICE offers 0.0.0.0 is a valid placeholder and is not reported.)',
  defaultSeverity: 'info',
  scope: 'sdp',
  refs: [rfcRef(3264, '8.4'), r8866('5.7')],
  check(ctx, report) {
    if (ctx.jsep) return;
    for (const l of ctx.session.lines) {
      if (l.type === 'c' && /^IN IP4 0\.0\.0\.0(\/|$)/.test(l.value)) {
        report({ span: l.span, message: 'c=IN IP4 0.0.0.0 is RFC 2543-style hold; RFC 3264 §8.4 recommends a=sendonly or a=inactive with the real address' });
      }
    }
  },
};

export const ATTRIBUTE_RULES = [rtpmapRule, attributeSyntaxRule, attributeLevelRule, duplicateAttributeRule, holdAddressRule];
