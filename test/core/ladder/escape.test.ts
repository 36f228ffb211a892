// Tests for the shared XML/HTML escaping and XML 1.0 character sanitising.
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, sanitiseXmlText, toSingleLine } from '../../../src/core/ladder';

describe('escape helpers', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeHtml(`<'">&`)).toBe('&lt;&#39;&quot;&gt;&amp;');
    expect(escapeXml('&amp;')).toBe('&amp;amp;'); // no double-unescaping shortcuts
  });

  it('replaces characters illegal in XML 1.0 and keeps legal ones', () => {
    expect(sanitiseXmlText('a\u0000b\u0008c\u001fd\u007f')).toBe('a\u2400b\u2408c\u241fd\u2421');
    expect(sanitiseXmlText('tab\tlf\ncr\r')).toBe('tab\tlf\ncr\r');
    expect(sanitiseXmlText('c1\u0085')).toBe('c1\uFFFD');
    expect(sanitiseXmlText('lone\uD800x\uDC00')).toBe('lone\uFFFDx\uFFFD');
    expect(sanitiseXmlText('\uFFFE\uFFFF')).toBe('\uFFFD\uFFFD');
    expect(sanitiseXmlText('emoji 😀 é')).toBe('emoji 😀 é');
    expect(escapeXml('\u0000<')).toBe('\u2400&lt;');
  });

  it('collapses line breaks for one-line contexts', () => {
    expect(toSingleLine('a\r\nb\tc\u0000')).toBe('a b c\u2400');
  });
});
