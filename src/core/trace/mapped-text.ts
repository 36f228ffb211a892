// Derived text for log formats: bytes assembled from pieces of a document (log prefixes and indents removed, escapes
// decoded, CRs restored) with a map from every derived BYTE offset back to the document BYTE offset it came from.
import { grown } from '../util/typed-array';

/** Derived bytes plus the offset map. All offsets are UTF-8 byte offsets (never UTF-16). */
export class MappedText {
  readonly bytes: Uint8Array;
  /** Segment i covers derived bytes [outStart[i], outStart[i] + len[i]) and maps to docStart[i] + delta. */
  private readonly outStart: Int32Array;
  private readonly docStart: Int32Array;
  private readonly len: Int32Array;
  /** 1 for a synthesized byte (restored CR, decoded escape): every derived byte of it maps to docStart. */
  private readonly synth: Uint8Array;

  constructor(bytes: Uint8Array, outStart: Int32Array, docStart: Int32Array, len: Int32Array, synth: Uint8Array) {
    this.bytes = bytes;
    this.outStart = outStart;
    this.docStart = docStart;
    this.len = len;
    this.synth = synth;
  }

  /**
   * Document byte offset of derived byte offset `offset` (clamped to [0, bytes.length]). The offset just past the
   * last byte maps just past the last byte's source.
   */
  map(offset: number): number {
    const n = this.outStart.length;
    if (n === 0) return 0;
    let o = offset;
    if (!(o >= 0)) o = 0;
    if (o >= this.bytes.length) {
      const last = n - 1;
      return (this.docStart[last] as number) + (this.synth[last] === 1 ? 1 : (this.len[last] as number));
    }
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.outStart[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    if (this.synth[lo] === 1) return this.docStart[lo] as number;
    return (this.docStart[lo] as number) + (o - (this.outStart[lo] as number));
  }
}

/** Appends document ranges and synthesized bytes, then builds a MappedText. */
export class MappedTextBuilder {
  private buf: Uint8Array;
  private length = 0;
  private readonly outStart: number[] = [];
  private readonly docStart: number[] = [];
  private readonly len: number[] = [];
  private readonly synth: number[] = [];

  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.length;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + extra) cap *= 2;
    this.buf = grown(this.buf, cap);
  }

  /** Copy `doc[start, end)`; merged with the previous segment when the two are contiguous in the document. */
  copy(doc: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    this.ensure(end - start);
    this.buf.set(doc.subarray(start, end), this.length);
    const k = this.outStart.length - 1;
    if (k >= 0 && this.synth[k] === 0 && (this.docStart[k] as number) + (this.len[k] as number) === start) {
      this.len[k] = (this.len[k] as number) + (end - start);
    } else {
      this.outStart.push(this.length);
      this.docStart.push(start);
      this.len.push(end - start);
      this.synth.push(0);
    }
    this.length += end - start;
  }

  /** Append one synthesized byte that maps to document offset `docPos`. */
  byte(value: number, docPos: number): void {
    this.ensure(1);
    this.buf[this.length] = value;
    this.outStart.push(this.length);
    this.docStart.push(docPos);
    this.len.push(1);
    this.synth.push(1);
    this.length++;
  }

  build(): MappedText {
    return new MappedText(
      this.buf.subarray(0, this.length),
      Int32Array.from(this.outStart),
      Int32Array.from(this.docStart),
      Int32Array.from(this.len),
      Uint8Array.from(this.synth),
    );
  }
}
