// TLS decryption for SIP over TLS: key material (RSA private keys, NSS key logs) and per-connection record decryption.
export { TlsKeyStore, SESSION_CACHE_LIMIT, type TlsKeyInput, type TlsKeyProblem, type KeyLogLabel } from './keys';
export { TlsConnection, MAX_RECORD_LENGTH } from './connection';
export { CIPHER_SUITES, describeSuite, type CipherSuite } from './suites';
