// LineIndex: converts between UTF-8 byte offsets, UTF-16 offsets and 0-based {line, character (UTF-16)} positions
// over one document (given as bytes or as a JS string). Spans (byte offsets) become LSP positions through this.
import type { Span } from './span';
import { utf8SequenceLength } from './decode';

/** 0-based line and UTF-16 code-unit column, as LSP uses by default. */
export interface LinePosition {
  readonly line: number;
  readonly character: number;
}

/** A range of two positions (start inclusive, end exclusive). */
export interface LineRange {
  readonly start: LinePosition;
  readonly end: LinePosition;
}

/**
 * Line table over one document. Line breaks are CRLF, LF or a lone CR (each ends one line). The document is the
 * UTF-8 byte array or the JS string it was built from; conversions are exact for both:
 * - bytes -> UTF-16 follows the WHATWG UTF-8 decoder (each ill-formed maximal subpart counts as one U+FFFD unit),
 *   so UTF-16 offsets match `new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)` (a BOM counts as U+FEFF);
 * - string -> bytes follows TextEncoder (lone surrogates count as the 3 bytes of U+FFFD).
 * Offsets are clamped to the document; an offset inside a multi-byte character (or between the two halves of a
 * surrogate pair) maps to the start of that character. Line lookup is a binary search over line starts.
 */
export class LineIndex {
  private readonly src: Uint8Array | string;
  /** Byte offset of each line start. */
  private readonly startsByte: Int32Array;
  /** UTF-16 offset of each line start. */
  private readonly startsUtf16: Int32Array;
  /** 1 when the line (including its terminator) is pure ASCII, so byte and UTF-16 deltas are equal. */
  private readonly asciiLine: Uint8Array;
  /** Total length in bytes (UTF-8). */
  readonly byteLength: number;
  /** Total length in UTF-16 code units. */
  readonly utf16Length: number;

  private constructor(
    src: Uint8Array | string,
    startsByte: number[],
    startsUtf16: number[],
    ascii: number[],
    byteLength: number,
    utf16Length: number,
  ) {
    this.src = src;
    this.startsByte = Int32Array.from(startsByte);
    this.startsUtf16 = Int32Array.from(startsUtf16);
    this.asciiLine = Uint8Array.from(ascii);
    this.byteLength = byteLength;
    this.utf16Length = utf16Length;
  }

  /** Build the index over UTF-8 bytes (e.g. a capture payload or an encoded document). O(n). */
  static fromBytes(bytes: Uint8Array): LineIndex {
    const startsByte = [0];
    const startsUtf16 = [0];
    const ascii: number[] = [];
    let lineAscii = 1;
    let u = 0;
    let i = 0;
    const n = bytes.length;
    while (i < n) {
      const c = bytes[i] as number;
      if (c < 0x80) {
        i++;
        u++;
        if (c === 10 || c === 13) {
          if (c === 13 && i < n && bytes[i] === 10) {
            i++;
            u++;
          }
          ascii.push(lineAscii);
          lineAscii = 1;
          startsByte.push(i);
          startsUtf16.push(u);
        }
        continue;
      }
      lineAscii = 0;
      const len = utf8SequenceLength(bytes, i, n);
      if (len > 0) {
        i += len;
        u += len === 4 ? 2 : 1;
      } else {
        i += -len;
        u += 1;
      }
    }
    ascii.push(lineAscii);
    return new LineIndex(bytes, startsByte, startsUtf16, ascii, n, u);
  }

  /** Build the index over a JS string (e.g. an editor document); byte offsets are those of its UTF-8 encoding. O(n). */
  static fromString(text: string): LineIndex {
    const startsByte = [0];
    const startsUtf16 = [0];
    const ascii: number[] = [];
    let lineAscii = 1;
    let b = 0;
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        i++;
        b++;
        if (c === 10 || c === 13) {
          if (c === 13 && i < n && text.charCodeAt(i) === 10) {
            i++;
            b++;
          }
          ascii.push(lineAscii);
          lineAscii = 1;
          startsByte.push(b);
          startsUtf16.push(i);
        }
        continue;
      }
      lineAscii = 0;
      const step = stringCharStep(text, i, n);
      i += step.units;
      b += step.bytes;
    }
    ascii.push(lineAscii);
    return new LineIndex(text, startsByte, startsUtf16, ascii, b, n);
  }

  /** Number of lines (a document ending with a line break has a last, empty line). At least 1. */
  get lineCount(): number {
    return this.startsByte.length;
  }

  /** 0-based line containing byte offset `offset` (clamped). */
  lineAtByte(offset: number): number {
    return upperBound(this.startsByte, clamp(offset, 0, this.byteLength)) - 1;
  }

  /** 0-based line containing UTF-16 offset `offset` (clamped). */
  lineAtUtf16(offset: number): number {
    return upperBound(this.startsUtf16, clamp(offset, 0, this.utf16Length)) - 1;
  }

  /** Byte offset of the start of `line` (clamped to existing lines). */
  lineStartByte(line: number): number {
    return this.startsByte[this.clampLine(line)] as number;
  }

  /** UTF-16 offset of the start of `line` (clamped to existing lines). */
  lineStartUtf16(line: number): number {
    return this.startsUtf16[this.clampLine(line)] as number;
  }

  /** Byte offset of the end of `line`'s content (before its CR, LF or CRLF). */
  lineEndByte(line: number): number {
    const l = this.clampLine(line);
    const next = l + 1 < this.startsByte.length ? (this.startsByte[l + 1] as number) : this.byteLength;
    return next - this.terminatorLength(l, next);
  }

  /** UTF-16 offset of the end of `line`'s content (before its CR, LF or CRLF). */
  lineEndUtf16(line: number): number {
    const l = this.clampLine(line);
    const nextByte = l + 1 < this.startsByte.length ? (this.startsByte[l + 1] as number) : this.byteLength;
    const next = l + 1 < this.startsUtf16.length ? (this.startsUtf16[l + 1] as number) : this.utf16Length;
    return next - this.terminatorLength(l, nextByte);
  }

  /** UTF-16 offset corresponding to byte offset `offset` (clamped; inside a character -> that character's start). */
  byteToUtf16(offset: number): number {
    const b = clamp(offset, 0, this.byteLength);
    const line = upperBound(this.startsByte, b) - 1;
    const lb = this.startsByte[line] as number;
    const lu = this.startsUtf16[line] as number;
    if (this.asciiLine[line] === 1) return lu + (b - lb);
    return lu + this.unitsBetween(lb, lu, b);
  }

  /** Byte offset corresponding to UTF-16 offset `offset` (clamped; inside a surrogate pair -> the pair's start). */
  utf16ToByte(offset: number): number {
    const u = clamp(offset, 0, this.utf16Length);
    const line = upperBound(this.startsUtf16, u) - 1;
    const lb = this.startsByte[line] as number;
    const lu = this.startsUtf16[line] as number;
    if (this.asciiLine[line] === 1) return lb + (u - lu);
    return lb + this.bytesBetween(lb, lu, u);
  }

  /** {line, character (UTF-16)} of byte offset `offset`. */
  positionAtByte(offset: number): LinePosition {
    const b = clamp(offset, 0, this.byteLength);
    const line = upperBound(this.startsByte, b) - 1;
    const lb = this.startsByte[line] as number;
    if (this.asciiLine[line] === 1) return { line, character: b - lb };
    return { line, character: this.unitsBetween(lb, this.startsUtf16[line] as number, b) };
  }

  /** {line, character (UTF-16)} of UTF-16 offset `offset`. */
  positionAtUtf16(offset: number): LinePosition {
    const u = clamp(offset, 0, this.utf16Length);
    const line = upperBound(this.startsUtf16, u) - 1;
    return { line, character: u - (this.startsUtf16[line] as number) };
  }

  /**
   * Byte offset of a {line, character} position. Like LSP: a line past the end clamps to the document end, a
   * character past the line's content clamps to the end of the content (before the line break).
   */
  byteAtPosition(pos: LinePosition): number {
    if (pos.line >= this.startsByte.length) return this.byteLength;
    if (pos.line < 0) return 0;
    const u = this.utf16AtPosition(pos);
    return this.utf16ToByte(u);
  }

  /** UTF-16 offset of a {line, character} position (clamped as in byteAtPosition). */
  utf16AtPosition(pos: LinePosition): number {
    if (pos.line >= this.startsUtf16.length) return this.utf16Length;
    if (pos.line < 0) return 0;
    const start = this.startsUtf16[pos.line] as number;
    const end = this.lineEndUtf16(pos.line);
    return clamp(start + Math.max(0, pos.character), start, end);
  }

  /** The {start, end} positions of a byte span. */
  rangeOfSpan(span: Span): LineRange {
    return { start: this.positionAtByte(span.start), end: this.positionAtByte(span.end) };
  }

  /** The byte span of a {start, end} range of positions. */
  spanOfRange(range: LineRange): Span {
    const start = this.byteAtPosition(range.start);
    const end = this.byteAtPosition(range.end);
    return { start, end: end < start ? start : end };
  }

  private clampLine(line: number): number {
    const max = this.startsByte.length - 1;
    return line < 0 ? 0 : line > max ? max : line | 0;
  }

  /** Length (0..2) of the line break that ends line `l`, whose successor starts at byte `nextByte`. */
  private terminatorLength(l: number, nextByte: number): number {
    if (l + 1 >= this.startsByte.length) return 0;
    const src = this.src;
    if (typeof src === 'string') {
      // The terminator is ASCII, so its UTF-16 length equals its byte length; inspect the string side.
      const nextU = this.startsUtf16[l + 1] as number;
      if (nextU >= 2 && src.charCodeAt(nextU - 1) === 10 && src.charCodeAt(nextU - 2) === 13) return 2;
      return 1;
    }
    if (nextByte >= 2 && src[nextByte - 1] === 10 && src[nextByte - 2] === 13) return 2;
    return 1;
  }

  /** UTF-16 units from line start (byte lb, unit lu) to byte b on the same line, flooring inside a character. */
  private unitsBetween(lb: number, lu: number, b: number): number {
    const src = this.src;
    if (typeof src === 'string') {
      let i = lu;
      let bytes = lb;
      const n = src.length;
      while (i < n) {
        const step = stringCharStep(src, i, n);
        if (bytes + step.bytes > b) break;
        bytes += step.bytes;
        i += step.units;
      }
      return i - lu;
    }
    let i = lb;
    let units = 0;
    const n = src.length;
    while (i < b) {
      const c = src[i] as number;
      let len: number;
      let w: number;
      if (c < 0x80) {
        len = 1;
        w = 1;
      } else {
        const l = utf8SequenceLength(src, i, n);
        len = l > 0 ? l : -l;
        w = l === 4 ? 2 : 1;
      }
      if (i + len > b) break;
      i += len;
      units += w;
    }
    return units;
  }

  /** Bytes from line start (byte lb, unit lu) to UTF-16 offset u on the same line, flooring inside a character. */
  private bytesBetween(lb: number, lu: number, u: number): number {
    const src = this.src;
    if (typeof src === 'string') {
      let i = lu;
      let bytes = 0;
      const n = src.length;
      while (i < u) {
        const step = stringCharStep(src, i, n);
        if (i + step.units > u) break;
        i += step.units;
        bytes += step.bytes;
      }
      return bytes;
    }
    let i = lb;
    let units = lu;
    const n = src.length;
    while (units < u && i < n) {
      const c = src[i] as number;
      let len: number;
      let w: number;
      if (c < 0x80) {
        len = 1;
        w = 1;
      } else {
        const l = utf8SequenceLength(src, i, n);
        len = l > 0 ? l : -l;
        w = l === 4 ? 2 : 1;
      }
      if (units + w > u) break;
      i += len;
      units += w;
    }
    return i - lb;
  }
}

/** UTF-16 units and UTF-8 bytes of the character at string index i (TextEncoder semantics for lone surrogates). */
function stringCharStep(text: string, i: number, n: number): { units: number; bytes: number } {
  const c = text.charCodeAt(i);
  if (c < 0x80) return ONE_ONE;
  if (c < 0x800) return ONE_TWO;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return TWO_FOUR;
  }
  return ONE_THREE;
}

const ONE_ONE = { units: 1, bytes: 1 };
const ONE_TWO = { units: 1, bytes: 2 };
const ONE_THREE = { units: 1, bytes: 3 };
const TWO_FOUR = { units: 2, bytes: 4 };

function clamp(x: number, lo: number, hi: number): number {
  if (!(x >= lo)) return lo; // also maps NaN to lo
  return x > hi ? hi : x;
}

/** Index of the first element > x in a sorted array (>= 1 here because arr[0] === 0 and x >= 0). */
function upperBound(arr: Int32Array, x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
