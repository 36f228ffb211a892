// pcapng reader (draft-ietf-opsawg-pcapng): sections (SHB) with their own byte order, IDBs, EPB/SPB/OPB packets.
import { u16, u32 } from '../bytes/cursor';
import { RecordView, type CaptureInterface } from './types';
import { LINKTYPE_MASK, MAX_RECORD_BYTES } from './pcap';
import { reportDamage } from './problems';
import { scanForward } from './resync';
import type { ReadContext } from './read-capture';

// Block types, pcapng draft §4 / §10.1 (OPB: Appendix A, obsolete Packet Block).
const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_OPB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;
/** Decryption Secrets Block (pcapng spec §4.7): Secrets Type(4) Secrets Length(4) data. */
const BT_DSB = 0x0000000a;
/** DSB secrets type: TLS key log (NSS SSLKEYLOGFILE format), 'TLSK'. */
const SECRETS_TLS_KEYLOG = 0x544c534b;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

// IDB options, pcapng draft §4.2.
const OPT_ENDOFOPT = 0;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** Per-interface timestamp conversion state (pcapng draft §4.2 if_tsresol / if_tsoffset, §4.3 timestamps). */
interface TsConv {
  /** Units per second as a number (exact up to 2^53). */
  units: number;
  unitsBig: bigint;
  /** Multiply the remainder by this to get ns (decimal resolutions <= 1 ns), or 0. */
  nsMul: number;
  /** Divide the remainder by this to get ns (decimal resolutions finer than 1 ns), or 0. */
  nsDiv: number;
  /** true when `units` is a power of 2. */
  binary: boolean;
  offsetSec: number;
}

interface SectionInterface {
  /** Index in ctx.interfaces (global across sections, as Wireshark numbers interfaces). */
  globalId: number;
  linkType: number;
  snapLength: number;
  ts: TsConv;
}

function makeTsConv(resolByte: number | undefined, offsetSec: number): TsConv | undefined {
  let units: number;
  let unitsBig: bigint;
  let binary = false;
  let nsMul = 0;
  let nsDiv = 0;
  if (resolByte === undefined) {
    units = 1e6;
    unitsBig = 1_000_000n;
    nsMul = 1000;
  } else if (resolByte & 0x80) {
    const k = resolByte & 0x7f;
    if (k > 64) return undefined;
    binary = true;
    unitsBig = 1n << BigInt(k);
    units = 2 ** k;
  } else {
    const k = resolByte;
    if (k > 30) return undefined;
    unitsBig = 10n ** BigInt(k);
    units = Number(unitsBig);
    if (k <= 9) nsMul = 10 ** (9 - k);
    else nsDiv = 10 ** (k - 9);
  }
  return { units, unitsBig, nsMul, nsDiv, binary, offsetSec };
}

/** Output of tsConvert (module scratch, to avoid an allocation per packet). */
const ts = { sec: 0, nsec: 0 };

/**
 * Convert a 64-bit pcapng timestamp (high/low 32-bit words, in `c.units` per second) to whole seconds plus
 * nanoseconds (truncated), exactly: plain doubles while the value is < 2^53, 16-bit long division for
 * nanosecond-ish resolutions beyond that, BigInt for anything finer.
 */
function tsConvert(high: number, low: number, c: TsConv): void {
  const U = c.units;
  let sec: number;
  let rem: number;
  if (high < 0x200000 && U <= TWO_53) {
    const t = high * TWO_32 + low; // < 2^53: exact
    sec = Math.floor(t / U);
    rem = t - sec * U;
    if (rem < 0) {
      sec--;
      rem += U;
    } else if (rem >= U) {
      sec++;
      rem -= U;
    }
  } else if (U < 68719476736 /* 2^36 */) {
    // Long division in base 2^16: every intermediate stays below 2^52.
    let q = 0;
    rem = 0;
    for (let i = 0; i < 4; i++) {
      const digit = i === 0 ? high >>> 16 : i === 1 ? high & 0xffff : i === 2 ? low >>> 16 : low & 0xffff;
      const cur = rem * 65536 + digit;
      let qd = Math.floor(cur / U);
      rem = cur - qd * U;
      if (rem < 0) {
        qd--;
        rem += U;
      } else if (rem >= U) {
        qd++;
        rem -= U;
      }
      q = q * 65536 + qd;
    }
    sec = q;
  } else {
    const t = (BigInt(high) << 32n) | BigInt(low);
    sec = Number(t / c.unitsBig);
    const r = t % c.unitsBig;
    ts.sec = sec + c.offsetSec;
    ts.nsec = Number((r * 1_000_000_000n) / c.unitsBig);
    return;
  }
  let nsec: number;
  if (c.nsMul) nsec = rem * c.nsMul;
  else if (c.nsDiv) nsec = Math.floor(rem / c.nsDiv);
  else if (rem * 1e9 < TWO_53) nsec = Math.floor((rem * 1e9) / U); // binary resolution: division by 2^k is exact
  else nsec = Number((BigInt(rem) * 1_000_000_000n) / c.unitsBig);
  ts.sec = sec + c.offsetSec;
  ts.nsec = nsec;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Read a pcapng file from `ctx.cursor` and hand each packet record (EPB, SPB, OPB) to `ctx.onRecord`.
 * `CaptureRecord.interfaceId` is the global interface index (position in `ctx.interfaces`), counted across
 * sections, as Wireshark's frame.interface_id. Problems: `capture/truncated-record`, `capture/truncated-block`,
 * `capture/bad-block-length` (error: a block header that cannot be one, mid-file; the damaged bytes are skipped up to
 * the next two plausible blocks in a row, see findNextPcapngBlock, or reading stops when there are none; earlier
 * records are kept either way), `capture/bad-section-header` (fatal), `capture/unsupported-version` (fatal),
 * `capture/bad-block` (block skipped), `capture/unknown-interface`, `capture/bad-option`,
 * `capture/block-length-mismatch`.
 */
export async function readPcapng(ctx: ReadContext, first: { littleEndian: boolean }): Promise<void> {
  const cur = ctx.cursor;
  const size = cur.size;
  const onRecord = ctx.onRecord;
  // One record object for the whole file (see CaptureRecord: valid only during the callback, `data` made lazily).
  const rec = new RecordView();
  const emitRecord = (sec: number, nsec: number, linkType: number, interfaceId: number, b: Uint8Array, start: number, end: number, orig: number, fileOffset: number): void => {
    rec.frame = frame;
    rec.timeSec = sec;
    rec.timeNsec = nsec;
    rec.linkType = linkType;
    rec.interfaceId = interfaceId;
    rec.setData(b, start, end);
    rec.originalLength = orig;
    rec.fileOffset = fileOffset;
    onRecord(rec);
  };
  const problems = ctx.problems;
  let le = first.littleEndian;
  let ifs: SectionInterface[] = [];
  let frame = ctx.records;
  let pos = 0;
  let sawSection = false;

  /** Handle a non-EPB block fully inside `b` at `p` with total length `len`. Returns false to stop reading. */
  const otherBlock = (b: Uint8Array, p: number, len: number, type: number, abs: number): boolean => {
    if (type === BT_SHB) {
      // §4.1: BOM(4) major(2) minor(2) section length(8) options.
      if (len < 28) {
        ctx.fail('capture/bad-section-header', `section header block is too short (${len} bytes)`, undefined, abs);
        return false;
      }
      const major = u16(b, p + 12, le);
      const minor = u16(b, p + 14, le);
      if (major !== 1) {
        ctx.fail('capture/unsupported-version', `pcapng section version ${major}.${minor} is not supported (expected 1.x)`, undefined, abs);
        return false;
      }
      ifs = []; // §4.1: interface ids are per section
      sawSection = true;
      return true;
    }
    if (!sawSection) {
      ctx.fail('capture/bad-section-header', 'pcapng file does not start with a section header block', undefined, abs);
      return false;
    }
    if (type === BT_IDB) {
      // §4.2: LinkType(2) Reserved(2) SnapLen(4) options.
      if (len < 20) {
        problems.report('capture/bad-block', 'error', `interface description block too short (${len} bytes)`, undefined, abs);
        return true;
      }
      const linkType = u16(b, p + 8, le) & LINKTYPE_MASK;
      const snapLength = u32(b, p + 12, le);
      let resol: number | undefined;
      let offsetSec = 0;
      let name: string | undefined;
      let o = p + 16;
      const end = p + len - 4;
      while (o + 4 <= end) {
        const code = u16(b, o, le);
        const olen = u16(b, o + 2, le);
        if (code === OPT_ENDOFOPT) break;
        if (o + 4 + olen > end) {
          problems.report('capture/bad-option', 'warning', `interface option ${code} overruns its block`, undefined, ctx.cursor.base + o);
          break;
        }
        const v = o + 4;
        if (code === OPT_IF_TSRESOL && olen >= 1) resol = b[v]!;
        else if (code === OPT_IF_TSOFFSET && olen >= 8) {
          // int64 seconds in section byte order.
          const lo = u32(b, le ? v : v + 4, le);
          const hi = u32(b, le ? v + 4 : v, le) | 0;
          offsetSec = hi * TWO_32 + lo;
        } else if (code === OPT_IF_NAME && olen > 0) {
          name = utf8.decode(b.subarray(v, v + olen)).replace(/\0+$/, '');
        }
        o = v + ((olen + 3) & ~3);
      }
      let conv = makeTsConv(resol, offsetSec);
      if (!conv) {
        problems.report('capture/bad-option', 'warning', `if_tsresol 0x${(resol ?? 0).toString(16)} is out of range; using microseconds`, undefined, abs);
        conv = makeTsConv(undefined, offsetSec)!;
      }
      const globalId = ctx.interfaces.length;
      const info: CaptureInterface = { id: globalId, linkType, snapLength, tsUnitsPerSecond: conv.units, tsOffsetSec: offsetSec };
      if (name !== undefined) info.name = name;
      ctx.interfaces.push(info);
      ifs.push({ globalId, linkType, snapLength, ts: conv });
      return true;
    }
    if (type === BT_SPB) {
      // §4.4: Original Packet Length(4), data; always interface 0, no timestamp.
      const itf = ifs[0];
      if (!itf) {
        problems.report('capture/unknown-interface', 'error', 'simple packet block before any interface description block; skipped', undefined, abs);
        return true;
      }
      if (len < 16) {
        problems.report('capture/bad-block', 'error', `simple packet block too short (${len} bytes); skipped`, undefined, abs);
        return true;
      }
      const orig = u32(b, p + 8, le);
      let cap = Math.min(orig, len - 16);
      if (itf.snapLength > 0) cap = Math.min(cap, itf.snapLength);
      frame++;
      emitRecord(0, 0, itf.linkType, itf.globalId, b, p + 12, p + 12 + cap, orig, abs + 12);
      return true;
    }
    if (type === BT_OPB) {
      // Appendix A: Interface ID(2) Drops Count(2) Timestamp(8) Captured Len(4) Packet Len(4) data.
      if (len < 32) {
        problems.report('capture/bad-block', 'error', `packet block too short (${len} bytes); skipped`, undefined, abs);
        return true;
      }
      const id = u16(b, p + 8, le);
      const cap = u32(b, p + 20, le);
      const orig = u32(b, p + 24, le);
      if (28 + cap + 4 > len) {
        problems.report('capture/bad-block', 'error', `packet block captured length ${cap} exceeds its block (${len} bytes); skipped`, undefined, abs);
        return true;
      }
      const itf = ifs[id];
      if (!itf) {
        problems.report('capture/unknown-interface', 'error', `packet block names interface ${id}, which was not described; skipped`, undefined, abs);
        return true;
      }
      tsConvert(u32(b, p + 12, le), u32(b, p + 16, le), itf.ts);
      frame++;
      emitRecord(ts.sec, ts.nsec, itf.linkType, itf.globalId, b, p + 28, p + 28 + cap, orig, abs + 28);
      return true;
    }
    if (type === BT_DSB && len >= 20) {
      // §4.7: secrets apply to the packets that follow; a TLS key log is handed on (other secret types are skipped).
      const stype = u32(b, p + 8, le);
      const slen = u32(b, p + 12, le);
      if (stype === SECRETS_TLS_KEYLOG && ctx.onSecrets) {
        if (16 + slen + 4 > len) problems.report('capture/bad-block', 'warning', `decryption secrets block length ${slen} exceeds its block (${len} bytes); skipped`, undefined, abs);
        else ctx.onSecrets('tls-keylog', b.subarray(p + 16, p + 16 + slen));
      }
      return true;
    }
    // NRB, ISB, custom blocks, systemd journal export...: not needed for packets (§4.5-§4.8).
    return true;
  };

  for (;;) {
    if (ctx.isCancelled?.()) {
      ctx.cancelled = true;
      break;
    }
    if (!(await cur.fill(pos, 12))) {
      if (cur.buf.length > 0) {
        problems.report('capture/truncated-block', 'warning', `the capture ends inside a block header (${cur.buf.length} bytes left)`, undefined, pos);
      }
      pos += cur.buf.length;
      break;
    }
    const b = cur.buf;
    const base = cur.base;
    const n = b.length;
    let p = pos - base;
    let stop = false;
    /** Why the block at p cannot be one (stop without a fatal problem: resynchronise). */
    let damaged: string | undefined;
    let len = 0;
    let type = 0;
    while (p + 12 <= n) {
      type = u32(b, p, le);
      if (type === BT_SHB) {
        // The SHB's byte-order magic fixes the byte order of everything up to the next SHB (§4.1).
        const bom = u32(b, p + 8, true);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (u32(b, p + 8, false) === BYTE_ORDER_MAGIC) le = false;
        else if (base + p === 0) {
          ctx.fail('capture/bad-section-header', 'section header block with an invalid byte-order magic; reading stops', undefined, base + p);
          stop = true;
          break;
        } else {
          // Mid-file: damage that happens to look like a section header. Resynchronise below.
          damaged = `block of type 0x${type.toString(16)} has no valid byte-order magic`;
          stop = true;
          break;
        }
      }
      len = u32(b, p + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_RECORD_BYTES) {
        damaged = `block of type 0x${type.toString(16)} has an impossible length ${len}`;
        stop = true;
        break;
      }
      if (p + len > n) break;
      if (u32(b, p + len - 4, le) !== len) {
        problems.report('capture/block-length-mismatch', 'warning', `block trailer length differs from its header (${len})`, undefined, base + p);
      }
      if (type === BT_EPB) {
        // §4.3: Interface ID(4) Timestamp upper(4) lower(4) Captured Len(4) Original Len(4) data options.
        const itf = len >= 32 ? ifs[u32(b, p + 8, le)] : undefined;
        const cap = u32(b, p + 20, le);
        if (len < 32 || 32 + cap > len) {
          problems.report('capture/bad-block', 'error', `enhanced packet block with captured length ${cap} does not fit its ${len}-byte block; skipped`, undefined, base + p);
        } else if (!itf) {
          problems.report('capture/unknown-interface', 'error', `enhanced packet block names interface ${u32(b, p + 8, le)}, which was not described; skipped`, undefined, base + p);
        } else {
          tsConvert(u32(b, p + 12, le), u32(b, p + 16, le), itf.ts);
          frame++;
          emitRecord(ts.sec, ts.nsec, itf.linkType, itf.globalId, b, p + 28, p + 28 + cap, u32(b, p + 24, le), base + p + 28);
        }
      } else if (!otherBlock(b, p, len, type, base + p)) {
        stop = true;
        break;
      }
      p += len;
    }
    pos = base + p;
    ctx.records = frame;
    ctx.progress(pos);
    if (damaged !== undefined) {
      // Damage mid-file: skip to the next plausible blocks instead of losing the rest of the file.
      const next = await findNextPcapngBlock(ctx, pos + 1, le, ifs.length);
      if (ctx.cancelled) break;
      reportDamage(ctx.problems, 'capture/bad-block-length', damaged, 'block', frame + 1, pos, next);
      if (next < 0) {
        pos = size;
        break;
      }
      pos = next;
      continue;
    }
    if (stop) break;
    if (p + 12 <= n) {
      if (!(await cur.fill(pos, len))) {
        const isPacket = type === BT_EPB || type === BT_SPB || type === BT_OPB;
        problems.report(
          isPacket ? 'capture/truncated-record' : 'capture/truncated-block',
          'warning',
          `the capture ends inside a ${len}-byte block of type 0x${type.toString(16)} (${cur.buf.length} bytes present); earlier records are kept`,
          isPacket ? frame + 1 : undefined,
          pos,
        );
        pos += cur.buf.length;
        break;
      }
    }
    if (pos >= size) break;
  }
  ctx.records = frame;
  ctx.bytesRead = Math.min(pos, size);
}

/** Block types findNextPcapngBlock accepts (draft-ietf-opsawg-pcapng §10.1: the defined ones, and custom blocks). */
const KNOWN_BLOCK_TYPES = new Set([BT_SHB, BT_IDB, BT_OPB, BT_SPB, 4, 5, BT_EPB, 9, BT_DSB, 0x00000bad, 0x40000bad]);
/** Largest block resynchronisation takes for one: a packet of Wireshark's maximum size with room for options. */
const RESYNC_MAX_BLOCK = 262144 + 4096;

/** Length of a plausible block at b[q] (known type, length 12.. with the same trailer), else -1. */
function plausibleBlock(b: Uint8Array, q: number, n: number, le: boolean, interfaces: number): number {
  if (q + 12 > n) return -1;
  const type = u32(b, q, le);
  if (!KNOWN_BLOCK_TYPES.has(type)) return -1;
  const len = u32(b, q + 4, le);
  if (len < 12 || (len & 3) !== 0 || len > RESYNC_MAX_BLOCK || q + len > n) return -1;
  if (u32(b, q + len - 4, le) !== len) return -1;
  if (type === BT_SHB) return u32(b, q + 8, le) === BYTE_ORDER_MAGIC ? len : -1;
  if (type === BT_EPB) return len >= 32 && u32(b, q + 8, le) < interfaces && 32 + u32(b, q + 20, le) <= len ? len : -1;
  return len;
}

/**
 * File offset of the first block at or after `from` that is plausible (a known block type, a length of 12 or more,
 * a multiple of 4, repeated in its trailer; an EPB names a described interface and its packet fits) and is followed by
 * another plausible block or ends exactly at the end of the file; -1 when there is none (or the import is
 * cancelled). Byte by byte (damage need not keep 4-byte alignment): see scanForward.
 */
function findNextPcapngBlock(ctx: ReadContext, from: number, le: boolean, interfaces: number): Promise<number> {
  const size = ctx.cursor.size;
  return scanForward(ctx, from, 12, 2 * RESYNC_MAX_BLOCK, (b, at, base) => {
    const len = plausibleBlock(b, at, b.length, le, interfaces);
    return len >= 0 && (base + at + len === size || plausibleBlock(b, at + len, b.length, le, interfaces) >= 0);
  });
}
