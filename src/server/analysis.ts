// Per-document analysis with caches that survive edits: the document is re-split into messages on every version,
// but each message's findings and parse results are cached by the message's own text, so a keystroke re-lints and
// re-parses only the message it touched. All offsets here are BYTE offsets (UTF-8); LSP positions live in convert.ts.
import {
  LineIndex,
  encodeUtf8,
  findSdpBodies,
  parseSdp,
  parseSipMessage,
  type Finding,
  type LintSettings,
  type ParseProblem,
  type SdpSession,
  type SipMessage,
  type Span,
  type TraceMessage,
} from '../core/index';
import { lintDocument, lintMessage, splitTrace } from '../core/index';

export type DocumentLanguage = 'sip' | 'sdp';

/** An SDP body of a message, in message-local byte offsets. */
export interface LocalSdp {
  readonly span: Span;
  readonly session: SdpSession;
}

/**
 * Everything derived from one message's bytes, in MESSAGE-LOCAL byte offsets (0 = first byte of TraceMessage.bytes).
 * Cached by message text, so it holds a private copy of the bytes (never a view of a whole document version).
 */
export interface MessageFacts {
  readonly bytes: Uint8Array;
  readonly sip: SipMessage;
  readonly problems: readonly ParseProblem[];
  readonly sdp: readonly LocalSdp[];
  /** Lazily computed derived data (semantic elements), owned by the features that compute it. */
  readonly memo: Map<string, unknown>;
}

/**
 * Findings of one message in DOCUMENT byte offsets of the version that linted it, whose key started at `base`.
 * Re-used at another key start by shifting (copies are made only when the message actually moved).
 */
interface CachedFindings {
  readonly findings: readonly Finding[];
  readonly base: number;
}

/** One version of one open document, split into messages. Immutable. */
export class DocumentSnapshot {
  readonly uri: string;
  readonly version: number;
  readonly language: DocumentLanguage;
  readonly text: string;
  /** The document's UTF-8 bytes; every Span of this snapshot indexes into these. */
  readonly bytes: Uint8Array;
  readonly lines: LineIndex;
  /** SIP messages of a `sip` document in document order ([] for `sdp` documents). */
  readonly messages: readonly TraceMessage[];
  /** Per message: byte offset where its cache key starts (log prefix start, else message start). */
  readonly keyStarts: Int32Array;
  /** Per message: the document text from keyStart to the message end (cache key). */
  readonly keys: readonly string[];
  private readonly store: DocumentStore;
  private sdpDoc: SdpSession | undefined;
  /** Lazily computed per-snapshot data owned by features (e.g. the elements of an `sdp` document). */
  readonly memo = new Map<string, unknown>();

  constructor(store: DocumentStore, uri: string, version: number, language: DocumentLanguage, text: string) {
    this.store = store;
    this.uri = uri;
    this.version = version;
    this.language = language;
    this.text = text;
    this.bytes = encodeUtf8(text);
    this.lines = LineIndex.fromBytes(this.bytes);
    this.messages = language === 'sip' ? splitTrace(this.bytes) : [];
    const n = this.messages.length;
    this.keyStarts = new Int32Array(n);
    const keys: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const m = this.messages[i] as TraceMessage;
      const ks = Math.min(m.prefix?.span.start ?? m.span.start, m.span.start);
      this.keyStarts[i] = ks;
      keys[i] = text.slice(this.lines.byteToUtf16(ks), this.lines.byteToUtf16(m.span.end));
    }
    this.keys = keys;
  }

  /** Parsed facts of message `i` (cached across versions by message text). */
  facts(i: number): MessageFacts {
    return this.store.factsFor(this.keys[i] as string, this.messages[i] as TraceMessage);
  }

  /** The SDP session of an `sdp` document (document byte offsets). */
  sdpSession(): SdpSession {
    this.sdpDoc ??= parseSdp(this.bytes, 0).session;
    return this.sdpDoc;
  }

  /**
   * Index of the message whose [keyStart, span.end] contains byte offset `offset` (the end is inclusive so that
   * a cursor just after the last character still belongs to the message), or -1. Binary search.
   */
  messageIndexAt(offset: number): number {
    let lo = 0;
    let hi = this.messages.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.messages[mid] as TraceMessage;
      if (offset < (this.keyStarts[mid] as number)) hi = mid - 1;
      else if (offset > m.span.end) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** Document byte offset of message-local byte offset `local` of message `i`. */
  toDocument(i: number, local: number): number {
    return (this.messages[i] as TraceMessage).toDocumentOffset(local);
  }

  /** Document byte span of a message-local span of message `i`. */
  spanToDocument(i: number, s: Span): Span {
    const m = this.messages[i] as TraceMessage;
    return { start: m.toDocumentOffset(s.start), end: m.toDocumentOffset(s.end) };
  }

  /**
   * Message-local byte offset of document byte offset `offset` inside message `i` (the inverse of
   * toDocumentOffset: the largest local offset whose document offset is <= `offset`), or -1 when `offset` is
   * before the message's first byte (e.g. on its log prefix line).
   */
  toLocal(i: number, offset: number): number {
    const m = this.messages[i] as TraceMessage;
    const n = m.bytes.length;
    if (offset < m.toDocumentOffset(0)) return -1;
    // Raw messages map by a constant shift; check that first (the common case) and fall back to a search.
    const guess = offset - m.span.start;
    if (guess >= 0 && guess <= n && m.toDocumentOffset(guess) === offset) return guess;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (m.toDocumentOffset(mid) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/**
 * Caches of one document across versions: parse facts and lint findings per message text. A new version re-uses
 * every entry whose message text is unchanged and drops the rest (the maps only ever hold the latest version's keys).
 */
export class DocumentStore {
  private parsed = new Map<string, MessageFacts>();
  private parsedNext: Map<string, MessageFacts> | undefined;
  private linted = new Map<string, CachedFindings>();
  private lintSettings: LintSettings | undefined;
  private current: DocumentSnapshot | undefined;

  /** Snapshot for (version, text); the previous one is returned when the version did not change. */
  snapshot(uri: string, version: number, language: DocumentLanguage, text: string): DocumentSnapshot {
    const cur = this.current;
    if (cur !== undefined && cur.version === version && cur.language === language && cur.text === text) return cur;
    // Parse entries used by the previous version stay available until this version has asked for its own.
    if (this.parsedNext !== undefined) this.parsed = this.parsedNext;
    this.parsedNext = new Map();
    const snap = new DocumentSnapshot(this, uri, version, language, text);
    this.current = snap;
    return snap;
  }

  /** The latest snapshot, if any. */
  get latest(): DocumentSnapshot | undefined {
    return this.current;
  }

  factsFor(key: string, msg: TraceMessage): MessageFacts {
    const next = this.parsedNext ?? (this.parsedNext = new Map());
    let f = next.get(key) ?? this.parsed.get(key);
    if (f === undefined) f = computeFacts(msg);
    next.set(key, f);
    return f;
  }

  /**
   * Findings of the snapshot (document byte spans). `sip`: per message through the cache (lintMessage on changed
   * messages only); `sdp`: lintDocument on the whole (small) document. Changing settings empties the cache.
   * Returns the findings and how many messages had to be linted.
   */
  lint(snap: DocumentSnapshot, settings: LintSettings): { findings: Finding[]; linted: number } {
    if (this.lintSettings !== settings) {
      this.linted = new Map();
      this.lintSettings = settings;
    }
    // `sdp` documents, and `sip` documents without any SIP message (lintDocument then lints them as SDP when they
    // start with "v="), are small: lint them whole.
    if (snap.language === 'sdp' || snap.messages.length === 0) {
      return { findings: applySeverities(lintDocument(snap.bytes, snap.language, settings).findings, settings), linted: 1 };
    }
    const next = new Map<string, CachedFindings>();
    const out: Finding[] = [];
    let linted = 0;
    const n = snap.messages.length;
    for (let i = 0; i < n; i++) {
      const key = snap.keys[i] as string;
      const ks = snap.keyStarts[i] as number;
      let entry = next.get(key) ?? this.linted.get(key);
      if (entry === undefined) {
        linted++;
        entry = { findings: applySeverities(lintMessage(snap.messages[i] as TraceMessage, settings), settings), base: ks };
      } else if (entry.base !== ks) {
        entry = { findings: entry.findings.map((f) => shiftFinding(f, ks - entry!.base)), base: ks };
      }
      next.set(key, entry);
      for (const f of entry.findings) out.push(f);
    }
    this.linted = next;
    return { findings: out, linted };
  }

  /** Forget cached findings (e.g. settings changed). */
  clearLint(): void {
    this.linted = new Map();
  }
}

/**
 * `sipscope.rules.<id>` overrides (`off` drops the finding). The core applies them too; doing it again here is
 * idempotent and keeps the editor honest even for findings a rule reports with an explicit severity.
 */
function applySeverities(findings: Finding[], settings: LintSettings): Finding[] {
  const sev = settings.severities;
  let any = false;
  for (const k in sev) {
    any = true;
    break;
  }
  if (!any) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const s = sev[f.ruleId];
    if (s === undefined) out.push(f);
    else if (s !== 'off') out.push(s === f.severity ? f : { ...f, severity: s });
  }
  return out;
}

function computeFacts(msg: TraceMessage): MessageFacts {
  const bytes = msg.bytes.slice();
  const r = parseSipMessage(bytes);
  const sdp: LocalSdp[] = [];
  for (const body of findSdpBodies(r.message)) {
    sdp.push({ span: { start: body.start, end: body.end }, session: parseSdp(body.bytes, body.start).session });
  }
  return { bytes, sip: r.message, problems: r.problems, sdp, memo: new Map() };
}

/** A copy of `f` with its span and fix spans moved by `delta` bytes. */
export function shiftFinding(f: Finding, delta: number): Finding {
  if (delta === 0) return f;
  const out: Finding = { ...f };
  if (f.span) out.span = { start: f.span.start + delta, end: f.span.end + delta };
  if (f.fixes) {
    out.fixes = f.fixes.map((fix) => ({
      ...fix,
      edits: fix.edits.map((e) => ({ span: { start: e.span.start + delta, end: e.span.end + delta }, newText: e.newText })),
    }));
  }
  return out;
}
