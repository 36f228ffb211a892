// The `sipscope.*` settings shape shared by the extension (contributes.configuration) and the language server, and
// its normalisation into the core's LintSettings. Pure: imports core types only.
import type { LintSettings, RuleSeveritySetting } from '../core/index';

/** Configuration section the client forwards and the server pulls with workspace/configuration. */
export const SETTINGS_SECTION = 'sipscope';

/** Raw `sipscope` section as VS Code returns it (every key optional; values unchecked). */
export interface SipScopeSettingsRaw {
  /** `sipscope.rules.<rule id>`: 'error' | 'warning' | 'info' | 'hint' | 'off' (generated from RULES). */
  rules?: Record<string, unknown>;
  nat?: { trustedNetworks?: unknown };
  sipPorts?: unknown;
  lint?: { enable?: unknown; run?: unknown; debounceMs?: unknown };
}

/** When diagnostics are recomputed: on every change (debounced) or only when the document is saved. */
export type LintRun = 'onType' | 'onSave';

/** Normalised settings the server works with. */
export interface SipScopeSettings {
  lint: LintSettings;
  /** `sipscope.lint.enable`: false clears and stops diagnostics (other features keep working). */
  enable: boolean;
  /** `sipscope.lint.run`. */
  run: LintRun;
  /** `sipscope.lint.debounceMs`: delay in milliseconds between the last keystroke and the re-lint (0..2000). */
  debounceMs: number;
}

const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Defaults matching package.json. */
export const DEFAULT_SETTINGS: SipScopeSettings = {
  lint: { severities: {}, trustedNetworks: [], sipPorts: [5060, 5061] },
  enable: true,
  run: 'onType',
  debounceMs: 60,
};

/**
 * Normalise whatever the client sent (possibly null, partial, or of the wrong types) into SipScopeSettings. Bad
 * entries are dropped, never thrown on: a typo in settings.json must not take the language server down.
 * `information` is accepted as an alias of `info`.
 */
export function normalizeSettings(raw: unknown): SipScopeSettings {
  const r = (isObject(raw) ? raw : {}) as SipScopeSettingsRaw;
  const severities: Record<string, RuleSeveritySetting> = {};
  if (isObject(r.rules)) {
    for (const [id, v] of Object.entries(r.rules)) {
      const s = typeof v === 'string' ? (v === 'information' ? 'info' : v.toLowerCase()) : undefined;
      if (s !== undefined && SEVERITIES.has(s)) severities[id] = s as RuleSeveritySetting;
    }
  }
  const trusted = isObject(r.nat) && Array.isArray(r.nat.trustedNetworks) ? r.nat.trustedNetworks : [];
  const trustedNetworks = trusted.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
  const ports = Array.isArray(r.sipPorts)
    ? r.sipPorts.filter((p): p is number => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536)
    : undefined;
  const lint = isObject(r.lint) ? r.lint : {};
  const debounce = typeof lint.debounceMs === 'number' && Number.isFinite(lint.debounceMs) ? lint.debounceMs : DEFAULT_SETTINGS.debounceMs;
  return {
    lint: { severities, trustedNetworks, sipPorts: ports && ports.length > 0 ? ports : [...DEFAULT_SETTINGS.lint.sipPorts] },
    enable: typeof lint.enable === 'boolean' ? lint.enable : DEFAULT_SETTINGS.enable,
    run: lint.run === 'onSave' ? 'onSave' : 'onType',
    debounceMs: Math.min(2000, Math.max(0, Math.round(debounce))),
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
