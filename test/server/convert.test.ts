// Unit tests of src/server/convert.ts: byte spans (UTF-8) <-> LSP ranges (UTF-16) with CRLF, multibyte characters
// and surrogate pairs; findings -> diagnostics; byte-span fixes -> text edits.
import { describe, expect, it } from 'vitest';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex, encodeUtf8, rfcRef, type Finding } from '../../src/core/index';
import {
  byteToPosition,
  findingToDiagnostic,
  fixToTextEdits,
  isDiagnosticData,
  mergeFixEdits,
  positionToByte,
  rangeToSpan,
  singleLineUtf16Length,
  spanToRange,
} from '../../src/server/convert';

/** Byte offset of the first occurrence of `needle` in the UTF-8 encoding of `text`. */
function byteOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in text`);
  return encodeUtf8(text.slice(0, i)).length;
}

const CRLF_DOC = 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\nFrom: "José Müller" <sip:jose@example.com>;tag=1\r\nSubject: 会議 😀 call\r\n\r\n';

describe('byte offset <-> LSP position', () => {
  const lines = LineIndex.fromBytes(encodeUtf8(CRLF_DOC));
  const doc = TextDocument.create('file:///x.sip', 'sip', 1, CRLF_DOC);

  it('maps ASCII offsets across CRLF line ends', () => {
    expect(byteToPosition(lines, 0)).toEqual({ line: 0, character: 0 });
    const via = byteOf(CRLF_DOC, 'Via:');
    expect(byteToPosition(lines, via)).toEqual({ line: 1, character: 0 });
    // The CR of line 0 is character 34 (the line's length); the LF belongs to the same line break.
    expect(byteToPosition(lines, via - 2)).toEqual({ line: 0, character: 34 });
  });

  it('counts 2-byte characters (é, ü) as one UTF-16 unit', () => {
    const tag = byteOf(CRLF_DOC, 'tag=1');
    const pos = byteToPosition(lines, tag);
    expect(pos).toEqual(doc.positionAt(CRLF_DOC.indexOf('tag=1')));
    expect(positionToByte(lines, pos)).toBe(tag);
    // é and ü are 2 bytes each: the byte column is 2 more than the UTF-16 column.
    expect(tag - lines.lineStartByte(pos.line)).toBe(pos.character + 2);
  });

  it('counts 3-byte CJK as one unit and a 4-byte emoji as a surrogate pair (two units)', () => {
    const after = byteOf(CRLF_DOC, ' call');
    const pos = byteToPosition(lines, after);
    expect(pos).toEqual(doc.positionAt(CRLF_DOC.indexOf(' call')));
    expect(positionToByte(lines, pos)).toBe(after);
    const emoji = byteOf(CRLF_DOC, '😀');
    const ePos = byteToPosition(lines, emoji);
    expect(positionToByte(lines, { line: ePos.line, character: ePos.character + 2 })).toBe(emoji + 4);
    // A position between the two halves of the surrogate pair maps to the pair's first byte.
    expect(positionToByte(lines, { line: ePos.line, character: ePos.character + 1 })).toBe(emoji);
    // An offset inside the emoji's bytes floors to its start.
    expect(byteToPosition(lines, emoji + 2)).toEqual(ePos);
  });

  it('clamps a character past the line end to the end of the content (before CRLF)', () => {
    expect(positionToByte(lines, { line: 0, character: 999 })).toBe(byteOf(CRLF_DOC, '\r\nVia'));
    expect(positionToByte(lines, { line: 99, character: 0 })).toBe(encodeUtf8(CRLF_DOC).length);
  });

  it('agrees with vscode-languageserver-textdocument on every character boundary', () => {
    let byte = 0;
    for (let u = 0; u <= CRLF_DOC.length; ) {
      const cp = CRLF_DOC.codePointAt(u);
      const pos = doc.positionAt(u);
      // positionAt(u) for u between \r and \n is the same line end; skip the LF half of CRLF.
      if (!(CRLF_DOC[u - 1] === '\r' && CRLF_DOC[u] === '\n')) {
        expect(byteToPosition(lines, byte), `utf16 ${u}`).toEqual(pos);
        expect(positionToByte(lines, pos)).toBe(byte);
      }
      if (cp === undefined) break;
      const units = cp > 0xffff ? 2 : 1;
      byte += encodeUtf8(String.fromCodePoint(cp)).length;
      u += units;
    }
  });

  it('converts spans and ranges both ways', () => {
    const s = byteOf(CRLF_DOC, '会議');
    const span = { start: s, end: s + 6 };
    const range = spanToRange(lines, span);
    expect(range).toEqual({ start: doc.positionAt(CRLF_DOC.indexOf('会議')), end: doc.positionAt(CRLF_DOC.indexOf('会議') + 2) });
    expect(rangeToSpan(lines, range)).toEqual(span);
    expect(singleLineUtf16Length(lines, span)).toEqual({ start: range.start, length: 2 });
    expect(singleLineUtf16Length(lines, { start: 0, end: byteOf(CRLF_DOC, 'Via') + 1 })).toBeUndefined();
  });

  it('works the same over LF-only and lone-CR documents', () => {
    const text = 'a=é\nb=😀\rc=x';
    const li = LineIndex.fromBytes(encodeUtf8(text));
    expect(byteToPosition(li, byteOf(text, 'b='))).toEqual({ line: 1, character: 0 });
    expect(byteToPosition(li, byteOf(text, 'c='))).toEqual({ line: 2, character: 0 });
    expect(spanToRange(li, { start: byteOf(text, '😀'), end: byteOf(text, '\rc') })).toEqual({
      start: { line: 1, character: 2 },
      end: { line: 1, character: 4 },
    });
  });
});

describe('findings -> diagnostics', () => {
  const text = 'Via: SIP/2.0/UDP 192.168.1.10;branch=z9hG4bK1\r\nSubject: é\r\n';
  const lines = LineIndex.fromBytes(encodeUtf8(text));
  const sentByEnd = byteOf(text, ';branch');
  const finding: Finding = {
    ruleId: 'nat/via-missing-rport',
    severity: 'warning',
    message: 'no rport',
    span: { start: byteOf(text, '192'), end: sentByEnd },
    refs: [rfcRef(3581, '4'), rfcRef(3261, '18.2.1')],
    fixes: [{ title: 'Add ;rport', preferred: true, edits: [{ span: { start: sentByEnd, end: sentByEnd }, newText: ';rport' }] }],
  };

  it('carries code, codeDescription (first ref), source and byte-span data with the version', () => {
    const d = findingToDiagnostic(lines, finding, 7);
    expect(d).toMatchObject({
      code: 'nat/via-missing-rport',
      source: 'sipscope',
      severity: DiagnosticSeverity.Warning,
      codeDescription: { href: 'https://www.rfc-editor.org/rfc/rfc3581#section-4' },
      range: { start: { line: 0, character: 17 }, end: { line: 0, character: 29 } },
    });
    expect(isDiagnosticData(d.data)).toBe(true);
    expect(d.data).toEqual({ version: 7, fixes: [{ title: 'Add ;rport', preferred: true, edits: [{ start: sentByEnd, end: sentByEnd, newText: ';rport' }] }] });
  });

  it('maps every severity', () => {
    const sev = (s: Finding['severity']) => findingToDiagnostic(lines, { ...finding, severity: s }, 1).severity;
    expect([sev('error'), sev('warning'), sev('info'), sev('hint')]).toEqual([
      DiagnosticSeverity.Error,
      DiagnosticSeverity.Warning,
      DiagnosticSeverity.Information,
      DiagnosticSeverity.Hint,
    ]);
  });

  it('turns byte-span fixes into text edits that reproduce the intended text', () => {
    const e = byteOf(text, 'é');
    const edits = fixToTextEdits(lines, {
      title: 'x',
      edits: [
        { start: e, end: e + 2, newText: 'e' },
        { start: sentByEnd, end: sentByEnd, newText: ';rport' },
      ],
    });
    const doc = TextDocument.create('file:///x.sip', 'sip', 1, text);
    expect(TextDocument.applyEdits(doc, edits)).toBe('Via: SIP/2.0/UDP 192.168.1.10;rport;branch=z9hG4bK1\r\nSubject: e\r\n');
  });

  it('merges fixes for fix-all without overlapping edits', () => {
    const merged = mergeFixEdits([
      { title: 'a', edits: [{ start: 10, end: 12, newText: 'x' }] },
      { title: 'b', edits: [{ start: 11, end: 13, newText: 'y' }] }, // overlaps a: dropped
      { title: 'c', edits: [{ start: 2, end: 2, newText: 'z' }] },
      { title: 'd', edits: [{ start: 10, end: 12, newText: 'x' }] }, // identical to a: kept once
    ]);
    expect(merged).toEqual([
      { start: 2, end: 2, newText: 'z' },
      { start: 10, end: 12, newText: 'x' },
    ]);
  });
});
