// TLS secrets kept beside a capture: `call.pcap` with `call.key` (PEM RSA private key) or `call.keylog` (NSS key log)
// is decrypted without further setup, in the CLI and the editor alike. Names only: the adapters read the files.

/** File extensions of a capture (longest first), stripped to find its base name. */
const CAPTURE_EXTENSIONS = ['.pcapng.gz', '.pcap.gz', '.cap.gz', '.pcapng', '.pcap', '.cap'];

/** A secrets file that may sit beside a capture: its path and what it usually holds (its content decides). */
export interface TlsSidecar {
  path: string;
  kind: 'rsa-key' | 'keylog';
}

/** Bytes read of a sidecar at most (a key log of a long browser session is a few MB). */
export const MAX_SECRETS_FILE_BYTES = 64 * 1024 * 1024;

/** What a secrets text holds, by content (RFC 7468 PEM private key, NSS key log lines), whatever its file name. */
export type TlsSecretsKind = 'rsa-key' | 'keylog' | 'certificate' | 'unknown';

const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |ENCRYPTED |EC )?PRIVATE KEY-----/;
const KEYLOG_LINE = /^(?:CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET|CLIENT_EARLY_TRAFFIC_SECRET|EARLY_EXPORTER_SECRET)\s+[0-9a-fA-F]{64}\s+[0-9a-fA-F]+\s*$/m;

/**
 * Classify a secrets text: a PEM private key block -> 'rsa-key' (TlsKeyStore reports non-RSA or encrypted keys),
 * any NSS key-log line -> 'keylog', a PEM certificate only -> 'certificate' (no secret in it), else 'unknown'.
 */
export function classifyTlsSecrets(text: string): TlsSecretsKind {
  if (PEM_PRIVATE_KEY.test(text)) return 'rsa-key';
  if (KEYLOG_LINE.test(text)) return 'keylog';
  if (text.includes('-----BEGIN CERTIFICATE-----')) return 'certificate';
  return 'unknown';
}

/**
 * Paths of TLS secrets files that may sit beside `capturePath` (same directory, same base name): `.key` and `.pem`
 * (PEM RSA private keys), `.keylog`, `.sslkeylog`, `.keys`, `.keylog.txt` and `.log` (NSS key logs, SSLKEYLOGFILE
 * format). Works on '/' and '\\' paths; returns candidates, not files known to exist. Callers classify each file's
 * content (classifyTlsSecrets) and skip what holds no secret.
 */
export function tlsSidecarPaths(capturePath: string): TlsSidecar[] {
  const lower = capturePath.toLowerCase();
  const ext = CAPTURE_EXTENSIONS.find((e) => lower.endsWith(e));
  const base = ext === undefined ? capturePath : capturePath.slice(0, capturePath.length - ext.length);
  return [
    { path: `${base}.key`, kind: 'rsa-key' },
    { path: `${base}.pem`, kind: 'rsa-key' },
    { path: `${base}.keylog`, kind: 'keylog' },
    { path: `${base}.sslkeylog`, kind: 'keylog' },
    { path: `${base}.keys`, kind: 'keylog' },
    { path: `${base}.keylog.txt`, kind: 'keylog' },
    { path: `${base}.log`, kind: 'keylog' },
  ];
}

/** A secrets file to consider: a display `path`, a dedupe `id` (default: the path), its expected `kind`, and whether the user named it. */
export interface TlsSecretsCandidate {
  path: string;
  id?: string;
  kind: 'rsa-key' | 'keylog';
  named: boolean;
}

/**
 * Collect TLS secrets from `candidates`, in order, each file once (by `id`). What a file holds is decided by its
 * content (classifyTlsSecrets): a private key or key-log lines go where they belong whatever the name; other
 * content counts as the candidate's `kind` when the user named the file (TlsKeyStore then reports what is wrong with
 * it) and is skipped otherwise (a certificate or an unrelated file beside the capture). `read` gives the text, or
 * undefined to skip the file (absent, too large); it may throw for a named file it cannot read. Returns undefined
 * when no file was used, else the texts and the paths used.
 */
export async function gatherTlsSecrets(
  candidates: readonly TlsSecretsCandidate[],
  read: (c: TlsSecretsCandidate) => Promise<string | undefined>,
): Promise<{ input: { rsaKeys: string[]; keyLogs: string[] }; used: string[] } | undefined> {
  const input = { rsaKeys: [] as string[], keyLogs: [] as string[] };
  const used: string[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    const id = c.id ?? c.path;
    if (seen.has(id)) continue;
    seen.add(id);
    const text = await read(c);
    if (text === undefined) continue;
    const found = classifyTlsSecrets(text);
    const kind = found === 'rsa-key' || found === 'keylog' ? found : c.named ? c.kind : undefined;
    if (kind === undefined) continue;
    (kind === 'rsa-key' ? input.rsaKeys : input.keyLogs).push(text);
    used.push(c.path);
  }
  return used.length === 0 ? undefined : { input, used };
}
