// The front half of a capture import: capture records -> decoded packets -> transport reassembly -> framed SIP
// messages -> SipFacts (fast path, else the full parser), handed to a FactSink: packed into FactBatches
// (fact-batch.ts) for a back half (CallModelBuilder) in another thread (src/cli/threaded-import), or straight to the
// builder in this thread (builder-sink.ts). It needs nothing from the back half.
// RTP analysis and NAT evidence ride along when given (same thread as the front only: their state is not batched).
import type { ByteSource } from '../bytes/byte-source';
import { MAX_ICMP_QUOTED, parseIcmpError, quotedSipStart, type IcmpQuotedSip } from '../decode/icmp';
import { PacketDecoder } from '../decode/packet-decoder';
import { TransportAssembler } from '../decode/transport-assembler';
import type { NetPacket, SipPayload } from '../decode/types';
import type { SipFacts } from '../dialog/reconstruct';
import type { EvidenceCollector } from '../rules/capture/evidence';
import type { RtpAnalyzer } from '../rtp/analyzer';
import { sipBodyStart, type SdpSighting } from '../rtp/media';
import { findSdpBodies } from '../sdp/parse-sdp';
import { FastFacts } from '../sip/fast-facts';
import { TS_FACT_SCANNER, type FactScanner } from '../sip/fast-facts-wasm';
import { factsFromMessage } from '../sip/facts';
import { parseSipMessage } from '../sip/parse-message';
import type { SipMessage } from '../sip/types';
import { formatIp } from '../util/ip';
import { decodeUtf8 } from '../text/decode';
import { TlsKeyStore, type TlsKeyInput } from '../tls/keys';
import type { FactSink } from './builder-sink';
import { FactBatchWriter, type BatchBufferPool, type FactBatch } from './fact-batch';
import type { ProblemCollector } from './problems';
import { readCapture, type CaptureReadResult } from './read-capture';

export interface ImportFrontOptions {
  /** Where capture, decode and SIP syntax problems are counted. */
  problems: ProblemCollector;
  /** Receives each batch of message facts, in capture order (unless `sink` is given). */
  onBatch?: (b: FactBatch) => void;
  /** Where each message goes instead of batches (BuilderSink: the back half in the same thread). */
  sink?: FactSink;
  /** Messages per batch (default 8192, about one 4 MiB chunk of a call capture); a partial batch is also handed over after every chunk. */
  batchSize?: number;
  /**
   * true when batches cross a thread boundary (onBatch keeps them; their buffers may be transferred); false (default)
   * when onBatch applies each batch before returning, so the front reuses the batch arrays.
   */
  transferBatches?: boolean;
  /** With transferBatches: buffers the receiver gave back, reused for later batches. */
  batchPool?: BatchBufferPool;
  /** Bytes read per ByteSource call (default 4 MiB). */
  chunkSize?: number;
  /** Called after each chunk (after its batch was handed over) with bytes consumed and the source size. */
  onProgress?: (bytesDone: number, total: number) => void;
  /** Polled between chunks; true stops the import (the result says `cancelled`). */
  isCancelled?: () => boolean;
  /** RTP analysis: non-SIP UDP datagrams and SDP bodies go to it (message ids/call indexes as the back assigns them). */
  rtp?: RtpAnalyzer;
  /** NAT evidence: ICMP errors from the decoder, keep-alives from the assembler. */
  evidence?: EvidenceCollector;
  /**
   * TLS secrets: PEM RSA private keys and NSS key-log texts (SSLKEYLOGFILE format). pcapng Decryption Secrets
   * Blocks add to them. Problems with the key texts are reported as `tls/key-*` codes.
   */
  tls?: TlsKeyInput;
  /**
   * The fast path's fact scanner: a WasmFactScanner (same facts, faster) when the host loaded one; default the
   * TypeScript scanner.
   */
  factScanner?: FactScanner;
}

export interface ImportFrontResult extends CaptureReadResult {
  /** Capture time of the last record, in seconds since the epoch (0 when none). */
  lastTime: number;
  /** SIP messages quoted in ICMP errors (port unreachable...), in capture order, at most MAX_ICMP_QUOTED. */
  icmpQuoted: IcmpQuotedSip[];
}

/** RTP analysis: reused for every SDP (MediaRegistry.addSdp does not retain it). */
const sdpScratch: SdpSighting = { callIndex: -1, messageId: 0, frame: 0, timeSec: 0, timeNsec: 0, src: '', srcPort: 0 };

/**
 * Run the front half over `source`. Resolves when the capture is read (every batch handed over); never throws on
 * bad input (problems are reported, `fatal` set for a non-capture). Rejects only when the ByteSource fails.
 */
export async function runImportFront(source: ByteSource, opts: ImportFrontOptions): Promise<ImportFrontResult> {
  const { problems, rtp, evidence: ev } = opts;
  // ICMP errors: NAT evidence, and the SIP message a quote carries (tshark dissects it as SIP too).
  const icmpQuoted: IcmpQuotedSip[] = [];
  const decoder = new PacketDecoder(problems, {
    onIcmp: (v, d, s, e, rep, frame, time, dst, timeSec, timeNsec) => {
      const q = parseIcmpError(v, d, s, e);
      if (q === undefined) return;
      ev?.onIcmpError(v, q, rep, frame, time);
      const at = quotedSipStart(q, d, e);
      if (at < 0) return;
      if (icmpQuoted.length >= MAX_ICMP_QUOTED) {
        problems.report('icmp/quoted-sip-limit', 'info', `more than ${MAX_ICMP_QUOTED} SIP messages quoted in ICMP errors; the rest are not listed`, frame);
        return;
      }
      icmpQuoted.push({
        frame, timeSec, timeNsec, ipVersion: v, src: formatIp(rep), dst: formatIp(dst), icmpType: q.type, icmpCode: q.code,
        quotedSrc: formatIp(q.src), quotedSrcPort: q.srcPort, quotedDst: formatIp(q.dst), quotedDstPort: q.dstPort,
        bytes: d.slice(at, e),
      });
    },
  });
  const onNonSipUdp =
    rtp && ev ? (pkt: NetPacket) => (ev.keepAliveCandidate(pkt), rtp.onUdp(pkt)) : rtp ? (pkt: NetPacket) => rtp.onUdp(pkt) : ev ? (pkt: NetPacket) => ev.keepAliveCandidate(pkt) : undefined;
  const reusedFacts = new FastFacts(new Uint8Array(0));
  const scanner = opts.factScanner ?? TS_FACT_SCANNER;
  const tlsKeys = TlsKeyStore.from(opts.tls);
  const reportKeyProblems = (from: number): void => {
    for (let k = from; k < tlsKeys.problems.length; k++) {
      const x = tlsKeys.problems[k]!;
      problems.report(x.code, 'warning', x.message);
    }
  };
  reportKeyProblems(0);
  const assembler = new TransportAssembler(problems, {
    tlsKeys,
    onNonSipUdp,
    onKeepAlive: ev ? (pkt) => ev.keepAliveCandidate(pkt) : undefined,
    // Datagrams are framed and scanned in one pass; what the fast path declines is framed and parsed as usual.
    // One FastFacts for every datagram: onSip consumes each before the next is scanned.
    scanUnit: (b, start, end, max) => scanner.scanDatagram(b, start, end, max, reusedFacts),
    // onSip is done with each message when it returns (the sinks copy what they keep).
    reuseUnitPayloads: true,
  });
  // Batches are built in the scanner's stage when it has one (the branch and tags are then copied by the scanner).
  const sink: FactSink =
    opts.sink ?? new FactBatchWriter(opts.onBatch ?? (() => {}), opts.batchSize, opts.transferBatches === true, opts.batchPool, scanner.stage?.(true), scanner.calls);

  const onSip = (p: SipPayload): void => {
    let facts: SipFacts | undefined = (p.prescan as FastFacts | undefined) ?? scanner.scanMessage(p.bytes);
    let parsed: SipMessage | undefined; // the full parse, when the fast path declined
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
    const id = sink.messages;
    const callIndex = sink.add(p, facts);
    // RTP analysis: SDP bodies declare the media endpoints (bytes are valid during this call).
    if (rtp !== undefined && facts.hasSdp) {
      const at = sdpScratch;
      at.callIndex = callIndex;
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
  };
  const onPacket = (pkt: Parameters<TransportAssembler['push']>[0]): void => assembler.push(pkt, onSip);

  let lastSec = 0;
  let lastNsec = 0;
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
      onSecrets: (type, data) => {
        if (type !== 'tls-keylog') return;
        const before = tlsKeys.problems.length;
        tlsKeys.addKeyLog(decodeUtf8(data, 0, data.length));
        reportKeyProblems(before);
      },
      onProgress: (done, total) => {
        sink.flush();
        opts.onProgress?.(done, total);
      },
    },
  );
  decoder.flush();
  assembler.flush(onSip);
  sink.flush();
  scanner.stage?.(false);
  return { ...result, lastTime: lastSec + lastNsec / 1e9, icmpQuoted };
}
