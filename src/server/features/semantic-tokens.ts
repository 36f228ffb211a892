// Semantic tokens on top of the TextMate grammar: methods, status codes by class, header names (known / unknown /
// compact), parameter names, URI parts, addresses (private/public), SDP line types and attributes — from parser spans.
import { Disposable, type Range, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { byteToPosition, positionToByte, singleLineUtf16Length } from '../convert';
import { messageElements, sdpDocumentElements, TOKEN_MODIFIERS, TOKEN_TYPES, type Element } from '../elements';

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

/**
 * Tokens of one message relative to the position of its cache-key start (first line: characters relative to that
 * position's character; later lines: absolute characters), as [dLine, char, length, type, mods] * n. Invariant for
 * a given message text, so it is memoised with the message's parse facts and reused across edits elsewhere.
 */
function messageTokens(snap: DocumentSnapshot, i: number): Int32Array {
  const facts = snap.facts(i);
  const memo = facts.memo.get('tokens') as Int32Array | undefined;
  if (memo !== undefined) return memo;
  const base = byteToPosition(snap.lines, snap.keyStarts[i]!);
  const els = messageElements(facts);
  const out: number[] = [];
  for (const e of els) {
    if (e.type < 0) continue;
    const pos = singleLineUtf16Length(snap.lines, { start: snap.toDocument(i, e.start), end: snap.toDocument(i, e.end) });
    if (pos === undefined) continue;
    const dLine = pos.start.line - base.line;
    out.push(dLine, dLine === 0 ? pos.start.character - base.character : pos.start.character, pos.length, e.type, e.mods);
  }
  const arr = Int32Array.from(out);
  facts.memo.set('tokens', arr);
  return arr;
}

/** LSP delta encoding of absolute (line, char, length, type, mods) tokens pushed in document order. */
class TokenEncoder {
  readonly data: number[] = [];
  private line = 0;
  private char = 0;
  push(line: number, char: number, length: number, type: number, mods: number): void {
    if (line < this.line || (line === this.line && char < this.char)) return; // never emit out of order
    const dl = line - this.line;
    this.data.push(dl, dl === 0 ? char - this.char : char, length, type, mods);
    this.line = line;
    this.char = char;
  }
}

/**
 * Semantic tokens of a snapshot, optionally limited to the messages that intersect the byte range [from, to).
 * Tokens crossing a line break (folded header values) are skipped: LSP tokens are single-line.
 */
export function semanticTokens(snap: DocumentSnapshot, from = 0, to = Number.MAX_SAFE_INTEGER): SemanticTokens {
  const enc = new TokenEncoder();
  if (snap.language === 'sdp') {
    const els: readonly Element[] = sdpDocumentElements(snap);
    for (const e of els) {
      if (e.type < 0) continue;
      if (e.start >= to) break;
      const pos = singleLineUtf16Length(snap.lines, e);
      if (pos !== undefined && e.end >= from) enc.push(pos.start.line, pos.start.character, pos.length, e.type, e.mods);
    }
    return { data: enc.data };
  }
  for (let i = 0; i < snap.messages.length; i++) {
    const m = snap.messages[i]!;
    if (m.span.end < from) continue;
    if (snap.keyStarts[i]! >= to) break;
    const base = byteToPosition(snap.lines, snap.keyStarts[i]!);
    const t = messageTokens(snap, i);
    for (let k = 0; k < t.length; k += 5) {
      const dLine = t[k]!;
      enc.push(base.line + dLine, dLine === 0 ? base.character + t[k + 1]! : t[k + 1]!, t[k + 2]!, t[k + 3]!, t[k + 4]!);
    }
  }
  return { data: enc.data };
}

export function registerSemanticTokens(ctx: ServerContext): Disposable {
  const full = ctx.connection.languages.semanticTokens.on((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    return snap === undefined ? { data: [] } : semanticTokens(snap);
  });
  const range = ctx.connection.languages.semanticTokens.onRange((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    if (snap === undefined) return { data: [] };
    const r: Range = params.range;
    return semanticTokens(snap, positionToByte(snap.lines, r.start), positionToByte(snap.lines, r.end));
  });
  return Disposable.create(() => {
    full.dispose();
    range.dispose();
  });
}
