// Navigation in a SIP trace by the identifiers RFC 3261 matches messages with: document highlights, references and
// go-to-definition on a Call-ID (§20.8: the call), a From/To tag (§19.3: the dialog side), a Via branch (§17: the
// transaction) and a CSeq (§8.1.1.5 with the Call-ID: one request and its responses). Cursor on any of them: every
// occurrence in the trace is highlighted; Find All References lists them; Go to Definition jumps to where it was
// introduced (the first message of the call, the request that created the branch or CSeq, the first message with the
// tag). Rename (F2) changes a Call-ID, tag or branch everywhere at once, e.g. to anonymise a trace before sharing it.
// Offsets are BYTE offsets until convert.ts makes LSP ranges.
import {
  Disposable,
  DocumentHighlightKind,
  ErrorCodes,
  ResponseError,
  type DocumentHighlight,
  type Location,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { decodeUtf8, parseNameAddrList, parseViaList, type SipParam, type Span } from '../../core/index';
import type { DocumentSnapshot, MessageFacts } from '../analysis';
import type { ServerContext } from '../context';
import { byteLength } from '../elements';
import { byteToPosition, positionToByte, spanToRange } from '../convert';
import { prefixSeconds } from './trace-ladder';

/** What an identifier identifies. Tags of From and To are one kind: a dialog side's tag moves between them. */
export type IdentifierKind = 'call-id' | 'tag' | 'branch' | 'cseq';

/** One identifier occurrence in a message (MESSAGE-LOCAL byte span of the value). */
export interface IdentifierOccurrence {
  kind: IdentifierKind;
  /**
   * The value as compared: Call-ID, tag and branch byte for byte (RFC 3261 §20.8; tags and branches are opaque
   * tokens); a CSeq as `<Call-ID> <number> <METHOD>` (its transaction within the call).
   */
  key: string;
  span: Span;
  /** Where it stands: the Call-ID, From or To header, the Via at `via` (0 = top), the CSeq. */
  header: 'call-id' | 'from' | 'to' | 'via' | 'cseq';
  via: number;
}

/** An occurrence in the document (DOCUMENT byte span) and the message it is in. */
export interface DocumentOccurrence extends IdentifierOccurrence {
  message: number;
  start: number;
  end: number;
}

function paramValueSpan(p: SipParam): Span | undefined {
  if (p.value === undefined || p.value === '') return undefined;
  return { start: p.span.end - byteLength(p.value), end: p.span.end };
}

function trimmed(b: Uint8Array, s: Span): Span {
  let start = s.start;
  let end = s.end;
  while (start < end && (b[start] === 32 || b[start] === 9)) start++;
  while (end > start && (b[end - 1] === 32 || b[end - 1] === 9 || b[end - 1] === 13 || b[end - 1] === 10)) end--;
  return { start, end };
}

/** The identifier occurrences of one parsed message, in header order (memoised on the message facts). */
export function messageIdentifiers(facts: MessageFacts): IdentifierOccurrence[] {
  const memo = facts.memo.get('identifiers') as IdentifierOccurrence[] | undefined;
  if (memo !== undefined) return memo;
  const out: IdentifierOccurrence[] = [];
  const b = facts.bytes;
  const msg = facts.sip;
  try {
    let callId: string | undefined;
    for (const h of msg.headers) {
      if (h.canonical === 'call-id' && callId === undefined) {
        const s = trimmed(b, h.valueSpan);
        if (s.end > s.start) {
          callId = decodeUtf8(b, s.start, s.end);
          out.push({ kind: 'call-id', key: callId, span: s, header: 'call-id', via: -1 });
        }
      }
    }
    let via = 0;
    for (const h of msg.headers) {
      const c = h.canonical;
      const vs = h.valueSpan;
      if (c === 'via') {
        for (const v of parseViaList(b, 0, vs.start, vs.end).value) {
          for (const p of v.params) {
            const s = p.name.toLowerCase() === 'branch' ? paramValueSpan(p) : undefined;
            if (s !== undefined) out.push({ kind: 'branch', key: p.value!, span: s, header: 'via', via });
          }
          via++;
        }
      } else if (c === 'from' || c === 'to') {
        const na = parseNameAddrList(b, 0, vs.start, vs.end).value[0];
        for (const p of na?.params ?? []) {
          const s = p.name.toLowerCase() === 'tag' ? paramValueSpan(p) : undefined;
          if (s !== undefined) out.push({ kind: 'tag', key: p.value!, span: s, header: c, via: -1 });
        }
      } else if (c === 'cseq' && callId !== undefined) {
        const s = trimmed(b, vs);
        const m = /^(\d+)\s+(\S+)$/.exec(decodeUtf8(b, s.start, s.end));
        if (m) out.push({ kind: 'cseq', key: `${callId} ${Number(m[1])} ${m[2]}`, span: s, header: 'cseq', via: -1 });
      }
    }
  } catch {
    // Navigation is a convenience: a sub-parser failing on odd input must not take the request down.
  }
  facts.memo.set('identifiers', out);
  return out;
}

/** The occurrence whose value contains document byte offset `offset` (end inclusive), if any. */
export function identifierAt(snap: DocumentSnapshot, offset: number): DocumentOccurrence | undefined {
  const i = snap.messageIndexAt(offset);
  if (i < 0) return undefined;
  for (const o of messageIdentifiers(snap.facts(i))) {
    const d = snap.spanToDocument(i, o.span);
    if (offset >= d.start && offset <= d.end) return { ...o, message: i, start: d.start, end: d.end };
  }
  return undefined;
}

/** Every occurrence of `kind`/`key` in the trace, in document order. */
export function occurrences(snap: DocumentSnapshot, kind: IdentifierKind, key: string): DocumentOccurrence[] {
  const out: DocumentOccurrence[] = [];
  for (let i = 0; i < snap.messages.length; i++) {
    for (const o of messageIdentifiers(snap.facts(i))) {
      if (o.kind !== kind || o.key !== key) continue;
      const d = snap.spanToDocument(i, o.span);
      out.push({ ...o, message: i, start: d.start, end: d.end });
    }
  }
  return out;
}

/**
 * Where an identifier was introduced, among its occurrences: a branch or CSeq in the request that created it (the
 * first request carrying the branch in its top Via, the first request with the CSeq); a Call-ID or tag at its first
 * occurrence (the first message of the call; the From tag of the initial request, or the To tag of the first
 * response a UAS tagged).
 */
export function definitionOf(snap: DocumentSnapshot, all: readonly DocumentOccurrence[]): DocumentOccurrence | undefined {
  const isRequest = (o: DocumentOccurrence): boolean => snap.facts(o.message).sip.kind === 'request';
  if (all.length === 0) return undefined;
  const kind = all[0]!.kind;
  if (kind === 'branch') return all.find((o) => o.via === 0 && isRequest(o)) ?? all[0];
  if (kind === 'cseq') return all.find(isRequest) ?? all[0];
  return all[0];
}

/** Most transactions a Call-ID hover lists. */
const MAX_SUMMARY = 8;

/** 1-based line of message `i`'s start line. */
export function lineOfMessage(snap: DocumentSnapshot, i: number): number {
  return byteToPosition(snap.lines, snap.toDocument(i, snap.facts(i).sip.startLine.start)).line + 1;
}

/**
 * Markdown saying what an identifier stands for in this trace (for hover): a Call-ID's messages and transactions
 * (`INVITE → 200, ACK, BYE → 200`), a branch's or CSeq's request and responses, where a tag first appears.
 */
export function identifierSummary(snap: DocumentSnapshot, o: DocumentOccurrence): string {
  const all = occurrences(snap, o.kind, o.key);
  const messages = [...new Set(all.map((x) => x.message))];
  const span = messages.length > 1 ? `lines ${lineOfMessage(snap, messages[0]!)}–${lineOfMessage(snap, messages[messages.length - 1]!)}` : `line ${lineOfMessage(snap, messages[0]!)}`;
  const count = `${messages.length} message${messages.length === 1 ? '' : 's'} in this trace (${span})`;
  // Transactions of these messages by CSeq (number and method within the Call-ID), in order of first sight.
  const transactions = new Map<string, { method: string; statuses: number[] }>();
  for (const i of messages) {
    const msg = snap.facts(i).sip;
    const cseq = messageIdentifiers(snap.facts(i)).find((x) => x.kind === 'cseq')?.key;
    if (cseq === undefined) continue;
    let t = transactions.get(cseq);
    if (t === undefined) transactions.set(cseq, (t = { method: cseq.slice(cseq.lastIndexOf(' ') + 1), statuses: [] }));
    if (msg.kind === 'response' && msg.statusCode !== undefined && !t.statuses.includes(msg.statusCode)) t.statuses.push(msg.statusCode);
  }
  const describe = (t: { method: string; statuses: number[] }): string => (t.statuses.length ? `${t.method} → ${t.statuses.join(', ')}` : t.method);
  const list = [...transactions.values()];
  switch (o.kind) {
    case 'call-id': {
      const shown = list.slice(0, MAX_SUMMARY).map((t) => (t.statuses.length ? `${t.method} → ${t.statuses.filter((c) => c >= 200).join(', ') || t.statuses.at(-1)}` : t.method));
      const timing = callTiming(snap, messages);
      return `**Call-ID** (RFC 3261 §20.8): ${count}.\n\n${shown.join(', ')}${list.length > MAX_SUMMARY ? `, … (${list.length} transactions)` : ''}${timing ? `\n\n${timing}` : ''}`;
    }
    case 'branch':
      return `**Transaction** (top Via branch, RFC 3261 §17): ${list.map(describe).join('; ')} — ${count}.`;
    case 'cseq':
      return `**CSeq** (RFC 3261 §8.1.1.5): ${list.map(describe).join('; ')} — ${count}.`;
    case 'tag': {
      const first = all[0]!;
      const msg = snap.facts(first.message).sip;
      const what = msg.kind === 'response' ? `${msg.statusCode ?? ''} ${msg.reason ?? ''}`.trim() : (msg.method ?? 'message');
      const side = first.header === 'from' ? 'the side that sent it' : 'the side that answered (UAS)';
      return `**Tag** (RFC 3261 §19.3): first in the ${first.header === 'from' ? 'From' : 'To'} header of the ${what} at line ${lineOfMessage(snap, first.message)}, ${side} — ${count}.`;
    }
  }
}

/**
 * When a call was answered (its first 2xx to an INVITE) and hung up (its first BYE), in seconds after its first
 * message, from the log prefixes' times; undefined when the trace has no times or neither happened.
 */
function callTiming(snap: DocumentSnapshot, messages: readonly number[]): string | undefined {
  const t0 = prefixSeconds(snap.messages[messages[0]!]?.prefix);
  if (t0 === undefined) return undefined;
  let answered: number | undefined;
  let bye: number | undefined;
  for (const i of messages) {
    const msg = snap.facts(i).sip;
    const t = prefixSeconds(snap.messages[i]!.prefix);
    if (t === undefined) continue;
    if (answered === undefined && msg.kind === 'response' && msg.statusCode !== undefined && msg.statusCode >= 200 && msg.statusCode < 300) {
      if (messageIdentifiers(snap.facts(i)).some((o) => o.kind === 'cseq' && o.key.endsWith(' INVITE'))) answered = t - t0;
    }
    if (bye === undefined && msg.kind === 'request' && msg.method === 'BYE') bye = t - t0;
  }
  const parts = [answered !== undefined ? `answered +${answered.toFixed(3)} s` : '', bye !== undefined ? `BYE +${bye.toFixed(3)} s` : ''].filter(Boolean);
  return parts.length ? `Timing from the first message: ${parts.join(', ')}${answered !== undefined && bye !== undefined ? ` (talk ${(bye - answered).toFixed(3)} s)` : ''}.` : undefined;
}

/** RFC 3261 §25.1 token characters (tags, branches), besides alphanumerics. */
const TOKEN_MARKS = "-.!%*_+`'~";
/** RFC 3261 §25.1 `word` characters (Call-ID = word ["@" word], §20.8), besides alphanumerics. */
const WORD_MARKS = `${TOKEN_MARKS}()<>:\\"/[]?{}`;

function allOf(text: string, marks: string): boolean {
  for (const ch of text) if (!/[A-Za-z0-9]/.test(ch) && !marks.includes(ch)) return false;
  return text.length > 0;
}

/**
 * Why `name` cannot replace an identifier of `kind` (RFC 3261 §25.1 syntax), or undefined when it can: a Call-ID is
 * `word ["@" word]`, a tag or branch a token. CSeqs are not renamed (a number and a method, not a name).
 */
export function renameProblem(kind: IdentifierKind, name: string): string | undefined {
  switch (kind) {
    case 'call-id': {
      const parts = name.split('@');
      return parts.length <= 2 && parts.every((p) => allOf(p, WORD_MARKS)) ? undefined : `'${name}' is not a Call-ID (word["@"word], RFC 3261 §20.8)`;
    }
    case 'tag':
    case 'branch':
      return allOf(name, TOKEN_MARKS) ? undefined : `'${name}' is not a token (RFC 3261 §25.1)`;
    case 'cseq':
      return 'a CSeq is a sequence number and a method: edit it in place';
  }
}

/** The text edits that rename every occurrence of `o`'s identifier to `name` (undefined: not renamable, see renameProblem). */
export function renameEdits(snap: DocumentSnapshot, o: DocumentOccurrence, name: string): TextEdit[] | undefined {
  if (renameProblem(o.kind, name) !== undefined) return undefined;
  return occurrences(snap, o.kind, o.key).map((x) => ({ range: spanToRange(snap.lines, x), newText: name }));
}

export function registerNavigation(ctx: ServerContext): Disposable {
  const at = (uri: string, position: { line: number; character: number }) => {
    const snap = ctx.snapshot(uri);
    if (snap === undefined || snap.language !== 'sip') return undefined;
    const o = identifierAt(snap, positionToByte(snap.lines, position));
    return o === undefined ? undefined : { snap, o, all: occurrences(snap, o.kind, o.key) };
  };
  const subs = [
    ctx.connection.onDocumentHighlight((params): DocumentHighlight[] | null => {
      const found = at(params.textDocument.uri, params.position);
      if (found === undefined) return null;
      const def = definitionOf(found.snap, found.all);
      return found.all.map((o) => ({
        range: spanToRange(found.snap.lines, o),
        kind: o === def ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
      }));
    }),
    ctx.connection.onReferences((params): Location[] | null => {
      const found = at(params.textDocument.uri, params.position);
      if (found === undefined) return null;
      const def = definitionOf(found.snap, found.all);
      return found.all
        .filter((o) => params.context.includeDeclaration || o !== def)
        .map((o) => ({ uri: params.textDocument.uri, range: spanToRange(found.snap.lines, o) }));
    }),
    ctx.connection.onDefinition((params): Location | null => {
      const found = at(params.textDocument.uri, params.position);
      const def = found && definitionOf(found.snap, found.all);
      return def ? { uri: params.textDocument.uri, range: spanToRange(found.snap.lines, def) } : null;
    }),
    ctx.connection.onPrepareRename((params) => {
      const found = at(params.textDocument.uri, params.position);
      if (found === undefined) return null;
      if (found.o.kind === 'cseq') throw new ResponseError(ErrorCodes.InvalidRequest, renameProblem('cseq', '')!);
      return { range: spanToRange(found.snap.lines, found.o), placeholder: found.o.key };
    }),
    ctx.connection.onRenameRequest((params): WorkspaceEdit | null => {
      const found = at(params.textDocument.uri, params.position);
      if (found === undefined) return null;
      const problem = renameProblem(found.o.kind, params.newName);
      if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, problem);
      return { changes: { [params.textDocument.uri]: renameEdits(found.snap, found.o, params.newName) ?? [] } };
    }),
  ];
  return Disposable.create(() => {
    for (const s of subs) s.dispose();
  });
}
