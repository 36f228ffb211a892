// NAT findings panel (a <vscode-collapsible>): per selected call its verdict line, then its findings, most severe
// first, each with a severity icon, the rule id (opens the RFC / nathelper reference through the host), the message
// and its evidence frames as chips — a SIP frame selects its arrow, an RTP stream's first packet selects the stream,
// other packets (RTP, RTCP, ICMP) show an info line. Capture text only ever goes through textContent.
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { unreachable } from '../../src/protocol/assert';
import type { EvidenceFrame, FindingsResult, FindingView, NatSummary, VerdictView } from '../../src/protocol/webview';
import { ce, clear, h, setText } from '../dom';
import { severityIcon } from '../severity';

export interface FindingsPanelOptions {
  /** A chip of a SIP message was clicked: select its arrow and show it. */
  onSelectMessage(messageId: number): void;
  /** A chip of an RTP stream's first packet was clicked: select the stream. */
  onSelectStream(streamIndex: number): void;
  /** A rule id was clicked: ask the host to open its reference. */
  onOpenReference(url: string): void;
  /** A verdict of the capture-wide list (no call selected) was clicked: select that call. */
  onSelectCall(callIndex: number): void;
}

/** Text of an evidence chip: `f9 INVITE`, `f19 RTP`, `f20`. */
export function chipText(f: EvidenceFrame): string {
  switch (f.kind) {
    case 'sip':
      return `f${f.frame} ${f.label}`;
    case 'rtp':
      return `f${f.frame} RTP`;
    case 'icmp':
      return `f${f.frame} ICMP`;
    case 'packet':
      return `f${f.frame}`;
    default:
      return unreachable(f, 'evidence frame');
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The panel widget. */
export class FindingsPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private nat: NatSummary | undefined;
  private activeChip: HTMLElement | undefined;

  constructor(private readonly opts: FindingsPanelOptions) {
    this.body = h('div', { class: 'findings-body', role: 'region', 'aria-label': 'NAT findings', 'aria-live': 'polite' });
    this.element = ce('vscode-collapsible', { class: 'findings', heading: 'NAT findings', open: true, 'data-state': 'pending' }, this.body);
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.showNote('Reading capture…');
  }

  /** Analysis progress and counts: the header's description. */
  setSummary(nat: NatSummary): void {
    this.nat = nat;
    const desc =
      nat.state === 'done'
        ? nat.findings === 0
          ? 'none'
          : `${nat.findings} in ${plural(nat.calls, 'call')}${nat.errors ? ` · ${plural(nat.errors, 'error')}` : ''}`
        : nat.state === 'running'
          ? 'analysing…'
          : nat.state === 'failed'
            ? 'failed'
            : nat.state === 'skipped'
              ? 'skipped'
              : '';
    this.element.setAttribute('description', desc);
    this.element.dataset.state = nat.state;
  }

  /** A one-line note instead of findings (analysis running, skipped, failed...). */
  showNote(text: string, cls = 'muted'): void {
    clear(this.body);
    this.activeChip = undefined;
    this.body.appendChild(h('p', { class: `findings-note ${cls}` }, text));
  }

  /** Findings of the selected calls (`calls` in selection order), or the capture-wide verdicts when none is selected. */
  show(result: FindingsResult, calls: readonly number[]): void {
    clear(this.body);
    this.activeChip = undefined;
    this.element.dataset.generation = String(result.generation);
    if (calls.length === 0) {
      this.showVerdictList(result.verdicts);
      return;
    }
    const byCall = new Map<number, FindingView[]>();
    for (const f of result.findings) {
      const l = byCall.get(f.callIndex);
      if (l) l.push(f);
      else byCall.set(f.callIndex, [f]);
    }
    const verdicts = new Map(result.verdicts.map((v) => [v.callIndex, v]));
    let shown = 0;
    for (const ci of [...calls].sort((a, b) => a - b)) {
      const findings = byCall.get(ci) ?? [];
      const verdict = verdicts.get(ci);
      if (findings.length === 0 && !verdict) continue;
      shown++;
      const section = h('section', { class: 'call-findings', 'data-call': ci });
      section.appendChild(this.verdictLine(ci, verdict, false));
      const list = h('ul', { class: 'finding-list' });
      for (const f of findings) list.appendChild(this.findingItem(f));
      section.appendChild(list);
      this.body.appendChild(section);
    }
    if (shown === 0) {
      this.body.appendChild(h('p', { class: 'findings-note muted' }, calls.length === 1 ? 'No NAT findings for this call.' : 'No NAT findings for these calls.'));
    }
    if (result.total > result.findings.length) {
      this.body.appendChild(h('p', { class: 'findings-note muted' }, `Showing ${result.findings.length} of ${result.total} findings.`));
    }
  }

  private showVerdictList(verdicts: VerdictView[]): void {
    const nat = this.nat;
    const head =
      nat && nat.findings > 0
        ? `${plural(nat.findings, 'finding')} in ${plural(nat.calls, 'call')}. Select a call to see its findings and evidence.`
        : 'No NAT findings in this capture.';
    this.body.appendChild(h('p', { class: 'findings-note muted' }, head));
    if (verdicts.length === 0) return;
    const list = h('ul', { class: 'verdict-list' });
    for (const v of verdicts) list.appendChild(h('li', {}, this.verdictLine(v.callIndex, v, true)));
    this.body.appendChild(list);
  }

  private verdictLine(callIndex: number, v: VerdictView | undefined, clickable: boolean): HTMLElement {
    const sev = v?.severity;
    const attrs: Record<string, string | number | boolean | undefined> = {
      class: `verdict${sev ? ` sev-${sev}` : ''}${clickable ? ' clickable' : ''}`,
      'data-call': callIndex,
    };
    const line = (clickable ? h('button', attrs) : h('div', attrs)) as HTMLElement;
    line.append(
      sev ? severityIcon(sev) : h('span', { class: 'sev-icon sev-none', 'aria-hidden': 'true' }),
      h('span', { class: 'call-tag' }, `Call ${callIndex + 1}`),
      h('span', { class: 'verdict-text' }, v ? v.summary : 'no verdict'),
    );
    if (v?.callId) line.setAttribute('title', `${clickable ? 'Select this call · ' : ''}Call-ID ${v.callId}`);
    return line;
  }

  private findingItem(f: FindingView): HTMLElement {
    const rule = f.url
      ? h('button', { class: 'rule-link', 'data-url': f.url, title: `${f.refTitle ?? f.url} — open in the browser` }, f.ruleId)
      : h('span', { class: 'rule-id' }, f.ruleId);
    const frames = h('div', { class: 'frames', role: 'group', 'aria-label': 'Evidence frames' });
    for (const fr of f.frames) frames.appendChild(this.chip(fr));
    return h(
      'li',
      { class: `finding sev-${f.severity}`, 'data-rule': f.ruleId, 'data-severity': f.severity },
      h('div', { class: 'finding-head' }, severityIcon(f.severity), rule, f.refTitle ? h('span', { class: 'ref-title' }, f.refTitle) : false),
      h('div', { class: 'finding-message', title: 'Click to expand or collapse' }, f.message),
      f.frames.length > 0 ? frames : false,
      h('div', { class: 'frame-info', hidden: true, role: 'note' }),
    );
  }

  private chip(f: EvidenceFrame): HTMLElement {
    switch (f.kind) {
      case 'sip':
        return h('button', { class: 'frame-chip sip', 'data-frame': f.frame, 'data-message': f.messageId, title: `Frame ${f.frame}: ${f.label} — show it in the ladder` }, chipText(f));
      case 'rtp':
        return h('button', { class: 'frame-chip rtp', 'data-frame': f.frame, 'data-stream': f.streamIndex, title: `Frame ${f.frame}: first packet of an RTP stream — show the stream` }, chipText(f));
      case 'icmp': {
        const what = f.messageId !== undefined ? 'the message it answered' : 'the stream it answered';
        const attrs: Record<string, string | number> = { class: 'frame-chip icmp', 'data-frame': f.frame, 'data-icmp': `ICMP ${f.error} from ${f.reporter}`, title: `Frame ${f.frame}: ICMP ${f.error} from ${f.reporter} — show ${what}` };
        if (f.messageId !== undefined) attrs['data-message'] = f.messageId;
        else if (f.streamIndex !== undefined) attrs['data-stream'] = f.streamIndex;
        return h('button', attrs, chipText(f));
      }
      case 'packet':
        return h('button', { class: 'frame-chip packet', 'data-frame': f.frame, title: `Frame ${f.frame}: not a SIP message` }, chipText(f));
      default:
        return unreachable(f, 'evidence frame');
    }
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element | null;
    const chip = target?.closest<HTMLElement>('.frame-chip');
    if (chip) {
      this.activate(chip);
      const item = chip.closest('.finding');
      const info = item?.querySelector<HTMLElement>('.frame-info');
      const frame = chip.dataset.frame ?? '?';
      if (info && chip.dataset.icmp !== undefined) {
        // An ICMP error: say what it is, and select what it answered (the arrow ends in a cross).
        setText(info, `Frame ${frame}: ${chip.dataset.icmp}, answering the ${chip.dataset.message !== undefined ? 'selected message' : 'selected stream'}. In Wireshark: frame.number == ${frame}`);
        info.hidden = false;
      } else if (info) info.hidden = true;
      if (chip.dataset.message !== undefined) {
        this.opts.onSelectMessage(Number(chip.dataset.message));
      } else if (chip.dataset.stream !== undefined) {
        this.opts.onSelectStream(Number(chip.dataset.stream));
      } else if (info) {
        setText(info, `Frame ${frame} is a packet, not a SIP message (RTP, RTCP or ICMP evidence). In Wireshark: frame.number == ${frame}`);
        info.hidden = false;
      }
      return;
    }
    const link = target?.closest<HTMLElement>('.rule-link');
    if (link?.dataset.url) {
      this.opts.onOpenReference(link.dataset.url);
      return;
    }
    const verdict = target?.closest<HTMLElement>('.verdict.clickable');
    if (verdict?.dataset.call !== undefined) {
      this.opts.onSelectCall(Number(verdict.dataset.call));
      return;
    }
    const message = target?.closest<HTMLElement>('.finding-message');
    if (message) message.classList.toggle('expanded');
  }

  private activate(chip: HTMLElement): void {
    this.activeChip?.classList.remove('active');
    this.activeChip = chip;
    chip.classList.add('active');
  }
}
