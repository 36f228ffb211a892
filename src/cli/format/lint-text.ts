// Text report of `sipscope lint`: one line per finding, `file:line:col severity ruleId message` (1-based line,
// 1-based column in UTF-16 code units), the format compilers and editors' problem matchers understand. In a capture,
// `file:frame N:line:col`, the line and column within message N's text, and ` [M messages: frames N, …]` when the same
// finding is in M messages.
import type { LintFileResult } from '../commands/lint';

/** Render the findings; unreadable files become `file: error: <reason>` lines. Ends with a newline when non-empty. */
export function formatLintText(results: readonly LintFileResult[]): string {
  return [...lintTextLines(results)].join('');
}

/** formatLintText's lines, each with its line feed, one at a time. */
export function* lintTextLines(results: readonly LintFileResult[]): Generator<string> {
  for (const r of results) {
    if (r.error !== undefined) {
      yield `${r.path}: error: ${r.error}\n`;
      continue;
    }
    for (const f of r.findings) {
      const where = f.frame !== undefined ? `frame ${f.frame}:${f.line}:${f.column}` : `${f.line}:${f.column}`;
      const also = f.group !== undefined ? ` [${f.group.messages} messages: frames ${f.group.frames.slice(0, 5).join(', ')}${f.group.messages > 5 ? ', …' : ''}]` : '';
      yield `${r.path}:${where} ${f.finding.severity} ${f.finding.ruleId} ${f.finding.message.replace(/\s*\n\s*/g, ' ')}${also}\n`;
    }
  }
}
