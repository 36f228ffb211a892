// NAT analysis benchmark (not a test): time of `lintCapture` (capture NAT rules, with its evidence scan) after an
// import, compared with the import itself, target: NAT (+ RTP) analysis adds <= 30% to the import time. Each run is
// a fresh Node process; modes alternate; medians are compared.
//   node bench/nat.mjs [--file bench/out/bench-100k.pcap] [--file bench/out/bench-nat-50k.pcap] [--runs 3]
// bench-100k.pcap comes from `node bench/make-capture.mjs` (loopback calls: every call is same-host traffic, so the
// NAT rules skip it after one pass over the call list). bench-nat-50k.pcap is the NAT-shaped counterpart, made from
// the lab's NAT capture:
//   node bench/make-capture.mjs --template samples/captures/lab/02-call-private-sdp-lan1.pcap --calls 50000 \
//     --out bench/out/bench-nat-50k.pcap
// (private Via/Contact/SDP, received/rport, RTP to a private address: every call is analysed and scanned).
// The end-to-end number of issue #5 (`sipscope nat` vs `sipscope calls --summary`, wall, CPU, peak RSS) is printed by
// bench/analysis.mjs; this script splits the in-process import and lintCapture times.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const opts = (n) => args.flatMap((a, i) => (a === `--${n}` && args[i + 1] ? [args[i + 1]] : []));

if (args[0] === '--child') {
  // Child: one import (mode off = without RTP analysis, rtp = with it, nat = with it plus lintCapture); one JSON line.
  const [, mode, file] = args;
  const built = await esbuild.build({
    stdin: {
      contents:
        "export { importCapture } from './src/core/capture/import-capture';\n" +
        "export { lintCapture } from './src/core/rules/run-capture';\n" +
        "export { openFileByteSource } from './src/cli/node-byte-source';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'error',
  });
  const core = await import('data:text/javascript;base64,' + Buffer.from(built.outputFiles[0].text).toString('base64'));
  const src = await core.openFileByteSource(file);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = await core.importCapture(src, { rtp: mode !== 'off' });
  const importSec = (performance.now() - t0) / 1000;
  const importCpu = process.cpuUsage(cpu0);
  let natSec = 0;
  let natCpuSec = 0;
  let nat = null;
  if (mode === 'nat') {
    const c0 = process.cpuUsage();
    const t1 = performance.now();
    const r = await core.lintCapture(model, { severities: {}, trustedNetworks: [], sipPorts: [5060, 5061] });
    natSec = (performance.now() - t1) / 1000;
    const c = process.cpuUsage(c0);
    natCpuSec = (c.user + c.system) / 1e6;
    const byRule = {};
    for (const f of r.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    nat = { findings: r.findings.length, verdicts: r.verdicts.length, stats: r.stats, byRule };
  }
  await src.close();
  process.stdout.write(
    JSON.stringify({
      mode,
      importSec,
      importCpuSec: (importCpu.user + importCpu.system) / 1e6,
      natSec,
      natCpuSec,
      rssMb: process.memoryUsage().rss / 1048576,
      messages: model.messages.count,
      calls: model.calls.length,
      streams: model.streams?.length ?? 0,
      nat,
    }) + '\n',
  );
  process.exit(0);
}

const files = opts('file').length > 0 ? opts('file').map((f) => resolve(f)) : [join(root, 'bench/out/bench-100k.pcap'), join(root, 'bench/out/bench-nat-50k.pcap')].filter(existsSync);
const runs = Number(opt('runs', '3'));
if (files.length === 0) {
  console.error('no capture: run `node bench/make-capture.mjs` first (see the header of bench/nat.mjs)');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const report = [];
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`${file} missing`);
    process.exit(2);
  }
  console.log(`\nfile ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB), ${runs} runs per mode`);
  const results = { off: [], rtp: [], nat: [] };
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? ['off', 'rtp', 'nat'] : ['nat', 'rtp', 'off'];
    for (const mode of order) {
      const p = spawnSync(process.execPath, ['--max-semi-space-size=64', fileURLToPath(import.meta.url), '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 22 });
      if (p.status !== 0) {
        console.error(p.stderr);
        process.exit(1);
      }
      results[mode].push(JSON.parse(p.stdout.trim().split('\n').pop()));
    }
  }
  const importOff = median(results.off.map((x) => x.importSec));
  const importRtp = median(results.rtp.map((x) => x.importSec));
  const natImport = median(results.nat.map((x) => x.importSec));
  const nat = median(results.nat.map((x) => x.natSec));
  const natCpu = median(results.nat.map((x) => x.natCpuSec));
  const last = results.nat.at(-1);
  const row = {
    file,
    messages: last.messages,
    calls: last.calls,
    streams: last.streams,
    importNoRtpSec: +importOff.toFixed(3),
    importRtpSec: +importRtp.toFixed(3),
    natSec: +nat.toFixed(3),
    natCpuSec: +natCpu.toFixed(3),
    natVsImportRtp: +(nat / importRtp).toFixed(3),
    rtpPlusNatVsImportNoRtp: +((importRtp - importOff + nat) / importOff).toFixed(3),
    rssMbWithNat: +median(results.nat.map((x) => x.rssMb)).toFixed(0),
    natStats: last.nat,
  };
  report.push(row);
  console.log(`  import without RTP ${importOff.toFixed(2)} s, with RTP ${importRtp.toFixed(2)} s (import in the NAT runs: ${natImport.toFixed(2)} s)`);
  console.log(`  NAT analysis ${nat.toFixed(2)} s wall, ${natCpu.toFixed(2)} s CPU: +${pct(nat / importRtp)} of the import with RTP`);
  console.log(`  RTP + NAT together: +${pct((importRtp - importOff + nat) / importOff)} of the import without RTP (target <= 30%)`);
  console.log(`  ${last.calls} calls, ${last.messages} messages, ${last.streams} streams; NAT: ${JSON.stringify(last.nat)}`);
}
console.log('\n' + JSON.stringify(report, null, 1));
