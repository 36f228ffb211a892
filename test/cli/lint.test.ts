// `sipscope lint`: text / JSON / SARIF outputs, 1-based lines and UTF-16 columns, exit codes, minSeverity, .sdp files.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintBytes, lintReport, runLint, type LintFileResult } from '../../src/cli/commands/lint';
import { formatLintJson } from '../../src/cli/format/lint-json';
import { formatLintText } from '../../src/cli/format/lint-text';
import { formatSarif } from '../../src/cli/format/sarif';
import { DEFAULT_LINT_SETTINGS } from '../../src/core/rules/types';
import { RULES } from '../../src/core/rules/registry';
import { invite, SDP_OK } from '../core/rules/helpers';
import { memoryByteSource } from '../../src/core/bytes/byte-source';
import { importCapture, loadMessageBytes } from '../../src/core/capture/import-capture';
import { pcapOf } from '../helpers/pcap-writer';
import { fileTempDir } from '../helpers/temp-dir';

const dir = fileTempDir('sipscope-lint-');
const clean = join(dir, 'clean.sip');
writeFileSync(clean, invite());
const bad = join(dir, 'bad.siptrace');
// Line 5 is "To: ..." with a non-ASCII display name before the URI; the CSeq method mismatches on line 8.
writeFileSync(bad, invite().replace('To: Bob <', 'To: "Bøb 😀" <').replace('CSeq: 314159 INVITE', 'CSeq: 314159 BYE'));
const warnOnly = join(dir, 'warn.log');
writeFileSync(warnOnly, invite().replace(';rport;', ';'));
const sdpFile = join(dir, 'offer.sdp');
writeFileSync(sdpFile, SDP_OK.replace('a=rtpmap:96 opus/48000/2\r\n', ''));
const missing = join(dir, 'nope.sip');
const settings = DEFAULT_LINT_SETTINGS;

describe('sipscope lint', () => {
  it('text: file:line:col severity ruleId message; exit 1 on errors', async () => {
    const r = await runLint([bad], { format: 'text', settings });
    expect(r.exitCode).toBe(1);
    const line = r.output.split('\n').find((l) => l.includes('sip/cseq-method'))!;
    expect(line).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:7 error sip/cseq-method CSeq method "BYE" does not match`));
  });

  it('exit 0 for a clean file (no output) and for warnings/hints only', async () => {
    const a = await runLint([clean], { format: 'text', settings });
    expect(a).toEqual({ output: '', exitCode: 0 });
    const b = await runLint([warnOnly], { format: 'text', settings });
    expect(b.exitCode).toBe(0);
    expect(b.output).toContain(' hint nat/via-rport ');
  });

  it('minSeverity drops lower findings', async () => {
    const r = await runLint([warnOnly], { format: 'text', settings, minSeverity: 'warning' });
    expect(r.output).toBe('');
  });

  it('a capture: each SIP message is linted, findings at FILE:frame N:line:col within the message; pcapng and .pcap.gz too', async () => {
    const srtp = join(__dirname, '../../samples/captures/baresip-call-srtp.pcap');
    const r = await runLint([srtp], { format: 'text', settings });
    // Warnings only (the SDES keys in clear, loopback addresses): exit 0.
    expect(r.exitCode).toBe(0);
    const lines = r.output.trim().split('\n');
    const sdes = lines.filter((l) => l.includes(' sip/sdes-key-in-clear '));
    // The INVITE's offer and the 200 OK's answer: the same finding, reported once at the first, with both frames.
    expect(sdes.length).toBe(1);
    expect(sdes[0]).toMatch(/ \[2 messages: frames 1, 5\]$/);
    // It points at the a=crypto line of its message (positions are within the message's own text).
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(srtp))));
    for (const l of sdes) {
      const m = new RegExp(`^${srtp.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:frame (\\d+):(\\d+):(\\d+) warning `).exec(l)!;
      expect(m, l).not.toBeNull();
      const id = [...Array(model.messages.count).keys()].find((k) => model.messages.get(k).frame === Number(m[1]))!;
      const text = new TextDecoder().decode(await loadMessageBytes(model, id));
      expect(text.split('\r\n')[Number(m[2]) - 1]!.slice(Number(m[3]) - 1)).toMatch(/^a=crypto:/);
    }
    // The same capture gzip-compressed and a pcapng capture are read too; a trace beside them is linted as before.
    const gz = join(dir, 'srtp.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(srtp)));
    const pcapng = join(__dirname, '../../samples/captures/register-auth.pcapng');
    const all = await runLint([gz, pcapng, bad], { format: 'text', settings });
    expect(all.exitCode).toBe(1); // bad.siptrace has errors
    expect(all.output.split('\n').filter((l) => l.startsWith(`${gz}:`))).toEqual(lines.map((l) => l.replace(srtp, gz)));
    expect(all.output).toMatch(new RegExp(`${pcapng.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:frame \\d+:\\d+:\\d+ `));
    expect(all.output).toContain(' error sip/cseq-method ');
  });

  it('a capture: retransmissions are not linted again; JSON gives each finding its frame, SARIF a logical location', async () => {
    const pcap = join(__dirname, '../../samples/captures/lab/01b-register-norport-lost-reply-pub.pcap');
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(pcap))));
    const retransmitted = new Set<number>();
    for (let k = 0; k < model.messages.count; k++) if (model.messages.get(k).retransmission) retransmitted.add(model.messages.get(k).frame);
    expect(retransmitted.size).toBeGreaterThan(0);
    const json = JSON.parse((await runLint([pcap], { format: 'json', settings })).output);
    expect(json.files[0]).toMatchObject({ path: pcap, capture: true });
    const frames: number[] = json.files[0].findings.flatMap((f: { frame: number; frames?: number[] }) => f.frames ?? [f.frame]);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => retransmitted.has(f))).toEqual([]);
    // A finding repeated in several messages is one JSON finding with their count and frames (capture order).
    const grouped = json.files[0].findings.filter((f: { messages?: number }) => f.messages !== undefined);
    expect(grouped.length).toBeGreaterThan(0);
    for (const g of grouped) {
      expect(g.frames).toHaveLength(g.messages);
      expect(g.frames[0]).toBe(g.frame);
      expect([...g.frames].sort((a: number, b: number) => a - b)).toEqual(g.frames);
    }
    const sarif = JSON.parse((await runLint([pcap], { format: 'sarif', settings })).output);
    const res = sarif.runs[0].results[0];
    expect(res.locations[0].logicalLocations[0].name).toBe(`frame ${json.files[0].findings[0].frame}`);
    expect(res.locations[0].physicalLocation.region).toBeUndefined();
    expect(res.properties.frame).toBe(json.files[0].findings[0].frame);
  });

  it('a capture: the same finding in several messages is one line, each message counted once', async () => {
    // Three calls whose INVITE has the same private Contact twice: nat/private-contact, same text, in 3 messages.
    const twice = (callId: string): string =>
      invite().replace('a84b4c76e66710', callId).replace('z9hG4bK776asdhds', `z9hG4bK-${callId}`).replace(/Contact: [^\r]*\r\n/, 'Contact: <sip:alice@192.168.1.5>\r\nContact: <sip:alice@192.168.1.5>\r\n');
    expect(twice('x')).toContain('Contact: <sip:alice@192.168.1.5>\r\nContact:');
    const file = join(dir, 'three-calls.pcap');
    writeFileSync(file, pcapOf(['c1', 'c2', 'c3'].map((id, i) => ({ time: 10 + i, src: '203.0.113.5', dst: '198.51.100.7', srcPort: 5060, dstPort: 5060, payload: twice(id) }))));
    const r = await runLint([file], { format: 'text', settings });
    const contact = r.output.split('\n').filter((l) => l.includes(' nat/private-contact '));
    expect(contact).toHaveLength(1);
    expect(contact[0]).toMatch(/^.*:frame 1:\d+:\d+ warning nat\/private-contact .* \[3 messages: frames 1, 2, 3\]$/);
  });

  it('a file that starts like a capture but cannot be read as one is reported and fails the run', async () => {
    const broken = join(dir, 'broken.pcap');
    writeFileSync(broken, Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0)); // pcap magic, header cut short
    const r = await runLint([broken], { format: 'text', settings });
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: error: .+`));
  });

  it('an unreadable file is reported and fails the run', async () => {
    const r = await runLint([clean, missing], { format: 'text', settings });
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(`${missing}: error: file not found`);
  });

  it('.sdp files are linted as SDP', async () => {
    const r = await runLint([sdpFile], { format: 'text', settings });
    expect(r.output).toContain(`${sdpFile}:6:1 error sdp/rtpmap`);
    expect(r.exitCode).toBe(1);
  });

  it('JSON: files/findings with 1-based lines and UTF-16 columns and refs', async () => {
    const file = join(dir, 'utf16.sip');
    // The Contact host is preceded on its line by a display name with an emoji (2 UTF-16 units, 4 bytes).
    writeFileSync(file, invite().replace('Contact: <sip:alice@203.0.113.5:5060>', 'Contact: "😀" <sip:alice@10.0.0.5:5060>'));
    const r = await runLint([file, bad], { format: 'json', settings });
    const j = JSON.parse(r.output) as { columns: string; files: { path: string; findings: { ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number; refs: { url: string }[] }[] }[] };
    expect(j.columns).toBe('utf-16');
    expect(j.files.map((f) => f.path)).toEqual([file, bad]);
    const c = j.files[0]!.findings.find((f) => f.ruleId === 'nat/private-contact')!;
    // 'Contact: "😀" <sip:alice@' is 25 UTF-16 units: the host starts at column 26.
    expect([c.line, c.column, c.endLine, c.endColumn]).toEqual([8, 26, 8, 34]);
    expect(c.severity).toBe('warning');
    expect(c.refs[0]!.url).toMatch(/^https:\/\/www\.rfc-editor\.org\/rfc\/rfc3261/);
    expect(r.exitCode).toBe(1);
  });

  it('SARIF 2.1.0: rules from the registry with helpUri, results with regions, fixes as byte replacements', async () => {
    const file = join(dir, 'cl.sip');
    writeFileSync(file, invite().replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) + 1}`));
    const r = await runLint([file], { format: 'sarif', settings });
    const s = JSON.parse(r.output);
    expect(s.version).toBe('2.1.0');
    expect(s.$schema).toContain('sarif-2.1.0');
    const run = s.runs[0];
    expect(run.tool.driver.name).toBe('SIPScope');
    expect(run.tool.driver.rules.length).toBe(RULES.length);
    expect(run.tool.driver.rules.every((x: { id: string; helpUri: string }) => x.id && /^https:/.test(x.helpUri))).toBe(true);
    expect(run.columnKind).toBe('utf16CodeUnits');
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'sip/content-length');
    expect(res.level).toBe('error');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('sip/content-length');
    expect(res.locations[0].physicalLocation.region.startLine).toBe(10);
    expect(res.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toMatch(/^\d+$/);
    expect(r.exitCode).toBe(1);
  });

  it('writes every format in pieces (a line, a finding, a result each), exactly as the whole-string renderers', async () => {
    // Many findings in two files, plus an unreadable one.
    const many = join(dir, 'many.sip');
    writeFileSync(many, Array.from({ length: 300 }, () => invite().replace(';rport;', ';').replace('CSeq: 314159 INVITE', 'CSeq: 314159 BYE')).join(''));
    const files = [bad, many, missing];
    const results: LintFileResult[] = [
      lintBytes(bad, readFileSync(bad), settings),
      lintBytes(many, readFileSync(many), settings),
      { path: missing, languageId: 'sip', findings: [], error: 'file not found' },
    ];
    const findings = results.reduce((n, r) => n + r.findings.length, 0);
    expect(findings).toBeGreaterThan(600);
    const whole = { text: formatLintText(results), json: formatLintJson(results), sarif: formatSarif(results) };
    for (const format of ['text', 'json', 'sarif'] as const) {
      const r = await lintReport(files, { format, settings });
      const pieces = [...r.pieces];
      expect(pieces.join(''), format).toBe(whole[format]);
      expect(pieces.length, format).toBeGreaterThan(findings);
      expect(r.exitCode).toBe(1);
    }
  });
});

