// WebAssembly modules next to the bundles (dist/*.wasm, built by esbuild.mjs) for the Node hosts (CLI, import
// worker, extension host). SIPSCOPE_WASM=0 turns them off (the TypeScript paths give the same results; for A/B
// benchmarks and bug reports).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WasmFactScanner } from '../core/index';

/**
 * The fast path's WebAssembly fact scanner from `dir`/fact-scanner.wasm (default: next to this bundle), or undefined
 * when the file is missing (running from sources), unreadable or not loadable, or SIPSCOPE_WASM=0. `arenaBytes`: see
 * WasmFactScanner.arena; `stageBytes`: see WasmFactScanner.stage; `calls`: see WasmFactScanner.create.
 */
export function loadFactScanner(
  opts: { arenaBytes?: number; stageBytes?: number; calls?: { maxCalls: number; keyBytes: number }; dir?: string } = {},
): WasmFactScanner | undefined {
  if (process.env.SIPSCOPE_WASM === '0') return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(opts.dir ?? __dirname, 'fact-scanner.wasm'));
  } catch {
    return undefined;
  }
  return WasmFactScanner.create(bytes, { arenaBytes: opts.arenaBytes, stageBytes: opts.stageBytes, calls: opts.calls });
}
