// Key material for TLS decryption: RSA private keys (TLS_RSA key exchange, RFC 5246 §7.4.7.1), NSS key log entries
// (SSLKEYLOGFILE: CLIENT_RANDOM master secrets for TLS 1.0-1.2, traffic secrets for TLS 1.3), and a bounded cache of
// master secrets by session id / session ticket for abbreviated handshakes (RFC 5246 §7.3, RFC 5077 §3.1).
import { fromHex } from './bytes';
import { toHex } from '../util/bytes';
import { parsePemKeys, rsaPkcs1Decrypt, type RsaPrivateKey } from './rsa';

/** User-supplied key material: PEM texts (RSA private keys) and NSS key-log texts. */
export interface TlsKeyInput {
  rsaKeys?: string[];
  keyLogs?: string[];
}

/**
 * A problem with user key material. Codes: 'tls/key-unsupported' (encrypted or non-RSA key), 'tls/key-invalid'
 * (bad base64 / DER), 'tls/key-none' (PEM text without any private key), 'tls/keylog-line' (malformed key-log line).
 */
export interface TlsKeyProblem {
  code: string;
  message: string;
}

/** Key-log labels the decoder uses (NSS key log format); other labels are ignored. */
const KEY_LOG_LABELS = [
  'CLIENT_RANDOM',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
] as const;
export type KeyLogLabel = (typeof KEY_LOG_LABELS)[number];
const USED_LABELS: ReadonlySet<string> = new Set<string>(KEY_LOG_LABELS);

/** Most session-cache entries kept (oldest evicted first). */
export const SESSION_CACHE_LIMIT = 4096;
/** Most problems reported individually per addKeyLog call (the rest are summarized in one problem). */
const LINE_PROBLEMS_PER_CALL = 5;

/** Length of the TLS 1.x pre-master secret carried by RSA key exchange (RFC 5246 §7.4.7.1). */
const PRE_MASTER_LENGTH = 48;

/**
 * Key material shared by all TLS connections of a capture: RSA private keys (tried in turn on each RSA-encrypted
 * pre-master secret), NSS key-log entries by client random, and a bounded cache (SESSION_CACHE_LIMIT entries, oldest
 * evicted) of master secrets by session id / ticket filled by the connections themselves, so that a later abbreviated
 * handshake can reuse an earlier session's master secret. Never throws on user input: problems go to `problems`.
 */
export class TlsKeyStore {
  /** Problems with the key material, in the order found. */
  readonly problems: TlsKeyProblem[] = [];
  private readonly rsa: RsaPrivateKey[] = [];
  /** hex(client random) → label → secret. */
  private readonly keyLog = new Map<string, Map<string, Uint8Array>>();
  /** 'i' + hex(session id) / 't' + hex(ticket) → master secret. Insertion-ordered for FIFO eviction. */
  private readonly sessions = new Map<string, Uint8Array>();

  /** A store holding `input`'s keys (problems collected, never thrown). */
  static from(input: TlsKeyInput | undefined): TlsKeyStore {
    const s = new TlsKeyStore();
    for (const pem of input?.rsaKeys ?? []) s.addRsaKeys(pem);
    for (const log of input?.keyLogs ?? []) s.addKeyLog(log);
    return s;
  }

  /** PEM text with one or more keys; returns how many RSA keys were added; problems go to this.problems. */
  addRsaKeys(pem: string): number {
    const results = parsePemKeys(pem);
    let added = 0;
    for (const r of results) {
      if ('key' in r) {
        if (!this.rsa.some((k) => k.n === r.key.n)) this.rsa.push(r.key);
        added++;
      } else {
        this.problems.push({ code: r.code, message: r.message });
      }
    }
    if (results.length === 0) this.problems.push({ code: 'tls/key-none', message: 'no PEM private key (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----) found in the key text' });
    return added;
  }

  /**
   * NSS key log text (lines `LABEL <client random hex> <secret hex>`; '#' comments; hex case-insensitive); returns
   * lines used. Labels other than CLIENT_RANDOM and the TLS 1.3 handshake / application traffic secrets are ignored;
   * malformed lines give 'tls/keylog-line' problems. Safe to call many times (e.g. pcapng Decryption Secrets Blocks
   * arriving mid-capture); a later entry for the same client random and label replaces the earlier one.
   */
  addKeyLog(text: string): number {
    let used = 0;
    let bad = 0;
    const lines = text.split(/\r?\n|\r/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const f = line.split(/\s+/);
      const label = f[0]!;
      let why: string | undefined;
      if (f.length !== 3) why = 'expected "LABEL <client random> <secret>"';
      else if (!/^[A-Z0-9_]+$/.test(label)) why = `bad label "${label.slice(0, 40)}"`;
      if (!why && !USED_LABELS.has(label)) continue;
      const random = why ? undefined : fromHex(f[1]!);
      const secret = why ? undefined : fromHex(f[2]!);
      if (!why && (!random || random.length !== 32)) why = 'client random is not 32 bytes of hex';
      else if (!why && (!secret || secret.length === 0)) why = 'secret is not hex';
      else if (!why && label === 'CLIENT_RANDOM' && secret!.length !== 48) why = 'CLIENT_RANDOM master secret is not 48 bytes';
      else if (!why && label !== 'CLIENT_RANDOM' && secret!.length !== 32 && secret!.length !== 48) why = 'traffic secret is not 32 or 48 bytes';
      if (why) {
        bad++;
        if (bad <= LINE_PROBLEMS_PER_CALL) this.problems.push({ code: 'tls/keylog-line', message: `key log line ${i + 1}: ${why}` });
        continue;
      }
      const key = toHex(random!);
      let m = this.keyLog.get(key);
      if (!m) this.keyLog.set(key, (m = new Map()));
      m.set(label, secret!);
      used++;
    }
    if (bad > LINE_PROBLEMS_PER_CALL) this.problems.push({ code: 'tls/keylog-line', message: `${bad - LINE_PROBLEMS_PER_CALL} more malformed key log lines` });
    return used;
  }

  /** No RSA key and no key-log entry: callers skip TLS work entirely. */
  get empty(): boolean {
    return this.rsa.length === 0 && this.keyLog.size === 0;
  }

  /** Number of distinct RSA private keys held. */
  get rsaKeyCount(): number {
    return this.rsa.length;
  }

  /** Number of client randoms with key-log entries. */
  get keyLogSize(): number {
    return this.keyLog.size;
  }

  /** The key-log secret for `clientRandom` (32 bytes) and `label`, or undefined. */
  keyLogSecret(clientRandom: Uint8Array, label: KeyLogLabel): Uint8Array | undefined {
    return this.keyLog.get(toHex(clientRandom))?.get(label);
  }

  /**
   * Decrypt an RSA-encrypted pre-master secret (the EncryptedPreMasterSecret body without its 2-byte length,
   * RFC 5246 §7.4.7.1) trying each key (RSAES-PKCS1-v1_5, RFC 8017 §7.2.2). Returns the 48-byte pre-master secret
   * from the first key whose unpadding succeeds with a 48-byte message, or undefined.
   */
  decryptPreMaster(encrypted: Uint8Array): Uint8Array | undefined {
    for (const key of this.rsa) {
      if (key.size !== encrypted.length) continue;
      const m = rsaPkcs1Decrypt(key, encrypted);
      if (m && m.length === PRE_MASTER_LENGTH) return m;
    }
    return undefined;
  }

  /** Remember the master secret of a session by session id or by session ticket (bounded FIFO cache). */
  rememberSession(kind: 'id' | 'ticket', key: Uint8Array, masterSecret: Uint8Array): void {
    if (key.length === 0) return;
    const k = (kind === 'id' ? 'i' : 't') + toHex(key);
    this.sessions.delete(k);
    this.sessions.set(k, masterSecret.slice());
    while (this.sessions.size > SESSION_CACHE_LIMIT) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
  }

  /** The master secret remembered for a session id / ticket, or undefined. */
  recallSession(kind: 'id' | 'ticket', key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0) return undefined;
    return this.sessions.get((kind === 'id' ? 'i' : 't') + toHex(key));
  }
}
