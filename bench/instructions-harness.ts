// The work bench/instructions.mjs counts under callgrind. It bundles this file with `../src/` resolved in the
// checkout to measure (so an older commit's worktree is measured with the same harness) and ROOT defined as that
// checkout. Modes:
//   dump CAPTURE OUT N     collect the capture's first N FactBatches (the import front, WebAssembly scanner as in the
//                          CLI's worker) and write them to OUT (v8.serialize); natively, not under callgrind
//   load OUT               read the batches back only (the baseline subtracted from `apply`)
//   apply OUT RUNS         read them back and apply them to RUNS fresh CallModelBuilders: the main thread's work
//   front CAPTURE          the import front alone (read, decode, frame, scan, pack batches): the worker's work
//   start                  nothing past loading this bundle (the baseline subtracted from `front`)
import { serialize, deserialize } from 'node:v8';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CallModelBuilder, FactBatchReader, ProblemCollector, runImportFront, type FactBatch } from '../src/core/index';
import { openFileByteSource } from '../src/cli/node-byte-source';
import { loadFactScanner } from '../src/cli/wasm';

declare const ROOT: string;

async function front(capture: string, onBatch: (b: FactBatch) => void): Promise<void> {
  const chunk = 4 << 20;
  const scanner = loadFactScanner({ arenaBytes: 2 * chunk, stageBytes: 2 << 20, dir: join(ROOT, 'dist'), calls: { maxCalls: 1 << 20, keyBytes: 48 << 20 } });
  const transient: [Uint8Array, Uint8Array] | undefined = scanner ? [scanner.arena.subarray(0, chunk), scanner.arena.subarray(chunk)] : undefined;
  const file = await openFileByteSource(capture, { transient });
  try {
    await runImportFront(file, { problems: new ProblemCollector(), factScanner: scanner, transferBatches: true, onBatch });
  } finally {
    await file.close();
  }
}

async function main(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  if (mode === 'dump') {
    const max = Number(c);
    const batches: FactBatch[] = [];
    // Copies: the front reuses its buffers once a batch is handed over.
    await front(a!, (batch) => {
      if (batches.length < max) batches.push(structuredClone({ ...batch, arena: batch.arena.slice(0, batch.arenaUsed) }));
    });
    writeFileSync(b!, serialize(batches));
    console.log(`${batches.length} batches, ${batches.reduce((n, x) => n + x.n, 0)} messages`);
  } else if (mode === 'load' || mode === 'apply') {
    const batches = deserialize(readFileSync(a!)) as FactBatch[];
    const runs = mode === 'load' ? 0 : Number(b ?? 1);
    for (let r = 0; r < runs; r++) {
      const builder = new CallModelBuilder();
      const reader = new FactBatchReader(builder);
      for (const batch of batches) reader.apply(batch);
      builder.finish();
      if (r === 0) console.log(`${builder.calls.length} calls, ${builder.messages.count} messages`);
    }
  } else if (mode === 'start') {
    console.log('started');
  } else if (mode === 'front') {
    let n = 0;
    await front(a!, (batch) => (n += batch.n));
    console.log(`${n} messages`);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
