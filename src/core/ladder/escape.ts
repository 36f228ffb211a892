// Escaping for every string that reaches a rendered document (capture bytes are hostile input): the one
// implementation of XML/HTML escaping and of XML 1.0 character sanitising used by all ladder renderers.

/**
 * Replace characters that XML 1.0 forbids (§2.2 `Char`) or that render invisibly/ambiguously:
 * - C0 controls other than TAB/LF/CR and DEL become their visible Control Pictures (U+2400 + code, U+2421),
 *   so a NUL in a capture shows as `␀` rather than vanishing or breaking the document;
 * - C1 controls (U+0080-U+009F), lone surrogates and the non-characters U+FFFE/U+FFFF become U+FFFD.
 * Well-formed surrogate pairs (astral characters) are kept.
 */
export function sanitiseXmlText(text: string): string {
  // Fast path: the overwhelmingly common case is plain printable text.
  if (!NEEDS_SANITISE.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      out += c === 0x09 || c === 0x0a || c === 0x0d ? text[i] : String.fromCharCode(0x2400 + c);
    } else if (c === 0x7f) {
      out += '\u2421';
    } else if (c >= 0x80 && c <= 0x9f) {
      out += '\uFFFD';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
      } else {
        out += '\uFFFD';
      }
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      out += '\uFFFD';
    } else {
      out += text[i];
    }
  }
  return out;
}

const NEEDS_SANITISE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Sanitise, then collapse TAB/CR/LF to single spaces: for one-line contexts (labels, names, attributes). */
export function toSingleLine(text: string): string {
  return sanitiseXmlText(text).replace(/[\t\r\n]+/g, ' ');
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escape text for XML (SVG) element content AND attribute values (double- or single-quoted): sanitises
 * (see {@link sanitiseXmlText}) and replaces `& < > " '` with entities.
 */
export function escapeXml(text: string): string {
  return sanitiseXmlText(text).replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]!);
}

/**
 * Escape text for HTML element content and quoted attribute values. Same as {@link escapeXml} except `'`
 * becomes `&#39;` (HTML 4 has no `&apos;`). Safe inside `<pre>`, `<td>`, `<title>` and `"..."` attributes;
 * NOT for unquoted attributes, `<script>`/`<style>` bodies or URLs (the caller must build those itself).
 */
export function escapeHtml(text: string): string {
  return sanitiseXmlText(text).replace(/[&<>"']/g, (ch) => (ch === "'" ? '&#39;' : XML_ENTITIES[ch]!));
}
