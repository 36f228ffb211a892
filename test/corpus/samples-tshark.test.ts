// Every capture in samples/ (recorded by this project: SIPp, Kamailio, baresip, the NAT lab) agrees with tshark
// message by message: frame, addresses, ports, method/status, Call-ID, CSeq, tags, top-Via branch/received/rport,
// including the SIP that ICMP errors quote. A capture with its RSA key beside it (NAME.key) is decrypted by both.
// Skips (with a message) when tshark is not installed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportEntry, exportOrder, importCapture, memoryByteSource, type ExportedMessage } from '../../src/core/index';
import { ourRows, tshark, tsharkRows } from '../helpers/tshark-rows';

const SAMPLES = join(__dirname, '../../samples/captures');
const captures = ['', 'lab', 'tls'].flatMap((d) => readdirSync(join(SAMPLES, d)).filter((f) => /\.(pcap|pcapng)$/.test(f)).map((f) => join(d, f)));

describe.skipIf(!tshark)('sample captures agree with tshark', () => {
  it('finds the samples', () => expect(captures.length).toBeGreaterThan(40));
  for (const name of captures) {
    it(name, async () => {
      const file = join(SAMPLES, name);
      const keyFile = file.replace(/\.(pcap|pcapng)$/, '.key');
      const key = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined;
      const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(file))), { tls: key ? { rsaKeys: [key] } : undefined });
      const ours: ExportedMessage[] = [];
      for (const k of exportOrder(model)) ours.push(await exportEntry(model, k));
      const theirs = tsharkRows(file, key ? ['-o', `uat:rsa_keys:"${keyFile}",""`] : []);
      const a = ourRows(ours);
      expect(a.length, 'message count').toBe(theirs.length);
      for (let i = 0; i < theirs.length; i++) expect(a[i], `message ${i}, frame ${theirs[i]!.frame}`).toEqual(theirs[i]);
    }, 20_000);
  }
});

if (!tshark) {
  describe('sample captures agree with tshark', () => {
    it.skip('skipped: tshark is not installed (apt-get install tshark)', () => {});
  });
}
