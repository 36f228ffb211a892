// One target table for every bundle SIPScope ships. `node esbuild.mjs [--watch] [target...]`.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, statSync } from 'node:fs';

/**
 * opus-decoder (core/rtp/opus.ts) also exports a Web Worker variant whose Node shim (@eshaz/web-worker) loads vm and
 * worker_threads when the bundle starts. SIPScope decodes in the calling thread only: the shim is replaced by a class
 * that throws if constructed (the variant extends it at load; it is never constructed).
 */
const noWebWorkerShim = {
  name: 'no-web-worker-shim',
  setup(build) {
    build.onResolve({ filter: /^@eshaz\/web-worker$/ }, () => ({ path: 'web-worker', namespace: 'sipscope-omitted' }));
    build.onLoad({ filter: /.*/, namespace: 'sipscope-omitted' }, () => ({
      contents: "export default class { constructor() { throw new Error('the web worker variant of opus-decoder is not bundled'); } }",
      loader: 'js',
    }));
  },
};

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning', plugins: [noWebWorkerShim] };

/** name -> esbuild options. Targets whose entry point does not exist yet are skipped. */
const targets = {
  // The sipscope executable: a launcher (starts the import worker early) that loads the CLI proper, dist/cli-main.js.
  cli: { ...node, entryPoints: ['src/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  cliMain: { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js' },
  // Worker thread of the CLI's threaded import (src/cli/threaded-import.ts loads it from next to cli.js).
  importWorker: { ...node, entryPoints: ['src/cli/import-worker.ts'], outfile: 'dist/import-worker.js' },
  extension: { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  server: { ...node, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  webview: {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js',
  },
};

/**
 * WebAssembly modules (AssemblyScript sources in wasm/, compiled with the assemblyscript package's asc) -> dist/.
 * The hosts load them from next to their bundle (src/cli/wasm.ts). Rebuilt when the source is newer.
 */
const wasmModules = [{ source: 'wasm/fact-scanner.ts', out: 'dist/fact-scanner.wasm' }];
async function buildWasm() {
  const stale = wasmModules.filter((m) => !existsSync(m.out) || statSync(m.out).mtimeMs < statSync(m.source).mtimeMs);
  if (stale.length === 0) return;
  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync('dist', { recursive: true });
  for (const m of stale) {
    // -O3, SIMD (line ends 16 bytes at a time), the stub runtime (no GC: the module allocates once), no assertions.
    const { error, stderr } = await asc.main([m.source, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--outFile', m.out]);
    if (error) throw new Error(`asc ${m.source}: ${error.message}\n${stderr.toString()}`);
  }
}

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const wanted = args.filter((a) => !a.startsWith('--'));
const names = wanted.length ? wanted : Object.keys(targets);

await buildWasm();
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
