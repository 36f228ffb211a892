// Quick fixes from the fixes rules attach to findings (Diagnostic.data, byte spans of the linted version), plus
// "fix all of this kind in the document" and a source.fixAll action. Keyed on diagnostic code/data only.
import {
  CodeActionKind,
  Disposable,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Finding } from '../../core/index';
import type { DocumentSnapshot } from '../analysis';
import type { ServerContext } from '../context';
import { DIAGNOSTIC_SOURCE, fixToData, fixToTextEdits, isDiagnosticData, mergeFixEdits, spanToRange } from '../convert';
import { MESSAGE_DOCUMENT_SCHEME, type SipScopeFixData } from '../../protocol/lsp';

/** Code action kind of the whole-document fix-all (usable in editor.codeActionsOnSave). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.sipscope`;

export function registerCodeActions(ctx: ServerContext): Disposable {
  return ctx.connection.onCodeAction((params) => {
    const snap = ctx.snapshot(params.textDocument.uri);
    // A capture's message shown read-only: a fix could not be applied there.
    if (snap === undefined || params.textDocument.uri.startsWith(`${MESSAGE_DOCUMENT_SCHEME}:`)) return [];
    const only = params.context.only;
    const wants = (kind: string) => only === undefined || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const actions: CodeAction[] = [];
    let current: Finding[] | undefined;
    const currentFindings = (): Finding[] => (current ??= ctx.store(snap.uri).lint(snap, ctx.settings.lint).findings);

    if (wants(CodeActionKind.QuickFix)) {
      const fixAllDone = new Set<string>();
      for (const d of params.context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string') continue;
        const fixes = fixesOf(d, snap, currentFindings);
        fixes.forEach((fix, i) => {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: fix.preferred ?? (i === 0),
            edit: workspaceEdit(ctx, snap, fixToTextEdits(snap.lines, fix)),
          });
        });
        const code = d.code;
        if (fixes.length > 0 && !fixAllDone.has(code)) {
          fixAllDone.add(code);
          const all = currentFindings().filter((f) => f.ruleId === code && f.span !== undefined && (f.fixes?.length ?? 0) > 0);
          if (all.length > 1) {
            const edits = mergeFixEdits(all.map((f) => preferredFix(f)));
            actions.push({
              title: `Fix all '${code}' problems in this document (${all.length})`,
              kind: CodeActionKind.QuickFix,
              diagnostics: [d],
              edit: workspaceEdit(ctx, snap, fixToTextEdits(snap.lines, { title: '', edits })),
            });
          }
        }
      }
    }

    if (only !== undefined && wants(FIX_ALL_KIND)) {
      const fixable = currentFindings().filter((f) => f.span !== undefined && (f.fixes?.length ?? 0) > 0);
      if (fixable.length > 0) {
        const edits = mergeFixEdits(fixable.map((f) => preferredFix(f)));
        actions.push({ title: 'Fix all auto-fixable SIPScope problems', kind: FIX_ALL_KIND, edit: workspaceEdit(ctx, snap, fixToTextEdits(snap.lines, { title: '', edits })) });
      }
    }
    return actions;
  });
}

/**
 * Fixes of a diagnostic: from its data when it was computed for the current version; otherwise (the client sent a
 * diagnostic of an older version) from the current finding with the same code and range, if any.
 */
function fixesOf(d: Diagnostic, snap: DocumentSnapshot, current: () => Finding[]): SipScopeFixData[] {
  if (isDiagnosticData(d.data) && d.data.version === snap.version) return d.data.fixes;
  for (const f of current()) {
    if (f.ruleId !== d.code || f.span === undefined) continue;
    const r = spanToRange(snap.lines, f.span);
    if (r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character) {
      return (f.fixes ?? []).map(fixToData);
    }
  }
  return [];
}

function preferredFix(f: Finding): SipScopeFixData {
  const fixes = f.fixes ?? [];
  return fixToData(fixes.find((x) => x.preferred) ?? fixes[0]!);
}

/** A versioned edit when the client supports documentChanges (so a stale edit is refused), else plain changes. */
function workspaceEdit(ctx: ServerContext, snap: DocumentSnapshot, edits: TextEdit[]): WorkspaceEdit {
  if (ctx.capabilities.workspace?.workspaceEdit?.documentChanges) {
    return { documentChanges: [TextDocumentEdit.create({ uri: snap.uri, version: snap.version }, edits)] };
  }
  return { changes: { [snap.uri]: edits } };
}
