// Tests for the capture editor protocol (src/protocol/webview.ts) end to end in Node: a webview-side Messenger talks to
// the REAL host handlers (CaptureSession) through structured-clone delivery, as postMessage does. Version 2 requests
// (findings, streams, ladder rows, openExternal) answer; a webview of protocol version 1 is refused.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCapture, memoryByteSource } from '../../src/core/index';
import { CaptureSession } from '../../src/extension/capture-editor/session';
import { Messenger, MessengerError } from '../../src/protocol/messenger';
import { PROTOCOL_VERSION, type HostRequests, type HostToWebview, type Requests, type WebviewToHost } from '../../src/protocol/webview';

const LAB = 'samples/captures/lab/02-call-private-sdp-pub.pcap';

/** Host and webview messengers back to back; every envelope is structured-cloned like postMessage does. */
function connect(session: CaptureSession, webVersion = PROTOCOL_VERSION) {
  const events: HostToWebview[] = [];
  const host: Messenger<HostRequests, Requests, HostToWebview, WebviewToHost> = new Messenger<HostRequests, Requests, HostToWebview, WebviewToHost>({
    post: (e) => void queueMicrotask(() => web.receive(structuredClone(e))),
    version: PROTOCOL_VERSION,
    handlers: session.handlers(),
  });
  const web: Messenger<Requests, HostRequests, WebviewToHost, HostToWebview> = new Messenger<Requests, HostRequests, WebviewToHost, HostToWebview>({
    post: (e) => void queueMicrotask(() => host.receive(structuredClone(e))),
    version: webVersion,
    onEvent: (e) => events.push(e),
  });
  return { host, web, events };
}

describe('capture editor protocol v6', () => {
  it('is version 6 and serves findings, streams, stream audio, ladder rows, markers and message findings across the channel', async () => {
    expect(PROTOCOL_VERSION).toBe(6);
    const session = new CaptureSession('lab.pcap');
    session.update(await importCapture(memoryByteSource(new Uint8Array(readFileSync(LAB)))), true);
    const { host, web, events } = connect(session);
    // The summary event carries the analysis state; the host pushes it again when the analysis ends.
    session.onDidChange(() => host.notify({ type: 'captureUpdate', summary: session.summary() }));
    await session.analysisIdle;
    await expect
      .poll(() => {
        const last = events.at(-1);
        return last?.type === 'captureUpdate' ? last.summary.nat : undefined;
      })
      .toMatchObject({ state: 'done', findings: 13 });

    const findings = await web.request('getFindings', { callIndexes: [1] });
    expect(findings.findings.map((f) => f.ruleId)).toContain('nat/one-way-audio');
    const page = await web.request('getLadder', { callIndexes: [1], from: 0, count: 50, columns: 'endpoint' });
    expect(page.streams).toHaveLength(2);
    expect(page.markers.length).toBeGreaterThan(0);
    const row = await web.request('ladderRowOf', { callIndexes: [1], columns: 'endpoint', messageId: page.markers[0]!.messageId });
    expect(page.rows[row.row]!.messageId).toBe(page.markers[0]!.messageId);
    const stream = await web.request('getStream', { streamIndex: page.streams[0]!.streamIndex });
    expect(stream.label).toBe('RTP PCMA 236 pkts, 0 lost');
    // v5: the stream can be played, and its decoded audio crosses the channel as bytes (a WAV file).
    expect(stream.audio).toMatchObject({ playable: true, reason: undefined });
    expect(stream.audio.callStreams).toContain(stream.index);
    const audio = await web.request('getStreamAudio', { streamIndexes: [stream.index] });
    expect(audio.wav).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(audio.wav.subarray(0, 4))).toBe('RIFF');
    expect(audio.streams).toEqual([{ streamIndex: stream.index, codec: 'PCMA', channel: 1, reason: undefined, lostPackets: 0, truncated: false, srtp: false }]);
    expect(audio.durationSec).toBeGreaterThan(stream.durationSec);
    await expect(web.request('getStreamAudio', { streamIndexes: [9999] })).rejects.toMatchObject({ code: 'handler-error' });
    // v6: a message's detail carries what the message rules find in it (the marked INVITE: NAT rules on its text).
    const detail = await web.request('getMessage', { id: page.markers[0]!.messageId });
    expect(detail.findings.length).toBeGreaterThan(0);
    for (const f of detail.findings) {
      expect(f.line).toBeGreaterThanOrEqual(1);
      expect(f.column).toBeGreaterThanOrEqual(1);
    }
    await expect(web.request('openExternal', { url: 'https://example.com/' })).rejects.toMatchObject({ code: 'handler-error' });
    expect(await web.request('openExternal', { url: findings.findings[0]!.url! })).toEqual({ opened: false });
    host.dispose();
    web.dispose();
  });

  it('refuses a webview of protocol version 1', async () => {
    const session = new CaptureSession('x.pcap');
    const { web } = connect(session, 1);
    const err = await web.request('getFindings', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessengerError);
    expect((err as MessengerError).code).toBe('version-mismatch');
    web.dispose();
  });
});
