// Transaction matching for passive reconstruction (RFC 3261 §17.1.3 client / §17.2.3 server, with the §17.2.3
// RFC 2543 fallback) and retransmission detection, for CallModelBuilder: it says which transaction a message belongs
// to (indexes in creation order); the builder keeps the TransactionInfo objects. (Running it in the import front
// instead was measured slower: the worker became the busier thread.)
import type { SipFacts } from './reconstruct';

/** RFC 3261 §8.1.1.7: branch values starting with this magic cookie are globally unique per transaction. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * How long (capture time, seconds) a transaction stays matchable after its last message: at least this, at most
 * about twice this (two generations of keys, see TransactionMatcher.advance). Bounds memory.
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

interface TxState {
  index: number;
  method: string;
  /** First final status code seen (mirrors TransactionInfo.finalStatus; an ACK to a non-2xx joins the INVITE). */
  finalStatus: number | undefined;
  initial: boolean;
  sentBy: string;
  /**
   * What was already seen, to mark retransmissions: flat quadruples (source key, destination key, -method key for
   * requests / status code for responses, To tag), `sigCount` of them. Room for two at first, doubled when full:
   * most transactions see two to four (pushed arrays would carry 16 spare slots each).
   */
  sigs: (number | string | undefined)[];
  sigCount: number;
}

/** Shared by transactions with no signature yet (never written: the first one replaces it). */
const NO_SIGS: (number | string | undefined)[] = [];

/** An INVITE transaction of sent-by `sentBy` that ended with a non-2xx final response (its ACK belongs to it). */
function rejectedInvite(t: TxState, sentBy: string): boolean {
  return t.sentBy === sentBy && t.method === 'INVITE' && t.finalStatus !== undefined && t.finalStatus >= 300;
}

export class TransactionMatcher {
  /**
   * Transactions by key (the branch, or the RFC 2543 composite key), in two generations: keys used since the last
   * rotation, and keys used in the generation before. A rotation (every horizon of capture time) drops the older
   * generation whole, so expiry costs nothing per transaction. One transaction per key, except the few that share
   * a branch (INVITE and its CANCEL): an array only then.
   */
  private byKey = new Map<string, TxState | TxState[]>();
  private byKeyOld = new Map<string, TxState | TxState[]>();
  private lastRotation = -1;
  private lastCheck = 0;
  private count = 0;
  private readonly out: TransactionMatch = { index: -1, created: false, method: '', rfc2543: false, initial: false, retransmission: false };

  /** Number of transactions created. */
  get size(): number {
    return this.count;
  }

  /**
   * Capture time `now` (seconds) has been reached: rotate the key generations when a horizon has passed since the
   * last rotation (looked at every tenth of a horizon). Call for every message, before match().
   */
  advance(now: number): void {
    if (now - this.lastCheck <= TRANSACTION_HORIZON_SEC / 10) return;
    this.lastCheck = now;
    if (this.lastRotation < 0) this.lastRotation = now;
    else if (now - this.lastRotation >= TRANSACTION_HORIZON_SEC) {
      this.byKeyOld = this.byKey;
      this.byKey = new Map();
      this.lastRotation = now;
    }
  }

  /**
   * The transaction of a message of a call (not 'invalid'), or undefined when it names no method. `srcKey`/`dstKey`
   * identify source and destination (address id * 65536 + port) and `methodKey` the request method, with any ids
   * that are equal exactly when the texts are.
   */
  match(f: SipFacts, srcKey: number, dstKey: number, methodKey: number): TransactionMatch | undefined {
    const method = f.kind === 'request' ? f.method : f.cseqMethod;
    if (!method) return undefined;
    const branch = f.viaBranch ?? '';
    const sentBy = f.viaSentBy ?? '';
    const rfc3261 = branch.startsWith(BRANCH_MAGIC_COOKIE);
    // RFC 3261 branches are unique per transaction, so the branch alone finds the (few) candidates; the
    // RFC 2543 fallback needs the composite key.
    const key = rfc3261 ? branch : `2543|${f.callId}|${f.cseqSeq ?? ''}|${f.fromTag ?? ''}|${sentBy}|${branch}`;
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = this.byKeyOld.get(key);
      if (entry !== undefined) this.byKey.set(key, entry); // used again: into the young generation
    }
    let tx: TxState | undefined;
    if (entry !== undefined) {
      // ACK to a non-2xx final response is part of the INVITE transaction (§17.1.1.3, same branch);
      // ACK to a 2xx is a transaction of its own (§13.2.2.4, new branch). The last match wins.
      const ack = f.kind === 'request' && method === 'ACK';
      if (Array.isArray(entry)) {
        if (ack) for (const t of entry) if (rejectedInvite(t, sentBy)) tx = t;
        if (!tx) for (const t of entry) if (t.sentBy === sentBy && t.method === method) tx = t;
      } else {
        if (ack && rejectedInvite(entry, sentBy)) tx = entry;
        if (!tx && entry.sentBy === sentBy && entry.method === method) tx = entry;
      }
    }
    const out = this.out;
    out.created = tx === undefined;
    if (tx === undefined) {
      tx = { index: this.count++, method, finalStatus: undefined, initial: f.kind === 'request' ? f.toTag === undefined : true, sentBy, sigs: NO_SIGS, sigCount: 0 };
      if (entry === undefined) this.byKey.set(key, tx);
      else if (Array.isArray(entry)) entry.push(tx);
      else this.byKey.set(key, [entry, tx]);
    }
    // RFC 3261 §17: the same request (method) or response (status, To tag) again in the same direction.
    const c = f.kind === 'request' ? -methodKey : (f.statusCode ?? 0);
    const toTag = f.toTag;
    let sigs = tx.sigs;
    const n = tx.sigCount * 4;
    let retransmission = false;
    for (let k = 0; k < n; k += 4) {
      if (sigs[k] === srcKey && sigs[k + 1] === dstKey && sigs[k + 2] === c && sigs[k + 3] === toTag) {
        retransmission = true;
        break;
      }
    }
    if (!retransmission) {
      if (n === sigs.length) {
        const grown = new Array<number | string | undefined>(n === 0 ? 8 : n * 2);
        for (let k = 0; k < n; k++) grown[k] = sigs[k];
        tx.sigs = sigs = grown;
      }
      sigs[n] = srcKey;
      sigs[n + 1] = dstKey;
      sigs[n + 2] = c;
      sigs[n + 3] = toTag;
      tx.sigCount++;
    }
    if (f.kind === 'response' && f.statusCode !== undefined && f.statusCode >= 200) tx.finalStatus ??= f.statusCode;
    out.index = tx.index;
    out.method = tx.method;
    out.rfc2543 = !rfc3261;
    out.initial = tx.initial;
    out.retransmission = retransmission;
    return out;
  }
}
