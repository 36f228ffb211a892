// Document symbols (one per message, grouped by Call-ID when a call has several; SDP body and m= sections as
// children) and folding ranges (messages, header sections, SDP bodies, m= sections), from parser spans.
import { Disposable, FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import { decodeUtf8, type SdpSession, type Span } from '../../core/index';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { spanToRange } from '../convert';

/** Byte offset just after the last non-whitespace byte of `span` in `b` (so folds do not swallow blank lines). */
function contentEnd(b: Uint8Array, span: Span): number {
  let e = span.end;
  while (e > span.start) {
    const c = b[e - 1]!;
    if (c === 13 || c === 10 || c === 32 || c === 9) e--;
    else break;
  }
  return e;
}

function mediaSymbols(snap: DocumentSnapshot, session: SdpSession, map: (o: number) => number): DocumentSymbol[] {
  return session.media.map((m) => {
    const last = m.lines.length > 0 ? m.lines[m.lines.length - 1]!.span.end : m.line.span.end;
    const sel = { start: map(m.line.span.start), end: map(m.line.span.end) };
    return {
      name: `m=${m.line.value}`,
      detail: m.connection ? `c=${m.connection.address}` : undefined,
      kind: SymbolKind.Field,
      range: spanToRange(snap.lines, { start: sel.start, end: map(last) }),
      selectionRange: spanToRange(snap.lines, sel),
    };
  });
}

/** Document symbols of a snapshot. */
export function documentSymbols(snap: DocumentSnapshot): DocumentSymbol[] {
  if (snap.language === 'sdp') return mediaSymbols(snap, snap.sdpSession(), (o) => o);
  const messages: { callId: string | undefined; symbol: DocumentSymbol; start: number; end: number }[] = [];
  for (let i = 0; i < snap.messages.length; i++) {
    const m = snap.messages[i]!;
    const f = snap.facts(i);
    const map = (o: number) => snap.toDocument(i, o);
    const sl = f.sip.startLine;
    const name = decodeUtf8(f.bytes, sl.start, sl.end).trim() || `message ${i + 1}`;
    const callId = f.sip.header('call-id')?.value.trim();
    const cseq = f.sip.header('cseq')?.value.trim();
    const start = snap.keyStarts[i]!;
    const end = contentEnd(snap.bytes, { start, end: m.span.end });
    const children: DocumentSymbol[] = f.sdp.map((sdp) => ({
      name: 'SDP',
      detail: sdp.session.origin ? `o=${sdp.session.origin.username} ${sdp.session.origin.sessionId} ${sdp.session.origin.sessionVersion}` : undefined,
      kind: SymbolKind.Object,
      range: spanToRange(snap.lines, { start: map(sdp.span.start), end: contentEnd(snap.bytes, { start: map(sdp.span.start), end: map(sdp.span.end) }) }),
      selectionRange: spanToRange(snap.lines, { start: map(sdp.span.start), end: map(sdp.span.start) }),
      children: mediaSymbols(snap, sdp.session, map),
    }));
    const detail = [callId, cseq].filter((x) => x !== undefined && x !== '').join(' · ');
    messages.push({
      callId,
      start,
      end,
      symbol: {
        name,
        detail: detail || undefined,
        kind: f.sip.kind === 'request' ? SymbolKind.Method : SymbolKind.Event,
        range: spanToRange(snap.lines, { start, end: Math.max(start, end) }),
        selectionRange: spanToRange(snap.lines, { start: map(sl.start), end: map(sl.end) }),
        children,
      },
    });
  }
  // Group by Call-ID (first appearance order); a call with one message stays a top-level message symbol.
  const byCall = new Map<string, typeof messages>();
  for (const m of messages) {
    const k = m.callId ?? '';
    if (k === '') continue;
    const list = byCall.get(k);
    if (list) list.push(m);
    else byCall.set(k, [m]);
  }
  const out: DocumentSymbol[] = [];
  const emitted = new Set<string>();
  for (const m of messages) {
    const k = m.callId ?? '';
    const group = k === '' ? undefined : byCall.get(k);
    if (group === undefined || group.length < 2) {
      out.push(m.symbol);
      continue;
    }
    if (emitted.has(k)) continue;
    emitted.add(k);
    // A loop, not Math.min(...spread): a Call-ID can group 100k+ messages, more arguments than a call takes.
    let start = group[0]!.start;
    let end = group[0]!.end;
    for (const g of group) {
      if (g.start < start) start = g.start;
      if (g.end > end) end = g.end;
    }
    out.push({
      name: `Call-ID ${k}`,
      detail: `${group.length} messages`,
      kind: SymbolKind.Namespace,
      range: spanToRange(snap.lines, { start, end }),
      selectionRange: m.symbol.selectionRange,
      children: group.map((g) => g.symbol),
    });
  }
  return out;
}

/** Folding ranges of a snapshot: at most one per start line (the outermost wins). */
export function foldingRanges(snap: DocumentSnapshot): FoldingRange[] {
  const out: FoldingRange[] = [];
  const seen = new Set<number>();
  const add = (startByte: number, endByte: number, kind?: FoldingRangeKind): void => {
    const s = snap.lines.lineAtByte(startByte);
    const e = snap.lines.lineAtByte(Math.max(startByte, endByte - 1));
    if (e <= s || seen.has(s)) return;
    seen.add(s);
    out.push(kind === undefined ? { startLine: s, endLine: e } : { startLine: s, endLine: e, kind });
  };
  const sdpFolds = (session: SdpSession, map: (o: number) => number): void => {
    for (const m of session.media) {
      const last = m.lines.length > 0 ? m.lines[m.lines.length - 1]!.span.end : m.line.span.end;
      add(map(m.line.span.start), map(last));
    }
  };
  if (snap.language === 'sdp') {
    sdpFolds(snap.sdpSession(), (o) => o);
    return out;
  }
  for (let i = 0; i < snap.messages.length; i++) {
    const m = snap.messages[i]!;
    const f = snap.facts(i);
    const map = (o: number) => snap.toDocument(i, o);
    const start = snap.keyStarts[i]!;
    add(start, contentEnd(snap.bytes, { start, end: m.span.end }), FoldingRangeKind.Region);
    const hs = f.sip.headers;
    if (hs.length > 1) add(map(hs[0]!.lineSpan.start), map(hs[hs.length - 1]!.lineSpan.end));
    for (const sdp of f.sdp) {
      add(map(sdp.span.start), contentEnd(snap.bytes, { start: map(sdp.span.start), end: map(sdp.span.end) }));
      sdpFolds(sdp.session, map);
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine);
}

export function registerOutline(ctx: ServerContext): Disposable {
  const symbols = ctx.connection.onDocumentSymbol((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    return snap === undefined ? [] : documentSymbols(snap);
  });
  const folding = ctx.connection.onFoldingRanges((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    return snap === undefined ? [] : foldingRanges(snap);
  });
  return Disposable.create(() => {
    symbols.dispose();
    folding.dispose();
  });
}
