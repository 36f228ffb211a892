// Detail pane: for a selected arrow, frame, addresses, transport and time, then the full SIP message with simple
// highlighting (start line, header names, values, params) and its SDP body below; for a selected RTP stream band, its
// statistics, the SDP endpoints against the observed addresses, and its findings. Text only via DOM APIs.
import { formatDateTime, icmpAnswerText } from '../../src/core/ladder/model';
import type { MessageDetail, SdpEndpointView, StreamDetail } from '../../src/protocol/webview';
import { ce, clear, h } from '../dom';
import { severityIcon } from '../severity';
import { tokenizePlain, tokenizeSdp, tokenizeSipHead, type Token } from '../sip-highlight';

export interface DetailPaneOptions {
  /** "Open as text" button. */
  onOpenAsText(messageId: number): void;
  /** "Compare with previous hop" button (shown when the message has one). */
  onCompareWithPreviousHop(messageId: number): void;
  /** A SIP message reference (the SDP of a stream) was clicked. */
  onSelectMessage(messageId: number): void;
}

const ms = (v: number): string => `${v.toFixed(3)} ms`;

const endpoint = (ip: string, port: number, v: 4 | 6): string => (v === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);

/** The detail pane widget. */
export class DetailPane {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly content: HTMLElement;
  private current: number | undefined;
  private currentStream: number | undefined;

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

  /** Stream index on display, if any. */
  get streamIndex(): number | undefined {
    return this.currentStream;
  }

  /** Loading a stream's detail. */
  showStreamLoading(index: number): void {
    this.current = undefined;
    this.currentStream = index;
    this.element.dataset.state = 'loading';
  }

  /** Render an RTP stream: statistics, SDP declared vs observed addresses, findings about it. */
  showStream(d: StreamDetail): void {
    this.current = undefined;
    this.currentStream = d.index;
    clear(this.header);
    clear(this.content);
    const v6 = d.ipVersion;
    const src = endpoint(d.src, d.srcPort, v6);
    const dst = endpoint(d.dst, d.dstPort, v6);
    const row = (dt: string, dd: string | Node, cls?: string): Node[] => [h('dt', {}, dt), h('dd', cls ? { class: cls } : {}, dd)];
    const extra: string[] = [];
    if (d.duplicates) extra.push(`${d.duplicates} duplicates`);
    if (d.outOfOrder) extra.push(`${d.outOfOrder} out of order`);
    if (d.sequenceErrors) extra.push(`${d.sequenceErrors} sequence errors`);
    this.header.append(
      h('div', { class: 'detail-title' }, h('strong', { class: 'detail-label' }, d.label), h('span', { class: 'flags' }, ` ${d.detection === 'sdp' ? 'signalled (SDP)' : 'heuristic'}`)),
      h(
        'dl',
        { class: 'detail-meta stream-meta' },
        ...row('SSRC', d.ssrc, 'ssrc'),
        ...row('Codec', d.codecs.length > 1 ? `${d.codec || '?'} (${d.codecs.join(', ')})` : d.codec || d.codecs[0] || '?', 'codec'),
        ...row('From', src, 'addr'),
        ...row('To', dst, 'addr'),
        ...row('Frames', `${d.firstFrame} – ${d.lastFrame}`, 'frame'),
        ...row('Start', `${formatDateTime(d.startSec, d.startNsec)} UTC, ${d.durationSec.toFixed(1)} s`),
      ),
    );
    const stats = h(
      'dl',
      { class: 'detail-meta stream-stats' },
      ...row('Packets', `${d.packets} (expected ${d.expected})${extra.length ? `, ${extra.join(', ')}` : ''}`, 'packets'),
      ...row('Lost', `${d.lost} (${d.lostPercent.toFixed(1)}%)`, 'lost'),
      ...row('Max delta', `${ms(d.maxDeltaMs)}${d.maxDeltaFrame ? ` (frame ${d.maxDeltaFrame})` : ''}, mean ${ms(d.meanDeltaMs)}`, 'delta'),
      ...row('Jitter', `max ${ms(d.maxJitterMs)}, mean ${ms(d.meanJitterMs)}`, 'jitter'),
      ...row('DTMF', d.dtmf.count > 0 ? `${d.dtmf.count} events: ${d.dtmf.digits}` : 'none', 'dtmf'),
    );
    this.content.append(h('div', { class: 'body-title first' }, 'RTP statistics (RFC 3550)'), stats);

    this.content.appendChild(h('div', { class: 'body-title' }, 'SDP declared vs observed'));
    const sdp = h('dl', { class: 'detail-meta stream-sdp' });
    const sender = d.senderSdp;
    sdp.append(
      ...row('Observed source', src, 'observed-src'),
      ...row('Sender’s SDP', sender ? this.sdpRef(sender, src, v6) : 'not found', 'sender-sdp'),
      ...row('Observed destination', dst, 'observed-dst'),
    );
    if (d.matched) {
      const whose = d.matched.side === 'destination' ? 'Receiver’s SDP (matched)' : 'Matched on the source';
      sdp.append(...row(whose, this.sdpRef(d.matched, d.matched.side === 'destination' ? dst : src, v6), 'matched-sdp'));
    } else {
      sdp.append(...row('Matched SDP', 'none (heuristic stream)', 'matched-sdp'));
    }
    this.content.appendChild(sdp);

    this.content.appendChild(h('div', { class: 'body-title' }, d.findings.length ? `Findings (${d.findings.length})` : 'Findings'));
    if (d.findings.length === 0) this.content.appendChild(h('p', { class: 'muted' }, 'No NAT finding concerns this stream.'));
    else {
      const list = h('ul', { class: 'stream-findings' });
      for (const f of d.findings) {
        list.appendChild(h('li', { class: `sev-${f.severity}`, 'data-rule': f.ruleId }, severityIcon(f.severity), h('strong', { class: 'rule-id' }, f.ruleId), ' ', h('div', { class: 'stream-finding-message' }, f.message)));
      }
      this.content.appendChild(list);
    }
    this.element.dataset.state = 'ready';
    this.element.dataset.kind = 'stream';
  }

  /** `10.0.0.20:6000 (200 OK, f15)` with the message part clickable; marked when it differs from `observed`. */
  private sdpRef(e: SdpEndpointView, observed: string, v: 4 | 6): Node {
    const text = endpoint(e.address, e.port, e.address.includes(':') ? 6 : v);
    const differs = text !== observed;
    const link = h('button', { class: 'msg-link', 'data-message': e.messageId, title: `Show ${e.label || 'the message'} (frame ${e.frame})` }, `${e.label || 'message'}, f${e.frame}`);
    link.addEventListener('click', () => this.opts.onSelectMessage(e.messageId));
    return h(
      'span',
      { class: differs ? 'sdp-endpoint differs' : 'sdp-endpoint' },
      text,
      ' (',
      link,
      ')',
      differs ? h('span', { class: 'badge', title: 'The declared address differs from the observed one (NAT)' }, '≠ observed') : false,
    );
  }

  showEmpty(text: string): void {
    this.current = undefined;
    this.currentStream = undefined;
    clear(this.header);
    clear(this.content);
    this.content.appendChild(h('p', { class: 'muted' }, text));
    this.element.dataset.state = 'empty';
    delete this.element.dataset.kind;
  }

  showLoading(id: number): void {
    this.current = id;
    this.currentStream = undefined;
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
    this.currentStream = undefined;
    clear(this.header);
    clear(this.content);
    const open = ce('vscode-button', { secondary: true, 'data-action': 'open-text', title: 'Open this message in a SIP editor (linted by the language server)' }, 'Open as text');
    open.addEventListener('click', () => this.opts.onOpenAsText(d.id));
    const hop = d.previousHop;
    const compare =
      hop !== undefined &&
      ce(
        'vscode-button',
        {
          secondary: true,
          'data-action': 'compare-hop',
          title: `Diff with the same message on the hop before: ${endpoint(hop.src, hop.srcPort, hop.ipVersion)} → ${endpoint(hop.dst, hop.dstPort, hop.ipVersion)} (what a proxy or SBC changed)`,
        },
        'Compare with previous hop',
      );
    if (compare) compare.addEventListener('click', () => this.opts.onCompareWithPreviousHop(d.id));
    const flags: string[] = [];
    if (d.retransmission) flags.push('retransmission');
    if (d.truncated) flags.push('truncated');
    this.header.append(
      h('div', { class: 'detail-title' }, h('strong', { class: 'detail-label' }, d.label), flags.length ? h('span', { class: 'flags' }, ` ${flags.join(', ')}`) : false, open, compare),
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
        ...(d.icmp.length > 0
          ? [h('dt', {}, 'ICMP'), h('dd', { class: 'icmp' }, d.icmp.map(icmpAnswerText).join('; '))]
          : []),
      ),
    );
    this.content.appendChild(renderLines(tokenizeSipHead(d.head), 'sip'));
    if (d.bodyKind !== 'none') {
      this.content.appendChild(h('div', { class: 'body-title' }, d.bodyKind === 'sdp' ? 'SDP' : d.bodyKind === 'binary' ? 'Body (binary)' : 'Body'));
      this.content.appendChild(renderLines(d.bodyKind === 'sdp' ? tokenizeSdp(d.body) : tokenizePlain(d.body), d.bodyKind === 'sdp' ? 'sdp' : 'body'));
    }
    this.element.dataset.state = 'ready';
    this.element.dataset.kind = 'message';
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
