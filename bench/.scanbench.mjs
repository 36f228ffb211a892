import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
await build({ entryPoints: ['src/core/index.ts', 'src/core/sip/fast-facts.ts', 'src/core/decode/sip-framing.ts'], bundle: true, platform: 'node', format: 'esm', outdir: '/tmp/sb', logLevel: 'error', splitting: true });
const core = await import('/tmp/sb/index.js');
const fr = await import('/tmp/sb/decode/sip-framing.js');
const ff = await import('/tmp/sb/sip/fast-facts.js');
// collect datagrams from the first 60 MB of the bench capture
const buf = readFileSync('bench/out/bench-100k.pcap').subarray(0, 60e6);
const dgs = [];
const dec = new core.PacketDecoder(new core.ProblemCollector());
await core.readCapture(core.memoryByteSource(new Uint8Array(buf.buffer, buf.byteOffset, buf.length - 100000)), (r) => dec.decode(r, (p) => { if (p.protocol === 17 && fr.classifySipStart(p.payload, 0, p.payload.length, true) === 1) dgs.push(p.payload.slice()); }));
console.log('datagrams', dgs.length, 'bytes', dgs.reduce((n, d) => n + d.length, 0));
const reuse = new ff.FastFacts(new Uint8Array(0));
for (let round = 0; round < 5; round++) {
  let t = process.hrtime.bigint();
  let k = 0;
  for (const d of dgs) if (ff.scanSipDatagram(d, 0, d.length, 1 << 24, reuse)) k++;
  const ns = Number(process.hrtime.bigint() - t) / dgs.length;
  t = process.hrtime.bigint();
  for (const d of dgs) fr.frameSipDatagram(d, 0, d.length);
  const ns2 = Number(process.hrtime.bigint() - t) / dgs.length;
  console.log(`scanSipDatagram ${ns.toFixed(0)} ns/msg (${k} fast); frameSipDatagram ${ns2.toFixed(0)} ns/msg`);
}
