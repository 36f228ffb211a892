// Passive RFC 3261 reconstruction: assigns each captured SIP message to a transaction (§17.1.3 / §17.2.3, with the
// §17.2.3 RFC 2543 fallback), a dialog (§12: Call-ID + tags, early dialogs, forking) and a call (all of a Call-ID),
// marks retransmissions and derives each call's state. Streaming: messages are added in capture order.
import { MessageStore, type MessageBytesLocation } from './message-store';
import type { CallInfo, CallState, DialogInfo, MessageInfo, TransactionInfo } from './types';

/** RFC 3261 §8.1.1.7: branch values starting with this magic cookie are globally unique per transaction. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** RFC 3261 §17.1.1.2 Timer B / §17.1.2.2 Timer F: 64*T1 = 32 s without any response -> transaction timed out. */
export const TRANSACTION_TIMEOUT_SEC = 32;

/**
 * How long (capture time, seconds) a transaction stays matchable after its last message: at least this, at most
 * about twice this (two generations of keys, see CallModelBuilder.expire). Bounds memory.
 */
const TRANSACTION_HORIZON_SEC = 300;

/** Methods whose 101-299 responses with a To tag create a dialog (RFC 3261 §12.1, RFC 6665 §4.1, RFC 3515). */
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);

/** The facts the model needs from one parsed SIP message (see sip/summary.ts for how they are extracted). */
export interface SipFacts {
  kind: 'request' | 'response' | 'invalid';
  method: string | undefined;
  statusCode: number | undefined;
  reason: string | undefined;
  callId: string | undefined;
  cseqSeq: number | undefined;
  cseqMethod: string | undefined;
  fromTag: string | undefined;
  toTag: string | undefined;
  /**
   * From/To URIs and display names. Called at most once per call (when its first message is added), synchronously
   * inside CallModelBuilder.add, so implementations may read message bytes that are only valid during that call.
   */
  parties(): CallParties;
  /** Top Via branch parameter. */
  viaBranch: string | undefined;
  /** Top Via sent-by (`host[:port]`), lowercased. */
  viaSentBy: string | undefined;
  hasSdp: boolean;
  problemCount: number;
}

/** The parties of a call as its first message names them. */
export interface CallParties {
  fromUri: string | undefined;
  toUri: string | undefined;
  fromDisplay: string | undefined;
  toDisplay: string | undefined;
}

/** Where and when a message was seen (from the transport layer): MessageInfo's capture fields plus its bytes. */
export type MessageSighting = Pick<
  MessageInfo,
  'frame' | 'firstFrame' | 'timeSec' | 'timeNsec' | 'ipVersion' | 'src' | 'srcPort' | 'dst' | 'dstPort' | 'transport' | 'truncated'
> & { location: MessageBytesLocation };

interface TxState {
  info: TransactionInfo;
  /** Request without To tag: dialog-initiating / out-of-dialog. */
  initial: boolean;
  /**
   * What was already seen, to mark retransmissions: flat quadruples (source address id * 65536 + port, destination
   * likewise, -method id for requests / status code for responses, To tag), `sigCount` of them. Room for two at
   * first, doubled when full: most transactions see two to four (pushed arrays would carry 16 spare slots each).
   */
  sigs: (number | string | undefined)[];
  sigCount: number;
  /** Top Via sent-by. */
  sentBy: string;
}

/** What was seen of a call, to derive its state (see callState). Times are capture seconds. */
interface CallTracker {
  inviteSeen: boolean;
  inviteTime: number | undefined;
  ringTime: number | undefined;
  answerTime: number | undefined;
  byeTime: number | undefined;
  byeBeforeAnswer: boolean;
  cancelSeen: boolean;
  lastInviteFinal: number | undefined;
  lastFinal: number | undefined;
  anyResponse: boolean;
  lastTime: number;
}

const TR_INVITE_SEEN = 1;
const TR_BYE_BEFORE_ANSWER = 2;
const TR_CANCEL_SEEN = 4;
const TR_ANY_RESPONSE = 8;

/**
 * CallTracker of every call as typed columns (a 100k-call capture would otherwise keep 100k objects and their boxed
 * times alive): times NaN = not seen, status codes 0 = none.
 */
class CallTrackers {
  count = 0;
  flags = new Uint8Array(1024);
  inviteTime = new Float64Array(1024);
  ringTime = new Float64Array(1024);
  answerTime = new Float64Array(1024);
  byeTime = new Float64Array(1024);
  lastTime = new Float64Array(1024);
  lastInviteFinal = new Uint16Array(1024);
  lastFinal = new Uint16Array(1024);

  /** Append a tracker for a new call; returns its index. */
  push(): number {
    const i = this.count++;
    if (i === this.flags.length) {
      const n = i * 2;
      this.flags = grow(this.flags, new Uint8Array(n));
      this.inviteTime = grow(this.inviteTime, new Float64Array(n));
      this.ringTime = grow(this.ringTime, new Float64Array(n));
      this.answerTime = grow(this.answerTime, new Float64Array(n));
      this.byeTime = grow(this.byeTime, new Float64Array(n));
      this.lastTime = grow(this.lastTime, new Float64Array(n));
      this.lastInviteFinal = grow(this.lastInviteFinal, new Uint16Array(n));
      this.lastFinal = grow(this.lastFinal, new Uint16Array(n));
    }
    this.flags[i] = 0;
    this.inviteTime[i] = NaN;
    this.ringTime[i] = NaN;
    this.answerTime[i] = NaN;
    this.byeTime[i] = NaN;
    this.lastTime[i] = 0;
    this.lastInviteFinal[i] = 0;
    this.lastFinal[i] = 0;
    return i;
  }

  /** Tracker `i` as an object. */
  get(i: number): CallTracker {
    const time = (v: number) => (Number.isNaN(v) ? undefined : v);
    const f = this.flags[i]!;
    return {
      inviteSeen: (f & TR_INVITE_SEEN) !== 0,
      inviteTime: time(this.inviteTime[i]!),
      ringTime: time(this.ringTime[i]!),
      answerTime: time(this.answerTime[i]!),
      byeTime: time(this.byeTime[i]!),
      byeBeforeAnswer: (f & TR_BYE_BEFORE_ANSWER) !== 0,
      cancelSeen: (f & TR_CANCEL_SEEN) !== 0,
      lastInviteFinal: this.lastInviteFinal[i] || undefined,
      lastFinal: this.lastFinal[i] || undefined,
      anyResponse: (f & TR_ANY_RESPONSE) !== 0,
      lastTime: this.lastTime[i]!,
    };
  }
}

function grow<T extends Uint8Array | Uint16Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** Shared by transactions with no signature yet (never written: the first one replaces it). */
const NO_SIGS: (number | string | undefined)[] = [];

/**
 * Append `value` to one of a call's index arrays. The first element makes an exact one-element array: pushing onto
 * an empty array reserves 17 slots, and most calls have one dialog and few transactions.
 */
function appendTo(call: CallInfo, key: 'messageIds' | 'dialogIndexes' | 'transactionIndexes', value: number): void {
  const a = call[key];
  if (a.length === 0) call[key] = [value];
  else a.push(value);
}

/** An INVITE transaction of sent-by `sentBy` that ended with a non-2xx final response (its ACK belongs to it). */
function rejectedInvite(t: TxState, sentBy: string): boolean {
  return t.sentBy === sentBy && t.info.method === 'INVITE' && t.info.finalStatus !== undefined && t.info.finalStatus >= 300;
}

const t = (sec: number, nsec: number) => sec + nsec / 1e9;

/** Incrementally builds the message store, transactions, dialogs and calls of a capture or a text trace. */
export class CallModelBuilder {
  readonly messages = new MessageStore();
  readonly calls: CallInfo[] = [];
  readonly dialogs: DialogInfo[] = [];
  readonly transactions: TransactionInfo[] = [];
  private readonly callByCallId = new Map<string, number>();
  /**
   * Transactions by key (the branch, or the RFC 2543 composite key), in two generations: keys used since the last
   * rotation, and keys used in the generation before. A rotation (every horizon of capture time) drops the older
   * generation whole, so expiry costs nothing per transaction.
   */
  private txByKey = new Map<string, TxState | TxState[]>();
  private txByKeyOld = new Map<string, TxState | TxState[]>();
  private lastRotation = -1;
  /** Per-call dialog maps for the rare calls with many dialogs (see findDialog). */
  private readonly manyDialogs = new Map<number, Map<string, number>>();
  private readonly trackers = new CallTrackers();
  /** Calls changed since the last refresh (each once: `dirty` flags which are listed). */
  private dirtyCalls: number[] = [];
  private dirty = new Uint8Array(1024);
  private lastTime = 0;
  private lastExpiry = 0;
  /** Calls before this index have had their arrays compacted (calls end roughly in the order they start). */
  private compactCursor = 0;

  /**
   * Add one message (in capture order). Returns its message id. `seen` is not retained (callers may reuse it).
   * `callHint`: the call index the caller expects for f.callId (FactBatchReader knows it); checked, saves a lookup.
   */
  add(seen: MessageSighting, f: SipFacts, callHint = -1): number {
    const now = t(seen.timeSec, seen.timeNsec);
    if (now > this.lastTime) this.lastTime = now;
    if (now - this.lastExpiry > TRANSACTION_HORIZON_SEC / 10) this.expire(now);
    const callIndex = f.callId !== undefined && f.callId !== '' ? this.callFor(f, seen, callHint) : -1;
    const id = this.messages.add(seen, f, callIndex);
    if (callIndex < 0) return id;
    const call = this.calls[callIndex]!;
    appendTo(call, 'messageIds', id);
    call.endSec = seen.timeSec;
    call.endNsec = seen.timeNsec;

    const tx = f.kind === 'invalid' ? undefined : this.transactionFor(f, callIndex);
    let retrans = false;
    if (tx) {
      // RFC 3261 §17: the same request (method) or response (status, To tag) again in the same direction.
      const a = this.messages.srcId(id) * 65536 + seen.srcPort;
      const b = this.messages.dstId(id) * 65536 + seen.dstPort;
      const c = f.kind === 'request' ? -this.messages.methodId(id) : (f.statusCode ?? 0);
      let sigs = tx.sigs;
      const n = tx.sigCount * 4;
      for (let k = 0; k < n; k += 4) {
        if (sigs[k] === a && sigs[k + 1] === b && sigs[k + 2] === c && sigs[k + 3] === f.toTag) {
          retrans = true;
          break;
        }
      }
      if (!retrans) {
        if (n === sigs.length) {
          const grown = new Array<number | string | undefined>(n === 0 ? 8 : n * 2);
          for (let k = 0; k < n; k++) grown[k] = sigs[k];
          tx.sigs = sigs = grown;
        }
        sigs[n] = a;
        sigs[n + 1] = b;
        sigs[n + 2] = c;
        sigs[n + 3] = f.toTag;
        tx.sigCount++;
      }
      tx.info.messageCount++;
      if (f.kind === 'response' && f.statusCode !== undefined && f.statusCode >= 200) tx.info.finalStatus ??= f.statusCode;
      if (retrans) {
        this.messages.setRetransmission(id, true);
        call.retransmissions++;
      }
    }
    const dialogIndex = f.kind === 'invalid' ? -1 : this.dialogFor(f, callIndex);
    this.messages.setLinks(id, callIndex, tx ? tx.info.index : -1, dialogIndex);
    if (!retrans) this.track(callIndex, f, tx, now);
    this.trackers.lastTime[callIndex] = now;
    if (callIndex >= this.dirty.length) this.dirty = grow(this.dirty, new Uint8Array(Math.max(callIndex + 1, this.dirty.length * 2)));
    if (this.dirty[callIndex] === 0) {
      this.dirty[callIndex] = 1;
      this.dirtyCalls.push(callIndex);
    }
    return id;
  }

  /** Recompute derived call fields (state, durations) for calls changed since the last call. `endTime` = capture end. */
  refresh(endTime = this.lastTime): void {
    for (const i of this.dirtyCalls) {
      this.finishCall(i, endTime);
      this.dirty[i] = 0;
    }
    this.dirtyCalls = [];
  }

  /** Finalise every call against the capture end time (states depending on timeouts change with it). */
  finish(endTime = this.lastTime): void {
    for (let i = 0; i < this.calls.length; i++) this.finishCall(i, endTime);
    for (const i of this.dirtyCalls) this.dirty[i] = 0;
    this.dirtyCalls = [];
  }

  message(id: number): MessageInfo {
    return this.messages.get(id);
  }

  private callFor(f: SipFacts, seen: MessageSighting, hint: number): number {
    const callId = f.callId!;
    let idx = hint >= 0 && hint < this.calls.length && this.calls[hint]!.callId === callId ? hint : this.callByCallId.get(callId);
    if (idx !== undefined) {
      const call = this.calls[idx]!;
      // The first message may have been a response; adopt the first request's identity when it arrives.
      if (call.method === '' && f.kind === 'request' && f.method) call.method = f.method;
      return idx;
    }
    idx = this.calls.length;
    this.callByCallId.set(callId, idx);
    const parties = f.parties();
    this.calls.push({
      index: idx,
      callId,
      method: f.kind === 'request' ? (f.method ?? '') : (f.cseqMethod ?? ''),
      state: 'setup',
      fromUri: parties.fromUri ?? '',
      toUri: parties.toUri ?? '',
      fromDisplay: parties.fromDisplay,
      toDisplay: parties.toDisplay,
      startSec: seen.timeSec,
      startNsec: seen.timeNsec,
      endSec: seen.timeSec,
      endNsec: seen.timeNsec,
      durationSec: undefined,
      ringDelaySec: undefined,
      answerDelaySec: undefined,
      finalStatus: undefined,
      messageIds: [],
      dialogIndexes: [],
      transactionIndexes: [],
      retransmissions: 0,
    });
    this.trackers.push();
    return idx;
  }

  /**
   * RFC 3261 §17.2.3 (requests: branch + sent-by + method, ACK matching the INVITE) and §17.1.3 (responses: branch
   * + CSeq method). Without the magic cookie, the RFC 2543 fallback keys on Call-ID, CSeq number, From tag and top Via.
   */
  private transactionFor(f: SipFacts, callIndex: number): TxState | undefined {
    const method = f.kind === 'request' ? f.method : f.cseqMethod;
    if (!method) return undefined;
    const branch = f.viaBranch ?? '';
    const sentBy = f.viaSentBy ?? '';
    const rfc3261 = branch.startsWith(BRANCH_MAGIC_COOKIE);
    // RFC 3261 branches are unique per transaction, so the branch alone finds the (few) candidates; the
    // RFC 2543 fallback needs the composite key.
    const key = rfc3261 ? branch : `2543|${f.callId}|${f.cseqSeq ?? ''}|${f.fromTag ?? ''}|${sentBy}|${branch}`;
    // One transaction per key, except the few that share a branch (INVITE and its CANCEL): an array only then.
    let entry = this.txByKey.get(key);
    if (entry === undefined) {
      entry = this.txByKeyOld.get(key);
      if (entry !== undefined) this.txByKey.set(key, entry); // used again: into the young generation
    }
    let tx: TxState | undefined;
    if (entry !== undefined) {
      // ACK to a non-2xx final response is part of the INVITE transaction (§17.1.1.3, same branch);
      // ACK to a 2xx is a transaction of its own (§13.2.2.4, new branch). The last match wins.
      const ack = f.kind === 'request' && method === 'ACK';
      if (Array.isArray(entry)) {
        if (ack) for (const t of entry) if (rejectedInvite(t, sentBy)) tx = t;
        if (!tx) for (const t of entry) if (t.sentBy === sentBy && t.info.method === method) tx = t;
      } else {
        if (ack && rejectedInvite(entry, sentBy)) tx = entry;
        if (!tx && entry.sentBy === sentBy && entry.info.method === method) tx = entry;
      }
    }
    if (!tx) {
      const info: TransactionInfo = {
        index: this.transactions.length,
        callIndex,
        branch,
        method,
        cseqSeq: f.cseqSeq ?? 0,
        messageCount: 0,
        finalStatus: undefined,
        rfc2543: !rfc3261,
      };
      this.transactions.push(info);
      tx = { info, initial: f.kind === 'request' ? f.toTag === undefined : true, sigs: NO_SIGS, sigCount: 0, sentBy };
      if (entry === undefined) this.txByKey.set(key, tx);
      else if (Array.isArray(entry)) entry.push(tx);
      else this.txByKey.set(key, [entry, tx]);
      appendTo(this.calls[callIndex]!, 'transactionIndexes', info.index);
    }
    return tx;
  }

  /** RFC 3261 §12: dialog id = Call-ID + local tag + remote tag; looked up in both orientations. */
  private dialogFor(f: SipFacts, callIndex: number): number {
    if (!f.fromTag || !f.toTag || !f.callId) return -1;
    const call = this.calls[callIndex]!;
    let d = this.findDialog(call, f.fromTag, f.toTag);
    const method = f.kind === 'request' ? f.method! : f.cseqMethod ?? '';
    if (d < 0) {
      const creates =
        f.kind === 'response' && DIALOG_CREATING.has(method) && f.statusCode !== undefined && f.statusCode > 100 && f.statusCode < 300;
      // A mid-dialog request whose dialog began before the capture still identifies a dialog.
      const midDialog = f.kind === 'request' && method !== 'ACK' && method !== 'CANCEL';
      if (!creates && !midDialog) return -1;
      d = this.dialogs.length;
      this.dialogs.push({
        index: d,
        callIndex,
        callId: f.callId,
        fromTag: f.fromTag,
        toTag: f.toTag,
        state: creates && f.statusCode! < 200 ? 'early' : 'confirmed',
        method: creates ? method : (call.method || method),
        messageCount: 0,
      });
      appendTo(call, 'dialogIndexes', d);
      const many = this.manyDialogs.get(callIndex);
      if (many) many.set(`${f.fromTag}\n${f.toTag}`, d);
    }
    const dialog = this.dialogs[d]!;
    dialog.messageCount++;
    if (f.kind === 'response' && f.statusCode !== undefined) {
      if (f.statusCode >= 200 && f.statusCode < 300 && DIALOG_CREATING.has(method) && dialog.state === 'early') dialog.state = 'confirmed';
      if (method === 'BYE' && f.statusCode >= 200) dialog.state = 'terminated';
      // RFC 3261 §12.3: a non-2xx final response to the initial INVITE terminates the early dialog.
      if (method === 'INVITE' && f.statusCode >= 300 && dialog.state === 'early') dialog.state = 'terminated';
    } else if (f.kind === 'request' && f.method === 'BYE') {
      dialog.state = 'terminated';
    }
    return d;
  }

  private track(callIndex: number, f: SipFacts, tx: TxState | undefined, now: number): void {
    const tr = this.trackers;
    const i = callIndex;
    if (f.kind === 'request') {
      if (f.method === 'INVITE' && f.toTag === undefined) {
        tr.flags[i] = tr.flags[i]! | TR_INVITE_SEEN;
        if (Number.isNaN(tr.inviteTime[i]!)) tr.inviteTime[i] = now;
      } else if (f.method === 'CANCEL') {
        if (Number.isNaN(tr.answerTime[i]!)) tr.flags[i] = tr.flags[i]! | TR_CANCEL_SEEN;
      } else if (f.method === 'BYE') {
        if (!Number.isNaN(tr.answerTime[i]!)) {
          if (Number.isNaN(tr.byeTime[i]!)) tr.byeTime[i] = now;
        } else tr.flags[i] = tr.flags[i]! | TR_BYE_BEFORE_ANSWER;
      }
      return;
    }
    if (f.kind !== 'response' || f.statusCode === undefined) return;
    tr.flags[i] = tr.flags[i]! | TR_ANY_RESPONSE;
    const code = f.statusCode;
    if (f.cseqMethod === 'INVITE' && (tx?.initial ?? true)) {
      tr.flags[i] = tr.flags[i]! | TR_INVITE_SEEN;
      if (code > 100 && code < 200) {
        if (Number.isNaN(tr.ringTime[i]!)) tr.ringTime[i] = now;
      } else if (code >= 200 && code < 300) {
        if (Number.isNaN(tr.answerTime[i]!)) tr.answerTime[i] = now;
      } else if (code >= 300 && Number.isNaN(tr.answerTime[i]!)) tr.lastInviteFinal[i] = code;
    } else if (code >= 200 && f.cseqMethod !== 'CANCEL' && f.cseqMethod !== 'ACK' && f.cseqMethod !== 'INVITE') {
      tr.lastFinal[i] = code;
    }
  }

  private finishCall(i: number, endTime: number): void {
    const call = this.calls[i]!;
    const tr = this.trackers.get(i);
    call.state = callState(tr, endTime);
    const start = tr.inviteTime;
    call.ringDelaySec = start !== undefined && tr.ringTime !== undefined ? Math.max(0, tr.ringTime - start) : undefined;
    call.answerDelaySec = start !== undefined && tr.answerTime !== undefined ? Math.max(0, tr.answerTime - start) : undefined;
    call.durationSec = tr.answerTime !== undefined ? Math.max(0, (tr.byeTime ?? tr.lastTime) - tr.answerTime) : undefined;
    call.finalStatus = tr.inviteSeen ? (tr.answerTime !== undefined ? 200 : tr.lastInviteFinal) : tr.lastFinal;
  }

  /**
   * The dialog of `call` with these tags in either orientation (RFC 3261 §12: local/remote tag swap with the
   * direction), or -1. Calls rarely have more than a few dialogs (forking); past 16 a per-call map takes over.
   */
  private findDialog(call: CallInfo, a: string, b: string): number {
    const idx = call.dialogIndexes;
    if (idx.length > 16) {
      let many = this.manyDialogs.get(call.index);
      if (!many) {
        many = new Map();
        for (const i of idx) many.set(`${this.dialogs[i]!.fromTag}\n${this.dialogs[i]!.toTag}`, i);
        this.manyDialogs.set(call.index, many);
      }
      return many.get(`${a}\n${b}`) ?? many.get(`${b}\n${a}`) ?? -1;
    }
    for (const i of idx) {
      const x = this.dialogs[i]!;
      if ((x.fromTag === a && x.toTag === b) || (x.fromTag === b && x.toTag === a)) return i;
    }
    return -1;
  }

  /**
   * Forget transaction keys idle for longer than the horizon (their TransactionInfo stays in `transactions`): each
   * horizon the older key generation is dropped whole and the young one becomes the older one.
   */
  private expire(now: number): void {
    const cutoff = now - TRANSACTION_HORIZON_SEC;
    if (this.lastRotation < 0) this.lastRotation = now;
    else if (now - this.lastRotation >= TRANSACTION_HORIZON_SEC) {
      this.txByKeyOld = this.txByKey;
      this.txByKey = new Map();
      this.lastRotation = now;
    }
    this.lastExpiry = now;
    // Calls idle past the horizon rarely grow again: give their id arrays exact capacity (V8 grows pushed arrays
    // to at least 17 slots), which on 100k-call captures saves tens of MB while the import runs.
    const calls = this.calls;
    let i = this.compactCursor;
    while (i < calls.length && this.trackers.lastTime[i]! < cutoff) {
      const c = calls[i]!;
      // One-element arrays were created exact (appendTo); longer ones carry push's spare slots.
      if (c.messageIds.length > 1) c.messageIds = c.messageIds.slice();
      if (c.dialogIndexes.length > 1) c.dialogIndexes = c.dialogIndexes.slice();
      if (c.transactionIndexes.length > 1) c.transactionIndexes = c.transactionIndexes.slice();
      i++;
    }
    this.compactCursor = i;
  }

}

/** Call state from what was seen; see CallState for the meaning of each value. */
function callState(tr: CallTracker, endTime: number): CallState {
  if (tr.inviteSeen) {
    if (tr.answerTime !== undefined) return tr.byeTime !== undefined ? 'completed' : 'answered';
    const fin = tr.lastInviteFinal;
    if (tr.cancelSeen || fin === 487 || tr.byeBeforeAnswer) return 'cancelled';
    if (fin === 486 || fin === 600) return 'busy';
    if (fin !== undefined && (fin === 408 || (fin >= 500 && fin < 600))) return 'failed';
    if (fin !== undefined) return 'rejected';
    if (tr.ringTime !== undefined) return 'ringing';
    if (!tr.anyResponse && tr.inviteTime !== undefined && endTime - tr.inviteTime > TRANSACTION_TIMEOUT_SEC) return 'failed';
    return 'setup';
  }
  const fin = tr.lastFinal;
  if (fin !== undefined) {
    if (fin < 300) return 'completed';
    if (fin === 408 || (fin >= 500 && fin < 600)) return 'failed';
    return 'rejected';
  }
  if (!tr.anyResponse && endTime - tr.lastTime > TRANSACTION_TIMEOUT_SEC) return 'failed';
  return 'setup';
}
