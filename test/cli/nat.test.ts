// `sipscope nat`: text (verdict per call, then findings with frames), JSON ({findings, verdicts} with exactly
// ruleId/severity/message/callId/frames per finding), SARIF 2.1.0, --trusted and exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture } from '../../src/core/capture/import-capture';
import { memoryByteSource } from '../../src/core/bytes/byte-source';
import { DEFAULT_LINT_SETTINGS } from '../../src/core/rules/types';
import { formatNatText, natJsonReport, natReport, natSarif, runNat, type NatJsonReport } from '../../src/cli/commands/nat';
import { lintCapture } from '../../src/core/rules/run-capture';
import { exportFinding } from '../../src/core/rules/capture/export';

const LAB = join(__dirname, '../../samples/captures/lab');
const load = (f: string) => importCapture(memoryByteSource(new Uint8Array(readFileSync(join(LAB, f)))));
const settings = DEFAULT_LINT_SETTINGS;

describe('sipscope nat', () => {
  it('text: per call the verdict, then severity, rule id, frames and message; exit 1 on errors', async () => {
    const model = await load('02-call-private-sdp-pub.pcap');
    const r = await runNat(model, { format: 'text', settings, path: '02.pcap' });
    expect(r.exitCode).toBe(1);
    const lines = r.output.split('\n');
    // The call sections, then the totals line (written last: the report is written as the lint goes).
    expect(lines.at(-2)).toMatch(/^02\.pcap: 2 call\(s\) analysed; \d+ NAT finding\(s\) in 2 call\(s\)$/);
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toMatch(/^#1 REGISTER /);
    const callLine = lines.findIndex((l) => /^#2 INVITE /.test(l));
    expect(callLine).toBeGreaterThan(0);
    expect(lines[callLine + 1]).toMatch(/^ {2}verdict: caller behind NAT .*RTP from callee never reached caller: SDP c= 192\.168\.1\.10 is private/);
    expect(r.output).toMatch(/\n {2}error {3}nat\/rtp-unreachable \[f11,f19,f20,f24\] /);
    expect(r.output).toMatch(/\n {2}warning nat\/sdp-private-public-source \[f9,f11\] /);
  });

  it('text: a clean capture says so and exits 0', async () => {
    const r = await runNat(await load('03-call-clean-baseline-pub.pcap'), { format: 'text', settings });
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('No NAT findings.');
  });

  it('json: exactly {findings: [{ruleId, severity, message, callId, frames}], verdicts}', async () => {
    const model = await load('01b-register-norport-lost-reply-pub.pcap');
    const r = await runNat(model, { format: 'json', settings });
    const doc = JSON.parse(r.output) as NatJsonReport;
    expect(Object.keys(doc)).toEqual(['findings', 'verdicts']);
    expect(doc.findings.length).toBeGreaterThan(0);
    for (const f of doc.findings) {
      expect(Object.keys(f)).toEqual(['ruleId', 'severity', 'message', 'callId', 'frames']);
      expect(f.ruleId).toMatch(/^nat\//);
      expect(f.callId).toBe(model.calls[0]!.callId);
      expect(f.frames.every((x) => Number.isInteger(x) && x >= 1 && x <= model.records)).toBe(true);
    }
    const via = doc.findings.find((f) => f.ruleId === 'nat/response-via-port')!;
    expect(via.severity).toBe('error');
    expect(via.frames.slice(0, 3)).toEqual([3, 4, 5]);
    expect(doc.verdicts).toHaveLength(1);
    const v = doc.verdicts[0]!;
    expect(Object.keys(v)).toEqual(['callIndex', 'callId', 'summary', 'frames', 'findings']);
    expect(v.findings.map((i) => doc.findings[i]!.ruleId)).toContain('nat/response-via-port');
    expect(r.exitCode).toBe(1);
  });

  it('json is written in pieces byte for byte as JSON.stringify(report, null, 2) would write it, with verdicts pointing at their own findings', async () => {
    for (const f of ['02-call-private-sdp-pub.pcap', '06-call-ipv6-nat66-pub.pcap', '03-call-clean-baseline-pub.pcap']) {
      const model = await load(f);
      const r = await lintCapture(model, settings);
      const whole = JSON.stringify(natJsonReport(r.findings, r.verdicts), null, 2) + '\n';
      expect((await runNat(model, { format: 'json', settings })).output).toBe(whole);
      const doc = JSON.parse(whole) as NatJsonReport;
      for (const v of doc.verdicts) for (const i of v.findings) expect(doc.findings[i]!.callId).toBe(v.callId);
    }
  });

  it('text: several calls with findings, each under its own verdict line', async () => {
    const model = await load('06-call-ipv6-nat66-pub.pcap');
    const r = await lintCapture(model, settings);
    const text = formatNatText(model, r, r.findings, r.verdicts);
    expect(text.endsWith('\n')).toBe(true);
    const calls = text.split('\n').filter((l) => /^#\d+ /.test(l)).length;
    expect(calls).toBe(r.verdicts.filter((v) => v.findings.length > 0).length);
    expect(text.split('\n').filter((l) => /^ {2}(error|warning|info|hint) +nat\//.test(l))).toHaveLength(r.findings.length);
  });

  it('sarif: 2.1.0, capture rules only, results with rule index, call and frames', async () => {
    const r = await runNat(await load('02b-call-to-public-gw-oneway-pub.pcap'), { format: 'sarif', settings, path: 'dir/02b.pcap' });
    const log = JSON.parse(r.output);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.rules.every((x: { id: string; properties: { tags: string[] } }) => x.id.startsWith('nat/') && x.properties.tags.includes('capture'))).toBe(true);
    expect(run.artifacts[0].location.uri).toBe('dir/02b.pcap');
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'nat/one-way-audio');
    expect(res.level).toBe('error');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('nat/one-way-audio');
    expect(res.properties.frames.length).toBeGreaterThan(0);
    expect(res.locations[0].logicalLocations[0].fullyQualifiedName).toBe('call/1');
  });

  it('sarif is written a result at a time, byte for byte as JSON.stringify(natSarif(...), null, 2) would write it', async () => {
    for (const f of ['02-call-private-sdp-pub.pcap', '06-call-ipv6-nat66-pub.pcap', '03-call-clean-baseline-pub.pcap']) {
      const model = await load(f);
      const r = await lintCapture(model, settings);
      const out = await runNat(model, { format: 'sarif', settings, path: f });
      expect(out.output).toBe(JSON.stringify(natSarif(r.findings, f), null, 2) + '\n');
      expect(JSON.parse(out.output).runs[0].results).toHaveLength(r.findings.length);
      // Not one string: a piece (or more) per result.
      const pieces: string[] = [];
      for await (const p of (await natReport(model, { format: 'sarif', settings, path: f })).pieces) pieces.push(p);
      expect(pieces.length).toBeGreaterThan(r.findings.length);
    }
  });

  it('--trusted networks and --min-severity', async () => {
    const model = await load('02-call-private-sdp-pub.pcap');
    const all = JSON.parse((await runNat(model, { format: 'json', settings })).output) as NatJsonReport;
    const trusted = await runNat(model, { format: 'json', settings: { ...settings, trustedNetworks: ['192.168.1.0/24', '10.0.0.0/24'] } });
    const t = JSON.parse(trusted.output) as NatJsonReport;
    expect(t.findings.length).toBeLessThan(all.findings.length);
    expect(t.findings.some((f) => f.severity === 'error')).toBe(false);
    expect(trusted.exitCode).toBe(0);
    const errorsOnly = JSON.parse((await runNat(model, { format: 'json', settings, minSeverity: 'error' })).output) as NatJsonReport;
    expect(errorsOnly.findings.every((f) => f.severity === 'error')).toBe(true);
    expect(errorsOnly.verdicts.every((v) => v.findings.every((i) => i < errorsOnly.findings.length))).toBe(true);
  });

  it('exportFinding: plain data with sorted unique frames', () => {
    const f = exportFinding({ ruleId: 'nat/x', severity: 'info', message: 'm', refs: [], frames: [5, 3, 5], callId: 'c@x', callIndex: 0 });
    expect(f).toEqual({ ruleId: 'nat/x', severity: 'info', message: 'm', callId: 'c@x', frames: [3, 5] });
    expect(exportFinding({ ruleId: 'nat/y', severity: 'hint', message: 'n', refs: [] })).toEqual({ ruleId: 'nat/y', severity: 'hint', message: 'n', callId: null, frames: [] });
  });
});
