// The capture editor page: toolbar (filter, counts, ladder options, commands), call list, ladder (with RTP streams and
// finding markers), NAT findings panel and detail pane, wired to the host through the messenger; persists its view
// state with getState/setState.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { unreachable } from '../src/protocol/assert';
import type { MessengerError } from '../src/protocol/messenger';
import {
  MAX_AUDIO_STREAMS,
  PROTOCOL_VERSION,
  type CaptureSummary,
  type CommandRequest,
  type HostToWebview,
  type LadderColumnsOption,
  type LadderTimeOption,
  type NatSummary,
  type ViewDefaults,
} from '../src/protocol/webview';
import { CallList } from './components/call-list';
import { DetailPane } from './components/detail-pane';
import { FindingsPanel } from './components/findings-panel';
import { LadderView } from './components/ladder-view';
import { ce, clear, h, setText } from './dom';
import { connectWebviewMessenger, type VsCodeApi, type WebviewMessenger } from './messenger';
import { defaultViewState, parseViewState, type ViewState } from './state';

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** The NAT part of the toolbar summary ('' while the import runs). */
export function natText(nat: NatSummary): string {
  switch (nat.state) {
    case 'pending':
    case 'skipped':
      return '';
    case 'running':
      return 'analysing NAT…';
    case 'done':
      return nat.findings > 0 ? `⚠ ${plural(nat.findings, 'NAT finding')}` : 'no NAT findings';
    case 'failed':
      return 'NAT analysis failed';
    default:
      return unreachable(nat.state, 'NAT analysis state');
  }
}

/** Build a <vscode-single-select> with options [value, label]; `selected` marks the initial one. */
function select(label: string, options: [string, string][], selected: string): HTMLElement {
  const el = ce('vscode-single-select', { 'aria-label': label, title: label });
  for (const [value, text] of options) el.appendChild(ce('vscode-option', { value, selected: value === selected }, text));
  return el;
}

/** The whole page. */
export class App {
  private messenger!: WebviewMessenger;
  private disposeMessenger: (() => void) | undefined;
  private state!: ViewState;
  private list: CallList | undefined;
  private ladder: LadderView | undefined;
  private detail: DetailPane | undefined;
  private findings: FindingsPanel | undefined;
  private findingsRequest = 0;
  private streamRequest = 0;
  private summaryEl!: HTMLElement;
  private progress!: HTMLElement;
  private banner!: HTMLElement;
  private toast!: HTMLElement;
  private zoomLabel!: HTMLElement;
  private commandButtons: HTMLElement[] = [];
  private summary: CaptureSummary | undefined;
  private lastLadderRefresh = 0;
  private saveFrame = 0;
  private messageRequest = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: VsCodeApi,
  ) {}

  /** Connect to the host and announce readiness; the UI is built when the host's `init` arrives. */
  start(): void {
    const { messenger, dispose } = connectWebviewMessenger(
      this.api,
      (e) => this.onEvent(e),
      (err: MessengerError) => this.showBanner(err.code === 'version-mismatch' ? `The editor was updated: close and reopen this capture (${err.message}).` : err.message),
    );
    this.messenger = messenger;
    this.disposeMessenger = dispose;
    window.addEventListener('error', (e) => this.messenger.notify({ type: 'log', level: 'error', message: String(e.message) }));
    this.messenger.notify({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  }

  dispose(): void {
    this.disposeMessenger?.();
  }

  private onEvent(e: HostToWebview): void {
    switch (e.type) {
      case 'init':
        if (!this.list) this.build(e.defaults);
        this.applySummary(e.summary);
        return;
      case 'captureUpdate':
        this.applySummary(e.summary);
        return;
      case 'viewCommand':
        this.viewCommand(e.command);
        return;
      default:
        unreachable(e, 'host event');
    }
  }

  private viewCommand(command: Extract<HostToWebview, { type: 'viewCommand' }>['command']): void {
    switch (command) {
      case 'zoomIn':
        this.ladder?.setZoom(this.ladder.zoomLevel * 1.25);
        return;
      case 'zoomOut':
        this.ladder?.setZoom(this.ladder.zoomLevel / 1.25);
        return;
      case 'zoomReset':
        this.ladder?.setZoom(1);
        return;
      case 'focusFilter':
        (this.root.querySelector('.filter') as HTMLElement | null)?.focus();
        return;
      default:
        unreachable(command, 'view command');
    }
  }

  private build(defaults: ViewDefaults): void {
    this.state = parseViewState(this.api.getState(), defaultViewState(defaults));
    const st = this.state;
    clear(this.root);

    const filter = ce('vscode-textfield', {
      class: 'filter',
      placeholder: 'Filter: number/URI, Call-ID, method, status, state (e.g. from:alice status:4 -state:completed)',
      'aria-label': 'Filter calls',
    });
    (filter as HTMLInputElement).value = st.filter;
    let filterTimer: ReturnType<typeof setTimeout> | undefined;
    filter.addEventListener('input', () => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => this.list?.setFilter((filter as HTMLInputElement).value ?? ''), 150);
    });
    filter.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'ArrowDown') this.list?.focus();
    });
    this.summaryEl = h('span', { class: 'summary', role: 'status' });
    this.progress = ce('vscode-progress-bar', { class: 'progress', 'aria-label': 'Import progress' });
    this.banner = h('div', { class: 'banner', role: 'alert', hidden: true });
    this.toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });

    this.list = new CallList(
      {
        fetch: (p) => this.messenger.request('getCalls', p),
        onSelect: (sel) => this.onCallsSelected(sel),
        onChange: () => this.saveState(),
        onError: (m) => this.showBanner(m),
      },
      { filter: st.filter, sort: st.sort, selected: st.selected, focus: st.focus, scrollTop: st.listScrollTop },
    );
    this.ladder = new LadderView(
      {
        fetch: (p) => this.messenger.request('getLadder', p),
        locate: (p) => this.messenger.request('ladderRowOf', p),
        onSelectMessage: (id) => this.onMessageSelected(id),
        onSelectStream: (index) => this.onStreamSelected(index),
        onChange: () => {
          this.updateZoomLabel();
          this.saveState();
        },
        onError: (m) => this.showBanner(m),
      },
      { columns: st.columns, time: st.time, zoom: st.zoom, scrollTop: st.ladderScrollTop, scrollLeft: st.ladderScrollLeft, messageId: st.messageId },
    );
    this.detail = new DetailPane({
      onOpenAsText: (id, line, column) => void this.run({ command: 'openMessageAsText', messageId: id, ...(line !== undefined ? { line, column } : {}) }),
      onCompareWithPreviousHop: (id) => void this.run({ command: 'compareWithPreviousHop', messageId: id }),
      onSelectMessage: (id) => this.revealMessage(id),
      // Decoding re-reads the capture: no timeout (a big capture takes seconds).
      onLoadAudio: (streamIndexes) => this.messenger.request('getStreamAudio', { streamIndexes }, { timeoutMs: 0 }),
      onSaveAudio: (streamIndexes) => void this.run({ command: 'saveStreamAudio', streamIndexes }),
      onLoadSeries: (streamIndex) => this.messenger.request('getStreamSeries', { streamIndex }, { timeoutMs: 0 }),
    });
    this.findings = new FindingsPanel({
      onSelectMessage: (id) => this.revealMessage(id),
      onSelectStream: (index) => {
        if (!this.ladder?.selectStream(index)) this.onStreamSelected(index);
      },
      onOpenReference: (url) => void this.openReference(url),
      onSelectCall: (ci) => {
        this.list?.setSelection([ci]);
        this.onCallsSelected([ci]);
        this.saveState();
      },
    });

    const columns = select(
      'Ladder columns',
      [
        ['endpoint', 'Columns: ip:port'],
        ['ip', 'Columns: by IP'],
        ['host', 'Columns: by host (Via/Contact)'],
      ],
      st.columns,
    );
    columns.classList.add('columns-select');
    columns.addEventListener('change', () => this.ladder?.setColumns((columns as HTMLInputElement).value as LadderColumnsOption));
    const time = select(
      'Time column',
      [
        ['relative', 'Time: relative'],
        ['delta', 'Time: delta'],
        ['absolute', 'Time: absolute (UTC)'],
      ],
      st.time,
    );
    time.classList.add('time-select');
    time.addEventListener('change', () => this.ladder?.setTime((time as HTMLInputElement).value as LadderTimeOption));

    const button = (label: string, action: string, title: string, onClick: () => void, secondary = true): HTMLElement => {
      const b = ce('vscode-button', { 'data-action': action, title, secondary }, label);
      b.addEventListener('click', onClick);
      return b;
    };
    this.zoomLabel = h('span', { class: 'zoom-label', 'aria-live': 'polite' });
    const zoomOut = button('−', 'zoom-out', 'Zoom out (Ctrl+wheel, -)', () => this.ladder?.setZoom(this.ladder.zoomLevel / 1.25));
    const zoomIn = button('+', 'zoom-in', 'Zoom in (Ctrl+wheel, +)', () => this.ladder?.setZoom(this.ladder.zoomLevel * 1.25));
    const sel = (): number[] => this.list?.selection ?? [];
    this.commandButtons = [
      button('Export…', 'export', 'Export the ladder as HTML, SVG, Mermaid, PlantUML or JSON', () =>
        void this.run({ command: 'exportLadder', callIndexes: sel(), columns: this.ladder?.state.columns ?? 'endpoint' }),
      ),
      button('Save as pcap…', 'save-pcap', "Save the selected calls' packets (SIP, RTP and RTCP) as a new capture file", () =>
        void this.run({ command: 'saveCallAsPcap', callIndexes: sel() }),
      ),
      button('Play audio', 'play-audio', "Play the selected calls' RTP audio: one channel per stream (left and right for a two-way call), lost packets as silence", () =>
        this.playSelectedAudio(),
      ),
      button('Copy tshark filter', 'copy-filter', 'Copy a display filter (sip.Call-ID == "...") for the selected calls', () =>
        void this.run({ command: 'copyTsharkFilter', callIndexes: sel() }),
      ),
    ];

    // Statistics: of the selected calls, or of the whole capture when none is selected (so never disabled).
    const stats = button('Statistics', 'stats', 'SIP statistics of the selected calls (or of the whole capture): requests, responses, retransmissions, call states, ASR, ACD, PDD', () =>
      this.showStats(),
    );
    // Commands act on the selected calls: they sit with the filter and counts, above the list.
    const topbar = h('header', { class: 'topbar' }, filter, this.summaryEl, h('span', { class: 'commands', role: 'toolbar', 'aria-label': 'Selected calls' }, ...this.commandButtons, stats));
    const ladderBar = h(
      'div',
      { class: 'ladder-bar', role: 'toolbar', 'aria-label': 'Ladder' },
      columns,
      time,
      h('span', { class: 'zoom' }, zoomOut, this.zoomLabel, zoomIn),
    );
    const side = h('div', { class: 'side' }, this.findings.element, this.detail.element);
    const lower = h('div', { class: 'lower' }, h('div', { class: 'ladder-pane' }, ladderBar, this.ladder.element), side);
    this.root.append(topbar, this.progress, this.banner, this.list.element, lower, this.toast);
    this.root.dataset.state = 'ready';
    // Scroll positions are part of the view state; scroll events do not bubble, so listen in the capture phase.
    this.root.addEventListener('scroll', () => this.saveState(), { capture: true, passive: true });
    this.updateZoomLabel();
    this.updateCommandButtons();

    // Restore: ladder of the selected calls (keeping its scroll), then the message in the detail pane.
    if (st.selected.length > 0) this.ladder.show(st.selected, { keepScroll: true });
    if (st.messageId !== undefined) this.onMessageSelected(st.messageId, false);
    this.notifySelection();
  }

  private applySummary(s: CaptureSummary): void {
    const prev = this.summary;
    this.summary = s;
    document.title = s.fileName;
    const parts = [plural(s.calls, 'call'), plural(s.messages, 'message'), plural(s.problems, 'problem')];
    const pct = s.size > 0 ? Math.floor((100 * s.bytesRead) / s.size) : 100;
    let text = parts.join(' · ');
    if (!s.done) text += ` · reading ${pct}%`;
    else if (s.cancelled) text += ' · import cancelled (partial)';
    const nat = natText(s.nat);
    if (nat) text += ` · ${nat}`;
    setText(this.summaryEl, text);
    this.summaryEl.dataset.nat = s.nat.state;
    this.findings?.setSummary(s.nat);
    const natChanged = !prev || prev.nat.generation !== s.nat.generation;
    if (natChanged) this.refreshFindings();
    this.progress.hidden = s.done;
    if (!s.done) (this.progress as unknown as { value: number; max: number }).max = 100;
    if (!s.done) (this.progress as unknown as { value: number }).value = pct;
    if (s.fatal) this.showBanner(s.fatal);
    this.list?.setEmptyText(s.fatal ? s.fatal : s.done ? 'No SIP calls in this capture.' : `Reading capture… ${pct}%`);
    if (!prev || prev.generation !== s.generation) this.list?.refresh();
    const now = Date.now();
    // New NAT results change the ladder's markers: its pages come with a new key.
    if ((s.done && !prev?.done) || (natChanged && prev !== undefined) || now - this.lastLadderRefresh > 1000) {
      this.lastLadderRefresh = now;
      this.ladder?.refresh();
    }
  }

  private onCallsSelected(callIndexes: number[]): void {
    this.ladder?.show(callIndexes);
    this.detail?.showEmpty(callIndexes.length ? 'Click an arrow to see the message.' : 'Select a call.');
    this.updateCommandButtons();
    this.notifySelection();
    this.refreshFindings();
  }

  /** Ask for the findings of the selected calls (or the verdict overview) when the NAT analysis is done. */
  private refreshFindings(): void {
    const panel = this.findings;
    const nat = this.summary?.nat;
    if (!panel || !nat) return;
    const seq = ++this.findingsRequest;
    switch (nat.state) {
      case 'pending':
        panel.showNote(this.summary?.fatal ? 'No NAT analysis: the file could not be read.' : 'The NAT analysis starts once the capture is read.');
        return;
      case 'running':
        panel.showNote('Analysing NAT… (declared vs observed addresses, RTP, ICMP)');
        return;
      case 'failed':
        panel.showNote(nat.note ?? 'The NAT analysis failed.', 'error');
        return;
      case 'skipped':
        panel.showNote(`No NAT analysis: ${nat.note ?? 'skipped'}.`);
        return;
      case 'done':
        break;
      default:
        unreachable(nat.state, 'NAT analysis state');
    }
    const calls = this.list?.selection ?? [];
    this.messenger
      .request('getFindings', calls.length > 0 ? { callIndexes: calls } : { verdictsOnly: true })
      .then((r) => {
        if (seq === this.findingsRequest) panel.show(r, calls);
      })
      .catch((err: unknown) => {
        if (seq === this.findingsRequest) panel.showNote(`Could not load the findings: ${(err as Error).message}`, 'error');
      });
  }

  /** Select a message's arrow (evidence frame, SDP reference); when it is not on the ladder, just show the message. */
  private revealMessage(id: number): void {
    const ladder = this.ladder;
    if (!ladder) return;
    ladder
      .revealMessage(id)
      .then((found) => {
        if (!found) this.onMessageSelected(id);
      })
      .catch(() => this.onMessageSelected(id));
  }

  /** Show an RTP stream in the detail pane. */
  private onStreamSelected(index: number): void {
    if (!this.detail) return;
    const seq = ++this.streamRequest;
    this.messageRequest++; // a message answer still on its way must not replace the stream
    this.detail.showStreamLoading(index);
    this.messenger
      .request('getStream', { streamIndex: index })
      .then((d) => {
        if (seq === this.streamRequest) this.detail?.showStream(d);
      })
      .catch((err: unknown) => {
        if (seq === this.streamRequest) this.detail?.showError(`Could not load RTP stream ${index}: ${(err as Error).message}`);
      });
    this.notifySelection();
  }

  /** Rule references open in the browser through the host (the CSP forbids navigation from the webview). */
  private async openReference(url: string): Promise<void> {
    try {
      const r = await this.messenger.request('openExternal', { url });
      if (!r.opened) this.showToast(`Reference: ${url}`);
    } catch (err) {
      this.showBanner((err as Error).message);
    }
  }

  private onMessageSelected(id: number | undefined, notify = true): void {
    if (!this.detail) return;
    if (id === undefined) {
      this.detail.showEmpty('Click an arrow to see the message.');
      return;
    }
    const seq = ++this.messageRequest;
    this.streamRequest++; // a stream answer still on its way must not replace the message
    this.detail.showLoading(id);
    this.messenger
      .request('getMessage', { id })
      .then((d) => {
        if (seq === this.messageRequest) this.detail?.show(d);
      })
      .catch((err: unknown) => {
        if (seq === this.messageRequest) this.detail?.showError(`Could not load message ${id}: ${(err as Error).message}`);
      });
    if (notify) this.notifySelection();
  }

  private notifySelection(): void {
    this.messenger.notify({
      type: 'selection',
      callIndexes: this.list?.selection ?? [],
      messageId: this.ladder?.state.messageId,
      columns: this.ladder?.state.columns ?? 'endpoint',
    });
  }

  /** "Statistics": of the selected calls, else of the whole capture, in the detail pane. */
  private showStats(): void {
    const seq = ++this.messageRequest;
    this.streamRequest++;
    this.messenger
      .request('getStats', { callIndexes: this.list?.selection ?? [] })
      .then((r) => {
        if (seq === this.messageRequest) this.detail?.showStats(r.stats, r.scope);
      })
      .catch((err: unknown) => this.showBanner((err as Error).message));
  }

  /** "Play audio": the RTP streams drawn on the ladder of the selected calls, played in the detail pane. */
  private playSelectedAudio(): void {
    const streams = this.ladder?.streamIndexes ?? [];
    const calls = this.list?.selection ?? [];
    if (streams.length === 0) {
      this.showToast(calls.length === 1 ? 'This call has no RTP stream (found through SDP).' : 'The selected calls have no RTP stream (found through SDP).');
      return;
    }
    this.messageRequest++;
    this.streamRequest++;
    this.detail?.showCallAudio(streams.slice(0, MAX_AUDIO_STREAMS), calls.length === 1 ? `Audio of call ${calls[0]! + 1}` : `Audio of ${calls.length} calls`);
  }

  private async run(req: CommandRequest): Promise<void> {
    try {
      const res = await this.messenger.request('runCommand', req, { timeoutMs: 0 }); // dialogs wait for the user
      if (res.message) this.showToast(res.message);
    } catch (err) {
      this.showBanner((err as Error).message);
    }
  }

  private updateCommandButtons(): void {
    const none = (this.list?.selection.length ?? 0) === 0;
    for (const b of this.commandButtons) {
      if (none) b.setAttribute('disabled', '');
      else b.removeAttribute('disabled');
    }
  }

  private updateZoomLabel(): void {
    if (this.ladder) setText(this.zoomLabel, `${Math.round(this.ladder.zoomLevel * 100)}%`);
  }

  private showBanner(text: string): void {
    setText(this.banner, text);
    this.banner.hidden = false;
  }

  private showToast(text: string): void {
    setText(this.toast, text);
    this.toast.classList.add('visible');
    setTimeout(() => this.toast.classList.remove('visible'), 4000);
  }

  /** Persist the view state (coalesced to one setState per frame). */
  private saveState(): void {
    if (this.saveFrame) return;
    this.saveFrame = requestAnimationFrame(() => {
      this.saveFrame = 0;
      if (!this.list || !this.ladder) return;
      const l = this.list.state;
      const d = this.ladder.state;
      this.state = {
        v: 1,
        filter: l.filter,
        sort: l.sort,
        selected: l.selected,
        focus: l.focus,
        listScrollTop: l.scrollTop,
        columns: d.columns,
        time: d.time,
        zoom: d.zoom,
        ladderScrollTop: d.scrollTop,
        ladderScrollLeft: d.scrollLeft,
        messageId: d.messageId,
      };
      this.api.setState(this.state);
    });
  }
}
