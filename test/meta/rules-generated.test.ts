// The rule settings in package.json (contributes.configuration `sipscope.rules.<id>`) and the rules table (README.md
// or docs/rules.md between the markers) are generated from RULES; this test fails when they are stale.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedConfigurationProperties, generatedRulesMarkdown, RULE_SETTING_PREFIX, RULES_END, RULES_START } from '../../src/core/rules/docs';

const root = join(__dirname, '../..');
const HOW = 'stale generated rule files: run `npm run gen:rules` (node scripts/gen-rules.mjs)';

function configuration(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  let conf = pkg.contributes?.configuration;
  if (Array.isArray(conf)) conf = conf.find((c: { properties?: unknown }) => c?.properties) ?? conf[0];
  return (conf?.properties ?? {}) as Record<string, unknown>;
}

describe('generated rule settings and docs', () => {
  it('package.json has exactly the generated sipscope.rules.* settings', () => {
    const props = configuration();
    const have = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith(RULE_SETTING_PREFIX)));
    expect(have, HOW).toEqual(generatedConfigurationProperties());
  });

  it('the rules table between the markers is current', () => {
    const readme = join(root, 'README.md');
    const target = existsSync(readme) && readFileSync(readme, 'utf8').includes(RULES_START) ? readme : join(root, 'docs/rules.md');
    expect(existsSync(target), HOW).toBe(true);
    const text = readFileSync(target, 'utf8');
    const s = text.indexOf(RULES_START);
    const e = text.indexOf(RULES_END);
    expect(s >= 0 && e > s, HOW).toBe(true);
    expect(text.slice(s + RULES_START.length, e).trim(), HOW).toBe(generatedRulesMarkdown().trim());
  });
});
