// TLS secrets kept beside a capture: `call.pcap` with `call.key` (PEM RSA private key) or `call.keylog` (NSS key log)
// is decrypted without further setup, in the CLI and the editor alike. Names only: the adapters read the files.

/** File extensions of a capture (longest first), stripped to find its base name. */
const CAPTURE_EXTENSIONS = ['.pcapng.gz', '.pcap.gz', '.cap.gz', '.pcapng', '.pcap', '.cap'];

/** A secrets file that may sit beside a capture: its path and what it holds. */
export interface TlsSidecar {
  path: string;
  kind: 'rsa-key' | 'keylog';
}

/**
 * Paths of TLS secrets files that may sit beside `capturePath` (same directory, same base name): `.key` and `.pem`
 * (PEM RSA private keys), `.keylog`, `.sslkeylog` and `.keys` (NSS key logs, SSLKEYLOGFILE format). Works on '/' and
 * '\\' paths; returns candidates, not files known to exist.
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
  ];
}
