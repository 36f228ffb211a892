// Throughput measurement for parseSipMessage / summarizeSipMessage on a typical ~900-byte INVITE with SDP.
// Not a test (timings are machine-dependent). Run:
//   npx esbuild test/core/sip/measure-throughput.ts --bundle --platform=node --outfile=/tmp/measure.js && node /tmp/measure.js
import { parseSipMessage } from '../../../src/core/sip/parse-message';
import { summarizeSipMessage } from '../../../src/core/sip/summary';
import { findSdpBodies, parseSdp } from '../../../src/core/sdp/parse-sdp';

const sdp = [
  'v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.101', 's=-', 'c=IN IP4 192.0.2.101', 't=0 0',
  'm=audio 49170 RTP/AVP 0 8 18 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv', '',
].join('\r\n');
const text = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, REFER, NOTIFY, INFO',
  'Supported: 100rel, timer, replaces',
  'User-Agent: ExamplePhone/1.2.3 (build 4567)',
  'Session-Expires: 1800;refresher=uac',
  'Content-Type: application/sdp',
  `Content-Length: ${new TextEncoder().encode(sdp).length}`,
  '',
  sdp,
].join('\r\n');
const bytes = new TextEncoder().encode(text);
const copies: Uint8Array[] = [];
for (let i = 0; i < 256; i++) copies.push(bytes.slice());

function run(label: string, fn: (b: Uint8Array) => number, n: number): void {
  let sink = 0;
  for (let i = 0; i < 20000; i++) sink += fn(copies[i & 255] as Uint8Array);
  const rates: number[] = [];
  for (let rep = 0; rep < 7; rep++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += fn(copies[i & 255] as Uint8Array);
    rates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  rates.sort((a, b) => b - a);
  console.log(`${label}: median ${Math.round(rates[3] as number).toLocaleString('en')} msg/s, best ${Math.round(rates[0] as number).toLocaleString('en')} msg/s  (sink ${sink % 7})`);
}

console.log(`message: ${bytes.length} bytes, Node ${process.version}`);
run('parseSipMessage (start line, header spans, canonical names)', (b) => parseSipMessage(b).message.headers.length, 500_000);
run('parseSipMessage + read every header canonical, nameSpan, valueSpan', (b) => {
  let k = 0;
  for (const h of parseSipMessage(b).message.headers) k += h.canonical.length + h.nameSpan.end + h.valueSpan.start;
  return k;
}, 500_000);
run('parseSipMessage + Call-ID value', (b) => parseSipMessage(b).message.header('call-id')?.value.length ?? 0, 500_000);
run('parseSipMessage + summarizeSipMessage', (b) => summarizeSipMessage(parseSipMessage(b).message).cseqSeq ?? 0, 200_000);
run('parseSipMessage + findSdpBodies + parseSdp', (b) => {
  const m = parseSipMessage(b).message;
  let k = 0;
  for (const body of findSdpBodies(m)) k += parseSdp(body.bytes, body.start).session.media.length;
  return k;
}, 100_000);
