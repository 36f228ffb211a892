// The ONE place where core byte Spans meet LSP types: byte offsets (UTF-8, as every core Span) <-> LSP Positions
// and Ranges (0-based line, UTF-16 character), findings -> Diagnostics, byte-span fixes -> TextEdits.
import {
  DiagnosticSeverity,
  type Diagnostic,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import type { Finding, Fix, LineIndex, RuleSeverity, Span } from '../core/index';
import type { SipScopeDiagnosticData, SipScopeFixData } from '../protocol/lsp';

/** Diagnostic.source of every SIPScope diagnostic. */
export const DIAGNOSTIC_SOURCE = 'sipscope';

/** LSP Position (line, UTF-16 character) of a BYTE offset into the document's UTF-8 bytes (clamped). */
export function byteToPosition(lines: LineIndex, byteOffset: number): Position {
  const p = lines.positionAtByte(byteOffset);
  return { line: p.line, character: p.character };
}

/**
 * BYTE offset (UTF-8) of an LSP Position. Like LSP: a character past the end of the line clamps to the line's end
 * (before its line break); a position inside a surrogate pair maps to the pair's first byte.
 */
export function positionToByte(lines: LineIndex, pos: Position): number {
  return lines.byteAtPosition(pos);
}

/** LSP Range of a byte Span [start, end). */
export function spanToRange(lines: LineIndex, span: Span): Range {
  return { start: byteToPosition(lines, span.start), end: byteToPosition(lines, span.end) };
}

/** Byte Span of an LSP Range (end clamped to be >= start). */
export function rangeToSpan(lines: LineIndex, range: Range): Span {
  const start = positionToByte(lines, range.start);
  const end = positionToByte(lines, range.end);
  return { start, end: end < start ? start : end };
}

/**
 * Length in UTF-16 code units of a byte span that lies on one line, or -1 when it crosses a line break (semantic
 * tokens must not span lines).
 */
export function singleLineUtf16Length(lines: LineIndex, span: Span): { start: Position; length: number } | undefined {
  const s = byteToPosition(lines, span.start);
  const e = byteToPosition(lines, span.end);
  if (s.line !== e.line || e.character <= s.character) return undefined;
  return { start: s, length: e.character - s.character };
}

export function toLspSeverity(s: RuleSeverity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

/** Fix as diagnostic data: byte spans kept as numbers, so the code action can convert them against the same version. */
export function fixToData(fix: Fix): SipScopeFixData {
  const out: SipScopeFixData = { title: fix.title, edits: fix.edits.map((e) => ({ start: e.span.start, end: e.span.end, newText: e.newText })) };
  if (fix.preferred) out.preferred = true;
  return out;
}

/**
 * LSP Diagnostic of a text finding: `code` = rule id, `codeDescription.href` = first reference URL, `source`
 * 'sipscope', `data` = {version, fixes (byte spans)}. Findings without a span (capture scope) start at byte 0.
 */
export function findingToDiagnostic(lines: LineIndex, finding: Finding, version: number): Diagnostic {
  const span = finding.span ?? { start: 0, end: 0 };
  const d: Diagnostic = {
    range: spanToRange(lines, span),
    severity: toLspSeverity(finding.severity),
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  const href = finding.refs[0]?.url;
  if (href) d.codeDescription = { href };
  const data: SipScopeDiagnosticData = { version, fixes: (finding.fixes ?? []).map(fixToData) };
  d.data = data;
  return d;
}

/** Type guard for Diagnostic.data coming back from the client (it is untyped JSON). */
export function isDiagnosticData(x: unknown): x is SipScopeDiagnosticData {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Partial<SipScopeDiagnosticData>;
  return typeof d.version === 'number' && Array.isArray(d.fixes);
}

/** TextEdits of a fix (byte spans of the same document version as `lines`), sorted by start. */
export function fixToTextEdits(lines: LineIndex, fix: SipScopeFixData): TextEdit[] {
  return [...fix.edits]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((e) => ({ range: spanToRange(lines, { start: e.start, end: Math.max(e.start, e.end) }), newText: e.newText }));
}

/**
 * Merge the edits of several fixes into one non-overlapping, sorted list of byte edits (for "fix all"): an edit that
 * overlaps one already taken is dropped (with its whole fix, so no fix is applied half-way). Identical edits
 * (same span and text) are kept once.
 */
export function mergeFixEdits(fixes: readonly SipScopeFixData[]): SipScopeFixData['edits'] {
  const taken: SipScopeFixData['edits'] = [];
  const seen = new Set<string>();
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !seen.has(`${e.start}:${e.end}:${e.newText}`));
    const clash = fresh.some((e) => taken.some((t) => overlaps(e, t)));
    if (clash) continue;
    for (const e of fresh) {
      taken.push(e);
      seen.add(`${e.start}:${e.end}:${e.newText}`);
    }
  }
  return taken.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** Two byte edits overlap when their spans intersect, or when both insert at the same offset. */
function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}
