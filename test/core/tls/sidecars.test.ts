// Secrets files beside a capture: candidate names from the capture's base name, and what a file holds by content.
import { describe, expect, it } from 'vitest';
import { classifyTlsSecrets, gatherTlsSecrets, tlsSidecarPaths } from '../../../src/core/index';
import { SERVER_CERT, SERVER_KEY } from './tls-harness';

describe('tlsSidecarPaths', () => {
  it('strips the capture extension (also .gz) and lists key and key-log names beside it', () => {
    for (const capture of ['/x/call.pcap', '/x/call.pcapng', '/x/call.pcap.gz', '/x/call.PCAPNG.GZ', '/x/call.cap']) {
      const paths = tlsSidecarPaths(capture).map((s) => s.path);
      expect(paths).toContain('/x/call.key');
      expect(paths).toContain('/x/call.keylog');
      expect(paths).toContain('/x/call.log');
    }
    expect(tlsSidecarPaths('C:\\caps\\a.b.pcapng').map((s) => s.path)).toContain('C:\\caps\\a.b.pem');
    expect(tlsSidecarPaths('/x/noext').map((s) => s.path)).toContain('/x/noext.key');
  });
});

describe('classifyTlsSecrets', () => {
  const random = 'ab'.repeat(32);
  it('tells a private key, a key log, a certificate and anything else apart', () => {
    expect(classifyTlsSecrets(SERVER_KEY)).toBe('rsa-key');
    expect(classifyTlsSecrets(SERVER_CERT + SERVER_KEY)).toBe('rsa-key');
    expect(classifyTlsSecrets(SERVER_CERT)).toBe('certificate');
    expect(classifyTlsSecrets(`# SSL/TLS secrets log file\nCLIENT_RANDOM ${random} ${'cd'.repeat(48)}\n`)).toBe('keylog');
    expect(classifyTlsSecrets(`SERVER_TRAFFIC_SECRET_0 ${random.toUpperCase()} ${'ef'.repeat(32)}\r\n`)).toBe('keylog');
    expect(classifyTlsSecrets('11:41:56 baresip: call established\nCLIENT_RANDOM too short\n')).toBe('unknown');
    expect(classifyTlsSecrets('')).toBe('unknown');
  });
});

describe('gatherTlsSecrets', () => {
  it('reads each file once, goes by content, and keeps unclear content only from files the user named', async () => {
    const log = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`;
    const files: Record<string, string> = { '/k.pem': SERVER_KEY, '/log.txt': log, '/cert.pem': SERVER_CERT, '/notes.log': 'hello' };
    const reads: string[] = [];
    const r = await gatherTlsSecrets(
      [
        { path: '/log.txt', kind: 'rsa-key', named: true }, // a key log given as a key: used as a key log
        { path: '/cert.pem', kind: 'rsa-key', named: true }, // named: passed on (the key store reports it)
        { path: '/k.pem', kind: 'keylog', named: false },
        { path: '/k.pem', kind: 'rsa-key', named: false }, // the same file again: not read twice
        { path: '/notes.log', kind: 'keylog', named: false }, // beside the capture, no secret: skipped
        { path: '/absent.key', kind: 'rsa-key', named: false },
      ],
      async (c) => (reads.push(c.path), files[c.path]),
    );
    expect(reads).toEqual(['/log.txt', '/cert.pem', '/k.pem', '/notes.log', '/absent.key']);
    expect(r?.input).toEqual({ rsaKeys: [SERVER_CERT, SERVER_KEY], keyLogs: [log] });
    expect(r?.used).toEqual(['/log.txt', '/cert.pem', '/k.pem']);
    expect(await gatherTlsSecrets([{ path: '/notes.log', kind: 'keylog', named: false }], async (c) => files[c.path])).toBeUndefined();
  });
});
