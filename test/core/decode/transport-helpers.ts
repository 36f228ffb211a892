// Test helper for the transport layer: NetPackets built directly (no capture file), a collecting emitter, and a
// seeded PRNG for fuzz tests.
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type NetPacket, type SipPayload } from '../../../src/core/decode/types';

const enc = new TextEncoder();
export const bytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
/** LF -> CRLF (SIP wire form). */
export const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

function ip(a: string): Uint8Array {
  if (!a.includes(':')) return Uint8Array.from(a.split('.').map(Number));
  const out = new Uint8Array(16);
  const [h, t] = a.includes('::') ? a.split('::') : [a, undefined];
  const head = h ? h.split(':').filter(Boolean) : [];
  const tail = t ? t.split(':').filter(Boolean) : [];
  const words = t === undefined ? head : [...head, ...new Array(8 - head.length - tail.length).fill('0'), ...tail];
  words.forEach((w, i) => {
    const v = parseInt(w, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

export interface PacketSpec {
  frame: number;
  payload?: string | Uint8Array;
  proto?: 'udp' | 'tcp' | 'sctp';
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  /** Capture time in seconds (default: frame / 100). */
  time?: number;
  /** File offset of payload[0] (default frame * 1000; -1 for reassembled). */
  fileOffset?: number;
}

/** A NetPacket as the PacketDecoder would emit it. */
export function pkt(spec: PacketSpec): NetPacket {
  const src = spec.src ?? '10.0.0.1';
  const dst = spec.dst ?? '10.0.0.2';
  const t = spec.time ?? spec.frame / 100;
  const proto = spec.proto ?? 'tcp';
  const payload = bytes(spec.payload ?? '');
  return {
    frame: spec.frame,
    firstFrame: spec.frame,
    timeSec: Math.floor(t),
    timeNsec: Math.round((t - Math.floor(t)) * 1e9),
    ipVersion: src.includes(':') ? 6 : 4,
    srcIp: ip(src),
    dstIp: ip(dst),
    protocol: proto === 'udp' ? IPPROTO_UDP : proto === 'sctp' ? IPPROTO_SCTP : IPPROTO_TCP,
    srcPort: spec.sport ?? 40000,
    dstPort: spec.dport ?? 5060,
    payload,
    buf: payload,
    payloadStart: 0,
    payloadEnd: payload.length,
    payloadFileOffset: spec.fileOffset ?? spec.frame * 1000,
    tcpSeq: (spec.seq ?? 0) >>> 0,
    tcpAck: (spec.ack ?? 0) >>> 0,
    tcpFlags: spec.flags ?? (proto === 'tcp' ? PSH | ACK : 0),
    sctpStream: 0,
    sctpPpid: 0,
  };
}

/** A collecting emitter: copies each payload's bytes (they are views valid only during the callback). */
export function collector(): { out: (SipPayload & { text: string })[]; emit: (m: SipPayload) => void } {
  const out: (SipPayload & { text: string })[] = [];
  return { out, emit: (m) => out.push({ ...m, bytes: m.bytes.slice(), text: text(m.bytes) }) };
}

/** A SIP request with a correct Content-Length (counted in UTF-8 bytes). */
export function sipRequest(method: string, body = '', extra = ''): string {
  const b = bytes(body);
  return crlf(`${method} sip:bob@example.com SIP/2.0
Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK-${method.toLowerCase()}
Call-ID: c1@example.com
CSeq: 1 ${method}
${extra}Content-Length: ${b.length}

`) + body;
}

export function sipResponse(code: number, reason: string, body = ''): string {
  return crlf(`SIP/2.0 ${code} ${reason}
Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK-x
Call-ID: c1@example.com
CSeq: 1 INVITE
Content-Length: ${bytes(body).length}

`) + body;
}

/** Deterministic PRNG (mulberry32) for fuzz tests. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface WsFrameSpec {
  payload: string | Uint8Array;
  opcode?: number;
  fin?: boolean;
  mask?: number[];
  rsv1?: boolean;
  /** Force the 64-bit length form. */
  long?: boolean;
}

/** Encode one RFC 6455 §5.2 frame. */
export function wsFrame(f: WsFrameSpec): Uint8Array {
  const p = bytes(f.payload);
  const n = p.length;
  const hdr: number[] = [((f.fin ?? true) ? 0x80 : 0) | (f.rsv1 ? 0x40 : 0) | (f.opcode ?? 1)];
  const m = f.mask ? 0x80 : 0;
  if (f.long) {
    hdr.push(m | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  } else if (n < 126) hdr.push(m | n);
  else if (n < 65536) hdr.push(m | 126, n >> 8, n & 255);
  else hdr.push(m | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  if (f.mask) hdr.push(...f.mask);
  const out = new Uint8Array(hdr.length + n);
  out.set(hdr, 0);
  for (let i = 0; i < n; i++) out[hdr.length + i] = f.mask ? p[i]! ^ f.mask[i & 3]! : p[i]!;
  return out;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
