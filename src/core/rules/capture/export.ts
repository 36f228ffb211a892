// Plain-JSON forms of capture findings and verdicts, shared by `sipscope nat --format json` and the JSON export:
// `{ruleId, severity, message, callId, frames}` per finding (frames are 1-based record numbers).
import type { CallVerdict, Finding, RuleSeverity } from '../types';

export interface ExportedFinding {
  ruleId: string;
  severity: RuleSeverity;
  message: string;
  /** Call-ID of the call the finding is about, null when it is not about one call. */
  callId: string | null;
  /** Evidence frames: 1-based capture record numbers, sorted. */
  frames: number[];
}

export interface ExportedVerdict {
  callIndex: number;
  callId: string;
  summary: string;
  frames: number[];
  /** Indexes into the findings array exported alongside. */
  findings: number[];
}

/** A finding's evidence frames, unique and ascending (a new array; no sort when they already are, as usual). */
export function evidenceFrames(f: Finding): number[] {
  const given = f.frames ?? [];
  let increasing = true;
  for (let i = 1; i < given.length && increasing; i++) increasing = given[i - 1]! < given[i]!;
  return increasing ? given.slice() : [...new Set(given)].sort((a, b) => a - b);
}

/** One finding as plain JSON data. */
export function exportFinding(f: Finding): ExportedFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    callId: f.callId ?? null,
    frames: evidenceFrames(f),
  };
}

/**
 * Position of each finding in `all` (the findings array exported with the verdicts), for exportVerdict; `offset`:
 * the position of all[0] (a batch of a longer array).
 */
export function findingPositions(all: readonly Finding[], offset = 0): ReadonlyMap<Finding, number> {
  const positions = new Map<Finding, number>();
  all.forEach((f, i) => positions.set(f, offset + i));
  return positions;
}

/**
 * The exported findings of lint batches in order (lintCaptureStream), made as the batches come; each batch's verdicts
 * are exported into `verdicts` with their findings as indexes into the whole sequence (the JSON reports write the
 * findings array, then the verdicts).
 */
export async function* exportFindingsOf(
  batches: AsyncIterable<{ findings: readonly Finding[]; verdicts: readonly CallVerdict[] }>,
  verdicts: ExportedVerdict[],
): AsyncGenerator<ExportedFinding> {
  let offset = 0;
  for await (const b of batches) {
    const positions = findingPositions(b.findings, offset);
    for (const f of b.findings) yield exportFinding(f);
    for (const v of b.verdicts) verdicts.push(exportVerdict(v, positions));
    offset += b.findings.length;
  }
}

/**
 * One verdict as plain JSON data; `findings` are indexes into the findings array exported with it, looked up in
 * `positions` (findingPositions of that array: build it once for all verdicts, not per verdict).
 */
export function exportVerdict(v: CallVerdict, positions: ReadonlyMap<Finding, number>): ExportedVerdict {
  return {
    callIndex: v.callIndex,
    callId: v.callId,
    summary: v.summary,
    frames: [...v.frames],
    findings: v.findings.map((f) => positions.get(f)).filter((i): i is number => i !== undefined),
  };
}
