// JSON report of `sipscope lint`: {"columns": "utf-16", "files": [{"path", "findings": [{ruleId, severity, message, line,
// column, endLine, endColumn, refs}]}]}. Lines and columns are 1-based; columns count UTF-16 code units (like LSP). A
// capture's file has `"capture": true` and each finding its `frame`, the line and column within that message, and
// `messages`/`frames` when the same finding is in several messages.
import type { LintFileResult, LocatedFinding } from '../commands/lint';
import { jsonPieces, LazyJsonArray } from './json-pieces';

export interface LintJsonFinding {
  ruleId: string;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Capture only: the frame (1-based record) of the message; line and column are then within its text. */
  frame?: number;
  /** Capture only, when the same finding is in several messages: how many, and their frames (at most 1000). */
  messages?: number;
  frames?: number[];
  refs: { rfc?: number; section?: string; title?: string; url: string }[];
}

export interface LintJsonReport {
  /** Unit of `column` / `endColumn`. */
  columns: 'utf-16';
  files: { path: string; capture?: boolean; error?: string; findings: LintJsonFinding[] }[];
}

export function lintJsonReport(results: readonly LintFileResult[]): LintJsonReport {
  return lintJsonDocument(results, (lazy) => lazy.toArray()) as LintJsonReport;
}

/** The JSON report in pieces, exactly formatLintJson's text, each finding made only while it is written. */
export function* lintJsonPieces(results: readonly LintFileResult[]): Generator<string> {
  yield* jsonPieces(lintJsonDocument(results, (lazy) => lazy));
  yield '\n';
}

/** The report, each file's findings as `findingsAs` turns the lazy array into (a plain array, or itself for jsonPieces). */
function lintJsonDocument(results: readonly LintFileResult[], findingsAs: (lazy: LazyJsonArray<LintJsonFinding>) => unknown): object {
  return {
    columns: 'utf-16',
    files: results.map((r) => ({
      path: r.path,
      ...(r.capture === true ? { capture: true } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      findings: findingsAs(new LazyJsonArray(r.findings.length, (i) => jsonFinding(r.findings[i]!))),
    })),
  };
}

function jsonFinding(f: LocatedFinding): LintJsonFinding {
  return {
    ruleId: f.finding.ruleId,
    severity: f.finding.severity,
    message: f.finding.message,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    ...(f.frame !== undefined ? { frame: f.frame } : {}),
    ...(f.group !== undefined ? { messages: f.group.messages, frames: f.group.frames } : {}),
    refs: f.finding.refs.map((x) => ({ ...(x.rfc !== undefined ? { rfc: x.rfc } : {}), ...(x.section !== undefined ? { section: x.section } : {}), ...(x.title !== undefined ? { title: x.title } : {}), url: x.url })),
  };
}

export function formatLintJson(results: readonly LintFileResult[]): string {
  return JSON.stringify(lintJsonReport(results), null, 2) + '\n';
}
