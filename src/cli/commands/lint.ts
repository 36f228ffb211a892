// `sipscope lint FILE...`: lint SIP traces (.sip/.siptrace/.txt/.log), SDP files (.sdp) and the SIP messages of
// captures (.pcap/.pcapng) with the core rules and print text, JSON or SARIF 2.1.0. Exit code 1 when any error-level
// finding (or an unreadable file) is reported.
import { open } from 'node:fs/promises';
import { atLeast, detectCaptureFormat, isGzip, lintCapturedMessages, lintDocument, LineIndex, type Finding, type ImportOptions, type LintSettings, type RuleSeverity } from '../../core/index';
import { InputError, loadCapture, loadCaptureBytes, type LoadedCapture } from '../load';
import { lintTextLines } from '../format/lint-text';
import { lintJsonPieces } from '../format/lint-json';
import { sarifPieces } from '../format/sarif';
import { STDIN_PATH } from '../stdin';

export type LintFormat = 'text' | 'json' | 'sarif';

export interface LintOptions {
  format: LintFormat;
  settings: LintSettings;
  /** Drop findings below this severity (default: report everything, i.e. 'hint'). */
  minSeverity?: RuleSeverity;
  /** Import options for a capture FILE (TLS secrets); default none. */
  captureOptions?: (file: string) => Promise<ImportOptions>;
}

/**
 * A finding with 1-based line/column positions; columns count UTF-16 code units (as LSP and VS Code do). In a capture,
 * the positions are within the message's own text and `frame` says which message.
 */
export interface LocatedFinding {
  finding: Finding;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Capture only: the 1-based record (tshark's frame.number) that completed the message (the first, when grouped). */
  frame?: number;
  /**
   * Capture only: the same finding (rule, severity and text) in other messages too: how many messages in all, and
   * their frames in capture order (at most MAX_GROUP_FRAMES).
   */
  group?: { messages: number; frames: number[] };
}

/** Frames listed per grouped capture finding (the count goes on). */
export const MAX_GROUP_FRAMES = 1000;

export interface LintFileResult {
  /** The path as given on the command line. */
  path: string;
  languageId: 'sip' | 'sdp';
  /** A pcap/pcapng capture: each finding has its `frame`, positions are within the message. */
  capture?: boolean;
  findings: LocatedFinding[];
  /** Set when the file could not be read; the file then counts as failed. */
  error?: string;
}

/** Which language a file is linted as: `.sdp` is SDP, everything else (.sip, .siptrace, .txt, .log) a SIP trace. */
export function languageOf(path: string): 'sip' | 'sdp' {
  return /\.sdp$/i.test(path) ? 'sdp' : 'sip';
}

/** Lint one document's bytes and locate the findings (1-based lines, UTF-16 columns). */
export function lintBytes(path: string, bytes: Uint8Array, settings: LintSettings, minSeverity: RuleSeverity = 'hint'): LintFileResult {
  const languageId = languageOf(path);
  const { findings } = lintDocument(bytes, languageId, settings);
  return { path, languageId, findings: locate(bytes, findings, minSeverity) };
}

/** `findings` (spans are byte offsets into `bytes`) at `minSeverity` or above, with 1-based lines and UTF-16 columns. */
function locate(bytes: Uint8Array, findings: readonly Finding[], minSeverity: RuleSeverity, frame?: number): LocatedFinding[] {
  const index = LineIndex.fromBytes(bytes);
  const located: LocatedFinding[] = [];
  for (const f of findings) {
    if (!atLeast(f.severity, minSeverity)) continue;
    const span = f.span ?? { start: 0, end: 0 };
    const s = index.positionAtByte(span.start);
    const e = index.positionAtByte(span.end);
    const l: LocatedFinding = { finding: f, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
    if (frame !== undefined) l.frame = frame;
    located.push(l);
  }
  return located;
}

/**
 * Lint the SIP messages of the capture at `file`, or of `bytes` when the capture was already read (standard input):
 * lintCapturedMessages (message and SDP rules, retransmissions skipped), each finding located within its message's
 * text and tagged with its frame. The same finding (rule, severity and text) in several messages is reported once,
 * at its first message, with `group` (a capture of many calls repeats the same problem in every call; memory stays
 * proportional to the distinct findings). A capture that cannot be read gives the result's `error`.
 */
export async function lintCaptureFile(file: string, path: string, opts: LintOptions, bytes?: Uint8Array): Promise<LintFileResult> {
  const importOptions: ImportOptions = { rtp: false, ...(await opts.captureOptions?.(file)) };
  let cap: LoadedCapture;
  try {
    cap = bytes !== undefined ? await loadCaptureBytes(bytes, file, importOptions) : await loadCapture(file, importOptions);
  } catch (e) {
    if (e instanceof InputError) return { path, languageId: 'sip', capture: true, findings: [], error: e.message.replace(/^[^:]*: /, '') };
    throw e;
  }
  try {
    const groups = new Map<string, { first: LocatedFinding; lastMessage: number }>();
    for await (const m of lintCapturedMessages(cap.model, opts.settings)) {
      for (const f of m.findings) {
        if (!atLeast(f.severity, opts.minSeverity ?? 'hint')) continue;
        const key = `${f.ruleId}\u0000${f.severity}\u0000${f.message}`;
        const seen = groups.get(key);
        if (seen === undefined) groups.set(key, { first: locate(m.bytes, [f], 'hint', m.frame)[0]!, lastMessage: m.messageId });
        else if (seen.lastMessage !== m.messageId) {
          // (One message holding the same finding twice, two equal Contacts say, counts once.)
          seen.lastMessage = m.messageId;
          const g = (seen.first.group ??= { messages: 1, frames: [seen.first.frame!] });
          g.messages++;
          if (g.frames.length < MAX_GROUP_FRAMES) g.frames.push(m.frame);
        }
      }
    }
    return { path, languageId: 'sip', capture: true, findings: [...groups.values()].map((g) => g.first) };
  } finally {
    await cap.close();
  }
}

/** How reports name standard input (FILE `-`). */
export const STDIN_LABEL = '<stdin>';
/** Error code of readStdin when standard input is a terminal (nothing was piped in). */
const E_TERMINAL = 'ETERMINAL';

/** All of standard input (`kubectl logs kamailio | sipscope lint -`); rejects when it is a terminal or unreadable. */
async function readStdin(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<Uint8Array> {
  if (input.isTTY) throw Object.assign(new Error('standard input is a terminal'), { code: E_TERMINAL });
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The bytes of the file at `path` (standard input for `-`), or what capture it is (captureKind) when it starts like
 * one: then only its first HEAD_BYTES are read from a file (a capture may be gigabytes; standard input's bytes come
 * along, being read already). One open; rejects as readFile does.
 */
async function readText(path: string): Promise<{ bytes: Uint8Array } | { capture: string; bytes?: Uint8Array }> {
  if (path === STDIN_PATH) {
    const bytes = await readStdin();
    const capture = captureKind(bytes.subarray(0, HEAD_BYTES));
    return capture !== undefined ? { capture, bytes } : { bytes };
  }
  const h = await open(path, 'r');
  try {
    const head = new Uint8Array(HEAD_BYTES);
    // A positional read: the handle's own position stays at 0 for readFile below.
    const { bytesRead } = await h.read(head, 0, HEAD_BYTES, 0);
    const capture = captureKind(head.subarray(0, bytesRead));
    return capture !== undefined ? { capture } : { bytes: new Uint8Array(await h.readFile()) };
  } finally {
    await h.close();
  }
}

/** Bytes enough for the capture magic numbers (detectCaptureFormat needs 12 for pcapng). */
const HEAD_BYTES = 64;

/** What capture `head` starts, as words for a message ('a pcap capture'), or undefined for anything else. */
function captureKind(head: Uint8Array): string | undefined {
  const f = detectCaptureFormat(head).format;
  if (f === 'pcap' || f === 'pcapng') return `a ${f} capture`;
  if (isGzip(head)) return 'a gzip-compressed file (a .pcap.gz capture?)';
  return undefined;
}

/**
 * Lint every file and render the report. Files are read with node:fs; an unreadable file is reported and makes the
 * exit code 1. Exit code 1 also when any reported finding is an error; otherwise 0.
 */
export async function runLint(files: string[], opts: LintOptions): Promise<{ output: string; exitCode: 0 | 1 }> {
  const r = await lintReport(files, opts);
  return { output: [...r.pieces].join(''), exitCode: r.exitCode };
}

/**
 * runLint with the report in pieces (a line, a JSON finding or a SARIF result each), rendered while they are
 * iterated: a report of a million findings is never one string.
 */
export async function lintReport(files: string[], opts: LintOptions): Promise<{ pieces: Iterable<string>; exitCode: 0 | 1 }> {
  const results: LintFileResult[] = [];
  for (const file of files) {
    const path = file === STDIN_PATH ? STDIN_LABEL : file;
    let bytes: Uint8Array;
    try {
      const r = await readText(file);
      if ('capture' in r) {
        // A capture: its SIP messages are linted (the NAT findings are `sipscope nat`'s).
        results.push(await lintCaptureFile(file, path, opts, r.bytes));
        continue;
      }
      bytes = r.bytes;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === 'ENOENT' ? 'file not found' : code === E_TERMINAL ? 'cannot read file (a terminal: pipe a trace into it)' : `cannot read file (${code ?? String(err)})`;
      results.push({ path, languageId: languageOf(path), findings: [], error: why });
      continue;
    }
    results.push(lintBytes(path, bytes, opts.settings, opts.minSeverity ?? 'hint'));
  }
  const failed = results.some((r) => r.error !== undefined || r.findings.some((f) => f.finding.severity === 'error'));
  const pieces = opts.format === 'json' ? lintJsonPieces(results) : opts.format === 'sarif' ? sarifPieces(results) : lintTextLines(results);
  return { pieces, exitCode: failed ? 1 : 0 };
}
