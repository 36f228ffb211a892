// Code lenses on a trace of several calls: above the first message of each call, "Ladder of this call (N messages)",
// which runs SIPScope: Show Ladder for This Trace for that Call-ID only (the whole trace's ladder of a busy log is
// hard to read; a call's is what one debugs).
import { Disposable, type CodeLens } from 'vscode-languageserver';
import { SHOW_TRACE_LADDER_COMMAND } from '../../protocol/lsp';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { spanToRange } from '../convert';
import { messageIdentifiers } from './navigation';

/**
 * One lens per Call-ID of a `sip` snapshot with at least two, above the call's first message (its log prefix line,
 * else its start line), in document order. The command's arguments are the document URI and the Call-ID.
 */
export function callLenses(snap: DocumentSnapshot): CodeLens[] {
  const first = new Map<string, { message: number; count: number }>();
  for (let i = 0; i < snap.messages.length; i++) {
    const id = messageIdentifiers(snap.facts(i)).find((o) => o.kind === 'call-id')?.key;
    if (id === undefined) continue;
    const c = first.get(id);
    if (c) c.count++;
    else first.set(id, { message: i, count: 1 });
  }
  if (first.size < 2) return [];
  const out: CodeLens[] = [];
  for (const [callId, { message, count }] of first) {
    const at = snap.keyStarts[message]!;
    out.push({
      range: spanToRange(snap.lines, { start: at, end: at }),
      command: { title: `Ladder of this call (${count} message${count === 1 ? '' : 's'})`, command: SHOW_TRACE_LADDER_COMMAND, arguments: [snap.uri, callId] },
    });
  }
  return out;
}

export function registerCodeLens(ctx: ServerContext): Disposable {
  return ctx.connection.onCodeLens((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    return snap === undefined || snap.language !== 'sip' ? [] : callLenses(snap);
  });
}
