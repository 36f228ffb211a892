// Contracts for splitting a pasted trace (raw SIP, or with sngrep/ngrep/tcpdump/Kamailio/Asterisk/FreeSWITCH log
// prefixes) into messages whose positions map back to the document.
import type { Span } from '../text/span';

/** Where a message came from. 'syslog' = a syslog-prefixed log whose process is not one of the named servers. */
export type TracePrefixFormat = 'raw' | 'sngrep' | 'ngrep' | 'tcpdump' | 'kamailio' | 'opensips' | 'asterisk' | 'freeswitch' | 'syslog';

/** What a log prefix line said about the message that follows (all optional). */
export interface TracePrefix {
  format: TracePrefixFormat;
  /** Byte span of the prefix line(s) in the document. */
  span: Span;
  /** Timestamp text as written. */
  time?: string;
  /** Seconds since epoch when the timestamp had a date. */
  epochSec?: number;
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  /** UDP / TCP / TLS / WS / WSS / SCTP when the prefix says. */
  transport?: string;
  /** 'in' = received by the logging host, 'out' = sent (Asterisk/FreeSWITCH/Kamailio say which). */
  direction?: 'in' | 'out';
}

/** One SIP message found in a document. */
export interface TraceMessage {
  /** 0-based index in the document. */
  index: number;
  /** Byte span, in the document's UTF-8 bytes, from the start line to the end of the message (body included). */
  span: Span;
  prefix: TracePrefix | undefined;
  /**
   * The message's own bytes. Equal to doc.subarray(span) for raw messages; when a log format prefixes every line
   * (e.g. Kamailio `... kamailio[12]: `), the prefixes are removed and line ends normalised as written.
   */
  bytes: Uint8Array;
  /** Map an offset into `bytes` to a byte offset into the document. */
  toDocumentOffset(offset: number): number;
  /**
   * True when `bytes` is exactly the document's bytes in `span` (raw text, sngrep, Asterisk): every offset maps by a
   * constant delta. False when the log format forced a rewrite (prefixes or indents removed, escapes decoded, CRs
   * restored); edits are then only exact where a byte range maps contiguously (lintMessage drops fixes that do not).
   */
  verbatim?: boolean;
  /**
   * True when the log format had dropped the CR of each CRLF (tcpdump -A, FreeSWITCH siptrace, ngrep byline '.',
   * per-line syslog) and the splitter restored it, so Content-Length and line-end checks see the wire bytes.
   */
  restoredCr?: boolean;
}
