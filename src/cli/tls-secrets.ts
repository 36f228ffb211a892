// TLS secrets for a capture import: files named on the command line (--tls-key, --tls-keylog), the SSLKEYLOGFILE
// environment variable, and secrets files beside the capture (core tlsSidecarPaths). Files are only read; what a file
// holds is decided by its content (classifyTlsSecrets), so a key log given as --tls-key still works.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { classifyTlsSecrets, MAX_SECRETS_FILE_BYTES, tlsSidecarPaths, type TlsKeyInput } from '../core/index';
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
 * key-log lines (others, and files over MAX_SECRETS_FILE_BYTES, are skipped). Returns undefined when there are none,
 * else the texts and the paths used (for a note on stderr).
 */
export async function readTlsSecrets(capturePath: string, files: TlsSecretFiles, env: NodeJS.ProcessEnv = process.env): Promise<{ input: TlsKeyInput; used: string[] } | undefined> {
  const input = { rsaKeys: [] as string[], keyLogs: [] as string[] };
  const used: string[] = [];
  const seen = new Set<string>();
  /** Read `path`; `named`: given by the user (errors are errors, content of any kind is passed on as `kind`). */
  const take = async (path: string, kind: 'rsa-key' | 'keylog', named: boolean): Promise<void> => {
    if (seen.has(resolve(path))) return;
    seen.add(resolve(path));
    let text: string;
    try {
      if (!named && (await stat(path)).size > MAX_SECRETS_FILE_BYTES) return;
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (!named) return; // absent: nothing to use
      throw new InputError(`${path}: cannot read TLS secrets file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const found = classifyTlsSecrets(text);
    if (found === 'rsa-key' || found === 'keylog') kind = found;
    else if (!named) return; // a certificate or an unrelated file beside the capture
    (kind === 'rsa-key' ? input.rsaKeys : input.keyLogs).push(text);
    used.push(path);
  };
  for (const p of files.keys) await take(p, 'rsa-key', true);
  for (const p of files.keyLogs) await take(p, 'keylog', true);
  if (env.SSLKEYLOGFILE) await take(env.SSLKEYLOGFILE, 'keylog', false);
  for (const s of tlsSidecarPaths(capturePath)) await take(s.path, s.kind, false);
  return used.length === 0 ? undefined : { input, used };
}
