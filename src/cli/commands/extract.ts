// `sipscope extract FILE [--call ID]... [--filter EXPR] -o OUT.pcap|OUT.pcapng [--no-rtp]`: the packets of some calls
// as a new capture (the CLI side of the capture editor's "Save Call as pcap…"): their SIP messages (TCP connections
// and IP fragments included) and, unless --no-rtp, their RTP streams with RTCP. The input capture is only read.
import { callMessageIds, LinkTypeMismatchError, selectPackets, streamSelectedPackets, type CaptureModel, type CallInfo, type StreamedCapture } from '../../core/index';
import { withNewOutputFile, writeAllBytes } from '../format/chunked-writer';
import { InputError } from '../load';
import { selectCalls } from './ladder';

/** Output container from the file name: `.pcapng` (or `.ntar`), else `.pcap` / `.cap`; undefined for anything else. */
export function extractFormatFor(out: string): 'pcap' | 'pcapng' | undefined {
  const ext = out.split('.').pop()?.toLowerCase();
  if (ext === 'pcapng' || ext === 'ntar') return 'pcapng';
  if (ext === 'pcap' || ext === 'cap') return 'pcap';
  return undefined;
}

export interface Extracted {
  written: StreamedCapture;
  calls: readonly CallInfo[];
  messages: number;
  streams: number;
}

/**
 * The records of `calls` (selectCalls), re-read from `model.source` and handed to `opts.write` as a capture in `format`,
 * a chunk at a time (streamSelectedPackets: memory stays at a few read chunks). `media`: also their RTP streams and
 * RTCP. Throws InputError when a classic pcap cannot hold the packets (several link types: part of the output is
 * written then).
 */
export async function extractCalls(
  model: CaptureModel,
  calls: readonly CallInfo[],
  opts: { format: 'pcap' | 'pcapng'; media: boolean; write: (bytes: Uint8Array) => Promise<void> },
): Promise<Extracted> {
  const messages = callMessageIds(calls).map((id) => model.messages.get(id));
  const wanted = new Set(calls.map((c) => c.index));
  const streams = opts.media ? model.streams.filter((st) => wanted.has(st.callIndex)) : [];
  try {
    const written = await streamSelectedPackets(model.source, selectPackets(messages, streams), { format: opts.format, interfaces: model.interfaces, write: opts.write });
    return { written, calls, messages: messages.length, streams: streams.length };
  } catch (e) {
    if (e instanceof LinkTypeMismatchError) throw new InputError(`${e.message}: write a .pcapng file`);
    throw e;
  }
}

/**
 * extractCalls of the calls `callIds` selects (exact Call-ID, row number of `sipscope calls`, or unique prefix; all
 * calls when none) that `opts.filter` accepts, into the new file `out` (opened with withOutputFile: a write failure is
 * an InputError naming it). Selectors and the filter are checked before the file is created (InputError when one
 * names no call or the filter leaves none); when the extraction fails after that, the file is removed if this call
 * created it (a file that existed before is never removed).
 */
export async function extractToFile(
  model: CaptureModel,
  out: string,
  callIds: readonly string[],
  opts: { format: 'pcap' | 'pcapng'; media: boolean; filter?: (c: CallInfo) => boolean },
): Promise<Extracted> {
  const calls = selectCalls(model, callIds, opts.filter);
  let r: Extracted | undefined;
  await withNewOutputFile(out, async (fh) => {
    r = await extractCalls(model, calls, { format: opts.format, media: opts.media, write: (b) => writeAllBytes(fh, b) });
  });
  return r!;
}
