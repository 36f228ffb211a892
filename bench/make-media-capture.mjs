#!/usr/bin/env node
// Media-heavy benchmark capture: the other shape of a real capture. bench/make-capture.mjs replicates short sample
// calls (100 000 calls, 8 RTP packets each: signalling-heavy, the issue #2 benchmark); here few long calls carry
// nearly all the packets, as on a trunk or PBX capture. Each call: INVITE (SDP offer), 100, 180, 200 (SDP answer),
// ACK, then two G.711 A-law streams (PT 8, 20 ms packets, RFC 3550 headers with per-stream SSRC, sequence and
// timestamp), then BYE and its 200. Calls start every 50 ms and overlap. Ethernet/IPv4/UDP, microsecond pcap.
//   node bench/make-media-capture.mjs [--calls 1000] [--packets 1000] [--out bench/out/bench-media.pcap]
// Defaults: 1000 calls x 2 streams x 1000 packets = 2 000 000 RTP packets, 7000 SIP messages, 463 MB.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const calls = Number(opt('calls', '1000'));
const packets = Number(opt('packets', '1000'));
const out = opt('out', 'bench/out/bench-media.pcap');
const T0 = 1700000000; // capture start, seconds since the epoch
const TICK_MS = 10; // every event falls on a 10 ms tick
const A = [10, 1, 0, 10];
const B = [10, 2, 0, 20];
const ipText = (a) => a.join('.');

mkdirSync(dirname(out), { recursive: true });
const fd = openSync(out, 'w');
const header = Buffer.alloc(24);
header.writeUInt32LE(0xa1b2c3d4, 0); // microsecond pcap, little-endian
header.writeUInt16LE(2, 4);
header.writeUInt16LE(4, 6);
header.writeUInt32LE(65535, 16); // snaplen
header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
writeSync(fd, header);
const buf = Buffer.alloc(1 << 24);
let used = 0;
let records = 0;
let bytes = 24;
const flush = () => {
  writeSync(fd, buf, 0, used);
  bytes += used;
  used = 0;
};

/** One Ethernet/IPv4/UDP record at `ms` milliseconds after T0 (plus `us` microseconds). */
function record(ms, us, src, sport, dst, dport, payload) {
  const len = 14 + 20 + 8 + payload.length;
  if (used + 16 + len > buf.length) flush();
  const o = used;
  const totalUs = ms * 1000 + us;
  buf.writeUInt32LE(T0 + Math.floor(totalUs / 1e6), o);
  buf.writeUInt32LE(totalUs % 1e6, o + 4);
  buf.writeUInt32LE(len, o + 8);
  buf.writeUInt32LE(len, o + 12);
  const e = o + 16;
  buf.fill(0, e, e + 12);
  buf[e + 5] = 1; // destination MAC 00:00:00:00:00:01
  buf[e + 11] = 2; // source MAC 00:00:00:00:00:02
  buf.writeUInt16BE(0x0800, e + 12);
  const ip = e + 14;
  buf[ip] = 0x45;
  buf[ip + 1] = 0;
  buf.writeUInt16BE(20 + 8 + payload.length, ip + 2);
  buf.writeUInt32BE(0, ip + 4); // id, flags, fragment offset
  buf[ip + 8] = 64; // TTL
  buf[ip + 9] = 17; // UDP
  buf.writeUInt16BE(0, ip + 10); // checksum not computed (tools do not check it by default)
  for (let k = 0; k < 4; k++) {
    buf[ip + 12 + k] = src[k];
    buf[ip + 16 + k] = dst[k];
  }
  const udp = ip + 20;
  buf.writeUInt16BE(sport, udp);
  buf.writeUInt16BE(dport, udp + 2);
  buf.writeUInt16BE(8 + payload.length, udp + 4);
  buf.writeUInt16BE(0, udp + 6);
  if (typeof payload === 'string') buf.write(payload, udp + 8, 'latin1');
  else payload.copy(buf, udp + 8);
  used = udp + 8 + payload.length;
  records++;
}

const sdp = (addr, port) =>
  `v=0\r\no=- 1 1 IN IP4 ${addr}\r\ns=-\r\nc=IN IP4 ${addr}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8 101\r\n` +
  'a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=sendrecv\r\n';
function sip(startLine, c, branch, cseq, toTag, body = '') {
  return (
    `${startLine}\r\nVia: SIP/2.0/UDP ${ipText(A)}:5060;branch=z9hG4bK${branch}\r\n` +
    `From: "Caller ${c.n}" <sip:${1000 + c.n}@a.example>;tag=f${c.n}\r\nTo: <sip:bob@b.example>${toTag ? `;tag=t${c.n}` : ''}\r\n` +
    `Call-ID: ${c.n}-media@${ipText(A)}\r\nCSeq: ${cseq}\r\nContact: <sip:${1000 + c.n}@${ipText(A)}:5060>\r\nMax-Forwards: 70\r\n` +
    `${body ? 'Content-Type: application/sdp\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

// Per call: SIP events at fixed ticks, and the RTP period between ACK and BYE.
const SETUP_MS = 1020; // INVITE at 0, 100 at 10, 180 at 100, 200 at 1000, ACK at 1010, RTP from 1020
const sipAt = new Map(); // tick -> [() => void]
const at = (ms, f) => {
  const l = sipAt.get(ms);
  if (l) l.push(f);
  else sipAt.set(ms, [f]);
};
for (let n = 0; n < calls; n++) {
  const c = { n, pa: 20000 + (n % 10000) * 2, pb: 40000 + (n % 10000) * 2 };
  const s = n * 50;
  const inv = `inv${n}`;
  at(s, () => record(s, 0, A, 5060, B, 5060, sip(`INVITE sip:bob@${ipText(B)} SIP/2.0`, c, inv, '1 INVITE', false, sdp(ipText(A), c.pa))));
  at(s + 10, () => record(s + 10, 0, B, 5060, A, 5060, sip('SIP/2.0 100 Trying', c, inv, '1 INVITE', false)));
  at(s + 100, () => record(s + 100, 0, B, 5060, A, 5060, sip('SIP/2.0 180 Ringing', c, inv, '1 INVITE', true)));
  at(s + 1000, () => record(s + 1000, 0, B, 5060, A, 5060, sip('SIP/2.0 200 OK', c, inv, '1 INVITE', true, sdp(ipText(B), c.pb))));
  at(s + 1010, () => record(s + 1010, 0, A, 5060, B, 5060, sip(`ACK sip:bob@${ipText(B)} SIP/2.0`, c, `ack${n}`, '1 ACK', true)));
  const end = s + SETUP_MS + packets * 20;
  at(end, () => record(end, 0, A, 5060, B, 5060, sip(`BYE sip:bob@${ipText(B)} SIP/2.0`, c, `bye${n}`, '2 BYE', true)));
  at(end + 10, () => record(end + 10, 0, B, 5060, A, 5060, sip('SIP/2.0 200 OK', c, `bye${n}`, '2 BYE', true)));
}

// RTP: 12-byte header + 160 bytes of A-law silence; the callee's packet 300 us after the caller's.
const rtp = Buffer.alloc(172, 0xd5);
rtp[0] = 0x80;
rtp[1] = 8;
const lastMs = (calls - 1) * 50 + SETUP_MS + packets * 20 + 10;
let first = 0; // calls before this one have finished their RTP
for (let ms = 0; ms <= lastMs; ms += TICK_MS) {
  for (const f of sipAt.get(ms) ?? []) f();
  while (first < calls && first * 50 + SETUP_MS + packets * 20 <= ms) first++;
  for (let n = first; n < calls && n * 50 + SETUP_MS <= ms; n++) {
    const since = ms - (n * 50 + SETUP_MS);
    if (since % 20 !== 0) continue;
    const k = since / 20;
    const pa = 20000 + (n % 10000) * 2;
    const pb = 40000 + (n % 10000) * 2;
    rtp.writeUInt16BE(k & 0xffff, 2);
    rtp.writeUInt32BE((k * 160) >>> 0, 4);
    rtp.writeUInt32BE(0x10000 + n, 8);
    record(ms, 0, A, pa, B, pb, rtp);
    rtp.writeUInt32BE(0x20000 + n, 8);
    record(ms, 300, B, pb, A, pa, rtp);
  }
}
flush();
closeSync(fd);
console.log(`${out}: ${(bytes / 1e6).toFixed(0)} MB, ${records} records, ${calls} calls, ${calls * 7} SIP messages, ${calls * 2} RTP streams of ${packets} packets`);
