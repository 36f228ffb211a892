// Severity configuration: a rule's configured severity from LintSettings (with VS Code's `information` accepted as
// `info`), the mapping to VS Code / SARIF names, and severity ordering for filters.
import type { LintSettings, RuleSeverity, RuleSeveritySetting } from './types';

/** VS Code's DiagnosticSeverity names as used in settings enums (`information`, not `info`). */
export type VsCodeSeverityName = 'off' | 'error' | 'warning' | 'information' | 'hint';

const RANK: Record<RuleSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Normalise a setting value: `information` -> `info`, case-insensitive; unknown values -> undefined. */
export function normalizeSeverity(value: unknown): RuleSeveritySetting | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'information') return 'info';
  if (v === 'off' || v === 'error' || v === 'warning' || v === 'info' || v === 'hint') return v;
  return undefined;
}

/** `info` -> `information` (VS Code naming for package.json settings); others unchanged. */
export function toVsCodeSeverity(s: RuleSeveritySetting): VsCodeSeverityName {
  return s === 'info' ? 'information' : s;
}

/**
 * The severity the user configured for `ruleId` (`settings.severities[ruleId]`), or undefined when not overridden.
 * `'off'` means the rule does not run.
 */
export function configuredSeverity(ruleId: string, settings: LintSettings | undefined): RuleSeveritySetting | undefined {
  const raw = settings?.severities?.[ruleId];
  return normalizeSeverity(raw);
}

/**
 * Effective severity of a rule: the configured override, else `defaultSeverity` (pass the rule's default). A
 * finding reported with its own severity keeps it unless the user overrode the rule.
 */
export function effectiveSeverity(ruleId: string, settings: LintSettings | undefined, defaultSeverity: RuleSeverity): RuleSeveritySetting {
  return configuredSeverity(ruleId, settings) ?? defaultSeverity;
}

/** True when `a` is at least as severe as `b` (error > warning > info > hint). */
export function atLeast(a: RuleSeverity, b: RuleSeverity): boolean {
  return RANK[a] <= RANK[b];
}

/** Sort key: 0 for error ... 3 for hint. */
export function severityRank(s: RuleSeverity): number {
  return RANK[s];
}
