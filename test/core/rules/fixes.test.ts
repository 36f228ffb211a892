// Fixes are data (byte edits into the document): applying each one and linting again makes its finding disappear,
// also inside a multi-message trace and inside log formats where offsets are mapped.
import { describe, expect, it } from 'vitest';
import { lintDocument } from '../../../src/core/rules/run';
import { applyEdits, applyFirstFixes, dec, enc, invite, SDP_OK, sip } from './helpers';

function rulesIn(doc: string): string[] {
  return lintDocument(enc.encode(doc), 'sip').findings.map((f) => f.ruleId);
}

describe('quick fixes', () => {
  it('sip/content-length: sets the real byte count (too small and too large)', () => {
    for (const delta of [-12, 25]) {
      const bad = invite().replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) + delta}`);
      expect(rulesIn(bad)).toContain('sip/content-length');
      const fixed = applyFirstFixes(bad, 'sip/content-length');
      expect(fixed).toBe(invite());
      expect(rulesIn(fixed)).not.toContain('sip/content-length');
    }
  });

  it('sip/content-length: a non-ASCII body is counted in bytes', () => {
    const body = SDP_OK.replace('s=-', 's=Café ☕');
    const good = invite(body);
    const bad = good.replace(/Content-Length: \d+/, `Content-Length: ${body.length}`);
    expect(rulesIn(bad)).toContain('sip/content-length');
    expect(applyFirstFixes(bad, 'sip/content-length')).toBe(good);
  });

  it('nat/via-rport: adds ;rport after the top Via sent-by', () => {
    const bad = invite().replace('UDP 203.0.113.5:5060;rport;', 'UDP 10.0.0.7:5060;');
    const fixed = applyFirstFixes(bad, 'nat/via-rport');
    expect(fixed).toContain('Via: SIP/2.0/UDP 10.0.0.7:5060;rport;branch=');
    expect(rulesIn(fixed)).not.toContain('nat/via-rport');
  });

  it('sip/line-endings: converts to CRLF and updates Content-Length, so nothing is left', () => {
    const crlf = invite();
    const lf = crlf.replace(/\r\n/g, '\n').replace(/Content-Length: \d+/, `Content-Length: ${enc.encode(SDP_OK.replace(/\r\n/g, '\n')).length}`);
    expect(rulesIn(lf)).toContain('sip/line-endings');
    const fixed = applyFirstFixes(lf, 'sip/line-endings');
    expect(fixed).toBe(crlf);
    expect(rulesIn(fixed)).toEqual([]);
  });

  it('sip/max-forwards: inserts "Max-Forwards: 70" after the Vias', () => {
    const bad = invite().replace('Max-Forwards: 70\r\n', '');
    const fixed = applyFirstFixes(bad, 'sip/max-forwards');
    expect(fixed).toContain('branch=z9hG4bK776asdhds\r\nMax-Forwards: 70\r\nTo:');
    expect(rulesIn(fixed)).toEqual([]);
  });

  it('sip/compact-form: expands one name, or all of them', () => {
    const bad = invite().replace('Via:', 'v:').replace('Call-ID:', 'i:').replace('Content-Type:', 'c:');
    const one = applyFirstFixes(bad, 'sip/compact-form');
    expect(one).toBe(invite());
    const bytes = enc.encode(bad);
    const f = lintDocument(bytes, 'sip').findings.find((x) => x.ruleId === 'sip/compact-form');
    const all = f?.fixes?.find((x) => x.title.startsWith('Expand all'));
    expect(all).toBeDefined();
    expect(dec.decode(applyEdits(bytes, all!.edits))).toBe(invite());
  });

  it('fixes in the second message of a trace edit the right bytes', () => {
    const second = invite().replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) - 3}`);
    const doc = invite() + '\r\n' + second;
    const fixed = applyFirstFixes(doc, 'sip/content-length');
    expect(fixed).toBe(invite() + '\r\n' + invite());
  });

  it('fixes map through a log prefix format (sngrep) and are dropped where the text was rewritten (FreeSWITCH CRs)', () => {
    const bad = invite().replace('UDP 203.0.113.5:5060;rport;', 'UDP 10.0.0.7:5060;');
    const sng = `2023/01/10 12:00:00.000001 10.0.0.7:5060 -> 203.0.113.9:5060\n${bad}\n\n`;
    expect(applyFirstFixes(sng, 'nat/via-rport')).toContain('10.0.0.7:5060;rport;branch');
    // FreeSWITCH: the Content-Length value is a contiguous run and can be fixed; line-end fixes are never offered.
    const lines = bad.replace(/Content-Length: (\d+)/, (_m, n: string) => `Content-Length: ${Number(n) + 4}`).split('\r\n');
    lines.pop();
    const fs = `recv 700 bytes from udp/[10.0.0.7]:5060 at 12:00:00.000001:\n   ${'-'.repeat(72)}\n${lines.map((l) => '   ' + l + '\n').join('')}   ${'-'.repeat(72)}\n`;
    const fixedFs = applyFirstFixes(fs, 'sip/content-length');
    expect(lintDocument(enc.encode(fixedFs), 'sip').findings.map((f) => f.ruleId)).not.toContain('sip/content-length');
    expect(lintDocument(enc.encode(fs), 'sip').findings.some((f) => f.ruleId === 'sip/line-endings')).toBe(false);
  });

  it('a message whose body is not text keeps its body when line ends are fixed', () => {
    const head = sip(['MESSAGE sip:a@example.com SIP/2.0', 'Via: SIP/2.0/UDP 203.0.113.5;rport;branch=z9hG4bK1', 'Max-Forwards: 70', 'To: <sip:a@example.com>', 'From: <sip:b@example.com>;tag=1', 'Call-ID: x@y', 'CSeq: 1 MESSAGE', 'Content-Type: application/octet-stream', 'Content-Length: 3'], '', '\n');
    const bytes = new Uint8Array([...enc.encode(head), 0, 10, 1]);
    const f = lintDocument(bytes, 'sip').findings.find((x) => x.ruleId === 'sip/line-endings');
    const fixed = applyEdits(bytes, f!.fixes![0]!.edits);
    expect([...fixed.subarray(fixed.length - 3)]).toEqual([0, 10, 1]);
    expect(lintDocument(fixed, 'sip').findings.map((x) => x.ruleId)).toEqual([]);
  });
});
