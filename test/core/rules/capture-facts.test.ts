// Capture NAT facts: the fast line scan (rules/capture/scan-message.ts) gives the same facts as the full parser on
// every SIP message of the samples, the NAT lab and the public corpus (when present); odd messages fall back.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture, loadMessageBytes } from '../../../src/core/capture/import-capture';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { fullMessageFacts, messageFacts, type MessageFacts } from '../../../src/core/rules/capture/facts';
import { scanMessageFacts } from '../../../src/core/rules/capture/scan-message';

const DIRS = [join(__dirname, '../../../samples/captures'), join(__dirname, '../../../samples/captures/lab'), '/work/shared/corpus/captures'].filter(existsSync);

/** Facts without the fields only one path fills the same way by construction. */
function comparable(f: MessageFacts): unknown {
  const { sdp, ...rest } = f;
  return { ...rest, sdp: sdp === undefined ? undefined : { ...sdp, body: undefined } };
}

describe('capture facts: fast scan == full parser', () => {
  for (const dir of DIRS) {
    it(dir, async () => {
      let fast = 0;
      let total = 0;
      for (const file of readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f))) {
        const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(join(dir, file)))));
        for (let id = 0; id < model.messages.count; id++) {
          const info = model.messages.get(id);
          const bytes = await loadMessageBytes(model, id);
          const full = fullMessageFacts(info, bytes);
          const probe = fullMessageFacts(info, new Uint8Array(0));
          const scanned = { ...probe, digest: full.digest, length: full.length };
          total++;
          if (scanMessageFacts(scanned, bytes, info.hasSdp, false)) {
            fast++;
            expect(comparable(scanned), `${file} message ${id} (frame ${info.frame})`).toEqual(comparable(full));
          }
          expect(comparable(messageFacts(info, bytes))).toEqual(comparable(full));
        }
      }
      expect(fast / Math.max(1, total)).toBeGreaterThan(0.9);
    });
  }

  it('folded header lines and multipart bodies take the full parser', () => {
    const info = { id: 0, frame: 1, firstFrame: 1, timeSec: 0, timeNsec: 0, ipVersion: 4, src: '203.0.113.2', srcPort: 5060, dst: '192.0.2.10', dstPort: 5060, transport: 'UDP', kind: 'request', method: 'OPTIONS', statusCode: undefined, reason: undefined, cseqSeq: 1, cseqMethod: 'OPTIONS', label: 'OPTIONS', hasSdp: false, retransmission: false, truncated: false, problemCount: 0, callIndex: 0, transactionIndex: 0, dialogIndex: 0 } as const;
    const folded = new TextEncoder().encode('OPTIONS sip:x@example.net SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.1.10:5060\r\n ;branch=z9hG4bK-1;rport\r\nCall-ID: a\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
    const probe = fullMessageFacts(info, new Uint8Array(0));
    expect(scanMessageFacts(probe, folded, false, false)).toBe(false);
    const f = messageFacts(info, folded);
    expect(f.via?.host).toBe('192.168.1.10');
    expect(f.via?.rportPresent).toBe(true);
  });
});
