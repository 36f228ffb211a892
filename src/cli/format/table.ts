// Plain-text table formatting for the CLI (fixed-width columns, terminal-safe cells).

/** Replace control characters (incl. ESC, so no terminal escape sequences from capture data) with `?`. */
export function safeCell(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Render rows as left-aligned columns separated by two spaces; cells longer than `maxWidth` are cut with `…`. */
export function formatTable(header: string[], rows: string[][], maxWidth = 48): string {
  const cut = (s: string) => {
    const c = safeCell(s);
    return c.length > maxWidth ? c.slice(0, maxWidth - 1) + '…' : c;
  };
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
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
