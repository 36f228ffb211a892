// The RFC 4475 / RFC 5118 torture messages and the sip2json texts of ../shared/corpus/sip-messages (read in place),
// each sent as one UDP datagram, agree with tshark message by message: which ones are SIP messages at all, frame,
// addresses, method/status, Call-ID, CSeq (tshark caps an overlarge CSeq at 4294967295; so does SIPScope), tags and
// top-Via branch/received/rport. One known difference, where tshark is wrong (see KNOWN). Skips with a message when
// tshark or the corpus is absent.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportMessage, importCapture, memoryByteSource } from '../../src/core/index';
import { ethernetFrame, ipv4Packet, l4Segment, writePcap, type RawRecord } from '../helpers/pcap-writer';
import { ourRows, tshark, tsharkRows, type Row } from '../helpers/tshark-rows';
import { testTempDir } from '../helpers/temp-dir';

const MESSAGES = join(__dirname, '../../../shared/corpus/sip-messages');
const present = existsSync(MESSAGES);

/**
 * wsinv.dat (RFC 4475 §3.1.1.2) writes `TO :`, `from   :` and `Via  :` with whitespace before the colon, which
 * RFC 3261 §25.1 allows (HCOLON = *( SP / HTAB ) ":" SWS). tshark 4.0 does not recognise such header names, so it has
 * no From/To tag and takes its top Via from the later compact `v:` header; SIPScope reads them as the RFC says.
 */
const KNOWN: Record<string, (keyof Row)[]> = { 'wsinv.dat': ['from_tag', 'to_tag', 'via_branch'] };

describe.skipIf(!tshark || !present)('torture messages over UDP agree with tshark', () => {
  it('every message', async () => {
    const files = ['rfc4475', 'rfc5118', 'sip2json'].flatMap((d) =>
      readdirSync(join(MESSAGES, d)).filter((f) => /\.(dat|sip)$/.test(f)).sort().map((f) => join(d, f)),
    );
    expect(files.length).toBeGreaterThan(40);
    const records: RawRecord[] = files.map((f, i) => ({
      time: 1_700_000_000 + i * 0.01,
      data: ethernetFrame(ipv4Packet('10.0.0.1', '10.0.0.2', 17, l4Segment({ protocol: 'udp', srcPort: 5060, dstPort: 5060, payload: new Uint8Array(readFileSync(join(MESSAGES, f))) }))),
    }));
    const file = join(testTempDir('sipscope-torture-'), 'torture.pcap');
    const bytes = writePcap(records);
    writeFileSync(file, bytes);
    const model = await importCapture(memoryByteSource(bytes));
    const ours = [];
    for (let id = 0; id < model.messages.count; id++) ours.push(await exportMessage(model, id));
    const a = ourRows(ours);
    const b = tsharkRows(file);
    expect(a.map((r) => r.frame), 'the same datagrams are SIP messages').toEqual(b.map((r) => r.frame));
    for (let i = 0; i < b.length; i++) {
      const name = files[b[i]!.frame - 1]!.split('/')[1]!;
      const x: Partial<Row> = { ...a[i] };
      const y: Partial<Row> = { ...b[i] };
      for (const k of KNOWN[name] ?? []) delete x[k], delete y[k];
      expect(x, name).toEqual(y);
    }
  });
});

if (!tshark || !present) {
  describe('torture messages over UDP agree with tshark', () => {
    it.skip(`skipped: ${!tshark ? 'tshark is not installed' : `${MESSAGES} not found`}`, () => {});
  });
}
