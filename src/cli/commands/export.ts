// `sipscope export FILE --format json [--call ID]... [--filter EXPR] [-o OUT]`: streams the export document (schema in
// README) to a file or stdout.
import { ChunkedWriter, withOutputFile } from '../format/chunked-writer';
import { callMessageIds, exportCall, exportEntry, exportHeader, exportOrder, exportStream, MessageBytesReader, type CaptureModel } from '../../core/index';
import { lintCaptureStream } from '../../core/rules/run-capture';
import { exportFindingsOf, type ExportedVerdict } from '../../core/rules/capture/export';

/**
 * Write the JSON export; messages are re-read in capture order through one window of the capture and the output
 * goes out in 1 MB writes, so memory stays flat for big captures. With `calls` (CallInfo indexes), only those calls,
 * their messages, streams, findings and verdicts (SIP quoted in ICMP errors belongs to no call: left out), and a
 * `selection` object {calls, messages} after the header; ids and indexes stay those of the whole capture.
 */
export async function writeExportJson(model: CaptureModel, outPath: string | undefined, calls?: ReadonlySet<number>): Promise<void> {
  if (outPath) await withOutputFile(outPath, (file) => writeExport(model, new ChunkedWriter(file), calls));
  else await writeExport(model, new ChunkedWriter(process.stdout), calls);
}

async function writeExport(model: CaptureModel, writer: ChunkedWriter, only: ReadonlySet<number> | undefined): Promise<void> {
  const write = (s: string): Promise<void> => writer.write(s);
  const reader = new MessageBytesReader(model);
  /** `"name": [` then one JSON item per line, written as produced (so memory stays flat), then `]`. */
  const array = async (name: string, items: Iterable<unknown> | AsyncIterable<unknown>, first = false): Promise<void> => {
    await write(`${first ? '' : '\n ],'}\n "${name}": [`);
    let i = 0;
    for await (const item of items) await write((i++ ? ',\n  ' : '\n  ') + JSON.stringify(item));
  };
  // Messages in capture order; SIP messages quoted in ICMP errors go in at their frame (after the messages of
  // earlier frames), as tshark lists them.
  const calls = only ? model.calls.filter((c) => only.has(c.index)) : model.calls;
  const order = only ? callMessageIds(calls) : exportOrder(model);
  const head: Record<string, unknown> = { ...exportHeader(model), ...(only ? { selection: { calls: only.size, messages: order.length } } : {}) };
  const header = JSON.stringify(head, null, 1);
  await write(header.slice(0, -2) + ',');
  await array('messages', (async function* () {
    for (const k of order) yield exportEntry(model, k, k >= 0 ? await reader.bytes(k) : undefined);
  })(), true);
  await array('calls', mapped(calls, exportCall));
  await array('streams', mapped(only ? model.streams.filter((st) => only.has(st.callIndex)) : model.streams, exportStream));
  // Capture NAT findings (issue #5): declared vs observed addresses, per call verdicts, evidence frames. Written a
  // batch of calls at a time as the lint goes; a verdict's findings are indexes into the whole findings array.
  const nat = await lintCaptureStream(model, undefined, { calls: only });
  const verdicts: ExportedVerdict[] = [];
  await array('findings', exportFindingsOf(nat.batches, verdicts));
  await array('verdicts', verdicts);
  await write('\n ],\n "problems": ' + JSON.stringify(model.problems) + '\n}\n');
  await writer.flush();
}

/** `f` of each item of `items`, made as it is read. */
function* mapped<T, U>(items: readonly T[], f: (x: T) => U): Generator<U> {
  for (const x of items) yield f(x);
}
