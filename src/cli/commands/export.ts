// `sipscope export FILE --format json [-o OUT]`: streams the export document (schema in README) to a file or stdout.
import { ChunkedWriter, withOutputFile } from '../format/chunked-writer';
import { exportCall, exportEntry, exportFinding, exportHeader, exportOrder, exportStream, exportVerdict, findingPositions, lintCapture, MessageBytesReader, type CaptureModel } from '../../core/index';

/**
 * Write the JSON export; messages are re-read in capture order through one window of the capture and the output
 * goes out in 1 MB writes, so memory stays flat for big captures.
 */
export async function writeExportJson(model: CaptureModel, outPath: string | undefined): Promise<void> {
  if (outPath) await withOutputFile(outPath, (file) => writeExport(model, new ChunkedWriter(file)));
  else await writeExport(model, new ChunkedWriter(process.stdout));
}

async function writeExport(model: CaptureModel, writer: ChunkedWriter): Promise<void> {
  const write = (s: string): Promise<void> => writer.write(s);
  const reader = new MessageBytesReader(model);
  /** `"name": [` then one JSON item per line, written as produced (so memory stays flat), then `]`. */
  const array = async (name: string, count: number, item: (i: number) => unknown | Promise<unknown>, first = false): Promise<void> => {
    await write(`${first ? '' : '\n ],'}\n "${name}": [`);
    for (let i = 0; i < count; i++) await write((i ? ',\n  ' : '\n  ') + JSON.stringify(await item(i)));
  };
  const header = JSON.stringify(exportHeader(model), null, 1);
  await write(header.slice(0, -2) + ',');
  // Messages in capture order; SIP messages quoted in ICMP errors go in at their frame (after the messages of
  // earlier frames), as tshark lists them.
  const order = exportOrder(model);
  await array('messages', order.length, async (i) => {
    const k = order[i]!;
    return exportEntry(model, k, k >= 0 ? await reader.bytes(k) : undefined);
  }, true);
  await array('calls', model.calls.length, (i) => exportCall(model.calls[i]!));
  await array('streams', model.streams.length, (i) => exportStream(model.streams[i]!));
  // Capture NAT findings (issue #5): declared vs observed addresses, per call verdicts, evidence frames.
  const nat = await lintCapture(model);
  await array('findings', nat.findings.length, (i) => exportFinding(nat.findings[i]!));
  const positions = findingPositions(nat.findings);
  await array('verdicts', nat.verdicts.length, (i) => exportVerdict(nat.verdicts[i]!, positions));
  await write('\n ],\n "problems": ' + JSON.stringify(model.problems) + '\n}\n');
  await writer.flush();
}
