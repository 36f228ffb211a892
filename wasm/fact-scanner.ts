// AssemblyScript, compiled to WebAssembly by esbuild.mjs (dist/fact-scanner.wasm): the import fast path's SIP fact
// scanner, src/core/sip/fast-facts.ts scan() step for step, over bytes in linear memory, finding line ends 16 bytes
// at a time (SIMD). The TypeScript scan() is the reference: test/core/sip/fast-facts-wasm.test.ts checks that both
// give the same facts on every corpus and sample message and on mutated ones. The host side, the memory layout and
// the result slots are in src/core/sip/fast-facts-wasm.ts.

const SP: u32 = 0x20;
const HT: u32 = 0x09;
const CR: u32 = 0x0d;
const LF: u32 = 0x0a;

// Result slots (i32 each, at `out`), positions relative to the scanned range: keep in step with fast-facts-wasm.ts.
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
// the CSeq method and the sent-by text, for this module's intern table (internResults); the FNV-1a hash of the
// Call-ID (util/byte-key-table.ts hashBytes) and whether it is ASCII, for the host's call lookup.
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
// Staging (see stageValues): where the branch, From tag and To tag bytes were copied in the stage area (-1: not
// staged), and which of them are not plain ASCII (bit 0 branch, 1 From tag, 2 To tag).
const R_STAGED = 36;
const R_STAGED_NON_ASCII = 37;
// Control words the host writes: bytes of the stage area in use (the scan appends after them and moves it on), and
// the bytes the stage may use (0: no staging).
const C_STAGE_USED = 38;
const C_STAGE_SIZE = 39;
const R_SLOTS = 40;

/** decode/sip-framing.ts MAX_START_LINE_BYTES: classifySipStart looks no further for the Request-URI's end. */
const MAX_START_LINE_BYTES: i32 = 8192;

/** 16 bytes after every area: SIMD loads read up to 15 bytes past the end of a scanned range. */
const GUARD: usize = 16;

/** 256-byte RFC 3261 §25.1 token table (1 = token character), filled by the host from TOKEN_CHAR. */
let token: usize = 0;
let out: usize = 0;
let copyArea: usize = 0;
let arenaArea: usize = 0;
let stageArea: usize = 0;
/** Intern table (see internId): per slot the key length (-1: empty) and INTERN_KEY_BYTES of key bytes. */
const INTERN_SLOTS: i32 = 4096;
const INTERN_KEY_BYTES: i32 = 64;
let internLen: usize = 0;
let internKey: usize = 0;
/** The range being scanned. */
let input: usize = 0;

/**
 * Allocate, once, before the host makes views of the memory (they stay valid: nothing allocates after this and
 * initCalls): the token
 * table, the result slots, a copy area of `copyBytes` bytes for messages outside linear memory, and an arena of
 * `arenaBytes` bytes the host may read captures into (then messages are scanned in place).
 */
export function init(copyBytes: i32, arenaBytes: i32, stageBytes: i32): void {
  token = heap.alloc(256);
  out = heap.alloc(R_SLOTS * 4);
  copyArea = heap.alloc(<usize>copyBytes + GUARD);
  arenaArea = heap.alloc(<usize>arenaBytes + GUARD);
  stageArea = heap.alloc(<usize>stageBytes + GUARD);
  set(C_STAGE_USED, 0);
  set(C_STAGE_SIZE, 0);
  internLen = heap.alloc(<usize>INTERN_SLOTS * 4);
  internKey = heap.alloc(<usize>(INTERN_SLOTS * INTERN_KEY_BYTES) + GUARD);
  for (let i: i32 = 0; i < INTERN_SLOTS; i++) store<i32>(internLen + (<usize>i << 2), -1);
}
export function tokenTable(): usize {
  return token;
}
export function results(): usize {
  return out;
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

@inline function at(i: i32): u32 {
  return <u32>load<u8>(input + <usize>i);
}
@inline function isToken(c: u32): bool {
  return load<u8>(token + <usize>c) != 0;
}
@inline function lc(c: u32): u32 {
  return c | 0x20;
}
@inline function set(slot: i32, v: i32): void {
  store<i32>(out + (<usize>slot << 2), v);
}
@inline function get(slot: i32): i32 {
  return load<i32>(out + (<usize>slot << 2));
}

/**
 * First index in [i, e) whose byte is one of a, b, c, d (repeat one to look for fewer), or e; i when i >= e. 16 bytes
 * at a time, the last block masked to the range: reads up to 15 bytes past e (GUARD).
 */
@inline function findAny(i: i32, e: i32, a: i32, b: i32, c: i32, d: i32): i32 {
  if (i >= e) return i;
  const va = i8x16.splat(<i8>a);
  const vb = i8x16.splat(<i8>b);
  const vc = i8x16.splat(<i8>c);
  const vd = i8x16.splat(<i8>d);
  while (i < e) {
    const v = v128.load(input + <usize>i);
    let m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, va), i8x16.eq(v, vb)), v128.or(i8x16.eq(v, vc), i8x16.eq(v, vd))));
    if (e - i < 16) m &= (1 << (e - i)) - 1;
    if (m != 0) return i + <i32>ctz(m);
    i += 16;
  }
  return e;
}

/**
 * The `len` (<= 8) bytes at `s`, each lowercased as lc() does (| 0x20), equal the packed lowercase name `w`
 * (little-endian). One 8-byte load: GUARD makes the bytes past a range readable, and the mask drops them.
 */
@inline function eqLower(s: i32, w: u64, len: i32): bool {
  const mask: u64 = len >= 8 ? 0xffffffffffffffff : (<u64>1 << (<u64>len << 3)) - 1;
  return ((load<u64>(input + <usize>s) | 0x2020202020202020) & mask) == w;
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

/** eqLower over 8 + `len2` bytes: `w1` then the first `len2` bytes of `w2`. */
@inline function eqLower2(s: i32, w1: u64, w2: u64, len2: i32): bool {
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

function headerKind(s: i32, e: i32): i32 {
  switch (e - s) {
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
function digits(s: i32, e: i32): f64 {
  if (s >= e || e - s > 10) return -1;
  let n: f64 = 0;
  for (let i = s; i < e; i++) {
    const c = <i32>at(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + <f64>c;
  }
  return n;
}

/** fast-facts.ts intern()'s hash of [s, e): seeded with the length and `lower`, over the bytes as they are. */
function internHash(s: i32, e: i32, lower: bool): i32 {
  let h: i32 = (e - s) * 31 + (lower ? 7 : 0);
  for (let i = s; i < e; i++) h = h * 31 + <i32>at(i);
  return h;
}

/**
 * The intern slot of the input bytes [s, e) whose internHash is h (fast-facts.ts intern()'s cache, kept here: slot
 * h & (INTERN_SLOTS - 1), the key compared 16 bytes at a time): the slot when it holds these bytes; else the bytes
 * are stored there and the slot + INTERN_SLOTS is returned (the host then decodes the text for that slot); -1 for
 * keys longer than INTERN_KEY_BYTES. Called only once a scan has succeeded, so that the host, which reads every
 * result of a successful scan in order, always knows the text of every stored key.
 */
function internId(s: i32, e: i32, h: i32): i32 {
  const len = e - s;
  if (len < 0 || len > INTERN_KEY_BYTES) return -1;
  const slot = h & (INTERN_SLOTS - 1);
  const lp = internLen + (<usize>slot << 2);
  const kp = internKey + (<usize>slot * <usize>INTERN_KEY_BYTES);
  const src = input + <usize>s;
  // The key area and the input both have GUARD bytes after them (sameBytes reads up to 15 bytes past).
  if (load<i32>(lp) == len && sameBytes(kp, src, len)) return slot;
  memory.copy(kp, src, <usize>len);
  store<i32>(lp, len);
  return slot + INTERN_SLOTS;
}

/** The intern slots of a successful scan's method or reason phrase, CSeq method and Via sent-by (R_*_ID). */
function internResults(): void {
  if (get(R_KIND) == 1) {
    const rs = get(R_REASON_S);
    set(R_START_ID, rs >= 0 ? internId(rs, get(R_REASON_E), get(R_START_H)) : -1);
  } else set(R_START_ID, internId(get(R_METHOD_S), get(R_METHOD_E), get(R_START_H)));
  set(R_CSEQ_M_ID, get(R_CSEQ_SEQ) >= 0 ? internId(get(R_CSEQ_M_S), get(R_CSEQ_M_E), get(R_CSEQ_M_H)) : -1);
  const hs = get(R_VIA_HS);
  set(R_VIA_ID, hs >= 0 ? internId(hs, get(R_VIA_PLAIN) == 1 ? get(R_VIA_END) : get(R_VIA_HE), get(R_VIA_H)) : -1);
}

const FNV_OFFSET: i32 = 0x811c9dc5;
const FNV_PRIME: i32 = 0x01000193;

let valueEnd: i32 = 0;
const ABSENT: i32 = -1;
const NOT_SIMPLE: i32 = -2;

@inline function isWs(c: u32): bool {
  return c == SP || c == HT;
}

/** fast-facts.ts param(): `want` is a packed lowercase name of `wantLen` bytes. */
function param(s: i32, e: i32, want: u64, wantLen: i32): i32 {
  let i = s;
  let found = ABSENT;
  let foundEnd = 0;
  while (i < e) {
    while (i < e && isWs(at(i))) i++;
    if (i >= e) break;
    if (at(i) != 0x3b) return NOT_SIMPLE;
    i++;
    while (i < e && isWs(at(i))) i++;
    const ns = i;
    while (i < e && isToken(at(i))) i++;
    const ne = i;
    if (ne == ns) return NOT_SIMPLE;
    while (i < e && isWs(at(i))) i++;
    let vs = i;
    let ve = i;
    if (i < e && at(i) == 0x3d) {
      i++;
      while (i < e && isWs(at(i))) i++;
      vs = i;
      if (at(i) == 0x22) return NOT_SIMPLE;
      i = findAny(i, e, 0x3b, SP, HT, 0x2c);
      ve = i;
      if (at(i) == 0x2c) return NOT_SIMPLE;
    }
    if (found == ABSENT && ne - ns == wantLen && eqLower(ns, want, wantLen)) {
      found = vs;
      foundEnd = ve;
    }
  }
  valueEnd = foundEnd;
  return found;
}

/** fast-facts.ts addrTag(). */
function addrTag(s: i32, e: i32): i32 {
  let i = s;
  let paramsFrom = -1;
  if (at(i) == 0x22) {
    i = findAny(i + 1, e, 0x22, 0x5c, 0x22, 0x5c);
    if (i >= e || at(i) == 0x5c) return NOT_SIMPLE;
    i++;
  }
  let lt = -1;
  const j = findAny(i, e, 0x3c, 0x22, 0x2c, 0x3b);
  if (j < e) {
    const c = at(j);
    if (c == 0x3c) lt = j;
    else if (c == 0x3b) paramsFrom = j;
    else return NOT_SIMPLE;
  }
  if (lt >= 0) {
    const gt = findAny(lt, e, 0x3e, 0x3e, 0x3e, 0x3e);
    if (gt >= e) return NOT_SIMPLE;
    paramsFrom = gt + 1;
  } else if (paramsFrom < 0) {
    paramsFrom = e;
  }
  return param(paramsFrom, e, W_TAG, 3);
}

/**
 * Scan the `n` bytes at `at0` (fast-facts.ts scan() with s = 0; at least GUARD readable bytes must follow them).
 * `maxContentLength` >= 0: datagram mode. Returns 1 with the result slots filled, or 0 when the fast path declines.
 */
export function scan(at0: usize, n: i32, maxContentLength: f64): i32 {
  input = at0;
  const datagram = maxContentLength >= 0;
  let lf = findAny(0, n, LF, LF, LF, LF);
  if (lf >= n) return 0;
  let le = lf > 0 && at(lf - 1) == CR ? lf - 1 : lf;
  set(R_KIND, 0);
  set(R_STATUS, 0);
  set(R_METHOD_S, -1);
  set(R_METHOD_E, -1);
  set(R_REASON_S, -1);
  set(R_REASON_E, -1);
  set(R_CSEQ_SEQ, -1);
  set(R_VIA_HS, -1);
  set(R_HAS_SDP, 0);
  set(R_CALLID_S, -1);
  set(R_CALLID_E, -1);
  set(R_BRANCH_S, -1);
  set(R_BRANCH_E, -1);
  set(R_FTAG_S, -1);
  set(R_FTAG_E, -1);
  set(R_TTAG_S, -1);
  set(R_TTAG_E, -1);
  set(R_MSG_END, -1);
  set(R_FROM_S, -1);
  set(R_FROM_E, -1);
  set(R_TO_S, -1);
  set(R_TO_E, -1);
  if (le >= 12 && at(0) == 0x53 && at(1) == 0x49 && at(2) == 0x50 && at(3) == 0x2f && at(4) == 0x32 && at(5) == 0x2e && at(6) == 0x30 && at(7) == SP) {
    set(R_KIND, 1);
    const code = digits(8, 11);
    if (code < 100 || code > 699) return 0;
    set(R_STATUS, <i32>code);
    if (le > 11) {
      if (at(11) != SP) return 0;
      if (le > 12) {
        set(R_REASON_S, 12);
        set(R_REASON_E, le);
        set(R_START_H, internHash(12, le, false));
      }
    }
  } else {
    let i = 0;
    while (i < le && isToken(at(i))) i++;
    if (i == 0 || at(i) != SP) return 0;
    set(R_METHOD_S, 0);
    set(R_METHOD_E, i);
    set(R_START_H, internHash(0, i, false));
    // As fast-facts.ts: a scheme colon, no control characters, ending before MAX_START_LINE_BYTES.
    const uriStart = i + 1;
    let j = uriStart;
    let colon = false;
    for (; j < le; j++) {
      const c = at(j);
      if (c == SP) break;
      if (c < 0x21 || c == 0x7f) return 0;
      if (c == 0x3a) colon = true;
    }
    if (j == uriStart || !colon || j >= MAX_START_LINE_BYTES || le - j != 8) return 0;
    if (!(at(j + 1) == 0x53 && at(j + 2) == 0x49 && at(j + 3) == 0x50 && at(j + 4) == 0x2f && at(j + 5) == 0x32 && at(j + 6) == 0x2e && at(j + 7) == 0x30)) return 0;
  }

  let viaSeen = false;
  let sdpType = false;
  let typeSeen = false;
  let contentLength: f64 = -1;
  let lengthSeen = false;
  let cseqSeen = false;

  let i = lf + 1;
  let bodyStart = -1;
  while (i < n) {
    const c0 = at(i);
    const colon = findAny(i, n, 0x3a, LF, 0x3a, LF);
    if (colon >= n) return 0;
    const c = at(colon);
    if (c == LF) {
      if (colon == i || (colon == i + 1 && c0 == CR)) {
        bodyStart = colon + 1;
        break;
      }
      return 0;
    }
    if (c0 == SP || c0 == HT) return 0;
    lf = findAny(colon + 1, n, LF, LF, LF, LF);
    if (lf >= n) return 0;
    le = at(lf - 1) == CR ? lf - 1 : lf;
    let ne = colon;
    while (ne > i && isWs(at(ne - 1))) ne--;
    // headerKind only for the name lengths it knows (1, 2, 3, 4, 7, 12, 14)
    const nameLength = ne - i;
    const kindOf = nameLength <= 4 || nameLength == 7 || nameLength == 12 || nameLength == 14 ? headerKind(i, ne) : H_OTHER;
    if (kindOf != H_OTHER) {
      let vs = colon + 1;
      while (vs < le && isWs(at(vs))) vs++;
      let ve = le;
      while (ve > vs && isWs(at(ve - 1))) ve--;
      switch (kindOf) {
        case H_CALLID: {
          if (get(R_CALLID_S) < 0) {
            if (ve == vs) return 0;
            set(R_CALLID_S, vs);
            set(R_CALLID_E, ve);
            let h = FNV_OFFSET;
            let any: u32 = 0;
            for (let q = vs; q < ve; q++) {
              const ch = at(q);
              any |= ch;
              h = (h ^ <i32>ch) * FNV_PRIME;
            }
            set(R_CALLID_H, h);
            set(R_CALLID_ASCII, any < 0x80 ? 1 : 0);
          }
          break;
        }
        case H_CSEQ: {
          if (!cseqSeen) {
            let d = vs;
            while (d < ve && at(d) >= 0x30 && at(d) <= 0x39) d++;
            const seq = digits(vs, d);
            if (seq < 0 || seq > 2147483647) return 0;
            let m = d;
            while (m < ve && isWs(at(m))) m++;
            if (m == d || m == ve) return 0;
            let me = m;
            while (me < ve && isToken(at(me))) me++;
            if (me != ve) return 0;
            cseqSeen = true;
            set(R_CSEQ_SEQ, <i32>seq);
            set(R_CSEQ_M_S, m);
            set(R_CSEQ_M_E, me);
            set(R_CSEQ_M_H, internHash(m, me, false));
          }
          break;
        }
        case H_FROM: {
          if (get(R_FROM_S) < 0) {
            const tag = addrTag(vs, ve);
            if (tag == NOT_SIMPLE) return 0;
            set(R_FTAG_S, tag);
            set(R_FTAG_E, valueEnd);
            set(R_FROM_S, vs);
            set(R_FROM_E, ve);
          }
          break;
        }
        case H_TO: {
          if (get(R_TO_S) < 0) {
            const tag = addrTag(vs, ve);
            if (tag == NOT_SIMPLE) return 0;
            set(R_TTAG_S, tag);
            set(R_TTAG_E, valueEnd);
            set(R_TO_S, vs);
            set(R_TO_E, ve);
          }
          break;
        }
        case H_VIA: {
          if (!viaSeen) {
            viaSeen = true;
            if (ve - vs < 9 || !eqLower(vs, W_SIP20, 8)) return 0;
            let k = vs + 8;
            while (k < ve && isToken(at(k))) k++;
            if (k == vs + 8 || !isWs(at(k))) return 0;
            while (k < ve && isWs(at(k))) k++;
            let hs = k;
            let he: i32;
            if (at(k) == 0x5b) {
              let rb = k;
              while (rb < ve && at(rb) != 0x5d) rb++;
              if (rb >= ve) return 0;
              hs = k + 1;
              he = rb;
              k = rb + 1;
            } else {
              while (k < ve) {
                const ch = at(k);
                if (!(isToken(ch) || ch == 0x2e) || ch == 0x3a) break;
                k++;
              }
              he = k;
            }
            if (he == hs) return 0;
            let port = -1;
            if (at(k) == 0x3a) {
              const ps = ++k;
              while (k < ve && at(k) >= 0x30 && at(k) <= 0x39) k++;
              const p = digits(ps, k);
              if (p < 0 || p > 65535) return 0;
              port = <i32>p;
            }
            const pe = findAny(k, ve, 0x2c, 0x2c, 0x2c, 0x2c);
            const br = param(k, pe, W_BRANCH, 6);
            if (br == NOT_SIMPLE) return 0;
            set(R_BRANCH_S, br);
            set(R_BRANCH_E, valueEnd);
            set(R_VIA_HS, hs);
            set(R_VIA_HE, he);
            set(R_VIA_PORT, port);
            set(R_VIA_END, k);
            const plain = at(hs - 1) != 0x5b && port >= 0 && at(he + 1) != 0x30;
            set(R_VIA_PLAIN, plain ? 1 : 0);
            set(R_VIA_H, plain ? internHash(hs, k, true) : internHash(hs, he, true));
          }
          break;
        }
        case H_CTYPE: {
          if (!typeSeen) {
            typeSeen = true;
            let te = findAny(vs, ve, 0x3b, 0x3b, 0x3b, 0x3b);
            while (te > vs && isWs(at(te - 1))) te--;
            if (te - vs == 15 && eqLower2(vs, W_APPLICAT, W_ION_SDP, 7)) sdpType = true;
            else if (te - vs >= 10 && eqLower2(vs, W_MULTIPAR, W_T_SLASH, 2)) return 0;
            else {
              for (let q = vs; q < te; q++) if (isWs(at(q))) return 0;
            }
          }
          break;
        }
        case H_CLEN: {
          if (!lengthSeen) {
            lengthSeen = true;
            contentLength = digits(vs, ve);
            if (contentLength < 0) return 0;
          } else if (datagram) return 0;
          break;
        }
        default:
          break;
      }
    }
    i = lf + 1;
  }
  if (bodyStart < 0) return 0;
  if (datagram) {
    if (contentLength > maxContentLength || <f64>bodyStart + contentLength > <f64>n) return 0;
    n = contentLength >= 0 ? bodyStart + <i32>contentLength : n;
    set(R_MSG_END, n);
  }
  if (sdpType) {
    const end = contentLength >= 0 && <f64>bodyStart + contentLength <= <f64>n ? bodyStart + <i32>contentLength : n;
    for (let q = bodyStart; q < end; q++) {
      const c = at(q);
      if (c != SP && c != HT && c != CR && c != LF) {
        set(R_HAS_SDP, 1);
        break;
      }
    }
  }
  internResults();
  stageValues();
  return 1;
}

/** Bytes of the value [R_x_S, R_x_E) of a successful scan, 0 when absent or empty. */
@inline function valueLength(startSlot: i32): i32 {
  const s = get(startSlot);
  const e = get(startSlot + 1);
  return s >= 0 && e > s ? e - s : 0;
}

/**
 * Copy the input's [s, s + len) to `dst`, 16 bytes at a time (reads and writes up to 15 bytes past the ends: both
 * areas have GUARD bytes, and what is written past `len` is the stage's free space). Returns whether a byte was
 * >= 0x80 (not plain ASCII).
 */
function copyValue(dst: usize, s: i32, len: i32): bool {
  const src = input + <usize>s;
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

/**
 * The host's batch arena staged here (fact-batch.ts FactBatchWriter with a stage): the top Via branch, From tag and
 * To tag values (those present and not empty), one after another, appended at C_STAGE_USED when they fit in
 * C_STAGE_SIZE, so that the host copies no bytes per message. R_STAGED says where (-1: not staged).
 */
function stageValues(): void {
  const at = stageRanges(R_BRANCH_S, R_FTAG_S, R_TTAG_S);
  set(R_STAGED, at);
  if (at >= 0) set(R_STAGED_NON_ASCII, stagedNonAscii);
}

/** Set by stageRanges: bit 0/1/2 for its first/second/third value when that value has a byte >= 0x80. */
let stagedNonAscii: i32 = 0;

/**
 * Append the values [R_x_S, R_x_E) of the slots `a`, `b`, `c` of a successful scan (those present and not empty)
 * one after another at C_STAGE_USED, and move it on; returns where they start, -1 when staging is off or they do not
 * fit (nothing copied). Sets stagedNonAscii.
 */
function stageRanges(a: i32, b: i32, c: i32): i32 {
  const size = get(C_STAGE_SIZE);
  if (size <= 0) return -1;
  const used = get(C_STAGE_USED);
  const al = valueLength(a);
  const bl = valueLength(b);
  const cl = valueLength(c);
  if (used < 0 || used + al + bl + cl > size) return -1;
  let non: i32 = 0;
  let at = stageArea + <usize>used;
  if (al > 0 && copyValue(at, get(a), al)) non |= 1;
  at += <usize>al;
  if (bl > 0 && copyValue(at, get(b), bl)) non |= 2;
  at += <usize>bl;
  if (cl > 0 && copyValue(at, get(c), cl)) non |= 4;
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

let callSlots: usize = 0; // per slot: entry + 1 (0: empty), hash (i32 each)
let callEntries: usize = 0; // per entry: key offset, key length, hash, value (i32 each)
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
 * Allocate the Call-ID table's areas (call after init, before the host makes views of the memory); `maxKey`: the
 * longest key the host copies in (callKeyAt).
 */
export function initCalls(maxCalls: i32, keyBytes: i32, maxKey: i32): void {
  callKeyArea = heap.alloc(<usize>maxKey + GUARD);
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

/** The `len` bytes at `a` equal those at `b` (16 at a time: both areas have GUARD bytes after them). */
function sameBytes(a: usize, b: usize, len: i32): bool {
  for (let k: i32 = 0; k < len; k += 16) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(a + <usize>k), v128.load(b + <usize>k)));
    if (len - k < 16) m |= ~((1 << (len - k)) - 1);
    if ((m & 0xffff) != 0xffff) return false;
  }
  return true;
}

@inline function callInsert(entry: i32, h: i32): void {
  let i = h & callMask;
  while (load<i32>(callSlots + (<usize>i << 3)) != 0) i = (i + 1) & callMask;
  store<i32>(callSlots + (<usize>i << 3), entry + 1);
  store<i32>(callSlots + (<usize>i << 3) + 4, h);
}

/**
 * The value kept for the `len` key bytes at `at` (FNV-1a hash `h`), or, for a new key, `value` once stored with it
 * (then the caller counts a new call); -1 when the key is new and the table is full (or was never allocated): the
 * host keeps it. Keys are compared byte for byte: equal hashes never merge two Call-IDs.
 */
export function callOf(at: usize, len: i32, h: i32, value: i32): i32 {
  if (callMaxEntries == 0) return -1;
  for (let i = h & callMask; ; i = (i + 1) & callMask) {
    const s = callSlots + (<usize>i << 3);
    const e1 = load<i32>(s);
    if (e1 == 0) break;
    if (load<i32>(s + 4) != h) continue;
    const e = callEntries + (<usize>(e1 - 1) << 4);
    if (load<i32>(e + 4) == len && sameBytes(callKeys + <usize>load<i32>(e), at, len)) return load<i32>(e + 12);
  }
  if (callCount == callMaxEntries || callKeysUsed + len > callKeyBytes) return -1;
  const entry = callCount++;
  if (2 * callCount > callMask + 1 && callMask + 1 < callMaxSlots) {
    // Twice the slots, rebuilt from the entries.
    callMask = 2 * callMask + 1;
    memory.fill(callSlots, 0, <usize>(callMask + 1) << 3);
    for (let k: i32 = 0; k < entry; k++) callInsert(k, load<i32>(callEntries + (<usize>k << 4) + 8));
  }
  const e = callEntries + (<usize>entry << 4);
  store<i32>(e, callKeysUsed);
  store<i32>(e + 4, len);
  store<i32>(e + 8, h);
  store<i32>(e + 12, value);
  memory.copy(callKeys + <usize>callKeysUsed, at, <usize>len);
  callKeysUsed += len;
  callInsert(entry, h);
  return value;
}

export function callKeyAt(): usize {
  return callKeyArea;
}

/**
 * Stage the Call-ID, From and To values of the last successful scan (a message that starts a call), those present
 * and not empty, one after another at C_STAGE_USED, as stageValues does for the branch and tags; returns where they
 * start, -1 when staging is off or they do not fit (then nothing is copied).
 */
export function stageCall(): i32 {
  return stageRanges(R_CALLID_S, R_FROM_S, R_TO_S);
}
