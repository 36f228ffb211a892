// The ladder (call flow) view model: columns = endpoints, rows = one arrow per SIP message, in time order.
// Built once in the core (build.ts) and drawn by every renderer (ASCII, SVG, HTML, Mermaid, PlantUML, webview).
// Strings here are RAW capture text: each renderer escapes them for its own output format.
import type { SipTransport } from '../decode/types';

/** How endpoints map to columns: one per `ip:port` (default) or one per IP address (ports merged). */
export type LadderColumnMode = 'endpoint' | 'ip';

/** How the time of a row is shown: wall clock (UTC), seconds since the first row, or since the previous row. */
export type LadderTimeMode = 'absolute' | 'relative' | 'delta';

/** One lifeline. */
export interface LadderColumn {
  /** 0-based position, left to right (== index in LadderModel.columns). */
  index: number;
  /** Identity used to merge messages onto this column: `ip|port` (endpoint mode) or `ip` (ip mode); IPv6 lower-cased. */
  key: string;
  /** Header text: `10.0.0.1:5060`, `[2001:db8::1]:5060`, or the bare IP in ip mode. */
  label: string;
  ip: string;
  /** undefined when ports are merged (ip mode). */
  port: number | undefined;
  ipVersion: 4 | 6;
  /** Optional cached x position (CSS px, see geometry.ts); the builder leaves it unset. */
  x?: number;
}

/**
 * 1-6 = status class of a response (1xx..6xx); 0 for requests, invalid messages and out-of-range codes.
 * Renderers colour arrows by it.
 */
export type StatusClass = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** One arrow: a SIP message from one column to another (or to itself when fromColumn === toColumn). */
export interface LadderRow {
  /** 0-based row number (== index in LadderModel.rows). */
  index: number;
  /** MessageInfo.id of the message drawn by this arrow. */
  messageId: number;
  /** 1-based capture record number (tshark frame.number). */
  frame: number;
  fromColumn: number;
  toColumn: number;
  /** Actual addresses (kept even when columns merge ports). */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Plain arrow text (`INVITE`, `180 Ringing`); decorations such as `(SDP)` come from {@link arrowLabel}. */
  label: string;
  /** Secondary text: `CSeq 1 INVITE` (empty when the message has no parsable CSeq). */
  detail: string;
  kind: 'request' | 'response' | 'invalid';
  method: string | undefined;
  statusCode: number | undefined;
  statusClass: StatusClass;
  hasSdp: boolean;
  retransmission: boolean;
  truncated: boolean;
  transport: SipTransport;
  /** Index into CaptureModel.calls, or -1 (message without Call-ID). */
  callIndex: number;
  /**
   * ICMP/ICMPv6 errors that answered this arrow's datagram (a port unreachable from a closed NAT pinhole...), in
   * capture order; absent when none (see icmp.ts, BuildLadderOptions.icmp).
   */
  icmp?: LadderIcmp[];
  /** Capture timestamp: whole seconds since the Unix epoch (UTC) + nanoseconds. */
  timeSec: number;
  timeNsec: number;
  /** Seconds (fractional, ns-rounded) since the first row of this ladder. 0 for the first row. */
  relativeSec: number;
  /** Seconds (fractional, ns-rounded) since the previous row. 0 for the first row. */
  deltaSec: number;
}

/**
 * An ICMP or ICMPv6 error (RFC 792, RFC 4443 §3) quoting the datagram of an arrow or stream: it was refused or lost
 * on the way, and by whom.
 */
export interface LadderIcmp {
  /** 1-based capture record of the ICMP error. */
  frame: number;
  /** Who sent the error: the refusing host, a router, the NAT. */
  reporter: string;
  /** What it says: `port unreachable`, `host unreachable`, `time exceeded`... (icmpErrorText). */
  error: string;
}

/** Alias: an arrow is a row (one arrow per row). */
export type LadderArrow = LadderRow;

/** A call that has arrows in this ladder, with a stable colour slot (renderers take colorIndex modulo their palette). */
export interface LadderCall {
  callIndex: number;
  /** Call-ID when CallInfo was given to the builder, else ''. */
  callId: string;
  /** 0, 1, 2... in order of the call's first arrow. */
  colorIndex: number;
}

/**
 * An RTP stream drawn as a band between two columns over a range of rows (build.ts fills these when given
 * `streams`): from the column of its source to the column of its destination.
 */
export interface LadderStream {
  fromColumn: number;
  toColumn: number;
  /**
   * First and last row (inclusive) the stream spans: the last row at or before its first packet, and the first row
   * at or after its last packet (clamped to the rows). Text renderers draw the stream right after `startRow`.
   */
  startRow: number;
  endRow: number;
  /** e.g. `RTP PCMA 236 pkts, 0 lost`. Raw text: renderers escape it. */
  label: string;
  /** Index of the stream in CaptureModel.streams (RtpStreamInfo.index), when built from one. */
  streamIndex?: number;
  /** Index into CaptureModel.calls of the stream's call (-1 unsignalled), when built from one. */
  callIndex?: number;
  /**
   * ICMP errors quoting the stream's RTP or RTCP packets (at most MAX_STREAM_ICMP kept, in capture order) and how many
   * there were; absent when none. The label ends with their summary (`[ICMP port unreachable x12]`).
   */
  icmp?: LadderIcmp[];
  icmpCount?: number;
}

export interface LadderModel {
  columns: LadderColumn[];
  /** One per arrow, ordered by capture time (stable: equal times keep input order). */
  rows: LadderRow[];
  calls: LadderCall[];
  streams: LadderStream[];
  /** Time of the first row (0/0 when there are no rows). */
  startSec: number;
  startNsec: number;
  /** Human-readable notes about the input (reordered input, duplicate ids, unknown calls...). */
  warnings: string[];
}

/**
 * Arrow text with its markers: `INVITE (SDP)`, `INVITE (retrans)`, `200 OK (SDP, retrans)`,
 * `BYE (truncated)`, `200 OK (SDP) [ICMP port unreachable]`. Raw text: callers escape for their format.
 */
export function arrowLabel(row: LadderRow): string {
  return row.label + arrowFlagsText(row) + icmpNote(row.icmp, row.icmp?.length ?? 0);
}

/** The flags part of arrowLabel: ` (SDP, retrans, truncated)`, or '' when none. */
export function arrowFlagsText(row: LadderRow): string {
  const flags: string[] = [];
  if (row.hasSdp) flags.push('SDP');
  if (row.retransmission) flags.push('retrans');
  if (row.truncated) flags.push('truncated');
  return flags.length === 0 ? '' : ` (${flags.join(', ')})`;
}

/** One ICMP answer in words, for tooltips and the message detail: `port unreachable from 203.0.113.2 (frame 12)`. */
export function icmpAnswerText(x: LadderIcmp): string {
  return `${x.error} from ${x.reporter} (frame ${x.frame})`;
}

/** The arrow's datagram was answered by an ICMP error: renderers end it in a cross (a lost message) instead of a head. */
export function isLostArrow(row: LadderRow): boolean {
  return row.icmp !== undefined && row.icmp.length > 0;
}

/**
 * The ICMP part of an arrow or stream label: ` [ICMP port unreachable]`, ` [ICMP port unreachable x12]` (`count`
 * errors, `icmp` the first ones), ` [ICMP host unreachable, time exceeded]` when they say different things; '' when
 * there are none.
 */
export function icmpNote(icmp: readonly LadderIcmp[] | undefined, count: number): string {
  if (icmp === undefined || icmp.length === 0 || count <= 0) return '';
  const kinds = [...new Set(icmp.map((x) => x.error))];
  return ` [ICMP ${kinds.join(', ')}${count > 1 ? ` x${count}` : ''}]`;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Format a non-negative number of seconds as `S.uuuuuu` (microsecond precision, rounded). */
function secondsText(sec: number): string {
  const us = Math.max(0, Math.round(sec * 1e6));
  return `${Math.floor(us / 1e6)}.${pad(us % 1e6, 6)}`;
}

/**
 * A row's time as text, microsecond precision:
 * - `absolute`: UTC time of day `HH:MM:SS.uuuuuu` (captures store UTC epoch seconds; no local time zone in the core);
 * - `relative`: seconds since the ladder start, `S.uuuuuu`;
 * - `delta`: seconds since the previous arrow, `+S.uuuuuu`.
 */
export function formatRowTime(row: LadderRow, mode: LadderTimeMode): string {
  switch (mode) {
    case 'absolute':
      return formatClock(row.timeSec, row.timeNsec);
    case 'relative':
      return secondsText(row.relativeSec);
    case 'delta':
      return `+${secondsText(row.deltaSec)}`;
  }
}

/** UTC time of day `HH:MM:SS.uuuuuu` of an epoch timestamp (seconds + nanoseconds). */
export function formatClock(timeSec: number, timeNsec: number): string {
  const day = ((Math.floor(timeSec) % 86400) + 86400) % 86400;
  const us = Math.min(999999, Math.max(0, Math.floor(timeNsec / 1000)));
  return `${pad(Math.floor(day / 3600), 2)}:${pad(Math.floor(day / 60) % 60, 2)}:${pad(day % 60, 2)}.${pad(us, 6)}`;
}

/** UTC date and time `YYYY-MM-DD HH:MM:SS.mmm` of an epoch timestamp (seconds + nanoseconds). */
export function formatDateTime(timeSec: number, timeNsec: number): string {
  const ms = Math.min(999, Math.max(0, Math.floor(timeNsec / 1e6)));
  const d = new Date(Math.floor(timeSec) * 1000);
  if (Number.isNaN(d.getTime())) return '????-??-?? ??:??:??.???';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(ms, 3)}`
  );
}
