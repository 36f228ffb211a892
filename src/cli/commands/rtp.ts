// `sipscope rtp FILE [--json] [--heuristic]`: the RTP streams of a capture as a table like tshark's `-z rtp,streams`
// (or JSON); with `--stream N --packets`, one stream packet by packet as Wireshark's RTP Stream Analysis.
// --heuristic is an import option (ImportOptions.rtpHeuristic), applied by main.ts when loading.
import { exportStream, formatSsrc, SERIES_MARKER, seriesRowStatus, streamSeries, type CaptureModel, type RtpStreamInfo, type StreamSeries } from '../../core/index';
import { formatTime, tableLines } from '../format/table';

export interface RenderRtpOptions {
  /** JSON document `{ "streams": [ExportedStream...] }` instead of the table. */
  json?: boolean;
  /** Only the streams of these calls (CallInfo.index; unsignalled streams belong to none). Default: every stream. */
  calls?: ReadonlySet<number>;
}

const HEADER = [
  '#', 'Call', 'Start (UTC)', 'Dur(s)', 'Src IP addr', 'Port', 'Dest IP addr', 'Port', 'SSRC', 'Payload', 'Pkts', 'Lost',
  'Max Delta(ms)', 'Max Jitter(ms)', 'Mean Jitter(ms)', 'Problems?',
];
/** Right-aligned columns (numbers). */
const RIGHT = new Set([0, 1, 3, 5, 7, 10, 11, 12, 13, 14]);

function lostText(s: RtpStreamInfo): string {
  return `${s.lost} (${s.lostPercent.toFixed(1)}%)`;
}

function row(s: RtpStreamInfo): string[] {
  const payload = s.codecs.join(', ') + (s.events.count > 0 ? ` [events ${s.events.digits}]` : '');
  return [
    String(s.index + 1),
    s.callIndex >= 0 ? String(s.callIndex + 1) : '-',
    formatTime(s.startSec, s.startNsec),
    s.durationSec.toFixed(1),
    s.src,
    String(s.srcPort),
    s.dst,
    String(s.dstPort),
    formatSsrc(s.ssrc),
    payload,
    String(s.packets),
    lostText(s),
    s.maxDeltaMs.toFixed(3),
    s.maxJitterMs.toFixed(3),
    s.meanJitterMs.toFixed(3),
    s.problem ? 'X' : '',
  ];
}

/** Summary line of `streams` (default: the model's): `N RTP streams (S signalled, H heuristic), P packets, L lost`. */
export function rtpSummaryLine(model: CaptureModel, streams: readonly RtpStreamInfo[] = model.streams): string {
  const h = streams.filter((s) => s.detection === 'heuristic').length;
  const packets = streams.reduce((n, s) => n + s.packets, 0);
  const lost = streams.reduce((n, s) => n + Math.max(0, s.lost), 0);
  return `${streams.length} RTP streams (${streams.length - h} signalled, ${h} heuristic), ${packets} packets, ${lost} lost`;
}

/**
 * Text (default) or JSON output of `sipscope rtp`. Text: one row per stream — call number as in `sipscope calls`
 * ('-' for unsignalled streams), start time, duration, addresses, SSRC, payload names (RFC 4733 digits appended),
 * packets, lost (RFC 3550 A.3; negative = duplicates), max delta, max and mean jitter in ms, tshark's problem flag —
 * then the summary line. JSON: `{ "streams": [...] }` with the fields of exportStream (core/export/export-json.ts).
 * With `calls`, only those calls' streams (numbered as in the whole capture) and their summary.
 */
export function renderRtp(model: CaptureModel, opts: RenderRtpOptions = {}): string {
  return [...rtpOutput(model, opts)].join('');
}

/** renderRtp in pieces, so a capture's 70 000 streams are never held as one text (main.ts writes them as they come). */
export function* rtpOutput(model: CaptureModel, opts: RenderRtpOptions = {}): Generator<string> {
  const calls = opts.calls;
  const streams = calls ? model.streams.filter((s) => calls.has(s.callIndex)) : model.streams;
  if (opts.json) {
    // The same text as JSON.stringify({ streams }, null, 1), one stream at a time.
    if (streams.length === 0) {
      yield '{\n "streams": []\n}';
      return;
    }
    yield '{\n "streams": [';
    for (let i = 0; i < streams.length; i++) {
      const item = JSON.stringify(exportStream(streams[i]!), null, 1).replace(/\n/g, '\n  ');
      yield `${i ? ',' : ''}\n  ${item}`;
    }
    yield '\n ]\n}';
    return;
  }
  if (streams.length === 0) {
    yield `(no RTP streams)\n${rtpSummaryLine(model, streams)}`;
    return;
  }
  for (const line of tableLines(HEADER, streams.length, (i) => row(streams[i]!), { right: RIGHT })) yield line + '\n';
  yield '\n' + rtpSummaryLine(model, streams);
}

const PACKET_HEADER = ['Frame', 'Seq', 'Time(s)', 'Delta(ms)', 'Jitter(ms)', 'Status'];
const PACKET_RIGHT = new Set([0, 1, 2, 3, 4]);

/**
 * `sipscope rtp FILE --stream N --packets`: the packets of `stream` (re-read from the capture, core streamSeries) as
 * Wireshark's RTP Stream Analysis: frame, sequence number, arrival time in s from the stream's first packet, delta and
 * interarrival jitter (RFC 3550 §6.4.1) in ms, status (`ok`, `marker`, `wrong sequence (n lost)`, `duplicate`, ...),
 * then a summary line whose maxima are the stream's (`sipscope rtp`). JSON: `{ stream, ssrc_hex, packets,
 * max_delta_ms, max_jitter_ms, missing_packets, rows: [{ frame, seq, offset_sec, delta_ms, jitter_ms, marker, status }] }`.
 * Rejects only when the capture cannot be read again.
 */
export async function rtpPacketsOutput(model: CaptureModel, stream: RtpStreamInfo, opts: { json?: boolean } = {}): Promise<Iterable<string>> {
  const series = await streamSeries(model, model.source, stream);
  return opts.json ? packetsJson(stream, series) : packetsText(stream, series);
}

function* packetsText(stream: RtpStreamInfo, series: StreamSeries): Generator<string> {
  const r = series.rows;
  if (r.count === 0) {
    yield `(no packets found for stream ${stream.index + 1})\n`;
    return;
  }
  const cells = (i: number): string[] => [
    String(r.frame[i]),
    String(r.seq[i]),
    r.offsetSec[i]!.toFixed(6),
    r.deltaMs[i]!.toFixed(3),
    r.jitterMs[i]!.toFixed(3),
    seriesRowStatus(r.flags[i]!, r.missing[i]!),
  ];
  for (const line of tableLines(PACKET_HEADER, r.count, cells, { right: PACKET_RIGHT })) yield line + '\n';
  yield `\nstream ${stream.index + 1} ${formatSsrc(stream.ssrc)}: ${series.packets} packets, max delta ${series.maxDeltaMs.toFixed(3)} ms (frame ${series.maxDeltaFrame}), max jitter ${series.maxJitterMs.toFixed(3)} ms, ${series.missingPackets} missing in sequence gaps${series.truncated ? ' (rows cut)' : ''}\n`;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function* packetsJson(stream: RtpStreamInfo, series: StreamSeries): Generator<string> {
  const head = {
    stream: stream.index + 1,
    ssrc_hex: formatSsrc(stream.ssrc),
    packets: series.packets,
    max_delta_ms: round(series.maxDeltaMs, 3),
    max_delta_frame: series.maxDeltaFrame,
    max_jitter_ms: round(series.maxJitterMs, 3),
    missing_packets: series.missingPackets,
    truncated: series.truncated,
  };
  yield JSON.stringify(head, null, 1).replace(/\n}$/, ',\n "rows": [');
  const r = series.rows;
  for (let i = 0; i < r.count; i++) {
    const f = r.flags[i]!;
    const row = {
      frame: r.frame[i],
      seq: r.seq[i],
      offset_sec: round(r.offsetSec[i]!, 9),
      delta_ms: round(r.deltaMs[i]!, 3),
      jitter_ms: round(r.jitterMs[i]!, 3),
      marker: (f & SERIES_MARKER) !== 0,
      status: seriesRowStatus(f, r.missing[i]!),
    };
    yield `${i ? ',' : ''}\n  ${JSON.stringify(row)}`;
  }
  yield r.count ? '\n ]\n}\n' : ']\n}\n';
}