// TLS secrets for a capture import: files named on the command line (--tls-key, --tls-keylog), the SSLKEYLOGFILE
// environment variable, and key files beside the capture (core tlsSidecarPaths). Files are only read.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { tlsSidecarPaths, type TlsKeyInput } from '../core/index';
import { InputError } from './load';

export interface TlsSecretFiles {
  /** PEM RSA private key files (--tls-key). */
  keys: string[];
  /** NSS key log files (--tls-keylog). */
  keyLogs: string[];
}

/**
 * Read the TLS secrets for `capturePath`: the named files (a missing one is an InputError), the key log named by
 * `env.SSLKEYLOGFILE` when that file exists, and any sidecar file that exists. Returns undefined when there are
 * none, else the texts and the paths used (for a note on stderr).
 */
export async function readTlsSecrets(capturePath: string, files: TlsSecretFiles, env: NodeJS.ProcessEnv = process.env): Promise<{ input: TlsKeyInput; used: string[] } | undefined> {
  const rsaKeys: string[] = [];
  const keyLogs: string[] = [];
  const used: string[] = [];
  const seen = new Set<string>();
  const must = async (path: string, into: string[]): Promise<void> => {
    if (seen.has(resolve(path))) return;
    seen.add(resolve(path));
    try {
      into.push(await readFile(path, 'utf8'));
      used.push(path);
    } catch (e) {
      throw new InputError(`${path}: cannot read TLS secrets file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const may = async (path: string, into: string[]): Promise<void> => {
    if (seen.has(resolve(path))) return;
    seen.add(resolve(path));
    try {
      into.push(await readFile(path, 'utf8'));
      used.push(path);
    } catch {
      // absent: nothing to use
    }
  };
  for (const p of files.keys) await must(p, rsaKeys);
  for (const p of files.keyLogs) await must(p, keyLogs);
  if (env.SSLKEYLOGFILE) await may(env.SSLKEYLOGFILE, keyLogs);
  for (const s of tlsSidecarPaths(capturePath)) await may(s.path, s.kind === 'rsa-key' ? rsaKeys : keyLogs);
  if (used.length === 0) return undefined;
  return { input: { rsaKeys, keyLogs }, used };
}
