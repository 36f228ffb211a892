// Transaction matching for passive reconstruction (RFC 3261 §17.1.3 client / §17.2.3 server, with the §17.2.3
// RFC 2543 fallback) and retransmission detection, for CallModelBuilder: it says which transaction a message belongs
// to (indexes in creation order) and keeps the transactions in a TransactionStore. A transaction belongs to one call:
// a call's few transactions are found by walking its own list and comparing branch bytes; calls with many (a
// REGISTER or OPTIONS stream under one Call-ID) and RFC 2543 keys go through ByteKeyTables. Signatures are kept in a
// numeric log, so matching builds no string and no object per message or per transaction. (Running it in the import
// front instead was measured slower: the worker became the busier thread.)
import type { IdLists } from './id-lists';
import type { FactValues, SipFacts } from './reconstruct';
import { TransactionStore } from './stores';
import { ByteKeyTable, hashBytes } from '../util/byte-key-table';
import { grown, INITIAL_COLUMN_LENGTH as INITIAL } from '../util/typed-array';

/** RFC 3261 §8.1.1.7: branch values starting with this magic cookie are globally unique per transaction. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * How long (capture time, seconds) a transaction stays matchable after its last message: at least this, at most
 * about twice this. A call's own list (PER_CALL_SCAN) ends it at exactly this; the key table at between one and two
 * horizons (two generations of keys, see TransactionMatcher.advance), which bounds its memory.
 */
export const TRANSACTION_HORIZON_SEC = 300;

/** The transaction of one message. The matcher reuses one object: read it before the next match. */
export interface TransactionMatch {
  /** Index of the transaction (creation order, from 0). */
  index: number;
  /** The message created the transaction. */
  created: boolean;
  /** Method of the transaction (request method, or the CSeq method of a response). */
  method: string;
  /** Matched with the RFC 2543 fallback (no magic cookie in the branch). */
  rfc2543: boolean;
  /** The transaction began with a request without To tag (dialog-initiating or out-of-dialog), or with a response. */
  initial: boolean;
  /** RFC 3261 §17: the same request, or the same response (status, To tag), again in the same direction. */
  retransmission: boolean;
}

/** Numbers per signature record: source key, destination key, code, To tag id, previous record of the transaction. */
const SIG_FIELDS = 5;

/**
 * Signatures of the messages seen (RFC 3261 §17: source, destination, request method or response status, To tag), to
 * mark retransmissions: per transaction a chain of records, newest first. Records are numbered from 0 in the order
 * added and kept in two generations like the keys (records from `oldBase` in `old`, from `youngBase` in `young`);
 * a rotation drops the older generation, which ends every chain that reaches into it.
 */
class SignatureLog {
  private young = new Float64Array(SIG_FIELDS * INITIAL);
  private old = new Float64Array(0);
  private youngBase = 0;
  private oldBase = 0;
  private next = 0;
  /** Newest record of each transaction, -1 = none. */
  private head = new Float64Array(INITIAL).fill(-1);

  rotate(): void {
    this.old = this.young.subarray(0, (this.next - this.youngBase) * SIG_FIELDS);
    this.oldBase = this.youngBase;
    this.young = new Float64Array(Math.max(SIG_FIELDS * 4096, this.old.length));
    this.youngBase = this.next;
  }

  /**
   * Note the signature for transaction `tx` (a new transaction has index = the previous count); true when the
   * transaction already had it. A signature found only in the older generation is noted again in the young one.
   */
  seen(tx: number, src: number, dst: number, code: number, tag: number): boolean {
    if (tx >= this.head.length) {
      const h = new Float64Array(this.head.length * 2).fill(-1);
      h.set(this.head);
      this.head = h;
    }
    let r = this.head[tx]!;
    while (r >= this.oldBase) {
      const young = r >= this.youngBase;
      const a = young ? this.young : this.old;
      const o = (r - (young ? this.youngBase : this.oldBase)) * SIG_FIELDS;
      if (a[o] === src && a[o + 1] === dst && a[o + 2] === code && a[o + 3] === tag) {
        if (!young) this.append(tx, src, dst, code, tag);
        return true;
      }
      r = a[o + 4]!;
    }
    this.append(tx, src, dst, code, tag);
    return false;
  }

  private append(tx: number, src: number, dst: number, code: number, tag: number): void {
    const o = (this.next - this.youngBase) * SIG_FIELDS;
    if (o === this.young.length) this.young = grown(this.young, this.young.length * 2);
    const a = this.young;
    a[o] = src;
    a[o + 1] = dst;
    a[o + 2] = code;
    a[o + 3] = tag;
    a[o + 4] = this.head[tx]!;
    this.head[tx] = this.next++;
  }
}

const COOKIE_LENGTH = BRANCH_MAGIC_COOKIE.length;

/** b[s, s + 7) is the magic cookie `z9hG4bK` (RFC 3261 §8.1.1.7; case-sensitive, as the branch is compared). */
function hasMagicCookie(b: Uint8Array, s: number): boolean {
  return b[s] === 0x7a && b[s + 1] === 0x39 && b[s + 2] === 0x68 && b[s + 3] === 0x47 && b[s + 4] === 0x34 && b[s + 5] === 0x62 && b[s + 6] === 0x4b;
}

/**
 * A call's RFC 3261 transactions are found by walking its own transaction list while it has at most this many;
 * past it, they are put in the key table (which also expires them by generations, so a long REGISTER or OPTIONS
 * stream under one Call-ID neither walks a long list nor keeps every key).
 */
export const PER_CALL_SCAN = 8;

export class TransactionMatcher {
  /** The transactions, in creation order. */
  readonly store = new TransactionStore();

  /**
   * `byCall`: the transaction indexes of each call (owner = call index), which the matcher appends to when it
   * creates a transaction; the caller adds each call as an owner before matching its first message.
   */
  constructor(private readonly byCall: IdLists) {}

  /** Capture time of the last advance() (seconds). */
  private now = 0;
  /**
   * First transaction by key (the branch bytes, or the RFC 2543 composite key), in two generations: keys used since
   * the last rotation, and keys used in the generation before. A rotation (every horizon of capture time) drops the
   * older generation whole, so expiry costs nothing per transaction. Transactions sharing a key (an INVITE and its
   * CANCEL) are chained through store.next. Signatures of seen messages are kept the same way.
   */
  private byKey = new ByteKeyTable();
  private byKeyOld = new ByteKeyTable(16);
  private readonly sigs = new SignatureLog();
  private lastRotation = -1;
  private lastCheck = 0;
  private scratch = new Uint8Array(256);
  private readonly out: TransactionMatch = { index: -1, created: false, method: '', rfc2543: false, initial: false, retransmission: false };

  /** Number of transactions created. */
  get size(): number {
    return this.store.count;
  }

  /**
   * Capture time `now` (seconds) has been reached: rotate the key generations when a horizon has passed since the
   * last rotation (looked at every tenth of a horizon). Call for every message, before match().
   */
  advance(now: number): void {
    this.now = now;
    if (now - this.lastCheck <= TRANSACTION_HORIZON_SEC / 10) return;
    this.lastCheck = now;
    if (this.lastRotation < 0) this.lastRotation = now;
    else if (now - this.lastRotation >= TRANSACTION_HORIZON_SEC) {
      this.byKeyOld = this.byKey;
      this.byKey = new ByteKeyTable(1 << 14);
      this.sigs.rotate();
      this.lastRotation = now;
    }
  }

  /**
   * The transaction of a message of call `callIndex` (not 'invalid'), or undefined when it names no method; counts
   * the message in the transaction. `v` holds the message's top Via branch as bytes. `srcKey`/`dstKey` identify
   * source and destination (address id * 65536 + port), `methodKey` the request method and `toTag` the To tag
   * (TagTable id, -1 = none), with any ids that are equal exactly when the texts are.
   */
  match(f: SipFacts, v: FactValues, callIndex: number, srcKey: number, dstKey: number, methodKey: number, toTag: number): TransactionMatch | undefined {
    const method = f.kind === 'request' ? f.method : f.cseqMethod;
    if (!method) return undefined;
    const store = this.store;
    const sentBy = f.viaSentBy ?? '';
    const vb = v.bytes;
    const bs = v.branchStart;
    const be = v.branchEnd;
    const rfc3261 = bs >= 0 && be - bs >= COOKIE_LENGTH && hasMagicCookie(vb, bs);
    const isAck = f.kind === 'request' && method === 'ACK';
    const byCall = this.byCall;
    // RFC 3261 branches are unique per transaction: a call with few transactions is searched by its list.
    const scan = rfc3261 && byCall.count(callIndex) <= PER_CALL_SCAN;
    let tx = -1;
    let kb = vb;
    let ks = bs;
    let ke = be;
    let h = 0;
    let head = -1;
    if (scan) tx = this.scanCall(callIndex, isAck, method, sentBy, vb, bs, be);
    else {
      // The branch alone finds the (few) candidates; the RFC 2543 fallback needs the composite key.
      if (!rfc3261) {
        const branch = bs >= 0 ? vb.subarray(bs, be) : undefined;
        kb = this.encode(`2543|${f.callId}|${f.cseqSeq ?? ''}|${f.fromTag ?? ''}|${sentBy}|`, branch);
        ks = 0;
        ke = this.encoded;
      }
      h = hashBytes(kb, ks, ke);
      head = this.lookup(kb, ks, ke, h);
      if (head >= 0) tx = this.chooseInChain(head, callIndex, isAck, method, sentBy);
    }
    const out = this.out;
    out.created = tx < 0;
    if (tx < 0) {
      tx = store.push(callIndex, method, sentBy, f.cseqSeq ?? 0, vb, bs, be, !rfc3261, f.kind === 'request' ? v.toTagStart < 0 : true);
      byCall.push(callIndex, tx);
      if (!scan) this.index(kb, ks, ke, h, head, tx);
      else if (byCall.count(callIndex) > PER_CALL_SCAN) {
        // The call has outgrown its list: its live RFC 3261 transactions go into the key table.
        for (let t = byCall.first(callIndex); t >= 0; t = byCall.after(t)) {
          if (store.rfc2543(t) || (t !== tx && !this.live(t))) continue;
          const k = store.branchBytes(t);
          const kh = hashBytes(k, 0, k.length);
          this.index(k, 0, k.length, kh, this.lookup(k, 0, k.length, kh), t);
        }
      }
    }
    store.lastSeen[tx] = this.now;
    // RFC 3261 §17: the same request (method) or response (status, To tag) again in the same direction.
    const code = f.kind === 'request' ? -methodKey : (f.statusCode ?? 0);
    const retransmission = this.sigs.seen(tx, srcKey, dstKey, code, toTag);
    store.messageCount[tx] = store.messageCount[tx]! + 1;
    if (f.kind === 'response' && f.statusCode !== undefined && f.statusCode >= 200 && store.finalStatus[tx] === 0) store.finalStatus[tx] = f.statusCode;
    out.index = tx;
    out.method = store.method[tx]!;
    out.rfc2543 = !rfc3261;
    out.initial = store.initial(tx);
    out.retransmission = retransmission;
    return out;
  }

  /** Transaction `t` is still matchable: idle for at most the horizon (capture time). */
  private live(t: number): boolean {
    return this.now - this.store.lastSeen[t]! <= TRANSACTION_HORIZON_SEC;
  }

  /**
   * The transaction of call `callIndex` that a message with branch b[bs, be) (RFC 3261), this method and top Via
   * sent-by belongs to, found in the call's own list; -1 when none. ACK to a non-2xx final response is part of the
   * INVITE transaction (§17.1.1.3, same branch); ACK to a 2xx is a transaction of its own (§13.2.2.4, new branch).
   * The last match wins.
   */
  private scanCall(callIndex: number, isAck: boolean, method: string, sentBy: string, b: Uint8Array, bs: number, be: number): number {
    const store = this.store;
    const list = this.byCall;
    let invite = -1;
    let same = -1;
    for (let t = list.first(callIndex); t >= 0; t = list.after(t)) {
      // An RFC 3261 transaction's branch starts with the magic cookie, as this one does: compared past it.
      if (store.rfc2543(t) || store.sentBy[t] !== sentBy || !store.branchIs(t, b, bs, be, COOKIE_LENGTH) || !this.live(t)) continue;
      const m = store.method[t];
      if (isAck && m === 'INVITE' && store.finalStatus[t]! >= 300) invite = t;
      if (m === method) same = t;
    }
    return invite >= 0 ? invite : same;
  }

  /** scanCall's choice among the transactions chained from `head` (a key table entry), those of call `callIndex`. */
  private chooseInChain(head: number, callIndex: number, isAck: boolean, method: string, sentBy: string): number {
    const store = this.store;
    const next = store.next;
    let invite = -1;
    let same = -1;
    for (let t = head; t >= 0; t = next[t]!) {
      if (store.callIndex[t] !== callIndex || store.sentBy[t] !== sentBy) continue;
      const m = store.method[t];
      if (isAck && m === 'INVITE' && store.finalStatus[t]! >= 300) invite = t;
      if (m === method) same = t;
    }
    return invite >= 0 ? invite : same;
  }

  /** The first transaction keyed k[s, e) (hash h), from either generation (an old key used again moves to the young one); -1 when none. */
  private lookup(k: Uint8Array, s: number, e: number, h: number): number {
    let head = this.byKey.getHashed(k, s, e, h);
    if (head < 0) {
      head = this.byKeyOld.getHashed(k, s, e, h);
      if (head >= 0) this.byKey.addHashed(k, s, e, h, head); // used again: into the young generation
    }
    return head;
  }

  /** Key transaction `tx` by k[s, e) (hash h): a new key, or the end of the chain from `head` (lookup()'s answer). */
  private index(k: Uint8Array, s: number, e: number, h: number, head: number, tx: number): void {
    const next = this.store.next;
    if (head < 0) this.byKey.addHashed(k, s, e, h, tx);
    else {
      let t = head;
      while (next[t]! >= 0) t = next[t]!;
      if (t !== tx) next[t] = tx;
    }
  }

  /** Bytes written by the last encode(). */
  private encoded = 0;

  /** `text` as UTF-8 followed by `tail`, in the scratch buffer (valid until the next call). */
  private encode(text: string, tail: Uint8Array | undefined): Uint8Array {
    const need = text.length * 3 + (tail?.length ?? 0);
    if (this.scratch.length < need) this.scratch = new Uint8Array(need * 2);
    const { written } = UTF8.encodeInto(text, this.scratch);
    if (tail !== undefined) this.scratch.set(tail, written);
    this.encoded = written + (tail?.length ?? 0);
    return this.scratch;
  }
}

const UTF8 = new TextEncoder();
