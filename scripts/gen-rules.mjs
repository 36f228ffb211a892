// Regenerates the rule settings in package.json (contributes.configuration) and the rules table (README.md between
// <!-- rules:start --> / <!-- rules:end -->, or docs/rules.md when README.md has no markers) from the RULES registry.
// Usage: node scripts/gen-rules.mjs [--check]   (--check: exit 1 and list what is stale, write nothing)
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// Bundle the pure generator module (TypeScript) in memory and import it.
const built = await esbuild.build({
  entryPoints: [join(root, 'src/core/rules/docs.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  write: false,
  logLevel: 'error',
});
const code = built.outputFiles[0].text;
const docs = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

const stale = [];

// 1. package.json: only contributes.configuration is touched, and inside it only the `sipscope.rules.*` keys.
const pkgPath = join(root, 'package.json');
const pkgText = readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(pkgText);
pkg.contributes ??= {};
let conf = pkg.contributes.configuration;
if (Array.isArray(conf)) conf = conf.find((c) => c && typeof c === 'object' && c.properties) ?? conf[0];
if (conf === undefined || conf === null || typeof conf !== 'object') {
  conf = { title: 'SIPScope', properties: {} };
  pkg.contributes.configuration = conf;
}
conf.properties ??= {};
const generated = docs.generatedConfigurationProperties();
const owned = (k) => k.startsWith(docs.RULE_SETTING_PREFIX);
const kept = Object.entries(conf.properties).filter(([k]) => !owned(k));
conf.properties = Object.fromEntries([...kept, ...Object.entries(generated)]);
const pkgOut = JSON.stringify(pkg, null, 2) + '\n';
if (pkgOut !== pkgText) stale.push('package.json contributes.configuration');

// 2. Rules table.
const readmePath = join(root, 'README.md');
const docsPath = join(root, 'docs/rules.md');
let target;
let docOut;
if (existsSync(readmePath) && readFileSync(readmePath, 'utf8').includes(docs.RULES_START)) {
  target = readmePath;
  docOut = docs.withRulesTable(readFileSync(readmePath, 'utf8'));
} else {
  target = docsPath;
  docOut = existsSync(docsPath) && readFileSync(docsPath, 'utf8').includes(docs.RULES_START) ? docs.withRulesTable(readFileSync(docsPath, 'utf8')) : docs.newRulesDocument();
}
const docBefore = existsSync(target) ? readFileSync(target, 'utf8') : '';
if (docOut !== docBefore) stale.push(target.slice(root.length + 1));

if (check) {
  if (stale.length > 0) {
    console.error(`Stale generated rule files: ${stale.join(', ')}. Run: npm run gen:rules`);
    process.exit(1);
  }
  console.log('rule settings and rules table are up to date');
} else {
  // Re-read right before writing so a concurrent edit of another package.json key is not lost.
  const fresh = JSON.parse(readFileSync(pkgPath, 'utf8'));
  fresh.contributes ??= {};
  let fconf = fresh.contributes.configuration;
  if (Array.isArray(fconf)) fconf = fconf.find((c) => c && typeof c === 'object' && c.properties) ?? fconf[0];
  if (fconf === undefined || fconf === null || typeof fconf !== 'object') {
    fconf = { title: 'SIPScope', properties: {} };
    fresh.contributes.configuration = fconf;
  }
  fconf.properties = Object.fromEntries([...Object.entries(fconf.properties ?? {}).filter(([k]) => !owned(k)), ...Object.entries(generated)]);
  const freshOut = JSON.stringify(fresh, null, 2) + '\n';
  if (freshOut !== readFileSync(pkgPath, 'utf8')) writeFileSync(pkgPath, freshOut);
  mkdirSync(dirname(target), { recursive: true });
  if (docOut !== docBefore) writeFileSync(target, docOut);
  console.log(`gen-rules: ${Object.keys(generated).length} settings in package.json, rules table in ${target.slice(root.length + 1)}`);
}
