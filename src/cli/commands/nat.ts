// `sipscope nat FILE [--format text|json|sarif] [--trusted CIDR]...`: NAT analysis of a capture — per call a verdict
// line, then its findings with evidence frames (text); `{findings, verdicts}` (JSON); SARIF 2.1.0 with frame-based
// logical locations. Exit code 1 when any error-level finding (lost replies, unreachable RTP...) is reported.
import type { CaptureModel, CallVerdict, Finding, LintSettings, RuleSeverity } from '../../core/index';
import { atLeast } from '../../core/rules/config';
import { RULES } from '../../core/rules/registry';
import { lintCaptureStream, type CaptureLintBatch, type CaptureLintOptions, type CaptureLintResult } from '../../core/rules/run-capture';
import { jsonPiecesAsync, StreamedJsonArray } from '../format/json-pieces';
import { sarifLevel, sarifRule, sarifUri } from '../format/sarif';
import { evidenceFrames, exportFinding, exportFindingsOf, exportVerdict, findingPositions, type ExportedFinding, type ExportedVerdict } from '../../core/rules/capture/export';

export type NatFormat = 'text' | 'json' | 'sarif';

export interface NatOptions {
  format: NatFormat;
  settings: LintSettings;
  /** Path shown in text/SARIF output (the capture file as given on the command line). */
  path?: string;
  /** Drop findings below this severity (default: report everything). */
  minSeverity?: RuleSeverity;
  /** Evidence scan mode (see CaptureLintOptions). */
  evidenceScan?: CaptureLintOptions['evidenceScan'];
  /** Only these calls (see CaptureLintOptions.calls). */
  calls?: ReadonlySet<number>;
}

/** The JSON document of `sipscope nat --format json`. */
export interface NatJsonReport {
  findings: ExportedFinding[];
  verdicts: ExportedVerdict[];
}

/** A batch's findings at or above `min`, and its verdicts listing only those. */
function filtered(b: CaptureLintBatch, min: RuleSeverity): CaptureLintBatch {
  if (min === 'hint') return b; // every severity is at least a hint
  const findings = b.findings.filter((f) => atLeast(f.severity, min));
  const keep = new Set(findings);
  const verdicts = b.verdicts.map((v) => ({ ...v, findings: v.findings.filter((f) => keep.has(f)) }));
  return { findings, verdicts };
}

function frames(f: Finding): string {
  const fr = evidenceFrames(f);
  if (fr.length === 0) return '-';
  return fr.length > 8 ? `${fr.slice(0, 8).map((x) => `f${x}`).join(',')},…` : fr.map((x) => `f${x}`).join(',');
}

/** A finding's message on one line (its line breaks and the blanks around them become one space). */
const oneLine = (m: string): string => (m.includes('\n') ? m.replace(/\s*\n\s*/g, ' ') : m);

/**
 * The text report, written a batch of calls at a time (each piece a line with its line feed): per call with findings
 * `#N method Call-ID` and its verdict, then one line per finding `severity ruleId frames message`; findings outside
 * any verdict after them; then the totals line (`path: N call(s) analysed; M NAT finding(s) in K call(s)`), and
 * `No NAT findings.` when there are none.
 */
class NatTextReport {
  private findings = 0;
  private withFindings = 0;
  private sections = 0;
  /** Findings of no verdict (no call, or a call without one), by call index (-1: none), in order of appearance. */
  private readonly rest = new Map<number, Finding[]>();

  constructor(
    private readonly model: CaptureModel,
    private readonly stats: CaptureLintResult['stats'],
    private readonly path: string | undefined,
  ) {}

  *batch(b: CaptureLintBatch): Generator<string> {
    this.findings += b.findings.length;
    const byCall = new Map<number, Finding[]>();
    for (const f of b.findings) {
      const k = f.callIndex ?? -1;
      const list = byCall.get(k);
      if (list === undefined) byCall.set(k, [f]);
      else list.push(f);
    }
    for (const v of b.verdicts) {
      if (v.findings.length > 0) this.withFindings++;
      const fs = byCall.get(v.callIndex) ?? [];
      if (fs.length === 0) continue;
      const c = this.model.calls[v.callIndex];
      yield `${this.sections++ > 0 ? '\n' : ''}${`#${v.callIndex + 1} ${c?.method ?? ''} ${v.callId}`.replace(/\s+/g, ' ').trim()}\n  verdict: ${v.summary}\n`;
      for (const f of fs) yield `  ${f.severity.padEnd(7)} ${f.ruleId} [${frames(f)}] ${oneLine(f.message)}\n`;
      byCall.delete(v.callIndex);
    }
    for (const [k, fs] of byCall) {
      const list = this.rest.get(k);
      if (list === undefined) this.rest.set(k, fs);
      else for (const f of fs) list.push(f);
    }
  }

  *end(): Generator<string> {
    for (const [k, fs] of this.rest) {
      yield `${this.sections++ > 0 ? '\n' : ''}${k >= 0 ? `#${k + 1} ${this.model.calls[k]?.callId ?? ''}` : '(no call)'}\n`;
      for (const f of fs) yield `  ${f.severity.padEnd(7)} ${f.ruleId} [${frames(f)}] ${f.message}\n`;
    }
    const head = this.path !== undefined ? `${this.path}: ` : '';
    const skipped = this.stats.sameHostCalls > 0 ? `, ${this.stats.sameHostCalls} same-host (loopback) call(s) not analysed` : '';
    yield `${this.sections > 0 ? '\n' : ''}${head}${this.stats.calls} call(s) analysed${skipped}; ${this.findings} NAT finding(s) in ${this.withFindings} call(s)\n`;
    if (this.findings === 0) yield 'No NAT findings.\n';
  }
}

/** The text report of a whole lint result, as one string. */
export function formatNatText(model: CaptureModel, r: CaptureLintResult, findings: readonly Finding[], verdicts: readonly CallVerdict[], path?: string): string {
  const t = new NatTextReport(model, r.stats, path);
  return [...t.batch({ findings: [...findings], verdicts: [...verdicts] }), ...t.end()].join('');
}

/** JSON report: exactly `{"findings": [{ruleId, severity, message, callId, frames}], "verdicts": [...]}`. */
export function natJsonReport(findings: readonly Finding[], verdicts: readonly CallVerdict[]): NatJsonReport {
  const positions = findingPositions(findings);
  return { findings: findings.map(exportFinding), verdicts: verdicts.map((v) => exportVerdict(v, positions)) };
}

/**
 * The JSON report exactly as `JSON.stringify(natJsonReport(all findings, all verdicts), null, 2) + '\n'`, written
 * while the lint goes: each batch's findings as they come (a verdict's findings are indexes into the whole array),
 * the verdicts, kept in their exported form, after them.
 */
async function* natJsonStream(batches: AsyncIterable<CaptureLintBatch>): AsyncGenerator<string> {
  const verdicts: ExportedVerdict[] = [];
  yield* jsonPiecesAsync({
    findings: new StreamedJsonArray(() => exportFindingsOf(batches, verdicts)),
    verdicts: new StreamedJsonArray(async function* () {
      yield* verdicts;
    }),
  });
  yield '\n';
}

/**
 * SARIF 2.1.0 (like src/cli/format/sarif.ts): tool.driver.rules from the registry (capture-scope NAT rules), results
 * located in the capture artifact with a logical location per call (`call/<n>`) and the frames as properties.
 */
export function natSarif(findings: readonly Finding[], path: string): object {
  const sarif = natSarifParts(path);
  return sarif.document(findings.map(sarif.result));
}

/** The SARIF report exactly as `JSON.stringify(natSarif(all findings), null, 2) + '\n'`, a result at a time as the lint goes. */
async function* natSarifStream(batches: AsyncIterable<CaptureLintBatch>, path: string): AsyncGenerator<string> {
  const sarif = natSarifParts(path);
  const results = async function* (): AsyncGenerator<object> {
    for await (const b of batches) for (const f of b.findings) yield sarif.result(f);
  };
  yield* jsonPiecesAsync(sarif.document(new StreamedJsonArray(results)));
  yield '\n';
}

/** The SARIF document around a results array (a plain one, or a StreamedJsonArray), and the result of one finding. */
function natSarifParts(path: string): { document: (results: unknown) => object; result: (f: Finding) => object } {
  const rules = RULES.filter((r) => r.scope === 'capture');
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const uri = sarifUri(path);
  const result = (f: Finding): Record<string, unknown> => {
    const res: Record<string, unknown> = {
      ruleId: f.ruleId,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri, index: 0 } },
          logicalLocations: f.callIndex !== undefined ? [{ name: f.callId ?? `call ${f.callIndex + 1}`, fullyQualifiedName: `call/${f.callIndex + 1}`, kind: 'object' }] : [],
        },
      ],
      properties: { severity: f.severity, frames: exportFinding(f).frames, callId: f.callId ?? null },
    };
    const idx = ruleIndex.get(f.ruleId);
    if (idx !== undefined) res['ruleIndex'] = idx;
    return res;
  };
  const document = (results: unknown): object => ({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'SIPScope',
            informationUri: 'https://www.rfc-editor.org/rfc/rfc3261',
            rules: rules.map((r) => sarifRule(r, 'nat')),
          },
        },
        artifacts: [{ location: { uri } }],
        results,
        invocations: [{ executionSuccessful: true }],
      },
    ],
  });
  return { document, result };
}

/** A NAT report being written: its text in pieces (rendered as the lint goes), then its exit code. */
export interface NatReport {
  pieces: AsyncIterable<string>;
  /** 1 when a reported finding (after minSeverity) is an error, else 0: known once `pieces` is consumed. */
  exitCode(): 0 | 1;
}

/**
 * Run the NAT analysis on an imported capture; the report is rendered while `pieces` is iterated, a batch of calls
 * at a time (text: a batch's lines, JSON: a finding, SARIF: a result per piece), so neither the report nor the capture's
 * findings are ever held whole. Rejects only when reading the capture fails.
 */
export async function natReport(model: CaptureModel, opts: NatOptions): Promise<NatReport> {
  const run = await lintCaptureStream(model, opts.settings, { evidenceScan: opts.evidenceScan, calls: opts.calls });
  const min = opts.minSeverity ?? 'hint';
  let error = false;
  const batches = async function* (): AsyncGenerator<CaptureLintBatch> {
    for await (const b of run.batches) {
      const kept = filtered(b, min);
      if (!error && kept.findings.some((f) => f.severity === 'error')) error = true;
      yield kept;
    }
  };
  let pieces: AsyncIterable<string>;
  if (opts.format === 'json') pieces = natJsonStream(batches());
  else if (opts.format === 'sarif') pieces = natSarifStream(batches(), opts.path ?? 'capture.pcap');
  else {
    const text = new NatTextReport(model, run.stats, opts.path);
    pieces = (async function* () {
      // A batch's lines as one piece: an async step per line would cost more than the lines.
      for await (const b of batches()) yield [...text.batch(b)].join('');
      yield [...text.end()].join('');
    })();
  }
  return { pieces, exitCode: () => (error ? 1 : 0) };
}

/** natReport with the report as one string. */
export async function runNat(model: CaptureModel, opts: NatOptions): Promise<{ output: string; exitCode: 0 | 1 }> {
  const r = await natReport(model, opts);
  const out: string[] = [];
  for await (const p of r.pieces) out.push(p);
  return { output: out.join(''), exitCode: r.exitCode() };
}
