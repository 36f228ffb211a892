// Rule contexts: one parsed SIP message (MessageContext) or one SDP body (SdpContext) with lazily computed, shared
// sub-parses (Vias, name-addrs, CSeq, SDP bodies...). Spans are BYTE offsets into the message (or SDP document) bytes.
import type { ParseProblem, SipHeaderField, SipMessage, SipNameAddr, SipUri, SipVia, Span } from '../sip/types';
import type { SdpAttribute, SdpMedia, SdpSession } from '../sdp/types';
import type { LintSettings } from './types';
import { bodySpan, parseFieldValue, parseSipMessage } from '../sip/parse-message';
import { parseViaListRange } from '../sip/via';
import { parseNameAddrListRange, parseNameAddrRange } from '../sip/name-addr';
import { parseUriRange } from '../sip/uri';
import { parseCSeqRange, parseContentLength } from '../sip/cseq';
import { findSdpBodies, parseSdp, type SdpBody } from '../sdp/parse-sdp';
import { decodeUtf8 } from '../text/decode';
import { classifyIp, ipInCidr, type IpClass } from '../util/ip';

/** Header fields whose value is one name-addr / addr-spec (RFC 3261 §20.10, §20.20, §20.39 and extensions). */
export const SINGLE_NAME_ADDR_HEADERS: ReadonlySet<string> = new Set(['from', 'to', 'reply-to', 'refer-to', 'referred-by', 'p-called-party-id', 'p-served-user']);
/** Header fields whose value is a comma-separated list of name-addrs. */
export const LIST_NAME_ADDR_HEADERS: ReadonlySet<string> = new Set([
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'p-asserted-identity',
  'p-preferred-identity',
  'p-associated-uri',
  'history-info',
  'diversion',
]);

export interface FieldNameAddrs {
  field: SipHeaderField;
  values: SipNameAddr[];
  problems: ParseProblem[];
}

export interface FieldVias {
  field: SipHeaderField;
  vias: SipVia[];
  problems: ParseProblem[];
}

/** Extra facts about where the message came from (trace splitting). */
export interface MessageOrigin {
  /** The bytes are exactly the document's (no prefix removal, no restored CRs). */
  verbatim: boolean;
  /** CRs were restored by the splitter (the log format had dropped them). */
  restoredCr: boolean;
  /**
   * How the message really travelled, when known (a capture: MessageInfo.transport, e.g. 'UDP', 'TLS' for SIP SIPScope
   * decrypted); rules that judge the transport prefer it to what the top Via says. Undefined for text.
   */
  transport?: string;
}

/** Everything message-scope rules read; computed on first use and cached. */
export class MessageContext {
  readonly bytes: Uint8Array;
  readonly msg: SipMessage;
  readonly parseProblems: readonly ParseProblem[];
  readonly settings: LintSettings;
  readonly origin: MessageOrigin;
  private cache = new Map<string, unknown>();

  constructor(bytes: Uint8Array, settings: LintSettings, origin: MessageOrigin) {
    this.bytes = bytes;
    const r = parseSipMessage(bytes);
    this.msg = r.message;
    this.parseProblems = r.problems;
    this.settings = settings;
    this.origin = origin;
  }

  private memo<T>(key: string, f: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = f();
    this.cache.set(key, v);
    return v;
  }

  /** UTF-8 text of a span of this message. */
  text(span: Span): string {
    return decodeUtf8(this.bytes, span.start, span.end);
  }

  get isRequest(): boolean {
    return this.msg.kind === 'request';
  }

  get isResponse(): boolean {
    return this.msg.kind === 'response';
  }

  /** The request method, or for responses the CSeq method (the method the response answers). */
  get method(): string | undefined {
    return this.msg.kind === 'request' ? this.msg.method : this.cseq?.value?.method;
  }

  /** Request-URI parsed (RFC 3261 §19.1.1) with its problems; undefined for responses. */
  get requestUri(): { uri: SipUri | undefined; problems: ParseProblem[] } | undefined {
    return this.memo('ruri', () => {
      const s = this.msg.requestUriSpan;
      if (s === undefined) return undefined;
      const problems: ParseProblem[] = [];
      const uri = parseUriRange(this.bytes, s.start, s.end, 0, problems);
      return { uri, problems };
    });
  }

  /** Every Via header field with its via-parms and problems, in message order. */
  get viaFields(): FieldVias[] {
    return this.memo('vias', () =>
      this.msg.headersNamed('via').map((field) => {
        const problems: ParseProblem[] = [];
        const vias = parseFieldValue(this.msg, field, parseViaListRange, problems);
        return { field, vias, problems };
      }),
    );
  }

  /** The topmost via-parm (RFC 3261 §8.1.1.7: the one this hop added). */
  get topVia(): SipVia | undefined {
    for (const f of this.viaFields) if (f.vias.length > 0) return f.vias[0];
    return undefined;
  }

  /** Every field whose value is one or more name-addrs, parsed (From, To, Contact, Route, Record-Route, ...). */
  get nameAddrFields(): FieldNameAddrs[] {
    return this.memo('nameaddrs', () => {
      const out: FieldNameAddrs[] = [];
      for (const field of this.msg.headers) {
        const c = field.canonical;
        if (SINGLE_NAME_ADDR_HEADERS.has(c)) {
          const problems: ParseProblem[] = [];
          const v = parseFieldValue(this.msg, field, parseNameAddrRange, problems);
          out.push({ field, values: v === undefined ? [] : [v], problems });
        } else if (LIST_NAME_ADDR_HEADERS.has(c)) {
          const problems: ParseProblem[] = [];
          const values = parseFieldValue(this.msg, field, parseNameAddrListRange, problems);
          out.push({ field, values, problems });
        }
      }
      return out;
    });
  }

  /** Parsed fields named `canonical` (e.g. `from`, `contact`). */
  nameAddrs(canonical: string): FieldNameAddrs[] {
    return this.nameAddrFields.filter((f) => f.field.canonical === canonical);
  }

  /** The first From / To value. */
  get from(): SipNameAddr | undefined {
    return this.nameAddrs('from')[0]?.values[0];
  }

  get to(): SipNameAddr | undefined {
    return this.nameAddrs('to')[0]?.values[0];
  }

  /** CSeq (first field) parsed (RFC 3261 §20.16). */
  get cseq(): { field: SipHeaderField; value: { seq: number; method: string; span: Span } | undefined; problems: ParseProblem[] } | undefined {
    return this.memo('cseq', () => {
      const field = this.msg.header('cseq');
      if (field === undefined) return undefined;
      const problems: ParseProblem[] = [];
      const value = parseFieldValue(this.msg, field, parseCSeqRange, problems);
      return { field, value, problems };
    });
  }

  /** Declared Content-Length of the first field (RFC 3261 §20.14), undefined when absent or not a number. */
  get contentLength(): { field: SipHeaderField; value: number | undefined; valueSpan: Span | undefined; problems: ParseProblem[] } | undefined {
    return this.memo('cl', () => {
      const field = this.msg.header('content-length');
      if (field === undefined) return undefined;
      const r = parseContentLength(this.bytes, 0, field.valueSpan.start, field.valueSpan.end);
      return { field, value: r.value?.value, valueSpan: r.value?.span, problems: r.problems };
    });
  }

  /** The body as delimited by a valid Content-Length (extra trailing octets excluded), else everything after the empty line. */
  get bodySpan(): Span {
    return this.memo('body', () => bodySpan(this.msg));
  }

  /** SDP bodies (application/sdp, or parts of a multipart body) parsed with spans in message coordinates. */
  get sdpBodies(): { body: SdpBody; session: SdpSession; problems: ParseProblem[] }[] {
    return this.memo('sdp', () => {
      let bodies = findSdpBodies(this.msg);
      // A Content-Length shorter than the body cuts the SDP mid-line (reported by sip/content-length); lint the SDP as
      // written rather than repeat that defect as SDP findings.
      const full = this.msg.body;
      const first = bodies[0];
      if (bodies.length === 1 && first !== undefined && first.start === full.start && first.end < full.end) {
        let extra = false;
        for (let i = first.end; i < full.end; i++) {
          const c = this.bytes[i];
          if (c !== 32 && c !== 9 && c !== 13 && c !== 10) {
            extra = true;
            break;
          }
        }
        const tail = first.end < full.end && this.bytes[first.end - 1] !== 10;
        if (extra && tail) bodies = [{ start: full.start, end: full.end, bytes: this.bytes.subarray(full.start, full.end) }];
      }
      return bodies.map((body) => {
        const r = parseSdp(body.bytes, body.start);
        return { body, session: r.session, problems: r.problems };
      });
    });
  }

  /** The top Via's transport uppercased (UDP when unknown). */
  get transport(): string {
    return this.topVia?.transport ?? 'UDP';
  }
}

/** Everything SDP-scope rules read about one session description. */
export class SdpContext {
  /** Bytes the spans index into (the SIP message, or the SDP document itself). */
  readonly bytes: Uint8Array;
  readonly session: SdpSession;
  readonly parseProblems: readonly ParseProblem[];
  /** Span of the SDP body in `bytes`. */
  readonly body: Span;
  readonly settings: LintSettings;
  /** True when the SDP is the body of a SIP message (false for a standalone .sdp document). */
  readonly inSip: boolean;
  private jsepCache: boolean | undefined;

  constructor(bytes: Uint8Array, session: SdpSession, problems: readonly ParseProblem[], body: Span, settings: LintSettings, inSip: boolean) {
    this.bytes = bytes;
    this.session = session;
    this.parseProblems = problems;
    this.body = body;
    this.settings = settings;
    this.inSip = inSip;
  }

  /**
   * ICE/DTLS/BUNDLE offer-answer in the JSEP style (RFC 8829): some m= uses a DTLS proto, or ICE attributes or a
   * BUNDLE group are present. There `c=IN IP4 0.0.0.0` and port 9 are valid placeholders (RFC 8829 §5.2.1,
   * RFC 8839 §4.2.1).
   */
  get jsep(): boolean {
    if (this.jsepCache !== undefined) return this.jsepCache;
    const s = this.session;
    let v = s.attributes.some((a) => a.name === 'ice-ufrag' || a.name === 'ice-lite' || (a.name === 'group' && /^BUNDLE\b/i.test(a.value ?? '')));
    if (!v) {
      for (const m of s.media) {
        if (isDtlsProto(m.proto) || m.candidates.length > 0 || m.attributes.some((a) => a.name === 'ice-ufrag' || a.name === 'candidate' || a.name === 'bundle-only')) {
          v = true;
          break;
        }
      }
    }
    this.jsepCache = v;
    return v;
  }

  /** Attributes named `name` at session level. */
  sessionAttrs(name: string): SdpAttribute[] {
    return this.session.attributes.filter((a) => a.name === name);
  }

  /** Attribute `name` at media level, else at session level (values inherited by media, RFC 8866 §5.13). */
  effectiveAttr(m: SdpMedia, name: string): SdpAttribute | undefined {
    return m.attributes.find((a) => a.name === name) ?? this.session.attributes.find((a) => a.name === name);
  }
}

/** Protos that run over DTLS (RFC 5764 §8, RFC 8841 §4) and so need a=fingerprint (RFC 8842 §5). */
export function isDtlsProto(proto: string): boolean {
  const p = proto.toUpperCase();
  return p.startsWith('UDP/TLS/') || p.startsWith('TCP/TLS/') || p.startsWith('UDP/DTLS/') || p.startsWith('TCP/DTLS/') || p === 'DTLS/SCTP';
}

/** An address declared in the text, classified for NAT rules. */
export interface AddressClass {
  /** 'domain' for host names; otherwise the IP class of util/ip.ts. */
  cls: IpClass | 'domain' | 'invalid';
  /** The address text without IPv6 brackets. */
  address: string;
  /** True when settings.trustedNetworks contains it (then NAT rules stay quiet). */
  trusted: boolean;
}

const DOMAIN_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/;

/** Classify a host (IPv4, IPv6 with or without brackets, or a domain name) against the NAT address classes. */
export function classifyHost(host: string, settings: LintSettings): AddressClass {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const c = classifyIp(h);
  if (c === undefined) {
    const isDomain = DOMAIN_RE.test(h) && /[A-Za-z]/.test(h);
    return { cls: isDomain ? 'domain' : 'invalid', address: h, trusted: false };
  }
  const trusted = settings.trustedNetworks.some((cidr) => ipInCidr(h, cidr));
  return { cls: c, address: h, trusted };
}

/** Address classes that do not route across the public Internet (RFC 1918, RFC 6598, RFC 3927/4291, RFC 4193). */
export function isNonPublic(c: AddressClass['cls']): c is 'private' | 'shared' | 'loopback' | 'link-local' | 'ula' {
  return c === 'private' || c === 'shared' || c === 'loopback' || c === 'link-local' || c === 'ula';
}

/** Human label of an address class with its RFC, for finding messages. */
export function describeClass(c: AddressClass['cls']): string {
  switch (c) {
    case 'private':
      return 'a private (RFC 1918) address';
    case 'shared':
      return 'a carrier-grade NAT shared address (RFC 6598, 100.64.0.0/10)';
    case 'loopback':
      return 'a loopback address';
    case 'link-local':
      return 'a link-local address (RFC 3927 / RFC 4291)';
    case 'ula':
      return 'an IPv6 unique local address (RFC 4193, fc00::/7)';
    default:
      return `a ${c} address`;
  }
}
