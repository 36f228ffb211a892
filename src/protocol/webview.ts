// The host <-> capture-editor webview contract, imported by both sides: events in each direction (discriminated
// unions on `type`), the request map the webview calls on the host (`Requests`), and PROTOCOL_VERSION. Payloads
// are plain, structured-clone-safe data. Strings taken from a capture are RAW: the webview sets them as text.
import type { CallState, CaptureStats, LadderCall, LadderColumn, LadderIcmp, LadderRow, LadderStream, MessageInfo, RuleSeverity, SipTransport } from '../core/index';

/**
 * Bumped on any incompatible change; both messengers stamp it on every envelope and refuse other versions.
 * 2: NAT findings (getFindings, CaptureSummary.nat), RTP streams and finding markers on ladder pages, getStream,
 *    ladderRowOf, openExternal.
 * 3: ICMP errors on ladder rows and streams (LadderRow.icmp, LadderStream.icmp), ICMP evidence frames, MessageDetail.icmp.
 * 4: MessageDetail.previousHop and the compareWithPreviousHop command.
 * 5: RTP audio: StreamDetail.audio, the getStreamAudio request, the saveStreamAudio and saveCallAudio commands;
 *    the getStreamSeries request (per-packet delta / jitter graph); getStats (SIP statistics).
 * 6: MessageDetail.findings (the message and SDP rules on the message, as in a trace); openMessageAsText's line and
 *    column (a finding clicked opens the message there).
 */
export const PROTOCOL_VERSION = 6;

// ---------------------------------------------------------------------------------------------------------------
// Call list

/** Call list columns the host can sort by. */
export type CallSortKey =
  | 'index'
  | 'start'
  | 'method'
  | 'from'
  | 'to'
  | 'state'
  | 'status'
  | 'messages'
  | 'duration'
  | 'callId';

export const CALL_SORT_KEYS: readonly CallSortKey[] = [
  'index',
  'start',
  'method',
  'from',
  'to',
  'state',
  'status',
  'messages',
  'duration',
  'callId',
];

export interface CallSort {
  key: CallSortKey;
  descending: boolean;
}

/** One call list row: a projection of CallInfo without the (possibly long) id arrays. */
export interface CallRow {
  /** CallInfo.index: the stable identity of the call (selection, ladder requests). */
  index: number;
  callId: string;
  method: string;
  state: CallState;
  fromUri: string;
  toUri: string;
  fromDisplay: string | undefined;
  toDisplay: string | undefined;
  startSec: number;
  startNsec: number;
  durationSec: number | undefined;
  finalStatus: number | undefined;
  messageCount: number;
  retransmissions: number;
}

export interface GetCallsParams {
  /** First position (0-based) in the sorted, filtered list, and how many rows (the host caps it). */
  from: number;
  count: number;
  sort: CallSort;
  /** Free text: whitespace-separated terms, all must match; `field:value` limits a term to one field. */
  filter: string;
}

export interface CallsPage {
  from: number;
  rows: CallRow[];
  /** Calls matching the filter. */
  total: number;
  /** All calls in the capture so far. */
  unfiltered: number;
  /** Host model generation the page was computed at (grows while the import runs). */
  generation: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Ladder

/** How endpoints become columns: one per ip:port, one per IP, or one per host declared in Via sent-by / Contact. */
export type LadderColumnsOption = 'endpoint' | 'ip' | 'host';

export const LADDER_COLUMN_OPTIONS: readonly LadderColumnsOption[] = ['endpoint', 'ip', 'host'];

/** Time column of the ladder: UTC clock, seconds since the first arrow, or since the previous arrow. */
export type LadderTimeOption = 'absolute' | 'relative' | 'delta';

export interface GetLadderParams {
  /** CallInfo.index values; their messages are merged into one ladder. */
  callIndexes: number[];
  /** First row and how many rows (the host caps it). */
  from: number;
  count: number;
  columns: LadderColumnsOption;
}

/** A page of a (possibly 5 000-row) ladder plus everything needed to lay the whole ladder out. */
export interface LadderPage {
  /** Identity of the ladder content; pages with another key belong to another ladder. */
  key: string;
  rowCount: number;
  columns: LadderColumn[];
  calls: LadderCall[];
  /** Representative rows (widest label per column pair), enough for layoutPagedLadder() to size the columns. */
  widthRows: LadderRow[];
  startSec: number;
  startNsec: number;
  warnings: string[];
  /** RTP streams of the selected calls drawn on this ladder (all of them, whatever the page), with finding markers. */
  streams: LadderStreamView[];
  /** State of the NAT analysis the markers come from (markers are empty until it is `done`). */
  nat: NatAnalysisState;
  from: number;
  rows: LadderRow[];
  /** Finding markers of this page's rows (only rows whose message has findings). */
  markers: RowMarker[];
}

/** A message with NAT findings: the arrow gets a marker of the highest severity; the tooltip lists the rules. */
export interface RowMarker {
  messageId: number;
  severity: RuleSeverity;
  /** Rule ids, most severe first. */
  ruleIds: string[];
}

/** A ladder stream band with its stream index (CaptureModel.streams) and the findings that concern the stream. */
export interface LadderStreamView extends LadderStream {
  streamIndex: number;
  /** Highest severity of the findings about this stream; undefined when none. */
  severity: RuleSeverity | undefined;
  ruleIds: string[];
}

export interface LadderRowOfParams {
  /** Same calls and columns as the getLadder requests of the ladder on screen. */
  callIndexes: number[];
  columns: LadderColumnsOption;
  messageId: number;
}

export interface LadderRowOf {
  /** Ladder key (LadderPage.key) the row index belongs to. */
  key: string;
  /** Row index of the message in that ladder, -1 when it is not on it. */
  row: number;
}
// ---------------------------------------------------------------------------------------------------------------
// Message detail

/** What the message body is, for display. */
export type BodyKind = 'none' | 'sdp' | 'text' | 'binary';

/** A message's indexed fields (core MessageInfo) plus what the detail pane shows. */
export interface MessageDetail
  extends Pick<
    MessageInfo,
    'id' | 'frame' | 'firstFrame' | 'timeSec' | 'timeNsec' | 'ipVersion' | 'src' | 'srcPort' | 'dst' | 'dstPort' | 'transport' | 'label' | 'callIndex' | 'retransmission' | 'truncated'
  > {
  callId: string;
  /** Message size in bytes. */
  byteLength: number;
  /** Start line + headers + the empty line, decoded as UTF-8 (invalid bytes become U+FFFD). */
  head: string;
  /** Body text ('' when none; a placeholder note for binary bodies). */
  body: string;
  bodyKind: BodyKind;
  /** ICMP errors that answered this message's datagram (it did not get there), in capture order. */
  icmp: LadderIcmp[];
  /**
   * The same message on the hop before (see previousHop in the host's session): what a proxy or SBC received before
   * sending this one. Undefined when the capture has no such message.
   */
  previousHop?: { id: number; src: string; srcPort: number; dst: string; dstPort: number; ipVersion: 4 | 6 };
  /** What the message and SDP rules find in this message (as `sipscope lint` and the language server do), by position. */
  findings: MessageFindingView[];
}

/**
 * A rule finding in one message. `line` and `column` are 1-based, in the message's text (the head's lines, then the
 * body's), the column in UTF-16 code units; `message` is RAW (it may quote capture text).
 */
export interface MessageFindingView {
  ruleId: string;
  severity: RuleSeverity;
  message: string;
  line: number;
  column: number;
}

// ---------------------------------------------------------------------------------------------------------------
// RTP stream detail

/** An SDP media declaration as the stream detail shows it: address, port and the SIP message that carried it. */
export interface SdpEndpointView {
  address: string;
  port: number;
  messageId: number;
  frame: number;
  /** Label of the SIP message (`INVITE`, `200 OK`). */
  label: string;
}

/** Everything the detail pane shows about one RTP stream (RtpStreamInfo plus its SDP and findings). */
export interface StreamDetail {
  index: number;
  callIndex: number;
  callId: string;
  detection: 'sdp' | 'heuristic';
  ipVersion: 4 | 6;
  /** Observed addresses of the packets. */
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** `0x5A1CE001` */
  ssrc: string;
  codec: string;
  codecs: string[];
  /** Transport profile of the SDP the stream matched (`RTP/AVP`, `RTP/SAVP` = SRTP...), '' for heuristic streams. */
  profile: string;
  /** `RTP PCMA 236 pkts, 0 lost` */
  label: string;
  firstFrame: number;
  lastFrame: number;
  startSec: number;
  startNsec: number;
  durationSec: number;
  packets: number;
  expected: number;
  lost: number;
  lostPercent: number;
  duplicates: number;
  outOfOrder: number;
  sequenceErrors: number;
  maxDeltaMs: number;
  maxDeltaFrame: number;
  meanDeltaMs: number;
  maxJitterMs: number;
  meanJitterMs: number;
  /** RFC 4733 events: how many, and the digits in order. */
  dtmf: { count: number; digits: string };
  /**
   * The SDP endpoint the packets matched: `destination` = the receiver's declaration (the packets go where it asked),
   * `source` = the sender's (symmetric RTP from its declared port). Undefined for heuristic streams.
   */
  matched: (SdpEndpointView & { side: 'source' | 'destination' }) | undefined;
  /** What the sending party declared in its own SDP (compare with the observed source: NAT). */
  senderSdp: SdpEndpointView | undefined;
  /** Findings about this stream (one-way audio, RTP unreachable, source mismatch...), most severe first. */
  findings: { ruleId: string; severity: RuleSeverity; message: string }[];
  /** Whether its audio can be played (decodable codec), and the call's streams that can (for "Play call"). */
  audio: StreamAudioSupport;
}

/** Can the stream detail offer to play a stream (and its call)? */
export interface StreamAudioSupport {
  /** The stream's codec is one SIPScope decodes (G.711 µ-law/A-law, G.722, G.726, GSM, Opus, L16). */
  playable: boolean;
  /** Why not, when not playable (`G729 is not decoded: ...`). */
  reason: string | undefined;
  /** The call's playable audio streams (CaptureModel.streams indexes) in order of their first packet, this one included. */
  callStreams: number[];
}

/** Most RTP streams one getStreamAudio request decodes (one WAV channel each); the webview asks for no more. */
export const MAX_AUDIO_STREAMS = 16;

/** Audio of some RTP streams (getStreamAudio): one WAV channel per decoded stream, aligned on capture time. */
export interface StreamAudioResult {
  /** RIFF/WAVE, PCM 16-bit little-endian; empty when no stream could be decoded. */
  wav: Uint8Array;
  sampleRate: number;
  /** Seconds of audio in `wav`. */
  durationSec: number;
  /**
   * Per stream asked for, in that order: its WAV channel (1-based; 0 = not decoded) and why not, packets lost (silence),
   * and whether the per-stream length cap cut it.
   */
  streams: { streamIndex: number; codec: string; channel: number; reason: string | undefined; lostPackets: number; truncated: boolean; srtp: boolean }[];
}

/**
 * One RTP stream's delta and jitter over time (getStreamSeries; core streamSeries downsampled): parallel arrays of at
 * most `maxPoints` points. Delta and jitter (RFC 3550 §6.4.1) in ms as in the stream's statistics; x in seconds from
 * the stream's first packet.
 */
export interface StreamSeriesView {
  streamIndex: number;
  /** Packets of the stream, and the highest delta / jitter (ms): the stream summary's maxDeltaMs / maxJitterMs. */
  packets: number;
  maxDeltaMs: number;
  maxJitterMs: number;
  /** Seconds from the first to the last packet. */
  durationSec: number;
  /** Points: seconds from the stream start, highest delta and jitter (ms) per bucket of packets. */
  offsetSec: number[];
  deltaMs: number[];
  jitterMs: number[];
  /** Sequence gaps (lost packets when they arrived): seconds from the stream start and sequence numbers missing. */
  gapOffsetSec: number[];
  gapMissing: number[];
  /** Sum of gapMissing. */
  missingPackets: number;
}

// ---------------------------------------------------------------------------------------------------------------
// NAT findings

/**
 * NAT analysis of the capture (lintCapture, run once after the import): `pending` while the import runs, `running`,
 * then `done`; `failed` (read error), `skipped` (import failed or was cancelled).
 */
export type NatAnalysisState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** Counts of the NAT analysis for the toolbar and the status bar. */
export interface NatSummary {
  state: NatAnalysisState;
  /** Findings in the whole capture (0 until done), and per severity. */
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  /** Calls with at least one finding. */
  calls: number;
  /** Why the analysis failed or was skipped. */
  note: string | undefined;
  /** Grows every time the analysis results change (a settings change re-runs it). */
  generation: number;
}

/**
 * One piece of evidence of a finding: a frame that is a SIP message (clickable: selects its arrow), the first packet
 * of an RTP stream (selects the stream), an ICMP error that answered an arrow or stream of the call (selects what it
 * answered: `messageId` or `streamIndex`), or another packet (RTP, RTCP...: shown as a frame number).
 */
export type EvidenceFrame =
  | { kind: 'sip'; frame: number; messageId: number; label: string }
  | { kind: 'rtp'; frame: number; streamIndex: number }
  | { kind: 'icmp'; frame: number; error: string; reporter: string; messageId?: number; streamIndex?: number }
  | { kind: 'packet'; frame: number };

/** A capture finding as the findings panel shows it. Strings are RAW (the message quotes capture text). */
export interface FindingView {
  ruleId: string;
  severity: RuleSeverity;
  message: string;
  /** CallInfo.index, -1 when the finding is not about one call. */
  callIndex: number;
  callId: string;
  /** Evidence frames (sorted, unique) classified for display. */
  frames: EvidenceFrame[];
  messageIds: number[];
  /** RTP streams (CaptureModel.streams indexes) the finding concerns. */
  streamIndexes: number[];
  /** First reference of the rule (RFC section or nathelper doc) and its short title (`RFC 3581 §4`). */
  url: string | undefined;
  refTitle: string | undefined;
}

/** The NAT verdict of one call. */
export interface VerdictView {
  callIndex: number;
  callId: string;
  summary: string;
  /** Findings of the call (also in FindingsResult.findings). */
  findingCount: number;
  /** Highest severity among them (undefined: a party is behind NAT but nothing is wrong). */
  severity: RuleSeverity | undefined;
}

export interface GetFindingsParams {
  /** Calls to report on (CallInfo.index); omitted: the whole capture. */
  callIndexes?: number[];
  /** Only the verdicts (the capture-wide overview): `findings` comes back empty, `total` still counts them. */
  verdictsOnly?: boolean;
}

export interface FindingsResult {
  state: NatAnalysisState;
  generation: number;
  note: string | undefined;
  /** Grouped by call (ascending), then most severe first, then by first evidence frame. At most MAX_FINDINGS. */
  findings: FindingView[];
  /** Findings matching the request before the cap. */
  total: number;
  verdicts: VerdictView[];
}

// ---------------------------------------------------------------------------------------------------------------
// Commands the webview can ask the host to run (also in the command palette)

/** `html-audio`: the HTML report with the calls' decoded RTP audio embedded (as `sipscope ladder --audio`). */
export type ExportFormat = 'html' | 'html-audio' | 'svg' | 'mermaid' | 'plantuml' | 'json';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'html-audio', 'svg', 'mermaid', 'plantuml', 'json'];

export type CommandRequest =
  /** Open the message as a SIP document; `line`/`column` (1-based, MessageFindingView's) put the cursor there. */
  | { command: 'openMessageAsText'; messageId: number; line?: number; column?: number }
  | { command: 'exportLadder'; callIndexes: number[]; columns: LadderColumnsOption; format?: ExportFormat }
  | { command: 'saveCallAsPcap'; callIndexes: number[] }
  | { command: 'copyTsharkFilter'; callIndexes: number[] }
  /** Open a diff of the message on its previous hop (MessageDetail.previousHop) and this one. */
  | { command: 'compareWithPreviousHop'; messageId: number }
  /** Save the decoded audio of RTP streams (one channel each) as a WAV file. */
  | { command: 'saveStreamAudio'; streamIndexes: number[] }
  /** The same for every RTP stream of some calls (the palette command acts on the selected calls). */
  | { command: 'saveCallAudio'; callIndexes: number[] };

export interface CommandResult {
  /** False when the user cancelled (closed a dialog) or there was nothing to do. */
  done: boolean;
  /** Short human-readable outcome, e.g. the filter copied or the file written. */
  message?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests, events

/** Requests the webview sends to the host: method -> params and result. */
export type Requests = {
  getCalls: { params: GetCallsParams; result: CallsPage };
  getLadder: { params: GetLadderParams; result: LadderPage };
  getMessage: { params: { id: number }; result: MessageDetail };
  runCommand: { params: CommandRequest; result: CommandResult };
  /** NAT findings and verdicts (of some calls); answers at once, whatever the analysis state. */
  getFindings: { params: GetFindingsParams; result: FindingsResult };
  getStream: { params: { streamIndex: number }; result: StreamDetail };
  /**
   * SIP statistics (as `sipscope stats`): messages by method and status, retransmissions, calls by state, ASR, ACD,
   * PDD; of the given calls, or of the whole capture when `callIndexes` is empty.
   */
  getStats: { params: { callIndexes: number[] }; result: { stats: CaptureStats; scope: string } };
  /** Decode RTP streams' audio (G.711, G.722, G.726, GSM, Opus, L16, SRTP with SDES keys) as a WAV file to play; rejects when a stream index is unknown. */
  getStreamAudio: { params: { streamIndexes: number[] }; result: StreamAudioResult };
  /** Per-packet delta and jitter of one RTP stream, downsampled for a graph; rejects while importing or for an unknown index. */
  getStreamSeries: { params: { streamIndex: number }; result: StreamSeriesView };
  /** Where a message is in the ladder of some calls (to scroll to an evidence frame not loaded yet). */
  ladderRowOf: { params: LadderRowOfParams; result: LadderRowOf };
  /** Open a rule's reference in the browser (the webview cannot, under its CSP); only known rule references. */
  openExternal: { params: { url: string }; result: { opened: boolean } };
};

/** The host asks nothing of the webview (selection is pushed to the host with the `selection` event). */
export type HostRequests = Record<never, never>;

/** Import progress and counts, pushed after every import update and at the end. */
export interface CaptureSummary {
  fileName: string;
  format: 'pcap' | 'pcapng' | 'unknown';
  size: number;
  bytesRead: number;
  /** Import finished (completely, cancelled, or failed). */
  done: boolean;
  cancelled: boolean;
  /** Why the file could not be read as a capture. */
  fatal: string | undefined;
  calls: number;
  messages: number;
  problems: number;
  records: number;
  /** Grows with every import update; pages carry the generation they were computed at. */
  generation: number;
  /** The NAT analysis that runs after the import. */
  nat: NatSummary;
}

/** Defaults from the user's settings (sipscope.ladder.*); the webview's saved state wins over them. */
export interface ViewDefaults {
  columns: LadderColumnsOption;
  time: LadderTimeOption;
}

export type HostToWebview =
  | { type: 'init'; fileName: string; defaults: ViewDefaults; summary: CaptureSummary }
  | { type: 'captureUpdate'; summary: CaptureSummary }
  /** A command from the palette/menu that the webview should run with its own state (zoom, fit...). */
  | { type: 'viewCommand'; command: 'zoomIn' | 'zoomOut' | 'zoomReset' | 'focusFilter' };

export type WebviewToHost =
  | { type: 'ready'; protocolVersion: number }
  /** What is selected, so palette commands act on it. */
  | { type: 'selection'; callIndexes: number[]; messageId: number | undefined; columns: LadderColumnsOption }
  /** A failure the webview could not show itself (e.g. an error thrown while rendering). */
  | { type: 'log'; level: 'info' | 'error'; message: string };
