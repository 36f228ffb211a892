// Tests for the export helpers: tshark display filter escaping, export file names, and every export format.
import { describe, expect, it } from 'vitest';
import { audioChannelSummary, buildLadder, renderLadderHtml, renderLadderSvg } from '../../../src/core/index';
import { EXPORT_FORMATS } from '../../../src/protocol/webview';
import {
  encodePieces,
  EXPORT_FILE_TYPES,
  escapeDisplayFilterString,
  exportBaseName,
  renderLadderExport,
  tsharkCallIdFilter,
} from '../../../src/extension/capture-editor/export-ladder';
import { sevenMessageCall, sevenMessageCallInfo } from '../../core/ladder/fixtures';

describe('tshark filter', () => {
  it('quotes Call-IDs and escapes backslash, quote and control characters', () => {
    expect(tsharkCallIdFilter(['a84b4c76e66710@pc33.atlanta.example.com'])).toBe('sip.Call-ID == "a84b4c76e66710@pc33.atlanta.example.com"');
    expect(escapeDisplayFilterString('x"y\\z\u0001\u007f')).toBe('x\\"y\\\\z\\x01\\x7f');
    expect(tsharkCallIdFilter(['a', 'b', 'a'])).toBe('sip.Call-ID == "a" || sip.Call-ID == "b"');
    expect(tsharkCallIdFilter([])).toBe('');
    expect(escapeDisplayFilterString('é漢')).toBe('é漢');
  });
});

describe('exports', () => {
  const ladder = buildLadder(sevenMessageCall(), { calls: [sevenMessageCallInfo()] });
  const input = {
    ladder,
    title: 'call <1> & "two"',
    calls: [sevenMessageCallInfo()],
    messageText: new Map(ladder.rows.map((r) => [r.messageId, `${r.label} text <script>alert(1)</script>`])),
    generator: 'SIPScope test',
  };

  it('renders every format', () => {
    for (const f of EXPORT_FORMATS) {
      const out = renderLadderExport(f, input);
      expect(out.length, f).toBeGreaterThan(100);
      expect(EXPORT_FILE_TYPES[f].extension).toMatch(/^[a-z]+$/);
    }
    expect(renderLadderExport('mermaid', input)).toMatch(/^sequenceDiagram/);
    expect(renderLadderExport('plantuml', input)).toMatch(/@startuml/);
    expect(renderLadderExport('svg', input)).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('html-audio: the HTML report with the audio player and its caption; plain html never embeds it', () => {
    const audio = { wav: Uint8Array.of(82, 73, 70, 70), caption: `2.0 s at 8000 Hz. ${audioChannelSummary([
      { streamIndex: 0, codec: 'PCMA', channel: 1, reason: undefined, lostPackets: 0, truncated: false },
      { streamIndex: 1, codec: 'PCMU', channel: 2, reason: undefined, lostPackets: 3, truncated: false, srtp: true },
      { streamIndex: 2, codec: 'G729', channel: 0, reason: 'codec G729 is not decoded', lostPackets: 0, truncated: false },
    ])}` };
    expect(audio.caption).toBe('2.0 s at 8000 Hz. left: stream 1 (PCMA); right: stream 2 (PCMU, SRTP decrypted, 3 lost: silence). Skipped stream 3: codec G729 is not decoded');
    const withAudio = renderLadderExport('html-audio', { ...input, audio });
    expect(withAudio).toContain('src="data:audio/wav;base64,UklGRg=="');
    expect(withAudio).toContain('media-src data:');
    expect(withAudio).toContain('left: stream 1 (PCMA); right: stream 2 (PCMU, SRTP decrypted, 3 lost: silence)');
    expect(renderLadderExport('html', { ...input, audio })).not.toContain('<audio');
    expect(EXPORT_FILE_TYPES['html-audio'].extension).toBe('html');
  });

  it('escapes capture text in HTML and keeps JSON a faithful model', () => {
    const html = renderLadderExport('html', input);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    const json = JSON.parse(renderLadderExport('json', input));
    expect(json.ladder.rows).toHaveLength(7);
    expect(json.ladder).toEqual(JSON.parse(JSON.stringify(ladder)));
  });

  it('gives the core renderers\' documents, and their UTF-8 bytes without joining them', () => {
    expect(renderLadderExport('html', input)).toBe(
      renderLadderHtml(ladder, { title: input.title, calls: input.calls, messageText: (id) => input.messageText.get(id), generator: input.generator, time: 'relative' }),
    );
    expect(renderLadderExport('svg', input)).toBe(renderLadderSvg(ladder, { time: 'relative', theme: 'auto', title: input.title }));
    // Multi-byte pieces across the encoder's 1 M-character chunks: the same bytes as encoding the joined text.
    const pieces = Array.from({ length: 40_000 }, (_, i) => `row ${i} é漢😀 <${'x'.repeat(i % 97)}>\n`);
    const bytes = encodePieces(pieces);
    expect(bytes.length).toBeGreaterThan(2 << 20); // several encoder chunks
    expect(Buffer.from(bytes).equals(Buffer.from(new TextEncoder().encode(pieces.join(''))))).toBe(true);
    expect(encodePieces([])).toHaveLength(0);
  });

  it('proposes safe file names', () => {
    expect(exportBaseName('trace.pcapng', [4])).toBe('trace-call5');
    expect(exportBaseName('my capture (1).PCAP', [0, 1, 2])).toBe('my_capture_1_-3-calls');
    expect(exportBaseName('.pcap', [0])).toBe('capture-call1');
  });
});
