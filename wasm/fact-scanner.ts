// AssemblyScript, compiled to WebAssembly by esbuild.mjs (dist/fact-scanner.wasm): the import fast path's SIP fact
// scanner, src/core/sip/fast-facts.ts scan() step for step, over bytes in linear memory, finding line ends 16 bytes
// at a time (SIMD). The TypeScript scan() is the reference: test/core/sip/fast-facts-wasm.test.ts checks that both
// give the same facts on every corpus and sample message and on mutated ones. The host side, the memory layout and
// the result slots are in src/core/sip/fast-facts-wasm.ts.
//
// Positions inside the scanner are absolute addresses (usize) in linear memory, converted to offsets from the
// scanned range's start only when stored in the result slots: an address kept in a local costs one load per byte,
// where an offset added to a global costs three (V8 reloads a mutable global on every use). The tables, the vector
// constants and the result slots are static data, so a table lookup or a slot store is one instruction too. Token
// runs are found 16 bytes at a time as well (nonToken), and the short texts interned through a small memo (intern).

const SP: u32 = 0x20;
const HT: u32 = 0x09;
const CR: u32 = 0x0d;
const LF: u32 = 0x0a;

// Result slots (i32 each, at `OUT`), positions relative to the scanned range: keep in step with fast-facts-wasm.ts.
const R_KIND = 0; // 0 request, 1 response
const R_STATUS = 1;
const R_METHOD_S = 2;
const R_METHOD_E = 3;
const R_REASON_S = 4; // -1: empty reason phrase
const R_REASON_E = 5;
const R_CSEQ_SEQ = 6; // -1: no CSeq
const R_CSEQ_M_S = 7;
const R_CSEQ_M_E = 8;
const R_VIA_HS = 9; // -1: no Via
const R_VIA_HE = 10;
const R_VIA_PORT = 11; // -1: no port
const R_VIA_END = 12; // end of sent-by (host and port)
const R_VIA_PLAIN = 13; // 1: the sent-by bytes are the text as they are (lowercased)
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
// Hashes, so that nobody loops over the bytes again: intern() hashes (fast-facts.ts) of the method or reason phrase,
// the CSeq method and the sent-by text, for this module's intern table (internId); the FNV-1a hash of the Call-ID
// (util/byte-key-table.ts hashBytes) and whether it is ASCII, for the host's call lookup.
const R_START_H = 28;
const R_CSEQ_M_H = 29;
const R_VIA_H = 30;
const R_CALLID_H = 31;
const R_CALLID_ASCII = 32;
// Intern slots (see internId) of the method or reason phrase, the CSeq method and the sent-by text: a slot s (the
// host's string for slot s is the text), s + INTERN_SLOTS (new in slot s: the host decodes it and keeps it for s),
// -1 (not interned: longer than INTERN_KEY_BYTES, or absent).
const R_START_ID = 33;
const R_CSEQ_M_ID = 34;
const R_VIA_ID = 35;
// Staging (see stageRanges): where the branch, From tag and To tag bytes were copied in the stage area (-1: not
// staged), and which of them are not plain ASCII (bit 0 branch, 1 From tag, 2 To tag).
const R_STAGED = 36;
const R_STAGED_NON_ASCII = 37;
// Control words the host writes: bytes of the stage area in use (the scan appends after them and moves it on), and
// the bytes the stage may use (0: no staging).
const C_STAGE_USED = 38;
const C_STAGE_SIZE = 39;
const R_SLOTS = 40;

/** decode/sip-framing.ts MAX_START_LINE_BYTES: classifySipStart looks no further for the Request-URI's end. */
const MAX_START_LINE_BYTES: usize = 8192;

/** 16 bytes after every area: SIMD loads read up to 15 bytes past the end of a scanned range. */
const GUARD: usize = 16;

/**
 * 256-byte RFC 3261 §25.1 token table (1 = token character, static data), filled by the host from TOKEN_CHAR once,
 * before the first scan (which derives NIB_LO/NIB_HI from it).
 */
const TOKEN: usize = memory.data(256);
/** The result slots (R_SLOTS i32, static data). */
const OUT: usize = memory.data(R_SLOTS * 4);
/** Byte classes (static data, filled by init): CL_WS for SP and HT. */
const CLASS: usize = memory.data(256);
const CL_WS: u32 = 1;
/**
 * Vector constants (static data, filled by init): 16 copies of a byte each, the V_* th at VEC + 16 * V_*. Loaded
 * from memory, one instruction, where V8 would build a constant vector with three in every loop iteration.
 */
const VEC: usize = memory.data(16 * 16);
const V_LF = 0;
const V_COLON = 1;
const V_SEMI = 2;
const V_SP = 3;
const V_HT = 4;
const V_COMMA = 5;
const V_QUOTE = 6;
const V_BSLASH = 7;
const V_LT = 8;
const V_GT = 9;
const V_RBRACKET = 10;
const V_DOT = 11;
const V_CTL = 12; // 0x20: bytes < 0x21 are those equal to min(byte, 0x20)
const V_DEL = 13; // 0x7f
const V_NIBBLE = 14; // 0x0f
/**
 * The token table as two nibble tables (static data, built by tokenNibbles at the first scan, from the table the host
 * filled): a byte hi << 4 | lo is a token character when NIB_LO[lo] & NIB_HI[hi] != 0, 16 bytes at a time with two
 * swizzles.
 */
const NIB_LO: usize = memory.data(16);
const NIB_HI: usize = memory.data(16);
/** 1: NIB_LO/NIB_HI hold the token table; 0: not built yet; -1: the table has no such form (token runs byte by byte). */
let nibbles: i32 = 0;
let copyArea: usize = 0;
let arenaArea: usize = 0;
let stageArea: usize = 0;
/** Intern table (see internId): per slot the key length (-1: empty) and INTERN_KEY_BYTES of key bytes. */
const INTERN_SLOTS: i32 = 4096;
const INTERN_KEY_BYTES: i32 = 64;
let internLen: usize = 0;
let internKey: usize = 0;
/** Start of the range last scanned (for stageCall, which stages its values after the scan). */
let input: usize = 0;

/**
 * Allocate, once, before the host makes views of the memory (they stay valid: nothing allocates after this and
 * initCalls): a copy area of `copyBytes` bytes for messages outside linear memory, an arena of `arenaBytes` bytes the
 * host may read captures into (then messages are scanned in place), the stage area and the intern table. The token
 * table and the result slots are static.
 */
export function init(copyBytes: i32, arenaBytes: i32, stageBytes: i32): void {
  for (let c: u32 = 0; c < 256; c++) store<u8>(CLASS + <usize>c, c == SP || c == HT ? CL_WS : 0);
  vecSet(V_LF, LF);
  vecSet(V_COLON, 0x3a);
  vecSet(V_SEMI, 0x3b);
  vecSet(V_SP, SP);
  vecSet(V_HT, HT);
  vecSet(V_COMMA, 0x2c);
  vecSet(V_QUOTE, 0x22);
  vecSet(V_BSLASH, 0x5c);
  vecSet(V_LT, 0x3c);
  vecSet(V_GT, 0x3e);
  vecSet(V_RBRACKET, 0x5d);
  vecSet(V_DOT, 0x2e);
  vecSet(V_CTL, 0x20);
  vecSet(V_DEL, 0x7f);
  vecSet(V_NIBBLE, 0x0f);
  for (let len = 0; len <= 16; len++) {
    for (let k = 0; k < 16; k++) store<u8>(KEY_MASK + (<usize>len << 4) + <usize>k, k < len ? 0xff : 0);
  }
  copyArea = heap.alloc(<usize>copyBytes + GUARD);
  arenaArea = heap.alloc(<usize>arenaBytes + GUARD);
  stageArea = heap.alloc(<usize>stageBytes + GUARD);
  set(C_STAGE_USED, 0);
  set(C_STAGE_SIZE, 0);
  internLen = heap.alloc(<usize>INTERN_SLOTS * 4);
  internKey = heap.alloc(<usize>(INTERN_SLOTS * INTERN_KEY_BYTES) + GUARD);
  for (let i: i32 = 0; i < INTERN_SLOTS; i++) store<i32>(internLen + (<usize>i << 2), -1);
}
@inline function vecSet(k: i32, c: u32): void {
  v128.store(VEC + (<usize>k << 4), i8x16.splat(<i8>c));
}
/** The vector constant V_* `k`. */
@inline function vec(k: i32): v128 {
  return v128.load(VEC + (<usize>k << 4));
}

/**
 * Build NIB_LO/NIB_HI from the token table: each high nibble's row (the set of low nibbles that make a token byte)
 * gets a bit of its own, the same bit for equal rows; NIB_HI[hi] is the bit of row hi (0 for an empty row), NIB_LO[lo]
 * the bits of the rows that hold lo. Exact for any table with at most 8 distinct non-empty rows (the RFC 3261 token
 * table has 6); else nibbles = -1 and token runs are found byte by byte.
 */
function tokenNibbles(): void {
  const rows = NIB_ROWS;
  let distinct = 0;
  for (let h = 0; h < 16; h++) {
    let row = 0;
    for (let l = 0; l < 16; l++) if (load<u8>(TOKEN + <usize>(h << 4 | l)) != 0) row |= 1 << l;
    let bit = 0;
    if (row != 0) {
      let k = 0;
      while (k < distinct && load<i32>(rows + (<usize>k << 2)) != row) k++;
      if (k == distinct) {
        if (distinct == 8) {
          nibbles = -1;
          return;
        }
        store<i32>(rows + (<usize>k << 2), row);
        distinct++;
      }
      bit = 1 << k;
    }
    store<u8>(NIB_HI + <usize>h, <u8>bit);
  }
  for (let l = 0; l < 16; l++) {
    let bits = 0;
    for (let k = 0; k < distinct; k++) if (((load<i32>(rows + (<usize>k << 2)) >> l) & 1) != 0) bits |= 1 << k;
    store<u8>(NIB_LO + <usize>l, <u8>bits);
  }
  nibbles = 1;
}
/** tokenNibbles' scratch: the distinct rows. */
const NIB_ROWS: usize = memory.data(8 * 4);

export function tokenTable(): usize {
  return TOKEN;
}
export function results(): usize {
  return OUT;
}
export function copyAreaAt(): usize {
  return copyArea;
}
export function arenaAt(): usize {
  return arenaArea;
}
export function stageAt(): usize {
  return stageArea;
}

/** The byte at address `p`. */
@inline function at(p: usize): u32 {
  return <u32>load<u8>(p);
}
@inline function isToken(c: u32): bool {
  return load<u8>(<usize>c, TOKEN) != 0;
}
@inline function lc(c: u32): u32 {
  return c | 0x20;
}
@inline function set(slot: i32, v: i32): void {
  store<i32>(OUT + (<usize>slot << 2), v);
}
@inline function get(slot: i32): i32 {
  return load<i32>(OUT + (<usize>slot << 2));
}
@inline function isWs(c: u32): bool {
  return (<u32>load<u8>(<usize>c, CLASS) & CL_WS) != 0;
}
/** First address in [i, e) that is not SP or HT, or e (i when i >= e). Most calls find none: no loop entered then. */
@inline function skipWs(i: usize, e: usize): usize {
  if (i < e && isWs(at(i))) {
    i++;
    while (i < e && isWs(at(i))) i++;
  }
  return i;
}
/** [s, e) without its trailing SP and HT: the new end (e when e <= s). As skipWs. */
@inline function trimWs(s: usize, e: usize): usize {
  if (e > s && isWs(at(e - 1))) {
    e--;
    while (e > s && isWs(at(e - 1))) e--;
  }
  return e;
}

/**
 * First address in [i, e) whose byte is one of those of the vectors va, vb, vc, vd (vec(V_*); repeat one to look
 * for fewer), or e; i when i >= e. 16 bytes at a time, the last block masked to the range: reads up to 15 bytes past
 * e (GUARD).
 */
@inline function findAny(i: usize, e: usize, va: v128, vb: v128, vc: v128, vd: v128): usize {
  if (i >= e) return i;
  while (i < e) {
    const v = v128.load(i);
    let m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, va), i8x16.eq(v, vb)), v128.or(i8x16.eq(v, vc), i8x16.eq(v, vd))));
    if (e - i < 16) m &= (1 << <i32>(e - i)) - 1;
    if (m != 0) return i + <usize>ctz(m);
    i += 16;
  }
  return e;
}

/** findAny for one byte value (the vector va): first address in [i, e) whose byte is it, or e; i when i >= e. */
@inline function find1(i: usize, e: usize, va: v128): usize {
  if (i >= e) return i;
  while (i < e) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(i), va));
    if (e - i < 16) m &= (1 << <i32>(e - i)) - 1;
    if (m != 0) return i + <usize>ctz(m);
    i += 16;
  }
  return e;
}

/** The bytes among the 16 of `v` that are not token characters (NIB_LO/NIB_HI), as a mask (bit k: byte k). */
@inline function nonToken(v: v128): i32 {
  const lo = i8x16.swizzle(v128.load(NIB_LO), v128.and(v, vec(V_NIBBLE)));
  // (each byte's high nibble: a 16-bit shift and a mask, cheaper than i8x16.shr_u)
  const hi = i8x16.swizzle(v128.load(NIB_HI), v128.and(i16x8.shr_u(v, 4), vec(V_NIBBLE)));
  return i8x16.bitmask(i8x16.eq(v128.and(lo, hi), i64x2.splat(0)));
}

/**
 * First address in [i, e) whose byte is not a token character, or e; i when i >= e (a token run). 16 bytes at a
 * time when the nibble tables are built (reads up to 15 bytes past e: GUARD), else byte by byte.
 */
@inline function tokenEnd(i: usize, e: usize): usize {
  if (i >= e) return i;
  if (nibbles != 1) {
    while (i < e && isToken(at(i))) i++;
    return i;
  }
  while (i < e) {
    let m = nonToken(v128.load(i));
    if (e - i < 16) m |= -1 << <i32>(e - i);
    if (m != 0) return i + <usize>ctz(m);
    i += 16;
  }
  return e;
}

/**
 * First address in [i, e) whose byte c ends a Via host as fast-facts.ts has it (!(token or '.') or ':'), or e; i
 * when i >= e. As tokenEnd.
 */
function hostEnd(i: usize, e: usize): usize {
  if (i >= e) return i;
  if (nibbles != 1) {
    while (i < e) {
      const ch = at(i);
      if (!(isToken(ch) || ch == 0x2e) || ch == 0x3a) break;
      i++;
    }
    return i;
  }
  while (i < e) {
    const v = v128.load(i);
    let m = (nonToken(v) & ~i8x16.bitmask(i8x16.eq(v, vec(V_DOT)))) | i8x16.bitmask(i8x16.eq(v, vec(V_COLON)));
    if (e - i < 16) m |= -1 << <i32>(e - i);
    if (m != 0) return i + <usize>ctz(m);
    i += 16;
  }
  return e;
}

/**
 * The LF and ':' bytes among the 16 at `p` (p < e), as one mask: bit k for an LF at p + k, bit 16 + k for a ':'
 * there; only bytes before `e` (reads up to 15 bytes past e: GUARD).
 */
@inline function lineMasks(p: usize, e: usize): i32 {
  const v = v128.load(p);
  let m = i8x16.bitmask(i8x16.eq(v, vec(V_LF))) | (i8x16.bitmask(i8x16.eq(v, vec(V_COLON))) << 16);
  if (e - p < 16) m &= ((1 << <i32>(e - p)) - 1) * 0x10001;
  return m;
}

/**
 * The `len` (<= 8) bytes at `s`, each lowercased as lc() does (| 0x20), equal the packed lowercase name `w`
 * (little-endian). One 8-byte load: GUARD makes the bytes past a range readable, and the mask drops them.
 */
@inline function eqLower(s: usize, w: u64, len: i32): bool {
  const mask: u64 = len >= 8 ? 0xffffffffffffffff : (<u64>1 << (<u64>len << 3)) - 1;
  return ((load<u64>(s) | 0x2020202020202020) & mask) == w;
}

// little-endian packed lowercase names
const W_TO: u64 = 0x6f74;
const W_VIA: u64 = 0x616976;
const W_FROM: u64 = 0x6d6f7266;
const W_CSEQ: u64 = 0x71657363;
const W_CALL_ID: u64 = 0x64692d6c6c6163; // "call-id"
const W_SIP20: u64 = 0x2f302e322f706973; // "sip/2.0/"
const W_TAG: u64 = 0x676174;
const W_BRANCH: u64 = 0x68636e617262;
const W_CONTENT_: u64 = 0x2d746e65746e6f63; // "content-"
const W_TYPE: u64 = 0x65707974;
const W_LENGTH: u64 = 0x6874676e656c;
const W_APPLICAT: u64 = 0x746163696c707061; // "applicat"
const W_ION_SDP: u64 = 0x7064732f6e6f69; // "ion/sdp"
const W_MULTIPAR: u64 = 0x72617069746c756d; // "multipar"
const W_T_SLASH: u64 = 0x2f74; // "t/"
/** "SIP/2.0 " (a Status-Line's start) and " SIP/2.0" (a Request-Line's end), as they are (not lowercased). */
const W_SIP20_SP: u64 = 0x20302e322f504953;
const W_SP_SIP20: u64 = 0x302e322f50495320;

/** eqLower over 8 + `len2` bytes: `w1` then the first `len2` bytes of `w2`. */
@inline function eqLower2(s: usize, w1: u64, w2: u64, len2: i32): bool {
  return eqLower(s, w1, 8) && eqLower(s + 8, w2, len2);
}

const H_OTHER = 0;
const H_CALLID = 1;
const H_CSEQ = 2;
const H_FROM = 3;
const H_TO = 4;
const H_VIA = 5;
const H_CTYPE = 6;
const H_CLEN = 7;

function headerKind(s: usize, e: usize): i32 {
  switch (<i32>(e - s)) {
    case 1: {
      const c = lc(at(s));
      if (c == 0x69) return H_CALLID;
      if (c == 0x66) return H_FROM;
      if (c == 0x74) return H_TO;
      if (c == 0x76) return H_VIA;
      if (c == 0x63) return H_CTYPE;
      if (c == 0x6c) return H_CLEN;
      return H_OTHER;
    }
    case 2:
      return eqLower(s, W_TO, 2) ? H_TO : H_OTHER;
    case 3:
      return eqLower(s, W_VIA, 3) ? H_VIA : H_OTHER;
    case 4:
      return eqLower(s, W_FROM, 4) ? H_FROM : eqLower(s, W_CSEQ, 4) ? H_CSEQ : H_OTHER;
    case 7:
      return eqLower(s, W_CALL_ID, 7) ? H_CALLID : H_OTHER;
    case 12:
      return eqLower2(s, W_CONTENT_, W_TYPE, 4) ? H_CTYPE : H_OTHER;
    case 14:
      return eqLower2(s, W_CONTENT_, W_LENGTH, 6) ? H_CLEN : H_OTHER;
    default:
      return H_OTHER;
  }
}

/** Unsigned decimal digits in [s, e); -1 when empty, not all digits or longer than 10 digits. */
function digits(s: usize, e: usize): f64 {
  if (s >= e || e - s > 10) return -1;
  let n: f64 = 0;
  for (let i = s; i < e; i++) {
    const c = <i32>at(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + <f64>c;
  }
  return n;
}

/** Σ b_j * 31^(7 - j) (mod 2^32) over the 8 bytes of `w` (b_0 its lowest): pairs, then quads, then the two quads. */
@inline function hash8(w: u64): u32 {
  // 16-bit lanes b0 * 31 + b1, b2 * 31 + b3, ... (each < 8161), then 32-bit lanes of four bytes (each < 2^23)
  const p = (w & 0x00ff00ff00ff00ff) * 31 + ((w >> 8) & 0x00ff00ff00ff00ff);
  const q = (p & 0x0000ffff0000ffff) * 961 + ((p >> 16) & 0x0000ffff0000ffff);
  return <u32>q * 923521 + <u32>(q >> 32);
}

/** 31^r (r = 0..8), and the powers of 31's inverse modulo 2^32 (0xbdef7bdf), for internHash. */
const POW31: usize = memory.data<u32>([1, 31, 961, 29791, 923521, 28629151, 887503681, 1742810335, 2487512833]);
const INV31: usize = memory.data<u32>([
  0x1, 0xbdef7bdf, 0xcc520c41, 0xd50ae79f, 0x723a2881, 0x7f8e435f, 0x7ffc54c1, 0x56b58f1f, 0x44dc9101,
]);

/**
 * fast-facts.ts intern()'s hash of [s, e): seeded with the length and `lower`, h = h * 31 + byte over the bytes as
 * they are, in i32 arithmetic. Eight bytes at a time (h * 31^8 + hash8); the last r < 8 as hash8 of them followed by
 * zeros, which is their sum times 31^(8 - r), times 31^-(8 - r) (31 is odd: invertible modulo 2^32). Reads up to 7
 * bytes past e (GUARD).
 */
@inline function internHash(s: usize, e: usize, lower: bool): i32 {
  let h = <u32>(<i32>(e - s) * 31 + (lower ? 7 : 0));
  let i = s;
  for (; e - i >= 8; i += 8) h = h * 2487512833 + hash8(load<u64>(i));
  const r = <i32>(e - i);
  if (r > 0) {
    const w = load<u64>(i) & ((<u64>1 << (<u64>r << 3)) - 1);
    h = h * load<u32>(POW31 + (<usize>r << 2)) + hash8(w) * load<u32>(INV31 + (<usize>(8 - r) << 2));
  }
  return <i32>h;
}

/**
 * The intern slot of the bytes [s, e) whose internHash is h (fast-facts.ts intern()'s cache, kept here: slot
 * h & (INTERN_SLOTS - 1), the key compared 16 bytes at a time): the slot when it holds these bytes; else the bytes
 * are stored there and the slot + INTERN_SLOTS is returned (the host then decodes the text for that slot); -1 for
 * keys longer than INTERN_KEY_BYTES. Called only once a scan has succeeded, so that the host, which reads every
 * result of a successful scan in order, always knows the text of every stored key.
 */
@inline function internId(s: usize, e: usize, h: i32): i32 {
  const len = <i32>(e - s);
  if (len < 0 || len > INTERN_KEY_BYTES) return -1;
  const slot = h & (INTERN_SLOTS - 1);
  const lp = internLen + (<usize>slot << 2);
  const kp = internKey + (<usize>slot * <usize>INTERN_KEY_BYTES);
  // The key area and the input both have GUARD bytes after them (sameBytes reads up to 15 bytes past).
  if (load<i32>(lp) == len && sameBytes(kp, s, len)) return slot;
  copy16(kp, s, len); // whole 16-byte blocks: at most INTERN_KEY_BYTES, the slot's size
  store<i32>(lp, len);
  internStores++;
  return slot + INTERN_SLOTS;
}

/** Keys internId has stored (from 1: a zeroed MEMO entry is never current). */
let internStores: u32 = 1;
/**
 * A memo in front of the intern table, for keys of at most 16 bytes (static data, 16 entries of 32 bytes, so always
 * in cache where the table's lines are often not): direct-mapped by the key's first bytes, an entry holds the key's
 * 16 bytes (zero past its length), its length | `lower` << 8, its internHash, its intern slot and internStores when
 * it was made. An entry made at the current internStores names a slot that still holds the key (nothing was stored
 * since), so it gives what internHash and internId would.
 */
const MEMO: usize = memory.data(16 * 32);
/** MEMO key masks (static data, filled by init): 16 bytes for each length 0..16, 0xff for the bytes of the key. */
const KEY_MASK: usize = memory.data(17 * 16);

/** Intern the bytes [s, e) (internHash with `lower`, then internId): their hash in slot `hSlot`, their id in `idSlot`. */
@inline function intern(s: usize, e: usize, lower: bool, hSlot: i32, idSlot: i32): void {
  const len = <i32>(e - s);
  if (len <= 16) {
    // (len >= 0: e >= s for every interned range)
    const key = v128.and(v128.load(s), v128.load(KEY_MASK + (<usize>len << 4)));
    const meta = <u32>len | (lower ? 0x100 : 0);
    const m = MEMO + (<usize>(((<u64>i64x2.extract_lane(key, 0) ^ <u64>meta) * 0x9e3779b97f4a7c15) >> 60) << 5);
    if (load<u32>(m, 16) == meta && load<u32>(m, 28) == internStores && !v128.any_true(v128.xor(v128.load(m), key))) {
      set(hSlot, load<i32>(m, 20));
      set(idSlot, load<i32>(m, 24));
      return;
    }
    const h = internHash(s, e, lower);
    const id = internId(s, e, h);
    set(hSlot, h);
    set(idSlot, id);
    v128.store(m, key);
    store<u32>(m, meta, 16);
    store<i32>(m, h, 20);
    store<i32>(m, id & (INTERN_SLOTS - 1), 24);
    store<u32>(m, internStores, 28);
    return;
  }
  const h = internHash(s, e, lower);
  set(hSlot, h);
  set(idSlot, internId(s, e, h));
}

const FNV_OFFSET: i32 = 0x811c9dc5;
const FNV_PRIME: i32 = 0x01000193;

/**
 * Results of param() and addrTag(), which return the address where the value starts, ABSENT or NOT_SIMPLE (neither
 * is ever an address in a scanned range: those lie in areas allocated after the static data): the value's end
 * address (0 when ABSENT).
 */
let valueEnd: usize = 0;
const ABSENT: usize = 0;
const NOT_SIMPLE: usize = 1;

/** fast-facts.ts param() over [s, e): `want` is a packed lowercase name of `wantLen` bytes. */
@inline function param(s: usize, e: usize, want: u64, wantLen: i32): usize {
  let i = s;
  let found = ABSENT;
  let foundEnd: usize = 0;
  while (i < e) {
    i = skipWs(i, e);
    if (i >= e) break;
    if (at(i) != 0x3b) return NOT_SIMPLE;
    i++;
    i = skipWs(i, e);
    const ns = i;
    i = tokenEnd(i, e);
    const ne = i;
    if (ne == ns) return NOT_SIMPLE;
    i = skipWs(i, e);
    let vs = i;
    let ve = i;
    if (i < e && at(i) == 0x3d) {
      i++;
      i = skipWs(i, e);
      vs = i;
      if (at(i) == 0x22) return NOT_SIMPLE;
      i = findAny(i, e, vec(V_SEMI), vec(V_SP), vec(V_HT), vec(V_COMMA));
      ve = i;
      if (at(i) == 0x2c) return NOT_SIMPLE;
    }
    if (found == ABSENT && <i32>(ne - ns) == wantLen && eqLower(ns, want, wantLen)) {
      found = vs;
      foundEnd = ve;
    }
  }
  valueEnd = foundEnd;
  return found;
}

/** fast-facts.ts addrTag() over [s, e). */
function addrTag(s: usize, e: usize): usize {
  let i = s;
  let paramsFrom: usize = 0;
  if (at(i) == 0x22) {
    i = findAny(i + 1, e, vec(V_QUOTE), vec(V_BSLASH), vec(V_QUOTE), vec(V_BSLASH));
    if (i >= e || at(i) == 0x5c) return NOT_SIMPLE;
    i++;
  }
  let lt: usize = 0;
  const j = findAny(i, e, vec(V_LT), vec(V_QUOTE), vec(V_COMMA), vec(V_SEMI));
  if (j < e) {
    const c = at(j);
    if (c == 0x3c) lt = j;
    else if (c == 0x3b) paramsFrom = j;
    else return NOT_SIMPLE;
  }
  if (lt != 0) {
    const gt = find1(lt, e, vec(V_GT));
    if (gt >= e) return NOT_SIMPLE;
    paramsFrom = gt + 1;
  } else if (paramsFrom == 0) {
    paramsFrom = e;
  }
  return param(paramsFrom, e, W_TAG, 3);
}

/** Offset of address `p` from the scanned range's start `at0`, or -1 for ABSENT (param's and addrTag's). */
@inline function offsetOf(p: usize, at0: usize): i32 {
  return p == ABSENT ? -1 : <i32>(p - at0);
}

// The header fields scan() reads, one function each (so that the line loop keeps its few values in registers): each
// gets the trimmed value [vs, ve) of the first such header and the scanned range's start `at0`, stores its results
// in the result slots, and returns 0 when the fast path declines the message, else 1.

/** Call-ID: R_CALLID_S/E, its FNV-1a hash (R_CALLID_H, 4 bytes a load) and whether it is ASCII (R_CALLID_ASCII). */
function callIdField(at0: usize, vs: usize, ve: usize): i32 {
  if (ve == vs) return 0;
  set(R_CALLID_S, <i32>(vs - at0));
  set(R_CALLID_E, <i32>(ve - at0));
  // `any`: every byte or-ed in its lane (ASCII when no lane has bit 7)
  let h = FNV_OFFSET;
  let any: u32 = 0;
  let q = vs;
  for (; q + 4 <= ve; q += 4) {
    const w = load<u32>(q);
    any |= w;
    h = (h ^ <i32>(w & 0xff)) * FNV_PRIME;
    h = (h ^ <i32>((w >> 8) & 0xff)) * FNV_PRIME;
    h = (h ^ <i32>((w >> 16) & 0xff)) * FNV_PRIME;
    h = (h ^ <i32>(w >> 24)) * FNV_PRIME;
  }
  for (; q < ve; q++) {
    const ch = at(q);
    any |= ch;
    h = (h ^ <i32>ch) * FNV_PRIME;
  }
  set(R_CALLID_H, h);
  set(R_CALLID_ASCII, (any & 0x80808080) == 0 ? 1 : 0);
  return 1;
}

/** CSeq (RFC 3261 §20.16: 1*DIGIT LWS Method): R_CSEQ_SEQ, R_CSEQ_M_S/E. */
function cseqField(at0: usize, vs: usize, ve: usize): i32 {
  // digits() over the leading digits, in the same pass
  let d = vs;
  let seq: f64 = 0;
  while (d < ve) {
    const c = <i32>at(d) - 0x30;
    if (<u32>c > 9) break;
    seq = seq * 10 + <f64>c;
    d++;
  }
  if (d == vs || d - vs > 10 || seq > 2147483647) return 0;
  const m = skipWs(d, ve);
  if (m == d || m == ve) return 0;
  if (tokenEnd(m, ve) != ve) return 0;
  set(R_CSEQ_SEQ, <i32>seq);
  set(R_CSEQ_M_S, <i32>(m - at0));
  set(R_CSEQ_M_E, <i32>(ve - at0));
  return 1;
}

/** From (slot R_FROM_S, tag R_FTAG_S) or To (R_TO_S, R_TTAG_S): the value's range and its tag's (see addrTag). */
function addrField(at0: usize, vs: usize, ve: usize, slot: i32, tagSlot: i32): i32 {
  const tag = addrTag(vs, ve);
  if (tag == NOT_SIMPLE) return 0;
  set(tagSlot, offsetOf(tag, at0));
  set(tagSlot + 1, tag == ABSENT ? 0 : <i32>(valueEnd - at0));
  set(slot, <i32>(vs - at0));
  set(slot + 1, <i32>(ve - at0));
  return 1;
}

/**
 * The top Via (RFC 3261 §20.42: SIP / 2.0 / transport LWS sent-by *( SEMI via-params ), first via-parm only):
 * R_VIA_HS/HE/PORT/END/PLAIN and R_BRANCH_S/E.
 */
function viaField(at0: usize, vs: usize, ve: usize): i32 {
  if (ve - vs < 9 || !eqLower(vs, W_SIP20, 8)) return 0;
  let k = tokenEnd(vs + 8, ve);
  if (k == vs + 8 || !isWs(at(k))) return 0;
  k = skipWs(k, ve);
  let hs = k;
  let he: usize;
  if (at(k) == 0x5b) {
    const rb = find1(k, ve, vec(V_RBRACKET));
    if (rb >= ve) return 0;
    hs = k + 1;
    he = rb;
    k = rb + 1;
  } else {
    k = hostEnd(k, ve);
    he = k;
  }
  if (he == hs) return 0;
  let port = -1;
  if (at(k) == 0x3a) {
    // digits() over the port's digits, in the same pass
    const ps = ++k;
    let p = 0;
    while (k < ve) {
      const c = <i32>at(k) - 0x30;
      if (<u32>c > 9) break;
      if (p <= 65535) p = p * 10 + c; // past 65535 it stays past it (no overflow)
      k++;
    }
    if (k == ps || k - ps > 10 || p > 65535) return 0;
    port = p;
  }
  const pe = find1(k, ve, vec(V_COMMA));
  const br = param(k, pe, W_BRANCH, 6);
  if (br == NOT_SIMPLE) return 0;
  set(R_BRANCH_S, offsetOf(br, at0));
  set(R_BRANCH_E, br == ABSENT ? 0 : <i32>(valueEnd - at0));
  set(R_VIA_HS, <i32>(hs - at0));
  set(R_VIA_HE, <i32>(he - at0));
  set(R_VIA_PORT, port);
  set(R_VIA_END, <i32>(k - at0));
  // sent-by as the full parser renders it: plain `host:port` bytes (no brackets, no leading zero) as they are
  set(R_VIA_PLAIN, at(hs - 1) != 0x5b && port >= 0 && at(he + 1) != 0x30 ? 1 : 0);
  return 1;
}

/** Content-Type: 0 (decline: multipart, or whitespace inside the media type), 1, or 2 for application/sdp. */
function ctypeField(vs: usize, ve: usize): i32 {
  const te = trimWs(vs, find1(vs, ve, vec(V_SEMI)));
  if (te - vs == 15 && eqLower2(vs, W_APPLICAT, W_ION_SDP, 7)) return 2;
  if (te - vs >= 10 && eqLower2(vs, W_MULTIPAR, W_T_SLASH, 2)) return 0;
  for (let q = vs; q < te; q++) if (isWs(at(q))) return 0;
  return 1;
}

// scan()'s `seen` bits: the headers whose first occurrence was read.
const SEEN_VIA = 1;
const SEEN_TYPE = 2;
const SEEN_LENGTH = 4;
const SEEN_CSEQ = 8;
const SEEN_CALLID = 16;
const SEEN_FROM = 32;
const SEEN_TO = 64;
const SDP_TYPE = 128; // Content-Type application/sdp

/**
 * Scan the `n` bytes at `at0` (fast-facts.ts scan() with s = 0; at least GUARD readable bytes must follow them).
 * `maxContentLength` >= 0: datagram mode. Returns 1 with the result slots filled, or 0 when the fast path declines
 * (then the result slots hold nothing of use).
 */
export function scan(at0: usize, n: i32, maxContentLength: f64): i32 {
  input = at0;
  if (n <= 0) return 0;
  if (nibbles == 0) tokenNibbles();
  let end = at0 + <usize>n;
  // The start line and the header lines are found in one pass, 16 bytes at a time: mL and mC are the LF and ':'
  // masks (lineMasks) of the block at b, which only moves forward.
  let b = at0;
  let mm = lineMasks(b, end);
  let mL = mm & 0xffff;
  let mC = mm >>> 16;
  let m = mL;
  while (m == 0) {
    b += 16;
    if (b >= end) return 0;
    mm = lineMasks(b, end);
    mL = mm & 0xffff;
    mC = mm >>> 16;
    m = mL;
  }
  let lf = b + <usize>ctz(m);
  let le = lf > at0 && at(lf - 1) == CR ? lf - 1 : lf;
  set(R_STATUS, 0);
  set(R_METHOD_S, -1);
  set(R_METHOD_E, -1);
  set(R_REASON_S, -1);
  set(R_REASON_E, -1);
  if (le - at0 >= 12 && load<u64>(at0) == W_SIP20_SP) {
    set(R_KIND, 1);
    const code = digits(at0 + 8, at0 + 11);
    if (code < 100 || code > 699) return 0;
    set(R_STATUS, <i32>code);
    if (le - at0 > 11) {
      if (at(at0 + 11) != SP) return 0;
      if (le - at0 > 12) {
        set(R_REASON_S, 12);
        set(R_REASON_E, <i32>(le - at0));
      }
    }
  } else {
    set(R_KIND, 0);
    const i = tokenEnd(at0, le);
    if (i == at0 || at(i) != SP) return 0;
    set(R_METHOD_S, 0);
    set(R_METHOD_E, <i32>(i - at0));
    // As fast-facts.ts: a scheme colon, no control characters, ending before MAX_START_LINE_BYTES. The URI ends at
    // the first byte < 0x21 or 0x7f (16 bytes at a time), which must be SP.
    const uriStart = i + 1;
    let j = uriStart;
    let colon = false;
    while (j < le) {
      const v = v128.load(j);
      let stop = i8x16.bitmask(v128.or(i8x16.eq(i8x16.min_u(v, vec(V_CTL)), v), i8x16.eq(v, vec(V_DEL))));
      const col = i8x16.bitmask(i8x16.eq(v, vec(V_COLON)));
      if (le - j < 16) stop |= -1 << <i32>(le - j);
      if (stop != 0) {
        const k = <i32>ctz(stop);
        if ((col & ((1 << k) - 1)) != 0) colon = true;
        j += <usize>k;
        break;
      }
      if (col != 0) colon = true;
      j += 16;
    }
    if (j < le && at(j) != SP) return 0;
    if (j == uriStart || !colon || j - at0 >= MAX_START_LINE_BYTES || le - j != 8) return 0;
    if (load<u64>(j) != W_SP_SIP20) return 0;
  }
  set(R_CSEQ_SEQ, -1);
  set(R_VIA_HS, -1);
  set(R_CALLID_S, -1);
  set(R_CALLID_E, -1);
  set(R_BRANCH_S, -1);
  set(R_BRANCH_E, -1);
  set(R_FTAG_S, -1);
  set(R_FTAG_E, -1);
  set(R_TTAG_S, -1);
  set(R_TTAG_E, -1);
  set(R_FROM_S, -1);
  set(R_FROM_E, -1);
  set(R_TO_S, -1);
  set(R_TO_E, -1);

  const datagram = maxContentLength >= 0;
  let seen = 0;
  let contentLength: f64 = -1;
  let i = lf + 1;
  let bodyStart: usize = 0;
  while (i < end) {
    // The first ':' or LF from i (i - b is at most 16: i follows an LF of the block).
    m = (mL | mC) & (-1 << <i32>(i - b));
    while (m == 0) {
      b += 16;
      if (b >= end) return 0;
      mm = lineMasks(b, end);
      mL = mm & 0xffff;
      mC = mm >>> 16;
      m = mL | mC;
    }
    const colon = b + <usize>ctz(m);
    if ((mL & (1 << <i32>(colon - b))) != 0) {
      // The empty line ends the header section (RFC 3261 §7); any other line needs a colon.
      if (colon == i || (colon == i + 1 && at(i) == CR)) {
        bodyStart = colon + 1;
        break;
      }
      return 0;
    }
    if (isWs(at(i))) return 0; // folded line (RFC 3261 §7.3.1)
    // The LF after the colon.
    m = mL & (-2 << <i32>(colon - b));
    while (m == 0) {
      b += 16;
      if (b >= end) return 0;
      mm = lineMasks(b, end);
      mL = mm & 0xffff;
      mC = mm >>> 16;
      m = mL;
    }
    lf = b + <usize>ctz(m);
    const ne = trimWs(i, colon);
    // headerKind only for the name lengths it knows (1, 2, 3, 4, 7, 12, 14)
    const nameLength = ne - i;
    const kindOf = nameLength <= 4 || nameLength == 7 || nameLength == 12 || nameLength == 14 ? headerKind(i, ne) : H_OTHER;
    if (kindOf != H_OTHER) {
      le = at(lf - 1) == CR ? lf - 1 : lf;
      const vs = skipWs(colon + 1, le);
      const ve = trimWs(vs, le);
      switch (kindOf) {
        case H_CALLID: {
          if ((seen & SEEN_CALLID) == 0) {
            seen |= SEEN_CALLID;
            if (callIdField(at0, vs, ve) == 0) return 0;
          }
          break;
        }
        case H_CSEQ: {
          if ((seen & SEEN_CSEQ) == 0) {
            seen |= SEEN_CSEQ;
            if (cseqField(at0, vs, ve) == 0) return 0;
          }
          break;
        }
        case H_FROM: {
          if ((seen & SEEN_FROM) == 0) {
            seen |= SEEN_FROM;
            if (addrField(at0, vs, ve, R_FROM_S, R_FTAG_S) == 0) return 0;
          }
          break;
        }
        case H_TO: {
          if ((seen & SEEN_TO) == 0) {
            seen |= SEEN_TO;
            if (addrField(at0, vs, ve, R_TO_S, R_TTAG_S) == 0) return 0;
          }
          break;
        }
        case H_VIA: {
          if ((seen & SEEN_VIA) == 0) {
            seen |= SEEN_VIA;
            if (viaField(at0, vs, ve) == 0) return 0;
          }
          break;
        }
        case H_CTYPE: {
          if ((seen & SEEN_TYPE) == 0) {
            seen |= SEEN_TYPE;
            const t = ctypeField(vs, ve);
            if (t == 0) return 0;
            if (t == 2) seen |= SDP_TYPE;
          }
          break;
        }
        case H_CLEN: {
          if ((seen & SEEN_LENGTH) == 0) {
            seen |= SEEN_LENGTH;
            contentLength = digits(vs, ve);
            if (contentLength < 0) return 0;
          } else if (datagram) return 0; // framing compares every Content-Length: leave it to frameSipDatagram
          break;
        }
        default:
          break;
      }
    }
    i = lf + 1;
  }
  if (bodyStart == 0) return 0;
  const bodyAt = <f64>(bodyStart - at0);
  let msgEnd = -1;
  if (datagram) {
    if (contentLength > maxContentLength || bodyAt + contentLength > <f64>n) return 0;
    if (contentLength >= 0) {
      n = <i32>(bodyAt + contentLength);
      end = at0 + <usize>n;
    }
    msgEnd = n;
  }
  set(R_MSG_END, msgEnd);
  let hasSdp = 0;
  if ((seen & SDP_TYPE) != 0) {
    // bodySpan semantics: Content-Length when valid and within the bytes, else everything after the empty line
    const bodyEnd = contentLength >= 0 && bodyAt + contentLength <= <f64>n ? bodyStart + <usize>contentLength : end;
    for (let q = bodyStart; q < bodyEnd; q++) {
      const c = at(q);
      if (c != SP && c != HT && c != CR && c != LF) {
        hasSdp = 1;
        break;
      }
    }
  }
  set(R_HAS_SDP, hasSdp);
  internResults(at0);
  // Staging: the branch, From tag and To tag values, those present and not empty.
  const staged = stageRanges(at0, get(R_BRANCH_S), get(R_BRANCH_E), get(R_FTAG_S), get(R_FTAG_E), get(R_TTAG_S), get(R_TTAG_E));
  set(R_STAGED, staged);
  if (staged >= 0) set(R_STAGED_NON_ASCII, stagedNonAscii);
  return 1;
}

/**
 * The intern slots of a successful scan's method or reason phrase, CSeq method and Via sent-by (R_*_ID, their
 * hashes in R_*_H), in the order the host reads them.
 */
function internResults(at0: usize): void {
  let s = get(R_KIND) == 1 ? get(R_REASON_S) : get(R_METHOD_S);
  if (s >= 0) {
    const e = get(R_KIND) == 1 ? get(R_REASON_E) : get(R_METHOD_E);
    intern(at0 + <usize>s, at0 + <usize>e, false, R_START_H, R_START_ID);
  } else set(R_START_ID, -1);
  if (get(R_CSEQ_SEQ) >= 0) {
    intern(at0 + <usize>get(R_CSEQ_M_S), at0 + <usize>get(R_CSEQ_M_E), false, R_CSEQ_M_H, R_CSEQ_M_ID);
  } else set(R_CSEQ_M_ID, -1);
  s = get(R_VIA_HS);
  if (s >= 0) {
    const e = get(R_VIA_PLAIN) == 1 ? get(R_VIA_END) : get(R_VIA_HE);
    intern(at0 + <usize>s, at0 + <usize>e, true, R_VIA_H, R_VIA_ID);
  } else set(R_VIA_ID, -1);
}

/**
 * Copy the `len` bytes at `src` to `dst`, 16 bytes at a time (reads and writes up to 15 bytes past the ends: both
 * areas have GUARD bytes, and what is written past `len` is the stage's free space). Returns whether a byte was
 * >= 0x80 (not plain ASCII).
 */
@inline function copyValue(dst: usize, src: usize, len: i32): bool {
  let high: i32 = 0;
  for (let k: i32 = 0; k < len; k += 16) {
    const v = v128.load(src + <usize>k);
    v128.store(dst + <usize>k, v);
    let m = i8x16.bitmask(v);
    if (len - k < 16) m &= (1 << (len - k)) - 1;
    high |= m;
  }
  return high != 0;
}

/** Set by stageRanges: bit 0/1/2 for its first/second/third value when that value has a byte >= 0x80. */
let stagedNonAscii: i32 = 0;

/** Bytes of the value [s, e) (offsets of a result range), 0 when absent (s < 0) or empty. */
@inline function rangeLength(s: i32, e: i32): i32 {
  return s >= 0 && e > s ? e - s : 0;
}

/**
 * The host's batch arena staged here (fact-batch.ts FactBatchWriter with a stage), so that the host copies no bytes
 * per message: append the values [as, ae), [bs, be), [cs, ce) (offsets from `base`; those present, s >= 0, and not
 * empty) one after another at C_STAGE_USED when they fit in C_STAGE_SIZE, and move it on. Returns where they start,
 * -1 when staging is off or they do not fit (nothing copied). Sets stagedNonAscii. (Not inlined: stageCall shares the
 * code that every scan runs, so it is never left to V8's baseline compiler.)
 */
function stageRanges(base: usize, as: i32, ae: i32, bs: i32, be: i32, cs: i32, ce: i32): i32 {
  const size = get(C_STAGE_SIZE);
  if (size <= 0) return -1;
  const used = get(C_STAGE_USED);
  const al = rangeLength(as, ae);
  const bl = rangeLength(bs, be);
  const cl = rangeLength(cs, ce);
  if (used < 0 || used + al + bl + cl > size) return -1;
  let non: i32 = 0;
  let at = stageArea + <usize>used;
  if (al > 0 && copyValue(at, base + <usize>as, al)) non |= 1;
  at += <usize>al;
  if (bl > 0 && copyValue(at, base + <usize>bs, bl)) non |= 2;
  at += <usize>bl;
  if (cl > 0 && copyValue(at, base + <usize>cs, cl)) non |= 4;
  stagedNonAscii = non;
  set(C_STAGE_USED, used + al + bl + cl);
  return used;
}


// ---------------------------------------------------------------------------------------------------------------
// Call-ID table (the host's fact-batch.ts CallIdIndex, for plain ASCII Call-IDs): key bytes -> call index, an
// open-addressing hash table on the keys' FNV-1a hashes (util/byte-key-table.ts hashBytes), compared 16 bytes at a
// time. Its areas are allocated once by initCalls for at most `maxCalls` keys and `keyBytes` key bytes; the slot
// array starts small and doubles within its area (rebuilt from the entries), so memory the table has not reached yet
// is never touched. When full, callOf says so and the host keeps further keys itself.
//
// In front of it, a small direct-mapped cache of recently used keys (callRecent): the messages of a call come close
// together in a capture (in the 100k-call bench capture every message but a call's first finds its call among the
// last 30 added; the cache finds 81% of all lookups), so most lookups find their key there, with its value, in one
// cache line, instead of in a random line of the slot array, then the entry's, then the key's (cache misses, most
// of a lookup's time).

let callSlots: usize = 0; // per slot: entry + 1 (0: empty), hash (i32 each)
let callEntries: usize = 0; // per entry, in the order added: key offset, key length, hash, value (i32 each)
let callKeys: usize = 0;
let callMaxEntries: i32 = 0;
let callMaxSlots: i32 = 0;
let callKeyBytes: i32 = 0;
let callMask: i32 = 0;
let callCount: i32 = 0;
let callKeysUsed: i32 = 0;
/** Where the host copies a key that is not in this memory (callKeyAt), so that the copy area keeps the message. */
let callKeyArea: usize = 0;
/**
 * Recently found or added keys of at most CALL_RECENT_KEY bytes (allocated by initCalls; longer keys are not kept
 * here): per slot (hash & (CALL_RECENT_SLOTS - 1), 64 bytes) the hash, the value, the key length + 1 (0: empty) and,
 * from byte 16, the key bytes. Copies of the table's keys and values (a key's value never changes, and no key is
 * removed), so a key found here has the value the table would give.
 */
const CALL_RECENT_SLOTS: i32 = 1024;
const CALL_RECENT_KEY: i32 = 48;
let callRecent: usize = 0;

/**
 * Allocate the Call-ID table's areas (call after init, before the host makes views of the memory); `maxKey`: the
 * longest key the host copies in (callKeyAt).
 */
export function initCalls(maxCalls: i32, keyBytes: i32, maxKey: i32): void {
  callKeyArea = heap.alloc(<usize>maxKey + GUARD);
  callRecent = heap.alloc(<usize>CALL_RECENT_SLOTS << 6);
  memory.fill(callRecent, 0, <usize>CALL_RECENT_SLOTS << 6);
  let slots: i32 = 1024;
  while (slots < 2 * maxCalls) slots <<= 1;
  callMaxSlots = slots;
  callMaxEntries = maxCalls;
  callKeyBytes = keyBytes;
  callSlots = heap.alloc(<usize>slots << 3);
  callEntries = heap.alloc(<usize>maxCalls << 4);
  callKeys = heap.alloc(<usize>keyBytes + GUARD);
  callMask = 1023;
  callCount = 0;
  callKeysUsed = 0;
}

/**
 * Copy the `len` bytes at `src` to `dst` in whole 16-byte blocks (reads and writes up to 15 bytes past the ends; no
 * call out of the module as memory.copy makes).
 */
@inline function copy16(dst: usize, src: usize, len: i32): void {
  for (let k: i32 = 0; k < len; k += 16) v128.store(dst + <usize>k, v128.load(src + <usize>k));
}

/** The `len` bytes at `a` equal those at `b` (16 at a time: both areas have GUARD bytes after them). */
@inline function sameBytes(a: usize, b: usize, len: i32): bool {
  for (let k: i32 = 0; k < len; k += 16) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(a + <usize>k), v128.load(b + <usize>k)));
    if (len - k < 16) m |= ~((1 << (len - k)) - 1);
    if ((m & 0xffff) != 0xffff) return false;
  }
  return true;
}

/** A slot's 8 bytes for entry `entry` of hash `h`. */
@inline function callSlot(entry: i32, h: i32): u64 {
  return (<u64><u32>h << 32) | <u64><u32>(entry + 1);
}

@inline function callInsert(entry: i32, h: i32): void {
  let i = h & callMask;
  while (load<i32>(callSlots + (<usize>i << 3)) != 0) i = (i + 1) & callMask;
  store<u64>(callSlots + (<usize>i << 3), callSlot(entry, h));
}

/** Keep the key at `at` (`len` bytes, hash `h`) and its value in the callRecent slot `r`, when it fits there. */
@inline function callRemember(r: usize, at: usize, len: i32, h: i32, value: i32): void {
  if (len > CALL_RECENT_KEY) return;
  store<i32>(r, h);
  store<i32>(r, value, 4);
  store<i32>(r, len + 1, 8);
  copy16(r + 16, at, len); // at most 48 bytes: within the slot (its last bytes, past the key, are unused)
}

/** The entry of slot bytes `w` (callSlot) holds the `len` key bytes at `at`. */
@inline function callEntryIs(w: u64, at: usize, len: i32): bool {
  const e = callEntries + (<usize>(<u32>w - 1) << 4);
  return load<i32>(e, 4) == len && sameBytes(callKeys + <usize>load<i32>(e), at, len);
}

/**
 * The value kept for the `len` key bytes at `at` (FNV-1a hash `h`), or, for a new key, `value` once stored with it
 * (then the caller counts a new call); -1 when the key is new and the table is full (or was never allocated): the
 * host keeps it. Keys are compared byte for byte: equal hashes never merge two Call-IDs.
 */
export function callOf(at: usize, len: i32, h: i32, value: i32): i32 {
  if (callMaxEntries == 0) return -1;
  const r = callRecent + (<usize>(h & (CALL_RECENT_SLOTS - 1)) << 6);
  if (load<i32>(r) == h && load<i32>(r, 8) == len + 1 && sameBytes(r + 16, at, len)) return load<i32>(r, 4);
  for (let i = h & callMask; ; i = (i + 1) & callMask) {
    const w = load<u64>(callSlots + (<usize>i << 3));
    if (<u32>w == 0) break;
    if (<i32>(w >> 32) == h && callEntryIs(w, at, len)) {
      const v = load<i32>(callEntries + (<usize>(<u32>w - 1) << 4), 12);
      callRemember(r, at, len, h, v);
      return v;
    }
  }
  if (callCount == callMaxEntries || callKeysUsed + len > callKeyBytes) return -1;
  const entry = callCount++;
  if (2 * callCount > callMask + 1 && callMask + 1 < callMaxSlots) {
    // Twice the slots, rebuilt from the entries.
    callMask = 2 * callMask + 1;
    memory.fill(callSlots, 0, <usize>(callMask + 1) << 3);
    for (let k: i32 = 0; k < entry; k++) callInsert(k, load<i32>(callEntries + (<usize>k << 4), 8));
  }
  const e = callEntries + (<usize>entry << 4);
  store<i32>(e, callKeysUsed);
  store<i32>(e, len, 4);
  store<i32>(e, h, 8);
  store<i32>(e, value, 12);
  copy16(callKeys + <usize>callKeysUsed, at, len); // up to 15 bytes past: free key space or GUARD
  callKeysUsed += len;
  callInsert(entry, h);
  callRemember(r, at, len, h, value);
  return value;
}

export function callKeyAt(): usize {
  return callKeyArea;
}

/**
 * Stage the Call-ID, From and To values of the last successful scan (a message that starts a call), those present
 * and not empty, one after another at C_STAGE_USED, as the scan does for the branch and tags; returns where they
 * start, -1 when staging is off or they do not fit (then nothing is copied).
 */
export function stageCall(): i32 {
  return stageRanges(input, get(R_CALLID_S), get(R_CALLID_E), get(R_FROM_S), get(R_FROM_E), get(R_TO_S), get(R_TO_E));
}
