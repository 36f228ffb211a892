// TLS in the transport assembler: a connection that starts with TLS records is decrypted with the given secrets and
// its plaintext framed like TCP (transport TLS) on any port; decrypted bytes that are not SIP (HTTPS) stop the
// decryption of that direction; without secrets the connection is reported once and ignored.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCapture, memoryByteSource } from '../../../src/core/index';
import { TlsConnection } from '../../../src/core/tls/connection';
import { writePcap } from '../../helpers/pcap-writer';
import { sessionRecords, sipConversation, TlsLab, type Session } from '../tls/tls-harness';

let lab: TlsLab;
let sip: Session;
let https: Session;
const BODY = 400 * 1024;

beforeAll(async () => {
  lab = await TlsLab.start({});
  sip = await lab.connect({ minVersion: 'TLSv1.3' }, sipConversation('assembler-tls-1'));
  const get = Buffer.from('GET /big HTTP/1.1\r\nHost: example.com\r\n\r\n');
  const response = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY}\r\n\r\n`), Buffer.alloc(BODY, 0x61)]);
  https = await lab.connect({ minVersion: 'TLSv1.3' }, [
    { from: 'client', writes: [get] },
    { from: 'server', writes: [response] },
  ]);
}, 30_000);
afterAll(async () => {
  await lab?.close();
});

describe('TLS in the transport assembler', () => {
  it('decrypts SIP over TLS on a port that is not 5061, with the frame that completed each message', async () => {
    const model = await importCapture(memoryByteSource(writePcap(sessionRecords(7, sip, 8443))), { tls: { keyLogs: [sip.keylog] } });
    expect(model.messages.count).toBe(9);
    const frames: number[] = [];
    for (let id = 0; id < model.messages.count; id++) {
      const m = model.messages.get(id);
      expect(m.transport).toBe('TLS');
      expect(m.dstPort === 8443 || m.srcPort === 8443).toBe(true);
      frames.push(m.frame);
    }
    expect([...frames].sort((a, b) => a - b)).toEqual(frames);
    expect(model.calls.length).toBe(1);
  });

  it('stops decrypting a direction whose plaintext is not SIP (HTTPS)', async () => {
    const push = vi.spyOn(TlsConnection.prototype, 'push');
    try {
      const records = sessionRecords(8, https, 443);
      const model = await importCapture(memoryByteSource(writePcap(records)), { tls: { keyLogs: [https.keylog] } });
      expect(model.messages.count).toBe(0);
      // The server's 400 KiB come in 25+ TLS records over hundreds of segments; once 256 KiB of plaintext were
      // probed without a SIP start line, no more segments of that direction reach the TLS connection.
      const fromServer = (d: Uint8Array) => ((d[34]! << 8) | d[35]!) === 443;
      const tcpPayload = (d: Uint8Array) => ((d[16]! << 8) | d[17]!) - 20 - ((d[46]! >> 4) * 4);
      const serverSegments = records.filter((r) => fromServer(r.data) && tcpPayload(r.data) > 0).length;
      // The server's side is the one pushed most (the client sends one GET).
      const pushes = [0, 1].map((side) => push.mock.calls.filter((c) => c[0] === side).length);
      const pushedFromServer = Math.max(...pushes);
      expect(serverSegments).toBeGreaterThan(300);
      expect(pushedFromServer).toBeLessThan(serverSegments * 0.8);
    } finally {
      push.mockRestore();
    }
  });

  it('without secrets: nothing decoded, one tls/encrypted-stream finding', async () => {
    const model = await importCapture(memoryByteSource(writePcap(sessionRecords(9, sip, 8443))), {});
    expect(model.messages.count).toBe(0);
    expect(model.problems.find((p) => p.code === 'tls/encrypted-stream')?.count).toBe(1);
  });
});
