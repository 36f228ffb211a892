// ITU-T G.722 (09/2012) decoder, 64 kbit/s (mode 1): sub-band ADPCM (6-bit lower band, 2-bit higher band) and the
// receive QMF, one 8-bit code word in, two 16 kHz 16-bit samples out. Stateful: one decoder per RTP stream, fed in
// arrival order. Integer arithmetic as the ITU-T reference (the block numbers below are G.722's), so the output is
// bit-exact with other conforming decoders (checked against FFmpeg's).

// Table 6/G.722: lower band inverse quantiser outputs, 6-bit (mode 1) and 4-bit (prediction) codes.
const QM6 = Int32Array.from([
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
  -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
  24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
  4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
]);
const QM4 = Int32Array.from([0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0]);
// Table 7: lower band log scale factor multipliers (WL) by the RIL index of the 4-bit code.
const WL = Int32Array.from([-60, -30, 58, 172, 334, 538, 1198, 3042]);
const RL42 = Int32Array.from([0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0]);
// Table 8: inverse log-to-linear (ILB).
const ILB = Int32Array.from([
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025,
  3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
]);
// Tables 9 and 10: higher band inverse quantiser and log scale factor multipliers.
const QM2 = Int32Array.from([-7408, -1616, 7408, 1616]);
const WH = Int32Array.from([0, -214, 798]);
const RH2 = Int32Array.from([2, 1, 2, 1]);
// Table 11: QMF coefficients (receive side, 24 taps folded in two halves).
const QMF = Int32Array.from([3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11]);

const sat = (v: number): number => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

/** One sub-band's ADPCM state (G.722 §3.6, blocks 4 and 3): predictor, scale factor. */
class Band {
  s = 0;
  sp = 0;
  sz = 0;
  nb = 0;
  det: number;
  readonly r = new Int32Array(3);
  readonly p = new Int32Array(3);
  readonly a = new Int32Array(3);
  readonly ap = new Int32Array(3);
  readonly d = new Int32Array(7);
  readonly b = new Int32Array(7);
  readonly bp = new Int32Array(7);
  readonly sg = new Int32Array(7);

  constructor(det: number) {
    this.det = det;
  }

  /** Block 4: reconstruct, adapt the pole (UPPOL1/2) and zero (UPZERO) predictors, predict the next value. */
  update(dx: number): void {
    const { r, p, a, ap, d, b, bp, sg } = this;
    d[0] = dx;
    r[0] = sat(this.s + dx); // RECONS
    p[0] = sat(this.sz + dx); // PARREC
    // UPPOL2
    for (let i = 0; i < 3; i++) sg[i] = p[i]! >> 15;
    const wd1 = sat(a[1]! << 2);
    let wd2 = sg[0] === sg[1] ? -wd1 : wd1;
    if (wd2 > 32767) wd2 = 32767;
    let wd3 = (sg[0] === sg[2] ? 128 : -128) + (wd2 >> 7) + ((a[2]! * 32512) >> 15);
    if (wd3 > 12288) wd3 = 12288;
    else if (wd3 < -12288) wd3 = -12288;
    ap[2] = wd3;
    // UPPOL1
    sg[0] = p[0]! >> 15;
    sg[1] = p[1]! >> 15;
    ap[1] = sat((sg[0] === sg[1] ? 192 : -192) + ((a[1]! * 32640) >> 15));
    const lim = sat(15360 - ap[2]!);
    if (ap[1]! > lim) ap[1] = lim;
    else if (ap[1]! < -lim) ap[1] = -lim;
    // UPZERO
    const step = dx === 0 ? 0 : 128;
    sg[0] = dx >> 15;
    for (let i = 1; i < 7; i++) {
      sg[i] = d[i]! >> 15;
      bp[i] = sat((sg[i] === sg[0] ? step : -step) + ((b[i]! * 32640) >> 15));
    }
    // DELAYA
    for (let i = 6; i > 0; i--) {
      d[i] = d[i - 1]!;
      b[i] = bp[i]!;
    }
    for (let i = 2; i > 0; i--) {
      r[i] = r[i - 1]!;
      p[i] = p[i - 1]!;
      a[i] = ap[i]!;
    }
    // FILTEP
    this.sp = sat(((a[1]! * sat(r[1]! + r[1]!)) >> 15) + ((a[2]! * sat(r[2]! + r[2]!)) >> 15));
    // FILTEZ
    let sz = 0;
    for (let i = 6; i > 0; i--) sz += (b[i]! * sat(d[i]! + d[i]!)) >> 15;
    this.sz = sat(sz);
    // PREDIC
    this.s = sat(this.sp + this.sz);
  }
}

/** A G.722 decoder (64 kbit/s): `decode` turns code words into 16 kHz samples, keeping state between calls. */
export class G722Decoder {
  private readonly low = new Band(32);
  private readonly high = new Band(8);
  /** Receive QMF delay line (24 taps). */
  private readonly x = new Int32Array(24);

  /**
   * Decode the code words `b[s, e)` into `out` from index `at`: two samples (16 kHz, 16-bit) per byte, the lower sub-band
   * from its 6 low bits and the higher from its 2 high bits (G.722 §3, mode 1). Stops writing at the end of `out` (the
   * state still advances over every byte). Returns the number of samples written.
   */
  decode(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
    const low = this.low;
    const high = this.high;
    const x = this.x;
    let o = at;
    for (let i = s; i < e; i++) {
      const code = b[i]!;
      // Lower band. Block 5L (INVQBL), 6L (LIMIT): the reconstructed signal from the 6-bit code.
      const il = code & 0x3f;
      let rlow = low.s + ((low.det * QM6[il]!) >> 15);
      if (rlow > 16383) rlow = 16383;
      else if (rlow < -16384) rlow = -16384;
      // Block 2L (INVQAL): the quantised difference from the 4-bit code, for prediction.
      const il4 = il >> 2;
      const dlow = (low.det * QM4[il4]!) >> 15;
      // Block 3L (LOGSCL, SCALEL): scale factor adaptation.
      let nb = ((low.nb * 127) >> 7) + WL[RL42[il4]!]!;
      if (nb < 0) nb = 0;
      else if (nb > 18432) nb = 18432;
      low.nb = nb;
      let shift = 8 - (nb >> 11);
      let v = ILB[(nb >> 6) & 31]!;
      low.det = (shift < 0 ? v << -shift : v >> shift) << 2;
      low.update(dlow);

      // Higher band. Block 2H (INVQAH), 5H (RECONS), 6H (LIMIT).
      const ih = code >> 6;
      const dhigh = (high.det * QM2[ih]!) >> 15;
      let rhigh = dhigh + high.s;
      if (rhigh > 16383) rhigh = 16383;
      else if (rhigh < -16384) rhigh = -16384;
      // Block 3H (LOGSCH, SCALEH).
      nb = ((high.nb * 127) >> 7) + WH[RH2[ih]!]!;
      if (nb < 0) nb = 0;
      else if (nb > 22528) nb = 22528;
      high.nb = nb;
      shift = 10 - (nb >> 11);
      v = ILB[(nb >> 6) & 31]!;
      high.det = (shift < 0 ? v << -shift : v >> shift) << 2;
      high.update(dhigh);

      // Receive QMF (§4.4): two output samples from the sum and difference of the sub-bands.
      x.copyWithin(0, 2);
      x[22] = rlow + rhigh;
      x[23] = rlow - rhigh;
      let xout1 = 0;
      let xout2 = 0;
      for (let k = 0; k < 12; k++) {
        xout2 += x[2 * k]! * QMF[k]!;
        xout1 += x[2 * k + 1]! * QMF[11 - k]!;
      }
      if (o < out.length) out[o++] = sat(xout1 >> 11);
      if (o < out.length) out[o++] = sat(xout2 >> 11);
    }
    return o - at;
  }
}
