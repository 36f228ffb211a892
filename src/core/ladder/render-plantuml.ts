// PlantUML sequence diagram rendering of a ladder (CLI `--format plantuml`). Participants get quoted display names
// and P0, P1... aliases; capture text is escaped with PlantUML's `<U+XXXX>` notation wherever it could be read as
// Creole markup, an HTML-like tag, a `\n` escape, a preprocessor builtin or the end of a quoted name.
import { toSingleLine } from './escape';
import type { LadderModel, LadderTimeMode } from './model';
import { arrowLabel, formatRowTime, isLostArrow } from './model';

export interface PlantUmlLadderOptions {
  /** Attach a `note left` with the row time to each arrow. Default 'none'. */
  time?: LadderTimeMode | 'none';
  /** Emit `autonumber`. Default false. */
  autonumber?: boolean;
  /** Diagram title, escaped. */
  title?: string;
}

/** Always escaped: tags/`<U+..>` (`<` `>`), `\n`-style escapes (`\`), Creole escape `~`, quotes, entities, `%` builtins. */
const ALWAYS = new Set(['<', '>', '\\', '~', '"', '&', '%']);
/** Escaped when doubled (`**bold**`, `//italic//`, `--strike--`, `__under__`, `""mono""`, `[[link]]`...). */
const PAIRED = new Set(['*', '/', '-', '_', '=', '#', '^', '[', ']', '{', '}', '|', '.', "'", '+']);

const uPlus = (ch: string): string => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;

/** Escape one line of capture text for a PlantUML message label, note, title or quoted participant name. */
export function escapePlantUmlText(text: string): string {
  const chars = [...toSingleLine(text).trim()];
  let out = '';
  chars.forEach((ch, i) => {
    const paired = PAIRED.has(ch) && (chars[i - 1] === ch || chars[i + 1] === ch);
    out += ALWAYS.has(ch) || paired ? uPlus(ch) : ch;
  });
  return out === '' ? '(empty)' : out;
}

/**
 * Render `model` as PlantUML source between `@startuml` and `@enduml`: `participant "<label>" as Pn` per column,
 * `->` for requests (and invalid messages), `-->` for responses; `->x` / `-->x` (a lost message) for a message an ICMP
 * error answered. Ends with `\n`.
 */
export function renderLadderPlantUml(model: LadderModel, opts: PlantUmlLadderOptions = {}): string {
  const lines: string[] = ['@startuml'];
  if (opts.title !== undefined) lines.push(`title ${escapePlantUmlText(opts.title)}`);
  if (opts.autonumber) lines.push('autonumber');
  for (const col of model.columns) lines.push(`participant "${escapePlantUmlText(col.label)}" as P${col.index}`);
  const timeMode = opts.time ?? 'none';
  for (const row of model.rows) {
    const lost = isLostArrow(row);
    const arrow = (row.kind === 'response' ? '-->' : '->') + (lost ? 'x' : '');
    lines.push(`P${row.fromColumn} ${arrow} P${row.toColumn} : ${escapePlantUmlText(arrowLabel(row))}`);
    if (timeMode !== 'none') lines.push(`note left : ${escapePlantUmlText(formatRowTime(row, timeMode))}`);
  }
  lines.push('@enduml');
  return lines.join('\n') + '\n';
}
