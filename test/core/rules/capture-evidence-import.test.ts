// NAT evidence collected during the import (ImportOptions.natEvidence: ICMP from the packet decoder, keep-alives from
// the transport assembler) equals what the separate evidence pass over the capture finds, and the NAT lint gives the
// same findings and verdicts either way. Also: the column-based call partition equals the MessageInfo-based one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture } from '../../../src/core/capture/import-capture';
import { memoryByteSource } from '../../../src/core/bytes/byte-source';
import { scanEvidence } from '../../../src/core/rules/capture/evidence';
import { partitionCalls } from '../../../src/core/rules/capture/facts';
import { lintCapture } from '../../../src/core/rules/run-capture';
import { DEFAULT_LINT_SETTINGS } from '../../../src/core/rules/types';
import { PacketDecoder } from '../../../src/core/decode/packet-decoder';
import { TransportAssembler } from '../../../src/core/decode/transport-assembler';
import { ProblemCollector } from '../../../src/core/capture/problems';

const DIRS = [join(__dirname, '../../../samples/captures'), join(__dirname, '../../../samples/captures/lab')].filter(existsSync);
const FILES = DIRS.flatMap((d) => readdirSync(d).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(d, f)));

describe('NAT evidence collected during the import', () => {
  it('equals the evidence pass over the capture, and the lint result is the same', async () => {
    let icmp = 0;
    let keepAlives = 0;
    for (const file of FILES) {
      const bytes = new Uint8Array(readFileSync(file));
      const model = await importCapture(memoryByteSource(bytes));
      expect(model.evidence, file).toBeDefined();
      const scanned = await scanEvidence(memoryByteSource(bytes), { keepAlives: true });
      expect(model.evidence!.icmp, file).toEqual(scanned.icmp);
      expect(model.evidence!.keepAlives, file).toEqual(scanned.keepAlives);
      expect(model.evidence!.lastTime, file).toBeCloseTo(scanned.lastTime, 6);
      icmp += scanned.icmp.length;
      keepAlives += scanned.keepAlives.length;
      const fromImport = await lintCapture(model, DEFAULT_LINT_SETTINGS);
      const fromScan = await lintCapture({ ...model, evidence: undefined }, DEFAULT_LINT_SETTINGS);
      expect(fromImport.findings, file).toEqual(fromScan.findings);
      expect(fromImport.verdicts, file).toEqual(fromScan.verdicts);
    }
    // The lab has ICMP port-unreachable answers to lost replies: the comparison above is not vacuous.
    expect(icmp).toBeGreaterThan(0);
    expect(keepAlives).toBeGreaterThanOrEqual(0);
  });

  it('is pay-for-what-you-use: a plain import (rtp: false) collects none', async () => {
    const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(FILES[0]!))), { rtp: false });
    expect(model.evidence).toBeUndefined();
    const forced = await importCapture(memoryByteSource(new Uint8Array(readFileSync(FILES[0]!))), { rtp: false, natEvidence: true });
    expect(forced.evidence?.scanned).toBe(true);
  });

  it('PacketDecoder hands ICMP/ICMPv6 to onIcmp only (with the reporter address), TransportAssembler CRLF datagrams to onKeepAlive', () => {
    const problems = new ProblemCollector();
    const seen: [number, number, string][] = [];
    const dec = new PacketDecoder(problems, { onIcmp: (v, d, s, e, rep) => seen.push([v, d[s]!, [...rep].join('.')]) });
    // Raw IPv4 (link type 101): 192.0.2.1 -> 198.51.100.7, ICMP type 3 code 3 + 28 bytes of quoted header.
    const ip = new Uint8Array(20 + 8 + 28);
    ip.set([0x45, 0, 0, ip.length, 0, 0, 0, 0, 64, 1, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7]);
    ip.set([3, 3, 0, 0, 0, 0, 0, 0], 20);
    ip.set([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17, 0, 0, 198, 51, 100, 7, 192, 0, 2, 1, 0x13, 0xc4, 0x9c, 0x40], 28);
    const rec = { frame: 1, timeSec: 1, timeNsec: 0, linkType: 101, data: ip, fileOffset: 0, originalLength: ip.length, interfaceId: 0 };
    const packets: number[] = [];
    dec.decode(rec as never, (p) => packets.push(p.protocol));
    expect(seen).toEqual([[4, 3, '192.0.2.1']]);
    expect(packets).toEqual([]);
    // Without the option the decoder stays as it was: no callback, nothing emitted.
    new PacketDecoder(problems).decode(rec as never, (p) => packets.push(p.protocol));
    expect(packets).toEqual([]);

    const kas: number[] = [];
    const asm = new TransportAssembler(problems, { onKeepAlive: (p) => kas.push(p.payloadEnd - p.payloadStart) });
    const crlf = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);
    const pkt = { frame: 2, timeSec: 1, timeNsec: 0, ipVersion: 4, srcIp: new Uint8Array([10, 0, 0, 1]), dstIp: new Uint8Array([10, 0, 0, 2]), protocol: 17, srcPort: 5060, dstPort: 5060, buf: crlf, payloadStart: 0, payloadEnd: 4, payload: crlf, payloadFileOffset: -1, tcpSeq: 0, tcpAck: 0, tcpFlags: 0, sctpStream: 0, sctpPpid: 0 };
    asm.push(pkt as never, () => {});
    expect(kas).toEqual([4]);
    expect(asm.stats.keepAlives).toBe(1);
  });
});

describe('call partition for the NAT lint', () => {
  it('reads the message store columns and agrees with the MessageInfo path', async () => {
    for (const file of FILES) {
      const model = await importCapture(memoryByteSource(new Uint8Array(readFileSync(file))));
      const m = model.messages;
      const generic = { ...model, messages: { count: m.count, get: (id: number) => m.get(id), location: (id: number) => m.location(id) } };
      expect(partitionCalls(model), file).toEqual(partitionCalls(generic));
    }
  });
});
