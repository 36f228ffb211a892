// One TCP connection carrying TLS: record layer framing (RFC 5246 §6.2, RFC 8446 §5.1), the handshake state needed
// to find the keys (TLS 1.0-1.2 full and abbreviated handshakes, RFC 5246 §7.3; TLS 1.3, RFC 8446 §2), and
// decryption of both directions into application-data plaintext.
import type { ProblemCollector, ProblemSeverity } from '../capture/problems';
import type { DeliveryMeta } from '../decode/tcp-stream';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { concatBytes, equalBytes, toHex } from '../util/bytes';
import { u16be } from '../bytes/cursor';
import {
  HandshakeReader,
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_HELLO_REQUEST,
  HS_KEY_UPDATE,
  HS_NEW_SESSION_TICKET,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  parseClientHello,
  parseNewSessionTicket,
  parseRsaClientKeyExchange,
  parseServerHello,
  type ClientHello,
  type ServerHello,
} from './handshake';
import type { KeyLogLabel, TlsKeyStore } from './keys';
import { hashFn, keyBlock, masterSecret, prfHashOf } from './prf';
import { Tls13Decryptor, tls12Decryptor, type RecordDecryptor, type Tls12Keys } from './record-cipher';
import { CIPHER_SUITES, describeSuite, fixedIvLength, macLength, type CipherSuite, type SuiteHash } from './suites';

const CT_CHANGE_CIPHER_SPEC = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPLICATION_DATA = 23;
const CT_HEARTBEAT = 24;

/** Largest TLSCiphertext.length accepted: 2^14 + 2048 (RFC 5246 §6.2.3); anything longer is not a TLS record. */
export const MAX_RECORD_LENGTH = 16384 + 2048;
/** Most NewSessionTicket tickets held while the master secret is not yet known. */
const MAX_PENDING_TICKETS = 8;

/** A running hash of handshake messages (incremental noble hash). */
interface IncrementalHash {
  update(b: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): IncrementalHash;
}

/**
 * session_hash of RFC 7627 §3: Hash(ClientHello .. ClientKeyExchange) with the PRF hash in TLS 1.2, MD5 || SHA-1
 * in TLS 1.0/1.1. Fed with ClientHello, then the server flight (ServerHello .. ServerHelloDone); the client's
 * messages after its ClientHello (Certificate, ClientKeyExchange) are added at the end, so the canonical order
 * holds whatever order the two directions are delivered in.
 */
class SessionHash {
  private readonly parts: IncrementalHash[];
  constructor(version: number, prfHash: SuiteHash) {
    this.parts =
      version >= 0x0303 ? [hashFn(prfHash).create() as unknown as IncrementalHash] : [md5.create() as unknown as IncrementalHash, sha1.create() as unknown as IncrementalHash];
  }
  update(b: Uint8Array): void {
    for (const h of this.parts) h.update(b);
  }
  /** The digest of everything fed plus `tail`, leaving this hash unchanged. */
  digestWith(tail: Uint8Array[]): Uint8Array {
    return concatBytes(
      this.parts.map((h) => {
        const c = h.clone();
        for (const t of tail) c.update(t);
        return c.digest();
      }),
    );
  }
}

/** One handshake (the initial one, or a TLS 1.2 renegotiation) and the keys it yields. */
interface Epoch {
  ch: ClientHello;
  chRaw: Uint8Array;
  sh?: ServerHello;
  suite?: CipherSuite;
  version: number;
  hrr: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** A ClientKeyExchange was seen (full handshake); without one, a ChangeCipherSpec means an abbreviated handshake. */
  cke: boolean;
  encryptedPreMaster?: Uint8Array;
  sessionHash?: SessionHash;
  serverFlightDone: boolean;
  clientFlightDone: boolean;
  clientMsgs: Uint8Array[];
  master?: Uint8Array;
  keys?: { client: Tls12Keys; server: Tls12Keys };
  failed: boolean;
  pendingTickets: Uint8Array[];
}

/** Read side of one direction. */
class Direction {
  stopped = false;
  readonly hdr = new Uint8Array(5);
  hdrHave = 0;
  body: Uint8Array | null = null;
  bodyHave = 0;
  records = 0;
  cipher: RecordDecryptor | null = null;
  readonly hs = new HandshakeReader();
  /** TLS 1.3: which traffic secret the next encrypted record uses (installed lazily from the key log). */
  stage: 'handshake' | 'application' | null = null;
  /** TLS 1.3 client offered 0-RTT: records that fail with the handshake key before one succeeds are early data (skipped). */
  earlyData = false;
  decryptedOnce = false;

  stop(): void {
    this.stopped = true;
    this.body = null;
    this.hdrHave = 0;
    this.cipher = null;
    this.hs.reset();
  }
}

/** One TCP connection carrying TLS. Directions are 0 and 1 as the caller names them (0 = the first direction the caller saw); the connection learns which is the client from the ClientHello. */
export class TlsConnection {
  private readonly dirs: [Direction, Direction] = [new Direction(), new Direction()];
  private clientDir: 0 | 1 | undefined;
  private epoch: Epoch | undefined;
  private tls13 = false;
  private anyHello = false;
  private decrypted = false;
  private readonly reported = new Set<string>();
  private meta: DeliveryMeta = { frame: 0, timeSec: 0, timeNsec: 0, fileOffset: -1 };
  private outMeta: DeliveryMeta | null = null;
  private emitThrew = false;

  /**
   * @param keys RSA keys / key log / session cache (shared by all connections of a capture).
   * @param problems where `tls/*` problems go (at most once per connection per code).
   * @param label the connection as shown in messages, e.g. `10.0.0.1:5061 -> 10.0.0.2:40000`.
   * @param emit receives each application_data record's plaintext (owned bytes, never empty) with the meta of the
   *   push that completed the record, fileOffset -1.
   */
  constructor(
    private readonly keys: TlsKeyStore,
    private readonly problems: ProblemCollector,
    private readonly label: string,
    private readonly emit: (dir: 0 | 1, plaintext: Uint8Array, meta: DeliveryMeta) => void,
  ) {}

  /** True once the connection is known to be undecryptable in both directions (no key matched, unsupported suite, ...), so the caller may stop feeding it. */
  get dead(): boolean {
    return this.dirs[0].stopped && this.dirs[1].stopped;
  }

  /** True once some application data was decrypted. */
  get decrypting(): boolean {
    return this.decrypted;
  }

  /**
   * In-order stream bytes of direction `dir` (any chunking: a record may span many pushes, a push may hold many
   * records). `meta` describes the capture record (frame, time) that delivered `bytes`. Each application_data
   * record's plaintext is passed to emit with the meta of the push that completed that record, fileOffset set to -1.
   * `bytes` is only valid during the call (only a partial record is copied). Never throws.
   */
  push(dir: 0 | 1, bytes: Uint8Array, meta: DeliveryMeta): void {
    const d = this.dirs[dir];
    if (d.stopped || bytes.length === 0) return;
    this.meta = meta;
    this.outMeta = null;
    try {
      this.frame(dir, d, bytes);
    } catch (err) {
      // Safety net for "never throw on capture bytes": an exception from emit is the caller's and is rethrown.
      if (this.emitThrew) {
        this.emitThrew = false;
        throw err;
      }
      this.report('tls/bad-record', 'warning', `undecodable TLS data in the ${this.dirName(dir)} direction (${String(err).slice(0, 120)}); the rest of that direction is not decoded`);
      d.stop();
    }
  }

  /** `lost` bytes (or -1 = unknown) of direction `dir` are missing: that direction can no longer be decrypted (reported once as `tls/gap`). */
  gap(dir: 0 | 1, lost: number, meta: DeliveryMeta): void {
    const d = this.dirs[dir];
    if (d.stopped) return;
    this.meta = meta;
    const what = lost >= 0 ? `${lost} bytes` : 'bytes';
    this.report('tls/gap', 'warning', `${what} lost in the ${this.dirName(dir)} direction; its TLS records cannot be decrypted after the gap`);
    d.stop();
  }

  /** Cut `bytes` into records (copying only a partial record) and process each complete one. */
  private frame(dir: 0 | 1, d: Direction, bytes: Uint8Array): void {
    const n = bytes.length;
    let i = 0;
    while (i < n && !d.stopped) {
      if (d.hdrHave === 0 && n - i >= 5) {
        if (!this.checkHeader(dir, bytes, i)) return;
        const len = u16be(bytes, i + 3);
        if (n - i - 5 >= len) {
          this.onRecord(dir, bytes.subarray(i, i + 5), bytes.subarray(i + 5, i + 5 + len), false);
          i += 5 + len;
          continue;
        }
      }
      if (d.hdrHave < 5) {
        while (d.hdrHave < 5 && i < n) d.hdr[d.hdrHave++] = bytes[i++]!;
        if (d.hdrHave < 5) break;
        if (!this.checkHeader(dir, d.hdr, 0)) return;
        d.body = new Uint8Array(u16be(d.hdr, 3));
        d.bodyHave = 0;
      }
      const body = d.body!;
      const k = Math.min(body.length - d.bodyHave, n - i);
      body.set(bytes.subarray(i, i + k), d.bodyHave);
      d.bodyHave += k;
      i += k;
      if (d.bodyHave === body.length) {
        d.hdrHave = 0;
        d.body = null;
        this.onRecord(dir, d.hdr, body, true);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Record layer

  /** Validate a record header (content type 20-24, version 3.x, length <= 2^14 + 2048); on failure stop the direction. */
  private checkHeader(dir: 0 | 1, b: Uint8Array, at: number): boolean {
    const type = b[at]!;
    const major = b[at + 1]!;
    const len = u16be(b, at + 3);
    if (type >= CT_CHANGE_CIPHER_SPEC && type <= CT_HEARTBEAT && major === 3 && len <= MAX_RECORD_LENGTH) return true;
    const d = this.dirs[dir];
    if (d.records === 0 && !this.anyHello) {
      this.report('tls/encrypted-stream', 'info', `no TLS record boundary at the start of the ${this.dirName(dir)} stream (the capture starts after the TLS handshake, or this is not TLS), so SIP inside cannot be decoded`);
    } else {
      const ver = '0x' + u16be(b, at + 1).toString(16).padStart(4, '0');
      this.report('tls/bad-record', 'warning', `bad TLS record header in the ${this.dirName(dir)} direction (content type ${type}, version ${ver}, length ${len}, limit ${MAX_RECORD_LENGTH}); the rest of that direction is not decoded`);
    }
    d.stop();
    return false;
  }

  /** One complete record. `owned`: header/body are this connection's buffers (else views of the caller's bytes). */
  private onRecord(dir: 0 | 1, header: Uint8Array, body: Uint8Array, owned: boolean): void {
    const d = this.dirs[dir];
    d.records++;
    let type = header[0]!;
    let plain = body;
    let plainOwned = owned;
    const encrypted = this.tls13 ? type === CT_APPLICATION_DATA : d.cipher !== null || type === CT_APPLICATION_DATA;
    if (encrypted) {
      if (!d.cipher && !this.prepareCipher(dir)) return;
      const r = d.cipher!.decrypt(header, body);
      if ('error' in r) {
        if (d.earlyData && !d.decryptedOnce) return; // 0-RTT data under the early traffic secret: not decoded
        this.report('tls/decrypt-failed', 'warning', `${r.error} in the ${this.dirName(dir)} direction (wrong key or corrupted capture); the rest of that direction is not decoded`);
        d.stop();
        return;
      }
      d.decryptedOnce = true;
      type = r.type;
      plain = r.plaintext;
      plainOwned = true;
    }
    switch (type) {
      case CT_CHANGE_CIPHER_SPEC:
        if (!this.tls13) this.changeCipherSpec(dir);
        return;
      case CT_HANDSHAKE: {
        const err = d.hs.feed(
          plain,
          (t, b, raw) => this.onHandshake(dir, t, b, raw),
          () => d.stopped,
        );
        if (err) {
          this.report('tls/bad-record', 'warning', `${err} in the ${this.dirName(dir)} direction exceeds the limit; the rest of that direction is not decoded`);
          d.stop();
        }
        return;
      }
      case CT_APPLICATION_DATA:
        if (!encrypted) return;
        this.decrypted = true;
        if (plain.length > 0) {
          if (!this.outMeta) this.outMeta = { ...this.meta, fileOffset: -1 };
          try {
            this.emit(dir, plainOwned ? plain : plain.slice(), this.outMeta);
          } catch (err) {
            this.emitThrew = true;
            throw err;
          }
        }
        return;
      case CT_ALERT:
      case CT_HEARTBEAT:
      default:
        return;
    }
  }

  /** Install the read keys of `dir` for an encrypted record that arrives without them; false when it cannot be decrypted (reported, or skipped 0-RTT). */
  private prepareCipher(dir: 0 | 1): boolean {
    const d = this.dirs[dir];
    const e = this.epoch;
    if (this.tls13 && d.stage && e) return this.installTls13(dir, e);
    if (e && dir === this.clientDir && e.ch.earlyData && !e.sh) return false; // 0-RTT before the ServerHello
    let why: string;
    if (!e) why = 'the TLS handshake is not in the capture';
    else if (!e.sh) why = 'no ServerHello was seen';
    else why = 'encrypted records arrived before the keys were negotiated';
    this.report('tls/encrypted-stream', 'info', `${why}, so SIP inside cannot be decoded`);
    d.stop();
    return false;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Handshake layer

  private onHandshake(dir: 0 | 1, type: number, body: Uint8Array, raw: Uint8Array): void {
    const e = this.epoch;
    // RFC 7627 §3 session_hash input (TLS 1.0-1.2 with extended master secret).
    if (e?.sessionHash && type !== HS_HELLO_REQUEST && type !== HS_CLIENT_HELLO && type !== HS_SERVER_HELLO) {
      if (dir === this.clientDir) {
        if (!e.clientFlightDone && type !== HS_CERTIFICATE_VERIFY && type !== HS_FINISHED) {
          e.clientMsgs.push(raw.slice());
          if (type === HS_CLIENT_KEY_EXCHANGE) e.clientFlightDone = true;
        }
      } else if (!e.serverFlightDone) {
        e.sessionHash.update(raw);
        if (type === HS_SERVER_HELLO_DONE) e.serverFlightDone = true;
      }
    }
    switch (type) {
      case HS_CLIENT_HELLO:
        this.onClientHello(dir, body, raw);
        return;
      case HS_SERVER_HELLO:
        this.onServerHello(dir, body, raw);
        return;
      case HS_CLIENT_KEY_EXCHANGE:
        if (e && dir === this.clientDir && !this.tls13) {
          e.cke = true;
          if (e.suite?.kx === 'rsa') e.encryptedPreMaster = parseRsaClientKeyExchange(body);
        }
        return;
      case HS_NEW_SESSION_TICKET:
        if (e && !this.tls13 && dir !== this.clientDir) {
          const ticket = parseNewSessionTicket(body);
          if (!ticket || ticket.length === 0) return;
          if (e.master) this.keys.rememberSession('ticket', ticket, e.master);
          else if (e.pendingTickets.length < MAX_PENDING_TICKETS) e.pendingTickets.push(ticket);
        }
        return;
      case HS_FINISHED: {
        // TLS 1.3: after its Finished, each side sends under its application traffic secret (RFC 8446 §7.1).
        const d = this.dirs[dir];
        if (this.tls13 && d.stage === 'handshake') {
          d.stage = 'application';
          d.cipher = null;
          d.earlyData = false;
        }
        return;
      }
      case HS_KEY_UPDATE: {
        // RFC 8446 §4.6.3: the sender's next records use the next generation of its traffic secret.
        const d = this.dirs[dir];
        if (this.tls13 && d.stage === 'application' && d.cipher instanceof Tls13Decryptor) d.cipher = d.cipher.next();
        return;
      }
      default:
        return;
    }
  }

  private onClientHello(dir: 0 | 1, body: Uint8Array, raw: Uint8Array): void {
    if (this.clientDir === undefined) this.clientDir = dir;
    if (dir !== this.clientDir) return;
    const ch = parseClientHello(body);
    if (!ch) {
      this.report('tls/bad-record', 'warning', `malformed ClientHello in the ${this.dirName(dir)} direction; the connection is not decoded`);
      this.stopAll();
      return;
    }
    this.anyHello = true;
    const e = this.epoch;
    if (this.tls13) {
      // Second ClientHello after a HelloRetryRequest (RFC 8446 §4.1.4); TLS 1.3 has no renegotiation.
      if (e?.hrr) {
        e.ch = ch;
        e.chRaw = raw.slice();
        e.hrr = false;
      }
      return;
    }
    this.epoch = {
      ch,
      chRaw: raw.slice(),
      version: 0,
      hrr: false,
      extendedMasterSecret: false,
      encryptThenMac: false,
      cke: false,
      serverFlightDone: false,
      clientFlightDone: false,
      clientMsgs: [],
      failed: false,
      pendingTickets: [],
    };
  }

  private onServerHello(dir: 0 | 1, body: Uint8Array, raw: Uint8Array): void {
    if (this.clientDir === undefined) this.clientDir = dir === 0 ? 1 : 0;
    const e = this.epoch;
    if (dir === this.clientDir || !e) return;
    const sh = parseServerHello(body);
    if (!sh) {
      this.report('tls/bad-record', 'warning', `malformed ServerHello in the ${this.dirName(dir)} direction; the connection is not decoded`);
      this.stopAll();
      return;
    }
    e.sh = sh;
    e.version = sh.version;
    if (sh.version === 0x0304) {
      this.tls13 = true;
      if (sh.helloRetryRequest) {
        e.hrr = true;
        return;
      }
      const suite = CIPHER_SUITES.get(sh.cipherSuite);
      if (!suite || suite.kx !== 'tls13') return this.unsupported(`cipher suite ${describeSuite(sh.cipherSuite)} is not supported`);
      e.suite = suite;
      for (const d of this.dirs) {
        d.stage = 'handshake';
        d.cipher = null;
      }
      const client = this.dirs[this.clientDir!];
      client.earlyData = e.ch.earlyData;
      client.decryptedOnce = false;
      return;
    }
    if (sh.version < 0x0301 || sh.version > 0x0303) return this.unsupported(`protocol version 0x${sh.version.toString(16).padStart(4, '0')} is not supported (TLS 1.0-1.3 are)`);
    const suite = CIPHER_SUITES.get(sh.cipherSuite);
    if (!suite || suite.kx === 'tls13') return this.unsupported(`cipher suite ${describeSuite(sh.cipherSuite)} is not supported`);
    if (sh.compression !== 0) return this.unsupported(`compression method ${sh.compression} is not supported`);
    e.suite = suite;
    e.extendedMasterSecret = e.ch.extendedMasterSecret && sh.extendedMasterSecret;
    e.encryptThenMac = e.ch.encryptThenMac && sh.encryptThenMac && suite.cipher === 'aes-cbc';
    if (e.extendedMasterSecret) {
      e.sessionHash = new SessionHash(sh.version, prfHashOf(suite.hash));
      e.sessionHash.update(e.chRaw);
      e.sessionHash.update(raw);
    }
  }

  private unsupported(why: string): void {
    this.report('tls/unsupported-cipher-suite', 'info', `${why}, so SIP inside cannot be decoded`);
    this.stopAll();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Keys

  /** TLS 1.0-1.2 ChangeCipherSpec from `dir`: its following records use the new keys, sequence number 0 (RFC 5246 §7.1). */
  private changeCipherSpec(dir: 0 | 1): void {
    const e = this.epoch;
    if (!e?.sh || !e.suite) return; // e.g. a TLS 1.3 middlebox-compatibility CCS before the ServerHello
    if (!this.deriveKeys(e)) return;
    const d = this.dirs[dir];
    d.cipher = tls12Decryptor(dir === this.clientDir ? e.keys!.client : e.keys!.server);
    d.hs.reset();
  }

  /** Master secret and key block of a TLS 1.0-1.2 epoch (RFC 5246 §8.1, §6.3); reports and stops both directions when impossible. */
  private deriveKeys(e: Epoch): boolean {
    if (e.keys) return true;
    if (e.failed) return false;
    const sh = e.sh!;
    const suite = e.suite!;
    const prfHash = prfHashOf(suite.hash);
    const short = toHex(e.ch.random.subarray(0, 8));
    const fail = (why: string): boolean => {
      e.failed = true;
      this.report('tls/encrypted-stream', 'info', `${why} (${suite.name}), so SIP inside cannot be decoded`);
      this.stopAll();
      return false;
    };
    let master = this.keys.keyLogSecret(e.ch.random, 'CLIENT_RANDOM');
    if (!master && !e.cke) {
      // Abbreviated handshake (RFC 5246 §7.3; RFC 5077 §3.1): the earlier session's master secret.
      if (sh.sessionId.length > 0 && equalBytes(sh.sessionId, e.ch.sessionId)) master = this.keys.recallSession('id', sh.sessionId);
      if (!master && e.ch.ticket && e.ch.ticket.length > 0) master = this.keys.recallSession('ticket', e.ch.ticket);
      if (!master) return fail(`the abbreviated handshake resumes a session whose master secret is unknown (not in this capture's earlier sessions; no key-log entry for client random ${short}...)`);
    }
    if (!master) {
      if (suite.kx !== 'rsa') return fail(`${suite.kx === 'ecdhe' ? 'ECDHE' : 'DHE'} key exchange needs a key log (no key-log entry for client random ${short}...)`);
      if (!e.encryptedPreMaster) return fail('no ClientKeyExchange was seen');
      if (this.keys.rsaKeyCount === 0) return fail(`no key-log entry for client random ${short}... and no RSA private key`);
      const pms = this.keys.decryptPreMaster(e.encryptedPreMaster);
      if (!pms) return fail('no RSA key decrypts the pre-master secret');
      master = masterSecret(e.version, prfHash, pms, e.ch.random, sh.random, e.extendedMasterSecret && e.sessionHash ? e.sessionHash.digestWith(e.clientMsgs) : undefined);
    }
    const macLen = macLength(suite);
    const ivLen = fixedIvLength(suite, e.version);
    const kb = keyBlock(e.version, prfHash, master, e.ch.random, sh.random, 2 * (macLen + suite.keyLen + ivLen));
    let at = 0;
    const take = (n: number): Uint8Array => kb.subarray(at, (at += n));
    const cMac = take(macLen);
    const sMac = take(macLen);
    const cKey = take(suite.keyLen);
    const sKey = take(suite.keyLen);
    const cIv = take(ivLen);
    const sIv = take(ivLen);
    const base = { suite, version: e.version, encryptThenMac: e.encryptThenMac };
    e.keys = { client: { ...base, macKey: cMac, key: cKey, iv: cIv }, server: { ...base, macKey: sMac, key: sKey, iv: sIv } };
    e.master = master;
    e.clientMsgs = [];
    if (sh.sessionId.length > 0) this.keys.rememberSession('id', sh.sessionId, master);
    for (const t of e.pendingTickets) this.keys.rememberSession('ticket', t, master);
    e.pendingTickets = [];
    return true;
  }

  /** TLS 1.3 read keys of `dir` for its current stage, from the key log (RFC 8446 §7.1, §7.3). */
  private installTls13(dir: 0 | 1, e: Epoch): boolean {
    const d = this.dirs[dir];
    const suite = e.suite!;
    const isClient = dir === this.clientDir;
    const label: KeyLogLabel =
      d.stage === 'handshake'
        ? isClient
          ? 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
          : 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
        : isClient
          ? 'CLIENT_TRAFFIC_SECRET_0'
          : 'SERVER_TRAFFIC_SECRET_0';
    const secret = this.keys.keyLogSecret(e.ch.random, label);
    const hashLen = suite.hash === 'sha384' ? 48 : 32;
    if (!secret || secret.length !== hashLen) {
      const short = toHex(e.ch.random.subarray(0, 8));
      const why = secret ? `the key-log ${label} for client random ${short}... has the wrong length` : `TLS 1.3 needs a key log (no ${label} key-log entry for client random ${short}...)`;
      this.report('tls/encrypted-stream', 'info', `${why} (${suite.name}), so SIP inside cannot be decoded`);
      d.stop();
      return false;
    }
    d.cipher = new Tls13Decryptor(suite, secret);
    return true;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private stopAll(): void {
    this.dirs[0].stop();
    this.dirs[1].stop();
  }

  private dirName(dir: 0 | 1): string {
    if (this.clientDir === undefined) return `${dir === 0 ? 'first' : 'second'}`;
    return dir === this.clientDir ? 'client-to-server' : 'server-to-client';
  }

  private report(code: string, severity: ProblemSeverity, message: string): void {
    if (this.reported.has(code)) return;
    this.reported.add(code);
    this.problems.report(code, severity, `TLS ${this.label}: ${message}`, this.meta.frame);
  }
}
