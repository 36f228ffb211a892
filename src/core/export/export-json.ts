// JSON export of a capture model (`sipscope export --format json`): the schema documented in README.md
// ("Export JSON schema"). Field names follow tshark's where they exist so results can be compared with it.
import type { CaptureModel } from '../capture/import-capture';
import { loadMessageBytes } from '../capture/import-capture';
import type { CallInfo } from '../dialog/types';
import { parseSipMessage } from '../sip/parse-message';
import { summarizeSipMessage } from '../sip/summary';
import { findSdpBodies, parseSdp } from '../sdp/parse-sdp';

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
  src_port: number;
  dst: string;
  dst_port: number;
  transport: string;
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

/** Export one message (re-reads and re-parses its bytes). */
export async function exportMessage(model: CaptureModel, id: number): Promise<ExportedMessage> {
  const info = model.messages.get(id);
  const bytes = await loadMessageBytes(model, id);
  const { message } = parseSipMessage(bytes);
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
    kind: info.kind,
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
    retransmission: info.retransmission,
    truncated: info.truncated,
    problem_count: info.problemCount,
    call_index: info.callIndex,
    transaction_index: info.transactionIndex,
    dialog_index: info.dialogIndex,
  };
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
    summary: { calls: model.calls.length, messages: model.messages.count, problems: model.problemCount },
  };
}
