#!/usr/bin/env node
// Benchmark capture generator: replicates the calls of a sample capture (SIP + RTP, Ethernet/IPv4/UDP pcap) into a
// large capture, giving every copy new Call-IDs, tags, branches, RTP/SDP ports and times, so the result holds
// >= 100 000 distinct calls in >= 500 MB. Usage:
//   node bench/make-capture.mjs [--template samples/captures/calls-mixed-outcomes.pcap] [--calls 100000]
//                               [--min-bytes 520000000] [--out bench/out/bench-100k.pcap]
import { openSync, readFileSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const templatePath = opt('template', 'samples/captures/calls-mixed-outcomes.pcap');
const wantCalls = Number(opt('calls', '100000'));
const minBytes = Number(opt('min-bytes', '520000000'));
const out = opt('out', 'bench/out/bench-100k.pcap');

// ---- read the template (classic pcap, Ethernet, IPv4, UDP) ----
const t = readFileSync(templatePath);
const le = t.readUInt32LE(0) === 0xa1b2c3d4;
if (!le || t.readUInt32LE(20) !== 1) throw new Error('template must be a little-endian microsecond pcap with Ethernet link type');
const pkts = [];
for (let o = 24; o + 16 <= t.length; ) {
  const sec = t.readUInt32LE(o), usec = t.readUInt32LE(o + 4), caplen = t.readUInt32LE(o + 8);
  const data = t.subarray(o + 16, o + 16 + caplen);
  o += 16 + caplen;
  if (data.readUInt16BE(12) !== 0x0800 || data[23] !== 17) continue;
  const ihl = (data[14] & 15) * 4;
  const udp = 14 + ihl;
  const payload = data.subarray(udp + 8, 14 + data.readUInt16BE(16));
  const isSip = /^(SIP\/2\.0 \d{3}|[A-Z]+ \S+ SIP\/2\.0)/.test(payload.subarray(0, 64).toString('latin1'));
  pkts.push({ time: sec + usec / 1e6, head: data.subarray(0, udp), sport: data.readUInt16BE(udp), dport: data.readUInt16BE(udp + 2), payload, isSip });
}
const t0 = pkts[0].time;
const span = pkts.at(-1).time - t0;
const callIds = new Set();
for (const p of pkts) if (p.isSip) callIds.add(/\r\n(?:Call-ID|i)\s*:\s*(\S+)/i.exec(p.payload.toString('latin1'))?.[1]);
const callsPerBlock = callIds.size;
const blocks = Math.ceil(wantCalls / callsPerBlock);

// RTP ports of the template (anything that is not SIP) get a per-block port range so streams stay distinct.
const rtpPorts = [...new Set(pkts.filter((p) => !p.isSip).flatMap((p) => [p.sport, p.dport]))].sort((a, b) => a - b);
const portSlot = new Map(rtpPorts.map((p, i) => [p, i]));
const slots = rtpPorts.length + (rtpPorts.length & 1);
const mapPort = (b, p) => {
  const s = portSlot.get(p);
  if (s === undefined) return p;
  return 10000 + ((b * slots) % (50000 - slots)) + s; // even ports stay even when slots is even and 10000 even
};

// Keep the first K RTP packets of each stream per block, K chosen to reach minBytes.
const sipBytes = pkts.filter((p) => p.isSip).reduce((n, p) => n + 16 + p.head.length + 8 + p.payload.length + 24, 0);
const streams = new Map();
for (const p of pkts) if (!p.isSip) {
  // One template stream per RTP SSRC (RFC 3550 §8) and direction, so every call keeps some of its media.
  const ssrc = p.payload.length >= 12 ? p.payload.readUInt32BE(8) : 0;
  const k = `${p.sport}>${p.dport}#${ssrc}`;
  streams.set(k, [...(streams.get(k) ?? []), p]);
}
const rtpAvg = pkts.filter((p) => !p.isSip).reduce((n, p) => n + 16 + p.head.length + 8 + p.payload.length, 0) / Math.max(1, pkts.length - pkts.filter((p) => p.isSip).length);
let K = Math.ceil(Math.max(0, minBytes / blocks - sipBytes) / (rtpAvg * Math.max(1, streams.size)));
const maxPerStream = Math.max(...[...streams.values()].map((s) => s.length));
if (K > maxPerStream) K = maxPerStream;
const keep = new Set();
for (const s of streams.values()) s.slice(0, K).forEach((p) => keep.add(p));
const template = pkts.filter((p) => p.isSip || keep.has(p));

function rewriteSip(payload, b) {
  let s = payload.toString('latin1');
  const hdrEnd = s.indexOf('\r\n\r\n');
  let head = hdrEnd >= 0 ? s.slice(0, hdrEnd) : s;
  let body = hdrEnd >= 0 ? s.slice(hdrEnd + 4) : '';
  head = head
    .replace(/^((?:Call-ID|i)\s*:\s*)(\S+)/gim, `$1b${b}-$2`)
    .replace(/;(tag|branch)=([^;,>\s]+)/gi, `;$1=$2-b${b}`);
  if (body) {
    body = body.replace(/^(m=\w+ )(\d+)/gm, (_, pre, port) => pre + mapPort(b, Number(port)));
    head = head.replace(/^((?:Content-Length|l)\s*:\s*)\d+/gim, `$1${Buffer.byteLength(body, 'latin1')}`);
  }
  return Buffer.from(hdrEnd >= 0 ? `${head}\r\n\r\n${body}` : head, 'latin1');
}

function frame(p, b) {
  const payload = p.isSip ? rewriteSip(p.payload, b) : p.payload;
  const sport = p.isSip ? p.sport : mapPort(b, p.sport);
  const dport = p.isSip ? p.dport : mapPort(b, p.dport);
  const f = Buffer.allocUnsafe(p.head.length + 8 + payload.length);
  p.head.copy(f, 0);
  f.writeUInt16BE(20 + 8 + payload.length, 16); // IPv4 total length (template has no IP options)
  f.writeUInt16BE(0, 24); // IPv4 header checksum left 0 (offloaded, as on many captures)
  const u = p.head.length;
  f.writeUInt16BE(sport, u);
  f.writeUInt16BE(dport, u + 2);
  f.writeUInt16BE(8 + payload.length, u + 4);
  f.writeUInt16BE(0, u + 6);
  payload.copy(f, u + 8);
  return f;
}

// Blocks start every `step` seconds so ~`overlap` blocks run at once; packets are merged in time order.
const overlap = 20;
const step = span / overlap;
mkdirSync(dirname(out), { recursive: true });
const fd = openSync(out, 'w');
const hdr = Buffer.alloc(24);
hdr.writeUInt32LE(0xa1b2c3d4, 0); hdr.writeUInt16LE(2, 4); hdr.writeUInt16LE(4, 6); hdr.writeUInt32LE(262144, 16); hdr.writeUInt32LE(1, 20);
let buf = Buffer.allocUnsafe(8 << 20);
let used = 0;
let written = 0;
const flush = () => { writeSync(fd, buf, 0, used); written += used; used = 0; };
const put = (b) => { if (used + b.length > buf.length) flush(); b.copy(buf, used); used += b.length; };
put(hdr);
const rel = template.map((p) => p.time - t0);
const base = 1_700_000_000;
// min-heap of [time, block, index]
const heap = [];
const push = (e) => { heap.push(e); let i = heap.length - 1; while (i > 0) { const j = (i - 1) >> 1; if (heap[j][0] <= heap[i][0]) break; [heap[i], heap[j]] = [heap[j], heap[i]]; i = j; } };
const pop = () => { const top = heap[0]; const last = heap.pop(); if (heap.length) { heap[0] = last; let i = 0; for (;;) { const l = 2 * i + 1, r = l + 1; let m = i; if (l < heap.length && heap[l][0] < heap[m][0]) m = l; if (r < heap.length && heap[r][0] < heap[m][0]) m = r; if (m === i) break; [heap[i], heap[m]] = [heap[m], heap[i]]; i = m; } } return top; };
let nextBlock = 0;
let packets = 0;
const rec = Buffer.allocUnsafe(16);
while (nextBlock < blocks || heap.length) {
  while (nextBlock < blocks && (heap.length === 0 || nextBlock * step <= heap[0][0])) {
    push([nextBlock * step + rel[0], nextBlock, 0]);
    nextBlock++;
  }
  const [time, b, i] = pop();
  const f = frame(template[i], b);
  const ts = base + time;
  const sec = Math.floor(ts);
  rec.writeUInt32LE(sec, 0); rec.writeUInt32LE(Math.round((ts - sec) * 1e6) % 1000000, 4);
  rec.writeUInt32LE(f.length, 8); rec.writeUInt32LE(f.length, 12);
  put(rec); put(f);
  packets++;
  if (i + 1 < template.length) push([b * step + rel[i + 1], b, i + 1]);
}
flush();
closeSync(fd);
const sip = template.filter((p) => p.isSip).length;
console.log(JSON.stringify({ out, bytes: written, packets, calls: blocks * callsPerBlock, sipMessages: blocks * sip, rtpPacketsPerStreamPerCall: K, blocks, template: templatePath }));
