// IP fragment reassembly (RFC 791 §3.2 / RFC 815 for IPv4, RFC 8200 §4.5 for IPv6): any arrival order, overlaps
// resolved first-data-wins, bounded by set count, total bytes and capture-time timeout; losses become problems.
import type { ProblemCollector } from '../capture/problems';

/** Bounds on buffered fragments. */
export interface ReassemblyLimits {
  /** Most fragment sets (datagrams in progress) kept at once; the oldest is evicted beyond. */
  maxBuffers: number;
  /** Most fragment bytes kept over all sets; oldest sets are evicted beyond. */
  maxBytes: number;
  /** A set older than this (capture time, seconds since its first fragment) is dropped as incomplete. */
  timeoutSec: number;
}

/** A completed datagram. `payload` is a fresh array owned by the caller; `src`/`dst` are copies. */
export interface Reassembled {
  version: 4 | 6;
  /** IPv4 Protocol / IPv6 Next Header of the offset-0 fragment (RFC 8200 §4.5: only that one counts). */
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
  /** The reassembled payload (IPv4: data after the IP header; IPv6: the fragmentable part after the Fragment header). */
  payload: Uint8Array;
  firstFrame: number;
}

interface Fragment {
  off: number;
  data: Uint8Array;
}

interface FragmentSet {
  key: string;
  version: 4 | 6;
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
  frags: Fragment[];
  /** Merged covered byte ranges, sorted, as flat [start, end, start, end...]. */
  covered: number[];
  bytes: number;
  /** Datagram payload length once the last fragment (MF=0) is seen, else -1. */
  total: number;
  firstFrame: number;
  firstTime: number;
}

/** Largest reassembled payload: IPv4 total length is 16 bits (RFC 791 §3.1); IPv6 payload length too (§3). */
const MAX_DATAGRAM = 65535;
const MAX_FRAGMENTS_PER_SET = 1024;

/**
 * Build the map key of a fragment: IPv4 (src, dst, id, protocol) per RFC 791 §3.2; IPv6 (src, dst, id) per
 * RFC 8200 §4.5. Addresses are read from `d` at `srcOff`/`dstOff`. Only called on the (rare) fragment path.
 */
export function fragmentKey(version: 4 | 6, d: Uint8Array, srcOff: number, dstOff: number, id: number, protocol: number): string {
  const n = version === 4 ? 4 : 16;
  let k = version === 4 ? '4' : '6';
  for (let i = 0; i < n; i += 2) k += String.fromCharCode((d[srcOff + i]! << 8) | d[srcOff + i + 1]!);
  for (let i = 0; i < n; i += 2) k += String.fromCharCode((d[dstOff + i]! << 8) | d[dstOff + i + 1]!);
  k += String.fromCharCode(id >>> 16, id & 0xffff);
  if (version === 4) k += String.fromCharCode(protocol);
  return k;
}

/**
 * Collects fragments and hands back complete datagrams. Problem codes: `decode/ip-fragments-incomplete`
 * (timeout or flush), `decode/ip-fragments-evicted` (buffer limits), `decode/ip-fragment-overlap` (info),
 * `decode/bad-ip-fragment` (oversized datagram, conflicting ends).
 */
export class IpReassembler {
  private readonly sets = new Map<string, FragmentSet>();
  private totalBytes = 0;

  constructor(
    private readonly problems: ProblemCollector,
    private readonly limits: ReassemblyLimits,
  ) {}

  /** Number of datagrams in progress. */
  get pending(): number {
    return this.sets.size;
  }

  /** Bytes currently buffered. */
  get bufferedBytes(): number {
    return this.totalBytes;
  }

  /**
   * Add one fragment. `data` (a view; copied here) holds the fragment's bytes at byte `offset` of the datagram
   * payload; `more` is the MF flag. `protocol` is the Protocol/Next Header this fragment carries (for IPv6 only
   * the offset-0 fragment's value is kept). `time` is capture time in seconds. Returns the datagram when this
   * fragment completes it, else undefined.
   */
  add(
    key: string,
    version: 4 | 6,
    d: Uint8Array,
    srcOff: number,
    dstOff: number,
    protocol: number,
    offset: number,
    data: Uint8Array,
    more: boolean,
    frame: number,
    time: number,
  ): Reassembled | undefined {
    const end = offset + data.length;
    if (end > MAX_DATAGRAM) {
      this.problems.report('decode/bad-ip-fragment', 'warning', `IP fragment ends at byte ${end}, beyond the 65535-byte datagram limit; dropped`, frame);
      const bad = this.sets.get(key);
      if (bad) this.drop(bad);
      return undefined;
    }
    let set = this.sets.get(key);
    if (!set) {
      while (this.sets.size > 0 && this.sets.size >= this.limits.maxBuffers) this.evictOldest('too many datagrams in progress');
      const n = version === 4 ? 4 : 16;
      set = {
        key,
        version,
        protocol: version === 4 || offset === 0 ? protocol : -1,
        src: d.slice(srcOff, srcOff + n),
        dst: d.slice(dstOff, dstOff + n),
        frags: [],
        covered: [],
        bytes: 0,
        total: -1,
        firstFrame: frame,
        firstTime: time,
      };
      this.sets.set(key, set);
    } else if (offset === 0 && set.protocol < 0) set.protocol = protocol;

    if (!more) {
      if (set.total >= 0 && set.total !== end) {
        this.problems.report('decode/bad-ip-fragment', 'warning', `IP fragment sets conflicting datagram ends (${set.total} and ${end}); the first is kept`, frame);
        return undefined;
      }
      set.total = end;
    }
    if (set.total >= 0 && end > set.total) {
      this.problems.report('decode/bad-ip-fragment', 'warning', `IP fragment data beyond the datagram end (${end} > ${set.total}); dropped`, frame);
      return undefined;
    }
    if (data.length > 0) {
      const overlap = this.cover(set, offset, end);
      if (overlap) {
        this.problems.report('decode/ip-fragment-overlap', 'info', 'overlapping or duplicate IP fragment; the data that arrived first is kept', frame);
      }
      if (overlap !== 2) {
        if (set.frags.length >= MAX_FRAGMENTS_PER_SET) {
          this.problems.report('decode/ip-fragments-evicted', 'warning', `more than ${MAX_FRAGMENTS_PER_SET} fragments for one datagram; dropped`, set.firstFrame);
          this.drop(set);
          return undefined;
        }
        set.frags.push({ off: offset, data: data.slice() });
        set.bytes += data.length;
        this.totalBytes += data.length;
      }
    }
    if (set.total >= 0 && set.covered.length === 2 && set.covered[0] === 0 && set.covered[1] === set.total) {
      return this.complete(set);
    }
    if (this.totalBytes > this.limits.maxBytes) {
      while (this.totalBytes > this.limits.maxBytes && this.sets.size > 1) this.evictOldest('fragment buffer full', set);
      if (this.totalBytes > this.limits.maxBytes) {
        this.problems.report('decode/ip-fragments-evicted', 'warning', 'fragmented datagram larger than the fragment buffer; dropped', set.firstFrame);
        this.drop(set);
      }
    }
    return undefined;
  }

  /** Drop sets whose first fragment is older than the timeout at capture time `now` (seconds). Cheap when idle. */
  expire(now: number): void {
    const limit = this.limits.timeoutSec;
    for (const set of this.sets.values()) {
      if (now - set.firstTime <= limit) break; // Map order = creation order ~ capture time order
      this.problems.report(
        'decode/ip-fragments-incomplete',
        'warning',
        `IPv${set.version} datagram never completed within ${limit} s (${set.frags.length} fragment(s) from frame ${set.firstFrame}); dropped`,
        set.firstFrame,
      );
      this.drop(set);
    }
  }

  /** Report every datagram still in progress as incomplete and forget them (end of capture). */
  flush(): void {
    for (const set of this.sets.values()) {
      this.problems.report(
        'decode/ip-fragments-incomplete',
        'warning',
        `IPv${set.version} datagram incomplete at end of capture (${set.frags.length} fragment(s) from frame ${set.firstFrame})`,
        set.firstFrame,
      );
    }
    this.sets.clear();
    this.totalBytes = 0;
  }

  /** Merge [a, b) into the covered ranges. Returns 0 no overlap, 1 partial overlap, 2 fully covered already. */
  private cover(set: FragmentSet, a: number, b: number): number {
    const c = set.covered;
    let overlap = 0;
    let covered = 0;
    let i = 0;
    while (i < c.length && c[i + 1]! < a) i += 2; // ranges ending before a (touching ones merge below)
    let lo = a;
    let hi = b;
    let j = i;
    while (j < c.length && c[j]! <= b) {
      const s = c[j]!;
      const e = c[j + 1]!;
      const ov = Math.min(e, b) - Math.max(s, a);
      if (ov > 0) {
        overlap = 1;
        covered += ov;
      }
      if (s < lo) lo = s;
      if (e > hi) hi = e;
      j += 2;
    }
    c.splice(i, j - i, lo, hi);
    if (overlap && covered >= b - a) return 2;
    return overlap;
  }

  private complete(set: FragmentSet): Reassembled | undefined {
    this.drop(set);
    if (set.protocol < 0) return undefined; // unreachable: offset 0 is covered
    const out = new Uint8Array(set.total);
    // First data wins: write the latest arrivals first so earlier ones overwrite them.
    for (let i = set.frags.length - 1; i >= 0; i--) {
      const f = set.frags[i]!;
      out.set(f.data, f.off);
    }
    return { version: set.version, protocol: set.protocol, src: set.src, dst: set.dst, payload: out, firstFrame: set.firstFrame };
  }

  private evictOldest(why: string, keep?: FragmentSet): void {
    for (const set of this.sets.values()) {
      if (set === keep) continue;
      this.problems.report(
        'decode/ip-fragments-evicted',
        'warning',
        `${why}: dropped an incomplete IPv${set.version} datagram (${set.frags.length} fragment(s) from frame ${set.firstFrame})`,
        set.firstFrame,
      );
      this.drop(set);
      return;
    }
  }

  private drop(set: FragmentSet): void {
    if (this.sets.get(set.key) === set) this.sets.delete(set.key);
    this.totalBytes -= set.bytes;
    set.bytes = 0;
  }
}
