// src/core/util/ip.ts: formatting checked against tshark 4.0.17 / glibc inet_ntop output, parsing, classes, CIDR.
import { describe, expect, it } from 'vitest';
import { classifyIp, formatIp, ipInCidr, parseIp } from '../../../src/core/util/ip';

describe('formatIp', () => {
  it('prints IPv4 dotted quads', () => {
    expect(formatIp(Uint8Array.of(192, 168, 0, 1))).toBe('192.168.0.1');
    expect(formatIp(Uint8Array.of(0, 0, 0, 0))).toBe('0.0.0.0');
  });
  // Expected strings as printed by tshark -e ipv6.src (RFC 5952 with the inet_ntop embedded-IPv4 rule).
  const v6: [string, string][] = [
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['1:0:0:0:1:0:0:1', '1::1:0:0:1'],
    ['fe80:0:0:0:1:0:0:0', 'fe80::1:0:0:0'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:1:0:0', '::1:0:0'],
    ['0:0:0:1:0:0:0:0', '0:0:0:1::'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['0:1:2:3:4:5:6:7', '0:1:2:3:4:5:6:7'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['0:0:0:0:0:ffff:102:304', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:0:102:304', '::1.2.3.4'],
    ['0:0:0:0:0:0:0:100', '::100'],
    ['64:ff9b:0:0:0:0:102:304', '64:ff9b::102:304'],
    ['0:0:0:0:0:fffe:102:304', '::fffe:102:304'],
    ['fd17:625c:f037:2:a00:27ff:feb9:1521', 'fd17:625c:f037:2:a00:27ff:feb9:1521'],
  ];
  for (const [input, want] of v6) {
    it(`prints ${input} as ${want}`, () => expect(formatIp(parseIp(input)!)).toBe(want));
  }
  it('returns an empty string for other lengths', () => expect(formatIp(new Uint8Array(5))).toBe(''));
});

describe('parseIp', () => {
  it('accepts IPv4, IPv6, brackets, zones and dotted tails', () => {
    expect([...parseIp('10.0.0.255')!]).toEqual([10, 0, 0, 255]);
    expect(formatIp(parseIp('[2001:db8::1]')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80::1');
    expect(formatIp(parseIp('::ffff:192.0.2.1')!)).toBe('::ffff:192.0.2.1');
    expect(parseIp('::')!.length).toBe(16);
  });
  it('rejects non-addresses', () => {
    for (const s of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.a', 'example.com', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', '[::1', 'fe80::1::']) {
      expect(parseIp(s), s).toBeUndefined();
    }
  });
});

describe('classifyIp', () => {
  const cases: [string, string][] = [
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.8.53', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.10', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'multicast'],
    ['8.8.8.8', 'public'],
    ['180.173.83.248', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'ula'],
    ['fd17:625c:f037:2::1', 'ula'],
    ['ff02::1', 'multicast'],
    ['2001:db8::5', 'documentation'],
    ['2a00:1450::1', 'public'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
  ];
  for (const [ip, cls] of cases) it(`${ip} is ${cls}`, () => expect(classifyIp(ip)).toBe(cls));
  it('accepts bytes and rejects junk', () => {
    expect(classifyIp(Uint8Array.of(192, 168, 1, 1))).toBe('private');
    expect(classifyIp('nope')).toBeUndefined();
  });
});

describe('ipInCidr', () => {
  it('matches prefixes of both families', () => {
    expect(ipInCidr('10.20.30.40', '10.0.0.0/8')).toBe(true);
    expect(ipInCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(ipInCidr('100.64.1.1', '100.64.0.0/10')).toBe(true);
    expect(ipInCidr('100.128.1.1', '100.64.0.0/10')).toBe(false);
    expect(ipInCidr('192.0.2.7', '192.0.2.7')).toBe(true);
    expect(ipInCidr('fe80::abcd', 'fe80::/10')).toBe(true);
    expect(ipInCidr('fec0::1', 'fe80::/10')).toBe(false);
    expect(ipInCidr(parseIp('2001:db8::1')!, '2001:db8::/32')).toBe(true);
    expect(ipInCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
  });
  it('matches IPv4-mapped IPv6 against IPv4 prefixes, and rejects family mismatches and bad input', () => {
    expect(ipInCidr('::ffff:10.1.1.1', '10.0.0.0/8')).toBe(true);
    expect(ipInCidr('10.1.1.1', '::/0')).toBe(false);
    expect(ipInCidr('10.1.1.1', '10.0.0.0/33')).toBe(false);
    expect(ipInCidr('x', '10.0.0.0/8')).toBe(false);
    expect(ipInCidr('10.1.1.1', '10.0.0.0/abc')).toBe(false);
  });
});
