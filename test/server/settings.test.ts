// normalizeSettings (src/protocol/settings.ts): the `sipscope` section as VS Code sends it -> the server's settings,
// tolerant of missing, partial and mistyped values.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../src/protocol/settings';

describe('normalizeSettings', () => {
  it('gives the defaults for null, undefined and non-objects', () => {
    for (const raw of [null, undefined, 42, 'x', []]) expect(normalizeSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads rule severities, trusted networks, SIP ports and lint options', () => {
    const s = normalizeSettings({
      rules: { 'nat/via-rport': 'error', 'sip/compact-form': 'off', 'sdp/timing': 'information', 'sip/x': 'loud', 'sip/y': 3 },
      nat: { trustedNetworks: [' 100.96.0.0/12 ', '', 7] },
      sipPorts: [5060, 5080, 0, 70000, 5.5],
      lint: { enable: false, run: 'onSave', debounceMs: 99999 },
    });
    expect(s.lint.severities).toEqual({ 'nat/via-rport': 'error', 'sip/compact-form': 'off', 'sdp/timing': 'info' });
    expect(s.lint.trustedNetworks).toEqual(['100.96.0.0/12']);
    expect(s.lint.sipPorts).toEqual([5060, 5080]);
    expect(s).toMatchObject({ enable: false, run: 'onSave', debounceMs: 2000 });
  });

  it('falls back to the default SIP ports when none is valid', () => {
    expect(normalizeSettings({ sipPorts: ['5060'] }).lint.sipPorts).toEqual([5060, 5061]);
  });
});
