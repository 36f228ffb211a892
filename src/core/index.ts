// The core's public API: the only import path the adapters (cli, extension, server, webview) use.
export type { Span, ParseProblem } from './text/span';
export { span, shiftSpan } from './text/span';
export { LineIndex } from './text/line-index';
export { decodeUtf8, decodeUtf8 as decodeMessageText, encodeUtf8 } from './text/decode';

export type { ByteSource } from './bytes/byte-source';
export { DEFAULT_CHUNK_BYTES, memoryByteSource } from './bytes/byte-source';

export type { CaptureRecord, CaptureFormat, CaptureInterface } from './capture/types';
export { ProblemCollector } from './capture/problems';
export type { CaptureProblem, CaptureProblemSummary, ProblemSeverity } from './capture/problems';
export { readCapture } from './capture/read-capture';
export type { CaptureReadResult, ReadCaptureOptions } from './capture/read-capture';
export { detectCaptureFormat } from './capture/detect';
export { CaptureEncoder, LinkTypeMismatchError, selectPackets, streamSelectedPackets, writeSelectedPackets } from './capture/write-capture';
export type { FlowRange, KeptRecord, PacketSelection, StreamedCapture, WrittenCapture } from './capture/write-capture';
export { importCapture, loadMessageBytes, emptyModel, finishModel, MessageBytesReader } from './capture/import-capture';
export { gunzipSource, isGzip, type GunzipResult } from './bytes/gunzip';
export { runImportFront } from './capture/import-front';
export type { IcmpQuotedSip } from './decode/icmp';
export { TlsKeyStore, type TlsKeyInput, type TlsKeyProblem } from './tls/keys';
export { classifyTlsSecrets, gatherTlsSecrets, MAX_SECRETS_FILE_BYTES, tlsSidecarPaths, type TlsSecretsCandidate, type TlsSecretsKind, type TlsSidecar } from './tls/sidecars';
export type { ImportFrontOptions, ImportFrontResult } from './capture/import-front';
export { FactBatchReader, FactBatchWriter } from './capture/fact-batch';
export type { BatchBufferPool, FactBatch } from './capture/fact-batch';
export type { CaptureModel, ImportOptions } from './capture/import-capture';

export type { NetPacket, SipPayload, SipTransport } from './decode/types';
export { PacketDecoder } from './decode/packet-decoder';
export { TransportAssembler } from './decode/transport-assembler';

export type * from './sip/types';
export { parseSipMessage, spanText, parseFieldValue, headerDef, bodySpan } from './sip/parse-message';
export { summarizeSipMessage } from './sip/summary';
export type { SipSummary, SipViaSummary } from './sip/summary';
export { factsFromMessage } from './sip/facts';
export { WasmFactScanner, TS_FACT_SCANNER } from './sip/fast-facts-wasm';
export type { FactScanner } from './sip/fast-facts-wasm';
export { SIP_HEADERS, lookupHeader, canonicalHeaderName } from './sip/header-table';
export type { SipHeaderDef } from './sip/header-table';
export { parseUri } from './sip/uri';
export { parseNameAddr, parseNameAddrList } from './sip/name-addr';
export { parseViaList, topVia, allVias } from './sip/via';
export { parseCSeq } from './sip/cseq';
export { SIP_METHODS, REGISTERED_METHODS, sipMethodDoc } from './sip/methods';
export type { SipMethodDoc } from './sip/methods';

export type * from './sdp/types';
export { parseSdp, findSdpBodies } from './sdp/parse-sdp';

export type * from './dialog/types';
export { CallModelBuilder, BRANCH_MAGIC_COOKIE } from './dialog/reconstruct';
export type { FactValues, SipFacts, MessageSighting } from './dialog/reconstruct';
export { MessageStore, messageLabel } from './dialog/message-store';
export { callMessageIds, transactionMessageIds, dialogMessageIds } from './dialog/queries';
export { compileFilter } from './dialog/call-filter';
export { callFigureLines, captureStats, messageTotalsLine } from './dialog/stats';
export type { CaptureStats, DurationStats, MessageCount } from './dialog/stats';
export type { MessageBytesLocation, MessageStringIds } from './dialog/message-store';

export * from './ladder/index';

export { exportMessage, exportIcmpQuoted, exportOrder, exportEntry, exportCall, exportHeader, epochString, EXPORT_SCHEMA_VERSION } from './export/export-json';
export type { ExportedMessage, ExportedCall, ExportedSdp } from './export/export-json';

export { formatIp, parseIp, classifyIp, ipInCidr } from './util/ip';
export type { IpClass } from './util/ip';

export type * from './rules/types';
export { DEFAULT_LINT_SETTINGS, rfcRef } from './rules/types';
export type * from './trace/types';
export { splitTrace, messageFromBytes } from './trace/split-trace';
export { lintDocument, lintMessage, lintMessageBytes, lintSdpBytes, mapFindingsToDocument, ruleSeverity, worstSeverity } from './rules/run';
export { RULES, getRule, ruleMetas } from './rules/registry';
export { normalizeSeverity, toVsCodeSeverity, severityRank, atLeast } from './rules/config';
export type { VsCodeSeverityName } from './rules/config';
export { lintCapture, lintCaptureStream, captureRules } from './rules/run-capture';
export type { CaptureLintBatch, CaptureLintResult, CaptureLintOptions } from './rules/run-capture';
export { lintCapturedMessages } from './rules/run-captured-messages';
export type { CapturedMessageFindings, CapturedMessagesLintOptions } from './rules/run-captured-messages';
export type { CaptureEvidence } from './rules/capture/evidence';
export { evidenceFrames, exportFinding, exportVerdict, findingPositions } from './rules/capture/export';
export type { ExportedFinding, ExportedVerdict } from './rules/capture/export';

// ---- RTP/RTCP analysis (issue #5) ----
export type { RtpStreamInfo, RtpStreamMatch, RtpStreamRtcp } from './rtp/stream';
export { rtpHeaderLength, RtpStreamState } from './rtp/stream';
export type { SdpSighting, ScannedSdp, ScannedMedia } from './rtp/media';
export { MediaRegistry, scanSdp } from './rtp/media';
export type { MediaDeclaration } from './rtp/media-store';
export { MediaStore } from './rtp/media-store';
export type { RtpAnalyzerOptions, RtpAnalyzerStats } from './rtp/analyzer';
export { RtpAnalyzer } from './rtp/analyzer';
export type { RtcpPacketInfo, RtcpReportBlock, RtcpSenderInfo, RtcpParseResult } from './rtp/rtcp';
export { parseRtcp, looksLikeRtcp } from './rtp/rtcp';
export type { PayloadFormat } from './rtp/codecs';
export { STATIC_PAYLOAD_FORMATS, jitterClockRate, payloadName } from './rtp/codecs';
export { streamsOfCall, formatSsrc, streamSummary } from './rtp/queries';
export { exportStream } from './export/export-json';
export type { ExportedStream } from './export/export-json';
export type { ExtractAudioOptions, MixedAudio, MixOptions, StreamAudio } from './rtp/audio';
export { audioCodecSupport, decodeL16, decodePcma, decodePcmu, encodeWav, extractStreamAudio, mixCallAudio, pcmaTable, pcmuTable, resampleLinear } from './rtp/audio';
export type { AudioSupport, StreamsWav, StreamsWavEntry, StreamsWavOptions } from './rtp/audio-export';
export { audioSupport, playableCallStreams, streamsToWav } from './rtp/audio-export';
// ---- end RTP/RTCP analysis ----
export type { StreamPacketHandler, StreamPacketOptions } from './rtp/stream-packets';
export { forEachStreamPacket } from './rtp/stream-packets';
export type { StreamSeries, StreamSeriesOptions, StreamSeriesPoints, StreamSeriesRows } from './rtp/stream-series';
export {
  SERIES_COMFORT_NOISE,
  SERIES_DUPLICATE,
  SERIES_JITTER,
  SERIES_MARKER,
  SERIES_OUT_OF_ORDER,
  SERIES_REGULAR,
  SERIES_WRONG_SEQUENCE,
  SERIES_WRONG_TIMESTAMP,
  seriesRowStatus,
  streamSeries,
} from './rtp/stream-series';
export type { AudioChannelEntry } from './rtp/audio-channels';
export { audioChannelSummary, isSrtpProfile } from './rtp/audio-channels';
