// Fixes as data: edits (byte spans into the message, mapped to the document by the runner) for the fixable
// findings: Content-Length value, ;rport on the top Via, CRLF line ends, Max-Forwards: 70, full header names.
import type { Fix, FixEdit } from './types';
import type { MessageContext } from './context';
import type { SipHeaderField } from '../sip/types';
import { headerDef } from '../sip/parse-message';
import { eolOf } from './util';

/** Replace the Content-Length value by the body's real byte count (RFC 3261 §20.14). */
export function fixContentLength(ctx: MessageContext, actual: number): Fix | undefined {
  const cl = ctx.contentLength;
  if (cl === undefined) return undefined;
  return { title: `Set Content-Length to ${actual}`, preferred: true, edits: [{ span: cl.field.valueSpan, newText: String(actual) }] };
}

/** Insert `;rport` after the top Via's sent-by (RFC 3581 §3). */
export function fixAddRport(ctx: MessageContext): Fix | undefined {
  const v = ctx.topVia;
  if (v === undefined || v.rportPresent) return undefined;
  const at = v.sentBySpan.end;
  return { title: 'Add ;rport to the top Via', preferred: true, edits: [{ span: { start: at, end: at }, newText: ';rport' }] };
}

/** True when the body looks like text (no NUL, valid enough to carry line ends we may rewrite). */
function textualBody(ctx: MessageContext): boolean {
  const b = ctx.bytes;
  const s = ctx.msg.body;
  for (let i = s.start; i < s.end; i++) if (b[i] === 0) return false;
  const ct = ctx.msg.header('content-type')?.value.toLowerCase() ?? '';
  return s.end === s.start || ct === '' || ct.startsWith('application/sdp') || ct.startsWith('text/') || ct.startsWith('message/');
}

/**
 * Convert every bare LF of the message to CRLF (RFC 3261 §7). When the body is text its line ends are converted too
 * and Content-Length is updated in the same fix so the message stays consistent.
 */
export function fixLineEndings(ctx: MessageContext): Fix | undefined {
  const b = ctx.bytes;
  const bodyStart = ctx.msg.bodyStart;
  const withBody = textualBody(ctx);
  const limit = withBody ? b.length : bodyStart;
  const edits: FixEdit[] = [];
  let bodyAdded = 0;
  for (let i = 0; i < limit; i++) {
    if (b[i] === 10 && (i === 0 || b[i - 1] !== 13)) {
      edits.push({ span: { start: i, end: i }, newText: '\r' });
      if (i >= bodyStart) bodyAdded++;
    }
  }
  if (edits.length === 0) return undefined;
  const cl = ctx.contentLength;
  if (withBody && bodyAdded > 0 && cl !== undefined && cl.value !== undefined) {
    const body = ctx.msg.body.end - ctx.msg.body.start;
    edits.push({ span: cl.field.valueSpan, newText: String(body + bodyAdded) });
  }
  edits.sort((x, y) => x.span.start - y.span.start);
  return { title: 'Convert line ends to CRLF', edits };
}

/** Insert `Max-Forwards: 70` after the last Via (RFC 3261 §8.1.1.6: 70 is the recommended initial value). */
export function fixInsertMaxForwards(ctx: MessageContext): Fix | undefined {
  const msg = ctx.msg;
  const vias = msg.headersNamed('via');
  const anchor = vias.length > 0 ? (vias[vias.length - 1] as SipHeaderField).lineSpan.end : msg.startLine.end;
  let at = anchor;
  const b = ctx.bytes;
  if (b[at] === 13) at++;
  if (b[at] === 10) at++;
  else if (at === anchor) return undefined;
  const eol = eolOf(msg.lineEnding);
  return { title: 'Insert Max-Forwards: 70', preferred: true, edits: [{ span: { start: at, end: at }, newText: `Max-Forwards: 70${eol}` }] };
}

/** Replace compact header names (`v`, `f`, `t`, `i`, `m`, `l`, `c`, ...) by their full names (RFC 3261 §7.3.3). */
export function fixExpandCompact(ctx: MessageContext, only?: SipHeaderField): Fix | undefined {
  const edits: FixEdit[] = [];
  for (const h of only !== undefined ? [only] : ctx.msg.headers) {
    const d = headerDef(h);
    if (d === undefined || d.compact === undefined || h.name.toLowerCase() !== d.compact) continue;
    edits.push({ span: h.nameSpan, newText: d.display });
  }
  if (edits.length === 0) return undefined;
  return only !== undefined
    ? { title: `Expand "${only.name}" to "${edits[0]?.newText}"`, preferred: true, edits }
    : { title: 'Expand all compact header names', edits };
}
