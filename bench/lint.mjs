// Lint benchmark (not a test): full lint of a 10 000-message trace (target <= 500 ms) and re-split + lintMessage of one
// message in a 1 000-message document (target <= 50 ms). Usage: node bench/lint.mjs [--messages N]
import * as esbuild from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const built = await esbuild.build({
  stdin: {
    contents: "export { lintDocument, lintMessage } from './src/core/rules/run';\nexport { splitTrace } from './src/core/trace/split-trace';\n",
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

const enc = new TextEncoder();
const argN = process.argv.indexOf('--messages');
const BIG = argN > 0 ? Number(process.argv[argN + 1]) : 10_000;

function sdp(ip, port) {
  return [
    'v=0',
    `o=- ${port} ${port} IN IP4 ${ip}`,
    's=-',
    `c=IN IP4 ${ip}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

function msg(lines, body = '') {
  return lines.join('\r\n') + `\r\nContent-Length: ${enc.encode(body).length}\r\n\r\n` + body;
}

/** One call = INVITE (SDP), 100, 180, 200 (SDP), ACK, BYE, 200: 7 messages; every 4th caller is behind NAT. */
function call(i) {
  const nat = i % 4 === 0;
  const ua = nat ? `192.168.${(i >> 8) & 255}.${i & 255}` : `198.51.100.${i & 255}`;
  const cid = `${i.toString(36)}-${(i * 7919).toString(36)}@${ua}`;
  const via = `Via: SIP/2.0/UDP ${ua}:5060;${nat ? '' : 'rport;'}branch=z9hG4bK${i.toString(16)}a`;
  const from = `From: "User ${i}" <sip:${1000 + (i % 9000)}@voip.example.com>;tag=${(i * 31).toString(36)}`;
  const to = 'To: <sip:2000@voip.example.com>';
  const toT = `${to};tag=as${(i * 17).toString(36)}`;
  const rvia = `${via};received=203.0.113.${i & 255}${nat ? '' : ';rport=5060'}`;
  return [
    msg(['INVITE sip:2000@voip.example.com SIP/2.0', via, 'Max-Forwards: 70', `Contact: <sip:${1000 + (i % 9000)}@${ua}:5060>`, to, from, `Call-ID: ${cid}`, 'CSeq: 1 INVITE', 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS', 'Content-Type: application/sdp', 'User-Agent: bench/1.0'], sdp(ua, 10000 + (i % 50000))),
    msg(['SIP/2.0 100 Trying', rvia, to, from, `Call-ID: ${cid}`, 'CSeq: 1 INVITE']),
    msg(['SIP/2.0 180 Ringing', rvia, 'Contact: <sip:2000@203.0.113.10:5060>', toT, from, `Call-ID: ${cid}`, 'CSeq: 1 INVITE']),
    msg(['SIP/2.0 200 OK', rvia, 'Contact: <sip:2000@203.0.113.10:5060>', toT, from, `Call-ID: ${cid}`, 'CSeq: 1 INVITE', 'Content-Type: application/sdp'], sdp('203.0.113.10', 20000 + (i % 40000))),
    msg(['ACK sip:2000@203.0.113.10:5060 SIP/2.0', via.replace(/branch=\S+/, `branch=z9hG4bK${i.toString(16)}b`), 'Max-Forwards: 70', toT, from, `Call-ID: ${cid}`, 'CSeq: 1 ACK']),
    msg([`BYE sip:${1000 + (i % 9000)}@${ua}:5060 SIP/2.0`, 'Via: SIP/2.0/UDP 203.0.113.10:5060;rport;branch=z9hG4bK' + (i * 3).toString(16), 'Max-Forwards: 70', `From: <sip:2000@voip.example.com>;tag=as${(i * 17).toString(36)}`, `To: "User ${i}" <sip:${1000 + (i % 9000)}@voip.example.com>;tag=${(i * 31).toString(36)}`, `Call-ID: ${cid}`, 'CSeq: 2 BYE']),
    msg(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 203.0.113.10:5060;rport=5060;branch=z9hG4bK' + (i * 3).toString(16), `From: <sip:2000@voip.example.com>;tag=as${(i * 17).toString(36)}`, `To: "User ${i}" <sip:${1000 + (i % 9000)}@voip.example.com>;tag=${(i * 31).toString(36)}`, `Call-ID: ${cid}`, 'CSeq: 2 BYE']),
  ];
}

function trace(n) {
  const parts = [];
  for (let i = 0; parts.length < n; i++) for (const m of call(i)) if (parts.length < n) parts.push(m);
  return enc.encode(parts.join('\r\n'));
}

function time(f, runs) {
  const ts = [];
  let out;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { median: ts[Math.floor(ts.length / 2)], min: ts[0], out };
}

const big = trace(BIG);
core.lintDocument(big, 'sip'); // warm-up (JIT)
const full = time(() => core.lintDocument(big, 'sip'), 5);
const split = time(() => core.splitTrace(big), 5);
console.log(`full lint of ${full.out.messages.length} messages (${(big.length / 1e6).toFixed(2)} MB, ${full.out.findings.length} findings): median ${full.median.toFixed(0)} ms, min ${full.min.toFixed(0)} ms (target <= 500 ms)`);
console.log(`  of which splitTrace: median ${split.median.toFixed(1)} ms`);

const doc1k = trace(1000);
for (let k = 0; k < 20; k++) core.lintMessage(core.splitTrace(doc1k)[k * 37], undefined);
const one = time(() => {
  const msgs = core.splitTrace(doc1k);
  return core.lintMessage(msgs[500], undefined);
}, 50);
console.log(`re-split 1 000-message document + lintMessage of one message: median ${one.median.toFixed(2)} ms, min ${one.min.toFixed(2)} ms (target <= 50 ms)`);
