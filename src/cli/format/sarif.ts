// SARIF 2.1.0 report of `sipscope lint` (for GitHub code scanning and other SARIF viewers): tool.driver.rules from the
// RULES registry with helpUri, results with 1-based regions in UTF-16 columns, and fixes as byte-offset replacements.
import type { LintFileResult } from '../commands/lint';
import type { Rule, RuleSeverity } from '../../core/rules/types';
import { RULES } from '../../core/rules/registry';
import { jsonPieces, LazyJsonArray } from './json-pieces';

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** SARIF result level of a rule severity (info and hint are notes). */
export function sarifLevel(s: RuleSeverity): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** A path as a SARIF artifact URI (forward slashes, each segment percent-encoded). */
export function sarifUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** tool.driver.rules entry of a registry rule; `tag` is its first property tag (the rule family). */
export function sarifRule(r: Rule<unknown>, tag: string): object {
  return {
    id: r.id,
    name: r.title,
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    helpUri: r.refs[0]?.url,
    help: { text: `${r.description}\nReferences: ${r.refs.map((x) => (x.rfc !== undefined ? `RFC ${x.rfc}${x.section ? ' §' + x.section : ''}` : (x.title ?? x.url))).join(', ')}` },
    defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
    properties: { tags: [tag, r.scope], references: r.refs.map((x) => x.url) },
  };
}

export function sarifLog(results: readonly LintFileResult[]): object {
  return sarifDocument(results, (lazy) => lazy.toArray());
}

/** The SARIF log in pieces, exactly formatSarif's text, each result made only while it is written. */
export function* sarifPieces(results: readonly LintFileResult[]): Generator<string> {
  yield* jsonPieces(sarifDocument(results, (lazy) => lazy));
  yield '\n';
}

/** The SARIF log, its results array as `resultsAs` turns the lazy one into (a plain array, or itself for jsonPieces). */
function sarifDocument(results: readonly LintFileResult[], resultsAs: (lazy: LazyJsonArray) => unknown): object {
  const ruleIndex = new Map<string, number>();
  const rules = RULES.map((r, i) => {
    ruleIndex.set(r.id, i);
    return sarifRule(r, r.id.split('/')[0] ?? 'sip');
  });
  const artifacts = results.map((r) => ({ location: { uri: sarifUri(r.path) } }));
  // Every finding with its file's index, in file order: the results, made one at a time by `resultOf`.
  const located: [number, LintFileResult['findings'][number]][] = [];
  results.forEach((r, artifactIndex) => {
    for (const f of r.findings) located.push([artifactIndex, f]);
  });
  const resultOf = (i: number): object => {
    const [artifactIndex, f] = located[i]!;
    const r = results[artifactIndex]!;
    const loc = { uri: sarifUri(r.path), index: artifactIndex };
    const result: Record<string, unknown> = {
      ruleId: f.finding.ruleId,
      level: sarifLevel(f.finding.severity),
      message: { text: f.finding.message },
      locations: [
        f.frame !== undefined
          ? // A capture is binary: the location is the message (frame), the line and column within its text are properties.
            { physicalLocation: { artifactLocation: loc }, logicalLocations: [{ name: `frame ${f.frame}`, kind: 'object' }] }
          : {
              physicalLocation: {
                artifactLocation: loc,
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn, ...(f.finding.span ? { byteOffset: f.finding.span.start, byteLength: f.finding.span.end - f.finding.span.start } : {}) },
              },
            },
      ],
      properties:
        f.frame !== undefined
          ? { severity: f.finding.severity, frame: f.frame, messageLine: f.line, messageColumn: f.column, ...(f.group !== undefined ? { messages: f.group.messages, frames: f.group.frames } : {}) }
          : { severity: f.finding.severity },
    };
    const idx = ruleIndex.get(f.finding.ruleId);
    if (idx !== undefined) result['ruleIndex'] = idx;
    if (f.finding.fixes !== undefined && f.finding.fixes.length > 0) {
      result['fixes'] = f.finding.fixes.map((fix) => ({
        description: { text: fix.title },
        artifactChanges: [
          {
            artifactLocation: loc,
            replacements: fix.edits.map((e) => ({ deletedRegion: { byteOffset: e.span.start, byteLength: e.span.end - e.span.start }, insertedContent: { text: e.newText } })),
          },
        ],
      }));
    }
    return result;
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'SIPScope', informationUri: 'https://www.rfc-editor.org/rfc/rfc3261', rules } },
        columnKind: 'utf16CodeUnits',
        artifacts,
        results: resultsAs(new LazyJsonArray(located.length, resultOf)),
        invocations: [
          {
            executionSuccessful: results.every((r) => r.error === undefined),
            toolExecutionNotifications: results
              .filter((r) => r.error !== undefined)
              .map((r) => ({ level: 'error', message: { text: `${r.path}: ${r.error}` }, locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(r.path) } } }] })),
          },
        ],
      },
    ],
  };
}

export function formatSarif(results: readonly LintFileResult[]): string {
  return JSON.stringify(sarifLog(results), null, 2) + '\n';
}
