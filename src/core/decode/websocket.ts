// WebSocket on a reassembled TCP byte stream (RFC 6455): recognise the HTTP Upgrade handshake (RFC 6455 §4,
// RFC 7118 §4 `Sec-WebSocket-Protocol: sip`), then decode frames per direction (§5.2) into complete messages (§5.4).
import type { ProblemCollector } from '../capture/problems';
import { DeliveryBuffer, SingleDelivery, type ByteBudget, type DeliveryMeta, type DeliverySource } from './tcp-stream';
import { findHeaderEnd, MAX_HEADER_BYTES } from './sip-framing';
import { concatBytes } from '../util/bytes';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

/** Largest WebSocket message (all fragments) assembled; larger ones are skipped without buffering. 16 MiB + 64 KiB. */
export const MAX_WS_MESSAGE_BYTES = 16 * 1024 * 1024 + 65536;

/** What {@link parseHttpHandshake} saw in an HTTP/1.x header section. */
export interface HttpHandshake {
  kind: 'request' | 'response';
  /** Response status code (responses only), e.g. 101. */
  status: number;
  /** `Upgrade` lists the `websocket` token (case-insensitive, RFC 6455 §4.1/§4.2.2). */
  upgradeWebSocket: boolean;
  /** `Sec-WebSocket-Protocol` tokens, lowercased (RFC 6455 §11.3.4; RFC 7118 §4: `sip`). */
  protocols: string[];
  /** `Sec-WebSocket-Extensions` offers/agreements, lowercased extension names (e.g. `permessage-deflate`). */
  extensions: string[];
  /** Index just after the empty line that ends the header section. */
  headerEnd: number;
}

/**
 * True when `bytes[offset..]` starts like an HTTP/1.x request line with method GET (the only method that can carry a
 * WebSocket opening handshake, RFC 6455 §4.1) or an HTTP/1.x status line. Needs 4 bytes (`GET `) or 7 (`HTTP/1.`).
 * Returns 'maybe' when the bytes end before that is decided.
 */
export function httpStartKind(bytes: Uint8Array, offset: number, end: number = bytes.length): 'request' | 'response' | 'maybe' | 'no' {
  const pick = (lit: string): 'yes' | 'maybe' | 'no' => {
    for (let k = 0; k < lit.length; k++) {
      if (offset + k >= end) return 'maybe';
      if (bytes[offset + k] !== lit.charCodeAt(k)) return 'no';
    }
    return 'yes';
  };
  const g = pick('GET ');
  if (g === 'yes') return 'request';
  const h = pick('HTTP/1.');
  if (h === 'yes') return 'response';
  return g === 'maybe' || h === 'maybe' ? 'maybe' : 'no';
}

/**
 * Parse an HTTP/1.x header section at `start` (request or response, see {@link httpStartKind}) for the WebSocket
 * handshake fields. Returns 'need-more' when the empty line is not within `[start, end)` yet (and the section is
 * shorter than `maxHeaderBytes`), undefined when it is not HTTP or is too long. Header names case-insensitive;
 * list values split on commas. Never throws.
 */
export function parseHttpHandshake(
  bytes: Uint8Array,
  start: number,
  end: number = bytes.length,
  maxHeaderBytes: number = MAX_HEADER_BYTES,
): HttpHandshake | 'need-more' | undefined {
  const kind = httpStartKind(bytes, start, end);
  if (kind === 'no') return undefined;
  if (kind === 'maybe') return 'need-more';
  const headerEnd = findHeaderEnd(bytes, start, Math.min(end, start + maxHeaderBytes));
  if (headerEnd < 0) return end - start >= maxHeaderBytes ? undefined : 'need-more';
  const hs: HttpHandshake = { kind, status: 0, upgradeWebSocket: false, protocols: [], extensions: [], headerEnd };
  const latin1 = (a: number, b: number): string => {
    let s = '';
    for (let i = a; i < b; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  };
  let lineEnd = bytes.indexOf(LF, start);
  if (kind === 'response') {
    // HTTP-version SP 3DIGIT
    const m = /^HTTP\/1\.\d (\d{3})/.exec(latin1(start, Math.min(lineEnd, start + 64)));
    if (!m) return undefined;
    hs.status = Number(m[1]);
  }
  let name = '';
  let value = '';
  const commit = (): void => {
    if (name === 'upgrade') {
      if (value.split(',').some((t) => t.trim().toLowerCase() === 'websocket')) hs.upgradeWebSocket = true;
    } else if (name === 'sec-websocket-protocol') {
      for (const t of value.split(',')) if (t.trim()) hs.protocols.push(t.trim().toLowerCase());
    } else if (name === 'sec-websocket-extensions') {
      for (const t of value.split(',')) {
        const n = t.split(';')[0]!.trim().toLowerCase();
        if (n) hs.extensions.push(n);
      }
    }
    name = '';
  };
  while (lineEnd >= 0 && lineEnd + 1 < headerEnd) {
    const ls = lineEnd + 1;
    let le = bytes.indexOf(LF, ls);
    if (le < 0 || le > headerEnd) le = headerEnd;
    const textEnd = le > ls && bytes[le - 1] === CR ? le - 1 : le;
    if (textEnd > ls) {
      const c = bytes[ls];
      if (c === SP || c === HTAB) {
        if (name) value += ' ' + latin1(ls, textEnd).trim(); // obsolete line folding
      } else {
        commit();
        const colon = bytes.indexOf(0x3a, ls);
        if (colon > ls && colon < textEnd) {
          name = latin1(ls, colon).trim().toLowerCase();
          value = latin1(colon + 1, textEnd).trim();
        }
      }
    }
    lineEnd = le;
  }
  commit();
  return hs;
}

/** One complete WebSocket data message (text or binary), ready to be framed as SIP. */
export interface WsMessage {
  /** Unmasked payload of all fragments. A view valid only during the callback. */
  payload: Uint8Array;
  /** 1 text, 2 binary. */
  opcode: number;
  /** Record that delivered the last byte of the final fragment. */
  frame: number;
  /** Record that delivered the first byte of the first fragment's frame header. */
  firstFrame: number;
  timeSec: number;
  timeNsec: number;
  /** File offset of payload[0] when the message is one unmasked frame within one TCP segment, else -1. */
  fileOffset: number;
  /** The stream ended or lost bytes before the message was complete. */
  truncated: boolean;
}

export interface WebSocketDecoderOptions {
  /** permessage-deflate was negotiated (RFC 7692): RSV1 messages are compressed and cannot be decoded here. */
  deflate?: boolean;
  maxMessageBytes?: number;
  /** Shared byte budget charged for buffered bytes. */
  budget?: ByteBudget;
  /** Describes the direction in problem messages, e.g. `10.0.0.1:43380 -> 10.0.0.2:8080`. */
  label?: string;
}

/**
 * Decoder for ONE direction of a WebSocket connection, fed with the in-order bytes after the handshake.
 * Handles FIN, opcodes (0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong; others reported and
 * skipped), masking (client -> server; unmasked frames accepted either way), 7/16/64-bit payload lengths,
 * fragmented messages with control frames in between (RFC 6455 §5.4).
 * Bounds: a frame is buffered until complete only if the message stays within maxMessageBytes; larger ones
 * are skipped as they stream by (problem `ws/message-too-large`). Never throws.
 * Problem codes: `ws/bad-frame`, `ws/compressed-message`, `ws/message-too-large`, `ws/truncated-message`.
 */
export class WebSocketDecoder {
  private readonly buf: DeliveryBuffer;
  private readonly maxMessage: number;
  /** Payload bytes of the current frame still to discard (oversized or undecodable frames). */
  private skip = 0;
  /** Fragments of the message in progress (unmasked), or undefined. */
  private parts: Uint8Array[] | undefined;
  private partsBytes = 0;
  private partsOpcode = 0;
  private partsFirstFrame = 0;
  /** The message in progress is being discarded (too large / compressed / lost). */
  private discarding = false;
  /** After lost bytes inside an unknown frame: search segment starts for a plausible frame header. */
  private lostSync = false;
  /** A close frame was seen (later data is still decoded, but counted). */
  closeSeen = false;
  /** Counters: data messages emitted, control frames seen. */
  readonly stats = { messages: 0, pings: 0, pongs: 0, closes: 0 };
  private readonly single = new SingleDelivery();

  constructor(
    private readonly problems: ProblemCollector,
    private readonly opts: WebSocketDecoderOptions = {},
  ) {
    this.buf = new DeliveryBuffer(opts.budget);
    this.maxMessage = opts.maxMessageBytes ?? MAX_WS_MESSAGE_BYTES;
  }

  /** Feed in-order stream bytes (a view valid during the call). Complete data messages go to `emit`. */
  push(bytes: Uint8Array, meta: DeliveryMeta, emit: (m: WsMessage) => void): void {
    let off = 0;
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length);
      this.skip -= n;
      off = n;
      if (off === bytes.length) return;
      if (meta.fileOffset >= 0) meta = { ...meta, fileOffset: meta.fileOffset + off };
      bytes = bytes.subarray(off);
    }
    if (this.lostSync) {
      if (!this.plausibleFrameStart(bytes, 0)) return;
      this.lostSync = false;
    }
    if (this.buf.length === 0) {
      // Fast path: decode straight from the segment; copy only an incomplete tail.
      this.single.set(meta);
      const used = this.decode(bytes, this.single, emit);
      if (used < bytes.length && this.skip === 0 && !this.lostSync) {
        const tail = bytes.subarray(used);
        const m = meta.fileOffset >= 0 ? { ...meta, fileOffset: meta.fileOffset + used } : meta;
        if (!this.buf.append(tail, m)) this.overBudget(meta.frame);
      }
      return;
    }
    if (!this.buf.append(bytes, meta)) {
      this.overBudget(meta.frame);
      return;
    }
    const used = this.decode(this.buf.bytes(), this.buf, emit);
    if (this.skip > 0 || this.lostSync) this.buf.clear();
    else this.buf.consume(used);
  }

  /**
   * `lost` bytes of the stream are missing. A frame in progress with a known length is skipped exactly;
   * otherwise frame sync is lost until a segment starts with a plausible frame header. Any message in
   * progress is dropped (problem `ws/truncated-message`).
   */
  gap(lost: number, meta: DeliveryMeta): void {
    if (this.skip > 0) {
      if (lost <= this.skip) {
        this.skip -= lost;
        return;
      }
      this.skip = 0;
      this.lostSync = true;
    }
    let continues = false;
    if (!this.lostSync && this.skip === 0) {
      const have = this.buf.bytes();
      const h = parseFrameHeader(have, 0, have.length);
      if (h && h !== 'need-more' && h.headerLen + h.payloadLen - have.length - lost >= 0) {
        // The hole ends inside this frame: skip exactly to the next frame header.
        this.skip = h.headerLen + h.payloadLen - have.length - lost;
        // Does the message it belongs to go on after it? Then its later fragments are discarded too.
        continues = h.opcode >= 8 ? this.parts !== undefined || this.discarding : !h.fin;
      } else {
        this.lostSync = have.length > 0 || lost > 0;
      }
    }
    if (this.parts || this.buf.length > 0) {
      this.problems.report('ws/truncated-message', 'warning', `WebSocket message lost bytes${this.label()}; dropped`, meta.frame);
    }
    this.parts = undefined;
    this.partsBytes = 0;
    this.discarding = continues;
    this.buf.clear();
  }

  /**
   * End of stream: a partially received data message (complete fragments plus the received part of the current
   * frame) is emitted with truncated=true; nothing else. State is cleared.
   */
  close(emit: (m: WsMessage) => void): void {
    const have = this.buf.bytes();
    let partial: Uint8Array | undefined;
    let firstFrame = this.partsFirstFrame;
    let opcode = this.partsOpcode;
    let last: DeliveryMeta | undefined;
    if (!this.discarding && !this.lostSync && have.length > 0) {
      const h = parseFrameHeader(have, 0, have.length);
      if (h && h !== 'need-more' && !h.rsv1 && (h.opcode === 0 ? this.parts !== undefined : h.opcode === 1 || h.opcode === 2)) {
        const body = have.slice(Math.min(h.headerLen, have.length));
        if (h.mask) unmask(body, h.maskKey, 0);
        partial = body;
        last = this.buf.metaAt(have.length - 1);
        if (!this.parts) {
          firstFrame = this.buf.metaAt(0).frame;
          opcode = h.opcode;
        }
      }
    }
    if (this.parts && !this.discarding) {
      this.emitPartial(concat(partial ? [...this.parts, partial] : this.parts), opcode, firstFrame, last, emit);
    } else if (partial && partial.length > 0) {
      this.emitPartial(partial, opcode, firstFrame, last, emit);
    }
    this.parts = undefined;
    this.partsBytes = 0;
    this.discarding = false;
    this.buf.clear();
    this.skip = 0;
  }

  private emitPartial(payload: Uint8Array, opcode: number, firstFrame: number, last: DeliveryMeta | undefined, emit: (m: WsMessage) => void): void {
    if (payload.length === 0) return;
    const m = last ?? this.lastMeta;
    if (!m) return;
    this.problems.report('ws/truncated-message', 'warning', `WebSocket message incomplete at end of stream${this.label()}`, m.frame);
    emit({ payload, opcode, frame: m.frame, firstFrame: firstFrame || m.frame, timeSec: m.timeSec, timeNsec: m.timeNsec, fileOffset: -1, truncated: true });
  }

  /** Meta of the last complete fragment, for a partial message whose current frame has no bytes yet. */
  private lastMeta: DeliveryMeta | undefined;

  /** Decode complete frames in `b`; returns the bytes consumed (whole frames, or up to a skip). */
  private decode(b: Uint8Array, meta: DeliverySource, emit: (m: WsMessage) => void): number {
    let i = 0;
    const n = b.length;
    while (i < n) {
      const h = parseFrameHeader(b, i, n);
      if (h === 'need-more') return i;
      if (!h) {
        // 64-bit length with the top bit set (RFC 6455 §5.2 forbids it): framing is lost.
        this.problems.report('ws/bad-frame', 'warning', `invalid WebSocket frame header${this.label()}; waiting for a plausible frame`, meta.metaAt(i).frame);
        this.lostSync = true;
        this.parts = undefined;
        return n;
      }
      const { opcode, fin, headerLen, payloadLen } = h;
      const frameStart = i;
      const isControl = opcode >= 8;
      if (isControl) {
        if (!fin || payloadLen > 125) {
          this.problems.report('ws/bad-frame', 'warning', `control frame ${opcode} fragmented or longer than 125 bytes (RFC 6455 §5.5)${this.label()}`, meta.metaAt(i).frame);
        }
      }
      const total = headerLen + payloadLen;
      const tooBig = payloadLen + (isControl ? 0 : this.partsBytes) > this.maxMessage;
      if (tooBig && !isControl) {
        // Never buffer it: report, discard the message, skip the payload as it streams by.
        if (!this.discarding) {
          this.problems.report('ws/message-too-large', 'warning', `WebSocket message larger than ${this.maxMessage} bytes${this.label()}; skipped`, meta.metaAt(i).frame);
        }
        this.discarding = !fin;
        this.parts = undefined;
        this.partsBytes = 0;
        const avail = n - i;
        if (avail >= total) {
          i += total;
          continue;
        }
        this.skip = total - avail;
        return n;
      }
      if (n - i < total) {
        if (tooBig) {
          // Oversized control frame: skip it too.
          this.skip = total - (n - i);
          return n;
        }
        return i; // wait for the whole frame
      }
      const pStart = i + headerLen;
      const pEnd = i + total;
      i = pEnd;
      if (isControl) {
        if (opcode === 8) {
          this.stats.closes++;
          this.closeSeen = true;
        } else if (opcode === 9) this.stats.pings++;
        else if (opcode === 10) this.stats.pongs++;
        else this.problems.report('ws/bad-frame', 'warning', `reserved control opcode ${opcode}${this.label()}; skipped`, meta.metaAt(frameStart).frame);
        continue;
      }
      if (opcode !== 0 && opcode !== 1 && opcode !== 2) {
        this.problems.report('ws/bad-frame', 'warning', `reserved data opcode ${opcode}${this.label()}; skipped`, meta.metaAt(frameStart).frame);
        continue;
      }
      if (opcode === 0 && !this.parts && !this.discarding) {
        this.problems.report('ws/bad-frame', 'warning', `continuation frame without a message in progress${this.label()}; skipped`, meta.metaAt(frameStart).frame);
        continue;
      }
      if (opcode !== 0 && (this.parts || this.discarding)) {
        if (this.parts) this.problems.report('ws/bad-frame', 'warning', `new message before the previous one finished (RFC 6455 §5.4)${this.label()}; previous dropped`, meta.metaAt(frameStart).frame);
        this.parts = undefined;
        this.partsBytes = 0;
        this.discarding = false;
      }
      if (opcode !== 0 && h.rsv1) {
        this.problems.report('ws/compressed-message', 'warning', `compressed (RSV1${this.opts.deflate ? ', permessage-deflate' : ''}) WebSocket message cannot be decoded${this.label()}; skipped`, meta.metaAt(frameStart).frame);
        this.discarding = !fin;
        continue;
      }
      if (this.discarding) {
        if (fin) this.discarding = false;
        continue;
      }
      const lastMeta = meta.metaAt(pEnd - 1);
      if (fin && !this.parts) {
        // Single-frame message: unmasked payload can stay a view (and keep its file offset).
        let payload: Uint8Array;
        let fileOffset = -1;
        if (h.mask) {
          payload = b.slice(pStart, pEnd);
          unmask(payload, h.maskKey, 0);
        } else {
          payload = b.subarray(pStart, pEnd);
          fileOffset = payloadLen > 0 ? meta.fileOffsetOf(pStart, pEnd) : -1;
        }
        this.stats.messages++;
        emit({
          payload, opcode, frame: lastMeta.frame, firstFrame: meta.metaAt(frameStart).frame,
          timeSec: lastMeta.timeSec, timeNsec: lastMeta.timeNsec, fileOffset, truncated: false,
        });
        continue;
      }
      const part = b.slice(pStart, pEnd);
      if (h.mask) unmask(part, h.maskKey, 0);
      if (!this.parts) {
        this.parts = [];
        this.partsOpcode = opcode;
        this.partsFirstFrame = meta.metaAt(frameStart).frame;
      }
      this.parts.push(part);
      this.partsBytes += part.length;
      this.lastMeta = { ...lastMeta };
      if (fin) {
        const payload = concat(this.parts);
        this.parts = undefined;
        this.partsBytes = 0;
        this.stats.messages++;
        emit({
          payload, opcode: this.partsOpcode, frame: lastMeta.frame, firstFrame: this.partsFirstFrame,
          timeSec: lastMeta.timeSec, timeNsec: lastMeta.timeNsec, fileOffset: -1, truncated: false,
        });
      }
    }
    return i;
  }

  /** After a loss of sync: does a frame header that looks like the start of a SIP-carrying data frame begin here? */
  private plausibleFrameStart(b: Uint8Array, i: number): boolean {
    const h = parseFrameHeader(b, i, b.length);
    if (!h || h === 'need-more') return false;
    if (h.rsv1 || h.rsv23) return false;
    if (h.opcode >= 8) return h.fin && h.payloadLen <= 125;
    if (h.opcode !== 1 && h.opcode !== 2) return false;
    if (h.payloadLen === 0 || h.payloadLen > this.maxMessage) return false;
    // The first payload byte (unmasked) of a SIP message is a token character or 'S' of "SIP/2.0".
    const p = i + h.headerLen;
    if (p >= b.length) return true;
    const c = h.mask ? b[p]! ^ h.maskKey[0]! : b[p]!;
    return (c >= 0x41 && c <= 0x5a) || c === CR || c === LF;
  }

  private overBudget(frame: number): void {
    this.problems.report('tcp/buffer-limit', 'warning', `buffer limit reached${this.label()}; WebSocket bytes dropped`, frame);
    this.buf.clear();
    this.parts = undefined;
    this.partsBytes = 0;
    this.lostSync = true;
  }

  private label(): string {
    return this.opts.label ? ` (${this.opts.label})` : '';
  }
}

/** Parsed RFC 6455 §5.2 base framing header. */
export interface WsFrameHeader {
  fin: boolean;
  rsv1: boolean;
  /** RSV2 or RSV3 set. */
  rsv23: boolean;
  opcode: number;
  mask: boolean;
  maskKey: Uint8Array;
  headerLen: number;
  /** Payload length in bytes (up to 2^53 - 1; larger values make the header invalid). */
  payloadLen: number;
}

const NO_KEY = new Uint8Array(4);

/**
 * Read the frame header at `i` (2..14 bytes): 'need-more' when `[i, end)` is too short, undefined when the
 * 64-bit length has its most significant bit set or exceeds 2^53 (RFC 6455 §5.2).
 */
export function parseFrameHeader(b: Uint8Array, i: number, end: number): WsFrameHeader | 'need-more' | undefined {
  if (end - i < 2) return 'need-more';
  const b0 = b[i]!;
  const b1 = b[i + 1]!;
  const mask = (b1 & 0x80) !== 0;
  let len = b1 & 0x7f;
  let hl = 2;
  if (len === 126) {
    if (end - i < 4) return 'need-more';
    len = (b[i + 2]! << 8) | b[i + 3]!;
    hl = 4;
  } else if (len === 127) {
    if (end - i < 10) return 'need-more';
    const hi = ((b[i + 2]! << 24) | (b[i + 3]! << 16) | (b[i + 4]! << 8) | b[i + 5]!) >>> 0;
    const lo = ((b[i + 6]! << 24) | (b[i + 7]! << 16) | (b[i + 8]! << 8) | b[i + 9]!) >>> 0;
    if (hi >= 0x200000) return undefined; // top bit set, or beyond Number.MAX_SAFE_INTEGER
    len = hi * 0x100000000 + lo;
    hl = 10;
  }
  let maskKey: Uint8Array = NO_KEY;
  if (mask) {
    if (end - i < hl + 4) return 'need-more';
    maskKey = b.subarray(i + hl, i + hl + 4);
    hl += 4;
  }
  return { fin: (b0 & 0x80) !== 0, rsv1: (b0 & 0x40) !== 0, rsv23: (b0 & 0x30) !== 0, opcode: b0 & 0x0f, mask, maskKey, headerLen: hl, payloadLen: len };
}

/** XOR `data` in place with the 4-byte masking key (RFC 6455 §5.3); `keyOffset` = payload index of data[0]. */
export function unmask(data: Uint8Array, key: Uint8Array, keyOffset: number): void {
  const k0 = key[0]!, k1 = key[1]!, k2 = key[2]!, k3 = key[3]!;
  const k = [k0, k1, k2, k3];
  for (let j = 0; j < data.length; j++) data[j] = data[j]! ^ k[(j + keyOffset) & 3]!;
}

/** The fragments as one array (a single fragment as it is, no copy). */
function concat(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}
