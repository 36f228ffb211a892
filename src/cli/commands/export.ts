// `sipscope export FILE --format json [-o OUT]`: streams the export document (schema in README) to a file or stdout.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { exportCall, exportFinding, exportHeader, exportMessage, exportStream, exportVerdict, lintCapture, type CaptureModel } from '../../core/index';

async function write(out: Writable, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

/** Write the JSON export; messages are re-read one by one so memory stays flat for big captures. */
export async function writeExportJson(model: CaptureModel, outPath: string | undefined): Promise<void> {
  const out: Writable = outPath ? createWriteStream(outPath) : process.stdout;
  /** `"name": [` then one JSON item per line, written as produced (so memory stays flat), then `]`. */
  const array = async (name: string, count: number, item: (i: number) => unknown | Promise<unknown>, first = false): Promise<void> => {
    await write(out, `${first ? '' : '\n ],'}\n "${name}": [`);
    for (let i = 0; i < count; i++) await write(out, (i ? ',\n  ' : '\n  ') + JSON.stringify(await item(i)));
  };
  const header = JSON.stringify(exportHeader(model), null, 1);
  await write(out, header.slice(0, -2) + ',');
  await array('messages', model.messages.count, (id) => exportMessage(model, id), true);
  await array('calls', model.calls.length, (i) => exportCall(model.calls[i]!));
  await array('streams', model.streams.length, (i) => exportStream(model.streams[i]!));
  // Capture NAT findings (issue #5): declared vs observed addresses, per call verdicts, evidence frames.
  const nat = await lintCapture(model);
  await array('findings', nat.findings.length, (i) => exportFinding(nat.findings[i]!));
  await array('verdicts', nat.verdicts.length, (i) => exportVerdict(nat.verdicts[i]!, nat.findings));
  await write(out, '\n ],\n "problems": ' + JSON.stringify(model.problems) + '\n}\n');
  if (outPath) {
    out.end();
    await once(out, 'finish');
  }
}
