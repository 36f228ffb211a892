// Two-thread capture import for the CLI: a worker runs the front half (import-worker.ts: read, decode, reassemble,
// frame, SIP facts) while the main thread builds the call model from its FactBatches (core/capture/fact-batch.ts).
// Same model as importCapture with `rtp: false` (a test checks it on every sample and corpus capture); RTP analysis
// and NAT evidence are not batched, so imports that need them stay in one thread.
import { Worker } from 'node:worker_threads';
import {
  CallModelBuilder, FactBatchReader, emptyModel, finishModel,
  type CaptureModel, type CaptureProblemSummary, type FactBatch, type ImportFrontResult, type TlsKeyInput,
} from '../core/index';
import type { FileByteSource } from './node-byte-source';
import { takePrestartedWorker } from './prestart';

/** What the main thread sends the worker (workerData). */
export interface WorkerRequest {
  path: string;
  chunkSize?: number;
  /** TLS secrets (texts: structured-cloned to the worker). */
  tls?: TlsKeyInput;
}

/** The request, for a worker started without one (prestart.ts). */
export interface WorkerStart {
  type: 'start';
  request: WorkerRequest;
}

/** A batch applied: its buffers go back to the worker for reuse (transferred). */
export interface WorkerAck {
  type: 'ack';
  num: Float64Array;
  arena: Uint8Array;
}

/** What the worker posts back. Batches are acknowledged with a WorkerAck. */
export type WorkerReply =
  | { type: 'batch'; batch: FactBatch }
  | { type: 'progress'; done: number; total: number }
  | { type: 'end'; result: ImportFrontResult; problems: CaptureProblemSummary[]; problemCount: number }
  | { type: 'error'; message: string };

/**
 * Detach one throw-away ArrayBuffer, so that this thread's first real transfer (a batch posted, or its buffers given
 * back) is not its first detach. V8 compiles typed-array accesses without detach checks until an ArrayBuffer of the
 * isolate is detached; the first detach then deoptimises every function compiled so far, and the hot import
 * functions are compiled again. Done before the import, it costs one small clone. Measured on the bench capture:
 * 127 -> 103 optimising compiles per import (both threads). Call it in each thread before its import work.
 */
export function detachOnce(): void {
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
}

/**
 * Import the capture at `path` (already opened read-only as `source`, which the model keeps for re-reading message
 * bytes) with the front half in the worker `script`. Resolves with the model (`fatal` set for a non-capture, as
 * importCapture does); rejects when the worker fails (I/O error, crash).
 */
export function importCaptureThreaded(
  script: string,
  path: string,
  source: FileByteSource,
  opts: { chunkSize?: number; onProgress?: (done: number, total: number) => void; tls?: TlsKeyInput } = {},
): Promise<CaptureModel> {
  detachOnce();
  const builder = new CallModelBuilder();
  const reader = new FactBatchReader(builder);
  const model = emptyModel(source, builder);
  const request: WorkerRequest = { path, chunkSize: opts.chunkSize, tls: opts.tls };
  const ack: WorkerAck = { type: 'ack', num: new Float64Array(0), arena: new Uint8Array(0) };
  return new Promise<CaptureModel>((resolve, reject) => {
    // The worker the launcher started early (prestart.ts), else a new one.
    const taken = takePrestartedWorker(script, request);
    const worker = taken?.worker ?? new Worker(script, { workerData: request });
    if (taken !== undefined && taken.early === undefined) worker.postMessage({ type: 'start', request } satisfies WorkerStart);
    let settled = false;
    const settle = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) reject(err);
      else resolve(model);
    };
    const handle = (m: WorkerReply): void => {
      if (settled) return;
      try {
        onMessage(m);
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e))); // a bug in the model builder: fail the import, not the process
      }
    };
    worker.on('message', handle);
    const onMessage = (m: WorkerReply): void => {
      switch (m.type) {
        case 'batch':
          reader.apply(m.batch);
          ack.num = m.batch.num;
          ack.arena = m.batch.arena;
          worker.postMessage(ack, [ack.num.buffer as ArrayBuffer, ack.arena.buffer as ArrayBuffer]);
          break;
        case 'progress':
          model.bytesRead = m.done;
          opts.onProgress?.(m.done, m.total);
          break;
        case 'end':
          builder.finish();
          finishModel(model, m.result, m.problems, m.problemCount);
          settle(undefined);
          break;
        case 'error':
          settle(new Error(`${path}: import failed: ${m.message}`));
          break;
      }
    };
    // Posted by a worker that began on this request before it was taken: handled first, in order.
    for (const m of taken?.early ?? []) handle(m as WorkerReply);
    worker.on('error', (e) => settle(e));
    worker.on('exit', (code) => settle(new Error(`${path}: import worker exited (code ${code}) before the end of the capture`)));
  });
}
