// The import fast path (scanSipFacts) must give exactly the facts of the full parser (factsFromMessage), on every
// SIP message of the corpus captures and the project's samples, or decline (undefined).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PacketDecoder, ProblemCollector, memoryByteSource, parseSipMessage, readCapture, factsFromMessage } from '../../../src/core/index';
import { scanSipDatagram, scanSipFacts } from '../../../src/core/sip/fast-facts';
import { classifySipStart, frameSipDatagram, MAX_CONTENT_LENGTH, START_YES } from '../../../src/core/decode/sip-framing';
import { crlf } from '../../helpers/pcap-writer';
import { sipPayloads } from './helpers';

const enc = new TextEncoder();

/** Every SipFacts field except problemCount (the fast path reports none), with parties() resolved. */
function comparable(f: ReturnType<typeof factsFromMessage>) {
  return {
    kind: f.kind, method: f.method, statusCode: f.statusCode, reason: f.reason, callId: f.callId, cseqSeq: f.cseqSeq,
    cseqMethod: f.cseqMethod, fromTag: f.fromTag, toTag: f.toTag, viaBranch: f.viaBranch, viaSentBy: f.viaSentBy,
    hasSdp: f.hasSdp, ...f.parties(),
  };
}

/** UDP payloads of a capture that start with a SIP start line. */
async function sipDatagrams(file: string): Promise<Uint8Array[]> {
  const dec = new PacketDecoder(new ProblemCollector());
  const out: Uint8Array[] = [];
  await readCapture(memoryByteSource(readFileSync(file)), (r) =>
    dec.decode(r, (p) => {
      if (p.protocol === 17 && classifySipStart(p.payload, 0, p.payload.length, true) === START_YES) out.push(p.payload.slice());
    }),
  );
  return out;
}

/**
 * scanSipDatagram frames exactly as frameSipDatagram (only where that reports nothing) and scans exactly as
 * scanSipFacts over the framed message.
 */
function checkDatagram(d: Uint8Array, max = MAX_CONTENT_LENGTH): 'fast' | 'fallback' {
  const pre = scanSipDatagram(d, 0, d.length, max);
  if (!pre) return 'fallback';
  const r = frameSipDatagram(d, 0, d.length, { maxContentLength: max });
  expect(r.notes).toBeUndefined();
  expect(r.truncated).toBe(false);
  expect(pre.messageEnd).toBe(r.end);
  expect(comparable(pre)).toEqual(comparable(scanSipFacts(d.subarray(0, r.end))!));
  return 'fast';
}

function check(bytes: Uint8Array): 'fast' | 'fallback' {
  const fast = scanSipFacts(bytes);
  if (!fast) return 'fallback';
  const full = factsFromMessage(parseSipMessage(bytes).message, 0);
  expect(comparable(fast)).toEqual(comparable(full));
  return 'fast';
}

const dirs = [join(__dirname, '../../../samples/captures'), join(__dirname, '../../../samples/captures/lab'), join(__dirname, '../../../../shared/corpus/captures')].filter(existsSync);

describe('scanSipFacts agrees with the full parser', () => {
  it('on inline messages', () => {
    const invite = crlf(`INVITE sip:bob@b.example SIP/2.0
Via: SIP/2.0/UDP [2001:DB8::1]:5060;rport;branch=z9hG4bK-1
v: SIP/2.0/TCP other.example;branch=z9hG4bK-2
Max-Forwards: 70
f: "Alice A" <sip:alice@a.example>;tag=abc
To: sip:bob@b.example
i: call-1@a.example
CSeq: 7 INVITE
c: Application/SDP
l: 4

v=0
`);
    expect(check(enc.encode(invite))).toBe('fast');
    const f = scanSipFacts(enc.encode(invite))!;
    expect(f).toMatchObject({ kind: 'request', method: 'INVITE', callId: 'call-1@a.example', cseqSeq: 7, fromTag: 'abc', toTag: undefined, viaBranch: 'z9hG4bK-1', viaSentBy: '2001:db8::1:5060', hasSdp: true });
    expect(f.parties()).toEqual({ fromUri: 'sip:alice@a.example', toUri: 'sip:bob@b.example', fromDisplay: 'Alice A', toDisplay: undefined });
    const resp = crlf(`SIP/2.0 180 Ringing
Via: SIP/2.0/UDP a.example:5060;branch=z9hG4bK-1;received=192.0.2.1
From: <sip:alice@a.example>;tag=abc
To: Bob <sip:bob@b.example>;tag=xyz
Call-ID: call-1@a.example
CSeq: 7 INVITE
Content-Length: 0

`);
    expect(check(enc.encode(resp))).toBe('fast');
    expect(scanSipFacts(enc.encode(resp))).toMatchObject({ kind: 'response', statusCode: 180, reason: 'Ringing', toTag: 'xyz', viaSentBy: 'a.example:5060' });
  });
  it('declines what it does not handle (folding, escaped display names, multipart)', () => {
    const folded = crlf(`OPTIONS sip:b.example SIP/2.0
Via: SIP/2.0/UDP a.example
 ;branch=z9hG4bK-1
Call-ID: x

`);
    expect(scanSipFacts(enc.encode(folded))).toBeUndefined();
    const escaped = crlf(`OPTIONS sip:b.example SIP/2.0
From: "A \\"B\\"" <sip:a@a.example>;tag=1
Call-ID: x

`);
    expect(scanSipFacts(enc.encode(escaped))).toBeUndefined();
    expect(scanSipFacts(enc.encode('garbage'))).toBeUndefined();
    // A header line without a colon, and a header section with no empty line, go to the full parser.
    expect(scanSipFacts(enc.encode('OPTIONS sip:b.example SIP/2.0\r\nCall-ID x\r\n\r\n'))).toBeUndefined();
    expect(scanSipFacts(enc.encode('OPTIONS sip:b.example SIP/2.0\r\nCall-ID: x\r\n'))).toBeUndefined();
    // LF-only line ends (RFC 3261 §7 asks for CRLF; tolerated) end the header section at a bare LF line.
    expect(scanSipFacts(enc.encode('OPTIONS sip:b.example SIP/2.0\nCall-ID: x\n\nbody'))).toMatchObject({ method: 'OPTIONS', callId: 'x' });
    expect(scanSipFacts(new Uint8Array(0))).toBeUndefined();
  });
  it('frames datagrams in the same pass, and leaves to frameSipDatagram everything it would report', () => {
    const msg = (cl: string, body = '', extra = '') =>
      enc.encode(crlf(`MESSAGE sip:b@b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK-d\nCall-ID: d1\nCSeq: 1 MESSAGE\n${cl}\n\n`) + body + extra);
    expect(checkDatagram(msg('Content-Length: 5', 'hello'))).toBe('fast');
    const trailing = msg('Content-Length: 5', 'hello', '\r\nTRAILING');
    expect(checkDatagram(trailing)).toBe('fast'); // ends at Content-Length; the trailing bytes stay the caller's
    expect(checkDatagram(msg('', 'no length: body to the end'))).toBe('fast');
    expect(checkDatagram(msg('l: 0'))).toBe('fast');
    expect(checkDatagram(msg('Content-Length: 50', 'short'))).toBe('fallback'); // framing reports the truncation
    expect(checkDatagram(msg('Content-Length: 5\r\nContent-Length: 5', 'hello'))).toBe('fallback'); // several values
    expect(checkDatagram(msg('Content-Length: 5', 'hello'), 4)).toBe('fallback'); // over the limit: reported
    expect(checkDatagram(enc.encode('INVITE sip:b@b.example SIP/2.0\r\nCall-ID: x\r\n'))).toBe('fallback'); // no empty line
  });
  const datagrams = { fast: 0, fallback: 0 };
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f))) {
      it(`datagrams of ${dir.split('/').slice(-2).join('/')}/${file}`, async () => {
        for (const d of await sipDatagrams(join(dir, file))) datagrams[checkDatagram(d)]++;
      });
    }
  }
  it('frames the bulk of real datagrams in the same pass', () => {
    expect(datagrams.fast + datagrams.fallback).toBeGreaterThan(100);
    expect(datagrams.fast / (datagrams.fast + datagrams.fallback)).toBeGreaterThan(0.8);
  });
  const tally = { fast: 0, fallback: 0 };
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f))) {
      it(`${dir.split('/').slice(-2).join('/')}/${file}`, async () => {
        const msgs = await sipPayloads(join(dir, file));
        for (const m of msgs) tally[check(m)]++;
      });
    }
  }
  it('takes the fast path for the bulk of real messages (else it is not a fast path)', () => {
    expect(tally.fast + tally.fallback).toBeGreaterThan(100);
    expect(tally.fast / (tally.fast + tally.fallback)).toBeGreaterThan(0.8);
  });
});
