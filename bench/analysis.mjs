#!/usr/bin/env node
// Analysis overhead benchmark (issue #5 must-show: "NAT + RTP analysis adds <= 30% to import time on the >= 500 MB
// bench capture"). Times CLI runs end to end, each in a fresh process under GNU time (wall, user+sys CPU, peak RSS),
// with the CLI as built (`ROOT/dist`: launcher, CLI, import worker, WebAssembly scanner; `npm run build` first):
//   plain     `SIPSCOPE_THREADS=0 sipscope calls FILE --summary`  (the one-thread import `nat` also runs, no RTP)
//   analysis  `sipscope nat FILE`                                (that import with RTP analysis + NAT lint + report)
//   threaded  `sipscope calls FILE --summary`                    (what `calls` runs: the two-thread import)
// and prints the overhead analysis / plain - 1 (what the analysis adds to the import it runs on; the target's
// measure) and analysis / threaded - 1 (against the fastest import), medians of --runs runs, modes rotating.
//   node bench/analysis.mjs [--file F]... [--runs 3] [--root DIR] [--json OUT.json]
// Default files: bench/out/bench-100k.pcap (`node bench/make-capture.mjs`) and bench/out/bench-nat-50k.pcap (see the
// header of bench/nat.mjs). --root times the CLI built in another checkout (before/after comparisons on one machine).
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const opts = (n) => args.flatMap((a, i) => (a === `--${n}` && args[i + 1] ? [args[i + 1]] : []));
const root = resolve(opt('root', here));
const runs = Number(opt('runs', '3'));
const files = opts('file').length > 0 ? opts('file').map((f) => resolve(f)) : [join(here, 'bench/out/bench-100k.pcap'), join(here, 'bench/out/bench-nat-50k.pcap')];
for (const f of files) {
  if (!existsSync(f)) {
    console.error(`${f} missing: run \`node bench/make-capture.mjs\` (see the header of bench/nat.mjs for the NAT capture)`);
    process.exit(2);
  }
}
if (!existsSync('/usr/bin/time')) {
  console.error('GNU time (/usr/bin/time) is needed for CPU time and peak RSS: apt-get install time');
  process.exit(2);
}

// The CLI as built in `root` (esbuild.mjs: dist/cli.js and the bundles and WebAssembly module next to it).
const cli = join(root, 'dist/cli.js');
for (const f of ['cli.js', 'import-worker.js', 'fact-scanner.wasm']) {
  if (!existsSync(join(root, 'dist', f))) {
    console.error(`${join(root, 'dist', f)} missing: run \`npm run build\` in ${root}`);
    process.exit(2);
  }
}

/** One CLI run under GNU time: {wallSec, cpuSec, rssMb}. stdout goes to /dev/null (the report is not timed twice). */
function measure(argv, env = {}) {
  return new Promise((done, fail) => {
    const devnull = openSync('/dev/null', 'w');
    const child = spawn('/usr/bin/time', ['-f', '@@TIME %e %U %S %M', process.execPath, cli, ...argv], {
      stdio: ['ignore', devnull, 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      closeSync(devnull);
      const m = /@@TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      // `sipscope nat` exits 1 when it reports error-level findings: that is a result, not a failure.
      if (m === null || (code !== 0 && code !== 1)) return fail(new Error(`sipscope ${argv.join(' ')} failed (exit ${code}): ${stderr}`));
      done({ wallSec: Number(m[1]), cpuSec: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024 });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const MODES = {
  plain: { argv: (f) => ['calls', f, '--summary'], env: { SIPSCOPE_THREADS: '0' } },
  analysis: { argv: (f) => ['nat', f], env: {} },
  threaded: { argv: (f) => ['calls', f, '--summary'], env: {} },
};
const NAMES = Object.keys(MODES);
const report = [];
console.log(`sipscope from ${root}, node ${process.version}, ${runs} runs per mode`);
for (const file of files) {
  console.log(`\n${file} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  const res = { plain: [], analysis: [], threaded: [] };
  for (let r = 0; r < runs; r++) {
    // The modes in a rotating order, so that the machine's speed drifts fall on all of them.
    for (let k = 0; k < NAMES.length; k++) {
      const mode = NAMES[(r + k) % NAMES.length];
      const x = await measure(MODES[mode].argv(file), MODES[mode].env);
      res[mode].push(x);
      console.log(`  ${mode.padEnd(8)} run ${r + 1}: ${x.wallSec.toFixed(2)} s wall, ${x.cpuSec.toFixed(2)} s CPU, ${x.rssMb.toFixed(0)} MB peak RSS`);
    }
  }
  const m = (mode, k) => median(res[mode].map((x) => x[k]));
  const summary = (mode) => ({ wallSec: m(mode, 'wallSec'), cpuSec: m(mode, 'cpuSec'), peakRssMb: Math.round(m(mode, 'rssMb')) });
  const row = { file, plain: summary('plain'), analysis: summary('analysis'), threaded: summary('threaded') };
  row.overheadWall = +(row.analysis.wallSec / row.plain.wallSec - 1).toFixed(3);
  row.overheadCpu = +(row.analysis.cpuSec / row.plain.cpuSec - 1).toFixed(3);
  row.overheadWallVsThreaded = +(row.analysis.wallSec / row.threaded.wallSec - 1).toFixed(3);
  report.push(row);
  const line = (label, x) => console.log(`  median ${label}: ${x.wallSec.toFixed(2)} s wall, ${x.cpuSec.toFixed(2)} s CPU, ${x.peakRssMb} MB peak RSS`);
  line('plain    (calls --summary, one thread)', row.plain);
  line('analysis (nat, RTP + NAT)           ', row.analysis);
  line('threaded (calls --summary)          ', row.threaded);
  console.log(`  overhead on the one-thread import: wall ${pct(row.overheadWall)}, CPU ${pct(row.overheadCpu)} (target <= +30%)`);
  console.log(`  nat against the two-thread calls:  wall ${pct(row.overheadWallVsThreaded)}`);
}
const out = opt('json');
if (out !== undefined) writeFileSync(out, JSON.stringify({ root, node: process.version, date: new Date().toISOString(), runs, report }, null, 1));
console.log('\n' + JSON.stringify(report));
