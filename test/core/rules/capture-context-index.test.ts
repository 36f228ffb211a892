// The capture rule context's per-call indexes (responsesTo by transaction, sightingsOf by logical message) give
// exactly what their definitions give by scanning the call: on every call of the samples, the NAT lab and the public
// corpus (when present), and on a generated capture whose one Call-ID carries 3000 OPTIONS transactions (the shape
// that made the scans quadratic: a UA reusing its Call-ID for every keep-alive or REGISTER refresh).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture } from '../../../src/core/capture/import-capture';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { DEFAULT_LINT_SETTINGS } from '../../../src/core/rules/types';
import { loadCaptureFacts, type CallFacts, type MessageFacts } from '../../../src/core/rules/capture/facts';
import { CaptureRuleContext, sightingsOf } from '../../../src/core/rules/capture/context';
import { NO_EVIDENCE } from '../../../src/core/rules/capture/evidence';
import { lintCapture } from '../../../src/core/rules/run-capture';
import { buildFrame, writePcap, type RawRecord } from '../../helpers/pcap-writer';

const DIRS = [join(__dirname, '../../../samples/captures'), join(__dirname, '../../../samples/captures/lab'), '/work/shared/corpus/captures'].filter(existsSync);

/** responsesTo as defined: the call's responses of the same transaction, top branch, Via count and CSeq number. */
function responsesByScan(call: CallFacts, q: MessageFacts): MessageFacts[] {
  const b = q.via?.branch ?? '';
  return call.msgs.filter((r) => r.kind === 'response' && r.txIndex === q.txIndex && (r.via?.branch ?? '') === b && r.viaCount === q.viaCount && r.cseqSeq === q.cseqSeq);
}

/** sightingsOf as defined: the first logical group holding the message, else the message alone. */
function sightingsByScan(call: CallFacts, m: MessageFacts): MessageFacts[] {
  return call.logical.find((l) => l.msgs.includes(m))?.msgs ?? [m];
}

async function checkCapture(bytes: Uint8Array): Promise<number> {
  const model = await importCapture(memoryByteSource(bytes));
  // Every call, same-host (loopback) ones included: the lookups do not depend on the addresses.
  const facts = await loadCaptureFacts(model, { calls: model.calls.map((c) => c.index) });
  const ctx = CaptureRuleContext.standalone(DEFAULT_LINT_SETTINGS, facts, [], NO_EVIDENCE);
  let checked = 0;
  for (const call of facts.calls) {
    for (const m of call.msgs) {
      expect(sightingsOf(call, m)).toEqual(sightingsByScan(call, m));
      if (m.kind !== 'request') continue;
      expect(ctx.responsesTo(call, m)).toEqual(responsesByScan(call, m));
      checked++;
    }
  }
  return checked;
}

/** One Call-ID, `n` OPTIONS transactions each answered 200 OK with its own To tag, from a UA behind NAT. */
function oneCallIdCapture(n: number): Uint8Array {
  const recs: RawRecord[] = [];
  let t = 1_700_000_000;
  const msg = (start: string, headers: string[]) => [start, ...headers, 'Content-Length: 0', '', ''].join('\r\n');
  for (let i = 0; i < n; i++) {
    const via = `Via: SIP/2.0/UDP 192.168.1.10:5060;rport;branch=z9hG4bK-o${i}`;
    const common = ['From: <sip:a@example.com>;tag=a1', 'Call-ID: reused-for-every-keepalive@192.168.1.10', `CSeq: ${i + 1} OPTIONS`];
    recs.push({ time: (t += 0.5), data: buildFrame({ src: '203.0.113.2', dst: '198.51.100.1', srcPort: 40213, dstPort: 5060, payload: msg('OPTIONS sip:proxy.example.com SIP/2.0', [via, 'To: <sip:proxy.example.com>', ...common, 'Contact: <sip:a@192.168.1.10:5060>', 'Max-Forwards: 70']) }) });
    recs.push({ time: (t += 0.01), data: buildFrame({ src: '198.51.100.1', dst: '203.0.113.2', srcPort: 5060, dstPort: 40213, payload: msg('SIP/2.0 200 OK', [`${via};received=203.0.113.2;rport=40213`.replace(';rport;', ';'), `To: <sip:proxy.example.com>;tag=p${i}`, ...common]) }) });
  }
  return writePcap(recs);
}

describe('capture rule context indexes', () => {
  for (const dir of DIRS) {
    it(dir, async () => {
      let checked = 0;
      for (const file of readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f))) checked += await checkCapture(new Uint8Array(readFileSync(join(dir, file))));
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('one Call-ID with 3000 transactions: the same lookups, and the NAT rules see every transaction', async () => {
    const bytes = oneCallIdCapture(3000);
    expect(await checkCapture(bytes)).toBe(3000);
    const model = await importCapture(memoryByteSource(bytes));
    expect(model.calls).toHaveLength(1);
    expect(model.transactions.count).toBe(3000);
    const r = await lintCapture(model, DEFAULT_LINT_SETTINGS);
    // The UA declares 192.168.1.10:5060 and is seen as 203.0.113.2:40213: the Via/source mismatch is found.
    expect(r.findings.map((f) => f.ruleId)).toContain('nat/via-source-mismatch');
  });
});
