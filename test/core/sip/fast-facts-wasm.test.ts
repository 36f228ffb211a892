// The WebAssembly fact scanner (wasm/fact-scanner.ts -> dist/fact-scanner.wasm, host side src/core/sip/fast-facts-wasm.ts)
// must give exactly what the TypeScript scanner (fast-facts.ts, the reference) gives: the same decision to decline,
// and every field and byte range, for datagrams (framing in the same pass) and whole messages, on bytes scanned in
// place in the module's memory and on bytes copied in. Checked on every SIP message of the samples and the corpus,
// the RFC 4475/5118 torture messages, and seeded mutations of them that hit the scanner's decision points.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FastFacts, scanSipDatagram, scanSipFacts } from '../../../src/core/sip/fast-facts';
import { CALL_KEY_MAX_BYTES, WasmFactScanner } from '../../../src/core/sip/fast-facts-wasm';
import { loadFactScanner } from '../../../src/cli/wasm';
import { classifySipStart, MAX_CONTENT_LENGTH, MAX_START_LINE_BYTES, START_YES } from '../../../src/core/decode/sip-framing';
import { prng, sipPayloads } from './helpers';
import { hashBytes } from '../../../src/core/util/byte-key-table';

const root = join(__dirname, '../../..');
const ARENA = 1 << 20;
const scanner = loadFactScanner({ dir: join(root, 'dist'), arenaBytes: ARENA });
if (scanner === undefined) throw new Error('dist/fact-scanner.wasm is missing or does not load: `npm run build` builds it (npm test does)');
const wasm: WasmFactScanner = scanner;

/** Every field a consumer reads (plain fields, byte ranges and their texts). */
function snapshot(f: FastFacts | undefined) {
  if (f === undefined) return undefined;
  return {
    kind: f.kind, method: f.method, statusCode: f.statusCode, reason: f.reason, cseqSeq: f.cseqSeq, cseqMethod: f.cseqMethod,
    viaSentBy: f.viaSentBy, hasSdp: f.hasSdp, problemCount: f.problemCount, messageEnd: f.messageEnd,
    callId: [f.callIdStart, f.callIdEnd, f.callId], branch: [f.branchStart, f.branchEnd, f.viaBranch],
    fromTag: [f.fromTagStart, f.fromTagEnd, f.fromTag], toTag: [f.toTagStart, f.toTagEnd, f.toTag],
    from: [f.fromStart, f.fromEnd], to: [f.toStart, f.toEnd],
  };
}

let placed = 0;
/** `m` copied into the arena (at a varying offset, the last one right at its end), for in-place scans. */
function inArena(m: Uint8Array): Uint8Array {
  const at = placed++ % 3 === 2 ? ARENA - m.length : (placed * 977) % Math.max(1, ARENA - m.length);
  wasm.arena.set(m, at);
  return wasm.arena.subarray(at, at + m.length);
}

/** Messages compared: real ones (and how many of them took the fast path), mutated ones. */
const tally = { real: 0, realFast: 0, mutated: 0 };
/**
 * TypeScript and WebAssembly agree on `m`: as a whole message, and as a datagram with `max`, copied and in place.
 * `real`: `m` is a real message (not a mutation), counted apart.
 */
function agree(m: Uint8Array, max = MAX_CONTENT_LENGTH, real = false): void {
  const ts = snapshot(scanSipFacts(m));
  if (real) {
    tally.real++;
    if (ts) tally.realFast++;
  } else tally.mutated++;
  expect(snapshot(wasm.scanMessage(m))).toEqual(ts);
  const dg = snapshot(scanSipDatagram(m, 0, m.length, max));
  expect(snapshot(wasm.scanDatagram(m, 0, m.length, max))).toEqual(dg);
  // What the scanner accepts is SIP to classifySipStart too: the UDP path classifies only what it declines.
  if (ts !== undefined || dg !== undefined) expect(classifySipStart(m, 0, m.length, true)).toBe(START_YES);
  const w = wasm.scanMessage(m);
  if (w !== undefined && w.callIdStart >= 0 && w.callIdAscii !== -1) {
    // The Call-ID hash the scanner hands CallIdIndex is hashBytes' (a wrong one would split or merge calls); -1: not
    // computed (a message longer than the copy area went to the TypeScript scanner).
    let any = 0;
    for (let i = w.callIdStart; i < w.callIdEnd; i++) any |= m[i]!;
    expect(w.callIdAscii).toBe(any < 0x80 ? 1 : 0);
    if (any < 0x80) expect(w.callIdHash).toBe(hashBytes(m, w.callIdStart, w.callIdEnd));
  }
  const here = inArena(m);
  expect(snapshot(wasm.scanMessage(here))).toEqual(ts);
  expect(snapshot(wasm.scanDatagram(here, 0, here.length, max, new FastFacts(here)))).toEqual(dg);
  // A range inside a larger buffer (a datagram after a first message): positions stay those of the buffer.
  if (m.length > 8) {
    const s = Math.floor(m.length / 3);
    expect(snapshot(wasm.scanDatagram(m, s, m.length, max))).toEqual(snapshot(scanSipDatagram(m, s, m.length, max)));
    expect(snapshot(wasm.scanDatagram(here, s, here.length, max))).toEqual(snapshot(scanSipDatagram(here, s, here.length, max)));
  }
}

const captureDirs = [join(root, 'samples/captures'), join(root, 'samples/captures/lab'), join(root, '../shared/corpus/captures')].filter(existsSync);
const tortureDirs = [join(root, '../shared/corpus/sip-messages/rfc4475'), join(root, '../shared/corpus/sip-messages/rfc5118')].filter(existsSync);
const enc = new TextEncoder();

/** Bytes the scanner decides on. */
const SPECIAL = [...':\r\n \t;"<>,=[]\\/0123456789aAzZ.-'].map((c) => c.charCodeAt(0)).concat([0x00, 0x80, 0xff]);

/** Seeded mutations of `m`: replaced, deleted, duplicated and cut bytes, biased to the bytes the scanner looks at. */
function mutations(m: Uint8Array, seed: number, count: number): Uint8Array[] {
  const r = prng(seed);
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    let b = m.slice();
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits && b.length > 0; e++) {
      const at = Math.floor(r() * b.length);
      const op = r();
      if (op < 0.5) b[at] = SPECIAL[Math.floor(r() * SPECIAL.length)]!;
      else if (op < 0.7) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
      else if (op < 0.85) {
        const len = Math.min(b.length - at, 1 + Math.floor(r() * 40));
        b = Uint8Array.from([...b.subarray(0, at + len), ...b.subarray(at, at + len), ...b.subarray(at + len)]);
      } else b = b.slice(0, at);
    }
    out.push(b);
  }
  return out;
}

describe('WasmFactScanner agrees with the TypeScript fact scanner', () => {
  it('on inline messages, including LF-only lines, compact forms, IPv6 sent-by and declined ones', () => {
    const msgs = [
      'INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP [2001:DB8::1]:5060;rport;branch=z9hG4bK-1\r\nv: SIP/2.0/TCP o.example;branch=z9hG4bK-2\r\nf: "Alice A" <sip:alice@a.example>;tag=abc\r\nTo: sip:bob@b.example\r\ni: call-1@a.example\r\nCSeq: 7 INVITE\r\nc: Application/SDP\r\nl: 4\r\n\r\nv=0\r\n',
      'SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP A.Example:05060;branch=z9hG4bK-x\nTo: <sip:b@b>;tag=xyz\nFrom: <sip:a@a>;tag=1\nCall-ID: c\nCSeq: 1 INVITE\n\n',
      'SIP/2.0 200\r\nVia: SIP/2.0/UDP a.example\r\nCall-ID: c\r\n\r\n',
      'OPTIONS sip:b.example SIP/2.0\r\nVia: SIP/2.0/UDP a.example\r\n ;branch=z9hG4bK-1\r\nCall-ID: x\r\n\r\n',
      'OPTIONS sip:b.example SIP/2.0\r\nFrom: "A \\"B\\"" <sip:a@a.example>;tag=1\r\nCall-ID: x\r\n\r\n',
      'MESSAGE sip:b@b SIP/2.0\r\nContent-Type: multipart/mixed;boundary=x\r\nCall-ID: m\r\n\r\n--x--',
      'MESSAGE sip:b@b SIP/2.0\r\nContent-Length: 5\r\nContent-Length: 5\r\nCall-ID: m\r\n\r\nhello',
      'MESSAGE sip:b@b SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n',
      'MESSAGE sip:b@b SIP/2.0\r\nCSeq: 4294967296 MESSAGE\r\n\r\n',
      'REGISTER sip:r SIP/2.0\r\nVia: SIP/2.0/UDP h:99999\r\n\r\n',
      'garbage',
      '',
      'A'.repeat(100),
      'INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP [::1;branch=z\r\n\r\n',
      `INVITE sip:x SIP/2.0\r\nX-Long: ${'y'.repeat(70_000)}\r\nCall-ID: long\r\n\r\n`, // longer than the copy area
      // Request-URIs classifySipStart rejects: declined (no colon, a control character, ending too far away).
      'OPTIONS b.example SIP/2.0\r\nCall-ID: x\r\n\r\n',
      'OPTIONS sip:b\t.example SIP/2.0\r\nCall-ID: x\r\n\r\n',
      'OPTIONS sip:b\x7f.example SIP/2.0\r\nCall-ID: x\r\n\r\n',
      `OPTIONS sip:${'b'.repeat(MAX_START_LINE_BYTES - 12)} SIP/2.0\r\nCall-ID: x\r\n\r\n`,
      `OPTIONS sip:${'b'.repeat(MAX_START_LINE_BYTES - 13)} SIP/2.0\r\nCall-ID: x\r\n\r\n`,
    ];
    for (const m of msgs) agree(enc.encode(m));
    const fast = msgs.map((m) => scanSipFacts(enc.encode(m)) !== undefined);
    expect(fast.slice(-5)).toEqual([false, false, false, false, true]);
    for (const max of [0, 3, 4, 5]) agree(enc.encode('MESSAGE sip:b@b SIP/2.0\r\nCall-ID: m\r\nl: 4\r\n\r\nbody'), max);
    expect(snapshot(wasm.scanMessage(enc.encode(msgs[0]!)))).toMatchObject({ method: 'INVITE', viaSentBy: '2001:db8::1:5060', hasSdp: true });
    expect(wasm.scanMessage(enc.encode(msgs[0]!))?.callIdAscii).toBe(1);
    expect(wasm.scanMessage(enc.encode('OPTIONS sip:b SIP/2.0\r\nCall-ID: caf\u00e9\r\n\r\n'))?.callIdAscii).toBe(0);
    expect(snapshot(wasm.scanMessage(enc.encode(msgs[1]!)))).toMatchObject({ statusCode: 180, reason: 'Ringing', viaSentBy: 'a.example:5060' });
  });

  for (const dir of captureDirs) {
    for (const file of readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f))) {
      it(`${dir.split('/').slice(-2).join('/')}/${file}, and mutations`, async () => {
        const msgs = await sipPayloads(join(dir, file));
        msgs.forEach((m, k) => {
          agree(m, MAX_CONTENT_LENGTH, true);
          if (k < 40) for (const x of mutations(m, k * 7919 + file.length, 25)) agree(x, k % 5 === 0 ? Math.floor(m.length / 4) : MAX_CONTENT_LENGTH);
        });
      });
    }
  }

  it.skipIf(tortureDirs.length === 0)('RFC 4475/5118 torture messages, and mutations (skipped without ../shared)', () => {
    let n = 0;
    for (const dir of tortureDirs) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.dat'))) {
        const m = new Uint8Array(readFileSync(join(dir, file)));
        agree(m);
        for (const x of mutations(m, n++ * 104729, 40)) agree(x);
      }
    }
    expect(n).toBeGreaterThan(40);
  });

  it('compared a meaningful set: real messages, most of them on the fast path, and many mutations', () => {
    expect(tally.real).toBeGreaterThan(100);
    expect(tally.realFast / tally.real).toBeGreaterThan(0.8);
    expect(tally.mutated).toBeGreaterThan(1000);
  });
});

describe('the result slots', () => {
  it('are numbered the same in the module (wasm/fact-scanner.ts) and the host (fast-facts-wasm.ts)', () => {
    const slots = (file: string) => new Map([...readFileSync(join(root, file), 'utf8').matchAll(/^const ([RC]_[A-Z_]+) = (\d+);/gm)].map((m) => [m[1]!, Number(m[2])]));
    const module = slots('wasm/fact-scanner.ts');
    const host = slots('src/core/sip/fast-facts-wasm.ts');
    expect(host.size).toBeGreaterThan(20);
    for (const [name, n] of host) expect(module.get(name), name).toBe(n);
    expect(module.get('R_SLOTS')).toBe(Math.max(...host.values()) + 1);
  });
});

describe('staging (ArenaStage)', () => {
  const staging = loadFactScanner({ dir: join(root, 'dist'), stageBytes: 4096 })!;
  const dec = new TextDecoder();
  /** The values staging copies: branch, From tag, To tag, those present and not empty, as bytes. */
  const values = (f: FastFacts) =>
    [[f.branchStart, f.branchEnd], [f.fromTagStart, f.fromTagEnd], [f.toTagStart, f.toTagEnd]].filter(([s, e]) => s! >= 0 && e! > s!).map(([s, e]) => f.bytes.slice(s, e));

  it('copies each scanned message\'s branch and tags one after another, and marks those that are not plain ASCII', async () => {
    const stage = staging.stage(true)!;
    const msgs = [
      ...(await sipPayloads(join(root, 'samples/captures/calls-mixed-outcomes.pcap'))),
      enc.encode('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-\u00fc\r\nFrom: <sip:a@a>;tag=f\u00f6\r\nTo: <sip:b@b>;tag=t1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n'),
      enc.encode('OPTIONS sip:b SIP/2.0\r\nVia: SIP/2.0/UDP a.example;branch=\r\nTo: <sip:b@b>;tag=\u00e9\r\nCall-ID: c\r\n\r\n'),
    ];
    let checked = 0;
    for (const m of msgs) {
      if (stage.used[0]! > 3000) stage.used[0] = 0; // as the batch writer empties it
      const before = stage.used[0]!;
      const f = staging.scanMessage(m);
      if (f === undefined) {
        expect(stage.used[0]).toBe(before);
        continue;
      }
      const vs = values(f);
      const total = vs.reduce((n, v) => n + v.length, 0);
      expect(f.staged).toBe(before);
      expect(stage.used[0]).toBe(before + total);
      let at = before;
      let bit = 0;
      const nonAscii = [f.branchStart, f.fromTagStart, f.toTagStart].map((s, i) => [s, [f.branchEnd, f.fromTagEnd, f.toTagEnd][i]!] as const);
      for (const [i, [s, e]] of nonAscii.entries()) {
        if (s < 0 || e <= s) continue;
        const v = f.bytes.slice(s, e);
        expect(dec.decode(stage.bytes.subarray(at, at + v.length))).toBe(dec.decode(v));
        if (v.some((c) => c >= 0x80)) bit |= 1 << i;
        at += v.length;
      }
      expect(f.stagedNonAscii).toBe(bit);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    // The two inline messages: branch and From tag not ASCII; an empty branch is not staged, a To tag is.
    const last = staging.scanMessage(msgs.at(-2)!)!;
    expect(last.stagedNonAscii).toBe(3);
    const empty = staging.scanMessage(msgs.at(-1)!)!;
    expect(stage.bytes.subarray(empty.staged, stage.used[0]!)).toEqual(enc.encode('\u00e9'));
    expect(empty.stagedNonAscii).toBe(4);
  });

  it('stages nothing when the values do not fit, or when staging is off', () => {
    const stage = staging.stage(true)!;
    const m = enc.encode('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-123\r\nFrom: <sip:a@a>;tag=f1\r\nTo: <sip:b@b>;tag=t1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n');
    stage.used[0] = stage.bytes.length - 14; // 15 bytes of values: one too many
    const f = staging.scanMessage(m)!;
    expect(f.staged).toBe(-1);
    expect(stage.used[0]).toBe(stage.bytes.length - 14);
    stage.used[0] = stage.bytes.length - 15;
    expect(staging.scanMessage(m)!.staged).toBe(stage.bytes.length - 15);
    expect(stage.used[0]).toBe(stage.bytes.length);
    expect(staging.stage(false)).toBe(stage);
    expect(staging.scanMessage(m)!.staged).toBe(-1);
    expect(stage.used[0]).toBe(0);
    expect(wasm.stage(true)).toBeUndefined(); // created without a stage
  });

  it('stages a new call\'s Call-ID, From and To for the facts of the last scan only, when they fit', () => {
    const stage = staging.stage(true)!;
    const m = enc.encode('INVITE sip:b@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK-1\r\nFrom: \u00c5 <sip:a@a>;tag=f1\r\nTo: <sip:b@b>\r\nCall-ID: call-1@a\r\nCSeq: 1 INVITE\r\n\r\n');
    const noFrom = enc.encode('OPTIONS sip:b@b SIP/2.0\r\nTo: <sip:b@b>\r\nCall-ID: c2\r\n\r\n');
    const f = staging.scanMessage(m)!;
    const at = stage.used[0]!;
    expect(stage.call!(f)).toBe(at);
    const text = (s: number, e: number) => dec.decode(f.bytes.subarray(s, e));
    const want = text(f.callIdStart, f.callIdEnd) + text(f.fromStart, f.fromEnd) + text(f.toStart, f.toEnd);
    expect(want).toBe('call-1@a\u00c5 <sip:a@a>;tag=f1<sip:b@b>');
    expect(dec.decode(stage.bytes.subarray(at, stage.used[0]!))).toBe(want);
    // Absent values take no room.
    const g = staging.scanMessage(noFrom)!;
    const at2 = stage.used[0]!;
    expect(stage.call!(g)).toBe(at2);
    expect(dec.decode(stage.bytes.subarray(at2, stage.used[0]!))).toBe('c2<sip:b@b>');
    // Not the last scan's facts (another scan since, or one that declined): nothing.
    const before = stage.used[0]!;
    expect(stage.call!(f)).toBe(-1);
    expect(staging.scanMessage(enc.encode('INVITE sip:b SIP/2.0\r\n folded\r\n\r\n'))).toBeUndefined();
    expect(stage.call!(g)).toBe(-1);
    // No room: nothing copied.
    const h = staging.scanMessage(m)!;
    stage.used[0] = stage.bytes.length - 10;
    expect(stage.call!(h)).toBe(-1);
    expect(stage.used[0]).toBe(stage.bytes.length - 10);
    expect(before).toBeGreaterThan(0);
    staging.stage(false);
  });
});

describe('the Call-ID table (CallKeyTable)', () => {
  const key = (t: string) => enc.encode(t);
  const of = (t: WasmFactScanner, k: Uint8Array, value: number, s = 0, e = k.length) => t.calls!.of(k, s, e, hashBytes(k, s, e), value);

  it('keeps each key\'s first value, compares bytes (not hashes), and grows past its first slots', () => {
    const t = loadFactScanner({ dir: join(root, 'dist'), arenaBytes: 4096, calls: { maxCalls: 5000, keyBytes: 1 << 20 } })!;
    // A same-length FNV-1a collision (see byte-key-table.test.ts): two calls, not one.
    const [a, b] = [key('call-0012789'), key('call-0249192')];
    expect(hashBytes(a, 0, a.length)).toBe(hashBytes(b, 0, b.length));
    expect(of(t, a, 0)).toBe(0);
    expect(of(t, b, 1)).toBe(1);
    expect(of(t, a, 2)).toBe(0);
    expect(of(t, b, 2)).toBe(1);
    // Prefixes and longer keys (more than one 16-byte block, differing only in the last byte) are other keys.
    const long = key('x'.repeat(40) + 'a');
    expect(of(t, key('call-001278'), 2)).toBe(2);
    expect(of(t, long, 3)).toBe(3);
    expect(of(t, key('x'.repeat(40) + 'b'), 4)).toBe(4);
    expect(of(t, long.slice(), 9)).toBe(3);
    // 4000 keys (the slots start at 1024 and double, rebuilt from the entries): all found again, from a copy and in place.
    const keys = Array.from({ length: 4000 }, (_, i) => key(`${i}-${'k'.repeat(i % 37)}@host.example`));
    keys.forEach((k, i) => expect(of(t, k, 10 + i)).toBe(10 + i));
    keys.forEach((k, i) => expect(of(t, k, -5)).toBe(10 + i));
    const inPlace = t.arena.subarray(100, 100 + keys[1234]!.length);
    inPlace.set(keys[1234]!);
    expect(of(t, t.arena, 1244, 100, 100 + inPlace.length)).toBe(1244);
  });

  it('says -1 for a new key when full, for every key longer than CALL_KEY_MAX_BYTES, and without a table', () => {
    const t = loadFactScanner({ dir: join(root, 'dist'), calls: { maxCalls: 3, keyBytes: 1 << 16 } })!;
    for (let i = 0; i < 3; i++) expect(of(t, key(`c${i}`), i)).toBe(i);
    expect(of(t, key('c3'), 3)).toBe(-1);
    expect(of(t, key('c1'), 3)).toBe(1); // kept keys are still found
    const bytesFull = loadFactScanner({ dir: join(root, 'dist'), calls: { maxCalls: 100, keyBytes: 10 } })!;
    expect(of(bytesFull, key('0123456789'), 0)).toBe(0);
    expect(of(bytesFull, key('a'), 1)).toBe(-1);
    const huge = key('h'.repeat(CALL_KEY_MAX_BYTES + 1));
    expect(of(t, huge.subarray(0, CALL_KEY_MAX_BYTES), 7)).toBe(-1); // full
    const roomy = loadFactScanner({ dir: join(root, 'dist'), calls: { maxCalls: 10, keyBytes: 1 << 20 } })!;
    expect(of(roomy, huge.subarray(0, CALL_KEY_MAX_BYTES), 0)).toBe(0);
    expect(of(roomy, huge, 1)).toBe(-1);
    expect(wasm.calls).toBeUndefined(); // created without one
  });
});

describe('WasmFactScanner.create', () => {
  it('returns undefined for bytes that are not the module', () => {
    expect(WasmFactScanner.create(new Uint8Array([0, 1, 2, 3]))).toBeUndefined();
    expect(WasmFactScanner.create(enc.encode('<html>'))).toBeUndefined();
  });
  it('gives an arena of the size asked for, in the module memory', () => {
    expect(wasm.arena.length).toBe(ARENA);
    const other = loadFactScanner({ dir: join(root, 'dist') });
    expect(other?.arena.length).toBe(0);
  });
});
