// Tests for the SVG ladder: well-formedness, classes/markers, links, escaping of every capture string.
import { describe, expect, it } from 'vitest';
import { buildLadder, layoutLadder, renderLadderSvg } from '../../../src/core/ladder';
import { EVIL, checkXml, msg, sevenMessageCall } from './fixtures';

const count = (s: string, needle: string | RegExp): number =>
  typeof needle === 'string' ? s.split(needle).length - 1 : (s.match(needle) ?? []).length;

describe('renderLadderSvg', () => {
  const model = buildLadder(sevenMessageCall());

  it('produces a well-formed standalone SVG document sized to the layout', () => {
    const svg = renderLadderSvg(model);
    const { problems, counts } = checkXml(svg);
    expect(problems).toEqual([]);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const l = layoutLadder(model);
    expect(svg).toContain(`width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}"`);
    expect(counts.get('svg')).toBe(1);
    expect(counts.get('marker')).toBe(8);
    expect(count(svg, /<g class="arrow /g)).toBe(7);
    expect(count(svg, /<g class="column" /g)).toBe(2);
    expect(count(svg, /<line class="lifeline" /g)).toBe(2);
    for (const r of model.rows) expect(svg).toContain(`data-message-id="${r.messageId}"`);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('colours by status class, marks SDP and dashes retransmissions', () => {
    const m = buildLadder([
      msg({ id: 0, method: 'INVITE', hasSdp: true }),
      msg({ id: 1, method: 'INVITE', retransmission: true, at: 0.5 }),
      msg({ id: 2, statusCode: 180, reason: 'Ringing', src: '10.0.0.2', dst: '10.0.0.1', at: 1 }),
      msg({ id: 3, statusCode: 486, reason: 'Busy Here', src: '10.0.0.2', dst: '10.0.0.1', at: 2 }),
    ]);
    const svg = renderLadderSvg(m);
    const arrow = (id: number): string => {
      const start = svg.indexOf(`data-message-id="${id}"`);
      return svg.slice(svg.lastIndexOf('<g class="arrow', start), svg.indexOf('</g>', start));
    };
    expect(arrow(0)).toMatch(/class="arrow s0 req sdp"/);
    expect(arrow(0)).toContain('<circle class="sdp-dot"');
    expect(arrow(0)).not.toContain('stroke-dasharray');
    expect(arrow(1)).toMatch(/class="arrow s0 req retrans"/);
    expect(arrow(1)).toMatch(/<path class="shaft" d="[^"]+" stroke-dasharray="5 3"/);
    expect(arrow(2)).toContain('class="arrow s1 resp"');
    expect(arrow(2)).toContain('marker-end="url(#sipscope-head-1)"');
    expect(arrow(3)).toContain('class="arrow s4 resp"');
    expect(svg).toMatch(/\.theme-light \.s2 \.shaft\{stroke:#1a7f37\}/);
    expect(svg).toMatch(/\.theme-light \.s4 \.shaft\{stroke:#bc4c00\}/);
    expect(svg).toMatch(/\.theme-light \.s1 \.shaft\{stroke:#5a6f9e\}/);
  });

  it('supports dark and auto themes', () => {
    expect(renderLadderSvg(model, { theme: 'dark' })).toMatch(/\.theme-dark \.bg\{fill:#0d1117\}/);
    const auto = renderLadderSvg(model, { theme: 'auto' });
    expect(auto).toContain('@media (prefers-color-scheme:dark)');
    expect(auto).toContain('class="sipscope-ladder theme-auto"');
  });

  it('wraps each arrow in a link when linkHref is given, and ids when rowId is given', () => {
    const svg = renderLadderSvg(model, {
      linkHref: (r) => (r.messageId === 4 ? undefined : `#msg-${r.messageId}`),
      rowId: (r) => `arrow-${r.index}`,
    });
    expect(checkXml(svg).problems).toEqual([]);
    expect(count(svg, '<a ')).toBe(6);
    expect(svg).toContain('<a id="arrow-0" href="#msg-0" xlink:href="#msg-0"><g class="arrow');
    expect(svg).toContain('<g id="arrow-4"><g class="arrow');
  });

  it('escapes every capture string, in text and in attributes', () => {
    const hostile = buildLadder([
      msg({ src: `10.0.0.1"><script>x</script>`, dst: '10.0.0.2', label: `INVITE ${EVIL}` }),
      msg({ src: '10.0.0.2', dst: '10.0.0.2', label: `OPTIONS ${EVIL}`, at: 1, statusCode: undefined }),
    ]);
    hostile.streams.push({ fromColumn: 0, toColumn: 1, startRow: 0, endRow: 1, label: `RTP ${EVIL}` });
    const svg = renderLadderSvg(hostile, {
      title: `Title ${EVIL}`,
      linkHref: () => `#x" onclick="alert(1)' <script>`,
      rowId: () => `id"'<&`,
      idPrefix: 'p"><script>',
    });
    const { problems } = checkXml(svg);
    expect(problems).toEqual([]);
    expect(svg.toLowerCase()).not.toContain('<script');
    expect(svg).not.toMatch(/\sonclick="/); // only present escaped, inside another attribute value
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&apos;&amp;');
    expect(svg).toContain('href="#x&quot; onclick=&quot;alert(1)&apos; &lt;script&gt;"');
    expect(svg).toContain('id="id&quot;&apos;&lt;&amp;"');
    // NUL and BEL became visible control pictures instead of illegal XML characters
    expect(svg).toContain('\u2400\u2407');
    expect(svg).not.toMatch(/[\u0000-\u0008]/);
    expect(svg).toContain('<g class="stream">');
    expect(svg).toContain('marker-end="url(#p___script_head-0)"');
  });

  it('spaces the columns so that an RTP stream label fits between the lifelines it spans', () => {
    const label = 'RTP a-very-long-codec-name/48000/2 123456 pkts, 98765 lost';
    const withStream = { ...model, streams: [{ fromColumn: 0, toColumn: 1, startRow: 1, endRow: 3, label }] };
    const x = (svg: string) => [...svg.matchAll(/<line class="lifeline" x1="([\d.]+)"/g)].map((m) => Number(m[1]));
    const [a, b] = x(renderLadderSvg(withStream));
    // `→ ` + label drawn at 0.8 × the 7.2 px character advance, with padding on both sides.
    expect(b! - a!).toBeGreaterThanOrEqual((label.length + 2) * 7.2 * 0.8);
    expect(renderLadderSvg(withStream)).toContain('.stream-label{font-size:9.6px}');
    // The caller may still lay the columns out without the streams.
    const [c, d] = x(renderLadderSvg(withStream, { geometry: { streamLabelScale: 0 } }));
    expect(d! - c!).toBe(x(renderLadderSvg(model))[1]! - x(renderLadderSvg(model))[0]!);
    expect(d! - c!).toBeLessThan(b! - a!);
  });

  it('renders time text per mode, or none', () => {
    expect(renderLadderSvg(model, { time: 'absolute' })).toContain('>22:13:20.250001</text>');
    expect(renderLadderSvg(model, { time: 'delta' })).toContain('>+0.237656</text>');
    expect(renderLadderSvg(model, { time: 'none' })).not.toContain('class="time"');
  });

  it('renders a zero-message model as a valid document', () => {
    const svg = renderLadderSvg(buildLadder([]), { xmlDeclaration: false });
    expect(checkXml(svg).problems).toEqual([]);
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).toContain('(no messages)');
    expect(svg).not.toContain('class="arrow');
  });
});
