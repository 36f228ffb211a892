// Text report of `sipscope lint`: one line per finding, `file:line:col severity ruleId message` (1-based line,
// 1-based column in UTF-16 code units), the format compilers and editors' problem matchers understand.
import type { LintFileResult } from '../commands/lint';

/** Render the findings; unreadable files become `file: error: <reason>` lines. Ends with a newline when non-empty. */
export function formatLintText(results: readonly LintFileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      lines.push(`${r.path}: error: ${r.error}`);
      continue;
    }
    for (const f of r.findings) {
      lines.push(`${r.path}:${f.line}:${f.column} ${f.finding.severity} ${f.finding.ruleId} ${f.finding.message.replace(/\s*\n\s*/g, ' ')}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
