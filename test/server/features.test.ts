// In-process tests of the language-server features over snapshots (no LSP transport): incremental lint cache,
// hover, completion, semantic tokens, symbols, folding, the trace ladder and navigation (highlights, references,
// definitions of Call-IDs, tags, branches and CSeqs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LINT_SETTINGS } from '../../src/core/index';
import { DocumentStore, type DocumentLanguage } from '../../src/server/analysis';
import { byteToPosition, positionToByte } from '../../src/server/convert';
import { completionsAt } from '../../src/server/features/completion';
import { callLenses } from '../../src/server/features/code-lens';
import { computeDiagnostics } from '../../src/server/features/diagnostics';
import { hoverAt } from '../../src/server/features/hover';
import { timingHints } from '../../src/server/features/inlay-hints';
import { definitionOf, identifierAt, occurrences, renameEdits, renameProblem } from '../../src/server/features/navigation';
import { documentSymbols, foldingRanges } from '../../src/server/features/outline';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from '../../src/server/features/semantic-tokens';
import { buildTraceLadder, MAX_TRACE_LADDER_MESSAGES } from '../../src/server/features/trace-ladder';

const SAMPLE = readFileSync(path.resolve(__dirname, '../../samples/sip/nat-call.sip'), 'utf8');

function snapshotOf(text: string, language: DocumentLanguage = 'sip', store = new DocumentStore(), version = 1) {
  return store.snapshot(`file:///t/doc.${language}`, version, language, text);
}

/** LSP position of the `nth` occurrence of `needle` (+ `delta` UTF-16 units). */
function posOf(text: string, needle: string, delta = 0, nth = 0) {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, i + delta);
  const line = before.split(/\r\n|\n|\r/).length - 1;
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  return { line, character: before.length - lineStart };
}

function hoverText(text: string, needle: string, delta = 1, language: DocumentLanguage = 'sip', trusted: string[] = []): string {
  const snap = snapshotOf(text, language);
  const h = hoverAt(snap, positionToByte(snap.lines, posOf(text, needle, delta)), trusted);
  const v = h?.contents;
  return v !== undefined && typeof v === 'object' && 'value' in v ? v.value : '';
}

describe('incremental diagnostics', () => {
  it('re-lints only the edited message and gives the same result as a cold lint', () => {
    const store = new DocumentStore();
    const settings = { ...DEFAULT_LINT_SETTINGS };
    const s1 = snapshotOf(SAMPLE, 'sip', store, 1);
    expect(s1.messages.length).toBe(7);
    const first = computeDiagnostics(store, s1, settings);
    expect(first.linted).toBe(7);
    // Edit the User-Agent of the BYE (6th message): only that message is linted again.
    const edited = SAMPLE.replace('CSeq: 21 BYE\r\nUser-Agent: Grandstream', 'CSeq: 21 BYE\r\nUser-Agent: Grandstreem');
    const s2 = snapshotOf(edited, 'sip', store, 2);
    const second = computeDiagnostics(store, s2, settings);
    expect(second.linted).toBe(1);
    const cold = computeDiagnostics(new DocumentStore(), snapshotOf(edited, 'sip', new DocumentStore(), 2), settings);
    expect(second.diagnostics).toEqual(cold.diagnostics);
    // Inserting a line before everything shifts every finding by one line without re-linting.
    const shifted = snapshotOf(`\r\n${edited}`, 'sip', store, 3);
    const third = computeDiagnostics(store, shifted, settings);
    expect(third.linted).toBe(0);
    expect(third.diagnostics.map((d) => d.range.start.line)).toEqual(second.diagnostics.map((d) => d.range.start.line + 1));
  });

  it('starts over when the settings object changes', () => {
    const store = new DocumentStore();
    const snap = snapshotOf(SAMPLE, 'sip', store);
    computeDiagnostics(store, snap, { ...DEFAULT_LINT_SETTINGS });
    expect(computeDiagnostics(store, snap, { ...DEFAULT_LINT_SETTINGS, trustedNetworks: ['192.168.0.0/16'] }).linted).toBe(7);
  });
});

describe('hover', () => {
  it('an address in a log prefix is described; a hex dump run of 300 000 characters is not taken for one (and does not throw)', () => {
    const prefixed = 'U 2024/05/01 10:00:00.123456 192.168.1.10:5060 -> 203.0.113.5:5060\r\nINVITE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n';
    expect(hoverText(prefixed, '192.168.1.10', 3)).toMatch(/192\.168\.1\.10/);
    const hex = 'ab'.repeat(150_000);
    const dump = `${hex}\r\nINVITE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n`;
    expect(() => hoverText(dump, hex.slice(0, 8), 4)).not.toThrow();
    expect(hoverText(dump, hex.slice(0, 8), 4)).not.toMatch(/address/i);
  });

  it('explains header fields with their RFC section and compact form', () => {
    const v = hoverText(SAMPLE, 'Via:', 1);
    expect(v).toContain('**Via**');
    expect(v).toContain('compact form `v`');
    expect(v).toContain('rfc3261#section-20.42');
    expect(hoverText('INVITE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n', 'l:', 0)).toContain('compact form of `Content-Length`');
    expect(hoverText('INVITE sip:a@b SIP/2.0\r\nX-Tenant: 4\r\n\r\n', 'X-Tenant', 2)).toContain('extension header');
  });

  it('explains methods, status codes and parameters', () => {
    expect(hoverText(SAMPLE, 'INVITE sip', 2)).toContain('rfc3261#section-13');
    const ringing = hoverText(SAMPLE, '180 Ringing', 1);
    expect(ringing).toContain('**180 Ringing**');
    expect(ringing).toContain('rfc3261#section-21.1.2');
    expect(hoverText('SIP/2.0 199 Early Dialog Terminated\r\n\r\n', '199', 1)).toContain('rfc6228');
    expect(hoverText(SAMPLE, 'branch=', 2)).toContain('z9hG4bK');
    expect(hoverText(SAMPLE, ';tag=', 2)).toContain('rfc3261#section-19.3');
    expect(hoverText('INVITE sip:a@b;lr SIP/2.0\r\nVia: SIP/2.0/UDP h;rport\r\n\r\n', 'rport', 1)).toContain('rfc3581');
  });

  it('classifies addresses (private, CGNAT, trusted networks)', () => {
    expect(hoverText(SAMPLE, '192.168.1.100:5060;branch', 2)).toContain('private address (RFC 1918');
    expect(hoverText('INVITE sip:a@100.64.1.2 SIP/2.0\r\n\r\n', '100.64', 2)).toContain('carrier-grade NAT (RFC 6598');
    // In a log prefix line (no parser element): found from the line text.
    expect(hoverText(SAMPLE, '203.0.113.45:34567', 3)).toContain('documentation address');
    expect(hoverText(SAMPLE, 'c=IN IP4 192', 11, 'sip', ['192.168.0.0/16'])).toContain('trusted network `192.168.0.0/16`');
  });

  it('explains SDP line types and attributes, in SIP bodies and .sdp files', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp-mux\r\n';
    expect(hoverText(sdp, 'c=IN', 0, 'sdp')).toContain('rfc8866#section-5.7');
    expect(hoverText(sdp, 'rtcp-mux', 2, 'sdp')).toContain('rfc5761#section-5.1.1');
    expect(hoverText(SAMPLE, 'a=rtpmap', 3)).toContain('rfc8866#section-6.6');
    expect(hoverText(SAMPLE, 'm=audio', 0)).toContain('Media Description');
  });
});

describe('completion', () => {
  const labels = (text: string, pos: { line: number; character: number }, language: DocumentLanguage = 'sip') =>
    completionsAt(snapshotOf(text, language), pos).map((c) => c.label);

  it('offers methods at a message start and header names (full + compact) in the header section', () => {
    expect(labels('', { line: 0, character: 0 })).toEqual(expect.arrayContaining(['INVITE', 'REGISTER', 'SIP/2.0', 'Via']));
    const text = 'INVITE sip:a@b SIP/2.0\r\nVi\r\nCall-ID: x\r\n\r\n';
    const items = completionsAt(snapshotOf(text), { line: 1, character: 2 });
    const via = items.find((c) => c.label === 'Via');
    expect(via?.textEdit).toMatchObject({ newText: 'Via: $0', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } } });
    expect(items.map((c) => c.label)).toContain('v');
    expect(items.map((c) => c.label)).not.toContain('INVITE');
  });

  it('offers parameters after ";" by context', () => {
    const via = 'INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;\r\n\r\n';
    const v = labels(via, { line: 1, character: 26 });
    expect(v).toEqual(expect.arrayContaining(['branch', 'rport', 'received']));
    expect(v).not.toContain('tag');
    const from = 'INVITE sip:a@b SIP/2.0\r\nFrom: <sip:a@b>;\r\n\r\n';
    expect(labels(from, { line: 1, character: 17 })).toContain('tag');
    const route = 'INVITE sip:a@b SIP/2.0\r\nRoute: <sip:p.example.com;\r\n\r\n';
    expect(labels(route, { line: 1, character: 26 })).toEqual(expect.arrayContaining(['lr', 'transport']));
  });

  it('offers status codes after "SIP/2.0 " and SDP lines / attributes in bodies', () => {
    const s = labels('SIP/2.0 4', { line: 0, character: 9 });
    expect(s).toEqual(expect.arrayContaining(['486 Busy Here', '488 Not Acceptable Here', '422 Session Interval Too Small']));
    expect(labels('v=0\r\na=', { line: 1, character: 2 }, 'sdp')).toEqual(expect.arrayContaining(['rtpmap', 'sendrecv', 'candidate']));
    expect(labels('v=0\r\n', { line: 1, character: 0 }, 'sdp')).toEqual(expect.arrayContaining(['c=', 'm=', 'a=']));
    const line = SAMPLE.slice(0, SAMPLE.indexOf('a=sendrecv')).split('\r\n').length - 1;
    expect(labels(SAMPLE, { line, character: 2 })).toContain('sendonly');
  });
});

describe('semantic tokens', () => {
  it('marks methods, status codes by class, headers (known/compact/unknown), params and SDP', () => {
    const text = 'INVITE sip:bob@10.0.0.2 SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nX-Foo: 1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n';
    const snap = snapshotOf(text);
    const data = semanticTokens(snap).data;
    const { tokenTypes, tokenModifiers } = SEMANTIC_TOKENS_LEGEND;
    const tokens: { text: string; type: string; mods: string[] }[] = [];
    let line = 0;
    let ch = 0;
    const lines = text.split('\r\n');
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      ch = data[i]! === 0 ? ch + data[i + 1]! : data[i + 1]!;
      const mods = tokenModifiers.filter((_, b) => (data[i + 4]! & (1 << b)) !== 0);
      tokens.push({ text: lines[line]!.slice(ch, ch + data[i + 2]!), type: tokenTypes[data[i + 3]!]!, mods });
    }
    const find = (t: string) => tokens.find((x) => x.text === t);
    expect(find('INVITE')).toMatchObject({ type: 'function', mods: ['declaration'] });
    expect(find('v')).toMatchObject({ type: 'property', mods: ['defaultLibrary', 'compact'] });
    expect(find('X-Foo')).toMatchObject({ type: 'property', mods: ['unknown'] });
    expect(find('branch')).toMatchObject({ type: 'parameter' });
    expect(find('10.0.0.1')).toMatchObject({ type: 'type', mods: ['privateAddress'] });
    expect(find('sip')).toMatchObject({ type: 'namespace' });
    expect(find('bob')).toMatchObject({ type: 'variable' });
    expect(find('audio')).toMatchObject({ type: 'enumMember' });
    expect(find('sendrecv')).toMatchObject({ type: 'property', mods: ['defaultLibrary'] });
    const status = semanticTokens(snapshotOf('SIP/2.0 486 Busy Here\r\n\r\n')).data;
    expect(tokenTypes[status[3]!]).toBe('number');
    expect(tokenModifiers.filter((_, b) => (status[4]! & (1 << b)) !== 0)).toEqual(['clientError']);
  });
});

describe('symbols and folding', () => {
  it('groups messages by Call-ID with the SDP body and m= lines as children', () => {
    const syms = documentSymbols(snapshotOf(SAMPLE));
    expect(syms).toHaveLength(1);
    expect(syms[0]!.name).toBe('Call-ID 3848276298220188511@192.168.1.100');
    const msgs = syms[0]!.children!;
    expect(msgs.map((m) => m.name)).toEqual([
      'INVITE sip:+15551234567@198.51.100.10 SIP/2.0',
      'SIP/2.0 100 Trying',
      'SIP/2.0 180 Ringing',
      'SIP/2.0 200 OK',
      'ACK sip:+15551234567@198.51.100.10:5060 SIP/2.0',
      'BYE sip:+15551234567@198.51.100.10:5060 SIP/2.0',
      'SIP/2.0 200 OK',
    ]);
    expect(msgs[0]!.detail).toBe('3848276298220188511@192.168.1.100 · 20 INVITE');
    expect(msgs[0]!.children![0]!.name).toBe('SDP');
    expect(msgs[0]!.children![0]!.children!.map((c) => c.name)).toEqual(['m=audio 16384 RTP/AVP 0 8 101']);
  });

  it('folds messages, header sections, SDP bodies and m= sections', () => {
    const snap = snapshotOf(SAMPLE);
    const folds = foldingRanges(snap);
    const lineOf = (needle: string) => posOf(SAMPLE, needle).line;
    expect(folds).toContainEqual({ startLine: 0, endLine: lineOf('a=sendrecv'), kind: 'region' });
    expect(folds).toContainEqual({ startLine: lineOf('Via: SIP/2.0/UDP 192.168.1.100:5060;branch=z9hG4bK-1f3a9c1\r\nMax'), endLine: lineOf('Content-Length: 244') });
    expect(folds).toContainEqual({ startLine: lineOf('v=0'), endLine: lineOf('a=sendrecv') });
    expect(folds).toContainEqual({ startLine: lineOf('m=audio 16384'), endLine: lineOf('a=sendrecv') });
    expect(new Set(folds.map((f) => f.startLine)).size).toBe(folds.length);
  });
});

describe('trace ladder', () => {
  it('builds the call model from the sngrep prefixes and renders a script-free HTML page', () => {
    const r = buildTraceLadder(snapshotOf(SAMPLE));
    expect(r).toMatchObject({ messageCount: 7, callCount: 1, endpointCount: 3, inferredEndpoints: false });
    expect(r.html).toContain('<svg');
    expect(r.html).toContain('Content-Security-Policy');
    expect(r.html).not.toContain('<script');
    expect(r.html).toContain('198.51.100.10:5060');
    // Times come from the sngrep prefixes (2024/03/14 09:26:13.101245 is the first message).
    expect(r.html).toContain('2024-03-14');
  });

  it('falls back to Via sent-by / Request-URI endpoints for raw messages', () => {
    const raw = 'OPTIONS sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK7\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\nSIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK7\r\nCall-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const r = buildTraceLadder(snapshotOf(raw));
    expect(r).toMatchObject({ messageCount: 2, callCount: 1, endpointCount: 2, inferredEndpoints: true });
    expect(r.html).toContain('10.0.0.1:5070');
    expect(r.html).toContain('10.0.0.2:5060');
  });

  it(`draws at most ${MAX_TRACE_LADDER_MESSAGES} messages and says so`, () => {
    const pair = (i: number) =>
      `OPTIONS sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK${i}\r\nCall-ID: o${i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n` +
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK${i}\r\nCall-ID: o${i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const pairs = MAX_TRACE_LADDER_MESSAGES / 2 + 1;
    const r = buildTraceLadder(snapshotOf(Array.from({ length: pairs }, (_, i) => pair(i)).join('')));
    expect(r).toMatchObject({ messageCount: MAX_TRACE_LADDER_MESSAGES, callCount: MAX_TRACE_LADDER_MESSAGES / 2 });
    expect(r.html).toContain(`only the first ${MAX_TRACE_LADDER_MESSAGES} of the trace&#39;s ${2 * pairs} SIP messages are drawn`);
    expect((r.html.match(/<section id="msg-/g) ?? []).length).toBe(MAX_TRACE_LADDER_MESSAGES);
  });
});

it('byte/position helpers round-trip on the sample', () => {
  const snap = snapshotOf(SAMPLE);
  const p = posOf(SAMPLE, 'Call-ID', 0, 3);
  expect(byteToPosition(snap.lines, positionToByte(snap.lines, p))).toEqual(p);
});

describe('log formats whose prefixes are stripped from each message line (Kamailio syslog)', () => {
  const LOG = readFileSync(path.resolve(__dirname, '../../samples/sip/kamailio-syslog.log'), 'utf8');

  it('maps hover and semantic tokens through the prefix-stripping offset map', () => {
    const snap = snapshotOf(LOG);
    expect(snap.messages.length).toBeGreaterThan(0);
    expect(hoverText(LOG, 'Max-Forwards: 69', 3)).toContain('**Max-Forwards**');
    expect(hoverText(LOG, '100.72.14.9:5060;rport', 2)).toContain('carrier-grade NAT');
    // Every token lies on the document text it claims (decode the tokens back against the document lines).
    const data = semanticTokens(snap).data;
    const lines = LOG.split(/\r?\n/);
    const { tokenTypes } = SEMANTIC_TOKENS_LEGEND;
    let line = 0;
    let ch = 0;
    const texts: string[] = [];
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      ch = data[i]! === 0 ? ch + data[i + 1]! : data[i + 1]!;
      texts.push(`${tokenTypes[data[i + 3]!]}:${lines[line]!.slice(ch, ch + data[i + 2]!)}`);
    }
    expect(texts).toEqual(expect.arrayContaining(['function:INVITE', 'property:Record-Route', 'property:Max-Forwards', 'parameter:branch']));
  });
});

describe('navigation by Call-ID, tag, branch and CSeq', () => {
  const at = (text: string, needle: string, delta = 2, nth = 0) => {
    const snap = snapshotOf(text);
    const o = identifierAt(snap, positionToByte(snap.lines, posOf(text, needle, delta, nth)));
    return { snap, o, all: o ? occurrences(snap, o.kind, o.key) : [] };
  };
  const textOf = (snap: ReturnType<typeof snapshotOf>, o: { start: number; end: number }) => new TextDecoder().decode(snap.bytes.subarray(o.start, o.end));
  const lineOf = (snap: ReturnType<typeof snapshotOf>, o: { start: number }) => byteToPosition(snap.lines, o.start).line;

  it('finds every message of the call from its Call-ID; the first message defines it', () => {
    const { snap, o, all } = at(SAMPLE, '3848276298220188511@', 3, 3);
    expect(o?.kind).toBe('call-id');
    expect(all).toHaveLength(7);
    expect(all.every((x) => textOf(snap, x) === '3848276298220188511@192.168.1.100')).toBe(true);
    expect(definitionOf(snap, all)?.message).toBe(0);
  });

  it('finds the transaction from a Via branch: the request and its responses, defined by the request', () => {
    const { snap, o, all } = at(SAMPLE, 'z9hG4bK-1f3a9c1', 4, 3);
    expect(o?.kind).toBe('branch');
    expect(all.map((x) => x.message)).toEqual([0, 1, 2, 3]);
    const def = definitionOf(snap, all)!;
    expect([def.message, textOf(snap, def)]).toEqual([0, 'z9hG4bK-1f3a9c1']);
    // The ACK of the 2xx is a transaction of its own (RFC 3261 §17.1.1.3).
    expect(at(SAMPLE, 'z9hG4bK-5e0b7d2').all.map((x) => x.message)).toEqual([4]);
  });

  it('finds a tag in From and To alike; the first message with it defines it', () => {
    const { snap, o, all } = at(SAMPLE, 'sbc-77a1e9', 3, 1);
    expect(o?.kind).toBe('tag');
    expect(all.map((x) => [x.message, x.header])).toEqual([[2, 'to'], [3, 'to'], [4, 'to'], [5, 'to'], [6, 'to']]);
    expect(definitionOf(snap, all)?.message).toBe(2);
  });

  it('goes from a response\'s CSeq to its request', () => {
    const { snap, o, all } = at(SAMPLE, 'CSeq: 21 BYE', 7, 1);
    expect(o?.kind).toBe('cseq');
    expect(all.map((x) => x.message)).toEqual([5, 6]);
    const def = definitionOf(snap, all)!;
    expect([def.message, lineOf(snap, def)]).toEqual([5, posOf(SAMPLE, 'CSeq: 21 BYE').line]);
  });

  it('knows compact header forms and gives nothing off an identifier', () => {
    const text =
      'INVITE sip:b@example.com SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx1\r\nf: <sip:a@example.com>;tag=t1\r\nt: <sip:b@example.com>\r\ni: abc@10.0.0.1\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n' +
      'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx1\r\nFrom: <sip:a@example.com>;tag=t1\r\nTo: <sip:b@example.com>;tag=t2\r\nCall-ID: abc@10.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
    expect(at(text, 'abc@', 1, 1).all.map((x) => x.header)).toEqual(['call-id', 'call-id']);
    expect(at(text, 'z9hG4bKx1', 1, 0).all).toHaveLength(2);
    expect(at(text, 'tag=t1', 5, 0).all).toHaveLength(2);
    expect(at(text, 'Ringing').o).toBeUndefined();
  });
});

describe('rename of Call-IDs, tags and branches', () => {
  it('renames every occurrence, and only valid names', () => {
    const snap = snapshotOf(SAMPLE);
    const o = identifierAt(snap, positionToByte(snap.lines, posOf(SAMPLE, 'sbc-77a1e9', 2, 2)))!;
    const edits = renameEdits(snap, o, 'callee-1')!;
    expect(edits).toHaveLength(5);
    const lines = SAMPLE.split(/\r?\n/);
    const renamed = [...lines];
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
      const l = renamed[e.range.start.line]!;
      renamed[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    expect(renamed.join('\n')).not.toContain('sbc-77a1e9');
    expect(renamed.filter((l) => l.includes('tag=callee-1'))).toHaveLength(5);
    expect(renameProblem('tag', 'a b')).toMatch(/not a token/);
    expect(renameProblem('branch', 'z9hG4bK-new')).toBeUndefined();
    expect(renameProblem('call-id', 'anon-1@example.invalid')).toBeUndefined();
    expect(renameProblem('call-id', 'a@b@c')).toMatch(/not a Call-ID/);
    expect(renameProblem('call-id', '')).toMatch(/not a Call-ID/);
    expect(renameProblem('cseq', '2 INVITE')).toMatch(/CSeq/);
    expect(renameEdits(snap, o, 'bad tag')).toBeUndefined();
  });
});

describe('timing inlay hints', () => {
  const hintsOf = (text: string) =>
    timingHints(snapshotOf(text)).map((h) => [h.position.line, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]);
  const lineOf = (text: string, needle: string, nth = 0) => posOf(text, needle, 0, nth).line;

  it('times each response from its request, and lists ringing and the final response after the request', () => {
    const hints = new Map(hintsOf(SAMPLE) as [number, string][]);
    expect(hints.get(lineOf(SAMPLE, 'INVITE sip:'))).toBe('180 +1.749 s · 200 +6.220 s');
    expect(hints.get(lineOf(SAMPLE, 'SIP/2.0 100 Trying'))).toBe('+0.001 s');
    expect(hints.get(lineOf(SAMPLE, 'SIP/2.0 180 Ringing'))).toBe('+1.749 s');
    expect(hints.get(lineOf(SAMPLE, 'SIP/2.0 200 OK'))).toBe('+6.220 s');
    expect(hints.get(lineOf(SAMPLE, 'BYE sip:'))).toBe('200 +0.002 s');
    expect(hints.has(lineOf(SAMPLE, 'ACK sip:'))).toBe(false); // the ACK of a 2xx has no response
    // Only hints in the asked range.
    const snap = snapshotOf(SAMPLE);
    const byeStart = positionToByte(snap.lines, posOf(SAMPLE, 'BYE sip:'));
    expect(timingHints(snap, byeStart).map((h) => h.position.line)).toEqual([lineOf(SAMPLE, 'BYE sip:'), lineOf(SAMPLE, 'SIP/2.0 200 OK', 1)]);
  });

  it('marks a request seen again in its transaction as a retransmission, and says nothing without times', () => {
    const invite = (time: string) =>
      `${time} 10.0.0.1:5060 -> 10.0.0.2:5060\r\nINVITE sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKr1\r\nFrom: <sip:a@10.0.0.1>;tag=1\r\nTo: <sip:b@10.0.0.2>\r\nCall-ID: r1@10.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
    const text = invite('2024/03/14 09:00:00.000000') + invite('2024/03/14 09:00:00.500000');
    expect(hintsOf(text)).toEqual([[lineOf(text, 'INVITE sip:', 1), 'retransmission +0.500 s']]);
    expect(hintsOf(text.replace(/^2024\S+ \S+ /gm, ''))).toEqual([]);
  });
});

describe('per-call ladder code lenses', () => {
  const two = SAMPLE + SAMPLE.replaceAll('3848276298220188511@192.168.1.100', 'second-call@192.168.1.100').replaceAll('z9hG4bK-', 'z9hG4bK-2-');

  it('puts one lens per call above its first message (its log prefix) when the trace has several calls', () => {
    const snap = snapshotOf(two);
    const lenses = callLenses(snap);
    expect(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments])).toEqual([
      [posOf(two, 'INVITE sip:').line - 1, 'Ladder of this call (7 messages)', 'sipscope.showTraceLadder', [snap.uri, '3848276298220188511@192.168.1.100']],
      [posOf(two, 'INVITE sip:', 0, 1).line - 1, 'Ladder of this call (7 messages)', 'sipscope.showTraceLadder', [snap.uri, 'second-call@192.168.1.100']],
    ]);
    expect(callLenses(snapshotOf(SAMPLE))).toEqual([]);
  });

  it('draws the ladder of one call when asked for its Call-ID', () => {
    const snap = snapshotOf(two);
    const all = buildTraceLadder(snap);
    const one = buildTraceLadder(snap, 'endpoint', 'two.sip', 'second-call@192.168.1.100');
    expect([all.messageCount, all.callCount]).toEqual([14, 2]);
    expect([one.messageCount, one.callCount]).toEqual([7, 1]);
    expect(one.title).toBe('Ladder: two.sip (Call-ID second-call@192.168.1.100)');
    expect(one.html).toContain('second-call@192.168.1.100');
    expect(one.html).not.toContain('3848276298220188511@192.168.1.100');
    expect(buildTraceLadder(snap, 'endpoint', 'two.sip', 'no-such-call').messageCount).toBe(0);
  });
});

describe('hover on Call-IDs, tags, branches and CSeqs: what they stand for in the trace', () => {
  it('summarises the call, the transaction, the CSeq and the tag, after a parameter\'s own text', () => {
    expect(hoverText(SAMPLE, '3848276298220188511@', 3)).toBe(
      '**Call-ID** (RFC 3261 §20.8): 7 messages in this trace (lines 2–104).\n\nINVITE → 200, ACK, BYE → 200\n\n' +
        'Timing from the first message: answered +6.220 s, BYE +37.907 s (talk 31.687 s).',
    );
    const branch = hoverText(SAMPLE, 'z9hG4bK-1f3a9c1', 3);
    expect(branch).toMatch(/^\*\*;branch\*\*/);
    expect(branch).toContain('---\n\n**Transaction** (top Via branch, RFC 3261 §17): INVITE → 100, 180, 200 — 4 messages in this trace (lines 2–53).');
    expect(hoverText(SAMPLE, 'CSeq: 21 BYE', 7)).toBe('**CSeq** (RFC 3261 §8.1.1.5): BYE → 200 — 2 messages in this trace (lines 92–104).');
    expect(hoverText(SAMPLE, 'sbc-77a1e9', 2)).toContain('**Tag** (RFC 3261 §19.3): first in the To header of the 180 Ringing at line 41, the side that answered (UAS) — 5 messages');
  });
});
