// TLS secrets for a capture import: files named on the command line (--tls-key, --tls-keylog), the SSLKEYLOGFILE
// environment variable, and secrets files beside the capture (core tlsSidecarPaths). Files are only read; what a file
// holds is decided by its content (core gatherTlsSecrets), so a key log given as --tls-key still works.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { gatherTlsSecrets, MAX_SECRETS_FILE_BYTES, tlsSidecarPaths, type TlsKeyInput, type TlsSecretsCandidate } from '../core/index';
import { InputError } from './load';

export interface TlsSecretFiles {
  /** PEM RSA private key files (--tls-key). */
  keys: string[];
  /** NSS key log files (--tls-keylog). */
  keyLogs: string[];
}

/**
 * Read the TLS secrets for `capturePath`: the named files (a missing or unreadable one is an InputError), the key log
 * named by `env.SSLKEYLOGFILE` when that file exists, and every sidecar file that exists and holds a private key or
 * key-log lines (others, and files over MAX_SECRETS_FILE_BYTES, are skipped; none for a capture read from standard
 * input, `capturePath` undefined). Returns undefined when there are none, else the texts and the paths used (for a
 * note on stderr).
 */
export async function readTlsSecrets(capturePath: string | undefined, files: TlsSecretFiles, env: NodeJS.ProcessEnv = process.env): Promise<{ input: TlsKeyInput; used: string[] } | undefined> {
  const at = (path: string, kind: TlsSecretsCandidate['kind'], named: boolean): TlsSecretsCandidate => ({ path, id: resolve(path), kind, named });
  const candidates = [
    ...files.keys.map((p) => at(p, 'rsa-key', true)),
    ...files.keyLogs.map((p) => at(p, 'keylog', true)),
    ...(env.SSLKEYLOGFILE ? [at(env.SSLKEYLOGFILE, 'keylog', false)] : []),
    ...(capturePath === undefined ? [] : tlsSidecarPaths(capturePath).map((s) => at(s.path, s.kind, false))),
  ];
  return gatherTlsSecrets(candidates, async (c) => {
    try {
      if (!c.named && (await stat(c.path)).size > MAX_SECRETS_FILE_BYTES) return undefined;
      return await readFile(c.path, 'utf8');
    } catch (e) {
      if (!c.named) return undefined; // absent: nothing to use
      throw new InputError(`${c.path}: cannot read TLS secrets file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  });
}
