// Severity markers shared by the findings panel, the ladder and the detail pane: one HTML icon (CSS-drawn, like the
// codicons error/warning/info) and one SVG marker per severity, plus sorting and wording. Pure DOM construction.
import type { RuleSeverity } from '../src/core/index';
import { unreachable } from '../src/protocol/assert';
import { h, s } from './dom';

const RANK: Record<RuleSeverity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/** Sort key: 0 for error ... 3 for hint. */
export function severityOrder(sev: RuleSeverity): number {
  return RANK[sev];
}

/** Human word for a severity (`error`, `warning`, `info`, `hint`). */
export function severityWord(sev: RuleSeverity): string {
  switch (sev) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'info';
    case 'hint':
      return 'hint';
    default:
      return unreachable(sev, 'severity');
  }
}

/** Inline icon for HTML lists: a coloured circle (error, info, hint) or triangle (warning) with a glyph. */
export function severityIcon(sev: RuleSeverity): HTMLElement {
  const glyph = sev === 'error' ? '×' : sev === 'warning' ? '!' : sev === 'info' ? 'i' : '…';
  return h('span', { class: `sev-icon sev-${sev}`, role: 'img', 'aria-label': severityWord(sev), title: severityWord(sev) }, h('span', { class: 'glyph', 'aria-hidden': 'true' }, glyph));
}

/**
 * SVG marker centred on (cx, cy) with radius r: filled circle (error), triangle (warning), ring (info), dot (hint).
 * `title` becomes its tooltip.
 */
export function severityMarker(sev: RuleSeverity, cx: number, cy: number, r: number, title: string): SVGGElement {
  const g = s('g', { class: `finding-marker sev-${sev}` });
  g.appendChild(s('title', {}, title));
  const f = (v: number): string => String(Math.round(v * 100) / 100);
  switch (sev) {
    case 'error':
      g.appendChild(s('circle', { cx: f(cx), cy: f(cy), r: f(r) }));
      g.appendChild(s('path', { class: 'glyph', d: `M${f(cx - r * 0.45)},${f(cy - r * 0.45)} L${f(cx + r * 0.45)},${f(cy + r * 0.45)} M${f(cx + r * 0.45)},${f(cy - r * 0.45)} L${f(cx - r * 0.45)},${f(cy + r * 0.45)}` }));
      break;
    case 'warning':
      g.appendChild(s('path', { d: `M${f(cx)},${f(cy - r * 1.1)} L${f(cx + r * 1.15)},${f(cy + r * 0.9)} L${f(cx - r * 1.15)},${f(cy + r * 0.9)} Z` }));
      break;
    case 'info':
      g.appendChild(s('circle', { class: 'ring', cx: f(cx), cy: f(cy), r: f(r * 0.8) }));
      break;
    case 'hint':
      g.appendChild(s('circle', { cx: f(cx), cy: f(cy), r: f(r * 0.5) }));
      break;
    default:
      unreachable(sev, 'severity');
  }
  return g;
}
