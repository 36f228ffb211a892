// Test harness: a real Node TLS server and client over loopback with a recording TCP proxy in between, so tests get
// the exact bytes each side wrote on the wire (in the order the proxy saw them) plus the client's NSS key log; and a
// feeder that replays those bytes into a TlsConnection in random chunks.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemCollector } from '../../../src/core/capture/problems';
import type { DeliveryMeta } from '../../../src/core/decode/tcp-stream';
import { TlsConnection } from '../../../src/core/tls/connection';
import { rng } from '../decode/transport-helpers';
import { ethernetFrame, ipv4Packet, l4Segment, type RawRecord } from '../../helpers/pcap-writer';
import type { TlsKeyStore } from '../../../src/core/tls/keys';

export const FIXTURES = join(__dirname, '../../fixtures/tls');
export const SERVER_KEY = readFileSync(join(FIXTURES, 'server-key.pem'), 'utf8');
export const SERVER_CERT = readFileSync(join(FIXTURES, 'server-cert.pem'), 'utf8');
export const OTHER_KEY = readFileSync(join(FIXTURES, 'other-key.pem'), 'utf8');

/** One read on the proxy: dir 0 = client → server, 1 = server → client. */
export interface WireEvent {
  dir: 0 | 1;
  bytes: Buffer;
}

/** One step of the conversation: `from` writes each buffer of `writes` with one socket.write. */
export interface Step {
  from: 'client' | 'server';
  writes: Buffer[];
  /** TLS 1.2: the client renegotiates (a new handshake under the current keys) before writing. */
  renegotiate?: boolean;
}

export interface Session {
  events: WireEvent[];
  keylog: string;
  /** Application bytes each side sent, concatenated. */
  sent: [Buffer, Buffer];
  session: Buffer | undefined;
  protocol: string | null;
  cipher: string;
  reused: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timeout (${ms} ms) waiting for ${what}`)), ms);
    }),
  ]);
}

/** A TLS server + recording proxy on loopback; `connect` runs one client connection through the proxy. */
export class TlsLab {
  private serverSockets: tls.TLSSocket[] = [];
  private waiters: ((s: tls.TLSSocket) => void)[] = [];
  private events: WireEvent[] = [];
  private proxyClosed: Promise<void>[] = [];

  private constructor(
    private readonly server: tls.Server,
    private readonly proxy: net.Server,
    private readonly proxyPort: number,
  ) {
    server.on('secureConnection', (s) => {
      const w = this.waiters.shift();
      if (w) w(s);
      else this.serverSockets.push(s);
    });
    server.on('tlsClientError', () => {});
    proxy.on('connection', (down) => {
      const port = (server.address() as net.AddressInfo).port;
      const up = net.connect(port, '127.0.0.1');
      const events = this.events;
      down.on('data', (b) => {
        events.push({ dir: 0, bytes: Buffer.from(b) });
        up.write(b);
      });
      up.on('data', (b) => {
        events.push({ dir: 1, bytes: Buffer.from(b) });
        down.write(b);
      });
      down.on('end', () => up.end());
      up.on('end', () => down.end());
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
      this.proxyClosed.push(Promise.all([new Promise<void>((r) => down.on('close', () => r())), new Promise<void>((r) => up.on('close', () => r()))]).then(() => undefined));
    });
  }

  /** Start a server with `options` (key/cert default to the fixtures). Session-id resumption works when `sessionCache` is set. */
  static async start(options: tls.TlsOptions = {}, sessionCache = false): Promise<TlsLab> {
    const server = tls.createServer({ key: SERVER_KEY, cert: SERVER_CERT, ...options });
    if (sessionCache) {
      const cache = new Map<string, Buffer>();
      server.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
        cache.set(id.toString('hex'), data);
        cb();
      });
      server.on('resumeSession', (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => cb(null, cache.get(id.toString('hex')) ?? null));
    }
    await withTimeout(new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r())), 5000, 'server listen');
    const proxy = net.createServer();
    await withTimeout(new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r())), 5000, 'proxy listen');
    return new TlsLab(server, proxy, (proxy.address() as net.AddressInfo).port);
  }

  private nextServerSocket(): Promise<tls.TLSSocket> {
    const s = this.serverSockets.shift();
    if (s) return Promise.resolve(s);
    return new Promise((r) => this.waiters.push(r));
  }

  /** Run one connection: handshake, the steps in order (each waits until the peer received everything), close. */
  async connect(options: tls.ConnectionOptions, steps: Step[], timeoutMs = 5000): Promise<Session> {
    this.events = [];
    this.proxyClosed = [];
    const keylog: string[] = [];
    let session: Buffer | undefined;
    const client = tls.connect({ host: '127.0.0.1', port: this.proxyPort, rejectUnauthorized: false, ...options });
    client.on('keylog', (line) => keylog.push(line.toString('latin1')));
    client.on('session', (s) => (session = s));
    const clientErr = new Promise<never>((_, reject) => client.on('error', reject));
    try {
      await withTimeout(Promise.race([new Promise<void>((r) => client.once('secureConnect', () => r())), clientErr]), timeoutMs, 'client handshake');
      const server = await withTimeout(this.nextServerSocket(), timeoutMs, 'server handshake');
      const recv: [Buffer[], Buffer[]] = [[], []]; // [received by server (client→server), received by client]
      const waitFor: { dir: 0 | 1; n: number; resolve: () => void } [] = [];
      const total = (d: 0 | 1) => recv[d].reduce((n, b) => n + b.length, 0);
      const check = () => {
        for (let i = waitFor.length - 1; i >= 0; i--) {
          const w = waitFor[i]!;
          if (total(w.dir) >= w.n) {
            waitFor.splice(i, 1);
            w.resolve();
          }
        }
      };
      server.on('data', (b: Buffer) => {
        recv[0].push(b);
        check();
      });
      client.on('data', (b: Buffer) => {
        recv[1].push(b);
        check();
      });
      server.on('error', () => {});
      const sent: [Buffer[], Buffer[]] = [[], []];
      for (const step of steps) {
        const dir: 0 | 1 = step.from === 'client' ? 0 : 1;
        const sock = dir === 0 ? client : server;
        if (step.renegotiate) {
          await withTimeout(
            new Promise<void>((resolve, reject) => client.renegotiate({ rejectUnauthorized: false }, (err) => (err ? reject(err) : resolve()))),
            timeoutMs,
            'renegotiation',
          );
        }
        for (const w of step.writes) {
          sent[dir].push(w);
          sock.write(w);
        }
        const want = sent[dir].reduce((n, b) => n + b.length, 0);
        await withTimeout(new Promise<void>((resolve) => {
          waitFor.push({ dir, n: want, resolve });
          check();
        }), timeoutMs, `step from ${step.from}`);
      }
      // Let TLS 1.3 session tickets / 'session' events arrive before closing.
      if (options.session === undefined) await withTimeout(new Promise<void>((r) => (session ? r() : client.once('session', () => r()))), 1000, 'session event').catch(() => undefined);
      const protocol = client.getProtocol();
      const cipher = client.getCipher().name;
      const reused = client.isSessionReused();
      client.end();
      await withTimeout(Promise.all(this.proxyClosed), timeoutMs, 'connection close').catch(() => undefined);
      client.destroy();
      server.destroy();
      return { events: this.events, keylog: keylog.join(''), sent: [Buffer.concat(sent[0]), Buffer.concat(sent[1])], session, protocol, cipher, reused };
    } catch (e) {
      client.destroy();
      throw e;
    }
  }

  async close(): Promise<void> {
    for (const s of this.serverSockets) s.destroy();
    await withTimeout(
      Promise.all([new Promise<void>((r) => this.server.close(() => r())), new Promise<void>((r) => this.proxy.close(() => r()))]),
      5000,
      'server close',
    ).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32), shared with the transport tests. */
export { rng };

export interface FeedResult {
  conn: TlsConnection;
  problems: ProblemCollector;
  /** Plaintext emitted per direction, concatenated. */
  plain: [Buffer, Buffer];
  /** meta.frame of each emission per direction, and whether every emission had fileOffset -1. */
  frames: [number[], number[]];
  fileOffsetsOk: boolean;
  /** Per direction: for each application_data (outer content type 23) record, the frame whose chunk completed it. */
  appRecordFrames: [number[], number[]];
}

/**
 * Replay `events` into a new TlsConnection (direction 0 = the first direction that sent): each event is cut into
 * pieces of 1..maxChunk bytes, one frame per piece; each piece buffer is overwritten after push (push may not keep it).
 */
export function feed(
  events: WireEvent[],
  keys: TlsKeyStore,
  opts: { seed?: number; maxChunk?: number; mutate?: (dir: 0 | 1, streamOffset: number, piece: Buffer) => void; label?: string; swap?: boolean } = {},
): FeedResult {
  const problems = new ProblemCollector();
  const plain: [Buffer[], Buffer[]] = [[], []];
  const frames: [number[], number[]] = [[], []];
  let fileOffsetsOk = true;
  const conn = new TlsConnection(keys, problems, opts.label ?? '127.0.0.1:40000 -> 127.0.0.1:5061', (dir, p, meta: DeliveryMeta) => {
    plain[dir].push(Buffer.from(p));
    frames[dir].push(meta.frame);
    if (meta.fileOffset !== -1) fileOffsetsOk = false;
  });
  const rand = rng(opts.seed ?? 1);
  const maxChunk = opts.maxChunk ?? 1500;
  let frame = 0;
  const offset: [number, number] = [0, 0];
  // Record boundary bookkeeping (independent of the code under test).
  const streams: [Buffer[], Buffer[]] = [[], []];
  const chunkEnds: [{ end: number; frame: number }[], { end: number; frame: number }[]] = [[], []];
  for (const ev of events) {
    let i = 0;
    while (i < ev.bytes.length) {
      const n = Math.min(ev.bytes.length - i, 1 + Math.floor(rand() * maxChunk));
      const piece = Buffer.from(ev.bytes.subarray(i, i + n));
      opts.mutate?.(ev.dir, offset[ev.dir], piece);
      frame++;
      streams[ev.dir].push(Buffer.from(piece));
      offset[ev.dir] += n;
      chunkEnds[ev.dir].push({ end: offset[ev.dir], frame });
      conn.push(opts.swap ? ((ev.dir ^ 1) as 0 | 1) : ev.dir, new Uint8Array(piece.buffer, piece.byteOffset, piece.length), { frame, timeSec: 1700000000 + frame, timeNsec: 0, fileOffset: 1000 + frame });
      piece.fill(0xee);
      i += n;
    }
  }
  const appRecordFrames: [number[], number[]] = [[], []];
  for (const dir of [0, 1] as const) {
    const s = Buffer.concat(streams[dir]);
    let p = 0;
    let c = 0;
    while (p + 5 <= s.length) {
      const end = p + 5 + s.readUInt16BE(p + 3);
      if (end > s.length) break;
      while (chunkEnds[dir][c]!.end < end) c++;
      if (s[p] === 23) appRecordFrames[dir].push(chunkEnds[dir][c]!.frame);
      p = end;
    }
  }
  if (opts.swap) {
    plain.reverse();
    frames.reverse();
  }
  return { conn, problems, plain: [Buffer.concat(plain[0]), Buffer.concat(plain[1])], frames, fileOffsetsOk, appRecordFrames };
}

/** Every element of `sub` matches a distinct element of `seq`, in order. */
export function isSubsequence(sub: number[], seq: number[]): boolean {
  let j = 0;
  for (const x of sub) {
    while (j < seq.length && seq[j] !== x) j++;
    if (j === seq.length) return false;
    j++;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------------

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** A SIP request/response with an optional body of `bodyBytes` bytes. */
export function sipMessage(startLine: string, callId: string, cseq: string, bodyBytes = 0): Buffer {
  const body = bodyBytes > 0 ? 'x'.repeat(bodyBytes - 2) + '\r\n' : '';
  const head = crlf(`${startLine}
Via: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bK-${callId}-${cseq.replace(/\W/g, '')}
From: <sips:alice@example.com>;tag=a1
To: <sips:bob@example.com>
Call-ID: ${callId}
CSeq: ${cseq}
Max-Forwards: 70
Content-Type: text/plain
Content-Length: ${Buffer.byteLength(body)}

`);
  return Buffer.from(head + body, 'latin1');
}

/** A conversation: several messages in one write, messages larger than one 16 KiB record, both ways. */
export function sipConversation(callId = 'tls-call-1'): Step[] {
  return [
    { from: 'client', writes: [sipMessage('INVITE sips:bob@example.com SIP/2.0', callId, '1 INVITE', 300)] },
    { from: 'server', writes: [Buffer.concat([sipMessage('SIP/2.0 100 Trying', callId, '1 INVITE'), sipMessage('SIP/2.0 180 Ringing', callId, '1 INVITE')])] },
    { from: 'client', writes: [sipMessage('MESSAGE sips:bob@example.com SIP/2.0', callId, '2 MESSAGE', 40000)] },
    { from: 'server', writes: [sipMessage('SIP/2.0 200 OK', callId, '1 INVITE', 20000), sipMessage('SIP/2.0 200 OK', callId, '2 MESSAGE')] },
    { from: 'client', writes: [Buffer.concat([sipMessage('ACK sips:bob@example.com SIP/2.0', callId, '1 ACK'), sipMessage('BYE sips:bob@example.com SIP/2.0', callId, '3 BYE')])] },
    { from: 'server', writes: [sipMessage('SIP/2.0 200 OK', callId, '3 BYE')] },
  ];
}

/**
 * The session as capture records (Ethernet/IPv4/TCP, client 10.0.0.1, server 192.0.2.5:`serverPort`): the TCP handshake,
 * each read of the proxy cut into segments at random points (from `seed`), then FIN both ways.
 */
export function sessionRecords(seed: number, s: Session, serverPort = 5061): RawRecord[] {
  const next = rng(seed);
  const rand = (n: number) => Math.floor(next() * n);
  const c = { ip: '10.0.0.1', port: 40000 + rand(20000) };
  const sv = { ip: '192.0.2.5', port: serverPort };
  let seqC = 1000 + rand(100000);
  let seqS = 50000 + rand(100000);
  let t = 1_700_000_000 + seed;
  const records: RawRecord[] = [];
  const seg = (fromClient: boolean, flags: number, payload: Uint8Array) => {
    const [a, b] = fromClient ? [c, sv] : [sv, c];
    const seq = fromClient ? seqC : seqS;
    const ack = fromClient ? seqS : seqC;
    t += 0.0005 + rand(1000) / 1e5;
    records.push({ time: t, data: ethernetFrame(ipv4Packet(a.ip, b.ip, 6, l4Segment({ protocol: 'tcp', srcPort: a.port, dstPort: b.port, seq, ack, flags, payload }))) });
    if (fromClient) seqC += payload.length;
    else seqS += payload.length;
  };
  seg(true, 0x02, new Uint8Array(0));
  seqC++;
  seg(false, 0x12, new Uint8Array(0));
  seqS++;
  seg(true, 0x10, new Uint8Array(0));
  for (const ev of s.events) {
    const bytes = new Uint8Array(ev.bytes);
    let off = 0;
    while (off < bytes.length) {
      const n = Math.min(bytes.length - off, rand(2) === 0 ? 1 + rand(300) : 300 + rand(1160));
      seg(ev.dir === 0, 0x18, bytes.subarray(off, off + n));
      off += n;
    }
  }
  seg(true, 0x11, new Uint8Array(0));
  seg(false, 0x11, new Uint8Array(0));
  return records;
}
