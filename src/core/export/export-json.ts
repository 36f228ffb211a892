// JSON export of a capture model (`sipscope export --format json`): the schema documented in README.md
// ("Export JSON schema"). Field names follow tshark's where they exist so results can be compared with it.
import type { CaptureModel } from '../capture/import-capture';
import { loadMessageBytes } from '../capture/import-capture';
import type { CallInfo } from '../dialog/types';
import { parseSipMessage } from '../sip/parse-message';
import type { SipMessage } from '../sip/types';
import { summarizeSipMessage } from '../sip/summary';
import { findSdpBodies, parseSdp } from '../sdp/parse-sdp';
import type { RtpStreamInfo } from '../rtp/stream';
import { formatSsrc } from '../rtp/queries';
import type { IcmpQuotedSip } from '../decode/icmp';

export const EXPORT_SCHEMA_VERSION = 1;

export interface ExportedSdp {
  origin_address: string | null;
  connection_addresses: string[];
  media: { media: string; port: number; proto: string; formats: string[]; connection_address: string | null; direction: string | null }[];
}

export interface ExportedMessage {
  id: number;
  frame: number;
  first_frame: number;
  /** Capture time as tshark prints frame.time_epoch: `seconds.nanoseconds` (9 digits). */
  time_epoch: string;
  ip_version: 4 | 6;
  src: string;
  /** null for a message quoted in an ICMP error (src/dst are then the ICMP error's, as tshark shows them). */
  src_port: number | null;
  dst: string;
  dst_port: number | null;
  transport: string | null;
  kind: 'request' | 'response' | 'invalid';
  method: string | null;
  request_uri: string | null;
  status_code: number | null;
  reason: string | null;
  call_id: string | null;
  cseq_seq: number | null;
  cseq_method: string | null;
  from_tag: string | null;
  to_tag: string | null;
  via_count: number;
  via_top: {
    transport: string;
    sent_by_address: string;
    sent_by_port: number | null;
    branch: string | null;
    received: string | null;
    rport_present: boolean;
    rport: number | null;
  } | null;
  contact_uris: string[];
  has_sdp: boolean;
  sdp: ExportedSdp | null;
  retransmission: boolean;
  truncated: boolean;
  problem_count: number;
  call_index: number;
  transaction_index: number;
  dialog_index: number;
  /**
   * Only on a SIP message quoted in an ICMP error (id, call/transaction/dialog indexes -1): the error's type and
   * code, and the quoted datagram's addresses (where the message was going when it was refused).
   */
  icmp?: { type: number; code: number; quoted: { src: string; src_port: number; dst: string; dst_port: number } };
}

export interface ExportedCall {
  index: number;
  call_id: string;
  method: string;
  state: string;
  from: string;
  to: string;
  start_epoch: string;
  end_epoch: string;
  duration_sec: number | null;
  ring_delay_sec: number | null;
  answer_delay_sec: number | null;
  final_status: number | null;
  message_ids: number[];
  dialogs: number;
  transactions: number;
  retransmissions: number;
}

/** `sec.nnnnnnnnn` as tshark's frame.time_epoch. */
export function epochString(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/**
 * Export one message: re-parses its bytes, re-read from the capture unless given (`bytes`: the message's bytes, e.g.
 * from a MessageBytesReader during a pass over all messages).
 */
export async function exportMessage(model: CaptureModel, id: number, bytes?: Uint8Array): Promise<ExportedMessage> {
  const info = model.messages.get(id);
  bytes ??= await loadMessageBytes(model, id);
  const { message } = parseSipMessage(bytes);
  return {
    id,
    frame: info.frame,
    first_frame: info.firstFrame,
    time_epoch: epochString(info.timeSec, info.timeNsec),
    ip_version: info.ipVersion,
    src: info.src,
    src_port: info.srcPort,
    dst: info.dst,
    dst_port: info.dstPort,
    transport: info.transport,
    ...sipFields(message, bytes, info.kind),
    retransmission: info.retransmission,
    truncated: info.truncated,
    problem_count: info.problemCount,
    call_index: info.callIndex,
    transaction_index: info.transactionIndex,
    dialog_index: info.dialogIndex,
  };
}

/**
 * Export a SIP message quoted in an ICMP error, as tshark lists it: at the ICMP frame, with the ICMP error's
 * addresses, no ports or transport, the SIP fields of the quoted (possibly cut) message, and `icmp` set.
 */
export function exportIcmpQuoted(q: IcmpQuotedSip): ExportedMessage {
  const { message, problems } = parseSipMessage(q.bytes);
  const fields = sipFields(message, q.bytes, message.kind);
  return {
    id: -1,
    frame: q.frame,
    first_frame: q.frame,
    time_epoch: epochString(q.timeSec, q.timeNsec),
    ip_version: q.ipVersion,
    src: q.src,
    src_port: null,
    dst: q.dst,
    dst_port: null,
    transport: null,
    ...fields,
    retransmission: false,
    truncated: problems.some((p) => p.severity === 'error'),
    problem_count: problems.length,
    call_index: -1,
    transaction_index: -1,
    dialog_index: -1,
    icmp: { type: q.icmpType, code: q.icmpCode, quoted: { src: q.quotedSrc, src_port: q.quotedSrcPort, dst: q.quotedDst, dst_port: q.quotedDstPort } },
  };
}

/** The fields of ExportedMessage read from the parsed SIP `message` (its `bytes` for SDP), `kind` as the model has it. */
function sipFields(message: SipMessage, bytes: Uint8Array, kind: ExportedMessage['kind']): Pick<ExportedMessage,
  'kind' | 'method' | 'request_uri' | 'status_code' | 'reason' | 'call_id' | 'cseq_seq' | 'cseq_method' | 'from_tag' | 'to_tag' |
  'via_count' | 'via_top' | 'contact_uris' | 'has_sdp' | 'sdp'> {
  const s = summarizeSipMessage(message);
  let sdp: ExportedSdp | null = null;
  if (s.hasSdp) {
    for (const body of findSdpBodies(message)) {
      const { session } = parseSdp(bytes.subarray(body.start, body.end), body.start);
      const media = session.media.map((m) => ({
        media: m.media,
        port: m.port,
        proto: m.proto,
        formats: [...m.formats],
        connection_address: m.connection?.address ?? session.connection?.address ?? null,
        direction: m.direction ?? null,
      }));
      const conns = [session.connection, ...session.media.map((m) => m.connection)].filter((c) => c !== undefined).map((c) => c.address);
      sdp = { origin_address: session.origin?.address ?? null, connection_addresses: conns, media };
      break;
    }
  }
  const v = s.viaTop;
  return {
    kind,
    method: s.method ?? null,
    request_uri: s.requestUri ?? null,
    status_code: s.statusCode ?? null,
    reason: s.reason ?? null,
    call_id: s.callId ?? null,
    cseq_seq: s.cseqSeq ?? null,
    cseq_method: s.cseqMethod ?? null,
    from_tag: s.fromTag ?? null,
    to_tag: s.toTag ?? null,
    via_count: s.viaCount,
    via_top: v
      ? {
          transport: v.transport,
          sent_by_address: v.host,
          sent_by_port: v.port ?? null,
          branch: v.branch ?? null,
          received: v.received ?? null,
          rport_present: v.rportPresent,
          rport: v.rport ?? null,
        }
      : null,
    contact_uris: [...s.contactUris],
    has_sdp: s.hasSdp,
    sdp,
  };
}

/**
 * Order of the export's messages[]: message ids (>= 0) and ICMP-quoted messages (-1 - index into
 * `model.icmpQuoted`), by frame: a quoted message goes after the messages of earlier frames, as tshark lists them.
 */
export function exportOrder(model: CaptureModel): Int32Array {
  const q = model.icmpQuoted;
  const n = model.messages.count;
  const order = new Int32Array(n + q.length);
  if (q.length === 0) {
    for (let id = 0; id < n; id++) order[id] = id;
    return order;
  }
  let k = 0;
  let j = 0;
  for (let id = 0; id < n; id++) {
    const frame = model.messages.get(id).frame;
    while (j < q.length && q[j]!.frame < frame) order[k++] = -1 - j++;
    order[k++] = id;
  }
  while (j < q.length) order[k++] = -1 - j++;
  return order;
}

/** The messages[] entry for `k` of exportOrder(): message `k` (its `bytes` when given), or ICMP-quoted `-1 - k`. */
export async function exportEntry(model: CaptureModel, k: number, bytes?: Uint8Array): Promise<ExportedMessage> {
  return k >= 0 ? exportMessage(model, k, bytes) : exportIcmpQuoted(model.icmpQuoted[-k - 1]!);
}

export function exportCall(c: CallInfo): ExportedCall {
  return {
    index: c.index,
    call_id: c.callId,
    method: c.method,
    state: c.state,
    from: c.fromUri,
    to: c.toUri,
    start_epoch: epochString(c.startSec, c.startNsec),
    end_epoch: epochString(c.endSec, c.endNsec),
    duration_sec: c.durationSec ?? null,
    ring_delay_sec: c.ringDelaySec ?? null,
    answer_delay_sec: c.answerDelaySec ?? null,
    final_status: c.finalStatus ?? null,
    message_ids: [...c.messageIds],
    dialogs: c.dialogIndexes.length,
    transactions: c.transactionIndexes.length,
    retransmissions: c.retransmissions,
  };
}

/** Header of the export document (everything except the message/call/problem arrays). */
export function exportHeader(model: CaptureModel): Record<string, unknown> {
  return {
    schema: 'sipscope-export',
    schema_version: EXPORT_SCHEMA_VERSION,
    format: model.format,
    records: model.records,
    size_bytes: model.size,
    interfaces: model.interfaces.map((i) => ({ id: i.id, link_type: i.linkType, snap_length: i.snapLength, name: i.name ?? null })),
    summary: { calls: model.calls.length, messages: model.messages.count, icmp_quoted_messages: model.icmpQuoted.length, problems: model.problemCount },
  };
}

// ---- RTP streams (issue #5) ----

/** One RTP stream in the export (`streams[]`); see RtpStreamInfo (rtp/stream.ts) for the definitions. */
export interface ExportedStream {
  index: number;
  /** Index into calls[], -1 for an unsignalled (heuristic) stream. */
  call_index: number;
  /** `sdp` or `heuristic`. */
  detection: string;
  ip_version: 4 | 6;
  src: string;
  src_port: number;
  dst: string;
  dst_port: number;
  /** Number, and as tshark prints it (`0x0EAF0EAF`). */
  ssrc: number;
  ssrc_hex: string;
  /** Matched SDP declaration: which packet address matched, declared address/port, media[] index, SIP message/frame. */
  matched: { side: string; address: string; port: number; declaration: number; message_id: number; frame: number } | null;
  payload_types: number[];
  codecs: string[];
  codec: string;
  /** RTP clock rate of the main codec, Hz (0 unknown). */
  clock_rate: number;
  first_frame: number;
  last_frame: number;
  start_epoch: string;
  end_epoch: string;
  duration_sec: number;
  packets: number;
  expected: number;
  lost: number;
  lost_percent: number;
  duplicates: number;
  out_of_order: number;
  sequence_errors: number;
  sequence_jumps: number;
  wrong_timestamps: number;
  markers: number;
  payload_bytes: number;
  /** Milliseconds, as tshark's -z rtp,streams columns. */
  min_delta_ms: number;
  mean_delta_ms: number;
  max_delta_ms: number;
  max_delta_frame: number;
  jitter_ms: number;
  min_jitter_ms: number;
  mean_jitter_ms: number;
  max_jitter_ms: number;
  problem: boolean;
  /** RFC 4733 events: count and digits. */
  events: { count: number; digits: string };
  rtcp_mux: boolean;
  /** RTCP SR/RR summary for this SSRC, null when no RTCP was seen. Jitter in ms, fractions 0..1. */
  rtcp: {
    sender_reports: number;
    sender_packet_count: number;
    sender_octet_count: number;
    report_blocks: number;
    fraction_lost: number;
    max_fraction_lost: number;
    cumulative_lost: number;
    jitter_ms: number;
    max_jitter_ms: number;
  } | null;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Export one RTP stream (CaptureModel.streams[i]); delta/jitter rounded to the microsecond like tshark's 3 decimals. */
export function exportStream(s: RtpStreamInfo): ExportedStream {
  return {
    index: s.index,
    call_index: s.callIndex,
    detection: s.detection,
    ip_version: s.ipVersion,
    src: s.src,
    src_port: s.srcPort,
    dst: s.dst,
    dst_port: s.dstPort,
    ssrc: s.ssrc,
    ssrc_hex: formatSsrc(s.ssrc),
    matched: s.matched
      ? { side: s.matched.side, address: s.matched.address, port: s.matched.port, declaration: s.matched.declaration, message_id: s.matched.messageId, frame: s.matched.frame }
      : null,
    payload_types: [...s.payloadTypes],
    codecs: [...s.codecs],
    codec: s.codec,
    clock_rate: s.clockRate,
    first_frame: s.firstFrame,
    last_frame: s.lastFrame,
    start_epoch: epochString(s.startSec, s.startNsec),
    end_epoch: epochString(s.endSec, s.endNsec),
    duration_sec: s.durationSec,
    packets: s.packets,
    expected: s.expected,
    lost: s.lost,
    lost_percent: r3(s.lostPercent),
    duplicates: s.duplicates,
    out_of_order: s.outOfOrder,
    sequence_errors: s.sequenceErrors,
    sequence_jumps: s.sequenceJumps,
    wrong_timestamps: s.wrongTimestamps,
    markers: s.markers,
    payload_bytes: s.payloadBytes,
    min_delta_ms: r3(s.minDeltaMs),
    mean_delta_ms: r3(s.meanDeltaMs),
    max_delta_ms: r3(s.maxDeltaMs),
    max_delta_frame: s.maxDeltaFrame,
    jitter_ms: r3(s.jitterMs),
    min_jitter_ms: r3(s.minJitterMs),
    mean_jitter_ms: r3(s.meanJitterMs),
    max_jitter_ms: r3(s.maxJitterMs),
    problem: s.problem,
    events: { count: s.events.count, digits: s.events.digits },
    rtcp_mux: s.rtcpMux,
    rtcp: s.rtcp
      ? {
          sender_reports: s.rtcp.senderReports,
          sender_packet_count: s.rtcp.senderPacketCount,
          sender_octet_count: s.rtcp.senderOctetCount,
          report_blocks: s.rtcp.reportBlocks,
          fraction_lost: r3(s.rtcp.fractionLost),
          max_fraction_lost: r3(s.rtcp.maxFractionLost),
          cumulative_lost: s.rtcp.cumulativeLost,
          jitter_ms: r3(s.rtcp.jitterMs),
          max_jitter_ms: r3(s.rtcp.maxJitterMs),
        }
      : null,
  };
}
// ---- end RTP streams ----
