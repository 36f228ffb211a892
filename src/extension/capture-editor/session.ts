// Host side of one opened capture, without vscode: owns the (live, still importing) CaptureModel and answers the
// webview's requests (call pages, ladder pages, message detail). The custom editor wires it to a webview; the
// Chromium tests wire the very same handlers to a stubbed acquireVsCodeApi.
import {
  allVias,
  buildLadder,
  decodeUtf8,
  findSdpBodies,
  loadMessageBytes,
  parseNameAddrList,
  parseSipMessage,
  type CaptureModel,
  type LadderModel,
  type MessageInfo,
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
  MessageDetail,
  Requests,
} from '../../protocol/webview';
import { CallQuery } from './call-query';

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

/** Runs the commands that need the editor (dialogs, clipboard, new documents). */
export type CommandRunner = (req: CommandRequest) => Promise<CommandResult>;

interface LadderEntry {
  key: string;
  model: LadderModel;
  widthRows: LadderPage['widthRows'];
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

  constructor(
    readonly fileName: string,
    private readonly runCommand: CommandRunner = async () => ({ done: false, message: 'commands are not available here' }),
  ) {}

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
    }
  }

  /** Mark the import as failed (I/O error) with a message for the webview. */
  fail(message: string): void {
    this.finished = true;
    this.fatalText = message;
    this.gen++;
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
    };
  }

  /** The request handlers the webview messenger serves. */
  handlers(): RequestHandlers<Requests> {
    return {
      getCalls: (p) => this.calls.page(p, this.gen),
      getLadder: (p) => this.getLadder(p),
      getMessage: (p) => this.getMessage(p.id),
      runCommand: (p) => this.runCommand(p),
    };
  }

  /** Messages of the given calls (unknown call indexes are skipped), in message id order. */
  messagesOfCalls(callIndexes: readonly number[]): MessageInfo[] {
    const m = this.model;
    if (!m) return [];
    const ids: number[] = [];
    for (const ci of new Set(callIndexes)) {
      const c = Number.isInteger(ci) ? m.calls[ci] : undefined;
      if (c) ids.push(...c.messageIds);
    }
    ids.sort((a, b) => a - b);
    return ids.map((id) => m.messages.get(id));
  }

  /** The full ladder model of some calls (cached; rebuilt when their message count changes). */
  async ladder(callIndexes: readonly number[], columns: LadderColumnsOption): Promise<LadderModel> {
    return (await this.ladderEntry(callIndexes, columns)).model;
  }

  private async getLadder(p: GetLadderParams): Promise<LadderPage> {
    const entry = await this.ladderEntry(p.callIndexes, p.columns);
    const count = Math.max(0, Math.min(MAX_LADDER_PAGE, Math.floor(Number.isFinite(p.count) ? p.count : LADDER_PAGE_SIZE)));
    const from = Math.max(0, Math.min(entry.model.rows.length, Math.floor(Number.isFinite(p.from) ? p.from : 0)));
    return {
      key: entry.key,
      rowCount: entry.model.rows.length,
      columns: entry.model.columns,
      calls: entry.model.calls,
      widthRows: entry.widthRows,
      startSec: entry.model.startSec,
      startNsec: entry.model.startNsec,
      warnings: entry.model.warnings,
      from,
      rows: ladderPage(entry.model, from, count),
    };
  }

  private ladderEntry(callIndexesIn: readonly number[], columns: LadderColumnsOption): Promise<LadderEntry> {
    const m = this.model;
    const callIndexes = [...new Set(callIndexesIn.filter((i) => Number.isInteger(i) && m?.calls[i] !== undefined))]
      .sort((a, b) => a - b)
      .slice(0, MAX_LADDER_CALLS);
    const size = callIndexes.reduce((n, i) => n + (m?.calls[i]?.messageIds.length ?? 0), 0);
    const key = `${callIndexes.join(',')}|${columns}|${size}`;
    const hit = this.ladders.find((l) => l.key === key);
    if (hit) return Promise.resolve(hit);
    const pending = this.building.get(key);
    if (pending) return pending;
    const job = (async (): Promise<LadderEntry> => {
      let messages = this.messagesOfCalls(callIndexes);
      if (columns === 'host' && m) messages = await mergeByDeclaredHost(m, messages);
      const model = buildLadder(messages, { columns: columns === 'endpoint' ? 'endpoint' : 'ip', calls: m?.calls });
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
    return messageDetail(info, bytes, m.calls[info.callIndex]?.callId ?? '');
  }
}

/** Build the detail payload of one message from its index entry and bytes. */
export function messageDetail(info: MessageInfo, bytes: Uint8Array, callId: string): MessageDetail {
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
  };
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
  const hostOf = (ip: string, port: number): string => viaHost.get(ep(ip, port)) ?? contactHost.get(ep(ip, port)) ?? ip;
  return messages.map((m) => ({ ...m, src: hostOf(m.src, m.srcPort), dst: hostOf(m.dst, m.dstPort) }));
}

function normaliseHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}
