// Unit tests for parseUri: SIP/SIPS (RFC 3261 §19.1.1), IPv6 references (RFC 5118), tel (RFC 3966), absoluteURI.
import { describe, expect, it } from 'vitest';
import { checkIpv6, isIpv4Address, isIpv6Address, parseUri, stripBrackets, unescapeUri } from '../../../src/core/sip/uri';
import { codes } from './helpers';

const sub = (s: string, span: { start: number; end: number }, base = 0): string => s.slice(span.start - base, span.end - base);

describe('parseUri: SIP URIs', () => {
  it('parses every component with spans', () => {
    const t = 'sips:alice:secret@atlanta.example.com:5061;transport=tls;lr?subject=project%20x&priority=urgent';
    const { value: u, problems } = parseUri(t);
    expect(problems).toEqual([]);
    expect(u).toMatchObject({ scheme: 'sips', user: 'alice', password: 'secret', host: 'atlanta.example.com', port: 5061, headers: 'subject=project%20x&priority=urgent', raw: t });
    expect(u!.params.map((p) => [p.name, p.value])).toEqual([['transport', 'tls'], ['lr', undefined]]);
    expect(sub(t, u!.hostSpan)).toBe('atlanta.example.com');
    expect(sub(t, u!.params[0]!.span)).toBe('transport=tls');
    expect(u!.span).toEqual({ start: 0, end: t.length });
  });

  it('adds baseOffset to spans and lower-cases the scheme', () => {
    const { value: u } = parseUri('SIP:bob@host', 100);
    expect(u!.scheme).toBe('sip');
    expect(u!.hostSpan).toEqual({ start: 108, end: 112 });
    expect(u!.span).toEqual({ start: 100, end: 112 });
  });

  it('accepts URIs without user, IPv4 hosts and trailing-dot hostnames', () => {
    expect(parseUri('sip:192.0.2.1:5060').value).toMatchObject({ user: undefined, host: '192.0.2.1', port: 5060 });
    expect(parseUri('sip:example.com.').problems).toEqual([]);
  });

  it('keeps escapes as written and validates them (RFC 4475 esc01/esc02)', () => {
    const a = parseUri('sip:sips%3Auser%40example.com@example.net');
    expect(a.problems).toEqual([]);
    expect(a.value!.user).toBe('sips%3Auser%40example.com');
    expect(unescapeUri(a.value!.user!)).toBe('sips:user@example.com');
    const b = parseUri('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
    expect(b.problems).toEqual([]);
    expect(b.value!.params.map((p) => [p.name, p.value])).toEqual([['%6C%72', undefined], ['n%61me', 'v%61lue%25%34%31']]);
    expect(unescapeUri('v%61lue%25%34%31')).toBe('value%41');
    const c = parseUri('sip:us%zzer@host');
    expect(codes(c.problems)).toEqual(['sip/uri-bad-escape']);
    expect(c.problems[0]!.span).toEqual({ start: 6, end: 9 });
  });

  it('accepts ; and other user-unreserved characters in the user part (RFC 4475 semiuri)', () => {
    const r = parseUri('sip:user;par=u%40example.net@example.com');
    expect(r.problems).toEqual([]);
    expect(r.value).toMatchObject({ user: 'user;par=u%40example.net', host: 'example.com', params: [] });
  });

  it('reports whitespace and bad characters', () => {
    expect(codes(parseUri('sip:I have spaces@example.net').problems)).toEqual(['sip/uri-whitespace']);
    expect(codes(parseUri('sip:a"b@example.net').problems)).toEqual(['sip/uri-bad-char']);
    expect(codes(parseUri('sip:@example.net').problems)).toEqual(['sip/uri-empty-user']);
  });

  it('reports bad hosts and ports', () => {
    expect(codes(parseUri('sip:a@').problems)).toEqual(['sip/uri-missing-host']);
    expect(codes(parseUri('sip:a@256.1.1.1').problems)).toEqual(['sip/uri-bad-host']);
    expect(codes(parseUri('sip:a@-bad.example.com').problems)).toEqual(['sip/uri-bad-host']);
    expect(codes(parseUri('sip:a@ex ample.com').problems)).toEqual(['sip/uri-bad-host']);
    expect(codes(parseUri('sip:a@example.123').problems)).toEqual(['sip/uri-bad-host']);
    expect(parseUri('sip:a@under_score.example.com').problems.map((p) => [p.code, p.severity])).toEqual([['sip/uri-bad-host', 'warning']]);
    expect(codes(parseUri('sip:a@h:').problems)).toEqual(['sip/uri-bad-port']);
    expect(codes(parseUri('sip:a@h:50x').problems)).toEqual(['sip/uri-bad-port']);
    const big = parseUri('sip:a@h:70000');
    expect(codes(big.problems)).toEqual(['sip/uri-bad-port']);
    expect(big.value!.port).toBe(70000);
  });

  it('reports empty URI parameters', () => {
    expect(codes(parseUri('sip:a@h;;lr').problems)).toEqual(['sip/empty-param']);
  });

  it('returns undefined without a scheme', () => {
    expect(parseUri('').value).toBeUndefined();
    expect(codes(parseUri('').problems)).toEqual(['sip/uri-empty']);
    expect(codes(parseUri('user@example.com').problems)).toEqual(['sip/uri-missing-scheme']);
    expect(codes(parseUri(':x').problems)).toEqual(['sip/uri-missing-scheme']);
  });
});

describe('parseUri: IPv6 references (RFC 5118)', () => {
  it('parses bracketed hosts and ports', () => {
    const r = parseUri('sip:[2001:db8::10]:5070');
    expect(r.problems).toEqual([]);
    expect(r.value).toMatchObject({ host: '[2001:db8::10]', port: 5070, user: undefined });
    expect(stripBrackets(r.value!.host)).toBe('2001:db8::10');
    expect(parseUri('sip:ted@[::ffff:192.0.2.2]').problems).toEqual([]);
    expect(parseUri('sip:user@[2001:db8::192.0.2.1]').problems).toEqual([]);
  });

  it('flags the RFC 3261 ABNF bug form (:::) as a warning and garbage as an error', () => {
    const r = parseUri('sip:user@[2001:db8:::192.0.2.1]');
    expect(r.problems.map((p) => [p.code, p.severity])).toEqual([['sip/uri-bad-ipv6', 'warning']]);
    expect(r.value!.host).toBe('[2001:db8:::192.0.2.1]');
    expect(parseUri('sip:user@[2001:zz::1]').problems.map((p) => [p.code, p.severity])).toEqual([['sip/uri-bad-ipv6', 'error']]);
    expect(codes(parseUri('sip:user@[2001:db8::1').problems)).toEqual(['sip/uri-bad-host']);
  });

  it('classifies addresses', () => {
    for (const ok of ['::', '::1', '2001:db8::', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', 'fd17:625c:f037:2:a00:27ff:feb9:1521', '1::2:3:4:5:6:7']) {
      expect([ok, checkIpv6(ok)]).toEqual([ok, 'ok']);
    }
    for (const bad of ['', ':', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '::1.2.3', '1:2:3:4:5:6:7::8']) {
      expect([bad, checkIpv6(bad)]).toEqual([bad, 'bad']);
    }
    expect(checkIpv6('2001:db8:::1')).toBe('triple-colon');
    expect(isIpv6Address('::1')).toBe(true);
    expect(isIpv4Address('192.0.2.1')).toBe(true);
    expect(isIpv4Address('192.0.2')).toBe(false);
    expect(isIpv4Address('192.0.2.1000')).toBe(false);
  });
});

describe('parseUri: tel and other schemes', () => {
  it('parses tel URIs (RFC 3966)', () => {
    const r = parseUri('tel:+1-201-555-0123;ext=1234;phone-context=example.com');
    expect(r.problems).toEqual([]);
    expect(r.value).toMatchObject({ scheme: 'tel', user: '+1-201-555-0123', host: '', port: undefined });
    expect(r.value!.params.map((p) => p.name)).toEqual(['ext', 'phone-context']);
    expect(parseUri('tel:7042;phone-context=example.com').problems).toEqual([]);
    expect(codes(parseUri('tel:+').problems)).toEqual(['sip/tel-bad-number']);
    expect(codes(parseUri('tel:12x4').problems)).toEqual(['sip/tel-bad-number']);
  });

  it('keeps other absoluteURIs raw (RFC 4475 novelsc, unksm2)', () => {
    for (const t of ['soap.beep://192.0.2.103:3002', 'isbn:2983792873', 'http://www.example.com', 'name:John_Smith', 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6']) {
      const r = parseUri(t);
      expect(r.problems).toEqual([]);
      expect(r.value).toMatchObject({ raw: t, host: '', params: [] });
    }
    expect(parseUri('soap.beep://x').value!.scheme).toBe('soap.beep');
    expect(codes(parseUri('http://a b').problems)).toEqual(['sip/uri-whitespace']);
  });
});
