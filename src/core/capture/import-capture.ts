// Capture import pipeline: ByteSource -> capture records -> decoded packets -> transport reassembly -> SIP messages
// -> RFC 3261 model (messages, transactions, dialogs, calls). Streaming and bounded; never throws on bad input.
import type { ByteSource } from '../bytes/byte-source';
import { TransportAssembler } from '../decode/transport-assembler';
import { PacketDecoder } from '../decode/packet-decoder';
import type { NetPacket, SipPayload } from '../decode/types';
import { CallModelBuilder, type MessageSighting } from '../dialog/reconstruct';
import type { MessageStore } from '../dialog/message-store';
import type { CallInfo, DialogInfo, TransactionInfo } from '../dialog/types';
import { parseSipMessage } from '../sip/parse-message';
import { factsFromMessage } from '../sip/facts';
import { scanSipFacts } from '../sip/fast-facts';
import { ProblemCollector, type CaptureProblem, type CaptureProblemSummary } from './problems';
// ---- RTP analysis (issue #5) ----
import { RtpAnalyzer } from '../rtp/analyzer';
import { MediaStore } from '../rtp/media-store';
import { sipBodyStart, type SdpSighting } from '../rtp/media';
import type { RtpStreamInfo } from '../rtp/stream';
import type { SipMessage } from '../sip/types';
import { findSdpBodies } from '../sdp/parse-sdp';
// ---- end RTP analysis ----
// ---- NAT evidence (issue #5) ----
import { EvidenceCollector, type CaptureEvidence } from '../rules/capture/evidence';
// ---- end NAT evidence ----
import { readCapture } from './read-capture';
import type { CaptureFormat, CaptureInterface } from './types';

export interface ImportOptions {
  /** Bytes read per ByteSource call (default 4 MiB). */
  chunkSize?: number;
  /** Called after each chunk with bytes consumed so far and the total size. */
  onProgress?: (bytesDone: number, total: number) => void;
  /** Polled between chunks; when it returns true the import stops and the partial model is returned. */
  isCancelled?: () => boolean;
  /** Called after each chunk with the model so far (calls list filling in while importing). */
  onUpdate?: (model: CaptureModel) => void;
  // ---- RTP analysis (issue #5) ----
  /** Analyse RTP/RTCP on SDP-declared endpoints (default true). false: `streams` and `media` stay empty. */
  rtp?: boolean;
  /** Also detect RTP no SDP announced, by header plausibility and sequence continuity (default false). */
  rtpHeuristic?: boolean;
  // ---- end RTP analysis ----
  // ---- NAT evidence (issue #5) ----
  /**
   * Collect NAT evidence while importing: ICMP/ICMPv6 errors and keep-alive datagrams (default: on when `rtp` is,
   * i.e. for analysis imports). The NAT lint then needs no second pass over the capture.
   */
  natEvidence?: boolean;
  // ---- end NAT evidence ----
}

/** Everything SIPScope knows about a capture after import. Message text is re-read with `loadMessageBytes`. */
export interface CaptureModel {
  format: CaptureFormat;
  /** Number of capture records read. */
  records: number;
  interfaces: CaptureInterface[];
  /** Set when the input is not a readable capture at all (HTML page, zip, empty file...). */
  fatal: CaptureProblem | undefined;
  cancelled: boolean;
  bytesRead: number;
  size: number;
  messages: MessageStore;
  calls: CallInfo[];
  dialogs: DialogInfo[];
  transactions: TransactionInfo[];
  /** Capture and decode problems grouped by code, with counts and examples (frame numbers, file offsets). */
  problems: CaptureProblemSummary[];
  /** Total number of problems (sum of counts). */
  problemCount: number;
  /** The source the capture was read from; message bytes are re-read from it. */
  source: ByteSource;
  // ---- RTP analysis (issue #5) ----
  /** RTP streams (rtp/stream.ts), in order of their first packet; a call's streams have its index as `callIndex`. */
  streams: RtpStreamInfo[];
  /** Media declarations of every SDP m= line seen (rtp/media-store.ts: `count`, `get(i)`), with replacement history. */
  media: MediaStore;
  // ---- end RTP analysis ----
  // ---- NAT evidence (issue #5) ----
  /** ICMP errors and keep-alives seen during the import (ImportOptions.natEvidence), for the NAT lint; else undefined. */
  evidence?: CaptureEvidence;
  // ---- end NAT evidence ----
}

/**
 * Import a pcap/pcapng capture. Resolves with the model; on a non-capture input the model has `fatal` set and no
 * messages. Rejects only when the ByteSource itself fails (I/O error).
 */
export async function importCapture(source: ByteSource, opts: ImportOptions = {}): Promise<CaptureModel> {
  const problems = new ProblemCollector();
  // ---- NAT evidence (issue #5): ICMP from the decoder, keep-alives from the assembler, in the same pass ----
  const ev = (opts.natEvidence ?? opts.rtp !== false) ? new EvidenceCollector() : undefined;
  const decoder = new PacketDecoder(problems, ev ? { onIcmp: (v, d, s, e, rep, frame, time) => ev.onIcmp(v, d, s, e, rep, frame, time) } : {});
  // ---- end NAT evidence ----
  // ---- RTP analysis (issue #5): non-SIP UDP datagrams go to the RTP analyser ----
  const rtp = opts.rtp === false ? undefined : new RtpAnalyzer(problems, { heuristic: opts.rtpHeuristic === true });
  const onNonSipUdp =
    rtp && ev ? (pkt: NetPacket) => (ev.keepAliveCandidate(pkt), rtp.onUdp(pkt)) : rtp ? (pkt: NetPacket) => rtp.onUdp(pkt) : ev ? (pkt: NetPacket) => ev.keepAliveCandidate(pkt) : undefined;
  const assembler = new TransportAssembler(problems, { onNonSipUdp, onKeepAlive: ev ? (pkt) => ev.keepAliveCandidate(pkt) : undefined });
  // ---- end RTP analysis ----
  const builder = new CallModelBuilder();
  const model: CaptureModel = {
    format: 'unknown',
    records: 0,
    interfaces: [],
    fatal: undefined,
    cancelled: false,
    bytesRead: 0,
    size: source.size,
    messages: builder.messages,
    calls: builder.calls,
    dialogs: builder.dialogs,
    transactions: builder.transactions,
    problems: [],
    problemCount: 0,
    source,
    streams: rtp?.streams ?? [],
    media: rtp?.media ?? new MediaStore(),
    evidence: undefined,
  };
  let lastSec = 0;
  let lastNsec = 0;

  const onSip = (p: SipPayload): void => addSipPayload(builder, problems, p, rtp);
  const onPacket = (pkt: Parameters<TransportAssembler['push']>[0]): void => assembler.push(pkt, onSip);

  const result = await readCapture(
    source,
    (rec) => {
      lastSec = rec.timeSec;
      lastNsec = rec.timeNsec;
      decoder.decode(rec, onPacket);
    },
    {
      chunkSize: opts.chunkSize,
      problems,
      isCancelled: opts.isCancelled,
      onProgress: (done, total) => {
        model.bytesRead = done;
        opts.onProgress?.(done, total);
        if (opts.onUpdate) {
          builder.refresh();
          rtp?.refresh();
          model.problems = problems.summaries();
          model.problemCount = problems.total;
          opts.onUpdate(model);
        }
      },
    },
  );
  decoder.flush();
  assembler.flush(onSip);
  builder.finish();
  rtp?.finish();
  model.format = result.format;
  model.records = result.records;
  model.interfaces = result.interfaces;
  model.fatal = result.fatal;
  model.cancelled = result.cancelled;
  model.bytesRead = result.bytesRead;
  model.problems = problems.summaries();
  model.problemCount = problems.total;
  // ---- NAT evidence (issue #5) ----
  if (ev !== undefined) {
    ev.lastTime = lastSec + lastNsec / 1e9;
    model.evidence = ev.evidence();
  }
  // ---- end NAT evidence ----
  return model;
}

/** Reused for every message: CallModelBuilder.add copies what it keeps and never retains the sighting. */
const scratch: MessageSighting = {
  frame: 0, firstFrame: 0, timeSec: 0, timeNsec: 0, ipVersion: 4, src: '', srcPort: 0, dst: '', dstPort: 0,
  transport: 'UDP', truncated: false, location: { fileOffset: 0, length: 0 },
};

/** RTP analysis: reused for every SDP (MediaRegistry.addSdp does not retain it). */
const sdpScratch: SdpSighting = { callIndex: -1, messageId: 0, frame: 0, timeSec: 0, timeNsec: 0, src: '', srcPort: 0 };

/** Parse one framed SIP payload and add it to the model. */
function addSipPayload(builder: CallModelBuilder, problems: ProblemCollector, p: SipPayload, rtp: RtpAnalyzer | undefined): void {
  let facts = scanSipFacts(p.bytes);
  let parsed: SipMessage | undefined; // RTP analysis: the full parse, when the fast path declined
  if (facts === undefined) {
    // Not simple enough for the fast path: full parse (same facts, plus problem positions).
    const { message, problems: parseProblems } = parseSipMessage(p.bytes);
    parsed = message;
    let errors = 0;
    for (const x of parseProblems) if (x.severity === 'error') errors++;
    if (errors > 0) problems.report('sip/malformed-message', 'warning', `SIP message with ${errors} syntax error(s)`, p.frame);
    facts = factsFromMessage(message, parseProblems.length);
  }
  if (p.truncated) problems.report('sip/truncated-message', 'warning', 'SIP message body shorter than its Content-Length', p.frame);
  const seen = scratch;
  seen.frame = p.frame;
  seen.firstFrame = p.firstFrame;
  seen.timeSec = p.timeSec;
  seen.timeNsec = p.timeNsec;
  seen.ipVersion = p.ipVersion;
  seen.src = p.src;
  seen.srcPort = p.srcPort;
  seen.dst = p.dst;
  seen.dstPort = p.dstPort;
  seen.transport = p.transport;
  seen.truncated = p.truncated;
  seen.location = p.fileOffset >= 0 ? { fileOffset: p.fileOffset, length: p.bytes.length } : { bytes: p.bytes.slice() };
  const id = builder.add(seen, facts);
  // ---- RTP analysis (issue #5): SDP bodies declare the media endpoints (bytes are valid during this call) ----
  if (rtp !== undefined && facts.hasSdp) {
    const at = sdpScratch;
    at.callIndex = builder.messages.callOf(id);
    at.messageId = id;
    at.frame = p.frame;
    at.timeSec = p.timeSec;
    at.timeNsec = p.timeNsec;
    at.src = p.src;
    at.srcPort = p.srcPort;
    if (parsed === undefined) {
      // Fast path: Content-Type is application/sdp (not multipart), the body is everything after the header section.
      const start = sipBodyStart(p.bytes);
      if (start >= 0) rtp.onSdp(p.bytes, start, p.bytes.length, at);
    } else {
      for (const body of findSdpBodies(parsed)) rtp.onSdp(body.bytes, 0, body.bytes.length, at);
    }
  }
  // ---- end RTP analysis ----
}

/** Bytes of message `id` (re-read from the capture, or kept bytes for reassembled messages). */
export async function loadMessageBytes(model: CaptureModel, id: number): Promise<Uint8Array> {
  const loc = model.messages.location(id);
  if ('bytes' in loc) return loc.bytes;
  return model.source.read(loc.fileOffset, loc.length);
}
