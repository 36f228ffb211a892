// Host side of one opened capture, without vscode: owns the (live, still importing) CaptureModel, runs the NAT
// analysis once the import is complete, and answers the webview's requests (call pages, ladder pages with RTP streams
// and finding markers, message and stream detail, findings). The custom editor wires it to a webview; the Chromium
// tests wire the very same handlers to a stubbed acquireVsCodeApi.
import {
  allVias,
  audioSupport,
  buildLadder,
  callMessageIds,
  captureStats,
  decodeUtf8,
  DEFAULT_LINT_SETTINGS,
  findSdpBodies,
  formatSsrc,
  LineIndex,
  lintMessageBytes,
  loadMessageBytes,
  matchIcmpAnswers,
  parseNameAddrList,
  parseSipMessage,
  playableCallStreams,
  streamSeries,
  streamsToWav,
  streamSummary,
  type CaptureModel,
  type LadderIcmp,
  type LadderModel,
  type LintSettings,
  type MediaDeclaration,
  type MessageInfo,
  type RtpStreamInfo,
} from '../../core/index';
// Not in the core's public index yet: the paging helpers (new module of this feature) and isValidUtf8.
import { LADDER_PAGE_SIZE, ladderPage, ladderWidthRows } from '../../core/ladder/page';
import { isValidUtf8 } from '../../core/text/decode';
import type { RequestHandlers } from '../../protocol/messenger';
import type {
  BodyKind,
  CaptureSummary,
  CommandRequest,
  CommandResult,
  GetLadderParams,
  LadderColumnsOption,
  LadderPage,
  LadderRowOf,
  LadderRowOfParams,
  LadderStreamView,
  MessageDetail,
  MessageFindingView,
  Requests,
  SdpEndpointView,
  StreamAudioResult,
  StreamDetail,
} from '../../protocol/webview';
import { MAX_AUDIO_STREAMS } from '../../protocol/webview';
import { CallQuery } from './call-query';
import { isRuleReferenceUrl, NatAnalysis } from './nat-analysis';

/**
 * Bytes per import step (ImportOptions.chunkSize). The host answers the webview (call pages, ladder pages) between
 * steps, so a step smaller than the core's 4 MiB default keeps the editor responsive while a big capture is read
 * and puts the first calls on screen sooner; the per-step overhead is negligible at this size.
 */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

/** Most rows one getLadder request returns. */
export const MAX_LADDER_PAGE = 2000;
/** Most calls merged into one ladder (more are ignored, with a warning). */
export const MAX_LADDER_CALLS = 500;
/** Most seconds of audio per stream decoded for the player and "Save as WAV…" (the stream cap is the protocol's). */
export const MAX_AUDIO_SECONDS = 3600;

/** Runs the commands that need the editor (dialogs, clipboard, new documents). */
export type CommandRunner = (req: CommandRequest) => Promise<CommandResult>;

/** Editor services and settings of a session (all optional: tests and benchmarks run without an editor). */
export interface CaptureSessionOptions {
  /** NAT lint settings (trusted networks, severities); default: the core's defaults. */
  lintSettings?: LintSettings;
  /** Opens a URL in the browser (vscode.env.openExternal); called only with rule reference URLs. */
  openExternal?: (url: string) => PromiseLike<boolean> | boolean;
  /** NAT findings kept whole at most; beyond, a call's findings are made again when shown (default KEEP_FINDINGS). */
  keepFindings?: number;
}

interface LadderEntry {
  key: string;
  model: LadderModel;
  widthRows: LadderPage['widthRows'];
  /** message id -> row index, built on the first ladderRowOf request. */
  rowOf?: Map<number, number>;
}

/** One capture's host state; `model` is undefined until the importer's first update. */
export class CaptureSession {
  private model: CaptureModel | undefined;
  private gen = 0;
  private finished = false;
  private fatalText: string | undefined;
  private readonly calls = new CallQuery(() => this.model?.calls ?? []);
  private readonly ladders: LadderEntry[] = [];
  private readonly building = new Map<string, Promise<LadderEntry>>();
  private readonly listeners = new Set<() => void>();
  private readonly nat: NatAnalysis;
  /** Severities and trusted networks of the NAT analysis and of the message findings (MessageDetail.findings). */
  private lintSettings: LintSettings;
  private disposed = false;

  constructor(
    readonly fileName: string,
    private readonly runCommand: CommandRunner = async () => ({ done: false, message: 'commands are not available here' }),
    private readonly options: CaptureSessionOptions = {},
  ) {
    this.lintSettings = options.lintSettings ?? DEFAULT_LINT_SETTINGS;
    this.nat = new NatAnalysis(this.lintSettings, () => this.emit(), options.keepFindings);
  }

  /**
   * Called when the session changed outside an import update (the NAT analysis started, finished or failed): push
   * the new summary to the webviews. Returns a function that removes the listener.
   */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves when no NAT analysis is reading the capture (so its source may be closed). Never rejects. */
  get analysisIdle(): Promise<void> {
    return this.nat.idle;
  }

  /** New lint settings (the user edited sipscope.nat.* / sipscope.rules.*): re-runs a finished analysis. */
  setLintSettings(settings: LintSettings): void {
    this.lintSettings = settings;
    this.nat.setSettings(settings);
  }

  /** Stop the NAT analysis and forget the listeners; requests still settle (with what the model has). */
  dispose(): void {
    this.disposed = true;
    this.nat.dispose();
    this.listeners.clear();
  }

  private emit(): void {
    if (this.disposed) return;
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // a listener's failure is its own (e.g. a disposed webview); the others still hear about the change
      }
    }
  }

  /** The model so far (undefined before the first import update). */
  get current(): CaptureModel | undefined {
    return this.model;
  }

  get generation(): number {
    return this.gen;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Record an import update (live model) or the final model (`done`). */
  update(model: CaptureModel, done: boolean): void {
    this.model = model;
    this.gen++;
    if (done) {
      this.finished = true;
      this.fatalText = model.fatal?.message;
      // The NAT analysis re-reads the capture: only on a complete import, after the calls are on screen.
      if (model.fatal) this.nat.skip('not a readable capture');
      else if (model.cancelled) this.nat.skip('import cancelled: NAT analysis needs the whole capture');
      else this.nat.start(model);
    }
  }

  /** Mark the import as failed (I/O error) with a message for the webview. */
  fail(message: string): void {
    this.finished = true;
    this.fatalText = message;
    this.gen++;
    this.nat.skip(message);
  }

  /** Counts and progress for the webview and the status bar. */
  summary(): CaptureSummary {
    const m = this.model;
    return {
      fileName: this.fileName,
      format: m?.format ?? 'unknown',
      size: m?.size ?? 0,
      bytesRead: m?.bytesRead ?? 0,
      done: this.finished,
      cancelled: m?.cancelled ?? false,
      fatal: this.fatalText,
      calls: m?.calls.length ?? 0,
      messages: m?.messages.count ?? 0,
      problems: m?.problemCount ?? 0,
      records: m?.records ?? 0,
      generation: this.gen,
      nat: this.nat.summary(),
    };
  }

  /** The request handlers the webview messenger serves. */
  handlers(): RequestHandlers<Requests> {
    return {
      getCalls: (p) => this.calls.page(p, this.gen),
      getLadder: (p) => this.getLadder(p),
      getMessage: (p) => this.getMessage(p.id),
      runCommand: (p) => this.runCommand(p),
      getFindings: (p) => this.nat.findings(p ?? {}),
      getStream: (p) => this.getStream(p.streamIndex),
      getStreamAudio: (p) => this.streamAudio(p.streamIndexes),
      getStats: (p) => {
        const m = this.model;
        if (!m) throw new Error('the capture is still being read');
        const wanted = (Array.isArray(p.callIndexes) ? p.callIndexes : []).filter((i) => Number.isInteger(i) && m.calls[i] !== undefined);
        const only = wanted.length > 0 ? new Set(wanted) : undefined;
        const scope = only ? `${only.size} of ${m.calls.length} calls` : `all ${m.calls.length} calls${this.finished ? '' : ' read so far'}`;
        return { stats: captureStats(m, only), scope };
      },
      // Per-packet delta / jitter of one stream (a pass over the capture up to its last frame), downsampled for a graph.
      getStreamSeries: async (p) => {
        const m = this.finishedModel();
        const st = streamAt(m, p.streamIndex);
        const r = await streamSeries(m, m.source, st, { maxPoints: 1000 });
        return {
          streamIndex: st.index,
          packets: r.packets,
          maxDeltaMs: r.maxDeltaMs,
          maxJitterMs: r.maxJitterMs,
          durationSec: r.rows.count > 0 ? r.rows.offsetSec[r.rows.count - 1]! : 0,
          offsetSec: r.points.offsetSec,
          deltaMs: r.points.maxDeltaMs,
          jitterMs: r.points.maxJitterMs,
          gapOffsetSec: r.points.gapOffsetSec,
          gapMissing: r.points.gapMissing,
          missingPackets: r.missingPackets,
        };
      },
      ladderRowOf: (p) => this.ladderRowOf(p),
      openExternal: (p) => this.openExternal(p.url),
    };
  }

  /** Messages of the given calls (unknown call indexes are skipped), in message id order. */
  messagesOfCalls(callIndexes: readonly number[]): MessageInfo[] {
    const m = this.model;
    if (!m) return [];
    const calls = callIndexes.map((ci) => (Number.isInteger(ci) ? m.calls[ci] : undefined)).filter((c) => c !== undefined);
    return callMessageIds(calls).map((id) => m.messages.get(id));
  }

  /** RTP streams of some calls (found through their SDP), in order of their first packet. */
  streamsOfCalls(callIndexes: readonly number[]): RtpStreamInfo[] {
    const wanted = new Set(callIndexes);
    return (this.model?.streams ?? []).filter((st) => wanted.has(st.callIndex));
  }

  /** The streams of some calls decoded together (one WAV channel each): the first MAX_AUDIO_STREAMS, as indexes. */
  audioStreamsOfCalls(callIndexes: readonly number[]): number[] {
    return this.streamsOfCalls(callIndexes)
      .slice(0, MAX_AUDIO_STREAMS)
      .map((st) => st.index);
  }

  /** The full ladder model of some calls (cached; rebuilt when their message count changes). */
  async ladder(callIndexes: readonly number[], columns: LadderColumnsOption): Promise<LadderModel> {
    return (await this.ladderEntry(callIndexes, columns)).model;
  }

  private async getLadder(p: GetLadderParams): Promise<LadderPage> {
    const entry = await this.ladderEntry(p.callIndexes, p.columns);
    const count = Math.max(0, Math.min(MAX_LADDER_PAGE, Math.floor(Number.isFinite(p.count) ? p.count : LADDER_PAGE_SIZE)));
    const from = Math.max(0, Math.min(entry.model.rows.length, Math.floor(Number.isFinite(p.from) ? p.from : 0)));
    const rows = ladderPage(entry.model, from, count);
    const streams: LadderStreamView[] = entry.model.streams.map((st) => {
      const streamIndex = st.streamIndex ?? -1;
      const marker = this.nat.streamMarker(streamIndex);
      return { ...st, streamIndex, severity: marker?.severity, ruleIds: marker ? [...marker.ruleIds] : [] };
    });
    return {
      // The NAT generation is part of the key: when findings arrive the webview takes the new shape (stream markers)
      // and fetches its rows again (row markers).
      key: `${entry.key}|nat${this.nat.generation}`,
      rowCount: entry.model.rows.length,
      columns: entry.model.columns,
      calls: entry.model.calls,
      widthRows: entry.widthRows,
      startSec: entry.model.startSec,
      startNsec: entry.model.startNsec,
      warnings: entry.model.warnings,
      streams,
      nat: this.nat.current,
      from,
      rows,
      markers: this.nat.rowMarkers(rows.map((r) => r.messageId)),
    };
  }

  private async ladderRowOf(p: LadderRowOfParams): Promise<LadderRowOf> {
    const entry = await this.ladderEntry(Array.isArray(p.callIndexes) ? p.callIndexes : [], p.columns);
    entry.rowOf ??= new Map(entry.model.rows.map((r) => [r.messageId, r.index]));
    return { key: `${entry.key}|nat${this.nat.generation}`, row: entry.rowOf.get(p.messageId) ?? -1 };
  }

  private async openExternal(url: string): Promise<{ opened: boolean }> {
    if (!isRuleReferenceUrl(url)) throw new Error('only rule reference links can be opened');
    const open = this.options.openExternal;
    return { opened: open ? await open(url) : false };
  }

  private async getStream(streamIndex: number): Promise<StreamDetail> {
    const m = this.model;
    if (!m) throw new Error(`no RTP stream ${streamIndex}`);
    const st = streamAt(m, streamIndex);
    const findings = await this.nat.streamFindings(streamIndex);
    return streamDetail(m, st, findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message })));
  }

  /**
   * The decoded audio of some streams of the capture as one WAV file (streamsToWav: a pass over the capture), for the
   * webview's player and "Save as WAV…". Rejects for an unknown stream index, too many streams, or an import still
   * running (streams are complete only at its end).
   */
  async streamAudio(streamIndexes: readonly number[]): Promise<StreamAudioResult> {
    const m = this.finishedModel();
    if (!Array.isArray(streamIndexes) || streamIndexes.length === 0) throw new Error('no RTP stream given');
    if (streamIndexes.length > MAX_AUDIO_STREAMS) throw new Error(`at most ${MAX_AUDIO_STREAMS} streams at once`);
    const streams = streamIndexes.map((i) => streamAt(m, i));
    const r = await streamsToWav(m, m.source, streams, { maxSeconds: MAX_AUDIO_SECONDS });
    return {
      wav: r.wav,
      sampleRate: r.sampleRate,
      durationSec: r.durationSec,
      streams: r.streams.map((x) => ({ streamIndex: x.streamIndex, codec: x.codec, channel: x.channel, reason: x.reason, lostPackets: x.lostPackets, truncated: x.truncated, srtp: x.srtp !== undefined })),
    };
  }

  /** The model of a complete import (RTP streams are complete only at its end); throws while it runs. */
  private finishedModel(): CaptureModel {
    const m = this.model;
    if (!m || !this.finished) throw new Error('the capture is still being read');
    return m;
  }

  private ladderEntry(callIndexesIn: readonly number[], columns: LadderColumnsOption): Promise<LadderEntry> {
    const m = this.model;
    const callIndexes = [...new Set(callIndexesIn.filter((i) => Number.isInteger(i) && m?.calls[i] !== undefined))]
      .sort((a, b) => a - b)
      .slice(0, MAX_LADDER_CALLS);
    const size = callIndexes.reduce((n, i) => n + (m?.calls[i]?.messageIds.length ?? 0), 0);
    const streams = this.streamsOfCalls(callIndexes);
    // While the import runs, a ladder is rebuilt when its calls get messages or streams (not for every RTP packet:
    // stream labels catch up with their final counts in the rebuild at the end of the import).
    const key = `${callIndexes.join(',')}|${columns}|${size}|${streams.length}|${this.finished ? 'final' : 'partial'}`;
    const hit = this.ladders.find((l) => l.key === key);
    if (hit) return Promise.resolve(hit);
    const pending = this.building.get(key);
    if (pending) return pending;
    const job = (async (): Promise<LadderEntry> => {
      let messages = this.messagesOfCalls(callIndexes);
      let media: RtpStreamInfo[] = streams;
      // ICMP errors are matched on the captured addresses, before the host column mode renames endpoints.
      const icmp = m ? matchIcmpAnswers(m.icmpQuoted, m.evidence?.icmp ?? [], messages, streams) : undefined;
      if (columns === 'host' && m) {
        const hosts = await declaredHosts(m, messages);
        messages = messages.map((x) => ({ ...x, src: hosts.ofEndpoint(x.src, x.srcPort), dst: hosts.ofEndpoint(x.dst, x.dstPort) }));
        media = streams.map((st) => ({ ...st, src: hosts.ofIp(st.src), dst: hosts.ofIp(st.dst) }));
      }
      const model = buildLadder(messages, { columns: columns === 'endpoint' ? 'endpoint' : 'ip', calls: m?.calls, streams: media, icmp });
      if (callIndexesIn.length > MAX_LADDER_CALLS) model.warnings.push(`only the first ${MAX_LADDER_CALLS} selected calls are drawn`);
      const entry: LadderEntry = { key, model, widthRows: ladderWidthRows(model) };
      this.ladders.unshift(entry);
      if (this.ladders.length > 4) this.ladders.pop();
      return entry;
    })();
    this.building.set(key, job);
    const clear = (): void => void this.building.delete(key);
    job.then(clear, clear);
    return job;
  }

  private async getMessage(id: number): Promise<MessageDetail> {
    const m = this.model;
    if (!m || !Number.isInteger(id) || id < 0 || id >= m.messages.count) throw new Error(`no message ${id}`);
    const info = m.messages.get(id);
    const bytes = await loadMessageBytes(m, id);
    // ICMP errors are matched among the messages of the call (a later retransmission may be the one answered).
    const call = m.calls[info.callIndex];
    const peers = call ? call.messageIds.map((x) => m.messages.get(x)) : [info];
    const icmp = m.icmpQuoted.length > 0 ? (matchIcmpAnswers(m.icmpQuoted, [], peers).messages.get(id) ?? []) : [];
    const detail = messageDetail(info, bytes, call?.callId ?? '', icmp, this.lintSettings);
    const prev = previousHop(info, peers);
    if (prev) detail.previousHop = { id: prev.id, src: prev.src, srcPort: prev.srcPort, dst: prev.dst, dstPort: prev.dstPort, ipVersion: prev.ipVersion };
    return detail;
  }
}

/**
 * The same message one hop earlier, among `peers` (the messages of its call, in capture order): an earlier message
 * with the same start line and CSeq (request method, or status code, and CSeq number and method), not a
 * retransmission, sent to the host that sent `m` (the last such), else, for a host with an address on each side (an
 * SBC), sent on a path that shares neither end with `m`'s (the last such; a fork's sibling from the same sender is
 * not one). A proxy or SBC keeps Call-ID and CSeq across its legs (RFC 3261 §16.6), so this is what it received
 * before sending `m` (a B2BUA that changes the Call-ID is not followed). 100 Trying is hop by hop (a proxy answers
 * it itself and never forwards one, §16.7): none. Undefined when there is none.
 */
export function previousHop(m: MessageInfo, peers: readonly MessageInfo[]): MessageInfo | undefined {
  if (m.kind === 'invalid' || m.cseqSeq === undefined || m.statusCode === 100) return undefined;
  let toSender: MessageInfo | undefined;
  let elsewhere: MessageInfo | undefined;
  for (const x of peers) {
    if (x.id >= m.id) break;
    if (x.kind !== m.kind || x.retransmission || x.cseqSeq !== m.cseqSeq || x.cseqMethod !== m.cseqMethod) continue;
    if (m.kind === 'request' ? x.method !== m.method : x.statusCode !== m.statusCode) continue;
    if (x.dst === m.src && !(x.src === m.src && x.srcPort === m.srcPort)) toSender = x;
    else if (x.src !== m.src && x.dst !== m.dst && x.dst !== m.src) elsewhere = x;
  }
  return toSender ?? elsewhere;
}

/** Build the detail payload of one message from its index entry and bytes. */
export function messageDetail(info: MessageInfo, bytes: Uint8Array, callId: string, icmp: LadderIcmp[] = [], settings: LintSettings = DEFAULT_LINT_SETTINGS): MessageDetail {
  const { message } = parseSipMessage(bytes);
  const bodyStart = Math.max(0, Math.min(bytes.length, message.bodyStart - message.baseOffset));
  const head = decodeUtf8(bytes, 0, bodyStart);
  let bodyKind: BodyKind = 'none';
  let body = '';
  if (hasNonWhitespace(bytes, bodyStart)) {
    if (bytes.subarray(bodyStart).includes(0) || !isValidUtf8(bytes, bodyStart, bytes.length)) {
      bodyKind = 'binary';
      body = `[${bytes.length - bodyStart} bytes of binary body not shown]`;
    } else {
      body = decodeUtf8(bytes, bodyStart, bytes.length);
      const sdp = findSdpBodies(message);
      const whole = sdp.length === 1 && sdp[0]!.start - message.baseOffset === bodyStart;
      bodyKind = whole ? 'sdp' : 'text';
    }
  }
  return {
    id: info.id,
    frame: info.frame,
    firstFrame: info.firstFrame,
    timeSec: info.timeSec,
    timeNsec: info.timeNsec,
    ipVersion: info.ipVersion,
    src: info.src,
    srcPort: info.srcPort,
    dst: info.dst,
    dstPort: info.dstPort,
    transport: info.transport,
    label: info.label,
    callIndex: info.callIndex,
    callId,
    retransmission: info.retransmission,
    truncated: info.truncated,
    byteLength: bytes.length,
    head,
    body,
    bodyKind,
    icmp,
    findings: messageFindings(bytes, settings, info.transport),
  };
}

/**
 * The message and SDP rules on one captured message (lintMessageBytes, as `sipscope lint` runs them on a capture; the
 * rules that judge the transport see `transport`, how it travelled), positioned by 1-based line and UTF-16 column
 * within the message's text. Fixes are dropped: a capture is not edited.
 */
export function messageFindings(bytes: Uint8Array, settings: LintSettings = DEFAULT_LINT_SETTINGS, transport?: string): MessageFindingView[] {
  const index = LineIndex.fromBytes(bytes);
  return lintMessageBytes(bytes, settings, { transport }).map((f) => {
    const at = index.positionAtByte(f.span?.start ?? 0);
    return { ruleId: f.ruleId, severity: f.severity, message: f.message, line: at.line + 1, column: at.character + 1 };
  });
}

function hasNonWhitespace(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return true;
  }
  return false;
}

/**
 * "Merge by host": map each observed endpoint to the host it declares — the top Via sent-by of the requests it sends
 * (RFC 3261 §18.2.1: the response goes back to that sent-by, so for a response the declared host is the receiver's),
 * else the Contact host of the messages it sends — and rewrite the messages so that endpoints declaring the same
 * host share one column (ports dropped; 'ip' column mode then merges them). Endpoints that declare nothing keep
 * their IP.
 */
export async function mergeByDeclaredHost(model: CaptureModel, messages: readonly MessageInfo[]): Promise<MessageInfo[]> {
  const hosts = await declaredHosts(model, messages);
  return messages.map((m) => ({ ...m, src: hosts.ofEndpoint(m.src, m.srcPort), dst: hosts.ofEndpoint(m.dst, m.dstPort) }));
}

/**
 * The declared host of each observed endpoint (see mergeByDeclaredHost), and of each observed IP for RTP streams
 * (media ports differ from signalling ports: an IP maps to the host its first declaring endpoint declares).
 */
async function declaredHosts(
  model: CaptureModel,
  messages: readonly MessageInfo[],
): Promise<{ ofEndpoint(ip: string, port: number): string; ofIp(ip: string): string }> {
  const viaHost = new Map<string, string>();
  const contactHost = new Map<string, string>();
  const ep = (ip: string, port: number): string => `${ip.toLowerCase()}|${port}`;
  for (const m of messages) {
    let parsed;
    try {
      parsed = parseSipMessage(await loadMessageBytes(model, m.id)).message;
    } catch {
      continue; // unreadable bytes: this message declares nothing
    }
    const via = allVias(parsed)[0];
    if (via && via.host !== '') {
      const owner = m.kind === 'response' ? ep(m.dst, m.dstPort) : ep(m.src, m.srcPort);
      if (!viaHost.has(owner)) viaHost.set(owner, normaliseHost(via.host));
    }
    const contact = parsed.header('contact');
    if (contact) {
      const host = parseNameAddrList(contact.value).value[0]?.uri?.host;
      const owner = ep(m.src, m.srcPort);
      if (host && !contactHost.has(owner)) contactHost.set(owner, normaliseHost(host));
    }
  }
  const ofEndpoint = (ip: string, port: number): string => viaHost.get(ep(ip, port)) ?? contactHost.get(ep(ip, port)) ?? ip;
  const ipHost = new Map<string, string>();
  for (const [key, host] of [...viaHost, ...contactHost]) {
    const ip = key.slice(0, key.lastIndexOf('|'));
    if (!ipHost.has(ip)) ipHost.set(ip, host);
  }
  return { ofEndpoint, ofIp: (ip) => ipHost.get(ip.toLowerCase()) ?? ip };
}

/** The stream detail payload: statistics, the SDP it matched and what its sender declared, and its findings. */
export function streamDetail(model: CaptureModel, st: RtpStreamInfo, findings: StreamDetail['findings']): StreamDetail {
  const labelOf = (messageId: number): string => (messageId >= 0 && messageId < model.messages.count ? model.messages.get(messageId).label : '');
  const view = (d: { address: string; port: number; messageId: number; frame: number }): SdpEndpointView => ({
    address: d.address,
    port: d.port,
    messageId: d.messageId,
    frame: d.frame,
    label: labelOf(d.messageId),
  });
  return {
    index: st.index,
    callIndex: st.callIndex,
    callId: model.calls[st.callIndex]?.callId ?? '',
    detection: st.detection,
    ipVersion: st.ipVersion,
    src: st.src,
    srcPort: st.srcPort,
    dst: st.dst,
    dstPort: st.dstPort,
    ssrc: formatSsrc(st.ssrc),
    codec: st.codec,
    codecs: [...st.codecs],
    profile: st.matched ? model.media.get(st.matched.declaration).proto : '',
    label: streamSummary(st),
    firstFrame: st.firstFrame,
    lastFrame: st.lastFrame,
    startSec: st.startSec,
    startNsec: st.startNsec,
    durationSec: st.durationSec,
    packets: st.packets,
    expected: st.expected,
    lost: st.lost,
    lostPercent: st.lostPercent,
    duplicates: st.duplicates,
    outOfOrder: st.outOfOrder,
    sequenceErrors: st.sequenceErrors,
    maxDeltaMs: st.maxDeltaMs,
    maxDeltaFrame: st.maxDeltaFrame,
    meanDeltaMs: st.meanDeltaMs,
    maxJitterMs: st.maxJitterMs,
    meanJitterMs: st.meanJitterMs,
    dtmf: { count: st.events.count, digits: st.events.digits },
    matched: st.matched ? { ...view(st.matched), side: st.matched.side } : undefined,
    senderSdp: senderDeclaration(model, st),
    findings,
    audio: { ...audioSupport(st), callStreams: playableCallStreams(model.streams, st.callIndex) },
  };
}

/**
 * What the sending party of a stream declared in SDP (RFC 3264: each party gives the address it receives on, and with
 * symmetric RTP, RFC 4961, sends from): for a stream matched on its source, that declaration; for one matched on its
 * destination (the receiver's SDP), the other party's declaration of the same m= line: the copy its SIP sender sent
 * from the stream's source address if any (not one relayed by a proxy), the latest before the stream's start.
 * Parties are told apart by the declarations' replacement chains (a party's later SDP replaces its earlier one, relayed
 * copies included).
 */
function senderDeclaration(model: CaptureModel, st: RtpStreamInfo): SdpEndpointView | undefined {
  const match = st.matched;
  if (!match || st.callIndex < 0) return undefined;
  const labelOf = (id: number): string => (id >= 0 && id < model.messages.count ? model.messages.get(id).label : '');
  if (match.side === 'source') return { address: match.address, port: match.port, messageId: match.messageId, frame: match.frame, label: labelOf(match.messageId) };
  const decls = model.media.forCall(st.callIndex);
  const byIndex = new Map(decls.map((d) => [d.index, d]));
  const root = (d: MediaDeclaration): number => {
    let cur = d;
    for (let guard = 0; cur.replaces >= 0 && guard < 1000; guard++) {
      const prev = byIndex.get(cur.replaces);
      if (!prev) break;
      cur = prev;
    }
    return cur.index;
  };
  const receiver = byIndex.get(match.declaration);
  if (!receiver) return undefined;
  const receiverRoot = root(receiver);
  const before = (d: MediaDeclaration): boolean => d.timeSec < st.startSec || (d.timeSec === st.startSec && d.timeNsec <= st.startNsec);
  // Prefer the copy the sender itself sent (its SIP source is the stream's source: same host, or the same NAT) over
  // copies relayed by proxies; then the latest one before the stream started.
  const fromSender = (d: MediaDeclaration): boolean => d.messageId >= 0 && d.messageId < model.messages.count && model.messages.get(d.messageId).src === st.src;
  const better = (d: MediaDeclaration, b: MediaDeclaration): boolean =>
    fromSender(d) !== fromSender(b) ? fromSender(d) : before(d) !== before(b) ? before(d) : before(d) && d.index > b.index;
  let best: MediaDeclaration | undefined;
  for (const d of decls) {
    if (d.mline !== receiver.mline || root(d) === receiverRoot || !d.active) continue;
    if (best === undefined || better(d, best)) best = d;
  }
  return best ? { address: best.address, port: best.port, messageId: best.messageId, frame: best.frame, label: labelOf(best.messageId) } : undefined;
}

function normaliseHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}

/** Stream `streamIndex` of `m`; throws `no RTP stream N` for an unknown index (the webview's requests are untrusted). */
function streamAt(m: CaptureModel, streamIndex: number): RtpStreamInfo {
  const st = Number.isInteger(streamIndex) ? m.streams[streamIndex] : undefined;
  if (!st) throw new Error(`no RTP stream ${streamIndex}`);
  return st;
}
