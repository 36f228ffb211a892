// One target table for every bundle SIPScope ships. `node esbuild.mjs [--watch] [target...]`.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning' };

/** name -> esbuild options. Targets whose entry point does not exist yet are skipped. */
const targets = {
  cli: { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Worker thread of the CLI's threaded import (src/cli/threaded-import.ts loads it from next to cli.js).
  importWorker: { ...node, entryPoints: ['src/cli/import-worker.ts'], outfile: 'dist/import-worker.js' },
  extension: { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  server: { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  webview: {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js',
  },
};

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const wanted = args.filter((a) => !a.startsWith('--'));
const names = wanted.length ? wanted : Object.keys(targets);

await Promise.all(
  names.map(async (name) => {
    const opts = targets[name];
    if (!opts) throw new Error(`unknown esbuild target ${name}`);
    if (!opts.entryPoints.every((e) => existsSync(e))) return;
    if (watch) {
      const ctx = await esbuild.context(opts);
      await ctx.watch();
    } else {
      await esbuild.build(opts);
    }
  }),
);
