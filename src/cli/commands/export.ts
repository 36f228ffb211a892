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
  const header = JSON.stringify(exportHeader(model), null, 1);
  await write(out, header.slice(0, -2) + ',\n "messages": [');
  for (let id = 0; id < model.messages.count; id++) {
    await write(out, (id ? ',\n  ' : '\n  ') + JSON.stringify(await exportMessage(model, id)));
  }
  await write(out, '\n ],\n "calls": [');
  for (const [i, c] of model.calls.entries()) await write(out, (i ? ',\n  ' : '\n  ') + JSON.stringify(exportCall(c)));
  await write(out, '\n ],\n "streams": [');
  for (const [i, st] of model.streams.entries()) await write(out, (i ? ',\n  ' : '\n  ') + JSON.stringify(exportStream(st)));
  // Capture NAT findings (issue #5): declared vs observed addresses, per call verdicts, evidence frames.
  const nat = await lintCapture(model);
  await write(out, '\n ],\n "findings": [');
  for (const [i, f] of nat.findings.entries()) await write(out, (i ? ',\n  ' : '\n  ') + JSON.stringify(exportFinding(f)));
  await write(out, '\n ],\n "verdicts": [');
  for (const [i, v] of nat.verdicts.entries()) await write(out, (i ? ',\n  ' : '\n  ') + JSON.stringify(exportVerdict(v, nat.findings)));
  await write(out, '\n ],\n "problems": ' + JSON.stringify(model.problems) + '\n}\n');
  if (outPath) {
    out.end();
    await once(out, 'finish');
  }
}
