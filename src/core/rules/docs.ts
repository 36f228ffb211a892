// Generated artefacts from the RULES registry: package.json settings (`sipscope.rules.<id>` severities) and the
// Markdown rules table. Pure, shared by scripts/gen-rules.mjs and test/meta/rules-generated.test.ts.
import type { RuleRef } from './types';
import { RULES } from './registry';
import { toVsCodeSeverity } from './config';

/** Settings key prefix of the per-rule severities. */
export const RULE_SETTING_PREFIX = 'sipscope.rules.';

/** Where a rule runs, as the README table says it. */
const SCOPE_LABEL: Record<string, string> = {
  message: 'each SIP message',
  sdp: 'each SDP',
  trace: 'the whole trace',
  capture: 'each call of a capture: declared vs observed addresses',
};
/** Markers around the generated rules table. */
export const RULES_START = '<!-- rules:start -->';
export const RULES_END = '<!-- rules:end -->';

function refText(r: RuleRef): string {
  if (r.rfc !== undefined) return `RFC ${r.rfc}${r.section ? ` §${r.section}` : ''}`;
  return r.title ?? r.url;
}

function refLinks(refs: readonly RuleRef[]): string {
  return refs.map((r) => `[${refText(r)}](${r.url})`).join(', ');
}

/** `contributes.configuration.properties` entries generated from RULES (`sipscope.rules.<id>`), in registry order. */
export function generatedConfigurationProperties(): Record<string, object> {
  const props: Record<string, object> = {};
  for (const r of RULES) {
    props[RULE_SETTING_PREFIX + r.id] = {
      type: 'string',
      enum: ['off', 'error', 'warning', 'information', 'hint'],
      default: toVsCodeSeverity(r.defaultSeverity),
      markdownDescription: `**${r.title}** (\`${r.id}\`). ${r.description} See ${refLinks(r.refs)}.`,
    };
  }
  return props;
}

/** The Markdown rules table (without the markers). */
export function generatedRulesMarkdown(): string {
  const sev = (s: string) => (s === 'info' ? 'information' : s);
  const lines: string[] = [];
  lines.push(`${RULES.length} rules. Configure a rule's severity with \`"sipscope.rules.<rule id>": "off" | "error" | "warning" | "information" | "hint"\` in VS Code settings; the CLI (\`sipscope lint\`, \`sipscope nat\`) uses the defaults below. NAT rules skip addresses in \`sipscope.nat.trustedNetworks\`.`);
  lines.push('');
  lines.push('| Rule | Default | Checks | What goes wrong | References |');
  lines.push('|---|---|---|---|---|');
  for (const r of RULES) {
    const desc = r.description.replace(/\|/g, '\\|');
    lines.push(`| \`${r.id}\` | ${sev(r.defaultSeverity)} | ${r.title} (${SCOPE_LABEL[r.scope]}) | ${desc} | ${refLinks(r.refs)} |`);
  }
  return lines.join('\n');
}

/** Replace the text between the markers of `doc` (which must contain both) by the generated table. */
export function withRulesTable(doc: string): string {
  const s = doc.indexOf(RULES_START);
  const e = doc.indexOf(RULES_END);
  if (s < 0 || e < s) return doc;
  return `${doc.slice(0, s + RULES_START.length)}\n${generatedRulesMarkdown()}\n${doc.slice(e)}`;
}

/** Initial docs/rules.md when no README with markers exists yet. */
export function newRulesDocument(): string {
  return `# SIPScope rules\n\nGenerated from \`src/core/rules/registry.ts\` by \`npm run gen:rules\`; do not edit between the markers.\n\n${RULES_START}\n${generatedRulesMarkdown()}\n${RULES_END}\n`;
}
