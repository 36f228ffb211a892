// Builds the ladder view model from indexed SIP messages: orders arrows by capture time (stable), assigns
// endpoints to columns by first appearance (the first message's source is column 0, as sngrep does), and
// maps calls to colour slots.
import type { CallInfo, MessageInfo } from '../dialog/types';
import type { RtpStreamInfo } from '../rtp/stream';
import { streamSummary } from '../rtp/queries';
import type { LadderIcmpAnswers } from './icmp';
import type {
  LadderCall,
  LadderColumn,
  LadderColumnMode,
  LadderModel,
  LadderRow,
  LadderStream,
  StatusClass,
} from './model';
import { icmpNote } from './model';

export interface BuildLadderOptions {
  /** `endpoint` (default): one column per ip:port. `ip`: one column per IP address, ports merged. */
  columns?: LadderColumnMode;
  /** Calls of the capture (CaptureModel.calls), used to give LadderCall its Call-ID. Looked up by CallInfo.index. */
  calls?: readonly CallInfo[];
  /**
   * RTP streams to draw (e.g. CaptureModel.streams of the calls shown; the builder does not filter). Each endpoint
   * goes to the column of the same ip:port, else the first column with the same IP (RTP ports differ from SIP
   * ports), else a new column appended for the media address. Ignored when there are no messages.
   */
  streams?: readonly RtpStreamInfo[];
  /**
   * ICMP errors answering the messages and streams (matchIcmpAnswers, on the messages' real addresses): set as
   * LadderRow.icmp and LadderStream.icmp, and summarised at the end of stream labels.
   */
  icmp?: LadderIcmpAnswers;
}

interface Stamped {
  msg: MessageInfo;
  sec: number;
  nsec: number;
}

const NS_PER_SEC = 1_000_000_000;

/**
 * Build the ladder for `messages` (any subset of a capture, e.g. one call's messages). Never throws on odd input:
 * non-finite timestamps count as 0 and are reported in `warnings`.
 *
 * - rows: one per message, sorted by (timeSec, timeNsec); equal times keep input order.
 * - columns: endpoints in order of first appearance scanning rows in time order, source before destination.
 * - relativeSec / deltaSec: seconds (ns-rounded) since the first / previous row.
 */
export function buildLadder(messages: readonly MessageInfo[], opts: BuildLadderOptions = {}): LadderModel {
  const mode: LadderColumnMode = opts.columns ?? 'endpoint';
  const warnings: string[] = [];

  let badTimes = 0;
  const stamped: Stamped[] = messages.map((msg) => {
    let sec = msg.timeSec;
    let nsec = msg.timeNsec;
    if (!Number.isFinite(sec) || !Number.isFinite(nsec)) {
      badTimes++;
      sec = Number.isFinite(sec) ? sec : 0;
      nsec = Number.isFinite(nsec) ? nsec : 0;
    }
    // Normalise fractional seconds and out-of-range nanoseconds so comparisons are on (int sec, 0 <= nsec < 1e9).
    const whole = Math.floor(sec);
    nsec = Math.round(nsec + (sec - whole) * NS_PER_SEC);
    sec = whole + Math.floor(nsec / NS_PER_SEC);
    nsec = ((nsec % NS_PER_SEC) + NS_PER_SEC) % NS_PER_SEC;
    return { msg, sec, nsec };
  });
  if (badTimes > 0) warnings.push(`${badTimes} message(s) had a non-finite timestamp; treated as time 0`);

  let outOfOrder = false;
  for (let i = 1; i < stamped.length; i++) {
    if (compareTime(stamped[i - 1]!, stamped[i]!) > 0) {
      outOfOrder = true;
      break;
    }
  }
  if (outOfOrder) {
    // Array.prototype.sort is stable (ES2019), so equal timestamps keep input order.
    stamped.sort(compareTime);
    warnings.push('messages were not in time order; arrows are sorted by capture time');
  }

  const seenIds = new Set<number>();
  const duplicateIds = new Set<number>();
  for (const { msg } of stamped) {
    if (seenIds.has(msg.id)) duplicateIds.add(msg.id);
    seenIds.add(msg.id);
  }
  if (duplicateIds.size > 0) {
    warnings.push(`duplicate message id(s): ${[...duplicateIds].slice(0, 10).join(', ')}${duplicateIds.size > 10 ? ', ...' : ''}`);
  }

  const columns: LadderColumn[] = [];
  const columnByKey = new Map<string, number>();
  const columnFor = (ip: string, port: number, ipVersion: 4 | 6): number => {
    const v6 = ipVersion === 6 || ip.includes(':');
    const normIp = v6 ? ip.toLowerCase() : ip;
    const key = mode === 'ip' ? normIp : `${normIp}|${port}`;
    const existing = columnByKey.get(key);
    if (existing !== undefined) return existing;
    const shownIp = ip === '' ? 'unknown' : ip;
    const label = mode === 'ip' ? shownIp : v6 ? `[${shownIp}]:${port}` : `${shownIp}:${port}`;
    const column: LadderColumn = {
      index: columns.length,
      key,
      label,
      ip,
      port: mode === 'ip' ? undefined : port,
      ipVersion: v6 ? 6 : 4,
    };
    columns.push(column);
    columnByKey.set(key, column.index);
    return column.index;
  };

  const callInfoByIndex = new Map<number, CallInfo>();
  for (const c of opts.calls ?? []) callInfoByIndex.set(c.index, c);
  const calls: LadderCall[] = [];
  const callSlot = new Map<number, LadderCall>();
  const unknownCalls = new Set<number>();

  const rows: LadderRow[] = [];
  const first = stamped[0];
  const startSec = first?.sec ?? 0;
  const startNsec = first?.nsec ?? 0;
  let prev: Stamped | undefined;
  for (const s of stamped) {
    const m = s.msg;
    const fromColumn = columnFor(m.src, m.srcPort, m.ipVersion);
    const toColumn = columnFor(m.dst, m.dstPort, m.ipVersion);

    if (m.callIndex >= 0 && !callSlot.has(m.callIndex)) {
      const info = callInfoByIndex.get(m.callIndex);
      if (opts.calls !== undefined && info === undefined) unknownCalls.add(m.callIndex);
      const call: LadderCall = { callIndex: m.callIndex, callId: info?.callId ?? '', colorIndex: calls.length };
      calls.push(call);
      callSlot.set(m.callIndex, call);
    }

    const row: LadderRow = {
      index: rows.length,
      messageId: m.id,
      frame: m.frame,
      fromColumn,
      toColumn,
      src: m.src,
      srcPort: m.srcPort,
      dst: m.dst,
      dstPort: m.dstPort,
      label: plainLabel(m),
      detail: m.cseqSeq !== undefined && m.cseqMethod ? `CSeq ${m.cseqSeq} ${m.cseqMethod}` : '',
      kind: m.kind,
      method: m.method,
      statusCode: m.statusCode,
      statusClass: statusClassOf(m),
      hasSdp: m.hasSdp,
      retransmission: m.retransmission,
      truncated: m.truncated,
      transport: m.transport,
      callIndex: m.callIndex,
      timeSec: s.sec,
      timeNsec: s.nsec,
      relativeSec: secondsBetween(startSec, startNsec, s),
      deltaSec: prev === undefined ? 0 : secondsBetween(prev.sec, prev.nsec, s),
    };
    // Only rows an ICMP error answered carry the key.
    const icmp = opts.icmp?.messages.get(m.id);
    if (icmp !== undefined && icmp.length > 0) row.icmp = icmp;
    rows.push(row);
    prev = s;
  }
  if (unknownCalls.size > 0) {
    warnings.push(`call index(es) not found in the given calls: ${[...unknownCalls].slice(0, 10).join(', ')}`);
  }

  const streams: LadderStream[] = [];
  if (opts.streams !== undefined && rows.length > 0) {
    // Media endpoints join an existing column of the same host when there is one (first in column order).
    const byIp = new Map<string, number>();
    for (const c of columns) {
      const ip = c.ipVersion === 6 ? c.ip.toLowerCase() : c.ip;
      if (!byIp.has(ip)) byIp.set(ip, c.index);
    }
    const mediaColumn = (ip: string, port: number, ipVersion: 4 | 6): number => {
      const v6 = ipVersion === 6 || ip.includes(':');
      const normIp = v6 ? ip.toLowerCase() : ip;
      const exact = columnByKey.get(mode === 'ip' ? normIp : `${normIp}|${port}`);
      if (exact !== undefined) return exact;
      const same = byIp.get(normIp);
      if (same !== undefined) return same;
      const added = columnFor(ip, port, ipVersion);
      byIp.set(normIp, added);
      return added;
    };
    const ordered = [...opts.streams].sort((a, b) => a.startSec - b.startSec || a.startNsec - b.startNsec || a.index - b.index);
    for (const st of ordered) {
      const fromColumn = mediaColumn(st.src, st.srcPort, st.ipVersion);
      const toColumn = mediaColumn(st.dst, st.dstPort, st.ipVersion);
      const startRow = Math.max(0, lastRowAtOrBefore(rows, st.startSec, st.startNsec));
      const endRow = Math.max(startRow, firstRowAtOrAfter(rows, st.endSec, st.endNsec));
      const ic = opts.icmp?.streams.get(st.index);
      const stream: LadderStream = { fromColumn, toColumn, startRow, endRow, label: streamSummary(st), streamIndex: st.index, callIndex: st.callIndex };
      if (ic !== undefined && ic.count > 0) {
        stream.icmp = ic.icmp;
        stream.icmpCount = ic.count;
        stream.label += icmpNote(ic.icmp, ic.count);
      }
      streams.push(stream);
    }
  }

  return { columns, rows, calls, streams, startSec, startNsec, warnings };
}

/** Index of the last row with time <= (sec, nsec), or -1 (rows are sorted by time). */
function lastRowAtOrBefore(rows: readonly LadderRow[], sec: number, nsec: number): number {
  let lo = 0;
  let hi = rows.length; // first row with time > t
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (r.timeSec < sec || (r.timeSec === sec && r.timeNsec <= nsec)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first row with time >= (sec, nsec), or the last row when none. */
function firstRowAtOrAfter(rows: readonly LadderRow[], sec: number, nsec: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (r.timeSec < sec || (r.timeSec === sec && r.timeNsec < nsec)) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, rows.length - 1);
}

function compareTime(a: Stamped, b: Stamped): number {
  return a.sec - b.sec || a.nsec - b.nsec;
}

/** Seconds from (sec, nsec) to `to`, rounded to the nanosecond to keep float noise out of displayed values. */
function secondsBetween(sec: number, nsec: number, to: Stamped): number {
  return Math.round(((to.sec - sec) * NS_PER_SEC + (to.nsec - nsec))) / NS_PER_SEC;
}

function statusClassOf(m: MessageInfo): StatusClass {
  if (m.kind !== 'response' || m.statusCode === undefined) return 0;
  const c = Math.floor(m.statusCode / 100);
  return c >= 1 && c <= 6 ? (c as StatusClass) : 0;
}

function plainLabel(m: MessageInfo): string {
  if (m.label !== '') return m.label;
  if (m.kind === 'request' && m.method) return m.method;
  if (m.kind === 'response' && m.statusCode !== undefined) return `${m.statusCode} ${m.reason ?? ''}`.trim();
  return '(invalid)';
}
