// Columnar stores of the transactions and dialogs of a capture (typed-array columns, no object per transaction or
// dialog while importing: a 100k-call capture has some 300k transactions), and the table of From/To tag values they
// are matched by. TransactionInfo / DialogInfo objects are built on demand by get(i).
import type { CallInfo, DialogInfo, DialogState, TransactionInfo } from './types';
import { ByteKeyTable, hashBytes } from '../util/byte-key-table';
import { decodeUtf8 } from '../text/decode';
import { copyBytes, grown, INITIAL_COLUMN_LENGTH as INITIAL } from '../util/typed-array';

/**
 * From/To tag values (RFC 3261 §19.3) by their UTF-8 bytes: each distinct value gets an id (0, 1, 2... in order of
 * first use), so dialogs and retransmission checks compare numbers. Values are kept for the whole import (dialogs
 * need their text); lookups allocate nothing.
 */
export class TagTable {
  private readonly table = new ByteKeyTable();

  /** Id of the value b[s, e) (added when new). */
  id(b: Uint8Array, s: number, e: number): number {
    const h = hashBytes(b, s, e);
    const known = this.table.getHashed(b, s, e, h);
    if (known >= 0) return known;
    const id = this.table.size;
    this.table.addHashed(b, s, e, h, id);
    return id;
  }

  /** Tag `id` is b[s, e), byte for byte (a check without hashing, for callers that guess the id). */
  is(id: number, b: Uint8Array, s: number, e: number): boolean {
    return this.table.keyIs(id, b, s, e);
  }

  /** The text of tag `id`. */
  text(id: number): string {
    const k = this.table.keyAt(id);
    return decodeUtf8(k, 0, k.length);
  }
}

const TX_RFC2543 = 1;
const TX_INITIAL = 2;

/**
 * Transactions (RFC 3261 §17) in creation order, as columns. TransactionMatcher appends and updates them; get(i)
 * gives the TransactionInfo. `next` chains the transactions that share a matching key (an INVITE and its CANCEL
 * share the branch), for the matcher.
 */
export class TransactionStore {
  private n = 0;
  callIndex = new Int32Array(INITIAL);
  cseqSeq = new Int32Array(INITIAL);
  messageCount = new Int32Array(INITIAL);
  /** First final status code (>= 200), 0 = none yet. */
  finalStatus = new Uint16Array(INITIAL);
  flags = new Uint8Array(INITIAL);
  /** Next transaction with the same matching key, or -1. */
  next = new Int32Array(INITIAL);
  /** Capture time (seconds) of the transaction's last message, set by the matcher. */
  lastSeen = new Float64Array(INITIAL);
  /** Top Via branch bytes (UTF-8) of the creating message: [branchStart, branchStart + branchLength) of `branches`. */
  private branchStart = new Int32Array(INITIAL);
  private branchLength = new Int32Array(INITIAL);
  private branches = new Uint8Array(16 * INITIAL);
  private branchesUsed = 0;
  /** Request method and top Via sent-by of the creating message (shared interned strings, not copies). */
  readonly method: string[] = [];
  readonly sentBy: string[] = [];

  /** Number of transactions. */
  get count(): number {
    return this.n;
  }

  /**
   * Append a transaction created by a message of call `callIndex` whose top Via branch is b[bs, be) (bs < 0: none).
   * Returns its index.
   */
  push(callIndex: number, method: string, sentBy: string, cseqSeq: number, b: Uint8Array, bs: number, be: number, rfc2543: boolean, initial: boolean): number {
    const i = this.n++;
    if (i === this.callIndex.length) {
      const n = i * 2;
      this.callIndex = grown(this.callIndex, n);
      this.cseqSeq = grown(this.cseqSeq, n);
      this.messageCount = grown(this.messageCount, n);
      this.finalStatus = grown(this.finalStatus, n);
      this.flags = grown(this.flags, n);
      this.next = grown(this.next, n);
      this.lastSeen = grown(this.lastSeen, n);
      this.branchStart = grown(this.branchStart, n);
      this.branchLength = grown(this.branchLength, n);
    }
    this.callIndex[i] = callIndex;
    this.cseqSeq[i] = cseqSeq;
    this.messageCount[i] = 0;
    this.finalStatus[i] = 0;
    this.flags[i] = (rfc2543 ? TX_RFC2543 : 0) | (initial ? TX_INITIAL : 0);
    this.next[i] = -1;
    this.lastSeen[i] = 0;
    this.method.push(method);
    this.sentBy.push(sentBy);
    const len = bs >= 0 && be > bs ? be - bs : 0;
    if (this.branchesUsed + len > this.branches.length) {
      this.branches = grown(this.branches, Math.max(this.branches.length * 2, this.branchesUsed + len));
    }
    copyBytes(b, bs, len, this.branches, this.branchesUsed);
    this.branchStart[i] = this.branchesUsed;
    this.branchLength[i] = len;
    this.branchesUsed += len;
    return i;
  }

  /**
   * Transaction `i`'s top Via branch is b[s, e), byte for byte from `from` on (the first `from` bytes are known to be
   * equal: the magic cookie), compared from the end, where branches differ.
   */
  branchIs(i: number, b: Uint8Array, s: number, e: number, from = 0): boolean {
    const len = e - s;
    if (this.branchLength[i] !== len) return false;
    const k = this.branchStart[i]!;
    const bytes = this.branches;
    for (let j = len - 1; j >= from; j--) if (bytes[k + j] !== b[s + j]) return false;
    return true;
  }

  /** Transaction `i`'s top Via branch bytes: a view, valid until the next push. */
  branchBytes(i: number): Uint8Array {
    const s = this.branchStart[i]!;
    return this.branches.subarray(s, s + this.branchLength[i]!);
  }

  /** Transaction `i` was matched with the RFC 2543 fallback (see TransactionInfo.rfc2543). */
  rfc2543(i: number): boolean {
    return (this.flags[i]! & TX_RFC2543) !== 0;
  }

  /** Transaction `i` began with a request without To tag (or with a response): see TransactionMatch.initial. */
  initial(i: number): boolean {
    return (this.flags[i]! & TX_INITIAL) !== 0;
  }

  /** TransactionInfo of transaction `i` (a new object; undefined past the end). */
  get(i: number): TransactionInfo | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const s = this.branchStart[i]!;
    return {
      index: i,
      callIndex: this.callIndex[i]!,
      branch: decodeUtf8(this.branches, s, s + this.branchLength[i]!),
      method: this.method[i]!,
      cseqSeq: this.cseqSeq[i]!,
      messageCount: this.messageCount[i]!,
      finalStatus: this.finalStatus[i] || undefined,
      rfc2543: this.rfc2543(i),
    };
  }

  /** Every transaction, in index order. */
  all(): TransactionInfo[] {
    const out: TransactionInfo[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.get(i)!);
    return out;
  }
}

const DIALOG_STATES: readonly DialogState[] = ['early', 'confirmed', 'terminated'];
/** DialogStore.state values. */
export const DIALOG_EARLY = 0;
export const DIALOG_CONFIRMED = 1;
export const DIALOG_TERMINATED = 2;

/** Dialogs (RFC 3261 §12) in creation order, as columns; get(i) gives the DialogInfo. */
export class DialogStore {
  private n = 0;
  callIndex = new Int32Array(INITIAL);
  /** Tag ids (TagTable) of the From tag of the creating message and the To tag set by the UAS. */
  fromTag = new Int32Array(INITIAL);
  toTag = new Int32Array(INITIAL);
  /** DIALOG_EARLY / DIALOG_CONFIRMED / DIALOG_TERMINATED. */
  state = new Uint8Array(INITIAL);
  messageCount = new Int32Array(INITIAL);
  readonly method: string[] = [];

  constructor(
    private readonly tags: TagTable,
    private readonly calls: readonly CallInfo[],
  ) {}

  /** Number of dialogs. */
  get count(): number {
    return this.n;
  }

  /** Append a dialog; returns its index. */
  push(callIndex: number, fromTag: number, toTag: number, state: number, method: string): number {
    const i = this.n++;
    if (i === this.callIndex.length) {
      const n = i * 2;
      this.callIndex = grown(this.callIndex, n);
      this.fromTag = grown(this.fromTag, n);
      this.toTag = grown(this.toTag, n);
      this.state = grown(this.state, n);
      this.messageCount = grown(this.messageCount, n);
    }
    this.callIndex[i] = callIndex;
    this.fromTag[i] = fromTag;
    this.toTag[i] = toTag;
    this.state[i] = state;
    this.messageCount[i] = 0;
    this.method.push(method);
    return i;
  }

  /** DialogInfo of dialog `i` (a new object; undefined past the end). */
  get(i: number): DialogInfo | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const callIndex = this.callIndex[i]!;
    return {
      index: i,
      callIndex,
      callId: this.calls[callIndex]?.callId ?? '',
      fromTag: this.tags.text(this.fromTag[i]!),
      toTag: this.tags.text(this.toTag[i]!),
      state: DIALOG_STATES[this.state[i]!]!,
      method: this.method[i]!,
      messageCount: this.messageCount[i]!,
    };
  }

  /** Every dialog, in index order. */
  all(): DialogInfo[] {
    const out: DialogInfo[] = [];
    for (let i = 0; i < this.n; i++) out.push(this.get(i)!);
    return out;
  }
}
