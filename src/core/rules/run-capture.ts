// Capture lint runner: loads the declared addresses of every SIP message of a capture, takes the extra evidence
// (ICMP errors, keep-alives) from the import when it collected them, else scans for it (and for RTP when the import had
// none) only when a call shows NAT indicators, runs the capture-scope rules of the RULES registry with the severity
// settings, and builds one NAT verdict per call.
import type { CallVerdict, Finding, LintSettings, Report, Rule } from './types';
import { DEFAULT_LINT_SETTINGS } from './types';
import { configuredSeverity, severityRank } from './config';
import { RULES } from './registry';
import { loadCaptureFacts, partitionCalls, type CaptureModelLike, type CaptureStream } from './capture/facts';
import { CaptureIndexes, CaptureRuleContext } from './capture/context';
import { AddressBook } from './capture/addresses';
import { NO_EVIDENCE, scanEvidence, type CaptureEvidence, type SdpToRegister } from './capture/evidence';
import { callVerdict } from './capture/verdict';

export interface CaptureLintOptions {
  /**
   * The extra pass over the capture for ICMP errors, keep-alives and (without imported streams) RTP: 'auto' (default)
   * and 'always' run it whenever some call is not same-host traffic; 'never' skips it (no ICMP/keep-alive evidence).
   */
  evidenceScan?: 'auto' | 'always' | 'never';
  isCancelled?: () => boolean;
  /**
   * Lint only these calls (CallInfo.index); `stats` then count them only. The evidence (ICMP errors, keep-alives,
   * RTP) is still read from the whole capture. Default: every call.
   */
  calls?: ReadonlySet<number>;
  /**
   * The evidence an earlier run on the same model used (lintCaptureStream's `evidence`): taken as it is, without a
   * pass over the capture. Linting some calls again this way gives exactly their findings of the earlier run.
   */
  evidence?: CaptureEvidence;
}

export interface CaptureLintResult {
  /** Findings sorted by call, then first evidence frame, then severity. */
  findings: Finding[];
  /** One verdict per call that has findings or a party behind NAT, in call order. */
  verdicts: CallVerdict[];
  stats: {
    /** Calls analysed / skipped as same-host (loopback) traffic. */
    calls: number;
    sameHostCalls: number;
    /** Whether the evidence scan ran, and where the RTP streams came from. */
    evidenceScanned: boolean;
    rtp: 'import' | 'scan' | 'none';
  };
}

/** The capture-scope rules of the registry, in registry order. */
export function captureRules(): Rule<CaptureRuleContext>[] {
  return RULES.filter((r) => r.scope === 'capture') as Rule<CaptureRuleContext>[];
}

function sortFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = `${f.ruleId}|${f.callIndex}|${f.frames?.join(',')}|${f.message.length}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  const order = new Map(RULES.map((r, i) => [r.id, i]));
  out.sort(
    (a, b) =>
      (a.callIndex ?? -1) - (b.callIndex ?? -1) ||
      (a.frames?.[0] ?? 0) - (b.frames?.[0] ?? 0) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0),
  );
  return out;
}

/**
 * Calls per batch are chosen so one batch holds about this many messages' facts: small enough that parsed facts die
 * young (cheap for the garbage collector), large enough that reads cover several messages.
 */
const BATCH_MESSAGES = 500;

/** Load the SDP bodies of the relevant calls (for the RTP fallback when the import analysed no RTP), in frame order. */
async function sdpsToRegister(model: CaptureModelLike, calls: readonly number[]): Promise<SdpToRegister[]> {
  const withSdp = calls.filter((ci) => model.calls[ci]?.messageIds.some((id) => model.messages.get(id).hasSdp) === true);
  const out: SdpToRegister[] = [];
  for (const batch of batches(model, withSdp)) {
    const facts = await loadCaptureFacts(model, { calls: batch, keepSdpBytes: true });
    for (const m of facts.byId.values()) {
      if (m.sdp?.body === undefined || m.callIndex < 0) continue;
      const sec = Math.floor(m.time);
      out.push({ frame: m.frame, timeSec: sec, timeNsec: Math.round((m.time - sec) * 1e9), callIndex: m.callIndex, messageId: m.id, src: m.src, srcPort: m.srcPort, bytes: m.sdp.body.bytes });
    }
  }
  return out.sort((a, b) => a.frame - b.frame);
}

/** Consecutive groups of call indexes holding about BATCH_MESSAGES messages each. */
function* batches(model: CaptureModelLike, calls: readonly number[]): Generator<number[]> {
  let cur: number[] = [];
  let n = 0;
  for (const ci of calls) {
    cur.push(ci);
    n += model.calls[ci]?.messageIds.length ?? 0;
    if (n >= BATCH_MESSAGES) {
      yield cur;
      cur = [];
      n = 0;
    }
  }
  if (cur.length > 0) yield cur;
}

/** One batch of calls' findings and verdicts (lintCaptureStream), in call order. */
export interface CaptureLintBatch {
  /** Findings sorted by call, then first evidence frame, then severity (as CaptureLintResult.findings). */
  findings: Finding[];
  verdicts: CallVerdict[];
}

/**
 * NAT lint of an imported capture: capture-scope findings (with frames, message ids, call index and Call-ID) and one
 * verdict per call. Same-host traffic (both ends loopback, or source == destination) is not NAT: calls made only of
 * it are skipped from the model's columns, without re-reading them. For the others, message bytes are re-read and
 * parsed a batch of calls at a time (bounded memory). ICMP errors and keep-alives come from the import
 * (CaptureModel.evidence); models without them get one evidence pass over the capture (RTP too when the import had
 * none). Never throws on input; rejects only when the ByteSource fails.
 */
export async function lintCapture(model: CaptureModelLike, settings: LintSettings = DEFAULT_LINT_SETTINGS, opts: CaptureLintOptions = {}): Promise<CaptureLintResult> {
  const run = await lintCaptureStream(model, settings, opts);
  const findings: Finding[] = [];
  const verdicts: CallVerdict[] = [];
  for await (const b of run.batches) {
    for (const f of b.findings) findings.push(f);
    for (const v of b.verdicts) verdicts.push(v);
  }
  return { findings, verdicts, stats: run.stats };
}

/**
 * lintCapture a batch of calls at a time: `stats` and the `evidence` used (for CaptureLintOptions.evidence) at once
 * (after the evidence pass), then the findings and verdicts
 * of each batch while `batches` is iterated, so a report can be written as the lint goes and a capture's hundreds of
 * thousands of findings are never all held. The batches concatenated are lintCapture's result.
 */
export async function lintCaptureStream(
  model: CaptureModelLike,
  settings: LintSettings = DEFAULT_LINT_SETTINGS,
  opts: CaptureLintOptions = {},
): Promise<{ stats: CaptureLintResult['stats']; evidence: CaptureEvidence; batches: AsyncIterable<CaptureLintBatch> }> {
  const rules = captureRules().filter((r) => configuredSeverity(r.id, settings) !== 'off');
  const haveStreams = model.streams !== undefined;
  const part = partitionCalls(model);
  const only = opts.calls;
  if (only !== undefined) {
    const selected = model.calls.reduce((n, c) => n + (only.has(c.index) ? 1 : 0), 0);
    part.relevant = part.relevant.filter((ci) => only.has(ci));
    part.sameHostCalls = selected - part.relevant.length;
  }
  const stats: CaptureLintResult['stats'] = { calls: part.relevant.length, sameHostCalls: part.sameHostCalls, evidenceScanned: false, rtp: haveStreams ? 'import' : 'none' };
  if (rules.length === 0 || part.relevant.length === 0) return { stats, evidence: opts.evidence ?? NO_EVIDENCE, batches: noBatches() };

  let evidence: CaptureEvidence = NO_EVIDENCE;
  if ((opts.evidenceScan ?? 'auto') !== 'never' && haveStreams && model.evidence !== undefined) {
    // Collected by the import itself (ImportOptions.natEvidence): no second pass over the capture.
    evidence = model.evidence;
    stats.evidenceScanned = true;
  } else if (opts.evidence !== undefined) {
    // From an earlier run over the same model.
    evidence = opts.evidence;
    stats.evidenceScanned = evidence.scanned;
    if (!haveStreams && evidence.streams !== undefined) stats.rtp = 'scan';
  } else if ((opts.evidenceScan ?? 'auto') !== 'never') {
    try {
      const sdps = haveStreams ? undefined : await sdpsToRegister(model, part.relevant);
      evidence = await scanEvidence(model.source, { keepAlives: part.registers, rtpSdps: sdps !== undefined && sdps.length > 0 ? sdps : undefined, isCancelled: opts.isCancelled });
      stats.evidenceScanned = true;
      if (!haveStreams && evidence.streams !== undefined) stats.rtp = 'scan';
    } catch {
      evidence = NO_EVIDENCE; // evidence is best effort; the signalling findings stand without it
    }
  }
  const streams: readonly CaptureStream[] = model.streams ?? evidence.streams ?? [];
  const indexes = CaptureIndexes.forModel(model, streams, evidence, part.lastTime);
  const addr = new AddressBook(settings);
  return { stats, evidence, batches: lintBatches(model, settings, opts, rules, part.relevant, indexes, addr) };
}

async function* noBatches(): AsyncGenerator<CaptureLintBatch> {}

async function* lintBatches(
  model: CaptureModelLike,
  settings: LintSettings,
  opts: CaptureLintOptions,
  rules: readonly Rule<CaptureRuleContext>[],
  relevant: readonly number[],
  indexes: CaptureIndexes,
  addr: AddressBook,
): AsyncGenerator<CaptureLintBatch> {
  for (const batch of batches(model, relevant)) {
    if (opts.isCancelled?.() === true) break;
    const facts = await loadCaptureFacts(model, { calls: batch });
    const ctx = new CaptureRuleContext(settings, facts, indexes, addr);
    const found: Finding[] = [];
    for (const rule of rules) {
      const conf = configuredSeverity(rule.id, settings);
      const report: Report = (f) => {
        const finding: Finding = { ruleId: rule.id, severity: conf !== undefined && conf !== 'off' ? conf : (f.severity ?? rule.defaultSeverity), message: f.message, refs: rule.refs };
        if (f.messageIds !== undefined) finding.messageIds = f.messageIds;
        if (f.frames !== undefined) finding.frames = f.frames;
        if (f.callIndex !== undefined) finding.callIndex = f.callIndex;
        if (f.callId !== undefined) finding.callId = f.callId;
        found.push(finding);
      };
      try {
        rule.check(ctx, report);
      } catch (err) {
        found.push({ ruleId: rule.id, severity: 'hint', message: `Internal error in rule ${rule.id}: ${String(err)}`, refs: rule.refs });
      }
    }
    const findings = sortFindings(found);
    const byCall = new Map<number, Finding[]>();
    for (const f of findings) {
      if (f.callIndex === undefined) continue;
      const l = byCall.get(f.callIndex);
      if (l === undefined) byCall.set(f.callIndex, [f]);
      else l.push(f);
    }
    const verdicts: CallVerdict[] = [];
    for (const call of facts.calls) {
      try {
        const v = callVerdict(ctx, call, byCall.get(call.index) ?? []);
        if (v !== undefined) verdicts.push(v);
      } catch {
        // a verdict is a summary; its findings are already reported
      }
    }
    yield { findings, verdicts };
  }
}
