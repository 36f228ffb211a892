// Lint runner: runs the RULES on one SIP message (its SDP bodies included), on a standalone SDP document, or on a whole
// trace document, applies severity settings ('off' suppresses) and maps spans and fix edits to DOCUMENT byte offsets.
import type { Finding, Fix, LintSettings, Report, Rule, RuleSeverity, RuleSeveritySetting } from './types';
import type { TraceMessage } from '../trace/types';
import type { Span } from '../text/span';
import { DEFAULT_LINT_SETTINGS } from './types';
import { MessageContext, SdpContext, type MessageOrigin } from './context';
import { MESSAGE_RULES, SDP_RULES, getRule } from './registry';
import { configuredSeverity, severityRank } from './config';
import { splitTrace } from '../trace/split-trace';
import { parseSdp } from '../sdp/parse-sdp';

/**
 * Effective severity of `ruleId` under `settings`: the configured override (`information` accepted as `info`), else
 * the rule's default. `'off'` means the rule does not run. Unknown rule ids give the override or `'warning'`.
 */
export function ruleSeverity(ruleId: string, settings?: LintSettings): RuleSeveritySetting {
  return configuredSeverity(ruleId, settings) ?? getRule(ruleId)?.defaultSeverity ?? 'warning';
}

function runRules<C>(rules: readonly Rule<C>[], ctx: C, settings: LintSettings, out: Finding[]): void {
  for (const rule of rules) {
    const conf = configuredSeverity(rule.id, settings);
    if (conf === 'off') continue;
    const report: Report = (f) => {
      const finding: Finding = {
        ruleId: rule.id,
        severity: conf ?? f.severity ?? rule.defaultSeverity,
        message: f.message,
        refs: rule.refs,
      };
      if (f.span !== undefined) finding.span = f.span;
      if (f.fixes !== undefined && f.fixes.length > 0) finding.fixes = f.fixes;
      if (f.messageIds !== undefined) finding.messageIds = f.messageIds;
      if (f.frames !== undefined) finding.frames = f.frames;
      if (f.callIndex !== undefined) finding.callIndex = f.callIndex;
      out.push(finding);
    };
    try {
      rule.check(ctx, report);
    } catch (err) {
      // A rule bug must not hide the other findings or take the editor down; surface it quietly.
      out.push({ ruleId: rule.id, severity: 'hint', message: `Internal error in rule ${rule.id}: ${String(err)}`, refs: rule.refs });
    }
  }
}

function sortAndDedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.ruleId}|${f.span?.start}|${f.span?.end}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  out.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0) || severityRank(a.severity) - severityRank(b.severity) || a.ruleId.localeCompare(b.ruleId));
  return out;
}

/**
 * Lint one SIP message given as its own bytes. Spans and fix edits are BYTE offsets into `bytes` (not the document):
 * a cache keyed by message text can keep these and re-map them (see lintMessage). Pure; never throws.
 * `origin` tells whether the bytes are verbatim document text and whether CRs were restored by the splitter.
 */
export function lintMessageBytes(bytes: Uint8Array, settings: LintSettings = DEFAULT_LINT_SETTINGS, origin?: Partial<MessageOrigin>): Finding[] {
  const out: Finding[] = [];
  try {
    const ctx = new MessageContext(bytes, settings, { verbatim: origin?.verbatim ?? true, restoredCr: origin?.restoredCr ?? false, transport: origin?.transport });
    runRules(MESSAGE_RULES, ctx, settings, out);
    for (const sdp of ctx.sdpBodies) {
      const sctx = new SdpContext(bytes, sdp.session, sdp.problems, { start: sdp.body.start, end: sdp.body.end }, settings, true);
      runRules(SDP_RULES, sctx, settings, out);
    }
  } catch (err) {
    out.push({ ruleId: 'sip/start-line', severity: 'hint', message: `Internal linter error: ${String(err)}`, refs: [] });
  }
  return sortAndDedupe(out);
}

/**
 * Lint a standalone session description (a .sdp document, RFC 8866). Spans are byte offsets into `bytes` plus
 * `baseOffset`. Pure; never throws.
 */
export function lintSdpBytes(bytes: Uint8Array, settings: LintSettings = DEFAULT_LINT_SETTINGS, baseOffset = 0): Finding[] {
  const out: Finding[] = [];
  try {
    const r = parseSdp(bytes, baseOffset);
    const ctx = new SdpContext(bytes, r.session, r.problems, { start: baseOffset, end: baseOffset + bytes.length }, settings, false);
    runRules(SDP_RULES, ctx, settings, out);
  } catch (err) {
    out.push({ ruleId: 'sdp/line-syntax', severity: 'hint', message: `Internal linter error: ${String(err)}`, refs: [] });
  }
  return sortAndDedupe(out);
}

/** Map a message-relative byte span to document byte offsets. */
function mapSpan(s: Span, to: (o: number) => number): Span {
  const start = to(s.start);
  const end = s.end > s.start ? to(s.end - 1) + 1 : start;
  return { start, end: Math.max(start, end) };
}

/** True when message bytes [s, e) are one contiguous run of document bytes (so an edit there is exact). */
function contiguous(s: Span, msg: TraceMessage): boolean {
  if (msg.verbatim === true) return true;
  const to = (o: number) => msg.toDocumentOffset(o);
  if (s.end === s.start) return true;
  const base = to(s.start);
  for (let o = s.start + 1; o < s.end; o++) if (to(o) !== base + (o - s.start)) return false;
  return true;
}

/** Re-map findings computed by lintMessageBytes(msg.bytes) to document offsets (spans and fix edits). */
export function mapFindingsToDocument(findings: readonly Finding[], msg: TraceMessage): Finding[] {
  const to = (o: number) => msg.toDocumentOffset(o);
  return findings.map((f) => {
    const g: Finding = { ...f };
    if (f.span !== undefined) g.span = mapSpan(f.span, to);
    if (f.fixes !== undefined) {
      const fixes: Fix[] = [];
      for (const fix of f.fixes) {
        if (!fix.edits.every((e) => contiguous(e.span, msg))) continue;
        fixes.push({ ...fix, edits: fix.edits.map((e) => ({ span: mapSpan(e.span, to), newText: e.newText })) });
      }
      if (fixes.length > 0) g.fixes = fixes;
      else delete g.fixes;
    }
    return g;
  });
}

/**
 * Lint one message of a trace document: findings with spans and fix edits in DOCUMENT byte offsets (via
 * msg.toDocumentOffset). Pure per message: the result depends only on msg.bytes, its mapping and the settings.
 */
export function lintMessage(msg: TraceMessage, settings: LintSettings = DEFAULT_LINT_SETTINGS): Finding[] {
  const rel = lintMessageBytes(msg.bytes, settings, { verbatim: msg.verbatim !== false, restoredCr: msg.restoredCr === true });
  return mapFindingsToDocument(rel, msg);
}

/** True when the document starts (after whitespace) with an SDP "v=" line. */
function looksLikeSdp(doc: Uint8Array): boolean {
  let i = 0;
  while (i < doc.length && (doc[i] === 32 || doc[i] === 9 || doc[i] === 13 || doc[i] === 10)) i++;
  return doc[i] === 0x76 && doc[i + 1] === 0x3d;
}

/**
 * Lint a whole document. 'sip': split into messages (raw or log formats, see splitTrace) and lint each one; a 'sip'
 * document holding no SIP message but starting with "v=" is linted as SDP. 'sdp': the whole document is one session
 * description. Spans are DOCUMENT byte offsets (convert with text/line-index.ts). Never throws.
 */
export function lintDocument(doc: Uint8Array, languageId: 'sip' | 'sdp', settings: LintSettings = DEFAULT_LINT_SETTINGS): { messages: TraceMessage[]; findings: Finding[] } {
  if (languageId === 'sdp') return { messages: [], findings: lintSdpBytes(doc, settings) };
  const messages = splitTrace(doc);
  if (messages.length === 0 && looksLikeSdp(doc)) return { messages, findings: lintSdpBytes(doc, settings) };
  const findings: Finding[] = [];
  for (const m of messages) for (const f of lintMessage(m, settings)) findings.push(f);
  return { messages, findings };
}

/** Highest severity among findings, or undefined when there are none. */
export function worstSeverity(findings: readonly Finding[]): RuleSeverity | undefined {
  let best: RuleSeverity | undefined;
  for (const f of findings) if (best === undefined || severityRank(f.severity) < severityRank(best)) best = f.severity;
  return best;
}
