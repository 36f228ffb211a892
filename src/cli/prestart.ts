// Starting the import worker early. `sipscope calls FILE` imports in a worker thread (threaded-import.ts); started
// by the launcher (launch.ts) before the CLI bundle loads, the worker loads its own bundle and WebAssembly module on
// the other core meanwhile. When the command line names one capture and nothing that changes the import request
// (speculativeRequest), the worker starts importing at once, while this thread still loads the CLI; what it posts
// meanwhile is kept in order for the import that takes it. Else it waits for its request (a WorkerStart message).
// Only node: modules here (and types): the launcher must stay small.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerRequest } from './threaded-import';

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
  /** The request the worker was started with (it imports at once), or undefined (it waits for a WorkerStart). */
  request: WorkerRequest | undefined;
  /** What the worker posted before it was taken, in order. */
  early: unknown[];
  keep: (m: unknown) => void;
  /** The worker failed or ended before anyone took it (it is then never handed out). */
  gone: boolean;
}

type WithSlot = typeof globalThis & { [SLOT]?: Prestarted };

/**
 * The request `calls` will make for the arguments after the command, when they can be told now: exactly one capture
 * path (not `-`, standard input), and only options that do not change the import (--summary, --json, --filter EXPR).
 * Undefined otherwise: TLS secrets named (--tls-key, --tls-keylog) or in SSLKEYLOGFILE, an unknown or malformed
 * option (the CLI reports it), --help. A guess only: the import compares it with its real request (takePrestartedWorker).
 */
export function speculativeRequest(args: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerRequest | undefined {
  if (env.SSLKEYLOGFILE) return undefined;
  let path: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--summary' || a === '--json' || a.startsWith('--filter=')) continue;
    if (a === '--filter') {
      if (++i >= args.length) return undefined;
      continue;
    }
    if (a.startsWith('-') || path !== undefined) return undefined;
    path = a;
  }
  return path === undefined ? undefined : { path };
}

/** Whether the worker started for `guess` imports what `request` asks for. */
function sameRequest(guess: WorkerRequest, request: WorkerRequest): boolean {
  return guess.path === request.path && request.chunkSize === guess.chunkSize && request.tls === undefined && guess.tls === undefined;
}

/**
 * Start the worker `dist/import-worker.js` (next to this bundle) when the command line is one that imports in a
 * worker: `calls` (threaded-import.ts decides for good); with the speculativeRequest when there is one, else without a
 * request. The worker does not keep the process alive until it is taken. No effect when the script is missing or
 * SIPSCOPE_THREADS=0.
 */
export function prestartImportWorker(argv: readonly string[], dir: string, env: NodeJS.ProcessEnv = process.env): void {
  if (argv[0] !== 'calls' || env.SIPSCOPE_THREADS === '0') return;
  const script = importWorkerScript(dir);
  if (script === undefined) return;
  const request = speculativeRequest(argv.slice(1), env);
  const worker = request === undefined ? new Worker(script) : new Worker(script, { workerData: request });
  const p: Prestarted = { worker, script, request, early: [], keep: (m) => p.early.push(m), gone: false };
  worker.on('message', p.keep);
  // Listened to at once: an 'error' nobody listens to would end the process.
  worker.on('error', () => (p.gone = true));
  worker.on('exit', () => (p.gone = true));
  // After the 'message' listener, which refs the worker's port: a CLI that ends without taking the worker (a usage
  // error, an unreadable file) must not wait for it.
  worker.unref();
  (globalThis as WithSlot)[SLOT] = p;
}

/** A worker the launcher started, as handed to the import. */
export interface TakenWorker {
  worker: Worker;
  /**
   * Undefined: the worker waits for the request (send it a WorkerStart). Else it is already importing this very
   * request, and these are the messages it posted before it was taken, in order (handle them first).
   */
  early: unknown[] | undefined;
}

/**
 * The worker the launcher started for `script`, once (then undefined), kept alive from now on; undefined when there
 * is none, it runs another script, it already failed, or it was started for another request than `request` (then it
 * is ended).
 */
export function takePrestartedWorker(script: string, request: WorkerRequest): TakenWorker | undefined {
  const g = globalThis as WithSlot;
  const p = g[SLOT];
  if (p === undefined) return undefined;
  g[SLOT] = undefined;
  p.worker.off('message', p.keep);
  if (p.gone || p.script !== script || (p.request !== undefined && !sameRequest(p.request, request))) {
    void p.worker.terminate();
    return undefined;
  }
  p.worker.ref();
  return { worker: p.worker, early: p.request === undefined ? undefined : p.early };
}
