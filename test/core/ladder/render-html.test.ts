// Tests for the HTML report: CSP and no script, arrow-to-section links, call table, escaping, empty input.
import { describe, expect, it } from 'vitest';
import { HTML_REPORT_AUDIO_CSP, HTML_REPORT_CSP, buildLadder, htmlMessageSection, ladderHtmlPieces, renderLadderHtml } from '../../../src/core/ladder';
import { toBase64 } from '../../../src/core/util/bytes';
import { EVIL, msg, sevenMessageCall, sevenMessageCallInfo } from './fixtures';

const text = (id: number): string => `SIP/2.0 200 OK\r\nCall-ID: ${id}@example\r\nX-Evil: ${EVIL}\r\n\r\n`;

describe('renderLadderHtml', () => {
  const model = buildLadder(sevenMessageCall(), { calls: [sevenMessageCallInfo()] });
  const html = renderLadderHtml(model, {
    title: 'Call flow',
    calls: [sevenMessageCallInfo()],
    messageText: text,
    generator: 'SIPScope 0.1.0',
  });

  it('is a self-contained page with the strict CSP and no script or external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`,
    );
    expect(HTML_REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toMatch(/\s(src|on\w+)=/i);
    expect(html).not.toMatch(/<link\b|@import|url\(\s*['"]?(https?:|\/\/)/i);
    // the only URLs are XML namespace names on the inline <svg>
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    expect(html).toContain('<meta name="generator" content="SIPScope 0.1.0">');
    expect(html).toContain('@media (prefers-color-scheme:dark)');
  });

  it('links every arrow to a section holding its escaped message text', () => {
    for (const r of model.rows) {
      expect(html).toContain(`href="#msg-${r.messageId}" xlink:href="#msg-${r.messageId}"><g class="arrow`);
      const start = html.indexOf(`<section id="msg-${r.messageId}" class="msg`);
      expect(start, `section for ${r.messageId}`).toBeGreaterThan(0);
      const section = html.slice(start, html.indexOf('</section>', start));
      expect(section).toContain(`<pre>SIP/2.0 200 OK\r\nCall-ID: ${r.messageId}@example`);
      expect(section).toContain('X-Evil: &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\u2400\u2407');
      expect(section).toContain(`<a href="#arrow-${r.index}">close</a>`);
    }
    expect((html.match(/<section id="msg-/g) ?? []).length).toBe(7);
    expect(html).toContain('<details class="messages" open><summary><h2>All messages (7)</h2></summary>');
    expect(html).toMatch(/\.msg:target\{position:fixed/);
    // previous/next navigation between sections
    expect(html).toContain('<a href="#msg-2">← previous</a> <a href="#msg-4">next →</a>');
  });

  it('summarises calls', () => {
    const table = html.slice(html.indexOf('<section class="calls">'), html.indexOf('</table>'));
    expect(table).toContain('<th>Call-ID</th>');
    expect(table).toContain('a84b4c76e66710@pc33.atlanta.example.com');
    expect(table).toContain('Alice <span class="muted">&lt;sip:alice@atlanta.example.com&gt;</span>');
    expect(table).toContain('<td>sip:bob@biloxi.example.com</td>');
    expect(table).toContain('<span class="state completed">completed</span>');
    expect(table).toContain('<td class="num">7</td>');
    expect(table).toContain('<td class="num">60.100 s</td>');
    expect(table).toContain('2023-11-14 22:13:20.000');
  });

  it('escapes hostile titles, call fields, labels and message text everywhere', () => {
    const evilCall = { ...sevenMessageCallInfo(), callId: `id${EVIL}`, fromDisplay: EVIL, toUri: EVIL };
    const m = buildLadder(
      [msg({ label: `INVITE ${EVIL}`, src: `1.2.3.4"'<b>`, callIndex: 0 }), msg({ at: 1, statusCode: 200, callIndex: 0 })],
      { calls: [evilCall] },
    );
    const page = renderLadderHtml(m, {
      title: EVIL,
      calls: [evilCall],
      generator: EVIL,
      messageText: () => `</pre><script>alert(2)</script>`,
    });
    expect(page.toLowerCase()).not.toContain('<script');
    expect(page).not.toContain('<b>');
    expect(page).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\u2400\u2407</title>');
    expect(page).toContain('<meta name="generator" content="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(page).toContain('<td class="callid">id&lt;script&gt;');
    expect(page).toContain('<pre>&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;</pre>');
    expect(page).not.toMatch(/[\u0000-\u0008]/);
  });

  it('works without calls or message text, and with zero messages', () => {
    const m = buildLadder(sevenMessageCall());
    const page = renderLadderHtml(m, { title: 't' });
    expect(page).toContain('(message text not available)');
    expect(page).toContain('<td class="num">7</td>'); // message count from the rows
    const empty = renderLadderHtml(buildLadder([]), { title: 'empty' });
    expect(empty).toContain('No messages.');
    expect(empty).toContain('(no messages)');
    expect(empty).not.toContain('<section id="msg-');
    expect(empty.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('does not duplicate section ids when message ids repeat', () => {
    const m = buildLadder([msg({ id: 5 }), msg({ id: 5, at: 1 })]);
    const page = renderLadderHtml(m, { title: 'dup' });
    expect((page.match(/<section id="msg-5"/g) ?? []).length).toBe(1);
    expect(page).toContain('duplicate message id');
  });

  it('streams as pieces: one per arrow and a message slot per section, in ladder order', () => {
    // 3000 arrows: a writer gets the document a piece at a time (the CLI writes big ladders so), never as one string.
    const many = Array.from({ length: 3000 }, (_, i) => msg({ id: i, at: i / 100, method: i % 2 ? 'OPTIONS' : 'INVITE' }));
    const big = buildLadder(many);
    const pieces = [...ladderHtmlPieces(big, { title: 'big' })];
    const slots = pieces.filter((p) => typeof p !== 'string');
    expect(slots.map((s) => s.row.messageId)).toEqual(many.map((m) => m.id));
    expect(slots[1]!.prev?.messageId).toBe(0);
    expect(slots[1]!.next?.messageId).toBe(2);
    const strings = pieces.filter((p): p is string => typeof p === 'string');
    expect(strings.length).toBeGreaterThan(3000);
    expect(Math.max(...strings.map((p) => p.length))).toBeLessThan(20_000); // the page CSS is the longest piece
    // Slots rendered with the texts give renderLadderHtml's document exactly.
    const streamed = pieces.map((p) => (typeof p === 'string' ? p : htmlMessageSection(p, text(p.row.messageId)))).join('');
    expect(streamed).toBe(renderLadderHtml(big, { title: 'big', messageText: text }));
    const small = [...ladderHtmlPieces(model, { title: 'Call flow', calls: [sevenMessageCallInfo()], generator: 'SIPScope 0.1.0' })];
    expect(small.map((p) => (typeof p === 'string' ? p : htmlMessageSection(p, text(p.row.messageId)))).join('')).toBe(html);
  });
});


describe('renderLadderHtml with the calls’ audio (ladder --audio)', () => {
  const model = buildLadder(sevenMessageCall(), { calls: [sevenMessageCallInfo()] });
  const wav = Uint8Array.from({ length: 1001 }, (_, i) => (i * 37 + 11) & 255);
  const html = renderLadderHtml(model, { title: 'Call flow', audio: { wav, caption: 'left: stream 1 <PCMA>' } });

  it('embeds the WAV as a data: URL player; the CSP allows data: media and nothing more', () => {
    expect(HTML_REPORT_AUDIO_CSP).toBe(`${HTML_REPORT_CSP}; media-src data:`);
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; media-src data:"`);
    expect(html).toContain(`<audio controls preload="metadata" src="data:audio/wav;base64,${Buffer.from(wav).toString('base64')}"></audio>`);
    expect(html).toContain('<p class="muted">left: stream 1 &lt;PCMA&gt;</p>');
    expect(html.toLowerCase()).not.toContain('<script');
    // Without audio: the page and its CSP are as before.
    expect(renderLadderHtml(model, { title: 'Call flow' })).not.toContain('media-src');
  });

  it('toBase64 is RFC 4648 base64 (every length mod 3, and past one 48 KiB piece)', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 49151, 49152, 49153, 100_001]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
    }
  });
});
