// SDP model (RFC 8866) with our own line positions; field values parsed with sdp-transform where it helps.
import type { Span } from '../text/span';

/** One `<type>=<value>` line. Spans are byte offsets into the bytes given to parseSdp (plus its base offset). */
export interface SdpLine {
  /** The single-character type (`v`, `o`, `c`, `m`, `a`, ...); '' when the line has no `x=` prefix. */
  readonly type: string;
  /** Text after `=`. */
  readonly value: string;
  /** Whole line without its line end. */
  readonly span: Span;
  readonly valueSpan: Span;
  /** 0-based line number within the SDP body. */
  readonly index: number;
}

export interface SdpAttribute {
  readonly name: string;
  readonly value: string | undefined;
  readonly line: SdpLine;
}

/** c= line (RFC 8866 §5.7). */
export interface SdpConnection {
  readonly netType: string;
  /** `IP4` / `IP6` as written. */
  readonly addrType: string;
  /** Address without TTL / count suffix (`224.2.1.1/127` -> `224.2.1.1`). */
  readonly address: string;
  readonly line: SdpLine;
  readonly addressSpan: Span;
}

/** o= line (RFC 8866 §5.2). */
export interface SdpOrigin {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
  readonly line: SdpLine;
  readonly addressSpan: Span;
}

export interface SdpRtpMap {
  readonly payloadType: number;
  readonly encoding: string;
  readonly clockRate: number;
  readonly channels: number | undefined;
}

/** a=candidate (RFC 8839 §5.1). */
export interface SdpCandidate {
  readonly foundation: string;
  readonly component: number;
  readonly transport: string;
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  /** host | srflx | prflx | relay */
  readonly type: string;
  readonly relatedAddress: string | undefined;
  readonly relatedPort: number | undefined;
  readonly line: SdpLine;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** One m= section (RFC 8866 §5.14) with the lines that belong to it. */
export interface SdpMedia {
  readonly media: string;
  readonly port: number;
  readonly portCount: number | undefined;
  readonly proto: string;
  readonly formats: readonly string[];
  readonly line: SdpLine;
  readonly portSpan: Span;
  /** c= at media level, if any. */
  readonly connection: SdpConnection | undefined;
  readonly attributes: readonly SdpAttribute[];
  readonly rtpmaps: readonly SdpRtpMap[];
  /** a=rtcp (RFC 3605): port and optional address. */
  readonly rtcp: { port: number; address: string | undefined } | undefined;
  readonly rtcpMux: boolean;
  /** a=sendrecv/sendonly/recvonly/inactive at media level, else the session-level one, else undefined. */
  readonly direction: SdpDirection | undefined;
  readonly candidates: readonly SdpCandidate[];
  readonly mid: string | undefined;
  /** Lines from the m= line up to (not including) the next m= line. */
  readonly lines: readonly SdpLine[];
}

export interface SdpSession {
  readonly lines: readonly SdpLine[];
  readonly version: string | undefined;
  readonly origin: SdpOrigin | undefined;
  readonly sessionName: string | undefined;
  /** Session-level c=. */
  readonly connection: SdpConnection | undefined;
  /** Session-level attributes (before the first m=). */
  readonly attributes: readonly SdpAttribute[];
  readonly direction: SdpDirection | undefined;
  readonly media: readonly SdpMedia[];
}
