#!/usr/bin/env node
// `npm run bench`: import benchmark on a generated >= 500 MB / >= 100k-call capture. Times
// `sipscope calls FILE --summary` (import to a complete call index) with its peak RSS, and, when installed, the
// sngrep and tshark runs named in issue #2 on the same file in the same run, then prints the ratios.
//   node bench/run.mjs [--file F] [--runs 3] [--peer-runs N] [--no-peers] [--regen] [--json bench/out/results.json]
// `--media` (`npm run bench:media`): the media-heavy capture instead (bench/make-media-capture.mjs: 1000 long calls,
// 2 M RTP packets), timing `calls --summary` against sngrep and `tshark -Y sip`, and `rtp` against
// `tshark -q -z rtp,streams`; for information (issue #2's targets are set on the first capture).
// Ratios are medians over interleaved rounds (ours against each peer's); each tool's wall time, CPU time and peak
// RSS are shown.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const flag = (n) => args.includes(`--${n}`);
const media = flag('media');
const file = opt('file', join(root, media ? 'bench/out/bench-media.pcap' : 'bench/out/bench-100k.pcap'));
const runs = Number(opt('runs', '3'));
const jsonOut = opt('json', join(root, media ? 'bench/out/results-media.json' : 'bench/out/results.json'));
const TIMEOUT_SEC = 1200;

if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/cli.js missing: run `npm run build` (npm run bench does it)');
  process.exit(2);
}
if (flag('regen') || !existsSync(file)) {
  console.log(`generating ${file} ...`);
  const generator = join(root, media ? 'bench/make-media-capture.mjs' : 'bench/make-capture.mjs');
  const r = spawnSync(process.execPath, [generator, '--out', file], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log(r.stdout.trim());
}
const size = statSync(file).size;
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const gnuTime = existsSync('/usr/bin/time');

/**
 * Run a command; resolve {wallSec, cpuSec, maxRssKb, stdout (its last line), code}. Peak RSS and CPU come from
 * GNU time (wait4 rusage of the child) when /usr/bin/time exists, else from polling /proc/PID/status (VmHWM) and no
 * CPU time.
 */
function measure(cmd, argv) {
  return new Promise((resolve) => {
    const full = gnuTime ? ['/usr/bin/time', ['-f', '@@TIME %e %U %S %M', cmd, ...argv]] : [cmd, argv];
    const t0 = process.hrtime.bigint();
    const child = spawn(full[0], full[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = gnuTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {}
        }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_SEC * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /@@TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      resolve({
        wallSec: m ? Number(m[1]) : wall,
        cpuSec: m ? Number(m[2]) + Number(m[3]) : undefined,
        maxRssKb: m ? Number(m[4]) : hwm,
        stdout: stdout.trim().split('\n').at(-1) ?? '', // the last line: the totals (a stream table would bloat the JSON)
        stderr: stderr.replace(/@@TIME.*\n?/, '').trim(),
        code,
      });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (r) => `${r.wallSec.toFixed(2)} s wall, ${r.cpuSec !== undefined ? `${r.cpuSec.toFixed(2)} s CPU, ` : ''}${(r.maxRssKb / 1024).toFixed(0)} MB peak RSS`;

console.log(`capture: ${file} (${(size / 1e6).toFixed(0)} MB)`);
// Rounds interleave the tools (sipscope, sngrep, tshark, then again), so a slow spell of the machine (shared
// hardware: speeds drift by a third over minutes) falls on every tool alike; each tool's median over the rounds is
// compared. Peers run in the first `--peer-runs` rounds (default: all; at least the first).
const peerRuns = Number(opt('peer-runs', String(runs)));
/**
 * Our commands, each with the peer runs it is compared with and the target ratio (wall) of issue #2, if any. The
 * sngrep and tshark runs are the issue's; `--media` adds `rtp` against tshark's RTP stream statistics.
 */
const SNGREP = { name: 'sngrep', cmd: 'sngrep', args: ['-N', '-q', '-l', '1000000', '-I', file], label: 'sngrep -N -q -l 1000000 -I', install: 'apt-get install sngrep' };
const TSHARK = { name: 'tshark', cmd: 'tshark', args: ['-Y', 'sip', '-q', '-r', file], label: 'tshark -Y sip -q -r', install: 'apt-get install tshark' };
const TSHARK_RTP = { name: 'tshark-rtp', cmd: 'tshark', args: ['-q', '-z', 'rtp,streams', '-r', file], label: 'tshark -q -z rtp,streams -r', install: 'apt-get install tshark' };
const OURS = [
  { name: 'sipscope', who: 'sipscope', args: ['calls', file, '--summary'], label: 'sipscope calls --summary', peers: [SNGREP, TSHARK], targets: media ? {} : { sngrep: 10, tshark: 5 }, rssTarget: media ? undefined : 400 },
  ...(media ? [{ name: 'sipscope-rtp', who: 'sipscope rtp', args: ['rtp', file], label: 'sipscope rtp', peers: [TSHARK_RTP], targets: {}, rssTarget: undefined }] : []),
];
const available = (p) => {
  if (flag('no-peers')) return false;
  if (have(p.cmd)) return true;
  console.log(`${p.cmd} not installed: ${p.label} skipped (${p.install})`);
  return false;
};
for (const o of OURS) o.peers = o.peers.filter(available);
const runsOf = Object.fromEntries(OURS.flatMap((o) => [[o.name, []], ...o.peers.map((p) => [p.name, []])]));
for (let i = 0; i < runs; i++) {
  for (const o of OURS) {
    const r = await measure(process.execPath, [join(root, 'dist/cli.js'), ...o.args]);
    if (r.code !== 0) {
      console.error(`${o.label} failed (exit ${r.code}): ${r.stderr}`);
      process.exit(1);
    }
    console.log(`round ${i + 1}: ${o.label}: ${fmt(r)}  -> ${r.stdout}`);
    runsOf[o.name].push(r);
    if (i < Math.max(1, peerRuns)) {
      for (const p of o.peers) {
        const pr = await measure(p.cmd, p.args);
        console.log(`round ${i + 1}: ${p.label}: ${fmt(pr)}${pr.code ? ` (exit ${pr.code})` : ''}`);
        runsOf[p.name].push(pr);
      }
    }
  }
}
const summarize = (rs) => ({
  wallSec: median(rs.map((r) => r.wallSec)),
  cpuSec: rs[0].cpuSec !== undefined ? median(rs.map((r) => r.cpuSec)) : undefined,
  maxRssKb: Math.max(...rs.map((r) => r.maxRssKb)),
  code: rs.find((r) => r.code)?.code ?? 0,
});

console.log('\nsummary (median wall and CPU time over the rounds; peak RSS = max over the rounds):');
const results = {};
for (const o of OURS) {
  const best = summarize(runsOf[o.name]);
  const rssNote = o.rssTarget !== undefined ? `  [target: peak RSS <= ${o.rssTarget} MB: ${best.maxRssKb / 1024 <= o.rssTarget ? 'met' : 'NOT met'}]` : '';
  console.log(`  ${o.label}: ${fmt(best)}${rssNote}`);
  const ratios = {};
  const peers = {};
  for (const p of o.peers) {
    const r = (peers[p.name] = summarize(runsOf[p.name]));
    const wall = r.wallSec / best.wallSec;
    const cpu = r.cpuSec !== undefined && best.cpuSec ? r.cpuSec / best.cpuSec : undefined;
    const target = o.targets[p.name];
    // Same-round ratios show the spread the machine's drift leaves in the medians' ratio.
    const perRound = runsOf[p.name].map((pr, i) => pr.wallSec / runsOf[o.name][i].wallSec);
    ratios[p.name] = { wall, cpu, target, rss: r.maxRssKb / best.maxRssKb, perRound };
    console.log(
      `    ${p.label}: ${fmt(r)} -> ${o.who} is ${wall.toFixed(1)}x faster (wall)${cpu !== undefined ? `, ${cpu.toFixed(1)}x (CPU)` : ''}, ` +
        (r.maxRssKb >= best.maxRssKb ? `uses ${(r.maxRssKb / best.maxRssKb).toFixed(1)}x less memory` : `uses ${(best.maxRssKb / r.maxRssKb).toFixed(1)}x more memory`) +
        (target !== undefined ? `  [target >= ${target}x: ${wall >= target ? 'met' : 'NOT met'}]` : '') +
        (perRound.length > 1 ? `; same-round ratios ${Math.min(...perRound).toFixed(1)}x..${Math.max(...perRound).toFixed(1)}x` : ''),
    );
  }
  results[o.name] = { command: o.label, runs: runsOf[o.name], median: best, peers, peerRuns: Object.fromEntries(o.peers.map((p) => [p.name, runsOf[p.name]])), ratios };
}
mkdirSync(dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, JSON.stringify({ file, sizeBytes: size, date: new Date().toISOString(), node: process.version, ...results }, null, 1));
console.log(`\nresults written to ${jsonOut}`);
