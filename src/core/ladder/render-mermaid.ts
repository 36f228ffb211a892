// Mermaid `sequenceDiagram` rendering of a ladder (CLI `--format mermaid`, for Markdown docs and issues).
// Participants are aliased P0, P1... because endpoint names contain `:`; all capture text goes through
// escapeMermaidText, which uses Mermaid entity codes (`#59;`) for the characters its lexer treats specially.
import { toSingleLine } from './escape';
import type { LadderModel, LadderTimeMode } from './model';
import { arrowLabel, formatRowTime, isLostArrow } from './model';

export interface MermaidLadderOptions {
  /** Add a `Note` with the row time before each arrow. Default 'none'. */
  time?: LadderTimeMode | 'none';
  /** Emit `autonumber` (Mermaid numbers the arrows). Default false. */
  autonumber?: boolean;
  /** Diagram title (`title ...`), escaped. */
  title?: string;
}

/**
 * Characters replaced by Mermaid entity codes (`#<decimal>;`, decoded by Mermaid when rendering):
 * `;` ends a statement and `#` starts a comment/entity in the sequence lexer, `%` can start a `%%` comment,
 * `<`/`>` would be read as HTML (`<br>`), `&` as an HTML entity, `"` for safety in quoted contexts.
 */
const MERMAID_SPECIAL = /[#;%<>&"]/g;

/** Escape one line of capture text for a Mermaid sequence diagram message, note, alias or title. */
export function escapeMermaidText(text: string): string {
  let t = toSingleLine(text).trim().replace(MERMAID_SPECIAL, (ch) => `#${ch.charCodeAt(0)};`);
  // A leading `wrap:`/`nowrap:` is a Mermaid directive; break it with an entity colon.
  t = t.replace(/^((?:no)?wrap):/i, '$1#58;');
  return t === '' ? '(empty)' : t;
}

/**
 * Render `model` as Mermaid source: `sequenceDiagram`, one `participant Pn as <label>` per column (in column
 * order), `->>` for requests (and invalid messages), `-->>` for responses; `-x` / `--x` (a cross at the end) for a
 * message an ICMP error answered (it did not get there). Ends with `\n`.
 */
export function renderLadderMermaid(model: LadderModel, opts: MermaidLadderOptions = {}): string {
  const lines: string[] = ['sequenceDiagram'];
  if (opts.title !== undefined) lines.push(`    title ${escapeMermaidText(opts.title)}`);
  if (opts.autonumber) lines.push('    autonumber');
  for (const col of model.columns) lines.push(`    participant P${col.index} as ${escapeMermaidText(col.label)}`);
  const timeMode = opts.time ?? 'none';
  for (const row of model.rows) {
    if (timeMode !== 'none') {
      lines.push(`    Note left of P${Math.min(row.fromColumn, row.toColumn)}: ${escapeMermaidText(formatRowTime(row, timeMode))}`);
    }
    const lost = isLostArrow(row);
    const arrow = row.kind === 'response' ? (lost ? '--x' : '-->>') : lost ? '-x' : '->>';
    lines.push(`    P${row.fromColumn}${arrow}P${row.toColumn}: ${escapeMermaidText(arrowLabel(row))}`);
  }
  return lines.join('\n') + '\n';
}
