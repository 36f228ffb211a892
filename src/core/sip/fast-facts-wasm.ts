// The import fast path's fact scanner as WebAssembly (wasm/fact-scanner.ts, AssemblyScript, built by esbuild.mjs into
// dist/fact-scanner.wasm): the same facts as scanSipFacts/scanSipDatagram (fast-facts.ts, the reference), about
// twice as fast, mostly because it finds line ends 16 bytes at a time. The core does not load files: a host
// (the CLI's import worker, the extension) reads the module's bytes and hands them to WasmFactScanner.create.
// Bytes inside the module's memory (a capture read into `arena`) are scanned in place; others are copied first.
// The module also interns the short texts (method, reason phrase, CSeq method, Via sent-by) in its own table, so
// the host turns each into a string with one array read (see WasmFactScanner.text).
import { TOKEN_CHAR } from '../decode/sip-framing';
import { FastFacts, scanSipDatagram, scanSipFacts } from './fast-facts';
import { decodeLowerAscii, decodeUtf8 } from '../text/decode';
import { internalized } from '../util/string-table';

/** The scanner interface runImportFront uses: scanSipDatagram / scanSipFacts semantics (see fast-facts.ts). */
export interface FactScanner {
  /** scanSipDatagram(b, start, end, maxContentLength, into). */
  scanDatagram(b: Uint8Array, start: number, end: number, maxContentLength: number, into?: FastFacts): FastFacts | undefined;
  /** scanSipFacts(b): a new FastFacts for the whole of `b`, or undefined when the fast path declines. */
  scanMessage(b: Uint8Array): FastFacts | undefined;
  /**
   * Start staging (see ArenaStage), with the stage empty; `false` stops it. Returns the stage, or undefined when the
   * scanner has none (the TypeScript scanner, or a module created without stageBytes).
   */
  stage?(on: boolean): ArenaStage | undefined;
  /** A Call-ID table in the scanner's memory (see CallKeyTable), when it keeps one. */
  readonly calls?: CallKeyTable;
}

/**
 * A batch arena (capture/fact-batch.ts FactBatch.arena) that the scanner writes into as it scans: each successful
 * scan appends the message's top Via branch, From tag and To tag bytes at `used`, when they fit before
 * `bytes.length`, and says where in FastFacts.staged, so that the batch writer copies none of them; the writer
 * appends its own bytes at `used` too, and empties the stage (used[0] = 0) when it hands the batch over.
 */
export interface ArenaStage {
  /** The stage area (in the module's memory; valid for the scanner's lifetime). */
  readonly bytes: Uint8Array;
  /** [0]: bytes of `bytes` in use (the scanner appends after them); an array, shared with the module. */
  readonly used: Int32Array;
  /**
   * For the first message of a call: append its Call-ID, From and To values (those present and not empty, one after
   * another) at `used`, and return where they start; -1 when they do not fit, or when `f` is not the result of the
   * scanner's last scan (nothing is copied then).
   */
  call?(f: FastFacts): number;
}

/**
 * Call indexes by Call-ID bytes, kept in the scanner's memory (the module's Call-ID table), for
 * capture/fact-batch.ts CallIdIndex. of(b, s, e, h, value): the index kept for the plain ASCII key b[s, e) whose
 * FNV-1a hash (util/byte-key-table.ts hashBytes) is `h`; for a new key, `value` is kept and returned (the caller counts
 * a new call). -1: the key is new and the table is full, or longer than CALL_KEY_MAX_BYTES: the caller keeps it itself
 * (a key is kept in one place only, so lookups stay exact). Keys are compared byte for byte.
 */
export interface CallKeyTable {
  of(b: Uint8Array, s: number, e: number, h: number, value: number): number;
}

/** Longest Call-ID the module's table keeps (longer ones: the host's own table, always). */
export const CALL_KEY_MAX_BYTES = 4096;

/** The TypeScript fast path (fast-facts.ts). */
export const TS_FACT_SCANNER: FactScanner = {
  scanDatagram: scanSipDatagram,
  scanMessage: (b) => scanSipFacts(b),
};

// Result slots of wasm/fact-scanner.ts (i32 each), positions relative to the scanned range.
const R_KIND = 0;
const R_STATUS = 1;
const R_METHOD_S = 2;
const R_METHOD_E = 3;
const R_REASON_S = 4;
const R_REASON_E = 5;
const R_CSEQ_SEQ = 6;
const R_CSEQ_M_S = 7;
const R_CSEQ_M_E = 8;
const R_VIA_HS = 9;
const R_VIA_HE = 10;
const R_VIA_PORT = 11;
const R_VIA_END = 12;
const R_VIA_PLAIN = 13;
const R_HAS_SDP = 14;
const R_CALLID_S = 15;
const R_CALLID_E = 16;
const R_BRANCH_S = 17;
const R_BRANCH_E = 18;
const R_FTAG_S = 19;
const R_FTAG_E = 20;
const R_TTAG_S = 21;
const R_TTAG_E = 22;
const R_MSG_END = 23;
const R_FROM_S = 24;
const R_FROM_E = 25;
const R_TO_S = 26;
const R_TO_E = 27;
const R_CALLID_H = 31;
const R_CALLID_ASCII = 32;
const R_START_ID = 33;
const R_CSEQ_M_ID = 34;
const R_VIA_ID = 35;
const R_STAGED = 36;
const R_STAGED_NON_ASCII = 37;
const C_STAGE_USED = 38;
const C_STAGE_SIZE = 39;
/** The module's intern table size (INTERN_SLOTS): an *_ID slot id below it names a known text, id + this a new one. */
const INTERN_SLOTS = 4096;
/** Bytes that must be readable after a range scanned in place (the module's GUARD). */
const GUARD = 16;
/** Default size of the copy area: messages longer than this (outside the arena) are scanned by the TypeScript path. */
const DEFAULT_COPY_BYTES = 1 << 16;

/** The part of the WebAssembly JS API used here (the core's tsconfig has no DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
interface ScannerExports {
  memory: { buffer: ArrayBuffer };
  init(copyBytes: number, arenaBytes: number, stageBytes: number): void;
  tokenTable(): number;
  results(): number;
  copyAreaAt(): number;
  arenaAt(): number;
  stageAt(): number;
  scan(at: number, n: number, maxContentLength: number): number;
  initCalls(maxCalls: number, keyBytes: number, maxKey: number): void;
  callOf(at: number, len: number, h: number, value: number): number;
  callKeyAt(): number;
  stageCall(): number;
}

export class WasmFactScanner implements FactScanner {
  /**
   * `arenaBytes` bytes of the module's memory (empty when none was asked for): bytes read into it, and views of them,
   * are scanned in place. Valid for the scanner's lifetime (the module's memory never grows after create).
   */
  readonly arena: Uint8Array;
  private readonly memory: ArrayBuffer;
  /** memory.byteLength, read once (the memory never grows; reading it per scan showed in profiles). */
  private readonly memoryBytes: number;
  private readonly bytes: Uint8Array;
  private readonly slots: Int32Array;
  private readonly out: number;
  private readonly copyAt: number;
  private readonly copyBytes: number;
  private readonly scanAt: (at: number, n: number, maxContentLength: number) => number;
  private readonly stageArea: ArenaStage | undefined;
  /** The module's Call-ID table (create's `calls`), else undefined. */
  readonly calls: CallKeyTable | undefined;
  /** inPlace's last view, and whether it views the module's memory. */
  private lastView: Uint8Array = new Uint8Array(0);
  private lastViewInMemory = false;
  /** The text of each slot of the module's intern table (see the R_*_ID slots). */
  private readonly interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

  private constructor(x: ScannerExports, copyBytes: number, arenaBytes: number, stageBytes: number, calls: { maxCalls: number; keyBytes: number } | undefined) {
    x.init(copyBytes, arenaBytes, stageBytes);
    // Every area is allocated before the views below are made: the memory never grows after this.
    const maxKey = Math.min(CALL_KEY_MAX_BYTES, copyBytes);
    if (calls !== undefined) x.initCalls(calls.maxCalls, calls.keyBytes, maxKey);
    this.memory = x.memory.buffer;
    this.memoryBytes = this.memory.byteLength;
    this.bytes = new Uint8Array(this.memory);
    this.slots = new Int32Array(this.memory);
    this.bytes.set(TOKEN_CHAR, x.tokenTable());
    this.out = x.results() >> 2;
    this.copyAt = x.copyAreaAt();
    this.copyBytes = copyBytes;
    this.arena = new Uint8Array(this.memory, x.arenaAt(), arenaBytes);
    this.scanAt = x.scan;
    if (calls !== undefined) {
      const callOf = x.callOf;
      const keyAt = x.callKeyAt();
      this.calls = {
        of: (b: Uint8Array, s: number, e: number, h: number, value: number): number => {
          const len = e - s;
          if (len > maxKey) return -1;
          let at: number;
          if (this.inPlace(b, e)) at = b.byteOffset + s;
          else {
            this.bytes.set(b.subarray(s, e), keyAt);
            at = keyAt;
          }
          return callOf(at, len, h, value);
        },
      };
    }
    if (stageBytes > 0) {
      const stageCall = x.stageCall;
      this.stageArea = {
        bytes: new Uint8Array(this.memory, x.stageAt(), stageBytes),
        used: new Int32Array(this.memory, x.results() + C_STAGE_USED * 4, 1),
        call: (f: FastFacts) => (f === this.lastScan ? stageCall() : -1),
      };
    }
  }

  stage(on: boolean): ArenaStage | undefined {
    const st = this.stageArea;
    if (st === undefined) return undefined;
    st.used[0] = 0;
    this.slots[this.out + C_STAGE_SIZE] = on ? st.bytes.length : 0;
    return st;
  }

  /**
   * Instantiate the module from its bytes (dist/fact-scanner.wasm), synchronously. `arenaBytes`: size of `arena`
   * (default 0); `stageBytes`: size of the stage (see stage(); default 0, none); `calls`: a Call-ID table (see
   * `calls`) for at most `maxCalls` keys of `keyBytes` bytes in all (memory it has not reached is reserved, not
   * touched). Returns undefined, never throws, when the runtime has no WebAssembly (or no SIMD) or the bytes are not
   * the module: callers then use TS_FACT_SCANNER.
   */
  static create(
    moduleBytes: Uint8Array,
    opts: { arenaBytes?: number; copyBytes?: number; stageBytes?: number; calls?: { maxCalls: number; keyBytes: number } } = {},
  ): WasmFactScanner | undefined {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (api === undefined) return undefined;
    try {
      const instance = new api.Instance(new api.Module(moduleBytes), {
        env: {
          abort: () => {
            throw new Error('fact-scanner.wasm aborted');
          },
        },
      });
      const x = instance.exports as unknown as ScannerExports;
      if (typeof x.scan !== 'function' || typeof x.init !== 'function') return undefined;
      if (typeof x.stageAt !== 'function' || typeof x.callOf !== 'function') return undefined;
      return new WasmFactScanner(x, opts.copyBytes ?? DEFAULT_COPY_BYTES, opts.arenaBytes ?? 0, opts.stageBytes ?? 0, opts.calls);
    } catch {
      return undefined;
    }
  }

  scanDatagram(b: Uint8Array, start: number, end: number, maxContentLength: number, into?: FastFacts): FastFacts | undefined {
    return this.scan(b, start, end, maxContentLength, into);
  }

  scanMessage(b: Uint8Array): FastFacts | undefined {
    return this.scan(b, 0, b.length, -1, undefined);
  }

  /**
   * The text of b[s, e) (`lower`: ASCII-lowercased) that the module interned as `id` (an R_*_ID slot): the known
   * string of a slot, or, for a new one, the decoded text, kept for that slot. Results must be read in the order
   * the module interned them (method or reason, CSeq method, sent-by), as scan() does.
   */
  private text(id: number, b: Uint8Array, s: number, e: number, lower: boolean): string {
    if (id >= 0 && id < INTERN_SLOTS) return this.interned[id]!;
    const v = lower ? decodeLowerAscii(b, s, e) : decodeUtf8(b, s, e);
    if (id >= INTERN_SLOTS) return (this.interned[id - INTERN_SLOTS] = internalized(v));
    return v;
  }

  /** `b` lies in the module's memory up to `end`, with GUARD readable bytes after: the module reads it in place. */
  private inPlace(b: Uint8Array, end: number): boolean {
    // Whether `b` views the module's memory, remembered for the last view asked about (messages of one read chunk
    // share it): `b.buffer` is a call into the runtime per access, which showed in profiles (about 3% of the worker).
    // A view's buffer never changes here: the memory never grows, and a WebAssembly memory cannot be transferred.
    if (b !== this.lastView) {
      this.lastView = b;
      this.lastViewInMemory = b.buffer === this.memory;
    }
    return this.lastViewInMemory && b.byteOffset + end + GUARD <= this.memoryBytes;
  }

  /** The facts the last scan filled when the module made them (the module's result slots are theirs), else undefined. */
  private lastScan: FastFacts | undefined = undefined;

  /** fast-facts.ts scan(): in place when `b` is in the module's memory, else through the copy area. */
  private scan(b: Uint8Array, s: number, n: number, maxContentLength: number, into: FastFacts | undefined): FastFacts | undefined {
    this.lastScan = undefined;
    const len = n - s;
    let at: number;
    if (this.inPlace(b, n)) at = b.byteOffset + s;
    else if (len <= this.copyBytes) {
      this.bytes.set(s === 0 && n === b.length ? b : b.subarray(s, n), this.copyAt);
      at = this.copyAt;
    } else return maxContentLength >= 0 ? scanSipDatagram(b, s, n, maxContentLength, into) : scanSipFacts(b, s, n);
    if (this.scanAt(at, len, maxContentLength) === 0) return undefined;
    const r = this.slots;
    const o = this.out;
    let f: FastFacts;
    if (into === undefined) f = new FastFacts(b);
    else {
      f = into;
      f.reset(b);
    }
    if (r[o + R_KIND] === 1) {
      f.kind = 'response';
      f.statusCode = r[o + R_STATUS]!;
      const rs = r[o + R_REASON_S]!;
      f.reason = rs >= 0 ? this.text(r[o + R_START_ID]!, b, s + rs, s + r[o + R_REASON_E]!, false) : '';
    } else {
      f.method = this.text(r[o + R_START_ID]!, b, s + r[o + R_METHOD_S]!, s + r[o + R_METHOD_E]!, false);
    }
    const seq = r[o + R_CSEQ_SEQ]!;
    if (seq >= 0) {
      f.cseqSeq = seq;
      f.cseqMethod = this.text(r[o + R_CSEQ_M_ID]!, b, s + r[o + R_CSEQ_M_S]!, s + r[o + R_CSEQ_M_E]!, false);
    }
    const hs = r[o + R_VIA_HS]!;
    if (hs >= 0) {
      const id = r[o + R_VIA_ID]!;
      if (r[o + R_VIA_PLAIN] === 1) f.viaSentBy = this.text(id, b, s + hs, s + r[o + R_VIA_END]!, true);
      else {
        const host = this.text(id, b, s + hs, s + r[o + R_VIA_HE]!, true);
        const port = r[o + R_VIA_PORT]!;
        f.viaSentBy = port >= 0 ? `${host}:${port}` : host;
      }
    }
    f.hasSdp = r[o + R_HAS_SDP] === 1;
    // Ranges: start -1 (absent) keeps its end as scan() leaves it (0 for an absent tag or branch).
    let x = r[o + R_CALLID_S]!;
    if (x >= 0) {
      f.callIdStart = s + x;
      f.callIdEnd = s + r[o + R_CALLID_E]!;
      f.callIdHash = r[o + R_CALLID_H]!;
      f.callIdAscii = r[o + R_CALLID_ASCII]!;
    }
    x = r[o + R_BRANCH_S]!;
    if (x >= 0) {
      f.branchStart = s + x;
      f.branchEnd = s + r[o + R_BRANCH_E]!;
    } else if (hs >= 0) f.branchEnd = 0;
    x = r[o + R_FTAG_S]!;
    if (x >= 0) {
      f.fromTagStart = s + x;
      f.fromTagEnd = s + r[o + R_FTAG_E]!;
    }
    x = r[o + R_TTAG_S]!;
    if (x >= 0) {
      f.toTagStart = s + x;
      f.toTagEnd = s + r[o + R_TTAG_E]!;
    }
    x = r[o + R_FROM_S]!;
    if (x >= 0) {
      f.fromStart = s + x;
      f.fromEnd = s + r[o + R_FROM_E]!;
      if (f.fromTagStart < 0) f.fromTagEnd = 0;
    }
    x = r[o + R_TO_S]!;
    if (x >= 0) {
      f.toStart = s + x;
      f.toEnd = s + r[o + R_TO_E]!;
      if (f.toTagStart < 0) f.toTagEnd = 0;
    }
    x = r[o + R_MSG_END]!;
    if (x >= 0) f.messageEnd = s + x;
    f.messageLength = x >= 0 ? x : len;
    x = r[o + R_STAGED]!;
    if (x >= 0) {
      f.staged = x;
      f.stagedNonAscii = r[o + R_STAGED_NON_ASCII]!;
    }
    this.lastScan = f;
    return f;
  }
}
