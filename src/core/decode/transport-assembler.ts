// Transport assembly: NetPackets (UDP datagrams, TCP segments, SCTP user messages) -> SipPayloads, via TCP
// reassembly, WebSocket (RFC 6455 / RFC 7118) and SIP framing on bytes (RFC 3261 §18.3). Bounded; never throws.
import type { ProblemCollector } from '../capture/problems';
import { formatIp } from '../util/ip';
import {
  classifySipStart,
  findHeaderEnd,
  frameSipDatagram,
  frameSipStream,
  isCrlfOnly,
  MAX_CONTENT_LENGTH,
  MAX_HEADER_BYTES,
  START_MAYBE,
  START_YES,
  TOKEN_CHAR,
  type FramedMessage,
  type FramingNote,
} from './sip-framing';
import {
  DeliveryBuffer,
  SingleDelivery,
  TcpReassembler,
  type ByteBudget,
  type DeliveryMeta,
  type DeliverySource,
  type TcpCloseReason,
  type TcpStream,
} from './tcp-stream';
import { httpStartKind, parseHttpHandshake, WebSocketDecoder, type WsMessage } from './websocket';
import { TlsConnection } from '../tls/connection';
import type { TlsKeyStore } from '../tls/keys';
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type FramedUnit, type NetPacket, type SipPayload, type SipTransport } from './types';
import { internalized } from '../util/string-table';

const CR = 0x0d;
const LF = 0x0a;

/** Bytes of a non-SIP-port TCP direction inspected (at segment starts) before it is ignored for good. */
const PROBE_LIMIT_BYTES = 256 * 1024;
/** Formatted IPv4 addresses cached (cleared when full). */
const ADDRESS_CACHE_SIZE = 4096;

export interface TransportAssemblerOptions {
  /**
   * Ports where SIP is expected (default [5060, 5061, 5080]). Only a hint: on these ports a TCP direction not yet
   * known to carry SIP is searched for a start line after every line end (capture started mid-message) and is never
   * given up on; elsewhere only segment starts are checked, for the first 256 KiB. SIP is recognised on any port.
   */
  sipPorts?: number[];
  /** Most TCP directions tracked at once (LRU eviction beyond). Default 20000. */
  maxStreams?: number;
  /** Byte budget shared by every buffer (out-of-order TCP segments, partial SIP/WebSocket messages). Default 64 MiB. */
  maxBufferedBytes?: number;
  /**
   * UDP datagrams that start with CR/LF before a SIP start line: 'reject' (default; tshark 4.0 does not dissect
   * them as SIP — reported as `sip/leading-crlf-datagram`) or 'skip' (decode the message after the CR/LFs).
   */
  udpLeadingCrlf?: 'reject' | 'skip';
  /** Largest Content-Length honoured, bytes (default 16 MiB). */
  maxContentLength?: number;
  /**
   * Optional one-pass framer for datagram units (UDP payloads, SCTP user messages): given a buffer holding the unit,
   * the message start and the unit end in it (a UDP datagram is passed where it lies, in the packet's buffer: no view
   * is made of it) and the Content-Length limit, it returns where the message ends in that buffer, or undefined to
   * leave the unit to frameSipDatagram. It must return undefined whenever frameSipDatagram would report a note or
   * mark the message truncated, and may return a result only for a message whose first line classifySipStart
   * accepts (UDP datagrams are then not classified first). Its result travels with the message as
   * SipPayload.prescan.
   */
  scanUnit?: (bytes: Uint8Array, start: number, end: number, maxContentLength: number) => FramedUnit | undefined;
  /**
   * The SipPayload of a UDP datagram that scanUnit framed is one object, reused for every such message (its `bytes`
   * view made only when read): consumers must be done with it when the emit call returns. Default false: a new
   * object per message.
   */
  reuseUnitPayloads?: boolean;
  /** Largest header section waited for on a stream, bytes (default 64 KiB). */
  maxHeaderBytes?: number;
  /** Out-of-order hole timeout and idle-stream timeout, capture seconds (defaults 3 and 900). */
  gapTimeoutSec?: number;
  idleTimeoutSec?: number;
  /**
   * Called synchronously with every non-empty UDP datagram that is not taken as SIP (RTP, RTCP, STUN, DNS...), i.e.
   * everything pushUdp rejects except CR/LF keep-alives and CR/LF-prefixed SIP. The packet and its views are only
   * valid during the call. Used by the RTP analyser (rtp/analyzer.ts).
   */
  onNonSipUdp?: (p: NetPacket) => void;
  /**
   * Called synchronously with every UDP datagram made only of CR/LF (an RFC 5626 §3.5.1 keep-alive, otherwise just
   * counted in stats.keepAlives). Views valid during the call only. Used to collect NAT evidence during the import.
   */
  onKeepAlive?: (p: NetPacket) => void;
  /**
   * TLS secrets (RSA private keys, key-log entries): TLS connections are decrypted and the SIP inside is framed as
   * on TCP (transport 'TLS'; WebSocket inside is 'WSS'). Without secrets (or when none matches a session) a TLS
   * connection is reported once as `tls/encrypted-stream` and ignored.
   */
  tlsKeys?: TlsKeyStore;
}

/**
 * The SipPayload of a UDP datagram scanUnit framed: the message is buf[start, end), and `bytes` is a view of it made
 * on first read (the import's fast path never reads it). Always 'UDP', never truncated (scanUnit declines those).
 */
class UnitPayload implements SipPayload {
  frame = 0;
  firstFrame = 0;
  timeSec = 0;
  timeNsec = 0;
  ipVersion: 4 | 6 = 4;
  src = '';
  dst = '';
  srcPort = 0;
  dstPort = 0;
  readonly transport = 'UDP';
  fileOffset = -1;
  readonly truncated = false;
  prescan: FramedUnit | undefined = undefined;
  private buf: Uint8Array = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private view: Uint8Array | undefined = undefined;

  /** The message is now buf[start, end). */
  of(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.view = undefined;
  }

  get bytes(): Uint8Array {
    return (this.view ??= this.buf.subarray(this.start, this.end));
  }
}

/** Counters (cheap to keep, handy for tests and a capture summary). */
export interface TransportStats {
  udpMessages: number;
  tcpMessages: number;
  wsMessages: number;
  sctpMessages: number;
  /** CRLF keep-alives skipped (RFC 5626 §3.5.1): UDP datagrams of only CR/LF, runs between stream messages, WS CRLF messages. */
  keepAlives: number;
  tlsStreams: number;
  /** TLS connections whose application data was decrypted. */
  tlsDecrypted: number;
  tlsMessages: number;
  webSocketStreams: number;
}

const M_PROBE = 0;
const M_SIP = 1;
const M_HTTP = 2;
const M_WS = 3;
const M_IGNORE = 4;
/** TLS records go to the connection's TlsConnection; the plaintext is framed by `Dir.plain`. */
const M_TLS = 5;

/** A TLS connection and the two TCP directions it decrypts (side 0: the first one seen). */
interface TlsLink {
  conn: TlsConnection;
  streams: [TcpStream<Dir> | undefined, TcpStream<Dir> | undefined];
  decrypting: boolean;
}

/** Consumer state of one TCP direction. */
interface Dir {
  mode: number;
  buf: DeliveryBuffer | undefined;
  portHint: boolean;
  /** Bytes inspected in probe mode. */
  probed: number;
  /** SIP framing: total bytes the buffered message needs (-1 unknown) and where the header-end search resumes. */
  need: number;
  scan: number;
  /** Bytes to discard before framing resumes (rest of a message cut by a gap). */
  skip: number;
  /** Resynchronising after lost bytes: junk is expected, not reported. */
  quiet: boolean;
  junk: number;
  junkFrame: number;
  junkOffset: number;
  ws: WebSocketDecoder | undefined;
  wsEmit: ((m: WsMessage) => void) | undefined;
  tls: boolean;
  /** M_TLS: the connection, this direction's side in it, and the consumer of the decrypted bytes. */
  tlsLink: TlsLink | undefined;
  tlsSide: 0 | 1;
  inner: Dir | undefined;
  /** This Dir consumes decrypted TLS bytes (transport 'TLS', WebSocket inside 'WSS'). */
  plain: boolean;
  src: string;
  dst: string;
}

/**
 * Turns decoded transport packets into SIP message candidates.
 * - UDP: a datagram whose payload starts with a SIP start line is one message (tshark dissects only the first
 *   message of a datagram: so do we; trailing bytes are reported). Non-SIP datagrams (RTP, STUN, DNS...) are
 *   rejected by a one-byte table lookup before anything else. No copies: `bytes` views the packet payload.
 * - TCP: per-direction reassembly ({@link TcpReassembler}); a direction becomes SIP when a SIP start line is seen at
 *   a segment start (or, on SIP ports, after any line end); then messages are framed by Content-Length and
 *   reported at the record that delivered their LAST byte (`frame`; `firstFrame` = first byte), as tshark does.
 *   Whole messages inside one segment are emitted as views with their file offset; only partial tails are copied.
 *   HTTP Upgrade to WebSocket switches a direction to WebSocket frames (transport 'WS'). TLS records (0x14-0x17,
 *   0x03) start TLS: with secrets (options.tlsKeys) the connection is decrypted (tls/connection.ts) and its plaintext
 *   framed the same way (transport 'TLS'; WebSocket inside: 'WSS'; reported at the record that completed the message,
 *   kept in memory); without, it is reported (`tls/encrypted-stream`, info, once) and ignored.
 * - SCTP: each user message is framed like a bounded stream (several messages possible; no Content-Length means
 *   the rest of the user message).
 * Bounds: maxStreams directions, maxBufferedBytes over all buffers, 64 KiB headers, 16 MiB bodies (never allocated
 * beyond what arrived). Never throws on input. `SipPayload.bytes` is a view valid only during `emit`.
 */
export class TransportAssembler {
  private readonly tcp: TcpReassembler<Dir>;
  private readonly budget: ByteBudget;
  private readonly sipPorts: Set<number>;
  private readonly udpSkipCrlf: boolean;
  private readonly limits: { maxHeaderBytes: number; maxContentLength: number };
  private readonly scanUnit: TransportAssemblerOptions['scanUnit'];
  /** The reused payload of scanned UDP datagrams (reuseUnitPayloads), else undefined. */
  private readonly unitPayload: UnitPayload | undefined;
  private readonly single = new SingleDelivery();
  private readonly v4Names = new Map<number, string>();
  private readonly onNonSipUdp: ((p: NetPacket) => void) | undefined;
  private readonly onKeepAlive: ((p: NetPacket) => void) | undefined;
  private emit: (m: SipPayload) => void = () => {};
  private nextTick = 0;
  private readonly tlsKeys: TlsKeyStore | undefined;
  readonly stats: TransportStats = { udpMessages: 0, tcpMessages: 0, wsMessages: 0, sctpMessages: 0, keepAlives: 0, tlsStreams: 0, tlsDecrypted: 0, tlsMessages: 0, webSocketStreams: 0 };

  constructor(
    private readonly problems: ProblemCollector,
    opts: TransportAssemblerOptions = {},
  ) {
    this.budget = { used: 0, limit: opts.maxBufferedBytes ?? 64 * 1024 * 1024 };
    this.sipPorts = new Set(opts.sipPorts ?? [5060, 5061, 5080]);
    this.udpSkipCrlf = opts.udpLeadingCrlf === 'skip';
    this.onNonSipUdp = opts.onNonSipUdp;
    this.onKeepAlive = opts.onKeepAlive;
    this.scanUnit = opts.scanUnit;
    this.unitPayload = opts.reuseUnitPayloads === true ? new UnitPayload() : undefined;
    this.tlsKeys = opts.tlsKeys;
    this.limits = { maxHeaderBytes: opts.maxHeaderBytes ?? MAX_HEADER_BYTES, maxContentLength: opts.maxContentLength ?? MAX_CONTENT_LENGTH };
    this.tcp = new TcpReassembler<Dir>(
      problems,
      {
        onData: (s, bytes, meta) => this.onData(s, bytes, meta),
        onGap: (s, lost, meta) => this.onGap(s, lost, meta),
        onClose: (s, reason) => this.onClose(s, reason),
      },
      {
        maxStreams: opts.maxStreams,
        budget: this.budget,
        gapTimeoutSec: opts.gapTimeoutSec,
        idleTimeoutSec: opts.idleTimeoutSec,
      },
    );
  }

  /** Feed one decoded packet; complete SIP messages go to `emit` (synchronously, possibly several). */
  push(p: NetPacket, emit: (m: SipPayload) => void): void {
    const proto = p.protocol;
    if (proto === IPPROTO_TCP) {
      this.emit = emit;
      this.tcp.push(p);
      return;
    }
    if (p.timeSec >= this.nextTick) {
      // Let TCP hole timeouts / idle eviction progress on non-TCP traffic too (checked once per capture second).
      this.nextTick = p.timeSec + 1;
      this.emit = emit;
      this.tcp.advance(p.timeSec + p.timeNsec / 1e9);
    }
    if (proto === IPPROTO_UDP) this.pushUdp(p, emit);
    else if (proto === IPPROTO_SCTP) this.pushSctp(p, emit);
  }

  /**
   * End of capture: skip remaining TCP holes, emit what every stream still holds (a started message comes out with
   * `truncated: true`), report leftover junk, and forget all state.
   */
  flush(emit: (m: SipPayload) => void): void {
    this.emit = emit;
    this.tcp.flush();
  }

  /** TCP directions currently tracked. */
  get tcpStreamCount(): number {
    return this.tcp.streamCount;
  }

  // ---------------------------------------------------------------- UDP

  private pushUdp(p: NetPacket, emit: (m: SipPayload) => void): void {
    if (p.payloadEnd <= p.payloadStart) return;
    // RTP/RTCP/STUN/DTLS start with a byte that cannot start a SIP start line: reject without touching `payload`.
    const c0 = p.buf[p.payloadStart]!;
    if (TOKEN_CHAR[c0] !== 1) {
      if (c0 === CR || c0 === LF) this.udpCrlf(p, emit);
      else this.onNonSipUdp?.(p);
      return;
    }
    if (p.payloadEnd - p.payloadStart < 12) {
      this.onNonSipUdp?.(p);
      return;
    }
    // The one-pass scan first, on the datagram where it lies: what it accepts is SIP (see scanUnit), so the start line
    // is classified only when it declines.
    const pre = this.scanUnit?.(p.buf, p.payloadStart, p.payloadEnd, this.limits.maxContentLength);
    if (pre !== undefined) {
      this.emitScannedUdp(p, pre, emit);
      return;
    }
    const b = p.payload;
    if (classifySipStart(b, 0, b.length, true) !== START_YES) {
      this.onNonSipUdp?.(p);
      return;
    }
    this.emitUnit(p, b, 0, 'UDP', emit, true, undefined);
  }

  /** Emit the SIP message scanUnit found at the start of UDP datagram `p` (pre.messageEnd: its end in p.buf). */
  private emitScannedUdp(p: NetPacket, pre: FramedUnit, emit: (m: SipPayload) => void): void {
    const start = p.payloadStart;
    const end = pre.messageEnd;
    this.stats.udpMessages++;
    const m = this.unitPayload ?? new UnitPayload();
    m.frame = p.frame;
    m.firstFrame = p.firstFrame;
    m.timeSec = p.timeSec;
    m.timeNsec = p.timeNsec;
    m.ipVersion = p.ipVersion;
    m.src = this.addr(p.srcIp);
    m.dst = this.addr(p.dstIp);
    m.srcPort = p.srcPort;
    m.dstPort = p.dstPort;
    m.fileOffset = p.payloadFileOffset;
    m.prescan = pre;
    m.of(p.buf, start, end);
    emit(m);
    const pe = p.payloadEnd;
    if (end < pe && !isCrlfOnly(p.buf, end, pe)) this.trailing(p, end - start, pe - start, 'UDP datagram');
  }

  /** A datagram starting with CR/LF: an RFC 5626 keep-alive, or (rarely) CR/LFs before a message. */
  private udpCrlf(p: NetPacket, emit: (m: SipPayload) => void): void {
    const b = p.payload;
    let i = 0;
    while (i < b.length && (b[i] === CR || b[i] === LF)) i++;
    if (i === b.length) {
      this.stats.keepAlives++;
      this.onKeepAlive?.(p);
      return;
    }
    if (classifySipStart(b, i, b.length, true) !== START_YES) return;
    if (this.udpSkipCrlf) {
      this.emitUnit(p, b, i, 'UDP', emit, true, this.prescan(b, i));
      return;
    }
    this.problems.report(
      'sip/leading-crlf-datagram', 'info',
      `UDP datagram has ${i} CR/LF bytes before a SIP start line; not decoded (tshark does not either)`,
      p.frame, p.payloadFileOffset >= 0 ? p.payloadFileOffset : undefined,
    );
  }

  // ---------------------------------------------------------------- SCTP

  private pushSctp(p: NetPacket, emit: (m: SipPayload) => void): void {
    const b = p.payload;
    const n = b.length;
    if (n === 0) return;
    const c0 = b[0]!;
    if (TOKEN_CHAR[c0] !== 1 && c0 !== CR && c0 !== LF) return;
    let i = 0;
    let count = 0;
    while (i < n) {
      const ka = i;
      while (i < n && (b[i] === CR || b[i] === LF)) i++;
      if (i > ka) this.stats.keepAlives++;
      if (i >= n) return;
      if (classifySipStart(b, i, n, true) !== START_YES) {
        if (count > 0) this.trailing(p, i, n, 'SCTP user message');
        return;
      }
      const end = this.emitUnit(p, b, i, 'SCTP', emit, false, this.prescan(b, i));
      count++;
      if (end <= i) return;
      i = end;
    }
  }

  /** scanUnit's result for the message at `start` of the unit `b` (undefined without the hook, or when it declines). */
  private prescan(b: Uint8Array, start: number): FramedUnit | undefined {
    return this.scanUnit?.(b, start, b.length, this.limits.maxContentLength);
  }

  /**
   * Emit the message at `start` of a message-oriented unit (datagram / SCTP user message) and return its end.
   * `reportTrailing`: bytes after the message are reported (UDP: tshark ignores them too). `pre`: prescan(b, start)
   * (undefined: frame it here).
   */
  private emitUnit(
    p: NetPacket, b: Uint8Array, start: number, transport: SipTransport, emit: (m: SipPayload) => void, reportTrailing: boolean,
    pre: FramedUnit | undefined,
  ): number {
    const fileOffset = p.payloadFileOffset >= 0 ? p.payloadFileOffset + start : -1;
    let end: number;
    let truncated = false;
    if (pre !== undefined) end = pre.messageEnd;
    else {
      const r = frameSipDatagram(b, start, b.length, this.limits);
      if (r.notes) this.reportNotes(r.notes, p.frame, fileOffset);
      end = r.end;
      truncated = r.truncated;
    }
    if (transport === 'UDP') this.stats.udpMessages++;
    else this.stats.sctpMessages++;
    emit({
      frame: p.frame,
      firstFrame: p.firstFrame,
      timeSec: p.timeSec,
      timeNsec: p.timeNsec,
      ipVersion: p.ipVersion,
      src: this.addr(p.srcIp),
      dst: this.addr(p.dstIp),
      srcPort: p.srcPort,
      dstPort: p.dstPort,
      transport,
      bytes: start === 0 && end === b.length ? b : b.subarray(start, end), // the common case: the whole datagram
      fileOffset,
      truncated,
      prescan: pre,
    });
    if (reportTrailing && end < b.length && !isCrlfOnly(b, end, b.length)) this.trailing(p, end, b.length, 'UDP datagram');
    return end;
  }

  private trailing(p: NetPacket, from: number, to: number, what: string): void {
    const b = p.payload;
    let i = from;
    while (i < to && (b[i] === CR || b[i] === LF)) i++;
    const another = classifySipStart(b, i, to, true) === START_YES;
    this.problems.report(
      'sip/datagram-trailing-bytes', 'info',
      `${to - from} bytes after the SIP message in a ${what}${another ? ' (another SIP message; only the first is decoded, as tshark does)' : ''}`,
      p.frame, p.payloadFileOffset >= 0 ? p.payloadFileOffset + from : undefined,
    );
  }

  // ---------------------------------------------------------------- TCP

  private newDir(s: TcpStream<Dir>, plain = false): Dir {
    return {
      mode: M_PROBE,
      buf: undefined,
      portHint: this.sipPorts.has(s.srcPort) || this.sipPorts.has(s.dstPort),
      probed: 0,
      need: -1,
      scan: -1,
      skip: 0,
      quiet: false,
      junk: 0,
      junkFrame: 0,
      junkOffset: -1,
      ws: undefined,
      wsEmit: undefined,
      tls: false,
      tlsLink: undefined,
      tlsSide: 0,
      inner: undefined,
      plain,
      src: '',
      dst: '',
    };
  }

  private onData(s: TcpStream<Dir>, bytes: Uint8Array, meta: DeliveryMeta): void {
    let d = s.user;
    if (!d) {
      d = this.newDir(s);
      s.user = d;
    }
    this.consume(s, d, bytes, meta);
  }

  /** Bytes of a direction in order (`d` is the direction's Dir, or the consumer of its decrypted TLS bytes). */
  private consume(s: TcpStream<Dir>, d: Dir, bytes: Uint8Array, meta: DeliveryMeta): void {
    if (d.mode === M_WS) {
      d.ws!.push(bytes, meta, d.wsEmit!);
      return;
    }
    if (d.mode === M_TLS) {
      this.pushTls(s, d, bytes, meta);
      return;
    }
    if (d.mode === M_IGNORE) return;
    const buf = d.buf;
    if (!buf || buf.length === 0) {
      // Fast path: frame straight from the segment; copy only an unfinished tail.
      const used = this.process(s, d, bytes, this.single.set(meta), false);
      if (used < bytes.length && d.mode !== M_WS && d.mode !== M_IGNORE) {
        const tail = bytes.subarray(used);
        this.append(s, d, tail, meta.fileOffset >= 0 ? { ...meta, fileOffset: meta.fileOffset + used } : meta);
      }
      return;
    }
    if (!this.append(s, d, bytes, meta)) return;
    const used = this.process(s, d, buf.bytes(), buf, false);
    buf.consume(used);
  }

  // ---------------------------------------------------------------- TLS

  /** A TLS record starts this direction: decrypt when secrets are given, else report and ignore the connection. */
  private startTls(s: TcpStream<Dir>, d: Dir, meta: DeliveryMeta): void {
    const keys = this.tlsKeys;
    if (keys === undefined || keys.empty || d.plain) {
      this.markTls(s, d, meta);
      return;
    }
    const other = s.reverse?.user;
    let link = other?.tlsLink;
    if (link === undefined || link.streams[1] !== undefined) {
      // The connection's callback refers to its link (only called later, from push).
      const l: TlsLink = { conn: new TlsConnection(keys, this.problems, this.label(s, d), (side, plaintext, m) => this.onPlaintext(l, side, plaintext, m)), streams: [s, undefined], decrypting: false };
      link = l;
      d.tlsSide = 0;
      this.stats.tlsStreams++;
    } else {
      link.streams[1] = s;
      d.tlsSide = 1;
    }
    d.tlsLink = link;
    d.tls = true;
    d.mode = M_TLS;
    d.buf?.clear();
    d.inner = this.newDir(s, true);
  }

  private pushTls(s: TcpStream<Dir>, d: Dir, bytes: Uint8Array, meta: DeliveryMeta): void {
    const link = d.tlsLink!;
    link.conn.push(d.tlsSide, bytes, meta);
    if (link.conn.dead) {
      // Neither direction can be decrypted: stop reassembling the connection.
      for (const t of link.streams) {
        if (t === undefined || t.user === undefined) continue;
        t.user.mode = M_IGNORE;
        t.ignore = true;
      }
    }
  }

  /** Decrypted application data of one side: framed by that direction's plaintext consumer. */
  private onPlaintext(link: TlsLink, side: 0 | 1, plaintext: Uint8Array, meta: DeliveryMeta): void {
    const s = link.streams[side];
    const inner = s?.user?.inner;
    if (s === undefined || inner === undefined) return;
    if (!link.decrypting) {
      link.decrypting = true;
      this.stats.tlsDecrypted++;
    }
    this.consume(s, inner, plaintext, meta);
    if (inner.mode === M_IGNORE) {
      // The decrypted bytes are not SIP (HTTPS...): stop decrypting this direction.
      s.user!.mode = M_IGNORE;
      s.ignore = true;
    }
  }

  /** Buffer bytes for a direction; on budget exhaustion the direction loses them (as a gap). */
  private append(s: TcpStream<Dir>, d: Dir, bytes: Uint8Array, meta: DeliveryMeta): boolean {
    d.buf ??= new DeliveryBuffer(this.budget);
    if (d.buf.append(bytes, meta)) return true;
    this.problems.report('tcp/buffer-limit', 'warning', `buffer limit (${this.budget.limit} bytes) reached; ${bytes.length} bytes of ${this.label(s, d)} dropped`, meta.frame);
    this.lose(s, d, -1, meta);
    return false;
  }

  /** Run the direction's consumer over `b` (from 0); returns the bytes consumed (the rest must be kept). */
  private process(s: TcpStream<Dir>, d: Dir, b: Uint8Array, src: DeliverySource, eof: boolean): number {
    let i = 0;
    const n = b.length;
    for (let guard = 0; guard < 8; guard++) {
      switch (d.mode) {
        case M_SIP:
          return this.frameSip(s, d, b, i, src, eof);
        case M_PROBE: {
          const r = this.probe(s, d, b, i, src);
          if (d.mode === M_PROBE || r >= n) return r;
          i = r;
          break;
        }
        case M_HTTP: {
          const r = this.http(s, d, b, i);
          if (d.mode === M_HTTP || r >= n) return r;
          i = r;
          break;
        }
        case M_WS: {
          const ws = d.ws!;
          const wsEmit = d.wsEmit!;
          src.slices(i, n, (a, e, m) => ws.push(b.subarray(a, e), m, wsEmit));
          return n;
        }
        case M_TLS:
          src.slices(i, n, (a, e, m) => this.pushTls(s, d, b.subarray(a, e), m));
          return n;
        default:
          return n;
      }
    }
    return n;
  }

  /**
   * Direction of unknown content: look at the segment start (after CR/LFs) for TLS, a SIP start line, or HTTP;
   * on SIP ports also after every line end. Returns where the new mode starts, where a partial line to keep
   * starts (mode unchanged), or b.length (nothing to keep).
   */
  private probe(s: TcpStream<Dir>, d: Dir, b: Uint8Array, i: number, src: DeliverySource): number {
    const n = b.length;
    while (i < n && (b[i] === CR || b[i] === LF)) i++;
    if (i >= n) return n;
    const c0 = b[i]!;
    if (c0 >= 0x14 && c0 <= 0x17) {
      // TLS record: ContentType 20..23, ProtocolVersion major 3 (RFC 8446 §5.1, RFC 5246 §6.2.1)
      if (n - i < 3) return i;
      if (b[i + 1] === 3 && b[i + 2]! <= 4 && !d.plain) {
        this.startTls(s, d, src.metaAt(i));
        return d.mode === M_TLS ? i : n;
      }
    }
    const cls = classifySipStart(b, i, n, false);
    if (cls === START_YES) {
      d.mode = M_SIP;
      return i;
    }
    if (cls === START_MAYBE) return i;
    const h = httpStartKind(b, i, n);
    if (h === 'request' || h === 'response') {
      d.mode = M_HTTP;
      return i;
    }
    if (h === 'maybe') return i;
    if (d.portHint) {
      // The capture may have started mid-message: a start line may follow any line end.
      let k = i;
      for (;;) {
        const lf = b.indexOf(LF, k);
        if (lf < 0) break;
        const p = lf + 1;
        if (p >= n) break;
        const c = classifySipStart(b, p, n, false);
        if (c === START_YES) {
          d.mode = M_SIP;
          const m = src.metaAt(i);
          this.problems.report(
            'tcp/mid-stream-start', 'info',
            `${p - i} bytes before the first SIP start line on ${this.label(s, d)} skipped (capture started mid-message?)`,
            m.frame, m.fileOffset >= 0 ? src.fileOffsetOf(i, i + 1) : undefined,
          );
          return p;
        }
        if (c === START_MAYBE) return p;
        k = p;
      }
    } else {
      d.probed += n - i;
      if (d.probed > PROBE_LIMIT_BYTES) {
        d.mode = M_IGNORE;
        if (!d.plain) s.ignore = true; // decrypted bytes that are not SIP: the TLS records still flow (cheaply)
        d.buf?.clear();
      }
    }
    return n;
  }

  private markTls(s: TcpStream<Dir>, d: Dir, meta: DeliveryMeta): void {
    d.mode = M_IGNORE;
    d.tls = true;
    s.ignore = true;
    d.buf?.clear();
    if (s.reverse?.user?.tls) return; // once per connection
    this.stats.tlsStreams++;
    this.problems.report('tls/encrypted-stream', 'info', `TLS on ${this.label(s, d)}: encrypted and no TLS secrets were given (RSA private key or key log), so SIP inside cannot be decoded`, meta.frame, meta.fileOffset >= 0 ? meta.fileOffset : undefined);
  }

  /** HTTP/1.x header section: a WebSocket upgrade (RFC 6455 §4) switches the direction to WebSocket frames. */
  private http(s: TcpStream<Dir>, d: Dir, b: Uint8Array, i: number): number {
    const n = b.length;
    const max = this.limits.maxHeaderBytes;
    // Wait for the whole header section, resuming the search where it stopped (no rescans on tiny segments).
    const he = findHeaderEnd(b, d.scan >= 0 ? i + d.scan : i, Math.min(n, i + max));
    if (he < 0) {
      if (n - i >= max) {
        d.mode = M_PROBE;
        d.scan = -1;
        return n;
      }
      d.scan = Math.max(0, n - i - 3);
      return i;
    }
    d.scan = -1;
    const hs = parseHttpHandshake(b, i, he, max);
    if (hs === undefined || hs === 'need-more') {
      d.mode = M_PROBE;
      return n;
    }
    const upgraded = hs.upgradeWebSocket && (hs.kind === 'request' || hs.status === 101);
    if (!upgraded) {
      // Plain HTTP (e.g. on port 5060): not SIP (tshark reports no SIP message either). Its body is skipped.
      d.mode = M_PROBE;
      return b.length;
    }
    d.mode = M_WS;
    this.stats.webSocketStreams++;
    d.ws = new WebSocketDecoder(this.problems, {
      deflate: hs.extensions.includes('permessage-deflate'),
      budget: this.budget,
      maxMessageBytes: this.limits.maxContentLength + this.limits.maxHeaderBytes,
      label: this.label(s, d),
    });
    d.wsEmit = (m) => this.onWsMessage(s, d, m);
    return hs.headerEnd;
  }

  /** SIP framing loop over `b` from `i` (RFC 3261 §18.3); returns the bytes consumed. */
  private frameSip(s: TcpStream<Dir>, d: Dir, b: Uint8Array, i: number, src: DeliverySource, eof: boolean): number {
    const n = b.length;
    while (i < n) {
      if (d.skip > 0) {
        const k = Math.min(d.skip, n - i);
        d.skip -= k;
        i += k;
        continue;
      }
      if (!eof && d.need > 0 && n - i < d.need) return i; // waiting for the body: do not rescan
      const r = frameSipStream(b, i, n, {
        eof,
        resumeFrom: d.scan >= 0 ? i + d.scan : undefined,
        maxHeaderBytes: this.limits.maxHeaderBytes,
        maxContentLength: this.limits.maxContentLength,
      });
      switch (r.kind) {
        case 'keep-alive':
          this.stats.keepAlives++;
          i = r.end;
          break;
        case 'need-more':
          d.need = r.need;
          d.scan = r.scannedTo - i;
          return i;
        case 'garbage':
          if (r.reason === 'headers-too-long') {
            this.problems.report('sip/headers-too-long', 'warning', `no end of SIP header section within ${this.limits.maxHeaderBytes} bytes on ${this.label(s, d)}; resynchronising`, src.metaAt(i).frame);
          } else if (!d.quiet) {
            if (d.junk === 0) {
              d.junkFrame = src.metaAt(i).frame;
              d.junkOffset = src.fileOffsetOf(i, i + 1);
            }
            d.junk += r.skip;
          }
          d.need = -1;
          d.scan = -1;
          i += r.skip;
          break;
        case 'message':
          d.need = -1;
          d.scan = -1;
          this.flushJunk(s, d);
          d.quiet = false;
          this.emitStreamMessage(s, d, b, r, src);
          i = r.end;
          break;
      }
    }
    return i;
  }

  private emitStreamMessage(s: TcpStream<Dir>, d: Dir, b: Uint8Array, r: FramedMessage, src: DeliverySource): void {
    const last = src.metaAt(r.end - 1);
    const fileOffset = src.fileOffsetOf(r.start, r.end);
    if (r.notes) this.reportNotes(r.notes, last.frame, fileOffset);
    if (r.truncated && !r.notes?.some((x) => x.code === 'sip/content-length-too-large' || x.code === 'sip/unterminated-headers')) {
      this.problems.report('sip/truncated-message', 'warning', `SIP message on ${this.label(s, d)} ended before its Content-Length body (${r.end - r.start} bytes kept)`, last.frame);
    }
    if (d.plain) this.stats.tlsMessages++;
    else this.stats.tcpMessages++;
    this.names(s, d);
    this.emit({
      frame: last.frame,
      firstFrame: src.metaAt(r.start).frame,
      timeSec: last.timeSec,
      timeNsec: last.timeNsec,
      ipVersion: s.ipVersion,
      src: d.src,
      dst: d.dst,
      srcPort: s.srcPort,
      dstPort: s.dstPort,
      transport: d.plain ? 'TLS' : 'TCP',
      bytes: b.subarray(r.start, r.end),
      fileOffset,
      truncated: r.truncated,
    });
  }

  private flushJunk(s: TcpStream<Dir>, d: Dir): void {
    if (d.junk === 0) return;
    this.problems.report(
      'sip/stream-junk', 'warning',
      `${d.junk} bytes that are not SIP skipped before the next start line on ${this.label(s, d)}`,
      d.junkFrame, d.junkOffset >= 0 ? d.junkOffset : undefined,
    );
    d.junk = 0;
  }

  /** A complete WebSocket message: one SIP message (RFC 7118 §5), framed like a datagram. */
  private onWsMessage(s: TcpStream<Dir>, d: Dir, m: WsMessage): void {
    const b = m.payload;
    if (b.length === 0 || isCrlfOnly(b, 0, b.length)) {
      this.stats.keepAlives++;
      return;
    }
    if (classifySipStart(b, 0, b.length, true) !== START_YES) {
      this.problems.report('ws/non-sip-message', 'info', `WebSocket message on ${this.label(s, d)} is not a SIP message; skipped`, m.frame);
      return;
    }
    const r = frameSipDatagram(b, 0, b.length, this.limits);
    if (r.notes) this.reportNotes(r.notes, m.frame, m.fileOffset);
    if (r.end < b.length && !isCrlfOnly(b, r.end, b.length)) {
      this.problems.report('sip/datagram-trailing-bytes', 'info', `${b.length - r.end} bytes after the SIP message in a WebSocket message`, m.frame);
    }
    this.stats.wsMessages++;
    this.names(s, d);
    this.emit({
      frame: m.frame,
      firstFrame: m.firstFrame,
      timeSec: m.timeSec,
      timeNsec: m.timeNsec,
      ipVersion: s.ipVersion,
      src: d.src,
      dst: d.dst,
      srcPort: s.srcPort,
      dstPort: s.dstPort,
      transport: d.plain ? 'WSS' : 'WS',
      bytes: b.subarray(0, r.end),
      fileOffset: m.fileOffset,
      truncated: r.truncated || m.truncated,
    });
  }

  /** Bytes went missing (`lost` > 0) or could not be buffered (`lost` = -1). */
  private onGap(s: TcpStream<Dir>, lost: number, meta: DeliveryMeta): void {
    const d = s.user;
    if (!d) return;
    this.lose(s, d, lost, meta);
  }

  private lose(s: TcpStream<Dir>, d: Dir, lost: number, meta: DeliveryMeta): void {
    switch (d.mode) {
      case M_SIP: {
        const buf = d.buf;
        const have = buf ? buf.length : 0;
        if (have > 0 && buf) {
          const need = d.need;
          // Emit what we have of the message in progress (truncated), then resume exactly at the next message when
          // its length is known, else resynchronise on the next start line.
          this.frameSip(s, d, buf.bytes(), 0, buf, true);
          buf.clear();
          if (need > 0 && lost >= 0 && need - have - lost >= 0) d.skip = need - have - lost;
          else d.quiet = true;
        } else if (d.skip > 0 && lost >= 0) {
          d.skip -= lost;
          if (d.skip < 0) {
            d.skip = 0;
            d.quiet = true;
          }
        } else {
          d.skip = 0;
          d.quiet = true;
        }
        d.need = -1;
        d.scan = -1;
        return;
      }
      case M_WS:
        d.ws!.gap(lost < 0 ? 1 : lost, meta);
        return;
      case M_TLS:
        // The TLS direction cannot be decrypted past lost bytes: the message in progress ends truncated.
        d.tlsLink!.conn.gap(d.tlsSide, lost, meta);
        if (d.inner !== undefined) this.lose(s, d.inner, -1, meta);
        return;
      case M_HTTP:
        d.mode = M_PROBE;
        d.buf?.clear();
        return;
      default:
        d.buf?.clear();
    }
  }

  private onClose(s: TcpStream<Dir>, reason: TcpCloseReason): void {
    const d = s.user;
    if (!d) return;
    if (d.inner !== undefined) this.closeDir(s, d.inner, reason);
    this.closeDir(s, d, reason);
  }

  private closeDir(s: TcpStream<Dir>, d: Dir, reason: TcpCloseReason): void {
    const pending = (d.buf?.length ?? 0) > 0;
    if (reason === 'evicted' && pending) {
      this.problems.report('tcp/stream-evicted', 'info', `TCP stream ${this.label(s, d)} evicted (idle or stream limit) with ${d.buf!.length} bytes pending`, d.buf!.metaAt(0).frame);
    }
    if (d.mode === M_SIP) {
      if (pending) this.frameSip(s, d, d.buf!.bytes(), 0, d.buf!, true);
      this.flushJunk(s, d);
    } else if (d.mode === M_WS) {
      d.ws!.close(d.wsEmit!);
    }
    d.buf?.clear();
    d.buf = undefined;
    d.need = -1;
    d.scan = -1;
    d.skip = 0;
  }

  // ---------------------------------------------------------------- helpers

  private reportNotes(notes: FramingNote[], frame: number, fileOffset: number): void {
    for (const n of notes) this.problems.report(n.code, n.severity, n.message, frame, fileOffset >= 0 ? fileOffset : undefined);
  }

  /** Address text, cached for IPv4 (formatting is only done for emitted SIP messages). */
  private addr(ip: Uint8Array): string {
    if (ip.length !== 4) return formatIp(ip);
    const k = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0;
    let t = this.v4Names.get(k);
    if (t === undefined) {
      if (this.v4Names.size >= ADDRESS_CACHE_SIZE) this.v4Names.clear();
      t = internalized(formatIp(ip));
      this.v4Names.set(k, t);
    }
    return t;
  }

  private names(s: TcpStream<Dir>, d: Dir): void {
    if (d.src === '') {
      d.src = this.addr(s.srcIp);
      d.dst = this.addr(s.dstIp);
    }
  }

  private label(s: TcpStream<Dir>, d: Dir): string {
    this.names(s, d);
    const h = (a: string): string => (a.includes(':') ? `[${a}]` : a);
    return `${h(d.src)}:${s.srcPort} -> ${h(d.dst)}:${s.dstPort}`;
  }
}
