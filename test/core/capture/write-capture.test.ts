// Tests for "Save call as pcap" / `sipscope extract` (core/capture/write-capture.ts): only the call's records are
// written (TCP: with the connection's other segments in between; RTP streams with their RTCP), link type and
// timestamps are kept, several link types give pcapng, and re-importing the output gives the same call and streams.
import { describe, expect, it } from 'vitest';
import { importCapture, memoryByteSource, readCapture, type CaptureModel } from '../../../src/core/index';
import { LinkTypeMismatchError, selectPackets, streamSelectedPackets, writeSelectedPackets } from '../../../src/core/capture/write-capture';
import { buildFrame, writePcap, writePcapng, type FrameSpec, type RawRecord } from '../../helpers/pcap-writer';
import { callFrames } from '../../helpers/sip-calls';
import { sll } from '../../helpers/packet-builders';
import { ipv4Packet, l4Segment } from '../../helpers/pcap-writer';
import { byTime, offerAnswerFrames, rtcpSr, rtpFrames, sdpText, sipText } from '../rtp/rtp-helpers';

async function load(bytes: Uint8Array): Promise<CaptureModel> {
  return importCapture(memoryByteSource(bytes));
}

function callByCallId(m: CaptureModel, id: string) {
  const c = m.calls.find((x) => x.callId === id);
  if (!c) throw new Error(`no call ${id}`);
  return c;
}

/** Interleave frame lists by time. */
function merge(...lists: FrameSpec[][]): FrameSpec[] {
  return lists.flat().sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
}

describe('writeSelectedPackets', () => {
  it('keeps only the records of the chosen UDP call, byte for byte, as classic pcap', async () => {
    const t = 1_700_000_000;
    const frames = merge(
      callFrames({ callId: 'keep-me', time: t }),
      callFrames({ callId: 'other', time: t + 0.01, a: '192.0.2.30', b: '198.51.100.40' }),
    );
    const src = writePcap(frames.map((f) => ({ time: f.time, data: buildFrame(f) })));
    const model = await load(src);
    const call = callByCallId(model, 'keep-me');
    const messages = call.messageIds.map((id) => model.messages.get(id));
    const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
    expect(out.format).toBe('pcap');
    expect(out.packets).toBe(7);
    expect(out.frames).toEqual(messages.map((m) => m.frame));
    expect(out.linkTypes).toEqual([1]);

    // Same records as in the source (data and timestamps).
    const before = new Map<number, { data: number[]; t: [number, number] }>();
    await readCapture(memoryByteSource(src), (r) => before.set(r.frame, { data: [...r.data], t: [r.timeSec, r.timeNsec] }));
    const after: { data: number[]; t: [number, number] }[] = [];
    await readCapture(memoryByteSource(out.bytes), (r) => after.push({ data: [...r.data], t: [r.timeSec, r.timeNsec] }));
    expect(after).toEqual(out.frames.map((f) => before.get(f)));

    const again = await load(out.bytes);
    expect(again.calls.map((c) => [c.callId, c.state, c.messageIds.length])).toEqual([['keep-me', 'completed', 7]]);
  });

  it('for TCP keeps the connection segments between a message\'s first and last record (ACKs, continuation)', async () => {
    const t = 1_700_000_000;
    const call = callFrames({ callId: 'tcp-call', time: t, protocol: 'tcp', aPort: 40000 });
    // Split the INVITE over two segments with a pure ACK from the peer in between, and put an unrelated TCP
    // connection's segment (same hosts, other port) in the middle too.
    const invite = call[0]!;
    const payload = new TextEncoder().encode(invite.payload as string);
    const cut = 120;
    const parts: FrameSpec[] = [
      { ...invite, time: t, payload: payload.slice(0, cut) },
      { ...invite, time: t + 0.001, src: invite.dst, dst: invite.src, srcPort: invite.dstPort, dstPort: invite.srcPort, seq: 5000, ack: (invite.seq ?? 0) + cut, flags: 0x10, payload: new Uint8Array(0) },
      { ...invite, time: t + 0.0015, srcPort: 40001, seq: 1, payload: 'noise on another connection' },
      { ...invite, time: t + 0.002, seq: (invite.seq ?? 0) + cut, payload: payload.slice(cut) },
    ];
    const frames = [...parts, ...call.slice(1).map((f, i) => ({ ...f, time: t + 0.1 + i * 0.01 }))];
    const src = writePcap(frames.map((f) => ({ time: f.time, data: buildFrame(f) })));
    const model = await load(src);
    const c = callByCallId(model, 'tcp-call');
    const messages = c.messageIds.map((id) => model.messages.get(id));
    expect(messages[0]).toMatchObject({ firstFrame: 1, frame: 4, transport: 'TCP' });
    const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
    // Frames 1, 2 (the ACK of that connection) and 4; not 3 (other connection); then the other 6 messages.
    expect(out.frames).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
    const again = await load(out.bytes);
    expect(again.calls[0]?.messageIds.length).toBe(7);
  });

  it('writes pcapng (one IDB per interface used, ns timestamps) when the records have several link types', async () => {
    const t = 1_700_000_000.123456;
    const frames = callFrames({ callId: 'two-links', time: t });
    const records: (RawRecord & { interfaceId: number })[] = frames.map((f, i) => {
      if (i % 2 === 0) return { time: f.time, data: buildFrame(f), interfaceId: 0 };
      const ip = ipv4Packet(f.src!, f.dst!, 17, l4Segment(f));
      return { time: f.time, data: sll(ip), interfaceId: 1 };
    });
    const src = writePcapng(records, [{ linkType: 1 }, { linkType: 113 }]);
    const model = await load(src);
    const c = callByCallId(model, 'two-links');
    const messages = c.messageIds.map((id) => model.messages.get(id));
    const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
    expect(out.format).toBe('pcapng');
    expect(out.linkTypes.sort()).toEqual([1, 113]);
    const again = await load(out.bytes);
    expect(again.format).toBe('pcapng');
    expect(again.interfaces.map((i) => [i.linkType, i.tsUnitsPerSecond])).toEqual([
      [1, 1e9],
      [113, 1e9],
    ]);
    const a = again.calls[0]!;
    expect(a.messageIds.length).toBe(7);
    // Timestamps survive (µs source -> ns output).
    expect(again.messages.get(0).timeNsec).toBe(model.messages.get(messages[0]!.id).timeNsec);
  });

  it('keeps nanosecond resolution in classic pcap', async () => {
    const frames = callFrames({ callId: 'ns', time: 1_700_000_000 });
    const src = writePcap(
      frames.map((f, i) => ({ time: (f.time ?? 0) + i * 1e-9, data: buildFrame(f) })),
      { nanosecond: true },
    );
    const model = await load(src);
    const messages = model.calls[0]!.messageIds.map((id) => model.messages.get(id));
    const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
    const again = await load(out.bytes);
    expect(again.interfaces[0]?.tsUnitsPerSecond).toBe(1e9);
    expect(again.calls[0]!.messageIds.map((id) => again.messages.get(id).timeNsec)).toEqual(messages.map((m) => m.timeNsec));
  });

  it('gives an empty capture for an empty selection and never touches the source bytes', async () => {
    const src = writePcap(callFrames({ callId: 'x' }).map((f) => ({ time: f.time, data: buildFrame(f) })));
    const copy = src.slice();
    const out = await writeSelectedPackets(memoryByteSource(src), { frames: new Set(), flows: [] });
    expect(out.packets).toBe(0);
    expect(out.bytes.length).toBe(24);
    expect(src).toEqual(copy);
  });
});

describe('writeSelectedPackets on recorded samples', () => {
  const { existsSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  for (const file of ['samples/captures/lab/04b-big-invite-udp-fragmented-pub.pcap', 'samples/captures/lab/04c-big-invite-tcp-pub.pcap', 'samples/captures/lab/04a-call-tcp-pub.pcap']) {
    it.skipIf(!existsSync(file))(`re-imports to the same call: ${file}`, async () => {
      const src = new Uint8Array(readFileSync(file));
      const model = await load(src);
      const call = model.calls.find((c) => c.method === 'INVITE')!;
      const messages = call.messageIds.map((id) => model.messages.get(id));
      const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
      for (const m of messages) {
        expect(out.frames).toContain(m.frame);
        expect(out.frames).toContain(m.firstFrame);
      }
      const again = await load(out.bytes);
      const same = again.calls.find((c) => c.callId === call.callId)!;
      expect(same.messageIds.map((id) => again.messages.get(id).label)).toEqual(messages.map((m) => m.label));
      expect(same.state).toBe(call.state);
    });
  }
});

describe('selectPackets with RTP streams', () => {
  const t0 = 1_700_000_000;
  /** A call from a to b with RTP both ways (`n` packets each), RTCP SRs on the next ports up, then a BYE and its 200. */
  function mediaCall(callId: string, a: string, b: string, aPort: number, bPort: number, n: number): FrameSpec[] {
    const sdpA = sdpText({ ip: a, port: aPort });
    const sdpB = sdpText({ ip: b, port: bPort });
    const end = t0 + 0.2 + n * 0.02;
    const bye = sipText({ start: `BYE sip:bob@${b} SIP/2.0`, callId, cseq: '2 BYE', fromTag: 'fa', toTag: 'tb', branch: `${callId}b`, via: `${a}:5060` });
    const ok = sipText({ start: 'SIP/2.0 200 OK', callId, cseq: '2 BYE', fromTag: 'fa', toTag: 'tb', branch: `${callId}b`, via: `${a}:5060` });
    const rtcp = (time: number, from: string, to: string, sp: number, dp: number, ssrc: number): FrameSpec => ({
      time, src: from, dst: to, srcPort: sp, dstPort: dp, payload: Uint8Array.from(rtcpSr(ssrc, n, n * 160)),
    });
    return [
      ...offerAnswerFrames(callId, a, b, sdpA, sdpB, t0),
      ...rtpFrames({ src: a, srcPort: aPort, dst: b, dstPort: bPort, ssrc: 0x1000 + aPort, count: n, t0: t0 + 0.2 }),
      ...rtpFrames({ src: b, srcPort: bPort, dst: a, dstPort: aPort, ssrc: 0x2000 + bPort, count: n, t0: t0 + 0.201 }),
      rtcp(t0 + 0.5, a, b, aPort + 1, bPort + 1, 0x1000 + aPort),
      rtcp(end - 0.001, b, a, bPort + 1, aPort + 1, 0x2000 + bPort), // the last RTCP, after the last RTP packet
      { time: end, src: a, dst: b, srcPort: 5060, dstPort: 5060, payload: bye },
      { time: end + 0.01, src: b, dst: a, srcPort: 5060, dstPort: 5060, payload: ok },
    ];
  }

  it("keeps the chosen call's RTP and RTCP (both directions) and nothing of the other call's media", async () => {
    const src = writePcap(
      byTime([...mediaCall('media-a', '192.0.2.10', '198.51.100.20', 4000, 6000, 40), ...mediaCall('media-b', '192.0.2.11', '198.51.100.21', 4100, 6100, 40)]).map((f) => ({
        time: f.time,
        data: buildFrame(f),
      })),
    );
    const model = await load(src);
    const call = callByCallId(model, 'media-a');
    const messages = call.messageIds.map((id) => model.messages.get(id));
    const streams = model.streams.filter((st) => st.callIndex === call.index);
    expect(streams.map((st) => st.packets)).toEqual([40, 40]);

    const withMedia = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages, streams));
    expect(withMedia.packets).toBe(5 + 80 + 2); // 5 SIP messages, 80 RTP, 2 RTCP
    const again = await load(withMedia.bytes);
    expect(again.calls.map((c) => c.callId)).toEqual(['media-a']);
    const keep = ['src', 'srcPort', 'dst', 'dstPort', 'ssrc', 'packets', 'lost', 'maxDeltaMs', 'maxJitterMs', 'meanJitterMs'] as const;
    const pick = (st: (typeof streams)[number]) => Object.fromEntries(keep.map((k) => [k, st[k]]));
    expect(again.streams.map(pick)).toEqual(streams.map(pick));
    expect(streams.every((st) => st.rtcp !== undefined)).toBe(true);
    expect(again.streams.map((st) => st.rtcp)).toEqual(streams.map((st) => st.rtcp));

    // Without streams: the signalling only.
    const sipOnly = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages));
    expect(sipOnly.packets).toBe(5);
  });

  it('rtcp-mux streams add no flow on the next ports up', () => {
    const st = { src: '192.0.2.10', srcPort: 4000, dst: '198.51.100.20', dstPort: 6000, firstFrame: 4, lastFrame: 90, callIndex: 0, rtcpMux: true };
    const sel = selectPackets([], [st as never]);
    expect(sel.flows).toEqual([{ firstFrame: 4, lastFrame: 90, protocol: 'udp', a: '192.0.2.10', aPort: 4000, b: '198.51.100.20', bPort: 6000 }]);
    const plain = selectPackets([], [{ ...st, rtcpMux: false } as never]);
    expect(plain.flows.map((f) => `${f.aPort}>${f.bPort}`)).toEqual(['4000>6000', '4001>6001']);
  });
});

describe('selectPackets with RTP streams on recorded samples', () => {
  const { existsSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  for (const file of ['samples/captures/lab/03-call-clean-baseline-pub.pcap', 'samples/captures/lab/05d-call-hold-reinvite-pub.pcap']) {
    it.skipIf(!existsSync(file))(`re-imports to the same call and streams: ${file}`, async () => {
      const src = new Uint8Array(readFileSync(file));
      const model = await load(src);
      const call = model.calls.find((c) => c.method === 'INVITE')!;
      const messages = call.messageIds.map((id) => model.messages.get(id));
      const streams = model.streams.filter((st) => st.callIndex === call.index);
      expect(streams.length).toBeGreaterThanOrEqual(2);
      const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages, streams));
      const again = await load(out.bytes);
      const same = again.calls.find((c) => c.callId === call.callId)!;
      expect(same.messageIds.map((id) => again.messages.get(id).label)).toEqual(messages.map((m) => m.label));
      const pick = (st: (typeof streams)[number]) => [st.src, st.srcPort, st.dst, st.dstPort, st.ssrc, st.packets, st.lost, st.maxDeltaMs, st.maxJitterMs];
      expect(again.streams.filter((st) => st.callIndex === same.index).map(pick)).toEqual(streams.map(pick));
    });
  }
});

describe('selectPackets: connections that need their start, fragmented messages', () => {
  const { existsSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const cases: { file: string; tls?: string }[] = [
    // TLS: the handshake decrypts the call's records (and numbers them), so the connection is kept from its start.
    { file: 'samples/captures/tls/baresip-call-tls.pcap', tls: 'samples/captures/tls/baresip-call-tls.key' },
    // WebSocket: the HTTP Upgrade at the connection's start is what makes the later bytes WebSocket frames.
    { file: '../shared/corpus/captures/heplify_sip_tcp_websocket.pcap' },
    // SCTP: the INVITE is a user message fragmented over two packets; its first fragment comes first.
    { file: '../shared/corpus/captures/heplify_sip_sctp.pcap' },
  ];
  for (const { file, tls } of cases) {
    it.skipIf(!existsSync(file))(`re-imports every call to the same messages: ${file}`, async () => {
      const src = new Uint8Array(readFileSync(file));
      const opts = tls ? { tls: { rsaKeys: [readFileSync(tls, 'utf8')] } } : {};
      const model = await importCapture(memoryByteSource(src), opts);
      expect(model.calls.length).toBeGreaterThan(0);
      for (const call of model.calls) {
        const messages = call.messageIds.map((id) => model.messages.get(id));
        const streams = model.streams.filter((st) => st.callIndex === call.index);
        const out = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages, streams));
        const again = await importCapture(memoryByteSource(out.bytes), opts);
        const same = again.calls.find((c) => c.callId === call.callId)!;
        expect(same.messageIds.map((id) => again.messages.get(id).label), call.callId).toEqual(messages.map((m) => m.label));
        expect(again.streams.filter((st) => st.callIndex === same.index).map((st) => st.packets)).toEqual(streams.map((st) => st.packets));
      }
    });
  }
  const sctpFile = '../shared/corpus/captures/heplify_sip_sctp.pcap';
  it.skipIf(!existsSync(sctpFile))('keeps the first fragment of a fragmented SCTP user message (its firstFrame)', async () => {
    const file = sctpFile;
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(file))));
    const invite = model.messages.get(model.calls[0]!.messageIds[0]!);
    expect([invite.method, invite.transport, invite.firstFrame, invite.frame]).toEqual(['INVITE', 'SCTP', 1, 2]);
  });
});

describe('streamSelectedPackets', () => {
  const { existsSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  /** Stream the calls' packets with small read chunks; returns the bytes and how many writes carried them. */
  async function stream(src: Uint8Array, model: CaptureModel, callIndexes: number[], format: 'pcap' | 'pcapng') {
    const messages = callIndexes.flatMap((i) => model.calls[i]!.messageIds).sort((a, b) => a - b).map((id) => model.messages.get(id));
    const streams = model.streams.filter((st) => callIndexes.includes(st.callIndex));
    const chunks: Uint8Array[] = [];
    const r = await streamSelectedPackets(memoryByteSource(src), selectPackets(messages, streams), {
      format,
      interfaces: model.interfaces,
      write: (b) => void chunks.push(b.slice()),
      chunkSize: 4096,
    });
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) (bytes.set(c, o), (o += c.length));
    return { r, bytes, writes: chunks.length, messages, streams };
  }

  for (const file of [
    'samples/captures/calls-mixed-outcomes.pcap',
    'samples/captures/lab/04b-big-invite-udp-fragmented-pub.pcap', // IP fragments kept before the record completing them
    'samples/captures/lab/04c-big-invite-tcp-pub.pcap',
    'samples/captures/lab/03-call-clean-baseline-pub.pcap',
  ]) {
    it.skipIf(!existsSync(file))(`writes what writeSelectedPackets writes, in read-chunk-sized pieces: ${file}`, async () => {
      const src = new Uint8Array(readFileSync(file));
      const model = await load(src);
      const calls = model.calls.map((c) => c.index);
      const { r, bytes, writes, messages, streams } = await stream(src, model, calls, 'pcap');
      const whole = await writeSelectedPackets(memoryByteSource(src), selectPackets(messages, streams));
      expect(whole.format).toBe('pcap');
      expect(bytes).toEqual(whole.bytes);
      expect(r).toMatchObject({ format: 'pcap', packets: whole.packets, bytes: whole.bytes.length, linkTypes: whole.linkTypes });
      expect(writes).toBeGreaterThan(1);
      // pcapng: the same records, read back.
      const ng = await stream(src, model, calls, 'pcapng');
      expect(ng.r.packets).toBe(whole.packets);
      const frames = (b: Uint8Array) => readCapture(memoryByteSource(b), () => {}).then((x) => x.records);
      expect(await frames(ng.bytes)).toBe(whole.packets);
      const again = await load(ng.bytes);
      expect(again.messages.count).toBe(model.messages.count);
    });
  }

  it('a classic pcap of records with two link types stops with LinkTypeMismatchError', async () => {
    const a = callFrames({ callId: 'eth', time: 1_700_000_000 });
    const b = callFrames({ callId: 'sll', time: 1_700_000_000.01, a: '192.0.2.30', b: '198.51.100.40' });
    const src = writePcapng(
      [...a.map((f) => ({ time: f.time, data: buildFrame(f), interfaceId: 0 })), ...b.map((f) => ({ time: f.time, data: sll(ipv4Packet(f.src!, f.dst!, 17, l4Segment(f))), interfaceId: 1 }))].sort(
        (x, y) => (x.time ?? 0) - (y.time ?? 0),
      ),
      [{ linkType: 1 }, { linkType: 113 }],
    );
    const model = await load(src);
    expect(model.calls).toHaveLength(2);
    await expect(stream(src, model, [0, 1], 'pcap')).rejects.toBeInstanceOf(LinkTypeMismatchError);
    const ng = await stream(src, model, [0, 1], 'pcapng');
    expect(ng.r.linkTypes.sort()).toEqual([1, 113]);
    expect((await load(ng.bytes)).calls.map((c) => c.callId).sort()).toEqual(['eth', 'sll']);
  });
});
