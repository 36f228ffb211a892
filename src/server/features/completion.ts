// Completion: methods at a message start, header names (full and compact, inserting `Name: `), parameters after
// `;` in Via / URIs / name-addr headers, status codes after `SIP/2.0 `, SDP line types and attributes after `a=`.
import {
  CompletionItemKind,
  Disposable,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { SIP_HEADERS } from '../../core/index';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { positionToByte } from '../convert';
import { SDP_ATTRIBUTES, SDP_LINE_TYPES } from '../docs/sdp-attributes';
import { rfcLabel, rfcUrl, SIP_METHODS, SIP_PARAMS, type ParamContext } from '../docs/sip-methods';
import { STATUS_CODES } from '../docs/status-codes';

export const COMPLETION_TRIGGERS = [';', '=', ' '];

/** Headers every request carries (RFC 3261 §8.1.1) plus the body headers: listed first. */
const COMMON_HEADERS = ['via', 'max-forwards', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-type', 'content-length', 'allow', 'supported', 'user-agent', 'route', 'record-route', 'expires'];

const NAME_ADDR = new Set(['from', 't', 'f', 'to', 'contact', 'm', 'route', 'record-route', 'reply-to', 'refer-to', 'r', 'referred-by', 'b', 'path', 'service-route', 'p-asserted-identity', 'p-preferred-identity']);

type Ctx =
  | { kind: 'line-start'; word: string; messageStart: boolean; inHeaders: boolean }
  | { kind: 'status'; word: string }
  | { kind: 'param'; word: string; contexts: ParamContext[] }
  | { kind: 'sdp-line'; word: string }
  | { kind: 'sdp-attr'; word: string };

/** Completion items at `pos` (LSP position) of the snapshot. */
export function completionsAt(snap: DocumentSnapshot, pos: Position): CompletionItem[] {
  const ctx = contextAt(snap, pos);
  if (ctx === undefined) return [];
  const range: Range = { start: { line: pos.line, character: pos.character - ctx.word.length }, end: pos };
  switch (ctx.kind) {
    case 'status':
      return STATUS_CODES.map((d) => ({
        label: `${d.code} ${d.reason}`,
        kind: CompletionItemKind.EnumMember,
        detail: rfcLabel(d.rfc, d.section),
        documentation: { kind: MarkupKind.Markdown, value: `${d.description}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})` },
        filterText: String(d.code),
        sortText: String(d.code),
        textEdit: { range, newText: `${d.code} ${d.reason}` },
      }));
    case 'param':
      return SIP_PARAMS.filter((p) => p.contexts.some((c) => ctx.contexts.includes(c))).map((p, i) => ({
        label: p.name,
        kind: CompletionItemKind.Property,
        detail: rfcLabel(p.rfc, p.section),
        documentation: { kind: MarkupKind.Markdown, value: `${p.description}\n\n[${rfcLabel(p.rfc, p.section)}](${rfcUrl(p.rfc, p.section)})` },
        sortText: String(i).padStart(3, '0'),
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: p.snippet },
      }));
    case 'sdp-line':
      return SDP_LINE_TYPES.filter((d) => d.type !== 'k').map((d, i) => ({
        label: `${d.type}=`,
        kind: CompletionItemKind.Keyword,
        detail: d.name,
        documentation: { kind: MarkupKind.Markdown, value: `\`${d.syntax}\`\n\n${d.description}\n\n[RFC 8866 §${d.section}](${rfcUrl(8866, d.section)})` },
        sortText: String(i).padStart(3, '0'),
        textEdit: { range, newText: `${d.type}=` },
      }));
    case 'sdp-attr':
      return SDP_ATTRIBUTES.map((d) => ({
        label: d.name,
        kind: CompletionItemKind.Property,
        detail: d.syntax === '' ? rfcLabel(d.rfc, d.section) : `${d.syntax}`,
        documentation: { kind: MarkupKind.Markdown, value: `${d.description}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})` },
        textEdit: { range, newText: d.syntax === '' ? d.name : `${d.name}:` },
      }));
    case 'line-start': {
      const items: CompletionItem[] = [];
      if (ctx.messageStart) {
        SIP_METHODS.forEach((m, i) =>
          items.push({
            label: m.method,
            kind: CompletionItemKind.Function,
            detail: `request line · ${rfcLabel(m.rfc, m.section)}`,
            documentation: { kind: MarkupKind.Markdown, value: m.description },
            sortText: `0${String(i).padStart(3, '0')}`,
            insertTextFormat: InsertTextFormat.Snippet,
            textEdit: { range, newText: `${m.method} sip:\${1:user}@\${2:host} SIP/2.0` },
          }),
        );
        items.push({ label: 'SIP/2.0', kind: CompletionItemKind.Keyword, detail: 'status line', sortText: '0999', textEdit: { range, newText: 'SIP/2.0 ' }, command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } });
      }
      if (ctx.inHeaders) items.push(...headerItems(range));
      return items;
    }
  }
}

function headerItems(range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const d of SIP_HEADERS) {
    const rank = COMMON_HEADERS.indexOf(d.canonical);
    const sort = rank >= 0 ? `1${String(rank).padStart(3, '0')}` : `2${d.canonical}`;
    const doc = { kind: MarkupKind.Markdown, value: `${d.description}\n\n[${rfcLabel(d.rfc, d.section)}](${rfcUrl(d.rfc, d.section)})` };
    items.push({
      label: d.display,
      kind: CompletionItemKind.Field,
      detail: rfcLabel(d.rfc, d.section),
      documentation: doc,
      sortText: sort,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: `${d.display}: $0` },
    });
    if (d.compact !== undefined) {
      items.push({
        label: d.compact,
        kind: CompletionItemKind.Field,
        detail: `compact form of ${d.display}`,
        documentation: doc,
        sortText: `3${d.compact}`,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: `${d.compact}: $0` },
      });
    }
  }
  return items;
}

function contextAt(snap: DocumentSnapshot, pos: Position): Ctx | undefined {
  const lines = snap.lines;
  const lineStart = lines.lineStartUtf16(pos.line);
  const cursor = lines.utf16AtPosition(pos);
  const before = snap.text.slice(lineStart, cursor);

  if (snap.language === 'sdp') return sdpContext(before);

  const offset = positionToByte(lines, pos);
  const i = snap.messageIndexAt(offset);
  const local = i >= 0 ? snap.toLocal(i, offset) : -1;
  let inBody = false;
  let sdpBody = false;
  let onStartLine = i < 0;
  if (local >= 0) {
    const f = snap.facts(i);
    const terminated = !f.problems.some((p) => p.code === 'sip/missing-empty-line');
    inBody = terminated && local >= f.sip.bodyStart;
    const ct = f.sip.header('content-type')?.value.toLowerCase() ?? '';
    sdpBody = inBody && (ct.includes('sdp') || ct.startsWith('multipart/') || f.sdp.length > 0);
    onStartLine = local <= f.sip.startLine.end;
  } else if (i >= 0) {
    // On the message's log prefix line.
    return undefined;
  }
  if (inBody) return sdpBody ? sdpContext(before) : undefined;

  const status = /^SIP\/2\.0 (\d{0,3})$/.exec(before);
  if (status) return { kind: 'status', word: status[1]! };

  const param = /;\s*([\w.+-]*)$/.exec(before);
  if (param) {
    const word = param[1]!;
    if (onStartLine && /^[A-Za-z]+ /.test(before)) return { kind: 'param', word, contexts: ['uri'] };
    const h = /^([\w.!%*+`'~-]+)\s*:/.exec(before);
    if (!h) return undefined;
    const name = h[1]!.toLowerCase();
    if (name === 'via' || name === 'v') return { kind: 'param', word, contexts: ['via'] };
    if (NAME_ADDR.has(name)) {
      const open = before.lastIndexOf('<');
      const inAngle = open > before.lastIndexOf('>');
      if (inAngle) return { kind: 'param', word, contexts: ['uri'] };
      // addr-spec without <>: its params are header params (RFC 3261 §20.10), but URI params are still common.
      return { kind: 'param', word, contexts: before.includes('<') ? ['header'] : ['header', 'uri'] };
    }
    return { kind: 'param', word, contexts: ['header'] };
  }

  const word = /^[A-Za-z][\w-]*$|^$/.exec(before);
  if (word) return { kind: 'line-start', word: word[0], messageStart: onStartLine, inHeaders: !onStartLine || i < 0 };
  return undefined;
}

function sdpContext(before: string): Ctx | undefined {
  const attr = /^a=([\w.-]*)$/.exec(before);
  if (attr) return { kind: 'sdp-attr', word: attr[1]! };
  if (/^[a-z]?$/.test(before)) return { kind: 'sdp-line', word: before };
  return undefined;
}

export function registerCompletion(ctx: ServerContext): Disposable {
  return ctx.connection.onCompletion((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    return snap === undefined ? [] : completionsAt(snap, params.position);
  });
}
