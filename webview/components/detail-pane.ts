// Message detail pane: frame, addresses, transport and time of the selected arrow, then the full SIP message with
// simple highlighting (start line, header names, values, params) and its SDP body below. Text only via DOM APIs.
import { formatDateTime } from '../../src/core/ladder/model';
import type { MessageDetail } from '../../src/protocol/webview';
import { ce, clear, h } from '../dom';
import { tokenizePlain, tokenizeSdp, tokenizeSipHead, type Token } from '../sip-highlight';

export interface DetailPaneOptions {
  /** "Open as text" button. */
  onOpenAsText(messageId: number): void;
}

const endpoint = (ip: string, port: number, v: 4 | 6): string => (v === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);

/** The detail pane widget. */
export class DetailPane {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly content: HTMLElement;
  private current: number | undefined;

  constructor(private readonly opts: DetailPaneOptions) {
    this.header = h('div', { class: 'detail-head' });
    this.content = h('div', { class: 'detail-body' });
    this.element = h('section', { class: 'detail', 'data-state': 'empty', 'aria-label': 'Message detail' }, this.header, this.content);
    this.showEmpty('Click an arrow to see the message.');
  }

  /** Message id on display, if any. */
  get messageId(): number | undefined {
    return this.current;
  }

  showEmpty(text: string): void {
    this.current = undefined;
    clear(this.header);
    clear(this.content);
    this.content.appendChild(h('p', { class: 'muted' }, text));
    this.element.dataset.state = 'empty';
  }

  showLoading(id: number): void {
    this.current = id;
    this.element.dataset.state = 'loading';
  }

  showError(text: string): void {
    clear(this.content);
    this.content.appendChild(h('p', { class: 'error' }, text));
    this.element.dataset.state = 'error';
  }

  /** Render a message. */
  show(d: MessageDetail): void {
    this.current = d.id;
    clear(this.header);
    clear(this.content);
    const open = ce('vscode-button', { secondary: true, 'data-action': 'open-text', title: 'Open this message in a SIP editor (linted by the language server)' }, 'Open as text');
    open.addEventListener('click', () => this.opts.onOpenAsText(d.id));
    const flags: string[] = [];
    if (d.retransmission) flags.push('retransmission');
    if (d.truncated) flags.push('truncated');
    this.header.append(
      h('div', { class: 'detail-title' }, h('strong', { class: 'detail-label' }, d.label), flags.length ? h('span', { class: 'flags' }, ` ${flags.join(', ')}`) : false, open),
      h(
        'dl',
        { class: 'detail-meta' },
        h('dt', {}, 'Frame'),
        h('dd', { class: 'frame' }, d.firstFrame !== d.frame ? `${d.frame} (from ${d.firstFrame})` : String(d.frame)),
        h('dt', {}, 'From'),
        h('dd', { class: 'addr' }, endpoint(d.src, d.srcPort, d.ipVersion)),
        h('dt', {}, 'To'),
        h('dd', { class: 'addr' }, endpoint(d.dst, d.dstPort, d.ipVersion)),
        h('dt', {}, 'Transport'),
        h('dd', { class: 'transport' }, `${d.transport}, ${d.byteLength} bytes`),
        h('dt', {}, 'Time'),
        h('dd', {}, `${formatDateTime(d.timeSec, d.timeNsec)} UTC`),
      ),
    );
    this.content.appendChild(renderLines(tokenizeSipHead(d.head), 'sip'));
    if (d.bodyKind !== 'none') {
      this.content.appendChild(h('div', { class: 'body-title' }, d.bodyKind === 'sdp' ? 'SDP' : d.bodyKind === 'binary' ? 'Body (binary)' : 'Body'));
      this.content.appendChild(renderLines(d.bodyKind === 'sdp' ? tokenizeSdp(d.body) : tokenizePlain(d.body), d.bodyKind === 'sdp' ? 'sdp' : 'body'));
    }
    this.element.dataset.state = 'ready';
  }
}

/** A <pre> with one span per token (class = token kind) and a newline after each line. */
export function renderLines(lines: Token[][], cls: string): HTMLPreElement {
  const pre = h('pre', { class: `msg ${cls}` });
  const frag = document.createDocumentFragment();
  for (const line of lines) {
    for (const t of line) {
      const span = document.createElement('span');
      span.className = t.statusClass !== undefined ? `t-${t.kind} s${t.statusClass}` : `t-${t.kind}`;
      span.textContent = t.text;
      frag.appendChild(span);
    }
    frag.appendChild(document.createTextNode('\n'));
  }
  pre.appendChild(frag);
  return pre;
}
