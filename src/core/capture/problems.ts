// Capture problem collector: counts problems by code and keeps the first few examples with their position,
// so a 10 GB capture full of one kind of garbage yields one line with a count, not a million objects.

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** One reported example of a capture problem. `frame` is 1-based; `offset` is an absolute byte offset in the file. */
export interface CaptureProblem {
  code: string;
  severity: ProblemSeverity;
  message: string;
  frame?: number;
  offset?: number;
}

/** Aggregated view: one entry per code with the total count and up to `maxExamples` examples. */
export interface CaptureProblemSummary {
  code: string;
  severity: ProblemSeverity;
  count: number;
  examples: CaptureProblem[];
}

export class ProblemCollector {
  private readonly byCode = new Map<string, CaptureProblemSummary>();
  private totalCount = 0;

  constructor(private readonly maxExamples = 5) {}

  /** Record one problem. Cheap when the code has already been seen `maxExamples` times. */
  report(code: string, severity: ProblemSeverity, message: string, frame?: number, offset?: number): void {
    this.totalCount++;
    let s = this.byCode.get(code);
    if (!s) {
      s = { code, severity, count: 0, examples: [] };
      this.byCode.set(code, s);
    }
    s.count++;
    if (s.examples.length < this.maxExamples) {
      const p: CaptureProblem = { code, severity, message };
      if (frame !== undefined) p.frame = frame;
      if (offset !== undefined) p.offset = offset;
      s.examples.push(p);
    }
  }

  /** Total number of problems reported (all codes). */
  get total(): number {
    return this.totalCount;
  }

  count(code: string): number {
    return this.byCode.get(code)?.count ?? 0;
  }

  /** Summaries sorted by severity (errors first) then code. */
  summaries(): CaptureProblemSummary[] {
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return [...this.byCode.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || a.code.localeCompare(b.code));
  }
}

/**
 * Report damage in a capture file mid-way (an error problem at frame `frame`, file offset `pos`): `what` it is, and
 * where reading resumed (`next`, a file offset) or that nothing plausible followed (`next` < 0). Shared by the pcap
 * and pcapng readers' resynchronisation.
 */
export function reportDamage(problems: ProblemCollector, code: string, what: string, unit: 'record' | 'block', frame: number, pos: number, next: number): void {
  const message =
    next < 0
      ? `${what}; no valid ${unit} follows, reading stops (earlier records are kept)`
      : `${what}: ${next - pos} damaged bytes skipped, reading resumed at file offset ${next}; frames from there are numbered without the records the damaged bytes held`;
  problems.report(code, 'error', message, frame, pos);
}
