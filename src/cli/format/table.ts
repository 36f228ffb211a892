// Plain-text table formatting for the CLI (fixed-width columns, terminal-safe cells).

/** Replace control characters (incl. ESC, so no terminal escape sequences from capture data) with `?`. */
export function safeCell(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
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

/** `2018-11-12 19:32:41.194` (UTC) from epoch seconds + nanoseconds. */
export function formatTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(Math.floor(nsec / 1e6)).padStart(3, '0')}`;
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
