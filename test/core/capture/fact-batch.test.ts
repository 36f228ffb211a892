// The import's front/back hand-off (FactBatch): the call index the front assigns to each message is the one
// CallModelBuilder assigns, and the model equals one built straight from the full parser's facts, also for Call-IDs
// and tags that are not plain ASCII (UTF-8, invalid UTF-8 that decodes to the same text), compact forms, and
// messages the fast path declines. Batches of 2 messages make every call and value cross batch boundaries.
import { describe, expect, it } from 'vitest';
import {
  CallModelBuilder, FactBatchReader, ProblemCollector, factsFromMessage, memoryByteSource, parseSipMessage, runImportFront,
  type FactBatch, type FactValues, type MessageSighting, type MessageStringIds, type SipFacts,
} from '../../../src/core/index';
import { join } from 'node:path';
import { loadFactScanner } from '../../../src/cli/wasm';
import type { FastFacts } from '../../../src/core/sip/fast-facts';
import type { FactScanner } from '../../../src/core/sip/fast-facts-wasm';
import { pcapOf, type FrameSpec } from '../../helpers/pcap-writer';
import { plainCalls } from '../../helpers/plain-calls';

const enc = new TextEncoder();
const A = { ip: '192.0.2.10', port: 5060 };
const B = { ip: '198.51.100.20', port: 5060 };

function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p.replace(/\n/g, '\r\n')) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) (out.set(c, o), (o += c.length));
  return out;
}

const invite = (callId: string | number[], tag: string, branch: string, compact = false) =>
  bytes(
    `INVITE sip:bob@b.example SIP/2.0\n${compact ? 'v' : 'Via'}: SIP/2.0/UDP a.example;branch=${branch}\n${compact ? 'f' : 'From'}: "Ålice" <sip:alice@a.example>;tag=${tag}\nTo: <sip:bob@b.example>\n${compact ? 'i' : 'Call-ID'}: `,
    callId,
    `\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Length: 0\n\n`,
  );
const ok = (callId: string | number[], tag: string, branch: string) =>
  bytes(
    `SIP/2.0 200 OK\nVia: SIP/2.0/UDP a.example;branch=${branch}\nFrom: <sip:alice@a.example>;tag=${tag}\nTo: <sip:bob@b.example>;tag=tö-1\nCall-ID: `,
    callId,
    `\nCSeq: 1 INVITE\nContent-Length: 0\n\n`,
  );
// Folded header: the fast path declines, the full parser gives the facts.
const folded = (callId: string) =>
  bytes(`OPTIONS sip:bob@b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-f\nFrom: <sip:alice@a.example>\n ;tag=ft\nTo: <sip:bob@b.example>\nCall-ID: ${callId}\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`);

// Folded, with an empty To tag (`;tag=`): the full parser's toTag is '', which counts as no To tag (as the fast path,
// which reads the empty range as absent), whichever path carries it.
const foldedEmptyTag = (callId: string) =>
  bytes(`INVITE sip:bob@b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-e\nFrom: <sip:alice@a.example>\n ;tag=fe\nTo: <sip:bob@b.example>;tag=\nCall-ID: ${callId}\nCSeq: 1 INVITE\nContent-Length: 0\n\n`);

const messages: [typeof A, typeof B, Uint8Array][] = [
  [A, B, invite('plain-1@a.example', 'a1', 'z9hG4bK-1')],
  [A, B, invite('ütf8-2@a.example', 'a2', 'z9hG4bK-ü2', true)],
  [A, B, invite([0x62, 0xff, 0x31], 'a3', 'z9hG4bK-3')], // invalid UTF-8: decodes to "b\uFFFD1"
  [B, A, ok('plain-1@a.example', 'a1', 'z9hG4bK-1')],
  [A, B, folded('plain-1@a.example')],
  [A, B, invite([0x62, 0xfe, 0x31], 'a4', 'z9hG4bK-4')], // other invalid bytes, same text: the same call
  [B, A, ok('ütf8-2@a.example', 'a2', 'z9hG4bK-ü2')],
  [A, B, folded('folded-5@a.example')],
  [B, A, ok([0x62, 0xfe, 0x31], 'a4', 'z9hG4bK-4')],
  [A, B, foldedEmptyTag('empty-tag-6@a.example')],
  [A, B, foldedEmptyTag('empty-tag-6@a.example')], // the same request again: a retransmission
  // New calls from both paths in one batch, in both orders (their Call-IDs and parties travel differently).
  [A, B, invite('plain-8@a.example', 'a8', 'z9hG4bK-8')],
  [A, B, folded('folded-9@a.example')],
  [A, B, invite('plain-10@a.example', 'a10', 'z9hG4bK-10')],
  [A, B, invite('plain-11@a.example', 'a11', 'z9hG4bK-11')],
  [A, B, folded('folded-12@a.example')],
];

function capture(): Uint8Array {
  const frames: FrameSpec[] = messages.map(([from, to, payload], i) => ({
    time: 1_700_000_000 + i, src: from.ip, srcPort: from.port, dst: to.ip, dstPort: to.port, payload,
  }));
  return pcapOf(frames);
}

/** A builder that checks every call index the batch reader hints against the one it assigns itself. */
class CheckingBuilder extends CallModelBuilder {
  hints: [number, number][] = [];
  override add(seen: MessageSighting, f: SipFacts, callHint = -1, values?: FactValues, ids?: MessageStringIds): number {
    if (ids === undefined) throw new Error('FactBatchReader gives the message store ids of every message');
    const id = super.add(seen, f, callHint, values, ids);
    this.hints.push([callHint, this.messages.callOf(id)]);
    return id;
  }
}

/** A fact scanner that counts the facts it returned with their values staged (ArenaStage) and without. */
function counting(inner: FactScanner): FactScanner & { staged: number; unstaged: number; kept: Set<number> } {
  const c = {
    staged: 0,
    unstaged: 0,
    note(f: FastFacts | undefined): FastFacts | undefined {
      if (f !== undefined) {
        if (f.staged >= 0) c.staged++;
        else c.unstaged++;
      }
      return f;
    },
    scanDatagram: (b: Uint8Array, s: number, e: number, max: number, into?: FastFacts) => c.note(inner.scanDatagram(b, s, e, max, into)),
    scanMessage: (b: Uint8Array) => c.note(inner.scanMessage(b)),
    stage: inner.stage ? (on: boolean) => inner.stage!(on) : undefined,
    // The module's Call-ID table, counting the calls it kept (-1: left to the writer).
    kept: new Set<number>(),
    calls: inner.calls ? { of: (b: Uint8Array, s: number, e: number, h: number, v: number) => { const r = inner.calls!.of(b, s, e, h, v); if (r >= 0) c.kept.add(r); return r; } } : undefined,
  };
  return c;
}

const wasmScanner = (stageBytes: number, maxCalls = 1024) =>
  loadFactScanner({ dir: join(__dirname, '../../../dist'), stageBytes, calls: { maxCalls, keyBytes: 1 << 16 } });

describe('FactBatch hand-off', () => {
  // The WebAssembly scanner with a stage (as the CLI's import worker runs it): the batch arena is built in the stage,
  // where the scanner put each message's branch and tags. Small stages take the other paths: a 400-byte stage makes
  // the writer hand batches over early to make room (copying again the values a scan staged); in a 40-byte one,
  // every message is too large for it (its values go as text).
  const cases: [string, () => FactScanner | undefined][] = [
    ['the TypeScript scanner', () => undefined],
    ['the WebAssembly scanner with a stage', () => wasmScanner(2 << 20)],
    ['the WebAssembly scanner with a 400-byte stage', () => wasmScanner(400)],
    ['the WebAssembly scanner with a 40-byte stage', () => wasmScanner(40)],
    // The module's Call-ID table keeps the first three ASCII Call-IDs; the writer keeps the rest.
    ['the WebAssembly scanner with a 3-call Call-ID table', () => wasmScanner(2 << 20, 3)],
  ];
  it.each(cases)('assigns the builder\'s call indexes and gives the full parser\'s model, across batch boundaries and a structured clone (%s)', async (name, make) => {
    const inner = make();
    if (name !== 'the TypeScript scanner' && inner === undefined) throw new Error('dist/fact-scanner.wasm is missing: `npm run build` builds it');
    const scanner = inner === undefined ? undefined : counting(inner);
    const builder = new CheckingBuilder();
    const reader = new FactBatchReader(builder);
    const batches: FactBatch[] = [];
    await runImportFront(memoryByteSource(capture()), {
      problems: new ProblemCollector(), batchSize: 2, transferBatches: true, factScanner: scanner,
      onBatch: (b) => batches.push(structuredClone(b, { transfer: [b.num.buffer as ArrayBuffer, b.arena.buffer as ArrayBuffer] })),
    });
    expect(batches.length).toBeGreaterThanOrEqual(8);
    if (scanner === undefined) {
      // Both forms of a new call occur, and together in one batch.
      expect(batches.some((b) => b.newCalls === 2 && b.calls.length === 5)).toBe(true);
    } else {
      expect(scanner.staged).toBeGreaterThan(0);
      expect(scanner.unstaged).toBe(0);
      // The ASCII Call-IDs, from the fast path and from the full parser (folded-5...), went through the module's
      // table: all 8 of them, or the first 3 when it holds only 3 (calls 1 and 2 are not ASCII: kept by the writer).
      expect([...scanner.kept].sort((x, y) => x - y)).toEqual(name.includes('3-call') ? [0, 3, 4] : [0, 3, 4, 5, 6, 7, 8, 9]);
      // 16 messages in batches of 2: more batches when some were handed over early.
      if (name.includes('400-byte')) expect(batches.length).toBeGreaterThan(messages.length / 2);
      // Nothing fits in 40 bytes: every value went as text, none through the arena.
      if (name.includes('40-byte')) expect(batches.every((b) => b.arenaUsed === 0)).toBe(true);
      else expect(batches.some((b) => b.arenaUsed > 0)).toBe(true);
    }
    for (const b of batches) reader.apply(b);
    builder.finish();
    expect(builder.hints.map(([hint]) => hint)).toEqual(builder.hints.map(([, actual]) => actual));
    expect(builder.calls.map((c) => c.callId)).toEqual(['plain-1@a.example', 'ütf8-2@a.example', 'b\uFFFD1', 'folded-5@a.example', 'empty-tag-6@a.example',
      'plain-8@a.example', 'folded-9@a.example', 'plain-10@a.example', 'plain-11@a.example', 'folded-12@a.example']);

    // Reference: the same messages through the full parser straight into a builder.
    const ref = new CallModelBuilder();
    messages.forEach(([from, to, payload], i) => {
      const seen: MessageSighting = {
        frame: i + 1, firstFrame: i + 1, timeSec: 1_700_000_000 + i, timeNsec: 0, ipVersion: 4, src: from.ip, srcPort: from.port,
        dst: to.ip, dstPort: to.port, transport: 'UDP', truncated: false, location: { fileOffset: 0, length: payload.length },
      };
      const { message, problems } = parseSipMessage(payload);
      ref.add(seen, factsFromMessage(message, problems.length));
    });
    ref.finish();
    const strip = (m: ReturnType<CallModelBuilder['message']>) => ({ ...m, fileOffset: undefined, location: undefined, problemCount: undefined });
    for (let i = 0; i < messages.length; i++) expect(strip(builder.message(i))).toEqual(strip(ref.message(i)));
    // Each message's place in the capture, to read it again (its size comes from the scan, which sees the datagram
    // where it lies in the capture chunk): the bytes there are the message.
    const pcap = capture();
    for (let i = 0; i < messages.length; i++) {
      const at = builder.messages.location(i) as { fileOffset: number; length: number };
      expect(pcap.subarray(at.fileOffset, at.fileOffset + at.length)).toEqual(messages[i]![2]);
    }
    expect(plainCalls(builder.calls)).toEqual(plainCalls(ref.calls));
    expect(builder.dialogs.all()).toEqual(ref.dialogs.all());
    expect(builder.transactions.all()).toEqual(ref.transactions.all());
    expect(builder.calls[1]).toMatchObject({ fromDisplay: 'Ålice', fromUri: 'sip:alice@a.example' });
    expect(builder.dialogs.all().map((d) => d.toTag)).toContain('tö-1');
  });

  it('carries an empty reason phrase as an empty string (the writer\'s string cache starts out holding \'\')', async () => {
    const emptyReason = bytes(`SIP/2.0 200 \nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-r\nFrom: <sip:alice@a.example>;tag=r1\nTo: <sip:bob@b.example>;tag=r2\nCall-ID: reason@a.example\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n`);
    const frames: FrameSpec[] = [0, 1].map((i) => ({ time: 1_700_000_000 + i, src: B.ip, srcPort: B.port, dst: A.ip, dstPort: A.port, payload: emptyReason }));
    const builder = new CallModelBuilder();
    const reader = new FactBatchReader(builder);
    await runImportFront(memoryByteSource(pcapOf(frames)), { problems: new ProblemCollector(), onBatch: (b) => reader.apply(b) });
    expect([0, 1].map((i) => [builder.message(i).reason, builder.message(i).label])).toEqual([['', '200'], ['', '200']]);
  });
});
