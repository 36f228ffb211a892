// The host <-> capture-editor webview contract, imported by both sides: events in each direction (discriminated
// unions on `type`), the request map the webview calls on the host (`Requests`), and PROTOCOL_VERSION. Payloads
// are plain, structured-clone-safe data. Strings taken from a capture are RAW: the webview sets them as text.
import type { CallState, LadderCall, LadderColumn, LadderRow, SipTransport } from '../core/index';

/** Bumped on any incompatible change; both messengers stamp it on every envelope and refuse other versions. */
export const PROTOCOL_VERSION = 1;

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
  from: number;
  rows: LadderRow[];
}

// ---------------------------------------------------------------------------------------------------------------
// Message detail

/** What the message body is, for display. */
export type BodyKind = 'none' | 'sdp' | 'text' | 'binary';

export interface MessageDetail {
  id: number;
  frame: number;
  firstFrame: number;
  timeSec: number;
  timeNsec: number;
  ipVersion: 4 | 6;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  transport: SipTransport;
  label: string;
  callIndex: number;
  callId: string;
  retransmission: boolean;
  truncated: boolean;
  /** Message size in bytes. */
  byteLength: number;
  /** Start line + headers + the empty line, decoded as UTF-8 (invalid bytes become U+FFFD). */
  head: string;
  /** Body text ('' when none; a placeholder note for binary bodies). */
  body: string;
  bodyKind: BodyKind;
}

// ---------------------------------------------------------------------------------------------------------------
// Commands the webview can ask the host to run (also in the command palette)

export type ExportFormat = 'html' | 'svg' | 'mermaid' | 'plantuml' | 'json';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'svg', 'mermaid', 'plantuml', 'json'];

export type CommandRequest =
  | { command: 'openMessageAsText'; messageId: number }
  | { command: 'exportLadder'; callIndexes: number[]; columns: LadderColumnsOption; format?: ExportFormat }
  | { command: 'saveCallAsPcap'; callIndexes: number[] }
  | { command: 'copyTsharkFilter'; callIndexes: number[] };

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
