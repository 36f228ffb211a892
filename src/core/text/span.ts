// Span: a half-open range of BYTE offsets [start, end) into the bytes a parser was given (not UTF-16 columns).
// Conversion to lines / UTF-16 columns is done by text/line-index.ts; conversion to LSP ranges only in server/convert.ts.

/** Half-open byte range `[start, end)` into the parsed byte array. `end >= start`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Build a span; `end` is clamped to be `>= start`. */
export function span(start: number, end: number): Span {
  return { start, end: end < start ? start : end };
}

/** Shift a span by `delta` bytes (used when a sub-parser worked on a slice). */
export function shiftSpan(s: Span, delta: number): Span {
  return { start: s.start + delta, end: s.end + delta };
}

/** A problem found while parsing, positioned by a byte span. Parsers return these instead of throwing. */
export interface ParseProblem {
  /** Stable machine code, e.g. `sip/bad-start-line`, `capture/truncated-record`. */
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly span: Span;
}
