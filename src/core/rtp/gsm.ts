// GSM 06.10 full-rate speech decoder (ETSI EN 300 961, RPE-LTP, 13 kbit/s): one 33-byte RTP frame (RFC 3551 §4.5.8:
// the 0xD signature nibble, then 260 bits of parameters) in, 160 samples at 8 kHz out. Fixed-point arithmetic as the
// Recommendation's §4.3 decoder (RPE decoding, long term synthesis, short term synthesis with LAR interpolation,
// de-emphasis), so the output is bit-exact with other conforming decoders (checked against spandsp's). Stateful: one
// decoder per RTP stream, fed in arrival order.

/** Bytes per frame of RFC 3551's GSM payload format (§4.5.8). */
export const GSM_FRAME_BYTES = 33;
/** Samples per frame (20 ms at 8 kHz). */
export const GSM_FRAME_SAMPLES = 160;

// §5 tables: LAR decoding (B, MIC, INVA), LTP gain (QLB), RPE normalized mantissas (FAC).
const B = Int32Array.from([0, 0, 2048, -2560, 94, -1792, -341, -1144]);
const MIC = Int32Array.from([-32, -32, -16, -16, -8, -8, -4, -4]);
const INVA = Int32Array.from([13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708]);
const QLB = Int32Array.from([3277, 11469, 21299, 32767]);
const FAC = Int32Array.from([18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767]);
/** Bits of the 8 LAR codes, then per sub-frame: Nc, bc, Mc, xmaxc and 13 xMc. */
const LAR_BITS = [6, 6, 5, 5, 4, 4, 3, 3];

/** 16-bit saturation (§4.3 "add" and "sub"). */
const sat = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
/** C `short` (two's complement truncation). */
const s16 = (v: number): number => (v << 16) >> 16;
/** mult_r (§4.3): rounded 15-bit fixed-point product, truncated to 16 bits. */
const multR = (a: number, b: number): number => s16((a * b + 16384) >> 15);
/** asr / asl with the Recommendation's handling of large and negative shifts. */
function asr(a: number, n: number): number {
  if (n >= 16) return a < 0 ? -1 : 0;
  if (n <= -16) return 0;
  return n < 0 ? s16(a << -n) : a >> n;
}
function asl(a: number, n: number): number {
  if (n >= 16) return 0;
  if (n <= -16) return a < 0 ? -1 : 0;
  return n < 0 ? a >> -n : s16(a << n);
}

/** One GSM 06.10 decoder (a stream's state). */
export class GsmDecoder {
  /** Reconstructed short term residual: 120 samples of history, then the current sub-frame's 40. */
  private readonly dp = new Int16Array(160);
  private nrp = 40;
  private readonly larpp = [new Int16Array(8), new Int16Array(8)];
  private j = 0;
  private readonly v = new Int16Array(9);
  private msr = 0;
  // Per-frame scratch.
  private readonly larc = new Int16Array(8);
  private readonly xmc = new Int16Array(13);
  private readonly erp = new Int16Array(40);
  private readonly wt = new Int16Array(160);
  private readonly larp = new Int16Array(8);

  /** Samples the whole frames in `bytes` octets decode to. */
  static samplesIn(bytes: number): number {
    return Math.floor(bytes / GSM_FRAME_BYTES) * GSM_FRAME_SAMPLES;
  }

  /**
   * Decode the frames of b[s, e) (33 bytes each; a trailing partial frame is ignored) into out[at...]; returns the
   * samples written (160 per frame, fewer only where `out` ends). A frame without the 0xD signature (RFC 3551 §4.5.8)
   * is silence and does not touch the decoder's state.
   */
  decode(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
    const end = Math.min(e, b.length);
    let n = 0;
    for (let f = s; f + GSM_FRAME_BYTES <= end && at + n < out.length; f += GSM_FRAME_BYTES) {
      const room = Math.min(GSM_FRAME_SAMPLES, out.length - at - n);
      if (b[f]! >> 4 !== 0xd) out.fill(0, at + n, at + n + room);
      else this.frame(b, f, out, at + n, room);
      n += room;
    }
    return n;
  }

  /** One frame at b[f...] (signature checked) -> `room` (<= 160) samples at out[at...]. */
  private frame(b: Uint8Array, f: number, out: Int16Array, at: number, room: number): void {
    // Parameters, most significant bit first after the 4-bit signature.
    let bit = (f << 3) + 4;
    const read = (n: number): number => {
      let v = 0;
      for (let k = 0; k < n; k++, bit++) v = (v << 1) | ((b[bit >> 3]! >> (7 - (bit & 7))) & 1);
      return v;
    };
    for (let i = 0; i < 8; i++) this.larc[i] = read(LAR_BITS[i]!);
    const dp = this.dp;
    const erp = this.erp;
    const xmc = this.xmc;
    for (let sub = 0; sub < 4; sub++) {
      const nc = read(7);
      const bc = read(2);
      const mc = read(2);
      const xmaxc = read(6);
      for (let i = 0; i < 13; i++) xmc[i] = read(3);
      // §4.3.2 RPE decoding: APCM inverse quantization (exponent and mantissa of xmaxc), then the grid position Mc.
      let exp = 0;
      if (xmaxc > 15) exp = (xmaxc >> 3) - 1;
      let mant = xmaxc - (exp << 3);
      if (mant === 0) {
        exp = -4;
        mant = 7;
      } else {
        while (mant <= 7) {
          mant = (mant << 1) | 1;
          exp--;
        }
        mant -= 8;
      }
      const temp1 = FAC[mant]!;
      const temp2 = sat(6 - exp);
      const temp3 = asl(1, sat(temp2 - 1));
      erp.fill(0);
      for (let i = 0; i < 13; i++) {
        const t = s16(((xmc[i]! << 1) - 7) << 12);
        erp[mc + 3 * i] = asr(sat(multR(temp1, t) + temp3), temp2);
      }
      // §4.3.3 long term synthesis: drp[k] = erp[k] + bcr * drp[k - Nr] (Nr kept when out of 40..120).
      const nr = nc < 40 || nc > 120 ? this.nrp : nc;
      this.nrp = nr;
      const brp = QLB[bc]!;
      for (let k = 0; k < 40; k++) dp[120 + k] = sat(erp[k]! + multR(brp, dp[120 + k - nr]!));
      this.wt.set(dp.subarray(120, 160), sub * 40);
      dp.copyWithin(0, 40, 160);
    }
    this.shortTermSynthesis();
    // §4.3.5 post-processing: de-emphasis, then upscaling and truncation to 13 bits.
    const wt = this.wt;
    let msr = this.msr;
    for (let k = 0; k < GSM_FRAME_SAMPLES; k++) {
      msr = sat(wt[k]! + multR(msr, 28180));
      if (k < room) out[at + k] = s16(sat(msr + msr) & 0xfff8);
    }
    this.msr = msr;
  }

  /** §4.3.4 short term synthesis filter over wt[0..159], in place, with the LARs interpolated by sample range. */
  private shortTermSynthesis(): void {
    const cur = this.larpp[this.j]!;
    this.j ^= 1;
    const prev = this.larpp[this.j]!;
    // Decoding of the coded log area ratios: LARpp = (LARc + MIC - B/1024 ...) scaled by INVA.
    for (let i = 0; i < 8; i++) {
      let t = s16(sat(this.larc[i]! + MIC[i]!) << 10);
      t = sat(t - (B[i]! << 1));
      t = multR(INVA[i]!, t);
      cur[i] = sat(t + t);
    }
    const larp = this.larp;
    // Samples 0-12: 3/4 previous + 1/4 current; 13-26: halves; 27-39: 1/4 previous + 3/4 current; 40-159: current.
    for (let i = 0; i < 8; i++) larp[i] = sat(sat((prev[i]! >> 2) + (cur[i]! >> 2)) + (prev[i]! >> 1));
    this.filter(0, 13);
    for (let i = 0; i < 8; i++) larp[i] = sat((prev[i]! >> 1) + (cur[i]! >> 1));
    this.filter(13, 27);
    for (let i = 0; i < 8; i++) larp[i] = sat(sat((prev[i]! >> 2) + (cur[i]! >> 2)) + (cur[i]! >> 1));
    this.filter(27, 40);
    larp.set(cur);
    this.filter(40, 160);
  }

  /** LARp -> reflection coefficients rp, then the lattice filter over wt[from, to). */
  private filter(from: number, to: number): void {
    const rp = this.larp;
    for (let i = 0; i < 8; i++) {
      const x = rp[i]!;
      const t = x < 0 ? (x === -32768 ? 32767 : -x) : x;
      const r = t < 11059 ? t << 1 : t < 20070 ? t + 11059 : sat((t >> 2) + 26112);
      rp[i] = x < 0 ? -r : r;
    }
    const v = this.v;
    const wt = this.wt;
    for (let k = from; k < to; k++) {
      let sri = wt[k]!;
      for (let i = 7; i >= 0; i--) {
        const r = rp[i]!;
        const a = r === -32768 && v[i] === -32768 ? 32767 : multR(r, v[i]!);
        sri = sat(sri - a);
        const c = r === -32768 && sri === -32768 ? 32767 : multR(r, sri);
        v[i + 1] = sat(v[i]! + c);
      }
      wt[k] = v[0] = sri;
    }
  }
}
