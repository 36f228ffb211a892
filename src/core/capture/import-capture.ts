// Capture import pipeline: ByteSource -> capture records -> decoded packets -> transport reassembly -> SIP messages
// -> RFC 3261 model (messages, transactions, dialogs, calls). Streaming and bounded; never throws on bad input.
import type { ByteSource } from '../bytes/byte-source';
import { gunzipSource, isGzip } from '../bytes/gunzip';
import { CallModelBuilder } from '../dialog/reconstruct';
import type { MessageStore } from '../dialog/message-store';
import type { DialogStore, TransactionStore } from '../dialog/stores';
import type { CallInfo } from '../dialog/types';
import { ProblemCollector, type CaptureProblem, type CaptureProblemSummary } from './problems';
// ---- RTP analysis (issue #5) ----
import { RtpAnalyzer } from '../rtp/analyzer';
import { MediaStore } from '../rtp/media-store';
import type { RtpStreamInfo } from '../rtp/stream';
// ---- end RTP analysis ----
// ---- NAT evidence (issue #5) ----
import { EvidenceCollector, type CaptureEvidence } from '../rules/capture/evidence';
// ---- end NAT evidence ----
import { BuilderSink } from './builder-sink';
import { runImportFront } from './import-front';
import type { CaptureReadResult } from './read-capture';
import type { CaptureFormat, CaptureInterface } from './types';
import type { TlsKeyInput } from '../tls/keys';
import type { FactScanner } from '../sip/fast-facts-wasm';
import type { IcmpQuotedSip } from '../decode/icmp';

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
  /**
   * TLS secrets to decrypt SIP over TLS: PEM RSA private keys (TLS_RSA_* key exchange) and NSS key-log texts
   * (SSLKEYLOGFILE: any key exchange, TLS 1.0-1.3). Texts, not paths: the adapters read the files.
   */
  tls?: TlsKeyInput;
  /** The fast path's fact scanner (runImportFront): a WasmFactScanner the host loaded; default the TypeScript one. */
  factScanner?: FactScanner;
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
  /** Dialogs and transactions as columnar stores (`count`, `get(i)`, `all()`), indexed by CallInfo's index arrays. */
  dialogs: DialogStore;
  transactions: TransactionStore;
  /** Capture and decode problems grouped by code, with counts and examples (frame numbers, file offsets). */
  problems: CaptureProblemSummary[];
  /** Total number of problems (sum of counts). */
  problemCount: number;
  /** The source the capture was read from; message bytes are re-read from it. */
  source: ByteSource;
  /**
   * SIP messages quoted in ICMP errors (a port unreachable answering a SIP response...), in capture order: not part
   * of calls, transactions or dialogs (the message itself is in `messages` when it was captured), but evidence of
   * where it could not go. tshark lists them as SIP messages of the ICMP frame; the export does too.
   */
  icmpQuoted: IcmpQuotedSip[];
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
 * Import a pcap/pcapng capture, gzip-compressed or not (`.pcap.gz`: decompressed in memory first, as tshark reads it;
 * the model's `source` is then the decompressed bytes). Resolves with the model; on a non-capture input the model has
 * `fatal` set and no messages. Rejects only when the ByteSource itself fails (I/O error).
 */
export async function importCapture(input: ByteSource, opts: ImportOptions = {}): Promise<CaptureModel> {
  const problems = new ProblemCollector();
  let source = input;
  if (isGzip(await input.read(0, 2))) {
    const gz = await gunzipSource(input, { chunkSize: opts.chunkSize });
    source = gz.source;
    if (gz.problem !== undefined) problems.report('capture/gzip-truncated', 'warning', gz.problem);
  }
  // ---- NAT evidence (issue #5): ICMP from the decoder, keep-alives from the assembler, in the same pass ----
  const ev = (opts.natEvidence ?? opts.rtp !== false) ? new EvidenceCollector() : undefined;
  // ---- RTP analysis (issue #5): non-SIP UDP datagrams and SDP bodies go to the RTP analyser ----
  const rtp = opts.rtp === false ? undefined : new RtpAnalyzer(problems, { heuristic: opts.rtpHeuristic === true });
  const builder = new CallModelBuilder();
  const model = emptyModel(source, builder, rtp);
  const result = await runImportFront(source, {
    problems,
    rtp,
    evidence: ev,
    chunkSize: opts.chunkSize,
    isCancelled: opts.isCancelled,
    tls: opts.tls,
    factScanner: opts.factScanner,
    // One thread: facts go straight to the builder (batches are for a thread boundary: src/cli/threaded-import.ts).
    sink: new BuilderSink(builder),
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
  });
  builder.finish();
  rtp?.finish();
  finishModel(model, result, problems.summaries(), problems.total);
  // ---- NAT evidence (issue #5) ----
  if (ev !== undefined) {
    ev.lastTime = result.lastTime;
    model.evidence = ev.evidence();
  }
  // ---- end NAT evidence ----
  return model;
}

/** A model with nothing imported yet, over the builder's (live) arrays. */
export function emptyModel(source: ByteSource, builder: CallModelBuilder, rtp?: RtpAnalyzer): CaptureModel {
  return {
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
    icmpQuoted: [],
    streams: rtp?.streams ?? [],
    media: rtp?.media ?? new MediaStore(),
    evidence: undefined,
  };
}

/** Copy the reader's result and the problem totals into `model`. */
export function finishModel(model: CaptureModel, result: CaptureReadResult & { icmpQuoted?: IcmpQuotedSip[] }, problems: CaptureProblemSummary[], problemCount: number): void {
  model.icmpQuoted = result.icmpQuoted ?? [];
  model.format = result.format;
  model.records = result.records;
  model.interfaces = result.interfaces;
  model.fatal = result.fatal;
  model.cancelled = result.cancelled;
  model.bytesRead = result.bytesRead;
  model.problems = problems;
  model.problemCount = problemCount;
}

/** Bytes of message `id` (re-read from the capture, or kept bytes for reassembled messages). */
export async function loadMessageBytes(model: CaptureModel, id: number): Promise<Uint8Array> {
  const loc = model.messages.location(id);
  if ('bytes' in loc) return loc.bytes;
  return model.source.read(loc.fileOffset, loc.length);
}

/**
 * Reads message bytes for a pass over many messages in capture order (export, reports): one read of the capture per
 * window of `windowSize` bytes (default 4 MiB) instead of one read per message. Messages kept in memory (reassembled
 * ones) come from the store; a message outside the window moves the window to it, so any order works, only slower.
 * Results are valid until the reader is used again (they may be views into its window).
 */
export class MessageBytesReader {
  private window: Uint8Array = new Uint8Array(0);
  private base = 0;

  constructor(
    private readonly model: CaptureModel,
    private readonly windowSize = 4 * 1024 * 1024,
  ) {}

  async bytes(id: number): Promise<Uint8Array> {
    const loc = this.model.messages.location(id);
    if ('bytes' in loc) return loc.bytes;
    const at = loc.fileOffset - this.base;
    if (at >= 0 && at + loc.length <= this.window.length) return this.window.subarray(at, at + loc.length);
    if (loc.length >= this.windowSize) return this.model.source.read(loc.fileOffset, loc.length);
    this.window = await this.model.source.read(loc.fileOffset, this.windowSize);
    this.base = loc.fileOffset;
    return this.window.subarray(0, Math.min(loc.length, this.window.length));
  }
}
