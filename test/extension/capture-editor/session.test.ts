// Tests for CaptureSession, the host-side request handlers, over real captures: call pages, ladder pages
// consistent with buildLadder, message detail with SDP, merge-by-host columns, live updates during import.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLadder, DEFAULT_LINT_SETTINGS, importCapture, memoryByteSource } from '../../../src/core/index';
import { CaptureSession, mergeByDeclaredHost, previousHop } from '../../../src/extension/capture-editor/session';
import { buildFrame, pcapOf, writePcap } from '../../helpers/pcap-writer';
import { callFrames, longDialogFrames } from '../../helpers/sip-calls';

const SAMPLE = 'samples/captures/calls-mixed-outcomes.pcap';

async function sessionOf(bytes: Uint8Array): Promise<CaptureSession> {
  const s = new CaptureSession('test.pcap');
  const model = await importCapture(memoryByteSource(bytes));
  s.update(model, true);
  return s;
}

describe('CaptureSession on a call of 140 000 messages', () => {
  it('serves its ladder pages (the call\'s message ids are not spread into one function call)', async () => {
    const records = [];
    const msg = (start: string, headers: string[]) => [start, ...headers, 'Content-Length: 0', '', ''].join('\r\n');
    for (let i = 0; i < 70_000; i++) {
      const via = `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-o${i}`;
      const common = ['From: <sip:a@10.0.0.1>;tag=a1', 'Call-ID: keepalive@10.0.0.1', `CSeq: ${i + 1} OPTIONS`];
      records.push({ time: 1_700_000_000 + i, data: buildFrame({ src: '10.0.0.1', dst: '10.0.0.2', payload: msg('OPTIONS sip:b@10.0.0.2 SIP/2.0', [via, 'To: <sip:b@10.0.0.2>', ...common]) }) });
      records.push({ time: 1_700_000_000 + i + 0.01, data: buildFrame({ src: '10.0.0.2', dst: '10.0.0.1', payload: msg('SIP/2.0 200 OK', [via, `To: <sip:b@10.0.0.2>;tag=t${i}`, ...common]) }) });
    }
    const s = await sessionOf(writePcap(records));
    expect(s.current!.calls).toHaveLength(1);
    const h = s.handlers();
    const first = await h.getLadder({ callIndexes: [0], from: 0, count: 4, columns: 'endpoint' });
    expect(first.rowCount).toBe(140_000);
    expect(first.rows.map((r) => r.label)).toEqual(['OPTIONS', '200 OK', 'OPTIONS', '200 OK']);
    const last = await h.getLadder({ callIndexes: [0], from: 139_998, count: 4, columns: 'endpoint' });
    expect(last.rows).toHaveLength(2);
  }, 60_000);
});

describe('CaptureSession on a project sample', () => {
  it('pages calls, sorted and filtered', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync(SAMPLE)));
    const h = s.handlers();
    const all = await h.getCalls({ from: 0, count: 100, sort: { key: 'index', descending: false }, filter: '' });
    expect(all.total).toBe(s.current!.calls.length);
    expect(all.total).toBeGreaterThan(3);
    expect(all.rows.map((r) => r.index)).toEqual([...all.rows.keys()]);
    const busy = await h.getCalls({ from: 0, count: 100, sort: { key: 'index', descending: false }, filter: 'state:busy' });
    expect(busy.rows.every((r) => r.state === 'busy')).toBe(true);
    expect(busy.rows.length).toBeGreaterThan(0);
    expect(s.summary()).toMatchObject({ done: true, calls: all.total, fileName: 'test.pcap', format: 'pcap' });
  });

  it('serves ladder pages that reassemble to buildLadder of the same calls', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync(SAMPLE)));
    const h = s.handlers();
    const model = s.current!;
    const callIndexes = [0, 2];
    const expected = buildLadder(s.messagesOfCalls(callIndexes), { calls: model.calls });
    const rows = [];
    let page = await h.getLadder({ callIndexes, from: 0, count: 4, columns: 'endpoint' });
    expect(page.rowCount).toBe(expected.rows.length);
    expect(page.columns).toEqual(expected.columns);
    rows.push(...page.rows);
    while (rows.length < page.rowCount) {
      page = await h.getLadder({ callIndexes, from: rows.length, count: 4, columns: 'endpoint' });
      rows.push(...page.rows);
    }
    expect(rows).toEqual(expected.rows);
    // Payloads cross postMessage: they must survive structured cloning unchanged.
    expect(structuredClone(page)).toEqual(page);
    const ip = await h.getLadder({ callIndexes, from: 0, count: 1, columns: 'ip' });
    expect(ip.columns.length).toBeLessThanOrEqual(page.columns.length);
  });

  it('returns the message detail: head, SDP body, addresses', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync(SAMPLE)));
    const model = s.current!;
    const invite = model.calls[0]!.messageIds.map((id) => model.messages.get(id)).find((m) => m.method === 'INVITE' && m.hasSdp)!;
    const d = await s.handlers().getMessage({ id: invite.id });
    expect(d.head).toMatch(/^INVITE sip:/);
    expect(d.head.endsWith('\r\n\r\n')).toBe(true);
    expect(d.bodyKind).toBe('sdp');
    expect(d.body).toMatch(/^v=0/);
    expect(d).toMatchObject({ frame: invite.frame, src: invite.src, dst: invite.dst, transport: invite.transport, callId: model.calls[0]!.callId });
    await expect(s.handlers().getMessage({ id: 1e9 })).rejects.toThrow(/no message/);
  });
});

describe('CaptureSession stream audio', () => {
  it('plays what can be decoded: the stream detail says which streams, getStreamAudio returns their WAV', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync(SAMPLE)));
    const h = s.handlers();
    const model = s.current!;
    const ofCall0 = model.streams.filter((st) => st.callIndex === 0).map((st) => st.index);
    const d = await h.getStream({ streamIndex: ofCall0[0]! });
    expect(d.audio).toEqual({ playable: true, reason: undefined, callStreams: ofCall0 });
    expect(d.profile).toBe('RTP/AVP');
    const r = await h.getStreamAudio({ streamIndexes: ofCall0 });
    expect(r.streams.map((x) => x.channel)).toEqual([1, 2]);
    expect(r.sampleRate).toBe(8000);
    // 44-byte header + 2 channels of 16-bit samples for durationSec.
    expect(r.wav.length).toBe(44 + Math.round(r.durationSec * 8000) * 4);
    await expect(h.getStreamAudio({ streamIndexes: [] })).rejects.toThrow('no RTP stream given');
    await expect(h.getStreamAudio({ streamIndexes: [0.5] })).rejects.toThrow('no RTP stream 0.5');
    await expect(h.getStreamAudio({ streamIndexes: new Array(17).fill(0) })).rejects.toThrow('at most 16 streams');
  });
});

describe('CaptureSession details', () => {
  it('merges endpoints by the host declared in Via/Contact', async () => {
    // The caller sends from two source ports (e.g. a new TCP connection) but always declares the same Via host.
    const frames = [
      ...callFrames({ callId: 'c1', a: '192.0.2.10', aPort: 5060 }),
      ...callFrames({ callId: 'c2', a: '192.0.2.10', aPort: 40123, time: 1_700_000_010 }),
    ];
    const s = await sessionOf(pcapOf(frames));
    const h = s.handlers();
    const byEndpoint = await h.getLadder({ callIndexes: [0, 1], from: 0, count: 100, columns: 'endpoint' });
    const byHost = await h.getLadder({ callIndexes: [0, 1], from: 0, count: 100, columns: 'host' });
    expect(byEndpoint.columns.length).toBe(3);
    expect(byHost.columns.map((c) => c.label)).toEqual(['192.0.2.10', '198.51.100.20']);
    const merged = await mergeByDeclaredHost(s.current!, s.messagesOfCalls([0]));
    expect(new Set(merged.map((m) => m.src))).toEqual(new Set(['192.0.2.10', '198.51.100.20']));
  });

  it('classifies bodies: none, sdp, binary', async () => {
    const bin = 'MESSAGE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\nCall-ID: bin\r\nCSeq: 1 MESSAGE\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nContent-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\n\u0000\u0001\u0002\u0003';
    const s = await sessionOf(pcapOf([{ payload: bin }]));
    const d = await s.handlers().getMessage({ id: 0 });
    expect(d.bodyKind).toBe('binary');
    expect(d.body).toBe('[4 bytes of binary body not shown]');
  });

  it('answers while importing and sees the model grow', async () => {
    const frames = longDialogFrames('long', 400);
    const bytes = writePcap(frames.map((f) => ({ time: f.time, data: buildFrame(f) })));
    const s = new CaptureSession('long.pcap');
    const seen: number[] = [];
    const model = await importCapture(memoryByteSource(bytes), {
      chunkSize: 16 * 1024,
      onUpdate: (m) => {
        s.update(m, false);
        seen.push(s.summary().messages);
      },
    });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]).toBeLessThan(seen[seen.length - 1]!);
    expect(s.summary().done).toBe(false);
    // Streams are complete only at the end of the import: no audio before.
    await expect(s.handlers().getStreamAudio({ streamIndexes: [0] })).rejects.toThrow('the capture is still being read');
    s.update(model, true);
    const page = await s.handlers().getLadder({ callIndexes: [0], from: 700, count: 1000, columns: 'endpoint' });
    expect(page.rowCount).toBe(805);
    expect(page.rows).toHaveLength(105);
    expect(page.widthRows.length).toBeLessThanOrEqual(4);
  });

  it('commands default to a polite refusal outside the editor', async () => {
    const s = new CaptureSession('x.pcap');
    await expect(s.handlers().runCommand({ command: 'copyTsharkFilter', callIndexes: [0] })).resolves.toMatchObject({ done: false });
    expect(await s.handlers().getCalls({ from: 0, count: 10, sort: { key: 'index', descending: false }, filter: '' })).toMatchObject({ total: 0, rows: [] });
  });
});

describe('the same message on the previous hop (compare across a proxy)', () => {
  it('finds what the proxy received for each forwarded request and response, and nothing for 100 Trying or the first hop', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync('samples/captures/call-via-proxy-tcp.pcap'))));
    const s = new CaptureSession('proxy.pcap');
    s.update(model, true);
    const call = model.calls[0]!;
    const msgs = call.messageIds.map((id) => model.messages.get(id));
    const hop = (m: (typeof msgs)[number]) => `${m.src}:${m.srcPort}>${m.dst}:${m.dstPort}`;
    const pairs: string[] = [];
    for (const m of msgs) {
      const d = await s.handlers().getMessage({ id: m.id });
      const prev = d.previousHop ? model.messages.get(d.previousHop.id) : undefined;
      expect(previousHop(m, msgs)?.id).toBe(d.previousHop?.id);
      if (prev) {
        expect([prev.label, prev.cseqSeq, prev.cseqMethod]).toEqual([m.label, m.cseqSeq, m.cseqMethod]);
        pairs.push(`${m.label}: ${hop(prev)} -> ${hop(m)}`);
      }
    }
    expect(pairs).toEqual([
      'INVITE: 127.0.0.10:5060>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.20:5070',
      '180 Ringing: 127.0.0.20:5070>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.10:5060',
      '200 OK: 127.0.0.20:5070>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.10:5060',
      'ACK: 127.0.0.10:5060>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.20:5070',
      'BYE: 127.0.0.10:5060>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.20:5070',
      '200 OK: 127.0.0.20:5070>127.0.0.30:5060 -> 127.0.0.30:5060>127.0.0.10:5060',
    ]);
  });
});

describe('CaptureSession on an SRTP call (samples/captures/baresip-call-srtp.pcap)', () => {
  it('the stream detail names the SRTP profile, and the audio comes decrypted with the SDP’s SDES keys', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync('samples/captures/baresip-call-srtp.pcap')));
    const h = s.handlers();
    const d = await h.getStream({ streamIndex: 0 });
    expect(d.profile).toBe('RTP/SAVP');
    const r = await h.getStreamAudio({ streamIndexes: d.audio.callStreams });
    expect(r.streams.map((x) => [x.channel, x.srtp, x.reason])).toEqual([
      [1, true, undefined],
      [2, true, undefined],
    ]);
  });
});

describe('CaptureSession on an Opus call (samples/captures/baresip-call-opus.pcap)', () => {
  it('the stream detail offers Play for Opus, and getStreamAudio returns both directions at 16 kHz', async () => {
    const s = await sessionOf(new Uint8Array(readFileSync('samples/captures/baresip-call-opus.pcap')));
    const h = s.handlers();
    const d = await h.getStream({ streamIndex: 0 });
    expect(d.audio).toMatchObject({ playable: true, callStreams: [0, 1] });
    const r = await h.getStreamAudio({ streamIndexes: d.audio.callStreams });
    expect(r.streams.map((x) => [x.codec, x.channel, x.reason, x.lostPackets])).toEqual([
      ['opus', 1, undefined, 0],
      ['opus', 2, undefined, 0],
    ]);
    // RIFF/WAVE, 2 channels, 16 000 Hz (bytes 22-27 of the header), about 3 s.
    const v = new DataView(r.wav.buffer, r.wav.byteOffset, r.wav.byteLength);
    expect([v.getUint16(22, true), v.getUint32(24, true)]).toEqual([2, 16000]);
    expect(r.wav.length).toBeGreaterThan(44 + 3 * 16000 * 4);
  });
});

describe('CaptureSession message findings (MessageDetail.findings)', () => {
  it('lints the clicked message as a trace would be: the SDES keys in clear, at the a=crypto line; severities follow the settings', async () => {
    const bytes = new Uint8Array(readFileSync('samples/captures/baresip-call-srtp.pcap'));
    const s = await sessionOf(bytes);
    const d = await s.handlers().getMessage({ id: 0 });
    const sdes = d.findings.filter((f) => f.ruleId === 'sip/sdes-key-in-clear');
    expect(sdes).toHaveLength(1);
    expect(sdes[0]!.severity).toBe('warning');
    // The line is the message text's: head lines, then the body's.
    const lines = (d.head + d.body).split('\n');
    expect(lines[sdes[0]!.line - 1]!.slice(sdes[0]!.column - 1)).toMatch(/^a=crypto:/);
    s.setLintSettings({ ...DEFAULT_LINT_SETTINGS, severities: { 'sip/sdes-key-in-clear': 'error' } });
    expect((await s.handlers().getMessage({ id: 0 })).findings.find((f) => f.ruleId === 'sip/sdes-key-in-clear')?.severity).toBe('error');
    s.setLintSettings({ ...DEFAULT_LINT_SETTINGS, severities: { 'sip/sdes-key-in-clear': 'off' } });
    expect((await s.handlers().getMessage({ id: 0 })).findings.some((f) => f.ruleId === 'sip/sdes-key-in-clear')).toBe(false);
  });
});
