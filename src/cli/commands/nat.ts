// `sipscope nat FILE [--format text|json|sarif] [--trusted CIDR]...`: NAT analysis of a capture — per call a verdict
// line, then its findings with evidence frames (text); `{findings, verdicts}` (JSON); SARIF 2.1.0 with frame-based
// logical locations. Exit code 1 when any error-level finding (lost replies, unreachable RTP...) is reported.
import type { CaptureModel, CallVerdict, Finding, LintSettings, RuleSeverity } from '../../core/index';
import { atLeast } from '../../core/rules/config';
import { RULES } from '../../core/rules/registry';
import { lintCapture, type CaptureLintOptions, type CaptureLintResult } from '../../core/rules/run-capture';
import { jsonPieces, LazyJsonArray } from '../format/json-pieces';
import { evidenceFrames, exportFinding, exportVerdict, findingPositions, type ExportedFinding, type ExportedVerdict } from '../../core/rules/capture/export';

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
}

/** The JSON document of `sipscope nat --format json`. */
export interface NatJsonReport {
  findings: ExportedFinding[];
  verdicts: ExportedVerdict[];
}

function filtered(r: CaptureLintResult, min: RuleSeverity): { findings: readonly Finding[]; verdicts: readonly CallVerdict[] } {
  if (min === 'hint') return r; // every severity is at least a hint
  const findings = r.findings.filter((f) => atLeast(f.severity, min));
  const keep = new Set(findings);
  const verdicts = r.verdicts.map((v) => ({ ...v, findings: v.findings.filter((f) => keep.has(f)) }));
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
 * Text report, one line at a time (each piece ends with a line feed): per call `#N Call-ID` and its verdict, then
 * one line per finding `severity ruleId frames message`.
 */
export function* natTextLines(model: CaptureModel, r: CaptureLintResult, findings: readonly Finding[], verdicts: readonly CallVerdict[], path?: string): Generator<string> {
  const head = path !== undefined ? `${path}: ` : '';
  const skipped = r.stats.sameHostCalls > 0 ? `, ${r.stats.sameHostCalls} same-host (loopback) call(s) not analysed` : '';
  let withFindings = 0;
  for (const v of verdicts) if (v.findings.length > 0) withFindings++;
  yield `${head}${r.stats.calls} call(s) analysed${skipped}; ${findings.length} NAT finding(s) in ${withFindings} call(s)\n`;
  const byCall = new Map<number, Finding[]>();
  for (const f of findings) {
    const k = f.callIndex ?? -1;
    const list = byCall.get(k);
    if (list === undefined) byCall.set(k, [f]);
    else list.push(f);
  }
  for (const v of verdicts) {
    const fs = byCall.get(v.callIndex) ?? [];
    if (fs.length === 0) continue;
    const c = model.calls[v.callIndex];
    yield `\n${`#${v.callIndex + 1} ${c?.method ?? ''} ${v.callId}`.replace(/\s+/g, ' ').trim()}\n  verdict: ${v.summary}\n`;
    for (const f of fs) yield `  ${f.severity.padEnd(7)} ${f.ruleId} [${frames(f)}] ${oneLine(f.message)}\n`;
    byCall.delete(v.callIndex);
  }
  for (const [k, fs] of byCall) {
    yield `\n${k >= 0 ? `#${k + 1} ${model.calls[k]?.callId ?? ''}` : '(no call)'}\n`;
    for (const f of fs) yield `  ${f.severity.padEnd(7)} ${f.ruleId} [${frames(f)}] ${f.message}\n`;
  }
  if (findings.length === 0) yield 'No NAT findings.\n';
}

/** natTextLines as one string. */
export function formatNatText(model: CaptureModel, r: CaptureLintResult, findings: readonly Finding[], verdicts: readonly CallVerdict[], path?: string): string {
  return [...natTextLines(model, r, findings, verdicts, path)].join('');
}

/** JSON report: exactly `{"findings": [{ruleId, severity, message, callId, frames}], "verdicts": [...]}`. */
export function natJsonReport(findings: readonly Finding[], verdicts: readonly CallVerdict[]): NatJsonReport {
  const positions = findingPositions(findings);
  return { findings: findings.map(exportFinding), verdicts: verdicts.map((v) => exportVerdict(v, positions)) };
}

/**
 * The JSON report as natJsonReport gives it, rendered exactly as `JSON.stringify(report, null, 2) + '\n'`, one
 * finding or verdict at a time (a NAT-heavy capture's report is hundreds of MB).
 */
export function* natJsonLines(findings: readonly Finding[], verdicts: readonly CallVerdict[]): Generator<string> {
  const positions = findingPositions(findings);
  yield* jsonPieces({
    findings: new LazyJsonArray(findings.length, (i) => exportFinding(findings[i]!)),
    verdicts: new LazyJsonArray(verdicts.length, (i) => exportVerdict(verdicts[i]!, positions)),
  });
  yield '\n';
}

type SarifLevel = 'error' | 'warning' | 'note';
const level = (s: RuleSeverity): SarifLevel => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');

/**
 * SARIF 2.1.0 (like src/cli/format/sarif.ts): tool.driver.rules from the registry (capture-scope NAT rules), results
 * located in the capture artifact with a logical location per call (`call/<n>`) and the frames as properties.
 */
export function natSarif(findings: readonly Finding[], path: string): object {
  return natSarifDocument(findings, path, (lazy) => Array.from({ length: lazy.length }, (_, i) => lazy.item(i)));
}

/**
 * The SARIF report as natSarif gives it, rendered exactly as `JSON.stringify(natSarif(...), null, 2) + '\n'`, one
 * result at a time: results are made while they are written, never all at once.
 */
export function* natSarifLines(findings: readonly Finding[], path: string): Generator<string> {
  yield* jsonPieces(natSarifDocument(findings, path, (results) => results));
  yield '\n';
}

/** The SARIF document, its results array as `results` turns the lazy one into (a plain array, or itself for jsonPieces). */
function natSarifDocument(findings: readonly Finding[], path: string, results: (lazy: LazyJsonArray) => unknown): object {
  const rules = RULES.filter((r) => r.scope === 'capture');
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const uri = path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
  const result = (f: Finding): Record<string, unknown> => {
    const res: Record<string, unknown> = {
      ruleId: f.ruleId,
      level: level(f.severity),
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
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'SIPScope',
            informationUri: 'https://www.rfc-editor.org/rfc/rfc3261',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title,
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              helpUri: r.refs[0]?.url,
              help: { text: `${r.description}\nReferences: ${r.refs.map((x) => (x.rfc !== undefined ? `RFC ${x.rfc}${x.section ? ' §' + x.section : ''}` : (x.title ?? x.url))).join(', ')}` },
              defaultConfiguration: { level: level(r.defaultSeverity) },
              properties: { tags: ['nat', r.scope], references: r.refs.map((x) => x.url) },
            })),
          },
        },
        artifacts: [{ location: { uri } }],
        results: results(new LazyJsonArray(findings.length, (i) => result(findings[i]!))),
        invocations: [{ executionSuccessful: true }],
      },
    ],
  };
}

/** A rendered NAT report: its text in pieces (written as they come), and the exit code. */
export interface NatReport {
  pieces: Iterable<string>;
  exitCode: 0 | 1;
}

/**
 * Run the NAT analysis on an imported capture; the report is rendered while `pieces` is iterated (text and JSON: a
 * line or an item at a time, so a report of hundreds of MB is never held whole). Exit code 1 when any reported
 * finding is an error (after minSeverity), else 0. Rejects only when reading the capture fails.
 */
export async function natReport(model: CaptureModel, opts: NatOptions): Promise<NatReport> {
  const r = await lintCapture(model, opts.settings, { evidenceScan: opts.evidenceScan });
  const { findings, verdicts } = filtered(r, opts.minSeverity ?? 'hint');
  let pieces: Iterable<string>;
  if (opts.format === 'json') pieces = natJsonLines(findings, verdicts);
  else if (opts.format === 'sarif') pieces = natSarifLines(findings, opts.path ?? 'capture.pcap');
  else pieces = natTextLines(model, r, findings, verdicts, opts.path);
  return { pieces, exitCode: findings.some((f) => f.severity === 'error') ? 1 : 0 };
}

/** natReport with the report as one string. */
export async function runNat(model: CaptureModel, opts: NatOptions): Promise<{ output: string; exitCode: 0 | 1 }> {
  const r = await natReport(model, opts);
  return { output: [...r.pieces].join(''), exitCode: r.exitCode };
}
