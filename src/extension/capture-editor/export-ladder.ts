// Pure helpers behind the editor's export commands: render a ladder in one of the export formats with the core
// renderers, build a tshark display filter for calls, and propose file names. No vscode import (unit-tested).
import {
  renderLadderHtml,
  renderLadderMermaid,
  renderLadderPlantUml,
  renderLadderSvg,
  type CallInfo,
  type LadderModel,
} from '../../core/index';
import { unreachable } from '../../protocol/assert';
import type { ExportFormat } from '../../protocol/webview';

/** File extension and save-dialog filter name of each export format. */
export const EXPORT_FILE_TYPES: Record<ExportFormat, { extension: string; label: string }> = {
  html: { extension: 'html', label: 'HTML report' },
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
}

/** Render `input.ladder` as the text of an export file. */
export function renderLadderExport(format: ExportFormat, input: LadderExportInput): string {
  switch (format) {
    case 'html':
      return renderLadderHtml(input.ladder, {
        title: input.title,
        calls: input.calls,
        messageText: (id) => input.messageText.get(id),
        generator: input.generator,
        time: 'relative',
      });
    case 'svg':
      return renderLadderSvg(input.ladder, { time: 'relative', theme: 'auto', title: input.title });
    case 'mermaid':
      return renderLadderMermaid(input.ladder, { title: input.title });
    case 'plantuml':
      return renderLadderPlantUml(input.ladder, { title: input.title });
    case 'json':
      return `${JSON.stringify({ generator: input.generator, title: input.title, ladder: input.ladder }, null, 2)}\n`;
    default:
      return unreachable(format, 'export format');
  }
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

/** A file-system-safe base name for exports of some calls of a capture: `capture-call12`, `capture-3-calls`. */
export function exportBaseName(captureFileName: string, callIndexes: readonly number[]): string {
  const base = captureFileName.replace(/\.(pcapng|pcap|cap)(\.gz)?$/i, '').replace(/[^\w.-]+/g, '_') || 'capture';
  if (callIndexes.length === 1) return `${base}-call${callIndexes[0]! + 1}`;
  return `${base}-${callIndexes.length}-calls`;
}
