// ../shared/ARCHITECTURE.md import rules, checked on every source file: which layer may import which (core: core
// only + its few npm libraries; protocol: core types; server/extension/cli: core, protocol where allowed, their host
// APIs and node:*; webview: protocol, core, DOM, @vscode-elements). Specifiers are read from the text (static
// imports and exports, dynamic import(), require()).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');

type Layer = 'core' | 'protocol' | 'server' | 'extension' | 'cli' | 'webview';

const LAYER_DIRS: Record<Layer, string> = {
  core: 'src/core',
  protocol: 'src/protocol',
  server: 'src/server',
  extension: 'src/extension',
  cli: 'src/cli',
  webview: 'webview',
};

/** Layers each layer may import (itself included), and the packages it may use. */
const RULES: Record<Layer, { layers: Layer[]; packages: RegExp }> = {
  // docs/architecture-notes.md: sdp-transform (SDP field grammar), @noble (TLS and SRTP cryptography) and
  // opus-decoder (libopus for the audio export).
  core: { layers: ['core'], packages: /^(sdp-transform|opus-decoder|@noble\/(hashes|ciphers)(\/.*)?)$/ },
  protocol: { layers: ['protocol', 'core'], packages: /^$/ },
  server: { layers: ['server', 'core', 'protocol'], packages: /^(vscode-languageserver(-textdocument|\/.*)?|vscode-languageserver-protocol|node:.*)$/ },
  extension: { layers: ['extension', 'core', 'protocol'], packages: /^(vscode|vscode-languageclient(\/.*)?|node:.*)$/ },
  cli: { layers: ['cli', 'core'], packages: /^node:.*$/ },
  webview: { layers: ['webview', 'protocol', 'core'], packages: /^@vscode-elements\/elements(\/.*)?$/ },
};

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function layerOf(absPath: string): Layer | undefined {
  const rel = relative(ROOT, absPath).split(sep).join('/');
  for (const [layer, dir] of Object.entries(LAYER_DIRS) as [Layer, string][]) if (rel === dir || rel.startsWith(`${dir}/`)) return layer;
  return undefined;
}

/** Import specifiers of a source text, with whether the import is type-only. */
function specifiers(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4] ?? m[5] ?? m[6];
    if (spec) out.push({ spec, typeOnly: m[2] !== undefined });
  }
  return out;
}

describe('import rules (../shared/ARCHITECTURE.md)', () => {
  const all = (Object.values(LAYER_DIRS) as string[]).flatMap((d) => files(join(ROOT, d)));

  it('finds the source files of every layer', () => {
    for (const d of Object.values(LAYER_DIRS)) expect(all.some((f) => layerOf(f) === layerOf(join(ROOT, d, 'x.ts'))), d).toBe(true);
    expect(all.length).toBeGreaterThan(100);
  });

  it('every import stays within what its layer may use', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = layerOf(file)!;
      const rule = RULES[from];
      for (const { spec, typeOnly } of specifiers(readFileSync(file, 'utf8'))) {
        const where = `${relative(ROOT, file)}: ${spec}`;
        if (spec.startsWith('.')) {
          const to = layerOf(resolve(dirname(file), spec));
          if (to === undefined) violations.push(`${where} (outside the layers)`);
          else if (!rule.layers.includes(to)) violations.push(`${where} (${from} may not import ${to})`);
          else if (from === 'protocol' && to === 'core' && !typeOnly) violations.push(`${where} (protocol imports core types only)`);
        } else if (!rule.packages.test(spec)) violations.push(`${where} (${from} may not use this package)`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('catches a violation (the check can fail)', () => {
    expect(specifiers("import * as vscode from 'vscode';\nimport type { X } from '../core/index';")).toEqual([
      { spec: 'vscode', typeOnly: false },
      { spec: '../core/index', typeOnly: true },
    ]);
    // Real files: what they import is seen (multi-line import lists included).
    const cliMain = specifiers(readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8')).map((x) => x.spec);
    expect(cliMain).toEqual(expect.arrayContaining(['node:fs', './args', '../core/index']));
    const session = specifiers(readFileSync(join(ROOT, 'src/extension/capture-editor/session.ts'), 'utf8'));
    expect(session).toEqual(expect.arrayContaining([{ spec: '../../core/index', typeOnly: false }, { spec: '../../protocol/webview', typeOnly: true }]));
    expect(RULES.core.packages.test('vscode')).toBe(false);
    expect(RULES.core.packages.test('node:fs')).toBe(false);
    expect(RULES.cli.layers.includes('extension')).toBe(false);
  });
});
