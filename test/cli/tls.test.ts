// SIP over TLS in the CLI, as a user runs it (dist/cli.js): a real TLS session recorded on loopback and written as a
// capture; decrypted with --tls-key, --tls-keylog, SSLKEYLOGFILE or a key file beside the capture, in the worker
// (calls) and in one thread (export, SIPSCOPE_THREADS=0) alike; without secrets a finding says why nothing is seen.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../helpers/pcap-writer';
import { SERVER_KEY, sessionRecords, sipConversation, TlsLab, type Session } from '../core/tls/tls-harness';
import { fileTempDir } from '../helpers/temp-dir';

const root = join(__dirname, '../..');
const cli = join(root, 'dist/cli.js');
const tmp = fileTempDir('sipscope-cli-tls-');

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, SSLKEYLOGFILE: '', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let rsa: Session; // TLS 1.2, RSA key exchange (AES128-GCM-SHA256)
let ecdhe: Session; // TLS 1.3
const rsaCapture = join(tmp, 'rsa', 'call.pcap');
const ecdheCapture = join(tmp, 'ecdhe', 'call.pcap');

beforeAll(async () => {
  if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'esbuild.mjs'), 'cli'], { cwd: root });
  const lab = await TlsLab.start({});
  try {
    rsa = await lab.connect({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }, sipConversation('cli-rsa-1'));
    ecdhe = await lab.connect({ minVersion: 'TLSv1.3' }, sipConversation('cli-ecdhe-1'));
  } finally {
    await lab.close();
  }
  mkdirSync(join(tmp, 'rsa'));
  mkdirSync(join(tmp, 'ecdhe'));
  writeFileSync(rsaCapture, writePcap(sessionRecords(1, rsa)));
  writeFileSync(ecdheCapture, writePcap(sessionRecords(2, ecdhe)));
  writeFileSync(join(tmp, 'server.key'), SERVER_KEY);
  writeFileSync(join(tmp, 'tls13.keylog'), ecdhe.keylog);
}, 30_000);

describe('sipscope and SIP over TLS', () => {
  it('without secrets: no message, and the finding names what is missing', () => {
    const r = run(['calls', rsaCapture]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^0 calls, 0 messages, \d+ problems?$/m);
    expect(r.out).toContain('tls/encrypted-stream');
    expect(r.out).toMatch(/no TLS secrets|RSA private key or key log/);
  });

  it('--tls-key decrypts a TLS_RSA session, in the worker (calls) and in one thread', () => {
    for (const env of [{}, { SIPSCOPE_THREADS: '0' }]) {
      const r = run(['calls', rsaCapture, '--tls-key', join(tmp, 'server.key')], env);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^1 calls, 9 messages, 0 problems$/m);
      expect(r.out).toContain('cli-rsa-1');
      expect(r.err).toContain('TLS secrets from');
    }
  });

  it('export marks the messages TLS, with their frames', () => {
    const r = run(['export', rsaCapture, '--format', 'json', '--tls-key', join(tmp, 'server.key')]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as { messages: { transport: string; method: string | null; frame: number }[] };
    expect(doc.messages.map((m) => m.transport)).toEqual(Array(9).fill('TLS'));
    expect(doc.messages[0]!.method).toBe('INVITE');
    expect(doc.messages.every((m, i) => i === 0 || m.frame >= doc.messages[i - 1]!.frame)).toBe(true);
  });

  it('--tls-keylog and SSLKEYLOGFILE decrypt TLS 1.3; the RSA key alone cannot', () => {
    expect(run(['calls', ecdheCapture, '--summary', '--tls-keylog', join(tmp, 'tls13.keylog')]).out.trim()).toBe('1 calls, 9 messages, 0 problems');
    expect(run(['calls', ecdheCapture, '--summary'], { SSLKEYLOGFILE: join(tmp, 'tls13.keylog') }).out.trim()).toBe('1 calls, 9 messages, 0 problems');
    const r = run(['calls', ecdheCapture, '--tls-key', join(tmp, 'server.key')]);
    expect(r.out).toMatch(/^0 calls, 0 messages/m);
    expect(r.out).toContain('tls/encrypted-stream');
  });

  it('uses a key file beside the capture (call.key next to call.pcap) without options', () => {
    const dir = join(tmp, 'beside');
    mkdirSync(dir);
    writeFileSync(join(dir, 'call.pcap'), readFileSync(rsaCapture));
    writeFileSync(join(dir, 'call.key'), SERVER_KEY);
    const r = run(['calls', join(dir, 'call.pcap'), '--summary']);
    expect(r.out.trim()).toBe('1 calls, 9 messages, 0 problems');
    expect(r.err).toContain(join(dir, 'call.key'));
  });

  it('goes by content: a key log given as --tls-key works; a .log beside the capture is used only if it is a key log', () => {
    expect(run(['calls', ecdheCapture, '--summary', '--tls-key', join(tmp, 'tls13.keylog')]).out.trim()).toBe('1 calls, 9 messages, 0 problems');
    const dir = join(tmp, 'logs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'call.pcap'), readFileSync(ecdheCapture));
    writeFileSync(join(dir, 'call.log'), 'baresip 1.0.0: call established\n');
    const plain = run(['calls', join(dir, 'call.pcap'), '--summary']);
    expect(plain.out).toMatch(/^0 calls, 0 messages/);
    expect(plain.err).not.toContain('call.log');
    writeFileSync(join(dir, 'call.log'), ecdhe.keylog);
    const r = run(['calls', join(dir, 'call.pcap'), '--summary']);
    expect(r.out.trim()).toBe('1 calls, 9 messages, 0 problems');
    expect(r.err).toContain('call.log');
  });

  it('a missing secrets file is an input error (exit 2), not a silent miss', () => {
    const r = run(['calls', rsaCapture, '--tls-key', join(tmp, 'nope.key')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.key');
  });
});
