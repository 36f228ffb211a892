// SIP message model (RFC 3261 §7): spans are BYTE offsets into SipMessage.bytes. Values are decoded lazily.
import type { ParseProblem, Span } from '../text/span';

/** One header field (RFC 3261 §7.3). */
export interface SipHeaderField {
  /** Name exactly as written (e.g. `v`, `VIA`, `Via`). */
  readonly name: string;
  /**
   * Canonical lowercase full name: compact forms expanded (`v` -> `via`, `l` -> `content-length`),
   * other names lowercased (`X-Foo` -> `x-foo`).
   */
  readonly canonical: string;
  /** Span of the name. */
  readonly nameSpan: Span;
  /** Span of the raw value: after `:` and leading whitespace, up to the last non-whitespace byte (folded lines included). */
  readonly valueSpan: Span;
  /** Whole field, name through end of value (continuation lines included), without the terminating line end. */
  readonly lineSpan: Span;
  /** Value decoded as UTF-8 with line folding (CRLF/LF followed by SP/HTAB) replaced by one SP (RFC 3261 §7.3.1). */
  readonly value: string;
}

export type SipMessageKind = 'request' | 'response' | 'invalid';

/** A parsed SIP message. `kind: 'invalid'` means the start line was not recognised; headers are still parsed. */
export interface SipMessage {
  /** The bytes the message was parsed from; every Span indexes into these (after subtracting baseOffset). */
  readonly bytes: Uint8Array;
  /**
   * Absolute offset of bytes[0] (parseSipMessage's `baseOffset` option, default 0). Every Span and offset of this
   * message is `baseOffset + index into bytes`, e.g. document offsets when the message was cut from a document.
   */
  readonly baseOffset: number;
  readonly kind: SipMessageKind;
  /** Start line without its line end. */
  readonly startLine: Span;
  /** Request method token as written (case-sensitive per RFC 3261 §7.1), requests only. */
  readonly method: string | undefined;
  readonly requestUri: string | undefined;
  readonly requestUriSpan: Span | undefined;
  /** Status code (100..699 when valid), responses only. */
  readonly statusCode: number | undefined;
  readonly reason: string | undefined;
  /** SIP-Version as written, normally `SIP/2.0`. */
  readonly version: string;
  readonly headers: readonly SipHeaderField[];
  /** Offset of the first body byte (just after the empty line), or bytes.length when there is no empty line. */
  readonly bodyStart: number;
  /** Body bytes span: from bodyStart to end of bytes. */
  readonly body: Span;
  /** Line ends used in the header section. */
  readonly lineEnding: 'CRLF' | 'LF' | 'mixed';
  /** First header field with this canonical name (compact forms accepted: `header('v')` == `header('via')`). */
  header(name: string): SipHeaderField | undefined;
  /** All header fields with this canonical name, in order. */
  headersNamed(name: string): SipHeaderField[];
}

export interface SipParseResult {
  message: SipMessage;
  problems: ParseProblem[];
}

/** A generic `;name=value` parameter (RFC 3261 §25.1 generic-param). `value` undefined for a flag (`;lr`). */
export interface SipParam {
  readonly name: string;
  readonly value: string | undefined;
  readonly span: Span;
}

/** SIP/SIPS URI (RFC 3261 §19.1) or tel URI (RFC 3966). */
export interface SipUri {
  /** Lowercased scheme: `sip`, `sips`, `tel`, or another scheme for absoluteURI. */
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as written; IPv6 references keep their brackets (`[2001:db8::1]`). Empty for tel URIs. */
  readonly host: string;
  readonly port: number | undefined;
  readonly params: readonly SipParam[];
  /** `?h=v&...` header part, raw, without the `?`. */
  readonly headers: string | undefined;
  /** The whole URI text as written. */
  readonly raw: string;
  readonly span: Span;
  readonly hostSpan: Span;
}

/** name-addr / addr-spec as in From, To, Contact, Route, Record-Route (RFC 3261 §20.10, §25.1). */
export interface SipNameAddr {
  readonly displayName: string | undefined;
  readonly uri: SipUri | undefined;
  /** Raw URI text even if it did not parse. */
  readonly uriText: string;
  /** Header parameters after the URI (`;tag=...`, `;expires=...`). */
  readonly params: readonly SipParam[];
  readonly tag: string | undefined;
  /** True for `Contact: *`. */
  readonly star: boolean;
  readonly span: Span;
}

/** One via-parm (RFC 3261 §20.42, RFC 3581 rport). */
export interface SipVia {
  /** `SIP/2.0` as written. */
  readonly protocol: string;
  /** Uppercased transport token: UDP, TCP, TLS, SCTP, WS, WSS, ... */
  readonly transport: string;
  /** sent-by host as written (IPv6 in brackets). */
  readonly host: string;
  readonly port: number | undefined;
  readonly params: readonly SipParam[];
  readonly branch: string | undefined;
  readonly received: string | undefined;
  /** RFC 3581: `rport` present (with or without value) and its value when given. */
  readonly rportPresent: boolean;
  readonly rport: number | undefined;
  readonly maddr: string | undefined;
  readonly span: Span;
  /** Span of host[:port]. */
  readonly sentBySpan: Span;
}

export interface SipCSeq {
  readonly seq: number;
  readonly method: string;
  readonly span: Span;
}

export type { ParseProblem, Span };
