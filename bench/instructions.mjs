#!/usr/bin/env node
// `npm run bench:instructions`: instruction counts of the import's two halves under callgrind, for comparing builds
// on a machine whose wall times drift by more than the change being measured (repeat runs agree within a few
// percent, mostly garbage collection; the front's file reads are asynchronous).
//   node bench/instructions.mjs [--file F] [--batches 40] [--front-mb 120] [--root DIR] [--only main|front]
// Counts, in millions of instructions (M), with `node --single-threaded` (V8 compiles and collects garbage on the
// main thread, where callgrind sees it) and V8's perf map to name the JIT-compiled functions:
//   main thread  the capture's first --batches FactBatches applied to a fresh CallModelBuilder, minus reading them back
//   front        the import front on the capture's first --front-mb MB (what the CLI's worker thread does), minus
//                starting node and loading the harness
// each split into running JS, WebAssembly and other unnamed code, V8 compilation, garbage collection, and the rest
// (builtins, libc), with the top functions. `--root DIR`: measure another checkout (a `git worktree` of an older
// commit, built with `npm run build`, its node_modules installed or linked) with this harness.
// Needs valgrind (`apt-get install valgrind`); the capture defaults to the one `npm run bench` generates.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const root = resolve(opt('root', join(here, '..')));
const capture = resolve(opt('file', join(here, 'out/bench-100k.pcap')));
const batches = Number(opt('batches', '40'));
const frontBytes = Number(opt('front-mb', '120')) * 1e6;
const only = opt('only', 'both');
/** Longest a run may take (callgrind runs node some 50 times slower; a run here takes under a minute). */
const LIMIT_MS = 15 * 60 * 1000;

function need(ok, message) {
  if (!ok) {
    console.error(`bench/instructions: ${message}`);
    process.exit(2);
  }
}
need(spawnSync('valgrind', ['--version']).status === 0, 'valgrind is not installed (apt-get install valgrind)');
need(existsSync(capture), `no capture at ${capture}: run \`npm run bench\` once (it generates it) or pass --file`);
need(existsSync(join(root, 'dist/fact-scanner.wasm')), `${root}/dist/fact-scanner.wasm is missing: run \`npm run build\` there`);

const work = mkdtempSync(join(tmpdir(), 'sipscope-instructions-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// The harness, its `../src/` imports resolved in `root`.
const harness = join(work, 'harness.js');
await esbuild.build({
  entryPoints: [join(here, 'instructions-harness.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: harness,
  logLevel: 'error',
  define: { ROOT: JSON.stringify(root) },
  plugins: [{
    name: 'measured-root',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/src\// }, (a) =>
        a.importer === join(here, 'instructions-harness.ts') ? build.resolve(`./${a.path.slice(3)}`, { resolveDir: root, kind: a.kind }) : undefined);
    },
  }],
});

function run(argv) {
  const r = spawnSync(process.execPath, [harness, ...argv], { encoding: 'utf8', timeout: LIMIT_MS });
  need(r.status === 0, `harness ${argv[0]} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** The first `bytes` of the capture as a file of its own (a cut last record is reported and skipped by the import). */
function prefix(bytes) {
  const out = join(work, 'front.pcap');
  const src = openSync(capture, 'r');
  const dst = openSync(out, 'w');
  const buf = Buffer.alloc(1 << 20);
  for (let done = 0; done < bytes; ) {
    const n = readSync(src, buf, 0, Math.min(buf.length, bytes - done), done);
    if (n === 0) break;
    writeSync(dst, buf, 0, n);
    done += n;
  }
  closeSync(src);
  closeSync(dst);
  return out;
}

/** Self instructions by name under callgrind: JIT functions named from V8's perf map, the rest grouped. */
function callgrind(name, argv) {
  const out = join(work, `${name}.callgrind`);
  const r = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`,
    process.execPath, '--single-threaded', '--perf-basic-prof', harness, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: LIMIT_MS });
  need(r.status === 0, `callgrind ${name} failed: ${r.stderr.slice(-2000)}`);
  // V8 writes the perf map as /tmp/perf-PID.map; under valgrind the program keeps valgrind's process id.
  const map = `/tmp/perf-${r.pid}.map`;
  const jit = [];
  if (existsSync(map)) {
    for (const line of readFileSync(map, 'utf8').split('\n')) {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
      if (m) jit.push([parseInt(m[1], 16), parseInt(m[2], 16), m[3]]);
    }
    rmSync(map, { force: true });
  }
  jit.sort((x, y) => x[0] - y[0]);
  const nameAt = (addr) => {
    let lo = 0;
    let hi = jit.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (jit[mid][0] <= addr) lo = mid + 1;
      else hi = mid - 1;
    }
    const e = jit[hi];
    return e && addr < e[0] + e[1] ? e[2].replace(/^JS:[*^~+]?/, '').replace(/ \/.*\/([^/]+):/, ' $1:') : undefined;
  };
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  const groups = { js: 0, wasm: 0, compile: 0, gc: 0, other: 0 };
  const fns = new Map();
  let total = 0;
  for (const line of annotated.split('\n')) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1].replace(/,/g, ''));
    const what = m[2];
    if (what.startsWith('PROGRAM TOTALS')) {
      total = n;
      continue;
    }
    const addr = /^\?\?\?:0x([0-9a-f]+)/.exec(what);
    let fn;
    if (addr) {
      fn = nameAt(parseInt(addr[1], 16));
      if (fn === undefined) groups.wasm += n;
      else groups.js += n;
    } else if (/v8::internal::compiler::|v8::internal::maglev::|v8::internal::wasm::/.test(what)) groups.compile += n;
    else if (/Scaveng|Marking|MarkCompact|Sweeper|IterateAndScavenge|Evacuat|v8::internal::Heap::/.test(what)) groups.gc += n;
    else {
      groups.other += n;
      fn = what.replace(/^\S*:/, '').replace(/ \[.*$/, '').replace(/\(.*$/, '');
    }
    if (fn !== undefined) fns.set(fn, (fns.get(fn) ?? 0) + n);
  }
  return { total, groups, fns };
}

const M = (n) => `${(n / 1e6).toFixed(0)} M`;
function report(title, measured, baseline) {
  const g = { ...measured.groups };
  const total = measured.total - (baseline?.total ?? 0);
  if (baseline) for (const k of Object.keys(g)) g[k] -= baseline.groups[k];
  console.log(`\n${title}: ${M(total)} instructions`);
  console.log(`  running JS ${M(g.js)}, WebAssembly and other unnamed code ${M(g.wasm)}, V8 compilation ${M(g.compile)}, garbage collection ${M(g.gc)}, builtins and the rest ${M(g.other)}`);
  const top = [...measured.fns].map(([fn, n]) => [fn, n - (baseline?.fns.get(fn) ?? 0)]).sort((x, y) => y[1] - x[1]).slice(0, 16);
  for (const [fn, n] of top) console.log(`  ${M(n).padStart(8)}  ${fn}`);
}

const dump = join(work, 'batches.bin');
console.log(`measuring ${root} on ${capture}`);
if (only !== 'front') console.log(`batches: ${run(['dump', capture, dump, String(batches)])}`);
if (only !== 'front') {
  const load = callgrind('load', ['load', dump]);
  const apply = callgrind('apply', ['apply', dump, '1']);
  report(`main thread (${batches} batches applied, reading them back subtracted)`, apply, load);
}
if (only !== 'main') {
  const front = callgrind('front', ['front', prefix(frontBytes)]);
  const start = callgrind('start', ['start']);
  report(`front (first ${frontBytes / 1e6} MB of the capture, starting node subtracted)`, front, start);
}
