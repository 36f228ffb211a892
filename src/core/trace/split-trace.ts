// Splits a pasted trace (raw SIP, or sngrep/ngrep/tcpdump -A/Kamailio/OpenSIPS/Asterisk/FreeSWITCH log output) into
// SIP messages whose byte offsets map back to the document. Messages end by Content-Length (RFC 3261 §18.3, §20.14)
// when it is plausible, else at the next start line. Pure and never throws.
import type { TraceMessage, TracePrefix } from './types';
import { MappedText, MappedTextBuilder } from './mapped-text';
import { addressHints, classifyLine, RE_LOG_RECORD, type BlockLayout, type LineClass } from './prefix-lines';
import { findStartLine, isStartLine } from './start-line';
import { decodeUtf8 } from '../text/decode';

const LF = 10;
const CR = 13;

function isWs(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === CR || c === LF;
}

/** Line table of a byte range: starts, content ends (before CR LF / LF) and next-line starts. */
interface LineTable {
  start: number[];
  end: number[];
  next: number[];
}

function lineTable(b: Uint8Array, from: number, to: number): LineTable {
  const start: number[] = [];
  const end: number[] = [];
  const next: number[] = [];
  let p = from;
  while (p < to) {
    let lf = b.indexOf(LF, p);
    if (lf < 0 || lf >= to) lf = to;
    start.push(p);
    end.push(lf > p && b[lf - 1] === CR ? lf - 1 : lf);
    next.push(lf < to ? lf + 1 : to);
    p = lf + 1;
  }
  return { start, end, next };
}

/** Options of the message extractor for one region of text. */
interface ExtractOptions {
  /** A start line may begin inside a line, after a log prefix (syslog, tcpdump garbage, Kamailio stderr). */
  inline: boolean;
  /** Offsets (in the extracted text) where a new log record begins: such a line ends a message. */
  recordStarts?: Set<number>;
  /** Lines whose text looks like a log record (`INFO: ...`, `DEBUG: ...`) end a message. */
  stopOnLogRecords?: boolean;
}

interface Extent {
  start: number;
  end: number;
}

/** One line of `b` starting at `p` (bounded by `to`). */
function lineAt(b: Uint8Array, p: number, to: number): { s: number; ce: number; nx: number; lfOnly: boolean } {
  let lf = b.indexOf(LF, p);
  if (lf < 0 || lf >= to) lf = to;
  const cr = lf > p && b[lf - 1] === CR;
  return { s: p, ce: cr ? lf - 1 : lf, nx: lf < to ? lf + 1 : to, lfOnly: lf < to && !cr };
}

function isBlank(b: Uint8Array, s: number, ce: number): boolean {
  for (let i = s; i < ce; i++) if (b[i] !== 32 && b[i] !== 9 && b[i] !== CR) return false;
  return true;
}

/** `Content-Length:` / `l:` header value on the line `b[s, ce)`, or undefined when the line is another header. */
function contentLengthOf(b: Uint8Array, s: number, ce: number): number | 'bad' | undefined {
  let i = s;
  const c0 = (b[i] as number) | 0x20;
  if (c0 === 0x6c) {
    i++;
  } else if (c0 === 0x63 && ce - s >= 15) {
    const name = 'content-length';
    for (let k = 0; k < name.length; k++) if (((b[s + k] as number) | (k === 7 ? 0 : 0x20)) !== name.charCodeAt(k)) return undefined;
    i = s + name.length;
  } else return undefined;
  while (i < ce && (b[i] === 32 || b[i] === 9)) i++;
  if (b[i] !== 0x3a) return undefined;
  i++;
  while (i < ce && (b[i] === 32 || b[i] === 9)) i++;
  let v = 0;
  const d0 = i;
  while (i < ce && (b[i] as number) >= 48 && (b[i] as number) <= 57 && i - d0 < 12) {
    v = v * 10 + ((b[i] as number) - 48);
    i++;
  }
  while (i < ce && (b[i] === 32 || b[i] === 9)) i++;
  return i === d0 || i !== ce ? 'bad' : v;
}

class Extractor {
  constructor(
    private readonly b: Uint8Array,
    private readonly to: number,
    private readonly opts: ExtractOptions,
  ) {}

  private isStop(s: number, ce: number): boolean {
    if (this.opts.recordStarts?.has(s)) return true;
    if (this.opts.stopOnLogRecords) return RE_LOG_RECORD.test(decodeUtf8(this.b, s, Math.min(ce, s + 48)));
    return false;
  }

  /** Where a message starts on the line, or -1. */
  private startOn(s: number, ce: number): number {
    if (this.opts.inline) return findStartLine(this.b, s, ce);
    return isStartLine(this.b, s, ce) ? s : -1;
  }

  /** A line that begins the next message: a start line (at column 0, or inline after a log prefix) or a log record. */
  private isBoundary(s: number, ce: number): boolean {
    if (this.isStop(s, ce)) return true;
    return this.startOn(s, ce) >= 0;
  }

  run(from: number): Extent[] {
    const b = this.b;
    const to = this.to;
    const out: Extent[] = [];
    let pos = from;
    while (pos < to) {
      // 1. Find the next start line.
      let ms = -1;
      let p = pos;
      let lfOnly = false;
      while (p < to) {
        const l = lineAt(b, p, to);
        const k = this.startOn(l.s, l.ce);
        p = l.nx;
        if (k >= 0) {
          ms = k;
          lfOnly = l.lfOnly;
          break;
        }
      }
      if (ms < 0) break;
      // 2. Header lines up to the empty line.
      let cl: number | 'bad' | 'multi' | undefined;
      let bodyStart = -1;
      let end = -1;
      while (p < to) {
        const l = lineAt(b, p, to);
        if (l.ce === l.s) {
          // The empty line (CRLF or bare LF) ends the header section (RFC 3261 §7).
          bodyStart = l.nx;
          break;
        }
        if (this.isStop(l.s, l.ce) || this.startOn(l.s, l.ce) === l.s) {
          end = l.s;
          break;
        }
        const v = contentLengthOf(b, l.s, l.ce);
        if (v !== undefined) cl = cl === undefined ? v : 'multi';
        p = l.nx;
      }
      if (bodyStart < 0 && end < 0) end = to;
      if (bodyStart >= 0) end = this.bodyEnd(bodyStart, typeof cl === 'number' ? cl : undefined, lfOnly);
      if (end <= ms) end = Math.min(to, Math.max(p, ms + 1));
      out.push({ start: ms, end });
      pos = end;
    }
    return out;
  }

  /** End of the body that starts at `bodyStart`. */
  private bodyEnd(bodyStart: number, cl: number | undefined, lfOnly: boolean): number {
    const b = this.b;
    const to = this.to;
    if (cl !== undefined) {
      const direct = bodyStart + cl;
      if (direct <= to && this.plausibleEnd(bodyStart, direct)) return direct;
      if (lfOnly) {
        // A pasted trace that lost its CRs: Content-Length counted CRLF, the text has LF.
        const q = lfCounted(b, bodyStart, to, cl);
        if (q >= 0 && q !== direct && this.plausibleEnd(bodyStart, q)) return q;
      }
    }
    // No usable Content-Length: the body runs to the next message (a start line after an empty line) or log record.
    let p = bodyStart;
    let prevEmpty = true;
    let boundary = to;
    while (p < to) {
      const l = lineAt(b, p, to);
      const blank = isBlank(b, l.s, l.ce);
      if (!blank && ((prevEmpty && this.startOn(l.s, l.ce) >= 0) || this.isStop(l.s, l.ce))) {
        boundary = l.s;
        break;
      }
      prevEmpty = blank;
      p = l.nx;
    }
    return trimBody(b, bodyStart, boundary);
  }

  /** Can the body end at `p` (bodyStart + Content-Length)? Only whitespace, junk after an empty line or a new message may follow. */
  private plausibleEnd(bodyStart: number, p: number): boolean {
    const b = this.b;
    const to = this.to;
    if (p >= to) return p === to;
    let q = p;
    while (q < to && isWs(b[q])) q++;
    if (q >= to) return true;
    const atLineStart = p === bodyStart || b[p - 1] === LF;
    if (!atLineStart) return false;
    for (let k = p; k < q; k++) if (b[k] === LF) return true; // an empty line separates: what follows is another item
    const l = lineAt(b, p, to);
    return this.isBoundary(l.s, l.ce);
  }
}

/** Position after `cl` bytes counted as on the wire where each bare LF was CRLF; -1 when it falls inside a line end. */
function lfCounted(b: Uint8Array, s: number, to: number, cl: number): number {
  let count = 0;
  let i = s;
  while (count < cl && i < to) {
    count += b[i] === LF && (i === s || b[i - 1] !== CR) ? 2 : 1;
    i++;
  }
  return count === cl ? i : -1;
}

/** `[s, boundary)` without trailing whitespace-only lines (the last content line keeps its line end). */
function trimBody(b: Uint8Array, s: number, boundary: number): number {
  let last = boundary - 1;
  while (last >= s && isWs(b[last])) last--;
  if (last < s) return s;
  let e = last + 1;
  if (b[e] === CR && e < boundary) e++;
  if (b[e] === LF && e < boundary) e++;
  return e;
}

/** Shared state of one split. */
class Splitter {
  private readonly lines: LineTable;
  private readonly classes: (LineClass | undefined)[];
  readonly out: TraceMessage[] = [];

  constructor(private readonly doc: Uint8Array) {
    this.lines = lineTable(doc, 0, doc.length);
    this.classes = new Array<LineClass | undefined>(this.lines.start.length);
  }

  private cls(i: number): LineClass {
    let c = this.classes[i];
    if (c === undefined) {
      c = classifyLine(this.doc, this.lines.start[i] as number, this.lines.end[i] as number);
      this.classes[i] = c;
    }
    return c;
  }

  private lineStart(i: number): number {
    return i < this.lines.start.length ? (this.lines.start[i] as number) : this.doc.length;
  }

  run(): void {
    const n = this.lines.start.length;
    let i = 0;
    while (i < n) {
      const c = this.cls(i);
      if (c.kind === 'raw') {
        let j = i + 1;
        while (j < n && this.cls(j).kind === 'raw') j++;
        this.verbatimRegion(this.lineStart(i), this.lineStart(j), undefined, false);
        i = j;
      } else if (c.kind === 'separator') {
        i++;
      } else if (c.kind === 'syslog') {
        let j = i + 1;
        while (j < n && this.cls(j).kind === 'syslog') j++;
        this.syslogRegion(i, j);
        i = j;
      } else {
        i = this.headerBlock(i, c);
      }
    }
  }

  /** A header line (sngrep, ngrep, tcpdump, Asterisk, FreeSWITCH, Kamailio stderr) and the lines it introduces. */
  private headerBlock(i: number, c: Extract<LineClass, { kind: 'header' }>): number {
    const n = this.lines.start.length;
    const hs = this.lines.start[i] as number;
    const he = this.lines.end[i] as number;
    if (c.inlineStart !== undefined) {
      // Kamailio/OpenSIPS stderr log line: a message may begin inside it; otherwise it is just a log line.
      const k = findStartLine(this.doc, hs, he);
      let j = i + 1;
      while (j < n && this.cls(j).kind === 'raw') j++;
      if (k >= 0) {
        const prefix: TracePrefix = { ...c.prefix, ...addressHints(decodeUtf8(this.doc, hs, k)), span: { start: hs, end: k } };
        this.verbatimRegion(k, this.lineStart(j), prefix, false);
      }
      return j;
    }
    const prefix: TracePrefix = { ...c.prefix, span: { start: hs, end: he } };
    let first = i + 1;
    let j = first;
    if (c.layout === 'freeswitch') {
      if (first < n && this.cls(first).kind === 'separator') first++;
      j = first;
      while (j < n && this.cls(j).kind === 'raw') j++;
      this.mappedBlock(first, j, c.layout, prefix);
      return j < n && this.cls(j).kind === 'separator' ? j + 1 : j;
    }
    while (j < n && this.cls(j).kind === 'raw') j++;
    this.mappedBlock(first, j, c.layout, prefix);
    return j;
  }

  private mappedBlock(first: number, j: number, layout: BlockLayout, prefix: TracePrefix): void {
    const doc = this.doc;
    const from = this.lineStart(first);
    const to = this.lineStart(j);
    if (from >= to) return;
    if (layout === 'verbatim') {
      this.verbatimRegion(from, to, prefix, false);
      return;
    }
    if (layout === 'ngrep') {
      // ngrep -W byline shows each CR as '.': the empty line between headers and body is a lone ".".
      let dots = false;
      for (let k = first; k < j; k++) {
        const s = this.lines.start[k] as number;
        const e = this.lines.end[k] as number;
        if (e - s === 1 && doc[s] === 0x2e) {
          dots = true;
          break;
        }
      }
      if (!dots) {
        this.verbatimRegion(from, to, prefix, false);
        return;
      }
    }
    let hasCr = false;
    for (let k = from; k < to; k++) {
      if (doc[k] === CR) {
        hasCr = true;
        break;
      }
    }
    const mb = new MappedTextBuilder(to - from + (j - first) * 2);
    let restored = false;
    for (let k = first; k < j; k++) {
      let s = this.lines.start[k] as number;
      let e = this.lines.end[k] as number;
      const nx = this.lines.next[k] as number;
      if (layout === 'freeswitch') {
        // sofia tport_log_msg indents every line with three spaces and drops the CR of CRLF.
        let q = 0;
        while (q < 3 && s < e && doc[s] === 32) {
          s++;
          q++;
        }
      }
      if (layout === 'ngrep' && e > s && doc[e - 1] === 0x2e) {
        mb.copy(doc, s, e - 1);
        mb.byte(CR, e - 1);
        restored = true;
        mb.copy(doc, e, nx);
        continue;
      }
      if (layout === 'ngrep' && e === s + 1 && doc[s] === 0x2e) e = s;
      mb.copy(doc, s, e);
      if (nx > e) {
        if (!hasCr && doc[nx - 1] === LF) {
          mb.byte(CR, nx - 1);
          restored = true;
          mb.copy(doc, nx - 1, nx);
        } else mb.copy(doc, e, nx);
      }
    }
    this.mappedRegion(mb.build(), { inline: layout === 'tcpdump' }, () => prefix, restored);
  }

  /**
   * Consecutive syslog lines: strip each prefix and find dumped messages inside. A line holding rsyslog `#ooo`
   * escapes (`#015#012`) is one whole log record (decoded in place); other lines are records whose content may be
   * one line of a message dumped line by line (their CRs are lost and restored).
   */
  private syslogRegion(i: number, j: number): void {
    const doc = this.doc;
    const escLine: boolean[] = [];
    let hasCr = false;
    for (let k = i; k < j; k++) {
      const c = this.cls(k) as Extract<LineClass, { kind: 'syslog' }>;
      const e = this.lines.end[k] as number;
      let esc = false;
      for (let q = c.contentStart; q + 3 < e; q++) {
        if (doc[q] === 0x23 && doc[q + 1] === 0x30 && doc[q + 2] === 0x31 && (doc[q + 3] === 0x32 || doc[q + 3] === 0x35)) {
          esc = true;
          break;
        }
      }
      escLine.push(esc);
      if (!esc && ((this.lines.next[k] as number) > e + 1 || doc[e] === CR)) hasCr = true;
    }
    const mb = new MappedTextBuilder();
    const recordStarts = new Set<number>();
    const lineOfOffset: number[] = [];
    const lineIndex: number[] = [];
    let restored = false;
    let afterEsc = false;
    for (let k = i; k < j; k++) {
      const c = this.cls(k) as Extract<LineClass, { kind: 'syslog' }>;
      const e = this.lines.end[k] as number;
      const nx = this.lines.next[k] as number;
      const esc = escLine[k - i] === true;
      if (esc || afterEsc) recordStarts.add(mb.size);
      afterEsc = esc;
      lineOfOffset.push(mb.size);
      lineIndex.push(k);
      let s = c.contentStart;
      if (esc) {
        // rsyslog writes control characters as '#' + 3 octal digits (#015 = CR, #012 = LF, #011 = TAB).
        let q = s;
        while (q < e) {
          if (doc[q] === 0x23 && q + 3 < e + 1 && isOctal(doc[q + 1]) && isOctal(doc[q + 2]) && isOctal(doc[q + 3])) {
            const v = ((doc[q + 1] as number) - 48) * 64 + ((doc[q + 2] as number) - 48) * 8 + ((doc[q + 3] as number) - 48);
            if (v < 32 || v === 127) {
              mb.copy(doc, s, q);
              mb.byte(v, q);
              q += 4;
              s = q;
              continue;
            }
          }
          q++;
        }
        mb.copy(doc, s, e);
        mb.copy(doc, e, nx);
      } else {
        mb.copy(doc, s, e);
        if (nx > e) {
          if (!hasCr && doc[nx - 1] === LF) {
            mb.byte(CR, nx - 1);
            restored = true;
            mb.copy(doc, nx - 1, nx);
          } else mb.copy(doc, e, nx);
        }
      }
    }
    const text = mb.build();
    const prefixAt = (logicalStart: number): TracePrefix | undefined => {
      // The syslog line holding the start line gives time, process and (from its text) addresses.
      let lo = 0;
      let hi = lineOfOffset.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((lineOfOffset[mid] as number) <= logicalStart) lo = mid;
        else hi = mid - 1;
      }
      const k = lineIndex[lo] as number;
      const c = this.cls(k) as Extract<LineClass, { kind: 'syslog' }>;
      const ls = this.lines.start[k] as number;
      const docStart = text.map(logicalStart);
      const before = decodeUtf8(text.bytes, lineOfOffset[lo] as number, logicalStart);
      return { ...c.prefix, ...addressHints(before), span: { start: ls, end: Math.max(ls, docStart) } };
    };
    this.mappedRegion(text, { inline: true, recordStarts, stopOnLogRecords: true }, prefixAt, restored);
  }

  /** Raw text (or verbatim log payload): messages are views into the document. */
  private verbatimRegion(from: number, to: number, prefix: TracePrefix | undefined, inline: boolean): void {
    const doc = this.doc;
    const extents = new Extractor(doc, to, { inline }).run(from);
    for (const x of extents) {
      const start = x.start;
      const end = x.end;
      const bytes = doc.subarray(start, end);
      const len = end - start;
      this.out.push({
        index: this.out.length,
        span: { start, end },
        prefix,
        bytes,
        verbatim: true,
        toDocumentOffset: (o: number) => start + (o <= 0 ? 0 : o >= len ? len : o),
      });
    }
  }

  private mappedRegion(text: MappedText, opts: ExtractOptions, prefixFor: (start: number) => TracePrefix | undefined, restored: boolean): void {
    const extents = new Extractor(text.bytes, text.bytes.length, opts).run(0);
    for (const x of extents) {
      const start = x.start;
      const end = x.end;
      const len = end - start;
      const docStart = text.map(start);
      const docEnd = end > start ? text.map(end - 1) + 1 : docStart;
      this.out.push({
        index: this.out.length,
        span: { start: docStart, end: Math.max(docStart, docEnd) },
        prefix: prefixFor(start),
        bytes: text.bytes.subarray(start, end),
        verbatim: false,
        restoredCr: restored,
        toDocumentOffset: (o: number) => text.map(start + (o <= 0 ? 0 : o >= len ? len : o)),
      });
    }
  }
}

function isOctal(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x37;
}

/**
 * Split a document (UTF-8 bytes) into the SIP messages it holds. Recognised layouts:
 * - raw messages, one after another (blank lines between are optional when Content-Length is right);
 * - sngrep "save as txt" (`2023/01/10 12:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5060`), ngrep (`U a:p -> b:p`,
 *   `T ...` for TCP, `#` separators, `-W byline` dots for CRs), tcpdump -A (IP line, header bytes as garbage);
 * - Kamailio/OpenSIPS via syslog (every line prefixed, or one line with `#015#012` escapes) or stderr (` 0(12) ...`);
 * - Asterisk chan_sip (`<--- SIP read from UDP:a:p --->` ... `<------------->`) and res_pjsip_logger
 *   (`<--- Received SIP request (N bytes) from UDP:a:p --->`);
 * - FreeSWITCH sofia siptrace (`recv N bytes from udp/[a]:p at hh:mm:ss.us:` and dashed separators).
 * A body ends after Content-Length bytes when that is plausible (RFC 3261 §18.3), else at the next start line.
 * All spans are byte offsets into `doc`. Never throws (returns what it found, or [] on an internal error).
 */
export function splitTrace(doc: Uint8Array): TraceMessage[] {
  if (!(doc instanceof Uint8Array) || doc.length === 0) return [];
  const s = new Splitter(doc);
  try {
    s.run();
  } catch {
    // Defensive: a splitter bug must not take the editor down; keep the messages found so far.
  }
  return s.out;
}

/** A whole byte array as one raw message (a UDP datagram, one .dat file): identity offsets, no prefix. */
export function messageFromBytes(bytes: Uint8Array, index = 0): TraceMessage {
  const len = bytes.length;
  return {
    index,
    span: { start: 0, end: len },
    prefix: undefined,
    bytes,
    verbatim: true,
    toDocumentOffset: (o: number) => (o <= 0 ? 0 : o >= len ? len : o),
  };
}
