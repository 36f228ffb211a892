// Address helpers for capture NAT rules: one canonical text per IP (as tshark prints it), classes with trusted
// networks applied, "same host" (loopback / src == dst: no NAT can sit on that path) and "same private network".
import type { LintSettings } from '../types';
import { classifyIp, formatIp, ipInCidr, parseIp, type IpClass } from '../../util/ip';
import { describeClass } from '../context';

const NORM_CACHE = new Map<string, string>();
const NORM_CACHE_MAX = 65536;

/** Canonical text of an IP address (brackets and zone dropped, IPv6 compressed as tshark prints it), else the lowercased text. */
export function normAddr(text: string | undefined): string {
  if (text === undefined) return '';
  // The same few addresses repeat in every message of a capture: parse each once.
  const hit = NORM_CACHE.get(text);
  if (hit !== undefined) return hit;
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const b = parseIp(t);
  const out = b === undefined ? t.toLowerCase() : formatIp(b);
  if (NORM_CACHE.size >= NORM_CACHE_MAX) NORM_CACHE.clear();
  NORM_CACHE.set(text, out);
  return out;
}

/** Loopback literal (127/8, ::1) by text, without parsing (hot path over every message of a capture). */
export function isLoopbackText(a: string): boolean {
  return a.startsWith('127.') || a === '::1' || a.startsWith('::ffff:127.');
}

/**
 * Same-host traffic: both ends loopback, or source == destination. No NAT can translate such a packet, so comparing
 * what it declares with where it comes from says nothing about NAT (a multi-homed host, not a NAT).
 */
export function isSameHost(src: string, dst: string): boolean {
  return src === dst || (isLoopbackText(src) && isLoopbackText(dst));
}

/** How a capture NAT rule sees one address. */
export interface AddrInfo {
  /** Canonical text ('' for none). */
  address: string;
  /** util/ip class, 'domain' for host names, 'none' for empty input. */
  cls: IpClass | 'domain' | 'none';
  /** Listed in settings.trustedNetworks: reachable in this deployment, never reported as unreachable/private. */
  trusted: boolean;
  /** Routed on the Internet: public, or a documentation prefix (RFC 5737/3849: the lab's "public" addresses). */
  publicLike: boolean;
  /** Not routed on the Internet (RFC 1918, RFC 6598, loopback, link-local, ULA) and not trusted. */
  unroutable: boolean;
}

/** Classifies addresses against the NAT classes and settings.trustedNetworks, with a cache (the same few addresses repeat). */
export class AddressBook {
  private readonly cache = new Map<string, AddrInfo>();
  constructor(private readonly settings: LintSettings) {}

  info(text: string | undefined): AddrInfo {
    const key = text ?? '';
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const address = normAddr(key);
    let cls: AddrInfo['cls'];
    if (address === '') cls = 'none';
    else cls = classifyIp(address) ?? 'domain';
    let trusted = false;
    if (cls !== 'none' && cls !== 'domain') {
      for (const cidr of this.settings.trustedNetworks) {
        if (ipInCidr(address, cidr)) {
          trusted = true;
          break;
        }
      }
    }
    const nonPublic = cls === 'private' || cls === 'shared' || cls === 'loopback' || cls === 'link-local' || cls === 'ula';
    const r: AddrInfo = { address, cls, trusted, publicLike: cls === 'public' || cls === 'documentation', unroutable: nonPublic && !trusted };
    this.cache.set(key, r);
    return r;
  }

  /** Short class label for messages: `private, RFC 1918`, `public`, `unique local, RFC 4193`... */
  classLabel(text: string): string {
    const i = this.info(text);
    switch (i.cls) {
      case 'private':
        return 'private, RFC 1918';
      case 'shared':
        return 'CGNAT shared, RFC 6598';
      case 'loopback':
        return 'loopback';
      case 'link-local':
        return 'link-local';
      case 'ula':
        return 'unique local, RFC 4193';
      case 'public':
      case 'documentation':
        return 'public';
      case 'domain':
        return 'host name';
      default:
        return describeClass(i.cls as IpClass).replace(/^an? /, '').replace(/ address$/, '');
    }
  }

  /** `192.168.1.10 (private, RFC 1918)` */
  describe(text: string): string {
    return `${this.info(text).address} (${this.classLabel(text)})`;
  }
}

/** `ip:port` (IPv6 in brackets). */
export function hostPort(ip: string, port: number | undefined): string {
  const h = ip.includes(':') ? `[${ip}]` : ip;
  return port === undefined ? h : `${h}:${port}`;
}

/**
 * Two non-public addresses that may sit on one LAN: same IPv4 /24 or same IPv6 /64. Media between two private
 * addresses works only on one network; across different private networks it needs NAT traversal.
 */
export function sameLocalNetwork(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  if (x === undefined || y === undefined || x.length !== y.length) return false;
  const n = x.length === 4 ? 3 : 8;
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Default port of a SIP URI / Via sent-by without one (RFC 3261 §18.1.1, §19.1.2: 5060, 5061 for TLS/sips). */
export function defaultSipPort(transport: string | undefined, scheme?: string): number {
  const t = (transport ?? '').toUpperCase();
  return t === 'TLS' || t === 'WSS' || scheme === 'sips' ? 5061 : 5060;
}

/** Connection-oriented transports: the source port is an ephemeral port, not the Via/Contact listening port. */
export function isStreamTransport(transport: string | undefined): boolean {
  const t = (transport ?? 'UDP').toUpperCase();
  return t === 'TCP' || t === 'TLS' || t === 'WS' || t === 'WSS' || t === 'SCTP';
}
