// Host side NAT analysis of one opened capture, without vscode: runs the core's lintCapture once the import is
// complete (cancellable, re-run when the settings change), and indexes its findings for the webview: per-call lists
// with evidence frames classified (SIP message / RTP stream / other packet), arrow markers per message and stream.
import {
  evidenceFrames,
  getRule,
  lintCapture,
  lintCaptureStream,
  matchIcmpAnswers,
  ruleMetas,
  severityRank,
  type CallVerdict,
  type CaptureEvidence,
  type CaptureModel,
  type Finding,
  type LintSettings,
  type MessageInfo,
  type RuleRef,
  type RuleSeverity,
} from '../../core/index';
import { unreachable } from '../../protocol/assert';
import { normalizeSettings } from '../../protocol/settings';
import type {
  EvidenceFrame,
  FindingsResult,
  FindingView,
  GetFindingsParams,
  NatAnalysisState,
  NatSummary,
  RowMarker,
  VerdictView,
} from '../../protocol/webview';

/** Most findings one getFindings answer carries (a capture of 100k calls can have far more). */
export const MAX_FINDINGS = 1000;

/** The NAT part of the status bar item: text (codicon syntax) and tooltip line; empty text hides it. */
export function natStatusText(nat: NatSummary): { text: string; tooltip: string } {
  switch (nat.state) {
    case 'pending':
      return { text: '', tooltip: '' };
    case 'running':
      return { text: '$(sync~spin) NAT…', tooltip: 'Analysing NAT (declared vs observed addresses, RTP)…' };
    case 'done': {
      const parts = [
        nat.errors ? `${nat.errors} errors` : '',
        nat.warnings ? `${nat.warnings} warnings` : '',
        nat.infos ? `${nat.infos} info` : '',
        nat.hints ? `${nat.hints} hints` : '',
      ].filter(Boolean);
      return nat.findings > 0
        ? { text: `$(warning) ${nat.findings} NAT`, tooltip: `NAT: ${nat.findings} findings in ${nat.calls} calls (${parts.join(', ')})` }
        : { text: '$(pass) 0 NAT', tooltip: 'NAT: no findings' };
    }
    case 'failed':
      return { text: '$(error) NAT', tooltip: nat.note ?? 'NAT analysis failed' };
    case 'skipped':
      return { text: '', tooltip: nat.note ? `NAT analysis skipped: ${nat.note}` : '' };
    default:
      return unreachable(nat.state, 'NAT analysis state');
  }
}

/** A marker: highest severity and the rules behind it (most severe first). */
export interface Marker {
  severity: RuleSeverity;
  ruleIds: string[];
}

/**
 * LintSettings from the raw `sipscope` configuration section (`nat.trustedNetworks`, `rules.<id>`, `sipPorts`).
 * VS Code returns every `sipscope.rules.<id>` with its package.json default filled in, so a value equal to the rule's
 * default is dropped (as the language server does): a rule then keeps the severity each finding reports itself with.
 */
export function captureLintSettings(raw: unknown): LintSettings {
  const lint = normalizeSettings(raw).lint;
  const severities: LintSettings['severities'] = {};
  for (const [id, sev] of Object.entries(lint.severities)) {
    if (getRule(id)?.defaultSeverity !== sev) severities[id] = sev;
  }
  return { ...lint, severities };
}

/** `RFC 3581 §4`, or the title of a non-RFC reference. */
export function refTitle(ref: RuleRef | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.rfc !== undefined) return `RFC ${ref.rfc}${ref.section ? ` §${ref.section}` : ''}`;
  return ref.title;
}

let knownUrls: Set<string> | undefined;

/** True for the URL of a rule reference (the only links the webview may ask the host to open). */
export function isRuleReferenceUrl(url: unknown): url is string {
  if (typeof url !== 'string' || !url.startsWith('https://')) return false;
  knownUrls ??= new Set(ruleMetas().flatMap((r) => r.refs.map((ref) => ref.url)));
  return knownUrls.has(url);
}

/** The more severe of two severities. */
function worse(a: RuleSeverity | undefined, b: RuleSeverity): RuleSeverity {
  return a === undefined || severityRank(b) < severityRank(a) ? b : a;
}

/** Add a finding to a marker map entry (highest severity wins; rule ids unique, most severe first). */
function mark(map: Map<number, Marker>, key: number, f: Finding): void {
  const m = map.get(key);
  if (!m) {
    map.set(key, { severity: f.severity, ruleIds: [f.ruleId] });
    return;
  }
  m.severity = worse(m.severity, f.severity);
  if (!m.ruleIds.includes(f.ruleId)) m.ruleIds.push(f.ruleId);
}

/** Order rule ids of markers by the severity of their worst finding (stable). */
function sortMarkerRules(map: Map<number, Marker>, worstOf: Map<string, RuleSeverity>): void {
  for (const m of map.values()) {
    m.ruleIds.sort((a, b) => severityRank(worstOf.get(a) ?? 'hint') - severityRank(worstOf.get(b) ?? 'hint'));
  }
}

/**
 * Findings kept whole after a run, at most. A capture with more (a NAT-heavy trunk capture has hundreds of thousands)
 * keeps only their counts, markers and verdicts, and a call's findings are made again when asked for, by linting
 * that call alone with the run's evidence: the same findings (the rules see the whole capture's indexes; a test
 * checks it call by call). On the 50 000-call NAT benchmark capture (bench-nat-50k, 275 000 findings) the extension
 * host keeps a 130 MB heap (RSS 0.68 GB) after the analysis instead of 460 MB (1.26 GB); a call's findings are made
 * again in 35-80 ms.
 */
export const KEEP_FINDINGS = 20_000;

/** Lints some calls again as the run did (same model, settings and evidence); resolves with their findings. */
export type Relint = (callIndexes: ReadonlySet<number>) => Promise<readonly Finding[]>;

/**
 * Indexed result of one NAT analysis run: counts, markers and verdicts, and the findings themselves (kept, or made
 * again on request: see KEEP_FINDINGS). Their views (evidence frames classified, for the findings panel) are made
 * when asked for, at most MAX_FINDINGS per answer.
 */
export interface Indexed {
  messageMarkers: Map<number, Marker>;
  streamMarkers: Map<number, Marker>;
  verdicts: VerdictView[];
  counts: Pick<NatSummary, 'findings' | 'errors' | 'warnings' | 'infos' | 'hints' | 'calls'>;
  /** Number of findings per call index (-1: not about one call); calls without findings are absent. */
  countByCall: Map<number, number>;
  /** Every finding is kept (findingsOf does not lint again). */
  kept: boolean;
  /** Findings of these calls by call index, each list in lintCapture's order. Rejects when linting again fails. */
  findingsOf(callIndexes: readonly number[]): Promise<Map<number, Finding[]>>;
  /** Views of the findings of these calls, by call index: most severe first, then by first evidence frame. */
  viewsOf(callIndexes: readonly number[]): Promise<Map<number, FindingView[]>>;
  /** Findings citing RTP stream `streamIndex`, most severe first. */
  streamFindings(streamIndex: number): Promise<Finding[]>;
}

const EMPTY_COUNTS: Indexed['counts'] = { findings: 0, errors: 0, warnings: 0, infos: 0, hints: 0, calls: 0 };

/** Evidence frames of a finding, classified; the messages and streams it marks. */
interface Classified {
  frames: EvidenceFrame[];
  messageIds: Set<number>;
  streamIndexes: number[];
}

/**
 * Classifies evidence frames by looking them up among the messages of the finding's call (frame or first frame of a
 * reassembled message), the first frames of the RTP streams and the call's ICMP errors; a finding concerns a stream
 * when it cites the stream's first packet (the capture rules always do). Lookups of a call are built on first use and
 * kept until `forget()`.
 */
class EvidenceClassifier {
  private readonly streamByFirstFrame = new Map<number, number>();
  private framesOfCall = new Map<number, Map<number, MessageInfo>>();
  private icmpOfCall = new Map<number, Map<number, IcmpAnswer>>();

  constructor(private readonly model: CaptureModel) {
    for (const s of model.streams) if (!this.streamByFirstFrame.has(s.firstFrame)) this.streamByFirstFrame.set(s.firstFrame, s.index);
  }

  /** Drop the per-call lookups (the next classify builds them again). */
  forget(): void {
    this.framesOfCall = new Map();
    this.icmpOfCall = new Map();
  }

  classify(f: Finding): Classified {
    const model = this.model;
    const callIndex = f.callIndex ?? -1;
    const local = callIndex >= 0 ? this.messageFrames(callIndex) : new Map<number, MessageInfo>();
    // Messages the finding names but that are not in its call's list (defensive): look them up by id.
    for (const id of f.messageIds ?? []) {
      if (!Number.isInteger(id) || id < 0 || id >= model.messages.count) continue;
      const m = model.messages.get(id);
      if (!local.has(m.frame)) local.set(m.frame, m);
    }
    const frames: EvidenceFrame[] = [];
    const streamIndexes: number[] = [];
    const messageIds = new Set<number>();
    for (const frame of evidenceFrames(f)) {
      const m = local.get(frame);
      const si = this.streamByFirstFrame.get(frame);
      if (m) {
        frames.push({ kind: 'sip', frame, messageId: m.id, label: m.label });
        messageIds.add(m.id);
      } else if (si !== undefined && (callIndex < 0 || model.streams[si]?.callIndex === callIndex)) {
        frames.push({ kind: 'rtp', frame, streamIndex: si });
        streamIndexes.push(si);
      } else {
        const icmp = callIndex >= 0 ? this.icmpFrames(callIndex).get(frame) : undefined;
        frames.push(icmp ? { kind: 'icmp', frame, ...icmp } : { kind: 'packet', frame });
      }
    }
    for (const id of f.messageIds ?? []) if (Number.isInteger(id) && id >= 0 && id < model.messages.count) messageIds.add(id);
    return { frames, messageIds, streamIndexes };
  }

  private messageFrames(callIndex: number): Map<number, MessageInfo> {
    let map = this.framesOfCall.get(callIndex);
    if (!map) {
      map = new Map();
      for (const id of this.model.calls[callIndex]?.messageIds ?? []) {
        const m = this.model.messages.get(id);
        if (!map.has(m.frame)) map.set(m.frame, m);
        if (!map.has(m.firstFrame)) map.set(m.firstFrame, m);
      }
      this.framesOfCall.set(callIndex, map);
    }
    return map;
  }

  /** ICMP errors of a call, by frame: what they answered among the call's messages and streams. */
  private icmpFrames(callIndex: number): Map<number, IcmpAnswer> {
    let map = this.icmpOfCall.get(callIndex);
    if (!map) {
      map = new Map();
      const model = this.model;
      const call = model.calls[callIndex];
      if (call && (model.icmpQuoted.length > 0 || (model.evidence?.icmp.length ?? 0) > 0)) {
        const messages = call.messageIds.map((id) => model.messages.get(id));
        const streams = model.streams.filter((st) => st.callIndex === callIndex);
        const answers = matchIcmpAnswers(model.icmpQuoted, model.evidence?.icmp ?? [], messages, streams);
        for (const [messageId, l] of answers.messages) for (const x of l) map.set(x.frame, { error: x.error, reporter: x.reporter, messageId });
        for (const [streamIndex, e] of answers.streams) for (const x of e.icmp) map.set(x.frame, { error: x.error, reporter: x.reporter, streamIndex });
      }
      this.icmpOfCall.set(callIndex, map);
    }
    return map;
  }
}

type IcmpAnswer = { error: string; reporter: string; messageId?: number; streamIndex?: number };

/** The findings panel's view of a classified finding. */
function findingView(model: CaptureModel, f: Finding, c: Classified): FindingView {
  const callIndex = f.callIndex ?? -1;
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    callIndex,
    callId: f.callId ?? model.calls[callIndex]?.callId ?? '',
    frames: c.frames,
    messageIds: [...c.messageIds].sort((a, b) => a - b),
    streamIndexes: c.streamIndexes,
    url: f.refs[0]?.url,
    refTitle: refTitle(f.refs[0]),
  };
}

const bySeverity = (a: { severity: RuleSeverity }, b: { severity: RuleSeverity }): number => severityRank(a.severity) - severityRank(b.severity);

/**
 * Builds an Indexed from a run's batches (lintCaptureStream, in call order). Without `relint`, or while there are at
 * most `keep` findings, every finding is kept; beyond, only counts, markers and verdicts (see KEEP_FINDINGS).
 */
export class FindingIndexer {
  private readonly classifier: EvidenceClassifier;
  private byCall: Map<number, Finding[]> | undefined = new Map();
  private byStream: Map<number, Finding[]> | undefined = new Map();
  /** Findings about no one call: always kept (linting again works call by call). */
  private readonly noCall: Finding[] = [];
  private readonly countByCall = new Map<number, number>();
  private readonly messageMarkers = new Map<number, Marker>();
  private readonly streamMarkers = new Map<number, Marker>();
  private readonly worstOfRule = new Map<string, RuleSeverity>();
  private readonly counts = { ...EMPTY_COUNTS };
  private readonly verdicts: VerdictView[] = [];

  constructor(
    private readonly model: CaptureModel,
    private readonly relint?: Relint,
    private readonly keep = KEEP_FINDINGS,
  ) {
    this.classifier = new EvidenceClassifier(model);
  }

  /** One batch of findings and verdicts. */
  add(findings: readonly Finding[], verdicts: readonly CallVerdict[]): void {
    const counts = this.counts;
    for (const f of findings) {
      counts.findings++;
      if (f.severity === 'error') counts.errors++;
      else if (f.severity === 'warning') counts.warnings++;
      else if (f.severity === 'info') counts.infos++;
      else counts.hints++;
      this.worstOfRule.set(f.ruleId, worse(this.worstOfRule.get(f.ruleId), f.severity));
      const callIndex = f.callIndex ?? -1;
      this.countByCall.set(callIndex, (this.countByCall.get(callIndex) ?? 0) + 1);
      if (callIndex < 0) this.noCall.push(f);
      else push(this.byCall, callIndex, f);
      const c = this.classifier.classify(f);
      for (const id of c.messageIds) mark(this.messageMarkers, id, f);
      for (const si of c.streamIndexes) {
        mark(this.streamMarkers, si, f);
        push(this.byStream, si, f);
      }
    }
    // Batches come in call order: the per-call lookups of this one are not needed again.
    this.classifier.forget();
    if (this.byCall !== undefined && this.relint !== undefined && counts.findings > this.keep) {
      this.byCall = undefined;
      this.byStream = undefined;
    }
    for (const v of verdicts) {
      let severity: RuleSeverity | undefined;
      for (const f of v.findings) severity = worse(severity, f.severity);
      this.verdicts.push({ callIndex: v.callIndex, callId: v.callId, summary: v.summary, findingCount: v.findings.length, severity });
    }
  }

  finish(): Indexed {
    const { model, classifier, noCall, countByCall, relint } = this;
    const byCall = this.byCall;
    const byStream = this.byStream;
    this.counts.calls = [...countByCall.keys()].filter((i) => i >= 0).length;
    sortMarkerRules(this.messageMarkers, this.worstOfRule);
    sortMarkerRules(this.streamMarkers, this.worstOfRule);
    if (byStream) for (const l of byStream.values()) l.sort(bySeverity);
    this.verdicts.sort((a, b) => a.callIndex - b.callIndex);
    const findingsOf = async (callIndexes: readonly number[]): Promise<Map<number, Finding[]>> => {
      const out = new Map<number, Finding[]>();
      const wanted = new Set(callIndexes.filter((i) => countByCall.has(i)));
      if (wanted.delete(-1)) out.set(-1, noCall);
      if (byCall !== undefined || relint === undefined) {
        for (const i of wanted) out.set(i, byCall?.get(i) ?? []);
        return out;
      }
      if (wanted.size === 0) return out;
      for (const i of wanted) out.set(i, []);
      for (const f of await relint(wanted)) out.get(f.callIndex ?? -1)?.push(f);
      return out;
    };
    const firstFrame = (v: FindingView): number => v.frames[0]?.frame ?? 0;
    return {
      messageMarkers: this.messageMarkers,
      streamMarkers: this.streamMarkers,
      verdicts: this.verdicts,
      counts: this.counts,
      countByCall,
      kept: byCall !== undefined,
      findingsOf,
      viewsOf: async (callIndexes) => {
        const out = new Map<number, FindingView[]>();
        for (const [i, fs] of await findingsOf(callIndexes)) {
          const views = fs.map((f) => findingView(model, f, classifier.classify(f)));
          out.set(i, views.sort((a, b) => bySeverity(a, b) || firstFrame(a) - firstFrame(b)));
        }
        classifier.forget();
        return out;
      },
      streamFindings: async (streamIndex) => {
        if (byStream !== undefined) return byStream.get(streamIndex) ?? [];
        const callIndex = model.streams[streamIndex]?.callIndex;
        if (callIndex === undefined || !this.streamMarkers.has(streamIndex)) return [];
        const fs = (await findingsOf([callIndex])).get(callIndex) ?? [];
        const cites = fs.filter((f) => classifier.classify(f).streamIndexes.includes(streamIndex));
        classifier.forget();
        return cites.sort(bySeverity);
      },
    };
  }
}

function push(map: Map<number, Finding[]> | undefined, key: number, f: Finding): void {
  if (map === undefined) return;
  const l = map.get(key);
  if (l) l.push(f);
  else map.set(key, [f]);
}

/** Index a whole lintCapture result (every finding kept). */
export function indexFindings(model: CaptureModel, findings: readonly Finding[], verdicts: readonly CallVerdict[]): Indexed {
  const ix = new FindingIndexer(model);
  ix.add(findings, verdicts);
  return ix.finish();
}

/**
 * The findings and verdicts of the calls `p.callIndexes` (all calls when omitted; findings about no one call have
 * index -1), at most `limit` of each: findings by call index, then most severe first, then by first evidence frame.
 * `total` counts them all. Views are made only for the findings returned.
 */
export async function answerFindings(r: Indexed, p: GetFindingsParams, limit = MAX_FINDINGS): Promise<Pick<FindingsResult, 'findings' | 'total' | 'verdicts'>> {
  const wanted = Array.isArray(p.callIndexes) ? new Set(p.callIndexes.filter((i) => Number.isInteger(i))) : undefined;
  const calls = [...(wanted ?? r.countByCall.keys())].filter((i) => r.countByCall.has(i)).sort((a, b) => a - b);
  let total = 0;
  for (const i of calls) total += r.countByCall.get(i)!;
  const findings: FindingView[] = [];
  if (p.verdictsOnly !== true) {
    // Only the calls whose findings fill the answer (their findings may have to be made again).
    const picked: number[] = [];
    for (let i = 0, n = 0; i < calls.length && n < limit; i++) {
      picked.push(calls[i]!);
      n += r.countByCall.get(calls[i]!)!;
    }
    const views = await r.viewsOf(picked);
    for (const i of picked) for (const v of views.get(i) ?? []) if (findings.length < limit) findings.push(v);
  }
  const verdicts = wanted ? r.verdicts.filter((v) => wanted.has(v.callIndex)) : r.verdicts;
  return { findings, total, verdicts: verdicts.slice(0, limit) };
}

/**
 * The NAT analysis state of one capture session. `start()` after the import finished; `setSettings()` re-runs it;
 * `dispose()` cancels a run in progress (lintCapture checks between batches and while scanning for evidence).
 * Never rejects: a failed run ends in state `failed` with a note.
 */
export class NatAnalysis {
  private state: NatAnalysisState = 'pending';
  private note: string | undefined;
  private gen = 0;
  private result: Indexed | undefined;
  private runId = 0;
  private running: Promise<void> = Promise.resolve();
  private model: CaptureModel | undefined;
  private disposed = false;

  constructor(
    private settings: LintSettings,
    /** Called after every state change (running, done, failed...). */
    private readonly onChange: () => void,
    /** Findings kept whole at most (see KEEP_FINDINGS). */
    private readonly keepFindings = KEEP_FINDINGS,
  ) {}

  /** Resolves when no run is in progress (a run that is cancelled ends at its next check). */
  get idle(): Promise<void> {
    return this.running;
  }

  get generation(): number {
    return this.gen;
  }

  get current(): NatAnalysisState {
    return this.state;
  }

  /** Counts for the summary. */
  summary(): NatSummary {
    return { state: this.state, ...(this.result?.counts ?? EMPTY_COUNTS), note: this.note, generation: this.gen };
  }

  /** The import ended without a usable model (failed or cancelled): nothing to analyse. */
  skip(note: string): void {
    if (this.disposed) return;
    this.runId++;
    this.set('skipped', note, undefined);
  }

  /** Analyse `model` (the final import result). Supersedes a run in progress. */
  start(model: CaptureModel): void {
    if (this.disposed) return;
    this.model = model;
    const id = ++this.runId;
    this.set('running', undefined, undefined);
    const previous = this.running;
    this.running = (async () => {
      await previous.catch(() => undefined); // one run reads the capture at a time
      if (id !== this.runId || this.disposed) return;
      const cancelled = (): boolean => this.disposed || id !== this.runId;
      try {
        const settings = this.settings;
        const run = await lintCaptureStream(model, settings, { isCancelled: cancelled });
        const indexer = new FindingIndexer(model, (calls) => this.relint(model, settings, run.evidence, calls), this.keepFindings);
        for await (const b of run.batches) {
          if (cancelled()) return;
          indexer.add(b.findings, b.verdicts);
        }
        if (cancelled()) return;
        this.set('done', undefined, indexer.finish());
      } catch (e) {
        if (cancelled()) return;
        this.set('failed', `NAT analysis failed: ${(e as Error).message}`, undefined);
      }
    })();
  }

  /**
   * The findings of some calls made again (see KEEP_FINDINGS), after any run in progress; `idle` waits for it too.
   * Rejects once disposed.
   */
  private relint(model: CaptureModel, settings: LintSettings, evidence: CaptureEvidence, calls: ReadonlySet<number>): Promise<readonly Finding[]> {
    if (this.disposed) return Promise.reject(new Error('the capture is closed'));
    const p = this.running.then(() => lintCapture(model, settings, { calls, evidence })).then((r) => r.findings);
    this.running = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** New settings (trusted networks, severities): re-run when a model was analysed or is being analysed. */
  setSettings(settings: LintSettings): void {
    this.settings = settings;
    if (this.model && (this.state === 'done' || this.state === 'running' || this.state === 'failed')) this.start(this.model);
  }

  dispose(): void {
    this.disposed = true;
    this.runId++;
  }

  /** Marker of a message (undefined when it has no finding or the analysis is not done). */
  messageMarker(messageId: number): Marker | undefined {
    return this.result?.messageMarkers.get(messageId);
  }

  streamMarker(streamIndex: number): Marker | undefined {
    return this.result?.streamMarkers.get(streamIndex);
  }

  /** Findings about one stream, most severe first. */
  async streamFindings(streamIndex: number): Promise<Finding[]> {
    return (await this.result?.streamFindings(streamIndex)) ?? [];
  }

  /** Row markers for these rows' messages. */
  rowMarkers(messageIds: Iterable<number>): RowMarker[] {
    const out: RowMarker[] = [];
    if (!this.result) return out;
    for (const id of messageIds) {
      const m = this.result.messageMarkers.get(id);
      if (m) out.push({ messageId: id, severity: m.severity, ruleIds: [...m.ruleIds] });
    }
    return out;
  }

  /** The getFindings answer: findings and verdicts of the given calls (all calls when omitted). */
  async findings(p: GetFindingsParams): Promise<FindingsResult> {
    const base = { state: this.state, generation: this.gen, note: this.note };
    const r = this.result;
    if (!r || this.state !== 'done') return { ...base, findings: [], total: 0, verdicts: [] };
    return { ...base, ...(await answerFindings(r, p ?? {})) };
  }

  private set(state: NatAnalysisState, note: string | undefined, result: Indexed | undefined): void {
    this.state = state;
    this.note = note;
    this.result = result;
    this.gen++;
    this.onChange();
  }
}
