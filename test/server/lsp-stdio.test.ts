// The built language server (dist/server.js) over stdio, driven like an editor: diagnostics with rule ids and RFC
// links, a quick fix applied and re-checked, hover, completion, symbols, folding, semantic tokens, settings and the
// trace ladder request.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DefinitionRequest,
  DocumentHighlightRequest,
  InlayHintRequest,
  PrepareRenameRequest,
  RenameRequest,
  ReferencesRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DiagnosticSeverity,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  ExitNotification,
  FoldingRangeRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  SemanticTokensRequest,
  ShutdownRequest,
  type CodeAction,
  type Diagnostic,
  type DocumentSymbol,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TRACE_LADDER_METHOD, type TraceLadderResult } from '../../src/protocol/lsp';

const ROOT = path.resolve(__dirname, '../..');
const SERVER = path.join(ROOT, 'dist/server.js');
const SAMPLE_PATH = path.join(ROOT, 'samples/sip/nat-call.sip');
const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');
const URI = 'file:///work/samples/nat-call.sip';

/** Rule ids the sample must produce (a NATed phone: private Via without rport, private Contact and SDP). */
const EXPECTED_RULES = ['nat/via-rport', 'nat/private-via', 'nat/private-contact', 'nat/private-sdp'];
/** The rule whose quick fix is applied (and must disappear afterwards). */
const FIX_RULE = 'nat/via-rport';

let proc: ChildProcess;
let conn: ProtocolConnection;
let init: InitializeResult;
/** Value returned for workspace/configuration `sipscope`. */
let settings: unknown = {};
const published: PublishDiagnosticsParams[] = [];
const waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

/** Resolves with the first diagnostics published for `uri` (at `version`, if given) — past or future. */
function diagnosticsFor(uri: string, version?: number, after = 0): Promise<PublishDiagnosticsParams> {
  const match = (p: PublishDiagnosticsParams) => p.uri === uri && (version === undefined || p.version === version);
  const past = published.slice(after).find(match);
  if (past) return Promise.resolve(past);
  return new Promise((resolve) => waiters.push({ match, resolve }));
}

function applyWorkspaceEdit(text: string, action: CodeAction): string {
  const edit = action.edit!;
  let edits: TextEdit[] = [];
  if (edit.documentChanges) {
    for (const c of edit.documentChanges) if ('edits' in c && c.textDocument.uri === URI) edits = edits.concat(c.edits as TextEdit[]);
  } else edits = edit.changes?.[URI] ?? [];
  return TextDocument.applyEdits(TextDocument.create(URI, 'sip', 1, text), edits);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['esbuild.mjs', 'server'], { cwd: ROOT, stdio: 'inherit' });
  proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.match(p)) waiters.splice(i, 1)[0]!.resolve(p);
    }
  });
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map((it) => (it.section === 'sipscope' ? settings : null)));
  conn.onRequest(RegistrationRequest.type, () => undefined);
  conn.listen();
  init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: null,
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
      textDocument: { publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true } },
    },
  });
  await conn.sendNotification(InitializedNotification.type, {});
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'sip', version: 1, text: SAMPLE } });
}, 60_000);

afterAll(async () => {
  await conn.sendRequest(ShutdownRequest.type);
  await conn.sendNotification(ExitNotification.type);
  conn.dispose();
  proc.kill();
});

describe('sipscope language server over stdio', () => {
  it('announces its features and the semantic tokens legend', () => {
    const caps = init.capabilities;
    expect(caps.hoverProvider).toBe(true);
    expect(caps.documentSymbolProvider).toBeTruthy();
    expect(caps.foldingRangeProvider).toBe(true);
    expect([caps.documentHighlightProvider, caps.referencesProvider, caps.definitionProvider]).toEqual([true, true, true]);
    expect(caps.renameProvider).toEqual({ prepareProvider: true });
    expect(caps.inlayHintProvider).toBe(true);
    expect(caps.codeLensProvider).toEqual({ resolveProvider: false });
    expect(caps.completionProvider?.triggerCharacters).toContain(';');
    expect(caps.semanticTokensProvider?.legend.tokenTypes).toEqual(expect.arrayContaining(['function', 'property', 'parameter', 'number']));
    expect(caps.semanticTokensProvider?.legend.tokenModifiers).toEqual(expect.arrayContaining(['compact', 'clientError', 'privateAddress']));
  });

  it('publishes diagnostics with rule ids, RFC links and fixes as data', async () => {
    const p = await diagnosticsFor(URI, 1);
    const ids = new Set(p.diagnostics.map((d) => d.code));
    for (const id of EXPECTED_RULES) expect(ids, `rule ${id}`).toContain(id);
    for (const d of p.diagnostics) {
      expect(d.source).toBe('sipscope');
      expect(d.codeDescription?.href).toMatch(/^https:\/\//);
    }
    const fixable = p.diagnostics.find((d) => d.code === FIX_RULE)!;
    expect(fixable.data).toMatchObject({ version: 1, fixes: [expect.objectContaining({ title: expect.any(String) })] });
  });

  it('applies a quick fix, and the problem is gone after the change', async () => {
    const before = await diagnosticsFor(URI, 1);
    const target: Diagnostic = before.diagnostics.find((d) => d.code === FIX_RULE)!;
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: URI },
      range: target.range,
      context: { diagnostics: [target], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.kind).toBe('quickfix');
    expect(fix.diagnostics?.[0]?.code).toBe(FIX_RULE);
    const fixed = applyWorkspaceEdit(SAMPLE, fix);
    expect(fixed).not.toBe(SAMPLE);
    const mark = published.length;
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await diagnosticsFor(URI, 2, mark);
    const sameRange = (d: Diagnostic) => d.code === FIX_RULE && d.range.start.line === target.range.start.line;
    expect(after.diagnostics.some(sameRange)).toBe(false);
    expect(after.diagnostics.filter((d) => d.code === FIX_RULE).length).toBe(before.diagnostics.filter((d) => d.code === FIX_RULE).length - 1);

    // "Fix all of this kind" fixes the remaining ones in one edit.
    const rest = after.diagnostics.filter((d) => d.code === FIX_RULE);
    if (rest.length > 1) {
      const all = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: rest[0]!.range, context: { diagnostics: [rest[0]!] } })) as CodeAction[];
      const fixAll = all.find((a) => a.title.startsWith('Fix all'))!;
      const mark3 = published.length;
      await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: applyWorkspaceEdit(fixed, fixAll) }] });
      expect((await diagnosticsFor(URI, 3, mark3)).diagnostics.filter((d) => d.code === FIX_RULE)).toEqual([]);
    }
    // Back to the original text for the other tests.
    const mark4 = published.length;
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 4 }, contentChanges: [{ text: SAMPLE }] });
    await diagnosticsFor(URI, 4, mark4);
  });

  it('turns the rules\' fixes (Content-Length, Max-Forwards, compact forms) into actions, and source.fixAll applies them', async () => {
    const uri = 'file:///work/compact.sip';
    const text = [
      'OPTIONS sip:bob@example.com SIP/2.0',
      'v: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1;rport',
      'f: <sip:alice@example.com>;tag=1',
      't: <sip:bob@example.com>',
      'i: c0ffee@198.51.100.7',
      'CSeq: 1 OPTIONS',
      'Content-Type: text/plain',
      'Content-Length: 9',
      '',
      'abc',
    ].join('\r\n');
    const mark = published.length;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sip', version: 1, text } });
    const p = await diagnosticsFor(uri, 1, mark);
    const codes = p.diagnostics.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['sip/content-length', 'sip/max-forwards', 'sip/compact-form']));
    const cl = p.diagnostics.find((d) => d.code === 'sip/content-length')!;
    const clActions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: cl.range, context: { diagnostics: [cl] } })) as CodeAction[];
    expect(clActions.find((a) => a.isPreferred)?.title).toBe('Set Content-Length to 3');
    const compact = p.diagnostics.find((d) => d.code === 'sip/compact-form')!;
    const compactActions = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: compact.range, context: { diagnostics: [compact] } })) as CodeAction[];
    expect(compactActions.map((a) => a.title)).toEqual(expect.arrayContaining(['Expand "v" to "Via"', "Fix all 'sip/compact-form' problems in this document (4)"]));

    const all = (await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    expect(all.map((a) => a.kind)).toEqual(['source.fixAll.sipscope']);
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'sip', 1, text), (all[0]!.edit!.documentChanges![0] as { edits: TextEdit[] }).edits);
    expect(fixed).toContain('Max-Forwards: 70\r\n');
    expect(fixed).toContain('\r\nVia: SIP/2.0/UDP');
    expect(fixed).toContain('Content-Length: 3\r\n');
    const mark2 = published.length;
    await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const after = await diagnosticsFor(uri, 2, mark2);
    expect(after.diagnostics.filter((d) => ['sip/content-length', 'sip/max-forwards', 'sip/compact-form'].includes(String(d.code)))).toEqual([]);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('answers hover on a header, a status code and a private address', async () => {
    const hover = async (line: number, character: number) => {
      const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line, character } });
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    };
    expect(await hover(2, 1)).toContain('RFC 3261 §20.42');
    const lines = SAMPLE.split('\r\n');
    const trying = lines.indexOf('SIP/2.0 100 Trying');
    expect(await hover(trying, 9)).toContain('100 Trying');
    expect(await hover(2, lines[2]!.indexOf('192.168') + 2)).toContain('RFC 1918');
  });

  it('highlights a Call-ID\'s occurrences, lists them as references and goes to the request of a response\'s branch', async () => {
    const lines = SAMPLE.split(/\r?\n/);
    const callIdLines = lines.flatMap((l, i) => (l.startsWith('Call-ID:') ? [i] : []));
    const position = { line: callIdLines[2]!, character: 12 };
    const highlights = (await conn.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri: URI }, position })) ?? [];
    expect(highlights.map((h) => h.range.start.line)).toEqual(callIdLines);
    const refs = (await conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: URI }, position, context: { includeDeclaration: false } })) ?? [];
    expect(refs.map((r) => r.range.start.line)).toEqual(callIdLines.slice(1));
    const trying = lines.indexOf('SIP/2.0 100 Trying');
    const branchAt = lines[trying + 1]!.indexOf('branch=') + 9;
    const def = await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: URI }, position: { line: trying + 1, character: branchAt } });
    const invite = lines.findIndex((l) => l.startsWith('INVITE '));
    expect(def && !Array.isArray(def) ? def.range.start.line : -1).toBe(invite + 1);
    expect(await conn.sendRequest(DocumentHighlightRequest.type, { textDocument: { uri: URI }, position: { line: trying, character: 2 } })).toBeNull();
  });

  it('renames a Call-ID everywhere (prepareRename gives its range), refuses an invalid name and a CSeq', async () => {
    const lines = SAMPLE.split(/\r?\n/);
    const callIdLines = lines.flatMap((l, i) => (l.startsWith('Call-ID:') ? [i] : []));
    const position = { line: callIdLines[1]!, character: 12 };
    const prep = await conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: URI }, position });
    expect(prep && 'placeholder' in prep ? [prep.range.start, prep.placeholder] : undefined).toEqual([{ line: callIdLines[1], character: 9 }, lines[callIdLines[1]!]!.slice(9)]);
    const edit = await conn.sendRequest(RenameRequest.type, { textDocument: { uri: URI }, position, newName: 'anon-1@example.invalid' });
    expect(edit?.changes?.[URI]?.map((e) => [e.range.start.line, e.newText])).toEqual(callIdLines.map((l) => [l, 'anon-1@example.invalid']));
    await expect(conn.sendRequest(RenameRequest.type, { textDocument: { uri: URI }, position, newName: 'two words' })).rejects.toThrow(/not a Call-ID/);
    const cseq = lines.findIndex((l) => l.startsWith('CSeq:'));
    await expect(conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: URI }, position: { line: cseq, character: 7 } })).rejects.toThrow(/CSeq/);
  });

  it('gives timing inlay hints for the lines asked for', async () => {
    const lines = SAMPLE.split(/\r?\n/);
    const invite = lines.findIndex((l) => l.startsWith('INVITE '));
    const hints = (await conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: invite + 1, character: 0 } } })) ?? [];
    expect(hints.map((h) => [h.position.line, h.label])).toEqual([[invite, '180 +1.749 s · 200 +6.220 s']]);
  });

  it('checks a capture\'s read-only message document but offers it no quick fix', async () => {
    const uri = 'sipscope-message:/call.pcap%20frame%201%20INVITE.sip?1';
    const mark = published.length;
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sip', version: 1, text: SAMPLE } });
    const p = await diagnosticsFor(uri, 1, mark);
    const fixable = p.diagnostics.find((d) => d.code === FIX_RULE)!;
    expect(fixable).toBeDefined();
    const actions = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: fixable.range, context: { diagnostics: [fixable] } });
    expect(actions).toEqual([]);
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('completes header names and Via parameters', async () => {
    const mark = published.length;
    const text = 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;\r\nCo\r\n';
    const uri = 'file:///work/typing.sip';
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'sip', version: 1, text } });
    await diagnosticsFor(uri, 1, mark);
    const list = async (line: number, character: number) => {
      const r = await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
      return (Array.isArray(r) ? r : (r?.items ?? [])).map((c) => c.label);
    };
    expect(await list(1, 26)).toEqual(expect.arrayContaining(['branch', 'rport']));
    expect(await list(2, 2)).toEqual(expect.arrayContaining(['Contact', 'Content-Length', 'Content-Type', 'm', 'l']));
    await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  });

  it('lists symbols and folding ranges', async () => {
    const syms = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: URI } })) as DocumentSymbol[];
    expect(syms).toHaveLength(1);
    expect(syms[0]!.children).toHaveLength(7);
    expect(syms[0]!.children![0]!.name).toMatch(/^INVITE sip:/);
    const folds = await conn.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: URI } });
    expect(folds!.filter((f) => f.kind === 'region')).toHaveLength(7);
  });

  it('returns semantic tokens for the document', async () => {
    const t = await conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: URI } });
    expect(t!.data.length % 5).toBe(0);
    expect(t!.data.length / 5).toBeGreaterThan(100);
  });

  it('renders the trace ladder', async () => {
    const r = (await conn.sendRequest(TRACE_LADDER_METHOD, { uri: URI })) as TraceLadderResult;
    expect(r).toMatchObject({ messageCount: 7, callCount: 1 });
    expect(r.html).toMatch(/^<!DOCTYPE html>/);
    expect(r.html).not.toContain('<script');
  });

  it('treats settings equal to a rule\'s default (VS Code sends every default) as unset', async () => {
    const oLine = SAMPLE.split('\r\n').findIndex((l) => l.startsWith('o=alice'));
    const sev = (p: PublishDiagnosticsParams) => p.diagnostics.find((d) => d.code === 'nat/private-sdp' && d.range.start.line === oLine)?.severity;
    const before = sev(published.filter((p) => p.uri === URI).at(-1)!);
    expect(before).toBe(DiagnosticSeverity.Hint); // o= only identifies the session: reported as a hint
    settings = { rules: { 'nat/private-sdp': 'warning', 'nat/via-rport': 'warning' } };
    const mark = published.length;
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const p = await new Promise<PublishDiagnosticsParams>((resolve) => {
      const hit = published.slice(mark).find((x) => x.uri === URI);
      if (hit) resolve(hit);
      else waiters.push({ match: (x) => x.uri === URI, resolve });
    });
    expect(sev(p)).toBe(DiagnosticSeverity.Hint);
  });

  it('re-lints when settings change (rule turned off)', async () => {
    settings = { rules: { [FIX_RULE]: 'off' } };
    const mark = published.length;
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    // The server pulls the section, then re-publishes every open document.
    const p = await new Promise<PublishDiagnosticsParams>((resolve) => {
      const check = () => {
        const hit = published.slice(mark).find((x) => x.uri === URI);
        if (hit) resolve(hit);
        else waiters.push({ match: (x) => x.uri === URI, resolve });
      };
      check();
    });
    expect(p.diagnostics.some((d) => d.code === FIX_RULE)).toBe(false);
    settings = {};
  });
});
