// Pure helpers behind the editor's export commands: render a ladder in one of the export formats with the core
// renderers, build a tshark display filter for calls, and propose file names. No vscode import (unit-tested).
import {
  joinPieces,
  ladderHtmlText,
  ladderSvgPieces,
  renderLadderMermaid,
  renderLadderPlantUml,
  type CallInfo,
  type LadderModel,
} from '../../core/index';
import { concatBytes } from '../../core/util/bytes';
import { unreachable } from '../../protocol/assert';
import type { ExportFormat } from '../../protocol/webview';

/** File extension and save-dialog filter name of each export format. */
export const EXPORT_FILE_TYPES: Record<ExportFormat, { extension: string; label: string }> = {
  html: { extension: 'html', label: 'HTML report' },
  'html-audio': { extension: 'html', label: 'HTML report with the calls’ audio' },
  svg: { extension: 'svg', label: 'SVG image' },
  mermaid: { extension: 'mmd', label: 'Mermaid sequence diagram' },
  plantuml: { extension: 'puml', label: 'PlantUML sequence diagram' },
  json: { extension: 'json', label: 'Ladder model (JSON)' },
};

export interface LadderExportInput {
  ladder: LadderModel;
  title: string;
  calls: readonly CallInfo[];
  /** Full text of each message (for the HTML report's message panels). */
  messageText: ReadonlyMap<number, string>;
  /** e.g. `SIPScope 0.1.0`. */
  generator: string;
  /** `html-audio`: the WAV to embed and what its channels hold. */
  audio?: { wav: Uint8Array; caption: string };
}

/** Render `input.ladder` as the text of an export file. */
export function renderLadderExport(format: ExportFormat, input: LadderExportInput): string {
  return joinPieces(ladderExportPieces(format, input));
}

/**
 * renderLadderExport's text as pieces in order (HTML and SVG: one per arrow and message section), for encodePieces:
 * the ladder of many selected calls is written without ever being one string.
 */
export function* ladderExportPieces(format: ExportFormat, input: LadderExportInput): Generator<string> {
  switch (format) {
    case 'html':
    case 'html-audio':
      yield* ladderHtmlText(input.ladder, {
        title: input.title,
        calls: input.calls,
        messageText: (id) => input.messageText.get(id),
        generator: input.generator,
        time: 'relative',
        audio: format === 'html-audio' ? input.audio : undefined,
      });
      return;
    case 'svg':
      yield* ladderSvgPieces(input.ladder, { time: 'relative', theme: 'auto', title: input.title });
      return;
    case 'mermaid':
      yield renderLadderMermaid(input.ladder, { title: input.title });
      return;
    case 'plantuml':
      yield renderLadderPlantUml(input.ladder, { title: input.title });
      return;
    case 'json':
      yield `${JSON.stringify({ generator: input.generator, title: input.title, ladder: input.ladder }, null, 2)}\n`;
      return;
    default:
      unreachable(format, 'export format');
  }
}

/** Characters of pieces encoded together (see encodePieces). */
const ENCODE_CHUNK = 1 << 20;

/**
 * The UTF-8 bytes of the concatenated `pieces` (each piece a whole string: no surrogate pair split across two), made
 * about a megabyte at a time and copied into one array: a V8 string stops at about 512 M characters, an export of
 * every call of a big capture does not.
 */
export function encodePieces(pieces: Iterable<string>): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  const encodePending = (): void => {
    chunks.push(enc.encode(pending.join('')));
    pending = [];
    pendingLength = 0;
  };
  for (const p of pieces) {
    pending.push(p);
    pendingLength += p.length;
    if (pendingLength >= ENCODE_CHUNK) encodePending();
  }
  if (pendingLength > 0) encodePending();
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}

/**
 * Escape a string for a Wireshark display filter string literal (inside double quotes): backslash and double
 * quote are backslash-escaped; control characters become `\xhh`. Other characters (UTF-8) are kept.
 */
export function escapeDisplayFilterString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** `sip.Call-ID == "..."` for each Call-ID (deduplicated, in order), joined with `||`; '' for none. */
export function tsharkCallIdFilter(callIds: readonly string[]): string {
  return [...new Set(callIds)].map((id) => `sip.Call-ID == "${escapeDisplayFilterString(id)}"`).join(' || ');
}

/** The capture's file name without its extension, safe as a file name part (`capture` when nothing is left). */
export function captureBaseName(captureFileName: string): string {
  return captureFileName.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '').replace(/[^\w.-]+/g, '_') || 'capture';
}

/** A file-system-safe base name for exports of some calls of a capture: `capture-call12`, `capture-3-calls`. */
export function exportBaseName(captureFileName: string, callIndexes: readonly number[]): string {
  const base = captureBaseName(captureFileName);
  if (callIndexes.length === 1) return `${base}-call${callIndexes[0]! + 1}`;
  return `${base}-${callIndexes.length}-calls`;
}
