// Self-contained HTML report of a ladder (CLI `--format html`): a call summary table, the inline SVG ladder whose
// arrows link to `#msg-<id>`, and every message's text in a `<section id="msg-<id>">`, opened as a side panel by
// CSS `:target`. No script, no network: a strict CSP meta allows only inline styles and data: images (and data:
// audio when the calls' decoded RTP audio is embedded).
import type { CallInfo } from '../dialog/types';
import { escapeHtml } from './escape';
import type { LadderGeometryOptions } from './geometry';
import type { LadderModel, LadderRow, LadderTimeMode } from './model';
import { arrowLabel, formatDateTime } from './model';
import { CALL_COLORS, joinPieces, ladderSvgPieces } from './render-svg';
import { toBase64 } from '../util/bytes';

export interface HtmlLadderOptions {
  /** Page title (`<title>` and `<h1>`); escaped. */
  title: string;
  /** Calls for the summary table (those with arrows in the ladder are shown, in ladder order). */
  calls?: readonly CallInfo[];
  /** Full text of a message (start line, headers, body), or undefined when not available. */
  messageText?: (messageId: number) => string | undefined;
  /** Producer name and version, e.g. `SIPScope 0.1.0`; shown in the footer and `<meta name="generator">`. */
  generator?: string;
  /** Time shown in the ladder's time column. Default 'relative'. */
  time?: LadderTimeMode | 'none';
  /** Layout tunables (CSS px) and zoom for the inline SVG. */
  geometry?: LadderGeometryOptions;
  /**
   * The calls' decoded RTP audio (a WAV file, e.g. from streamsToWav) to embed as a player below the ladder, with a
   * line saying what each channel is. The page's CSP then also allows `media-src data:`.
   */
  audio?: { wav: Uint8Array; caption: string };
}

/** The Content-Security-Policy of every generated page: nothing may load or run; inline CSS and data: images only. */
export const HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** HTML_REPORT_CSP for a page that embeds audio (HtmlLadderOptions.audio): data: media as well, nothing else. */
export const HTML_REPORT_AUDIO_CSP = `${HTML_REPORT_CSP}; media-src data:`;

/** Fragment id of a message's section: `msg-<id>`. */
export function messageAnchor(messageId: number): string {
  return `msg-${messageId}`;
}

/**
 * Render a complete HTML document (UTF-8, `<!DOCTYPE html>`). Works offline and without JavaScript: clicking an
 * arrow navigates to `#msg-<id>`, and CSS `:target` shows that message's section as a side panel with
 * previous/next/close links. All messages are also listed below the ladder inside a `<details>`.
 */
export function renderLadderHtml(model: LadderModel, opts: HtmlLadderOptions): string {
  return joinPieces(ladderHtmlText(model, opts));
}

/** renderLadderHtml's document as strings in order (message sections with `opts.messageText`), for a writer. */
export function* ladderHtmlText(model: LadderModel, opts: HtmlLadderOptions): Generator<string> {
  for (const p of ladderHtmlPieces(model, opts)) yield typeof p === 'string' ? p : htmlMessageSection(p, opts.messageText?.(p.row.messageId));
}

/** A message's section in the HTML report: ladderHtmlPieces leaves reading its text to the caller (htmlMessageSection). */
export interface HtmlMessageSlot {
  row: LadderRow;
  /** The rows before and after it in the ladder (previous/next links). */
  prev: LadderRow | undefined;
  next: LadderRow | undefined;
}

/**
 * renderLadderHtml's document as pieces in order: strings (lines with their line feed; the inline SVG one piece per
 * arrow) and, for each message section, an HtmlMessageSlot to be rendered with htmlMessageSection and the message's
 * text. A writer can stream the document and read message texts as it goes (the CLI reads them in capture order);
 * `opts.messageText` is not used here.
 */
export function* ladderHtmlPieces(model: LadderModel, opts: HtmlLadderOptions): Generator<string | HtmlMessageSlot> {
  const e = escapeHtml;
  const first = model.rows[0];
  const summary = first
    ? `${model.rows.length} message${model.rows.length === 1 ? '' : 's'} · ${model.columns.length} endpoint${model.columns.length === 1 ? '' : 's'} · ${model.calls.length} call${model.calls.length === 1 ? '' : 's'} · starts ${formatDateTime(model.startSec, model.startNsec)} UTC`
    : 'No messages.';

  yield nl('<!DOCTYPE html>');
  yield nl('<html lang="en">');
  yield nl('<head>');
  yield nl('<meta charset="utf-8">');
  yield nl(`<meta http-equiv="Content-Security-Policy" content="${e(opts.audio ? HTML_REPORT_AUDIO_CSP : HTML_REPORT_CSP)}">`);
  yield nl('<meta name="viewport" content="width=device-width, initial-scale=1">');
  yield nl('<meta name="color-scheme" content="light dark">');
  if (opts.generator !== undefined) yield nl(`<meta name="generator" content="${e(opts.generator)}">`);
  yield nl(`<title>${e(opts.title)}</title>`);
  yield nl(`<style>${PAGE_CSS}</style>`);
  yield nl('</head>');
  yield nl('<body>');
  yield nl(`<header class="page"><h1>${e(opts.title)}</h1><p class="muted">${e(summary)}</p></header>`);
  yield nl('<main>');

  yield nl(renderCallTable(model, opts.calls));

  if (model.warnings.length > 0) {
    yield nl('<section class="warnings"><h2>Warnings</h2><ul>');
    for (const w of model.warnings) yield nl(`<li>${e(w)}</li>`);
    yield nl('</ul></section>');
  }

  yield nl('<section id="ladder" class="ladder"><h2>Call flow</h2>');
  yield nl('<p class="muted hint">Click an arrow to show its message.</p>');
  yield '<div class="ladder-scroll">';
  yield* ladderSvgPieces(model, {
    time: opts.time ?? 'relative',
    theme: 'auto',
    xmlDeclaration: false,
    title: opts.title,
    geometry: opts.geometry,
    linkHref: (row) => `#${messageAnchor(row.messageId)}`,
    rowId: (row) => `arrow-${row.index}`,
  });
  yield nl('</div>');
  yield nl('</section>');

  if (opts.audio) {
    yield nl('<section id="audio" class="audio"><h2>Audio</h2>');
    yield '<audio controls preload="metadata" src="data:audio/wav;base64,';
    yield toBase64(opts.audio.wav);
    yield nl('"></audio>');
    yield nl(`<p class="muted">${e(opts.audio.caption)}</p>`);
    yield nl('</section>');
  }

  yield nl(`<details class="messages" open><summary><h2>All messages (${model.rows.length})</h2></summary>`);
  const rendered = new Set<number>(); // duplicate message ids (a builder warning) must not duplicate element ids
  const rows = model.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (rendered.has(row.messageId)) continue;
    rendered.add(row.messageId);
    yield { row, prev: rows[i - 1], next: rows[i + 1] };
  }
  yield nl('</details>');

  yield nl('</main>');
  const gen = opts.generator !== undefined ? `Generated by ${e(opts.generator)}. ` : '';
  yield nl(`<footer class="muted">${gen}Times are UTC. This page loads nothing and runs no script.</footer>`);
  yield nl('</body>');
  yield nl('</html>');
}

/** A line of the document with its line feed. */
const nl = (line: string): string => line + '\n';

/** The section of `slot`'s message with its text (undefined: "not available"), as a piece with its line feed. */
export function htmlMessageSection(slot: HtmlMessageSlot, text: string | undefined): string {
  return renderMessageSection(slot.row, slot.prev, slot.next, text) + '\n';
}

function renderMessageSection(row: LadderRow, prev: LadderRow | undefined, next: LadderRow | undefined, text: string | undefined): string {
  const e = escapeHtml;
  const id = messageAnchor(row.messageId);
  const nav = [
    prev ? `<a href="#${messageAnchor(prev.messageId)}">← previous</a>` : '',
    next ? `<a href="#${messageAnchor(next.messageId)}">next →</a>` : '',
    `<a href="#arrow-${row.index}">close</a>`,
  ]
    .filter((s) => s !== '')
    .join(' ');
  const facts = [
    `#${row.index + 1}`,
    `frame ${row.frame}`,
    `${formatDateTime(row.timeSec, row.timeNsec)} UTC`,
    `${endpoint(row.src, row.srcPort)} → ${endpoint(row.dst, row.dstPort)}`,
    row.transport,
    row.detail,
  ].filter((s) => s !== '');
  return (
    `<section id="${e(id)}" class="msg s${row.kind === 'invalid' ? 7 : row.statusClass}">` +
    `<div class="msg-head"><h3><a href="#${e(id)}">${e(arrowLabel(row))}</a></h3><nav>${nav}</nav></div>` +
    `<p class="muted">${e(facts.join(' · '))}</p>` +
    (text !== undefined
      ? `<pre>${e(text)}</pre>`
      : '<pre class="muted">(message text not available)</pre>') +
    '</section>'
  );
}

function renderCallTable(model: LadderModel, calls: readonly CallInfo[] | undefined): string {
  const e = escapeHtml;
  if (model.calls.length === 0) return '';
  const info = new Map<number, CallInfo>();
  for (const c of calls ?? []) info.set(c.index, c);
  const counts = new Map<number, number>();
  const firstRow = new Map<number, LadderRow>();
  for (const r of model.rows) {
    counts.set(r.callIndex, (counts.get(r.callIndex) ?? 0) + 1);
    if (!firstRow.has(r.callIndex)) firstRow.set(r.callIndex, r);
  }
  const out: string[] = [];
  out.push('<section class="calls"><h2>Calls</h2><table>');
  out.push(
    '<thead><tr><th></th><th>Start (UTC)</th><th>From</th><th>To</th><th>Call-ID</th><th>State</th><th>Messages</th><th>Duration</th></tr></thead><tbody>',
  );
  for (const lc of model.calls) {
    const c = info.get(lc.callIndex);
    const swatch = `<span class="swatch c${lc.colorIndex % CALL_COLORS.length}"></span>`;
    const r = firstRow.get(lc.callIndex);
    const start = c
      ? formatDateTime(c.startSec, c.startNsec)
      : r
        ? formatDateTime(r.timeSec, r.timeNsec)
        : '';
    const party = (display: string | undefined, uri: string): string =>
      display ? `${e(display)} <span class="muted">&lt;${e(uri)}&gt;</span>` : e(uri);
    out.push(
      '<tr>' +
        `<td>${swatch}</td>` +
        `<td>${e(start)}</td>` +
        `<td>${c ? party(c.fromDisplay, c.fromUri) : '—'}</td>` +
        `<td>${c ? party(c.toDisplay, c.toUri) : '—'}</td>` +
        `<td class="callid">${e(c?.callId ?? lc.callId) || '—'}</td>` +
        `<td>${c ? `<span class="state ${e(c.state)}">${e(c.state)}</span>` : '—'}</td>` +
        `<td class="num">${c ? c.messageIds.length : (counts.get(lc.callIndex) ?? 0)}</td>` +
        `<td class="num">${c?.durationSec !== undefined ? `${e(c.durationSec.toFixed(3))} s` : '—'}</td>` +
        '</tr>',
    );
  }
  out.push('</tbody></table></section>');
  return out.join('\n');
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const PAGE_CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--border:#d0d7de;--panel:#f6f8fa;--accent:#0969da;
--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--panel:#161b22;
--accent:#4493f8;--ok:#3fb950;--warn:#d29922;--bad:#f85149}}
*{box-sizing:border-box}
body{margin:0;padding:1rem 1.5rem;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:0}
a{color:var(--accent)}
.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--border);padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.callid{font-family:ui-monospace,monospace;word-break:break-all}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px}
${CALL_COLORS.map((c, i) => `.swatch.c${i}{background:${c}}`).join('')}
.state.answered,.state.completed{color:var(--ok)}.state.ringing,.state.setup{color:var(--accent)}
.state.cancelled,.state.busy{color:var(--warn)}.state.rejected,.state.failed{color:var(--bad)}
.ladder-scroll{overflow:auto;max-width:100%;border:1px solid var(--border);border-radius:4px}
.ladder-scroll svg{display:block}
.warnings li{color:var(--warn)}
details.messages>summary{cursor:pointer}details.messages>summary h2{display:inline}
.msg{border-top:1px solid var(--border);padding:.5rem 0}
.msg-head{display:flex;gap:1rem;align-items:baseline;justify-content:space-between}
.msg p{margin:.2rem 0}
.msg pre{margin:.3rem 0 0;padding:.5rem;background:var(--panel);border:1px solid var(--border);border-radius:4px;
overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
.msg nav{display:none;gap:.75rem;white-space:nowrap}
.msg:target{position:fixed;top:0;right:0;bottom:0;width:min(48rem,55vw);overflow:auto;z-index:10;margin:0;
padding:1rem;background:var(--bg);border-left:3px solid var(--accent);box-shadow:-4px 0 16px rgba(0,0,0,.25)}
.msg:target nav{display:flex}
@media (max-width:800px){.msg:target{left:0;width:auto;top:35vh;border-left:0;border-top:3px solid var(--accent)}}
@media print{.msg:target{position:static;box-shadow:none;border:0;width:auto}.msg nav{display:none}}
footer{margin-top:2rem;font-size:12px}
.audio audio{width:100%;max-width:560px}
`;
