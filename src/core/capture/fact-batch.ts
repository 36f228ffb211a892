// The hand-off between the two halves of a capture import: the front (capture records -> decoded packets ->
// framed SIP messages -> SipFacts) and the back (CallModelBuilder: transactions, dialogs, calls). The front packs
// what the back needs of each message into a FactBatch: numeric columns in one Float64Array plus a few strings,
// with low-cardinality strings (addresses, methods, reason phrases, Via sent-by) sent once as dictionary entries.
// A FactBatch is plain data: it crosses a worker_threads boundary by structured clone with its ArrayBuffers
// transferred, so the CLI can run the front in a worker and the back on the main thread. importCapture, in one
// thread, hands the facts to the builder directly (BuilderSink); both ways give the same model (fact-batch.test.ts).
import type { SipPayload } from '../decode/types';
import { TRANSPORTS, transportCode, type MessageStringIds } from '../dialog/message-store';
import { encodeFactValues, type CallModelBuilder, type CallParties, type FactValues, type MessageSighting, type PartyRanges, type SipFacts } from '../dialog/reconstruct';
import { FastFacts } from '../sip/fast-facts';
import type { ArenaStage, CallKeyTable } from '../sip/fast-facts-wasm';
import { decodeUtf8 } from '../text/decode';
import { ByteKeyTable, FNV_OFFSET, FNV_PRIME, hashBytes } from '../util/byte-key-table';
import { internalized } from '../util/string-table';
import { grown } from '../util/typed-array';
import type { FactSink } from './builder-sink';

// Columns of FactBatch.num, STRIDE numbers per message.
const F_FRAME = 0;
const F_FIRST = 1;
const F_SEC = 2;
const F_NSEC = 3;
const F_SPORT = 4;
const F_DPORT = 5;
const F_FLAGS = 6;
const F_STATUS = 7;
const F_CSEQ = 8;
const F_PROBLEMS = 9;
const F_CALL = 10;
const F_OFFSET = 11;
const F_LENGTH = 12;
const F_SRC = 13;
const F_DST = 14;
const F_METHOD = 15;
const F_REASON = 16;
const F_CSEQ_METHOD = 17;
const F_SENT_BY = 18;
// Top Via branch, From tag, To tag: start/end in `arena` (start >= 0), start -1 = absent, start -2 = the string
// at `tags[end]` (values that are not plain ASCII bytes).
const F_BRANCH = 19;
const F_FROM_TAG = 21;
const F_TO_TAG = 23;
const STRIDE = 25;
const IN_TAGS = -2;
// Calls first seen in a batch: CALL_STRIDE numbers each, from FactBatch.callsAt in `num`: the Call-ID, From and To
// values as start/end in `arena` (start -1: header absent), or IN_TAGS in the first: the call's 5 strings are next in
// FactBatch.calls.
const C_CALL_ID = 0;
const C_FROM = 2;
const C_TO = 4;
const CALL_STRIDE = 6;
/** Entries per column of FactBatchWriter's identity cache of dictionary strings. */
const CACHE_WAYS = 8;
/**
 * With a stage: the batch is handed over early when fewer bytes than this (at most a quarter of the stage) are free,
 * so that a scan finds room for a message's values (their bytes are at most the message's: the module scans
 * datagrams of at most 64 KiB). A scan that finds no room does not stage (the writer then copies the values).
 */
const STAGE_HEADROOM = 1 << 18;

// F_FLAGS bits: kind (2 bits), SDP, truncated, IPv6, transport index (3 bits).
const KIND_MASK = 3;
const KINDS = ['request', 'response', 'invalid'] as const;
const FLAG_SDP = 4;
const FLAG_TRUNCATED = 8;
const FLAG_IPV6 = 16;
const TRANSPORT_SHIFT = 5;

/**
 * Facts of up to `capacity` SIP messages in capture order. Dictionary ids index the receiver's dictionary, which
 * is the concatenation of every batch's `dict` in order (id 0 = absent). Call indexes are assigned by the front in
 * order of each Call-ID's first message, exactly as CallModelBuilder assigns them. For each call first seen in the
 * batch, the receiver gets its Call-ID and the raw From and To values as bytes (fast-path messages: the receiver
 * decodes and parses them, which the front then does not have to), or 5 strings in `calls`.
 */
export interface FactBatch {
  /** Number of messages. */
  n: number;
  /**
   * STRIDE numbers per message (see the F_* columns), for the first `n` rows; from `callsAt`, CALL_STRIDE numbers
   * per new call (see C_*), for the first `newCalls`. Its buffer is transferable.
   */
  num: Float64Array;
  /** Where the new calls' numbers start in `num` (capacity * STRIDE). */
  callsAt: number;
  /** Calls first seen in this batch. */
  newCalls: number;
  /** Branch/tag values given as strings (see the F_BRANCH columns). */
  tags: string[];
  /** New dictionary entries, in id order. */
  dict: string[];
  /**
   * 5 per new call given as text (facts from the full parser): Call-ID, From URI, To URI, From display name, To
   * display name; undefined for absent parties.
   */
  calls: (string | undefined)[];
  /** Bytes of messages not contiguous in the file (reassembled), in message order (own buffers: transferable). */
  kept: Uint8Array[];
  /** Raw bytes of branch and tag values (see the F_BRANCH columns). Its buffer is transferable. */
  arena: Uint8Array;
  /** Bytes of `arena` in use. */
  arenaUsed: number;
}

/** Buffers of handed-over batches that came back (FactBatch.num and .arena), for the writer to reuse. */
export interface BatchBufferPool {
  num: Float64Array[];
  arena: Uint8Array[];
}

/** Front side: packs messages into batches and hands each full batch to `onBatch`. */
export class FactBatchWriter implements FactSink {
  private readonly ids = new Map<string, number>();
  private nextId = 1;
  private batch!: FactBatch;
  private readonly calls: CallIdIndex;
  /** With a stage: free bytes below which the batch is handed over (see STAGE_HEADROOM). */
  private readonly headroom: number;

  /**
   * `onBatch` receives each batch. `transfer`: the receiver keeps the batch (it crosses a thread boundary), so every
   * batch gets its own arrays (new ones, or ones the receiver gave back through `pool`); otherwise (same thread,
   * applied before onBatch returns) one set of arrays is reused.
   */
  constructor(
    private readonly onBatch: (b: FactBatch) => void,
    private readonly capacity = 8192,
    private readonly transfer = false,
    /** Transfer mode: buffers of batches the receiver gave back, taken before allocating new ones. */
    private readonly pool?: BatchBufferPool,
    /**
     * The scanner's stage (ArenaStage; a few MiB): the batch arena is built there, where the scanner has already put
     * each message's branch and tags; it is copied out when the batch is handed over (in transfer mode).
     */
    private readonly stage?: ArenaStage,
    /** The scanner's Call-ID table (CallKeyTable), which then keeps the plain ASCII Call-IDs. */
    callTable?: CallKeyTable,
  ) {
    this.calls = new CallIdIndex(callTable);
    this.headroom = Math.min(STAGE_HEADROOM, (stage?.bytes.length ?? 0) >> 2);
    if (stage !== undefined) stage.used[0] = 0;
    this.reset();
  }

  /** Number of messages added so far (= the message id the next one gets in CallModelBuilder). */
  messages = 0;

  /**
   * Add one message. Returns its call index (-1 without a Call-ID). `f.parties()` is called once per new call,
   * synchronously, while `p.bytes` is valid.
   */
  add(p: SipPayload, f: SipFacts): number {
    let fast = f instanceof FastFacts ? f : undefined;
    let staged = fast !== undefined ? fast.staged : -1;
    // The message's size: from the scan when there is one (its `bytes` may be the capture chunk the datagram lies in,
    // and p.bytes is then made only when read).
    const length = fast !== undefined ? fast.messageLength : p.bytes.length;
    const stage = this.stage;
    if (stage !== undefined) {
      // The arena is the stage: what the scanner staged for this message is in use. Values copied here take at most
      // twice the message's bytes (branch and tags; Call-ID, From and To): without that room, the batch so far is
      // handed over first (without this message's staged bytes, which are copied again).
      const used = stage.used[0]!;
      this.batch.arenaUsed = used;
      if (fast !== undefined && stage.bytes.length - used < 2 * length) {
        if (staged >= 0) this.batch.arenaUsed = staged;
        this.flush();
        staged = -1;
        if (2 * length > stage.bytes.length) fast = undefined; // values as strings
      }
    }
    const b = this.batch;
    const o = b.n * STRIDE;
    const num = b.num;
    const call = this.calls.of(f, fast);
    if (this.calls.isNew) {
      // First message of a call: its Call-ID and parties (as bytes from the fast path: the receiver parses them).
      const c = b.callsAt + b.newCalls++ * CALL_STRIDE;
      // Copied by the scanner when it can (into the stage, which is then the arena), else here.
      const at = fast !== undefined && stage?.call !== undefined ? stage.call(fast) : -1;
      if (at >= 0) {
        b.arenaUsed = stage!.used[0]!;
        let p = this.placedRange(fast!.callIdStart, fast!.callIdEnd, at, c + C_CALL_ID);
        p = this.placedRange(fast!.fromStart, fast!.fromEnd, p, c + C_FROM);
        this.placedRange(fast!.toStart, fast!.toEnd, p, c + C_TO);
      } else if (fast !== undefined) {
        this.range(fast.bytes, fast.callIdStart, fast.callIdEnd, c + C_CALL_ID);
        this.range(fast.bytes, fast.fromStart, fast.fromEnd, c + C_FROM);
        this.range(fast.bytes, fast.toStart, fast.toEnd, c + C_TO);
      } else {
        num[c] = IN_TAGS;
        const parties = f.parties();
        b.calls.push(f.callId, parties.fromUri, parties.toUri, parties.fromDisplay, parties.toDisplay);
      }
    }
    if (staged >= 0) {
      // Staged by the scanner: branch, From tag, To tag (those present and not empty) one after another.
      const non = fast!.stagedNonAscii;
      let at = this.placed(fast!, fast!.branchStart, fast!.branchEnd, staged, o + F_BRANCH, (non & 1) !== 0, 0);
      at = this.placed(fast!, fast!.fromTagStart, fast!.fromTagEnd, at, o + F_FROM_TAG, (non & 2) !== 0, 1);
      this.placed(fast!, fast!.toTagStart, fast!.toTagEnd, at, o + F_TO_TAG, (non & 4) !== 0, 2);
    } else if (fast !== undefined) {
      this.value(fast, fast.branchStart, fast.branchEnd, o + F_BRANCH, 0);
      this.value(fast, fast.fromTagStart, fast.fromTagEnd, o + F_FROM_TAG, 1);
      this.value(fast, fast.toTagStart, fast.toTagEnd, o + F_TO_TAG, 2);
    } else {
      this.text(f.viaBranch, o + F_BRANCH);
      this.text(f.fromTag, o + F_FROM_TAG);
      this.text(f.toTag, o + F_TO_TAG);
    }
    num[o + F_FRAME] = p.frame;
    num[o + F_FIRST] = p.firstFrame;
    num[o + F_SEC] = p.timeSec;
    num[o + F_NSEC] = p.timeNsec;
    num[o + F_SPORT] = p.srcPort;
    num[o + F_DPORT] = p.dstPort;
    num[o + F_FLAGS] =
      (f.kind === 'request' ? 0 : f.kind === 'response' ? 1 : 2) |
      (f.hasSdp ? FLAG_SDP : 0) |
      (p.truncated ? FLAG_TRUNCATED : 0) |
      (p.ipVersion === 6 ? FLAG_IPV6 : 0) |
      (transportCode(p.transport) << TRANSPORT_SHIFT);
    num[o + F_STATUS] = f.statusCode ?? -1;
    num[o + F_CSEQ] = f.cseqSeq ?? -1;
    num[o + F_PROBLEMS] = f.problemCount;
    num[o + F_CALL] = call;
    if (p.fileOffset >= 0) num[o + F_OFFSET] = p.fileOffset;
    else {
      num[o + F_OFFSET] = -1;
      b.kept.push(p.bytes.slice());
    }
    num[o + F_LENGTH] = length;
    num[o + F_SRC] = this.id(p.src, 0);
    num[o + F_DST] = this.id(p.dst, 1);
    num[o + F_METHOD] = this.id(f.method, 2);
    num[o + F_REASON] = this.id(f.reason, 3);
    num[o + F_CSEQ_METHOD] = this.id(f.cseqMethod, 4);
    num[o + F_SENT_BY] = this.id(f.viaSentBy, 5);
    this.messages++;
    if (stage !== undefined) stage.used[0] = b.arenaUsed;
    if (++b.n === this.capacity || (stage !== undefined && stage.bytes.length - b.arenaUsed < this.headroom)) this.flush();
    return call;
  }

  /**
   * Column pair at `at` for a value the scanner staged at `pos` in the arena (see add; absent or empty: start -1);
   * `nonAscii`: it has a byte >= 0x80 (then its text goes instead). Returns where the next staged value starts.
   */
  private placed(f: FastFacts, s: number, e: number, pos: number, at: number, nonAscii: boolean, which: 0 | 1 | 2): number {
    if (s < 0 || e <= s) return this.placedRange(-1, -1, pos, at);
    if (!nonAscii) return this.placedRange(s, e, pos, at);
    this.text(which === 0 ? f.viaBranch : which === 1 ? f.fromTag : f.toTag, at);
    return pos + (e - s);
  }

  /** Column pair at `at`: a branch/tag value of a fast-path message (bytes when ASCII, else its text). */
  private value(f: FastFacts, s: number, e: number, at: number, which: 0 | 1 | 2): void {
    const num = this.batch.num;
    if (s < 0 || e <= s) {
      num[at] = -1;
      return;
    }
    const start = this.batch.arenaUsed;
    if (this.append(f.bytes, s, e) >= 0x80) {
      this.batch.arenaUsed = start;
      this.text(which === 0 ? f.viaBranch : which === 1 ? f.fromTag : f.toTag, at);
      return;
    }
    num[at] = start;
    num[at + 1] = this.batch.arenaUsed;
  }

  /**
   * Pair at `at` of `num` for a value [s, e) of the message that the scanner staged at `pos` of the arena (absent
   * values, s < 0, were not staged: start -1). Returns where the next staged value starts.
   */
  private placedRange(s: number, e: number, pos: number, at: number): number {
    const num = this.batch.num;
    if (s < 0) {
      num[at] = -1;
      return pos;
    }
    const end = pos + Math.max(0, e - s);
    num[at] = pos;
    num[at + 1] = end;
    return end;
  }

  /** Pair at `at` of `num`: src[s, e) copied to the arena, as start/end (start -1 when s < 0). */
  private range(src: Uint8Array, s: number, e: number, at: number): void {
    const num = this.batch.num;
    if (s < 0) {
      num[at] = -1;
      return;
    }
    num[at] = this.batch.arenaUsed;
    this.append(src, s, e);
    num[at + 1] = this.batch.arenaUsed;
  }

  /** Append src[s, e) to the arena; returns the OR of its bytes (>= 0x80: not plain ASCII). */
  private append(src: Uint8Array, s: number, e: number): number {
    const b = this.batch;
    const start = b.arenaUsed;
    const need = start + (e - s);
    if (need > b.arena.length) this.growArena(need);
    const a = b.arena;
    let any = 0;
    for (let i = s, j = start; i < e; i++, j++) {
      const c = src[i] as number;
      a[j] = c;
      any |= c;
    }
    b.arenaUsed = need;
    return any;
  }

  private growArena(need: number): void {
    const b = this.batch;
    b.arena = grown(b.arena, Math.max(need, b.arena.length * 2));
  }

  /** Column pair at `at`: a value given as a string (or undefined). */
  private text(v: string | undefined, at: number): void {
    const num = this.batch.num;
    if (v === undefined) num[at] = -1;
    else {
      num[at] = IN_TAGS;
      num[at + 1] = this.batch.tags.length;
      this.batch.tags.push(v);
    }
  }



  /** Hand over the messages added since the last flush (none: nothing is sent). */
  flush(): void {
    const b = this.batch;
    const stage = this.stage;
    if (b.n === 0 && b.dict.length === 0) {
      if (stage !== undefined) stage.used[0] = b.arenaUsed = 0;
      return;
    }
    if (!this.transfer) {
      this.onBatch(b);
      b.n = 0;
      b.newCalls = 0;
      b.tags.length = 0;
      b.dict = [];
      b.calls = [];
      b.kept = [];
      b.arenaUsed = 0;
      if (stage !== undefined) stage.used[0] = 0;
      return;
    }
    if (stage !== undefined) {
      // The batch takes its own copy of the stage's bytes in use.
      const used = b.arenaUsed;
      let arena = this.pool?.arena.pop();
      if (arena === undefined || arena.length < used) arena = new Uint8Array(Math.max(used, this.capacity * 64));
      arena.set(stage.bytes.subarray(0, used));
      b.arena = arena;
      stage.used[0] = 0;
    }
    // Handed over whole (rows past `n` and arena bytes past `arenaUsed` are not read): the receiver may give the
    // buffers back (recycle) instead of this side allocating and zeroing new ones for every batch.
    this.reset();
    this.onBatch(b);
  }

  private reset(): void {
    const pool = this.pool;
    let num = pool?.num.pop();
    const rows = this.capacity * STRIDE;
    if (num === undefined || num.length !== rows + this.capacity * CALL_STRIDE) num = new Float64Array(rows + this.capacity * CALL_STRIDE);
    let arena = this.stage?.bytes;
    if (arena === undefined) {
      arena = pool?.arena.pop();
      if (arena === undefined || arena.length < this.capacity * 64) arena = new Uint8Array(this.capacity * 64);
    }
    this.batch = { n: 0, num, callsAt: rows, newCalls: 0, tags: [], dict: [], calls: [], kept: [], arena, arenaUsed: 0 };
  }

  /**
   * Strings looked up lately (the same few address, method, reason and sent-by string objects come again and again),
   * compared by identity before the map: CACHE_WAYS entries per column, replaced in turn. Strings only (a free entry
   * is '' with id -1): with undefined in it, `recentKey[w] === s` compiled to a builtin call.
   */
  private readonly recentKey: string[] = new Array<string>(6 * CACHE_WAYS).fill('');
  private readonly recentId = new Int32Array(6 * CACHE_WAYS).fill(-1);
  private readonly recentNext = new Uint8Array(6);

  private id(s: string | undefined, column: number): number {
    if (s === undefined) return 0;
    const base = column * CACHE_WAYS;
    const keys = this.recentKey;
    for (let w = base; w < base + CACHE_WAYS; w++) {
      if (keys[w] === s) {
        const known = this.recentId[w]!;
        if (known >= 0) return known;
      }
    }
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(s, id);
      this.batch.dict.push(s);
    }
    const w = base + this.recentNext[column]!;
    this.recentNext[column] = (this.recentNext[column]! + 1) % CACHE_WAYS;
    keys[w] = s;
    this.recentId[w] = id;
    return id;
  }
}

/**
 * Call indexes by Call-ID, assigned in order of each Call-ID's first message exactly as CallModelBuilder assigns them:
 * ASCII Call-IDs keyed by their bytes (no string per message), others by their text. `native`: a table in the fact
 * scanner's memory (CallKeyTable) that keeps the ASCII keys (compared there, 16 bytes at a time); the keys it cannot
 * keep go to this object's own byte-keyed table, which is looked in after it.
 */
export class CallIdIndex {
  constructor(private readonly native?: CallKeyTable) {}
  private readonly callByBytes = new ByteKeyTable();
  private readonly callByText = new Map<string, number>();
  private calls = 0;
  private scratch = new Uint8Array(256);
  /** The last of() started a new call. */
  isNew = false;

  /** Call index of `f` (-1 without a Call-ID); `fast`: `f` when it is FastFacts (its Call-ID is read as bytes). */
  of(f: SipFacts, fast: FastFacts | undefined): number {
    const before = this.calls;
    const call = fast !== undefined ? this.callOfFast(fast) : this.callOfText(f);
    this.isNew = call === before && call >= 0;
    if (this.isNew) this.calls++;
    return call;
  }

  /** Call index of a fast-path message (-1 without a Call-ID); `this.calls` when it is a new call. */
  private callOfFast(f: FastFacts): number {
    const s = f.callIdStart;
    if (s < 0) return -1;
    const e = f.callIdEnd;
    const b = f.bytes;
    let h = f.callIdHash;
    if (f.callIdAscii < 0) {
      // Not from the scanner: one pass for the key's hash and whether it is ASCII.
      h = FNV_OFFSET;
      let any = 0;
      for (let i = s; i < e; i++) {
        const c = b[i] as number;
        any |= c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (any >= 0x80) return this.callOfText(f);
    } else if (f.callIdAscii === 0) return this.callOfText(f);
    return this.callOfBytes(b, s, e, h);
  }

  /** Call index of the ASCII key b[s, e) with FNV-1a hash `h`; `this.calls` when it is a new call. */
  private callOfBytes(b: Uint8Array, s: number, e: number, h: number): number {
    if (this.native !== undefined) {
      const v = this.native.of(b, s, e, h, this.calls);
      if (v >= 0) return v;
    }
    const known = this.callByBytes.getHashed(b, s, e, h);
    if (known >= 0) return known;
    this.callByBytes.addHashed(b, s, e, h, this.calls);
    return this.calls;
  }

  /** Call index from the Call-ID text (-1 without one); ASCII texts share the byte-keyed table. */
  private callOfText(f: SipFacts): number {
    const id = f.callId;
    if (id === undefined || id === '') return -1;
    const n = id.length;
    let ascii = n <= 4096;
    for (let i = 0; ascii && i < n; i++) if (id.charCodeAt(i) >= 0x80) ascii = false;
    if (ascii) {
      if (this.scratch.length < n) this.scratch = new Uint8Array(n * 2);
      const k = this.scratch;
      for (let i = 0; i < n; i++) k[i] = id.charCodeAt(i);
      return this.callOfBytes(k, 0, n, hashBytes(k, 0, n));
    }
    const known = this.callByText.get(id);
    if (known !== undefined) return known;
    this.callByText.set(id, this.calls);
    return this.calls;
  }
}

/** SipFacts rebuilt from a batch row (one instance reused for every message). */
class BatchFacts implements SipFacts {
  kind: 'request' | 'response' | 'invalid' = 'request';
  method: string | undefined = undefined;
  statusCode: number | undefined = undefined;
  reason: string | undefined = undefined;
  callId: string | undefined = undefined;
  cseqSeq: number | undefined = undefined;
  cseqMethod: string | undefined = undefined;
  viaSentBy: string | undefined = undefined;
  hasSdp = false;
  problemCount = 0;
  /** Branch and tags as bytes (the builder reads these; set per row by FactBatchReader); the getters decode them. */
  values: FactValues = { bytes: new Uint8Array(0), branchStart: -1, branchEnd: -1, fromTagStart: -1, fromTagEnd: -1, toTagStart: -1, toTagEnd: -1 };
  get viaBranch(): string | undefined {
    const v = this.values;
    return v.branchStart >= 0 ? decodeUtf8(v.bytes, v.branchStart, v.branchEnd) : undefined;
  }
  get fromTag(): string | undefined {
    const v = this.values;
    return v.fromTagStart >= 0 ? decodeUtf8(v.bytes, v.fromTagStart, v.fromTagEnd) : undefined;
  }
  get toTag(): string | undefined {
    const v = this.values;
    return v.toTagStart >= 0 ? decodeUtf8(v.bytes, v.toTagStart, v.toTagEnd) : undefined;
  }
  /** The parties of the call this message starts. */
  party: CallParties = { fromUri: undefined, toUri: undefined, fromDisplay: undefined, toDisplay: undefined };
  /** `party` itself (CallModelBuilder copies the fields at once), refilled for the next row. */
  parties(): CallParties {
    return this.party;
  }
  /** The From/To values of a new call given as bytes (the builder parses them when first read), else undefined. */
  ranges: PartyRanges | undefined = undefined;
  private readonly rangesOfRow: PartyRanges = { bytes: new Uint8Array(0), fromStart: -1, fromEnd: -1, toStart: -1, toEnd: -1 };
  partyRanges(): PartyRanges | undefined {
    return this.ranges;
  }
  /** Set `ranges` to the batch arena's [fs, fe) and [ts, te) (reused object, valid for this row). */
  setRanges(bytes: Uint8Array, fs: number, fe: number, ts: number, te: number): void {
    const r = this.rangesOfRow;
    r.bytes = bytes;
    r.fromStart = fs;
    r.fromEnd = fe;
    r.toStart = ts;
    r.toEnd = te;
    this.ranges = r;
  }
}

/** Back side: replays batches into a CallModelBuilder, in order. */
export class FactBatchReader {
  /** Dictionary: id -> string (id 0 = absent). */
  private readonly dict: (string | undefined)[] = [undefined];
  private readonly callIds: string[] = [];
  private readonly facts = new BatchFacts();
  private readonly seen: MessageSighting = {
    frame: 0, firstFrame: 0, timeSec: 0, timeNsec: 0, ipVersion: 4, src: '', srcPort: 0, dst: '', dstPort: 0,
    transport: 'UDP', truncated: false, location: { fileOffset: 0, length: 0 },
  };

  private readonly inFile = { fileOffset: 0, length: 0 };
  private readonly inMemory: { bytes: Uint8Array } = { bytes: new Uint8Array(0) };

  /**
   * The message store's ids of dictionary entries, by dictionary id (-1: not looked up yet): as an address
   * (MessageStore.addressId) and as a method/reason token (MessageStore.tokenId). Each entry is looked up once.
   */
  private readonly addressIds: number[] = [-1];
  private readonly tokenIds: number[] = [-1];
  /** The current row's string ids (one object for every row). */
  private readonly ids: MessageStringIds = { src: 0, dst: 0, method: 0, reason: 0, cseqMethod: 0 };

  constructor(private readonly builder: CallModelBuilder) {}

  /** MessageStore.addressId of dictionary entry `d` (absent: ''), looked up on first use. */
  private addressId(d: number): number {
    const known = this.addressIds[d]!;
    if (known >= 0) return known;
    return (this.addressIds[d] = this.builder.messages.addressId(this.dict[d] ?? ''));
  }

  /** MessageStore.tokenId of dictionary entry `d` (absent: 0), looked up on first use. */
  private tokenId(d: number): number {
    const known = this.tokenIds[d]!;
    if (known >= 0) return known;
    return (this.tokenIds[d] = this.builder.messages.tokenId(this.dict[d]));
  }

  /** FactValues of rows whose values are all plain ASCII (ranges of the batch arena). */
  private readonly plain: FactValues = { bytes: new Uint8Array(0), branchStart: -1, branchEnd: -1, fromTagStart: -1, fromTagEnd: -1, toTagStart: -1, toTagEnd: -1 };

  /** FactValues of rows with a value given as a string (encoded by encodeFactValues into its own buffer). */
  private readonly encoded: FactValues = { bytes: new Uint8Array(256), branchStart: -1, branchEnd: -1, fromTagStart: -1, fromTagEnd: -1, toTagStart: -1, toTagEnd: -1 };

  /** The text of the branch/tag column pair at `at` of batch `b` (see F_BRANCH). */
  private static text(b: FactBatch, at: number): string | undefined {
    const s = b.num[at]!;
    if (s >= 0) return decodeUtf8(b.arena, s, b.num[at + 1]!);
    return s === IN_TAGS ? b.tags[b.num[at + 1]!] : undefined;
  }

  /** A new call given as 5 strings from calls[t]: sets the parties, returns the Call-ID. */
  private textCall(b: FactBatch, t: number): string {
    const party = this.facts.party;
    party.fromUri = b.calls[t + 1];
    party.toUri = b.calls[t + 2];
    party.fromDisplay = b.calls[t + 3];
    party.toDisplay = b.calls[t + 4];
    this.facts.ranges = undefined;
    return b.calls[t]!;
  }

  /**
   * A new call given as bytes at num[c] (see C_*): its Call-ID decoded, its From/To values passed on as ranges of the
   * arena (the builder copies them and parses them when first read, as FastFacts.partyRanges on the front).
   */
  private bytesCall(b: FactBatch, c: number): string {
    const num = b.num;
    const a = b.arena;
    this.facts.setRanges(a, num[c + C_FROM]!, num[c + C_FROM + 1]!, num[c + C_TO]!, num[c + C_TO + 1]!);
    return decodeUtf8(a, num[c + C_CALL_ID]!, num[c + C_CALL_ID + 1]!);
  }

  /** Add every message of `b` to the builder. Batches must be applied in the order the writer produced them. */
  apply(b: FactBatch): void {
    const dict = this.dict;
    for (const s of b.dict) {
      dict.push(s === undefined ? s : internalized(s));
      this.addressIds.push(-1);
      this.tokenIds.push(-1);
    }
    this.newCall = 0;
    this.textCalls = 0;
    this.kept = 0;
    // One call per row, not the rows' work in this loop: V8 then optimizes row() once, as a function, instead of
    // running this loop unoptimized at first and compiling it again for on-stack replacement (measured: fewer
    // instructions, also in compilation).
    for (let r = 0; r < b.n; r++) this.row(b, r * STRIDE);
  }

  /** apply()'s count of batch `b`'s new calls, text calls and kept messages met so far (see row). */
  private newCall = 0;
  private textCalls = 0;
  private kept = 0;

  /** Add the message whose columns start at num[o] of batch `b` (apply's current batch) to the builder. */
  private row(b: FactBatch, o: number): void {
    const dict = this.dict;
    const ids = this.ids;
    const num = b.num;
    const f = this.facts;
    const seen = this.seen;
    const flags = num[o + F_FLAGS]!;
    f.kind = KINDS[flags & KIND_MASK]!;
    f.hasSdp = (flags & FLAG_SDP) !== 0;
    const status = num[o + F_STATUS]!;
    f.statusCode = status < 0 ? undefined : status;
    const seq = num[o + F_CSEQ]!;
    f.cseqSeq = seq < 0 ? undefined : seq;
    f.problemCount = num[o + F_PROBLEMS]!;
    const method = num[o + F_METHOD]!;
    const reason = num[o + F_REASON]!;
    const cseqMethod = num[o + F_CSEQ_METHOD]!;
    f.method = dict[method];
    f.reason = dict[reason];
    f.cseqMethod = dict[cseqMethod];
    ids.method = this.tokenId(method);
    ids.reason = this.tokenId(reason);
    ids.cseqMethod = this.tokenId(cseqMethod);
    f.viaSentBy = dict[num[o + F_SENT_BY]!];
    if (num[o + F_BRANCH] !== IN_TAGS && num[o + F_FROM_TAG] !== IN_TAGS && num[o + F_TO_TAG] !== IN_TAGS) {
      // Plain ASCII values (or none): ranges of the arena as they are.
      const v = (f.values = this.plain);
      v.bytes = b.arena;
      v.branchStart = num[o + F_BRANCH]!;
      v.branchEnd = num[o + F_BRANCH + 1]!;
      v.fromTagStart = num[o + F_FROM_TAG]!;
      v.fromTagEnd = num[o + F_FROM_TAG + 1]!;
      v.toTagStart = num[o + F_TO_TAG]!;
      v.toTagEnd = num[o + F_TO_TAG + 1]!;
    } else {
      // Some value came as a string (not plain ASCII, or from the full parser): all three encoded as the builder
      // encodes facts given as strings.
      const text = FactBatchReader.text;
      f.values = encodeFactValues(text(b, o + F_BRANCH), text(b, o + F_FROM_TAG), text(b, o + F_TO_TAG), this.encoded);
    }
    const call = num[o + F_CALL]!;
    if (call < 0) f.callId = undefined;
    else if (call < this.callIds.length) f.callId = this.callIds[call];
    else {
      const c = b.callsAt + this.newCall++ * CALL_STRIDE;
      const id = num[c] === IN_TAGS ? this.textCall(b, this.textCalls++ * 5) : this.bytesCall(b, c);
      this.callIds.push(id);
      f.callId = id;
    }
    seen.frame = num[o + F_FRAME]!;
    seen.firstFrame = num[o + F_FIRST]!;
    seen.timeSec = num[o + F_SEC]!;
    seen.timeNsec = num[o + F_NSEC]!;
    seen.ipVersion = (flags & FLAG_IPV6) !== 0 ? 6 : 4;
    const src = num[o + F_SRC]!;
    const dst = num[o + F_DST]!;
    seen.src = dict[src] ?? '';
    seen.dst = dict[dst] ?? '';
    ids.src = this.addressId(src);
    ids.dst = this.addressId(dst);
    seen.srcPort = num[o + F_SPORT]!;
    seen.dstPort = num[o + F_DPORT]!;
    seen.transport = TRANSPORTS[flags >>> TRANSPORT_SHIFT] ?? 'UDP';
    seen.truncated = (flags & FLAG_TRUNCATED) !== 0;
    const offset = num[o + F_OFFSET]!;
    // CallModelBuilder.add copies the location into the message store, so two scratch objects serve every row.
    if (offset >= 0) {
      const at = this.inFile;
      at.fileOffset = offset;
      at.length = num[o + F_LENGTH]!;
      seen.location = at;
    } else {
      this.inMemory.bytes = b.kept[this.kept++]!;
      seen.location = this.inMemory;
    }
    this.builder.add(seen, f, call, f.values, ids);
  }
}
