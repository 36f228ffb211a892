// Unit tests for the header table: compact forms (RFC 3261 §7.3.3 and later RFCs), lookups, table consistency.
import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, lookupHeader, lookupHeaderBytes, SIP_HEADERS } from '../../../src/core/sip/header-table';
import { enc } from './helpers';

describe('header table', () => {
  it('has the compact forms of RFC 3261 §7.3.3 and later RFCs', () => {
    const compact: Record<string, string> = {
      i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from', s: 'subject',
      k: 'supported', t: 'to', v: 'via', o: 'event', u: 'allow-events', r: 'refer-to', b: 'referred-by', x: 'session-expires',
      j: 'reject-contact', a: 'accept-contact', d: 'request-disposition', n: 'identity-info', y: 'identity',
    };
    for (const [letter, full] of Object.entries(compact)) {
      expect([letter, lookupHeader(letter)?.canonical]).toEqual([letter, full]);
      expect([letter, lookupHeader(letter.toUpperCase())?.canonical]).toEqual([letter, full]);
      expect(canonicalHeaderName(letter)).toBe(full);
    }
    expect(SIP_HEADERS.filter((d) => d.compact !== undefined)).toHaveLength(Object.keys(compact).length);
  });

  it('covers every RFC 3261 §20 header and the common extensions', () => {
    const rfc3261 = [
      'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Authentication-Info', 'Authorization', 'Call-ID',
      'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type',
      'CSeq', 'Date', 'Error-Info', 'Expires', 'From', 'In-Reply-To', 'Max-Forwards', 'Min-Expires', 'MIME-Version',
      'Organization', 'Priority', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'Record-Route', 'Reply-To',
      'Require', 'Retry-After', 'Route', 'Server', 'Subject', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via',
      'Warning', 'WWW-Authenticate',
    ];
    expect(rfc3261).toHaveLength(44);
    for (const name of rfc3261) expect([name, lookupHeader(name)?.rfc]).toEqual([name, 3261]);
    for (const name of [
      'RAck', 'RSeq', 'Privacy', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Reason', 'Path', 'Security-Client', 'Refer-To',
      'Replaces', 'Referred-By', 'SIP-ETag', 'SIP-If-Match', 'Session-Expires', 'Min-SE', 'Flow-Timer', 'Event', 'Allow-Events',
      'Subscription-State', 'History-Info', 'P-Charging-Vector', 'P-Access-Network-Info', 'Identity', 'Identity-Info', 'Diversion',
    ]) {
      expect([name, lookupHeader(name)?.display]).toEqual([name, name]);
    }
  });

  it('is consistent: unique names, lower-case canonical, descriptions and RFC refs present', () => {
    const seen = new Set<string>();
    for (const d of SIP_HEADERS) {
      expect(d.canonical).toBe(d.display.toLowerCase());
      expect(seen.has(d.canonical)).toBe(false);
      seen.add(d.canonical);
      if (d.compact !== undefined) {
        expect(seen.has(d.compact)).toBe(false);
        seen.add(d.compact);
      }
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.rfc).toBeGreaterThan(2000);
      expect(d.section).toMatch(/^\d+(\.\d+)*$/);
      expect(d.list && d.single).toBe(false);
    }
    // RFC 3261 §7.3.1: the auth headers are not comma lists even though they contain commas.
    for (const n of ['authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate']) expect(lookupHeader(n)!.list).toBe(false);
    for (const n of ['via', 'contact', 'route', 'record-route', 'allow', 'supported', 'require']) expect(lookupHeader(n)!.list).toBe(true);
    for (const n of ['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length', 'content-type']) expect(lookupHeader(n)!.single).toBe(true);
  });

  it('looks up by bytes case-insensitively without allocating strings', () => {
    const b = enc.encode('xxCALL-idxx');
    expect(lookupHeaderBytes(b, 2, 9)?.canonical).toBe('call-id');
    expect(lookupHeaderBytes(enc.encode('V'), 0, 1)?.canonical).toBe('via');
    expect(lookupHeaderBytes(enc.encode('X-Custom'), 0, 8)).toBeUndefined();
    expect(lookupHeaderBytes(enc.encode('Via'), 0, 0)).toBeUndefined();
    for (const d of SIP_HEADERS) {
      expect(lookupHeaderBytes(enc.encode(d.display.toUpperCase()), 0, d.display.length)).toBe(d);
    }
    expect(canonicalHeaderName(' X-Foo ')).toBe('x-foo');
  });
});
