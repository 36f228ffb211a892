// Classic libpcap file reader (pcap-savefile(5), draft-ietf-opsawg-pcap): file header, then 16-byte record headers.
import { u16, u32 } from '../bytes/cursor';
import { reportDamage } from './problems';
import { scanForward } from './resync';
import type { ReadContext } from './read-capture';
import { RecordView } from './types';

/** Largest record we accept at all: anything above is corruption, not a packet (no huge allocation, no hang). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
/** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: a record above both this and the snaplen is taken as corruption. */
export const STANDARD_MAX_SNAPLEN = 262144;

/** draft-ietf-opsawg-pcap §4: LinkType and additional information; bits 16..31 carry the FCS flag/length. */
export const LINKTYPE_MASK = 0x0000ffff;

/**
 * Read a classic pcap from `ctx.cursor` (already positioned at file offset 0) and hand every record to
 * `ctx.onRecord`. Handles both byte orders, µs/ns magic and modified pcap (24-byte record headers).
 * Problems: `capture/truncated-header` (fatal), `capture/truncated-record` (last record cut; earlier ones kept),
 * `capture/bad-record-length` (error: a record header that cannot be one; the damaged bytes are skipped up to the
 * next two plausible record headers in a row, see findNextPcapRecord, and reading goes on, or stops when there is
 * none; records before it are kept either way), `capture/record-exceeds-snaplen` (warning, record kept),
 * `capture/bad-timestamp` (fraction >= 1 s; normalised).
 */
export async function readPcap(
  ctx: ReadContext,
  fmt: { littleEndian: boolean; nanosecond: boolean; modified: boolean },
): Promise<void> {
  const cur = ctx.cursor;
  const le = fmt.littleEndian;
  if (!(await cur.fill(0, 24))) {
    ctx.fail('capture/truncated-header', `pcap file header is cut short: ${cur.buf.length} of 24 bytes`, undefined, 0);
    return;
  }
  // pcap-savefile(5): magic(4) version_major(2) version_minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4).
  const h = cur.buf;
  const major = u16(h, 4, le);
  const minor = u16(h, 6, le);
  const snaplen = u32(h, 16, le);
  const linkType = u32(h, 20, le) & LINKTYPE_MASK;
  if (major !== 2) {
    ctx.problems.report('capture/unusual-version', 'warning', `pcap version ${major}.${minor} (expected 2.4); reading anyway`, undefined, 4);
  }
  ctx.interfaces.push({
    id: 0,
    linkType,
    snapLength: snaplen,
    tsUnitsPerSecond: fmt.nanosecond ? 1e9 : 1e6,
    tsOffsetSec: 0,
  });
  const hdrLen = fmt.modified ? 24 : 16;
  const fracMul = fmt.nanosecond ? 1 : 1000;
  const fracMax = fmt.nanosecond ? 1e9 : 1e6;
  const effectiveSnap = snaplen === 0 ? STANDARD_MAX_SNAPLEN : snaplen;
  const hardLimit = Math.max(effectiveSnap, STANDARD_MAX_SNAPLEN);
  // One record object for the whole file (see CaptureRecord: valid only during the callback).
  const rec = new RecordView();
  rec.linkType = linkType;
  const loop = new PcapRecordLoop(ctx, rec, le, hdrLen, effectiveSnap, hardLimit, snaplen, fracMax, fracMul, ctx.records);
  let pos = 24;
  const size = cur.size;
  const check: PcapHeaderCheck = { le, hdrLen, snap: Math.min(effectiveSnap, RESYNC_MAX_RECORD), origMax: hardLimit, fracMax };

  for (;;) {
    if (ctx.isCancelled?.()) {
      ctx.cancelled = true;
      break;
    }
    if (!(await cur.fill(pos, hdrLen))) {
      if (cur.buf.length > 0) {
        ctx.problems.report(
          'capture/truncated-record',
          'warning',
          `the capture ends inside a record header (${cur.buf.length} of ${hdrLen} bytes); the cut record is dropped`,
          loop.frame + 1,
          pos,
        );
      }
      pos += cur.buf.length;
      break;
    }
    const b = cur.buf;
    const base = cur.base;
    const n = b.length;
    const p = loop.run(b, base, pos - base, n);
    const frame = loop.frame;
    const stop = loop.stop;
    const incl = loop.incl;
    const lastSec = loop.lastSec;
    pos = base + p;
    ctx.records = frame;
    ctx.progress(pos);
    if (ctx.cancelled) break;
    if (stop) {
      // A record header that cannot be one (damage, or two captures glued together): skip to the next plausible
      // records instead of losing the rest of the file.
      const head = `record ${frame + 1} claims ${incl} captured bytes (snaplen ${snaplen})`;
      const next = await findNextPcapRecord(ctx, pos + 1, lastSec, check);
      if (ctx.cancelled) break;
      reportDamage(ctx.problems, 'capture/bad-record-length', head, 'record', frame + 1, pos, next);
      if (next < 0) {
        pos = size;
        break;
      }
      pos = next;
      continue;
    }
    if (p + hdrLen <= n) {
      // The next record straddles the window end (or is bigger than a chunk): stitch it in.
      if (!(await cur.fill(pos, hdrLen + incl))) {
        ctx.problems.report(
          'capture/truncated-record',
          'warning',
          `record ${frame + 1} is cut short by the end of the file (${Math.max(0, cur.buf.length - hdrLen)} of ${incl} bytes); earlier records are kept`,
          frame + 1,
          pos,
        );
        pos += cur.buf.length;
        break;
      }
    }
    if (pos >= size) break;
  }
  ctx.records = loop.frame;
  ctx.bytesRead = Math.min(pos, size);
}

/**
 * readPcap's synchronous hot loop over the whole records of one window of the file, as a method of its own: V8
 * optimizes it once, as a function called per window, instead of compiling the async reader's loop for on-stack
 * replacement again after each await (measured: fewer instructions running and compiling).
 */
class PcapRecordLoop {
  /** Records read so far (the last one's frame number). */
  frame: number;
  /** Seconds of the last record read (-1: none yet): resynchronisation looks for records near that time. */
  lastSec = -1;
  /** Captured length in the last record header looked at. */
  incl = 0;
  /** The last run() stopped at a header that cannot be a record's (see readPcap). */
  stop = false;

  constructor(
    private readonly ctx: ReadContext,
    private readonly rec: RecordView,
    private readonly le: boolean,
    private readonly hdrLen: number,
    private readonly effectiveSnap: number,
    private readonly hardLimit: number,
    private readonly snaplen: number,
    private readonly fracMax: number,
    private readonly fracMul: number,
    frame: number,
  ) {
    this.frame = frame;
  }

  /** Hand over the records that lie whole in b[p, n) (b[0] is at file offset `base`); returns where reading stopped. */
  run(b: Uint8Array, base: number, p: number, n: number): number {
    const { ctx, rec, le, hdrLen, effectiveSnap, hardLimit, snaplen, fracMax, fracMul } = this;
    const onRecord = ctx.onRecord;
    let frame = this.frame;
    let lastSec = this.lastSec;
    let incl = 0;
    this.stop = false;
    // Hot loop: everything that fits in the window, synchronously. Record header per pcap-savefile(5):
    // ts_sec(4) ts_usec_or_nsec(4) incl_len(4) orig_len(4) [modified pcap: ifindex(4) protocol(2) pkt_type(1) pad(1)].
    while (p + hdrLen <= n) {
      incl = le
        ? (b[p + 8]! | (b[p + 9]! << 8) | (b[p + 10]! << 16) | (b[p + 11]! << 24)) >>> 0
        : ((b[p + 8]! << 24) | (b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!) >>> 0;
      if (incl > effectiveSnap) {
        if (incl > hardLimit || incl > MAX_RECORD_BYTES) {
          this.stop = true;
          break;
        }
        ctx.problems.report(
          'capture/record-exceeds-snaplen',
          'warning',
          `record ${frame + 1} has ${incl} captured bytes, more than the file's snaplen ${snaplen}`,
          frame + 1,
          base + p,
        );
      }
      const dataStart = p + hdrLen;
      const next = dataStart + incl;
      if (next > n) break;
      let sec: number;
      let frac: number;
      let orig: number;
      if (le) {
        sec = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
        frac = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
        orig = (b[p + 12]! | (b[p + 13]! << 8) | (b[p + 14]! << 16) | (b[p + 15]! << 24)) >>> 0;
      } else {
        sec = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
        frac = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
        orig = ((b[p + 12]! << 24) | (b[p + 13]! << 16) | (b[p + 14]! << 8) | b[p + 15]!) >>> 0;
      }
      if (frac >= fracMax) {
        ctx.problems.report('capture/bad-timestamp', 'warning', `record ${frame + 1} has a sub-second part >= 1 s (${frac})`, frame + 1, base + p);
        sec += Math.floor(frac / fracMax);
        frac %= fracMax;
      }
      frame++;
      lastSec = sec;
      rec.frame = frame;
      rec.timeSec = sec;
      rec.timeNsec = frac * fracMul;
      rec.setData(b, dataStart, next);
      rec.originalLength = orig;
      rec.fileOffset = base + dataStart;
      onRecord(rec);
      p = next;
    }
    this.frame = frame;
    this.lastSec = lastSec;
    this.incl = incl;
    return p;
  }
}

/** What findNextPcapRecord accepts as a record header. */
interface PcapHeaderCheck {
  le: boolean;
  hdrLen: number;
  /** Most captured bytes (the snaplen, or Wireshark's standard maximum when it is 0; at most RESYNC_MAX_RECORD). */
  snap: number;
  /** Most original bytes. */
  origMax: number;
  /** Timestamp fraction units per second. */
  fracMax: number;
}

/** Largest record resynchronisation takes for one (a file's snaplen may be absurd; this bounds its window). */
const RESYNC_MAX_RECORD = 1 << 20;
/** Seconds a record may lie before or after the time it is compared with, when resynchronising. */
const RESYNC_WINDOW_SEC = 86400;

/** Captured length of a plausible record header at b[q] (see findNextPcapRecord), else -1. `near`: -1 = any time. */
function plausibleRecord(b: Uint8Array, q: number, c: PcapHeaderCheck, near: number): number {
  const sec = u32(b, q, c.le);
  const incl = u32(b, q + 8, c.le);
  if (incl === 0 || incl > c.snap) return -1;
  const orig = u32(b, q + 12, c.le);
  if (orig < incl || orig > c.origMax || u32(b, q + 4, c.le) >= c.fracMax) return -1;
  if (near >= 0 && (sec + RESYNC_WINDOW_SEC < near || sec > near + RESYNC_WINDOW_SEC)) return -1;
  return incl;
}

/**
 * File offset of the first record header at or after `from` that is plausible (captured length 1..snaplen, original
 * length >= captured length, sub-second part < 1 s, time within a day of `lastSec` when >= 0) and is followed by
 * another plausible one within a day of it, or ends exactly at the end of the file; -1 when there is none (or the
 * import is cancelled). See scanForward.
 */
function findNextPcapRecord(ctx: ReadContext, from: number, lastSec: number, c: PcapHeaderCheck): Promise<number> {
  const hdr = c.hdrLen;
  const size = ctx.cursor.size;
  return scanForward(ctx, from, hdr, 2 * hdr + c.snap, (b, at, base) => {
    const incl = plausibleRecord(b, at, c, lastSec);
    if (incl < 0) return false;
    const after = at + hdr + incl;
    if (base + after === size) return true;
    if (after + hdr > b.length) return false; // runs past the end of the file
    return plausibleRecord(b, after, c, u32(b, at, c.le)) >= 0;
  });
}
