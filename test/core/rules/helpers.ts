// Test helpers for the rule tests: message builders with correct Content-Length, lint shortcuts, fix application.
import type { Finding, LintSettings } from '../../../src/core/rules/types';
import { DEFAULT_LINT_SETTINGS } from '../../../src/core/rules/types';
import { lintDocument, lintMessageBytes, lintSdpBytes } from '../../../src/core/rules/run';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** Join lines with CRLF, add the empty line and the body; `Content-Length: *` is replaced by the body's byte length. */
export function sip(lines: string[], body = '', eol = '\r\n'): string {
  const n = enc.encode(body).length;
  return lines.map((l) => (l === 'Content-Length: *' ? `Content-Length: ${n}` : l)).join(eol) + eol + eol + body;
}

export const SDP_OK = sdp([
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 203.0.113.5',
  's=-',
  'c=IN IP4 203.0.113.5',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 96',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:96 opus/48000/2',
  'a=sendrecv',
]);

export function sdp(lines: string[], eol = '\r\n'): string {
  return lines.join(eol) + eol;
}

/** A clean INVITE (public addresses, rport, tags, Max-Forwards): no rule reports anything on it. */
export function invite(body = SDP_OK): string {
  return sip(
    [
      'INVITE sip:bob@biloxi.example.com SIP/2.0',
      'Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=z9hG4bK776asdhds',
      'Max-Forwards: 70',
      'To: Bob <sip:bob@biloxi.example.com>',
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:alice@203.0.113.5:5060>',
      'Content-Type: application/sdp',
      'Content-Length: *',
    ],
    body,
  );
}

/** A clean 200 OK to the INVITE above. */
export function ok200(body = SDP_OK.replace(/203\.0\.113\.5/g, '198.51.100.7').replace('alice 2890844526 2890844526', 'bob 1 1')): string {
  return sip(
    [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP 203.0.113.5:5060;rport=5060;received=203.0.113.5;branch=z9hG4bK776asdhds',
      'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:bob@198.51.100.7:5060>',
      'Content-Type: application/sdp',
      'Content-Length: *',
    ],
    body,
  );
}

/** Recompute `Content-Length` after editing a message made by sip()/invite() (body after the first empty line). */
export function fixCl(text: string): string {
  const i = text.indexOf('\r\n\r\n');
  if (i < 0) return text;
  const body = text.slice(i + 4);
  return text.replace(/Content-Length: \d+/, `Content-Length: ${enc.encode(body).length}`);
}

export function lintSip(text: string, settings: LintSettings = DEFAULT_LINT_SETTINGS): Finding[] {
  return lintMessageBytes(enc.encode(text), settings);
}

export function lintSdp(text: string, settings: LintSettings = DEFAULT_LINT_SETTINGS): Finding[] {
  return lintSdpBytes(enc.encode(text), settings);
}

export function ids(fs: readonly Finding[]): string[] {
  return [...new Set(fs.map((f) => f.ruleId))].sort();
}

/** Findings of one rule. */
export function of(fs: readonly Finding[], ruleId: string): Finding[] {
  return fs.filter((f) => f.ruleId === ruleId);
}

/** Apply edits (byte spans) to bytes; edits must not overlap. */
export function applyEdits(bytes: Uint8Array, edits: readonly { span: { start: number; end: number }; newText: string }[]): Uint8Array {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = bytes;
  for (const e of sorted) {
    const ins = enc.encode(e.newText);
    const next = new Uint8Array(out.length - (e.span.end - e.span.start) + ins.length);
    next.set(out.subarray(0, e.span.start), 0);
    next.set(ins, e.span.start);
    next.set(out.subarray(e.span.end), e.span.start + ins.length);
    out = next;
  }
  return out;
}

/** Lint a document, apply the first fix of every finding of `ruleId`, return the new text. */
export function applyFirstFixes(doc: string, ruleId: string, languageId: 'sip' | 'sdp' = 'sip'): string {
  const bytes = enc.encode(doc);
  const { findings } = lintDocument(bytes, languageId);
  const edits = findings.filter((f) => f.ruleId === ruleId && f.fixes?.[0]).flatMap((f) => (f.fixes?.[0]?.edits ?? []));
  return dec.decode(applyEdits(bytes, edits));
}
