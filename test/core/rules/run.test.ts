// Runner behaviour: severity settings ('off', overrides, 'information' alias), spans in document byte offsets,
// SDP documents, trusted networks, purity per message, and the registry's metadata contract.
import { describe, expect, it } from 'vitest';
import { RULES, getRule } from '../../../src/core/rules/registry';
import { lintDocument, lintMessage, lintMessageBytes, mapFindingsToDocument, ruleSeverity } from '../../../src/core/rules/run';
import { DEFAULT_LINT_SETTINGS, type LintSettings } from '../../../src/core/rules/types';
import { splitTrace } from '../../../src/core/trace/split-trace';
import { LineIndex } from '../../../src/core/text/line-index';
import { dec, enc, invite, ok200, SDP_OK } from './helpers';

const NATED = invite().replace('UDP 203.0.113.5:5060;rport;', 'UDP 192.168.1.5:5060;').replace('<sip:alice@203.0.113.5:5060>', '<sip:alice@192.168.1.5:5060>');

function settings(p: Partial<LintSettings>): LintSettings {
  return { ...DEFAULT_LINT_SETTINGS, ...p };
}

describe('severity settings', () => {
  it("'off' suppresses a rule, an override changes every finding's severity", () => {
    const base = lintMessageBytes(enc.encode(NATED));
    expect(base.some((f) => f.ruleId === 'nat/private-contact')).toBe(true);
    const off = lintMessageBytes(enc.encode(NATED), settings({ severities: { 'nat/private-contact': 'off' } }));
    expect(off.some((f) => f.ruleId === 'nat/private-contact')).toBe(false);
    const err = lintMessageBytes(enc.encode(NATED), settings({ severities: { 'nat/via-rport': 'error' } }));
    expect(err.filter((f) => f.ruleId === 'nat/via-rport').map((f) => f.severity)).toEqual(['error']);
  });

  it("ruleSeverity: default, override, and VS Code's 'information'", () => {
    expect(ruleSeverity('sip/content-length')).toBe('error');
    expect(ruleSeverity('sip/compact-form')).toBe('hint');
    expect(ruleSeverity('sip/compact-form', settings({ severities: { 'sip/compact-form': 'off' } }))).toBe('off');
    expect(ruleSeverity('sip/date', settings({ severities: { 'sip/date': 'information' as never } }))).toBe('info');
  });

  it('trustedNetworks silences NAT rules for those addresses only', () => {
    const trusted = lintMessageBytes(enc.encode(NATED), settings({ trustedNetworks: ['192.168.0.0/16'] }));
    expect(trusted.filter((f) => f.ruleId.startsWith('nat/') && f.severity !== 'hint')).toEqual([]);
    const other = lintMessageBytes(enc.encode(NATED), settings({ trustedNetworks: ['10.0.0.0/8'] }));
    expect(other.some((f) => f.ruleId === 'nat/private-via')).toBe(true);
  });
});

describe('positions', () => {
  it('lintMessage spans are document byte offsets (second message of a trace)', () => {
    const second = NATED;
    const doc = enc.encode(ok200() + '\r\n' + second);
    const msgs = splitTrace(doc);
    const fs = lintMessage(msgs[1]!);
    const contact = fs.find((f) => f.ruleId === 'nat/private-contact')!;
    expect(dec.decode(doc.subarray(contact.span!.start, contact.span!.end))).toBe('192.168.1.5');
    expect(contact.span!.start).toBeGreaterThan(msgs[1]!.span.start);
    const idx = LineIndex.fromBytes(doc);
    const pos = idx.positionAtByte(contact.span!.start);
    expect(dec.decode(doc).split(/\r?\n/)[pos.line]).toContain('Contact: <sip:alice@192.168.1.5');
  });

  it('lintMessage is pure per message: same text elsewhere gives the same relative findings', () => {
    const d1 = enc.encode(NATED);
    const d2 = enc.encode('junk\r\n\r\n' + NATED);
    const a = lintMessage(splitTrace(d1)[0]!);
    const m2 = splitTrace(d2)[0]!;
    const b = lintMessage(m2);
    const d = m2.span.start;
    const shift = (fs: typeof a) =>
      fs.map((f) => ({
        ...f,
        span: f.span && { start: f.span.start + d, end: f.span.end + d },
        fixes: f.fixes?.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, span: { start: e.span.start + d, end: e.span.end + d } })) })),
      }));
    expect(b).toEqual(shift(a));
    // A cache of lintMessageBytes results can be re-mapped to any position.
    const remapped = mapFindingsToDocument(lintMessageBytes(m2.bytes), m2);
    expect(remapped).toEqual(b);
  });

  it("an 'sdp' document is one session description; a 'sip' document that is only SDP is linted as SDP", () => {
    const bad = enc.encode(SDP_OK.replace('s=-\r\n', ''));
    const a = lintDocument(bad, 'sdp');
    expect(a.messages).toEqual([]);
    expect(a.findings.map((f) => f.ruleId)).toContain('sdp/required-lines');
    expect(lintDocument(bad, 'sip').findings.map((f) => f.ruleId)).toContain('sdp/required-lines');
  });

  it('never throws on garbage', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
    const base = enc.encode(invite() + '\r\n' + ok200());
    for (let k = 0; k < 200; k++) {
      const b = base.slice(0, Math.floor(rnd() * base.length));
      for (let i = 0; i < b.length; i++) if (rnd() < 0.03) b[i] = Math.floor(rnd() * 256);
      expect(() => lintDocument(b, 'sip')).not.toThrow();
      expect(() => lintDocument(b, 'sdp')).not.toThrow();
      const fs = lintDocument(b, 'sip').findings;
      expect(fs.filter((f) => f.message.startsWith('Internal'))).toEqual([]);
    }
  });
});

describe('registry contract', () => {
  it('ids are unique, area/kebab-case, with title, description, severity, scope and RFC refs with URLs', () => {
    const seen = new Set<string>();
    for (const r of RULES) {
      expect(seen.has(r.id), r.id).toBe(false);
      seen.add(r.id);
      expect(r.id).toMatch(/^(sip|sdp|nat)\/[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.description.length).toBeGreaterThan(60);
      expect(['error', 'warning', 'info', 'hint']).toContain(r.defaultSeverity);
      expect(['message', 'sdp', 'capture']).toContain(r.scope);
      expect(r.refs.length).toBeGreaterThan(0);
      for (const ref of r.refs) expect(ref.url).toMatch(/^https:\/\//);
      expect(r.refs.some((x) => x.rfc !== undefined)).toBe(true);
      expect(getRule(r.id)).toBeDefined();
    }
    expect(RULES.length).toBeGreaterThanOrEqual(45);
  });
});
