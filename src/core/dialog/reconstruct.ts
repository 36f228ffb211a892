// Passive RFC 3261 reconstruction: assigns each captured SIP message to a transaction (§17.1.3 / §17.2.3, with the
// §17.2.3 RFC 2543 fallback), a dialog (§12: Call-ID + tags, early dialogs, forking) and a call (all of a Call-ID),
// marks retransmissions and derives each call's state. Streaming: messages are added in capture order.
import { IdLists } from './id-lists';
import { MessageStore, type MessageBytesLocation, type MessageStringIds } from './message-store';
import { DIALOG_CONFIRMED, DIALOG_EARLY, DIALOG_TERMINATED, DialogStore, TagTable, type TransactionStore } from './stores';
import { TransactionMatcher, type TransactionMatch } from './transaction-matcher';
import { copyBytes, grown, INITIAL_COLUMN_LENGTH as INITIAL } from '../util/typed-array';
import { partiesFromRanges } from '../sip/fast-facts';
import type { CallInfo, CallState, MessageInfo } from './types';

export { BRANCH_MAGIC_COOKIE } from './transaction-matcher';

/** RFC 3261 §17.1.1.2 Timer B / §17.1.2.2 Timer F: 64*T1 = 32 s without any response -> transaction timed out. */
export const TRANSACTION_TIMEOUT_SEC = 32;

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
  /**
   * The From and To header values as bytes, when the implementation has them so (the fast path): the builder then
   * keeps a copy of those bytes and parses the parties only when a CallInfo party field is first read (most imports
   * never read most calls' parties). Same contract as parties(): called at most once per call, bytes valid during the
   * call only. Absent or undefined: parties() is used.
   */
  partyRanges?(): PartyRanges | undefined;
  /** Top Via branch parameter. */
  viaBranch: string | undefined;
  /** Top Via sent-by (`host[:port]`), lowercased. */
  viaSentBy: string | undefined;
  hasSdp: boolean;
  problemCount: number;
}

/** The From and To header values of a message: [fromStart, fromEnd) and [toStart, toEnd) of `bytes` (start -1: absent). */
export interface PartyRanges {
  bytes: Uint8Array;
  fromStart: number;
  fromEnd: number;
  toStart: number;
  toEnd: number;
}

/**
 * The top Via branch and the From/To tags of a message as UTF-8 bytes: [start, end) in `bytes`, start -1 when
 * absent (an empty value counts as absent). Callers that have them so (FactBatchReader, BuilderSink) pass them to
 * CallModelBuilder.add, which then matches on bytes and builds no strings. Valid during that call only.
 */
export interface FactValues {
  bytes: Uint8Array;
  branchStart: number;
  branchEnd: number;
  fromTagStart: number;
  fromTagEnd: number;
  toTagStart: number;
  toTagEnd: number;
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

/**
 * Fill `into` with the top Via branch and From/To tags given as strings, UTF-8 encoded into `into.bytes` (a buffer
 * `into` owns: replaced by a larger one when too small). undefined and '' are absent (start -1), as the fast path
 * reads an empty `;tag=`. Returns `into`.
 */
export function encodeFactValues(branch: string | undefined, fromTag: string | undefined, toTag: string | undefined, into: FactValues): FactValues {
  const need = 3 * ((branch?.length ?? 0) + (fromTag?.length ?? 0) + (toTag?.length ?? 0));
  if (into.bytes.length < need) into.bytes = new Uint8Array(need * 2);
  let at = 0;
  const put = (text: string | undefined): number => {
    if (text === undefined || text === '') return -1;
    const s = at;
    at += UTF8.encodeInto(text, into.bytes.subarray(at)).written;
    return s;
  };
  into.branchStart = put(branch);
  into.branchEnd = at;
  into.fromTagStart = put(fromTag);
  into.fromTagEnd = at;
  into.toTagStart = put(toTag);
  into.toTagEnd = at;
  return into;
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
/** Changed since the last refresh (listed in CallModelBuilder.dirtyCalls). */
const TR_DIRTY = 16;

/** A tracker time column's value: NaN (not seen) as undefined. */
function seenAt(v: number): number | undefined {
  return Number.isNaN(v) ? undefined : v;
}

/**
 * CallTracker of every call as typed columns (a 100k-call capture would otherwise keep 100k objects and their boxed
 * times alive): times NaN = not seen, status codes 0 = none.
 */
class CallTrackers {
  count = 0;
  flags = new Uint8Array(INITIAL);
  inviteTime = new Float64Array(INITIAL);
  ringTime = new Float64Array(INITIAL);
  answerTime = new Float64Array(INITIAL);
  byeTime = new Float64Array(INITIAL);
  lastTime = new Float64Array(INITIAL);
  lastInviteFinal = new Uint16Array(INITIAL);
  lastFinal = new Uint16Array(INITIAL);
  /**
   * The call's last two From/To tag ids (TagTable), [2i] the newer, -1 = none: most messages of a call carry the
   * same two tags, which CallModelBuilder.tagOf then checks byte for byte instead of hashing them.
   */
  tags = new Int32Array(2 * INITIAL);

  /** Append a tracker for a new call; returns its index. */
  push(): number {
    const i = this.count++;
    if (i === this.flags.length) {
      const n = i * 2;
      this.flags = grown(this.flags, n);
      this.inviteTime = grown(this.inviteTime, n);
      this.ringTime = grown(this.ringTime, n);
      this.answerTime = grown(this.answerTime, n);
      this.byeTime = grown(this.byeTime, n);
      this.lastTime = grown(this.lastTime, n);
      this.lastInviteFinal = grown(this.lastInviteFinal, n);
      this.lastFinal = grown(this.lastFinal, n);
      this.tags = grown(this.tags, 2 * n);
    }
    this.flags[i] = 0;
    this.inviteTime[i] = NaN;
    this.ringTime[i] = NaN;
    this.answerTime[i] = NaN;
    this.byeTime[i] = NaN;
    this.lastTime[i] = 0;
    this.lastInviteFinal[i] = 0;
    this.lastFinal[i] = 0;
    this.tags[2 * i] = -1;
    this.tags[2 * i + 1] = -1;
    return i;
  }

  /** One object for read(), refilled by every call (finishing 100k calls allocates nothing). */
  private readonly view: CallTracker = {
    inviteSeen: false, inviteTime: undefined, ringTime: undefined, answerTime: undefined, byeTime: undefined, byeBeforeAnswer: false,
    cancelSeen: false, lastInviteFinal: undefined, lastFinal: undefined, anyResponse: false, lastTime: 0,
  };

  /** Tracker `i` as an object: the same object on every call, valid until the next one. */
  read(i: number): CallTracker {
    const f = this.flags[i]!;
    const v = this.view;
    v.inviteSeen = (f & TR_INVITE_SEEN) !== 0;
    v.inviteTime = seenAt(this.inviteTime[i]!);
    v.ringTime = seenAt(this.ringTime[i]!);
    v.answerTime = seenAt(this.answerTime[i]!);
    v.byeTime = seenAt(this.byeTime[i]!);
    v.byeBeforeAnswer = (f & TR_BYE_BEFORE_ANSWER) !== 0;
    v.cancelSeen = (f & TR_CANCEL_SEEN) !== 0;
    v.lastInviteFinal = this.lastInviteFinal[i] || undefined;
    v.lastFinal = this.lastFinal[i] || undefined;
    v.anyResponse = (f & TR_ANY_RESPONSE) !== 0;
    v.lastTime = this.lastTime[i]!;
    return v;
  }
}


/** The id lists of a builder's calls (owner = call index). */
interface CallLists {
  messages: IdLists;
  dialogs: IdLists;
  transactions: IdLists;
}

/**
 * The From/To header values of calls whose parties are parsed when first read (SipFacts.partyRanges), copied into one
 * growing buffer, with per call (by call index) where its From value starts and the two lengths (-1: header absent);
 * the To value follows the From value. Columns, not an object per call: a 100k-call capture keeps no 100k objects.
 */
class PartyBytes {
  bytes = new Uint8Array(64 * 1024);
  used = 0;
  private at = new Int32Array(INITIAL);
  private fromLength = new Int32Array(INITIAL);
  private toLength = new Int32Array(INITIAL);

  /** Keep call `call`'s From value b[fs, fe) and To value b[ts, te) (a start < 0: absent). */
  add(call: number, b: Uint8Array, fs: number, fe: number, ts: number, te: number): void {
    if (call >= this.at.length) {
      const n = Math.max(call + 1, this.at.length * 2);
      this.at = grown(this.at, n);
      this.fromLength = grown(this.fromLength, n);
      this.toLength = grown(this.toLength, n);
    }
    this.at[call] = this.used;
    this.fromLength[call] = this.copy(b, fs, fe);
    this.toLength[call] = this.copy(b, ts, te);
  }

  /** Call `call`'s parties (add() was called for it), parsed from the kept values. */
  parties(call: number): CallParties {
    const at = this.at[call]!;
    const fromLength = this.fromLength[call]!;
    const toLength = this.toLength[call]!;
    const to = at + Math.max(0, fromLength);
    return partiesFromRanges(this.bytes, fromLength < 0 ? -1 : at, to, toLength < 0 ? -1 : to, to + Math.max(0, toLength));
  }

  /** Append b[s, e) (nothing when s < 0); returns its length, -1 when absent. */
  private copy(b: Uint8Array, s: number, e: number): number {
    if (s < 0) return -1;
    const n = Math.max(0, e - s);
    if (this.used + n > this.bytes.length) this.bytes = grown(this.bytes, Math.max(this.used + n, this.bytes.length * 2));
    copyBytes(b, s, n, this.bytes, this.used);
    this.used += n;
    return n;
  }
}

/**
 * A call of CallModelBuilder: CallInfo's fields as data, its id arrays read from the builder's columns (IdLists) on
 * first use, and its parties (fromUri, toUri, fromDisplay, toDisplay) parsed on first read when the import gave them
 * as bytes. The lists and parties are in private fields: not enumerable, not serialised, not compared by
 * deep-equality checks (which therefore see only the data fields; tests compare calls through plain-calls.ts).
 */
class CallRecord implements CallInfo {
  readonly #lists: CallLists;
  #parties: CallParties | undefined;
  /** Where this call's parties wait as bytes until first read (undefined once parsed, or when given as text). */
  #pending: PartyBytes | undefined;
  state: CallState = 'setup';
  endSec: number;
  endNsec: number;
  durationSec: number | undefined = undefined;
  ringDelaySec: number | undefined = undefined;
  answerDelaySec: number | undefined = undefined;
  finalStatus: number | undefined = undefined;
  retransmissions = 0;

  constructor(
    lists: CallLists,
    readonly index: number,
    readonly callId: string,
    public method: string,
    parties: CallParties | PartyBytes,
    readonly startSec: number,
    readonly startNsec: number,
  ) {
    this.#lists = lists;
    if (parties instanceof PartyBytes) this.#pending = parties;
    else this.#parties = parties;
    this.endSec = startSec;
    this.endNsec = startNsec;
  }

  get fromUri(): string {
    return this.#party().fromUri ?? '';
  }

  get toUri(): string {
    return this.#party().toUri ?? '';
  }

  get fromDisplay(): string | undefined {
    return this.#party().fromDisplay;
  }

  get toDisplay(): string | undefined {
    return this.#party().toDisplay;
  }

  #party(): CallParties {
    let p = this.#parties;
    if (p === undefined) {
      p = this.#parties = this.#pending!.parties(this.index);
      this.#pending = undefined;
    }
    return p;
  }

  get messageIds(): readonly number[] {
    return this.#lists.messages.array(this.index);
  }

  get dialogIndexes(): readonly number[] {
    return this.#lists.dialogs.array(this.index);
  }

  get transactionIndexes(): readonly number[] {
    return this.#lists.transactions.array(this.index);
  }
}

const t = (sec: number, nsec: number) => sec + nsec / 1e9;
const UTF8 = new TextEncoder();

/** Incrementally builds the message store, transactions, dialogs and calls of a capture or a text trace. */
export class CallModelBuilder {
  readonly messages = new MessageStore();
  readonly calls: CallInfo[] = [];
  /** Message ids, dialog and transaction indexes per call (CallRecord's arrays). */
  private readonly lists: CallLists = { messages: new IdLists(), dialogs: new IdLists(), transactions: new IdLists() };
  /** From/To tag values by id (dialogs and retransmission checks compare ids). */
  private readonly tags = new TagTable();
  readonly dialogs = new DialogStore(this.tags, this.calls);
  /** Call index by Call-ID, for calls[0, indexedCalls) (see callFor). */
  private readonly callByCallId = new Map<string, number>();
  private indexedCalls = 0;
  /** Which transaction each message belongs to, and whether it is a retransmission; keeps the transactions. */
  private readonly matcher = new TransactionMatcher(this.lists.transactions);
  readonly transactions: TransactionStore = this.matcher.store;
  /** FactValues of facts given as strings only (see valuesOf). */
  private readonly encodedValues: FactValues = {
    bytes: new Uint8Array(256), branchStart: -1, branchEnd: -1, fromTagStart: -1, fromTagEnd: -1, toTagStart: -1, toTagEnd: -1,
  };
  /** From/To values of calls whose parties are parsed when first read (SipFacts.partyRanges). */
  private readonly partyBytes = new PartyBytes();
  /** Per-call dialog maps for the rare calls with many dialogs (see findDialog). */
  private readonly manyDialogs = new Map<number, Map<string, number>>();
  private readonly trackers = new CallTrackers();
  /** Calls changed since the last refresh, each once (TR_DIRTY marks the listed ones). */
  private dirtyCalls: number[] = [];
  private lastTime = 0;

  /**
   * Add one message (in capture order). Returns its message id. `seen` is not retained (callers may reuse it).
   * `callHint`: the call index the caller expects for f.callId (FactBatchReader knows it); checked, saves a lookup.
   * `values`: f's branch and tags as bytes, when the caller has them so (else f's strings are encoded).
   * `ids`: the message's strings as this builder's MessageStore ids, when the caller has them (see MessageStore.add).
   */
  add(seen: MessageSighting, f: SipFacts, callHint = -1, values?: FactValues, ids?: MessageStringIds): number {
    const now = t(seen.timeSec, seen.timeNsec);
    if (now > this.lastTime) this.lastTime = now;
    this.matcher.advance(now);
    const callIndex = f.callId !== undefined && f.callId !== '' ? this.callFor(f, seen, callHint) : -1;
    const id = this.messages.add(seen, f, callIndex, ids);
    if (callIndex < 0) return id;
    const call = this.calls[callIndex]!;
    this.lists.messages.push(callIndex, id);
    call.endSec = seen.timeSec;
    call.endNsec = seen.timeNsec;

    const v = values ?? this.valuesOf(f);
    const toTag = v.toTagStart >= 0 ? this.tagOf(callIndex, v.bytes, v.toTagStart, v.toTagEnd) : -1;
    let tx: TransactionMatch | undefined;
    if (f.kind !== 'invalid') {
      const m = this.messages;
      const src = (ids !== undefined ? ids.src : m.srcId(id)) * 65536 + seen.srcPort;
      const dst = (ids !== undefined ? ids.dst : m.dstId(id)) * 65536 + seen.dstPort;
      tx = this.matcher.match(f, v, callIndex, src, dst, ids !== undefined ? ids.method : m.methodId(id), toTag);
    }
    let txIndex = -1;
    let retrans = false;
    if (tx !== undefined) {
      txIndex = tx.index;
      retrans = tx.retransmission;
      if (retrans) {
        this.messages.setRetransmission(id, true);
        call.retransmissions++;
      }
    }
    const dialogIndex = f.kind === 'invalid' || toTag < 0 || v.fromTagStart < 0 ? -1 : this.dialogFor(f, v, toTag, callIndex);
    this.messages.setLinks(id, callIndex, txIndex, dialogIndex);
    if (!retrans) this.track(callIndex, f, toTag < 0, tx === undefined || tx.initial, now);
    this.trackers.lastTime[callIndex] = now;
    const flags = this.trackers.flags;
    if ((flags[callIndex]! & TR_DIRTY) === 0) {
      flags[callIndex] = flags[callIndex]! | TR_DIRTY;
      this.dirtyCalls.push(callIndex);
    }
    return id;
  }

  /** Recompute derived call fields (state, durations) for calls changed since the last call. `endTime` = capture end. */
  refresh(endTime = this.lastTime): void {
    const flags = this.trackers.flags;
    for (const i of this.dirtyCalls) {
      this.finishCall(i, endTime);
      flags[i] = flags[i]! & ~TR_DIRTY;
    }
    this.dirtyCalls = [];
  }

  /** Finalise every call against the capture end time (states depending on timeouts change with it). */
  finish(endTime = this.lastTime): void {
    for (let i = 0; i < this.calls.length; i++) this.finishCall(i, endTime);
    const flags = this.trackers.flags;
    for (const i of this.dirtyCalls) flags[i] = flags[i]! & ~TR_DIRTY;
    this.dirtyCalls = [];
  }

  message(id: number): MessageInfo {
    return this.messages.get(id);
  }

  private callFor(f: SipFacts, seen: MessageSighting, hint: number): number {
    const callId = f.callId!;
    const n = this.calls.length;
    let idx: number | undefined;
    if (hint >= 0 && hint < n && this.calls[hint]!.callId === callId) idx = hint;
    else if (hint !== n) {
      // No hint, or a wrong one: look the Call-ID up (calls created on a new-call hint are indexed here first).
      for (let i = this.indexedCalls; i < n; i++) this.callByCallId.set(this.calls[i]!.callId, i);
      this.indexedCalls = n;
      idx = this.callByCallId.get(callId);
    }
    // hint === n: the caller (FactBatchReader, whose front keys calls by Call-ID exactly as here) says this Call-ID
    // starts a new call; the map is filled in only when a lookup needs it.
    if (idx !== undefined) {
      const call = this.calls[idx]!;
      // The first message may have been a response; adopt the first request's identity when it arrives.
      if (call.method === '' && f.kind === 'request' && f.method) call.method = f.method;
      return idx;
    }
    idx = n;
    // The parties: as bytes, parsed when first read (the fast path), else as parties() gives them (copied: the facts
    // may reuse that object).
    const r = f.partyRanges?.();
    let parties: CallParties | PartyBytes;
    if (r !== undefined) {
      parties = this.partyBytes;
      parties.add(idx, r.bytes, r.fromStart, r.fromEnd, r.toStart, r.toEnd);
    } else {
      const p = f.parties();
      parties = { fromUri: p.fromUri, toUri: p.toUri, fromDisplay: p.fromDisplay, toDisplay: p.toDisplay };
    }
    const method = f.kind === 'request' ? (f.method ?? '') : (f.cseqMethod ?? '');
    const lists = this.lists;
    this.calls.push(new CallRecord(lists, idx, callId, method, parties, seen.timeSec, seen.timeNsec));
    lists.messages.addOwner(idx);
    lists.dialogs.addOwner(idx);
    lists.transactions.addOwner(idx);
    this.trackers.push();
    return idx;
  }

  /** TagTable id of the tag value b[s, e) of a message of call `callIndex` (added when new). */
  private tagOf(callIndex: number, b: Uint8Array, s: number, e: number): number {
    const last = this.trackers.tags;
    const k = 2 * callIndex;
    const newer = last[k]!;
    if (newer >= 0 && this.tags.is(newer, b, s, e)) return newer;
    const older = last[k + 1]!;
    if (older >= 0 && this.tags.is(older, b, s, e)) return older;
    const id = this.tags.id(b, s, e);
    last[k + 1] = newer;
    last[k] = id;
    return id;
  }

  /** `f` as FactValues: its branch and tags encoded as UTF-8 (into one reused buffer). */
  private valuesOf(f: SipFacts): FactValues {
    return encodeFactValues(f.viaBranch, f.fromTag, f.toTag, this.encodedValues);
  }

  /**
   * RFC 3261 §12: dialog id = Call-ID + local tag + remote tag; looked up in both orientations. `toTag`: id of the
   * message's To tag; the From tag is in `v` (both present).
   */
  private dialogFor(f: SipFacts, v: FactValues, toTag: number, callIndex: number): number {
    const call = this.calls[callIndex]!;
    const fromTag = this.tagOf(callIndex, v.bytes, v.fromTagStart, v.fromTagEnd);
    let d = this.findDialog(call, fromTag, toTag);
    const method = f.kind === 'request' ? f.method! : f.cseqMethod ?? '';
    if (d < 0) {
      const creates =
        f.kind === 'response' && DIALOG_CREATING.has(method) && f.statusCode !== undefined && f.statusCode > 100 && f.statusCode < 300;
      // A mid-dialog request whose dialog began before the capture still identifies a dialog.
      const midDialog = f.kind === 'request' && method !== 'ACK' && method !== 'CANCEL';
      if (!creates && !midDialog) return -1;
      d = this.dialogs.push(callIndex, fromTag, toTag, creates && f.statusCode! < 200 ? DIALOG_EARLY : DIALOG_CONFIRMED, creates ? method : (call.method || method));
      this.lists.dialogs.push(callIndex, d);
      const many = this.manyDialogs.get(callIndex);
      if (many) many.set(`${fromTag}:${toTag}`, d);
    }
    const dialogs = this.dialogs;
    dialogs.messageCount[d] = dialogs.messageCount[d]! + 1;
    const state = dialogs.state;
    if (f.kind === 'response' && f.statusCode !== undefined) {
      if (f.statusCode >= 200 && f.statusCode < 300 && DIALOG_CREATING.has(method) && state[d] === DIALOG_EARLY) state[d] = DIALOG_CONFIRMED;
      if (method === 'BYE' && f.statusCode >= 200) state[d] = DIALOG_TERMINATED;
      // RFC 3261 §12.3: a non-2xx final response to the initial INVITE terminates the early dialog.
      if (method === 'INVITE' && f.statusCode >= 300 && state[d] === DIALOG_EARLY) state[d] = DIALOG_TERMINATED;
    } else if (f.kind === 'request' && f.method === 'BYE') {
      state[d] = DIALOG_TERMINATED;
    }
    return d;
  }

  /**
   * `noToTag`: the message has no To tag. `initial`: the message's transaction began without a To tag (or the
   * message has no transaction).
   */
  private track(callIndex: number, f: SipFacts, noToTag: boolean, initial: boolean, now: number): void {
    const tr = this.trackers;
    const i = callIndex;
    if (f.kind === 'request') {
      if (f.method === 'INVITE' && noToTag) {
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
    if (f.cseqMethod === 'INVITE' && initial) {
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
    const tr = this.trackers.read(i);
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
  private findDialog(call: CallInfo, a: number, b: number): number {
    const list = this.lists.dialogs;
    const from = this.dialogs.fromTag;
    const to = this.dialogs.toTag;
    if (list.count(call.index) > 16) {
      let many = this.manyDialogs.get(call.index);
      if (!many) {
        many = new Map();
        for (let i = list.first(call.index); i >= 0; i = list.after(i)) many.set(`${from[i]}:${to[i]}`, i);
        this.manyDialogs.set(call.index, many);
      }
      return many.get(`${a}:${b}`) ?? many.get(`${b}:${a}`) ?? -1;
    }
    for (let i = list.first(call.index); i >= 0; i = list.after(i)) {
      if ((from[i] === a && to[i] === b) || (from[i] === b && to[i] === a)) return i;
    }
    return -1;
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
