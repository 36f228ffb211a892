// Plain-text table formatting for the CLI (fixed-width columns, terminal-safe cells).

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Replace control characters (incl. ESC, so no terminal escape sequences from capture data) with `?`. */
export function safeCell(s: string): string {
  // Most cells have none: a test allocates nothing (a 100 000-row table has a million cells, each seen twice).
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, '?') : s;
}

/**
 * The lines (without line ends) of a fixed-width table of `count` rows, `row(i)` giving row i's cells: columns
 * separated by two spaces, left-aligned except the `right` ones, the last left-aligned column not padded, trailing
 * spaces trimmed; cells made terminal-safe (safeCell) and, with `maxWidth`, cut to it with `…`. Two passes over the
 * rows (widths, then lines), so a 100 000-row table is never held in memory; `row` is called twice per row.
 */
export function* tableLines(
  header: readonly string[],
  count: number,
  row: (i: number) => readonly string[],
  opts: { maxWidth?: number; right?: ReadonlySet<number> } = {},
): Generator<string> {
  const max = opts.maxWidth;
  const cell = (s: string) => {
    const c = safeCell(s);
    return max !== undefined && c.length > max ? c.slice(0, max - 1) + '…' : c;
  };
  const widths = header.map((h) => cell(h).length);
  for (let r = 0; r < count; r++) {
    const cells = row(r);
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, cell(cells[i] ?? '').length);
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((s, i) => {
        const c = cell(s);
        return opts.right?.has(i) ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  yield line(header);
  for (let r = 0; r < count; r++) yield line(row(r));
}

/** The date part of the last formatTime: rows of a capture mostly share their day. */
let lastDay = NaN;
let lastDayText = '';

/** `2018-11-12 19:32:41.194` (UTC) from epoch seconds + nanoseconds. */
export function formatTime(sec: number, nsec: number): string {
  const whole = Math.floor(sec);
  const day = Math.floor(whole / 86400);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * 86400 * 1000).toISOString().slice(0, 10);
  }
  const t = whole - day * 86400;
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  const ms = Math.floor(nsec / 1e6);
  return `${lastDayText} ${two(Math.floor(t / 3600))}:${two(Math.floor((t % 3600) / 60))}:${two(t % 60)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}`;
}

/** `1:02:03` / `2:03` / `12.3s` from seconds; '' when undefined. */
export function formatDuration(sec: number | undefined): string {
  if (sec === undefined) return '';
  if (sec < 60) return `${sec.toFixed(1)}s`;
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
