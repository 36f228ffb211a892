// Detail pane: for a selected arrow, frame, addresses, transport and time, then the full SIP message with simple
// highlighting (start line, header names, values, params) and its SDP body below; for a selected RTP stream band, its
// statistics, the SDP endpoints against the observed addresses, and its findings. Text only via DOM APIs.
import { callFigureLines, messageTotalsLine, type CaptureStats } from '../../src/core/dialog/stats';
import { audioChannelSummary, isSrtpProfile } from '../../src/core/rtp/audio-channels';
import { formatDateTime, icmpAnswerText } from '../../src/core/ladder/model';
import type { MessageDetail, SdpEndpointView, StreamAudioResult, StreamDetail, StreamSeriesView } from '../../src/protocol/webview';
import { ce, clear, h, s } from '../dom';
import { severityIcon, severityOrder } from '../severity';
import { tokenizePlain, tokenizeSdp, tokenizeSipHead, type Token } from '../sip-highlight';

export interface DetailPaneOptions {
  /** "Open as text" button. */
  /** Open the message as text; at `line`:`column` (1-based) when a finding was clicked. */
  onOpenAsText(messageId: number, line?: number, column?: number): void;
  /** "Compare with previous hop" button (shown when the message has one). */
  onCompareWithPreviousHop(messageId: number): void;
  /** A SIP message reference (the SDP of a stream) was clicked. */
  onSelectMessage(messageId: number): void;
  /** Decode the audio of RTP streams (one WAV channel each), to play. */
  onLoadAudio(streamIndexes: number[]): Promise<StreamAudioResult>;
  /** "Save as WAV…": the host asks where and writes the file. */
  onSaveAudio(streamIndexes: number[]): void;
  /** Per-packet delta and jitter of a stream, downsampled (the "Show jitter graph" button). */
  onLoadSeries(streamIndex: number): Promise<StreamSeriesView>;
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
  /** Object URL of the audio on display (revoked when the pane changes). */
  private audioUrl: string | undefined;
  /** Bumped on every render: an audio answer for an older one is dropped. */
  private renders = 0;

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
    this.dropAudio();
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
        ...(d.profile ? row('Profile', isSrtpProfile(d.profile) ? `${d.profile} (SRTP, RFC 3711)` : d.profile, 'profile') : []),
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
    this.content.append(h('div', { class: 'body-title first' }, 'RTP statistics (RFC 3550)'), stats, this.seriesSection(d));

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

    this.content.appendChild(h('div', { class: 'body-title' }, 'Audio'));
    this.content.appendChild(this.audioSection(d));

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

  /**
   * Play / Play call / Save as WAV for a decodable stream; the reason otherwise. The audio is decoded by the host on
   * demand (a pass over the capture) and played from an object URL (CSP media-src blob:).
   */
  private audioSection(d: StreamDetail): HTMLElement {
    const box = h('div', { class: 'stream-audio' });
    if (!d.audio.playable) {
      box.appendChild(h('p', { class: 'muted audio-reason' }, d.audio.reason ?? 'This stream cannot be played.'));
      return box;
    }
    const status = h('p', { class: 'muted audio-status' });
    const player = h('div', { class: 'audio-player' });
    const play = (indexes: number[], label: string): void => {
      status.textContent = `Decoding ${label}…`;
      for (const b of buttons) b.setAttribute('disabled', '');
      void this.loadAudio(indexes, player, status, d.index).finally(() => {
        for (const b of buttons) b.removeAttribute('disabled');
      });
    };
    const buttons: HTMLElement[] = [];
    const one = ce('vscode-button', { 'data-action': 'play-stream', title: 'Decode this stream and play it' }, 'Play');
    one.addEventListener('click', () => play([d.index], 'this stream'));
    buttons.push(one);
    const others = d.audio.callStreams;
    if (others.length > 1) {
      const all = ce('vscode-button', { secondary: true, 'data-action': 'play-call', title: `Play the call's ${others.length} audio streams, one channel each (stereo for two), aligned on capture time` }, `Play call (${others.length} streams)`);
      all.addEventListener('click', () => play(others, `the call's ${others.length} streams`));
      buttons.push(all);
    }
    const save = ce('vscode-button', { secondary: true, 'data-action': 'save-audio', title: 'Save the decoded audio as a WAV file (the call\'s streams, one channel each)' }, 'Save as WAV…');
    save.addEventListener('click', () => this.opts.onSaveAudio(others.length > 0 ? others : [d.index]));
    buttons.push(save);
    box.append(h('div', { class: 'audio-buttons' }, ...buttons), status, player);
    return box;
  }

  /** "Show jitter graph": asks the host for the stream's series and draws it below the button. */
  private seriesSection(d: StreamDetail): HTMLElement {
    const box = h('div', { class: 'stream-series' });
    const status = h('p', { class: 'muted series-status' });
    const graph = h('div', { class: 'series-graph' });
    const render = this.renders;
    const button = ce('vscode-button', { secondary: true, 'data-action': 'show-series', title: 'Arrival delta and interarrival jitter (RFC 3550 §6.4.1) of every packet, and sequence gaps' }, 'Show jitter graph');
    button.addEventListener('click', () => {
      button.setAttribute('disabled', '');
      status.textContent = 'Reading the stream’s packets…';
      this.opts
        .onLoadSeries(d.index)
        .then((r) => {
          if (render !== this.renders) return; // the pane shows something else now
          clear(graph);
          status.textContent = `${r.packets} packets, ${r.durationSec.toFixed(1)} s; max delta ${ms(r.maxDeltaMs)}, max jitter ${ms(r.maxJitterMs)}${r.missingPackets ? `; ${r.missingPackets} missing in sequence gaps` : ''}`;
          graph.appendChild(seriesSvg(r));
        })
        .catch((err: unknown) => {
          if (render === this.renders) status.textContent = `Could not read the stream: ${(err as Error).message}`;
        })
        .finally(() => button.removeAttribute('disabled'));
    });
    box.append(button, status, graph);
    return box;
  }

  /** Put an <audio> element for `r` in `player`, with what each channel is. */
  private showAudio(r: StreamAudioResult, player: HTMLElement, status: HTMLElement, shown: number): void {
    this.releaseAudioUrl();
    clear(player);
    const decoded = r.streams.filter((x) => x.channel > 0);
    if (r.wav.length === 0 || decoded.length === 0) {
      status.textContent = r.streams.map((x) => x.reason).filter((x) => x)[0] ?? 'Nothing could be decoded.';
      return;
    }
    this.audioUrl = URL.createObjectURL(new Blob([r.wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }));
    const audio = h('audio', { controls: '', autoplay: '', src: this.audioUrl, 'data-duration': r.durationSec.toFixed(3) });
    status.textContent = `${r.durationSec.toFixed(1)} s at ${r.sampleRate} Hz — ${audioChannelSummary(r.streams, shown)}`;
    player.appendChild(audio);
  }

  /** The pane shows something else: drop the audio on display and any decoding still on its way. */
  private dropAudio(): void {
    this.renders++;
    this.releaseAudioUrl();
  }

  private releaseAudioUrl(): void {
    if (this.audioUrl !== undefined) URL.revokeObjectURL(this.audioUrl);
    this.audioUrl = undefined;
  }

  /**
   * SIP statistics (as `sipscope stats`): message totals, requests by method and responses by status with their
   * retransmissions, then the call figures (states, ASR, ACD, PDD, answer delay). `scope`: what they cover.
   */
  showStats(s: CaptureStats, scope: string): void {
    this.dropAudio();
    this.current = undefined;
    this.currentStream = undefined;
    clear(this.header);
    clear(this.content);
    this.header.append(h('div', { class: 'detail-title' }, h('strong', { class: 'detail-label' }, 'SIP statistics'), h('span', { class: 'flags' }, ` ${scope}`)));
    this.content.appendChild(h('p', { class: 'stats-totals' }, messageTotalsLine(s)));
    const table = (head: string, rows: { name: string; count: number; retransmissions: number; cls?: string }[], cls: string): HTMLElement =>
      h(
        'table',
        { class: `stats-table ${cls}` },
        h('thead', {}, h('tr', {}, h('th', {}, head), h('th', { class: 'num' }, 'Count'), h('th', { class: 'num' }, 'Retransmitted'))),
        h('tbody', {}, ...rows.map((r) => h('tr', {}, h('td', r.cls ? { class: r.cls } : {}, r.name), h('td', { class: 'num' }, String(r.count)), h('td', { class: 'num' }, String(r.retransmissions))))),
      );
    if (s.methods.length > 0) this.content.appendChild(table('Request', s.methods.map((m) => ({ name: m.method, count: m.count, retransmissions: m.retransmissions })), 'stats-methods'));
    if (s.statuses.length > 0) {
      this.content.appendChild(
        table(
          'Response',
          s.statuses.map((r) => ({ name: `${r.code} ${r.reason}`.trim(), count: r.count, retransmissions: r.retransmissions, cls: `s${Math.floor(r.code / 100)}` })),
          'stats-statuses',
        ),
      );
    }
    const calls = h('ul', { class: 'stats-calls' });
    for (const line of callFigureLines(s.calls)) calls.appendChild(h('li', {}, line));
    this.content.append(h('div', { class: 'body-title' }, 'Calls'), calls);
    this.element.dataset.state = 'ready';
    this.element.dataset.kind = 'stats';
  }

  /**
   * The audio of some streams on its own (the toolbar's "Play audio" for the selected calls): decoded by the host, then
   * a player with what each channel holds.
   */
  showCallAudio(streamIndexes: number[], title: string): void {
    this.dropAudio();
    this.current = undefined;
    this.currentStream = undefined;
    clear(this.header);
    clear(this.content);
    this.header.append(h('div', { class: 'detail-title' }, h('strong', { class: 'detail-label' }, title)));
    const status = h('p', { class: 'muted audio-status' }, `Decoding ${streamIndexes.length} RTP stream${streamIndexes.length === 1 ? '' : 's'}…`);
    const player = h('div', { class: 'audio-player' });
    this.content.append(h('div', { class: 'stream-audio' }, status, player));
    this.element.dataset.state = 'ready';
    this.element.dataset.kind = 'audio';
    void this.loadAudio(streamIndexes, player, status, -1);
  }

  /**
   * Ask the host for the audio of `streamIndexes` and show it in `player` / `status` (`shown`: the stream called "this
   * stream"); dropped when the pane shows something else by then. Never rejects (an error goes to `status`).
   */
  private async loadAudio(streamIndexes: number[], player: HTMLElement, status: HTMLElement, shown: number): Promise<void> {
    const render = this.renders;
    try {
      const r = await this.opts.onLoadAudio(streamIndexes);
      if (render === this.renders) this.showAudio(r, player, status, shown);
    } catch (err) {
      if (render === this.renders) status.textContent = `Could not decode the audio: ${(err as Error).message}`;
    }
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
    this.dropAudio();
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
    this.dropAudio();
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
    // The message and SDP rules on this message (as the language server shows them on its text), worst first, above
    // the text they point into.
    if (d.findings.length > 0) {
      this.content.appendChild(h('div', { class: 'body-title' }, `Findings (${d.findings.length})`));
      const list = h('ul', { class: 'stream-findings message-findings' });
      const sorted = [...d.findings].sort((a, b) => severityOrder(a.severity) - severityOrder(b.severity) || a.line - b.line || a.column - b.column);
      for (const f of sorted) {
        // A finding opens the message as text at its position (the language server shows it there, with its fixes).
        const li = h(
          'li',
          { class: `sev-${f.severity} clickable`, 'data-rule': f.ruleId, role: 'button', tabindex: '0', title: `Open the message as text at line ${f.line}` },
          severityIcon(f.severity),
          h('strong', { class: 'rule-id' }, f.ruleId),
          h('span', { class: 'muted finding-where' }, ` line ${f.line}:${f.column}`),
          h('div', { class: 'stream-finding-message' }, f.message),
        );
        const open = (): void => this.opts.onOpenAsText(d.id, f.line, f.column);
        li.addEventListener('click', open);
        li.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            open();
          }
        });
        list.appendChild(li);
      }
      this.content.appendChild(list);
    }
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
const GRAPH_W = 480;
const GRAPH_H = 160;
const PAD_L = 44;
const PAD_R = 8;
const PAD_T = 18;
const PAD_B = 20;

/**
 * The series as an SVG line chart: x = seconds from the stream start, y = ms (0 to the highest delta or jitter), one
 * polyline for the arrival delta and one for the jitter, red ticks at sequence gaps, a legend and axis labels.
 */
function seriesSvg(r: StreamSeriesView): SVGSVGElement {
  const maxX = Math.max(r.durationSec, ...r.offsetSec, 1e-3);
  const maxY = Math.max(r.maxDeltaMs, r.maxJitterMs, ...r.deltaMs, ...r.jitterMs, 1e-3);
  const plotW = GRAPH_W - PAD_L - PAD_R;
  const plotH = GRAPH_H - PAD_T - PAD_B;
  const x = (sec: number): number => PAD_L + (sec / maxX) * plotW;
  const y = (v: number): number => PAD_T + plotH - (v / maxY) * plotH;
  const line = (ys: number[]): string => r.offsetSec.map((t, i) => `${x(t).toFixed(1)},${y(ys[i] ?? 0).toFixed(1)}`).join(' ');
  const bottom = PAD_T + plotH;
  return s(
    'svg',
    { class: 'series-chart', viewBox: `0 0 ${GRAPH_W} ${GRAPH_H}`, width: GRAPH_W, height: GRAPH_H, role: 'img', 'aria-label': 'Arrival delta and jitter over time', 'data-points': r.offsetSec.length },
    s('line', { class: 'axis', x1: PAD_L, y1: PAD_T, x2: PAD_L, y2: bottom }),
    s('line', { class: 'axis', x1: PAD_L, y1: bottom, x2: GRAPH_W - PAD_R, y2: bottom }),
    s('text', { class: 'axis-label y-max', x: PAD_L - 4, y: PAD_T + 4, 'text-anchor': 'end' }, `${maxY.toFixed(1)} ms`),
    s('text', { class: 'axis-label y-min', x: PAD_L - 4, y: bottom, 'text-anchor': 'end' }, '0'),
    s('text', { class: 'axis-label x-max', x: GRAPH_W - PAD_R, y: GRAPH_H - 4, 'text-anchor': 'end' }, `${maxX.toFixed(1)} s`),
    s('g', { class: 'gaps' }, ...r.gapOffsetSec.map((t, i) => s('line', { class: 'gap', x1: x(t), y1: PAD_T, x2: x(t), y2: bottom }, s('title', {}, `${r.gapMissing[i]} missing at ${t.toFixed(3)} s`)))),
    s('polyline', { class: 'series-delta', points: line(r.deltaMs) }),
    s('polyline', { class: 'series-jitter', points: line(r.jitterMs) }),
    s(
      'g',
      { class: 'legend' },
      s('line', { class: 'series-delta', x1: PAD_L + 6, y1: 9, x2: PAD_L + 22, y2: 9 }),
      s('text', { class: 'legend-label', x: PAD_L + 26, y: 12 }, 'delta (ms)'),
      s('line', { class: 'series-jitter', x1: PAD_L + 100, y1: 9, x2: PAD_L + 116, y2: 9 }),
      s('text', { class: 'legend-label', x: PAD_L + 120, y: 12 }, 'jitter (ms)'),
      s('line', { class: 'gap', x1: PAD_L + 196, y1: 4, x2: PAD_L + 196, y2: 14 }),
      s('text', { class: 'legend-label', x: PAD_L + 200, y: 12 }, 'lost'),
    ),
  );
}

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
