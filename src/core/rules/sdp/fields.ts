// SDP field rules: o= (RFC 8866 §5.2), c= (§5.7), m= (§5.14), t=/r=/z= (§5.9-5.11) and b= (§5.8) syntax, and
// c= presence for every media description.
import type { SdpLine, SdpMedia } from '../../sdp/types';
import type { Rule } from '../types';
import type { SdpContext } from '../context';
import { rfcRef } from '../types';
import { r8866 } from '../util';
import { isIpv4Address, isIpv6Address } from '../../sip/uri';
import { encodeUtf8 } from '../../text/decode';

/** Fields of a line value split on SP/HTAB with their byte offsets (absolute). */
export function fieldsOf(l: SdpLine): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  const v = l.value;
  const re = /[^ \t]+/g;
  let m: RegExpExecArray | null;
  let ascii = true;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0x7f) ascii = false;
  while ((m = re.exec(v)) !== null) {
    const s = ascii ? m.index : encodeUtf8(v.slice(0, m.index)).length;
    const e = s + (ascii ? m[0].length : encodeUtf8(m[0]).length);
    out.push({ text: m[0], start: l.valueSpan.start + s, end: l.valueSpan.start + e });
  }
  return out;
}

const FQDN = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Why `address` is not valid for `addrType` (RFC 8866 §5.2, §5.7: IP4 dotted quad / IP6 address / FQDN), or undefined. */
export function addressProblem(addrType: string, address: string): string | undefined {
  if (addrType === 'IP4') {
    if (isIpv4Address(address)) return undefined;
    if (address.includes(':')) return `"${address}" is an IPv6 address but the address type is IP4`;
    if (/^[\d.]+$/.test(address)) return `"${address}" is not a valid IPv4 address`;
    return FQDN.test(address) && /[A-Za-z]/.test(address) ? undefined : `"${address}" is neither an IPv4 address nor a domain name`;
  }
  if (addrType === 'IP6') {
    if (address.startsWith('[')) return `"${address}": IPv6 addresses are written without brackets in SDP`;
    if (isIpv6Address(address)) return undefined;
    if (isIpv4Address(address)) return `"${address}" is an IPv4 address but the address type is IP6`;
    return FQDN.test(address) && /[A-Za-z]/.test(address) ? undefined : `"${address}" is neither an IPv6 address nor a domain name`;
  }
  return undefined;
}

export const originRule: Rule<SdpContext> = {
  id: 'sdp/origin',
  title: 'Malformed o= line',
  description:
    'o= is "<username> <sess-id> <sess-version> IN <IP4|IP6> <address>": six fields, numeric session id and version, ' +
    'an address that matches its type. Strict parsers reject the SDP otherwise, and a session version that is not a ' +
    'number breaks re-offer detection.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.2')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) if (p.code === 'sdp/bad-origin-line') report({ span: p.span, message: p.message });
    const o = ctx.session.lines.find((l) => l.type === 'o');
    if (o === undefined) return;
    const f = fieldsOf(o);
    if (f.length < 6) return; // reported by the parser problem above
    if (f.length > 6) {
      report({ span: { start: (f[6] as { start: number }).start, end: o.span.end }, message: `o= has ${f.length} fields, exactly 6 are expected (RFC 8866 §5.2)` });
    }
    const [, id, ver, net, addrType, addr] = f as [(typeof f)[0], (typeof f)[0], (typeof f)[0], (typeof f)[0], (typeof f)[0], (typeof f)[0]];
    if (!/^\d+$/.test(id.text)) report({ span: id, message: `o= sess-id "${id.text}" is not a number (RFC 8866 §5.2)` });
    if (!/^\d+$/.test(ver.text)) report({ span: ver, message: `o= sess-version "${ver.text}" is not a number: re-offers cannot be told from repeats (RFC 8866 §5.2, RFC 3264 §8)` });
    if (net.text !== 'IN') report({ span: net, severity: 'warning', message: `o= nettype "${net.text}" is not IN (RFC 8866 §5.2)` });
    if (addrType.text !== 'IP4' && addrType.text !== 'IP6') {
      if (net.text === 'IN') report({ span: addrType, message: `o= addrtype "${addrType.text}" is not IP4 or IP6 (RFC 8866 §5.2)` });
      return;
    }
    const why = addressProblem(addrType.text, addr.text);
    if (why !== undefined) report({ span: addr, message: `o= address ${why} (RFC 8866 §5.2)` });
  },
};

export const connectionRule: Rule<SdpContext> = {
  id: 'sdp/connection',
  title: 'c= missing or malformed',
  description:
    'Media needs a connection address: a session-level c= or a c= in every media description. c= is "IN <IP4|IP6> ' +
    '<address>", IPv4 multicast addresses carry a TTL ("/127"). Without a usable c= the peer does not know where to ' +
    'send RTP: no audio.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.7')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) if (p.code === 'sdp/bad-connection-line') report({ span: p.span, message: p.message });
    for (const l of ctx.session.lines) {
      if (l.type !== 'c') continue;
      const f = fieldsOf(l);
      if (f.length < 3) continue;
      const [net, type, addrF] = f as [(typeof f)[0], (typeof f)[0], (typeof f)[0]];
      if (f.length > 3) report({ span: { start: (f[3] as { start: number }).start, end: l.span.end }, message: 'Extra fields after the c= connection address (RFC 8866 §5.7)' });
      if (net.text !== 'IN') {
        report({ span: net, severity: 'warning', message: `c= nettype "${net.text}" is not IN (RFC 8866 §5.7)` });
        continue;
      }
      if (type.text !== 'IP4' && type.text !== 'IP6') {
        report({ span: type, message: `c= addrtype "${type.text}" is not IP4 or IP6 (RFC 8866 §5.7)` });
        continue;
      }
      const parts = addrF.text.split('/');
      const addr = parts[0] as string;
      const why = addressProblem(type.text, addr);
      if (why !== undefined) {
        report({ span: addrF, message: `c= address ${why} (RFC 8866 §5.7)` });
        continue;
      }
      const multicast4 = type.text === 'IP4' && /^(22[4-9]|23\d)\./.test(addr);
      if (parts.slice(1).some((x) => !/^\d+$/.test(x))) {
        report({ span: addrF, message: `c= address suffix "/${parts.slice(1).join('/')}" is not numeric (RFC 8866 §5.7)` });
      } else if (multicast4 && parts.length < 2) {
        report({ span: addrF, message: 'An IPv4 multicast c= address needs a TTL ("/<ttl>", RFC 8866 §5.7)' });
      } else if (!multicast4 && type.text === 'IP4' && parts.length > 1) {
        report({ span: addrF, severity: 'warning', message: 'A TTL / address count is only meaningful for multicast addresses (RFC 8866 §5.7)' });
      } else if (type.text === 'IP6' && parts.length > 2) {
        report({ span: addrF, message: 'IPv6 c= addresses take no TTL, only an optional address count (RFC 8866 §5.7)' });
      }
    }
    if (ctx.session.connection !== undefined) return;
    for (const m of ctx.session.media) {
      if (m.connection !== undefined || m.port === 0 || m.attributes.some((a) => a.name === 'bundle-only')) continue;
      report({
        span: m.line.span,
        message: `m=${m.media} has no c= line and there is no session-level c=: the peer has no address to send media to (RFC 8866 §5.7)`,
      });
    }
  },
};

const KNOWN_MEDIA = new Set(['audio', 'video', 'text', 'application', 'message', 'image']);
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

/** RTP-based protos, whose formats are RTP payload type numbers (RFC 8866 §5.14, RFC 3551). */
export function isRtpProto(proto: string): boolean {
  return /(^|\/)RTP(\/|$)/i.test(proto);
}

export const mediaLineRule: Rule<SdpContext> = {
  id: 'sdp/media-line',
  title: 'Malformed m= line',
  description:
    'm= is "<media> <port>[/<count>] <proto> <fmt> ...": a port 0-65535, a proto such as RTP/AVP or UDP/TLS/RTP/SAVPF, ' +
    'and for RTP protos payload type numbers 0-127. A receiver that cannot read the m= line rejects the whole stream ' +
    '(port 0 in the answer, no media).',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.14'), rfcRef(3551, '6')],
  check(ctx, report) {
    for (const p of ctx.parseProblems) if (p.code === 'sdp/bad-media-line' || p.code === 'sdp/bad-port') report({ span: p.span, message: p.message });
    for (const m of ctx.session.media) {
      const f = fieldsOf(m.line);
      if (f.length < 4) continue;
      const media = f[0] as (typeof f)[0];
      if (!TOKEN.test(media.text)) report({ span: media, message: `m= media type "${media.text}" is not a token (RFC 8866 §5.14)` });
      else if (!KNOWN_MEDIA.has(media.text)) report({ span: media, severity: 'info', message: `m= media type "${media.text}" is not a registered media type (audio, video, text, application, message, image)` });
      const proto = f[2] as (typeof f)[0];
      if (!proto.text.split('/').every((x) => TOKEN.test(x))) report({ span: proto, message: `m= proto "${proto.text}" is not token *("/" token) (RFC 8866 §5.14)` });
      if (isRtpProto(m.proto)) {
        for (const fmt of f.slice(3)) {
          if (!/^\d{1,3}$/.test(fmt.text) || Number(fmt.text) > 127) {
            report({ span: fmt, message: `RTP payload type "${fmt.text}" is not a number 0-127 (RFC 8866 §5.14, RFC 3551 §6)` });
          }
        }
      }
    }
  },
};

export const timingRule: Rule<SdpContext> = {
  id: 'sdp/timing',
  title: 'Malformed t=, r= or z= line',
  description:
    't= is "<start> <stop>" (NTP seconds, "0 0" for a permanent session); r= and z= follow their typed-time grammar. ' +
    'Strict parsers reject the SDP when these cannot be read.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.9'), r8866('5.10'), r8866('5.11')],
  check(ctx, report) {
    for (const l of ctx.session.lines) {
      if (l.type === 't' && !/^\d+ \d+$/.test(l.value)) {
        report({ span: l.span, message: 't= must be "<start time> <stop time>" in decimal NTP seconds, e.g. "t=0 0" (RFC 8866 §5.9)' });
      } else if (l.type === 'r' && !/^\d+[dhms]?( \d+[dhms]?){2,}$/.test(l.value)) {
        report({ span: l.span, message: 'r= must be "<repeat interval> <active duration> <offsets...>" (RFC 8866 §5.10)' });
      } else if (l.type === 'z' && !/^\d+ -?\d+[dhms]?( \d+ -?\d+[dhms]?)*$/.test(l.value)) {
        report({ span: l.span, message: 'z= must be pairs of "<adjustment time> <offset>" (RFC 8866 §5.11)' });
      }
    }
  },
};

const BWTYPES = new Set(['CT', 'AS', 'TIAS', 'RS', 'RR']);

export const bandwidthRule: Rule<SdpContext> = {
  id: 'sdp/bandwidth',
  title: 'Malformed or unknown b= line',
  description:
    'b= is "<bwtype>:<bandwidth>" with a numeric bandwidth (kbit/s for CT and AS, bit/s for TIAS). A b= that cannot ' +
    'be read makes strict parsers reject the SDP; an unknown bwtype is ignored by the receiver.',
  defaultSeverity: 'error',
  scope: 'sdp',
  refs: [r8866('5.8'), rfcRef(3556, '2'), rfcRef(3890, '6.2')],
  check(ctx, report) {
    for (const l of ctx.session.lines) {
      if (l.type !== 'b') continue;
      const m = /^([^:\s]+):(\d+)$/.exec(l.value);
      if (!m) {
        report({ span: l.span, message: 'b= must be "<bwtype>:<bandwidth>" with a decimal bandwidth (RFC 8866 §5.8)' });
      } else if (!BWTYPES.has(m[1] as string) && !(m[1] as string).startsWith('X-')) {
        report({ span: l.span, severity: 'hint', message: `Unknown bandwidth type "${m[1]}": the receiver ignores this line (RFC 8866 §5.8)` });
      }
    }
  },
};

/** The media description a line belongs to, if any. */
export function mediaOf(ctx: SdpContext, l: SdpLine): SdpMedia | undefined {
  for (const m of ctx.session.media) if (m.lines.includes(l)) return m;
  return undefined;
}

export const FIELD_RULES = [originRule, connectionRule, mediaLineRule, timingRule, bandwidthRule];
