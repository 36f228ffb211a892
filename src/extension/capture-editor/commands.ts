// The capture editor's commands, shared by the webview buttons (runCommand requests) and the command palette:
// open a message as a `sip` document, export the ladder, save a call's packets as a new capture, copy a tshark filter.
import { open as openFile, rm } from 'node:fs/promises';
import * as vscode from 'vscode';
import { audioChannelSummary, decodeUtf8, loadMessageBytes, MessageBytesReader, selectPackets, streamSelectedPackets, writeSelectedPackets } from '../../core/index';
import { unreachable } from '../../protocol/assert';
import { EXPORT_FORMATS, type CommandRequest, type CommandResult, type ExportFormat } from '../../protocol/webview';
import type { CaptureDocument } from './document';
import { openMessageDocument, type MessageDocuments } from './message-documents';
import { previousHop } from './session';
import { captureBaseName, encodePieces, EXPORT_FILE_TYPES, exportBaseName, ladderExportPieces, tsharkCallIdFilter } from './export-ladder';

/** Most messages whose text is embedded in an HTML export. */
const MAX_HTML_MESSAGES = 20_000;

/** Runs CommandRequests against a capture document. */
export class CaptureCommands {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly generator: string,
    /** Where message texts are shown (read-only documents). */
    private readonly docs: MessageDocuments,
  ) {}

  /** Run one command; user cancellation gives `{ done: false }`, failures reject with a readable message. */
  async run(doc: CaptureDocument, req: CommandRequest): Promise<CommandResult> {
    switch (req.command) {
      case 'openMessageAsText':
        return this.openMessageAsText(doc, req.messageId, req.line, req.column);
      case 'exportLadder':
        return this.exportLadder(doc, req.callIndexes, req.columns, req.format);
      case 'saveCallAsPcap':
        return this.saveCallAsPcap(doc, req.callIndexes);
      case 'copyTsharkFilter':
        return this.copyTsharkFilter(doc, req.callIndexes);
      case 'compareWithPreviousHop':
        return this.compareWithPreviousHop(doc, req.messageId);
      case 'saveStreamAudio':
        return this.saveStreamAudio(doc, req.streamIndexes);
      case 'saveCallAudio': {
        const streams = doc.session.audioStreamsOfCalls(req.callIndexes);
        if (streams.length === 0) return { done: false, message: 'The selected calls have no RTP stream.' };
        return this.saveStreamAudio(doc, streams);
      }
      default:
        return unreachable(req, 'command');
    }
  }

  /** The message as a read-only SIP document beside the editor; the cursor at `line`:`column` (1-based) when given. */
  private async openMessageAsText(doc: CaptureDocument, id: number, line?: number, column?: number): Promise<CommandResult> {
    const model = doc.session.current;
    if (!model || !Number.isInteger(id) || id < 0 || id >= model.messages.count) throw new Error(`no message ${id}`);
    const m = model.messages.get(id);
    const content = decodeUtf8(await loadMessageBytes(model, id));
    const text = await openMessageDocument(this.docs.uri(doc.session.fileName, m.frame, m.label, content));
    const at = Number.isInteger(line) && line! >= 1 ? new vscode.Position(line! - 1, Number.isInteger(column) && column! >= 1 ? column! - 1 : 0) : undefined;
    await vscode.window.showTextDocument(text, { preview: false, viewColumn: vscode.ViewColumn.Beside, ...(at ? { selection: new vscode.Range(at, at) } : {}) });
    return { done: true };
  }

  /**
   * A diff editor of the message on its previous hop (left) and this one (right): what a proxy or SBC changed (Via,
   * Record-Route, Contact, SDP addresses...). Both sides are read-only message documents (linted too).
   */
  private async compareWithPreviousHop(doc: CaptureDocument, id: number): Promise<CommandResult> {
    const model = doc.session.current;
    if (!model || !Number.isInteger(id) || id < 0 || id >= model.messages.count) throw new Error(`no message ${id}`);
    const m = model.messages.get(id);
    const call = model.calls[m.callIndex];
    const prev = call ? previousHop(m, call.messageIds.map((x) => model.messages.get(x))) : undefined;
    if (!prev) return { done: false, message: 'This message was not seen on a previous hop in the capture.' };
    const open = async (x: typeof m): Promise<vscode.Uri> =>
      (await openMessageDocument(this.docs.uri(doc.session.fileName, x.frame, x.label, decodeUtf8(await loadMessageBytes(model, x.id))))).uri;
    const hop = (x: typeof m): string => `${x.src}:${x.srcPort} → ${x.dst}:${x.dstPort}`;
    const [left, right] = [await open(prev), await open(m)];
    await vscode.commands.executeCommand('vscode.diff', left, right, `${m.label}: ${hop(prev)} ↔ ${hop(m)}`, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return { done: true };
  }

  private async exportLadder(
    doc: CaptureDocument,
    callIndexes: number[],
    columns: Parameters<CaptureDocument['session']['ladder']>[1],
    format: ExportFormat | undefined,
  ): Promise<CommandResult> {
    const model = doc.session.current;
    if (!model || callIndexes.length === 0) return { done: false, message: 'Select a call first.' };
    const chosen =
      format ??
      (
        await vscode.window.showQuickPick(
          EXPORT_FORMATS.map((f) => ({ label: EXPORT_FILE_TYPES[f].label, description: `.${EXPORT_FILE_TYPES[f].extension}`, format: f })),
          { title: 'Export ladder as', placeHolder: 'Format' },
        )
      )?.format;
    if (!chosen) return { done: false };
    const type = EXPORT_FILE_TYPES[chosen];
    const target = await this.askTarget(doc, `${exportBaseName(doc.session.fileName, callIndexes)}.${type.extension}`, { [type.label]: [type.extension] });
    if (!target) return { done: false };
    const ladder = await doc.session.ladder(callIndexes, columns);
    const messageText = new Map<number, string>();
    let audio: { wav: Uint8Array; caption: string } | undefined;
    if (chosen === 'html-audio') {
      const streams = doc.session.audioStreamsOfCalls(callIndexes);
      const r = streams.length > 0 ? await doc.session.streamAudio(streams) : undefined;
      if (r && r.wav.length > 0) audio = { wav: r.wav, caption: `${r.durationSec.toFixed(1)} s at ${r.sampleRate} Hz. ${audioChannelSummary(r.streams)}` };
      else void vscode.window.showWarningMessage(`No audio embedded: ${r?.streams.map((x) => x.reason).find((x) => x) ?? 'the selected calls have no RTP stream'}.`);
    }
    if (chosen === 'html' || chosen === 'html-audio') {
      // In capture order through one window of the capture (ladder rows are in capture order), not a read each.
      const reader = new MessageBytesReader(model);
      for (const row of ladder.rows.slice(0, MAX_HTML_MESSAGES)) {
        messageText.set(row.messageId, decodeUtf8(await reader.bytes(row.messageId)));
      }
    }
    const title = `${doc.session.fileName} — ${callIndexes.length === 1 ? `call ${callIndexes[0]! + 1}` : `${callIndexes.length} calls`}`;
    const bytes = encodePieces(ladderExportPieces(chosen, { ladder, title, calls: model.calls, messageText, generator: this.generator, audio }));
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`exported ${chosen} ladder of ${ladder.rows.length} messages to ${target.toString(true)}`);
    return { done: true, message: `Exported the ladder to ${basename(target)}` };
  }

  private async saveCallAsPcap(doc: CaptureDocument, callIndexes: number[]): Promise<CommandResult> {
    // The model's source: for a .pcap.gz it is the decompressed capture, which the record offsets refer to.
    const model = doc.session.current;
    const source = model?.source ?? doc.byteSource;
    const messages = doc.session.messagesOfCalls(callIndexes);
    if (!source || !model || messages.length === 0) return { done: false, message: 'Select a call first.' };
    const selection = selectPackets(messages, doc.session.streamsOfCalls(callIndexes));
    // Classic pcap when the capture has one link type (its interfaces say so before anything is read), else pcapng.
    const oneLinkType = new Set(model.interfaces.map((i) => i.linkType)).size <= 1;
    const proposed = oneLinkType ? 'pcap' : 'pcapng';
    const target = await this.askTarget(doc, `${exportBaseName(doc.session.fileName, callIndexes)}.${proposed}`, {
      [oneLinkType ? 'pcap capture' : 'pcapng capture']: [proposed],
    });
    if (!target) return { done: false };
    const format = /\.(pcapng|ntar)$/i.test(target.path) || !oneLinkType ? 'pcapng' : 'pcap';
    const title = 'SIPScope: saving the call’s SIP and RTP packets';
    let packets: number;
    if (target.scheme === 'file') {
      // A local file: written as the capture is read (streamSelectedPackets), so memory stays at a few chunks.
      packets = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, async () => {
        const fh = await openFile(target.fsPath, 'w');
        let done = false;
        try {
          const r = await streamSelectedPackets(source, selection, {
            format,
            interfaces: model.interfaces,
            write: async (b) => {
              for (let o = 0; o < b.length; ) o += (await fh.write(b, o, b.length - o)).bytesWritten;
            },
          });
          done = true;
          return r.packets;
        } finally {
          await fh.close().catch(() => undefined);
          if (!done) await rm(target.fsPath, { force: true }); // no half-written capture left behind
        }
      });
    } else {
      // Another file system (remote, virtual): one write of the whole capture.
      const written = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () =>
        writeSelectedPackets(source, selection, { pcapng: format === 'pcapng' }),
      );
      await vscode.workspace.fs.writeFile(target, written.bytes);
      packets = written.packets;
    }
    this.log.info(`saved ${packets} packets of ${callIndexes.length} call(s) as ${format} to ${target.toString(true)}`);
    return { done: true, message: `Saved ${packets} packets to ${basename(target)}` };
  }

  /** Decode RTP streams (one WAV channel each, aligned on capture time) and save them as a WAV file the user picks. */
  private async saveStreamAudio(doc: CaptureDocument, streamIndexes: number[]): Promise<CommandResult> {
    const model = doc.session.current;
    if (!model || !Array.isArray(streamIndexes) || streamIndexes.length === 0) return { done: false, message: 'Select an RTP stream first.' };
    const first = model.streams[streamIndexes[0]!];
    const base = first && first.callIndex >= 0 ? exportBaseName(doc.session.fileName, [first.callIndex]) : `${captureBaseName(doc.session.fileName)}-stream${(streamIndexes[0] ?? 0) + 1}`;
    const target = await this.askTarget(doc, `${base}.wav`, { 'WAV audio': ['wav'] });
    if (!target) return { done: false };
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SIPScope: decoding the RTP audio' }, () =>
      doc.session.streamAudio(streamIndexes),
    );
    if (r.wav.length === 0) return { done: false, message: `Nothing to save: ${r.streams.map((x) => x.reason).find((x) => x) ?? 'no stream could be decoded'}` };
    await vscode.workspace.fs.writeFile(target, r.wav);
    const channels = r.streams.filter((x) => x.channel > 0).length;
    this.log.info(`saved ${r.durationSec.toFixed(1)} s of audio (${channels} stream(s), ${r.sampleRate} Hz) to ${target.toString(true)}`);
    return { done: true, message: `Saved ${r.durationSec.toFixed(1)} s of audio (${channels} channel${channels === 1 ? '' : 's'}) to ${basename(target)}` };
  }

  private async copyTsharkFilter(doc: CaptureDocument, callIndexes: number[]): Promise<CommandResult> {
    const calls = doc.session.current?.calls ?? [];
    const ids = callIndexes.map((i) => calls[i]?.callId).filter((id): id is string => id !== undefined && id !== '');
    if (ids.length === 0) return { done: false, message: 'Select a call first.' };
    const filter = tsharkCallIdFilter(ids);
    await vscode.env.clipboard.writeText(filter);
    return { done: true, message: `Copied: ${filter}` };
  }

  /** Save dialog next to the capture; refuses the capture itself (the source is never overwritten). */
  private async askTarget(doc: CaptureDocument, fileName: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
    const defaultUri = vscode.Uri.joinPath(doc.uri, '..', fileName);
    const target = await vscode.window.showSaveDialog({ defaultUri, filters, saveLabel: 'Save' });
    if (!target) return undefined;
    if (sameResource(target, doc.uri)) {
      throw new Error('Refusing to overwrite the capture being viewed; choose another file name.');
    }
    return target;
  }
}

function sameResource(a: vscode.Uri, b: vscode.Uri): boolean {
  if (a.scheme === 'file' && b.scheme === 'file') {
    // Windows and macOS file systems are case-insensitive by default: compare conservatively.
    const fold = process.platform === 'win32' || process.platform === 'darwin';
    return fold ? a.fsPath.toLowerCase() === b.fsPath.toLowerCase() : a.fsPath === b.fsPath;
  }
  return a.toString() === b.toString();
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
