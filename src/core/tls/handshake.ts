// Handshake layer: reassembly of Handshake messages across records (RFC 5246 §7.4, RFC 8446 §4: a message may span
// records, a record may hold several messages) and parsing of the messages the decoder needs: ClientHello
// (RFC 5246 §7.4.1.2), ServerHello (§7.4.1.3; RFC 8446 §4.1.3 supported_versions and HelloRetryRequest),
// NewSessionTicket (RFC 5077 §3.3) and ClientKeyExchange with RSA (RFC 5246 §7.4.7.1).
import { u16be, u24be } from '../bytes/cursor';
import { equalBytes } from '../util/bytes';

export const HS_HELLO_REQUEST = 0;
export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_NEW_SESSION_TICKET = 4;
export const HS_END_OF_EARLY_DATA = 5;
export const HS_CERTIFICATE = 11;
export const HS_SERVER_HELLO_DONE = 14;
export const HS_CERTIFICATE_VERIFY = 15;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;
export const HS_KEY_UPDATE = 24;

export const EXT_ENCRYPT_THEN_MAC = 22;
export const EXT_EXTENDED_MASTER_SECRET = 23;
export const EXT_SESSION_TICKET = 35;
export const EXT_EARLY_DATA = 42;
export const EXT_SUPPORTED_VERSIONS = 43;

/** Largest handshake message buffered (certificate chains are the big ones); larger ones make the direction undecodable. */
export const MAX_HANDSHAKE_MESSAGE = 256 * 1024;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
const HRR_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8,
  0xa8, 0x33, 0x9c,
]);

/**
 * Reassembles one direction's handshake byte stream into messages. `onMessage(type, body, raw)` gets the body and
 * the raw message (4-byte header + body); both are only valid during the call.
 */
export class HandshakeReader {
  private hdr = new Uint8Array(4);
  private hdrHave = 0;
  private msg: Uint8Array | null = null;
  private msgHave = 0;

  /** Bytes of a partial message are held. */
  get partial(): boolean {
    return this.hdrHave > 0;
  }

  /** Drop any partial message (new handshake keys: messages may not span a key change, RFC 8446 §5.1). */
  reset(): void {
    this.hdrHave = 0;
    this.msg = null;
    this.msgHave = 0;
  }

  /**
   * Feed handshake-record plaintext. Returns an error text when a message claims more than MAX_HANDSHAKE_MESSAGE
   * bytes; `stop()` returning true stops feeding (the direction was stopped by a message).
   */
  feed(data: Uint8Array, onMessage: (type: number, body: Uint8Array, raw: Uint8Array) => void, stop: () => boolean): string | undefined {
    let i = 0;
    while (i < data.length && !stop()) {
      if (this.hdrHave === 0 && data.length - i >= 4) {
        const len = u24be(data, i + 1);
        if (len > MAX_HANDSHAKE_MESSAGE) return `handshake message of ${len} bytes`;
        if (data.length - i - 4 >= len) {
          const raw = data.subarray(i, i + 4 + len);
          i += 4 + len;
          onMessage(raw[0]!, raw.subarray(4), raw);
          continue;
        }
      }
      if (this.hdrHave < 4) {
        while (this.hdrHave < 4 && i < data.length) this.hdr[this.hdrHave++] = data[i++]!;
        if (this.hdrHave < 4) break;
        const len = u24be(this.hdr, 1);
        if (len > MAX_HANDSHAKE_MESSAGE) return `handshake message of ${len} bytes`;
        this.msg = new Uint8Array(4 + len);
        this.msg.set(this.hdr, 0);
        this.msgHave = 4;
      }
      const msg = this.msg!;
      const n = Math.min(msg.length - this.msgHave, data.length - i);
      msg.set(data.subarray(i, i + n), this.msgHave);
      this.msgHave += n;
      i += n;
      if (this.msgHave === msg.length) {
        this.reset();
        onMessage(msg[0]!, msg.subarray(4), msg);
      }
    }
    return undefined;
  }
}

/** Extensions by type (the last occurrence wins); bodies are views of the message. */
type Extensions = Map<number, Uint8Array>;

function parseExtensions(b: Uint8Array, at: number): Extensions | undefined {
  const ext: Extensions = new Map();
  if (at === b.length) return ext; // no extensions block (RFC 5246 §7.4.1.2)
  if (at + 2 > b.length) return undefined;
  const end = at + 2 + u16be(b, at);
  if (end > b.length) return undefined;
  let p = at + 2;
  while (p + 4 <= end) {
    const type = u16be(b, p);
    const len = u16be(b, p + 2);
    if (p + 4 + len > end) return undefined;
    ext.set(type, b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return ext;
}

/** The fields of a ClientHello the decoder uses (copied: valid after the call). */
export interface ClientHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  /** SessionTicket extension data (RFC 5077 §3.2); undefined when the extension is absent, empty when asking for a ticket. */
  ticket: Uint8Array | undefined;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  earlyData: boolean;
}

/** Parse a ClientHello body (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2); undefined when malformed. */
export function parseClientHello(b: Uint8Array): ClientHello | undefined {
  if (b.length < 2 + 32 + 1) return undefined;
  let p = 2 + 32;
  const sidLen = b[p]!;
  if (sidLen > 32 || p + 1 + sidLen > b.length) return undefined;
  const sessionId = b.slice(p + 1, p + 1 + sidLen);
  p += 1 + sidLen;
  if (p + 2 > b.length) return undefined;
  p += 2 + u16be(b, p);
  if (p + 1 > b.length) return undefined;
  p += 1 + b[p]!;
  if (p > b.length) return undefined;
  const ext = parseExtensions(b, p);
  if (!ext) return undefined;
  const ticket = ext.get(EXT_SESSION_TICKET);
  return {
    version: u16be(b, 0),
    random: b.slice(2, 34),
    sessionId,
    ticket: ticket ? ticket.slice() : undefined,
    extendedMasterSecret: ext.has(EXT_EXTENDED_MASTER_SECRET),
    encryptThenMac: ext.has(EXT_ENCRYPT_THEN_MAC),
    earlyData: ext.has(EXT_EARLY_DATA),
  };
}

/** The fields of a ServerHello the decoder uses (copied). */
export interface ServerHello {
  /** Negotiated version: supported_versions when present (TLS 1.3, RFC 8446 §4.2.1), else server_version. */
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** The server will send a NewSessionTicket (RFC 5077 §3.2). */
  sessionTicket: boolean;
  /** HelloRetryRequest (RFC 8446 §4.1.4): not a real ServerHello, another ClientHello follows. */
  helloRetryRequest: boolean;
}

/** Parse a ServerHello body (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3); undefined when malformed. */
export function parseServerHello(b: Uint8Array): ServerHello | undefined {
  if (b.length < 2 + 32 + 1) return undefined;
  let p = 2 + 32;
  const sidLen = b[p]!;
  if (sidLen > 32 || p + 1 + sidLen + 3 > b.length) return undefined;
  const sessionId = b.slice(p + 1, p + 1 + sidLen);
  p += 1 + sidLen;
  const cipherSuite = u16be(b, p);
  const compression = b[p + 2]!;
  const ext = parseExtensions(b, p + 3);
  if (!ext) return undefined;
  const sv = ext.get(EXT_SUPPORTED_VERSIONS);
  const random = b.slice(2, 34);
  return {
    version: sv && sv.length === 2 ? u16be(sv, 0) : u16be(b, 0),
    random,
    sessionId,
    cipherSuite,
    compression,
    extendedMasterSecret: ext.has(EXT_EXTENDED_MASTER_SECRET),
    encryptThenMac: ext.has(EXT_ENCRYPT_THEN_MAC),
    sessionTicket: ext.has(EXT_SESSION_TICKET),
    helloRetryRequest: equalBytes(random, HRR_RANDOM),
  };
}

/** The ticket of a TLS 1.2 NewSessionTicket (RFC 5077 §3.3: lifetime_hint(4) + ticket<0..2^16-1>), copied. */
export function parseNewSessionTicket(b: Uint8Array): Uint8Array | undefined {
  if (b.length < 6) return undefined;
  const len = u16be(b, 4);
  if (6 + len > b.length) return undefined;
  return b.slice(6, 6 + len);
}

/** EncryptedPreMasterSecret of an RSA ClientKeyExchange: 2-byte length-prefixed in TLS 1.x (RFC 5246 §7.4.7.1), copied. */
export function parseRsaClientKeyExchange(b: Uint8Array): Uint8Array | undefined {
  if (b.length >= 2 && u16be(b, 0) === b.length - 2) return b.slice(2);
  return b.length > 0 ? b.slice() : undefined; // SSL 3.0 style without the length prefix
}
