#!/usr/bin/env node
// Analysis overhead benchmark (issue #5 must-show: "NAT + RTP analysis adds <= 30% to import time on the >= 500 MB
// bench capture"). Times the two CLI runs end to end, each in a fresh process under GNU time (wall, user+sys CPU,
// peak RSS of the process):
//   plain     `sipscope calls FILE --summary`  (import to a complete call index, no RTP)
//   analysis  `sipscope nat FILE`              (import with RTP analysis + NAT lint + report, stdout discarded)
// and prints overhead = analysis / plain - 1 (medians of --runs runs each, modes alternating) for every capture.
//   node bench/analysis.mjs [--file F]... [--runs 3] [--root DIR] [--json OUT.json]
// Default files: bench/out/bench-100k.pcap (`node bench/make-capture.mjs`) and bench/out/bench-nat-50k.pcap (see the
// header of bench/nat.mjs). --root bundles the CLI from another checkout (before/after comparisons on one machine).
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// The CLI bundle exactly as esbuild.mjs builds it (target table `cli`), from `root`.
const cli = join(mkdtempSync(join(tmpdir(), 'sipscope-bench-')), 'cli.js');
await esbuild.build({ entryPoints: [join(root, 'src/cli/main.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });

/** One CLI run under GNU time: {wallSec, cpuSec, rssMb}. stdout goes to /dev/null (the report is not timed twice). */
function measure(argv) {
  return new Promise((done, fail) => {
    const devnull = openSync('/dev/null', 'w');
    const child = spawn('/usr/bin/time', ['-f', '@@TIME %e %U %S %M', process.execPath, cli, ...argv], { stdio: ['ignore', devnull, 'pipe'] });
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
const MODES = { plain: (f) => ['calls', f, '--summary'], analysis: (f) => ['nat', f] };
const report = [];
console.log(`sipscope from ${root}, node ${process.version}, ${runs} runs per mode`);
for (const file of files) {
  console.log(`\n${file} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  const res = { plain: [], analysis: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of r % 2 === 0 ? ['plain', 'analysis'] : ['analysis', 'plain']) {
      const x = await measure(MODES[mode](file));
      res[mode].push(x);
      console.log(`  ${mode.padEnd(8)} run ${r + 1}: ${x.wallSec.toFixed(2)} s wall, ${x.cpuSec.toFixed(2)} s CPU, ${x.rssMb.toFixed(0)} MB peak RSS`);
    }
  }
  const m = (mode, k) => median(res[mode].map((x) => x[k]));
  const row = {
    file,
    plain: { wallSec: m('plain', 'wallSec'), cpuSec: m('plain', 'cpuSec'), peakRssMb: Math.round(m('plain', 'rssMb')) },
    analysis: { wallSec: m('analysis', 'wallSec'), cpuSec: m('analysis', 'cpuSec'), peakRssMb: Math.round(m('analysis', 'rssMb')) },
  };
  row.overheadWall = +(row.analysis.wallSec / row.plain.wallSec - 1).toFixed(3);
  row.overheadCpu = +(row.analysis.cpuSec / row.plain.cpuSec - 1).toFixed(3);
  report.push(row);
  console.log(`  median plain    (calls --summary): ${row.plain.wallSec.toFixed(2)} s wall, ${row.plain.cpuSec.toFixed(2)} s CPU, ${row.plain.peakRssMb} MB peak RSS`);
  console.log(`  median analysis (nat, RTP + NAT):  ${row.analysis.wallSec.toFixed(2)} s wall, ${row.analysis.cpuSec.toFixed(2)} s CPU, ${row.analysis.peakRssMb} MB peak RSS`);
  console.log(`  overhead: wall ${pct(row.overheadWall)}, CPU ${pct(row.overheadCpu)} (target <= +30%)`);
}
const out = opt('json');
if (out !== undefined) writeFileSync(out, JSON.stringify({ root, node: process.version, date: new Date().toISOString(), runs, report }, null, 1));
console.log('\n' + JSON.stringify(report));
