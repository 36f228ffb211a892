// Starting the import worker early. `sipscope calls FILE` imports in a worker thread (threaded-import.ts); started
// by the launcher (launch.ts) before the CLI bundle loads, the worker loads its own bundle and WebAssembly module on
// the other core meanwhile, and waits for its request (a WorkerStart message). Only node: modules here: the launcher
// must stay small.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The bundled import worker next to the bundles in `dir` (default: next to this one), or undefined (running from
 * sources: importCapture in one thread).
 */
export function importWorkerScript(dir: string = __dirname): string | undefined {
  const p = join(dir, 'import-worker.js');
  return existsSync(p) ? p : undefined;
}

/** Where the launcher leaves the worker for threaded-import.ts (one process-wide slot). */
const SLOT = Symbol.for('sipscope.prestartedImportWorker');

interface Prestarted {
  worker: Worker;
  script: string;
  /** The worker failed or ended before anyone took it (it is then never handed out). */
  gone: boolean;
}

type WithSlot = typeof globalThis & { [SLOT]?: Prestarted };

/**
 * Start the worker `dist/import-worker.js` (next to this bundle) without a request, when the command line is one that
 * imports in a worker: `calls` (threaded-import.ts decides for good). The worker does not keep the process alive
 * until it is taken. No effect when the script is missing or SIPSCOPE_THREADS=0.
 */
export function prestartImportWorker(argv: readonly string[], dir: string): void {
  if (argv[0] !== 'calls' || process.env.SIPSCOPE_THREADS === '0') return;
  const script = importWorkerScript(dir);
  if (script === undefined) return;
  const worker = new Worker(script);
  worker.unref();
  const p: Prestarted = { worker, script, gone: false };
  // Listened to at once: an 'error' nobody listens to would end the process.
  worker.on('error', () => (p.gone = true));
  worker.on('exit', () => (p.gone = true));
  (globalThis as WithSlot)[SLOT] = p;
}

/**
 * The worker the launcher started for `script`, once (then undefined), kept alive from now on; undefined when there
 * is none, it runs another script, or it already failed. The caller sends it a WorkerStart.
 */
export function takePrestartedWorker(script: string): Worker | undefined {
  const g = globalThis as WithSlot;
  const p = g[SLOT];
  if (p === undefined) return undefined;
  g[SLOT] = undefined;
  if (p.gone || p.script !== script) {
    void p.worker.terminate();
    return undefined;
  }
  p.worker.ref();
  return p.worker;
}
