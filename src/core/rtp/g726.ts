// ITU-T G.726 (12/1990) ADPCM decoder at 16, 24, 32 and 40 kbit/s (2 to 5 bits per 8 kHz sample), to 16-bit linear
// PCM. Integer arithmetic as G.726's block diagram (the block names below are the Recommendation's: ADDA, ANTILOG,
// FMULT, UPA1, UPA2, UPB, LIMC, LIMD, TONE, TRANS, FILTA/B...), in the public structure Sun Microsystems published
// for it, so the output is bit-exact with other conforming decoders (checked against FFmpeg's). Stateful: one decoder
// per RTP stream, fed in arrival order. RTP packing (RFC 3551 §4.5.4): code words packed from the least significant
// bit of each octet ("G726-32"); the AAL2 variant ("AAL2-G726-32", ITU-T I.366.2) from the most significant bit.

/** Log magnitude (DQLN), scale factor multiplier (W, scaled) and speed control (F) per code, by bits per sample. */
interface RateTables {
  dqln: Int16Array;
  w: Int32Array;
  f: Int32Array;
}

const mirror = (half: number[]): number[] => [...half, ...half.slice().reverse()];

// G.726 Tables 3 (40 kbit/s), 4 (32), 5 (24) and 6 (16): the quantizer's inverse (DQLN, in log2 units of 1/128) and
// the W(I), F(I) functions, for the code's magnitude; codes are symmetric around the sign bit.
const TABLES: Record<number, RateTables> = {
  2: { dqln: Int16Array.from([116, 365, 365, 116]), w: Int32Array.from([-704, 14048, 14048, -704]), f: Int32Array.from([0, 0xe00, 0xe00, 0]) },
  3: {
    dqln: Int16Array.from([-2048, 135, 273, 373, 373, 273, 135, -2048]),
    w: Int32Array.from([-128, 960, 4384, 18624, 18624, 4384, 960, -128]),
    f: Int32Array.from([0, 0x200, 0x400, 0xe00, 0xe00, 0x400, 0x200, 0]),
  },
  4: {
    dqln: Int16Array.from(mirror([-2048, 4, 135, 213, 273, 323, 373, 425])),
    w: Int32Array.from(mirror([-12, 18, 41, 64, 112, 198, 355, 1122]).map((v) => v * 32)),
    f: Int32Array.from(mirror([0, 0, 0, 0x200, 0x200, 0x200, 0x600, 0xe00])),
  },
  5: {
    dqln: Int16Array.from(mirror([-2048, -66, 28, 104, 169, 224, 274, 318, 358, 395, 429, 459, 488, 514, 539, 566])),
    w: Int32Array.from(mirror([448, 448, 768, 1248, 1280, 1312, 1856, 3200, 4512, 5728, 7008, 8960, 11456, 14080, 16928, 22272])),
    f: Int32Array.from(mirror([0, 0, 0, 0, 0, 0x200, 0x200, 0x200, 0x200, 0x200, 0x400, 0x600, 0x800, 0xa00, 0xc00, 0xc00])),
  },
};

/** C `short` (16-bit two's complement), as the Recommendation's registers are. */
const s16 = (v: number): number => (v << 16) >> 16;

/** Number of significant bits of a non-negative value below 2^15 (G.726 "quan" against powers of two). */
function bitLength(v: number): number {
  return v <= 0 ? 0 : 32 - Math.clz32(v);
}

/**
 * FMULT: multiply a predictor coefficient `an` (16-bit) by a signal `srn` in G.726's floating format (4-bit exponent,
 * 6-bit mantissa, sign in bit 10).
 */
function fmult(an: number, srn: number): number {
  const anmag = an > 0 ? an : -an & 0x1fff;
  const anexp = bitLength(anmag) - 6;
  const anmant = anmag === 0 ? 32 : anexp >= 0 ? anmag >> anexp : anmag << -anexp;
  const wanexp = anexp + ((srn >> 6) & 0xf) - 13;
  const wanmant = (anmant * (srn & 0x3f) + 0x30) >> 4;
  const r = wanexp >= 0 ? (wanmant << wanexp) & 0x7fff : wanmant >> -wanexp;
  return (an ^ srn) < 0 ? -r : r;
}

/** G.726's floating format of a 16-bit value (FLOAT A/B): exponent << 6 | mantissa, minus 0x400 when negative. */
function toFloat(v: number, negative: boolean): number {
  const e = Math.min(bitLength(v), 15);
  return s16((e << 6) + ((v << 6) >> e) - (negative ? 0x400 : 0));
}

/** One G.726 decoder (a stream's state). `bits`: 2, 3, 4 or 5 bits per sample (16, 24, 32, 40 kbit/s). */
export class G726Decoder {
  private yl = 34816;
  private yu = 544;
  private dms = 0;
  private dml = 0;
  private ap = 0;
  private readonly a = new Int16Array(2);
  private readonly pk = new Int8Array(2);
  private readonly sr = Int16Array.of(32, 32);
  private readonly b = new Int16Array(6);
  private readonly dq = Int16Array.of(32, 32, 32, 32, 32, 32);
  private td = 0;
  private readonly t: RateTables;
  private readonly signBit: number;

  constructor(
    readonly bits: number,
    /** Code words packed from the most significant bit of each octet (AAL2, ITU-T I.366.2) instead of RFC 3551's least. */
    readonly msbFirst = false,
  ) {
    const t = TABLES[bits];
    if (t === undefined) throw new RangeError(`G.726 has 2 to 5 bits per sample, not ${bits}`);
    this.t = t;
    this.signBit = 1 << (bits - 1);
  }

  /** Samples that `bytes` octets of this rate carry (whole code words only). */
  samplesIn(bytes: number): number {
    return Math.floor((bytes * 8) / this.bits);
  }

  /**
   * Decode the packed code words of b[s, e) into out[at...] (at most until out ends); returns the samples written.
   * RFC 3551 §4.5.4 packing: the first code word in the least significant bits of the first octet, continuing into
   * the next octet (or from the most significant bit with `msbFirst`). Trailing bits short of a code word are ignored.
   */
  decode(b: Uint8Array, s: number, e: number, out: Int16Array, at: number): number {
    const bits = this.bits;
    const mask = (1 << bits) - 1;
    const n = Math.min(this.samplesIn(Math.max(0, Math.min(e, b.length) - s)), out.length - at);
    let acc = 0;
    let have = 0;
    let k = s;
    for (let i = 0; i < n; i++) {
      if (have < bits) {
        acc = this.msbFirst ? (acc << 8) | b[k++]! : acc | (b[k++]! << have);
        have += 8;
      }
      let code: number;
      if (this.msbFirst) {
        code = (acc >> (have - bits)) & mask;
        have -= bits;
        acc &= (1 << have) - 1;
      } else {
        code = acc & mask;
        acc >>= bits;
        have -= bits;
      }
      out[at + i] = this.sample(code);
    }
    return n;
  }

  /** One code word -> one 16-bit sample (the reconstructed signal SR, 14 bits, times 4). */
  sample(code: number): number {
    const t = this.t;
    const a = this.a;
    const bz = this.b;
    const dqs = this.dq;
    const srs = this.sr;
    // Zero and pole predictors (FMULT, ACCUM): sez, se (16-bit registers).
    let sezi = 0;
    for (let i = 0; i < 6; i++) sezi += fmult(bz[i]! >> 2, dqs[i]!);
    sezi = s16(sezi);
    const sez = sezi >> 1;
    const se = s16(sezi + fmult(a[1]! >> 2, srs[1]!) + fmult(a[0]! >> 2, srs[0]!)) >> 1;
    // Quantizer scale factor (MIX).
    let y: number;
    if (this.ap >= 256) y = this.yu;
    else {
      y = this.yl >> 6;
      const dif = this.yu - y;
      const al = this.ap >> 2;
      if (dif > 0) y += (dif * al) >> 6;
      else if (dif < 0) y += (dif * al + 0x3f) >> 6;
    }
    // Inverse quantizer (ADDA, ANTILOG): dq, sign-magnitude with the sign in bit 15 as a negative value.
    const sign = (code & this.signBit) !== 0;
    const dql = s16(t.dqln[code]! + (y >> 2));
    let dq: number;
    if (dql < 0) dq = sign ? -0x8000 : 0;
    else {
      const dex = (dql >> 7) & 15;
      const dqt = 128 + (dql & 127);
      dq = s16((dqt << 7) >> (14 - dex));
      if (sign) dq -= 0x8000;
    }
    // Reconstructed signal (ADDB) and the pole prediction difference (ADDC).
    // SR and the output are 16-bit registers: a code sequence no encoder produces (damaged payload) wraps them as
    // spandsp's decoder (Wireshark's) does, rather than saturating.
    // (The 40 kbit/s decoder takes the magnitude with 15 bits, the others with 14, as the reference does.)
    const sr = s16(dq < 0 ? se - (dq & (this.bits === 5 ? 0x7fff : 0x3fff)) : se + dq);
    const dqsez = s16(sr + sez - se);
    this.update(y, t.w[code]!, t.f[code]!, dq, sr, dqsez);
    return s16(sr << 2);
  }

  /** Adaptation after each sample: scale factors, predictor coefficients, tone and transition detection, speed control. */
  private update(y: number, wi: number, fi: number, dq: number, sr: number, dqsez: number): void {
    const a = this.a;
    const bz = this.b;
    const pk0 = dqsez < 0 ? 1 : 0;
    const mag = dq & 0x7fff;
    // TRANS: a transition (modem data) detector.
    const ylint = this.yl >> 15;
    const ylfrac = (this.yl >> 10) & 0x1f;
    const thr1 = (32 + ylfrac) << ylint;
    const thr2 = ylint > 9 ? 31 << 10 : thr1;
    const dqthr = (thr2 + (thr2 >> 1)) >> 1;
    const tr = this.td !== 0 && mag > dqthr;
    // FUNCTW, FILTD, LIMB: short-term scale factor; FILTE: long-term.
    this.yu = y + ((wi - y) >> 5);
    if (this.yu < 544) this.yu = 544;
    else if (this.yu > 5120) this.yu = 5120;
    this.yl += this.yu + (-this.yl >> 6);
    let a2p = 0;
    if (tr) {
      a[0] = a[1] = 0;
      bz.fill(0);
    } else {
      const pks1 = pk0 ^ this.pk[0]!;
      // UPA2, LIMC: second pole.
      a2p = a[1]! - (a[1]! >> 7);
      if (dqsez !== 0) {
        const fa1 = pks1 ? a[0]! : -a[0]!;
        if (fa1 < -8191) a2p -= 0x100;
        else if (fa1 > 8191) a2p += 0xff;
        else a2p += fa1 >> 5;
        if (pk0 ^ this.pk[1]!) {
          if (a2p <= -12160) a2p = -12288;
          else if (a2p >= 12416) a2p = 12288;
          else a2p -= 0x80;
        } else if (a2p <= -12416) a2p = -12288;
        else if (a2p >= 12160) a2p = 12288;
        else a2p += 0x80;
      }
      a[1] = a2p;
      // UPA1, LIMD: first pole.
      a[0] = a[0]! - (a[0]! >> 8);
      if (dqsez !== 0) a[0] = pks1 === 0 ? a[0]! + 192 : a[0]! - 192;
      const a1ul = 15360 - a2p;
      if (a[0]! < -a1ul) a[0] = -a1ul;
      else if (a[0]! > a1ul) a[0] = a1ul;
      // UPB: the six zeros (40 kbit/s leaks slower).
      const leak = this.bits === 5 ? 9 : 8;
      for (let i = 0; i < 6; i++) {
        bz[i] = bz[i]! - (bz[i]! >> leak);
        if (mag !== 0) bz[i] = (s16(dq) ^ this.dq[i]!) >= 0 ? bz[i]! + 128 : bz[i]! - 128;
      }
    }
    // DELAY: the quantized difference and reconstructed signal histories, in the floating format (FLOAT A, FLOAT B).
    const dqs = this.dq;
    for (let i = 5; i > 0; i--) dqs[i] = dqs[i - 1]!;
    dqs[0] = mag === 0 ? (dq >= 0 ? 0x20 : s16(0xfc20)) : toFloat(mag, dq < 0);
    this.sr[1] = this.sr[0]!;
    if (sr === 0) this.sr[0] = 0x20;
    else if (sr > 0) this.sr[0] = toFloat(sr, false);
    else if (sr > -32768) this.sr[0] = toFloat(-sr, true);
    else this.sr[0] = s16(0xfc20);
    this.pk[1] = this.pk[0]!;
    this.pk[0] = pk0;
    // TONE: a partial band signal (modem tone) detector.
    this.td = tr ? 0 : a2p < -11776 ? 1 : 0;
    // FILTA, FILTB, SUBTC, FILTC: adaptation speed control.
    this.dms += (fi - this.dms) >> 5;
    this.dml += ((fi << 2) - this.dml) >> 7;
    if (tr) this.ap = 256;
    else if (y < 1536 || this.td === 1 || Math.abs((this.dms << 2) - this.dml) >= this.dml >> 3) this.ap += (0x200 - this.ap) >> 4;
    else this.ap += -this.ap >> 4;
  }
}
