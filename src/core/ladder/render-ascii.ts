// Text rendering of a ladder, like sngrep's call flow: one line per arrow with the time at the left, lifelines as
// vertical bars and `──INVITE (SDP)──>` / `<──200 OK──` between the right columns. Every output character is
// one terminal cell wide, so columns never misalign; labels are truncated (never shifted) to fit.
import type { LadderModel, LadderRow, LadderStream, LadderTimeMode } from './model';
import { arrowLabel, formatRowTime, isLostArrow } from './model';

export interface AsciiLadderOptions {
  /** Time shown at the left of each arrow; 'none' hides the column. Default 'absolute' (UTC time of day). */
  time?: LadderTimeMode | 'none';
  /**
   * Target line width in characters (e.g. the terminal width). Column gaps shrink and labels are truncated to fit;
   * when even the minimum gap (6 characters) per column cannot fit, lines are wider than asked rather than
   * misaligned. Default: no limit (natural width).
   */
  width?: number;
  /** `unicode` box drawing (default) or plain 7-bit `ascii` (`|`, `-`, `>`). */
  charset?: 'unicode' | 'ascii';
}

interface Glyphs {
  life: string;
  shaft: string;
  retransShaft: string;
  cross: string;
  right: string;
  left: string;
  /** Head of an arrow an ICMP error answered (a lost message). */
  lost: string;
  selfOut: string;
  selfLoop: string;
  headerRule: string;
  headerTee: string;
  ellipsis: string;
  /** Shaft of an RTP stream line. */
  media: string;
}

const UNICODE: Glyphs = {
  life: '│',
  shaft: '─',
  retransShaft: '╌',
  cross: '┼',
  right: '>',
  left: '<',
  lost: '×',
  selfOut: '├',
  selfLoop: '──┐',
  headerRule: '─',
  headerTee: '┬',
  ellipsis: '…',
  media: '═',
};

const ASCII: Glyphs = {
  life: '|',
  shaft: '-',
  retransShaft: '-',
  cross: '+',
  right: '>',
  left: '<',
  lost: 'x',
  selfOut: '+',
  selfLoop: "--'",
  headerRule: '-',
  headerTee: '+',
  ellipsis: '~',
  media: '=',
};

/** Narrowest gap between two lifelines when squeezing to `width` (room for `─>` and a little label). */
const MIN_GAP = 6;

const TIME_HEADER: Record<LadderTimeMode, string> = { absolute: 'time (UTC)', relative: 'relative', delta: 'delta' };

/**
 * Render the ladder as text. Returns lines joined with `\n`, ending with `\n`, no trailing spaces.
 * Zero arrows give the column header (if any) and `(no messages)`. RTP streams (model.streams) are drawn as one
 * line each right after their start row, with a double shaft: `══RTP PCMA 236 pkts, 0 lost══>` (time column empty).
 */
export function renderLadderAscii(model: LadderModel, opts: AsciiLadderOptions = {}): string {
  const timeMode = opts.time ?? 'absolute';
  const ascii = opts.charset === 'ascii';
  const g = ascii ? ASCII : UNICODE;
  const n = model.columns.length;
  if (n === 0) return '(no messages)\n';

  const colLabels = model.columns.map((c) => cellText(c.label, ascii));
  const rowTexts = model.rows.map((r) => cellText(arrowLabel(r), ascii));
  const streamTexts = model.streams.map((s) => cellText(s.label, ascii));
  const timeTexts = timeMode === 'none' ? [] : model.rows.map((r) => formatRowTime(r, timeMode));
  const timeHeader = timeMode === 'none' ? '' : TIME_HEADER[timeMode];
  // Reduced in a loop, not Math.max(...spread): a ladder can have 200 000 rows, more arguments than a call takes.
  const timeWidth = timeMode === 'none' ? 0 : timeTexts.reduce((w, t) => Math.max(w, t.length), timeHeader.length) + 2;

  // Natural room: left of column 0, gaps between lifelines, trailing room right of the last lifeline.
  let left0 = Math.floor(colLabels[0]!.length / 2);
  const gaps: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    const m = Math.max(Math.ceil(colLabels[i]!.length / 2), Math.floor(colLabels[i + 1]!.length / 2));
    gaps.push(Math.max(MIN_GAP + 4, 2 * m + 3));
  }
  let trailing = Math.ceil(colLabels[n - 1]!.length / 2);
  const spanning: { a: number; b: number; need: number }[] = [];
  const arrows: { from: number; to: number; t: number }[] = model.rows.map((row, i) => ({ from: row.fromColumn, to: row.toColumn, t: rowTexts[i]!.length }));
  model.streams.forEach((st, i) => arrows.push({ from: st.fromColumn, to: st.toColumn, t: streamTexts[i]!.length }));
  arrows.forEach(({ from, to, t }) => {
    if (from < 0 || to < 0 || from >= n || to >= n) return;
    const a = Math.min(from, to);
    const b = Math.max(from, to);
    if (a === b) {
      // `├──┐ label` plus one blank before the next lifeline.
      const need = t + 6;
      if (a + 1 < n) gaps[a] = Math.max(gaps[a]!, need);
      else trailing = Math.max(trailing, need - 1);
    } else if (b === a + 1) {
      gaps[a] = Math.max(gaps[a]!, t + 6);
    } else {
      spanning.push({ a, b, need: t + 6 });
    }
  });
  spanning.sort((p, q) => p.b - p.a - (q.b - q.a) || p.a - q.a);
  for (const { a, b, need } of spanning) {
    let have = 0;
    for (let i = a; i < b; i++) have += gaps[i]!;
    if (have < need) {
      const add = Math.ceil((need - have) / (b - a));
      for (let i = a; i < b; i++) gaps[i] = gaps[i]! + add;
    }
  }

  // Squeeze to the requested width: cap every quantity at the largest value that fits (binary search).
  if (opts.width !== undefined && Number.isFinite(opts.width) && opts.width > 0) {
    const limit = Math.floor(opts.width);
    const total = (cap: number): number =>
      timeWidth +
      Math.min(left0, cap) +
      gaps.reduce((s, q) => s + Math.max(MIN_GAP, Math.min(q, cap)), 0) +
      Math.max(1, Math.min(trailing, cap)) +
      1;
    const natural = gaps.reduce((m, q) => Math.max(m, q), Math.max(left0, trailing));
    if (total(natural) > limit) {
      let lo = 0;
      let hi = natural;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (total(mid) <= limit) lo = mid;
        else hi = mid - 1;
      }
      left0 = Math.min(left0, lo);
      for (let i = 0; i < gaps.length; i++) gaps[i] = Math.max(MIN_GAP, Math.min(gaps[i]!, lo));
      trailing = Math.max(1, Math.min(trailing, lo));
    }
  }

  const cx: number[] = [];
  let x = timeWidth + left0;
  for (let i = 0; i < n; i++) {
    cx.push(x);
    x += gaps[i] ?? 0;
  }
  const lineWidth = cx[n - 1]! + trailing + 1;
  const blank = (): string[] => new Array<string>(lineWidth).fill(' ');
  const put = (buf: string[], at: number, text: string): void => {
    for (let k = 0; k < text.length && at + k < buf.length; k++) if (at + k >= 0) buf[at + k] = text[k]!;
  };
  const lines: string[] = [];

  // Header: labels centred on their lifeline, each limited to its share of the neighbouring gaps.
  const head = blank();
  const rule = blank();
  put(head, 0, timeHeader);
  for (let i = 0; i < n; i++) {
    const c = cx[i]!;
    const leftRoom = i === 0 ? left0 : (gaps[i - 1]! - 1) - Math.floor((gaps[i - 1]! - 1) / 2) - 1;
    const rightRoom = i === n - 1 ? trailing : Math.floor((gaps[i]! - 1) / 2);
    let label = colLabels[i]!;
    let k = label.length;
    while (k > 0 && (Math.floor(k / 2) > leftRoom || k - Math.floor(k / 2) - 1 > rightRoom)) k--;
    label = truncate(label, k, g.ellipsis);
    const start = c - Math.floor(label.length / 2);
    put(head, start, label);
    put(rule, start, g.headerRule.repeat(label.length));
    rule[c] = g.headerTee;
  }
  lines.push(head.join(''), rule.join(''));

  if (model.rows.length === 0) {
    const life = blank();
    for (const c of cx) life[c] = g.life;
    lines.push(life.join(''), '(no messages)');
  }

  // Streams after their start row (several: in model order).
  const streamsAfter = new Map<number, number[]>();
  model.streams.forEach((st, i) => {
    const r = Math.min(Math.max(0, st.startRow), model.rows.length - 1);
    const list = streamsAfter.get(r);
    if (list) list.push(i);
    else streamsAfter.set(r, [i]);
  });
  model.rows.forEach((row, r) => {
    const buf = blank();
    if (timeMode !== 'none') put(buf, 0, timeTexts[r]!);
    for (const c of cx) buf[c] = g.life;
    drawArrow(buf, row, rowTexts[r]!, cx, lineWidth, g);
    lines.push(buf.join(''));
    for (const i of streamsAfter.get(r) ?? []) {
      const sb = blank();
      for (const c of cx) sb[c] = g.life;
      drawStream(sb, model.streams[i]!, streamTexts[i]!, cx, lineWidth, g);
      lines.push(sb.join(''));
    }
  });

  return lines.map((l) => l.replace(/\s+$/, '')).join('\n') + '\n';
}

function drawArrow(buf: string[], row: LadderRow, text: string, cx: number[], lineWidth: number, g: Glyphs): void {
  const from = cx[row.fromColumn];
  const to = cx[row.toColumn];
  if (from === undefined || to === undefined) return;
  const shaft = row.retransmission ? g.retransShaft : g.shaft;

  if (from === to) {
    buf[from] = g.selfOut;
    for (let k = 0; k < g.selfLoop.length; k++) buf[from + 1 + k] = g.selfLoop[k]!;
    const next = cx[row.fromColumn + 1];
    const labelStart = from + g.selfLoop.length + 2;
    const room = (next === undefined ? lineWidth : next - 1) - labelStart;
    const label = truncate(text, room, g.ellipsis);
    for (let k = 0; k < label.length; k++) buf[labelStart + k] = label[k]!;
    return;
  }

  const a = Math.min(from, to);
  const b = Math.max(from, to);
  const rightward = to > from;
  // Interior cells a+1 .. b-1; the head takes the cell next to the receiver's lifeline.
  for (let x = a + 1; x < b; x++) buf[x] = buf[x] === g.life ? g.cross : shaft;
  const lost = isLostArrow(row);
  if (rightward) buf[b - 1] = lost ? g.lost : g.right;
  else buf[a + 1] = lost ? g.lost : g.left;
  const shaftStart = rightward ? a + 1 : a + 2;
  const shaftLen = b - a - 2;
  const label = truncate(text, shaftLen - 2, g.ellipsis);
  if (label.length === 0) return;
  const at = shaftStart + Math.floor((shaftLen - label.length) / 2);
  for (let k = 0; k < label.length; k++) buf[at + k] = label[k]!;
}

/** An RTP stream line between its columns: `══label══>` (or `<══label══`); on one column `├══┐ label`. */
function drawStream(buf: string[], st: LadderStream, text: string, cx: number[], lineWidth: number, g: Glyphs): void {
  const from = cx[st.fromColumn];
  const to = cx[st.toColumn];
  if (from === undefined || to === undefined) return;
  if (from === to) {
    buf[from] = g.selfOut;
    buf[from + 1] = g.media;
    buf[from + 2] = g.media;
    const next = cx[st.fromColumn + 1];
    const labelStart = from + 4;
    const label = truncate(text, (next === undefined ? lineWidth : next - 1) - labelStart, g.ellipsis);
    for (let k = 0; k < label.length; k++) buf[labelStart + k] = label[k]!;
    return;
  }
  const a = Math.min(from, to);
  const b = Math.max(from, to);
  const rightward = to > from;
  for (let x = a + 1; x < b; x++) buf[x] = buf[x] === g.life ? g.cross : g.media;
  if (rightward) buf[b - 1] = g.right;
  else buf[a + 1] = g.left;
  const shaftStart = rightward ? a + 1 : a + 2;
  const shaftLen = b - a - 2;
  const label = truncate(text, shaftLen - 2, g.ellipsis);
  if (label.length === 0) return;
  const at = shaftStart + Math.floor((shaftLen - label.length) / 2);
  for (let k = 0; k < label.length; k++) buf[at + k] = label[k]!;
}

/** Cut `text` to at most `max` characters, marking the cut with `ellipsis`. */
function truncate(text: string, max: number, ellipsis: string): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ellipsis;
  return text.slice(0, max - 1) + ellipsis;
}

/**
 * Make capture text safe for a fixed-width cell grid: one line, and only characters that are one cell wide in
 * every terminal (printable ASCII, Latin, Greek, Cyrillic; only printable ASCII in `ascii` mode). Anything else
 * (controls, combining marks, wide CJK, emoji, bidi controls) becomes `?`.
 */
function cellText(text: string, asciiOnly: boolean): string {
  let out = '';
  for (const ch of text.replace(/[\t\r\n]+/g, ' ')) {
    const c = ch.codePointAt(0)!;
    const ok =
      (c >= 0x20 && c <= 0x7e) || (!asciiOnly && ((c >= 0xa0 && c <= 0x24f && c !== 0xad) || (c >= 0x370 && c <= 0x52f && !(c >= 0x483 && c <= 0x489))));
    out += ok ? ch : '?';
  }
  return out;
}
