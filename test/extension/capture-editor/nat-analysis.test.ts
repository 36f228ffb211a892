// Tests for the capture editor's NAT analysis on the host: lintCapture run once after the import (async, cancellable,
// re-run on settings), getFindings with evidence frames classified, ladder pages with RTP streams and finding markers,
// stream detail (SDP declared vs observed), ladderRowOf, openExternal (rule references only), lint settings, status.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCapture, lintCapture, lintCaptureStream, memoryByteSource, type ByteSource, type CaptureModel } from '../../../src/core/index';
import { answerFindings, captureLintSettings, FindingIndexer, indexFindings, isRuleReferenceUrl, MAX_FINDINGS, natStatusText, refTitle } from '../../../src/extension/capture-editor/nat-analysis';
import { CaptureSession } from '../../../src/extension/capture-editor/session';
import type { NatSummary } from '../../../src/protocol/webview';
import { pcapOf } from '../../helpers/pcap-writer';
import { callFrames } from '../../helpers/sip-calls';

const LAB = 'samples/captures/lab/02-call-private-sdp-pub.pcap';

/** A memory ByteSource whose reads wait while held: keeps the NAT analysis "running" without timers. */
function gated(bytes: Uint8Array): { source: ByteSource; hold(): void; release(): void; reads: () => number } {
  const inner = memoryByteSource(bytes);
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  let reads = 0;
  return {
    source: {
      size: inner.size,
      read: async (o, n) => {
        while (gate) await gate;
        reads++;
        return inner.read(o, n);
      },
    },
    hold: () => void (gate = new Promise<void>((r) => (open = r))),
    release: () => {
      gate = undefined;
      open();
    },
    reads: () => reads,
  };
}

async function labSession(opts: ConstructorParameters<typeof CaptureSession>[2] = {}): Promise<{ s: CaptureSession; model: CaptureModel }> {
  const s = new CaptureSession('lab.pcap', undefined, opts);
  const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(LAB))));
  s.update(model, true);
  await s.analysisIdle;
  return { s, model };
}

describe('NAT analysis in the capture session (lab capture 02-call-private-sdp-pub)', () => {
  it('runs after the import, without blocking requests, and notifies its listeners', async () => {
    const g = gated(new Uint8Array(readFileSync(LAB)));
    const s = new CaptureSession('lab.pcap');
    const states: string[] = [];
    s.onDidChange(() => states.push(s.summary().nat.state));
    const model = await importCapture(g.source, { onUpdate: (m) => s.update(m, false) });
    expect(s.summary().nat.state).toBe('pending');
    g.hold();
    s.update(model, true);
    expect(s.summary().nat).toMatchObject({ state: 'running', findings: 0 });
    // Requests answer while the analysis waits for the capture: calls, a ladder (streams, no markers), findings.
    const h = s.handlers();
    expect((await h.getCalls({ from: 0, count: 10, sort: { key: 'index', descending: false }, filter: '' })).total).toBe(2);
    const before = await h.getLadder({ callIndexes: [1], from: 0, count: 100, columns: 'endpoint' });
    expect(before).toMatchObject({ nat: 'running', markers: [] });
    expect(before.streams).toHaveLength(2);
    expect(before.streams.every((st) => st.severity === undefined)).toBe(true);
    expect(await h.getFindings({ callIndexes: [1] })).toMatchObject({ state: 'running', findings: [], total: 0 });
    g.release();
    await s.analysisIdle;
    expect(states).toEqual(['running', 'done']);
    expect(s.summary().nat).toMatchObject({ state: 'done', findings: 13, errors: 3, calls: 2, note: undefined });
    const after = await h.getLadder({ callIndexes: [1], from: 0, count: 100, columns: 'endpoint' });
    expect(after.key).not.toBe(before.key);
    expect(after.markers.length).toBeGreaterThan(3);
  });

  it('getFindings: per call, most severe first, evidence frames classified, reference links', async () => {
    const { s, model } = await labSession();
    const r = await s.handlers().getFindings({ callIndexes: [1] });
    expect(r.state).toBe('done');
    expect(r.total).toBe(11);
    expect(r.findings.every((f) => f.callIndex === 1 && f.callId === model.calls[1]!.callId)).toBe(true);
    const rank = { error: 0, warning: 1, info: 2, hint: 3 };
    const ranks = r.findings.map((f) => rank[f.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const oneWay = r.findings.find((f) => f.ruleId === 'nat/one-way-audio')!;
    expect(oneWay).toMatchObject({ severity: 'error', url: 'https://www.rfc-editor.org/rfc/rfc8866#section-5.7', refTitle: 'RFC 8866 §5.7' });
    // f9: the INVITE (message 4); f19/f21: first packets of the two streams; f20/f22...: ICMP errors.
    expect(oneWay.frames.find((f) => f.frame === 9)).toEqual({ kind: 'sip', frame: 9, messageId: 4, label: 'INVITE' });
    expect(oneWay.frames.find((f) => f.frame === 19)).toEqual({ kind: 'rtp', frame: 19, streamIndex: 0 });
    expect(oneWay.frames.find((f) => f.frame === 21)).toEqual({ kind: 'rtp', frame: 21, streamIndex: 1 });
    // f20: an ICMP net unreachable answering one of the streams (its RTP to the private SDP address).
    const f20 = oneWay.frames.find((f) => f.frame === 20)!;
    expect(f20).toMatchObject({ kind: 'icmp', frame: 20, error: 'net unreachable' });
    const e20 = model.evidence!.icmp.find((e) => e.frame === 20)!;
    const answered = f20.kind === 'icmp' ? model.streams[f20.streamIndex!]! : undefined;
    expect(f20.kind === 'icmp' && f20.reporter).toBe(e20.reporter);
    expect(answered && [answered.src, answered.srcPort, answered.dst, answered.dstPort]).toEqual([e20.src, e20.srcPort, e20.dst, e20.dstPort]);
    expect(oneWay.frames.filter((f) => f.kind === 'icmp').map((f) => f.frame)).toEqual([20, 22, 24, 26]);
    expect(oneWay.streamIndexes.sort()).toEqual([0, 1]);
    expect(oneWay.frames.map((f) => f.frame)).toEqual([9, 11, 15, 16, 19, 20, 21, 22, 24, 26]);
    for (const f of r.findings) {
      for (const fr of f.frames) if (fr.kind === 'sip') expect(model.messages.get(fr.messageId).frame).toBe(fr.frame);
    }
    expect(r.verdicts).toHaveLength(1);
    expect(r.verdicts[0]).toMatchObject({ callIndex: 1, severity: 'error', findingCount: 11 });
    expect(r.verdicts[0]!.summary).toContain('caller behind NAT');
    expect(structuredClone(r)).toEqual(r);

    const all = await s.handlers().getFindings({});
    expect(all.total).toBe(13);
    expect(all.verdicts.map((v) => v.callIndex)).toEqual([0, 1]);
    const overview = await s.handlers().getFindings({ verdictsOnly: true });
    expect(overview).toMatchObject({ findings: [], total: 13 });
    expect(overview.verdicts).toHaveLength(2);
    expect((await s.handlers().getFindings({ callIndexes: [99, 1.5] })).findings).toEqual([]);
    expect(MAX_FINDINGS).toBeGreaterThanOrEqual(100);
    // The whole capture's answer is the calls' answers in call index order, whatever order they are asked in.
    const perCall = [];
    for (const i of [0, 1]) perCall.push(...(await s.handlers().getFindings({ callIndexes: [i] })).findings);
    expect(perCall.length).toBe(13);
    expect(all.findings).toEqual(perCall);
    expect((await s.handlers().getFindings({ callIndexes: [1, 0] })).findings).toEqual(perCall);
  });

  it('answerFindings: at most `limit` findings, the first of the full answer, and the total of all', async () => {
    const { model } = await labSession();
    const lint = await lintCapture(model, captureLintSettings({}));
    const indexed = indexFindings(model, lint.findings, lint.verdicts);
    const full = await answerFindings(indexed, {});
    expect(full.total).toBe(13);
    expect(full.findings).toHaveLength(13);
    for (const limit of [1, 3, 12]) {
      const cut = await answerFindings(indexed, {}, limit);
      expect(cut.total).toBe(13);
      expect(cut.findings).toEqual(full.findings.slice(0, limit));
      expect(cut.verdicts).toEqual(full.verdicts.slice(0, limit));
    }
    // Views are made on each answer, from the findings kept per call.
    expect((await answerFindings(indexed, { callIndexes: [1] })).findings).toEqual(full.findings.filter((f) => f.callIndex === 1));
  });

  it('keeps only counts and markers past keepFindings, and makes the same findings again when asked', async () => {
    const { s: kept, model } = await labSession();
    const { s: lean } = await labSession({ keepFindings: 2 });
    const h1 = kept.handlers();
    const h2 = lean.handlers();
    const all = await h1.getFindings({});
    expect(all.total).toBe(13);
    expect(await h2.getFindings({})).toEqual(all);
    for (const c of model.calls) expect(await h2.getFindings({ callIndexes: [c.index] })).toEqual(await h1.getFindings({ callIndexes: [c.index] }));
    expect(await h2.getFindings({ verdictsOnly: true })).toEqual(await h1.getFindings({ verdictsOnly: true }));
    for (const st of model.streams) expect(await h2.getStream({ streamIndex: st.index })).toEqual(await h1.getStream({ streamIndex: st.index }));
    expect(model.streams.some((st) => kept.summary().nat.findings > 0 && st.callIndex === 1)).toBe(true);
    const page = { callIndexes: [1], from: 0, count: 100, columns: 'endpoint' as const };
    expect(await h2.getLadder(page)).toEqual(await h1.getLadder(page));
    expect(lean.summary().nat).toEqual(kept.summary().nat);
  });

  it('FindingIndexer: linting calls again with the run\'s evidence gives the findings it kept, on every lab capture', async () => {
    const { readdirSync } = await import('node:fs');
    const dir = 'samples/captures/lab';
    let compared = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.pcap'))) {
      const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(`${dir}/${f}`))));
      const settings = captureLintSettings({});
      const run = await lintCaptureStream(model, settings);
      const keep = new FindingIndexer(model);
      const lean = new FindingIndexer(model, async (calls) => (await lintCapture(model, settings, { calls, evidence: run.evidence })).findings, 0);
      for await (const b of run.batches) {
        keep.add(b.findings, b.verdicts);
        lean.add(b.findings, b.verdicts);
      }
      const a = keep.finish();
      const b = lean.finish();
      expect([a.kept, b.kept]).toEqual([true, a.counts.findings === 0]);
      const calls = model.calls.map((c) => c.index);
      expect(await b.findingsOf(calls)).toEqual(await a.findingsOf(calls));
      for (const st of model.streams) expect(await b.streamFindings(st.index)).toEqual(await a.streamFindings(st.index));
      compared += a.counts.findings;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('getLadder: the RTP streams of the selected calls, markers on arrows and streams', async () => {
    const { s, model } = await labSession();
    const page = await s.handlers().getLadder({ callIndexes: [1], from: 0, count: 100, columns: 'endpoint' });
    expect(page.nat).toBe('done');
    // Each stream's RTP and RTCP to the private SDP address drew an ICMP net unreachable from the router.
    expect(page.streams.map((st) => st.label)).toEqual(['RTP PCMA 236 pkts, 0 lost [ICMP net unreachable x2]', 'RTP PCMA 236 pkts, 0 lost [ICMP net unreachable x2]']);
    for (const st of page.streams) {
      const info = model.streams[st.streamIndex]!;
      expect(st.icmpCount).toBe(2);
      for (const x of st.icmp ?? []) {
        const e = model.evidence!.icmp.find((y) => y.frame === x.frame)!;
        expect(e).toMatchObject({ kind: 'net-unreachable', reporter: x.reporter, dst: info.dst });
        expect([info.dstPort, info.dstPort + 1]).toContain(e.dstPort);
      }
      const from = page.columns[st.fromColumn]!;
      const to = page.columns[st.toColumn]!;
      expect(from.ip).toBe(info.src);
      expect(to.ip).toBe(info.dst);
      expect(st.severity).toBe('error');
      expect(st.ruleIds).toEqual(expect.arrayContaining(['nat/one-way-audio', 'nat/rtp-unreachable', 'nat/rtp-source-mismatch']));
      expect(st.startRow).toBeLessThanOrEqual(st.endRow);
    }
    // The first INVITE has findings: an error (one-way audio) first.
    const marker = page.markers.find((m) => m.messageId === 4)!;
    expect(marker.severity).toBe('error');
    expect(marker.ruleIds[0]).toBe('nat/one-way-audio');
    expect(marker.ruleIds).toContain('nat/via-source-mismatch');
    // Markers only for the page's rows.
    const small = await s.handlers().getLadder({ callIndexes: [1], from: 0, count: 2, columns: 'endpoint' });
    expect(small.markers.every((m) => small.rows.some((r) => r.messageId === m.messageId))).toBe(true);
    expect(structuredClone(page)).toEqual(page);
    // Other column modes keep the streams (host mode maps media IPs to the declared hosts).
    for (const columns of ['ip', 'host'] as const) {
      const p = await s.handlers().getLadder({ callIndexes: [1], from: 0, count: 100, columns });
      expect(p.streams).toHaveLength(2);
      for (const st of p.streams) expect(st.fromColumn).not.toBe(st.toColumn);
    }
    // A call without RTP has no streams.
    expect((await s.handlers().getLadder({ callIndexes: [0], from: 0, count: 10, columns: 'endpoint' })).streams).toEqual([]);
  });

  it('getStream: statistics, the matched SDP and the sender’s SDP against the observed source, findings', async () => {
    const { s, model } = await labSession();
    const d = await s.handlers().getStream({ streamIndex: 0 });
    const info = model.streams[0]!;
    expect(d).toMatchObject({
      index: 0,
      callIndex: 1,
      ssrc: '0xB0B00002',
      codec: 'PCMA',
      packets: 236,
      lost: 0,
      src: '198.51.100.2',
      srcPort: 6000,
      dst: '192.168.1.10',
      dstPort: 6000,
      maxDeltaMs: info.maxDeltaMs,
      maxJitterMs: info.maxJitterMs,
      meanJitterMs: info.meanJitterMs,
      dtmf: { count: 0, digits: '' },
    });
    // Bob's stream goes to Alice's SDP address (the receiver's declaration), while Bob's own SDP says 10.0.0.20.
    expect(d.matched).toMatchObject({ side: 'destination', address: '192.168.1.10', port: 6000, frame: 11, label: 'INVITE' });
    // Bob's own 200 OK (f15, sent from his NAT address), not the proxy's relayed copy (f16).
    expect(d.senderSdp).toMatchObject({ address: '10.0.0.20', port: 6000, label: '200 OK', frame: 15 });
    expect(d.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['nat/rtp-unreachable', 'nat/one-way-audio', 'nat/rtp-source-mismatch']));
    expect(d.findings[0]!.severity).toBe('error');
    const other = await s.handlers().getStream({ streamIndex: 1 });
    expect(other.senderSdp).toMatchObject({ address: '192.168.1.10', port: 6000, label: 'INVITE', frame: 9 });
    await expect(s.handlers().getStream({ streamIndex: 99 })).rejects.toThrow(/no RTP stream/);
  });

  it('ladderRowOf: the row of a message in the ladder of the selected calls', async () => {
    const { s, model } = await labSession();
    const h = s.handlers();
    const page = await h.getLadder({ callIndexes: [0, 1], from: 0, count: 100, columns: 'ip' });
    for (const id of [4, 11, 17]) {
      const r = await h.ladderRowOf({ callIndexes: [0, 1], columns: 'ip', messageId: id });
      expect(r.key).toBe(page.key);
      expect(page.rows[r.row]!.messageId).toBe(id);
    }
    expect((await h.ladderRowOf({ callIndexes: [1], columns: 'endpoint', messageId: model.calls[0]!.messageIds[0]! })).row).toBe(-1);
  });

  it('openExternal opens rule references only', async () => {
    const opened: string[] = [];
    const { s } = await labSession({ openExternal: (url) => (opened.push(url), true) });
    const url = 'https://www.rfc-editor.org/rfc/rfc3581#section-4';
    expect(await s.handlers().openExternal({ url })).toEqual({ opened: true });
    await expect(s.handlers().openExternal({ url: 'https://evil.example/' })).rejects.toThrow(/rule reference/);
    await expect(s.handlers().openExternal({ url: 'javascript:alert(1)' })).rejects.toThrow(/rule reference/);
    expect(opened).toEqual([url]);
    const bare = new CaptureSession('x.pcap');
    expect(await bare.handlers().openExternal({ url })).toEqual({ opened: false });
    expect(isRuleReferenceUrl(url)).toBe(true);
    expect(isRuleReferenceUrl(42)).toBe(false);
  });

  it('re-runs with new settings (severity off), and dispose cancels a run in progress', async () => {
    const { s } = await labSession();
    const gen = s.summary().nat.generation;
    s.setLintSettings(captureLintSettings({ rules: { 'nat/one-way-audio': 'off', 'nat/rtp-unreachable': 'hint' } }));
    expect(s.summary().nat.state).toBe('running');
    await s.analysisIdle;
    const nat = s.summary().nat;
    expect(nat.generation).toBeGreaterThan(gen);
    expect(nat).toMatchObject({ state: 'done', findings: 12, errors: 0 });
    const r = await s.handlers().getFindings({ callIndexes: [1] });
    expect(r.findings.some((f) => f.ruleId === 'nat/one-way-audio')).toBe(false);
    expect(r.findings.filter((f) => f.ruleId === 'nat/rtp-unreachable').every((f) => f.severity === 'hint')).toBe(true);

    const g = gated(new Uint8Array(readFileSync(LAB)));
    const d = new CaptureSession('lab.pcap');
    let notified = 0;
    d.onDidChange(() => notified++);
    const model = await importCapture(g.source);
    g.hold();
    d.update(model, true);
    expect(notified).toBe(1);
    d.dispose();
    g.release();
    await d.analysisIdle;
    expect(d.summary().nat.state).toBe('running'); // never completed: its result was dropped
    expect(notified).toBe(1);
    // Requests still settle after dispose.
    expect((await d.handlers().getFindings({})).findings).toEqual([]);
  });

  it('skips the analysis of a cancelled or unreadable import; a capture without NAT has no findings', async () => {
    const frames = callFrames({ callId: 'plain' });
    const cancelled = new CaptureSession('c.pcap');
    cancelled.update(await importCapture(memoryByteSource(pcapOf(frames)), { isCancelled: () => true }), true);
    expect(cancelled.summary().nat).toMatchObject({ state: 'skipped' });
    expect(cancelled.summary().nat.note).toMatch(/cancelled/);
    const junk = new CaptureSession('j.pcap');
    junk.update(await importCapture(memoryByteSource(new TextEncoder().encode('<html>not a capture</html>'))), true);
    expect(junk.summary().nat.state).toBe('skipped');
    const failed = new CaptureSession('f.pcap');
    failed.fail('Cannot read f.pcap: EACCES');
    expect(failed.summary().nat).toMatchObject({ state: 'skipped', note: 'Cannot read f.pcap: EACCES' });
    const plain = new CaptureSession('p.pcap');
    plain.update(await importCapture(memoryByteSource(pcapOf(frames))), true);
    await plain.analysisIdle;
    expect(plain.summary().nat).toMatchObject({ state: 'done', findings: 0 });
  });
});

describe('NAT analysis helpers', () => {
  it('captureLintSettings: trusted networks, severities without the rules’ defaults, `information`', () => {
    const s = captureLintSettings({
      rules: { 'nat/one-way-audio': 'error', 'nat/symmetric-nat': 'information', 'nat/rtp-unreachable': 'off', bogus: 'loud' },
      nat: { trustedNetworks: ['100.64.0.0/10', 42, ' 10.0.0.0/8 '] },
    });
    expect(s.trustedNetworks).toEqual(['100.64.0.0/10', '10.0.0.0/8']);
    // nat/one-way-audio defaults to error: dropped; symmetric-nat defaults to info: dropped too.
    expect(s.severities).toEqual({ 'nat/rtp-unreachable': 'off' });
    expect(captureLintSettings(undefined)).toMatchObject({ severities: {}, trustedNetworks: [], sipPorts: [5060, 5061] });
  });

  it('refTitle and the status bar text', () => {
    expect(refTitle({ rfc: 3581, section: '4', url: 'x' })).toBe('RFC 3581 §4');
    expect(refTitle({ rfc: 4961, url: 'x' })).toBe('RFC 4961');
    expect(refTitle({ title: 'Kamailio nathelper', url: 'x' })).toBe('Kamailio nathelper');
    expect(refTitle(undefined)).toBeUndefined();
    const base: NatSummary = { state: 'done', findings: 13, errors: 3, warnings: 4, infos: 6, hints: 0, calls: 2, note: undefined, generation: 2 };
    expect(natStatusText(base).text).toBe('$(warning) 13 NAT');
    expect(natStatusText(base).tooltip).toBe('NAT: 13 findings in 2 calls (3 errors, 4 warnings, 6 info)');
    expect(natStatusText({ ...base, findings: 0, errors: 0, warnings: 0, infos: 0 }).text).toBe('$(pass) 0 NAT');
    expect(natStatusText({ ...base, state: 'running' }).text).toBe('$(sync~spin) NAT…');
    expect(natStatusText({ ...base, state: 'pending' }).text).toBe('');
    expect(natStatusText({ ...base, state: 'failed', note: 'boom' })).toEqual({ text: '$(error) NAT', tooltip: 'boom' });
    expect(natStatusText({ ...base, state: 'skipped', note: 'import cancelled' }).text).toBe('');
  });
});
